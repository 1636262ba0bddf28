//! Property tests (proptest, stable Rust): bad input never panics, valid input
//! always scores as the methodology says, and a round accounts for every record.
//!
//! The run is deterministic (a fixed seed) unless `PROPTEST_RNG_SEED` is set;
//! `PROPTEST_CASES=N` replaces every property's case count. RELIABILITY.md has
//! the counts and how to run more.

use std::collections::{BTreeMap, HashSet};

use futures::executor::block_on;
use indikator_app::proto::v1 as pb;
use indikator_app::round_fold::{RoundOutput, summary};
use indikator_core::domain::counties;
use indikator_core::methodology::ssb2018 as m;
use indikator_core::round::RoundLimits;
use indikator_server::grpc::status::invalid_argument;
use indikator_testing::{fold_round, score_stream_record, score_validated, survey_response};
use proptest::prelude::*;
use proptest::sample::subsequence;
use proptest::test_runner::RngSeed;
use prost::Message;
use tonic_types::StatusExt;

// ---- configuration ----

/// `cases` unless `PROPTEST_CASES` says otherwise; a fixed seed unless `PROPTEST_RNG_SEED` is set.
fn config(cases: u32) -> ProptestConfig {
    let mut config = ProptestConfig::default();
    if std::env::var_os("PROPTEST_CASES").is_none() {
        config.cases = cases;
    }
    if std::env::var_os("PROPTEST_RNG_SEED").is_none() {
        config.rng_seed = RngSeed::Fixed(0x1d1c_a70e);
    }
    config
}

// ---- the proto enums, read off the generated code (not the methodology tables) ----

/// Number of defined values after `*_UNSPECIFIED` (values 1..=n).
fn enum_len<E: TryFrom<i32>>() -> i32 {
    (1..).take_while(|&i| E::try_from(i).is_ok()).count() as i32
}

/// The list-valued enums of the `ssb_2018` block, with a way to reach each.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Target {
    StrategyAreas,
    ProjectAreas,
    SourcingFunction,
    SourcingAnswer,
    RecruitmentDifficulties,
    Hindrance,
    CloudAreas,
    ProcurementActivity,
    ProcurementAnswer,
    ServiceMode,
    ServiceExtent,
}

const TARGETS: [Target; 11] = [
    Target::StrategyAreas,
    Target::ProjectAreas,
    Target::SourcingFunction,
    Target::SourcingAnswer,
    Target::RecruitmentDifficulties,
    Target::Hindrance,
    Target::CloudAreas,
    Target::ProcurementActivity,
    Target::ProcurementAnswer,
    Target::ServiceMode,
    Target::ServiceExtent,
];

impl Target {
    fn len(self) -> i32 {
        match self {
            Target::StrategyAreas => enum_len::<pb::StrategyArea>(),
            Target::ProjectAreas => enum_len::<pb::ProjectEffectArea>(),
            Target::SourcingFunction => enum_len::<pb::IctFunction>(),
            Target::SourcingAnswer => enum_len::<pb::Sourcing>(),
            Target::RecruitmentDifficulties => enum_len::<pb::RecruitmentDifficulty>(),
            Target::Hindrance => enum_len::<pb::HindranceDegree>(),
            Target::CloudAreas => enum_len::<pb::CloudArea>(),
            Target::ProcurementActivity => enum_len::<pb::ProcurementActivity>(),
            Target::ProcurementAnswer => enum_len::<pb::ProcurementAnswer>(),
            Target::ServiceMode => enum_len::<pb::ServiceMode>(),
            Target::ServiceExtent => enum_len::<pb::ServiceExtent>(),
        }
    }
}

// ---- strategies: structurally valid responses ----

/// Modulus-11 check digit, weights 3,2,7,6,5,4,3,2 (computed here, not by the crate).
fn check_digit(first_eight: u32) -> Option<u32> {
    let digits = format!("{first_eight:08}");
    let sum: u32 = digits.chars().zip([3, 2, 7, 6, 5, 4, 3, 2]).map(|(c, w)| c.to_digit(10).unwrap() * w).sum();
    match 11 - sum % 11 {
        11 => Some(0),
        10 => None,
        d => Some(d),
    }
}

/// A valid organisation number, constructed: eight digits, moved on to the
/// next eight that have a check digit when these have none (remainder 10),
/// so no case is rejected.
fn organisation_number() -> impl Strategy<Value = String> {
    (0u32..100_000_000).prop_map(|n| {
        (n..100_000_000)
            .chain(0..n)
            .find_map(|n| check_digit(n).map(|d| format!("{n:08}{d}")))
            .expect("some eight digits have a check digit")
    })
}

fn county_number() -> impl Strategy<Value = String> {
    let numbers: Vec<String> = counties().iter().map(|c| c.number.clone()).collect();
    proptest::sample::select(numbers)
}

