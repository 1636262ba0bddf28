//! The `indikator` binary: parses configuration and hands over to the library.

use clap::Parser;
use indikator::configuration::{BatchArgs, Cli, Command, HealthArgs, LogArgs, LogFormat, ServeArgs, ServerSettings};
use indikator::{startup, telemetry};

#[tokio::main]
async fn main() -> std::process::ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        None => serve(cli.serve).await,
        Some(Command::Serve(args)) => serve(args).await,
        Some(Command::Batch(args)) => batch(&args).await,
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
    let telemetry = telemetry::init(&args.log)?;
    let settings = ServerSettings::from_args(&args)?;
    let listener = tokio::net::TcpListener::bind(args.listen)
        .await
        .map_err(|e| format!("cannot listen on {}: {e}", args.listen))?;
    let served = startup::run(listener, settings, startup::shutdown_signal()).await;
    telemetry.shutdown().await;
    served?;
    Ok(())
}

async fn health(args: &HealthArgs) -> std::process::ExitCode {
    match indikator::health::check(args).await {
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

async fn batch(args: &BatchArgs) -> Result<(), Box<dyn std::error::Error + Send + Sync>> {
    // Warnings only on stderr (`INDIKATOR_LOG` to change it); the run's spans
    // are exported when OTLP export is configured.
    let log = LogArgs {
        log_format: LogFormat::Text,
        log_level: std::env::var("INDIKATOR_LOG")
            .ok()
            .filter(|v| !v.trim().is_empty())
            .unwrap_or_else(|| "warn".into()),
    };
    let telemetry = telemetry::init(&log)?;
    let outcome = indikator::batch::run(&args.into()).await;
    telemetry.shutdown().await;
    let outcome = outcome?;
    let accounting = outcome.summary.accounting.unwrap_or_default();
    eprintln!(
        "{} records: {} scored, {} rejected; {} score cards",
        accounting.received, accounting.scored, accounting.rejected, outcome.cards
    );
    Ok(())
}
