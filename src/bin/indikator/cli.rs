//! The binary's command line: flags, their `INDIKATOR_*` environment
//! variables (flags win) and subcommands, turned into the library's plain
//! settings. The only place clap appears.

use std::{net::SocketAddr, path::PathBuf, time::Duration};

use clap::{Args, Parser, Subcommand, ValueEnum};

use indikator_app::proto::v1 as pb;
use indikator_client::batch::{BatchJob, InputFormat};
use indikator_client::compare::CompareJob;
use indikator_client::connect::ClientTls;
use indikator_client::health::HealthProbe;
use indikator_core::catalogue::{CatalogueError, Catalogues};
use indikator_core::round::RoundLimits;
use indikator_server::CallLimits;
use indikator_server::settings::{
    AllowedCertificate, AuthSettings, BearerSettings, JwksSource, ServerSettings, SigningAlgorithm, TlsSettings,
    defaults,
};
use indikator_server::telemetry::{LogFormat, LogSettings};

/// Why the command line could not be turned into settings.
#[derive(Debug, thiserror::Error)]
pub enum CliError {
    #[error("{}: {source}", path.display())]
    Read { path: PathBuf, source: std::io::Error },
    #[error(transparent)]
    Catalogue(#[from] CatalogueError),
    #[error("--auth-scope {0:?}: expected METHOD=SCOPE (an empty SCOPE opens the method)")]
    Scope(String),
    #[error("--auth-client-cert {0}")]
    ClientCert(String),
}

/// `--listen`: HOST:PORT, the host an IP address or a name resolved when the
/// server binds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Listen {
    pub host: String,
    pub port: u16,
}

impl std::fmt::Display for Listen {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.host.contains(':') {
            write!(f, "[{}]:{}", self.host, self.port)
        } else {
            write!(f, "{}:{}", self.host, self.port)
        }
    }
}

impl std::str::FromStr for Listen {
    type Err = String;

    fn from_str(raw: &str) -> Result<Self, Self::Err> {
        if let Ok(address) = raw.parse::<SocketAddr>() {
            return Ok(Listen { host: address.ip().to_string(), port: address.port() });
        }
        let expected = "expected HOST:PORT, e.g. 0.0.0.0:50051, localhost:50051 or [::]:50051";
        let (host, port) = raw.rsplit_once(':').ok_or_else(|| format!("{raw:?} has no port: {expected}"))?;
        let port = port.parse().map_err(|_| format!("{raw:?}: {port:?} is not a port number: {expected}"))?;
        let valid = |c: char| c.is_ascii_alphanumeric() || c == '-' || c == '.';
        if host.is_empty() || !host.chars().all(valid) {
            return Err(format!("{raw:?}: {host:?} is neither an IP address nor a host name: {expected}"));
        }
        Ok(Listen { host: host.to_owned(), port })
    }
}

/// A duration flag: `250ms`, `30s`, `5m`, `1h` or a bare number of seconds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Wait(pub Duration);

impl std::fmt::Display for Wait {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let (secs, millis) = (self.0.as_secs(), self.0.subsec_millis());
        match (millis, secs) {
            (0, s) if s > 0 && s % 3600 == 0 => write!(f, "{}h", s / 3600),
            (0, s) if s >= 120 && s % 60 == 0 => write!(f, "{}m", s / 60),
            (0, s) => write!(f, "{s}s"),
            (_, _) => write!(f, "{}ms", self.0.as_millis()),
        }
    }
}

impl std::str::FromStr for Wait {
    type Err = String;

    fn from_str(raw: &str) -> Result<Self, Self::Err> {
        parse_duration(raw).map(Wait)
    }
}

