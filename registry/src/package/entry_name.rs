//! Checks an entry's path and says which part of the package it is. One spelling per
//! entry: no `./`, no `//`, no backslashes, so two names can never mean the same file.

use super::error::PackageError;
use super::layout::{
    ASSETS_DIR, COMPONENT_ENTRY, MANIFEST_ENTRY, MAX_PATH_BYTES, README_ENTRY, allowed_extensions,
    asset_media_type,
};

/// Which part of the package a file entry is.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum EntryRole {
    /// `plugin.toml`.
    Manifest,
    /// `component.wasm`.
    Component,
    /// `README.md`.
    Readme,
    /// A file under `assets/`, with its path inside that folder.
    Asset(String),
}

/// Decodes a raw entry name, refusing one that is not UTF-8.
pub(crate) fn decode(raw: &[u8]) -> Result<String, PackageError> {
    String::from_utf8(raw.to_vec()).map_err(|_| PackageError::NonUtf8Name {
        entry: String::from_utf8_lossy(raw).into_owned(),
    })
}

/// Checks the path of a regular file and says which part of the package it is.
pub(crate) fn classify_file(name: &str) -> Result<EntryRole, PackageError> {
    check_path(name)?;
    match name {
        MANIFEST_ENTRY => return Ok(EntryRole::Manifest),
        COMPONENT_ENTRY => return Ok(EntryRole::Component),
        README_ENTRY => return Ok(EntryRole::Readme),
        _ => {}
    }
    let Some(inside) = name
        .strip_prefix(ASSETS_DIR)
        .and_then(|rest| rest.strip_prefix('/'))
    else {
        return Err(PackageError::UnknownEntry {
            entry: name.to_owned(),
        });
    };
    if asset_media_type(inside).is_none() {
        return Err(PackageError::AssetTypeNotAllowed {
            entry: name.to_owned(),
            allowed: allowed_extensions(),
        });
    }
    Ok(EntryRole::Asset(inside.to_owned()))
}

/// Checks a directory entry: only `assets/` and folders under it. Tar writes directory
/// names with a trailing slash, which is dropped first.
pub(crate) fn check_directory(name: &str) -> Result<String, PackageError> {
    let trimmed = name.strip_suffix('/').unwrap_or(name);
    check_path(trimmed)?;
    let under_assets = trimmed == ASSETS_DIR
        || trimmed
            .strip_prefix(ASSETS_DIR)
            .is_some_and(|rest| rest.starts_with('/'));
    if under_assets {
        Ok(trimmed.to_owned())
    } else {
        Err(PackageError::DirectoryOutsideAssets {
            entry: name.to_owned(),
        })
    }
}

/// The path rules every entry follows, in the order that names the worst problem first.
fn check_path(name: &str) -> Result<(), PackageError> {
    let bad = |problem: &str| PackageError::BadName {
        entry: name.to_owned(),
        problem: problem.to_owned(),
    };
    if name.is_empty() {
        return Err(bad("the name is empty"));
    }
    if name.starts_with('/') {
        return Err(PackageError::AbsolutePath {
            entry: name.to_owned(),
        });
    }
    if name.split(['/', '\\']).any(|component| component == "..") {
        return Err(PackageError::ParentComponent {
            entry: name.to_owned(),
        });
    }
    if name.len() > MAX_PATH_BYTES {
        return Err(bad(&format!(
            "the path is longer than {MAX_PATH_BYTES} bytes"
        )));
    }
    for component in name.split('/') {
        if component.is_empty() {
            return Err(bad(
                "the path has an empty component (`//` or a trailing `/`)",
            ));
        }
        if component == "." {
            return Err(bad("the path has a `.` component: write it without `./`"));
        }
        if component.starts_with('.') {
            return Err(bad(
                "hidden files (names starting with `.`) are not packaged",
            ));
        }
        // Asset paths become URLs and appear in reviews: plain ASCII keeps them unambiguous
        // (no look-alike letters, no backslashes or drive letters, no control characters).
        let plain = component
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b'_'));
        if !plain {
            return Err(bad(
                "path components may use only ASCII letters, digits, `.`, `-` and `_`",
            ));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_entries_and_assets_are_classified() {
        assert_eq!(classify_file("plugin.toml").ok(), Some(EntryRole::Manifest));
        assert_eq!(
            classify_file("component.wasm").ok(),
            Some(EntryRole::Component)
        );
        assert_eq!(classify_file("README.md").ok(), Some(EntryRole::Readme));
        assert_eq!(
            classify_file("assets/css/site.css").ok(),
            Some(EntryRole::Asset("css/site.css".into()))
        );
    }

    #[test]
    fn each_bad_path_gets_its_own_error() {
        type Expected = fn(&PackageError) -> bool;
        let cases: &[(&str, Expected)] = &[
            ("/etc/passwd", |e| {
                matches!(e, PackageError::AbsolutePath { .. })
            }),
            ("../x", |e| {
                matches!(e, PackageError::ParentComponent { .. })
            }),
            ("assets/../../x.png", |e| {
                matches!(e, PackageError::ParentComponent { .. })
            }),
            ("assets\\..\\x.png", |e| {
                matches!(e, PackageError::ParentComponent { .. })
            }),
            ("./plugin.toml", |e| {
                matches!(e, PackageError::BadName { .. })
            }),
            ("assets//a.png", |e| {
                matches!(e, PackageError::BadName { .. })
            }),
            ("assets/.hidden.png", |e| {
                matches!(e, PackageError::BadName { .. })
            }),
            ("assets/图标.png", |e| {
                matches!(e, PackageError::BadName { .. })
            }),
            ("assets/a b.png", |e| {
                matches!(e, PackageError::BadName { .. })
            }),
            ("", |e| matches!(e, PackageError::BadName { .. })),
            ("readme.md", |e| {
                matches!(e, PackageError::UnknownEntry { .. })
            }),
            ("assets", |e| matches!(e, PackageError::UnknownEntry { .. })),
            ("assets/x.svg", |e| {
                matches!(e, PackageError::AssetTypeNotAllowed { .. })
            }),
            ("assets/x.js", |e| {
                matches!(e, PackageError::AssetTypeNotAllowed { .. })
            }),
        ];
        for (name, expected) in cases {
            match classify_file(name) {
                Err(error) => assert!(expected(&error), "{name}: {error}"),
                Ok(role) => panic!("{name} was accepted as {role:?}"),
            }
        }
        let long = format!("assets/{}.png", "a".repeat(MAX_PATH_BYTES));
        assert!(matches!(
            classify_file(&long),
            Err(PackageError::BadName { .. })
        ));
    }

    #[test]
    fn directories_are_allowed_under_assets_only() {
        assert_eq!(check_directory("assets/").ok().as_deref(), Some("assets"));
        assert_eq!(
            check_directory("assets/css/").ok().as_deref(),
            Some("assets/css")
        );
        assert!(matches!(
            check_directory("src/"),
            Err(PackageError::DirectoryOutsideAssets { .. })
        ));
        assert!(matches!(
            check_directory("assetsx/"),
            Err(PackageError::DirectoryOutsideAssets { .. })
        ));
        assert!(matches!(
            check_directory("../"),
            Err(PackageError::ParentComponent { .. })
        ));
    }

    #[test]
    fn a_non_utf8_name_is_refused() {
        assert!(matches!(
            decode(b"assets/\xff.png"),
            Err(PackageError::NonUtf8Name { .. })
        ));
    }
}
