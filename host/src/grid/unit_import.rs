//! Importing units from CSV (`code,name[,parent]`) or GeoJSON (a FeatureCollection whose
//! features carry `code`, `name` and optionally `parent` properties and a Polygon or
//! MultiPolygon boundary), with a row-level report of every problem.
//!
//! Because a child's code must extend its parent's, the tree can hold no cycle and no unit
//! can be placed under its own descendant: the parent is derived from the code, and a given
//! `parent` must agree with it.

use std::collections::BTreeSet;

use super::unit_code::{is_department, level_of, parent_of};

/// Longest accepted unit name.
const MAX_NAME_CHARS: usize = 100;

/// One unit to import.
#[derive(Debug, Clone, PartialEq)]
pub struct UnitRow {
    /// The row (CSV line after the header, or feature index, from 1).
    pub row: usize,
    /// Unit code.
    pub code: String,
    /// Chinese name.
    pub name: String,
    /// GeoJSON geometry of the boundary, if given.
    pub boundary: Option<String>,
}

/// A problem with one field of one row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RowProblem {
    /// The row, from 1; 0 for the file as a whole.
    pub row: usize,
    /// The field (`code`, `name`, `parent`, `boundary`, `file`).
    pub field: &'static str,
    /// What is wrong and what was expected.
    pub problem: String,
}

impl std::fmt::Display for RowProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "row {}, {}: {}", self.row, self.field, self.problem)
    }
}

fn problem(row: usize, field: &'static str, text: impl Into<String>) -> RowProblem {
    RowProblem {
        row,
        field,
        problem: text.into(),
    }
}

/// Parses CSV with a header naming at least `code` and `name` (and optionally `parent`).
pub fn parse_csv(text: &str) -> Result<Vec<(UnitRow, Option<String>)>, Vec<RowProblem>> {
    let mut reader = csv::ReaderBuilder::new()
        .trim(csv::Trim::All)
        .from_reader(text.trim_start_matches('\u{feff}').as_bytes());
    let headers = reader
        .headers()
        .map_err(|e| vec![problem(0, "file", format!("cannot read the header: {e}"))])?
        .clone();
    let column = |name: &str| headers.iter().position(|h| h == name);
    let (Some(code_at), Some(name_at)) = (column("code"), column("name")) else {
        return Err(vec![problem(
            0,
            "file",
            "the header must name the columns `code` and `name` (and optionally `parent`)",
        )]);
    };
    let parent_at = column("parent");
    let mut rows = Vec::new();
    let mut problems = Vec::new();
    for (i, record) in reader.records().enumerate() {
        let row = i + 1;
        match record {
            Ok(record) => {
                let field = |at: usize| record.get(at).unwrap_or("").to_owned();
                let parent = parent_at.map(field).filter(|p| !p.is_empty());
                rows.push((
                    UnitRow {
                        row,
                        code: field(code_at),
                        name: field(name_at),
                        boundary: None,
                    },
                    parent,
                ));
            }
            Err(e) => problems.push(problem(row, "file", e.to_string())),
        }
    }
    if problems.is_empty() {
        Ok(rows)
    } else {
        Err(problems)
    }
}

/// Parses a GeoJSON FeatureCollection of unit boundaries.
pub fn parse_geojson(text: &str) -> Result<Vec<(UnitRow, Option<String>)>, Vec<RowProblem>> {
    let collection: geojson::FeatureCollection = text
        .parse::<geojson::GeoJson>()
        .map_err(|e| vec![problem(0, "file", format!("not GeoJSON: {e}"))])
        .and_then(|json| {
            geojson::FeatureCollection::try_from(json)
                .map_err(|_| vec![problem(0, "file", "expected a FeatureCollection")])
        })?;
    let mut rows = Vec::new();
    let mut problems = Vec::new();
    for (i, feature) in collection.features.into_iter().enumerate() {
        let row = i + 1;
        let text_property = |name: &str| {
            feature.property(name).and_then(|v| {
                v.as_str()
                    .map(str::to_owned)
                    .or_else(|| v.as_u64().map(|n| n.to_string()))
            })
        };
        let code = text_property("code").unwrap_or_default();
        let name = text_property("name").unwrap_or_default();
        let parent = text_property("parent");
        let boundary = match &feature.geometry {
            Some(geometry)
                if matches!(
                    geometry.value,
                    geojson::GeometryValue::Polygon { .. }
                        | geojson::GeometryValue::MultiPolygon { .. }
                ) =>
            {
                Some(geometry.to_string())
            }
            Some(_) => {
                problems.push(problem(
                    row,
                    "boundary",
                    "expected a Polygon or MultiPolygon",
                ));
                None
            }
            None => None,
        };
        rows.push((
            UnitRow {
                row,
                code,
                name,
                boundary,
            },
            parent,
        ));
    }
    if problems.is_empty() {
        Ok(rows)
    } else {
        Err(problems)
    }
}

