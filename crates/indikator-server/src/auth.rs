//! Who may call what: a tower layer that identifies the caller of each call
//! and checks that it holds the scope the method needs.
//!
//! A caller is identified by an OAuth2 access token (`authorization: Bearer
//! …`, a JWT as Maskinporten issues them, checked offline against the
//! issuer's JSON Web Key Set) or, with mutual TLS, by a client certificate on
//! the allow-list. A token, when sent, decides; a certificate counts only
//! without one. Open methods (an empty scope) are not checked at all.
//!
//! Refusals: no identity, or a token that does not check out, is
//! UNAUTHENTICATED with a short reason (the token is never echoed nor
//! logged); a valid identity without the scope is PERMISSION_DENIED naming
//! the scope. Each checked call records its caller and outcome on the call's
//! span and in one `indikator::audit` log line, and refusals are counted by
//! reason (`indikator.auth.refusals`).
//!
//! The key set is read at start (a failure stops the server), fetched again
//! every `refresh` and when a token names an unknown `kid` (at most once a
//! `min_refetch`); a failed fetch keeps the last good set.

use std::collections::HashMap;
use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex, RwLock, Weak};
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

use jsonwebtoken::jwk::{AlgorithmParameters, Jwk, JwkSet, KeyAlgorithm, PublicKeyUse};
use jsonwebtoken::{Algorithm, DecodingKey, Validation};
use opentelemetry::KeyValue;
use opentelemetry::metrics::Counter;
use serde::Deserialize;
use tonic::Status;
use tonic::body::Body;
use tonic::transport::server::{TcpConnectInfo, TlsConnectInfo};
use tower::{Layer, Service};

use super::settings::{
    AllowedCertificate, AuthSettings, BearerSettings, DistinguishedName, JwksSource, SigningAlgorithm,
};
use indikator_app::LogSafe;

/// Target of the one audit line each checked call writes.
pub const AUDIT_TARGET: &str = "indikator::audit";

/// Largest key set read or fetched, in bytes.
const MAX_JWKS_BYTES: usize = 1024 * 1024;

/// Longest a key set fetch may take.
const FETCH_TIMEOUT: Duration = Duration::from_secs(10);

/// Why the authorization layer could not be set up.
#[derive(Debug, thiserror::Error)]
pub enum AuthError {
    #[error("--auth-jwks {location}: {error}")]
    Jwks { location: String, error: JwksError },
    #[error("--auth-issuer is required with --auth-jwks")]
    NoIssuer,
    #[error("--auth-algorithms: at least one algorithm is needed")]
    NoAlgorithms,
}

/// Why a key set could not be had.
#[derive(Debug, thiserror::Error)]
pub enum JwksError {
    #[error("cannot read: {0}")]
    Read(#[from] std::io::Error),
    #[error("larger than {MAX_JWKS_BYTES} bytes")]
    TooLarge,
    #[error("not a URL: {0}")]
    Url(String),
    #[error("plain http is allowed only to a loopback address; use https")]
    Insecure,
    #[error("TLS: {0}")]
    Tls(String),
    #[error("HTTP: {0}")]
    Http(String),
    #[error("HTTP status {0}")]
    HttpStatus(http::StatusCode),
    #[error("timed out after {FETCH_TIMEOUT:?}")]
    Timeout,
    #[error("not a JSON Web Key Set: {0}")]
    Json(#[from] serde_json::Error),
    #[error("no usable signing key (asymmetric, `use` absent or `sig`)")]
    NoUsableKeys,
}

/// Why a call was refused. The reasons are a closed set: they label the
/// refusals metric.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Refusal {
    #[error("no bearer token")]
    Missing,
    #[error("the authorization metadata is not `Bearer <token>`")]
    NotBearer,
    #[error("the token is malformed")]
    Malformed,
    #[error("the token's algorithm is not accepted")]
    Algorithm,
    #[error("the token is signed by an unknown key")]
    UnknownKey,
    #[error("the token's signature does not verify")]
    Signature,
    #[error("the token has expired")]
    Expired,
    #[error("the token is not valid yet")]
    NotYetValid,
    #[error("the token's issuer is not accepted")]
    Issuer,
    #[error("the token's audience is not accepted")]
    Audience,
    #[error("the token lacks the `{0}` claim")]
    MissingClaim(&'static str),
    #[error("more than one authorization header")]
    Duplicate,
    #[error("the token is issued in the future (`iat`)")]
    IssuedInFuture,
    #[error("the token lives longer than the server accepts (--auth-max-lifetime)")]
    TooLongLived,
    #[error("the token has critical header parameters (`crit`)")]
    Critical,
    #[error("the client certificate is not allowed")]
    Certificate,
    #[error("the scope `{0}` is required")]
    Scope(String),
}

impl Refusal {
    /// The metric's label.
    pub fn reason(&self) -> &'static str {
        match self {
            Self::Missing => "missing",
            Self::NotBearer => "not_bearer",
            Self::Malformed => "malformed",
            Self::Algorithm => "algorithm",
            Self::UnknownKey => "unknown_key",
            Self::Signature => "signature",
            Self::Expired => "expired",
            Self::NotYetValid => "not_yet_valid",
            Self::Issuer => "issuer",
            Self::Audience => "audience",
            Self::MissingClaim(_) => "missing_claim",
            Self::Duplicate => "duplicate",
            Self::IssuedInFuture => "issued_in_future",
            Self::TooLongLived => "lifetime",
            Self::Critical => "critical",
            Self::Certificate => "certificate",
            Self::Scope(_) => "scope",
        }
    }

    /// The status the caller gets: the one place refusals become statuses.
    pub fn status(&self) -> Status {
        crate::grpc::status::refused(matches!(self, Self::Scope(_)), self.to_string())
    }
}

/// Who called.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Caller {
    Token {
        /// The organisation number from the `consumer` claim.
        organisation: Option<String>,
        client_id: Option<String>,
        scopes: Vec<String>,
    },
    Certificate {
        /// The certificate's subject, as the log may show it.
        subject: String,
        /// `None`: every scope.
        scopes: Option<Vec<String>>,
    },
}

