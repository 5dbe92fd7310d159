//! Publishing test plugins to a workspace's embedded registry: a publisher key, a package
//! of a built component with its manifest edited per version, publish and review — the
//! steps an end-to-end test needs before it installs from the registry — and the
//! install and upgrade from the registry themselves.

use std::path::{Path, PathBuf};

use crate::{Workspace, component, manifest};

/// A publisher registered with the workspace's registry, and a folder for its files.
pub struct Publisher<'a> {
    workspace: &'a Workspace,
    files: tempfile::TempDir,
    key: PathBuf,
    public_key: String,
}

fn text(path: &Path) -> &str {
    path.to_str().expect("utf-8 path")
}

impl<'a> Publisher<'a> {
    /// Generates a key and registers it as publisher `name` (the manifests' `publisher`).
    pub fn register(workspace: &'a Workspace, name: &str) -> Self {
        let files = tempfile::tempdir().expect("tempdir");
        let key = files.path().join(format!("{name}.key"));
        let public_key = workspace.run(&["registry", "keygen", text(&key)]);
        workspace.run(&["registry", "publisher", "add", name, public_key.trim()]);
        Self {
            workspace,
            files,
            key,
            public_key: public_key.trim().to_owned(),
        }
    }

    /// The publisher's public key (`ed25519:…`), for another host to pin.
    pub fn public_key(&self) -> &str {
        &self.public_key
    }

    /// Packs the component of `package` with its manifest at `version`, edited by `edit`,
    /// and publishes it (state `submitted`); returns the package's path.
    pub fn publish(
        &self,
        package: &str,
        version: &str,
        edit: &dyn Fn(String) -> String,
    ) -> PathBuf {
        let original = std::fs::read_to_string(manifest(package)).expect("manifest");
        let versioned = original
            .lines()
            .map(|line| {
                if line.starts_with("version = ") {
                    format!("version = \"{version}\"")
                } else {
                    line.to_owned()
                }
            })
            .collect::<Vec<_>>()
            .join("\n");
        let stem = format!("{package}-{version}");
        let manifest_path = self.files.path().join(format!("{stem}.toml"));
        std::fs::write(&manifest_path, edit(versioned + "\n")).expect("manifest");
        let readme = self.files.path().join(format!("{stem}.md"));
        std::fs::write(&readme, format!("# {package} {version}\n")).expect("readme");
        self.package_and_publish(&stem, &manifest_path, &component(package), &readme)
    }

    /// Packs and publishes a given component with a given manifest (an earlier release of
    /// a bundled plugin, from [`crate::previous_release`]), then approves it.
    pub fn publish_release_approved(&self, component: &Path, manifest: &Path) -> PathBuf {
        let manifest_text = std::fs::read_to_string(manifest).expect("manifest");
        let field = |name: &str| {
            manifest_text
                .lines()
                .find_map(|line| line.strip_prefix(&format!("{name} = \"")))
                .and_then(|rest| rest.strip_suffix('"'))
                .unwrap_or_else(|| panic!("no {name} in {}", manifest.display()))
                .to_owned()
        };
        let (id, version) = (field("id"), field("version"));
        let stem = format!("{id}-{version}");
        let readme = self.files.path().join(format!("{stem}.md"));
        std::fs::write(&readme, format!("# {id} {version}\n")).expect("readme");
        let output = self.package_and_publish(&stem, manifest, component, &readme);
        self.workspace
            .run(&["registry", "review", &id, &version, "approve"]);
        output
    }

    /// `wangge plugin package` of `component` with `manifest` and `readme` into
    /// `STEM.wgp` in the publisher's folder, then `wangge registry publish` of it signed
    /// with the publisher's key (state `submitted`); returns the package's path.
    fn package_and_publish(
        &self,
        stem: &str,
        manifest: &Path,
        component: &Path,
        readme: &Path,
    ) -> PathBuf {
        let output = self.files.path().join(format!("{stem}.wgp"));
        self.workspace.run(&[
            "plugin",
            "package",
            "--manifest",
            text(manifest),
            "--component",
            text(component),
            "--readme",
            text(readme),
            "-o",
            text(&output),
        ]);
        self.workspace.run(&[
            "registry",
            "publish",
            text(&output),
            "--key",
            text(&self.key),
        ]);
        output
    }

    /// Publishes the earlier release `version` of bundled plugin `package` (from
    /// [`crate::previous_release`]) approved, then installs it from the registry at `unit`
    /// with every permission it requests granted; `extra` adds `plugin install` flags
    /// (`--config …`). Returns the install's output.
    pub fn install_release(
        &self,
        package: &str,
        version: &str,
        unit: &str,
        extra: &[&str],
    ) -> String {
        let (component, manifest) = crate::previous_release(package, version);
        self.publish_release_approved(&component, &manifest);
        install(self.workspace, package, unit, extra)
    }

    /// Publishes the current build of `package` as `version`, approved and otherwise
    /// unchanged, then upgrades its installation at `unit` with [`upgrade`]; returns the
    /// upgrade's output.
    pub fn publish_and_upgrade(&self, package: &str, version: &str, unit: &str) -> String {
        self.publish_approved(package, version, &same);
        upgrade(self.workspace, package, unit)
    }

    /// Publishes and approves.
    pub fn publish_approved(
        &self,
        package: &str,
        version: &str,
        edit: &dyn Fn(String) -> String,
    ) -> PathBuf {
        let path = self.publish(package, version, edit);
        self.workspace
            .run(&["registry", "review", package, version, "approve"]);
        path
    }
}

/// `wangge plugin install PACKAGE --unit UNIT --grant-all-requested EXTRA…` from the
/// workspace's registry (the newest approved version); returns its output.
pub fn install(workspace: &Workspace, package: &str, unit: &str, extra: &[&str]) -> String {
    let mut args = vec![
        "plugin",
        "install",
        package,
        "--unit",
        unit,
        "--grant-all-requested",
    ];
    args.extend(extra);
    workspace.run(&args)
}

/// `wangge plugin upgrade PACKAGE --unit UNIT --grant-all-requested`: the installation at
/// `unit` to the newest approved version, every permission it requests granted; returns
/// the output.
pub fn upgrade(workspace: &Workspace, package: &str, unit: &str) -> String {
    workspace.run(&[
        "plugin",
        "upgrade",
        package,
        "--unit",
        unit,
        "--grant-all-requested",
    ])
}

/// A manifest unchanged: the version-bump edit of a publish that asks for nothing new.
pub fn same(manifest: String) -> String {
    manifest
}

/// The `upgrade-probe` manifest asking for `houses:read` on top of `events:read`: the
/// permission an upgrade must have granted again.
pub fn with_houses(manifest: String) -> String {
    manifest.replace(
        "permissions = [\"events:read\"]",
        "permissions = [\"events:read\", \"houses:read\"]",
    )
}
