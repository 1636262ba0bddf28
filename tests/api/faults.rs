//! Faults and hostile clients against the real server: cancelled rounds, broken
//! gRPC frames, bytes that are not HTTP/2, deadlines passing mid-round, a
//! thousand open streams, a client that never reads, a panicking handler. After
//! each the server must answer the next normal call correctly.
//!
//! Memory is measured on the real binary (`ServerProcess`) as VmRSS from
//! /proc/<pid>/status, with generous bounds: the point is "bounded", not a number.

use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::Duration;

use bytes::Bytes;
use futures::StreamExt;
use indikator_client::proto::v1::{self as pb, indicator_service_client::IndicatorServiceClient};
use tonic::Code;
use tonic::transport::Channel;

use crate::helpers::{
    assert_example_scored, example_request, filler_records, organisation_numbers, proc_status_kib, retried_while_shed,
    round_header as header, served_once_a_permit_is_free, serves_normally, spawn_app, when_all_taken,
};
use crate::process::ServerProcess;

// ---- helpers ----

async fn connect(address: &str) -> IndicatorServiceClient<Channel> {
    IndicatorServiceClient::new(Channel::from_shared(address.to_owned()).unwrap().connect().await.expect("connect"))
}

/// Resident memory of a process in KiB (Linux).
fn rss_kib(pid: u32) -> u64 {
    proc_status_kib(pid, "VmRSS:")
}

/// A small valid record (a state agency, no answers) with a long name and id,
/// so that the server's per-respondent state is a few hundred bytes.
fn agency_record(id: String, organisation_number: &str) -> pb::ScoreRoundRequest {
    pb::ScoreRoundRequest {
        item: Some(pb::score_round_request::Item::Record(pb::RoundRecord {
            record_id: format!("{id:-<64}"),
            response: Some(pb::SurveyResponse {
                respondent: Some(pb::Respondent {
                    organisation_number: organisation_number.into(),
                    kind: pb::RespondentKind::StateAgency as i32,
                    name: format!("Direktoratet for feiltoleranse {id:x<160}"),
                    survey_year: 2018,
                    ..Default::default()
                }),
                ..Default::default()
            }),
        })),
    }
}

fn example_record(i: usize) -> pb::ScoreRoundRequest {
    pb::ScoreRoundRequest {
        item: Some(pb::score_round_request::Item::Record(pb::RoundRecord {
            record_id: format!("r{i}"),
            response: example_request().response,
        })),
    }
}

// ---- a client that cancels mid-round ----

const CANCELLED_ROUNDS: usize = 20;
const WARM_UP_ROUNDS: usize = 2;
const RECORDS_PER_ROUND: usize = 20_000;

/// Sends a header, `records` and filler, holds the round open (never ends it) and,
/// once the server has read every record (the transport took the last filler
/// message: see [`filler_records`]), cancels it (RST_STREAM). The server runs with
/// a limit of one call in flight, so a round it sheds because the previous call
/// is not yet dropped is tried again.
async fn cancelled_round(client: &IndicatorServiceClient<Channel>, round: usize, records: &[pb::ScoreRoundRequest]) {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(120);
    loop {
        let messages: Vec<_> = std::iter::once(header(&format!("cancelled-{round}")))
            .chain(records.iter().cloned())
            .chain(filler_records(2 * 1024 * 1024))
            .collect();
        let (messages, all_taken) = when_all_taken(messages);
        let mut client = client.clone();
        let mut call =
            tokio::spawn(async move { client.score_round(messages.chain(futures::stream::pending())).await });
        tokio::select! {
            () = all_taken => {
                call.abort();
                let _ = call.await;
                return;
            }
            ended = &mut call => match ended.unwrap() {
                Err(status) if status.code() == Code::ResourceExhausted && tokio::time::Instant::now() < deadline => {
                    tokio::time::sleep(Duration::from_millis(10)).await;
                }
                other => panic!("round {round} ended before it was cancelled: {other:?}"),
            },
        }
    }
}

/// Returns once the server has dropped the last cancelled call: with a limit of
/// one call in flight, a Score call is admitted only then.
async fn cancelled_calls_dropped(client: &mut IndicatorServiceClient<Channel>) {
    assert_example_scored(served_once_a_permit_is_free(client).await);
}

