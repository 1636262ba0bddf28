//! JSON bodies to gRPC calls and back: a unary body becomes one framed
//! message, a JSON Lines body a stream of them (a line at a time, never the
//! whole body in memory); the response's messages become a JSON object or
//! JSON Lines, its status the HTTP status (the first line of a stream decides
//! it: a call that fails before answering gets its error status, one that
//! fails later ends with a line `{"@error": …}`, a key no message has).

use std::borrow::Cow;
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

use super::BoxError;
use super::status::{self, error_response, error_response_as, invalid, json_response, status_json};
use crate::http::json::{JsonError, RequestFn, ResponseFn, Route};
use indikator_app::memory::{MemoryBudget, PolledReservation};

const NDJSON: &str = "application/x-ndjson";

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
        return Err(status::unreadable_answer("the response was compressed"));
    }
    let mut message = buf.split_to(len);
    message.advance(5);
    Ok(Some(message.freeze()))
}

/// The status a response's headers or trailers carry, if any.
fn grpc_status(headers: &http::HeaderMap) -> Option<Status> {
    headers.get("grpc-status")?;
    Some(Status::from_header_map(headers).unwrap_or_else(status::unreadable_grpc_status))
}

/// A unary call: the JSON body is read and converted only when the call reads
/// its request ([`JsonToMessage`]), so a call the authorization layer refuses
/// costs no body bytes, no reservation and no parse.
pub(super) async fn unary<C, F, B>(
    call: C,
    parts: http::request::Parts,
    body: B,
    route: &'static Route,
    params: Vec<(Cow<'static, str>, Cow<'static, str>)>,
    max_bytes: usize,
    budget: &MemoryBudget,
) -> http::Response<Body>
where
    C: FnOnce(http::Request<Body>) -> F,
    F: Future<Output = Result<http::Response<Body>, Status>>,
    B: HttpBody<Data = Bytes> + Send + 'static,
    B::Error: Into<BoxError>,
{
    let failure: Failure = Arc::default();
    let json = JsonToMessage {
        inner: Box::pin(body),
        convert: route.request,
        params,
        buf: BytesMut::new(),
        pending: None,
        max_bytes,
        reservation: PolledReservation::new(budget.reservation()),
        failure: failure.clone(),
        done: false,
    };
    let request = grpc_request(parts, route, Body::new(json));
    let failed = |status: Status| refused(&failure, status);
    let response = match call(request).await {
        Ok(response) => response,
        Err(status) => return failed(status),
    };
    if let Some(status) = grpc_status(response.headers()) {
        return failed(status);
    }
    let collected = match response.into_body().collect().await {
        Ok(collected) => collected,
        Err(status) => return failed(status),
    };
    let status = collected.trailers().and_then(grpc_status);
    let mut buf = BytesMut::from(collected.to_bytes());
    match status {
        Some(status) if status.code() != Code::Ok => failed(status),
        _ => match next_message(&mut buf) {
            Ok(Some(message)) => match (route.response)(&message) {
                Ok(json) => json_response(StatusCode::OK, json),
                Err(e) => error_response(&status::unreadable_answer(e)),
            },
            Ok(None) => error_response(&status::unreadable_answer("the call answered no message")),
            Err(status) => error_response(&status),
        },
    }
}

/// The answer to a call that failed with `status`: what the request body
/// recorded, when it went wrong, else `status`.
fn refused(failure: &Failure, status: Status) -> http::Response<Body> {
    match failure.lock().expect("not poisoned").take() {
        Some(Refusal { status, http: Some(http) }) => error_response_as(http, &status),
        Some(Refusal { status, http: None }) => error_response(&status),
        None => error_response(&status),
    }
}

pin_project_lite::pin_project! {
    /// A unary JSON body as the one gRPC frame of its message: read whole
    /// (refused past the message limit, with 413), reserving about three times
    /// its bytes from the memory budget while it arrives and is converted
    /// (the text, the message built from it and its encoding), when the call
    /// first reads it.
    struct JsonToMessage<B> {
        inner: Pin<Box<B>>,
        convert: RequestFn,
        params: Vec<(Cow<'static, str>, Cow<'static, str>)>,
        buf: BytesMut,
        // Bytes read, held back until the reservation covers them.
        pending: Option<Bytes>,
        max_bytes: usize,
        reservation: PolledReservation,
        failure: Failure,
        done: bool,
    }
}

/// The body ended its call with `status` (and, where the gRPC mapping's
/// status is not the right answer, this HTTP status).
type BodyPoll = Poll<Option<Result<Frame<Bytes>, BoxError>>>;

fn fail(failure: &Failure, status: Status, http: Option<StatusCode>) -> BodyPoll {
    let error: BoxError = Box::new(status.clone());
    *failure.lock().expect("not poisoned") = Some(Refusal { status, http });
    Poll::Ready(Some(Err(error)))
}

