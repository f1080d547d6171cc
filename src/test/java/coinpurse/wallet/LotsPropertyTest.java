package coinpurse.wallet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import coinpurse.support.FakeStripe;
import coinpurse.support.JsonAssertions;
import coinpurse.support.MovableClock;
import coinpurse.support.TempFolders;
import coinpurse.support.TestServer;
import coinpurse.wallet.CoinModel.Figures;
import coinpurse.wallet.CoinModel.Hold;
import coinpurse.wallet.CoinModel.HoldAnswer;
import coinpurse.wallet.CoinModel.Moved;
import coinpurse.wallet.CoinModel.Pack;
import coinpurse.wallet.CoinModel.Purchase;
import coinpurse.wallet.CoinModel.Row;
import coinpurse.wallet.CoinModel.Wallet;
import coinpurse.wallet.LotSteps.Buy;
import coinpurse.wallet.LotSteps.Capture;
import coinpurse.wallet.LotSteps.CloseDispute;
import coinpurse.wallet.LotSteps.Grant;
import coinpurse.wallet.LotSteps.NewHold;
import coinpurse.wallet.LotSteps.OpenDispute;
import coinpurse.wallet.LotSteps.Pass;
import coinpurse.wallet.LotSteps.Refund;
import coinpurse.wallet.LotSteps.Release;
import coinpurse.wallet.LotSteps.Replay;
import coinpurse.wallet.LotSteps.SettleRefund;
import coinpurse.wallet.LotSteps.Spend;
import coinpurse.wallet.LotSteps.Step;
import coinpurse.wallet.LotSteps.Sweep;
import coinpurse.wallet.LotSteps.ToDeadline;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tag;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * The model-based property of lots, holds and the money report: a random sequence of purchases,
 * spends, grants (some expiring), holds and their captures, releases and deadlines, refunds (some
 * failing or canceled), disputes (open, won, lost, prevented), clock steps and sweeps, for two users,
 * runs against the real server over HTTP (the fake Stripe's events through the signed webhook) and
 * against {@link CoinModel}, the SPEC's rules written apart from the server's code. After every step
 * the balance route (balance, paid, bonus, held, available), each new history entry (delta, paid,
 * bonus, reason, reference, balance_after), every answer (spend and grant parts, 409
 * {@code insufficient_funds} exactly when the model refuses, hold answers and errors), the touched
 * purchase's status, the touched hold, and the money report must be what the model says.
 */
@Tag("slow")
class LotsPropertyTest {
    private static final String API_KEY = "lots-property-internal-key-0123456789";
    private static final String HOLDS = "/api/internal/coins/holds";
    private static final int USERS = 2;
    private static final int MAX_STEPS = 25;
    /** Small packages whose prices do not divide by their coins, so that every rounding rule shows; one in eur. */
    private static final List<Pack> PACKS = List.of(
            new Pack("starter", 7, 0, 10, "usd"),
            new Pack("popular", 13, 5, 37, "usd"),
            new Pack("best_value", 30, 11, 101, "eur"));
    private static final ObjectMapper JSON = new ObjectMapper();

    // jqwik runs this class, and JUnit extensions such as @RunningServer do not reach jqwik.
    private static Path dir;
    private static MovableClock clock;
    private static TestServer server;
    private static FakeStripe stripe;
    private static int tries;
    private static MoneyReport report;

    @BeforeContainer
    static void start() {
        dir = TempFolders.create("lots-property");
        clock = MovableClock.atNow();
        Map<String, String> env = new HashMap<>(Map.of(
                "INTERNAL_API_KEY", API_KEY,
                "RATELIMIT_CHECKOUT_PER_MINUTE", "1000000"));
        for (Pack pack : PACKS) {
            String key = "PACKAGES_" + pack.id().toUpperCase(Locale.ROOT) + "_";
            env.put(key + "COINS", Long.toString(pack.coins()));
            env.put(key + "BONUS", Long.toString(pack.bonus()));
            env.put(key + "PRICE_USD", BigDecimal.valueOf(pack.cents(), 2).toPlainString());
            env.put(key + "CURRENCY", pack.currency());
        }
        server = TestServer.startWithClock(dir.resolve("server"), env, clock);
        stripe = server.stripe();
        report = new MoneyReport(path -> get(path));
    }

    @AfterContainer
    static void stop() {
        try {
            server.close();
        } finally {
            TempFolders.delete(dir);
        }
    }

    @Property(tries = 100)
    void afterEveryStepTheServerSaysWhatTheModelSays(@ForAll("anyStory") List<Step> steps) {
        new Run(steps).play();
    }

    @Property(tries = 100)
    void refundsAndDisputesOfSpentAndExpiringCoinsGoWhereTheModelSays(@ForAll("reversals") List<Step> steps) {
        new Run(steps).play();
    }

    @Provide
    Arbitrary<List<Step>> anyStory() {
        return LotSteps.sequences(USERS, PACKS.size(), MAX_STEPS, LotSteps.Mix.ANY);
    }

    @Provide
    Arbitrary<List<Step>> reversals() {
        return LotSteps.sequences(USERS, PACKS.size(), MAX_STEPS, LotSteps.Mix.REVERSALS);
    }

    /** A sent spend, grant or hold that succeeded, to send again. */
    private record Call(String path, String body, JsonNode answer) {}

    private record RefundMade(Purchase purchase, String id) {}

    /** What the model's money report said of this run's purchases at {@code asOf}. */
    private record Snapshot(Instant asOf, Map<String, Figures> figures) {}

    private static final class Run {
        private final List<Step> steps;
        private final CoinModel model = new CoinModel(clock.instant());
        private final String prefix = "lots-" + (++tries) + "-";
        private final List<Wallet> wallets = new ArrayList<>();
        private final Map<Wallet, Long> lastEntry = new HashMap<>();
        private final List<Purchase> purchases = new ArrayList<>();
        private final List<Hold> holds = new ArrayList<>();
        private final Map<Hold, JsonNode> firstHoldAnswers = new HashMap<>();
        private final List<RefundMade> refunds = new ArrayList<>();
        private final Map<String, Boolean> inquiries = new HashMap<>();
        private final List<Call> calls = new ArrayList<>();
        private final List<Snapshot> snapshots = new ArrayList<>();
        private int at;
        private int keys;

        Run(List<Step> steps) {
            this.steps = steps;
            for (int i = 0; i < USERS; i++) {
                Wallet wallet = model.wallet(prefix + "u" + i);
                wallets.add(wallet);
                lastEntry.put(wallet, 0L);
            }
        }

        void play() {
            for (at = 0; at < steps.size(); at++) {
                Object touched = act(steps.get(at));
                compareWallets();
                if (touched instanceof Purchase purchase) {
                    comparePurchase(purchase);
                } else if (touched instanceof Hold hold) {
                    compareHold(hold);
                }
                compareReport();
            }
            comparePastReports();
        }

        /** Does the step at the server and in the model; returns the purchase or hold it touched, if any. */
        private Object act(Step step) {
            if (step instanceof Buy buy) {
                return buy(wallets.get(buy.user()), PACKS.get(buy.pack()));
            } else if (step instanceof Spend spend) {
                return spend(wallets.get(spend.user()), spend.percent());
            } else if (step instanceof Grant grant) {
                return grant(wallets.get(grant.user()), grant.amount(), grant.expiresInSeconds());
            } else if (step instanceof NewHold hold) {
                return newHold(wallets.get(hold.user()), hold.percent(), hold.seconds());
            } else if (step instanceof Capture capture) {
                Hold hold = hold(capture.hold());
                return hold == null ? null : capture(hold, capture.percent());
            } else if (step instanceof Release release) {
                Hold hold = hold(release.hold());
                return hold == null ? null : release(hold);
            } else if (step instanceof Pass pass) {
                return pass(Duration.ofSeconds(pass.seconds()));
            } else if (step instanceof ToDeadline to) {
                return model.nextDeadline()
                        .map(deadline -> pass(Duration.between(model.now(), deadline).minusMillis(to.justBefore() ? 1 : 0)))
                        .orElse(null);
            } else if (step instanceof Sweep) {
                server.services().sweeps().sweepOnce();
                model.sweep();
                return null;
            } else if (step instanceof Refund refund) {
                Purchase purchase = pick(purchases, refund.purchase(), p -> model.refunded(p) < p.pack.cents()
                        && !p.disputes.containsValue("lost"));
                return purchase == null ? null : refund(purchase, refund.percent(), refund.cents(), refund.succeeded());
            } else if (step instanceof SettleRefund settle) {
                RefundMade refund = pick(refunds, settle.refund(), r -> canMove(r, settle.status()));
                return refund == null ? null : settleRefund(refund, settle.status());
            } else if (step instanceof OpenDispute open) {
                Purchase purchase = pick(purchases, open.purchase(), p -> openDispute(p).isEmpty()
                        && !p.disputes.containsValue("lost") && model.refunded(p) < p.pack.cents());
                return purchase == null ? null : openDispute(purchase, open.inquiry());
            } else if (step instanceof CloseDispute close) {
                Purchase purchase = pick(purchases, close.purchase(), p -> openDispute(p).isPresent());
                return purchase == null ? null : closeDispute(purchase, close.favourable(), close.prevented());
            } else if (step instanceof Replay replay) {
                Call call = pick(calls, replay.call(), c -> true);
                return call == null ? null : replay(call);
            }
            throw new IllegalArgumentException("unknown step " + step);
        }

        // ---- the steps ----

        /** Mostly an open hold; one time in four (or when none is open) any hold, to see closed ones answer. */
        private Hold hold(int index) {
            Hold open = pick(holds, index, h -> model.holdStatus(h).equals("open"));
            return open == null || index % 4 == 3 ? pick(holds, index, h -> true) : open;
        }

        /** Whether Stripe lets the refund move to {@code status}: pending to anything, succeeded only to failed. */
        private static boolean canMove(RefundMade refund, String status) {
            String now = refund.purchase().refundStatuses.get(refund.id());
            return now.equals("pending") || (now.equals("succeeded") && status.equals("failed"));
        }

        private static Optional<String> openDispute(Purchase purchase) {
            return purchase.disputes.entrySet().stream()
                    .filter(e -> e.getValue().endsWith("needs_response")).map(Map.Entry::getKey).findFirst();
        }


        private Purchase buy(Wallet wallet, Pack pack) {
            String sessionId = server.checkout(server.token(wallet.userId), pack.id());
            stripe.completeCheckout(sessionId).forEach(this::deliver);
            Purchase purchase = model.purchase(wallet, sessionId, pack);
            purchases.add(purchase);
            return purchase;
        }

        private Object spend(Wallet wallet, int percent) {
            long amount = share(model.available(wallet), percent);
            String key = key("spend");
            ObjectNode body = JSON.createObjectNode().put("user_id", wallet.userId).put("amount", amount)
                    .put("idempotency_key", key).put("reason", "property");
            HttpResponse<String> answer = post("/api/internal/coins/spend", body.toString());
            Moved moved = model.spend(wallet, amount, key);
            checkMoved(answer, moved, wallet, "/api/internal/coins/spend", body);
            return null;
        }

        private Object grant(Wallet wallet, long amount, int expiresInSeconds) {
            Instant expiresAt = expiresInSeconds == 0 ? null : model.now().plusSeconds(expiresInSeconds);
            String key = key("grant");
            ObjectNode body = JSON.createObjectNode().put("user_id", wallet.userId).put("amount", amount)
                    .put("idempotency_key", key).put("reason", "property");
            if (expiresAt != null) {
                body.put("expires_at", expiresAt.toString());
            }
            HttpResponse<String> answer = post("/api/internal/coins/grant", body.toString());
            checkMoved(answer, model.grant(wallet, amount, key, expiresAt), wallet, "/api/internal/coins/grant", body);
            return null;
        }

        private void checkMoved(HttpResponse<String> answer, Moved moved, Wallet wallet, String path, ObjectNode body) {
            if (moved == null) {
                JsonAssertions.assertError(answer, 409, "insufficient_funds");
                return;
            }
            JsonNode json = ok(answer);
            assertEquals(List.of(wallet.userId, moved.balance(), moved.paid(), moved.bonus()),
                    List.of(json.get("user_id").asText(), json.get("balance").asLong(), json.get("paid").asLong(),
                            json.get("bonus").asLong()),
                    context("user_id, balance, paid, bonus of " + answer.body()));
            calls.add(new Call(path, body.toString(), json));
        }

        private Object newHold(Wallet wallet, int percent, int seconds) {
            long amount = share(model.available(wallet), percent);
            ObjectNode body = JSON.createObjectNode().put("user_id", wallet.userId).put("amount", amount)
                    .put("idempotency_key", key("hold")).put("reason", "property").put("expires_in_seconds", seconds);
            HttpResponse<String> answer = post(HOLDS, body.toString());
            Hold hold = model.hold(wallet, amount, seconds);
            if (hold == null) {
                JsonAssertions.assertError(answer, 409, "insufficient_funds");
                return null;
            }
            JsonNode json = ok(answer);
            hold.id = json.get("hold_id").asText();
            holds.add(hold);
            calls.add(new Call(HOLDS, body.toString(), json));
            assertEquals(List.of("open", amount, hold.deadline, model.balance(wallet), model.available(wallet)),
                    List.of(json.get("status").asText(), json.get("amount").asLong(),
                            Instant.parse(json.get("expires_at").asText()), json.get("balance").asLong(),
                            json.get("available").asLong()),
                    context("status, amount, expires_at, balance, available of " + answer.body()));
            return hold;
        }

        private Hold capture(Hold hold, int percent) {
            boolean over = percent == 101 && model.holdStatus(hold).equals("open");
            Long amount = percent == 0 || (percent == 101 && !over) ? null
                    : over ? hold.amount + 1 : Math.max(1, (hold.amount * percent + 99) / 100);
            String body = amount == null ? "{}" : "{\"amount\": " + amount + "}";
            HttpResponse<String> answer = post(HOLDS + "/" + hold.id + "/capture", body);
            checkHoldAnswer(hold, answer, model.capture(hold, amount));
            return hold;
        }

        private Hold release(Hold hold) {
            HttpResponse<String> answer = post(HOLDS + "/" + hold.id + "/release", "");
            checkHoldAnswer(hold, answer, model.release(hold));
            return hold;
        }

        private void checkHoldAnswer(Hold hold, HttpResponse<String> answer, HoldAnswer expected) {
            if (expected.code() == 200) {
                JsonNode json = ok(answer);
                assertEquals(List.of(hold.id, expected.status(), expected.balance(), expected.available()),
                        List.of(json.get("hold_id").asText(), json.get("status").asText(),
                                json.get("balance").asLong(), json.get("available").asLong()),
                        context("hold_id, status, balance, available of " + answer.body()));
                if (expected.captured() != null) {
                    assertEquals(expected.captured(), json.get("captured").asLong(), context(answer.body()));
                }
                JsonNode first = firstHoldAnswers.putIfAbsent(hold, json);
                if (first != null) {
                    assertEquals(first, json, context("the hold's first answer, again"));
                }
                return;
            }
            if (expected.code() == 409) {
                // The SPEC's 409 of a resolved hold: the hold's status beside error and message.
                assertEquals(409, answer.statusCode(), context(answer.body()));
                JsonNode json = TestServer.json(answer);
                assertEquals(List.of("error", "message", "status"), JsonAssertions.fieldNames(json), context(answer.body()));
                assertEquals(List.of(expected.error(), expected.status()),
                        List.of(json.get("error").asText(), json.get("status").asText()), context(answer.body()));
            } else {
                JsonAssertions.assertError(answer, expected.code(), expected.error());
            }
        }

        private Object pass(Duration by) {
            if (by.isNegative() || by.isZero()) {
                return null;
            }
            snapshots.add(new Snapshot(model.now(), modelFigures()));
            clock.advance(by);
            model.advance(by);
            return null;
        }

        private Purchase refund(Purchase purchase, int percent, int cents, boolean succeeded) {
            String paymentIntent = stripe.paymentIntentOf(purchase.sessionId);
            long refundable = purchase.pack.cents() - model.refunded(purchase);
            long amount = cents > 0 ? Math.min(cents, refundable) : Math.max(1, refundable * percent / 100);
            String status = succeeded ? "succeeded" : "pending";
            FakeStripe.Refund made = stripe.refund(paymentIntent, amount, status);
            made.events().forEach(this::deliver);
            refunds.add(new RefundMade(purchase, made.id()));
            model.refund(purchase, made.id(), amount, status);
            return purchase;
        }

        private Purchase settleRefund(RefundMade refund, String status) {
            stripe.setRefundStatus(refund.id(), status).forEach(this::deliver);
            model.refundStatus(refund.purchase(), refund.id(), status);
            return refund.purchase();
        }

        private Purchase openDispute(Purchase purchase, boolean inquiry) {
            FakeStripe.Dispute made = stripe.openDispute(stripe.paymentIntentOf(purchase.sessionId), inquiry);
            made.events().forEach(this::deliver);
            inquiries.put(made.id(), inquiry);
            model.dispute(purchase, made.id(), inquiry ? "warning_needs_response" : "needs_response");
            return purchase;
        }

        private Purchase closeDispute(Purchase purchase, boolean favourable, boolean prevented) {
            Optional<String> open = openDispute(purchase);
            String outcome = prevented ? "prevented"
                    : inquiries.get(open.get()) ? "warning_closed"
                    : favourable ? "won" : "lost";
            stripe.closeDispute(open.get(), outcome).forEach(this::deliver);
            model.dispute(purchase, open.get(), outcome);
            return purchase;
        }

        private Object replay(Call call) {
            JsonNode again = ok(post(call.path(), call.body()));
            assertEquals(call.answer(), again, context("a replay answers as the first time"));
            return null;
        }

        // ---- the comparisons ----

        /** Balance and new history entries of every user of the run. */
        private void compareWallets() {
            for (Wallet wallet : wallets) {
                List<Row> rows = newServerRows(wallet);
                List<Row> expected = model.newRows(wallet);
                if (expected.isEmpty() && !rows.isEmpty() && model.hasDueCoins(wallet)) {
                    // Due lots leave in their `expired` rows whenever the server next touches the user
                    // (the SPEC says no read counts them, not which request writes the rows).
                    model.sweep(wallet);
                    expected = model.newRows(wallet);
                }
                assertEquals(expected, rows, context("the new history entries of " + wallet.userId));
                JsonNode balance = ok(server.get("/api/coins/balance", server.token(wallet.userId)));
                assertEquals(
                        List.of(wallet.userId, model.balance(wallet), model.paid(wallet), model.bonus(wallet),
                                model.held(wallet), model.available(wallet)),
                        List.of(balance.get("user_id").asText(), balance.get("balance").asLong(),
                                balance.get("paid").asLong(), balance.get("bonus").asLong(),
                                balance.get("held").asLong(), balance.get("available").asLong()),
                        context("user_id, balance, paid, bonus, held, available of " + wallet.userId));
            }
        }

        private List<Row> newServerRows(Wallet wallet) {
            JsonNode entries = ok(server.get("/api/coins/history?limit=200", server.token(wallet.userId)))
                    .get("entries");
            List<Row> rows = new ArrayList<>();
            long last = lastEntry.get(wallet);
            for (JsonNode entry : entries) {
                if (entry.get("id").asLong() > last) {
                    rows.add(0, new Row(entry.get("delta").asLong(), entry.get("paid").asLong(),
                            entry.get("bonus").asLong(), entry.get("reason").asText(), entry.get("reference").asText(),
                            entry.get("balance_after").asLong()));
                    lastEntry.put(wallet, Math.max(lastEntry.get(wallet), entry.get("id").asLong()));
                }
            }
            assertTrue(rows.size() < 200, context("more new entries than one page"));
            return rows;
        }

        private void comparePurchase(Purchase purchase) {
            JsonNode status = ok(server.get("/api/payment/status/" + purchase.sessionId,
                    server.token(purchase.wallet.userId)));
            String expected = model.status(purchase);
            assertEquals(expected, status.get("status").asText(), context("status of " + purchase.sessionId));
            if (expected.equals("completed")) {
                assertEquals(List.of(purchase.pack.total(), model.balance(purchase.wallet)),
                        List.of(status.get("coins_added").asLong(), status.get("new_balance").asLong()),
                        context("coins_added, new_balance of " + purchase.sessionId));
            }
        }

        private void compareHold(Hold hold) {
            JsonNode view = ok(get(HOLDS + "/" + hold.id));
            List<Object> expected = new ArrayList<>(List.of(hold.wallet.userId, hold.amount, model.holdStatus(hold),
                    hold.deadline, "property"));
            expected.add(hold.captured);
            List<Object> actual = new ArrayList<>(List.of(view.get("user_id").asText(), view.get("amount").asLong(),
                    view.get("status").asText(), Instant.parse(view.get("expires_at").asText()),
                    view.get("reason").asText()));
            actual.add(view.get("captured").isNull() ? null : view.get("captured").asLong());
            assertEquals(expected, actual, context("hold " + hold.id));
        }

        private Map<String, Figures> modelFigures() {
            Map<String, Figures> figures = new HashMap<>();
            purchases.forEach(purchase -> figures.put(purchase.sessionId, model.figures(purchase)));
            return figures;
        }

        private void compareReport() {
            compareReport(report.now(), modelFigures(), "now");
        }

        /** A report for a past {@code as_of} says what the model said then, whatever happened since. */
        private void comparePastReports() {
            for (Snapshot snapshot : snapshots) {
                compareReport(report.asOf(snapshot.asOf()), snapshot.figures(), "as of " + snapshot.asOf());
            }
        }

        private void compareReport(JsonNode report, Map<String, Figures> expected, String when) {
            Map<String, Figures> mine = new HashMap<>();
            for (JsonNode row : report.get("purchases")) {
                String sessionId = row.get("session_id").asText();
                if (purchases.stream().anyMatch(p -> p.sessionId.equals(sessionId))) {
                    mine.put(sessionId, MoneyReport.figures(row));
                    Purchase purchase = purchases.stream().filter(p -> p.sessionId.equals(sessionId)).findFirst()
                            .orElseThrow();
                    assertEquals(List.of(purchase.wallet.userId, purchase.pack.currency()),
                            List.of(row.get("user_id").asText(), row.get("currency").asText()), context(when));
                }
            }
            assertEquals(expected, mine, context("the money report's purchases of this run, " + when));
            MoneyReport.checkTotals(report, context("the money report's totals, " + when));
        }

        // ---- helpers ----

        private void deliver(String event) {
            HttpResponse<String> answer = server.deliver(event);
            assertEquals(200, answer.statusCode(), context("the webhook's answer " + answer.body()));
        }

        private String key(String what) {
            return prefix + what + "-" + (++keys);
        }

        private String context(String what) {
            String where = at < steps.size() ? "at step " + at + " " + steps.get(at) : "after the last step";
            return what + "; " + where + " of " + steps;
        }

        private JsonNode ok(HttpResponse<String> answer) {
            assertEquals(200, answer.statusCode(), context(answer.request().uri().getPath() + " " + answer.body()));
            return TestServer.json(answer);
        }
    }

    /** A share of what is available, rounded up, at least 1: above 100 % more than is available. */
    private static long share(long available, int percent) {
        return Math.max(1, (Math.max(0, available) * percent + 99) / 100);
    }

    /** Number {@code index} (modulo) of those in {@code list} that {@code fits}, or null when none does. */
    private static <T> T pick(List<T> list, int index, java.util.function.Predicate<T> fits) {
        List<T> candidates = list.stream().filter(fits).toList();
        return candidates.isEmpty() ? null : candidates.get(index % candidates.size());
    }

    static HttpResponse<String> post(String path, String body) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(server.url(path)))
                .header("Authorization", "Bearer " + API_KEY);
        if (!body.isEmpty()) {
            request.header("Content-Type", "application/json");
        }
        return server.send(request.POST(HttpRequest.BodyPublishers.ofString(body)));
    }

    static HttpResponse<String> get(String path) {
        return server.send(HttpRequest.newBuilder(URI.create(server.url(path)))
                .header("Authorization", "Bearer " + API_KEY).GET());
    }
}
