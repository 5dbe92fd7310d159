//! The small-cell rule for statistics: above community level, a count below 5 is shown as
//! `<5`, so nobody looking at a street, county, city or province can single out individuals.

use serde_json::Value;
use wangge_registry::Level;

/// Counts below this are suppressed above community level.
pub const SMALL_CELL_THRESHOLD: i64 = 5;

/// Whether statistics of a unit at `level` suppress small cells.
pub fn suppresses(level: Level) -> bool {
    !matches!(level, Level::Community | Level::Grid)
}

/// A count as shown at `level`: the number, or `"<5"` where the rule applies. Zero is shown:
/// the absence of events reveals no one.
pub fn shown(count: i64, level: Level) -> Value {
    if suppresses(level) && (1..SMALL_CELL_THRESHOLD).contains(&count) {
        Value::from(format!("<{SMALL_CELL_THRESHOLD}"))
    } else {
        Value::from(count)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn small_counts_are_hidden_above_community_only() {
        assert_eq!(shown(3, Level::Street), Value::from("<5"));
        assert_eq!(shown(5, Level::Street), Value::from(5));
        assert_eq!(shown(0, Level::City), Value::from(0));
        assert_eq!(shown(3, Level::Community), Value::from(3));
        assert_eq!(shown(1, Level::Grid), Value::from(1));
    }
}