impl<B> HttpBody for JsonToMessage<B>
where
    B: HttpBody<Data = Bytes>,
    B::Error: Into<BoxError>,
{
    type Data = Bytes;
    type Error = BoxError;

    fn poll_frame(self: Pin<&mut Self>, cx: &mut Context<'_>) -> BodyPoll {
        let this = self.get_mut();
        loop {
            if this.done {
                return Poll::Ready(None);
            }
            if let Some(data) = &this.pending {
                let wanted = (this.buf.len() + data.len()).saturating_mul(3);
                if let Err(exhausted) = ready!(this.reservation.poll_resize(wanted, cx)) {
                    this.done = true;
                    return fail(&this.failure, crate::grpc::status::out_of_memory(exhausted), None);
                }
                this.buf.extend_from_slice(&this.pending.take().expect("checked"));
            }
            match ready!(this.inner.as_mut().poll_frame(cx)) {
                Some(Ok(frame)) => {
                    if let Ok(data) = frame.into_data() {
                        if this.buf.len() + data.len() > this.max_bytes {
                            this.done = true;
                            let status = status::body_too_large(this.max_bytes);
                            return fail(&this.failure, status, Some(StatusCode::PAYLOAD_TOO_LARGE));
                        }
                        this.pending = Some(data);
                    }
                }
                Some(Err(e)) => {
                    this.done = true;
                    let status = invalid("body", &format!("cannot be read: {}", e.into()));
                    return fail(&this.failure, status, None);
                }
                None => {
                    this.done = true;
                    let converted = (this.convert)(&this.buf, &this.params);
                    this.buf = BytesMut::new();
                    return match converted {
                        Ok(message) => {
                            let framed = frame(&message);
                            drop(message);
                            // The frame is the call's now: the middleware reserves it.
                            this.reservation.shrink(0);
                            Poll::Ready(Some(Ok(Frame::data(framed))))
                        }
                        Err(error) => fail(&this.failure, from_json(error), None),
                    };
                }
            }
        }
    }
}

/// Where a JSON body went wrong, for the answer to report instead of the
/// call's own view of a broken request.
type Failure = Arc<Mutex<Option<Refusal>>>;

/// A JSON body's refusal: its status, and the HTTP status when not the
/// status's own.
struct Refusal {
    status: Status,
    http: Option<StatusCode>,
}

pub(super) async fn stream<C, F, B>(
    call: C,
    parts: http::request::Parts,
    body: B,
    route: &'static Route,
    max_bytes: usize,
    budget: &MemoryBudget,
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
        pending: None,
        scanned: 0,
        line: 0,
        max_bytes,
        reservation: PolledReservation::new(budget.reservation()),
        ended: false,
        failure: failure.clone(),
    };
    let request = grpc_request(parts, route, Body::new(frames));
    let failed = |status: Status| match failure.lock().expect("not poisoned").take() {
        Some(refusal) => refusal.status,
        None => status,
    };
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
    /// A JSON Lines body as gRPC frames, one line at a time. The line being
    /// read is reserved from the memory budget as it grows (twice its bytes:
    /// the text and its conversion), and refused once it is longer than the
    /// message limit.
    struct LinesToFrames<B> {
        inner: Pin<Box<B>>,
        convert: RequestFn,
        buf: BytesMut,
        // Bytes read, held back until the reservation covers them.
        pending: Option<Bytes>,
        reservation: PolledReservation,
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
    fn fail(&mut self, status: Status) -> BodyPoll {
        self.ended = true;
        self.buf = BytesMut::new();
        self.pending = None;
        self.reservation.shrink(0);
        fail(&self.failure, status, None)
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

    fn poll_frame(self: Pin<&mut Self>, cx: &mut Context<'_>) -> BodyPoll {
        let this = self.get_mut();
        loop {
            if let Some(data) = &this.pending {
                let wanted = (this.buf.len() + data.len()).saturating_mul(2);
                if let Err(exhausted) = ready!(this.reservation.poll_resize(wanted, cx)) {
                    return this.fail(crate::grpc::status::out_of_memory(exhausted));
                }
                this.buf.extend_from_slice(&this.pending.take().expect("checked"));
            }
            match this.next_line() {
                Some(Ok(frame)) => {
                    this.reservation.shrink(this.buf.len().saturating_mul(2));
                    return Poll::Ready(Some(Ok(Frame::data(frame))));
                }
                Some(Err(status)) => return this.fail(status),
                None if this.ended => return Poll::Ready(None),
                None => {}
            }
            if this.buf.len() > this.max_bytes {
                let status = this.too_long(this.line + 1);
                return this.fail(status);
            }
            match ready!(this.inner.as_mut().poll_frame(cx)) {
                Some(Ok(frame)) => {
                    if let Ok(data) = frame.into_data() {
                        this.pending = Some(data);
                    }
                }
                Some(Err(e)) => {
                    let status = invalid("body", &format!("cannot be read: {}", e.into()));
                    return this.fail(status);
                }
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
        let status = match self.failure.lock().expect("not poisoned").take() {
            Some(refusal) => refusal.status,
            None => status,
        };
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
                        Err(e) => this.error_line(status::unreadable_answer(e)),
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
                        return this.error_line(status::unreadable_answer("the response ended inside a message"));
                    }
                    return Poll::Ready(None);
                }
            }
        }
    }
}
