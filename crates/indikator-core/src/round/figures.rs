//! Published figures beside a round's own (docs/method.md §6): each figure of
//! [`PUBLISHED_FIGURES`] whose base the round has, computed over the round's
//! municipalities (or every respondent, where the publication counts every kind).

use crate::catalogue::Catalogues;
use crate::domain::{RespondentKind, SizeClass};
use crate::methodology::figures::{BySize, Measure, Over, PUBLISHED_FIGURES, PublishedFigure};
use crate::scoring::ssb2018::{Count, RecruitmentStatus};

use super::items::Layout;
use super::tables::{GroupKey, GroupTables, RoundTables, share};

/// One published figure and the round's value beside it.
#[derive(Debug, Clone, PartialEq)]
pub struct FigureCheck {
    pub figure: &'static PublishedFigure,
    /// A share, a mean, a median or a count, as the figure is.
    pub value: f64,
    pub count: u64,
    pub base: u64,
    pub agrees: bool,
}

impl FigureCheck {
    /// Whether the figure is one no consistent round can agree with (and this one does not).
    pub fn impossible(&self) -> bool {
        !self.agrees && self.figure.impossible.is_some()
    }
}

/// The figures whose base the round has (a non-empty one), in the publications' order.
pub fn checks(tables: &RoundTables, layout: &Layout, catalogues: &Catalogues) -> Vec<FigureCheck> {
    PUBLISHED_FIGURES
        .iter()
        .filter_map(|figure| {
            let group = tables.get(group_of(figure.over))?;
            let (count, base, value) = measure(figure.measure, group, layout, catalogues)?;
            if base == 0 {
                return None;
            }
            let value = match value {
                Some(value) => value,
                None if figure.comparison.is_count() => count as f64,
                None => share(count, base),
            };
            let agrees = figure.comparison.agrees(figure.value, value, base);
            Some(FigureCheck { figure, value, count, base, agrees })
        })
        .collect()
}

/// The group a figure's population is in a round's tables.
pub fn group_of(over: Over) -> GroupKey {
    match over {
        Over::Municipalities => GroupKey::Kind(RespondentKind::Municipality),
        Over::Everyone => GroupKey::Overall,
    }
}

/// (count, base) of a share by size class, over `classes`.
fn by_size(g: &GroupTables, what: BySize, classes: &[SizeClass]) -> (u64, u64) {
    let (mut count, mut base) = (0, 0);
    for &class in classes {
        let row = &g.by_size[class as usize];
        let (n, yes) = match what {
            BySize::HasProjects => row.projects,
            BySize::UsesCloud => row.cloud,
            BySize::TriedToRecruit => row.tried,
            BySize::RecruitmentDifficulties => row.difficulties,
        };
        count += yes;
        base += n;
    }
    (count, base)
}

/// An item's position in the layout.
fn item_index(layout: &Layout, methodology: &str, item: &str) -> Option<usize> {
    layout.items.iter().position(|s| s.methodology == methodology && s.item == item)
}

/// (count of `answers`, base) of one item.
fn item_count(g: &GroupTables, layout: &Layout, i: usize, answers: &[&str]) -> (u64, u64) {
    let (n, counts) = g.items.item(layout, i);
    let spec = &layout.items[i];
    let count = spec.answers.iter().zip(counts).filter(|(a, _)| answers.contains(&a.as_str())).map(|(_, c)| c).sum();
    (count, n)
}

