//! Synthetic demo data at any scale, the same for the same seed: the unit tree of 黄石市 with
//! boundaries, residents with valid ID numbers, and events in every workflow state. Used by
//! `wangge demo seed` and by the data benchmarks.
//!
//! Everything goes through the paths real data takes: units through the validated import,
//! residents through the import's validation and its insert, events through
//! `Db::report_event` and `Db::move_event`. Timestamps and SLA deadlines are relative to
//! today; everything else follows from the seed alone.

pub mod base_data;
mod events;
pub mod geometry;
mod mediation;
mod names;
pub mod residents;
pub mod units;
pub mod users;

use std::collections::BTreeMap;

use crate::db::Db;
use crate::db::residents::insert_resident_rows;
use crate::grid::calendar::today_in_china;
use crate::grid::unit_code::level_of;
use crate::grid::unit_import::{RowProblem, validate};

/// Residents `wangge demo seed` creates unless told otherwise: enough for lists, statistics
/// and maps to look like a district's, few enough to seed in seconds.
pub const DEFAULT_RESIDENTS: usize = 20_000;

/// The seed unless told otherwise.
pub const DEFAULT_SEED: u64 = 1;

/// Residents generated and inserted per batch: bounds memory at any scale (a batch is a
/// few MiB) while each batch is still large enough that the per-batch overhead is nil.
const RESIDENTS_PER_BATCH: usize = 10_000;

/// Fewest and most events generated: every state present even in a small seed, and a
/// bounded seeding time (each move is its own write transaction) in a large one.
const MIN_EVENTS: usize = 50;
const MAX_EVENTS: usize = 2_000;

/// The street the demo users work in; a share of the events are reported there.
const DEMO_STREET: &str = "420202001";

/// What to generate.
#[derive(Debug, Clone, Copy)]
pub struct SeedOptions {
    /// Residents in all, the eight of `host/data/demo/residents.csv` first.
    pub residents: usize,
    /// The seed every random draw follows from.
    pub seed: u64,
    /// Also generate houses, households, organizations and special populations for the
    /// residents. The data benchmarks turn it off: they measure resident lists and events,
    /// and base data for millions of residents would only lengthen their set-up.
    pub base_data: bool,
}

impl Default for SeedOptions {
    fn default() -> Self {
        Self {
            residents: DEFAULT_RESIDENTS,
            seed: DEFAULT_SEED,
            base_data: true,
        }
    }
}

/// How far seeding has come, for a progress display.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Progress {
    /// The unit tree is imported.
    Units(usize),
    /// Residents generated and inserted (not yet committed) so far.
    Residents {
        /// Done.
        done: usize,
        /// To do.
        total: usize,
    },
    /// Residents committed.
    ResidentsCommitted(usize),
    /// Houses, households, organizations and special populations are in.
    BaseData(base_data::BaseDataSummary),
    /// Events reported and moved so far.
    Events {
        /// Done.
        done: usize,
        /// To do.
        total: usize,
    },
}

/// What seeding created.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SeedSummary {
    /// Units in the generated tree, by level (`province` … `grid`).
    pub units_by_level: BTreeMap<String, usize>,
    /// Residents inserted.
    pub residents: usize,
    /// Events by the state they were left in.
    pub events_by_state: BTreeMap<&'static str, usize>,
    /// Houses, households, organizations and special populations.
    pub base_data: base_data::BaseDataSummary,
}

/// Why seeding refused to start.
#[derive(Debug, thiserror::Error)]
pub enum SeedError {
    /// Residents are already stored: generated ones would mix with them.
    #[error(
        "the database already has residents; `demo seed` fills an empty one \
         (use a new --data-dir, or --residents 0 to import only the unit tree)"
    )]
    AlreadyHasResidents,
    /// The generated tree failed the import's validation (a bug in the generator).
    #[error("the generated unit tree is invalid: {0}")]
    InvalidUnits(String),
}

/// How many events go with `residents` residents.
pub fn event_count(residents: usize) -> usize {
    if residents == 0 {
        0
    } else {
        (residents / 100).clamp(MIN_EVENTS, MAX_EVENTS)
    }
}

