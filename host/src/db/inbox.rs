//! Inboxes as stored: messages plugins send through `notify` to one resident or to the grid
//! workers of one grid, the per-installation send count behind the rate limit, each user's
//! link to their resident record, and the reads of `/api/inbox`.

use sqlx::Row;

use super::{Backend, Db, now_ms};
use crate::grid::unit_code::subtree_end;

/// Who a message is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Recipient {
    /// One resident, by id.
    Resident(i64),
    /// Every grid worker over the message's grid.
    GridWorkers,
}

impl Recipient {
    fn kind(self) -> &'static str {
        match self {
            Self::Resident(_) => "resident",
            Self::GridWorkers => "grid-workers",
        }
    }

    fn resident_id(self) -> Option<i64> {
        match self {
            Self::Resident(id) => Some(id),
            Self::GridWorkers => None,
        }
    }
}

/// A message to store, already validated and scope-checked by the caller.
#[derive(Debug, Clone)]
pub struct NewInboxMessage<'a> {
    /// Who it is for.
    pub recipient: Recipient,
    /// The resident's grid, or the target grid.
    pub grid_code: &'a str,
    /// One-line title.
    pub title: &'a str,
    /// Plain-text body.
    pub body: &'a str,
    /// A path under the sending plugin's pages.
    pub link: Option<&'a str>,
    /// `plugin:ID#INSTALLATION`; the rate limit counts per sender.
    pub sender: &'a str,
    /// The sending plugin's id (its pages are mounted at `/p/ID/`).
    pub plugin_id: &'a str,
}

/// Why a message was not stored.
#[derive(Debug, thiserror::Error)]
pub enum SendError {
    /// The sender already sent this many in the window.
    #[error("{sent} messages sent in the last hour, the limit is {limit}")]
    RateLimited {
        /// Messages in the window.
        sent: i64,
        /// The limit.
        limit: i64,
    },
    /// The database failed.
    #[error(transparent)]
    Database(#[from] sqlx::Error),
}

/// A stored message as an inbox shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InboxRow {
    /// Id; pages are keyed by it, newest (largest) first.
    pub id: i64,
    /// Title.
    pub title: String,
    /// Body.
    pub body: String,
    /// Path under the plugin's pages, as the plugin gave it.
    pub link: Option<String>,
    /// The sending plugin's id.
    pub plugin_id: String,
    /// When it was sent, ms since the epoch.
    pub created_at: i64,
    /// When the reader first marked it read (each reader has their own).
    pub read_at: Option<i64>,
}

/// Whose inbox is read: the messages to one resident, and those to the grid workers of the
/// grids under some unit codes, as one user reads them (read state is per user). Built
/// from the signed-in user's link and grants.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct InboxReader {
    /// The user reading, whose read marks are shown and set.
    pub user_id: i64,
    /// The linked resident, if the user reads a resident's inbox.
    pub resident_id: Option<i64>,
    /// Unit codes of the user's `grid-worker` grants; a grant reaches every grid below it.
    pub grid_prefixes: Vec<String>,
}

impl InboxReader {
    fn is_empty(&self) -> bool {
        self.resident_id.is_none() && self.grid_prefixes.is_empty()
    }

    /// The SQL condition selecting this reader's messages, with its parameters numbered from
    /// `$first`, and the values to bind in that order. Each grant is one code range, so the
    /// grid index serves every branch.
    fn condition(&self, first: usize) -> (String, Vec<Bind>) {
        let mut branches = Vec::new();
        let mut binds = Vec::new();
        let mut next = first;
        if let Some(resident) = self.resident_id {
            branches.push(format!(
                "(recipient_kind = 'resident' AND resident_id = ${next})"
            ));
            binds.push(Bind::Int(resident));
            next += 1;
        }
        for prefix in &self.grid_prefixes {
            branches.push(format!(
                "(recipient_kind = 'grid-workers' AND grid_code >= ${} AND grid_code < ${})",
                next,
                next + 1
            ));
            binds.push(Bind::Text(prefix.clone()));
            binds.push(Bind::Text(subtree_end(prefix)));
            next += 2;
        }
        (format!("({})", branches.join(" OR ")), binds)
    }
}

/// A value bound to a numbered parameter of a built query.
#[derive(Debug, Clone)]
enum Bind {
    Int(i64),
    Text(String),
}

type AnyQuery<'q> = sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments>;

