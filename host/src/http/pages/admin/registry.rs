//! `/admin/registry`: the approved plugins of this host's registry, and the consent screen
//! that installs one at a unit (`/admin/registry/{id}/install?unit=CODE`): every permission
//! it asks for, in Chinese, to tick; the install goes ahead only when all are ticked — the
//! rule of `--grant` / `--grant-all-requested`, checked again by `lifecycle::install` —
//! and the config values the manifest declares, as `--config` sets them.

use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use maud::{Markup, html};
use semver::Version;
use serde::Deserialize;
use wangge_registry::{Manifest, Permission};

use super::config_form::{self, ConfigInput};
use super::lifecycle::{Act, Done, run};
use super::{level_zh, page, see_other};
use crate::http::pages::frame::Area;
use crate::http::pages::frame::access::Admin;
use crate::http::pages::frame::error::PageError;
use crate::plugins::lifecycle::InstallRequest;
use crate::plugins::lifecycle::consent::Grants;
use crate::plugins::lifecycle::obstacles;
use crate::registry_service::{self, Visibility};
use crate::state::AppState;

/// The unit an install is for.
#[derive(Debug, Deserialize)]
pub(super) struct UnitQuery {
    unit: Option<String>,
}

pub(super) async fn list(
    State(state): State<AppState>,
    admin: Admin,
) -> Result<Response, PageError> {
    let plugins = registry_service::search(state.db(), "", Visibility::Public)
        .await
        .map_err(PageError::internal)?;
    let mut rows = Vec::new();
    for plugin in plugins.into_iter().filter(|p| p.latest_approved.is_some()) {
        // The version an install takes, and what its manifest says (levels).
        let levels = match run(
            &state,
            admin.username(),
            &plugin.id,
            "",
            Act::Peek { above: None },
        )
        .await
        {
            Ok(Done::Peeked(version, manifest)) => Some((version, manifest.levels.clone())),
            _ => None,
        };
        rows.push((plugin, levels));
    }
    Ok(page(
        StatusCode::OK,
        "插件市场",
        &admin,
        html! {
            h1 { "插件市场" }
            p.muted { "本平台注册表中已审核通过的插件。安装前将列出插件申请的全部权限，逐项同意后才会安装。" }
            @if rows.is_empty() {
                p.notice { "注册表中还没有审核通过的插件。" }
            }
            ul.admin-registry {
                @for (plugin, resolved) in &rows {
                    li.plugin id={ "plugin-" (plugin.id) } {
                        h2 { (plugin.name) " " code { (plugin.id) } }
                        p { (plugin.description) }
                        dl {
                            dt { "最新版本" }
                            dd.version { (plugin.latest_approved.as_deref().unwrap_or("—")) }
                            dt { "发布者" }
                            dd { (plugin.publisher) }
                            dt { "可安装层级" }
                            dd {
                                @match resolved {
                                    Some((_, levels)) => {
                                        (levels.iter().map(|l| level_zh(*l)).collect::<Vec<_>>().join("、"))
                                    }
                                    None => { "本平台无法运行其已审核版本" }
                                }
                            }
                        }
                        @if resolved.is_some() {
                            @for unit in &admin.units {
                                a.button.install href={ "/admin/registry/" (plugin.id) "/install?unit=" (unit) } {
                                    "安装到本单位"
                                    @if admin.units.len() > 1 { " " (unit) }
                                }
                                " "
                            }
                        }
                    }
                }
            }
        },
    ))
}

/// What the consent screen shows and keeps.
struct Consent<'a> {
    plugin_id: &'a str,
    unit: &'a str,
    unit_name: &'a str,
    version: &'a Version,
    manifest: &'a Manifest,
    ticked: &'a [String],
    config: &'a ConfigInput,
    message: Option<String>,
}

fn permission_list(permissions: &[Permission], ticked: &[String]) -> Markup {
    html! {
        @if permissions.is_empty() {
            p.muted { "该插件不申请任何权限。" }
        }
        ul.permissions {
            @for permission in permissions {
                @let name = permission.to_string();
                li {
                    label {
                        input type="checkbox" name="grant" value=(name) checked[ticked.contains(&name)];
                        " " (permission.description_zh()) " " code { (name) }
                    }
                }
            }
        }
    }
}

