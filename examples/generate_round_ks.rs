//! Generates a synthetic `ks-2018` survey round of 215 respondents that reproduces
//! KS / Rambøll's published 2018 figures (docs/method.md §2, §6) when run through a round.
//!
//! ```sh
//! cargo run --example generate_round_ks -- --seed 2018 > examples/round-ks-2018.jsonl
//! ```
//!
//! JSON Lines of `indikator.v1.ScoreRoundRequest`: the header (`ks-2018-synthetic`,
//! survey year 2018, published calibration), then 205 municipalities and 10 county
//! municipalities, each with a `ks_2018` block answering the shipped catalogue's
//! items part by part.
//!
//! # What it reproduces
//!
//! Every `ks-2018` figure of `indikator_core::methodology::figures`, over the sector
//! (municipalities and county municipalities together, as KS counts them):
//!
//! * 215 respondents answered some part of the survey and 141 every part; KS's four
//!   parts («Digitalisering generelt», its first five areas; then health and welfare,
//!   education, planning) were answered by 200, 169, 168 and 158;
//! * the eight area means, to the published precision: 1,9; 2,1; 2,6; 2,9; 3,2; 2,7;
//!   «3 av 5»; «3 av 5»;
//! * the item shares the presentation states (sik-1 «samtlige» 68 %, sik-5 «til
//!   sammen 49 %» and so on), dealt from the presentation's own answer shares
//!   ([`SHARES`]) where it shows a chart, so the other answers are plausible too.
//!
//! The third item figure KS's news item quotes (6 % do not follow a standard for
//! accessible web content) has no item in the shipped catalogue, so no round has it.
//!
//! # How
//!
//! Each item's respondents (those who answered its part) are dealt its published
//! answer groups in their shares; the rest get its other answers. Inside a group
//! an answer is drawn around the area's target, then answers are moved one step at a
//! time inside their group (which never changes a published share) until each area
//! mean is within 0.02 of its target. A multiple choice is valued by how many options
//! are chosen; which options, by the presentation's share for each. Everything
//! random comes from a SplitMix64 generator seeded with `--seed`.

#[path = "common/synthetic.rs"]
mod synthetic;

use clap::Parser;
use indikator_app::proto::v1 as pb;
use indikator_core::catalogue::{AnswerType, Catalogues, ItemDef};
use indikator_core::methodology::figures::PUBLISHED_FIGURES;
use indikator_core::round::figures::checks;
use indikator_core::round::{CalibrationMode, RecordAnswers, RoundConfig};
use indikator_testing as validate;
use pb::maturity_answer::Answer;
use synthetic::SplitMix64;

/// Generates a synthetic ks-2018 round (JSON Lines of ScoreRoundRequest) on stdout.
#[derive(Parser)]
struct Args {
    /// Seed of the pseudo-random generator; the same seed gives the same file.
    #[arg(long, default_value_t = 2018)]
    seed: u64,
}

const ROUND_ID: &str = "ks-2018-synthetic";
const SURVEY_YEAR: u32 = 2018;
const MUNICIPALITIES: usize = 205;
/// County municipalities, one per county of the 2018 structure but Oslo's.
const COUNTY_MUNICIPALITIES: [&str; 10] = ["01", "02", "04", "05", "06", "07", "08", "11", "12", "15"];
/// Respondents that answered every part.
const ALL_PARTS: usize = 141;
/// KS's parts, as catalogue areas, and how many answered each (seed 004: «antall svar»).
const PARTS: [(&[&str], usize); 4] = [
    (
        &[
            "brukeren-i-sentrum",
            "ikt-som-innsatsfaktor",
            "digital-kompetanse-og-deltakelse",
            "effektiv-digitalisering",
            "informasjonssikkerhet-og-personvern",
        ],
        200,
    ),
    (&["helse-og-velferd"], 169),
    (&["utdanning-og-oppvekst"], 168),
    (&["plan-bygg-og-geodata"], 158),
];

/// Answers dealt together, and their share.
type Group = (&'static [&'static str], f64);

