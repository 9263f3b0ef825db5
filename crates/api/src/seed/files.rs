//! The bundled placement files (`crates/api/seed/*.csv`, written by
//! `crates/api/seed/generate.py`) in the import's CSV format, and how their dates are
//! brought to the day the demo is seeded.
//!
//! The files are written as of [`WRITTEN_ON`]. Placed as they are, their accounts would
//! all drift past 90 days; so the seed moves every delinquency and due date by the days
//! between that date and the agency's today first ([`rebased`]): the accounts keep their
//! ages, and every aging bucket has some on whatever day the demo is seeded.

use super::SeedError;
use chrono::{Days, NaiveDate};
use std::collections::BTreeSet;

/// The day the bundled files' dates are written as of (`generate.py`'s `WRITTEN_ON`).
pub const WRITTEN_ON: NaiveDate = match NaiveDate::from_ymd_opt(2026, 11, 30) {
    Some(date) => date,
    None => panic!("a date"),
};

/// The columns holding business dates that move with the file (a date of birth does not).
const MOVING_DATES: [&str; 2] = ["delinquency_date", "due_date"];

/// A bundled file and who places it.
pub struct Placement {
    pub file_name: &'static str,
    pub csv: &'static [u8],
    /// The agency's user who places it (imports are an agency admin's or a manager's).
    pub placed_by: &'static str,
}

/// About 150 accounts of the Demo Recovery Agency (USD).
pub const DEMO: Placement = Placement {
    file_name: "demo-recovery-accounts.csv",
    csv: include_bytes!("../../seed/demo-recovery-accounts.csv"),
    placed_by: "demo.admin",
};

/// A few accounts of Northwind Collections (GBP, UK addresses).
pub const NORTHWIND: Placement = Placement {
    file_name: "northwind-accounts.csv",
    csv: include_bytes!("../../seed/northwind-accounts.csv"),
    placed_by: "nw.admin",
};

impl Placement {
    /// The external references of the file's accounts.
    pub fn external_refs(&self) -> Result<BTreeSet<String>, SeedError> {
        let mut reader = csv::ReaderBuilder::new().from_reader(self.csv);
        let file = || self.file_name.to_owned();
        let column = reader.headers().map_err(|e| SeedError::Csv(e, file()))?.iter().position(|h| h == "external_ref");
        let column = column.ok_or_else(|| SeedError::Missing(format!("external_ref column in {}", self.file_name)))?;
        let mut refs = BTreeSet::new();
        for record in reader.records() {
            let record = record.map_err(|e| SeedError::Csv(e, file()))?;
            refs.extend(record.get(column).map(|r| r.trim().to_owned()));
        }
        Ok(refs)
    }
}

/// The file with its moving dates as if it had been written on `today`.
pub fn rebased(placement: &Placement, today: NaiveDate) -> Result<Vec<u8>, SeedError> {
    shifted(placement, (today - WRITTEN_ON).num_days())
}

