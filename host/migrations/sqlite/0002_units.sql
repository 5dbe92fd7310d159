-- The six-level unit tree. A unit's subtree is every code that starts with its own, so scope
-- queries are range scans on the primary key, never recursive walks.
CREATE TABLE units (
    code        TEXT PRIMARY KEY,
    name        TEXT NOT NULL,
    level       TEXT NOT NULL,
    parent_code TEXT REFERENCES units (code),
    boundary    TEXT, -- GeoJSON Polygon or MultiPolygon
    updated_at  BIGINT NOT NULL
);
CREATE INDEX units_by_parent ON units (parent_code);
