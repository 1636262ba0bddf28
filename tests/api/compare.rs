//! CompareRounds (docs/method.md §7): two rounds compared respondent by
//! respondent and group by group, through a correspondence table for mergers;
//! grade robustness in score cards and round summaries; `indikator compare`.

use std::path::{Path, PathBuf};

use indikator_app::proto::v1::{self as pb, compare_rounds_request::Item as In, compare_rounds_response::Item as Out};
use indikator_client::compare::{self, CompareJob};
use indikator_core::catalogue::Catalogues;
use indikator_core::domain::OrganisationNumber;

use crate::helpers::{spawn_app, violated_fields};

/// The n-th distinct valid organisation number (from 40,000,000 on).
fn org(n: u32) -> String {
    (40_000_000 + n * 100..)
        .find_map(|k| {
            let digits: Vec<u32> = format!("{k:08}").chars().map(|c| c.to_digit(10).unwrap()).collect();
            OrganisationNumber::check_digit(&digits).map(|d| format!("{k:08}{d}"))
        })
        .unwrap()
}

fn respondent(n: u32, municipality: &str, year: u32) -> pb::Respondent {
    pb::Respondent {
        organisation_number: org(n),
        kind: if municipality.is_empty() { pb::RespondentKind::StateAgency } else { pb::RespondentKind::Municipality }
            as i32,
        municipality_number: municipality.into(),
        county_number: String::new(),
        name: format!("Respondent {n}"),
        inhabitants: if municipality.is_empty() { 0 } else { 5_000 },
        survey_year: year,
    }
}

/// A response with `strategy` strategy areas and `projects` project areas
/// (0: none, so the score is 0).
fn record(id: &str, respondent: pb::Respondent, strategy: i32, projects: i32) -> pb::CompareRoundsRequest {
    let answers = pb::Ssb2018Answers {
        strategy: Some(pb::Ssb2018Strategy { has_strategy: strategy > 0, areas: (1..=strategy).collect() }),
        projects: Some(pb::Ssb2018Projects { has_projects: projects > 0, areas: (1..=projects).collect() }),
        ..Default::default()
    };
    let response = pb::SurveyResponse { respondent: Some(respondent), ssb_2018: Some(answers), ..Default::default() };
    pb::CompareRoundsRequest {
        item: Some(In::Record(pb::RoundRecord { record_id: id.into(), response: Some(response) })),
    }
}

fn header(year: u32, correspondence: &[(&str, &str)]) -> pb::CompareRoundsRequest {
    header_with(year, pb::Calibration::Published, correspondence)
}

fn header_with(year: u32, calibration: pb::Calibration, correspondence: &[(&str, &str)]) -> pb::CompareRoundsRequest {
    pb::CompareRoundsRequest {
        item: Some(In::Header(pb::CompareRoundHeader {
            round: Some(pb::RoundHeader {
                round_id: format!("round-{year}"),
                survey_year: year,
                calibration: calibration as i32,
                ..Default::default()
            }),
            correspondence: correspondence
                .iter()
                .map(|(old, new)| pb::Correspondence { old_number: (*old).into(), new_number: (*new).into() })
                .collect(),
            match_by: 0,
        })),
    }
}

struct Compared {
    cards: Vec<pb::ComparisonCard>,
    summary: pb::ComparisonSummary,
}

async fn compare_on_server(messages: Vec<pb::CompareRoundsRequest>) -> Result<Compared, tonic::Status> {
    let mut app = spawn_app().await;
    let mut inbound = app.client.compare_rounds(futures::stream::iter(messages)).await?.into_inner();
    let mut cards = Vec::new();
    while let Some(m) = inbound.message().await? {
        match m.item.unwrap() {
            Out::Card(c) => cards.push(c),
            Out::Summary(summary) => return Ok(Compared { cards, summary }),
        }
    }
    panic!("no summary")
}

fn group<'a>(s: &'a pb::ComparisonSummary, dimension: pb::GroupDimension, key: &str) -> &'a pb::GroupComparison {
    s.groups
        .iter()
        .find(|g| g.dimension() == dimension && g.key == key)
        .unwrap_or_else(|| panic!("group {dimension:?} {key}"))
}

