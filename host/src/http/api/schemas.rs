//! Schemas of fields whose rules a plain attribute cannot state: the ones that take one of a
//! domain list's names, in English or Chinese (`enterprise` or `企业`), built from the lists
//! themselves; and free text, whose bounds (`rules::text`) count characters that are not
//! white space, stated with a pattern over exactly the characters `char::is_whitespace`
//! calls white space. So what the document calls valid is what the rules take.

use utoipa::openapi::schema::{Object, ObjectBuilder, SchemaType, Type};

use crate::grid::organization::KINDS;
use crate::grid::special_population::{CATEGORIES, CONTROL_LEVELS};

fn either_name(list: &[(&str, &str)], description: &str) -> Object {
    let names = list.iter().flat_map(|(name, zh)| [*name, *zh]);
    ObjectBuilder::new()
        .schema_type(Type::String)
        .enum_values(Some(names))
        .description(Some(description))
        .build()
}

/// An organization's kind.
pub fn organization_kind() -> Object {
    either_name(
        &KINDS,
        "The kind of organization, by its English or Chinese name.",
    )
}

/// A special-population category.
pub fn special_population_category() -> Object {
    either_name(
        &CATEGORIES,
        "The special-population category, by its English or Chinese name.",
    )
}

/// A control level.
pub fn control_level() -> Object {
    either_name(
        &CONTROL_LEVELS,
        "The control level: `1` (一级, closest attention) to `3` (三级).",
    )
}

fn one_of(names: impl IntoIterator<Item = &'static str>, description: &str) -> Object {
    ObjectBuilder::new()
        .schema_type(Type::String)
        .enum_values(Some(names))
        .description(Some(description))
        .build()
}

/// A workflow action's name, each once, in the workflow's order.
pub fn workflow_action() -> Object {
    let mut names: Vec<&'static str> = Vec::new();
    for transition in crate::grid::workflow::TRANSITIONS {
        if !names.contains(&transition.action) {
            names.push(transition.action);
        }
    }
    one_of(
        names,
        "The action, as the event's state and the caller's roles allow (its `actions`).",
    )
}

/// A reporter's rating.
pub fn rating() -> Object {
    one_of(
        crate::grid::evaluation::Rating::ALL.map(crate::grid::evaluation::Rating::name),
        "For `evaluate` (required) and `reopen` (`dissatisfied` if given): satisfied 满意, \
         basically-satisfied 基本满意 or dissatisfied 不满意.",
    )
}

/// A role's name.
pub fn role() -> Object {
    one_of(
        crate::auth::Role::ALL.map(crate::auth::Role::name),
        "The role.",
    )
}

/// A review's decision.
pub fn review_decision() -> Object {
    one_of(
        ["approve", "reject"],
        "The decision: `approve` or `reject`.",
    )
}

/// Unicode's `White_Space` characters (what `char::is_whitespace` and `str::trim` use), as a
/// regular-expression class body both ECMAScript and Python read alike.
const WHITE_SPACE: &str =
    r"\t\n\x0b\x0c\r \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000";

/// Free text of at most `max` characters with at least `min` that are not white space;
/// `nullable` for an optional field, which may also be `null`.
fn text(min: usize, max: usize, nullable: bool, description: &str) -> Object {
    let mut builder = ObjectBuilder::new()
        .schema_type(string_or_null(nullable))
        .max_length(Some(max))
        .description(Some(description));
    if min > 0 {
        builder = builder.min_length(Some(min)).pattern(Some(format!(
            "^(?:[{WHITE_SPACE}]*[^{WHITE_SPACE}]){{{min}}}"
        )));
    }
    builder.build()
}

/// Text fields: a function per bound, as `#[schema(schema_with = …)]` takes them.
macro_rules! text_fields {
    ($($name:ident($nullable:literal): $min:literal to $max:literal, $description:literal;)*) => {
        $(
            #[doc = $description]
            pub fn $name() -> Object {
                text($min, $max, $nullable, $description)
            }
        )*
    };
}

