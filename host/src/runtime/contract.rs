//! Which `wangge:plugin` contract versions this host runs, and which one a component was
//! built against: read from the names it imports and exports, never taken on the manifest's
//! word, because the names are what the linker will actually resolve.
//!
//! Install and upgrade code calls [`version_of`] on the compiled component, then
//! [`check_range`] with the manifest's `contract` field; [`supports_range`] tells whether a
//! published version's range is runnable here before anything is downloaded.

mod declared;

pub use declared::{SECTION_NAME, check_declared, declared_version};
use semver::{Version, VersionReq};
use wasmtime::component::Component;

/// Every contract version this host runs, oldest first. Each has a frozen copy under
/// `wit/vX.Y.Z/`; the newest is the one the host's bindings are generated from.
pub const SUPPORTED_CONTRACTS: &[Version] = &[Version::new(1, 0, 0), Version::new(1, 1, 0)];

/// The WIT package every contract interface belongs to.
const PACKAGE_PREFIX: &str = "wangge:plugin/";

/// Why a component's contract version is not one this host runs.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ContractError {
    /// Nothing in the component names the contract.
    #[error(
        "the component does not implement the wangge:plugin/plugin world: it imports and \
         exports no `wangge:plugin` interface (this host supports {supported})",
        supported = supported_list()
    )]
    NotAPlugin,
    /// A contract name without a readable version.
    #[error(
        "the component names `{0}`, which carries no semver version (expected \
         `wangge:plugin/INTERFACE@X.Y.Z`)"
    )]
    Unversioned(String),
    /// Names of more than one contract version.
    #[error(
        "the component mixes contract versions ({}): build it against one wangge:plugin version",
        list(.0)
    )]
    Mixed(Vec<Version>),
    /// A version this host does not run.
    #[error(
        "the component was built against wangge:plugin@{0}, which this host does not support \
         (it supports {supported}): build the plugin against one of those, or upgrade the host",
        supported = supported_list()
    )]
    Unsupported(Version),
    /// The `wangge:contract-version` section is not a short version text.
    #[error(
        "the component's `wangge:contract-version` custom section ({0} bytes) is not a \
         version such as `1.1.0`"
    )]
    BadDeclaration(usize),
    /// The custom section names another version than the component's interfaces.
    #[error(
        "the component declares wangge:plugin@{declared} in its `wangge:contract-version` \
         section but its interfaces are those of @{actual}: rebuild it with one SDK version"
    )]
    DeclaredMismatch {
        /// What the section says.
        declared: Version,
        /// What the names carry.
        actual: Version,
    },
    /// The manifest's range does not accept the component's version.
    #[error(
        "the manifest's field `contract`: `{range}` does not accept the contract this host \
         implements for this component (it is built against wangge:plugin@{version})"
    )]
    RangeMismatch {
        /// The manifest's `contract` range.
        range: VersionReq,
        /// The component's version.
        version: Version,
    },
}

fn list(versions: &[Version]) -> String {
    versions
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join(", ")
}

fn supported_list() -> String {
    format!("wangge:plugin {}", list(SUPPORTED_CONTRACTS))
}

/// The contract version `component` was built against, if this host supports it.
pub fn version_of(component: &Component) -> Result<Version, ContractError> {
    let ty = component.component_type();
    let engine = component.engine();
    let imports = ty.imports(engine).map(|(name, _)| name);
    let exports = ty.exports(engine).map(|(name, _)| name);
    version_from_names(imports.chain(exports))
}

/// The one supported contract version that the `wangge:plugin/…@X.Y.Z` names among `names`
/// carry; other packages' names (WASI …) are ignored.
pub fn version_from_names<'a>(
    names: impl IntoIterator<Item = &'a str>,
) -> Result<Version, ContractError> {
    let mut versions: Vec<Version> = Vec::new();
    for name in names {
        let Some(rest) = name.strip_prefix(PACKAGE_PREFIX) else {
            continue;
        };
        let version = rest
            .split_once('@')
            .and_then(|(_, version)| Version::parse(version).ok())
            .ok_or_else(|| ContractError::Unversioned(name.to_owned()))?;
        if !versions.contains(&version) {
            versions.push(version);
        }
    }
    versions.sort();
    match versions.as_slice() {
        [] => Err(ContractError::NotAPlugin),
        [version] if SUPPORTED_CONTRACTS.contains(version) => Ok(version.clone()),
        [version] => Err(ContractError::Unsupported(version.clone())),
        _ => Err(ContractError::Mixed(versions)),
    }
}

/// Checks that a manifest's `contract` range accepts the component's `version`: a manifest
/// claiming `^1.1` for a component built against 1.0.0 is wrong about what it runs on.
pub fn check_range(range: &VersionReq, version: &Version) -> Result<(), ContractError> {
    if range.matches(version) {
        Ok(())
    } else {
        Err(ContractError::RangeMismatch {
            range: range.clone(),
            version: version.clone(),
        })
    }
}

/// The supported versions as text for messages: `wangge:plugin@1.0.0, @1.1.0`.
pub fn supported_text() -> String {
    let versions: Vec<String> = SUPPORTED_CONTRACTS
        .iter()
        .map(|v| format!("@{v}"))
        .collect();
    format!("wangge:plugin{}", versions.join(", "))
}

/// Whether some supported version satisfies `range`: what install resolution asks of a
/// published version before choosing it.
pub fn supports_range(range: &VersionReq) -> bool {
    SUPPORTED_CONTRACTS
        .iter()
        .any(|version| range.matches(version))
}

#[cfg(test)]
mod tests;
