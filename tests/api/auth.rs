//! Who may call: bearer tokens checked against a JWKS served by a local HTTP
//! server (or read from a file), scopes per method, client certificates on
//! an allow-list.

use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
use indikator_client::proto::v1::{self as pb, indicator_service_client::IndicatorServiceClient};
use indikator_server::{AllowedCertificate, AuthSettings, BearerSettings, JwksSource, ServerSettings, TlsSettings};
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use rsa::pkcs1::EncodeRsaPrivateKey;
use rsa::pkcs8::EncodePublicKey;
use rsa::traits::PublicKeyParts;
use serde_json::json;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tonic::Code;
use tonic::transport::Channel;

use crate::helpers::{example_request, spawn_app_with};
use crate::production::{pki, tls_channel};

pub const ISSUER: &str = "https://issuer.test/";
pub const AUDIENCE: &str = "https://indikator.test/";

/// An RSA key pair made for the tests, and its `kid`.
pub struct TestKey {
    pub kid: String,
    private: rsa::RsaPrivateKey,
}

impl TestKey {
    fn new(kid: &str) -> Self {
        let private = rsa::RsaPrivateKey::new(&mut rsa::rand_core::OsRng, 2048).expect("an RSA key");
        Self { kid: kid.to_owned(), private }
    }

    /// The public key as a JWK.
    pub fn jwk(&self) -> serde_json::Value {
        let public = self.private.to_public_key();
        json!({
            "kty": "RSA", "use": "sig", "alg": "RS256", "kid": self.kid,
            "n": B64.encode(public.n().to_bytes_be()), "e": B64.encode(public.e().to_bytes_be()),
        })
    }

    fn public_pem(&self) -> String {
        self.private.to_public_key().to_public_key_pem(rsa::pkcs8::LineEnding::LF).unwrap()
    }

    /// An RS256 token with this header (as JSON, for parameters the
    /// library's header type lacks) and `claims`.
    pub fn sign_with_header(&self, header: serde_json::Value, claims: &serde_json::Value) -> String {
        let der = self.private.to_pkcs1_der().unwrap();
        let message = format!("{}.{}", B64.encode(header.to_string()), B64.encode(claims.to_string()));
        let key = EncodingKey::from_rsa_der(der.as_bytes());
        let signature = jsonwebtoken::crypto::sign(message.as_bytes(), &key, Algorithm::RS256).unwrap();
        format!("{message}.{signature}")
    }

    /// An RS256 token with `claims`.
    pub fn sign(&self, claims: &serde_json::Value) -> String {
        let der = self.private.to_pkcs1_der().unwrap();
        let mut header = Header::new(Algorithm::RS256);
        header.kid = Some(self.kid.clone());
        jsonwebtoken::encode(&header, claims, &EncodingKey::from_rsa_der(der.as_bytes())).unwrap()
    }
}

/// Two keys, made once for the whole test binary (an RSA key takes a while).
fn keys() -> &'static (TestKey, TestKey, TestKey) {
    static KEYS: OnceLock<(TestKey, TestKey, TestKey)> = OnceLock::new();
    KEYS.get_or_init(|| (TestKey::new("key-1"), TestKey::new("key-2"), TestKey::new("stranger")))
}

pub fn primary() -> &'static TestKey {
    &keys().0
}

fn now() -> u64 {
    SystemTime::now().duration_since(UNIX_EPOCH).unwrap().as_secs()
}

/// Maskinporten's claims: valid for two minutes, with `scope` and `consumer`.
pub fn claims(scope: &str) -> serde_json::Value {
    json!({
        "iss": ISSUER, "aud": AUDIENCE, "iat": now(), "exp": now() + 120,
        "scope": scope, "client_id": "0c7a5b3e-test-client",
        "consumer": {"authority": "iso6523-actorid-upis", "ID": "0192:974760673"},
        "token_type": "Bearer",
    })
}

pub fn jwks(keys: &[&TestKey]) -> String {
    json!({"keys": keys.iter().map(|k| k.jwk()).collect::<Vec<_>>()}).to_string()
}

/// A local HTTP server answering every GET with the current body (or the
/// status, when it is set to fail).
#[derive(Clone)]
pub struct JwksServer {
    pub url: String,
    body: Arc<Mutex<Result<String, u16>>>,
    pub fetches: Arc<Mutex<u32>>,
}

