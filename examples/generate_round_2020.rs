//! Generates a synthetic later `ssb-2018` round from the synthetic 2018 round,
//! after the 2020 municipal and county reform, and the correspondence table
//! that leads from the 2018 municipality numbers to the 2020 ones
//! (docs/method.md §7):
//!
//! ```sh
//! cargo run --example generate_round_2020 -- --seed 2020 \
//!     --correspondence examples/correspondence-2020.csv > examples/round-2020.jsonl
//! ```
//!
//! JSON Lines of `indikator.v1.ScoreRoundRequest`: the header
//! (`ssb-2020-synthetic`, survey year 2020, published calibration), then one
//! record per respondent, ordered by record id.
//!
//! # What changes from 2018
//!
//! * Municipalities of the counties merged in 2020 (Østfold, Akershus and
//!   Buskerud into Viken 30; Hedmark and Oppland into Innlandet 34; Vestfold and
//!   Telemark into 38; Aust- and Vest-Agder into Agder 42; Hordaland and Sogn og
//!   Fjordane into Vestland 46; Troms and Finnmark into 54) get numbers in their
//!   new county, numbered in the order of their old numbers; the other counties
//!   keep their numbers.
//! * Four mergers: the first two municipalities of Vestfold (07), of
//!   Hordaland (12) and of Troms (19) each become one new municipality with a
//!   new organisation number, and the second municipality of Møre og Romsdal
//!   (15) is merged into the first, which keeps its number. A merged
//!   municipality has the inhabitants of both and the answers of the larger.
//! * Two municipalities did not answer in 2020 (left); one new municipality
//!   number and one state agency answered only in 2020 (entered).
//! * Every respondent's strategy, project and cloud areas move: each gains one
//!   area with probability 0.35 and loses one with probability 0.1;
//!   inhabitants grow by up to 2 %.
//!
//! The correspondence file lists every 2018 number that changed, merged or
//! not, as `old,new` (the 2018 respondents that left included).
//!
//! Everything random comes from a SplitMix64 generator seeded with `--seed`.

#[path = "common/synthetic.rs"]
mod synthetic;

use std::collections::{BTreeMap, BTreeSet};
use std::io::Write;
use std::path::PathBuf;

use clap::Parser;
use indikator_app::proto::v1 as pb;
use synthetic::SplitMix64;

/// Generates a synthetic 2020 round (JSON Lines of ScoreRoundRequest) on stdout.
#[derive(Parser)]
struct Args {
    /// Seed of the pseudo-random generator; the same seed gives the same file.
    #[arg(long, default_value_t = 2020)]
    seed: u64,
    /// The 2018 round it starts from.
    #[arg(long, default_value = "examples/round-2018.jsonl")]
    baseline: PathBuf,
    /// Where to write the correspondence table (2018 number → 2020 number).
    #[arg(long, default_value = "examples/correspondence-2020.csv")]
    correspondence: PathBuf,
}

/// Pre-2020 county → 2020 county, for the counties that were merged.
const COUNTY_2020: [(&str, &str); 14] = [
    ("01", "30"),
    ("02", "30"),
    ("06", "30"),
    ("04", "34"),
    ("05", "34"),
    ("07", "38"),
    ("08", "38"),
    ("09", "42"),
    ("10", "42"),
    ("12", "46"),
    ("14", "46"),
    ("19", "54"),
    ("20", "54"),
    ("11", "11"),
];

/// Counties whose first two municipalities merge into a new one.
const MERGED_COUNTIES: [&str; 3] = ["07", "12", "19"];

/// The county whose second municipality is merged into its first.
const ABSORBED_IN: &str = "15";

/// Areas per list: strategy, projects, cloud.
const AREAS: [i32; 3] = [13, 10, 15];

fn record(line: &str) -> pb::RoundRecord {
    match serde_json::from_str::<pb::ScoreRoundRequest>(line).expect("a ScoreRoundRequest").item {
        Some(pb::score_round_request::Item::Record(r)) => r,
        _ => panic!("a record line"),
    }
}

