use tonic_health::pb::{HealthCheckRequest, health_check_response::ServingStatus, health_client::HealthClient};

use crate::helpers::spawn_app;

#[tokio::test]
async fn health_is_serving_for_the_server_and_the_indicator_service() {
    let app = spawn_app().await;
    let mut health = HealthClient::new(app.channel().await);
    for service in ["", "indikator.v1.IndicatorService"] {
        let status = health.check(HealthCheckRequest { service: service.into() }).await.unwrap().into_inner().status;
        assert_eq!(status, ServingStatus::Serving as i32, "{service:?}");
    }
}

#[tokio::test]
async fn health_of_an_unknown_service_is_not_found() {
    let app = spawn_app().await;
    let mut health = HealthClient::new(app.channel().await);
    let status = health.check(HealthCheckRequest { service: "nope.v1.Nothing".into() }).await.unwrap_err();
    assert_eq!(status.code(), tonic::Code::NotFound);
}

#[tokio::test]
async fn health_turns_not_serving_as_soon_as_shutdown_starts() {
    use tokio_stream::StreamExt;
    let app = spawn_app().await;
    let mut health = HealthClient::new(app.channel().await);
    let mut watch = health.watch(HealthCheckRequest { service: String::new() }).await.unwrap().into_inner();
    assert_eq!(watch.next().await.unwrap().unwrap().status, ServingStatus::Serving as i32);
    let stopping = tokio::spawn(app.stop());
    let next = watch.next().await.expect("an update before the stream ends").unwrap();
    assert_eq!(next.status, ServingStatus::NotServing as i32);
    drop(watch);
    stopping.await.unwrap().unwrap();
}
