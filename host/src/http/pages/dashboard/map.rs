//! The child units' map: their GeoJSON boundaries drawn as inline SVG on the server, no tile
//! server and no script. Longitude and latitude are projected linearly into the viewBox
//! (north up), and each unit is filled by a five-step scale of its open events.

use maud::{Markup, html};
use serde_json::Value;
use wangge_registry::Level;

use super::page::Child;
use crate::grid::small_cells::{SMALL_CELL_THRESHOLD, suppresses};

/// Width of the viewBox; the height follows the boundaries' aspect.
const WIDTH: f64 = 600.0;

/// Light to dark: no events first.
const SCALE: [&str; 5] = ["#eef2f7", "#fdd0a2", "#fd8d3c", "#e6550d", "#a63603"];

/// A ring of (longitude, latitude).
type Ring = Vec<(f64, f64)>;

/// The rings of a Polygon or MultiPolygon geometry (other geometries have none).
fn rings(geometry: &Value) -> Vec<Ring> {
    let ring = |value: &Value| -> Ring {
        value
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|point| Some((point.get(0)?.as_f64()?, point.get(1)?.as_f64()?)))
            .collect()
    };
    let polygon =
        |value: &Value| -> Vec<Ring> { value.as_array().into_iter().flatten().map(ring).collect() };
    let coordinates = &geometry["coordinates"];
    match geometry["type"].as_str() {
        Some("Polygon") => polygon(coordinates),
        Some("MultiPolygon") => coordinates
            .as_array()
            .into_iter()
            .flatten()
            .flat_map(polygon)
            .collect(),
        _ => Vec::new(),
    }
    .into_iter()
    .filter(|r| r.len() >= 3)
    .collect()
}

/// The colour step of `count` out of `max` (0 for none); small cells, which show as `<5`,
/// all take the first non-empty step so the colour tells no more than the number.
fn step(count: i64, max: i64, level: Level) -> usize {
    if count <= 0 || max <= 0 {
        return 0;
    }
    if suppresses(level) && count < SMALL_CELL_THRESHOLD {
        return 1;
    }
    let share = count as f64 / max as f64;
    ((share * 4.0).ceil() as usize).clamp(1, 4)
}

/// The SVG `d` of `rings` under the projection.
fn path(rings: &[Ring], project: &dyn Fn((f64, f64)) -> (f64, f64)) -> String {
    let mut d = String::new();
    for ring in rings {
        for (i, point) in ring.iter().enumerate() {
            let (x, y) = project(*point);
            d.push_str(&format!("{}{x:.1} {y:.1}", if i == 0 { "M" } else { "L" }));
        }
        d.push('Z');
    }
    d
}

/// The map of `children`, or nothing when none has a boundary.
pub(super) fn svg(children: &[Child], level: Level) -> Markup {
    let shapes: Vec<(&Child, Vec<Ring>)> = children
        .iter()
        .filter_map(|child| {
            let geometry: Value = serde_json::from_str(child.boundary.as_deref()?).ok()?;
            let rings = rings(&geometry);
            (!rings.is_empty()).then_some((child, rings))
        })
        .collect();
    let points = shapes.iter().flat_map(|(_, rings)| rings.iter().flatten());
    let (mut west, mut south, mut east, mut north) = (f64::MAX, f64::MAX, f64::MIN, f64::MIN);
    for (lon, lat) in points {
        west = west.min(*lon);
        east = east.max(*lon);
        south = south.min(*lat);
        north = north.max(*lat);
    }
    if shapes.is_empty() || east <= west || north <= south {
        return html! {};
    }
    let scale = WIDTH / (east - west);
    let height = ((north - south) * scale).max(1.0);
    let project = move |(lon, lat): (f64, f64)| ((lon - west) * scale, (north - lat) * scale);
    let max = shapes.iter().map(|(c, _)| c.open).max().unwrap_or(0);
    html! {
        figure.unit-map {
            svg xmlns="http://www.w3.org/2000/svg" viewBox={ "0 0 " (WIDTH) " " (format!("{height:.1}")) }
                role="img" aria-label="下级单位地图（按未结案事件数着色）" {
                @for (child, rings) in &shapes {
                    a href={ "/dashboard/?unit=" (child.code) } {
                        path.unit d=(path(rings, &project)) fill=(SCALE[step(child.open, max, level)])
                            data-unit=(child.code) {
                            title { (child.name) "：" "未结案 " (super::page::text(child.open, level)) " 件" }
                        }
                    }
                }
            }
            figcaption.legend {
                "未结案事件："
                @for (i, colour) in SCALE.iter().enumerate() {
                    span.swatch style={ "background:" (colour) } {}
                    @if i == 0 { "无 " } @else if i == SCALE.len() - 1 { "多" }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn polygons_and_multipolygons_have_rings() {
        let polygon: Value = serde_json::from_str(
            r#"{"type":"Polygon","coordinates":[[[0,0],[1,0],[1,1],[0,1],[0,0]]]}"#,
        )
        .expect("json");
        assert_eq!(rings(&polygon).len(), 1);
        let multi: Value = serde_json::from_str(
            r#"{"type":"MultiPolygon","coordinates":[[[[0,0],[1,0],[1,1],[0,0]]],[[[2,2],[3,2],[3,3],[2,2]]]]}"#,
        )
        .expect("json");
        assert_eq!(rings(&multi).len(), 2);
        let point: Value =
            serde_json::from_str(r#"{"type":"Point","coordinates":[0,0]}"#).expect("json");
        assert!(rings(&point).is_empty());
    }

    #[test]
    fn steps_hide_small_cells_above_community() {
        assert_eq!(step(0, 100, Level::City), 0);
        assert_eq!(step(1, 4, Level::City), 1);
        assert_eq!(step(4, 4, Level::City), 1);
        assert_eq!(step(4, 4, Level::Community), 4);
        assert_eq!(step(100, 100, Level::City), 4);
        assert_eq!(step(26, 100, Level::City), 2);
    }

    #[test]
    fn north_is_up() {
        let children = [Child {
            code: "420202".into(),
            name: "黄石港区".into(),
            boundary: Some(
                r#"{"type":"Polygon","coordinates":[[[115,30],[116,30],[116,31],[115,31],[115,30]]]}"#
                    .into(),
            ),
            total: 3,
            open: 3,
            overdue_visits: 0,
            verification: None,
        }];
        let svg = svg(&children, Level::City).into_string();
        assert!(
            svg.contains(r#"d="M0.0 600.0L600.0 600.0L600.0 0.0L0.0 0.0L0.0 600.0Z""#),
            "{svg}"
        );
        assert!(svg.contains("黄石港区：未结案 &lt;5 件"), "{svg}");
        assert!(svg.contains(r#"href="/dashboard/?unit=420202""#), "{svg}");
    }
}
