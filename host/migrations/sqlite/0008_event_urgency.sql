-- Urgent events (emergency help a plugin reports, `urgent` in the `events` import): while
-- still waiting for acceptance they are listed before the others. An integer 0/1: sqlx's
-- Any driver reads no SQLite booleans.
ALTER TABLE events ADD COLUMN urgent BIGINT NOT NULL DEFAULT 0;
