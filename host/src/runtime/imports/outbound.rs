//! `outbound`: HTTP to the hosts the admin allowed (`outbound:<host>[:port]`), sent within
//! the call's deadline and the host's size cap; network trouble is `unavailable`, never a trap.

mod send;

use std::time::Instant;

use wangge_registry::Permission;

use crate::runtime::bindings::PluginError;
use crate::runtime::bindings::wangge::plugin::outbound::{Host, Request, Response};
use crate::runtime::call_state::CallState;

/// The `host[:port]` of an absolute http(s) URL, lowercased.
fn authority(url: &str) -> Option<String> {
    let rest = url
        .strip_prefix("http://")
        .or_else(|| url.strip_prefix("https://"))?;
    let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let authority = &rest[..end];
    // Credentials in URLs are refused outright rather than parsed around.
    if authority.is_empty() || authority.contains('@') {
        return None;
    }
    Some(authority.to_ascii_lowercase())
}

/// The host of an authority and its port text, if it has one.
fn split_authority(authority: &str) -> (&str, Option<&str>) {
    match authority.rsplit_once(':') {
        Some((host, port)) => (host, Some(port)),
        None => (authority, None),
    }
}

/// The variant's name and its text, for the debug log.
fn kind(error: &PluginError) -> (&'static str, &str) {
    match error {
        PluginError::Denied(text) => ("denied", text),
        PluginError::NotFound(text) => ("not-found", text),
        PluginError::Invalid(text) => ("invalid", text),
        PluginError::QuotaExceeded(text) => ("quota-exceeded", text),
        PluginError::Unavailable(text) => ("unavailable", text),
    }
}

impl Host for CallState {
    async fn fetch(&mut self, request: Request) -> wasmtime::Result<Result<Response, PluginError>> {
        self.enter()?;
        let Some(authority) = authority(&request.url) else {
            return Ok(Err(PluginError::Invalid(format!(
                "url: expected an absolute http or https URL without credentials, got `{}`",
                request.url
            ))));
        };
        let (host_only, _) = split_authority(&authority);
        let permission = if self
            .installation
            .is_granted(&Permission::Outbound(authority.clone()))
        {
            Permission::Outbound(authority.clone())
        } else {
            Permission::Outbound(host_only.to_owned())
        };
        if let Err(denied) = self.require(&permission, "outbound.fetch").await? {
            return Ok(Err(denied));
        }

        let started = Instant::now();
        let method = request.method.clone();
        let answer = send::send(
            request,
            &authority,
            self.installation.limits.max_response_bytes,
            self.deadline,
        )
        .await;
        let installation = &self.installation;
        let elapsed_ms = started.elapsed().as_millis();
        match &answer {
            Ok(response) => tracing::debug!(
                plugin = installation.plugin_id(),
                installation = installation.id,
                method,
                authority,
                status = response.status,
                elapsed_ms,
                "outbound.fetch"
            ),
            Err(error) => {
                let (error, text) = kind(error);
                tracing::debug!(
                    plugin = installation.plugin_id(),
                    installation = installation.id,
                    method,
                    authority,
                    error,
                    elapsed_ms,
                    "outbound.fetch failed: {text}"
                );
            }
        }
        Ok(answer)
    }
}

#[cfg(test)]
mod tests {
    use super::{authority, split_authority};

    #[test]
    fn authority_is_the_host_and_port_of_http_urls_only() {
        assert_eq!(
            authority("http://127.0.0.1:9300/api?x=1").as_deref(),
            Some("127.0.0.1:9300")
        );
        assert_eq!(
            authority("https://Bureau.example.cn").as_deref(),
            Some("bureau.example.cn")
        );
        assert_eq!(authority("ftp://bureau.example.cn/"), None);
        assert_eq!(authority("https://user:pw@bureau.example.cn/"), None);
        assert_eq!(authority("https:///path"), None);
    }

    #[test]
    fn an_authority_splits_into_host_and_port_text() {
        assert_eq!(
            split_authority("127.0.0.1:9300"),
            ("127.0.0.1", Some("9300"))
        );
        assert_eq!(
            split_authority("bureau.example.cn"),
            ("bureau.example.cn", None)
        );
    }
}
