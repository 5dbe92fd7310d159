-- 吹哨报到: the departments a street or county summons to one event together, the lead
-- among them (who is also the event's handler and resolves it), and each department's
-- 报到 (check-in) with its note and time, so the timeline shows every department's
-- response time. A new summons of the same event (after the lead returned it) replaces
-- the earlier one; the timeline keeps both. Keep in step with the other engine's
-- 0023_event_summons.sql.
CREATE TABLE event_summons (
    event_id    BIGINT NOT NULL REFERENCES events (id) ON DELETE CASCADE,
    -- The department's unit code, and its name as the event shows it.
    department  TEXT NOT NULL,
    name        TEXT NOT NULL,
    -- 1 for the lead (牵头), 0 for the others (配合).
    lead        BIGINT NOT NULL,
    summoned_by TEXT NOT NULL,
    summoned_at BIGINT NOT NULL,
    -- The check-in: when, by whom (`user:NAME`), with what note.
    reported_at BIGINT,
    reported_by TEXT,
    note        TEXT,
    PRIMARY KEY (event_id, department)
);
CREATE INDEX event_summons_by_department ON event_summons (department, event_id);
