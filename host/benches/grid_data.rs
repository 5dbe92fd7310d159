//! Benchmark of the grid data at scale (`cargo xtask bench grid`), on SQLite and, when it
//! can be reached, PostgreSQL:
//!
//! 1. listing one community's residents page by page, 50 a page, first page to last,
//!    through `Db::residents_under` (what `GET /api/residents` calls), over the demo data
//!    generated with 2.5 million residents: p50, p99 and mean per page;
//! 2. event transitions per second: report → accept → dispatch → handle → resolve → close
//!    in a loop through `Db::report_event` and `Db::move_event`, each its own write
//!    transaction with its timeline entry;
//! 3. searching the demo street (黄石港街道) by the start of a name, one and two characters,
//!    50 a page, through `rules::base_data::residents::search` (what
//!    `GET /api/residents?q=` calls): p50 and p99;
//! 4. a department push (部门推送) of 100 000 residents already registered, 10 % of them
//!    with a new phone, through `rules::base_data::imports::push` (what
//!    `POST /api/imports/residents` calls): the whole push, one transaction. On SQLite it
//!    runs on a copy of the cached file, so every run pushes onto the same data.
//!
//! `WANGGE_BENCH_RESIDENTS` sets the scale (default 2 500 000; 100 000 makes a quick run).
//! The SQLite file is built once per scale and generator version under
//! `target/bench-data/` and reused; PostgreSQL gets a fresh database on
//! `WANGGE_TEST_POSTGRES_URL` (default the local server) each run, dropped afterwards.

mod support;

use std::path::PathBuf;
use std::time::{Duration, Instant};

use hdrhistogram::Histogram;
use sqlx::Row;
use support::{bench_data_dir, ms, postgres, record, transitions};
use wangge_host::auth::{Grant, Role};
use wangge_host::db::Db;
use wangge_host::demo_data::{Progress, SeedOptions, seed};
use wangge_host::grid::calendar::WorkingCalendar;
use wangge_host::grid::import_table::Format;
use wangge_host::plugins::hooks::Hooks;
use wangge_host::rules::actor::Person;
use wangge_host::rules::base_data::imports::{self, Kind, Push};
use wangge_host::rules::base_data::residents::{self as resident_rules, SearchBy};
use wangge_host::state::Ground;

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
/// The street searched by name: 黄石港街道.
const STREET: &str = "420202001";
/// Name searches timed per prefix length.
const SEARCHES: usize = 2_000;
/// Residents in the pushed file, and how many of them carry a change.
const PUSH_ROWS: i64 = 100_000;
const PUSH_CHANGED_EVERY: i64 = 10;
/// How long the transition loop runs on each engine.
const TRANSITION_TIME: Duration = Duration::from_secs(10);

/// What one engine measured.
struct Results {
    build: Option<Duration>,
    community_residents: usize,
    pages_per_pass: u64,
    pages: Histogram<u64>,
    transitions_per_second: f64,
    moves: Histogram<u64>,
    street_residents: i64,
    surname_searches: Histogram<u64>,
    two_char_searches: Histogram<u64>,
    push: Duration,
    push_counts: (usize, usize, usize),
}

fn scale() -> usize {
    std::env::var("WANGGE_BENCH_RESIDENTS")
        .ok()
        .and_then(|v| v.replace('_', "").parse().ok())
        .unwrap_or(FULL_SCALE)
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

/// Someone who may search and push everywhere: a unit admin of the root unit.
async fn bench_person(db: &Db) -> anyhow::Result<Person> {
    let root: String = sqlx::query_scalar("SELECT code FROM units WHERE parent_code IS NULL")
        .fetch_one(db.pool())
        .await?;
    let user = match db.user_for_sign_in("bench").await? {
        Some((user, _)) => user,
        None => db
            .create_user("bench", "基准测试", "!")
            .await
            .map_err(|e| anyhow::anyhow!("{e}"))?,
    };
    let grant = Grant {
        role: Role::UnitAdmin,
        unit_code: root,
    };
    db.add_grant(user.id, &grant, "bench").await?;
    let grants = db.grants_of(user.id).await?;
    Ok(Person { user, grants })
}

/// Searches [`STREET`] by the first one and the first two characters of the names of
/// [`SEARCHES`] residents drawn from it, after one untimed round.
async fn name_searches(
    db: &Db,
    person: &Person,
) -> anyhow::Result<(i64, Histogram<u64>, Histogram<u64>)> {
    let end = format!("{STREET}~");
    let street: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM residents WHERE grid_code >= $1 AND grid_code < $2",
    )
    .bind(STREET)
    .bind(&end)
    .fetch_one(db.pool())
    .await?;
    // Every n-th resident of the street: names in the proportions the street has them.
    let step = (street / SEARCHES as i64).max(1);
    let names: Vec<String> = sqlx::query_scalar(
        "SELECT name FROM (SELECT name, ROW_NUMBER() OVER (ORDER BY id) AS n FROM residents \
         WHERE grid_code >= $1 AND grid_code < $2) numbered WHERE n % $3 = 0",
    )
    .bind(STREET)
    .bind(&end)
    .bind(step)
    .fetch_all(db.pool())
    .await?;
    let mut histograms = [Histogram::<u64>::new(3)?, Histogram::<u64>::new(3)?];
    for (chars, histogram) in [1, 2].into_iter().zip(histograms.iter_mut()) {
        for round in 0..2 {
            for name in names.iter().take(SEARCHES) {
                let prefix: String = name.chars().take(chars).collect();
                let started = Instant::now();
                let (found, _) = resident_rules::search(
                    db,
                    person,
                    STREET,
                    &prefix,
                    Some(SearchBy::Name),
                    None,
                    PAGE,
                )
                .await
                .map_err(|e| anyhow::anyhow!("search {prefix}: {e}"))?;
                if round == 1 {
                    record(histogram, started)?;
                }
                anyhow::ensure!(
                    !found.is_empty(),
                    "no resident of {STREET} starts with {prefix}"
                );
            }
        }
    }
    let [surname, two] = histograms;
    Ok((street, surname, two))
}

