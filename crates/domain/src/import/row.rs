//! One row of a placement file, read into a [`Placement`] or into the list of what is
//! wrong with it — every wrong cell in column order, not just the first, so a creditor fixes a row once.
//!
//! Cells are trimmed; an empty optional cell means "not given" (and an update never
//! erases what the account already has). A cell that looks like a spreadsheet formula
//! (`=cmd|…`) is kept as the text it is: nothing here evaluates it, and every CSV the
//! product writes neutralises it.

use super::columns::{Columns, DateFormat, Field};
use crate::{Currency, Money, Priority};
use chrono::NaiveDate;
use rust_decimal::Decimal;
use std::str::FromStr;

/// The last four digits of a debtor's SSN.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SsnLast4([u8; 4]);

impl SsnLast4 {
    pub fn as_str(&self) -> &str {
        // Built only from four ASCII digits.
        std::str::from_utf8(&self.0).unwrap_or("0000")
    }
}

impl FromStr for SsnLast4 {
    type Err = &'static str;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.as_bytes() {
            &[a, b, c, d] if [a, b, c, d].iter().all(u8::is_ascii_digit) => Ok(SsnLast4([a, b, c, d])),
            _ => Err("must be exactly four digits"),
        }
    }
}

/// A valid row: an account to place, or the update of one with the same reference.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Placement {
    pub external_ref: String,
    pub creditor: String,
    pub original_creditor: Option<String>,
    pub original_balance: Money,
    pub delinquency_date: NaiveDate,
    pub due_date: Option<NaiveDate>,
    pub priority: Option<Priority>,
    pub debtor_name: String,
    pub phone: Option<String>,
    pub email: Option<String>,
    pub address: Option<String>,
    pub date_of_birth: Option<NaiveDate>,
    pub ssn_last4: Option<SsnLast4>,
}

/// What is wrong with one cell.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldError {
    pub field: Field,
    pub value: String,
    pub message: String,
}

/// Reads `record` (the cells in file order) under `columns`, for an agency whose
/// currency is `currency` and whose today is `today`.
pub fn read(
    columns: &Columns,
    record: &[&str],
    currency: Currency,
    today: NaiveDate,
) -> Result<Placement, Vec<FieldError>> {
    let mut row = Row { cells: [None; 14], errors: Vec::new() };
    for (field, cell) in columns.cells(record) {
        let cell = cell.trim();
        if !cell.is_empty() {
            row.cells[field as usize] = Some(cell);
        }
    }
    for field in Field::REQUIRED {
        if row.cell(field).is_none() {
            row.fail(field, "", "is required".to_owned());
        }
    }
    let external_ref = row.text(Field::ExternalRef, 100);
    let creditor = row.text(Field::Creditor, 200);
    let original_creditor = row.text(Field::OriginalCreditor, 200);
    let debtor_name = row.text(Field::DebtorName, 200);
    let address = row.text(Field::Address, 500);
    let phone = row.text(Field::Phone, 30).filter(|v| row.check(Field::Phone, v, plausible_phone(v), PHONE));
    let email = row.text(Field::Email, 254).filter(|v| row.check(Field::Email, v, plausible_email(v), EMAIL));
    let original_balance = row.parse(Field::OriginalBalance, |v| amount(v, currency));
    if let Some(v) = row.cell(Field::Currency) {
        row.check(
            Field::Currency,
            v,
            v == currency.code(),
            &format!("the agency's accounts are in {}", currency.code()),
        );
    }
    let dates = columns.date_format;
    let delinquency_date = row.parse(Field::DelinquencyDate, |v| parse_date(v, dates)).filter(|d| {
        let plausible = (crate::date::EARLIEST..=today).contains(d);
        row.check(Field::DelinquencyDate, &d.to_string(), plausible, "must be between 1900-01-01 and today")
    });
    let due_date = row.parse(Field::DueDate, |v| parse_date(v, dates));
    let date_of_birth = row.parse(Field::DateOfBirth, |v| parse_date(v, dates)).filter(|d| {
        let plausible = (crate::date::EARLIEST..=today).contains(d);
        row.check(Field::DateOfBirth, &d.to_string(), plausible, "must be between 1900-01-01 and today")
    });
    let priority = row.parse(Field::Priority, |v| v.parse::<Priority>().map_err(|e| e.to_string()));
    let ssn_last4 = row.parse(Field::SsnLast4, |v| v.parse::<SsnLast4>().map_err(str::to_owned));

    match (external_ref, creditor, original_balance, delinquency_date, debtor_name) {
        (Some(external_ref), Some(creditor), Some(original_balance), Some(delinquency_date), Some(debtor_name))
            if row.errors.is_empty() =>
        {
            Ok(Placement {
                external_ref,
                creditor,
                original_creditor,
                original_balance,
                delinquency_date,
                due_date,
                priority,
                debtor_name,
                phone,
                email,
                address,
                date_of_birth,
                ssn_last4,
            })
        }
        _ => {
            row.errors.sort_by_key(|e| e.field);
            Err(row.errors)
        }
    }
}

