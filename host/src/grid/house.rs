//! A house record (实有房屋) and its validation: a standard address, a usage, and either
//! coordinates (so the grid is found by boundary: 关联核录) or the grid's code, or both.

use super::grid_locator::GridLocator;
use super::unit_import::RowProblem;

/// Longest accepted standard address.
pub const MAX_ADDRESS_CHARS: usize = 200;

/// What a house is used for.
pub const USAGES: [(&str, &str); 5] = [
    ("residential", "自住"),
    ("rental", "出租"),
    ("commercial", "商用"),
    ("vacant", "空置"),
    ("public", "公共"),
];

/// The stored usage name for `text` (English or Chinese).
pub fn parse_usage(text: &str) -> Option<&'static str> {
    USAGES
        .iter()
        .find(|(name, zh)| *name == text || *zh == text)
        .map(|(name, _)| *name)
}

/// How a house's grid was decided.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GridSource {
    /// Its coordinates fell inside the grid's boundary.
    Boundary,
    /// The record named the grid (no coordinates, or no boundary matched).
    Given,
}

impl GridSource {
    /// The stored name.
    pub fn name(self) -> &'static str {
        match self {
            Self::Boundary => "boundary",
            Self::Given => "given",
        }
    }
}

/// A validated house with its grid decided.
#[derive(Debug, Clone, PartialEq)]
pub struct NewHouse {
    /// 标准地址.
    pub address: String,
    /// WGS 84 (latitude, longitude), if known.
    pub coordinates: Option<(f64, f64)>,
    /// Usage (stored name).
    pub usage: &'static str,
    /// The grid.
    pub grid_code: String,
    /// How the grid was decided.
    pub grid_source: GridSource,
}

/// The raw fields of one row.
#[derive(Debug, Clone, Default)]
pub struct HouseFields<'a> {
    /// `address`.
    pub address: &'a str,
    /// `latitude`, may be empty.
    pub latitude: &'a str,
    /// `longitude`, may be empty.
    pub longitude: &'a str,
    /// `usage`.
    pub usage: &'a str,
    /// `grid_code`, may be empty when the coordinates find the grid.
    pub grid_code: &'a str,
}

/// Parses a latitude/longitude pair: both or neither, within WGS 84 ranges.
pub fn parse_coordinates(
    row: usize,
    latitude: &str,
    longitude: &str,
    problems: &mut Vec<RowProblem>,
) -> Option<(f64, f64)> {
    let (latitude, longitude) = (latitude.trim(), longitude.trim());
    if latitude.is_empty() && longitude.is_empty() {
        return None;
    }
    let mut number = |field: &'static str, text: &str, limit: f64| match text.parse::<f64>() {
        Ok(value) if value.is_finite() && value.abs() <= limit => Some(value),
        _ => {
            problems.push(RowProblem {
                    row,
                    field,
                    problem: format!(
                        "`{text}`: expected decimal degrees between -{limit} and {limit} (WGS 84), given together with the other coordinate"
                    ),
                });
            None
        }
    };
    let latitude = number("latitude", latitude, 90.0);
    let longitude = number("longitude", longitude, 180.0);
    latitude.zip(longitude)
}

