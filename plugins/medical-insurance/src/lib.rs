//! The `medical-insurance` (医保服务) plugin: the annual 城乡居民医保 payment campaign
//! (who in a grid has not paid, follow-ups, reminders), residents' reimbursement claims
//! (报销申请) reviewed by grid workers, and the designated hospitals of 黄石市's counties.
//! The bureau's data comes over the host's `outbound` import (docs/bureau-api.md).
//!
//! Built with the `release-1-0` feature it is release 1.0.0, which stored claims in an
//! older shape; 1.1.0's `migrate` rewrites them.

mod bureau;
mod campaign;
mod claims;
mod hospitals;
#[cfg(not(feature = "release-1-0"))]
mod migrate;
mod model;
mod resident_pages;
mod web;
mod worker_pages;

use wangge_sdk::Timestamp;
use wangge_sdk::prelude::*;

struct MedicalInsurance;

impl Plugin for MedicalInsurance {
    fn handle(caller: Caller, request: Request) -> Result<Response, Error> {
        Router::new()
            .get("/", resident_pages::home)
            .get("/claims", resident_pages::my_claims)
            .post("/claims", resident_pages::submit_claim)
            .get("/claims/new", resident_pages::new_claim)
            .get("/claims/{id}", resident_pages::show_claim)
            .get("/hospitals", hospitals::list)
            .get("/worker/campaign", worker_pages::campaign_list)
            .get(
                "/worker/campaign/{resident}/follow-up",
                worker_pages::follow_up_form,
            )
            .post(
                "/worker/campaign/{resident}/follow-up",
                worker_pages::record_follow_up,
            )
            .post(
                "/worker/campaign/{resident}/remind",
                worker_pages::send_reminder,
            )
            .get("/worker/claims", worker_pages::claims_list)
            .post("/worker/claims/{id}/review", worker_pages::review)
            .handle(caller, request)
    }

    fn scheduled(schedule: String, _at: Timestamp) -> Result<(), Error> {
        if schedule == campaign::SCHEDULE {
            campaign::run_schedule()?;
        }
        Ok(())
    }

    #[cfg(not(feature = "release-1-0"))]
    fn migrate(from_version: String) -> Result<(), Error> {
        migrate::run(&from_version)
    }
}

export_plugin!(MedicalInsurance);