impl Caller {
    fn holds(&self, scope: &str) -> bool {
        match self {
            Caller::Token { scopes, .. } => scopes.iter().any(|s| s == scope),
            Caller::Certificate { scopes, .. } => scopes.as_ref().is_none_or(|s| s.iter().any(|s| s == scope)),
        }
    }
}

/// What a method needs.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Requirement {
    Open,
    /// A valid identity; with a scope, one that holds it.
    Identity(Option<String>),
}

/// The claims read from a token beyond those [`Validation`] checks.
#[derive(Debug, Deserialize)]
struct Claims {
    /// Seconds since the epoch (a JSON number, maybe with a fraction);
    /// [`Validation`] has checked it is there.
    #[serde(default)]
    exp: Option<f64>,
    #[serde(default)]
    iat: Option<f64>,
    #[serde(default)]
    scope: Option<String>,
    #[serde(default)]
    client_id: Option<String>,
    #[serde(default)]
    consumer: Option<Consumer>,
}

/// `{"authority": "iso6523-actorid-upis", "ID": "0192:<organisation number>"}`.
#[derive(Debug, Deserialize)]
struct Consumer {
    #[serde(default)]
    authority: String,
    #[serde(rename = "ID", default)]
    id: String,
}

impl Consumer {
    /// The Norwegian organisation number (nine digits), if it names one.
    fn organisation(&self) -> Option<String> {
        let number = self.id.strip_prefix("0192:")?;
        (self.authority == "iso6523-actorid-upis" && number.len() == 9 && number.bytes().all(|b| b.is_ascii_digit()))
            .then(|| number.to_owned())
    }
}

/// One key of the set, ready to verify with.
struct Key {
    key: DecodingKey,
    /// The `alg` the set names for it, if any.
    algorithm: Option<Algorithm>,
}

/// The key set as last read, by `kid` (keys without one under "").
#[derive(Default)]
struct KeySet {
    keys: HashMap<String, Vec<Key>>,
}

impl KeySet {
    fn parse(bytes: &[u8]) -> Result<Self, JwksError> {
        let set: JwkSet = serde_json::from_slice(bytes)?;
        let mut keys: HashMap<String, Vec<Key>> = HashMap::new();
        for jwk in &set.keys {
            if let Some(key) = usable(jwk) {
                keys.entry(jwk.common.key_id.clone().unwrap_or_default()).or_default().push(key);
            }
        }
        if keys.is_empty() {
            return Err(JwksError::NoUsableKeys);
        }
        Ok(Self { keys })
    }

    fn count(&self) -> usize {
        self.keys.values().map(Vec::len).sum()
    }
}

/// An asymmetric signing key, or `None` (symmetric keys, encryption keys and
/// keys that do not parse are left out).
fn usable(jwk: &Jwk) -> Option<Key> {
    if matches!(jwk.common.public_key_use, Some(ref u) if *u != PublicKeyUse::Signature) {
        return None;
    }
    if matches!(jwk.algorithm, AlgorithmParameters::OctetKey(_)) {
        return None;
    }
    let algorithm = match jwk.common.key_algorithm {
        None => None,
        Some(a) => Some(jws_algorithm(a)?),
    };
    Some(Key { key: DecodingKey::from_jwk(jwk).ok()?, algorithm })
}

