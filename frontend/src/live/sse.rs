//! Server-sent events read from a byte stream (the WHATWG `text/event-stream` format),
//! as pure code: chunks arrive cut anywhere — within a line, a field, even a UTF-8
//! character — and the parser hands out each event once its blank line has arrived.
//! Lines end with LF, CRLF or CR; `:` starts a comment; `data:` lines join with LF;
//! `id:` is remembered for the events after it (it is what a client resumes from);
//! `retry:` sets the reconnection delay.

/// One dispatched event.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Event {
    /// `message` when the event named none.
    pub name: String,
    pub data: String,
    /// The last event id set on the stream so far (this event's, or an earlier one's).
    pub id: Option<String>,
}

/// The parser's state between chunks.
#[derive(Debug, Default)]
pub struct Parser {
    /// Bytes of a line not ended yet.
    line: Vec<u8>,
    /// The previous chunk ended with CR: an LF starting this one belongs to it.
    after_cr: bool,
    /// The stream's start, where a byte-order mark may sit.
    started: bool,
    name: String,
    data: String,
    has_data: bool,
    /// The id of the event being read (kept for the events after it).
    id_buffer: Option<String>,
    /// The id as of the last blank line: what has been received whole.
    last_id: Option<String>,
    /// The reconnection delay the server asked for, in milliseconds.
    pub retry_ms: Option<u32>,
}

impl Parser {
    pub fn new() -> Self {
        Self::default()
    }

    /// The last event id seen (to send as `Last-Event-ID` on reconnecting).
    pub fn last_id(&self) -> Option<&str> {
        self.last_id.as_deref()
    }

