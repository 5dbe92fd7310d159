//! Benchmark of 考核 and a department's queue at scale (`cargo xtask bench assessment`), on
//! SQLite and, when it can be reached, PostgreSQL, over the demo unit tree of 黄石市 with
//! one million events reported over the last year (`WANGGE_BENCH_EVENTS` sets the count):
//!
//! 1. the city's monthly assessment by unit (its counties as rows) through
//!    `rules::assessment::assess`, what `GET /api/assessment?unit=4202&from=&to=` calls, role
//!    check included, HTTP excluded: each of the last twelve months in turn, p50 and p99;
//! 2. the county's monthly assessment by department, the same way;
//! 3. a department's queue (城管执法局 of 黄石港区) through `rules::events::queue::queue`,
//!    what `GET /api/queue` calls, its first page of 100: p50 and p99;
//! 4. what keeping the assessment rollup (`assessment_days`, migration 0026) costs the
//!    writes: report → accept → dispatch → handle → resolve → close for 10 s with its
//!    triggers, then 10 s with them dropped (on the measurement's copy), side by side.
//!
//! The events are drawn, not moved through the workflow one by one (a million moves would
//! take hours), and inserted in batches, the rollup kept by its triggers as they go: every
//! column the workflow keeps is set as a move would have left it, with
//! the proportions of a working city — most answered the same day, most resolved in time,
//! half of the dispatched ones with a department. The SQLite file is built once per count
//! and generator version under `target/bench-data/` and reused; PostgreSQL gets a fresh
//! database on `WANGGE_TEST_POSTGRES_URL` (default the local server) each run.

mod support;

use std::path::PathBuf;
use std::time::{Duration, Instant};

use hdrhistogram::Histogram;
use jiff::ToSpan;
use jiff::civil::Date;
use support::{bench_data_dir, ms, postgres, record, transitions};
use wangge_host::auth::{Grant, Role};
use wangge_host::db::Db;
use wangge_host::demo_data::{SeedOptions, seed};
use wangge_host::grid::calendar::{WorkingCalendar, today_in_china};
use wangge_host::plugins::hooks::Hooks;
use wangge_host::rules::actor::Person;
use wangge_host::rules::assessment::{self, By, Request};
use wangge_host::rules::events::queue;
use wangge_host::state::Ground;

/// Events at full scale: the million.
const FULL_SCALE: usize = 1_000_000;
/// The generators' seed.
const SEED: u64 = 7;
/// Bumped when the generator changes what it makes, so stale cached files are not reused.
const GENERATOR_VERSION: u32 = 1;
/// The city assessed by unit, and the county by department.
const CITY: &str = "4202";
const COUNTY: &str = "420202";
/// The department whose queue is read.
const DEPARTMENT: &str = "420202.cgj";
/// Assessments timed per measurement (the twelve months in turn), after one untimed round.
const ASSESSMENTS: usize = 240;
/// Queue pages timed.
const QUEUE_READS: usize = 2_000;
/// The grid the write loop reports in.
const GRID: &str = "420202001001001";
/// How long the write loop runs, with the rollup kept and without.
const WRITE_TIME: Duration = Duration::from_secs(10);
/// Rows per insert statement while loading.
const BATCH: usize = 500;
/// The columns loaded.
const COLUMNS: [&str; 19] = [
    "category",
    "title",
    "description",
    "state",
    "unit_code",
    "reporter",
    "reported_at",
    "deadline",
    "supervised",
    "dispatched_to",
    "handler_unit",
    "received_at",
    "responded_at",
    "responded_on_time",
    "resolved_at",
    "resolved_on_time",
    "closed_at",
    "return_count",
    "updated_at",
];

const DAY_MS: i64 = 24 * 3600 * 1000;

fn scale() -> usize {
    std::env::var("WANGGE_BENCH_EVENTS")
        .ok()
        .and_then(|v| v.replace('_', "").parse().ok())
        .unwrap_or(FULL_SCALE)
}