impl JwksServer {
    pub async fn start(body: String) -> Self {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}/jwks.json", listener.local_addr().unwrap());
        let server = Self { url, body: Arc::new(Mutex::new(Ok(body))), fetches: Arc::new(Mutex::new(0)) };
        let serving = server.clone();
        tokio::spawn(async move {
            loop {
                let Ok((mut socket, _)) = listener.accept().await else { return };
                let serving = serving.clone();
                tokio::spawn(async move {
                    let mut request = Vec::new();
                    let mut buf = [0u8; 1024];
                    while !request.windows(4).any(|w| w == b"\r\n\r\n") {
                        match socket.read(&mut buf).await {
                            Ok(0) | Err(_) => return,
                            Ok(n) => request.extend_from_slice(&buf[..n]),
                        }
                    }
                    *serving.fetches.lock().unwrap() += 1;
                    let answer = serving.body.lock().unwrap().clone();
                    let response = match answer {
                        Ok(body) => format!(
                            "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
                            body.len()
                        ),
                        Err(code) => {
                            format!("HTTP/1.1 {code} Failing\r\ncontent-length: 0\r\nconnection: close\r\n\r\n")
                        }
                    };
                    let _ = socket.write_all(response.as_bytes()).await;
                    let _ = socket.shutdown().await;
                });
            }
        });
        server
    }

    pub fn serve(&self, body: Result<String, u16>) {
        *self.body.lock().unwrap() = body;
    }

    fn fetched(&self) -> u32 {
        *self.fetches.lock().unwrap()
    }
}

fn bearer(jwks: JwksSource) -> BearerSettings {
    BearerSettings { audience: Some(AUDIENCE.into()), ..BearerSettings::new(jwks, ISSUER) }
}

fn settings(auth: AuthSettings) -> ServerSettings {
    ServerSettings { drain_delay: Duration::ZERO, auth, ..ServerSettings::default() }
}

fn with_token<T>(message: T, token: &str) -> tonic::Request<T> {
    let mut request = tonic::Request::new(message);
    request.metadata_mut().insert("authorization", format!("Bearer {token}").parse().unwrap());
    request
}

async fn score(client: &IndicatorServiceClient<Channel>, token: Option<&str>) -> Result<(), tonic::Status> {
    let request = match token {
        Some(t) => with_token(example_request(), t),
        None => tonic::Request::new(example_request()),
    };
    client.clone().score(request).await.map(|_| ())
}

fn refused(result: Result<(), tonic::Status>, code: Code, reason: &str) {
    let status = result.expect_err(reason);
    assert_eq!(status.code(), code, "{reason}: {status:?}");
    assert!(status.message().contains(reason), "{reason} in {:?}", status.message());
}

#[tokio::test]
async fn a_valid_token_is_allowed_and_the_open_methods_stay_open() {
    let jwks = JwksServer::start(jwks(&[primary()])).await;
    let auth = AuthSettings { bearer: Some(bearer(JwksSource::Url(jwks.url.clone()))), ..AuthSettings::default() };
    let app = spawn_app_with(settings(auth)).await;

    score(&app.client, Some(&primary().sign(&claims("indikator:score")))).await.expect("a valid token is allowed");
    refused(score(&app.client, None).await, Code::Unauthenticated, "no bearer token");

    // Open without a token: GetMethodology, health, reflection.
    app.client.clone().get_methodology(pb::GetMethodologyRequest::default()).await.expect("GetMethodology is open");
    let mut health = tonic_health::pb::health_client::HealthClient::new(app.channel().await);
    health.check(tonic_health::pb::HealthCheckRequest::default()).await.expect("health is open");
}

