//! The round summary's item tables, survey parts, cross-tables, shares by size
//! class, service levels and published figures as plain text (docs/method.md §6):
//! items in the source's order, shares with one decimal, the base above each table.

use std::collections::HashMap;
use std::io::{self, Write};

use crate::catalogue::Catalogues;
use crate::proto::v1 as pb;

/// Labels of item ids (SSB list items, catalogue items and services), shortened.
fn labels(catalogues: &Catalogues) -> HashMap<String, String> {
    let mut labels = HashMap::new();
    for methodology in crate::grpc::describe::all(catalogues) {
        for list in &methodology.item_lists {
            for item in &list.items {
                labels.insert(item.id.clone(), item.label.clone());
            }
        }
        if let Some(c) = &methodology.catalogue {
            for item in &c.items {
                labels.insert(item.id.clone(), format!("{} {}", item.id, item.question));
                for option in &item.options {
                    labels.insert(format!("{}/{}", item.id, option.id), format!("  – {}", option.label));
                }
            }
            for s in &c.services {
                labels.insert(s.id.clone(), s.name.clone());
            }
        }
    }
    labels
}

/// A size class as people write it («2000–4999 innbyggere»); its code where it has none.
fn size_class_label(class: pb::SizeClass) -> String {
    match (class as usize).checked_sub(1).and_then(|i| crate::domain::SizeClass::ALL.get(i)) {
        Some(c) => format!("{} innbyggere", c.label()),
        None => class.as_str_name().to_owned(),
    }
}

fn clip(s: &str, max: usize) -> String {
    if s.chars().count() <= max { s.to_owned() } else { format!("{}…", s.chars().take(max - 1).collect::<String>()) }
}

/// The answer ids without their common prefix (`SOURCING_`, …), lower case.
fn short(answers: &[String]) -> Vec<String> {
    let prefix = if answers.len() > 1 {
        let first = &answers[0];
        let mut len = first.len();
        for a in &answers[1..] {
            len = len.min(first.bytes().zip(a.bytes()).take_while(|(x, y)| x == y).count());
        }
        first[..len].rfind('_').map_or(0, |i| i + 1)
    } else {
        0
    };
    answers.iter().map(|a| a[prefix..].to_lowercase()).collect()
}

/// One group's item tables, one table per run of items of a list with the same
/// base and answers.
pub fn items(
    out: &mut impl Write,
    g: &pb::GroupTables,
    layout: &[pb::ItemLayout],
    catalogues: &Catalogues,
) -> io::Result<()> {
    if g.items.is_empty() {
        return Ok(());
    }
    let labels = labels(catalogues);
    let by_id: HashMap<(&str, &str), &pb::ItemLayout> =
        layout.iter().map(|l| ((l.methodology.as_str(), l.item.as_str()), l)).collect();
    writeln!(out, "\nItem distributions ({}; shares of each item's base, %)", g.label)?;
    let mut previous: Option<(&str, &str, &[String])> = None;
    for d in &g.items {
        let Some(spec) = by_id.get(&(d.methodology.as_str(), d.item.as_str())) else { continue };
        let base = spec.base.as_ref().map_or(("", ""), |b| (b.id.as_str(), b.description.as_str()));
        let key = (spec.list.as_str(), base.0, spec.answers.as_slice());
        if previous != Some(key) {
            writeln!(out, "\n  {} · {} — base: {}", d.methodology, spec.list, base.1)?;
            write!(out, "  {:<52} {:>6}", "", "n")?;
            for a in short(&spec.answers) {
                write!(out, " {:>w$}", clip(&a, 18), w = a.len().clamp(6, 18))?;
            }
            writeln!(out)?;
            previous = Some(key);
        }
        let label = labels.get(&d.item).map_or(d.item.as_str(), String::as_str);
        write!(out, "  {:<52} {:>6}", clip(label, 52), d.n)?;
        for (a, share) in short(&spec.answers).iter().zip(&d.shares) {
            write!(out, " {:>w$.1}", 100.0 * share, w = a.len().clamp(6, 18))?;
        }
        writeln!(out)?;
    }
    Ok(())
}

/// Respondents per survey part.
pub fn parts(out: &mut impl Write, parts: &[pb::PartAccounting]) -> io::Result<()> {
    for p in parts {
        writeln!(
            out,
            "  {}: {} with the block, {} answered some part, {} every part",
            p.methodology, p.with_block, p.some_part, p.all_parts
        )?;
        let each: Vec<String> = p.parts.iter().map(|c| format!("{} {}", c.part, c.respondents)).collect();
        writeln!(out, "    {}", each.join(" · "))?;
    }
    Ok(())
}

