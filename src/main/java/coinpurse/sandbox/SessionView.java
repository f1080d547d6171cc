package coinpurse.sandbox;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/**
 * A sandbox session as its page shows it ({@code GET /sandbox/sessions/{session_id}}): the package
 * and price, where it stands, its payment's refunds and disputes, and the events sent about it with
 * the webhook's answer to each.
 */
record SessionView(
        String sessionId,
        String status,
        String paymentStatus,
        @JsonProperty("package") PackageView coinPackage,
        long amount,
        String currency,
        String successUrl,
        String cancelUrl,
        PaymentView payment,
        List<EventView> events) {

    record PackageView(String id, String name, long coins, long bonus) {}

    record PaymentView(String paymentIntent, String charge, long amountRefunded, boolean refunded, long refundable,
            List<RefundView> refunds, List<DisputeView> disputes) {}

    record RefundView(String id, long amount, String status, String reason) {}

    record DisputeView(String id, long amount, String status) {}

    /** {@code webhookStatus}: the webhook's HTTP answer, null when it got none. */
    record EventView(String id, String type, Integer webhookStatus) {}

    static SessionView of(SandboxSession session, SandboxPayment payment, List<EventView> events) {
        return new SessionView(session.id(), session.status(), session.paymentStatus(),
                new PackageView(session.coinPackage().id(), session.coinPackage().name(), session.coinPackage().coins(),
                        session.coinPackage().bonus()),
                session.amount(), session.currency(), session.successUrlFilled(), session.cancelUrl(),
                payment == null ? null : new PaymentView(payment.paymentIntent(), payment.charge(),
                        payment.amountRefunded(), payment.refunded(), payment.refundable(),
                        payment.refunds().stream().map(r -> new RefundView(r.id(), r.amount(), r.status(), r.reason()))
                                .toList(),
                        payment.disputes().stream().map(d -> new DisputeView(d.id(), d.amount(), d.status())).toList()),
                events);
    }
}
