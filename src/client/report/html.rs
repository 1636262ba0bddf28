//! The HTML round report: one self-contained file (styles and the script that
//! pages and searches the score cards are inline; a Content-Security-Policy
//! forbids every fetch) with the headline tables, each distribution as an
//! inline SVG chart drawn by plotters' SVG backend (its numbers as a `<title>`
//! and a table beside it), a county comparison and a score card per
//! respondent. The page is a minijinja template (`templates/report.html`).

use plotters::prelude::*;
use serde_json::{Value, json};

use crate::catalogue::Catalogues;
use crate::methodology::ssb2018 as m;
use crate::proto::v1 as pb;

const TEMPLATE: &str = include_str!("templates/report.html");
const STYLE: &str = include_str!("templates/report.css");
const SCRIPT: &str = include_str!("templates/report.js");

/// The round's colour and the published figures' colour.
const ROUND: RGBColor = RGBColor(0x1f, 0x5f, 0x8b);
const PUBLISHED: RGBColor = RGBColor(0xb0, 0xb0, 0xb0);

/// The English names of the simple scores' indicators, by id suffix.
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

/// A bar chart of `series` (name, colour, one value per category) over
/// `categories`, as SVG with `title` as its accessible name.
fn bar_chart(title: &str, categories: &[String], series: &[(&str, RGBColor, Vec<f64>)], width: u32) -> String {
    let mut svg = String::new();
    // Headroom above the bars for the legend.
    let headroom = if series.len() > 1 { 1.6 } else { 1.1 };
    let max = series.iter().flat_map(|(_, _, v)| v.iter().copied()).fold(0.0_f64, f64::max).max(1.0) * headroom;
    let n = categories.len().max(1);
    {
        let root = SVGBackend::with_string(&mut svg, (width, 220)).into_drawing_area();
        root.fill(&WHITE).expect("drawing to a string");
        let mut chart = ChartBuilder::on(&root)
            .margin(8)
            .x_label_area_size(28)
            .y_label_area_size(44)
            .build_cartesian_2d(0.0..n as f64, 0.0..max)
            .expect("drawing to a string");
        let labels = categories.to_vec();
        chart
            .configure_mesh()
            .disable_x_mesh()
            .x_labels(n * 2 + 1)
            .x_label_formatter(&|x| {
                let i = x.floor() as usize;
                if (x - x.floor() - 0.5).abs() < 1e-6 {
                    labels.get(i).cloned().unwrap_or_default()
                } else {
                    String::new()
                }
            })
            .y_labels(5)
            .y_label_formatter(&|y| format!("{y:.0}"))
            .draw()
            .expect("drawing to a string");
        let k = series.len().max(1) as f64;
        let bar = 0.8 / k;
        for (s, (name, colour, values)) in series.iter().enumerate() {
            let colour = *colour;
            chart
                .draw_series(values.iter().enumerate().map(|(i, v)| {
                    let x0 = i as f64 + 0.1 + s as f64 * bar;
                    Rectangle::new([(x0, 0.0), (x0 + bar * 0.95, *v)], colour.filled())
                }))
                .expect("drawing to a string")
                .label(*name)
                .legend(move |(x, y)| Rectangle::new([(x, y - 5), (x + 10, y + 5)], colour.filled()));
        }
        if series.len() > 1 {
            chart
                .configure_series_labels()
                .position(SeriesLabelPosition::UpperRight)
                .background_style(WHITE.mix(0.8))
                .border_style(BLACK)
                .draw()
                .expect("drawing to a string");
        }
        root.present().expect("drawing to a string");
    }
    accessible(svg, title, categories, series)
}

