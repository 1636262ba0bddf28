//! The one place where the service's errors become `tonic::Status`, with
//! `google.rpc.BadRequest` details for field violations (at most
//! [`MAX_VIOLATIONS`](indikator_app::validate::MAX_VIOLATIONS), the rest counted in
//! the message).

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
