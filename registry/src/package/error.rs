//! Why a package was refused or could not be built: one variant per rule, each naming the
//! entry and what to change.

use std::path::PathBuf;

use super::layout::size_text;
use crate::ManifestError;

/// Why a package was refused. Nothing is installed or stored from a refused package.
#[derive(Debug, thiserror::Error)]
pub enum PackageError {
    /// The archive is larger than [`super::layout::MAX_PACKAGE_BYTES`].
    #[error("the package is {size} bytes; a package may be at most {}", size_text(*limit))]
    PackageTooLarge {
        /// The archive's size.
        size: u64,
        /// The limit.
        limit: u64,
    },
    /// The bytes are not a readable tar archive (bad header checksum, truncated header …).
    #[error("the package is not a valid tar archive: {problem}")]
    NotTar {
        /// What the tar reader reported.
        problem: String,
    },
    /// Bytes other than zero padding after the archive's end marker, where a reviewer's
    /// tools would not see them.
    #[error(
        "the package has data after the end of its tar archive: rebuild it with `Package::build`"
    )]
    TrailingData,
    /// An entry's name is not UTF-8.
    #[error("entry `{entry}` has a name that is not UTF-8: name every entry in UTF-8")]
    NonUtf8Name {
        /// The name, with invalid bytes replaced.
        entry: String,
    },
    /// An entry's path starts at the root.
    #[error("entry `{entry}` has an absolute path: entries are relative to the package root")]
    AbsolutePath {
        /// The entry.
        entry: String,
    },
    /// An entry's path climbs out of the package.
    #[error("entry `{entry}` has a `..` component: entries may not point outside the package")]
    ParentComponent {
        /// The entry.
        entry: String,
    },
    /// An entry's path is not in the one spelling a package allows.
    #[error("entry `{entry}`: {problem}")]
    BadName {
        /// The entry.
        entry: String,
        /// What is wrong with it.
        problem: String,
    },
    /// A symbolic or hard link.
    #[error("entry `{entry}` is a {kind} link to `{target}`: a package holds regular files only")]
    Link {
        /// The entry.
        entry: String,
        /// `symbolic` or `hard`.
        kind: &'static str,
        /// Where it points.
        target: String,
    },
    /// A device, FIFO, sparse file or other special entry.
    #[error("entry `{entry}` is a {kind}: a package holds regular files only")]
    SpecialEntry {
        /// The entry.
        entry: String,
        /// What kind of entry it is.
        kind: String,
    },
    /// A directory entry anywhere but under `assets/`.
    #[error("entry `{entry}` is a directory outside assets/: only assets/ may have subdirectories")]
    DirectoryOutsideAssets {
        /// The entry.
        entry: String,
    },
    /// A top-level entry the format does not define.
    #[error(
        "unknown entry `{entry}`: a package holds plugin.toml, component.wasm, README.md \
         and files under assets/ only"
    )]
    UnknownEntry {
        /// The entry.
        entry: String,
    },
    /// The same path (compared case-insensitively) twice.
    #[error(
        "entry `{entry}` appears twice (names are compared ignoring case): \
         each path may appear once"
    )]
    DuplicateEntry {
        /// The second occurrence.
        entry: String,
    },
    /// An asset whose extension is not on the allow-list.
    #[error(
        "asset `{entry}` is not an allowed type: assets may be {allowed}; scripts, SVG and \
         HTML are refused because plugin pages run no script"
    )]
    AssetTypeNotAllowed {
        /// The entry.
        entry: String,
        /// The allowed extensions.
        allowed: String,
    },
    /// An entry larger than its limit.
    #[error("entry `{entry}` is larger than its limit of {}", size_text(*limit))]
    EntryTooLarge {
        /// The entry.
        entry: String,
        /// The limit.
        limit: u64,
    },
    /// All assets together are too large.
    #[error("the assets together are larger than {} (at `{entry}`)", size_text(*limit))]
    AssetsTooLarge {
        /// The asset that went over.
        entry: String,
        /// The limit.
        limit: u64,
    },
    /// Too many assets.
    #[error("the package has more than {limit} assets (at `{entry}`)")]
    TooManyAssets {
        /// The asset that went over.
        entry: String,
        /// The limit.
        limit: usize,
    },
    /// An entry's data ends before the size its header announces.
    #[error(
        "entry `{entry}` is truncated: its header announces {declared} bytes, the archive holds {actual}"
    )]
    Truncated {
        /// The entry.
        entry: String,
        /// The size in the header.
        declared: u64,
        /// The bytes present.
        actual: u64,
    },
    /// A required entry is absent.
    #[error(
        "the package has no `{entry}`: a package holds plugin.toml, component.wasm and README.md"
    )]
    MissingEntry {
        /// The missing entry.
        entry: &'static str,
    },
    /// The manifest or README is not UTF-8 text.
    #[error("`{entry}` is not UTF-8 text")]
    NotUtf8 {
        /// The entry.
        entry: &'static str,
    },
    /// The README has no text.
    #[error("README.md is empty: describe what the plugin does for reviewers and admins")]
    EmptyReadme,
    /// The manifest parses badly or fails validation; carries the field.
    #[error(transparent)]
    InvalidManifest(#[from] ManifestError),
    /// `component.wasm` is not WebAssembly at all.
    #[error("component.wasm is not WebAssembly: it does not start with the `\\0asm` magic")]
    NotWasm,
    /// `component.wasm` is a core module.
    #[error(
        "component.wasm is a core WebAssembly module, not a component: build the plugin for \
         wasm32-wasip2 (or wrap the module with `wasm-tools component new`)"
    )]
    CoreModule,
    /// `component.wasm` is a component of another binary version.
    #[error(
        "component.wasm has binary version {version:#06x}, layer {layer}: this host reads \
         components of version 0x000d, layer 1"
    )]
    UnsupportedWasmVersion {
        /// The version field of the header.
        version: u16,
        /// The layer field of the header (0 core module, 1 component).
        layer: u16,
    },
}

impl PackageError {
    /// The manifest field at fault, when the manifest is what was refused.
    pub fn manifest_field(&self) -> Option<&str> {
        match self {
            PackageError::InvalidManifest(error) => error.field(),
            _ => None,
        }
    }
}

/// Why [`super::Package::build`] could not build a package.
#[derive(Debug, thiserror::Error)]
pub enum BuildError {
    /// An input file could not be read.
    #[error("cannot read {}: {source}", path.display())]
    Read {
        /// The file.
        path: PathBuf,
        /// The reason.
        source: std::io::Error,
    },
    /// An input is a link, a device or something else than a regular file or directory.
    /// Links in the assets folder are not followed, so nothing outside it is packed by
    /// accident.
    #[error("{} is not a regular file (links are not followed): package real files only", path.display())]
    NotAFile {
        /// The path.
        path: PathBuf,
    },
    /// A file name in the assets folder is not UTF-8.
    #[error("{}: asset file names must be UTF-8", path.display())]
    NonUtf8Path {
        /// The path.
        path: PathBuf,
    },
    /// The tar writer refused an entry.
    #[error("cannot pack {entry}: {source}")]
    Pack {
        /// The entry.
        entry: String,
        /// The reason.
        source: std::io::Error,
    },
    /// The inputs make a package that would be refused; the error names the entry.
    #[error(transparent)]
    Invalid(#[from] PackageError),
}
