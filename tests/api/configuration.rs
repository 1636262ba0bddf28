//! Configuration as operators give it: the real binary started with flags, with
//! environment variables, and with both (flags win), each setting observed from
//! outside, as a client or a raw TCP / HTTP/2 peer sees it. Every row of the
//! docs/configuration.md's table has a test here that fails if the flag or the
//! variable were ignored, except `--shutdown-grace` (the drain tests:
//! `shutdown.rs`, `production.rs`).
//!
//! Durations are asserted only as "within a few seconds" of a short timeout the
//! test itself sets, always well below the default a server ignoring the
//! setting would use.

use std::time::Duration;

use indikator_client::proto::v1::{self as pb, indicator_service_client::IndicatorServiceClient};
use prost::Message;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tonic::Code;
use tonic::transport::Channel;
use tonic_health::pb::{HealthCheckRequest, health_check_response::ServingStatus, health_client::HealthClient};

use crate::helpers::{assert_example_scored, example_request, served_once_a_permit_is_free};
use crate::process::{ServerProcess, StartFailure};
use crate::production::{pki, tls_channel};

/// docs/configuration.md's table: every flag and its environment variable.
const VARIABLES: [(&str, &str); 33] = [
    ("--listen", "INDIKATOR_LISTEN"),
    ("--log-format", "INDIKATOR_LOG_FORMAT"),
    ("--log-level", "INDIKATOR_LOG"),
    ("--max-message-bytes", "INDIKATOR_MAX_MESSAGE_BYTES"),
    ("--max-concurrent-requests", "INDIKATOR_MAX_CONCURRENT_REQUESTS"),
    ("--keepalive-interval", "INDIKATOR_KEEPALIVE_INTERVAL"),
    ("--keepalive-timeout", "INDIKATOR_KEEPALIVE_TIMEOUT"),
    ("--max-connection-age", "INDIKATOR_MAX_CONNECTION_AGE"),
    ("--handshake-timeout", "INDIKATOR_HANDSHAKE_TIMEOUT"),
    // Observed from outside in hostile.rs and shutdown.rs.
    ("--max-streams-per-connection", "INDIKATOR_MAX_STREAMS_PER_CONNECTION"),
    ("--max-connections", "INDIKATOR_MAX_CONNECTIONS"),
    ("--max-health-watches", "INDIKATOR_MAX_HEALTH_WATCHES"),
    ("--stream-idle-timeout", "INDIKATOR_STREAM_IDLE_TIMEOUT"),
    ("--body-timeout", "INDIKATOR_BODY_TIMEOUT"),
    ("--memory-budget-bytes", "INDIKATOR_MEMORY_BUDGET_BYTES"),
    ("--drain-delay", "INDIKATOR_DRAIN_DELAY"),
    ("--tls-cert", "INDIKATOR_TLS_CERT"),
    ("--tls-key", "INDIKATOR_TLS_KEY"),
    ("--tls-client-ca", "INDIKATOR_TLS_CLIENT_CA"),
    ("--catalogue-dir", "INDIKATOR_CATALOGUE_DIR"),
    ("--max-round-records", "INDIKATOR_MAX_ROUND_RECORDS"),
    ("--shutdown-grace", "INDIKATOR_SHUTDOWN_GRACE"),
    // Observed from outside in auth.rs.
    ("--auth-jwks", "INDIKATOR_AUTH_JWKS"),
    ("--auth-issuer", "INDIKATOR_AUTH_ISSUER"),
    ("--auth-audience", "INDIKATOR_AUTH_AUDIENCE"),
    ("--auth-leeway", "INDIKATOR_AUTH_LEEWAY"),
    ("--auth-max-lifetime", "INDIKATOR_AUTH_MAX_LIFETIME"),
    ("--auth-jwks-ca", "INDIKATOR_AUTH_JWKS_CA"),
    ("--auth-jwks-refresh", "INDIKATOR_AUTH_JWKS_REFRESH"),
    ("--auth-algorithms", "INDIKATOR_AUTH_ALGORITHMS"),
    ("--auth-scope", "INDIKATOR_AUTH_SCOPES"),
    ("--auth-client-cert", "INDIKATOR_AUTH_CLIENT_CERTS"),
    ("--cors-allowed-origin", "INDIKATOR_CORS_ALLOWED_ORIGINS"),
];

