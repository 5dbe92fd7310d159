//! Hostile plugin: allocates (and touches) memory until the host stops it.

use wangge_sdk::{Caller, Error, Plugin, Request, Response};

struct MemoryBomb;

/// One MiB per step, so growth is quick but every step is real, touched memory.
const CHUNK: usize = 1 << 20;

impl Plugin for MemoryBomb {
    fn handle(_caller: Caller, _request: Request) -> Result<Response, Error> {
        let mut hoard: Vec<Vec<u8>> = Vec::new();
        loop {
            hoard.push(std::hint::black_box(vec![0xA5; CHUNK]));
        }
    }
}

wangge_sdk::export_plugin!(MemoryBomb);
