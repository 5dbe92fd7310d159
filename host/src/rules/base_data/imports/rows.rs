//! The rows of a base-data file checked as every import checks them, whoever sends it (an
//! operator's `wangge residents import`, a department's push): each field as
//! `grid::resident` and `grid::house` check it, the grid decided (named, else the house's,
//! else the boundary the coordinates fall in: 关联核录), a household in one grid, no ID
//! number or address twice in the file. What is already stored is the caller's business.

use std::collections::{BTreeMap, BTreeSet};

use crate::db::Db;
use crate::db::houses::StoredHouse;
use crate::db::residents::ResidentLinks;
use crate::grid::address::address_key;
use crate::grid::grid_locator::{GridLocator, MatchRate};
use crate::grid::house::{HouseFields, NewHouse, parse_coordinates, validate_house};
use crate::grid::import_table::ImportTable;
use crate::grid::resident::{NewResident, ResidentFields, validate_resident};
use crate::grid::unit_code::level_of;
use crate::grid::unit_import::RowProblem;

/// The columns of a residents file every row must have.
pub const RESIDENT_COLUMNS: [&str; 6] = [
    "name",
    "gender",
    "birth_date",
    "id_number",
    "phone",
    "population_type",
];

/// The columns of a residents file a row may have.
pub const RESIDENT_OPTIONAL: [&str; 7] = [
    "grid_code",
    "tags",
    "address",
    "household",
    "relation",
    "latitude",
    "longitude",
];

/// The columns of a houses file every row must have.
pub const HOUSE_COLUMNS: [&str; 2] = ["address", "usage"];

/// The columns of a houses file a row may have.
pub const HOUSE_OPTIONAL: [&str; 3] = ["latitude", "longitude", "grid_code"];

fn problem(row: usize, field: &'static str, text: String) -> RowProblem {
    RowProblem {
        row,
        field,
        problem: text,
    }
}

/// The grids with boundaries, for assignment by coordinates, and every known grid code.
pub async fn grid_lookup(db: &Db) -> anyhow::Result<(GridLocator, BTreeSet<String>)> {
    let boundaries = db.grid_boundaries("").await?;
    let locator = GridLocator::new(boundaries.iter().map(|(c, b)| (c.as_str(), b.as_str())))?;
    let grids = db
        .existing_unit_codes()
        .await?
        .into_iter()
        .filter(|code| level_of(code) == Ok(wangge_registry::Level::Grid))
        .collect();
    Ok((locator, grids))
}

/// One good row of a residents file.
#[derive(Debug, Clone)]
pub struct ResidentRow {
    /// Its number in the file, from 1.
    pub row: usize,
    /// The resident as the row gives them.
    pub resident: NewResident,
    /// Their household and house.
    pub links: ResidentLinks,
    /// Whether the row gave the phone, the tags and the house (an empty cell gives
    /// nothing: a push never clears a field).
    pub gave: Gave,
}

/// Which optional fields a row filled in.
#[derive(Debug, Clone, Copy, Default)]
pub struct Gave {
    /// `phone`.
    pub phone: bool,
    /// `tags`.
    pub tags: bool,
    /// `address`.
    pub house: bool,
}

/// A checked residents file.
#[derive(Debug, Clone, Default)]
pub struct ResidentRows {
    /// The good rows.
    pub good: Vec<ResidentRow>,
    /// Every problem of the others, by row.
    pub problems: Vec<RowProblem>,
    /// How many rows with coordinates fell inside a grid.
    pub rate: MatchRate,
}

/// The household relation as stored: `head` for the head (户主), else as written.
fn relation_name(text: &str) -> String {
    match text {
        "户主" | "head" => "head".to_owned(),
        other => other.to_owned(),
    }
}