fn variable(flag: &str) -> &'static str {
    VARIABLES.iter().find(|(f, _)| *f == flag).unwrap_or_else(|| panic!("{flag} is not in the table")).1
}

/// How a setting is given.
#[derive(Debug, Clone, Copy)]
enum Via {
    Flag,
    Env,
}

const BOTH: [Via; 2] = [Via::Flag, Via::Env];

/// `indikator serve` with settings given as flags or environment variables.
struct Setup {
    args: Vec<String>,
    envs: Vec<(String, String)>,
}

impl Setup {
    fn new() -> Self {
        Self { args: vec!["serve".into()], envs: Vec::new() }
    }

    fn set(mut self, via: Via, flag: &str, value: impl Into<String>) -> Self {
        match via {
            Via::Flag => self.args.extend([flag.to_owned(), value.into()]),
            Via::Env => self.envs.push((variable(flag).to_owned(), value.into())),
        }
        self
    }

    fn flag(self, flag: &str, value: impl Into<String>) -> Self {
        self.set(Via::Flag, flag, value)
    }

    fn env(self, flag: &str, value: impl Into<String>) -> Self {
        self.set(Via::Env, flag, value)
    }

    /// Starts the binary; on 127.0.0.1:0 unless the listen address is set.
    fn try_start(&self) -> Result<ServerProcess, StartFailure> {
        let mut args: Vec<&str> = self.args.iter().map(String::as_str).collect();
        let listen_given = args.contains(&"--listen") || self.envs.iter().any(|(name, _)| name == "INDIKATOR_LISTEN");
        if !listen_given {
            args.extend(["--listen", "127.0.0.1:0"]);
        }
        let envs: Vec<(&str, &str)> = self.envs.iter().map(|(n, v)| (n.as_str(), v.as_str())).collect();
        ServerProcess::launch(&args, &envs)
    }

    fn start(&self) -> ServerProcess {
        self.try_start().unwrap_or_else(|failure| panic!("{:?} {:?}: {failure:?}", self.args, self.envs))
    }
}

async fn client(server: &ServerProcess) -> IndicatorServiceClient<Channel> {
    IndicatorServiceClient::new(Channel::from_shared(server.address.clone()).unwrap().connect().await.unwrap())
}

async fn health(channel: Channel) -> ServingStatus {
    HealthClient::new(channel).check(HealthCheckRequest::default()).await.unwrap().into_inner().status()
}

fn stream_request(id: &str) -> pb::ScoreStreamRequest {
    pb::ScoreStreamRequest { record_id: id.into(), response: example_request().response }
}

fn round_header() -> pb::ScoreRoundRequest {
    pb::ScoreRoundRequest {
        item: Some(pb::score_round_request::Item::Header(pb::RoundHeader {
            round_id: "configuration".into(),
            survey_year: 2018,
            calibration: pb::Calibration::Published as i32,
            ..Default::default()
        })),
    }
}

/// A round of `records` records (the README example under distinct organisation numbers).
fn round(records: usize) -> Vec<pb::ScoreRoundRequest> {
    const ORGANISATIONS: [&str; 3] = ["958935420", "964338531", "971526920"];
    let records = ORGANISATIONS.iter().take(records).enumerate().map(|(i, org)| {
        let mut response = example_request().response.unwrap();
        response.respondent.as_mut().unwrap().organisation_number = (*org).into();
        pb::ScoreRoundRequest {
            item: Some(pb::score_round_request::Item::Record(pb::RoundRecord {
                record_id: format!("r{i}"),
                response: Some(response),
            })),
        }
    });
    std::iter::once(round_header()).chain(records).collect()
}

