//! 评价 and 重新办理: after an event is closed its reporter rates it (满意 / 基本满意 /
//! 不满意, with a comment) within [`EVALUATION_WINDOW_DAYS`] days; a dissatisfied reporter
//! may instead have it handled again, once ([`MAX_REOPENS`]), with the reason: it goes back
//! to the unit that closed it, accepted, with a new deadline. Both record the rating
//! (`event_evaluations`), which assessment's 满意率 and 重办率 count.

use crate::db::evaluations::NewEvaluation;
use crate::db::events::StoredEvent;
use crate::grid::calendar::day_in_china;
use crate::grid::evaluation::{EVALUATION_WINDOW_DAYS, MAX_REOPENS, Rating};
use crate::grid::workflow::Transition;
use crate::rules::error::{RuleError, RuleResult};
use crate::rules::text;

/// Characters of an evaluation's comment or a reopening's reason.
pub const MAX_COMMENT_CHARS: usize = 500;

/// When the reporter's window to rate `event` closes (ms): [`EVALUATION_WINDOW_DAYS`] after
/// it was closed.
fn window_end(event: &StoredEvent) -> i64 {
    // Events closed before closings were kept: their last move was the close.
    event.closed_at.unwrap_or(event.updated_at) + EVALUATION_WINDOW_DAYS * 24 * 60 * 60 * 1000
}

/// Whether the reporter may still take `transition` (a `by_reporter` one) on `event`: the
/// window is open and, to reopen, the event was not reopened before. Other transitions
/// are not this module's and pass.
pub fn still_open(event: &StoredEvent, transition: &Transition, now_ms: i64) -> bool {
    !transition.by_reporter
        || (now_ms <= window_end(event)
            && (transition.action != "reopen" || event.reopen_count < MAX_REOPENS))
}

/// Checks the reporter's `rating` (a stored name) and `note` for `transition` on `event`,
/// now `now_ms`, and returns the rating to record.
pub fn check(
    event: &StoredEvent,
    transition: &Transition,
    rating: Option<&str>,
    note: &str,
    now_ms: i64,
) -> RuleResult<NewEvaluation> {
    if now_ms > window_end(event) {
        let end = day_in_china(window_end(event)).map_or_else(|| "?".to_owned(), |d| d.to_string());
        return Err(RuleError::Conflict(format!(
            "the {EVALUATION_WINDOW_DAYS} days to rate this event ended on {end}; \
             a new problem can be reported as a repeat of it (repeat_of)"
        )));
    }
    let comment = text::within("note", note, 0, MAX_COMMENT_CHARS)?.to_owned();
    let named = rating.map(|name| {
        Rating::parse(name).ok_or_else(|| {
            let names: Vec<&str> = Rating::ALL.iter().map(|r| r.name()).collect();
            RuleError::invalid(
                "rating",
                format!(
                    "unknown rating `{name}`; one of: {} (满意, 基本满意, 不满意)",
                    names.join(", ")
                ),
            )
        })
    });
    let named = named.transpose()?;
    if transition.action == "reopen" {
        if event.reopen_count >= MAX_REOPENS {
            return Err(RuleError::Conflict(format!(
                "this event was already handled again {MAX_REOPENS} time after 不满意; \
                 rate it, or report a new problem as a repeat of it (repeat_of)"
            )));
        }
        if named.is_some_and(|r| r != Rating::Dissatisfied) {
            return Err(RuleError::invalid(
                "rating",
                "reopening (重新办理) follows a `dissatisfied` rating; to be content, `evaluate`",
            ));
        }
        if comment.trim().is_empty() {
            return Err(RuleError::invalid(
                "note",
                "say why the event needs handling again: the unit reads it first",
            ));
        }
        return Ok(NewEvaluation {
            rating: Rating::Dissatisfied,
            comment,
        });
    }
    let Some(rating) = named else {
        return Err(RuleError::invalid(
            "rating",
            "an evaluation needs its rating: satisfied, basically-satisfied or dissatisfied",
        ));
    };
    Ok(NewEvaluation { rating, comment })
}