/// The presentation's answer shares per item (seed 004), among those who answered
/// the item's part: groups of answers, each with its share; the item's other
/// answers share the rest. An answer is an option id, `nivaa-K` for a level, the
/// number of options chosen for a multiple choice, or `vet-ikke`.
const SHARES: &[(&str, &[Group])] = &[
    ("bis-1", &[(&["0"], 0.15), (&["vet-ikke"], 0.09)]),
    ("bis-2", &[(&["ja"], 0.53), (&["vet-ikke"], 0.10)]),
    ("ikt-1", &[(&["hoy", "svaert-hoy"], 0.65)]),
    ("ikt-2", &[(&["hoy", "svaert-hoy"], 0.56)]),
    ("ikt-3", &[(&["hoy", "svaert-hoy"], 0.29)]),
    ("ikt-4", &[(&["hoy", "svaert-hoy"], 0.22)]),
    ("ikt-5", &[(&["hoy", "svaert-hoy"], 0.22)]),
    ("ikt-6", &[(&["hoy", "svaert-hoy"], 0.21)]),
    ("ikt-7", &[(&["hoy", "svaert-hoy"], 0.18)]),
    ("ikt-8", &[(&["0"], 0.07)]),
    ("ikt-9", &[(&["0"], 0.05)]),
    (
        "ikt-10",
        &[
            (&["ikke-bevisst"], 0.17),
            (&["bevisst-ikke-delt"], 0.32),
            (&["dele"], 0.09),
            (&["ta-i-bruk"], 0.10),
            // «dele-og-ta-i-bruk» takes the rest, 32 %.
        ],
    ),
    ("ikt-11", &[(&["ja"], 0.06)]),
    ("ikt-12", &[(&["ja"], 0.18)]),
    ("eff-1", &[(&["hoy", "svaert-hoy"], 0.76), (&["liten"], 0.02)]),
    ("eff-2", &[(&["svaert-liten"], 0.21), (&["liten"], 0.29), (&["noen"], 0.42), (&["hoy"], 0.05)]),
    ("eff-3", &[(&["vet-ikke"], 0.07)]),
    (
        "eff-4",
        &[
            (&["jevnlig-kontakt"], 0.42),
            (&["formaliserte-nettverk"], 0.29),
            (&["sporadisk-kontakt"], 0.16),
            (&["nasjonale-arenaer"], 0.09),
        ],
    ),
    ("eff-5", &[(&["svaert-hoy", "hoy"], 0.12), (&["liten", "svaert-liten"], 0.45), (&["vet-ikke"], 0.06)]),
    (
        "eff-6",
        &[(&["svaert-hoy"], 0.05), (&["hoy"], 0.17), (&["noen"], 0.35), (&["liten"], 0.23), (&["vet-ikke"], 0.10)],
    ),
    ("sik-1", &[(&["samtlige"], 0.68), (&["over-halvparten"], 0.18), (&["under-halvparten"], 0.10)]),
    (
        "sik-2",
        &[(&["radmann"], 0.54), (&["ingen-dedikert"], 0.15), (&["ikt-ansvarlige"], 0.13), (&["hver-virksomhet"], 0.10)],
    ),
    (
        "sik-3",
        &[
            (&["noen-enheter", "sporadiske"], 0.81),
            (&["alle-enheter"], 0.09),
            (&["ingen-aktiviteter"], 0.07),
            (&["vet-ikke"], 0.02),
        ],
    ),
    ("sik-4", &[(&["samarbeid"], 0.32), (&["dedikert"], 0.26), (&["fordelt-til-medarbeider"], 0.25)]),
    ("sik-5", &[(&["ikke-paabegynt"], 0.51), (&["strategi-plan"], 0.35), (&["formal-og-behov"], 0.11)]),
    ("hv-1", &[(&["nivaa-1"], 0.66)]),
    ("hv-2", &[(&["nivaa-1"], 0.66)]),
    ("hv-3", &[(&["nivaa-1"], 0.66)]),
    ("hv-4", &[(&["nivaa-1"], 0.66)]),
    ("hv-5", &[(&["nivaa-1"], 0.66)]),
    ("hv-6", &[(&["nivaa-1"], 0.60), (&["nivaa-2"], 0.24)]),
    ("hv-7", &[(&["ja"], 0.70), (&["vet-ikke"], 0.05)]),
    ("hv-8", &[(&["ja"], 0.51), (&["vet-ikke"], 0.07)]),
    ("hv-9", &[(&["2"], 0.45), (&["1"], 0.14)]),
    ("hv-10", &[(&["ja"], 0.75), (&["vet-ikke"], 0.05)]),
    ("hv-11", &[(&["ja"], 0.90), (&["vet-ikke"], 0.03)]),
    ("hv-12", &[(&["ja"], 0.50), (&["vet-ikke"], 0.08)]),
    ("uo-1", &[(&["nivaa-2"], 0.59)]),
    ("uo-4", &[(&["nivaa-2"], 0.60), (&["nivaa-3"], 0.10)]),
    ("uo-9", &[(&["noen", "hoy", "svaert-hoy"], 0.95)]),
    ("uo-10", &[(&["noen"], 0.54), (&["liten"], 0.18)]),
    ("uo-11", &[(&["noen", "hoy", "svaert-hoy"], 0.75)]),
    ("uo-12", &[(&["noen", "hoy", "svaert-hoy"], 0.76)]),
    ("pbg-1", &[(&["nivaa-1"], 0.73), (&["nivaa-2"], 0.23)]),
    ("pbg-2", &[(&["nivaa-1"], 0.73), (&["nivaa-2"], 0.23)]),
    ("pbg-3", &[(&["nivaa-1"], 0.73), (&["nivaa-2"], 0.23)]),
    ("pbg-4", &[(&["nivaa-1"], 0.70), (&["nivaa-2"], 0.23), (&["nivaa-3"], 0.06)]),
    ("pbg-5", &[(&["nivaa-1"], 0.73), (&["nivaa-2"], 0.23)]),
    ("pbg-6", &[(&["nivaa-1"], 0.73), (&["nivaa-2"], 0.23)]),
    ("pbg-7", &[(&["nivaa-1"], 0.73), (&["nivaa-2"], 0.23)]),
    ("pbg-8", &[(&["noen", "hoy", "svaert-hoy"], 0.62)]),
    ("pbg-9", &[(&["hoy", "svaert-hoy"], 0.74)]),
    ("pbg-10", &[(&["hoy", "svaert-hoy"], 0.75)]),
    ("pbg-11", &[(&["ja"], 0.56), (&["vet-ikke"], 0.10)]),
    ("pbg-12", &[(&["ja"], 0.75), (&["vet-ikke"], 0.12)]),
];

