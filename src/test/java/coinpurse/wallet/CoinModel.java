package coinpurse.wallet;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The SPEC's coin rules as a small in-memory model, written from {@code SPEC.md} ("Words", balance and
 * history, "Lots, in which order coins go", spend and grant, holds, the money report, the webhook's
 * refund and dispute rules) and from {@code docs/decisions/coins.md} and {@code refunds-and-disputes.md}
 * where the SPEC is silent, and not from the server's code: {@link LotsPropertyTest} holds the server
 * to it, two implementations of the rules that must agree.
 */
final class CoinModel {
    enum Kind { PAID, BONUS }

    /** A package as configured for the test: {@code coins} paid coins and {@code bonus} for {@code cents}. */
    record Pack(String id, long coins, long bonus, long cents, String currency) {
        long total() {
            return coins + bonus;
        }
    }

    /** A history entry's parts, as {@code GET /api/coins/history} shows them. */
    record Row(long delta, long paid, long bonus, String reason, String reference, long balanceAfter) {}

    /** What a spend or grant answers. */
    record Moved(long balance, long paid, long bonus) {}

    /** What capture or release answers: 200 with the hold's status, or an error with the hold's status. */
    record HoldAnswer(int code, String error, String status, Long captured, Long balance, Long available) {}

    /** The money report's figures of one purchase. */
    record Figures(long purchased, long refunded, long recognized, long liability, long unspentPaid) {}

    static final class Lot {
        final int id;
        final Kind kind;
        final long coins;
        final Instant expiresAt;
        final String grantKey;
        long remaining;

        Lot(int id, Kind kind, long coins, Instant expiresAt, String grantKey) {
            this.id = id;
            this.kind = kind;
            this.coins = coins;
            this.expiresAt = expiresAt;
            this.grantKey = grantKey;
            this.remaining = coins;
        }
    }

    static final class Wallet {
        final String userId;
        final List<Lot> lots = new ArrayList<>();
        final List<Row> rows = new ArrayList<>();
        long debt;
        int shown;

        Wallet(String userId) {
            this.userId = userId;
        }
    }

    static final class Purchase {
        final String sessionId;
        final Wallet wallet;
        final Pack pack;
        final Lot paidLot;
        final Lot bonusLot;
        final Map<String, Long> refundAmounts = new LinkedHashMap<>();
        final Map<String, String> refundStatuses = new LinkedHashMap<>();
        final Map<String, String> disputes = new LinkedHashMap<>();
        /** Coins its take-backs took and its give-backs have not returned, in all and of them its paid part. */
        long coinsReversed;
        long paidReversed;
        /** Per lot its take-backs took coins from: {how many it still holds of it, when it last took from it}. */
        final Map<Lot, long[]> holdings = new LinkedHashMap<>();

        Purchase(String sessionId, Wallet wallet, Pack pack, Lot paidLot, Lot bonusLot) {
            this.sessionId = sessionId;
            this.wallet = wallet;
            this.pack = pack;
            this.paidLot = paidLot;
            this.bonusLot = bonusLot;
        }
    }

    static final class Hold {
        final Wallet wallet;
        final long amount;
        final Instant deadline;
        String id;
        String status = "open";
        Long captured;
        HoldAnswer first;

        Hold(Wallet wallet, long amount, Instant deadline) {
            this.wallet = wallet;
            this.amount = amount;
            this.deadline = deadline;
        }
    }

    private static final Set<String> CLOSED_DISPUTE = Set.of("won", "lost", "warning_closed", "prevented");

    private final List<Wallet> wallets = new ArrayList<>();
    private final List<Hold> holds = new ArrayList<>();
    private final List<Lot> grantLots = new ArrayList<>();
    private Instant now;
    private int lotIds;
    private long moveSeq;

    CoinModel(Instant now) {
        this.now = now;
    }

    Instant now() {
        return now;
    }

    void advance(Duration by) {
        now = now.plus(by);
    }

