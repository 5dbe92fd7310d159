-- 实有人口: residents, kept by the grid they live in. Scope queries are range scans on
-- (grid_code, id). The ID number is stored whole and masked on the way out.
CREATE TABLE residents (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    name            TEXT NOT NULL,
    gender          TEXT NOT NULL,
    birth_date      TEXT NOT NULL,
    id_number       TEXT NOT NULL UNIQUE,
    phone           TEXT,
    population_type TEXT NOT NULL,
    grid_code       TEXT NOT NULL REFERENCES units (code),
    tags            TEXT NOT NULL DEFAULT '[]',
    created_at      BIGINT NOT NULL,
    updated_at      BIGINT NOT NULL
);
CREATE INDEX residents_by_grid ON residents (grid_code, id);
