//! Test plugin for the installation lifecycle: counts visits in storage, and its migrate
//! hook writes to storage and then fails when a page armed it — so a test can prove that a
//! failed upgrade leaves the installation's data exactly as it was.

use wangge_sdk::page::{escape_html, html, query_param};
use wangge_sdk::{Caller, Error, Plugin, Request, Response, config, log, storage};

struct UpgradeProbe;

/// The visit counter.
const VISITS_KEY: &str = "visits";
/// `error` or `trap`: how the next migrate hook fails.
const ARMED_KEY: &str = "migrate-fails";
/// The version the last successful migrate hook came from.
const MIGRATED_KEY: &str = "migrated-from";

impl Plugin for UpgradeProbe {
    fn handle(_caller: Caller, request: Request) -> Result<Response, Error> {
        match request.path.as_str() {
            "/" => counter(),
            "/arm" => {
                let mode = query_param(&request.query, "mode").unwrap_or_else(|| "error".into());
                storage::set(ARMED_KEY, mode.as_bytes())?;
                Ok(html(
                    "armed",
                    format!("<p id=\"armed\">{}</p>", escape_html(&mode)),
                ))
            }
            "/disarm" => {
                storage::delete(ARMED_KEY)?;
                Ok(html("disarmed", "<p id=\"armed\">none</p>".to_owned()))
            }
            other => Err(Error::NotFound(format!(
                "upgrade-probe has no page at {other}"
            ))),
        }
    }

    fn install() -> Result<(), Error> {
        log::write(log::Level::Info, "upgrade-probe installed", &[]);
        Ok(())
    }

    fn migrate(from_version: String) -> Result<(), Error> {
        // Write first, so a failure afterwards proves the host undoes the hook's writes.
        storage::set(MIGRATED_KEY, from_version.as_bytes())?;
        storage::set(VISITS_KEY, b"0")?;
        let armed = storage::get(ARMED_KEY)?.map(|v| String::from_utf8_lossy(&v).into_owned());
        match armed.as_deref() {
            Some("trap") => panic!("upgrade-probe migrate armed to trap"),
            Some(_) => Err(Error::Invalid(format!(
                "upgrade-probe cannot migrate from {from_version}: armed to fail"
            ))),
            None => Ok(()),
        }
    }

    fn uninstall() -> Result<(), Error> {
        log::write(log::Level::Info, "upgrade-probe uninstalled", &[]);
        Ok(())
    }
}

fn counter() -> Result<Response, Error> {
    let visits = storage::increment(VISITS_KEY, 1)?;
    let label = config::get("label").unwrap_or_default();
    let migrated = storage::get(MIGRATED_KEY)?
        .map(|v| String::from_utf8_lossy(&v).into_owned())
        .unwrap_or_else(|| "none".to_owned());
    Ok(html(
        "计数",
        format!(
            "<p>{}: <strong id=\"visits\">{visits}</strong></p><p id=\"migrated\">{}</p>",
            escape_html(&label),
            escape_html(&migrated)
        ),
    ))
}

wangge_sdk::export_plugin!(UpgradeProbe);
