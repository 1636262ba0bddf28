use std::time::Duration;

use indikator_client::proto::v1::{self as pb, indicator_service_client::IndicatorServiceClient};
use indikator_server::CallLimits;
use indikator_server::settings::{ServerSettings, TlsSettings};
use tonic::Code;
use tonic::transport::{Certificate, Channel, ClientTlsConfig, Identity};

use crate::helpers::{
    assert_example_scored, example_request, served_once_a_permit_is_free, serves_normally, spawn_app_with,
};
use crate::process::ServerProcess;

pub fn header() -> pb::ScoreRoundRequest {
    pb::ScoreRoundRequest {
        item: Some(pb::score_round_request::Item::Header(pb::RoundHeader {
            round_id: "production".into(),
            survey_year: 2018,
            calibration: pb::Calibration::Published as i32,
            ..Default::default()
        })),
    }
}

pub fn record(id: &str) -> pb::ScoreRoundRequest {
    pb::ScoreRoundRequest {
        item: Some(pb::score_round_request::Item::Record(pb::RoundRecord {
            record_id: id.into(),
            response: example_request().response,
        })),
    }
}

#[tokio::test]
async fn a_message_over_the_size_limit_is_refused_and_the_next_call_is_served() {
    let settings = ServerSettings { max_message_bytes: 2048, ..ServerSettings::default() };
    let mut app = spawn_app_with(settings).await;
    let mut big = example_request();
    big.response.as_mut().unwrap().respondent.as_mut().unwrap().name = "x".repeat(4096);
    let status = app.client.score(big).await.unwrap_err();
    assert_eq!(status.code(), Code::OutOfRange, "{status:?}");
    assert!(status.message().contains("too large"), "{}", status.message());
    serves_normally(&mut app.client).await;
}

#[tokio::test]
async fn more_concurrent_calls_than_allowed_are_shed_and_the_server_recovers() {
    let settings = ServerSettings {
        call_limits: CallLimits { max_concurrent_calls: 2, ..CallLimits::default() },
        ..ServerSettings::default()
    };
    let mut app = spawn_app_with(settings).await;
    // Two open streams take both permits.
    let (tx1, rx1) = tokio::sync::mpsc::channel(1);
    let (tx2, rx2) = tokio::sync::mpsc::channel(1);
    let mut c1 = app.client.clone();
    let mut c2 = app.client.clone();
    let s1 = c1.score_stream(tokio_stream::wrappers::ReceiverStream::new(rx1)).await.unwrap();
    let s2 = c2.score_stream(tokio_stream::wrappers::ReceiverStream::new(rx2)).await.unwrap();

    let status = app.client.score(example_request()).await.unwrap_err();
    assert_eq!(status.code(), Code::ResourceExhausted, "{status:?}");
    assert!(status.message().contains("limit of 2 concurrent calls"), "{status:?}");
    // Health checks are exempt, so probes still answer.
    let mut health = tonic_health::pb::health_client::HealthClient::new(app.channel().await);
    let serving = health.check(tonic_health::pb::HealthCheckRequest::default()).await.unwrap().into_inner();
    assert_eq!(serving.status(), tonic_health::pb::health_check_response::ServingStatus::Serving);

    // The clients end both streams and read them to their end: the server has
    // finished them, and gives their permits back as it drops them.
    drop((tx1, tx2));
    for stream in [s1, s2] {
        let mut stream = stream.into_inner();
        assert!(stream.message().await.unwrap().is_none(), "the stream ends OK");
    }
    assert_example_scored(served_once_a_permit_is_free(&mut app.client).await);
}

#[tokio::test]
async fn a_call_with_a_short_deadline_gets_deadline_exceeded() {
    let app = spawn_app_with(ServerSettings::default()).await;
    let mut client = IndicatorServiceClient::new(app.channel().await);
    // A round whose client never finishes sending.
    let (tx, rx) = tokio::sync::mpsc::channel(4);
    tx.send(header()).await.unwrap();
    tx.send(record("a")).await.unwrap();
    let mut request = tonic::Request::new(tokio_stream::wrappers::ReceiverStream::new(rx));
    request.set_timeout(Duration::from_secs(1));
    let status = client.score_round(request).await.unwrap_err();
    assert_eq!(status.code(), Code::DeadlineExceeded, "{status:?}");
    drop(tx);
    serves_normally(&mut client).await;
}