#[cfg(target_os = "linux")]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cancelled_rounds_free_their_state_so_memory_stays_bounded() {
    // One malloc arena, so that freed round state is reused rather than spread
    // over per-thread arenas: a leak still shows, allocator noise does less. One
    // call in flight, so that an admitted call shows the cancelled one is dropped.
    let server = ServerProcess::start(&[("MALLOC_ARENA_MAX", "1"), ("INDIKATOR_MAX_CONCURRENT_REQUESTS", "1")]);
    let pid = server.child.id();
    let mut client = connect(&server.address).await;
    let numbers = organisation_numbers(RECORDS_PER_ROUND);
    let records: Vec<_> = numbers.iter().enumerate().map(|(i, org)| agency_record(format!("rec-{i}"), org)).collect();
    let started = rss_kib(pid);

    // Two rounds to warm up (buffers, allocator), then the baseline.
    for round in 0..WARM_UP_ROUNDS {
        cancelled_round(&client, round, &records).await;
    }
    cancelled_calls_dropped(&mut client).await;
    let baseline = rss_kib(pid);
    for round in WARM_UP_ROUNDS..CANCELLED_ROUNDS {
        cancelled_round(&client, round, &records).await;
    }
    cancelled_calls_dropped(&mut client).await;
    let after_all = rss_kib(pid);
    // ~330 bytes of state per record (id, name, ~70 bytes of counts and index).
    let state_per_round = (RECORDS_PER_ROUND * 330 / 1024) as u64;
    let kept_if_leaked = state_per_round * (CANCELLED_ROUNDS - WARM_UP_ROUNDS) as u64;
    eprintln!(
        "RSS: {started} KiB at start, {baseline} KiB after {WARM_UP_ROUNDS} cancelled rounds, {after_all} KiB after \
         {CANCELLED_ROUNDS} ({RECORDS_PER_ROUND} records each; keeping their state would add ~{kept_if_leaked} KiB)"
    );
    assert!(after_all < 2 * baseline, "RSS grew from {baseline} KiB to {after_all} KiB over the cancelled rounds");
    assert!(
        after_all < baseline + kept_if_leaked / 2,
        "RSS grew by {} KiB: cancelled rounds keep their state",
        after_all - baseline
    );

    // The next round and the next call are served.
    let messages = vec![header("after"), records[0].clone(), records[1].clone()];
    // The Score call just before may still hold the one permit.
    let mut out = retried_while_shed(|| {
        let (mut client, messages) = (client.clone(), messages.clone());
        async move { client.score_round(futures::stream::iter(messages)).await }
    })
    .await
    .expect("the next round is served")
    .into_inner();
    let mut n = 0;
    while let Some(m) = out.message().await.unwrap() {
        n += 1;
        if let Some(pb::score_round_response::Item::Summary(s)) = m.item {
            assert_eq!(s.accounting.unwrap().scored, 2);
        }
    }
    assert_eq!(n, 3, "two cards and the summary");
    cancelled_calls_dropped(&mut client).await;
}

// ---- truncated and garbage gRPC frames (raw HTTP/2) ----

/// What came back for a raw gRPC call.
#[derive(Debug)]
struct RawReply {
    http_status: http::StatusCode,
    /// `grpc-status`, from the headers (trailers-only) or the trailers.
    grpc_status: Option<i32>,
    grpc_message: String,
    /// Length-prefixed messages in the response body.
    messages: usize,
}

/// POSTs `body` to `path` over a fresh HTTP/2 connection, as one DATA frame
/// (or several), with END_STREAM on the last, and reads the whole reply.
async fn raw_grpc(address: &str, path: &str, chunks: &[Vec<u8>]) -> RawReply {
    let authority = address.trim_start_matches("http://");
    let tcp = tokio::net::TcpStream::connect(authority).await.expect("tcp connect");
    let (client, connection) = h2::client::handshake(tcp).await.expect("HTTP/2 handshake");
    tokio::spawn(async move {
        let _ = connection.await;
    });
    let mut client = client.ready().await.expect("ready");
    let request = http::Request::builder()
        .method("POST")
        .uri(format!("http://{authority}{path}"))
        .header("content-type", "application/grpc")
        .header("te", "trailers")
        .body(())
        .unwrap();
    let (response, mut send) = client.send_request(request, chunks.is_empty()).expect("send request");
    for (i, chunk) in chunks.iter().enumerate() {
        send.send_data(Bytes::from(chunk.clone()), i + 1 == chunks.len()).expect("send data");
    }
    let response = tokio::time::timeout(Duration::from_secs(20), response)
        .await
        .expect("the server answers in time")
        .expect("an HTTP/2 response, not a reset or a dropped connection");
    let (parts, mut body) = response.into_parts();
    let header = |h: &http::HeaderMap, name: &str| h.get(name).and_then(|v| v.to_str().ok()).map(str::to_owned);
    let mut grpc_status = header(&parts.headers, "grpc-status").and_then(|s| s.parse().ok());
    let mut grpc_message = header(&parts.headers, "grpc-message").unwrap_or_default();
    let mut data = Vec::new();
    while let Some(chunk) = body.data().await {
        let chunk = chunk.expect("body data");
        let _ = body.flow_control().release_capacity(chunk.len());
        data.extend_from_slice(&chunk);
    }
    if let Some(trailers) = body.trailers().await.expect("trailers") {
        grpc_status = grpc_status.or_else(|| header(&trailers, "grpc-status").and_then(|s| s.parse().ok()));
        grpc_message = header(&trailers, "grpc-message").unwrap_or(grpc_message);
    }
    let mut messages = 0;
    let mut rest = &data[..];
    while rest.len() >= 5 {
        let len = u32::from_be_bytes([rest[1], rest[2], rest[3], rest[4]]) as usize;
        messages += 1;
        rest = &rest[(5 + len).min(rest.len())..];
    }
    RawReply { http_status: parts.status, grpc_status, grpc_message, messages }
}