async fn run_round(
    client: &mut IndicatorServiceClient<Channel>,
    messages: Vec<pb::ScoreRoundRequest>,
) -> Result<Vec<pb::ScoreRoundResponse>, tonic::Status> {
    let mut out = client.score_round(futures::stream::iter(messages)).await?.into_inner();
    let mut all = Vec::new();
    while let Some(message) = out.message().await? {
        all.push(message);
    }
    Ok(all)
}

// ---- --listen ----

#[tokio::test]
async fn the_listen_address_comes_from_the_flag_or_the_environment() {
    for via in BOTH {
        // Ignored, the server would log the default 0.0.0.0:50051 and start() would fail.
        let server = Setup::new().set(via, "--listen", "127.0.0.1:0").start();
        let channel = Channel::from_shared(server.address.clone()).unwrap().connect().await.unwrap();
        assert_eq!(health(channel).await, ServingStatus::Serving, "{via:?}");
    }
}

// ---- --log-format, --log-level ----

#[tokio::test]
async fn json_logs_are_one_object_per_line_by_flag_or_environment() {
    for via in BOTH {
        let mut server = Setup::new().set(via, "--log-format", "json").start();
        let line: serde_json::Value = serde_json::from_str(&server.startup_line)
            .unwrap_or_else(|e| panic!("{via:?}: the start-up line is not JSON ({e}): {}", server.startup_line));
        assert_eq!(line["fields"]["message"], "serving indikator.v1.IndicatorService", "{via:?}: {line}");
        assert_eq!(line["level"], "INFO", "{via:?}: {line}");
        // A later line too.
        run_round(&mut client(&server).await, round(1)).await.unwrap();
        let later = server.log_line("round started", Duration::from_secs(10)).await;
        let later: serde_json::Value = serde_json::from_str(&later).expect("a JSON line");
        assert_eq!(later["fields"]["round_id"], "configuration", "{via:?}: {later}");
    }
}

#[tokio::test]
async fn the_log_filter_comes_from_the_flag_or_the_environment() {
    for via in BOTH {
        // `call finished` is logged at debug level, so only under a filter that enables it.
        let mut server = Setup::new().set(via, "--log-level", "info,indikator_server::middleware=debug").start();
        assert_example_scored(client(&server).await.score(example_request()).await.unwrap().into_inner());
        let line = server.log_line("call finished", Duration::from_secs(10)).await;
        assert!(line.contains("DEBUG"), "{via:?}: {line}");
    }
}

// ---- --max-message-bytes ----

/// A GetMethodology request of exactly `bytes` bytes, naming no methodology.
fn methodology_request_of(bytes: usize) -> pb::GetMethodologyRequest {
    // One byte of tag and two of length for ids of 128 to 16,383 bytes.
    let request = pb::GetMethodologyRequest { methodology_id: "x".repeat(bytes - 3) };
    assert_eq!(request.encoded_len(), bytes);
    request
}

#[tokio::test]
async fn the_message_size_limit_is_enforced_at_its_configured_value() {
    const LIMIT: usize = 3000;
    for via in BOTH {
        let server = Setup::new().set(via, "--max-message-bytes", LIMIT.to_string()).start();
        let mut client = client(&server).await;
        // A request of exactly the limit is read (and refused for naming no methodology)…
        let status = client.get_methodology(methodology_request_of(LIMIT)).await.unwrap_err();
        assert_eq!(status.code(), Code::InvalidArgument, "{via:?}: {status:?}");
        // …one byte more is not read at all.
        let status = client.get_methodology(methodology_request_of(LIMIT + 1)).await.unwrap_err();
        assert_eq!(status.code(), Code::OutOfRange, "{via:?}: {status:?}");
        assert!(status.message().contains(&format!("{}", LIMIT + 1)), "{via:?}: {status:?}");
        // A response over the limit (every methodology: far more than 3000 bytes) is not sent.
        let status = client.get_methodology(pb::GetMethodologyRequest::default()).await.unwrap_err();
        assert_eq!(status.code(), Code::OutOfRange, "{via:?}: {status:?}");
        // Calls within the limit are served.
        assert_example_scored(client.score(example_request()).await.unwrap().into_inner());
    }
}

// ---- --max-concurrent-requests ----

