-- Who has read which inbox message: one row per reader, so one grid worker marking a
-- message to the grid's workers read leaves it unread for the others. This replaces
-- inbox_messages.read_at, one time for every reader. Reads of messages to a resident carry
-- over to the users linked to that resident; who read a grid message cannot be known, so
-- those show as unread once more.
-- Keep in step with the other engine's 0017_inbox_reads.sql.
CREATE TABLE inbox_reads (
    message_id BIGINT NOT NULL REFERENCES inbox_messages (id) ON DELETE CASCADE,
    user_id    BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    read_at    BIGINT NOT NULL,
    PRIMARY KEY (message_id, user_id)
);

INSERT INTO inbox_reads (message_id, user_id, read_at)
    SELECT m.id, u.id, m.read_at FROM inbox_messages m JOIN users u ON u.resident_id = m.resident_id
    WHERE m.read_at IS NOT NULL;

ALTER TABLE inbox_messages DROP COLUMN read_at;
