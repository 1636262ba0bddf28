//! JSON bodies to gRPC calls and back: a unary body becomes one framed
//! message, a JSON Lines body a stream of them (a line at a time, never the
//! whole body in memory); the response's messages become a JSON object or
//! JSON Lines, its status the HTTP status (the first line of a stream decides
//! it: a call that fails before answering gets its error status, one that
//! fails later ends with a line `{"@error": …}`, a key no message has).

use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll, ready};

use bytes::{Buf, BufMut, Bytes, BytesMut};
use http::{HeaderValue, StatusCode, Version, header};
use http_body::{Body as HttpBody, Frame};
use http_body_util::BodyExt as _;
use tonic::body::Body;
use tonic::{Code, Status};
use tonic_types::{ErrorDetails, StatusExt as _};

use super::BoxError;
use super::status::{error_response, error_response_as, json_response, status_json};
use crate::memory::MemoryBudget;
use crate::proto::http::{JsonError, Params, RequestFn, ResponseFn, Route};

const NDJSON: &str = "application/x-ndjson";

/// INVALID_ARGUMENT naming `field`, with a `google.rpc.BadRequest`.
pub fn invalid(field: &str, description: &str) -> Status {
    Status::with_error_details(
        Code::InvalidArgument,
        format!("{field}: {description}"),
        ErrorDetails::with_bad_request_violation(field, description),
    )
}

fn from_json(error: JsonError) -> Status {
    invalid(&error.field, &error.description)
}

/// The gRPC request for `route`, keeping the caller's headers (authorization,
/// deadlines, trace context) and extensions (its TLS identity).
fn grpc_request(mut parts: http::request::Parts, route: &Route, body: Body) -> http::Request<Body> {
    parts.method = http::Method::POST;
    parts.uri = http::Uri::from_static(route.grpc_path);
    parts.version = Version::HTTP_2;
    for name in [header::CONTENT_LENGTH, header::TRANSFER_ENCODING, header::ACCEPT_ENCODING, header::CONNECTION] {
        parts.headers.remove(name);
    }
    parts.headers.remove("grpc-encoding");
    parts.headers.remove("grpc-accept-encoding");
    parts.headers.insert(header::CONTENT_TYPE, HeaderValue::from_static("application/grpc"));
    parts.headers.insert(header::TE, HeaderValue::from_static("trailers"));
    http::Request::from_parts(parts, body)
}

/// A gRPC length-prefixed message.
fn frame(message: &[u8]) -> Bytes {
    let mut framed = BytesMut::with_capacity(5 + message.len());
    framed.put_u8(0);
    framed.put_u32(message.len() as u32);
    framed.put_slice(message);
    framed.freeze()
}

/// The length of the whole message at the front of `buf`, prefix included,
/// once `buf` holds all of it.
fn whole_message(buf: &[u8]) -> Option<usize> {
    let prefix = buf.get(..5)?;
    let len = 5 + u32::from_be_bytes([prefix[1], prefix[2], prefix[3], prefix[4]]) as usize;
    (buf.len() >= len).then_some(len)
}

/// The next whole message at the front of `buf`, taken off it.
fn next_message(buf: &mut BytesMut) -> Result<Option<Bytes>, Status> {
    let Some(len) = whole_message(buf) else { return Ok(None) };
    if buf[0] != 0 {
        return Err(Status::internal("the response was compressed"));
    }
    let mut message = buf.split_to(len);
    message.advance(5);
    Ok(Some(message.freeze()))
}

/// The status a response's headers or trailers carry, if any.
fn grpc_status(headers: &http::HeaderMap) -> Option<Status> {
    headers.get("grpc-status")?;
    Some(Status::from_header_map(headers).unwrap_or_else(|| Status::unknown("an unreadable grpc-status")))
}

pub async fn unary<C, F, B>(
    call: C,
    parts: http::request::Parts,
    body: B,
    route: &'static Route,
    params: &Params<'_>,
    max_bytes: usize,
    budget: &MemoryBudget,
) -> http::Response<Body>
where
    C: FnOnce(http::Request<Body>) -> F,
    F: Future<Output = Result<http::Response<Body>, Status>>,
    B: HttpBody<Data = Bytes> + Send + 'static,
    B::Error: Into<BoxError>,
{
    // The body, the message built from it and its encoding are held at once.
    let mut reservation = budget.reservation();
    let bytes = match collect_limited(body, max_bytes, &mut reservation).await {
        Ok(bytes) => bytes,
        Err(refused) => return refused,
    };
    let message = match (route.request)(&bytes, params) {
        Ok(message) => message,
        Err(error) => return error_response(&from_json(error)),
    };
    drop(bytes);
    let request = grpc_request(parts, route, Body::new(http_body_util::Full::new(frame(&message))));
    drop(message);
    drop(reservation);
    let response = match call(request).await {
        Ok(response) => response,
        Err(status) => return error_response(&status),
    };
    if let Some(status) = grpc_status(response.headers()) {
        return error_response(&status);
    }
    let collected = match response.into_body().collect().await {
        Ok(collected) => collected,
        Err(status) => return error_response(&status),
    };
    let status = collected.trailers().and_then(grpc_status);
    let mut buf = BytesMut::from(collected.to_bytes());
    match status {
        Some(status) if status.code() != Code::Ok => error_response(&status),
        _ => match next_message(&mut buf) {
            Ok(Some(message)) => match (route.response)(&message) {
                Ok(json) => json_response(StatusCode::OK, json),
                Err(e) => error_response(&Status::internal(e.to_string())),
            },
            Ok(None) => error_response(&Status::internal("the call answered no message")),
            Err(status) => error_response(&status),
        },
    }
}

