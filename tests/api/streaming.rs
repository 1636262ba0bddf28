use futures::StreamExt;
use indikator_app::proto::v1::{self as pb, score_round_request::Item as In, score_round_response::Item as Out};
use tonic::Code;

use crate::helpers::{example_request, filler_records, spawn_app, spawn_app_with, when_all_taken};

fn stream_request(i: usize) -> pb::ScoreStreamRequest {
    let mut response = example_request().response.unwrap();
    if i % 10 == 3 {
        // Every tenth record is broken: a wrong check digit.
        response.respondent.as_mut().unwrap().organisation_number = "958935421".into();
    }
    pb::ScoreStreamRequest { record_id: format!("r{i}"), response: Some(response) }
}

#[tokio::test]
async fn score_stream_answers_10000_records_in_order_with_bad_ones_inline() {
    let mut app = spawn_app().await;
    let outbound = futures::stream::iter((0..10_000).map(stream_request));
    let mut inbound = app.client.score_stream(outbound).await.unwrap().into_inner();
    let mut seen = 0;
    while let Some(message) = inbound.message().await.unwrap() {
        assert_eq!(message.record_id, format!("r{seen}"));
        assert_eq!(message.sequence, seen as u64);
        match message.outcome.unwrap() {
            pb::score_stream_response::Outcome::Results(r) => {
                assert_ne!(seen % 10, 3);
                assert_eq!(r.ssb_2018.unwrap().digital_activity.unwrap().grade, 4);
            }
            pb::score_stream_response::Outcome::Error(e) => {
                assert_eq!(seen % 10, 3, "only the broken records fail");
                assert_eq!(e.code, Code::InvalidArgument as i32);
                assert_eq!(e.field_violations[0].field, "response.respondent.organisation_number");
            }
        }
        seen += 1;
    }
    assert_eq!(seen, 10_000);
}

fn header(calibration: pb::Calibration) -> pb::ScoreRoundRequest {
    pb::ScoreRoundRequest {
        item: Some(In::Header(pb::RoundHeader {
            round_id: "test-round".into(),
            survey_year: 2018,
            calibration: calibration as i32,
            ..Default::default()
        })),
    }
}

fn record(id: &str, org: &str, municipality: &str) -> pb::ScoreRoundRequest {
    let mut response = example_request().response.unwrap();
    let respondent = response.respondent.as_mut().unwrap();
    respondent.organisation_number = org.into();
    respondent.municipality_number = municipality.into();
    pb::ScoreRoundRequest { item: Some(In::Record(pb::RoundRecord { record_id: id.into(), response: Some(response) })) }
}

async fn run_round(
    app: &mut crate::helpers::TestApp,
    messages: Vec<pb::ScoreRoundRequest>,
) -> Result<Vec<pb::ScoreRoundResponse>, tonic::Status> {
    let mut inbound = app.client.score_round(futures::stream::iter(messages)).await?.into_inner();
    let mut out = Vec::new();
    while let Some(m) = inbound.message().await? {
        out.push(m);
    }
    Ok(out)
}

