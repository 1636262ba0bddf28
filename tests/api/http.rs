//! The JSON/HTTP API and gRPC-Web on the gRPC port, called over HTTP/1.1:
//! each route answers what its gRPC method answers; bad bodies, unknown
//! routes, wrong verbs and oversized bodies get their documented statuses;
//! the middleware (memory budget, authorization) applies to JSON calls too.

use std::time::Duration;

use bytes::{Buf, BufMut, Bytes, BytesMut};
use http_body_util::{BodyExt, Full};
use hyper_util::rt::TokioIo;
use indikator_app::proto::v1 as pb;
use indikator_server::{AuthSettings, BearerSettings, JwksSource, ServerSettings};
use serde_json::Value;

use crate::auth::{AUDIENCE, ISSUER, JwksServer, claims, jwks, primary};
use crate::helpers::{example_request, spawn_app_with};

pub struct Answer {
    pub status: u16,
    pub headers: http::HeaderMap,
    pub body: Bytes,
}

impl Answer {
    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body).unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&self.body)))
    }

    pub fn text(&self) -> String {
        String::from_utf8(self.body.to_vec()).expect("UTF-8")
    }

    /// The field violations of a google.rpc.Status body.
    fn violations(&self) -> Vec<(String, String)> {
        let body = self.json();
        let details = body["details"].as_array().cloned().unwrap_or_default();
        let bad =
            details.iter().find(|d| d["@type"] == "type.googleapis.com/google.rpc.BadRequest").expect("BadRequest");
        bad["fieldViolations"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| (v["field"].as_str().unwrap().to_owned(), v["description"].as_str().unwrap().to_owned()))
            .collect()
    }
}

/// One HTTP/1.1 request on a fresh connection to `address` (`http://host:port`).
pub async fn call(address: &str, method: &str, path: &str, headers: &[(&str, &str)], body: impl Into<Bytes>) -> Answer {
    let authority = address.trim_start_matches("http://");
    let stream = tokio::net::TcpStream::connect(authority).await.expect("connect");
    let (mut sender, connection) =
        hyper::client::conn::http1::handshake(TokioIo::new(stream)).await.expect("HTTP/1.1 handshake");
    tokio::spawn(connection);
    let mut request = http::Request::builder().method(method).uri(path).header("host", authority);
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    let request = request.body(Full::new(body.into())).unwrap();
    let response = sender.send_request(request).await.expect("an answer");
    let status = response.status().as_u16();
    let headers = response.headers().clone();
    let body = response.into_body().collect().await.expect("the whole body").to_bytes();
    Answer { status, headers, body }
}

const JSON: (&str, &str) = ("content-type", "application/json");
const NDJSON: (&str, &str) = ("content-type", "application/x-ndjson");

fn settings() -> ServerSettings {
    ServerSettings { drain_delay: Duration::ZERO, ..ServerSettings::default() }
}

fn parse<T: serde::de::DeserializeOwned>(json: &[u8]) -> T {
    serde_json::from_slice(json).unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(json)))
}

fn lines<T: serde::de::DeserializeOwned>(body: &[u8]) -> Vec<T> {
    body.split(|&b| b == b'\n').filter(|l| !l.is_empty()).map(parse).collect()
}

const ROUND: &str = include_str!("../../examples/round-2018.jsonl");

/// The example round's records as ScoreStream requests.
fn stream_requests() -> Vec<pb::ScoreStreamRequest> {
    ROUND
        .lines()
        .filter_map(|line| match parse::<pb::ScoreRoundRequest>(line.as_bytes()).item {
            Some(pb::score_round_request::Item::Record(r)) => {
                Some(pb::ScoreStreamRequest { record_id: r.record_id, response: r.response })
            }
            _ => None,
        })
        .collect()
}

fn to_lines<T: serde::Serialize>(messages: &[T]) -> String {
    messages.iter().map(|m| serde_json::to_string(m).unwrap() + "\n").collect()
}

