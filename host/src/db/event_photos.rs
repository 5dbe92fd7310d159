//! Event photos as stored: at most one per event, written once after the event is
//! reported and read back whole to be served. The bytes were checked before they got here
//! (`grid::photo`); this module only keeps them.

use sqlx::Row;

use super::{Db, now_ms};

/// A photo to store.
#[derive(Debug, Clone, Copy)]
pub struct NewEventPhoto<'a> {
    /// The event it belongs to.
    pub event_id: i64,
    /// `image/jpeg`, `image/png` or `image/webp`, as the bytes showed.
    pub content_type: &'a str,
    /// The image.
    pub bytes: &'a [u8],
    /// The actor who uploaded it (`user:NAME`).
    pub uploaded_by: &'a str,
}

/// A stored photo, bytes included.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EventPhoto {
    /// The media type it is served as.
    pub content_type: String,
    /// The image.
    pub bytes: Vec<u8>,
    /// Who uploaded it.
    pub uploaded_by: String,
    /// When, ms since the epoch.
    pub uploaded_at: i64,
}

impl Db {
    /// Stores the photo of `photo.event_id`. An event has one photo: a second is refused by
    /// the primary key (an error), and so is a photo of an event that does not exist.
    pub async fn store_event_photo(&self, photo: &NewEventPhoto<'_>) -> sqlx::Result<()> {
        let size = i64::try_from(photo.bytes.len()).unwrap_or(i64::MAX);
        sqlx::query(
            "INSERT INTO event_photos (event_id, content_type, bytes, byte_size, uploaded_by, \
             uploaded_at) VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(photo.event_id)
        .bind(photo.content_type)
        .bind(photo.bytes)
        .bind(size)
        .bind(photo.uploaded_by)
        .bind(now_ms())
        .execute(self.pool())
        .await?;
        Ok(())
    }

    /// The photo of event `event_id`, if it has one.
    pub async fn event_photo(&self, event_id: i64) -> sqlx::Result<Option<EventPhoto>> {
        let row = sqlx::query(
            "SELECT content_type, bytes, uploaded_by, uploaded_at FROM event_photos \
             WHERE event_id = $1",
        )
        .bind(event_id)
        .fetch_optional(self.pool())
        .await?;
        row.map(|row| {
            Ok(EventPhoto {
                content_type: row.try_get("content_type")?,
                bytes: row.try_get("bytes")?,
                uploaded_by: row.try_get("uploaded_by")?,
                uploaded_at: row.try_get("uploaded_at")?,
            })
        })
        .transpose()
    }

    /// Whether event `event_id` has a photo, without reading it.
    pub async fn has_event_photo(&self, event_id: i64) -> sqlx::Result<bool> {
        let found: Option<i64> =
            sqlx::query_scalar("SELECT event_id FROM event_photos WHERE event_id = $1")
                .bind(event_id)
                .fetch_optional(self.pool())
                .await?;
        Ok(found.is_some())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::db::events::NewEvent;
    use crate::db::test_engines::{on_both_engines, with_units};

    const GRID: &str = "420202001001001";
    /// The first bytes of a PNG and then every byte value, so nothing is lost on the way.
    fn png() -> Vec<u8> {
        let mut bytes = vec![0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A];
        bytes.extend(0..=255u8);
        bytes
    }

    async fn report(db: &Db, title: &str, reporter: &str) -> i64 {
        db.report_event(&NewEvent {
            category: "environment",
            title,
            description: "",
            unit_code: GRID,
            reporter,
            latitude: None,
            longitude: None,
            address: None,
            attributes: None,
            repeat_of: None,
        })
        .await
        .expect("report")
    }

    fn titles(events: &[crate::db::events::StoredEvent]) -> Vec<&str> {
        events.iter().map(|e| e.title.as_str()).collect()
    }

    async fn scenarios(db: Db) {
        with_units(
            &db,
            &["42", "4202", "420202", "420202001", "420202001001", GRID],
        )
        .await;
        let first = report(&db, "路灯不亮", "user:zhang").await;
        let others = report(&db, "井盖缺失", "user:li").await;
        let second = report(&db, "垃圾未清运", "user:zhang").await;

        assert_eq!(db.event_photo(first).await.expect("read"), None);
        assert!(!db.has_event_photo(first).await.expect("read"));
        let bytes = png();
        let photo = NewEventPhoto {
            event_id: first,
            content_type: "image/png",
            bytes: &bytes,
            uploaded_by: "user:zhang",
        };
        db.store_event_photo(&photo).await.expect("stored");
        let stored = db.event_photo(first).await.expect("read").expect("a photo");
        assert_eq!(stored.content_type, "image/png");
        assert_eq!(stored.bytes, bytes, "every byte comes back");
        assert_eq!(stored.uploaded_by, "user:zhang");
        assert!(stored.uploaded_at > 0);
        assert!(db.has_event_photo(first).await.expect("read"));
        assert_eq!(db.event_photo(second).await.expect("read"), None);

        assert!(
            db.store_event_photo(&photo).await.is_err(),
            "one photo per event"
        );
        assert!(
            db.store_event_photo(&NewEventPhoto {
                event_id: first + 1000,
                ..photo
            })
            .await
            .is_err(),
            "no photo without its event"
        );
        assert!(
            db.store_event_photo(&NewEventPhoto {
                event_id: second,
                content_type: "text/html",
                ..photo
            })
            .await
            .is_err(),
            "only image types"
        );

        let size: i64 =
            sqlx::query_scalar("SELECT byte_size FROM event_photos WHERE event_id = $1")
                .bind(first)
                .fetch_one(db.pool())
                .await
                .expect("size");
        assert_eq!(size, 264);

        let zhangs = db
            .events_reported_by("user:zhang", 10)
            .await
            .expect("zhang's");
        assert_eq!(titles(&zhangs), ["垃圾未清运", "路灯不亮"], "newest first");
        let newest = db
            .events_reported_by("user:zhang", 1)
            .await
            .expect("limited");
        assert_eq!(titles(&newest), ["垃圾未清运"]);
        let lis = db.events_reported_by("user:li", 10).await.expect("li's");
        assert_eq!(lis.iter().map(|e| e.id).collect::<Vec<_>>(), [others]);
        assert!(
            db.events_reported_by("user:nobody", 10)
                .await
                .expect("none")
                .is_empty()
        );

        sqlx::query("DELETE FROM events WHERE id = $1")
            .bind(first)
            .execute(db.pool())
            .await
            .expect("event gone");
        assert_eq!(
            db.event_photo(first).await.expect("read"),
            None,
            "the photo goes with its event"
        );
    }

    on_both_engines!(scenarios, event_photos_on_sqlite, event_photos_on_postgres);
}
