//! The HTML round report: one self-contained file (styles and the script that
//! pages and searches the score cards are inline; a Content-Security-Policy
//! forbids every fetch) with the headline tables, each distribution as an
//! inline SVG chart ([`super::chart`]) with its numbers in a table beneath, a
//! county comparison, the item distributions with the published figures as
//! markers where they count the same answers, and a score card per
//! respondent. The page is a minijinja template (`templates/report.html`);
//! the conventions are in docs/reports.md.

use serde_json::{Value, json};

use super::chart::{Axis, Chart, Marker, Row, Segment};
use crate::proto::v1 as pb;
use indikator_app::render::format::{Lang, percent, share_of};
use indikator_app::render::labels;
use indikator_core::catalogue::Catalogues;
use indikator_core::methodology::figures::{Measure, PUBLISHED_FIGURES, PublishedFigure};
use indikator_core::methodology::ssb2018 as m;
use indikator_core::round::items::QUESTIONS;

const TEMPLATE: &str = include_str!("templates/report.html");
pub(crate) const STYLE: &str = include_str!("templates/report.css");
const SCRIPT: &str = include_str!("templates/report.js");

/// The names of the simple scores' indicators, by id suffix.
fn indicator_names(id: &str) -> (String, String) {
    let short = id.rsplit('/').next().unwrap_or(id);
    if let Some(i) = m::COUNT_INDICATORS.iter().find(|i| i.id == short || i.id == id) {
        return (i.name.to_owned(), i.name_en.to_owned());
    }
    if let Some(c) = m::COMPOSITES.iter().find(|c| c.id == short) {
        return (c.name.to_owned(), c.name_en.to_owned());
    }
    (short.to_owned(), short.to_owned())
}

fn mean(x: f64) -> String {
    Lang::Nb.number(x, 2)
}

/// A single-segment share chart's segment (the share of the row's n).
fn share_segment() -> Vec<Segment> {
    vec![Segment { code: "share".into(), label: "Andel".into(), label_en: "share".into() }]
}

/// The headline group: the municipalities' (the published tables count
/// municipalities only, docs/method.md §5), else the whole round.
fn headline(summary: &pb::RoundSummary) -> Option<&pb::GroupTables> {
    let municipalities = pb::RespondentKind::Municipality.as_str_name();
    summary
        .groups
        .iter()
        .find(|g| g.dimension() == pb::GroupDimension::RespondentKind && g.key == municipalities)
        .or_else(|| summary.groups.first())
}

fn composite_sections(g: &pb::GroupTables, published: bool, small_group: u64) -> Vec<Value> {
    m::COMPOSITES
        .iter()
        .zip(&g.composites)
        .map(|(composite, table)| {
            let published_total: u32 = composite.published_counts.iter().sum();
            let rows: Vec<Row> = composite
                .grades
                .iter()
                .enumerate()
                .map(|(grade, label)| {
                    let n = table.per_grade.get(grade).copied().unwrap_or(0);
                    Row {
                        label: format!("{grade}: {}", label.label),
                        label_en: label.label_en.to_owned(),
                        n: table.n,
                        values: vec![if table.n == 0 { 0.0 } else { n as f64 / table.n as f64 }],
                        marker: published.then(|| Marker {
                            figure: format!("{}/{}/grade-{grade}", m::ID, composite.id),
                            answers: vec![format!("grade-{grade}")],
                            value: f64::from(composite.published_counts[grade]) / f64::from(published_total),
                            published: format!(
                                "{} av {published_total}",
                                composite.published_counts[grade]
                            ),
                            from_end: false,
                        }),
                        key: format!("grade-{grade}"),
                    }
                })
                .collect();
            let chart = Chart {
                id: format!("chart-{}", composite.id),
                title: format!(
                    "{}: {} — andel per karakter, {} (prosent)",
                    composite.published_table,
                    composite.name,
                    g.label.to_lowercase()
                ),
                title_en: format!("{}: share per grade (per cent)", composite.name_en),
                axis: Axis::Percent,
                segments: share_segment(),
                rows,
                small_group,
            };
            let rows: Vec<Value> = composite
                .grades
                .iter()
                .enumerate()
                .map(|(grade, label)| {
                    let n = table.per_grade.get(grade).copied().unwrap_or(0);
                    json!({
                        "grade": grade, "label": label.label, "label_en": label.label_en,
                        "n": n, "share": share_of(n, table.n, Lang::Nb),
                        "published": if published { composite.published_counts[grade].to_string() } else { String::new() },
                        "published_share": if published {
                            share_of(u64::from(composite.published_counts[grade]), u64::from(published_total), Lang::Nb)
                        } else { String::new() },
                    })
                })
                .collect();
            json!({
                "id": chart.id, "title": chart.title, "title_en": chart.title_en,
                "table": composite.published_table, "name": composite.name, "name_en": composite.name_en,
                "n": table.n, "rows": rows, "published": published,
                "fragile": table.fragile, "share_fragile": percent(table.share_fragile, Lang::Nb),
                "differ": table.differ_between_calibrations,
                "chart": chart.svg(),
            })
        })
        .collect()
}