/// Gives the SVG its numbers as `<title>` text, a role and a scalable size.
fn accessible(svg: String, title: &str, categories: &[String], series: &[(&str, RGBColor, Vec<f64>)]) -> String {
    let numbers: Vec<String> = series
        .iter()
        .map(|(name, _, values)| {
            let cells: Vec<String> = categories.iter().zip(values).map(|(c, v)| format!("{c}: {v}")).collect();
            format!("{name}: {}", cells.join(", "))
        })
        .collect();
    let text = escape(&format!("{title}. {}", numbers.join("; ")));
    let Some(end) = svg.find('>') else { return svg };
    let (open, rest) = svg.split_at(end);
    format!(
        "{open} role=\"img\" class=\"chart\" preserveAspectRatio=\"xMinYMin meet\"><title>{text}</title>{}",
        &rest[1..]
    )
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

fn share(n: u64, base: u64) -> String {
    if base == 0 { "–".into() } else { format!("{:.1} %", 100.0 * n as f64 / base as f64) }
}

fn mean(x: f64) -> String {
    format!("{x:.2}")
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

fn composite_sections(g: &pb::GroupTables, published: bool) -> Vec<Value> {
    m::COMPOSITES
        .iter()
        .zip(&g.composites)
        .map(|(composite, table)| {
            let counts: Vec<f64> = table.per_grade.iter().map(|&n| n as f64).collect();
            let categories: Vec<String> = (0..composite.grades.len()).map(|i| i.to_string()).collect();
            let mut series = vec![("Runden / this round", ROUND, counts)];
            if published {
                series.push(("Publisert 2018 / published 2018", PUBLISHED, composite.published_counts.map(f64::from).to_vec()));
            }
            let title = format!("{} ({}) — {}: respondents per grade", composite.published_table, composite.name, composite.name_en);
            let rows: Vec<Value> = composite
                .grades
                .iter()
                .enumerate()
                .map(|(grade, label)| {
                    let n = table.per_grade.get(grade).copied().unwrap_or(0);
                    json!({
                        "grade": grade, "label": label.label, "label_en": label.label_en,
                        "n": n, "share": share(n, table.n),
                        "published": if published { composite.published_counts[grade].to_string() } else { String::new() },
                    })
                })
                .collect();
            json!({
                "table": composite.published_table, "name": composite.name, "name_en": composite.name_en,
                "n": table.n, "rows": rows, "published": published,
                "chart": bar_chart(&title, &categories, &series, 520),
            })
        })
        .collect()
}

fn score_sections(g: &pb::GroupTables) -> Vec<Value> {
    g.scores
        .iter()
        .map(|d| {
            let (name, name_en) = indicator_names(&d.indicator);
            let categories: Vec<String> = m::SCORE_LABELS.iter().map(|l| l.code.to_owned()).collect();
            let counts: Vec<f64> = d.per_score.iter().map(|&n| n as f64).collect();
            let title = format!("{name} — {name_en}: respondents per score 0–4");
            let rows: Vec<Value> = m::SCORE_LABELS
                .iter()
                .enumerate()
                .map(|(s, l)| {
                    let n = d.per_score.get(s).copied().unwrap_or(0);
                    json!({"score": s, "label": l.label, "label_en": l.label_en, "n": n, "share": share(n, d.n)})
                })
                .collect();
            json!({
                "indicator": d.indicator, "name": name, "name_en": name_en, "n": d.n,
                "median": d.median, "median_base": d.median_base, "rows": rows,
                "chart": bar_chart(&title, &categories, &[("Runden / this round", ROUND, counts)], 360),
            })
        })
        .collect()
}

/// Counties: n and the share at grade 3–4 of each composite, with a chart of
/// the digital-activity share.
fn county_section(summary: &pb::RoundSummary) -> Value {
    let counties: Vec<&pb::GroupTables> =
        summary.groups.iter().filter(|g| g.dimension() == pb::GroupDimension::County).collect();
    let high = |c: &pb::GradeDistribution| c.per_grade.iter().skip(3).sum::<u64>();
    let rows: Vec<Value> = counties
        .iter()
        .map(|g| {
            let shares: Vec<String> = g.composites.iter().map(|c| share(high(c), c.n)).collect();
            json!({"key": g.key, "label": g.label, "n": g.n, "shares": shares})
        })
        .collect();
    let categories: Vec<String> = counties.iter().map(|g| g.key.clone()).collect();
    let values: Vec<f64> = counties
        .iter()
        .map(|g| g.composites.get(2).map_or(0.0, |c| if c.n == 0 { 0.0 } else { 100.0 * high(c) as f64 / c.n as f64 }))
        .collect();
    let chart = if counties.is_empty() {
        String::new()
    } else {
        let title =
            "Digital aktivitet, andel med karakter 3–4 per fylke — digital activity, share at grade 3–4 by county (%)";
        bar_chart(title, &categories, &[("Andel / share (%)", ROUND, values)], 760)
    };
    let composites: Vec<Value> = m::COMPOSITES.iter().map(|c| json!({"name": c.name, "name_en": c.name_en})).collect();
    json!({"rows": rows, "chart": chart, "composites": composites})
}

/// KS area means of the whole round beside the published national means.
fn ks_section(summary: &pb::RoundSummary, catalogues: &Catalogues) -> Value {
    let Some(all) = summary.groups.first() else { return Value::Null };
    if all.ks_2018.iter().all(|a| a.n == 0) {
        return Value::Null;
    }
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
    let categories: Vec<String> = (1..=all.ks_2018.len()).map(|i| i.to_string()).collect();
    let series = [
        ("Runden / this round", ROUND, all.ks_2018.iter().map(|a| a.mean).collect()),
        ("Publisert 2018 / published 2018", PUBLISHED, all.ks_2018.iter().map(|a| a.published_national_mean).collect()),
    ];
    json!({"rows": rows, "chart": bar_chart("KS-områder, gjennomsnitt 0–5 — KS areas, mean 0–5", &categories, &series, 620)})
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
                let (label, label_en) = super::score_labels(score);
                scores.push(json!({"name": indicator.name, "name_en": indicator.name_en, "score": score.score,
                    "count": score.count, "label": label, "label_en": label_en}));
            }
        }
        for (composite, grade) in m::COMPOSITES.iter().zip([&s.digital_priority, &s.digital_use, &s.digital_activity]) {
            if let Some(g) = grade {
                let (label, label_en) = super::grade_labels(composite, g);
                grades.push(json!({"name": composite.name, "name_en": composite.name_en, "grade": g.grade,
                    "label": label, "label_en": label_en}));
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
                "l1": format!("{:.0} %", 100.0 * sh.share_at_least_1), "l2": format!("{:.0} %", 100.0 * sh.share_at_least_2),
                "l3": format!("{:.0} %", 100.0 * sh.share_at_3)})
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

/// The headline group's item distributions, one chart per item list: the share
/// of each item's base that gave its first answer (ticked, yes, …), with the
/// published figure beside it where a publication states one for that item
/// (`docs/method.md` §6).
fn item_sections(summary: &pb::RoundSummary, g: &pb::GroupTables) -> Vec<Value> {
    use crate::methodology::figures::{Measure, PUBLISHED_FIGURES};
    let mut lists: Vec<(&str, &str, Vec<&pb::ItemLayout>)> = Vec::new();
    for layout in &summary.item_layout {
        match lists.iter_mut().find(|(m, l, _)| *m == layout.methodology && *l == layout.list) {
            Some((_, _, items)) => items.push(layout),
            None => lists.push((&layout.methodology, &layout.list, vec![layout])),
        }
    }
    lists
        .into_iter()
        .filter_map(|(methodology, list, items)| {
            let first = items[0].answers.first()?.clone();
            let mut categories = Vec::new();
            let (mut round, mut published, mut rows) = (Vec::new(), Vec::new(), Vec::new());
            for layout in &items {
                let d = g.items.iter().find(|d| d.methodology == layout.methodology && d.item == layout.item)?;
                let at = layout.answers.iter().position(|a| *a == first)?;
                let share = d.shares.get(at).copied().unwrap_or(0.0);
                let figure = PUBLISHED_FIGURES.iter().find(|f| {
                    matches!(f.measure, Measure::Item { methodology: fm, item, answers }
                        if fm == methodology && item == layout.item && answers.contains(&first.as_str()))
                });
                categories.push(layout.item.clone());
                round.push(100.0 * share);
                published.push(figure.map_or(0.0, |f| 100.0 * f.value));
                rows.push(json!({
                    "item": layout.item, "n": d.n,
                    "count": d.counts.get(at).copied().unwrap_or(0), "share": format!("{:.1} %", 100.0 * share),
                    "published": figure.map_or("–", |f| f.published),
                }));
            }
            let base = items[0].base.as_ref().map(|b| b.description.clone()).unwrap_or_default();
            let title = format!("{methodology} {list}: share answering {first} (%)");
            let mut series = vec![("Runden / the round", ROUND, round)];
            if published.iter().any(|&v| v > 0.0) {
                series.push(("Publisert / published", PUBLISHED, published));
            }
            let width = (120 + 46 * categories.len() as u32).clamp(480, 960);
            Some(json!({
                "title": title, "base": base, "answer": first,
                "chart": bar_chart(&title, &categories, &series, width), "rows": rows,
            }))
        })
        .collect()
}

/// The published figures beside the round's (the summary's check).
fn figure_rows(summary: &pb::RoundSummary) -> Vec<Value> {
    summary
        .published_figures
        .iter()
        .map(|f| {
            json!({"statement": f.statement, "source": f.source, "published": f.published,
                   "round": if f.round_base > 0 { format!("{} / {}", f.round_count, f.round_base) } else { format!("{:.2}", f.round_value) },
                   "value": format!("{:.3}", f.round_value), "agrees": if f.agrees { "ja / yes" } else { "nei / no" }})
        })
        .collect()
}

/// The report as one HTML document.
pub fn render(summary: &pb::RoundSummary, cards: &[pb::ScoreCard], catalogues: &Catalogues) -> String {
    let head = headline(summary);
    let published = head.is_some_and(|g| g.dimension() == pb::GroupDimension::RespondentKind);
    let accounting = summary.accounting.clone().unwrap_or_default();
    let calibration = summary.calibration.as_ref().map(|c| c.used().as_str_name().to_owned()).unwrap_or_default();
    let context = json!({
        "round_id": summary.round_id,
        "survey_year": summary.survey_year,
        "received": accounting.received, "scored": accounting.scored, "rejected": accounting.rejected,
        "calibration": super::csv::key(&calibration, "CALIBRATION_"),
        "headline": head.map(|g| json!({"label": g.label, "n": g.n, "published": published,
            "composites": composite_sections(g, published), "scores": score_sections(g)})),
        "counties": county_section(summary),
        "items": head.map(|g| item_sections(summary, g)).unwrap_or_default(),
        "figures": figure_rows(summary),
        "ks": ks_section(summary, catalogues),
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
