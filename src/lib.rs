//! # indikator
//!
//! A gRPC service that scores Norwegian municipalities' digitalisation survey
//! answers by three published methodologies (`../shared/METHOD.md`).
//!
//! The crate is layered so that each layer only knows the one below it:
//!
//! | module | what it holds |
//! |---|---|
//! | [`methodology`] | the methodologies as data: item lists, scales, bands, composite tables, labels, provenance |
//! | [`catalogue`] | the `ks-2018` and `riksrevisjonen-2015` catalogues as data files: areas, items, services, answer→value maps; loading and validation |
//! | [`scoring`] | the pure core: validated answers in, scores and grades out (no I/O, no async, no protobuf) |
//! | [`round`] | whole survey rounds: compact per-respondent state, calibration, tables by group (pure) |
//! | [`domain`] | newtypes for identities: organisation number, municipality and county numbers, size class |
//! | [`api`] | the gRPC layer: validation of protobuf requests into domain values, conversion of results, the tonic service |
//! | [`proto`] | generated `indikator.v1` code, its descriptor set, and the codec that bounds requests on the wire before decoding ([`proto::wire`]) |
//! | [`batch`] | the `indikator batch` client: round files (JSON Lines, CSV) to a server or in-process |
//! | [`middleware`] | the layer around every RPC: admission, deadlines, idle calls, memory reservations of request bodies, spans, metrics, panic containment |
//! | [`memory`] | the server-wide memory budget that request bodies and rounds reserve from |
//! | [`health`] | the `indikator health` probe client |
//! | [`startup`] | assembling the server (service, health, reflection) and running it on a listener until shutdown |
//! | [`configuration`] | command-line flags and environment variables |
//! | [`telemetry`] | logging (`tracing`) and OpenTelemetry (OTLP) set-up |
//!
//! The binary (`src/bin/indikator.rs`) only parses configuration and calls
//! [`startup::run`]. Tests start the same server on port 0.

#![forbid(unsafe_code)]

pub mod api;
pub mod batch;
pub mod catalogue;
pub mod configuration;
pub mod domain;
pub mod health;
pub mod memory;
pub mod methodology;
pub mod middleware;
pub mod proto;
pub mod round;
pub mod scoring;
pub mod startup;
pub mod telemetry;