/// The signature algorithm a JWK `alg` names; `None` for encryption and HMAC.
fn jws_algorithm(a: KeyAlgorithm) -> Option<Algorithm> {
    Some(match a {
        KeyAlgorithm::RS256 => Algorithm::RS256,
        KeyAlgorithm::RS384 => Algorithm::RS384,
        KeyAlgorithm::RS512 => Algorithm::RS512,
        KeyAlgorithm::PS256 => Algorithm::PS256,
        KeyAlgorithm::PS384 => Algorithm::PS384,
        KeyAlgorithm::PS512 => Algorithm::PS512,
        KeyAlgorithm::ES256 => Algorithm::ES256,
        KeyAlgorithm::ES384 => Algorithm::ES384,
        KeyAlgorithm::EdDSA => Algorithm::EdDSA,
        _ => return None,
    })
}

fn algorithm(a: SigningAlgorithm) -> Algorithm {
    match a {
        SigningAlgorithm::Rs256 => Algorithm::RS256,
        SigningAlgorithm::Rs384 => Algorithm::RS384,
        SigningAlgorithm::Rs512 => Algorithm::RS512,
        SigningAlgorithm::Ps256 => Algorithm::PS256,
        SigningAlgorithm::Ps384 => Algorithm::PS384,
        SigningAlgorithm::Ps512 => Algorithm::PS512,
        SigningAlgorithm::Es256 => Algorithm::ES256,
        SigningAlgorithm::Es384 => Algorithm::ES384,
        SigningAlgorithm::EdDsa => Algorithm::EdDSA,
    }
}

/// Bearer tokens: the settings and the key set as last read.
struct Bearer {
    settings: BearerSettings,
    algorithms: Vec<Algorithm>,
    keys: RwLock<Arc<KeySet>>,
    /// When the last fetch started by an unknown `kid` was.
    last_refetch: Mutex<Option<Instant>>,
    /// One fetch at a time.
    fetching: tokio::sync::Mutex<()>,
}

impl Bearer {
    async fn new(settings: BearerSettings) -> Result<Self, AuthError> {
        if settings.issuer.is_empty() {
            return Err(AuthError::NoIssuer);
        }
        if settings.algorithms.is_empty() {
            return Err(AuthError::NoAlgorithms);
        }
        let keys = load(&settings.jwks, settings.jwks_ca_pem.as_deref())
            .await
            .map_err(|error| AuthError::Jwks { location: describe(&settings.jwks), error })?;
        tracing::info!(jwks = %describe(&settings.jwks), keys = keys.count(), issuer = %settings.issuer, "bearer tokens required");
        Ok(Self {
            algorithms: settings.algorithms.iter().copied().map(algorithm).collect(),
            settings,
            keys: RwLock::new(Arc::new(keys)),
            last_refetch: Mutex::new(None),
            fetching: tokio::sync::Mutex::new(()),
        })
    }

    fn keys(&self) -> Arc<KeySet> {
        self.keys.read().unwrap_or_else(|e| e.into_inner()).clone()
    }

    /// Reads the set again; keeps the last good one when that fails.
    async fn refresh(&self, why: &'static str) {
        let _one = self.fetching.lock().await;
        match load(&self.settings.jwks, self.settings.jwks_ca_pem.as_deref()).await {
            Ok(keys) => {
                tracing::debug!(keys = keys.count(), why, "key set refreshed");
                *self.keys.write().unwrap_or_else(|e| e.into_inner()) = Arc::new(keys);
            }
            Err(error) => {
                tracing::warn!(jwks = %describe(&self.settings.jwks), %error, why, "key set refresh failed; keeping the last good set");
            }
        }
    }

    /// Fetches the set for an unknown `kid`, unless one was fetched for that
    /// reason less than `min_refetch` ago; whether it fetched.
    async fn refetch_for_unknown_key(&self) -> bool {
        {
            let mut last = self.last_refetch.lock().unwrap_or_else(|e| e.into_inner());
            if last.is_some_and(|at| at.elapsed() < self.settings.min_refetch) {
                return false;
            }
            *last = Some(Instant::now());
        }
        self.refresh("unknown kid").await;
        true
    }

