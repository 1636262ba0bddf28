//! `indikator compare --html FILE`: the comparison as one self-contained HTML
//! file with the round report's conventions (bokmål with English glosses,
//! decimal commas, no enum codes as text, the same styles and
//! Content-Security-Policy): both rounds, who was matched, entered, left and
//! merged, each composite's transition table as a heat map (the counts in the
//! cells, so nothing is told by colour alone), the mean scores then and now,
//! and the largest changes.

use serde_json::{Value, json};

use super::print::{GradeMove, Highlights};
use crate::proto::v1 as pb;
use indikator_app::render::format::{Lang, percent};
use indikator_app::render::labels;
use indikator_core::catalogue::Catalogues;
use indikator_core::methodology::ssb2018 as m;

const TEMPLATE: &str = include_str!("templates/compare.html");

/// Item answers whose share moved at least this many percentage points are
/// listed among the largest changes (as the printed report).
const SHIFT_POINTS: f64 = 5.0;

/// The relative luminance of an sRGB colour (WCAG 2.1).
fn luminance([r, g, b]: [f64; 3]) -> f64 {
    let c = |v: f64| {
        let v = v / 255.0;
        if v <= 0.039_28 { v / 12.92 } else { ((v + 0.055) / 1.055).powf(2.4) }
    };
    0.2126 * c(r) + 0.7152 * c(g) + 0.0722 * c(b)
}

fn contrast(a: f64, b: f64) -> f64 {
    (a.max(b) + 0.05) / (a.min(b) + 0.05)
}

/// A heat-map cell's background for `share` of the largest cell, and the text
/// colour (black or white) that contrasts most with it: one of them always
/// reaches 4.5:1 (WCAG 2.1 AA), whatever the shade.
fn heat(share: f64) -> (String, &'static str) {
    let (light, dark) = ([255.0, 255.0, 255.0], [f64::from(0x1f), f64::from(0x5f), f64::from(0x8b)]);
    let t = share.clamp(0.0, 1.0).sqrt();
    let rgb = [0, 1, 2].map(|i| light[i] + (dark[i] - light[i]) * t);
    let l = luminance(rgb);
    let text = if contrast(l, 1.0) > contrast(l, 0.0) { "#ffffff" } else { "#000000" };
    (format!("#{:02x}{:02x}{:02x}", rgb[0].round() as u8, rgb[1].round() as u8, rgb[2].round() as u8), text)
}

fn composite_of(indicator: &str) -> Option<&'static m::Composite> {
    m::COMPOSITES.iter().copied().find(|c| indicator == format!("{}/{}", m::ID, c.id))
}

fn transition(t: &pb::TransitionTable) -> Option<Value> {
    let composite = composite_of(&t.indicator)?;
    let max = t.cells.iter().copied().max().unwrap_or(0).max(1) as f64;
    let rows: Vec<Value> = (0..5)
        .map(|then| {
            let cells: Vec<Value> = (0..5)
                .map(|now| {
                    let n = t.cells.get(then * 5 + now).copied().unwrap_or(0);
                    let (background, ink) = heat(n as f64 / max);
                    json!({"n": n, "background": background, "ink": ink, "diagonal": then == now})
                })
                .collect();
            json!({"grade": then, "label": composite.grades[then].label, "cells": cells})
        })
        .collect();
    let columns: Vec<Value> =
        composite.grades.iter().enumerate().map(|(g, l)| json!({"grade": g, "label": l.label})).collect();
    Some(json!({
        "id": format!("transitions-{}", composite.id),
        "name": composite.name, "name_en": composite.name_en, "table": composite.published_table,
        "n": t.n, "rows": rows, "columns": columns,
        "rose": t.rose, "stayed": t.stayed, "fell": t.fell,
        "share_rose": percent(t.share_rose, Lang::Nb), "share_stayed": percent(t.share_stayed, Lang::Nb),
        "share_fell": percent(t.share_fell, Lang::Nb),
    }))
}

fn side(s: Option<&pb::RoundSide>) -> Value {
    let s = s.cloned().unwrap_or_default();
    let (calibration, calibration_en) = match s.calibration.as_ref().map(pb::CalibrationReport::used) {
        Some(pb::Calibration::Relative) => ("relativ", "relative"),
        Some(pb::Calibration::Published) => ("publisert (2018)", "published 2018"),
        _ => ("ikke oppgitt", "not stated"),
    };
    json!({"round_id": s.round_id, "survey_year": s.survey_year, "received": s.received, "scored": s.scored,
           "rejected": s.rejected, "calibration": calibration, "calibration_en": calibration_en})
}

fn indicator_name(id: &str) -> (String, String) {
    let short = id.rsplit('/').next().unwrap_or(id);
    m::COUNT_INDICATORS
        .iter()
        .find(|i| i.id == short)
        .map_or_else(|| (short.to_owned(), short.to_owned()), |i| (i.name.to_owned(), i.name_en.to_owned()))
}

fn signed(x: f64, decimals: usize) -> String {
    let s = Lang::Nb.number(x.abs(), decimals);
    if x > 0.0 {
        format!("+{s}")
    } else if x < 0.0 {
        format!("−{s}")
    } else {
        s
    }
}

fn moves(h: &Highlights) -> Vec<Value> {
    h.moves
        .iter()
        .map(|GradeMove { who, grades, .. }| {
            let grades: Vec<Value> = grades
                .iter()
                .map(|(i, then, now)| {
                    json!({"name": m::COMPOSITES[*i].name, "then": Lang::Nb.number(*then, 0), "now": Lang::Nb.number(*now, 0)})
                })
                .collect();
            json!({"who": who, "grades": grades})
        })
        .collect()
}