/// One drawn event's values, in [`COLUMNS`] order.
enum Value {
    Text(String),
    OptText(Option<String>),
    Int(i64),
    OptInt(Option<i64>),
}

/// Draws one event reported at `reported_at` in one of `grids`, perhaps handled by one of
/// `departments`.
fn draw(
    rng: &mut fastrand::Rng,
    grids: &[String],
    departments: &[(String, String)],
    now: i64,
) -> Vec<Value> {
    const CATEGORIES: [&str; 6] = [
        "environment",
        "public-facility",
        "safety-hazard",
        "dispute.neighbour",
        "dispute.property-management",
        "petition",
    ];
    const STATES: [(&str, u8); 7] = [
        ("reported", 4),
        ("accepted", 4),
        ("dispatched", 8),
        ("handling", 8),
        ("resolved", 10),
        ("closed", 40),
        ("evaluated", 26),
    ];
    let reported_at = now - rng.i64(0..365 * DAY_MS);
    let mut pick = rng.u8(0..100);
    let state = STATES
        .iter()
        .find(|(_, share)| {
            let hit = pick < *share;
            pick = pick.saturating_sub(*share);
            hit
        })
        .map_or("closed", |(s, _)| *s);
    let answered = state != "reported";
    let dispatched = matches!(
        state,
        "dispatched" | "handling" | "resolved" | "closed" | "evaluated"
    );
    let resolved = matches!(state, "resolved" | "closed" | "evaluated");
    let closed = matches!(state, "closed" | "evaluated");
    let responded_at = answered.then(|| reported_at + rng.i64(0..2 * DAY_MS));
    let deadline_ms = reported_at + 7 * DAY_MS;
    let deadline = answered.then(|| {
        jiff::Timestamp::from_millisecond(deadline_ms)
            .map(|t| jiff::tz::offset(8).to_datetime(t).date().to_string())
            .unwrap_or_default()
    });
    let department =
        (dispatched && rng.bool()).then(|| &departments[rng.usize(..departments.len())]);
    let resolved_at = resolved.then(|| reported_at + rng.i64(DAY_MS..9 * DAY_MS));
    let updated_at = [responded_at, resolved_at]
        .into_iter()
        .flatten()
        .max()
        .unwrap_or(reported_at);
    vec![
        Value::Text(CATEGORIES[rng.usize(..CATEGORIES.len())].to_owned()),
        Value::Text("基准测试事件".to_owned()),
        Value::Text(String::new()),
        Value::Text(state.to_owned()),
        Value::Text(grids[rng.usize(..grids.len())].clone()),
        Value::OptText(Some("user:bench".to_owned())),
        Value::Int(reported_at),
        Value::OptText(deadline),
        Value::Int(i64::from(answered && !resolved && deadline_ms < now)),
        Value::OptText(department.map(|(_, name)| name.clone())),
        Value::OptText(department.map(|(code, _)| code.clone())),
        Value::OptInt(department.and(responded_at)),
        Value::OptInt(responded_at),
        Value::OptInt(responded_at.map(|at| i64::from(at - reported_at < DAY_MS))),
        Value::OptInt(resolved_at),
        Value::OptInt(resolved_at.map(|at| i64::from(at <= deadline_ms))),
        Value::OptInt(closed.then_some(updated_at)),
        Value::Int(i64::from(department.is_some() && rng.u8(0..100) < 5)),
        Value::Int(updated_at),
    ]
}