/// A gRPC length-prefixed message: flag, 4-byte big-endian length, bytes.
fn frame(compressed: u8, announced: u32, payload: &[u8]) -> Vec<u8> {
    let mut out = vec![compressed];
    out.extend_from_slice(&announced.to_be_bytes());
    out.extend_from_slice(payload);
    out
}

/// A seeded xorshift: the same "random" bodies on every run.
struct Xorshift(u64);

impl Xorshift {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn bytes(&mut self, max: usize) -> Vec<u8> {
        let len = (self.next() % (max as u64 + 1)) as usize;
        (0..len).map(|_| self.next() as u8).collect()
    }
}

/// The codes a refused frame may get: never OK, never a crash.
const REFUSED: [Code; 5] =
    [Code::InvalidArgument, Code::Internal, Code::OutOfRange, Code::ResourceExhausted, Code::Unimplemented];

fn assert_refused(reply: &RawReply, what: &str) {
    assert_eq!(reply.http_status, http::StatusCode::OK, "{what}: {reply:?}");
    let code = Code::from(reply.grpc_status.unwrap_or_else(|| panic!("{what}: no grpc-status in {reply:?}")));
    assert!(REFUSED.contains(&code), "{what}: {code:?} ({})", reply.grpc_message);
}

const SCORE: &str = "/indikator.v1.IndicatorService/Score";
const SCORE_STREAM: &str = "/indikator.v1.IndicatorService/ScoreStream";
const SCORE_ROUND: &str = "/indikator.v1.IndicatorService/ScoreRound";

/// Random bodies sent per method in the garbage test.
const GARBAGE_BODIES: usize = 50;

