pub mod account;
pub mod approvals;
pub mod imports;
pub mod login;
pub mod notifications;
pub mod worklist;
