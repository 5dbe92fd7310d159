//! The rest of "一标三实" for the generated residents: houses at standard addresses with
//! coordinates inside their grid (each house's grid found by point-in-polygon, as an import
//! would), the residents grouped into households in them, organizations at some of the
//! houses, and special-population records for a small share of the adults.

use std::collections::{BTreeMap, BTreeSet};

use fastrand::Rng;

use super::geometry::BBox;
use super::names::PLACE_WORDS;
use crate::db::Db;
use crate::db::houses::NewHousehold;
use crate::db::organizations::{NewOrganization, OrganizationError};
use crate::db::residents::StoredResident;
use crate::db::special_populations::{NewSpecialPopulation, SpecialPopulationError};
use crate::grid::grid_locator::GridLocator;
use crate::grid::house::{GridSource, NewHouse};
use crate::grid::organization::with_check_character;
use crate::grid::special_population::{CATEGORIES, CONTROL_LEVELS};

/// Residents read per page while grouping them.
const PAGE: i64 = 5_000;

/// One organization for about this many residents.
const RESIDENTS_PER_ORGANIZATION: usize = 60;

/// One special-population record for about this many adult residents (a few per thousand,
/// as in real grids).
const ADULTS_PER_SPECIAL_RECORD: usize = 250;

/// Kinds of organization with the words their names end in.
const ORGANIZATIONS: [(&str, &[&str]); 4] = [
    (
        "individual-business",
        &["便民超市", "小吃店", "理发店", "五金店", "药店"],
    ),
    (
        "enterprise",
        &["物业服务有限公司", "商贸有限公司", "建材有限公司"],
    ),
    ("social-organization", &["志愿者协会", "老年人协会"]),
    ("public-institution", &["幼儿园", "社区卫生服务站"]),
];

/// A household before it is stored: its grid, its house's address, and its members with
/// their relation to the head.
struct PlannedHousehold {
    grid: String,
    address: String,
    members: Vec<(i64, &'static str)>,
}

/// What was generated.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct BaseDataSummary {
    /// Houses.
    pub houses: usize,
    /// Of those, houses whose grid was found by their coordinates.
    pub houses_matched_by_boundary: usize,
    /// Households.
    pub households: usize,
    /// Organizations.
    pub organizations: usize,
    /// Special-population records.
    pub special_populations: usize,
}

/// A random point well inside `bbox` (a margin of a tenth on each side, so no point sits
/// on a shared edge, where it would belong to no grid).
fn point_inside(rng: &mut Rng, bbox: &BBox) -> (f64, f64) {
    let lon = bbox.west + (bbox.east - bbox.west) * (0.1 + 0.8 * rng.f64());
    let lat = bbox.south + (bbox.north - bbox.south) * (0.1 + 0.8 * rng.f64());
    ((lat * 1e6).round() / 1e6, (lon * 1e6).round() / 1e6)
}

/// Every stored resident, grouped by grid.
async fn residents_by_grid(db: &Db) -> anyhow::Result<BTreeMap<String, Vec<StoredResident>>> {
    let mut by_grid: BTreeMap<String, Vec<StoredResident>> = BTreeMap::new();
    let mut after: Option<(String, i64)> = None;
    loop {
        let page = db
            .residents_under("", after.as_ref().map(|(g, id)| (g.as_str(), *id)), PAGE)
            .await?;
        let Some(last) = page.last() else { break };
        after = Some((last.grid_code.clone(), last.id));
        let full = i64::try_from(page.len()).ok() == Some(PAGE);
        for resident in page {
            by_grid
                .entry(resident.grid_code.clone())
                .or_default()
                .push(resident);
        }
        if !full {
            break;
        }
    }
    Ok(by_grid)
}

