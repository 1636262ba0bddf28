//! Generates the `indikator.v1` messages (prost), their proto3 JSON mapping
//! (pbjson) and the encoded descriptor set. `protox` parses the protos in
//! pure Rust, so no system `protoc` is needed. The server and client crates
//! generate the tonic service and client over these messages. It also
//! writes each message's field numbers as constants (`fields.rs`), the one
//! source of the numbers that `encode` writes answers with.

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
    fs::write(out.join("fields.rs"), field_numbers(&ours))?;
    tonic_prost_build::configure().build_server(false).build_client(false).compile_fds(ours)?;

    pbjson_build::Builder::new().register_descriptors(&descriptor_bytes)?.build(&[".indikator.v1"])?;
    Ok(())
}

/// `pub mod <message> { pub const <FIELD>: u32 = <number>; … }` for every
/// top-level message of the package, named in snake case.
fn field_numbers(fds: &prost_types::FileDescriptorSet) -> String {
    let mut messages: Vec<_> = fds.file.iter().flat_map(|f| &f.message_type).collect();
    messages.sort_by(|a, b| a.name().cmp(b.name()));
    let mut out = String::new();
    for message in messages {
        out.push_str(&format!("/// `indikator.v1.{}`\npub mod {} {{\n", message.name(), snake_case(message.name())));
        for field in &message.field {
            out.push_str(&format!("    pub const {}: u32 = {};\n", field.name().to_uppercase(), field.number()));
        }
        out.push_str("}\n");
    }
    out
}

fn snake_case(name: &str) -> String {
    let mut out = String::new();
    let mut previous_lower_or_digit = false;
    for c in name.chars() {
        if c.is_ascii_uppercase() && previous_lower_or_digit {
            out.push('_');
        }
        previous_lower_or_digit = c.is_ascii_lowercase() || c.is_ascii_digit();
        out.push(c.to_ascii_lowercase());
    }
    out
}
