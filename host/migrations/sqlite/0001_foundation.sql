-- Foundation: registered plugins, their installations, plugin storage and the audit log.
-- Times are milliseconds since the Unix epoch (UTC), the same on SQLite and PostgreSQL.

-- Components by content digest; the host compiles them into its on-disk cache.
CREATE TABLE plugin_components (
    digest   TEXT PRIMARY KEY,
    bytes    BLOB NOT NULL,
    added_at BIGINT NOT NULL
);

-- Every registered plugin version with its manifest (TOML as written by its author).
CREATE TABLE plugins (
    id       TEXT NOT NULL,
    version  TEXT NOT NULL,
    name     TEXT NOT NULL,
    manifest TEXT NOT NULL,
    digest   TEXT NOT NULL REFERENCES plugin_components (digest),
    added_at BIGINT NOT NULL,
    PRIMARY KEY (id, version)
);

-- A plugin installed at a unit; it covers the unit's subtree.
CREATE TABLE installations (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    plugin_id    TEXT NOT NULL,
    version      TEXT NOT NULL,
    unit_code    TEXT NOT NULL,
    unit_name    TEXT NOT NULL,
    grants       TEXT NOT NULL, -- JSON array of permission names
    config       TEXT NOT NULL, -- JSON object of config values set by the admin
    installed_at BIGINT NOT NULL,
    UNIQUE (plugin_id, unit_code),
    FOREIGN KEY (plugin_id, version) REFERENCES plugins (id, version)
);

-- Each installation's key-value space.
CREATE TABLE plugin_storage (
    installation_id BIGINT NOT NULL REFERENCES installations (id) ON DELETE CASCADE,
    key             TEXT NOT NULL,
    value           BLOB NOT NULL,
    PRIMARY KEY (installation_id, key)
);

-- Bytes (keys plus values) each installation stores, checked against its quota. Writers lock
-- this row, which serialises an installation's writes on PostgreSQL.
CREATE TABLE plugin_storage_usage (
    installation_id BIGINT PRIMARY KEY REFERENCES installations (id) ON DELETE CASCADE,
    bytes           BIGINT NOT NULL
);

-- Who did what, when and why. Append-only: the triggers refuse updates and deletes.
CREATE TABLE audit_log (
    id        INTEGER PRIMARY KEY AUTOINCREMENT,
    at        BIGINT NOT NULL,
    actor     TEXT NOT NULL,
    action    TEXT NOT NULL,
    subject   TEXT NOT NULL,
    unit_code TEXT,
    detail    TEXT NOT NULL -- JSON object
);
CREATE INDEX audit_log_by_action ON audit_log (action, at);

CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'audit_log is append-only');
END;

CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'audit_log is append-only');
END;
