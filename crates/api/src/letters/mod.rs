//! Letters DebtFlow sends debtors, as PDF documents.
//!
//! They are written the way the reports' PDFs are (`reports::pdf`): `pdf-writer`,
//! Helvetica and Helvetica-Bold in WinAnsiEncoding (no embedded font; text outside
//! WinAnsi prints as `?`), deflated content streams, deterministic bytes.

pub mod validation_notice;
