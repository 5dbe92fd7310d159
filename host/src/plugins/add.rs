//! `wangge plugin add`: registers a local component with its manifest and installs it, or
//! explains exactly why not and changes nothing.

use std::path::{Path, PathBuf};

use serde_json::json;
use wangge_registry::Manifest;

use super::catalog::load_installation;
use super::config_values::parse_assignments;
use crate::db::audit::AuditEntry;
use crate::db::plugin_categories::{CategoryClaimError, PluginCategory};
use crate::db::plugins::{NewPlugin, Registration};
use crate::grid::custom_fields::FieldsSchema;
use crate::metrics::Metrics;
use crate::runtime::compile_cache::CacheOutcome;
use crate::runtime::conversions::unit::contract_unit;
use crate::runtime::{Runtime, digest_of};
use crate::state::Ground;

/// What to add and where.
#[derive(Debug, Clone)]
pub struct AddOptions {
    /// The component (`.wasm`).
    pub component: PathBuf,
    /// The manifest; `plugin.toml` beside the component when not given.
    pub manifest: Option<PathBuf>,
    /// Unit code to install at.
    pub unit_code: String,
    /// That unit's name.
    pub unit_name: String,
    /// `KEY=VALUE` config assignments.
    pub config: Vec<String>,
    /// Replace the component of an already registered version.
    pub replace: bool,
}

/// What adding did.
#[derive(Debug)]
pub struct AddReport {
    /// Plugin id.
    pub plugin_id: String,
    /// Version.
    pub version: String,
    /// Component digest.
    pub digest: String,
    /// New, unchanged or replaced.
    pub registration: Registration,
    /// Whether the component was compiled now or came from the cache.
    pub compile: CacheOutcome,
    /// The installation id.
    pub installation_id: i64,
}

fn read(path: &Path, what: &str) -> anyhow::Result<Vec<u8>> {
    std::fs::read(path).map_err(|e| anyhow::anyhow!("cannot read {what} {}: {e}", path.display()))
}

/// The manifest's categories, each fields schema checked against the subset the host
/// validates events with; an error names `categories[N].fields_schema`.
pub(super) fn checked_categories(manifest: &Manifest) -> anyhow::Result<Vec<PluginCategory>> {
    manifest
        .categories
        .iter()
        .enumerate()
        .map(|(i, category)| {
            if let Some(schema) = &category.fields_schema {
                FieldsSchema::parse(schema).map_err(|e| {
                    anyhow::anyhow!(
                        "field `categories[{i}].fields_schema`: {e} (see the custom-fields \
                         subset in host/src/grid/custom_fields.rs)"
                    )
                })?;
            }
            Ok(PluginCategory {
                code: category.code.clone(),
                name: category.name.clone(),
                sla_working_days: category.sla_working_days,
                description: category.description.clone(),
                fields_schema: category.fields_schema.clone(),
            })
        })
        .collect()
}

/// Validates and registers the plugin, installs it at the unit and runs its install hook.
/// On any error nothing stays registered.
pub async fn add_local_plugin(
    ground: &Ground,
    runtime: &Runtime,
    metrics: &Metrics,
    options: &AddOptions,
) -> anyhow::Result<AddReport> {
    let db = &ground.db;
    let manifest_path = match &options.manifest {
        Some(path) => path.clone(),
        None => options
            .component
            .parent()
            .unwrap_or(Path::new("."))
            .join("plugin.toml"),
    };
    let manifest_text = String::from_utf8(read(&manifest_path, "manifest")?)
        .map_err(|_| anyhow::anyhow!("{} is not UTF-8 text", manifest_path.display()))?;
    let manifest = Manifest::parse(&manifest_text)
        .map_err(|e| anyhow::anyhow!("{}: {e}", manifest_path.display()))?;
    let categories = checked_categories(&manifest)
        .map_err(|e| anyhow::anyhow!("{}: {e}", manifest_path.display()))?;
    let config = parse_assignments(&manifest, &options.config)?;
    contract_unit(&options.unit_code, &options.unit_name)
        .map_err(|e| anyhow::anyhow!("--unit: {e}"))?;
    let bytes = read(&options.component, "component")?;
    let digest = digest_of(&bytes);
    let (_, compile) = runtime
        .prepare_for(&manifest.contract, &digest, &bytes)
        .map_err(|e| anyhow::anyhow!("{}: {e}", options.component.display()))?;

    let version = manifest.version.to_string();
    let grants: Vec<String> = manifest
        .permissions
        .iter()
        .map(ToString::to_string)
        .collect();
    let (registration, installation_id) = db
        .register_plugin(
            &NewPlugin {
                id: manifest.id.as_str(),
                version: &version,
                name: &manifest.name,
                manifest: &manifest_text,
                digest: &digest,
                component: &bytes,
                unit_code: &options.unit_code,
                unit_name: &options.unit_name,
                grants: &grants,
                config: &config,
                categories: &categories,
            },
            options.replace,
        )
        .await
        .map_err(|e| {
            // A refused category is the manifest's fault: say which file.
            let refused = e
                .downcast_ref::<CategoryClaimError>()
                .is_some_and(|c| !matches!(c, CategoryClaimError::Database(_)));
            if refused {
                anyhow::anyhow!("{}: {e}", manifest_path.display())
            } else {
                e
            }
        })?;

    if registration == Registration::Added {
        let installed = run_install_hook(ground, runtime, metrics, installation_id).await;
        if let Err(error) = installed {
            db.unregister(installation_id, manifest.id.as_str(), &version)
                .await?;
            return Err(error);
        }
    }
    db.audit(AuditEntry {
        actor: "cli",
        action: "plugin.registered",
        subject: &format!("plugin:{}@{version}", manifest.id),
        unit_code: Some(&options.unit_code),
        detail: json!({
            "digest": digest,
            "registration": format!("{registration:?}").to_lowercase(),
            "grants": grants,
            "installation": installation_id,
            "categories": categories.iter().map(|c| c.code.as_str()).collect::<Vec<_>>(),
        }),
    })
    .await?;
    Ok(AddReport {
        plugin_id: manifest.id.to_string(),
        version,
        digest,
        registration,
        compile,
        installation_id,
    })
}

async fn run_install_hook(
    ground: &Ground,
    runtime: &Runtime,
    metrics: &Metrics,
    installation_id: i64,
) -> anyhow::Result<()> {
    let record = ground
        .db
        .installations()
        .await?
        .into_iter()
        .find(|r| r.id == installation_id)
        .ok_or_else(|| anyhow::anyhow!("installation {installation_id} vanished"))?;
    let (plugin, _) = load_installation(ground, runtime, metrics, record).await?;
    match plugin.install().await {
        Ok(Ok(())) => Ok(()),
        Ok(Err(error)) => anyhow::bail!("the plugin's install hook refused: {error}"),
        Err(fault) => anyhow::bail!("the plugin's install hook failed: {fault}"),
    }
}