#[tokio::test]
async fn each_bad_token_is_unauthenticated_with_a_short_reason_and_never_echoed() {
    let (key, _, stranger) = keys();
    let jwks = JwksServer::start(jwks(&[key])).await;
    let auth = AuthSettings { bearer: Some(bearer(JwksSource::Url(jwks.url.clone()))), ..AuthSettings::default() };
    let app = spawn_app_with(settings(auth)).await;
    let with = |change: serde_json::Value| {
        let mut c = claims("indikator:score");
        for (k, v) in change.as_object().unwrap() {
            if v.is_null() {
                c.as_object_mut().unwrap().remove(k);
            } else {
                c[k] = v.clone();
            }
        }
        c
    };
    let valid = key.sign(&claims("indikator:score"));
    let (head, rest) = valid.split_once('.').unwrap();
    let signature = rest.rsplit_once('.').unwrap().1;
    let other_payload = B64.encode(with(json!({"scope": "indikator:score indikator:rounds"})).to_string());
    let tampered = format!("{head}.{other_payload}.{signature}");
    let none = format!(
        "{}.{}.",
        B64.encode(json!({"alg": "none", "typ": "JWT", "kid": key.kid}).to_string()),
        B64.encode(claims("indikator:score").to_string())
    );
    let hmac = {
        let mut header = Header::new(Algorithm::HS256);
        header.kid = Some(key.kid.clone());
        jsonwebtoken::encode(
            &header,
            &claims("indikator:score"),
            &EncodingKey::from_secret(key.public_pem().as_bytes()),
        )
        .unwrap()
    };
    let hmac_jwk = {
        let mut header = Header::new(Algorithm::HS256);
        header.kid = Some(key.kid.clone());
        let n = key.jwk()["n"].as_str().unwrap().to_owned();
        jsonwebtoken::encode(&header, &claims("indikator:score"), &EncodingKey::from_secret(n.as_bytes())).unwrap()
    };
    let cases = [
        (key.sign(&with(json!({"exp": now() - 3600}))), "expired"),
        (key.sign(&with(json!({"nbf": now() + 3600}))), "not valid yet"),
        (key.sign(&with(json!({"iss": "https://elsewhere.test/"}))), "issuer"),
        (key.sign(&with(json!({"aud": "https://someone-else.test/"}))), "audience"),
        (key.sign(&with(json!({"aud": null}))), "`aud` claim"),
        (key.sign(&with(json!({"exp": null}))), "`exp` claim"),
        (tampered, "signature"),
        (stranger.sign(&claims("indikator:score")), "unknown key"),
        (none, "malformed"),
        (hmac, "algorithm"),
        (hmac_jwk, "algorithm"),
        ("not-a-jwt".into(), "malformed"),
        (key.sign(&with(json!({"iat": now() + 3600}))), "issued in the future"),
        (key.sign(&with(json!({"exp": 253_402_300_799u64}))), "lives longer"),
        (key.sign(&with(json!({"iat": null, "exp": now() + 2 * 24 * 3600}))), "lives longer"),
        (
            key.sign_with_header(json!({"alg": "RS256", "kid": key.kid, "crit": ["exp"]}), &claims("indikator:score")),
            "critical",
        ),
        // The signature is checked before the claims are read.
        (format!("{head}.e30.{signature}"), "signature"),
    ];
    for (token, reason) in &cases {
        let status = score(&app.client, Some(token)).await.expect_err(reason);
        assert_eq!(status.code(), Code::Unauthenticated, "{reason}: {status:?}");
        assert!(status.message().contains(reason), "{reason} in {:?}", status.message());
        assert!(!status.message().contains(token.as_str()) && status.message().len() < 80, "{status:?}");
    }
    let mut request = tonic::Request::new(example_request());
    request.metadata_mut().insert("authorization", "Basic dXNlcjpwYXNz".parse().unwrap());
    refused(app.client.clone().score(request).await.map(|_| ()), Code::Unauthenticated, "Bearer");
    // Two authorization headers, the first of them valid: neither decides.
    let mut request = tonic::Request::new(example_request());
    request.metadata_mut().append("authorization", format!("Bearer {valid}").parse().unwrap());
    request.metadata_mut().append("authorization", "Bearer forged".parse().unwrap());
    refused(app.client.clone().score(request).await.map(|_| ()), Code::Unauthenticated, "more than one");
}

#[tokio::test]
async fn a_token_without_the_methods_scope_is_permission_denied_naming_the_scope() {
    let jwks = JwksServer::start(jwks(&[primary()])).await;
    let auth = AuthSettings { bearer: Some(bearer(JwksSource::Url(jwks.url.clone()))), ..AuthSettings::default() };
    let app = spawn_app_with(settings(auth)).await;
    let rounds_only = primary().sign(&claims("indikator:rounds"));
    refused(score(&app.client, Some(&rounds_only)).await, Code::PermissionDenied, "indikator:score");
    let no_scope = primary().sign(&json!({"iss": ISSUER, "aud": AUDIENCE, "exp": now() + 60}));
    refused(score(&app.client, Some(&no_scope)).await, Code::PermissionDenied, "indikator:score");
    // ScoreRound needs indikator:rounds: the refusal comes before any message is read.
    let stream = futures::stream::iter(Vec::<pb::ScoreRoundRequest>::new());
    let round = app.client.clone().score_round(with_token(stream, &primary().sign(&claims("indikator:score")))).await;
    refused(round.map(|_| ()), Code::PermissionDenied, "indikator:rounds");
}