    /// Feeds a chunk; the events it completed, in order.
    pub fn push(&mut self, chunk: &[u8]) -> Vec<Event> {
        let mut events = Vec::new();
        let mut bytes = chunk;
        if !self.started && !bytes.is_empty() {
            self.line.extend_from_slice(bytes);
            // Wait for three bytes to know whether they are a BOM.
            if self.line.len() < 3 && b"\xEF\xBB\xBF".starts_with(&self.line) {
                return events;
            }
            self.started = true;
            let pending = std::mem::take(&mut self.line);
            let rest = pending.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&pending);
            return self.feed(rest, events);
        }
        if self.after_cr && !bytes.is_empty() {
            self.after_cr = false;
            if let Some(rest) = bytes.strip_prefix(b"\n") {
                bytes = rest;
            }
        }
        self.feed(bytes, std::mem::take(&mut events))
    }

    fn feed(&mut self, mut bytes: &[u8], mut events: Vec<Event>) -> Vec<Event> {
        while let Some(end) = bytes.iter().position(|b| *b == b'\n' || *b == b'\r') {
            self.line.extend_from_slice(&bytes[..end]);
            let line = String::from_utf8_lossy(&std::mem::take(&mut self.line)).into_owned();
            if let Some(event) = self.line_done(&line) {
                events.push(event);
            }
            let crlf = bytes[end] == b'\r';
            bytes = &bytes[end + 1..];
            if crlf {
                match bytes.first() {
                    Some(b'\n') => bytes = &bytes[1..],
                    Some(_) => {}
                    None => self.after_cr = true,
                }
            }
        }
        self.line.extend_from_slice(bytes);
        events
    }

    fn line_done(&mut self, line: &str) -> Option<Event> {
        if line.is_empty() {
            return self.dispatch();
        }
        if line.starts_with(':') {
            return None;
        }
        let (field, value) = match line.split_once(':') {
            Some((f, v)) => (f, v.strip_prefix(' ').unwrap_or(v)),
            None => (line, ""),
        };
        match field {
            "event" => self.name = value.to_owned(),
            "data" => {
                if self.has_data {
                    self.data.push('\n');
                }
                self.data.push_str(value);
                self.has_data = true;
            }
            "id" if !value.contains('\0') => self.id_buffer = Some(value.to_owned()),
            "retry" => {
                if let Ok(ms) = value.parse() {
                    self.retry_ms = Some(ms);
                }
            }
            _ => {}
        }
        None
    }

    fn dispatch(&mut self) -> Option<Event> {
        self.last_id.clone_from(&self.id_buffer);
        let name = std::mem::take(&mut self.name);
        let data = std::mem::take(&mut self.data);
        if !std::mem::take(&mut self.has_data) {
            return None;
        }
        let name = if name.is_empty() { "message".to_owned() } else { name };
        Some(Event { name, data, id: self.last_id.clone() })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn event(name: &str, data: &str, id: Option<&str>) -> Event {
        Event { name: name.into(), data: data.into(), id: id.map(Into::into) }
    }

    /// Every way of cutting `stream` in two gives the same events as the whole.
    fn all_cuts(stream: &[u8]) -> Vec<Event> {
        let whole = Parser::new().push(stream);
        for cut in 0..=stream.len() {
            let mut p = Parser::new();
            let mut got = p.push(&stream[..cut]);
            got.extend(p.push(&stream[cut..]));
            assert_eq!(got, whole, "cut at byte {cut}");
        }
        whole
    }

    #[test]
    fn the_servers_frames_become_events() {
        let stream = b"retry: 2000\n\nid: 42\nevent: ready\ndata: {\"last_event_id\":42}\n\n\
                       id: 43\nevent: notification\ndata: {\"title\":\"A\"}\n\n: keep-alive\n\n\
                       event: import_progress\ndata: {\"processed\":5}\n\n";
        let mut p = Parser::new();
        let events = p.push(stream);
        assert_eq!(
            events,
            vec![
                event("ready", "{\"last_event_id\":42}", Some("42")),
                event("notification", "{\"title\":\"A\"}", Some("43")),
                // No id of its own: the stream's last one stays.
                event("import_progress", "{\"processed\":5}", Some("43")),
            ]
        );
        assert_eq!(p.retry_ms, Some(2000));
        assert_eq!(p.last_id(), Some("43"));
    }

    #[test]
    fn an_event_split_across_chunks_anywhere_is_whole_once_its_blank_line_arrives() {
        let events = all_cuts("id: 7\nevent: notification\ndata: {\"title\":\"Paiement reçu — 1 €\"}\n\n".as_bytes());
        assert_eq!(events, vec![event("notification", "{\"title\":\"Paiement reçu — 1 €\"}", Some("7"))]);
        let mut p = Parser::new();
        assert!(p.push(b"event: x\ndata: 1\n").is_empty(), "no blank line yet: nothing dispatched");
        assert_eq!(p.push(b"\n"), vec![event("x", "1", None)]);
    }

    #[test]
    fn data_lines_join_with_line_feeds_and_crlf_or_cr_end_lines() {
        assert_eq!(all_cuts(b"data: one\r\ndata:two\r\ndata\r\n\r\n"), vec![event("message", "one\ntwo\n", None)]);
        assert_eq!(all_cuts(b"data: a\rdata: b\r\r"), vec![event("message", "a\nb", None)]);
    }

    #[test]
    fn comments_unknown_fields_and_events_without_data_are_not_dispatched() {
        let events = all_cuts(b": hello\n\nevent: empty\n\nfoo: bar\ndata: x\n\n");
        assert_eq!(events, vec![event("message", "x", None)], "the name of a dataless event does not leak");
    }

    #[test]
    fn a_byte_order_mark_is_skipped_and_only_one_space_is_stripped() {
        assert_eq!(all_cuts(b"\xEF\xBB\xBFdata:  two spaces\n\n"), vec![event("message", " two spaces", None)]);
    }

    #[test]
    fn an_event_cut_off_by_a_drop_is_neither_dispatched_nor_resumed_from() {
        let mut p = Parser::new();
        assert_eq!(p.push(b"id: 8\ndata: whole\n\n"), vec![event("message", "whole", Some("8"))]);
        assert!(p.push(b"id: 9\ndata: cut off\n").is_empty());
        assert_eq!(p.last_id(), Some("8"), "resuming after 8 sends 9 again");
    }

    #[test]
    fn an_empty_chunk_between_cr_and_lf_changes_nothing() {
        let mut p = Parser::new();
        assert!(p.push(b"data: a\r").is_empty());
        assert!(p.push(b"").is_empty());
        assert!(p.push(b"\n").is_empty(), "the LF ends the same line as the CR");
        assert_eq!(p.push(b"\n"), vec![event("message", "a", None)]);
    }
}
