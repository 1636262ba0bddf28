//! Generates the `indikator.v1` messages (prost), their proto3 JSON mapping
//! (pbjson) and the encoded descriptor set. `protox` parses the protos in
//! pure Rust, so no system `protoc` is needed. The server and client crates
//! generate the tonic service and client over these messages.

use std::{env, fs, path::PathBuf};

use prost::Message;

const PROTO_ROOT: &str = "../../proto";

/// The package whose code is generated; the google.api annotations it imports
/// are read here, not compiled into the crate.
const PACKAGE: &str = "indikator.v1";

fn main() -> Result<(), Box<dyn std::error::Error>> {
    println!("cargo:rerun-if-changed={PROTO_ROOT}");
    let out = PathBuf::from(env::var("OUT_DIR")?);

    let mut protos: Vec<PathBuf> = fs::read_dir(format!("{PROTO_ROOT}/indikator/v1"))?
        .map(|entry| entry.map(|e| e.path()))
        .collect::<Result<_, _>>()?;
    protos.sort();
    let mut compiler = protox::Compiler::new([PROTO_ROOT])?;
    compiler.include_source_info(true).include_imports(true).open_files(&protos)?;
    let fds = compiler.file_descriptor_set();
    // Reflection serves every file, the google.api imports included, so that
    // clients can resolve the service's imports.
    let descriptor_bytes = fds.encode_to_vec();
    fs::write(out.join("indikator_descriptor.bin"), &descriptor_bytes)?;

    let mut ours = fds;
    ours.file.retain(|f| f.package() == PACKAGE);
    tonic_prost_build::configure().build_server(false).build_client(false).compile_fds(ours)?;

    pbjson_build::Builder::new().register_descriptors(&descriptor_bytes)?.build(&[".indikator.v1"])?;
    Ok(())
}
