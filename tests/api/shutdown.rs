use std::time::Duration;

use indikator_server::ServerSettings;
use tonic_health::pb::{HealthCheckRequest, health_client::HealthClient};

use crate::helpers::{example_request, spawn_app, spawn_app_with};

#[tokio::test]
async fn shutdown_ends_the_server_cleanly() {
    let app = spawn_app().await;
    app.stop().await.expect("clean exit");
}

#[tokio::test]
async fn an_open_connection_does_not_hold_shutdown_past_the_grace_period() {
    let settings = ServerSettings {
        shutdown_grace: Duration::from_millis(300),
        drain_delay: Duration::ZERO,
        ..ServerSettings::default()
    };
    let mut app = spawn_app_with(settings).await;
    // A served call leaves an idle HTTP/2 connection open.
    app.client.score(example_request()).await.unwrap();
    let started = std::time::Instant::now();
    app.stop().await.expect("clean exit");
    assert!(started.elapsed() < Duration::from_secs(5));
}

#[tokio::test]
async fn new_connections_are_refused_after_shutdown() {
    let app = spawn_app().await;
    let address = app.address.clone();
    app.stop().await.unwrap();
    let connect = tonic::transport::Channel::from_shared(address).unwrap().connect().await;
    match connect {
        Err(_) => {}
        Ok(channel) => {
            let result = HealthClient::new(channel).check(HealthCheckRequest::default()).await;
            assert!(result.is_err(), "{result:?}");
        }
    }
}

/// During the drain delay health answers NOT_SERVING and new connections are
/// still served; once it is over, new connections are refused.
#[tokio::test]
async fn during_the_drain_delay_health_is_not_serving_and_new_connections_are_served() {
    use tonic_health::pb::health_check_response::ServingStatus;
    let settings = ServerSettings { drain_delay: Duration::from_secs(3), ..ServerSettings::default() };
    let mut app = spawn_app_with(settings).await;
    let mut health = HealthClient::new(app.channel().await);
    let mut watch = health.watch(HealthCheckRequest::default()).await.unwrap().into_inner();
    assert_eq!(watch.message().await.unwrap().unwrap().status(), ServingStatus::Serving);
    let _ = app.shutdown.take().unwrap().send(());
    assert_eq!(watch.message().await.unwrap().unwrap().status(), ServingStatus::NotServing);

    // A new connection during the delay: served, and told NOT_SERVING.
    let fresh = app.channel().await;
    let status = HealthClient::new(fresh.clone()).check(HealthCheckRequest::default()).await.unwrap().into_inner();
    assert_eq!(status.status(), ServingStatus::NotServing);
    indikator_client::proto::v1::indicator_service_client::IndicatorServiceClient::new(fresh)
        .score(example_request())
        .await
        .expect("a call on a new connection during the drain delay is served");
    drop(watch);

    // After the delay the server exits (nothing in flight) and refuses connections.
    tokio::time::timeout(Duration::from_secs(15), &mut app.server).await.expect("exits").unwrap().unwrap();
    let refused = tokio::net::TcpStream::connect(app.address.trim_start_matches("http://")).await;
    assert!(refused.is_err(), "{refused:?}");
}
