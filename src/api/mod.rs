//! The gRPC layer: validates protobuf requests into domain values
//! ([`validate`]), renders core results and methodology tables as protobuf
//! ([`convert`], [`describe`]), and implements `indikator.v1.IndicatorService`
//! ([`service`]). All scoring happens in [`crate::scoring`].

pub mod convert;
pub mod describe;
pub mod round;
pub mod round_report;
pub mod service;
pub mod validate;

pub use service::IndicatorApi;
pub use validate::{Validated, Violations};