/// Checks every row: a valid code, a name, a parent that agrees with the code and exists
/// (already stored, per `exists`, or earlier in the tree of this file), no duplicates.
pub fn validate(
    rows: &[(UnitRow, Option<String>)],
    exists: impl Fn(&str) -> bool,
) -> Vec<RowProblem> {
    let in_file: BTreeSet<&str> = rows.iter().map(|(r, _)| r.code.as_str()).collect();
    let mut seen = BTreeSet::new();
    let mut problems = Vec::new();
    for (unit, parent) in rows {
        let row = unit.row;
        if !seen.insert(unit.code.as_str()) {
            problems.push(problem(
                row,
                "code",
                format!("`{}` appears twice", unit.code),
            ));
            continue;
        }
        if let Err(e) = level_of(&unit.code)
            && !is_department(&unit.code)
        {
            let text = if unit.code.contains('.') {
                format!(
                    "unit code `{}`: a department's code is its county's (6 digits) or \
                     street's (9) followed by `.` and 2 to 16 lowercase letters, digits or \
                     `-`, starting with a letter (420202.cgj)",
                    unit.code
                )
            } else {
                e.to_string()
            };
            problems.push(problem(row, "code", text));
            continue;
        }
        let name_chars = unit.name.chars().count();
        if name_chars == 0 || name_chars > MAX_NAME_CHARS {
            problems.push(problem(
                row,
                "name",
                format!("expected 1 to {MAX_NAME_CHARS} characters"),
            ));
        }
        let derived = parent_of(&unit.code);
        if let Some(given) = parent
            && Some(given.as_str()) != derived
        {
            problems.push(problem(
                row,
                "parent",
                match derived {
                    Some(derived) => format!(
                        "`{given}` is not the parent of `{}`: a child's code extends its \
                         parent's, so the parent is `{derived}`",
                        unit.code
                    ),
                    None => format!("`{}` is a province and has no parent", unit.code),
                },
            ));
        }
        if let Some(derived) = derived
            && !in_file.contains(derived)
            && !exists(derived)
        {
            problems.push(problem(
                row,
                "parent",
                format!("parent unit `{derived}` neither exists nor is in this file"),
            ));
        }
    }
    problems
}

#[cfg(test)]
mod tests {
    use super::*;

    const CSV: &str = "code,name,parent\n42,湖北省,\n4202,黄石市,42\n420202,黄石港区,4202\n";

    #[test]
    fn a_consistent_tree_imports() {
        let rows = parse_csv(CSV).expect("parses");
        assert_eq!(rows.len(), 3);
        assert_eq!(validate(&rows, |_| false), Vec::new());
    }

    #[test]
    fn departments_import_under_a_county_or_street() {
        let csv = "code,name,parent\n\
                   420202.cgj,区城管执法局,420202\n\
                   420202001.sfs,黄石港司法所,\n\
                   4202.cgj,市城管局,4202\n\
                   420202.sfs,区司法局,420203\n";
        let rows = parse_csv(csv).expect("parses");
        let problems = validate(&rows, |code| ["420202", "420202001"].contains(&code));
        let fields: Vec<(usize, &str)> = problems.iter().map(|p| (p.row, p.field)).collect();
        assert_eq!(fields, [(3, "code"), (4, "parent")], "{problems:?}");
        assert!(
            problems[0].problem.contains("followed by `.`"),
            "{problems:?}"
        );
    }

    #[test]
    fn every_problem_is_reported_with_row_and_field() {
        let csv = "code,name,parent\n\
                   4202,黄石市,42\n\
                   420202,,4202\n\
                   420203,西塞山区,4201\n\
                   42020,错误,4202\n\
                   4202,黄石市,42\n";
        let rows = parse_csv(csv).expect("parses");
        let problems = validate(&rows, |code| code == "42");
        let found: Vec<(usize, &str)> = problems.iter().map(|p| (p.row, p.field)).collect();
        assert_eq!(
            found,
            [(2, "name"), (3, "parent"), (4, "code"), (5, "code")],
            "{problems:#?}"
        );
        assert!(
            problems[1].problem.contains("the parent is `4202`"),
            "{}",
            problems[1]
        );
    }

    #[test]
    fn a_missing_parent_is_named() {
        let rows = parse_csv("code,name\n420202001,某街道\n").expect("parses");
        let problems = validate(&rows, |_| false);
        assert_eq!(problems.len(), 1);
        assert!(problems[0].problem.contains("`420202`"), "{}", problems[0]);
    }

    #[test]
    fn a_header_without_code_is_refused() {
        let problems = parse_csv("id,name\n1,x\n").expect_err("no code column");
        assert_eq!(problems[0].field, "file");
    }

    #[test]
    fn geojson_features_carry_codes_and_polygon_boundaries() {
        let text = r#"{"type":"FeatureCollection","features":[
            {"type":"Feature","properties":{"code":"42","name":"湖北省"},
             "geometry":{"type":"Polygon","coordinates":[[[114,30],[115,30],[115,31],[114,30]]]}},
            {"type":"Feature","properties":{"code":"4202","name":"黄石市"},
             "geometry":{"type":"Point","coordinates":[115,30]}}]}"#;
        let problems = parse_geojson(text).expect_err("a point is no boundary");
        assert_eq!((problems[0].row, problems[0].field), (2, "boundary"));
        let fixed = text.replace(r#"{"type":"Point","coordinates":[115,30]}"#, "null");
        let rows = parse_geojson(&fixed).expect("parses");
        assert!(
            rows[0]
                .0
                .boundary
                .as_deref()
                .is_some_and(|b| b.contains("Polygon"))
        );
        assert_eq!(rows[1].0.boundary, None);
        assert_eq!(validate(&rows, |_| false), Vec::new());
    }
}