    fn validation(&self, alg: Algorithm) -> Validation {
        let mut v = Validation::new(alg);
        v.leeway = self.settings.leeway.as_secs();
        v.validate_exp = true;
        v.validate_nbf = true;
        v.set_issuer(&[&self.settings.issuer]);
        let mut required = vec!["exp", "iss"];
        match &self.settings.audience {
            Some(audience) => {
                v.set_audience(&[audience]);
                required.push("aud");
            }
            None => v.validate_aud = false,
        }
        v.set_required_spec_claims(&required);
        v
    }

    /// The caller a token names, once it checks out.
    async fn verify(&self, token: &str) -> Result<Caller, Refusal> {
        let header = jsonwebtoken::decode_header(token).map_err(|_| Refusal::Malformed)?;
        if names_critical_parameters(token)? {
            return Err(Refusal::Critical);
        }
        if !self.algorithms.contains(&header.alg) {
            return Err(Refusal::Algorithm);
        }
        let kid = header.kid.unwrap_or_default();
        let mut keys = self.keys();
        if !keys.keys.contains_key(&kid) && self.refetch_for_unknown_key().await {
            keys = self.keys();
        }
        let candidates = keys.keys.get(&kid).ok_or(Refusal::UnknownKey)?;
        let validation = self.validation(header.alg);
        let mut refusal = Refusal::UnknownKey;
        for key in candidates.iter().filter(|k| k.algorithm.is_none_or(|a| a == header.alg)) {
            match jsonwebtoken::decode::<Claims>(token, &key.key, &validation) {
                Ok(data) => {
                    self.check_times(&data.claims, now_seconds())?;
                    return Ok(caller(data.claims));
                }
                Err(e) => refusal = refusal_for(e.kind()),
            }
            if refusal != Refusal::Signature && refusal != Refusal::Algorithm {
                break;
            }
        }
        Err(refusal)
    }
}

impl Bearer {
    /// `iat` no later than now and the leeway; a lifetime (`exp` after `iat`,
    /// or after now without one) of at most the maximum.
    fn check_times(&self, claims: &Claims, now: u64) -> Result<(), Refusal> {
        let (now, leeway) = (now as f64, self.settings.leeway.as_secs_f64());
        if claims.iat.is_some_and(|iat| iat > now + leeway) {
            return Err(Refusal::IssuedInFuture);
        }
        let issued = claims.iat.unwrap_or(now);
        if claims.exp.is_some_and(|exp| exp - issued > self.settings.max_lifetime.as_secs_f64() + leeway) {
            return Err(Refusal::TooLongLived);
        }
        Ok(())
    }
}

fn now_seconds() -> u64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_secs())
}

/// Whether a token's header has a `crit` parameter: the server understands
/// no extension, so any it would have to is refused (RFC 7515 §4.1.11).
fn names_critical_parameters(token: &str) -> Result<bool, Refusal> {
    use base64::Engine as _;
    #[derive(Deserialize)]
    struct Header {
        crit: Option<serde::de::IgnoredAny>,
    }
    let encoded = token.split('.').next().ok_or(Refusal::Malformed)?;
    let decoded = base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(encoded).map_err(|_| Refusal::Malformed)?;
    let header: Header = serde_json::from_slice(&decoded).map_err(|_| Refusal::Malformed)?;
    Ok(header.crit.is_some())
}

fn refusal_for(kind: &jsonwebtoken::errors::ErrorKind) -> Refusal {
    use jsonwebtoken::errors::ErrorKind as K;
    match kind {
        K::InvalidSignature => Refusal::Signature,
        K::ExpiredSignature => Refusal::Expired,
        K::ImmatureSignature => Refusal::NotYetValid,
        K::InvalidIssuer => Refusal::Issuer,
        K::InvalidAudience => Refusal::Audience,
        K::InvalidAlgorithm | K::InvalidAlgorithmName => Refusal::Algorithm,
        K::MissingRequiredClaim(c) => Refusal::MissingClaim(match c.as_str() {
            "exp" => "exp",
            "iss" => "iss",
            "aud" => "aud",
            _ => "required",
        }),
        _ => Refusal::Malformed,
    }
}

fn caller(claims: Claims) -> Caller {
    Caller::Token {
        organisation: claims.consumer.as_ref().and_then(Consumer::organisation),
        client_id: claims.client_id.map(|c| LogSafe(&c).to_string()),
        scopes: claims.scope.as_deref().unwrap_or_default().split_whitespace().map(str::to_owned).collect(),
    }
}

fn describe(source: &JwksSource) -> String {
    match source {
        JwksSource::File(path) => path.display().to_string(),
        JwksSource::Url(url) => url.clone(),
    }
}

