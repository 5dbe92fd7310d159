//! Hostile plugin: panics while handling a page.

use wangge_sdk::{Caller, Error, Plugin, Request, Response};

struct Panic;

impl Plugin for Panic {
    fn handle(_caller: Caller, request: Request) -> Result<Response, Error> {
        panic!("hostile-panic was asked for {}", request.path);
    }
}

wangge_sdk::export_plugin!(Panic);
