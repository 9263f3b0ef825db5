//! A report as a PDF: [`render`] lays a [`Table`] out on A4 pages, the way an agency
//! prints it.
//!
//! Every page carries the report's title, the agency, the filters ("From 2026-01-01 ·
//! To 2026-01-31 · Collector …") and the generation time in UTC at the top, the
//! column headings, and "Page N of M" at the bottom; the totals row (bold) follows the
//! last row; an empty report says "No rows.". A table of more than six columns is laid
//! out in landscape.
//!
//! Choices:
//! - The PDF is written by `pdf-writer` (typst's, low level: it writes PDF objects, the
//!   layout is ours). Text is in Helvetica and Helvetica-Bold, two of the fourteen base
//!   fonts every reader has, in WinAnsiEncoding: no font file to embed, a small file.
//!   The price: text outside WinAnsi (Cyrillic, Greek, CJK, emoji…) is printed as `?`
//!   (see [`helvetica`]); the JSON and CSV exports keep it. Printing it would need a
//!   Unicode TrueType font embedded as a subset.
//! - Strings go through `pdf_writer::Str`, which escapes `(`, `)` and `\` (and writes a
//!   string holding a byte above 127 in hex), so no cell can end a string early.
//! - Columns are as wide as their widest text (measured with Helvetica's real glyph
//!   widths) and share what is left of the page. When the page is too narrow, the
//!   number columns keep their width (a cut amount would lie) and the text columns
//!   share the rest; a text that still does not fit is cut with "…".
//! - Content streams are deflated (`miniz_oxide`, already in the build through
//!   actix-web): a long report is a few hundred kilobytes, not megabytes.
//! - The document is built in memory: reports are bounded aggregates and the route
//!   refuses a PDF of more than [`MAX_ROWS`] rows.

pub(crate) mod helvetica;

use self::helvetica::{encode, Face};
use super::{Align, Column, Table};
use chrono::{Datelike, Timelike};
use pdf_writer::{Content, Filter, Finish, Name, Pdf, Rect, Ref, Str, TextStr};

/// The most rows a PDF export holds; the route refuses a larger report (the CSV export
/// has no such limit).
pub const MAX_ROWS: usize = 5_000;

/// A4 in points, portrait.
const A4: (f32, f32) = (595.28, 841.89);
/// More columns than this and the page turns to landscape.
const PORTRAIT_COLUMNS: usize = 6;
const MARGIN: f32 = 36.0;

const TITLE_SIZE: f32 = 16.0;
const AGENCY_SIZE: f32 = 10.0;
const INFO_SIZE: f32 = 9.0;
const INFO_LEADING: f32 = 13.0;
/// At most this many lines of filters; the last is cut with "…" if more were needed.
const MAX_FILTER_LINES: usize = 4;

const CELL_SIZE: f32 = 9.0;
const ROW_HEIGHT: f32 = 14.0;
/// From a row's bottom edge to its text's baseline.
const ROW_BASELINE: f32 = 4.0;
/// Room on each side of a cell's text.
const CELL_PAD: f32 = 4.0;
/// The narrowest a text column gets when number columns are served first.
const MIN_TEXT_COLUMN: f32 = 60.0;

const FOOTER_SIZE: f32 = 8.0;
const FOOTER_BASELINE: f32 = MARGIN - 12.0;

const HEADING_FILL: f32 = 0.88;
const STRIPE_FILL: f32 = 0.96;
const GREY_TEXT: f32 = 0.35;

pub(crate) const REGULAR: Name<'static> = Name(b"F1");
pub(crate) const BOLD: Name<'static> = Name(b"F2");

/// The report as a PDF document.
pub fn render(table: &Table) -> Vec<u8> {
    let layout = Layout::of(table);
    let lines = lines(table);
    let pages: Vec<&[Line]> = lines.chunks(layout.lines_per_page).collect();
    let page_count = pages.len();

    let (width, height) = layout.page;
    document(&table.title, &table.agency, table.generated_at.naive_utc(), (width, height), page_count, |i| {
        layout.draw_page(table, pages[i], i + 1, page_count)
    })
}

