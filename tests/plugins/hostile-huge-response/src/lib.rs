//! Hostile plugin: answers with a page far larger than any real one (16 MiB, within its
//! memory limit, beyond the response limit).

use wangge_sdk::page::html;
use wangge_sdk::{Caller, Error, Plugin, Request, Response};

struct HugeResponse;

const SIZE: usize = 16 << 20;

impl Plugin for HugeResponse {
    fn handle(_caller: Caller, _request: Request) -> Result<Response, Error> {
        Ok(html("超大响应", "x".repeat(SIZE)))
    }
}

wangge_sdk::export_plugin!(HugeResponse);
