//! Invented residents: names, ages by population type, GB 11643 ID numbers whose region is
//! the grid's county and whose birth date and gender agree with the record, phones and
//! tags, each run through the same validation as an imported row.

use std::collections::HashSet;

use fastrand::Rng;
use jiff::civil::{Date, date};

use super::names::{chinese_name, foreign_name, mobile};
use crate::grid::id_number::{IdNumber, check_character};
use crate::grid::resident::{NewResident, PopulationType, ResidentFields, validate_resident};

/// Ages are counted back from this day rather than from today, so that a seed gives the
/// same residents whenever it is run.
const AGE_REFERENCE: Date = date(2026, 1, 1);

/// Shares of the population types (户籍, 流动, 留守; the rest 境外), close to a
/// prefecture-level city of central China.
const REGISTERED_SHARE: f64 = 0.78;
const FLOATING_SHARE: f64 = 0.15;
const LEFT_BEHIND_SHARE: f64 = 0.067;

/// Share of each ten-year age band among registered residents, youngest first, roughly
/// the 2020 census for Hubei.
const AGE_BANDS: [f64; 10] = [0.10, 0.11, 0.11, 0.15, 0.14, 0.17, 0.12, 0.06, 0.03, 0.01];

/// The residents of `host/data/demo/residents.csv`, unchanged, which the README and the
/// demo users rely on.
const DEMO_RESIDENTS_CSV: &str = include_str!("../../data/demo/residents.csv");

/// Draws residents for a list of grids.
pub struct ResidentGenerator {
    rng: Rng,
    /// (grid code, county code) of every grid.
    grids: Vec<(String, String)>,
    /// The first 17 digits of every ID number handed out, as a number: no number twice.
    taken: HashSet<u64>,
    today: Date,
}

fn id_key(first17: &str) -> u64 {
    first17.parse().unwrap_or(u64::MAX)
}

impl ResidentGenerator {
    /// A generator for `grids` (codes of 15 digits whose first six are the county), seeded
    /// with `seed`, that never repeats an ID number of `taken`.
    pub fn new<'a>(
        seed: u64,
        grids: Vec<String>,
        taken: impl IntoIterator<Item = &'a str>,
        today: Date,
    ) -> Self {
        let grids = grids
            .into_iter()
            .map(|grid| {
                let county = grid.get(..6).unwrap_or_default().to_owned();
                (grid, county)
            })
            .collect();
        Self {
            rng: Rng::with_seed(seed),
            grids,
            taken: taken
                .into_iter()
                .filter_map(|id| id.get(..17))
                .map(id_key)
                .collect(),
            today,
        }
    }

    fn population_type(&mut self) -> PopulationType {
        let draw = self.rng.f64();
        if draw < REGISTERED_SHARE {
            PopulationType::Registered
        } else if draw < REGISTERED_SHARE + FLOATING_SHARE {
            PopulationType::Floating
        } else if draw < REGISTERED_SHARE + FLOATING_SHARE + LEFT_BEHIND_SHARE {
            PopulationType::LeftBehind
        } else {
            PopulationType::Foreign
        }
    }

    /// An age in whole years that fits the population type: migrants of working age,
    /// left-behind children and elders, registered residents by the census bands.
    fn age(&mut self, population_type: PopulationType) -> i64 {
        let rng = &mut self.rng;
        match population_type {
            PopulationType::Floating => rng.i64(18..=55),
            PopulationType::Foreign => rng.i64(20..=60),
            PopulationType::LeftBehind if rng.u8(0..10) < 6 => rng.i64(3..=15),
            PopulationType::LeftBehind => rng.i64(65..=85),
            PopulationType::Registered => {
                let mut draw = rng.f64();
                let mut band = 0;
                while band + 1 < AGE_BANDS.len() && draw >= AGE_BANDS[band] {
                    draw -= AGE_BANDS[band];
                    band += 1;
                }
                band as i64 * 10 + rng.i64(0..10)
            }
        }
    }

    /// A free ID number for `county`, `birth` and gender: the sequence (顺序码) is drawn
    /// until the number is new, moving the birth a day earlier in the unlikely case that
    /// day's 500 sequences are gone.
    fn id_number(&mut self, county: &str, mut birth: Date, male: bool) -> anyhow::Result<IdNumber> {
        loop {
            for _ in 0..64 {
                let sequence = self.rng.u16(0..500) * 2 + u16::from(male);
                let first17 = format!("{county}{}{sequence:03}", birth.strftime("%Y%m%d"));
                if self.taken.insert(id_key(&first17)) {
                    let check = check_character(&first17)
                        .ok_or_else(|| anyhow::anyhow!("`{first17}` is not 17 digits"))?;
                    return Ok(IdNumber::parse(&format!("{first17}{check}"), self.today)?);
                }
            }
            birth = birth.yesterday()?;
        }
    }

    fn tags(&mut self, age: i64, male: bool, population_type: PopulationType) -> Vec<String> {
        let rng = &mut self.rng;
        let mut tags = Vec::new();
        if age >= 65 && rng.u8(0..100) < 12 {
            tags.push("living-alone");
        }
        if age >= 60 && population_type == PopulationType::Registered && rng.u8(0..100) < 75 {
            tags.push("pensioner");
        }
        if rng.u16(0..1000) < 20 {
            tags.push("disabled");
        }
        if rng.u16(0..1000) < 25 {
            tags.push("low-income");
        }
        if male && (25..=80).contains(&age) && rng.u8(0..100) < 3 {
            tags.push("veteran");
        }
        tags.into_iter().map(str::to_owned).collect()
    }

    /// The next resident, in a grid drawn at random (grids fill evenly, residents of one
    /// grid are spread through the table as real registrations are).
    pub fn next_resident(&mut self) -> anyhow::Result<NewResident> {
        anyhow::ensure!(
            !self.grids.is_empty(),
            "there are no grids to place residents in"
        );
        let (grid_code, county) = self.grids[self.rng.usize(..self.grids.len())].clone();
        let population_type = self.population_type();
        let age = self.age(population_type);
        let male = self.rng.u16(0..1000) < 512;
        let days_old = age * 365 + self.rng.i64(0..365);
        let birth = AGE_REFERENCE.checked_sub(jiff::Span::new().days(days_old))?;
        let id_number = self.id_number(&county, birth, male)?;
        let name = match population_type {
            PopulationType::Foreign => foreign_name(&mut self.rng),
            _ => chinese_name(&mut self.rng, male),
        };
        let phone = match age {
            ..=13 => None,
            75.. if self.rng.u8(0..10) < 4 => None,
            _ => Some(mobile(&mut self.rng)),
        };
        let tags = self.tags(age, male, population_type);
        Ok(NewResident {
            name,
            gender: id_number.gender(),
            birth_date: id_number.birth_date(),
            id_number,
            phone,
            population_type,
            grid_code,
            tags,
        })
    }
}

