//! Strict unpacking of a `.wgp` archive into memory. Nothing touches the disk, every read
//! is capped whatever the tar header claims, and the first rule broken refuses the whole
//! package.

use std::collections::{BTreeMap, BTreeSet};
use std::io::{Cursor, Read};

use super::OpenedPackage;
use super::component_header::check_component_header;
use super::digest::digest;
use super::entry_name::{self, EntryRole};
use super::error::PackageError;
use super::layout::{
    COMPONENT_ENTRY, MANIFEST_ENTRY, MAX_ASSET_BYTES, MAX_ASSETS, MAX_ASSETS_TOTAL_BYTES,
    MAX_COMPONENT_BYTES, MAX_MANIFEST_BYTES, MAX_PACKAGE_BYTES, MAX_README_BYTES, README_ENTRY,
};
use crate::Manifest;

/// The entries as read, before the manifest, component and README are checked.
#[derive(Default)]
struct RawEntries {
    manifest: Option<Vec<u8>>,
    component: Option<Vec<u8>>,
    readme: Option<Vec<u8>>,
    assets: BTreeMap<String, Vec<u8>>,
    assets_total: u64,
}

pub(super) fn open_checked(bytes: &[u8]) -> Result<OpenedPackage, PackageError> {
    let size = bytes.len() as u64;
    if size > MAX_PACKAGE_BYTES {
        return Err(PackageError::PackageTooLarge {
            size,
            limit: MAX_PACKAGE_BYTES,
        });
    }
    let mut archive = tar::Archive::new(Cursor::new(bytes));
    let raw = read_entries(&mut archive)?;
    let end = archive.into_inner().position();
    let after_end = usize::try_from(end)
        .ok()
        .and_then(|end| bytes.get(end..))
        .unwrap_or_default();
    if after_end.iter().any(|&b| b != 0) {
        return Err(PackageError::TrailingData);
    }
    check_contents(raw, bytes)
}

fn read_entries(archive: &mut tar::Archive<Cursor<&[u8]>>) -> Result<RawEntries, PackageError> {
    let mut raw = RawEntries::default();
    // Case-insensitive, so two names that one file system would merge are refused.
    let mut seen = BTreeSet::new();
    for entry in archive.entries().map_err(not_tar)? {
        let mut entry = entry.map_err(not_tar)?;
        let name = entry_name::decode(&entry.path_bytes())?;
        let entry_type = entry.header().entry_type();
        match entry_type {
            tar::EntryType::Regular => {}
            tar::EntryType::Directory => {
                let directory = entry_name::check_directory(&name)?;
                // Tar readers skip a directory's data, so bytes there would be hidden from
                // every tool a reviewer uses.
                if entry.size() != 0 {
                    return Err(PackageError::BadName {
                        entry: name,
                        problem: "a directory entry carries data".to_owned(),
                    });
                }
                remember(&mut seen, &directory)?;
                continue;
            }
            tar::EntryType::Symlink | tar::EntryType::Link => {
                return Err(PackageError::Link {
                    entry: name,
                    kind: if entry_type == tar::EntryType::Symlink {
                        "symbolic"
                    } else {
                        "hard"
                    },
                    target: entry
                        .link_name_bytes()
                        .map(|target| String::from_utf8_lossy(&target).into_owned())
                        .unwrap_or_default(),
                });
            }
            other => {
                return Err(PackageError::SpecialEntry {
                    entry: name,
                    kind: special_kind(other),
                });
            }
        }
        let role = entry_name::classify_file(&name)?;
        remember(&mut seen, &name)?;
        // `size()` is the size after any pax `size` record, which is what the reader
        // yields; the reads below are capped regardless.
        let declared = entry.size();
        match role {
            EntryRole::Manifest => {
                raw.manifest = Some(read_capped(
                    &mut entry,
                    &name,
                    declared,
                    MAX_MANIFEST_BYTES,
                )?);
            }
            EntryRole::Component => {
                raw.component = Some(read_capped(
                    &mut entry,
                    &name,
                    declared,
                    MAX_COMPONENT_BYTES,
                )?);
            }
            EntryRole::Readme => {
                raw.readme = Some(read_capped(&mut entry, &name, declared, MAX_README_BYTES)?);
            }
            EntryRole::Asset(path) => {
                if raw.assets.len() >= MAX_ASSETS {
                    return Err(PackageError::TooManyAssets {
                        entry: name,
                        limit: MAX_ASSETS,
                    });
                }
                let remaining = MAX_ASSETS_TOTAL_BYTES - raw.assets_total;
                if declared > MAX_ASSET_BYTES {
                    return Err(PackageError::EntryTooLarge {
                        entry: name,
                        limit: MAX_ASSET_BYTES,
                    });
                }
                if declared > remaining {
                    return Err(PackageError::AssetsTooLarge {
                        entry: name,
                        limit: MAX_ASSETS_TOTAL_BYTES,
                    });
                }
                let data = read_capped(&mut entry, &name, declared, MAX_ASSET_BYTES)?;
                raw.assets_total += data.len() as u64;
                raw.assets.insert(path, data);
            }
        }
    }
    Ok(raw)
}

