//! A signed-in caller of the JSON API ([`Caller`]), and moving an event's stored times back
//! ([`set_event_time`]): a real host's clock cannot be moved, so tests of windows and
//! deadlines shift what the host stored instead.

use serde_json::{Value, json};

use crate::{Server, TEST_PASSWORD};

/// Someone signed in to `server` with the test password.
pub struct Caller<'a> {
    /// The server.
    pub server: &'a Server,
    /// Their bearer token.
    pub token: String,
}

impl<'a> Caller<'a> {
    /// Signs `name` in.
    pub async fn signed_in(server: &'a Server, name: &str) -> Self {
        let token = server.sign_in(name, TEST_PASSWORD).await;
        Self { server, token }
    }

    /// `GET path`: the status and the JSON body.
    pub async fn get(&self, path: &str) -> (u16, Value) {
        self.server.api(&self.token, "GET", path, json!(null)).await
    }

    /// `POST path` with `body`.
    pub async fn post(&self, path: &str, body: Value) -> (u16, Value) {
        self.server.api(&self.token, "POST", path, body).await
    }

    /// `PUT path` with `body`.
    pub async fn put(&self, path: &str, body: Value) -> (u16, Value) {
        self.server.api(&self.token, "PUT", path, body).await
    }

    /// `DELETE path`.
    pub async fn delete(&self, path: &str) -> (u16, Value) {
        self.server
            .api(&self.token, "DELETE", path, json!(null))
            .await
    }

    /// A workflow action on event `id`.
    pub async fn act(&self, id: i64, body: Value) -> (u16, Value) {
        self.post(&format!("/api/events/{id}/actions"), body).await
    }

    /// Reports an environment event at `unit` (with `extra` fields merged in) and returns
    /// its id; panics unless it was created.
    pub async fn report(&self, unit: &str, title: &str, extra: Value) -> i64 {
        let mut body = json!({
            "category": "environment",
            "title": title,
            "description": "",
            "unit": unit,
            "attributes": { "issue": "乱堆乱放" },
        });
        if let (Some(body), Some(extra)) = (body.as_object_mut(), extra.as_object()) {
            body.extend(extra.clone());
        }
        let (status, created) = self.post("/api/events", body).await;
        assert_eq!(status, 201, "{created}");
        created["id"].as_i64().expect("an id")
    }
}

/// Sets `column` of event `id` to `value` in the host's database at `database_url`: a time
/// in ms (`reported_at`, `received_at`, `closed_at`) or a deadline (`YYYY-MM-DD`).
pub async fn set_event_time(database_url: &str, id: i64, column: &str, value: Value) {
    sqlx::any::install_default_drivers();
    let mut db = <sqlx::AnyConnection as sqlx::Connection>::connect(database_url)
        .await
        .expect("open the host's database");
    let sql = format!("UPDATE events SET {column} = $1 WHERE id = $2");
    let statement = sqlx::query(sqlx::AssertSqlSafe(sql));
    let statement = match value {
        Value::String(day) => statement.bind(day),
        other => statement.bind(other.as_i64().expect("a time in ms")),
    };
    statement
        .bind(id)
        .execute(&mut db)
        .await
        .expect("set the stored time");
}

/// The instant `days` days before now (ms).
pub fn days_ago(days: i64) -> i64 {
    jiff::Timestamp::now().as_millisecond() - days * 24 * 3600 * 1000
}
