//! How every client reaches a server: `http://` in plain text, `https://`
//! over TLS (the web PKI's roots built in, and `--ca-cert` besides them),
//! with a client certificate for mutual TLS, and the TLS server name from the
//! URL unless `--tls-server-name` gives another. A failure is told in words a
//! user can act on: a refused port, an unknown CA, a name the certificate
//! does not hold, plain text against TLS and TLS against plain text.

use std::error::Error as StdError;
use std::path::{Path, PathBuf};
use std::time::Duration;

use tokio_rustls::rustls;
use tonic::transport::{Certificate, Channel, ClientTlsConfig, Endpoint, Identity};

/// TLS settings of a client; all empty for plain text or the built-in roots alone.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ClientTls {
    /// PEM CA certificates trusted besides the web PKI's roots.
    pub ca_cert: Option<PathBuf>,
    /// PEM client certificate (chain) and its key, for mutual TLS.
    pub client_cert: Option<PathBuf>,
    pub client_key: Option<PathBuf>,
    /// The name the server's certificate must hold (default: the URL's host).
    pub server_name: Option<String>,
}

impl ClientTls {
    /// The flag of the first setting given, if any.
    fn first_given(&self) -> Option<&'static str> {
        [
            (self.ca_cert.is_some(), "--ca-cert"),
            (self.client_cert.is_some(), "--client-cert"),
            (self.client_key.is_some(), "--client-key"),
            (self.server_name.is_some(), "--tls-server-name"),
        ]
        .into_iter()
        .find_map(|(given, flag)| given.then_some(flag))
    }
}

