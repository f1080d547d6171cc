package coinpurse.holds;

import coinpurse.db.Database;
import coinpurse.db.Dialect;
import coinpurse.db.StorableText;
import coinpurse.db.Timestamps;
import coinpurse.events.EventType;
import coinpurse.events.Outbox;
import coinpurse.holds.HoldAnswers.Captured;
import coinpurse.holds.HoldAnswers.Created;
import coinpurse.holds.HoldAnswers.Released;
import coinpurse.holds.HoldAnswers.View;
import coinpurse.wallet.Balance;
import coinpurse.wallet.Balances;
import coinpurse.wallet.CoinBook;
import coinpurse.wallet.IdempotencyConflictException;
import coinpurse.wallet.InsufficientFundsException;
import coinpurse.wallet.LedgerEntry;
import coinpurse.wallet.Reasons;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.UUID;

/**
 * Holds: coins reserved for a job of the web app, then captured (spent) when it succeeds,
 * released when it fails, or expired at their deadline, whether or not anyone asks. Each hold is
 * resolved exactly once, under its user's lock and its row's: the first of a capture, a release
 * and the deadline wins; the same capture or release again answers as it did; anything else is
 * {@link HoldClosedException} or {@link HoldExpiredException}. A hold reserves coins without moving
 * them: {@code available} = balance − held is what spends and new holds see, and a capture spends
 * through {@link CoinBook} (which may leave a debt when a refund took the coins meanwhile).
 */
public final class HoldService {
    private static final int MAX_ID_LENGTH = 64;

    private final Database db;
    private final CoinBook coins;
    private final Balances balances;
    private final Holds holds;
    private final Dialect dialect;
    private final Clock clock;
    private final Timestamps timestamps;
    private final Outbox outbox;

    public HoldService(Database db, CoinBook coins, Balances balances, Outbox outbox, Clock clock) {
        this.db = db;
        this.coins = coins;
        this.balances = balances;
        this.outbox = outbox;
        this.dialect = db.dialect();
        this.holds = new Holds(dialect);
        this.clock = clock;
        this.timestamps = new Timestamps(clock);
    }

    /**
     * Reserves coins, or answers what the same key got the first time.
     *
     * @throws InsufficientFundsException more than is available; nothing is written
     * @throws IdempotencyConflictException the key was used for another hold
     */
    public Created create(NewHold request) {
        return db.inTransaction(connection -> {
            dialect.lock(connection, "hold:" + request.idempotencyKey());
            Optional<Hold> earlier = holds.byKey(connection, request.idempotencyKey());
            if (earlier.isPresent()) {
                return replay(earlier.get(), request);
            }
            coins.open(connection, request.userId());
            String now = timestamps.now();
            Balance balance = balances.of(connection, request.userId(), now);
            if (balance.available() < request.amount()) {
                throw new InsufficientFundsException(request.userId(), balance.available(), request.amount());
            }
            Hold hold = new Hold("hold_" + UUID.randomUUID().toString().replace("-", ""), request.idempotencyKey(),
                    request.userId(), request.amount(), request.reason(), request.expiresInSeconds(),
                    Timestamps.format(clock.instant().plus(Duration.ofSeconds(request.expiresInSeconds()))),
                    HoldStatus.OPEN, now, balance.balance(), balance.available() - request.amount(),
                    null, null, null, null);
            holds.insert(connection, hold);
            outbox.record(connection, hold.userId(), EventType.HOLD_CREATED, view(hold, HoldStatus.OPEN, null));
            return created(hold);
        });
    }

    private static Created replay(Hold hold, NewHold request) {
        boolean same = hold.userId().equals(request.userId()) && hold.amount() == request.amount()
                && Objects.equals(hold.reason(), request.reason())
                && hold.expiresInSeconds() == request.expiresInSeconds();
        if (!same) {
            throw new IdempotencyConflictException(request.idempotencyKey());
        }
        return created(hold);
    }

    private static Created created(Hold hold) {
        return new Created(hold.holdId(), hold.userId(), hold.amount(), HoldStatus.OPEN.value(), hold.expiresAt(),
                hold.createdBalance(), hold.createdAvailable());
    }

    /**
     * Spends {@code amount} of the hold's coins (all of them when empty) and frees the rest; a
     * captured hold answers its first capture again, whatever amount is asked.
     *
     * @throws CaptureExceedsHoldException more than the hold reserves
     */
    public Captured capture(String holdId, OptionalLong amount) {
        return db.inTransaction(connection -> {
            Locked locked = lockedOpen(connection, holdId, HoldStatus.CAPTURED);
            Hold hold = locked.hold();
            if (hold.status() == HoldStatus.CAPTURED) {
                return captured(hold);
            }
            long taking = amount.orElse(hold.amount());
            if (taking > hold.amount()) {
                throw new CaptureExceedsHoldException(holdId, hold.amount(), taking);
            }
            LedgerEntry entry = coins.spend(connection, hold.userId(), taking, Reasons.CAPTURE, holdId, true);
            Balance after = resolve(connection, hold, HoldStatus.CAPTURED, locked.now(), taking, entry.id());
            return new Captured(holdId, HoldStatus.CAPTURED.value(), taking, entry.id(), after.balance(),
                    after.available());
        });
    }

