//! The contract version a component declares in its `wangge:contract-version` custom
//! section, read before anything is compiled.
//!
//! The section is optional: the Rust SDK writes it, a component from another toolchain may
//! not, and the version the host trusts is always the one in the component's import and
//! export names ([`super::version_of`]). What the section buys is an early, clear refusal of
//! an unsupported version without spending a compile on it, and a check that a toolchain
//! did not build against one contract while claiming another.

use semver::Version;
use wasmtime::wasmparser::{Parser, Payload};

use super::ContractError;

/// The name of the custom section.
pub const SECTION_NAME: &str = "wangge:contract-version";

/// The most a declaration may hold: a version text is a few bytes, and anything longer is
/// not one.
const MAX_DECLARATION_BYTES: usize = 64;

/// The version in the component's `wangge:contract-version` section, `None` when it has
/// none. Nested core modules are searched too, since that is where a language's linker
/// puts it. A malformed component is not this function's concern: it yields `None` and the
/// compile that follows reports the real error.
pub fn declared_version(bytes: &[u8]) -> Result<Option<Version>, ContractError> {
    let mut found: Option<Version> = None;
    for payload in Parser::new(0).parse_all(bytes) {
        let Ok(Payload::CustomSection(section)) = payload else {
            if payload.is_err() {
                return Ok(None);
            }
            continue;
        };
        if section.name() != SECTION_NAME {
            continue;
        }
        let text = std::str::from_utf8(section.data())
            .ok()
            .filter(|_| section.data().len() <= MAX_DECLARATION_BYTES)
            .map(|text| text.trim_end_matches('\0').trim())
            .ok_or_else(|| ContractError::BadDeclaration(section.data().len()))?;
        let version = Version::parse(text)
            .map_err(|_| ContractError::Unversioned(format!("{SECTION_NAME} = {text:?}")))?;
        match &found {
            Some(earlier) if *earlier != version => {
                return Err(ContractError::Mixed(vec![earlier.clone(), version]));
            }
            _ => found = Some(version),
        }
    }
    Ok(found)
}

/// Checks a declaration against the version the component's names carry.
pub fn check_declared(declared: &Version, actual: &Version) -> Result<(), ContractError> {
    if declared == actual {
        Ok(())
    } else {
        Err(ContractError::DeclaredMismatch {
            declared: declared.clone(),
            actual: actual.clone(),
        })
    }
}