#[tokio::test]
async fn a_deadline_that_passes_while_streaming_ends_the_stream_with_deadline_exceeded() {
    let app = spawn_app_with(ServerSettings::default()).await;
    let mut client = IndicatorServiceClient::new(app.channel().await);
    let (tx, rx) = tokio::sync::mpsc::channel(4);
    let mut request = tonic::Request::new(tokio_stream::wrappers::ReceiverStream::new(rx));
    // Long enough for the first answer to arrive well before it on a busy machine.
    request.set_timeout(Duration::from_secs(3));
    let mut responses = client.score_stream(request).await.unwrap().into_inner();
    tx.send(pb::ScoreStreamRequest { record_id: "1".into(), response: example_request().response }).await.unwrap();
    let first = responses.message().await.unwrap().expect("the first answer, before the deadline");
    assert_eq!(first.record_id, "1");
    assert!(matches!(first.outcome, Some(pb::score_stream_response::Outcome::Results(_))), "{first:?}");
    // The stream stays open (the client keeps `tx`) until the deadline ends it.
    let status = responses.message().await.unwrap_err();
    assert_eq!(status.code(), Code::DeadlineExceeded, "{status:?}");
    drop(tx);
}

pub struct Pki {
    pub ca: String,
    pub server_cert: String,
    pub server_key: String,
    pub client_cert: String,
    pub client_key: String,
}

/// A CA, a server certificate for `localhost` and a client certificate it
/// signed (SAN `client.example`, subject `C=NO, O=Testetaten, CN=batch-client`).
pub fn pki() -> Pki {
    use rcgen::{BasicConstraints, CertificateParams, IsCa, Issuer, KeyPair};
    let ca_key = KeyPair::generate().unwrap();
    let mut ca_params = CertificateParams::new(Vec::<String>::new()).unwrap();
    ca_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    let ca_cert = ca_params.self_signed(&ca_key).unwrap();
    let issuer = Issuer::new(ca_params, ca_key);
    let server_key = KeyPair::generate().unwrap();
    let server_cert =
        CertificateParams::new(vec!["localhost".to_owned()]).unwrap().signed_by(&server_key, &issuer).unwrap();
    let client_key = KeyPair::generate().unwrap();
    let mut client_params = CertificateParams::new(vec!["client.example".to_owned()]).unwrap();
    let mut subject = rcgen::DistinguishedName::new();
    subject.push(rcgen::DnType::CountryName, "NO");
    subject.push(rcgen::DnType::OrganizationName, "Testetaten");
    subject.push(rcgen::DnType::CommonName, "batch-client");
    client_params.distinguished_name = subject;
    let client_cert = client_params.signed_by(&client_key, &issuer).unwrap();
    Pki {
        ca: ca_cert.pem(),
        server_cert: server_cert.pem(),
        server_key: server_key.serialize_pem(),
        client_cert: client_cert.pem(),
        client_key: client_key.serialize_pem(),
    }
}

pub async fn tls_channel(address: &str, pki: &Pki, identity: bool) -> Result<Channel, tonic::transport::Error> {
    let mut tls = ClientTlsConfig::new().ca_certificate(Certificate::from_pem(&pki.ca)).domain_name("localhost");
    if identity {
        tls = tls.identity(Identity::from_pem(&pki.client_cert, &pki.client_key));
    }
    let https = address.replace("http://", "https://");
    Channel::from_shared(https).unwrap().tls_config(tls)?.connect().await
}

pub async fn spawn_tls(pki: &Pki, mutual: bool) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = format!("http://{}", listener.local_addr().unwrap());
    let tls = TlsSettings {
        cert_pem: pki.server_cert.clone().into_bytes(),
        key_pem: pki.server_key.clone().into_bytes(),
        client_ca_pem: mutual.then(|| pki.ca.clone().into_bytes()),
    };
    let settings = ServerSettings { tls: Some(tls), ..ServerSettings::default() };
    tokio::spawn(indikator_server::run(listener, settings, std::future::pending()));
    address
}

#[tokio::test]
async fn a_client_trusting_the_ca_is_served_over_tls() {
    let pki = pki();
    let address = spawn_tls(&pki, false).await;
    let channel = tls_channel(&address, &pki, false).await.unwrap();
    let response = IndicatorServiceClient::new(channel).score(example_request()).await.unwrap();
    assert!(response.into_inner().results.is_some());
    // Plaintext to a TLS port fails.
    let plain = Channel::from_shared(address).unwrap().connect().await;
    if let Ok(channel) = plain {
        assert!(IndicatorServiceClient::new(channel).score(example_request()).await.is_err());
    }
}

