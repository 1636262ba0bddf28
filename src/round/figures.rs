//! Published figures beside a round's own (docs/method.md §6): each figure of
//! [`PUBLISHED_FIGURES`] whose base the round has, computed over the round's
//! municipalities (or every respondent, where the publication counts every kind).

use crate::catalogue::Catalogues;
use crate::domain::RespondentKind;
use crate::methodology::figures::{BySize, Comparison, Measure, Over, PUBLISHED_FIGURES, PublishedFigure};
use crate::scoring::ssb2018::RecruitmentStatus;

use super::items::Layout;
use super::tables::{GroupKey, GroupTables, RoundTables, share};

/// One published figure and the round's value beside it.
#[derive(Debug, Clone, PartialEq)]
pub struct FigureCheck {
    pub figure: &'static PublishedFigure,
    /// A share, a mean or a count, as the figure is.
    pub value: f64,
    pub count: u64,
    pub base: u64,
    pub agrees: bool,
}

/// The figures whose base the round has (a non-empty one), in the publications' order.
pub fn checks(tables: &RoundTables, layout: &Layout, catalogues: &Catalogues) -> Vec<FigureCheck> {
    PUBLISHED_FIGURES
        .iter()
        .filter_map(|figure| {
            let key = match figure.over {
                Over::Municipalities => GroupKey::Kind(RespondentKind::Municipality),
                Over::Everyone => GroupKey::Overall,
            };
            let group = tables.get(key)?;
            let (count, base, mean) = measure(figure.measure, group, layout, catalogues)?;
            if base == 0 {
                return None;
            }
            let value = match (mean, figure.comparison) {
                (Some(mean), _) => mean,
                (None, Comparison::Count(_)) => count as f64,
                (None, _) => share(count, base),
            };
            let agrees = figure.comparison.agrees(figure.value, value, base);
            Some(FigureCheck { figure, value, count, base, agrees })
        })
        .collect()
}

/// (count, base, mean where the figure is a mean).
fn measure(m: Measure, g: &GroupTables, layout: &Layout, catalogues: &Catalogues) -> Option<(u64, u64, Option<f64>)> {
    let services = &g.services;
    Some(match m {
        Measure::Item { methodology, item, answers } => {
            let i = layout.items.iter().position(|s| s.methodology == methodology && s.item == item)?;
            let (n, counts) = g.items.item(layout, i);
            let spec = &layout.items[i];
            let count =
                spec.answers.iter().zip(counts).filter(|(a, _)| answers.contains(&a.as_str())).map(|(_, c)| c).sum();
            (count, n, None)
        }
        Measure::BySize(what, classes) => {
            let (mut count, mut base) = (0, 0);
            for &class in classes {
                let row = &g.by_size[class as usize];
                let (n, yes) = match what {
                    BySize::HasProjects => row.projects,
                    BySize::UsesCloud => row.cloud,
                    BySize::TriedToRecruit => row.tried,
                };
                count += yes;
                base += n;
            }
            (count, base, None)
        }
        Measure::NotTriedAmongLargeHindrance => {
            let row = g.hindrance_by_recruitment[2];
            (row[RecruitmentStatus::NotTried as usize], row.iter().sum(), None)
        }
        Measure::ProjectsWithoutStrategy => {
            let row = g.strategy_by_projects[0];
            (row[3..].iter().sum(), row.iter().sum(), None)
        }
        Measure::Grade(composite, grade) => {
            let row = g.per_grade[composite];
            (row[grade], row.iter().sum(), None)
        }
        Measure::PairsAtLeast1 => (services.pairs_at_least_1, services.pairs, None),
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
    })
}
