//! The one place where the service's errors become `tonic::Status`: the
//! application's (validation, undecodable messages, rounds), with
//! `google.rpc.BadRequest` details for field violations (at most
//! [`MAX_VIOLATIONS`](indikator_app::validate::MAX_VIOLATIONS), the rest counted in
//! the message), and the server's own (authorization, admission, memory,
//! deadlines, idle streams, panics). The JSON/HTTP side's own errors are
//! `crate::http::status`'s, beside the transcoder.

use tonic::{Code, Status};
use tonic_types::{ErrorDetails, FieldViolation, StatusExt};

use indikator_app::Violations;
use indikator_app::proto::wire::Undecodable;
use indikator_core::round::RoundError;

/// INVALID_ARGUMENT carrying the violations as `google.rpc.BadRequest`.
pub fn invalid_argument(violations: Violations) -> Status {
    let message = violations.message();
    Status::with_error_details(
        Code::InvalidArgument,
        message,
        ErrorDetails::with_bad_request(
            violations.into_vec().into_iter().map(|v| FieldViolation::new(v.field, v.description)).collect::<Vec<_>>(),
        ),
    )
}

/// A request message that failed the wire check or could not be decoded:
/// INVALID_ARGUMENT with the field as a `google.rpc.BadRequest` violation.
pub fn undecodable(problem: &Undecodable) -> Status {
    let field = if problem.field.is_empty() { "request" } else { &problem.field };
    Status::with_error_details(
        Code::InvalidArgument,
        format!("{field}: {}", problem.description),
        ErrorDetails::with_bad_request_violation(field, &problem.description),
    )
}

/// A call refused by authorization: PERMISSION_DENIED when the caller lacks
/// a scope, UNAUTHENTICATED otherwise; `reason` is the refusal's text.
pub fn refused(scope_missing: bool, reason: String) -> Status {
    if scope_missing { Status::permission_denied(reason) } else { Status::unauthenticated(reason) }
}

/// A call shed at admission: the server is at a limit (`what`: calls,
/// streams); the client should retry with backoff.
pub fn shed(limit: usize, what: &str) -> Status {
    Status::resource_exhausted(format!("the server is at its limit of {limit} {what}; retry with backoff"))
}

/// The memory budget could not hold what a call needs.
pub fn out_of_memory(exhausted: impl std::fmt::Display) -> Status {
    Status::resource_exhausted(exhausted.to_string())
}

/// The call's deadline (`grpc-timeout`, or the server's default) passed.
pub fn deadline_passed() -> Status {
    Status::deadline_exceeded("the call's deadline passed")
}

/// A unary request that did not arrive whole within `--body-timeout`.
pub fn body_timed_out() -> Status {
    Status::deadline_exceeded("the request did not arrive whole within the server's body timeout (--body-timeout)")
}

/// A stream on which nothing moved for `--stream-idle-timeout`.
pub fn idle() -> Status {
    Status::deadline_exceeded(
        "no message arrived or left for the server's idle timeout (--stream-idle-timeout); the call was ended",
    )
}

/// A handler that panicked: the call fails, nothing of the panic is told.
pub fn internal_error() -> Status {
    Status::internal("internal error")
}

/// An answer that prost could not encode.
pub fn encoding_failed(error: impl std::fmt::Display) -> Status {
    Status::internal(format!("encoding failed: {error}"))
}

/// The refusal of a generated handler that [`super::IndicatorRoutes`] serves instead.
pub fn served_by_routes(method: &str) -> Status {
    Status::unimplemented(format!("{method} is served by IndicatorRoutes from the request's bytes"))
}

/// A round's error as the status its call ends with.
pub fn round_error(error: RoundError) -> Status {
    {
        match error {
            RoundError::Protocol(pairs) => {
                let mut violations = Violations::default();
                for (field, description) in &pairs {
                    violations.add(field, description);
                }
                invalid_argument(violations)
            }
            RoundError::TooManyRecords { .. } | RoundError::OutOfMemory(_) => {
                Status::resource_exhausted(error.to_string())
            }
            RoundError::Inbound(e) => match e.downcast::<Status>() {
                Ok(status) => *status,
                Err(e) => Status::internal(e.to_string()),
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_errors_map_to_their_documented_codes() {
        let protocol = RoundError::Protocol(vec![("header".into(), "is required".into())]);
        let status = round_error(protocol);
        assert_eq!(status.code(), Code::InvalidArgument);
        let details = status.get_details_bad_request().expect("BadRequest details");
        let fields: Vec<_> =
            details.field_violations.iter().map(|v| (v.field.as_str(), v.description.as_str())).collect();
        assert_eq!(fields, [("header", "is required")]);
        assert_eq!(round_error(RoundError::TooManyRecords { max: 2 }).code(), Code::ResourceExhausted);
        assert_eq!(round_error(RoundError::OutOfMemory("spent".into())).code(), Code::ResourceExhausted);
        let inbound = RoundError::Inbound(Box::new(Status::deadline_exceeded("late")));
        assert_eq!(round_error(inbound).code(), Code::DeadlineExceeded);
    }
}