/// Generates the demo data for `options` into `db`. Refuses, changing nothing, if residents
/// are to be generated and some are already stored. Residents go in one write transaction,
/// in batches; `progress` hears of each step.
pub async fn seed(
    db: &Db,
    options: &SeedOptions,
    progress: &mut dyn FnMut(Progress),
) -> anyhow::Result<SeedSummary> {
    // Every code is digits, so the subtree of "" (codes from "" up to ":") is every grid.
    if options.residents > 0 && !db.residents_under("", None, 1).await?.is_empty() {
        return Err(SeedError::AlreadyHasResidents.into());
    }
    let mut summary = SeedSummary::default();

    let tree = units::unit_tree(options.seed);
    let rows = units::unit_rows(&tree);
    let existing = db.existing_unit_codes().await?;
    let problems: Vec<RowProblem> = validate(&rows, |code| existing.contains(code));
    if let Some(first) = problems.first() {
        return Err(SeedError::InvalidUnits(first.to_string()).into());
    }
    let unit_rows: Vec<_> = rows.into_iter().map(|(row, _)| row).collect();
    db.import_units(&unit_rows).await?;
    let departments = units::departments(&tree);
    let problems = validate(&departments, |code| {
        unit_rows.iter().any(|u| u.code == code) || existing.contains(code)
    });
    if let Some(first) = problems.first() {
        return Err(SeedError::InvalidUnits(first.to_string()).into());
    }
    let department_rows: Vec<_> = departments.into_iter().map(|(row, _)| row).collect();
    db.import_units(&department_rows).await?;
    *summary
        .units_by_level
        .entry("department".to_owned())
        .or_default() += department_rows.len();
    for unit in &tree {
        let level = level_of(&unit.code)
            .map(|level| format!("{level:?}").to_lowercase())
            .unwrap_or_default();
        *summary.units_by_level.entry(level).or_default() += 1;
    }
    progress(Progress::Units(tree.len()));

    let grids: Vec<(String, geometry::BBox)> = tree
        .iter()
        .filter(|u| u.code.len() == 15)
        .map(|u| (u.code.clone(), u.bbox))
        .collect();
    let grid_codes = grids.iter().map(|(code, _)| code.clone()).collect();
    summary.residents = insert_residents(db, options, grid_codes, progress).await?;

    let total_events = event_count(options.residents);
    let today = today_in_china();
    summary.events_by_state = events::generate_events(
        db,
        options.seed.wrapping_add(2),
        &grids,
        DEMO_STREET,
        total_events,
        today,
        &mut |done| {
            progress(Progress::Events {
                done,
                total: total_events,
            })
        },
    )
    .await?;

    // One risk warning waits for the demo street's grid workers to sign for it, so the
    // workspace and the dashboard show 签收 with something in it.
    if !grids.is_empty() {
        db.push_warning(
            DEMO_STREET,
            "风险预警：寒潮降温",
            "今夜最低气温零下五度，请走访独居老人，检查取暖设施，签收后反馈走访情况。",
            "user:admin",
        )
        .await?;
    }

    mediation::seed(db, DEMO_STREET).await?;

    if options.base_data && summary.residents > 0 {
        let names: BTreeMap<&str, &str> = tree
            .iter()
            .map(|u| (u.code.as_str(), u.name.as_str()))
            .collect();
        let grids: Vec<(String, geometry::BBox, String)> = grids
            .iter()
            .map(|(code, bbox)| {
                let name = names.get(code.as_str()).copied().unwrap_or_default();
                (code.clone(), *bbox, name.to_owned())
            })
            .collect();
        summary.base_data = base_data::generate(db, options.seed.wrapping_add(3), &grids).await?;
        progress(Progress::BaseData(summary.base_data));
    }
    Ok(summary)
}

