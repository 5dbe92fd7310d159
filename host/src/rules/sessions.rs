//! Sessions: signing in with a password or a one-time code, the failure throttle both
//! share, finding the person behind a session token, and signing out. The JSON API
//! (`/api/session`), the portal's sign-in pages and Open311's `api_key` all come here.
//!
//! Every failed sign-in is audited (`session.sign_in_failed`), and the throttle counts those
//! rows: five per username in a quarter hour, whether or not the user exists, so guessing
//! gets five tries, not thousands, and the answer never tells whether a name has an account.

use serde_json::json;

use crate::auth::sign_in_code::{self, Delivery, RESEND_INTERVAL_MS};
use crate::auth::{password, token};
use crate::db::audit::AuditEntry;
use crate::db::sign_in_codes::{CodeCheck, CodeIssue};
use crate::db::users::User;
use crate::db::{Db, now_ms};
use crate::rules::actor::Person;
use crate::rules::error::{RuleError, RuleResult};

/// How long a session lasts: a working day and then some.
pub const SESSION_LIFETIME_SECS: i64 = 12 * 60 * 60;

/// Failed sign-ins for one username within [`FAILED_SIGN_IN_WINDOW_SECS`] after which
/// further attempts are refused until the window has passed.
pub const MAX_FAILED_SIGN_INS: i64 = 5;

/// The window failed sign-ins are counted over.
pub const FAILED_SIGN_IN_WINDOW_SECS: i64 = 15 * 60;

/// Characters of a username as sign-in keys it; anything longer is cut, in the throttle too.
pub const MAX_USERNAME_CHARS: usize = 64;

/// The audit action of a failed sign-in (also what the throttle counts).
const SIGN_IN_FAILED: &str = "session.sign_in_failed";

/// The audit action of asking for a code, known user or not; the resend interval counts
/// these per username.
const CODE_REQUESTED: &str = "session.sign_in_code_requested";

/// A session just opened: the token to hand out, when it expires, and whom it is for.
#[derive(Debug, Clone)]
pub struct Opened {
    /// The bearer token (also the cookie's value).
    pub token: String,
    /// When it expires (ms).
    pub expires_at: i64,
    /// Who signed in.
    pub user: User,
}

/// A session's person, and their linked resident record with its grid, if any.
#[derive(Debug, Clone)]
pub struct SessionPerson {
    /// Who, with their grants.
    pub person: Person,
    /// The digest of the token used (what signing out deletes).
    pub token_digest: String,
    /// Their own resident record and its grid, when the account is linked to one.
    pub resident: Option<(i64, String)>,
    /// Whether this is a department's service account (a machine credential for the JSON
    /// API, every use audited), not a person.
    pub service: bool,
}

/// `username` as sign-in keys it: trimmed, at most [`MAX_USERNAME_CHARS`] characters.
pub fn sign_in_name(username: &str) -> String {
    username.trim().chars().take(MAX_USERNAME_CHARS).collect()
}

/// Checks `username` and `password` (throttled, argon2 off the executor, failures audited)
/// and opens a session. `BadCredentials` says nothing of which was wrong.
pub async fn sign_in(db: &Db, username: &str, password: String) -> RuleResult<Opened> {
    let username = sign_in_name(username);
    refuse_if_throttled(db, &username).await?;
    let (user, hash) = match db.user_for_sign_in(&username).await? {
        Some((user, hash)) => (Some(user), Some(hash)),
        None => (None, None),
    };
    // Argon2 takes tens of milliseconds of CPU: keep it off the async executor. An unknown
    // user is checked against no hash in the same time, so timing tells nothing either.
    let matches = tokio::task::spawn_blocking(move || {
        password::verify_in_constant_time(&password, hash.as_deref())
    })
    .await
    .map_err(|e| anyhow::anyhow!("password check: {e}"))?;
    let Some(user) = user.filter(|_| matches) else {
        record_failed_sign_in(db, &username, json!({})).await?;
        return Err(RuleError::BadCredentials);
    };
    open_for(db, user).await
}

/// Refuses (`TooManyRequests`) a sign-in as `username` after [`MAX_FAILED_SIGN_INS`]
/// failures within [`FAILED_SIGN_IN_WINDOW_SECS`], whether or not the user exists.
async fn refuse_if_throttled(db: &Db, username: &str) -> RuleResult<()> {
    let since = now_ms() - FAILED_SIGN_IN_WINDOW_SECS * 1000;
    let failures = db
        .audit_count_since(SIGN_IN_FAILED, &format!("user:{username}"), since)
        .await?;
    if failures >= MAX_FAILED_SIGN_INS {
        return Err(RuleError::TooManyRequests(format!(
            "{MAX_FAILED_SIGN_INS} failed sign-ins for this user in the last {} minutes; try again later",
            FAILED_SIGN_IN_WINDOW_SECS / 60
        )));
    }
    Ok(())
}

