//! `CompareRounds` (docs/method.md §7): reads the baseline round, then the
//! current round, each folded like a ScoreRound (compact state reserved from
//! the memory budget as it grows), matches them, then streams a comparison
//! card per respondent and the comparison summary. Every error (a header, a
//! correspondence line, a repeated respondent, rounds that cannot be
//! compared) fails the call before anything is emitted.

use std::pin::Pin;
use std::task::{Context, Poll};

use futures::{Stream, StreamExt};

use crate::decode::{CompareItem, RoundItem};
use crate::memory::{MemoryBudget, Reservation};
use crate::proto::v1 as pb;
use indikator_core::catalogue::Catalogues;
use indikator_core::methodology::ssb2018 as m;
use indikator_core::round::compare::{
    self, Comparison, Correspondence, GroupTransitions, MatchBy, PairCursor, Pairing, Presence, Shift,
    check_comparable, movement, score_distribution,
};
use indikator_core::round::tables::{GroupTables, ServiceTables, share};
use indikator_core::round::{Card, GroupKey, RoundError, RoundLimits, RoundReport};
use indikator_core::scoring::ssb2018::{COMPOSITES, Count};

use crate::round_fold::{FoldOptions, calibration_report, card_results, fold_side, group_label, side_config};
use crate::round_report;

/// Room a comparison reserves beyond its matching state for its summary.
const SUMMARY_ROOM: usize = 4 * 1024 * 1024;

fn invalid(field: &str, description: impl Into<String>) -> RoundError {
    RoundError::Protocol(vec![(field.to_owned(), description.into())])
}

/// The items of one round of a comparison, as a ScoreRound's; ends at the
/// next header, which it leaves in `next_header`.
struct Side<'a, S> {
    inbound: &'a mut S,
    next_header: &'a mut Option<pb::CompareRoundHeader>,
    ended: bool,
}

impl<S, E> Stream for Side<'_, S>
where
    S: Stream<Item = Result<CompareItem, E>> + Unpin,
{
    type Item = Result<RoundItem, E>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = &mut *self;
        if this.ended {
            return Poll::Ready(None);
        }
        let item = match std::task::ready!(this.inbound.poll_next_unpin(cx)) {
            None => None,
            Some(Err(e)) => Some(Err(e)),
            Some(Ok(CompareItem::Header(header))) => {
                *this.next_header = Some(header);
                this.ended = true;
                None
            }
            Some(Ok(CompareItem::Round(item))) => Some(Ok(item)),
        };
        Poll::Ready(item)
    }
}

fn round_header(header: pb::CompareRoundHeader, side: &str) -> Result<pb::RoundHeader, RoundError> {
    header.round.ok_or_else(|| invalid(&format!("{side}.header.round"), "is required"))
}

fn match_by(header: &pb::CompareRoundHeader, correspondence: &Correspondence) -> Result<MatchBy, RoundError> {
    let field = "baseline.header.match_by";
    match pb::MatchBy::try_from(header.match_by) {
        Ok(pb::MatchBy::Unspecified) if correspondence.is_empty() => Ok(MatchBy::OrganisationNumber),
        Ok(pb::MatchBy::Unspecified | pb::MatchBy::MunicipalityNumber) => Ok(MatchBy::MunicipalityNumber),
        Ok(pb::MatchBy::OrganisationNumber) if correspondence.is_empty() => Ok(MatchBy::OrganisationNumber),
        Ok(pb::MatchBy::OrganisationNumber) => Err(invalid(
            field,
            "MATCH_BY_ORGANISATION_NUMBER with a correspondence table: a correspondence matches municipalities by \
             municipality number",
        )),
        Err(_) => Err(invalid(field, format!("unknown value {}", header.match_by))),
    }
}

/// Parses a correspondence given in the baseline's header.
pub fn header_correspondence(lines: &[pb::Correspondence]) -> Result<Correspondence, RoundError> {
    Correspondence::parse(lines.iter().map(|c| (c.old_number.as_str(), c.new_number.as_str())), |i| {
        format!("baseline.header.correspondence[{i}]")
    })
}