/// A PDF of `page_count` pages of `size` points in Helvetica and Helvetica-Bold (the
/// fonts [`REGULAR`] and [`BOLD`]), page `i`'s content drawn by `draw(i)` (from 0) and
/// deflated, with its title, author, producer and creation time (UTC).
pub(crate) fn document(
    title: &str,
    author: &str,
    created: chrono::NaiveDateTime,
    size: (f32, f32),
    page_count: usize,
    mut draw: impl FnMut(usize) -> Vec<u8>,
) -> Vec<u8> {
    let catalog = Ref::new(1);
    let tree = Ref::new(2);
    let info = Ref::new(3);
    let regular = Ref::new(4);
    let bold = Ref::new(5);
    let page_ref = |i: usize| Ref::new(6 + 2 * i as i32);
    let content_ref = |i: usize| Ref::new(7 + 2 * i as i32);

    let mut pdf = Pdf::new();
    pdf.catalog(catalog).pages(tree);
    pdf.pages(tree).kids((0..page_count).map(page_ref)).count(page_count as i32);
    pdf.document_info(info).title(TextStr(title)).author(TextStr(author)).producer(TextStr("DebtFlow")).creation_date(
        pdf_writer::Date::new(u16::try_from(created.year()).unwrap_or(0))
            .month(created.month() as u8)
            .day(created.day() as u8)
            .hour(created.hour() as u8)
            .minute(created.minute() as u8)
            .second(created.second() as u8)
            .utc_offset_hour(0),
    );
    for (id, face) in [(regular, Face::Regular), (bold, Face::Bold)] {
        pdf.type1_font(id)
            .base_font(Name(face.base_font()))
            .encoding_predefined(Name(b"WinAnsiEncoding"))
            .first_char(helvetica::FIRST_CHAR)
            .last_char(helvetica::LAST_CHAR)
            .widths(face.widths());
    }
    for i in 0..page_count {
        let mut page = pdf.page(page_ref(i));
        page.parent(tree).media_box(Rect::new(0.0, 0.0, size.0, size.1)).contents(content_ref(i));
        page.resources().fonts().pair(REGULAR, regular).pair(BOLD, bold);
        page.finish();

        let deflated = miniz_oxide::deflate::compress_to_vec_zlib(&draw(i), 6);
        pdf.stream(content_ref(i), &deflated).filter(Filter::FlateDecode);
    }
    pdf.finish()
}

/// One line of the table's body.
enum Line<'a> {
    Row(&'a [String]),
    /// What an empty report says instead of rows.
    NoRows,
    Totals(&'a [String]),
}

fn lines(table: &Table) -> Vec<Line<'_>> {
    let mut lines: Vec<Line> = table.rows.iter().map(|row| Line::Row(row)).collect();
    if lines.is_empty() {
        lines.push(Line::NoRows);
    }
    if let Some(totals) = &table.totals {
        lines.push(Line::Totals(totals));
    }
    lines
}

/// Where everything goes; the same on every page.
struct Layout {
    /// Width and height, in points.
    page: (f32, f32),
    /// Each column's left edge and width.
    columns: Vec<(f32, f32)>,
    title: Vec<u8>,
    agency: Vec<u8>,
    filters: Vec<Vec<u8>>,
    generated: Vec<u8>,
    /// The top edge of the headings row.
    table_top: f32,
    /// Body lines under the headings on one page (at least one).
    lines_per_page: usize,
}

impl Layout {
    fn of(table: &Table) -> Self {
        let page = if table.columns.len() > PORTRAIT_COLUMNS { (A4.1, A4.0) } else { A4 };
        let text_width = page.0 - 2.0 * MARGIN;

        let title = Face::Bold.fit(encode(&table.title), TITLE_SIZE, text_width);
        let agency = Face::Regular.fit(encode(&table.agency), AGENCY_SIZE, text_width);
        let filters = filter_lines(&table.filters, text_width);
        let generated = encode(&format!("Generated {}", table.generated_at.format("%Y-%m-%d %H:%M UTC")));

        // Title, agency, the filter lines, the generation time, a rule, the table.
        let last_info_baseline =
            page.1 - MARGIN - TITLE_SIZE * 0.75 - (AGENCY_SIZE + 6.0) - INFO_LEADING * (filters.len() + 1) as f32;
        let table_top = last_info_baseline - 12.0;
        let rows_fitting = ((table_top - MARGIN) / ROW_HEIGHT).floor() as usize;
        let lines_per_page = rows_fitting.saturating_sub(1).max(1);

        let widths = column_widths(table, text_width);
        let mut x = MARGIN;
        let columns = widths
            .into_iter()
            .map(|w| {
                let column = (x, w);
                x += w;
                column
            })
            .collect();

        Self { page, columns, title, agency, filters, generated, table_top, lines_per_page }
    }

