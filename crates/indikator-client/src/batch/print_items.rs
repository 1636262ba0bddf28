//! The round summary's item tables, survey parts, cross-tables, shares by size
//! class, service levels and published figures as plain text (docs/method.md §6):
//! items in the source's order, shares with one decimal, the base above each table.

use std::collections::HashMap;
use std::io::{self, Write};

use crate::proto::v1 as pb;
use indikator_app::render::format::{Lang, percent};
use indikator_app::render::labels;
use indikator_core::catalogue::Catalogues;

/// A size class as people write it («2000–4999 innbyggere»); its code where it has none.
fn size_class_label(class: pb::SizeClass) -> String {
    match (class as usize).checked_sub(1).and_then(|i| indikator_core::domain::SizeClass::ALL.get(i)) {
        Some(c) => format!("{} innbyggere", c.label()),
        None => class.as_str_name().to_owned(),
    }
}

fn clip(s: &str, max: usize) -> String {
    if s.chars().count() <= max { s.to_owned() } else { format!("{}…", s.chars().take(max - 1).collect::<String>()) }
}

/// The Norwegian labels of an item table's answers, cut to 18 characters.
fn answers(d: &pb::ItemDistribution, spec: &pb::ItemLayout, catalogues: &Catalogues) -> Vec<String> {
    spec.answers.iter().map(|a| clip(&labels::answer(&d.methodology, &d.item, a, catalogues).0, 18)).collect()
}

/// One group's item tables, one table per run of items of a list with the same
/// base and answers.
pub(super) fn items(
    out: &mut impl Write,
    g: &pb::GroupTables,
    layout: &[pb::ItemLayout],
    catalogues: &Catalogues,
) -> io::Result<()> {
    if g.items.is_empty() {
        return Ok(());
    }
    let by_id: HashMap<(&str, &str), &pb::ItemLayout> =
        layout.iter().map(|l| ((l.methodology.as_str(), l.item.as_str()), l)).collect();
    writeln!(out, "\nItem distributions ({}; shares of each item's base, %)", g.label)?;
    let mut previous: Option<(&str, &str, &[String])> = None;
    for d in &g.items {
        let Some(spec) = by_id.get(&(d.methodology.as_str(), d.item.as_str())) else { continue };
        let base = spec.base.as_ref().map_or(("", ""), |b| (b.id.as_str(), b.description.as_str()));
        let key = (spec.list.as_str(), base.0, spec.answers.as_slice());
        if previous != Some(key) {
            let list = labels::list(&d.methodology, &spec.list, catalogues).0;
            writeln!(out, "\n  {} · {list} — base: {}", d.methodology, base.1)?;
            write!(out, "  {:<52} {:>6}", "", "n")?;
            for a in &answers(d, spec, catalogues) {
                write!(out, " {:>w$}", a, w = a.chars().count().max(6))?;
            }
            writeln!(out)?;
            previous = Some(key);
        }
        let label = labels::item(&d.methodology, &d.item, catalogues).0;
        write!(out, "  {:<52} {:>6}", clip(&label, 52), d.n)?;
        for (a, share) in answers(d, spec, catalogues).iter().zip(&d.shares) {
            write!(out, " {:>w$}", Lang::Nb.number(100.0 * share, 1), w = a.chars().count().max(6))?;
        }
        writeln!(out)?;
    }
    Ok(())
}

