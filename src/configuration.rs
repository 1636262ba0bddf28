//! Command-line flags and environment variables. Every flag has an
//! `INDIKATOR_*` environment variable; flags win.

use std::{net::SocketAddr, path::PathBuf, time::Duration};

use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::api::round::RoundLimits;
use crate::batch::{BatchJob, InputFormat};
use crate::catalogue::Catalogues;
use crate::middleware::CallLimits;
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
    /// Check a server's gRPC health; exits 0 when SERVING (for probes).
    Health(HealthArgs),
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
    /// Largest decoded request (and encoded response) message, in bytes.
    #[arg(long, env = "INDIKATOR_MAX_MESSAGE_BYTES", default_value_t = 4 * 1024 * 1024)]
    pub max_message_bytes: usize,
    /// Calls (streams included) in flight across all connections; the excess
    /// gets RESOURCE_EXHAUSTED at once. Health checks are not counted.
    #[arg(long, env = "INDIKATOR_MAX_CONCURRENT_REQUESTS", default_value_t = 1024)]
    pub max_concurrent_requests: usize,
    /// HTTP/2 keepalive ping interval (0 = off).
    #[arg(long, env = "INDIKATOR_KEEPALIVE_INTERVAL", default_value = "30s", value_parser = parse_duration)]
    pub keepalive_interval: Duration,
    /// How long to wait for a keepalive ping's answer before closing the connection.
    #[arg(long, env = "INDIKATOR_KEEPALIVE_TIMEOUT", default_value = "20s", value_parser = parse_duration)]
    pub keepalive_timeout: Duration,
    /// Connections are closed gracefully (GOAWAY) after this age, so clients
    /// rebalance and a drain never waits on a long-lived connection.
    #[arg(long, env = "INDIKATOR_MAX_CONNECTION_AGE", default_value = "5m", value_parser = parse_duration)]
    pub max_connection_age: Duration,
    /// A new connection must send its first bytes (HTTP/2 preface or TLS hello)
    /// within this long, or it is closed.
    #[arg(long, env = "INDIKATOR_HANDSHAKE_TIMEOUT", default_value = "10s", value_parser = parse_duration)]
    pub handshake_timeout: Duration,
    #[command(flatten)]
    pub tls: TlsArgs,
    /// A directory of catalogue TOML files (format: `catalogues/*.toml`); one
    /// whose id is `ks-2018` or `riksrevisjonen-2015` replaces the shipped one.
    /// A broken catalogue stops the server with an error naming file, entry and problem.
    #[arg(long, env = "INDIKATOR_CATALOGUE_DIR")]
    pub catalogue_dir: Option<PathBuf>,
}

/// TLS: a certificate and key turn TLS on; a client CA also requires clients
/// to present a certificate it signed (mutual TLS).
#[derive(Debug, Clone, Args)]
pub struct TlsArgs {
    /// PEM certificate chain of the server.
    #[arg(long, env = "INDIKATOR_TLS_CERT", requires = "tls_key")]
    pub tls_cert: Option<PathBuf>,
    /// PEM private key of the server.
    #[arg(long, env = "INDIKATOR_TLS_KEY", requires = "tls_cert")]
    pub tls_key: Option<PathBuf>,
    /// PEM CA bundle; clients must present a certificate it signed.
    #[arg(long, env = "INDIKATOR_TLS_CLIENT_CA", requires = "tls_cert")]
    pub tls_client_ca: Option<PathBuf>,
}

impl TlsArgs {
    /// Reads the files; `None` when TLS is off.
    pub fn load(&self) -> Result<Option<TlsSettings>, String> {
        let read = |p: &PathBuf| std::fs::read(p).map_err(|e| format!("{}: {e}", p.display()));
        match (&self.tls_cert, &self.tls_key) {
            (Some(cert), Some(key)) => Ok(Some(TlsSettings {
                cert_pem: read(cert)?,
                key_pem: read(key)?,
                client_ca_pem: self.tls_client_ca.as_ref().map(read).transpose()?,
            })),
            _ => Ok(None),
        }
    }
}

/// PEM material for TLS.
#[derive(Clone)]
pub struct TlsSettings {
    pub cert_pem: Vec<u8>,
    pub key_pem: Vec<u8>,
    /// With a client CA, clients must authenticate (mTLS).
    pub client_ca_pem: Option<Vec<u8>>,
}

impl std::fmt::Debug for TlsSettings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TlsSettings").field("mutual", &self.client_ca_pem.is_some()).finish_non_exhaustive()
    }
}

#[derive(Debug, Clone, Args)]
pub struct HealthArgs {
    /// Server to check.
    #[arg(long, env = "INDIKATOR_HEALTH_SERVER", default_value = "http://127.0.0.1:50051")]
    pub server: String,
    /// Service to check; empty for the whole server.
    #[arg(long, default_value = "")]
    pub service: String,
    /// Give up after this long.
    #[arg(long, default_value = "3s", value_parser = parse_duration)]
    pub timeout: Duration,
    /// PEM CA to trust for an `https://` server.
    #[arg(long, env = "INDIKATOR_HEALTH_CA")]
    pub ca: Option<PathBuf>,
    /// PEM client certificate, for a server that requires mutual TLS.
    #[arg(long, env = "INDIKATOR_HEALTH_CERT", requires = "key")]
    pub cert: Option<PathBuf>,
    /// PEM private key of the client certificate.
    #[arg(long, env = "INDIKATOR_HEALTH_KEY", requires = "cert")]
    pub key: Option<PathBuf>,
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
    /// Server-wide cap on calls in flight.
    pub call_limits: CallLimits,
    /// Largest decoded request / encoded response message, in bytes.
    pub max_message_bytes: usize,
    /// HTTP/2 keepalive ping interval; `None` = off.
    pub keepalive_interval: Option<Duration>,
    pub keepalive_timeout: Duration,
    /// Connections older than this are closed gracefully.
    pub max_connection_age: Duration,
    /// A new connection must send its handshake within this long.
    pub handshake_timeout: Duration,
    /// `None`: plaintext.
    pub tls: Option<TlsSettings>,
    /// The `ks-2018` and `riksrevisjonen-2015` catalogues (shipped, or the operator's).
    pub catalogues: Catalogues,
}

impl Default for ServerSettings {
    fn default() -> Self {
        Self {
            shutdown_grace: Duration::from_secs(30),
            round_limits: RoundLimits::default(),
            call_limits: CallLimits::default(),
            max_message_bytes: 4 * 1024 * 1024,
            keepalive_interval: Some(Duration::from_secs(30)),
            keepalive_timeout: Duration::from_secs(20),
            max_connection_age: Duration::from_secs(300),
            handshake_timeout: Duration::from_secs(10),
            tls: None,
            catalogues: Catalogues::shipped().clone(),
        }
    }
}

impl ServerSettings {
    /// Settings from flags; reads the TLS files.
    pub fn from_args(args: &ServeArgs) -> Result<Self, String> {
        Ok(Self {
            shutdown_grace: args.shutdown_grace,
            round_limits: RoundLimits { max_records: args.max_round_records },
            call_limits: CallLimits { max_concurrent_calls: args.max_concurrent_requests.max(1) },
            max_message_bytes: args.max_message_bytes,
            keepalive_interval: (!args.keepalive_interval.is_zero()).then_some(args.keepalive_interval),
            keepalive_timeout: args.keepalive_timeout,
            max_connection_age: args.max_connection_age,
            handshake_timeout: args.handshake_timeout,
            tls: args.tls.load()?,
            catalogues: Catalogues::load(args.catalogue_dir.as_deref()).map_err(|e| e.to_string())?,
        })
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
