//! Permission consent: what each requested permission lets the plugin do, in Chinese and
//! English, and which of them the administrator granted. Nothing is granted implicitly:
//! each permission needs `--grant NAME`, or `--grant-all-requested` after reading the list.

use std::collections::BTreeSet;

use wangge_registry::Permission;

/// What `permission` lets a plugin do, in English.
pub fn description_en(permission: &Permission) -> String {
    match permission {
        Permission::ResidentsRead => "read residents in scope (sensitive fields masked)".into(),
        Permission::ResidentsReadSensitive => {
            "read residents' ID numbers and phones unmasked (every read audited)".into()
        }
        Permission::ResidentsTag => "add and remove tags on residents".into(),
        Permission::HousesRead => "read houses and households in scope".into(),
        Permission::EventsReport => "report events of the plugin's own categories".into(),
        Permission::EventsRead => "read events in scope".into(),
        Permission::EventsHandle => "take workflow actions on events in scope".into(),
        Permission::NotifyResidents => "send messages to residents".into(),
        Permission::NotifyWorkers => "send messages to grid workers".into(),
        Permission::Outbound(host) => format!("make HTTP requests to {host}"),
    }
}

/// One line for a consent screen: `name — 中文 / English`.
pub fn describe(permission: &Permission) -> String {
    format!(
        "{permission} — {} / {}",
        permission.description_zh(),
        description_en(permission)
    )
}

/// The administrator's answer: each `--grant`, or all that was asked.
#[derive(Debug, Clone, Default)]
pub struct Grants {
    /// Permissions granted by name.
    pub named: Vec<String>,
    /// `--grant-all-requested`.
    pub all_requested: bool,
}

impl Grants {
    fn parsed(&self) -> anyhow::Result<BTreeSet<Permission>> {
        self.named
            .iter()
            .map(|name| {
                name.parse::<Permission>()
                    .map_err(|e| anyhow::anyhow!("--grant: {e}"))
            })
            .collect()
    }
}

/// How a new version's requests differ from what the installation holds.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PermissionDiff {
    /// Requested now, not granted before: must be granted again.
    pub added: Vec<Permission>,
    /// Granted before, no longer requested: dropped.
    pub removed: Vec<Permission>,
    /// Granted before and requested still: carried over.
    pub kept: Vec<Permission>,
}

/// The difference between `held` (names) and `requested`.
pub fn diff(held: &[String], requested: &[Permission]) -> PermissionDiff {
    let held: BTreeSet<Permission> = held.iter().filter_map(|n| n.parse().ok()).collect();
    let requested: BTreeSet<Permission> = requested.iter().cloned().collect();
    PermissionDiff {
        added: requested.difference(&held).cloned().collect(),
        removed: held.difference(&requested).cloned().collect(),
        kept: requested.intersection(&held).cloned().collect(),
    }
}

/// Checks that every permission in `needed` was granted and that nothing beyond
/// `requested` was; returns the granted ones of `needed`, by name. A missing grant refuses,
/// naming the permission.
pub fn check(
    plugin: &str,
    requested: &[Permission],
    needed: &[Permission],
    grants: &Grants,
) -> anyhow::Result<Vec<String>> {
    let named = grants.parsed()?;
    if let Some(extra) = named.iter().find(|p| !requested.contains(p)) {
        anyhow::bail!("--grant {extra}: {plugin} does not ask for this permission");
    }
    let missing: Vec<String> = needed
        .iter()
        .filter(|p| !grants.all_requested && !named.contains(*p))
        .map(ToString::to_string)
        .collect();
    if !missing.is_empty() {
        anyhow::bail!(
            "permission not granted: {} — {plugin} asks for it; grant it with `--grant {}` \
             (or `--grant-all-requested`) after reading what it allows",
            missing.join(", "),
            missing.join(" --grant ")
        );
    }
    Ok(needed.iter().map(ToString::to_string).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(name: &str) -> Permission {
        name.parse().expect("permission")
    }

    #[test]
    fn lifecycle_consent_refuses_a_missing_grant_naming_it() {
        let requested = [p("events:read"), p("houses:read")];
        let grants = Grants {
            named: vec!["events:read".into()],
            all_requested: false,
        };
        let error = check("probe", &requested, &requested, &grants)
            .expect_err("refused")
            .to_string();
        assert!(error.contains("houses:read"), "{error}");
        let all = Grants {
            named: Vec::new(),
            all_requested: true,
        };
        assert_eq!(
            check("probe", &requested, &requested, &all).expect("granted"),
            ["events:read", "houses:read"]
        );
        let extra = Grants {
            named: vec!["notify:workers".into()],
            all_requested: true,
        };
        assert!(check("probe", &requested, &requested, &extra).is_err());
    }

    #[test]
    fn lifecycle_diff_splits_added_removed_and_kept() {
        let diff = diff(
            &["events:read".into(), "notify:workers".into()],
            &[p("events:read"), p("houses:read")],
        );
        assert_eq!(diff.added, [p("houses:read")]);
        assert_eq!(diff.removed, [p("notify:workers")]);
        assert_eq!(diff.kept, [p("events:read")]);
        assert!(describe(&p("houses:read")).contains("房屋"));
    }
}
