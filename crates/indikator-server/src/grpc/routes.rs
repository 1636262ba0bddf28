//! `indikator.v1.IndicatorService` as the server mounts it, with one decode
//! path per method:
//!
//! | method | path |
//! |---|---|
//! | Score, ScoreStream, ScoreRound, CompareRounds | [`RawCodec`] hands on each request message's bytes; [`indikator_app::decode`] reads a record straight into validation's view, and any encoding it does not take (a field repeated, an unknown field, malformed bytes) through [`decode_bounded`] and the same validation, which gives the same results and errors |
//! | GetMethodology | the generated server, decoding with [`super::codec::BoundedCodec`] |
//!
//! The generated handlers of the four byte-read methods are never reached
//! and refuse the call (`service.rs`). Their answers go out as the bytes
//! [`indikator_app::encode`] writes (score results straight from the core's).

use std::convert::Infallible;
use std::task::{Context, Poll};

use bytes::Bytes;
use futures::StreamExt;
use tonic::codec::{CompressionEncoding, EnabledCompressionEncodings, Streaming};
use tonic::codegen::{BoxFuture, http};
use tonic::server::{Grpc, NamedService, StreamingService, UnaryService};
use tonic::{Request, Response, Status};

use super::codec::RawCodec;
use super::indicator_service_server::IndicatorServiceServer;
use super::service::{IndicatorApi, ResponseStream};
use super::status::undecodable;
use indikator_app::decode::{self, CompareItem, Record, RoundItem};
use indikator_app::proto::v1 as pb;
use indikator_app::proto::wire::decode_bounded;
use indikator_app::validate;

const SCORE: &str = "/indikator.v1.IndicatorService/Score";
const SCORE_STREAM: &str = "/indikator.v1.IndicatorService/ScoreStream";
const SCORE_ROUND: &str = "/indikator.v1.IndicatorService/ScoreRound";
const COMPARE_ROUNDS: &str = "/indikator.v1.IndicatorService/CompareRounds";

/// The compression the service accepts and sends: gzip and zstd.
const COMPRESSION: [CompressionEncoding; 2] = [CompressionEncoding::Gzip, CompressionEncoding::Zstd];

/// The service with its message limit and compression, as the server mounts it.
#[derive(Debug, Clone)]
pub struct IndicatorRoutes {
    api: IndicatorApi,
    generated: IndicatorServiceServer<IndicatorApi>,
    max_message_bytes: usize,
}

impl IndicatorRoutes {
    pub fn new(api: IndicatorApi, max_message_bytes: usize) -> Self {
        let mut generated = IndicatorServiceServer::new(api.clone())
            .max_decoding_message_size(max_message_bytes)
            .max_encoding_message_size(max_message_bytes);
        for encoding in COMPRESSION {
            generated = generated.accept_compressed(encoding).send_compressed(encoding);
        }
        Self { api, generated, max_message_bytes }
    }

    fn grpc(&self) -> Grpc<RawCodec> {
        let mut encodings = EnabledCompressionEncodings::default();
        for encoding in COMPRESSION {
            encodings.enable(encoding);
        }
        Grpc::new(RawCodec)
            .apply_compression_config(encodings, encodings)
            .apply_max_message_size_config(Some(self.max_message_bytes), Some(self.max_message_bytes))
    }
}

impl NamedService for IndicatorRoutes {
    const NAME: &'static str = <IndicatorServiceServer<IndicatorApi> as NamedService>::NAME;
}

impl<B> tower::Service<http::Request<B>> for IndicatorRoutes
where
    B: http_body::Body + Send + 'static,
    B::Error: Into<tonic::codegen::StdError> + Send + 'static,
{
    type Response = http::Response<tonic::body::Body>;
    type Error = Infallible;
    type Future = BoxFuture<Self::Response, Self::Error>;

    fn poll_ready(&mut self, _cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, request: http::Request<B>) -> Self::Future {
        let api = self.api.clone();
        match request.uri().path() {
            SCORE => {
                let mut grpc = self.grpc();
                Box::pin(async move { Ok(grpc.unary(Score(api), request).await) })
            }
            SCORE_STREAM => {
                let mut grpc = self.grpc();
                Box::pin(async move { Ok(grpc.streaming(ScoreStream(api), request).await) })
            }
            SCORE_ROUND => {
                let mut grpc = self.grpc();
                Box::pin(async move { Ok(grpc.streaming(ScoreRound(api), request).await) })
            }
            COMPARE_ROUNDS => {
                let mut grpc = self.grpc();
                Box::pin(async move { Ok(grpc.streaming(CompareRounds(api), request).await) })
            }
            _ => self.generated.call(request),
        }
    }
}

struct Score(IndicatorApi);

impl UnaryService<Bytes> for Score {
    type Response = Bytes;
    type Future = BoxFuture<Response<Self::Response>, Status>;

    fn call(&mut self, request: Request<Bytes>) -> Self::Future {
        let api = self.0.clone();
        Box::pin(async move {
            let bytes = request.into_inner();
            let catalogues = api.catalogues();
            let validated = match decode::score_request(&bytes) {
                Some(view) => validate::survey_response_view(view.as_ref(), "response", catalogues),
                None => {
                    let request =
                        decode_bounded::<pb::ScoreRequest>(&bytes).map_err(|(_, problem)| undecodable(&problem))?;
                    validate::survey_response(request.response.as_ref(), "response", catalogues)
                }
            };
            api.score_response(validated)
        })
    }
}

struct ScoreStream(IndicatorApi);

impl StreamingService<Bytes> for ScoreStream {
    type Response = Bytes;
    type ResponseStream = ResponseStream<Bytes>;
    type Future = BoxFuture<Response<Self::ResponseStream>, Status>;

    fn call(&mut self, request: Request<Streaming<Bytes>>) -> Self::Future {
        let api = self.0.clone();
        Box::pin(async move {
            let catalogues = api.catalogues().clone();
            let records = request
                .into_inner()
                .map(move |bytes| bytes.map(|bytes| Record::from_stream_bytes(&bytes, &catalogues)));
            Ok(Response::new(api.score_records(records)))
        })
    }
}

struct ScoreRound(IndicatorApi);

impl StreamingService<Bytes> for ScoreRound {
    type Response = Bytes;
    type ResponseStream = ResponseStream<Bytes>;
    type Future = BoxFuture<Response<Self::ResponseStream>, Status>;

    fn call(&mut self, request: Request<Streaming<Bytes>>) -> Self::Future {
        let api = self.0.clone();
        Box::pin(async move {
            let catalogues = api.catalogues().clone();
            let items = request.into_inner().map(|bytes| bytes.map(|bytes| RoundItem::from_bytes(&bytes, &catalogues)));
            api.fold_and_answer(items).await.map(Response::new)
        })
    }
}

struct CompareRounds(IndicatorApi);

impl StreamingService<Bytes> for CompareRounds {
    type Response = Bytes;
    type ResponseStream = ResponseStream<Bytes>;
    type Future = BoxFuture<Response<Self::ResponseStream>, Status>;

    fn call(&mut self, request: Request<Streaming<Bytes>>) -> Self::Future {
        let api = self.0.clone();
        Box::pin(async move {
            let catalogues = api.catalogues().clone();
            let items =
                request.into_inner().map(|bytes| bytes.map(|bytes| CompareItem::from_bytes(&bytes, &catalogues)));
            api.compare_and_answer(items).await.map(Response::new)
        })
    }
}
