//! `ssb-2018` scoring (docs/method.md §1): answers → measures → scores and grades.

use crate::methodology::ssb2018::{
    self as m, Hindrance, INTERNAL_SOURCING_MIN_SCORE, SERVICE_MODE_IS_COMPLEX, SERVICE_POINTS_COMPLEX,
    SERVICE_POINTS_SIMPLE,
};

use crate::methodology::bands::Calibration;

/// Validated answers. Each `None` is an absent block (unscored, never zero).
/// Item answers are indices into the methodology's lists and scales.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Answers {
    pub strategy: Option<Portfolio>,
    pub projects: Option<Portfolio>,
    /// Sourcing answer (index into [`m::SOURCING`]) per ICT function.
    pub sourcing: Option<[Option<u8>; 12]>,
    pub recruitment: Option<Recruitment>,
    /// Index into [`m::HINDRANCE`].
    pub hindrance: Option<u8>,
    pub cloud: Option<Portfolio>,
    /// Answer (index into [`m::PROCUREMENT_ANSWERS`]) per procurement activity.
    pub procurement: Option<[Option<u8>; 8]>,
    /// Extent (index into [`m::SERVICE_EXTENTS`]) per service mode.
    pub service_offer: Option<[Option<u8>; 4]>,
}

/// A yes/no question with a list of areas (strategy, projects, cloud).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Portfolio {
    /// "Has a strategy" / "has projects" / "uses cloud".
    pub exists: bool,
    /// Bit `i` set = area `i` ticked. Validation guarantees no area without `exists`.
    pub areas: u16,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Recruitment {
    pub tried: bool,
    /// Any difficulty met (only possible when `tried`).
    pub difficulties: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum RecruitmentStatus {
    NotTried,
    RecruitedWithoutProblems,
    Struggled,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum SourcingGroup {
    Internal,
    External,
}

/// The six count indicators, in [`m::COUNT_INDICATORS`] order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Count {
    Strategy = 0,
    Projects = 1,
    InternalCapacity = 2,
    Cloud = 3,
    Procurement = 4,
    ServiceOffer = 5,
}

impl Count {
    pub const ALL: [Count; 6] = [
        Count::Strategy,
        Count::Projects,
        Count::InternalCapacity,
        Count::Cloud,
        Count::Procurement,
        Count::ServiceOffer,
    ];

    pub fn indicator(self) -> &'static m::CountIndicator {
        m::COUNT_INDICATORS[self as usize]
    }
}

/// Flags: noteworthy answers that do not stop scoring.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Flags(u8);

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Flag {
    StrategyWithoutAreas = 0,
    ProjectsWithoutAreas = 1,
    CloudWithoutAreas = 2,
    ServiceModesUnknown = 3,
    /// A `sourcing` block with no function answered: unscored (docs/method.md §1.4).
    EmptySourcing = 4,
    /// A `procurement` block with no activity answered: unscored.
    EmptyProcurement = 5,
    /// A `service_offer` block with no mode answered: unscored.
    EmptyServiceOffer = 6,
}

impl Flags {
    fn set(&mut self, flag: Flag) {
        self.0 |= 1 << flag as u8;
    }

    pub fn contains(self, flag: Flag) -> bool {
        self.0 & (1 << flag as u8) != 0
    }

    pub fn iter(self) -> impl Iterator<Item = Flag> {
        [
            Flag::StrategyWithoutAreas,
            Flag::ProjectsWithoutAreas,
            Flag::CloudWithoutAreas,
            Flag::ServiceModesUnknown,
            Flag::EmptySourcing,
            Flag::EmptyProcurement,
            Flag::EmptyServiceOffer,
        ]
        .into_iter()
        .filter(move |&f| self.contains(f))
    }
}

/// What scoring needs from the answers, independent of calibration: 16 bytes
/// of counts and categories (see the size test). Round aggregation keeps this,
/// not the answers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Measures {
    /// Count per [`Count`]; `None` = block absent.
    pub counts: [Option<u8>; 6],
    pub recruitment: Option<RecruitmentStatus>,
    pub hindrance: Option<Hindrance>,
    /// Service modes answered «Vet ikke» / «Ikke relevant».
    pub service_modes_unknown: u8,
    pub flags: Flags,
}

