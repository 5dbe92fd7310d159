//! The marker moves with every installation change that commits, and only then, on both
//! engines.

use serde_json::Map;

use crate::db::Db;
use crate::db::installations::{Placement, VersionToRecord};
use crate::db::test_engines::on_both_engines;

fn version(version: &str) -> VersionToRecord<'_> {
    VersionToRecord {
        plugin_id: "marker-test",
        version,
        name: "标记测试",
        manifest: "",
        component_digest: "c1",
        component: b"component bytes",
        package_digest: "sha256:p1",
        categories: &[],
    }
}

/// Asserts the marker moved (or not) since `last`, and remembers where it is now.
async fn moved(db: &Db, last: &mut i64, expected: bool, what: &str) {
    let now = db.catalog_version().await.expect("read");
    assert_eq!(now != *last, expected, "{what}: {last} → {now}");
    *last = now;
}

async fn bumps(db: Db) {
    let config = Map::new();
    let grants: Vec<String> = Vec::new();
    let placement = Placement {
        unit_code: "4202",
        unit_name: "黄石市",
        grants: &grants,
        config: &config,
    };
    let mut last = db.catalog_version().await.expect("read");

    let id = db
        .record_installation(&version("1.0.0"), &placement)
        .await
        .expect("record")
        .expect("new installation");
    moved(&db, &mut last, true, "install").await;

    let refused = db
        .record_installation(&version("1.0.0"), &placement)
        .await
        .expect("record again");
    assert_eq!(refused, None);
    moved(&db, &mut last, false, "refused install").await;

    assert!(
        db.set_installation_state(id, "enabled", "disabled")
            .await
            .expect("disable")
    );
    moved(&db, &mut last, true, "disable").await;
    assert!(
        !db.set_installation_state(id, "enabled", "disabled")
            .await
            .expect("again")
    );
    moved(&db, &mut last, false, "disable of a disabled one").await;
    assert!(
        db.set_installation_state(id, "disabled", "enabled")
            .await
            .expect("enable")
    );
    moved(&db, &mut last, true, "enable").await;

    let switched = db
        .switch_installation_version(id, "1.0.0", &version("1.1.0"), &grants, &config)
        .await
        .expect("upgrade");
    assert!(switched);
    moved(&db, &mut last, true, "upgrade").await;
    assert!(
        db.swap_to_previous_version(id, "1.1.0")
            .await
            .expect("rollback")
    );
    moved(&db, &mut last, true, "rollback").await;
    assert!(
        !db.swap_to_previous_version(id, "9.9.9")
            .await
            .expect("stale rollback")
    );
    moved(&db, &mut last, false, "stale rollback").await;

    db.delete_installation(id).await.expect("delete");
    moved(&db, &mut last, true, "uninstall").await;
}

on_both_engines!(bumps, bumps_on_sqlite, bumps_on_postgres);
