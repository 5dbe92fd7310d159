//! The report form's category fields end to end: a category with custom fields (安全隐患)
//! is offered; the form's second button (a GET with what was typed) shows its fields with
//! the typed text kept; a missing or unfit answer is refused next to its field with every
//! answer kept and nothing stored; good answers are stored as the event's attributes,
//! typed as the category's schema says.

use serde_json::Value;
use wangge_tests::{Page, Server, TEST_PASSWORD, Workspace, percent_encode};

const GRID: &str = "420202001001001";

/// POSTs the report form as `token`'s holder (a bearer post: the same-origin check is for
/// cookies).
async fn post_report(server: &Server, token: &str, fields: &[(&str, &str)]) -> Page {
    server.post_form_as(token, "/report", fields).await
}

#[tokio::test]
async fn a_category_with_custom_fields_is_reported_with_its_answers() {
    let workspace = Workspace::sqlite();
    workspace.import_demo("units", "units.csv");
    workspace.add_user("zhang", "张建国", &[("resident", GRID)]);
    let server = workspace.serve(&[]);
    let zhang = server.sign_in("zhang", TEST_PASSWORD).await;

    // Offered, with the button that shows the chosen category's fields.
    let form = server.page_as(&zhang, "/report").await;
    assert_eq!(form.status, 200, "{}", form.body);
    assert!(
        form.body.contains("value=\"safety-hazard\"") && form.body.contains("formmethod=\"get\""),
        "{}",
        form.body
    );
    assert!(!form.body.contains("attribute."), "no category chosen yet");

    // The button: the same page with 安全隐患's fields, what was typed kept.
    let chosen = server
        .page_as(
            &zhang,
            &format!(
                "/report?category=safety-hazard&title={}",
                percent_encode("楼道堆放杂物")
            ),
        )
        .await;
    assert_eq!(chosen.status, 200, "{}", chosen.body);
    for text in [
        "隐患类型",
        "name=\"attribute.hazard_type\"",
        "<option value=\"燃气\">",
        "受威胁人数（选填）",
        "name=\"attribute.immediate_danger\"",
        "value=\"楼道堆放杂物\"",
    ] {
        assert!(chosen.body.contains(text), "{text}: {}", chosen.body);
    }

    // A required answer missing, then an unfit one: refused next to the field, all kept.
    let missing = post_report(
        &server,
        &zhang,
        &[
            ("category", "safety-hazard"),
            ("title", "楼道堆放杂物"),
            ("attribute.people_at_risk", "30"),
        ],
    )
    .await;
    assert_eq!(missing.status, 400, "{}", missing.body);
    for text in [
        "id=\"attribute-hazard_type-error\"",
        "请填写“隐患类型”。",
        "value=\"30\"",
        "value=\"楼道堆放杂物\"",
    ] {
        assert!(missing.body.contains(text), "{text}: {}", missing.body);
    }
    let unfit = post_report(
        &server,
        &zhang,
        &[
            ("category", "safety-hazard"),
            ("title", "楼道堆放杂物"),
            ("attribute.hazard_type", "消防"),
            ("attribute.people_at_risk", "三十"),
        ],
    )
    .await;
    assert_eq!(unfit.status, 400, "{}", unfit.body);
    assert!(
        unfit.body.contains("id=\"attribute-people_at_risk-error\"")
            && unfit.body.contains("<option value=\"消防\" selected>")
            && unfit.body.contains("value=\"三十\""),
        "{}",
        unfit.body
    );
    let mut db = workspace.database().await;
    let stored: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM events")
        .fetch_one(&mut db)
        .await
        .expect("count");
    assert_eq!(stored, 0, "nothing stored");

    // Good answers: stored typed, an empty optional one left out.
    let good = post_report(
        &server,
        &zhang,
        &[
            ("category", "safety-hazard"),
            ("title", "楼道堆放杂物"),
            ("description", "三楼楼道堆满纸箱，堵住消防通道"),
            ("attribute.hazard_type", "消防"),
            ("attribute.people_at_risk", "30"),
            ("attribute.immediate_danger", ""),
        ],
    )
    .await;
    assert_eq!(good.status, 303, "{}", good.body);
    let attributes: String =
        sqlx::query_scalar("SELECT attributes FROM events WHERE category = 'safety-hazard'")
            .fetch_one(&mut db)
            .await
            .expect("event");
    let attributes: Value = serde_json::from_str(&attributes).expect("JSON");
    assert_eq!(
        attributes,
        serde_json::json!({ "hazard_type": "消防", "people_at_risk": 30 })
    );
}
