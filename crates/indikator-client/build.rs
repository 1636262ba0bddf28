//! Generates the tonic client of `indikator.v1.IndicatorService` over the
//! messages of `indikator-app` (`extern_path`). `protox` parses the protos in
//! pure Rust, so no system `protoc` is needed.

use std::{fs, path::PathBuf};

const PROTO_ROOT: &str = "../../proto";

/// The package whose client is generated.
const PACKAGE: &str = "indikator.v1";

fn main() -> Result<(), Box<dyn std::error::Error>> {
    println!("cargo:rerun-if-changed={PROTO_ROOT}");
    let mut protos: Vec<PathBuf> = fs::read_dir(format!("{PROTO_ROOT}/indikator/v1"))?
        .map(|entry| entry.map(|e| e.path()))
        .collect::<Result<_, _>>()?;
    protos.sort();
    let mut compiler = protox::Compiler::new([PROTO_ROOT])?;
    compiler.include_imports(true).open_files(&protos)?;
    let mut fds = compiler.file_descriptor_set();
    fds.file.retain(|f| f.package() == PACKAGE);
    tonic_prost_build::configure()
        .build_server(false)
        .build_client(true)
        .extern_path(".indikator.v1", "::indikator_app::proto::v1")
        .compile_fds(fds)?;
    Ok(())
}
