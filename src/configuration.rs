//! Command-line flags and environment variables. Every flag has an
//! `INDIKATOR_*` environment variable; flags win.

use std::{net::SocketAddr, path::PathBuf, time::Duration};

use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::api::round::RoundLimits;
use crate::batch::{BatchJob, InputFormat};
use crate::proto::v1 as pb;

/// Norwegian municipal digitalisation indicators over gRPC.
#[derive(Debug, Parser)]
#[command(name = "indikator", version, about, args_conflicts_with_subcommands = true)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
    /// Server settings when no subcommand is given (`indikator` = `indikator serve`).
    #[command(flatten)]
    pub serve: ServeArgs,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the gRPC server (the default).
    Serve(ServeArgs),
    /// Score a round file on a server, or in-process without `--server`.
    Batch(BatchArgs),
}

#[derive(Debug, Clone, Args)]
pub struct BatchArgs {
    /// The round file: JSON Lines (`ScoreRoundRequest` per line) or CSV.
    pub input: PathBuf,
    /// Input format; by default `.csv` files are CSV and others JSON Lines.
    #[arg(long, value_enum)]
    pub format: Option<InputFormat>,
    /// Server to score on, e.g. `http://localhost:50051`; in-process without it.
    #[arg(long, env = "INDIKATOR_SERVER")]
    pub server: Option<String>,
    /// Write the full report (score cards and summary) as JSON here.
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// Round id (replaces the file's; default: the file name without extension).
    #[arg(long)]
    pub round_id: Option<String>,
    /// Survey year (replaces the file's; default: the first record's).
    #[arg(long)]
    pub survey_year: Option<u32>,
    /// Calibration (replaces the file's; default: published).
    #[arg(long, value_enum)]
    pub calibration: Option<CalibrationArg>,
    /// In-process only: most records a round may carry.
    #[arg(long, default_value_t = 10_000_000)]
    pub max_round_records: u64,
    /// Do not print the summary tables.
    #[arg(long)]
    pub quiet: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum CalibrationArg {
    Published,
    Relative,
}

impl From<&BatchArgs> for BatchJob {
    fn from(a: &BatchArgs) -> Self {
        BatchJob {
            input: a.input.clone(),
            format: a.format,
            server: a.server.clone(),
            out: a.out.clone(),
            round_id: a.round_id.clone(),
            survey_year: a.survey_year,
            calibration: a.calibration.map(|c| match c {
                CalibrationArg::Published => pb::Calibration::Published,
                CalibrationArg::Relative => pb::Calibration::Relative,
            }),
            max_records: a.max_round_records,
            print: !a.quiet,
        }
    }
}

#[derive(Debug, Clone, Args)]
pub struct ServeArgs {
    /// Address to listen on.
    #[arg(long, env = "INDIKATOR_LISTEN", default_value = "0.0.0.0:50051")]
    pub listen: SocketAddr,
    #[command(flatten)]
    pub log: LogArgs,
    /// Most records (scored + rejected) one ScoreRound may carry.
    #[arg(long, env = "INDIKATOR_MAX_ROUND_RECORDS", default_value_t = 1_000_000)]
    pub max_round_records: u64,
    /// Longest wait for in-flight calls after SIGINT/SIGTERM before exiting.
    #[arg(long, env = "INDIKATOR_SHUTDOWN_GRACE", default_value = "30s", value_parser = parse_duration)]
    pub shutdown_grace: Duration,
}

#[derive(Debug, Clone, Args)]
pub struct LogArgs {
    /// Log format.
    #[arg(long, env = "INDIKATOR_LOG_FORMAT", value_enum, default_value_t = LogFormat::Text)]
    pub log_format: LogFormat,
    /// Log filter (`tracing` EnvFilter syntax, e.g. `info` or `indikator=debug`).
    /// h2, hyper and tower stay at `warn` unless named here.
    #[arg(long, env = "INDIKATOR_LOG", default_value = "info")]
    pub log_level: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum LogFormat {
    /// Human-readable lines.
    Text,
    /// One JSON object per line.
    Json,
}

/// Settings the server needs, independent of how they were given.
#[derive(Debug, Clone)]
pub struct ServerSettings {
    /// Longest wait for in-flight calls once shutdown starts.
    pub shutdown_grace: Duration,
    /// Bounds on one ScoreRound.
    pub round_limits: RoundLimits,
}

impl Default for ServerSettings {
    fn default() -> Self {
        Self { shutdown_grace: Duration::from_secs(30), round_limits: RoundLimits::default() }
    }
}

impl From<&ServeArgs> for ServerSettings {
    fn from(args: &ServeArgs) -> Self {
        Self { shutdown_grace: args.shutdown_grace, round_limits: RoundLimits { max_records: args.max_round_records } }
    }
}

/// Parses `250ms`, `30s`, `5m` or a bare number of seconds.
pub fn parse_duration(raw: &str) -> Result<Duration, String> {
    let raw = raw.trim();
    let split = raw.find(|c: char| !c.is_ascii_digit()).unwrap_or(raw.len());
    let (number, unit) = raw.split_at(split);
    let n: u64 = number.parse().map_err(|_| format!("{raw:?} is not a duration like 30s, 250ms or 5m"))?;
    match unit.trim() {
        "" | "s" => Ok(Duration::from_secs(n)),
        "ms" => Ok(Duration::from_millis(n)),
        "m" => Ok(Duration::from_secs(n * 60)),
        "h" => Ok(Duration::from_secs(n * 3600)),
        other => Err(format!("unknown duration unit {other:?} (use ms, s, m or h)")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_parse_with_units() {
        assert_eq!(parse_duration("250ms"), Ok(Duration::from_millis(250)));
        assert_eq!(parse_duration("30s"), Ok(Duration::from_secs(30)));
        assert_eq!(parse_duration("30"), Ok(Duration::from_secs(30)));
        assert_eq!(parse_duration("2m"), Ok(Duration::from_secs(120)));
        assert!(parse_duration("soon").is_err());
        assert!(parse_duration("3d").is_err());
    }

    #[test]
    fn no_subcommand_means_serve_with_defaults() {
        let cli = Cli::try_parse_from(["indikator"]).unwrap();
        assert!(cli.command.is_none());
        assert_eq!(cli.serve.listen.port(), 50051);
        let cli = Cli::try_parse_from(["indikator", "serve", "--listen", "127.0.0.1:0"]).unwrap();
        assert!(matches!(cli.command, Some(Command::Serve(ref a)) if a.listen.port() == 0));
    }

    #[test]
    fn the_cli_definition_is_consistent() {
        use clap::CommandFactory;
        Cli::command().debug_assert();
    }
}