/// A name that is not blank, constructed: a letter first, then anything.
fn name() -> impl Strategy<Value = String> {
    prop_oneof![
        "[A-Za-zÆØÅæøå][A-Za-zÆØÅæøå .-]{0,30}",
        ("[A-Za-zÆØÅæøå]", any::<String>()).prop_map(|(first, rest)| first + &rest),
    ]
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kinds {
    /// Municipalities only (every record has a county and a size class).
    Municipalities,
    /// Municipalities, county municipalities and state agencies.
    Mixed,
}

fn municipality(year: impl Strategy<Value = u32> + 'static) -> impl Strategy<Value = pb::Respondent> {
    (organisation_number(), county_number(), 1u32..=99, any::<bool>(), 1u32..2_000_000, name(), year).prop_map(
        |(organisation_number, county, n, echo_county, inhabitants, name, survey_year)| pb::Respondent {
            organisation_number,
            kind: pb::RespondentKind::Municipality as i32,
            municipality_number: format!("{county}{n:02}"),
            county_number: if echo_county { county } else { String::new() },
            name,
            inhabitants,
            survey_year,
        },
    )
}

fn respondent(kinds: Kinds, year: impl Strategy<Value = u32> + Clone + 'static) -> BoxedStrategy<pb::Respondent> {
    use pb::RespondentKind as K;
    match kinds {
        Kinds::Municipalities => respondent_of(&[K::Municipality as i32], year),
        Kinds::Mixed => {
            respondent_of(&[K::Municipality as i32, K::CountyMunicipality as i32, K::StateAgency as i32], year)
        }
    }
}

/// A valid respondent of one of `kinds`, constructed for its kind (none is
/// generated only to be rejected); municipalities three times as often as
/// each other kind.
fn respondent_of(kinds: &[i32], year: impl Strategy<Value = u32> + Clone + 'static) -> BoxedStrategy<pb::Respondent> {
    use pb::RespondentKind as K;
    let county_municipality = (organisation_number(), county_number(), 0u32..2_000_000, name(), year.clone()).prop_map(
        |(organisation_number, county_number, inhabitants, name, survey_year)| pb::Respondent {
            organisation_number,
            kind: pb::RespondentKind::CountyMunicipality as i32,
            municipality_number: String::new(),
            county_number,
            name,
            inhabitants,
            survey_year,
        },
    );
    let state_agency = (organisation_number(), 0u32..2_000_000, name(), year.clone()).prop_map(
        |(organisation_number, inhabitants, name, survey_year)| pb::Respondent {
            organisation_number,
            kind: pb::RespondentKind::StateAgency as i32,
            municipality_number: String::new(),
            county_number: String::new(),
            name,
            inhabitants,
            survey_year,
        },
    );
    let mut options: Vec<(u32, BoxedStrategy<pb::Respondent>)> = Vec::new();
    if kinds.contains(&(K::Municipality as i32)) {
        options.push((3, municipality(year).boxed()));
    }
    if kinds.contains(&(K::CountyMunicipality as i32)) {
        options.push((1, county_municipality.boxed()));
    }
    if kinds.contains(&(K::StateAgency as i32)) {
        options.push((1, state_agency.boxed()));
    }
    assert!(!options.is_empty(), "no respondent kind among {kinds:?}");
    proptest::strategy::Union::new_weighted(options).boxed()
}

/// Distinct values of an enum with `len` values, in any order.
fn distinct(len: i32) -> impl Strategy<Value = Vec<i32>> {
    let all: Vec<i32> = (1..=len).collect();
    subsequence(all, 0..=len as usize).prop_shuffle()
}

/// (flag, areas): areas only when the flag is set (possibly none: a flagged answer).
fn portfolio(len: i32) -> impl Strategy<Value = (bool, Vec<i32>)> {
    prop_oneof![1 => Just((false, Vec::new())), 4 => distinct(len).prop_map(|areas| (true, areas))]
}

/// Distinct keys, each with an answer, in any order.
fn keyed(keys: i32, answers: i32) -> impl Strategy<Value = Vec<(i32, i32)>> {
    distinct(keys)
        .prop_flat_map(move |keys| {
            let n = keys.len();
            (Just(keys), proptest::collection::vec(1..=answers, n))
        })
        .prop_map(|(keys, answers)| keys.into_iter().zip(answers).collect())
}

fn ssb_2018() -> impl Strategy<Value = pb::Ssb2018Answers> {
    use proptest::option::of;
    let t = |t: Target| t.len();
    (
        of(portfolio(t(Target::StrategyAreas))),
        of(portfolio(t(Target::ProjectAreas))),
        of(keyed(t(Target::SourcingFunction), t(Target::SourcingAnswer))),
        of(portfolio(t(Target::RecruitmentDifficulties))),
        of(1..=t(Target::Hindrance)),
        of(portfolio(t(Target::CloudAreas))),
        of(keyed(t(Target::ProcurementActivity), t(Target::ProcurementAnswer))),
        of(keyed(t(Target::ServiceMode), t(Target::ServiceExtent))),
    )
        .prop_map(|(strategy, projects, sourcing, recruitment, hindrance, cloud, procurement, service)| {
            pb::Ssb2018Answers {
                strategy: strategy.map(|(has_strategy, areas)| pb::Ssb2018Strategy { has_strategy, areas }),
                projects: projects.map(|(has_projects, areas)| pb::Ssb2018Projects { has_projects, areas }),
                sourcing: sourcing.map(|f| pb::Ssb2018Sourcing {
                    functions: f
                        .into_iter()
                        .map(|(function, sourcing)| pb::IctFunctionAnswer { function, sourcing })
                        .collect(),
                }),
                recruitment: recruitment
                    .map(|(tried_to_recruit, difficulties)| pb::Ssb2018Recruitment { tried_to_recruit, difficulties }),
                hindrance: hindrance.map(|degree| pb::Ssb2018Hindrance { degree }),
                cloud: cloud.map(|(uses_cloud, areas)| pb::Ssb2018Cloud { uses_cloud, areas }),
                procurement: procurement.map(|a| pb::Ssb2018Procurement {
                    activities: a
                        .into_iter()
                        .map(|(activity, answer)| pb::ProcurementActivityAnswer { activity, answer })
                        .collect(),
                }),
                service_offer: service.map(|s| pb::Ssb2018ServiceOffer {
                    modes: s.into_iter().map(|(mode, extent)| pb::ServiceModeAnswer { mode, extent }).collect(),
                }),
            }
        })
}

fn valid_response_with(
    kinds: Kinds,
    year: impl Strategy<Value = u32> + Clone + 'static,
) -> impl Strategy<Value = pb::SurveyResponse> {
    (respondent(kinds, year), proptest::option::weighted(0.9, ssb_2018())).prop_map(|(respondent, ssb_2018)| {
        pb::SurveyResponse { respondent: Some(respondent), ssb_2018, ..Default::default() }
    })
}

fn valid_response() -> impl Strategy<Value = pb::SurveyResponse> {
    valid_response_with(Kinds::Mixed, 2000u32..=2100)
}

// ---- the oracle: what the methodology says, recomputed from the request ----

/// The count behind each simple score, in `COUNT_INDICATORS` order; `None` = block absent.
fn expected_counts(a: &pb::Ssb2018Answers) -> [Option<u32>; 6] {
    let areas = |has: bool, areas: &[i32]| if has { areas.len() as u32 } else { 0 };
    // Sourcing 1 and 2 are «exclusively / mainly internal»; procurement 1 and 2 «yes, fully / partly».
    // A present block with no answer at all is unscored (docs/method.md §1.4).
    let internal = a
        .sourcing
        .as_ref()
        .filter(|s| !s.functions.is_empty())
        .map(|s| s.functions.iter().filter(|f| matches!(f.sourcing, 1 | 2)).count() as u32);
    let procurement = a
        .procurement
        .as_ref()
        .filter(|p| !p.activities.is_empty())
        .map(|p| p.activities.iter().filter(|x| matches!(x.answer, 1 | 2)).count() as u32);
    // Modes 3 and 4 are complex: 0/2/4 points; simple modes 0/1/3. Extents: 1 none,
    // 2 some, 3–5 about half or more, 6–7 don't know / not relevant (0 points).
    let service = a.service_offer.as_ref().filter(|s| !s.modes.is_empty()).map(|s| {
        s.modes
            .iter()
            .map(|x| {
                let complex = matches!(x.mode, 3 | 4);
                match (x.extent, complex) {
                    (2, false) => 1,
                    (2, true) => 2,
                    (3..=5, false) => 3,
                    (3..=5, true) => 4,
                    _ => 0,
                }
            })
            .sum()
    });
    [
        a.strategy.as_ref().map(|s| areas(s.has_strategy, &s.areas)),
        a.projects.as_ref().map(|p| areas(p.has_projects, &p.areas)),
        internal,
        a.cloud.as_ref().map(|c| areas(c.uses_cloud, &c.areas)),
        procurement,
        service,
    ]
}

/// The published band's score for a count of an indicator.
fn band_score(indicator: &m::CountIndicator, count: u32) -> u32 {
    let bands = indicator.published.bands(indicator.max_count);
    let containing: Vec<_> = bands.iter().filter(|b| b.min_count <= count && count <= b.max_count).collect();
    assert_eq!(containing.len(), 1, "{} count {count} lies in exactly one band", indicator.id);
    u32::from(containing[0].score)
}

/// Checks a `Score` result against the request it came from.
fn check_results(request: &pb::SurveyResponse, results: &pb::IndicatorResults) -> Result<(), TestCaseError> {
    let respondent = request.respondent.as_ref().unwrap();
    let profile = results.respondent.as_ref().unwrap();
    prop_assert_eq!(&profile.organisation_number, &respondent.organisation_number);
    prop_assert_eq!(profile.kind, respondent.kind);
    prop_assert_eq!(profile.survey_year, respondent.survey_year);
    prop_assert_eq!(&profile.name, respondent.name.trim());
    let Some(answers) = &request.ssb_2018 else {
        prop_assert!(results.ssb_2018.is_none());
        return Ok(());
    };
    let r = results.ssb_2018.as_ref().unwrap();
    let simple = [&r.strategy, &r.projects, &r.internal_capacity, &r.cloud, &r.procurement, &r.service_offer];
    let mut scores = [None; 6];
    for (i, expected) in expected_counts(answers).into_iter().enumerate() {
        let indicator = m::COUNT_INDICATORS[i];
        match (expected, simple[i]) {
            (None, None) => {}
            (Some(count), Some(s)) => {
                prop_assert_eq!(s.count, count, "{} count", indicator.id);
                prop_assert!(s.count <= indicator.max_count, "{} count within range", indicator.id);
                prop_assert!(s.score <= 4, "{} score 0–4", indicator.id);
                prop_assert_eq!(
                    s.score,
                    band_score(indicator, count),
                    "{} score from the published bands",
                    indicator.id
                );
                prop_assert_eq!(&s.label, m::SCORE_LABELS[s.score as usize].label);
                scores[i] = Some(s.score as u8);
            }
            (expected, got) => prop_assert!(false, "{}: expected count {expected:?}, got {got:?}", indicator.id),
        }
    }
    let composite = |table: &m::Composite, row: Option<u8>, column: Option<u8>| {
        row.zip(column).map(|(row, column)| u32::from(table.table.grade(row, column)))
    };
    let priority = composite(&m::DIGITAL_PRIORITY, scores[0], scores[1]);
    let usage = composite(&m::DIGITAL_USE, scores[3], scores[4]);
    let activity = composite(&m::DIGITAL_ACTIVITY, usage.map(|g| g as u8), scores[5]);
    for (name, expected, got) in [
        ("digital_priority", priority, &r.digital_priority),
        ("digital_use", usage, &r.digital_use),
        ("digital_activity", activity, &r.digital_activity),
    ] {
        prop_assert_eq!(expected, got.as_ref().map(|g| g.grade), "{}", name);
        if let Some(g) = got {
            prop_assert!(g.grade <= 4, "{} grade 0–4", name);
            prop_assert!(!g.label.is_empty());
        }
    }
    let recruitment = answers.recruitment.as_ref().map(|r| match (r.tried_to_recruit, r.difficulties.is_empty()) {
        (false, _) => pb::RecruitmentStatus::NotTried,
        (true, true) => pb::RecruitmentStatus::RecruitedWithoutProblems,
        (true, false) => pb::RecruitmentStatus::Struggled,
    });
    prop_assert_eq!(r.recruitment_status, recruitment.unwrap_or(pb::RecruitmentStatus::Unspecified) as i32);
    let hindrance = answers.hindrance.as_ref().map(|h| match h.degree {
        1 | 2 => pb::HindranceGroup::Low,
        3 => pb::HindranceGroup::Neither,
        4 | 5 => pb::HindranceGroup::High,
        _ => pb::HindranceGroup::Unknown,
    });
    prop_assert_eq!(r.hindrance_group, hindrance.unwrap_or(pb::HindranceGroup::Unspecified) as i32);
    let sourced = answers.sourcing.as_ref().is_some_and(|s| !s.functions.is_empty());
    prop_assert_eq!(r.competence_profile.is_some(), sourced && answers.recruitment.is_some());
    let flagged = |code: pb::FlagCode| results.flags.iter().any(|f| f.code == code as i32);
    let without_areas = |block: Option<(bool, usize)>| block.is_some_and(|(has, n)| has && n == 0);
    prop_assert_eq!(
        flagged(pb::FlagCode::StrategyWithoutAreas),
        without_areas(answers.strategy.as_ref().map(|s| (s.has_strategy, s.areas.len())))
    );
    prop_assert_eq!(
        flagged(pb::FlagCode::CloudWithoutAreas),
        without_areas(answers.cloud.as_ref().map(|c| (c.uses_cloud, c.areas.len())))
    );
    let empty = [
        ("ssb_2018.sourcing", answers.sourcing.as_ref().is_some_and(|s| s.functions.is_empty())),
        ("ssb_2018.procurement", answers.procurement.as_ref().is_some_and(|p| p.activities.is_empty())),
        ("ssb_2018.service_offer", answers.service_offer.as_ref().is_some_and(|s| s.modes.is_empty())),
    ];
    for (field, is_empty) in empty {
        let flagged = results.flags.iter().any(|f| f.code == pb::FlagCode::EmptyBlock as i32 && f.field == field);
        prop_assert_eq!(flagged, is_empty, "empty block flag on {}", field);
    }
    Ok(())
}

/// Validates and scores, as `Score` does; `Err` holds the violations' field paths.
fn score(response: Option<&pb::SurveyResponse>) -> Result<pb::IndicatorResults, Vec<String>> {
    survey_response(response, "response")
        .map(|v| score_validated(&v))
        .map_err(|v| v.into_vec().into_iter().map(|f| f.field).collect())
}

/// What every refusal must look like: at least one violation, each inside the request.
fn check_refusal(fields: &[String]) -> Result<(), TestCaseError> {
    prop_assert!(!fields.is_empty(), "a refusal names at least one field");
    for f in fields {
        prop_assert!(f.starts_with("response."), "violation path {f:?} starts with response.");
    }
    Ok(())
}

// ---- arbitrary bytes never panic the decode → validate → score path ----

/// Runs every decoder and, on success, the whole path behind it.
fn decode_everything(data: &[u8]) -> Result<(), TestCaseError> {
    if let Ok(request) = pb::ScoreRequest::decode(data)
        && let Err(fields) = score(request.response.as_ref())
    {
        prop_assert!(fields.iter().all(|f| f.starts_with("response")), "{fields:?}");
    }
    if let Ok(request) = pb::ScoreStreamRequest::decode(data) {
        let id = request.record_id.clone();
        let out = score_stream_record(3, request);
        prop_assert_eq!(out.record_id, id);
        prop_assert!(out.outcome.is_some());
    }
    if let Ok(request) = pb::ScoreRoundRequest::decode(data) {
        let header = header(pb::Calibration::Published);
        for messages in [vec![request.clone()], vec![header, request]] {
            let n = messages.len();
            let inbound = futures::stream::iter(messages.into_iter().map(Ok));
            if let Ok(report) = block_on(fold_round(inbound, RoundLimits::default())) {
                prop_assert_eq!(report.received as usize, n - 1);
                let outputs = (report.scored + report.rejections.len() as u64) as usize;
                prop_assert_eq!(RoundOutput::new(report).count(), outputs + 1, "cards, rejections, then one summary");
            }
        }
    }
    if let Ok(request) = serde_json::from_slice::<pb::ScoreRequest>(data) {
        let _ = score(request.response.as_ref());
    }
    if let Ok(request) = serde_json::from_slice::<pb::ScoreRoundRequest>(data) {
        let _ = block_on(fold_round(futures::stream::iter([Ok(request)]), RoundLimits::default()));
    }
    Ok(())
}

/// A valid request's encoding with bytes overwritten, inserted and cut off:
/// mostly still decodable, so the fields behind the decoder get exercised.
fn mangled_encoding() -> impl Strategy<Value = Vec<u8>> {
    (
        valid_response(),
        proptest::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 0..6),
        proptest::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 0..3),
        any::<prop::sample::Index>(),
        any::<bool>(),
    )
        .prop_map(|(response, overwrite, insert, cut, truncate)| {
            let mut bytes = pb::ScoreRequest { response: Some(response) }.encode_to_vec();
            for (at, byte) in overwrite {
                if !bytes.is_empty() {
                    let i = at.index(bytes.len());
                    bytes[i] = byte;
                }
            }
            for (at, byte) in insert {
                let i = at.index(bytes.len() + 1);
                bytes.insert(i, byte);
            }
            if truncate && !bytes.is_empty() {
                bytes.truncate(cut.index(bytes.len()));
            }
            bytes
        })
}

