//! `indikator health`: one gRPC health check, for container and orchestrator
//! probes that have no other tools.

use tonic::transport::{Certificate, ClientTlsConfig, Endpoint, Identity};
use tonic_health::pb::{HealthCheckRequest, health_client::HealthClient};

use std::path::PathBuf;
use std::time::Duration;

/// What to check, and how to reach it.
#[derive(Debug, Clone)]
pub struct HealthProbe {
    /// e.g. `http://127.0.0.1:50051`, or `https://…` with TLS.
    pub server: String,
    /// Empty for the whole server.
    pub service: String,
    pub timeout: Duration,
    /// PEM CA to trust for an `https://` server.
    pub ca: Option<PathBuf>,
    /// PEM client certificate and key, for mutual TLS.
    pub cert: Option<PathBuf>,
    pub key: Option<PathBuf>,
    /// A file holding an access token to send, for a server that requires one.
    pub token_file: Option<PathBuf>,
}

/// Why the check gave no status.
#[derive(Debug, thiserror::Error)]
pub enum HealthError {
    #[error("{}: {source}", path.display())]
    Read { path: PathBuf, source: std::io::Error },
    #[error("cannot connect to {server}: {source}")]
    Connect { server: String, source: tonic::transport::Error },
    #[error("{0}")]
    Status(#[from] tonic::Status),
    #[error(transparent)]
    Token(#[from] super::token::TokenError),
}

/// The serving status of `args.service` on `args.server` (e.g. `SERVING`).
pub async fn check(args: &HealthProbe) -> Result<&'static str, HealthError> {
    let connect = |source| HealthError::Connect { server: args.server.clone(), source };
    let mut endpoint = Endpoint::from_shared(args.server.clone())
        .map_err(connect)?
        .connect_timeout(args.timeout)
        .timeout(args.timeout);
    let read = |p: &PathBuf| std::fs::read(p).map_err(|source| HealthError::Read { path: p.clone(), source });
    if args.ca.is_some() || args.cert.is_some() {
        let mut tls = ClientTlsConfig::new();
        if let Some(ca) = &args.ca {
            tls = tls.ca_certificate(Certificate::from_pem(read(ca)?));
        }
        if let (Some(cert), Some(key)) = (&args.cert, &args.key) {
            tls = tls.identity(Identity::from_pem(read(cert)?, read(key)?));
        }
        endpoint = endpoint.tls_config(tls).map_err(connect)?;
    }
    let channel = endpoint.connect().await.map_err(connect)?;
    let request =
        super::token::request(HealthCheckRequest { service: args.service.clone() }, args.token_file.as_deref())?;
    let response = HealthClient::new(channel).check(request).await?;
    Ok(response.into_inner().status().as_str_name())
}