/// The presentation's share for each option of a multiple choice (catalogue order),
/// by which the chosen options are drawn; `None`: the first options, in order (hv-9:
/// laboratory results in the care services, and in the health centres too).
const OPTION_SHARES: &[(&str, Option<&[f64]>)] = &[
    ("bis-1", Some(&[41.0, 30.0, 30.0, 25.0, 17.0, 22.0])),
    ("ikt-8", Some(&[60.0, 28.0, 27.0, 23.0, 19.0, 16.0, 12.0, 5.0])),
    ("ikt-9", Some(&[25.0, 17.0, 20.0, 24.0, 23.0, 21.0, 14.0, 7.0])),
    ("kom-1", Some(&[61.0, 62.0, 59.0, 42.0, 27.0, 14.0, 9.0])),
    ("kom-2", Some(&[77.0, 73.0, 73.0, 57.0, 50.0, 25.0, 23.0])),
    ("eff-3", Some(&[74.0, 65.0, 61.0, 60.0, 56.0, 49.0, 47.0, 43.0, 42.0, 37.0, 27.0, 27.0, 26.0, 18.0])),
    ("hv-9", None),
];

/// Municipalities per county in the 2018 structure, scaled to 205.
const COUNTY_QUOTAS: [(&str, usize); 18] = [
    ("01", 9),
    ("02", 11),
    ("03", 1),
    ("04", 11),
    ("05", 12),
    ("06", 10),
    ("07", 4),
    ("08", 9),
    ("09", 7),
    ("10", 7),
    ("11", 12),
    ("12", 16),
    ("14", 12),
    ("15", 17),
    ("18", 21),
    ("19", 12),
    ("20", 10),
    ("50", 24),
];

/// One answer an item takes: what is sent, its value (`None`: «vet ikke», the item
/// unanswered) and its id in [`SHARES`].
struct Choice {
    answer: Answer,
    value: Option<f64>,
    id: String,
}

