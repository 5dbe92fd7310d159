//! Grants: a role at a unit reaches the unit's whole subtree and nothing above or beside it.
//!
//! Granting obeys two rules, checked in this order: nobody grants a role ranked above their
//! own highest rank over the target unit; and the granter must be a unit admin over that
//! unit, except that grid workers may grant `resident` within their own grids (they
//! register the residents they keep).

use super::role::Role;
use crate::grid::unit_code::is_within;

/// One (role, unit) pair.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Grant {
    /// The role.
    pub role: Role,
    /// Where it is held; it reaches every unit whose code starts with this one.
    pub unit_code: String,
}

/// Why a grant was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum GrantError {
    /// The granter has no authority to grant roles at the target unit.
    #[error(
        "only a unit admin at or above unit {0} may grant roles there (grid workers may \
         grant `resident` in their own grids)"
    )]
    NotAdminThere(String),
    /// The role ranks above the granter's own.
    #[error("cannot grant {role} ({role_zh}): it ranks above your own roles at unit {unit}")]
    AboveOwnRank {
        /// The role asked for.
        role: Role,
        /// Its Chinese name.
        role_zh: &'static str,
        /// The unit.
        unit: String,
    },
}

/// Everything one user holds.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Grants(pub Vec<Grant>);

impl Grants {
    /// Whether the user holds `role` at `unit_code` or above it.
    pub fn has_role_at(&self, role: Role, unit_code: &str) -> bool {
        self.0
            .iter()
            .any(|g| g.role == role && is_within(unit_code, &g.unit_code))
    }

    /// Whether the user holds any role at `unit_code` or above it.
    pub fn reaches(&self, unit_code: &str) -> bool {
        self.0.iter().any(|g| is_within(unit_code, &g.unit_code))
    }

    /// The highest rank the user holds over `unit_code`.
    pub fn rank_at(&self, unit_code: &str) -> Option<u8> {
        self.0
            .iter()
            .filter(|g| is_within(unit_code, &g.unit_code))
            .map(|g| g.role.rank())
            .max()
    }

    /// Checks that the holder of these grants may grant `role` at `unit_code`.
    pub fn may_grant(&self, role: Role, unit_code: &str) -> Result<(), GrantError> {
        let Some(own_rank) = self.rank_at(unit_code) else {
            return Err(GrantError::NotAdminThere(unit_code.to_owned()));
        };
        if own_rank < role.rank() {
            return Err(GrantError::AboveOwnRank {
                role,
                role_zh: role.name_zh(),
                unit: unit_code.to_owned(),
            });
        }
        let worker_registering_resident =
            role == Role::Resident && self.has_role_at(Role::GridWorker, unit_code);
        if !self.has_role_at(Role::UnitAdmin, unit_code) && !worker_registering_resident {
            return Err(GrantError::NotAdminThere(unit_code.to_owned()));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn grants(list: &[(Role, &str)]) -> Grants {
        Grants(
            list.iter()
                .map(|(role, unit)| Grant {
                    role: *role,
                    unit_code: (*unit).to_owned(),
                })
                .collect(),
        )
    }

    #[test]
    fn a_grant_reaches_the_subtree_only() {
        let worker = grants(&[(Role::GridWorker, "420202001001001")]);
        assert!(worker.has_role_at(Role::GridWorker, "420202001001001"));
        assert!(!worker.reaches("420202001001002"), "a sibling grid");
        assert!(!worker.reaches("420202001001"), "the community above");
    }

    #[test]
    fn admins_grant_within_their_subtree_and_rank() {
        let street_admin = grants(&[(Role::UnitAdmin, "420202001")]);
        assert_eq!(
            street_admin.may_grant(Role::GridWorker, "420202001001001"),
            Ok(())
        );
        assert_eq!(
            street_admin.may_grant(Role::UnitAdmin, "420202001001"),
            Ok(())
        );
        assert_eq!(
            street_admin.may_grant(Role::GridWorker, "420202002001"),
            Err(GrantError::NotAdminThere("420202002001".into())),
            "another street"
        );
        let leader = grants(&[(Role::Leader, "4202")]);
        assert!(matches!(
            leader.may_grant(Role::Resident, "4202"),
            Err(GrantError::NotAdminThere(_))
        ));
    }

    #[test]
    fn nobody_grants_above_their_own_rank() {
        let worker = grants(&[(Role::GridWorker, "420202001001001")]);
        assert_eq!(worker.may_grant(Role::Resident, "420202001001001"), Ok(()));
        assert!(matches!(
            worker.may_grant(Role::UnitAdmin, "420202001001001"),
            Err(GrantError::AboveOwnRank {
                role: Role::UnitAdmin,
                ..
            })
        ));
        assert!(matches!(
            worker.may_grant(Role::GridWorker, "420202001001001"),
            Err(GrantError::NotAdminThere(_))
        ));
        assert!(
            matches!(
                worker.may_grant(Role::Resident, "420202001001002"),
                Err(GrantError::NotAdminThere(_))
            ),
            "outside the worker's grid they hold nothing"
        );
        let resident = grants(&[(Role::Resident, "420202001001001")]);
        assert!(matches!(
            resident.may_grant(Role::Resident, "420202001001001"),
            Err(GrantError::NotAdminThere(_))
        ));
    }
}