#[tokio::test]
async fn truncated_and_garbage_grpc_frames_get_an_error_status_and_the_server_serves_on() {
    use prost::Message;
    let mut app = spawn_app().await;
    let valid = example_request().encode_to_vec();
    let garbage_protobuf = vec![0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01, 0x0a, 0xff];
    let cases: Vec<(&str, Vec<Vec<u8>>)> = vec![
        ("a header announcing 100 bytes followed by 10", vec![frame(0, 100, &[7; 10])]),
        ("a header cut after 3 bytes", vec![vec![0, 0, 0]]),
        ("a frame of garbage protobuf", vec![frame(0, garbage_protobuf.len() as u32, &garbage_protobuf)]),
        ("a valid request cut in half", vec![frame(0, valid.len() as u32, &valid[..valid.len() / 2])]),
        ("a compressed flag without grpc-encoding", vec![frame(1, valid.len() as u32, &valid)]),
        ("a compression flag of 0x7f", vec![frame(0x7f, 4, &[1, 2, 3, 4])]),
        ("a length of 4 GiB", vec![frame(0, u32::MAX, &[0; 64])]),
        ("no body at all", vec![]),
        ("a valid frame split over three DATA frames, then a cut one", {
            let whole = frame(0, valid.len() as u32, &valid);
            vec![whole[..3].to_vec(), whole[3..20].to_vec(), whole[20..].to_vec(), frame(0, 50, &[1; 5])]
        }),
    ];
    for (what, chunks) in &cases {
        let reply = raw_grpc(&app.address, SCORE, chunks).await;
        eprintln!("{what}: grpc-status {:?} {:?}", reply.grpc_status, reply.grpc_message);
        // A unary call reads its whole body: a valid first message followed by a
        // cut one is refused as a whole.
        assert_refused(&reply, what);
        assert_eq!(reply.messages, 0, "{what}: nothing is answered");
        serves_normally(&mut app.client).await;
    }
    // The same valid frame split over three DATA frames, alone, is put back together and answered.
    let whole = frame(0, valid.len() as u32, &valid);
    let split = [whole[..3].to_vec(), whole[3..20].to_vec(), whole[20..].to_vec()];
    let reply = raw_grpc(&app.address, SCORE, &split).await;
    assert_eq!(reply.grpc_status, Some(Code::Ok as i32), "a valid frame over three DATA frames: {reply:?}");
    assert_eq!(reply.messages, 1, "{reply:?}");

    // Seeded random bodies to every streaming and unary method.
    let mut rng = Xorshift(0x5eed_f00d_dead_beef);
    for path in [SCORE, SCORE_STREAM, SCORE_ROUND] {
        for i in 0..GARBAGE_BODIES {
            let body = match i % 3 {
                0 => rng.bytes(300),
                // A well-formed frame around random protobuf-ish bytes.
                1 => {
                    let payload = rng.bytes(200);
                    frame(0, payload.len() as u32, &payload)
                }
                _ => {
                    let payload = rng.bytes(50);
                    frame(0, (rng.next() % 1000) as u32, &payload)
                }
            };
            let reply = raw_grpc(&app.address, path, std::slice::from_ref(&body)).await;
            let code = Code::from(reply.grpc_status.unwrap_or_else(|| panic!("{path} #{i}: no status {reply:?}")));
            // A random body can, rarely, decode to an empty message (no records): a
            // stream of nothing ends OK, and an empty round is refused.
            assert!(
                code == Code::Ok || REFUSED.contains(&code),
                "{path} #{i} {body:?}: {code:?} {}",
                reply.grpc_message
            );
            if path == SCORE {
                assert_ne!(code, Code::Ok, "no random body is a valid survey response");
            }
        }
        serves_normally(&mut app.client).await;
    }

    // ScoreStream: a good record, then a truncated frame: one answer, then an error.
    let good = pb::ScoreStreamRequest { record_id: "ok".into(), response: example_request().response }.encode_to_vec();
    let reply =
        raw_grpc(&app.address, SCORE_STREAM, &[frame(0, good.len() as u32, &good), frame(0, 100, &[1; 10])]).await;
    assert_eq!(reply.messages, 1, "the good record is answered: {reply:?}");
    assert_refused(&reply, "ScoreStream with a truncated second frame");
    serves_normally(&mut app.client).await;
}

#[tokio::test]
async fn bytes_that_are_neither_http2_nor_http1_close_only_that_connection() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut app = spawn_app().await;
    let authority = app.address.trim_start_matches("http://").to_owned();
    let mut rng = Xorshift(0xabad_1dea);
    let mut junk: Vec<Vec<u8>> = vec![
        // A request line HTTP/1.1 (served too, for gRPC-Web and JSON) cannot parse.
        b"GET / HTTP/1.1 extra\r\nHost x\r\n\r\n".to_vec(),
        // The preface, then a SETTINGS frame whose length is not a multiple of 6.
        b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n\x00\x00\x05\x04\x00\x00\x00\x00\x00\x01\x02\x03\x04\x05".to_vec(),
        // The preface, then a HEADERS frame on stream 1 with a garbage header block.
        b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n\x00\x00\x00\x04\x00\x00\x00\x00\x00\x00\x00\x04\x01\x05\x00\x00\x00\x01\xff\xff\xff\xff".to_vec(),
    ];
    junk.extend((0..8).map(|_| rng.bytes(512)));
    for bytes in junk {
        let mut tcp = tokio::net::TcpStream::connect(&authority).await.unwrap();
        let _ = tcp.write_all(&bytes).await;
        // The server closes the connection (possibly after a GOAWAY); it must not hang open forever.
        let mut sink = Vec::new();
        let closed = tokio::time::timeout(Duration::from_secs(20), tcp.read_to_end(&mut sink)).await;
        assert!(closed.is_ok(), "the server closes a connection that is neither HTTP/2 nor HTTP/1.1 ({bytes:?})");
        serves_normally(&mut app.client).await;
    }
}

// ---- a deadline that passes while a round's records still trickle in ----

