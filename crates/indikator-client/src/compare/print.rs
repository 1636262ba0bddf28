//! A comparison as plain text: who was matched, the transition tables, and
//! the largest changes.

use std::io::{self, Write};

use crate::proto::v1 as pb;
use indikator_app::render::format::{Lang, percent};
use indikator_app::render::labels;
use indikator_core::catalogue::Catalogues;
use indikator_core::methodology::ssb2018 as m;
use indikator_core::scoring::ssb2018::COMPOSITES;

/// Respondents and item answers listed among the largest changes.
pub const LARGEST: usize = 10;

fn group_name(g: &pb::GroupComparison) -> String {
    g.label.clone()
}

fn pct(x: f64) -> String {
    percent(x, Lang::Nb)
}

/// A change with its sign: «+0,15», «−0,01»; no sign on one that rounds to zero.
fn signed(x: f64, decimals: usize) -> String {
    let number = Lang::Nb.number(x, decimals);
    let magnitude = number.trim_start_matches('−');
    if magnitude.chars().all(|c| c == '0' || c == ',') {
        magnitude.to_owned()
    } else if number.starts_with('−') {
        number
    } else {
        format!("+{number}")
    }
}

fn transition_table(out: &mut impl Write, t: &pb::TransitionTable) -> io::Result<()> {
    let name = COMPOSITES
        .iter()
        .find(|c| t.indicator == format!("{}/{}", m::ID, c.id))
        .map_or(t.indicator.as_str(), |c| c.name);
    writeln!(
        out,
        "{name} ({}): n = {}; rose {} ({}), stayed {} ({}), fell {} ({})",
        t.indicator,
        t.n,
        t.rose,
        pct(t.share_rose),
        t.stayed,
        pct(t.share_stayed),
        t.fell,
        pct(t.share_fell)
    )?;
    let width = t.cells.iter().map(|n| n.to_string().len()).max().unwrap_or(1).max(3);
    write!(out, "  then \\ now")?;
    for now in 0..5 {
        write!(out, " {now:>width$}")?;
    }
    writeln!(out)?;
    for then in 0..5 {
        write!(out, "  {then:>10}")?;
        for now in 0..5 {
            write!(out, " {:>width$}", t.cells.get(then * 5 + now).copied().unwrap_or(0))?;
        }
        writeln!(out)?;
    }
    Ok(())
}

fn side(out: &mut impl Write, name: &str, s: &pb::RoundSide) -> io::Result<()> {
    let used = s.calibration.as_ref().map_or(pb::Calibration::Unspecified, |c| c.used());
    writeln!(
        out,
        "{name}: {} (survey year {}): {} received, {} scored, {} rejected; {} calibration",
        s.round_id,
        s.survey_year,
        s.received,
        s.scored,
        s.rejected,
        match used {
            pb::Calibration::Relative => "relative",
            _ => "published",
        }
    )
}

/// The identity a card shows: the current respondent's, or the baseline's.
fn who(card: &pb::ComparisonCard) -> String {
    let profile = card.current.as_ref().or(card.baseline.as_ref()).and_then(|r| r.respondent.as_ref());
    match profile {
        Some(p) if !p.municipality_number.is_empty() => format!("{} ({})", p.name, p.municipality_number),
        Some(p) => format!("{} ({})", p.name, p.organisation_number),
        None => String::new(),
    }
}

/// A matched respondent's composite grades then and now, where any moved.
#[derive(Debug, Clone, PartialEq)]
pub struct GradeMove {
    /// The grades moved, in all (the ranking of the largest changes).
    pub total: f64,
    /// Who: the name and municipality (or organisation) number.
    pub who: String,
    /// Per composite (index into `m::COMPOSITES`) with both grades: then, now.
    pub grades: Vec<(usize, f64, f64)>,
}

fn grade_moves(card: &pb::ComparisonCard) -> GradeMove {
    let mut total = 0.0;
    let mut grades = Vec::new();
    for (i, composite) in COMPOSITES.iter().enumerate() {
        let id = format!("{}/{}", m::ID, composite.id);
        if let Some(c) = card.ssb_2018.iter().find(|c| c.indicator == id)
            && let (Some(then), Some(now)) = (c.then, c.now)
        {
            total += (now - then).abs();
            grades.push((i, then, now));
        }
    }
    GradeMove { total, who: who(card), grades }
}