    Wallet wallet(String userId) {
        Wallet wallet = new Wallet(userId);
        wallets.add(wallet);
        return wallet;
    }

    // ---- reads: a due lot or hold never counts ----

    long balance(Wallet w) {
        return w.lots.stream().filter(lot -> !due(lot)).mapToLong(lot -> lot.remaining).sum() - w.debt;
    }

    long paid(Wallet w) {
        return unspent(w, Kind.PAID);
    }

    long bonus(Wallet w) {
        return unspent(w, Kind.BONUS);
    }

    long held(Wallet w) {
        return holds.stream().filter(h -> h.wallet == w && holdStatus(h).equals("open")).mapToLong(h -> h.amount).sum();
    }

    long available(Wallet w) {
        return balance(w) - held(w);
    }

    String holdStatus(Hold h) {
        return h.status.equals("open") && !now.isBefore(h.deadline) ? "expired" : h.status;
    }

    boolean hasDueCoins(Wallet w) {
        return w.lots.stream().anyMatch(lot -> due(lot) && lot.remaining > 0);
    }

    /** The history entries written since the last call, oldest first. */
    List<Row> newRows(Wallet w) {
        List<Row> rows = List.copyOf(w.rows.subList(w.shown, w.rows.size()));
        w.shown = w.rows.size();
        return rows;
    }

    /** The next grant expiry or hold deadline after now, if any. */
    Optional<Instant> nextDeadline() {
        List<Instant> ahead = new ArrayList<>();
        grantLots.stream().map(lot -> lot.expiresAt).filter(now::isBefore).forEach(ahead::add);
        holds.stream().filter(h -> h.status.equals("open")).map(h -> h.deadline).filter(now::isBefore).forEach(ahead::add);
        return ahead.stream().min(Comparator.naturalOrder());
    }

    // ---- changes ----

    Moved spend(Wallet w, long amount, String key) {
        if (amount > available(w)) {
            return null;
        }
        expireDue(w);
        long[] kinds = take(w, takeInSpendOrder(w, amount));
        write(w, -amount, -kinds[0], -kinds[1], "spend", key);
        return new Moved(balance(w), -kinds[0], -kinds[1]);
    }

    Moved grant(Wallet w, long amount, String key, Instant expiresAt) {
        expireDue(w);
        Lot lot = newLot(w, Kind.BONUS, amount, expiresAt, key);
        if (expiresAt != null) {
            grantLots.add(lot);
        }
        long repaid = repayDebt(w, List.of(lot));
        write(w, amount, 0, amount - repaid, "grant", key);
        return new Moved(balance(w), 0, amount - repaid);
    }

    Purchase purchase(Wallet w, String sessionId, Pack pack) {
        expireDue(w);
        Lot paidLot = newLot(w, Kind.PAID, pack.coins(), null, null);
        Lot bonusLot = pack.bonus() > 0 ? newLot(w, Kind.BONUS, pack.bonus(), null, null) : null;
        List<Lot> own = bonusLot == null ? List.of(paidLot) : List.of(bonusLot, paidLot);
        repayDebt(w, own);
        write(w, pack.total(), paidLot.remaining, bonusLot == null ? 0 : bonusLot.remaining, "purchase", sessionId);
        return new Purchase(sessionId, w, pack, paidLot, bonusLot);
    }

    /** A new hold, or null when it asks for more than is available. */
    Hold hold(Wallet w, long amount, long seconds) {
        if (amount > available(w)) {
            return null;
        }
        Hold hold = new Hold(w, amount, now.plusSeconds(seconds));
        holds.add(hold);
        return hold;
    }

