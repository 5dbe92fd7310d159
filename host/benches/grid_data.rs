//! Benchmark of the grid data at scale (`cargo xtask bench grid`), on SQLite and, when it
//! can be reached, PostgreSQL:
//!
//! 1. listing one community's residents page by page, 50 a page, first page to last,
//!    through `Db::residents_under` (what `GET /api/residents` calls), over the demo data
//!    generated with 2.5 million residents: p50, p99 and mean per page;
//! 2. event transitions per second: report → accept → dispatch → handle → resolve → close
//!    in a loop through `Db::report_event` and `Db::move_event`, each its own write
//!    transaction with its timeline entry.
//!
//! `WANGGE_BENCH_RESIDENTS` sets the scale (default 2 500 000; 100 000 makes a quick run).
//! The SQLite file is built once per scale and generator version under
//! `target/bench-data/` and reused; PostgreSQL gets a fresh database on
//! `WANGGE_TEST_POSTGRES_URL` (default the local server) each run, dropped afterwards.

use std::path::PathBuf;
use std::time::{Duration, Instant};

use hdrhistogram::Histogram;
use sqlx::Connection;
use wangge_host::db::Db;
use wangge_host::db::events::{MoveDetails, NewEvent};
use wangge_host::demo_data::{Progress, SeedOptions, seed};
use wangge_host::grid::workflow::{EventState, transition};
use wangge_tests::postgres::{FreshDatabase, admin_url};

/// Residents at full scale: about the population of 黄石市.
const FULL_SCALE: usize = 2_500_000;
/// The generator's seed.
const SEED: u64 = 1;
/// Bumped when the generator changes what it makes, so stale cached files are not reused.
const GENERATOR_VERSION: u32 = 1;
/// The API's page size for the benchmark.
const PAGE: i64 = 50;
/// Pages timed at least: whole passes over the community are repeated until there are
/// this many samples.
const MIN_PAGE_SAMPLES: u64 = 2_000;
/// The community listed: 江边社区 of the demo street.
const COMMUNITY: &str = "420202001001";
/// The grid the transition loop reports in.
const GRID: &str = "420202001001001";
/// How long the transition loop runs on each engine.
const TRANSITION_TIME: Duration = Duration::from_secs(10);
/// The moves of one loop after the report.
const PATH: [&str; 5] = ["accept", "dispatch", "handle", "resolve", "close"];

/// What one engine measured.
struct Results {
    build: Option<Duration>,
    community_residents: usize,
    pages_per_pass: u64,
    pages: Histogram<u64>,
    transitions_per_second: f64,
    moves: Histogram<u64>,
}

fn scale() -> usize {
    std::env::var("WANGGE_BENCH_RESIDENTS")
        .ok()
        .and_then(|v| v.replace('_', "").parse().ok())
        .unwrap_or(FULL_SCALE)
}

fn bench_data_dir() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../target"))
        .join("bench-data")
}

/// Seeds `db` with `residents`, printing progress about every 5 %.
async fn build(db: &Db, residents: usize, engine: &str) -> anyhow::Result<Duration> {
    let started = Instant::now();
    let mut shown = 0;
    let options = SeedOptions {
        residents,
        seed: SEED,
        base_data: false,
    };
    seed(db, &options, &mut |step| match step {
        Progress::Units(n) => eprintln!("[{engine}] units: {n}"),
        Progress::Residents { done, total } => {
            let twentieth = done * 20 / total.max(1);
            if twentieth > shown {
                shown = twentieth;
                eprintln!(
                    "[{engine}] residents: {done}/{total} ({:.0} s)",
                    started.elapsed().as_secs_f64()
                );
            }
        }
        Progress::ResidentsCommitted(n) => eprintln!(
            "[{engine}] residents: {n} committed ({:.0} s)",
            started.elapsed().as_secs_f64()
        ),
        Progress::Events { done, total } if done == total => eprintln!(
            "[{engine}] events: {total} ({:.0} s)",
            started.elapsed().as_secs_f64()
        ),
        // The benchmark seeds without base data (`base_data: false`).
        Progress::Events { .. } | Progress::BaseData(_) => {}
    })
    .await?;
    Ok(started.elapsed())
}