/// Loads the unit tree and `events` drawn events into `db`, printing progress.
async fn build(db: &Db, events: usize, engine: &str) -> anyhow::Result<Duration> {
    let started = Instant::now();
    let options = SeedOptions {
        residents: 0,
        seed: SEED,
        base_data: false,
    };
    seed(db, &options, &mut |_| {}).await?;
    let grids: Vec<String> =
        sqlx::query_scalar("SELECT code FROM units WHERE level = 'grid' ORDER BY code")
            .fetch_all(db.pool())
            .await?;
    let departments: Vec<(String, String)> =
        sqlx::query_as("SELECT code, name FROM units WHERE level = 'department' ORDER BY code")
            .fetch_all(db.pool())
            .await?;
    anyhow::ensure!(
        !grids.is_empty() && !departments.is_empty(),
        "the demo tree has grids and departments"
    );
    eprintln!(
        "[{engine}] {} grids, {} departments; loading {events} events",
        grids.len(),
        departments.len()
    );
    let mut rng = fastrand::Rng::with_seed(SEED);
    let now = jiff::Timestamp::now().as_millisecond();
    let row = format!(
        "({})",
        (0..COLUMNS.len())
            .map(|_| "?")
            .collect::<Vec<_>>()
            .join(", ")
    );
    let mut done = 0;
    while done < events {
        let n = BATCH.min(events - done);
        let mut k = 0;
        let values: Vec<String> = (0..n)
            .map(|_| {
                row.chars()
                    .map(|c| {
                        if c == '?' {
                            k += 1;
                            format!("${k}")
                        } else {
                            c.to_string()
                        }
                    })
                    .collect()
            })
            .collect();
        let sql = format!(
            "INSERT INTO events ({}) VALUES {}",
            COLUMNS.join(", "),
            values.join(", ")
        );
        let mut query = sqlx::query(sqlx::AssertSqlSafe(sql));
        for _ in 0..n {
            for value in draw(&mut rng, &grids, &departments, now) {
                query = match value {
                    Value::Text(v) => query.bind(v),
                    Value::OptText(v) => query.bind(v),
                    Value::Int(v) => query.bind(v),
                    Value::OptInt(v) => query.bind(v),
                };
            }
        }
        query.execute(db.pool()).await?;
        done += n;
        if done % 100_000 == 0 || done == events {
            eprintln!(
                "[{engine}] events: {done}/{events} ({:.0} s)",
                started.elapsed().as_secs_f64()
            );
        }
    }
    Ok(started.elapsed())
}

/// The cached SQLite file for `events`, built first if missing (in a scratch directory
/// renamed into place at the end, so an interrupted build is never reused).
async fn sqlite_file(events: usize) -> anyhow::Result<(PathBuf, Option<Duration>)> {
    let dir = bench_data_dir().join(format!(
        "assessment-v{GENERATOR_VERSION}-{events}-seed{SEED}"
    ));
    let file = dir.join("wangge.db");
    if file.exists() {
        eprintln!("[sqlite] reusing {}", file.display());
        return Ok((file, None));
    }
    let scratch = dir.with_extension("building");
    let _ = std::fs::remove_dir_all(&scratch);
    std::fs::create_dir_all(&scratch)?;
    let db = Db::open_sqlite_file(&scratch.join("wangge.db")).await?;
    let took = build(&db, events, "sqlite").await?;
    sqlx::query("ANALYZE").execute(db.pool()).await?;
    db.pool().close().await;
    std::fs::rename(&scratch, &dir)?;
    Ok((file, Some(took)))
}

/// Someone holding `role` at `unit`.
async fn person(db: &Db, username: &str, role: Role, unit: &str) -> anyhow::Result<Person> {
    let user = match db.user_for_sign_in(username).await? {
        Some((user, _)) => user,
        None => db
            .create_user(username, "基准测试", "!")
            .await
            .map_err(|e| anyhow::anyhow!("{e}"))?,
    };
    let grant = Grant {
        role,
        unit_code: unit.to_owned(),
    };
    db.add_grant(user.id, &grant, "bench").await?;
    let grants = db.grants_of(user.id).await?;
    Ok(Person { user, grants })
}

/// The first and last day of each of the twelve months up to this one.
fn months() -> anyhow::Result<Vec<(Date, Date)>> {
    let mut first = today_in_china().first_of_month();
    let mut out = Vec::new();
    for _ in 0..12 {
        out.push((first, first.last_of_month()));
        first = first.checked_sub(1.month())?;
    }
    Ok(out)
}

