//! Plugin storage on both engines: the same scenarios on an SQLite file and on a fresh
//! PostgreSQL database.

use super::{InstallationStorage, StorageError};
use crate::db::Db;
use crate::db::plugins::NewPlugin;
use crate::db::test_engines::on_both_engines;

async fn installation(db: &Db, unit_code: &str) -> i64 {
    let config = serde_json::Map::new();
    let (_, id) = db
        .register_plugin(
            &NewPlugin {
                id: "storage-test",
                version: "1.0.0",
                name: "存储测试",
                manifest: "",
                digest: "digest",
                component: b"not needed here",
                unit_code,
                unit_name: "测试单位",
                grants: &[],
                config: &config,
                categories: &[],
            },
            false,
        )
        .await
        .expect("register");
    id
}

async fn scenarios(db: Db) {
    let a = InstallationStorage::new(db.clone(), installation(&db, "42").await, 100);
    let b = InstallationStorage::new(db.clone(), installation(&db, "4202").await, 100);

    // Round trip, overwrite, delete.
    assert_eq!(a.get("missing").await.expect("get"), None);
    a.set("name", b"hello").await.expect("set");
    a.set("name", b"world").await.expect("overwrite");
    assert_eq!(
        a.get("name").await.expect("get").as_deref(),
        Some(&b"world"[..])
    );
    assert_eq!(a.usage().await.expect("usage"), 9, "key and value bytes");
    assert!(a.delete("name").await.expect("delete"));
    assert!(!a.delete("name").await.expect("delete again"));
    assert_eq!(a.usage().await.expect("usage"), 0);

    // Counters.
    assert_eq!(a.increment("visits", 1).await.expect("first"), 1);
    assert_eq!(a.increment("visits", 41).await.expect("second"), 42);
    assert_eq!(
        a.get("visits").await.expect("get").as_deref(),
        Some(&b"42"[..])
    );
    a.set("text", b"abc").await.expect("set");
    assert!(matches!(
        a.increment("text", 1).await,
        Err(StorageError::NotACounter(_))
    ));
    a.set("big", i64::MAX.to_string().as_bytes())
        .await
        .expect("set");
    assert!(matches!(
        a.increment("big", 1).await,
        Err(StorageError::Overflow(_))
    ));
    assert!(a.delete("big").await.expect("delete"));

    // Installations do not see each other.
    assert_eq!(b.get("visits").await.expect("get"), None);
    b.set("visits", b"7").await.expect("set");
    assert_eq!(a.increment("visits", 0).await.expect("unchanged"), 42);

    // Keys in byte order, by prefix, paged.
    for key in ["order/2", "order/10", "order/1", "other", "order/网格"] {
        a.set(key, b"").await.expect("set");
    }
    assert_eq!(
        a.list_keys("order/", None, 10).await.expect("list"),
        ["order/1", "order/10", "order/2", "order/网格"]
    );
    assert_eq!(
        a.list_keys("order/", Some("order/10"), 2)
            .await
            .expect("page"),
        ["order/2", "order/网格"]
    );

    // The quota counts keys and values; a refused write changes nothing; shrinking is
    // always allowed.
    let before = a.usage().await.expect("usage");
    let too_big = vec![b'x'; 100];
    assert!(matches!(
        a.set("blob", &too_big).await,
        Err(StorageError::Quota { .. })
    ));
    assert_eq!(a.get("blob").await.expect("get"), None);
    assert_eq!(a.usage().await.expect("usage"), before);
    a.set("text", b"").await.expect("shrink");
    assert_eq!(a.usage().await.expect("usage"), before - 3);
}

on_both_engines!(scenarios, storage_on_sqlite, storage_on_postgres);

async fn concurrent_increments(db: Db) {
    let storage = InstallationStorage::new(db.clone(), installation(&db, "42").await, 1 << 20);
    let tasks: Vec<_> = (0..8)
        .map(|_| {
            let storage = storage.clone();
            tokio::spawn(async move {
                for _ in 0..25 {
                    storage.increment("hits", 1).await.expect("increment");
                }
            })
        })
        .collect();
    for task in tasks {
        task.await.expect("join");
    }
    assert_eq!(
        storage.increment("hits", 0).await.expect("read"),
        200,
        "{:?}",
        db.backend()
    );
}

on_both_engines!(
    concurrent_increments,
    concurrent_increments_are_not_lost_on_sqlite,
    concurrent_increments_are_not_lost_on_postgres
);
