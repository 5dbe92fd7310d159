-- A change marker for the plugin catalog: one row whose counter every write to the
-- installations (and to the plugin versions they run) bumps in its own transaction, so a
-- running `wangge serve` notices a change with one cheap read and reloads its catalog.
-- A counter rather than MAX(updated_at) + COUNT(*): it cannot miss two changes in the same
-- millisecond or a clock that steps back, and it covers rows that are deleted.
-- Keep in step with the other engine's 0011_catalog_version.sql.
CREATE TABLE catalog_version (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    version INTEGER NOT NULL
);
INSERT INTO catalog_version (id, version) VALUES (1, 0);