/// The eight residents of `host/data/demo/residents.csv`, validated as an import would.
pub fn demo_csv_residents(today: Date) -> anyhow::Result<Vec<NewResident>> {
    let mut reader = csv::ReaderBuilder::new()
        .trim(csv::Trim::All)
        .from_reader(DEMO_RESIDENTS_CSV.as_bytes());
    let headers = reader.headers()?.clone();
    let mut residents = Vec::new();
    for (i, record) in reader.records().enumerate() {
        let record = record?;
        let field = |name: &str| {
            headers
                .iter()
                .position(|h| h == name)
                .and_then(|at| record.get(at))
                .unwrap_or("")
        };
        let fields = ResidentFields {
            name: field("name"),
            gender: field("gender"),
            birth_date: field("birth_date"),
            id_number: field("id_number"),
            phone: field("phone"),
            population_type: field("population_type"),
            grid_code: field("grid_code"),
            tags: field("tags"),
        };
        let resident = validate_resident(i + 1, &fields, today).map_err(|problems| {
            let lines: Vec<String> = problems.iter().map(ToString::to_string).collect();
            anyhow::anyhow!("demo residents.csv: {}", lines.join("; "))
        })?;
        residents.push(resident);
    }
    Ok(residents)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::grid::calendar::today_in_china;
    use crate::grid::resident::gender_name;

    fn generator(seed: u64) -> ResidentGenerator {
        let demo = demo_csv_residents(today_in_china()).expect("demo rows");
        ResidentGenerator::new(
            seed,
            vec!["420202001001001".into(), "420222003002004".into()],
            demo.iter().map(|r| r.id_number.as_str()),
            today_in_china(),
        )
    }

    #[test]
    fn every_resident_would_pass_the_import_validation() {
        let today = today_in_china();
        let mut residents = generator(1);
        let mut ids = HashSet::new();
        for row in 0..5_000 {
            let r = residents.next_resident().expect("resident");
            assert_eq!(
                &r.id_number.as_str()[..6],
                &r.grid_code[..6],
                "region = county"
            );
            assert!(
                ids.insert(r.id_number.as_str().to_owned()),
                "unique ID numbers"
            );
            let birth = r.birth_date.to_string();
            let tags = r.tags.join("|");
            let fields = ResidentFields {
                name: &r.name,
                gender: gender_name(r.gender),
                birth_date: &birth,
                id_number: r.id_number.as_str(),
                phone: r.phone.as_deref().unwrap_or(""),
                population_type: r.population_type.name(),
                grid_code: &r.grid_code,
                tags: &tags,
            };
            assert_eq!(validate_resident(row, &fields, today), Ok(r));
        }
    }

    #[test]
    fn population_types_come_in_realistic_shares() {
        let mut residents = generator(2);
        let mut registered = 0;
        let mut foreign = 0;
        for _ in 0..10_000 {
            match residents.next_resident().expect("resident").population_type {
                PopulationType::Registered => registered += 1,
                PopulationType::Foreign => foreign += 1,
                _ => {}
            }
        }
        assert!((7_000..8_500).contains(&registered), "{registered}");
        assert!((1..100).contains(&foreign), "{foreign}");
    }

    #[test]
    fn the_same_seed_gives_the_same_residents_and_the_demo_rows_are_never_reused() {
        let (mut a, mut b) = (generator(5), generator(5));
        let demo = demo_csv_residents(today_in_china()).expect("demo rows");
        assert_eq!(demo.len(), 8);
        for _ in 0..1_000 {
            let (x, y) = (
                a.next_resident().expect("resident"),
                b.next_resident().expect("resident"),
            );
            assert!(demo.iter().all(|d| d.id_number != x.id_number));
            assert_eq!(x, y);
        }
    }
}