fn score_sections(g: &pb::GroupTables, small_group: u64) -> Vec<Value> {
    g.scores
        .iter()
        .map(|d| {
            let (name, name_en) = indicator_names(&d.indicator);
            let rows: Vec<Row> = m::SCORE_LABELS
                .iter()
                .enumerate()
                .map(|(s, l)| {
                    let n = d.per_score.get(s).copied().unwrap_or(0);
                    Row {
                        label: format!("{s}: {}", l.label),
                        label_en: l.label_en.to_owned(),
                        n: d.n,
                        values: vec![if d.n == 0 { 0.0 } else { n as f64 / d.n as f64 }],
                        marker: None,
                        key: format!("score-{s}"),
                    }
                })
                .collect();
            let id = format!("chart-{}", d.indicator.rsplit('/').next().unwrap_or(&d.indicator));
            let chart = Chart {
                id,
                title: format!("{name} — andel per skår 0–4, {} (prosent)", g.label.to_lowercase()),
                title_en: format!("{name_en}: share per score 0–4 (per cent)"),
                axis: Axis::Percent,
                segments: share_segment(),
                rows,
                small_group,
            };
            let rows: Vec<Value> = m::SCORE_LABELS
                .iter()
                .enumerate()
                .map(|(s, l)| {
                    let n = d.per_score.get(s).copied().unwrap_or(0);
                    json!({"score": s, "label": l.label, "label_en": l.label_en, "n": n, "share": share_of(n, d.n, Lang::Nb)})
                })
                .collect();
            json!({
                "id": chart.id, "title": chart.title, "title_en": chart.title_en,
                "indicator": d.indicator, "name": name, "name_en": name_en, "n": d.n,
                "median": Lang::Nb.number(d.median, 1), "median_base": d.median_base, "rows": rows,
                "chart": chart.svg(),
            })
        })
        .collect()
}

/// Counties: n and the share at grade 3–4 of each composite, with a chart of
/// the digital-activity share.
fn county_section(summary: &pb::RoundSummary, small_group: u64) -> Value {
    let counties: Vec<&pb::GroupTables> =
        summary.groups.iter().filter(|g| g.dimension() == pb::GroupDimension::County).collect();
    let high = |c: &pb::GradeDistribution| c.per_grade.iter().skip(3).sum::<u64>();
    let rows: Vec<Value> = counties
        .iter()
        .map(|g| {
            let shares: Vec<String> = g
                .composites
                .iter()
                .map(|c| if c.n < small_group { "få svar".into() } else { share_of(high(c), c.n, Lang::Nb) })
                .collect();
            json!({"key": g.key, "label": g.label, "n": g.n, "shares": shares, "small": g.n < small_group})
        })
        .collect();
    let activity = m::COMPOSITES.len() - 1;
    let chart_rows: Vec<Row> = counties
        .iter()
        .map(|g| {
            let c = g.composites.get(activity).cloned().unwrap_or_default();
            Row {
                label: format!("{} {}", g.key, g.label),
                label_en: "county".into(),
                n: c.n,
                values: vec![if c.n == 0 { 0.0 } else { high(&c) as f64 / c.n as f64 }],
                marker: None,
                key: g.key.clone(),
            }
        })
        .collect();
    let chart = Chart {
        id: "chart-counties".into(),
        title: format!("{}: andel med karakter 3–4 per fylke (prosent)", m::COMPOSITES[activity].name),
        title_en: format!("{}: share at grade 3–4 by county (per cent)", m::COMPOSITES[activity].name_en),
        axis: Axis::Percent,
        segments: share_segment(),
        rows: chart_rows,
        small_group,
    };
    let composites: Vec<Value> = m::COMPOSITES.iter().map(|c| json!({"name": c.name, "name_en": c.name_en})).collect();
    json!({
        "rows": rows, "composites": composites, "small_group": small_group,
        "any_small": counties.iter().any(|g| g.n < small_group),
        "chart": if counties.is_empty() { String::new() } else { chart.svg() },
        "id": chart.id, "title": chart.title, "title_en": chart.title_en,
    })
}