fn change<'a>(changes: &'a [pb::IndicatorChange], id: &str) -> &'a pb::IndicatorChange {
    changes.iter().find(|c| c.indicator == id).unwrap()
}

/// The hand-built pair of rounds. Digital priority (S = strategy score, P =
/// project score; docs/method.md §1.1; strategy 10 areas scores 3, 12 scores 4,
/// 1 scores 1; projects 7 scores 3, 9 scores 4, 1 scores 1):
///
/// | 2018 | number | S, P | grade | 2020 | number | S, P | grade |
/// |---|---|---|---|---|---|---|---|
/// | A | 1201 | 3, 0 | 2 | Z (new org.) | 4601 | 3, 3 | 4 |
/// | B | 1247 | 0, 0 | 0 | ↑ merged with A | | | |
/// | C | 0301 | 1, 1 | 1 | C | 0301 | 1, 0 | 1 |
/// | D | 1103 | 4, 4 | 4 | — left | | | |
/// | S (state agency) | — | 1, 3 | 3 | S | — | 1, 1 | 1 |
/// | — entered | | | | E | 5001 | 4, 4 | 4 |
///
/// The correspondence maps 1201 and 1247 to 4601, so A and B both match Z
/// (two pairs, each counted); C matches by its unchanged number, S by its
/// organisation number. Transition table (then × now), overall:
/// (2 → 4) A→Z, (0 → 4) B→Z, (1 → 1) C, (3 → 1) S: n 4, rose 2, stayed 1,
/// fell 1; entered 1 (E), left 1 (D). Municipalities: the same without S
/// (n 3, rose 2, stayed 1). County 46 (Vestland, the current structure): A→Z
/// and B→Z, matched 2; county 11 (Rogaland): D left; county 50: E entered.
fn hand_built() -> Vec<pb::CompareRoundsRequest> {
    vec![
        header(2018, &[("1201", "4601"), ("1247", "4601")]),
        record("A", respondent(1, "1201", 2018), 10, 0),
        record("B", respondent(2, "1247", 2018), 0, 0),
        record("C", respondent(3, "0301", 2018), 1, 1),
        record("D", respondent(4, "1103", 2018), 12, 9),
        record("S", respondent(5, "", 2018), 1, 7),
        header(2020, &[]),
        record("Z", respondent(6, "4601", 2020), 10, 7),
        record("C", respondent(3, "0301", 2020), 1, 0),
        record("E", respondent(7, "5001", 2020), 13, 10),
        record("S", respondent(5, "", 2020), 1, 1),
    ]
}

