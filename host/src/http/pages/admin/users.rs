//! `/admin/users`: the users holding grants at or below the admin's units, and a form that
//! grants a role at a unit through the same rule as `POST /api/grants` (never above the
//! granter's own rank there, never outside their subtree; audited `grant.added`).

use axum::Form;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use maud::html;
use serde::Deserialize;

use super::{page, see_other};
use crate::auth::Role;
use crate::http::pages::frame::access::Admin;
use crate::http::pages::frame::error::PageError;
use crate::rules::{RuleError, grants};
use crate::state::AppState;

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
) -> Result<Response, PageError> {
    let listed = grants::under(state.db(), admin.signed_in.person(), &admin.units).await?;
    let unit_value = if input.unit.is_empty() {
        admin.units[0].as_str()
    } else {
        input.unit.as_str()
    };
    Ok(page(
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
    ))
}

pub(super) async fn list(
    State(state): State<AppState>,
    admin: Admin,
) -> Result<Response, PageError> {
    render(&state, &admin, StatusCode::OK, &GrantForm::default(), None).await
}

pub(super) async fn grant(
    State(state): State<AppState>,
    admin: Admin,
    Form(input): Form<GrantForm>,
) -> Result<Response, PageError> {
    let granted = grants::grant_role(
        state.db(),
        admin.signed_in.person(),
        input.username.trim(),
        &input.role,
        input.unit.trim(),
    )
    .await;
    let (status, message) = match granted {
        Ok(()) => return Ok(see_other("/admin/users")),
        Err(RuleError::Invalid { field, .. }) if field == "role" => {
            (StatusCode::BAD_REQUEST, "请选择角色。".to_owned())
        }
        Err(RuleError::Invalid { .. }) => (StatusCode::BAD_REQUEST, "单位不存在。".to_owned()),
        Err(RuleError::NotFound(_)) => (StatusCode::NOT_FOUND, "用户不存在。".to_owned()),
        Err(RuleError::Forbidden(reason)) => (
            StatusCode::FORBIDDEN,
            format!("不能授予：只能在您管理的单位及其下级授予不高于您自己的角色。（{reason}）"),
        ),
        Err(error) => return Err(error.into()),
    };
    render(&state, &admin, status, &input, Some(&message)).await
}