/// KS area means of the whole round beside the published national means.
fn ks_section(summary: &pb::RoundSummary, catalogues: &Catalogues, small_group: u64) -> Value {
    let Some(all) = summary.groups.first() else { return Value::Null };
    if all.ks_2018.iter().all(|a| a.n == 0) {
        return Value::Null;
    }
    const SCALE: f64 = 5.0;
    let area_name = |id: &str| {
        catalogues
            .ks_2018
            .areas
            .iter()
            .find(|a| a.id == id)
            .map_or((id.to_owned(), id.to_owned()), |a| (a.name_nb.clone(), a.name_en.clone()))
    };
    let rows: Vec<Value> = all
        .ks_2018
        .iter()
        .map(|a| {
            let (nb, en) = area_name(&a.area_id);
            json!({"name": nb, "name_en": en, "n": a.n, "mean": mean(a.mean),
                   "published": if a.published_national_mean == 0.0 { "–".into() } else { mean(a.published_national_mean) }})
        })
        .collect();
    let chart_rows: Vec<Row> = all
        .ks_2018
        .iter()
        .map(|a| {
            let (label, label_en) = area_name(&a.area_id);
            Row {
                label,
                label_en,
                n: a.n,
                values: vec![a.mean / SCALE],
                marker: (a.published_national_mean > 0.0).then(|| Marker {
                    figure: format!("ks-2018/{}/national-mean", a.area_id),
                    answers: vec!["mean".into()],
                    value: a.published_national_mean / SCALE,
                    published: mean(a.published_national_mean),
                    from_end: false,
                }),
                key: a.area_id.clone(),
            }
        })
        .collect();
    let chart = Chart {
        id: "chart-ks".into(),
        title: "KS-områder: gjennomsnitt 0–5, hele runden".into(),
        title_en: "KS areas: mean 0–5, the whole round".into(),
        axis: Axis::Mean { max: SCALE },
        segments: vec![Segment { code: "mean".into(), label: "Gjennomsnitt".into(), label_en: "mean".into() }],
        rows: chart_rows,
        small_group,
    };
    json!({"rows": rows, "chart": chart.svg(), "id": chart.id, "title": chart.title, "title_en": chart.title_en})
}

