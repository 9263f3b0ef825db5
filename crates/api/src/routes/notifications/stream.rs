//! `GET /notifications/stream`: the caller's notifications as they are written, as
//! server-sent events (see [`crate::live`] for how they get here from any process).
//!
//! Why SSE and not WebSocket: the stream only flows from server to client; SSE is
//! plain HTTP (the same bearer token, proxies, HTTP/2 multiplexing), and resuming is
//! built in: every notification event carries its place in the delivery order as its
//! `id`, and a client that reconnects sends `Last-Event-ID` and is sent what it missed,
//! in order, before anything new.
//!
//! Events: `ready` (first, when no `Last-Event-ID` was sent: its id is where the
//! stream starts), `notification` (a [`super::Notification`]), `import_progress` (an
//! import the caller started, as `GET /imports/{id}` shows it, after each committed
//! batch; no id),
//! `token_expired` (the access token expired: the stream ends; reconnect with a fresh
//! token and the last id), and `revoked` (checked every 15 s, with the comment line
//! that keeps idle connections open: the session ended — logout, a reused refresh
//! token — or the user was deactivated; the stream ends). A
//! client that falls [`crate::live::hub::BUFFER`] events behind is disconnected and
//! resumes.

use super::Notification;
use crate::{
    auth::{policy::Operation, AuthUser},
    db,
    live::{hub::Subscription, sse, Hub, LiveEvent},
    problem::{responses, ApiError},
    routes::imports::Import,
    store::{self, StoreError},
};
use actix_web::{
    get,
    http::header,
    web::{self, Bytes},
    HttpRequest, HttpResponse,
};
use serde_json::json;
use sqlx::PgPool;
use std::time::{Duration, SystemTime, UNIX_EPOCH};
use tokio::sync::mpsc;
use uuid::Uuid;

/// Notifications sent per catch-up query.
const CATCH_UP_PAGE: i64 = 500;
const KEEP_ALIVE: Duration = Duration::from_secs(15);

/// One server-sent event of the stream: its name, its place in the delivery order (the
/// `Last-Event-ID` to resume from) and its data, a JSON document.
#[derive(utoipa::ToSchema)]
#[allow(dead_code)] // Written as text by `live::sse`; described here for the document.
pub struct StreamEvent {
    /// `ready`, `notification`, `import_progress`, `token_expired` or `revoked`.
    event: String,
    id: Option<String>,
    data: String,
}

/// The caller's notifications, live (`text/event-stream`).
#[utoipa::path(
    tag = "notifications",
    operation_id = "streamNotifications",
    security(("bearer" = [])),
    params(
        ("Last-Event-ID" = Option<i64>, Header, description = "The id of the last event received: the stream \
          first sends every notification after it"),
    ),
    responses(
        (status = 200, description = "A stream of server-sent events: `ready`, `notification` (data: a \
          Notification; id: its place in the delivery order), `import_progress`, `token_expired`, `revoked`; \
          e.g. `id: 42`, `event: ready`, `data: {\"last_event_id\":42}`",
          content_type = "text/event-stream", body = StreamEvent),
        (status = 401, response = responses::Unauthorized),
        (status = 422, response = responses::Invalid),
    )
)]
#[get("/notifications/stream")]
pub async fn stream(
    req: HttpRequest,
    user: AuthUser,
    db: web::Data<PgPool>,
    hub: web::Data<Hub>,
) -> Result<HttpResponse, ApiError> {
    user.require(Operation::ReadNotifications)?;
    let resume = last_event_id(&req)?;
    // Subscribed before reading where to start, so nothing dispatched meanwhile is lost.
    let subscription = hub.clone().into_inner().subscribe(user.id);
    let mut tx = db::begin(&db, user.scope()).await?;
    let start = match resume {
        Some(id) => id,
        None => store::notifications::last_dispatched(&mut tx).await?,
    };
    tx.commit().await?;
    let (frames, rx) = mpsc::channel::<Bytes>(16);
    actix_web::rt::spawn(feed(db.get_ref().clone(), user, start, resume.is_none(), subscription, frames));
    let body = futures_util::stream::unfold(rx, |mut rx| async move {
        rx.recv().await.map(|frame| (Ok::<_, std::convert::Infallible>(frame), rx))
    });
    Ok(HttpResponse::Ok()
        .content_type("text/event-stream")
        .insert_header((header::CACHE_CONTROL, "no-cache"))
        .insert_header(("X-Accel-Buffering", "no"))
        .streaming(body))
}

fn last_event_id(req: &HttpRequest) -> Result<Option<i64>, ApiError> {
    let Some(value) = req.headers().get("Last-Event-ID") else { return Ok(None) };
    value
        .to_str()
        .ok()
        .and_then(|v| v.trim().parse::<i64>().ok())
        .filter(|id| *id >= 0)
        .map(Some)
        .ok_or_else(|| ApiError::field("Last-Event-ID", "must be the id of an event of this stream"))
}