#[tokio::test]
async fn a_key_that_rotates_in_after_start_is_fetched_for_its_unknown_kid_and_a_failed_fetch_keeps_the_last_good_set() {
    let (first, second, stranger) = keys();
    let jwks = JwksServer::start(jwks(&[first])).await;
    let auth = AuthSettings {
        bearer: Some(BearerSettings { min_refetch: Duration::ZERO, ..bearer(JwksSource::Url(jwks.url.clone())) }),
        ..AuthSettings::default()
    };
    let app = spawn_app_with(settings(auth)).await;
    score(&app.client, Some(&first.sign(&claims("indikator:score")))).await.unwrap();
    assert_eq!(jwks.fetched(), 1, "fetched at start");

    // The issuer publishes a second key, then signs with it.
    jwks.serve(Ok(self::jwks(&[first, second])));
    score(&app.client, Some(&second.sign(&claims("indikator:score")))).await.expect("the rotated-in key is fetched");
    assert_eq!(jwks.fetched(), 2);

    // The issuer fails: a token with an unknown key is refused, the known keys still work.
    jwks.serve(Err(503));
    refused(
        score(&app.client, Some(&stranger.sign(&claims("indikator:score")))).await,
        Code::Unauthenticated,
        "unknown key",
    );
    assert_eq!(jwks.fetched(), 3);
    score(&app.client, Some(&second.sign(&claims("indikator:score")))).await.expect("the last good set is kept");
}

#[tokio::test]
async fn unknown_kids_fetch_the_key_set_at_most_once_a_min_refetch() {
    let (first, _, stranger) = keys();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("jwks.json");
    std::fs::write(&path, jwks(&[first])).unwrap();
    let jwks = JwksServer::start(self::jwks(&[first])).await;
    let auth = AuthSettings {
        bearer: Some(BearerSettings {
            min_refetch: Duration::from_secs(3600),
            ..bearer(JwksSource::Url(jwks.url.clone()))
        }),
        ..AuthSettings::default()
    };
    let app = spawn_app_with(settings(auth)).await;
    for _ in 0..5 {
        refused(
            score(&app.client, Some(&stranger.sign(&claims("indikator:score")))).await,
            Code::Unauthenticated,
            "unknown key",
        );
    }
    assert_eq!(jwks.fetched(), 2, "one fetch at start, one for the first unknown kid");

    // A key set file works the same way.
    let auth = AuthSettings { bearer: Some(bearer(JwksSource::File(path))), ..AuthSettings::default() };
    let app = spawn_app_with(settings(auth)).await;
    score(&app.client, Some(&first.sign(&claims("indikator:score")))).await.unwrap();
}

#[tokio::test]
async fn a_key_set_that_cannot_be_read_at_start_stops_the_server() {
    let auth = AuthSettings {
        bearer: Some(bearer(JwksSource::File("/nonexistent/jwks.json".into()))),
        ..AuthSettings::default()
    };
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let error = indikator_server::run(listener, settings(auth), std::future::pending()).await.unwrap_err();
    assert!(error.to_string().contains("/nonexistent/jwks.json"), "{error}");
    // Plain http to anywhere but loopback is refused.
    let auth = AuthSettings {
        bearer: Some(bearer(JwksSource::Url("http://issuer.test/jwks".into()))),
        ..AuthSettings::default()
    };
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let error = indikator_server::run(listener, settings(auth), std::future::pending()).await.unwrap_err();
    assert!(error.to_string().contains("https"), "{error}");
}