/// The exit statuses of `batch` and `compare`.
const ROUND_EXIT_STATUS: &str = "Exit status:
  0  every record was scored
  3  the run finished but some records were rejected: the reports are written and the
     count is on stderr (--allow-rejected makes this 0)
  2  a wrong command line (an unknown flag, a --server URL without http:// or https://)
  1  any other failure (an unreadable line, an unreachable server, a refused round)
A closed stdout (`indikator batch … | head`) ends the printing quietly; the status is
the same as without it.";

/// Norwegian municipal digitalisation indicators over gRPC.
#[derive(Debug, Parser)]
#[command(
    name = "indikator",
    version,
    about,
    after_help = "`indikator` alone, or followed by server flags only, is `indikator serve`: \
                  `indikator serve --help` lists the server's flags and their INDIKATOR_* variables."
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

impl Cli {
    /// Parses the command line; `indikator` alone, or with flags before any
    /// command (other than help and version), is `indikator serve …`.
    pub fn parse_args<I, T>(args: I) -> Result<Self, clap::Error>
    where
        I: IntoIterator<Item = T>,
        T: Into<std::ffi::OsString> + Clone,
    {
        let mut args: Vec<std::ffi::OsString> = args.into_iter().map(Into::into).collect();
        let serves = match args.get(1).and_then(|a| a.to_str()) {
            None => true,
            Some("-h" | "--help" | "-V" | "--version") => false,
            Some(first) => first.starts_with('-'),
        };
        if serves {
            args.insert(1.min(args.len()), "serve".into());
        }
        Self::try_parse_from(args)
    }
}

// Parsed once at start; boxing the serve flags would buy nothing.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the gRPC server (the default).
    Serve(ServeArgs),
    /// Score a round file on a server, or in-process without `--server`.
    #[command(after_help = ROUND_EXIT_STATUS)]
    Batch(BatchArgs),
    /// Compare two round files respondent by respondent (docs/method.md §7),
    /// on a server or in-process without `--server`.
    #[command(after_help = ROUND_EXIT_STATUS)]
    Compare(CompareArgs),
    /// Check a server's gRPC health; exits 0 when SERVING (for probes).
    #[command(after_help = "Exit status: 0 SERVING; 1 any other status, or no answer; 2 a wrong command line.")]
    Health(HealthArgs),
}

#[derive(Debug, Clone, Args)]
pub struct BatchArgs {
    /// The round file: JSON Lines (`ScoreRoundRequest` per line), CSV or Parquet.
    pub input: PathBuf,
    /// Input format; by default `.csv` files are CSV, `.parquet` files (and
    /// any file starting as Parquet does) Parquet, and others JSON Lines.
    #[arg(long, value_enum)]
    pub format: Option<InputFormatArg>,
    /// Server to score on, e.g. `http://localhost:50051`; in-process without it.
    #[arg(long, env = "INDIKATOR_SERVER")]
    pub server: Option<String>,
    /// Write the full report (score cards and summary) as JSON here.
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// Write one CSV row per scored respondent here (scores, counts, grades,
    /// flags, KS areas, service levels; docs/batch-formats.md).
    #[arg(long, value_name = "FILE")]
    pub csv: Option<PathBuf>,
    /// Write every summary table as a tidy CSV file (group, item, answer, n,
    /// share) into this directory.
    #[arg(long, value_name = "DIR")]
    pub tables_csv: Option<PathBuf>,
    /// Write the `--csv` columns as a Parquet file here, typed (integers,
    /// numbers, booleans for yes/no, strings).
    #[arg(long, value_name = "FILE")]
    pub parquet: Option<PathBuf>,
    /// Write every `--tables-csv` table as DIR/<name>.parquet, typed.
    #[arg(long, value_name = "DIR")]
    pub tables_parquet: Option<PathBuf>,
    /// Write the summary tables (a sheet each, Norwegian labels, shares as
    /// percentages, published figures beside) and the score cards as an
    /// Excel workbook here.
    #[arg(long, value_name = "FILE")]
    pub xlsx: Option<PathBuf>,
    /// Write the round report as one self-contained HTML file here (charts,
    /// county comparison, a score card per respondent).
    #[arg(long, value_name = "FILE")]
    pub html: Option<PathBuf>,
    /// `--html`: groups and items with fewer respondents than this are shown
    /// greyed as «få svar» (few respondents), not as shares.
    #[arg(long, value_name = "N", default_value_t = indikator_app::render::SMALL_GROUP,
          value_parser = clap::value_parser!(u64).range(1..))]
    pub small_group: u64,
    /// CSV input: the field delimiter, one ASCII character (`;`, `tab` for a tab).
    #[arg(long, value_parser = parse_delimiter)]
    pub delimiter: Option<u8>,
    /// Round id (replaces the file's; default: the file name without extension).
    #[arg(long)]
    pub round_id: Option<String>,
    /// Survey year (replaces the file's; default: the first record's).
    #[arg(long)]
    pub survey_year: Option<u32>,
    /// Calibration (replaces the file's; default: published).
    #[arg(long, value_enum)]
    pub calibration: Option<CalibrationArg>,
    /// Ask for code-only score cards (the round header's `codes_only`): the
    /// `--out` report's cards then carry codes, scores, counts and grades but no
    /// label texts (about a third smaller; the labels are in GetMethodology).
    /// `--csv` and `--html` take the labels from the methodology and are the
    /// same as without it; the printed tables and `--tables-csv` come from the
    /// summary, which it does not change.
    #[arg(long)]
    pub codes_only: bool,
    #[command(flatten)]
    pub run: RoundClientArgs,
}

