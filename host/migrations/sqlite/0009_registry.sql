-- The plugin registry (host/src/registry_service/): publishers with their ed25519 keys, and
-- every published package with its bytes, signature and review state. It lives in the
-- host's database so that the embedded `/registry/` and `wangge registry serve` share one
-- migration history. Times are milliseconds since the Unix epoch.

-- A publisher is the `publisher` named in a manifest; its key verifies the signatures of
-- its packages, which is what authenticates a publish.
CREATE TABLE registry_publishers (
    name       TEXT PRIMARY KEY,
    public_key TEXT NOT NULL, -- `ed25519:<base64>`
    created_at BIGINT NOT NULL,
    created_by TEXT NOT NULL
);

-- One row per published version, identified by the sha256 of its `.wgp` bytes. Versions
-- are ordered by semver in Rust: a plugin has few versions, and semver's pre-release
-- ordering does not fit a SQL sort.
CREATE TABLE registry_packages (
    digest       TEXT PRIMARY KEY, -- `sha256:<hex>`
    plugin_id    TEXT NOT NULL,
    version      TEXT NOT NULL,
    name         TEXT NOT NULL, -- the manifest's display name, for search
    description  TEXT NOT NULL,
    publisher    TEXT NOT NULL REFERENCES registry_publishers (name),
    manifest     TEXT NOT NULL, -- plugin.toml as written
    contract     TEXT NOT NULL, -- the contract range, e.g. `^1.0`
    readme       TEXT NOT NULL,
    bytes        BLOB NOT NULL,
    size         BIGINT NOT NULL,
    signature    TEXT NOT NULL, -- `ed25519:<base64>` over the digest
    state        TEXT NOT NULL CHECK (state IN ('submitted', 'approved', 'rejected', 'yanked')),
    review_note  TEXT,
    reviewer     TEXT,
    yank_reason  TEXT,
    submitted_at BIGINT NOT NULL,
    reviewed_at  BIGINT,
    yanked_at    BIGINT,
    UNIQUE (plugin_id, version)
);
