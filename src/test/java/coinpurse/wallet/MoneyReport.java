package coinpurse.wallet;

import static org.junit.jupiter.api.Assertions.assertEquals;

import coinpurse.support.TestServer;
import coinpurse.wallet.CoinModel.Figures;
import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/** {@code GET /api/internal/liability}, the SPEC's money report, for {@link LotsPropertyTest}. */
final class MoneyReport {
    private static final String PATH = "/api/internal/liability";

    private final Function<String, HttpResponse<String>> get;

    /** {@code get} sends a GET with the internal API key. */
    MoneyReport(Function<String, HttpResponse<String>> get) {
        this.get = get;
    }

    JsonNode now() {
        return ok(get.apply(PATH));
    }

    JsonNode asOf(Instant asOf) {
        return ok(get.apply(PATH + "?as_of=" + asOf));
    }

    static Figures figures(JsonNode row) {
        return new Figures(row.get("purchased_cents").asLong(), row.get("refunded_cents").asLong(),
                row.get("recognized_cents").asLong(), row.get("liability_cents").asLong(),
                row.get("unspent_paid_coins").asLong());
    }

    /**
     * Each currency's totals are the sums over its purchases and add up to the cent: purchased =
     * refunded + recognized + liability.
     */
    static void checkTotals(JsonNode report, String context) {
        Map<String, long[]> sums = new HashMap<>();
        for (JsonNode row : report.get("purchases")) {
            Figures f = figures(row);
            long[] sum = sums.computeIfAbsent(row.get("currency").asText(), currency -> new long[5]);
            sum[0] += f.purchased();
            sum[1] += f.refunded();
            sum[2] += f.recognized();
            sum[3] += f.liability();
            sum[4] += f.unspentPaid();
        }
        Set<String> currencies = new HashSet<>();
        report.get("currencies").fieldNames().forEachRemaining(currencies::add);
        assertEquals(sums.keySet(), currencies, context);
        sums.forEach((currency, sum) -> {
            Figures total = figures(report.get("currencies").get(currency));
            assertEquals(new Figures(sum[0], sum[1], sum[2], sum[3], sum[4]), total, context + ", " + currency);
            assertEquals(total.purchased(), total.refunded() + total.recognized() + total.liability(),
                    context + ", " + currency);
        });
    }

    private static JsonNode ok(HttpResponse<String> answer) {
        assertEquals(200, answer.statusCode(), answer.body());
        return TestServer.json(answer);
    }
}
