//! `loadtest`: throughput, latency, start-up time and memory of an indikator
//! server, measured against the bare stack (`grpc.health.v1.Health/Check` on the
//! same server, same settings, same run). BENCHMARKS.md has the figures.
//!
//! ```sh
//! cargo build --release --bin indikator && cargo build --release -p loadtest
//! # server in this process (127.0.0.1:0), client and server share the runtime:
//! target/release/loadtest --duration 10
//! # server as its own process, for its start-up time and memory (VmRSS, VmHWM):
//! target/release/loadtest --spawn target/release/indikator --duration 10 --repeat 3
//! # an already running server:
//! target/release/loadtest --server http://127.0.0.1:50051
//! # also write gRPC request bodies and run h2load (package nghttp2-client) on them:
//! target/release/loadtest --spawn target/release/indikator --write-h2load-bodies /tmp/bodies --h2load
//! ```
//!
//! Phases (`--phases`, default `check,score,stream,round,bare`):
//!
//! * `check` and `score`: unary `grpc.health.v1.Health/Check` and
//!   `indikator.v1.IndicatorService/Score` (the README's example request) over
//!   `--connections` HTTP/2 connections with `--concurrency` calls in flight on
//!   each, for `--duration` seconds after `--warmup` seconds: requests/s, p50 and
//!   p99 latency, and the ratio Score / Check. `--repeat K` runs the pair K times
//!   alternately and pools them, so drift in background load hits both alike.
//! * `stream`: `ScoreStream` over `--streams` concurrent streams (default: one per
//!   connection) for `--duration` seconds: records/s.
//! * `round`: one `ScoreRound` of `--round-records` (default 1,000,000) synthetic
//!   records, each the example response with its own organisation number (valid
//!   modulus-11 check digit) and record id: wall time from the first send to the
//!   summary, records/s, time to the first score card (the server has folded the
//!   whole round by then) and, with `--spawn`, the server's peak RSS (VmHWM,
//!   reset through `/proc/PID/clear_refs` just before the round).
//!   `--round-ssb-only` drops the example's `ks_2018` and `riksrevisjonen_2015`
//!   blocks from the records; `--round-codes-only` asks for code-only score
//!   cards (`RoundHeader.codes_only`), of indikator and of the bare stack alike.
//! * `bare`: beside each of `score`, `stream` and `round`, the same load against
//!   the bare stack ([`bare`]: a tonic server that answers indikator's own
//!   answers to these requests, encoded once, without decoding anything), run
//!   the way the server under test runs (its own process with `--spawn`), and
//!   the ratios: what the transport alone gives with these message sizes on
//!   this machine, and so what indikator's own work costs.
//! * `fold` (not in the default list): the round without the transport, in this
//!   process: the core alone (`RoundAggregator::add` × `--round-records`, then
//!   `finish()`), then the server's `fold_round` on decoded protobuf (decode +
//!   validate + fold): time and this process's peak RSS growth for each.
//!
//! With `--spawn PATH` the tool first starts `PATH serve --listen 127.0.0.1:0
//! --max-round-records 2000000` `--startup-samples` times: time from spawn to
//! the "serving" log line and to the first `SERVING` health answer (polled every
//! 1 ms once the address is logged), and the idle RSS (VmRSS) right then.
//! `--server-env NAME=VALUE` adds to the child's environment (e.g. `LD_PRELOAD`
//! of a shim, `MALLOC_ARENA_MAX=1`). `--nodelay-listener` (in-process server
//! only) sets TCP_NODELAY on the listening socket, which Linux copies to every
//! accepted connection: the server as it runs with Nagle's algorithm off.
//!
//! With `--spawn`, every load figure also gives the CPU time (user + system, all
//! threads, from `/proc/PID/stat`) the server process and this process (the
//! client) used per call or record during the measurement.
//!
//! The client is lean on purpose: requests are encoded once (a round's records
//! are a template with the organisation number and record id patched in) and
//! responses are counted, not decoded (one per phase is decoded and checked), so
//! the client's share of the two cores goes to HTTP/2 and gRPC framing only.
//!
//! Output: a plain table on stdout, or one JSON object with `--json` (and into
//! a file with `--json-file FILE`); progress and the h2load command lines go to
//! stderr. `--h2load` first checks each body file once with `nghttp -v` and
//! reports the `grpc-status` trailer, since h2load counts HTTP statuses only and
//! a gRPC error is an HTTP 200. Every loop is bounded by `--duration` or `--round-records`,
//! and only loopback addresses are meant as targets.

use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use bytes::{Buf, BufMut, Bytes, BytesMut};
use clap::Parser;
use futures::StreamExt;
use http::uri::PathAndQuery;
use indikator_app::proto::v1 as pb;
use indikator_core::domain::OrganisationNumber;
use indikator_server::ServerSettings;
use prost::Message;
use serde_json::{Value, json};
use tonic::codec::{Codec, DecodeBuf, Decoder, EncodeBuf, Encoder};
use tonic::transport::{Channel, Endpoint};
use tonic::{Request, Status};
use tonic_health::pb::{HealthCheckRequest, HealthCheckResponse, health_check_response::ServingStatus};

mod bare;

const SCORE: &str = "/indikator.v1.IndicatorService/Score";
const SCORE_STREAM: &str = "/indikator.v1.IndicatorService/ScoreStream";
const SCORE_ROUND: &str = "/indikator.v1.IndicatorService/ScoreRound";
const CHECK: &str = "/grpc.health.v1.Health/Check";
/// What `--serve-bare` logs, with the address after it.
const BARE_LOG_LINE: &str = "serving bare.v1.Bare on ";

#[derive(Debug, Parser)]
#[command(about = "Load test an indikator server against its own Health/Check (the bare stack)")]
struct Args {
    /// Target an already running server (e.g. http://127.0.0.1:50051) instead of one in this process.
    #[arg(long, conflicts_with = "spawn")]
    server: Option<String>,
    /// Start this binary (`indikator`) as a child process and measure its start-up and memory.
    #[arg(long, value_name = "PATH_TO_BINARY")]
    spawn: Option<PathBuf>,
    /// HTTP/2 connections.
    #[arg(long, default_value_t = 4)]
    connections: usize,
    /// Calls in flight per connection (unary phases).
    #[arg(long, default_value_t = 16)]
    concurrency: usize,
    /// Seconds measured per phase (and per repetition of check/score).
    #[arg(long, default_value_t = 5.0)]
    duration: f64,
    /// Seconds of unmeasured load before each phase.
    #[arg(long, default_value_t = 1.0)]
    warmup: f64,
    /// Runs of the check/score pair, alternating, pooled.
    #[arg(long, default_value_t = 1)]
    repeat: usize,
    /// Concurrent ScoreStream streams (default: --connections).
    #[arg(long)]
    streams: Option<usize>,
    /// Records in the ScoreRound.
    #[arg(long, default_value_t = 1_000_000)]
    round_records: u32,
    /// Round and fold records without the example's ks-2018 and riksrevisjonen-2015 blocks.
    #[arg(long)]
    round_ssb_only: bool,
    /// Ask for code-only score cards (`RoundHeader.codes_only`): cards without labels.
    #[arg(long)]
    round_codes_only: bool,
    /// Comma-separated phases: check, score, stream, round, bare (the bare stack beside each of
    /// score, stream and round), fold (the round's core alone, in this process).
    #[arg(long, default_value = "check,score,stream,round,bare")]
    phases: String,
    /// With --spawn: extra environment for the server, `NAME=VALUE` (repeatable), e.g. MALLOC_ARENA_MAX=1.
    #[arg(long, value_name = "NAME=VALUE", requires = "spawn")]
    server_env: Vec<String>,
    /// With --spawn: how many times to start the server for start-up figures.
    #[arg(long, default_value_t = 5)]
    startup_samples: usize,
    /// Write gRPC-framed request bodies (score.bin, check.bin) here and print h2load command lines.
    #[arg(long, value_name = "DIR")]
    write_h2load_bodies: Option<PathBuf>,
    /// Also run those h2load commands (and an nghttp sanity check) against the server.
    #[arg(long, requires = "write_h2load_bodies")]
    h2load: bool,
    /// In-process server only: set TCP_NODELAY on the listening socket (Linux copies it to every
    /// accepted connection), to measure the server as it would run with Nagle's algorithm off.
    #[arg(long, conflicts_with_all = ["server", "spawn"])]
    nodelay_listener: bool,
    /// Print one JSON object instead of the table.
    #[arg(long)]
    json: bool,
    /// Also write that JSON object to this file.
    #[arg(long, value_name = "FILE")]
    json_file: Option<PathBuf>,
    /// Only serve the bare stack (`bare.v1.Bare` and health) on 127.0.0.1:0 until SIGTERM: how
    /// `--spawn` runs it as its own process beside the spawned indikator.
    #[arg(long, hide = true)]
    serve_bare: bool,
}

