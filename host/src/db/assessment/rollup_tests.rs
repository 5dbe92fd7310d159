//! The rollup behind assessment by unit agrees with the events it sums, on both engines:
//! after random reports, moves between units and days, updates of every tallied column
//! (one at a time and several at once) and deletes, its rows equal a fresh aggregate of the
//! events, and `Db::assessment` by unit equals one pass over the events.

use sqlx::Row;

use super::{Cohort, Grouping, TALLIES, Tally, bind_cohort, tally};
use crate::db::Db;
use crate::db::events::NewEvent;
use crate::db::test_engines::{on_both_engines, with_units};
use crate::grid::calendar::{DAY_MS, china_day_number, china_day_start_ms};

const UNITS: [&str; 12] = [
    "42",
    "4202",
    "420202",
    "420203",
    "420202001",
    "420203001",
    "420202001001",
    "420202001002",
    "420203001001",
    "420202001001001",
    "420202001001002",
    "420203001001001",
];
/// Where events sit: grids, and the community and street they escalate to.
const PLACES: [&str; 6] = [
    "420202001001001",
    "420202001001002",
    "420203001001001",
    "420202001001",
    "420202001",
    "420203001",
];
/// 2026-12-01 00:00 in China (UTC+8).
const FIRST_MIDNIGHT: i64 = 1_796_054_400_000;
const DAYS: i64 = 10;

/// One random change to a tallied column of event `id` (or `title`, which is not one).
fn change(rng: &mut fastrand::Rng) -> String {
    let ms = |rng: &mut fastrand::Rng| FIRST_MIDNIGHT + rng.i64(-DAY_MS..DAYS * DAY_MS);
    let maybe = |present: bool, value: String| {
        if present { value } else { "NULL".to_owned() }
    };
    match rng.u8(0..14) {
        0 => format!("unit_code = '{}'", PLACES[rng.usize(..PLACES.len())]),
        1 => format!("reported_at = {}", ms(rng)),
        2 => {
            let at = ms(rng);
            format!(
                "responded_at = {}, responded_on_time = {}",
                maybe(rng.bool(), at.to_string()),
                maybe(rng.bool(), rng.u8(0..2).to_string())
            )
        }
        3 => {
            let at = ms(rng);
            format!(
                "resolved_at = {}, resolved_on_time = {}",
                maybe(rng.bool(), at.to_string()),
                maybe(rng.bool(), rng.u8(0..2).to_string())
            )
        }
        4 => format!(
            "deadline = {}",
            maybe(rng.bool(), format!("'2026-12-{:02}'", rng.u8(1..12)))
        ),
        5 => format!(
            "dispatched_to = {}",
            maybe(rng.bool(), "'城管执法局'".to_owned())
        ),
        6 => format!("return_count = {}", rng.u8(0..3)),
        7 => format!("closed_at = {}", maybe(rng.bool(), ms(rng).to_string())),
        8 => format!("reopen_count = {}", rng.u8(0..2)),
        9 => format!("supervised = {}", rng.u8(0..2)),
        10 => format!("urge_count = urge_count + {}", rng.u8(1..3)),
        11 => {
            let n = rng.u8(0..3);
            format!(
                "evaluation_count = {n}, satisfied_count = {}",
                rng.u8(0..=n)
            )
        }
        12 => "title = '改了标题'".to_owned(),
        _ => format!(
            "unit_code = '{}', reported_at = {}, supervised = 1, return_count = 1",
            PLACES[rng.usize(..PLACES.len())],
            ms(rng)
        ),
    }
}

/// A day's row: the day, the unit, and its thirteen counts in the rollup's column order.
type DayRow = (i64, String, Vec<i64>);

/// The rows `sql` reads, of the day, the unit and the thirteen counts.
async fn day_rows(db: &Db, sql: &'static str) -> Vec<DayRow> {
    let rows = sqlx::query(sql)
        .fetch_all(db.pool())
        .await
        .expect("day rows");
    rows.iter()
        .map(|row| {
            let counts = (2..15).map(|i| row.try_get(i).expect("a count")).collect();
            (
                row.try_get(0).expect("day"),
                row.try_get(1).expect("unit"),
                counts,
            )
        })
        .collect()
}

/// The rollup's rows that hold anything, by day and unit.
async fn rollup(db: &Db) -> Vec<DayRow> {
    let rows = day_rows(
        db,
        "SELECT day, unit_code, events, responded_on_time, response_measured, \
         resolved_on_time, resolution_measured, dispatched, returned, closed, reopened, \
         supervised, urged, evaluations, satisfied FROM assessment_days \
         ORDER BY day, unit_code",
    )
    .await;
    rows.into_iter()
        .filter(|(_, _, counts)| counts.iter().any(|&n| n != 0))
        .collect()
}

