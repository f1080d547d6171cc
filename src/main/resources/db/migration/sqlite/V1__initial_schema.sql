-- Money is whole cents (BIGINT); times are ISO-8601 UTC text so that the same
-- statements read the same on SQLite and PostgreSQL.

CREATE TABLE users (
    id          VARCHAR(128) PRIMARY KEY,
    balance     BIGINT       NOT NULL DEFAULT 0,
    created_at  VARCHAR(40)  NOT NULL
);

CREATE TABLE payment_sessions (
    session_id      VARCHAR(255) PRIMARY KEY,
    user_id         VARCHAR(128) NOT NULL REFERENCES users (id),
    package_id      VARCHAR(64)  NOT NULL,
    amount_cents    BIGINT       NOT NULL CHECK (amount_cents >= 0),
    currency        VARCHAR(3)   NOT NULL,
    coins           BIGINT       NOT NULL CHECK (coins >= 0),
    bonus           BIGINT       NOT NULL CHECK (bonus >= 0),
    status          VARCHAR(16)  NOT NULL
                    CHECK (status IN ('pending', 'completed', 'failed', 'expired', 'refunded')),
    payment_intent  VARCHAR(255),
    created_at      VARCHAR(40)  NOT NULL,
    updated_at      VARCHAR(40)  NOT NULL,
    completed_at    VARCHAR(40)
);

CREATE INDEX payment_sessions_by_user ON payment_sessions (user_id, created_at);

-- Append-only: rows are inserted, never updated or deleted.
CREATE TABLE coin_ledger (
    id             INTEGER      PRIMARY KEY,
    user_id        VARCHAR(128) NOT NULL REFERENCES users (id),
    delta          BIGINT       NOT NULL,
    balance_after  BIGINT       NOT NULL,
    reason         VARCHAR(32)  NOT NULL,
    reference      VARCHAR(255),
    created_at     VARCHAR(40)  NOT NULL
);

CREATE INDEX coin_ledger_by_user ON coin_ledger (user_id, id);

-- What makes a purchase credit happen once: a second 'purchase' row for the same
-- session conflicts here, whichever path (webhook, status poll) tries it.
CREATE UNIQUE INDEX coin_ledger_one_purchase_per_session
    ON coin_ledger (reference) WHERE reason = 'purchase';

CREATE TABLE processed_events (
    event_id      VARCHAR(255) PRIMARY KEY,
    type          VARCHAR(128) NOT NULL,
    session_id    VARCHAR(255),
    outcome       VARCHAR(32)  NOT NULL,
    detail        VARCHAR(255),
    processed_at  VARCHAR(40)  NOT NULL
);