/// Audits a failed sign-in as `username`: what the throttle counts.
async fn record_failed_sign_in(
    db: &Db,
    username: &str,
    detail: serde_json::Value,
) -> RuleResult<()> {
    db.audit(AuditEntry {
        actor: "anonymous",
        action: SIGN_IN_FAILED,
        subject: &format!("user:{username}"),
        unit_code: None,
        detail,
    })
    .await?;
    Ok(())
}

/// Opens a session for `user`, who has proved who they are.
async fn open_for(db: &Db, user: User) -> RuleResult<Opened> {
    let token = token::generate().map_err(|e| anyhow::anyhow!("no randomness: {e}"))?;
    let expires_at = now_ms() + SESSION_LIFETIME_SECS * 1000;
    db.create_session(&token::digest(&token), user.id, expires_at)
        .await?;
    Ok(Opened {
        token,
        expires_at,
        user,
    })
}

/// The person of a live session `token`, with their grants and linked resident; `None` for
/// an unknown or expired one.
pub async fn person_of(db: &Db, token: &str) -> RuleResult<Option<SessionPerson>> {
    let token_digest = token::digest(token);
    let Some((user, resident, service)) = db.session_visitor(&token_digest).await? else {
        return Ok(None);
    };
    let grants = db.grants_of(user.id).await?;
    Ok(Some(SessionPerson {
        person: Person { user, grants },
        token_digest,
        resident,
        service,
    }))
}

/// Ends the session whose token has `token_digest` (nothing happens for an unknown one).
pub async fn sign_out(db: &Db, token_digest: &str) -> RuleResult<()> {
    Ok(db.delete_session(token_digest).await?)
}

/// Why no code was issued, for the person asking.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NotIssued {
    /// A code was asked for this name less than a minute ago.
    TooSoon,
    /// Too many failed sign-ins for this name lately.
    Throttled,
}

/// Issues a one-time code for `username` and hands it over by `delivery`, if the rules
/// allow. The answer is the same for a name without an account, which passes the same
/// checks and gets nothing; the resend interval is counted per name in the audit log.
pub async fn request_code(
    db: &Db,
    delivery: Delivery,
    username: &str,
) -> RuleResult<Result<(), NotIssued>> {
    match refuse_if_throttled(db, username).await {
        Err(RuleError::TooManyRequests(_)) => return Ok(Err(NotIssued::Throttled)),
        other => other?,
    }
    let subject = format!("user:{username}");
    let now = now_ms();
    let recent = db
        .audit_count_since(CODE_REQUESTED, &subject, now - RESEND_INTERVAL_MS)
        .await?;
    if recent > 0 {
        return Ok(Err(NotIssued::TooSoon));
    }
    db.audit(AuditEntry {
        actor: "anonymous",
        action: CODE_REQUESTED,
        subject: &subject,
        unit_code: None,
        detail: json!({}),
    })
    .await?;
    let Some((user, _)) = db.user_for_sign_in(username).await? else {
        return Ok(Ok(()));
    };
    let code = sign_in_code::generate().map_err(|e| anyhow::anyhow!("no randomness: {e}"))?;
    let digest = sign_in_code::digest(user.id, &code);
    match db.issue_sign_in_code(user.id, &digest, now).await? {
        CodeIssue::Issued => {
            deliver(delivery, &user, &code);
            Ok(Ok(()))
        }
        // Another request for the same user got in between the audit check and here.
        CodeIssue::TooSoon => Ok(Err(NotIssued::TooSoon)),
    }
}

/// Hands `code` to `user` by `delivery`.
fn deliver(delivery: Delivery, user: &User, code: &str) {
    match delivery {
        Delivery::Off => {}
        Delivery::Log => tracing::warn!(
            "sign-in code for {}: {code} (valid {} minutes; --sign-in-codes log is for demos \
             and development only)",
            user.username,
            sign_in_code::CODE_LIFETIME_MS / 60_000
        ),
    }
}

/// Signs in with the live code `code` of `username` (used up by this), or `BadCredentials`
/// (audited as a failed sign-in, so wrong codes count in the throttle), or
/// `TooManyRequests`.
pub async fn sign_in_with_code(db: &Db, username: &str, code: &str) -> RuleResult<Opened> {
    refuse_if_throttled(db, username).await?;
    if let Some((user, _)) = db.user_for_sign_in(username).await? {
        let digest = sign_in_code::digest(user.id, code);
        if db.use_sign_in_code(user.id, &digest, now_ms()).await? == CodeCheck::Accepted {
            return open_for(db, user).await;
        }
    }
    record_failed_sign_in(db, username, json!({ "with": "sign-in code" })).await?;
    Err(RuleError::BadCredentials)
}
