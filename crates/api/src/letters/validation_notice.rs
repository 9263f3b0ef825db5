//! The Regulation F validation notice (12 CFR 1006.34) as a PDF: [`render`] lays a
//! [`ValidationNotice`] out on A4 the way the CFPB's model notice (Appendix B to
//! Part 1006, form B-1) is laid out, in plain text blocks with bold headings:
//!
//! - the agency and its licence, the date sent (top right), the debtor's name and
//!   address;
//! - "… is a debt collector. We are trying to collect a debt that you owe to …";
//! - "Our information shows:" the account and the itemisation: what was owed on the
//!   itemisation date, the interest and fees charged and the payments and credits
//!   since, and the total owed now, amounts right-aligned in one column;
//! - "How can you dispute the debt?" and "What else can you do?", with the end of the
//!   validation period;
//! - under a dashed line, the tear-off "How do you want to respond?" form with its
//!   check boxes, the debtor's name and the account number.
//!
//! Choices:
//! - Dates are written "December 1, 2026" (English month names, as the model form);
//!   amounts as the ISO code and the amount with the currency's minor units, digits
//!   grouped by threes: "USD 1,250.50" (the interest and fees with "+ ", the payments
//!   and credits with "– ", as the model form).
//! - Text is in Helvetica and Helvetica-Bold, WinAnsiEncoding, measured with the
//!   reports' glyph widths (`reports::pdf::helvetica`): text outside WinAnsi (Cyrillic,
//!   Greek, CJK, emoji…) prints as `?`. Strings go through `pdf_writer::Str`, which
//!   escapes `(`, `)` and `\`.
//! - Every text is word-wrapped to its room; a word wider than the line is broken
//!   between characters. A line that would go below the bottom margin goes on a new
//!   page (a notice with normal data is one page; absurdly long names or addresses make
//!   more, each with "Page N of M" at the bottom): nothing is drawn off the page. A
//!   heading stays with the first line under it, and the itemisation and the tear-off
//!   form stay whole, when they fit on a page; other text flows from page to page.
//! - An address line too wide for the page is split at its commas (", "), the pieces
//!   packed back onto as few lines as fit.
//! - The output is a function of the notice only: the creation date is `sent_on` at
//!   midnight UTC, object ids are fixed.

use crate::reports::pdf::{
    self,
    helvetica::{encode, Face},
    text,
};
use chrono::NaiveDate;
use debtflow_domain::money::Currency;
use debtflow_domain::validation::Itemization;
use pdf_writer::Content;
use rust_decimal::Decimal;

/// What a validation notice says.
#[derive(Debug, Clone)]
pub struct ValidationNotice<'a> {
    /// The debt collector's name.
    pub agency: &'a str,
    pub licence_number: &'a str,
    pub sent_on: NaiveDate,
    pub debtor_name: &'a str,
    /// Free text; may hold newlines or commas.
    pub debtor_address: Option<&'a str>,
    /// The current creditor.
    pub creditor: &'a str,
    pub original_creditor: Option<&'a str>,
    /// The account number shown.
    pub account_ref: &'a str,
    pub currency: Currency,
    pub itemization: Itemization,
    /// The last day of the validation period (`debtflow_domain::validation::period_end`).
    pub period_ends_on: NaiveDate,
}

/// A4 in points, portrait.
const A4: (f32, f32) = (595.28, 841.89);
const MARGIN: f32 = 56.0;
/// The width text has, from the left margin to the right one.
const WIDTH: f32 = A4.0 - 2.0 * MARGIN;
const TOP: f32 = A4.1 - MARGIN;
const BOTTOM: f32 = MARGIN;

const AGENCY_SIZE: f32 = 13.0;
const AGENCY_LEADING: f32 = 16.0;
const BODY_SIZE: f32 = 10.0;
const BODY_LEADING: f32 = 13.5;
const HEADING_SIZE: f32 = 11.0;
const HEADING_LEADING: f32 = 16.0;
const FORM_HEADING_SIZE: f32 = 12.0;
const FOOTER_SIZE: f32 = 8.0;
const FOOTER_BASELINE: f32 = BOTTOM - 22.0;

/// Between paragraphs, and before a heading.
const PARAGRAPH_GAP: f32 = 6.0;
const SECTION_GAP: f32 = 12.0;
/// The hanging indent of a bullet's text, and of the itemisation's middle rows.
const INDENT: f32 = 14.0;
/// A check box's side, and where its label starts after its left edge.
const BOX_SIDE: f32 = 8.0;
const BOX_LABEL: f32 = 16.0;
/// The least room between an itemisation label and its amount.
const AMOUNT_GAP: f32 = 24.0;
/// From a line's top to its baseline, as a share of the line's height.
const BASELINE: f32 = 0.75;
const GREY_TEXT: f32 = 0.35;