/// The deadline is sent as `grpc-timeout` over raw HTTP/2, so no client-side
/// timer races the server's answer: DEADLINE_EXCEEDED must come from the server.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_round_whose_records_trickle_in_past_its_deadline_gets_deadline_exceeded() {
    use prost::Message;
    let mut app = spawn_app().await;
    let authority = app.address.trim_start_matches("http://").to_owned();
    let tcp = tokio::net::TcpStream::connect(&authority).await.unwrap();
    let (client, connection) = h2::client::handshake(tcp).await.unwrap();
    tokio::spawn(async move {
        let _ = connection.await;
    });
    let mut client = client.ready().await.unwrap();
    let request = http::Request::builder()
        .method("POST")
        .uri(format!("http://{authority}{SCORE_ROUND}"))
        .header("content-type", "application/grpc")
        .header("te", "trailers")
        .header("grpc-timeout", "500m")
        .body(())
        .unwrap();
    let (response, mut send) = client.send_request(request, false).unwrap();
    // The header, then one record every 100 ms (the trickle, not a wait for
    // anything) for up to 20 s, far past the deadline; `all_sent` only if the
    // sender ran out of records without the server ending the call.
    let all_sent = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let ran_out = all_sent.clone();
    let sender = tokio::spawn(async move {
        let header = header("slow").encode_to_vec();
        if send.send_data(Bytes::from(frame(0, header.len() as u32, &header)), false).is_err() {
            return;
        }
        for i in 0..200 {
            tokio::time::sleep(Duration::from_millis(100)).await;
            let record = example_record(i).encode_to_vec();
            if send.send_data(Bytes::from(frame(0, record.len() as u32, &record)), false).is_err() {
                return;
            }
        }
        ran_out.store(true, Ordering::SeqCst);
    });
    let response = tokio::time::timeout(Duration::from_secs(15), response).await.expect("an answer").unwrap();
    let (parts, mut body) = response.into_parts();
    let mut status = parts.headers.get("grpc-status").cloned();
    if status.is_none() {
        while body.data().await.is_some() {}
        status = body.trailers().await.unwrap().and_then(|t| t.get("grpc-status").cloned());
    }
    assert_eq!(status.unwrap().to_str().unwrap(), (Code::DeadlineExceeded as i32).to_string());
    assert!(!all_sent.load(Ordering::SeqCst), "the deadline ended the round while records were still arriving");
    sender.abort();

    serves_normally(&mut app.client).await;
    let messages = vec![header("next"), example_record(0)];
    let out = app.client.score_round(futures::stream::iter(messages)).await.unwrap().into_inner();
    assert_eq!(out.count().await, 2, "the next round: one card and the summary");
}

// ---- a thousand concurrent streams ----

const OPEN_STREAMS: usize = 1_000;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_thousand_concurrent_streams_all_open_answer_and_close_under_default_limits() {
    let mut app = spawn_app().await;
    // Spread over four connections, as several clients would.
    let mut clients = Vec::new();
    for _ in 0..4 {
        clients.push(IndicatorServiceClient::new(app.channel().await));
    }
    let opened: Vec<_> = futures::stream::iter(0..OPEN_STREAMS)
        .map(|i| {
            let mut client = clients[i % clients.len()].clone();
            async move {
                let (tx, rx) = tokio::sync::mpsc::channel(1);
                let mut inbound = client
                    .score_stream(tokio_stream::wrappers::ReceiverStream::new(rx))
                    .await
                    .unwrap_or_else(|s| panic!("stream {i} refused: {s:?}"))
                    .into_inner();
                tx.send(pb::ScoreStreamRequest { record_id: format!("s{i}"), response: example_request().response })
                    .await
                    .unwrap();
                let answer = inbound.message().await.unwrap().expect("one answer");
                assert_eq!(answer.record_id, format!("s{i}"));
                assert!(matches!(answer.outcome, Some(pb::score_stream_response::Outcome::Results(_))));
                (tx, inbound)
            }
        })
        .buffer_unordered(100)
        .collect()
        .await;
    assert_eq!(opened.len(), OPEN_STREAMS);

    // With all of them open, the server still serves, and health answers.
    serves_normally(&mut app.client).await;
    let mut health = tonic_health::pb::health_client::HealthClient::new(app.channel().await);
    let serving = health.check(tonic_health::pb::HealthCheckRequest::default()).await.unwrap().into_inner();
    assert_eq!(serving.status(), tonic_health::pb::health_check_response::ServingStatus::Serving);

    // Every stream closes cleanly once its client ends it.
    let closed = futures::stream::iter(opened)
        .map(|(tx, mut inbound)| async move {
            drop(tx);
            inbound.message().await
        })
        .buffer_unordered(100)
        .collect::<Vec<_>>()
        .await;
    assert!(closed.iter().all(|end| matches!(end, Ok(None))), "every stream ends with OK");

    // Their admission permits are back: the next calls are served.
    for _ in 0..10 {
        serves_normally(&mut app.client).await;
    }
}

// ---- a client that sends and never reads ----

const UNREAD_RECORDS: u64 = 200_000;

