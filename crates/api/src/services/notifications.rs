//! The caller's own notification centre: marking read, deleting, and the
//! preferences that decide how each kind reaches them. Another user's notification is
//! not found, whoever asks.

use crate::{
    audit::{self, Actor, Change},
    services::ServiceError,
    store::{
        self,
        notifications::{NotificationRow, PreferenceRow},
    },
};
use chrono::{DateTime, Utc};
use debtflow_domain::notification::{NotificationKind, Preference};
use serde_json::json;
use sqlx::PgConnection;
use uuid::Uuid;

/// Marks `id` read for `user` (a second time keeps the first time).
pub async fn read(
    tx: &mut PgConnection,
    user: Uuid,
    id: Uuid,
    now: DateTime<Utc>,
) -> Result<NotificationRow, ServiceError> {
    store::notifications::mark_read(tx, user, id, now).await?.ok_or(ServiceError::NotFound)
}

/// Marks every unread notification of `user` read; returns how many were.
pub async fn read_all(tx: &mut PgConnection, user: Uuid, now: DateTime<Utc>) -> Result<u64, ServiceError> {
    Ok(store::notifications::mark_all_read(tx, user, now).await?)
}

/// Deletes `user`'s notification `id`.
pub async fn delete(tx: &mut PgConnection, user: Uuid, id: Uuid) -> Result<(), ServiceError> {
    match store::notifications::delete(tx, user, id).await? {
        true => Ok(()),
        false => Err(ServiceError::NotFound),
    }
}

/// Sets the actor's preferences for the kinds named (the others keep theirs), all or
/// none: a mandatory kind switched off in the app refuses the whole change, naming it.
/// Returns every kind's preference after.
pub async fn set_preferences(
    tx: &mut PgConnection,
    actor: &Actor,
    changes: &[(NotificationKind, Preference)],
    now: DateTime<Utc>,
) -> Result<Vec<PreferenceRow>, ServiceError> {
    let (Some(user), Some(agency_id)) = (actor.user_id, actor.agency_id) else {
        return Err(ServiceError::invalid("preferences", "only an agency's users receive notifications"));
    };
    for (kind, preference) in changes {
        kind.allow(*preference).map_err(|e| ServiceError::invalid(format!("{kind}.in_app"), e))?;
    }
    let before = store::notifications::preferences(tx, user).await?;
    for (kind, preference) in changes {
        store::notifications::set_preference(tx, agency_id, user, *kind, *preference, now).await?;
    }
    let after = store::notifications::preferences(tx, user).await?;
    let snapshot = |rows: &[PreferenceRow]| {
        json!(rows
            .iter()
            .map(|p| (p.kind.as_str().to_owned(), json!({ "in_app": p.in_app, "email": p.email })))
            .collect::<serde_json::Map<_, _>>())
    };
    let change = Change::updated("notification.preferences", "user", user, &snapshot(&before), &snapshot(&after));
    audit::record(tx, actor, change.in_agency(Some(agency_id))).await?;
    Ok(after)
}
