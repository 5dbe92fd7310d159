-- Base data that grid workers keep (host/src/rules/base_data/): every record of 一标三实
-- carries a version for optimistic concurrency (an edit names the version it read; a stale
-- one is refused, nothing is overwritten), residents and special-population records are
-- closed rather than deleted, and the records a department pushed are marked verified
-- (关联核录). Keep in step with the other engine's 0018_base_data_upkeep.sql.

ALTER TABLE residents ADD COLUMN version BIGINT NOT NULL DEFAULT 1;
-- 注销: when and why (`moved-out` 迁出 or `deceased` 死亡, on `closed_on`, a date).
ALTER TABLE residents ADD COLUMN closed_at BIGINT;
ALTER TABLE residents ADD COLUMN closed_reason TEXT;
ALTER TABLE residents ADD COLUMN closed_on TEXT;
-- 关联核录: the last department push that carried the record (service account, when).
ALTER TABLE residents ADD COLUMN verified_by TEXT;
ALTER TABLE residents ADD COLUMN verified_at BIGINT;
-- Search: a name prefix and a phone, besides the ID number's unique index.
CREATE INDEX residents_by_name ON residents (name, id);
CREATE INDEX residents_by_phone ON residents (phone);

ALTER TABLE houses ADD COLUMN version BIGINT NOT NULL DEFAULT 1;
-- The standard address written one way (grid::address::address_key): half-width digits
-- and letters, no spaces, one spelling of 栋/号/楼: what department data is matched on.
ALTER TABLE houses ADD COLUMN address_key TEXT;
ALTER TABLE houses ADD COLUMN verified_by TEXT;
ALTER TABLE houses ADD COLUMN verified_at BIGINT;
CREATE INDEX houses_by_address_key ON houses (address_key);

ALTER TABLE households ADD COLUMN version BIGINT NOT NULL DEFAULT 1;
ALTER TABLE organizations ADD COLUMN version BIGINT NOT NULL DEFAULT 1;
ALTER TABLE organizations ADD COLUMN updated_at BIGINT;

ALTER TABLE special_populations ADD COLUMN version BIGINT NOT NULL DEFAULT 1;
-- 解除: when and why.
ALTER TABLE special_populations ADD COLUMN closed_at BIGINT;
ALTER TABLE special_populations ADD COLUMN closed_reason TEXT;

-- 走访/帮教: a visit to a special-population record's resident.
CREATE TABLE special_population_visits (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    record_id  BIGINT NOT NULL REFERENCES special_populations (id),
    visited_on TEXT NOT NULL,
    -- `home` 上门, `phone` 电话 or `talk` 约谈.
    kind       TEXT NOT NULL CHECK (kind IN ('home', 'phone', 'talk')),
    content    TEXT NOT NULL,
    visitor    TEXT NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE INDEX special_population_visits_by_record ON special_population_visits (record_id, visited_on);

-- How often each control level is visited, in days: data an operator changes
-- (`wangge visits interval`), not code.
CREATE TABLE visit_intervals (
    control_level TEXT PRIMARY KEY,
    days          BIGINT NOT NULL CHECK (days > 0)
);
INSERT INTO visit_intervals (control_level, days) VALUES ('1', 7), ('2', 14), ('3', 30);

-- Departments' machine credentials (部门推送): a user of kind `service` with one grant, and
-- a session that does not expire until revoked. Every use is audited.
ALTER TABLE users ADD COLUMN kind TEXT NOT NULL DEFAULT 'person';
CREATE TABLE service_accounts (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id    BIGINT NOT NULL UNIQUE REFERENCES users (id),
    unit_code  TEXT NOT NULL REFERENCES units (code),
    role       TEXT NOT NULL,
    created_by TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    revoked_at BIGINT
);
CREATE INDEX service_accounts_by_unit ON service_accounts (unit_code);

-- Hook deliveries that faulted (trap, deadline), retried with back-off until delivered or
-- given up (`failed`), which the unit admin sees in the console.
CREATE TABLE hook_retries (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    installation_id BIGINT NOT NULL,
    unit_code       TEXT NOT NULL,
    -- The notice as JSON (plugins::hooks::retries::StoredNotice).
    notice          TEXT NOT NULL,
    attempts        BIGINT NOT NULL,
    next_attempt_at BIGINT NOT NULL,
    last_error      TEXT NOT NULL,
    state           TEXT NOT NULL CHECK (state IN ('pending', 'failed')),
    created_at      BIGINT NOT NULL
);
CREATE INDEX hook_retries_due ON hook_retries (state, next_attempt_at);
CREATE INDEX hook_retries_by_unit ON hook_retries (unit_code, id);

-- A record's change history: the audit rows about it, newest first.
CREATE INDEX audit_log_by_subject ON audit_log (subject, id);
