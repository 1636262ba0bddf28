//! Deadlines: the client's `grpc-timeout` (DEADLINE_EXCEEDED when it passes,
//! while the handler works or while its answer streams), and the server's
//! `--body-timeout` for the request of a unary call, which must arrive whole
//! within it, whatever the protocol.

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

use http_body::{Body as HttpBody, Frame, SizeHint};
use tokio::time::Sleep;
use tonic::Status;
use tonic::body::Body;
use tower::{Layer, Service};

use super::{BoxError, BoxFuture, HEALTH, method_of, status_trailers, take_ready};

/// The server answers up to this much (at most a tenth of the timeout) before
/// the client's deadline, so that its DEADLINE_EXCEEDED reaches the client
/// before the client's own timer fires (tonic's client reports its own timer
/// as CANCELLED).
const DEADLINE_MARGIN: Duration = Duration::from_millis(50);

/// Longest deadline honoured; a longer `grpc-timeout` is clamped to it.
const MAX_DEADLINE: Duration = Duration::from_secs(365 * 24 * 3600);

/// When the server answers DEADLINE_EXCEEDED for a call with `timeout`:
/// clamped to [`MAX_DEADLINE`], so no client value can overflow the clock.
fn deadline_after(started: Instant, timeout: Duration) -> Option<Instant> {
    let timeout = timeout.min(MAX_DEADLINE);
    started.checked_add(timeout - DEADLINE_MARGIN.min(timeout / 10))
}

#[derive(Clone)]
pub struct DeadlineLayer {
    body_timeout: Duration,
}

impl DeadlineLayer {
    pub fn new(body_timeout: Duration) -> Self {
        Self { body_timeout }
    }
}

impl<S> Layer<S> for DeadlineLayer {
    type Service = Deadline<S>;

    fn layer(&self, inner: S) -> Self::Service {
        Deadline { inner, body_timeout: self.body_timeout }
    }
}

#[derive(Clone)]
pub struct Deadline<S> {
    inner: S,
    body_timeout: Duration,
}

impl<S> Service<http::Request<Body>> for Deadline<S>
where
    S: Service<http::Request<Body>, Response = http::Response<Body>> + Clone + Send + 'static,
    S::Future: Send + 'static,
    S::Error: Send,
{
    type Response = http::Response<Body>;
    type Error = S::Error;
    type Future = BoxFuture<Result<Self::Response, Self::Error>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, request: http::Request<Body>) -> Self::Future {
        let started = Instant::now();
        let name = method_of(&request);
        let deadline = grpc_timeout(request.headers()).and_then(|t| deadline_after(started, t));
        // A unary request is one message: it must arrive within the body timeout.
        let request = if name.service != HEALTH && !name.client_streaming {
            let sleep = Box::pin(tokio::time::sleep_until((started + self.body_timeout).into()));
            request.map(|body| Body::new(BodyDeadline { inner: body, deadline: Some(sleep) }))
        } else {
            request
        };
        let future = take_ready(&mut self.inner).call(request);
        Box::pin(async move {
            let response = match deadline {
                Some(at) => match tokio::time::timeout_at(at.into(), future).await {
                    Ok(outcome) => outcome?,
                    Err(_) => return Ok(crate::grpc::status::deadline_passed().into_http()),
                },
                None => future.await?,
            };
            let Some(at) = deadline else { return Ok(response) };
            Ok(response.map(|body| {
                Body::new(StreamDeadline {
                    inner: body,
                    deadline: Box::pin(tokio::time::sleep_until(at.into())),
                    done: false,
                })
            }))
        })
    }
}

pin_project_lite::pin_project! {
    /// A unary request body that fails once the body timeout has passed
    /// before it ended.
    struct BodyDeadline {
        #[pin]
        inner: Body,
        deadline: Option<Pin<Box<Sleep>>>,
    }
}

impl HttpBody for BodyDeadline {
    type Data = bytes::Bytes;
    type Error = BoxError;

