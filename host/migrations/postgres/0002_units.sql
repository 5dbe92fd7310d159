-- The six-level unit tree. A unit's subtree is every code that starts with its own, so scope
-- queries are range scans on the primary key (byte-ordered by the C collation), never
-- recursive walks. Keep in step with migrations/sqlite.
CREATE TABLE units (
    code        TEXT COLLATE "C" PRIMARY KEY,
    name        TEXT NOT NULL,
    level       TEXT NOT NULL,
    parent_code TEXT COLLATE "C" REFERENCES units (code),
    boundary    TEXT,
    updated_at  BIGINT NOT NULL
);
CREATE INDEX units_by_parent ON units (parent_code);