/// The first [`PUSH_ROWS`] residents as a department's CSV file, every
/// [`PUSH_CHANGED_EVERY`]-th with a new phone.
async fn push_file(db: &Db) -> anyhow::Result<String> {
    let rows = sqlx::query(
        "SELECT id, name, gender, birth_date, id_number, phone, population_type, grid_code \
         FROM residents ORDER BY id LIMIT $1",
    )
    .bind(PUSH_ROWS)
    .fetch_all(db.pool())
    .await?;
    let mut csv =
        String::from("name,gender,birth_date,id_number,phone,population_type,grid_code\n");
    for row in &rows {
        let id: i64 = row.try_get("id")?;
        let phone: Option<String> = row.try_get("phone")?;
        let phone = if id % PUSH_CHANGED_EVERY == 0 {
            format!("139{:08}", id % 100_000_000)
        } else {
            phone.unwrap_or_default()
        };
        let cells: [String; 7] = [
            row.try_get("name")?,
            row.try_get("gender")?,
            row.try_get("birth_date")?,
            row.try_get("id_number")?,
            phone,
            row.try_get("population_type")?,
            row.try_get("grid_code")?,
        ];
        csv.push_str(&cells.join(","));
        csv.push('\n');
    }
    Ok(csv)
}

/// Pushes [`push_file`] as `person`: how long it took and (new, updated, unchanged).
async fn department_push(
    db: &Db,
    person: &Person,
) -> anyhow::Result<(Duration, (usize, usize, usize))> {
    let file = push_file(db).await?;
    let ground = Ground {
        db: db.clone(),
        calendar: std::sync::Arc::new(WorkingCalendar::builtin()?),
        hooks: Hooks::none(db.clone()),
    };
    let started = Instant::now();
    let pushed = imports::push(
        &ground,
        person,
        &Push {
            kind: Kind::Residents,
            format: Format::Csv,
            text: &file,
            skip_invalid: false,
        },
    )
    .await
    .map_err(|e| anyhow::anyhow!("push: {e}"))?;
    let took = started.elapsed();
    Ok((took, (pushed.new, pushed.updated, pushed.unchanged)))
}

async fn measure(db: &Db, build: Option<Duration>, engine: &str) -> anyhow::Result<Results> {
    eprintln!("[{engine}] paging through {COMMUNITY}");
    let (pages, community_residents, pages_per_pass) = page_through(db).await?;
    eprintln!(
        "[{engine}] event transitions for {}s",
        TRANSITION_TIME.as_secs()
    );
    let (transitions_per_second, moves) = transitions(db, GRID, TRANSITION_TIME).await?;
    let person = bench_person(db).await?;
    eprintln!("[{engine}] searching {STREET} by name");
    let (street_residents, surname_searches, two_char_searches) =
        name_searches(db, &person).await?;
    eprintln!("[{engine}] pushing {PUSH_ROWS} residents, 1 in {PUSH_CHANGED_EVERY} changed");
    let (push, push_counts) = department_push(db, &person).await?;
    Ok(Results {
        build,
        community_residents,
        pages_per_pass,
        pages,
        transitions_per_second,
        moves,
        street_residents,
        surname_searches,
        two_char_searches,
        push,
        push_counts,
    })
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
    let rows: [TableRow<'_>; 17] = [
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
        ("residents of the street searched", &|r| {
            r.street_residents.to_string()
        }),
        ("name search, 1 character, p50 (ms)", &|r| {
            ms(r.surname_searches.value_at_quantile(0.5))
        }),
        ("name search, 1 character, p99 (ms)", &|r| {
            ms(r.surname_searches.value_at_quantile(0.99))
        }),
        ("name search, 2 characters, p50 (ms)", &|r| {
            ms(r.two_char_searches.value_at_quantile(0.5))
        }),
        ("name search, 2 characters, p99 (ms)", &|r| {
            ms(r.two_char_searches.value_at_quantile(0.99))
        }),
        ("push of 100 000 residents, 10 % changed (s)", &|r| {
            format!("{:.1}", r.push.as_secs_f64())
        }),
        ("push: new / updated / unchanged", &|r| {
            let (new, updated, unchanged) = r.push_counts;
            format!("{new} / {updated} / {unchanged}")
        }),
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
    // The measurements write (events, the push): on a copy, so the cached file stays as built.
    let scratch = tempfile::tempdir()?;
    let copy = scratch.path().join("wangge.db");
    std::fs::copy(&file, &copy)?;
    let db = Db::open_sqlite_file(&copy).await?;
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