#[cfg(target_os = "linux")]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_client_that_never_reads_is_held_back_by_flow_control_and_server_memory_stays_bounded() {
    let server = ServerProcess::start(&[]);
    let pid = server.child.id();
    let mut client = connect(&server.address).await;
    serves_normally(&mut client).await;
    let before = rss_kib(pid);

    // Every record the transport takes is counted and announced.
    let (progress, mut taken) = tokio::sync::watch::channel(0u64);
    let template = example_request().response;
    let requests = futures::stream::iter(0..UNREAD_RECORDS).map(move |i| {
        progress.send_replace(i + 1);
        pb::ScoreStreamRequest { record_id: format!("unread-{i}"), response: template.clone() }
    });
    let mut unread_client = connect(&server.address).await;
    let responses = unread_client.score_stream(requests).await.expect("the stream opens");

    // The client's sends stall: no record taken for 2 s. Were flow control not
    // holding it back, a quarter of the records would be taken long before that.
    loop {
        match tokio::time::timeout(Duration::from_secs(2), taken.changed()).await {
            Err(_) => break,
            Ok(changed) => changed.expect("the request stream is alive"),
        }
        if *taken.borrow() >= UNREAD_RECORDS / 4 {
            break;
        }
    }
    let stalled_at = *taken.borrow();
    let during = rss_kib(pid);
    eprintln!(
        "never-read stream: the client's sends stalled after {stalled_at} of {UNREAD_RECORDS} records; \
         server RSS {before} KiB before, {during} KiB while stalled"
    );
    // ~1.3 KB a record, ~2 KB an answer: buffering them all would take ~600 MB.
    assert!(stalled_at < UNREAD_RECORDS / 4, "flow control stopped the sender ({stalled_at} records taken)");
    assert!(during < before + 64 * 1024, "server RSS grew from {before} KiB to {during} KiB");

    // Drop the stream; the server is healthy and serves.
    drop(responses);
    drop(unread_client);
    let mut health = tonic_health::pb::health_client::HealthClient::new(
        Channel::from_shared(server.address.clone()).unwrap().connect().await.unwrap(),
    );
    let serving = health.check(tonic_health::pb::HealthCheckRequest::default()).await.unwrap().into_inner();
    assert_eq!(serving.status(), tonic_health::pb::health_check_response::ServingStatus::Serving);
    serves_normally(&mut client).await;
}

// ---- panic containment (the middleware's catch-panic) ----

mod panicking {
    use std::pin::Pin;

    use futures::{Stream, StreamExt};
    use indikator_app::proto::v1 as pb;
    use indikator_server::grpc::indicator_service_server::IndicatorService;
    use tonic::{Request, Response, Status, Streaming};

    /// Panics in `Score` when the request has no response, and in the
    /// `ScoreStream` response stream at its second output.
    #[derive(Debug, Clone, Default)]
    pub struct Panicky;

    type Out<T> = Pin<Box<dyn Stream<Item = Result<T, Status>> + Send + 'static>>;

    #[tonic::async_trait]
    impl IndicatorService for Panicky {
        async fn score(&self, request: Request<pb::ScoreRequest>) -> Result<Response<pb::ScoreResponse>, Status> {
            if request.get_ref().response.is_none() {
                panic!("a handler bug");
            }
            Ok(Response::new(pb::ScoreResponse::default()))
        }

        async fn get_methodology(
            &self,
            _: Request<pb::GetMethodologyRequest>,
        ) -> Result<Response<pb::GetMethodologyResponse>, Status> {
            Err(Status::unimplemented("test service"))
        }

        type ScoreStreamStream = Out<pb::ScoreStreamResponse>;

        async fn score_stream(
            &self,
            _: Request<Streaming<pb::ScoreStreamRequest>>,
        ) -> Result<Response<Self::ScoreStreamStream>, Status> {
            // Each output after a yield, so the first is flushed before the second panics.
            let outputs = futures::stream::iter(0..3u64).then(|sequence| async move {
                tokio::task::yield_now().await;
                assert_ne!(sequence, 1, "a response stream bug");
                Ok(pb::ScoreStreamResponse { sequence, ..Default::default() })
            });
            Ok(Response::new(Box::pin(outputs)))
        }

        type ScoreRoundStream = Out<pb::ScoreRoundResponse>;

        async fn score_round(
            &self,
            _: Request<Streaming<pb::ScoreRoundRequest>>,
        ) -> Result<Response<Self::ScoreRoundStream>, Status> {
            Err(Status::unimplemented("test service"))
        }

        type CompareRoundsStream = Out<pb::CompareRoundsResponse>;

