//! Generates the tonic server of `indikator.v1.IndicatorService` over the
//! messages of `indikator-app` (`extern_path`), and from the methods'
//! `google.api.http` annotations the JSON/HTTP route table (`build/routes.rs`)
//! and the OpenAPI document (`build/openapi.rs`). `protox` parses the protos
//! in pure Rust, so no system `protoc` is needed.

use std::{env, fs, path::PathBuf};

#[path = "build/annotations.rs"]
mod annotations;
#[path = "build/openapi.rs"]
mod openapi;
#[path = "build/routes.rs"]
mod routes;

const PROTO_ROOT: &str = "../../proto";

/// The package whose service is generated.
const PACKAGE: &str = "indikator.v1";

fn main() -> Result<(), Box<dyn std::error::Error>> {
    println!("cargo:rerun-if-changed={PROTO_ROOT}");
    println!("cargo:rerun-if-changed=build");
    let out = PathBuf::from(env::var("OUT_DIR")?);

    let mut protos: Vec<PathBuf> = fs::read_dir(format!("{PROTO_ROOT}/indikator/v1"))?
        .map(|entry| entry.map(|e| e.path()))
        .collect::<Result<_, _>>()?;
    protos.sort();
    let mut compiler = protox::Compiler::new([PROTO_ROOT])?;
    compiler.include_source_info(true).include_imports(true).open_files(&protos)?;
    let pool = compiler.descriptor_pool();
    let mut fds = compiler.file_descriptor_set();

    let bindings = annotations::http_bindings(&pool, PACKAGE)?;
    fs::write(out.join("http_routes.rs"), routes::generate(&bindings, PACKAGE))?;
    fs::write(out.join("openapi.json"), openapi::generate(&bindings)?)?;

    // Requests are checked on the wire before they are decoded (src/codec.rs).
    fds.file.retain(|f| f.package() == PACKAGE);
    tonic_prost_build::configure()
        .build_server(true)
        .build_client(false)
        .extern_path(".indikator.v1", "::indikator_app::proto::v1")
        .codec_path("crate::grpc::codec::BoundedCodec")
        .compile_fds(fds)?;
    Ok(())
}