    /// The content stream of page `number` (from 1) of `count`.
    fn draw_page(&self, table: &Table, lines: &[Line], number: usize, count: usize) -> Vec<u8> {
        let (page_width, page_height) = self.page;
        let left = MARGIN;
        let right = page_width - MARGIN;
        let table_right = self.columns.last().map_or(right, |(x, w)| x + w);
        let mut c = Content::new();

        // Header.
        let mut y = page_height - MARGIN - TITLE_SIZE * 0.75;
        text(&mut c, Face::Bold, TITLE_SIZE, left, y, &self.title);
        y -= AGENCY_SIZE + 6.0;
        text(&mut c, Face::Regular, AGENCY_SIZE, left, y, &self.agency);
        c.set_fill_gray(GREY_TEXT);
        for line in self.filters.iter().chain([&self.generated]) {
            y -= INFO_LEADING;
            text(&mut c, Face::Regular, INFO_SIZE, left, y, line);
        }
        c.set_fill_gray(0.0);
        c.set_line_width(0.75);
        c.move_to(left, y - 7.0).line_to(right, y - 7.0).stroke();

        // Backgrounds and rules first, the text over them.
        let row_bottom = |i: usize| self.table_top - (i + 1) as f32 * ROW_HEIGHT;
        c.set_fill_gray(HEADING_FILL);
        c.rect(left, row_bottom(0), table_right - left, ROW_HEIGHT).fill_nonzero();
        c.set_fill_gray(STRIPE_FILL);
        for (i, line) in lines.iter().enumerate() {
            if matches!(line, Line::Row(_)) && i % 2 == 1 {
                c.rect(left, row_bottom(i + 1), table_right - left, ROW_HEIGHT).fill_nonzero();
            }
        }
        c.set_line_width(0.5);
        for (i, line) in lines.iter().enumerate() {
            if let Line::Totals(_) = line {
                let top = row_bottom(i);
                c.move_to(left, top).line_to(table_right, top).stroke();
            }
        }
        c.set_fill_gray(0.0);

        let headings: Vec<&str> = table.columns.iter().map(|column| column.heading).collect();
        self.row(&mut c, Face::Bold, &table.columns, &headings, row_bottom(0) + ROW_BASELINE);
        for (i, line) in lines.iter().enumerate() {
            let baseline = row_bottom(i + 1) + ROW_BASELINE;
            match line {
                Line::Row(cells) => {
                    let cells: Vec<&str> = cells.iter().map(String::as_str).collect();
                    self.row(&mut c, Face::Regular, &table.columns, &cells, baseline);
                }
                Line::NoRows => {
                    c.set_fill_gray(GREY_TEXT);
                    let words = encode("No rows.");
                    text(&mut c, Face::Regular, CELL_SIZE, left + CELL_PAD, baseline, &words);
                    c.set_fill_gray(0.0);
                }
                Line::Totals(cells) => {
                    let cells: Vec<&str> = cells.iter().map(String::as_str).collect();
                    self.row(&mut c, Face::Bold, &table.columns, &cells, baseline);
                }
            }
        }

        // Footer.
        let footer = encode(&format!("Page {number} of {count}"));
        let x = (page_width - Face::Regular.width(&footer, FOOTER_SIZE)) / 2.0;
        c.set_fill_gray(GREY_TEXT);
        text(&mut c, Face::Regular, FOOTER_SIZE, x, FOOTER_BASELINE, &footer);
        c.finish().into_vec()
    }

