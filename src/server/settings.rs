//! The server's settings, independent of how they were given: the binary
//! turns its flags and environment variables into them
//! (`src/bin/indikator/cli.rs`), tests build them directly. Every default is
//! defined once, in [`defaults`].

use std::time::Duration;

use super::middleware::CallLimits;
use crate::catalogue::Catalogues;
use crate::round::RoundLimits;

pub mod defaults {
    use std::time::Duration;

    pub const LISTEN: &str = "0.0.0.0:50051";
    pub const MAX_ROUND_RECORDS: u64 = crate::round::RoundLimits::DEFAULT_MAX_RECORDS;
    pub const SHUTDOWN_GRACE: Duration = Duration::from_secs(30);
    /// After SIGTERM, health is NOT_SERVING and new connections are still
    /// accepted this long, so load balancers stop routing here first.
    pub const DRAIN_DELAY: Duration = Duration::from_secs(5);
    pub const MAX_MESSAGE_BYTES: usize = crate::grpc::DEFAULT_MAX_MESSAGE_BYTES;
    pub const MAX_CONCURRENT_REQUESTS: usize = 1024;
    /// Streams one connection may have open (HTTP/2 SETTINGS_MAX_CONCURRENT_STREAMS).
    pub const MAX_STREAMS_PER_CONNECTION: u32 = 256;
    pub const MAX_HEALTH_WATCHES: usize = 64;
    pub const STREAM_IDLE_TIMEOUT: Duration = Duration::from_secs(60);
    /// What request bodies and rounds may hold together: with the binary's
    /// own ~10 MiB, per-connection buffers and the allocator's slack, this
    /// keeps the server inside the Deployment's 256 MiB limit.
    pub const MEMORY_BUDGET_BYTES: usize = 160 * 1024 * 1024;
    pub const KEEPALIVE_INTERVAL: Duration = Duration::from_secs(30);
    pub const KEEPALIVE_TIMEOUT: Duration = Duration::from_secs(20);
    pub const MAX_CONNECTION_AGE: Duration = Duration::from_secs(300);
    pub const HANDSHAKE_TIMEOUT: Duration = Duration::from_secs(10);
}

/// PEM material for TLS.
#[derive(Clone)]
pub struct TlsSettings {
    pub cert_pem: Vec<u8>,
    pub key_pem: Vec<u8>,
    /// With a client CA, clients must authenticate (mTLS).
    pub client_ca_pem: Option<Vec<u8>>,
}

impl std::fmt::Debug for TlsSettings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TlsSettings").field("mutual", &self.client_ca_pem.is_some()).finish_non_exhaustive()
    }
}

/// Settings the server needs, independent of how they were given.
#[derive(Debug, Clone)]
pub struct ServerSettings {
    /// Longest wait for in-flight calls once accepting has stopped.
    pub shutdown_grace: Duration,
    /// How long new connections are still accepted (with health NOT_SERVING)
    /// once shutdown starts.
    pub drain_delay: Duration,
    /// Bounds on one ScoreRound.
    pub round_limits: RoundLimits,
    /// Server-wide cap on calls in flight.
    pub call_limits: CallLimits,
    /// Largest decoded request / encoded response message, in bytes.
    pub max_message_bytes: usize,
    /// HTTP/2 SETTINGS_MAX_CONCURRENT_STREAMS.
    pub max_streams_per_connection: u32,
    /// Bytes request bodies and rounds may hold together.
    pub memory_budget_bytes: usize,
    /// HTTP/2 keepalive ping interval; `None` = off.
    pub keepalive_interval: Option<Duration>,
    pub keepalive_timeout: Duration,
    /// Connections older than this are closed gracefully.
    pub max_connection_age: Duration,
    /// A new connection must send its handshake within this long.
    pub handshake_timeout: Duration,
    /// `None`: plaintext.
    pub tls: Option<TlsSettings>,
    /// The `ks-2018` and `riksrevisjonen-2015` catalogues (shipped, or the operator's).
    pub catalogues: Catalogues,
}

impl Default for ServerSettings {
    fn default() -> Self {
        Self {
            shutdown_grace: defaults::SHUTDOWN_GRACE,
            drain_delay: defaults::DRAIN_DELAY,
            round_limits: RoundLimits::default(),
            call_limits: CallLimits::default(),
            max_message_bytes: defaults::MAX_MESSAGE_BYTES,
            max_streams_per_connection: defaults::MAX_STREAMS_PER_CONNECTION,
            memory_budget_bytes: defaults::MEMORY_BUDGET_BYTES,
            keepalive_interval: Some(defaults::KEEPALIVE_INTERVAL),
            keepalive_timeout: defaults::KEEPALIVE_TIMEOUT,
            max_connection_age: defaults::MAX_CONNECTION_AGE,
            handshake_timeout: defaults::HANDSHAKE_TIMEOUT,
            tls: None,
            catalogues: Catalogues::shipped().clone(),
        }
    }
}
