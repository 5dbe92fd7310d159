//! The generated unit tree: 湖北省 → 黄石市 → its six real county-level units → invented
//! streets, communities and grids, each with a rectangular boundary that tiles its parent's.
//!
//! Every row of `host/data/demo/units.csv` is in the tree with the same code and name: the
//! README, the demo users and the tests name 4202, 420202001 and 420202001001001.

use fastrand::Rng;

use super::geometry::BBox;
use super::names::{PLACE_WORDS, numeral};
use crate::grid::unit_code::parent_of;
use crate::grid::unit_import::UnitRow;

/// One generated unit.
#[derive(Debug, Clone, PartialEq)]
pub struct DemoUnit {
    /// Unit code.
    pub code: String,
    /// Chinese name.
    pub name: String,
    /// Boundary.
    pub bbox: BBox,
}

/// 湖北省's extent. Only 黄石市 is modelled under it, so the province's box holds the city's
/// rather than being tiled by cities.
const HUBEI: BBox = BBox {
    west: 108.35,
    south: 29.03,
    east: 116.13,
    north: 33.27,
};

/// 黄石市, roughly: from 大冶's western hills to the Yangtze at 西塞山.
const HUANGSHI: BBox = BBox {
    west: 114.9,
    south: 29.8,
    east: 115.3,
    north: 30.3,
};

/// A county-level unit: code, name, its part of the city's box as fractions (west, south,
/// east, north), and its streets (街道) and towns (镇, 乡).
type County = (
    &'static str,
    &'static str,
    (f64, f64, f64, f64),
    &'static [&'static str],
);

/// The six county-level units of 黄石市 (GB/T 2260) laid out roughly as on a map: 大冶 to
/// the west, 阳新 to the south-east, the four urban districts along the river to the
/// north-east. Together their parts cover the city's box exactly.
const COUNTIES: [County; 6] = [
    (
        "420202",
        "黄石港区",
        (0.625, 0.6, 0.8, 1.0),
        &["黄石港街道", "沈家营街道", "胜阳港街道", "花湖街道"],
    ),
    (
        "420203",
        "西塞山区",
        (0.8, 0.6, 1.0, 1.0),
        &[
            "八泉街道",
            "澄月街道",
            "临江街道",
            "黄思湾街道",
            "西塞山街道",
            "河口镇",
        ],
    ),
    (
        "420204",
        "下陆区",
        (0.5, 0.6, 0.625, 1.0),
        &[
            "东方山街道",
            "老下陆街道",
            "新下陆街道",
            "团城山街道",
            "长乐山街道",
        ],
    ),
    (
        "420205",
        "铁山区",
        (0.375, 0.6, 0.5, 1.0),
        &["铁山街道", "鹿獐山街道"],
    ),
    (
        "420222",
        "阳新县",
        (0.375, 0.0, 1.0, 0.6),
        &[
            "兴国镇",
            "富池镇",
            "黄颡口镇",
            "韦源口镇",
            "太子镇",
            "大王镇",
            "陶港镇",
            "白沙镇",
            "浮屠镇",
            "三溪镇",
            "龙港镇",
            "洋港镇",
        ],
    ),
    (
        "420281",
        "大冶市",
        (0.0, 0.0, 0.375, 1.0),
        &[
            "东岳路街道",
            "东风路街道",
            "金湖街道",
            "罗家桥街道",
            "金山店镇",
            "还地桥镇",
            "保安镇",
            "灵乡镇",
            "金牛镇",
            "刘仁八镇",
            "陈贵镇",
            "大箕铺镇",
            "殷祖镇",
            "茗山乡",
        ],
    ),
];

/// Communities of a street: at least this many …
const MIN_COMMUNITIES: usize = 4;
/// … and at most this many.
const MAX_COMMUNITIES: usize = 9;
/// Grids of a community: at least this many (江边社区 needs its 第二网格) …
const MIN_GRIDS: usize = 2;
/// … and at most this many.
const MAX_GRIDS: usize = 7;

/// The communities `units.csv` names, which come first under their street.
fn fixed_communities(street: &str) -> &'static [&'static str] {
    match street {
        "420202001" => &["江边社区", "湖滨社区"],
        "420202002" => &["沈家营社区"],
        _ => &[],
    }
}

