-- Keep in step with migrations/sqlite.
-- 实有人口: residents, kept by the grid they live in. Scope queries are range scans on
-- (grid_code, id). The ID number is stored whole and masked on the way out.
CREATE TABLE residents (
    id              BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name            TEXT NOT NULL,
    gender          TEXT NOT NULL,
    birth_date      TEXT NOT NULL,
    id_number       TEXT NOT NULL UNIQUE,
    phone           TEXT,
    population_type TEXT NOT NULL,
    grid_code       TEXT COLLATE "C" NOT NULL REFERENCES units (code),
    tags            TEXT NOT NULL DEFAULT '[]',
    created_at      BIGINT NOT NULL,
    updated_at      BIGINT NOT NULL
);
CREATE INDEX residents_by_grid ON residents (grid_code, id);
