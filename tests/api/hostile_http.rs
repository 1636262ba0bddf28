//! The HTTP side's attacks (RELIABILITY.md, "HTTP/1.1, JSON and gRPC-Web"),
//! each against the real binary at the default settings unless the test says
//! which limit it lowers to show the same bound with fewer connections: the
//! documented answer comes back (or, for attacks that get none, the server
//! had a second to read what was sent), the peak resident memory (VmHWM,
//! reset before the attack) stays under the stated bound, and a normal call
//! succeeds afterwards.

#![cfg(target_os = "linux")]

use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

use crate::hostile::{MIB, ONE_REQUEST_KIB, SMALL_KIB, Target};
use crate::process::ServerProcess;

/// The budget the defaults give request bodies and rounds together.
const BUDGET_KIB: u64 = 160 * MIB;

/// What the server holds beyond its budget under a full one (allocator slack,
/// connection buffers, the answers being written).
const OVER_BUDGET_KIB: u64 = 40 * MIB;

fn authority(address: &str) -> &str {
    address.trim_start_matches("http://")
}

/// A request's head: `method path` with these headers and a Host.
fn head(method: &str, path: &str, headers: &[(&str, String)]) -> String {
    let mut head = format!("{method} {path} HTTP/1.1\r\nhost: indikator.test\r\n");
    for (name, value) in headers {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    head.push_str("\r\n");
    head
}

/// An answer read off a raw connection: its status and its whole bytes.
struct RawAnswer {
    status: u16,
    bytes: Vec<u8>,
}

impl RawAnswer {
    fn body(&self) -> String {
        let text = String::from_utf8_lossy(&self.bytes);
        text.split_once("\r\n\r\n").map(|(_, b)| b.to_owned()).unwrap_or_default()
    }
}

/// Reads one answer (a head and a body of its `content-length`) within `timeout`.
async fn read_answer(stream: &mut TcpStream, timeout: Duration) -> Option<RawAnswer> {
    let read = async {
        let mut bytes = Vec::new();
        let mut chunk = [0u8; 16 * 1024];
        loop {
            if let Some(end) = bytes.windows(4).position(|w| w == b"\r\n\r\n") {
                let head = String::from_utf8_lossy(&bytes[..end]).to_ascii_lowercase();
                let length = head
                    .lines()
                    .find_map(|l| l.strip_prefix("content-length:"))
                    .and_then(|v| v.trim().parse::<usize>().ok());
                if length.is_some_and(|len| bytes.len() >= end + 4 + len) {
                    break;
                }
            }
            match stream.read(&mut chunk).await {
                Ok(0) | Err(_) => break,
                Ok(n) => bytes.extend_from_slice(&chunk[..n]),
            }
        }
        let status = String::from_utf8_lossy(bytes.get(9..12)?).parse().ok()?;
        Some(RawAnswer { status, bytes })
    };
    tokio::time::timeout(timeout, read).await.ok().flatten()
}

/// A body of `len` bytes, as a unary JSON request: a `kind` string the enum
/// does not have, which the parser's error quotes.
fn quoting_body(len: usize) -> String {
    let prefix = r#"{"response": {"respondent": {"kind": ""#;
    let suffix = r#""}}}"#;
    format!("{prefix}{}{suffix}", "A".repeat(len - prefix.len() - suffix.len()))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn forty_connections_sending_four_megabyte_json_strings_get_short_answers_within_the_budget() {
    let mut target = Target::start(&[]).await;
    let address = authority(&target.server.address).to_owned();
    let body = quoting_body(4_190_000);
    let base = target.reset_peak();
    let calls = (0..40).map(|_| {
        let (address, body) = (address.clone(), body.clone());
        tokio::spawn(async move {
            let mut stream = TcpStream::connect(&address).await.unwrap();
            let headers = [("content-type", "application/json".into()), ("content-length", body.len().to_string())];
            // A body refused while it arrives (429: the budget is spent) is
            // answered and the connection closed: the rest of the write fails.
            let _ = stream.write_all(head("POST", "/v1/score", &headers).as_bytes()).await;
            let _ = stream.write_all(body.as_bytes()).await;
            // The connection stays open, as the attack's did. A closed one may
            // have lost its answer to the reset that unread bytes cause.
            (read_answer(&mut stream, Duration::from_secs(60)).await, stream)
        })
    });
    let answers: Vec<_> = futures::future::join_all(calls).await.into_iter().map(Result::unwrap).collect();
    let answers: Vec<_> = answers.into_iter().filter_map(|(answer, stream)| Some((answer?, stream))).collect();
    assert!(answers.len() >= 10, "only {} answers arrived", answers.len());
    for (answer, _) in &answers {
        assert!(matches!(answer.status, 400 | 429), "{}", answer.body());
        assert!(answer.bytes.len() < 2048, "an answer of {} bytes: {}", answer.bytes.len(), answer.body());
    }
    let quoted = answers.iter().find(|(a, _)| a.status == 400).expect("some were parsed").0.body();
    assert!(quoted.contains("unknown variant `AAAA") && quoted.contains('…'), "{quoted}");
    target.assert_peak_below(base, BUDGET_KIB + OVER_BUDGET_KIB, "40 × 4 MB JSON strings");
    drop(answers);
    target.serves_normally().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn json_lines_streams_of_one_unending_line_reserve_it_and_are_refused_or_ended_when_idle() {
    // The idle timeout only shortens the test: the line is held until it.
    let mut target = Target::start(&[("INDIKATOR_STREAM_IDLE_TIMEOUT", "3s")]).await;
    let address = authority(&target.server.address).to_owned();
    let line = format!(r#"{{"record": {{"recordId": "{}"#, "a".repeat(4_090_000));
    let base = target.reset_peak();
    let calls = (0..100).map(|i| {
        let (address, line) = (address.clone(), line.clone());
        let path = if i % 2 == 0 { "/v1/rounds:score" } else { "/v1/responses:score" };
        tokio::spawn(async move {
            let mut stream = TcpStream::connect(&address).await.unwrap();
            let headers = [("content-type", "application/x-ndjson".into()), ("content-length", "8388608".into())];
            stream.write_all(head("POST", path, &headers).as_bytes()).await.unwrap();
            let _ = tokio::time::timeout(Duration::from_secs(30), stream.write_all(line.as_bytes())).await;
            // A refused stream's answer may be lost to the reset its unread bytes cause.
            read_answer(&mut stream, Duration::from_secs(60)).await
        })
    });
    let answers: Vec<_> = futures::future::join_all(calls).await.into_iter().map(Result::unwrap).collect();
    let reset = answers.iter().filter(|a| a.is_none()).count();
    let answers: Vec<_> = answers.into_iter().flatten().collect();
    let refused = answers.iter().filter(|a| a.status == 429).count();
    let ended = answers.iter().filter(|a| a.status == 504).count();
    assert_eq!(refused + ended, answers.len(), "{:?}", answers.iter().map(|a| a.status).collect::<Vec<_>>());
    assert!(refused + reset > 0 && ended > 0, "refused {refused} (+{reset} reset), ended when idle {ended}");
    assert!(answers.iter().all(|a| a.bytes.len() < 2048));
    target.assert_peak_below(base, BUDGET_KIB + OVER_BUDGET_KIB, "100 JSON Lines streams of a 3.9 MiB line");
    target.serves_normally().await;

    // A line over the message limit is refused at once, naming it.
    let mut stream = TcpStream::connect(&address).await.unwrap();
    let headers = [("content-type", "application/x-ndjson".into()), ("content-length", "9000000".into())];
    stream.write_all(head("POST", "/v1/responses:score", &headers).as_bytes()).await.unwrap();
    let _ = tokio::time::timeout(Duration::from_secs(10), stream.write_all(&vec![b'x'; 4 * 1024 * 1024 + 1])).await;
    let answer = read_answer(&mut stream, Duration::from_secs(10)).await.expect("an answer before the idle timeout");
    assert_eq!(answer.status, 400, "{}", answer.body());
    assert!(answer.body().contains("line 1") && answer.body().contains("message limit"), "{}", answer.body());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_hundred_connections_of_unfinished_headers_are_capped_by_the_connection_limit() {
    let mut target = Target::start(&[]).await;
    let address = authority(&target.server.address).to_owned();
    let header = format!("POST /v1/score HTTP/1.1\r\nhost: x\r\nx-filler: {}", "a".repeat(398 * 1024));
    let base = target.reset_peak();
    let mut held = Vec::new();
    for _ in 0..200 {
        let mut stream = TcpStream::connect(&address).await.unwrap();
        // Past the limit the server does not accept: the write may stall.
        let _ = tokio::time::timeout(Duration::from_millis(200), stream.write_all(header.as_bytes())).await;
        held.push(stream);
    }
    tokio::time::sleep(Duration::from_secs(1)).await;
    // 128 connections (the default limit) × 408 KiB of hyper's read buffer, and slack.
    target.assert_peak_below(base, 64 * MIB, "200 connections × 398 KiB of unfinished headers");
    // The connection opened before the attack is still served.
    target.serves_normally().await;
    drop(held);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_json_body_with_a_query_parameter_is_bounded_as_one_without() {
    let mut target = Target::start(&[]).await;
    let address = target.server.address.clone();
    let items: Vec<String> = (0..4000).map(|i| format!(r#"{{"itemId": "{i}-{}"}}"#, "x".repeat(1000))).collect();
    let body = format!(r#"{{"response": {{"ks2018": {{"answers": [{}]}}}}}}"#, items.join(","));
    assert!(body.len() < 4 * 1024 * 1024);
    for path in ["/v1/score?methodologyId=ks-2018", "/v1/score"] {
        let base = target.reset_peak();
        let answer =
            crate::http::call(&address, "POST", path, &[("content-type", "application/json")], body.clone()).await;
        assert_eq!(answer.status, 400, "{path}: {}", answer.text());
        assert!(answer.body.len() < 16 * 1024, "{path}: {} bytes", answer.body.len());
        target.assert_peak_below(base, ONE_REQUEST_KIB, &format!("a 4 MB body of 4,000 items, {path}"));
    }
    target.serves_normally().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn trickled_unary_bodies_are_ended_at_the_body_timeout_and_free_their_permits() {
    let mut target = Target::start(&[
        ("INDIKATOR_MAX_CONCURRENT_REQUESTS", "8"),
        ("INDIKATOR_BODY_TIMEOUT", "2s"),
        ("INDIKATOR_STREAM_IDLE_TIMEOUT", "60s"),
    ])
    .await;
    let address = authority(&target.server.address).to_owned();
    let base = target.reset_peak();
    let started = std::time::Instant::now();
    let calls = (0..8).map(|_| {
        let address = address.clone();
        tokio::spawn(async move {
            let mut stream = TcpStream::connect(&address).await.unwrap();
            let headers = [("content-type", "application/json".into()), ("content-length", "1000".into())];
            stream.write_all(head("POST", "/v1/score", &headers).as_bytes()).await.unwrap();
            let trickle = async {
                loop {
                    if stream.write_all(b" ").await.is_err() {
                        return;
                    }
                    tokio::time::sleep(Duration::from_millis(200)).await;
                }
            };
            let _ = tokio::time::timeout(Duration::from_secs(4), trickle).await;
            read_answer(&mut stream, Duration::from_secs(10)).await.expect("an answer")
        })
    });
    let answers: Vec<_> = futures::future::join_all(calls).await.into_iter().map(Result::unwrap).collect();
    for answer in &answers {
        assert_eq!(answer.status, 504, "{}", answer.body());
        assert!(answer.body().contains("body timeout"), "{}", answer.body());
    }
    assert!(started.elapsed() < Duration::from_secs(20));
    target.assert_peak_below(base, SMALL_KIB, "8 trickled unary bodies");
    target.serves_normally().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_stream_trickling_bytes_without_finishing_a_message_is_ended_as_idle() {
    let mut target = Target::start(&[("INDIKATOR_STREAM_IDLE_TIMEOUT", "2s")]).await;
    let tcp = TcpStream::connect(authority(&target.server.address)).await.unwrap();
    let (mut send, connection) = h2::client::handshake(tcp).await.unwrap();
    tokio::spawn(connection);
    let request = http::Request::post(format!("{}/indikator.v1.IndicatorService/ScoreStream", target.server.address))
        .header("content-type", "application/grpc")
        .header("te", "trailers")
        .body(())
        .unwrap();
    let (response, mut body) = send.send_request(request, false).unwrap();
    // A frame announcing a 1,000-byte message, then a byte every 300 ms.
    body.send_data(bytes::Bytes::from_static(&[0, 0, 0, 3, 232]), false).unwrap();
    let trickle = tokio::spawn(async move {
        for _ in 0..40 {
            if body.send_data(bytes::Bytes::from_static(&[8]), false).is_err() {
                return;
            }
            tokio::time::sleep(Duration::from_millis(300)).await;
        }
    });
    let response = tokio::time::timeout(Duration::from_secs(10), response).await.expect("ended in time").unwrap();
    let mut answer = response.into_body();
    let trailers = tokio::time::timeout(Duration::from_secs(10), async {
        while answer.data().await.is_some() {}
        answer.trailers().await
    })
    .await
    .expect("trailers in time")
    .unwrap()
    .unwrap_or_default();
    assert_eq!(trailers.get("grpc-status").map(|v| v.as_bytes()), Some(&b"4"[..]), "{trailers:?}");
    trickle.abort();
    target.serves_normally().await;
}

/// A server with bearer tokens required, its key set in a file.
async fn with_tokens(extra: &[(&str, &str)]) -> (ServerProcess, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let jwks = dir.path().join("jwks.json");
    std::fs::write(&jwks, crate::auth::jwks(&[crate::auth::primary()])).unwrap();
    let jwks = jwks.to_str().unwrap().to_owned();
    let mut envs = vec![
        ("INDIKATOR_AUTH_JWKS", jwks.as_str()),
        ("INDIKATOR_AUTH_ISSUER", crate::auth::ISSUER),
        ("INDIKATOR_AUTH_AUDIENCE", crate::auth::AUDIENCE),
        ("MALLOC_ARENA_MAX", "2"),
    ];
    envs.extend_from_slice(extra);
    (ServerProcess::start(&envs), dir)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unfinished_unary_bodies_without_a_token_are_refused_before_a_byte_of_them_is_read() {
    let (server, _dir) = with_tokens(&[]).await;
    let address = authority(&server.address).to_owned();
    let base = crate::helpers::reset_peak(server.child.id());
    let calls = (0..67).map(|_| {
        let address = address.clone();
        tokio::spawn(async move {
            let mut stream = TcpStream::connect(&address).await.unwrap();
            let headers = [("content-type", "application/json".into()), ("content-length", "4000000".into())];
            stream.write_all(head("POST", "/v1/score", &headers).as_bytes()).await.unwrap();
            let _ = tokio::time::timeout(Duration::from_millis(500), stream.write_all(&vec![b' '; 1 << 20])).await;
            let answer = read_answer(&mut stream, Duration::from_secs(5)).await.expect("refused at once");
            (answer, stream)
        })
    });
    let answers: Vec<_> = futures::future::join_all(calls).await.into_iter().map(Result::unwrap).collect();
    for (answer, _) in &answers {
        assert_eq!(answer.status, 401, "{}", answer.body());
    }
    crate::helpers::assert_peak_below(server.child.id(), base, SMALL_KIB, "67 unfinished bodies without a token");
    // The budget is untouched: an authenticated call is served at once.
    let token = crate::auth::primary().sign(&crate::auth::claims("indikator:score"));
    let body = serde_json::to_vec(&crate::helpers::example_request()).unwrap();
    let bearer = format!("Bearer {token}");
    let headers = [("content-type", "application/json"), ("authorization", bearer.as_str())];
    let answer = crate::http::call(&server.address, "POST", "/v1/score", &headers, body).await;
    assert_eq!(answer.status, 200, "{}", answer.text());
    drop(answers);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_audit_log_names_the_method_never_the_raw_path() {
    let (mut server, _dir) = with_tokens(&[("INDIKATOR_LOG_FORMAT", "json")]).await;
    let address = authority(&server.address).to_owned();
    let long = format!("/{}.Service/{}", "a".repeat(30_000), "b".repeat(30_000));
    for path in [long.as_str(), "/indikator.v1.IndicatorService/Score"] {
        let mut stream = TcpStream::connect(&address).await.unwrap();
        let headers = [("content-type", "application/grpc-web+proto".into()), ("content-length", "0".into())];
        stream.write_all(head("POST", path, &headers).as_bytes()).await.unwrap();
        let answer = read_answer(&mut stream, Duration::from_secs(5)).await.expect("an answer");
        assert_eq!(answer.status, 200, "gRPC-Web answers with a status in its trailers");
        let line = server.log_line("call refused", Duration::from_secs(5)).await;
        assert!(line.len() < 1024, "an audit line of {} bytes", line.len());
        let expected = if path == long { "_OTHER/_OTHER" } else { "indikator.v1.IndicatorService/Score" };
        assert!(line.contains(&format!("\"method\":\"{expected}\"")), "{line}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_http_1_1_request_without_host_is_400() {
    let target = Target::start(&[]).await;
    let mut stream = TcpStream::connect(authority(&target.server.address)).await.unwrap();
    stream.write_all(b"GET /v1/methodologies HTTP/1.1\r\n\r\n").await.unwrap();
    let answer = read_answer(&mut stream, Duration::from_secs(5)).await.expect("an answer");
    assert_eq!(answer.status, 400, "{}", answer.body());
    assert!(answer.body().contains("Host"), "{}", answer.body());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn any_origin_starts_the_server_and_origins_match_without_their_trailing_slash() {
    for (flag, origin, allowed) in [
        ("*", "https://anywhere.example", "*"),
        ("https://Portal.Example.no/", "https://portal.example.no", "https://portal.example.no"),
    ] {
        let server = ServerProcess::launch(&["serve", "--listen", "127.0.0.1:0", "--cors-allowed-origin", flag], &[])
            .unwrap_or_else(|f| panic!("{flag}: the server did not start: {f:?}"));
        let headers = [("origin", origin), ("access-control-request-method", "POST")];
        let answer = crate::http::call(&server.address, "OPTIONS", "/v1/score", &headers, "").await;
        assert_eq!(
            answer.headers.get("access-control-allow-origin").map(|v| v.to_str().unwrap()),
            Some(allowed),
            "{flag}"
        );
    }
    let refused =
        ServerProcess::launch(&["serve", "--listen", "127.0.0.1:0", "--cors-allowed-origin", "portal.no"], &[])
            .err()
            .expect("a start-up error");
    assert!(refused.stderr.contains("--cors-allowed-origin portal.no: no scheme"), "{}", refused.stderr);
    assert_ne!(refused.code, Some(101), "no panic");
}

/// Fat records (256-byte ids, 800-byte names) in JSON Lines rounds, at a
/// budget of 32 MiB: the rounds that fit are served, the rest refused, and
/// RSS stays within the budget and the server's overhead (the allocator's
/// fixed mmap threshold returns freed buffers to the system).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_json_rounds_of_fat_records_keep_rss_near_the_budget() {
    const ROUNDS: usize = 24;
    const RECORDS: usize = 1_500;
    const BUDGET_MIB: u64 = 32;
    let budget = (BUDGET_MIB * 1024 * 1024).to_string();
    let mut target = Target::start(&[("INDIKATOR_MEMORY_BUDGET_BYTES", &budget)]).await;
    let numbers = crate::helpers::organisation_numbers(RECORDS);
    let mut response = crate::helpers::example_request().response.unwrap();
    response.respondent.as_mut().unwrap().name = "N".repeat(800);
    let base = target.reset_peak();
    let calls = (0..ROUNDS).map(|r| {
        let address = target.server.address.clone();
        let mut body = format!(
            "{{\"header\": {{\"roundId\": \"fat-{r}\", \"surveyYear\": 2018, \"calibration\": \"CALIBRATION_PUBLISHED\"}}}}\n"
        );
        for (i, n) in numbers.iter().enumerate() {
            let mut response = response.clone();
            response.respondent.as_mut().unwrap().organisation_number = n.clone();
            let record = serde_json::json!({"record": {"recordId": format!("{r}-{i:->250}"), "response": response}});
            body.push_str(&record.to_string());
            body.push('\n');
        }
        async move {
            let answer =
                crate::http::call(&address, "POST", "/v1/rounds:score", &[("content-type", "application/x-ndjson")], body)
                    .await;
            (answer.status, answer.text().lines().count())
        }
    });
    let outcomes = futures::future::join_all(calls).await;
    let served = outcomes.iter().filter(|(s, n)| *s == 200 && *n == RECORDS + 1).count();
    let refused = outcomes.iter().filter(|(s, _)| *s == 429).count();
    // A round refused after its first card ends with an @error line instead.
    let cut = outcomes.iter().filter(|(s, n)| *s == 200 && *n < RECORDS + 1).count();
    assert_eq!(served + refused + cut, ROUNDS, "{outcomes:?}");
    assert!(served >= 1, "{outcomes:?}");
    target.assert_peak_below(base, BUDGET_MIB * MIB + 64 * MIB, "24 JSON rounds of fat records, 32 MiB budget");
    target.serves_normally().await;
}
