//! Helvetica and Helvetica-Bold, two of the fourteen fonts every PDF reader has, in
//! WinAnsiEncoding (Windows-1252): the byte each character is written as, and how wide
//! each byte is drawn, so the PDF can line columns up and cut what does not fit.
//!
//! The widths are Adobe's font metrics (the AFM files of the base-14 fonts), in
//! thousandths of the font size, for the codes 32 to 255. A character WinAnsi cannot
//! write (Cyrillic, Greek, CJK, emoji, control characters) becomes `?`, and any
//! whitespace becomes a space: the document stays valid, the text says something was
//! there.

/// The two faces a report uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Face {
    Regular,
    Bold,
}

/// The first code the width tables (and the fonts' `/Widths`) cover.
pub const FIRST_CHAR: u8 = 32;
/// The last code they cover.
pub const LAST_CHAR: u8 = 255;
/// "…" in WinAnsi: what a cut text ends with.
pub const ELLIPSIS: u8 = 0x85;

impl Face {
    /// The base-14 font's PostScript name.
    pub fn base_font(self) -> &'static [u8] {
        match self {
            Face::Regular => b"Helvetica",
            Face::Bold => b"Helvetica-Bold",
        }
    }

    /// The widths of the codes `FIRST_CHAR..=LAST_CHAR`, in thousandths of the size.
    pub fn widths(self) -> impl Iterator<Item = f32> {
        self.table().iter().map(|&w| f32::from(w))
    }

    /// How wide `text` (WinAnsi bytes) is drawn at `size` points.
    pub fn width(self, text: &[u8], size: f32) -> f32 {
        let table = self.table();
        let units: u32 = text.iter().map(|&b| u32::from(glyph_width(table, b))).sum();
        units as f32 * size / 1000.0
    }

    /// How wide `text` will be drawn once encoded ([`encode`]), without encoding it.
    pub fn str_width(self, text: &str, size: f32) -> f32 {
        let table = self.table();
        let units: u32 = text.chars().map(|c| u32::from(glyph_width(table, byte_of(c)))).sum();
        units as f32 * size / 1000.0
    }

    /// `text` if it fits in `max` points at `size`, else its longest beginning that fits
    /// with "…" after it (nothing at all when not even "…" fits).
    pub fn fit(self, mut text: Vec<u8>, size: f32, max: f32) -> Vec<u8> {
        if self.width(&text, size) <= max {
            return text;
        }
        let room = max - self.width(&[ELLIPSIS], size);
        if room < 0.0 {
            text.clear();
            return text;
        }
        let mut used = 0.0;
        let mut keep = 0;
        for &b in &text {
            let w = self.width(&[b], size);
            if used + w > room {
                break;
            }
            used += w;
            keep += 1;
        }
        text.truncate(keep);
        // A cut before a space would end in "name …": drop the trailing spaces.
        while text.last() == Some(&b' ') {
            text.pop();
        }
        text.push(ELLIPSIS);
        text
    }

    fn table(self) -> &'static [u16; 224] {
        match self {
            Face::Regular => &REGULAR,
            Face::Bold => &BOLD,
        }
    }
}

/// A code outside the table (never written by [`encode`]) counts as the widest glyph,
/// so a measure never comes out short.
fn glyph_width(table: &[u16; 224], b: u8) -> u16 {
    b.checked_sub(FIRST_CHAR).and_then(|i| table.get(usize::from(i))).copied().filter(|&w| w > 0).unwrap_or(1015)
}

/// `text` in WinAnsi, one byte per character: `?` for what WinAnsi cannot write.
pub fn encode(text: &str) -> Vec<u8> {
    text.chars().map(byte_of).collect()
}

/// The WinAnsi code of `c`.
fn byte_of(c: char) -> u8 {
    match u32::from(c) {
        code @ (0x20..=0x7E | 0xA0..=0xFF) => code as u8,
        _ if c.is_whitespace() => b' ',
        _ => match c {
            '€' => 0x80,
            '‚' => 0x82,
            'ƒ' => 0x83,
            '„' => 0x84,
            '…' => 0x85,
            '†' => 0x86,
            '‡' => 0x87,
            'ˆ' => 0x88,
            '‰' => 0x89,
            'Š' => 0x8A,
            '‹' => 0x8B,
            'Œ' => 0x8C,
            'Ž' => 0x8E,
            '‘' => 0x91,
            '’' => 0x92,
            '“' => 0x93,
            '”' => 0x94,
            '•' => 0x95,
            '–' => 0x96,
            '—' => 0x97,
            '˜' => 0x98,
            '™' => 0x99,
            'š' => 0x9A,
            '›' => 0x9B,
            'œ' => 0x9C,
            'ž' => 0x9E,
            'Ÿ' => 0x9F,
            _ => b'?',
        },
    }
}

