//! Benchmark of plugin pages (`cargo xtask bench`):
//!
//! 1. the cost of one fresh instantiate-and-call of a `hello` page, p50 and p99 in µs, for
//!    `/about` (renders only) and `/` (also increments its counter in SQLite);
//! 2. the throughput of the `/about` plugin page against a native axum handler that renders
//!    the same HTML in the same layout, measured side by side, interleaved, in one run.
//!
//! Needs the `hello` component: `cargo xtask bench` builds it and sets
//! `WANGGE_COMPONENTS_DIR`.

use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use axum::routing::get;
use hdrhistogram::Histogram;
use maud::PreEscaped;
use wangge_host::config::{LimitArgs, Settings, StorageArgs};
use wangge_host::http::app;
use wangge_host::http::pages::frame::layout::page_for;
use wangge_host::http::visitor::Visitor;
use wangge_host::plugins::{AddOptions, Catalog, add_local_plugin};
use wangge_host::runtime::bindings::{Caller, Level, Request, Unit};
use wangge_host::state::{AppState, Host};

/// The `/about` fragment of `plugins/hello/src/lib.rs`; the run checks both pages match.
const ABOUT_HTML: &str = "<h1>关于“你好”插件</h1>\
<p>这是网格平台最小的插件：一个页面、一个计数器、一条日志。</p>\
<ul><li>页面在沙箱中渲染</li><li>每次请求使用全新实例</li><li>存储按安装隔离</li></ul>";

const LATENCY_ITERATIONS: u64 = 20_000;
const STORAGE_ITERATIONS: u64 = 2_000;
const THROUGHPUT_ROUND: Duration = Duration::from_secs(3);
const THROUGHPUT_ROUNDS: usize = 3;
const CONCURRENCY: usize = 16;

fn components_dir() -> PathBuf {
    std::env::var_os("WANGGE_COMPONENTS_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("../target/wasm32-wasip2/release"))
}

fn caller() -> Caller {
    Caller {
        user_id: None,
        display_name: None,
        unit: Unit {
            code: "42".into(),
            name: "湖北省".into(),
            level: Level::Province,
            parent: None,
        },
        roles: Vec::new(),
    }
}

fn request(path: &str) -> Request {
    Request {
        method: "GET".into(),
        path: path.into(),
        query: String::new(),
        headers: Vec::new(),
        body: Vec::new(),
    }
}

async fn latency(catalog: &Catalog, path: &str, iterations: u64) -> Histogram<u64> {
    let plugin = catalog.get("hello").expect("hello loaded");
    let mut histogram = Histogram::<u64>::new(3).expect("histogram");
    for _ in 0..iterations / 10 {
        let _ = plugin.page(caller(), request(path)).await; // warm-up
    }
    for _ in 0..iterations {
        let (caller, request) = (caller(), request(path));
        let started = Instant::now();
        let answer = plugin.page(caller, request).await;
        let nanos = started.elapsed().as_nanos();
        assert!(matches!(answer, Ok(Ok(_))), "hello answered {path}");
        histogram
            .record(u64::try_from(nanos).unwrap_or(u64::MAX))
            .expect("record");
    }
    histogram
}

async fn requests_per_second(client: &reqwest::Client, url: &str) -> f64 {
    let done = Arc::new(AtomicU64::new(0));
    let stop = Arc::new(AtomicBool::new(false));
    let mut workers = Vec::new();
    for _ in 0..CONCURRENCY {
        let (client, url, done, stop) =
            (client.clone(), url.to_owned(), done.clone(), stop.clone());
        workers.push(tokio::spawn(async move {
            while !stop.load(Ordering::Relaxed) {
                let response = client.get(&url).send().await.expect("request");
                assert_eq!(response.status(), 200);
                response.bytes().await.expect("body");
                done.fetch_add(1, Ordering::Relaxed);
            }
        }));
    }
    let started = Instant::now();
    tokio::time::sleep(THROUGHPUT_ROUND).await;
    stop.store(true, Ordering::Relaxed);
    let elapsed = started.elapsed().as_secs_f64();
    let count = done.load(Ordering::Relaxed) as f64;
    for worker in workers {
        worker.await.expect("worker");
    }
    count / elapsed
}

fn micros(histogram: &Histogram<u64>, quantile: f64) -> f64 {
    histogram.value_at_quantile(quantile) as f64 / 1_000.0
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let data = tempfile::tempdir()?;
    let storage = StorageArgs {
        data_dir: data.path().to_owned(),
        database_url: None,
    };
    let limits = LimitArgs::parse_defaults().limits()?;
    let host = Host::open(Settings::new(storage, limits)).await?;
    let manifest = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../plugins/hello/plugin.toml");
    add_local_plugin(
        &host.ground(),
        &host.runtime,
        &host.metrics,
        &AddOptions {
            component: components_dir().join("hello.wasm"),
            manifest: Some(manifest),
            unit_code: "42".into(),
            unit_name: "湖北省".into(),
            config: Vec::new(),
            replace: false,
        },
    )
    .await?;
    let catalog = Catalog::load(&host.ground(), &host.runtime, &host.metrics).await?;

    let about = latency(&catalog, "/about", LATENCY_ITERATIONS).await;
    let counter = latency(&catalog, "/", STORAGE_ITERATIONS).await;

    let state = AppState::new(host, catalog);
    let router = app(state).route(
        "/native/about",
        get(|| async {
            // As the host frames a plugin page for an anonymous visitor: with 登录.
            page_for(
                "关于",
                &Visitor::Anonymous,
                PreEscaped(ABOUT_HTML.to_owned()),
            )
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let base = format!("http://{}", listener.local_addr()?);
    tokio::spawn(async move { axum::serve(listener, router).await });
    let client = reqwest::Client::new();
    let plugin_url = format!("{base}/p/hello/about");
    let native_url = format!("{base}/native/about");
    let plugin_body = client.get(&plugin_url).send().await?.text().await?;
    let native_body = client.get(&native_url).send().await?.text().await?;
    assert_eq!(
        plugin_body, native_body,
        "both handlers render the same HTML"
    );

    let (mut native, mut plugin) = (Vec::new(), Vec::new());
    for _ in 0..THROUGHPUT_ROUNDS {
        native.push(requests_per_second(&client, &native_url).await);
        plugin.push(requests_per_second(&client, &plugin_url).await);
    }
    let mean = |v: &[f64]| v.iter().sum::<f64>() / v.len() as f64;
    let (native, plugin) = (mean(&native), mean(&plugin));

    println!("## Plugin page benchmark\n");
    println!("| measurement | p50 µs | p99 µs | mean µs | samples |");
    println!("|---|---:|---:|---:|---:|");
    for (name, histogram) in [
        ("instantiate + call `hello` /about (render only)", &about),
        (
            "instantiate + call `hello` / (SQLite counter write)",
            &counter,
        ),
    ] {
        println!(
            "| {name} | {:.1} | {:.1} | {:.1} | {} |",
            micros(histogram, 0.5),
            micros(histogram, 0.99),
            histogram.mean() / 1_000.0,
            histogram.len()
        );
    }
    println!();
    println!(
        "| throughput over HTTP ({CONCURRENCY} connections, {THROUGHPUT_ROUNDS} interleaved \
         rounds of {}s) | requests/s |",
        THROUGHPUT_ROUND.as_secs()
    );
    println!("|---|---:|");
    println!("| native axum handler, same HTML | {native:.0} |");
    println!("| `hello` plugin page /p/hello/about | {plugin:.0} |");
    println!("| plugin / native | {:.2} |", plugin / native);
    Ok(())
}