/// "•" in WinAnsi.
const BULLET: u8 = 0x95;

/// The notice as a PDF document: one A4 page, more only if its texts are too long for
/// one.
pub fn render(notice: &ValidationNotice<'_>) -> Vec<u8> {
    let blocks = blocks(notice);
    let pages = paginate(&blocks);
    let page_count = pages.len();

    let created = notice.sent_on.and_time(chrono::NaiveTime::MIN);
    pdf::document("Validation notice", notice.agency, created, A4, page_count, |i| {
        draw_page(&pages[i], i + 1, page_count)
    })
}

/// One line of the letter: its height and what is drawn on it. Positions are from the
/// left margin.
#[derive(Debug, Default)]
struct Line {
    height: f32,
    marks: Vec<Mark>,
}

#[derive(Debug)]
enum Mark {
    /// WinAnsi text on the line's baseline, starting at `x`.
    Text { face: Face, size: f32, x: f32, words: Vec<u8> },
    /// An empty check box at `x`, sitting on the baseline.
    CheckBox { x: f32 },
    /// A horizontal rule across the middle of the line.
    Rule { x: f32, width: f32, dashed: bool },
}

impl Line {
    fn gap(height: f32) -> Self {
        Line { height, marks: Vec::new() }
    }

    fn text(face: Face, size: f32, height: f32, x: f32, words: Vec<u8>) -> Self {
        Line { height, marks: vec![Mark::Text { face, size, x, words }] }
    }
}

type Lines = Vec<Line>;

/// A run of lines; its first `keep` lines go on one page when they fit on one (a
/// heading and its first line, the itemisation, the form), the rest flow.
struct Block {
    lines: Lines,
    keep: usize,
}

impl Block {
    fn flowing(lines: Lines) -> Self {
        Block { lines, keep: 0 }
    }

    fn whole(lines: Lines) -> Self {
        Block { keep: lines.len(), lines }
    }

    /// A heading (room and a line) with the first line of what follows it.
    fn headed(heading: Lines, rest: Lines) -> Self {
        let keep = heading.len() + 1;
        let mut lines = heading;
        lines.extend(rest);
        Block { lines, keep }
    }
}

/// The letter, top to bottom.
fn blocks(notice: &ValidationNotice<'_>) -> Vec<Block> {
    let period_end = long_date(notice.period_ends_on);
    let mut blocks = vec![Block::flowing(header(notice))];

    blocks.push(Block::flowing(paragraph(
        Face::Regular,
        BODY_SIZE,
        BODY_LEADING,
        &format!(
            "{} is a debt collector. We are trying to collect a debt that you owe to {} \
             We will use any information you give us to help collect the debt.",
            notice.agency,
            sentence_end(notice.creditor)
        ),
    )));

    blocks.push(Block::headed(
        heading("Our information shows:"),
        paragraph(
            Face::Regular,
            BODY_SIZE,
            BODY_LEADING,
            &format!(
                "You had an account from {} with account number {}",
                notice.original_creditor.unwrap_or(notice.creditor),
                sentence_end(notice.account_ref)
            ),
        ),
    ));
    blocks.push(Block::whole(itemization(notice.currency, &notice.itemization)));

    blocks.push(Block::headed(
        heading("How can you dispute the debt?"),
        bullet(&format!(
            "Call or write to us by {period_end}, to dispute all or part of the debt. If you do not, \
         we will assume that our information is correct."
        )),
    ));
    blocks.push(Block::flowing(bullet(&format!(
        "If you write to us by {period_end}, we must stop collection on any amount you dispute \
         until we send you information that shows you owe the debt. You may use the form below or \
         write to us without the form. You may also include supporting documents."
    ))));

    blocks.push(Block::headed(
        heading("What else can you do?"),
        bullet(&format!(
            "Write to ask for the name and address of the original creditor, if different from the \
         current creditor. If you write by {period_end}, we must stop collection until we send you \
         that information."
        )),
    ));
    blocks.push(Block::flowing(bullet(
        "Go to www.cfpb.gov/debt-collection to learn more about your rights under federal law.",
    )));
    blocks.push(Block::whole(form(notice)));
    blocks
}

