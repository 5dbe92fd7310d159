//! Reading the report form as posted: `multipart/form-data` with an optional photo (what
//! the page sends), or a plain urlencoded form without one (what it sent before photos).
//!
//! The photo is read a chunk at a time with a running count, so one over
//! [`MAX_PHOTO_BYTES`] is refused as soon as it passes the limit and never held whole; the
//! rest of the request is then skipped, up to the route's [`MAX_REPORT_BODY_BYTES`], so the
//! other fields (which a browser sends first, in form order) are still kept for the form.

use axum::Form;
use axum::extract::multipart::{Field, MultipartError};
use axum::extract::{FromRequest, Multipart, Request};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};

use super::ReportForm;
use crate::grid::photo::{MAX_PHOTO_BYTES, PhotoError, PhotoType, check_photo, exceeds_limit};

/// The largest report request taken: the largest photo, and room for the text fields
/// (3 × 2300 characters of at most 4 bytes) and the multipart framing.
pub const MAX_REPORT_BODY_BYTES: usize = MAX_PHOTO_BYTES + 64 * 1024;

/// The photo part of a posted report.
#[derive(Debug, Default)]
pub enum PhotoUpload {
    /// No file chosen.
    #[default]
    None,
    /// A photo the host takes.
    Photo {
        /// Its type, by its magic bytes.
        photo_type: PhotoType,
        /// The image.
        bytes: Vec<u8>,
    },
    /// A file the host does not take.
    Refused(PhotoError),
    /// The upload broke off or was malformed.
    Broken,
}

/// A posted report: the text fields and the photo.
#[derive(Debug, Default)]
pub struct Posted {
    pub input: ReportForm,
    pub photo: PhotoUpload,
}

/// Reads `request` as either encoding; the response instead for a body that is neither
/// (axum's own rejection, as the plain form extractor gave before).
pub async fn read_report(request: Request) -> Result<Posted, Response> {
    let is_multipart = request
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("multipart/form-data"));
    if !is_multipart {
        let Form(pairs) = Form::<Vec<(String, String)>>::from_request(request, &())
            .await
            .map_err(IntoResponse::into_response)?;
        let mut input = ReportForm::default();
        for (name, value) in pairs {
            input.set(&name, value);
        }
        return Ok(Posted {
            input,
            photo: PhotoUpload::None,
        });
    }
    let mut multipart = Multipart::from_request(request, &())
        .await
        .map_err(IntoResponse::into_response)?;
    let mut posted = Posted::default();
    loop {
        let mut field = match multipart.next_field().await {
            Ok(Some(field)) => field,
            Ok(None) => break,
            Err(error) => {
                // A refused photo keeps its reason; the rest of the request is not needed.
                if matches!(posted.photo, PhotoUpload::None | PhotoUpload::Photo { .. }) {
                    posted.photo = broken(&error);
                }
                break;
            }
        };
        let name = field.name().unwrap_or_default().to_owned();
        if name == "photo" {
            posted.photo = read_photo(&mut field).await;
            continue;
        }
        // Unknown fields are read and ignored, as the urlencoded form ignores them.
        match field.text().await {
            Ok(value) => posted.input.set(&name, value),
            Err(error) => {
                posted.photo = broken(&error);
                break;
            }
        }
    }
    Ok(posted)
}

/// What a failed read means for the photo: the body limit is a photo too large (nothing
/// else in the form comes near it), anything else a broken upload.
fn broken(error: &MultipartError) -> PhotoUpload {
    if error.status() == StatusCode::PAYLOAD_TOO_LARGE {
        PhotoUpload::Refused(PhotoError::TooLarge)
    } else {
        tracing::info!("report form: unreadable upload: {}", error.body_text());
        PhotoUpload::Broken
    }
}

/// Reads the photo field a chunk at a time, stopping at the limit.
async fn read_photo(field: &mut Field<'_>) -> PhotoUpload {
    let no_file_name = field.file_name().is_none_or(str::is_empty);
    let mut bytes = Vec::new();
    loop {
        match field.chunk().await {
            Ok(Some(chunk)) => {
                if exceeds_limit(bytes.len() + chunk.len()) {
                    return PhotoUpload::Refused(PhotoError::TooLarge);
                }
                bytes.extend_from_slice(&chunk);
            }
            Ok(None) => break,
            Err(error) => return broken(&error),
        }
    }
    // A file input with no file chosen still sends the part: no name, no bytes.
    if bytes.is_empty() && no_file_name {
        return PhotoUpload::None;
    }
    match check_photo(&bytes) {
        Ok(photo_type) => PhotoUpload::Photo { photo_type, bytes },
        Err(error) => PhotoUpload::Refused(error),
    }
}

#[cfg(test)]
mod tests {
    use axum::body::Body;

    use super::*;

    const PNG_START: &[u8] = &[0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13];

