//! What a `.wgp` package may hold: its entry names, the asset types, and the size limits,
//! each with the reason for its value.

/// The manifest entry, parsed with [`crate::Manifest::parse`].
pub const MANIFEST_ENTRY: &str = "plugin.toml";
/// The WebAssembly component.
pub const COMPONENT_ENTRY: &str = "component.wasm";
/// The README: required because reviewers read it before approving a version, and admins
/// before installing it.
pub const README_ENTRY: &str = "README.md";
/// The folder of static files a plugin's pages link to.
pub const ASSETS_DIR: &str = "assets";

const KIB: u64 = 1 << 10;
const MIB: u64 = 1 << 20;

/// The whole archive. The package is held in memory while it is checked, hashed and
/// stored, so this is the memory one upload may cost. It binds before the sum of the
/// per-entry limits below (48.3 MiB): a package at every limit at once is not a real one.
pub const MAX_PACKAGE_BYTES: u64 = 48 * MIB;
/// The component. Real plugins are 0.1–5 MiB (the bundled ones are about 100 KiB);
/// 32 MiB leaves room for a plugin that embeds data tables while keeping Cranelift's
/// compile time and memory for one install bounded.
pub const MAX_COMPONENT_BYTES: u64 = 32 * MIB;
/// The manifest. A large one declares many pages, categories and config keys and is still
/// a few KiB; anything near 64 KiB is not a manifest a reviewer can read.
pub const MAX_MANIFEST_BYTES: u64 = 64 * KIB;
/// The README: a long README with tables is tens of KiB; images belong in assets.
pub const MAX_README_BYTES: u64 = 256 * KIB;
/// One asset. The host serves an asset as one response, and a plugin response is capped
/// at 2 MiB (`host/src/runtime/limits.rs`), so an asset may not be larger.
pub const MAX_ASSET_BYTES: u64 = 2 * MIB;
/// All assets together: enough for fonts (CJK subsets are 1–2 MiB each), icons and
/// photos, while keeping the registry's storage per version modest.
pub const MAX_ASSETS_TOTAL_BYTES: u64 = 16 * MIB;
/// Number of assets. A plugin's pages link to a handful of files; the cap bounds the work
/// and the map built per package however small each entry is.
pub const MAX_ASSETS: usize = 256;
/// Length of an entry's path in bytes: asset paths become URLs (`/p/{id}/assets/…`) and
/// stay readable in a review.
pub const MAX_PATH_BYTES: usize = 200;

// Checked when compiling: the package limit leaves room for the largest component with its
// manifest and README, and one asset fits in the assets' total.
const _: () =
    assert!(MAX_COMPONENT_BYTES + MAX_MANIFEST_BYTES + MAX_README_BYTES < MAX_PACKAGE_BYTES);
const _: () = assert!(MAX_ASSET_BYTES <= MAX_ASSETS_TOTAL_BYTES);

/// Asset types a package may ship, with the media type the host serves them as.
///
/// Only inert formats: plugin pages run no script (the host frames them under a CSP that
/// allows none), and a file that can carry script — SVG, HTML, JS, XML, PDF — would be one
/// that a browser could run if opened directly from the plugin's asset URL, on the host's
/// origin, with the user's session. Raster images, stylesheets and fonts cannot.
pub const ASSET_TYPES: &[(&str, &str)] = &[
    ("css", "text/css; charset=utf-8"),
    ("png", "image/png"),
    ("jpg", "image/jpeg"),
    ("jpeg", "image/jpeg"),
    ("gif", "image/gif"),
    ("webp", "image/webp"),
    ("ico", "image/x-icon"),
    ("woff", "font/woff"),
    ("woff2", "font/woff2"),
    ("ttf", "font/ttf"),
    ("otf", "font/otf"),
];

/// The media type of an asset path, or `None` when its extension is not allowed.
/// Extensions compare case-insensitively (`logo.PNG` is a PNG).
pub fn asset_media_type(path: &str) -> Option<&'static str> {
    let file_name = path.rsplit('/').next()?;
    let (stem, extension) = file_name.rsplit_once('.')?;
    if stem.is_empty() {
        return None;
    }
    ASSET_TYPES
        .iter()
        .find(|(allowed, _)| allowed.eq_ignore_ascii_case(extension))
        .map(|(_, media_type)| *media_type)
}

/// A limit in the unit it was chosen in (`32 MiB`, `64 KiB`), for error messages.
pub(crate) fn size_text(bytes: u64) -> String {
    if bytes >= MIB && bytes.is_multiple_of(MIB) {
        format!("{} MiB", bytes / MIB)
    } else if bytes >= KIB && bytes.is_multiple_of(KIB) {
        format!("{} KiB", bytes / KIB)
    } else {
        format!("{bytes} bytes")
    }
}

/// The allowed extensions as one line, for error messages.
pub(crate) fn allowed_extensions() -> String {
    ASSET_TYPES
        .iter()
        .map(|(extension, _)| *extension)
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inert_types_are_allowed_and_script_capable_ones_are_not() {
        assert_eq!(
            asset_media_type("css/site.css"),
            Some("text/css; charset=utf-8")
        );
        assert_eq!(asset_media_type("logo.PNG"), Some("image/png"));
        assert_eq!(asset_media_type("fonts/a.woff2"), Some("font/woff2"));
        for refused in [
            "x.svg", "x.js", "x.html", "x.htm", "x.xml", "x.pdf", "x.mjs", "x",
        ] {
            assert_eq!(asset_media_type(refused), None, "{refused}");
        }
    }

    #[test]
    fn limits_read_in_their_unit() {
        assert_eq!(size_text(MAX_COMPONENT_BYTES), "32 MiB");
        assert_eq!(size_text(MAX_MANIFEST_BYTES), "64 KiB");
        assert_eq!(size_text(1000), "1000 bytes");
    }

    #[test]
    fn a_bare_extension_is_not_a_file_name() {
        assert_eq!(asset_media_type(".png"), None);
    }
}
