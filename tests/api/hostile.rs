//! The attacks of the hostile-input table (RELIABILITY.md), each against the
//! real binary: the documented status comes back, the server's peak resident
//! memory (VmHWM, reset before each attack) stays under the bound the test
//! states, and a normal Score call succeeds afterwards. Every attack waits for
//! the server's answer (which proves it received the bytes) before reading
//! memory.

#![cfg(target_os = "linux")]

use indikator_client::proto::v1::{self as pb, indicator_service_client::IndicatorServiceClient};
use tonic::Code;
use tonic::codec::CompressionEncoding;
use tonic::transport::Channel;

use crate::helpers::{
    assert_peak_below, example_request, organisation_numbers, reset_peak, round_header as header, violated_fields,
};
use crate::process::ServerProcess;

pub const MIB: u64 = 1024;

/// The issue's bound for the worst single request at the message limit.
pub const ONE_REQUEST_KIB: u64 = 64 * MIB;

/// The bound for attacks of a few small messages or connections: anything
/// that grew with what the client sent would pass it.
pub const SMALL_KIB: u64 = 16 * MIB;

pub struct Target {
    pub server: ServerProcess,
    pub client: IndicatorServiceClient<Channel>,
}

impl Target {
    pub async fn start(envs: &[(&str, &str)]) -> Self {
        let mut envs = envs.to_vec();
        envs.push(("MALLOC_ARENA_MAX", "2"));
        let server = ServerProcess::start(&envs);
        let channel = Channel::from_shared(server.address.clone()).unwrap().connect().await.expect("connect");
        let mut target = Self { server, client: IndicatorServiceClient::new(channel) };
        target.serves_normally().await;
        target
    }

    pub fn pid(&self) -> u32 {
        self.server.child.id()
    }

    /// Resets the peak (VmHWM) to the current RSS; returns the current RSS.
    pub fn reset_peak(&self) -> u64 {
        reset_peak(self.pid())
    }

    /// Asserts the peak RSS grew less than `bound_kib` since `reset_peak` gave `base`.
    pub fn assert_peak_below(&self, base: u64, bound_kib: u64, what: &str) {
        assert_peak_below(self.pid(), base, bound_kib, what);
    }

    pub async fn serves_normally(&mut self) {
        let results = self.client.score(example_request()).await.expect("a normal Score call").into_inner();
        let ssb = results.results.unwrap().ssb_2018.unwrap();
        assert_eq!(ssb.digital_priority.unwrap().grade, 2);
    }
}

fn with_areas(areas: Vec<i32>) -> pb::ScoreRequest {
    let mut request = example_request();
    let response = request.response.as_mut().unwrap();
    response.ssb_2018.as_mut().unwrap().strategy = Some(pb::Ssb2018Strategy { has_strategy: true, areas });
    request
}

fn record(id: String, response: Option<pb::SurveyResponse>) -> pb::ScoreRoundRequest {
    pb::ScoreRoundRequest {
        item: Some(pb::score_round_request::Item::Record(pb::RoundRecord { record_id: id, response })),
    }
}

/// Every message of a ScoreRound answer, or its status.
async fn round(
    client: &mut IndicatorServiceClient<Channel>,
    messages: impl Iterator<Item = pb::ScoreRoundRequest> + Send + 'static,
) -> Result<Vec<pb::ScoreRoundResponse>, tonic::Status> {
    let mut answers = client.score_round(futures::stream::iter(messages)).await?.into_inner();
    let mut out = Vec::new();
    while let Some(m) = answers.message().await? {
        out.push(m);
    }
    Ok(out)
}

