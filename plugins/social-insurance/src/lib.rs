//! 社保服务 (`social-insurance`): a resident's pension enrollment and contributions from
//! the insurance bureau, and the annual pension eligibility certification (待遇资格认证):
//! the due list and in-person certification for grid workers, self-certification and
//! scheduled reminders for pensioners (1.1.0).
//!
//! The bureau's API is in `docs/bureau-api.md`; its base URL is the `bureau_url` config.
//! The default build is release 1.1.0; the `release-1-0` feature builds 1.0.0 (manifest in
//! `releases/1.0.0/plugin.toml`), which upgrade tests start from.

mod bureau;
mod certification;
#[cfg(not(feature = "release-1-0"))]
mod migrate;
mod model;
#[cfg(not(feature = "release-1-0"))]
mod reminders;
mod resident_pages;
mod ui;
mod worker_pages;

use wangge_sdk::log;
use wangge_sdk::prelude::*;

struct SocialInsurance;

impl Plugin for SocialInsurance {
    fn handle(caller: Caller, request: Request) -> Result<Response, Error> {
        let router = Router::new()
            .get("/", resident_pages::summary)
            .get("/worker/certification", worker_pages::due_list)
            .post("/worker/certification", worker_pages::record_in_person);
        #[cfg(not(feature = "release-1-0"))]
        let router = router.post("/certify", resident_pages::self_certify);
        router.handle(caller, request)
    }

    #[cfg(not(feature = "release-1-0"))]
    fn scheduled(schedule: String, at: wangge_sdk::Timestamp) -> Result<(), Error> {
        if schedule == reminders::SCHEDULE {
            reminders::run(at)
        } else {
            Err(Error::invalid(format!("no schedule `{schedule}`")))
        }
    }

    fn install() -> Result<(), Error> {
        log::write(log::Level::Info, "social-insurance installed", &[]);
        Ok(())
    }

    #[cfg(not(feature = "release-1-0"))]
    fn migrate(from_version: String) -> Result<(), Error> {
        // Every version before 1.1.0 kept the 1.0.0 records; the rewrite is idempotent, so
        // it also runs (and finds nothing) when upgrading from 1.1.x.
        log::write(
            log::Level::Info,
            "migrate",
            &[("from_version".to_owned(), from_version)],
        );
        migrate::rewrite_legacy(migrate::UPGRADE_BUDGET).map(|_| ())
    }
}

export_plugin!(SocialInsurance);
