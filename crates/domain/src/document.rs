//! Documents uploaded to accounts (court filings, contracts, IDs, photos): their type
//! told by their content, not by their name or the Content-Type header the client sent.
//!
//! [`sniff`] reads the content alone and says which accepted [`DocumentType`] it is, if
//! any; [`check`] is the upload rule: the file is not empty, its name has an accepted
//! extension, and its content is of a type that extension allows — a `.pdf` that is
//! really an executable, or really a PNG, is refused.
//!
//! What the content must look like:
//! - PDF: starts with `%PDF-` and a version, `1.7` or `2.0` (strictly at byte 0,
//!   though readers tolerate up to 1 KiB of leading junk: a file we accept opens
//!   everywhere, and junk before the header is how polyglots hide), and has `%%EOF`
//!   within its last 1024 bytes, so a truncated upload or a forged header alone is refused;
//! - PNG: the signature, then the `IHDR` chunk (13 bytes long), and it ends with the
//!   `IEND` chunk (trailing zero bytes aside), so a truncated upload is refused;
//! - JPEG: starts with `FF D8 FF` (SOI and the next marker) and ends with `FF D9` (EOI)
//!   once trailing zero bytes are trimmed;
//! - legacy Office (`.doc`, `.xls`, `.ppt`): an OLE compound file — its signature
//!   `D0 CF 11 E0 A1 B1 1A E1`, then a coherent header (byte order `FFFE`, version 3
//!   with 512-byte sectors or version 4 with 4096-byte ones) and at least one sector.
//!   The three cannot be told apart without reading the file system inside, so they
//!   are one type, [`DocumentType::LegacyOffice`]. A password-protected `.docx`,
//!   `.xlsx` or `.pptx` is such a file too, and is refused as a mismatch;
//! - OpenDocument (`.odt`, `.ods`, `.odp`): a ZIP whose first entry is `mimetype`,
//!   stored uncompressed and unencrypted, holding exactly the type's MIME type (so a
//!   template, `…text-template`, is refused), and whose central directory lists
//!   `META-INF/manifest.xml`;
//! - Office Open XML (`.docx`, `.xlsx`, `.pptx`): a ZIP starting with a local file
//!   header whose central directory lists `[Content_Types].xml` and exactly one of
//!   `word/document.xml`, `xl/workbook.xml`, `ppt/presentation.xml` (part names compare
//!   case-insensitively, as OPC says). A `vbaProject.bin` part — a macro-enabled
//!   document renamed — is refused. The parts are told by name only: without inflating
//!   `_rels/.rels` (no decompressor here), a package whose main part has another name
//!   is refused.
//!
//! ZIPs are read through their central directory, found by the End Of Central
//! Directory record in the last 65,557 bytes (ZIP64 included). This parses hostile
//! input: every offset is checked, nothing indexes or adds unchecked, no input panics.
//!
//! This is a gate against mislabelled and foreign files, not a malware scanner: a
//! well-formed PDF or Office file may still carry something nasty.

use crate::names::named_enum;

/// The upload limit the API applies by default (20 MiB); configurable there, not
/// enforced by [`check`].
pub const MAX_BYTES_DEFAULT: u64 = 20 * 1024 * 1024;

named_enum!(
    /// A type of document accepted on accounts, as told by its content ([`sniff`]).
    ///
    /// `legacy_office` is Word 97–2003 (`.doc`), Excel 97–2003 (`.xls`) and PowerPoint
    /// 97–2003 (`.ppt`): all three are OLE compound files, which their first bytes do
    /// not tell apart; the file name does ([`DocumentType::mime_for`]).
    DocumentType as "text" {
        Pdf => "pdf",
        Png => "png",
        Jpeg => "jpeg",
        Docx => "docx",
        Xlsx => "xlsx",
        Pptx => "pptx",
        LegacyOffice => "legacy_office",
        Odt => "odt",
        Ods => "ods",
        Odp => "odp",
    }
);