/// One item's answers, the real ones ascending by value, then «vet ikke».
fn choices(item: &ItemDef) -> Vec<Choice> {
    let valued = |answer, value, id: &str| Choice { answer, value: Some(value), id: id.to_owned() };
    let option_value = |id: &str| item.options.iter().find(|o| o.id == id).and_then(|o| o.value).unwrap_or(0.0);
    let mut c: Vec<Choice> = match item.answer {
        AnswerType::Degree => item
            .options
            .iter()
            .filter(|o| o.value.is_some())
            .zip(1..=5)
            .map(|(o, k)| valued(Answer::Degree(k), f64::from(k), &o.id))
            .collect(),
        AnswerType::YesNo => {
            vec![
                valued(Answer::Yes(false), option_value("nei"), "nei"),
                valued(Answer::Yes(true), option_value("ja"), "ja"),
            ]
        }
        AnswerType::SingleChoice => item
            .options
            .iter()
            .filter_map(|o| o.value.map(|v| valued(Answer::Choice(o.id.clone()), v, &o.id)))
            .collect(),
        AnswerType::MultiChoice { max_count } => (0..=item.options.len())
            .map(|k| {
                let value = 5.0 * k.min(max_count as usize) as f64 / f64::from(max_count);
                // The options are drawn when the line is written.
                valued(Answer::Choices(pb::ChoiceList::default()), value, &k.to_string())
            })
            .collect(),
        AnswerType::Level => {
            (0..=3).map(|l| valued(Answer::Level(l), 5.0 * f64::from(l) / 3.0, &format!("nivaa-{l}"))).collect()
        }
    };
    c.sort_by(|a, b| a.value.unwrap_or(0.0).total_cmp(&b.value.unwrap_or(0.0)));
    c.push(Choice { answer: Answer::DontKnow(true), value: None, id: "vet-ikke".into() });
    c
}

struct Respondent {
    organisation_number: String,
    municipality: Option<String>,
    county: String,
    inhabitants: u32,
    /// Per catalogue item: the index of its answer among [`choices`]; `None` = its
    /// part was not answered.
    answers: Vec<Option<usize>>,
}

/// An item's answer group as dealt: indices into its choices, and its share (`None`:
/// the rest).
type Dealt = (Vec<usize>, Option<f64>);

/// Per item: its answer groups (indices into its choices) and each group's share;
/// the last group holds the other real answers and takes the rest.
fn groups(ks: &indikator_core::catalogue::Catalogue, items: &[Vec<Choice>]) -> Vec<Vec<Dealt>> {
    let mut out = Vec::new();
    for (i, item) in ks.items.iter().enumerate() {
        let listed = SHARES.iter().find(|(id, _)| *id == item.id).map_or(&[][..], |(_, g)| *g);
        let mut taken = vec![false; items[i].len()];
        let mut groups: Vec<Dealt> = Vec::new();
        for (ids, share) in listed {
            let members: Vec<usize> = ids
                .iter()
                .map(|id| {
                    items[i].iter().position(|c| c.id == *id).unwrap_or_else(|| panic!("{}: no answer {id}", item.id))
                })
                .collect();
            for &m in &members {
                taken[m] = true;
            }
            groups.push((members, Some(*share)));
        }
        let rest: Vec<usize> = (0..items[i].len()).filter(|&c| !taken[c] && items[i][c].value.is_some()).collect();
        assert!(!rest.is_empty(), "{}: some answer takes the rest", item.id);
        groups.push((rest, None));
        out.push(groups);
    }
    out
}

/// Which parts each respondent answered: [`ALL_PARTS`] all four, the others one to
/// three, so that each part has its published count.
fn parts(rng: &mut SplitMix64, total: usize) -> Vec<[bool; 4]> {
    let mut order: Vec<usize> = (0..total).collect();
    rng.shuffle(&mut order);
    let mut answered = vec![[false; 4]; total];
    for &r in &order[..ALL_PARTS] {
        answered[r] = [true; 4];
    }
    let partial = &order[ALL_PARTS..];
    // Dealt round the partial respondents part by part: each part's run is shorter
    // than their number, so nobody gets a part twice, and the first part's run and
    // the next cover everyone.
    let mut at = 0;
    for (p, (_, count)) in PARTS.iter().enumerate() {
        for _ in 0..count - ALL_PARTS {
            answered[partial[at % partial.len()]][p] = true;
            at += 1;
        }
    }
    assert!(partial.iter().all(|&r| answered[r].iter().any(|&a| a)), "every respondent answered some part");
    answered
}

