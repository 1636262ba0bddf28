//! The `indikator.v1` messages generated from `proto/indikator/v1` (prost),
//! their proto3 JSON mapping (pbjson), the encoded descriptor set that
//! reflection serves, and [`wire`]: the bounds a request message is checked
//! against before it is decoded. The tonic service and client are generated
//! by the server and client crates over these same messages.

/// `indikator.v1`: the service's public API (messages and enums).
#[allow(clippy::all, clippy::pedantic, missing_docs)]
pub mod v1 {
    include!(concat!(env!("OUT_DIR"), "/indikator.v1.rs"));
    include!(concat!(env!("OUT_DIR"), "/indikator.v1.serde.rs"));
}

pub mod wire;

/// The field numbers of every `indikator.v1` message, read from the
/// descriptor set when the crate is built: `fields::score_card::RESULTS` is
/// `ScoreCard.results`'s number. The hand-written answer encoder
/// (`crate::encode`) takes its numbers from here.
#[allow(missing_docs)]
pub mod fields {
    include!(concat!(env!("OUT_DIR"), "/fields.rs"));
}

/// The encoded `FileDescriptorSet` of every `indikator.v1` file (their
/// google.api imports included), for reflection and the wire check.
pub const FILE_DESCRIPTOR_SET: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/indikator_descriptor.bin"));