impl DocumentType {
    /// The file-name extensions (lower case, without the dot) a file of this type may have.
    pub fn extensions(self) -> &'static [&'static str] {
        match self {
            DocumentType::Pdf => &["pdf"],
            DocumentType::Png => &["png"],
            DocumentType::Jpeg => &["jpg", "jpeg"],
            DocumentType::Docx => &["docx"],
            DocumentType::Xlsx => &["xlsx"],
            DocumentType::Pptx => &["pptx"],
            DocumentType::LegacyOffice => &["doc", "xls", "ppt"],
            DocumentType::Odt => &["odt"],
            DocumentType::Ods => &["ods"],
            DocumentType::Odp => &["odp"],
        }
    }

    /// Whether a file of this type may be named with `extension` (without the dot; any case).
    pub fn accepts(self, extension: &str) -> bool {
        self.extensions().iter().any(|e| e.eq_ignore_ascii_case(extension))
    }

    /// The type a file named with `extension` (without the dot; any case) must hold, if
    /// the extension is accepted at all.
    pub fn from_extension(extension: &str) -> Option<DocumentType> {
        DocumentType::ALL.iter().copied().find(|t| t.accepts(extension))
    }

    /// The MIME type to store and serve the file with, given the extension of its name
    /// (without the dot; any case). Only [`DocumentType::LegacyOffice`] depends on it:
    /// `application/msword` for `doc`, `application/vnd.ms-excel` for `xls`,
    /// `application/vnd.ms-powerpoint` for `ppt`, and `application/vnd.ms-office` (what
    /// `file --mime-type` says of an Office OLE file) for anything else. The other types
    /// have one MIME type whatever the extension. The client's Content-Type is never used.
    pub fn mime_for(self, extension: &str) -> &'static str {
        match self {
            DocumentType::Pdf => "application/pdf",
            DocumentType::Png => "image/png",
            DocumentType::Jpeg => "image/jpeg",
            DocumentType::Docx => "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            DocumentType::Xlsx => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            DocumentType::Pptx => "application/vnd.openxmlformats-officedocument.presentationml.presentation",
            DocumentType::LegacyOffice => match extension.to_ascii_lowercase().as_str() {
                "doc" => "application/msword",
                "xls" => "application/vnd.ms-excel",
                "ppt" => "application/vnd.ms-powerpoint",
                _ => "application/vnd.ms-office",
            },
            DocumentType::Odt => "application/vnd.oasis.opendocument.text",
            DocumentType::Ods => "application/vnd.oasis.opendocument.spreadsheet",
            DocumentType::Odp => "application/vnd.oasis.opendocument.presentation",
        }
    }

    /// What it is, for people ("a PDF document"), as the error messages say it.
    pub fn label(self) -> &'static str {
        match self {
            DocumentType::Pdf => "a PDF document",
            DocumentType::Png => "a PNG image",
            DocumentType::Jpeg => "a JPEG image",
            DocumentType::Docx => "a Word document (.docx)",
            DocumentType::Xlsx => "an Excel workbook (.xlsx)",
            DocumentType::Pptx => "a PowerPoint presentation (.pptx)",
            DocumentType::LegacyOffice => "a Word, Excel or PowerPoint 97–2003 file (.doc, .xls, .ppt)",
            DocumentType::Odt => "an OpenDocument text (.odt)",
            DocumentType::Ods => "an OpenDocument spreadsheet (.ods)",
            DocumentType::Odp => "an OpenDocument presentation (.odp)",
        }
    }
}

/// Every accepted file-name extension, lower case, without the dot, in
/// [`DocumentType::ALL`] order: `pdf, png, jpg, jpeg, docx, …` (an upload form's `accept`).
pub fn accepted_extensions() -> impl Iterator<Item = &'static str> {
    DocumentType::ALL.iter().flat_map(|t| t.extensions().iter().copied())
}

/// The extension of a file name, as written (any case), without the dot: what follows
/// the last `.` of the base name — after the last `/` or `\`, as some browsers send a
/// whole path — surrounding white space trimmed. `archive.tar.pdf` → `pdf`, `.pdf` →
/// `pdf`; `README` and `report.` have none.
pub fn extension(file_name: &str) -> Option<&str> {
    let base = file_name.rsplit(['/', '\\']).next().unwrap_or(file_name).trim();
    base.rsplit_once('.').map(|(_, ext)| ext).filter(|ext| !ext.is_empty())
}

/// Why an upload is refused; each message says what was expected.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DocumentError {
    #[error("the file is empty; upload a document ({})", accepted_list())]
    Empty,
    /// `extension` is lower case, at most 32 characters, empty when the name has none.
    #[error("{}", unknown_extension(extension))]
    UnknownExtension { extension: String },
    /// The content is none of the accepted types (an executable, a script, a web page…).
    #[error(
        "the file is named .{extension} but its content is not {} (nor any accepted document); upload the \
         document itself",
        expected.label()
    )]
    NotAllowed { extension: String, expected: DocumentType },
    /// The content is an accepted type, but not one the name's extension allows.
    #[error(
        "the file is named .{extension} but its content is {}; upload {} or name the file {}",
        detected.label(),
        expected_label(extension),
        dotted(detected.extensions())
    )]
    Mismatch { extension: String, detected: DocumentType },
}

impl DocumentError {
    /// The rule's stable machine name.
    pub fn rule(&self) -> &'static str {
        match self {
            DocumentError::Empty => "document-empty",
            DocumentError::UnknownExtension { .. } => "document-extension",
            DocumentError::NotAllowed { .. } => "document-content",
            DocumentError::Mismatch { .. } => "document-mismatch",
        }
    }
}

fn accepted_list() -> String {
    accepted_extensions().collect::<Vec<_>>().join(", ")
}

fn unknown_extension(extension: &str) -> String {
    if extension.is_empty() {
        format!("the file name has no extension; name it as one of: {}", accepted_list())
    } else {
        format!(".{extension} files are not accepted; accepted: {}", accepted_list())
    }
}

fn expected_label(extension: &str) -> &'static str {
    DocumentType::from_extension(extension).map_or("the document", DocumentType::label)
}

fn dotted(extensions: &[&str]) -> String {
    extensions.iter().map(|e| format!(".{e}")).collect::<Vec<_>>().join(" or ")
}