/// The key set from `source`; an https URL is trusted by the web PKI's roots
/// and the certificates of `ca_pem`.
async fn load(source: &JwksSource, ca_pem: Option<&[u8]>) -> Result<KeySet, JwksError> {
    let bytes = match source {
        JwksSource::File(path) => {
            let bytes = tokio::fs::read(path).await?;
            if bytes.len() > MAX_JWKS_BYTES {
                return Err(JwksError::TooLarge);
            }
            bytes
        }
        JwksSource::Url(url) => {
            tokio::time::timeout(FETCH_TIMEOUT, fetch(url, ca_pem)).await.map_err(|_| JwksError::Timeout)??
        }
    };
    KeySet::parse(&bytes)
}

/// GET `url` over HTTP/1.1: https with the web PKI's roots (and those of
/// `ca_pem`), or plain http to a loopback address.
async fn fetch(url: &str, ca_pem: Option<&[u8]>) -> Result<Vec<u8>, JwksError> {
    use hyper_util::rt::TokioIo;
    use tokio_rustls::rustls;

    let uri: http::Uri = url.parse().map_err(|e: http::uri::InvalidUri| JwksError::Url(e.to_string()))?;
    let host = uri.host().ok_or_else(|| JwksError::Url("no host".into()))?.to_owned();
    let https = match uri.scheme_str() {
        Some("https") => true,
        Some("http") => false,
        _ => return Err(JwksError::Url("the scheme must be https".into())),
    };
    let bare = host.trim_start_matches('[').trim_end_matches(']');
    let loopback = bare == "localhost" || bare.parse::<std::net::IpAddr>().is_ok_and(|ip| ip.is_loopback());
    if !https && !loopback {
        return Err(JwksError::Insecure);
    }
    let port = uri.port_u16().unwrap_or(if https { 443 } else { 80 });
    let tcp = tokio::net::TcpStream::connect((bare, port)).await?;
    let path = uri.path_and_query().map_or("/", |p| p.as_str()).to_owned();
    let request = http::Request::get(path)
        .header(http::header::HOST, uri.authority().map_or(host.as_str(), |a| a.as_str()))
        .header(http::header::ACCEPT, "application/json")
        .header(http::header::USER_AGENT, concat!("indikator/", env!("CARGO_PKG_VERSION")))
        .body(Empty)
        .map_err(|e| JwksError::Http(e.to_string()))?;
    if https {
        let mut roots = rustls::RootCertStore { roots: webpki_roots::TLS_SERVER_ROOTS.to_vec() };
        if let Some(pem) = ca_pem {
            add_private_roots(&mut roots, pem)?;
        }
        let config = rustls::ClientConfig::builder_with_provider(Arc::new(rustls::crypto::ring::default_provider()))
            .with_safe_default_protocol_versions()
            .map_err(|e| JwksError::Tls(e.to_string()))?
            .with_root_certificates(roots)
            .with_no_client_auth();
        let name =
            rustls::pki_types::ServerName::try_from(bare.to_owned()).map_err(|e| JwksError::Url(e.to_string()))?;
        let tls = tokio_rustls::TlsConnector::from(Arc::new(config))
            .connect(name, tcp)
            .await
            .map_err(|e| JwksError::Tls(e.to_string()))?;
        get(TokioIo::new(tls), request).await
    } else {
        get(TokioIo::new(tcp), request).await
    }
}

/// The certificates of a PEM bundle as trust anchors.
fn add_private_roots(roots: &mut tokio_rustls::rustls::RootCertStore, pem: &[u8]) -> Result<(), JwksError> {
    use tokio_rustls::rustls::pki_types::{CertificateDer, pem::PemObject};
    let mut added = 0;
    for certificate in CertificateDer::pem_slice_iter(pem) {
        let certificate = certificate.map_err(|e| JwksError::Tls(format!("the JWKS CA bundle: {e}")))?;
        roots.add(certificate).map_err(|e| JwksError::Tls(format!("the JWKS CA bundle: {e}")))?;
        added += 1;
    }
    if added == 0 {
        return Err(JwksError::Tls("the JWKS CA bundle holds no certificate".into()));
    }
    Ok(())
}

/// A request body with nothing in it.
struct Empty;

impl http_body::Body for Empty {
    type Data = bytes::Bytes;
    type Error = std::convert::Infallible;

    fn poll_frame(
        self: Pin<&mut Self>,
        _: &mut Context<'_>,
    ) -> Poll<Option<Result<http_body::Frame<Self::Data>, Self::Error>>> {
        Poll::Ready(None)
    }

    fn is_end_stream(&self) -> bool {
        true
    }
}