/// Respondents per survey part.
pub(super) fn parts(out: &mut impl Write, parts: &[pb::PartAccounting]) -> io::Result<()> {
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
pub(super) fn tables(out: &mut impl Write, g: &pb::GroupTables, catalogues: &Catalogues) -> io::Result<()> {
    if let Some(t) = g.competence.as_ref().and_then(|c| c.competence_profile.as_ref()).filter(|t| t.n > 0) {
        writeln!(out, "\nFigur 4.8 — competence profile: sourcing group × recruitment status (n = {})", t.n)?;
        cross(out, t)?;
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
                writeln!(out, "    {:<28} {:>7} of {:>5}", size_class_label(class), percent(c.share, Lang::Nb), c.n)?;
            }
        }
    }
    if let Some(s) = &g.riksrevisjonen_2015 {
        writeln!(out, "\nRiksrevisjonen 2015 — municipalities with a service at level ≥ 1, ≥ 2, 3; none offered")?;
        let row = |out: &mut dyn Write, name: &str, l: &pb::ServiceLevelShares| {
            writeln!(
                out,
                "  {:<36} n {:>5}  ≥1 {:>7}  ≥2 {:>7}  3 {:>7}  none {:>4} ({})",
                clip(name, 36),
                l.municipalities,
                percent(l.share_level_1, Lang::Nb),
                percent(l.share_level_2, Lang::Nb),
                percent(l.share_level_3, Lang::Nb),
                l.with_none,
                percent(l.share_with_none, Lang::Nb)
            )
        };
        if let Some(l) = &s.levels {
            row(out, "alle", l)?;
        }
        for l in &s.levels_by_area {
            row(out, &labels::list(indikator_core::catalogue::RIKSREVISJONEN_2015, &l.id, catalogues).0, l)?;
        }
        for l in &s.levels_by_size_class {
            let class = pb::SizeClass::from_str_name(&l.id).unwrap_or_default();
            row(out, &size_class_label(class), l)?;
        }
        writeln!(
            out,
            "  pairs at level ≥ 1: {} of {} ({}); under 5 000 with none: {} of {} ({})",
            s.pairs_at_least_1,
            s.pairs,
            percent(s.share_pairs_at_least_1, Lang::Nb),
            s.with_none_under_5000,
            s.municipalities_under_5000,
            percent(s.share_with_none_under_5000, Lang::Nb)
        )?;
    }
    Ok(())
}

/// The published figures beside the round's: numbers written as the publications
/// write them (a decimal comma), a share with its count and base, a mean or median
/// with its base, a count with its base; a figure proven impossible beside the
/// others marked so, not as a disagreement.
pub(super) fn figures(out: &mut impl Write, figures: &[pb::PublishedFigureCheck]) -> io::Result<()> {
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
        let (round, of) = if f.comparison.contains("count") {
            (format!("{}", f.round_value), format!("{}/{}", f.round_count, f.round_base))
        } else if f.comparison.starts_with("ranked") {
            (format!("rank {}", f.round_value), format!("{}/{}", f.round_count, f.round_base))
        } else if f.comparison.starts_with("equal rounded") || f.comparison == "at most" {
            (Lang::Nb.number(f.round_value, 2), format!("n {}", f.round_base))
        } else {
            (percent(f.round_value, Lang::Nb), format!("{}/{}", f.round_count, f.round_base))
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

/// A cross-table of categories (recruitment status, hindrance or sourcing
/// group), rows and columns by their Norwegian labels, as wide as they are.
pub(super) fn cross(out: &mut impl Write, t: &pb::CrossTable) -> io::Result<()> {
    let name = |code: &str| labels::category(code).0;
    let rows: Vec<String> = t.rows.iter().map(|r| name(r)).collect();
    let columns: Vec<String> = t.columns.iter().map(|c| name(c)).collect();
    let row_width = rows.iter().map(|r| r.chars().count()).max().unwrap_or(0);
    let widths: Vec<usize> = columns.iter().map(|c| c.chars().count().max(6)).collect();
    write!(out, "  {:<row_width$}", "")?;
    for (c, w) in columns.iter().zip(&widths) {
        write!(out, "  {c:>w$}")?;
    }
    writeln!(out)?;
    for (r, row) in rows.iter().enumerate() {
        write!(out, "  {row:<row_width$}")?;
        for (c, w) in widths.iter().enumerate() {
            write!(out, "  {:>w$}", t.cells.get(r * t.columns.len() + c).copied().unwrap_or(0))?;
        }
        writeln!(out)?;
    }
    Ok(())
}
