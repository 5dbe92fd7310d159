//! Packs a plugin's files into a `.wgp` archive. The bytes depend only on the files'
//! names and contents — entries sorted, every header field fixed — so the same inputs give
//! the same digest on any machine, and a reviewer can rebuild a package to check it.

use std::fs::File;
use std::io::Read;
use std::path::Path;

use super::error::{BuildError, PackageError};
use super::layout::{
    ASSETS_DIR, COMPONENT_ENTRY, MANIFEST_ENTRY, MAX_ASSET_BYTES, MAX_ASSETS,
    MAX_ASSETS_TOTAL_BYTES, MAX_COMPONENT_BYTES, MAX_MANIFEST_BYTES, MAX_README_BYTES,
    README_ENTRY,
};

/// Owner-readable, group- and world-readable: the mode means nothing to the host, which
/// never unpacks to disk, but a fixed value keeps the bytes reproducible.
const ENTRY_MODE: u32 = 0o644;
/// The Unix epoch, so a package does not depend on when its files were touched.
const ENTRY_MTIME: u64 = 0;

pub(super) fn build(
    manifest_path: &Path,
    component_path: &Path,
    readme_path: &Path,
    assets_dir: Option<&Path>,
) -> Result<Vec<u8>, BuildError> {
    let mut files = vec![
        (
            MANIFEST_ENTRY.to_owned(),
            read_capped(manifest_path, MANIFEST_ENTRY, MAX_MANIFEST_BYTES)?,
        ),
        (
            COMPONENT_ENTRY.to_owned(),
            read_capped(component_path, COMPONENT_ENTRY, MAX_COMPONENT_BYTES)?,
        ),
        (
            README_ENTRY.to_owned(),
            read_capped(readme_path, README_ENTRY, MAX_README_BYTES)?,
        ),
    ];
    if let Some(assets_dir) = assets_dir {
        let mut assets = AssetWalk::default();
        assets.visit(assets_dir, ASSETS_DIR)?;
        files.extend(assets.files);
    }
    files.sort_by(|a, b| a.0.cmp(&b.0));

    let mut builder = tar::Builder::new(Vec::new());
    for (name, data) in &files {
        let mut header = tar::Header::new_ustar();
        header.set_entry_type(tar::EntryType::Regular);
        header.set_size(data.len() as u64);
        header.set_mode(ENTRY_MODE);
        header.set_uid(0);
        header.set_gid(0);
        header.set_mtime(ENTRY_MTIME);
        builder
            .append_data(&mut header, name, data.as_slice())
            .map_err(|source| BuildError::Pack {
                entry: name.clone(),
                source,
            })?;
    }
    let bytes = builder.into_inner().map_err(|source| BuildError::Pack {
        entry: "the end of the archive".to_owned(),
        source,
    })?;
    // The same rules the registry and the installer apply: a package that builds opens.
    super::open::open_checked(&bytes)?;
    Ok(bytes)
}

/// Reads one input file, refusing it past `limit` without reading further.
fn read_capped(path: &Path, entry: &str, limit: u64) -> Result<Vec<u8>, BuildError> {
    let read_error = |source| BuildError::Read {
        path: path.to_owned(),
        source,
    };
    let file = File::open(path).map_err(read_error)?;
    if !file.metadata().map_err(read_error)?.is_file() {
        return Err(BuildError::NotAFile {
            path: path.to_owned(),
        });
    }
    let mut data = Vec::new();
    file.take(limit + 1)
        .read_to_end(&mut data)
        .map_err(read_error)?;
    if data.len() as u64 > limit {
        return Err(PackageError::EntryTooLarge {
            entry: entry.to_owned(),
            limit,
        }
        .into());
    }
    Ok(data)
}

/// The files under the assets folder, with their entry names, within the asset limits.
#[derive(Default)]
struct AssetWalk {
    files: Vec<(String, Vec<u8>)>,
    total: u64,
}

impl AssetWalk {
    fn visit(&mut self, dir: &Path, prefix: &str) -> Result<(), BuildError> {
        let read_error = |source| BuildError::Read {
            path: dir.to_owned(),
            source,
        };
        for child in std::fs::read_dir(dir).map_err(read_error)? {
            let path = child.map_err(read_error)?.path();
            let Some(file_name) = path.file_name().and_then(|name| name.to_str()) else {
                return Err(BuildError::NonUtf8Path { path });
            };
            let entry = format!("{prefix}/{file_name}");
            // Links are not followed: an assets folder linking to a home directory must not
            // pack it.
            let metadata = std::fs::symlink_metadata(&path).map_err(|source| BuildError::Read {
                path: path.clone(),
                source,
            })?;
            if metadata.is_dir() {
                self.visit(&path, &entry)?;
            } else if metadata.is_file() {
                self.add(&path, entry)?;
            } else {
                return Err(BuildError::NotAFile { path });
            }
        }
        Ok(())
    }

    fn add(&mut self, path: &Path, entry: String) -> Result<(), BuildError> {
        if self.files.len() >= MAX_ASSETS {
            return Err(PackageError::TooManyAssets {
                entry,
                limit: MAX_ASSETS,
            }
            .into());
        }
        let data = read_capped(path, &entry, MAX_ASSET_BYTES)?;
        self.total += data.len() as u64;
        if self.total > MAX_ASSETS_TOTAL_BYTES {
            return Err(PackageError::AssetsTooLarge {
                entry,
                limit: MAX_ASSETS_TOTAL_BYTES,
            }
            .into());
        }
        self.files.push((entry, data));
        Ok(())
    }
}
