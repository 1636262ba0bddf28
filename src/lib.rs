//! # indikator
//!
//! A gRPC service that scores Norwegian municipalities' digitalisation survey
//! answers by three published methodologies (specification: `docs/method.md`).
//!
//! Every import points down this list; nothing imports a module above it
//! (`python3 ../shared/tools/modcycles.py src` checks there are no cycles):
//!
//! ```text
//! domain       newtypes that parse: organisation, municipality and county numbers, size class
//! methodology  the methodologies as data: item lists, scales, bands, composite tables, labels, provenance
//! catalogue    the ks-2018 and riksrevisjonen-2015 catalogues as TOML data: loading and validation
//! scoring      the pure core: validated answers in, scores and grades out
//! round        whole rounds, pure: compact state per respondent, calibration, tables, comparing two
//!              rounds (matching, transitions), its own errors
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

pub mod catalogue;
pub mod client;
pub mod domain;
pub mod grpc;
pub mod memory;
pub mod methodology;
pub mod proto;
pub mod round;
pub mod safe_text;
pub mod scoring;
pub mod server;
pub mod testing;
