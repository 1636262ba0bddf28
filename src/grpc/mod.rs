//! The gRPC layer: validates protobuf requests into domain values
//! ([`validate`]), renders core results and methodology tables as protobuf
//! ([`convert`], [`describe`]), and implements `indikator.v1.IndicatorService`
//! ([`service`]; the round RPCs in [`round`] and [`compare`]). The server
//! mounts it as [`IndicatorRoutes`] (`routes`), which reads Score,
//! ScoreStream and ScoreRound records from their wire bytes straight into
//! validation's view ([`decode`]). All scoring happens in [`crate::scoring`]; every error
//! becomes a `tonic::Status` in one place ([`status`]).
//!
//! May import `proto`, `memory`, `round`, `scoring`, `catalogue`,
//! `methodology` and `domain`; never `server` or `client`.

pub mod compare;
pub mod convert;
pub mod decode;
pub mod describe;
mod metrics;
pub mod propagation;
pub mod round;
pub mod round_report;
mod routes;
pub mod score;
pub mod service;
pub mod status;
pub mod validate;

pub use crate::safe_text::LogSafe;
pub use metrics::Metrics;
pub use routes::IndicatorRoutes;
pub use service::IndicatorApi;
pub use validate::{Validated, Violations};

/// Longest record id a round or stream takes, in bytes.
pub const MAX_RECORD_ID_BYTES: usize = 256;

/// Largest request or response message by default, in bytes (gRPC's usual 4 MiB).
pub const DEFAULT_MAX_MESSAGE_BYTES: usize = 4 * 1024 * 1024;
