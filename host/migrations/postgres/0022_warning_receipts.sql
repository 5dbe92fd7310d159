-- 风险预警 as records: a warning pushed from a unit to every grid of its subtree, and each
-- grid's receipt: who acknowledged it (签收) and when, and the feedback (反馈) sent back,
-- so the pusher sees per grid who answered and the acknowledgement rate. The inbox message
-- each grid gets (unit_notifications) stays as before. Keep in step with the other
-- engine's 0022_warning_receipts.sql.
CREATE TABLE warnings (
    id         BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    -- The unit whose grids it was pushed to.
    unit_code  TEXT NOT NULL,
    title      TEXT NOT NULL,
    body       TEXT NOT NULL,
    -- The pusher (`user:NAME`).
    pushed_by  TEXT NOT NULL,
    pushed_at  BIGINT NOT NULL
);
CREATE INDEX warnings_by_unit ON warnings (unit_code, id);

CREATE TABLE warning_receipts (
    warning_id      BIGINT NOT NULL REFERENCES warnings (id) ON DELETE CASCADE,
    grid_code       TEXT NOT NULL,
    -- The grid worker who acknowledged it (username), and when (ms).
    acknowledged_by TEXT,
    acknowledged_at BIGINT,
    -- Their feedback, once, and who sent it when.
    feedback        TEXT,
    feedback_by     TEXT,
    feedback_at     BIGINT,
    PRIMARY KEY (warning_id, grid_code)
);
CREATE INDEX warning_receipts_by_grid ON warning_receipts (grid_code, warning_id);
