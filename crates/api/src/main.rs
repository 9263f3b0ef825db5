//! `debtflow`: serve the API, migrate the database, seed demo data, run the daily jobs,
//! import a placement file, print the spec.
//!
//! Exit codes: 0 success (a job skipped for its lock or its date counts), 1 failure,
//! 2 a job run that partly failed (the records that worked are committed), 78 bad
//! configuration (EX_CONFIG) — one line on stderr naming the variable.

use chrono::NaiveDate;
use clap::{Parser, Subcommand};
use debtflow_api::{
    clock::Clock,
    config::Config,
    db,
    imports::Importer,
    jobs::{self, Job, JobContext, RunRequest},
    openapi, seed,
    services::staff::{self, Credential},
    startup::Application,
    telemetry,
};
use std::process::ExitCode;

mod import;

#[derive(Parser)]
#[command(name = "debtflow", version, about = "DebtFlow debt-collection platform")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Apply pending migrations, then serve the API and the SPA until SIGINT/SIGTERM.
    Serve,
    /// Apply pending migrations and exit.
    Migrate,
    /// Create the demo agencies and users, place their accounts, bring the demo to life (idempotent).
    SeedDemo,
    /// Print the OpenAPI document (JSON) on stdout.
    Openapi,
    /// Add a platform admin (the first one of a fresh install, who then opens agencies
    /// with `POST /agencies`). Prints their temporary password once on stdout; they
    /// choose their own at first sign-in.
    CreateAdmin {
        /// 2-63 lower-case letters, digits, '.', '_' or '-'.
        username: String,
        #[arg(long)]
        full_name: String,
        #[arg(long)]
        email: Option<String>,
    },
    /// The daily jobs.
    #[command(subcommand)]
    Job(JobCommand),
    /// Import a placement CSV for an agency, through the same pipeline as uploads.
    /// A progress bar on a terminal, JSON lines otherwise. Exit 0 completed, 2 completed
    /// with row errors, 1 failed. Run again after an interruption to resume.
    Import {
        /// The CSV file.
        file: std::path::PathBuf,
        /// The agency's name.
        #[arg(long)]
        agency: String,
        /// The agency's column mapping to read the header with.
        #[arg(long)]
        mapping: Option<String>,
        /// Import even if the agency imported this very file before.
        #[arg(long)]
        force: bool,
    },
}

#[derive(Subcommand)]
enum JobCommand {
    /// Run a job for every agency (one JSON line per run on stdout).
    Run {
        /// dpd_aging, installment_reminders, overdue_default_scan, promise_evaluation,
        /// stale_account_escalation, data_quality, idempotency_purge or maintenance.
        name: Job,
        /// The business date to run for (default: each agency's today).
        #[arg(long, value_name = "YYYY-MM-DD")]
        as_of_date: Option<NaiveDate>,
        /// Run even if the date already has a successful run.
        #[arg(long)]
        force: bool,
    },
    /// List the jobs and their schedule.
    List,
}

const EX_CONFIG: u8 = 78;

fn main() -> ExitCode {
    debtflow_api::memory::return_large_blocks_to_the_system();
    let cli = Cli::parse();
    if let Command::Openapi = cli.command {
        println!("{}", openapi::json());
        return ExitCode::SUCCESS;
    }
    if let Command::Job(JobCommand::List) = cli.command {
        for job in Job::ALL {
            let (weekday, at) = job.schedule();
            let when = weekday.map_or_else(|| format!("daily {at}"), |d| format!("{d} {at}"));
            println!("{:<26} {:<16} {}", job.name(), when, job.description());
        }
        return ExitCode::SUCCESS;
    }
    let config = match Config::from_env() {
        Ok(config) => config,
        Err(err) => {
            eprintln!("{err}");
            return ExitCode::from(EX_CONFIG);
        }
    };
    telemetry::init();
    let runtime = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(runtime) => runtime,
        Err(err) => {
            tracing::error!(error = %err, "could not start the async runtime");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run(cli.command, config)) {
        Ok(code) => ExitCode::from(code),
        Err(err) => {
            tracing::error!(error = %err, "debtflow failed");
            eprintln!("debtflow: {err}");
            ExitCode::FAILURE
        }
    }
}

async fn run(command: Command, config: Config) -> Result<u8, Box<dyn std::error::Error>> {
    let pool =
        db::pool(config.database_url.expose(), config.database_max_connections, config.database_statement_timeout_ms)?;
    let ctx = JobContext::of(&config, Clock::system());
    match command {
        Command::Serve => {
            db::migrate(&pool).await?;
            if config.job_scheduler {
                jobs::scheduler::spawn(pool.clone(), ctx);
                tracing::info!("job scheduler on");
            }
            let app = Application::build(&config, pool.clone())?;
            tracing::info!(addr = %config.bind_addr, port = app.port(), "serving");
            app.end_streams_on_signal()?;
            app.run_until_stopped().await?;
            pool.close().await;
        }
        Command::Migrate => {
            db::migrate(&pool).await?;
            tracing::info!("migrations applied");
        }
        Command::SeedDemo => {
            let report = seed::seed_living_demo(&pool, &config, Clock::system().now()).await?;
            tracing::info!(
                users_created = report.users_created,
                accounts_placed = report.accounts_placed,
                accounts_assigned = report.accounts_assigned,
                payments_recorded = report.payments_recorded,
                plans_proposed = report.plans_proposed,
                "demo data seeded"
            );
        }
        Command::CreateAdmin { username, full_name, email } => {
            db::migrate(&pool).await?;
            let (credential, password) = Credential::temporary().await?;
            let mut tx = db::begin(&pool, db::Scope::Platform).await?;
            let admin =
                staff::create_platform_admin(&mut tx, &username, &full_name, email.as_deref(), &credential).await?;
            tx.commit().await?;
            tracing::info!(user_id = %admin.id, username = %admin.username, "platform admin created");
            println!("{password}");
        }
        Command::Job(JobCommand::Run { name, as_of_date, force }) => {
            let request = RunRequest { agency_id: None, as_of: as_of_date, force };
            let reports = jobs::run(&pool, &ctx, name, request).await?;
            for report in &reports {
                println!("{}", report.json_line());
            }
            return Ok(jobs::exit_code(&reports) as u8);
        }
        Command::Import { file, agency, mapping, force } => {
            let importer = Importer::new(&config, pool.clone(), Clock::system())?;
            return import::run(&importer, &file, &agency, mapping.as_deref(), force).await;
        }
        Command::Openapi | Command::Job(JobCommand::List) => unreachable!("handled before configuration is read"),
    }
    Ok(0)
}
