//! Which registry version an install or upgrade takes: the newest approved one whose
//! `contract` range this host runs (newer than the installed one, for an upgrade), or the
//! version asked for — if it is approved.

use semver::{Version, VersionReq};

use crate::db::Db;
use crate::registry_service::{self, PluginSummary, Visibility};
use crate::runtime::contract::supported_text;

/// Whether this host runs components built for `range`: one of the contract versions it
/// keeps (`runtime::contract::SUPPORTED_CONTRACTS`) satisfies it.
pub fn host_supports(range: &VersionReq) -> bool {
    crate::runtime::contract::supports_range(range)
}

fn supports_text(range: &str) -> bool {
    range.parse::<VersionReq>().is_ok_and(|r| host_supports(&r))
}

/// The version to install: `wanted` if approved and runnable, else the newest approved,
/// runnable version above `above` (an upgrade's current version).
pub async fn resolve_version(
    db: &Db,
    plugin_id: &str,
    wanted: Option<&str>,
    above: Option<&Version>,
) -> anyhow::Result<Version> {
    // Reviewer visibility: the host is the operator's own, and a version under review
    // deserves a clear refusal rather than "not found".
    let summary = registry_service::plugin(db, plugin_id, Visibility::Reviewer)
        .await?
        .ok_or_else(|| {
            anyhow::anyhow!(
                "plugin `{plugin_id}` is not in the registry (`wangge registry search` lists \
                 what is there)"
            )
        })?;
    match wanted {
        Some(text) => wanted_version(&summary, text, above),
        None => newest(&summary, above),
    }
}

/// `text` from `summary`, if approved, runnable here and above `above`.
pub(super) fn wanted_version(
    summary: &PluginSummary,
    text: &str,
    above: Option<&Version>,
) -> anyhow::Result<Version> {
    let version: Version = text
        .parse()
        .map_err(|e| anyhow::anyhow!("--version `{text}`: not a semver version ({e})"))?;
    let found = summary
        .versions
        .iter()
        .find(|v| v.version.parse::<Version>().is_ok_and(|v| v == version))
        .ok_or_else(|| {
            anyhow::anyhow!("{} has no version {version} in the registry", summary.id)
        })?;
    match found.state.as_str() {
        "approved" => {}
        "yanked" => anyhow::bail!(
            "{} {version} was yanked ({}): only approved versions can be installed",
            summary.id,
            found.yank_reason.as_deref().unwrap_or("no reason given")
        ),
        state => anyhow::bail!(
            "{} {version} is {state}: only approved versions can be installed (a registry \
             reviewer approves it with `wangge registry review`)",
            summary.id
        ),
    }
    if !supports_text(&found.contract) {
        anyhow::bail!(
            "{} {version} targets contract `{}`, which this host ({}) \
             does not run",
            summary.id,
            found.contract,
            supported_text()
        );
    }
    if let Some(current) = above
        && version <= *current
    {
        anyhow::bail!(
            "{} {version} is not newer than the installed {current}: an upgrade only goes \
             forward (`wangge plugin rollback` returns to the previous version)",
            summary.id
        );
    }
    Ok(version)
}

/// The newest approved version of `summary` that runs here, above `above`.
pub(super) fn newest(summary: &PluginSummary, above: Option<&Version>) -> anyhow::Result<Version> {
    // `versions` is newest first.
    let chosen = summary.versions.iter().find_map(|v| {
        let version = v.version.parse::<Version>().ok()?;
        let candidate = v.state == "approved"
            && supports_text(&v.contract)
            && above.is_none_or(|current| version > *current);
        candidate.then_some(version)
    });
    if let Some(version) = chosen {
        return Ok(version);
    }
    let listed: Vec<String> = summary
        .versions
        .iter()
        .map(|v| format!("{} {} (contract {})", v.version, v.state, v.contract))
        .collect();
    match above {
        Some(current) => anyhow::bail!(
            "no approved version of {} newer than the installed {current} runs on this host \
             ({}); the registry has: {}",
            summary.id,
            supported_text(),
            listed.join(", ")
        ),
        None => anyhow::bail!(
            "no approved version of {} runs on this host ({}); \
             the registry has: {}",
            summary.id,
            supported_text(),
            listed.join(", ")
        ),
    }
}