#[tokio::test]
async fn the_concurrency_limit_is_enforced_at_its_configured_value() {
    const LIMIT: usize = 3;
    for via in BOTH {
        let server = Setup::new().set(via, "--max-concurrent-requests", LIMIT.to_string()).start();
        let mut client = client(&server).await;
        // LIMIT open streams, each answered once, are all admitted…
        let mut open = Vec::new();
        for i in 0..LIMIT {
            let (tx, rx) = tokio::sync::mpsc::channel(1);
            let mut inbound =
                client.score_stream(tokio_stream::wrappers::ReceiverStream::new(rx)).await.unwrap().into_inner();
            tx.send(stream_request(&format!("s{i}"))).await.unwrap();
            let answer = inbound.message().await.unwrap().expect("an answer");
            assert_eq!(answer.record_id, format!("s{i}"), "{via:?}");
            open.push((tx, inbound));
        }
        // …and one call more is shed.
        let status = client.score(example_request()).await.unwrap_err();
        assert_eq!(status.code(), Code::ResourceExhausted, "{via:?}: {status:?}");
        assert!(status.message().contains(&format!("limit of {LIMIT} concurrent calls")), "{via:?}: {status:?}");
        // Health checks are exempt.
        let channel = Channel::from_shared(server.address.clone()).unwrap().connect().await.unwrap();
        assert_eq!(health(channel).await, ServingStatus::Serving);
        // Ending one stream frees one permit.
        let (tx, mut inbound) = open.pop().unwrap();
        drop(tx);
        assert!(inbound.message().await.unwrap().is_none(), "the stream ends OK");
        assert_example_scored(served_once_a_permit_is_free(&mut client).await);
    }
}

// ---- --max-round-records ----

#[tokio::test]
async fn the_round_size_limit_is_enforced_at_its_configured_value() {
    for via in BOTH {
        let server = Setup::new().set(via, "--max-round-records", "2").start();
        let mut client = client(&server).await;
        let status = run_round(&mut client, round(3)).await.unwrap_err();
        assert_eq!(status.code(), Code::ResourceExhausted, "{via:?}: {status:?}");
        assert!(status.message().contains("more than 2 records"), "{via:?}: {status:?}");
        let out = run_round(&mut client, round(2)).await.unwrap();
        assert_eq!(out.len(), 3, "{via:?}: two cards and the summary");
        let Some(pb::score_round_response::Item::Summary(summary)) = &out[2].item else { panic!("{out:?}") };
        assert_eq!(summary.accounting.as_ref().unwrap().scored, 2);
    }
}

// ---- raw connections: handshake deadline, keepalive, connection age ----

/// HTTP/2 frame types.
const SETTINGS: u8 = 0x4;
const PING: u8 = 0x6;
const GOAWAY: u8 = 0x7;

/// A raw HTTP/2 client connection: it sends the preface and an empty SETTINGS,
/// acknowledges the server's SETTINGS, and otherwise only reads; it never
/// answers a PING.
struct RawConnection {
    tcp: TcpStream,
}

