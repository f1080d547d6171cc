-- Refunds and disputes take a purchase's coins back; these columns say how much so far,
-- so that repeated or out-of-order events take back only what is still owed.
ALTER TABLE payment_sessions ADD COLUMN amount_refunded BIGINT NOT NULL DEFAULT 0;
ALTER TABLE payment_sessions ADD COLUMN coins_reversed BIGINT NOT NULL DEFAULT 0;
ALTER TABLE payment_sessions ADD COLUMN dispute_status VARCHAR(16);

CREATE INDEX payment_sessions_by_payment_intent ON payment_sessions (payment_intent);

-- One row per idempotency key of the web app's spend and grant calls: the first answer,
-- kept to be answered again. The primary key is what makes a key act once.
CREATE TABLE wallet_operations (
    idempotency_key  VARCHAR(255) PRIMARY KEY,
    kind             VARCHAR(16)  NOT NULL CHECK (kind IN ('spend', 'grant')),
    user_id          VARCHAR(128) NOT NULL REFERENCES users (id),
    amount           BIGINT       NOT NULL CHECK (amount > 0),
    reason           VARCHAR(255),
    ledger_entry_id  BIGINT       NOT NULL REFERENCES coin_ledger (id),
    balance_after    BIGINT       NOT NULL,
    created_at       VARCHAR(40)  NOT NULL
);
