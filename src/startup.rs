//! Assembles the gRPC server (indicator service, health, reflection) and runs
//! it on a listener until a shutdown future completes.

use std::future::Future;

use tokio::net::TcpListener;
use tokio_stream::wrappers::TcpListenerStream;
use tonic::codec::CompressionEncoding;
use tonic::transport::Server;
use tonic_health::server::HealthReporter;

use crate::api::IndicatorApi;
use crate::configuration::ServerSettings;
use crate::proto::{self, v1::indicator_service_server::IndicatorServiceServer};

#[derive(Debug, thiserror::Error)]
pub enum StartupError {
    #[error("reflection descriptors: {0}")]
    Reflection(#[from] tonic_reflection::server::Error),
    #[error("transport: {0}")]
    Transport(#[from] tonic::transport::Error),
}

/// Every descriptor set reflection serves: ours, health, and the rich-error types.
const DESCRIPTOR_SETS: [&[u8]; 3] =
    [proto::FILE_DESCRIPTOR_SET, tonic_health::pb::FILE_DESCRIPTOR_SET, tonic_types::pb::FILE_DESCRIPTOR_SET];

/// Serves on `listener` until `shutdown` completes, then drains: health turns
/// NOT_SERVING, no new connections are accepted, and in-flight calls get up to
/// `settings.shutdown_grace` to finish.
pub async fn run(
    listener: TcpListener,
    settings: ServerSettings,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> Result<(), StartupError> {
    let (reporter, health) = tonic_health::server::health_reporter();
    reporter.set_serving::<IndicatorServiceServer<IndicatorApi>>().await;

    let mut v1 = tonic_reflection::server::Builder::configure();
    let mut v1alpha = tonic_reflection::server::Builder::configure();
    for set in DESCRIPTOR_SETS {
        v1 = v1.register_encoded_file_descriptor_set(set);
        v1alpha = v1alpha.register_encoded_file_descriptor_set(set);
    }

    let indicators = IndicatorServiceServer::new(IndicatorApi::new(settings.round_limits))
        .accept_compressed(CompressionEncoding::Gzip)
        .accept_compressed(CompressionEncoding::Zstd)
        .send_compressed(CompressionEncoding::Gzip)
        .send_compressed(CompressionEncoding::Zstd);

    let local = listener.local_addr().ok();
    let (stop_accepting, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = Server::builder()
        .add_service(health)
        .add_service(v1.build_v1()?)
        .add_service(v1alpha.build_v1alpha()?)
        .add_service(indicators)
        .serve_with_incoming_shutdown(TcpListenerStream::new(listener), async {
            let _ = stopped.await;
        });
    tracing::info!(address = ?local, "serving indikator.v1.IndicatorService");

    let mut server = std::pin::pin!(server);
    tokio::select! {
        result = &mut server => return result.map_err(Into::into),
        () = shutdown => {}
    }
    drain(&reporter).await;
    let _ = stop_accepting.send(());
    match tokio::time::timeout(settings.shutdown_grace, server).await {
        Ok(result) => {
            tracing::info!("shut down cleanly");
            result.map_err(Into::into)
        }
        Err(_) => {
            tracing::warn!(grace = ?settings.shutdown_grace, "grace period over; dropping calls still in flight");
            Ok(())
        }
    }
}

async fn drain(reporter: &HealthReporter) {
    tracing::info!("shutdown requested: health NOT_SERVING, draining in-flight calls");
    reporter.set_not_serving::<IndicatorServiceServer<IndicatorApi>>().await;
    reporter.set_service_status("", tonic_health::ServingStatus::NotServing).await;
}

/// Completes on SIGINT or SIGTERM.
pub async fn shutdown_signal() {
    let interrupt = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(e) => {
                tracing::error!(error = %e, "cannot listen for SIGTERM");
                std::future::pending::<()>().await;
            }
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = interrupt => tracing::info!("SIGINT received"),
        () = terminate => tracing::info!("SIGTERM received"),
    }
}