/// Houses, households, organizations and special populations for the stored residents of
/// the grids in `grids` (code, box, name).
pub async fn generate(
    db: &Db,
    seed: u64,
    grids: &[(String, BBox, String)],
) -> anyhow::Result<BaseDataSummary> {
    let mut rng = Rng::with_seed(seed);
    let boundaries = db.grid_boundaries("").await?;
    let locator = GridLocator::new(boundaries.iter().map(|(c, b)| (c.as_str(), b.as_str())))?;
    let by_grid = residents_by_grid(db).await?;
    let mut summary = BaseDataSummary::default();
    let mut houses = Vec::new();
    let mut households: Vec<PlannedHousehold> = Vec::new();
    let mut addresses = BTreeSet::new();
    for (code, bbox, name) in grids {
        let Some(residents) = by_grid.get(code) else {
            continue;
        };
        let mut rest: &[StoredResident] = residents;
        let mut building = 0;
        while !rest.is_empty() {
            let size = rng.usize(1..=5).min(rest.len());
            let (members, tail) = rest.split_at(size);
            rest = tail;
            building += 1;
            let address = format!(
                "{name}{}栋{}单元{}0{}室",
                building / 12 + 1,
                building % 3 + 1,
                building % 9 + 1,
                building % 4 + 1
            );
            let address = if addresses.insert(address.clone()) {
                address
            } else {
                format!("{address}（{code}）")
            };
            let (lat, lon) = point_inside(&mut rng, bbox);
            let located = locator.locate(lon, lat);
            let floating = members.iter().any(|m| m.population_type == "floating");
            houses.push(NewHouse {
                address: address.clone(),
                coordinates: Some((lat, lon)),
                usage: if floating { "rental" } else { "residential" },
                grid_code: located.unwrap_or(code).to_owned(),
                grid_source: if located.is_some() {
                    GridSource::Boundary
                } else {
                    GridSource::Given
                },
            });
            summary.houses_matched_by_boundary += usize::from(located.is_some());
            let relations = ["head", "配偶", "子女", "子女", "父母"];
            households.push(PlannedHousehold {
                grid: code.clone(),
                address,
                members: members
                    .iter()
                    .zip(relations)
                    .map(|(m, relation)| (m.id, relation))
                    .collect(),
            });
        }
    }
    db.insert_houses(&houses).await?;
    summary.houses = houses.len();
    let keys: Vec<&str> = houses.iter().map(|h| h.address.as_str()).collect();
    let stored = db.houses_at(&keys).await?;
    let mut links = Vec::new();
    for (
        i,
        PlannedHousehold {
            grid,
            address,
            members,
        },
    ) in households.iter().enumerate()
    {
        let house_id = stored.get(address).map(|h| h.id);
        links.push(NewHousehold {
            number: format!("HH{grid}{i:06}"),
            house_id,
            grid_code: grid.as_str(),
            members: members.as_slice(),
        });
    }
    db.insert_households_with_members(&links).await?;
    summary.households = links.len();

    // Grids hold a few dozen residents each in a small seed, so the shares are drawn over
    // the whole city rather than grid by grid.
    let residents: Vec<&StoredResident> = grids
        .iter()
        .filter_map(|(code, _, _)| by_grid.get(code))
        .flatten()
        .collect();
    if houses.is_empty() {
        return Ok(summary);
    }
    for _ in 0..residents.len() / RESIDENTS_PER_ORGANIZATION {
        let (kind, endings) = ORGANIZATIONS[rng.usize(..ORGANIZATIONS.len())];
        let word = PLACE_WORDS[rng.usize(..PLACE_WORDS.len())];
        let ending = endings[rng.usize(..endings.len())];
        let house = &houses[rng.usize(..houses.len())];
        let body = format!("9142020{}MA{:08}", rng.u8(0..10), rng.u32(..100_000_000));
        let registered = db
            .insert_organization(&NewOrganization {
                name: format!("黄石{word}{ending}"),
                kind,
                credit_code: (kind != "individual-business")
                    .then(|| with_check_character(&body))
                    .flatten(),
                address: house.address.clone(),
                house_id: stored.get(&house.address).map(|h| h.id),
                contact_name: None,
                contact_phone: None,
                grid_code: house.grid_code.clone(),
            })
            .await;
        match registered {
            Ok(_) => summary.organizations += 1,
            // A credit code drawn twice is registered once.
            Err(OrganizationError::DuplicateCreditCode) => {}
            Err(OrganizationError::Database(e)) => return Err(e.into()),
        }
    }
    let adults: Vec<&StoredResident> = residents
        .into_iter()
        .filter(|r| r.birth_date.as_str() < "2008-01-01")
        .collect();
    for _ in 0..adults.len() / ADULTS_PER_SPECIAL_RECORD {
        let resident = adults[rng.usize(..adults.len())];
        let (category, _) = CATEGORIES[rng.usize(..CATEGORIES.len())];
        let (level, _) = CONTROL_LEVELS[rng.usize(..CONTROL_LEVELS.len())];
        let recorded = db
            .insert_special_population(&NewSpecialPopulation {
                resident_id: resident.id,
                category,
                control_level: level,
                responsible_user: None,
                grid_code: &resident.grid_code,
                note: "定期走访",
            })
            .await;
        match recorded {
            Ok(_) => summary.special_populations += 1,
            // The same resident drawn twice for one category is recorded once.
            Err(SpecialPopulationError::Duplicate) => {}
            Err(SpecialPopulationError::Database(e)) => return Err(e.into()),
        }
    }
    Ok(summary)
}
