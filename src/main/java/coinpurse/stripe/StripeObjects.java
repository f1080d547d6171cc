package coinpurse.stripe;

import coinpurse.catalog.CoinPackage;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.stripe.model.Event;
import com.stripe.model.Refund;
import com.stripe.model.checkout.Session;
import com.stripe.param.checkout.SessionCreateParams.LineItem;
import com.stripe.param.checkout.SessionCreateParams.LineItem.PriceData;
import java.io.IOException;
import java.util.Map;

/** stripe-java's objects turned into ours, and a coin package into a Checkout line item. */
final class StripeObjects {
    private static final ObjectMapper JSON = new ObjectMapper();

    private StripeObjects() {}

    static StripeEvent toEvent(Event event) {
        JsonNode object;
        try {
            object = JSON.readTree(event.getDataObjectDeserializer().getRawJson());
        } catch (IOException e) {
            throw new IllegalStateException("event " + event.getId() + " has unreadable data", e);
        }
        return new StripeEvent(event.getId(), event.getType(), event.getLivemode(), object);
    }

    static LineItem lineItemFor(CoinPackage pack) {
        LineItem.Builder item = LineItem.builder().setQuantity(1L);
        if (pack.stripePriceId() != null) {
            return item.setPrice(pack.stripePriceId()).build();
        }
        return item.setPriceData(PriceData.builder()
                        .setCurrency(pack.currency())
                        .setUnitAmount(pack.priceCents())
                        .setProductData(PriceData.ProductData.builder()
                                .setName(pack.name())
                                .setDescription(describe(pack))
                                .build())
                        .build())
                .build();
    }

    private static String describe(CoinPackage pack) {
        return pack.bonus() == 0
                ? pack.coins() + " coins"
                : pack.coins() + " coins + " + pack.bonus() + " bonus";
    }

    static RefundData toData(Refund refund) {
        return new RefundData(refund.getId(), refund.getPaymentIntent(), refund.getAmount(),
                JsonFields.currency(refund.getCurrency()), JsonFields.status(refund.getStatus()));
    }

    static CheckoutSessionData toData(Session session) {
        return new CheckoutSessionData(
                session.getId(),
                session.getUrl(),
                session.getStatus(),
                session.getPaymentStatus(),
                session.getAmountTotal(),
                session.getCurrency(),
                session.getClientReferenceId(),
                session.getMetadata() == null ? Map.of() : session.getMetadata(),
                session.getPaymentIntent());
    }
}
