//! The bare stack for the streaming and unary paths: a tonic server with the
//! same transport settings as indikator that answers without doing any work.
//!
//! `bare.v1.Bare` has one method per shape the load tool measures. It never
//! decodes a request and answers with bytes encoded once at start: the real
//! answers indikator gives to the load tool's requests (a `ScoreResponse`, a
//! `ScoreStreamResponse`, a score card and a summary of a one-record round), so
//! both servers move the same bytes in both directions and the difference
//! between them is indikator's own work (decode, validation, scoring, encode).
//!
//! * `Unary`: one request, the Score answer.
//! * `Stream`: the ScoreStream answer per request, in order, lazily.
//! * `Round`: reads every request, then the card `n` times and the summary
//!   (with its accounting set to `n`), as indikator's `ScoreRound` does.
//!
//! The same tonic `Server` builder settings as `indikator_server::run` that
//! matter to throughput: TCP_NODELAY on accepted sockets, default HTTP/2
//! windows, plus `grpc.health.v1.Health` so the spawn logic can poll SERVING.

use std::convert::Infallible;
use std::sync::Arc;
use std::task::{Context, Poll};

use bytes::Bytes;
use futures::StreamExt;
use futures::future::BoxFuture;
use indikator_app::proto::v1 as pb;
use prost::Message;
use tonic::body::Body;
use tonic::server::{NamedService, StreamingService, UnaryService};
use tonic::{Request, Response, Status, Streaming};

use super::RawCodec;

pub const UNARY: &str = "/bare.v1.Bare/Unary";
pub const STREAM: &str = "/bare.v1.Bare/Stream";
pub const ROUND: &str = "/bare.v1.Bare/Round";

/// The answers, encoded once.
#[derive(Debug)]
pub struct Answers {
    /// What `Score` answers to the example request.
    pub score: Bytes,
    /// What `ScoreStream` answers to one example record.
    pub stream: Bytes,
    /// One score card of a round of example records.
    pub card: Bytes,
    /// The summary of a one-record round of the example.
    pub summary: pb::RoundSummary,
}

impl Answers {
    /// Computed by indikator's own code from the load tool's requests.
    pub async fn of_example(request: pb::ScoreRequest, round_record: Bytes, round_header: Bytes) -> Self {
        let validated =
            indikator_testing::survey_response(request.response.as_ref(), "response").expect("the example is valid");
        let score = pb::ScoreResponse { results: Some(indikator_testing::score_validated(&validated)) };
        let stream = indikator_testing::score_stream_record(
            0,
            pb::ScoreStreamRequest { record_id: "s".into(), response: request.response },
        );
        let messages = futures::stream::iter([round_header, round_record])
            .map(|b| pb::ScoreRoundRequest::decode(b).map_err(|e| Status::internal(e.to_string())));
        let limits = indikator_core::round::RoundLimits { max_records: 1 };
        let report = indikator_testing::fold_round(Box::pin(messages), limits).await.expect("a one-record round");
        let mut out = indikator_app::round_fold::RoundOutput::new(report);
        let card = out.next().expect("a score card");
        assert!(matches!(card.item, Some(pb::score_round_response::Item::ScoreCard(_))), "first comes the card");
        let summary = match out.next().and_then(|m| m.item) {
            Some(pb::score_round_response::Item::Summary(s)) => s,
            other => panic!("a one-record round ends with its summary, not {other:?}"),
        };
        Self {
            score: score.encode_to_vec().into(),
            stream: stream.encode_to_vec().into(),
            card: card.encode_to_vec().into(),
            summary,
        }
    }

    fn summary_of(&self, records: u64) -> Bytes {
        let mut summary = self.summary.clone();
        let accounting = summary.accounting.get_or_insert_with(Default::default);
        accounting.received = records;
        accounting.scored = records;
        pb::ScoreRoundResponse { item: Some(pb::score_round_response::Item::Summary(summary)) }.encode_to_vec().into()
    }
}

