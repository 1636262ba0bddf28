//! The round summary's item tables, survey-part accounting, tables by size class,
//! service levels and published figures (docs/method.md §6) as `indikator.v1` messages.

use crate::proto::v1 as pb;
use indikator_core::catalogue::Catalogue;
use indikator_core::domain::SizeClass;
use indikator_core::methodology::ssb2018 as m;
use indikator_core::round::figures::FigureCheck;
use indikator_core::round::items::{Layout, METHODOLOGIES};
use indikator_core::round::tables::{GroupTables, ServiceTables, SizeShares, share};

use crate::convert;

/// Every item, described once.
pub(crate) fn item_layout(layout: &Layout) -> Vec<pb::ItemLayout> {
    layout
        .items
        .iter()
        .map(|spec| pb::ItemLayout {
            methodology: spec.methodology.into(),
            list: spec.list.clone(),
            item: spec.item.clone(),
            base: Some(pb::ItemBase { id: spec.base.id.into(), description: spec.base.description.into() }),
            answers: spec.answers.clone(),
        })
        .collect()
}

/// The group's item distributions with a non-empty base.
pub(crate) fn items(g: &GroupTables, layout: &Layout) -> Vec<pb::ItemDistribution> {
    if g.items.bases.is_empty() {
        return Vec::new();
    }
    (0..layout.items.len())
        .filter_map(|i| {
            let (n, counts) = g.items.item(layout, i);
            (n > 0).then(|| pb::ItemDistribution {
                methodology: layout.items[i].methodology.into(),
                item: layout.items[i].item.clone(),
                n,
                counts: counts.to_vec(),
                shares: counts.iter().map(|&c| share(c, n)).collect(),
            })
        })
        .collect()
}

/// Per methodology with a block in the group: respondents per survey part.
pub(crate) fn parts(g: &GroupTables, layout: &Layout) -> Vec<pb::PartAccounting> {
    if g.items.parts.is_empty() {
        return Vec::new();
    }
    METHODOLOGIES
        .iter()
        .enumerate()
        .filter(|&(i, _)| g.items.blocks[i][0] > 0)
        .map(|(i, &methodology)| {
            let [with_block, some_part, all_parts] = g.items.blocks[i];
            pb::PartAccounting {
                methodology: methodology.into(),
                with_block,
                some_part,
                all_parts,
                parts: layout
                    .parts
                    .iter()
                    .zip(&g.items.parts)
                    .filter(|(p, _)| p.methodology == methodology)
                    .map(|(p, &respondents)| pb::PartCount { part: p.id.clone(), respondents })
                    .collect(),
            }
        })
        .collect()
}

pub(crate) fn strategy_by_projects(g: &GroupTables) -> pb::CrossTable {
    let scores = || (0..5).map(|s| s.to_string()).collect::<Vec<_>>();
    pb::CrossTable {
        rows: scores(),
        columns: scores(),
        cells: g.strategy_by_projects.iter().flatten().copied().collect(),
        n: g.strategy_by_projects.iter().flatten().sum(),
    }
}

pub(crate) fn competence_profile(g: &GroupTables) -> pb::CrossTable {
    pb::CrossTable {
        rows: m::SOURCING_GROUPS.iter().map(|i| i.key.to_uppercase()).collect(),
        columns: m::RECRUITMENT_STATUS.iter().map(|i| i.key.to_uppercase()).collect(),
        cells: g.competence_profile.iter().flatten().copied().collect(),
        n: g.competence_profile.iter().flatten().sum(),
    }
}

/// (answered, yes) of one share by size class.
type SizeCell = fn(&SizeShares) -> (u64, u64);

/// What each share by size class counts.
pub(crate) const BY_SIZE: [(&str, &str, SizeCell); 4] = [
    ("ssb-2018/has_projects", "have ICT projects, of those who answered", |s| s.projects),
    ("ssb-2018/uses_cloud", "use cloud services, of those who answered", |s| s.cloud),
    ("ssb-2018/tried_to_recruit", "tried to recruit ICT specialists, of those who answered", |s| s.tried),
    ("ssb-2018/recruitment_difficulties", "had difficulties recruiting, of those who tried", |s| s.difficulties),
];

pub(crate) fn by_size_class(g: &GroupTables) -> Vec<pb::SizeClassShares> {
    BY_SIZE
        .iter()
        .filter(|(_, _, cell)| g.by_size.iter().any(|s| cell(s).0 > 0))
        .map(|&(id, description, cell)| pb::SizeClassShares {
            id: id.into(),
            description: description.into(),
            size_classes: SizeClass::ALL
                .iter()
                .zip(&g.by_size)
                .filter(|(_, s)| cell(s).0 > 0)
                .map(|(&class, s)| {
                    let (n, count) = cell(s);
                    pb::SizeClassShare {
                        size_class: convert::size_class(class) as i32,
                        n,
                        count,
                        share: share(count, n),
                    }
                })
                .collect(),
        })
        .collect()
}

fn level_shares(id: String, [municipalities, l1, l2, l3]: [u64; 4], none: u64) -> pb::ServiceLevelShares {
    pb::ServiceLevelShares {
        id,
        municipalities,
        with_level_1: l1,
        with_level_2: l2,
        with_level_3: l3,
        share_level_1: share(l1, municipalities),
        share_level_2: share(l2, municipalities),
        share_level_3: share(l3, municipalities),
        with_none: none,
        share_with_none: share(none, municipalities),
    }
}

/// The municipality shares at level ≥ 1, ≥ 2 and 3: overall, by area, by size class.
pub(crate) fn service_levels(
    s: &ServiceTables,
    catalogue: &Catalogue,
) -> (pb::ServiceLevelShares, Vec<pb::ServiceLevelShares>, Vec<pb::ServiceLevelShares>) {
    let with_1 = s.municipalities - s.with_none;
    let overall = level_shares(String::new(), [s.municipalities, with_1, s.with_level_2, s.with_level_3], s.with_none);
    let by_area = catalogue
        .areas
        .iter()
        .zip(&s.area_municipalities)
        .map(|(a, &counts)| level_shares(a.id.clone(), counts, counts[0] - counts[1]))
        .collect();
    let by_size = SizeClass::ALL
        .iter()
        .zip(&s.by_size)
        .filter(|(_, row)| row[0] > 0)
        .map(|(&class, &[n, none, l2, l3])| {
            level_shares(convert::size_class(class).as_str_name().into(), [n, n - none, l2, l3], none)
        })
        .collect();
    (overall, by_area, by_size)
}

pub(crate) fn figures(checks: &[FigureCheck]) -> Vec<pb::PublishedFigureCheck> {
    checks
        .iter()
        .map(|c| {
            let f = c.figure;
            pb::PublishedFigureCheck {
                id: f.id.into(),
                methodology: f.methodology.into(),
                source: f.source.into(),
                statement: f.statement.into(),
                published: f.published.into(),
                published_value: f.value,
                round_value: c.value,
                round_count: c.count,
                round_base: c.base,
                comparison: f.comparison.describe(),
                agrees: c.agrees,
                group: figure_group(f.over),
                phrase: f.phrase.into(),
                impossible: if c.agrees { String::new() } else { f.impossible.unwrap_or_default().into() },
            }
        })
        .collect()
}

/// The group a published figure counts, as the messages name it.
pub(crate) fn figure_group(over: indikator_core::methodology::figures::Over) -> String {
    use indikator_core::methodology::figures::Over;
    match over {
        Over::Municipalities => pb::RespondentKind::Municipality.as_str_name().into(),
        Over::Everyone => "all".into(),
    }
}
