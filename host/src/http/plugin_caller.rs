//! Who a plugin page serves: the signed-in user, placed at their own unit within the
//! installation's scope with the roles they hold there, or an anonymous visitor at the
//! installation's unit. Sessions that expired simply make the visitor anonymous.

use axum::http::HeaderMap;

use super::AppState;
use super::current_user::{CurrentUser, request_token};
use crate::auth::{Grants, Role, token};
use crate::grid::unit_code::is_within;
use crate::plugins::catalog::contract_unit;
use crate::runtime::bindings::{self, Caller};
use crate::runtime::installation::Installation;

fn anonymous(installation: &Installation) -> Caller {
    Caller {
        user_id: None,
        display_name: None,
        unit: installation.unit.clone(),
        roles: Vec::new(),
    }
}

fn contract_role(role: Role) -> Option<bindings::Role> {
    Some(match role {
        Role::Resident => bindings::Role::Resident,
        Role::GridWorker => bindings::Role::GridWorker,
        Role::DepartmentStaff => bindings::Role::DepartmentStaff,
        Role::UnitAdmin => bindings::Role::UnitAdmin,
        Role::Leader => bindings::Role::Leader,
        Role::RegistryReviewer => bindings::Role::RegistryReviewer,
        // The sensitive-data grant is the host's business; plugins ask for
        // `residents:read-sensitive` instead.
        Role::SensitiveData => return None,
    })
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

/// A signed-in visitor and their grants.
pub struct Visitor {
    /// Who, with what they hold.
    pub current: CurrentUser,
    /// Their own resident record and its grid, when the account is linked to one.
    pub resident: Option<(i64, String)>,
}

impl Visitor {
    /// The visitor's own resident id, as plugins of `installation` may learn it: only when
    /// the record lies in the installation's scope (elsewhere the plugin could not read it
    /// anyway, and need not learn that it exists).
    pub fn resident_in(&self, installation: &Installation) -> Option<i64> {
        self.resident
            .as_ref()
            .filter(|(_, grid)| is_within(grid, &installation.unit.code))
            .map(|(id, _)| *id)
    }
}

/// The signed-in visitor of a request, looked up once per request (session with the linked
/// resident, then grants);
/// `None` for anyone else, including an expired session.
pub async fn signed_in(state: &AppState, headers: &HeaderMap) -> anyhow::Result<Option<Visitor>> {
    let Some(token) = request_token(headers) else {
        return Ok(None);
    };
    let token_digest = token::digest(&token);
    let Some((user, resident)) = state.db().session_visitor(&token_digest).await? else {
        return Ok(None);
    };
    let grants = state.db().grants_of(user.id).await?;
    Ok(Some(Visitor {
        current: CurrentUser {
            user,
            grants,
            token_digest,
        },
        resident,
    }))
}

/// The caller of a plugin page request by `visitor`.
pub async fn caller_for(
    state: &AppState,
    visitor: Option<&Visitor>,
    installation: &Installation,
) -> anyhow::Result<Caller> {
    let Some(Visitor {
        current: CurrentUser { user, grants, .. },
        ..
    }) = visitor
    else {
        return Ok(anonymous(installation));
    };
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
