//! `/admin/users`: the users holding grants at or below the admin's units, and a form that
//! grants a role at a unit through the same function as `POST /api/grants` (never above
//! the granter's own rank there, never outside their subtree; audited `grant.added`).

use axum::Form;
use axum::extract::State;
use axum::http::{StatusCode, Uri};
use axum::response::Response;
use maud::html;
use serde::Deserialize;
use sqlx::Row;

use super::{Admin, admin, internal, page, see_other};
use crate::auth::Role;
use crate::grid::unit_code::subtree_end;
use crate::http::AppState;
use crate::http::api_error::ApiError;
use crate::http::current_user::CurrentUser;
use crate::http::session_api::grant_role;

/// One grant as listed: username, display name, role, unit code, unit name.
struct Listed {
    username: String,
    display_name: String,
    role: String,
    unit_code: String,
    unit_name: String,
}

/// The grants at or below `unit`, by user.
async fn grants_under(state: &AppState, unit: &str) -> sqlx::Result<Vec<Listed>> {
    let rows = sqlx::query(
        "SELECT u.username, u.display_name, g.role, g.unit_code, \
         COALESCE(n.name, '') AS unit_name \
         FROM grants g JOIN users u ON u.id = g.user_id \
         LEFT JOIN units n ON n.code = g.unit_code \
         WHERE g.unit_code >= $1 AND g.unit_code < $2 \
         ORDER BY u.username, g.unit_code, g.role LIMIT 1000",
    )
    .bind(unit)
    .bind(subtree_end(unit))
    .fetch_all(state.database().pool())
    .await?;
    rows.iter()
        .map(|row| {
            Ok(Listed {
                username: row.try_get("username")?,
                display_name: row.try_get("display_name")?,
                role: row.try_get("role")?,
                unit_code: row.try_get("unit_code")?,
                unit_name: row.try_get("unit_name")?,
            })
        })
        .collect()
}

#[derive(Debug, Default, Deserialize)]
pub(super) struct GrantForm {
    #[serde(default)]
    username: String,
    #[serde(default)]
    role: String,
    #[serde(default)]
    unit: String,
}

async fn render(
    state: &AppState,
    admin: &Admin,
    status: StatusCode,
    input: &GrantForm,
    message: Option<&str>,
) -> Response {
    let mut listed = Vec::new();
    for unit in &admin.units {
        match grants_under(state, unit).await {
            Ok(rows) => listed.extend(rows),
            Err(error) => return internal(error),
        }
    }
    let unit_value = if input.unit.is_empty() {
        admin.units[0].as_str()
    } else {
        input.unit.as_str()
    };
    page(
        status,
        "用户",
        admin,
        html! {
            h1 { "用户" }
            div.admin-table {
                table.users {
                    thead { tr { th { "用户" } th { "角色" } th { "单位" } } }
                    tbody {
                        @for g in &listed {
                            @let role_zh = g.role.parse::<Role>().map_or("?", |r| r.name_zh());
                            tr {
                                td { (g.display_name) " " code { (g.username) } }
                                td { (role_zh) " " code { (g.role) } }
                                td { (g.unit_name) " " code { (g.unit_code) } }
                            }
                        }
                    }
                }
            }
            h2 { "授予角色" }
            p.muted { "只能在您管理的单位及其下级授予，且不能高于您自己的角色。" }
            form.admin method="post" action="/admin/users" {
                label {
                    "用户名"
                    input type="text" name="username" value=(input.username) required;
                }
                label {
                    "角色"
                    select name="role" {
                        @for role in Role::ALL {
                            option value=(role.name()) selected[role.name() == input.role] {
                                (role.name_zh())
                            }
                        }
                    }
                }
                label {
                    "单位代码"
                    input type="text" name="unit" value=(unit_value) required;
                }
                @if let Some(message) = message {
                    p.field-error #grant-error { (message) }
                }
                button type="submit" { "授予" }
            }
        },
    )
}

pub(super) async fn list(
    State(state): State<AppState>,
    uri: Uri,
    found: Result<CurrentUser, ApiError>,
) -> Response {
    let admin = match admin(found, &uri) {
        Ok(admin) => admin,
        Err(response) => return *response,
    };
    render(&state, &admin, StatusCode::OK, &GrantForm::default(), None).await
}

pub(super) async fn grant(
    State(state): State<AppState>,
    found: Result<CurrentUser, ApiError>,
    Form(input): Form<GrantForm>,
) -> Response {
    let admin = match admin(found, &Uri::from_static("/admin/users")) {
        Ok(admin) => admin,
        Err(response) => return *response,
    };
    let granted = grant_role(
        &state,
        &admin.current,
        input.username.trim(),
        &input.role,
        input.unit.trim(),
    )
    .await;
    let (status, message) = match granted {
        Ok(()) => return see_other("/admin/users"),
        Err(ApiError::Invalid { field: "role", .. }) => {
            (StatusCode::BAD_REQUEST, "请选择角色。".to_owned())
        }
        Err(ApiError::Invalid { .. }) => (StatusCode::BAD_REQUEST, "单位不存在。".to_owned()),
        Err(ApiError::NotFound(_)) => (StatusCode::NOT_FOUND, "用户不存在。".to_owned()),
        Err(ApiError::Forbidden(reason)) => (
            StatusCode::FORBIDDEN,
            format!("不能授予：只能在您管理的单位及其下级授予不高于您自己的角色。（{reason}）"),
        ),
        Err(error) => return internal(error),
    };
    render(&state, &admin, status, &input, Some(&message)).await
}
