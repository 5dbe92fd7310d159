//! Plugin-owned categories on both engines: registered with the plugin, updated on
//! re-registration, and refused (with nothing registered) when built in or another plugin's.

use serde_json::json;

use super::{CategoryClaimError, PluginCategory};
use crate::db::Db;
use crate::db::events::Category;
use crate::db::plugins::{NewPlugin, Registration};
use crate::db::test_engines::on_both_engines;

fn category(code: &str, name: &str, sla: u32) -> PluginCategory {
    PluginCategory {
        code: code.into(),
        name: name.into(),
        sla_working_days: sla,
        description: Some("探访独居老人".into()),
        fields_schema: Some(json!({
            "type": "object",
            "additionalProperties": false,
            "properties": {
                "visitor": {"type": "string", "title": "探访人", "description": "网格员"}
            }
        })),
    }
}

async fn register(
    db: &Db,
    id: &str,
    digest: &str,
    categories: &[PluginCategory],
) -> anyhow::Result<Registration> {
    let config = serde_json::Map::new();
    db.register_plugin(
        &NewPlugin {
            id,
            version: "1.0.0",
            name: "测试插件",
            manifest: "",
            digest,
            component: digest.as_bytes(),
            unit_code: "4202",
            unit_name: "黄石市",
            grants: &[],
            config: &config,
            categories,
        },
        true,
    )
    .await
    .map(|(registration, _)| registration)
}

async fn find(db: &Db, code: &str) -> Option<Category> {
    db.event_categories()
        .await
        .expect("categories")
        .into_iter()
        .find(|c| c.code == code)
}

async fn plugin_count(db: &Db, id: &str) -> i64 {
    sqlx::query_scalar("SELECT COUNT(*) FROM plugins WHERE id = $1")
        .bind(id)
        .fetch_one(db.pool())
        .await
        .expect("count")
}

fn claim_error(result: anyhow::Result<Registration>) -> String {
    let error = result.expect_err("refused");
    assert!(
        error.downcast_ref::<CategoryClaimError>().is_some(),
        "{error:#}"
    );
    error.to_string()
}

async fn scenarios(db: Db) {
    let visit = category("elder-care.visit", "独居老人探访", 3);
    register(&db, "elder-care", "a", std::slice::from_ref(&visit))
        .await
        .expect("registered");
    let stored = find(&db, "elder-care.visit").await.expect("stored");
    assert_eq!(stored.owner_plugin.as_deref(), Some("elder-care"));
    assert_eq!(stored.sla_working_days, 3);
    assert_eq!(stored.fields_schema, visit.fields_schema);
    assert_eq!(
        find(&db, "safety-hazard")
            .await
            .expect("built in")
            .owner_plugin,
        None
    );

    // Re-registering (a replaced component) updates the category.
    let renamed = PluginCategory {
        name: "高龄老人探访".into(),
        sla_working_days: 5,
        fields_schema: None,
        ..visit.clone()
    };
    assert_eq!(
        register(&db, "elder-care", "b", std::slice::from_ref(&renamed))
            .await
            .expect("replaced"),
        Registration::Replaced
    );
    let stored = find(&db, "elder-care.visit").await.expect("stored");
    assert_eq!(
        (
            stored.name.as_str(),
            stored.sla_working_days,
            stored.fields_schema
        ),
        ("高龄老人探访", 5, None)
    );

    // A built-in code: refused, naming the field, and nothing of the plugin registered.
    let error = claim_error(
        register(
            &db,
            "dispute",
            "c",
            &[category("dispute.neighbour", "邻里", 1)],
        )
        .await,
    );
    assert!(
        error.contains("categories[0].code") && error.contains("built-in"),
        "{error}"
    );
    assert_eq!(plugin_count(&db, "dispute").await, 0);
    assert_eq!(
        find(&db, "dispute.neighbour").await.expect("kept").name,
        "邻里纠纷"
    );

    // Another plugin's code, second in the list: the first is not registered either.
    let error = claim_error(
        register(
            &db,
            "intruder",
            "d",
            &[category("intruder.own", "自有", 1), visit.clone()],
        )
        .await,
    );
    assert!(
        error.contains("categories[1].code") && error.contains("`elder-care`"),
        "{error}"
    );
    assert!(find(&db, "intruder.own").await.is_none());
    assert_eq!(plugin_count(&db, "intruder").await, 0);
    assert_eq!(
        find(&db, "elder-care.visit")
            .await
            .expect("kept")
            .owner_plugin
            .as_deref(),
        Some("elder-care")
    );
}

on_both_engines!(
    scenarios,
    plugin_categories_on_sqlite,
    plugin_categories_on_postgres
);
