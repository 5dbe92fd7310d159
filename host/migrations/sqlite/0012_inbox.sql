-- Inboxes: what plugins send through the `notify` import (host/src/runtime/imports/
-- notify.rs), to one resident or to the grid workers of one grid, read through
-- `/api/inbox`. The row is the record of the send, so sends are not audited separately.
-- Keep in step with the other engine's 0012_inbox.sql.
CREATE TABLE inbox_messages (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    -- `resident` (to `resident_id`) or `grid-workers` (to every grid worker over `grid_code`).
    recipient_kind TEXT NOT NULL CHECK (recipient_kind IN ('resident', 'grid-workers')),
    resident_id    BIGINT REFERENCES residents (id) ON DELETE CASCADE,
    -- The resident's grid when sent, or the target grid.
    grid_code      TEXT NOT NULL REFERENCES units (code),
    title          TEXT NOT NULL,
    body           TEXT NOT NULL,
    -- A path under the sending plugin's pages (`/claims/7`), shown as `/p/PLUGIN/claims/7`.
    link           TEXT,
    -- `plugin:ID#INSTALLATION`: the installation's actor name, also the rate-limit key.
    sender         TEXT NOT NULL,
    plugin_id      TEXT NOT NULL,
    created_at     BIGINT NOT NULL,
    read_at        BIGINT,
    CHECK ((recipient_kind = 'resident') = (resident_id IS NOT NULL))
);
CREATE INDEX inbox_messages_by_resident ON inbox_messages (resident_id, id);
CREATE INDEX inbox_messages_by_grid ON inbox_messages (grid_code, id);
CREATE INDEX inbox_messages_by_sender ON inbox_messages (sender, created_at);

-- The resident record a user is (`wangge users link-resident`), whose inbox they read.
ALTER TABLE users ADD COLUMN resident_id BIGINT REFERENCES residents (id) ON DELETE SET NULL;
CREATE INDEX users_by_resident ON users (resident_id);
