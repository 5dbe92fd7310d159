//! The `hello` plugin: greets the caller, counts visits in its storage, and logs each visit.
//!
//! `/` increments the counter; `/about` renders without touching storage (the benchmark
//! uses it to measure the cost of a bare instantiate-and-call).

use wangge_sdk::page::{escape_html, html, query_param};
use wangge_sdk::{Caller, Error, Plugin, Request, Response, config, log, storage};

struct Hello;

/// The storage key of the visit counter.
const VISITS_KEY: &str = "visits";

impl Plugin for Hello {
    fn handle(caller: Caller, request: Request) -> Result<Response, Error> {
        match request.path.as_str() {
            "/" => greeting(&caller, &request),
            "/about" => Ok(about()),
            other => Err(Error::NotFound(format!("hello has no page at {other}"))),
        }
    }

    fn install() -> Result<(), Error> {
        log::write(log::Level::Info, "hello installed", &[]);
        Ok(())
    }
}

fn greeting(caller: &Caller, request: &Request) -> Result<Response, Error> {
    let visits = storage::increment(VISITS_KEY, 1)?;
    let greeting = config::get("greeting").unwrap_or_else(|| "你好".to_owned());
    let name = query_param(&request.query, "name")
        .or_else(|| caller.display_name.clone())
        .unwrap_or_else(|| "朋友".to_owned());
    log::write(
        log::Level::Info,
        "visit",
        &[("visits".to_owned(), visits.to_string())],
    );
    Ok(html(
        "你好",
        format!(
            "<h1>{}，{}！</h1><p>这是{}的第 <strong id=\"visits\">{visits}</strong> 次访问。</p>",
            escape_html(&greeting),
            escape_html(&name),
            escape_html(&caller.unit.name),
        ),
    ))
}

fn about() -> Response {
    html("关于", ABOUT_HTML.to_owned())
}

/// The about page; also rendered by the native handler in the benchmark, so keep the two
/// in step (`host/benches/plugin_page.rs`).
const ABOUT_HTML: &str = "<h1>关于“你好”插件</h1>\
<p>这是网格平台最小的插件：一个页面、一个计数器、一条日志。</p>\
<ul><li>页面在沙箱中渲染</li><li>每次请求使用全新实例</li><li>存储按安装隔离</li></ul>";

wangge_sdk::export_plugin!(Hello);
