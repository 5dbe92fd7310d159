//! Checking a built component before it is packaged: that this host runs its contract
//! version and that it implements the world (by linking it, exactly as an install would),
//! that the manifest's `contract` range accepts it, and that the permissions the manifest
//! asks for match the capabilities the component imports.

use semver::Version;
use wangge_registry::{Manifest, Permission};
use wasmtime::wasmparser::{Parser, Payload};

use crate::runtime::{Runtime, contract, digest_of};

/// What a component that passed looks like.
#[derive(Debug, Clone)]
pub struct Validation {
    /// The contract version of its interfaces.
    pub contract: Version,
    /// The version its `wangge:contract-version` section declares, if it has one.
    pub declared: Option<Version>,
    /// The contract interfaces it imports (`residents`, `storage` …).
    pub imports: Vec<String>,
    /// Mismatches between the manifest's permissions and the imports: not fatal (the
    /// host enforces the grants either way) but a reviewer will ask about each.
    pub warnings: Vec<String>,
}

/// The `wangge:plugin` interfaces the component imports, without package and version.
pub fn imported_interfaces(bytes: &[u8]) -> Vec<String> {
    let mut found = Vec::new();
    for payload in Parser::new(0).parse_all(bytes) {
        let Ok(Payload::ComponentImportSection(reader)) = payload else {
            continue;
        };
        for import in reader.into_iter().flatten() {
            let name = import.name.name;
            if let Some(rest) = name.strip_prefix("wangge:plugin/") {
                let interface = rest.split('@').next().unwrap_or(rest).to_owned();
                if !found.contains(&interface) {
                    found.push(interface);
                }
            }
        }
    }
    found.sort();
    found
}

/// The interface whose calls a permission allows.
fn interface_of(permission: &Permission) -> &'static str {
    let text = permission.to_string();
    match text.split(':').next().unwrap_or_default() {
        "residents" => "residents",
        "houses" => "houses",
        "events" => "events",
        "notify" => "notify",
        "outbound" => "outbound",
        _ => "",
    }
}

/// Interfaces that need a permission: importing one without asking for any of its
/// permissions means every call will be denied.
const GATED: [&str; 5] = ["residents", "houses", "events", "notify", "outbound"];

fn permission_warnings(manifest: &Manifest, imports: &[String]) -> Vec<String> {
    let mut warnings = Vec::new();
    for permission in &manifest.permissions {
        let interface = interface_of(permission);
        if !interface.is_empty() && !imports.iter().any(|i| i == interface) {
            warnings.push(format!(
                "plugin.toml asks for `{permission}` but the component never calls \
                 wangge:plugin/{interface}: remove the permission (reviewers refuse what a \
                 plugin does not use)"
            ));
        }
    }
    for interface in GATED {
        let asked = manifest
            .permissions
            .iter()
            .any(|p| interface_of(p) == interface);
        if imports.iter().any(|i| i == interface) && !asked {
            warnings.push(format!(
                "the component calls wangge:plugin/{interface} but plugin.toml asks for no \
                 `{interface}:…` permission: every such call will be denied"
            ));
        }
    }
    warnings
}

/// Validates `bytes` against the contract and `manifest`.
pub fn validate(
    runtime: &Runtime,
    manifest: &Manifest,
    bytes: &[u8],
) -> anyhow::Result<Validation> {
    let declared = contract::declared_version(bytes)?;
    let (_, _, version) = runtime.prepare_versioned(&digest_of(bytes), bytes)?;
    contract::check_range(&manifest.contract, &version)?;
    let imports = imported_interfaces(bytes);
    let warnings = permission_warnings(manifest, &imports);
    Ok(Validation {
        contract: version,
        declared,
        imports,
        warnings,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn manifest(permissions: &str) -> Manifest {
        Manifest::parse(&format!(
            "id = \"probe\"\nname = \"探针\"\nversion = \"1.0.0\"\ncontract = \"^1.1\"\n\
             publisher = \"p\"\nlevels = [\"street\"]\npermissions = [{permissions}]\n"
        ))
        .expect("a valid manifest")
    }

    #[test]
    fn unused_and_missing_permissions_are_both_reported() {
        let imports = vec!["residents".to_owned(), "storage".to_owned()];
        assert!(permission_warnings(&manifest("\"residents:read\""), &imports).is_empty());
        let unused = permission_warnings(
            &manifest("\"residents:read\", \"notify:residents\""),
            &imports,
        );
        assert_eq!(unused.len(), 1, "{unused:?}");
        assert!(unused[0].contains("`notify:residents`"), "{unused:?}");
        let missing = permission_warnings(&manifest(""), &imports);
        assert_eq!(missing.len(), 1, "{missing:?}");
        assert!(
            missing[0].contains("wangge:plugin/residents"),
            "{missing:?}"
        );
    }
}
