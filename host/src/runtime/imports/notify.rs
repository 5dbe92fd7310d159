//! `notify`: messages into inboxes (`db::inbox`), to one resident in the installation's
//! scope or to the grid workers of one grid in it, read by people through `/api/inbox`.
//! Each send is checked against its permission, the scope, the message's shape and a
//! per-installation hourly limit; the stored row is the record of it, so there is no audit
//! entry per send.

use wangge_registry::{Level, Permission};

use crate::db::inbox::{NewInboxMessage, Recipient, SendError};
use crate::grid::unit_code::{is_within, level_of};
use crate::runtime::bindings::PluginError;
use crate::runtime::bindings::wangge::plugin::notify::{Host, Message};
use crate::runtime::call_state::CallState;

type Answer<T> = wasmtime::Result<Result<T, PluginError>>;

/// Messages one installation may send per hour: enough for a street-wide round of
/// reminders, few enough that a looping plugin cannot bury people's inboxes.
const MAX_MESSAGES_PER_HOUR: i64 = 1000;

/// Longest title, in characters: it is shown on one line of a phone.
const MAX_TITLE_CHARS: usize = 100;

/// Longest body, in characters.
const MAX_BODY_CHARS: usize = 2000;

/// Longest link, in characters.
const MAX_LINK_CHARS: usize = 500;

fn host_fault(error: sqlx::Error) -> wasmtime::Error {
    wasmtime::format_err!("inboxes: {error}")
}

fn invalid(field: &str, problem: impl std::fmt::Display) -> PluginError {
    PluginError::Invalid(format!("{field}: {problem}"))
}

/// The message as it will be stored (title trimmed), or `invalid` naming the field.
fn validated(message: &Message) -> Result<Message, PluginError> {
    let title = message.title.trim();
    let title_chars = title.chars().count();
    if !(1..=MAX_TITLE_CHARS).contains(&title_chars) {
        return Err(invalid(
            "message.title",
            format!("expected 1 to {MAX_TITLE_CHARS} characters, got {title_chars}"),
        ));
    }
    // A title is one line in every inbox; a line break would be invisible or break layouts.
    if title.chars().any(char::is_control) {
        return Err(invalid(
            "message.title",
            "expected one line without control characters",
        ));
    }
    let body_chars = message.body.chars().count();
    if body_chars > MAX_BODY_CHARS {
        return Err(invalid(
            "message.body",
            format!("expected at most {MAX_BODY_CHARS} characters, got {body_chars}"),
        ));
    }
    if let Some(link) = &message.link {
        valid_link(link)?;
    }
    Ok(Message {
        title: title.to_owned(),
        body: message.body.clone(),
        link: message.link.clone(),
    })
}

/// A link is shown as `/p/PLUGIN` + link, so it must stay under the plugin's pages: an
/// absolute path, with nothing that a browser would resolve to another origin (`//`, `\`)
/// or to a parent directory (`..`, also percent-encoded as `%2e`), and nothing that would
/// break out of an attribute or a header (whitespace, control characters).
fn valid_link(link: &str) -> Result<(), PluginError> {
    // Length first, so that an overlong link is not echoed back in the other answers.
    let chars = link.chars().count();
    if chars > MAX_LINK_CHARS {
        return Err(invalid(
            "message.link",
            format!("expected at most {MAX_LINK_CHARS} characters, got {chars}"),
        ));
    }
    let lower = link.to_ascii_lowercase();
    let problem = if !link.starts_with('/') {
        Some("expected a path under the plugin's pages, starting with `/`")
    } else if link.contains("//") || link.contains('\\') {
        Some("`//` and `\\` are not allowed: the link must stay on this host")
    } else if link.contains("..") || lower.contains("%2e") {
        Some("`..` and encoded dots are not allowed: the link must stay under the plugin's pages")
    } else if lower.contains("%2f") || lower.contains("%5c") {
        Some("encoded `/` and `\\` are not allowed")
    } else if link.chars().any(|c| c.is_whitespace() || c.is_control()) {
        Some("whitespace and control characters are not allowed")
    } else {
        None
    };
    match problem {
        Some(problem) => Err(invalid("message.link", format!("`{link}`: {problem}"))),
        None => Ok(()),
    }
}

// `&mut self` although they only read: `CallState` is not `Sync`, so a `&CallState` held
// across an `.await` would make the import's future not `Send`.
impl CallState {
    /// The grid of resident `id` if the resident lies in the installation's scope. Missing
    /// and out-of-scope residents get the same answer, as in the `residents` import, so a
    /// plugin cannot probe for residents it may not see.
    async fn resident_grid_in_scope(
        &mut self,
        id: &str,
    ) -> wasmtime::Result<Result<(i64, String), PluginError>> {
        let not_found = || PluginError::NotFound(format!("no resident `{id}` in scope"));
        let Ok(numeric) = id.parse::<i64>() else {
            return Ok(Err(not_found()));
        };
        let found = self
            .installation
            .db()
            .resident(numeric)
            .await
            .map_err(host_fault)?;
        Ok(match found {
            // A closed record (迁出, 死亡) receives nothing.
            Some(r)
                if r.closed.is_none() && is_within(&r.grid_code, &self.installation.unit.code) =>
            {
                Ok((r.id, r.grid_code))
            }
            _ => Err(not_found()),
        })
    }

