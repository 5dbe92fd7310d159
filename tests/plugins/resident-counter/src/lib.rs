//! Test plugin built against `wangge:plugin@1.1.0`: its page answers `residents.count` for
//! the filter in its query string (`prefix`, `min_age`, `max_age`, `tag`, `type`), shown
//! the way a dashboard would (`<5` for a small cell), or the error the host answered.

use wangge_sdk::bindings::wangge::plugin::types::PopulationType;
use wangge_sdk::page::{escape_html, html, query_param};
use wangge_sdk::residents::{self, ResidentCount, ResidentFilter};
use wangge_sdk::{Caller, Error, Plugin, Request, Response};

struct ResidentCounter;

fn number(query: &str, name: &str) -> Option<u32> {
    query_param(query, name).and_then(|v| v.parse().ok())
}

fn population_type(name: &str) -> Option<PopulationType> {
    match name {
        "registered" => Some(PopulationType::Registered),
        "floating" => Some(PopulationType::Floating),
        "left-behind" => Some(PopulationType::LeftBehind),
        "foreign" => Some(PopulationType::Foreign),
        _ => None,
    }
}

impl Plugin for ResidentCounter {
    fn handle(_caller: Caller, request: Request) -> Result<Response, Error> {
        let query = request.query.as_str();
        let counted = residents::count(&ResidentFilter {
            grid_prefix: query_param(query, "prefix"),
            population_type: query_param(query, "type")
                .as_deref()
                .and_then(population_type),
            min_age: number(query, "min_age"),
            max_age: number(query, "max_age"),
            tag: query_param(query, "tag"),
            // Ignored by `count`: set to show they change nothing.
            after: Some("ignored".into()),
            limit: 1,
        });
        let shown = match counted {
            Ok(ResidentCount::Exact(n)) => n.to_string(),
            Ok(ResidentCount::FewerThan(n)) => format!("<{n}"),
            Err(error) => format!("error: {error:?}"),
        };
        Ok(html(
            "居民计数",
            format!(
                "<p id=\"contract\">{}</p><p id=\"count\">{}</p>",
                wangge_sdk::CONTRACT_VERSION,
                escape_html(&shown)
            ),
        ))
    }
}

wangge_sdk::export_plugin!(ResidentCounter);
