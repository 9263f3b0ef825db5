//! Notifications and their preferences.

use chrono::{DateTime, Utc};
use debtflow_domain::notification::{EmailDelivery, NotificationKind};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Notification {
    pub id: Uuid,
    pub kind: NotificationKind,
    pub title: String,
    pub body: String,
    /// What it is about (`account` + id), when it is about one thing.
    pub entity_type: Option<String>,
    pub entity_id: Option<String>,
    /// The SPA page to open: `/approvals` for what waits on a decision, else the
    /// account's page (`/accounts/{id}`) when it is about one.
    pub link: Option<String>,
    pub created_at: DateTime<Utc>,
    pub read_at: Option<DateTime<Utc>>,
}

impl Notification {
    pub fn is_unread(&self) -> bool {
        self.read_at.is_none()
    }
}

/// A page of notifications, and how many of the caller's are unread in all.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NotificationPage {
    pub items: Vec<Notification>,
    /// Pass as `cursor` for the next page; `null` on the last page.
    pub next_cursor: Option<String>,
    pub unread_count: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct UnreadCount {
    pub unread_count: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MarkedRead {
    /// Notifications that were unread and now are read.
    pub marked: u64,
    pub unread_count: i64,
}

/// A kind's preference for the caller.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct KindPreference {
    pub kind: NotificationKind,
    pub in_app: bool,
    pub email: EmailDelivery,
    /// Cannot be switched off in the app.
    pub mandatory: bool,
    /// The caller chose it (otherwise it is the kind's default).
    pub chosen: bool,
}
