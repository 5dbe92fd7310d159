-- Foundation: registered plugins, their installations, plugin storage and the audit log.
-- Times are milliseconds since the Unix epoch (UTC), the same on SQLite and PostgreSQL.
-- Keep in step with migrations/sqlite: the same tables, columns and rules.

CREATE TABLE plugin_components (
    digest   TEXT PRIMARY KEY,
    bytes    BYTEA NOT NULL,
    added_at BIGINT NOT NULL
);

CREATE TABLE plugins (
    id       TEXT NOT NULL,
    version  TEXT NOT NULL,
    name     TEXT NOT NULL,
    manifest TEXT NOT NULL,
    digest   TEXT NOT NULL REFERENCES plugin_components (digest),
    added_at BIGINT NOT NULL,
    PRIMARY KEY (id, version)
);

CREATE TABLE installations (
    id           BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    plugin_id    TEXT NOT NULL,
    version      TEXT NOT NULL,
    unit_code    TEXT NOT NULL,
    unit_name    TEXT NOT NULL,
    grants       TEXT NOT NULL,
    config       TEXT NOT NULL,
    installed_at BIGINT NOT NULL,
    UNIQUE (plugin_id, unit_code),
    FOREIGN KEY (plugin_id, version) REFERENCES plugins (id, version)
);

CREATE TABLE plugin_storage (
    installation_id BIGINT NOT NULL REFERENCES installations (id) ON DELETE CASCADE,
    key             TEXT COLLATE "C" NOT NULL,
    value           BYTEA NOT NULL,
    PRIMARY KEY (installation_id, key)
);

CREATE TABLE plugin_storage_usage (
    installation_id BIGINT PRIMARY KEY REFERENCES installations (id) ON DELETE CASCADE,
    bytes           BIGINT NOT NULL
);

CREATE TABLE audit_log (
    id        BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    at        BIGINT NOT NULL,
    actor     TEXT NOT NULL,
    action    TEXT NOT NULL,
    subject   TEXT NOT NULL,
    unit_code TEXT,
    detail    TEXT NOT NULL
);
CREATE INDEX audit_log_by_action ON audit_log (action, at);

CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit_log is append-only';
END;
$$;

CREATE TRIGGER audit_log_no_update_or_delete BEFORE UPDATE OR DELETE ON audit_log
    FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();
