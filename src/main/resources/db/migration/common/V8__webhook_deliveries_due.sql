-- Pushing events to events.webhook_url: the sender asks, a few times a second, which events are due.
-- Only the head of each user's queue (the user's oldest pending event) carries a next_attempt_at;
-- the user's later pending events wait with none, and the head's end (delivered, or given up after
-- 3 days) gives the next one its time. So "what is due" is one range of this small index, however
-- many events wait behind a receiver that is down, and a user's next event is never sent before
-- the previous one was answered.
CREATE INDEX app_events_due ON app_events (next_attempt_at)
    WHERE delivery = 'pending' AND next_attempt_at IS NOT NULL;

-- Events written before this rule (all pending ones had a time): only each user's first keeps it.
UPDATE app_events SET next_attempt_at = NULL
WHERE delivery = 'pending' AND EXISTS (
    SELECT 1 FROM app_events earlier
    WHERE earlier.user_id = app_events.user_id AND earlier.delivery = 'pending'
      AND earlier.sequence < app_events.sequence);