/// The largest changes in the headline group's item shares: per item the
/// answer that moved most, at least [`SHIFT_POINTS`].
fn item_shifts(s: &pb::ComparisonSummary, g: &pb::GroupComparison, catalogues: &Catalogues) -> Vec<Value> {
    let mut shifts: Vec<(f64, Value)> = Vec::new();
    for shift in &g.items {
        let Some(layout) = s.item_layout.get(shift.item as usize) else { continue };
        let mut most: Option<(f64, usize)> = None;
        for (a, &change) in shift.change_points.iter().enumerate() {
            if change.abs() >= SHIFT_POINTS && most.is_none_or(|(m, _)| change.abs() > m.abs()) {
                most = Some((change, a));
            }
        }
        let Some((change, a)) = most else { continue };
        let (item, item_en) = labels::item(&layout.methodology, &layout.item, catalogues);
        let (answer, answer_en) = labels::answer(&layout.methodology, &layout.item, &layout.answers[a], catalogues);
        shifts.push((
            change,
            json!({
                "item": item, "item_en": item_en, "answer": answer, "answer_en": answer_en,
                "then": format!("{} %", Lang::Nb.number(shift.share_then[a], 1)),
                "now": format!("{} %", Lang::Nb.number(shift.share_now[a], 1)),
                "change": signed(change, 1), "base_then": shift.base_then, "base_now": shift.base_now,
            }),
        ));
    }
    shifts.sort_by(|a, b| b.0.abs().total_cmp(&a.0.abs()));
    shifts.into_iter().take(super::LARGEST).map(|(_, v)| v).collect()
}

/// The comparison as one HTML document.
pub(super) fn render(s: &pb::ComparisonSummary, h: &Highlights, catalogues: &Catalogues) -> String {
    let headline = super::headline(s);
    let all = headline.first().copied().cloned().unwrap_or_default();
    let head = headline.last().copied().cloned().unwrap_or_default();
    let transitions: Vec<Value> = head.transitions.iter().filter(|t| t.n > 0).filter_map(transition).collect();
    let means: Vec<Value> = head
        .scores
        .iter()
        .filter_map(|sc| {
            let mean = sc.mean_score.as_ref()?;
            let (then, now) = (mean.then?, mean.now?);
            let (name, name_en) = indicator_name(&sc.indicator);
            Some(json!({"name": name, "name_en": name_en, "then": Lang::Nb.number(then, 2),
                        "now": Lang::Nb.number(now, 2), "change": signed(now - then, 2)}))
        })
        .collect();
    let ks: Vec<Value> = head
        .ks_2018
        .iter()
        .map(|a| {
            let area = a.indicator.rsplit('/').next().unwrap_or(&a.indicator);
            let (name, name_en) = catalogues
                .ks_2018
                .areas
                .iter()
                .find(|x| x.id == area)
                .map_or((area.to_owned(), area.to_owned()), |x| (x.name_nb.clone(), x.name_en.clone()));
            let show = |x: Option<f64>| x.map_or("–".to_owned(), |x| Lang::Nb.number(x, 2));
            json!({"name": name, "name_en": name_en, "then": show(a.then), "now": show(a.now),
                   "change": a.change.map_or("–".to_owned(), |x| signed(x, 2))})
        })
        .collect();
    let more = |(names, n): &(Vec<String>, u64)| n.saturating_sub(names.len() as u64);
    let mergers: Vec<Value> =
        h.mergers.iter().map(|(now, names)| json!({"now": now, "then": names.join(" + ")})).collect();
    let merged: usize = h.mergers.iter().map(|(_, names)| names.len()).sum();
    let context = json!({
        "baseline": side(s.baseline.as_ref()), "current": side(s.current.as_ref()),
        "by_number": s.match_by() == pb::MatchBy::MunicipalityNumber,
        "correspondence_lines": s.correspondence_lines,
        "matched": all.matched, "entered": all.entered, "left": all.left,
        "merged": merged, "merged_into": h.mergers.len(),
        "group": head.label, "transitions": transitions, "means": means, "ks": ks,
        "items": item_shifts(s, &head, catalogues), "shift_points": Lang::Nb.number(SHIFT_POINTS, 0),
        "moves": moves(h),
        "entered_names": h.entered.0, "entered_more": more(&h.entered),
        "left_names": h.left.0, "left_more": more(&h.left), "mergers": mergers,
        "style": crate::report::html::STYLE,
    });
    let mut env = minijinja::Environment::new();
    env.add_template("compare.html", TEMPLATE).expect("the comparison template parses");
    env.get_template("compare.html")
        .expect("added above")
        .render(minijinja::Value::from_serialize(&context))
        .expect("the comparison template renders")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_heat_map_shade_has_text_of_at_least_the_aa_contrast() {
        for i in 0..=100 {
            let (background, ink) = heat(f64::from(i) / 100.0);
            let hex = |s: &str| {
                let v = u32::from_str_radix(&s[1..], 16).unwrap();
                [f64::from(v >> 16), f64::from((v >> 8) & 0xff), f64::from(v & 0xff)]
            };
            let ratio = contrast(luminance(hex(&background)), luminance(hex(ink)));
            assert!(ratio >= 4.5, "{background} / {ink}: {ratio:.2}");
        }
    }
}