async fn get<IO>(io: IO, request: http::Request<Empty>) -> Result<Vec<u8>, JwksError>
where
    IO: hyper::rt::Read + hyper::rt::Write + Unpin + Send + 'static,
{
    use http_body::Body as _;
    let http = |e: hyper::Error| JwksError::Http(e.to_string());
    let (mut sender, connection) = hyper::client::conn::http1::handshake(io).await.map_err(http)?;
    let connection = tokio::spawn(connection);
    let response = sender.send_request(request).await.map_err(http)?;
    if response.status() != http::StatusCode::OK {
        connection.abort();
        return Err(JwksError::HttpStatus(response.status()));
    }
    let mut body = std::pin::pin!(response.into_body());
    let mut bytes = Vec::new();
    while let Some(frame) = std::future::poll_fn(|cx| body.as_mut().poll_frame(cx)).await {
        if let Ok(data) = frame.map_err(http)?.into_data() {
            if bytes.len() + data.len() > MAX_JWKS_BYTES {
                connection.abort();
                return Err(JwksError::TooLarge);
            }
            bytes.extend_from_slice(&data);
        }
    }
    connection.abort();
    Ok(bytes)
}

/// Everything the layer decides with.
struct Authorizer {
    bearer: Option<Bearer>,
    /// The allow-list, each entry with its subject DN parsed once.
    certificates: Vec<(AllowedCertificate, Option<DistinguishedName>)>,
    /// By method path without the leading `/`, or by service.
    rules: HashMap<String, Requirement>,
    refusals: Counter<u64>,
}

impl Authorizer {
    fn requirement(&self, path: &str) -> Requirement {
        let path = path.trim_start_matches('/');
        let service = path.split_once('/').map_or(path, |(s, _)| s);
        self.rules.get(path).or_else(|| self.rules.get(service)).cloned().unwrap_or(Requirement::Identity(None))
    }

    /// Who called, from the token or else the client certificate.
    async fn identify(&self, headers: &http::HeaderMap, extensions: &http::Extensions) -> Result<Caller, Refusal> {
        let mut values = headers.get_all(http::header::AUTHORIZATION).iter();
        if let (Some(_), Some(_)) = (values.next(), values.next()) {
            return Err(Refusal::Duplicate);
        }
        if let Some(value) = headers.get(http::header::AUTHORIZATION) {
            let Some(bearer) = &self.bearer else {
                return Err(Refusal::Malformed);
            };
            let token = bearer_token(value)?;
            return bearer.verify(token).await;
        }
        if !self.certificates.is_empty()
            && let Some(certificates) =
                extensions.get::<TlsConnectInfo<TcpConnectInfo>>().and_then(TlsConnectInfo::peer_certs)
            && let Some(leaf) = certificates.first()
        {
            return self.certificate(leaf.as_ref());
        }
        Err(if self.bearer.is_some() { Refusal::Missing } else { Refusal::Certificate })
    }

    fn certificate(&self, der: &[u8]) -> Result<Caller, Refusal> {
        let (_, certificate) = x509_parser::parse_x509_certificate(der).map_err(|_| Refusal::Certificate)?;
        let names = certificate_names(&certificate);
        let by_subject = self.certificates.iter().any(|(_, dn)| dn.is_some());
        let subject = if by_subject { subject_attributes(certificate.subject()) } else { Vec::new() };
        let (allowed, _) = self
            .certificates
            .iter()
            .find(|(allowed, dn)| match dn {
                // The whole DN, in the certificate's order or RFC 4514's (reversed).
                Some(dn) => *dn == subject || dn.iter().rev().eq(subject.iter()),
                None => names.contains(&allowed.name),
            })
            .ok_or(Refusal::Certificate)?;
        Ok(Caller::Certificate {
            subject: LogSafe(&certificate.subject().to_string()).to_string(),
            scopes: allowed.scopes.clone(),
        })
    }

    fn authorise(&self, caller: &Caller, requirement: &Requirement) -> Result<(), Refusal> {
        match requirement {
            Requirement::Identity(Some(scope)) if !caller.holds(scope) => Err(Refusal::Scope(scope.clone())),
            _ => Ok(()),
        }
    }
}

/// The names a certificate may be allowed by: its DNS and URI subject
/// alternative names and its subject's common names.
fn certificate_names(certificate: &x509_parser::certificate::X509Certificate<'_>) -> Vec<String> {
    use x509_parser::extensions::GeneralName;
    let mut names: Vec<String> =
        certificate.subject().iter_common_name().filter_map(|cn| cn.as_str().ok()).map(str::to_owned).collect();
    if let Ok(Some(san)) = certificate.subject_alternative_name() {
        for name in &san.value.general_names {
            match name {
                GeneralName::DNSName(n) | GeneralName::URI(n) => names.push((*n).to_owned()),
                _ => {}
            }
        }
    }
    names
}

