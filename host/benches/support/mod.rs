//! What the grid-data and assessment benchmarks share: where cached data files live, a
//! fresh PostgreSQL database when the server answers, and recording and printing times.

use std::path::PathBuf;
use std::time::{Duration, Instant};

use hdrhistogram::Histogram;
use sqlx::Connection;
use wangge_tests::postgres::{FreshDatabase, admin_url};

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