/// A valid request as proto3 JSON with characters overwritten or cut off.
fn mangled_json() -> impl Strategy<Value = String> {
    (
        valid_response(),
        proptest::collection::vec((any::<prop::sample::Index>(), any::<char>()), 0..4),
        any::<Option<prop::sample::Index>>(),
    )
        .prop_map(|(response, edits, cut)| {
            let json = serde_json::to_string(&pb::ScoreRequest { response: Some(response) }).unwrap();
            let mut chars: Vec<char> = json.chars().collect();
            for (at, c) in edits {
                let i = at.index(chars.len());
                chars[i] = c;
            }
            if let Some(cut) = cut {
                chars.truncate(cut.index(chars.len() + 1));
            }
            chars.into_iter().collect()
        })
}

proptest! {
    #![proptest_config(config(1000))]

    #[test]
    fn arbitrary_bytes_never_panic_any_decoder_or_what_follows(data in proptest::collection::vec(any::<u8>(), 0..512)) {
        decode_everything(&data)?;
    }

    #[test]
    fn mangled_protobuf_never_panics(data in mangled_encoding()) {
        decode_everything(&data)?;
    }

    #[test]
    fn arbitrary_and_mangled_json_never_panics(
        text in prop_oneof![any::<String>(), mangled_json(), "\\{\"response\":\\{\"respondent\":\\{[ -~]{0,80}\\}\\}\\}"],
    ) {
        decode_everything(text.as_bytes())?;
    }
}

// ---- valid responses always score, consistently ----

proptest! {
    #![proptest_config(config(1000))]

    #[test]
    fn every_valid_response_validates_and_scores_by_the_published_bands_and_tables(response in valid_response()) {
        let results = score(Some(&response));
        prop_assert!(results.is_ok(), "refused: {:?}", results.err());
        check_results(&response, &results.unwrap())?;
        // The same through the wire encoding and through JSON.
        let decoded = pb::SurveyResponse::decode(response.encode_to_vec().as_slice()).unwrap();
        prop_assert_eq!(&decoded, &response);
        let json: pb::SurveyResponse = serde_json::from_str(&serde_json::to_string(&response).unwrap()).unwrap();
        prop_assert_eq!(&json, &response);
    }
}

// ---- mutations of valid responses: never panic; Ok, or refused inside the request ----

#[derive(Debug, Clone)]
enum Mutation {
    /// Overwrites (or adds) one value of a list-valued or single enum.
    SetEnum(Target, i32, prop::sample::Index),
    /// Repeats one element of a list (a duplicate area or key).
    Duplicate(Target, prop::sample::Index),
    /// Areas (or difficulties) listed while the yes/no answer is «no».
    ListWithoutFlag(Target),
    OrganisationNumber(String),
    Kind(i32),
    MunicipalityNumber(String),
    CountyNumber(String),
    Name(String),
    Inhabitants(u32),
    SurveyYear(u32),
    RemoveRespondent,
}

fn enum_value() -> impl Strategy<Value = i32> {
    prop_oneof![Just(0), -3..20, any::<i32>()]
}

fn mutation() -> impl Strategy<Value = Mutation> {
    let target = proptest::sample::select(TARGETS.to_vec());
    let flagged = proptest::sample::select(vec![
        Target::StrategyAreas,
        Target::ProjectAreas,
        Target::CloudAreas,
        Target::RecruitmentDifficulties,
    ]);
    prop_oneof![
        6 => (target.clone(), enum_value(), any::<prop::sample::Index>()).prop_map(|(t, v, i)| Mutation::SetEnum(t, v, i)),
        3 => (target, any::<prop::sample::Index>()).prop_map(|(t, i)| Mutation::Duplicate(t, i)),
        2 => flagged.prop_map(Mutation::ListWithoutFlag),
        1 => prop_oneof!["[0-9]{0,11}", any::<String>()].prop_map(Mutation::OrganisationNumber),
        1 => enum_value().prop_map(Mutation::Kind),
        1 => prop_oneof!["[0-9]{0,5}", any::<String>()].prop_map(Mutation::MunicipalityNumber),
        1 => prop_oneof!["[0-9]{0,3}", any::<String>()].prop_map(Mutation::CountyNumber),
        1 => prop_oneof![Just(String::new()), "[ \t\n]{1,3}", any::<String>()].prop_map(Mutation::Name),
        1 => prop_oneof![Just(0u32), any::<u32>()].prop_map(Mutation::Inhabitants),
        1 => prop_oneof![1990u32..2110, any::<u32>()].prop_map(Mutation::SurveyYear),
        1 => Just(Mutation::RemoveRespondent),
    ]
}

