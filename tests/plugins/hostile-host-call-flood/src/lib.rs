//! Hostile plugin: calls a host import in a tight loop, ignoring every answer.

use wangge_sdk::{Caller, Error, Plugin, Request, Response, config};

struct Flood;

impl Plugin for Flood {
    fn handle(_caller: Caller, _request: Request) -> Result<Response, Error> {
        loop {
            std::hint::black_box(config::get("anything"));
        }
    }
}

wangge_sdk::export_plugin!(Flood);