/// Reads both rounds and matches them. The reservations hold the two rounds'
/// state and the matching: keep them until the output has been sent. The
/// messages come as [`CompareItem`]s: read from their bytes
/// ([`CompareItem::from_bytes`], the server) or built in memory
/// ([`CompareItem::from_message`], the in-process client).
pub async fn fold_comparison<S, E>(
    mut inbound: S,
    limits: RoundLimits,
    catalogues: &Catalogues,
    budget: &MemoryBudget,
) -> Result<(Comparison, [Reservation; 3]), RoundError>
where
    S: Stream<Item = Result<CompareItem, E>> + Unpin,
    E: Into<Box<dyn std::error::Error + Send + Sync>>,
{
    let first = inbound.next().await.transpose().map_err(|e| RoundError::Inbound(e.into()))?;
    let header = match first {
        Some(CompareItem::Header(h)) => h,
        Some(CompareItem::Round(_)) => {
            return Err(invalid("baseline.header", "the first message of a comparison must be the baseline's header"));
        }
        None => {
            return Err(invalid(
                "baseline.header",
                "the comparison is empty: send the baseline's header and records, then the current round's",
            ));
        }
    };
    let correspondence = header_correspondence(&header.correspondence)?;
    let match_by = match_by(&header, &correspondence)?;
    let baseline_header = round_header(header, "baseline")?;
    let baseline_config = side_config(&baseline_header, catalogues, "baseline.header.round")?;
    let codes_only = baseline_header.codes_only;

    let unique_municipalities = match_by == MatchBy::MunicipalityNumber;
    let mut next_header = None;
    let start = futures::stream::iter([Ok(RoundItem::Header(baseline_header))]);
    let side = Side { inbound: &mut inbound, next_header: &mut next_header, ended: false };
    let options = FoldOptions {
        correspondence: (!correspondence.is_empty()).then_some(&correspondence),
        side: Some("baseline"),
        unique_municipalities,
    };
    let (baseline, baseline_reserved) = fold_side(start.chain(side), limits, catalogues, budget, options).await?;

    let Some(header) = next_header.take() else {
        return Err(invalid(
            "current.header",
            "the baseline's records ended without a current round: send the current round's header, then its records",
        ));
    };
    if !header.correspondence.is_empty() {
        return Err(invalid("current.header.correspondence", "only the baseline's header carries the correspondence"));
    }
    if header.match_by != 0 {
        return Err(invalid("current.header.match_by", "only the baseline's header says how respondents match"));
    }
    let current_header = round_header(header, "current")?;
    let current_config = side_config(&current_header, catalogues, "current.header.round")?;
    check_comparable(
        (&baseline_config.0, baseline_config.1),
        (&current_config.0, current_config.1),
        "current.header.round",
    )?;
    if current_header.codes_only != codes_only {
        // A comparison card holds both rounds' results: with labels in both, or in neither.
        let (baseline, current) = if codes_only { ("sets", "does not") } else { ("does not set", "does") };
        return Err(invalid(
            "current.header.round.codes_only",
            format!(
                "the baseline's header {baseline} codes_only and this round's {current}: a comparison's cards \
                 carry labels in both rounds' results or in neither"
            ),
        ));
    }
    let start = futures::stream::iter([Ok(RoundItem::Header(current_header))]);
    let side = Side { inbound: &mut inbound, next_header: &mut next_header, ended: false };
    let options = FoldOptions { correspondence: None, side: Some("current"), unique_municipalities };
    let (current, current_reserved) = fold_side(start.chain(side), limits, catalogues, budget, options).await?;
    if next_header.is_some() {
        return Err(invalid("header", "a comparison has two rounds; a third header arrived"));
    }

    let mut matching = budget.reservation();
    matching
        .try_resize(compare::footprint(baseline.scored, current.scored) + SUMMARY_ROOM)
        .map_err(|e| RoundError::OutOfMemory(e.to_string()))?;
    let comparison = Comparison::new(baseline, current, match_by, correspondence.lines())?;
    Ok((comparison, [baseline_reserved, current_reserved, matching]))
}