impl RawConnection {
    async fn open(server: &ServerProcess) -> Self {
        let mut tcp = TcpStream::connect(server.address.trim_start_matches("http://")).await.unwrap();
        tcp.write_all(b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n").await.unwrap();
        tcp.write_all(&[0, 0, 0, SETTINGS, 0, 0, 0, 0, 0]).await.unwrap();
        Self { tcp }
    }

    /// The next frame's type and flags; `None` once the server has closed the connection.
    async fn next_frame(&mut self) -> Option<(u8, u8)> {
        let mut head = [0u8; 9];
        self.tcp.read_exact(&mut head).await.ok()?;
        let length = u32::from_be_bytes([0, head[0], head[1], head[2]]) as usize;
        let mut payload = vec![0; length];
        self.tcp.read_exact(&mut payload).await.ok()?;
        let (kind, flags) = (head[3], head[4]);
        if kind == SETTINGS && flags & 0x1 == 0 {
            self.tcp.write_all(&[0, 0, 0, SETTINGS, 0x1, 0, 0, 0, 0]).await.ok()?;
        }
        Some((kind, flags))
    }

    /// Reads until a frame of `kind` (not an acknowledgement) arrives: true, or
    /// the connection closes first: false.
    async fn frame(&mut self, kind: u8) -> bool {
        while let Some((k, flags)) = self.next_frame().await {
            if k == kind && flags & 0x1 == 0 {
                return true;
            }
        }
        false
    }

    /// Reads until the server closes the connection.
    async fn closed(&mut self) {
        while self.next_frame().await.is_some() {}
    }
}

#[tokio::test]
async fn the_handshake_deadline_comes_from_the_flag_or_the_environment() {
    for via in BOTH {
        // 1 s; the default (10 s) would keep the silent connection past the 6 s waited here.
        let server = Setup::new().set(via, "--handshake-timeout", "1s").start();
        let mut tcp = TcpStream::connect(server.address.trim_start_matches("http://")).await.unwrap();
        let mut sink = Vec::new();
        let closed = tokio::time::timeout(Duration::from_secs(6), tcp.read_to_end(&mut sink)).await;
        assert!(closed.is_ok(), "{via:?}: a connection that sent nothing is still open after 6 s");
        // A client that speaks at once is served.
        assert_example_scored(client(&server).await.score(example_request()).await.unwrap().into_inner());
    }
}

#[tokio::test]
async fn keepalive_pings_come_at_the_configured_interval() {
    for via in BOTH {
        // 1 s; the default (30 s) would send no ping within the 10 s waited here.
        let server = Setup::new().set(via, "--keepalive-interval", "1s").start();
        let mut connection = RawConnection::open(&server).await;
        let ping = tokio::time::timeout(Duration::from_secs(10), connection.frame(PING)).await;
        assert_eq!(ping, Ok(true), "{via:?}: a keepalive PING within 10 s");
    }
}

#[tokio::test]
async fn a_connection_that_does_not_answer_keepalive_pings_is_closed_after_the_configured_timeout() {
    for via in BOTH {
        // 1 s; the default (20 s) would keep the connection past the 10 s waited here.
        let server = Setup::new().flag("--keepalive-interval", "1s").set(via, "--keepalive-timeout", "1s").start();
        let mut connection = RawConnection::open(&server).await;
        let ping = tokio::time::timeout(Duration::from_secs(10), connection.frame(PING)).await;
        assert_eq!(ping, Ok(true), "{via:?}: a keepalive PING");
        let closed = tokio::time::timeout(Duration::from_secs(10), connection.closed()).await;
        assert!(closed.is_ok(), "{via:?}: the connection is still open 10 s after an unanswered PING");
    }
}

#[tokio::test]
async fn a_connection_is_closed_at_the_configured_maximum_age() {
    for via in BOTH {
        // 2 s (and a grace of 1 s); the default (5 min) would leave the connection open
        // past the 15 s waited here.
        let server = Setup::new().set(via, "--max-connection-age", "2s").flag("--shutdown-grace", "1s").start();
        let mut connection = RawConnection::open(&server).await;
        let closing = tokio::time::timeout(Duration::from_secs(15), connection.frame(GOAWAY)).await;
        assert!(closing.is_ok(), "{via:?}: neither GOAWAY nor a close within 15 s");
    }
}

/// README: connections are closed *gracefully* (GOAWAY) at the maximum age.
#[tokio::test]
async fn a_connection_gets_goaway_at_the_configured_maximum_age() {
    for via in BOTH {
        // 2 s; the default (5 min) would send no GOAWAY within the 15 s waited here.
        let server = Setup::new().set(via, "--max-connection-age", "2s").start();
        let mut connection = RawConnection::open(&server).await;
        let goaway = tokio::time::timeout(Duration::from_secs(15), connection.frame(GOAWAY)).await;
        assert_eq!(goaway, Ok(true), "{via:?}: GOAWAY within 15 s");
    }
}

// ---- TLS ----

/// Writes the PKI's PEM files into `dir`; their paths by name.
fn write_pki(dir: &std::path::Path, pki: &crate::production::Pki) -> impl Fn(&str) -> String + use<> {
    for (name, pem) in [
        ("server.pem", &pki.server_cert),
        ("server.key", &pki.server_key),
        ("ca.pem", &pki.ca),
        ("client.pem", &pki.client_cert),
        ("client.key", &pki.client_key),
    ] {
        std::fs::write(dir.join(name), pem).unwrap();
    }
    let dir = dir.to_owned();
    move |name| dir.join(name).display().to_string()
}

/// A plaintext Score call to `address`: its error (it must fail).
async fn plaintext_fails(address: &str) -> tonic::Status {
    let channel = Channel::from_shared(address.to_owned()).unwrap().connect_lazy();
    IndicatorServiceClient::new(channel).score(example_request()).await.expect_err("a plaintext call to a TLS port")
}

#[tokio::test]
async fn tls_is_on_with_a_certificate_and_key_from_flags_or_environment() {
    let pki = pki();
    let dir = tempfile::tempdir().unwrap();
    let path = write_pki(dir.path(), &pki);
    for via in BOTH {
        let server =
            Setup::new().set(via, "--tls-cert", path("server.pem")).set(via, "--tls-key", path("server.key")).start();
        plaintext_fails(&server.address).await;
        let channel = tls_channel(&server.address, &pki, false).await.expect("a TLS connection");
        let response = IndicatorServiceClient::new(channel).score(example_request()).await.unwrap();
        assert_example_scored(response.into_inner());
    }
}

#[tokio::test]
async fn mutual_tls_is_on_with_a_client_ca_from_flag_or_environment() {
    let pki = pki();
    let dir = tempfile::tempdir().unwrap();
    let path = write_pki(dir.path(), &pki);
    for via in BOTH {
        let server = Setup::new()
            .flag("--tls-cert", path("server.pem"))
            .flag("--tls-key", path("server.key"))
            .set(via, "--tls-client-ca", path("ca.pem"))
            .start();
        // Without a client certificate: refused at the handshake or at the first call.
        let anonymous = match tls_channel(&server.address, &pki, false).await {
            Ok(channel) => IndicatorServiceClient::new(channel).score(example_request()).await.err(),
            Err(_) => Some(tonic::Status::unauthenticated("handshake refused")),
        };
        assert!(anonymous.is_some(), "{via:?}: a client without a certificate was served");
        let channel = tls_channel(&server.address, &pki, true).await.expect("a mutual TLS connection");
        let response = IndicatorServiceClient::new(channel).score(example_request()).await.unwrap();
        assert_example_scored(response.into_inner());
    }
}

// ---- --catalogue-dir ----

const OPERATOR_NAME: &str = "Digitalt førstevalg (operatørens katalog)";

/// A directory with the shipped `riksrevisjonen-2015` catalogue renamed.
fn operator_catalogues() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let shipped = include_str!("../../catalogues/riksrevisjonen-2015.toml");
    let renamed = shipped.replacen(
        "name_nb = \"Digitalt førstevalg i kommunale tjenester\"",
        &format!("name_nb = \"{OPERATOR_NAME}\""),
        1,
    );
    assert_ne!(renamed, shipped);
    std::fs::write(dir.path().join("riksrevisjonen-2015.toml"), renamed).unwrap();
    dir
}

