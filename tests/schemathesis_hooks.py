"""schemathesis hooks for the host's API (loaded through SCHEMATHESIS_HOOKS by
`cargo xtask schemathesis`): a plugin package (`application/vnd.wangge.package`) is sent as
raw bytes, as any binary body."""

import schemathesis

schemathesis.serializer.alias("application/vnd.wangge.package", "application/octet-stream")
