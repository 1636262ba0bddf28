//! # indikator
//!
//! A gRPC service that scores Norwegian municipalities' digitalisation survey
//! answers by three published methodologies (specification: `docs/method.md`).
//!
//! The pure core (domain → methodology → catalogue → scoring → round) is its
//! own crate, `crates/indikator-core`, with no transport and no async; it is
//! re-exported here under the paths it has always had. Every import points up
//! this list; nothing imports a module below it (`python3 tools/modcycles.py src
//! --folders` checks there are no cycles, between these modules or inside any
//! folder):
//!
//! ```text
//! domain, methodology, catalogue, scoring, round
//!              the core, from indikator-core
//! safe_text    client text as logs and answers may show it: escaped, cut to an excerpt (a leaf)
//! memory       the server-wide memory budget (a leaf)
//! proto        generated indikator.v1 code, descriptors, the codec that bounds requests on the wire (a leaf)
//! grpc         proto <-> domain (validation, conversion, records read straight from their bytes),
//!              the service, the one place errors become Status
//! server       plain settings (defaults defined once), middleware, telemetry, start-up and drain
//! client       indikator batch and indikator compare (in-process or remote) and the health probe
//! testing      shorthands with the shipped catalogues, for tests, fuzz targets, benches and tools
//! ```
//!
//! The binary (`src/bin/indikator/`) turns flags and environment variables
//! into [`server::ServerSettings`] (`cli.rs`, the only place clap appears) and
//! calls [`server::run`]. Tests start the same server on port 0.

#![forbid(unsafe_code)]

// The pure core, its own crate (`crates/indikator-core`), under the paths it
// has always had here.
pub use indikator_core::{catalogue, domain, methodology, round, scoring};

pub mod client;
pub mod grpc;
pub mod memory;
pub mod proto;
pub mod safe_text;
pub mod server;
pub mod testing;