#[tokio::test]
async fn each_unary_json_route_answers_what_its_grpc_method_answers() {
    let app = spawn_app_with(settings()).await;
    let mut client = app.client.clone();

    let body = serde_json::to_vec(&example_request()).unwrap();
    let answer = call(&app.address, "POST", "/v1/score", &[JSON], body).await;
    assert_eq!(answer.status, 200, "{}", answer.text());
    assert_eq!(answer.headers["content-type"], "application/json");
    let grpc = client.score(example_request()).await.unwrap().into_inner();
    assert_eq!(parse::<pb::ScoreResponse>(&answer.body), grpc);

    let all = client.get_methodology(pb::GetMethodologyRequest::default()).await.unwrap().into_inner();
    let answer = call(&app.address, "GET", "/v1/methodologies", &[], "").await;
    assert_eq!(parse::<pb::GetMethodologyResponse>(&answer.body), all);
    assert_eq!(all.methodologies.len(), 3);

    let one = pb::GetMethodologyRequest { methodology_id: "ks-2018".into() };
    let grpc = client.get_methodology(one).await.unwrap().into_inner();
    for path in [
        "/v1/methodologies/ks-2018",
        "/v1/methodologies?methodologyId=ks-2018",
        "/v1/methodologies?methodology_id=ks%2D2018",
    ] {
        let answer = call(&app.address, "GET", path, &[], "").await;
        assert_eq!(answer.status, 200, "{path}: {}", answer.text());
        assert_eq!(parse::<pb::GetMethodologyResponse>(&answer.body), grpc, "{path}");
    }
}

#[tokio::test]
async fn json_lines_rounds_streams_and_comparisons_answer_what_the_grpc_streams_answer() {
    let app = spawn_app_with(settings()).await;
    let mut client = app.client.clone();

    let answer = call(&app.address, "POST", "/v1/rounds:score", &[NDJSON], ROUND).await;
    assert_eq!(answer.status, 200, "{}", answer.text());
    assert_eq!(answer.headers["content-type"], "application/x-ndjson");
    let requests: Vec<pb::ScoreRoundRequest> = lines(ROUND.as_bytes());
    let mut grpc = client.score_round(futures::stream::iter(requests)).await.unwrap().into_inner();
    let mut expected = Vec::new();
    while let Some(m) = grpc.message().await.unwrap() {
        expected.push(m);
    }
    assert_eq!(lines::<pb::ScoreRoundResponse>(&answer.body), expected);
    assert!(expected.len() > 100, "the example round has cards and a summary");

    let requests = stream_requests();
    let answer = call(&app.address, "POST", "/v1/responses:score", &[NDJSON], to_lines(&requests)).await;
    assert_eq!(answer.status, 200, "{}", answer.text());
    let mut grpc = client.score_stream(futures::stream::iter(requests.clone())).await.unwrap().into_inner();
    let mut expected = Vec::new();
    while let Some(m) = grpc.message().await.unwrap() {
        expected.push(m);
    }
    assert_eq!(lines::<pb::ScoreStreamResponse>(&answer.body), expected);
    assert_eq!(expected.len(), requests.len());

    // CompareRounds: the example round against itself.
    let side = lines::<pb::ScoreRoundRequest>(ROUND.as_bytes()).into_iter().map(|m| pb::CompareRoundsRequest {
        item: Some(match m.item.unwrap() {
            pb::score_round_request::Item::Header(round) => {
                pb::compare_rounds_request::Item::Header(pb::CompareRoundHeader {
                    round: Some(round),
                    ..Default::default()
                })
            }
            pb::score_round_request::Item::Record(record) => pb::compare_rounds_request::Item::Record(record),
        }),
    });
    let requests: Vec<pb::CompareRoundsRequest> = side.clone().chain(side).collect();
    let answer = call(&app.address, "POST", "/v1/rounds:compare", &[NDJSON], to_lines(&requests)).await;
    assert_eq!(answer.status, 200, "{}", answer.text());
    let mut grpc = client.compare_rounds(futures::stream::iter(requests)).await.unwrap().into_inner();
    let mut expected = Vec::new();
    while let Some(m) = grpc.message().await.unwrap() {
        expected.push(m);
    }
    assert_eq!(lines::<pb::CompareRoundsResponse>(&answer.body), expected);
    assert_eq!(expected.len(), 377 + 1, "a card per respondent, then the summary");
}

