//! The error responses operations document, each once, as components: every error body has
//! the [`ErrorBody`] shape. Operations list the ones their rules can give; the ones the
//! framework gives before a handler runs (a body or query that does not parse, a wrong
//! content type, an oversized body, no session) are added to every operation they apply to
//! by [`super::openapi`].

#![expect(
    dead_code,
    reason = "the types exist for the OpenAPI document; responses are built from ApiError"
)]

use utoipa::ToResponse;

use super::error::ErrorBody;

/// A field is missing or malformed; `field` names it and nothing changed.
#[derive(ToResponse)]
pub struct Invalid(ErrorBody);

/// No valid session: sign in with `POST /api/session` and send the token.
#[derive(ToResponse)]
pub struct Unauthorized(ErrorBody);

/// Signed in, but not allowed here (the message names the role needed).
#[derive(ToResponse)]
pub struct Forbidden(ErrorBody);

/// Nothing there, or nothing the caller may see: the two look the same.
#[derive(ToResponse)]
pub struct NotFound(ErrorBody);

/// It does not fit the current state.
#[derive(ToResponse)]
pub struct Conflict(ErrorBody);

/// Too many attempts; try again later.
#[derive(ToResponse)]
pub struct TooManyRequests(ErrorBody);

/// The body is larger than the route takes.
#[derive(ToResponse)]
pub struct TooLarge(ErrorBody);

/// The body is not of the media type the operation takes.
#[derive(ToResponse)]
pub struct UnsupportedMediaType(ErrorBody);

/// The JSON body is JSON but does not fit the schema (a missing or unknown field, a wrong
/// type, an unknown enum value).
#[derive(ToResponse)]
pub struct Unprocessable(ErrorBody);

/// The platform failed; the detail is in its log.
#[derive(ToResponse)]
pub struct Internal(ErrorBody);
