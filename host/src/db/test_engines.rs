//! Test support: run one scenario on a fresh SQLite file and on a fresh PostgreSQL
//! database, so every query is proven on both engines.

use tempfile::TempDir;
use wangge_tests::postgres::FreshDatabase;

use super::Db;
use crate::grid::unit_import::UnitRow;

/// A migrated database that lives as long as this value.
pub struct TestDb {
    /// The database.
    pub db: Db,
    _sqlite_dir: Option<TempDir>,
    _postgres: Option<FreshDatabase>,
}

/// A fresh SQLite file.
pub async fn sqlite() -> TestDb {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = Db::open_sqlite_file(&dir.path().join("wangge.db"))
        .await
        .expect("sqlite");
    TestDb {
        db,
        _sqlite_dir: Some(dir),
        _postgres: None,
    }
}

/// A fresh PostgreSQL database.
pub async fn postgres() -> TestDb {
    let database = FreshDatabase::create().await;
    let db = Db::connect(database.url()).await.expect("postgres");
    TestDb {
        db,
        _sqlite_dir: None,
        _postgres: Some(database),
    }
}

/// Stores units with these codes (parents first or not), named after their codes.
pub async fn with_units(db: &Db, codes: &[&str]) {
    let units: Vec<UnitRow> = codes
        .iter()
        .map(|code| UnitRow {
            row: 0,
            code: (*code).into(),
            name: format!("单位{code}"),
            boundary: None,
        })
        .collect();
    db.import_units(&units).await.expect("units");
}

/// Declares `#[tokio::test]`s named `$sqlite` and `$postgres` that run `$scenario(db)`.
macro_rules! on_both_engines {
    ($scenario:path, $sqlite:ident, $postgres:ident) => {
        #[tokio::test]
        async fn $sqlite() {
            let engine = $crate::db::test_engines::sqlite().await;
            $scenario(engine.db.clone()).await;
        }

        #[tokio::test]
        async fn $postgres() {
            let engine = $crate::db::test_engines::postgres().await;
            $scenario(engine.db.clone()).await;
        }
    };
}
pub(crate) use on_both_engines;
