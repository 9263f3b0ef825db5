//! The columns of a placement file and how a file's header row maps onto them.
//!
//! A header cell names one of our [`Field`]s (its canonical name, in any case, with
//! spaces or dashes for underscores), or whatever the agency's [`Mapping`] says it
//! means. A column the mapping marks as ignored is skipped; any other unknown column,
//! a field named twice, or a required field missing refuses the whole file before
//! a row is read: a mistake in the layout would otherwise fail every row alike.

use crate::names::named_enum;
use std::collections::BTreeMap;

named_enum!(
    /// What a column holds.
    Field {
        ExternalRef => "external_ref",
        Creditor => "creditor",
        OriginalCreditor => "original_creditor",
        OriginalBalance => "original_balance",
        Currency => "currency",
        DelinquencyDate => "delinquency_date",
        DueDate => "due_date",
        Priority => "priority",
        DebtorName => "debtor_name",
        Phone => "phone",
        Email => "email",
        Address => "address",
        DateOfBirth => "date_of_birth",
        SsnLast4 => "ssn_last4",
    }
);

impl Field {
    /// The fields every row must have.
    pub const REQUIRED: [Field; 5] =
        [Field::ExternalRef, Field::Creditor, Field::OriginalBalance, Field::DelinquencyDate, Field::DebtorName];

    pub fn is_required(self) -> bool {
        Self::REQUIRED.contains(&self)
    }

    /// Whether a later import may change it on an existing account. Balances, the
    /// delinquency date (the aging anchor) and the currency are the placement's facts;
    /// status is the collectors'.
    pub fn is_updatable(self) -> bool {
        !matches!(self, Field::ExternalRef | Field::OriginalBalance | Field::Currency | Field::DelinquencyDate)
    }
}

named_enum!(
    /// How the file writes dates. ISO unless the mapping says otherwise: `01/02/2026`
    /// is ambiguous, so it is read only under a mapping that says which it is.
    DateFormat {
        Iso => "iso",
        Us => "us",
        Eu => "eu",
    }
);

impl DateFormat {
    /// The `chrono` format string.
    pub fn pattern(self) -> &'static str {
        match self {
            DateFormat::Iso => "%Y-%m-%d",
            DateFormat::Us => "%m/%d/%Y",
            DateFormat::Eu => "%d/%m/%Y",
        }
    }

    /// How a person writes it, for error messages.
    pub fn example(self) -> &'static str {
        match self {
            DateFormat::Iso => "YYYY-MM-DD",
            DateFormat::Us => "MM/DD/YYYY",
            DateFormat::Eu => "DD/MM/YYYY",
        }
    }
}

/// An agency's reading of a creditor's layout: their header → our field, or `None`
/// to ignore the column; and how their dates are written.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Mapping {
    /// Their header (matched without regard to case or surrounding spaces) → our field;
    /// `null` ignores the column.
    #[cfg_attr(feature = "openapi", schema(value_type = Object, example = json!({"Acct No": "external_ref", "Notes": null})))]
    pub columns: BTreeMap<String, Option<Field>>,
    #[serde(default = "iso")]
    pub date_format: DateFormat,
}

fn iso() -> DateFormat {
    DateFormat::Iso
}

impl Default for Mapping {
    fn default() -> Self {
        Mapping { columns: BTreeMap::new(), date_format: DateFormat::Iso }
    }
}

/// Why a header row cannot be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum HeaderError {
    #[error("the file is empty: expected a header row")]
    Empty,
    #[error("unknown column `{0}`: map it to a field or to null (ignore) in the agency's mapping")]
    Unknown(String),
    #[error("the columns `{0}` and `{1}` both mean `{2}`")]
    Twice(String, String, Field),
    #[error("missing required column(s): {}", .0.iter().map(|f| f.as_str()).collect::<Vec<_>>().join(", "))]
    Missing(Vec<Field>),
}

/// Which field each column of a file holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Columns {
    fields: Vec<Option<Field>>,
    pub date_format: DateFormat,
}

