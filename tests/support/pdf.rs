//! The text of a PDF the API answered (a report exported with `?format=pdf`), so a test
//! can check what a reader sees in it, totals included, without a PDF viewer.
//!
//! Extraction places words by their position on the page: runs of spaces and line
//! breaks vary, so [`text`] collapses every run of whitespace into one space.

/// The document's text, pages in order, whitespace collapsed ("Total 1830 98765.43").
pub fn text(bytes: &[u8]) -> String {
    squeeze(&pdf_extract::extract_text_from_mem(bytes).expect("the PDF could not be read"))
}

/// Each page's text, whitespace collapsed: `pages(pdf).len()` is the page count.
pub fn pages(bytes: &[u8]) -> Vec<String> {
    pdf_extract::extract_text_from_mem_by_pages(bytes)
        .expect("the PDF could not be read")
        .iter()
        .map(|page| squeeze(page))
        .collect()
}

fn squeeze(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}