/// What `batch` and `compare` share: in-process limits and catalogues, the
/// printed report, and the token sent to a server.
#[derive(Debug, Clone, Args)]
pub struct RoundClientArgs {
    /// In-process only: most records a round may carry.
    #[arg(long, default_value_t = 10_000_000)]
    pub max_round_records: u64,
    /// In-process only: a directory of catalogue TOML files replacing the
    /// shipped `ks-2018` / `riksrevisjonen-2015` (as `serve --catalogue-dir`).
    #[arg(long)]
    pub catalogue_dir: Option<PathBuf>,
    /// Do not print the summary tables (`batch`) or the comparison (`compare`).
    #[arg(long)]
    pub quiet: bool,
    /// Exit 0 even when records were rejected (by default such a run writes
    /// its reports and exits 3).
    #[arg(long)]
    pub allow_rejected: bool,
    /// With `--server`: a file holding an OAuth2 access token (a JWT) to send
    /// as `authorization: Bearer …`.
    #[arg(long, env = "INDIKATOR_TOKEN_FILE", requires = "server")]
    pub token_file: Option<PathBuf>,
    #[command(flatten)]
    pub tls: ClientTlsArgs,
}

/// How a client reaches an `https://` server (every client has these).
#[derive(Debug, Clone, Args)]
#[command(next_help_heading = "TLS (https:// servers)")]
pub struct ClientTlsArgs {
    /// PEM CA certificate(s) to trust besides the web PKI's roots (built in),
    /// for a server whose certificate a private CA signed.
    #[arg(long, env = "INDIKATOR_CA_CERT", value_name = "FILE", alias = "ca")]
    pub ca_cert: Option<PathBuf>,
    /// PEM client certificate, for a server that requires mutual TLS.
    #[arg(long, env = "INDIKATOR_CLIENT_CERT", value_name = "FILE", alias = "cert", requires = "client_key")]
    pub client_cert: Option<PathBuf>,
    /// PEM private key of the client certificate.
    #[arg(long, env = "INDIKATOR_CLIENT_KEY", value_name = "FILE", alias = "key", requires = "client_cert")]
    pub client_key: Option<PathBuf>,
    /// The name the server's certificate must hold (default: the URL's host),
    /// e.g. when connecting by IP address.
    #[arg(long, env = "INDIKATOR_TLS_SERVER_NAME", value_name = "NAME")]
    pub tls_server_name: Option<String>,
}

impl From<&ClientTlsArgs> for ClientTls {
    fn from(a: &ClientTlsArgs) -> Self {
        ClientTls {
            ca_cert: a.ca_cert.clone(),
            client_cert: a.client_cert.clone(),
            client_key: a.client_key.clone(),
            server_name: a.tls_server_name.clone(),
        }
    }
}

#[derive(Debug, Clone, Args)]
pub struct CompareArgs {
    /// The baseline round file (JSON Lines or CSV, as for `batch`).
    pub baseline: PathBuf,
    /// The current round file.
    pub current: PathBuf,
    /// A correspondence file: `old,new` municipality numbers per line (e.g.
    /// the 2020 reform's mergers); municipalities then match by number.
    #[arg(long, value_name = "FILE")]
    pub correspondence: Option<PathBuf>,
    /// Server to compare on, e.g. `http://localhost:50051`; in-process without it.
    #[arg(long, env = "INDIKATOR_SERVER")]
    pub server: Option<String>,
    /// Write every comparison card and the summary as JSON Lines here.
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
    /// Write the comparison as one self-contained HTML report here.
    #[arg(long, value_name = "FILE")]
    pub html: Option<PathBuf>,
    #[command(flatten)]
    pub run: RoundClientArgs,
}

