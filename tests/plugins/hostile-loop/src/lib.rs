//! Hostile plugin: spins forever. The host must stop it at its deadline.

use wangge_sdk::{Caller, Error, Plugin, Request, Response};

struct Loop;

impl Plugin for Loop {
    fn handle(_caller: Caller, _request: Request) -> Result<Response, Error> {
        let mut counter: u64 = 0;
        loop {
            counter = std::hint::black_box(counter.wrapping_add(1));
        }
    }
}

wangge_sdk::export_plugin!(Loop);