/// The upload rule: `bytes` are not empty, `file_name` has an accepted
/// [extension](extension) (compared case-insensitively: `report.PDF` is a PDF), and the
/// content — [`sniff`]ed, whatever the name and the client's Content-Type say — is of a
/// type that extension allows. Returns the detected type; [`DocumentType::mime_for`]
/// with the extension gives the MIME type to store.
pub fn check(file_name: &str, bytes: &[u8]) -> Result<DocumentType, DocumentError> {
    if bytes.is_empty() {
        return Err(DocumentError::Empty);
    }
    let written = extension(file_name).unwrap_or("");
    let extension: String = written.chars().take(32).collect::<String>().to_lowercase();
    let Some(expected) = DocumentType::from_extension(written) else {
        return Err(DocumentError::UnknownExtension { extension });
    };
    match sniff(bytes) {
        None => Err(DocumentError::NotAllowed { extension, expected }),
        Some(detected) if detected.accepts(&extension) => Ok(detected),
        Some(detected) => Err(DocumentError::Mismatch { extension, detected }),
    }
}

/// The accepted type the content is, from the content alone (see the [module](self)
/// for what each must look like); `None` for anything else — executables, scripts,
/// HTML, plain ZIPs, truncated files, empty input. Never panics.
pub fn sniff(bytes: &[u8]) -> Option<DocumentType> {
    if is_pdf(bytes) {
        Some(DocumentType::Pdf)
    } else if is_png(bytes) {
        Some(DocumentType::Png)
    } else if is_jpeg(bytes) {
        Some(DocumentType::Jpeg)
    } else if is_ole(bytes) {
        Some(DocumentType::LegacyOffice)
    } else {
        odf(bytes).or_else(|| ooxml(bytes))
    }
}

/// How far from the end `%%EOF` may be.
const PDF_TAIL: usize = 1024;

/// `%PDF-` and a version, `1.7` or `2.0`, at byte 0; `%%EOF` in the last 1024 bytes,
/// after the header.
fn is_pdf(bytes: &[u8]) -> bool {
    const HEADER_LEN: usize = 8;
    let header = matches!(bytes, [b'%', b'P', b'D', b'F', b'-', major, b'.', minor, ..]
        if major.is_ascii_digit() && minor.is_ascii_digit());
    let tail = bytes.len().saturating_sub(PDF_TAIL).max(HEADER_LEN);
    header && bytes.get(tail..).is_some_and(|t| t.windows(5).any(|w| w == b"%%EOF"))
}

const PNG_SIGNATURE: [u8; 8] = [0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A];
/// The IHDR chunk's length (13) and type.
const PNG_IHDR: [u8; 8] = [0, 0, 0, 13, b'I', b'H', b'D', b'R'];
/// The whole IEND chunk: no data, so always the same CRC.
const PNG_IEND: [u8; 12] = [0, 0, 0, 0, b'I', b'E', b'N', b'D', 0xAE, 0x42, 0x60, 0x82];

fn is_png(bytes: &[u8]) -> bool {
    // Signature, IHDR (length, type, 13 bytes, CRC), IEND.
    const MIN: usize = 8 + 25 + 12;
    let trimmed = trim_trailing_zeros(bytes);
    bytes.starts_with(&PNG_SIGNATURE)
        && bytes.get(8..16) == Some(&PNG_IHDR[..])
        && trimmed.len() >= MIN
        && trimmed.ends_with(&PNG_IEND)
}

fn is_jpeg(bytes: &[u8]) -> bool {
    let trimmed = trim_trailing_zeros(bytes);
    // At least SOI, one more byte of a marker, EOI: the EOI may not overlap the start.
    bytes.starts_with(&[0xFF, 0xD8, 0xFF]) && trimmed.len() >= 5 && trimmed.ends_with(&[0xFF, 0xD9])
}

fn trim_trailing_zeros(bytes: &[u8]) -> &[u8] {
    let end = bytes.iter().rposition(|&b| b != 0).map_or(0, |i| i + 1);
    bytes.get(..end).unwrap_or(bytes)
}

const OLE_SIGNATURE: [u8; 8] = [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];

/// An OLE compound file header ([MS-CFB] 2.2): the signature, the byte order mark
/// `FFFE` at 28, major version 3 with sector shift 9 or 4 with 12, and at least the
/// header's sector.
fn is_ole(bytes: &[u8]) -> bool {
    if !bytes.starts_with(&OLE_SIGNATURE) || u16_at(bytes, 28) != Some(0xFFFE) {
        return false;
    }
    let sector = match (u16_at(bytes, 26), u16_at(bytes, 30)) {
        (Some(3), Some(9)) => 512,
        (Some(4), Some(12)) => 4096,
        _ => return false,
    };
    bytes.len() >= sector
}

const ODF: [DocumentType; 3] = [DocumentType::Odt, DocumentType::Ods, DocumentType::Odp];

fn odf(bytes: &[u8]) -> Option<DocumentType> {
    let first = zip::first_entry(bytes)?;
    if first.name != b"mimetype" || first.method != zip::STORED || first.encrypted {
        return None;
    }
    let kind = ODF.into_iter().find(|t| first.data == t.mime_for("").as_bytes())?;
    zip::names(bytes)?.iter().any(|n| *n == b"META-INF/manifest.xml").then_some(kind)
}

/// The main part of each Office Open XML type.
const OOXML: [(DocumentType, &str); 3] = [
    (DocumentType::Docx, "word/document.xml"),
    (DocumentType::Xlsx, "xl/workbook.xml"),
    (DocumentType::Pptx, "ppt/presentation.xml"),
];

