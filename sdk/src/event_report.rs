//! [`report_event`]: reporting an event of one of the plugin's own categories, with
//! custom fields from any serializable value.

use serde::Serialize;

use crate::events::{self, NewEvent};
use crate::{Error, Event};

/// Starts a report of a new event; nothing is sent until [`EventReport::send`]. Needs the
/// `events:report` permission, and `category` must be one of the plugin's own.
///
/// ```no_run
/// use serde::Serialize;
/// use wangge_sdk::report_event;
///
/// #[derive(Serialize)]
/// struct Visit {
///     resident_id: String,
///     minutes: u32,
/// }
///
/// # fn run() -> Result<(), wangge_sdk::Error> {
/// let event = report_event("elder-care.visit", "探访未应答", "敲门无人应答", "420202001001")
///     .urgent()
///     .custom_fields(&Visit { resident_id: "r1".into(), minutes: 10 })
///     .send()?;
/// # Ok(()) }
/// ```
pub fn report_event(
    category: impl Into<String>,
    title: impl Into<String>,
    description: impl Into<String>,
    unit_code: impl Into<String>,
) -> EventReport {
    EventReport {
        event: NewEvent {
            category: category.into(),
            title: title.into(),
            description: description.into(),
            unit_code: unit_code.into(),
            urgent: false,
            custom_fields: "{}".to_owned(),
        },
        invalid: None,
    }
}

/// An event about to be reported; see [`report_event`].
#[derive(Debug, Clone)]
#[must_use = "nothing is reported until `send` is called"]
pub struct EventReport {
    event: NewEvent,
    /// Why the custom fields could not be used; reported by `send`, so the builder chains.
    invalid: Option<String>,
}

impl EventReport {
    /// Marks the event urgent (emergency help): it skips the queue.
    pub fn urgent(mut self) -> Self {
        self.event.urgent = true;
        self
    }

    /// The category's custom fields; `fields` must serialize to a JSON object (a struct
    /// or a map), which the host checks against the category's schema.
    pub fn custom_fields<T: Serialize + ?Sized>(mut self, fields: &T) -> Self {
        match serde_json::to_value(fields) {
            Ok(value) if value.is_object() => {
                self.event.custom_fields = value.to_string();
                self.invalid = None;
            }
            Ok(_) => self.invalid = Some("custom fields must be a JSON object".to_owned()),
            Err(error) => self.invalid = Some(format!("custom fields: {error}")),
        }
        self
    }

    /// The event as the contract spells it.
    pub fn event(&self) -> &NewEvent {
        &self.event
    }

    /// Reports the event and returns it as the host recorded it.
    pub fn send(self) -> Result<Event, Error> {
        if let Some(message) = self.invalid {
            return Err(Error::Invalid(message));
        }
        events::report(&self.event)
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::*;

    #[test]
    fn the_builder_fills_the_event() {
        let report = report_event("c", "t", "d", "420202")
            .urgent()
            .custom_fields(&BTreeMap::from([("minutes", 10)]));
        let event = report.event();
        assert_eq!(
            (
                event.category.as_str(),
                event.title.as_str(),
                event.description.as_str()
            ),
            ("c", "t", "d")
        );
        assert_eq!(event.unit_code, "420202");
        assert!(event.urgent);
        assert_eq!(event.custom_fields, r#"{"minutes":10}"#);
        assert_eq!(report_event("c", "t", "d", "u").event().custom_fields, "{}");
    }

    #[test]
    fn custom_fields_that_are_not_an_object_fail_on_send() {
        let report = report_event("c", "t", "d", "u").custom_fields(&[1, 2]);
        assert!(matches!(report.send(), Err(Error::Invalid(m)) if m.contains("object")));
    }
}