/// The communities of one street: the fixed ones, then 社区 named after place words, or in
/// a town (镇, 乡) one 社区 for the town centre and 村 (villages) for the rest.
fn community_names(rng: &mut Rng, street_code: &str, street_name: &str) -> Vec<String> {
    let count = rng.usize(MIN_COMMUNITIES..=MAX_COMMUNITIES);
    let town = street_name.ends_with('镇') || street_name.ends_with('乡');
    let mut words: Vec<&str> = PLACE_WORDS.to_vec();
    rng.shuffle(&mut words);
    let mut names: Vec<String> = fixed_communities(street_code)
        .iter()
        .map(|name| (*name).to_owned())
        .collect();
    for word in words {
        if names.len() >= count {
            break;
        }
        let suffix = if town && !names.is_empty() {
            "村"
        } else {
            "社区"
        };
        let name = format!("{word}{suffix}");
        if !names.contains(&name) {
            names.push(name);
        }
    }
    names
}

/// The whole tree for `seed`, parents before children.
pub fn unit_tree(seed: u64) -> Vec<DemoUnit> {
    let mut rng = Rng::with_seed(seed);
    let mut units = vec![
        DemoUnit {
            code: "42".into(),
            name: "湖北省".into(),
            bbox: HUBEI,
        },
        DemoUnit {
            code: "4202".into(),
            name: "黄石市".into(),
            bbox: HUANGSHI,
        },
    ];
    for (county_code, county_name, (w, s, e, n), streets) in COUNTIES {
        let county_box = HUANGSHI.part(w, s, e, n);
        units.push(DemoUnit {
            code: county_code.into(),
            name: county_name.into(),
            bbox: county_box,
        });
        for (i, (street_name, street_box)) in streets
            .iter()
            .zip(county_box.split(streets.len()))
            .enumerate()
        {
            let street_code = format!("{county_code}{:03}", i + 1);
            let communities = community_names(&mut rng, &street_code, street_name);
            units.push(DemoUnit {
                code: street_code.clone(),
                name: (*street_name).into(),
                bbox: street_box,
            });
            for (j, (community_name, community_box)) in communities
                .iter()
                .zip(street_box.split(communities.len()))
                .enumerate()
            {
                let community_code = format!("{street_code}{:03}", j + 1);
                let grids = rng.usize(MIN_GRIDS..=MAX_GRIDS);
                units.push(DemoUnit {
                    code: community_code.clone(),
                    name: community_name.clone(),
                    bbox: community_box,
                });
                for (k, grid_box) in community_box.split(grids).into_iter().enumerate() {
                    units.push(DemoUnit {
                        code: format!("{community_code}{:03}", k + 1),
                        name: format!("{community_name}第{}网格", numeral(k + 1)),
                        bbox: grid_box,
                    });
                }
            }
        }
    }
    units
}

/// The tree as rows for the validated import (`unit_import::validate`, `Db::import_units`),
/// each with the parent its code implies.
pub fn unit_rows(units: &[DemoUnit]) -> Vec<(UnitRow, Option<String>)> {
    units
        .iter()
        .enumerate()
        .map(|(i, unit)| {
            (
                UnitRow {
                    row: i + 1,
                    code: unit.code.clone(),
                    name: unit.name.clone(),
                    boundary: Some(unit.bbox.polygon()),
                },
                parent_of(&unit.code).map(str::to_owned),
            )
        })
        .collect()
}

/// The county whose departments the demo seeds (黄石港区): enough for dispatch, queues and
/// 吹哨报到 to be tried; the other counties' events go to their streets.
pub const DEPARTMENT_COUNTY: &str = "420202";

/// The county's departments (职能部门): the part of the code after its own, and the name.
const COUNTY_DEPARTMENTS: [(&str, &str); 8] = [
    ("cgj", "黄石港区城市管理执法局"),
    ("zjj", "黄石港区住房和城乡建设局"),
    ("sthj", "市生态环境局黄石港分局"),
    ("scjg", "黄石港区市场监督管理局"),
    ("mzj", "黄石港区民政局"),
    ("yjj", "黄石港区应急管理局"),
    ("sfj", "黄石港区司法局"),
    ("slj", "黄石港区水利和湖泊局"),
];

/// Each street's own stations: the part of the code, and the name after the street's.
const STREET_DEPARTMENTS: [(&str, &str); 3] = [
    ("pcs", "派出所"),
    ("sfs", "司法所"),
    ("cgzd", "城管执法中队"),
];

