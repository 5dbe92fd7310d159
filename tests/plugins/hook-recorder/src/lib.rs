//! The `hook-recorder` test plugin: every hook call appends one line to its storage
//! (`log/NNNNNN`), and `/` shows them all, one per line, oldest first.
//!
//! A resident tagged `hook-fault-once` makes its first `resident-changed` call trap (a
//! fault the host retries), and one tagged `hook-fault-always` makes every call trap (a
//! delivery the host gives up on): so a test sees retries from the outside. The attempts
//! are counted in storage, which a trap does not undo.

use wangge_sdk::prelude::*;
use wangge_sdk::{ChangeKind, Timestamp};

struct Recorder;

fn record(line: String) -> Result<(), Error> {
    let n = store::increment("seq", 1)?;
    store::set(&format!("log/{n:06}"), &line)
}

fn state_name(state: EventState) -> &'static str {
    match state {
        EventState::Reported => "reported",
        EventState::Accepted => "accepted",
        EventState::Rejected => "rejected",
        EventState::Dispatched => "dispatched",
        EventState::Handling => "handling",
        EventState::Resolved => "resolved",
        EventState::Closed => "closed",
        EventState::Evaluated => "evaluated",
    }
}

impl Plugin for Recorder {
    fn handle(caller: Caller, request: Request) -> Result<Response, Error> {
        Router::new().get("/", list).handle(caller, request)
    }

    fn resident_changed(kind: ChangeKind, resident: Resident) -> Result<(), Error> {
        let tagged = |tag: &str| resident.tags.iter().any(|t| t == tag);
        if tagged("hook-fault-always") || tagged("hook-fault-once") {
            let attempts = store::increment(&format!("attempts/{}", resident.id), 1)?;
            let line = format!("attempt:{}:{attempts}", resident.name);
            record(line)?;
            if tagged("hook-fault-always") || attempts == 1 {
                panic!("hook-recorder armed to fault for {}", resident.name);
            }
        }
        let kind = match kind {
            ChangeKind::Added => "added",
            ChangeKind::Updated => "updated",
            ChangeKind::Removed => "removed",
        };
        record(format!(
            "resident-changed:{kind}:{}:{}",
            resident.name, resident.id_number
        ))
    }

    fn event_reported(event: Event) -> Result<(), Error> {
        record(format!("event-reported:{}:{}", event.id, event.unit_code))
    }

    fn event_transitioned(event: Event, from: EventState, action: String) -> Result<(), Error> {
        record(format!(
            "event-transitioned:{}:{}:{action}:{}",
            event.id,
            state_name(from),
            state_name(event.state)
        ))
    }

    fn scheduled(schedule: String, _at: Timestamp) -> Result<(), Error> {
        record(format!("scheduled:{schedule}"))
    }
}

fn list(_ctx: &Ctx) -> Result<Response, Error> {
    let lines: Vec<String> = store::keys("log/")?
        .iter()
        .filter_map(|key| store::get::<String>(key).ok().flatten())
        .collect();
    Ok(page("钩子记录", html! { pre #log { (lines.join("\n")) } }))
}

export_plugin!(Recorder);
