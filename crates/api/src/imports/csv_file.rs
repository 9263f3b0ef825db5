//! Reading a placement file: UTF-8 with or without a byte-order mark, comma- or
//! semicolon-separated (whichever the header row uses more of, outside quotes),
//! quoted fields that may hold delimiters, quotes and newlines. Streaming: one row in
//! memory at a time, however large the file.
//!
//! Row numbers are the file's line numbers where the row starts (the header is line 1),
//! so a creditor finds the row in their editor even when a quoted field spans lines.

use crate::{services::imports::ReadRow, store::imports::RowError};
use chrono::NaiveDate;
use debtflow_domain::{
    import::{row, Columns, Field, HeaderError, Mapping},
    Currency,
};
use std::{
    fs::File,
    io::{self, BufRead, BufReader, Read},
    path::Path,
};

const BOM: &[u8] = b"\xEF\xBB\xBF";

/// A value in an error report is cut to this many characters.
const VALUE_CHARS: usize = 200;

/// Why a file cannot be read at all.
#[derive(Debug, thiserror::Error)]
pub enum FileError {
    #[error("the file is empty")]
    Empty,
    #[error("the header row is not UTF-8 text")]
    HeaderNotUtf8,
    #[error("the header row contains a NUL character")]
    HeaderNul,
    #[error("{0}")]
    Header(#[from] HeaderError),
    #[error("the file cannot be read as CSV at line {line}: {message}")]
    Malformed { line: u64, message: String },
    #[error("the file cannot be read: {0}")]
    Io(#[from] io::Error),
}

impl From<csv::Error> for FileError {
    fn from(e: csv::Error) -> Self {
        let line = e.position().map(|p| p.line()).unwrap_or(0);
        match e.into_kind() {
            csv::ErrorKind::Io(e) => FileError::Io(e),
            other => FileError::Malformed { line, message: format!("{other:?}") },
        }
    }
}

/// How a file is laid out: its delimiter and what each column holds.
#[derive(Debug, Clone)]
pub struct Layout {
    pub delimiter: u8,
    pub columns: Columns,
    /// The header row's cells as written, for error reports.
    pub headers: Vec<String>,
}

impl Layout {
    /// Reads the header row of the file at `path` under `mapping`.
    pub fn of(path: &Path, mapping: &Mapping) -> Result<Layout, FileError> {
        let mut first = Vec::new();
        open(path)?.take(1 << 20).read_until(b'\n', &mut first)?;
        if first.iter().all(u8::is_ascii_whitespace) {
            return Err(FileError::Empty);
        }
        let delimiter = sniff(&first);
        let mut reader = csv_reader(path, delimiter)?;
        let mut header = csv::ByteRecord::new();
        if !reader.read_byte_record(&mut header)? {
            return Err(FileError::Empty);
        }
        if header.as_slice().contains(&0) {
            return Err(FileError::HeaderNul);
        }
        let headers = header
            .iter()
            .map(|cell| std::str::from_utf8(cell).map(str::to_owned))
            .collect::<Result<Vec<_>, _>>()
            .map_err(|_| FileError::HeaderNotUtf8)?;
        let columns = Columns::resolve(headers.iter().map(String::as_str), mapping)?;
        Ok(Layout { delimiter, columns, headers })
    }

    fn header_of(&self, field: Field) -> String {
        (0..self.columns.len())
            .find(|i| self.columns.field(*i) == Some(field))
            .and_then(|i| self.headers.get(i))
            .map_or_else(|| field.as_str().to_owned(), |h| h.trim().to_owned())
    }
}

/// The number of data rows (records after the header).
pub fn count_rows(path: &Path, layout: &Layout) -> Result<u64, FileError> {
    let mut reader = csv_reader(path, layout.delimiter)?;
    let mut record = csv::ByteRecord::new();
    let mut rows = 0u64;
    while reader.read_byte_record(&mut record)? {
        rows += 1;
    }
    Ok(rows.saturating_sub(1))
}

/// The data rows, each read — unless `wanted(index)` says it is not — for an agency in
/// `currency` whose today is `today`; `None` for a row not wanted (a resumed import
/// skips the batches it committed, at the cost of splitting their lines only).
pub fn rows(
    path: &Path,
    layout: Layout,
    wanted: impl Fn(u64) -> bool,
    currency: Currency,
    today: NaiveDate,
) -> Result<impl Iterator<Item = Result<Option<ReadRow>, FileError>>, FileError> {
    let mut reader = csv_reader(path, layout.delimiter)?;
    let mut record = csv::ByteRecord::new();
    reader.read_byte_record(&mut record)?;
    let mut index = 0u64;
    Ok(std::iter::from_fn(move || {
        let row = match reader.read_byte_record(&mut record) {
            Ok(true) => Ok(wanted(index).then(|| read(&layout, &record, currency, today))),
            Ok(false) => return None,
            Err(e) => Err(e.into()),
        };
        index += 1;
        Some(row)
    }))
}

fn read(layout: &Layout, record: &csv::ByteRecord, currency: Currency, today: NaiveDate) -> ReadRow {
    let row_no = record.position().map_or(0, |p| p.line()) as i64;
    let error = |column: Option<String>, value: &[u8], message: String| RowError {
        row_no,
        column_name: column,
        // Shown as U+FFFD like any byte that is not text: no text column stores NUL.
        value: String::from_utf8_lossy(value)
            .chars()
            .take(VALUE_CHARS)
            .map(|c| if c == '\0' { '\u{fffd}' } else { c })
            .collect(),
        message,
    };
    if record.len() != layout.headers.len() {
        let message = format!("has {} cells; the header has {}", record.len(), layout.headers.len());
        let cells: Vec<&[u8]> = record.iter().collect();
        let row = cells.join(&layout.delimiter);
        return ReadRow { row_no, placement: Err(vec![error(None, &row, message)]) };
    }
    let mut cells = Vec::with_capacity(record.len());
    let mut errors = Vec::new();
    for (i, cell) in record.iter().enumerate() {
        match std::str::from_utf8(cell) {
            Ok(text) if text.contains('\0') => {
                cells.push("");
                let column = layout.headers.get(i).map(|h| h.trim().to_owned());
                errors.push(error(column, cell, "contains a NUL character".into()));
            }
            Ok(text) => cells.push(text),
            Err(_) => {
                cells.push("");
                let column = layout.headers.get(i).map(|h| h.trim().to_owned());
                errors.push(error(column, cell, "is not UTF-8 text: save the file as UTF-8".into()));
            }
        }
    }
    if !errors.is_empty() {
        return ReadRow { row_no, placement: Err(errors) };
    }
    let placement = row::read(&layout.columns, &cells, currency, today).map_err(|field_errors| {
        field_errors
            .into_iter()
            .map(|e| error(Some(layout.header_of(e.field)), e.value.as_bytes(), e.message))
            .collect()
    });
    ReadRow { row_no, placement }
}

/// The file, past a byte-order mark.
fn open(path: &Path) -> io::Result<BufReader<File>> {
    let mut reader = BufReader::with_capacity(256 * 1024, File::open(path)?);
    if reader.fill_buf()?.starts_with(BOM) {
        reader.consume(BOM.len());
    }
    Ok(reader)
}

fn csv_reader(path: &Path, delimiter: u8) -> io::Result<csv::Reader<BufReader<File>>> {
    Ok(csv::ReaderBuilder::new().has_headers(false).flexible(true).delimiter(delimiter).from_reader(open(path)?))
}

/// `;` when the header row has more semicolons than commas outside quotes, else `,`.
fn sniff(header: &[u8]) -> u8 {
    let (mut quoted, mut commas, mut semicolons) = (false, 0, 0);
    for b in header {
        match b {
            b'"' => quoted = !quoted,
            b',' if !quoted => commas += 1,
            b';' if !quoted => semicolons += 1,
            _ => {}
        }
    }
    if semicolons > commas {
        b';'
    } else {
        b','
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    fn file(bytes: &[u8]) -> tempfile::NamedTempFile {
        let mut f = tempfile::NamedTempFile::new().expect("temp file");
        f.write_all(bytes).expect("write");
        f
    }

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 12, 1).expect("date")
    }

    fn read_all(bytes: &[u8]) -> Result<Vec<ReadRow>, FileError> {
        let f = file(bytes);
        let layout = Layout::of(f.path(), &Mapping::default())?;
        rows(f.path(), layout, |_| true, Currency::USD, today())?.map(|r| r.map(Option::unwrap)).collect()
    }

    const HEADER: &str = "external_ref,creditor,original_balance,delinquency_date,debtor_name\n";

    #[test]
    fn bom_semicolons_and_quoted_newlines_read() {
        let text = "\u{feff}external_ref;creditor;original_balance;delinquency_date;debtor_name;address\n\
                    A-1;\"Bank; Retail\";\"1,234.50\";2026-01-02;Ann Lee;\"1 Main St\nApt 2\"\n\
                    A-2;Bank;10;2026-01-02;\"Bob \"\"B\"\" Ray\";\n";
        let rows = read_all(text.as_bytes()).expect("readable");
        assert_eq!(rows.len(), 2);
        let first = rows[0].placement.as_ref().expect("valid");
        assert_eq!(first.creditor, "Bank; Retail");
        assert_eq!(first.address.as_deref(), Some("1 Main St\nApt 2"));
        assert_eq!(rows[1].row_no, 4, "the second row starts on line 4");
        assert_eq!(rows[1].placement.as_ref().expect("valid").debtor_name, "Bob \"B\" Ray");
    }

    #[test]
    fn a_bad_row_names_its_line_header_and_value() {
        let text = format!("{HEADER}A-1,Bank,\"1,234.5.6\",31/02/2026,Ann\nA-2,Bank,5,2026-01-01\n");
        let rows = read_all(text.as_bytes()).expect("readable");
        let errors = rows[0].placement.as_ref().expect_err("invalid");
        assert_eq!(errors.len(), 2);
        assert_eq!((errors[0].row_no, errors[0].column_name.as_deref()), (2, Some("original_balance")));
        assert_eq!(errors[0].value, "1,234.5.6");
        assert!(errors[1].message.contains("expected YYYY-MM-DD"), "{}", errors[1].message);
        let short = rows[1].placement.as_ref().expect_err("short");
        assert_eq!(short[0].message, "has 4 cells; the header has 5");
    }

    #[test]
    fn latin1_bytes_are_a_row_error_not_a_crash() {
        let mut bytes = HEADER.as_bytes().to_vec();
        bytes.extend_from_slice(b"A-1,Bank,5,2026-01-01,Jos\xe9\n");
        let rows = read_all(&bytes).expect("readable");
        let errors = rows[0].placement.as_ref().expect_err("not utf-8");
        assert_eq!(errors[0].column_name.as_deref(), Some("debtor_name"));
        assert_eq!(errors[0].value, "Jos\u{fffd}");
    }

    #[test]
    fn a_nul_character_is_a_row_error_shown_as_a_replacement_character() {
        let text = format!("{HEADER}A-1,Ba\0nk,5,2026-01-01,Ann\n");
        let rows = read_all(text.as_bytes()).expect("readable");
        let errors = rows[0].placement.as_ref().expect_err("NUL");
        assert_eq!((errors[0].column_name.as_deref(), errors[0].value.as_str()), (Some("creditor"), "Ba\u{fffd}nk"));
        assert!(matches!(read_all(b"external_ref\0,creditor\n"), Err(FileError::HeaderNul)));
    }

    #[test]
    fn empty_headerless_and_tab_files_are_refused_whole() {
        assert!(matches!(read_all(b""), Err(FileError::Empty)));
        assert!(matches!(read_all(b"\n\n"), Err(FileError::Empty)));
        assert!(matches!(
            read_all(b"A-1,Bank,5,2026-01-01,Ann\n"),
            Err(FileError::Header(HeaderError::Unknown(h))) if h == "A-1"
        ));
        let tabs = HEADER.replace(',', "\t");
        assert!(matches!(read_all(tabs.as_bytes()), Err(FileError::Header(HeaderError::Unknown(_)))));
    }

    #[test]
    fn rows_are_counted_and_left_unread_for_a_resumed_run() {
        let text = format!("{HEADER}A-1,B,5,2026-01-01,Ann\nA-2,B,5,2026-01-01,Bo\nA-3,B,5,2026-01-01,Cy\n");
        let f = file(text.as_bytes());
        let layout = Layout::of(f.path(), &Mapping::default()).expect("layout");
        assert_eq!(count_rows(f.path(), &layout).expect("count"), 3);
        let rest: Vec<Option<i64>> = rows(f.path(), layout, |i| i != 1, Currency::USD, today())
            .expect("rows")
            .map(|r| r.expect("row").map(|r| r.row_no))
            .collect();
        assert_eq!(rest, [Some(2), None, Some(4)]);
    }
}
