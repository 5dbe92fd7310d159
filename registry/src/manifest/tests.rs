//! Manifest parsing: what is accepted and how each mistake is named.

use super::*;

const VALID: &str = r#"
id = "elder-care"
name = "养老服务"
version = "1.0.0"
contract = "^1.0"
publisher = "huangshigang"
levels = ["street", "community"]
permissions = ["residents:read", "outbound:127.0.0.1:9300"]

[[pages]]
path = "/"
audience = "resident"
title = "养老服务"

[[categories]]
code = "elder-care.visit"
name = "独居老人探访"
sla_working_days = 3

[config.allowance_age]
type = "integer"
title = "高龄津贴年龄"
default = 80
"#;

fn error_of(text: &str) -> String {
    Manifest::parse(text)
        .err()
        .map(|e| e.to_string())
        .unwrap_or_else(|| panic!("expected an error for:\n{text}"))
}

#[test]
fn a_complete_manifest_parses() {
    let manifest = Manifest::parse(VALID).expect("valid manifest");
    assert_eq!(manifest.id.as_str(), "elder-care");
    assert_eq!(manifest.version, semver::Version::new(1, 0, 0));
    assert!(manifest.requests(&Permission::ResidentsRead));
    assert!(manifest.requests(&Permission::Outbound("127.0.0.1:9300".into())));
    assert!(!manifest.requests(&Permission::ResidentsReadSensitive));
    assert_eq!(manifest.levels, vec![Level::Street, Level::Community]);
}

#[test]
fn an_unknown_field_is_named() {
    let text = VALID.replace("publisher =", "colour = \"red\"\npublisher =");
    let error = error_of(&text);
    assert!(error.contains("unknown field `colour`"), "{error}");
}

#[test]
fn a_bad_id_is_named() {
    for bad in [
        "Elder",
        "e",
        "elder--care",
        "elder-",
        "9lives",
        "elder_care",
    ] {
        let error = error_of(&VALID.replace("\"elder-care\"", &format!("\"{bad}\"")));
        assert!(error.contains("is not a plugin id"), "{bad}: {error}");
    }
}

#[test]
fn a_version_that_is_not_semver_is_named() {
    let error = error_of(&VALID.replace("\"1.0.0\"", "\"1.0\""));
    assert!(error.contains("version"), "{error}");
}

#[test]
fn an_unknown_permission_is_named() {
    let error = error_of(&VALID.replace("\"residents:read\"", "\"residents:write\""));
    assert!(
        error.contains("unknown permission `residents:write`"),
        "{error}"
    );
}

#[test]
fn an_outbound_permission_needs_a_host() {
    let error = error_of(&VALID.replace("outbound:127.0.0.1:9300", "outbound:http://x/"));
    assert!(
        error.contains("expected `outbound:` followed by a host"),
        "{error}"
    );
}

#[test]
fn a_category_outside_the_plugin_namespace_is_refused() {
    let error = error_of(&VALID.replace("\"elder-care.visit\"", "\"dispute.neighbour\""));
    assert!(error.contains("categories[0].code"), "{error}");
}

const WITH_FIELDS: &str = r#"
description = "探访独居、高龄老人并记录其状况"
fields_schema = { type = "object", additionalProperties = false, required = ["visitor"], properties = { visitor = { type = "string", title = "探访人", description = "探访的网格员" }, minutes = { type = "integer", title = "时长（分钟）", description = "探访用时", minimum = 1 } } }
"#;

fn with_category_extra(extra: &str) -> String {
    VALID.replace(
        "sla_working_days = 3\n",
        &format!("sla_working_days = 3\n{}\n", extra.trim()),
    )
}

#[test]
fn a_category_carries_its_description_and_fields_schema() {
    let manifest = Manifest::parse(&with_category_extra(WITH_FIELDS)).expect("valid manifest");
    let category = &manifest.categories[0];
    assert_eq!(
        category.description.as_deref(),
        Some("探访独居、高龄老人并记录其状况")
    );
    let schema = category.fields_schema.as_ref().expect("a schema");
    assert_eq!(schema["required"][0], "visitor");
    assert_eq!(schema["properties"]["minutes"]["minimum"], 1);
    assert_eq!(schema["additionalProperties"], false);
}

#[test]
fn a_category_without_extras_has_neither() {
    let manifest = Manifest::parse(VALID).expect("valid manifest");
    assert!(manifest.categories[0].description.is_none());
    assert!(manifest.categories[0].fields_schema.is_none());
}

#[test]
fn a_fields_schema_that_is_not_a_table_is_named() {
    let error = error_of(&with_category_extra("fields_schema = \"visitor\""));
    assert!(error.contains("categories[0].fields_schema"), "{error}");
}

#[test]
fn a_blank_category_description_is_named() {
    let error = error_of(&with_category_extra("description = \"  \""));
    assert!(error.contains("categories[0].description"), "{error}");
}

#[test]
fn a_config_default_of_the_wrong_type_is_refused() {
    let error = error_of(&VALID.replace("default = 80", "default = \"eighty\""));
    assert!(error.contains("config.allowance_age.default"), "{error}");
}

#[test]
fn no_levels_is_refused() {
    let error = error_of(&VALID.replace("[\"street\", \"community\"]", "[]"));
    assert!(error.contains("levels"), "{error}");
}

#[test]
fn permissions_round_trip_through_text() {
    for text in [
        "residents:read-sensitive",
        "notify:workers",
        "outbound:bureau.example.cn",
    ] {
        let permission: Permission = text.parse().expect("known permission");
        assert_eq!(permission.to_string(), text);
    }
}

fn with_schedules(extra: &str) -> String {
    format!("{VALID}\n{extra}")
}

#[test]
fn schedules_fire_every_n_minutes_or_daily_at_a_time() {
    let manifest = Manifest::parse(&with_schedules(
        "[[schedules]]\nname = \"reminders\"\ndaily_at = \"08:30\"\n\n\
         [[schedules]]\nname = \"sync\"\nevery_minutes = 15\n",
    ))
    .expect("valid schedules");
    let timings: Vec<Timing> = manifest.schedules.iter().map(Schedule::timing).collect();
    assert_eq!(
        timings,
        vec![Timing::DailyAt(8 * 60 + 30), Timing::EveryMinutes(15)]
    );
}

#[test]
fn a_bad_schedule_is_named() {
    let cases = [
        ("name = \"x\"\n", "`schedules[0]`: give exactly one of"),
        (
            "name = \"x\"\nevery_minutes = 5\ndaily_at = \"08:00\"\n",
            "`schedules[0]`: give exactly one of",
        ),
        (
            "name = \"x\"\nevery_minutes = 1\n",
            "`schedules[0].every_minutes`",
        ),
        (
            "name = \"x\"\ndaily_at = \"24:00\"\n",
            "`schedules[0].daily_at`",
        ),
        (
            "name = \"x\"\ndaily_at = \"8:00\"\n",
            "`schedules[0].daily_at`",
        ),
        (
            "name = \"Bad Name\"\nevery_minutes = 5\n",
            "`schedules[0].name`",
        ),
    ];
    for (body, expected) in cases {
        let error = error_of(&with_schedules(&format!("[[schedules]]\n{body}")));
        assert!(error.contains(expected), "{body}: {error}");
    }
    let twice = error_of(&with_schedules(
        "[[schedules]]\nname = \"a\"\nevery_minutes = 5\n[[schedules]]\nname = \"a\"\nevery_minutes = 6\n",
    ));
    assert!(twice.contains("`a` is listed twice"), "{twice}");
}
