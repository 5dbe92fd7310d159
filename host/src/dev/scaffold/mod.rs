//! `wangge plugin new NAME`: a plugin crate that builds, passes its own tests and packages
//! out of the box. The files come from `template/`, with `{{placeholders}}` filled in.
//!
//! The SDK is not on crates.io, so the new crate depends on a checkout of it by path: the
//! one this `wangge` was built from, or `--sdk DIR`. The checkout's `Cargo.lock` is copied
//! too, so the plugin builds with the dependency versions the SDK was tested with.

use std::path::{Path, PathBuf};

use wangge_registry::PluginId;

/// The files of a new plugin: (path in the new folder, template text).
const FILES: [(&str, &str); 6] = [
    ("Cargo.toml", include_str!("template/Cargo.toml.tmpl")),
    ("plugin.toml", include_str!("template/plugin.toml.tmpl")),
    ("src/lib.rs", include_str!("template/lib.rs.tmpl")),
    ("tests/pages.rs", include_str!("template/pages.rs.tmpl")),
    ("README.md", include_str!("template/README.md.tmpl")),
    (".gitignore", "/target\n*.wgp\n*.key\n"),
];

/// What to create.
#[derive(Debug, Clone)]
pub struct ScaffoldOptions {
    /// The plugin id, also the crate and folder name.
    pub name: String,
    /// The folder to create it in.
    pub parent: PathBuf,
    /// The SDK checkout (`sdk/` of the Wangge repository).
    pub sdk: PathBuf,
    /// The publisher name for `plugin.toml`.
    pub publisher: String,
}

/// The SDK this `wangge` was built with, when that checkout is still there.
pub fn bundled_sdk() -> Option<PathBuf> {
    let sdk = Path::new(env!("CARGO_MANIFEST_DIR")).join("../sdk");
    sdk.join("Cargo.toml").exists().then_some(sdk)
}

/// Creates the plugin folder; refuses, creating nothing, when the name is not a plugin id,
/// the folder exists, or `sdk` is not the SDK.
pub fn create(options: &ScaffoldOptions) -> anyhow::Result<PathBuf> {
    let id = PluginId::new(&options.name).map_err(|e| anyhow::anyhow!("NAME: {e}"))?;
    let sdk = options
        .sdk
        .canonicalize()
        .map_err(|e| anyhow::anyhow!("--sdk {}: {e}", options.sdk.display()))?;
    let sdk_manifest = std::fs::read_to_string(sdk.join("Cargo.toml")).unwrap_or_default();
    anyhow::ensure!(
        sdk_manifest.contains("name = \"wangge-sdk\""),
        "--sdk {}: not the Wangge SDK (no `wangge-sdk` package in its Cargo.toml)",
        sdk.display()
    );
    let harness = sdk.join("harness");
    anyhow::ensure!(
        harness.join("Cargo.toml").exists(),
        "--sdk {}: the test harness {} is missing",
        sdk.display(),
        harness.display()
    );
    let dir = options.parent.join(id.as_str());
    anyhow::ensure!(
        !dir.exists(),
        "{} already exists: choose another name or folder",
        dir.display()
    );
    let fill = |text: &str| {
        text.replace("{{id}}", id.as_str())
            .replace("{{crate}}", &id.as_str().replace('-', "_"))
            .replace("{{sdk}}", &toml_path(&sdk))
            .replace("{{harness}}", &toml_path(&harness))
            .replace("{{publisher}}", &options.publisher)
    };
    for (path, template) in FILES {
        let target = dir.join(path);
        if let Some(folder) = target.parent() {
            std::fs::create_dir_all(folder)
                .map_err(|e| anyhow::anyhow!("cannot create {}: {e}", folder.display()))?;
        }
        std::fs::write(&target, fill(template))
            .map_err(|e| anyhow::anyhow!("cannot write {}: {e}", target.display()))?;
    }
    if let Some(lock) = sdk.parent().map(|root| root.join("Cargo.lock"))
        && lock.exists()
    {
        std::fs::copy(&lock, dir.join("Cargo.lock"))
            .map_err(|e| anyhow::anyhow!("cannot copy {}: {e}", lock.display()))?;
    }
    Ok(dir)
}

/// A path as a TOML basic string's content: backslashes (Windows) doubled.
fn toml_path(path: &Path) -> String {
    path.display().to_string().replace('\\', "\\\\")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bad_names_and_existing_folders_are_refused_before_anything_is_written() {
        let parent = tempfile::tempdir().expect("a temporary folder");
        let Some(sdk) = bundled_sdk() else {
            panic!("the SDK checkout should be beside the host");
        };
        let options = |name: &str| ScaffoldOptions {
            name: name.to_owned(),
            parent: parent.path().to_path_buf(),
            sdk: sdk.clone(),
            publisher: "local".into(),
        };
        let error = create(&options("Bad Name")).expect_err("not a plugin id");
        assert!(error.to_string().starts_with("NAME:"), "{error}");
        assert_eq!(std::fs::read_dir(parent.path()).expect("list").count(), 0);

        let dir = create(&options("meal-booking")).expect("a new plugin");
        let cargo = std::fs::read_to_string(dir.join("Cargo.toml")).expect("Cargo.toml");
        assert!(cargo.contains("name = \"meal-booking\""), "{cargo}");
        assert!(
            !cargo.contains("{{"),
            "every placeholder is filled: {cargo}"
        );
        let manifest = std::fs::read_to_string(dir.join("plugin.toml")).expect("plugin.toml");
        wangge_registry::Manifest::parse(&manifest).expect("the manifest is valid");

        let again = create(&options("meal-booking")).expect_err("the folder exists");
        assert!(again.to_string().contains("already exists"), "{again}");

        let wrong_sdk = ScaffoldOptions {
            sdk: parent.path().to_path_buf(),
            ..options("other")
        };
        let error = create(&wrong_sdk).expect_err("not the SDK");
        assert!(error.to_string().contains("not the Wangge SDK"), "{error}");
    }
}