fn out_of_range(target: Target, value: i32) -> bool {
    value <= 0 || value > target.len()
}

/// Applies a mutation; `true` when the result is certainly invalid.
fn apply(response: &mut pb::SurveyResponse, mutation: &Mutation) -> bool {
    match mutation {
        Mutation::SetEnum(target, value, at) => {
            let a = response.ssb_2018.get_or_insert_with(Default::default);
            let value = *value;
            let set = |list: &mut Vec<i32>| {
                if list.is_empty() {
                    list.push(value);
                } else {
                    let i = at.index(list.len());
                    list[i] = value;
                }
            };
            // The other half of a keyed pair, when one is added: a valid value.
            match target {
                Target::StrategyAreas => {
                    let s = a.strategy.get_or_insert_with(Default::default);
                    s.has_strategy = true;
                    set(&mut s.areas);
                }
                Target::ProjectAreas => {
                    let p = a.projects.get_or_insert_with(Default::default);
                    p.has_projects = true;
                    set(&mut p.areas);
                }
                Target::CloudAreas => {
                    let c = a.cloud.get_or_insert_with(Default::default);
                    c.uses_cloud = true;
                    set(&mut c.areas);
                }
                Target::RecruitmentDifficulties => {
                    let r = a.recruitment.get_or_insert_with(Default::default);
                    r.tried_to_recruit = true;
                    set(&mut r.difficulties);
                }
                Target::Hindrance => a.hindrance = Some(pb::Ssb2018Hindrance { degree: value }),
                Target::SourcingFunction | Target::SourcingAnswer => {
                    let f = &mut a.sourcing.get_or_insert_with(Default::default).functions;
                    if f.is_empty() {
                        f.push(pb::IctFunctionAnswer { function: 1, sourcing: 1 });
                    }
                    let i = at.index(f.len());
                    if *target == Target::SourcingFunction { f[i].function = value } else { f[i].sourcing = value }
                }
                Target::ProcurementActivity | Target::ProcurementAnswer => {
                    let x = &mut a.procurement.get_or_insert_with(Default::default).activities;
                    if x.is_empty() {
                        x.push(pb::ProcurementActivityAnswer { activity: 1, answer: 1 });
                    }
                    let i = at.index(x.len());
                    if *target == Target::ProcurementActivity { x[i].activity = value } else { x[i].answer = value }
                }
                Target::ServiceMode | Target::ServiceExtent => {
                    let x = &mut a.service_offer.get_or_insert_with(Default::default).modes;
                    if x.is_empty() {
                        x.push(pb::ServiceModeAnswer { mode: 1, extent: 1 });
                    }
                    let i = at.index(x.len());
                    if *target == Target::ServiceMode { x[i].mode = value } else { x[i].extent = value }
                }
            }
            out_of_range(*target, value)
        }
        Mutation::Duplicate(target, at) => {
            let Some(a) = response.ssb_2018.as_mut() else { return false };
            fn repeat<T: Clone>(list: &mut Vec<T>, at: &prop::sample::Index) -> bool {
                if list.is_empty() {
                    return false;
                }
                let copy = list[at.index(list.len())].clone();
                list.push(copy);
                true
            }
            match target {
                Target::StrategyAreas => a.strategy.as_mut().is_some_and(|s| repeat(&mut s.areas, at)),
                Target::ProjectAreas => a.projects.as_mut().is_some_and(|p| repeat(&mut p.areas, at)),
                Target::CloudAreas => a.cloud.as_mut().is_some_and(|c| repeat(&mut c.areas, at)),
                Target::RecruitmentDifficulties => {
                    a.recruitment.as_mut().is_some_and(|r| repeat(&mut r.difficulties, at))
                }
                Target::SourcingFunction | Target::SourcingAnswer => {
                    a.sourcing.as_mut().is_some_and(|s| repeat(&mut s.functions, at))
                }
                Target::ProcurementActivity | Target::ProcurementAnswer => {
                    a.procurement.as_mut().is_some_and(|p| repeat(&mut p.activities, at))
                }
                Target::ServiceMode | Target::ServiceExtent => {
                    a.service_offer.as_mut().is_some_and(|s| repeat(&mut s.modes, at))
                }
                Target::Hindrance => false,
            }
        }
        Mutation::ListWithoutFlag(target) => {
            let a = response.ssb_2018.get_or_insert_with(Default::default);
            let (flag, list) = match target {
                Target::StrategyAreas => {
                    let s = a.strategy.get_or_insert_with(Default::default);
                    (&mut s.has_strategy, &mut s.areas)
                }
                Target::ProjectAreas => {
                    let p = a.projects.get_or_insert_with(Default::default);
                    (&mut p.has_projects, &mut p.areas)
                }
                Target::CloudAreas => {
                    let c = a.cloud.get_or_insert_with(Default::default);
                    (&mut c.uses_cloud, &mut c.areas)
                }
                _ => {
                    let r = a.recruitment.get_or_insert_with(Default::default);
                    (&mut r.tried_to_recruit, &mut r.difficulties)
                }
            };
            *flag = false;
            if list.is_empty() {
                list.push(1);
            }
            true
        }
        other => {
            let Some(r) = response.respondent.as_mut() else { return true };
            match other {
                Mutation::OrganisationNumber(n) => r.organisation_number = n.clone(),
                Mutation::Kind(k) => r.kind = *k,
                Mutation::MunicipalityNumber(n) => r.municipality_number = n.clone(),
                Mutation::CountyNumber(n) => r.county_number = n.clone(),
                Mutation::Name(n) => r.name = n.clone(),
                Mutation::Inhabitants(n) => r.inhabitants = *n,
                Mutation::SurveyYear(y) => r.survey_year = *y,
                Mutation::RemoveRespondent => {
                    response.respondent = None;
                    return true;
                }
                _ => unreachable!(),
            }
            match other {
                Mutation::Kind(k) => !(1..=3).contains(k),
                Mutation::Name(n) => n.trim().is_empty(),
                Mutation::SurveyYear(y) => !(2000..=2100).contains(y),
                _ => false,
            }
        }
    }
}

proptest! {
    #![proptest_config(config(1000))]

    #[test]
    fn mutated_responses_are_scored_correctly_or_refused_with_field_paths(
        mut response in valid_response(),
        mutations in proptest::collection::vec(mutation(), 1..4),
    ) {
        // Only the last mutation's verdict counts: a later one may repair an earlier one.
        let must_fail = mutations.iter().map(|mutation| apply(&mut response, mutation)).last().unwrap();
        match score(Some(&response)) {
            Ok(results) => {
                prop_assert!(!must_fail, "accepted although certainly invalid: {mutations:?}");
                check_results(&response, &results)?;
            }
            Err(fields) => check_refusal(&fields)?,
        }
        // ScoreStream answers the same: Score's results, or Score's status inline.
        let unary = survey_response(Some(&response), "response").map(|v| score_validated(&v)).map_err(invalid_argument);
        let out = score_stream_record(0, pb::ScoreStreamRequest { record_id: "m".into(), response: Some(response) });
        prop_assert_eq!((out.record_id.as_str(), out.sequence), ("m", 0));
        match (unary, out.outcome) {
            (Ok(results), Some(pb::score_stream_response::Outcome::Results(inline))) => prop_assert_eq!(results, inline),
            (Err(status), Some(pb::score_stream_response::Outcome::Error(inline))) => {
                prop_assert_eq!(inline.code, status.code() as i32);
                prop_assert_eq!(inline.message.as_str(), status.message());
                let details = status.get_details_bad_request().expect("BadRequest details");
                let unary: Vec<_> = details.field_violations.iter().map(|f| (&f.field, &f.description)).collect();
                let inline: Vec<_> = inline.field_violations.iter().map(|f| (&f.field, &f.description)).collect();
                prop_assert_eq!(unary, inline);
            }
            (unary, inline) => prop_assert!(false, "Score: {:?}; ScoreStream: {:?}", unary, inline),
        }
    }
}

// ---- item distributions: counts sum to their base, bases fit their group ----

