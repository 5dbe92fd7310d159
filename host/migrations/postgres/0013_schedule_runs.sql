-- When each installation's schedules last fired. A host claims a firing by moving
-- `last_fired_at` forward with a compare-and-set UPDATE, so several host nodes on one
-- database fire each schedule once, not once per node.
-- Keep in step with the other engine's 0013_schedule_runs.sql.
CREATE TABLE schedule_runs (
    installation_id BIGINT NOT NULL REFERENCES installations (id) ON DELETE CASCADE,
    schedule TEXT NOT NULL,
    last_fired_at BIGINT NOT NULL,
    PRIMARY KEY (installation_id, schedule)
);
