//! # indikator-core
//!
//! The pure core of indikator: Norwegian municipalities' digitalisation survey
//! answers scored by three published methodologies (specification:
//! `docs/method.md`). No transport, no async, no protobuf: the server, the
//! command line and any other front end build on it.
//!
//! Every import points up this list; nothing imports a module below it
//! (`python3 tools/modcycles.py crates/indikator-core/src --folders` checks
//! there are no cycles, between these modules or inside any folder):
//!
//! ```text
//! domain       newtypes that parse: organisation, municipality and county numbers, size class
//! methodology  the methodologies as data: item lists, scales, bands, composite tables, labels,
//!              provenance, the published figures
//! catalogue    the ks-2018 and riksrevisjonen-2015 catalogues as TOML data: loading and validation
//! scoring      validated answers in, scores and grades out
//! round        whole rounds: compact state per respondent, calibration, tables, comparing two
//!              rounds (matching, transitions), its own errors
//! ```
//!
//! It may depend on serde, toml and thiserror, and nothing that speaks to a
//! network: `cargo tree -p indikator-core -e normal` shows no tonic, prost,
//! tokio, hyper, tower, h2 or OpenTelemetry.

#![forbid(unsafe_code)]

pub mod catalogue;
pub mod domain;
pub mod methodology;
pub mod round;
pub mod scoring;
