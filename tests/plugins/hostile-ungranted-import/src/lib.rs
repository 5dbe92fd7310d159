//! Hostile plugin: reads residents although its manifest never asked for `residents:read`,
//! and shows what the host answered.

use wangge_sdk::page::{escape_html, html};
use wangge_sdk::{Caller, Error, Plugin, Request, Response, residents};

struct Ungranted;

impl Plugin for Ungranted {
    fn handle(_caller: Caller, _request: Request) -> Result<Response, Error> {
        let filter = residents::ResidentFilter {
            grid_prefix: None,
            population_type: None,
            min_age: None,
            max_age: None,
            tag: None,
            after: None,
            limit: 10,
        };
        let answer = match residents::query(&filter) {
            Ok(found) => format!("read {} residents", found.len()),
            Err(Error::Denied(why)) => format!("denied: {why}"),
            Err(other) => format!("other error: {other:?}"),
        };
        Ok(html(
            "越权访问",
            format!("<p id=\"answer\">{}</p>", escape_html(&answer)),
        ))
    }
}

wangge_sdk::export_plugin!(Ungranted);