/// Reads an entry's data, never more than `limit` bytes whatever its header says, and
/// refuses data that is larger than the limit or shorter than announced.
fn read_capped(
    entry: &mut impl Read,
    name: &str,
    declared: u64,
    limit: u64,
) -> Result<Vec<u8>, PackageError> {
    let too_large = || PackageError::EntryTooLarge {
        entry: name.to_owned(),
        limit,
    };
    if declared > limit {
        return Err(too_large());
    }
    let mut data = Vec::new();
    entry
        .take(limit + 1)
        .read_to_end(&mut data)
        .map_err(not_tar)?;
    let actual = data.len() as u64;
    if actual > limit {
        return Err(too_large());
    }
    if actual != declared {
        return Err(PackageError::Truncated {
            entry: name.to_owned(),
            declared,
            actual,
        });
    }
    Ok(data)
}

fn remember(seen: &mut BTreeSet<String>, name: &str) -> Result<(), PackageError> {
    if seen.insert(name.to_ascii_lowercase()) {
        Ok(())
    } else {
        Err(PackageError::DuplicateEntry {
            entry: name.to_owned(),
        })
    }
}

/// Checks the required entries' contents once the whole archive has been read.
fn check_contents(raw: RawEntries, bytes: &[u8]) -> Result<OpenedPackage, PackageError> {
    let manifest_bytes = raw.manifest.ok_or(PackageError::MissingEntry {
        entry: MANIFEST_ENTRY,
    })?;
    let component = raw.component.ok_or(PackageError::MissingEntry {
        entry: COMPONENT_ENTRY,
    })?;
    let readme_bytes = raw.readme.ok_or(PackageError::MissingEntry {
        entry: README_ENTRY,
    })?;

    let manifest_text = String::from_utf8(manifest_bytes).map_err(|_| PackageError::NotUtf8 {
        entry: MANIFEST_ENTRY,
    })?;
    let manifest = Manifest::parse(&manifest_text)?;
    check_component_header(&component)?;
    let readme = String::from_utf8(readme_bytes).map_err(|_| PackageError::NotUtf8 {
        entry: README_ENTRY,
    })?;
    if readme.trim().is_empty() {
        return Err(PackageError::EmptyReadme);
    }
    Ok(OpenedPackage {
        digest: digest(bytes),
        manifest,
        manifest_text,
        component,
        readme,
        assets: raw.assets,
    })
}

fn special_kind(entry_type: tar::EntryType) -> String {
    match entry_type {
        tar::EntryType::Char => "character device".into(),
        tar::EntryType::Block => "block device".into(),
        tar::EntryType::Fifo => "FIFO".into(),
        tar::EntryType::Continuous => "contiguous file".into(),
        tar::EntryType::GNUSparse => "sparse file".into(),
        tar::EntryType::XGlobalHeader => "pax global header".into(),
        other => format!("tar entry of type `{}`", other.as_byte().escape_ascii()),
    }
}

fn not_tar(error: std::io::Error) -> PackageError {
    PackageError::NotTar {
        problem: error.to_string(),
    }
}