/// Comparison cards, then the summary, built one at a time as the client reads.
pub struct CompareOutput {
    comparison: Comparison,
    cursor: PairCursor,
    summary_sent: bool,
}

impl CompareOutput {
    pub fn new(comparison: Comparison) -> Self {
        Self { comparison, cursor: PairCursor::default(), summary_sent: false }
    }
}

impl Iterator for CompareOutput {
    type Item = pb::CompareRoundsResponse;

    fn next(&mut self) -> Option<Self::Item> {
        if let Some(pairing) = self.comparison.next_pairing(&mut self.cursor) {
            let card = comparison_card(&self.comparison, &pairing);
            return Some(pb::CompareRoundsResponse { item: Some(pb::compare_rounds_response::Item::Card(card)) });
        }
        if self.summary_sent {
            return None;
        }
        self.summary_sent = true;
        let summary = comparison_summary(&self.comparison);
        Some(pb::CompareRoundsResponse { item: Some(pb::compare_rounds_response::Item::Summary(summary)) })
    }
}

fn change(indicator: String, shift: Shift) -> pb::IndicatorChange {
    pb::IndicatorChange { indicator, then: shift.then, now: shift.now, change: shift.change() }
}

fn ssb_changes(then: Option<&Card<'_>>, now: Option<&Card<'_>>) -> Vec<pb::IndicatorChange> {
    let results = |c: Option<&Card<'_>>| c.and_then(|c| c.results);
    let (then, now) = (results(then), results(now));
    if then.is_none() && now.is_none() {
        return Vec::new();
    }
    let simple = Count::ALL.iter().map(|&count| {
        let score = |r: Option<indikator_core::scoring::ssb2018::Results>| {
            r.and_then(|r| r.simple(count)).map(|s| f64::from(s.score))
        };
        change(format!("{}/{}", m::ID, count.indicator().id), Shift::new(score(then), score(now)))
    });
    let composites = COMPOSITES.iter().enumerate().map(|(k, composite)| {
        let grade =
            |r: Option<indikator_core::scoring::ssb2018::Results>| r.and_then(|r| r.composites()[k]).map(f64::from);
        change(format!("{}/{}", m::ID, composite.id), Shift::new(grade(then), grade(now)))
    });
    simple.chain(composites).collect()
}

fn ks_changes(report: &RoundReport, then: Option<&Card<'_>>, now: Option<&Card<'_>>) -> Vec<pb::IndicatorChange> {
    let (then, now) = (then.and_then(|c| c.ks_2018.as_deref()), now.and_then(|c| c.ks_2018.as_deref()));
    if then.is_none() && now.is_none() {
        return Vec::new();
    }
    let mean = |a: Option<&[indikator_core::round::AreaCard]>, i: usize| a.and_then(|a| a[i].score.mean);
    ks_area_changes(report, |i| Shift::new(mean(then, i), mean(now, i)))
}

/// A change for each `ks-2018` area of the catalogue, `shift(area index)`.
fn ks_area_changes(report: &RoundReport, shift: impl Fn(usize) -> Shift) -> Vec<pb::IndicatorChange> {
    let areas = report.catalogues.ks_2018.areas.iter().enumerate();
    areas.map(|(i, area)| change(format!("{}/{}", indikator_core::catalogue::KS_2018, area.id), shift(i))).collect()
}

fn service_changes(report: &RoundReport, then: Option<&Card<'_>>, now: Option<&Card<'_>>) -> Vec<pb::IndicatorChange> {
    let then = then.and_then(|c| c.riksrevisjonen_2015.as_deref());
    let now = now.and_then(|c| c.riksrevisjonen_2015.as_deref());
    if then.is_none() && now.is_none() {
        return Vec::new();
    }
    let level = |l: Option<&[Option<u8>]>, i: usize| l.and_then(|l| l[i]).map(f64::from);
    report
        .catalogues
        .riksrevisjonen_2015
        .services
        .iter()
        .enumerate()
        .map(|(i, service)| {
            change(
                format!("{}/{}", indikator_core::catalogue::RIKSREVISJONEN_2015, service.id),
                Shift::new(level(then, i), level(now, i)),
            )
        })
        .collect()
}

