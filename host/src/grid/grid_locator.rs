//! Grid assignment by association (关联核录): which grid's boundary a point lies in.
//!
//! Built once per import from the grids' GeoJSON boundaries; each look-up checks bounding
//! boxes first and runs the exact point-in-polygon test only on the few grids whose box
//! holds the point, so a city's thousands of grids cost little per row.

use geo::{BoundingRect, Contains, Coord, MultiPolygon, Point, Rect};

/// One grid's boundary, ready to test.
struct GridShape {
    code: String,
    bounds: Rect<f64>,
    shape: MultiPolygon<f64>,
}

/// The grids with boundaries, searchable by point.
pub struct GridLocator {
    grids: Vec<GridShape>,
}

/// Why a boundary could not be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("grid {code}: boundary is not a usable GeoJSON Polygon or MultiPolygon: {problem}")]
pub struct BoundaryError {
    /// The grid.
    pub code: String,
    /// What is wrong.
    pub problem: String,
}

fn multi_polygon(geojson_text: &str) -> Result<MultiPolygon<f64>, String> {
    let geometry: geojson::Geometry = geojson_text.parse().map_err(|e| format!("{e}"))?;
    match geo::Geometry::<f64>::try_from(&geometry.value).map_err(|e| e.to_string())? {
        geo::Geometry::Polygon(polygon) => Ok(MultiPolygon(vec![polygon])),
        geo::Geometry::MultiPolygon(multi) => Ok(multi),
        _ => Err("expected a Polygon or MultiPolygon".into()),
    }
}

impl GridLocator {
    /// A locator over `(grid code, GeoJSON boundary)` pairs. Grids are tried in code order,
    /// so where boundaries overlap (they should not) the answer is still deterministic.
    pub fn new<'a>(
        grids: impl IntoIterator<Item = (&'a str, &'a str)>,
    ) -> Result<Self, BoundaryError> {
        let mut shapes = Vec::new();
        for (code, boundary) in grids {
            let error = |problem: String| BoundaryError {
                code: code.to_owned(),
                problem,
            };
            let shape = multi_polygon(boundary).map_err(error)?;
            let bounds = shape
                .bounding_rect()
                .ok_or_else(|| error("the boundary has no points".into()))?;
            shapes.push(GridShape {
                code: code.to_owned(),
                bounds,
                shape,
            });
        }
        shapes.sort_by(|a, b| a.code.cmp(&b.code));
        Ok(Self { grids: shapes })
    }

    /// How many grids have boundaries.
    pub fn len(&self) -> usize {
        self.grids.len()
    }

    /// Whether no grid has a boundary (every look-up will miss).
    pub fn is_empty(&self) -> bool {
        self.grids.is_empty()
    }

    /// The grid whose boundary contains the WGS 84 point, if any. A point exactly on a
    /// shared edge belongs to no grid's interior; it is reported unmatched rather than
    /// guessed.
    pub fn locate(&self, longitude: f64, latitude: f64) -> Option<&str> {
        let point = Point::new(longitude, latitude);
        let coord = Coord {
            x: longitude,
            y: latitude,
        };
        self.grids
            .iter()
            .filter(|grid| grid.bounds.contains(&coord) || on_box_edge(&grid.bounds, coord))
            .find(|grid| grid.shape.contains(&point))
            .map(|grid| grid.code.as_str())
    }
}

/// `Rect::contains` excludes the edge; a point on the box's edge may still be inside a
/// polygon whose edge it is not on, so the pre-filter keeps it.
fn on_box_edge(bounds: &Rect<f64>, coord: Coord<f64>) -> bool {
    let (min, max) = (bounds.min(), bounds.max());
    (min.x..=max.x).contains(&coord.x) && (min.y..=max.y).contains(&coord.y)
}

/// Matched rows out of rows that had coordinates, for import reports.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct MatchRate {
    /// Rows with coordinates.
    pub with_coordinates: usize,
    /// Of those, rows whose point fell inside a grid boundary.
    pub matched: usize,
}

impl std::fmt::Display for MatchRate {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.with_coordinates == 0 {
            return write!(f, "match rate: no rows had coordinates");
        }
        #[expect(clippy::cast_precision_loss, reason = "row counts are far below 2^52")]
        let percent = 100.0 * self.matched as f64 / self.with_coordinates as f64;
        write!(
            f,
            "match rate: {} of {} rows with coordinates fell inside a grid boundary ({percent:.1}%)",
            self.matched, self.with_coordinates
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn square(x0: f64, y0: f64, size: f64) -> String {
        format!(
            r#"{{"type":"Polygon","coordinates":[[[{x0},{y0}],[{x1},{y0}],[{x1},{y1}],[{x0},{y1}],[{x0},{y0}]]]}}"#,
            x1 = x0 + size,
            y1 = y0 + size
        )
    }

    #[test]
    fn points_fall_in_their_grid_or_none() {
        let west = square(115.0, 30.0, 0.01);
        let east = square(115.01, 30.0, 0.01);
        let locator = GridLocator::new([
            ("420202001001002", east.as_str()),
            ("420202001001001", west.as_str()),
        ])
        .expect("valid boundaries");
        assert_eq!(locator.len(), 2);
        assert_eq!(locator.locate(115.005, 30.005), Some("420202001001001"));
        assert_eq!(locator.locate(115.015, 30.005), Some("420202001001002"));
        assert_eq!(locator.locate(115.5, 30.005), None, "outside both");
        assert_eq!(locator.locate(115.01, 30.005), None, "on the shared edge");
    }

    #[test]
    fn a_hole_is_outside() {
        let with_hole = r#"{"type":"Polygon","coordinates":[
            [[0,0],[10,0],[10,10],[0,10],[0,0]],
            [[4,4],[6,4],[6,6],[4,6],[4,4]]]}"#;
        let locator = GridLocator::new([("g", with_hole)]).expect("valid");
        assert_eq!(locator.locate(2.0, 2.0), Some("g"));
        assert_eq!(locator.locate(5.0, 5.0), None);
    }

    #[test]
    fn bad_boundaries_name_the_grid() {
        let error =
            GridLocator::new([("420202001001001", r#"{"type":"Point","coordinates":[1,2]}"#)])
                .err()
                .expect("a point is no boundary");
        assert_eq!(error.code, "420202001001001");
    }

    #[test]
    fn match_rate_reads_as_a_sentence() {
        let rate = MatchRate {
            with_coordinates: 8,
            matched: 6,
        };
        assert_eq!(
            rate.to_string(),
            "match rate: 6 of 8 rows with coordinates fell inside a grid boundary (75.0%)"
        );
    }
}
