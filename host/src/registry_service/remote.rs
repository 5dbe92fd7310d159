//! Publishing to a registry over HTTP (`wangge registry publish --registry URL`): the same
//! request any client makes, `POST /registry/api/packages` with the signature in a header.

use anyhow::Context as _;
use serde_json::Value;

use super::http::{PACKAGE_MEDIA_TYPE, SIGNATURE_HEADER};

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
    let base = base_url.trim_end_matches('/');
    anyhow::ensure!(
        base.starts_with("http://"),
        "--registry `{base_url}`: expected an http:// URL (this build speaks plain HTTP; put \
         a TLS-terminating proxy in front of a remote registry and use its local address)"
    );
    let url = format!("{base}/registry/api/packages");
    let client = reqwest::Client::builder()
        .timeout(UPLOAD_TIMEOUT)
        .build()
        .context("HTTP client")?;
    let response = client
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
