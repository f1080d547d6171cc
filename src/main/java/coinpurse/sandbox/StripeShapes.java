package coinpurse.sandbox;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.stripe.Stripe;
import java.time.Instant;
import java.util.Map;

/**
 * The sandbox's objects rendered as Stripe renders them in events (at stripe-java's pinned API
 * version): the fields coinpurse and a web app read, with Stripe's names, types and ids.
 */
final class StripeShapes {
    private static final ObjectMapper JSON = new ObjectMapper();

    private StripeShapes() {}

    static ObjectNode session(SandboxSession s) {
        ObjectNode node = JSON.createObjectNode()
                .put("id", s.id())
                .put("object", "checkout.session")
                .put("amount_subtotal", s.amount())
                .put("amount_total", s.amount())
                .put("cancel_url", s.cancelUrl())
                .put("client_reference_id", s.userId())
                .put("created", s.created().getEpochSecond())
                .put("currency", s.currency())
                .put("expires_at", s.expiresAt().getEpochSecond())
                .put("livemode", false);
        metadata(node, s.metadata());
        node.put("mode", "payment")
                .put("payment_intent", s.paymentIntent())
                .put("payment_status", s.paymentStatus())
                .put("status", s.status())
                .put("success_url", s.successUrl())
                // Stripe's url is null once the session is no longer open.
                .put("url", s.isOpen() ? s.url() : null);
        return node;
    }

    static ObjectNode charge(SandboxPayment p) {
        ObjectNode node = JSON.createObjectNode()
                .put("id", p.charge())
                .put("object", "charge")
                .put("amount", p.amount())
                .put("amount_captured", p.amount())
                .put("amount_refunded", p.amountRefunded())
                .put("captured", true)
                .put("created", p.created().getEpochSecond())
                .put("currency", p.currency())
                .put("disputed", !p.disputes().isEmpty())
                .put("livemode", false);
        metadata(node, p.metadata());
        return node.put("paid", true)
                .put("payment_intent", p.paymentIntent())
                .put("refunded", p.refunded())
                .put("status", "succeeded");
    }

    static ObjectNode refund(SandboxPayment p, SandboxRefund r) {
        ObjectNode node = JSON.createObjectNode()
                .put("id", r.id())
                .put("object", "refund")
                .put("amount", r.amount())
                .put("charge", p.charge())
                .put("created", r.created().getEpochSecond())
                .put("currency", p.currency());
        node.putObject("metadata");
        return node.put("payment_intent", p.paymentIntent())
                .put("reason", r.reason())
                .put("status", r.status());
    }

    static ObjectNode dispute(SandboxPayment p, SandboxDispute d) {
        ObjectNode node = JSON.createObjectNode()
                .put("id", d.id())
                .put("object", "dispute")
                .put("amount", d.amount())
                .put("charge", p.charge())
                .put("created", d.created().getEpochSecond())
                .put("currency", p.currency())
                .put("is_charge_refundable", false)
                .put("livemode", false);
        node.putObject("metadata");
        return node.put("payment_intent", p.paymentIntent())
                .put("reason", "fraudulent")
                .put("status", d.status());
    }

    /** An event around {@code object}, pretty-printed as Stripe's payloads are. */
    static String event(String id, String type, Instant created, ObjectNode object) {
        ObjectNode event = JSON.createObjectNode()
                .put("id", id)
                .put("object", "event")
                .put("api_version", Stripe.API_VERSION)
                .put("created", created.getEpochSecond());
        event.putObject("data").set("object", object);
        event.put("livemode", false).put("pending_webhooks", 1);
        event.putObject("request").putNull("id").putNull("idempotency_key");
        event.put("type", type);
        return event.toPrettyString();
    }

    private static void metadata(ObjectNode node, Map<String, String> metadata) {
        ObjectNode target = node.putObject("metadata");
        metadata.forEach(target::put);
    }
}
