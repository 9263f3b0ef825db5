//! Structured JSON logs on stdout with `tracing`.
//!
//! One JSON object per line; fields of the enclosing spans are included, so every
//! line written while serving a request carries its `request_id`. `RUST_LOG` sets
//! the filter (default `info`).

use tracing_subscriber::{fmt, EnvFilter};

pub fn init() {
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info"));
    // A second init (tests) keeps the first subscriber.
    let _ = fmt()
        .json()
        .flatten_event(true)
        .with_current_span(true)
        .with_span_list(false)
        .with_env_filter(filter)
        .with_writer(std::io::stdout)
        .try_init();
}