    /// `grid_code` if it is a stored grid in the installation's scope. Grids outside it are
    /// answered like missing ones, for the same reason as residents.
    async fn grid_in_scope(
        &mut self,
        grid_code: &str,
    ) -> wasmtime::Result<Result<(), PluginError>> {
        if level_of(grid_code) != Ok(Level::Grid) {
            return Ok(Err(invalid(
                "grid-code",
                format!("`{grid_code}` is not a grid code (13 to 18 digits)"),
            )));
        }
        let not_found = || PluginError::NotFound(format!("no grid `{grid_code}` in scope"));
        if !is_within(grid_code, &self.installation.unit.code) {
            return Ok(Err(not_found()));
        }
        let stored = self
            .installation
            .db()
            .unit(grid_code)
            .await
            .map_err(host_fault)?;
        Ok(match stored {
            Some(unit) if unit.level == "grid" => Ok(()),
            _ => Err(not_found()),
        })
    }

    /// Stores a validated message from this installation, within its hourly limit.
    async fn deliver(
        &mut self,
        recipient: Recipient,
        grid_code: &str,
        message: &Message,
    ) -> wasmtime::Result<Result<(), PluginError>> {
        let installation = &self.installation;
        let sender = installation.actor();
        let stored = installation
            .db()
            .send_inbox_message(
                &NewInboxMessage {
                    recipient,
                    grid_code,
                    title: &message.title,
                    body: &message.body,
                    link: message.link.as_deref(),
                    sender: &sender,
                    plugin_id: installation.plugin_id(),
                },
                MAX_MESSAGES_PER_HOUR,
            )
            .await;
        match stored {
            Ok(id) => {
                tracing::debug!(
                    plugin = installation.plugin_id(),
                    installation = installation.id,
                    message = id,
                    ?recipient,
                    grid = grid_code,
                    "inbox message stored"
                );
                Ok(Ok(()))
            }
            Err(SendError::RateLimited { sent, limit }) => {
                tracing::warn!(
                    plugin = installation.plugin_id(),
                    installation = installation.id,
                    sent,
                    "inbox messages refused: hourly limit reached"
                );
                Ok(Err(PluginError::QuotaExceeded(format!(
                    "this installation sent {sent} messages in the last hour; the limit is {limit}"
                ))))
            }
            Err(SendError::Database(error)) => Err(host_fault(error)),
        }
    }
}

impl Host for CallState {
    async fn to_resident(&mut self, resident_id: String, message: Message) -> Answer<()> {
        if let Err(e) = self
            .gate(Permission::NotifyResidents, "notify.to-resident")
            .await?
        {
            return Ok(Err(e));
        }
        let message = match validated(&message) {
            Ok(message) => message,
            Err(e) => return Ok(Err(e)),
        };
        let (id, grid) = match self.resident_grid_in_scope(&resident_id).await? {
            Ok(found) => found,
            Err(e) => return Ok(Err(e)),
        };
        self.deliver(Recipient::Resident(id), &grid, &message).await
    }

    async fn to_grid_workers(&mut self, grid_code: String, message: Message) -> Answer<()> {
        if let Err(e) = self
            .gate(Permission::NotifyWorkers, "notify.to-grid-workers")
            .await?
        {
            return Ok(Err(e));
        }
        let message = match validated(&message) {
            Ok(message) => message,
            Err(e) => return Ok(Err(e)),
        };
        if let Err(e) = self.grid_in_scope(&grid_code).await? {
            return Ok(Err(e));
        }
        self.deliver(Recipient::GridWorkers, &grid_code, &message)
            .await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn message(title: &str, body: &str, link: Option<&str>) -> Message {
        Message {
            title: title.to_owned(),
            body: body.to_owned(),
            link: link.map(str::to_owned),
        }
    }

    fn refusal(message: &Message) -> String {
        match validated(message) {
            Err(PluginError::Invalid(text)) => text,
            other => panic!("expected invalid, got {other:?}"),
        }
    }

    #[test]
    fn inbox_messages_are_validated_field_by_field() {
        let ok =
            validated(&message(" 高龄津贴 ", "已发放", Some("/claims/7?tab=1"))).expect("valid");
        assert_eq!(ok.title, "高龄津贴", "trimmed");
        assert!(validated(&message(&"题".repeat(100), &"字".repeat(2000), None)).is_ok());

        assert!(refusal(&message("  ", "", None)).starts_with("message.title:"));
        assert!(refusal(&message(&"题".repeat(101), "", None)).starts_with("message.title:"));
        assert!(refusal(&message("两\n行", "", None)).starts_with("message.title:"));
        assert!(refusal(&message("t", &"字".repeat(2001), None)).starts_with("message.body:"));
        for link in [
            "claims/7",
            "//evil.example/",
            "/\\evil.example",
            "/a/../../api/inbox",
            "/a/%2E%2E/x",
            "/a%2fb",
            "/a b",
            "/a\u{0}",
            "https://evil.example/",
        ] {
            let text = refusal(&message("t", "", Some(link)));
            assert!(text.starts_with("message.link:"), "{link}: {text}");
        }
        assert!(
            refusal(&message("t", "", Some(&format!("/{}", "a".repeat(500)))))
                .contains("at most 500 characters")
        );
    }
}