/// A directory with a catalogue that does not parse.
fn broken_catalogues() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("broken.toml"), "id = \"riksrevisjonen-2015\"\nareas = 7\n").unwrap();
    dir
}

async fn riksrevisjonen_name(server: &ServerProcess) -> String {
    let request = pb::GetMethodologyRequest { methodology_id: "riksrevisjonen-2015".into() };
    client(server).await.get_methodology(request).await.unwrap().into_inner().methodologies.remove(0).name
}

#[tokio::test]
async fn the_catalogue_directory_comes_from_the_flag_or_the_environment() {
    let catalogues = operator_catalogues();
    let broken = broken_catalogues();
    for via in BOTH {
        let server = Setup::new().set(via, "--catalogue-dir", catalogues.path().display().to_string()).start();
        assert_eq!(riksrevisjonen_name(&server).await, OPERATOR_NAME, "{via:?}");
        // A broken catalogue stops the server, naming the file.
        let failure = Setup::new()
            .set(via, "--catalogue-dir", broken.path().display().to_string())
            .try_start()
            .err()
            .unwrap_or_else(|| panic!("{via:?}: a broken catalogue directory must stop the server"));
        assert_eq!(failure.code, Some(1), "{via:?}: {failure:?}");
        assert!(failure.stderr.contains("broken.toml"), "{via:?}: {failure:?}");
    }
    // Without it, the shipped catalogue.
    let server = Setup::new().start();
    assert_eq!(riksrevisjonen_name(&server).await, "Digitalt førstevalg i kommunale tjenester");
}

