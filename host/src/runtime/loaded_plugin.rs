//! A plugin ready to serve: its pre-instantiated component and its installation. Every call
//! gets a fresh store and instance with the deadline, memory limit and host-call cap.

use std::sync::Arc;
use std::time::{Duration, Instant};

use wasmtime::{Engine, Store, UpdateDeadline};

use super::bindings::exports::wangge::plugin::hooks::ChangeKind;
use super::bindings::wangge::plugin::types::{Event, EventState, Resident, Timestamp};
use super::bindings::{Caller, PluginError, PluginPre, Request, Response};
use super::breaker::{Admission, Tripped};
use super::call_state::CallState;
use super::fault::{Fault, FaultKind, classify};
use super::installation::Installation;

/// One call into a plugin's exports.
enum Export {
    /// Boxed: a caller and request are large next to the lifecycle calls.
    Page(Box<(Caller, Request)>),
    Install,
    /// Upgrading from this version.
    Migrate(String),
    Uninstall,
    ResidentChanged(Box<(ChangeKind, Resident)>),
    EventReported(Box<Event>),
    EventTransitioned(Box<(Event, EventState, String)>),
    Scheduled(String, Timestamp),
}

/// A notification for the plugin's `hooks` export: delivered by `plugins::hooks` to the
/// installations that subscribed (and fired from their declared schedules), and on demand
/// by the test harness (`sdk/harness`).
#[derive(Debug, Clone)]
pub enum HookCall {
    /// `resident-changed(kind, resident)`, the resident as the plugin may see them.
    ResidentChanged(ChangeKind, Resident),
    /// `event-reported(event)`.
    EventReported(Event),
    /// `event-transitioned(event, from-state, action)`.
    EventTransitioned(Event, EventState, String),
    /// `scheduled(schedule, at)`.
    Scheduled(String, Timestamp),
}

enum Output {
    Page(Result<Response, PluginError>),
    Lifecycle(Result<(), PluginError>),
}

/// A plugin installation that can be called.
pub struct LoadedPlugin {
    /// Its installation.
    pub installation: Arc<Installation>,
    pre: PluginPre<CallState>,
    engine: Engine,
}

impl LoadedPlugin {
    /// Wraps a prepared component for `installation`.
    pub fn new(installation: Installation, pre: PluginPre<CallState>, engine: Engine) -> Self {
        Self {
            installation: Arc::new(installation),
            pre,
            engine,
        }
    }

    /// Serves one page request, behind the circuit breaker.
    pub async fn page(
        &self,
        caller: Caller,
        request: Request,
    ) -> Result<Result<Response, PluginError>, Fault> {
        let installation = &self.installation;
        if let Admission::Suspended {
            retry_after,
            last_fault,
        } = installation.breaker.admit()
        {
            installation.metrics.fault(FaultKind::Suspended);
            return Err(Fault {
                kind: FaultKind::Suspended,
                detail: format!(
                    "suspended after repeated faults (last: {}); next trial in {}s",
                    last_fault.label(),
                    retry_after.as_secs()
                ),
            });
        }
        let outcome = self
            .invoke(
                Export::Page(Box::new((caller, request))),
                installation.page_deadline(),
            )
            .await
            .and_then(|output| match output {
                Output::Page(answer) => self.check_response(answer),
                Output::Lifecycle(_) => {
                    Err(self.bad_response("a page call returned a lifecycle answer".into()))
                }
            });
        match &outcome {
            Ok(_) => installation.breaker.record_success(),
            Err(fault) => {
                if installation.breaker.record_fault(fault.kind) == Tripped::Yes {
                    tracing::error!(
                        plugin = installation.plugin_id(),
                        installation = installation.id,
                        fault = %fault,
                        cooldown_s = installation.limits.breaker_cooldown.as_secs(),
                        "plugin suspended by the circuit breaker after {} consecutive faults",
                        installation.limits.breaker_threshold
                    );
                }
            }
        }
        outcome
    }

    /// Runs the `install` lifecycle hook.
    pub async fn install(&self) -> Result<Result<(), PluginError>, Fault> {
        self.lifecycle(Export::Install).await
    }

    /// Runs the `migrate` lifecycle hook of an upgrade from `from_version`.
    pub async fn migrate(&self, from_version: &str) -> Result<Result<(), PluginError>, Fault> {
        self.lifecycle(Export::Migrate(from_version.to_owned()))
            .await
    }

    /// Runs the `uninstall` lifecycle hook.
    pub async fn uninstall(&self) -> Result<Result<(), PluginError>, Fault> {
        self.lifecycle(Export::Uninstall).await
    }

    /// Delivers one notification to the plugin's `hooks` export, within a page's deadline.
    /// A fault counts toward the circuit breaker like a page's.
    pub async fn hook(&self, call: HookCall) -> Result<Result<(), PluginError>, Fault> {
        let export = match call {
            HookCall::ResidentChanged(kind, resident) => {
                Export::ResidentChanged(Box::new((kind, resident)))
            }
            HookCall::EventReported(event) => Export::EventReported(Box::new(event)),
            HookCall::EventTransitioned(event, from, action) => {
                Export::EventTransitioned(Box::new((event, from, action)))
            }
            HookCall::Scheduled(name, at) => Export::Scheduled(name, at),
        };
        let installation = &self.installation;
        let outcome = match self.invoke(export, installation.page_deadline()).await {
            Ok(Output::Lifecycle(answer)) => Ok(answer),
            Ok(Output::Page(_)) => Err(self.bad_response("a hook returned a page answer".into())),
            Err(fault) => Err(fault),
        };
        match &outcome {
            Ok(_) => installation.breaker.record_success(),
            Err(fault) => {
                installation.breaker.record_fault(fault.kind);
            }
        }
        outcome
    }

