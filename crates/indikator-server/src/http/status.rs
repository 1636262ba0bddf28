//! gRPC statuses as HTTP answers, by the gRPC-HTTP mapping of
//! `google/rpc/code.proto`: the HTTP status of the code, and a body that is
//! the `google.rpc.Status` in proto3 JSON with its error details.

use http::{HeaderValue, StatusCode, header};
use prost::Message as _;
use serde_json::{Value, json};
use tonic::body::Body;
use tonic::{Code, Status};
use tonic_types::pb;
use tonic_types::{ErrorDetails, StatusExt};

use indikator_app::LogSafe;
use indikator_app::safe_text::bounded_message;

/// INVALID_ARGUMENT naming `field`, with a `google.rpc.BadRequest`.
pub(super) fn invalid(field: &str, description: &str) -> Status {
    Status::with_error_details(
        Code::InvalidArgument,
        format!("{field}: {description}"),
        ErrorDetails::with_bad_request_violation(field, description),
    )
}

/// An HTTP/1.1 request without `Host` (RFC 9112 §3.2).
pub(super) fn no_host() -> Status {
    Status::invalid_argument("an HTTP/1.1 request must have a Host header")
}

/// No route for the method and path; the path is quoted as an escaped excerpt.
pub(super) fn no_route(method: &str, path: &str, routes: &str) -> Status {
    Status::not_found(format!("no route {method} {}; the routes are in {routes}", LogSafe(path)))
}

/// A route that exists for other verbs.
pub(super) fn wrong_verb(method: &str, path: &str, allowed: &[&str]) -> Status {
    Status::new(
        Code::Unimplemented,
        format!("{method} is not allowed on {}; use {}", LogSafe(path), allowed.join(", ")),
    )
}

/// A body of a media type the route does not read.
pub(super) fn unsupported_media(media: &str, accepted: &[&str]) -> Status {
    Status::invalid_argument(format!(
        "content-type {} is not accepted here; send {}",
        LogSafe(media),
        accepted.join(" or ")
    ))
}

/// A body over the message limit.
pub(super) fn body_too_large(max_bytes: usize) -> Status {
    Status::resource_exhausted(format!("the body is larger than the message limit of {max_bytes} bytes"))
}

/// The transcoded gRPC call could not be made.
pub(super) fn call_failed(error: impl std::fmt::Display) -> Status {
    Status::internal(format!("the call failed: {error}"))
}

/// The gRPC answer could not be turned into JSON: `what` went wrong.
pub(super) fn unreadable_answer(what: impl std::fmt::Display) -> Status {
    Status::internal(what.to_string())
}

/// A `grpc-status` trailer that is not a status.
pub(super) fn unreadable_grpc_status() -> Status {
    Status::unknown("an unreadable grpc-status")
}

/// The HTTP status of a gRPC code.
pub(crate) fn http_status(code: Code) -> StatusCode {
    match code {
        Code::Ok => StatusCode::OK,
        Code::Cancelled => StatusCode::from_u16(499).expect("499 is a status code"),
        Code::InvalidArgument | Code::FailedPrecondition | Code::OutOfRange => StatusCode::BAD_REQUEST,
        Code::DeadlineExceeded => StatusCode::GATEWAY_TIMEOUT,
        Code::NotFound => StatusCode::NOT_FOUND,
        Code::AlreadyExists | Code::Aborted => StatusCode::CONFLICT,
        Code::PermissionDenied => StatusCode::FORBIDDEN,
        Code::Unauthenticated => StatusCode::UNAUTHORIZED,
        Code::ResourceExhausted => StatusCode::TOO_MANY_REQUESTS,
        Code::Unimplemented => StatusCode::NOT_IMPLEMENTED,
        Code::Unavailable => StatusCode::SERVICE_UNAVAILABLE,
        Code::Unknown | Code::Internal | Code::DataLoss => StatusCode::INTERNAL_SERVER_ERROR,
    }
}

/// The answer to a call that ended with `status`, with its mapped HTTP status.
pub(super) fn error_response(status: &Status) -> http::Response<Body> {
    error_response_as(http_status(status.code()), status)
}

/// The answer with `status` in the body and an HTTP status of the caller's choosing.
pub(super) fn error_response_as(http: StatusCode, status: &Status) -> http::Response<Body> {
    let mut response = json_response(http, status_json(status).to_string().into_bytes());
    if status.code() == Code::Unauthenticated {
        response.headers_mut().insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
    }
    response
}