/// Why a client got no answer from a server.
#[derive(Debug, thiserror::Error)]
pub enum ConnectError {
    #[error("--server {0:?} has no scheme: write http://{0} (or https://{0} for TLS)")]
    NoScheme(String),
    #[error("--server {0:?} is not a URL like http://host:50051 or https://host:50051: {1}")]
    BadUrl(String, String),
    #[error(
        "--server {server}: {flag} is a TLS setting but the URL is plain text; write https://… (or leave {flag} out)"
    )]
    TlsOnPlainUrl { server: String, flag: &'static str },
    #[error("{flag} {}: {message}", path.display())]
    File { flag: &'static str, path: PathBuf, message: String },
    #[error("the TLS files (--ca-cert, --client-cert, --client-key) cannot be used: {0}")]
    TlsFiles(String),
    #[error("--client-cert and --client-key go together: give both or neither")]
    HalfIdentity,
    #[error("--tls-server-name {0:?} is not a DNS name or IP address")]
    ServerName(String),
    /// The server and why it could not be reached.
    #[error("cannot reach {0}: {1}")]
    Unreachable(String, String),
    /// The server and why the connection failed during a call.
    #[error("the connection to {0} failed: {1}")]
    Lost(String, String),
}

impl ConnectError {
    /// Whether the command line is at fault (the URL or the TLS flags), not the server.
    pub fn is_usage(&self) -> bool {
        !matches!(
            self,
            ConnectError::Unreachable(..)
                | ConnectError::Lost(..)
                | ConnectError::File { .. }
                | ConnectError::TlsFiles(_)
        )
    }
}

/// A channel to `server` (`http://…` or `https://…`), connected: a server
/// that cannot be reached fails here, not at the first call. `timeout`
/// bounds the connection and each call.
pub async fn channel(server: &str, tls: &ClientTls, timeout: Option<Duration>) -> Result<Channel, ConnectError> {
    let endpoint = endpoint(server, tls)?;
    let endpoint = match timeout {
        Some(t) => endpoint.connect_timeout(t).timeout(t),
        None => endpoint,
    };
    endpoint.connect().await.map_err(|e| ConnectError::Unreachable(server.to_owned(), explain(server, tls, &e)))
}

/// The endpoint for `server`, its TLS configured; reads the TLS files.
fn endpoint(server: &str, tls: &ClientTls) -> Result<Endpoint, ConnectError> {
    let Some((scheme, _)) = server.split_once("://") else {
        return Err(ConnectError::NoScheme(server.to_owned()));
    };
    let https = match scheme.to_ascii_lowercase().as_str() {
        "https" => true,
        "http" => false,
        other => {
            return Err(ConnectError::BadUrl(
                server.to_owned(),
                format!("the scheme is {other:?}; use http:// (plain text) or https:// (TLS)"),
            ));
        }
    };
    let endpoint =
        Endpoint::from_shared(server.to_owned()).map_err(|e| ConnectError::BadUrl(server.to_owned(), chain(&e)))?;
    if !https {
        if let Some(flag) = tls.first_given() {
            return Err(ConnectError::TlsOnPlainUrl { server: server.to_owned(), flag });
        }
        return Ok(endpoint);
    }
    let mut config = ClientTlsConfig::new().trust_anchors(webpki_roots::TLS_SERVER_ROOTS.iter().cloned());
    if let Some(path) = &tls.ca_cert {
        config = config.ca_certificate(Certificate::from_pem(read_pem(
            "--ca-cert",
            path,
            &["CERTIFICATE"],
            "a PEM CA certificate",
        )?));
    }
    match (&tls.client_cert, &tls.client_key) {
        (Some(cert), Some(key)) => {
            let cert = read_pem("--client-cert", cert, &["CERTIFICATE"], "a PEM certificate")?;
            let key = read_pem(
                "--client-key",
                key,
                &["PRIVATE KEY", "RSA PRIVATE KEY", "EC PRIVATE KEY"],
                "a PEM private key (PKCS#8, PKCS#1 or SEC1)",
            )?;
            config = config.identity(Identity::from_pem(cert, key));
        }
        (None, None) => {}
        _ => return Err(ConnectError::HalfIdentity),
    }
    if let Some(name) = &tls.server_name {
        if rustls::pki_types::ServerName::try_from(name.as_str()).is_err() {
            return Err(ConnectError::ServerName(name.clone()));
        }
        config = config.domain_name(name.clone());
    }
    // The PEM files are parsed here: an error is theirs, not the server's.
    endpoint.tls_config(config).map_err(|e| ConnectError::TlsFiles(chain(&e)))
}

/// The file's bytes, if it holds a PEM block of one of `labels`.
fn read_pem(flag: &'static str, path: &Path, labels: &[&str], what: &str) -> Result<Vec<u8>, ConnectError> {
    let file = |message: String| ConnectError::File { flag, path: path.to_owned(), message };
    let bytes = std::fs::read(path).map_err(|e| file(e.to_string()))?;
    let text = String::from_utf8_lossy(&bytes);
    if !labels.iter().any(|label| text.contains(&format!("-----BEGIN {label}-----"))) {
        let found = text
            .split("-----BEGIN ")
            .nth(1)
            .and_then(|rest| rest.split_once("-----"))
            .map(|(label, _)| format!(" (it holds a PEM {label})"))
            .unwrap_or_default();
        return Err(file(format!("not {what}{found}")));
    }
    Ok(bytes)
}

/// A call's failure: a status the server sent is kept as it is; one the
/// connection made (it has a cause) is told as [`ConnectError::Lost`].
pub fn call_failure(server: &str, tls: &ClientTls, status: tonic::Status) -> Result<tonic::Status, ConnectError> {
    match status.source() {
        // The status only wraps the cause; its own text adds nothing.
        Some(cause) => Err(ConnectError::Lost(server.to_owned(), explain(server, tls, cause))),
        None => Ok(status),
    }
}

/// Why `server` gave no answer, in words a user can act on.
pub fn explain(server: &str, tls: &ClientTls, error: &(dyn StdError + 'static)) -> String {
    let https = server.get(..8).is_some_and(|s| s.eq_ignore_ascii_case("https://"));
    let mut causes: Vec<String> = Vec::new();
    let mut closed = false;
    let mut next = Some(error);
    while let Some(e) = next {
        if let Some(reason) = known_cause(e, https) {
            return reason;
        }
        if let Some(io) = e.downcast_ref::<std::io::Error>() {
            use std::io::ErrorKind::{BrokenPipe, ConnectionAborted, ConnectionReset, UnexpectedEof};
            closed |= matches!(io.kind(), BrokenPipe | ConnectionReset | ConnectionAborted | UnexpectedEof);
            // An I/O error's source skips the error it wraps (rustls' among them).
            if let Some(reason) = io.get_ref().and_then(|inner| known_cause(inner, https)) {
                return reason;
            }
        }
        let text = e.to_string();
        if !causes.iter().any(|c| c.contains(&text)) {
            causes.push(text);
        }
        next = e.source();
    }
    let text = causes.join(": ");
    // HTTP/2 keeps only the text of the I/O error behind a connection error.
    if let Some(reason) = text
        .split("received fatal alert: ")
        .nth(1)
        .and_then(|rest| alert_reason(rest.split(|c: char| !c.is_ascii_alphanumeric()).next().unwrap_or_default()))
    {
        return reason;
    }
    closed |= ["connection closed", "connection was not ready", "broken pipe", "connection reset"]
        .iter()
        .any(|t| text.contains(t));
    if !https && (text.contains("FRAME_SIZE_ERROR") || text.contains("frame with invalid size")) {
        return PLAIN_AGAINST_TLS.to_owned();
    }
    if closed && !https {
        return format!("{text} (the server closed the connection at once: if it speaks TLS, write https://…)");
    }
    if closed && tls.client_cert.is_none() {
        return format!(
            "{text} (the server closed the connection after the TLS handshake: if it requires a client \
             certificate (mutual TLS), give --client-cert FILE and --client-key FILE)"
        );
    }
    text
}

const PLAIN_AGAINST_TLS: &str = "the server answered plain-text HTTP/2 with something else: it speaks TLS, so write https://… \
     (with --ca-cert FILE if its CA is a private one)";

/// A cause this module has words for.
fn known_cause(e: &(dyn StdError + 'static), https: bool) -> Option<String> {
    if let Some(io) = e.downcast_ref::<std::io::Error>() {
        match io.kind() {
            std::io::ErrorKind::ConnectionRefused => {
                return Some("connection refused (is the server running, and listening on that port?)".into());
            }
            std::io::ErrorKind::TimedOut => return Some("no answer in time (a firewall, or a wrong address?)".into()),
            _ => {}
        }
        let text = io.to_string();
        if text.contains("failed to lookup address") || text.contains("Name or service not known") {
            return Some(format!("the host name cannot be resolved ({text})"));
        }
    }
    if e.downcast_ref::<tokio::time::error::Elapsed>().is_some() || e.to_string() == "timed out" {
        return Some("no answer in time (a firewall, a wrong address, or a TLS server called with http://?)".into());
    }
    let tls = e.downcast_ref::<rustls::Error>()?;
    use rustls::{CertificateError as Cert, Error as Tls};
    let reason = match tls {
        Tls::InvalidCertificate(Cert::UnknownIssuer) => "the server's certificate is signed by a CA this client does \
             not trust: give that CA with --ca-cert FILE (INDIKATOR_CA_CERT)"
            .to_owned(),
        Tls::InvalidCertificate(Cert::NotValidForName | Cert::NotValidForNameContext { .. }) => {
            let names = match tls {
                Tls::InvalidCertificate(Cert::NotValidForNameContext { expected, presented }) => {
                    format!(" {expected:?}; it holds {}", presented.join(", "))
                }
                _ => String::new(),
            };
            format!(
                "the server's certificate is not valid for the name{names}: connect by a name it holds, or give \
                 that name with --tls-server-name NAME"
            )
        }
        Tls::InvalidCertificate(Cert::Expired | Cert::ExpiredContext { .. }) => {
            "the server's certificate has expired".to_owned()
        }
        Tls::InvalidCertificate(Cert::NotValidYet | Cert::NotValidYetContext { .. }) => {
            "the server's certificate is not valid yet (is this machine's clock right?)".to_owned()
        }
        Tls::InvalidMessage(_) | Tls::PeerSentOversizedRecord if https => {
            "the server did not answer in TLS: it speaks plain text, so write http://…".to_owned()
        }
        Tls::AlertReceived(alert) => match alert_reason(&format!("{alert:?}")) {
            Some(reason) => reason,
            None => format!("TLS: {tls}"),
        },
        other => format!("TLS: {other}"),
    };
    Some(reason)
}

/// What a TLS alert the server sent (by its name, `CertificateRequired`) means
/// for the user.
fn alert_reason(alert: &str) -> Option<String> {
    let reason = match alert {
        "CertificateRequired" => {
            "the server requires a client certificate (mutual TLS): give --client-cert FILE and --client-key FILE"
        }
        "BadCertificate" | "UnknownCA" | "CertificateUnknown" | "AccessDenied" | "CertificateExpired" => {
            "the server refused the client certificate (is it signed by a CA the server trusts, and unexpired?)"
        }
        "HandshakeFailure" => {
            "the TLS handshake failed (a server requiring a client certificate, or one with no cipher in common)"
        }
        _ => return None,
    };
    Some(reason.to_owned())
}

/// A status code as gRPC writes it: `PERMISSION_DENIED`.
pub fn code_name(code: tonic::Code) -> String {
    let mut name = String::new();
    for (i, c) in format!("{code:?}").chars().enumerate() {
        if c.is_ascii_uppercase() && i > 0 {
            name.push('_');
        }
        name.push(c.to_ascii_uppercase());
    }
    name
}

/// An error's chain of causes, each once.
pub fn chain(error: &(dyn StdError + 'static)) -> String {
    let mut causes: Vec<String> = Vec::new();
    let mut next = Some(error);
    while let Some(e) = next {
        let text = e.to_string();
        if !causes.iter().any(|c| c.contains(&text)) {
            causes.push(text);
        }
        next = e.source();
    }
    causes.join(": ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_server_without_a_scheme_is_told_to_write_one() {
        let e = channel("localhost:50051", &ClientTls::default(), None).await.unwrap_err();
        assert_eq!(
            e.to_string(),
            "--server \"localhost:50051\" has no scheme: write http://localhost:50051 (or https://localhost:50051 for TLS)"
        );
    }

    #[tokio::test]
    async fn a_tls_setting_with_a_plain_text_url_names_the_flag() {
        let tls = ClientTls { ca_cert: Some("ca.pem".into()), ..ClientTls::default() };
        let e = channel("http://localhost:1", &tls, None).await.unwrap_err();
        assert!(e.to_string().contains("--ca-cert is a TLS setting but the URL is plain text"), "{e}");
        let e = channel("ftp://localhost:1", &ClientTls::default(), None).await.unwrap_err();
        assert!(e.to_string().contains("use http:// (plain text) or https:// (TLS)"), "{e}");
    }

    #[tokio::test]
    async fn a_ca_file_that_holds_no_certificate_says_what_it_holds() {
        let dir = tempfile::tempdir().unwrap();
        let key = dir.path().join("ca.pem");
        std::fs::write(&key, "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n").unwrap();
        let tls = ClientTls { ca_cert: Some(key.clone()), ..ClientTls::default() };
        let e = channel("https://localhost:1", &tls, None).await.unwrap_err();
        assert_eq!(
            e.to_string(),
            format!("--ca-cert {}: not a PEM CA certificate (it holds a PEM PRIVATE KEY)", key.display())
        );
        let tls = ClientTls { client_cert: Some(key.clone()), ..ClientTls::default() };
        let e = channel("https://localhost:1", &tls, None).await.unwrap_err();
        assert!(matches!(e, ConnectError::HalfIdentity), "{e}");
        // A certificate and key that look like PEM but are not: the files are named, not the server.
        let cert = dir.path().join("c.pem");
        std::fs::write(&cert, "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n").unwrap();
        let tls = ClientTls { client_cert: Some(cert), client_key: Some(key), ..ClientTls::default() };
        let e = channel("https://localhost:1", &tls, None).await.unwrap_err();
        assert!(matches!(e, ConnectError::TlsFiles(_)), "{e}");
        assert!(!e.is_usage());
    }

    #[test]
    fn codes_are_named_as_grpc_writes_them() {
        assert_eq!(code_name(tonic::Code::PermissionDenied), "PERMISSION_DENIED");
        assert_eq!(code_name(tonic::Code::Ok), "OK");
        assert_eq!(code_name(tonic::Code::InvalidArgument), "INVALID_ARGUMENT");
    }

    #[tokio::test]
    async fn a_refused_port_is_told_as_such() {
        let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
        let e = channel(&format!("http://127.0.0.1:{port}"), &ClientTls::default(), None).await.unwrap_err();
        assert!(e.to_string().ends_with("connection refused (is the server running, and listening on that port?)"));
    }
}
