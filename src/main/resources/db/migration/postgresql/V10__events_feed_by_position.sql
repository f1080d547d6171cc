-- SQLite's V10 drops its (txid, position) index, of no use where txid is always 0. Here the feed
-- follows (txid, position), so the index stays; this says why, where the schema is read.
COMMENT ON INDEX app_events_in_order IS
    'The feed''s order (EventFeed): by writing transaction, then position; needed on PostgreSQL, where txid varies';