#[tokio::test]
async fn score_round_sends_cards_then_a_summary_that_accounts_for_every_record() {
    let mut app = spawn_app().await;
    let mut broken = record("bad", "958935420", "0301");
    if let Some(In::Record(r)) = broken.item.as_mut() {
        r.response.as_mut().unwrap().respondent.as_mut().unwrap().kind = 0;
    }
    let messages = vec![
        header(pb::Calibration::Published),
        record("oslo", "958935420", "0301"),
        record("bergen", "964338531", "4601"),
        record("oslo-again", "958935420", "0301"),
        broken,
    ];
    let out = run_round(&mut app, messages).await.unwrap();
    assert_eq!(out.len(), 5, "two cards, two rejections and the summary");
    let Some(Out::ScoreCard(first)) = &out[0].item else { panic!("{:?}", out[0]) };
    assert_eq!((first.record_id.as_str(), first.sequence), ("oslo", 0));
    let Some(Out::ScoreCard(second)) = &out[1].item else { panic!() };
    assert_eq!(second.results.as_ref().unwrap().respondent.as_ref().unwrap().county_name, "Vestland");
    let rejections: Vec<(&str, u64)> = out[2..4]
        .iter()
        .map(|m| match &m.item {
            Some(Out::Rejection(r)) => (r.record_id.as_str(), r.sequence),
            other => panic!("{other:?}"),
        })
        .collect();
    assert_eq!(rejections, [("oslo-again", 2), ("bad", 3)]);
    let Some(Out::Summary(summary)) = &out[4].item else { panic!() };
    let accounting = summary.accounting.as_ref().unwrap();
    assert_eq!((accounting.received, accounting.scored, accounting.rejected), (4, 2, 2));
    let rejected: Vec<(&str, u64)> = accounting.rejections.iter().map(|r| (r.record_id.as_str(), r.sequence)).collect();
    assert_eq!(rejected, [("oslo-again", 2), ("bad", 3)]);
    assert_eq!(accounting.rejections[1].field_violations[0].field, "response.respondent.kind");
    let overall = &summary.groups[0];
    assert_eq!((overall.dimension(), overall.n), (pb::GroupDimension::Overall, 2));
    assert_eq!(overall.composites[0].per_grade, [0, 0, 2, 0, 0]);
    let counties: Vec<&str> =
        summary.groups.iter().filter(|g| g.dimension() == pb::GroupDimension::County).map(|g| g.key.as_str()).collect();
    assert_eq!(counties, ["03", "46"]);
    assert_eq!(summary.calibration.as_ref().unwrap().used(), pb::Calibration::Published);
}

#[tokio::test]
async fn a_round_without_a_header_first_fails_as_a_whole() {
    let mut app = spawn_app().await;
    let status = run_round(&mut app, vec![record("x", "958935420", "0301")]).await.unwrap_err();
    assert_eq!(status.code(), Code::InvalidArgument);
    assert!(status.message().contains("header"), "{}", status.message());
    let status = run_round(&mut app, vec![]).await.unwrap_err();
    assert_eq!(status.code(), Code::InvalidArgument);
}

#[tokio::test]
async fn a_malformed_header_names_every_bad_field() {
    let mut app = spawn_app().await;
    let bad = pb::ScoreRoundRequest {
        item: Some(In::Header(pb::RoundHeader {
            round_id: " ".into(),
            survey_year: 18,
            calibration: 0,
            min_coverage: 0.0,
            codes_only: false,
        })),
    };
    let status = run_round(&mut app, vec![bad]).await.unwrap_err();
    assert_eq!(
        crate::helpers::violated_fields(&status),
        ["header.round_id", "header.survey_year", "header.calibration"]
    );
}

#[tokio::test]
async fn a_second_header_ends_the_round_with_nothing_emitted() {
    let mut app = spawn_app().await;
    let messages =
        vec![header(pb::Calibration::Published), record("a", "958935420", "0301"), header(pb::Calibration::Relative)];
    let status = run_round(&mut app, messages).await.unwrap_err();
    assert_eq!(status.code(), Code::InvalidArgument);
}

#[tokio::test]
async fn a_round_over_the_size_limit_is_refused_and_the_server_serves_the_next_round() {
    use indikator_core::round::RoundLimits;
    use indikator_server::ServerSettings;
    let settings = ServerSettings { round_limits: RoundLimits { max_records: 2 }, ..ServerSettings::default() };
    let mut app = spawn_app_with(settings).await;
    let messages = vec![
        header(pb::Calibration::Published),
        record("a", "958935420", "0301"),
        record("b", "964338531", "4601"),
        record("c", "971526920", "4602"),
    ];
    let status = run_round(&mut app, messages.clone()).await.unwrap_err();
    assert_eq!(status.code(), Code::ResourceExhausted);
    assert!(status.message().contains("more than 2 records"), "{}", status.message());
    let out = run_round(&mut app, messages[..3].to_vec()).await.unwrap();
    assert_eq!(out.len(), 3);
}

