//! Rectangular boundaries for the generated unit tree: a parent's box cut into exactly as
//! many child boxes as it has children, sharing edges and leaving no gap or overlap, so a
//! point lies in exactly one unit of each level.

/// Decimal places kept in coordinates: about 10 cm, more than any boundary needs.
const DECIMALS: f64 = 1e6;

/// A longitude/latitude box, west to east and south to north.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct BBox {
    /// Western edge (longitude).
    pub west: f64,
    /// Southern edge (latitude).
    pub south: f64,
    /// Eastern edge (longitude).
    pub east: f64,
    /// Northern edge (latitude).
    pub north: f64,
}

fn round(value: f64) -> f64 {
    (value * DECIMALS).round() / DECIMALS
}

/// `n + 1` edges from `from` to `to`, each rounded once, the outer two exactly the parent's:
/// neighbours take the same number for their shared edge.
fn edges(from: f64, to: f64, n: usize) -> Vec<f64> {
    (0..=n)
        .map(|i| match i {
            0 => from,
            i if i == n => to,
            i => round(from + (to - from) * i as f64 / n as f64),
        })
        .collect()
}

impl BBox {
    /// Cuts the box into `n` boxes: about √n columns west to east, each cut into rows south
    /// to north, the rows spread as evenly as the count allows. Column by column, so
    /// siblings' codes run west to east.
    pub fn split(&self, n: usize) -> Vec<BBox> {
        if n == 0 {
            return Vec::new();
        }
        let columns = (n as f64).sqrt().ceil() as usize;
        let column_edges = edges(self.west, self.east, columns);
        let mut boxes = Vec::with_capacity(n);
        for column in 0..columns {
            // The first `n % columns` columns take one row more.
            let rows = n / columns + usize::from(column < n % columns);
            let row_edges = edges(self.south, self.north, rows);
            for row in 0..rows {
                boxes.push(BBox {
                    west: column_edges[column],
                    east: column_edges[column + 1],
                    south: row_edges[row],
                    north: row_edges[row + 1],
                });
            }
        }
        boxes
    }

    /// Cuts the box at the given fractions of its width and height: `(west, south, east,
    /// north)` each in 0..=1. For hand-made layouts (the districts of the city).
    pub fn part(&self, west: f64, south: f64, east: f64, north: f64) -> BBox {
        let lon = |f: f64| match f {
            0.0 => self.west,
            1.0 => self.east,
            f => round(self.west + (self.east - self.west) * f),
        };
        let lat = |f: f64| match f {
            0.0 => self.south,
            1.0 => self.north,
            f => round(self.south + (self.north - self.south) * f),
        };
        BBox {
            west: lon(west),
            south: lat(south),
            east: lon(east),
            north: lat(north),
        }
    }

    /// Whether `other` lies within this box (edges may touch).
    pub fn contains(&self, other: &BBox) -> bool {
        self.west <= other.west
            && other.east <= self.east
            && self.south <= other.south
            && other.north <= self.north
    }

    /// The area in square degrees.
    pub fn area(&self) -> f64 {
        (self.east - self.west) * (self.north - self.south)
    }

    /// The GeoJSON Polygon geometry: one closed ring, counter-clockwise as RFC 7946 asks of
    /// exterior rings.
    pub fn polygon(&self) -> String {
        let (w, s, e, n) = (self.west, self.south, self.east, self.north);
        format!(
            r#"{{"type":"Polygon","coordinates":[[[{w},{s}],[{e},{s}],[{e},{n}],[{w},{n}],[{w},{s}]]]}}"#
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const CITY: BBox = BBox {
        west: 114.9,
        south: 29.8,
        east: 115.3,
        north: 30.3,
    };

    #[test]
    fn children_tile_the_parent_exactly() {
        for n in 1..=17 {
            let parts = CITY.split(n);
            assert_eq!(parts.len(), n);
            assert!(parts.iter().all(|p| CITY.contains(p) && p.area() > 0.0));
            let total: f64 = parts.iter().map(BBox::area).sum();
            assert!(
                (total - CITY.area()).abs() < 1e-9,
                "{n}: no gap, no overlap"
            );
            for (i, a) in parts.iter().enumerate() {
                for b in &parts[i + 1..] {
                    let overlap_lon = a.west.max(b.west) < a.east.min(b.east);
                    let overlap_lat = a.south.max(b.south) < a.north.min(b.north);
                    assert!(
                        !(overlap_lon && overlap_lat),
                        "{n}: {a:?} and {b:?} overlap"
                    );
                }
            }
        }
    }

    #[test]
    fn the_polygon_is_valid_geojson() {
        let geometry: geojson::Geometry = CITY.polygon().parse().expect("GeoJSON");
        assert!(matches!(
            geometry.value,
            geojson::GeometryValue::Polygon { .. }
        ));
    }
}
