use std::time::Duration;

use indikator::configuration::ServerSettings;
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
