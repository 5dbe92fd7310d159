//! Every transition of the event workflow, allowed and forbidden, through the API: for each
//! state, each action and each kind of user, the answer is 200 exactly where the table
//! below allows it, 403 where the action exists but the role may not take it, and 409 where
//! the state has no such action. The table is written out here, apart from the host's own
//! `workflow.rs`, so a change there that is not meant shows up as a failure. On SQLite and
//! on PostgreSQL.

use serde_json::{Value, json};
use wangge_tests::postgres::FreshDatabase;
use wangge_tests::{Database, Server, TEST_PASSWORD, Workspace};

const GRID: &str = "420202001001001";

/// The users, by sign-in name, with their grants.
const USERS: [(&str, &[(&str, &str)]); 7] = [
    ("reporter", &[("resident", GRID)]),
    ("neighbour", &[("resident", GRID)]),
    ("worker", &[("grid-worker", GRID)]),
    ("staff", &[("department-staff", "420202001")]),
    ("admin", &[("unit-admin", "420202001")]),
    ("leader", &[("leader", "4202")]),
    ("reviewer", &[("registry-reviewer", "42")]),
];

const ACTIONS: [&str; 10] = [
    "accept", "reject", "escalate", "dispatch", "handle", "return", "resolve", "close", "evaluate",
    "reopen",
];

/// (state, action, users who may take it). Everything else is forbidden.
const ALLOWED: [(&str, &str, &[&str]); 12] = [
    ("reported", "accept", &["admin"]),
    ("reported", "reject", &["admin"]),
    ("reported", "escalate", &["admin"]),
    ("accepted", "escalate", &["admin"]),
    ("accepted", "dispatch", &["admin"]),
    ("dispatched", "handle", &["worker", "staff", "admin"]),
    ("dispatched", "return", &["worker", "staff", "admin"]),
    ("handling", "resolve", &["worker", "staff", "admin"]),
    ("resolved", "return", &["admin"]),
    ("resolved", "close", &["admin"]),
    // The reporter's alone: nobody rates on a resident's behalf.
    ("closed", "evaluate", &["reporter"]),
    ("closed", "reopen", &["reporter"]),
];

/// How to reach each state from `reported`: (user, action) steps.
const PATHS: [(&str, &[(&str, &str)]); 8] = [
    ("reported", &[]),
    ("rejected", &[("admin", "reject")]),
    ("accepted", &[("admin", "accept")]),
    ("dispatched", &[("admin", "accept"), ("admin", "dispatch")]),
    (
        "handling",
        &[
            ("admin", "accept"),
            ("admin", "dispatch"),
            ("worker", "handle"),
        ],
    ),
    (
        "resolved",
        &[
            ("admin", "accept"),
            ("admin", "dispatch"),
            ("worker", "handle"),
            ("worker", "resolve"),
        ],
    ),
    (
        "closed",
        &[
            ("admin", "accept"),
            ("admin", "dispatch"),
            ("worker", "handle"),
            ("worker", "resolve"),
            ("admin", "close"),
        ],
    ),
    (
        "evaluated",
        &[
            ("admin", "accept"),
            ("admin", "dispatch"),
            ("worker", "handle"),
            ("worker", "resolve"),
            ("admin", "close"),
            ("reporter", "evaluate"),
        ],
    ),
];

struct Users {
    server: Server,
    tokens: Vec<(&'static str, String)>,
}

impl Users {
    fn token(&self, user: &str) -> &str {
        self.tokens
            .iter()
            .find(|(name, _)| *name == user)
            .map(|(_, token)| token.as_str())
            .unwrap_or_default()
    }

    async fn act(&self, user: &str, id: i64, action: &str) -> (u16, Value) {
        self.server
            .api(
                self.token(user),
                "POST",
                &format!("/api/events/{id}/actions"),
                if matches!(action, "evaluate" | "reopen") {
                    // 不满意 is a rating either takes.
                    json!({ "action": action, "note": "矩阵测试", "rating": "dissatisfied" })
                } else {
                    json!({ "action": action, "note": "矩阵测试", "dispatched_to": "420202001001001" })
                },
            )
            .await
    }

    /// A new event brought to `state`.
    async fn event_in(&self, state: &str) -> i64 {
        let (status, body) = self
            .server
            .api(
                self.token("reporter"),
                "POST",
                "/api/events",
                json!({ "category": "dispute.neighbour", "title": "楼上噪音", "description": "", "unit": GRID }),
            )
            .await;
        assert_eq!(status, 201, "{body}");
        let id = body["id"].as_i64().expect("id");
        let (_, steps) = PATHS.iter().find(|(s, _)| *s == state).expect("a path");
        for (user, action) in *steps {
            let (status, body) = self.act(user, id, action).await;
            assert_eq!(status, 200, "{user} {action} on the way to {state}: {body}");
        }
        id
    }
}

#[tokio::test]
async fn every_state_action_and_role() {
    every_state_action_and_role_on(Workspace::sqlite()).await;
}

#[tokio::test]
async fn every_state_action_and_role_on_postgres() {
    let database = FreshDatabase::create().await;
    every_state_action_and_role_on(Workspace::with(Database::Postgres(database.url().into())))
        .await;
}

async fn every_state_action_and_role_on(workspace: Workspace) {
    workspace.import_demo("units", "units.csv");
    for (user, grants) in USERS {
        workspace.add_user(user, user, grants);
    }
    let server = workspace.serve(&[]);
    let mut tokens = Vec::new();
    for (user, _) in USERS {
        tokens.push((user, server.sign_in(user, TEST_PASSWORD).await));
    }
    let users = Users { server, tokens };

    let mut checked = 0;
    for (state, _) in PATHS {
        // One event per state serves every refusal; each allowed move gets its own event.
        let shared = users.event_in(state).await;
        for action in ACTIONS {
            let allowed = ALLOWED
                .iter()
                .find(|(s, a, _)| *s == state && *a == action)
                .map(|(_, _, who)| *who);
            for (user, _) in USERS {
                let expected = match allowed {
                    None => 409,
                    Some(who) if who.contains(&user) => 200,
                    Some(_) => 403,
                };
                let id = if expected == 200 {
                    users.event_in(state).await
                } else {
                    shared
                };
                let (status, body) = users.act(user, id, action).await;
                assert_eq!(
                    status, expected,
                    "{user} taking `{action}` on a {state} event: {body}"
                );
                if expected != 200 {
                    let (_, event) = users
                        .server
                        .api(
                            users.token("admin"),
                            "GET",
                            &format!("/api/events/{id}"),
                            json!(null),
                        )
                        .await;
                    assert_eq!(event["state"], state, "a refused move changes nothing");
                }
                checked += 1;
            }
        }
    }
    assert_eq!(checked, PATHS.len() * ACTIONS.len() * USERS.len());
}