/// The same, aggregated afresh from the events.
async fn aggregate(db: &Db) -> Vec<DayRow> {
    day_rows(
        db,
        "SELECT CAST((reported_at + 28800000) / 86400000 AS BIGINT) AS day, unit_code, \
         CAST(COUNT(*) AS BIGINT), \
         CAST(SUM(CASE WHEN responded_on_time = 1 THEN 1 ELSE 0 END) AS BIGINT), \
         CAST(SUM(CASE WHEN responded_on_time IS NOT NULL THEN 1 ELSE 0 END) AS BIGINT), \
         CAST(SUM(CASE WHEN resolved_on_time = 1 THEN 1 ELSE 0 END) AS BIGINT), \
         CAST(SUM(CASE WHEN resolved_on_time IS NOT NULL THEN 1 ELSE 0 END) AS BIGINT), \
         CAST(SUM(CASE WHEN dispatched_to IS NOT NULL OR return_count > 0 THEN 1 ELSE 0 END) AS BIGINT), \
         CAST(SUM(CASE WHEN return_count > 0 THEN 1 ELSE 0 END) AS BIGINT), \
         CAST(SUM(CASE WHEN closed_at IS NOT NULL THEN 1 ELSE 0 END) AS BIGINT), \
         CAST(SUM(CASE WHEN reopen_count > 0 THEN 1 ELSE 0 END) AS BIGINT), \
         CAST(SUM(supervised) AS BIGINT), CAST(SUM(urge_count) AS BIGINT), \
         CAST(SUM(evaluation_count) AS BIGINT), CAST(SUM(satisfied_count) AS BIGINT) \
         FROM events GROUP BY (reported_at + 28800000) / 86400000, unit_code \
         ORDER BY day, unit_code",
    )
    .await
}

/// `cohort` by unit in one pass over its events: what `Db::assessment` read before the
/// rollup.
async fn one_pass(db: &Db, cohort: &Cohort<'_>, len: Option<usize>) -> Vec<Tally> {
    let key = len.map_or_else(
        || "unit_code".to_owned(),
        |n| format!("substr(unit_code, 1, {n})"),
    );
    let sql = format!(
        "SELECT {key} AS k, {TALLIES} FROM events \
         WHERE unit_code >= $1 AND unit_code < $2 \
         AND reported_at >= $3 AND reported_at < $4 GROUP BY {key}"
    );
    let rows = bind_cohort(sqlx::query(sqlx::AssertSqlSafe(sql)), cohort)
        .fetch_all(db.pool())
        .await
        .expect("one pass");
    let mut tallies: Vec<Tally> = rows.iter().map(|r| tally(r).expect("tally")).collect();
    tallies.sort_by(|a, b| a.key.cmp(&b.key));
    tallies
}

async fn report(db: &Db, place: &str) -> i64 {
    db.report_event(&NewEvent {
        category: "environment",
        title: "垃圾未清运",
        description: "",
        unit_code: place,
        reporter: "user:li",
        latitude: None,
        longitude: None,
        address: None,
        attributes: None,
        repeat_of: None,
    })
    .await
    .expect("report")
}

async fn scenario(db: Db) {
    with_units(&db, &UNITS).await;
    let mut rng = fastrand::Rng::with_seed(26);
    let mut ids = Vec::new();
    for round in 0..6 {
        for _ in 0..15 {
            ids.push(report(&db, PLACES[rng.usize(..PLACES.len())]).await);
        }
        for _ in 0..120 {
            let id = ids[rng.usize(..ids.len())];
            let sql = format!("UPDATE events SET {} WHERE id = {id}", change(&mut rng));
            sqlx::query(sqlx::AssertSqlSafe(sql))
                .execute(db.pool())
                .await
                .expect("update");
        }
        for _ in 0..3 {
            let id = ids.swap_remove(rng.usize(..ids.len()));
            sqlx::query("DELETE FROM events WHERE id = $1")
                .bind(id)
                .execute(db.pool())
                .await
                .expect("delete");
        }
        let expected = aggregate(&db).await;
        assert!(
            expected.len() > 5,
            "round {round}: the events spread over days and units"
        );
        assert_eq!(rollup(&db).await, expected, "round {round}: the rollup");

        for (unit, len) in [
            ("42", Some(4)),
            ("4202", Some(6)),
            ("420202", Some(9)),
            ("420202001", Some(12)),
            ("420202001001", None),
        ] {
            for (first, days) in [(0, DAYS), (2, 3), (-1, 1)] {
                let cohort = Cohort {
                    unit,
                    from_ms: FIRST_MIDNIGHT + first * DAY_MS,
                    until_ms: FIRST_MIDNIGHT + (first + days) * DAY_MS,
                    today: "2026-12-06",
                    response_due_before_ms: FIRST_MIDNIGHT + 4 * DAY_MS,
                };
                assert_eq!(
                    china_day_start_ms(china_day_number(cohort.from_ms)),
                    cohort.from_ms
                );
                let mut by_rollup = db
                    .assessment(&cohort, Grouping::Units(len))
                    .await
                    .expect("by unit");
                by_rollup.sort_by(|a, b| a.key.cmp(&b.key));
                assert_eq!(
                    by_rollup,
                    one_pass(&db, &cohort, len).await,
                    "round {round}: {unit} from day {first} for {days}"
                );
            }
        }
    }
    let live = one_pass(
        &db,
        &Cohort {
            unit: "42",
            from_ms: FIRST_MIDNIGHT,
            until_ms: FIRST_MIDNIGHT + DAYS * DAY_MS,
            today: "2026-12-06",
            response_due_before_ms: FIRST_MIDNIGHT + 4 * DAY_MS,
        },
        Some(4),
    )
    .await;
    let total = &live[0];
    assert!(
        total.response_due > total.responded_on_time
            && total.resolution_due > total.resolved_on_time
            && total.evaluations > 0
            && total.urged > 0,
        "the random changes reached the live terms and every kind of count: {total:?}"
    );
}

on_both_engines!(scenario, rollup_on_sqlite, rollup_on_postgres);