    async fn lifecycle(&self, export: Export) -> Result<Result<(), PluginError>, Fault> {
        match self
            .invoke(export, self.installation.limits.lifecycle_deadline)
            .await?
        {
            Output::Lifecycle(answer) => Ok(answer),
            Output::Page(_) => Err(Fault {
                kind: FaultKind::Response,
                detail: "a lifecycle hook returned a page answer".into(),
            }),
        }
    }

    fn check_response(
        &self,
        answer: Result<Response, PluginError>,
    ) -> Result<Result<Response, PluginError>, Fault> {
        let Ok(response) = &answer else {
            return Ok(answer);
        };
        let max = self.installation.limits.max_response_bytes;
        let size = response.body.len()
            + response.title.as_ref().map_or(0, String::len)
            + response
                .headers
                .iter()
                .map(|(k, v)| k.len() + v.len())
                .sum::<usize>();
        if size > max {
            return Err(self.bad_response(format!(
                "response of {size} bytes exceeds the limit of {max} bytes"
            )));
        }
        if !(100..=599).contains(&response.status) {
            return Err(self.bad_response(format!("invalid HTTP status {}", response.status)));
        }
        Ok(answer)
    }

    /// A response the host will not serve: counted and logged like any other fault.
    fn bad_response(&self, detail: String) -> Fault {
        let installation = &self.installation;
        installation.metrics.fault(FaultKind::Response);
        tracing::warn!(
            plugin = installation.plugin_id(),
            installation = installation.id,
            kind = FaultKind::Response.label(),
            "plugin call failed: {detail}"
        );
        Fault {
            kind: FaultKind::Response,
            detail,
        }
    }

    async fn invoke(&self, export: Export, budget: Duration) -> Result<Output, Fault> {
        let installation = &self.installation;
        let started = Instant::now();
        let deadline = started + budget;
        let mut store = Store::new(&self.engine, CallState::new(installation.clone(), deadline));
        store.limiter(|state| &mut state.memory);
        // Check the deadline at every epoch tick, and yield to the executor in between so a
        // busy plugin cannot starve other requests on the same worker thread.
        store.set_epoch_deadline(1);
        store.epoch_deadline_callback(|cx| {
            Ok(if Instant::now() >= cx.data().deadline {
                UpdateDeadline::Interrupt
            } else {
                UpdateDeadline::Yield(1)
            })
        });
        // The wall-clock timeout also covers time spent awaiting host calls.
        let outcome = tokio::time::timeout(budget, run(&self.pre, &mut store, export)).await;
        let metrics = &installation.metrics;
        metrics.calls.inc();
        metrics.latency.observe(started.elapsed().as_secs_f64());
        metrics.observe_memory(store.data().memory.peak);
        let fault = match outcome {
            Ok(Ok(output)) => return Ok(output),
            Err(_elapsed) => Fault {
                kind: FaultKind::Timeout,
                detail: format!("deadline of {} ms passed", budget.as_millis()),
            },
            Ok(Err(error)) => Fault {
                kind: classify(&error),
                detail: format!("{error:?}"),
            },
        };
        metrics.fault(fault.kind);
        tracing::warn!(
            plugin = installation.plugin_id(),
            installation = installation.id,
            kind = fault.kind.label(),
            elapsed_ms = started.elapsed().as_millis(),
            "plugin call failed: {}",
            fault.detail
        );
        Err(fault)
    }
}

async fn run(
    pre: &PluginPre<CallState>,
    store: &mut Store<CallState>,
    export: Export,
) -> wasmtime::Result<Output> {
    let plugin = pre.instantiate_async(&mut *store).await?;
    Ok(match export {
        Export::Page(page) => Output::Page(
            plugin
                .wangge_plugin_pages()
                .call_handle(&mut *store, &page.0, &page.1)
                .await?,
        ),
        Export::Install => Output::Lifecycle(
            plugin
                .wangge_plugin_lifecycle()
                .call_install(&mut *store)
                .await?,
        ),
        Export::Migrate(from_version) => Output::Lifecycle(
            plugin
                .wangge_plugin_lifecycle()
                .call_migrate(&mut *store, &from_version)
                .await?,
        ),
        Export::Uninstall => Output::Lifecycle(
            plugin
                .wangge_plugin_lifecycle()
                .call_uninstall(&mut *store)
                .await?,
        ),
        Export::ResidentChanged(call) => Output::Lifecycle(
            plugin
                .wangge_plugin_hooks()
                .call_resident_changed(&mut *store, call.0, &call.1)
                .await?,
        ),
        Export::EventReported(event) => Output::Lifecycle(
            plugin
                .wangge_plugin_hooks()
                .call_event_reported(&mut *store, &event)
                .await?,
        ),
        Export::EventTransitioned(call) => Output::Lifecycle(
            plugin
                .wangge_plugin_hooks()
                .call_event_transitioned(&mut *store, &call.0, call.1, &call.2)
                .await?,
        ),
        Export::Scheduled(name, at) => Output::Lifecycle(
            plugin
                .wangge_plugin_hooks()
                .call_scheduled(&mut *store, &name, at)
                .await?,
        ),
    })
}
