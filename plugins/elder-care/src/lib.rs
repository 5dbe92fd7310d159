//! 养老服务 (`elder-care`): a street's or community's elder-care services.
//!
//! - **老年人名册** (`register`): residents aged 60 or more, kept from 实有人口 by the
//!   `resident-changed` hook and a full sync at installation or on request.
//! - **高龄津贴** (`allowance`): eligibility from the configured age; workers record the
//!   application and the approval, residents see where theirs stands.
//! - **独居老人探访** (`visits`): a daily schedule reports visit tasks as events of the
//!   plugin's own category; workers record visits and the plugin closes the tasks.
//! - **助餐** (`meals`, `meal_store`): canteens from the config; residents book and cancel,
//!   canteen staff read the day's list.
//! - **一键求助** (`emergency`): an urgent event in the resident's grid and a message to its
//!   workers.
//!
//! Resident pages act only on the caller's own resident record (`Ctx::resident_id`);
//! worker pages need the grid-worker or unit-admin role and show the caller's unit only.
//! The default build is release 1.1.0; the `release-1-0` feature builds 1.0.0, which kept
//! meal bookings differently (`meal_store`, `migrate`).

mod allowance;
mod emergency;
mod home;
mod meal_store;
mod meals;
#[cfg(not(feature = "release-1-0"))]
mod migrate;
mod model;
mod register;
mod ui;
mod visits;

use wangge_sdk::prelude::*;
use wangge_sdk::{ChangeKind, Timestamp, log};

use crate::ui::{require_worker, worker_links};

/// The schedule that creates visit tasks (`[[schedules]]` in plugin.toml).
const VISIT_SCHEDULE: &str = "visit-tasks";

struct ElderCare;

impl Plugin for ElderCare {
    fn handle(caller: Caller, request: Request) -> Result<Response, Error> {
        Router::new()
            .get("/", home::home)
            .post("/help", emergency::help)
            .get("/meals", meals::meals_page)
            .post("/meals", meals::book)
            .post("/meals/cancel", meals::cancel)
            .get("/worker", worker_home)
            .get("/worker/elders", register::elders_page)
            .post("/worker/elders/sync", register::sync_page)
            .get("/worker/allowance", allowance::allowance_page)
            .post("/worker/allowance", allowance::record)
            .get("/worker/visits", visits::visits_page)
            .post("/worker/visits", visits::record)
            .get("/worker/meals", meals::day_list)
            .handle(caller, request)
    }

    fn resident_changed(kind: ChangeKind, resident: Resident) -> Result<(), Error> {
        register::resident_changed(kind, &resident)
    }

    fn event_transitioned(event: Event, _from: EventState, _action: String) -> Result<(), Error> {
        visits::event_transitioned(&event)
    }

    fn scheduled(schedule: String, at: Timestamp) -> Result<(), Error> {
        if schedule == VISIT_SCHEDULE {
            visits::create_tasks(Date::from_unix_ms(at)).map(|_| ())
        } else {
            log::write(
                log::Level::Warn,
                "unknown schedule",
                &[("schedule".to_owned(), schedule)],
            );
            Ok(())
        }
    }

    fn install() -> Result<(), Error> {
        register::sync().map(|_| ())
    }

    #[cfg(not(feature = "release-1-0"))]
    fn migrate(from_version: String) -> Result<(), Error> {
        migrate::migrate(&from_version)
    }
}

/// `GET /worker`: the worker's start page.
fn worker_home(ctx: &Ctx) -> Result<Response, Error> {
    require_worker(ctx)?;
    Ok(page(
        "养老服务工作台",
        html! {
            h1 { "养老服务工作台" }
            p { (ctx.caller().unit.name) }
            (worker_links(ctx))
        },
    ))
}

export_plugin!(ElderCare);
