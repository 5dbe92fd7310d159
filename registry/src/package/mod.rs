//! The plugin package (`.wgp`): one file holding a plugin's manifest, component, README and
//! static assets, identified by its sha256 digest. [`Package::build`] packs one
//! reproducibly; [`Package::open`] unpacks one strictly, in memory.
//!
//! The format is a plain, uncompressed tar archive (see `registry/README.md`). Not gzip:
//! a compressor's output can change between versions, which would break "same inputs, same
//! digest"; decompression would add a bomb to guard against; and HTTP already compresses
//! downloads. Components are small enough that the space lost does not matter.

mod build;
mod component_header;
mod digest;
mod entry_name;
mod error;
pub mod layout;
mod open;

use std::collections::BTreeMap;
use std::path::Path;

pub use component_header::COMPONENT_HEADER;
pub use digest::{DigestParseError, PackageDigest, digest};
pub use error::{BuildError, PackageError};
pub use layout::asset_media_type;

use crate::Manifest;

/// Builds and opens `.wgp` packages.
#[derive(Debug)]
pub struct Package;

/// The contents of a package that passed every check.
#[derive(Debug, Clone)]
pub struct OpenedPackage {
    /// The digest of the package's bytes.
    pub digest: PackageDigest,
    /// The parsed, validated manifest.
    pub manifest: Manifest,
    /// The manifest as written, for display and storage.
    pub manifest_text: String,
    /// The component, whose header says it is a component of the version this host reads.
    pub component: Vec<u8>,
    /// The README (Markdown).
    pub readme: String,
    /// The assets by their path inside `assets/` (`css/site.css`), in path order.
    pub assets: BTreeMap<String, Vec<u8>>,
}

impl Package {
    /// Packs the files into a `.wgp` archive, checked with the same rules as
    /// [`Package::open`]. The bytes depend only on the files' names and contents.
    /// Links inside `assets_dir` are refused, not followed.
    pub fn build(
        manifest_path: &Path,
        component_path: &Path,
        readme_path: &Path,
        assets_dir: Option<&Path>,
    ) -> Result<Vec<u8>, BuildError> {
        build::build(manifest_path, component_path, readme_path, assets_dir)
    }

    /// Unpacks and checks a package: only known entries, no links or special files, no
    /// path leaving the package, every size within its limit, a valid manifest, a
    /// component header and a README.
    pub fn open(bytes: &[u8]) -> Result<OpenedPackage, PackageError> {
        open::open_checked(bytes)
    }
}