/// The compare job from its flags; loads the catalogues.
pub fn compare_job(a: &CompareArgs) -> Result<CompareJob, CliError> {
    Ok(CompareJob {
        baseline: a.baseline.clone(),
        current: a.current.clone(),
        correspondence: a.correspondence.clone(),
        server: a.server.clone(),
        out: a.out.clone(),
        max_records: a.run.max_round_records,
        catalogues: Catalogues::load(a.run.catalogue_dir.as_deref())?,
        print: !a.run.quiet,
        token_file: a.run.token_file.clone(),
        tls: (&a.run.tls).into(),
        html: a.html.clone(),
    })
}

/// `--format`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum InputFormatArg {
    /// One `indikator.v1.ScoreRoundRequest` per line (proto3 JSON), header first.
    Jsonl,
    /// A header row, then one respondent per row (see docs/batch-formats.md).
    Csv,
    /// The CSV columns in a Parquet file, one respondent per row.
    Parquet,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum CalibrationArg {
    Published,
    Relative,
}

impl From<&HealthArgs> for HealthProbe {
    fn from(a: &HealthArgs) -> Self {
        HealthProbe {
            server: a.server.clone(),
            service: a.service.clone(),
            timeout: a.timeout,
            tls: (&a.tls).into(),
            token_file: a.token_file.clone(),
        }
    }
}

/// `--delimiter`: one ASCII character, or `tab`.
fn parse_delimiter(s: &str) -> Result<u8, String> {
    match s {
        "tab" | "\\t" | "\t" => Ok(b'\t'),
        _ if s.len() == 1 && s.is_ascii() && s != "\"" && s != "\n" && s != "\r" => Ok(s.as_bytes()[0]),
        _ => Err(format!("{s:?} is not one ASCII character (e.g. `;`, or `tab`)")),
    }
}

/// The batch job from its flags; loads the catalogues.
pub fn batch_job(a: &BatchArgs) -> Result<BatchJob, CliError> {
    {
        Ok(BatchJob {
            input: a.input.clone(),
            format: a.format.map(|f| match f {
                InputFormatArg::Jsonl => InputFormat::Jsonl,
                InputFormatArg::Csv => InputFormat::Csv,
                InputFormatArg::Parquet => InputFormat::Parquet,
            }),
            server: a.server.clone(),
            out: a.out.clone(),
            csv: a.csv.clone(),
            tables_csv: a.tables_csv.clone(),
            parquet: a.parquet.clone(),
            tables_parquet: a.tables_parquet.clone(),
            xlsx: a.xlsx.clone(),
            html: a.html.clone(),
            small_group: a.small_group,
            delimiter: a.delimiter,
            round_id: a.round_id.clone(),
            survey_year: a.survey_year,
            calibration: a.calibration.map(|c| match c {
                CalibrationArg::Published => pb::Calibration::Published,
                CalibrationArg::Relative => pb::Calibration::Relative,
            }),
            codes_only: a.codes_only,
            max_records: a.run.max_round_records,
            catalogues: Catalogues::load(a.run.catalogue_dir.as_deref())?,
            print: !a.run.quiet,
            token_file: a.run.token_file.clone(),
            tls: (&a.run.tls).into(),
        })
    }
}

