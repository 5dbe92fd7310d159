//! The one wasmtime [`Engine`]: component model, pooling allocator sized from [`Limits`],
//! and epoch interruption driven by a ticker thread.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread::JoinHandle;

use wasmtime::{
    Config, Enabled, Engine, InstanceAllocationStrategy, PoolingAllocationConfig,
    WasmBacktraceDetails,
};

use super::limits::{EPOCH_TICK, Limits};

/// Core instances one component may need: a Rust component carries its main module, the
/// WASI adapter and a few shim modules; other toolchains need similar counts.
const CORE_INSTANCES_PER_COMPONENT: u32 = 16;

/// Linear memories one component may need (main module and adapter).
const MEMORIES_PER_COMPONENT: u32 = 4;

/// Tables one component may need (indirect-call tables of its core modules).
const TABLES_PER_COMPONENT: u32 = 8;

/// Bytes of each memory and table slot kept resident between instances. A server-rendered
/// page touches well under this; more would only raise the host's resident memory.
const KEEP_RESIDENT_BYTES: usize = 2 << 20;

/// Builds the engine shared by every plugin.
pub fn build_engine(limits: &Limits) -> anyhow::Result<Engine> {
    let slots = limits.max_concurrent_instances;
    let mut pool = PoolingAllocationConfig::default();
    // Per component the maxima above apply; across the pool, components use on average no
    // more than half of them, which keeps the reserved address space reasonable.
    pool.total_component_instances(slots)
        .total_core_instances(slots * CORE_INSTANCES_PER_COMPONENT / 2)
        .total_memories(slots * MEMORIES_PER_COMPONENT / 2)
        .total_tables(slots * TABLES_PER_COMPONENT / 2)
        .total_stacks(slots)
        .max_core_instances_per_component(CORE_INSTANCES_PER_COMPONENT)
        .max_memories_per_component(MEMORIES_PER_COMPONENT)
        .max_tables_per_component(TABLES_PER_COMPONENT)
        .max_memory_size(limits.memory_bytes)
        // A fresh instance per request is only cheap if a reused slot does not fault its
        // pages back in: keep the low memory of each slot resident and reset just the pages
        // the last instance dirtied (found with PAGEMAP_SCAN where the kernel has it).
        .linear_memory_keep_resident(KEEP_RESIDENT_BYTES)
        .table_keep_resident(KEEP_RESIDENT_BYTES)
        .pagemap_scan(Enabled::Auto);
    let mut config = Config::new();
    config
        .wasm_component_model(true)
        .epoch_interruption(true)
        .allocation_strategy(InstanceAllocationStrategy::Pooling(pool))
        .wasm_backtrace_details(if limits.detailed_backtraces {
            WasmBacktraceDetails::Enable
        } else {
            WasmBacktraceDetails::Disable
        });
    Engine::new(&config).map_err(|e| anyhow::anyhow!("cannot configure wasmtime: {e}"))
}

/// Advances the engine's epoch every [`EPOCH_TICK`] until dropped.
#[derive(Debug)]
pub struct EpochTicker {
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

impl EpochTicker {
    /// Starts ticking `engine`.
    pub fn start(engine: Engine) -> Self {
        let stop = Arc::new(AtomicBool::new(false));
        let stopped = stop.clone();
        let thread = std::thread::Builder::new()
            .name("wangge-epoch".into())
            .spawn(move || {
                while !stopped.load(Ordering::Relaxed) {
                    std::thread::sleep(EPOCH_TICK);
                    engine.increment_epoch();
                }
            })
            .ok();
        Self { stop, thread }
    }
}

impl Drop for EpochTicker {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}
