//! `wangge plugin uninstall`: removes an installation after its `lifecycle.uninstall` hook,
//! doing with its data what the administrator chose — keep it for a reinstall at the same
//! unit, export it to a JSON file or hand it back for a download (and then remove it), or
//! purge it.

use std::io::Write as _;
use std::path::{Path, PathBuf};

use base64::Engine as _;
use serde_json::{Value, json};

use super::Lifecycle;
use super::hooks::Hook;
use super::upgrade::current_installation;
use crate::db::installations::InstallationRow;
use crate::db::now_ms;
use crate::db::plugins::InstallationRecord;

/// What happens to the installation's storage.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DataChoice {
    /// Kept: a later install at the same unit takes it over.
    Keep,
    /// Written to this JSON file (which must not exist), then removed.
    Export(PathBuf),
    /// Returned as [`Uninstalled::export`] (the admin console sends it as a download), then
    /// removed.
    Download,
    /// Removed.
    Purge,
}

impl DataChoice {
    /// Parses `keep`, `purge` or `export FILE` (the words of `--data`).
    pub fn parse(words: &[String]) -> anyhow::Result<Self> {
        match words {
            [word] if word == "keep" => Ok(Self::Keep),
            [word] if word == "purge" => Ok(Self::Purge),
            [word, file] if word == "export" => Ok(Self::Export(PathBuf::from(file))),
            [word] if word == "export" => {
                anyhow::bail!("--data export: name the file to write, `--data export FILE.json`")
            }
            _ => anyhow::bail!(
                "--data `{}`: expected `keep`, `purge` or `export FILE.json`",
                words.join(" ")
            ),
        }
    }

    fn name(&self) -> &'static str {
        match self {
            Self::Keep => "keep",
            Self::Export(_) => "export",
            Self::Download => "download",
            Self::Purge => "purge",
        }
    }
}

/// What an uninstall did.
#[derive(Debug, Clone)]
pub struct Uninstalled {
    /// The version that was installed.
    pub version: String,
    /// Storage keys kept, exported or purged.
    pub keys: usize,
    /// The uninstall hook's failure, if it failed (the uninstall went on regardless: an
    /// administrator must be able to remove a broken plugin).
    pub hook_failure: Option<String>,
    /// The export document, for [`DataChoice::Download`].
    pub export: Option<Value>,
}

/// Uninstalls `plugin_id` at `unit_code`. Audited either way.
pub async fn uninstall(
    lifecycle: &Lifecycle<'_>,
    plugin_id: &str,
    unit_code: &str,
    data: &DataChoice,
) -> anyhow::Result<Uninstalled> {
    match uninstall_checked(lifecycle, plugin_id, unit_code, data).await {
        Ok(done) => Ok(done),
        Err(error) => {
            lifecycle
                .refused("uninstall", plugin_id, unit_code, error)
                .await
        }
    }
}

async fn uninstall_checked(
    lifecycle: &Lifecycle<'_>,
    plugin_id: &str,
    unit_code: &str,
    data: &DataChoice,
) -> anyhow::Result<Uninstalled> {
    let db = lifecycle.db();
    let row = current_installation(lifecycle, plugin_id, unit_code).await?;
    if let DataChoice::Export(path) = data
        && path.exists()
    {
        anyhow::bail!(
            "--data export {}: the file exists; name a new file",
            path.display()
        );
    }
    lifecycle.step(&format!("running {plugin_id}'s uninstall hook"));
    let hook_failure = match uninstall_hook(lifecycle, &row).await {
        Ok(()) => None,
        Err(error) => {
            let text = format!("{error:#}");
            lifecycle.step(&format!(
                "the uninstall hook failed, uninstalling anyway: {text}"
            ));
            Some(text)
        }
    };
    let entries = db.storage_entries(row.id).await?;
    let mut export = None;
    match data {
        DataChoice::Keep => {
            if !db
                .set_installation_state(row.id, &row.state, "uninstalled")
                .await?
            {
                anyhow::bail!("the installation changed during the uninstall; nothing was removed");
            }
        }
        DataChoice::Export(path) => {
            lifecycle.step(&format!(
                "exporting {} keys to {}",
                entries.len(),
                path.display()
            ));
            write_export(path, &export_document(&row, &entries))?;
            db.delete_installation(row.id).await?;
        }
        DataChoice::Download => {
            export = Some(export_document(&row, &entries));
            db.delete_installation(row.id).await?;
        }
        DataChoice::Purge => db.delete_installation(row.id).await?,
    }
    lifecycle
        .audit(
            "plugin.uninstalled",
            plugin_id,
            unit_code,
            json!({
                "installation": row.id,
                "version": row.version,
                "data": data.name(),
                "keys": entries.len(),
                "file": match data {
                    DataChoice::Export(path) => Some(path.display().to_string()),
                    _ => None,
                },
                "hook_failure": hook_failure,
            }),
        )
        .await?;
    Ok(Uninstalled {
        version: row.version,
        keys: entries.len(),
        hook_failure,
        export,
    })
}

async fn uninstall_hook(lifecycle: &Lifecycle<'_>, row: &InstallationRow) -> anyhow::Result<()> {
    let db = lifecycle.db();
    let (digest, manifest) = db
        .plugin_version(&row.plugin_id, &row.version)
        .await?
        .ok_or_else(|| anyhow::anyhow!("{} {} is not registered", row.plugin_id, row.version))?;
    let bytes = db.component(&digest).await?;
    let record = InstallationRecord {
        id: row.id,
        plugin_id: row.plugin_id.clone(),
        version: row.version.clone(),
        unit_code: row.unit_code.clone(),
        unit_name: row.unit_name.clone(),
        grants: row.grants.clone(),
        config: row.config.clone(),
        manifest,
        digest,
        state: row.state.clone(),
        package_digest: row.package_digest.clone(),
        previous_version: row.previous_version.clone(),
    };
    lifecycle.run_hook(record, &bytes, Hook::Uninstall).await
}

/// The export: the installation and every key, its value as `text` when it is UTF-8 and
/// as `base64` otherwise, so the file reads plainly and still round-trips any bytes.
fn export_document(row: &InstallationRow, entries: &[(String, Vec<u8>)]) -> Value {
    let entries: Vec<Value> = entries
        .iter()
        .map(|(key, value)| match std::str::from_utf8(value) {
            Ok(text) => json!({ "key": key, "text": text }),
            Err(_) => json!({
                "key": key,
                "base64": base64::engine::general_purpose::STANDARD.encode(value),
            }),
        })
        .collect();
    json!({
        "plugin": row.plugin_id,
        "version": row.version,
        "unit": row.unit_code,
        "installation": row.id,
        "exported_at_ms": now_ms(),
        "entries": entries,
    })
}

/// Writes `document` to `path`, which must not exist.
fn write_export(path: &Path, document: &Value) -> anyhow::Result<()> {
    let text = serde_json::to_string_pretty(document)?;
    // create_new: never overwrite a file; sync before the data is deleted.
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)
        .map_err(|e| anyhow::anyhow!("--data export {}: {e}", path.display()))?;
    file.write_all(text.as_bytes())
        .and_then(|()| file.sync_all())
        .map_err(|e| anyhow::anyhow!("--data export {}: {e}", path.display()))?;
    Ok(())
}
