-- Coins the way money works: every credit is a lot (a purchase's paid coins and its bonus coins;
-- a grant's bonus coins, maybe expiring), every change of a balance records which lots it moved,
-- and a balance below zero is the user's debt. users.balance = the lots' remaining − debt.
ALTER TABLE users ADD COLUMN debt BIGINT NOT NULL DEFAULT 0 CHECK (debt >= 0);

-- The change of each kind of unspent coins a ledger row made (delta − paid − bonus = −change of debt).
ALTER TABLE coin_ledger ADD COLUMN paid BIGINT NOT NULL DEFAULT 0;
ALTER TABLE coin_ledger ADD COLUMN bonus BIGINT NOT NULL DEFAULT 0;

-- What a refund or dispute took back from a purchase's paid coins so far (coins_reversed counts both kinds).
ALTER TABLE payment_sessions ADD COLUMN paid_reversed BIGINT NOT NULL DEFAULT 0;

-- A grant's expiry (and the coins it moved of each kind), kept with its idempotency key for replays.
ALTER TABLE wallet_operations ADD COLUMN expires_at VARCHAR(40);
ALTER TABLE wallet_operations ADD COLUMN paid BIGINT NOT NULL DEFAULT 0;
ALTER TABLE wallet_operations ADD COLUMN bonus BIGINT NOT NULL DEFAULT 0;

-- One lot per credit of a kind: a purchase's paid coins (what they cost, in cents), its bonus
-- coins, a grant's bonus coins (maybe expiring). remaining = coins − what the lot's moves took.
CREATE TABLE coin_lots (
    id            INTEGER      PRIMARY KEY,
    user_id       VARCHAR(128) NOT NULL REFERENCES users (id),
    kind          VARCHAR(8)   NOT NULL CHECK (kind IN ('paid', 'bonus')),
    session_id    VARCHAR(255) REFERENCES payment_sessions (session_id),
    entry_id      BIGINT       NOT NULL REFERENCES coin_ledger (id),
    coins         BIGINT       NOT NULL CHECK (coins > 0),
    remaining     BIGINT       NOT NULL CHECK (remaining >= 0 AND remaining <= coins),
    amount_cents  BIGINT       NOT NULL DEFAULT 0 CHECK (amount_cents >= 0),
    currency      VARCHAR(3),
    expires_at    VARCHAR(40),
    created_at    VARCHAR(40)  NOT NULL
);

CREATE INDEX coin_lots_by_user ON coin_lots (user_id, id);
CREATE INDEX coin_lots_by_session ON coin_lots (session_id);
CREATE INDEX coin_lots_expiring ON coin_lots (expires_at) WHERE expires_at IS NOT NULL AND remaining > 0;

-- Which lots each ledger row moved: coins taken from a lot (> 0: a spend, a capture, a take-back,
-- an expiry, a debt repaid from a new credit) or returned to it (< 0: a give-back).
CREATE TABLE lot_moves (
    id          INTEGER      PRIMARY KEY,
    lot_id      BIGINT       NOT NULL REFERENCES coin_lots (id),
    entry_id    BIGINT       NOT NULL REFERENCES coin_ledger (id),
    coins       BIGINT       NOT NULL CHECK (coins <> 0),
    created_at  VARCHAR(40)  NOT NULL
);

CREATE INDEX lot_moves_by_lot ON lot_moves (lot_id, id);
CREATE INDEX lot_moves_by_entry ON lot_moves (entry_id);

-- What each purchase's money stood at over time (refunded cents; whether an open or lost dispute
-- held it), a row each time that changed: the money report for a past moment reads that moment.
CREATE TABLE purchase_money_history (
    id              INTEGER      PRIMARY KEY,
    session_id      VARCHAR(255) NOT NULL REFERENCES payment_sessions (session_id),
    refunded_cents  BIGINT       NOT NULL CHECK (refunded_cents >= 0),
    disputed        INTEGER      NOT NULL CHECK (disputed IN (0, 1)),
    recorded_at     VARCHAR(40)  NOT NULL
);

CREATE INDEX purchase_money_history_by_session ON purchase_money_history (session_id, recorded_at);

-- Coins reserved for a job of the web app: captured (spent), released, or expired at its deadline,
-- exactly once. The answers to create and to the capture or release are kept to be answered again.
CREATE TABLE holds (
    hold_id             VARCHAR(64)  PRIMARY KEY,
    idempotency_key     VARCHAR(255) NOT NULL UNIQUE,
    user_id             VARCHAR(128) NOT NULL REFERENCES users (id),
    amount              BIGINT       NOT NULL CHECK (amount > 0),
    reason              VARCHAR(255),
    expires_in_seconds  BIGINT       NOT NULL,
    expires_at          VARCHAR(40)  NOT NULL,
    status              VARCHAR(16)  NOT NULL CHECK (status IN ('open', 'captured', 'released', 'expired')),
    created_at          VARCHAR(40)  NOT NULL,
    created_balance     BIGINT       NOT NULL,
    created_available   BIGINT       NOT NULL,
    resolved_at         VARCHAR(40),
    captured            BIGINT,
    capture_entry_id    BIGINT       REFERENCES coin_ledger (id),
    resolved_balance    BIGINT,
    resolved_available  BIGINT
);

CREATE INDEX holds_open_by_user ON holds (user_id) WHERE status = 'open';
CREATE INDEX holds_open_by_deadline ON holds (expires_at) WHERE status = 'open';

-- A database with ledger rows from before lots: the server replays each user's ledger through the
-- lot rules once, at its next start (wallet/LotsFromHistory), and removes this mark.
INSERT INTO settings (name, value, updated_at)
SELECT 'lots_from_history', 'pending', '1970-01-01T00:00:00.000Z'
WHERE EXISTS (SELECT 1 FROM coin_ledger);