#[tokio::test]
async fn a_bad_body_is_400_with_the_field_violations_as_a_google_rpc_status() {
    let app = spawn_app_with(settings()).await;
    let cases: [(&str, &[(&str, &str)]); 4] = [
        // Valid JSON, invalid request: the service's own validation.
        (r#"{"response": {}}"#, &[("response.respondent", "is required")]),
        (r#"{"response": "#, &[("body", "EOF while parsing")]),
        (
            r#"{"response": {"respondent": {"kind": "RESPONDENT_KIND_VILLAGE"}}}"#,
            &[("body", "RESPONDENT_KIND_VILLAGE")],
        ),
        (r#"{"respons": {}}"#, &[("body", "unknown field `respons`")]),
    ];
    for (body, expected) in cases {
        let answer = call(&app.address, "POST", "/v1/score", &[JSON], body).await;
        assert_eq!(answer.status, 400, "{body}: {}", answer.text());
        assert_eq!(answer.json()["code"], 3);
        let violations = answer.violations();
        assert_eq!(violations.len(), expected.len(), "{body}: {violations:?}");
        for ((field, description), (want_field, want)) in violations.iter().zip(expected) {
            assert_eq!(field, want_field, "{body}");
            assert!(description.contains(want), "{body}: {description:?} lacks {want:?}");
        }
    }
    let answer = call(&app.address, "GET", "/v1/methodologies/nope", &[], "").await;
    assert_eq!(answer.status, 400);
    assert_eq!(answer.violations()[0].0, "methodology_id");
    let answer = call(&app.address, "POST", "/v1/score", &[("content-type", "text/plain")], "{}").await;
    assert_eq!(answer.status, 415, "{}", answer.text());
}

#[tokio::test]
async fn unknown_routes_are_404_and_wrong_verbs_405_naming_the_allowed_ones() {
    let app = spawn_app_with(settings()).await;
    for path in ["/", "/v1", "/v1/scores", "/v1/methodologies/ks-2018/items", "/v2/score"] {
        let answer = call(&app.address, "GET", path, &[], "").await;
        assert_eq!(answer.status, 404, "{path}");
        assert_eq!(answer.json()["code"], 5, "{path}");
    }
    let answer = call(&app.address, "GET", "/v1/score", &[], "").await;
    assert_eq!(answer.status, 405);
    assert_eq!(answer.headers["allow"], "POST");
    let answer = call(&app.address, "DELETE", "/v1/methodologies", &[], "").await;
    assert_eq!(answer.status, 405);
    assert_eq!(answer.headers["allow"], "GET");
    let answer = call(&app.address, "POST", "/openapi.json", &[JSON], "{}").await;
    assert_eq!(answer.status, 405);
}

#[tokio::test]
async fn a_body_over_the_message_limit_is_413_and_a_line_over_it_is_400_naming_the_line() {
    let app = spawn_app_with(ServerSettings { max_message_bytes: 64 * 1024, ..settings() }).await;
    let big = format!(r#"{{"response": {{"respondent": {{"name": "{}"}}}}}}"#, "x".repeat(70 * 1024));
    let answer = call(&app.address, "POST", "/v1/score", &[JSON], big.clone()).await;
    assert_eq!(answer.status, 413, "{}", answer.text());
    assert_eq!(answer.json()["code"], 8);

    let header = ROUND.lines().next().unwrap();
    let record = ROUND.lines().nth(1).unwrap();
    let body = format!("{header}\n{record}\n{big}\n");
    let answer = call(&app.address, "POST", "/v1/rounds:score", &[NDJSON], body).await;
    assert_eq!(answer.status, 400, "{}", answer.text());
    assert_eq!(answer.violations()[0].0, "line 3");
}

#[tokio::test]
async fn a_bad_json_line_fails_a_round_before_it_answers_and_ends_a_stream_with_an_error_line() {
    let app = spawn_app_with(settings()).await;
    let mut round: Vec<&str> = ROUND.lines().take(5).collect();
    round.insert(3, r#"{"record": {"recordId": "x", "response": 7}}"#);
    let answer = call(&app.address, "POST", "/v1/rounds:score", &[NDJSON], round.join("\n")).await;
    assert_eq!(answer.status, 400, "{}", answer.text());
    let violations = answer.violations();
    assert_eq!(violations[0].0, "line 4");
    assert!(violations[0].1.contains("invalid type"), "{violations:?}");

    // ScoreStream answers each line as it comes: the two good lines, then the error.
    let requests = stream_requests();
    let mut body = to_lines(&requests[..2]);
    body.push_str("\n{\"recordId\": 5, \"response\": []}\n");
    body.push_str(&to_lines(&requests[2..3]));
    let answer = call(&app.address, "POST", "/v1/responses:score", &[NDJSON], body).await;
    assert_eq!(answer.status, 200);
    let lines: Vec<Value> = lines(&answer.body);
    assert_eq!(lines.len(), 3, "{}", answer.text());
    assert_eq!(lines[0]["recordId"], requests[0].record_id.as_str());
    assert_eq!(lines[1]["recordId"], requests[1].record_id.as_str());
    let error = &lines[2]["@error"];
    assert_eq!(error["code"], 3, "{error}");
    assert_eq!(error["details"][0]["fieldViolations"][0]["field"], "line 4", "{error}");
}

#[tokio::test]
async fn the_openapi_document_is_served_and_is_the_committed_one() {
    let app = spawn_app_with(settings()).await;
    let answer = call(&app.address, "GET", "/openapi.json", &[], "").await;
    assert_eq!(answer.status, 200);
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/docs/openapi.json");
    if std::env::var_os("UPDATE_GOLDEN").is_some() {
        std::fs::write(path, &answer.body).unwrap();
    }
    let committed = std::fs::read(path).expect("docs/openapi.json (UPDATE_GOLDEN=1 writes it)");
    assert!(committed == answer.body, "docs/openapi.json is stale: run UPDATE_GOLDEN=1 cargo test --test api openapi");
    let document = answer.json();
    assert_eq!(document["openapi"], "3.1.0");
    let score = &document["paths"]["/v1/score"]["post"];
    assert_eq!(score["x-grpc-method"], "/indikator.v1.IndicatorService/Score");
    // proto3 JSON: enum names as strings, 64-bit integers as strings, null for a default.
    let schemas = &document["components"]["schemas"];
    let string_or_null = serde_json::json!(["string", "null"]);
    assert_eq!(schemas["indikator.v1.Respondent"]["properties"]["kind"]["type"], string_or_null);
    assert_eq!(schemas["indikator.v1.RoundAccounting"]["properties"]["received"]["type"], string_or_null);
    assert_eq!(schemas["indikator.v1.RoundAccounting"]["properties"]["received"]["format"], "uint64");
}

#[tokio::test]
async fn cors_preflights_are_answered_only_for_allowed_origins() {
    let allowed = "https://portal.example.no";
    let app = spawn_app_with(ServerSettings { cors_allowed_origins: vec![allowed.into()], ..settings() }).await;
    let preflight = |origin: &'static str| {
        let address = app.address.clone();
        async move {
            let headers = [
                ("origin", origin),
                ("access-control-request-method", "POST"),
                ("access-control-request-headers", "content-type,x-grpc-web,authorization"),
            ];
            call(&address, "OPTIONS", "/indikator.v1.IndicatorService/Score", &headers, "").await
        }
    };
    let answer = preflight(allowed).await;
    assert_eq!(answer.headers["access-control-allow-origin"], allowed);
    let methods = answer.headers["access-control-allow-methods"].to_str().unwrap().to_owned();
    assert!(methods.contains("POST"), "{methods}");
    let answer = preflight("https://elsewhere.example").await;
    assert!(answer.headers.get("access-control-allow-origin").is_none(), "{:?}", answer.headers);

    // A simple JSON call from the allowed origin can read the answer.
    let answer = call(&app.address, "GET", "/v1/methodologies", &[("origin", allowed)], "").await;
    assert_eq!(answer.headers["access-control-allow-origin"], allowed);

    // Without configured origins there is no CORS at all.
    let closed = spawn_app_with(settings()).await;
    let answer = call(&closed.address, "GET", "/v1/methodologies", &[("origin", allowed)], "").await;
    assert_eq!(answer.status, 200);
    assert!(answer.headers.get("access-control-allow-origin").is_none());
}

/// A gRPC-Web body: the message frame.
fn grpc_web_frame(message: &impl prost::Message) -> Bytes {
    let bytes = message.encode_to_vec();
    let mut framed = BytesMut::new();
    framed.put_u8(0);
    framed.put_u32(bytes.len() as u32);
    framed.put_slice(&bytes);
    framed.freeze()
}

/// The message and the trailer frame's `grpc-status` of a gRPC-Web answer.
fn grpc_web_answer<M: prost::Message + Default>(mut body: Bytes) -> (Option<M>, String) {
    let mut message = None;
    let mut status = String::new();
    while body.len() >= 5 {
        let flag = body.get_u8();
        let len = body.get_u32() as usize;
        let frame = body.split_to(len);
        if flag & 0x80 == 0 {
            message = Some(M::decode(frame).unwrap());
        } else {
            let trailers = String::from_utf8(frame.to_vec()).unwrap();
            status = trailers
                .lines()
                .find_map(|l| l.strip_prefix("grpc-status:"))
                .map(|s| s.trim().to_owned())
                .unwrap_or_default();
        }
    }
    (message, status)
}

#[tokio::test]
async fn grpc_web_binary_and_text_calls_are_served_over_http_1_1_on_the_same_port() {
    use base64::Engine as _;
    let app = spawn_app_with(settings()).await;
    let mut client = app.client.clone();
    let expected = client.score(example_request()).await.unwrap().into_inner();

    let headers = [("content-type", "application/grpc-web+proto"), ("x-grpc-web", "1")];
    let answer = call(
        &app.address,
        "POST",
        "/indikator.v1.IndicatorService/Score",
        &headers,
        grpc_web_frame(&example_request()),
    )
    .await;
    assert_eq!(answer.status, 200);
    let (message, status) = grpc_web_answer::<pb::ScoreResponse>(answer.body);
    assert_eq!(status, "0");
    assert_eq!(message.unwrap(), expected);

    let b64 = base64::engine::general_purpose::STANDARD;
    let headers = [("content-type", "application/grpc-web-text"), ("x-grpc-web", "1")];
    let body = b64.encode(grpc_web_frame(&pb::GetMethodologyRequest { methodology_id: "nope".into() }));
    let answer = call(&app.address, "POST", "/indikator.v1.IndicatorService/GetMethodology", &headers, body).await;
    assert_eq!(answer.status, 200);
    let decoded = Bytes::from(
        b64.decode(answer.body.as_ref())
            .or_else(|_| {
                // Each frame may be encoded on its own: decode them one by one.
                let text = String::from_utf8(answer.body.to_vec()).unwrap();
                let mut out = Vec::new();
                for part in text.split_inclusive('=').filter(|p| !p.is_empty()) {
                    out.extend(b64.decode(part)?);
                }
                Ok::<_, base64::DecodeError>(out)
            })
            .unwrap(),
    );
    let (message, status) = grpc_web_answer::<pb::GetMethodologyResponse>(decoded);
    assert!(message.is_none());
    // An error before any message comes as headers only.
    let status = answer.headers.get("grpc-status").map(|s| s.to_str().unwrap().to_owned()).unwrap_or(status);
    assert_eq!(status, "3", "INVALID_ARGUMENT for an unknown methodology");
}

#[tokio::test]
async fn json_calls_pass_the_same_memory_budget_as_grpc_calls() {
    // A budget smaller than the body: refused with 429, as a gRPC call would be.
    let app = spawn_app_with(ServerSettings { memory_budget_bytes: 4 * 1024, ..settings() }).await;
    let body = serde_json::to_vec(&example_request()).unwrap();
    assert!(body.len() * 3 > 4 * 1024);
    let answer = call(&app.address, "POST", "/v1/score", &[JSON], body).await;
    assert_eq!(answer.status, 429, "{}", answer.text());
    assert_eq!(answer.json()["code"], 8);
}

#[tokio::test]
async fn json_routes_refuse_missing_tokens_with_401_and_missing_scopes_with_403() {
    let server = JwksServer::start(jwks(&[primary()])).await;
    let bearer = BearerSettings {
        audience: Some(AUDIENCE.into()),
        ..BearerSettings::new(JwksSource::Url(server.url.clone()), ISSUER)
    };
    let app = spawn_app_with(ServerSettings {
        auth: AuthSettings { bearer: Some(bearer), ..AuthSettings::default() },
        ..settings()
    })
    .await;
    let body = serde_json::to_vec(&example_request()).unwrap();

    let answer = call(&app.address, "POST", "/v1/score", &[JSON], body.clone()).await;
    assert_eq!(answer.status, 401, "{}", answer.text());
    assert_eq!(answer.headers["www-authenticate"], "Bearer");
    assert_eq!(answer.json()["code"], 16);
    assert!(answer.json()["message"].as_str().unwrap().contains("no bearer token"));

    let wrong = format!("Bearer {}", primary().sign(&claims("indikator:rounds")));
    let answer = call(&app.address, "POST", "/v1/score", &[JSON, ("authorization", &wrong)], body.clone()).await;
    assert_eq!(answer.status, 403, "{}", answer.text());
    assert_eq!(answer.json()["code"], 7);
    assert!(answer.json()["message"].as_str().unwrap().contains("indikator:score"));

    let right = format!("Bearer {}", primary().sign(&claims("indikator:score")));
    let answer = call(&app.address, "POST", "/v1/score", &[JSON, ("authorization", &right)], body).await;
    assert_eq!(answer.status, 200, "{}", answer.text());
    // GetMethodology stays open.
    assert_eq!(call(&app.address, "GET", "/v1/methodologies", &[], "").await.status, 200);
}