const PHONE: &str = "must be 7 to 15 digits, optionally with + ( ) - . or spaces";
const EMAIL: &str = "is not an email address";

/// A row being read: its non-empty cells by field, and what is wrong so far.
struct Row<'r> {
    cells: [Option<&'r str>; 14],
    errors: Vec<FieldError>,
}

impl<'r> Row<'r> {
    fn cell(&self, field: Field) -> Option<&'r str> {
        self.cells[field as usize]
    }

    fn fail(&mut self, field: Field, value: &str, message: String) {
        self.errors.push(FieldError { field, value: value.to_owned(), message });
    }

    /// Records `message` unless `ok`; returns `ok`.
    fn check(&mut self, field: Field, value: &str, ok: bool, message: &str) -> bool {
        if !ok {
            self.fail(field, value, message.to_owned());
        }
        ok
    }

    fn text(&mut self, field: Field, max: usize) -> Option<String> {
        let value = self.cell(field)?.to_owned();
        let fits = value.chars().count() <= max;
        self.check(field, &value, fits, &format!("must be at most {max} characters")).then_some(value)
    }

    fn parse<T>(&mut self, field: Field, parse: impl FnOnce(&str) -> Result<T, String>) -> Option<T> {
        let value = self.cell(field)?.to_owned();
        parse(&value).map_err(|message| self.fail(field, &value, message)).ok()
    }
}

/// `1234.56`, `1,234.56` (thousands grouped by threes); no sign, no currency symbol,
/// no more decimals than the currency has; greater than zero.
pub fn amount(text: &str, currency: Currency) -> Result<Money, String> {
    let bad = || format!("`{text}` is not an amount: write it like 1234.56 or 1,234.56");
    let (whole, fraction) = match text.split_once('.') {
        Some((w, f)) => (w, Some(f)),
        None => (text, None),
    };
    let groups: Vec<&str> = whole.split(',').collect();
    let grouped_well = groups.len() == 1
        || (!groups[0].is_empty() && groups[0].len() <= 3 && groups[1..].iter().all(|g| g.len() == 3));
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    if !grouped_well || !groups.iter().all(|g| digits(g)) || fraction.is_some_and(|f| !digits(f)) {
        return Err(bad());
    }
    let plain = match fraction {
        Some(f) => format!("{}.{f}", groups.concat()),
        None => groups.concat(),
    };
    let value = Decimal::from_str(&plain).map_err(|_| bad())?;
    // Money's own rules: no more decimals than the currency has, within range.
    let money = Money::new(value, currency).map_err(|e| e.to_string())?;
    if !money.is_positive() {
        return Err("must be greater than zero".into());
    }
    Ok(money)
}

/// A date in the file's format; `31/02/2026` says February has no 31st.
pub fn parse_date(text: &str, format: DateFormat) -> Result<NaiveDate, String> {
    NaiveDate::parse_from_str(text, format.pattern()).map_err(|e| match e.kind() {
        chrono::format::ParseErrorKind::OutOfRange => format!("`{text}` is not a day of the calendar"),
        _ => format!("`{text}` is not a date: expected {}", format.example()),
    })
}

fn plausible_email(v: &str) -> bool {
    match v.split_once('@') {
        Some((local, domain)) => {
            !local.is_empty()
                && domain.contains('.')
                && !domain.starts_with('.')
                && !domain.ends_with('.')
                && !v.contains(char::is_whitespace)
                && !domain.contains('@')
        }
        None => false,
    }
}

