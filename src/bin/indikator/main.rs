//! The `indikator` binary: parses the command line (`cli`, the only place
//! clap appears) into the library's plain settings and hands over.

mod allocator;
mod cli;

use clap::Parser;
use cli::{BatchArgs, Cli, Command, CompareArgs, HealthArgs, ServeArgs};
use indikator::server::telemetry::{LogFormat, LogSettings};
use indikator::server::{self, telemetry};

#[tokio::main]
async fn main() -> std::process::ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        None => serve(cli.serve).await,
        Some(Command::Serve(args)) => serve(args).await,
        Some(Command::Batch(args)) => batch(&args).await,
        Some(Command::Compare(args)) => compare(&args).await,
        Some(Command::Health(args)) => return health(&args).await,
    };
    match result {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("indikator: {e}");
            std::process::ExitCode::FAILURE
        }
    }
}

async fn serve(args: ServeArgs) -> Result<(), Box<dyn std::error::Error + Send + Sync>> {
    let telemetry = telemetry::init(&(&args.log).into())?;
    allocator::bound_for_server();
    let settings = cli::server_settings(&args)?;
    let listener = tokio::net::TcpListener::bind(args.listen)
        .await
        .map_err(|e| format!("cannot listen on {}: {e}", args.listen))?;
    let served = server::run(listener, settings, server::shutdown_signal()).await;
    telemetry.shutdown().await;
    served?;
    Ok(())
}

async fn health(args: &HealthArgs) -> std::process::ExitCode {
    match indikator::client::health::check(&args.into()).await {
        Ok(status) => {
            println!("{status}");
            if status == "SERVING" { std::process::ExitCode::SUCCESS } else { std::process::ExitCode::FAILURE }
        }
        Err(e) => {
            eprintln!("indikator health: {e}");
            std::process::ExitCode::FAILURE
        }
    }
}

/// `1 record`, `2 records`.
fn plural(n: u64, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

async fn batch(args: &BatchArgs) -> Result<(), Box<dyn std::error::Error + Send + Sync>> {
    // Warnings only on stderr (`INDIKATOR_LOG` to change it); the run's spans
    // are exported when OTLP export is configured.
    let log = LogSettings {
        format: LogFormat::Text,
        filter: std::env::var("INDIKATOR_LOG").ok().filter(|v| !v.trim().is_empty()).unwrap_or_else(|| "warn".into()),
    };
    let telemetry = telemetry::init(&log)?;
    let outcome = indikator::client::batch::run(&cli::batch_job(args)?).await;
    telemetry.shutdown().await;
    let outcome = outcome?;
    let accounting = outcome.summary.accounting.unwrap_or_default();
    eprintln!(
        "{}: {} scored, {} rejected; {}",
        plural(accounting.received, "record", "records"),
        accounting.scored,
        accounting.rejected,
        plural(outcome.cards, "score card", "score cards")
    );
    Ok(())
}

async fn compare(args: &CompareArgs) -> Result<(), Box<dyn std::error::Error + Send + Sync>> {
    let log = LogSettings {
        format: LogFormat::Text,
        filter: std::env::var("INDIKATOR_LOG").ok().filter(|v| !v.trim().is_empty()).unwrap_or_else(|| "warn".into()),
    };
    let telemetry = telemetry::init(&log)?;
    let outcome = indikator::client::compare::run(&cli::compare_job(args)?).await;
    telemetry.shutdown().await;
    let outcome = outcome?;
    eprintln!("{}", plural(outcome.highlights.cards, "comparison card", "comparison cards"));
    Ok(())
}