// Codes 0x7F, 0x81, 0x8D, 0x8F, 0x90 and 0x9D have no glyph in WinAnsi (width 0 here,
// never written).
const REGULAR: [u16; 224] = [
    278, 278, 355, 556, 556, 889, 667, 191, 333, 333, 389, 584, 278, 333, 278, 278, // 0x20
    556, 556, 556, 556, 556, 556, 556, 556, 556, 556, 278, 278, 584, 584, 584, 556, // 0x30
    1015, 667, 667, 722, 722, 667, 611, 778, 722, 278, 500, 667, 556, 833, 722, 778, // 0x40
    667, 778, 722, 667, 611, 722, 667, 944, 667, 667, 611, 278, 278, 278, 469, 556, // 0x50
    333, 556, 556, 500, 556, 556, 278, 556, 556, 222, 222, 500, 222, 833, 556, 556, // 0x60
    556, 556, 333, 500, 278, 556, 500, 722, 500, 500, 500, 334, 260, 334, 584, 0, // 0x70
    556, 0, 222, 556, 333, 1000, 556, 556, 333, 1000, 667, 333, 1000, 0, 611, 0, // 0x80
    0, 222, 222, 333, 333, 350, 556, 1000, 333, 1000, 500, 333, 944, 0, 500, 667, // 0x90
    278, 333, 556, 556, 556, 556, 260, 556, 333, 737, 370, 556, 584, 333, 737, 333, // 0xa0
    400, 584, 333, 333, 333, 556, 537, 278, 333, 333, 365, 556, 834, 834, 834, 611, // 0xb0
    667, 667, 667, 667, 667, 667, 1000, 722, 667, 667, 667, 667, 278, 278, 278, 278, // 0xc0
    722, 722, 778, 778, 778, 778, 778, 584, 778, 722, 722, 722, 722, 667, 667, 611, // 0xd0
    556, 556, 556, 556, 556, 556, 889, 500, 556, 556, 556, 556, 278, 278, 278, 278, // 0xe0
    556, 556, 556, 556, 556, 556, 556, 584, 611, 556, 556, 556, 556, 500, 556, 500, // 0xf0
];
const BOLD: [u16; 224] = [
    278, 333, 474, 556, 556, 889, 722, 238, 333, 333, 389, 584, 278, 333, 278, 278, // 0x20
    556, 556, 556, 556, 556, 556, 556, 556, 556, 556, 333, 333, 584, 584, 584, 611, // 0x30
    975, 722, 722, 722, 722, 667, 611, 778, 722, 278, 556, 722, 611, 833, 722, 778, // 0x40
    667, 778, 722, 667, 611, 722, 667, 944, 667, 667, 611, 333, 278, 333, 584, 556, // 0x50
    333, 556, 611, 556, 611, 556, 333, 611, 611, 278, 278, 556, 278, 889, 611, 611, // 0x60
    611, 611, 389, 556, 333, 611, 556, 778, 556, 556, 500, 389, 280, 389, 584, 0, // 0x70
    556, 0, 278, 556, 500, 1000, 556, 556, 333, 1000, 667, 333, 1000, 0, 611, 0, // 0x80
    0, 278, 278, 500, 500, 350, 556, 1000, 333, 1000, 556, 333, 944, 0, 500, 667, // 0x90
    278, 333, 556, 556, 556, 556, 280, 556, 333, 737, 370, 556, 584, 333, 737, 333, // 0xa0
    400, 584, 333, 333, 333, 611, 556, 278, 333, 333, 365, 556, 834, 834, 834, 611, // 0xb0
    722, 722, 722, 722, 722, 722, 1000, 722, 667, 667, 667, 667, 278, 278, 278, 278, // 0xc0
    722, 722, 778, 778, 778, 778, 778, 584, 778, 722, 722, 722, 722, 667, 667, 611, // 0xd0
    556, 556, 556, 556, 556, 556, 889, 556, 556, 556, 556, 556, 278, 278, 278, 278, // 0xe0
    611, 611, 611, 611, 611, 611, 611, 584, 611, 611, 611, 611, 611, 556, 611, 556, // 0xf0
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn latin_text_is_written_as_itself_and_the_rest_as_question_marks() {
        assert_eq!(encode("Zoë (ok) \\ 100%"), b"Zo\xEB (ok) \\ 100%");
        assert_eq!(encode("€1 – “a” …"), b"\x801 \x96 \x93a\x94 \x85");
        assert_eq!(encode("Иван 王 🙂"), b"???? ? ?");
        assert_eq!(encode("a\tb\nc\u{0085}d\u{0007}"), b"a b c d?");
    }

    #[test]
    fn widths_are_helveticas() {
        // "Hello": H 722 + e 556 + l 222 + l 222 + o 556 = 2278 thousandths.
        assert!((Face::Regular.width(b"Hello", 10.0) - 22.78).abs() < 1e-4);
        // Bold: H 722 + e 556 + l 278 + l 278 + o 611 = 2445.
        assert!((Face::Bold.width(b"Hello", 10.0) - 24.45).abs() < 1e-4);
        assert_eq!(Face::Regular.str_width("Zoë", 9.0), Face::Regular.width(&encode("Zoë"), 9.0));
        assert_eq!(Face::Regular.widths().count(), usize::from(LAST_CHAR - FIRST_CHAR) + 1);
    }

    #[test]
    fn a_text_too_wide_is_cut_with_an_ellipsis_and_then_fits() {
        let text = encode("A very long collector name indeed");
        let cut = Face::Regular.fit(text.clone(), 9.0, 60.0);
        assert_eq!(cut.last(), Some(&ELLIPSIS));
        assert!(Face::Regular.width(&cut, 9.0) <= 60.0);
        assert!(text.starts_with(&cut[..cut.len() - 1]));
        assert_eq!(Face::Regular.fit(text.clone(), 9.0, 1_000.0), text);
        assert!(Face::Regular.fit(text, 9.0, 1.0).is_empty());
    }
}
