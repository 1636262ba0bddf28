//! Code generated from `proto/indikator/v1` (messages, tonic client and server,
//! proto3 JSON mapping), the encoded descriptor set that reflection serves, and
//! [`wire`]: the codec of the generated code, which bounds requests before they
//! are decoded. Imports nothing else of the crate.

/// `indikator.v1`: the service's public API.
#[allow(clippy::all, clippy::pedantic, missing_docs)]
pub mod v1 {
    tonic::include_proto!("indikator.v1");
    include!(concat!(env!("OUT_DIR"), "/indikator.v1.serde.rs"));
}

pub mod http;
pub mod wire;

/// The encoded `FileDescriptorSet` of every `indikator.v1` file, for reflection.
pub const FILE_DESCRIPTOR_SET: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/indikator_descriptor.bin"));
