-- What was kept in one process's memory, kept here so that it holds across instances.

-- The checkout sessions each user started lately: the per-user rate limit counts these.
CREATE TABLE checkout_attempts (
    user_id       VARCHAR(128) NOT NULL,
    attempted_at  VARCHAR(40)  NOT NULL
);

CREATE INDEX checkout_attempts_by_user ON checkout_attempts (user_id, attempted_at);

-- When the status route last asked Stripe about a pending session: at most every few seconds.
ALTER TABLE payment_sessions ADD COLUMN stripe_polled_at VARCHAR(40);
