//! Generates the `indikator.v1` messages, the tonic service, serde (proto3 JSON
//! mapping) for every message, and the descriptor set served by reflection.
//! `protox` parses the protos in pure Rust, so no system `protoc` is needed.

use std::{env, fs, path::PathBuf};

use prost::Message;

const PROTOS: &[&str] = &[
    "proto/indikator/v1/respondent.proto",
    "proto/indikator/v1/ssb_2018.proto",
    "proto/indikator/v1/results.proto",
    "proto/indikator/v1/methodology.proto",
    "proto/indikator/v1/round_report.proto",
    "proto/indikator/v1/maturity.proto",
    "proto/indikator/v1/survey.proto",
    "proto/indikator/v1/round.proto",
    "proto/indikator/v1/compare.proto",
    "proto/indikator/v1/indikator_service.proto",
];

fn main() -> Result<(), Box<dyn std::error::Error>> {
    println!("cargo:rerun-if-changed=proto");
    let out = PathBuf::from(env::var("OUT_DIR")?);

    let fds = protox::compile(PROTOS, ["proto"])?;
    let descriptor_bytes = fds.encode_to_vec();
    fs::write(out.join("indikator_descriptor.bin"), &descriptor_bytes)?;

    // Requests are checked on the wire before they are decoded (src/proto/wire.rs).
    tonic_prost_build::configure()
        .build_server(true)
        .build_client(true)
        .codec_path("crate::proto::wire::BoundedCodec")
        .compile_fds(fds)?;

    pbjson_build::Builder::new().register_descriptors(&descriptor_bytes)?.build(&[".indikator.v1"])?;
    Ok(())
}