fn ooxml(bytes: &[u8]) -> Option<DocumentType> {
    if !bytes.starts_with(zip::LOCAL) {
        return None;
    }
    let names = zip::names(bytes)?;
    let has = |part: &str| names.iter().any(|n| n.eq_ignore_ascii_case(part.as_bytes()));
    let macros = names.iter().any(|n| n.to_ascii_lowercase().ends_with(b"vbaproject.bin"));
    if !has("[Content_Types].xml") || macros {
        return None;
    }
    let mut main = OOXML.into_iter().filter(|(_, part)| has(part)).map(|(t, _)| t);
    match (main.next(), main.next()) {
        (Some(kind), None) => Some(kind),
        _ => None,
    }
}

/// The little-endian `u16` at `at`, if the bytes are there.
fn u16_at(bytes: &[u8], at: usize) -> Option<u16> {
    bytes.get(at..at.checked_add(2)?)?.try_into().ok().map(u16::from_le_bytes)
}

fn u32_at(bytes: &[u8], at: usize) -> Option<u32> {
    bytes.get(at..at.checked_add(4)?)?.try_into().ok().map(u32::from_le_bytes)
}

fn u64_at(bytes: &[u8], at: usize) -> Option<u64> {
    bytes.get(at..at.checked_add(8)?)?.try_into().ok().map(u64::from_le_bytes)
}

/// Just enough of the ZIP format (APPNOTE.TXT) to list a single-disk archive's entry
/// names and read a stored first entry. Every function returns `None` on anything
/// malformed or out of bounds.
mod zip {
    use super::{u16_at, u32_at, u64_at};

    pub(super) const LOCAL: &[u8] = b"PK\x03\x04";
    const CENTRAL: &[u8] = b"PK\x01\x02";
    const END: &[u8] = b"PK\x05\x06";
    const END64: &[u8] = b"PK\x06\x06";
    const LOCATOR64: &[u8] = b"PK\x06\x07";
    /// The End Of Central Directory record without its comment.
    const END_LEN: usize = 22;
    const LOCATOR64_LEN: usize = 20;
    const END64_LEN: usize = 56;
    const MAX_COMMENT: usize = u16::MAX as usize;
    const LOCAL_LEN: usize = 30;
    const CENTRAL_LEN: usize = 46;
    pub(super) const STORED: u16 = 0;

