//! The six levels of government, as named in manifests.

use serde::Deserialize;

/// A level of government where a plugin may be installed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    /// 省.
    Province,
    /// 市/州.
    City,
    /// 县/市/区.
    County,
    /// 乡镇/街道.
    Street,
    /// 村/社区.
    Community,
    /// 网格.
    Grid,
}