/// The subject's attributes in the certificate's order: (short type name
/// upper-cased, or the dotted OID; value).
fn subject_attributes(subject: &x509_parser::x509::X509Name<'_>) -> DistinguishedName {
    let registry = x509_parser::objects::oid_registry();
    subject
        .iter_attributes()
        .map(|attribute| {
            let kind = x509_parser::objects::oid2abbrev(attribute.attr_type(), registry)
                .map_or_else(|_| attribute.attr_type().to_id_string(), |abbrev| abbrev.to_ascii_uppercase());
            (kind, attribute.as_str().unwrap_or("").to_owned())
        })
        .collect()
}

/// The token of `authorization: Bearer <token>`.
fn bearer_token(value: &http::HeaderValue) -> Result<&str, Refusal> {
    let value = value.to_str().map_err(|_| Refusal::NotBearer)?;
    let (scheme, token) = value.split_once(' ').ok_or(Refusal::NotBearer)?;
    if !scheme.eq_ignore_ascii_case("bearer") {
        return Err(Refusal::NotBearer);
    }
    let token = token.trim();
    if token.is_empty() {
        return Err(Refusal::Missing);
    }
    Ok(token)
}

/// The layer; a pass-through when [`AuthSettings::enabled`] is false.
#[derive(Clone)]
pub struct AuthLayer {
    authorizer: Option<Arc<Authorizer>>,
}

impl AuthLayer {
    /// Reads the key set (a failure is an error: better not to start than to
    /// refuse every call) and starts its scheduled refresh.
    pub async fn new(settings: &AuthSettings) -> Result<Self, AuthError> {
        if !settings.enabled() {
            return Ok(Self { authorizer: None });
        }
        let bearer = match &settings.bearer {
            Some(b) => Some(Bearer::new(b.clone()).await?),
            None => None,
        };
        let rules = settings
            .scopes
            .iter()
            .map(|(method, scope)| {
                let requirement =
                    if scope.is_empty() { Requirement::Open } else { Requirement::Identity(Some(scope.clone())) };
                (method.trim_start_matches('/').to_owned(), requirement)
            })
            .collect();
        let refusals = opentelemetry::global::meter("indikator")
            .u64_counter("indikator.auth.refusals")
            .with_description("Calls refused by the authorization layer, by reason")
            .build();
        if !settings.client_certificates.is_empty() {
            tracing::info!(allowed = settings.client_certificates.len(), "client certificates identify callers");
        }
        let certificates = settings.client_certificates.iter().map(|a| (a.clone(), a.subject())).collect();
        let authorizer = Arc::new(Authorizer { bearer, certificates, rules, refusals });
        if let Some(bearer) = &authorizer.bearer {
            refresh_every(Arc::downgrade(&authorizer), bearer.settings.refresh);
        }
        Ok(Self { authorizer: Some(authorizer) })
    }
}

/// Refreshes the key set every `period` for as long as the layer lives.
fn refresh_every(authorizer: Weak<Authorizer>, period: Duration) {
    if period.is_zero() {
        return;
    }
    tokio::spawn(async move {
        loop {
            tokio::time::sleep(period).await;
            let Some(authorizer) = authorizer.upgrade() else { return };
            if let Some(bearer) = &authorizer.bearer {
                bearer.refresh("schedule").await;
            }
        }
    });
}

impl<S> Layer<S> for AuthLayer {
    type Service = AuthService<S>;

    fn layer(&self, inner: S) -> Self::Service {
        AuthService { inner, authorizer: self.authorizer.clone() }
    }
}

#[derive(Clone)]
pub struct AuthService<S> {
    inner: S,
    authorizer: Option<Arc<Authorizer>>,
}

type BoxFuture<T> = Pin<Box<dyn Future<Output = T> + Send + 'static>>;

