//! The data a plugin is developed and tested against: the demo unit tree of 黄石市, a few
//! hundred residents with houses and households, events in every state, and the four demo
//! users. Small enough to seed in seconds, real enough that scope and masking matter.

use crate::db::Db;
use crate::demo_data::users::create_demo_users;
use crate::demo_data::{SeedOptions, seed};

/// Residents the fixtures hold (the eight of `host/data/demo/residents.csv` first, then
/// generated ones).
pub const FIXTURE_RESIDENTS: usize = 300;

/// The unit where plugins under development are installed: 黄石港街道, the demo admin's
/// street, which holds the demo grid worker's and resident's grid.
pub const FIXTURE_INSTALL_UNIT: &str = crate::demo_data::users::DEMO_STREET;

/// Seeds the fixtures into an empty database; a database that already has them is left as
/// it is (the dev server keeps its data between runs).
pub async fn ensure_fixtures(db: &Db) -> anyhow::Result<()> {
    if db.unit(FIXTURE_INSTALL_UNIT).await?.is_none() {
        let options = SeedOptions {
            residents: FIXTURE_RESIDENTS,
            ..SeedOptions::default()
        };
        seed(db, &options, &mut |_| {}).await?;
    }
    create_demo_users(db).await
}