/// The demo's departments: 黄石港区's bureaus and each of its streets' stations, in code
/// order (a department follows its parent). They have no boundary: they serve their
/// parent's area.
pub fn departments(units: &[DemoUnit]) -> Vec<(UnitRow, Option<String>)> {
    let mut rows = Vec::new();
    let mut add = |code: String, name: String, parent: &str| {
        rows.push((
            UnitRow {
                row: rows.len() + 1,
                code,
                name,
                boundary: None,
            },
            Some(parent.to_owned()),
        ));
    };
    for (part, name) in COUNTY_DEPARTMENTS {
        add(
            format!("{DEPARTMENT_COUNTY}.{part}"),
            name.to_owned(),
            DEPARTMENT_COUNTY,
        );
    }
    let streets = units
        .iter()
        .filter(|u| u.code.len() == 9 && u.code.starts_with(DEPARTMENT_COUNTY));
    for street in streets {
        let place = street
            .name
            .trim_end_matches("街道")
            .trim_end_matches('镇')
            .trim_end_matches('乡');
        for (part, name) in STREET_DEPARTMENTS {
            add(
                format!("{}.{part}", street.code),
                format!("{place}{name}"),
                &street.code,
            );
        }
    }
    rows
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::*;
    use crate::grid::unit_code::level_of;
    use crate::grid::unit_import::{parse_csv, validate};

    #[test]
    fn the_tree_holds_every_row_of_the_demo_csv_unchanged() {
        let units = unit_tree(1);
        let by_code: BTreeMap<&str, &str> = units
            .iter()
            .map(|u| (u.code.as_str(), u.name.as_str()))
            .collect();
        let departments = departments(&units);
        let by_code: BTreeMap<&str, &str> = by_code
            .into_iter()
            .chain(
                departments
                    .iter()
                    .map(|(d, _)| (d.code.as_str(), d.name.as_str())),
            )
            .collect();
        let csv = parse_csv(include_str!("../../data/demo/units.csv")).expect("parses");
        for (row, _) in csv {
            assert_eq!(
                by_code.get(row.code.as_str()),
                Some(&row.name.as_str()),
                "{}",
                row.code
            );
        }
    }

    #[test]
    fn codes_extend_their_parents_and_boxes_nest() {
        let units = unit_tree(1);
        let by_code: BTreeMap<&str, &DemoUnit> =
            units.iter().map(|u| (u.code.as_str(), u)).collect();
        assert_eq!(by_code.len(), units.len(), "no code twice");
        for unit in &units {
            assert!(level_of(&unit.code).is_ok(), "{}", unit.code);
            assert!(unit.bbox.area() > 0.0, "{}", unit.code);
            let Some(parent) = parent_of(&unit.code) else {
                continue;
            };
            let parent = by_code
                .get(parent)
                .unwrap_or_else(|| panic!("{} has no parent", unit.code));
            assert!(unit.code.starts_with(&parent.code));
            assert!(
                parent.bbox.contains(&unit.bbox),
                "{} lies outside {}",
                unit.code,
                parent.code
            );
        }
        let grids = units.iter().filter(|u| u.code.len() == 15).count();
        assert!(grids > 500, "{grids} grids");
        assert!(validate(&unit_rows(&units), |_| false).is_empty());
        let tree: std::collections::BTreeSet<&str> =
            units.iter().map(|u| u.code.as_str()).collect();
        let departments = departments(&units);
        assert_eq!(
            departments.len(),
            8 + 3 * 4,
            "8 bureaus, 3 stations in 4 streets"
        );
        assert!(validate(&departments, |code| tree.contains(code)).is_empty());
    }

    #[test]
    fn below_the_city_children_tile_their_parent() {
        let units = unit_tree(3);
        let mut children_area: BTreeMap<&str, f64> = BTreeMap::new();
        for unit in &units {
            if let Some(parent) = parent_of(&unit.code).filter(|p| p.len() >= 4) {
                *children_area.entry(parent).or_default() += unit.bbox.area();
            }
        }
        for unit in units
            .iter()
            .filter(|u| u.code.len() >= 4 && u.code.len() < 15)
        {
            let area = children_area.get(unit.code.as_str()).copied();
            let expected = unit.bbox.area();
            assert!(
                area.is_some_and(|a| (a - expected).abs() < 1e-9 * expected.max(1e-6)),
                "{}: children cover {area:?} of {expected}",
                unit.code
            );
        }
    }

    #[test]
    fn every_unit_has_a_polygon_boundary() {
        for (row, _) in unit_rows(&unit_tree(1)) {
            let boundary = row.boundary.expect("a boundary");
            let geometry: geojson::Geometry = boundary.parse().expect("GeoJSON");
            assert!(matches!(
                geometry.value,
                geojson::GeometryValue::Polygon { .. }
            ));
        }
    }

    #[test]
    fn the_same_seed_gives_the_same_tree() {
        assert_eq!(unit_tree(9), unit_tree(9));
        assert_ne!(unit_tree(9), unit_tree(10));
    }
}