/// The cached SQLite file for `residents`, built first if missing (in a scratch directory
/// renamed into place at the end, so an interrupted build is never reused).
async fn sqlite_file(residents: usize) -> anyhow::Result<(PathBuf, Option<Duration>)> {
    let dir = bench_data_dir().join(format!("grid-v{GENERATOR_VERSION}-{residents}-seed{SEED}"));
    let file = dir.join("wangge.db");
    if file.exists() {
        eprintln!("[sqlite] reusing {}", file.display());
        return Ok((file, None));
    }
    let scratch = dir.with_extension("building");
    let _ = std::fs::remove_dir_all(&scratch);
    std::fs::create_dir_all(&scratch)?;
    eprintln!(
        "[sqlite] building {} residents in {}",
        residents,
        scratch.display()
    );
    let db = Db::open_sqlite_file(&scratch.join("wangge.db")).await?;
    let took = build(&db, residents, "sqlite").await?;
    // Closing the last connection checkpoints the WAL into the file.
    db.pool().close().await;
    std::fs::rename(&scratch, &dir)?;
    Ok((file, Some(took)))
}

fn record(histogram: &mut Histogram<u64>, started: Instant) -> anyhow::Result<()> {
    let nanos = u64::try_from(started.elapsed().as_nanos()).unwrap_or(u64::MAX);
    histogram.record(nanos)?;
    Ok(())
}

/// Lists the community page by page until at least [`MIN_PAGE_SAMPLES`] pages are timed,
/// after one untimed pass that warms the caches.
async fn page_through(db: &Db) -> anyhow::Result<(Histogram<u64>, usize, u64)> {
    let mut histogram = Histogram::<u64>::new(3)?;
    let (mut residents, mut pages) = (0, 0);
    let mut warm = true;
    while warm || histogram.len() < MIN_PAGE_SAMPLES {
        let mut after: Option<(String, i64)> = None;
        let (mut pass_residents, mut pass_pages) = (0, 0);
        loop {
            let started = Instant::now();
            let rows = db
                .residents_under(
                    COMMUNITY,
                    after.as_ref().map(|(grid, id)| (grid.as_str(), *id)),
                    PAGE,
                )
                .await?;
            if !warm {
                record(&mut histogram, started)?;
            }
            pass_pages += 1;
            pass_residents += rows.len();
            match rows.last() {
                Some(last) if rows.len() as i64 == PAGE => {
                    after = Some((last.grid_code.clone(), last.id));
                }
                _ => break,
            }
        }
        (residents, pages) = (pass_residents, pass_pages);
        warm = false;
    }
    Ok((histogram, residents, pages))
}

/// Runs report → accept → dispatch → handle → resolve → close for [`TRANSITION_TIME`].
/// Returns the writes (report and moves) per second and each move's latency.
async fn transitions(db: &Db) -> anyhow::Result<(f64, Histogram<u64>)> {
    let mut moves = Histogram::<u64>::new(3)?;
    let mut writes = 0u64;
    let started = Instant::now();
    while started.elapsed() < TRANSITION_TIME {
        let id = db
            .report_event(&NewEvent {
                category: "environment",
                title: "基准测试事件",
                description: "",
                unit_code: GRID,
                reporter: "user:bench",
                ..Default::default()
            })
            .await?;
        writes += 1;
        let event = db
            .event(id)
            .await?
            .ok_or_else(|| anyhow::anyhow!("event {id} vanished"))?;
        let mut state = EventState::Reported;
        for action in PATH {
            let step = transition(state, action)
                .ok_or_else(|| anyhow::anyhow!("no {action} from {state:?}"))?;
            let details = MoveDetails {
                deadline: (action == "accept").then(|| "2099-12-31".to_owned()),
                dispatched_to: (action == "dispatch").then(|| "区城管执法局".to_owned()),
            };
            let moved = Instant::now();
            db.move_event(&event, step, "user:bench", "", &details)
                .await?;
            record(&mut moves, moved)?;
            writes += 1;
            state = step.to;
        }
    }
    Ok((writes as f64 / started.elapsed().as_secs_f64(), moves))
}