fn comparison_card(c: &Comparison, p: &Pairing<'_>) -> pb::ComparisonCard {
    let presence = match p.presence {
        Presence::Both => pb::Presence::Both,
        Presence::Entered => pb::Presence::Entered,
        Presence::Left => pb::Presence::Left,
    };
    let (then, now) = (p.baseline.as_ref(), p.current.as_ref());
    pb::ComparisonCard {
        presence: presence as i32,
        baseline_record_id: then.map(|c| c.record_id.to_owned()).unwrap_or_default(),
        current_record_id: now.map(|c| c.record_id.to_owned()).unwrap_or_default(),
        baseline: then.map(|card| card_results(&c.baseline, card)),
        current: now.map(|card| card_results(&c.current, card)),
        ssb_2018: ssb_changes(then, now),
        ks_2018: ks_changes(&c.current, then, now),
        riksrevisjonen_2015: service_changes(&c.current, then, now),
        predecessors: p.predecessors,
    }
}

fn side(report: &RoundReport) -> pb::RoundSide {
    pb::RoundSide {
        round_id: report.config.round_id.clone(),
        survey_year: u32::from(report.config.survey_year),
        received: report.received,
        scored: report.scored,
        rejected: report.rejections.len() as u64,
        calibration: Some(calibration_report(&report.calibration)),
        min_coverage: report.min_coverage,
    }
}

fn match_by_enum(by: MatchBy) -> pb::MatchBy {
    match by {
        MatchBy::OrganisationNumber => pb::MatchBy::OrganisationNumber,
        MatchBy::MunicipalityNumber => pb::MatchBy::MunicipalityNumber,
    }
}

/// The comparison summary: both rounds, then every group's comparison.
pub fn comparison_summary(c: &Comparison) -> pb::ComparisonSummary {
    pb::ComparisonSummary {
        baseline: Some(side(&c.baseline)),
        current: Some(side(&c.current)),
        match_by: match_by_enum(c.match_by) as i32,
        correspondence_lines: c.correspondence_lines as u64,
        groups: c.groups().into_iter().map(|(key, t)| group_comparison(c, key, &t)).collect(),
        item_layout: round_report::item_layout(&c.current.items),
    }
}

fn percent(part: u64, whole: u64) -> Option<f64> {
    (whole > 0).then(|| 100.0 * share(part, whole))
}

fn transition_table(indicator: String, cells: &[[u64; 5]; 5]) -> pb::TransitionTable {
    let (n, rose, stayed, fell) = movement(cells);
    pb::TransitionTable {
        indicator,
        cells: cells.iter().flatten().copied().collect(),
        n,
        rose,
        stayed,
        fell,
        share_rose: share(rose, n),
        share_stayed: share(stayed, n),
        share_fell: share(fell, n),
    }
}

fn item_shifts(c: &Comparison, then: Option<&GroupTables>, now: Option<&GroupTables>) -> Vec<pb::ItemShift> {
    let layout = &c.current.items;
    let item = |g: Option<&GroupTables>, i: usize| {
        g.filter(|g| g.items.bases.len() > i).map(|g| g.items.item(layout, i)).map(|(n, a)| (n, a.to_vec()))
    };
    (0..layout.items.len())
        .filter_map(|i| {
            let (then, now) = (item(then, i), item(now, i));
            let base = |x: &Option<(u64, Vec<u64>)>| x.as_ref().map_or(0, |(n, _)| *n);
            let (base_then, base_now) = (base(&then), base(&now));
            if base_then == 0 && base_now == 0 {
                return None;
            }
            let answers = layout.items[i].answers.len();
            let shares = |x: &Option<(u64, Vec<u64>)>| -> Vec<f64> {
                (0..answers).map(|a| x.as_ref().and_then(|(n, v)| percent(v[a], *n)).unwrap_or(0.0)).collect()
            };
            let (share_then, share_now) = (shares(&then), shares(&now));
            let change_points = if base_then > 0 && base_now > 0 {
                share_then.iter().zip(&share_now).map(|(t, n)| n - t).collect()
            } else {
                Vec::new()
            };
            Some(pb::ItemShift { item: i as u32, base_then, base_now, share_then, share_now, change_points })
        })
        .collect()
}