fn bind_all(mut query: AnyQuery<'_>, binds: Vec<Bind>) -> AnyQuery<'_> {
    for bind in binds {
        query = match bind {
            Bind::Int(value) => query.bind(value),
            Bind::Text(value) => query.bind(value),
        };
    }
    query
}

/// The rate-limit window, one hour.
const WINDOW_MS: i64 = 60 * 60 * 1000;

impl Db {
    /// Stores `message` unless its sender already sent `limit_per_hour` in the last hour.
    /// Count and insert run in one write transaction so that concurrent sends of one
    /// installation cannot both squeeze under the limit: SQLite's `BEGIN IMMEDIATE`
    /// serialises writers anyway; on PostgreSQL a transaction-scoped advisory lock on the
    /// sender does, without blocking other installations.
    pub async fn send_inbox_message(
        &self,
        message: &NewInboxMessage<'_>,
        limit_per_hour: i64,
    ) -> Result<i64, SendError> {
        let now = now_ms();
        let mut tx = self.begin_write().await?;
        if self.backend() == Backend::Postgres {
            sqlx::query("SELECT pg_advisory_xact_lock(hashtext($1)::BIGINT)::TEXT")
                .bind(message.sender)
                .execute(&mut *tx)
                .await?;
        }
        let sent: i64 = sqlx::query_scalar(
            "SELECT CAST(COUNT(*) AS BIGINT) FROM inbox_messages \
             WHERE sender = $1 AND created_at > $2",
        )
        .bind(message.sender)
        .bind(now - WINDOW_MS)
        .fetch_one(&mut *tx)
        .await?;
        if sent >= limit_per_hour {
            return Err(SendError::RateLimited {
                sent,
                limit: limit_per_hour,
            });
        }
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO inbox_messages (recipient_kind, resident_id, grid_code, title, body, \
             link, sender, plugin_id, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id",
        )
        .bind(message.recipient.kind())
        .bind(message.recipient.resident_id())
        .bind(message.grid_code)
        .bind(message.title)
        .bind(message.body)
        .bind(message.link)
        .bind(message.sender)
        .bind(message.plugin_id)
        .bind(now)
        .fetch_one(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(id)
    }

    /// Up to `limit` of `reader`'s messages with an id below `before`, newest first.
    pub async fn inbox_page(
        &self,
        reader: &InboxReader,
        before: Option<i64>,
        limit: i64,
    ) -> sqlx::Result<Vec<InboxRow>> {
        if reader.is_empty() {
            return Ok(Vec::new());
        }
        let (condition, binds) = reader.condition(4);
        let sql = format!(
            "SELECT m.id, m.title, m.body, m.link, m.plugin_id, m.created_at, r.read_at \
             FROM inbox_messages m \
             LEFT JOIN inbox_reads r ON r.message_id = m.id AND r.user_id = $3 \
             WHERE m.id < $1 AND {condition} ORDER BY m.id DESC LIMIT $2"
        );
        let query = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(before.unwrap_or(i64::MAX))
            .bind(limit)
            .bind(reader.user_id);
        let rows = bind_all(query, binds).fetch_all(self.pool()).await?;
        rows.iter()
            .map(|row| {
                Ok(InboxRow {
                    id: row.try_get("id")?,
                    title: row.try_get("title")?,
                    body: row.try_get("body")?,
                    link: row.try_get("link")?,
                    plugin_id: row.try_get("plugin_id")?,
                    created_at: row.try_get("created_at")?,
                    read_at: row.try_get("read_at")?,
                })
            })
            .collect()
    }

    /// Marks message `id` read for `reader`'s user if it is in their inbox, keeping the
    /// first read time; other readers of the same message are untouched. False if there is
    /// no such message in that inbox (someone else's looks the same).
    pub async fn mark_inbox_read(&self, reader: &InboxReader, id: i64) -> sqlx::Result<bool> {
        if reader.is_empty() {
            return Ok(false);
        }
        let (condition, binds) = reader.condition(2);
        let sql = format!("SELECT id FROM inbox_messages WHERE id = $1 AND {condition}");
        let query = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(id);
        if bind_all(query, binds)
            .fetch_optional(self.pool())
            .await?
            .is_none()
        {
            return Ok(false);
        }
        sqlx::query(
            "INSERT INTO inbox_reads (message_id, user_id, read_at) VALUES ($1, $2, $3) \
             ON CONFLICT (message_id, user_id) DO NOTHING",
        )
        .bind(id)
        .bind(reader.user_id)
        .bind(now_ms())
        .execute(self.pool())
        .await?;
        Ok(true)
    }

    /// Links user `user_id` to resident `resident_id` (replacing any earlier link). False if
    /// there is no such user.
    pub async fn link_user_resident(&self, user_id: i64, resident_id: i64) -> sqlx::Result<bool> {
        let done = sqlx::query("UPDATE users SET resident_id = $1 WHERE id = $2")
            .bind(resident_id)
            .bind(user_id)
            .execute(self.pool())
            .await?;
        Ok(done.rows_affected() == 1)
    }

    /// The resident record user `user_id` is linked to, if any.
    pub async fn user_resident_id(&self, user_id: i64) -> sqlx::Result<Option<i64>> {
        let linked: Option<Option<i64>> =
            sqlx::query_scalar("SELECT resident_id FROM users WHERE id = $1")
                .bind(user_id)
                .fetch_optional(self.pool())
                .await?;
        Ok(linked.flatten())
    }

    /// The first-stored resident called `name` in grid `grid_code`: how the demo finds the
    /// fixture resident its demo user is, among generated ones who may share the name.
    pub async fn resident_named_in_grid(
        &self,
        name: &str,
        grid_code: &str,
    ) -> sqlx::Result<Option<i64>> {
        sqlx::query_scalar(
            "SELECT id FROM residents WHERE grid_code = $1 AND name = $2 ORDER BY id LIMIT 1",
        )
        .bind(grid_code)
        .bind(name)
        .fetch_optional(self.pool())
        .await
    }
}

#[cfg(test)]
mod tests {
    use jiff::civil::date;

    use super::*;
    use crate::db::residents::ResidentLinks;
    use crate::db::test_engines::{on_both_engines, with_units};
    use crate::grid::resident::{ResidentFields, validate_resident};

    const GRID: &str = "420202001001001";
    const SIBLING_GRID: &str = "420202001001002";
    const OTHER_STREET_GRID: &str = "420202002001001";

    fn message<'a>(
        recipient: Recipient,
        grid_code: &'a str,
        title: &'a str,
    ) -> NewInboxMessage<'a> {
        NewInboxMessage {
            recipient,
            grid_code,
            title,
            body: "正文",
            link: Some("/claims/7"),
            sender: "plugin:notifier#1",
            plugin_id: "notifier",
        }
    }

    fn titles(rows: &[InboxRow]) -> Vec<&str> {
        rows.iter().map(|r| r.title.as_str()).collect()
    }

    async fn scenarios(db: Db) {
        with_units(
            &db,
            &[
                "42",
                "4202",
                "420202",
                "420202001",
                "420202001001",
                GRID,
                SIBLING_GRID,
                "420202002",
                "420202002001",
                OTHER_STREET_GRID,
            ],
        )
        .await;
        let person = |id: &str, birth_date: &str, gender: &str, name: &'static str| {
            let fields = ResidentFields {
                name,
                gender,
                birth_date,
                id_number: id,
                population_type: "户籍",
                grid_code: GRID,
                ..ResidentFields::default()
            };
            (
                validate_resident(1, &fields, date(2026, 11, 28)).expect("valid"),
                ResidentLinks::default(),
            )
        };
        db.insert_linked_residents(&[
            person("420202198001010111", "1980-01-01", "男", "张建国"),
            person("420202198202020228", "1982-02-02", "女", "李秀英"),
        ])
        .await
        .expect("residents");
        let zhang = db
            .resident_named_in_grid("张建国", GRID)
            .await
            .expect("read")
            .expect("张建国");
        let li = db
            .resident_named_in_grid("李秀英", GRID)
            .await
            .expect("read")
            .expect("李秀英");
        assert_eq!(
            db.resident_named_in_grid("张建国", SIBLING_GRID)
                .await
                .expect("read"),
            None
        );

        let user = db
            .create_user("zhang", "张建国", "hash")
            .await
            .expect("user");
        assert_eq!(db.user_resident_id(user.id).await.expect("read"), None);
        assert!(db.link_user_resident(user.id, zhang).await.expect("link"));
        assert_eq!(
            db.user_resident_id(user.id).await.expect("read"),
            Some(zhang)
        );
        assert!(
            !db.link_user_resident(user.id + 99, zhang)
                .await
                .expect("no user")
        );

        for (recipient, grid, title) in [
            (Recipient::Resident(zhang), GRID, "给张"),
            (Recipient::Resident(li), GRID, "给李"),
            (Recipient::GridWorkers, GRID, "第一网格"),
            (Recipient::GridWorkers, SIBLING_GRID, "第二网格"),
            (Recipient::GridWorkers, OTHER_STREET_GRID, "别的街道"),
        ] {
            db.send_inbox_message(&message(recipient, grid, title), 1000)
                .await
                .expect("stored");
        }

        let mut users = Vec::new();
        for name in ["reader-zhang", "reader-wang", "reader-zhao", "reader-li"] {
            users.push(db.create_user(name, name, "x").await.expect("user").id);
        }
        let resident = InboxReader {
            user_id: users[0],
            resident_id: Some(zhang),
            grid_prefixes: Vec::new(),
        };
        let page = db.inbox_page(&resident, None, 10).await.expect("page");
        assert_eq!(
            titles(&page),
            ["给张"],
            "another resident's message stays out"
        );
        assert_eq!(page[0].link.as_deref(), Some("/claims/7"));
        assert_eq!(page[0].plugin_id, "notifier");
        assert_eq!(page[0].read_at, None);

        let grid_worker = InboxReader {
            user_id: users[1],
            resident_id: None,
            grid_prefixes: vec![GRID.to_owned()],
        };
        let page = db.inbox_page(&grid_worker, None, 10).await.expect("page");
        assert_eq!(titles(&page), ["第一网格"], "a sibling grid's stays out");

        let community_worker = InboxReader {
            user_id: users[3],
            resident_id: Some(li),
            grid_prefixes: vec!["420202001001".to_owned()],
        };
        let page = db
            .inbox_page(&community_worker, None, 2)
            .await
            .expect("page");
        assert_eq!(titles(&page), ["第二网格", "第一网格"], "newest first");
        let rest = db
            .inbox_page(&community_worker, Some(page[1].id), 2)
            .await
            .expect("next page");
        assert_eq!(titles(&rest), ["给李"], "keyset by id");
        assert!(
            db.inbox_page(&InboxReader::default(), None, 10)
                .await
                .expect("empty")
                .is_empty()
        );

        let zhangs = db.inbox_page(&resident, None, 10).await.expect("page")[0].id;
        assert!(
            !db.mark_inbox_read(&grid_worker, zhangs)
                .await
                .expect("mark"),
            "not the worker's message"
        );
        assert!(db.mark_inbox_read(&resident, zhangs).await.expect("mark"));
        let first_read = db.inbox_page(&resident, None, 10).await.expect("page")[0].read_at;
        assert!(first_read.is_some());
        assert!(db.mark_inbox_read(&resident, zhangs).await.expect("again"));
        assert_eq!(
            db.inbox_page(&resident, None, 10).await.expect("page")[0].read_at,
            first_read,
            "the first read time is kept"
        );
        // A grid message read by one of the grid's workers is still unread for another.
        let other_worker = InboxReader {
            user_id: users[2],
            ..grid_worker.clone()
        };
        let grids = db.inbox_page(&grid_worker, None, 10).await.expect("page")[0].id;
        assert!(db.mark_inbox_read(&grid_worker, grids).await.expect("mark"));
        assert!(
            db.inbox_page(&grid_worker, None, 10).await.expect("page")[0]
                .read_at
                .is_some()
        );
        assert_eq!(
            db.inbox_page(&other_worker, None, 10).await.expect("page")[0].read_at,
            None,
            "read marks are each reader's own"
        );

        // Five sent by plugin:notifier#1 so far: a limit of six lets one more through.
        let sixth = message(Recipient::GridWorkers, GRID, "第六条");
        db.send_inbox_message(&sixth, 6)
            .await
            .expect("under the limit");
        let refused = db.send_inbox_message(&sixth, 6).await;
        assert!(
            matches!(refused, Err(SendError::RateLimited { sent: 6, limit: 6 })),
            "{refused:?}"
        );
        let other_sender = NewInboxMessage {
            sender: "plugin:notifier#2",
            ..sixth
        };
        db.send_inbox_message(&other_sender, 6)
            .await
            .expect("the limit is per installation");
    }

    on_both_engines!(scenarios, inbox_on_sqlite, inbox_on_postgres);
}