// ---------------------------------------------------------------------------
// A codec that sends pre-encoded messages and hands back undecoded ones.

#[derive(Debug, Clone, Copy, Default)]
struct RawCodec;

#[derive(Debug)]
struct RawEncoder;

#[derive(Debug)]
struct RawDecoder;

impl Codec for RawCodec {
    type Encode = Bytes;
    type Decode = Bytes;
    type Encoder = RawEncoder;
    type Decoder = RawDecoder;

    fn encoder(&mut self) -> Self::Encoder {
        RawEncoder
    }

    fn decoder(&mut self) -> Self::Decoder {
        RawDecoder
    }
}

impl Encoder for RawEncoder {
    type Item = Bytes;
    type Error = Status;

    fn encode(&mut self, item: Bytes, dst: &mut EncodeBuf<'_>) -> Result<(), Status> {
        dst.put(item);
        Ok(())
    }
}

impl Decoder for RawDecoder {
    type Item = Bytes;
    type Error = Status;

    fn decode(&mut self, src: &mut DecodeBuf<'_>) -> Result<Option<Bytes>, Status> {
        let n = src.remaining();
        Ok(Some(src.copy_to_bytes(n)))
    }
}

type Grpc = tonic::client::Grpc<Channel>;

async fn ready(grpc: &mut Grpc) -> Result<(), Status> {
    grpc.ready().await.map_err(|e| Status::unavailable(format!("channel not ready: {e}")))
}

async fn unary(grpc: &mut Grpc, path: &'static str, body: Bytes) -> Result<Bytes, Status> {
    ready(grpc).await?;
    Ok(grpc.unary(Request::new(body), PathAndQuery::from_static(path), RawCodec).await?.into_inner())
}

// ---------------------------------------------------------------------------
// Requests.

fn example_request() -> pb::ScoreRequest {
    serde_json::from_str(include_str!("../../../examples/score-request.json"))
        .expect("examples/score-request.json parses")
}

fn check_body() -> Bytes {
    HealthCheckRequest { service: String::new() }.encode_to_vec().into()
}

/// The gRPC length-prefixed message: flag 0 (uncompressed), u32 big-endian length, bytes.
fn grpc_frame(message: &[u8]) -> Vec<u8> {
    let mut framed = Vec::with_capacity(5 + message.len());
    framed.push(0);
    framed.extend_from_slice(&(message.len() as u32).to_be_bytes());
    framed.extend_from_slice(message);
    framed
}

/// Distinct organisation numbers with valid modulus-11 check digits, in order.
struct OrganisationNumbers {
    next_first_eight: u32,
}

impl OrganisationNumbers {
    fn new() -> Self {
        Self { next_first_eight: 10_000_000 }
    }
}

impl Iterator for OrganisationNumbers {
    type Item = [u8; 9];

    fn next(&mut self) -> Option<[u8; 9]> {
        loop {
            let first_eight = self.next_first_eight;
            if first_eight > 99_999_999 {
                return None;
            }
            self.next_first_eight += 1;
            let mut digits = [0u32; 8];
            let mut rest = first_eight;
            for d in digits.iter_mut().rev() {
                *d = rest % 10;
                rest /= 10;
            }
            if let Some(check) = OrganisationNumber::check_digit(&digits) {
                let mut out = [0u8; 9];
                for (o, d) in out.iter_mut().zip(digits.iter().chain(std::iter::once(&check))) {
                    *o = b'0' + *d as u8;
                }
                return Some(out);
            }
        }
    }
}

/// Patches nine ASCII bytes of an encoded message in place.
fn find(haystack: &[u8], needle: &[u8]) -> usize {
    let at = haystack.windows(needle.len()).position(|w| w == needle);
    let at = at.expect("placeholder in the encoded template");
    assert!(haystack[at + 1..].windows(needle.len()).all(|w| w != needle), "placeholder appears once");
    at
}

/// What a round's header and records hold.
#[derive(Debug, Clone, Copy)]
struct RoundShape {
    /// Without the example's `ks_2018` and `riksrevisjonen_2015` blocks.
    ssb_only: bool,
    /// The header asks for code-only score cards.
    codes_only: bool,
}

impl RoundShape {
    fn of(args: &Args) -> Self {
        Self { ssb_only: args.round_ssb_only, codes_only: args.round_codes_only }
    }
}

/// A round: the encoded header, then a generator of encoded records.
struct RoundRequests {
    header: Bytes,
    template: Vec<u8>,
    organisation_at: usize,
    id_at: usize,
}

const ORGANISATION_PLACEHOLDER: &[u8; 9] = b"999999999"; // a valid number itself (check digit 9)
const ID_PLACEHOLDER: &[u8; 9] = b"#########";

impl RoundRequests {
    fn new(survey_year: u32, shape: RoundShape) -> Self {
        let header = pb::ScoreRoundRequest {
            item: Some(pb::score_round_request::Item::Header(pb::RoundHeader {
                round_id: "loadtest".into(),
                survey_year,
                calibration: pb::Calibration::Published as i32,
                codes_only: shape.codes_only,
                ..pb::RoundHeader::default()
            })),
        };
        let mut response = example_request().response.expect("the example has a response");
        if shape.ssb_only {
            response.ks_2018 = None;
            response.riksrevisjonen_2015 = None;
        }
        response.respondent.as_mut().expect("a respondent").organisation_number =
            String::from_utf8(ORGANISATION_PLACEHOLDER.to_vec()).unwrap();
        let record = pb::ScoreRoundRequest {
            item: Some(pb::score_round_request::Item::Record(pb::RoundRecord {
                record_id: String::from_utf8(ID_PLACEHOLDER.to_vec()).unwrap(),
                response: Some(response),
            })),
        };
        let template = record.encode_to_vec();
        let organisation_at = find(&template, ORGANISATION_PLACEHOLDER);
        let id_at = find(&template, ID_PLACEHOLDER);
        Self { header: header.encode_to_vec().into(), template, organisation_at, id_at }
    }

    /// Header, then `n` records with distinct organisation numbers and ids.
    fn stream(self, n: u32) -> impl futures::Stream<Item = Bytes> + Send + 'static {
        let mut numbers = OrganisationNumbers::new();
        let records = (0..n).map(move |i| {
            let mut record = BytesMut::from(&self.template[..]);
            let number = numbers.next().expect("enough organisation numbers");
            record[self.organisation_at..self.organisation_at + 9].copy_from_slice(&number);
            let mut id = i;
            for b in record[self.id_at..self.id_at + 9].iter_mut().rev() {
                *b = b'0' + (id % 10) as u8;
                id /= 10;
            }
            record.freeze()
        });
        futures::stream::iter(std::iter::once(self.header).chain(records))
    }
}