fn consent_page(status: StatusCode, admin: &Admin, consent: &Consent<'_>) -> Response {
    let manifest = consent.manifest;
    let action = format!(
        "/admin/registry/{}/install?unit={}",
        consent.plugin_id, consent.unit
    );
    page(
        status,
        "安装插件",
        admin,
        html! {
            h1 { "安装「" (manifest.name) "」" }
            dl.consent {
                dt { "插件" } dd { (manifest.name) " " code { (consent.plugin_id) } }
                dt { "版本" } dd.version { (consent.version) }
                dt { "发布者" } dd { (manifest.publisher) }
                dt { "安装到" } dd.unit { (consent.unit_name) " " code { (consent.unit) } }
            }
            p { (manifest.description) }
            h2 { "该插件申请以下权限" }
            p.muted { "请逐项阅读，勾选全部权限表示同意；未全部同意则不会安装。" }
            form.admin method="post" action=(action) {
                input type="hidden" name="version" value=(consent.version);
                (permission_list(&manifest.permissions, consent.ticked))
                (config_form::fields(manifest, consent.config))
                @if let Some(message) = &consent.message {
                    p.field-error #consent-error { (message) }
                }
                button type="submit" { "同意并安装" }
            }
        },
    )
}

/// A page that explains why nothing can be installed here.
fn refusal(status: StatusCode, admin: &Admin, title: &str, message: &str) -> PageError {
    PageError::page(
        status,
        title,
        Area::Admin,
        admin.visitor(),
        html! {
            p.notice #install-refused { (message) }
            p { a href="/admin/registry" { "返回插件市场" } }
        },
    )
}

/// What stops an install of `manifest` at `unit` before consent: a level the manifest does
/// not allow, or an installation already there.
async fn blocked(
    state: &AppState,
    plugin_id: &str,
    unit: &str,
    unit_name: &str,
    manifest: &Manifest,
) -> anyhow::Result<Option<String>> {
    if let Err(level) = obstacles::level_refused(manifest, unit)? {
        let allowed: Vec<&str> = manifest.levels.iter().map(|l| level_zh(*l)).collect();
        return Ok(Some(format!(
            "该插件只能安装在{}级单位；{unit_name}（{unit}）是{}级单位。",
            allowed.join("、"),
            level_zh(level)
        )));
    }
    if let Some(row) = obstacles::already_installed(state.db(), plugin_id, unit).await? {
        return Ok(Some(format!(
            "该插件已安装在{unit_name}（版本 {}）。如需新版本请在已安装插件中升级。",
            row.version
        )));
    }
    Ok(None)
}

/// The unit asked for, checked: in the admin's subtree and known. `Err` is the page to show.
async fn target_unit(
    state: &AppState,
    admin: &Admin,
    plugin_id: &str,
    query: &UnitQuery,
) -> Result<(String, String), PageError> {
    let Some(unit) = query.unit.clone().filter(|u| !u.is_empty()) else {
        return Err(choose_unit(admin, plugin_id));
    };
    if !admin.covers(&unit) {
        return Err(admin.outside(&unit));
    }
    match state.db().unit(&unit).await? {
        Some(found) => Ok((unit, found.name)),
        None => Err(refusal(
            StatusCode::NOT_FOUND,
            admin,
            "安装插件",
            &format!("单位 {unit} 不存在。"),
        )),
    }
}

/// The form asking for the unit: shown as an error page, since there is nothing to
/// consent to until a unit is chosen.
fn choose_unit(admin: &Admin, plugin_id: &str) -> PageError {
    PageError::whole_page(
        StatusCode::OK,
        "安装插件",
        Area::Admin,
        admin.visitor(),
        html! {
            h1 { "安装插件 " code { (plugin_id) } }
            form.admin method="get" action={ "/admin/registry/" (plugin_id) "/install" } {
                label {
                    "安装到单位（代码）"
                    input type="text" name="unit" value=(admin.units[0]) required;
                }
                button type="submit" { "下一步" }
            }
        },
    )
}

/// The version an install takes and its manifest, or the page saying why there is none.
async fn peek(
    state: &AppState,
    admin: &Admin,
    plugin_id: &str,
) -> Result<(Version, Box<Manifest>), PageError> {
    match run(
        state,
        admin.username(),
        plugin_id,
        "",
        Act::Peek { above: None },
    )
    .await
    {
        Ok(Done::Peeked(version, manifest)) => Ok((version, manifest)),
        Ok(_) => Err(PageError::internal("a peek changed something")),
        Err(error) => Err(refusal(
            StatusCode::NOT_FOUND,
            admin,
            "安装插件",
            &format!("无法安装 {plugin_id}：{error:#}"),
        )),
    }
}

/// The version an install of `plugin_id` at `unit` takes and its manifest, as [`peek`]
/// finds them, or the page saying why there is none or why the plugin cannot go there
/// (the 409 of [`blocked`]).
async fn installable(
    state: &AppState,
    admin: &Admin,
    plugin_id: &str,
    unit: &str,
    unit_name: &str,
) -> Result<(Version, Box<Manifest>), PageError> {
    let (version, manifest) = peek(state, admin, plugin_id).await?;
    match blocked(state, plugin_id, unit, unit_name, &manifest).await? {
        Some(message) => Err(refusal(StatusCode::CONFLICT, admin, "无法安装", &message)),
        None => Ok((version, manifest)),
    }
}