impl Measures {
    /// The count of `count` when the respondent is in the base its median is
    /// reported over (docs/method.md §1.5): strategy among those with a strategy,
    /// projects among those with projects, cloud among those using cloud (so a
    /// 0 counts only when flagged as answered "yes" with no area); internal
    /// capacity, procurement and service offer over everyone scored.
    pub fn in_median_base(&self, count: Count) -> Option<u8> {
        let n = self.counts[count as usize]?;
        let zero_in_base = match count {
            Count::Strategy => self.flags.contains(Flag::StrategyWithoutAreas),
            Count::Projects => self.flags.contains(Flag::ProjectsWithoutAreas),
            Count::Cloud => self.flags.contains(Flag::CloudWithoutAreas),
            Count::InternalCapacity | Count::Procurement | Count::ServiceOffer => true,
        };
        (n > 0 || zero_in_base).then_some(n)
    }
}

/// One calibration per count indicator, in [`Count`] order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Calibrations(pub [Calibration; 6]);

impl Calibrations {
    /// The published 2018 bands.
    pub fn published() -> Self {
        Self(m::COUNT_INDICATORS.map(|i| i.published))
    }

    pub fn get(&self, count: Count) -> Calibration {
        self.0[count as usize]
    }
}

impl Default for Calibrations {
    fn default() -> Self {
        Self::published()
    }
}

/// A simple score with its count.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Simple {
    pub score: u8,
    pub count: u8,
}

/// Every `ssb-2018` indicator of one respondent; `None` = unscored.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Results {
    /// Per [`Count`].
    pub simple: [Option<Simple>; 6],
    pub digital_priority: Option<u8>,
    pub digital_use: Option<u8>,
    pub digital_activity: Option<u8>,
    pub recruitment: Option<RecruitmentStatus>,
    pub hindrance: Option<Hindrance>,
    pub sourcing_group: Option<SourcingGroup>,
    pub service_modes_unknown: u8,
    pub flags: Flags,
    /// Which composite grades one count more or fewer would change
    /// (docs/method.md §7, grade robustness).
    pub robustness: Robustness,
}

/// The three composites, in the order results and tables list them.
pub const COMPOSITES: [&m::Composite; 3] = [&m::DIGITAL_PRIORITY, &m::DIGITAL_USE, &m::DIGITAL_ACTIVITY];

/// Grade robustness (docs/method.md §7): per composite (priority, use,
/// activity), the count indicators that, moved one count across their nearest
/// cut, would change the grade. A grade is fragile when any would.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Robustness {
    /// Per composite: bit `c` set = one count more on [`Count`] `c` changes the grade.
    up: [u8; 3],
    /// Per composite: bit `c` set = one count fewer on [`Count`] `c` changes the grade.
    down: [u8; 3],
}

impl Robustness {
    /// Whether composite `composite` (index into [`COMPOSITES`]) is fragile.
    pub fn is_fragile(&self, composite: usize) -> bool {
        self.up[composite] | self.down[composite] != 0
    }

    /// The moves that change composite `composite`: (indicator, +1 or −1), in
    /// [`Count`] order, the increase first.
    pub fn moves(&self, composite: usize) -> impl Iterator<Item = (Count, i8)> + '_ {
        Count::ALL.into_iter().flat_map(move |count| {
            let bit = 1 << count as u8;
            let up = (self.up[composite] & bit != 0).then_some((count, 1));
            let down = (self.down[composite] & bit != 0).then_some((count, -1));
            up.into_iter().chain(down)
        })
    }
}

/// The composite grades (priority, use, activity) of a set of simple scores.
fn composites(score: [Option<u8>; 6]) -> [Option<u8>; 3] {
    let both = |a: Option<u8>, b: Option<u8>| a.zip(b);
    let s = |count: Count| score[count as usize];
    let priority = both(s(Count::Strategy), s(Count::Projects)).map(|(s, p)| m::DIGITAL_PRIORITY.table.grade(s, p));
    let digital_use = both(s(Count::Cloud), s(Count::Procurement)).map(|(c, d)| m::DIGITAL_USE.table.grade(c, d));
    let activity = both(digital_use, s(Count::ServiceOffer)).map(|(u, o)| m::DIGITAL_ACTIVITY.table.grade(u, o));
    [priority, digital_use, activity]
}