fn card(card: &pb::ScoreCard, catalogues: &Catalogues) -> Value {
    let empty = pb::IndicatorResults::default();
    let r = card.results.as_ref().unwrap_or(&empty);
    let p = r.respondent.clone().unwrap_or_default();
    let mut scores = Vec::new();
    let mut grades = Vec::new();
    if let Some(s) = &r.ssb_2018 {
        let simple = [
            (&m::STRATEGY, &s.strategy),
            (&m::PROJECTS, &s.projects),
            (&m::INTERNAL_CAPACITY, &s.internal_capacity),
            (&m::CLOUD, &s.cloud),
            (&m::PROCUREMENT, &s.procurement),
            (&m::SERVICE_OFFER, &s.service_offer),
        ];
        for (indicator, score) in simple {
            if let Some(score) = score {
                let (label, label_en) = indikator_app::render::score_labels(score);
                scores.push(json!({"name": indicator.name, "name_en": indicator.name_en, "score": score.score,
                    "count": score.count, "label": label, "label_en": label_en}));
            }
        }
        for (composite, grade) in m::COMPOSITES.iter().zip([&s.digital_priority, &s.digital_use, &s.digital_activity]) {
            if let Some(g) = grade {
                let (label, label_en) = indikator_app::render::grade_labels(composite, g);
                let id = format!("{}/{}", m::ID, composite.id);
                let fragile: Vec<String> = s
                    .fragile_grades
                    .iter()
                    .filter(|f| f.composite == id)
                    .map(|f| {
                        let (name, _) = indicator_names(&f.indicator);
                        format!("{name} {}1", if f.count_change > 0 { "+" } else { "−" })
                    })
                    .collect();
                grades.push(json!({"name": composite.name, "name_en": composite.name_en, "grade": g.grade,
                    "label": label, "label_en": label_en, "fragile": fragile.join(", ")}));
            }
        }
    }
    let ks: Vec<Value> = card
        .ks_2018
        .iter()
        .map(|a| {
            let name = catalogues.ks_2018.areas.iter().find(|x| x.id == a.area_id);
            json!({"name": name.map_or(a.area_id.as_str(), |x| x.name_nb.as_str()),
                "name_en": name.map_or(a.area_id.as_str(), |x| x.name_en.as_str()),
                "score": a.score.map(mean).unwrap_or_else(|| "–".into()),
                "county": mean(a.county_mean), "region": mean(a.region_mean), "national": mean(a.national_mean),
                "rank": if a.national_rank == 0 { "–".into() } else { format!("{} / {}", a.national_rank, a.ranked) }})
        })
        .collect();
    let services = r.riksrevisjonen_2015.as_ref().map(|s| {
        let row = |name: &str, name_en: &str, sh: Option<&pb::ServiceShares>| {
            let sh = sh.cloned().unwrap_or_default();
            json!({"name": name, "name_en": name_en, "reported": sh.reported, "total": sh.total,
                "l1": percent(sh.share_at_least_1, Lang::Nb), "l2": percent(sh.share_at_least_2, Lang::Nb),
                "l3": percent(sh.share_at_3, Lang::Nb)})
        };
        let mut rows = vec![row("Alle tjenester", "all services", s.overall.as_ref())];
        for a in &s.by_area {
            let area = catalogues.riksrevisjonen_2015.areas.iter().find(|x| x.id == a.area_id);
            rows.push(row(
                area.map_or(a.area_id.as_str(), |x| x.name_nb.as_str()),
                area.map_or(a.area_id.as_str(), |x| x.name_en.as_str()),
                a.shares.as_ref(),
            ));
        }
        json!({"rows": rows, "none_offered": s.none_offered})
    });
    let flags: Vec<&str> = r.flags.iter().map(|f| f.description.as_str()).collect();
    let search =
        format!("{} {} {} {} {}", p.name, p.organisation_number, p.municipality_number, p.county_name, card.record_id)
            .to_lowercase();
    json!({
        "record_id": card.record_id, "name": if p.name.is_empty() { card.record_id.clone() } else { p.name.clone() },
        "organisation_number": p.organisation_number, "municipality_number": p.municipality_number,
        "county": p.county_name, "region": p.region, "search": search,
        "grades": grades, "scores": scores, "ks": ks, "services": services, "flags": flags,
    })
}

