//! Who performs a rule: a signed-in [`Person`] with every grant they hold, or a plugin
//! installation acting within its unit's subtree. The scope rules of the platform are here
//! once: a person reaches the subtrees of their grant units, an installation the subtree of
//! the unit it is installed at, and nothing else.

use crate::auth::{Grants, Role};
use crate::db::users::User;
use crate::grid::unit_code::is_within;

use super::error::{RuleError, RuleResult};

/// A signed-in person: who, and what they hold.
#[derive(Debug, Clone)]
pub struct Person {
    /// Who.
    pub user: User,
    /// Every (role, unit) they hold.
    pub grants: Grants,
}

impl Person {
    /// `user:NAME`, as the audit log and the timelines name people.
    pub fn actor_name(&self) -> String {
        format!("user:{}", self.user.username)
    }

    /// Whether they hold one of `roles` at `unit` or above it.
    pub fn holds_any(&self, roles: &[Role], unit: &str) -> bool {
        roles
            .iter()
            .any(|role| self.grants.has_role_at(*role, unit))
    }

    /// `Ok` if they hold one of `roles` over `unit`; else `Forbidden` saying what `what`
    /// needs there.
    pub fn require(&self, roles: &[Role], unit: &str, what: &str) -> RuleResult<()> {
        if self.holds_any(roles, unit) {
            return Ok(());
        }
        let names: Vec<&str> = roles.iter().map(|r| r.name()).collect();
        Err(RuleError::Forbidden(format!(
            "{what} of unit {unit} needs one of these roles there: {}",
            names.join(", ")
        )))
    }

    /// The units of their grants of one of `roles`, in grant order, each once.
    pub fn units_with(&self, roles: &[Role]) -> Vec<String> {
        let mut units: Vec<String> = Vec::new();
        for grant in &self.grants.0 {
            if roles.contains(&grant.role) && !units.contains(&grant.unit_code) {
                units.push(grant.unit_code.clone());
            }
        }
        units
    }

    /// The units of all their grants, in grant order, each once.
    pub fn grant_units(&self) -> Vec<String> {
        let mut units: Vec<String> = Vec::new();
        for grant in &self.grants.0 {
            if !units.contains(&grant.unit_code) {
                units.push(grant.unit_code.clone());
            }
        }
        units
    }
}

/// A plugin installation acting through the contract's imports.
#[derive(Debug, Clone, Copy)]
pub struct Installation<'a> {
    /// The installation's id.
    pub id: i64,
    /// The plugin's id (whose own categories it reports in).
    pub plugin_id: &'a str,
    /// The code of the unit it is installed at: its scope is that unit's subtree.
    pub scope: &'a str,
}

/// Who performs a rule.
#[derive(Debug, Clone, Copy)]
pub enum Actor<'a> {
    /// A signed-in person, over the subtrees of their grants.
    Person(&'a Person),
    /// A plugin installation, over its unit's subtree. Its permissions (`events:report` …)
    /// are the capability layer's business (`runtime::imports`), checked before a rule runs.
    Plugin(Installation<'a>),
}

impl Actor<'_> {
    /// `user:NAME` or `plugin:ID#N`: the name in timelines and the audit log.
    pub fn name(&self) -> String {
        match self {
            Self::Person(person) => person.actor_name(),
            Self::Plugin(installation) => {
                format!("plugin:{}#{}", installation.plugin_id, installation.id)
            }
        }
    }

    /// The person, if a person acts.
    pub fn person(&self) -> Option<&Person> {
        match self {
            Self::Person(person) => Some(person),
            Self::Plugin(_) => None,
        }
    }

    /// Whether `unit` lies in the actor's scope.
    pub fn reaches(&self, unit: &str) -> bool {
        match self {
            Self::Person(person) => person.grants.reaches(unit),
            Self::Plugin(installation) => is_within(unit, installation.scope),
        }
    }

    /// The refusal for `unit` outside the actor's scope. It never says whether the unit
    /// exists, so it tells nothing about units outside the scope.
    pub fn outside(&self, unit: &str) -> RuleError {
        RuleError::Forbidden(match self {
            Self::Person(_) => format!("you hold no role at unit {unit}"),
            Self::Plugin(installation) => format!(
                "unit `{unit}` lies outside this installation's unit {}",
                installation.scope
            ),
        })
    }

    /// The subtrees a search looks through: without `asked`, the whole scope (a person's
    /// grant units, an installation's unit). A unit asked for must lie in the scope; an
    /// installation asking for a subtree wider than its own is clipped to its own, since the
    /// contract lets a plugin ask by prefix without knowing where it is installed.
    pub fn subtrees(&self, asked: Option<&str>) -> RuleResult<Vec<String>> {
        match (self, asked) {
            (Self::Person(person), None) => Ok(person.grant_units()),
            (Self::Plugin(installation), None) => Ok(vec![installation.scope.to_owned()]),
            (_, Some(unit)) if self.reaches(unit) => Ok(vec![unit.to_owned()]),
            (Self::Plugin(installation), Some(unit)) if is_within(installation.scope, unit) => {
                Ok(vec![installation.scope.to_owned()])
            }
            (_, Some(unit)) => Err(self.outside(unit)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::auth::Grant;

    fn person(grants: &[(Role, &str)]) -> Person {
        Person {
            user: User {
                id: 1,
                username: "li".into(),
                display_name: "李".into(),
            },
            grants: Grants(
                grants
                    .iter()
                    .map(|(role, unit)| Grant {
                        role: *role,
                        unit_code: (*unit).to_owned(),
                    })
                    .collect(),
            ),
        }
    }

    #[test]
    fn a_person_reaches_the_subtrees_of_their_grants_only() {
        let li = person(&[(Role::GridWorker, "420202001001001")]);
        let actor = Actor::Person(&li);
        assert!(actor.reaches("420202001001001"));
        assert!(!actor.reaches("420202001001002"));
        assert!(!actor.reaches("420202001"));
        assert_eq!(actor.name(), "user:li");
        assert_eq!(
            actor.subtrees(None).expect("own scope"),
            ["420202001001001"]
        );
        assert!(matches!(
            actor.subtrees(Some("420202001")),
            Err(RuleError::Forbidden(_))
        ));
    }

    #[test]
    fn an_installation_is_clipped_to_its_unit() {
        let actor = Actor::Plugin(Installation {
            id: 7,
            plugin_id: "elder-care",
            scope: "420202001",
        });
        assert_eq!(actor.name(), "plugin:elder-care#7");
        assert_eq!(
            actor.subtrees(Some("420202001001")).expect("narrower"),
            ["420202001001"]
        );
        assert_eq!(actor.subtrees(Some("4202")).expect("wider"), ["420202001"]);
        let refused = actor.subtrees(Some("420202002")).expect_err("beside");
        let again = actor.subtrees(Some("420202099")).expect_err("absent");
        assert_eq!(
            refused.to_string().replace("420202002", "X"),
            again.to_string().replace("420202099", "X"),
            "the answer does not tell whether the unit exists"
        );
    }
}
