//! The `residents` import end to end: a plugin installed at a street sees that street's
//! residents, masked; unmasking needs its permission and a reason and is audited; tags
//! stick; everything outside the street stays invisible.

use wangge_tests::{Server, Workspace};

async fn answer(server: &Server, path: &str) -> String {
    let page = server.get(&format!("/p/resident-reader{path}")).await;
    assert_eq!(page.status, 200, "{path}: {}", page.body);
    let start = page.body.find("<pre id=\"answer\">").expect("answer") + 17;
    let end = start + page.body[start..].find("</pre>").expect("end");
    page.body[start..end].to_owned()
}

#[tokio::test]
async fn a_street_plugin_reads_its_residents_masked_and_unmasks_with_audit() {
    let workspace = Workspace::sqlite();
    workspace.import_demo("units", "units.csv");
    workspace.import_demo("residents", "residents.csv");
    workspace.add_plugin(
        "resident-reader",
        &["--unit", "420202001", "--unit-name", "黄石港街道"],
    );
    let server = workspace.serve(&[]);

    let all = answer(&server, "/list").await;
    assert_eq!(
        all.lines().count(),
        7,
        "the street's residents only:\n{all}"
    );
    assert!(
        all.contains("张建国 420202********0116 138****4567"),
        "{all}"
    );
    assert!(!all.contains("周芳"), "another street's resident:\n{all}");

    let elders = answer(&server, "/list?min_age=80").await;
    let names: Vec<&str> = elders.lines().filter_map(|l| l.split(' ').next()).collect();
    assert_eq!(names, ["张建国", "刘德华"], "{elders}");

    let outside = answer(&server, "/list?prefix=420202002").await;
    assert!(
        outside.starts_with("error: ") && outside.contains("Denied"),
        "{outside}"
    );

    let first_id = {
        let mut db = workspace.database().await;
        let ids: Vec<(i64, String)> = sqlx::query_as("SELECT id, name FROM residents ORDER BY id")
            .fetch_all(&mut db)
            .await
            .expect("ids");
        let other_street = ids.iter().find(|(_, n)| n == "周芳").expect("周芳").0;
        let not_found = answer(&server, &format!("/get?id={other_street}")).await;
        assert!(
            not_found.starts_with("error: ") && not_found.contains("NotFound"),
            "{not_found}"
        );
        ids.iter().find(|(_, n)| n == "张建国").expect("张建国").0
    };

    let unmasked = answer(&server, &format!("/sensitive?id={first_id}")).await;
    assert_eq!(unmasked, "张建国 420202194405120116");
    assert_eq!(
        answer(&server, &format!("/tag?id={first_id}")).await,
        "tagged"
    );
    let visited = answer(&server, "/list?tag=visited").await;
    assert_eq!(visited.lines().count(), 1, "{visited}");

    let mut db = workspace.database().await;
    let (actor, detail): (String, String) =
        sqlx::query_as("SELECT actor, detail FROM audit_log WHERE action = 'resident.unmasked'")
            .fetch_one(&mut db)
            .await
            .expect("the unmasked read is audited");
    assert!(actor.starts_with("plugin:resident-reader#"), "{actor}");
    assert!(detail.contains("核实高龄津贴资格"), "{detail}");
}