// ---- flags win ----

#[tokio::test]
async fn flags_win_over_environment_variables() {
    let pki = pki();
    let dir = tempfile::tempdir().unwrap();
    let path = write_pki(dir.path(), &pki);
    let catalogues = operator_catalogues();
    let broken = broken_catalogues();
    // A port the test holds: the server cannot listen there.
    let occupied = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let occupied = occupied.local_addr().unwrap().to_string();
    let missing = dir.path().join("missing.pem").display().to_string();

    // Each variable alone would stop or change the server; the flags undo every one.
    let setup = Setup::new()
        .env("--listen", occupied)
        .flag("--listen", "127.0.0.1:0")
        .env("--log-format", "json")
        .flag("--log-format", "text")
        .env("--log-level", "off")
        .flag("--log-level", "info")
        .env("--max-message-bytes", "64")
        .flag("--max-message-bytes", "4194304")
        .env("--max-concurrent-requests", "1")
        .flag("--max-concurrent-requests", "8")
        .env("--max-round-records", "1")
        .flag("--max-round-records", "10")
        .env("--tls-cert", missing.clone())
        .flag("--tls-cert", path("server.pem"))
        .env("--tls-key", missing)
        .flag("--tls-key", path("server.key"))
        .env("--catalogue-dir", broken.path().display().to_string())
        .flag("--catalogue-dir", catalogues.path().display().to_string());
    let server = setup.start();
    // Text, not JSON, and logged at all (the variable says `off`).
    assert!(serde_json::from_str::<serde_json::Value>(&server.startup_line).is_err(), "{}", server.startup_line);
    let channel = tls_channel(&server.address, &pki, false).await.expect("TLS from the flags");
    let mut client = IndicatorServiceClient::new(channel);
    // Two calls at once (the variable allows one), each over 64 bytes.
    let (tx, rx) = tokio::sync::mpsc::channel(1);
    let mut inbound = client.score_stream(tokio_stream::wrappers::ReceiverStream::new(rx)).await.unwrap().into_inner();
    tx.send(stream_request("open")).await.unwrap();
    assert_eq!(inbound.message().await.unwrap().unwrap().record_id, "open");
    assert_example_scored(client.score(example_request()).await.unwrap().into_inner());
    drop(tx);
    assert!(inbound.message().await.unwrap().is_none());
    // A round of 3 (the variable allows 1).
    let out = run_round(&mut client, round(3)).await.unwrap();
    assert_eq!(out.len(), 4, "three cards and the summary");
    // The flag's catalogue directory.
    let request = pb::GetMethodologyRequest { methodology_id: "riksrevisjonen-2015".into() };
    let methodology = client.get_methodology(request).await.unwrap().into_inner().methodologies.remove(0);
    assert_eq!(methodology.name, OPERATOR_NAME);
}

// ---- docs/configuration.md's table is the binary's ----

/// docs/configuration.md's table: (flags, variables, default) per row.
fn readme_rows() -> Vec<(Vec<String>, Vec<String>, String)> {
    let section = include_str!("../../docs/configuration.md");
    let quoted = |cell: &str| -> Vec<String> { cell.split('`').skip(1).step_by(2).map(str::to_owned).collect() };
    section
        .lines()
        .skip_while(|l| !l.starts_with("| flag"))
        .skip(2)
        .take_while(|l| l.starts_with('|'))
        .map(|row| {
            let cells: Vec<&str> = row.split('|').map(str::trim).collect();
            (quoted(cells[1]), quoted(cells[2]), quoted(cells[3]).into_iter().next().unwrap_or_default())
        })
        .collect()
}