/// In every group: each item's answer counts sum to its base n, its shares are
/// the counts over n, and no base (nor any survey part's count) is larger than
/// the group; a larger group (overall) never has a smaller base than a part of it.
fn check_items(s: &pb::RoundSummary) -> Result<(), TestCaseError> {
    let layout: std::collections::HashMap<(&str, &str), usize> =
        s.item_layout.iter().map(|l| ((l.methodology.as_str(), l.item.as_str()), l.answers.len())).collect();
    let Some(overall) = s.groups.first() else { return Ok(()) };
    for g in &s.groups {
        for d in &g.items {
            let answers = layout.get(&(d.methodology.as_str(), d.item.as_str()));
            prop_assert_eq!(answers, Some(&d.counts.len()), "{} is laid out with its answers", &d.item);
            prop_assert_eq!(d.counts.iter().sum::<u64>(), d.n, "{} in {}: counts sum to the base", &d.item, &g.key);
            prop_assert!(d.n > 0 && d.n <= g.n, "{} in {}: base {} of a group of {}", &d.item, &g.key, d.n, g.n);
            for (&c, &share) in d.counts.iter().zip(&d.shares) {
                prop_assert_eq!(share, c as f64 / d.n as f64);
            }
            let whole = overall.items.iter().find(|o| o.methodology == d.methodology && o.item == d.item);
            prop_assert!(whole.is_some_and(|o| o.n >= d.n), "{}: the overall base holds the group's", &d.item);
        }
        for p in &g.parts {
            prop_assert!(p.all_parts <= p.some_part && p.some_part <= p.with_block && p.with_block <= g.n);
            for c in &p.parts {
                prop_assert!(c.respondents <= p.some_part && c.respondents >= p.all_parts, "{}", &c.part);
            }
        }
    }
    Ok(())
}

fn services_block() -> impl Strategy<Value = pb::Riksrevisjonen2015Answers> {
    let services: Vec<BoxedStrategy<Option<pb::ServiceLevel>>> = indikator_core::catalogue::Catalogues::shipped()
        .riksrevisjonen_2015
        .services
        .iter()
        .map(|s| {
            let id = s.id.clone();
            proptest::option::of(0u32..=3)
                .prop_map(move |l| l.map(|level| pb::ServiceLevel { service_id: id.clone(), level }))
                .boxed()
        })
        .collect();
    services.prop_map(|levels| pb::Riksrevisjonen2015Answers {
        services: levels.into_iter().flatten().collect(),
        ..Default::default()
    })
}

/// Responses of every kind with every block its kind may have (docs/method.md §5).
fn all_methodologies_round() -> impl Strategy<Value = Vec<pb::SurveyResponse>> {
    let response = (valid_response_with(Kinds::Mixed, Just(2018u32)), ks_block(), services_block()).prop_map(
        |(mut response, ks, services)| {
            let kind = response.respondent.as_ref().unwrap().kind;
            if kind != pb::RespondentKind::StateAgency as i32 {
                response.ks_2018 = Some(ks);
            }
            if kind == pb::RespondentKind::Municipality as i32 {
                response.riksrevisjonen_2015 = Some(services);
            }
            response
        },
    );
    proptest::collection::vec(response, 1..30)
}

proptest! {
    #![proptest_config(config(48))]

    #[test]
    fn item_counts_sum_to_their_base_and_bases_never_exceed_their_group(responses in all_methodologies_round()) {
        let messages = std::iter::once(header(pb::Calibration::Published)).chain(responses.iter().enumerate().map(
            |(i, r)| pb::ScoreRoundRequest {
                item: Some(pb::score_round_request::Item::Record(pb::RoundRecord {
                    record_id: format!("{i}"),
                    response: Some(r.clone()),
                })),
            },
        ));
        let report = block_on(fold_round(futures::stream::iter(messages.map(Ok)), RoundLimits::default()))
            .map_err(|s| TestCaseError::fail(format!("round failed: {s:?}")))?;
        let s = summary(&report, indikator_app::round_fold::SUMMARY_REJECTIONS_BUDGET);
        check_items(&s)?;
        // Every methodology is there: each scored respondent is in its item tables.
        let overall = s.groups.first().unwrap();
        let accounted: u64 = s.accounting.as_ref().unwrap().parts.iter().map(|p| p.with_block).max().unwrap_or(0);
        prop_assert!(accounted <= overall.n);
    }
}

// ---- rounds account for every record ----

fn header(calibration: pb::Calibration) -> pb::ScoreRoundRequest {
    pb::ScoreRoundRequest {
        item: Some(pb::score_round_request::Item::Header(pb::RoundHeader {
            round_id: "property".into(),
            survey_year: 2018,
            calibration: calibration as i32,
            ..Default::default()
        })),
    }
}

/// One message of a generated round.
#[derive(Debug, Clone)]
enum Entry {
    /// A valid response for the round's year.
    Valid(pb::SurveyResponse),
    /// A response made certainly invalid.
    Invalid(pb::SurveyResponse, Mutation),
    /// The response of an earlier entry again (a respondent sent twice).
    Again(prop::sample::Index),
    /// A valid response for another year.
    OtherYear(pb::SurveyResponse),
    /// A message with neither header nor record.
    Empty,
}

fn certainly_invalid() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        (proptest::sample::select(TARGETS.to_vec()), prop_oneof![Just(0), 100..1000], any::<prop::sample::Index>())
            .prop_map(|(t, v, i)| Mutation::SetEnum(t, v, i)),
        Just(Mutation::Kind(0)),
        Just(Mutation::Name(" ".into())),
        Just(Mutation::SurveyYear(1999)),
        Just(Mutation::RemoveRespondent),
        Just(Mutation::ListWithoutFlag(Target::CloudAreas)),
    ]
}

fn entry(kinds: Kinds) -> impl Strategy<Value = Entry> {
    prop_oneof![
        8 => valid_response_with(kinds, Just(2018u32)).prop_map(Entry::Valid),
        2 => (valid_response_with(kinds, Just(2018u32)), certainly_invalid()).prop_map(|(r, m)| Entry::Invalid(r, m)),
        2 => any::<prop::sample::Index>().prop_map(Entry::Again),
        1 => valid_response_with(kinds, 2000u32..2018).prop_map(Entry::OtherYear),
        1 => Just(Entry::Empty),
    ]
}

#[derive(Debug, Default)]
struct Expected {
    /// Entries (by position) that should be scored, in order.
    scored: Vec<usize>,
    /// Their responses.
    responses: Vec<pb::SurveyResponse>,
}

/// Builds the round's messages and what the methodology expects of them.
fn build_round(entries: &[Entry]) -> (Vec<pb::ScoreRoundRequest>, Expected) {
    let mut messages = Vec::new();
    let mut sent: Vec<Option<pb::SurveyResponse>> = Vec::new();
    let mut seen = HashSet::new();
    let mut expected = Expected::default();
    for (i, entry) in entries.iter().enumerate() {
        let (response, valid) = match entry {
            Entry::Valid(r) => (Some(r.clone()), true),
            Entry::Invalid(r, mutation) => {
                let mut r = r.clone();
                assert!(apply(&mut r, mutation), "{mutation:?} is certainly invalid");
                (Some(r), false)
            }
            Entry::Again(at) => {
                let earlier: Vec<&pb::SurveyResponse> = sent.iter().flatten().collect();
                if earlier.is_empty() { (None, false) } else { (Some(earlier[at.index(earlier.len())].clone()), false) }
            }
            Entry::OtherYear(r) => (Some(r.clone()), false),
            Entry::Empty => (None, false),
        };
        // Valid responses of the round's year are scored once per organisation number.
        let is_round_year =
            response.as_ref().and_then(|r| r.respondent.as_ref()).is_some_and(|r| r.survey_year == 2018);
        let again_valid = matches!(entry, Entry::Again(_)) && is_round_year;
        if (valid || again_valid)
            && let Some(r) = &response
        {
            let org = r.respondent.as_ref().unwrap().organisation_number.clone();
            if seen.insert(org) {
                expected.scored.push(i);
                expected.responses.push(r.clone());
            }
        }
        let item = match (entry, &response) {
            (Entry::Empty, _) => None,
            (_, response) => Some(pb::score_round_request::Item::Record(pb::RoundRecord {
                record_id: format!("e{i}"),
                response: response.clone(),
            })),
        };
        // Only responses that validate may be sent again.
        sent.push(if valid || matches!(entry, Entry::OtherYear(_)) { response } else { None });
        messages.push(pb::ScoreRoundRequest { item });
    }
    (messages, expected)
}

fn sum_groups<'a>(groups: impl Iterator<Item = &'a pb::GroupTables>) -> u64 {
    groups.map(|g| g.n).sum()
}

