//! `wangge plugin new | build | dev | keygen | publish`: a plugin developer's commands.
//! None of them touch the host's data directory; `dev` keeps its own under the plugin's
//! `target/`.

use std::net::SocketAddr;
use std::path::PathBuf;

use clap::Subcommand;
use wangge_registry::Package;

use super::registry::RegistryCommand;
use crate::dev::build::{BuildOptions, build_plugin};
use crate::dev::dev_loop::{self, DevOptions};
use crate::dev::scaffold::{self, ScaffoldOptions};
use crate::dev::validate::validate;
use crate::runtime::Runtime;
use crate::runtime::limits::Limits;

/// A plugin developer's commands.
#[derive(Debug, Subcommand)]
pub enum AuthoringCommand {
    /// Create a new plugin crate that builds and passes its own tests out of the box.
    New {
        /// The plugin id (lower case, digits and `-`): also the folder and crate name.
        name: String,
        /// Where to create the folder.
        #[arg(long, default_value = ".")]
        dir: PathBuf,
        /// The Wangge SDK checkout (`sdk/` of the repository) [default: the one this
        /// `wangge` was built from].
        #[arg(long, env = "WANGGE_SDK")]
        sdk: Option<PathBuf>,
        /// The publisher name for plugin.toml (register it with `registry publisher add`).
        #[arg(long, default_value = "local")]
        publisher: String,
    },
    /// Build the plugin for wasm32-wasip2, check it against the contract and its manifest,
    /// and write the `.wgp` package.
    Build {
        /// The plugin folder.
        #[arg(long, default_value = ".")]
        path: PathBuf,
        /// Where to write the package [default: PATH/target/wangge/ID-VERSION.wgp].
        #[arg(short = 'o', long = "output")]
        output: Option<PathBuf>,
    },
    /// Serve the plugin on a local host with demo data; rebuild and reload it on every
    /// change to its sources, without a restart. The dev host keeps its own database in
    /// PATH/target/wangge-dev (the global --data-dir is not used).
    Dev {
        /// The plugin folder.
        #[arg(long, default_value = ".")]
        path: PathBuf,
        /// Address to listen on.
        #[arg(long, default_value = "127.0.0.1:8080")]
        listen: SocketAddr,
        /// A config value for the installation, KEY=VALUE.
        #[arg(long = "config", value_name = "KEY=VALUE")]
        config: Vec<String>,
    },
    /// Create a publisher key: the secret goes to FILE (mode 0600), the public key is
    /// printed for the registry's `registry publisher add`.
    Keygen {
        /// Where to write the secret key.
        file: PathBuf,
    },
    /// Sign a package and publish it to a registry for review.
    Publish {
        /// The `.wgp` package (`wangge plugin build` writes one).
        package: PathBuf,
        /// The publisher's secret key file (`wangge plugin keygen`).
        #[arg(long)]
        key: PathBuf,
        /// The registry (`http://host:port`: a province's `wangge registry serve`, or any
        /// `wangge serve`).
        #[arg(long, env = "WANGGE_REGISTRY")]
        registry: String,
    },
}

impl AuthoringCommand {
    /// Runs the command with the host's `limits` (for `dev`).
    pub async fn run(self, limits: &Limits) -> anyhow::Result<()> {
        match self {
            Self::New {
                name,
                dir,
                sdk,
                publisher,
            } => {
                let sdk = sdk.or_else(scaffold::bundled_sdk).ok_or_else(|| {
                    anyhow::anyhow!(
                        "where is the Wangge SDK? pass --sdk DIR (the sdk/ folder of a Wangge \
                         checkout; the SDK is not on crates.io)"
                    )
                })?;
                let created = scaffold::create(&ScaffoldOptions {
                    name,
                    parent: dir,
                    sdk,
                    publisher,
                })?;
                println!("created {}", created.display());
                println!(
                    "next: cd {} && cargo test && wangge plugin dev",
                    created.display()
                );
                Ok(())
            }
            Self::Build { path, output } => build(path, output),
            Self::Dev {
                path,
                listen,
                config,
            } => {
                dev_loop::run(
                    DevOptions {
                        dir: path,
                        listen,
                        data_dir: None,
                        config,
                    },
                    limits.clone(),
                )
                .await
            }
            Self::Keygen { file } => RegistryCommand::Keygen { file }.run_without_host().await,
            Self::Publish {
                package,
                key,
                registry,
            } => {
                RegistryCommand::Publish {
                    package,
                    key,
                    registry: Some(registry),
                }
                .run_without_host()
                .await
            }
        }
    }
}

fn build(path: PathBuf, output: Option<PathBuf>) -> anyhow::Result<()> {
    let built = build_plugin(&path, BuildOptions::default())?;
    let bytes = std::fs::read(&built.component)
        .map_err(|e| anyhow::anyhow!("cannot read {}: {e}", built.component.display()))?;
    let work = built.dir.join("target/wangge");
    let runtime = Runtime::new(Limits::default(), &work.join("cache"))?;
    eprintln!(
        "… checking {} against the contract and plugin.toml",
        built.component.display()
    );
    let validation = validate(&runtime, &built.manifest, &bytes)?;
    eprintln!(
        "  wangge:plugin@{} (manifest accepts `{}`); imports: {}",
        validation.contract,
        built.manifest.contract,
        if validation.imports.is_empty() {
            "none".to_owned()
        } else {
            validation.imports.join(", ")
        }
    );
    for warning in &validation.warnings {
        eprintln!("! {warning}");
    }
    let readme = built.dir.join("README.md");
    let assets = built.dir.join("assets");
    let package = Package::build(
        &built.manifest_path,
        &built.component,
        &readme,
        assets.is_dir().then_some(assets.as_path()),
    )?;
    let output = output.unwrap_or_else(|| {
        work.join(format!(
            "{}-{}.wgp",
            built.manifest.id, built.manifest.version
        ))
    });
    if let Some(folder) = output.parent() {
        std::fs::create_dir_all(folder)
            .map_err(|e| anyhow::anyhow!("cannot create {}: {e}", folder.display()))?;
    }
    std::fs::write(&output, &package)
        .map_err(|e| anyhow::anyhow!("cannot write {}: {e}", output.display()))?;
    println!(
        "{}: {} bytes, {}",
        output.display(),
        package.len(),
        wangge_registry::digest(&package)
    );
    Ok(())
}
