//! The JSON/HTTP API on the gRPC port, routed from the methods'
//! `google.api.http` annotations ([`crate::http::json`]): a request to one
//! of its routes is transcoded into the gRPC call (proto3 JSON → protobuf,
//! JSON Lines → a stream of messages) and sent down the same stack as every
//! gRPC call, so admission, deadlines, memory reservations, authorization,
//! spans and metrics apply to it unchanged; the answer is transcoded back,
//! and an error becomes the HTTP status of its gRPC code with the
//! `google.rpc.Status` as JSON ([`status`]).
//!
//! gRPC and gRPC-Web requests (`application/grpc*`) pass through untouched.
//! `GET /openapi.json` serves the OpenAPI document of the routes.

pub(crate) mod json;
mod status;
mod transcode;

use std::borrow::Cow;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

use bytes::Bytes;
use http::{HeaderValue, Method, StatusCode, header};
use http_body::Body as HttpBody;
use tonic::body::Body;
use tower::{Layer, Service, ServiceExt as _};

use crate::http::json::{OPENAPI_JSON, Resolved, Route, percent_decode, resolve};
use indikator_app::memory::MemoryBudget;

type BoxError = Box<dyn std::error::Error + Send + Sync>;
type BoxFuture<T> = Pin<Box<dyn Future<Output = T> + Send + 'static>>;

/// Where the OpenAPI document is served.
pub(crate) const OPENAPI_PATH: &str = "/openapi.json";

/// Media types a JSON Lines body may be sent as.
const JSON_LINES: [&str; 4] =
    ["application/x-ndjson", "application/jsonl", "application/json-lines", "application/json"];

#[derive(Clone)]
pub(crate) struct JsonHttpLayer {
    max_message_bytes: usize,
    budget: MemoryBudget,
}

impl JsonHttpLayer {
    /// Bodies over `max_message_bytes` (a JSON Lines line over it) are
    /// refused; a unary body reserves what it holds from `budget` while it is
    /// transcoded.
    pub(crate) fn new(max_message_bytes: usize, budget: MemoryBudget) -> Self {
        Self { max_message_bytes, budget }
    }
}

impl<S> Layer<S> for JsonHttpLayer {
    type Service = JsonHttp<S>;

    fn layer(&self, inner: S) -> Self::Service {
        JsonHttp { inner, layer: self.clone() }
    }
}

#[derive(Clone)]
pub(crate) struct JsonHttp<S> {
    inner: S,
    layer: JsonHttpLayer,
}

fn is_grpc(headers: &http::HeaderMap) -> bool {
    headers.get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).is_some_and(|v| v.starts_with("application/grpc"))
}

impl<S, B> Service<http::Request<B>> for JsonHttp<S>
where
    S: Service<http::Request<Body>, Response = http::Response<Body>> + Clone + Send + 'static,
    S::Future: Send + 'static,
    S::Error: Into<BoxError> + Send,
    B: HttpBody<Data = Bytes> + Send + 'static,
    B::Error: Into<BoxError>,
{
    type Response = http::Response<Body>;
    type Error = S::Error;
    type Future = BoxFuture<Result<Self::Response, Self::Error>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, request: http::Request<B>) -> Self::Future {
        // RFC 9112 §3.2: a server must answer 400 to an HTTP/1.1 request without Host.
        if request.version() == http::Version::HTTP_11 && !request.headers().contains_key(header::HOST) {
            let refusal = status::no_host();
            return Box::pin(futures::future::ready(Ok(status::error_response_as(StatusCode::BAD_REQUEST, &refusal))));
        }
        if is_grpc(request.headers()) {
            return Box::pin(self.inner.call(request.map(Body::new)));
        }
        // Take the ready service, leave a fresh clone for the next call.
        let clone = self.inner.clone();
        let inner = std::mem::replace(&mut self.inner, clone);
        let layer = self.layer.clone();
        let request = request.map(Body::new);
        Box::pin(async move { Ok(answer(inner, layer, request).await) })
    }
}

