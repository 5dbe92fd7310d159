//! `/admin/installations`: the installations at and below the admin's units — plugin,
//! version, unit, state, circuit breaker and per-plugin metrics — with the lifecycle acts
//! on each: upgrade (the permission diff of the newest approved version, with consent),
//! rollback, disable/enable and uninstall (keeping the data, downloading it as a JSON file
//! before it is removed, or purging it; the command line can also export to a file on the
//! server).

use axum::Form;
use axum::extract::{Path, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use maud::{Markup, html};
use semver::Version;
use serde::Deserialize;
use wangge_registry::Manifest;

use super::config_form::{self, ConfigInput};
use super::lifecycle::{Act, Done, run};
use super::registry::{refused_message, ticked};
use super::{page, see_other};
use crate::db::installations::InstallationRow;
use crate::db::plugins::InstallationRecord;
use crate::grid::unit_code::is_within;
use crate::http::pages::frame::Area;
use crate::http::pages::frame::access::{Admin, AdminOf};
use crate::http::pages::frame::error::PageError;
use crate::plugins::lifecycle::consent::{self, Grants};
use crate::plugins::lifecycle::{DataChoice, UpgradeRequest};
use crate::state::AppState;

/// One row of the list.
struct Row {
    record: InstallationRecord,
    name: String,
    breaker: &'static str,
    calls: u64,
    faults: u64,
}

fn rows(state: &AppState, admin: &Admin, records: Vec<InstallationRecord>) -> Vec<Row> {
    let catalog = state.catalog();
    records
        .into_iter()
        .filter(|r| r.state != "uninstalled")
        .filter(|r| admin.units.iter().any(|unit| is_within(&r.unit_code, unit)))
        .map(|record| {
            let loaded = catalog
                .all_loaded()
                .find(|p| p.installation.id == record.id);
            let breaker = match (record.state.as_str(), loaded) {
                ("disabled", _) => "—",
                (_, Some(plugin)) if plugin.installation.breaker.is_suspended() => {
                    "已熔断（暂停服务）"
                }
                (_, Some(_)) => "正常",
                (_, None) => "尚未加载",
            };
            let metrics = state.metrics().for_plugin(&record.plugin_id);
            let faults = metrics
                .faults
                .iter()
                .map(|(_, counter)| counter.get())
                .sum();
            let name = Manifest::parse(&record.manifest)
                .map_or_else(|_| record.plugin_id.clone(), |m| m.name);
            Row {
                name,
                breaker,
                calls: metrics.calls.get(),
                faults,
                record,
            }
        })
        .collect()
}

/// The list below its heading, with `message` (a refusal) above the table.
fn list_markup(rows: &[Row], message: Option<&str>) -> Markup {
    html! {
        @if let Some(message) = message {
            p.notice #action-error { (message) }
        }
        @if rows.is_empty() {
            p.muted { "管辖范围内还没有安装插件。" a href="/admin/registry" { "去插件市场" } }
        }
        div.admin-table {
            table.installations {
                thead {
                    tr {
                        th { "插件" } th { "版本" } th { "单位" } th { "状态" }
                        th { "熔断" } th { "调用" } th { "故障" } th { "操作" }
                    }
                }
                tbody {
                    @for row in rows {
                        @let r = &row.record;
                        @let base = format!("/admin/installations/{}", r.plugin_id);
                        @let query = format!("?unit={}", r.unit_code);
                        tr id={ "installation-" (r.plugin_id) "-" (r.unit_code) } {
                            td.plugin { strong { (row.name) } " " code { (r.plugin_id) } }
                            td.version data-label="版本" { (r.version) }
                            td data-label="单位" { (r.unit_name) " " code { (r.unit_code) } }
                            td.state data-label="状态" { @if r.state == "enabled" { "已启用" } @else { "已停用" } }
                            td.breaker data-label="熔断" { (row.breaker) }
                            td.calls data-label="调用" { (row.calls) }
                            td.faults data-label="故障" { (row.faults) }
                            td.actions {
                                a href={ (base) "/upgrade" (query) } { "升级" }
                                @if r.previous_version.is_some() {
                                    form method="post" action={ (base) "/rollback" (query) } {
                                        button type="submit" { "回滚" }
                                    }
                                }
                                @if r.state == "enabled" {
                                    form method="post" action={ (base) "/disable" (query) } {
                                        button type="submit" { "停用" }
                                    }
                                } @else {
                                    form method="post" action={ (base) "/enable" (query) } {
                                        button type="submit" { "启用" }
                                    }
                                }
                                form method="post" action={ (base) "/uninstall" (query) } {
                                    select name="data" aria-label="数据处理" {
                                        option value="keep" { "保留数据" }
                                        option value="download" { "导出数据（下载后从平台删除）" }
                                        option value="purge" { "清除数据" }
                                    }
                                    button type="submit" { "卸载" }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}

/// The list as a page error: the list again with `status` and `message` above it.
async fn list_again(
    state: &AppState,
    admin: &Admin,
    status: StatusCode,
    message: &str,
) -> PageError {
    match state.db().installations().await {
        Ok(records) => PageError::page(
            status,
            "已安装插件",
            Area::Admin,
            admin.visitor(),
            list_markup(&rows(state, admin, records), Some(message)),
        ),
        Err(error) => error.into(),
    }
}

pub(super) async fn list(
    State(state): State<AppState>,
    admin: Admin,
) -> Result<Response, PageError> {
    let records = state.db().installations().await?;
    Ok(page(
        StatusCode::OK,
        "已安装插件",
        &admin,
        html! {
            h1 { "已安装插件" }
            (list_markup(&rows(&state, &admin, records), None))
        },
    ))
}

/// Runs a lifecycle act from the list, then back to the list (with the reason on refusal).
async fn act(
    state: AppState,
    of: AdminOf,
    plugin_id: String,
    act: Act,
) -> Result<Response, PageError> {
    let AdminOf { admin, unit } = of;
    match run(&state, admin.username(), &plugin_id, &unit, act).await {
        Ok(Done::Exported(document)) => download(&plugin_id, &unit, &document),
        Ok(_) => Ok(see_other("/admin/installations")),
        Err(error) => {
            let message = format!("{plugin_id}（{unit}）：未能完成：{error:#}");
            Err(list_again(&state, &admin, StatusCode::BAD_REQUEST, &message).await)
        }
    }
}

/// The export of an uninstalled installation as a JSON file to save. The data is gone from
/// the platform once this is sent, so it is never cached.
fn download(
    plugin_id: &str,
    unit: &str,
    document: &serde_json::Value,
) -> Result<Response, PageError> {
    let body = serde_json::to_vec_pretty(document).map_err(PageError::internal)?;
    // Plugin ids and unit codes are [a-z0-9-] and digits, safe in a quoted file name.
    let disposition = format!("attachment; filename=\"{plugin_id}-{unit}-export.json\"");
    Ok((
        [
            (header::CONTENT_TYPE, "application/json".to_owned()),
            (header::CONTENT_DISPOSITION, disposition),
            (header::CACHE_CONTROL, "no-store".to_owned()),
        ],
        body,
    )
        .into_response())
}

pub(super) async fn rollback(
    State(state): State<AppState>,
    of: AdminOf,
    Path(plugin_id): Path<String>,
) -> Result<Response, PageError> {
    act(state, of, plugin_id, Act::Rollback).await
}

pub(super) async fn disable(
    State(state): State<AppState>,
    of: AdminOf,
    Path(plugin_id): Path<String>,
) -> Result<Response, PageError> {
    act(state, of, plugin_id, Act::Disable).await
}

pub(super) async fn enable(
    State(state): State<AppState>,
    of: AdminOf,
    Path(plugin_id): Path<String>,
) -> Result<Response, PageError> {
    act(state, of, plugin_id, Act::Enable).await
}

#[derive(Debug, Deserialize)]
pub(super) struct UninstallForm {
    data: String,
}

pub(super) async fn uninstall(
    State(state): State<AppState>,
    of: AdminOf,
    Path(plugin_id): Path<String>,
    Form(form): Form<UninstallForm>,
) -> Result<Response, PageError> {
    let choice = match form.data.as_str() {
        "keep" => DataChoice::Keep,
        "download" => DataChoice::Download,
        "purge" => DataChoice::Purge,
        _ => {
            return Err(list_again(
                &state,
                &of.admin,
                StatusCode::BAD_REQUEST,
                "请选择卸载时保留、导出或清除数据。",
            )
            .await);
        }
    };
    act(state, of, plugin_id, Act::Uninstall(choice)).await
}

/// The installation of `plugin_id` at `unit`, the newest approved version above it and
/// that version's manifest, or the page saying there is no such installation or version.
async fn next_version(
    state: &AppState,
    admin: &Admin,
    plugin_id: &str,
    unit: &str,
) -> Result<(InstallationRow, Version, Box<Manifest>), PageError> {
    let current = match state.db().installation_at(plugin_id, unit).await? {
        Some(row) if row.state != "uninstalled" => row,
        _ => {
            return Err(list_again(
                state,
                admin,
                StatusCode::NOT_FOUND,
                "该单位没有安装此插件。",
            )
            .await);
        }
    };
    let above = current.version.parse::<Version>().ok();
    let peeked = run(
        state,
        admin.username(),
        plugin_id,
        unit,
        Act::Peek { above },
    )
    .await;
    match peeked {
        Ok(Done::Peeked(version, manifest)) => Ok((current, version, manifest)),
        Ok(_) => Err(PageError::internal("a peek changed something")),
        Err(error) => Err(PageError::whole_page(
            StatusCode::OK,
            "升级插件",
            Area::Admin,
            admin.visitor(),
            html! {
                h1 { "升级 " code { (plugin_id) } }
                p.notice #no-upgrade { "没有可升级的版本：" (format!("{error:#}")) }
                p { a href="/admin/installations" { "返回" } }
            },
        )),
    }
}

/// What an upgrade screen shows again after a refused submit.
struct Answered<'a> {
    ticked: &'a [String],
    config: Option<ConfigInput>,
    refused: Option<&'a anyhow::Error>,
}

/// The upgrade screen: the newest approved version above the installed one, the
/// permission diff (added permissions are ticked to consent) and the config, starting
/// from the installation's values.
async fn upgrade_page(
    state: &AppState,
    admin: &Admin,
    plugin_id: &str,
    unit: &str,
    answered: Answered<'_>,
    status: StatusCode,
) -> Result<Response, PageError> {
    let (current, version, manifest) = next_version(state, admin, plugin_id, unit).await?;
    let Answered {
        ticked,
        config,
        refused,
    } = answered;
    let config = config.unwrap_or_else(|| ConfigInput::starting(&manifest, &current.config));
    let diff = consent::diff(&current.grants, &manifest.permissions);
    let message = refused.map(|error| refused_message(&diff.added, ticked, error));
    Ok(page(
        status,
        "升级插件",
        admin,
        html! {
            h1 { "升级「" (manifest.name) "」" }
            p { "单位 " (current.unit_name) " " code { (unit) } "：" (current.version) " → " strong.version { (version) } }
            h2 { "新增权限（需逐项同意）" }
            form.admin method="post" action={ "/admin/installations/" (plugin_id) "/upgrade?unit=" (unit) } {
                input type="hidden" name="version" value=(version);
                @if diff.added.is_empty() {
                    p.muted { "无新增权限。" }
                }
                ul.permissions {
                    @for permission in &diff.added {
                        @let name = permission.to_string();
                        li { label {
                            input type="checkbox" name="grant" value=(name) checked[ticked.contains(&name)];
                            " " (permission.description_zh()) " " code { (name) }
                        } }
                    }
                }
                @if !diff.removed.is_empty() {
                    h2 { "不再需要的权限（将收回）" }
                    ul { @for p in &diff.removed { li { (p.description_zh()) " " code { (p) } } } }
                }
                @if !diff.kept.is_empty() {
                    h2 { "保留的权限" }
                    ul { @for p in &diff.kept { li { (p.description_zh()) " " code { (p) } } } }
                }
                (config_form::fields(&manifest, &config))
                @if let Some(message) = &message {
                    p.field-error #consent-error { (message) }
                }
                button type="submit" { "同意并升级" }
            }
        },
    ))
}

pub(super) async fn upgrade_form(
    State(state): State<AppState>,
    AdminOf { admin, unit }: AdminOf,
    Path(plugin_id): Path<String>,
) -> Result<Response, PageError> {
    let answered = Answered {
        ticked: &[],
        config: None,
        refused: None,
    };
    upgrade_page(&state, &admin, &plugin_id, &unit, answered, StatusCode::OK).await
}

pub(super) async fn upgrade(
    State(state): State<AppState>,
    AdminOf { admin, unit }: AdminOf,
    Path(plugin_id): Path<String>,
    Form(fields): Form<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    let (ticked, version) = ticked(&fields);
    let (_, _, manifest) = next_version(&state, &admin, &plugin_id, &unit).await?;
    let config = match ConfigInput::read(&manifest, &fields) {
        Ok(config) => config,
        Err(input) => {
            let answered = Answered {
                ticked: &ticked,
                config: Some(input),
                refused: None,
            };
            return upgrade_page(
                &state,
                &admin,
                &plugin_id,
                &unit,
                answered,
                StatusCode::BAD_REQUEST,
            )
            .await;
        }
    };
    let request = UpgradeRequest {
        plugin_id: plugin_id.clone(),
        unit_code: unit.clone(),
        version: version.clone(),
        grants: Grants {
            named: ticked.clone(),
            all_requested: false,
        },
        registry: None,
        config,
    };
    match run(
        &state,
        admin.username(),
        &plugin_id,
        &unit,
        Act::Upgrade(request),
    )
    .await
    {
        Ok(_) => Ok(see_other("/admin/installations")),
        Err(error) => {
            let answered = Answered {
                ticked: &ticked,
                config: Some(ConfigInput::typed(&fields)),
                refused: Some(&error),
            };
            upgrade_page(
                &state,
                &admin,
                &plugin_id,
                &unit,
                answered,
                StatusCode::BAD_REQUEST,
            )
            .await
        }
    }
}