pub(super) fn json_response(http: StatusCode, body: Vec<u8>) -> http::Response<Body> {
    let mut response = http::Response::new(Body::new(http_body_util::Full::new(bytes::Bytes::from(body))));
    *response.status_mut() = http;
    response.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static("application/json"));
    response
}

/// `{"code": 3, "message": "…", "details": [{"@type": "type.googleapis.com/google.rpc.BadRequest", …}]}`
pub(crate) fn status_json(status: &Status) -> Value {
    let details: Vec<Value> = match pb::Status::decode(status.details()) {
        Ok(decoded) if !status.details().is_empty() => decoded.details.iter().map(detail_json).collect(),
        _ => Vec::new(),
    };
    // Messages and descriptions may quote what the client sent: bounded here
    // whatever made them.
    let mut body = json!({"code": status.code() as i32, "message": bounded_message(status.message())});
    if !details.is_empty() {
        body["details"] = Value::Array(details);
    }
    body
}

const TYPE_PREFIX: &str = "type.googleapis.com/google.rpc.";

/// One error detail in proto3 JSON: the types the server sends by name, any
/// other with its bytes in base64 (as proto3 JSON writes an unknown `Any`).
fn detail_json(any: &prost_types::Any) -> Value {
    let name = any.type_url.strip_prefix(TYPE_PREFIX).unwrap_or("");
    let known = match name {
        "BadRequest" => pb::BadRequest::decode(&*any.value).ok().map(|d| {
            let violations: Vec<Value> =
                d.field_violations.iter().map(|v| json!({"field": bounded_message(&v.field), "description": bounded_message(&v.description)})).collect();
            json!({"fieldViolations": violations})
        }),
        "ErrorInfo" => pb::ErrorInfo::decode(&*any.value)
            .ok()
            .map(|d| json!({"reason": d.reason, "domain": d.domain, "metadata": d.metadata})),
        "RetryInfo" => pb::RetryInfo::decode(&*any.value).ok().map(|d| {
            let delay = d.retry_delay.unwrap_or_default();
            json!({"retryDelay": format!("{}.{:09}s", delay.seconds, delay.nanos)})
        }),
        "ResourceInfo" => pb::ResourceInfo::decode(&*any.value).ok().map(|d| {
            json!({"resourceType": d.resource_type, "resourceName": d.resource_name, "owner": d.owner, "description": d.description})
        }),
        "Help" => pb::Help::decode(&*any.value).ok().map(|d| {
            let links: Vec<Value> = d.links.iter().map(|l| json!({"description": l.description, "url": l.url})).collect();
            json!({"links": links})
        }),
        _ => None,
    };
    let mut detail = known.unwrap_or_else(|| {
        use base64::Engine as _;
        json!({"value": base64::engine::general_purpose::STANDARD.encode(&any.value)})
    });
    detail["@type"] = json!(any.type_url);
    detail
}

#[cfg(test)]
mod tests {
    use super::*;
    use tonic_types::{ErrorDetails, StatusExt};

    #[test]
    fn codes_map_to_the_statuses_of_the_grpc_http_mapping() {
        let expected = [
            (Code::InvalidArgument, 400),
            (Code::Unauthenticated, 401),
            (Code::PermissionDenied, 403),
            (Code::NotFound, 404),
            (Code::ResourceExhausted, 429),
            (Code::Cancelled, 499),
            (Code::Internal, 500),
            (Code::Unimplemented, 501),
            (Code::Unavailable, 503),
            (Code::DeadlineExceeded, 504),
        ];
        for (code, http) in expected {
            assert_eq!(http_status(code).as_u16(), http, "{code:?}");
        }
    }

    #[test]
    fn bad_request_details_are_written_as_proto3_json() {
        let status = Status::with_error_details(
            Code::InvalidArgument,
            "1 violation",
            ErrorDetails::with_bad_request_violation("response.respondent", "is required"),
        );
        let body = status_json(&status);
        assert_eq!(body["code"], 3);
        assert_eq!(body["details"][0]["@type"], "type.googleapis.com/google.rpc.BadRequest");
        assert_eq!(body["details"][0]["fieldViolations"][0]["field"], "response.respondent");
        assert_eq!(status_json(&Status::not_found("x")), json!({"code": 5, "message": "x"}));
    }
}