#[derive(Debug, Clone, Args)]
pub struct ServeArgs {
    /// Address to listen on: HOST:PORT, the host an IP address or a name
    /// (`localhost:50051`, `[::]:50051`).
    #[arg(long, env = "INDIKATOR_LISTEN", default_value = defaults::LISTEN)]
    pub listen: Listen,
    #[command(flatten)]
    pub log: LogArgs,
    /// Most records (scored + rejected) one ScoreRound may carry.
    #[arg(long, env = "INDIKATOR_MAX_ROUND_RECORDS", default_value_t = defaults::MAX_ROUND_RECORDS)]
    pub max_round_records: u64,
    /// Longest wait for in-flight calls after SIGINT/SIGTERM (and the drain
    /// delay) before exiting.
    #[arg(long, env = "INDIKATOR_SHUTDOWN_GRACE", default_value_t = Wait(defaults::SHUTDOWN_GRACE))]
    pub shutdown_grace: Wait,
    /// After SIGINT/SIGTERM, health answers NOT_SERVING and new connections
    /// are still accepted for this long, then accepting stops.
    #[arg(long, env = "INDIKATOR_DRAIN_DELAY", default_value_t = Wait(defaults::DRAIN_DELAY))]
    pub drain_delay: Wait,
    /// Largest decoded request (and encoded response) message, in bytes.
    #[arg(long, env = "INDIKATOR_MAX_MESSAGE_BYTES", default_value_t = defaults::MAX_MESSAGE_BYTES)]
    pub max_message_bytes: usize,
    /// Calls (streams included) in flight across all connections; the excess
    /// gets RESOURCE_EXHAUSTED at once. Health checks are not counted.
    #[arg(long, env = "INDIKATOR_MAX_CONCURRENT_REQUESTS", default_value_t = defaults::MAX_CONCURRENT_REQUESTS)]
    pub max_concurrent_requests: usize,
    /// Streams one connection may have open at once (advertised to clients
    /// as HTTP/2 SETTINGS_MAX_CONCURRENT_STREAMS).
    #[arg(long, env = "INDIKATOR_MAX_STREAMS_PER_CONNECTION", default_value_t = defaults::MAX_STREAMS_PER_CONNECTION)]
    pub max_streams_per_connection: u32,
    /// Connections open at once (every protocol); past it the server stops
    /// accepting until one closes. Each HTTP/1.1 connection may hold up to
    /// 408 KiB of headers still arriving: size it with the memory limit.
    #[arg(long, env = "INDIKATOR_MAX_CONNECTIONS", default_value_t = defaults::MAX_CONNECTIONS)]
    pub max_connections: usize,
    /// Health `Watch` streams open across all connections; the excess gets
    /// RESOURCE_EXHAUSTED (health `Check` is never refused).
    #[arg(long, env = "INDIKATOR_MAX_HEALTH_WATCHES", default_value_t = defaults::MAX_HEALTH_WATCHES)]
    pub max_health_watches: usize,
    /// A call with no whole message arriving or leaving for this long is
    /// ended with DEADLINE_EXCEEDED (health watches excepted); bytes trickled
    /// in without completing a message do not count.
    #[arg(long, env = "INDIKATOR_STREAM_IDLE_TIMEOUT", default_value_t = Wait(defaults::STREAM_IDLE_TIMEOUT))]
    pub stream_idle_timeout: Wait,
    /// The request of a unary call (gRPC, gRPC-Web or JSON) must arrive whole
    /// within this long of the call's start, or the call is ended with
    /// DEADLINE_EXCEEDED (the default is 5 s a MiB at the default message limit).
    #[arg(long, env = "INDIKATOR_BODY_TIMEOUT", default_value_t = Wait(defaults::BODY_TIMEOUT))]
    pub body_timeout: Wait,
    /// Bytes that request bodies being decoded and rounds' state may hold
    /// together; a call that would exceed it gets RESOURCE_EXHAUSTED.
    #[arg(long, env = "INDIKATOR_MEMORY_BUDGET_BYTES", default_value_t = defaults::MEMORY_BUDGET_BYTES)]
    pub memory_budget_bytes: usize,
    /// HTTP/2 keepalive ping interval (0 = off).
    #[arg(long, env = "INDIKATOR_KEEPALIVE_INTERVAL", default_value_t = Wait(defaults::KEEPALIVE_INTERVAL))]
    pub keepalive_interval: Wait,
    /// How long to wait for a keepalive ping's answer before closing the connection.
    #[arg(long, env = "INDIKATOR_KEEPALIVE_TIMEOUT", default_value_t = Wait(defaults::KEEPALIVE_TIMEOUT))]
    pub keepalive_timeout: Wait,
    /// Connections are closed gracefully (GOAWAY) after this age, so clients
    /// rebalance and a drain never waits on a long-lived connection.
    #[arg(long, env = "INDIKATOR_MAX_CONNECTION_AGE", default_value_t = Wait(defaults::MAX_CONNECTION_AGE))]
    pub max_connection_age: Wait,
    /// A new connection must complete its handshake (TLS, if on, and the
    /// HTTP/2 preface) within this long, or it is closed.
    #[arg(long, env = "INDIKATOR_HANDSHAKE_TIMEOUT", default_value_t = Wait(defaults::HANDSHAKE_TIMEOUT))]
    pub handshake_timeout: Wait,
    #[command(flatten)]
    pub tls: TlsArgs,
    #[command(flatten)]
    pub auth: AuthArgs,
    /// Browser origins allowed to call cross-origin (CORS) with gRPC-Web or
    /// the JSON API, e.g. https://portal.example.no; repeat the flag or give
    /// a comma-separated list. None by default: only same-origin and
    /// non-browser callers.
    #[arg(long = "cors-allowed-origin", env = "INDIKATOR_CORS_ALLOWED_ORIGINS", value_delimiter = ',')]
    pub cors_allowed_origins: Vec<String>,
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

/// Who may call what: bearer tokens (JWTs checked against a JWKS) and, with
/// mutual TLS, an allow-list of client certificates; off by default.
#[derive(Debug, Clone, Args)]
pub struct AuthArgs {
    /// The token issuer's JSON Web Key Set: a file, or an https URL fetched
    /// at start, every --auth-jwks-refresh and on an unknown `kid`. Turns
    /// bearer tokens on.
    #[arg(long, env = "INDIKATOR_AUTH_JWKS", requires = "auth_issuer")]
    pub auth_jwks: Option<JwksSource>,
    /// The `iss` every token must carry (e.g. https://maskinporten.no/).
    #[arg(long, env = "INDIKATOR_AUTH_ISSUER", requires = "auth_jwks")]
    pub auth_issuer: Option<String>,
    /// The `aud` every token must carry; not checked when unset.
    #[arg(long, env = "INDIKATOR_AUTH_AUDIENCE", requires = "auth_jwks")]
    pub auth_audience: Option<String>,
    /// Clock skew allowed on a token's `exp`, `nbf` and `iat`.
    #[arg(long, env = "INDIKATOR_AUTH_LEEWAY", default_value_t = Wait(defaults::AUTH_LEEWAY))]
    pub auth_leeway: Wait,
    /// Longest lifetime a token may have (`exp` after `iat`, or after now
    /// without `iat`); longer-lived tokens are refused.
    #[arg(long, env = "INDIKATOR_AUTH_MAX_LIFETIME", default_value_t = Wait(defaults::AUTH_MAX_LIFETIME))]
    pub auth_max_lifetime: Wait,
    /// A PEM bundle of CA certificates trusted, besides the web PKI's roots,
    /// for an https --auth-jwks URL (an issuer with a private CA).
    #[arg(long, env = "INDIKATOR_AUTH_JWKS_CA", requires = "auth_jwks")]
    pub auth_jwks_ca: Option<PathBuf>,
    /// How often the JWKS is read again (0 = only at start and on an unknown `kid`).
    #[arg(long, env = "INDIKATOR_AUTH_JWKS_REFRESH", default_value_t = Wait(defaults::AUTH_JWKS_REFRESH))]
    pub auth_jwks_refresh: Wait,
    /// The signature algorithms accepted (asymmetric only: RS256, RS384,
    /// RS512, PS256, PS384, PS512, ES256, ES384, EdDSA).
    #[arg(
        long,
        env = "INDIKATOR_AUTH_ALGORITHMS",
        value_delimiter = ',',
        default_values_t = defaults::AUTH_ALGORITHMS.to_vec()
    )]
    pub auth_algorithms: Vec<SigningAlgorithm>,
    /// METHOD=SCOPE: the scope a method (`Score`, or
    /// `package.Service/Method`) or a whole service needs; an empty SCOPE
    /// opens it. Repeatable; replaces that method's default.
    #[arg(long, env = "INDIKATOR_AUTH_SCOPES", value_delimiter = ',')]
    pub auth_scope: Vec<String>,
    /// NAME or NAME=SCOPE SCOPE…: with mutual TLS, a client certificate
    /// (a DNS or URI SAN, the subject CN, or the whole subject DN in braces,
    /// {CN=…,O=…,C=NO}) that identifies a caller, with the scopes it holds
    /// (every scope without). Repeatable; commas outside braces separate entries.
    #[arg(long, env = "INDIKATOR_AUTH_CLIENT_CERTS", requires = "tls_client_ca")]
    pub auth_client_cert: Vec<String>,
}

