package coinpurse.wallet;

import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.RandomDistribution;
import net.jqwik.api.Tuple;

/**
 * The steps {@link LotsPropertyTest} generates. Numbers that name a purchase, hold, refund or earlier
 * call are taken modulo how many the step can act on when it runs (a refund: the purchases still
 * refundable; a close: those with an open dispute; a capture: mostly the open holds), a step with
 * nothing to act on does nothing, and amounts are shares of what is available, so that most steps
 * mean something in any state and a shrunk sequence still reads as a story.
 */
final class LotSteps {
    private LotSteps() {}

    sealed interface Step permits Buy, Spend, Grant, NewHold, Capture, Release, Pass, ToDeadline, Sweep, Refund,
            SettleRefund, OpenDispute, CloseDispute, Replay {}

    /** User {@code user} buys package number {@code pack} (paid through Checkout, its event delivered). */
    record Buy(int user, int pack) implements Step {}

    /** A spend of {@code percent} of what is available (rounded up, at least 1; above 100: more than it). */
    record Spend(int user, int percent) implements Step {}

    /** A grant of {@code amount} coins, expiring in {@code expiresInSeconds} (0: never). */
    record Grant(int user, int amount, int expiresInSeconds) implements Step {}

    /** A hold of {@code percent} of what is available (as a spend), for {@code seconds}. */
    record NewHold(int user, int percent, int seconds) implements Step {}

    /** A capture: {@code percent} 0 sends {@code {}} (all of it), 1–100 that share, 101 one coin more than held. */
    record Capture(int hold, int percent) implements Step {}

    record Release(int hold) implements Step {}

    /** The clock moves on by {@code seconds}. */
    record Pass(int seconds) implements Step {}

    /** The clock moves to the next grant expiry or hold deadline exactly, or to 1 ms before it. */
    record ToDeadline(boolean justBefore) implements Step {}

    /** The deadline sweep runs once. */
    record Sweep() implements Step {}

    /**
     * A refund of {@code cents} (at most what is still refundable), or when 0 of {@code percent} of what
     * is still refundable, created succeeded or pending. A few cents at a time reach the refunded sums
     * where the paid part's floor grows faster than the coins' floor.
     */
    record Refund(int purchase, int percent, int cents, boolean succeeded) implements Step {}

    /** Refund number {@code refund} moves to {@code status} (succeeded, failed, canceled) where Stripe allows it. */
    record SettleRefund(int refund, String status) implements Step {}

    record OpenDispute(int purchase, boolean inquiry) implements Step {}

    /** The purchase's open dispute closes: {@code favourable} won (an inquiry: warning_closed), else lost; or prevented. */
    record CloseDispute(int purchase, boolean favourable, boolean prevented) implements Step {}

    /** An earlier successful spend, grant or hold is sent again with its idempotency key. */
    record Replay(int call) implements Step {}

    /**
     * Which stories: {@code ANY} mixes every step; {@code REVERSALS} leans on refunds, failed refunds and
     * disputes of coins already spent or granted with a near expiry, with shorter clock steps, so that
     * take-backs reach other lots and debt, and give-backs return to lots that expired meanwhile.
     */
    enum Mix { ANY, REVERSALS }

    static Arbitrary<List<Step>> sequences(int users, int packs, int maxSteps, Mix mix) {
        boolean any = mix == Mix.ANY;
        Arbitrary<Integer> user = Arbitraries.integers().between(0, users - 1);
        Arbitrary<Integer> index = Arbitraries.integers().between(0, 7);
        Arbitrary<Step> buy = Combinators.combine(user, Arbitraries.integers().between(0, packs - 1)).as(Buy::new);
        Arbitrary<Step> spend = Combinators.combine(user, Arbitraries.integers().between(any ? 1 : 40, 110))
                .as(Spend::new);
        Arbitrary<Integer> expiry = Arbitraries.frequencyOf(
                Tuple.of(any ? 2 : 1, Arbitraries.just(0)),
                Tuple.of(2, Arbitraries.integers().between(1, any ? 600 : 120)),
                Tuple.of(any ? 1 : 0, Arbitraries.integers().between(601, 3 * 3600)));
        Arbitrary<Step> grant = Combinators.combine(user, Arbitraries.integers().between(1, 60), expiry)
                .as(Grant::new);
        Arbitrary<Step> hold = Combinators.combine(user, Arbitraries.integers().between(1, 105),
                Arbitraries.integers().between(1, any ? 3600 : 300)).as(NewHold::new);
        Arbitrary<Step> capture = Combinators.combine(index, Arbitraries.frequencyOf(
                Tuple.of(2, Arbitraries.just(0)), Tuple.of(4, Arbitraries.integers().between(1, 100)),
                Tuple.of(1, Arbitraries.just(101)))).as(Capture::new);
        Arbitrary<Step> release = index.map(Release::new);
        Arbitrary<Step> pass = Arbitraries.frequencyOf(
                Tuple.of(3, Arbitraries.integers().between(1, 120)),
                Tuple.of(2, Arbitraries.integers().between(121, 3600)),
                Tuple.of(any ? 1 : 0, Arbitraries.integers().between(3601, 4 * 3600))).map(Pass::new);
        Arbitrary<Step> toDeadline = Arbitraries.of(true, false).map(ToDeadline::new);
        Arbitrary<Step> sweep = Arbitraries.just(new Sweep());
        Arbitrary<Integer> cents = Arbitraries.frequencyOf(
                Tuple.of(any ? 3 : 1, Arbitraries.just(0)), Tuple.of(1, Arbitraries.integers().between(1, 8)));
        Arbitrary<Step> refund = Combinators.combine(index, Arbitraries.integers().between(1, 100), cents,
                Arbitraries.of(true, false)).as(Refund::new);
        Arbitrary<Step> settleRefund = Combinators.combine(index,
                Arbitraries.of("failed", "failed", "canceled", "succeeded")).as(SettleRefund::new);
        Arbitrary<Step> openDispute = Combinators.combine(index, Arbitraries.of(false, true)).as(OpenDispute::new);
        Arbitrary<Step> closeDispute = Combinators.combine(index, Arbitraries.of(true, false),
                Arbitraries.of(false, false, true)).as(CloseDispute::new);
        Arbitrary<Step> replay = index.map(Replay::new);
        return Arbitraries.frequencyOf(
                        Tuple.of(any ? 5 : 4, buy), Tuple.of(6, spend), Tuple.of(3, grant), Tuple.of(any ? 4 : 2, hold),
                        Tuple.of(any ? 3 : 2, capture), Tuple.of(any ? 2 : 1, release), Tuple.of(3, pass),
                        Tuple.of(2, toDeadline), Tuple.of(1, sweep), Tuple.of(any ? 4 : 6, refund),
                        Tuple.of(any ? 3 : 5, settleRefund), Tuple.of(any ? 3 : 4, openDispute),
                        Tuple.of(any ? 3 : 4, closeDispute), Tuple.of(any ? 1 : 0, replay))
                .list().ofMinSize(1).ofMaxSize(maxSteps)
                // Uniform, not jqwik's default that favours short lists: most stories need a few
                // purchases and grants before refunds, holds and deadlines mean something.
                .withSizeDistribution(RandomDistribution.uniform());
    }
}