/// Checks every row of a residents `table` against the units and houses stored.
pub async fn residents(db: &Db, table: &ImportTable) -> anyhow::Result<ResidentRows> {
    let today = crate::grid::calendar::today_in_china();
    let (locator, grids) = grid_lookup(db).await?;
    let addresses: Vec<&str> = table
        .records
        .iter()
        .map(|(_, record)| table.field(record, "address"))
        .filter(|a| !a.is_empty())
        .collect();
    let houses = houses_for(db, &addresses).await?;
    let mut checked = ResidentRows {
        problems: table.unreadable.clone(),
        ..ResidentRows::default()
    };
    let mut seen_ids = BTreeMap::new();
    let mut household_grids: BTreeMap<String, (String, usize)> = BTreeMap::new();
    for (row, record) in &table.records {
        let row = *row;
        let field = |name: &str| table.field(record, name);
        let mut row_problems = Vec::new();
        let house = match field("address") {
            "" => None,
            address => {
                let house = houses.get(&address_key(address));
                if house.is_none() {
                    row_problems.push(problem(
                        row,
                        "address",
                        format!("no house is registered at `{address}` (import houses first)"),
                    ));
                }
                house
            }
        };
        let coordinates = parse_coordinates(
            row,
            field("latitude"),
            field("longitude"),
            &mut row_problems,
        );
        let located = coordinates.and_then(|(lat, lon)| locator.locate(lon, lat));
        if coordinates.is_some() {
            checked.rate.with_coordinates += 1;
            checked.rate.matched += usize::from(located.is_some());
        }
        let grid = match (field("grid_code"), house, located) {
            ("", Some(house), _) => house.grid_code.clone(),
            ("", None, Some(found)) => found.to_owned(),
            (given, _, _) => given.to_owned(),
        };
        if grid.is_empty() {
            row_problems.push(problem(
                row,
                "grid_code",
                "name the grid, or give a registered address or coordinates inside a grid".into(),
            ));
        } else if !grids.contains(&grid) {
            row_problems.push(problem(
                row,
                "grid_code",
                format!("`{grid}` is not a known grid"),
            ));
        } else if let Some(house) = house.filter(|h| h.grid_code != grid) {
            row_problems.push(problem(
                row,
                "address",
                format!(
                    "the house is in grid {}, but the row puts the resident in {grid}",
                    house.grid_code
                ),
            ));
        }
        let household = match (field("household"), field("relation")) {
            ("", "") => None,
            ("", _) => {
                row_problems.push(problem(
                    row,
                    "household",
                    "a relation needs the household number (户号) it is relative to".into(),
                ));
                None
            }
            (_, "") => {
                row_problems.push(problem(
                    row,
                    "relation",
                    "give the relation to the head of the household (户主 for the head)".into(),
                ));
                None
            }
            (number, relation) => {
                let first = household_grids
                    .entry(number.to_owned())
                    .or_insert_with(|| (grid.clone(), row));
                if first.0 != grid {
                    row_problems.push(problem(
                        row,
                        "household",
                        format!(
                            "household {number} is in grid {} (row {}), not {grid}",
                            first.0, first.1
                        ),
                    ));
                }
                Some((number.to_owned(), relation_name(relation)))
            }
        };
        let fields = ResidentFields {
            name: field("name"),
            gender: field("gender"),
            birth_date: field("birth_date"),
            id_number: field("id_number"),
            phone: field("phone"),
            population_type: field("population_type"),
            grid_code: &grid,
            tags: field("tags"),
        };
        match validate_resident(row, &fields, today) {
            Ok(resident) if row_problems.is_empty() => {
                if let Some(first) = seen_ids.insert(resident.id_number.as_str().to_owned(), row) {
                    checked.problems.push(problem(
                        row,
                        "id_number",
                        format!("the same as row {first}"),
                    ));
                } else {
                    checked.good.push(ResidentRow {
                        row,
                        resident,
                        links: ResidentLinks {
                            household,
                            house_id: house.map(|h| h.id),
                        },
                        gave: Gave {
                            phone: !field("phone").is_empty(),
                            tags: !field("tags").is_empty(),
                            house: house.is_some(),
                        },
                    });
                }
            }
            Ok(_) => checked.problems.extend(row_problems),
            Err(errors) => {
                checked.problems.extend(row_problems);
                checked.problems.extend(errors);
            }
        }
    }
    checked.problems.sort_by_key(|p| p.row);
    Ok(checked)
}

/// The stored houses at `addresses`, by address key: an address matches however it is
/// spelt.
async fn houses_for(db: &Db, addresses: &[&str]) -> anyhow::Result<BTreeMap<String, StoredHouse>> {
    let keys: Vec<String> = addresses.iter().map(|a| address_key(a)).collect();
    Ok(db.houses_by_key(&keys).await?)
}

/// One good row of a houses file.
#[derive(Debug, Clone)]
pub struct HouseRow {
    /// Its number in the file, from 1.
    pub row: usize,
    /// The house as the row gives it, its grid decided.
    pub house: NewHouse,
    /// Its address key.
    pub key: String,
}

/// A checked houses file.
#[derive(Debug, Clone, Default)]
pub struct HouseRows {
    /// The good rows.
    pub good: Vec<HouseRow>,
    /// Every problem of the others, by row.
    pub problems: Vec<RowProblem>,
    /// How many rows with coordinates fell inside a grid.
    pub rate: MatchRate,
}

/// Checks every row of a houses `table` against the units stored.
pub async fn houses(db: &Db, table: &ImportTable) -> anyhow::Result<HouseRows> {
    let (locator, grids) = grid_lookup(db).await?;
    let mut checked = HouseRows {
        problems: table.unreadable.clone(),
        ..HouseRows::default()
    };
    let mut seen: BTreeMap<String, usize> = BTreeMap::new();
    for (row, record) in &table.records {
        let fields = HouseFields {
            address: table.field(record, "address"),
            latitude: table.field(record, "latitude"),
            longitude: table.field(record, "longitude"),
            usage: table.field(record, "usage"),
            grid_code: table.field(record, "grid_code"),
        };
        // The match rate is about the coordinates alone: a row refused for its usage
        // still tells whether its point fell inside a grid.
        if let Some((lat, lon)) =
            parse_coordinates(*row, fields.latitude, fields.longitude, &mut Vec::new())
        {
            checked.rate.with_coordinates += 1;
            checked.rate.matched += usize::from(locator.locate(lon, lat).is_some());
        }
        match validate_house(*row, &fields, &locator, |c| grids.contains(c)) {
            Ok(house) => {
                let key = address_key(&house.address);
                if let Some(first) = seen.insert(key.clone(), *row) {
                    checked.problems.push(problem(
                        *row,
                        "address",
                        format!("the same address as row {first}"),
                    ));
                } else {
                    checked.good.push(HouseRow {
                        row: *row,
                        house,
                        key,
                    });
                }
            }
            Err(row_problems) => checked.problems.extend(row_problems),
        }
    }
    checked.problems.sort_by_key(|p| p.row);
    Ok(checked)
}
