//! The server around the service: plain settings (each default defined once),
//! who may call what (bearer tokens, client certificates, scopes), the tower
//! layers around every call (`middleware/`, one layer a concern: spans and
//! metrics, admission, deadlines, idle calls, memory reservations, panics),
//! the JSON/HTTP API transcoded from the gRPC methods' HTTP annotations,
//! logging and OpenTelemetry, and start-up and drain.
//!
//! May import everything below it: [`crate::grpc`], [`crate::memory`],
//! [`crate::proto`], [`crate::catalogue`], [`crate::round`].

pub mod auth;
pub mod http;
pub mod methods;
pub mod middleware;
pub mod settings;
mod startup;
pub mod telemetry;

pub use settings::{
    AllowedCertificate, AuthSettings, BearerSettings, CallLimits, JwksSource, ServerSettings, SigningAlgorithm,
    TlsSettings, defaults,
};
pub use startup::{Deadlines, StartupError, run, shutdown_signal};