    fn poll_frame(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Result<Frame<Self::Data>, Self::Error>>> {
        let this = self.project();
        if let Some(deadline) = this.deadline.as_mut()
            && deadline.as_mut().poll(cx).is_ready()
        {
            *this.deadline = None;
            return Poll::Ready(Some(Err(Box::new(crate::grpc::status::body_timed_out()))));
        }
        let frame = std::task::ready!(this.inner.poll_frame(cx));
        if frame.is_none() {
            *this.deadline = None;
        }
        Poll::Ready(frame.map(|f| f.map_err(Into::into)))
    }

    fn is_end_stream(&self) -> bool {
        self.inner.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.inner.size_hint()
    }
}

pin_project_lite::pin_project! {
    /// A response body ended with DEADLINE_EXCEEDED once the call's deadline passes.
    struct StreamDeadline {
        #[pin]
        inner: Body,
        deadline: Pin<Box<Sleep>>,
        done: bool,
    }
}

impl HttpBody for StreamDeadline {
    type Data = bytes::Bytes;
    type Error = Status;

    fn poll_frame(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Result<Frame<Self::Data>, Self::Error>>> {
        let this = self.project();
        if *this.done {
            return Poll::Ready(None);
        }
        if this.deadline.as_mut().poll(cx).is_ready() {
            *this.done = true;
            let trailers = status_trailers(tonic::Code::DeadlineExceeded, "the%20call%27s%20deadline%20passed");
            return Poll::Ready(Some(Ok(Frame::trailers(trailers))));
        }
        this.inner.poll_frame(cx)
    }

    fn is_end_stream(&self) -> bool {
        self.done || self.inner.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.inner.size_hint()
    }
}

/// Parses `grpc-timeout` (e.g. `100m`, `5S`, `30000u`).
fn grpc_timeout(headers: &http::HeaderMap) -> Option<Duration> {
    let value = headers.get("grpc-timeout")?.to_str().ok()?;
    let (digits, unit) = value.split_at(value.len().checked_sub(1)?);
    let n: u64 = digits.parse().ok()?;
    Some(match unit {
        "H" => Duration::from_secs(n.saturating_mul(3600)),
        "M" => Duration::from_secs(n.saturating_mul(60)),
        "S" => Duration::from_secs(n),
        "m" => Duration::from_millis(n),
        "u" => Duration::from_micros(n),
        "n" => Duration::from_nanos(n),
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn grpc_timeouts_parse_in_every_unit() {
        let parse = |v: &str| {
            let mut h = http::HeaderMap::new();
            h.insert("grpc-timeout", v.parse().unwrap());
            grpc_timeout(&h)
        };
        assert_eq!(parse("2H"), Some(Duration::from_secs(7200)));
        assert_eq!(parse("3M"), Some(Duration::from_secs(180)));
        assert_eq!(parse("5S"), Some(Duration::from_secs(5)));
        assert_eq!(parse("100m"), Some(Duration::from_millis(100)));
        assert_eq!(parse("250u"), Some(Duration::from_micros(250)));
        assert_eq!(parse("7n"), Some(Duration::from_nanos(7)));
        assert_eq!(parse("5x"), None);
        assert_eq!(parse("S"), None);
    }

    #[test]
    fn deadlines_beyond_what_the_clock_holds_are_clamped_not_a_panic() {
        let now = Instant::now();
        for value in ["18446744073709551615S", "9223372036854775807S", "5124095576030431H", "18446744073709551615n"] {
            let mut h = http::HeaderMap::new();
            h.insert("grpc-timeout", value.parse().unwrap());
            let timeout = grpc_timeout(&h).expect(value);
            let at = deadline_after(now, timeout).expect(value);
            assert!(at > now + Duration::from_secs(364 * 24 * 3600) && at <= now + MAX_DEADLINE, "{value}");
        }
    }
}