async fn measure(db: &Db, build: Option<Duration>, engine: &str) -> anyhow::Result<Results> {
    eprintln!("[{engine}] paging through {COMMUNITY}");
    let (pages, community_residents, pages_per_pass) = page_through(db).await?;
    eprintln!(
        "[{engine}] event transitions for {}s",
        TRANSITION_TIME.as_secs()
    );
    let (transitions_per_second, moves) = transitions(db).await?;
    Ok(Results {
        build,
        community_residents,
        pages_per_pass,
        pages,
        transitions_per_second,
        moves,
    })
}

/// A fresh PostgreSQL database, or `None` (with one line saying why) if the server cannot
/// be reached.
async fn postgres() -> Option<FreshDatabase> {
    let admin = admin_url();
    let reachable =
        tokio::time::timeout(Duration::from_secs(5), sqlx::PgConnection::connect(&admin)).await;
    match reachable {
        Ok(Ok(conn)) => {
            let _ = conn.close().await;
            Some(FreshDatabase::create().await)
        }
        Ok(Err(e)) => {
            println!("PostgreSQL at {admin} unreachable ({e}); skipping PostgreSQL.");
            None
        }
        Err(_) => {
            println!("PostgreSQL at {admin} did not answer in 5 s; skipping PostgreSQL.");
            None
        }
    }
}

fn ms(nanos: u64) -> String {
    format!("{:.2}", nanos as f64 / 1e6)
}

fn column(results: Option<&Results>, cell: impl Fn(&Results) -> String) -> String {
    results.map_or_else(|| "—".to_owned(), cell)
}

/// A row of the results table: its name and how to fill an engine's cell.
type TableRow<'a> = (&'static str, &'a dyn Fn(&Results) -> String);

fn print_table(residents: usize, sqlite: &Results, postgres: Option<&Results>) {
    println!("## Grid data benchmark: {residents} residents\n");
    println!("| measurement | SQLite | PostgreSQL |");
    println!("|---|---:|---:|");
    let rows: [TableRow<'_>; 10] = [
        ("build: generate and insert (s)", &|r| {
            r.build
                .map_or("cached".to_owned(), |d| format!("{:.0}", d.as_secs_f64()))
        }),
        ("residents of the community", &|r| {
            r.community_residents.to_string()
        }),
        ("pages per pass (50 a page)", &|r| {
            r.pages_per_pass.to_string()
        }),
        ("page p50 (ms)", &|r| ms(r.pages.value_at_quantile(0.5))),
        ("page p99 (ms)", &|r| ms(r.pages.value_at_quantile(0.99))),
        ("page mean (ms)", &|r| {
            format!("{:.2}", r.pages.mean() / 1e6)
        }),
        ("pages timed", &|r| r.pages.len().to_string()),
        ("event writes per second (report + 5 moves)", &|r| {
            format!("{:.0}", r.transitions_per_second)
        }),
        ("move p50 (ms)", &|r| ms(r.moves.value_at_quantile(0.5))),
        ("move p99 (ms)", &|r| ms(r.moves.value_at_quantile(0.99))),
    ];
    for (name, cell) in rows {
        println!("| {name} | {} | {} |", cell(sqlite), column(postgres, cell));
    }
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let residents = scale();
    let (file, built) = sqlite_file(residents).await?;
    let size = std::fs::metadata(&file).map(|m| m.len()).unwrap_or(0);
    eprintln!("[sqlite] {} MiB", size >> 20);
    let db = Db::open_sqlite_file(&file).await?;
    let sqlite = measure(&db, built, "sqlite").await?;
    db.pool().close().await;

    let postgres = match postgres().await {
        Some(database) => {
            let db = Db::connect(database.url()).await?;
            eprintln!("[postgres] building {residents} residents");
            let took = build(&db, residents, "postgres").await?;
            // Autovacuum would analyse the new tables within a minute of the load; doing it
            // now measures the plans a running server has, not the first minute's.
            sqlx::query("ANALYZE").execute(db.pool()).await?;
            let results = measure(&db, Some(took), "postgres").await?;
            db.pool().close().await;
            drop(database);
            Some(results)
        }
        None => None,
    };
    println!("SQLite file: {} MiB\n", size >> 20);
    print_table(residents, &sqlite, postgres.as_ref());
    Ok(())
}