/// What one engine measured.
struct Results {
    build: Option<Duration>,
    events: i64,
    city: Histogram<u64>,
    city_events: i64,
    county: Histogram<u64>,
    departments: usize,
    queue: Histogram<u64>,
    queued: usize,
    /// Writes per second and each move's latency, with the rollup's triggers.
    kept: (f64, Histogram<u64>),
    /// The same with them dropped.
    unkept: (f64, Histogram<u64>),
}

/// Drops the rollup's triggers, to time the writes without them.
async fn drop_rollup_triggers(db: &Db, engine: &str) -> anyhow::Result<()> {
    let statements: &[&str] = if engine == "postgres" {
        &[
            "DROP TRIGGER assessment_days_on_insert_or_delete ON events",
            "DROP TRIGGER assessment_days_on_update ON events",
        ]
    } else {
        &[
            "DROP TRIGGER assessment_days_on_insert",
            "DROP TRIGGER assessment_days_on_update",
            "DROP TRIGGER assessment_days_on_delete",
        ]
    };
    for statement in statements {
        sqlx::query(*statement).execute(db.pool()).await?;
    }
    Ok(())
}

/// Times `ASSESSMENTS` assessments of `unit` by `by`, the months in turn, after one
/// untimed round; with the events of the busiest month and the most rows.
async fn assessments(
    ground: &Ground,
    leader: &Person,
    unit: &str,
    by: By,
) -> anyhow::Result<(Histogram<u64>, i64, usize)> {
    let months = months()?;
    let mut histogram = Histogram::<u64>::new(3)?;
    let (mut events, mut rows) = (0, 0);
    for round in 0..=ASSESSMENTS {
        let (from, to) = months[round % months.len()];
        let request = Request { unit, from, to, by };
        let started = Instant::now();
        let found = assessment::assess(ground, leader, &request)
            .await
            .map_err(|e| anyhow::anyhow!("assess {unit}: {e}"))?;
        if round > 0 {
            record(&mut histogram, started)?;
        }
        events = events.max(found.total.events);
        rows = rows.max(found.rows.len());
    }
    Ok((histogram, events, rows))
}

async fn measure(db: &Db, build: Option<Duration>, engine: &str) -> anyhow::Result<Results> {
    let ground = Ground {
        db: db.clone(),
        calendar: std::sync::Arc::new(WorkingCalendar::builtin()?),
        hooks: Hooks::none(db.clone()),
    };
    let events: i64 = sqlx::query_scalar("SELECT CAST(COUNT(*) AS BIGINT) FROM events")
        .fetch_one(db.pool())
        .await?;
    let leader = person(db, "bench-leader", Role::Leader, CITY).await?;
    eprintln!("[{engine}] city assessments by unit");
    let (city, city_events, _) = assessments(&ground, &leader, CITY, By::Unit).await?;
    eprintln!("[{engine}] county assessments by department");
    let (county, _, departments) = assessments(&ground, &leader, COUNTY, By::Department).await?;
    eprintln!("[{engine}] the queue of {DEPARTMENT}");
    let staff = person(db, "bench-staff", Role::DepartmentStaff, DEPARTMENT).await?;
    let mut histogram = Histogram::<u64>::new(3)?;
    let mut queued = 0;
    for round in 0..=QUEUE_READS {
        let started = Instant::now();
        let page = queue::queue(&ground, &staff, None, None, None)
            .await
            .map_err(|e| anyhow::anyhow!("queue: {e}"))?;
        if round > 0 {
            record(&mut histogram, started)?;
        } else {
            queued = page.events.len();
        }
    }
    eprintln!("[{engine}] writes with the rollup kept, then without");
    let kept = transitions(db, GRID, WRITE_TIME).await?;
    drop_rollup_triggers(db, engine).await?;
    let unkept = transitions(db, GRID, WRITE_TIME).await?;
    Ok(Results {
        build,
        events,
        city,
        city_events,
        county,
        departments,
        queue: histogram,
        queued,
        kept,
        unkept,
    })
}

