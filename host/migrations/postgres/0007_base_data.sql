-- Keep in step with migrations/sqlite.
-- "一标三实": standard addresses and the houses at them, households, organizations, and
-- special populations. Every table carries the grid that keeps the record, so scope
-- queries are range scans on (grid_code, id) like the residents'.

-- 实有房屋: a house at its standard address (标准地址). `grid_source` says how the grid was
-- found: `boundary` (its coordinates fell inside the grid's boundary: 关联核录) or `given`
-- (the import named it).
CREATE TABLE houses (
    id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    address     TEXT NOT NULL UNIQUE,
    latitude    DOUBLE PRECISION,
    longitude   DOUBLE PRECISION,
    usage       TEXT NOT NULL,
    grid_code   TEXT COLLATE "C" NOT NULL REFERENCES units (code),
    grid_source TEXT NOT NULL,
    created_at  BIGINT NOT NULL,
    updated_at  BIGINT NOT NULL
);
CREATE INDEX houses_by_grid ON houses (grid_code, id);

-- 户: a household by its registration number, at a house.
CREATE TABLE households (
    id         BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    number     TEXT NOT NULL UNIQUE,
    house_id   BIGINT REFERENCES houses (id),
    grid_code  TEXT COLLATE "C" NOT NULL REFERENCES units (code),
    created_at BIGINT NOT NULL
);
CREATE INDEX households_by_grid ON households (grid_code, id);

-- A resident's household, their relation to its head (`head` for the head), and house.
ALTER TABLE residents ADD COLUMN household_id BIGINT REFERENCES households (id);
ALTER TABLE residents ADD COLUMN household_relation TEXT;
ALTER TABLE residents ADD COLUMN house_id BIGINT REFERENCES houses (id);
CREATE INDEX residents_by_household ON residents (household_id);

-- 实有单位/组织: enterprises, social organizations, shops, institutions.
CREATE TABLE organizations (
    id            BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name          TEXT NOT NULL,
    kind          TEXT NOT NULL,
    credit_code   TEXT UNIQUE, -- 统一社会信用代码 (GB 32100), when it has one
    address       TEXT NOT NULL,
    house_id      BIGINT REFERENCES houses (id),
    contact_name  TEXT,
    contact_phone TEXT,
    grid_code     TEXT COLLATE "C" NOT NULL REFERENCES units (code),
    created_at    BIGINT NOT NULL
);
CREATE INDEX organizations_by_grid ON organizations (grid_code, id);

-- 特殊人群: a resident under a special-population category, at a control level, with the
-- grid worker responsible. The grid is the resident's, copied so the scope scan needs no
-- join; visibility is restricted in the API (see host/src/http/special_populations_api.rs).
CREATE TABLE special_populations (
    id               BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    resident_id      BIGINT NOT NULL REFERENCES residents (id) ON DELETE CASCADE,
    category         TEXT NOT NULL,
    control_level    TEXT NOT NULL,
    responsible_user BIGINT REFERENCES users (id),
    grid_code        TEXT COLLATE "C" NOT NULL REFERENCES units (code),
    note             TEXT NOT NULL DEFAULT '',
    created_at       BIGINT NOT NULL,
    updated_at       BIGINT NOT NULL,
    UNIQUE (resident_id, category)
);
CREATE INDEX special_populations_by_grid ON special_populations (grid_code, id);
