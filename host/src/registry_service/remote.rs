//! Talking to another registry over HTTP, as any anonymous client does: publishing
//! (`wangge registry publish --registry URL`, `POST /registry/api/packages` with the
//! signature in a header), and reading a plugin's versions and downloading a package for
//! `wangge plugin install|upgrade --registry URL`. This module only moves bytes: whether to
//! trust them is decided by the caller against this host's own pinned keys
//! (`crate::plugins::lifecycle`), never by what the remote says.

use anyhow::Context as _;
use serde_json::Value;

use wangge_registry::package::layout::MAX_PACKAGE_BYTES;

use super::PluginSummary;
use super::{DIGEST_HEADER, PACKAGE_MEDIA_TYPE, SIGNATURE_HEADER};

/// How long one upload may take: a package is at most 48 MiB, which a slow provincial
/// link still moves in well under this.
const UPLOAD_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(300);

/// Uploads a signed package to the registry at `base_url` (`http://host:port`) and returns
/// its answer (`digest`, `plugin`, `version`, `state`), or the registry's error message.
pub async fn publish_remote(
    base_url: &str,
    bytes: Vec<u8>,
    signature: &str,
) -> anyhow::Result<Value> {
    let base = checked_base(base_url)?;
    let url = format!("{base}/registry/api/packages");
    let response = client(UPLOAD_TIMEOUT)?
        .post(&url)
        .header(reqwest::header::CONTENT_TYPE, PACKAGE_MEDIA_TYPE)
        .header(SIGNATURE_HEADER, signature)
        .body(bytes)
        .send()
        .await
        .with_context(|| format!("cannot reach the registry at {url}"))?;
    let status = response.status();
    let body: Value = response.json().await.unwrap_or_default();
    if status.is_success() {
        return Ok(body);
    }
    let message = body["error"]["message"]
        .as_str()
        .map_or_else(|| status.to_string(), str::to_owned);
    anyhow::bail!("the registry refused the package ({status}): {message}")
}

/// How long reading a plugin's versions may take: a small JSON answer.
const LIST_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(30);

/// A package as another registry sent it: the bytes and what its headers claim. The
/// claims are only compared with what this host computes itself.
#[derive(Debug, Clone)]
pub struct RemotePackage {
    /// The `.wgp` bytes.
    pub bytes: Vec<u8>,
    /// `x-wangge-digest`, as sent (empty when missing).
    pub digest: String,
    /// `x-wangge-signature`, as sent (empty when missing).
    pub signature: String,
    /// The URL it came from, for messages and the audit log.
    pub url: String,
}

/// `base_url` without a trailing slash, if it is a plain http:// URL.
fn checked_base(base_url: &str) -> anyhow::Result<&str> {
    let base = base_url.trim_end_matches('/');
    anyhow::ensure!(
        base.starts_with("http://"),
        "--registry `{base_url}`: expected an http:// URL (this build speaks plain HTTP; put \
         a TLS-terminating proxy in front of a remote registry and use its local address)"
    );
    Ok(base)
}

fn client(timeout: std::time::Duration) -> anyhow::Result<reqwest::Client> {
    reqwest::Client::builder()
        .timeout(timeout)
        .build()
        .context("HTTP client")
}

/// One plugin's versions as the registry at `base_url` shows them to anyone (approved and
/// yanked only); `None` when it answers 404 (no such plugin, or none visible).
pub async fn plugin_remote(
    base_url: &str,
    plugin_id: &str,
) -> anyhow::Result<Option<PluginSummary>> {
    let base = checked_base(base_url)?;
    let url = format!("{base}/registry/api/plugins/{plugin_id}");
    let response = client(LIST_TIMEOUT)?
        .get(&url)
        .send()
        .await
        .with_context(|| format!("cannot reach the registry at {url}"))?;
    let status = response.status();
    if status == reqwest::StatusCode::NOT_FOUND {
        return Ok(None);
    }
    if !status.is_success() {
        anyhow::bail!("the registry at {url} answered {status}");
    }
    let summary = response
        .json()
        .await
        .with_context(|| format!("the registry at {url} sent an unreadable plugin listing"))?;
    Ok(Some(summary))
}

/// Downloads `plugin_id` `version` from the registry at `base_url`; `None` when it answers
/// 404 (no such version, or not approved: a public caller cannot tell).
pub async fn download_remote(
    base_url: &str,
    plugin_id: &str,
    version: &str,
) -> anyhow::Result<Option<RemotePackage>> {
    let base = checked_base(base_url)?;
    let url = format!("{base}/registry/api/plugins/{plugin_id}/{version}/package.wgp");
    // A download is as large as an upload, so it gets the same allowance.
    let response = client(UPLOAD_TIMEOUT)?
        .get(&url)
        .send()
        .await
        .with_context(|| format!("cannot reach the registry at {url}"))?;
    let status = response.status();
    if status == reqwest::StatusCode::NOT_FOUND {
        return Ok(None);
    }
    if !status.is_success() {
        anyhow::bail!("the registry at {url} answered {status}");
    }
    let header = |name: &str| {
        response
            .headers()
            .get(name)
            .and_then(|value| value.to_str().ok())
            .unwrap_or_default()
            .to_owned()
    };
    let digest = header(DIGEST_HEADER);
    let signature = header(SIGNATURE_HEADER);
    let bytes = read_capped(response, &url).await?;
    Ok(Some(RemotePackage {
        bytes,
        digest,
        signature,
        url,
    }))
}

/// The body, refused past the package size limit: another registry is not trusted to
/// send a bounded answer, and this host would otherwise hold whatever it sends in memory.
async fn read_capped(mut response: reqwest::Response, url: &str) -> anyhow::Result<Vec<u8>> {
    let cap = usize::try_from(MAX_PACKAGE_BYTES).unwrap_or(usize::MAX);
    let mut bytes = Vec::new();
    while let Some(chunk) = response
        .chunk()
        .await
        .with_context(|| format!("the download from {url} broke off"))?
    {
        anyhow::ensure!(
            bytes.len() + chunk.len() <= cap,
            "the registry at {url} sent more than the package limit of {cap} bytes"
        );
        bytes.extend_from_slice(&chunk);
    }
    Ok(bytes)
}
