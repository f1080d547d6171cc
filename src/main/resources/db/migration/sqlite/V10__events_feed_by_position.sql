-- On SQLite every event's txid is 0 (writes commit one at a time, in position order), so the feed
-- reads in position order, by the primary key (Dialect.eventsByTransaction): the (txid, position)
-- index was one more b-tree written with every event and never of use here.
-- app_events_pending stays: without it, "has this user an event waiting?" (asked with every event
-- written while pushing) and "the user's oldest pending one" read all of the user's delivered events
-- through UNIQUE (user_id, sequence), as EXPLAIN QUERY PLAN shows; the partial index holds only the
-- few pending ones.
DROP INDEX app_events_in_order;