/// Moves one area list: one more with probability 0.35, one fewer with 0.1.
fn move_areas(rng: &mut SplitMix64, exists: &mut bool, areas: &mut Vec<i32>, max: i32) {
    if rng.unit() < 0.35 {
        let missing: Vec<i32> = (1..=max).filter(|a| !areas.contains(a)).collect();
        if !missing.is_empty() {
            areas.push(missing[rng.below(missing.len())]);
            areas.sort_unstable();
            *exists = true;
        }
    }
    if rng.unit() < 0.1 && areas.len() > 1 {
        areas.remove(rng.below(areas.len()));
    }
}

fn move_answers(rng: &mut SplitMix64, response: &mut pb::SurveyResponse) {
    let Some(ssb) = response.ssb_2018.as_mut() else { return };
    if let Some(s) = ssb.strategy.as_mut() {
        move_areas(rng, &mut s.has_strategy, &mut s.areas, AREAS[0]);
    }
    if let Some(p) = ssb.projects.as_mut() {
        move_areas(rng, &mut p.has_projects, &mut p.areas, AREAS[1]);
    }
    if let Some(c) = ssb.cloud.as_mut() {
        move_areas(rng, &mut c.uses_cloud, &mut c.areas, AREAS[2]);
    }
}

fn main() {
    let args = Args::parse();
    let mut rng = SplitMix64::new(args.seed);
    let text = std::fs::read_to_string(&args.baseline).expect("the 2018 round");
    let mut records: Vec<pb::RoundRecord> = text.lines().skip(1).map(record).collect();
    records.sort_by(|a, b| number(a).cmp(number(b)));

    // 2018 number → 2020 number, county by county.
    let county_2020: BTreeMap<&str, &str> = COUNTY_2020.into_iter().collect();
    let mut next_suffix: BTreeMap<String, u32> = BTreeMap::new();
    let mut renumbered: BTreeMap<String, String> = BTreeMap::new();
    let mut by_county: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for r in &records {
        let old = number(r).to_owned();
        by_county.entry(old[..2].to_owned()).or_default().push(old);
    }
    let second_of_pair: BTreeSet<&str> = MERGED_COUNTIES.iter().map(|c| by_county[*c][1].as_str()).collect();
    for r in &records {
        let old = number(r);
        let county = &old[..2];
        let Some(&new_county) = county_2020.get(county) else { continue };
        if new_county == county {
            continue;
        }
        let suffix = next_suffix.entry(new_county.to_owned()).or_insert(0);
        // The second of a merged pair takes the first's new number.
        if !second_of_pair.contains(old) {
            *suffix += 1;
        }
        renumbered.insert(old.to_owned(), format!("{new_county}{suffix:02}"));
    }
    let absorbed = &by_county[ABSORBED_IN];
    renumbered.insert(absorbed[1].clone(), absorbed[0].clone());

    // Who leaves: two municipalities of unchanged counties.
    let unchanged: Vec<&pb::RoundRecord> = records
        .iter()
        .filter(|r| !renumbered.contains_key(number(r)) && !absorbed.iter().any(|a| a == number(r)))
        .collect();
    let left: BTreeSet<String> = [unchanged[5], unchanged[40]].iter().map(|r| number(r).to_owned()).collect();

    // How many 2018 municipalities each 2020 number has (two: a merger).
    let current = |old: &str| renumbered.get(old).cloned().unwrap_or_else(|| old.to_owned());
    let mut predecessors: BTreeMap<String, usize> = BTreeMap::new();
    for r in &records {
        *predecessors.entry(current(number(r))).or_default() += 1;
    }
    let mut fresh = synthetic::organisation_numbers(&mut rng, MERGED_COUNTIES.len()).into_iter();
    let mut pending: BTreeMap<String, (String, pb::RoundRecord)> = BTreeMap::new();
    let mut out: Vec<pb::RoundRecord> = Vec::new();
    for mut r in records.clone() {
        let old = number(&r).to_owned();
        if left.contains(&old) {
            continue;
        }
        let new = current(&old);
        let response = r.response.as_mut().expect("a response");
        let respondent = response.respondent.as_mut().expect("a respondent");
        respondent.survey_year = 2020;
        respondent.municipality_number = new.clone();
        respondent.name = format!("Syntetisk kommune {new}");
        let grown = f64::from(respondent.inhabitants) * (1.0 + 0.02 * rng.unit());
        respondent.inhabitants = grown.round() as u32;
        r.record_id = new.clone();
        if predecessors[&new] < 2 {
            out.push(r);
            continue;
        }
        let Some((other_old, other)) = pending.remove(&new) else {
            pending.insert(new, (old, r));
            continue;
        };
        let inhabitants =
            |r: &pb::RoundRecord| r.response.as_ref().and_then(|x| x.respondent.as_ref()).map_or(0, |p| p.inhabitants);
        let total = inhabitants(&other) + inhabitants(&r);
        // A municipality absorbed into another keeps the other's organisation
        // number; two merged into a new municipality get a new one.
        let kept = [(&other_old, &other), (&old, &r)]
            .into_iter()
            .find(|(o, _)| **o == new)
            .and_then(|(_, x)| x.response.as_ref().and_then(|x| x.respondent.as_ref()))
            .map(|p| p.organisation_number.clone());
        let mut merged = if inhabitants(&r) > inhabitants(&other) { r } else { other };
        let respondent = merged.response.as_mut().and_then(|x| x.respondent.as_mut()).expect("a respondent");
        respondent.inhabitants = total;
        respondent.organisation_number = kept.unwrap_or_else(|| fresh.next().expect("a new organisation number"));
        out.push(merged);
    }
    assert!(pending.is_empty(), "every merger has two municipalities");

    // Entered: a municipality number not used in 2018, and a state agency.
    let template = out[0].clone();
    let taken: BTreeSet<String> = out.iter().map(|r| r.record_id.clone()).collect();
    let new_number = (1..100).map(|s| format!("50{s:02}")).find(|n| !taken.contains(n)).expect("a free number");
    let entrants = synthetic::organisation_numbers(&mut SplitMix64::new(args.seed ^ 0xE7), 2);
    let mut municipality = template.clone();
    let p = municipality.response.as_mut().and_then(|x| x.respondent.as_mut()).expect("a respondent");
    p.organisation_number = entrants[0].clone();
    p.municipality_number = new_number.clone();
    p.name = format!("Syntetisk kommune {new_number}");
    municipality.record_id = new_number;
    let mut agency = template;
    let p = agency.response.as_mut().and_then(|x| x.respondent.as_mut()).expect("a respondent");
    p.organisation_number = entrants[1].clone();
    p.kind = pb::RespondentKind::StateAgency as i32;
    p.municipality_number = String::new();
    p.name = "Syntetisk statlig virksomhet".into();
    p.inhabitants = 0;
    agency.record_id = format!("agency-{}", entrants[1]);
    out.push(municipality);
    out.push(agency);

    for r in &mut out {
        move_answers(&mut rng, r.response.as_mut().expect("a response"));
    }
    out.sort_by(|a, b| a.record_id.cmp(&b.record_id));

    let header = pb::ScoreRoundRequest {
        item: Some(pb::score_round_request::Item::Header(pb::RoundHeader {
            round_id: "ssb-2020-synthetic".into(),
            survey_year: 2020,
            calibration: pb::Calibration::Published as i32,
            min_coverage: 0.0,
            codes_only: false,
        })),
    };
    let mut lines = vec![serde_json::to_string(&header).expect("serialisable")];
    lines.extend(out.into_iter().map(|r| {
        let id = r.record_id.clone();
        synthetic::record_line(id, r.response.expect("a response"))
    }));
    synthetic::write_round(&lines);

    let mut file = std::fs::File::create(&args.correspondence).expect("the correspondence file");
    writeln!(file, "# Synthetic 2018 → 2020 municipality numbers (examples/generate_round_2020.rs)").unwrap();
    writeln!(file, "old,new").unwrap();
    for (old, new) in &renumbered {
        writeln!(file, "{old},{new}").unwrap();
    }
}

fn number(r: &pb::RoundRecord) -> &str {
    r.response.as_ref().and_then(|x| x.respondent.as_ref()).map_or("", |p| p.municipality_number.as_str())
}