#[tokio::test]
async fn with_mutual_tls_an_allowed_certificate_is_served_with_its_scopes_and_others_are_refused() {
    let pki = pki();
    let start = |allowed: &'static str| {
        let pki = &pki;
        async move {
            let tls = TlsSettings {
                cert_pem: pki.server_cert.clone().into_bytes(),
                key_pem: pki.server_key.clone().into_bytes(),
                client_ca_pem: Some(pki.ca.clone().into_bytes()),
            };
            let auth = AuthSettings {
                client_certificates: vec![allowed.parse::<AllowedCertificate>().unwrap()],
                ..AuthSettings::default()
            };
            let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
            let address = format!("http://{}", listener.local_addr().unwrap());
            tokio::spawn(indikator_server::run(
                listener,
                ServerSettings { tls: Some(tls), ..settings(auth) },
                std::future::pending(),
            ));
            IndicatorServiceClient::new(tls_channel(&address, pki, true).await.unwrap())
        }
    };
    let allowed = start("client.example").await;
    score(&allowed, None).await.expect("an allowed certificate holds every scope");

    let scoped = start("client.example=indikator:rounds").await;
    refused(score(&scoped, None).await, Code::PermissionDenied, "indikator:score");

    let other = start("someone-else.example").await;
    refused(score(&other, None).await, Code::Unauthenticated, "certificate");
    other.clone().get_methodology(pb::GetMethodologyRequest::default()).await.expect("open methods stay open");

    // The subject's common name, and the whole subject DN in either order.
    score(&start("batch-client").await, None).await.expect("the subject CN");
    score(&start("{CN=batch-client,O=Testetaten,C=NO}").await, None).await.expect("the DN in RFC 4514 order");
    score(&start("{C=NO, O=Testetaten, CN=batch-client}").await, None)
        .await
        .expect("the DN in the certificate's order");
    let scoped = start("{cn=batch-client,o=Testetaten,c=NO}=indikator:rounds").await;
    refused(score(&scoped, None).await, Code::PermissionDenied, "indikator:score");
    for dn in
        ["{CN=batch-client,O=Other,C=NO}", "{CN=batch-client,O=Testetaten}", "{O=Testetaten,CN=batch-client,C=NO}"]
    {
        refused(score(&start(dn).await, None).await, Code::Unauthenticated, "certificate");
    }
}

#[tokio::test]
async fn an_https_jwks_signed_by_a_private_ca_is_read_when_the_ca_is_given_and_refused_otherwise() {
    use tokio_rustls::rustls;
    use tokio_rustls::rustls::pki_types::pem::PemObject as _;
    let pki = pki();
    // An issuer serving its key set over https with a certificate of the private CA.
    let certs: Vec<_> = rustls::pki_types::CertificateDer::pem_slice_iter(pki.server_cert.as_bytes())
        .collect::<Result<_, _>>()
        .unwrap();
    let key = rustls::pki_types::PrivateKeyDer::from_pem_slice(pki.server_key.as_bytes()).unwrap();
    let config = rustls::ServerConfig::builder_with_provider(Arc::new(rustls::crypto::ring::default_provider()))
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_no_client_auth()
        .with_single_cert(certs, key)
        .unwrap();
    let acceptor = tokio_rustls::TlsAcceptor::from(Arc::new(config));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("https://localhost:{}/jwks.json", listener.local_addr().unwrap().port());
    let body = jwks(&[primary()]);
    tokio::spawn(async move {
        loop {
            let Ok((socket, _)) = listener.accept().await else { return };
            let (acceptor, body) = (acceptor.clone(), body.clone());
            tokio::spawn(async move {
                let Ok(mut tls) = acceptor.accept(socket).await else { return };
                let mut request = Vec::new();
                let mut buf = [0u8; 1024];
                while !request.windows(4).any(|w| w == b"\r\n\r\n") {
                    match tls.read(&mut buf).await {
                        Ok(0) | Err(_) => return,
                        Ok(n) => request.extend_from_slice(&buf[..n]),
                    }
                }
                let response = format!(
                    "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
                    body.len()
                );
                let _ = tls.write_all(response.as_bytes()).await;
                let _ = tls.shutdown().await;
            });
        }
    });

    let without_ca = AuthSettings { bearer: Some(bearer(JwksSource::Url(url.clone()))), ..AuthSettings::default() };
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let error = indikator_server::run(listener, settings(without_ca), std::future::pending()).await.unwrap_err();
    assert!(error.to_string().to_lowercase().contains("certificate"), "{error}");

    let with_ca = BearerSettings { jwks_ca_pem: Some(pki.ca.clone().into_bytes()), ..bearer(JwksSource::Url(url)) };
    let app = spawn_app_with(settings(AuthSettings { bearer: Some(with_ca), ..AuthSettings::default() })).await;
    score(&app.client, Some(&primary().sign(&claims("indikator:score")))).await.expect("keys read over https");
}