    /// One row's cells on `baseline`, each in its column, cut to fit, aligned as the
    /// column says. A missing cell is blank; a cell beyond the columns is not drawn.
    fn row(&self, c: &mut Content, face: Face, columns: &[Column], cells: &[&str], baseline: f32) {
        for ((column, &(x, width)), cell) in columns.iter().zip(&self.columns).zip(cells) {
            let words = face.fit(encode(cell), CELL_SIZE, width - 2.0 * CELL_PAD);
            let x = match column.align {
                Align::Left => x + CELL_PAD,
                Align::Right => x + width - CELL_PAD - face.width(&words, CELL_SIZE),
            };
            text(c, face, CELL_SIZE, x, baseline, &words);
        }
    }
}

/// `words` (WinAnsi) in `face` at `size`, from (`x`, `y`).
pub(crate) fn text(c: &mut Content, face: Face, size: f32, x: f32, y: f32, words: &[u8]) {
    if words.is_empty() {
        return;
    }
    let font = match face {
        Face::Regular => REGULAR,
        Face::Bold => BOLD,
    };
    c.begin_text();
    c.set_font(font, size);
    c.set_text_matrix([1.0, 0.0, 0.0, 1.0, x, y]);
    c.show(Str(words));
    c.end_text();
}

/// The filters as "Label value" joined by " · ", on as many lines as they need (at
/// most [`MAX_FILTER_LINES`]); one too long for a line is cut with "…".
fn filter_lines(filters: &[(String, String)], width: f32) -> Vec<Vec<u8>> {
    const SEPARATOR: &str = " · ";
    let mut lines: Vec<String> = Vec::new();
    for (label, value) in filters {
        let item = format!("{label} {value}");
        match lines.last_mut() {
            Some(line)
                if Face::Regular.str_width(line, INFO_SIZE)
                    + Face::Regular.str_width(SEPARATOR, INFO_SIZE)
                    + Face::Regular.str_width(&item, INFO_SIZE)
                    <= width =>
            {
                line.push_str(SEPARATOR);
                line.push_str(&item);
            }
            _ => lines.push(item),
        }
    }
    if lines.len() > MAX_FILTER_LINES {
        lines.truncate(MAX_FILTER_LINES);
        if let Some(last) = lines.last_mut() {
            // More than fits: the last line ends in "…", cut or not.
            last.push_str(" · …");
        }
    }
    lines.iter().map(|line| Face::Regular.fit(encode(line), INFO_SIZE, width)).collect()
}

