//! A running import's progress: live from the stream, polled while it is down.

use super::{elapsed_ms, outcome::Outcome, percent, progress_text, rate};
use crate::{
    api::{self, imports::Import},
    format,
    live::{sleep, use_live},
};
use leptos::prelude::*;
use std::sync::{
    atomic::{AtomicBool, Ordering},
    Arc,
};

/// One import followed to its end: live from the stream, polled while it is down.
#[component]
pub(super) fn Progress(initial: Import, on_finished: Callback<()>) -> impl IntoView {
    let live = use_live();
    let id = initial.id;
    let was_finished = initial.status.is_finished();
    let import = RwSignal::new(initial);
    // (ms, rows done) as updates arrive, for the rate.
    let samples = StoredValue::new(Vec::<(f64, i64)>::new());
    let last_update = StoredValue::new(js_sys::Date::now());
    let accept = move |next: Import| {
        let now = js_sys::Date::now();
        samples.update_value(|s| {
            if s.last().is_none_or(|(_, r)| *r != next.processed) {
                s.push((now, next.processed));
            }
        });
        last_update.set_value(now);
        import.set(next);
    };
    // From the stream.
    let stream_id = id;
    Effect::new(move |_| {
        if let Some(next) = live.imports.with(|m| m.get(&stream_id).cloned()) {
            let newer = import.with_untracked(|i| {
                next.processed > i.processed || (next.status != i.status && !i.status.is_finished())
            });
            if newer {
                accept(next);
            }
        }
    });
    // Polling: every second while the stream is down, when the stream has been quiet
    // for 2 s, and once every row is done (the end itself is not streamed).
    let alive = Arc::new(AtomicBool::new(true));
    let alive_task = alive.clone();
    on_cleanup(move || alive.store(false, Ordering::Relaxed));
    if !was_finished {
        leptos::task::spawn_local(async move {
            loop {
                sleep(1_000).await;
                if !alive_task.load(Ordering::Relaxed) {
                    return;
                }
                let Some(current) = import.try_get_untracked() else { return };
                if current.status.is_finished() {
                    return;
                }
                let quiet = js_sys::Date::now() - last_update.try_get_value().unwrap_or(0.0) > 2_000.0;
                let all_done = current.total_rows.is_some_and(|t| current.processed >= t);
                if !live.connected.get_untracked() || quiet || all_done {
                    if let Ok(next) = api::imports::one(id).await {
                        if !alive_task.load(Ordering::Relaxed) {
                            return;
                        }
                        accept(next);
                    }
                }
            }
        });
    }
    let finished = Memo::new(move |_| import.with(|i| i.status.is_finished()));
    Effect::new(move |prev: Option<bool>| {
        let now = finished.get();
        if now && prev == Some(false) {
            on_finished.run(());
        }
        now
    });
    let rate_now = move || samples.with_value(|s| rate(s));
    view! {
        <section class="card progress-card" aria-labelledby="progress-h" data-testid="import-progress" data-import=id.to_string()>
            <h2 id="progress-h">{move || import.with(|i| format!("Import of {}", i.file_name))}</h2>
            {move || {
                let i = import.get();
                let text = progress_text(&i, rate_now(), elapsed_ms(&i));
                // Without a total yet, the bar has no value: the browser shows it as busy.
                let max = i.total_rows.unwrap_or(1).max(1);
                let value = i.total_rows.map(|_| i.processed.min(max));
                view! {
                    <progress max=max value=value aria-labelledby="progress-text"></progress>
                    <p id="progress-text" role="status" data-testid="progress-text" data-percent=percent(i.processed, i.total_rows)>
                        {text}
                    </p>
                    <p class="status-line">
                        <span class=format!("badge import-{}", i.status) data-testid="import-status">
                            {format::label(i.status.as_str())}
                        </span>
                    </p>
                }
            }}
            <Show when=move || finished.get()>
                <Outcome import=import.get_untracked() />
            </Show>
        </section>
    }
}
