//! Test plugin: a page whose HTML tries to run script in the visitor's browser, an inline
//! `<script>` and an inline `onerror` handler. The host frames plugin pages under a
//! Content-Security-Policy without `script-src`, so neither may run: the browser tests
//! check that `window.__pwned` stays undefined and the title is not `pwned`.

use wangge_sdk::page::html;
use wangge_sdk::{Caller, Error, Plugin, Request, Response};

struct ScriptInjector;

/// What the page sends: a marker to find, and two attempts at running script.
const FRAGMENT: &str = "<p id=\"marker\">注入测试</p>\
<script>document.title='pwned';window.__pwned=1</script>\
<img src=x alt=\"\" onerror=\"window.__pwned=2\">";

impl Plugin for ScriptInjector {
    fn handle(_caller: Caller, request: Request) -> Result<Response, Error> {
        match request.path.as_str() {
            "/" => Ok(html("注入测试", FRAGMENT.to_owned())),
            other => Err(Error::NotFound(format!("no page {other}"))),
        }
    }
}

wangge_sdk::export_plugin!(ScriptInjector);