/// Validates one row and decides its grid: the boundary that contains its coordinates, or
/// else the grid it names. `is_grid` says whether a code is a known grid. A row whose
/// coordinates fall in one grid but that names another is refused: one of the two is wrong.
pub fn validate_house(
    row: usize,
    fields: &HouseFields<'_>,
    locator: &GridLocator,
    is_grid: impl Fn(&str) -> bool,
) -> Result<NewHouse, Vec<RowProblem>> {
    let mut problems = Vec::new();
    let problem = |problems: &mut Vec<RowProblem>, field: &'static str, text: String| {
        problems.push(RowProblem {
            row,
            field,
            problem: text,
        });
    };
    let address = fields.address.trim();
    let address_chars = address.chars().count();
    if address_chars == 0 || address_chars > MAX_ADDRESS_CHARS {
        problem(
            &mut problems,
            "address",
            format!("expected a standard address of 1 to {MAX_ADDRESS_CHARS} characters"),
        );
    }
    let usage = parse_usage(fields.usage.trim());
    if usage.is_none() {
        problem(
            &mut problems,
            "usage",
            format!(
                "`{}`: expected one of {}",
                fields.usage,
                USAGES
                    .iter()
                    .map(|(name, zh)| format!("{zh} ({name})"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        );
    }
    let coordinates = parse_coordinates(row, fields.latitude, fields.longitude, &mut problems);
    let given = fields.grid_code.trim();
    if !given.is_empty() && !is_grid(given) {
        problem(
            &mut problems,
            "grid_code",
            format!("`{given}` is not a known grid"),
        );
    }
    let located = coordinates.and_then(|(lat, lon)| locator.locate(lon, lat));
    let grid = match (located, given) {
        (Some(found), "") => Some((found.to_owned(), GridSource::Boundary)),
        (Some(found), given) if found == given => Some((found.to_owned(), GridSource::Boundary)),
        (Some(found), given) => {
            problem(
                &mut problems,
                "grid_code",
                format!("the coordinates lie in grid {found}, but the row names {given}"),
            );
            None
        }
        (None, "") => {
            let text = if coordinates.is_some() {
                "the coordinates lie inside no grid boundary; name the grid in grid_code"
            } else {
                "give coordinates (latitude, longitude) or the grid's code"
            };
            problem(&mut problems, "grid_code", text.into());
            None
        }
        (None, given) => Some((given.to_owned(), GridSource::Given)),
    };
    match (usage, grid) {
        (Some(usage), Some((grid_code, grid_source))) if problems.is_empty() => Ok(NewHouse {
            address: address.to_owned(),
            coordinates,
            usage,
            grid_code,
            grid_source,
        }),
        _ => Err(problems),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const GRID: &str = "420202001001001";

    fn locator() -> GridLocator {
        let square = r#"{"type":"Polygon","coordinates":[[[115.0,30.0],[115.01,30.0],[115.01,30.01],[115.0,30.01],[115.0,30.0]]]}"#;
        GridLocator::new([(GRID, square)]).expect("valid")
    }

    fn check(fields: HouseFields<'_>) -> Result<NewHouse, Vec<RowProblem>> {
        validate_house(3, &fields, &locator(), |code| {
            code == GRID || code == "420202001001002"
        })
    }

    fn fields_of(problems: &[RowProblem]) -> Vec<&'static str> {
        problems.iter().map(|p| p.field).collect()
    }

    #[test]
    fn coordinates_find_the_grid() {
        let house = check(HouseFields {
            address: "黄石港区江边路1号1栋1单元101室",
            latitude: "30.005",
            longitude: "115.005",
            usage: "出租",
            grid_code: "",
        })
        .expect("valid");
        assert_eq!(
            (house.grid_code.as_str(), house.grid_source, house.usage),
            (GRID, GridSource::Boundary, "rental")
        );
    }

    #[test]
    fn a_named_grid_without_coordinates_is_taken() {
        let house = check(HouseFields {
            address: "江边路2号",
            usage: "residential",
            grid_code: "420202001001002",
            ..HouseFields::default()
        })
        .expect("valid");
        assert_eq!(house.grid_source, GridSource::Given);
    }

    #[test]
    fn bad_rows_name_every_field() {
        let problems = check(HouseFields {
            address: "",
            latitude: "95",
            longitude: "115",
            usage: "castle",
            grid_code: "",
        })
        .expect_err("invalid");
        assert_eq!(
            fields_of(&problems),
            ["address", "usage", "latitude", "grid_code"]
        );
        let disagree = check(HouseFields {
            address: "江边路3号",
            latitude: "30.005",
            longitude: "115.005",
            usage: "自住",
            grid_code: "420202001001002",
        })
        .expect_err("the boundary says otherwise");
        assert!(disagree[0].problem.contains("lie in grid 420202001001001"));
        let outside = check(HouseFields {
            address: "江边路4号",
            latitude: "31",
            longitude: "115.005",
            usage: "自住",
            grid_code: "",
        })
        .expect_err("outside every grid");
        assert_eq!(fields_of(&outside), ["grid_code"]);
        let half = check(HouseFields {
            address: "江边路5号",
            latitude: "30.005",
            usage: "自住",
            grid_code: GRID,
            ..HouseFields::default()
        })
        .expect_err("latitude without longitude");
        assert_eq!(fields_of(&half), ["longitude"]);
    }
}
