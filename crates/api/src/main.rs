//! `debtflow`: serve the API, migrate the database, seed demo data, print the spec.
//!
//! Exit codes: 0 success, 1 failure, 78 bad configuration (EX_CONFIG) — one line on
//! stderr naming the variable.

use clap::{Parser, Subcommand};
use debtflow_api::{config::Config, db, openapi, seed, startup::Application, telemetry};
use std::process::ExitCode;

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
    /// Create the demo agencies and users (idempotent).
    SeedDemo,
    /// Print the OpenAPI document (JSON) on stdout.
    Openapi,
}

const EX_CONFIG: u8 = 78;

fn main() -> ExitCode {
    let cli = Cli::parse();
    if let Command::Openapi = cli.command {
        println!("{}", openapi::json());
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
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            tracing::error!(error = %err, "debtflow failed");
            eprintln!("debtflow: {err}");
            ExitCode::FAILURE
        }
    }
}

async fn run(command: Command, config: Config) -> Result<(), Box<dyn std::error::Error>> {
    let pool = db::pool(&config)?;
    match command {
        Command::Serve => {
            db::migrate(&pool).await?;
            let app = Application::build(&config, pool.clone())?;
            tracing::info!(addr = %config.bind_addr, port = app.port(), "serving");
            app.run_until_stopped().await?;
            pool.close().await;
        }
        Command::Migrate => {
            db::migrate(&pool).await?;
            tracing::info!("migrations applied");
        }
        Command::SeedDemo => {
            let report = seed::seed_demo(&pool).await?;
            tracing::info!(users_created = report.users_created, "demo data seeded");
        }
        Command::Openapi => unreachable!("handled before configuration is read"),
    }
    Ok(())
}