fn main() {
    let args = Args::parse();
    let mut rng = SplitMix64::new(args.seed);
    let ks = &Catalogues::shipped().ks_2018;
    assert_eq!(COUNTY_QUOTAS.iter().map(|q| q.1).sum::<usize>(), MUNICIPALITIES);
    let items: Vec<Vec<Choice>> = ks.items.iter().map(choices).collect();
    let item_groups = groups(ks, &items);
    let targets: Vec<f64> = ks.areas.iter().map(|a| a.published_national_mean.expect("published")).collect();
    let part_of_area: Vec<usize> = ks
        .areas
        .iter()
        .map(|a| PARTS.iter().position(|(areas, _)| areas.contains(&a.id.as_str())).expect("every area in a part"))
        .collect();

    let numbers = synthetic::municipality_numbers(&mut rng, &COUNTY_QUOTAS);
    let total = MUNICIPALITIES + COUNTY_MUNICIPALITIES.len();
    let organisations = synthetic::organisation_numbers(&mut rng, total);
    let mut respondents: Vec<Respondent> = organisations
        .into_iter()
        .enumerate()
        .map(|(i, organisation_number)| {
            let (municipality, county, inhabitants) = if i < MUNICIPALITIES {
                let n = numbers[i].clone();
                (Some(n.clone()), n[..2].to_owned(), synthetic::inhabitants(&mut rng, 300, 200_000))
            } else {
                (None, COUNTY_MUNICIPALITIES[i - MUNICIPALITIES].to_owned(), 0)
            };
            Respondent { organisation_number, municipality, county, inhabitants, answers: vec![None; ks.items.len()] }
        })
        .collect();

    // Who answered which part, then each item's groups dealt among them, an answer
    // inside a group drawn around the area's target.
    let answered = parts(&mut rng, total);
    for (i, item) in ks.items.iter().enumerate() {
        let mut who: Vec<usize> = (0..total).filter(|&r| answered[r][part_of_area[item.area]]).collect();
        rng.shuffle(&mut who);
        let n = who.len();
        let mut at = 0;
        for (members, share) in &item_groups[i] {
            let count = share.map_or(n - at, |s| (s * n as f64).round() as usize);
            for &r in &who[at..at + count] {
                let aim = targets[item.area] + 3.0 * (rng.unit() - 0.5);
                let best = members
                    .iter()
                    .copied()
                    .min_by(|&a, &b| {
                        let gap = |c: usize| items[i][c].value.map_or(0.0, |v| (v - aim).abs());
                        gap(a).total_cmp(&gap(b))
                    })
                    .expect("a group has answers");
                respondents[r].answers[i] = Some(best);
            }
            at += count;
        }
        assert_eq!(at, n, "{}: the groups cover its respondents", item.id);
    }

    // Move answers one step at a time inside their group until each area's mean
    // (over every respondent that answered it) is within 0.02 of its target.
    let group_of = |i: usize, c: usize| item_groups[i].iter().position(|(m, _)| m.contains(&c)).expect("grouped");
    for (area, &target) in targets.iter().enumerate() {
        let area_items: Vec<usize> = (0..ks.items.len()).filter(|&i| ks.items[i].area == area).collect();
        let members: Vec<usize> = (0..total).filter(|&r| respondents[r].answers[area_items[0]].is_some()).collect();
        // A respondent's area score, where enough of its items have a value to score it.
        let score = |r: &Respondent| {
            let values: Vec<f64> =
                area_items.iter().filter_map(|&i| items[i][r.answers[i].expect("answered")].value).collect();
            (values.len() as f64 >= ks.min_coverage * area_items.len() as f64)
                .then(|| values.iter().sum::<f64>() / values.len() as f64)
        };
        for _ in 0..400_000 {
            let scores: Vec<f64> = members.iter().filter_map(|&r| score(&respondents[r])).collect();
            let mean = scores.iter().sum::<f64>() / scores.len() as f64;
            let gap = target - mean;
            if gap.abs() <= 0.02 {
                break;
            }
            let r = members[rng.below(members.len())];
            let i = area_items[rng.below(area_items.len())];
            let at = respondents[r].answers[i].expect("answered");
            let Some(value) = items[i][at].value else { continue };
            let (members_of, _) = &item_groups[i][group_of(i, at)];
            let step = members_of
                .iter()
                .copied()
                .filter_map(|c| items[i][c].value.map(|v| (c, v)))
                .filter(|&(_, v)| if gap > 0.0 { v > value } else { v < value })
                .min_by(|a, b| (a.1 - value).abs().total_cmp(&(b.1 - value).abs()));
            if let Some((c, _)) = step {
                respondents[r].answers[i] = Some(c);
            }
        }
    }

    let mut lines = vec![
        serde_json::to_string(&pb::ScoreRoundRequest {
            item: Some(pb::score_round_request::Item::Header(pb::RoundHeader {
                round_id: ROUND_ID.into(),
                survey_year: SURVEY_YEAR,
                calibration: pb::Calibration::Published as i32,
                ..Default::default()
            })),
        })
        .expect("serialisable"),
    ];
    for (k, r) in respondents.iter().enumerate() {
        let (kind, name) = match &r.municipality {
            Some(n) => (pb::RespondentKind::Municipality, format!("Syntetisk kommune {n}")),
            None => (pb::RespondentKind::CountyMunicipality, format!("Syntetisk fylkeskommune {}", r.county)),
        };
        let mut answers = Vec::new();
        for (i, item) in ks.items.iter().enumerate() {
            let Some(at) = r.answers[i] else { continue };
            let answer = match &items[i][at].answer {
                Answer::Choices(_) => {
                    let k: usize = items[i][at].id.parse().expect("a count");
                    let shares = OPTION_SHARES.iter().find(|(id, _)| *id == item.id).and_then(|(_, s)| *s);
                    let picked = match shares {
                        Some(weights) => rng.weighted_subset(weights, k),
                        None => (0..k).collect(),
                    };
                    let option_ids = picked.into_iter().map(|o| item.options[o].id.clone()).collect();
                    Answer::Choices(pb::ChoiceList { option_ids })
                }
                other => other.clone(),
            };
            answers.push(pb::MaturityAnswer { item_id: item.id.clone(), answer: Some(answer) });
        }
        let response = pb::SurveyResponse {
            respondent: Some(pb::Respondent {
                organisation_number: r.organisation_number.clone(),
                kind: kind as i32,
                municipality_number: r.municipality.clone().unwrap_or_default(),
                county_number: if r.municipality.is_some() { String::new() } else { r.county.clone() },
                name,
                inhabitants: r.inhabitants,
                survey_year: SURVEY_YEAR,
            }),
            ks_2018: Some(pb::Ks2018Answers { answers }),
            ..Default::default()
        };
        let id = r.municipality.clone().unwrap_or_else(|| format!("fylke-{}", r.county));
        lines.push(synthetic::record_line(format!("{id}-{k}"), response));
    }
    let summary = verify(&lines);
    synthetic::write_round(&lines);
    eprintln!("generate_round_ks: seed {}\n{summary}", args.seed);
}

