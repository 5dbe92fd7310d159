//! The unit tree as stored: import (all or nothing), look-up, children and subtree scans by
//! code range.

use sqlx::Row;

use super::{Db, now_ms};
use crate::grid::unit_code::{kind_name, parent_of, subtree_end};
use crate::grid::unit_import::UnitRow;

/// A stored unit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredUnit {
    /// Code.
    pub code: String,
    /// Name.
    pub name: String,
    /// Level, lowercase (`province` … `grid`), or `department`.
    pub level: String,
    /// Parent code.
    pub parent_code: Option<String>,
    /// GeoJSON boundary.
    pub boundary: Option<String>,
}

/// What an import changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct ImportCounts {
    /// Units created.
    pub created: usize,
    /// Units whose name or boundary was updated.
    pub updated: usize,
}

fn level_name(code: &str) -> String {
    kind_name(code).unwrap_or_default().to_owned()
}

fn stored(row: &sqlx::any::AnyRow) -> sqlx::Result<StoredUnit> {
    Ok(StoredUnit {
        code: row.try_get("code")?,
        name: row.try_get("name")?,
        level: row.try_get("level")?,
        parent_code: row.try_get("parent_code")?,
        boundary: row.try_get("boundary")?,
    })
}

impl Db {
    /// Stores validated rows in one transaction, parents before children. Existing units
    /// keep their code and get the new name and boundary.
    pub async fn import_units(&self, rows: &[UnitRow]) -> sqlx::Result<ImportCounts> {
        let mut ordered: Vec<&UnitRow> = rows.iter().collect();
        ordered.sort_by_key(|row| (row.code.len(), row.code.clone()));
        let mut counts = ImportCounts::default();
        let mut tx = self.begin_write().await?;
        for row in ordered {
            let existed: Option<String> =
                sqlx::query_scalar("SELECT code FROM units WHERE code = $1")
                    .bind(&row.code)
                    .fetch_optional(&mut *tx)
                    .await?;
            sqlx::query(
                "INSERT INTO units (code, name, level, parent_code, boundary, updated_at) \
                 VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (code) DO UPDATE \
                 SET name = excluded.name, boundary = excluded.boundary, \
                 updated_at = excluded.updated_at",
            )
            .bind(&row.code)
            .bind(&row.name)
            .bind(level_name(&row.code))
            .bind(parent_of(&row.code))
            .bind(row.boundary.as_deref())
            .bind(now_ms())
            .execute(&mut *tx)
            .await?;
            if existed.is_some() {
                counts.updated += 1;
            } else {
                counts.created += 1;
            }
        }
        tx.commit().await?;
        Ok(counts)
    }

    /// Every stored unit code.
    pub async fn existing_unit_codes(&self) -> sqlx::Result<std::collections::BTreeSet<String>> {
        let codes: Vec<String> = sqlx::query_scalar("SELECT code FROM units")
            .fetch_all(self.pool())
            .await?;
        Ok(codes.into_iter().collect())
    }

    /// One unit.
    pub async fn unit(&self, code: &str) -> sqlx::Result<Option<StoredUnit>> {
        let row = sqlx::query(
            "SELECT code, name, level, parent_code, boundary FROM units WHERE code = $1",
        )
        .bind(code)
        .fetch_optional(self.pool())
        .await?;
        row.as_ref().map(stored).transpose()
    }

    /// The direct children of `code` in the tree of areas, by code (its departments are
    /// not among them: [`Db::departments_under`] lists those).
    pub async fn unit_children(&self, code: &str) -> sqlx::Result<Vec<StoredUnit>> {
        let rows = sqlx::query(
            "SELECT code, name, level, parent_code, boundary FROM units \
             WHERE parent_code = $1 AND level <> 'department' ORDER BY code",
        )
        .bind(code)
        .fetch_all(self.pool())
        .await?;
        rows.iter().map(stored).collect()
    }

    /// The departments in the subtree of `code` (attached to it or to a unit below it), by
    /// code.
    pub async fn departments_under(&self, code: &str) -> sqlx::Result<Vec<StoredUnit>> {
        let rows = sqlx::query(
            "SELECT code, name, level, parent_code, boundary FROM units \
             WHERE code >= $1 AND code < $2 AND level = 'department' ORDER BY code",
        )
        .bind(code)
        .bind(subtree_end(code))
        .fetch_all(self.pool())
        .await?;
        rows.iter().map(stored).collect()
    }

    /// `code` and every unit below it, by code: one range scan of the primary key.
    pub async fn unit_subtree(&self, code: &str) -> sqlx::Result<Vec<StoredUnit>> {
        let rows = sqlx::query(
            "SELECT code, name, level, parent_code, boundary FROM units \
             WHERE code >= $1 AND code < $2 ORDER BY code",
        )
        .bind(code)
        .bind(subtree_end(code))
        .fetch_all(self.pool())
        .await?;
        rows.iter().map(stored).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::db::test_engines::on_both_engines;

    fn row(code: &str, name: &str) -> UnitRow {
        UnitRow {
            row: 0,
            code: code.into(),
            name: name.into(),
            boundary: None,
        }
    }

    async fn scenarios(db: Db) {
        // Children listed before parents still import: parents are stored first.
        let rows = [
            row("420202001", "黄石港街道"),
            row("4202", "黄石市"),
            row("42", "湖北省"),
            row("420202", "黄石港区"),
            row("420203", "西塞山区"),
            row("4203", "十堰市"),
        ];
        let counts = db.import_units(&rows).await.expect("import");
        assert_eq!(
            counts,
            ImportCounts {
                created: 6,
                updated: 0
            }
        );
        let again = db
            .import_units(&[row("4202", "黄石")])
            .await
            .expect("update");
        assert_eq!(
            again,
            ImportCounts {
                created: 0,
                updated: 1
            }
        );
        let city = db.unit("4202").await.expect("get").expect("exists");
        assert_eq!((city.name.as_str(), city.level.as_str()), ("黄石", "city"));
        assert_eq!(city.parent_code.as_deref(), Some("42"));

        let subtree: Vec<String> = db
            .unit_subtree("4202")
            .await
            .expect("subtree")
            .into_iter()
            .map(|u| u.code)
            .collect();
        assert_eq!(subtree, ["4202", "420202", "420202001", "420203"]);
        let children: Vec<String> = db
            .unit_children("4202")
            .await
            .expect("children")
            .into_iter()
            .map(|u| u.code)
            .collect();
        assert_eq!(children, ["420202", "420203"]);

        // A department is in its county's subtree, but not among its children.
        db.import_units(&[row("420202.cgj", "区城管执法局")])
            .await
            .expect("department");
        let department = db.unit("420202.cgj").await.expect("get").expect("exists");
        assert_eq!(department.level, "department");
        assert_eq!(department.parent_code.as_deref(), Some("420202"));
        let children: Vec<String> = db
            .unit_children("420202")
            .await
            .expect("children")
            .into_iter()
            .map(|u| u.code)
            .collect();
        assert_eq!(children, ["420202001"]);
        let departments: Vec<String> = db
            .departments_under("4202")
            .await
            .expect("departments")
            .into_iter()
            .map(|u| u.code)
            .collect();
        assert_eq!(departments, ["420202.cgj"]);
    }

    on_both_engines!(scenarios, units_on_sqlite, units_on_postgres);
}
