//! `outbound`: HTTP to admin-allowed hosts. The permission is checked against the URL's
//! host today; sending arrives with the community plugins, which need it.

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

impl Host for CallState {
    async fn fetch(&mut self, request: Request) -> wasmtime::Result<Result<Response, PluginError>> {
        self.enter()?;
        let Some(authority) = authority(&request.url) else {
            return Ok(Err(PluginError::Invalid(format!(
                "url: expected an absolute http or https URL without credentials, got `{}`",
                request.url
            ))));
        };
        let host_only = authority
            .rsplit_once(':')
            .map_or(authority.as_str(), |(host, _)| host);
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
        Ok(Err(PluginError::Unavailable(
            "outbound.fetch: this host cannot send outbound HTTP yet (it arrives with the \
             community plugins)"
                .to_owned(),
        )))
    }
}

#[cfg(test)]
mod tests {
    use super::authority;

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
}
