//! The `indikator` binary: parses the command line (`cli`, the only place
//! clap appears) into the server's and clients' plain settings and hands over.

mod allocator;
mod cli;

use cli::{BatchArgs, Cli, Command, CompareArgs, HealthArgs, ServeArgs};
use indikator_server::telemetry::{LogFormat, LogSettings};
use indikator_server::{self as server, telemetry};

use std::io::Write as _;
use std::process::ExitCode;

use indikator_client::batch::BatchError;
use indikator_client::health::HealthError;

/// Exit statuses (`indikator --help` and docs/batch.md say the same).
mod exit {
    /// A round finished with rejected records (without `--allow-rejected`).
    pub const REJECTED: u8 = 3;
    /// The command line is wrong (clap exits with the same status).
    pub const USAGE: u8 = 2;
}

#[tokio::main]
async fn main() -> ExitCode {
    let cli = Cli::parse_args(std::env::args_os()).unwrap_or_else(|e| e.exit());
    let result = match cli.command {
        Command::Serve(args) => serve(args).await.map(|()| ExitCode::SUCCESS),
        Command::Batch(args) => batch(&args).await,
        Command::Compare(args) => compare(&args).await,
        Command::Health(args) => return health(&args).await,
    };
    match result {
        Ok(code) => code,
        Err(e) => {
            eprintln!("indikator: {e}");
            let usage = match e.downcast_ref::<BatchError>() {
                Some(BatchError::Connect(e)) => e.is_usage(),
                _ => false,
            };
            if usage { ExitCode::from(exit::USAGE) } else { ExitCode::FAILURE }
        }
    }
}

/// 0, or [`exit::REJECTED`] when records were rejected and that is not allowed
/// (the count goes to stderr).
fn rejected_status(rejected: u64, allow_rejected: bool) -> ExitCode {
    if rejected == 0 || allow_rejected {
        return ExitCode::SUCCESS;
    }
    eprintln!(
        "indikator: {} rejected: exit status {} (--allow-rejected makes it 0)",
        plural(rejected, "record", "records"),
        exit::REJECTED
    );
    ExitCode::from(exit::REJECTED)
}

async fn serve(args: ServeArgs) -> Result<(), Box<dyn std::error::Error + Send + Sync>> {
    let telemetry = telemetry::init(&(&args.log).into())?;
    allocator::bound_for_server();
    let settings = cli::server_settings(&args)?;
    let listener = tokio::net::TcpListener::bind((args.listen.host.as_str(), args.listen.port))
        .await
        .map_err(|e| format!("cannot listen on {}: {e}", args.listen))?;
    let served = server::run(listener, settings, server::shutdown_signal()).await;
    telemetry.shutdown().await;
    served?;
    Ok(())
}

async fn health(args: &HealthArgs) -> ExitCode {
    match indikator_client::health::check(&args.into()).await {
        Ok(status) => {
            // A closed stdout is no reason to fail a probe.
            let _ = writeln!(std::io::stdout(), "{status}");
            if status == "SERVING" { ExitCode::SUCCESS } else { ExitCode::FAILURE }
        }
        Err(e) => {
            eprintln!("indikator health: {e}");
            match e {
                HealthError::Connect(e) if e.is_usage() => ExitCode::from(exit::USAGE),
                _ => ExitCode::FAILURE,
            }
        }
    }
}

/// `1 record`, `2 records`.
fn plural(n: u64, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

async fn batch(args: &BatchArgs) -> Result<ExitCode, Box<dyn std::error::Error + Send + Sync>> {
    // Warnings only on stderr (`INDIKATOR_LOG` to change it); the run's spans
    // are exported when OTLP export is configured.
    let log = LogSettings {
        format: LogFormat::Text,
        filter: std::env::var("INDIKATOR_LOG").ok().filter(|v| !v.trim().is_empty()).unwrap_or_else(|| "warn".into()),
    };
    let telemetry = telemetry::init(&log)?;
    let outcome = indikator_client::batch::run(&cli::batch_job(args)?).await;
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
    Ok(rejected_status(accounting.rejected, args.run.allow_rejected))
}

async fn compare(args: &CompareArgs) -> Result<ExitCode, Box<dyn std::error::Error + Send + Sync>> {
    let log = LogSettings {
        format: LogFormat::Text,
        filter: std::env::var("INDIKATOR_LOG").ok().filter(|v| !v.trim().is_empty()).unwrap_or_else(|| "warn".into()),
    };
    let telemetry = telemetry::init(&log)?;
    let outcome = indikator_client::compare::run(&cli::compare_job(args)?).await;
    telemetry.shutdown().await;
    let outcome = outcome?;
    eprintln!("{}", plural(outcome.highlights.cards, "comparison card", "comparison cards"));
    let side = |side: &Option<indikator_app::proto::v1::RoundSide>| side.as_ref().map_or(0, |s| s.rejected);
    let rejected = side(&outcome.summary.baseline) + side(&outcome.summary.current);
    Ok(rejected_status(rejected, args.run.allow_rejected))
}
