//! `debtflow seed-demo`: a demo that can be logged into and is alive after `make run`.
//!
//! [`seed_demo`] creates the two demo agencies and their users (the product overview's),
//! so a fresh install can be logged into at once; the tests build their own data on it.
//! Existing users keep their passwords. The demo passwords are shorter than the
//! password policy allows; only this command may set them.
//!
//! [`seed_living_demo`] is what the command runs: [`seed_demo`], then each agency's
//! bundled placement file ([`files`]) is placed ([`place`]), and the Demo Recovery
//! Agency's accounts are brought to life ([`life`]) with the product's own use cases —
//! a manager assigns, collectors call, note, move, take payments and propose plans, a
//! manager approves, the card processor confirms, the daily job defaults a plan —
//! so that `sarah.mitchell` logs in to a real worklist.
//!
//! Idempotent: a second run changes nothing. A file is placed only in an agency that
//! has none of its accounts (by external reference), and the demo is brought to life
//! only while none of the file's accounts has a collector: life begins by assigning
//! them, in the one transaction that does all of it, so it has happened entirely or not
//! at all. Accounts an agency has besides the file's are left alone.

mod files;
mod life;
mod place;
mod roster;
mod steps;
mod stories;

use crate::{
    auth::password,
    clock::Clock,
    config::Config,
    imports::Importer,
    services::ServiceError,
    store::{accounts::AccountRow, agencies, users},
};
use chrono::{DateTime, Utc};
use debtflow_domain::{Currency, Role};
use rust_decimal::Decimal;
use sqlx::PgPool;
use std::collections::BTreeMap;
use uuid::Uuid;

pub use place::place;

struct DemoUser {
    username: &'static str,
    full_name: &'static str,
    role: Role,
    password: &'static str,
}

const fn user(username: &'static str, full_name: &'static str, role: Role, password: &'static str) -> DemoUser {
    DemoUser { username, full_name, role, password }
}

const DEMO_AGENCY: [DemoUser; 7] = [
    user("demo.admin", "Demo Admin", Role::AgencyAdmin, "Demo@2026"),
    user("demo.manager", "Morgan Reyes", Role::Manager, "Manager@2026"),
    user("demo.compliance", "Casey Lin", Role::Compliance, "Compliance@2026"),
    user("sarah.mitchell", "Sarah Mitchell", Role::Collector, "Collector@2026"),
    user("james.carter", "James Carter", Role::Collector, "Collector@2026"),
    user("maria.gonzalez", "Maria Gonzalez", Role::Collector, "Collector@2026"),
    user("david.thompson", "David Thompson", Role::Collector, "Collector@2026"),
];

const NORTHWIND: [DemoUser; 1] = [user("nw.admin", "Nora Whitfield", Role::AgencyAdmin, "Northwind@2026")];

/// What a run created.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct SeedReport {
    pub users_created: usize,
    /// Accounts the bundled files placed (none in an agency that had accounts already).
    pub accounts_placed: usize,
    /// Accounts the demo's life assigned to collectors (none once it is alive).
    pub accounts_assigned: usize,
    /// Payments the demo's life recorded.
    pub payments_recorded: usize,
    /// Payment plans the demo's life proposed.
    pub plans_proposed: usize,
}

