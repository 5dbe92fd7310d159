//! What the grid-data and assessment benchmarks share: where cached data files live, a
//! fresh PostgreSQL database when the server answers, recording and printing times, and
//! the loop of event writes both time.

use std::path::PathBuf;
use std::time::{Duration, Instant};

use hdrhistogram::Histogram;
use sqlx::Connection;
use wangge_host::db::Db;
use wangge_host::db::events::{Handler, MoveDetails, NewEvent};
use wangge_host::grid::workflow::{EventState, transition};
use wangge_tests::postgres::{FreshDatabase, admin_url};

/// The moves after a report that [`transitions`] takes, the workflow's everyday path.
const PATH: [&str; 5] = ["accept", "dispatch", "handle", "resolve", "close"];

/// `target/bench-data/`, or under `CARGO_TARGET_DIR`.
pub fn bench_data_dir() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../target"))
        .join("bench-data")
}

/// Records the time since `started` in `histogram` (ns).
pub fn record(histogram: &mut Histogram<u64>, started: Instant) -> anyhow::Result<()> {
    let nanos = u64::try_from(started.elapsed().as_nanos()).unwrap_or(u64::MAX);
    histogram.record(nanos)?;
    Ok(())
}

/// Nanoseconds as milliseconds, two decimals.
pub fn ms(nanos: u64) -> String {
    format!("{:.2}", nanos as f64 / 1e6)
}

/// A fresh PostgreSQL database, or `None` (with one line saying why) if the server cannot
/// be reached.
pub async fn postgres() -> Option<FreshDatabase> {
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

/// Runs report → accept → dispatch (to 黄石港区's 城管执法局) → handle → resolve → close in
/// `grid` for `time`, each write its own transaction. Returns the writes (report and
/// moves) per second and each move's latency.
pub async fn transitions(
    db: &Db,
    grid: &str,
    time: Duration,
) -> anyhow::Result<(f64, Histogram<u64>)> {
    let mut moves = Histogram::<u64>::new(3)?;
    let mut writes = 0u64;
    let started = Instant::now();
    while started.elapsed() < time {
        let id = db
            .report_event(&NewEvent {
                category: "environment",
                title: "基准测试事件",
                description: "",
                unit_code: grid,
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
                handler: (action == "dispatch").then(|| Handler {
                    code: "420202.cgj".to_owned(),
                    name: "黄石港区城市管理执法局".to_owned(),
                }),
                release_handler: false,
                // The figures assessment keeps, as the rules would set them.
                responded_on_time: (action == "accept").then_some(true),
                resolved_on_time: (action == "resolve").then_some(true),
                evaluation: None,
                summoned: Vec::new(),
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
