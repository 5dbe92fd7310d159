//! Who may see a page, stated in the handler's signature: [`SignedIn`] (anyone with a
//! session), [`Worker`] and [`WorkerAt`] (a grid worker or unit admin, and the unit a page
//! is about), [`DepartmentStaff`] (staff of a department, or of a unit events are handed
//! down to), [`Admin`] and [`AdminOf`] (a unit admin, and the unit an act is for). Each
//! rejects with the [`PageError`] a visitor should see: sign in first (and come back), or
//! the area's 403 page.

use axum::extract::{FromRequestParts, Query};
use axum::http::request::Parts;
use axum::http::{Method, StatusCode};
use maud::html;
use serde::Deserialize;

use super::Area;
use super::error::PageError;
use crate::auth::{BASE_DATA_ROLES, Role};
use crate::grid::unit_code::is_within;
use crate::http::visitor::Visitor;
use crate::rules::sessions::SessionPerson;
use crate::rules::{Actor, Person, RuleError};
use crate::state::AppState;

/// Where a visitor whose session ran out comes back to after signing in, for a route that
/// only takes posts (a post cannot be repeated after signing in): the page its form is on.
/// Set on such routes as an `Extension`; other routes come back to themselves.
#[derive(Debug, Clone, Copy)]
pub struct ReturnTo(pub &'static str);

/// The page to come back to after signing in.
fn return_path(parts: &Parts) -> String {
    let here = parts
        .uri
        .path_and_query()
        .map_or("/", |p| p.as_str())
        .to_owned();
    if matches!(parts.method, Method::GET | Method::HEAD) {
        return here;
    }
    parts
        .extensions
        .get::<ReturnTo>()
        .map_or(here, |to| to.0.to_owned())
}

/// A signed-in visitor.
#[derive(Debug, Clone)]
pub struct SignedIn(pub SessionPerson);

impl SignedIn {
    /// Who, with their grants.
    pub fn person(&self) -> &Person {
        &self.0.person
    }

    /// As the rules' actor.
    pub fn actor(&self) -> Actor<'_> {
        Actor::Person(&self.0.person)
    }

    /// As the navigation shows them.
    pub fn visitor(&self) -> Visitor {
        Visitor::SignedIn(self.0.clone())
    }
}

impl FromRequestParts<AppState> for SignedIn {
    type Rejection = PageError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, PageError> {
        match Visitor::from_request_parts(parts, state).await? {
            Visitor::SignedIn(signed_in) => Ok(Self(signed_in)),
            Visitor::Anonymous | Visitor::Unknown => Err(PageError::SignIn {
                next: return_path(parts),
            }),
        }
    }
}

/// A grid worker (or a unit admin, who works the grids below them): signed in with one of
/// [`BASE_DATA_ROLES`] somewhere.
#[derive(Debug, Clone)]
pub struct Worker {
    /// Who.
    pub signed_in: SignedIn,
    /// The units they work, in grant order, each once.
    pub units: Vec<String>,
}

impl Worker {
    /// Whether they work `unit` (a worker role there or above).
    pub fn works(&self, unit: &str) -> bool {
        self.signed_in.person().holds_any(&BASE_DATA_ROLES, unit)
    }

    /// As the navigation shows them.
    pub fn visitor(&self) -> Visitor {
        self.signed_in.visitor()
    }

    /// The workspace's 403 page.
    pub fn forbidden(&self) -> PageError {
        worker_forbidden(self.visitor())
    }

    /// The page for what a rule refused: its 403 and 404 as pages, a malformed query (a
    /// tampered page cursor) as the 400 page, anything else the 500 page.
    pub fn failed(&self, error: RuleError) -> PageError {
        match error {
            RuleError::Forbidden(_) => self.forbidden(),
            RuleError::NotFound(_) => PageError::not_found(self.visitor()),
            RuleError::Invalid { .. } | RuleError::InvalidAttribute { .. } => PageError::page(
                StatusCode::BAD_REQUEST,
                "请求有误",
                Area::Worker,
                self.visitor(),
                html! { p.notice { "页面参数有误，请从列表第一页重新浏览。" } },
            ),
            other => other.into(),
        }
    }
}

fn worker_forbidden(visitor: Visitor) -> PageError {
    PageError::forbidden(
        Area::Portal,
        visitor,
        html! { "此页面仅供所辖网格的网格员和单位管理员使用。" },
    )
}

impl FromRequestParts<AppState> for Worker {
    type Rejection = PageError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, PageError> {
        let signed_in = SignedIn::from_request_parts(parts, state).await?;
        let units = signed_in.person().units_with(&BASE_DATA_ROLES);
        if units.is_empty() {
            return Err(worker_forbidden(signed_in.visitor()));
        }
        Ok(Self { signed_in, units })
    }
}

/// Department staff: signed in with `department-staff` somewhere (a department, in
/// practice). Their area is the queue of the events dispatched to them.
#[derive(Debug, Clone)]
pub struct DepartmentStaff {
    /// Who.
    pub signed_in: SignedIn,
    /// Their departments, in grant order, each once.
    pub units: Vec<String>,
}