    /// A part of a multipart body: a text field, or a file with its name and bytes.
    enum Part<'a> {
        Text(&'a str, &'a str),
        File(&'a str, &'a str, &'a [u8]),
    }

    fn multipart(parts: &[Part<'_>]) -> Request {
        let mut body = Vec::new();
        for part in parts {
            body.extend_from_slice(b"--XBOUNDARYX\r\n");
            match part {
                Part::Text(name, value) => {
                    body.extend_from_slice(
                        format!("Content-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}")
                            .as_bytes(),
                    );
                }
                Part::File(name, file_name, bytes) => {
                    body.extend_from_slice(
                        format!(
                            "Content-Disposition: form-data; name=\"{name}\"; \
                             filename=\"{file_name}\"\r\nContent-Type: image/jpeg\r\n\r\n"
                        )
                        .as_bytes(),
                    );
                    body.extend_from_slice(bytes);
                }
            }
            body.extend_from_slice(b"\r\n");
        }
        body.extend_from_slice(b"--XBOUNDARYX--\r\n");
        Request::builder()
            .method("POST")
            .header(
                header::CONTENT_TYPE,
                "multipart/form-data; boundary=XBOUNDARYX",
            )
            .body(Body::from(body))
            .expect("a request")
    }

    async fn read(request: Request) -> Posted {
        read_report(request).await.expect("readable")
    }

    #[tokio::test]
    async fn a_photo_comes_with_the_text_fields() {
        let posted = read(multipart(&[
            Part::Text("category", "dispute.neighbour"),
            Part::Text("title", "楼道杂物"),
            Part::Text("unknown", "ignored"),
            Part::File("photo", "a.jpg", PNG_START),
        ]))
        .await;
        assert_eq!(posted.input.category, "dispute.neighbour");
        assert_eq!(posted.input.title, "楼道杂物");
        assert!(
            matches!(
                &posted.photo,
                PhotoUpload::Photo { photo_type: PhotoType::Png, bytes } if bytes == PNG_START
            ),
            "typed by its bytes, not its name or part type: {:?}",
            posted.photo
        );
    }

    #[tokio::test]
    async fn no_file_chosen_is_no_photo_but_an_empty_file_is_refused() {
        let posted = read(multipart(&[
            Part::Text("title", "路灯不亮"),
            Part::File("photo", "", b""),
        ]))
        .await;
        assert!(matches!(posted.photo, PhotoUpload::None));
        assert_eq!(posted.input.title, "路灯不亮");
        let posted = read(multipart(&[Part::File("photo", "empty.png", b"")])).await;
        assert!(matches!(
            posted.photo,
            PhotoUpload::Refused(PhotoError::UnknownType)
        ));
        let posted = read(multipart(&[Part::File("photo", "photo.jpg", b"hello")])).await;
        assert!(matches!(
            posted.photo,
            PhotoUpload::Refused(PhotoError::UnknownType)
        ));
    }

    #[tokio::test]
    async fn a_photo_over_the_limit_is_refused() {
        // In one chunk, and without the route's limit, axum's default body limit stops it
        // first; that counts as too large too. Keeping the fields sent before the photo, in
        // chunks as over HTTP, is checked end to end (tests/e2e/portal_photos.rs).
        let mut large = PNG_START.to_vec();
        large.resize(MAX_PHOTO_BYTES + 1, 0);
        let posted = read(multipart(&[
            Part::Text("title", "楼道杂物"),
            Part::File("photo", "large.png", &large),
        ]))
        .await;
        assert!(matches!(
            posted.photo,
            PhotoUpload::Refused(PhotoError::TooLarge)
        ));
    }

    #[tokio::test]
    async fn a_truncated_upload_is_broken() {
        let request = Request::builder()
            .method("POST")
            .header(header::CONTENT_TYPE, "multipart/form-data; boundary=X")
            .body(Body::from(
                "--X\r\nContent-Disposition: form-data; name=\"photo\"; filename=\"a.png\"\r\n\r\n\u{89}PNG",
            ))
            .expect("a request");
        assert!(matches!(read(request).await.photo, PhotoUpload::Broken));
    }

    #[tokio::test]
    async fn a_urlencoded_form_has_no_photo() {
        let request = Request::builder()
            .method("POST")
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(Body::from("title=%E8%B7%AF&address=x"))
            .expect("a request");
        let posted = read(request).await;
        assert_eq!(
            (posted.input.title.as_str(), posted.input.address.as_str()),
            ("路", "x")
        );
        assert!(matches!(posted.photo, PhotoUpload::None));
        let wrong = Request::builder()
            .method("POST")
            .header(header::CONTENT_TYPE, "text/plain")
            .body(Body::from("title=x"))
            .expect("a request");
        let refused = read_report(wrong).await.expect_err("not a form");
        assert_eq!(refused.status(), StatusCode::UNSUPPORTED_MEDIA_TYPE);
    }
}
