//! The report form (上报) both the resident portal (`/report`) and the grid worker's
//! workspace (`/worker/report`) show: the platform's categories with the chosen one's
//! custom fields (`fields`), title, description, the place (each door says how: a
//! resident's home grid, a worker's grid or coordinates), address and an optional photo,
//! read back from `multipart/form-data` (`upload`). Each door calls `rules::events::report`
//! with what this module read; the Chinese messages next to the fields are shared here.

pub mod fields;
pub mod upload;

use axum::http::StatusCode;
use maud::{Markup, html};
use serde_json::Value;

use crate::db::event_photos::NewEventPhoto;
use crate::db::events::Category;
use crate::grid::custom_fields::FieldsSchema;
use crate::grid::dispute::Side;
use crate::grid::photo::PhotoError;
use crate::http::pages::frame::error::PageError;
use crate::rules::events::categories;
use crate::rules::{RuleError, RuleResult};
use crate::state::AppState;
pub use upload::MAX_REPORT_BODY_BYTES;
use upload::PhotoUpload;

/// The report form's text fields, as typed.
#[derive(Debug, Default, Clone)]
pub struct ReportForm {
    /// The category's code.
    pub category: String,
    /// The title.
    pub title: String,
    /// What happened.
    pub description: String,
    /// The address, if given.
    pub address: String,
    /// The grid chosen (the workspace's form), or empty to locate by coordinates.
    pub unit: String,
    /// Degrees north, as typed (the workspace's form).
    pub latitude: String,
    /// Degrees east, as typed (the workspace's form).
    pub longitude: String,
    /// The answers to the chosen category's custom fields (`attribute.NAME`).
    pub answers: fields::Typed,
    /// A dispute's parties as typed (the workspace's form): `party.SIDE.name` and
    /// `party.SIDE.phone`, by side, the applicant first.
    pub parties: [PartyFields; 2],
}

/// One side's party as the report form takes it.
#[derive(Debug, Default, Clone)]
pub struct PartyFields {
    /// Name.
    pub name: String,
    /// Mobile number.
    pub phone: String,
}

/// The sides the report form takes a party for, in the order of `ReportForm::parties`.
pub const PARTY_SIDES: [Side; 2] = [Side::Applicant, Side::Respondent];

impl ReportForm {
    /// Takes a posted field; names the form does not have are ignored.
    pub fn set(&mut self, name: &str, value: String) {
        match name {
            "category" => self.category = value,
            "title" => self.title = value,
            "description" => self.description = value,
            "address" => self.address = value,
            "unit" => self.unit = value,
            "latitude" => self.latitude = value,
            "longitude" => self.longitude = value,
            other => {
                let party = other.strip_prefix("party.").and_then(|rest| {
                    let (side, field) = rest.split_once('.')?;
                    let at = PARTY_SIDES.iter().position(|s| s.name() == side)?;
                    Some((at, field))
                });
                match party {
                    Some((at, "name")) => self.parties[at].name = value,
                    Some((at, "phone")) => self.parties[at].phone = value,
                    Some(_) => {}
                    None => fields::take(&mut self.answers, other, &value),
                }
            }
        }
    }

    /// A form filled in from a query (the reload that shows another category's fields).
    pub fn from_pairs(pairs: Vec<(String, String)>) -> Self {
        let mut form = Self::default();
        for (name, value) in pairs {
            form.set(&name, value);
        }
        form
    }
}

/// One category the form offers, with its custom fields.
pub struct Offered {
    category: Category,
    fields: Option<FieldsSchema>,
}

/// The platform's own categories with their custom fields: plugins' categories are
/// reported through the plugins' own pages.
pub async fn own_categories(state: &AppState) -> RuleResult<Vec<Offered>> {
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

/// A field and the message to show next to it.
pub type Problem<'a> = (&'a str, &'a str);

/// The message next to a field, in Chinese, for what the rule refused.
pub fn field_message(error: &RuleError) -> Option<Problem<'static>> {
    match error {
        RuleError::Invalid { field, .. } => Some(match field.as_ref() {
            "title" => ("title", "请填写标题，1 至 100 字。"),
            "description" => ("description", "描述最多 2000 字。"),
            "address" => ("address", "地址最多 200 字。"),
            "unit" => ("unit", "请选择您负责的网格，或填写坐标。"),
            "latitude" | "longitude" => (
                "latitude",
                "请填写有效的纬度和经度（两项都填），且位于您负责的网格内。",
            ),
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

/// The status and message for a refused photo.
pub fn photo_refusal(photo: &PhotoUpload) -> Option<(StatusCode, &'static str)> {
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

/// The attributes the chosen category's custom fields give, or the problem of the first
/// that does not fit (named `attribute.NAME`); `None` when no offered category was chosen.
pub fn attributes(
    categories: &[Offered],
    input: &ReportForm,
) -> Option<Result<Value, (String, String)>> {
    let offered = categories
        .iter()
        .find(|c| c.category.code == input.category)?;
    Some(match &offered.fields {
        None => Ok(Value::Object(Default::default())),
        Some(schema) => fields::read(schema, &input.answers)
            .map_err(|(name, message)| (format!("attribute.{name}"), message)),
    })
}

/// Stores the posted photo of event `id`, if there is one. The report stands without it
/// when this fails; the reporter sees the error page.
pub async fn store_photo(
    state: &AppState,
    id: i64,
    photo: &PhotoUpload,
    uploaded_by: &str,
) -> Result<(), PageError> {
    if let PhotoUpload::Photo { photo_type, bytes } = photo {
        let photo = NewEventPhoto {
            event_id: id,
            content_type: photo_type.content_type(),
            bytes,
            uploaded_by,
        };
        state
            .db()
            .store_event_photo(&photo)
            .await
            .map_err(|error| {
                PageError::internal(format!("cannot store the photo of event {id}: {error}"))
            })?;
    }
    Ok(())
}

/// The form posting to `action`, with `input` filled in and `problem`'s message next to
/// its field (a custom field's as `attribute.NAME`), and the door's `place` fields after
/// the description. The chosen category's custom fields follow its select; a second
/// button reloads the form with another category's fields without submitting (no script
/// runs on these pages).
pub fn form(
    action: &str,
    categories: &[Offered],
    input: &ReportForm,
    problem: Option<Problem<'_>>,
    place: Markup,
) -> Markup {
    let error_for = |field: &str| problem.filter(|(f, _)| *f == field).map(|(_, m)| m);
    let chosen = categories
        .iter()
        .find(|c| c.category.code == input.category)
        .and_then(|c| c.fields.as_ref());
    let field_problem = problem.and_then(|(field, message)| {
        let name = field.strip_prefix("attribute.")?;
        Some((name.to_owned(), message.to_owned()))
    });
    html! {
        form.portal method="post" action=(action) enctype="multipart/form-data" {
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
            button.secondary type="submit" formmethod="get" formaction=(action) formnovalidate {
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
            (place)
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
    }
}
