//! Idle calls: a call with no whole message in either direction for the idle
//! timeout is ended with DEADLINE_EXCEEDED, so idle streams cannot hold the
//! call permits for ever. Bytes trickled in without finishing a message do
//! not count. Health calls are exempt: watches are idle by design, and their
//! pool bounds them.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

use http_body::{Body as HttpBody, Frame, SizeHint};
use tokio::time::Sleep;
use tonic::Status;
use tonic::body::Body;
use tower::{Layer, Service};

use super::memory::Framing;
use super::{BoxError, BoxFuture, HEALTH, method_of, status_trailers, take_ready};

#[derive(Clone)]
pub struct IdleLayer {
    timeout: Duration,
}

impl IdleLayer {
    pub fn new(timeout: Duration) -> Self {
        Self { timeout }
    }
}

impl<S> Layer<S> for IdleLayer {
    type Service = Idle<S>;

    fn layer(&self, inner: S) -> Self::Service {
        Idle { inner, timeout: self.timeout }
    }
}

#[derive(Clone)]
pub struct Idle<S> {
    inner: S,
    timeout: Duration,
}

impl<S> Service<http::Request<Body>> for Idle<S>
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
        let mut inner = take_ready(&mut self.inner);
        if method_of(&request).service == HEALTH {
            return Box::pin(inner.call(request));
        }
        let progress = Progress::new(Instant::now(), self.timeout);
        let request = {
            let progress = progress.clone();
            request.map(|body| Body::new(Noting { inner: body, framing: Framing::default(), progress }))
        };
        let future = inner.call(request);
        Box::pin(async move {
            let response = tokio::select! {
                outcome = future => outcome?,
                () = progress.idle() => return Ok(Progress::status().into_http()),
            };
            Ok(response.map(|body| {
                Body::new(IdleBody {
                    inner: body,
                    sleep: Box::pin(tokio::time::sleep(progress.timeout)),
                    progress,
                    done: false,
                })
            }))
        })
    }
}

/// When a call last made progress (a request message arrived or a response
/// message left), shared by its request and response bodies.
#[derive(Clone)]
struct Progress {
    started: Instant,
    timeout: Duration,
    /// Milliseconds after `started`.
    last: Arc<AtomicU64>,
}

impl Progress {
    fn new(started: Instant, timeout: Duration) -> Self {
        Self { started, timeout, last: Arc::new(AtomicU64::new(0)) }
    }

    fn note(&self) {
        self.last.store(self.started.elapsed().as_millis() as u64, Ordering::Relaxed);
    }

    /// When the call becomes idle, unless it makes progress before.
    fn idle_at(&self) -> Instant {
        self.started + Duration::from_millis(self.last.load(Ordering::Relaxed)) + self.timeout
    }

    /// Completes once the call has made no progress for the timeout.
    async fn idle(&self) {
        loop {
            let at = self.idle_at();
            if Instant::now() >= at {
                return;
            }
            tokio::time::sleep_until(at.into()).await;
        }
    }

    fn status() -> Status {
        crate::grpc::status::idle()
    }
}

pin_project_lite::pin_project! {
    /// A request body that notes the call's progress whenever a whole message
    /// has arrived.
    struct Noting {
        #[pin]
        inner: Body,
        framing: Framing,
        progress: Progress,
    }
}

impl HttpBody for Noting {
    type Data = bytes::Bytes;
    type Error = BoxError;

    fn poll_frame(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Result<Frame<Self::Data>, Self::Error>>> {
        let this = self.project();
        let frame = std::task::ready!(this.inner.poll_frame(cx));
        if let Some(Ok(data)) = frame.as_ref().map(|f| f.as_ref().map(Frame::data_ref))
            && let Some(data) = data
            && this.framing.scan(data, |_, _| 0).0 > 0
        {
            this.progress.note();
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
    /// A response body that notes each message it sends, and ends the call
    /// with DEADLINE_EXCEEDED once it has made no progress for the timeout.
    struct IdleBody {
        #[pin]
        inner: Body,
        sleep: Pin<Box<Sleep>>,
        progress: Progress,
        done: bool,
    }
}

impl HttpBody for IdleBody {
    type Data = bytes::Bytes;
    type Error = Status;

    fn poll_frame(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Result<Frame<Self::Data>, Self::Error>>> {
        let this = self.project();
        if *this.done {
            return Poll::Ready(None);
        }
        while this.sleep.as_mut().poll(cx).is_ready() {
            let at = this.progress.idle_at();
            if Instant::now() < at {
                this.sleep.as_mut().reset(at.into());
                continue;
            }
            *this.done = true;
            let trailers = status_trailers(
                tonic::Code::DeadlineExceeded,
                "no%20message%20arrived%20or%20left%20for%20the%20server%27s%20idle%20timeout",
            );
            return Poll::Ready(Some(Ok(Frame::trailers(trailers))));
        }
        let frame = this.inner.poll_frame(cx);
        if let Poll::Ready(Some(Ok(f))) = &frame
            && f.is_data()
        {
            this.progress.note();
        }
        frame
    }

    fn is_end_stream(&self) -> bool {
        self.done || self.inner.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.inner.size_hint()
    }
}