/// The whole body, refused with 413 past `max_bytes` and with 429 when the
/// memory budget cannot hold it.
async fn collect_limited<B>(
    body: B,
    max_bytes: usize,
    reservation: &mut crate::memory::Reservation,
) -> Result<Bytes, http::Response<Body>>
where
    B: HttpBody<Data = Bytes> + Send + 'static,
    B::Error: Into<BoxError>,
{
    let too_large = || {
        let status =
            Status::resource_exhausted(format!("the body is larger than the message limit of {max_bytes} bytes"));
        error_response_as(StatusCode::PAYLOAD_TOO_LARGE, &status)
    };
    if body.size_hint().lower() > max_bytes as u64 {
        return Err(too_large());
    }
    let mut body = std::pin::pin!(body);
    let mut bytes = BytesMut::new();
    while let Some(frame) = body.frame().await {
        let frame = frame.map_err(|e| error_response(&invalid("body", &format!("cannot be read: {}", e.into()))))?;
        if let Ok(data) = frame.into_data() {
            if bytes.len() + data.len() > max_bytes {
                return Err(too_large());
            }
            // The body now, its message and encoding later: about three times.
            reservation
                .resize((bytes.len() + data.len()) * 3)
                .await
                .map_err(|e| error_response(&Status::resource_exhausted(e.to_string())))?;
            bytes.extend_from_slice(&data);
        }
    }
    Ok(bytes.freeze())
}

/// Where a JSON Lines body went wrong, for the answer to report instead of
/// the call's own view of a broken request stream.
type Failure = Arc<Mutex<Option<Status>>>;

pub async fn stream<C, F, B>(
    call: C,
    parts: http::request::Parts,
    body: B,
    route: &'static Route,
    max_bytes: usize,
) -> http::Response<Body>
where
    C: FnOnce(http::Request<Body>) -> F,
    F: Future<Output = Result<http::Response<Body>, Status>>,
    B: HttpBody<Data = Bytes> + Send + 'static,
    B::Error: Into<BoxError>,
{
    let failure: Failure = Arc::default();
    let frames = LinesToFrames {
        inner: Box::pin(body),
        convert: route.request,
        buf: BytesMut::new(),
        scanned: 0,
        line: 0,
        max_bytes,
        ended: false,
        failure: failure.clone(),
    };
    let request = grpc_request(parts, route, Body::new(frames));
    let failed = |status: Status| failure.lock().expect("not poisoned").take().unwrap_or(status);
    let response = match call(request).await {
        Ok(response) => response,
        Err(status) => return error_response(&failed(status)),
    };
    if let Some(status) = grpc_status(response.headers()) {
        return error_response(&failed(status));
    }
    // Wait for the first message or the end: an error before any message is
    // the answer's HTTP status.
    let mut body = response.into_body();
    let mut buf = BytesMut::new();
    let mut trailers = None;
    while whole_message(&buf).is_none() {
        match body.frame().await {
            Some(Ok(frame)) => match frame.into_data() {
                Ok(data) => buf.extend_from_slice(&data),
                Err(frame) => {
                    trailers = frame.into_trailers().ok();
                    break;
                }
            },
            Some(Err(status)) => return error_response(&failed(status)),
            None => break,
        }
    }
    if buf.is_empty()
        && let Some(status) = trailers.as_ref().and_then(grpc_status).filter(|s| s.code() != Code::Ok)
    {
        return error_response(&failed(status));
    }
    let lines = FramesToLines { inner: body, convert: route.response, buf, trailers, failure, done: false };
    let mut response = http::Response::new(Body::new(lines));
    response.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static(NDJSON));
    response
}

pin_project_lite::pin_project! {
    /// A JSON Lines body as gRPC frames, one line at a time.
    struct LinesToFrames<B> {
        inner: Pin<Box<B>>,
        convert: RequestFn,
        buf: BytesMut,
        // How much of `buf` holds no newline.
        scanned: usize,
        // Lines taken off so far.
        line: usize,
        max_bytes: usize,
        ended: bool,
        failure: Failure,
    }
}