    HoldAnswer capture(Hold h, Long amount) {
        String status = holdStatus(h);
        if (status.equals("captured")) {
            return h.first;
        }
        if (!status.equals("open")) {
            return closed(status);
        }
        long take = amount == null ? h.amount : amount;
        if (take > h.amount) {
            return new HoldAnswer(400, "capture_exceeds_hold", null, null, null, null);
        }
        Wallet w = h.wallet;
        expireDue(w);
        h.status = "captured";
        h.captured = take;
        long[] kinds = take(w, takeInSpendOrder(w, take));
        w.debt += take - (kinds[0] + kinds[1]);
        write(w, -take, -kinds[0], -kinds[1], "capture", h.id);
        h.first = new HoldAnswer(200, null, "captured", take, balance(w), available(w));
        return h.first;
    }

    HoldAnswer release(Hold h) {
        String status = holdStatus(h);
        if (status.equals("released")) {
            return h.first;
        }
        if (!status.equals("open")) {
            return closed(status);
        }
        h.status = "released";
        h.first = new HoldAnswer(200, null, "released", null, balance(h.wallet), available(h.wallet));
        return h.first;
    }

    private static HoldAnswer closed(String status) {
        return new HoldAnswer(409, status.equals("expired") ? "hold_expired" : "hold_closed", status, null, null, null);
    }

    /** The deadline sweep: every user's due lots leave, each in one {@code expired} row. */
    void sweep() {
        wallets.forEach(this::expireDue);
    }

    /** The user's due lots leave, as any change of their coins or the sweep makes them. */
    void sweep(Wallet w) {
        expireDue(w);
    }

    void refund(Purchase p, String refundId, long amount, String status) {
        p.refundAmounts.put(refundId, amount);
        p.refundStatuses.put(refundId, status);
        settle(p, "refund_reversed");
    }

    void refundStatus(Purchase p, String refundId, String status) {
        p.refundStatuses.put(refundId, status);
        settle(p, "refund_reversed");
    }

    void dispute(Purchase p, String disputeId, String status) {
        p.disputes.put(disputeId, status);
        settle(p, "dispute_won");
    }

    // ---- a purchase's money ----

    long refunded(Purchase p) {
        return p.refundAmounts.entrySet().stream()
                .filter(e -> !Set.of("failed", "canceled").contains(p.refundStatuses.get(e.getKey())))
                .mapToLong(Map.Entry::getValue).sum();
    }

    private boolean disputeHolds(Purchase p) {
        return p.disputes.values().stream().anyMatch(s -> s.equals("lost") || !CLOSED_DISPUTE.contains(s));
    }

    String status(Purchase p) {
        return refunded(p) >= p.pack.cents() || p.disputes.containsValue("lost") ? "refunded" : "completed";
    }

    /**
     * The money report's figures: {@code R} is what its refunds (not failed or canceled) and its open
     * or lost disputes (each of the whole charge, as the fake Stripe opens them) hold, at most {@code A}.
     */
    Figures figures(Purchase p) {
        long a = p.pack.cents();
        long n = p.pack.coins();
        long disputed = p.disputes.values().stream()
                .filter(s -> s.equals("lost") || !CLOSED_DISPUTE.contains(s)).count() * a;
        long r = Math.min(a, refunded(p) + disputed);
        long u = p.paidLot.remaining;
        long v = a - Math.floorDiv((n - u) * a, n);
        long liability = Math.min(v, a - r);
        return new Figures(a, r, a - r - liability, liability, u);
    }

    /**
     * Compares what the purchase owes back now with what its rows took, and writes the difference: a
     * take-back while the coins owed grow, a give-back (with {@code giveBackReason}) while they shrink.
     */
    private void settle(Purchase p, String giveBackReason) {
        long a = p.pack.cents();
        long refunded = refunded(p);
        boolean all = disputeHolds(p) || refunded >= a;
        long owed = all ? p.pack.total() : Math.floorDiv(p.pack.total() * refunded, a);
        long paidOwed = all ? p.pack.coins() : Math.floorDiv(p.pack.coins() * refunded, a);
        long diff = owed - p.coinsReversed;
        if (diff > 0) {
            takeBack(p, diff, clamp(paidOwed - p.paidReversed, diff), disputeHolds(p) ? "dispute" : "refund");
        } else if (diff < 0) {
            giveBack(p, -diff, clamp(p.paidReversed - paidOwed, -diff), giveBackReason);
        }
    }

