//! The `residents` import end to end: a plugin installed at a street sees that street's
//! residents, masked; unmasking needs its permission and a reason and is audited; tags
//! stick; everything outside the street stays invisible.

use wangge_tests::{Server, TEST_PASSWORD, Workspace, pre_answer};

async fn answer(server: &Server, path: &str) -> String {
    let page = server.get(&format!("/p/resident-reader{path}")).await;
    assert_eq!(page.status, 200, "{path}: {}", page.body);
    pre_answer(&page.body)
}

#[tokio::test]
async fn a_street_plugin_reads_its_residents_masked_and_unmasks_with_audit() {
    let workspace = Workspace::demo_with_street_plugin("resident-reader");
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

    // Paging with the contract's cursor, the last id of the previous page.
    let mut paged = Vec::new();
    let mut after = String::new();
    loop {
        let path = if after.is_empty() {
            "/page?limit=3".to_owned()
        } else {
            format!("/page?limit=3&after={after}")
        };
        let page = answer(&server, &path).await;
        if page.is_empty() {
            break;
        }
        let lines: Vec<String> = page.lines().map(str::to_owned).collect();
        assert!(lines.len() <= 3, "{page}");
        after = lines
            .last()
            .and_then(|line| line.split(' ').next())
            .expect("an id")
            .to_owned();
        paged.extend(lines);
    }
    assert_eq!(paged.len(), 7, "every resident once, in pages: {paged:?}");
    let garbage = answer(&server, "/page?after=nonsense").await;
    assert!(
        garbage.starts_with("error: ") && garbage.contains("Invalid"),
        "{garbage}"
    );

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

/// `/me` as the holder of `token`, with a forged header the host must not pass on.
async fn me(server: &Server, token: &str) -> String {
    let page = server
        .client()
        .get(format!("{}/p/resident-reader/me", server.base()))
        .bearer_auth(token)
        .header("x-wangge-resident-id", "999999")
        .send()
        .await
        .expect("request");
    let body = page.text().await.expect("body");
    pre_answer(&body)
}

#[tokio::test]
async fn a_plugin_learns_the_callers_own_resident_record_from_the_host_only() {
    let workspace = Workspace::demo_with_street_plugin("resident-reader");
    workspace.add_user("zhang", "张建国", &[("resident", "420202001001001")]);
    workspace.add_user("zhou", "周芳", &[("resident", "420202002001001")]);
    workspace.add_user("unlinked", "未关联", &[("resident", "420202001001001")]);
    let ids: Vec<(i64, String)> = {
        let mut db = workspace.database().await;
        sqlx::query_as("SELECT id, name FROM residents ORDER BY id")
            .fetch_all(&mut db)
            .await
            .expect("ids")
    };
    let id_of = |name: &str| {
        ids.iter()
            .find(|(_, n)| n == name)
            .map(|(id, _)| id.to_string())
            .expect("a fixture resident")
    };
    workspace.run(&["users", "link-resident", "zhang", &id_of("张建国")]);
    workspace.run(&["users", "link-resident", "zhou", &id_of("周芳")]);
    let server = workspace.serve(&[]);

    let zhang = server.sign_in("zhang", TEST_PASSWORD).await;
    assert_eq!(me(&server, &zhang).await, id_of("张建国"));
    let unlinked = server.sign_in("unlinked", TEST_PASSWORD).await;
    assert_eq!(
        me(&server, &unlinked).await,
        "none",
        "a forged header is dropped"
    );
    // 周芳 lives in another street: this installation's plugin does not learn her id.
    let zhou = server.sign_in("zhou", TEST_PASSWORD).await;
    assert_eq!(me(&server, &zhou).await, "none");
}