text_fields! {
    title(false): 1 to 100, "1 to 100 characters besides spaces; kept trimmed.";
    description(false): 0 to 2000, "At most 2000 characters.";
    note(false): 0 to 2000, "At most 2000 characters.";
    urge_note(false): 2 to 500, "At least 2 characters besides spaces, at most 500.";
    dispatched_to(true): 0 to 100, "For `dispatch`: the code of the department or lower unit, from the event's dispatch targets.";
    address(true): 0 to 200, "At most 200 characters.";
    unmask_reason(false): 4 to 500, "At least 4 characters besides spaces, at most 500.";
    warning_body(false): 0 to 2000, "At most 2000 characters.";
    warning_feedback(false): 1 to 500, "1 to 500 characters besides spaces.";
    organization_name(false): 1 to 100, "1 to 100 characters besides spaces.";
    standard_address(false): 1 to 200, "The standard address: 1 to 200 characters besides spaces.";
    contact_name(true): 0 to 50, "At most 50 characters.";
    contact_phone(true): 0 to 20, "At most 20 characters.";
    record_note(false): 0 to 500, "At most 500 characters.";
    party_name(false): 1 to 50, "1 to 50 characters besides spaces.";
    mediator(false): 1 to 50, "1 to 50 characters besides spaces.";
    mediation_place(false): 1 to 100, "1 to 100 characters besides spaces.";
    session_note(false): 0 to 1000, "At most 1000 characters.";
}

/// `string`, or `string` or `null`.
fn string_or_null(nullable: bool) -> SchemaType {
    if nullable {
        SchemaType::from_iter([Type::String, Type::Null])
    } else {
        SchemaType::new(Type::String)
    }
}

/// A unified social credit code (GB 32100: 18 characters, the last a check character), or
/// blank for none.
pub fn credit_code() -> Object {
    ObjectBuilder::new()
        .schema_type(string_or_null(true))
        .pattern(Some(format!(
            "^[{WHITE_SPACE}]*([0-9A-HJ-NPQRTUWXY]{{18}}[{WHITE_SPACE}]*)?$"
        )))
        .description(Some(
            "18 characters of 0-9 and A-Y without I, O, S, V, Z (GB 32100), the last the \
             check character; blank for none.",
        ))
        .build()
}

/// A grid's code (13 to 18 digits), or blank to take the grid of the house at the address.
pub fn grid_code() -> Object {
    ObjectBuilder::new()
        .schema_type(string_or_null(true))
        .pattern(Some(format!(
            "^[{WHITE_SPACE}]*([0-9]{{13,18}}[{WHITE_SPACE}]*)?$"
        )))
        .description(Some(
            "The grid's code; blank when `address` is a registered house's.",
        ))
        .build()
}

/// A string that is one of `names` with white space around it allowed (the rules trim
/// such fields), or also `null` when `nullable`.
fn padded_choice(names: &[&str], nullable: bool, description: &str) -> Object {
    let choices: Vec<String> = names.iter().map(|n| regex_escape(n)).collect();
    ObjectBuilder::new()
        .schema_type(string_or_null(nullable))
        .pattern(Some(format!(
            "^[{WHITE_SPACE}]*({})[{WHITE_SPACE}]*$",
            choices.join("|")
        )))
        .description(Some(description))
        .build()
}

/// `text` with the characters a regular expression reads specially escaped.
fn regex_escape(text: &str) -> String {
    text.chars()
        .flat_map(|c| {
            let special = "\\^$.|?*+()[]{}-".contains(c);
            special.then_some('\\').into_iter().chain([c])
        })
        .collect()
}

/// A string matching `body` with white space around it allowed.
fn padded(body: &str, nullable: bool, description: &str) -> Object {
    ObjectBuilder::new()
        .schema_type(string_or_null(nullable))
        .pattern(Some(format!("^[{WHITE_SPACE}]*{body}[{WHITE_SPACE}]*$")))
        .description(Some(description))
        .build()
}

/// A gender.
pub fn gender() -> Object {
    padded_choice(
        &["male", "female", "男", "女"],
        false,
        "`male` or `female` (男, 女); it must agree with the ID number.",
    )
}

/// A population type.
pub fn population_type() -> Object {
    padded_choice(
        &[
            "registered",
            "floating",
            "left-behind",
            "foreign",
            "户籍",
            "流动",
            "留守",
            "境外",
        ],
        false,
        "`registered` (户籍), `floating` (流动), `left-behind` (留守) or `foreign` (境外).",
    )
}

/// A day.
pub fn day() -> Object {
    padded("[0-9]{4}-[0-9]{2}-[0-9]{2}", false, "A day, `YYYY-MM-DD`.")
}

/// An ID number.
pub fn id_number() -> Object {
    padded(
        "[0-9]{17}[0-9Xx]",
        false,
        "The GB 11643 ID number: 17 digits and a check character (`X` may be lower case); \
         its birth date and gender must agree with the record's.",
    )
}

/// A mobile number, or blank or `null` for none.
pub fn mobile() -> Object {
    padded(
        "(1[0-9]{10})?",
        true,
        "An 11-digit mobile number starting with 1; blank or `null` for none.",
    )
}

