package coinpurse.wallet;

import coinpurse.auth.UserAuth;
import coinpurse.db.Database;
import coinpurse.db.Timestamps;
import coinpurse.http.ApiException;
import io.javalin.http.Context;
import java.util.List;
import java.util.OptionalLong;

/** The user's own balance and the ledger entries behind it. */
public final class WalletController {
    private static final int DEFAULT_HISTORY = 50;
    private static final int MAX_HISTORY = 200;

    private final UserAuth auth;
    private final Database db;
    private final Ledger ledger;
    private final Balances balances;
    private final Timestamps timestamps;

    public WalletController(UserAuth auth, Database db, Ledger ledger, Balances balances, Timestamps timestamps) {
        this.auth = auth;
        this.db = db;
        this.ledger = ledger;
        this.balances = balances;
        this.timestamps = timestamps;
    }

    public void balance(Context ctx) {
        String userId = auth.requireUser(ctx);
        ctx.json(db.read(connection -> balances.of(connection, userId, timestamps.now())));
    }

    /** A page of history; {@code next_before} is the cursor of the next page, null on the last. */
    public record HistoryPage(List<HistoryEntry> entries, Long nextBefore) {}

    public void history(Context ctx) {
        String userId = auth.requireUser(ctx);
        int limit = limitOf(ctx.queryParam("limit"));
        OptionalLong before = beforeOf(ctx.queryParam("before"));
        // One row more than asked tells whether an older entry exists: next_before is null on the last page.
        List<HistoryEntry> rows = db.read(connection -> ledger.history(connection, userId, limit + 1, before))
                .stream().map(HistoryEntry::of).toList();
        List<HistoryEntry> entries = rows.subList(0, Math.min(limit, rows.size()));
        Long nextBefore = rows.size() > limit ? entries.get(entries.size() - 1).id() : null;
        ctx.json(new HistoryPage(entries, nextBefore));
    }

    private static OptionalLong beforeOf(String text) {
        if (text == null) {
            return OptionalLong.empty();
        }
        try {
            long before = Long.parseLong(text);
            if (before >= 1) {
                return OptionalLong.of(before);
            }
        } catch (NumberFormatException ignored) {
            // answered below
        }
        throw ApiException.badRequest("before must be the id of a history entry (a whole number from 1).");
    }

    private static int limitOf(String text) {
        if (text == null) {
            return DEFAULT_HISTORY;
        }
        try {
            int limit = Integer.parseInt(text);
            if (limit >= 1 && limit <= MAX_HISTORY) {
                return limit;
            }
        } catch (NumberFormatException ignored) {
            // answered below
        }
        throw ApiException.badRequest("limit must be a whole number from 1 to " + MAX_HISTORY + ".");
    }
}
