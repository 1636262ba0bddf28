//! The two codecs of the service's methods. [`RawCodec`] hands on a request
//! message's bytes undecoded, for the methods [`super::IndicatorRoutes`]
//! reads straight into validation's view (Score, ScoreStream, ScoreRound,
//! CompareRounds). [`BoundedCodec`], the generated server's codec, serves the
//! rest: it decodes a request only after the wire check of
//! [`decode_bounded`], and refuses one that fails it with INVALID_ARGUMENT
//! naming the field. [`RawCodec`] sends answers already written as their
//! bytes ([`indikator_app::encode`]); [`BoundedCodec`] encodes them with prost.

use std::marker::PhantomData;

use bytes::{Buf, BufMut, Bytes};
use indikator_app::proto::wire::decode_bounded;
use prost::Message;
use tonic::Status;
use tonic::codec::{Codec, DecodeBuf, Decoder, EncodeBuf, Encoder};

use super::status::undecodable;

/// [`tonic_prost::ProstCodec`] with the request bounds of
/// [`indikator_app::proto::wire`].
#[derive(Debug, Clone, Copy)]
pub(crate) struct BoundedCodec<T, U>(PhantomData<(T, U)>);

impl<T, U> Default for BoundedCodec<T, U> {
    fn default() -> Self {
        Self(PhantomData)
    }
}

impl<T, U> Codec for BoundedCodec<T, U>
where
    T: Message + Send + 'static,
    U: Message + Default + Send + 'static,
{
    type Encode = T;
    type Decode = U;
    type Encoder = Encode<T>;
    type Decoder = BoundedDecoder<U>;

    fn encoder(&mut self) -> Self::Encoder {
        Encode(PhantomData)
    }

    fn decoder(&mut self) -> Self::Decoder {
        BoundedDecoder(PhantomData)
    }
}

/// Encodes with prost.
#[derive(Debug)]
pub(crate) struct Encode<T>(PhantomData<T>);

impl<T: Message> Encoder for Encode<T> {
    type Item = T;
    type Error = Status;

    fn encode(&mut self, item: Self::Item, buf: &mut EncodeBuf<'_>) -> Result<(), Self::Error> {
        item.encode(buf).map_err(super::status::encoding_failed)
    }
}

/// Decodes with prost after the wire check; a message that fails it (a
/// streamed record included) fails the call.
#[derive(Debug)]
pub(crate) struct BoundedDecoder<U>(PhantomData<U>);

impl<U: Message + Default + 'static> Decoder for BoundedDecoder<U> {
    type Item = U;
    type Error = Status;

    fn decode(&mut self, buf: &mut DecodeBuf<'_>) -> Result<Option<Self::Item>, Self::Error> {
        // A message is one contiguous buffer (tonic's decode buffer).
        let bytes = buf.chunk();
        debug_assert_eq!(bytes.len(), buf.remaining());
        let decoded = decode_bounded::<U>(bytes);
        buf.advance(buf.remaining());
        decoded.map(Some).map_err(|(_, problem)| undecodable(&problem))
    }
}

/// A codec that hands on each request message's bytes undecoded (the
/// gRPC layer's handlers read them) and sends answers already written as
/// their bytes ([`indikator_app::encode`]).
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct RawCodec;

impl Codec for RawCodec {
    type Encode = Bytes;
    type Decode = Bytes;
    type Encoder = Written;
    type Decoder = RawDecoder;

    fn encoder(&mut self) -> Self::Encoder {
        Written
    }

    fn decoder(&mut self) -> Self::Decoder {
        RawDecoder
    }
}

/// Answers already written as their bytes, copied into the frame.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Written;

impl Encoder for Written {
    type Item = Bytes;
    type Error = Status;

    fn encode(&mut self, item: Self::Item, buf: &mut EncodeBuf<'_>) -> Result<(), Self::Error> {
        buf.put(item);
        Ok(())
    }
}

/// A message's bytes, shared with the receive buffer (no copy).
#[derive(Debug, Clone, Copy)]
pub(crate) struct RawDecoder;

impl Decoder for RawDecoder {
    type Item = Bytes;
    type Error = Status;

    fn decode(&mut self, buf: &mut DecodeBuf<'_>) -> Result<Option<Self::Item>, Self::Error> {
        Ok(Some(buf.copy_to_bytes(buf.remaining())))
    }
}
