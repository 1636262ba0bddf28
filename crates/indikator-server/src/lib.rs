//! # indikator-server
//!
//! The server: `indikator.v1.IndicatorService` over tonic, on one port that
//! speaks gRPC, gRPC-Web and JSON/HTTP. It may import the application layer
//! ([`indikator_app`]) and the core ([`indikator_core`]); nothing imports it
//! but the binary (and tests). Every import points up this list
//! (`python3 tools/modcycles.py crates/indikator-server/src --folders`):
//!
//! ```text
//! methods      the service's methods by name, from the descriptors (for spans, metrics, audit)
//! settings     plain settings, each default defined once, and the per-call limits
//! grpc         the generated tonic server, the service, the routes (one decode path per method),
//!              the codecs, and the one place where the application's errors become Status
//! propagation  the caller's trace context read from a call's headers
//! telemetry    logging, OpenTelemetry traces and metrics
//! auth         who may call what: bearer tokens, client certificates, scopes, the audit line
//! middleware   one tower layer a concern: spans and metrics, admission, deadlines, idle calls,
//!              memory reservations, panics (composed by `RpcLayer`)
//! http         the JSON/HTTP API transcoded from the methods' HTTP annotations, its errors
//! startup      listeners, TLS, the health and reflection services, drain: [`run`]
//! ```

#![forbid(unsafe_code)]
#![warn(unreachable_pub)]

pub mod auth;
pub mod grpc;
mod http;
mod methods;
pub mod middleware;
mod propagation;
pub mod settings;
mod startup;
pub mod telemetry;

pub use settings::{
    AllowedCertificate, AuthSettings, BearerSettings, CallLimits, JwksSource, ServerSettings, SigningAlgorithm,
    TlsSettings, defaults,
};
pub use startup::{Deadlines, StartupError, run, shutdown_signal};
