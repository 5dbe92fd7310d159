-- Notices of the workflow to the users who reported an event: a row for every move of the
-- event made by someone else (受理, 派遣, 办结 …), written in the transaction of the move
-- (host/src/db/event_notices.rs), read in the portal's inbox. The text is rendered when
-- read, from the action and the event. Keep in step with the other engine's
-- 0016_event_notices.sql.
CREATE TABLE event_notices (
    id         BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    user_id    BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    event_id   BIGINT NOT NULL REFERENCES events (id) ON DELETE CASCADE,
    action     TEXT NOT NULL,
    to_state   TEXT NOT NULL,
    note       TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    read_at    BIGINT
);
CREATE INDEX event_notices_by_user ON event_notices (user_id, id);
CREATE INDEX event_notices_by_event ON event_notices (event_id);
