//! `spawn_app()` starts the real server on an ephemeral port.

use std::time::Duration;

use indikator::configuration::ServerSettings;
use indikator::proto::v1::{self as pb, indicator_service_client::IndicatorServiceClient};
use tokio::net::TcpListener;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;
use tonic::transport::Channel;

pub struct TestApp {
    pub address: String,
    pub client: IndicatorServiceClient<Channel>,
    /// Dropping or sending stops the server (graceful shutdown).
    pub shutdown: Option<oneshot::Sender<()>>,
    pub server: JoinHandle<Result<(), indikator::startup::StartupError>>,
}

impl TestApp {
    pub async fn channel(&self) -> Channel {
        Channel::from_shared(self.address.clone()).unwrap().connect().await.expect("connect")
    }

    /// Asks the server to shut down and waits for it to exit.
    pub async fn stop(mut self) -> Result<(), indikator::startup::StartupError> {
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
    let server = tokio::spawn(indikator::startup::run(listener, settings, async {
        let _ = rx.await;
    }));
    let channel = Channel::from_shared(address.clone()).unwrap().connect().await.expect("connect");
    TestApp { address, client: IndicatorServiceClient::new(channel), shutdown: Some(tx), server }
}

/// The README's example request (`examples/score-request.json`).
pub fn example_request() -> pb::ScoreRequest {
    serde_json::from_str(include_str!("../../examples/score-request.json")).expect("example parses")
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
