//! Who and what an agency has, as the seed finds them: its users as the people who act
//! in the demo ([`Cast`]), its accounts by external reference (however they got in),
//! and its business date.

use super::SeedError;
use crate::{
    audit::{Actor, RequestContext},
    db::{self, Scope},
    services,
    store::{
        self,
        accounts::{AccountRow, Direction, Reach, SortKey, Worklist},
    },
};
use chrono::{DateTime, NaiveDate, Utc};
use debtflow_domain::permission::{allows, Operation};
use sqlx::{PgConnection, PgPool};
use std::collections::BTreeMap;
use uuid::Uuid;

/// More than any demo file holds.
const MAX_ACCOUNTS: i64 = 10_000;

/// A user of the agency, acting in the demo as the API would have them act.
#[derive(Debug, Clone)]
pub struct Person {
    pub id: Uuid,
    pub username: String,
    pub actor: Actor,
}

impl Person {
    /// What the route checks first: the role table allows the person `operation`.
    pub fn may(&self, operation: Operation) -> Result<(), SeedError> {
        match self.actor.role {
            Some(role) if allows(role, operation) => Ok(()),
            _ => Err(SeedError::NotAllowed { username: self.username.clone(), operation: format!("{operation:?}") }),
        }
    }

    /// The accounts the person reaches (a collector's own).
    pub fn reach(&self) -> Reach {
        services::accounts::reach(&self.actor)
    }
}

/// The agency's users, by username.
pub struct Cast(BTreeMap<String, Person>);

impl Cast {
    pub fn person(&self, username: &str) -> Result<&Person, SeedError> {
        self.0.get(username).ok_or_else(|| SeedError::Missing(format!("user {username}")))
    }
}

/// The agency's users as people who act; their audit rows say the seed did it.
pub async fn cast(db: &PgPool, agency_id: Uuid) -> Result<Cast, SeedError> {
    let mut tx = db::begin(db, Scope::Agency(agency_id)).await?;
    let cast = cast_in(&mut tx, agency_id).await?;
    tx.commit().await?;
    Ok(cast)
}

pub async fn cast_in(tx: &mut PgConnection, agency_id: Uuid) -> Result<Cast, SeedError> {
    let users = store::users::list(tx, Some(agency_id), Default::default(), None, 1000).await?;
    let context = RequestContext { ip: None, request_id: Some("seed-demo".to_owned()) };
    Ok(Cast(
        users
            .into_iter()
            .map(|u| {
                let actor =
                    Actor { user_id: Some(u.id), role: Some(u.role), agency_id: u.agency_id, context: context.clone() };
                (u.username.clone(), Person { id: u.id, username: u.username, actor })
            })
            .collect(),
    ))
}

/// The agency's accounts by external reference, as read at `now`.
pub async fn accounts(
    db: &PgPool,
    agency_id: Uuid,
    now: DateTime<Utc>,
) -> Result<BTreeMap<String, AccountRow>, SeedError> {
    // Its own transaction: the worklist query tunes the planner for the rest of one.
    let mut tx = db::begin(db, Scope::Agency(agency_id)).await?;
    let all = Worklist { reach: Reach { agency_id: Some(agency_id), collector_id: None }, ..Worklist::default() };
    let rows =
        store::accounts::worklist(&mut tx, &all, SortKey::Created, Direction::Ascending, None, MAX_ACCOUNTS, now)
            .await?;
    tx.commit().await?;
    Ok(rows.into_iter().map(|row| (row.external_ref.clone(), row)).collect())
}

/// The agency's business date at `now`.
pub async fn today(db: &PgPool, agency_id: Uuid, now: DateTime<Utc>) -> Result<NaiveDate, SeedError> {
    let mut tx = db::begin(db, Scope::Agency(agency_id)).await?;
    let today = store::agencies::today(&mut tx, agency_id, now).await?;
    tx.commit().await?;
    Ok(today)
}
