//! `indikator health`: one gRPC health check, for container and orchestrator
//! probes that have no other tools.

use tonic::transport::{Certificate, ClientTlsConfig, Endpoint, Identity};
use tonic_health::pb::{HealthCheckRequest, health_client::HealthClient};

use crate::configuration::HealthArgs;

/// The serving status of `args.service` on `args.server` (e.g. `SERVING`).
pub async fn check(args: &HealthArgs) -> Result<&'static str, Box<dyn std::error::Error + Send + Sync>> {
    let mut endpoint = Endpoint::from_shared(args.server.clone())?.connect_timeout(args.timeout).timeout(args.timeout);
    let read = |p: &std::path::PathBuf| std::fs::read(p).map_err(|e| format!("{}: {e}", p.display()));
    if args.ca.is_some() || args.cert.is_some() {
        let mut tls = ClientTlsConfig::new();
        if let Some(ca) = &args.ca {
            tls = tls.ca_certificate(Certificate::from_pem(read(ca)?));
        }
        if let (Some(cert), Some(key)) = (&args.cert, &args.key) {
            tls = tls.identity(Identity::from_pem(read(cert)?, read(key)?));
        }
        endpoint = endpoint.tls_config(tls)?;
    }
    let channel = endpoint.connect().await.map_err(|e| format!("cannot connect to {}: {e}", args.server))?;
    let response = HealthClient::new(channel).check(HealthCheckRequest { service: args.service.clone() }).await?;
    Ok(response.into_inner().status().as_str_name())
}
