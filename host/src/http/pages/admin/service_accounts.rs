//! `/admin/service-accounts`: the departments' machine credentials at or below the admin's
//! units (部门推送), a form that creates one — its token shown on the answer page once and
//! never again — and a button that revokes one at once (`rules::accounts`, audited).

use axum::Form;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use maud::{Markup, html};
use serde::Deserialize;

use super::{page, see_other};
use crate::auth::Role;
use crate::http::pages::frame::access::Admin;
use crate::http::pages::frame::error::PageError;
use crate::http::pages::frame::text::china_time;
use crate::rules::{RuleError, accounts};
use crate::state::AppState;

#[derive(Debug, Default, Deserialize)]
pub(super) struct CreateForm {
    #[serde(default)]
    username: String,
    #[serde(default)]
    display_name: String,
    #[serde(default)]
    role: String,
    #[serde(default)]
    unit: String,
}

/// What the page shows above the form: the token just made, or why nothing was made.
enum Shown {
    Nothing,
    Token { username: String, token: String },
    Refused(String),
}

/// The Chinese message for a refused creation.
fn refusal(error: &RuleError) -> Option<(StatusCode, String)> {
    let field = error.field_problems().into_iter().next().map(|(f, _)| f);
    let text = match (error, field.as_deref()) {
        (_, Some("username")) => {
            "账号名须以“svc-”开头，为小写字母、数字、“.”、“_”或“-”，最多 64 位。"
        }
        (_, Some("display_name")) => "请填写部门名称（1 至 50 字）。",
        (_, Some("role")) => "请选择角色：部门人员或网格员。",
        (_, Some("unit")) => "单位不存在。",
        (_, Some(_)) => "填写的内容有误。",
        (RuleError::Conflict(_), _) => "账号名已被使用。",
        (RuleError::Forbidden(_), _) => "只能在您管理的单位及其下级创建服务账号。",
        (RuleError::NotFound(_), _) => "服务账号不存在，或不在您管理的单位中。",
        _ => return None,
    };
    let status = match error {
        RuleError::Conflict(_) => StatusCode::CONFLICT,
        RuleError::Forbidden(_) => StatusCode::FORBIDDEN,
        RuleError::NotFound(_) => StatusCode::NOT_FOUND,
        _ => StatusCode::BAD_REQUEST,
    };
    Some((status, text.to_owned()))
}

fn shown(what: &Shown) -> Markup {
    html! {
        @match what {
            Shown::Nothing => {}
            Shown::Token { username, token } => {
                div.notice #service-token {
                    p { "已创建服务账号 " code { (username) } "。请立即复制下面的令牌交给该部门：令牌只显示这一次，平台只保存其摘要。" }
                    p { code.token { (token) } }
                    p.muted { "部门以 " code { "Authorization: Bearer 令牌" } " 调用 " code { "POST /api/imports/residents" } " 或 " code { "/api/imports/houses" } "。" }
                }
            }
            Shown::Refused(text) => {
                p.field-error #service-error role="alert" { (text) }
            }
        }
    }
}

async fn render(
    state: &AppState,
    admin: &Admin,
    status: StatusCode,
    input: &CreateForm,
    what: Shown,
) -> Result<Response, PageError> {
    let listed = accounts::service_accounts(state.db(), admin.signed_in.person()).await?;
    let unit_value = if input.unit.is_empty() {
        admin.units[0].as_str()
    } else {
        input.unit.as_str()
    };
    let refused = matches!(what, Shown::Refused(_));
    Ok(page(
        status,
        "服务账号",
        admin,
        html! {
            h1 { "服务账号" }
            p.muted {
                "供部门系统推送人口、房屋数据（部门推送）的机器凭据：绑定一个单位和一个角色，"
                "每次使用都记入审计日志，撤销后立即失效。"
            }
            (shown(&what))
            @if listed.is_empty() {
                p.notice { "暂无服务账号。" }
            } @else {
                div.admin-table {
                    table.service-accounts {
                        thead { tr {
                            th { "账号" } th { "部门" } th { "角色" } th { "单位" }
                            th { "创建" } th { "状态" } th { "操作" }
                        } }
                        tbody {
                            @for a in &listed {
                                @let role_zh = a.role.parse::<Role>().map_or("?", |r| r.name_zh());
                                tr {
                                    td { code { (a.username) } }
                                    td { (a.display_name) }
                                    td { (role_zh) }
                                    td { code { (a.unit_code) } }
                                    td { (china_time(a.created_at)) " · " (a.created_by) }
                                    td {
                                        @if let Some(at) = a.revoked_at {
                                            "已撤销（" (china_time(at)) "）"
                                        } @else {
                                            "有效"
                                        }
                                    }
                                    td {
                                        @if a.revoked_at.is_none() {
                                            form.inline method="post" action={ "/admin/service-accounts/" (a.id) "/revoke" } {
                                                button.danger type="submit" aria-label={ "撤销 " (a.username) } { "撤销" }
                                            }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
            h2 { "新建服务账号" }
            form.admin #create-service-account method="post" action="/admin/service-accounts" {
                label {
                    "账号名（以 svc- 开头）"
                    input type="text" name="username" autocomplete="off" placeholder="svc-gongan"
                        value=[refused.then_some(&input.username)] required;
                }
                label {
                    "部门名称"
                    input type="text" name="display_name" autocomplete="off" placeholder="派出所"
                        value=[refused.then_some(&input.display_name)] required;
                }
                label {
                    "角色"
                    select name="role" {
                        @for role in accounts::SERVICE_ROLES {
                            option value=(role.name()) selected[role.name() == input.role] { (role.name_zh()) }
                        }
                    }
                }
                label { "单位代码" input type="text" name="unit" value=(unit_value) required; }
                button type="submit" { "创建" }
            }
        },
    ))
}

pub(super) async fn list(
    State(state): State<AppState>,
    admin: Admin,
) -> Result<Response, PageError> {
    render(
        &state,
        &admin,
        StatusCode::OK,
        &CreateForm::default(),
        Shown::Nothing,
    )
    .await
}

pub(super) async fn create(
    State(state): State<AppState>,
    admin: Admin,
    Form(input): Form<CreateForm>,
) -> Result<Response, PageError> {
    let created = accounts::create_service_account(
        state.db(),
        admin.signed_in.person(),
        &input.username,
        &input.display_name,
        &input.role,
        &input.unit,
    )
    .await;
    match created {
        Ok(created) => {
            let what = Shown::Token {
                username: created.account.username,
                token: created.token,
            };
            render(
                &state,
                &admin,
                StatusCode::CREATED,
                &CreateForm::default(),
                what,
            )
            .await
        }
        Err(error) => match refusal(&error) {
            Some((status, text)) => {
                render(&state, &admin, status, &input, Shown::Refused(text)).await
            }
            None => Err(error.into()),
        },
    }
}

pub(super) async fn revoke(
    State(state): State<AppState>,
    admin: Admin,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let revoked = match id.parse::<i64>() {
        Ok(id) => accounts::revoke_service_account(state.db(), admin.signed_in.person(), id).await,
        Err(_) => Err(RuleError::NotFound("service account".into())),
    };
    match revoked {
        // Revoked already: the list shows it so.
        Ok(()) | Err(RuleError::Conflict(_)) => Ok(see_other("/admin/service-accounts")),
        Err(error) => match refusal(&error) {
            Some((status, text)) => {
                let input = CreateForm::default();
                render(&state, &admin, status, &input, Shown::Refused(text)).await
            }
            None => Err(error.into()),
        },
    }
}
