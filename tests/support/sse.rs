//! A server-sent-events client for tests: reads a streaming response event by event.

use std::time::Duration;

/// One event as the server sent it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Event {
    pub id: Option<String>,
    pub event: String,
    pub data: serde_json::Value,
}

pub struct EventStream {
    response: reqwest::Response,
    buffer: String,
}

impl EventStream {
    /// `GET {url}` as `token` (resuming after `last_event_id`); panics unless 200
    /// `text/event-stream`.
    pub async fn open(client: &reqwest::Client, url: &str, token: &str, last_event_id: Option<&str>) -> Self {
        let mut request = client.get(url).bearer_auth(token);
        if let Some(id) = last_event_id {
            request = request.header("Last-Event-ID", id);
        }
        let response = request.send().await.expect("the stream request");
        assert_eq!(response.status(), 200, "the stream opens");
        let kind = response.headers()["content-type"].to_str().unwrap().to_owned();
        assert!(kind.starts_with("text/event-stream"), "{kind}");
        EventStream { response, buffer: String::new() }
    }

    /// The next event (comments and `retry` skipped), or `None` when the stream ends or
    /// `within` passes first.
    pub async fn next(&mut self, within: Duration) -> Option<Event> {
        tokio::time::timeout(within, self.next_event()).await.ok().flatten()
    }

    async fn next_event(&mut self) -> Option<Event> {
        loop {
            while let Some(end) = self.buffer.find("\n\n") {
                let block: String = self.buffer.drain(..end + 2).collect();
                let (mut id, mut event, mut data) = (None, None, None);
                for line in block.lines() {
                    match line.split_once(": ") {
                        Some(("id", v)) => id = Some(v.to_owned()),
                        Some(("event", v)) => event = Some(v.to_owned()),
                        Some(("data", v)) => data = Some(serde_json::from_str(v).expect("JSON data")),
                        _ => {}
                    }
                }
                if let (Some(event), Some(data)) = (event, data) {
                    return Some(Event { id, event, data });
                }
            }
            let chunk = self.response.chunk().await.ok()??;
            self.buffer.push_str(std::str::from_utf8(&chunk).expect("UTF-8 events"));
        }
    }

    /// Events until `within` passes with none.
    pub async fn drain(&mut self, within: Duration) -> Vec<Event> {
        let mut events = Vec::new();
        while let Some(event) = self.next(within).await {
            events.push(event);
        }
        events
    }
}
