//! The Demo Recovery Agency brought to life, in one transaction as of the seed's "now".
//!
//! The latest placements ([`UNASSIGNED`] accounts, by external reference) wait for the
//! manager to assign them, two with a note on why. The others are dealt in turn to the
//! four collectors, and the manager assigns each collector their portfolio. Then each
//! collector's oldest accounts live the [`FEATURED`] stories — between them every
//! status of the lifecycle, an open dispute, plans active, late, defaulted, settled and
//! waiting for approval, a backdated payment waiting for approval, cash, check, bank
//! and card payments — and their newer ones the everyday [`ROUTINE`]. Notifications
//! follow from the use cases themselves (assignments, approvals asked, a default); the
//! managers have read the approval requests they have already decided.

use super::{
    roster::{self, Person},
    steps::{Scene, Tally},
    stories::{self, Story},
    SeedError,
};
use crate::{
    db::{self, Scope},
    store::accounts::AccountRow,
};
use chrono::{DateTime, Utc};
use debtflow_domain::payment::PaymentMethod::{BankTransfer, Card, Cash, Check};
use sqlx::PgPool;
use std::collections::BTreeMap;
use uuid::Uuid;

/// How many of the latest placements are left for the manager to assign.
const UNASSIGNED: usize = 12;

/// What each collector's oldest accounts live through, collectors in the order of
/// `super::collectors` (Sarah first: the newcomer's login has the most to show).
const FEATURED: [&[Story]; 4] = [
    &[
        Story::PlanBehind,
        Story::PlanOnTrack { first_due_days_ago: 26 },
        Story::PlanOnTrack { first_due_days_ago: 9 },
        Story::PlanToApprove,
        Story::BackdatedPayment,
        Story::Disputed,
        Story::PaidInFull(Cash),
        Story::Closed,
        Story::SettledByPlan,
        Story::LateFee,
        Story::PartPaid(Card),
        Story::CardPending,
    ],
    &[
        Story::PlanOnTrack { first_due_days_ago: 18 },
        Story::PlanOnTrack { first_due_days_ago: 4 },
        Story::PlanDefaulted,
        Story::Disputed,
        Story::DisputeClosed,
        Story::PaidInFull(BankTransfer),
        Story::PartPaid(Check),
        Story::PartPaid(Card),
        Story::InLegal,
    ],
    &[
        Story::PlanBehind,
        Story::PlanOnTrack { first_due_days_ago: 12 },
        Story::Disputed,
        Story::Closed,
        Story::PaidInFull(Card),
        Story::PlanToApprove,
        Story::WriteOffRecommended,
    ],
    &[
        Story::PlanOnTrack { first_due_days_ago: 22 },
        Story::PlanOnTrack { first_due_days_ago: 6 },
        Story::SettledByPlan,
        Story::Disputed,
        Story::Closed,
        Story::LateFee,
        Story::PartPaid(BankTransfer),
        Story::Repossession,
    ],
];

/// The everyday life of the rest, in turn.
const ROUTINE: [Story; 10] = [
    Story::Fresh,
    Story::Reached,
    Story::Letter,
    Story::Negotiating,
    Story::Reached,
    Story::Fresh,
    Story::PartPaid(Cash),
    Story::Reached,
    Story::Negotiating,
    Story::Letter,
];

/// Why the manager holds some of the unassigned accounts.
const HOLDS: [&str; 2] = [
    "Creditor asked us to hold this account until they confirm the balance.",
    "Placed with an incomplete address; skip trace requested before assignment.",
];

/// Brings the agency's `accounts` (by external reference) to life as of `now`.
pub async fn live(
    db: &PgPool,
    agency_id: Uuid,
    accounts: &BTreeMap<String, AccountRow>,
    approval_after_days: u32,
    now: DateTime<Utc>,
) -> Result<Tally, SeedError> {
    let mut tx = db::begin(db, Scope::Agency(agency_id)).await?;
    let cast = roster::cast_in(&mut tx, agency_id).await?;
    let manager = cast.person("demo.manager")?;
    let collectors: Vec<&Person> = super::collectors().map(|u| cast.person(u)).collect::<Result<_, _>>()?;

    let all: Vec<&AccountRow> = accounts.values().collect();
    let (dealt, unassigned) = all.split_at(all.len().saturating_sub(UNASSIGNED));
    let mut portfolios: Vec<Vec<&AccountRow>> = vec![Vec::new(); collectors.len()];
    for (i, account) in dealt.iter().enumerate() {
        portfolios[i % collectors.len()].push(account);
    }
    let mut scene = Scene::new(&mut tx, agency_id, approval_after_days, now);
    for (collector, portfolio) in collectors.iter().zip(&mut portfolios) {
        portfolio.sort_by(|a, b| (a.delinquency_date, &a.external_ref).cmp(&(b.delinquency_date, &b.external_ref)));
        scene.assign(manager, portfolio, collector).await?;
    }
    for (c, ((collector, portfolio), featured)) in collectors.iter().zip(&portfolios).zip(FEATURED).enumerate() {
        let lives = featured.iter().chain(ROUTINE.iter().cycle());
        for (n, (account, story)) in portfolio.iter().zip(lives).enumerate() {
            stories::tell(&mut scene, &cast, collector, account, *story, n + 3 * c).await?;
        }
    }
    for (account, why) in unassigned.iter().zip(HOLDS) {
        scene.note(manager, account, why, 1).await?;
    }
    for decider in ["demo.manager", "demo.admin"] {
        scene.read_decided_requests(cast.person(decider)?).await?;
    }
    let tally = std::mem::take(&mut scene.tally);
    tx.commit().await?;
    Ok(tally)
}
