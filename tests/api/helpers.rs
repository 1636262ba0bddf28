//! `spawn_app()` starts the real server on an ephemeral port.

use std::time::Duration;

use indikator_client::proto::v1::{self as pb, indicator_service_client::IndicatorServiceClient};
use indikator_server::ServerSettings;
use tokio::net::TcpListener;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;
use tonic::transport::Channel;

pub struct TestApp {
    pub address: String,
    pub client: IndicatorServiceClient<Channel>,
    /// Dropping or sending stops the server (graceful shutdown).
    pub shutdown: Option<oneshot::Sender<()>>,
    pub server: JoinHandle<Result<(), indikator_server::StartupError>>,
}

impl TestApp {
    pub async fn channel(&self) -> Channel {
        Channel::from_shared(self.address.clone()).unwrap().connect().await.expect("connect")
    }

    /// Asks the server to shut down and waits for it to exit.
    pub async fn stop(mut self) -> Result<(), indikator_server::StartupError> {
        let _ = self.shutdown.take().unwrap().send(());
        tokio::time::timeout(Duration::from_secs(10), self.server).await.expect("server exits").expect("join")
    }
}

/// The server's defaults, but no drain delay: tests that stop the server
/// should not wait for load balancers that are not there.
pub async fn spawn_app() -> TestApp {
    spawn_app_with(ServerSettings { drain_delay: Duration::ZERO, ..ServerSettings::default() }).await
}

pub async fn spawn_app_with(settings: ServerSettings) -> TestApp {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind port 0");
    let address = format!("http://{}", listener.local_addr().unwrap());
    let (tx, rx) = oneshot::channel::<()>();
    let server = tokio::spawn(indikator_server::run(listener, settings, async {
        let _ = rx.await;
    }));
    let channel = Channel::from_shared(address.clone()).unwrap().connect().await.expect("connect");
    TestApp { address, client: IndicatorServiceClient::new(channel), shutdown: Some(tx), server }
}

/// The README's example request (`examples/score-request.json`).
pub fn example_request() -> pb::ScoreRequest {
    serde_json::from_str(include_str!("../../examples/score-request.json")).expect("example parses")
}

/// The server answers a normal call correctly: the README example's grades.
pub async fn serves_normally(client: &mut IndicatorServiceClient<Channel>) {
    let response = client.score(example_request()).await.expect("a normal Score call").into_inner();
    assert_example_scored(response);
}

/// `response` is the README example's: digital priority 2, use 3, activity 4.
pub fn assert_example_scored(response: pb::ScoreResponse) {
    let ssb = response.results.expect("results").ssb_2018.expect("ssb-2018 results");
    let grades =
        (ssb.digital_priority.unwrap().grade, ssb.digital_use.unwrap().grade, ssb.digital_activity.unwrap().grade);
    assert_eq!(grades, (2, 3, 4));
}

/// `call`, tried again while the server sheds it with RESOURCE_EXHAUSTED, for at
/// most 10 s: a call's admission permit comes back when the server drops the
/// call, which may be just after the client saw it end.
pub async fn retried_while_shed<T, F, Fut>(mut call: F) -> Result<T, tonic::Status>
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Result<T, tonic::Status>>,
{
    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    loop {
        match call().await {
            Err(status)
                if status.code() == tonic::Code::ResourceExhausted && tokio::time::Instant::now() < deadline =>
            {
                tokio::time::sleep(Duration::from_millis(10)).await;
            }
            other => return other,
        }
    }
}

/// Score with the README example, tried again while the server sheds it.
pub async fn served_once_a_permit_is_free(client: &mut IndicatorServiceClient<Channel>) -> pb::ScoreResponse {
    retried_while_shed(|| {
        let mut client = client.clone();
        async move { client.score(example_request()).await }
    })
    .await
    .expect("Score is served once a permit is free")
    .into_inner()
}