/// The service whose methods may be named without it in `--auth-scope`.
const INDICATOR_SERVICE: &str = "indikator.v1.IndicatorService";

impl AuthArgs {
    pub fn settings(&self) -> Result<AuthSettings, CliError> {
        let mut settings = AuthSettings::default();
        for rule in &self.auth_scope {
            let (method, scope) = rule.split_once('=').ok_or_else(|| CliError::Scope(rule.clone()))?;
            let method = method.trim().trim_start_matches('/');
            if method.is_empty() {
                return Err(CliError::Scope(rule.clone()));
            }
            let method = if method.contains('.') { method.to_owned() } else { format!("{INDICATOR_SERVICE}/{method}") };
            settings.scopes.retain(|(m, _)| *m != method);
            settings.scopes.push((method, scope.trim().to_owned()));
        }
        settings.bearer = match (&self.auth_jwks, &self.auth_issuer) {
            (Some(jwks), Some(issuer)) => Some(BearerSettings {
                audience: self.auth_audience.clone(),
                leeway: self.auth_leeway.0,
                max_lifetime: self.auth_max_lifetime.0,
                algorithms: self.auth_algorithms.clone(),
                refresh: self.auth_jwks_refresh.0,
                jwks_ca_pem: match &self.auth_jwks_ca {
                    Some(path) => {
                        Some(std::fs::read(path).map_err(|source| CliError::Read { path: path.clone(), source })?)
                    }
                    None => None,
                },
                ..BearerSettings::new(jwks.clone(), issuer.clone())
            }),
            _ => None,
        };
        settings.client_certificates = self
            .auth_client_cert
            .iter()
            .flat_map(|raw| split_outside_braces(raw))
            .map(|entry| entry.parse::<AllowedCertificate>().map_err(CliError::ClientCert))
            .collect::<Result<_, _>>()?;
        Ok(settings)
    }
}

