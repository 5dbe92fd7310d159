//! Inbox messages in one call, without building the contract's `message` record.

use crate::Error;
use crate::notify::{self, Message};

/// Sends a message to one resident in scope; needs `notify:residents`. `link` is a path
/// under the plugin's pages to open, e.g. `Some("/claims/7")`.
pub fn notify_resident(
    resident_id: &str,
    title: &str,
    body: &str,
    link: Option<&str>,
) -> Result<(), Error> {
    notify::to_resident(resident_id, &message(title, body, link))
}

/// Sends a message to the grid workers of a grid in scope; needs `notify:workers`.
pub fn notify_grid_workers(
    grid_code: &str,
    title: &str,
    body: &str,
    link: Option<&str>,
) -> Result<(), Error> {
    notify::to_grid_workers(grid_code, &message(title, body, link))
}

fn message(title: &str, body: &str, link: Option<&str>) -> Message {
    Message {
        title: title.to_owned(),
        body: body.to_owned(),
        link: link.map(str::to_owned),
    }
}