fn check_round(
    entries: &[Entry],
    kinds: Kinds,
    calibration: pb::Calibration,
    max_records: u64,
) -> Result<(), TestCaseError> {
    let (records, expected) = build_round(entries);
    let n = records.len() as u64;
    let messages = std::iter::once(header(calibration)).chain(records).map(Ok);
    let folded = block_on(fold_round(futures::stream::iter(messages), RoundLimits { max_records }));
    if n > max_records {
        let status = folded.expect_err("a round over the limit fails");
        prop_assert_eq!(status.code(), tonic::Code::ResourceExhausted);
        return Ok(());
    }
    let report = folded.map_err(|s| TestCaseError::fail(format!("round failed: {s:?}")))?;
    let s = summary(&report, indikator_app::round_fold::SUMMARY_REJECTIONS_BUDGET);
    check_items(&s)?;
    let accounting = s.accounting.clone().unwrap();

    // Nothing is lost: every record is scored or rejected, exactly once.
    prop_assert_eq!(accounting.received, n);
    prop_assert_eq!(accounting.scored + accounting.rejected, accounting.received);
    prop_assert_eq!(accounting.rejected as usize, accounting.rejections.len());
    prop_assert_eq!(accounting.scored as usize, expected.scored.len(), "scored records");
    let mut card_sequences = Vec::new();
    let mut card_ids = Vec::new();
    for out in RoundOutput::new(report) {
        if let Some(pb::score_round_response::Item::ScoreCard(card)) = out.item {
            card_sequences.push(card.sequence);
            card_ids.push(card.record_id);
        }
    }
    let expected_ids: Vec<String> = expected.scored.iter().map(|i| format!("e{i}")).collect();
    prop_assert_eq!(&card_ids, &expected_ids, "score cards in arrival order");
    let mut all: Vec<u64> =
        card_sequences.iter().copied().chain(accounting.rejections.iter().map(|r| r.sequence)).collect();
    all.sort_unstable();
    prop_assert_eq!(all, (0..n).collect::<Vec<_>>(), "each sequence number once");
    for r in &accounting.rejections {
        prop_assert!(!r.reason.is_empty());
        prop_assert!(!r.field_violations.is_empty(), "a rejection names a field");
    }

    // Groups: every dimension adds up to the overall n.
    let of = |d: pb::GroupDimension| s.groups.iter().filter(move |g| g.dimension() == d);
    let overall: Vec<_> = of(pb::GroupDimension::Overall).collect();
    let overall_n = overall.first().map_or(0, |g| g.n);
    prop_assert_eq!(overall_n, expected.scored.len() as u64);
    let respondents: Vec<&pb::Respondent> = expected.responses.iter().map(|r| r.respondent.as_ref().unwrap()).collect();
    let with_county = respondents.iter().filter(|r| r.kind != pb::RespondentKind::StateAgency as i32).count() as u64;
    let with_size = respondents.iter().filter(|r| r.inhabitants > 0).count() as u64;
    prop_assert_eq!(sum_groups(of(pb::GroupDimension::RespondentKind)), overall_n, "kinds add up");
    prop_assert_eq!(sum_groups(of(pb::GroupDimension::County)), with_county, "counties add up");
    prop_assert_eq!(sum_groups(of(pb::GroupDimension::SizeClass)), with_size, "size classes add up");
    prop_assert_eq!(sum_groups(of(pb::GroupDimension::Region)), with_county, "regions add up");
    prop_assert!(sum_groups(of(pb::GroupDimension::County)) <= overall_n);
    if kinds == Kinds::Municipalities {
        prop_assert_eq!(sum_groups(of(pb::GroupDimension::County)), overall_n);
        prop_assert_eq!(sum_groups(of(pb::GroupDimension::SizeClass)), overall_n);
    }

    // Per indicator: the n of each distribution is the scored records with its
    // block; per-score and per-count cells add up to it; histograms match.
    let blocks: Vec<&pb::Ssb2018Answers> = expected.responses.iter().filter_map(|r| r.ssb_2018.as_ref()).collect();
    let mut histograms = [[0u64; 16]; 6];
    for a in &blocks {
        for (i, count) in expected_counts(a).into_iter().enumerate() {
            if let Some(c) = count {
                histograms[i][c as usize] += 1;
            }
        }
    }
    for g in &s.groups {
        prop_assert_eq!(g.scores.len(), 6);
        for d in &g.scores {
            prop_assert_eq!(d.per_score.iter().sum::<u64>(), d.n, "{} per score in {}", &d.indicator, &g.key);
            prop_assert_eq!(d.per_count.iter().sum::<u64>(), d.n, "{} per count in {}", &d.indicator, &g.key);
            prop_assert!(d.n <= g.n);
        }
        for c in &g.composites {
            prop_assert_eq!(c.per_grade.iter().sum::<u64>(), c.n);
            prop_assert!(c.n <= g.n);
        }
        let competence = g.competence.as_ref().unwrap();
        for table in [&competence.hindrance_by_recruitment, &competence.hindrance_by_sourcing] {
            let table = table.as_ref().unwrap();
            prop_assert_eq!(table.cells.iter().sum::<u64>(), table.n);
            prop_assert!(table.n <= g.n);
        }
    }
    if let Some(all) = overall.first() {
        for (i, d) in all.scores.iter().enumerate() {
            let with_block = histograms[i].iter().sum::<u64>();
            prop_assert_eq!(d.n, with_block, "{} n = scored records with the block", &d.indicator);
            let max = m::COUNT_INDICATORS[i].max_count as usize;
            prop_assert_eq!(&d.per_count[..], &histograms[i][..=max], "{} histogram", &d.indicator);
        }
        let both = |a: usize, b: usize| -> u64 {
            blocks.iter().filter(|x| expected_counts(x)[a].is_some() && expected_counts(x)[b].is_some()).count() as u64
        };
        let activity = blocks.iter().filter(|x| expected_counts(x)[3..].iter().all(Option::is_some)).count() as u64;
        prop_assert_eq!(all.composites[0].n, both(0, 1), "digital priority n");
        prop_assert_eq!(all.composites[1].n, both(3, 4), "digital use n");
        prop_assert_eq!(all.composites[2].n, activity, "digital activity n");
        // Each split of the round adds up, cell by cell, to the overall table.
        for dimension in [pb::GroupDimension::RespondentKind, pb::GroupDimension::County, pb::GroupDimension::SizeClass]
        {
            let mut per_score: BTreeMap<(usize, usize), u64> = BTreeMap::new();
            for g in of(dimension) {
                for (i, d) in g.scores.iter().enumerate() {
                    for (score, k) in d.per_score.iter().enumerate() {
                        *per_score.entry((i, score)).or_default() += k;
                    }
                }
            }
            for (i, d) in all.scores.iter().enumerate() {
                for (score, &k) in d.per_score.iter().enumerate() {
                    let split = per_score.get(&(i, score)).copied().unwrap_or(0);
                    if dimension == pb::GroupDimension::RespondentKind || kinds == Kinds::Municipalities {
                        prop_assert_eq!(split, k, "{:?} cells add up for {} score {}", dimension, &d.indicator, score);
                    } else {
                        prop_assert!(split <= k);
                    }
                }
            }
        }
    }
    Ok(())
}

fn kinds() -> impl Strategy<Value = Kinds> {
    prop_oneof![Just(Kinds::Municipalities), Just(Kinds::Mixed)]
}

fn calibration() -> impl Strategy<Value = pb::Calibration> {
    prop_oneof![Just(pb::Calibration::Published), Just(pb::Calibration::Relative)]
}

proptest! {
    #![proptest_config(config(256))]

    #[test]
    fn every_round_accounts_for_every_record_and_its_tables_add_up(
        (kinds, entries) in kinds().prop_flat_map(|k| (Just(k), proptest::collection::vec(entry(k), 0..60))),
        calibration in calibration(),
    ) {
        check_round(&entries, kinds, calibration, RoundLimits::default().max_records)?;
    }

    #[test]
    fn a_round_over_its_record_limit_fails_as_a_whole_and_one_within_it_is_scored(
        entries in proptest::collection::vec(entry(Kinds::Mixed), 0..12),
        max_records in 0u64..14,
    ) {
        check_round(&entries, Kinds::Mixed, pb::Calibration::Published, max_records)?;
    }
}

#[test]
fn the_enum_lengths_match_the_methodology_lists() {
    // The generators take their ranges from the proto enums; the scorer from the
    // methodology's lists. They must agree, or "valid" would mean two things.
    assert_eq!(Target::StrategyAreas.len() as usize, m::STRATEGY_AREAS.len());
    assert_eq!(Target::ProjectAreas.len() as usize, m::PROJECT_EFFECT_AREAS.len());
    assert_eq!(Target::SourcingFunction.len() as usize, m::ICT_FUNCTIONS.len());
    assert_eq!(Target::SourcingAnswer.len() as usize, m::SOURCING.len());
    assert_eq!(Target::RecruitmentDifficulties.len() as usize, m::RECRUITMENT_DIFFICULTIES.len());
    assert_eq!(Target::Hindrance.len() as usize, m::HINDRANCE.len());
    assert_eq!(Target::CloudAreas.len() as usize, m::CLOUD_AREAS.len());
    assert_eq!(Target::ProcurementActivity.len() as usize, m::PROCUREMENT_ACTIVITIES.len());
    assert_eq!(Target::ProcurementAnswer.len() as usize, m::PROCUREMENT_ANSWERS.len());
    assert_eq!(Target::ServiceMode.len() as usize, m::SERVICE_MODES.len());
    assert_eq!(Target::ServiceExtent.len() as usize, m::SERVICE_EXTENTS.len());
}

// ---- relative calibration: the derived cuts are docs/method.md §1.5's, by brute force ----