/// Grade robustness of `simple` under `calibrations`: every count moved one
/// up and one down (within 0..=max), regraded through the composite tables.
fn robustness(simple: &[Option<Simple>; 6], calibrations: &Calibrations) -> Robustness {
    let scores = simple.map(|s| s.map(|s| s.score));
    let grades = composites(scores);
    let mut r = Robustness::default();
    for count in Count::ALL {
        let Some(Simple { score, count: n }) = simple[count as usize] else { continue };
        let max = count.indicator().max_count;
        for (step, moved) in [(1i8, u32::from(n) + 1), (-1, u32::from(n).wrapping_sub(1))] {
            if moved > max {
                continue;
            }
            let moved_score = calibrations.get(count).score(moved);
            if moved_score == score {
                continue;
            }
            let mut changed = scores;
            changed[count as usize] = Some(moved_score);
            for (k, grade) in composites(changed).into_iter().enumerate() {
                if grade != grades[k] {
                    let masks = if step > 0 { &mut r.up } else { &mut r.down };
                    masks[k] |= 1 << count as u8;
                }
            }
        }
    }
    r
}

impl Results {
    /// The composite grades, in [`COMPOSITES`] order.
    pub fn composites(&self) -> [Option<u8>; 3] {
        [self.digital_priority, self.digital_use, self.digital_activity]
    }

    pub fn simple(&self, count: Count) -> Option<Simple> {
        self.simple[count as usize]
    }

    /// Sourcing group × recruitment status, when both are known.
    pub fn competence_profile(&self) -> Option<(SourcingGroup, RecruitmentStatus)> {
        Some((self.sourcing_group?, self.recruitment?))
    }
}

/// Reduces answers to counts and categories (calibration-free).
pub fn measure(answers: &Answers) -> Measures {
    let mut flags = Flags::default();
    let mut portfolio = |p: Option<Portfolio>, flag: Flag| {
        p.map(|p| {
            if p.exists && p.areas == 0 {
                flags.set(flag);
            }
            p.areas.count_ones() as u8
        })
    };
    let strategy = portfolio(answers.strategy, Flag::StrategyWithoutAreas);
    let projects = portfolio(answers.projects, Flag::ProjectsWithoutAreas);
    let cloud = portfolio(answers.cloud, Flag::CloudWithoutAreas);

    // A keyed block that is present but holds no answer is unscored and flagged
    // (docs/method.md §1.4), never a count of 0.
    fn answered<const N: usize>(
        block: Option<[Option<u8>; N]>,
        flag: Flag,
        flags: &mut Flags,
    ) -> Option<[Option<u8>; N]> {
        match block {
            Some(answers) if answers.iter().all(Option::is_none) => {
                flags.set(flag);
                None
            }
            other => other,
        }
    }
    let sourcing = answered(answers.sourcing, Flag::EmptySourcing, &mut flags);
    let procurement = answered(answers.procurement, Flag::EmptyProcurement, &mut flags);
    let service_offer = answered(answers.service_offer, Flag::EmptyServiceOffer, &mut flags);

    let internal = sourcing.map(|functions| {
        functions.iter().flatten().filter(|&&answer| m::SOURCING[usize::from(answer)].1).count() as u8
    });
    let procurement = procurement.map(|activities| {
        activities.iter().flatten().filter(|&&answer| m::PROCUREMENT_ANSWERS[usize::from(answer)].1).count() as u8
    });

    let mut service_modes_unknown = 0;
    let service_points = service_offer.map(|modes| {
        let mut points = 0;
        for (mode, extent) in modes.iter().enumerate() {
            let Some(extent) = extent else { continue };
            match m::SERVICE_EXTENTS[usize::from(*extent)].1 {
                Some(tier) => {
                    let table =
                        if SERVICE_MODE_IS_COMPLEX[mode] { SERVICE_POINTS_COMPLEX } else { SERVICE_POINTS_SIMPLE };
                    points += table[tier];
                }
                None => service_modes_unknown += 1,
            }
        }
        points as u8
    });
    if service_modes_unknown > 0 {
        flags.set(Flag::ServiceModesUnknown);
    }

    Measures {
        counts: [strategy, projects, internal, cloud, procurement, service_points],
        recruitment: answers.recruitment.map(|r| match (r.tried, r.difficulties) {
            (false, _) => RecruitmentStatus::NotTried,
            (true, false) => RecruitmentStatus::RecruitedWithoutProblems,
            (true, true) => RecruitmentStatus::Struggled,
        }),
        hindrance: answers.hindrance.map(|degree| m::HINDRANCE[usize::from(degree)].1),
        service_modes_unknown,
        flags,
    }
}

