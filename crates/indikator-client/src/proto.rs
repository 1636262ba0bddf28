//! `indikator.v1` as the clients see it: the messages of
//! [`indikator_app::proto`] and, generated here over them, the tonic client
//! of `IndicatorService`.

/// The messages, and the generated `indicator_service_client`.
#[allow(clippy::all, clippy::pedantic, missing_docs)]
pub mod v1 {
    pub use indikator_app::proto::v1::*;
    tonic::include_proto!("indikator.v1");
}
