-- `events --user` matches the user stored with each handled event, by equality: matching the
-- detail's text with LIKE took a `_` for any character and a session id for the start of a longer one.
-- From now on the handling fills it in with the event's record (settlement/ProcessedEvents): the
-- user of the payment session the event is about (by its session, else by its payment intent).
ALTER TABLE processed_events ADD COLUMN user_id VARCHAR(128);

-- The rows handled before: a checkout event's session is on its row.
UPDATE processed_events SET user_id = (
    SELECT s.user_id FROM payment_sessions s WHERE s.session_id = processed_events.session_id)
WHERE session_id IS NOT NULL;

-- A refund, dispute or fraud warning event's detail names the purchase's session (cs_…) or payment
-- intent (pi_…): the first of each it names, cut at the first character no Stripe id has, found
-- among the sessions; kept only when what it names belongs to exactly one user. (PostgreSQL's V9
-- is this with strpos for instr.)
WITH rest AS (
    SELECT event_id,
           CASE WHEN instr(detail, 'cs_') > 0 THEN substr(detail, instr(detail, 'cs_')) || ' ' END AS cs,
           CASE WHEN instr(detail, 'pi_') > 0 THEN substr(detail, instr(detail, 'pi_')) || ' ' END AS pi
    FROM processed_events WHERE user_id IS NULL AND detail IS NOT NULL
), cut AS (
    SELECT event_id,
           substr(cs, 1, instr(replace(replace(replace(replace(replace(cs, ':', ' '), ';', ' '), ',', ' '), ')', ' '),
               '.', ' '), ' ') - 1) AS cs,
           substr(pi, 1, instr(replace(replace(replace(replace(replace(pi, ':', ' '), ';', ' '), ',', ' '), ')', ' '),
               '.', ' '), ' ') - 1) AS pi
    FROM rest
), owner AS (
    SELECT cut.event_id, s.user_id FROM cut JOIN payment_sessions s ON s.session_id = cut.cs
    UNION
    SELECT cut.event_id, s.user_id FROM cut JOIN payment_sessions s ON s.payment_intent = cut.pi
), only_owner AS (
    SELECT event_id, MIN(user_id) AS user_id FROM owner GROUP BY event_id HAVING COUNT(DISTINCT user_id) = 1
)
UPDATE processed_events SET user_id = (
    SELECT o.user_id FROM only_owner o WHERE o.event_id = processed_events.event_id)
WHERE event_id IN (SELECT event_id FROM only_owner);

CREATE INDEX processed_events_by_user ON processed_events (user_id, processed_at);
