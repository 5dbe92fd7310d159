//! Where something is, as people report it: a point in WGS 84 degrees (both coordinates or
//! neither) and an address of at most [`MAX_ADDRESS_CHARS`] characters.

/// Longest address kept.
pub const MAX_ADDRESS_CHARS: usize = 200;

/// A checked place.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Place<'a> {
    /// Degrees north.
    pub latitude: Option<f64>,
    /// Degrees east.
    pub longitude: Option<f64>,
    /// The address, trimmed; `None` when blank.
    pub address: Option<&'a str>,
}

/// What is wrong with a place: the field (`latitude`, `longitude`, `address`) and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlaceProblem {
    /// The field.
    pub field: &'static str,
    /// What is wrong and what was expected.
    pub problem: String,
}

impl<'a> Place<'a> {
    /// Checks a point (both coordinates or neither, in range) and an address.
    pub fn checked(
        latitude: Option<f64>,
        longitude: Option<f64>,
        address: Option<&'a str>,
    ) -> Result<Self, PlaceProblem> {
        let problem = |field: &'static str, problem: String| Err(PlaceProblem { field, problem });
        match (latitude, longitude) {
            (Some(_), None) => {
                return problem(
                    "longitude",
                    "give longitude with latitude, or neither".into(),
                );
            }
            (None, Some(_)) => {
                return problem(
                    "latitude",
                    "give latitude with longitude, or neither".into(),
                );
            }
            _ => {}
        }
        if let Some(lat) = latitude.filter(|l| !(-90.0..=90.0).contains(l)) {
            return problem(
                "latitude",
                format!("expected degrees from -90 to 90, got {lat}"),
            );
        }
        if let Some(long) = longitude.filter(|l| !(-180.0..=180.0).contains(l)) {
            return problem(
                "longitude",
                format!("expected degrees from -180 to 180, got {long}"),
            );
        }
        let address = address.map(str::trim).filter(|a| !a.is_empty());
        if let Some(text) = address {
            let chars = text.chars().count();
            if chars > MAX_ADDRESS_CHARS {
                return problem(
                    "address",
                    format!("expected at most {MAX_ADDRESS_CHARS} characters, got {chars}"),
                );
            }
        }
        Ok(Self {
            latitude,
            longitude,
            address,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_coordinates_or_neither_in_range() {
        assert!(Place::checked(Some(30.2), Some(115.1), None).is_ok());
        assert!(Place::checked(None, None, None).is_ok());
        assert_eq!(
            Place::checked(Some(30.2), None, None).map_err(|p| p.field),
            Err("longitude")
        );
        assert_eq!(
            Place::checked(Some(91.0), Some(0.0), None).map_err(|p| p.field),
            Err("latitude")
        );
        assert_eq!(
            Place::checked(None, None, Some("  "))
                .expect("blank")
                .address,
            None
        );
        let long = "路".repeat(MAX_ADDRESS_CHARS + 1);
        assert_eq!(
            Place::checked(None, None, Some(&long)).map_err(|p| p.field),
            Err("address")
        );
    }
}