fn group_comparison(c: &Comparison, key: GroupKey, t: &GroupTransitions) -> pb::GroupComparison {
    let (dimension, key_name, label) = group_label(key);
    let (then, now) = (c.baseline.tables.get(key), c.current.tables.get(key));
    let scores = Count::ALL
        .iter()
        .map(|&count| {
            let (n_then, share_then, mean_then) = score_distribution(then, count);
            let (n_now, share_now, mean_now) = score_distribution(now, count);
            let change_points = if n_then > 0 && n_now > 0 {
                share_then.iter().zip(&share_now).map(|(t, n)| n - t).collect()
            } else {
                Vec::new()
            };
            let indicator = format!("{}/{}", m::ID, count.indicator().id);
            pb::ScoreShift {
                indicator: indicator.clone(),
                n_then,
                n_now,
                share_then: share_then.to_vec(),
                share_now: share_now.to_vec(),
                change_points,
                mean_score: Some(change(indicator, Shift::new(mean_then, mean_now))),
            }
        })
        .collect();
    let ks_mean = |g: Option<&GroupTables>, area: usize| {
        g.and_then(|g| g.ks.get(area)).and_then(|&(sum, n)| (n > 0).then(|| sum / n as f64))
    };
    let ks_2018 = if then.is_some_and(|g| !g.ks.is_empty()) || now.is_some_and(|g| !g.ks.is_empty()) {
        ks_area_changes(&c.current, |i| Shift::new(ks_mean(then, i), ks_mean(now, i)))
    } else {
        Vec::new()
    };
    fn services(g: Option<&GroupTables>) -> Option<&ServiceTables> {
        g.map(|g| &g.services).filter(|s| s.municipalities > 0)
    }
    let riksrevisjonen_2015 = (services(then).is_some() || services(now).is_some()).then(|| {
        let (s_then, s_now) = (services(then), services(now));
        let pairs = |s: Option<&ServiceTables>| s.and_then(|s| percent(s.pairs_at_least_1, s.pairs));
        let none = |s: Option<&ServiceTables>| s.map(|s| s.with_none as f64);
        let share_none = |s: Option<&ServiceTables>| s.and_then(|s| percent(s.with_none, s.municipalities));
        let id = indikator_core::catalogue::RIKSREVISJONEN_2015;
        pb::ServiceCoverageShift {
            municipalities_then: s_then.map_or(0, |s| s.municipalities),
            municipalities_now: s_now.map_or(0, |s| s.municipalities),
            share_pairs_at_least_1: Some(change(
                format!("{id}/share_pairs_at_least_1"),
                Shift::new(pairs(s_then), pairs(s_now)),
            )),
            with_none: Some(change(format!("{id}/with_none"), Shift::new(none(s_then), none(s_now)))),
            share_with_none: Some(change(
                format!("{id}/share_with_none"),
                Shift::new(share_none(s_then), share_none(s_now)),
            )),
        }
    });
    pb::GroupComparison {
        dimension: dimension as i32,
        key: key_name,
        label,
        matched: t.matched,
        entered: t.entered,
        left: t.left,
        transitions: COMPOSITES
            .iter()
            .zip(&t.transitions)
            .map(|(composite, cells)| transition_table(format!("{}/{}", m::ID, composite.id), cells))
            .collect(),
        scores,
        items: item_shifts(c, then, now),
        ks_2018,
        riksrevisjonen_2015,
    }
}