/// The agency (bold) with the date sent at the right, its licence, the debtor's name
/// and address.
fn header(notice: &ValidationNotice<'_>) -> Lines {
    let date = encode(&long_date(notice.sent_on));
    let date_width = Face::Regular.width(&date, BODY_SIZE);
    let agency_room = WIDTH - date_width - AMOUNT_GAP;
    let mut lines: Lines = wrap(Face::Bold, AGENCY_SIZE, &encode(notice.agency), agency_room)
        .into_iter()
        .map(|words| Line::text(Face::Bold, AGENCY_SIZE, AGENCY_LEADING, 0.0, words))
        .collect();
    if lines.is_empty() {
        lines.push(Line::gap(AGENCY_LEADING));
    }
    lines[0].marks.push(Mark::Text { face: Face::Regular, size: BODY_SIZE, x: WIDTH - date_width, words: date });
    lines.extend(paragraph(Face::Regular, BODY_SIZE, BODY_LEADING, &format!("Licence {}", notice.licence_number)));
    lines.push(Line::gap(2.0 * SECTION_GAP));
    let name = wrap(Face::Regular, BODY_SIZE, &encode(notice.debtor_name), WIDTH);
    lines.extend(name.into_iter().map(|words| Line::text(Face::Regular, BODY_SIZE, BODY_LEADING, 0.0, words)));
    let address = notice.debtor_address.map(|a| address_lines(a, Face::Regular, BODY_SIZE, WIDTH)).unwrap_or_default();
    lines.extend(address.into_iter().map(|words| Line::text(Face::Regular, BODY_SIZE, BODY_LEADING, 0.0, words)));
    lines.push(Line::gap(SECTION_GAP));
    lines
}

/// A bold heading, with room above it.
fn heading(title: &str) -> Lines {
    let mut lines = vec![Line::gap(SECTION_GAP)];
    lines.extend(paragraph(Face::Bold, HEADING_SIZE, HEADING_LEADING, title));
    lines
}

/// `text` wrapped to the page's width, then a little room.
fn paragraph(face: Face, size: f32, leading: f32, text: &str) -> Lines {
    let mut lines: Lines = wrap(face, size, &encode(text), WIDTH)
        .into_iter()
        .map(|words| Line::text(face, size, leading, 0.0, words))
        .collect();
    lines.push(Line::gap(PARAGRAPH_GAP));
    lines
}

/// `text` after a bullet, with a hanging indent, then a little room.
fn bullet(text: &str) -> Lines {
    let mut lines: Lines = wrap(Face::Regular, BODY_SIZE, &encode(text), WIDTH - INDENT)
        .into_iter()
        .map(|words| Line::text(Face::Regular, BODY_SIZE, BODY_LEADING, INDENT, words))
        .collect();
    if let Some(first) = lines.first_mut() {
        first.marks.insert(0, Mark::Text { face: Face::Regular, size: BODY_SIZE, x: 2.0, words: vec![BULLET] });
    }
    lines.push(Line::gap(PARAGRAPH_GAP));
    lines
}