#[tokio::test]
async fn with_mutual_tls_a_client_without_a_certificate_is_refused_and_one_with_a_valid_certificate_is_served() {
    let pki = pki();
    let address = spawn_tls(&pki, true).await;
    let anonymous = match tls_channel(&address, &pki, false).await {
        Ok(channel) => {
            IndicatorServiceClient::new(channel).score(example_request()).await.map(|_| ()).map_err(|e| e.to_string())
        }
        Err(e) => Err(e.to_string()),
    };
    assert!(anonymous.is_err(), "a client without a certificate must be refused");

    let channel = tls_channel(&address, &pki, true).await.unwrap();
    let response = IndicatorServiceClient::new(channel).score(example_request()).await.unwrap();
    assert!(response.into_inner().results.is_some());

    // The probe subcommand speaks mutual TLS too.
    let dir = tempfile::tempdir().unwrap();
    for (name, pem) in [("ca.pem", &pki.ca), ("client.pem", &pki.client_cert), ("client.key", &pki.client_key)] {
        std::fs::write(dir.path().join(name), pem).unwrap();
    }
    let https = address.replace("http://127.0.0.1", "https://localhost");
    let path = |name: &str| dir.path().join(name).display().to_string();
    let probe = tokio::process::Command::new(env!("CARGO_BIN_EXE_indikator"))
        .args(["health", "--server", &https, "--ca-cert", &path("ca.pem")])
        .args(["--client-cert", &path("client.pem"), "--client-key", &path("client.key")])
        .output()
        .await
        .unwrap();
    assert_eq!(probe.status.code(), Some(0), "{probe:?}");
}

#[tokio::test]
async fn sigterm_during_an_open_round_lets_the_round_complete_and_exits_0() {
    let mut server = ServerProcess::start(&[]);
    let channel = Channel::from_shared(server.address.clone()).unwrap().connect().await.unwrap();
    let mut client = IndicatorServiceClient::new(channel.clone());
    let (tx, rx) = tokio::sync::mpsc::channel(16);
    tx.send(header()).await.unwrap();
    tx.send(record("before")).await.unwrap();
    let call = tokio::spawn(async move {
        let mut responses = client.score_round(tokio_stream::wrappers::ReceiverStream::new(rx)).await?.into_inner();
        let mut out = Vec::new();
        while let Some(m) = responses.message().await? {
            out.push(m);
        }
        Ok::<_, tonic::Status>(out)
    });
    // The server has the round open, then starts its shutdown.
    server.log_line("round started", Duration::from_secs(10)).await;
    server.sigterm();
    server.log_line("shutdown requested", Duration::from_secs(10)).await;
    // Health has turned NOT_SERVING on the open connection.
    let mut health = tonic_health::pb::health_client::HealthClient::new(channel);
    // (The log line follows the status change; the drain delay keeps serving.)
    let status = health.check(tonic_health::pb::HealthCheckRequest::default()).await.expect("health answers");
    assert_eq!(status.into_inner().status(), tonic_health::pb::health_check_response::ServingStatus::NotServing);
    tx.send(record("after")).await.unwrap();
    drop(tx);
    let out = call.await.unwrap().expect("the round completes");
    assert_eq!(out.len(), 3, "one card, one rejection (the second record repeats the respondent), the summary");
    let Some(pb::score_round_response::Item::Summary(summary)) = &out[2].item else { panic!() };
    assert_eq!(summary.accounting.as_ref().unwrap().received, 2);
    assert_eq!(server.wait().await, Some(0));
}

#[tokio::test]
async fn the_health_subcommand_exits_0_for_a_serving_server_and_1_otherwise() {
    let app = crate::helpers::spawn_app().await;
    let binary = env!("CARGO_BIN_EXE_indikator");
    let serving =
        tokio::process::Command::new(binary).args(["health", "--server", &app.address]).output().await.unwrap();
    assert_eq!(serving.status.code(), Some(0), "{serving:?}");
    assert_eq!(String::from_utf8_lossy(&serving.stdout).trim(), "SERVING");

    let unknown = tokio::process::Command::new(binary)
        .args(["health", "--server", &app.address, "--service", "no.such.Service"])
        .output()
        .await
        .unwrap();
    assert_eq!(unknown.status.code(), Some(1));

    let address = app.address.clone();
    app.stop().await.unwrap();
    let down = tokio::process::Command::new(binary)
        .args(["health", "--server", &address, "--timeout", "1s"])
        .output()
        .await
        .unwrap();
    assert_eq!(down.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&down.stderr).contains("cannot reach"), "{down:?}");
}

#[tokio::test]
async fn zstd_compressed_calls_are_accepted_and_answered_in_zstd() {
    use tonic::codec::CompressionEncoding;
    let app = crate::helpers::spawn_app().await;
    let mut client = IndicatorServiceClient::new(app.channel().await)
        .send_compressed(CompressionEncoding::Zstd)
        .accept_compressed(CompressionEncoding::Zstd);
    let response = client.score(example_request()).await.unwrap();
    assert_eq!(response.metadata().get("grpc-encoding").unwrap(), "zstd");
}
