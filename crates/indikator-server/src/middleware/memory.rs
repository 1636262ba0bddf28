//! Memory: a request body reserves from the server's [`MemoryBudget`] what its
//! messages will hold while they arrive and are decoded, read from the gRPC
//! frame lengths ([`RequestBody`]). A body that cannot grow waits briefly for
//! memory to be freed, then fails its call with RESOURCE_EXHAUSTED. Health
//! calls are exempt.

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

use http_body::{Body as HttpBody, Frame, SizeHint};
use tonic::body::Body;
use tower::{Layer, Service};

use super::{BoxError, HEALTH, method_of, take_ready};
use indikator_app::memory::{Exhausted, MemoryBudget, Reservation};

#[derive(Clone)]
pub struct MemoryLayer {
    budget: MemoryBudget,
    /// The server's message limit: what a compressed message may decompress to.
    max_message_bytes: usize,
}

impl MemoryLayer {
    pub fn new(budget: MemoryBudget, max_message_bytes: usize) -> Self {
        Self { budget, max_message_bytes }
    }

    pub fn with_max_message_bytes(mut self, bytes: usize) -> Self {
        self.max_message_bytes = bytes;
        self
    }
}

impl<S> Layer<S> for MemoryLayer {
    type Service = Memory<S>;

    fn layer(&self, inner: S) -> Self::Service {
        Memory { inner, layer: self.clone() }
    }
}

#[derive(Clone)]
pub struct Memory<S> {
    inner: S,
    layer: MemoryLayer,
}

impl<S> Service<http::Request<Body>> for Memory<S>
where
    S: Service<http::Request<Body>, Response = http::Response<Body>> + Clone + Send + 'static,
    S::Future: Send + 'static,
    S::Error: Send,
{
    type Response = http::Response<Body>;
    type Error = S::Error;
    // Only the request changes: the inner service's own future, unboxed.
    type Future = S::Future;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, request: http::Request<Body>) -> Self::Future {
        let mut inner = take_ready(&mut self.inner);
        if method_of(&request).service == HEALTH {
            return inner.call(request);
        }
        let cost = MessageCost::for_request(request.headers(), self.layer.max_message_bytes);
        let reservation = self.layer.budget.reservation();
        inner.call(request.map(|body| Body::new(RequestBody::new(body, cost, reservation))))
    }
}

/// What a request message holds while it is decoded, from its frame header.
#[derive(Debug, Clone, Copy)]
struct MessageCost {
    /// `grpc-encoding` of the request: gzip, zstd or none.
    compression: Compression,
    max_message_bytes: usize,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Compression {
    None,
    /// Deflate expands at most 1,032 times.
    Gzip,
    /// Bounded only by the message limit.
    Other,
}

/// Bytes one decoded list element may take beyond its wire bytes (the
/// largest request message element is well under this).
const BYTES_PER_ELEMENT: usize = 96;

impl MessageCost {
    fn for_request(headers: &http::HeaderMap, max_message_bytes: usize) -> Self {
        let compression = match headers.get("grpc-encoding").map(|v| v.as_bytes()) {
            None | Some(b"identity") => Compression::None,
            Some(b"gzip") => Compression::Gzip,
            Some(_) => Compression::Other,
        };
        Self { compression, max_message_bytes }
    }

    /// Bytes a complete message of `len` wire bytes holds while it is
    /// decoded: its buffer, the decompressed copy and growth room, the decoded
    /// strings and the decoded elements (bounded by the wire scan, see
    /// [`indikator_app::proto::wire`]).
    fn complete(&self, len: usize, compressed: bool) -> usize {
        let plain = match (compressed, self.compression) {
            (false, _) | (true, Compression::None) => len,
            (true, Compression::Gzip) => len.saturating_mul(1032).min(self.max_message_bytes),
            (true, Compression::Other) => self.max_message_bytes,
        };
        let decompressed = if compressed { 2 * plain } else { 0 };
        let elements = (plain / 2).min(indikator_app::proto::wire::MAX_ELEMENTS) * BYTES_PER_ELEMENT;
        len + decompressed + plain + elements
    }
}

/// The gRPC framing of a request body as its bytes pass: the header of the
/// message being read and how much of it has arrived.
#[derive(Debug, Default)]
pub(super) struct Framing {
    // Header bytes of the message being read (5 when complete).
    header: [u8; 5],
    header_len: usize,
    // Bytes of the current message still to come.
    remaining: usize,
    // Bytes of the current message so far.
    received: usize,
}

impl Framing {
    /// Reads the framing in `data`; for each message it completes, adds what
    /// `complete(message bytes, compressed)` says. Returns the messages
    /// completed and that sum.
    pub(super) fn scan(&mut self, data: &[u8], mut complete: impl FnMut(usize, bool) -> usize) -> (usize, usize) {
        let (mut messages, mut sum) = (0, 0);
        let mut at = 0;
        while at < data.len() {
            if self.header_len < 5 {
                let take = (5 - self.header_len).min(data.len() - at);
                self.header[self.header_len..self.header_len + take].copy_from_slice(&data[at..at + take]);
                self.header_len += take;
                at += take;
                if self.header_len == 5 {
                    let h = self.header;
                    self.remaining = u32::from_be_bytes([h[1], h[2], h[3], h[4]]) as usize;
                    self.received = 0;
                } else {
                    break;
                }
            }
            let take = self.remaining.min(data.len() - at);
            self.remaining -= take;
            self.received += take;
            at += take;
            if self.remaining == 0 {
                messages += 1;
                sum += complete(self.received, self.header[0] == 1);
                self.header_len = 0;
                self.received = 0;
            }
        }
        (messages, sum)
    }