/// The five figures of the itemisation: labels at the left, amounts right-aligned in
/// one column, the total in bold under a rule. As narrow as its texts allow, so that
/// the amounts stay near their labels.
fn itemization(currency: Currency, items: &Itemization) -> Lines {
    let date = long_date(items.date);
    // (indent, label, amount, face); a row without an amount is a lead-in.
    let rows: [(f32, String, Option<String>, Face); 6] = [
        (0.0, format!("As of {date}, you owed:"), Some(amount(currency, items.owed_then)), Face::Regular),
        (0.0, format!("Between {date} and today:"), None, Face::Regular),
        (
            INDENT,
            "You were charged this amount in interest:".into(),
            Some(format!("+ {}", amount(currency, items.interest))),
            Face::Regular,
        ),
        (
            INDENT,
            "You were charged this amount in fees:".into(),
            Some(format!("+ {}", amount(currency, items.fees))),
            Face::Regular,
        ),
        (
            INDENT,
            "You paid or were credited this amount toward the debt:".into(),
            Some(format!("\u{2013} {}", amount(currency, items.credits))),
            Face::Regular,
        ),
        (0.0, "Total amount of the debt now:".into(), Some(amount(currency, items.owed_now)), Face::Bold),
    ];
    let rows = rows.map(|(indent, label, amount, face)| (indent, encode(&label), amount.map(|a| encode(&a)), face));

    // The amounts' column is as wide as the widest amount, but leaves labels a third of
    // the page; an amount wider than that is wrapped like any text.
    let amounts = rows
        .iter()
        .filter_map(|(_, _, amount, face)| amount.as_ref().map(|a| face.width(a, BODY_SIZE)))
        .fold(0.0, f32::max)
        .min(WIDTH * 2.0 / 3.0 - AMOUNT_GAP);
    let labels = rows.iter().map(|(indent, label, _, face)| indent + face.width(label, BODY_SIZE)).fold(0.0, f32::max);
    let right = (labels + AMOUNT_GAP + amounts).min(WIDTH);

    let mut lines = vec![Line::gap(PARAGRAPH_GAP)];
    for (indent, label, amount, face) in rows {
        let label_room = match amount {
            Some(_) => right - amounts - AMOUNT_GAP - indent,
            None => WIDTH - indent,
        };
        if face == Face::Bold {
            lines.push(Line {
                height: 5.0,
                marks: vec![Mark::Rule { x: right - amounts, width: amounts, dashed: false }],
            });
        }
        let mut row: Lines = wrap(face, BODY_SIZE, &label, label_room)
            .into_iter()
            .map(|words| Line::text(face, BODY_SIZE, BODY_LEADING, indent, words))
            .collect();
        // The amount on the label's last line; an amount too wide for its column on
        // lines of its own below.
        for (i, words) in amount.map(|a| wrap(face, BODY_SIZE, &a, amounts)).unwrap_or_default().into_iter().enumerate()
        {
            let x = right - face.width(&words, BODY_SIZE);
            let mark = Mark::Text { face, size: BODY_SIZE, x, words };
            match row.last_mut() {
                Some(last) if i == 0 => last.marks.push(mark),
                _ => row.push(Line { height: BODY_LEADING, marks: vec![mark] }),
            }
        }
        lines.extend(row);
    }
    lines.push(Line::gap(PARAGRAPH_GAP));
    lines
}

/// The tear-off reply form, under a dashed line.
fn form(notice: &ValidationNotice<'_>) -> Lines {
    let mut lines = vec![
        Line::gap(SECTION_GAP),
        Line { height: 16.0, marks: vec![Mark::Rule { x: 0.0, width: WIDTH, dashed: true }] },
        Line::gap(PARAGRAPH_GAP),
    ];
    lines.extend(paragraph(Face::Bold, FORM_HEADING_SIZE, HEADING_LEADING, "How do you want to respond?"));
    lines.extend(labelled("Mail this form to:", notice.agency));
    lines.extend(labelled("Name:", notice.debtor_name));
    lines.extend(labelled("Account number:", notice.account_ref));
    lines.push(Line::gap(PARAGRAPH_GAP));
    lines.extend(paragraph(Face::Regular, BODY_SIZE, BODY_LEADING, "Check all that apply:"));
    lines.extend(paragraph(Face::Bold, BODY_SIZE, BODY_LEADING, "I want to dispute the debt because I think:"));
    lines.extend(check_box(INDENT, "This is not my debt."));
    lines.extend(check_box(INDENT, "The amount is wrong."));
    lines.extend(check_box(INDENT, "Other (please describe on reverse or attach additional information)."));
    lines.push(Line::gap(PARAGRAPH_GAP));
    lines.extend(check_box(0.0, "I want you to send me the name and address of the original creditor."));
    lines.extend(check_box(0.0, &format!("I enclosed this amount: {} ______________", notice.currency.code())));
    lines
}

/// "Label: value": the label in bold, the value after it, wrapped under it when long.
fn labelled(label: &str, value: &str) -> Lines {
    let label = encode(label);
    let label_width = Face::Bold.width(&label, BODY_SIZE) + Face::Regular.width(b" ", BODY_SIZE);
    let mut lines: Lines = wrap(Face::Regular, BODY_SIZE, &encode(value), WIDTH - label_width)
        .into_iter()
        .map(|words| Line::text(Face::Regular, BODY_SIZE, BODY_LEADING, label_width, words))
        .collect();
    let mark = Mark::Text { face: Face::Bold, size: BODY_SIZE, x: 0.0, words: label };
    match lines.first_mut() {
        Some(first) => first.marks.insert(0, mark),
        None => lines.push(Line { height: BODY_LEADING, marks: vec![mark] }),
    }
    lines
}

/// A check box at `x` and its label after it.
fn check_box(x: f32, label: &str) -> Lines {
    let mut lines: Lines = wrap(Face::Regular, BODY_SIZE, &encode(label), WIDTH - x - BOX_LABEL)
        .into_iter()
        .map(|words| Line::text(Face::Regular, BODY_SIZE, BODY_LEADING + 2.0, x + BOX_LABEL, words))
        .collect();
    if let Some(first) = lines.first_mut() {
        first.marks.push(Mark::CheckBox { x });
    }
    lines
}

