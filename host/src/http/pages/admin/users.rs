//! `/admin/users`: the users holding grants at or below the admin's units, each grant with a
//! button that revokes it, and the forms that create a user, grant a role, reset a password
//! and link an account to a resident record. Every form calls the rule the JSON API calls
//! (`rules::accounts`, `rules::grants`: never above the admin's own rank, never outside
//! their subtree; each act audited).

use axum::Form;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use maud::{Markup, html};
use serde::Deserialize;

use super::{page, see_other};
use crate::auth::Role;
use crate::http::pages::frame::access::Admin;
use crate::http::pages::frame::error::PageError;
use crate::rules::{RuleError, accounts, grants};
use crate::state::AppState;

/// What any of the page's forms posts (each form fills the fields it has).
#[derive(Debug, Default, Deserialize)]
pub(super) struct UserForm {
    #[serde(default)]
    username: String,
    #[serde(default)]
    display_name: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    role: String,
    #[serde(default)]
    unit: String,
    #[serde(default)]
    resident_id: String,
}

/// Which form a message belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Which {
    Create,
    Grant,
    Revoke,
    Password,
    Resident,
}

impl Which {
    /// The id of the form's message, for tests and screen readers.
    fn message_id(self) -> &'static str {
        match self {
            Self::Create => "create-error",
            Self::Grant => "grant-error",
            Self::Revoke => "revoke-error",
            Self::Password => "password-error",
            Self::Resident => "resident-error",
        }
    }
}

/// The outcome shown above one form.
struct Notice {
    which: Which,
    text: String,
    ok: bool,
}

/// The Chinese message for a refused act: the field it names, or why it was refused.
fn refusal(which: Which, error: &RuleError) -> Option<(StatusCode, String)> {
    let field = error.field_problems().into_iter().next().map(|(f, _)| f);
    let text = match (error, field.as_deref()) {
        (_, Some("username")) => "用户名为 1 至 64 位小写字母、数字、“.”、“_”或“-”。".to_owned(),
        (_, Some("display_name")) => "请填写姓名（1 至 50 字）。".to_owned(),
        (_, Some("password")) => "密码至少 8 位。".to_owned(),
        (_, Some("role")) => "请选择角色。".to_owned(),
        (_, Some("unit")) => "单位不存在。".to_owned(),
        (_, Some(_)) => "填写的内容有误。".to_owned(),
        (RuleError::NotFound(_), _) if which == Which::Resident => {
            "用户或居民不在您管理的单位中（居民编号见居民页面）。".to_owned()
        }
        (RuleError::NotFound(_), _) if which == Which::Revoke => "该用户没有这项角色。".to_owned(),
        (RuleError::NotFound(_), _) => "用户不存在，或不在您管理的单位中。".to_owned(),
        (RuleError::Conflict(_), _) if which == Which::Create => "用户名已被使用。".to_owned(),
        (RuleError::Conflict(_), _) => "不能撤销您自己的角色，请由其他管理员操作。".to_owned(),
        (RuleError::Forbidden(_), _) => {
            "只能在您管理的单位及其下级操作，且角色不能高于您自己的。".to_owned()
        }
        _ => return None,
    };
    let status = match error {
        RuleError::NotFound(_) => StatusCode::NOT_FOUND,
        RuleError::Conflict(_) => StatusCode::CONFLICT,
        RuleError::Forbidden(_) => StatusCode::FORBIDDEN,
        _ => StatusCode::BAD_REQUEST,
    };
    Some((status, text))
}

/// The message above the form `which`, if the notice is about it.
fn notice_for(which: Which, notice: Option<&Notice>) -> Markup {
    html! {
        @if let Some(n) = notice.filter(|n| n.which == which) {
            @if n.ok {
                p.notice id=(which.message_id()) { (n.text) }
            } @else {
                p.field-error id=(which.message_id()) role="alert" { (n.text) }
            }
        }
    }
}

