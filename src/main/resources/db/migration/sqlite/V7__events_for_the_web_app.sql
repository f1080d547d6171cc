-- Events for the web app: every ledger row, every change of a hold and of a purchase's status is
-- one event, written in the transaction that makes the change (an outbox), so an event exists
-- exactly when its change committed. Pushed to events.webhook_url, pulled through
-- GET /api/internal/events, streamed to the buyer's page.

-- Each user's events are numbered 1, 2, 3 … without gaps, under the user's lock.
ALTER TABLE users ADD COLUMN last_event_sequence BIGINT NOT NULL DEFAULT 0;

CREATE TABLE app_events (
    position         INTEGER      PRIMARY KEY,
    -- The order readers follow is (txid, position): on PostgreSQL txid is the writing transaction's
    -- id, and readers stop below the oldest transaction still running, so an event that commits
    -- late is never passed over; on SQLite, whose writes run one at a time, it is 0.
    txid             BIGINT       NOT NULL DEFAULT 0,
    event_id         VARCHAR(40)  NOT NULL UNIQUE,
    user_id          VARCHAR(128) NOT NULL REFERENCES users (id),
    sequence         BIGINT       NOT NULL,
    type             VARCHAR(32)  NOT NULL,
    created_at       VARCHAR(40)  NOT NULL,
    data             TEXT         NOT NULL,
    -- Delivery to events.webhook_url: pending until a 2xx (delivered) or 3 days of retries (failed);
    -- off when no URL was set when the event was written.
    delivery         VARCHAR(16)  NOT NULL CHECK (delivery IN ('pending', 'delivered', 'failed', 'off')),
    attempts         INTEGER      NOT NULL DEFAULT 0,
    next_attempt_at  VARCHAR(40),
    last_delay_ms    BIGINT,
    last_error       VARCHAR(255),
    claimed_until    VARCHAR(40),
    delivered_at     VARCHAR(40),
    UNIQUE (user_id, sequence)
);

CREATE INDEX app_events_in_order ON app_events (txid, position);
CREATE INDEX app_events_pending ON app_events (user_id, sequence) WHERE delivery = 'pending';