#[derive(Debug, thiserror::Error)]
pub enum SeedError {
    #[error(transparent)]
    Database(#[from] sqlx::Error),
    #[error("could not hash a password: {0}")]
    Hash(argon2::password_hash::Error),
    #[error("{file}: {0}", file = .1)]
    Csv(csv::Error, String),
    #[error("{file}, line {line}, {field}: {message}")]
    Row { file: String, line: u64, field: &'static str, message: String },
    /// A use case refused a step of the demo: the demo no longer fits the product's rules.
    #[error("{step} on {external_ref}: {source}")]
    Step { step: &'static str, external_ref: String, source: ServiceError },
    /// The demo would have someone do what the role table does not let them do.
    #[error("{username} may not {operation}")]
    NotAllowed { username: String, operation: String },
    #[error("the demo has no {0}")]
    Missing(String),
    #[error("importing the demo file: {0}")]
    Import(String),
}

/// The demo agencies' ids.
struct Agencies {
    demo: Uuid,
    northwind: Uuid,
}

/// The demo agencies and users only (what the tests build on).
pub async fn seed_demo(db: &PgPool) -> Result<SeedReport, SeedError> {
    Ok(agencies_and_users(db).await?.0)
}

/// What `debtflow seed-demo` does: the agencies and users, each agency's placement
/// file, and the Demo Recovery Agency brought to life, as of `now` (the clock's).
pub async fn seed_living_demo(db: &PgPool, config: &Config, now: DateTime<Utc>) -> Result<SeedReport, SeedError> {
    let (mut report, agencies) = agencies_and_users(db).await?;
    let importer =
        Importer::new(config, db.clone(), Clock::frozen(now)).map_err(|e| SeedError::Import(e.to_string()))?;
    for (agency_id, placement) in [(agencies.demo, &files::DEMO), (agencies.northwind, &files::NORTHWIND)] {
        let refs = placement.external_refs()?;
        let placed = |all: BTreeMap<String, AccountRow>| -> BTreeMap<String, AccountRow> {
            all.into_iter().filter(|(r, _)| refs.contains(r)).collect()
        };
        let mut accounts = placed(roster::accounts(db, agency_id, now).await?);
        if accounts.is_empty() {
            let placer = roster::cast(db, agency_id).await?.person(placement.placed_by)?.actor.clone();
            let today = roster::today(db, agency_id, now).await?;
            let csv = files::rebased(placement, today)?;
            place(&importer, &placer, placement.file_name, &csv).await?;
            accounts = placed(roster::accounts(db, agency_id, now).await?);
            report.accounts_placed += accounts.len();
        }
        let alive = accounts.values().any(|a| a.collector_id.is_some());
        if agency_id == agencies.demo && !alive {
            let tally = life::live(db, agency_id, &accounts, config.money.approval_after_days, now).await?;
            report.accounts_assigned += tally.accounts_assigned;
            report.payments_recorded += tally.payments_recorded;
            report.plans_proposed += tally.plans_proposed;
        }
    }
    Ok(report)
}

async fn agencies_and_users(db: &PgPool) -> Result<(SeedReport, Agencies), SeedError> {
    let mut tx = db.begin().await?;
    let demo = agencies::ensure(
        &mut *tx,
        &agencies::NewAgency {
            name: "Demo Recovery Agency",
            licence_number: "DRA-2026-0001",
            currency: Currency::USD,
            time_zone: "America/New_York",
        },
    )
    .await?;
    let northwind = agencies::ensure(
        &mut *tx,
        &agencies::NewAgency {
            name: "Northwind Collections",
            licence_number: "NWC-2026-0042",
            currency: Currency::parse("GBP").expect("GBP is a currency code"),
            time_zone: "Europe/London",
        },
    )
    .await?;

    let mut report = SeedReport::default();
    for (agency_id, demo_user) in DEMO_AGENCY.iter().map(|u| (demo, u)).chain(NORTHWIND.iter().map(|u| (northwind, u)))
    {
        // Hashing is the slow part: skip it for users already there.
        if users::exists(&mut *tx, demo_user.username).await? {
            continue;
        }
        let collector = demo_user.role == Role::Collector;
        let hash = password::hash(demo_user.password).map_err(SeedError::Hash)?;
        let created = users::insert_if_absent(
            &mut *tx,
            &users::NewUser {
                agency_id: Some(agency_id),
                username: demo_user.username,
                full_name: demo_user.full_name,
                email: None,
                role: demo_user.role,
                password_hash: &hash,
                password_change_required: false,
                commission_rate: collector.then(|| Decimal::new(10, 2)),
                account_limit: collector.then_some(500),
            },
        )
        .await?;
        report.users_created += usize::from(created.is_some());
    }
    tx.commit().await?;
    Ok((report, Agencies { demo, northwind }))
}

/// The demo agency's collectors, in the order the manager deals accounts to them.
fn collectors() -> impl Iterator<Item = &'static str> {
    DEMO_AGENCY.iter().filter(|u| u.role == Role::Collector).map(|u| u.username)
}
