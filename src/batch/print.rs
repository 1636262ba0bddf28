//! The round summary as plain-text tables.

use std::io::{self, Write};

use crate::methodology::ssb2018 as m;
use crate::proto::v1 as pb;

pub fn summary(out: &mut impl Write, s: &pb::RoundSummary) -> io::Result<()> {
    writeln!(out, "Round {} (survey year {})", s.round_id, s.survey_year)?;
    if let Some(a) = &s.accounting {
        writeln!(out, "Records: {} received, {} scored, {} rejected", a.received, a.scored, a.rejected)?;
        for r in a.rejections.iter().take(20) {
            writeln!(out, "  rejected #{} {:?}: {}", r.sequence, r.record_id, r.reason)?;
        }
        if a.rejections.len() > 20 {
            writeln!(out, "  … and {} more (see the JSON report)", a.rejections.len() - 20)?;
        }
    }
    if let Some(c) = &s.calibration {
        writeln!(out, "\nCalibration used: {}", c.used().as_str_name())?;
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
        }
    }
    let Some(all) = s.groups.first() else { return Ok(()) };
    writeln!(out, "\nAll respondents (n = {})", all.n)?;
    for (composite, table) in m::COMPOSITES.iter().zip(&all.composites) {
        writeln!(out, "\n{} — {} (n = {})", composite.published_table, composite.name, table.n)?;
        writeln!(out, "  {:<84} {:>7} {:>6}", "grade", "count", "2018")?;
        for (g, label) in composite.grades.iter().enumerate() {
            let count = table.per_grade.get(g).copied().unwrap_or(0);
            writeln!(
                out,
                "  {:<84} {:>7} {:>6}",
                format!("{g}: {}", label.label),
                count,
                composite.published_counts[g]
            )?;
        }
    }
    writeln!(out, "\nSimple scores (respondents per score 0–4)")?;
    for d in &all.scores {
        writeln!(out, "  {:<28} n {:>6}  {}  median {}", d.indicator, d.n, row(&d.per_score), d.median)?;
    }
    if let Some(c) = &all.competence {
        writeln!(out, "\nCompetence: hindrance × recruitment")?;
        if let Some(t) = &c.hindrance_by_recruitment {
            cross(out, t)?;
        }
        writeln!(
            out,
            "  large hindrance {:.1} %, small {:.1} %, tried to recruit {:.1} %, not tried among large hindrance {:.1} %",
            100.0 * c.share_large_hindrance,
            100.0 * c.share_small_hindrance,
            100.0 * c.share_tried_to_recruit,
            100.0 * c.share_not_tried_among_large_hindrance
        )?;
    }
    writeln!(out, "\nBy group: n and grade counts 0–4 (digital priority | use | activity)")?;
    for g in s.groups.iter().skip(1) {
        let grades: Vec<String> = g.composites.iter().map(|c| row(&c.per_grade)).collect();
        writeln!(out, "  {:<32} n {:>6}  {}", g.label, g.n, grades.join(" | "))?;
    }
    Ok(())
}

fn cuts(c: &[u32]) -> String {
    if c.is_empty() { "—".into() } else { c.iter().map(u32::to_string).collect::<Vec<_>>().join("/") }
}

fn row(v: &[u64]) -> String {
    v.iter().map(|n| format!("{n:>5}")).collect::<Vec<_>>().join("")
}

fn cross(out: &mut impl Write, t: &pb::CrossTable) -> io::Result<()> {
    write!(out, "  {:<10}", "")?;
    for c in &t.columns {
        write!(out, " {c:>28}")?;
    }
    writeln!(out)?;
    for (r, name) in t.rows.iter().enumerate() {
        write!(out, "  {name:<10}")?;
        for c in 0..t.columns.len() {
            write!(out, " {:>28}", t.cells.get(r * t.columns.len() + c).copied().unwrap_or(0))?;
        }
        writeln!(out)?;
    }
    Ok(())
}
