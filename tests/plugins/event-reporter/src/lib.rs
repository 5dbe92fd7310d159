//! Test plugin: owns an event category with custom fields and reports, reads, lists and
//! handles events through the contract, printing each answer so the tests can see exactly
//! what the host allowed and refused.

use wangge_sdk::events::{self, EventFilter, NewEvent};
use wangge_sdk::page::{escape_html, html, query_param};
use wangge_sdk::{Caller, Error, Event, Plugin, Request, Response};

struct EventReporter;

fn answer(result: Result<String, Error>) -> Response {
    let text = match result {
        Ok(text) => text,
        Err(error) => format!("error: {error:?}"),
    };
    html(
        "事件上报测试",
        format!("<pre id=\"answer\">{}</pre>", escape_html(&text)),
    )
}

/// One event on one line: `ID CATEGORY STATE UNIT REPORTER FIELDS`.
fn line(event: &Event) -> String {
    format!(
        "{} {} {:?} {} {} {}",
        event.id,
        event.category,
        event.state,
        event.unit_code,
        event.reporter.clone().unwrap_or_default(),
        event.custom_fields
    )
}

/// A JSON string literal of `text` (the plugin carries no JSON library).
fn json_string(text: &str) -> String {
    let mut out = String::from("\"");
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if u32::from(c) < 0x20 => out.push_str(&format!("\\u{:04x}", u32::from(c))),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

fn report(query: &str) -> Result<String, Error> {
    let custom_fields = match (query_param(query, "fields"), query_param(query, "field")) {
        (Some(raw), _) => raw,
        (None, Some(visitor)) => format!("{{\"visitor\":{}}}", json_string(&visitor)),
        (None, None) => "{}".to_owned(),
    };
    events::report(&NewEvent {
        category: query_param(query, "category")
            .unwrap_or_else(|| "event-reporter.visit".to_owned()),
        title: query_param(query, "title").unwrap_or_else(|| "独居老人需要送医".to_owned()),
        description: "探访时发现老人身体不适".to_owned(),
        unit_code: query_param(query, "unit").unwrap_or_default(),
        urgent: query_param(query, "urgent").is_some(),
        custom_fields,
    })
    .map(|e| line(&e))
}

fn list(query: &str) -> Result<String, Error> {
    let found = events::query(&EventFilter {
        unit_prefix: query_param(query, "prefix"),
        category: query_param(query, "category"),
        state: None,
        after: query_param(query, "after"),
        limit: query_param(query, "limit")
            .and_then(|v| v.parse().ok())
            .unwrap_or(100),
    })?;
    Ok(found.iter().map(line).collect::<Vec<_>>().join("\n"))
}

fn categories() -> Result<String, Error> {
    let found = events::categories()?;
    Ok(found
        .iter()
        .map(|c| {
            format!(
                "{} {}",
                c.code,
                c.owner_plugin.clone().unwrap_or_else(|| "-".to_owned())
            )
        })
        .collect::<Vec<_>>()
        .join("\n"))
}

impl Plugin for EventReporter {
    fn handle(_caller: Caller, request: Request) -> Result<Response, Error> {
        let query = request.query.as_str();
        let id = query_param(query, "id").unwrap_or_default();
        Ok(match request.path.as_str() {
            "/report" => answer(report(query)),
            "/get" => answer(events::get(&id).map(|e| line(&e))),
            "/list" => answer(list(query)),
            "/categories" => answer(categories()),
            "/handle" => answer(
                events::transition(
                    &id,
                    &query_param(query, "action").unwrap_or_else(|| "handle".to_owned()),
                    "插件已联系家属处置",
                )
                .map(|e| line(&e)),
            ),
            other => return Err(Error::NotFound(format!("no page {other}"))),
        })
    }
}

wangge_sdk::export_plugin!(EventReporter);
