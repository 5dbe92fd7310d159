//! The running bureau: today's date and the certifications and payments made to this
//! process, kept in memory on top of the derived records.

use std::collections::{BTreeSet, HashMap};
use std::sync::{Mutex, MutexGuard, PoisonError};

use jiff::civil::Date;
use jiff::tz::offset;

use crate::id_number::IdNumber;
use crate::records::{self, Certification, MedicalRecord, Method, PensionRecord};

/// The stand-in bureau's state, shared by the request handlers.
#[derive(Debug)]
pub struct Bureau {
    /// A fixed date (tests), or `None` for today in China.
    today: Option<Date>,
    changes: Mutex<HashMap<String, Changes>>,
}

/// What this process was told about one person.
#[derive(Debug, Default)]
struct Changes {
    /// Certifications by year: date and method.
    certified: HashMap<i16, (Date, Method)>,
    /// Years paid for medical insurance.
    paid: BTreeSet<i16>,
}

/// Why a certification was refused.
#[derive(Debug, PartialEq, Eq)]
pub enum CertifyError {
    /// The person draws no pension.
    NotAPensioner,
}

/// Why a payment was refused.
#[derive(Debug, PartialEq, Eq)]
pub enum PayError {
    /// Payments are only taken for the campaign year (given).
    NotTheCampaignYear(i16),
    /// The year is paid already.
    AlreadyPaid,
}

impl Bureau {
    /// A bureau whose today is the current date in China (UTC+8).
    pub fn new() -> Self {
        Self {
            today: None,
            changes: Mutex::default(),
        }
    }

    /// A bureau for which today is always `today`.
    #[cfg(test)]
    pub fn on(today: Date) -> Self {
        Self {
            today: Some(today),
            changes: Mutex::default(),
        }
    }

    /// Today in China.
    pub fn today(&self) -> Date {
        self.today.unwrap_or_else(|| {
            // A fixed offset: China has no daylight saving time, and the tz database may be
            // missing where the stand-in runs.
            offset(8).to_datetime(jiff::Timestamp::now()).date()
        })
    }

    /// The person with ID number `text`, if it is valid and born by today.
    pub fn person(&self, text: &str) -> Option<IdNumber> {
        IdNumber::parse(text)
            .filter(|id| id.birth_date() <= self.today() && id.birth_date().year() >= 1900)
    }

    /// The current pension record of `id`.
    pub fn pension(&self, id: &IdNumber) -> PensionRecord {
        let today = self.today();
        let mut record = records::pension(id, today);
        if let Some(certification) = record.certification.as_mut()
            && let Some(changes) = self.lock().get(id.as_str())
            && let Some((on, method)) = changes.certified.get(&certification.year)
        {
            *certification = Certification::certified(certification.year, *on, *method);
        }
        record
    }

    /// Certifies `id` for this year (a second certification leaves the first standing).
    pub fn certify(&self, id: &IdNumber, method: Method) -> Result<PensionRecord, CertifyError> {
        let today = self.today();
        let record = self.pension(id);
        let Some(certification) = &record.certification else {
            return Err(CertifyError::NotAPensioner);
        };
        if certification.certified_on.is_some() {
            return Ok(record);
        }
        self.lock()
            .entry(id.as_str().to_owned())
            .or_default()
            .certified
            .entry(certification.year)
            .or_insert((today, method));
        Ok(self.pension(id))
    }

    /// The current medical insurance record of `id`.
    pub fn medical(&self, id: &IdNumber) -> MedicalRecord {
        let mut record = records::medical(id, self.today());
        if let Some(changes) = self.lock().get(id.as_str()) {
            for year in &changes.paid {
                record.add_payment(*year);
            }
        }
        record
    }

    /// Records a payment of `id` for `year`, which must be the campaign year.
    pub fn pay(&self, id: &IdNumber, year: i16) -> Result<MedicalRecord, PayError> {
        let record = self.medical(id);
        if year != record.campaign_year {
            return Err(PayError::NotTheCampaignYear(record.campaign_year));
        }
        if record.campaign_paid {
            return Err(PayError::AlreadyPaid);
        }
        let newly = self
            .lock()
            .entry(id.as_str().to_owned())
            .or_default()
            .paid
            .insert(year);
        if !newly {
            return Err(PayError::AlreadyPaid);
        }
        Ok(self.medical(id))
    }

    fn lock(&self) -> MutexGuard<'_, HashMap<String, Changes>> {
        // The map stays consistent even if a holder panicked: every change is one insert.
        self.changes.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

impl Default for Bureau {
    fn default() -> Self {
        Self::new()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::id_number::with_check;
    use crate::records::CertificationStatus;
    use jiff::civil::date;

    #[test]
    fn certification_stands_until_the_year_ends() {
        let first = Bureau::on(date(2026, 5, 14));
        let pensioner = (0..500)
            .map(|n| IdNumber::parse(&with_check(&format!("42020219450101{:03}", n * 2 + 1))))
            .map(|id| id.expect("valid"))
            .find(|id| {
                first.pension(id).certification.map(|c| c.status) == Some(CertificationStatus::Due)
            })
            .expect("a pensioner who is due");
        let record = first
            .certify(&pensioner, Method::SelfService)
            .expect("certified");
        let certification = record.certification.expect("certification");
        assert_eq!(certification.certified_on, Some(date(2026, 5, 14)));
        assert_eq!(certification.method, Some(Method::SelfService));
        // The same process on another day: the 2026 certification stands.
        let later = Bureau {
            today: Some(date(2026, 6, 1)),
            changes: Mutex::new(std::mem::take(&mut *first.lock())),
        };
        let again = later
            .certify(&pensioner, Method::InPerson)
            .expect("certified");
        assert_eq!(
            again.certification.and_then(|c| c.certified_on),
            Some(date(2026, 5, 14))
        );
        // A new year starts due again (unless the derived record says otherwise).
        let next_year = Bureau {
            today: Some(date(2027, 5, 14)),
            changes: Mutex::new(std::mem::take(&mut *later.lock())),
        };
        let fresh = records::pension(&pensioner, date(2027, 5, 14)).certification;
        assert_eq!(next_year.pension(&pensioner).certification, fresh);
    }

    #[test]
    fn people_born_after_today_are_unknown() {
        let bureau = Bureau::on(date(2026, 5, 14));
        assert!(bureau.person(&with_check("42020220260514001")).is_some());
        assert!(bureau.person(&with_check("42020220260515001")).is_none());
        assert!(bureau.person(&with_check("42020218991231001")).is_none());
        assert!(bureau.person("not a number").is_none());
    }
}