    private void takeBack(Purchase p, long coins, long paidPart, String reason) {
        Wallet w = p.wallet;
        expireDue(w);
        long bonusPart = coins - paidPart;
        List<long[]> plan = new ArrayList<>();
        long fromPaid = Math.min(paidPart, p.paidLot.remaining);
        plan.add(new long[] {p.paidLot.id, fromPaid});
        long fromBonus = p.bonusLot == null ? 0 : Math.min(bonusPart, p.bonusLot.remaining);
        if (p.bonusLot != null) {
            plan.add(new long[] {p.bonusLot.id, fromBonus});
            plan.add(new long[] {p.bonusLot.id, Math.min(paidPart - fromPaid, p.bonusLot.remaining - fromBonus)});
        }
        plan.add(new long[] {p.paidLot.id, Math.min(bonusPart - fromBonus, p.paidLot.remaining - fromPaid)});
        long planned = plan.stream().mapToLong(move -> move[1]).sum();
        long[] kinds = take(w, plan);
        List<long[]> fromOthers = takeInSpendOrder(w, coins - planned);
        long[] others = take(w, fromOthers);
        plan.addAll(fromOthers);
        for (long[] move : plan) {
            if (move[1] > 0) {
                long[] holding = p.holdings.computeIfAbsent(lot(w, move[0]), lot -> new long[2]);
                holding[0] += move[1];
                holding[1] = ++moveSeq;
            }
        }
        long paidMoved = kinds[0] + others[0];
        long bonusMoved = kinds[1] + others[1];
        w.debt += coins - paidMoved - bonusMoved;
        p.coinsReversed += coins;
        p.paidReversed += paidPart;
        write(w, -coins, -paidMoved, -bonusMoved, reason, p.sessionId);
    }

    private void giveBack(Purchase p, long coins, long paidPart, String reason) {
        Wallet w = p.wallet;
        expireDue(w);
        long repaid = Math.min(coins, w.debt);
        w.debt -= repaid;
        long rest = coins - repaid;
        long[] kinds = new long[2];
        List<Map.Entry<Lot, long[]>> latestFirst = new ArrayList<>(p.holdings.entrySet());
        latestFirst.sort(Comparator.comparingLong((Map.Entry<Lot, long[]> e) -> e.getValue()[1]).reversed());
        for (Map.Entry<Lot, long[]> holding : latestFirst) {
            long back = Math.min(rest, holding.getValue()[0]);
            holding.getValue()[0] -= back;
            rest -= back;
            giveTo(holding.getKey(), back, kinds);
        }
        if (rest > 0) {
            // Its take-backs made debt that other credits repaid since: its own lots, the give-back's
            // paid part to its paid lot and the rest to its bonus lot, neither past its coins; then
            // whatever still fits.
            long toPaid = Math.min(rest, paidPart);
            List<Lot> own = p.bonusLot == null ? List.of(p.paidLot) : List.of(p.paidLot, p.bonusLot);
            for (Lot lot : own) {
                long back = Math.min(lot.coins - lot.remaining, lot.kind == Kind.PAID ? toPaid : rest - toPaid);
                giveTo(lot, back, kinds);
                rest -= back;
                toPaid -= lot.kind == Kind.PAID ? back : 0;
            }
            for (Lot lot : own) {
                long back = Math.min(lot.coins - lot.remaining, rest);
                giveTo(lot, back, kinds);
                rest -= back;
            }
            if (rest > 0) {
                throw new IllegalStateException("the model's give-back found no room for " + rest + " coins");
            }
        }
        p.coinsReversed -= coins;
        p.paidReversed -= paidPart;
        write(w, coins, kinds[0], kinds[1], reason, p.sessionId);
        expireDue(w);
    }

