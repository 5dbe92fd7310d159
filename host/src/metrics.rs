//! Per-plugin metrics in Prometheus form: calls, latency, faults by kind, host calls,
//! denials and the instance memory peak.

use std::sync::atomic::AtomicU64;

use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::Histogram;
use prometheus_client::registry::Registry;

use crate::runtime::fault::FaultKind;

/// Latency buckets in seconds, from a bare instantiate-and-call (tens of µs) to the page
/// deadline (2 s).
const LATENCY_BUCKETS: [f64; 16] = [
    0.000_05, 0.000_1, 0.000_25, 0.000_5, 0.001, 0.002_5, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5,
    1.0, 2.0, 5.0,
];

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct PluginLabels {
    plugin: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct FaultLabels {
    plugin: String,
    kind: String,
}

type MemoryGauge = Gauge<u64, AtomicU64>;

/// All metric families of the host.
#[derive(Debug)]
pub struct Metrics {
    registry: Registry,
    calls: Family<PluginLabels, Counter>,
    latency: Family<PluginLabels, Histogram>,
    faults: Family<FaultLabels, Counter>,
    host_calls: Family<PluginLabels, Counter>,
    memory_peak: Family<PluginLabels, MemoryGauge>,
}

/// One plugin's handles into [`Metrics`], taken once so the per-call path only touches
/// atomics.
#[derive(Debug, Clone)]
pub struct PluginMetrics {
    /// Calls into the plugin.
    pub calls: Counter,
    /// Latency of each call.
    pub latency: Histogram,
    /// Host calls made by the plugin.
    pub host_calls: Counter,
    /// Imports refused for a missing permission.
    pub denied: Counter,
    pub(crate) faults: [(FaultKind, Counter); 7],
    memory_peak: MemoryGauge,
}

impl PluginMetrics {
    /// Counts a fault of `kind`.
    pub fn fault(&self, kind: FaultKind) {
        if let Some((_, counter)) = self.faults.iter().find(|(k, _)| *k == kind) {
            counter.inc();
        }
    }

    /// Raises the memory peak to `bytes` if higher.
    pub fn observe_memory(&self, bytes: usize) {
        let bytes = u64::try_from(bytes).unwrap_or(u64::MAX);
        self.memory_peak
            .inner()
            .fetch_max(bytes, std::sync::atomic::Ordering::Relaxed);
    }
}

impl Default for Metrics {
    fn default() -> Self {
        let mut registry = Registry::with_prefix("wangge_plugin");
        let calls = Family::<PluginLabels, Counter>::default();
        let latency = Family::<PluginLabels, Histogram>::new_with_constructor(
            (|| Histogram::new(LATENCY_BUCKETS)) as fn() -> Histogram,
        );
        let faults = Family::<FaultLabels, Counter>::default();
        let host_calls = Family::<PluginLabels, Counter>::default();
        let memory_peak = Family::<PluginLabels, MemoryGauge>::default();
        registry.register(
            "calls",
            "Calls into a plugin (pages and lifecycle)",
            calls.clone(),
        );
        registry.register(
            "call_duration_seconds",
            "Wall-clock time of a plugin call, instantiation included",
            latency.clone(),
        );
        registry.register(
            "faults",
            "Failed plugin calls and refused imports by kind (trap, timeout, memory, \
             host_calls, response, suspended, overloaded, denied)",
            faults.clone(),
        );
        registry.register(
            "host_calls",
            "Imports called by a plugin",
            host_calls.clone(),
        );
        registry.register(
            "memory_peak_bytes",
            "Largest linear memory one instance of the plugin has held",
            memory_peak.clone(),
        );
        Self {
            registry,
            calls,
            latency,
            faults,
            host_calls,
            memory_peak,
        }
    }
}

impl Metrics {
    /// The handles for `plugin`.
    pub fn for_plugin(&self, plugin: &str) -> PluginMetrics {
        let labels = PluginLabels {
            plugin: plugin.to_owned(),
        };
        let fault = |kind: &str| {
            self.faults
                .get_or_create(&FaultLabels {
                    plugin: plugin.to_owned(),
                    kind: kind.to_owned(),
                })
                .clone()
        };
        let kinds = [
            FaultKind::Trap,
            FaultKind::Timeout,
            FaultKind::Memory,
            FaultKind::HostCalls,
            FaultKind::Response,
            FaultKind::Suspended,
            FaultKind::Overloaded,
        ];
        PluginMetrics {
            calls: self.calls.get_or_create(&labels).clone(),
            latency: self.latency.get_or_create(&labels).clone(),
            host_calls: self.host_calls.get_or_create(&labels).clone(),
            denied: fault("denied"),
            faults: kinds.map(|kind| (kind, fault(kind.label()))),
            memory_peak: self.memory_peak.get_or_create(&labels).clone(),
        }
    }

    /// The registry in the OpenMetrics text format that Prometheus scrapes.
    pub fn encode(&self) -> String {
        let mut text = String::new();
        // Writing into a String cannot fail.
        let _ = prometheus_client::encoding::text::encode(&mut text, &self.registry);
        text
    }
}
