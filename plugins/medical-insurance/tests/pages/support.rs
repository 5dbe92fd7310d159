//! What the tests share: the installation pointed at a bureau, today's date, pulling values
//! out of pages, and a direct call to the stand-in.

use std::io::{Read, Write};
use std::net::TcpStream;

use wangge_harness::{InstallOptions, Installed, TestHost};
use wangge_sdk::date::Date;

/// This plugin's folder: the harness builds and installs it.
pub const PLUGIN: &str = env!("CARGO_MANIFEST_DIR");

/// A port nothing listens on: the bureau is "down".
pub const DOWN_URL: &str = "http://127.0.0.1:9";

/// The notice of a page when the bureau is down.
pub const DOWN: &str = "医保经办机构暂时无法访问，请稍后再试";

/// Installs the plugin at the demo street with `bureau_url` set.
pub fn install<'a>(host: &'a TestHost, bureau_url: &str) -> Installed<'a> {
    install_with(host, bureau_url, &[])
}

/// [`install`] with more config values.
pub fn install_with<'a>(host: &'a TestHost, bureau_url: &str, more: &[&str]) -> Installed<'a> {
    let mut config = vec![format!("bureau_url={bureau_url}")];
    config.extend(more.iter().map(|s| (*s).to_owned()));
    host.install_with(
        PLUGIN,
        InstallOptions {
            config,
            ..InstallOptions::default()
        },
    )
}

/// The date `offset` days from today in China Standard Time.
pub fn day(offset: i64) -> String {
    Date::today().add_days(offset).to_string()
}

/// The values of the `<option>`s in `body` (empty ones left out).
pub fn options(body: &str) -> Vec<String> {
    body.split("<option value=\"")
        .skip(1)
        .filter_map(|rest| rest.split('"').next())
        .filter(|value| !value.is_empty())
        .map(str::to_owned)
        .collect()
}

/// The ids of `id="PREFIX…"` elements in `body`, in order.
pub fn ids(body: &str, prefix: &str) -> Vec<String> {
    let marker = format!("id=\"{prefix}");
    body.split(&marker)
        .skip(1)
        .filter_map(|rest| rest.split('"').next())
        .map(str::to_owned)
        .collect()
}

/// `POST {base}{path}` with a JSON body straight to the stand-in; the status.
pub fn bureau_post(base: &str, path: &str, json: &str) -> u16 {
    let authority = base.trim_start_matches("http://");
    let mut stream = TcpStream::connect(authority).expect("connect to the stand-in");
    write!(
        stream,
        "POST {path} HTTP/1.1\r\nhost: {authority}\r\ncontent-type: application/json\r\n\
         content-length: {}\r\nconnection: close\r\n\r\n{json}",
        json.len()
    )
    .expect("send");
    let mut answer = String::new();
    stream.read_to_string(&mut answer).expect("read");
    answer
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or_default()
}
