//! Generates the `indikator.v1` messages, the tonic service, serde (proto3 JSON
//! mapping) for every message, the descriptor set served by reflection, and
//! from the methods' `google.api.http` annotations the JSON/HTTP route table
//! (`build/routes.rs`) and the OpenAPI document (`build/openapi.rs`).
//! `protox` parses the protos in pure Rust, so no system `protoc` is needed.

use std::{env, fs, path::PathBuf};

use prost::Message;

#[path = "build/annotations.rs"]
mod annotations;
#[path = "build/openapi.rs"]
mod openapi;
#[path = "build/routes.rs"]
mod routes;

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

/// The package whose code is generated; the google.api annotations it imports
/// are read here, not compiled into the crate.
const PACKAGE: &str = "indikator.v1";

fn main() -> Result<(), Box<dyn std::error::Error>> {
    println!("cargo:rerun-if-changed=proto");
    println!("cargo:rerun-if-changed=build");
    let out = PathBuf::from(env::var("OUT_DIR")?);

    let mut compiler = protox::Compiler::new(["proto"])?;
    compiler.include_source_info(true).include_imports(true).open_files(PROTOS)?;
    let pool = compiler.descriptor_pool();
    let fds = compiler.file_descriptor_set();
    // Reflection serves every file, the google.api imports included, so that
    // clients can resolve the service's imports.
    let descriptor_bytes = fds.encode_to_vec();
    fs::write(out.join("indikator_descriptor.bin"), &descriptor_bytes)?;

    let bindings = annotations::http_bindings(&pool, PACKAGE)?;
    fs::write(out.join("http_routes.rs"), routes::generate(&bindings, PACKAGE))?;
    fs::write(out.join("openapi.json"), openapi::generate(&bindings)?)?;

    // Requests are checked on the wire before they are decoded (src/proto/wire.rs).
    let mut ours = fds.clone();
    ours.file.retain(|f| f.package() == PACKAGE);
    tonic_prost_build::configure()
        .build_server(true)
        .build_client(true)
        .codec_path("crate::proto::wire::BoundedCodec")
        .compile_fds(ours)?;

    pbjson_build::Builder::new().register_descriptors(&descriptor_bytes)?.build(&[".indikator.v1"])?;
    Ok(())
}