#[tokio::test]
async fn a_client_that_cancels_mid_round_leaves_the_server_healthy() {
    let mut app = spawn_app().await;
    // A header, a record and filler; the round stays open until cancelled.
    let messages = [header(pb::Calibration::Published), record("a", "958935420", "0301")]
        .into_iter()
        .chain(filler_records(2 * 1024 * 1024))
        .collect();
    let (messages, all_taken) = when_all_taken(messages);
    let mut client = app.client.clone();
    let call = tokio::spawn(async move { client.score_round(messages.chain(futures::stream::pending())).await });
    // Once the filler is taken, the server has read the header and the record: it is mid-round.
    all_taken.await;
    assert!(!call.is_finished(), "the round is still open");
    call.abort();
    let _ = call.await;

    let out =
        run_round(&mut app, vec![header(pb::Calibration::Relative), record("b", "964338531", "4601")]).await.unwrap();
    assert_eq!(out.len(), 2);
    let mut scored = app.client.score(example_request()).await.unwrap().into_inner();
    assert!(scored.results.take().unwrap().ssb_2018.is_some());
}

#[tokio::test]
async fn score_stream_outputs_arrive_while_the_client_is_still_sending() {
    let mut app = spawn_app().await;
    let (tx, rx) = tokio::sync::mpsc::channel(1);
    let mut inbound =
        app.client.score_stream(tokio_stream::wrappers::ReceiverStream::new(rx)).await.unwrap().into_inner();
    for i in 0..3 {
        tx.send(stream_request(i)).await.unwrap();
        let out = inbound.next().await.unwrap().unwrap();
        assert_eq!(out.record_id, format!("r{i}"), "answered before the next record is sent");
    }
    drop(tx);
    assert!(inbound.next().await.is_none());
}

/// Bad requests answered by Score (a status) and by ScoreStream (an inline
/// error): the same code, message and field violations, over the wire.
#[tokio::test]
async fn score_stream_inline_errors_match_score_statuses() {
    use tonic_types::StatusExt;
    let mut app = spawn_app().await;
    // The README's bad request: three violations.
    let readme: pb::ScoreRequest = serde_json::from_str(
        r#"{"response":{"respondent":{"organisationNumber":"958935421","kind":"RESPONDENT_KIND_MUNICIPALITY","municipalityNumber":"1301","name":"X","inhabitants":5,"surveyYear":2018},"ssb2018":{"strategy":{"areas":["STRATEGY_AREA_ROBOTISATION"]}}}}"#,
    )
    .unwrap();
    let mut no_respondent = example_request();
    no_respondent.response.as_mut().unwrap().respondent = None;
    let mut long_value = example_request();
    long_value.response.as_mut().unwrap().respondent.as_mut().unwrap().organisation_number = "x".repeat(5_000);
    let bad = [readme, no_respondent, long_value, pb::ScoreRequest::default()];

    let requests: Vec<_> = bad
        .iter()
        .enumerate()
        .map(|(i, r)| pb::ScoreStreamRequest { record_id: format!("bad-{i}"), response: r.response.clone() })
        .collect();
    let inline: Vec<_> =
        app.client.score_stream(futures::stream::iter(requests)).await.unwrap().into_inner().collect().await;
    assert_eq!(inline.len(), bad.len());
    for (i, (request, inline)) in bad.iter().zip(inline).enumerate() {
        let status = app.client.score(request.clone()).await.unwrap_err();
        let inline = inline.unwrap();
        assert_eq!((inline.record_id.as_str(), inline.sequence), (format!("bad-{i}").as_str(), i as u64));
        let Some(pb::score_stream_response::Outcome::Error(error)) = inline.outcome else { panic!("{inline:?}") };
        assert_eq!(error.code, status.code() as i32, "request {i}");
        assert_eq!(error.message, status.message(), "request {i}");
        let details = status.get_details_bad_request().expect("BadRequest details");
        let unary: Vec<_> = details.field_violations.iter().map(|f| (&f.field, &f.description)).collect();
        let inline: Vec<_> = error.field_violations.iter().map(|f| (&f.field, &f.description)).collect();
        assert!(!unary.is_empty(), "request {i}");
        assert_eq!(unary, inline, "request {i}");
    }
}