        async fn compare_rounds(
            &self,
            _: Request<Streaming<pb::CompareRoundsRequest>>,
        ) -> Result<Response<Self::CompareRoundsStream>, Status> {
            Err(Status::unimplemented("test service"))
        }
    }
}

/// Keeps the test's own deliberate panics out of the log; every other panic
/// still goes to the default hook.
fn quiet_expected_panics() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        let default = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            let payload = info.payload();
            let text = payload
                .downcast_ref::<&str>()
                .map(|s| (*s).to_owned())
                .or_else(|| payload.downcast_ref::<String>().cloned())
                .unwrap_or_default();
            if !(text.contains("a handler bug") || text.contains("a response stream bug")) {
                default(info);
            }
        }));
    });
}

/// Panicking calls in a row on one server: with a limit of 2 concurrent calls,
/// a permit kept by a panicked call would shed the third.
const PANICS: usize = 10;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_panicking_handler_fails_only_its_own_call_with_internal_and_the_server_serves_on() {
    use indikator_server::CallLimits;
    use indikator_server::grpc::Metrics;
    use indikator_server::grpc::indicator_service_server::IndicatorServiceServer;
    use indikator_server::middleware::RpcLayer;

    quiet_expected_panics();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(
        tonic::transport::Server::builder()
            .layer(RpcLayer::new(
                CallLimits { max_concurrent_calls: 2, ..CallLimits::default() },
                Metrics::global(),
                indikator_app::memory::MemoryBudget::new(usize::MAX),
            ))
            .add_service(IndicatorServiceServer::new(panicking::Panicky))
            .serve_with_incoming(tokio_stream::wrappers::TcpListenerStream::new(listener)),
    );
    let mut client = connect(&address).await;
    for i in 0..PANICS {
        // Unary: the handler panics → INTERNAL; the next call on the same connection is served.
        let status = client.score(pb::ScoreRequest::default()).await.unwrap_err();
        assert_eq!(status.code(), Code::Internal, "call {i}: {status:?}");
        assert_eq!(status.message(), "internal error", "no panic text leaks to the client");
        assert!(client.score(example_request()).await.is_ok(), "call {i}: the next call is served");

        // Streaming: the panic at the second output ends the stream with INTERNAL. (The
        // middleware fails the body, so HTTP/2 resets the stream: the first output,
        // produced but not yet flushed, may be dropped with it.)
        let mut outputs = client.score_stream(futures::stream::empty()).await.unwrap().into_inner();
        let mut received = 0;
        let status = loop {
            match outputs.message().await {
                Ok(Some(_)) => received += 1,
                Ok(None) => panic!("stream {i}: ended OK after {received} outputs despite the panic"),
                Err(status) => break status,
            }
        };
        assert!(received <= 1, "stream {i}: nothing after the panic");
        assert_eq!(status.code(), Code::Internal, "stream {i}: {status:?}");
        assert!(!status.message().contains("bug"), "no panic text leaks to the client: {status:?}");
    }
    assert!(client.score(example_request()).await.is_ok(), "served after {PANICS} panics of each kind");
}

/// RELIABILITY.md, finding 1 (fixed): keepalive and `max_connection_age` apply only
/// after the HTTP/2 handshake, so a TCP connection that never completes the preface
/// is closed by the handshake deadline instead of being kept, which would let idle
/// sockets pile up to the descriptor limit.
#[tokio::test]
async fn a_connection_that_never_completes_the_http2_preface_is_closed() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    // 1 s; the default (10 s) would keep each connection past the 6 s waited below.
    let settings = indikator_server::ServerSettings { handshake_timeout: Duration::from_secs(1), ..Default::default() };
    let app = crate::helpers::spawn_app_with(settings).await;
    let authority = app.address.trim_start_matches("http://").to_owned();
    for partial in [&b""[..], &b"PRI * HTTP/2.0\r\n"[..]] {
        let mut tcp = tokio::net::TcpStream::connect(&authority).await.unwrap();
        tcp.write_all(partial).await.unwrap();
        let mut sink = Vec::new();
        let closed = tokio::time::timeout(Duration::from_secs(6), tcp.read_to_end(&mut sink)).await;
        assert!(closed.is_ok(), "a connection that sent {partial:?} and stalled is still open after 6 s");
    }
}

// ---- RELIABILITY.md, findings 2–4: fixed, and pinned by these tests ----