/// Scores and grades measures under a calibration.
pub fn grade(measures: &Measures, calibrations: &Calibrations) -> Results {
    let simple = Count::ALL.map(|count| {
        measures.counts[count as usize].map(|n| Simple { score: calibrations.get(count).score(u32::from(n)), count: n })
    });
    let score = |count: Count| simple[count as usize].map(|s| s.score);
    let [digital_priority, digital_use, digital_activity] = composites(simple.map(|s| s.map(|s| s.score)));
    let sourcing_group = score(Count::InternalCapacity)
        .map(|s| if s >= INTERNAL_SOURCING_MIN_SCORE { SourcingGroup::Internal } else { SourcingGroup::External });

    Results {
        simple,
        digital_priority,
        digital_use,
        digital_activity,
        recruitment: measures.recruitment,
        hindrance: measures.hindrance,
        sourcing_group,
        service_modes_unknown: measures.service_modes_unknown,
        flags: measures.flags,
        robustness: robustness(&simple, calibrations),
    }
}

/// Scores answers under the given calibration.
pub fn score(answers: &Answers, calibrations: &Calibrations) -> Results {
    grade(&measure(answers), calibrations)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn areas(n: u32) -> u16 {
        ((1u32 << n) - 1) as u16
    }

    /// Index of a scale option by key, so tests read as answers.
    fn extent(key: &str) -> Option<u8> {
        Some(m::SERVICE_EXTENTS.iter().position(|(i, _)| i.key == key).unwrap() as u8)
    }

    #[test]
    fn measures_stay_sixteen_bytes() {
        assert!(std::mem::size_of::<Measures>() <= 16, "{}", std::mem::size_of::<Measures>());
    }

    #[test]
    fn service_offer_points_follow_the_table_for_every_mode_and_extent() {
        // (extent, points simple, points complex) — docs/method.md §1.3.
        let table = [
            ("none", 0, 0),
            ("some", 1, 2),
            ("about_half", 3, 4),
            ("most", 3, 4),
            ("all", 3, 4),
            ("dont_know", 0, 0),
            ("not_relevant", 0, 0),
        ];
        for (key, simple, complex) in table {
            for mode in 0..4 {
                let mut modes = [None; 4];
                modes[mode] = extent(key);
                let measures = measure(&Answers { service_offer: Some(modes), ..Answers::default() });
                let expected = if SERVICE_MODE_IS_COMPLEX[mode] { complex } else { simple };
                assert_eq!(measures.counts[Count::ServiceOffer as usize], Some(expected), "{key} mode {mode}");
                let unknown = u8::from(matches!(key, "dont_know" | "not_relevant"));
                assert_eq!(measures.service_modes_unknown, unknown);
                assert_eq!(measures.flags.contains(Flag::ServiceModesUnknown), unknown == 1);
            }
        }
    }

    #[test]
    fn service_offer_points_sum_to_fourteen_at_most() {
        let all = measure(&Answers { service_offer: Some([extent("all"); 4]), ..Answers::default() });
        assert_eq!(all.counts[Count::ServiceOffer as usize], Some(14));
        let r = grade(&all, &Calibrations::published());
        assert_eq!(r.simple(Count::ServiceOffer), Some(Simple { score: 4, count: 14 }));
    }

    #[test]
    fn hindrance_answers_group_into_low_neither_high_unknown() {
        let expected =
            [Hindrance::Low, Hindrance::Low, Hindrance::Neither, Hindrance::High, Hindrance::High, Hindrance::Unknown];
        for (degree, group) in expected.into_iter().enumerate() {
            let r = score(&Answers { hindrance: Some(degree as u8), ..Answers::default() }, &Calibrations::published());
            assert_eq!(r.hindrance, Some(group), "degree {degree}");
        }
    }

    #[test]
    fn recruitment_status_follows_tried_and_difficulties() {
        let cases = [
            (false, false, RecruitmentStatus::NotTried),
            (true, false, RecruitmentStatus::RecruitedWithoutProblems),
            (true, true, RecruitmentStatus::Struggled),
        ];
        for (tried, difficulties, status) in cases {
            let a = Answers { recruitment: Some(Recruitment { tried, difficulties }), ..Answers::default() };
            assert_eq!(measure(&a).recruitment, Some(status));
        }
    }

    #[test]
    fn only_internal_answers_count_towards_internal_capacity() {
        // Indices into SOURCING: 0 exclusively internal, 1 mainly internal, 2.. not internal.
        let functions =
            [Some(0), Some(1), Some(2), Some(3), Some(4), Some(5), Some(6), Some(0), None, None, None, None];
        let r = score(&Answers { sourcing: Some(functions), ..Answers::default() }, &Calibrations::published());
        assert_eq!(r.simple(Count::InternalCapacity), Some(Simple { score: 1, count: 3 }));
        assert_eq!(r.sourcing_group, Some(SourcingGroup::External));
    }

    #[test]
    fn sourcing_group_is_internal_from_internal_capacity_score_three() {
        let eight = [Some(0); 8];
        let mut functions = [None; 12];
        functions[..8].copy_from_slice(&eight);
        let r = score(&Answers { sourcing: Some(functions), ..Answers::default() }, &Calibrations::published());
        assert_eq!(r.simple(Count::InternalCapacity).unwrap().score, 3);
        assert_eq!(r.sourcing_group, Some(SourcingGroup::Internal));
        functions[7] = Some(3);
        let r = score(&Answers { sourcing: Some(functions), ..Answers::default() }, &Calibrations::published());
        assert_eq!(r.sourcing_group, Some(SourcingGroup::External));
    }

    #[test]
    fn procurement_counts_yes_fully_and_yes_partly() {
        let activities = [Some(0), Some(1), Some(2), Some(3), Some(0), Some(1), None, None];
        let r = score(&Answers { procurement: Some(activities), ..Answers::default() }, &Calibrations::published());
        assert_eq!(r.simple(Count::Procurement), Some(Simple { score: 2, count: 4 }));
    }

    #[test]
    fn a_strategy_with_no_areas_scores_zero_and_is_flagged() {
        let a = Answers { strategy: Some(Portfolio { exists: true, areas: 0 }), ..Answers::default() };
        let r = score(&a, &Calibrations::published());
        assert_eq!(r.simple(Count::Strategy), Some(Simple { score: 0, count: 0 }));
        assert!(r.flags.contains(Flag::StrategyWithoutAreas));
        let none = Answers { strategy: Some(Portfolio { exists: false, areas: 0 }), ..Answers::default() };
        assert!(!score(&none, &Calibrations::published()).flags.contains(Flag::StrategyWithoutAreas));
    }

    #[test]
    fn a_present_but_empty_sourcing_procurement_or_service_offer_block_is_unscored_and_flagged() {
        let a = Answers {
            sourcing: Some([None; 12]),
            procurement: Some([None; 8]),
            service_offer: Some([None; 4]),
            cloud: Some(Portfolio { exists: true, areas: areas(12) }),
            ..Answers::default()
        };
        let r = score(&a, &Calibrations::published());
        for count in [Count::InternalCapacity, Count::Procurement, Count::ServiceOffer] {
            assert_eq!(r.simple(count), None, "{count:?}");
        }
        assert_eq!((r.sourcing_group, r.digital_use, r.digital_activity), (None, None, None));
        let flags: Vec<Flag> = r.flags.iter().collect();
        assert_eq!(flags, [Flag::EmptySourcing, Flag::EmptyProcurement, Flag::EmptyServiceOffer]);
        // One answer, even a «Nei», is an answer: it scores.
        let mut activities = [None; 8];
        activities[2] = Some(2);
        let r = score(&Answers { procurement: Some(activities), ..Answers::default() }, &Calibrations::published());
        assert_eq!(r.simple(Count::Procurement), Some(Simple { score: 0, count: 0 }));
        assert!(!r.flags.contains(Flag::EmptyProcurement));
    }

    #[test]
    fn the_median_base_takes_zeros_only_from_those_who_answered_yes_for_strategy_projects_and_cloud() {
        let no_strategy =
            measure(&Answers { strategy: Some(Portfolio { exists: false, areas: 0 }), ..Answers::default() });
        assert_eq!(no_strategy.in_median_base(Count::Strategy), None);
        let empty_strategy =
            measure(&Answers { strategy: Some(Portfolio { exists: true, areas: 0 }), ..Answers::default() });
        assert_eq!(empty_strategy.in_median_base(Count::Strategy), Some(0));
        let not_cloud = measure(&Answers { cloud: Some(Portfolio { exists: false, areas: 0 }), ..Answers::default() });
        assert_eq!(not_cloud.in_median_base(Count::Cloud), None);
        let all_no = measure(&Answers { procurement: Some([Some(2); 8]), ..Answers::default() });
        assert_eq!(all_no.in_median_base(Count::Procurement), Some(0), "procurement: over everyone scored");
        assert_eq!(all_no.in_median_base(Count::Strategy), None, "absent block");
    }

    #[test]
    fn absent_blocks_leave_their_indicators_unscored() {
        let r = score(&Answers::default(), &Calibrations::published());
        assert_eq!(r, Results::default());
        // Strategy alone: its score, but no composite.
        let a = Answers { strategy: Some(Portfolio { exists: true, areas: areas(13) }), ..Answers::default() };
        let r = score(&a, &Calibrations::published());
        assert_eq!(r.simple(Count::Strategy), Some(Simple { score: 4, count: 13 }));
        assert_eq!(r.digital_priority, None);
    }

    #[test]
    fn a_full_response_gets_every_indicator() {
        let a = Answers {
            strategy: Some(Portfolio { exists: true, areas: areas(9) }),
            projects: Some(Portfolio { exists: true, areas: areas(7) }),
            sourcing: Some([Some(0); 12]),
            recruitment: Some(Recruitment { tried: true, difficulties: true }),
            hindrance: Some(4),
            cloud: Some(Portfolio { exists: true, areas: areas(6) }),
            procurement: Some([Some(0); 8]),
            service_offer: Some([extent("some"), extent("none"), extent("dont_know"), extent("most")]),
        };
        let r = score(&a, &Calibrations::published());
        assert_eq!(r.simple(Count::Strategy), Some(Simple { score: 2, count: 9 }));
        assert_eq!(r.simple(Count::Projects), Some(Simple { score: 3, count: 7 }));
        assert_eq!(r.digital_priority, Some(3));
        assert_eq!(r.simple(Count::Cloud), Some(Simple { score: 2, count: 6 }));
        assert_eq!(r.simple(Count::Procurement), Some(Simple { score: 4, count: 8 }));
        assert_eq!(r.digital_use, Some(3));
        // 1 (some, simple) + 0 + 0 (don't know) + 4 (most, complex) = 5 points → 3.
        assert_eq!(r.simple(Count::ServiceOffer), Some(Simple { score: 3, count: 5 }));
        assert_eq!(r.digital_activity, Some(4));
        assert_eq!(r.competence_profile(), Some((SourcingGroup::Internal, RecruitmentStatus::Struggled)));
        assert_eq!(r.hindrance, Some(Hindrance::High));
        assert_eq!(r.service_modes_unknown, 1);
    }

    /// Measures with the given counts (others absent) graded under the published bands.
    fn graded(counts: &[(Count, u32)]) -> Results {
        let mut measures = Measures::default();
        for &(count, n) in counts {
            measures.counts[count as usize] = Some(n as u8);
        }
        grade(&measures, &Calibrations::published())
    }

    /// A count scoring `score` one count below its next cut (`up`) or at the
    /// bottom of its band (`!up`); `None` when no cut lies that way.
    fn beside_cut(count: Count, score: u8, up: bool) -> Option<u32> {
        let indicator = count.indicator();
        let band = indicator.published.bands(indicator.max_count)[usize::from(score)];
        match (up, score) {
            (true, 4) | (false, 0) => None,
            (true, _) => Some(band.max_count),
            (false, _) => Some(band.min_count),
        }
    }

    fn moved(r: &Results, composite: usize, count: Count, step: i8) -> bool {
        r.robustness.moves(composite).any(|m| m == (count, step))
    }

    /// docs/method.md §7: for every cell of the digital priority and digital use
    /// tables, a response one count below or above a cut on the row or the column
    /// indicator is flagged on that indicator exactly when the neighbouring cell's
    /// grade differs.
    #[test]
    fn fragile_exactly_where_the_neighbouring_cell_differs_in_the_simple_composites() {
        let tables = [
            (0, &m::DIGITAL_PRIORITY, Count::Strategy, Count::Projects),
            (1, &m::DIGITAL_USE, Count::Cloud, Count::Procurement),
        ];
        let mut checked = 0;
        for (k, composite, rows, columns) in tables {
            for (r, c, grade) in composite.table.cells() {
                for (axis, up) in [(rows, true), (rows, false), (columns, true), (columns, false)] {
                    let on_rows = axis == rows;
                    let (score, other, other_score) = if on_rows { (r, columns, c) } else { (c, rows, r) };
                    let Some(n) = beside_cut(axis, score, up) else { continue };
                    let m = beside_cut(other, other_score, false).unwrap_or(0);
                    let results = graded(&[(axis, n), (other, m)]);
                    assert_eq!(results.composites()[k], Some(grade));
                    let next = if up { score + 1 } else { score - 1 };
                    let neighbour =
                        if on_rows { composite.table.grade(next, c) } else { composite.table.grade(r, next) };
                    let step = if up { 1 } else { -1 };
                    assert_eq!(
                        moved(&results, k, axis, step),
                        neighbour != grade,
                        "{} cell ({r}, {c}), {axis:?} {step:+}",
                        composite.id
                    );
                    checked += 1;
                }
            }
        }
        // Each 5×5 table has 2 × 2 × 20 edges between neighbouring cells.
        assert_eq!(checked, 2 * 80);
    }

    /// The activity table's rows are the use grade: for every use cell and every
    /// service-offer score, moving cloud or procurement one count across a cut is
    /// flagged on the activity grade exactly when the activity cell it leads to
    /// differs; moving the service offer, exactly when the neighbouring column differs.
    #[test]
    fn fragile_exactly_where_the_neighbouring_cell_differs_in_digital_activity() {
        let (activity, digital_use) = (&m::DIGITAL_ACTIVITY.table, &m::DIGITAL_USE.table);
        let mut cells = std::collections::BTreeSet::new();
        for (c, d, u) in digital_use.cells() {
            for o in 0..5u8 {
                let grade = activity.grade(u, o);
                for (axis, up) in [
                    (Count::Cloud, true),
                    (Count::Cloud, false),
                    (Count::Procurement, true),
                    (Count::Procurement, false),
                    (Count::ServiceOffer, true),
                    (Count::ServiceOffer, false),
                ] {
                    let score = match axis {
                        Count::Cloud => c,
                        Count::Procurement => d,
                        _ => o,
                    };
                    let Some(n) = beside_cut(axis, score, up) else { continue };
                    let next = if up { score + 1 } else { score - 1 };
                    let at =
                        |count: Count, s: u8| if count == axis { n } else { beside_cut(count, s, false).unwrap_or(0) };
                    let results = graded(&[
                        (Count::Cloud, at(Count::Cloud, c)),
                        (Count::Procurement, at(Count::Procurement, d)),
                        (Count::ServiceOffer, at(Count::ServiceOffer, o)),
                    ]);
                    assert_eq!(results.digital_activity, Some(grade));
                    let neighbour = match axis {
                        Count::Cloud => activity.grade(digital_use.grade(next, d), o),
                        Count::Procurement => activity.grade(digital_use.grade(c, next), o),
                        _ => activity.grade(u, next),
                    };
                    let step = if up { 1 } else { -1 };
                    assert_eq!(
                        moved(&results, 2, axis, step),
                        neighbour != grade,
                        "use cell ({c}, {d}) = {u}, offer {o}, {axis:?} {step:+}"
                    );
                    cells.insert((u, o));
                }
            }
        }
        assert_eq!(cells.len(), 25, "every cell of the activity table is reached");
    }

    #[test]
    fn a_grade_deep_inside_its_bands_is_not_fragile() {
        // Strategy 11 (score 3, band 10–11) and projects 8 (score 3, band 7–8):
        // grade 4 (S ≥ 3 and P ≥ 3). Strategy 12 scores 4 and projects 9 scores 4,
        // both still grade 4; strategy 10 and projects 7 stay in their bands.
        let r = graded(&[(Count::Strategy, 11), (Count::Projects, 8)]);
        assert_eq!(r.digital_priority, Some(4));
        assert!(!r.robustness.is_fragile(0));
        // Strategy 10 is the bottom of band 3: one fewer (9) is score 2, grade 3.
        let r = graded(&[(Count::Strategy, 10), (Count::Projects, 8)]);
        assert!(r.robustness.is_fragile(0));
        assert_eq!(r.robustness.moves(0).collect::<Vec<_>>(), vec![(Count::Strategy, -1)]);
    }
}