/// The file with its moving dates `days` later (earlier when negative).
fn shifted(placement: &Placement, days: i64) -> Result<Vec<u8>, SeedError> {
    let file = || placement.file_name.to_owned();
    let mut reader = csv::ReaderBuilder::new().from_reader(placement.csv);
    let mut writer = csv::WriterBuilder::new().terminator(csv::Terminator::Any(b'\n')).from_writer(Vec::new());
    let header = reader.headers().map_err(|e| SeedError::Csv(e, file()))?.clone();
    let moving: Vec<bool> = header.iter().map(|h| MOVING_DATES.contains(&h)).collect();
    writer.write_record(&header).map_err(|e| SeedError::Csv(e, file()))?;
    for (n, record) in reader.records().enumerate() {
        let record = record.map_err(|e| SeedError::Csv(e, file()))?;
        let mut out = csv::StringRecord::new();
        for (value, (name, moves)) in record.iter().zip(header.iter().zip(&moving)) {
            if !*moves || value.is_empty() {
                out.push_field(value);
                continue;
            }
            let bad = |message: &str| SeedError::Row {
                file: file(),
                line: n as u64 + 2,
                field: MOVING_DATES.into_iter().find(|m| *m == name).unwrap_or("date"),
                message: message.to_owned(),
            };
            let date = NaiveDate::parse_from_str(value, "%Y-%m-%d").map_err(|_| bad("not a YYYY-MM-DD date"))?;
            let moved = if days >= 0 {
                date.checked_add_days(Days::new(days.unsigned_abs()))
            } else {
                date.checked_sub_days(Days::new(days.unsigned_abs()))
            };
            out.push_field(&moved.ok_or_else(|| bad("out of range once moved"))?.to_string());
        }
        writer.write_record(&out).map_err(|e| SeedError::Csv(e, file()))?;
    }
    writer.into_inner().map_err(|e| SeedError::Csv(e.into_error().into(), file()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use debtflow_domain::{account::days_past_due, Bucket, Currency};
    use rust_decimal::Decimal;
    use std::collections::HashMap;
    use std::str::FromStr;

    fn rows(csv: &[u8]) -> Vec<HashMap<String, String>> {
        let mut reader = csv::Reader::from_reader(csv);
        let header = reader.headers().unwrap().clone();
        reader
            .records()
            .map(|r| header.iter().zip(r.unwrap().iter()).map(|(h, v)| (h.to_owned(), v.to_owned())).collect())
            .collect()
    }

    fn date(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn unmoved_the_files_are_written_back_byte_for_byte() {
        for placement in [&DEMO, &NORTHWIND] {
            assert_eq!(shifted(placement, 0).unwrap(), placement.csv, "{}", placement.file_name);
            assert_eq!(rebased(placement, WRITTEN_ON).unwrap(), placement.csv);
        }
    }

    #[test]
    fn rebasing_moves_delinquency_and_due_dates_only() {
        let today = date("2027-03-15");
        let before = rows(DEMO.csv);
        let after = rows(&rebased(&DEMO, today).unwrap());
        assert_eq!(before.len(), after.len());
        let days = (today - WRITTEN_ON).num_days();
        let mut due_dates = 0;
        for (b, a) in before.iter().zip(&after) {
            assert_eq!((date(&a["delinquency_date"]) - date(&b["delinquency_date"])).num_days(), days);
            if b["due_date"].is_empty() {
                assert!(a["due_date"].is_empty());
            } else {
                due_dates += 1;
                assert_eq!((date(&a["due_date"]) - date(&b["due_date"])).num_days(), days);
            }
            for column in ["external_ref", "original_balance", "date_of_birth", "address", "debtor_name"] {
                assert_eq!(a[column], b[column], "{column} does not move");
            }
        }
        assert!(due_dates > 0, "the file has due dates to move");
        let earlier = rows(&rebased(&DEMO, date("2026-11-20")).unwrap());
        assert_eq!(date(&earlier[0]["delinquency_date"]), date(&before[0]["delinquency_date"]) - Days::new(10));
    }

    #[test]
    fn the_demo_file_is_about_150_realistic_accounts_in_every_aging_bucket() {
        let rows = rows(DEMO.csv);
        assert!((140..=160).contains(&rows.len()), "{} accounts", rows.len());
        let refs = DEMO.external_refs().unwrap();
        assert_eq!(refs.len(), rows.len(), "external references are unique");
        assert!(refs.iter().all(|r| r.starts_with("DRA-")));
        let buckets: BTreeSet<Bucket> =
            rows.iter().map(|r| Bucket::of(days_past_due(date(&r["delinquency_date"]), WRITTEN_ON))).collect();
        assert_eq!(buckets.len(), Bucket::ALL.len(), "every aging bucket has accounts: {buckets:?}");
        let balances: Vec<Decimal> = rows.iter().map(|r| Decimal::from_str(&r["original_balance"]).unwrap()).collect();
        assert!(balances.iter().all(|b| *b >= Decimal::from(80) && *b <= Decimal::from(25_000)));
        assert!(
            balances.iter().any(|b| *b < Decimal::from(150)) && balances.iter().any(|b| *b > Decimal::from(15_000))
        );
        assert!(rows.iter().all(|r| r["currency"].is_empty() || r["currency"] == Currency::USD.code()));
        assert!(rows.iter().any(|r| r["email"].is_empty()) && rows.iter().any(|r| r["phone"].is_empty()));
        let creditors: BTreeSet<&str> = rows.iter().map(|r| r["creditor"].as_str()).collect();
        assert!(creditors.len() >= 10, "varied creditors: {creditors:?}");
    }

    #[test]
    fn northwind_places_a_few_gbp_accounts() {
        let rows = rows(NORTHWIND.csv);
        assert!((3..=12).contains(&rows.len()));
        assert!(rows.iter().all(|r| r["currency"] == "GBP" && r["external_ref"].starts_with("NWC-")));
    }
}
