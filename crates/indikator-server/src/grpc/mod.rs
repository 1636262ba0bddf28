//! `indikator.v1.IndicatorService` over tonic: the service ([`service`]:
//! metrics, memory and limits around the application layer's validation,
//! scoring and folds), the routes the server mounts ([`IndicatorRoutes`]:
//! one decode path per method) and the one place where the application's
//! errors become `tonic::Status` ([`status`]).

/// The tonic server of `IndicatorService`, generated (`build.rs`) over
/// [`indikator_app::proto::v1`]'s messages, decoding with [`codec::BoundedCodec`].
#[allow(clippy::all, clippy::pedantic, missing_docs)]
mod generated {
    tonic::include_proto!("indikator.v1");
}

pub(crate) mod codec;
mod metrics;
mod routes;
mod service;
pub mod status;

pub use generated::indicator_service_server;
pub use metrics::Metrics;
pub use routes::IndicatorRoutes;
pub use service::IndicatorApi;

/// Largest request or response message by default, in bytes (gRPC's usual 4 MiB).
pub const DEFAULT_MAX_MESSAGE_BYTES: usize = 4 * 1024 * 1024;
