//! 老年人名册: residents aged 60 or more in the installation's scope, kept from 实有人口 by
//! the `resident-changed` hook and by a full sync (at installation and on a worker's
//! request), and the worker page that shows it by grid.

use std::collections::{BTreeMap, BTreeSet};

use wangge_sdk::prelude::*;
use wangge_sdk::{ChangeKind, log};

use crate::model::{ELDER_AGE, ELDERS, Elder, HELP, SYNC_REPORT_KEY, SyncReport, band};
use crate::ui::{back_to_worker, elders_of_worker, require_worker, url, worker_unit};
use wangge_sdk::date::{format_time, now_ms};

/// Residents asked for per page while syncing (the host's cap).
const SYNC_PAGE: u32 = 500;

/// The register entry for `resident` if they are an elder on `today`.
pub(crate) fn elder_from(resident: &Resident, today: Date) -> Option<Elder> {
    let age = today.years_since(Date::parse(&resident.birth_date)?);
    (age >= ELDER_AGE).then(|| Elder {
        resident_id: resident.id.clone(),
        name: resident.name.clone(),
        grid: resident.grid_code.clone(),
        birth_date: resident.birth_date.clone(),
        band: band(age).to_owned(),
        living_alone: resident.tags.iter().any(|tag| tag == "living-alone"),
    })
}

/// The `resident-changed` hook: an elder is added or updated, anyone else (and anyone
/// removed) is dropped from the register.
pub(crate) fn resident_changed(kind: ChangeKind, resident: &Resident) -> Result<(), Error> {
    if resident.id.is_empty() || resident.id.contains('/') {
        return Err(Error::invalid("resident id: expected a host id"));
    }
    let elder = match kind {
        ChangeKind::Removed => None,
        ChangeKind::Added | ChangeKind::Updated => elder_from(resident, Date::today()),
    };
    match elder {
        Some(elder) => ELDERS.insert(&resident.id, &elder),
        None => ELDERS.remove(&resident.id).map(|_| ()),
    }
}

/// Fills the register from 实有人口: every resident aged 60 or more in scope, page by page;
/// entries of residents no longer found are dropped.
pub(crate) fn sync() -> Result<SyncReport, Error> {
    let today = Date::today();
    let mut found = BTreeSet::new();
    let mut after: Option<String> = None;
    loop {
        let mut query = ResidentQuery::new().min_age(60).limit(SYNC_PAGE);
        if let Some(cursor) = &after {
            query = query.after(cursor.clone());
        }
        let page = query.run()?;
        for resident in &page {
            if let Some(elder) = elder_from(resident, today) {
                ELDERS.insert(&resident.id, &elder)?;
                found.insert(resident.id.clone());
            }
        }
        match page.last() {
            // The host resumes after `GRID_CODE:ID` of the last row (rows come ordered
            // by grid, then id).
            Some(last) if page.len() >= SYNC_PAGE as usize => {
                after = Some(format!("{}:{}", last.grid_code, last.id));
            }
            _ => break,
        }
    }
    let mut removed = 0;
    for id in ELDERS.ids()? {
        if !found.contains(&id) {
            ELDERS.remove(&id)?;
            removed += 1;
        }
    }
    let report = SyncReport {
        at: now_ms(),
        elders: found.len(),
        removed,
    };
    store::set(SYNC_REPORT_KEY, &report)?;
    log::write(
        log::Level::Info,
        "register synced",
        &[
            ("elders".to_owned(), report.elders.to_string()),
            ("removed".to_owned(), removed.to_string()),
        ],
    );
    Ok(report)
}

/// `POST /worker/elders/sync`: 从实有人口同步.
pub(crate) fn sync_page(ctx: &Ctx) -> Result<Response, Error> {
    require_worker(ctx)?;
    sync()?;
    Ok(redirect("/worker/elders"))
}

/// `GET /worker/elders`: the register of the worker's unit by grid.
pub(crate) fn elders_page(ctx: &Ctx) -> Result<Response, Error> {
    require_worker(ctx)?;
    let today = Date::today();
    let elders = elders_of_worker(ctx)?;
    let mut by_grid: BTreeMap<&str, Vec<&Elder>> = BTreeMap::new();
    for elder in &elders {
        by_grid.entry(&elder.grid).or_default().push(elder);
    }
    let over_80 = elders.iter().filter(|e| e.age_on(today) >= 80).count();
    let alone = elders.iter().filter(|e| e.living_alone).count();
    let synced: Option<SyncReport> = store::get(SYNC_REPORT_KEY)?;
    let mut helps = BTreeMap::new();
    for elder in elders
        .iter()
        .filter(|e| e.living_alone || e.age_on(today) >= 80)
    {
        if let Some(help) = HELP.get(&elder.resident_id)? {
            helps.insert(elder.resident_id.clone(), help.at);
        }
    }
    Ok(page(
        "老年人名册",
        html! {
            h1 { "老年人名册" }
            p { "范围：" (ctx.caller().unit.name) "（" (worker_unit(ctx)) "）" }
            dl .counts {
                dt { "60 岁及以上" } dd #count-60 { (elders.len()) }
                dt { "80 岁及以上" } dd #count-80 { (over_80) }
                dt { "独居" } dd #count-alone { (alone) }
            }
            @if elders.is_empty() {
                p { "名册中还没有老年人。可以从实有人口同步。" }
            }
            @for (grid, elders) in &by_grid {
                section {
                    h2 { "网格 " (grid) "（" (elders.len()) " 人）" }
                    table {
                        thead { tr { th { "姓名" } th { "出生日期" } th { "年龄" } th { "年龄段" } th { "独居" } th { "最近求助" } } }
                        tbody {
                            @for elder in elders {
                                @let age = elder.age_on(today);
                                tr {
                                    td { (elder.name) }
                                    td { (elder.birth_date) }
                                    td { (age) }
                                    td { (band(age)) }
                                    td { @if elder.living_alone { "是" } @else { "否" } }
                                    td { @if let Some(at) = helps.get(&elder.resident_id) { (format_time(*at)) } }
                                }
                            }
                        }
                    }
                }
            }
            form method="post" action=(url("/worker/elders/sync")) {
                button type="submit" { "从实有人口同步" }
            }
            @if let Some(report) = synced {
                p { "上次同步：" (format_time(report.at)) "，共 " (report.elders) " 人，移除 " (report.removed) " 人。" }
            }
            (back_to_worker())
        },
    ))
}
