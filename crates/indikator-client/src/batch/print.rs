//! The round summary as plain-text tables.

use std::io::{self, Write};

use super::print_items;
use crate::proto::v1 as pb;
use indikator_app::render::format::{Lang, percent};
use indikator_core::catalogue::Catalogues;
use indikator_core::methodology::ssb2018 as m;

/// The summary `s` as plain text; items are labelled from `catalogues`, a
/// rejection by the file line of its record (`lines`).
pub(super) fn summary(
    out: &mut impl Write,
    s: &pb::RoundSummary,
    catalogues: &Catalogues,
    lines: &super::RecordLines,
) -> io::Result<()> {
    writeln!(out, "Round {} (survey year {})", s.round_id, s.survey_year)?;
    if let Some(a) = &s.accounting {
        writeln!(out, "Records: {} received, {} scored, {} rejected", a.received, a.scored, a.rejected)?;
        for r in a.rejections.iter().take(20) {
            match lines.line(r.sequence) {
                Some(line) => writeln!(out, "  rejected line {line} {:?}: {}", r.record_id, r.reason)?,
                None => writeln!(out, "  rejected record #{} {:?}: {}", r.sequence + 1, r.record_id, r.reason)?,
            }
        }
        if a.rejections.len() > 20 {
            writeln!(out, "  … and {} more (see the JSON report)", a.rejections.len() - 20)?;
        }
    }
    // A round without `ssb-2018` answers has no calibration or composite tables to show.
    let has_ssb =
        s.accounting.as_ref().is_none_or(|a| a.parts.is_empty() || a.parts.iter().any(|p| p.methodology == m::ID));
    if let Some(c) = s.calibration.as_ref().filter(|_| has_ssb) {
        let used = match c.used() {
            pb::Calibration::Relative => "relative (cuts derived from this round)",
            _ => "published (the 2018 bands)",
        };
        writeln!(out, "\nCalibration used: {used}")?;
        writeln!(
            out,
            "{:<28} {:>7} {:>10} {:>12} {:>12} {:>12}",
            "indicator", "median", "published", "published", "derived", "used"
        )?;
        writeln!(out, "{:<28} {:>7} {:>10} {:>12} {:>12} {:>12}", "", "", "median", "cuts", "cuts", "cuts")?;
        for i in &c.indicators {
            writeln!(
                out,
                "{:<28} {:>7} {:>10} {:>12} {:>12} {:>12}",
                i.indicator,
                i.median,
                i.published_median,
                cuts(&i.published_cut_points),
                cuts(&i.derived_cut_points),
                cuts(&i.used_cut_points)
            )?;
            if !i.not_derived_reason.is_empty() {
                writeln!(out, "  no derived cuts: {}", i.not_derived_reason)?;
            }
        }
        if !c.base.is_empty() {
            writeln!(out, "Base: {}", c.base)?;
        }
    }
    // The published 2018 tables count municipalities only (docs/method.md §5): the
    // headline is the municipalities' tables, never the mix of kinds.
    let kinds: Vec<&pb::GroupTables> =
        s.groups.iter().filter(|g| g.dimension() == pb::GroupDimension::RespondentKind).collect();
    let municipalities = pb::RespondentKind::Municipality.as_str_name();
    if let Some(a) = &s.accounting
        && !a.parts.is_empty()
    {
        writeln!(out, "\nRespondents per survey part")?;
        print_items::parts(out, &a.parts)?;
    }
    print_items::figures(out, &s.published_figures)?;
    match kinds.iter().find(|g| g.key == municipalities) {
        Some(g) => {
            if has_ssb {
                writeln!(
                    out,
                    "\nMunicipalities (n = {}), beside the published 2018 tables (municipalities only)",
                    g.n
                )?;
            } else {
                writeln!(out, "\nMunicipalities (n = {})", g.n)?;
            }
            kind_tables(out, g, true)?;
            print_items::tables(out, g, catalogues)?;
            print_items::items(out, g, &s.item_layout, catalogues)?;
        }
        None if has_ssb => {
            writeln!(out, "\nNo municipalities in this round: nothing to set beside the published 2018 tables")?
        }
        None => {}
    }
    for g in kinds.iter().filter(|g| g.key != municipalities) {
        writeln!(out, "\n{} (n = {})", g.label, g.n)?;
        kind_tables(out, g, false)?;
        print_items::tables(out, g, catalogues)?;
        print_items::items(out, g, &s.item_layout, catalogues)?;
    }
    if has_ssb {
        writeln!(out, "\nBy group: n and grade counts 0–4 (digital priority | use | activity)")?;
    } else {
        writeln!(out, "\nBy group: n")?;
    }
    // Columns as wide as their widest figure (at least the usual 6 and 5), so
    // large counts never run together.
    let groups = || s.groups.iter().skip(1);
    let n_width = groups().map(|g| digits(g.n)).max().unwrap_or(0).max(6);
    let count_width =
        groups().flat_map(|g| g.composites.iter().flat_map(|c| c.per_grade.iter().map(|&n| digits(n) + 1))).max();
    let count_width = count_width.unwrap_or(0).max(5);
    for g in groups() {
        let grades: Vec<String> = g.composites.iter().map(|c| row_width(&c.per_grade, count_width)).collect();
        let grades = if has_ssb { grades.join(" | ") } else { String::new() };
        writeln!(out, "{}", format!("  {:<32} n {:>n_width$}  {}", g.label, g.n, grades).trim_end())?;
    }
    Ok(())
}