// ---------------------------------------------------------------------------
// The server under test.

enum Target {
    /// In this process; dropping the sender stops it.
    InProcess {
        _stop: tokio::sync::oneshot::Sender<()>,
    },
    Remote,
    Spawned(ServerProcess),
}

struct ServerProcess {
    child: Child,
    address: String,
    /// Drains the server's stderr so the pipe never fills.
    _log: mpsc::Receiver<String>,
}

/// What one start of the binary took.
#[derive(Debug, Clone, Copy)]
struct Startup {
    to_log_line: Duration,
    to_serving: Duration,
    idle_rss_kb: u64,
}

impl ServerProcess {
    /// The indikator binary under test.
    async fn start(binary: &Path, envs: &[(String, String)]) -> Result<(Self, Startup), String> {
        let args = ["serve", "--listen", "127.0.0.1:0", "--max-round-records", "2000000"];
        Self::launch(binary, &args, "serving indikator.v1.IndicatorService", envs).await
    }

    /// This tool again, serving the bare stack (same environment as the indikator child).
    async fn start_bare(envs: &[(String, String)], shape: RoundShape) -> Result<Self, String> {
        let me = std::env::current_exe().map_err(|e| format!("cannot find this executable: {e}"))?;
        let mut args = vec!["--serve-bare"];
        if shape.ssb_only {
            args.push("--round-ssb-only");
        }
        if shape.codes_only {
            args.push("--round-codes-only");
        }
        Ok(Self::launch(&me, &args, BARE_LOG_LINE, envs).await?.0)
    }

