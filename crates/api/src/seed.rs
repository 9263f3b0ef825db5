//! `debtflow seed-demo`: the demo agencies and users of the product overview, so a
//! fresh install can be logged into at once. Idempotent: a second run changes nothing
//! (existing users keep their passwords). The demo passwords are shorter than the
//! password policy allows; only this command may set them.

use crate::{
    auth::password,
    store::{agencies, users},
};
use debtflow_domain::{Currency, Role};
use rust_decimal::Decimal;
use sqlx::PgPool;

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
}

#[derive(Debug, thiserror::Error)]
pub enum SeedError {
    #[error(transparent)]
    Database(#[from] sqlx::Error),
    #[error("could not hash a password: {0}")]
    Hash(argon2::password_hash::Error),
}

pub async fn seed_demo(db: &PgPool) -> Result<SeedReport, SeedError> {
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
                commission_rate: collector.then(|| Decimal::new(10, 2)),
                account_limit: collector.then_some(500),
            },
        )
        .await?;
        report.users_created += usize::from(created.is_some());
    }
    tx.commit().await?;
    Ok(report)
}
