-- Residents' evaluation (评价), reopening (重新办理), repeats (重复反映) and the figures that
-- assessment (考核) counts, kept on the event as it moves so a month's assessment is one
-- aggregate over the events reported in it (host/src/rules/assessment.rs says what each
-- figure means). Keep in step with the other engine's 0021_evaluation_assessment.sql.

-- When the event was first answered (受理 or 不予受理), and whether that was within 1
-- working day of its report (1/0; NULL for events answered before this migration, which
-- assessment leaves out of the 响应率 rather than guess).
ALTER TABLE events ADD COLUMN responded_at BIGINT;
ALTER TABLE events ADD COLUMN responded_on_time BIGINT;
-- When it was last resolved (办结), and whether on or before its deadline (1/0; NULL for
-- events resolved before this migration, left out of the 按期办结率 in the same way).
ALTER TABLE events ADD COLUMN resolved_at BIGINT;
ALTER TABLE events ADD COLUMN resolved_on_time BIGINT;
-- When it was last closed (结案): the evaluation window counts from it.
ALTER TABLE events ADD COLUMN closed_at BIGINT;
-- Handler returns (退回 of a dispatched event), reopenings after 不满意, manual 催办.
ALTER TABLE events ADD COLUMN return_count BIGINT NOT NULL DEFAULT 0;
ALTER TABLE events ADD COLUMN reopen_count BIGINT NOT NULL DEFAULT 0;
ALTER TABLE events ADD COLUMN urge_count BIGINT NOT NULL DEFAULT 0;
-- The earlier event this one repeats (重复/反复反映), if the reporter said so.
ALTER TABLE events ADD COLUMN repeat_of BIGINT REFERENCES events (id);

-- Events answered, resolved and closed before this migration, from their timelines (a
-- closed event's last move was its close).
UPDATE events SET closed_at = updated_at WHERE state IN ('closed', 'evaluated');
UPDATE events SET resolved_at = (
    SELECT MAX(t.at) FROM event_timeline t
    WHERE t.event_id = events.id AND t.action = 'resolve'
);
UPDATE events SET responded_at = (
    SELECT MIN(t.at) FROM event_timeline t
    WHERE t.event_id = events.id AND t.action IN ('accept', 'reject')
);

-- A month's assessment reads the events reported in it.
CREATE INDEX events_by_reported_at ON events (reported_at);

-- The reporter's ratings: one per closing (a reopened event is rated again).
CREATE TABLE event_evaluations (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    event_id     BIGINT NOT NULL REFERENCES events (id) ON DELETE CASCADE,
    -- satisfied 满意, basically-satisfied 基本满意, dissatisfied 不满意.
    rating       TEXT NOT NULL CHECK (rating IN ('satisfied', 'basically-satisfied', 'dissatisfied')),
    comment      TEXT NOT NULL,
    -- The reporter (`user:NAME`).
    evaluated_by TEXT NOT NULL,
    at           BIGINT NOT NULL,
    -- The department or lower unit that handled what was rated, if any.
    handler_unit TEXT
);
CREATE INDEX event_evaluations_by_event ON event_evaluations (event_id, id);

-- Every handler return (退回) with the unit that returned it: a return clears the event's
-- handler, so the 退回率 of a department is counted from here.
CREATE TABLE event_returns (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    event_id     BIGINT NOT NULL REFERENCES events (id) ON DELETE CASCADE,
    handler_unit TEXT NOT NULL,
    at           BIGINT NOT NULL
);
CREATE INDEX event_returns_by_event ON event_returns (event_id);