    /// Starts `binary args`, waits for the log line containing `marker` and the address,
    /// then for the first SERVING health answer.
    async fn launch(
        binary: &Path,
        args: &[&str],
        marker: &str,
        envs: &[(String, String)],
    ) -> Result<(Self, Startup), String> {
        let spawned = Instant::now();
        let mut child = Command::new(binary)
            .args(args)
            .env_remove("OTEL_EXPORTER_OTLP_ENDPOINT")
            .envs(envs.iter().map(|(k, v)| (k, v)))
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .map_err(|e| format!("cannot start {}: {e}", binary.display()))?;
        let stderr = child.stderr.take().expect("piped stderr");
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                let _ = tx.send(line);
            }
        });
        let address = loop {
            let line = rx.recv_timeout(Duration::from_secs(20)).map_err(|_| "the server logged no address")?;
            if line.contains(marker) {
                let start = line.find("127.0.0.1:").ok_or("no address in the log line")?;
                let port: String = line[start + 10..].chars().take_while(char::is_ascii_digit).collect();
                break format!("http://127.0.0.1:{port}");
            }
        };
        let to_log_line = spawned.elapsed();
        let server = Self { child, address, _log: rx };
        // Poll Health/Check every millisecond until SERVING.
        let endpoint = Endpoint::from_shared(server.address.clone()).map_err(|e| e.to_string())?;
        let mut grpc = None;
        let to_serving = loop {
            if spawned.elapsed() > Duration::from_secs(20) {
                return Err("the server did not answer SERVING within 20 s".into());
            }
            if grpc.is_none() {
                grpc = endpoint.connect().await.ok().map(Grpc::new);
            }
            if let Some(g) = grpc.as_mut()
                && let Ok(body) = unary(g, CHECK, check_body()).await
                && HealthCheckResponse::decode(body).is_ok_and(|r| r.status() == ServingStatus::Serving)
            {
                break spawned.elapsed();
            }
            tokio::time::sleep(Duration::from_millis(1)).await;
        };
        let idle_rss_kb = server.status_kb("VmRSS").unwrap_or(0);
        Ok((server, Startup { to_log_line, to_serving, idle_rss_kb }))
    }

    fn pid(&self) -> u32 {
        self.child.id()
    }

    /// A `kB` field of `/proc/PID/status` (VmRSS, VmHWM).
    fn status_kb(&self, field: &str) -> Option<u64> {
        proc_status_kb(self.pid(), field)
    }

    /// Resets VmHWM to the current RSS (`/proc/PID/clear_refs`, value 5).
    fn reset_peak(&self) -> bool {
        std::fs::write(format!("/proc/{}/clear_refs", self.pid()), "5").is_ok()
    }

    /// SIGTERM, then waits up to 15 s (SIGKILL after that).
    fn stop(mut self) {
        let _ = Command::new("kill").args(["-TERM", &self.pid().to_string()]).status();
        for _ in 0..300 {
            if let Ok(Some(_)) = self.child.try_wait() {
                return;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn proc_status_kb(pid: u32, field: &str) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let line = status.lines().find(|l| l.starts_with(field) && l[field.len()..].starts_with(':'))?;
    line[field.len() + 1..].trim().trim_end_matches("kB").trim().parse().ok()
}

// ---------------------------------------------------------------------------
// Phases.

#[derive(Debug, Default, Clone)]
struct Unary {
    ok: u64,
    errors: u64,
    elapsed: Duration,
    /// Every successful call's latency, nanoseconds.
    latencies_ns: Vec<u64>,
    /// CPU the server process and this process used meanwhile.
    cpu: CpuUsed,
}

impl Unary {
    fn pool(&mut self, other: Unary) {
        self.ok += other.ok;
        self.errors += other.errors;
        self.elapsed += other.elapsed;
        self.latencies_ns.extend(other.latencies_ns);
        self.cpu.add(other.cpu);
    }

    fn rate(&self) -> f64 {
        self.ok as f64 / self.elapsed.as_secs_f64()
    }

    fn percentile_us(&mut self, p: f64) -> f64 {
        if self.latencies_ns.is_empty() {
            return f64::NAN;
        }
        self.latencies_ns.sort_unstable();
        let i = ((self.latencies_ns.len() as f64 * p).ceil() as usize).clamp(1, self.latencies_ns.len()) - 1;
        self.latencies_ns[i] as f64 / 1e3
    }
}

/// `connections × concurrency` loops, each calling `path` back to back until `duration` is over.
async fn unary_load(
    channels: &[Channel],
    concurrency: usize,
    path: &'static str,
    body: Bytes,
    duration: Duration,
    server_pid: Option<u32>,
) -> Unary {
    let meter = CpuMeter::start(server_pid);
    let started = Instant::now();
    let end = started + duration;
    let mut tasks = Vec::new();
    for channel in channels {
        for _ in 0..concurrency {
            let mut grpc = Grpc::new(channel.clone());
            let body = body.clone();
            tasks.push(tokio::spawn(async move {
                let mut u = Unary { latencies_ns: Vec::with_capacity(1 << 16), ..Unary::default() };
                while Instant::now() < end {
                    let t = Instant::now();
                    match unary(&mut grpc, path, body.clone()).await {
                        Ok(_) => {
                            u.ok += 1;
                            u.latencies_ns.push(t.elapsed().as_nanos() as u64);
                        }
                        Err(_) => u.errors += 1,
                    }
                }
                u
            }));
        }
    }
    let mut total = Unary::default();
    for t in tasks {
        total.pool(t.await.expect("load task"));
    }
    total.elapsed = started.elapsed();
    total.cpu = meter.stop();
    total
}

#[derive(Debug, Clone, Copy)]
struct Streamed {
    records: u64,
    elapsed: Duration,
    cpu: CpuUsed,
}

/// CPU time (user + system, every thread) a process has used so far, from
/// `/proc/PID/stat` (fields 14 and 15, in clock ticks).
fn cpu_time(pid: u32) -> Option<Duration> {
    static TICKS_PER_S: std::sync::OnceLock<f64> = std::sync::OnceLock::new();
    let per_s = *TICKS_PER_S.get_or_init(|| {
        let out = Command::new("getconf").arg("CLK_TCK").output().ok();
        out.and_then(|o| String::from_utf8_lossy(&o.stdout).trim().parse().ok()).unwrap_or(100.0)
    });
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    let fields: Vec<&str> = stat[stat.rfind(')')? + 1..].split_whitespace().collect();
    let ticks = fields.get(11)?.parse::<u64>().ok()? + fields.get(12)?.parse::<u64>().ok()?;
    Some(Duration::from_secs_f64(ticks as f64 / per_s))
}

/// CPU used during a measurement by the server (when it is its own process) and by
/// this process (the client; with an in-process server, both).
#[derive(Debug, Clone, Copy, Default)]
struct CpuUsed {
    server: Option<Duration>,
    this_process: Option<Duration>,
}

impl CpuUsed {
    fn add(&mut self, other: CpuUsed) {
        let sum = |a: Option<Duration>, b: Option<Duration>| match (a, b) {
            (Some(a), Some(b)) => Some(a + b),
            (a, b) => a.or(b),
        };
        self.server = sum(self.server, other.server);
        self.this_process = sum(self.this_process, other.this_process);
    }

    /// Microseconds of server CPU per call or record.
    fn server_us_per(&self, n: u64) -> Option<f64> {
        self.server.filter(|_| n > 0).map(|d| d.as_secs_f64() * 1e6 / n as f64)
    }

    fn this_process_us_per(&self, n: u64) -> Option<f64> {
        self.this_process.filter(|_| n > 0).map(|d| d.as_secs_f64() * 1e6 / n as f64)
    }
}

/// Starts measuring CPU of `server` (a process id) and of this process.
struct CpuMeter {
    server: Option<(u32, Duration)>,
    this_process: Option<Duration>,
}

impl CpuMeter {
    fn start(server: Option<u32>) -> Self {
        Self { server: server.and_then(|pid| Some((pid, cpu_time(pid)?))), this_process: cpu_time(std::process::id()) }
    }

    fn stop(self) -> CpuUsed {
        CpuUsed {
            server: self.server.and_then(|(pid, at)| Some(cpu_time(pid)?.saturating_sub(at))),
            this_process: self.this_process.and_then(|at| Some(cpu_time(std::process::id())?.saturating_sub(at))),
        }
    }
}

fn cpu_note(cpu: &CpuUsed, n: u64, per: &str) -> String {
    let mut parts = Vec::new();
    if let Some(us) = cpu.server_us_per(n) {
        parts.push(format!("server CPU {us:.1} µs/{per}"));
    }
    if let Some(us) = cpu.this_process_us_per(n) {
        parts.push(format!("{} CPU {us:.1} µs/{per}", if cpu.server.is_some() { "client" } else { "process" }));
    }
    parts.join(", ")
}

/// `streams` calls of the streaming method `path` (ScoreStream or the bare stack's) sending
/// `record` back to back until `duration` is over.
async fn stream_load(
    channels: &[Channel],
    path: &'static str,
    streams: usize,
    record: Bytes,
    duration: Duration,
    server_pid: Option<u32>,
) -> Result<Streamed, Status> {
    let meter = CpuMeter::start(server_pid);
    let started = Instant::now();
    let end = started + duration;
    let mut tasks = Vec::new();
    for s in 0..streams {
        let mut grpc = Grpc::new(channels[s % channels.len()].clone());
        let record = record.clone();
        tasks.push(tokio::spawn(async move {
            ready(&mut grpc).await?;
            let outbound =
                futures::stream::iter(std::iter::from_fn(move || (Instant::now() < end).then(|| record.clone())));
            let mut inbound =
                grpc.streaming(Request::new(outbound), PathAndQuery::from_static(path), RawCodec).await?.into_inner();
            let mut n = 0u64;
            while let Some(message) = inbound.message().await? {
                if n == 0 {
                    let out = pb::ScoreStreamResponse::decode(message).map_err(|e| Status::internal(e.to_string()))?;
                    if !matches!(out.outcome, Some(pb::score_stream_response::Outcome::Results(_))) {
                        return Err(Status::internal(format!("ScoreStream answered {out:?}")));
                    }
                }
                n += 1;
            }
            Ok::<u64, Status>(n)
        }));
    }
    let mut records = 0;
    for t in tasks {
        records += t.await.expect("stream task")?;
    }
    Ok(Streamed { records, elapsed: started.elapsed(), cpu: meter.stop() })
}

#[derive(Debug, Clone)]
struct Round {
    records: u32,
    to_first_card: Duration,
    to_summary: Duration,
    cards: u64,
    scored: u64,
    rejected: u64,
    server_peak_rss_kb: Option<u64>,
    /// VmHWM when the first score card arrived: the peak while folding.
    server_peak_rss_folded_kb: Option<u64>,
    server_rss_before_kb: Option<u64>,
    server_rss_after_kb: Option<u64>,
    peak_was_reset: bool,
    cpu: CpuUsed,
}

/// One round of `records` through `path` (ScoreRound or the bare stack's).
async fn round_load(
    channel: &Channel,
    path: &'static str,
    records: u32,
    shape: RoundShape,
    server: Option<&ServerProcess>,
) -> Result<Round, Status> {
    let survey_year = example_request().response.unwrap().respondent.unwrap().survey_year;
    let requests = RoundRequests::new(survey_year, shape);
    let server_rss_before_kb = server.and_then(|s| s.status_kb("VmRSS"));
    let peak_was_reset = server.is_some_and(ServerProcess::reset_peak);
    let mut grpc = Grpc::new(channel.clone());
    ready(&mut grpc).await?;
    let meter = CpuMeter::start(server.map(ServerProcess::pid));
    let started = Instant::now();
    let mut inbound = grpc
        .streaming(Request::new(requests.stream(records)), PathAndQuery::from_static(path), RawCodec)
        .await?
        .into_inner();
    let mut to_first_card = None;
    let mut cards = 0u64;
    let mut last = Bytes::new();
    let mut server_peak_rss_folded_kb = None;
    while let Some(message) = inbound.message().await? {
        if to_first_card.is_none() {
            to_first_card = Some(started.elapsed());
            server_peak_rss_folded_kb = server.and_then(|s| s.status_kb("VmHWM"));
        }
        cards += 1;
        last = message;
    }
    let to_summary = started.elapsed();
    let cpu = meter.stop();
    let server_peak_rss_kb = server.and_then(|s| s.status_kb("VmHWM"));
    let server_rss_after_kb = server.and_then(|s| s.status_kb("VmRSS"));
    let summary = match pb::ScoreRoundResponse::decode(last).map_err(|e| Status::internal(e.to_string()))?.item {
        Some(pb::score_round_response::Item::Summary(s)) => s,
        other => return Err(Status::internal(format!("the round ended without a summary: {other:?}"))),
    };
    let accounting = summary.accounting.unwrap_or_default();
    Ok(Round {
        records,
        to_first_card: to_first_card.unwrap_or_default(),
        to_summary,
        cards: cards.saturating_sub(1),
        scored: accounting.scored,
        rejected: accounting.rejected,
        server_peak_rss_kb,
        server_peak_rss_folded_kb,
        server_rss_before_kb,
        server_rss_after_kb,
        peak_was_reset,
        cpu,
    })
}

#[derive(Debug, Clone, Copy)]
struct Fold {
    records: u32,
    fold: Duration,
    finish: Duration,
    rss_before_kb: u64,
    peak_folded_kb: u64,
    peak_finished_kb: u64,
    peak_was_reset: bool,
}

/// The round's core alone: `records` validated example responses (every methodology's
/// block, as the server folds them), each with its own organisation number and record
/// id, folded by a `RoundAggregator`, then `finish()`.
fn core_fold(records: u32, ssb_only: bool) -> Fold {
    use indikator_core::round::{CalibrationMode, RecordAnswers, RoundConfig};
    let validated = indikator_testing::survey_response(example_request().response.as_ref(), "response")
        .expect("the example is valid");
    let answers = RecordAnswers {
        ssb_2018: validated.ssb_2018.as_ref(),
        ks_2018: validated.ks_2018.as_deref().filter(|_| !ssb_only),
        ks_2018_chosen: validated.ks_2018_chosen.as_ref().filter(|_| !ssb_only),
        riksrevisjonen_2015: validated.riksrevisjonen_2015.as_deref().filter(|_| !ssb_only),
        riksrevisjonen_2015_chosen: validated.riksrevisjonen_2015_chosen.as_deref().filter(|_| !ssb_only),
    };
    let mut respondent = validated.respondent.clone();
    let mut round = indikator_testing::round(RoundConfig {
        round_id: "fold".into(),
        survey_year: respondent.survey_year,
        calibration: CalibrationMode::Published,
    });
    let pid = std::process::id();
    let peak_was_reset = std::fs::write("/proc/self/clear_refs", "5").is_ok();
    let rss_before_kb = proc_status_kb(pid, "VmRSS").unwrap_or(0);
    let mut id = String::new();
    let started = Instant::now();
    for (i, number) in (0..records).zip(OrganisationNumbers::new()) {
        respondent.organisation_number =
            OrganisationNumber::parse(std::str::from_utf8(&number).expect("ASCII")).expect("valid number");
        id.clear();
        std::fmt::Write::write_fmt(&mut id, format_args!("{i:09}")).expect("write to a String");
        round.add(&id, &respondent, answers);
    }
    let fold = started.elapsed();
    let peak_folded_kb = proc_status_kb(pid, "VmHWM").unwrap_or(0);
    let started = Instant::now();
    let report = round.finish();
    let finish = started.elapsed();
    let peak_finished_kb = proc_status_kb(pid, "VmHWM").unwrap_or(0);
    assert_eq!(report.scored, u64::from(records));
    drop(report);
    Fold { records, fold, finish, rss_before_kb, peak_folded_kb, peak_finished_kb, peak_was_reset }
}

/// The server's round path without the transport: each encoded record decoded with
/// prost, then `fold_round` (validation, folding, `finish()`), in this process.
async fn api_fold(records: u32, shape: RoundShape) -> Fold {
    let survey_year = example_request().response.unwrap().respondent.unwrap().survey_year;
    let messages = RoundRequests::new(survey_year, shape)
        .stream(records)
        .map(|bytes| pb::ScoreRoundRequest::decode(bytes).map_err(|e| Status::internal(e.to_string())));
    let limits = indikator_core::round::RoundLimits { max_records: u64::from(records) };
    let pid = std::process::id();
    let peak_was_reset = std::fs::write("/proc/self/clear_refs", "5").is_ok();
    let rss_before_kb = proc_status_kb(pid, "VmRSS").unwrap_or(0);
    let started = Instant::now();
    let report = indikator_testing::fold_round(Box::pin(messages), limits).await.expect("the round folds");
    let fold = started.elapsed();
    let peak_finished_kb = proc_status_kb(pid, "VmHWM").unwrap_or(0);
    assert_eq!(report.scored, u64::from(records));
    drop(report);
    Fold {
        records,
        fold,
        finish: Duration::ZERO,
        rss_before_kb,
        peak_folded_kb: peak_finished_kb,
        peak_finished_kb,
        peak_was_reset,
    }
}

// ---------------------------------------------------------------------------
// h2load.

struct H2loadRun {
    label: &'static str,
    command: Vec<String>,
}

fn h2load_runs(dir: &Path, url: &str, args: &Args) -> Vec<H2loadRun> {
    let seconds = args.duration.round().max(1.0) as u64;
    let run = |label, body: &str, path: &str| H2loadRun {
        label,
        command: [
            "h2load",
            "-D",
            &seconds.to_string(),
            "--warm-up-time",
            &format!("{}", args.warmup.round().max(1.0) as u64),
            "-c",
            &args.connections.to_string(),
            "-m",
            &args.concurrency.to_string(),
            "--data",
            &dir.join(body).display().to_string(),
            "-H",
            "content-type: application/grpc",
            "-H",
            "te: trailers",
            &format!("{url}{path}"),
        ]
        .map(str::to_owned)
        .to_vec(),
    };
    vec![run("h2load Health/Check", "check.bin", CHECK), run("h2load Score", "score.bin", SCORE)]
}

fn shell_quote(word: &str) -> String {
    if word.chars().all(|c| c.is_ascii_alphanumeric() || "-_./:=".contains(c)) {
        word.to_owned()
    } else {
        format!("'{word}'")
    }
}

#[derive(Debug, Default)]
struct H2loadFigures {
    requests_per_s: Option<f64>,
    succeeded: Option<u64>,
    failed: Option<u64>,
    mean_us: Option<f64>,
}

fn parse_h2load(output: &str) -> H2loadFigures {
    let mut f = H2loadFigures::default();
    for line in output.lines() {
        let line = line.trim();
        if let Some(rest) = line.strip_prefix("finished in") {
            f.requests_per_s = rest.split(',').nth(1).and_then(|s| s.trim().strip_suffix("req/s")?.trim().parse().ok());
        } else if let Some(rest) = line.strip_prefix("requests:") {
            let number = |word: &str| {
                rest.split(',')
                    .find(|p| p.trim().ends_with(word))
                    .and_then(|p| p.split_whitespace().next()?.parse().ok())
            };
            f.succeeded = number("succeeded");
            f.failed = number("failed");
        } else if let Some(rest) = line.strip_prefix("time for request:") {
            f.mean_us = rest.split_whitespace().nth(2).and_then(parse_h2load_time);
        }
    }
    f
}

/// `123.45us`, `1.23ms`, `2.00s` → microseconds.
fn parse_h2load_time(s: &str) -> Option<f64> {
    let (number, scale) = if let Some(n) = s.strip_suffix("us") {
        (n, 1.0)
    } else if let Some(n) = s.strip_suffix("ms") {
        (n, 1e3)
    } else {
        (s.strip_suffix('s')?, 1e6)
    };
    Some(number.parse::<f64>().ok()? * scale)
}

/// Runs `nghttp -v` once with a body file: the gRPC status in the trailers.
fn nghttp_grpc_status(body: &Path, url: &str) -> Option<String> {
    let out = Command::new("nghttp")
        .args(["-v", "-H", "content-type: application/grpc", "-H", "te: trailers", "-d"])
        .arg(body)
        .arg(url)
        .output()
        .ok()?;
    let text = String::from_utf8_lossy(&out.stdout);
    text.lines().find_map(|l| Some(l[l.find("grpc-status: ")? + 13..].trim().to_owned()))
}

// ---------------------------------------------------------------------------

struct Report {
    rows: Vec<(String, String, String)>,
    json: serde_json::Map<String, Value>,
}

impl Report {
    fn row(&mut self, key: &str, label: &str, value: Value, shown: String, note: &str) {
        self.json.insert(key.to_owned(), value);
        self.rows.push((label.to_owned(), shown, note.to_owned()));
    }

    /// A row `numerator / denominator`, when both were measured.
    fn ratio(&mut self, key: &str, label: &str, numerator: Option<f64>, denominator: Option<f64>, note: &str) {
        if let (Some(n), Some(d)) = (numerator, denominator) {
            let ratio = n / d;
            self.row(key, label, json!(ratio), format!("{ratio:.3}"), note);
        }
    }

    fn print(&self) {
        let w0 = self.rows.iter().map(|r| r.0.chars().count()).max().unwrap_or(0);
        let w1 = self.rows.iter().map(|r| r.1.chars().count()).max().unwrap_or(0);
        for (label, value, note) in &self.rows {
            println!("{label:<w0$}  {value:>w1$}  {note}");
        }
    }
}

fn f1(x: f64) -> String {
    if x >= 100.0 { format!("{x:.0}") } else { format!("{x:.1}") }
}

fn mb(kb: u64) -> String {
    format!("{:.1} MB", kb as f64 * 1024.0 / 1e6)
}

fn median(mut xs: Vec<f64>) -> f64 {
    xs.sort_by(f64::total_cmp);
    xs[xs.len() / 2]
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error + Send + Sync>> {
    let args = Args::parse();
    if args.serve_bare {
        return serve_bare(RoundShape::of(&args)).await;
    }
    let phases: Vec<&str> = args.phases.split(',').map(str::trim).filter(|p| !p.is_empty()).collect();
    if let Some(unknown) = phases.iter().find(|p| !["check", "score", "stream", "round", "bare", "fold"].contains(p)) {
        return Err(format!("unknown phase {unknown:?}").into());
    }
    let duration = Duration::from_secs_f64(args.duration);
    let warmup = Duration::from_secs_f64(args.warmup);
    let mut report = Report { rows: Vec::new(), json: serde_json::Map::new() };

    let cpu = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|c| {
            c.lines().find(|l| l.starts_with("model name")).map(|l| l.split(':').nth(1).unwrap_or("").trim().to_owned())
        })
        .unwrap_or_default();
    let cores = std::thread::available_parallelism().map(|n| n.get()).unwrap_or(0);
    report.row("machine", "machine", json!({"cpus": cores, "cpu": cpu}), format!("{cores} × {cpu}"), "");
    let mode = match (&args.server, &args.spawn) {
        (Some(_), _) => "remote",
        (_, Some(_)) => "spawned",
        _ => "in-process",
    };
    report.row(
        "settings",
        "settings",
        json!({"server": mode, "nodelay_listener": args.nodelay_listener, "server_env": args.server_env, "connections": args.connections, "concurrency": args.concurrency,
               "duration_s": args.duration, "round_ssb_only": args.round_ssb_only, "round_codes_only": args.round_codes_only, "warmup_s": args.warmup, "repeat": args.repeat}),
        format!(
            "{mode}{}, {} conn × {} in flight, {} s × {}",
            if args.nodelay_listener { " (TCP_NODELAY)" } else { "" },
            args.connections,
            args.concurrency,
            args.duration,
            args.repeat
        ),
        "",
    );

    // The server.
    let (target, url) = if let Some(url) = &args.server {
        (Target::Remote, url.clone())
    } else if let Some(binary) = &args.spawn {
        let envs = server_envs(&args)?;
        let (server, samples) = start_samples(binary, &envs, args.startup_samples.max(1)).await?;
        let ms = |f: fn(&Startup) -> Duration| samples.iter().map(|s| f(s).as_secs_f64() * 1e3).collect::<Vec<_>>();
        let serving = ms(|s| s.to_serving);
        let log = ms(|s| s.to_log_line);
        let rss: Vec<f64> = samples.iter().map(|s| s.idle_rss_kb as f64).collect();
        let min = serving.iter().copied().fold(f64::MAX, f64::min);
        let max = serving.iter().copied().fold(0.0, f64::max);
        report.row(
            "startup",
            "start → SERVING (median)",
            json!({"samples": samples.len(), "to_serving_ms": serving, "to_log_line_ms": log, "idle_rss_kb": rss}),
            format!("{:.1} ms", median(serving.clone())),
            &format!("min {min:.1}, max {max:.1}; log line at {:.1} ms; {} starts", median(log), samples.len()),
        );
        let idle = median(rss) as u64;
        report.row("idle_rss_kb", "idle RSS (VmRSS at SERVING)", json!(idle), mb(idle), "median");
        let url = server.address.clone();
        (Target::Spawned(server), url)
    } else {
        let socket = tokio::net::TcpSocket::new_v4()?;
        socket.set_nodelay(args.nodelay_listener)?;
        socket.bind("127.0.0.1:0".parse()?)?;
        let listener = socket.listen(1024)?;
        let url = format!("http://{}", listener.local_addr()?);
        let mut settings = ServerSettings::default();
        settings.round_limits.max_records = 2_000_000;
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        tokio::spawn(indikator_server::run(listener, settings, async {
            let _ = stopped.await;
        }));
        (Target::InProcess { _stop: stop }, url)
    };
    // The bare stack, run the way the server under test runs (its own process with --spawn).
    let bare = if !phases.contains(&"bare") {
        None
    } else if let Target::Spawned(_) = &target {
        let envs = server_envs(&args)?;
        let server = ServerProcess::start_bare(&envs, RoundShape::of(&args)).await?;
        let url = server.address.clone();
        Some((Target::Spawned(server), url))
    } else {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
        let url = format!("http://{}", listener.local_addr()?);
        let answers = std::sync::Arc::new(bare_answers(RoundShape::of(&args)).await);
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        tokio::spawn(bare::serve(listener, answers, async {
            let _ = stopped.await;
        }));
        Some((Target::InProcess { _stop: stop }, url))
    };
    let bare_ref = bare.as_ref().map(|(t, url)| (t, url.as_str()));
    let outcome = run_phases(&mut report, &target, &url, bare_ref, &args, &phases, duration, warmup).await;
    if let Some((Target::Spawned(server), _)) = bare {
        server.stop();
    }
    if let Target::Spawned(server) = target {
        if let Some(hwm) = server.status_kb("VmHWM") {
            report.row("server_peak_rss_kb", "server peak RSS, last phase", json!(hwm), mb(hwm), "VmHWM at the end");
        }
        server.stop();
    }
    outcome?;
    finish(&report, &args)?;
    Ok(())
}

fn server_envs(args: &Args) -> Result<Vec<(String, String)>, String> {
    args.server_env
        .iter()
        .map(|kv| kv.split_once('=').map(|(k, v)| (k.to_owned(), v.to_owned())))
        .collect::<Option<Vec<_>>>()
        .ok_or_else(|| "--server-env takes NAME=VALUE".to_owned())
}

/// The bare stack's answers: what indikator answers to this tool's requests.
async fn bare_answers(shape: RoundShape) -> bare::Answers {
    let survey_year = example_request().response.unwrap().respondent.unwrap().survey_year;
    let round = RoundRequests::new(survey_year, shape);
    let record = Bytes::from(round.template.clone());
    bare::Answers::of_example(example_request(), record, round.header).await
}

/// `--serve-bare`: the bare stack alone, until SIGTERM or Ctrl-C.
async fn serve_bare(shape: RoundShape) -> Result<(), Box<dyn std::error::Error + Send + Sync>> {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let answers = std::sync::Arc::new(bare_answers(shape).await);
    eprintln!("{BARE_LOG_LINE}{}", listener.local_addr()?);
    let mut terminate = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())?;
    bare::serve(listener, answers, async move {
        tokio::select! {
            _ = terminate.recv() => {}
            _ = tokio::signal::ctrl_c() => {}
        }
    })
    .await?;
    Ok(())
}

/// Starts the binary `n` times; keeps the last one running.
async fn start_samples(
    binary: &Path,
    envs: &[(String, String)],
    n: usize,
) -> Result<(ServerProcess, Vec<Startup>), String> {
    let mut samples = Vec::new();
    loop {
        let (server, startup) = ServerProcess::start(binary, envs).await?;
        eprintln!(
            "start {}: log line {:.1} ms, SERVING {:.1} ms, idle RSS {}",
            samples.len() + 1,
            startup.to_log_line.as_secs_f64() * 1e3,
            startup.to_serving.as_secs_f64() * 1e3,
            mb(startup.idle_rss_kb)
        );
        samples.push(startup);
        if samples.len() == n {
            return Ok((server, samples));
        }
        server.stop();
    }
}

fn finish(report: &Report, args: &Args) -> std::io::Result<()> {
    let json = serde_json::to_string_pretty(&Value::Object(report.json.clone())).expect("json");
    if let Some(path) = &args.json_file {
        std::fs::write(path, format!("{json}\n"))?;
    }
    if args.json {
        println!("{json}");
    } else {
        report.print();
    }
    Ok(())
}

#[allow(clippy::too_many_arguments)]
async fn run_phases(
    report: &mut Report,
    target: &Target,
    url: &str,
    bare: Option<(&Target, &str)>,
    args: &Args,
    phases: &[&str],
    duration: Duration,
    warmup: Duration,
) -> Result<(), Box<dyn std::error::Error + Send + Sync>> {
    let server = match target {
        Target::Spawned(s) => Some(s),
        _ => None,
    };
    let mut channels = Vec::new();
    let mut bare_channels = Vec::new();
    for _ in 0..args.connections.max(1) {
        channels.push(Endpoint::from_shared(url.to_owned())?.connect().await?);
        if let Some((_, bare_url)) = bare {
            bare_channels.push(Endpoint::from_shared(bare_url.to_owned())?.connect().await?);
        }
    }
    let bare_server = match bare {
        Some((Target::Spawned(s), _)) => Some(s),
        _ => None,
    };
    let server_pid = server.map(ServerProcess::pid);
    let bare_pid = bare_server.map(ServerProcess::pid);
    let score = Bytes::from(example_request().encode_to_vec());
    let check = check_body();

    // Sanity: one call of each, decoded.
    let mut grpc = Grpc::new(channels[0].clone());
    let answer = pb::ScoreResponse::decode(unary(&mut grpc, SCORE, score.clone()).await?)?;
    if answer.results.and_then(|r| r.ssb_2018).is_none() {
        return Err("Score answered without ssb_2018 results".into());
    }
    let health = HealthCheckResponse::decode(unary(&mut grpc, CHECK, check.clone()).await?)?;
    if health.status() != ServingStatus::Serving {
        return Err(format!("Health/Check answered {:?}", health.status()).into());
    }
    let answer_len = unary(&mut grpc, SCORE, score.clone()).await?.len();
    report.row(
        "sizes",
        "Score request / response bytes",
        json!({"score_request": score.len(), "score_response": answer_len, "check_request": check.len()}),
        format!("{} / {}", score.len(), answer_len),
        "protobuf, before the 5-byte gRPC prefix",
    );

    let with_bare = !bare_channels.is_empty();
    let unary_wanted = phases.contains(&"check") || phases.contains(&"score");
    if unary_wanted {
        let mut pooled_check = Unary::default();
        let mut pooled_score = Unary::default();
        let mut pooled_bare = Unary::default();
        for round in 0..args.repeat.max(1) {
            for (name, wanted, path, body, on, pid, pooled) in [
                ("check", phases.contains(&"check"), CHECK, &check, &channels, server_pid, &mut pooled_check),
                ("score", phases.contains(&"score"), SCORE, &score, &channels, server_pid, &mut pooled_score),
                (
                    "bare unary",
                    phases.contains(&"score") && with_bare,
                    bare::UNARY,
                    &score,
                    &bare_channels,
                    bare_pid,
                    &mut pooled_bare,
                ),
            ] {
                if !wanted {
                    continue;
                }
                eprintln!("{name} (run {}): warm-up {warmup:?}, then {duration:?}", round + 1);
                unary_load(on, args.concurrency, path, body.clone(), warmup, pid).await;
                let u = unary_load(on, args.concurrency, path, body.clone(), duration, pid).await;
                eprintln!("  {:.0} req/s, {} errors", u.rate(), u.errors);
                pooled.pool(u);
            }
        }
        let mut rates = serde_json::Map::new();
        for (key, label, u) in [
            ("check", "Health/Check (bare stack)", &mut pooled_check),
            ("score", "Score", &mut pooled_score),
            ("bare_unary", "bare Unary, Score's bytes", &mut pooled_bare),
        ] {
            if u.ok == 0 {
                continue;
            }
            let (p50, p99, rate) = (u.percentile_us(0.50), u.percentile_us(0.99), u.rate());
            rates.insert(key.to_owned(), json!(rate));
            report.row(
                key,
                &format!("{label} requests/s"),
                json!({"requests_per_s": rate, "ok": u.ok, "errors": u.errors, "seconds": u.elapsed.as_secs_f64(),
                       "p50_us": p50, "p99_us": p99, "server_cpu_us_per_call": u.cpu.server_us_per(u.ok),
                       "this_process_cpu_us_per_call": u.cpu.this_process_us_per(u.ok)}),
                format!("{rate:.0}"),
                &format!(
                    "p50 {} µs, p99 {} µs, {} calls, {} errors; {}",
                    f1(p50),
                    f1(p99),
                    u.ok,
                    u.errors,
                    cpu_note(&u.cpu, u.ok, "call")
                ),
            );
        }
        let rate = |u: &Unary| (u.ok > 0).then(|| u.rate());
        let (check, score, bare) = (rate(&pooled_check), rate(&pooled_score), rate(&pooled_bare));
        report.ratio("score_over_check", "Score / Health/Check rate", score, check, "target ≥ 0.9");
        report.ratio(
            "score_over_bare_unary",
            "Score / bare Unary rate",
            score,
            bare,
            "same bytes both ways: what indikator's own work costs",
        );
        report.ratio(
            "bare_unary_over_check",
            "bare Unary / Health/Check rate",
            bare,
            check,
            "the bound on Score / Check when indikator's work costs nothing",
        );
    }

    if phases.contains(&"stream") {
        let streams = args.streams.unwrap_or(args.connections).max(1);
        let request = pb::ScoreStreamRequest { record_id: "s".into(), response: example_request().response };
        let record = Bytes::from(request.encode_to_vec());
        let mut rates = Vec::new();
        for (key, label, path, on, pid) in [
            ("stream", "ScoreStream records/s", SCORE_STREAM, &channels, server_pid),
            ("bare_stream", "bare Stream records/s", bare::STREAM, &bare_channels, bare_pid),
        ] {
            if on.is_empty() {
                continue;
            }
            eprintln!("{label}: {streams} streams, warm-up {warmup:?}, then {duration:?}");
            stream_load(on, path, streams, record.clone(), warmup, pid).await?;
            let s = stream_load(on, path, streams, record.clone(), duration, pid).await?;
            let rate = s.records as f64 / s.elapsed.as_secs_f64();
            rates.push(rate);
            report.row(
                key,
                label,
                json!({"records_per_s": rate, "records": s.records, "streams": streams, "seconds": s.elapsed.as_secs_f64(),
                       "server_cpu_us_per_record": s.cpu.server_us_per(s.records),
                       "this_process_cpu_us_per_record": s.cpu.this_process_us_per(s.records)}),
                format!("{rate:.0}"),
                &format!(
                    "{streams} streams, {} records; {}; target ≥ 500000",
                    s.records,
                    cpu_note(&s.cpu, s.records, "record")
                ),
            );
        }
        if let [score, bare] = rates[..] {
            report.ratio(
                "stream_over_bare_stream",
                "ScoreStream / bare Stream rate",
                Some(score),
                Some(bare),
                "same bytes both ways",
            );
        }
    }

    if phases.contains(&"fold") {
        eprintln!("fold: {} records in this process", args.round_records);
        let f = core_fold(args.round_records, args.round_ssb_only);
        let a = api_fold(args.round_records, RoundShape::of(args)).await;
        report.row(
            "fold",
            &format!("core fold of {} records{}", f.records, if args.round_ssb_only { " (ssb-2018 only)" } else { "" }),
            json!({"records": f.records, "fold_s": f.fold.as_secs_f64(), "finish_s": f.finish.as_secs_f64(),
                   "rss_before_kb": f.rss_before_kb, "peak_folded_kb": f.peak_folded_kb, "peak_finished_kb": f.peak_finished_kb,
                   "peak_was_reset": f.peak_was_reset}),
            format!("{:.2} s", (f.fold + f.finish).as_secs_f64()),
            &format!(
                "RoundAggregator in this process: add {:.2} s + finish {:.2} s; peak RSS +{} folded, +{} finished{}",
                f.fold.as_secs_f64(),
                f.finish.as_secs_f64(),
                mb(f.peak_folded_kb.saturating_sub(f.rss_before_kb)),
                mb(f.peak_finished_kb.saturating_sub(f.rss_before_kb)),
                if f.peak_was_reset { "" } else { " (VmHWM not reset: lifetime peak)" }
            ),
        );
        report.row(
            "api_fold",
            &format!("decode + validate + fold of {} records", a.records),
            json!({"records": a.records, "fold_s": a.fold.as_secs_f64(), "rss_before_kb": a.rss_before_kb,
                   "peak_finished_kb": a.peak_finished_kb, "peak_was_reset": a.peak_was_reset}),
            format!("{:.2} s", a.fold.as_secs_f64()),
            &format!(
                "the server's fold_round on decoded protobuf, no transport; peak RSS +{}",
                mb(a.peak_finished_kb.saturating_sub(a.rss_before_kb)),
            ),
        );
    }

    if phases.contains(&"round") {
        let ssb = match (args.round_ssb_only, args.round_codes_only) {
            (false, false) => "",
            (true, false) => " (ssb-2018 only)",
            (false, true) => " (code-only cards)",
            (true, true) => " (ssb-2018 only, code-only cards)",
        };
        let mut times = Vec::new();
        for (key, label, path, on, process) in [
            ("round", "ScoreRound", SCORE_ROUND, &channels, server),
            ("bare_round", "bare Round", bare::ROUND, &bare_channels, bare_server),
        ] {
            let Some(channel) = on.first() else { continue };
            eprintln!("{label}: {} records", args.round_records);
            let r = round_load(channel, path, args.round_records, RoundShape::of(args), process).await?;
            if r.scored != u64::from(r.records) || r.cards != u64::from(r.records) {
                return Err(format!(
                    "{label}: {} scored, {} rejected, {} cards of {}",
                    r.scored, r.rejected, r.cards, r.records
                )
                .into());
            }
            let seconds = r.to_summary.as_secs_f64();
            times.push(seconds);
            report.row(
                key,
                &format!("{label} {} records{ssb}", r.records),
                json!({"records": r.records, "seconds_to_summary": seconds, "seconds_to_first_card": r.to_first_card.as_secs_f64(),
                       "records_per_s": f64::from(r.records) / seconds, "cards": r.cards, "scored": r.scored,
                       "server_cpu_us_per_record": r.cpu.server_us_per(u64::from(r.records)),
                       "this_process_cpu_us_per_record": r.cpu.this_process_us_per(u64::from(r.records))}),
                format!("{seconds:.2} s"),
                &format!(
                    "{:.0} records/s; first score card at {:.2} s (round read); {}; target ≤ 3 s",
                    f64::from(r.records) / seconds,
                    r.to_first_card.as_secs_f64(),
                    cpu_note(&r.cpu, u64::from(r.records), "record")
                ),
            );
            if let Some(peak) = r.server_peak_rss_kb {
                report.row(
                    &format!("{key}_server_peak_rss_kb"),
                    &format!("{label}: server peak RSS"),
                    json!({"peak_kb": peak, "peak_when_folded_kb": r.server_peak_rss_folded_kb,
                           "rss_before_kb": r.server_rss_before_kb, "rss_after_kb": r.server_rss_after_kb,
                           "peak_reset_before_round": r.peak_was_reset}),
                    mb(peak),
                    &format!(
                        "VmHWM{}; {} when read; RSS before {}, after {}; target ≤ 100 MB",
                        if r.peak_was_reset { " (reset just before)" } else { " (lifetime: reset failed)" },
                        r.server_peak_rss_folded_kb.map(mb).unwrap_or_default(),
                        r.server_rss_before_kb.map(mb).unwrap_or_default(),
                        r.server_rss_after_kb.map(mb).unwrap_or_default()
                    ),
                );
            }
        }
        if let [score, bare] = times[..] {
            report.ratio(
                "round_over_bare_round",
                "ScoreRound / bare Round time",
                Some(score),
                Some(bare),
                "same bytes both ways",
            );
        }
    }
    if matches!(target, Target::InProcess { .. })
        && let Some(hwm) = proc_status_kb(std::process::id(), "VmHWM")
    {
        report.row("process_peak_rss_kb", "this process's peak RSS", json!(hwm), mb(hwm), "client and server together");
    }

    if let Some(dir) = &args.write_h2load_bodies {
        std::fs::create_dir_all(dir)?;
        std::fs::File::create(dir.join("score.bin"))?.write_all(&grpc_frame(&score))?;
        std::fs::File::create(dir.join("check.bin"))?.write_all(&grpc_frame(&check))?;
        let runs = h2load_runs(dir, url, args);
        for run in &runs {
            eprintln!("{}:\n  {}", run.label, run.command.iter().map(|w| shell_quote(w)).collect::<Vec<_>>().join(" "));
        }
        if args.h2load {
            let mut h2_rates = Vec::new();
            for ((run, body), path) in runs.iter().zip(["check.bin", "score.bin"]).zip([CHECK, SCORE]) {
                let status = nghttp_grpc_status(&dir.join(body), &format!("{url}{path}"));
                eprintln!("nghttp sanity check of {body}: grpc-status {status:?}");
                let out = Command::new(&run.command[0]).args(&run.command[1..]).output()?;
                let text = String::from_utf8_lossy(&out.stdout);
                let f = parse_h2load(&text);
                if f.requests_per_s.is_none() {
                    eprintln!("{text}{}", String::from_utf8_lossy(&out.stderr));
                    return Err(format!("{}: no figures in h2load's output", run.label).into());
                }
                let rate = f.requests_per_s.unwrap_or(0.0);
                h2_rates.push(rate);
                let key = format!("h2load_{}", &body[..body.len() - 4]);
                report.row(
                    &key,
                    &format!("{} requests/s", run.label),
                    json!({"requests_per_s": rate, "succeeded": f.succeeded, "failed": f.failed, "mean_us": f.mean_us,
                           "grpc_status_sanity_check": status, "command": run.command}),
                    format!("{rate:.0}"),
                    &format!(
                        "mean {} µs, {} succeeded, {} failed (HTTP); nghttp grpc-status {}",
                        f.mean_us.map(f1).unwrap_or_default(),
                        f.succeeded.unwrap_or(0),
                        f.failed.unwrap_or(0),
                        status.as_deref().unwrap_or("?")
                    ),
                );
            }
            if let [check, score] = h2_rates[..] {
                report.row(
                    "h2load_score_over_check",
                    "h2load Score / Health/Check rate",
                    json!(score / check),
                    format!("{:.3}", score / check),
                    "",
                );
            }
        }
    }
    Ok(())
}