#[test]
fn every_row_of_the_readme_configuration_table_is_a_flag_with_its_variable_and_default() {
    let help = std::process::Command::new(env!("CARGO_BIN_EXE_indikator"))
        .args(["serve", "--help"])
        .env_clear()
        .output()
        .unwrap();
    let help = String::from_utf8(help.stdout).unwrap();
    let rows = readme_rows();
    let mut listed = Vec::new();
    for (flags, variables, default) in &rows {
        assert_eq!(flags.len(), variables.len(), "{flags:?} {variables:?}");
        for (flag, variable) in flags.iter().zip(variables) {
            listed.push((flag.clone(), variable.clone()));
            // The option's help block: from its line to the next option.
            let start = help.find(&format!("      {flag} ")).unwrap_or_else(|| panic!("{flag} in serve --help"));
            let block = &help[start..];
            let block = &block[..block[1..].find("\n      --").map_or(block.len(), |end| end + 1)];
            assert!(block.contains(&format!("[env: {variable}=]")), "{flag}: {variable} in {block}");
            if !default.is_empty() {
                assert!(block.contains(&format!("[default: {default}]")), "{flag}: default {default} in {block}");
            }
        }
    }
    let table: Vec<(String, String)> = VARIABLES.iter().map(|(f, v)| ((*f).to_owned(), (*v).to_owned())).collect();
    assert_eq!(listed, table, "docs/configuration.md's rows, in order, are the ones tested here");
    // And every flag of `serve --help` has a row.
    for line in help.lines().map(str::trim_start).filter(|l| l.starts_with("--")) {
        let flag = line.split([' ', '=']).next().unwrap();
        if !["--help", "--token-file"].contains(&flag) {
            assert!(
                listed.iter().any(|(f, _)| f == flag),
                "{flag} of serve --help has no row in docs/configuration.md's table"
            );
        }
    }
}

// ---- --cors-allowed-origin ----

#[tokio::test]
async fn cors_origins_come_from_the_flag_or_a_comma_separated_variable() {
    let preflight = |address: String, origin: &'static str| async move {
        let headers = [("origin", origin), ("access-control-request-method", "POST")];
        crate::http::call(&address, "OPTIONS", "/v1/score", &headers, "").await
    };
    let allowed = |answer: &crate::http::Answer| {
        answer.headers.get("access-control-allow-origin").map(|v| v.to_str().unwrap().to_owned())
    };
    let server = Setup::new().flag("--cors-allowed-origin", "https://a.example").start();
    let answer = preflight(server.address.clone(), "https://a.example").await;
    assert_eq!(allowed(&answer).as_deref(), Some("https://a.example"));
    let server = Setup::new().env("--cors-allowed-origin", "https://a.example, https://b.example").start();
    for origin in ["https://a.example", "https://b.example"] {
        assert_eq!(allowed(&preflight(server.address.clone(), origin).await).as_deref(), Some(origin));
    }
    assert_eq!(allowed(&preflight(server.address.clone(), "https://c.example").await), None);
}

// ---- --drain-delay ----

/// After SIGTERM the server says how long it keeps accepting, and a new
/// connection in that time is served and told NOT_SERVING.
#[tokio::test]
async fn the_drain_delay_comes_from_the_flag_or_the_environment() {
    for via in BOTH {
        let mut server = Setup::new().set(via, "--drain-delay", "30s").start();
        server.sigterm();
        let line = server.log_line("shutdown requested", Duration::from_secs(10)).await;
        assert!(line.contains("drain_delay=30s"), "{via:?}: {line}");
        let channel = Channel::from_shared(server.address.clone()).unwrap().connect().await.expect("still accepting");
        assert_eq!(health(channel).await, ServingStatus::NotServing, "{via:?}");
    }
}