impl<B> LinesToFrames<B> {
    fn fail(&self, status: Status) -> Poll<Option<Result<Frame<Bytes>, BoxError>>> {
        let message = status.message().to_owned();
        *self.failure.lock().expect("not poisoned") = Some(status);
        Poll::Ready(Some(Err(message.into())))
    }

    /// The frame of the next line, if `buf` holds a whole one.
    fn next_line(&mut self) -> Option<Result<Bytes, Status>> {
        loop {
            let end = match memchr::memchr(b'\n', &self.buf[self.scanned..]) {
                Some(at) => self.scanned + at + 1,
                None if self.ended && !self.buf.is_empty() => self.buf.len(),
                None => {
                    self.scanned = self.buf.len();
                    return None;
                }
            };
            let line = self.buf.split_to(end);
            self.scanned = 0;
            self.line += 1;
            let text = line.trim_ascii();
            if text.is_empty() {
                continue;
            }
            if text.len() > self.max_bytes {
                return Some(Err(self.too_long(self.line)));
            }
            return Some((self.convert)(text, &[]).map(|message| frame(&message)).map_err(|error| {
                let field = match error.field.as_str() {
                    "body" => format!("line {}", self.line),
                    path => format!("line {}: {path}", self.line),
                };
                invalid(&field, &error.description)
            }));
        }
    }

    /// Line `line` is over the message limit.
    fn too_long(&self, line: usize) -> Status {
        invalid(&format!("line {line}"), &format!("is longer than the message limit of {} bytes", self.max_bytes))
    }
}

impl<B> HttpBody for LinesToFrames<B>
where
    B: HttpBody<Data = Bytes>,
    B::Error: Into<BoxError>,
{
    type Data = Bytes;
    type Error = BoxError;

    fn poll_frame(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Result<Frame<Bytes>, BoxError>>> {
        let this = self.get_mut();
        loop {
            match this.next_line() {
                Some(Ok(frame)) => return Poll::Ready(Some(Ok(Frame::data(frame)))),
                Some(Err(status)) => return this.fail(status),
                None if this.ended => return Poll::Ready(None),
                None => {}
            }
            if this.buf.len() > this.max_bytes {
                return this.fail(this.too_long(this.line + 1));
            }
            match ready!(this.inner.as_mut().poll_frame(cx)) {
                Some(Ok(frame)) => {
                    if let Ok(data) = frame.into_data() {
                        this.buf.extend_from_slice(&data);
                    }
                }
                Some(Err(e)) => return this.fail(invalid("body", &format!("cannot be read: {}", e.into()))),
                None => this.ended = true,
            }
        }
    }
}

pin_project_lite::pin_project! {
    /// A gRPC response body as JSON Lines; a failed call's status as a last
    /// line `{"@error": …}`.
    struct FramesToLines {
        #[pin]
        inner: Body,
        convert: ResponseFn,
        buf: BytesMut,
        trailers: Option<http::HeaderMap>,
        failure: Failure,
        done: bool,
    }
}

fn line(mut json: Vec<u8>) -> Bytes {
    json.push(b'\n');
    Bytes::from(json)
}

impl FramesToLines {
    fn error_line(&mut self, status: Status) -> Poll<Option<Result<Frame<Bytes>, Status>>> {
        self.done = true;
        let status = self.failure.lock().expect("not poisoned").take().unwrap_or(status);
        let json = serde_json::json!({"@error": status_json(&status)});
        Poll::Ready(Some(Ok(Frame::data(line(json.to_string().into_bytes())))))
    }
}

impl HttpBody for FramesToLines {
    type Data = Bytes;
    type Error = Status;

    fn poll_frame(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Result<Frame<Bytes>, Status>>> {
        let this = self.get_mut();
        loop {
            if this.done {
                return Poll::Ready(None);
            }
            match next_message(&mut this.buf) {
                Ok(Some(message)) => {
                    return match (this.convert)(&message) {
                        Ok(json) => Poll::Ready(Some(Ok(Frame::data(line(json))))),
                        Err(e) => this.error_line(Status::internal(e.to_string())),
                    };
                }
                Ok(None) => {}
                Err(status) => return this.error_line(status),
            }
            if let Some(trailers) = this.trailers.take() {
                return match grpc_status(&trailers).filter(|s| s.code() != Code::Ok) {
                    Some(status) => this.error_line(status),
                    None => {
                        this.done = true;
                        Poll::Ready(None)
                    }
                };
            }
            match ready!(Pin::new(&mut this.inner).poll_frame(cx)) {
                Some(Ok(frame)) => match frame.into_data() {
                    Ok(data) => this.buf.extend_from_slice(&data),
                    Err(frame) => this.trailers = Some(frame.into_trailers().unwrap_or_default()),
                },
                Some(Err(status)) => return this.error_line(status),
                None => {
                    this.done = true;
                    if !this.buf.is_empty() {
                        return this.error_line(Status::internal("the response ended inside a message"));
                    }
                    return Poll::Ready(None);
                }
            }
        }
    }
}