/// A row of the results table: its name and how to fill an engine's cell.
type TableRow<'a> = (&'static str, &'a dyn Fn(&Results) -> String);

fn print_table(sqlite: &Results, postgres: Option<&Results>) {
    println!("## Assessment benchmark: {} events\n", sqlite.events);
    println!("| measurement | SQLite | PostgreSQL |");
    println!("|---|---:|---:|");
    let rows: [TableRow<'_>; 15] = [
        ("build: units and events (s)", &|r| {
            r.build
                .map_or("cached".to_owned(), |d| format!("{:.0}", d.as_secs_f64()))
        }),
        ("events stored", &|r| r.events.to_string()),
        ("city (4202) by unit, events in the busiest month", &|r| {
            r.city_events.to_string()
        }),
        ("city monthly assessment by unit, p50 (ms)", &|r| {
            ms(r.city.value_at_quantile(0.5))
        }),
        ("city monthly assessment by unit, p99 (ms)", &|r| {
            ms(r.city.value_at_quantile(0.99))
        }),
        ("county (420202) by department, rows", &|r| {
            r.departments.to_string()
        }),
        ("county monthly assessment by department, p50 (ms)", &|r| {
            ms(r.county.value_at_quantile(0.5))
        }),
        ("county monthly assessment by department, p99 (ms)", &|r| {
            ms(r.county.value_at_quantile(0.99))
        }),
        ("department queue, events on the first page", &|r| {
            r.queued.to_string()
        }),
        ("department queue, p50 (ms)", &|r| {
            ms(r.queue.value_at_quantile(0.5))
        }),
        ("department queue, p99 (ms)", &|r| {
            ms(r.queue.value_at_quantile(0.99))
        }),
        ("writes per second (report + 5 moves), rollup kept", &|r| {
            format!("{:.0}", r.kept.0)
        }),
        ("writes per second, rollup triggers dropped", &|r| {
            format!("{:.0}", r.unkept.0)
        }),
        ("one move, p50 (ms): kept / dropped", &|r| {
            format!(
                "{} / {}",
                ms(r.kept.1.value_at_quantile(0.5)),
                ms(r.unkept.1.value_at_quantile(0.5))
            )
        }),
        ("one move, p99 (ms): kept / dropped", &|r| {
            format!(
                "{} / {}",
                ms(r.kept.1.value_at_quantile(0.99)),
                ms(r.unkept.1.value_at_quantile(0.99))
            )
        }),
    ];
    for (name, cell) in rows {
        let other = postgres.map_or_else(|| "—".to_owned(), cell);
        println!("| {name} | {} | {other} |", cell(sqlite));
    }
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let events = scale();
    let (file, built) = sqlite_file(events).await?;
    let size = std::fs::metadata(&file).map(|m| m.len()).unwrap_or(0);
    eprintln!("[sqlite] {} MiB", size >> 20);
    // The measurements add users and grants: on a copy, so the cached file stays as built.
    let scratch = tempfile::tempdir()?;
    let copy = scratch.path().join("wangge.db");
    std::fs::copy(&file, &copy)?;
    let db = Db::open_sqlite_file(&copy).await?;
    let sqlite = measure(&db, built, "sqlite").await?;
    db.pool().close().await;

    let postgres = match postgres().await {
        Some(database) => {
            let db = Db::connect(database.url()).await?;
            let took = build(&db, events, "postgres").await?;
            // Autovacuum would vacuum and analyse the new table within a minute of the load
            // (inserts trigger it too); doing it now measures the plans, and the index-only
            // scans of pages all visible, that a running server has.
            sqlx::query("VACUUM ANALYZE").execute(db.pool()).await?;
            let results = measure(&db, Some(took), "postgres").await?;
            db.pool().close().await;
            drop(database);
            Some(results)
        }
        None => None,
    };
    println!("SQLite file: {} MiB\n", size >> 20);
    print_table(&sqlite, postgres.as_ref());
    Ok(())
}
