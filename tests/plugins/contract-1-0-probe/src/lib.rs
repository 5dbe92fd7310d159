//! Test plugin built against the frozen `wangge:plugin@1.0.0`: its page names the contract
//! it was built against, counts its visits in storage and lists residents through
//! `residents.query`, so a test can see a 1.0 plugin's imports and exports work on a host
//! whose newest contract is later.

use wangge_sdk::page::{html, query_param};
use wangge_sdk::residents::{self, ResidentFilter};
use wangge_sdk::{Caller, Error, Plugin, Request, Response, storage};

struct Probe;

impl Plugin for Probe {
    fn handle(_caller: Caller, request: Request) -> Result<Response, Error> {
        let visits = storage::increment("visits", 1)?;
        let found = residents::query(&ResidentFilter {
            grid_prefix: None,
            population_type: None,
            min_age: query_param(&request.query, "min_age").and_then(|v| v.parse().ok()),
            max_age: None,
            tag: None,
            after: None,
            limit: 500,
        })?;
        Ok(html(
            "旧版契约探针",
            format!(
                "<p id=\"contract\">{}</p><p id=\"visits\">{visits}</p>\
                 <p id=\"residents\">{}</p>",
                wangge_sdk::CONTRACT_VERSION,
                found.len()
            ),
        ))
    }
}

wangge_sdk::export_plugin!(Probe);
