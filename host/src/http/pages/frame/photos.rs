//! Serving a report's photo (`/reports/{id}/photo` to its reporter, `/worker/events/{id}/
//! photo` to the workers of its unit; each route checks who may see it) and the figure the
//! two event pages show it in.
//!
//! The bytes are the uploader's, so the response is locked down whatever they hold: the
//! type stored when the magic bytes were checked, `nosniff` so a browser never guesses
//! another, a CSP that runs nothing and sandboxes the document if it is opened on its own,
//! and `private, no-store` since only some users may see it.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use maud::{Markup, html};

use crate::db::event_photos::EventPhoto;
use crate::grid::photo::PhotoType;

/// Served on every photo: nothing loads or runs, and an opened photo is sandboxed.
const PHOTO_CSP: &str = "default-src 'none'; sandbox";

/// The response carrying `photo`.
pub fn photo_response(photo: EventPhoto) -> Response {
    // Stored types are checked by the table too; anything else would be a bug, and is
    // served as opaque bytes rather than as whatever it claims.
    let content_type = PhotoType::from_content_type(&photo.content_type)
        .map_or("application/octet-stream", PhotoType::content_type);
    let mut response = (StatusCode::OK, photo.bytes).into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(PHOTO_CSP),
    );
    headers.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("private, no-store"),
    );
    response
}

/// The photo on an event page, from `src` (the route that checks the viewer).
pub fn photo_figure(src: &str) -> Markup {
    html! {
        figure.event-photo {
            img src=(src) alt="上报问题时附的现场照片";
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn photo(content_type: &str) -> EventPhoto {
        EventPhoto {
            content_type: content_type.to_owned(),
            bytes: vec![0x89, b'P', b'N', b'G'],
            uploaded_by: "user:zhang".to_owned(),
            uploaded_at: 1,
        }
    }

    #[test]
    fn photos_are_served_locked_down() {
        let response = photo_response(photo("image/png"));
        let headers = response.headers();
        assert_eq!(headers[header::CONTENT_TYPE], "image/png");
        assert_eq!(headers[header::X_CONTENT_TYPE_OPTIONS], "nosniff");
        assert_eq!(
            headers[header::CONTENT_SECURITY_POLICY],
            "default-src 'none'; sandbox"
        );
        assert_eq!(headers[header::CACHE_CONTROL], "private, no-store");
    }

    #[test]
    fn an_unknown_stored_type_is_served_as_bytes() {
        let response = photo_response(photo("text/html"));
        assert_eq!(
            response.headers()[header::CONTENT_TYPE],
            "application/octet-stream"
        );
    }
}