/// Each column's width: its widest text (heading, cells, total) plus padding; spare
/// room shared equally. When the page is too narrow, number columns keep their width
/// if the text columns can still have [`MIN_TEXT_COLUMN`] each, and the rest is shared
/// fairly: a column narrower than its share keeps its width, the others split the rest.
fn column_widths(table: &Table, available: f32) -> Vec<f32> {
    let measure = |face: Face, text: &str| face.str_width(text, CELL_SIZE) + 2.0 * CELL_PAD;
    let mut natural: Vec<f32> = table.columns.iter().map(|column| measure(Face::Bold, column.heading)).collect();
    for row in &table.rows {
        for (width, cell) in natural.iter_mut().zip(row) {
            *width = width.max(measure(Face::Regular, cell));
        }
    }
    for (width, cell) in natural.iter_mut().zip(table.totals.iter().flatten()) {
        *width = width.max(measure(Face::Bold, cell));
    }
    if natural.is_empty() {
        return natural;
    }

    let total: f32 = natural.iter().sum();
    if total <= available {
        let extra = (available - total) / natural.len() as f32;
        return natural.into_iter().map(|w| w + extra).collect();
    }

    let is_number: Vec<bool> = table.columns.iter().map(|column| column.align == Align::Right).collect();
    let numbers: f32 = natural.iter().zip(&is_number).filter(|(_, &n)| n).map(|(w, _)| w).sum();
    let texts = is_number.iter().filter(|&&n| !n).count();
    let numbers_first = texts > 0 && numbers + texts as f32 * MIN_TEXT_COLUMN <= available;

    let mut widths = natural.clone();
    let (shared, mut room): (Vec<usize>, f32) = if numbers_first {
        ((0..natural.len()).filter(|&i| !is_number[i]).collect(), available - numbers)
    } else {
        ((0..natural.len()).collect(), available)
    };
    // Water-filling: settle the columns that fit in a fair share, split the rest.
    let mut open = shared;
    loop {
        let share = room / open.len() as f32;
        let (fits, wide): (Vec<usize>, Vec<usize>) = open.iter().partition(|&&i| natural[i] <= share);
        if fits.is_empty() {
            for &i in &wide {
                widths[i] = share;
            }
            break;
        }
        room -= fits.iter().map(|&i| natural[i]).sum::<f32>();
        open = wide;
        if open.is_empty() {
            break;
        }
    }
    widths
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{TimeZone, Utc};

    fn table(rows: usize) -> Table {
        Table {
            title: "Collector performance".into(),
            agency: "Acme Recovery".into(),
            filters: vec![
                ("From".into(), "2026-01-01".into()),
                ("To".into(), "2026-01-31".into()),
                ("Collector".into(), "Jane Doe".into()),
            ],
            generated_at: Utc.with_ymd_and_hms(2026, 12, 1, 20, 31, 5).unwrap(),
            columns: vec![
                Column::text("Collector"),
                Column::number("Accounts"),
                Column::number("Collected"),
                Column::number("Recovery rate"),
            ],
            rows: (1..=rows)
                .map(|i| {
                    vec![format!("Collector {i:04}"), i.to_string(), format!("{i}.50"), format!("{}.00%", i % 100)]
                })
                .collect(),
            totals: Some(vec!["Total".into(), (rows * (rows + 1) / 2).to_string(), "98765.43".into(), String::new()]),
        }
    }

    fn pages(pdf: &[u8]) -> Vec<String> {
        pdf_extract::extract_text_from_mem_by_pages(pdf).expect("pdf-extract reads the PDF")
    }

    /// Collapses runs of whitespace, since the extractor spaces words by their distance.
    fn squeeze(text: &str) -> String {
        text.split_whitespace().collect::<Vec<_>>().join(" ")
    }

    #[test]
    fn the_output_is_a_whole_pdf_file() {
        let pdf = render(&table(3));
        assert!(pdf.starts_with(b"%PDF-"), "starts {:?}", &pdf[..8]);
        assert!(pdf.ends_with(b"%%EOF"), "ends {:?}", &pdf[pdf.len() - 8..]);
    }

    /// Portrait with one line of filters: the headings row's top is at 739.89 pt, the
    /// bottom margin at 36, so 50 rows of 14 pt fit: the headings and 49 body lines.
    #[test]
    fn rows_are_paginated_with_the_totals_after_the_last_row() {
        // No rows: "No rows." and the totals, one page.
        assert_eq!(pages(&render(&table(0))).len(), 1);
        assert_eq!(pages(&render(&table(1))).len(), 1);
        // 49 lines: the page is full.
        assert_eq!(pages(&render(&table(48))).len(), 1);
        // 50 lines: the totals go over to a page of their own.
        assert_eq!(pages(&render(&table(49))).len(), 2);
        // 200 rows and the totals: 201 lines, 4 full pages and 5 lines.
        let pages = pages(&render(&table(200)));
        assert_eq!(pages.len(), 5);
        for (i, page) in pages.iter().enumerate() {
            let page = squeeze(page);
            assert!(page.contains("Collector performance"), "page {}: {page}", i + 1);
            assert!(page.contains("Recovery rate"), "page {}: headings missing: {page}", i + 1);
            assert!(page.contains(&format!("Page {} of 5", i + 1)), "page {}: {page}", i + 1);
        }
        assert!(squeeze(&pages[0]).contains("Collector 0049"));
        assert!(!squeeze(&pages[0]).contains("Collector 0050"));
        assert!(squeeze(&pages[1]).contains("Collector 0050"));
        assert!(squeeze(&pages[4]).contains("Collector 0200"));
        assert!(squeeze(&pages[4]).contains("Total 20100 98765.43"));
    }

    #[test]
    fn the_text_of_a_two_page_report_can_be_extracted() {
        let pdf = render(&table(60));
        let pages = pages(&pdf);
        assert_eq!(pages.len(), 2);
        let text = squeeze(&pdf_extract::extract_text_from_mem(&pdf).expect("readable"));
        for expected in [
            "Collector performance",
            "Acme Recovery",
            "From 2026-01-01 · To 2026-01-31 · Collector Jane Doe",
            "Generated 2026-12-01 20:31 UTC",
            "Collector 0060 60 60.50 60.00%",
            "Total 1830 98765.43",
            "Page 1 of 2",
            "Page 2 of 2",
        ] {
            assert!(text.contains(expected), "{expected:?} not in {text}");
        }
        assert!(squeeze(&pages[1]).contains("Page 2 of 2"));
    }

    #[test]
    fn an_empty_report_has_its_headings_and_says_so() {
        let mut empty = table(0);
        empty.totals = None;
        let pages = pages(&render(&empty));
        assert_eq!(pages.len(), 1);
        let page = squeeze(&pages[0]);
        assert!(page.contains("Collector Accounts Collected Recovery rate"), "{page}");
        assert!(page.contains("No rows."), "{page}");
        assert!(page.contains("Page 1 of 1"), "{page}");
    }

    #[test]
    fn string_specials_and_text_outside_winansi_survive() {
        let mut report = table(0);
        report.title = "Aging (90+) \\ backslash ) (".into();
        report.agency = "Агентство 回收 Zoë & Søren".into();
        report.rows = vec![vec!["O'Brien (Jr.) \\ )(".into(), "1".into(), "€1,234.50".into(), "–".into()]];
        let pdf = render(&report);
        let text = squeeze(&pdf_extract::extract_text_from_mem(&pdf).expect("readable"));
        assert!(text.contains("Aging (90+) \\ backslash ) ("), "{text}");
        assert!(text.contains("????????? ?? Zoë & Søren"), "{text}");
        assert!(text.contains("O'Brien (Jr.) \\ )("), "{text}");
        assert!(text.contains("€1,234.50"), "{text}");
    }

    #[test]
    fn more_than_six_columns_turn_the_page_to_landscape() {
        let mut wide = table(1);
        assert_eq!(Layout::of(&wide).page, A4);
        wide.columns = vec![Column::number("n"); 7];
        assert_eq!(Layout::of(&wide).page, (A4.1, A4.0));
    }

    #[test]
    fn columns_fit_the_page_and_numbers_keep_their_width() {
        let mut wide = table(2);
        wide.columns = vec![Column::text("Name"), Column::text("Note"), Column::number("Balance")];
        let long = "a rather long note that a collector typed about this debtor ".repeat(4);
        wide.rows = vec![
            vec!["Jane".into(), long.clone(), "1234567.89".into()],
            vec![long.clone(), "short".into(), "1.00".into()],
        ];
        let layout = Layout::of(&wide);
        let available = A4.0 - 2.0 * MARGIN;
        let widths: Vec<f32> = layout.columns.iter().map(|&(_, w)| w).collect();
        assert!(widths.iter().sum::<f32>() <= available + 0.01, "{widths:?}");
        let balance = Face::Regular.str_width("1234567.89", CELL_SIZE) + 2.0 * CELL_PAD;
        assert!(widths[2] >= balance - 0.01, "the number column was cut: {widths:?}");
        // The two text columns, both too long, share the rest equally.
        assert!((widths[0] - widths[1]).abs() < 0.01, "{widths:?}");
        // The columns follow each other from the left margin.
        assert_eq!(layout.columns[0].0, MARGIN);
        assert!((layout.columns[2].0 - (MARGIN + widths[0] + widths[1])).abs() < 0.01);

        let text = squeeze(&pdf_extract::extract_text_from_mem(&render(&wide)).expect("readable"));
        assert!(text.contains("1234567.89"), "{text}");
        assert!(text.contains("a rather long note"), "{text}");
        assert!(text.contains('…'), "a cut text ends with an ellipsis: {text}");
    }

    #[test]
    fn a_narrow_table_spreads_over_the_page() {
        let layout = Layout::of(&table(1));
        let (x, w) = *layout.columns.last().expect("columns");
        assert!((x + w - (A4.0 - MARGIN)).abs() < 0.01);
    }
}
