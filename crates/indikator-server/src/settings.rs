//! The server's settings, independent of how they were given: the binary
//! turns its flags and environment variables into them
//! (`src/bin/indikator/cli.rs`), tests build them directly. Every default is
//! defined once, in [`defaults`].

use std::time::Duration;

use indikator_core::catalogue::Catalogues;
use indikator_core::round::RoundLimits;

pub mod defaults {
    use std::time::Duration;

    pub const LISTEN: &str = "0.0.0.0:50051";
    pub const MAX_ROUND_RECORDS: u64 = indikator_core::round::RoundLimits::DEFAULT_MAX_RECORDS;
    pub const SHUTDOWN_GRACE: Duration = Duration::from_secs(30);
    /// After SIGTERM, health is NOT_SERVING and new connections are still
    /// accepted this long, so load balancers stop routing here first.
    pub const DRAIN_DELAY: Duration = Duration::from_secs(5);
    pub const MAX_MESSAGE_BYTES: usize = crate::grpc::DEFAULT_MAX_MESSAGE_BYTES;
    pub const MAX_CONCURRENT_REQUESTS: usize = 1024;
    /// Streams one connection may have open (HTTP/2 SETTINGS_MAX_CONCURRENT_STREAMS).
    pub const MAX_STREAMS_PER_CONNECTION: u32 = 256;
    pub const MAX_HEALTH_WATCHES: usize = 64;
    /// Connections open at once; past it the server stops accepting until
    /// one closes. An HTTP/1.1 connection may hold up to 408 KiB of request
    /// headers still arriving (hyper's read buffer, for at most its 30 s
    /// header timeout): 128 of them hold at most 51 MiB, which with the
    /// memory budget and the process's own ~15 MiB stays inside the
    /// Deployment's 256 MiB.
    pub const MAX_CONNECTIONS: usize = 128;
    pub const STREAM_IDLE_TIMEOUT: Duration = Duration::from_secs(60);
    /// The request of a unary call must arrive whole within this long: 5 s
    /// a MiB at the default 4 MiB message limit, which a client on a link of
    /// 2 Mbit/s still meets.
    pub const BODY_TIMEOUT: Duration = Duration::from_secs(20);
    /// What request bodies and rounds may hold together: with the binary's
    /// own ~10 MiB, per-connection buffers and the allocator's slack, this
    /// keeps the server inside the Deployment's 256 MiB limit.
    pub const MEMORY_BUDGET_BYTES: usize = 160 * 1024 * 1024;
    pub const KEEPALIVE_INTERVAL: Duration = Duration::from_secs(30);
    pub const KEEPALIVE_TIMEOUT: Duration = Duration::from_secs(20);
    pub const MAX_CONNECTION_AGE: Duration = Duration::from_secs(300);
    pub const HANDSHAKE_TIMEOUT: Duration = Duration::from_secs(10);
    /// Clock skew allowed on a token's `exp`, `nbf` and `iat`.
    pub const AUTH_LEEWAY: Duration = Duration::from_secs(30);
    /// Longest lifetime a token may have (`exp` after `iat`, or after now
    /// without `iat`): Maskinporten's tokens live minutes, so a token valid
    /// for longer than a day was not issued for a call.
    pub const AUTH_MAX_LIFETIME: Duration = Duration::from_secs(24 * 3600);
    /// How often the JWKS is fetched again (an unknown `kid` also fetches it).
    pub const AUTH_JWKS_REFRESH: Duration = Duration::from_secs(300);
    /// The least time between fetches an unknown `kid` starts, so tokens with
    /// made-up key ids cannot make the server hammer the issuer.
    pub const AUTH_JWKS_MIN_REFETCH: Duration = Duration::from_secs(10);
    /// Signature algorithms accepted: Maskinporten signs with RS256.
    pub const AUTH_ALGORITHMS: &[super::SigningAlgorithm] = &[super::SigningAlgorithm::Rs256];
    /// Who may call what with the authorization layer on: each method (or
    /// whole service) and the scope it needs; an empty scope is open.
    /// Methods not named here need a valid identity and no particular scope.
    pub const AUTH_SCOPES: &[(&str, &str)] = &[
        ("indikator.v1.IndicatorService/Score", "indikator:score"),
        ("indikator.v1.IndicatorService/ScoreStream", "indikator:score"),
        ("indikator.v1.IndicatorService/ScoreRound", "indikator:rounds"),
        ("indikator.v1.IndicatorService/CompareRounds", "indikator:rounds"),
        ("indikator.v1.IndicatorService/GetMethodology", ""),
        ("grpc.health.v1.Health", ""),
        ("grpc.reflection.v1.ServerReflection", ""),
        ("grpc.reflection.v1alpha.ServerReflection", ""),
    ];
}

/// Admission and fairness settings.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CallLimits {
    /// Calls (streams included) in flight across all connections.
    pub max_concurrent_calls: usize,
    /// Health `Watch` streams open across all connections.
    pub max_health_watches: usize,
    /// A call with no whole message in either direction for this long is ended.
    pub idle_timeout: Duration,
    /// The request of a unary call (gRPC, gRPC-Web or JSON) must have arrived
    /// whole within this long of the call's start.
    pub body_timeout: Duration,
}