/// A line placed on a page, with the height of its top edge.
type Placed<'a> = (f32, &'a Line);

/// The lines on each page (at least one page). A block goes to a new page when the
/// lines it keeps together do not fit on this one but do on an empty one; any line goes
/// to a new page when it does not fit on this one; room (a line with nothing on it) at
/// the top of a page is dropped.
fn paginate(blocks: &[Block]) -> Vec<Vec<Placed<'_>>> {
    let mut pages: Vec<Vec<Placed>> = vec![Vec::new()];
    let mut y = TOP;
    for block in blocks {
        let kept = &block.lines[..block.keep.min(block.lines.len())];
        let height: f32 = kept.iter().map(|line| line.height).sum();
        let content: f32 = kept.iter().skip_while(|line| line.marks.is_empty()).map(|line| line.height).sum();
        let fresh = pages.last().is_none_or(Vec::is_empty);
        if !fresh && y - height < BOTTOM && content <= TOP - BOTTOM {
            pages.push(Vec::new());
            y = TOP;
        }
        for line in &block.lines {
            let fresh = pages.last().is_none_or(Vec::is_empty);
            if !fresh && y - line.height < BOTTOM {
                pages.push(Vec::new());
                y = TOP;
            }
            let Some(page) = pages.last_mut() else { break };
            if line.marks.is_empty() && page.is_empty() {
                continue;
            }
            page.push((y, line));
            y -= line.height;
        }
    }
    pages
}