#[tokio::test]
async fn hand_built_rounds_give_the_transition_tables_worked_out_by_hand() {
    let c = compare_on_server(hand_built()).await.unwrap();

    // Cards: the current respondents in order, each after its predecessors, then who left.
    let ids: Vec<(&str, &str, i32, u32)> = c
        .cards
        .iter()
        .map(|k| (k.baseline_record_id.as_str(), k.current_record_id.as_str(), k.presence, k.predecessors))
        .collect();
    let (both, entered, left) = (pb::Presence::Both as i32, pb::Presence::Entered as i32, pb::Presence::Left as i32);
    assert_eq!(
        ids,
        [
            ("A", "Z", both, 2),
            ("B", "Z", both, 2),
            ("C", "C", both, 1),
            ("", "E", entered, 0),
            ("S", "S", both, 1),
            ("D", "", left, 0)
        ]
    );
    let a = &c.cards[0];
    let priority = change(&a.ssb_2018, "ssb-2018/digital_priority");
    assert_eq!((priority.then, priority.now, priority.change), (Some(2.0), Some(4.0), Some(2.0)));
    let projects = change(&a.ssb_2018, "ssb-2018/projects");
    assert_eq!((projects.then, projects.now, projects.change), (Some(0.0), Some(3.0), Some(3.0)));
    let d = &c.cards[5];
    assert!(d.current.is_none() && d.baseline.is_some());
    assert_eq!(change(&d.ssb_2018, "ssb-2018/digital_priority").change, None);
    // The baseline's municipality is shown under its current number.
    let profile = a.baseline.as_ref().unwrap().respondent.as_ref().unwrap();
    assert_eq!((profile.municipality_number.as_str(), profile.county_number.as_str()), ("4601", "46"));

    let s = &c.summary;
    assert_eq!(s.match_by(), pb::MatchBy::MunicipalityNumber);
    assert_eq!(s.correspondence_lines, 2);
    let mut expected = [0u64; 25];
    expected[2 * 5 + 4] = 1; // A → Z
    expected[4] = 1; // B → Z
    expected[5 + 1] = 1; // C
    expected[3 * 5 + 1] = 1; // S
    let all = group(s, pb::GroupDimension::Overall, "all");
    assert_eq!((all.matched, all.entered, all.left), (4, 1, 1));
    let t = &all.transitions[0];
    assert_eq!(t.indicator, "ssb-2018/digital_priority");
    assert_eq!(t.cells, expected);
    assert_eq!((t.n, t.rose, t.stayed, t.fell), (4, 2, 1, 1));
    assert_eq!((t.share_rose, t.share_stayed, t.share_fell), (0.5, 0.25, 0.25));
    // Neither round answered cloud or procurement: the activity tables are empty.
    assert_eq!((all.transitions[1].n, all.transitions[2].n), (0, 0));

    let municipalities = group(s, pb::GroupDimension::RespondentKind, "RESPONDENT_KIND_MUNICIPALITY");
    assert_eq!((municipalities.matched, municipalities.entered, municipalities.left), (3, 1, 1));
    let t = &municipalities.transitions[0];
    assert_eq!((t.n, t.rose, t.stayed, t.fell), (3, 2, 1, 0));
    let vestland = group(s, pb::GroupDimension::County, "46");
    assert_eq!((vestland.matched, vestland.entered, vestland.left), (2, 0, 0));
    assert_eq!(vestland.transitions[0].cells.iter().sum::<u64>(), 2);
    let rogaland = group(s, pb::GroupDimension::County, "11");
    assert_eq!((rogaland.matched, rogaland.entered, rogaland.left), (0, 0, 1));
    let trondelag = group(s, pb::GroupDimension::County, "50");
    assert_eq!((trondelag.matched, trondelag.entered, trondelag.left), (0, 1, 0));

    // Simple scores by group, from each round's own tables: strategy scores of
    // the municipalities then (A 3, B 0, C 1, D 4) and now (Z 3, C 1, E 4).
    let strategy = &municipalities.scores[0];
    assert_eq!(strategy.indicator, "ssb-2018/strategy");
    assert_eq!((strategy.n_then, strategy.n_now), (4, 3));
    assert_eq!(strategy.share_then, [25.0, 25.0, 0.0, 25.0, 25.0]);
    let third = 100.0 * (1.0 / 3.0);
    assert_eq!(strategy.share_now, [0.0, third, 0.0, third, third]);
    let mean = strategy.mean_score.as_ref().unwrap();
    assert_eq!((mean.then, mean.now), (Some(2.0), Some(8.0 / 3.0)));
    // Vestland then: A and B, folded under 4601; now Z.
    assert_eq!((vestland.scores[0].n_then, vestland.scores[0].n_now), (2, 1));
    // Item shares: «has a strategy» among the municipalities, 3 of 4 then, 3 of 3 now.
    let has_strategy = s.item_layout.iter().position(|l| l.item == "HAS_STRATEGY").unwrap() as u32;
    let item = municipalities.items.iter().find(|i| i.item == has_strategy).unwrap();
    assert_eq!((item.base_then, item.base_now), (4, 3));
    assert_eq!(item.change_points[0], 100.0 - 75.0);
}