/// The published figures of one item (`docs/method.md` §6).
fn item_figures<'a>(
    methodology: &'a str,
    item: &'a str,
) -> impl Iterator<Item = (&'static PublishedFigure, &'static [&'static str])> + 'a {
    PUBLISHED_FIGURES.iter().filter_map(move |f| match f.measure {
        Measure::Item { methodology: fm, item: fi, answers } if fm == methodology && fi == item => Some((f, answers)),
        _ => None,
    })
}

/// Whether `set` is the first (`Some(false)`) or the last (`Some(true)`)
/// answers of `answers`, so that a marker on the bar's start or end counts
/// the same answers as the bar up to it; `None` where the chart shows no
/// single bar length for it.
pub fn marker_end(answers: &[String], set: &[&str]) -> Option<bool> {
    let k = set.len();
    let same = |part: &[String]| part.len() == k && part.iter().all(|a| set.contains(&a.as_str()));
    if k == 0 || k > answers.len() {
        None
    } else if same(&answers[..k]) {
        Some(false)
    } else if same(&answers[answers.len() - k..]) {
        Some(true)
    } else {
        None
    }
}

/// The answers of a set joined for reading: «Ja, helt» eller «Ja, delvis».
fn answer_set(methodology: &str, item: &str, set: &[&str], catalogues: &Catalogues) -> (String, String) {
    let labels: Vec<(String, String)> = set.iter().map(|a| labels::answer(methodology, item, a, catalogues)).collect();
    let nb: Vec<String> = labels.iter().map(|(nb, _)| format!("«{}»", nb.to_lowercase())).collect();
    let en: Vec<String> = labels.iter().map(|(_, en)| en.to_lowercase()).collect();
    (nb.join(" eller "), en.join(" or "))
}

/// The headline group's item distributions: one chart per run of items of a
/// list with the same base and answers, each item a stacked bar of its whole
/// distribution, the published figure a marker where it counts the first or
/// the last answers of the bar; every published figure of an item also in the
/// table beneath, beside the round's share of the same answers.
fn item_sections(
    summary: &pb::RoundSummary,
    g: &pb::GroupTables,
    catalogues: &Catalogues,
    small_group: u64,
) -> Vec<Value> {
    let mut runs: Vec<Vec<(&pb::ItemLayout, &pb::ItemDistribution)>> = Vec::new();
    for layout in &summary.item_layout {
        let Some(d) = g.items.iter().find(|d| d.methodology == layout.methodology && d.item == layout.item) else {
            continue;
        };
        let base = |l: &pb::ItemLayout| l.base.as_ref().map(|b| b.id.clone());
        // The single questions have a base each; yes / no questions share a chart.
        match runs.last_mut() {
            Some(run)
                if run[0].0.methodology == layout.methodology
                    && run[0].0.list == layout.list
                    && run[0].0.answers == layout.answers
                    && (base(run[0].0) == base(layout) || layout.list == QUESTIONS) =>
            {
                run.push((layout, d));
            }
            _ => runs.push(vec![(layout, d)]),
        }
    }
    runs.into_iter()
        .enumerate()
        .map(|(index, run)| {
            let first = run[0].0;
            let (methodology, list) = (first.methodology.as_str(), first.list.as_str());
            let (list_nb, list_en) = labels::list(methodology, list, catalogues);
            let segments: Vec<Segment> = first
                .answers
                .iter()
                .map(|a| {
                    let (label, label_en) = labels::answer(methodology, &first.item, a, catalogues);
                    Segment { code: a.clone(), label, label_en }
                })
                .collect();
            let (base_en, base_id) =
                first.base.as_ref().map_or((String::new(), String::new()), |b| (b.description.clone(), b.id.clone()));
            let mixed = run.iter().any(|(l, _)| l.base.as_ref().map(|b| &b.id) != first.base.as_ref().map(|b| &b.id));
            let (base_nb, base_en) = if mixed {
                ("hvert spørsmåls grunnlag (i tabellen)".to_owned(), "each question's base (in the table)".to_owned())
            } else {
                (labels::base(&base_id, &base_en), base_en)
            };
            let mut rows = Vec::new();
            let mut table = Vec::new();
            let mut figures = Vec::new();
            for (layout, d) in &run {
                let (label, label_en) = labels::item(methodology, &layout.item, catalogues);
                let values: Vec<f64> = d.shares.clone();
                let mut marker = None;
                for (f, set) in item_figures(methodology, &layout.item) {
                    let count: u64 = layout
                        .answers
                        .iter()
                        .zip(&d.counts)
                        .filter(|(a, _)| set.contains(&a.as_str()))
                        .map(|(_, c)| *c)
                        .sum();
                    let end = marker_end(&layout.answers, set);
                    let marked = end.is_some() && marker.is_none() && d.n >= small_group;
                    if marked {
                        marker = Some(Marker {
                            figure: f.id.to_owned(),
                            answers: set.iter().map(|a| (*a).to_owned()).collect(),
                            value: f.value,
                            published: f.published.to_owned(),
                            from_end: end == Some(true),
                        });
                    }
                    let (answers, answers_en) = answer_set(methodology, &layout.item, set, catalogues);
                    figures.push(json!({
                        "item": label, "item_en": label_en, "answers": answers, "answers_en": answers_en,
                        "published": f.published, "source": f.source,
                        "round": share_of(count, d.n, Lang::Nb), "count": count, "n": d.n,
                        "marked": marked,
                    }));
                }
                let cells: Vec<Value> = layout
                    .answers
                    .iter()
                    .enumerate()
                    .map(|(i, _)| {
                        let c = d.counts.get(i).copied().unwrap_or(0);
                        json!({"count": c, "share": if d.n < small_group { "–".into() } else { share_of(c, d.n, Lang::Nb) }})
                    })
                    .collect();
                let row_base = layout.base.as_ref().map(|b| labels::base(&b.id, &b.description)).unwrap_or_default();
                table.push(json!({"label": label, "label_en": label_en, "n": d.n, "cells": cells,
                    "small": d.n < small_group, "base": if mixed { row_base } else { String::new() }}));
                rows.push(Row { label, label_en, n: d.n, values, marker, key: layout.item.clone() });
            }
            let chart = Chart {
                id: format!("chart-items-{}", index + 1),
                title: format!("{list_nb}: svarfordeling, grunnlag {base_nb}, {} (prosent)", g.label.to_lowercase()),
                title_en: format!("{list_en}: answers, base {base_en} (per cent)"),
                axis: Axis::Percent,
                segments,
                rows,
                small_group,
            };
            let answers: Vec<Value> =
                chart.segments.iter().map(|s| json!({"label": s.label, "label_en": s.label_en})).collect();
            json!({
                "id": chart.id, "title": chart.title, "title_en": chart.title_en,
                "base": base_nb, "base_en": base_en, "answers": answers, "mixed": mixed, "rows": table,
                "figures": figures, "unmarked": figures.iter().any(|f| f["marked"] == false),
                "chart": chart.svg(),
            })
        })
        .collect()
}

/// The published figures beside the round's (the summary's check).
fn figure_rows(summary: &pb::RoundSummary) -> Vec<Value> {
    summary
        .published_figures
        .iter()
        .map(|f| {
            let round = if f.round_base > 0 {
                format!("{} av {} ({})", f.round_count, f.round_base, share_of(f.round_count, f.round_base, Lang::Nb))
            } else {
                Lang::Nb.number(f.round_value, 2)
            };
            json!({"statement": f.statement, "source": f.source, "published": f.published,
                   "round": round, "agrees": f.agrees})
        })
        .collect()
}

/// The calibration used, in words (bokmål, English).
fn calibration(summary: &pb::RoundSummary) -> (&'static str, &'static str) {
    match summary.calibration.as_ref().map(pb::CalibrationReport::used) {
        Some(pb::Calibration::Relative) => {
            ("relativ (fra rundens kommuner)", "relative, from the round's municipalities")
        }
        Some(pb::Calibration::Published) => ("publisert (2018)", "published 2018 cut points"),
        _ => ("ikke oppgitt", "not stated"),
    }
}

/// The report as one HTML document; groups under `small_group` respondents
/// are shown as «få svar», not as shares.
pub fn render(summary: &pb::RoundSummary, cards: &[pb::ScoreCard], catalogues: &Catalogues) -> String {
    render_with(summary, cards, catalogues, indikator_app::render::SMALL_GROUP)
}

/// [`render`] with another smallest group shown as shares.
pub fn render_with(
    summary: &pb::RoundSummary,
    cards: &[pb::ScoreCard],
    catalogues: &Catalogues,
    small_group: u64,
) -> String {
    let head = headline(summary);
    let published = head.is_some_and(|g| g.dimension() == pb::GroupDimension::RespondentKind);
    let accounting = summary.accounting.clone().unwrap_or_default();
    let (calibration, calibration_en) = calibration(summary);
    let context = json!({
        "round_id": summary.round_id,
        "survey_year": summary.survey_year,
        "received": accounting.received, "scored": accounting.scored, "rejected": accounting.rejected,
        "calibration": calibration, "calibration_en": calibration_en,
        "small_group": small_group,
        "headline": head.map(|g| json!({"label": g.label, "n": g.n, "published": published,
            "composites": composite_sections(g, published, small_group), "scores": score_sections(g, small_group)})),
        "counties": county_section(summary, small_group),
        "items": head.map(|g| item_sections(summary, g, catalogues, small_group)).unwrap_or_default(),
        "figures": figure_rows(summary),
        "ks": ks_section(summary, catalogues, small_group),
        "cards": cards.iter().map(|c| card(c, catalogues)).collect::<Vec<_>>(),
        "style": STYLE,
        "script": SCRIPT,
    });
    let mut env = minijinja::Environment::new();
    env.add_template("report.html", TEMPLATE).expect("the report template parses");
    env.get_template("report.html")
        .expect("added above")
        .render(minijinja::Value::from_serialize(&context))
        .expect("the report template renders")
}

#[cfg(test)]
mod tests {
    use super::marker_end;

    fn answers(codes: &[&str]) -> Vec<String> {
        codes.iter().map(|c| (*c).to_owned()).collect()
    }

    #[test]
    fn a_marker_sits_where_the_bar_counts_the_figures_answers_and_nowhere_else() {
        let procurement = answers(&["YES_FULLY", "YES_PARTLY", "NO", "DONT_KNOW"]);
        assert_eq!(marker_end(&procurement, &["YES_PARTLY", "YES_FULLY"]), Some(false), "the first answers");
        assert_eq!(marker_end(&procurement, &["DONT_KNOW"]), Some(true), "the last answers");
        assert_eq!(marker_end(&procurement, &["NO"]), None, "between others: no single bar length");
        assert_eq!(marker_end(&procurement, &["YES_FULLY", "NO"]), None, "not adjacent");
        assert_eq!(marker_end(&procurement, &[]), None);
        assert_eq!(marker_end(&answers(&["YES", "NO"]), &["YES", "NO", "X"]), None, "more answers than the bar");
    }
}
