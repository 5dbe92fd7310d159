//! Test plugin: sends one inbox message per request through the `notify` import, to a
//! resident (`/send?to=resident&id=N&title=…&body=…[&link=…]`) or to a grid's workers
//! (`/send?to=grid&grid=CODE&…`), and prints `sent` or `error=<variant>: <message>`, always
//! with status 200, so the tests read exactly what the host answered.

use wangge_sdk::page::{escape_html, html, query_param};
use wangge_sdk::{Caller, Error, Plugin, Request, Response, notify_grid_workers, notify_resident};

struct Notifier;

/// The contract's name of the error's variant, as the tests spell it.
fn variant(error: &Error) -> &'static str {
    match error {
        Error::Denied(_) => "denied",
        Error::NotFound(_) => "not-found",
        Error::Invalid(_) => "invalid",
        Error::QuotaExceeded(_) => "quota-exceeded",
        Error::Unavailable(_) => "unavailable",
    }
}

fn send(query: &str) -> Result<(), Error> {
    let param = |name: &str| query_param(query, name).unwrap_or_default();
    let link = query_param(query, "link");
    match param("to").as_str() {
        "resident" => notify_resident(
            &param("id"),
            &param("title"),
            &param("body"),
            link.as_deref(),
        ),
        "grid" => notify_grid_workers(
            &param("grid"),
            &param("title"),
            &param("body"),
            link.as_deref(),
        ),
        other => Err(Error::invalid(format!(
            "to: expected `resident` or `grid`, got `{other}`"
        ))),
    }
}

impl Plugin for Notifier {
    fn handle(_caller: Caller, request: Request) -> Result<Response, Error> {
        if request.path != "/send" {
            return Err(Error::not_found(format!("no page {}", request.path)));
        }
        let answer = match send(&request.query) {
            Ok(()) => "sent".to_owned(),
            Err(error) => format!("error={}: {}", variant(&error), error.message()),
        };
        Ok(html(
            "发送消息",
            format!("<pre id=\"answer\">{}</pre>", escape_html(&answer)),
        ))
    }
}

wangge_sdk::export_plugin!(Notifier);
