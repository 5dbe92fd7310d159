//! The roles of the platform and their rank: nobody may grant a role ranked above their own.

use std::fmt;
use std::str::FromStr;

/// A role, held at a unit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Role {
    /// 居民: uses the services of their own community.
    Resident,
    /// 网格员: keeps the base data of a grid, reports and follows events.
    GridWorker,
    /// 部门人员: receives and handles dispatched events.
    DepartmentStaff,
    /// 领导: reads dashboards.
    Leader,
    /// Provincial registry reviewer: reviews published plugins.
    RegistryReviewer,
    /// Unit administrator: installs plugins, manages users of the unit.
    UnitAdmin,
    /// The sensitive-data grant: may read ID numbers and phones unmasked, each read with a
    /// stated reason and audited. Only unit admins grant it.
    SensitiveData,
}

const NAMES: [(&str, Role, &str); 7] = [
    ("resident", Role::Resident, "居民"),
    ("grid-worker", Role::GridWorker, "网格员"),
    ("department-staff", Role::DepartmentStaff, "部门人员"),
    ("leader", Role::Leader, "领导"),
    ("registry-reviewer", Role::RegistryReviewer, "插件审核员"),
    ("unit-admin", Role::UnitAdmin, "单位管理员"),
    ("sensitive-data", Role::SensitiveData, "敏感信息查看"),
];

impl Role {
    /// Every role, lowest rank first.
    pub const ALL: [Role; 7] = [
        Role::Resident,
        Role::GridWorker,
        Role::DepartmentStaff,
        Role::Leader,
        Role::RegistryReviewer,
        Role::UnitAdmin,
        Role::SensitiveData,
    ];

    /// The rank used for "no one grants above their own": residents lowest, unit admins
    /// highest. Workers and department staff share a rank, as do leaders and reviewers.
    pub fn rank(self) -> u8 {
        match self {
            Self::Resident => 0,
            Self::GridWorker | Self::DepartmentStaff => 1,
            Self::Leader | Self::RegistryReviewer => 2,
            Self::UnitAdmin | Self::SensitiveData => 3,
        }
    }

    /// The role's name in code and APIs (`grid-worker`).
    pub fn name(self) -> &'static str {
        NAMES
            .iter()
            .find(|(_, r, _)| *r == self)
            .map_or("?", |(n, _, _)| n)
    }

    /// The role's Chinese name.
    pub fn name_zh(self) -> &'static str {
        NAMES
            .iter()
            .find(|(_, r, _)| *r == self)
            .map_or("?", |(_, _, z)| z)
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Who keeps a grid's base data (residents, houses, organizations, special-population
/// records) and works in the grid workspace: the grid workers, and the unit admins above
/// them. Leaders see counts on dashboards, never names.
pub const BASE_DATA_ROLES: [Role; 2] = [Role::GridWorker, Role::UnitAdmin];

/// Who reads a unit's statistics and dashboards and pushes risk warnings down to its
/// grids: leaders, and the unit admins who run the unit.
pub const LEADER_ROLES: [Role; 2] = [Role::Leader, Role::UnitAdmin];

/// A unit's staff, who read the unit's inbox of warnings and 督办 notices.
pub const STAFF_ROLES: [Role; 4] = [
    Role::GridWorker,
    Role::DepartmentStaff,
    Role::UnitAdmin,
    Role::Leader,
];

impl FromStr for Role {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        NAMES
            .iter()
            .find(|(name, _, _)| *name == text)
            .map(|(_, role, _)| *role)
            .ok_or_else(|| {
                let names: Vec<&str> = NAMES.iter().map(|(n, _, _)| *n).collect();
                format!("unknown role `{text}`; roles are {}", names.join(", "))
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_and_ranks_order_roles() {
        for role in Role::ALL {
            assert_eq!(role.name().parse::<Role>(), Ok(role));
        }
        assert!(Role::UnitAdmin.rank() > Role::Leader.rank());
        assert!(Role::GridWorker.rank() > Role::Resident.rank());
        assert!(
            "admin"
                .parse::<Role>()
                .is_err_and(|e| e.contains("unit-admin"))
        );
    }
}
