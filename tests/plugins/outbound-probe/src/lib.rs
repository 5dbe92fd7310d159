//! Test plugin: page `/` sends `?method=` (GET by default) to `?url=` with the optional
//! `?body=` and `?header=name:value`, then shows `status=… location=… body=…` or
//! `error=KIND: message`, always with HTTP 200 so the tests read the outcome itself.

use wangge_sdk::outbound::{self, Request as Outbound};
use wangge_sdk::page::{escape_html, html, query_param};
use wangge_sdk::{Caller, Error, Plugin, Request, Response};

struct OutboundProbe;

fn kind(error: &Error) -> &'static str {
    match error {
        Error::Denied(_) => "denied",
        Error::NotFound(_) => "not-found",
        Error::Invalid(_) => "invalid",
        Error::QuotaExceeded(_) => "quota-exceeded",
        Error::Unavailable(_) => "unavailable",
    }
}

fn fetch(query: &str) -> String {
    let headers = query_param(query, "header")
        .and_then(|h| {
            h.split_once(':')
                .map(|(n, v)| (n.to_owned(), v.trim().to_owned()))
        })
        .into_iter()
        .collect();
    let request = Outbound {
        method: query_param(query, "method").unwrap_or_else(|| "GET".to_owned()),
        url: query_param(query, "url").unwrap_or_default(),
        headers,
        body: query_param(query, "body").unwrap_or_default().into_bytes(),
    };
    match outbound::fetch(&request) {
        Ok(response) => {
            let location = response
                .headers
                .iter()
                .find(|(name, _)| name.eq_ignore_ascii_case("location"))
                .map_or("", |(_, value)| value.as_str());
            format!(
                "status={} location={location} body={}",
                response.status,
                String::from_utf8_lossy(&response.body)
            )
        }
        Err(error) => format!("error={}: {}", kind(&error), error.message()),
    }
}

impl Plugin for OutboundProbe {
    fn handle(_caller: Caller, request: Request) -> Result<Response, Error> {
        if request.path != "/" {
            return Err(Error::NotFound(format!("no page {}", request.path)));
        }
        Ok(html(
            "外部请求探针",
            format!(
                "<pre id=\"answer\">{}</pre>",
                escape_html(&fetch(&request.query))
            ),
        ))
    }
}

wangge_sdk::export_plugin!(OutboundProbe);