/// The content stream of page `number` (from 1) of `count`.
fn draw_page(lines: &[Placed<'_>], number: usize, count: usize) -> Vec<u8> {
    let mut c = Content::new();
    for &(top, line) in lines {
        let baseline = top - BASELINE * line.height;
        for mark in &line.marks {
            match mark {
                Mark::Text { face, size, x, words } => text(&mut c, *face, *size, MARGIN + x, baseline, words),
                Mark::CheckBox { x } => {
                    c.set_line_width(0.75);
                    c.rect(MARGIN + x, baseline - 1.0, BOX_SIDE, BOX_SIDE).stroke();
                }
                Mark::Rule { x, width, dashed } => {
                    let y = top - line.height / 2.0;
                    c.save_state();
                    c.set_line_width(if *dashed { 0.75 } else { 0.5 });
                    if *dashed {
                        c.set_dash_pattern([4.0, 3.0], 0.0);
                    }
                    c.move_to(MARGIN + x, y).line_to(MARGIN + x + width, y).stroke();
                    c.restore_state();
                }
            }
        }
    }
    if count > 1 {
        let footer = encode(&format!("Page {number} of {count}"));
        let x = (A4.0 - Face::Regular.width(&footer, FOOTER_SIZE)) / 2.0;
        c.set_fill_gray(GREY_TEXT);
        text(&mut c, Face::Regular, FOOTER_SIZE, x, FOOTER_BASELINE, &footer);
        c.set_fill_gray(0.0);
    }
    c.finish().into_vec()
}

/// `text` (WinAnsi) in lines no wider than `width` at `size`: words go on a line while
/// they fit; a word wider than a line is broken between characters. Runs of spaces
/// collapse; no text, no lines.
fn wrap(face: Face, size: f32, text: &[u8], width: f32) -> Vec<Vec<u8>> {
    let mut lines = Vec::new();
    let mut line: Vec<u8> = Vec::new();
    for word in text.split(|&b| b == b' ').filter(|word| !word.is_empty()) {
        if !line.is_empty() {
            let mut longer = line.clone();
            longer.push(b' ');
            longer.extend_from_slice(word);
            if face.width(&longer, size) <= width {
                line = longer;
                continue;
            }
            lines.push(std::mem::take(&mut line));
        }
        if face.width(word, size) <= width {
            line = word.to_vec();
            continue;
        }
        // Too wide for any line: as many characters as fit on each (at least one).
        for &b in word {
            line.push(b);
            if line.len() > 1 && face.width(&line, size) > width {
                line.pop();
                lines.push(std::mem::replace(&mut line, vec![b]));
            }
        }
    }
    if !line.is_empty() {
        lines.push(line);
    }
    lines
}

/// The address's lines (WinAnsi), no wider than `width`: its own lines, blank ones
/// dropped; one too wide split at its commas and packed back onto as few lines as fit,
/// and what still does not fit wrapped.
fn address_lines(address: &str, face: Face, size: f32, width: f32) -> Vec<Vec<u8>> {
    let mut lines = Vec::new();
    for line in address.lines().map(str::trim).filter(|line| !line.is_empty()) {
        let words = encode(line);
        if face.width(&words, size) <= width {
            lines.push(words);
            continue;
        }
        let mut packed: Vec<String> = Vec::new();
        for piece in line.split(", ").map(str::trim).filter(|piece| !piece.is_empty()) {
            match packed.last_mut() {
                Some(last) if face.str_width(&format!("{last}, {piece}"), size) <= width => {
                    last.push_str(", ");
                    last.push_str(piece);
                }
                _ => packed.push(piece.to_owned()),
            }
        }
        for piece in packed {
            lines.extend(wrap(face, size, &encode(&piece), width));
        }
    }
    lines
}

/// `words` and the full stop that ends a sentence, unless it ends with one already
/// ("Big Bank N.A.", not "Big Bank N.A..").
fn sentence_end(words: &str) -> String {
    let words = words.trim_end();
    if words.ends_with('.') {
        words.to_owned()
    } else {
        format!("{words}.")
    }
}

/// "December 1, 2026".
fn long_date(date: NaiveDate) -> String {
    date.format("%B %-d, %Y").to_string()
}

/// The ISO code and the amount with the currency's minor units, digits grouped by
/// threes: "USD 1,250.50", "JPY 125,050", "USD -12.00".
fn amount(currency: Currency, value: Decimal) -> String {
    let shown = currency.shown(value);
    let sign = if shown.is_sign_negative() && !shown.is_zero() { "-" } else { "" };
    let digits = shown.abs().to_string();
    let (whole, fraction) = match digits.split_once('.') {
        Some((whole, fraction)) => (whole, Some(fraction)),
        None => (digits.as_str(), None),
    };
    let mut grouped = String::with_capacity(whole.len() + whole.len() / 3);
    for (i, digit) in whole.chars().enumerate() {
        if i > 0 && (whole.len() - i) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(digit);
    }
    match fraction {
        Some(fraction) => format!("{} {sign}{grouped}.{fraction}", currency.code()),
        None => format!("{} {sign}{grouped}", currency.code()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().expect("a date")
    }

    fn notice() -> ValidationNotice<'static> {
        ValidationNotice {
            agency: "Acme Recovery LLC",
            licence_number: "CA-DCA-0012345",
            sent_on: d("2026-12-01"),
            debtor_name: "Jane Q. Debtor",
            debtor_address: Some("12 Main Street, Apt 4B\nSpringfield, IL 62701"),
            creditor: "Big Bank N.A.",
            original_creditor: Some("Small Store Card"),
            account_ref: "ACC-1234-5678",
            currency: Currency::USD,
            itemization: Itemization::new(
                d("2026-01-15"),
                Decimal::new(125050, 2),
                Decimal::ZERO,
                Decimal::new(2500, 2),
                Decimal::new(117550, 2),
            ),
            period_ends_on: d("2027-01-08"),
        }
    }

    fn text_of(pdf: &[u8]) -> String {
        let text = pdf_extract::extract_text_from_mem(pdf).expect("pdf-extract reads the PDF");
        squeeze(&text)
    }

    fn page_count(pdf: &[u8]) -> usize {
        pdf_extract::extract_text_from_mem_by_pages(pdf).expect("pdf-extract reads the PDF").len()
    }

    /// Collapses runs of whitespace, since the extractor spaces words by their distance.
    fn squeeze(text: &str) -> String {
        text.split_whitespace().collect::<Vec<_>>().join(" ")
    }

    /// Everything drawn is inside the margins: texts, boxes and rules.
    fn assert_within_the_page(notice: &ValidationNotice<'_>) {
        let blocks = blocks(notice);
        for (p, page) in paginate(&blocks).iter().enumerate() {
            for &(top, line) in page {
                assert!(top <= TOP + 0.01, "page {}: a line starts above the margin at {top}", p + 1);
                assert!(top - line.height >= BOTTOM - 0.01, "page {}: a line ends below the margin", p + 1);
                for mark in &line.marks {
                    let (x, width) = match mark {
                        Mark::Text { face, size, x, words } => (*x, face.width(words, *size)),
                        Mark::CheckBox { x } => (*x, BOX_SIDE),
                        Mark::Rule { x, width, .. } => (*x, *width),
                    };
                    assert!(x >= -0.01 && x + width <= WIDTH + 0.01, "page {}: {mark:?} sticks out", p + 1);
                }
            }
        }
    }

    #[test]
    fn the_notice_says_what_the_model_form_says() {
        let pdf = render(&notice());
        assert!(pdf.starts_with(b"%PDF-") && pdf.ends_with(b"%%EOF"));
        assert_eq!(page_count(&pdf), 1);
        let text = text_of(&pdf);
        for expected in [
            "Acme Recovery LLC",
            "Licence CA-DCA-0012345",
            "December 1, 2026",
            "Jane Q. Debtor",
            "12 Main Street, Apt 4B",
            "Springfield, IL 62701",
            "Acme Recovery LLC is a debt collector. We are trying to collect a debt that you owe to Big Bank N.A. We will use",
            "Our information shows:",
            "You had an account from Small Store Card with account number ACC-1234-5678.",
            "As of January 15, 2026, you owed: USD 1,250.50",
            "Between January 15, 2026 and today:",
            "You were charged this amount in interest: + USD 0.00",
            "You were charged this amount in fees: + USD 25.00",
            "You paid or were credited this amount toward the debt: \u{2013} USD 100.00",
            "Total amount of the debt now: USD 1,175.50",
            "How can you dispute the debt?",
            "Call or write to us by January 8, 2027, to dispute all or part of the debt.",
            "If you write to us by January 8, 2027, we must stop collection on any amount you dispute",
            "What else can you do?",
            "If you write by January 8, 2027, we must stop collection until we send you that information.",
            "Go to www.cfpb.gov/debt-collection to learn more about your rights under federal law.",
            "How do you want to respond?",
            "Mail this form to: Acme Recovery LLC",
            "Name: Jane Q. Debtor",
            "Account number: ACC-1234-5678",
            "I want to dispute the debt because I think:",
            "This is not my debt.",
            "The amount is wrong.",
            "Other (please describe on reverse or attach additional information).",
            "I want you to send me the name and address of the original creditor.",
            "I enclosed this amount: USD ______________",
        ] {
            assert!(text.contains(expected), "{expected:?} not in {text}");
        }
        assert_eq!(text.matches("January 8, 2027").count(), 3, "{text}");
        assert!(!text.contains("Page 1"), "one page needs no page numbers: {text}");
        assert_within_the_page(&notice());
    }

    #[test]
    fn without_an_original_creditor_the_account_is_the_creditors() {
        let notice = ValidationNotice { original_creditor: None, debtor_address: None, ..notice() };
        let text = text_of(&render(&notice));
        assert!(text.contains("You had an account from Big Bank N.A. with account number ACC-1234-5678."), "{text}");
    }

    #[test]
    fn the_document_info_is_the_notices() {
        let pdf = render(&notice());
        let raw = String::from_utf8_lossy(&pdf);
        assert!(raw.contains("/Title (Validation notice)"), "{raw}");
        assert!(raw.contains("/Author (Acme Recovery LLC)"), "{raw}");
        assert!(raw.contains("/Producer (DebtFlow)"), "{raw}");
        assert!(raw.contains("/CreationDate (D:20261201000000Z"), "{raw}");
    }

    #[test]
    fn rendering_twice_gives_the_same_bytes() {
        assert_eq!(render(&notice()), render(&notice()));
    }

    #[test]
    fn amounts_have_the_currencys_minor_units_grouped_by_threes() {
        let usd = Currency::USD;
        assert_eq!(amount(usd, Decimal::new(125050, 2)), "USD 1,250.50");
        assert_eq!(amount(usd, Decimal::new(5, 1)), "USD 0.50");
        assert_eq!(amount(usd, Decimal::ZERO), "USD 0.00");
        assert_eq!(amount(usd, Decimal::new(-1200, 2)), "USD -12.00");
        assert_eq!(amount(usd, Decimal::new(-0, 2)), "USD 0.00");
        assert_eq!(amount(usd, Decimal::new(123456789012, 2)), "USD 1,234,567,890.12");
        assert_eq!(amount(usd, Decimal::new(100000, 2)), "USD 1,000.00");
        assert_eq!(amount(usd, Decimal::new(99999, 2)), "USD 999.99");
        let jpy = Currency::parse("JPY").expect("JPY");
        assert_eq!(amount(jpy, Decimal::new(125050, 0)), "JPY 125,050");
        let kwd = Currency::parse("KWD").expect("KWD");
        assert_eq!(amount(kwd, Decimal::new(12345, 1)), "KWD 1,234.500");
    }

    #[test]
    fn long_words_and_lines_wrap_within_their_width() {
        let text = encode("a rather long sentence that a collector wrote, with one ");
        let lines = wrap(Face::Regular, BODY_SIZE, &text, 100.0);
        assert!(lines.len() > 2, "{lines:?}");
        assert!(lines.iter().all(|line| Face::Regular.width(line, BODY_SIZE) <= 100.0));
        assert_eq!(squeeze(&String::from_utf8_lossy(&lines.join(&b' '))), squeeze(&String::from_utf8_lossy(&text)));

        let word = vec![b'W'; 100];
        let lines = wrap(Face::Bold, BODY_SIZE, &word, 50.0);
        assert!(lines.iter().all(|line| Face::Bold.width(line, BODY_SIZE) <= 50.0 && !line.is_empty()));
        assert_eq!(lines.concat(), word);
        assert!(wrap(Face::Regular, BODY_SIZE, b"   ", 50.0).is_empty());
    }

    #[test]
    fn a_wide_address_line_is_split_at_its_commas() {
        let address = "12 Main Street, Apartment 4B, Springfield, IL 62701\n\n  Attn: Accounts  ";
        let wide = address_lines(address, Face::Regular, BODY_SIZE, WIDTH);
        assert_eq!(wide, vec![encode("12 Main Street, Apartment 4B, Springfield, IL 62701"), encode("Attn: Accounts")]);
        let narrow = address_lines(address, Face::Regular, BODY_SIZE, 150.0);
        assert_eq!(
            narrow,
            vec![encode("12 Main Street, Apartment 4B"), encode("Springfield, IL 62701"), encode("Attn: Accounts")]
        );
    }

    #[test]
    fn very_long_names_and_addresses_stay_on_the_pages() {
        let creditor = format!("{} {}", "Consolidated Receivables Holding Company ".repeat(40), "X".repeat(400));
        let address = (1..=40).map(|i| format!("Building {i}, Floor {i}, Wing {i}")).collect::<Vec<_>>().join(", ")
            + "\nLine two\n"
            + &"Z".repeat(300);
        let agency = "The Extremely Long Named Debt Collection Agency of the Northern Districts ".repeat(3);
        let notice = ValidationNotice {
            agency: &agency,
            creditor: &creditor,
            original_creditor: None,
            debtor_address: Some(&address),
            account_ref: &"0123456789".repeat(30),
            ..notice()
        };
        assert_within_the_page(&notice);
        let pdf = render(&notice);
        let pages = page_count(&pdf);
        assert!(pages >= 2, "{pages} pages");
        let text = text_of(&pdf);
        for expected in [
            "Jane Q. Debtor",
            "Building 40, Floor 40, Wing 40",
            "Consolidated Receivables Holding Company",
            "is a debt collector",
            "Total amount of the debt now: USD 1,175.50",
            "www.cfpb.gov/debt-collection",
            "I enclosed this amount:",
            &format!("Page {pages} of {pages}"),
        ] {
            assert!(text.contains(expected), "{expected:?} not in {text}");
        }
        assert!(text.matches("January 8, 2027").count() >= 3, "{text}");
    }

    #[test]
    fn huge_amounts_stay_in_their_column() {
        let big = Decimal::new(999_999_999_999_999, 0);
        let notice =
            ValidationNotice { itemization: Itemization::new(d("2026-01-15"), big, big, big, -big), ..notice() };
        assert_within_the_page(&notice);
        let text = text_of(&render(&notice));
        assert!(text.contains("USD 999,999,999,999,999.00"), "{text}");
        assert!(text.contains("USD -999,999,999,999,999.00"), "{text}");
    }

    #[test]
    fn string_specials_and_text_outside_winansi_survive() {
        let notice = ValidationNotice {
            agency: "O'Brien (Recovery) \\ Sons )(",
            debtor_name: "Zoë (Jr.) \\ Søren",
            creditor: "Банк 回收 (Intl)",
            account_ref: "A\\B(1)",
            ..notice()
        };
        let pdf = render(&notice);
        let text = text_of(&pdf);
        for expected in [
            "O'Brien (Recovery) \\ Sons )( is a debt collector.",
            "Zoë (Jr.) \\ Søren",
            "you owe to ???? ?? (Intl).",
            "account number A\\B(1).",
            "Account number: A\\B(1)",
        ] {
            assert!(text.contains(expected), "{expected:?} not in {text}");
        }
    }
}