    /// The first local entry, its data as stored (compressed size bytes).
    pub(super) struct Entry<'a> {
        pub name: &'a [u8],
        pub method: u16,
        pub encrypted: bool,
        pub data: &'a [u8],
    }

    /// The local file header at offset 0 and its data: for a stored entry, the
    /// compressed and uncompressed sizes must agree (a data descriptor's zero sizes do not).
    pub(super) fn first_entry(bytes: &[u8]) -> Option<Entry<'_>> {
        if !bytes.starts_with(LOCAL) {
            return None;
        }
        let flags = u16_at(bytes, 6)?;
        let method = u16_at(bytes, 8)?;
        let compressed = u32_at(bytes, 18)?;
        if method == STORED && compressed != u32_at(bytes, 22)? {
            return None;
        }
        let name_len = usize::from(u16_at(bytes, 26)?);
        let extra_len = usize::from(u16_at(bytes, 28)?);
        let name = bytes.get(LOCAL_LEN..LOCAL_LEN.checked_add(name_len)?)?;
        let data_at = LOCAL_LEN.checked_add(name_len)?.checked_add(extra_len)?;
        let data = bytes.get(data_at..data_at.checked_add(usize::try_from(compressed).ok()?)?)?;
        Some(Entry { name, method, encrypted: flags & 1 != 0, data })
    }

    /// The entry names of the central directory, in its order.
    pub(super) fn names(bytes: &[u8]) -> Option<Vec<&[u8]>> {
        let (start, size, count) = directory(bytes)?;
        let directory = bytes.get(start..start.checked_add(size)?)?;
        let mut names = Vec::new();
        let mut at = 0usize;
        // Each entry takes at least 46 bytes of the directory: a hostile count ends
        // the loop as soon as they run out.
        for _ in 0..count {
            let entry = directory.get(at..)?;
            if !entry.starts_with(CENTRAL) {
                return None;
            }
            let name_len = usize::from(u16_at(entry, 28)?);
            let extra_len = usize::from(u16_at(entry, 30)?);
            let comment_len = usize::from(u16_at(entry, 32)?);
            let name_end = CENTRAL_LEN.checked_add(name_len)?;
            names.push(entry.get(CENTRAL_LEN..name_end)?);
            let len = name_end.checked_add(extra_len)?.checked_add(comment_len)?;
            if entry.len() < len {
                return None;
            }
            at = at.checked_add(len)?;
        }
        Some(names)
    }

    /// The central directory's offset, size and entry count, from the End Of Central
    /// Directory record (or its ZIP64 version when the record says so). The directory
    /// must end before the record that describes it.
    fn directory(bytes: &[u8]) -> Option<(usize, usize, u64)> {
        let end_at = find_end(bytes)?;
        let end = bytes.get(end_at..)?;
        let (disk, directory_disk) = (u16_at(end, 4)?, u16_at(end, 6)?);
        let (on_disk, count) = (u16_at(end, 8)?, u16_at(end, 10)?);
        let (size, offset) = (u32_at(end, 12)?, u32_at(end, 16)?);
        let (start, size, count, record_at) = if count == u16::MAX || size == u32::MAX || offset == u32::MAX {
            directory64(bytes, end_at)?
        } else {
            if disk != 0 || directory_disk != 0 || on_disk != count {
                return None;
            }
            (u64::from(offset), u64::from(size), u64::from(count), end_at)
        };
        let start = usize::try_from(start).ok()?;
        let size = usize::try_from(size).ok()?;
        (start.checked_add(size)? <= record_at).then_some((start, size, count))
    }

    /// The ZIP64 End Of Central Directory record, through the locator just before the
    /// classic record: offset, size, count, and where the ZIP64 record starts.
    fn directory64(bytes: &[u8], end_at: usize) -> Option<(u64, u64, u64, usize)> {
        let locator_at = end_at.checked_sub(LOCATOR64_LEN)?;
        let locator = bytes.get(locator_at..end_at)?;
        if !locator.starts_with(LOCATOR64) || u32_at(locator, 4)? != 0 || u32_at(locator, 16)? > 1 {
            return None;
        }
        let record_at = usize::try_from(u64_at(locator, 8)?).ok()?;
        if record_at.checked_add(END64_LEN)? > locator_at {
            return None;
        }
        let record = bytes.get(record_at..locator_at)?;
        if !record.starts_with(END64) || u32_at(record, 16)? != 0 || u32_at(record, 20)? != 0 {
            return None;
        }
        let (on_disk, count) = (u64_at(record, 24)?, u64_at(record, 32)?);
        if on_disk != count {
            return None;
        }
        Some((u64_at(record, 48)?, u64_at(record, 40)?, count, record_at))
    }

    /// Where the End Of Central Directory record starts: searching backwards through
    /// the last 22 + 65,535 bytes, the last signature whose comment fits in the input.
    fn find_end(bytes: &[u8]) -> Option<usize> {
        let last = bytes.len().checked_sub(END_LEN)?;
        let first = last.saturating_sub(MAX_COMMENT);
        (first..=last).rev().find(|&at| {
            bytes.get(at..).is_some_and(|rest| rest.starts_with(END))
                && u16_at(bytes, at + 20)
                    .and_then(|comment| at.checked_add(END_LEN)?.checked_add(usize::from(comment)))
                    .is_some_and(|record_end| record_end <= bytes.len())
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const PDF: &[u8] = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n";

    fn crc32(data: &[u8]) -> u32 {
        let mut crc = !0u32;
        for &byte in data {
            crc ^= u32::from(byte);
            for _ in 0..8 {
                crc = if crc & 1 == 1 { (crc >> 1) ^ 0xEDB8_8320 } else { crc >> 1 };
            }
        }
        !crc
    }

    fn chunk(kind: &[u8; 4], data: &[u8]) -> Vec<u8> {
        let mut out = (data.len() as u32).to_be_bytes().to_vec();
        out.extend_from_slice(kind);
        out.extend_from_slice(data);
        let mut crc_input = kind.to_vec();
        crc_input.extend_from_slice(data);
        out.extend_from_slice(&crc32(&crc_input).to_be_bytes());
        out
    }

    fn png() -> Vec<u8> {
        let mut out = PNG_SIGNATURE.to_vec();
        // 1 × 1, 8-bit greyscale.
        out.extend(chunk(b"IHDR", &[0, 0, 0, 1, 0, 0, 0, 1, 8, 0, 0, 0, 0]));
        out.extend(chunk(b"IDAT", &[0x78, 0x01, 0x63, 0x60, 0x00, 0x00, 0x00, 0x02, 0x00, 0x01]));
        out.extend(chunk(b"IEND", &[]));
        out
    }

    fn jpeg() -> Vec<u8> {
        let mut out = vec![0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10];
        out.extend_from_slice(b"JFIF\0\x01\x01\0\0\x01\0\x01\0\0");
        out.extend_from_slice(&[0xFF, 0xDA, 0x00, 0x08, 0x01, 0x01, 0x00, 0x00, 0x3F, 0x00, 0x12, 0x34]);
        out.extend_from_slice(&[0xFF, 0xD9]);
        out
    }

    fn ole(major: u16, shift: u16) -> Vec<u8> {
        let mut out = vec![0; 1 << shift];
        out[..8].copy_from_slice(&OLE_SIGNATURE);
        out[24..26].copy_from_slice(&0x3Eu16.to_le_bytes());
        out[26..28].copy_from_slice(&major.to_le_bytes());
        out[28..30].copy_from_slice(&0xFFFEu16.to_le_bytes());
        out[30..32].copy_from_slice(&shift.to_le_bytes());
        out
    }

    /// A stored (uncompressed) single-disk ZIP of `entries`, with `comment`.
    fn zip_with_comment(entries: &[(&str, &[u8])], comment: &[u8]) -> Vec<u8> {
        let mut out = Vec::new();
        let mut central = Vec::new();
        for (name, data) in entries {
            let offset = out.len() as u32;
            let (crc, size, name_len) = (crc32(data), data.len() as u32, name.len() as u16);
            out.extend_from_slice(b"PK\x03\x04");
            for field in [20u16, 0, 0, 0, 0] {
                out.extend_from_slice(&field.to_le_bytes()); // version, flags, method, time, date
            }
            for field in [crc, size, size] {
                out.extend_from_slice(&field.to_le_bytes());
            }
            out.extend_from_slice(&name_len.to_le_bytes());
            out.extend_from_slice(&0u16.to_le_bytes());
            out.extend_from_slice(name.as_bytes());
            out.extend_from_slice(data);

            central.extend_from_slice(b"PK\x01\x02");
            for field in [20u16, 20, 0, 0, 0, 0] {
                central.extend_from_slice(&field.to_le_bytes()); // made by, needed, flags, method, time, date
            }
            for field in [crc, size, size] {
                central.extend_from_slice(&field.to_le_bytes());
            }
            for field in [name_len, 0, 0, 0, 0] {
                central.extend_from_slice(&field.to_le_bytes()); // name, extra, comment, disk, internal
            }
            central.extend_from_slice(&0u32.to_le_bytes()); // external attributes
            central.extend_from_slice(&offset.to_le_bytes());
            central.extend_from_slice(name.as_bytes());
        }
        let directory_at = out.len() as u32;
        let count = entries.len() as u16;
        out.extend_from_slice(&central);
        out.extend_from_slice(b"PK\x05\x06");
        for field in [0u16, 0, count, count] {
            out.extend_from_slice(&field.to_le_bytes());
        }
        out.extend_from_slice(&(central.len() as u32).to_le_bytes());
        out.extend_from_slice(&directory_at.to_le_bytes());
        out.extend_from_slice(&(comment.len() as u16).to_le_bytes());
        out.extend_from_slice(comment);
        out
    }

    fn zip(entries: &[(&str, &[u8])]) -> Vec<u8> {
        zip_with_comment(entries, b"")
    }

    /// The same archive with its End Of Central Directory in the ZIP64 form.
    fn zip64(entries: &[(&str, &[u8])]) -> Vec<u8> {
        let mut out = zip(entries);
        let end = out.split_off(out.len() - 22);
        let (count, size, offset) = (
            u64::from(u16_at(&end, 10).unwrap()),
            u64::from(u32_at(&end, 12).unwrap()),
            u64::from(u32_at(&end, 16).unwrap()),
        );
        let record_at = out.len() as u64;
        out.extend_from_slice(b"PK\x06\x06");
        out.extend_from_slice(&44u64.to_le_bytes());
        out.extend_from_slice(&[45, 0, 45, 0]);
        out.extend_from_slice(&[0; 8]); // disk, directory's disk
        for field in [count, count, size, offset] {
            out.extend_from_slice(&field.to_le_bytes());
        }
        out.extend_from_slice(b"PK\x06\x07");
        out.extend_from_slice(&0u32.to_le_bytes());
        out.extend_from_slice(&record_at.to_le_bytes());
        out.extend_from_slice(&1u32.to_le_bytes());
        out.extend_from_slice(b"PK\x05\x06");
        out.extend_from_slice(&[0xFF; 16]);
        out.extend_from_slice(&[0, 0]);
        out
    }

    fn ooxml_sample(main: &str) -> Vec<u8> {
        zip(&[("[Content_Types].xml", b"<Types/>"), ("_rels/.rels", b"<Relationships/>"), (main, b"<document/>")])
    }

    fn odf_sample(mime: &str) -> Vec<u8> {
        zip(&[
            ("mimetype", mime.as_bytes()),
            ("content.xml", b"<office:document-content/>"),
            ("META-INF/manifest.xml", b"<manifest:manifest/>"),
        ])
    }

    fn samples() -> Vec<(DocumentType, Vec<u8>)> {
        vec![
            (DocumentType::Pdf, PDF.to_vec()),
            (DocumentType::Png, png()),
            (DocumentType::Jpeg, jpeg()),
            (DocumentType::Docx, ooxml_sample("word/document.xml")),
            (DocumentType::Xlsx, ooxml_sample("xl/workbook.xml")),
            (DocumentType::Pptx, ooxml_sample("ppt/presentation.xml")),
            (DocumentType::LegacyOffice, ole(3, 9)),
            (DocumentType::Odt, odf_sample("application/vnd.oasis.opendocument.text")),
            (DocumentType::Ods, odf_sample("application/vnd.oasis.opendocument.spreadsheet")),
            (DocumentType::Odp, odf_sample("application/vnd.oasis.opendocument.presentation")),
        ]
    }

    #[test]
    fn every_type_is_detected_and_accepted_under_each_of_its_extensions() {
        let samples = samples();
        assert_eq!(samples.len(), DocumentType::ALL.len());
        for (kind, bytes) in samples {
            assert_eq!(sniff(&bytes), Some(kind), "{kind}");
            for ext in kind.extensions() {
                assert_eq!(check(&format!("file.{ext}"), &bytes), Ok(kind), "{kind} as .{ext}");
            }
        }
    }

    #[test]
    fn a_version_4_ole_file_and_a_zip64_package_are_detected() {
        assert_eq!(sniff(&ole(4, 12)), Some(DocumentType::LegacyOffice));
        let docx = zip64(&[("[Content_Types].xml", b"<Types/>"), ("word/document.xml", b"<w/>")]);
        assert_eq!(sniff(&docx), Some(DocumentType::Docx));
    }

    #[test]
    fn a_zip_comment_is_skipped_but_the_record_must_fit() {
        let entries: &[(&str, &[u8])] = &[("[Content_Types].xml", b"<Types/>"), ("xl/workbook.xml", b"<w/>")];
        let mut with_comment = zip_with_comment(entries, b"made by hand");
        assert_eq!(sniff(&with_comment), Some(DocumentType::Xlsx));
        with_comment.truncate(with_comment.len() - 1);
        assert_eq!(sniff(&with_comment), None);
    }

    #[test]
    fn extensions_compare_case_insensitively_and_the_last_one_counts() {
        assert_eq!(check("report.PDF", PDF), Ok(DocumentType::Pdf));
        assert_eq!(check("Scan.Jpeg", &jpeg()), Ok(DocumentType::Jpeg));
        assert_eq!(check("archive.tar.pdf", PDF), Ok(DocumentType::Pdf));
        assert_eq!(check("C:\\fakepath\\v1.2\\report.pdf ", PDF), Ok(DocumentType::Pdf));
        assert_eq!(check("report.pdf.exe", PDF), Err(DocumentError::UnknownExtension { extension: "exe".into() }));
    }

    #[test]
    fn names_without_an_accepted_extension_are_refused() {
        for name in ["README", "report.", "dir.d/report", ""] {
            assert_eq!(check(name, PDF), Err(DocumentError::UnknownExtension { extension: String::new() }), "{name}");
        }
        let err = check("tool.EXE", PDF).unwrap_err();
        assert_eq!(err, DocumentError::UnknownExtension { extension: "exe".into() });
        assert!(
            err.to_string().contains("pdf, png, jpg, jpeg, docx, xlsx, pptx, doc, xls, ppt, odt, ods, odp"),
            "{err}"
        );
        let long = format!("x.{}", "é".repeat(100));
        let Err(DocumentError::UnknownExtension { extension }) = check(&long, PDF) else { panic!() };
        assert_eq!(extension.chars().count(), 32);
    }

    #[test]
    fn executables_and_scripts_named_as_documents_are_not_allowed() {
        let elf = b"\x7fELF\x02\x01\x01\0\0\0\0\0\0\0\0\0\x02\0\x3e\0".to_vec();
        let mz = b"MZ\x90\0\x03\0\0\0\x04\0\0\0\xff\xff\0\0This program cannot be run in DOS mode".to_vec();
        let script = b"#!/bin/sh\nrm -rf /\n%PDF-1.4\n%%EOF\n".to_vec();
        let html = b"<!DOCTYPE html><html><body>%PDF-</body></html>".to_vec();
        for bytes in [elf, mz, script, html] {
            assert_eq!(sniff(&bytes), None);
            assert_eq!(
                check("invoice.pdf", &bytes),
                Err(DocumentError::NotAllowed { extension: "pdf".into(), expected: DocumentType::Pdf })
            );
        }
    }

    #[test]
    fn an_accepted_type_under_another_types_extension_is_a_mismatch() {
        let err = check("court-filing.pdf", &png()).unwrap_err();
        assert_eq!(err, DocumentError::Mismatch { extension: "pdf".into(), detected: DocumentType::Png });
        assert_eq!(
            err.to_string(),
            "the file is named .pdf but its content is a PNG image; upload a PDF document or name the file .png"
        );
        assert_eq!(
            check("contract.docx", &ole(3, 9)),
            Err(DocumentError::Mismatch { extension: "docx".into(), detected: DocumentType::LegacyOffice })
        );
        assert_eq!(
            check("photo.jpg", &ooxml_sample("word/document.xml")),
            Err(DocumentError::Mismatch { extension: "jpg".into(), detected: DocumentType::Docx })
        );
    }

    #[test]
    fn empty_input_is_refused_first() {
        assert_eq!(sniff(&[]), None);
        assert_eq!(check("report.pdf", &[]), Err(DocumentError::Empty));
        assert_eq!(check("tool.exe", &[]), Err(DocumentError::Empty));
    }

    #[test]
    fn plain_and_ambiguous_zips_are_refused() {
        let plain = zip(&[("notes.txt", b"hello"), ("word/document.xml", b"<w/>")]);
        assert_eq!(sniff(&plain), None);
        assert_eq!(sniff(&zip(&[])), None);
        let both =
            zip(&[("[Content_Types].xml", b"<Types/>"), ("word/document.xml", b"<w/>"), ("xl/workbook.xml", b"<x/>")]);
        assert_eq!(sniff(&both), None);
        let macros = zip(&[
            ("[Content_Types].xml", b"<Types/>"),
            ("word/document.xml", b"<w/>"),
            ("word/vbaProject.bin", b"\xd0\xcf"),
        ]);
        assert_eq!(sniff(&macros), None);
        // Part names compare case-insensitively.
        let shouting = zip(&[("[CONTENT_TYPES].XML", b"<Types/>"), ("PPT/Presentation.xml", b"<p/>")]);
        assert_eq!(sniff(&shouting), Some(DocumentType::Pptx));
    }

    #[test]
    fn an_opendocument_needs_its_exact_mimetype_first_stored_and_a_manifest() {
        for mime in ["application/vnd.oasis.opendocument.text-template", "application/vnd.oasis.opendocument.graphics"]
        {
            assert_eq!(sniff(&odf_sample(mime)), None, "{mime}");
        }
        let not_first = zip(&[
            ("content.xml", b"<c/>"),
            ("mimetype", b"application/vnd.oasis.opendocument.text"),
            ("META-INF/manifest.xml", b"<m/>"),
        ]);
        assert_eq!(sniff(&not_first), None);
        let no_manifest = zip(&[("mimetype", b"application/vnd.oasis.opendocument.text"), ("content.xml", b"<c/>")]);
        assert_eq!(sniff(&no_manifest), None);
        let mut deflated = odf_sample("application/vnd.oasis.opendocument.text");
        deflated[8] = 8;
        assert_eq!(sniff(&deflated), None);
    }

    #[test]
    fn forged_headers_alone_are_refused() {
        assert_eq!(sniff(b"%PDF-1.7\n"), None);
        assert_eq!(sniff(b"%PDF-%%EOF"), None);
        assert_eq!(sniff(b"%PDF-1.7%%EOF"), Some(DocumentType::Pdf));
        assert_eq!(sniff(b"%PDF-x.y\n%%EOF"), None);
        assert_eq!(sniff(b" %PDF-1.7\n%%EOF"), None);
        let mut far_eof = PDF.to_vec();
        far_eof.extend(std::iter::repeat_n(b' ', PDF_TAIL));
        assert_eq!(sniff(&far_eof), None);
        assert_eq!(sniff(&PNG_SIGNATURE), None);
        assert_eq!(sniff(&[0xFF, 0xD8, 0xFF, 0xD9]), None);
        assert_eq!(sniff(&OLE_SIGNATURE), None);
        let mut bad_order = ole(3, 9);
        bad_order[28] = 0;
        assert_eq!(sniff(&bad_order), None);
        assert_eq!(sniff(&ole(3, 12)), None);
    }

    #[test]
    fn trailing_zero_bytes_after_an_image_are_tolerated() {
        for (kind, mut bytes) in [(DocumentType::Png, png()), (DocumentType::Jpeg, jpeg())] {
            bytes.extend([0; 64]);
            assert_eq!(sniff(&bytes), Some(kind));
        }
    }

    #[test]
    fn no_prefix_of_a_sample_panics_nor_passes_for_a_whole_file() {
        for (kind, bytes) in samples() {
            // A PDF's `%%EOF` is followed by a new line it may go without.
            let whole = if kind == DocumentType::Pdf { bytes.len() - 1 } else { bytes.len() };
            for len in 0..=bytes.len() {
                let detected = sniff(&bytes[..len]);
                if len < whole {
                    assert_eq!(detected, None, "{kind} cut at {len}");
                }
                let _ = check("x.pdf", &bytes[..len]);
            }
            assert_eq!(sniff(&bytes), Some(kind));
        }
    }

    #[test]
    fn mime_types_follow_the_extension_for_legacy_office_only() {
        assert_eq!(DocumentType::LegacyOffice.mime_for("doc"), "application/msword");
        assert_eq!(DocumentType::LegacyOffice.mime_for("XLS"), "application/vnd.ms-excel");
        assert_eq!(DocumentType::LegacyOffice.mime_for("ppt"), "application/vnd.ms-powerpoint");
        assert_eq!(DocumentType::LegacyOffice.mime_for(""), "application/vnd.ms-office");
        assert_eq!(DocumentType::Jpeg.mime_for("jpg"), DocumentType::Jpeg.mime_for("jpeg"));
        assert_eq!(DocumentType::Pdf.mime_for("anything"), "application/pdf");
    }

    #[test]
    fn every_extension_belongs_to_one_type_and_names_round_trip() {
        let all: Vec<_> = accepted_extensions().collect();
        for ext in &all {
            assert_eq!(all.iter().filter(|e| *e == ext).count(), 1, "{ext}");
            assert!(DocumentType::from_extension(ext).is_some_and(|t| t.accepts(ext)));
        }
        for kind in DocumentType::ALL {
            assert_eq!(kind.as_str().parse::<DocumentType>(), Ok(*kind));
            assert_eq!(serde_json::to_string(kind).unwrap(), format!("\"{}\"", kind.as_str()));
        }
        assert_eq!(DocumentType::LegacyOffice.as_str(), "legacy_office");
    }

    proptest! {
        #[test]
        fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..2048)) {
            let _ = sniff(&bytes);
        }

        #[test]
        fn corrupted_samples_never_panic(
            which in 0usize..10,
            edits in proptest::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 1..8),
        ) {
            let mut bytes = samples().swap_remove(which).1;
            for (at, value) in edits {
                let at = at.index(bytes.len());
                bytes[at] = value;
            }
            let _ = sniff(&bytes);
            let _ = check("x.docx", &bytes);
        }

        #[test]
        fn arbitrary_names_never_panic(name in ".*", bytes in proptest::collection::vec(any::<u8>(), 0..64)) {
            let _ = check(&name, &bytes);
        }
    }
}
