//! Fees assessed on an account: collection, late and legal fees.
//!
//! A fee raises the balance when assessed (a `fee` entry), is `paid` once payments
//! allocated to it cover it, and `waived` when a manager forgives what is left of it
//! (a `fee_waiver` entry for the unpaid part). A refund of the payment that paid it
//! reopens it.

use crate::payment::named_enum;
use serde::{Deserialize, Serialize};
use std::{fmt, str::FromStr};

named_enum!(
    /// What the fee is for.
    FeeKind as "fee_kind" { Collection => "collection", Late => "late", Legal => "legal" }
);

named_enum!(
    /// `waiting` → `paid` | `waived`.
    FeeStatus as "fee_status" { Waiting => "waiting", Paid => "paid", Waived => "waived" }
);