/// docs/method.md §7: a round compared with itself has every transition on the
/// diagonal and every change zero.
#[tokio::test]
async fn a_round_compared_with_itself_stays_on_the_diagonal() {
    let text = std::fs::read_to_string(example("round-2018.jsonl")).unwrap();
    let side = || {
        text.lines().map(|line| {
            let m: pb::ScoreRoundRequest = serde_json::from_str(line).unwrap();
            pb::CompareRoundsRequest {
                item: m.item.map(|item| match item {
                    pb::score_round_request::Item::Header(round) => {
                        In::Header(pb::CompareRoundHeader { round: Some(round), ..Default::default() })
                    }
                    pb::score_round_request::Item::Record(r) => In::Record(r),
                }),
            }
        })
    };
    let messages: Vec<_> = side().chain(side()).collect();
    let c = compare_on_server(messages).await.unwrap();
    assert_eq!(c.cards.len(), 377);
    for card in &c.cards {
        assert_eq!(card.presence(), pb::Presence::Both);
        for x in &card.ssb_2018 {
            assert_eq!(x.change, Some(0.0), "{} {}", card.current_record_id, x.indicator);
        }
    }
    for g in &c.summary.groups {
        assert_eq!((g.entered, g.left), (0, 0), "{}", g.key);
        for t in &g.transitions {
            for (i, &n) in t.cells.iter().enumerate() {
                if i / 5 != i % 5 {
                    assert_eq!(n, 0, "{} {} cell {i}", g.key, t.indicator);
                }
            }
            assert_eq!((t.rose, t.fell, t.stayed), (0, 0, g.matched), "{} {}", g.key, t.indicator);
        }
        for sc in &g.scores {
            assert!(sc.change_points.iter().all(|&x| x == 0.0), "{} {}", g.key, sc.indicator);
            assert_eq!(sc.mean_score.as_ref().unwrap().change.unwrap_or(0.0), 0.0);
        }
        for item in &g.items {
            assert!(item.change_points.iter().all(|&x| x == 0.0), "{} item {}", g.key, item.item);
        }
    }
    let all = group(&c.summary, pb::GroupDimension::Overall, "all");
    assert_eq!(all.transitions[0].cells.iter().step_by(6).copied().collect::<Vec<_>>(), [34, 105, 29, 110, 99]);
}

async fn refused(messages: Vec<pb::CompareRoundsRequest>) -> (Vec<String>, String) {
    let status = compare_on_server(messages).await.err().expect("the comparison is refused");
    (violated_fields(&status), status.message().to_owned())
}

#[tokio::test]
async fn bad_comparisons_fail_before_emitting_and_name_the_field() {
    // A correspondence with a cycle.
    let mut messages = hand_built();
    messages[0] = header(2018, &[("1201", "4601"), ("4601", "1201")]);
    let (fields, message) = refused(messages).await;
    assert_eq!(fields, ["baseline.header.correspondence[0].new_number"]);
    assert!(message.contains("a cycle"), "{message}");

    // A number mapped twice, and a number that is no municipality number.
    let mut messages = hand_built();
    messages[0] = header(2018, &[("1201", "4601"), ("1201", "4602")]);
    let (fields, message) = refused(messages).await;
    assert_eq!(fields, ["baseline.header.correspondence[1].old_number"]);
    assert!(message.contains("mapped twice"), "{message}");
    let mut messages = hand_built();
    messages[0] = header(2018, &[("1201", "9901")]);
    assert_eq!(refused(messages).await.0, ["baseline.header.correspondence[0].new_number"]);

    // The same organisation number twice in one round.
    let mut messages = hand_built();
    messages.insert(2, record("A2", respondent(1, "1201", 2018), 1, 1));
    let (fields, message) = refused(messages).await;
    assert_eq!(fields, ["baseline.records[1].response.respondent.organisation_number"]);
    assert!(message.contains("appears twice in the baseline round"), "{message}");

    // Two calibrations cannot be compared.
    let mut messages = hand_built();
    messages[6] = header_with(2020, pb::Calibration::Relative, &[]);
    assert_eq!(refused(messages).await.0, ["current.header.round.calibration"]);

    // Matching by municipality number: one number twice in the current round.
    let mut messages = hand_built();
    messages.push(record("Z2", respondent(8, "4601", 2020), 1, 1));
    let (fields, message) = refused(messages).await;
    assert_eq!(fields, ["current.records[4].response.respondent.municipality_number"]);
    assert!(message.contains("\"Z\" and \"Z2\""), "{message}");

    // No current round.
    let messages: Vec<_> = hand_built().into_iter().take(6).collect();
    assert_eq!(refused(messages).await.0, ["current.header"]);
}

/// `message`, a header, with its round's `codes_only` set.
fn codes_only(mut message: pb::CompareRoundsRequest) -> pb::CompareRoundsRequest {
    if let Some(In::Header(h)) = message.item.as_mut() {
        h.round.as_mut().unwrap().codes_only = true;
    }
    message
}

