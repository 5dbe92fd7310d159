//! `wangge registry …`: publisher keys, publishing, review, search, and the standalone
//! registry server. Local commands act on this host's database through the same operations
//! as the HTTP API (`crate::registry_service`); the operator's shell stands in for a
//! registry reviewer, and every act is audited as `cli`.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use anyhow::Context as _;
use clap::Subcommand;
use wangge_registry::package::layout::MAX_PACKAGE_BYTES;
use wangge_registry::{Package, SigningKey};

use crate::plugins::Catalog;
use crate::registry_service::{self, Actor, Decision, Visibility};
use crate::state::{AppState, Host};

/// Registry commands.
#[derive(Debug, Subcommand)]
pub enum RegistryCommand {
    /// Generate a publisher key: the secret key goes to FILE (mode 0600, never
    /// overwritten), the public key is printed for `registry publisher add`.
    Keygen {
        /// Where to write the secret key.
        file: PathBuf,
    },
    /// Manage publishers and their public keys.
    #[command(subcommand)]
    Publisher(PublisherCommand),
    /// Sign a package with the publisher's secret key and publish it (state `submitted`).
    Publish {
        /// The `.wgp` package (`wangge plugin package` makes one).
        package: PathBuf,
        /// The publisher's secret key file (`wangge registry keygen`).
        #[arg(long)]
        key: PathBuf,
        /// Publish to the registry at this URL (`http://host:port`) instead of this host's
        /// database.
        #[arg(long, env = "WANGGE_REGISTRY")]
        registry: Option<String>,
    },
    /// Approve or reject a submitted version.
    Review {
        /// Plugin id.
        plugin: String,
        /// Version.
        version: String,
        /// `approve` or `reject`.
        decision: Decision,
        /// The reviewer's note; required to reject.
        #[arg(long, default_value = "")]
        note: String,
        /// Who reviews, as recorded [default: cli].
        #[arg(long)]
        reviewer: Option<String>,
    },
    /// Withdraw an approved version: it stays listed as yanked and is no longer downloadable.
    Yank {
        /// Plugin id.
        plugin: String,
        /// Version.
        version: String,
        /// Why, for the admins who installed it.
        #[arg(long)]
        reason: String,
    },
    /// List plugins whose id or name contains TEXT (all without it), every version.
    Search {
        /// Part of an id or a name.
        text: Option<String>,
    },
    /// Serve only the registry's routes (`/registry/api/…`) from this database.
    Serve {
        /// Address to listen on; port 0 picks a free port (printed on start).
        #[arg(long, env = "WANGGE_REGISTRY_LISTEN", default_value = "127.0.0.1:8081")]
        listen: SocketAddr,
    },
}

/// Publisher commands.
#[derive(Debug, Subcommand)]
pub enum PublisherCommand {
    /// Register publisher NAME (the manifests' `publisher`) with its public key.
    Add {
        /// The publisher's name, as its manifests write it.
        name: String,
        /// `ed25519:<base64>`, as `registry keygen` printed it.
        public_key: String,
    },
}

impl RegistryCommand {
    /// Whether the command runs without this host's database (so a publisher's machine
    /// needs no data directory).
    pub fn needs_no_database(&self) -> bool {
        matches!(
            self,
            Self::Keygen { .. }
                | Self::Publish {
                    registry: Some(_),
                    ..
                }
        )
    }

    /// Runs a command that needs no database (see [`Self::needs_no_database`]).
    pub async fn run_without_host(self) -> anyhow::Result<()> {
        match self {
            Self::Keygen { file } => keygen(&file),
            Self::Publish {
                package,
                key,
                registry: Some(url),
            } => {
                let (bytes, signature) = read_and_sign(&package, &key)?;
                step(&format!("uploading to {url}"));
                let answer =
                    registry_service::remote::publish_remote(&url, bytes, &signature).await?;
                println!(
                    "{} {}: {} ({})",
                    answer["plugin"].as_str().unwrap_or("?"),
                    answer["version"].as_str().unwrap_or("?"),
                    answer["state"].as_str().unwrap_or("?"),
                    answer["digest"].as_str().unwrap_or("?"),
                );
                Ok(())
            }
            other => anyhow::bail!("`{other:?}` needs the database"),
        }
    }

