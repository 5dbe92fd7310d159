//! Permissions a plugin asks for and an admin grants. Storage, log and config need none:
//! every installation has them, within its quota.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer};

/// One grantable capability.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Permission {
    /// `residents:read` — residents in scope, sensitive fields masked.
    ResidentsRead,
    /// `residents:read-sensitive` — unmasked ID numbers and phones, each read audited.
    ResidentsReadSensitive,
    /// `residents:tag` — add and remove tags on residents.
    ResidentsTag,
    /// `houses:read` — houses and households in scope.
    HousesRead,
    /// `events:report` — report events of the plugin's own categories.
    EventsReport,
    /// `events:read` — read events in scope.
    EventsRead,
    /// `events:handle` — take workflow actions on events in scope.
    EventsHandle,
    /// `notify:residents` — messages into residents' inboxes.
    NotifyResidents,
    /// `notify:workers` — messages into grid workers' inboxes.
    NotifyWorkers,
    /// `outbound:<host>` — HTTP to that host (and its port, if given) only.
    Outbound(String),
}

/// The fixed permissions with their names, for parsing and listing.
const FIXED: [(&str, Permission); 9] = [
    ("residents:read", Permission::ResidentsRead),
    (
        "residents:read-sensitive",
        Permission::ResidentsReadSensitive,
    ),
    ("residents:tag", Permission::ResidentsTag),
    ("houses:read", Permission::HousesRead),
    ("events:report", Permission::EventsReport),
    ("events:read", Permission::EventsRead),
    ("events:handle", Permission::EventsHandle),
    ("notify:residents", Permission::NotifyResidents),
    ("notify:workers", Permission::NotifyWorkers),
];

impl Permission {
    /// What the permission lets a plugin do, in Chinese, for consent screens.
    pub fn description_zh(&self) -> String {
        match self {
            Self::ResidentsRead => "查看辖区内居民信息（敏感字段已脱敏）".into(),
            Self::ResidentsReadSensitive => {
                "查看居民身份证号、手机号等敏感信息（每次均留痕审计）".into()
            }
            Self::ResidentsTag => "为居民添加或移除标签".into(),
            Self::HousesRead => "查看辖区内房屋和户信息".into(),
            Self::EventsReport => "上报本插件类别的事件".into(),
            Self::EventsRead => "查看辖区内事件".into(),
            Self::EventsHandle => "处置辖区内事件".into(),
            Self::NotifyResidents => "向居民发送消息".into(),
            Self::NotifyWorkers => "向网格员发送消息".into(),
            Self::Outbound(host) => format!("访问外部服务 {host}"),
        }
    }
}

impl fmt::Display for Permission {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Self::Outbound(host) = self {
            return write!(f, "outbound:{host}");
        }
        let name = FIXED
            .iter()
            .find(|(_, p)| p == self)
            .map_or("?", |(name, _)| name);
        f.write_str(name)
    }
}

impl FromStr for Permission {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        if let Some((_, permission)) = FIXED.iter().find(|(name, _)| *name == text) {
            return Ok(permission.clone());
        }
        if let Some(host) = text.strip_prefix("outbound:") {
            return if is_host_and_port(host) {
                Ok(Self::Outbound(host.to_ascii_lowercase()))
            } else {
                Err(format!(
                    "`{text}`: expected `outbound:` followed by a host name and optional port, \
                     such as `outbound:bureau.example.cn` or `outbound:127.0.0.1:9300`"
                ))
            };
        }
        let known: Vec<&str> = FIXED.iter().map(|(name, _)| *name).collect();
        Err(format!(
            "unknown permission `{text}`; known permissions are {} and outbound:<host>",
            known.join(", ")
        ))
    }
}

impl<'de> Deserialize<'de> for Permission {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}

fn is_host_and_port(text: &str) -> bool {
    let (host, port) = match text.rsplit_once(':') {
        Some((host, port)) => (host, Some(port)),
        None => (text, None),
    };
    let host_ok = !host.is_empty()
        && host.len() <= 253
        && host.split('.').all(|label| {
            !label.is_empty()
                && label.len() <= 63
                && label
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-')
                && !label.starts_with('-')
                && !label.ends_with('-')
        });
    let port_ok = port.is_none_or(|p| p.parse::<u16>().is_ok_and(|n| n > 0));
    host_ok && port_ok
}
