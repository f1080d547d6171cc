-- A user's lots that still hold coins, by when they expire: what a spend, a take-back and the
-- account read at every change of a user's coins (are any of their lots due?) look for. The index
-- it replaces, on all of a user's lots, made each of those read every lot the user ever had, so a
-- user's every purchase cost more than the one before.
CREATE INDEX coin_lots_open_by_user ON coin_lots (user_id, expires_at) WHERE remaining > 0;
DROP INDEX coin_lots_by_user;

-- `events --user` reads processed_events whole, as its other filters do: an index on the user
-- cost every webhook event a write on a page of its own (about 9 % of its CPU, performance.md).
DROP INDEX processed_events_by_user;

-- A user's next event number is one more than their last event's (the outbox reads it from
-- UNIQUE (user_id, sequence)): no counter on the user's row to update with every event.
ALTER TABLE users DROP COLUMN last_event_sequence;