    /// Bytes of the message being read so far.
    fn received(&self) -> usize {
        self.received
    }
}

pin_project_lite::pin_project! {
    /// A request body that reserves what its messages hold from the memory
    /// budget.
    ///
    /// It reads the gRPC framing as the bytes pass: while a message arrives
    /// it holds its bytes so far; once complete, what decoding it takes
    /// ([`MessageCost::complete`]). The decoder asks for more bytes only
    /// after it has handed every complete message on, so complete messages
    /// are released at the next poll.
    struct RequestBody {
        #[pin]
        inner: Body,
        cost: MessageCost,
        reservation: Option<Reservation>,
        framing: Framing,
        // What complete messages not yet handed on hold.
        complete: usize,
        // A reservation being grown: it waits for memory to be freed.
        growing: Option<Growing>,
        // A frame held back until its reservation succeeds.
        held: Option<Frame<bytes::Bytes>>,
    }
}

impl RequestBody {
    fn new(inner: Body, cost: MessageCost, reservation: Reservation) -> Self {
        Self {
            inner,
            cost,
            reservation: Some(reservation),
            framing: Framing::default(),
            complete: 0,
            growing: None,
            held: None,
        }
    }
}

/// A reservation growing while it waits for memory to be freed.
type Growing = Pin<Box<dyn Future<Output = (Reservation, Result<(), Exhausted>)> + Send>>;

/// Polls a reservation that waits for memory: the frame held back once it has
/// grown, RESOURCE_EXHAUSTED when it could not.
fn poll_growing(
    growing: &mut Option<Growing>,
    reservation: &mut Option<Reservation>,
    held: &mut Option<Frame<bytes::Bytes>>,
    cx: &mut Context<'_>,
) -> Poll<Option<Result<Frame<bytes::Bytes>, BoxError>>> {
    let (grown_into, grown) = std::task::ready!(growing.as_mut().expect("a growing reservation").as_mut().poll(cx));
    *growing = None;
    *reservation = Some(grown_into);
    Poll::Ready(match grown {
        Ok(()) => held.take().map(Ok),
        Err(exhausted) => Some(Err(Box::new(crate::grpc::status::out_of_memory(exhausted)))),
    })
}

impl HttpBody for RequestBody {
    type Data = bytes::Bytes;
    type Error = BoxError;

    fn poll_frame(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Result<Frame<Self::Data>, Self::Error>>> {
        let mut this = self.project();
        if this.growing.is_some() {
            return poll_growing(this.growing, this.reservation, this.held, cx);
        }
        // Asked for more: every complete message has been decoded and handed on.
        *this.complete = 0;
        if let Some(r) = this.reservation.as_mut() {
            let _ = r.try_resize(this.framing.received());
        }
        let frame = match std::task::ready!(this.inner.as_mut().poll_frame(cx)) {
            None => return Poll::Ready(None),
            Some(Err(e)) => return Poll::Ready(Some(Err(e.into()))),
            Some(Ok(frame)) => frame,
        };
        let Some(data) = frame.data_ref() else {
            return Poll::Ready(Some(Ok(frame)));
        };
        let cost = *this.cost;
        *this.complete += this.framing.scan(data, |len, compressed| cost.complete(len, compressed)).1;
        let wanted = *this.complete + this.framing.received();
        let Some(reservation) = this.reservation.as_mut() else {
            return Poll::Ready(Some(Ok(frame)));
        };
        if reservation.try_resize(wanted).is_ok() {
            return Poll::Ready(Some(Ok(frame)));
        }
        // Wait for memory, holding the frame back.
        let mut reservation = this.reservation.take().expect("checked");
        *this.held = Some(frame);
        *this.growing = Some(Box::pin(async move {
            let grown = reservation.resize(wanted).await;
            (reservation, grown)
        }));
        poll_growing(this.growing, this.reservation, this.held, cx)
    }

    fn is_end_stream(&self) -> bool {
        self.held.is_none() && self.growing.is_none() && self.inner.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.inner.size_hint()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn framing_counts_messages_split_anywhere_across_frames() {
        let mut bytes = Vec::new();
        for len in [3u32, 0, 70_000] {
            bytes.push(0);
            bytes.extend_from_slice(&len.to_be_bytes());
            bytes.extend(std::iter::repeat_n(7u8, len as usize));
        }
        for cut in [1, 2, 4, 5, 6, 9, 1000] {
            let mut framing = Framing::default();
            let (mut messages, mut bytes_in) = (0, 0);
            for chunk in bytes.chunks(cut) {
                let (m, sum) = framing.scan(chunk, |len, _| len);
                messages += m;
                bytes_in += sum;
            }
            assert_eq!((messages, bytes_in), (3, 70_003), "chunks of {cut}");
        }
    }
}
