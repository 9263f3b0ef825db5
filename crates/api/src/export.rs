//! CSV the product writes. Quoting is RFC 4180 (the `csv` crate's); a cell a spreadsheet
//! would run as a formula — one starting with `=`, `+`, `-`, `@`, a tab or a carriage
//! return — is written with a leading apostrophe, so `=cmd|' /C calc'!A0` from a
//! creditor's file comes back out as text (OWASP "CSV injection").

use std::borrow::Cow;

/// The cell as it is safe to write.
pub fn neutralise(cell: &str) -> Cow<'_, str> {
    if cell.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        Cow::Owned(format!("'{cell}"))
    } else {
        Cow::Borrowed(cell)
    }
}

/// One CSV line (with its newline) of neutralised cells.
pub fn line<'a>(cells: impl IntoIterator<Item = &'a str>) -> Vec<u8> {
    let mut writer = csv::WriterBuilder::new().from_writer(Vec::new());
    // Writing into a Vec cannot fail.
    let _ = writer.write_record(cells.into_iter().map(|c| neutralise(c).into_owned()));
    writer.into_inner().unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formulas_become_text_and_quoting_survives() {
        assert_eq!(
            line(["=cmd|' /C calc'!A0", "plain", "a,b", "@SUM(A1)", "-2+3"]),
            b"'=cmd|' /C calc'!A0,plain,\"a,b\",'@SUM(A1),'-2+3\n"
        );
        assert_eq!(neutralise("Ann"), "Ann");
    }
}
