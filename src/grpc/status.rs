//! The one place where the service's errors become `tonic::Status`, with
//! `google.rpc.BadRequest` details for field violations (at most
//! [`MAX_VIOLATIONS`](super::validate::MAX_VIOLATIONS), the rest counted in
//! the message).

use tonic::{Code, Status};
use tonic_types::{ErrorDetails, StatusExt};

use super::Violations;
use crate::round::RoundError;

/// INVALID_ARGUMENT carrying the violations as `google.rpc.BadRequest`.
pub fn invalid_argument(violations: Violations) -> Status {
    let message = violations.message();
    Status::with_error_details(Code::InvalidArgument, message, ErrorDetails::with_bad_request(violations.into_vec()))
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