    /** Frees the hold's coins, spending nothing; a released hold answers its release again. */
    public Released release(String holdId) {
        return db.inTransaction(connection -> {
            Locked locked = lockedOpen(connection, holdId, HoldStatus.RELEASED);
            Hold hold = locked.hold();
            if (hold.status() == HoldStatus.RELEASED) {
                return released(hold);
            }
            Balance after = resolve(connection, hold, HoldStatus.RELEASED, locked.now(), null, null);
            return new Released(holdId, HoldStatus.RELEASED.value(), after.balance(), after.available());
        });
    }

    /** The hold as it stands now; an open hold past its deadline reads as expired. */
    public View get(String holdId) {
        return db.read(connection -> {
            Hold hold = find(connection, holdId);
            return view(hold, hold.statusAt(timestamps.now()), hold.captured());
        });
    }

    /**
     * Marks the open holds whose deadline has come as expired, each once, at most {@code limit}:
     * the sweep that makes deadlines work while nobody asks, and across restarts. Answers how many.
     */
    public int expireDue(int limit) {
        int expired = 0;
        for (Hold due : db.read(connection -> holds.due(connection, timestamps.now(), limit))) {
            boolean now = db.inTransaction(connection -> {
                coins.open(connection, due.userId());
                Optional<Hold> hold = holds.findForUpdate(connection, due.holdId());
                String at = timestamps.now();
                if (hold.isEmpty() || !hold.get().isDue(at)) {
                    return false; // resolved meanwhile, by a request or another instance
                }
                resolve(connection, hold.get(), HoldStatus.EXPIRED, at, null, null);
                return true;
            });
            expired += now ? 1 : 0;
        }
        return expired;
    }

    /** A hold locked with its user, and the time this transaction decides and stamps its end by. */
    private record Locked(Hold hold, String now) {}

    /**
     * The hold, locked with its user, after its deadline's due expiry: as resolved {@code wanted}
     * (to answer it again), or open; any other end is the caller's 409. The time is read once, after
     * the locks, so that a capture or release decided before the deadline is never stamped at or
     * after it.
     */
    private Locked lockedOpen(Connection connection, String holdId, HoldStatus wanted) throws SQLException {
        Hold seen = find(connection, holdId);
        coins.open(connection, seen.userId());
        Hold hold = holds.findForUpdate(connection, holdId).orElseThrow();
        String now = timestamps.now();
        if (hold.statusAt(now) == HoldStatus.EXPIRED) {
            // Past its deadline it is expired whether or not the sweep has marked it yet (the sweep will).
            throw new HoldExpiredException(holdId, hold.expiresAt());
        }
        if (hold.status() != HoldStatus.OPEN && hold.status() != wanted) {
            throw new HoldClosedException(holdId, hold.status());
        }
        return new Locked(hold, now);
    }

    /** The hold {@code holdId}; an id no hold could have (too long, a control character) is as unknown. */
    private Hold find(Connection connection, String holdId) throws SQLException {
        if (!StorableText.isId(holdId, MAX_ID_LENGTH)) {
            throw new UnknownHoldException(holdId);
        }
        return holds.find(connection, holdId).orElseThrow(() -> new UnknownHoldException(holdId));
    }

    /**
     * Resolves the open hold as {@code status} at {@code now}; answers the user's balance and
     * available coins after it.
     */
    private Balance resolve(Connection connection, Hold hold, HoldStatus status, String now, Long captured,
            Long entryId) throws SQLException {
        // Resolved first, so that the balance read after it no longer counts the hold's coins as held.
        holds.resolve(connection, hold.holdId(), status, now, captured, entryId);
        outbox.record(connection, hold.userId(), switch (status) {
            case CAPTURED -> EventType.HOLD_CAPTURED;
            case RELEASED -> EventType.HOLD_RELEASED;
            case EXPIRED -> EventType.HOLD_EXPIRED;
            case OPEN -> throw new IllegalArgumentException("a hold is resolved to captured, released or expired");
        }, view(hold, status, captured));
        Balance after = balances.of(connection, hold.userId(), now);
        holds.recordAnswer(connection, hold.holdId(), after.balance(), after.available());
        return after;
    }

    /** The hold as {@code GET} shows it, and as its events carry it. */
    private static View view(Hold hold, HoldStatus status, Long captured) {
        return new View(hold.holdId(), hold.userId(), hold.amount(), status.value(), hold.expiresAt(), hold.reason(),
                captured);
    }

    private static Captured captured(Hold hold) {
        return new Captured(hold.holdId(), HoldStatus.CAPTURED.value(), hold.captured(), hold.captureEntryId(),
                hold.resolvedBalance(), hold.resolvedAvailable());
    }

    private static Released released(Hold hold) {
        return new Released(hold.holdId(), HoldStatus.RELEASED.value(), hold.resolvedBalance(),
                hold.resolvedAvailable());
    }
}