/// Why a record is closed.
pub fn close_reason() -> Object {
    padded_choice(
        &["moved-out", "deceased", "迁出", "死亡"],
        false,
        "`moved-out` (迁出) or `deceased` (死亡).",
    )
}

/// A unit's code, as a field of a body.
pub fn unit_code() -> Object {
    padded("[0-9]{2,18}", false, "A unit's code.")
}

/// The kind of a visit.
pub fn visit_kind() -> Object {
    padded_choice(
        &["home", "phone", "talk", "上门", "电话", "约谈"],
        false,
        "`home` (上门), `phone` (电话) or `talk` (约谈).",
    )
}

/// A household number.
pub fn household_number() -> Object {
    padded(
        "[0-9A-Za-z-]{1,32}",
        false,
        "The household's registration number (户号): 1 to 32 letters, digits or `-`.",
    )
}

/// A house's usage.
pub fn usage() -> Object {
    padded_choice(
        &[
            "residential",
            "rental",
            "commercial",
            "vacant",
            "public",
            "自住",
            "出租",
            "商用",
            "空置",
            "公共",
        ],
        false,
        "What the house is used for.",
    )
}

/// A person's username.
pub fn username() -> Object {
    padded(
        "[a-z0-9._-]{1,64}",
        false,
        "1 to 64 characters of a-z, 0-9, `.`, `_`, `-`.",
    )
}

/// A service account's username.
pub fn service_username() -> Object {
    padded(
        "svc-[a-z0-9._-]{0,60}",
        false,
        "`svc-` and up to 60 characters of a-z, 0-9, `.`, `_`, `-`.",
    )
}

/// A service account's role.
pub fn service_role() -> Object {
    one_of(
        ["department-staff", "grid-worker"],
        "The role of the account's one grant.",
    )
}

/// A password.
pub fn password() -> Object {
    ObjectBuilder::new()
        .schema_type(Type::String)
        .min_length(Some(crate::auth::password::MIN_PASSWORD_CHARS))
        .description(Some("At least 8 characters."))
        .build()
}

/// The tags of a resident.
pub fn tags() -> utoipa::openapi::schema::Array {
    utoipa::openapi::schema::ArrayBuilder::new()
        .items(
            ObjectBuilder::new()
                .schema_type(Type::String)
                .max_length(Some(crate::rules::base_data::residents::MAX_TAG_CHARS))
                .pattern(Some("^[^|]*$")),
        )
        .max_items(Some(crate::rules::base_data::residents::MAX_TAGS))
        .description(Some(
            "At most 20 tags of at most 32 characters, without `|`; blank ones are dropped.",
        ))
        .build()
}

text_fields! {
    resident_name(false): 1 to 50, "1 to 50 characters besides spaces; kept trimmed.";
    household_relation(false): 1 to 16, "The relation to the head of the household (`户主` or `head` for the head): 1 to 16 characters.";
    search_text(false): 1 to 100, "What to look for: 1 to 100 characters besides spaces.";
    visit_content(false): 2 to 2000, "What was done and found: 2 to 2000 characters.";
    close_record_reason(false): 2 to 200, "Why the record is closed: 2 to 200 characters.";
    display_name(false): 1 to 50, "The name pages show: 1 to 50 characters.";
    responsible(true): 0 to 64, "The responsible grid worker's username; blank or `null` for none.";
}

/// A side of a dispute.
pub fn dispute_side() -> Object {
    one_of(
        crate::grid::dispute::Side::all().map(crate::grid::dispute::Side::name),
        "`applicant` (申请人) or `respondent` (被申请人).",
    )
}

/// How a mediation session ended.
pub fn mediation_outcome() -> Object {
    one_of(
        crate::grid::dispute::Outcome::all().map(crate::grid::dispute::Outcome::name),
        "`agreed` (调解成功), `partial` (部分达成), `adjourned` (择期再调) or `failed` \
         (调解不成功); `agreed` and `failed` conclude the mediation.",
    )
}

/// Where a dispute's mediation stands.
pub fn dispute_stage() -> Object {
    one_of(
        crate::grid::dispute::Stage::all().map(crate::grid::dispute::Stage::name),
        "`registered` (排查登记: no session yet), `mediating` (调解中), `settled` (调解成功) \
         or `failed` (调解终止): read from the last session's outcome.",
    )
}

/// An ID number, or blank or `null` for none.
pub fn optional_id_number() -> Object {
    padded(
        "([0-9]{17}[0-9Xx])?",
        true,
        "The GB 11643 ID number (17 digits and a check character, `X` may be lower case); \
         blank or `null` for none.",
    )
}