/// CompareRounds honours `codes_only` when both rounds' headers set it: the
/// cards' baseline and current results lose their labels and nothing else.
/// Headers that disagree are refused, as two calibrations are.
#[tokio::test]
async fn a_code_only_comparison_s_cards_carry_no_labels_and_both_headers_must_set_it() {
    let normal = compare_on_server(hand_built()).await.unwrap();
    let mut messages = hand_built();
    for i in [0, 6] {
        messages[i] = codes_only(messages[i].clone());
    }
    let codes = compare_on_server(messages).await.unwrap();
    assert_eq!(codes.summary, normal.summary);
    assert_eq!(codes.cards.len(), normal.cards.len());
    let strip = |r: &Option<pb::IndicatorResults>| {
        r.clone().map(|mut r| {
            let s = r.ssb_2018.as_mut().unwrap();
            for score in [&mut s.strategy, &mut s.projects].into_iter().flatten() {
                (score.label, score.label_en) = Default::default();
            }
            if let Some(g) = s.digital_priority.as_mut() {
                (g.label, g.label_en) = Default::default();
            }
            r
        })
    };
    for (n, c) in normal.cards.iter().zip(&codes.cards) {
        assert_ne!(strip(&n.baseline).or(strip(&n.current)), n.baseline.clone().or(n.current.clone()), "labelled");
        assert_eq!(c.baseline, strip(&n.baseline));
        assert_eq!(c.current, strip(&n.current));
        assert_eq!((&c.ssb_2018, c.presence, &c.current_record_id), (&n.ssb_2018, n.presence, &n.current_record_id));
    }

    for i in [0, 6] {
        let mut messages = hand_built();
        messages[i] = codes_only(messages[i].clone());
        let (fields, message) = refused(messages).await;
        assert_eq!(fields, ["current.header.round.codes_only"]);
        assert!(message.contains("in both rounds' results or in neither"), "{message}");
    }
}

/// Grade robustness in a score card: strategy 10 is the bottom of score 3, so
/// one area fewer (score 2) turns grade 4 into 3; projects 8 is the top of
/// score 3, and one more (score 4) keeps grade 4.
#[tokio::test]
async fn score_cards_say_which_grades_are_fragile_and_on_which_indicator() {
    let mut app = spawn_app().await;
    let response = pb::SurveyResponse {
        respondent: Some(respondent(1, "0301", 2018)),
        ssb_2018: Some(pb::Ssb2018Answers {
            strategy: Some(pb::Ssb2018Strategy { has_strategy: true, areas: (1..=10).collect() }),
            projects: Some(pb::Ssb2018Projects { has_projects: true, areas: (1..=8).collect() }),
            ..Default::default()
        }),
        ..Default::default()
    };
    let scored = app.client.score(pb::ScoreRequest { response: Some(response) }).await.unwrap().into_inner();
    let ssb = scored.results.unwrap().ssb_2018.unwrap();
    let fragile: Vec<(&str, &str, i32)> =
        ssb.fragile_grades.iter().map(|f| (f.composite.as_str(), f.indicator.as_str(), f.count_change)).collect();
    assert_eq!(fragile, [("ssb-2018/digital_priority", "ssb-2018/strategy", -1)]);
}

/// In every round summary: the share of fragile grades per composite, and the
/// grades the other calibration would change, counted in the same fold.
#[tokio::test]
async fn round_summaries_give_the_share_of_fragile_grades_and_the_calibrations_differences() {
    let mut app = spawn_app().await;
    let text = std::fs::read_to_string(example("round-2018.jsonl")).unwrap();
    let messages: Vec<pb::ScoreRoundRequest> = text.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    let mut inbound = app.client.score_round(futures::stream::iter(messages)).await.unwrap().into_inner();
    let mut summary = None;
    while let Some(m) = inbound.message().await.unwrap() {
        if let Some(pb::score_round_response::Item::Summary(s)) = m.item {
            summary = Some(s);
        }
    }
    let summary = summary.unwrap();
    let all = summary.groups.iter().find(|g| g.dimension() == pb::GroupDimension::Overall).unwrap();
    for c in &all.composites {
        assert!(c.fragile > 0 && c.fragile < c.n, "{}: {} of {}", c.indicator, c.fragile, c.n);
        assert_eq!(c.share_fragile, c.fragile as f64 / c.n as f64);
    }
    // The 2018 round's derived cuts differ from the published ones for some
    // indicator, so some grades differ between the calibrations.
    assert!(all.composites.iter().any(|c| c.differ_between_calibrations > 0), "{:?}", all.composites);
}