impl GradeMove {
    fn line(&self) -> String {
        let parts: Vec<String> =
            self.grades.iter().map(|(i, then, now)| format!("{} {then}→{now}", COMPOSITES[*i].id)).collect();
        format!("{}: {}", self.who, parts.join(", "))
    }
}

/// What the report shows of the cards, taken as they arrive (a comparison of
/// a million respondents is not held in memory).
#[derive(Debug, Default)]
pub struct Highlights {
    /// Cards seen.
    pub cards: u64,
    /// The matched respondents whose composite grades moved most (at most
    /// [`LARGEST`], the earlier of equals first).
    pub moves: Vec<GradeMove>,
    /// The first entered and left respondents, and how many there were.
    pub entered: (Vec<String>, u64),
    pub left: (Vec<String>, u64),
    /// Per merged respondent: the predecessors' names.
    pub mergers: Vec<(String, Vec<String>)>,
}

impl Highlights {
    pub fn add(&mut self, c: &pb::ComparisonCard) {
        self.cards += 1;
        match c.presence() {
            pb::Presence::Both => {
                let moved = grade_moves(c);
                if moved.total > 0.0 {
                    self.moves.push(moved);
                    self.moves.sort_by(|a, b| b.total.total_cmp(&a.total));
                    self.moves.truncate(LARGEST);
                }
            }
            pb::Presence::Entered | pb::Presence::Left => {
                let (names, n) = if c.presence() == pb::Presence::Entered { &mut self.entered } else { &mut self.left };
                *n += 1;
                if names.len() < LARGEST {
                    names.push(who(c));
                }
            }
            pb::Presence::Unspecified => {}
        }
        if c.predecessors > 1 {
            let then =
                c.baseline.as_ref().and_then(|r| r.respondent.as_ref()).map_or(String::new(), |p| p.name.clone());
            match self.mergers.last_mut() {
                Some((now, names)) if *now == who(c) => names.push(then),
                _ => self.mergers.push((who(c), vec![then])),
            }
        }
    }
}