/// One kind's composite tables (with the published 2018 counts beside them
/// when `published`), simple scores and competence cross-table.
fn kind_tables(out: &mut impl Write, g: &pb::GroupTables, published: bool) -> io::Result<()> {
    if g.composites.iter().all(|c| c.n == 0) && g.scores.iter().all(|d| d.n == 0) && !g.items.is_empty() {
        return Ok(());
    }
    for (composite, table) in m::COMPOSITES.iter().zip(&g.composites) {
        writeln!(out, "\n{} — {} (n = {})", composite.published_table, composite.name, table.n)?;
        let header = if published { "2018" } else { "" };
        writeln!(out, "  {:<84} {:>7} {:>6}", "grade", "count", header)?;
        for (grade, label) in composite.grades.iter().enumerate() {
            let count = table.per_grade.get(grade).copied().unwrap_or(0);
            let beside = if published { composite.published_counts[grade].to_string() } else { String::new() };
            writeln!(out, "  {:<84} {:>7} {:>6}", format!("{grade}: {}", label.label), count, beside)?;
        }
        if table.n > 0 {
            writeln!(
                out,
                "  fragile (one count across a cut changes the grade): {} ({}); \
                 differ between the published and the relative calibration: {}",
                table.fragile,
                percent(table.share_fragile, Lang::Nb),
                table.differ_between_calibrations
            )?;
        }
    }
    writeln!(out, "\nSimple scores (respondents per score 0–4)")?;
    for d in &g.scores {
        writeln!(
            out,
            "  {:<28} n {:>6}  {}  median {} (of {})",
            d.indicator,
            d.n,
            row(&d.per_score),
            d.median,
            d.median_base
        )?;
    }
    if let Some(c) = &g.competence {
        writeln!(out, "\nCompetence: hindrance × recruitment")?;
        if let Some(t) = &c.hindrance_by_recruitment {
            print_items::cross(out, t)?;
        }
        if let Some(t) = &c.hindrance_by_sourcing {
            writeln!(out, "\nCompetence: hindrance × sourcing (chapter 6: larger among the internally sourced)")?;
            print_items::cross(out, t)?;
        }
        writeln!(
            out,
            "  large hindrance {}, small {}, tried to recruit {}, not tried among large hindrance {}",
            percent(c.share_large_hindrance, Lang::Nb),
            percent(c.share_small_hindrance, Lang::Nb),
            percent(c.share_tried_to_recruit, Lang::Nb),
            percent(c.share_not_tried_among_large_hindrance, Lang::Nb)
        )?;
    }
    Ok(())
}

