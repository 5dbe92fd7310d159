//! `/report` (report a problem at the user's grid, through the same rule as
//! `POST /api/events`, with an optional photo), `/reports` (what the user reported) and
//! `/reports/{id}` (one of them with its timeline, photo and the reporter's rating; anyone
//! else's is a 404, and so is its photo at `/reports/{id}/photo`).

mod fields;
mod upload;

use axum::extract::{Path, Query, Request, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use maud::html;
use serde_json::Value;

use crate::auth::Role;
use crate::db::event_photos::NewEventPhoto;
use crate::db::events::{Category, StoredEvent};
use crate::grid::custom_fields::FieldsSchema;
use crate::grid::photo::PhotoError;
use crate::grid::workflow::action_zh;
use crate::http::pages::frame::access::SignedIn;
use crate::http::pages::frame::error::PageError;
use crate::http::pages::frame::photos::{photo_figure, photo_response};
use crate::http::pages::frame::text::china_time;
use crate::http::pages::frame::{Area, respond};
use crate::rules::events::{self, NewReport, categories};
use crate::rules::{RuleError, RuleResult};
use crate::state::AppState;
pub(super) use upload::MAX_REPORT_BODY_BYTES;
use upload::{PhotoUpload, read_report};

use super::evaluation::{self, Open, RatingForm};

/// Most reports listed.
const MAX_LISTED: i64 = 200;

/// The report form's text fields, as typed.
#[derive(Debug, Default, Clone)]
pub(super) struct ReportForm {
    category: String,
    title: String,
    description: String,
    address: String,
    /// The answers to the chosen category's custom fields (`attribute.NAME`).
    answers: fields::Typed,
}

impl ReportForm {
    /// Takes a posted field; names the form does not have are ignored.
    fn set(&mut self, name: &str, value: String) {
        match name {
            "category" => self.category = value,
            "title" => self.title = value,
            "description" => self.description = value,
            "address" => self.address = value,
            other => fields::take(&mut self.answers, other, &value),
        }
    }
}

/// One category the form offers, with its custom fields.
pub(super) struct Offered {
    category: Category,
    fields: Option<FieldsSchema>,
}

/// The grid a resident reports at: their first `resident` grant.
fn home_grid(signed_in: &SignedIn) -> Option<String> {
    signed_in
        .person()
        .grants
        .0
        .iter()
        .find(|g| g.role == Role::Resident)
        .map(|g| g.unit_code.clone())
}

/// The platform's own categories with their custom fields: plugins' categories are
/// reported through the plugins' own pages.
async fn own_categories(state: &AppState) -> RuleResult<Vec<Offered>> {
    categories::all(state.db())
        .await?
        .into_iter()
        .filter(|c| c.owner_plugin.is_none())
        .map(|category| {
            let fields = categories::fields_of(&category)?;
            Ok(Offered { category, fields })
        })
        .collect()
}

/// The message next to a field, in Chinese, for what the rule refused.
fn field_message(error: &RuleError) -> Option<(&'static str, &'static str)> {
    match error {
        RuleError::Invalid { field, .. } => Some(match field.as_ref() {
            "title" => ("title", "请填写标题，1 至 100 字。"),
            "description" => ("description", "描述最多 2000 字。"),
            "address" => ("address", "地址最多 200 字。"),
            _ => ("category", "请选择问题类别。"),
        }),
        // The form checks the answers first; this is for a schema the form and the rule
        // read differently.
        RuleError::InvalidAttribute { .. } => {
            Some(("category", "该类别的补充信息有误，请检查后重新提交。"))
        }
        _ => None,
    }
}

/// The form with `input` filled in and `problem`'s message next to its field (a custom
/// field's as `attribute.NAME`). The chosen category's custom fields follow its select; a
/// second button reloads the form with another category's fields without submitting
/// (no script runs on these pages).
fn render_form(
    status: StatusCode,
    signed_in: &SignedIn,
    categories: &[Offered],
    input: &ReportForm,
    problem: Option<(&str, &str)>,
) -> Response {
    let error_for = |field: &str| problem.filter(|(f, _)| *f == field).map(|(_, m)| m);
    let chosen = categories
        .iter()
        .find(|c| c.category.code == input.category)
        .and_then(|c| c.fields.as_ref());
    let field_problem = problem.and_then(|(field, message)| {
        let name = field.strip_prefix("attribute.")?;
        Some((name.to_owned(), message.to_owned()))
    });
    respond(
        status,
        "上报问题",
        Area::Portal,
        &signed_in.visitor(),
        html! {
            h1 { "上报问题" }
            p.muted { "您上报的问题将由所在网格的网格员受理。" }
            form.portal method="post" action="/report" enctype="multipart/form-data" {
                label {
                    "问题类别"
                    select name="category" required {
                        option value="" { "请选择" }
                        @for c in categories {
                            @let c = &c.category;
                            option value=(c.code) selected[c.code == input.category] { (c.name) }
                        }
                    }
                    @if let Some(m) = error_for("category") { span.field-error id="category-error" { (m) } }
                }
                button.secondary type="submit" formmethod="get" formaction="/report" formnovalidate {
                    "按所选类别填写补充信息"
                }
                @if let Some(schema) = chosen {
                    fieldset.attributes {
                        legend { "补充信息" }
                        (fields::render(schema, &input.answers, field_problem.as_ref()))
                    }
                }
                label {
                    "标题"
                    input type="text" name="title" value=(input.title) maxlength="100" required;
                    @if let Some(m) = error_for("title") { span.field-error id="title-error" { (m) } }
                }
                label {
                    "描述"
                    textarea name="description" maxlength="2000" { (input.description) }
                    @if let Some(m) = error_for("description") { span.field-error id="description-error" { (m) } }
                }
                label {
                    "地址（选填）"
                    input type="text" name="address" value=(input.address) maxlength="200";
                    @if let Some(m) = error_for("address") { span.field-error id="address-error" { (m) } }
                }
                // Last, so a browser sends the text fields before it: they are kept on the
                // page even when the photo is refused for its size.
                label {
                    "照片（选填）"
                    input type="file" name="photo" accept="image/jpeg,image/png,image/webp";
                    @if let Some(m) = error_for("photo") { span.field-error id="photo-error" { (m) } }
                }
                button type="submit" { "提交" }
            }
        },
    )
}

fn not_a_resident(signed_in: &SignedIn) -> PageError {
    PageError::page(
        StatusCode::FORBIDDEN,
        "上报问题",
        Area::Portal,
        signed_in.visitor(),
        html! { p.notice { "您的账号不是居民账号，请通过工作台上报事件。" } },
    )
}

/// `/report`, empty or filled in from its query: the form's second button sends what was
/// typed here to show the chosen category's fields.
pub(super) async fn form(
    State(state): State<AppState>,
    signed_in: SignedIn,
    Query(query): Query<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    if home_grid(&signed_in).is_none() {
        return Err(not_a_resident(&signed_in));
    }
    let mut input = ReportForm::default();
    for (name, value) in query {
        input.set(&name, value);
    }
    let categories = own_categories(&state).await?;
    Ok(render_form(
        StatusCode::OK,
        &signed_in,
        &categories,
        &input,
        None,
    ))
}

/// The status and message for a refused photo.
fn photo_refusal(photo: &PhotoUpload) -> Option<(StatusCode, &'static str)> {
    match photo {
        PhotoUpload::None | PhotoUpload::Photo { .. } => None,
        PhotoUpload::Refused(PhotoError::TooLarge) => {
            Some((StatusCode::PAYLOAD_TOO_LARGE, "照片不能超过 5 MB。"))
        }
        PhotoUpload::Refused(PhotoError::UnknownType) => Some((
            StatusCode::BAD_REQUEST,
            "请上传 JPEG、PNG 或 WebP 格式的照片。",
        )),
        PhotoUpload::Broken => Some((
            StatusCode::BAD_REQUEST,
            "照片上传未完成，请重新选择后提交。",
        )),
    }
}

pub(super) async fn submit(
    State(state): State<AppState>,
    signed_in: SignedIn,
    request: Request,
) -> Result<Response, PageError> {
    let Some(grid) = home_grid(&signed_in) else {
        return Err(not_a_resident(&signed_in));
    };
    let posted = match read_report(request).await {
        Ok(posted) => posted,
        Err(response) => return Ok(response),
    };
    let input = posted.input;
    let categories = own_categories(&state).await?;
    // The photo is checked before anything is stored: a refused one stores no event.
    if let Some((status, message)) = photo_refusal(&posted.photo) {
        return Ok(render_form(
            status,
            &signed_in,
            &categories,
            &input,
            Some(("photo", message)),
        ));
    }
    let refuse = |message: (&str, &str)| {
        Ok(render_form(
            StatusCode::BAD_REQUEST,
            &signed_in,
            &categories,
            &input,
            Some(message),
        ))
    };
    let Some(offered) = categories
        .iter()
        .find(|c| c.category.code == input.category)
    else {
        return refuse(("category", "请选择问题类别。"));
    };
    let attributes = match &offered.fields {
        None => Value::Object(Default::default()),
        Some(schema) => match fields::read(schema, &input.answers) {
            Ok(attributes) => attributes,
            Err((name, message)) => return refuse((&format!("attribute.{name}"), &message)),
        },
    };
    let reported = events::report(
        state.ground(),
        signed_in.actor(),
        &NewReport {
            category: &input.category,
            title: &input.title,
            description: &input.description,
            unit: &grid,
            latitude: None,
            longitude: None,
            address: Some(&input.address),
            attributes: &attributes,
            urgent: false,
            repeat_of: None,
        },
    )
    .await;
    let id = match reported {
        Ok(reported) => reported.event.id,
        Err(error) => {
            return match field_message(&error) {
                Some(message) => refuse(message),
                None => Err(error.into()),
            };
        }
    };
    if let PhotoUpload::Photo { photo_type, bytes } = &posted.photo {
        let uploaded_by = signed_in.person().actor_name();
        let photo = NewEventPhoto {
            event_id: id,
            content_type: photo_type.content_type(),
            bytes,
            uploaded_by: &uploaded_by,
        };
        // The report stands without its photo; the reporter sees the error page.
        state
            .db()
            .store_event_photo(&photo)
            .await
            .map_err(|error| {
                PageError::internal(format!("cannot store the photo of event {id}: {error}"))
            })?;
    }
    Ok(Redirect::to(&format!("/reports/{id}")).into_response())
}

/// The signed-in user's own report `id` (the path segment), or the 404 page: someone
/// else's report looks exactly like a missing one.
pub(super) async fn own_report(
    state: &AppState,
    signed_in: &SignedIn,
    id: &str,
) -> Result<StoredEvent, PageError> {
    let not_found = || PageError::not_found(signed_in.visitor());
    let Ok(id) = id.parse::<i64>() else {
        return Err(not_found());
    };
    match events::read::own_report(state.db(), &signed_in.actor(), id).await {
        Ok(event) => Ok(event),
        Err(RuleError::NotFound(_)) => Err(not_found()),
        Err(error) => Err(error.into()),
    }
}

pub(super) async fn list(
    State(state): State<AppState>,
    signed_in: SignedIn,
) -> Result<Response, PageError> {
    let events = events::read::reported_by(state.db(), &signed_in.actor(), MAX_LISTED).await?;
    Ok(respond(
        StatusCode::OK,
        "我的上报",
        Area::Portal,
        &signed_in.visitor(),
        html! {
            h1 { "我的上报" }
            @if events.is_empty() {
                p.notice { "您还没有上报过问题。" a href="/report" { "上报问题" } }
            } @else {
                ul.items {
                    @for event in &events {
                        li {
                            a href={ "/reports/" (event.id) } { (event.title) }
                            br;
                            span.state { (event.state.name_zh()) }
                            " · "
                            small.muted { (china_time(event.reported_at)) }
                        }
                    }
                }
            }
        },
    ))
}

pub(super) async fn detail(
    State(state): State<AppState>,
    signed_in: SignedIn,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let event = own_report(&state, &signed_in, &id).await?;
    show(
        &state,
        &signed_in,
        event,
        StatusCode::OK,
        &RatingForm::default(),
        None,
    )
    .await
}

/// The report page: the event, its timeline, the links to repeats, and the reporter's
/// ratings with the rating form while it is open (filled with `input`, `problem` named).
pub(super) async fn show(
    state: &AppState,
    signed_in: &SignedIn,
    event: StoredEvent,
    status: StatusCode,
    input: &RatingForm,
    problem: Option<(&str, &str)>,
) -> Result<Response, PageError> {
    let id = event.id;
    let timeline = state.db().event_timeline(id).await?;
    // The reporter has now seen where the report stands: its inbox notices are read.
    crate::rules::inbox::mark_notices_seen(state.db(), signed_in.person(), id).await?;
    let has_photo = state.db().has_event_photo(id).await?;
    let evaluations = state.db().event_evaluations(id).await?;
    let actor = signed_in.actor();
    let possible: Vec<&str> = events::possible(&actor, &event).map(|t| t.action).collect();
    let open = Open {
        rate: possible.contains(&"evaluate"),
        reopen: possible.contains(&"reopen"),
    };
    Ok(respond(
        status,
        &event.title,
        Area::Portal,
        &signed_in.visitor(),
        html! {
            h1 { (event.title) }
            p { "状态：" strong.state { (event.state.name_zh()) } }
            @if !event.description.is_empty() { p { (event.description) } }
            @if let Some(address) = &event.address { p.muted { "地址：" (address) } }
            p.muted { "上报时间：" (china_time(event.reported_at)) }
            @if let Some(deadline) = &event.deadline { p.muted { "办理期限：" (deadline) } }
            @if let Some(earlier) = event.repeat_of {
                p.muted { "重复反映：" a href={ "/reports/" (earlier) } { "事件 #" (earlier) } }
            }
            @if has_photo { (photo_figure(&format!("/reports/{id}/photo"))) }
            (evaluation::section(&evaluations, open, id, input, problem))
            h2 { "办理经过" }
            ol.timeline {
                @for entry in &timeline {
                    li {
                        (china_time(entry.at)) " "
                        strong { (action_zh(&entry.action)) }
                        @if !entry.note.is_empty() { "：" (entry.note) }
                    }
                }
            }
            p { a href="/reports" { "返回我的上报" } }
        },
    ))
}

/// `/reports/{id}/photo`: the photo of the user's own report; anyone else's, or a report
/// without one, is the 404 page.
pub(super) async fn photo(
    State(state): State<AppState>,
    signed_in: SignedIn,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let event = own_report(&state, &signed_in, &id).await?;
    match state.db().event_photo(event.id).await? {
        Some(photo) => Ok(photo_response(photo)),
        None => Err(PageError::not_found(signed_in.visitor())),
    }
}