/// Reads every line back, validates it, folds the round and checks every published
/// KS figure; panics on a miss. Returns the summary for stderr.
fn verify(lines: &[String]) -> String {
    let mut round = indikator_testing::round(RoundConfig {
        round_id: ROUND_ID.into(),
        survey_year: SURVEY_YEAR as u16,
        calibration: CalibrationMode::Published,
    });
    for line in &lines[1..] {
        let request: pb::ScoreRoundRequest = serde_json::from_str(line).expect("each line parses");
        let Some(pb::score_round_request::Item::Record(record)) = request.item else { panic!("a record") };
        let v = validate::survey_response(record.response.as_ref(), "response").expect("valid");
        let answers = RecordAnswers {
            ks_2018: v.ks_2018.as_deref(),
            ks_2018_chosen: v.ks_2018_chosen.as_ref(),
            ..Default::default()
        };
        round.add(&record.record_id, &v.respondent, answers);
    }
    let report = round.finish();
    let figures = checks(&report.tables, &report.items, &report.catalogues);
    let mut s = format!("  records: {} respondents (+ header), all valid\n", report.scored);
    let mut misses = Vec::new();
    for f in &figures {
        if !f.agrees {
            misses.push(format!("{}: {} (published {})", f.figure.id, f.value, f.figure.published));
        }
        s += &format!(
            "  {}: {:.3} ({} of {}; published {})\n",
            f.figure.id, f.value, f.count, f.base, f.figure.published
        );
    }
    assert!(misses.is_empty(), "{s}\nmissed:\n{}", misses.join("\n"));
    let carried = PUBLISHED_FIGURES.iter().filter(|f| f.methodology == "ks-2018").count();
    assert_eq!(figures.len(), carried, "every ks-2018 figure is checked");
    s += "  all published figures agree";
    s
}