/// Finding 2: a violation that echoed the whole bad value into `grpc-message` and,
/// again, into the base64 `grpc-status-details-bin` header made the response
/// headers exceed a tonic/hyper client's 16 KiB header-list limit from about 4.5 KB
/// on, and the client got `INTERNAL: h2 protocol error` instead of INVALID_ARGUMENT.
/// Descriptions are now cut to 200 bytes.
#[tokio::test]
async fn an_invalid_request_with_a_long_value_gets_invalid_argument() {
    let mut app = spawn_app().await;
    for size in [5_000, 100_000] {
        let mut request = example_request();
        request.response.as_mut().unwrap().respondent.as_mut().unwrap().organisation_number = "x".repeat(size);
        let status = app.client.score(request).await.unwrap_err();
        assert_eq!(status.code(), Code::InvalidArgument, "{size} bytes: {status:?}");
        serves_normally(&mut app.client).await;
    }
}

/// Finding 3: when the round summary carried every rejection in one message, a
/// round with enough rejections (about 16,000 at the default 4 MiB limit; 400
/// here with a 64 KiB limit) failed at the end with OUT_OF_RANGE, and the client
/// got no summary and no accounting. Rejections are now streamed one by one.
#[tokio::test]
async fn a_round_with_many_rejections_still_gets_its_summary() {
    let settings = indikator_server::ServerSettings { max_message_bytes: 64 * 1024, ..Default::default() };
    let mut app = crate::helpers::spawn_app_with(settings).await;
    let mut messages = vec![header("rejections")];
    for i in 0..400 {
        let mut record = example_record(i);
        if let Some(pb::score_round_request::Item::Record(r)) = record.item.as_mut() {
            r.response.as_mut().unwrap().respondent.as_mut().unwrap().organisation_number = "958935421".into();
        }
        messages.push(record);
    }
    let mut out = app.client.score_round(futures::stream::iter(messages)).await.unwrap().into_inner();
    let mut streamed = 0;
    let summary = loop {
        let message = out.message().await.expect("the summary arrives").expect("a message");
        match message.item {
            Some(pb::score_round_response::Item::Rejection(r)) => {
                assert_eq!(r.sequence, streamed, "rejections stream in order");
                streamed += 1;
            }
            Some(pb::score_round_response::Item::Summary(summary)) => break summary,
            other => panic!("{other:?}"),
        }
    };
    assert_eq!(streamed, 400, "every rejection is streamed");
    let accounting = summary.accounting.unwrap();
    assert_eq!(accounting.rejected, 400);
    // The first ones are also listed in the summary, as many as fit a quarter of
    // the 64 KiB message limit; every one was streamed above.
    let listed = accounting.rejections.len();
    assert!(listed > 0 && listed < 400, "{listed} listed");
    assert!(accounting.rejections.iter().enumerate().all(|(i, r)| r.sequence == i as u64));
}

/// Finding 4: a rejected record kept its reason and violations, which quoted the
/// bad value (twice): 40 records with a 1 MB organisation number held ~120 MB
/// until the round's answer was read, against 28 bytes per respondent plus its
/// record id and name for scored ones. The round's rejections are held until the
/// client reads them, so memory is read once the server has read the whole round
/// (its `round folded` log line) and before the client reads a single answer.
#[cfg(target_os = "linux")]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rejected_records_do_not_keep_the_bad_values_they_quote() {
    let mut server = ServerProcess::start(&[("MALLOC_ARENA_MAX", "1"), ("INDIKATOR_LOG_FORMAT", "json")]);
    let pid = server.child.id();
    let mut client = connect(&server.address).await;
    serves_normally(&mut client).await;
    let before = rss_kib(pid);
    let records = (0..40).map(|i| {
        let mut record = example_record(i);
        if let Some(pb::score_round_request::Item::Record(r)) = record.item.as_mut() {
            r.response.as_mut().unwrap().respondent.as_mut().unwrap().organisation_number = "x".repeat(1_000_000);
        }
        record
    });
    let messages = futures::stream::iter(std::iter::once(header("big-rejections")).chain(records));
    let mut answers = client.score_round(messages).await.expect("the round is answered").into_inner();
    let folded: serde_json::Value =
        serde_json::from_str(&server.log_line("round folded", Duration::from_secs(60)).await).unwrap();
    assert_eq!(folded["fields"]["rejected"], 40, "the server read all 40 records: {folded}");
    let held = rss_kib(pid);
    assert!(held < before + 20 * 1024, "RSS {before} KiB → {held} KiB with 40 rejected 1 MB records held");
    let mut rejections = 0;
    while let Some(answer) = answers.message().await.unwrap() {
        match answer.item {
            Some(pb::score_round_response::Item::Rejection(_)) => rejections += 1,
            Some(pb::score_round_response::Item::Summary(summary)) => {
                assert_eq!(summary.accounting.unwrap().rejected, 40);
            }
            other => panic!("{other:?}"),
        }
    }
    assert_eq!(rejections, 40);
}
