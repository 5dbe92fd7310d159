//! The `hello` plugin: greets the caller, counts visits in its storage, and logs each visit.
//!
//! `/` increments the counter; `/about` renders without touching storage (the benchmark
//! uses it to measure the cost of a bare instantiate-and-call).

use wangge_sdk::prelude::*;
use wangge_sdk::{log, page};

struct Hello;

/// The storage key of the visit counter.
const VISITS_KEY: &str = "visits";

impl Plugin for Hello {
    fn handle(caller: Caller, request: Request) -> Result<Response, Error> {
        Router::new()
            .get("/", greeting)
            .get("/about", |_| Ok(about()))
            .handle(caller, request)
    }

    fn install() -> Result<(), Error> {
        log::write(log::Level::Info, "hello installed", &[]);
        Ok(())
    }
}

fn greeting(ctx: &Ctx) -> Result<Response, Error> {
    // `increment` keeps the counter as decimal text, the format earlier versions stored.
    let visits = store::increment(VISITS_KEY, 1)?;
    let greeting: String = config_or("greeting", "你好".to_owned())?;
    let caller = ctx.caller();
    let name = ctx
        .query_param("name")
        .or_else(|| caller.display_name.clone())
        .unwrap_or_else(|| "朋友".to_owned());
    log::write(
        log::Level::Info,
        "visit",
        &[("visits".to_owned(), visits.to_string())],
    );
    Ok(page(
        "你好",
        html! {
            h1 { (greeting) "，" (name) "！" }
            p { "这是" (caller.unit.name) "的第 " strong id="visits" { (visits) } " 次访问。" }
        },
    ))
}

fn about() -> Response {
    page::html("关于", ABOUT_HTML.to_owned())
}

/// The about page; also rendered by the native handler in the benchmark, so keep the two
/// in step (`host/benches/plugin_page.rs`).
const ABOUT_HTML: &str = "<h1>关于“你好”插件</h1>\
<p>这是网格平台最小的插件：一个页面、一个计数器、一条日志。</p>\
<ul><li>页面在沙箱中渲染</li><li>每次请求使用全新实例</li><li>存储按安装隔离</li></ul>";

export_plugin!(Hello);
