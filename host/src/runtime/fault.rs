//! Faults: the ways a plugin call can fail that are the plugin's doing (or the host being
//! full), how they are recognised, and how they are named to users and in metrics.

use std::fmt;

/// What went wrong with a plugin call.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum FaultKind {
    /// The plugin trapped: a panic, `unreachable`, a bad memory access …
    Trap,
    /// It ran past its deadline, host-call time included.
    Timeout,
    /// It tried to grow its memory past the limit.
    Memory,
    /// It made more host calls than one call may.
    HostCalls,
    /// Its response was larger than allowed, or malformed.
    Response,
    /// The circuit breaker has suspended it.
    Suspended,
    /// Every instance slot is taken; not the plugin's fault, and not counted against it.
    Overloaded,
}

impl FaultKind {
    /// The label used in metrics and logs.
    pub fn label(self) -> &'static str {
        match self {
            Self::Trap => "trap",
            Self::Timeout => "timeout",
            Self::Memory => "memory",
            Self::HostCalls => "host_calls",
            Self::Response => "response",
            Self::Suspended => "suspended",
            Self::Overloaded => "overloaded",
        }
    }

    /// The name shown to users.
    pub fn label_zh(self) -> &'static str {
        match self {
            Self::Trap => "运行错误",
            Self::Timeout => "超时",
            Self::Memory => "内存超限",
            Self::HostCalls => "调用次数超限",
            Self::Response => "响应无效或过大",
            Self::Suspended => "已暂停",
            Self::Overloaded => "系统繁忙",
        }
    }

    /// Whether the fault counts toward the circuit breaker.
    pub fn counts_against_plugin(self) -> bool {
        !matches!(self, Self::Suspended | Self::Overloaded)
    }
}

/// A failed plugin call: its kind and a detail for the log (never shown to users, since it
/// may quote plugin internals).
#[derive(Debug, Clone)]
pub struct Fault {
    /// What kind of fault.
    pub kind: FaultKind,
    /// What happened, for operators.
    pub detail: String,
}

impl fmt::Display for Fault {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.kind.label(), self.detail)
    }
}

/// Errors the host raises inside a call to stop the plugin; they trap it and are recognised
/// again when the call's error is classified.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HostLimit {
    /// The host-call cap was reached.
    HostCalls(u32),
    /// The deadline passed while the plugin was inside a host call.
    Deadline,
    /// Memory growth past the limit.
    Memory(usize),
}

impl fmt::Display for HostLimit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::HostCalls(cap) => write!(f, "more than {cap} host calls in one call"),
            Self::Deadline => f.write_str("deadline passed during a host call"),
            Self::Memory(limit) => write!(f, "memory would grow past {limit} bytes"),
        }
    }
}

impl std::error::Error for HostLimit {}

/// Names the fault behind a wasmtime error.
pub fn classify(error: &wasmtime::Error) -> FaultKind {
    if let Some(limit) = error.downcast_ref::<HostLimit>() {
        return match limit {
            HostLimit::HostCalls(_) => FaultKind::HostCalls,
            HostLimit::Deadline => FaultKind::Timeout,
            HostLimit::Memory(_) => FaultKind::Memory,
        };
    }
    if error.downcast_ref::<wasmtime::Trap>() == Some(&wasmtime::Trap::Interrupt) {
        return FaultKind::Timeout;
    }
    if error.is::<wasmtime::PoolConcurrencyLimitError>() {
        return FaultKind::Overloaded;
    }
    FaultKind::Trap
}