fn role_select(chosen: &str) -> Markup {
    html! {
        label {
            "角色"
            select name="role" {
                @for role in Role::ALL {
                    option value=(role.name()) selected[role.name() == chosen] { (role.name_zh()) }
                }
            }
        }
    }
}

async fn render(
    state: &AppState,
    admin: &Admin,
    status: StatusCode,
    input: &UserForm,
    notice: Option<Notice>,
) -> Result<Response, PageError> {
    let listed = grants::under(state.db(), admin.signed_in.person(), &admin.units).await?;
    let notice = notice.as_ref();
    let unit_value = if input.unit.is_empty() {
        admin.units[0].as_str()
    } else {
        input.unit.as_str()
    };
    let own = &admin.signed_in.person().user.username;
    Ok(page(
        status,
        "用户",
        admin,
        html! {
            h1 { "用户" }
            p.muted { "管辖范围内持有角色的用户。只能在您管理的单位及其下级授予或撤销角色，且不能高于您自己的角色。" }
            (notice_for(Which::Revoke, notice))
            div.admin-table {
                table.users {
                    thead { tr { th { "用户" } th { "角色" } th { "单位" } th { "操作" } } }
                    tbody {
                        @for g in &listed {
                            @let role_zh = g.role.parse::<Role>().map_or("?", |r| r.name_zh());
                            tr {
                                td { (g.display_name) " " code { (g.username) } }
                                td { (role_zh) " " code { (g.role) } }
                                td { (g.unit_name) " " code { (g.unit_code) } }
                                td {
                                    @if &g.username != own {
                                        form.inline method="post" action="/admin/users/revoke" {
                                            input type="hidden" name="username" value=(g.username);
                                            input type="hidden" name="role" value=(g.role);
                                            input type="hidden" name="unit" value=(g.unit_code);
                                            button.danger type="submit"
                                                aria-label={ "撤销 " (g.username) " 的 " (role_zh) } { "撤销" }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
            div.admin-forms {
                section {
                    h2 { "新建用户" }
                    p.muted { "新用户建好后，再用“授予角色”为其授予角色。" }
                    form.admin #create-user method="post" action="/admin/users/new" {
                        (notice_for(Which::Create, notice))
                        label { "用户名" input type="text" name="username" autocomplete="off"
                            value=[(notice.is_some_and(|n| n.which == Which::Create && !n.ok)).then_some(&input.username)] required; }
                        label { "姓名" input type="text" name="display_name" autocomplete="off"
                            value=[(notice.is_some_and(|n| n.which == Which::Create && !n.ok)).then_some(&input.display_name)] required; }
                        label { "初始密码（至少 8 位）" input type="password" name="password" autocomplete="new-password" required; }
                        button type="submit" { "新建" }
                    }
                }
                section {
                    h2 { "授予角色" }
                    form.admin #grant-role method="post" action="/admin/users" {
                        (notice_for(Which::Grant, notice))
                        label { "用户名" input type="text" name="username" value=(input.username) required; }
                        (role_select(&input.role))
                        label { "单位代码" input type="text" name="unit" value=(unit_value) required; }
                        button type="submit" { "授予" }
                    }
                }
                section {
                    h2 { "重置密码" }
                    p.muted { "重置后该用户的所有登录会话立即失效。" }
                    form.admin #reset-password method="post" action="/admin/users/password" {
                        (notice_for(Which::Password, notice))
                        label { "用户名" input type="text" name="username" required; }
                        label { "新密码（至少 8 位）" input type="password" name="password" autocomplete="new-password" required; }
                        button type="submit" { "重置" }
                    }
                }
                section {
                    h2 { "关联居民" }
                    p.muted { "把账号与一条居民记录关联：持“居民”角色时，可在居民门户收到给本人的通知。" }
                    form.admin #link-resident method="post" action="/admin/users/resident" {
                        (notice_for(Which::Resident, notice))
                        label { "用户名" input type="text" name="username" required; }
                        label { "居民编号" input type="text" name="resident_id" inputmode="numeric" required; }
                        button type="submit" { "关联" }
                    }
                }
            }
        },
    ))
}

/// Renders the page after an act: back to the list on success (with a notice when there is
/// something to say), or the page with the refusal above the form.
async fn answer(
    state: &AppState,
    admin: &Admin,
    input: &UserForm,
    which: Which,
    result: Result<Option<String>, RuleError>,
) -> Result<Response, PageError> {
    match result {
        Ok(None) => Ok(see_other("/admin/users")),
        Ok(Some(text)) => {
            let notice = Notice {
                which,
                text,
                ok: true,
            };
            render(
                state,
                admin,
                StatusCode::OK,
                &UserForm::default(),
                Some(notice),
            )
            .await
        }
        Err(error) => match refusal(which, &error) {
            Some((status, text)) => {
                let notice = Notice {
                    which,
                    text,
                    ok: false,
                };
                render(state, admin, status, input, Some(notice)).await
            }
            None => Err(error.into()),
        },
    }
}

pub(super) async fn list(
    State(state): State<AppState>,
    admin: Admin,
) -> Result<Response, PageError> {
    render(&state, &admin, StatusCode::OK, &UserForm::default(), None).await
}

pub(super) async fn grant(
    State(state): State<AppState>,
    admin: Admin,
    Form(input): Form<UserForm>,
) -> Result<Response, PageError> {
    let granted = grants::grant_role(
        state.db(),
        admin.signed_in.person(),
        input.username.trim(),
        &input.role,
        input.unit.trim(),
    )
    .await
    .map(|()| None);
    answer(&state, &admin, &input, Which::Grant, granted).await
}

pub(super) async fn create(
    State(state): State<AppState>,
    admin: Admin,
    Form(input): Form<UserForm>,
) -> Result<Response, PageError> {
    let created = accounts::create_user(
        state.db(),
        admin.signed_in.person(),
        &input.username,
        &input.display_name,
        input.password.clone(),
    )
    .await
    .map(|user| {
        Some(format!(
            "已新建用户 {}（{}），请为其授予角色。",
            user.display_name, user.username
        ))
    });
    answer(&state, &admin, &input, Which::Create, created).await
}

pub(super) async fn revoke(
    State(state): State<AppState>,
    admin: Admin,
    Form(input): Form<UserForm>,
) -> Result<Response, PageError> {
    let revoked = grants::revoke_role(
        state.db(),
        admin.signed_in.person(),
        input.username.trim(),
        &input.role,
        input.unit.trim(),
    )
    .await
    .map(|()| None);
    answer(&state, &admin, &input, Which::Revoke, revoked).await
}

pub(super) async fn reset_password(
    State(state): State<AppState>,
    admin: Admin,
    Form(input): Form<UserForm>,
) -> Result<Response, PageError> {
    let username = input.username.trim().to_owned();
    let reset = accounts::reset_password(
        state.db(),
        admin.signed_in.person(),
        &username,
        input.password.clone(),
    )
    .await
    .map(|()| Some(format!("已重置 {username} 的密码，其登录会话已失效。")));
    answer(&state, &admin, &input, Which::Password, reset).await
}

pub(super) async fn link_resident(
    State(state): State<AppState>,
    admin: Admin,
    Form(input): Form<UserForm>,
) -> Result<Response, PageError> {
    let username = input.username.trim().to_owned();
    let linked = match input.resident_id.trim().parse::<i64>() {
        Ok(id) => accounts::link_resident(state.db(), admin.signed_in.person(), &username, id)
            .await
            .map(|()| Some(format!("已将 {username} 关联到居民 {id}。"))),
        Err(_) => Err(RuleError::NotFound("resident".into())),
    };
    answer(&state, &admin, &input, Which::Resident, linked).await
}