fn plausible_phone(v: &str) -> bool {
    let digits = v.bytes().filter(u8::is_ascii_digit).count();
    (7..=15).contains(&digits) && v.chars().all(|c| c.is_ascii_digit() || " +()-.".contains(c))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::import::Mapping;

    const HEADER: [&str; 14] = [
        "external_ref",
        "creditor",
        "original_creditor",
        "original_balance",
        "currency",
        "delinquency_date",
        "due_date",
        "priority",
        "debtor_name",
        "phone",
        "email",
        "address",
        "date_of_birth",
        "ssn_last4",
    ];

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 12, 1).expect("date")
    }

    fn read_row(cells: [&str; 14]) -> Result<Placement, Vec<FieldError>> {
        let columns = Columns::resolve(HEADER, &Mapping::default()).expect("header");
        read(&columns, &cells, Currency::USD, today())
    }

    fn good() -> [&'static str; 14] {
        [
            "A-1",
            "First Bank",
            "",
            "1,234.50",
            "USD",
            "2026-03-01",
            "",
            "2",
            "Ann Lee",
            "+1 (555) 010-2000",
            "ann@example.com",
            "1 Main St\nSpringfield",
            "1980-05-06",
            "1234",
        ]
    }

    fn errors_of(cells: [&str; 14]) -> Vec<(Field, String)> {
        read_row(cells).expect_err("invalid").into_iter().map(|e| (e.field, e.message)).collect()
    }

    #[test]
    fn a_good_row_is_a_placement() {
        let p = read_row(good()).expect("valid");
        assert_eq!(p.original_balance.amount(), Decimal::new(123450, 2));
        assert_eq!(p.address.as_deref(), Some("1 Main St\nSpringfield"));
        assert_eq!(p.ssn_last4.map(|s| s.as_str().to_owned()).as_deref(), Some("1234"));
        assert_eq!(p.original_creditor, None);
        assert_eq!(p.priority.map(i16::from), Some(2));
    }

    #[test]
    fn every_wrong_cell_is_reported_not_just_the_first() {
        let mut row = good();
        row[3] = "1,234.5.6";
        row[5] = "2026-02-31";
        row[13] = "12a4";
        let fields: Vec<Field> = errors_of(row).into_iter().map(|(f, _)| f).collect();
        assert_eq!(fields, [Field::OriginalBalance, Field::DelinquencyDate, Field::SsnLast4]);
    }

    #[test]
    fn amounts_are_plain_or_grouped_by_threes_and_positive() {
        for ok in ["1234.56", "1,234.56", "12", "1,000,000", "0.01"] {
            assert!(amount(ok, Currency::USD).is_ok(), "{ok}");
        }
        for bad in ["1,234.5.6", "12,34.00", "$12", "-5", "1.234,56", "", ",100", "1e3", "0", "0.00", "1.005"] {
            assert!(amount(bad, Currency::USD).is_err(), "{bad}");
        }
        assert!(amount("12.5", Currency::parse("JPY").expect("yen")).is_err());
        let huge = amount("99999999999999999999999999", Currency::USD).expect_err("out of range");
        assert!(huge.contains("out of range"), "{huge}");
    }

    #[test]
    fn an_impossible_day_says_so_in_the_files_format() {
        assert_eq!(parse_date("31/02/2026", DateFormat::Eu), Err("`31/02/2026` is not a day of the calendar".into()));
        assert_eq!(
            parse_date("31/02/2026", DateFormat::Iso),
            Err("`31/02/2026` is not a date: expected YYYY-MM-DD".into())
        );
        assert_eq!(parse_date("02/03/2026", DateFormat::Us), NaiveDate::from_ymd_opt(2026, 2, 3).ok_or(String::new()));
        assert_eq!(parse_date("02/03/2026", DateFormat::Eu), NaiveDate::from_ymd_opt(2026, 3, 2).ok_or(String::new()));
    }

    #[test]
    fn required_cells_must_be_there_and_optional_ones_may_be_empty() {
        let mut row = good();
        row[0] = " ";
        row[8] = "";
        assert_eq!(
            errors_of(row),
            [(Field::ExternalRef, "is required".into()), (Field::DebtorName, "is required".into())]
        );
        let mut row = good();
        for optional in [2, 4, 6, 7, 9, 10, 11, 12, 13] {
            row[optional] = "";
        }
        assert!(read_row(row).is_ok());
    }

    #[test]
    fn dates_in_the_future_and_a_foreign_currency_are_refused() {
        let mut row = good();
        row[5] = "2026-12-02";
        row[4] = "EUR";
        row[12] = "1850-01-01";
        let fields: Vec<Field> = errors_of(row).into_iter().map(|(f, _)| f).collect();
        assert_eq!(fields, [Field::Currency, Field::DelinquencyDate, Field::DateOfBirth]);
        let mut row = good();
        row[5] = "0001-01-01";
        assert_eq!(errors_of(row), [(Field::DelinquencyDate, "must be between 1900-01-01 and today".into())]);
    }

    #[test]
    fn a_formula_cell_is_kept_as_text() {
        let mut row = good();
        row[8] = "=cmd|' /C calc'!A0";
        assert_eq!(read_row(row).expect("text").debtor_name, "=cmd|' /C calc'!A0");
    }

    #[test]
    fn contact_details_must_look_like_contact_details() {
        let mut row = good();
        row[9] = "call me";
        row[10] = "ann@example";
        let fields: Vec<Field> = errors_of(row).into_iter().map(|(f, _)| f).collect();
        assert_eq!(fields, [Field::Phone, Field::Email], "in column order");
        let long = "x".repeat(101);
        let mut row: [&str; 14] = good();
        row[0] = &long;
        assert_eq!(errors_of(row), [(Field::ExternalRef, "must be at most 100 characters".into())]);
    }
}
