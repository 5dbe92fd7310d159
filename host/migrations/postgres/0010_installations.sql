-- Installations from the registry (host/src/plugins/lifecycle/): the package they came
-- from, whether the administrator disabled or uninstalled them, and the version before the
-- last upgrade, kept so that a rollback needs neither the registry nor a new consent.
-- Keep in step with the other engine's 0010_installations.sql.

-- `sha256:<hex>` of the `.wgp` the installation came from; NULL for `plugin add`.
ALTER TABLE installations ADD COLUMN package_digest TEXT;
-- `enabled`, `disabled` (pages answer "disabled by the administrator"), or `uninstalled`
-- with its storage kept for a reinstall at the same unit.
ALTER TABLE installations ADD COLUMN state TEXT NOT NULL DEFAULT 'enabled'
    CHECK (state IN ('enabled', 'disabled', 'uninstalled'));
-- What the installation ran before its last upgrade (or rollback): version, package digest,
-- granted permissions (JSON array) and config (JSON object). NULL until the first upgrade.
ALTER TABLE installations ADD COLUMN previous_version TEXT;
ALTER TABLE installations ADD COLUMN previous_package_digest TEXT;
ALTER TABLE installations ADD COLUMN previous_grants TEXT;
ALTER TABLE installations ADD COLUMN previous_config TEXT;