/// The competence profile, strategy × projects, shares by size class and service levels.
pub fn tables(out: &mut impl Write, g: &pb::GroupTables) -> io::Result<()> {
    if let Some(t) = g.competence.as_ref().and_then(|c| c.competence_profile.as_ref()).filter(|t| t.n > 0) {
        writeln!(out, "\nFigur 4.8 — competence profile: sourcing group × recruitment status (n = {})", t.n)?;
        super::print::cross(out, t)?;
    }
    if let Some(t) = g.strategy_by_projects.as_ref().filter(|t| t.n > 0) {
        writeln!(out, "\nStrategy score (rows) × project score (columns) (n = {})", t.n)?;
        write!(out, "  {:<10}", "")?;
        for c in &t.columns {
            write!(out, " {c:>6}")?;
        }
        writeln!(out)?;
        for (r, name) in t.rows.iter().enumerate() {
            write!(out, "  {name:<10}")?;
            for c in 0..t.columns.len() {
                write!(out, " {:>6}", t.cells.get(r * t.columns.len() + c).copied().unwrap_or(0))?;
            }
            writeln!(out)?;
        }
    }
    if !g.by_size_class.is_empty() {
        writeln!(out, "\nBy size class (share %, of n)")?;
        for s in &g.by_size_class {
            writeln!(out, "  {} — {}", s.id, s.description)?;
            for c in &s.size_classes {
                let class = pb::SizeClass::try_from(c.size_class).unwrap_or_default();
                writeln!(out, "    {:<28} {:>5.1} % of {:>5}", size_class_label(class), 100.0 * c.share, c.n)?;
            }
        }
    }
    if let Some(s) = &g.riksrevisjonen_2015 {
        writeln!(out, "\nRiksrevisjonen 2015 — municipalities with a service at level ≥ 1, ≥ 2, 3; none offered")?;
        let row = |out: &mut dyn Write, name: &str, l: &pb::ServiceLevelShares| {
            writeln!(
                out,
                "  {:<36} n {:>5}  ≥1 {:>5.1} %  ≥2 {:>5.1} %  3 {:>5.1} %  none {:>4} ({:.1} %)",
                name,
                l.municipalities,
                100.0 * l.share_level_1,
                100.0 * l.share_level_2,
                100.0 * l.share_level_3,
                l.with_none,
                100.0 * l.share_with_none
            )
        };
        if let Some(l) = &s.levels {
            row(out, "all", l)?;
        }
        for l in &s.levels_by_area {
            row(out, &l.id, l)?;
        }
        for l in &s.levels_by_size_class {
            let class = pb::SizeClass::from_str_name(&l.id).unwrap_or_default();
            row(out, &size_class_label(class), l)?;
        }
        writeln!(
            out,
            "  pairs at level ≥ 1: {} of {} ({:.1} %); under 5,000 with none: {} of {} ({:.1} %)",
            s.pairs_at_least_1,
            s.pairs,
            100.0 * s.share_pairs_at_least_1,
            s.with_none_under_5000,
            s.municipalities_under_5000,
            100.0 * s.share_with_none_under_5000
        )?;
    }
    Ok(())
}

/// The published figures beside the round's: numbers written as the publications
/// write them (a decimal comma), a share with its count and base, a mean or median
/// with its base, a count with its base; a figure proven impossible beside the
/// others marked so, not as a disagreement.
pub fn figures(out: &mut impl Write, figures: &[pb::PublishedFigureCheck]) -> io::Result<()> {
    if figures.is_empty() {
        return Ok(());
    }
    writeln!(out, "\nPublished figures beside the round's (docs/method.md §6)")?;
    writeln!(
        out,
        "  {:<50} {:<24} {:>16} {:>16} {:>13}  agrees",
        "figure", "source", "published", "round", "count/base"
    )?;
    for f in figures {
        let source = f.source.rsplit(", ").next().unwrap_or(&f.source);
        let comma = |s: String| s.replace('.', ",");
        let (round, of) = if f.comparison.contains("count") {
            (format!("{}", f.round_value), format!("{}/{}", f.round_count, f.round_base))
        } else if f.comparison.starts_with("ranked") {
            (format!("rank {}", f.round_value), format!("{}/{}", f.round_count, f.round_base))
        } else if f.comparison.starts_with("equal rounded") || f.comparison == "at most" {
            (comma(format!("{:.2}", f.round_value)), format!("n {}", f.round_base))
        } else {
            (comma(format!("{:.1} %", 100.0 * f.round_value)), format!("{}/{}", f.round_count, f.round_base))
        };
        let id = f.id.split_once('/').map_or(f.id.as_str(), |(_, rest)| rest);
        let agrees = match (f.agrees, f.impossible.is_empty()) {
            (true, _) => "yes",
            (false, true) => "NO",
            (false, false) => "impossible",
        };
        writeln!(
            out,
            "  {:<50} {:<24} {:>16} {:>16} {:>13}  {agrees}",
            clip(id, 50),
            clip(source, 24),
            f.published,
            round,
            of,
        )?;
    }
    let impossible: Vec<&pb::PublishedFigureCheck> = figures.iter().filter(|f| !f.impossible.is_empty()).collect();
    for f in impossible {
        writeln!(out, "  impossible: {}: {}", f.id, f.impossible)?;
    }
    Ok(())
}