/// The `bare.v1.Bare` service.
#[derive(Debug, Clone)]
pub struct Bare(pub Arc<Answers>);

impl NamedService for Bare {
    const NAME: &'static str = "bare.v1.Bare";
}

type BodyStream = futures::stream::BoxStream<'static, Result<Bytes, Status>>;

struct UnarySvc(Arc<Answers>);

impl UnaryService<Bytes> for UnarySvc {
    type Response = Bytes;
    type Future = futures::future::Ready<Result<Response<Bytes>, Status>>;

    fn call(&mut self, _request: Request<Bytes>) -> Self::Future {
        futures::future::ready(Ok(Response::new(self.0.score.clone())))
    }
}

struct StreamSvc(Arc<Answers>);

impl StreamingService<Bytes> for StreamSvc {
    type Response = Bytes;
    type ResponseStream = BodyStream;
    type Future = futures::future::Ready<Result<Response<BodyStream>, Status>>;

    fn call(&mut self, request: Request<Streaming<Bytes>>) -> Self::Future {
        let answer = self.0.stream.clone();
        let out = request.into_inner().map(move |m| m.map(|_| answer.clone()));
        futures::future::ready(Ok(Response::new(out.boxed())))
    }
}

struct RoundSvc(Arc<Answers>);

impl StreamingService<Bytes> for RoundSvc {
    type Response = Bytes;
    type ResponseStream = BodyStream;
    type Future = BoxFuture<'static, Result<Response<BodyStream>, Status>>;

    fn call(&mut self, request: Request<Streaming<Bytes>>) -> Self::Future {
        let answers = self.0.clone();
        Box::pin(async move {
            let mut inbound = request.into_inner();
            let mut messages = 0u64;
            while inbound.message().await?.is_some() {
                messages += 1;
            }
            let records = messages.saturating_sub(1); // the header
            let card = answers.card.clone();
            let summary = answers.summary_of(records);
            let cards = futures::stream::iter((0..records).map(move |_| Ok(card.clone())));
            Ok(Response::new(cards.chain(futures::stream::once(async move { Ok(summary) })).boxed()))
        })
    }
}

impl<B> tower::Service<http::Request<B>> for Bare
where
    B: http_body::Body + Send + 'static,
    B::Error: Into<Box<dyn std::error::Error + Send + Sync>> + Send + 'static,
{
    type Response = http::Response<Body>;
    type Error = Infallible;
    type Future = BoxFuture<'static, Result<Self::Response, Infallible>>;

    fn poll_ready(&mut self, _cx: &mut Context<'_>) -> Poll<Result<(), Infallible>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, request: http::Request<B>) -> Self::Future {
        let answers = self.0.clone();
        let mut grpc = tonic::server::Grpc::new(RawCodec);
        match request.uri().path() {
            UNARY => Box::pin(async move { Ok(grpc.unary(UnarySvc(answers), request).await) }),
            STREAM => Box::pin(async move { Ok(grpc.streaming(StreamSvc(answers), request).await) }),
            ROUND => Box::pin(async move { Ok(grpc.streaming(RoundSvc(answers), request).await) }),
            _ => Box::pin(
                async move { Ok(Status::unimplemented("bare.v1.Bare has Unary, Stream and Round").into_http()) },
            ),
        }
    }
}

/// Serves `bare.v1.Bare` and health on `listener` until `shutdown` resolves.
pub async fn serve(
    listener: tokio::net::TcpListener,
    answers: Arc<Answers>,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> Result<(), tonic::transport::Error> {
    let (health, health_service) = tonic_health::server::health_reporter();
    health.set_service_status("", tonic_health::ServingStatus::Serving).await;
    let incoming = tonic::transport::server::TcpIncoming::from(listener).with_nodelay(Some(true));
    tonic::transport::Server::builder()
        .add_service(health_service)
        .add_service(Bare(answers))
        .serve_with_incoming_shutdown(incoming, shutdown)
        .await
}
