-- An optional photo on a reported event (the resident portal's 照片（选填）), at most one
-- per event, kept with it and gone with it. The type was decided from the bytes' magic
-- numbers before storing (host/src/grid/photo.rs), never from the client's word.
-- Keep in step with the other engine's 0014_event_photos.sql.
CREATE TABLE event_photos (
    event_id     BIGINT PRIMARY KEY REFERENCES events (id) ON DELETE CASCADE,
    -- `image/jpeg`, `image/png` or `image/webp`.
    content_type TEXT NOT NULL CHECK (content_type IN ('image/jpeg', 'image/png', 'image/webp')),
    bytes        BYTEA NOT NULL,
    byte_size    BIGINT NOT NULL,
    -- The actor who uploaded it (`user:NAME`).
    uploaded_by  TEXT NOT NULL,
    uploaded_at  BIGINT NOT NULL
);

-- "My reports" (`/reports`): a user's events, newest first.
CREATE INDEX events_by_reporter ON events (reporter, id);