/// The comparison report: both rounds, the matching, the transition tables
/// of the municipalities (or, without them, of everyone), and the largest changes.
pub fn report(
    out: &mut impl Write,
    s: &pb::ComparisonSummary,
    h: &Highlights,
    catalogues: &Catalogues,
) -> io::Result<()> {
    if let Some(b) = &s.baseline {
        side(out, "Baseline", b)?;
    }
    if let Some(c) = &s.current {
        side(out, "Current ", c)?;
    }
    let by = match s.match_by() {
        pb::MatchBy::MunicipalityNumber => "municipality number",
        _ => "organisation number",
    };
    writeln!(out, "Matched by {by}; {} correspondence line(s)", s.correspondence_lines)?;
    let merged: usize = h.mergers.iter().map(|(_, names)| names.len()).sum();
    let headline = super::headline(s);
    if let Some(all) = headline.first() {
        writeln!(
            out,
            "Respondents: {} matched pair(s), {merged} of them merged into {} respondent(s); {} entered, {} left",
            all.matched,
            h.mergers.len(),
            all.entered,
            all.left
        )?;
    }
    // The headline is the municipalities' group (docs/method.md §5), else the overall one.
    if let Some(g) = headline.last() {
        let tables: Vec<&pb::TransitionTable> = g.transitions.iter().filter(|t| t.n > 0).collect();
        if !tables.is_empty() {
            writeln!(out, "\nTransitions, {}: grade then (rows) × grade now (columns)", group_name(g))?;
            for t in tables {
                transition_table(out, t)?;
            }
        }
    }
    if let Some(g) = headline.last() {
        let means: Vec<(&str, f64, f64)> = g
            .scores
            .iter()
            .filter_map(|sc| {
                let mean = sc.mean_score.as_ref()?;
                Some((sc.indicator.as_str(), mean.then?, mean.now?))
            })
            .collect();
        if !means.is_empty() {
            writeln!(out, "\nMean score, {}", group_name(g))?;
            writeln!(out, "  {:<32} {:>6} {:>6} {:>7}", "indicator", "then", "now", "change")?;
            for (indicator, then, now) in means {
                let (then, now, change) = (Lang::Nb.number(then, 2), Lang::Nb.number(now, 2), signed(now - then, 2));
                writeln!(out, "  {indicator:<32} {then:>6} {now:>6} {change:>7}")?;
            }
        }
        // Per item, the answer that moved most (the first of equals: for a yes/no
        // item, the other answer moved as much the other way).
        let mut shifts: Vec<(f64, String)> = Vec::new();
        for shift in &g.items {
            let Some(layout) = s.item_layout.get(shift.item as usize) else { continue };
            let mut most: Option<(f64, usize)> = None;
            for (a, &change) in shift.change_points.iter().enumerate() {
                if change.abs() >= 0.05 && most.is_none_or(|(m, _)| change.abs() > m.abs()) {
                    most = Some((change, a));
                }
            }
            let Some((change, a)) = most else { continue };
            let (then, now) = (shift.share_then[a], shift.share_now[a]);
            shifts.push((
                change,
                format!(
                    "{} {}: {}: {} % → {} % ({} pp; n {} → {})",
                    layout.methodology,
                    labels::item(&layout.methodology, &layout.item, catalogues).0,
                    labels::answer(&layout.methodology, &layout.item, &layout.answers[a], catalogues).0,
                    Lang::Nb.number(then, 1),
                    Lang::Nb.number(now, 1),
                    signed(change, 1),
                    shift.base_then,
                    shift.base_now
                ),
            ));
        }
        shifts.sort_by(|a, b| b.0.abs().total_cmp(&a.0.abs()));
        if !shifts.is_empty() {
            writeln!(out, "\nLargest changes in item shares, {}", group_name(g))?;
            for (_, line) in shifts.iter().take(LARGEST) {
                writeln!(out, "  {line}")?;
            }
        }
        if !g.ks_2018.is_empty() {
            writeln!(out, "\nKS area means, {}", group_name(g))?;
            for a in &g.ks_2018 {
                let show = |x: Option<f64>| x.map_or("–".to_owned(), |x| format!("{x:.2}"));
                let change = a.change.map_or("–".to_owned(), |x| format!("{x:+.2}"));
                writeln!(out, "  {:<48} {:>6} {:>6} {:>7}", a.indicator, show(a.then), show(a.now), change)?;
            }
        }
        if let Some(r) = &g.riksrevisjonen_2015 {
            let show = |c: &Option<pb::IndicatorChange>| {
                c.as_ref().map_or(String::new(), |c| {
                    let f = |x: Option<f64>| x.map_or("–".to_owned(), |x| format!("{x:.1}"));
                    format!(
                        "{} → {} ({})",
                        f(c.then),
                        f(c.now),
                        c.change.map_or("–".to_owned(), |x| format!("{x:+.1}"))
                    )
                })
            };
            writeln!(out, "\nThe Auditor General's figures, {}", group_name(g))?;
            writeln!(out, "  pairs at level ≥ 1 (%): {}", show(&r.share_pairs_at_least_1))?;
            writeln!(out, "  municipalities with none: {}", show(&r.with_none))?;
            writeln!(out, "  with none (%): {}", show(&r.share_with_none))?;
        }
    }
    if !h.moves.is_empty() {
        writeln!(out, "\nLargest changes in composite grades (matched respondents)")?;
        for moved in &h.moves {
            writeln!(out, "  {}", moved.line())?;
        }
    }
    for ((names, n), name) in [(&h.entered, "Entered"), (&h.left, "Left")] {
        if !names.is_empty() {
            let more = n.saturating_sub(names.len() as u64);
            let tail = if more > 0 { format!(" … and {more} more") } else { String::new() };
            writeln!(out, "{name}: {}{tail}", names.join("; "))?;
        }
    }
    // Mergers: the predecessors' names, then the municipality they became.
    if !h.mergers.is_empty() {
        writeln!(out, "Merged:")?;
        for (now, names) in &h.mergers {
            writeln!(out, "  {} → {now}", names.join(" + "))?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn changes_carry_their_sign_and_a_decimal_comma_and_zero_has_none() {
        assert_eq!(signed(0.1549, 2), "+0,15");
        assert_eq!(signed(-0.0149, 2), "−0,01");
        assert_eq!(signed(-0.001, 2), "0,00");
        assert_eq!(signed(0.0, 1), "0,0");
        assert_eq!(pct(0.117), "11,7 %");
    }
}
