package coinpurse.wallet;

import coinpurse.db.Timestamps;
import coinpurse.events.Outbox;
import coinpurse.wallet.Lots.NewLot;
import coinpurse.wallet.Lots.Taken;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * Every change of a user's coins, with the lots it moves: a purchase's credit, a grant, a spend (or a
 * hold's capture), a refund's or dispute's take-back and give-back, a grant's expiry. Each writes one
 * ledger row, the lot moves it made and the new balance and debt, on the caller's transaction, after
 * locking the user and letting the user's due lots expire ({@link #open}). The rules are SPEC's
 * "Lots, in which order coins go":
 * <ul>
 * <li>a spend takes bonus coins first (expiring soonest first, then those that never expire, ties
 *     oldest first), then paid coins oldest first ({@link Lots#spendable});
 * <li>a take-back takes from its purchase's lots (the paid part from its paid lot, the bonus part
 *     from its bonus lot, each short from the other), then the user's other coins in spend order,
 *     and only what no coin covers becomes debt;
 * <li>any credit repays debt first; coins given back return to the lots they were taken from, and
 *     leave again at once as {@code expired} when their lot has expired meanwhile.
 * </ul>
 */
public final class CoinBook {
    private final Ledger ledger;
    private final Lots lots;
    private final Timestamps timestamps;
    private final LedgerRows rows;

    /** {@code outbox}: where each row's {@code coins.*} event is written, in the row's transaction. */
    public CoinBook(Ledger ledger, Timestamps timestamps, Outbox outbox) {
        this(ledger, timestamps, new RowsWithEvents(ledger, outbox));
    }

    /**
     * A book whose rows go to {@code rows}, and no event with them: {@link LotsFromHistory} matches
     * them to rows that exist, written before events were.
     */
    CoinBook(Ledger ledger, Timestamps timestamps, LedgerRows rows) {
        this.ledger = ledger;
        this.lots = new Lots();
        this.timestamps = timestamps;
        this.rows = rows;
    }

    /** The user locked (created if new), after their lots due by now have left as {@code expired}. */
    public Account open(Connection connection, String userId) throws SQLException {
        Ledger.Locked locked = ledger.lock(connection, userId, timestamps.now());
        Account account = locked.account();
        if (locked.lotsDue()) {
            for (LedgerEntry expired : expireDue(connection, account)) {
                account = Ledger.after(account, expired);
            }
        }
        return account;
    }

    /** The user's lock alone, before a transaction's first write ({@link Ledger#lockUser}). */
    public void lockUser(Connection connection, String userId) throws SQLException {
        ledger.lockUser(connection, userId);
    }

    /** The user's stored balance now, in this transaction (after their due lots expired, when {@link #open} ran). */
    public long balanceNow(Connection connection, String userId) throws SQLException {
        return ledger.balanceOf(connection, userId).orElse(0);
    }

    /** A purchase: {@code coins} paid coins costing {@code amountCents} and {@code bonus} bonus coins. */
    public LedgerEntry creditPurchase(Connection connection, String userId, String sessionId, long coins, long bonus,
            long amountCents, String currency) throws SQLException {
        List<NewLot> credited = new ArrayList<>();
        if (bonus > 0) {
            credited.add(new NewLot(LotKind.BONUS, sessionId, bonus, 0, null, null));
        }
        if (coins > 0) {
            credited.add(new NewLot(LotKind.PAID, sessionId, coins, amountCents, currency, null));
        }
        return credit(connection, userId, credited, Reasons.PURCHASE, sessionId);
    }

    /** A grant of bonus coins, leaving the balance at {@code expiresAt} (ISO text) when given, else never. */
    public LedgerEntry grant(Connection connection, String userId, long coins, String expiresAt, String reference)
            throws SQLException {
        return credit(connection, userId, List.of(new NewLot(LotKind.BONUS, null, coins, 0, null, expiresAt)),
                Reasons.GRANT, reference);
    }

    /**
     * New lots, repaying the user's debt first from them in spend order (bonus before paid). Throws
     * {@link DuplicateLedgerEntryException} before writing anything when the row may exist only once.
     */
    private LedgerEntry credit(Connection connection, String userId, List<NewLot> credited, String reason,
            String reference) throws SQLException {
        Account account = open(connection, userId);
        long total = credited.stream().mapToLong(NewLot::coins).sum();
        long[] repaid = new long[credited.size()];
        long debt = account.debt();
        for (int i = 0; i < credited.size() && debt > 0; i++) {
            repaid[i] = Math.min(debt, credited.get(i).coins());
            debt -= repaid[i];
        }
        long paid = 0;
        long bonus = 0;
        for (int i = 0; i < credited.size(); i++) {
            long kept = credited.get(i).coins() - repaid[i];
            if (credited.get(i).kind() == LotKind.PAID) {
                paid += kept;
            } else {
                bonus += kept;
            }
        }
        LedgerEntry entry = rows.append(connection, account, total, paid, bonus, reason, reference);
        int lot = 0;
        for (; lot < credited.size() && repaid[lot] > 0; lot++) { // the debt was repaid from the first lots
            Lot repaying = lots.insert(connection, userId, credited.get(lot), entry.id(), entry.createdAt());
            lots.move(connection, repaying, entry.id(), repaid[lot], entry.createdAt());
        }
        lots.insertLater(connection, userId, credited.subList(lot, credited.size()), entry.id(), entry.createdAt());
        return entry;
    }

    /**
     * Spends {@code amount} coins in spend order. What no coin covers becomes debt when {@code mayOwe}
     * (a hold's capture after a refund took the coins), else {@link InsufficientFundsException}.
     */
    public LedgerEntry spend(Connection connection, String userId, long amount, String reason, String reference,
            boolean mayOwe) throws SQLException {
        return spend(connection, open(connection, userId), amount, reason, reference, mayOwe);
    }

    /** As {@link #spend(Connection, String, long, String, String, boolean)}, on the account {@link #open} answered. */
    public LedgerEntry spend(Connection connection, Account account, long amount, String reason, String reference,
            boolean mayOwe) throws SQLException {
        String userId = account.userId();
        List<Move> plan = new ArrayList<>();
        long shortfall = take(lots.spendable(connection, userId, timestamps.now()), amount, plan);
        if (shortfall > 0 && !mayOwe) {
            throw new InsufficientFundsException(userId, account.balance(), amount);
        }
        return write(connection, account, -amount, plan, reason, reference);
    }

    /**
     * Takes back {@code paidPart} + {@code bonusPart} coins for a refund or dispute of purchase
     * {@code sessionId}: from its paid lot and its bonus lot, each short from the other, then the
     * user's other coins in spend order, the rest as debt.
     */
    public LedgerEntry takeBack(Connection connection, String userId, String sessionId, long paidPart, long bonusPart,
            String reason) throws SQLException {
        Account account = open(connection, userId);
        List<Lot> own = lots.ofPurchase(connection, sessionId);
        Lot paidLot = own.stream().filter(lot -> lot.kind() == LotKind.PAID).findFirst().orElse(null);
        Lot bonusLot = own.stream().filter(lot -> lot.kind() == LotKind.BONUS).findFirst().orElse(null);
        List<Move> plan = new ArrayList<>();
        long paidLeft = takeFrom(paidLot, paidPart, plan);
        long bonusLeft = takeFrom(bonusLot, bonusPart, plan);
        paidLeft = takeFrom(bonusLot, paidLeft, plan);
        bonusLeft = takeFrom(paidLot, bonusLeft, plan);
        List<Lot> others = new ArrayList<>(lots.spendable(connection, userId, timestamps.now()));
        others.removeIf(lot -> own.stream().anyMatch(mine -> mine.id() == lot.id()));
        take(others, paidLeft + bonusLeft, plan);
        return write(connection, account, -(paidPart + bonusPart), plan, reason, sessionId);
    }

    /**
     * Gives back {@code paidPart} + {@code bonusPart} coins a refund or dispute of purchase
     * {@code sessionId} had taken: they repay the user's debt first, then return to the lots the
     * purchase's take-backs took them from (the most recently taken first), and what those took as
     * debt that has been repaid since goes to the purchase's own lots. Coins returned to a lot that
     * has expired leave again at once ({@code expired} rows, after this one).
     *
     * @return the give-back's row, then any {@code expired} rows it caused
     */
    public List<LedgerEntry> giveBack(Connection connection, String userId, String sessionId, long paidPart,
            long bonusPart, String reason) throws SQLException {
        Account account = open(connection, userId);
        long coins = paidPart + bonusPart;
        long left = coins - Math.min(account.debt(), coins);
        List<Move> plan = new ArrayList<>();
        for (Taken taken : lots.stillTakenBy(connection, sessionId)) {
            long back = Math.min(left, taken.coins());
            if (back > 0) {
                plan.add(new Move(taken.lot(), -back));
                left -= back;
            }
        }
        if (left > 0) {
            left = returnToOwnLots(connection, sessionId, paidPart, left, plan);
        }
        if (left > 0) {
            throw new IllegalStateException("coins given back to " + sessionId + " have no lot to return to: " + left);
        }
        List<LedgerEntry> written = new ArrayList<>();
        LedgerEntry entry = write(connection, account, coins, plan, reason, sessionId);
        written.add(entry);
        written.addAll(expireDue(connection, Ledger.after(account, entry)));
        return written;
    }

    /** Returns {@code left} coins to the purchase's own lots, the paid part first to its paid lot; answers what did not fit. */
    private long returnToOwnLots(Connection connection, String sessionId, long paidPart, long left, List<Move> plan)
            throws SQLException {
        List<Lot> own = new ArrayList<>(lots.ofPurchase(connection, sessionId));
        long toPaid = Math.min(left, paidPart);
        for (Lot lot : own) {
            long room = lot.coins() - lot.remaining() + plan.stream()
                    .filter(move -> move.lot().id() == lot.id()).mapToLong(Move::coins).sum();
            long wanted = lot.kind() == LotKind.PAID ? toPaid : left - toPaid;
            long back = Math.min(room, wanted);
            if (back > 0) {
                plan.add(new Move(lot, -back));
                left -= back;
                if (lot.kind() == LotKind.PAID) {
                    toPaid -= back;
                }
            }
        }
        for (Lot lot : own) {
            long room = lot.coins() - lot.remaining() + plan.stream()
                    .filter(move -> move.lot().id() == lot.id()).mapToLong(Move::coins).sum();
            long back = Math.min(room, left);
            if (back > 0) {
                plan.add(new Move(lot, -back));
                left -= back;
            }
        }
        return left;
    }

    /** Every lot of the user whose {@code expires_at} has come loses its coins: one {@code expired} row each. */
    public List<LedgerEntry> expireDue(Connection connection, String userId) throws SQLException {
        return expireDue(connection, ledger.lock(connection, userId, timestamps.now()).account());
    }

    private List<LedgerEntry> expireDue(Connection connection, Account account) throws SQLException {
        List<LedgerEntry> expired = new ArrayList<>();
        for (Lot lot : lots.due(connection, account.userId(), timestamps.now())) {
            LedgerEntry entry = write(connection, account, -lot.remaining(), List.of(new Move(lot, lot.remaining())),
                    Reasons.EXPIRED, lots.creditReference(connection, lot));
            account = Ledger.after(account, entry);
            expired.add(entry);
        }
        return expired;
    }

    /** Users with lots due to expire by now, at most {@code limit}: for the sweep that runs without requests. */
    public List<String> usersWithDueLots(Connection connection, int limit) throws SQLException {
        return lots.usersWithDueLots(connection, timestamps.now(), limit);
    }

    /** Coins to take from (or, negative, return to) one lot. */
    private record Move(Lot lot, long coins) {}

    /** Plans taking up to {@code wanted} coins from {@code lot} (none when null); answers what is still wanted. */
    private static long takeFrom(Lot lot, long wanted, List<Move> plan) {
        if (lot == null || wanted <= 0) {
            return wanted;
        }
        long planned = plan.stream().filter(move -> move.lot().id() == lot.id()).mapToLong(Move::coins).sum();
        long taken = Math.min(wanted, lot.remaining() - planned);
        if (taken > 0) {
            plan.add(new Move(lot, taken));
        }
        return wanted - taken;
    }

    /** Plans taking {@code wanted} coins from {@code order}, first to last; answers what no lot covered. */
    private static long take(List<Lot> order, long wanted, List<Move> plan) {
        for (Lot lot : order) {
            wanted = takeFrom(lot, wanted, plan);
        }
        return wanted;
    }

    /** One ledger row of {@code delta} and the moves of {@code plan}, whose kinds make its paid and bonus parts. */
    private LedgerEntry write(Connection connection, Account account, long delta, List<Move> plan, String reason,
            String reference) throws SQLException {
        long paid = 0;
        long bonus = 0;
        for (Move move : plan) {
            if (move.lot().kind() == LotKind.PAID) {
                paid -= move.coins();
            } else {
                bonus -= move.coins();
            }
        }
        LedgerEntry entry = rows.append(connection, account, delta, paid, bonus, reason, reference);
        for (Move move : plan) {
            lots.move(connection, move.lot(), entry.id(), move.coins(), entry.createdAt());
        }
        return entry;
    }
}
