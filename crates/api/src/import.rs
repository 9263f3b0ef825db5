//! `debtflow import FILE --agency NAME [--mapping NAME] [--force]`: the import pipeline
//! from the command line, with a progress bar (rows/s, ETA) on a terminal and one JSON
//! line per committed batch otherwise.

use debtflow_api::{
    audit::Actor,
    db::{self, Scope},
    imports::{Importer, LocalFile, RunError},
    store::{self, imports::ImportRow},
};
use debtflow_domain::import::ImportSource;
use indicatif::{ProgressBar, ProgressStyle};
use std::{io::IsTerminal, path::Path, time::Instant};

pub async fn run(
    importer: &Importer,
    path: &Path,
    agency: &str,
    mapping: Option<&str>,
    force: bool,
) -> Result<u8, Box<dyn std::error::Error>> {
    let mut tx = db::begin(&importer.db, Scope::Platform).await?;
    let agency =
        store::agencies::by_name(&mut tx, agency).await?.ok_or_else(|| format!("no agency named `{agency}`"))?;
    tx.commit().await?;
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).ok_or("FILE must name a file")?;
    let actor = Actor { user_id: None, role: None, agency_id: Some(agency.id), context: Default::default() };
    let file = LocalFile { path, name: &name, source: ImportSource::Cli, mapping, force };
    let started = Instant::now();
    let bar = std::io::stderr().is_terminal().then(|| {
        let bar = ProgressBar::new(0);
        bar.set_style(
            ProgressStyle::with_template("{spinner} {msg} [{bar:40}] {pos}/{len} rows, {per_sec}, ETA {eta}")
                .unwrap_or_else(|_| ProgressStyle::default_bar()),
        );
        bar.set_message(name.clone());
        bar
    });
    let mut report = |import: &ImportRow| match &bar {
        Some(bar) => {
            bar.set_length(import.total_rows.unwrap_or(0).unsigned_abs());
            bar.set_position(import.processed.unsigned_abs());
        }
        None => println!("{}", line(import, started)),
    };
    let done = match importer.import_file(&actor, file, &mut report).await {
        Ok(done) => done,
        Err(RunError::Busy) => return Err("another process is running this import; wait for it".into()),
        Err(e) => return Err(e.into()),
    };
    if let Some(bar) = bar {
        bar.finish_and_clear();
        println!("{}", line(&done, started));
    }
    if let Some(error) = &done.error {
        eprintln!("debtflow import: {}: {error}", done.file_name);
    }
    Ok(done.status.exit_code())
}

fn line(import: &ImportRow, started: Instant) -> serde_json::Value {
    let secs = started.elapsed().as_secs_f64();
    serde_json::json!({
        "import_id": import.id,
        "status": import.status,
        "total_rows": import.total_rows,
        "processed": import.processed,
        "created": import.created,
        "updated": import.updated,
        "skipped": import.skipped,
        "failed": import.failed,
        "rows_per_sec": if secs > 0.0 { (import.processed as f64 / secs).round() } else { 0.0 },
        "error": import.error,
    })
}
