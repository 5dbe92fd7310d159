//! Who a plugin page serves: the signed-in user, placed at their own unit within the
//! installation's scope with the roles they hold there, or an anonymous visitor at the
//! installation's unit. Sessions that expired simply make the visitor anonymous.

use crate::auth::{Grants, Role};
use crate::grid::unit_code::is_within;
use crate::http::visitor::Visitor;
use crate::rules::sessions::SessionPerson;
use crate::runtime::bindings::Caller;
use crate::runtime::conversions::{role::contract_role, unit::contract_unit};
use crate::runtime::installation::Installation;
use crate::state::AppState;

fn anonymous(installation: &Installation) -> Caller {
    Caller {
        user_id: None,
        display_name: None,
        unit: installation.unit.clone(),
        roles: Vec::new(),
    }
}

/// The unit a user acts at on this installation's pages: their most specific grant inside
/// its scope, else the installation's unit when a grant covers it, else none.
fn home_unit(grants: &Grants, installation: &Installation) -> Option<String> {
    let scope = &installation.unit.code;
    let inside = grants
        .0
        .iter()
        .filter(|g| is_within(&g.unit_code, scope))
        .max_by_key(|g| g.unit_code.len())
        .map(|g| g.unit_code.clone());
    inside.or_else(|| grants.reaches(scope).then(|| scope.clone()))
}

/// The visitor's own resident id, as plugins of `installation` may learn it: only when the
/// record lies in the installation's scope (elsewhere the plugin could not read it anyway,
/// and need not learn that it exists).
pub fn resident_in(signed_in: &SessionPerson, installation: &Installation) -> Option<i64> {
    signed_in
        .resident
        .as_ref()
        .filter(|(_, grid)| is_within(grid, &installation.unit.code))
        .map(|(id, _)| *id)
}

/// The caller of a plugin page request by `visitor`.
pub async fn caller_for(
    state: &AppState,
    visitor: &Visitor,
    installation: &Installation,
) -> anyhow::Result<Caller> {
    let Some(person) = visitor.person() else {
        return Ok(anonymous(installation));
    };
    let (user, grants) = (&person.user, &person.grants);
    let (unit, roles) = match home_unit(grants, installation) {
        Some(code) => {
            let unit = match state.db().unit(&code).await? {
                Some(stored) => contract_unit(&stored.code, &stored.name)?,
                None => installation.unit.clone(),
            };
            let roles = Role::ALL
                .into_iter()
                .filter(|role| grants.has_role_at(*role, &code))
                .filter_map(contract_role)
                .collect();
            (unit, roles)
        }
        // Signed in, but holding nothing here: known by name, with no roles.
        None => (installation.unit.clone(), Vec::new()),
    };
    Ok(Caller {
        user_id: Some(user.id.to_string()),
        display_name: Some(user.display_name.clone()),
        unit,
        roles,
    })
}