/// Where an install screen is: what is installed where, and what the admin has answered.
struct Target<'a> {
    plugin_id: &'a str,
    unit: &'a str,
    unit_name: &'a str,
    ticked: &'a [String],
}

/// Why the screen is shown again after a submit.
enum Refused<'a> {
    /// A config value did not fit; the input carries the message.
    Config(ConfigInput),
    /// The install was refused (and audited); the config as typed.
    Install(&'a anyhow::Error, ConfigInput),
}

/// The consent screen for installing at `target` (the version [`installable`] finds, its
/// permissions with the ticked ones ticked, its config): a 200, or after a `refused`
/// install a 400 with the reason next to the field or the button.
async fn consent_screen(
    state: &AppState,
    admin: &Admin,
    target: &Target<'_>,
    refused: Option<Refused<'_>>,
) -> Result<Response, PageError> {
    let Target {
        plugin_id,
        unit,
        unit_name,
        ticked,
    } = *target;
    let (version, manifest) = installable(state, admin, plugin_id, unit, unit_name).await?;
    let status = if refused.is_some() {
        StatusCode::BAD_REQUEST
    } else {
        StatusCode::OK
    };
    let (config, message) = match refused {
        None => (ConfigInput::starting(&manifest, &Default::default()), None),
        Some(Refused::Config(input)) => (input, None),
        Some(Refused::Install(error, input)) => (
            input,
            Some(refused_message(&manifest.permissions, ticked, error)),
        ),
    };
    Ok(consent_page(
        status,
        admin,
        &Consent {
            plugin_id,
            unit,
            unit_name,
            version: &version,
            manifest: &manifest,
            ticked,
            config: &config,
            message,
        },
    ))
}

pub(super) async fn consent(
    State(state): State<AppState>,
    admin: Admin,
    Path(plugin_id): Path<String>,
    Query(query): Query<UnitQuery>,
) -> Result<Response, PageError> {
    let (unit, unit_name) = target_unit(&state, &admin, &plugin_id, &query).await?;
    let target = Target {
        plugin_id: &plugin_id,
        unit: &unit,
        unit_name: &unit_name,
        ticked: &[],
    };
    consent_screen(&state, &admin, &target, None).await
}

/// The ticked permissions and the version of a consent form.
pub(super) fn ticked(fields: &[(String, String)]) -> (Vec<String>, Option<String>) {
    let grants = fields
        .iter()
        .filter(|(name, _)| name == "grant")
        .map(|(_, value)| value.clone())
        .collect();
    let version = fields
        .iter()
        .find(|(name, _)| name == "version")
        .map(|(_, value)| value.clone());
    (grants, version)
}

/// The message for a refused consent: the permissions left unticked, or the lifecycle's
/// reason.
pub(super) fn refused_message(
    needed: &[Permission],
    ticked: &[String],
    error: &anyhow::Error,
) -> String {
    let missing: Vec<String> = needed
        .iter()
        .filter(|p| !ticked.contains(&p.to_string()))
        .map(|p| format!("{}（{}）", p.description_zh(), p))
        .collect();
    if missing.is_empty() {
        format!("未能完成：{error:#}")
    } else {
        format!(
            "未安装：请同意全部申请的权限后再提交。尚未同意：{}。",
            missing.join("、")
        )
    }
}

pub(super) async fn install(
    State(state): State<AppState>,
    admin: Admin,
    Path(plugin_id): Path<String>,
    Query(query): Query<UnitQuery>,
    Form(fields): Form<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    let (unit, unit_name) = target_unit(&state, &admin, &plugin_id, &query).await?;
    let (ticked, version) = ticked(&fields);
    let target = Target {
        plugin_id: &plugin_id,
        unit: &unit,
        unit_name: &unit_name,
        ticked: &ticked,
    };
    let (_, manifest) = installable(&state, &admin, &plugin_id, &unit, &unit_name).await?;
    let config = match ConfigInput::read(&manifest, &fields) {
        Ok(config) => config,
        Err(input) => {
            return consent_screen(&state, &admin, &target, Some(Refused::Config(input))).await;
        }
    };
    let request = InstallRequest {
        plugin_id: plugin_id.clone(),
        unit_code: unit.clone(),
        version,
        grants: Grants {
            named: ticked.clone(),
            all_requested: false,
        },
        registry: None,
        config,
    };
    let error = match run(
        &state,
        admin.username(),
        &plugin_id,
        &unit,
        Act::Install(request),
    )
    .await
    {
        Ok(_) => return Ok(see_other("/admin/installations")),
        Err(error) => error,
    };
    // Refused (and audited as `plugin.install_refused`): the screen again, ticks kept.
    let typed = ConfigInput::typed(&fields);
    consent_screen(
        &state,
        &admin,
        &target,
        Some(Refused::Install(&error, typed)),
    )
    .await
}
