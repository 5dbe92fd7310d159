//! 一键求助: the button on the resident's page reports an urgent `elder-care.help` event in
//! the resident's grid and tells the grid's workers. Pressing it again within a few minutes
//! does not report a second event: the first one is already on its way.

use serde::Serialize;
use wangge_sdk::log;
use wangge_sdk::prelude::*;

use crate::model::{HELP, HelpRequest};
use crate::ui::{field, own_record, url};
use wangge_sdk::date::{format_time, now_ms};

/// The category of emergency calls.
pub(crate) const HELP_CATEGORY: &str = "elder-care.help";

/// A second press within this time shows the first call instead of reporting again.
const REPEAT_WINDOW_MS: i64 = 10 * 60 * 1000;

/// Longest note.
pub(crate) const MAX_NOTE_CHARS: usize = 200;

#[derive(Serialize)]
struct HelpFields<'a> {
    resident_id: &'a str,
    elder_name: &'a str,
    #[serde(skip_serializing_if = "str::is_empty")]
    note: &'a str,
}

/// `POST /help`: an optional `note`.
pub(crate) fn help(ctx: &Ctx) -> Result<Response, Error> {
    let resident = match own_record(ctx)? {
        Ok(resident) => resident,
        Err(page) => return Ok(page),
    };
    let resident_id = resident.id.clone();
    let note = field(ctx, "note");
    if note.chars().count() > MAX_NOTE_CHARS {
        let problem = format!("情况说明不能超过 {MAX_NOTE_CHARS} 个字；不填写也可以直接求助。");
        return crate::home::render(ctx, 400, &note, Some(&problem));
    }
    let now = now_ms();
    if let Some(earlier) = HELP.get(&resident_id)?
        && now - earlier.at < REPEAT_WINDOW_MS
    {
        return Ok(confirmation(&earlier, true));
    }
    let description = if note.is_empty() {
        format!(
            "{} 在养老服务页面按下了一键求助，请立即电话联系并上门查看。",
            resident.name
        )
    } else {
        format!(
            "{} 在养老服务页面按下了一键求助，请立即电话联系并上门查看。情况说明：{note}",
            resident.name
        )
    };
    let event = report_event(
        HELP_CATEGORY,
        format!("一键求助：{}", resident.name),
        description,
        &resident.grid_code,
    )
    .urgent()
    .custom_fields(&HelpFields {
        resident_id: &resident_id,
        elder_name: &resident.name,
        note: &note,
    })
    .send()?;
    let request = HelpRequest {
        event_id: event.id,
        at: now,
    };
    HELP.insert(&resident_id, &request)?;
    // The event is what counts; the inbox message is a second channel and may be missing.
    if let Err(error) = notify_grid_workers(
        &resident.grid_code,
        &format!("紧急求助：{}", resident.name),
        &format!(
            "{} 按下了一键求助（事件 {}），请立即联系。",
            resident.name, request.event_id
        ),
        Some("/worker/elders"),
    ) {
        log::write(
            log::Level::Warn,
            "help: grid workers not notified",
            &[("error".to_owned(), error.message().to_owned())],
        );
    }
    Ok(confirmation(&request, false))
}

fn confirmation(request: &HelpRequest, repeated: bool) -> Response {
    page(
        "求助已发出",
        html! {
            h1 { "求助已发出" }
            p role="status" {
                @if repeated {
                    "您在 " (format_time(request.at)) " 的求助已经发出，网格员正在处理，请保持电话畅通。"
                } @else {
                    "您的求助已经发给网格员和综治中心，请保持电话畅通，等候联系。"
                }
            }
            p { "求助编号：" strong #help-event { (request.event_id) } }
            p { "情况危急请直接拨打 120（急救）或 110（报警）。" }
            p { a href=(url("/")) { "← 返回养老服务" } }
        },
    )
}
