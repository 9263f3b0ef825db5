//! The notification centre's calls and wire types: the caller's notifications (keyset
//! pages with the unread count), marking read, deleting, and the preferences of each
//! kind. The live stream of them is [`crate::live`].

use super::{delete, get, paged, post, put, ApiResult};
pub use debtflow_wire::notifications::{KindPreference, MarkedRead, Notification, NotificationPage, UnreadCount};
use serde_json::{json, Map, Value};

/// A page of the caller's notifications, newest first.
pub async fn list(unread_only: bool, limit: u32, cursor: &str) -> ApiResult<NotificationPage> {
    let filters = if unread_only { "unread=true" } else { "" };
    get(&format!("/notifications?{}", paged(filters, limit, cursor))).await
}

pub async fn unread_count() -> ApiResult<i64> {
    get::<UnreadCount>("/notifications/unread-count").await.map(|c| c.unread_count)
}

pub async fn mark_read(id: uuid::Uuid) -> ApiResult<Notification> {
    post(&format!("/notifications/{}/read", id), &json!({}), None).await
}

/// Marks every notification read; the unread count after.
pub async fn mark_all_read() -> ApiResult<i64> {
    post::<MarkedRead>("/notifications/read-all", &json!({}), None).await.map(|m| m.unread_count)
}

pub async fn remove(id: uuid::Uuid) -> ApiResult<()> {
    delete(&format!("/notifications/{}", id)).await
}

pub async fn preferences() -> ApiResult<Vec<KindPreference>> {
    get("/notifications/preferences").await
}

/// Saves the preferences of the kinds given; every kind's after.
pub async fn set_preferences(changes: &[KindPreference]) -> ApiResult<Vec<KindPreference>> {
    put("/notifications/preferences", &preference_body(changes)).await
}

/// `{"<kind>": {"in_app": …, "email": …}, …}`, as `PUT /notifications/preferences` takes it.
pub fn preference_body(changes: &[KindPreference]) -> Value {
    let map: Map<String, Value> =
        changes.iter().map(|p| (p.kind.as_str().to_owned(), json!({ "in_app": p.in_app, "email": p.email }))).collect();
    Value::Object(map)
}

#[cfg(test)]
mod tests {
    use super::*;
    use debtflow_domain::notification::{EmailDelivery, NotificationKind};

    #[test]
    fn a_notification_reads_as_the_api_writes_it() {
        let n: Notification = serde_json::from_value(json!({
            "id": "0193a1b2-0000-7000-8000-000000000001", "kind": "plan_pending_approval", "title": "A plan waits", "body": "6 × 100.00",
            "entity_type": "account", "entity_id": "0193a1b2-0000-7000-8000-0000000000a1", "link": "/approvals",
            "created_at": "2026-11-30T10:00:00Z", "read_at": null
        }))
        .expect("a notification");
        assert_eq!(n.kind, NotificationKind::PlanPendingApproval);
        assert!(n.is_unread());
        assert_eq!(n.link.as_deref(), Some("/approvals"));
    }

    #[test]
    fn preferences_are_sent_by_kind() {
        let p = KindPreference {
            kind: NotificationKind::AccountAssigned,
            in_app: false,
            email: EmailDelivery::DailyDigest,
            mandatory: false,
            chosen: true,
        };
        assert_eq!(preference_body(&[p]), json!({ "account_assigned": { "in_app": false, "email": "daily_digest" } }));
    }
}
