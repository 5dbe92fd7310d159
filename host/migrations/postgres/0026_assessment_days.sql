-- 考核 by unit reads a rollup instead of every event of the period: `assessment_days` holds,
-- per China day of report and per unit the event sits at, the sums of what each event
-- recorded as it moved (the `Tally` columns of host/src/db/assessment). A city's month was
-- one pass over ~85 000 events evaluating twelve CASE sums each (0.36 s at one million
-- events); from here it sums ~37 000 narrow rows. Only the two terms that depend on today
-- (still unanswered past the response window, still unresolved past the deadline) are
-- read live, from the partial indexes below, which hold only the events not yet answered
-- or resolved.
--
-- The rollup is kept by triggers, so no write path can forget it: every insert, delete and
-- update of a tallied column takes the old row's contribution away and adds the new one's.
-- Keep in step with the other engine's 0026_assessment_days.sql.

-- Ratings given and of them 满意 or 基本满意, kept on the event so that its contribution to
-- the rollup is a function of its row alone.
ALTER TABLE events ADD COLUMN evaluation_count BIGINT NOT NULL DEFAULT 0;
ALTER TABLE events ADD COLUMN satisfied_count BIGINT NOT NULL DEFAULT 0;
UPDATE events SET
    evaluation_count = (SELECT COUNT(*) FROM event_evaluations v WHERE v.event_id = events.id),
    satisfied_count = (SELECT COUNT(*) FROM event_evaluations v
                       WHERE v.event_id = events.id AND v.rating <> 'dissatisfied')
WHERE id IN (SELECT event_id FROM event_evaluations);

CREATE TABLE assessment_days (
    -- Days since 1970-01-01 in China Standard Time: (reported_at + 8 h) / 24 h.
    day                 BIGINT NOT NULL,
    unit_code           TEXT NOT NULL,
    events              BIGINT NOT NULL,
    responded_on_time   BIGINT NOT NULL,
    -- Answered and timed (responded_on_time is 0 or 1).
    response_measured   BIGINT NOT NULL,
    resolved_on_time    BIGINT NOT NULL,
    -- Resolved and timed (resolved_on_time is 0 or 1).
    resolution_measured BIGINT NOT NULL,
    dispatched          BIGINT NOT NULL,
    returned            BIGINT NOT NULL,
    closed              BIGINT NOT NULL,
    reopened            BIGINT NOT NULL,
    supervised          BIGINT NOT NULL,
    urged               BIGINT NOT NULL,
    evaluations         BIGINT NOT NULL,
    satisfied           BIGINT NOT NULL,
    -- A period's rows are one range, whatever the unit.
    PRIMARY KEY (day, unit_code)
);

INSERT INTO assessment_days
SELECT (reported_at + 28800000) / 86400000, unit_code, COUNT(*),
    SUM(CASE WHEN responded_on_time = 1 THEN 1 ELSE 0 END),
    SUM(CASE WHEN responded_on_time IS NOT NULL THEN 1 ELSE 0 END),
    SUM(CASE WHEN resolved_on_time = 1 THEN 1 ELSE 0 END),
    SUM(CASE WHEN resolved_on_time IS NOT NULL THEN 1 ELSE 0 END),
    SUM(CASE WHEN dispatched_to IS NOT NULL OR return_count > 0 THEN 1 ELSE 0 END),
    SUM(CASE WHEN return_count > 0 THEN 1 ELSE 0 END),
    SUM(CASE WHEN closed_at IS NOT NULL THEN 1 ELSE 0 END),
    SUM(CASE WHEN reopen_count > 0 THEN 1 ELSE 0 END),
    SUM(supervised), SUM(urge_count), SUM(evaluation_count), SUM(satisfied_count)
FROM events
GROUP BY (reported_at + 28800000) / 86400000, unit_code;

-- Takes the old row's contribution away from its day's row and adds the new one's. The
-- upsert is written once, in PL/pgSQL, so its plan is prepared once per connection.
CREATE FUNCTION assessment_days_track() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    e events;
    sign BIGINT;