/// The demo CSV's residents, then generated ones up to `options.residents`, in batches in
/// one write transaction: all or none.
async fn insert_residents(
    db: &Db,
    options: &SeedOptions,
    grids: Vec<String>,
    progress: &mut dyn FnMut(Progress),
) -> anyhow::Result<usize> {
    let total = options.residents;
    if total == 0 {
        return Ok(0);
    }
    let today = today_in_china();
    let mut demo = residents::demo_csv_residents(today)?;
    demo.truncate(total);
    let mut generator = residents::ResidentGenerator::new(
        options.seed.wrapping_add(1),
        grids,
        demo.iter().map(|r| r.id_number.as_str()),
        today,
    );
    let now = crate::db::now_ms();
    let mut tx = db.begin_write().await?;
    insert_resident_rows(&mut tx, &demo, now).await?;
    let mut done = demo.len();
    let mut batch = Vec::with_capacity(RESIDENTS_PER_BATCH);
    while done < total {
        batch.clear();
        for _ in 0..RESIDENTS_PER_BATCH.min(total - done) {
            batch.push(generator.next_resident()?);
        }
        insert_resident_rows(&mut tx, &batch, now).await?;
        done += batch.len();
        progress(Progress::Residents { done, total });
    }
    tx.commit().await?;
    progress(Progress::ResidentsCommitted(done));
    Ok(done)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::db::test_engines::on_both_engines;
    use crate::grid::workflow::EventState;

    async fn scenarios(db: Db) {
        let options = SeedOptions {
            residents: 1_500,
            seed: 4,
            base_data: true,
        };
        let mut last_events = None;
        let summary = seed(&db, &options, &mut |p| {
            if let Progress::Events { .. } = p {
                last_events = Some(p);
            }
        })
        .await
        .expect("seed");
        assert_eq!(
            last_events,
            Some(Progress::Events {
                done: 50,
                total: 50
            })
        );
        let base = summary.base_data;
        assert!(base.houses > 300, "{base:?}");
        assert_eq!(
            base.houses_matched_by_boundary, base.houses,
            "every generated house lies inside its grid's boundary"
        );
        assert_eq!(base.households, base.houses, "one household per house");
        let linked = db.residents_under("42", None, 2_000).await.expect("list");
        assert!(
            linked
                .iter()
                .all(|r| r.household_id.is_some() && r.house_id.is_some()),
            "every resident lives in a household and a house"
        );
        let houses = db.houses_under("42", None, 10).await.expect("houses");
        assert!(houses.iter().all(|h| h.grid_source == "boundary"));
        assert_eq!(summary.residents, 1_500);
        assert_eq!(summary.units_by_level.get("county"), Some(&6));
        for state in [
            EventState::Reported,
            EventState::Accepted,
            EventState::Rejected,
            EventState::Dispatched,
            EventState::Handling,
            EventState::Resolved,
            EventState::Closed,
            EventState::Evaluated,
        ] {
            assert!(
                summary
                    .events_by_state
                    .get(state.name())
                    .is_some_and(|n| *n > 0),
                "{state:?}: {:?}",
                summary.events_by_state
            );
        }
        let jiangbian = db
            .residents_under("420202001001001", None, 1_000)
            .await
            .expect("list");
        assert!(
            jiangbian
                .iter()
                .any(|r| r.id_number == "420202194405120116"),
            "the demo CSV's residents are in"
        );
        let all = db.residents_under("42", None, 2_000).await.expect("list");
        assert_eq!(all.len(), 1_500);
        let events = db.events_under("4202", 100).await.expect("events");
        assert_eq!(events.len(), 50);
        let timeline = db.event_timeline(events[0].id).await.expect("timeline");
        assert!(!timeline.is_empty());

        let again = seed(&db, &options, &mut |_| {}).await;
        assert!(
            again
                .expect_err("refused")
                .downcast_ref::<SeedError>()
                .is_some_and(|e| matches!(e, SeedError::AlreadyHasResidents))
        );
        let units_only = SeedOptions {
            residents: 0,
            ..options
        };
        let summary = seed(&db, &units_only, &mut |_| {}).await.expect("units");
        assert_eq!(summary.residents, 0);
    }

    on_both_engines!(scenarios, seed_on_sqlite, seed_on_postgres);
}