impl TlsArgs {
    /// Reads the files; `None` when TLS is off.
    pub fn load(&self) -> Result<Option<TlsSettings>, CliError> {
        let read = |p: &PathBuf| std::fs::read(p).map_err(|source| CliError::Read { path: p.clone(), source });
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

impl From<&LogArgs> for LogSettings {
    fn from(a: &LogArgs) -> Self {
        let format = match a.log_format {
            LogFormatArg::Text => LogFormat::Text,
            LogFormatArg::Json => LogFormat::Json,
        };
        LogSettings { format, filter: a.log_level.clone() }
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
    /// A file holding an OAuth2 access token to send (health is open unless
    /// the server's --auth-scope names it).
    #[arg(long, env = "INDIKATOR_HEALTH_TOKEN_FILE")]
    pub token_file: Option<PathBuf>,
    #[command(flatten)]
    pub tls: ClientTlsArgs,
}

#[derive(Debug, Clone, Args)]
pub struct LogArgs {
    /// Log format.
    #[arg(long, env = "INDIKATOR_LOG_FORMAT", value_enum, default_value_t = LogFormatArg::Text)]
    pub log_format: LogFormatArg,
    /// Log filter (`tracing` EnvFilter syntax, e.g. `info` or `indikator=debug`).
    /// h2, hyper and tower stay at `warn` unless named here.
    #[arg(long, env = "INDIKATOR_LOG", default_value = "info")]
    pub log_level: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum LogFormatArg {
    /// Human-readable lines.
    Text,
    /// One JSON object per line.
    Json,
}

/// The server's settings from its flags; reads the TLS files and catalogues.
pub fn server_settings(args: &ServeArgs) -> Result<ServerSettings, CliError> {
    {
        Ok(ServerSettings {
            shutdown_grace: args.shutdown_grace.0,
            drain_delay: args.drain_delay.0,
            round_limits: RoundLimits { max_records: args.max_round_records },
            call_limits: CallLimits {
                max_concurrent_calls: args.max_concurrent_requests.max(1),
                max_health_watches: args.max_health_watches,
                idle_timeout: args.stream_idle_timeout.0,
                body_timeout: args.body_timeout.0,
            },
            max_message_bytes: args.max_message_bytes,
            max_streams_per_connection: args.max_streams_per_connection.max(1),
            max_connections: args.max_connections.max(1),
            memory_budget_bytes: args.memory_budget_bytes,
            keepalive_interval: (!args.keepalive_interval.0.is_zero()).then_some(args.keepalive_interval.0),
            keepalive_timeout: args.keepalive_timeout.0,
            max_connection_age: args.max_connection_age.0,
            handshake_timeout: args.handshake_timeout.0,
            tls: args.tls.load()?,
            catalogues: Catalogues::load(args.catalogue_dir.as_deref())?,
            auth: args.auth.settings()?,
            cors_allowed_origins: args.cors_allowed_origins.iter().map(|o| o.trim().to_owned()).collect(),
        })
    }
}

/// `a, {CN=b,O=c}=s` → `["a", "{CN=b,O=c}=s"]`: the entries of a list whose
/// subject DNs (in braces) hold commas of their own.
fn split_outside_braces(raw: &str) -> Vec<&str> {
    let mut entries = Vec::new();
    let (mut depth, mut start) = (0usize, 0);
    for (i, c) in raw.char_indices() {
        match c {
            '{' => depth += 1,
            '}' => depth = depth.saturating_sub(1),
            ',' if depth == 0 => {
                entries.push(raw[start..i].trim());
                start = i + 1;
            }
            _ => {}
        }
    }
    entries.push(raw[start..].trim());
    entries.retain(|e| !e.is_empty());
    entries
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
    fn client_certificate_lists_split_on_commas_outside_subject_dns() {
        assert_eq!(
            split_outside_braces("a.example, {CN=b,O=Org\\, AS,C=NO}=indikator:rounds,,c"),
            ["a.example", "{CN=b,O=Org\\, AS,C=NO}=indikator:rounds", "c"]
        );
        let dn: AllowedCertificate = "{CN=b,O=Org\\, AS,C=NO}=indikator:rounds".parse().unwrap();
        assert_eq!(
            dn.subject().unwrap(),
            [("CN".into(), "b".into()), ("O".into(), "Org, AS".into()), ("C".into(), "NO".into())]
        );
        assert_eq!(dn.scopes, Some(vec!["indikator:rounds".to_owned()]));
        assert!("{CN=b".parse::<AllowedCertificate>().is_err());
        assert!("{CN}".parse::<AllowedCertificate>().is_err());
        assert!("{CN=b}x".parse::<AllowedCertificate>().is_err());
    }

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
        let cli = Cli::parse_args(["indikator"]).unwrap();
        assert!(matches!(cli.command, Command::Serve(ref a) if a.listen.port == 50051));
        let cli = Cli::parse_args(["indikator", "serve", "--listen", "127.0.0.1:0"]).unwrap();
        assert!(matches!(cli.command, Command::Serve(ref a) if a.listen.port == 0));
        // Server flags without the command, as before it had one.
        let cli = Cli::parse_args(["indikator", "--listen", "127.0.0.1:0"]).unwrap();
        assert!(matches!(cli.command, Command::Serve(ref a) if a.listen.port == 0));
        assert_eq!(Cli::parse_args(["indikator", "--help"]).unwrap_err().kind(), clap::error::ErrorKind::DisplayHelp);
    }

    #[test]
    fn the_top_level_help_lists_the_commands_and_not_the_server_flags() {
        use clap::CommandFactory;
        let help = Cli::command().render_help().to_string();
        for command in ["serve", "batch", "compare", "health"] {
            assert!(help.contains(&format!("\n  {command} ")), "{command} in {help}");
        }
        assert!(!help.contains("--max-round-records") && !help.contains("--tls-cert"), "{help}");
        assert!(help.lines().count() < 25, "{help}");
    }

    #[test]
    fn listen_takes_an_ip_address_or_a_host_name_with_a_port() {
        let listen = |raw: &str| raw.parse::<Listen>().map(|l| l.to_string());
        assert_eq!(listen("localhost:50051"), Ok("localhost:50051".into()));
        assert_eq!(listen("0.0.0.0:50051"), Ok("0.0.0.0:50051".into()));
        assert_eq!(listen("[::]:50051"), Ok("[::]:50051".into()));
        assert!(listen("localhost").unwrap_err().contains("has no port"));
        assert!(listen("localhost:http").unwrap_err().contains("is not a port number"));
        assert!(listen("local host:1").unwrap_err().contains("neither an IP address nor a host name"));
    }

    #[test]
    fn the_flags_default_to_the_settings_defaults() {
        let Command::Serve(serve) = Cli::parse_args(["indikator"]).unwrap().command else { panic!("serve") };
        let from_flags = server_settings(&serve).unwrap();
        let d = ServerSettings::default();
        assert_eq!(format!("{from_flags:?}"), format!("{d:?}"));
    }

    #[test]
    fn durations_show_as_the_flags_parse_them() {
        for d in [defaults::SHUTDOWN_GRACE, defaults::MAX_CONNECTION_AGE, Duration::from_millis(250), Duration::ZERO] {
            assert_eq!(Wait(d).to_string().parse(), Ok(Wait(d)));
        }
    }

    #[test]
    fn the_cli_definition_is_consistent() {
        use clap::CommandFactory;
        Cli::command().debug_assert();
    }
}
