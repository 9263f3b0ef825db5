//! `/mail`: the sent-mail log, read-only, for admins, compliance and auditors.

pub mod deliveries;