impl<S, B> Service<http::Request<B>> for AuthService<S>
where
    S: Service<http::Request<B>, Response = http::Response<Body>> + Clone + Send + 'static,
    S::Future: Send + 'static,
    S::Error: Send,
    B: Send + 'static,
{
    type Response = http::Response<Body>;
    type Error = S::Error;
    type Future = BoxFuture<Result<Self::Response, Self::Error>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, request: http::Request<B>) -> Self::Future {
        let Some(authorizer) = self.authorizer.clone() else {
            return Box::pin(self.inner.call(request));
        };
        let requirement = authorizer.requirement(request.uri().path());
        if requirement == Requirement::Open {
            return Box::pin(self.inner.call(request));
        }
        // Take the ready service, leave a fresh clone for the next call.
        let clone = self.inner.clone();
        let mut inner = std::mem::replace(&mut self.inner, clone);
        Box::pin(async move {
            // The method's name, never the raw path: a path is the client's text.
            let method = super::methods::method_name(request.uri().path()).route();
            let (caller, decided) = match authorizer.identify(request.headers(), request.extensions()).await {
                Ok(caller) => {
                    let decided = authorizer.authorise(&caller, &requirement);
                    (Some(caller), decided)
                }
                Err(refusal) => (None, Err(refusal)),
            };
            audit(&method, caller.as_ref(), &decided);
            match decided {
                Ok(_) => inner.call(request).await,
                Err(refusal) => {
                    authorizer.refusals.add(1, &[KeyValue::new("reason", refusal.reason())]);
                    Ok(refusal.status().into_http())
                }
            }
        })
    }
}

/// Records the caller and outcome on the call's span (the current one) and
/// writes the audit line.
fn audit(method: &str, caller: Option<&Caller>, decided: &Result<(), Refusal>) {
    let span = tracing::Span::current();
    let outcome = match decided {
        Ok(()) => "allowed",
        Err(r) => r.reason(),
    };
    span.record("auth.outcome", outcome);
    let (mut organisation, mut client_id, mut certificate) = (None, None, None);
    match caller {
        Some(Caller::Token { organisation: o, client_id: c, .. }) => {
            organisation = o.as_deref();
            client_id = c.as_deref();
        }
        Some(Caller::Certificate { subject, .. }) => certificate = Some(subject.as_str()),
        None => {}
    }
    if let Some(o) = organisation {
        span.record("caller.organisation", o);
    }
    if let Some(c) = client_id {
        span.record("caller.client_id", c);
    }
    if let Some(c) = certificate {
        span.record("caller.certificate", c);
    }
    match decided {
        Ok(()) => {
            tracing::info!(target: AUDIT_TARGET, organisation, client_id, certificate, method, outcome, "call allowed")
        }
        Err(refusal) => tracing::warn!(
            target: AUDIT_TARGET,
            organisation,
            client_id,
            certificate,
            method,
            outcome,
            reason = %refusal,
            "call refused"
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn value(s: &[u8]) -> http::HeaderValue {
        http::HeaderValue::from_bytes(s).unwrap()
    }

    #[test]
    fn only_bearer_schemes_with_a_token_are_read() {
        assert_eq!(bearer_token(&value(b"Bearer abc")), Ok("abc"));
        assert_eq!(bearer_token(&value(b"bearer abc")), Ok("abc"));
        assert_eq!(bearer_token(&value(b"Basic abc")), Err(Refusal::NotBearer));
        assert_eq!(bearer_token(&value(b"Bearer ")), Err(Refusal::Missing));
        assert_eq!(bearer_token(&value(b"Bearer")), Err(Refusal::NotBearer));
        assert_eq!(bearer_token(&value(b"Bearer \xff")), Err(Refusal::NotBearer));
    }

    #[test]
    fn only_norwegian_organisation_numbers_are_read_from_the_consumer() {
        let c = |authority: &str, id: &str| Consumer { authority: authority.into(), id: id.into() }.organisation();
        assert_eq!(c("iso6523-actorid-upis", "0192:974760673"), Some("974760673".into()));
        assert_eq!(c("iso6523-actorid-upis", "0192:97476067\n"), None);
        assert_eq!(c("iso6523-actorid-upis", "0088:974760673"), None);
        assert_eq!(c("other", "0192:974760673"), None);
    }

    #[test]
    fn refusals_name_the_scope_and_never_more_than_a_reason() {
        assert_eq!(Refusal::Scope("indikator:score".into()).status().code(), tonic::Code::PermissionDenied);
        assert!(Refusal::Scope("indikator:score".into()).status().message().contains("indikator:score"));
        for r in [Refusal::Missing, Refusal::Expired, Refusal::Signature, Refusal::Certificate] {
            assert_eq!(r.status().code(), tonic::Code::Unauthenticated);
        }
    }

    #[test]
    fn symmetric_keys_in_a_set_are_not_used() {
        let set = br#"{"keys":[{"kty":"oct","k":"c2VjcmV0","kid":"h"}]}"#;
        assert!(matches!(KeySet::parse(set), Err(JwksError::NoUsableKeys)));
    }
}
