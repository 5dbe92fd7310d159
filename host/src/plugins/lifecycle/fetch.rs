//! Getting a version's package and deciding whether to trust it: the digest recomputed
//! from the bytes must be the one the registry lists, the signature over it must verify
//! with the publisher's key pinned in this host's database, and the package must open
//! strictly and be the plugin and version asked for.

use semver::Version;
use wangge_registry::{OpenedPackage, Package, PackageDigest, PackageSignature, digest};

use super::Lifecycle;
use super::resolve::host_supports;
use crate::registry_service::{self, Visibility};
use crate::runtime::contract::supported_text;
use crate::runtime::digest_of;

/// A package that passed every check.
pub struct VerifiedPackage {
    /// Its contents.
    pub opened: OpenedPackage,
    /// `sha256:<hex>` of the package, as recomputed here.
    pub package_digest: String,
    /// Hex sha256 of the component: the compile cache's key.
    pub component_digest: String,
}

impl Lifecycle<'_> {
    /// Downloads `plugin_id` `version` from the registry and verifies it.
    pub(crate) async fn fetch_verified(
        &self,
        plugin_id: &str,
        version: &Version,
    ) -> anyhow::Result<VerifiedPackage> {
        let version_text = version.to_string();
        self.step(&format!(
            "downloading {plugin_id} {version} from the registry"
        ));
        let download =
            registry_service::download(self.db(), plugin_id, &version_text, Visibility::Reviewer)
                .await
                .map_err(|e| anyhow::anyhow!("{plugin_id} {version}: {e}"))?;
        self.step(&format!(
            "verifying {} bytes: digest and {}'s signature",
            download.bytes.len(),
            download.record.publisher
        ));
        let recomputed = digest(&download.bytes);
        if recomputed.to_string() != download.record.digest {
            anyhow::bail!(
                "digest mismatch for {plugin_id} {version}: the registry lists {} but the bytes \
                 hash to {recomputed}; the stored package was altered, so it is not installed",
                download.record.digest
            );
        }
        self.verify_signed(
            plugin_id,
            version,
            &download.bytes,
            &recomputed,
            &download.signature,
            &download.record.publisher,
        )
        .await
    }

    /// The checks after the digest: the signature over `recomputed` verifies with the key
    /// of `publisher` pinned in this host's database, and the package opens strictly as
    /// `plugin_id` `version` by that publisher, for a contract this host runs. Shared by
    /// the local download and the one from another registry.
    pub(super) async fn verify_signed(
        &self,
        plugin_id: &str,
        version: &Version,
        bytes: &[u8],
        recomputed: &PackageDigest,
        signature: &str,
        publisher: &str,
    ) -> anyhow::Result<VerifiedPackage> {
        let key = registry_service::publisher_key(self.db(), publisher)
            .await?
            .ok_or_else(|| {
                anyhow::anyhow!(
                    "publisher `{publisher}` of {plugin_id} {version} has no key on this host: pin \
                     it with `wangge registry publisher add {publisher} ed25519:…`"
                )
            })?;
        let signature: PackageSignature = signature
            .parse()
            .map_err(|e| anyhow::anyhow!("{plugin_id} {version}: signature: {e}"))?;
        key.verify(recomputed, &signature).map_err(|e| {
            anyhow::anyhow!(
                "{plugin_id} {version}: the signature does not verify with the key of \
                 publisher `{publisher}` pinned on this host: {e}"
            )
        })?;
        let opened = Package::open(bytes)
            .map_err(|e| anyhow::anyhow!("{plugin_id} {version}: the package is refused: {e}"))?;
        let manifest = &opened.manifest;
        if manifest.id.as_str() != plugin_id
            || manifest.version != *version
            || manifest.publisher != *publisher
        {
            anyhow::bail!(
                "the package listed as {plugin_id} {version} by {publisher} holds {} {} by {}",
                manifest.id,
                manifest.version,
                manifest.publisher
            );
        }
        if !host_supports(&manifest.contract) {
            anyhow::bail!(
                "{plugin_id} {version}: field `contract`: `{}` does not accept the contract this \
                 host implements ({})",
                manifest.contract,
                supported_text()
            );
        }
        let component_digest = digest_of(&opened.component);
        Ok(VerifiedPackage {
            opened,
            package_digest: recomputed.to_string(),
            component_digest,
        })
    }
}