/// (count, base, the value where it is not `count / base` or the count).
fn measure(m: Measure, g: &GroupTables, layout: &Layout, catalogues: &Catalogues) -> Option<(u64, u64, Option<f64>)> {
    let services = &g.services;
    Some(match m {
        Measure::Item { methodology, item, answers } => {
            let (count, n) = item_count(g, layout, item_index(layout, methodology, item)?, answers);
            (count, n, None)
        }
        Measure::ItemsSum { methodology, items, answers } | Measure::ItemsMean { methodology, items, answers } => {
            let (mut count, mut base, mut shares) = (0, 0, 0.0);
            for item in items {
                let (c, n) = item_count(g, layout, item_index(layout, methodology, item)?, answers);
                count += c;
                base += n;
                shares += share(c, n);
            }
            let mean = matches!(m, Measure::ItemsMean { .. });
            (count, base, Some(if mean { shares / items.len() as f64 } else { shares }))
        }
        Measure::Rank { methodology, item, answers, least } => {
            let i = item_index(layout, methodology, item)?;
            let (count, n) = item_count(g, layout, i, answers);
            let mine = share(count, n);
            let list = &layout.items[i].list;
            let beaten = (0..layout.items.len())
                .filter(|&j| j != i && layout.items[j].methodology == methodology && layout.items[j].list == *list)
                .map(|j| {
                    let (c, n) = item_count(g, layout, j, answers);
                    share(c, n)
                })
                .filter(|&other| if least { other < mine } else { other > mine })
                .count();
            (count, n, Some(1.0 + beaten as f64))
        }
        Measure::LargeHindranceInternalLessExternal => {
            let large = g.hindrance_by_sourcing[2];
            let of = |group: usize| g.hindrance_by_sourcing.iter().map(|row| row[group]).sum::<u64>();
            let (internal, external) = (share(large[0], of(0)), share(large[1], of(1)));
            (large[0], of(0), Some(internal - external))
        }
        Measure::BySize(what, classes) => {
            let (count, base) = by_size(g, what, classes);
            (count, base, None)
        }
        Measure::MiddleAbove(what, middle) => {
            let first = SizeClass::ALL.iter().position(|c| middle.contains(c))?;
            let last = SizeClass::ALL.iter().rposition(|c| middle.contains(c))?;
            let (count, base) = by_size(g, what, middle);
            let of = |classes: &[SizeClass]| {
                let (c, n) = by_size(g, what, classes);
                share(c, n)
            };
            let others = of(&SizeClass::ALL[..first]).max(of(&SizeClass::ALL[last + 1..]));
            (count, base, Some(share(count, base) - others))
        }
        Measure::NotTriedAmongLargeHindrance => {
            let row = g.hindrance_by_recruitment[2];
            (row[RecruitmentStatus::NotTried as usize], row.iter().sum(), None)
        }
        Measure::ProjectsWithoutStrategy => {
            let row = g.strategy_by_projects[0];
            (row[3..].iter().sum(), row.iter().sum(), None)
        }
        Measure::Grades(composite, grades) => {
            let row = g.per_grade.get(composite)?;
            (grades.iter().filter_map(|&k| row.get(k)).sum(), row.iter().sum(), None)
        }
        Measure::Score(count, score) => {
            let row = g.per_score.get(count)?;
            (*row.get(score)?, row.iter().sum(), None)
        }
        Measure::Histogram { count, from, to, base_from } => {
            let row = g.per_count.get(count)?;
            let sum = |from: usize, to: usize| row.iter().take(to + 1).skip(from).sum::<u64>();
            (sum(from, to), sum(base_from, row.len()), None)
        }
        Measure::Median(count) => {
            let count = Count::ALL.get(count).copied()?;
            (0, g.median_base(count), Some(g.median(count)?))
        }
        Measure::Highest(count) => {
            let row = g.per_count.get(count)?;
            let highest = row.iter().rposition(|&k| k > 0).unwrap_or(0);
            (row[highest], row.iter().sum(), Some(highest as f64))
        }
        Measure::PairsAtLeast1 => (services.pairs_at_least_1, services.pairs, None),
        Measure::Municipalities => (services.municipalities, services.municipalities, None),
        Measure::WithNone => (services.with_none, services.municipalities, None),
        Measure::WithNoneUnder5000 => (services.with_none_under_5000, services.municipalities_under_5000, None),
        Measure::WithLevel2 => (services.with_level_2, services.municipalities, None),
        Measure::WithLevel3 => (services.with_level_3, services.municipalities, None),
        Measure::AreaMean(area) => {
            let i = catalogues.ks_2018.area_index(area)?;
            let n = g.ks.get(i).map_or(0, |&(_, n)| n);
            (n, n, Some(g.ks_mean(i)))
        }
        Measure::KsSomePart => (g.items.blocks[1][1], g.items.blocks[1][0], None),
        Measure::KsAllParts => (g.items.blocks[1][2], g.items.blocks[1][0], None),
        Measure::KsPart(areas) => {
            let first = layout.parts.iter().position(|p| p.methodology == crate::catalogue::KS_2018)?;
            let mut most = 0;
            for area in areas {
                most = most.max(g.items.parts[first + catalogues.ks_2018.area_index(area)?]);
            }
            (most, g.items.blocks[1][0], None)
        }
    })
}
