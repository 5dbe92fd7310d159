//! A resident record and its validation: every field checked, the ID number against GB 11643
//! and against the recorded birth date and gender.

use jiff::civil::Date;

use super::id_number::{Gender, IdNumber};
use super::unit_import::RowProblem;

/// 人口类型.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PopulationType {
    /// 户籍人口.
    Registered,
    /// 流动人口.
    Floating,
    /// 留守人员.
    LeftBehind,
    /// 境外人员.
    Foreign,
}

const POPULATION_TYPES: [(PopulationType, &str, &str); 4] = [
    (PopulationType::Registered, "registered", "户籍"),
    (PopulationType::Floating, "floating", "流动"),
    (PopulationType::LeftBehind, "left-behind", "留守"),
    (PopulationType::Foreign, "foreign", "境外"),
];

impl PopulationType {
    /// The stored name (`left-behind`).
    pub fn name(self) -> &'static str {
        POPULATION_TYPES
            .iter()
            .find(|(t, _, _)| *t == self)
            .map_or("?", |(_, n, _)| n)
    }

    /// Parses the English name or the Chinese one.
    pub fn parse(text: &str) -> Option<Self> {
        POPULATION_TYPES
            .iter()
            .find(|(_, name, zh)| *name == text || *zh == text)
            .map(|(t, _, _)| *t)
    }
}

/// The stored name of a gender.
pub fn gender_name(gender: Gender) -> &'static str {
    match gender {
        Gender::Male => "male",
        Gender::Female => "female",
    }
}

/// Parses `male`/`female` or `男`/`女`.
pub fn parse_gender(text: &str) -> Option<Gender> {
    match text {
        "male" | "男" => Some(Gender::Male),
        "female" | "女" => Some(Gender::Female),
        _ => None,
    }
}

/// A validated resident, ready to store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewResident {
    /// Full name.
    pub name: String,
    /// Gender.
    pub gender: Gender,
    /// Birth date.
    pub birth_date: Date,
    /// The ID number.
    pub id_number: IdNumber,
    /// Mobile number.
    pub phone: Option<String>,
    /// Population type.
    pub population_type: PopulationType,
    /// The grid that keeps the resident.
    pub grid_code: String,
    /// Tags.
    pub tags: Vec<String>,
}

/// The raw fields of one row.
#[derive(Debug, Clone, Default)]
pub struct ResidentFields<'a> {
    /// `name`.
    pub name: &'a str,
    /// `gender`.
    pub gender: &'a str,
    /// `birth_date`.
    pub birth_date: &'a str,
    /// `id_number`.
    pub id_number: &'a str,
    /// `phone`, may be empty.
    pub phone: &'a str,
    /// `population_type`.
    pub population_type: &'a str,
    /// `grid_code`.
    pub grid_code: &'a str,
    /// `tags`, separated by `|`.
    pub tags: &'a str,
}

/// Whether `phone` is an 11-digit mainland mobile number.
pub fn is_mobile(phone: &str) -> bool {
    phone.len() == 11 && phone.starts_with('1') && phone.bytes().all(|b| b.is_ascii_digit())
}

/// Validates one row; every problem is reported, not just the first.
pub fn validate_resident(
    row: usize,
    fields: &ResidentFields<'_>,
    today: Date,
) -> Result<NewResident, Vec<RowProblem>> {
    let mut problems = Vec::new();
    let mut problem = |field: &'static str, text: String| {
        problems.push(RowProblem {
            row,
            field,
            problem: text,
        });
    };
    // At most 50 characters as given, at least one besides spaces; kept trimmed.
    let name = fields.name.trim();
    if name.is_empty() || fields.name.chars().count() > 50 {
        problem("name", "expected 1 to 50 characters".into());
    }
    let gender = parse_gender(fields.gender.trim());
    if gender.is_none() {
        problem(
            "gender",
            format!("`{}`: expected 男 or 女 (male or female)", fields.gender),
        );
    }
    let birth_date = super::calendar::parse_day(fields.birth_date);
    if birth_date.is_none() {
        problem(
            "birth_date",
            format!("`{}`: expected YYYY-MM-DD", fields.birth_date),
        );
    }
    let id_number = match IdNumber::parse(fields.id_number, today) {
        Ok(id) => Some(id),
        Err(e) => {
            problem("id_number", e.to_string());
            None
        }
    };
    if let (Some(id), Some(birth), Some(gender)) = (&id_number, birth_date, gender)
        && let Err(e) = id.check_consistent(birth, gender)
    {
        problem("id_number", e.to_string());
    }
    let phone = fields.phone.trim();
    if !phone.is_empty() && !is_mobile(phone) {
        problem(
            "phone",
            format!("`{phone}`: expected an 11-digit mobile number starting with 1"),
        );
    }
    let population_type = PopulationType::parse(fields.population_type.trim());
    if population_type.is_none() {
        problem(
            "population_type",
            format!(
                "`{}`: expected 户籍, 流动, 留守 or 境外 (registered, floating, left-behind, foreign)",
                fields.population_type
            ),
        );
    }
    let grid_code = fields.grid_code.trim();
    if grid_code.is_empty() {
        problem(
            "grid_code",
            "expected the code of the resident's grid".into(),
        );
    }
    let tags: Vec<String> = fields
        .tags
        .split('|')
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .map(str::to_owned)
        .collect();
    match (gender, birth_date, id_number, population_type) {
        (Some(gender), Some(birth_date), Some(id_number), Some(population_type))
            if problems.is_empty() =>
        {
            Ok(NewResident {
                name: name.to_owned(),
                gender,
                birth_date,
                id_number,
                phone: (!phone.is_empty()).then(|| phone.to_owned()),
                population_type,
                grid_code: grid_code.to_owned(),
                tags,
            })
        }
        _ => Err(problems),
    }
}