mod arbitrary_authorization {
    use super::*;
    use indikator_server::auth::AuthLayer;
    use proptest::prelude::*;
    use std::sync::atomic::{AtomicBool, Ordering};
    use tower::{Layer, ServiceExt};

    /// Arbitrary bytes as the `authorization` metadata (alone, or after
    /// `Bearer `) never panic the layer and never reach the method.
    #[test]
    fn arbitrary_authorization_metadata_never_panics_and_never_authorises() {
        let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("jwks.json");
        std::fs::write(&path, jwks(&[primary()])).unwrap();
        let auth = AuthSettings {
            bearer: Some(BearerSettings { min_refetch: Duration::from_secs(3600), ..bearer(JwksSource::File(path)) }),
            ..AuthSettings::default()
        };
        let layer = runtime.block_on(AuthLayer::new(&auth)).unwrap();
        let reached = Arc::new(AtomicBool::new(false));
        let inner = {
            let reached = reached.clone();
            tower::service_fn(move |_: http::Request<tonic::body::Body>| {
                reached.store(true, Ordering::SeqCst);
                async { Ok::<_, std::convert::Infallible>(http::Response::new(tonic::body::Body::empty())) }
            })
        };
        let service = layer.layer(inner);
        proptest!(ProptestConfig::with_cases(512), |(bytes in proptest::collection::vec(any::<u8>(), 0..600), bearer_prefix in any::<bool>())| {
            let mut value = if bearer_prefix { b"Bearer ".to_vec() } else { Vec::new() };
            value.extend_from_slice(&bytes);
            let Ok(value) = http::HeaderValue::from_bytes(&value) else { return Ok(()) };
            let request = http::Request::builder()
                .uri("/indikator.v1.IndicatorService/Score")
                .header("authorization", value)
                .body(tonic::body::Body::empty())
                .unwrap();
            let response = runtime.block_on(service.clone().oneshot(request)).unwrap();
            prop_assert!(!reached.load(Ordering::SeqCst), "an arbitrary authorization reached the method");
            prop_assert_eq!(response.headers().get("grpc-status").map(|v| v.as_bytes().to_vec()), Some(b"16".to_vec()));
        });
        // A valid token does reach it.
        let request = http::Request::builder()
            .uri("/indikator.v1.IndicatorService/Score")
            .header("authorization", format!("Bearer {}", primary().sign(&claims("indikator:score"))))
            .body(tonic::body::Body::empty())
            .unwrap();
        runtime.block_on(service.clone().oneshot(request)).unwrap();
        assert!(reached.load(Ordering::SeqCst));
    }
}

#[tokio::test]
async fn the_batch_client_and_the_health_probe_send_the_token_from_their_token_file() {
    use indikator_client::health::{HealthError, HealthProbe, check};
    let jwks = JwksServer::start(jwks(&[primary()])).await;
    let mut auth = AuthSettings { bearer: Some(bearer(JwksSource::Url(jwks.url.clone()))), ..AuthSettings::default() };
    auth.scopes.push(("grpc.health.v1.Health".into(), "indikator:health".into()));
    let app = spawn_app_with(settings(auth)).await;
    let dir = tempfile::tempdir().unwrap();
    let token_file = dir.path().join("token");
    std::fs::write(&token_file, format!("{}\n", primary().sign(&claims("indikator:rounds indikator:health")))).unwrap();

    let mut job = crate::batch::job(&crate::batch::example_round(), None, Some(app.address.clone()));
    let refused = indikator_client::batch::run(&job).await.unwrap_err();
    assert!(refused.to_string().contains("no bearer token"), "{refused}");
    job.token_file = Some(token_file.clone());
    let outcome = indikator_client::batch::run(&job).await.expect("the batch is scored with the token");
    assert!(outcome.cards > 0);

    let mut probe = HealthProbe {
        server: app.address.clone(),
        service: String::new(),
        timeout: Duration::from_secs(3),
        tls: Default::default(),
        token_file: None,
    };
    let refused = check(&probe).await.unwrap_err();
    assert!(matches!(&refused, HealthError::Status(s) if s.code() == Code::Unauthenticated), "{refused}");
    probe.token_file = Some(token_file);
    assert_eq!(check(&probe).await.unwrap(), "SERVING");
}