fn example(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("examples").join(name)
}

fn job(out: PathBuf, server: Option<String>) -> CompareJob {
    CompareJob {
        baseline: example("round-2018.jsonl"),
        current: example("round-2020.jsonl"),
        correspondence: Some(example("correspondence-2020.csv")),
        server,
        out: Some(out),
        max_records: 1_000_000,
        catalogues: Catalogues::shipped().clone(),
        print: false,
        token_file: None,
        tls: Default::default(),
        html: None,
    }
}

/// `indikator compare` in-process and against a server: byte-identical reports.
#[tokio::test]
async fn the_compare_client_gives_byte_identical_reports_in_process_and_remote() {
    let app = spawn_app().await;
    let dir = tempfile::tempdir().unwrap();
    let (local, remote) = (dir.path().join("local.jsonl"), dir.path().join("remote.jsonl"));
    let here = compare::run(&job(local.clone(), None)).await.unwrap();
    let there = compare::run(&job(remote.clone(), Some(app.address.clone()))).await.unwrap();
    assert_eq!(std::fs::read(&local).unwrap(), std::fs::read(&remote).unwrap());
    let print = |o: &compare::CompareOutcome| {
        let mut text = Vec::new();
        compare::report(&mut text, &o.summary, &o.highlights, Catalogues::shipped()).unwrap();
        String::from_utf8(text).unwrap()
    };
    assert_eq!(print(&here), print(&there));
    // The shipped pair: four mergers, two left, two entered.
    let all = here.summary.groups.iter().find(|g| g.dimension() == pb::GroupDimension::Overall).unwrap();
    assert_eq!((all.entered, all.left), (2, 2));
    assert_eq!(here.highlights.mergers.len(), 4);
    assert!(here.highlights.mergers.iter().all(|(_, names)| names.len() == 2));
}

/// A correspondence file with a line mapped twice is refused, naming the line.
#[tokio::test]
async fn a_bad_correspondence_file_names_its_line() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("bad.csv");
    std::fs::write(&file, "old,new\n1201,4601\n# a comment\n1201,4602\n").unwrap();
    let error = compare::read_correspondence(&file).unwrap_err().to_string();
    assert!(error.contains("bad.csv:4:") && error.contains("mapped twice (first at line 2)"), "{error}");
}

#[tokio::test]
async fn get_methodology_describes_comparing_rounds_and_grade_robustness_as_reconstructed() {
    let mut app = spawn_app().await;
    let response = app.client.get_methodology(pb::GetMethodologyRequest::default()).await.unwrap().into_inner();
    for m in &response.methodologies {
        let rule = m.rules.iter().find(|r| r.id == "comparing_rounds").unwrap_or_else(|| panic!("{}", m.id));
        assert_eq!(rule.provenance(), pb::Provenance::Reconstructed, "{}", m.id);
        assert!(rule.rule.contains("transition table") && rule.rule.contains("entered or left"), "{}", rule.rule);
    }
    let ssb = response.methodologies.iter().find(|m| m.id == "ssb-2018").unwrap();
    let robustness = ssb.rules.iter().find(|r| r.id == "grade_robustness").unwrap();
    assert_eq!(robustness.provenance(), pb::Provenance::Reconstructed);
}

/// Both rounds' state and the matching are reserved from the server's memory
/// budget: a comparison that does not fit is refused with RESOURCE_EXHAUSTED
/// before emitting, and the server goes on serving.
#[tokio::test]
async fn a_comparison_beyond_the_memory_budget_is_refused() {
    use indikator_server::ServerSettings;
    let settings = ServerSettings {
        drain_delay: std::time::Duration::ZERO,
        memory_budget_bytes: 6 * 1024 * 1024,
        ..ServerSettings::default()
    };
    let mut app = crate::helpers::spawn_app_with(settings).await;
    let Err(status) = app.client.compare_rounds(futures::stream::iter(hand_built())).await else {
        panic!("the comparison is refused")
    };
    assert_eq!(status.code(), tonic::Code::ResourceExhausted, "{status:?}");
    crate::helpers::serves_normally(&mut app.client).await;
}