BEGIN
    FOR step IN 1..2 LOOP
        IF step = 1 THEN
            CONTINUE WHEN TG_OP = 'INSERT';
            e := OLD;
            sign := -1;
        ELSE
            CONTINUE WHEN TG_OP = 'DELETE';
            e := NEW;
            sign := 1;
        END IF;
        INSERT INTO assessment_days VALUES (
            (e.reported_at + 28800000) / 86400000, e.unit_code, sign,
            sign * CASE WHEN e.responded_on_time = 1 THEN 1 ELSE 0 END,
            sign * CASE WHEN e.responded_on_time IS NOT NULL THEN 1 ELSE 0 END,
            sign * CASE WHEN e.resolved_on_time = 1 THEN 1 ELSE 0 END,
            sign * CASE WHEN e.resolved_on_time IS NOT NULL THEN 1 ELSE 0 END,
            sign * CASE WHEN e.dispatched_to IS NOT NULL OR e.return_count > 0 THEN 1 ELSE 0 END,
            sign * CASE WHEN e.return_count > 0 THEN 1 ELSE 0 END,
            sign * CASE WHEN e.closed_at IS NOT NULL THEN 1 ELSE 0 END,
            sign * CASE WHEN e.reopen_count > 0 THEN 1 ELSE 0 END,
            sign * e.supervised, sign * e.urge_count, sign * e.evaluation_count,
            sign * e.satisfied_count)
        ON CONFLICT (day, unit_code) DO UPDATE SET
            events = assessment_days.events + excluded.events,
            responded_on_time = assessment_days.responded_on_time + excluded.responded_on_time,
            response_measured = assessment_days.response_measured + excluded.response_measured,
            resolved_on_time = assessment_days.resolved_on_time + excluded.resolved_on_time,
            resolution_measured = assessment_days.resolution_measured + excluded.resolution_measured,
            dispatched = assessment_days.dispatched + excluded.dispatched,
            returned = assessment_days.returned + excluded.returned,
            closed = assessment_days.closed + excluded.closed,
            reopened = assessment_days.reopened + excluded.reopened,
            supervised = assessment_days.supervised + excluded.supervised,
            urged = assessment_days.urged + excluded.urged,
            evaluations = assessment_days.evaluations + excluded.evaluations,
            satisfied = assessment_days.satisfied + excluded.satisfied;
    END LOOP;
    RETURN NULL;
END;
$$;

CREATE TRIGGER assessment_days_on_insert_or_delete AFTER INSERT OR DELETE ON events
    FOR EACH ROW EXECUTE FUNCTION assessment_days_track();
-- Most moves set a tallied column to what it was (`dispatched_to = COALESCE(NULL, …)`):
-- only a change is worth two upserts.
CREATE TRIGGER assessment_days_on_update AFTER UPDATE OF unit_code, reported_at,
    responded_on_time, resolved_on_time, dispatched_to, return_count, closed_at,
    reopen_count, supervised, urge_count, evaluation_count, satisfied_count ON events
    FOR EACH ROW WHEN (
        OLD.unit_code IS DISTINCT FROM NEW.unit_code
        OR OLD.reported_at IS DISTINCT FROM NEW.reported_at
        OR OLD.responded_on_time IS DISTINCT FROM NEW.responded_on_time
        OR OLD.resolved_on_time IS DISTINCT FROM NEW.resolved_on_time
        OR OLD.dispatched_to IS DISTINCT FROM NEW.dispatched_to
        OR OLD.return_count IS DISTINCT FROM NEW.return_count
        OR OLD.closed_at IS DISTINCT FROM NEW.closed_at
        OR OLD.reopen_count IS DISTINCT FROM NEW.reopen_count
        OR OLD.supervised IS DISTINCT FROM NEW.supervised
        OR OLD.urge_count IS DISTINCT FROM NEW.urge_count
        OR OLD.evaluation_count IS DISTINCT FROM NEW.evaluation_count
        OR OLD.satisfied_count IS DISTINCT FROM NEW.satisfied_count)
    EXECUTE FUNCTION assessment_days_track();

-- The live terms: events not yet answered, and events not yet resolved that have a
-- deadline, by report time. Both hold little more than the open events (a rejected event
-- that had a deadline stays unresolved), not the year's million, and each holds every
-- column its count reads, so the count never visits the table.
CREATE INDEX events_unanswered ON events (reported_at, unit_code)
    WHERE responded_at IS NULL AND responded_on_time IS NULL;
CREATE INDEX events_unresolved ON events (reported_at, unit_code, deadline)
    WHERE resolved_at IS NULL AND resolved_on_time IS NULL AND deadline IS NOT NULL;
