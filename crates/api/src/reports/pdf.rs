//! A report as a PDF (to be written).

use super::Table;

/// The report as a PDF document.
pub fn render(_table: &Table) -> Vec<u8> {
    Vec::new()
}
pub const MAX_ROWS: usize = 5_000;