    private static void giveTo(Lot lot, long coins, long[] kinds) {
        lot.remaining += coins;
        kinds[lot.kind == Kind.PAID ? 0 : 1] += coins;
    }

    // ---- lots ----

    private boolean due(Lot lot) {
        return lot.expiresAt != null && !now.isBefore(lot.expiresAt);
    }

    private Lot newLot(Wallet w, Kind kind, long coins, Instant expiresAt, String grantKey) {
        Lot lot = new Lot(++lotIds, kind, coins, expiresAt, grantKey);
        w.lots.add(lot);
        return lot;
    }

    private static Lot lot(Wallet w, long id) {
        return w.lots.stream().filter(lot -> lot.id == id).findFirst().orElseThrow();
    }

    private long unspent(Wallet w, Kind kind) {
        return w.lots.stream().filter(lot -> lot.kind == kind && !due(lot)).mapToLong(lot -> lot.remaining).sum();
    }

    /** A due lot's remaining coins leave in one {@code expired} row each, soonest expiry first. */
    private void expireDue(Wallet w) {
        w.lots.stream().filter(lot -> due(lot) && lot.remaining > 0)
                .sorted(Comparator.comparing((Lot lot) -> lot.expiresAt).thenComparingInt(lot -> lot.id))
                .forEach(lot -> {
                    long coins = lot.remaining;
                    lot.remaining = 0;
                    write(w, -coins, 0, -coins, "expired", lot.grantKey);
                });
    }

    /**
     * Spend order: bonus coins first (expiring soonest first, never-expiring after, ties oldest lot
     * first), then paid coins oldest purchase first. The plan of up to {@code coins}.
     */
    private List<long[]> takeInSpendOrder(Wallet w, long coins) {
        List<Lot> order = w.lots.stream().filter(lot -> lot.remaining > 0 && !due(lot))
                .sorted(Comparator.comparingInt((Lot lot) -> lot.kind == Kind.BONUS ? 0 : 1)
                        .thenComparing(lot -> lot.expiresAt == null ? Instant.MAX : lot.expiresAt)
                        .thenComparingInt(lot -> lot.id))
                .toList();
        List<long[]> plan = new ArrayList<>();
        long left = coins;
        for (Lot lot : order) {
            long n = Math.min(left, lot.remaining);
            if (n > 0) {
                plan.add(new long[] {lot.id, n});
                left -= n;
            }
        }
        return plan;
    }

    /** Takes a plan's coins out of their lots; returns {paid, bonus} taken. */
    private static long[] take(Wallet w, List<long[]> plan) {
        long[] kinds = new long[2];
        for (long[] move : plan) {
            Lot lot = lot(w, move[0]);
            if (move[1] > lot.remaining) {
                throw new IllegalStateException("the model took more than lot " + lot.id + " holds");
            }
            lot.remaining -= move[1];
            kinds[lot.kind == Kind.PAID ? 0 : 1] += move[1];
        }
        return kinds;
    }

    /** A credit's new lots repay debt first, in spend order; returns how much they repaid. */
    private static long repayDebt(Wallet w, List<Lot> own) {
        long repaid = 0;
        for (Lot lot : own) {
            long n = Math.min(w.debt, lot.remaining);
            lot.remaining -= n;
            w.debt -= n;
            repaid += n;
        }
        return repaid;
    }

    private void write(Wallet w, long delta, long paid, long bonus, String reason, String reference) {
        long stored = w.lots.stream().mapToLong(lot -> lot.remaining).sum() - w.debt;
        if (w.debt > 0 && w.lots.stream().anyMatch(lot -> lot.remaining > 0)) {
            throw new IllegalStateException("the model kept debt beside coins");
        }
        w.rows.add(new Row(delta, paid, bonus, reason, reference, stored));
    }

    private static long clamp(long value, long max) {
        return Math.max(0, Math.min(value, max));
    }
}
