pub mod account;
pub mod approvals;
pub mod dashboard;
pub mod imports;
pub mod login;
pub mod notifications;
pub mod settings;
pub mod worklist;
