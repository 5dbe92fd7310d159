//! 巡查上报 from the workspace (`/worker/report`) over real HTTP: a grid worker reports with
//! a photo at a grid they choose, and by coordinates alone (the grid whose boundary holds
//! them is found, the point kept); the new event's page follows. Coordinates outside the
//! worker's grids, a grid that is not theirs, a missing title and a custom field that does
//! not fit are refused next to their field, in Chinese, with what was typed kept and no
//! event stored.

use reqwest::multipart::{Form, Part};
use serde_json::json;
use wangge_tests::caller::Caller;
use wangge_tests::fixtures::PNG;
use wangge_tests::{Page, Server, Workspace};

const GRID: &str = "420202001001001";
const GRID2: &str = "420202001001002";
/// In the street, not the worker's.
const FOREIGN_GRID: &str = "420202001002001";

fn setup() -> (Workspace, Server) {
    let workspace = Workspace::sqlite();
    workspace.import_demo("units", "units.csv");
    let boundaries = workspace.data_dir().join("grids.geojson");
    std::fs::write(&boundaries, wangge_tests::fixtures::TWO_GRIDS_GEOJSON)
        .expect("write boundaries");
    workspace.run(&["units", "import", &boundaries.display().to_string()]);
    // Works both grids of 江边社区.
    workspace.add_user(
        "worker",
        "王网格",
        &[("grid-worker", GRID), ("grid-worker", GRID2)],
    );
    let server = workspace.serve(&[]);
    (workspace, server)
}

/// The form as the page sends it: the text fields, then the file input.
fn form(fields: &[(&str, &str)], photo: Option<&[u8]>) -> Form {
    let mut form = Form::new();
    for (name, value) in fields {
        form = form.text((*name).to_owned(), (*value).to_owned());
    }
    let part = match photo {
        Some(bytes) => Part::bytes(bytes.to_vec())
            .file_name("photo.png")
            .mime_str("image/png"),
        None => Part::bytes(Vec::new())
            .file_name("")
            .mime_str("application/octet-stream"),
    }
    .expect("a media type");
    form.part("photo", part)
}

async fn post(server: &Server, token: &str, form: Form) -> Page {
    let response = server
        .client()
        .post(format!("{}/worker/report", server.base()))
        .bearer_auth(token)
        .multipart(form)
        .send()
        .await
        .expect("POST /worker/report");
    Page::read(response).await
}

fn created(page: &Page) -> i64 {
    assert_eq!(page.status, 303, "{}", page.body);
    let location = page.header("location");
    location
        .strip_prefix("/worker/events/")
        .and_then(|id| id.parse().ok())
        .unwrap_or_else(|| panic!("redirected to {location}"))
}