fn accounting(answers: &[pb::ScoreRoundResponse]) -> pb::RoundAccounting {
    match answers.last().and_then(|m| m.item.as_ref()) {
        Some(pb::score_round_response::Item::Summary(s)) => s.accounting.clone().unwrap(),
        other => panic!("the round ends with its summary, not {other:?}"),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_message_limit_request_of_four_million_unspecified_areas_is_refused_within_64_mib_plain_or_compressed() {
    let mut target = Target::start(&[]).await;
    let request = with_areas(vec![0; 4_000_000]);
    assert!(prost::Message::encoded_len(&request) < 4 * 1024 * 1024);
    for encoding in [None, Some(CompressionEncoding::Zstd), Some(CompressionEncoding::Gzip)] {
        let base = target.reset_peak();
        let mut client = target.client.clone().max_encoding_message_size(usize::MAX);
        if let Some(e) = encoding {
            client = client.send_compressed(e);
        }
        let status = client.score(request.clone()).await.unwrap_err();
        assert_eq!(violated_fields(&status), ["response.ssb_2018.strategy.areas"], "{encoding:?}");
        target.assert_peak_below(base, ONE_REQUEST_KIB, &format!("{encoding:?}"));
        target.serves_normally().await;
    }

    // Four at once stay within four times the bound.
    let base = target.reset_peak();
    let calls = (0..4).map(|_| {
        let mut client = target.client.clone();
        let request = request.clone();
        async move { client.score(request).await.unwrap_err().code() }
    });
    let codes = futures::future::join_all(calls).await;
    assert!(codes.iter().all(|&c| c == Code::InvalidArgument), "{codes:?}");
    target.assert_peak_below(base, 4 * ONE_REQUEST_KIB, "four at once");
    target.serves_normally().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_megabyte_of_duplicate_areas_is_one_violation_within_64_mib() {
    let mut target = Target::start(&[]).await;
    let base = target.reset_peak();
    let status = target.client.score(with_areas(vec![1; 1_000_000])).await.unwrap_err();
    assert_eq!(violated_fields(&status), ["response.ssb_2018.strategy.areas"]);
    target.assert_peak_below(base, ONE_REQUEST_KIB, "a megabyte of duplicate areas");

    // Within the wire bound, validation still names the list once.
    let status = target.client.score(with_areas(vec![1; 1000])).await.unwrap_err();
    assert_eq!(violated_fields(&status), ["response.ssb_2018.strategy.areas"]);
    assert!(status.message().contains("there are only 13"), "{}", status.message());
    target.serves_normally().await;
}

/// 51 unspecified areas a record, or no response at all: every record is a
/// rejection, and rejections that give the same reason share it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rounds_of_rejected_or_empty_records_keep_a_few_bytes_a_record() {
    const RECORDS: usize = 100_000;
    let mut target = Target::start(&[]).await;
    let bad = with_areas(vec![0; 51]).response;
    for (name, response) in [("51 zero areas", bad), ("empty", None)] {
        let base = target.reset_peak();
        let messages =
            std::iter::once(header(name)).chain((0..RECORDS).map(move |i| record(format!("r{i}"), response.clone())));
        let answers = round(&mut target.client, messages).await.expect("the round is answered");
        let accounting = accounting(&answers);
        assert_eq!((accounting.received, accounting.rejected), (RECORDS as u64, RECORDS as u64), "{name}");
        // 100,000 rejections: ids, sequences and one shared reason (~4 MB),
        // plus the summary; 13 KB a record before.
        target.assert_peak_below(base, 32 * MIB, name);
        target.serves_normally().await;
    }
}

/// The memory budget refuses the rounds that do not fit and serves the rest;
/// the server stays within budget plus its own overhead.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_rounds_beyond_the_memory_budget_are_refused_and_the_rest_served() {
    const ROUNDS: usize = 24;
    const RECORDS: usize = 4_000;
    const BUDGET_MIB: u64 = 8;
    let budget = (BUDGET_MIB * 1024 * 1024).to_string();
    let mut target = Target::start(&[("INDIKATOR_MEMORY_BUDGET_BYTES", &budget)]).await;
    let base = target.reset_peak();
    let numbers: Vec<String> = organisation_numbers(RECORDS);
    let calls = (0..ROUNDS).map(|r| {
        let mut client = target.client.clone();
        let numbers = numbers.clone();
        async move {
            let records = numbers.into_iter().enumerate().map(move |(i, n)| {
                let mut response = example_request().response.unwrap();
                response.respondent.as_mut().unwrap().organisation_number = n;
                record(format!("round-{r}-record-{i:->200}"), Some(response))
            });
            round(&mut client, std::iter::once(header(&format!("budget-{r}"))).chain(records)).await.map(|a| a.len())
        }
    });
    let outcomes = futures::future::join_all(calls).await;
    let served = outcomes.iter().filter(|o| matches!(o, Ok(n) if *n == RECORDS + 1)).count();
    let refused = outcomes.iter().filter(|o| matches!(o, Err(s) if s.code() == Code::ResourceExhausted)).count();
    assert_eq!(served + refused, ROUNDS, "{outcomes:?}");
    assert!(served >= 1 && refused >= 1, "served {served}, refused {refused}");
    target.assert_peak_below(base, BUDGET_MIB * MIB + 48 * MIB, "rounds with an 8 MiB budget");
    target.serves_normally().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn health_watches_beyond_their_pool_are_refused_while_checks_and_scores_are_served() {
    use tonic_health::pb::{HealthCheckRequest, health_client::HealthClient};
    let mut target = Target::start(&[("INDIKATOR_MAX_HEALTH_WATCHES", "8")]).await;
    let base = target.reset_peak();
    let channel = Channel::from_shared(target.server.address.clone()).unwrap().connect().await.unwrap();
    let mut watches = Vec::new();
    let mut refused = 0;
    for _ in 0..20 {
        match HealthClient::new(channel.clone()).watch(HealthCheckRequest::default()).await {
            Ok(stream) => watches.push(stream.into_inner()),
            Err(s) => {
                assert_eq!(s.code(), Code::ResourceExhausted, "{s:?}");
                refused += 1;
            }
        }
    }
    assert_eq!((watches.len(), refused), (8, 12));
    let check = HealthClient::new(channel).check(HealthCheckRequest::default()).await.unwrap().into_inner();
    assert_eq!(check.status, 1, "SERVING");
    target.assert_peak_below(base, SMALL_KIB, "20 health watches");
    target.serves_normally().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_server_advertises_a_per_connection_stream_limit() {
    let mut target = Target::start(&[("INDIKATOR_MAX_STREAMS_PER_CONNECTION", "37")]).await;
    let base = target.reset_peak();
    let tcp = tokio::net::TcpStream::connect(target.server.address.trim_start_matches("http://")).await.unwrap();
    let (mut send, mut connection) = h2::client::handshake(tcp).await.unwrap();
    // One call, so that the server's SETTINGS have been read when it ends.
    let request = http::Request::post(format!("{}/grpc.health.v1.Health/Check", target.server.address))
        .header("content-type", "application/grpc")
        .body(())
        .unwrap();
    let (response, mut stream) = send.send_request(request, false).unwrap();
    stream.send_data(bytes::Bytes::from_static(&[0, 0, 0, 0, 0]), true).unwrap();
    let mut response = std::pin::pin!(response);
    tokio::select! {
        r = &mut response => { r.unwrap(); }
        c = &mut connection => panic!("the connection ended first: {c:?}"),
    }
    assert_eq!(connection.max_concurrent_send_streams(), 37);
    target.assert_peak_below(base, SMALL_KIB, "a connection's settings");
    target.serves_normally().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn idle_streams_holding_every_permit_are_ended_and_other_callers_are_served_again() {
    let mut target =
        Target::start(&[("INDIKATOR_MAX_CONCURRENT_REQUESTS", "12"), ("INDIKATOR_STREAM_IDLE_TIMEOUT", "2s")]).await;
    let base = target.reset_peak();
    // One client holds every permit with streams that send nothing.
    let mut held = Vec::new();
    let mut senders = Vec::new();
    for _ in 0..12 {
        let (tx, rx) = tokio::sync::mpsc::channel::<pb::ScoreStreamRequest>(1);
        let stream = target.client.score_stream(tokio_stream::wrappers::ReceiverStream::new(rx)).await.unwrap();
        held.push(stream.into_inner());
        senders.push(tx);
    }
    let status = target.client.score(example_request()).await.unwrap_err();
    assert_eq!(status.code(), Code::ResourceExhausted, "{status:?}");
    // Each idle stream is ended by the server with DEADLINE_EXCEEDED.
    for mut stream in held {
        let end = tokio::time::timeout(std::time::Duration::from_secs(30), stream.message()).await.expect("ended");
        assert_eq!(end.unwrap_err().code(), Code::DeadlineExceeded);
    }
    target.assert_peak_below(base, SMALL_KIB, "12 idle streams");
    target.serves_normally().await;
}

/// Raw HTTP/2: a call with headers the generated client would not send.
async fn raw_call(address: &str, path: &str, headers: &[(&str, &str)], body: Vec<u8>) -> (http::HeaderMap, Vec<u8>) {
    let tcp = tokio::net::TcpStream::connect(address.trim_start_matches("http://")).await.unwrap();
    let (send, connection) = h2::client::handshake(tcp).await.unwrap();
    tokio::spawn(connection);
    let mut send = send.ready().await.unwrap();
    let mut request = http::Request::post(format!("{address}{path}"))
        .header("content-type", "application/grpc")
        .header("te", "trailers");
    for (k, v) in headers {
        request = request.header(*k, *v);
    }
    let (response, mut stream) = send.send_request(request.body(()).unwrap(), false).unwrap();
    stream.send_data(body.into(), true).unwrap();
    let response = response.await.unwrap();
    let mut headers = response.headers().clone();
    let mut body = response.into_body();
    let mut data = Vec::new();
    while let Some(chunk) = body.data().await {
        let chunk = chunk.unwrap();
        let _ = body.flow_control().release_capacity(chunk.len());
        data.extend_from_slice(&chunk);
    }
    if let Ok(Some(trailers)) = body.trailers().await {
        headers.extend(trailers);
    }
    (headers, data)
}

/// The messages of a gRPC response body.
fn messages<M: prost::Message + Default>(mut data: &[u8]) -> Vec<M> {
    let mut out = Vec::new();
    while data.len() >= 5 {
        let len = u32::from_be_bytes(data[1..5].try_into().unwrap()) as usize;
        out.push(M::decode(&data[5..5 + len]).unwrap());
        data = &data[5 + len..];
    }
    out
}

fn frame(message: &[u8]) -> Vec<u8> {
    let mut out = vec![0];
    out.extend((message.len() as u32).to_be_bytes());
    out.extend_from_slice(message);
    out
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn deadlines_larger_than_the_clock_holds_are_clamped_and_the_call_is_answered() {
    let mut target = Target::start(&[]).await;
    let base = target.reset_peak();
    let body = frame(&prost::Message::encode_to_vec(&example_request()));
    for timeout in ["18446744073709551615S", "9223372036854775807S", "5124095576030431H"] {
        let (headers, _) = raw_call(
            &target.server.address,
            "/indikator.v1.IndicatorService/Score",
            &[("grpc-timeout", timeout)],
            body.clone(),
        )
        .await;
        assert_eq!(headers.get("grpc-status").map(|v| v.to_str().unwrap()), Some("0"), "{timeout}: {headers:?}");
    }
    target.assert_peak_below(base, SMALL_KIB, "oversized deadlines");
    target.serves_normally().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_undecodable_record_is_one_rejection_and_the_stream_and_round_go_on() {
    let mut target = Target::start(&[]).await;
    let base = target.reset_peak();
    let good = |id: &str| pb::ScoreStreamRequest { record_id: id.into(), response: example_request().response };
    // record_id "bad", then a response whose respondent name is Latin-1 «æ».
    let bad: Vec<u8> = [&[0x0a, 3][..], b"bad", &[0x12, 6, 0x0a, 4, 0x2a, 2, 0x62, 0xe6]].concat();
    let mut body = frame(&prost::Message::encode_to_vec(&good("one")));
    body.extend(frame(&bad));
    body.extend(frame(&prost::Message::encode_to_vec(&good("three"))));
    let (headers, data) =
        raw_call(&target.server.address, "/indikator.v1.IndicatorService/ScoreStream", &[], body).await;
    assert_eq!(headers.get("grpc-status").map(|v| v.to_str().unwrap()), Some("0"), "{headers:?}");
    let answers: Vec<pb::ScoreStreamResponse> = messages(&data);
    let outcomes: Vec<_> = answers
        .iter()
        .map(|a| (a.record_id.as_str(), matches!(a.outcome, Some(pb::score_stream_response::Outcome::Results(_)))))
        .collect();
    assert_eq!(outcomes, [("one", true), ("bad", false), ("three", true)]);
    let Some(pb::score_stream_response::Outcome::Error(error)) = &answers[1].outcome else { unreachable!() };
    assert_eq!(error.code, Code::InvalidArgument as i32);
    assert!(error.message.contains("UTF-8"), "{}", error.message);

    // In a round: a rejection at its position; received = scored + rejected.
    let wrap = |record: &[u8]| -> Vec<u8> {
        let mut m = vec![0x12, record.len() as u8];
        m.extend_from_slice(record);
        m
    };
    let as_round = |r: pb::ScoreStreamRequest| record(r.record_id, r.response);
    let mut body = frame(&prost::Message::encode_to_vec(&header("undecodable")));
    body.extend(frame(&prost::Message::encode_to_vec(&as_round(good("one")))));
    body.extend(frame(&wrap(&bad)));
    let mut three = as_round(good("three"));
    if let Some(pb::score_round_request::Item::Record(r)) = three.item.as_mut() {
        r.response.as_mut().unwrap().respondent.as_mut().unwrap().organisation_number = "964338531".into();
    }
    body.extend(frame(&prost::Message::encode_to_vec(&three)));
    let (headers, data) =
        raw_call(&target.server.address, "/indikator.v1.IndicatorService/ScoreRound", &[], body).await;
    assert_eq!(headers.get("grpc-status").map(|v| v.to_str().unwrap()), Some("0"), "{headers:?}");
    let accounting = accounting(&messages::<pb::ScoreRoundResponse>(&data));
    assert_eq!((accounting.received, accounting.scored, accounting.rejected), (3, 2, 1));
    assert_eq!((accounting.rejections[0].record_id.as_str(), accounting.rejections[0].sequence), ("bad", 1));
    target.assert_peak_below(base, SMALL_KIB, "undecodable records");
    target.serves_normally().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn round_ids_are_bounded_and_their_control_characters_escaped_in_the_log() {
    let mut target = Target::start(&[]).await;
    let base = target.reset_peak();
    let forged =
        "r1\n2026-01-01T00:00:00Z  INFO indikator_server::startup: shut down cleanly\r\u{1b}[31m\u{1b}]0;x\u{7}";
    let answers = round(&mut target.client, std::iter::once(header(forged))).await.unwrap();
    assert_eq!(accounting(&answers).received, 0);
    let line = target.server.log_line("round started", std::time::Duration::from_secs(20)).await;
    assert!(!line.chars().any(|c| c.is_control()), "{line:?}");
    assert!(line.contains(r"r1\u{a}2026"), "{line:?}");

    let status =
        round(&mut target.client, std::iter::once(header(&"x".repeat(4 * 1024 * 1024 - 64)))).await.unwrap_err();
    assert_eq!(violated_fields(&status), ["header.round_id"]);
    target.assert_peak_below(base, ONE_REQUEST_KIB, "a 4 MiB round id");
    target.serves_normally().await;
}

/// With TLS on, connections that send the first bytes of a ClientHello and
/// then nothing are closed at the handshake deadline, which covers the whole
/// TLS handshake; a TLS client is served afterwards.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_tls_client_hello_cut_short_is_closed_at_the_handshake_deadline() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let pki = crate::production::pki();
    let dir = tempfile::tempdir().unwrap();
    let (cert, key) = (dir.path().join("server.pem"), dir.path().join("server.key"));
    std::fs::write(&cert, &pki.server_cert).unwrap();
    std::fs::write(&key, &pki.server_key).unwrap();
    let server = ServerProcess::start(&[
        ("INDIKATOR_TLS_CERT", cert.to_str().unwrap()),
        ("INDIKATOR_TLS_KEY", key.to_str().unwrap()),
        ("INDIKATOR_HANDSHAKE_TIMEOUT", "1s"),
    ]);
    let base = reset_peak(server.child.id());
    let address = server.address.trim_start_matches("http://").to_owned();
    // A TLS record header announcing a 512-byte handshake message, and 59 of its bytes.
    let mut hello = vec![0x16, 0x03, 0x01, 0x02, 0x00, 0x01, 0x00, 0x01, 0xfc, 0x03, 0x03];
    hello.extend([0u8; 53]);
    let mut sockets = Vec::new();
    for _ in 0..20 {
        let mut socket = tokio::net::TcpStream::connect(&address).await.unwrap();
        socket.write_all(&hello).await.unwrap();
        sockets.push(socket);
    }
    // Each is closed by the server (EOF or reset) well within the bound the test sets.
    for mut socket in sockets {
        let mut buf = [0u8; 64];
        let closed = tokio::time::timeout(std::time::Duration::from_secs(15), async {
            loop {
                match socket.read(&mut buf).await {
                    Ok(0) | Err(_) => return,
                    Ok(_) => {}
                }
            }
        })
        .await;
        assert!(closed.is_ok(), "a cut-short ClientHello was held past 15 s with a 1 s handshake deadline");
    }
    assert_peak_below(server.child.id(), base, SMALL_KIB, "20 cut-short TLS handshakes");
    let tls = crate::production::tls_channel(&server.address, &pki, false).await.expect("a TLS connection");
    let results = IndicatorServiceClient::new(tls).score(example_request()).await.unwrap().into_inner();
    assert_eq!(results.results.unwrap().ssb_2018.unwrap().digital_priority.unwrap().grade, 2);
}

/// The JSON API's bodies: a message-limit body of empty objects in one list
/// and one of nested arrays are refused before anything is built; a JSON
/// Lines round of 100,000 empty records is read a line at a time.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn json_bodies_at_the_message_limit_are_refused_or_streamed_within_their_bounds() {
    use crate::http::call;
    const JSON: (&str, &str) = ("content-type", "application/json");
    let mut target = Target::start(&[]).await;
    let address = target.server.address.clone();

    let objects = format!(r#"{{"response": {{"ks2018": {{"areas": [{}]}}}}}}"#, vec!["{}"; 1_300_000].join(","));
    assert!(objects.len() < 4 * 1024 * 1024);
    let base = target.reset_peak();
    let answer = call(&address, "POST", "/v1/score", &[JSON], objects).await;
    assert_eq!(answer.status, 400, "{}", answer.text());
    assert!(answer.text().contains("$.response.ks2018.areas"), "{}", answer.text());
    target.assert_peak_below(base, ONE_REQUEST_KIB, "1,300,000 empty objects");

    let nested = "[".repeat(4_000_000);
    let base = target.reset_peak();
    let answer = call(&address, "POST", "/v1/score", &[JSON], nested).await;
    assert_eq!(answer.status, 400, "{}", answer.text());
    assert!(answer.text().contains("recursion limit"), "{}", answer.text());
    target.assert_peak_below(base, ONE_REQUEST_KIB, "4,000,000 nested lists");
    target.serves_normally().await;

    const RECORDS: usize = 100_000;
    let mut lines = String::from(
        "{\"header\": {\"roundId\": \"empty\", \"surveyYear\": 2018, \"calibration\": \"CALIBRATION_PUBLISHED\"}}\n",
    );
    for i in 0..RECORDS {
        lines.push_str(&format!("{{\"record\": {{\"recordId\": \"r{i}\"}}}}\n"));
    }
    let base = target.reset_peak();
    let answer = call(&address, "POST", "/v1/rounds:score", &[("content-type", "application/x-ndjson")], lines).await;
    assert_eq!(answer.status, 200, "{}", answer.text());
    let summary: serde_json::Value = serde_json::from_str(answer.text().lines().last().unwrap()).unwrap();
    let accounting = &summary["summary"]["accounting"];
    assert_eq!((accounting["received"].as_str(), accounting["rejected"].as_str()), (Some("100000"), Some("100000")));
    // As the gRPC round of empty records above, plus the JSON answer.
    target.assert_peak_below(base, 32 * MIB, "a JSON Lines round of 100,000 empty records");
    target.serves_normally().await;
}