    /// Runs the command on this host's database.
    pub async fn run(self, host: Host) -> anyhow::Result<()> {
        let db = &host.db;
        match self {
            Self::Keygen { .. }
            | Self::Publish {
                registry: Some(_), ..
            } => self.run_without_host().await,
            Self::Publisher(PublisherCommand::Add { name, public_key }) => {
                let key =
                    registry_service::add_publisher(db, &name, &public_key, &Actor::cli(None))
                        .await?;
                println!("publisher {} registered with key {key}", name.trim());
                Ok(())
            }
            Self::Publish {
                package,
                key,
                registry: None,
            } => {
                let (bytes, signature) = read_and_sign(&package, &key)?;
                step("storing in this host's registry");
                let published = registry_service::publish(db, &bytes, &signature, "cli").await?;
                let note = if published.created {
                    ""
                } else {
                    " (these exact bytes were already published; nothing changed)"
                };
                println!(
                    "{} {}: {} ({}){note}",
                    published.plugin_id, published.version, published.state, published.digest
                );
                Ok(())
            }
            Self::Review {
                plugin,
                version,
                decision,
                note,
                reviewer,
            } => {
                let actor = Actor::cli(reviewer.as_deref());
                let state =
                    registry_service::review(db, &plugin, &version, decision, &note, &actor)
                        .await?;
                println!("{plugin} {version}: {state}");
                Ok(())
            }
            Self::Yank {
                plugin,
                version,
                reason,
            } => {
                let state =
                    registry_service::yank(db, &plugin, &version, &reason, &Actor::cli(None))
                        .await?;
                println!("{plugin} {version}: {state}");
                Ok(())
            }
            Self::Search { text } => {
                let plugins = registry_service::search(
                    db,
                    text.as_deref().unwrap_or(""),
                    Visibility::Reviewer,
                )
                .await?;
                if plugins.is_empty() {
                    println!("no plugins found");
                }
                for plugin in plugins {
                    println!(
                        "{}  {}  by {}  latest approved: {}",
                        plugin.id,
                        plugin.name,
                        plugin.publisher,
                        plugin.latest_approved.as_deref().unwrap_or("none")
                    );
                    for version in plugin.versions {
                        println!(
                            "  {}  {}  contract {}  {}",
                            version.version, version.state, version.contract, version.digest
                        );
                    }
                }
                Ok(())
            }
            Self::Serve { listen } => {
                // No plugins are loaded: the standalone registry serves packages, not pages.
                serve_registry(listen, AppState::new(host, Catalog::default())).await
            }
        }
    }
}

/// One progress line on stderr, so stdout keeps only the result.
fn step(text: &str) {
    eprintln!("… {text}");
}

fn keygen(file: &Path) -> anyhow::Result<()> {
    let key = SigningKey::generate()?;
    key.write_key_file(file)?;
    eprintln!(
        "secret key written to {} (mode 0600): keep it private; register the public key \
         below with `wangge registry publisher add NAME PUBLIC_KEY`",
        file.display()
    );
    println!("{}", key.public_key());
    Ok(())
}

/// Reads and checks the package, and signs its digest with the key file.
fn read_and_sign(package: &Path, key_file: &Path) -> anyhow::Result<(Vec<u8>, String)> {
    step(&format!("reading {}", package.display()));
    let size = std::fs::metadata(package)
        .with_context(|| format!("cannot read {}", package.display()))?
        .len();
    anyhow::ensure!(
        size <= MAX_PACKAGE_BYTES,
        "{} is {size} bytes; a package may be at most {MAX_PACKAGE_BYTES}",
        package.display()
    );
    let bytes =
        std::fs::read(package).with_context(|| format!("cannot read {}", package.display()))?;
    step(&format!("verifying the package ({} bytes)", bytes.len()));
    // Checked before signing: a key should never vouch for a package the registry refuses.
    let opened = Package::open(&bytes)
        .with_context(|| format!("{} is not a valid package", package.display()))?;
    step(&format!(
        "{} {} by {}, {}",
        opened.manifest.id, opened.manifest.version, opened.manifest.publisher, opened.digest
    ));
    step(&format!("signing with {}", key_file.display()));
    let key = SigningKey::read_key_file(key_file)?;
    Ok((bytes, key.sign(&opened.digest).to_string()))
}

/// Serves the registry's routes alone until Ctrl-C, printing the bound address first.
async fn serve_registry(listen: SocketAddr, state: AppState) -> anyhow::Result<()> {
    let listener = tokio::net::TcpListener::bind(listen)
        .await
        .map_err(|e| anyhow::anyhow!("cannot listen on {listen}: {e}"))?;
    let addr = listener.local_addr()?;
    println!("listening on http://{addr}");
    tracing::info!(%addr, "serving the registry");
    axum::serve(listener, crate::http::registry_app(state))
        .with_graceful_shutdown(async {
            let _ = tokio::signal::ctrl_c().await;
        })
        .await?;
    Ok(())
}