#[tokio::test]
async fn a_worker_reports_from_patrol_by_grid_or_by_coordinates() {
    let (_workspace, server) = setup();
    let worker = Caller::signed_in(&server, "worker").await;

    // The form offers the worker's grids and the coordinates.
    let page = server.page_as(&worker.token, "/worker/report").await;
    assert_eq!(page.status, 200, "{}", page.body);
    for shown in [
        "巡查上报",
        &format!("<option value=\"{GRID}\">"),
        &format!("<option value=\"{GRID2}\">"),
        "name=\"latitude\"",
        "enctype=\"multipart/form-data\"",
    ] {
        assert!(page.body.contains(shown), "{shown}: {}", page.body);
    }
    assert!(!page.body.contains(FOREIGN_GRID), "only the worker's grids");

    // At a chosen grid, with a photo.
    let at_grid = created(
        &post(
            &server,
            &worker.token,
            form(
                &[
                    ("category", "dispute.neighbour"),
                    ("title", "楼道堆放杂物"),
                    ("description", "三楼楼道被杂物堵塞"),
                    ("unit", GRID2),
                    ("latitude", ""),
                    ("longitude", ""),
                    ("address", "江边路 3 号"),
                ],
                Some(PNG),
            ),
        )
        .await,
    );
    let (status, event) = worker.get(&format!("/api/events/{at_grid}")).await;
    assert_eq!(status, 200, "{event}");
    assert_eq!(
        (&event["unit"], &event["reporter"], &event["latitude"]),
        (&json!(GRID2), &json!("user:worker"), &json!(null))
    );
    let photo = server
        .page_as(&worker.token, &format!("/worker/events/{at_grid}/photo"))
        .await;
    assert_eq!(photo.status, 200, "the photo was stored");

    // By coordinates alone: the grid holding the point.
    let by_point = created(
        &post(
            &server,
            &worker.token,
            form(
                &[
                    ("category", "dispute.neighbour"),
                    ("title", "路灯不亮"),
                    ("description", ""),
                    ("unit", ""),
                    ("latitude", "30.205"),
                    ("longitude", "115.005"),
                    ("address", ""),
                ],
                None,
            ),
        )
        .await,
    );
    let (_, event) = worker.get(&format!("/api/events/{by_point}")).await;
    assert_eq!(
        (&event["unit"], &event["latitude"], &event["longitude"]),
        (&json!(GRID), &json!(30.205), &json!(115.005)),
        "{event}"
    );

    // Refusals: next to the field, what was typed kept, nothing stored.
    let (_, before) = worker.get(&format!("/api/events?unit={GRID}")).await;
    let count = |list: &serde_json::Value| list["events"].as_array().map_or(0, Vec::len);
    for (fields, field, message) in [
        (
            vec![("unit", ""), ("latitude", "31.5"), ("longitude", "115.005")],
            "latitude-error",
            "位于您负责的网格内",
        ),
        (
            vec![("unit", ""), ("latitude", "北纬三十"), ("longitude", "")],
            "latitude-error",
            "请填写有效的纬度和经度",
        ),
        (
            vec![("unit", FOREIGN_GRID), ("latitude", ""), ("longitude", "")],
            "unit-error",
            "请选择您负责的网格",
        ),
        (
            vec![("unit", GRID), ("title", "")],
            "title-error",
            "请填写标题",
        ),
    ] {
        let mut all = vec![
            ("category", "dispute.neighbour"),
            ("title", "巡查记录保留"),
            ("description", "描述保留"),
            ("address", ""),
        ];
        for (name, value) in fields {
            all.retain(|(n, _)| *n != name);
            all.push((name, value));
        }
        let page = post(&server, &worker.token, form(&all, None)).await;
        assert_eq!(page.status, 400, "{field}: {}", page.body);
        assert!(
            page.body.contains(&format!("id=\"{field}\"")) && page.body.contains(message),
            "{field}: {}",
            page.body
        );
        assert!(page.body.contains("描述保留"), "kept: {}", page.body);
    }
    let (_, after) = worker.get(&format!("/api/events?unit={GRID}")).await;
    assert_eq!(count(&after), count(&before), "nothing stored");
}

#[tokio::test]
async fn a_worker_reports_a_dispute_with_its_parties() {
    let (_workspace, server) = setup();
    let worker = Caller::signed_in(&server, "worker").await;
    let fields = |applicant_phone: &'static str| {
        vec![
            ("category", "dispute.neighbour"),
            ("title", "楼上漏水引发邻里纠纷"),
            ("description", "双方协商未果"),
            ("unit", GRID),
            ("latitude", ""),
            ("longitude", ""),
            ("address", ""),
            ("party.applicant.name", "王秀兰"),
            ("party.applicant.phone", applicant_phone),
            ("party.respondent.name", "赵建国"),
            ("party.respondent.phone", ""),
        ]
    };

    // The parties' fields show for a dispute only.
    let page = server
        .page_as(&worker.token, "/worker/report?category=dispute.neighbour")
        .await;
    assert!(
        page.body.contains("name=\"party.applicant.name\""),
        "{}",
        page.body
    );
    let page = server
        .page_as(&worker.token, "/worker/report?category=environment")
        .await;
    assert!(!page.body.contains("party.applicant.name"), "{}", page.body);

    // A bad phone stores nothing, names the field and keeps what was typed.
    let (_, before) = worker.get(&format!("/api/events?unit={GRID}")).await;
    let refused = post(&server, &worker.token, form(&fields("1381234"), None)).await;
    assert_eq!(refused.status, 400, "{}", refused.body);
    assert!(
        refused.body.contains("手机号码须为 1 开头的 11 位数字"),
        "{}",
        refused.body
    );
    assert!(
        refused.body.contains("value=\"王秀兰\""),
        "{}",
        refused.body
    );
    let (_, after) = worker.get(&format!("/api/events?unit={GRID}")).await;
    assert_eq!(before["events"], after["events"], "no event was stored");

    let id = created(&post(&server, &worker.token, form(&fields("13812345678"), None)).await);
    let (status, record) = worker.get(&format!("/api/events/{id}/dispute")).await;
    assert_eq!(status, 200, "{record}");
    let parties = record["parties"].as_array().expect("parties");
    assert_eq!(parties.len(), 2, "{record}");
    assert_eq!(
        (
            &parties[0]["side"],
            &parties[0]["name"],
            &parties[0]["phone"]
        ),
        (&json!("applicant"), &json!("王秀兰"), &json!("138****5678"))
    );
    assert_eq!(
        (
            &parties[1]["side"],
            &parties[1]["name"],
            &parties[1]["phone"]
        ),
        (&json!("respondent"), &json!("赵建国"), &json!(null))
    );
}
