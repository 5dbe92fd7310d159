//! Installing from another registry (`--registry URL`, a province's `wangge registry
//! serve`): the version is resolved from its public listing, the package downloaded, its
//! digest recomputed and its signature verified with the publisher key pinned in this
//! host's own database — the remote's word is taken for neither — and the verified package
//! mirrored into this host's registry as approved. The local install or upgrade then runs
//! unchanged against the mirror, so rollback and later installs need no network.

use semver::Version;
use wangge_registry::{Package, PluginId, digest};

use super::Lifecycle;
use super::resolve::{newest, wanted_version};
use crate::registry_service::{self, MirrorSource, Mirrored, remote};

impl Lifecycle<'_> {
    /// Resolves `plugin_id` at the registry at `url` (`wanted`, or the newest approved
    /// version this host runs, above `above` for an upgrade), downloads, verifies and
    /// mirrors it; returns the version, now approved in this host's registry. A refusal
    /// stores nothing.
    pub(super) async fn mirror_from_remote(
        &self,
        url: &str,
        plugin_id: &str,
        wanted: Option<&str>,
        above: Option<&Version>,
    ) -> anyhow::Result<String> {
        // The id goes into the URL's path: only a valid id may shape a request.
        PluginId::new(plugin_id).map_err(|e| anyhow::anyhow!("{e}"))?;
        self.step(&format!("asking the registry at {url} for {plugin_id}"));
        // Anonymous callers see approved and yanked versions only, so "missing" and "not
        // approved" cannot be told apart here; the message says both.
        let summary = remote::plugin_remote(url, plugin_id)
            .await?
            .ok_or_else(|| {
                anyhow::anyhow!(
                    "plugin `{plugin_id}` is not in the registry at {url}, or none of its \
                     versions is approved there"
                )
            })?;
        let version = match wanted {
            Some(text) => {
                let listed = summary
                    .versions
                    .iter()
                    .any(|v| v.version.parse::<Version>().ok() == text.parse().ok());
                if !listed {
                    anyhow::bail!(
                        "{plugin_id} {text} is not in the registry at {url}, or is not approved \
                         there (versions under review are not offered to hosts)"
                    );
                }
                wanted_version(&summary, text, above)?
            }
            None => newest(&summary, above)?,
        };
        let version_text = version.to_string();

        self.step(&format!(
            "downloading {plugin_id} {version} from the registry at {url}"
        ));
        let package = remote::download_remote(url, plugin_id, &version_text)
            .await?
            .ok_or_else(|| {
                anyhow::anyhow!(
                    "the registry at {url} has no approved {plugin_id} {version} to download"
                )
            })?;
        let recomputed = digest(&package.bytes);
        self.step(&format!(
            "downloaded {} bytes; verifying the digest and the signature with the publisher \
             key pinned on this host",
            package.bytes.len()
        ));
        if recomputed.to_string() != package.digest {
            anyhow::bail!(
                "digest mismatch for {plugin_id} {version} from {}: the x-wangge-digest header \
                 says `{}` but the bytes hash to {recomputed}; the package was altered on the \
                 way or at the registry, so it is not installed",
                package.url,
                package.digest
            );
        }
        // The publisher whose pinned key must verify it is the one its manifest names:
        // the signature covers the manifest, so a false name cannot verify.
        let publisher = Package::open(&package.bytes)
            .map_err(|e| anyhow::anyhow!("{plugin_id} {version}: the package is refused: {e}"))?
            .manifest
            .publisher
            .to_string();
        let verified = self
            .verify_signed(
                plugin_id,
                &version,
                &package.bytes,
                &recomputed,
                &package.signature,
                &publisher,
            )
            .await?;

        self.step(&format!(
            "mirroring {plugin_id} {version} into this host's registry as approved"
        ));
        let mirrored = registry_service::mirror(
            self.db(),
            &MirrorSource {
                opened: &verified.opened,
                bytes: &package.bytes,
                signature: &package.signature,
                url: &package.url,
            },
            self.actor,
        )
        .await?;
        if mirrored == Mirrored::AlreadyHere {
            self.step(&format!(
                "{plugin_id} {version} was already in this host's registry with these bytes"
            ));
        }
        Ok(version_text)
    }
}
