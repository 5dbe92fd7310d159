//! The data of one `Store`: everything a single plugin call owns, created fresh for every
//! request and dropped with it, so nothing leaks from one caller to the next.

use std::sync::Arc;
use std::time::Instant;

use wasmtime::component::ResourceTable;
use wasmtime::{ResourceLimiter, Result};
use wasmtime_wasi::{WasiCtx, WasiCtxView, WasiView};

use super::fault::HostLimit;
use super::installation::Installation;

/// Tables past this many elements are a runaway, not a program.
const MAX_TABLE_ELEMENTS: usize = 100_000;

/// Instances, tables and memories one store may create; a component needs a handful.
const MAX_STORE_OBJECTS: usize = 64;

/// One call's state.
pub struct CallState {
    pub(super) installation: Arc<Installation>,
    pub(super) deadline: Instant,
    pub(super) host_calls: u32,
    pub(super) memory: MemoryLimiter,
    wasi: WasiCtx,
    table: ResourceTable,
}

impl CallState {
    /// State for one call of `installation` that must finish by `deadline`.
    pub fn new(installation: Arc<Installation>, deadline: Instant) -> Self {
        let memory = MemoryLimiter::new(installation.limits.memory_bytes);
        Self {
            installation,
            deadline,
            host_calls: 0,
            memory,
            // Deny by default: no environment, no arguments, no preopened directories, no
            // sockets, stdio closed. The plugin still links against all of WASI 0.2, so any
            // toolchain's component instantiates.
            wasi: WasiCtx::builder().build(),
            table: ResourceTable::new(),
        }
    }

    /// Counts one host call and stops the plugin when it is over its cap or deadline.
    pub(super) fn enter(&mut self) -> Result<()> {
        self.host_calls += 1;
        self.installation.metrics.host_calls.inc();
        if self.host_calls > self.installation.limits.max_host_calls {
            return Err(HostLimit::HostCalls(self.installation.limits.max_host_calls).into());
        }
        if Instant::now() >= self.deadline {
            return Err(HostLimit::Deadline.into());
        }
        Ok(())
    }

    /// The installation this call belongs to.
    pub fn installation(&self) -> &Installation {
        &self.installation
    }
}

impl WasiView for CallState {
    fn ctx(&mut self) -> WasiCtxView<'_> {
        WasiCtxView {
            ctx: &mut self.wasi,
            table: &mut self.table,
        }
    }
}

/// Enforces the memory limit and remembers the peak, which becomes a metric.
#[derive(Debug)]
pub struct MemoryLimiter {
    limit: usize,
    in_use: usize,
    /// The most linear memory the store held at once.
    pub peak: usize,
}

impl MemoryLimiter {
    fn new(limit: usize) -> Self {
        Self {
            limit,
            in_use: 0,
            peak: 0,
        }
    }
}

impl ResourceLimiter for MemoryLimiter {
    fn memory_growing(
        &mut self,
        current: usize,
        desired: usize,
        _maximum: Option<usize>,
    ) -> Result<bool> {
        let in_use = self.in_use - current.min(self.in_use) + desired;
        if in_use > self.limit {
            // Trap rather than let `memory.grow` return -1: the plugin would abort anyway,
            // and this way the fault is recognisable as "memory".
            return Err(HostLimit::Memory(self.limit).into());
        }
        self.in_use = in_use;
        self.peak = self.peak.max(in_use);
        Ok(true)
    }

    fn table_growing(
        &mut self,
        _current: usize,
        desired: usize,
        _maximum: Option<usize>,
    ) -> Result<bool> {
        Ok(desired <= MAX_TABLE_ELEMENTS)
    }

    fn instances(&self) -> usize {
        MAX_STORE_OBJECTS
    }

    fn tables(&self) -> usize {
        MAX_STORE_OBJECTS
    }

    fn memories(&self) -> usize {
        MAX_STORE_OBJECTS
    }
}