fn cuts(c: &[u32]) -> String {
    if c.is_empty() { "—".into() } else { c.iter().map(u32::to_string).collect::<Vec<_>>().join("/") }
}

fn row(v: &[u64]) -> String {
    row_width(v, 5)
}

fn row_width(v: &[u64], width: usize) -> String {
    v.iter().map(|n| format!("{n:>width$}")).collect::<Vec<_>>().join("")
}

fn digits(n: u64) -> usize {
    n.to_string().len()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kind(kind: pb::RespondentKind, label: &str, grades: [u64; 5]) -> pb::GroupTables {
        pb::GroupTables {
            dimension: pb::GroupDimension::RespondentKind as i32,
            key: kind.as_str_name().into(),
            label: label.into(),
            n: grades.iter().sum(),
            composites: (0..3)
                .map(|_| pb::GradeDistribution {
                    n: grades.iter().sum(),
                    per_grade: grades.to_vec(),
                    ..Default::default()
                })
                .collect(),
            ..Default::default()
        }
    }

    #[test]
    fn the_printed_comparison_with_2018_uses_the_municipalities_tables_not_the_mix_of_kinds() {
        let municipalities = kind(pb::RespondentKind::Municipality, "Kommuner", [1, 2, 0, 0, 0]);
        let agencies = kind(pb::RespondentKind::StateAgency, "Statlige virksomheter", [0, 0, 0, 0, 7]);
        let mut all = kind(pb::RespondentKind::Unspecified, "Alle", [1, 2, 0, 0, 7]);
        all.dimension = pb::GroupDimension::Overall as i32;
        all.key = "all".into();
        let summary = pb::RoundSummary { groups: vec![all, municipalities, agencies], ..Default::default() };
        let mut out = Vec::new();
        super::summary(&mut out, &summary, Catalogues::shipped(), &Default::default()).unwrap();
        let text = String::from_utf8(out).unwrap();
        let headline = text.find("Municipalities (n = 3)").expect(&text);
        let agencies_at = text.find("Statlige virksomheter (n = 7)").expect(&text);
        assert!(headline < agencies_at);
        // The 2018 column (34 municipalities at grade 0) stands beside the municipalities' 1.
        let beside = &text[headline..agencies_at];
        assert!(beside.lines().any(|l| l.starts_with("  0: ") && l.ends_with("      1     34")), "{beside}");
        assert!(!text[agencies_at..].contains("    34"), "no published column beside other kinds");
        assert!(!text.contains("All respondents"));
    }

    #[test]
    fn the_by_group_columns_are_as_wide_as_their_counts() {
        let big = [606124089, 691203512, 1687456048, 7, 0];
        let mut county = kind(pb::RespondentKind::Municipality, "Vestland", big);
        county.dimension = pb::GroupDimension::County as i32;
        let small = kind(pb::RespondentKind::Municipality, "Kommuner", [1, 2, 3, 4, 5]);
        let mut all = kind(pb::RespondentKind::Unspecified, "Alle", [1, 2, 0, 0, 7]);
        all.dimension = pb::GroupDimension::Overall as i32;
        let summary = pb::RoundSummary { groups: vec![all, small, county], ..Default::default() };
        let mut out = Vec::new();
        super::summary(&mut out, &summary, indikator_core::catalogue::Catalogues::shipped(), &Default::default())
            .unwrap();
        let text = String::from_utf8(out).unwrap();
        let line = text.lines().find(|l| l.trim_start().starts_with("Vestland")).expect(&text);
        assert!(line.contains(" 606124089  691203512 1687456048 "), "{line}");
        assert!(line.contains(&format!("n {}", big.iter().sum::<u64>())), "{line}");
        let small_line = text.lines().rfind(|l| l.trim_start().starts_with("Kommuner ")).expect(&text);
        assert!(small_line.contains("          1          2"), "the small group's counts line up: {small_line}");
    }
}