impl Default for CallLimits {
    fn default() -> Self {
        Self {
            max_concurrent_calls: defaults::MAX_CONCURRENT_REQUESTS,
            max_health_watches: defaults::MAX_HEALTH_WATCHES,
            idle_timeout: defaults::STREAM_IDLE_TIMEOUT,
            body_timeout: defaults::BODY_TIMEOUT,
        }
    }
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
    /// Connections open at once; past it accepting waits for one to close.
    pub max_connections: usize,
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
    /// Who may call what; off by default.
    pub auth: AuthSettings,
    /// Browser origins (`https://portal.example.no`) allowed to call
    /// cross-origin (CORS), for gRPC-Web and the JSON API; none by default.
    pub cors_allowed_origins: Vec<String>,
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
            max_connections: defaults::MAX_CONNECTIONS,
            memory_budget_bytes: defaults::MEMORY_BUDGET_BYTES,
            keepalive_interval: Some(defaults::KEEPALIVE_INTERVAL),
            keepalive_timeout: defaults::KEEPALIVE_TIMEOUT,
            max_connection_age: defaults::MAX_CONNECTION_AGE,
            handshake_timeout: defaults::HANDSHAKE_TIMEOUT,
            tls: None,
            catalogues: Catalogues::shipped().clone(),
            auth: AuthSettings::default(),
            cors_allowed_origins: Vec::new(),
        }
    }
}

/// Who may call what. With neither bearer tokens nor a client-certificate
/// allow-list, every caller may call every method (the default).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuthSettings {
    pub bearer: Option<BearerSettings>,
    /// With mutual TLS: the client certificates that identify a caller.
    pub client_certificates: Vec<AllowedCertificate>,
    /// Method (`package.Service/Method`) or service (`package.Service`) and
    /// the scope it needs; an empty scope is open to anyone.
    pub scopes: Vec<(String, String)>,
}

impl AuthSettings {
    /// Whether any caller is checked at all.
    pub fn enabled(&self) -> bool {
        self.bearer.is_some() || !self.client_certificates.is_empty()
    }
}

impl Default for AuthSettings {
    fn default() -> Self {
        Self {
            bearer: None,
            client_certificates: Vec::new(),
            scopes: defaults::AUTH_SCOPES.iter().map(|(m, s)| ((*m).to_owned(), (*s).to_owned())).collect(),
        }
    }
}

/// OAuth2 access tokens (JWTs) checked offline against the issuer's keys.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BearerSettings {
    pub jwks: JwksSource,
    /// The `iss` every token must carry.
    pub issuer: String,
    /// The `aud` a token must carry, when set.
    pub audience: Option<String>,
    /// Clock skew allowed on `exp`, `nbf` and `iat`.
    pub leeway: Duration,
    /// Longest lifetime a token may have.
    pub max_lifetime: Duration,
    /// The only signature algorithms accepted (asymmetric ones only).
    pub algorithms: Vec<SigningAlgorithm>,
    /// How often the key set is fetched again.
    pub refresh: Duration,
    /// Least time between fetches started by an unknown `kid`.
    pub min_refetch: Duration,
    /// PEM certificates trusted, besides the web PKI's roots, for an https
    /// JWKS URL (an issuer inside the organisation, with a private CA).
    pub jwks_ca_pem: Option<Vec<u8>>,
}

impl BearerSettings {
    /// Tokens from `issuer` checked against `jwks`, with every other default.
    pub fn new(jwks: JwksSource, issuer: impl Into<String>) -> Self {
        Self {
            jwks,
            issuer: issuer.into(),
            audience: None,
            leeway: defaults::AUTH_LEEWAY,
            max_lifetime: defaults::AUTH_MAX_LIFETIME,
            algorithms: defaults::AUTH_ALGORITHMS.to_vec(),
            refresh: defaults::AUTH_JWKS_REFRESH,
            min_refetch: defaults::AUTH_JWKS_MIN_REFETCH,
            jwks_ca_pem: None,
        }
    }
}

/// Where the issuer's JSON Web Key Set comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum JwksSource {
    File(std::path::PathBuf),
    /// `https://…` (or `http://` to a loopback address only).
    Url(String),
}

impl std::str::FromStr for JwksSource {
    type Err = std::convert::Infallible;

    fn from_str(raw: &str) -> Result<Self, Self::Err> {
        Ok(if raw.starts_with("https://") || raw.starts_with("http://") {
            JwksSource::Url(raw.to_owned())
        } else {
            JwksSource::File(raw.into())
        })
    }
}

/// The asymmetric JWS algorithms a token may be signed with. `none` and the
/// HMAC algorithms are not among them: a key set holds public keys, and a
/// public key used as an HMAC secret would let anyone sign.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SigningAlgorithm {
    Rs256,
    Rs384,
    Rs512,
    Ps256,
    Ps384,
    Ps512,
    Es256,
    Es384,
    EdDsa,
}