/// The threshold in `from..=to` that best balances the counts `≤ t` against
/// those `> t` among `xs`, trying every one (the first on ties); the middle of
/// the range, rounded down, when `xs` is empty.
fn brute_threshold(xs: &[u32], from: u32, to: u32) -> u32 {
    if xs.is_empty() {
        return (from + to) / 2;
    }
    let mut best: Option<(u64, u32)> = None;
    for t in from..=to {
        let below = xs.iter().filter(|&&x| x <= t).count() as i64;
        let above = xs.len() as i64 - below;
        let gap = (below - above).unsigned_abs();
        if best.is_none_or(|(g, _)| gap < g) {
            best = Some((gap, t));
        }
    }
    best.unwrap().1
}

/// §1.5 written from the text: the cuts (as the lowest count of bands 2, 3, 4)
/// or `None` where the guard keeps the published ones.
fn brute_cuts(nonzero: &[u32], max: u32) -> Option<[u32; 3]> {
    let distinct: HashSet<u32> = nonzero.iter().copied().collect();
    if nonzero.len() < 20 || distinct.len() < 4 {
        return None;
    }
    let t2 = brute_threshold(nonzero, 2, max - 2);
    let low: Vec<u32> = nonzero.iter().copied().filter(|&x| x <= t2).collect();
    let high: Vec<u32> = nonzero.iter().copied().filter(|&x| x > t2).collect();
    let t1 = brute_threshold(&low, 1, t2 - 1);
    let t3 = brute_threshold(&high, t2 + 1, max - 1);
    assert!(1 <= t1 && t1 < t2 && t2 < t3 && t3 < max, "every band a non-empty range");
    Some([t1 + 1, t2 + 1, t3 + 1])
}

/// The median of `xs` (mean of the two middle values); 0 when empty.
fn brute_median(xs: &[u32]) -> f64 {
    let mut xs = xs.to_vec();
    xs.sort_unstable();
    match xs.len() {
        0 => 0.0,
        n if n % 2 == 1 => f64::from(xs[n / 2]),
        n => f64::from(xs[n / 2 - 1] + xs[n / 2]) / 2.0,
    }
}

/// Each indicator's median base for one `ssb_2018` block (docs/method.md §1.5):
/// strategy, projects and cloud among those who answered yes; the rest over
/// everyone scored.
fn median_base_counts(a: &pb::Ssb2018Answers) -> [Option<u32>; 6] {
    let mut counts = expected_counts(a);
    let yes = [
        a.strategy.as_ref().map(|s| s.has_strategy),
        a.projects.as_ref().map(|p| p.has_projects),
        None,
        a.cloud.as_ref().map(|c| c.uses_cloud),
    ];
    for (i, yes) in yes.into_iter().enumerate() {
        if yes == Some(false) {
            counts[i] = None;
        }
    }
    counts
}

/// Rounds whose strategy counts (and the other indicators') cluster, so the
/// guard is met about as often as not.
fn calibration_round() -> impl Strategy<Value = Vec<pb::SurveyResponse>> {
    proptest::collection::vec(valid_response_with(Kinds::Mixed, Just(2018u32)), 0..90)
}

fn check_calibration(responses: &[pb::SurveyResponse], calibration: pb::Calibration) -> Result<(), TestCaseError> {
    let mut messages = vec![header(calibration)];
    let mut seen = HashSet::new();
    let mut base: Vec<&pb::Ssb2018Answers> = Vec::new();
    for (i, r) in responses.iter().enumerate() {
        let respondent = r.respondent.as_ref().unwrap();
        if seen.insert(respondent.organisation_number.clone())
            && respondent.kind == pb::RespondentKind::Municipality as i32
            && let Some(a) = &r.ssb_2018
        {
            base.push(a);
        }
        messages.push(pb::ScoreRoundRequest {
            item: Some(pb::score_round_request::Item::Record(pb::RoundRecord {
                record_id: format!("r{i}"),
                response: Some(r.clone()),
            })),
        });
    }
    let report = block_on(fold_round(futures::stream::iter(messages.into_iter().map(Ok)), RoundLimits::default()))
        .map_err(|s| TestCaseError::fail(format!("round failed: {s:?}")))?;
    let s = summary(&report, indikator_app::round_fold::SUMMARY_REJECTIONS_BUDGET);
    check_items(&s)?;
    let c = s.calibration.unwrap();
    for (i, indicator) in m::COUNT_INDICATORS.iter().enumerate() {
        let got = &c.indicators[i];
        let in_base: Vec<u32> = base.iter().filter_map(|a| median_base_counts(a)[i]).collect();
        let nonzero: Vec<u32> = in_base.iter().copied().filter(|&x| x > 0).collect();
        prop_assert_eq!(got.nonzero, nonzero.len() as u64, "{} non-zero municipalities", indicator.id);
        prop_assert_eq!(got.median_base, in_base.len() as u64, "{} median base", indicator.id);
        prop_assert_eq!(got.median, brute_median(&in_base), "{} median", indicator.id);
        let published = indicator.published.cut_points().to_vec();
        match brute_cuts(&nonzero, indicator.max_count) {
            Some(cuts) => {
                prop_assert_eq!(&got.derived_cut_points, &cuts.to_vec(), "{} derived cuts", indicator.id);
                prop_assert!(got.not_derived_reason.is_empty());
            }
            None => {
                prop_assert!(got.derived_cut_points.is_empty(), "{}: the guard derives nothing", indicator.id);
                prop_assert!(!got.not_derived_reason.is_empty(), "{}: and says why", indicator.id);
            }
        }
        let expected_used = match calibration {
            pb::Calibration::Relative if !got.derived_cut_points.is_empty() => got.derived_cut_points.clone(),
            _ => published,
        };
        prop_assert_eq!(&got.used_cut_points, &expected_used, "{} used cuts", indicator.id);
    }
    Ok(())
}

/// Rounds of municipalities whose counts spread over the whole range, so the
/// guard is passed and the cut rule itself is exercised.
fn spread_round() -> impl Strategy<Value = Vec<pb::SurveyResponse>> {
    let response =
        (municipality(Just(2018u32)), 0usize..=13, 0usize..=10).prop_map(|(respondent, s, p)| pb::SurveyResponse {
            respondent: Some(respondent),
            ssb_2018: Some(pb::Ssb2018Answers {
                strategy: Some(pb::Ssb2018Strategy { has_strategy: s > 0, areas: (1..=s as i32).collect() }),
                projects: Some(pb::Ssb2018Projects { has_projects: true, areas: (1..=p as i32).collect() }),
                ..Default::default()
            }),
            ..Default::default()
        });
    proptest::collection::vec(response, 15..120)
}

proptest! {
    #![proptest_config(config(96))]

    #[test]
    fn derived_cuts_equal_a_brute_force_of_the_method_and_the_guard_holds(
        responses in prop_oneof![calibration_round(), spread_round()],
        calibration in calibration(),
    ) {
        check_calibration(&responses, calibration)?;
    }
}

// ---- KS: one exact score everywhere, and means of those scores ----

fn ks_answer(item: &indikator_core::catalogue::ItemDef) -> BoxedStrategy<Option<pb::MaturityAnswer>> {
    use indikator_core::catalogue::AnswerType;
    use pb::maturity_answer::Answer;
    let id = item.id.clone();
    let options: Vec<String> = item.options.iter().map(|o| o.id.clone()).collect();
    let answer: BoxedStrategy<Answer> = match item.answer {
        AnswerType::Degree => (1i32..=5).prop_map(Answer::Degree).boxed(),
        AnswerType::YesNo => any::<bool>().prop_map(Answer::Yes).boxed(),
        AnswerType::SingleChoice => proptest::sample::select(options).prop_map(Answer::Choice).boxed(),
        AnswerType::MultiChoice { .. } => {
            let n = options.len();
            subsequence(options, 0..=n).prop_map(|option_ids| Answer::Choices(pb::ChoiceList { option_ids })).boxed()
        }
        AnswerType::Level => (0u32..=3).prop_map(Answer::Level).boxed(),
    };
    prop_oneof![
        3 => Just(None),
        1 => Just(Some(Answer::DontKnow(true))),
        6 => answer.prop_map(Some),
    ]
    .prop_map(move |answer| answer.map(|answer| pb::MaturityAnswer { item_id: id.clone(), answer: Some(answer) }))
    .boxed()
}

fn ks_block() -> impl Strategy<Value = pb::Ks2018Answers> {
    let items: Vec<BoxedStrategy<Option<pb::MaturityAnswer>>> =
        indikator_core::catalogue::Catalogues::shipped().ks_2018.items.iter().map(ks_answer).collect();
    items.prop_map(|answers| pb::Ks2018Answers { answers: answers.into_iter().flatten().collect() })
}

