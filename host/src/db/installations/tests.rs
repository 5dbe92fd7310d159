//! Lifecycle writes on both engines: record, take over an uninstalled installation, switch
//! versions, swap back, change state, snapshot and restore storage, delete.

use serde_json::Map;

use super::{Placement, VersionToRecord};
use crate::db::Db;
use crate::db::plugin_storage::InstallationStorage;
use crate::db::test_engines::on_both_engines;

fn version<'a>(
    version: &'a str,
    component_digest: &'a str,
    package: &'a str,
) -> VersionToRecord<'a> {
    VersionToRecord {
        plugin_id: "lifecycle-test",
        version,
        name: "生命周期测试",
        manifest: "",
        component_digest,
        component: b"component bytes",
        package_digest: package,
        categories: &[],
    }
}

async fn scenarios(db: Db) {
    let config = Map::new();
    let grants = vec!["events:read".to_owned()];
    let placement = Placement {
        unit_code: "4202",
        unit_name: "黄石市",
        grants: &grants,
        config: &config,
    };
    let id = db
        .record_installation(&version("1.0.0", "c1", "sha256:p1"), &placement)
        .await
        .expect("record")
        .expect("new installation");
    // A second install at the same unit is refused while the first is there.
    let again = db
        .record_installation(&version("1.0.0", "c1", "sha256:p1"), &placement)
        .await
        .expect("record again");
    assert_eq!(again, None);
    // Another component under the same version is refused.
    let clash = db
        .record_installation(
            &version("1.0.0", "other", "sha256:p9"),
            &Placement {
                unit_code: "4203",
                ..placement
            },
        )
        .await;
    assert!(clash.is_err());

    let storage = InstallationStorage::new(db.clone(), id, 1000);
    storage.set("visits", b"3").await.expect("set");
    let snapshot = db.storage_entries(id).await.expect("entries");
    assert_eq!(snapshot, vec![("visits".to_owned(), b"3".to_vec())]);

    // Upgrade, and a stale upgrade that changes nothing.
    let more = vec!["events:read".to_owned(), "houses:read".to_owned()];
    assert!(
        db.switch_installation_version(
            id,
            "1.0.0",
            &version("2.0.0", "c2", "sha256:p2"),
            &more,
            &config
        )
        .await
        .expect("switch")
    );
    assert!(
        !db.switch_installation_version(
            id,
            "1.0.0",
            &version("3.0.0", "c3", "sha256:p3"),
            &more,
            &config
        )
        .await
        .expect("stale switch")
    );
    let row = db
        .installation_at("lifecycle-test", "4202")
        .await
        .expect("row")
        .expect("there");
    assert_eq!(row.version, "2.0.0");
    assert_eq!(row.grants, more);
    assert_eq!(row.previous_version.as_deref(), Some("1.0.0"));
    assert_eq!(row.previous_package_digest.as_deref(), Some("sha256:p1"));

    // Rollback swaps, twice returns.
    assert!(
        db.swap_to_previous_version(id, "2.0.0")
            .await
            .expect("swap")
    );
    let row = db
        .installation_at("lifecycle-test", "4202")
        .await
        .expect("row")
        .expect("there");
    assert_eq!(
        (row.version.as_str(), row.grants.clone()),
        ("1.0.0", grants.clone())
    );
    assert_eq!(row.package_digest.as_deref(), Some("sha256:p1"));
    assert_eq!(row.previous_version.as_deref(), Some("2.0.0"));

    // A failed hook's writes are undone by restoring the snapshot.
    storage.set("visits", b"0").await.expect("clobber");
    storage.set("migrated", b"yes").await.expect("new key");
    db.restore_storage(id, &snapshot).await.expect("restore");
    assert_eq!(db.storage_entries(id).await.expect("entries"), snapshot);
    assert_eq!(storage.usage().await.expect("usage"), 7);

    // State changes are conditional.
    assert!(
        db.set_installation_state(id, "enabled", "disabled")
            .await
            .expect("disable")
    );
    assert!(
        !db.set_installation_state(id, "enabled", "disabled")
            .await
            .expect("again")
    );
    assert!(
        db.set_installation_state(id, "disabled", "uninstalled")
            .await
            .expect("uninstall")
    );
    // A reinstall takes the kept row over, storage and all.
    let reinstalled = db
        .record_installation(&version("2.0.0", "c2", "sha256:p2"), &placement)
        .await
        .expect("reinstall");
    assert_eq!(reinstalled, Some(id));
    assert_eq!(db.storage_entries(id).await.expect("kept"), snapshot);
    let row = db
        .installation_at("lifecycle-test", "4202")
        .await
        .expect("row")
        .expect("there");
    assert_eq!(
        (row.state.as_str(), row.previous_version),
        ("enabled", None)
    );

    db.delete_installation(id).await.expect("delete");
    assert_eq!(
        db.installation_at("lifecycle-test", "4202")
            .await
            .expect("row"),
        None
    );
    assert!(db.storage_entries(id).await.expect("entries").is_empty());
}

on_both_engines!(
    scenarios,
    lifecycle_rows_on_sqlite,
    lifecycle_rows_on_postgres
);
