//! Reports: the analytics figures as JSON, CSV and PDF. Every report answers as typed
//! JSON and turns into a [`Table`] for its exports.

pub mod pdf;
pub mod table;

pub use table::{Align, Column, Table};