impl DepartmentStaff {
    /// As the navigation shows them.
    pub fn visitor(&self) -> Visitor {
        self.signed_in.visitor()
    }

    /// The page for what a rule refused, as [`Worker::failed`] answers, in the department
    /// area.
    pub fn failed(&self, error: RuleError) -> PageError {
        match error {
            RuleError::Forbidden(_) => department_forbidden(self.visitor()),
            RuleError::NotFound(_) => PageError::not_found(self.visitor()),
            RuleError::Invalid { .. } | RuleError::InvalidAttribute { .. } => PageError::page(
                StatusCode::BAD_REQUEST,
                "请求有误",
                Area::Department,
                self.visitor(),
                html! { p.notice { "页面参数有误，请从待办第一页重新浏览。" } },
            ),
            other => other.into(),
        }
    }
}

fn department_forbidden(visitor: Visitor) -> PageError {
    PageError::forbidden(
        Area::Portal,
        visitor,
        html! { "此页面仅供职能部门的工作人员使用。" },
    )
}

impl FromRequestParts<AppState> for DepartmentStaff {
    type Rejection = PageError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, PageError> {
        let signed_in = SignedIn::from_request_parts(parts, state).await?;
        let units = signed_in.person().units_with(&[Role::DepartmentStaff]);
        if units.is_empty() {
            return Err(department_forbidden(signed_in.visitor()));
        }
        Ok(Self { signed_in, units })
    }
}

/// The `?unit=` of a page, whatever else its query holds.
#[derive(Debug, Deserialize)]
struct UnitParam {
    unit: Option<String>,
}

fn unit_param(parts: &Parts) -> Option<String> {
    Query::<UnitParam>::try_from_uri(&parts.uri)
        .ok()
        .and_then(|Query(param)| param.unit)
        .map(|unit| unit.trim().to_owned())
        .filter(|unit| !unit.is_empty())
}

/// A worker and the unit a unit page is about: `?unit=` if they work it (else the 403
/// page), or their first unit.
#[derive(Debug, Clone)]
pub struct WorkerAt {
    /// Who.
    pub worker: Worker,
    /// The unit.
    pub unit: String,
}

impl FromRequestParts<AppState> for WorkerAt {
    type Rejection = PageError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, PageError> {
        let worker = Worker::from_request_parts(parts, state).await?;
        let unit = match unit_param(parts) {
            Some(unit) if worker.works(&unit) => unit,
            Some(_) => return Err(worker.forbidden()),
            None => worker.units[0].clone(),
        };
        Ok(Self { worker, unit })
    }
}

/// A unit admin and the units they administer: the highest ones, since a unit inside
/// another of their admin units is covered by it.
#[derive(Debug, Clone)]
pub struct Admin {
    /// Who.
    pub signed_in: SignedIn,
    /// Their highest admin units, by code.
    pub units: Vec<String>,
}

impl Admin {
    /// Whether `unit` is at or below one of their units.
    pub fn covers(&self, unit: &str) -> bool {
        self.signed_in
            .person()
            .grants
            .has_role_at(Role::UnitAdmin, unit)
    }

    /// Their username.
    pub fn username(&self) -> &str {
        &self.signed_in.person().user.username
    }

    /// As the navigation shows them.
    pub fn visitor(&self) -> Visitor {
        self.signed_in.visitor()
    }

    /// The console's 403 page for `unit`, outside their units.
    pub fn outside(&self, unit: &str) -> PageError {
        PageError::forbidden(
            Area::Admin,
            self.visitor(),
            html! { "单位 " code { (unit) } " 不在您管理的范围内。" },
        )
    }
}

impl FromRequestParts<AppState> for Admin {
    type Rejection = PageError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, PageError> {
        let signed_in = SignedIn::from_request_parts(parts, state).await?;
        let mut units = signed_in.person().units_with(&[Role::UnitAdmin]);
        units.sort();
        let all = units.clone();
        units.retain(|unit| {
            !all.iter()
                .any(|other| other != unit && is_within(unit, other))
        });
        if units.is_empty() {
            return Err(PageError::forbidden(
                Area::Portal,
                signed_in.visitor(),
                html! { "管理后台仅供单位管理员使用。" },
            ));
        }
        Ok(Self { signed_in, units })
    }
}

/// A unit admin over the unit an act is for (`?unit=`, required): the 403 page of
/// [`Admin::outside`] for one beyond their units, the 400 page without one.
#[derive(Debug, Clone)]
pub struct AdminOf {
    /// Who.
    pub admin: Admin,
    /// The unit.
    pub unit: String,
}

impl FromRequestParts<AppState> for AdminOf {
    type Rejection = PageError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, PageError> {
        let admin = Admin::from_request_parts(parts, state).await?;
        let Some(unit) = unit_param(parts) else {
            return Err(PageError::page(
                StatusCode::BAD_REQUEST,
                "请求有误",
                Area::Admin,
                admin.visitor(),
                html! { p.notice { "缺少单位代码，请从已安装插件列表重新操作。" } },
            ));
        };
        if !admin.covers(&unit) {
            return Err(admin.outside(&unit));
        }
        Ok(Self { admin, unit })
    }
}
