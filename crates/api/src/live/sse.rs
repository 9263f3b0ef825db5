//! Server-sent events on the wire (the WHATWG `text/event-stream` format).

use actix_web::web::Bytes;
use std::fmt::Write;

/// An event named `name` with JSON `data` (one line), and an `id` when it is one a
/// client resumes from.
pub fn event(id: Option<i64>, name: &str, data: &serde_json::Value) -> Bytes {
    let mut frame = String::new();
    if let Some(id) = id {
        let _ = writeln!(frame, "id: {id}");
    }
    let _ = write!(frame, "event: {name}\ndata: {data}\n\n");
    Bytes::from(frame)
}

/// The reconnection delay a client should use, in milliseconds.
pub fn retry(millis: u64) -> Bytes {
    Bytes::from(format!("retry: {millis}\n\n"))
}

/// A comment line: keeps proxies from closing an idle stream.
pub fn keep_alive() -> Bytes {
    Bytes::from_static(b": keep-alive\n\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_event_is_its_id_name_and_one_line_of_json_then_a_blank_line() {
        let data = serde_json::json!({ "title": "two\nlines" });
        assert_eq!(
            event(Some(7), "notification", &data),
            "id: 7\nevent: notification\ndata: {\"title\":\"two\\nlines\"}\n\n"
        );
        assert_eq!(event(None, "import_progress", &serde_json::json!(1)), "event: import_progress\ndata: 1\n\n");
    }
}
