//! Assembles the gRPC server (indicator service, health, reflection) and runs
//! it on a listener until a shutdown future completes.

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use std::sync::Arc;

use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::TcpStream;
use tokio::sync::{OwnedSemaphorePermit, Semaphore};
use tokio::time::Sleep;
use tonic::transport::server::{Connected, TcpConnectInfo};

use tokio::net::TcpListener;
use tonic::transport::{Certificate, Identity, Server, ServerTlsConfig};
use tonic_health::server::HealthReporter;

use crate::auth::{AuthError, AuthLayer};
use crate::grpc::Metrics;
use crate::grpc::indicator_service_server::IndicatorServiceServer;
use crate::grpc::{IndicatorApi, IndicatorRoutes};
use crate::http::JsonHttpLayer;
use crate::middleware::RpcLayer;
use crate::settings::ServerSettings;
use indikator_app::memory::MemoryBudget;
use indikator_app::proto;

#[derive(Debug, thiserror::Error)]
pub enum StartupError {
    #[error("reflection descriptors: {0}")]
    Reflection(#[from] tonic_reflection::server::Error),
    #[error("transport: {0}")]
    Transport(#[from] tonic::transport::Error),
    #[error("authorization: {0}")]
    Auth(#[from] AuthError),
    #[error("CORS: {0}")]
    Cors(String),
}

/// Every descriptor set reflection serves: ours, health, and the rich-error types.
const DESCRIPTOR_SETS: [&[u8]; 3] =
    [proto::FILE_DESCRIPTOR_SET, tonic_health::pb::FILE_DESCRIPTOR_SET, tonic_types::pb::FILE_DESCRIPTOR_SET];

/// Serves on `listener` until `shutdown` completes, then drains as Kubernetes
/// expects: health turns NOT_SERVING at once while new connections are still
/// accepted for `settings.drain_delay` (load balancers and readiness probes
/// move traffic away first); then accepting stops and in-flight calls get up
/// to `settings.shutdown_grace` to finish.
pub async fn run(
    listener: TcpListener,
    settings: ServerSettings,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> Result<(), StartupError> {
    let auth = AuthLayer::new(&settings.auth).await?;
    let (reporter, health) = tonic_health::server::health_reporter();
    reporter.set_serving::<IndicatorServiceServer<IndicatorApi>>().await;

    let mut v1 = tonic_reflection::server::Builder::configure();
    let mut v1alpha = tonic_reflection::server::Builder::configure();
    for set in DESCRIPTOR_SETS {
        v1 = v1.register_encoded_file_descriptor_set(set);
        v1alpha = v1alpha.register_encoded_file_descriptor_set(set);
    }

    let metrics = Metrics::global();
    let budget = MemoryBudget::new(settings.memory_budget_bytes);
    metrics.observe_memory(&budget);
    let api = IndicatorApi::new(settings.round_limits, metrics.clone(), settings.catalogues.clone(), budget.clone())
        .with_max_message_bytes(settings.max_message_bytes);
    let indicators = IndicatorRoutes::new(api, settings.max_message_bytes);

    let local = listener.local_addr().ok();
    let (stop_accepting, stopped) = tokio::sync::oneshot::channel::<()>();
    let mut builder = Server::builder()
        .http2_keepalive_interval(settings.keepalive_interval)
        .http2_keepalive_timeout(Some(settings.keepalive_timeout))
        // GOAWAY at the age; the forced close after the grace is the
        // connection's own deadline (tonic sends no GOAWAY when it is given a
        // grace as well).
        .max_connection_age(settings.max_connection_age)
        .max_concurrent_streams(settings.max_streams_per_connection);
    if let Some(tls) = &settings.tls {
        // The deadline covers the whole TLS handshake, not only its first bytes.
        let mut config = ServerTlsConfig::new()
            .identity(Identity::from_pem(&tls.cert_pem, &tls.key_pem))
            .timeout(settings.handshake_timeout);
        if let Some(ca) = &tls.client_ca_pem {
            config = config.client_ca_root(Certificate::from_pem(ca));
        }
        builder = builder.tls_config(config)?;
    }
    let cors = cors(&settings.cors_allowed_origins)?;
    let server = builder
        // HTTP/1.1 too: gRPC-Web and the JSON API; HTTP/2 gRPC as before.
        .accept_http1(true)
        .layer(tower::util::option_layer(cors))
        // Before gRPC-Web, which refuses HTTP/1.1 requests that are not gRPC-Web.
        .layer(JsonHttpLayer::new(settings.max_message_bytes, budget.clone()))
        .layer(tonic_web::GrpcWebLayer::new())
        .layer(RpcLayer::new(settings.call_limits, metrics, budget).with_max_message_bytes(settings.max_message_bytes))
        .layer(auth)
        .add_service(health)
        .add_service(v1.build_v1()?)
        .add_service(v1alpha.build_v1alpha()?)
        .add_service(indicators)
        .serve_with_incoming_shutdown(
            accepted(
                listener,
                settings.handshake_timeout,
                settings.max_connection_age + settings.shutdown_grace,
                settings.max_connections,
            ),
            async {
                let _ = stopped.await;
            },
        );
    tracing::info!(
        address = ?local,
        tls = settings.tls.is_some(),
        mutual_tls = settings.tls.as_ref().is_some_and(|t| t.client_ca_pem.is_some()),
        "serving indikator.v1.IndicatorService"
    );

    let mut server = std::pin::pin!(server);
    tokio::select! {
        result = &mut server => return result.map_err(Into::into),
        () = shutdown => {}
    }
    drain(&reporter, settings.drain_delay).await;
    // Still accepting: a load balancer may route here until it sees NOT_SERVING.
    tokio::select! {
        result = &mut server => return result.map_err(Into::into),
        () = tokio::time::sleep(settings.drain_delay) => {}
    }
    tracing::info!("drain delay over: no longer accepting connections");
    let _ = stop_accepting.send(());
    match tokio::time::timeout(settings.shutdown_grace, server).await {
        Ok(result) => {
            tracing::info!("shut down cleanly");
            result.map_err(Into::into)
        }
        Err(_) => {
            tracing::warn!(grace = ?settings.shutdown_grace, "grace period over; dropping calls still in flight");
            Ok(())
        }
    }
}

/// An origin as browsers send it (`https://portal.example.no`, with a port
/// only when not the scheme's default): scheme and host lower-cased, a
/// trailing slash dropped; an error naming the value when it is not one.
fn normalise_origin(raw: &str) -> Result<String, StartupError> {
    let refuse = |why: &str| {
        StartupError::Cors(format!(
            "--cors-allowed-origin {}: {why}; give scheme://host[:port], e.g. https://portal.example.no, or * for any",
            indikator_app::safe_text::LogSafe(raw)
        ))
    };
    let trimmed = raw.trim().trim_end_matches('/');
    let (scheme, rest) = trimmed.split_once("://").ok_or_else(|| refuse("no scheme"))?;
    let scheme = scheme.to_ascii_lowercase();
    if scheme != "https" && scheme != "http" {
        return Err(refuse("the scheme must be https or http"));
    }
    if rest.is_empty() || rest.contains(['/', '?', '#', '@', ' ', '*']) {
        return Err(refuse("an origin has a host and no path, query, user or wildcard"));
    }
    let host = rest.to_ascii_lowercase();
    let host = match (scheme.as_str(), host.rsplit_once(':')) {
        ("https", Some((h, "443"))) | ("http", Some((h, "80"))) => h.to_owned(),
        _ => host,
    };
    let origin = format!("{scheme}://{host}");
    http::HeaderValue::from_str(&origin).map_err(|_| refuse("not a valid header value"))?;
    Ok(origin)
}

/// Cross-origin calls from browsers at `origins` (or from any origin, for
/// `*`, without credentials): gRPC-Web and the JSON API, with the headers
/// they send (a bearer token, a deadline, trace context) and the gRPC status
/// headers readable. `None` when no origin is allowed.
fn cors(origins: &[String]) -> Result<Option<tower_http::cors::CorsLayer>, StartupError> {
    use http::{HeaderName, HeaderValue, Method};
    use tower_http::cors::{AllowOrigin, CorsLayer};
    if origins.is_empty() {
        return Ok(None);
    }
    let allow = if origins.iter().any(|o| o.trim() == "*") {
        if origins.len() > 1 {
            return Err(StartupError::Cors(
                "--cors-allowed-origin *: allows every origin, so no other origin may be given with it".into(),
            ));
        }
        tracing::warn!("CORS: any origin may call (--cors-allowed-origin *); browsers send no credentials");
        AllowOrigin::any()
    } else {
        let mut list = Vec::new();
        for origin in origins {
            let value = HeaderValue::from_str(&normalise_origin(origin)?).expect("checked by normalise_origin");
            if !list.contains(&value) {
                list.push(value);
            }
        }
        AllowOrigin::list(list)
    };
    let headers = |names: &[&'static str]| names.iter().map(|n| HeaderName::from_static(n)).collect::<Vec<_>>();
    Ok(Some(
        CorsLayer::new()
            .allow_origin(allow)
            .allow_methods([Method::GET, Method::POST, Method::OPTIONS])
            .allow_headers(headers(&[
                "authorization",
                "content-type",
                "grpc-timeout",
                "x-grpc-web",
                "x-user-agent",
                "traceparent",
                "tracestate",
                "connect-protocol-version",
            ]))
            .expose_headers(headers(&["grpc-status", "grpc-message", "grpc-status-details-bin"]))
            .max_age(Duration::from_secs(24 * 3600)),
    ))
}

async fn drain(reporter: &HealthReporter, delay: Duration) {
    reporter.set_not_serving::<IndicatorServiceServer<IndicatorApi>>().await;
    reporter.set_service_status("", tonic_health::ServingStatus::NotServing).await;
    tracing::info!(drain_delay = ?delay, "shutdown requested: health NOT_SERVING; accepting until the drain delay is over");
}

/// Pause after a failed accept (out of file descriptors, say), so the accept
/// loop does not spin a core while connections close and free them.
const ACCEPT_BACKOFF: Duration = Duration::from_millis(100);

/// How often a server at its connection limit says so in the log.
const AT_LIMIT_LOG_EVERY: Duration = Duration::from_secs(10);

/// Accepted connections, each with its [`Deadlines`]: its first bytes (the
/// HTTP/2 preface, or a TLS client hello, whose handshake tonic then bounds)
/// within `handshake`, since keepalive and connection age only start after the
/// handshake and a socket that never speaks would otherwise be held for ever;
/// and a hard close at `lifetime` (the maximum age, when it got GOAWAY, plus
/// the grace for its calls to finish). At most `max_connections` are open at
/// once: at the limit, accepting waits until one closes (the kernel's backlog
/// holds the rest).
fn accepted(
    listener: TcpListener,
    handshake: Duration,
    lifetime: Duration,
    max_connections: usize,
) -> impl futures::Stream<Item = std::io::Result<Deadlines>> {
    let slots = Arc::new(Semaphore::new(max_connections));
    let mut warned: Option<std::time::Instant> = None;
    futures::stream::unfold(listener, move |listener| {
        let slots = slots.clone();
        let warn = warned.is_none_or(|at| at.elapsed() >= AT_LIMIT_LOG_EVERY);
        let at_limit = slots.available_permits() == 0;
        if at_limit && warn {
            warned = Some(std::time::Instant::now());
            tracing::warn!(
                max_connections,
                "at the connection limit (--max-connections); accepting waits for one to close"
            );
        }
        async move {
            let slot = slots.acquire_owned().await.expect("the semaphore is never closed");
            loop {
                match listener.accept().await {
                    Ok((stream, _)) => {
                        // Small gRPC responses must not wait for the peer's delayed
                        // ACK (Nagle): that costs ~40 ms a call on an idle connection.
                        if let Err(e) = stream.set_nodelay(true) {
                            tracing::debug!(error = %e, "cannot set TCP_NODELAY");
                        }
                        let deadline = Some(Box::pin(tokio::time::sleep(handshake)));
                        let closes = Box::pin(tokio::time::sleep(lifetime));
                        let connection = Deadlines { stream, deadline, received: 0, closes, _slot: slot };
                        return Some((Ok(connection), listener));
                    }
                    Err(e) => {
                        tracing::warn!(error = %e, "accepting a connection failed; retrying shortly");
                        tokio::time::sleep(ACCEPT_BACKOFF).await;
                    }
                }
            }
        }
    })
}

/// The HTTP/2 client preface is 24 bytes.
const PREFACE_BYTES: usize = 24;

pin_project_lite::pin_project! {
    /// A TCP stream that fails its reads if the peer has not sent
    /// [`PREFACE_BYTES`] before the handshake deadline, and once its lifetime
    /// is over.
    pub struct Deadlines {
        #[pin]
        stream: TcpStream,
        deadline: Option<Pin<Box<Sleep>>>,
        received: usize,
        closes: Pin<Box<Sleep>>,
        // The connection's place under --max-connections, freed when it closes.
        _slot: OwnedSemaphorePermit,
    }
}

impl AsyncRead for Deadlines {
    fn poll_read(self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &mut ReadBuf<'_>) -> Poll<std::io::Result<()>> {
        let this = self.project();
        if let Some(deadline) = this.deadline.as_mut()
            && deadline.as_mut().poll(cx).is_ready()
        {
            tracing::debug!("closing a connection that sent no handshake in time");
            return Poll::Ready(Err(std::io::Error::new(std::io::ErrorKind::TimedOut, "no handshake in time")));
        }
        if this.closes.as_mut().poll(cx).is_ready() {
            tracing::debug!("closing a connection past its maximum age and grace");
            return Poll::Ready(Err(std::io::Error::new(std::io::ErrorKind::TimedOut, "past maximum age and grace")));
        }
        let before = buf.filled().len();
        let polled = this.stream.poll_read(cx, buf);
        if let Poll::Ready(Ok(())) = polled {
            *this.received += buf.filled().len() - before;
            if *this.received >= PREFACE_BYTES {
                *this.deadline = None;
            }
        }
        polled
    }
}

impl AsyncWrite for Deadlines {
    fn poll_write(self: Pin<&mut Self>, cx: &mut Context<'_>, data: &[u8]) -> Poll<std::io::Result<usize>> {
        self.project().stream.poll_write(cx, data)
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        self.project().stream.poll_flush(cx)
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        self.project().stream.poll_shutdown(cx)
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[std::io::IoSlice<'_>],
    ) -> Poll<std::io::Result<usize>> {
        self.project().stream.poll_write_vectored(cx, bufs)
    }

    fn is_write_vectored(&self) -> bool {
        self.stream.is_write_vectored()
    }
}

impl Connected for Deadlines {
    type ConnectInfo = TcpConnectInfo;

    fn connect_info(&self) -> Self::ConnectInfo {
        self.stream.connect_info()
    }
}

/// Completes on SIGINT or SIGTERM. The handlers are installed when this is
/// called (within the runtime), not when the future is first polled, so a
/// signal that arrives while the server is still starting is not lost (or,
/// for SIGTERM, fatal).
pub fn shutdown_signal() -> impl Future<Output = ()> + Send + 'static {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        let interrupt = signal(SignalKind::interrupt());
        let terminate = signal(SignalKind::terminate());
        async move {
            let (mut interrupt, mut terminate) = match (interrupt, terminate) {
                (Ok(i), Ok(t)) => (i, t),
                (Err(e), _) | (_, Err(e)) => {
                    tracing::error!(error = %e, "cannot listen for SIGINT/SIGTERM");
                    return std::future::pending::<()>().await;
                }
            };
            tokio::select! {
                _ = interrupt.recv() => tracing::info!("SIGINT received"),
                _ = terminate.recv() => tracing::info!("SIGTERM received"),
            }
        }
    }
    #[cfg(not(unix))]
    async {
        let _ = tokio::signal::ctrl_c().await;
        tracing::info!("SIGINT received");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn origins_are_normalised_as_browsers_send_them() {
        assert_eq!(normalise_origin("https://Portal.Example.NO/").unwrap(), "https://portal.example.no");
        assert_eq!(normalise_origin("https://portal.example.no:443").unwrap(), "https://portal.example.no");
        assert_eq!(normalise_origin("http://localhost:8080").unwrap(), "http://localhost:8080");
        for bad in ["portal.example.no", "ftp://x", "https://x/path", "https://*.example.no", "https://", "https://a b"]
        {
            let error = normalise_origin(bad).unwrap_err().to_string();
            assert!(error.starts_with("CORS: --cors-allowed-origin"), "{bad}: {error}");
        }
    }

    #[test]
    fn any_origin_is_allowed_alone_and_never_panics() {
        assert!(cors(&["*".into()]).unwrap().is_some());
        assert!(cors(&["*".into(), "https://a.no".into()]).is_err());
        assert!(cors(&["https://a.no/".into(), "https://A.no".into()]).unwrap().is_some());
        assert!(cors(&[]).unwrap().is_none());
    }
}
