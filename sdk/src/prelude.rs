//! What a typical plugin needs, in one import: `use wangge_sdk::prelude::*;`.

pub use crate::date::Date;
pub use crate::html::{Markup, PreEscaped, html, page, page_with_status, redirect};
pub use crate::store::{self, Collection};
pub use crate::{
    Caller, Ctx, Error, Event, EventQuery, EventState, Plugin, Request, Resident, ResidentQuery,
    Response, Router, config_or, config_value, export_plugin, http_get, http_get_json,
    http_post_json, notify_grid_workers, notify_resident, report_event,
};