async fn answer<S>(inner: S, layer: JsonHttpLayer, request: http::Request<Body>) -> http::Response<Body>
where
    S: Service<http::Request<Body>, Response = http::Response<Body>> + Send + 'static,
    S::Future: Send + 'static,
    S::Error: Into<BoxError> + Send,
{
    let (parts, body) = request.into_parts();
    let path = parts.uri.path().to_owned();
    if path == OPENAPI_PATH {
        return match parts.method {
            Method::GET | Method::HEAD => status::json_response(StatusCode::OK, OPENAPI_JSON.as_bytes().to_vec()),
            _ => wrong_verb(&parts.method, &path, &["GET"]),
        };
    }
    let (route, variables) = match resolve(parts.method.as_str(), &path) {
        Resolved::Route(route, variables) => (route, variables),
        Resolved::WrongVerb(verbs) => return wrong_verb(&parts.method, &path, &verbs),
        Resolved::NotFound => {
            return status::error_response(&status::no_route(parts.method.as_str(), &path, OPENAPI_PATH));
        }
    };
    if let Some(refused) = content_type_refusal(route, &parts.headers) {
        return refused;
    }
    let mut params: Vec<(Cow<'static, str>, Cow<'static, str>)> =
        variables.into_iter().map(|(name, value)| (name, Cow::Owned(value.into_owned()))).collect();
    if let Some(query) = parts.uri.query() {
        if route.request_stream {
            return bad_request("query", "a streaming route takes no query parameters");
        }
        match query_pairs(query) {
            Some(pairs) => params.extend(pairs.into_iter().map(|(k, v)| (Cow::Owned(k), Cow::Owned(v)))),
            None => return bad_request("query", "is not valid percent-encoded UTF-8"),
        }
    }
    let call = |request: http::Request<Body>| async move {
        match inner.oneshot(request).await {
            Ok(response) => Ok(response),
            Err(e) => Err(status::call_failed(e.into())),
        }
    };
    if route.request_stream || route.response_stream {
        transcode::stream(call, parts, body, route, layer.max_message_bytes, &layer.budget).await
    } else {
        transcode::unary(call, parts, body, route, params, layer.max_message_bytes, &layer.budget).await
    }
}

/// 415 when the body is not of a media type the route reads; `None` when it is.
fn content_type_refusal(route: &Route, headers: &http::HeaderMap) -> Option<http::Response<Body>> {
    if !route.body {
        return None;
    }
    let value = headers.get(header::CONTENT_TYPE)?;
    let media = value.to_str().unwrap_or("").split(';').next().unwrap_or("").trim().to_ascii_lowercase();
    let accepted: &[&str] = if route.request_stream { &JSON_LINES } else { &["application/json"] };
    if accepted.contains(&media.as_str()) {
        return None;
    }
    Some(status::error_response_as(StatusCode::UNSUPPORTED_MEDIA_TYPE, &status::unsupported_media(&media, accepted)))
}

fn wrong_verb(method: &Method, path: &str, allowed: &[&str]) -> http::Response<Body> {
    let refusal = status::wrong_verb(method.as_str(), path, allowed);
    let mut response = status::error_response_as(StatusCode::METHOD_NOT_ALLOWED, &refusal);
    if let Ok(allow) = HeaderValue::from_str(&allowed.join(", ")) {
        response.headers_mut().insert(header::ALLOW, allow);
    }
    response
}

fn bad_request(field: &str, description: &str) -> http::Response<Body> {
    status::error_response(&status::invalid(field, description))
}

/// `a=1&b=x%20y` → pairs, `+` as a space; `None` when an escape is not UTF-8.
fn query_pairs(query: &str) -> Option<Vec<(String, String)>> {
    let decode = |s: &str| percent_decode(&s.replace('+', " ")).map(Cow::into_owned);
    query
        .split('&')
        .filter(|pair| !pair.is_empty())
        .map(|pair| {
            let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
            Some((decode(k)?, decode(v)?))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn query_strings_are_percent_decoded() {
        assert_eq!(
            query_pairs("methodologyId=ks%2D2018&x=a+b&&flag").unwrap(),
            [("methodologyId".into(), "ks-2018".into()), ("x".into(), "a b".into()), ("flag".into(), String::new())]
        );
        assert!(query_pairs("a=%FF").is_none());
        assert!(query_pairs("a=%G0").is_none());
    }
}