/// The respondent kinds a methodology covers, as GetMethodology states them.
fn covered_kinds(id: &str) -> Vec<i32> {
    let all = indikator_app::describe::all(indikator_core::catalogue::Catalogues::shipped());
    all.into_iter().find(|m| m.id == id).unwrap_or_else(|| panic!("methodology {id}")).respondent_kinds
}

fn ks_round() -> impl Strategy<Value = Vec<pb::SurveyResponse>> {
    // Respondents of the kinds the methodology covers, constructed: none rejected.
    let respondent = respondent_of(&covered_kinds("ks-2018"), Just(2018u32));
    let response = (respondent, ks_block()).prop_map(|(respondent, ks_2018)| pb::SurveyResponse {
        respondent: Some(respondent),
        ks_2018: Some(ks_2018),
        ..Default::default()
    });
    proptest::collection::vec(response, 1..40)
}

/// The mean of `scores` as a reader computes it: summed in arrival order.
fn mean_of(scores: &[f64]) -> f64 {
    if scores.is_empty() { 0.0 } else { scores.iter().sum::<f64>() / scores.len() as f64 }
}

/// A scored card as the check groups it: its (dimension, key) groups, its
/// region and its score per area.
type KsCard = (Vec<(i32, String)>, String, Vec<Option<f64>>);

fn check_ks_round(responses: &[pb::SurveyResponse]) -> Result<(), TestCaseError> {
    let messages =
        std::iter::once(header(pb::Calibration::Published)).chain(responses.iter().enumerate().map(|(i, r)| {
            pb::ScoreRoundRequest {
                item: Some(pb::score_round_request::Item::Record(pb::RoundRecord {
                    record_id: format!("{i}"),
                    response: Some(r.clone()),
                })),
            }
        }));
    let report = block_on(fold_round(futures::stream::iter(messages.map(Ok)), RoundLimits::default()))
        .map_err(|s| TestCaseError::fail(format!("round failed: {s:?}")))?;
    let s = summary(&report, indikator_app::round_fold::SUMMARY_REJECTIONS_BUDGET);
    check_items(&s)?;
    let cards: Vec<pb::ScoreCard> = RoundOutput::new(report)
        .filter_map(|out| match out.item {
            Some(pb::score_round_response::Item::ScoreCard(card)) => Some(card),
            _ => None,
        })
        .collect();
    let areas = &indikator_core::catalogue::Catalogues::shipped().ks_2018.areas;
    // Per card: (group keys, region, scores per area).
    let mut scored: Vec<KsCard> = Vec::new();
    for card in &cards {
        let request = &responses[card.record_id.parse::<usize>().unwrap()];
        let by_score = score(Some(request)).map_err(|f| TestCaseError::fail(format!("{f:?}")))?;
        let results = card.results.as_ref().unwrap();
        let inner = &results.ks_2018.as_ref().unwrap().areas;
        let direct = &by_score.ks_2018.as_ref().unwrap().areas;
        prop_assert_eq!(card.ks_2018.len(), areas.len());
        let mut scores = Vec::new();
        for a in 0..areas.len() {
            let bits = |s: Option<f64>| s.map(f64::to_bits);
            prop_assert_eq!(bits(card.ks_2018[a].score), bits(inner[a].score), "card and inner results");
            prop_assert_eq!(bits(inner[a].score), bits(direct[a].score), "round and Score, area {}", a);
            scores.push(direct[a].score);
        }
        let p = results.respondent.as_ref().unwrap();
        let mut keys = vec![
            (pb::GroupDimension::Overall as i32, "all".to_owned()),
            (pb::GroupDimension::RespondentKind as i32, p.kind().as_str_name().to_owned()),
        ];
        if p.size_class() != pb::SizeClass::Unspecified {
            keys.push((pb::GroupDimension::SizeClass as i32, p.size_class().as_str_name().to_owned()));
        }
        if !p.county_number.is_empty() {
            keys.push((pb::GroupDimension::County as i32, p.county_number.clone()));
            keys.push((pb::GroupDimension::Region as i32, p.region.clone()));
        }
        scored.push((keys, p.region.clone(), scores));
    }
    let scores_where = |area: usize, keep: &dyn Fn(&KsCard) -> bool| {
        scored.iter().filter(|x| keep(x)).filter_map(|x| x.2[area]).collect::<Vec<f64>>()
    };
    for g in &s.groups {
        let key = (g.dimension, g.key.clone());
        for (a, mean) in g.ks_2018.iter().enumerate() {
            let in_group = scores_where(a, &|x| x.0.contains(&key));
            prop_assert_eq!(mean.n, in_group.len() as u64, "{} n in {}", &mean.area_id, &g.key);
            prop_assert_eq!(mean.mean.to_bits(), mean_of(&in_group).to_bits(), "{} mean in {}", &mean.area_id, &g.key);
        }
    }
    for (card, (keys, region, scores)) in cards.iter().zip(&scored) {
        for (a, area) in card.ks_2018.iter().enumerate() {
            let national = scores_where(a, &|_| true);
            prop_assert_eq!(area.national_mean.to_bits(), mean_of(&national).to_bits());
            if let Some(county) = keys.iter().find(|k| k.0 == pb::GroupDimension::County as i32) {
                let in_county = scores_where(a, &|x| x.0.contains(county));
                prop_assert_eq!(area.county_mean.to_bits(), mean_of(&in_county).to_bits());
                let in_region = scores_where(a, &|x| &x.1 == region);
                prop_assert_eq!(area.region_mean.to_bits(), mean_of(&in_region).to_bits());
            }
            let above = national.iter().filter(|&&x| scores[a].is_some_and(|mine| x > mine)).count() as u32;
            let rank = if scores[a].is_some() { 1 + above } else { 0 };
            prop_assert_eq!(area.national_rank, rank, "rank in area {}", a);
            prop_assert_eq!(area.ranked, national.len() as u32);
        }
    }
    Ok(())
}

proptest! {
    #![proptest_config(config(64))]

    #[test]
    fn ks_scores_are_bit_identical_on_cards_in_results_and_from_score_and_means_are_of_those_scores(
        responses in ks_round(),
    ) {
        check_ks_round(&responses)?;
    }
}

// ---- answers written straight from the results are prost's bytes ----

proptest! {
    #![proptest_config(config(48))]

    /// Score, ScoreStream and every answer of a round (score cards with and
    /// without labels, under either calibration; rejections; the summary), as
    /// the server writes them from the core's results, are the bytes prost
    /// writes for the messages built from the same results.
    #[test]
    fn answers_written_from_the_results_are_the_bytes_prost_writes(
        responses in all_methodologies_round(),
        codes_only in any::<bool>(),
        relative in any::<bool>(),
    ) {
        use bytes::BytesMut;
        use indikator_app::decode::Record;
        use indikator_app::round_fold::{stream_output, stream_output_bytes};
        use indikator_app::score::score_response_bytes;
        let catalogues = indikator_core::catalogue::Catalogues::shipped();
        let mut buf = BytesMut::new();
        for (i, response) in responses.iter().enumerate() {
            let request = pb::ScoreStreamRequest { record_id: format!("r{i}"), response: Some(response.clone()) };
            let bytes = request.encode_to_vec();
            let expected = stream_output(i as u64, Record::from_stream_bytes(&bytes, catalogues), catalogues);
            let (written, scored) =
                stream_output_bytes(i as u64, Record::from_stream_bytes(&bytes, catalogues), catalogues, &mut buf);
            prop_assert!(written == expected.encode_to_vec(), "ScoreStream's answer to record {}", i);
            if let Ok(validated) = survey_response(Some(response), "response") {
                prop_assert!(scored);
                let expected = pb::ScoreResponse { results: Some(score_validated(&validated)) }.encode_to_vec();
                prop_assert!(score_response_bytes(&validated, catalogues, &mut buf) == expected, "Score's answer");
            }
        }
        let calibration = if relative { pb::Calibration::Relative } else { pb::Calibration::Published };
        let mut first = header(calibration);
        if let Some(pb::score_round_request::Item::Header(h)) = first.item.as_mut() {
            h.codes_only = codes_only;
        }
        let messages: Vec<_> = std::iter::once(first)
            .chain(responses.iter().enumerate().map(|(i, r)| pb::ScoreRoundRequest {
                item: Some(pb::score_round_request::Item::Record(pb::RoundRecord {
                    record_id: format!("{i}"),
                    response: Some(r.clone()),
                })),
            }))
            .collect();
        let fold = || block_on(fold_round(futures::stream::iter(messages.clone().into_iter().map(Ok)), RoundLimits::default()));
        let expected: Vec<Vec<u8>> = RoundOutput::new(fold().unwrap()).map(|m| m.encode_to_vec()).collect();
        let mut output = RoundOutput::new(fold().unwrap());
        let written: Vec<bytes::Bytes> = std::iter::from_fn(|| output.next_bytes(&mut buf)).collect();
        prop_assert_eq!(written.len(), expected.len());
        for (i, (w, e)) in written.iter().zip(&expected).enumerate() {
            prop_assert!(w == e, "round answer {} differs from prost's", i);
        }
    }
}