impl SigningAlgorithm {
    pub const ALL: [SigningAlgorithm; 9] = [
        Self::Rs256,
        Self::Rs384,
        Self::Rs512,
        Self::Ps256,
        Self::Ps384,
        Self::Ps512,
        Self::Es256,
        Self::Es384,
        Self::EdDsa,
    ];

    /// The JWS `alg` name.
    pub fn name(self) -> &'static str {
        match self {
            Self::Rs256 => "RS256",
            Self::Rs384 => "RS384",
            Self::Rs512 => "RS512",
            Self::Ps256 => "PS256",
            Self::Ps384 => "PS384",
            Self::Ps512 => "PS512",
            Self::Es256 => "ES256",
            Self::Es384 => "ES384",
            Self::EdDsa => "EdDSA",
        }
    }
}

impl std::fmt::Display for SigningAlgorithm {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

impl std::str::FromStr for SigningAlgorithm {
    type Err = String;

    fn from_str(raw: &str) -> Result<Self, Self::Err> {
        Self::ALL.into_iter().find(|a| a.name().eq_ignore_ascii_case(raw.trim())).ok_or_else(|| {
            let names: Vec<_> = Self::ALL.iter().map(|a| a.name()).collect();
            format!("{raw:?} is not an accepted algorithm (one of {})", names.join(", "))
        })
    }
}

/// A client certificate allowed to call: `name` matches one of its DNS or URI
/// subject alternative names, or its subject's common name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AllowedCertificate {
    /// A DNS or URI subject alternative name or the subject's CN; or a whole
    /// subject DN in braces, `{CN=batch,O=Statistisk sentralbyrå,C=NO}`.
    pub name: String,
    /// The scopes it holds; `None`: every scope.
    pub scopes: Option<Vec<String>>,
}

/// A subject DN as its attributes in order: (type upper-cased, value).
pub type DistinguishedName = Vec<(String, String)>;

impl AllowedCertificate {
    /// The subject DN's attributes, when the name is a DN in braces.
    pub fn subject(&self) -> Option<DistinguishedName> {
        let dn = self.name.strip_prefix('{')?.strip_suffix('}')?;
        parse_dn(dn)
    }
}

/// `CN=a,O=b\, c,C=NO` → `[("CN", "a"), ("O", "b, c"), ("C", "NO")]`; `None`
/// when an attribute is not `TYPE=value`.
pub fn parse_dn(dn: &str) -> Option<DistinguishedName> {
    let mut attributes = Vec::new();
    let mut current = String::new();
    let mut escaped = false;
    let mut parts = Vec::new();
    for c in dn.chars() {
        match (escaped, c) {
            (true, c) => {
                current.push(c);
                escaped = false;
            }
            (false, '\\') => escaped = true,
            (false, ',') => parts.push(std::mem::take(&mut current)),
            (false, c) => current.push(c),
        }
    }
    parts.push(current);
    for part in parts {
        let (kind, value) = part.split_once('=')?;
        let (kind, value) = (kind.trim(), value.trim());
        if kind.is_empty() || value.is_empty() {
            return None;
        }
        attributes.push((kind.to_ascii_uppercase(), value.to_owned()));
    }
    Some(attributes)
}

impl std::str::FromStr for AllowedCertificate {
    type Err = String;

    /// `NAME` (every scope) or `NAME=scope scope…`; a subject DN in braces,
    /// `{CN=…,O=…}` or `{CN=…,O=…}=scope scope…`.
    fn from_str(raw: &str) -> Result<Self, Self::Err> {
        let trimmed = raw.trim();
        if trimmed.starts_with('{') {
            let close = trimmed.find('}').ok_or_else(|| format!("{raw:?}: a subject DN in braces lacks its `}}`"))?;
            let (name, rest) = trimmed.split_at(close + 1);
            let scopes = match rest.trim() {
                "" => None,
                rest => match rest.strip_prefix('=') {
                    Some(scopes) => Some(scopes.split_whitespace().map(str::to_owned).collect()),
                    None => return Err(format!("{raw:?}: after the subject DN comes nothing or `=SCOPES`")),
                },
            };
            let allowed = Self { name: name.to_owned(), scopes };
            if allowed.subject().is_none_or(|attributes| attributes.is_empty()) {
                return Err(format!("{raw:?}: a subject DN is TYPE=value attributes separated by commas"));
            }
            return Ok(allowed);
        }
        let (name, scopes) = match raw.rsplit_once('=') {
            Some((name, scopes)) => (name, Some(scopes.split_whitespace().map(str::to_owned).collect())),
            None => (raw, None),
        };
        let name = name.trim();
        if name.is_empty() {
            return Err(format!("{raw:?}: a certificate name is needed (a DNS or URI SAN, the subject CN, or {{DN}})"));
        }
        Ok(Self { name: name.to_owned(), scopes })
    }
}
