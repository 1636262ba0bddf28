//! `indikator health`: one gRPC health check, for container and orchestrator
//! probes that have no other tools.

use tonic_health::pb::{HealthCheckRequest, health_client::HealthClient};

use std::path::PathBuf;
use std::time::Duration;

use super::connect::{self, ClientTls, ConnectError};

/// What to check, and how to reach it.
#[derive(Debug, Clone)]
pub struct HealthProbe {
    /// e.g. `http://127.0.0.1:50051`, or `https://…` with TLS.
    pub server: String,
    /// Empty for the whole server.
    pub service: String,
    pub timeout: Duration,
    /// With an `https://` server: the CA, client certificate and server name.
    pub tls: ClientTls,
    /// A file holding an access token to send, for a server that requires one.
    pub token_file: Option<PathBuf>,
}

/// Why the check gave no status.
#[derive(Debug, thiserror::Error)]
pub enum HealthError {
    #[error(transparent)]
    Connect(#[from] ConnectError),
    #[error("{} ({})", .0.message(), connect::code_name(.0.code()))]
    Status(tonic::Status),
    #[error(transparent)]
    Token(#[from] super::token::TokenError),
}

/// The serving status of `args.service` on `args.server` (e.g. `SERVING`).
pub async fn check(args: &HealthProbe) -> Result<&'static str, HealthError> {
    let channel = connect::channel(&args.server, &args.tls, Some(args.timeout)).await?;
    let request =
        super::token::request(HealthCheckRequest { service: args.service.clone() }, args.token_file.as_deref())?;
    let response = HealthClient::new(channel).check(request).await.map_err(|status| {
        match connect::call_failure(&args.server, &args.tls, status) {
            Ok(status) => HealthError::Status(status),
            Err(e) => HealthError::Connect(e),
        }
    })?;
    Ok(response.into_inner().status().as_str_name())
}
