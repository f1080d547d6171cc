package coinpurse.sandbox;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A paid session's payment: its payment intent and the one charge that Checkout makes, with the
 * charge's refunds and disputes. Immutable: a refund or a dispute's change is a new record.
 */
record SandboxPayment(
        String paymentIntent,
        String charge,
        String sessionId,
        long amount,
        String currency,
        Instant created,
        Map<String, String> metadata,
        List<SandboxRefund> refunds,
        List<SandboxDispute> disputes) {

    SandboxPayment {
        metadata = Map.copyOf(metadata);
        refunds = List.copyOf(refunds);
        disputes = List.copyOf(disputes);
    }

    /** Stripe's {@code amount_refunded}: the refunds that have not failed or been canceled. */
    long amountRefunded() {
        return refunds.stream().filter(SandboxRefund::counts).mapToLong(SandboxRefund::amount).sum();
    }

    boolean refunded() {
        return amountRefunded() >= amount;
    }

    /** What a new refund may still take. */
    long refundable() {
        return amount - amountRefunded();
    }

    Optional<SandboxDispute> openDispute() {
        return disputes.stream().filter(SandboxDispute::isOpen).findFirst();
    }

    boolean lostDispute() {
        return disputes.stream().anyMatch(dispute -> SandboxDispute.LOST.equals(dispute.status()));
    }

    SandboxPayment with(SandboxRefund refund) {
        List<SandboxRefund> all = new ArrayList<>(refunds);
        all.removeIf(existing -> existing.id().equals(refund.id()));
        all.add(refund);
        return new SandboxPayment(paymentIntent, charge, sessionId, amount, currency, created, metadata, all, disputes);
    }

    SandboxPayment with(SandboxDispute dispute) {
        List<SandboxDispute> all = new ArrayList<>(disputes);
        all.replaceAll(existing -> existing.id().equals(dispute.id()) ? dispute : existing);
        if (all.stream().noneMatch(existing -> existing.id().equals(dispute.id()))) {
            all.add(dispute);
        }
        return new SandboxPayment(paymentIntent, charge, sessionId, amount, currency, created, metadata, refunds, all);
    }
}
