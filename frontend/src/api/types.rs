//! The wire types of the accounts' work (accounts, plans, payments, fees, the ledger,
//! the timeline, contact blocks, the validation notice) and of the caller (`/auth/me`): the API's own, from `debtflow-wire`.

pub use debtflow_wire::{
    accounts::{
        Account, AccountCount, AccountDetail, ContactAttempt, ContactBlock, Fee, NoticeItemization, Promise,
        TimelineEvent, ValidationNotice,
    },
    auth::Me,
    ledger::Ledger,
    payments::{Payment, PendingApprovals},
    plans::Plan,
    users::User,
    Page,
};