/// Writes the stream: catch-up after `start`, then live events, until the client
/// goes, falls behind, or its token expires.
async fn feed(
    db: PgPool,
    user: AuthUser,
    start: i64,
    announce: bool,
    mut subscription: Subscription,
    frames: mpsc::Sender<Bytes>,
) {
    let mut last = start;
    let mut opening = vec![sse::retry(2000)];
    if announce {
        opening.push(sse::event(Some(start), "ready", &json!({ "last_event_id": start })));
    }
    for frame in opening {
        if frames.send(frame).await.is_err() {
            return;
        }
    }
    loop {
        let page = match catch_up(&db, &user, last).await {
            Ok(page) => page,
            Err(err) => {
                tracing::warn!(error = %err, "a notification stream could not catch up: closing it");
                return;
            }
        };
        let done = page.len() < CATCH_UP_PAGE as usize;
        for row in page {
            last = row.seq.unwrap_or(last);
            if frames.send(notification_frame(&row)).await.is_err() {
                return;
            }
        }
        if done {
            break;
        }
    }
    let expiry = Duration::from_secs(u64::try_from(user.expires_at).unwrap_or(0))
        .saturating_sub(SystemTime::now().duration_since(UNIX_EPOCH).unwrap_or_default());
    let expired = tokio::time::sleep(expiry);
    tokio::pin!(expired);
    let mut keep_alive = tokio::time::interval_at(tokio::time::Instant::now() + KEEP_ALIVE, KEEP_ALIVE);
    loop {
        let frame = tokio::select! {
            event = subscription.events.recv() => match event {
                Some(LiveEvent::Notification(row)) if row.seq.is_some_and(|seq| seq > last) => {
                    last = row.seq.unwrap_or(last);
                    notification_frame(&row)
                }
                Some(LiveEvent::Notification(_)) => continue,
                Some(LiveEvent::ImportProgress(import)) => match import_frame(&db, &user, import).await {
                    Ok(Some(frame)) => frame,
                    Ok(None) => continue,
                    Err(err) => {
                        tracing::warn!(error = %err, "a notification stream could not read an import: closing it");
                        return;
                    }
                },
                // Dropped for falling behind: the client resumes from `last`.
                None => return,
            },
            () = &mut expired => {
                let detail = json!({ "detail": "the access token has expired: reconnect with a fresh one" });
                let _ = frames.send(sse::event(None, "token_expired", &detail)).await;
                return;
            }
            _ = keep_alive.tick() => match still_allowed(&db, &user).await {
                Ok(()) => sse::keep_alive(),
                Err(StoreError::Revoked) => {
                    let detail = json!({ "detail": "the session has ended or the user was deactivated" });
                    let _ = frames.send(sse::event(None, "revoked", &detail)).await;
                    return;
                }
                // The database is away: the client reconnects (and is checked) later.
                Err(_) => return,
            },
            () = frames.closed() => return,
        };
        if frames.send(frame).await.is_err() {
            return;
        }
    }
}

/// Whether the caller's access still holds (active user, live session, current token
/// version): checked as a transaction opens, the same check every request gets.
async fn still_allowed(db: &PgPool, user: &AuthUser) -> Result<(), StoreError> {
    let tx = db::begin(db, user.scope()).await.map_err(StoreError::from)?;
    tx.commit().await.map_err(StoreError::from)
}

async fn catch_up(
    db: &PgPool,
    user: &AuthUser,
    after: i64,
) -> Result<Vec<store::notifications::NotificationRow>, sqlx::Error> {
    let mut tx = db::begin(db, user.scope()).await?;
    let rows = store::notifications::after(&mut tx, user.id, after, CATCH_UP_PAGE).await?;
    tx.commit().await?;
    Ok(rows)
}

/// The import as `GET /imports/{id}` shows it, as an `import_progress` event.
async fn import_frame(db: &PgPool, user: &AuthUser, id: Uuid) -> Result<Option<Bytes>, sqlx::Error> {
    let Some(agency_id) = user.agency_id else { return Ok(None) };
    let mut tx = db::begin(db, user.scope()).await?;
    let row = store::imports::get(&mut tx, agency_id, id).await?;
    tx.commit().await?;
    Ok(row.map(|row| sse::event(None, "import_progress", &json!(Import::from(row)))))
}

fn notification_frame(row: &store::notifications::NotificationRow) -> Bytes {
    let data = serde_json::to_value(Notification::from(row)).unwrap_or_default();
    sse::event(row.seq, "notification", &data)
}
