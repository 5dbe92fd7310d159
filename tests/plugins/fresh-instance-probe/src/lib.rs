//! Test plugin: counts page requests in a static. If the host ever reused an instance, the
//! count would climb; with a fresh instance per request it is always 1.

use std::sync::atomic::{AtomicU32, Ordering};

use wangge_sdk::page::html;
use wangge_sdk::{Caller, Error, Plugin, Request, Response};

static REQUESTS_SEEN: AtomicU32 = AtomicU32::new(0);

struct Probe;

impl Plugin for Probe {
    fn handle(_caller: Caller, _request: Request) -> Result<Response, Error> {
        let seen = REQUESTS_SEEN.fetch_add(1, Ordering::Relaxed) + 1;
        Ok(html("实例探针", format!("<p id=\"seen\">{seen}</p>")))
    }
}

wangge_sdk::export_plugin!(Probe);