impl Columns {
    /// Reads the header row under `mapping`.
    pub fn resolve<'a>(headers: impl IntoIterator<Item = &'a str>, mapping: &Mapping) -> Result<Columns, HeaderError> {
        let mapped: BTreeMap<String, Option<Field>> =
            mapping.columns.iter().map(|(header, field)| (normalise(header), *field)).collect();
        let mut fields = Vec::new();
        let mut seen: BTreeMap<Field, String> = BTreeMap::new();
        for header in headers {
            let key = normalise(header);
            let field = match mapped.get(&key) {
                Some(field) => *field,
                None if key.is_empty() => None,
                None => Some(key.parse::<Field>().map_err(|_| HeaderError::Unknown(header.trim().to_owned()))?),
            };
            if let Some(field) = field {
                if let Some(first) = seen.insert(field, header.trim().to_owned()) {
                    return Err(HeaderError::Twice(first, header.trim().to_owned(), field));
                }
            }
            fields.push(field);
        }
        if fields.is_empty() {
            return Err(HeaderError::Empty);
        }
        let missing: Vec<Field> = Field::REQUIRED.into_iter().filter(|f| !seen.contains_key(f)).collect();
        if !missing.is_empty() {
            return Err(HeaderError::Missing(missing));
        }
        Ok(Columns { fields, date_format: mapping.date_format })
    }

    /// The field of the column at `index`, if it is read.
    pub fn field(&self, index: usize) -> Option<Field> {
        self.fields.get(index).copied().flatten()
    }

    pub fn len(&self) -> usize {
        self.fields.len()
    }

    pub fn is_empty(&self) -> bool {
        self.fields.is_empty()
    }

    /// The cell of each read column, with its field.
    pub fn cells<'r>(&'r self, record: &'r [&'r str]) -> impl Iterator<Item = (Field, &'r str)> + 'r {
        self.fields.iter().zip(record).filter_map(|(field, cell)| field.map(|f| (f, *cell)))
    }
}

impl PartialOrd for Field {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Field {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        (*self as u8).cmp(&(*other as u8))
    }
}

/// `" Debtor Name "` → `debtor_name`.
fn normalise(header: &str) -> String {
    header.trim().to_lowercase().replace([' ', '-'], "_")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mapping(pairs: &[(&str, Option<Field>)]) -> Mapping {
        Mapping { columns: pairs.iter().map(|(h, f)| (h.to_string(), *f)).collect(), date_format: DateFormat::Iso }
    }

    const CANONICAL: [&str; 5] = ["external_ref", "creditor", "original_balance", "delinquency_date", "debtor_name"];

    #[test]
    fn canonical_headers_read_in_any_case_and_spacing() {
        let columns = Columns::resolve(
            ["External Ref", "CREDITOR", "original-balance", " delinquency_date ", "Debtor Name"],
            &Mapping::default(),
        )
        .expect("canonical");
        assert_eq!(columns.field(0), Some(Field::ExternalRef));
        assert_eq!(columns.field(2), Some(Field::OriginalBalance));
        assert_eq!(columns.field(4), Some(Field::DebtorName));
        assert_eq!(columns.field(5), None);
    }

    #[test]
    fn a_mapping_reads_a_creditors_layout_and_ignores_what_it_says() {
        let m = mapping(&[
            ("Acct No", Some(Field::ExternalRef)),
            ("Client", Some(Field::Creditor)),
            ("Amt Due", Some(Field::OriginalBalance)),
            ("Charge-off", Some(Field::DelinquencyDate)),
            ("Customer", Some(Field::DebtorName)),
            ("Notes", None),
        ]);
        let columns =
            Columns::resolve(["acct no", "Client", "Amt Due", "Charge-off", "Customer", "Notes"], &m).expect("mapped");
        assert_eq!(columns.field(0), Some(Field::ExternalRef));
        assert_eq!(columns.field(5), None);
        let record = ["A-1", "Bank", "10.00", "2026-01-01", "Ann", "call back"];
        assert_eq!(columns.cells(&record).count(), 5);
    }

    #[test]
    fn an_unknown_column_a_field_twice_or_a_missing_one_refuses_the_file() {
        let mut headers = CANONICAL.to_vec();
        headers.push("favourite_colour");
        assert_eq!(
            Columns::resolve(headers, &Mapping::default()),
            Err(HeaderError::Unknown("favourite_colour".into()))
        );
        let mut headers = CANONICAL.to_vec();
        headers.push("External Ref");
        assert!(matches!(
            Columns::resolve(headers, &Mapping::default()),
            Err(HeaderError::Twice(_, _, Field::ExternalRef))
        ));
        let err = Columns::resolve(["external_ref", "creditor"], &Mapping::default()).expect_err("missing");
        assert_eq!(err, HeaderError::Missing(vec![Field::OriginalBalance, Field::DelinquencyDate, Field::DebtorName]));
        assert_eq!(err.to_string(), "missing required column(s): original_balance, delinquency_date, debtor_name");
        assert_eq!(Columns::resolve(Vec::<&str>::new(), &Mapping::default()), Err(HeaderError::Empty));
    }

    #[test]
    fn a_semicolon_file_read_as_commas_is_one_unknown_column() {
        let err =
            Columns::resolve(["external_ref;creditor;original_balance"], &Mapping::default()).expect_err("one column");
        assert!(matches!(err, HeaderError::Unknown(_)));
    }

    #[test]
    fn only_the_placements_facts_are_kept_from_updates() {
        let fixed: Vec<Field> = Field::ALL.iter().copied().filter(|f| !f.is_updatable()).collect();
        assert_eq!(fixed, [Field::ExternalRef, Field::OriginalBalance, Field::Currency, Field::DelinquencyDate]);
    }
}