/// Rejected round records of about `bytes` in all (each with a 16 KiB record id,
/// over the 256-byte limit; the server keeps 64 bytes of it), sent after the
/// records a test needs the server to have read. HTTP/2 flow control lets a client
/// have at most the server's receive window (1 MiB, hyper's default, which the
/// server keeps) sent and not yet read, plus what its transport buffers (tens of
/// KiB); so once the client's transport has taken the last of 2 MiB or more of
/// filler, the server has read every message before the filler.
pub fn filler_records(bytes: usize) -> Vec<pb::ScoreRoundRequest> {
    const ID_BYTES: usize = 16 * 1024;
    (0..bytes.div_ceil(ID_BYTES))
        .map(|i| pb::ScoreRoundRequest {
            item: Some(pb::score_round_request::Item::Record(pb::RoundRecord {
                record_id: format!("filler-{i}-{}", "f".repeat(ID_BYTES)),
                response: None,
            })),
        })
        .collect()
}

/// `messages` as a stream, and a future that completes once the stream's
/// consumer (the client's transport) has taken the last of them.
pub fn when_all_taken<T: Send + 'static>(
    messages: Vec<T>,
) -> (impl futures::Stream<Item = T> + Send + 'static, impl std::future::Future<Output = ()> + Send + 'static) {
    use futures::StreamExt;
    let all = messages.len();
    let notify = std::sync::Arc::new(tokio::sync::Notify::new());
    let taken = notify.clone();
    let stream = futures::stream::iter(messages).enumerate().map(move |(i, message)| {
        if i + 1 == all {
            // Stored as a permit if nobody waits yet.
            taken.notify_one();
        }
        message
    });
    (stream, async move { notify.notified().await })
}

/// The field paths of an INVALID_ARGUMENT status's `BadRequest` details.
pub fn violated_fields(status: &tonic::Status) -> Vec<String> {
    use tonic_types::StatusExt;
    assert_eq!(status.code(), tonic::Code::InvalidArgument, "{status:?}");
    status
        .get_details_bad_request()
        .expect("BadRequest details")
        .field_violations
        .into_iter()
        .map(|v| v.field)
        .collect()
}

/// A 2018 round's header (published calibration).
pub fn round_header(round_id: &str) -> pb::ScoreRoundRequest {
    pb::ScoreRoundRequest {
        item: Some(pb::score_round_request::Item::Header(pb::RoundHeader {
            round_id: round_id.into(),
            survey_year: 2018,
            calibration: pb::Calibration::Published as i32,
            ..Default::default()
        })),
    }
}

/// A field of `/proc/<pid>/status` in KiB (Linux), e.g. `VmRSS:` or `VmHWM:`.
pub fn proc_status_kib(pid: u32, key: &str) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).expect("/proc/<pid>/status");
    status
        .lines()
        .find(|l| l.starts_with(key))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("{key} in /proc/<pid>/status"))
}

/// Resets a process's peak resident memory (VmHWM) to its current RSS; the RSS.
pub fn reset_peak(pid: u32) -> u64 {
    std::fs::write(format!("/proc/{pid}/clear_refs"), "5").expect("reset VmHWM");
    proc_status_kib(pid, "VmRSS:")
}

/// Asserts that the peak resident memory grew less than `bound_kib` since
/// [`reset_peak`] returned `base`; the growth.
pub fn assert_peak_below(pid: u32, base: u64, bound_kib: u64, what: &str) -> u64 {
    let peak = proc_status_kib(pid, "VmHWM:").saturating_sub(base);
    eprintln!("{what}: peak RSS {peak} KiB above idle (bound {bound_kib} KiB)");
    assert!(peak < bound_kib, "{what}: peak RSS {peak} KiB above idle, bound {bound_kib} KiB");
    peak
}

/// `n` distinct valid organisation numbers.
pub fn organisation_numbers(n: usize) -> Vec<String> {
    (10_000_000u32..)
        .filter_map(|prefix| {
            let digits: Vec<u32> = format!("{prefix:08}").chars().map(|c| c.to_digit(10).unwrap()).collect();
            indikator_core::domain::OrganisationNumber::check_digit(&digits).map(|d| format!("{prefix:08}{d}"))
        })
        .take(n)
        .collect()
}
