//! The methodology tables rendered as `indikator.v1.Methodology` for
//! `GetMethodology`.

use crate::proto::v1 as pb;
use indikator_core::catalogue::{AnswerType, Catalogue, CatalogueKind, Catalogues, KS_2018, RIKSREVISJONEN_2015};
use indikator_core::methodology::{GradeLabel, Item, ItemList, Provenance, ssb2018 as m};

fn provenance(p: Provenance) -> i32 {
    match p {
        Provenance::Published => pb::Provenance::Published as i32,
        Provenance::Reconstructed => pb::Provenance::Reconstructed as i32,
    }
}

fn item(i: &Item, prefix: &str) -> pb::Item {
    pb::Item {
        id: format!("{prefix}_{}", i.key.to_uppercase()),
        label: i.label.into(),
        label_en: i.label_en.into(),
        provenance: provenance(i.provenance),
    }
}

fn item_list(list: &ItemList) -> pb::ItemList {
    pb::ItemList {
        id: list.id.into(),
        name: list.name.into(),
        name_en: list.name_en.into(),
        items: list.items.iter().map(|i| item(i, list.enum_prefix)).collect(),
    }
}

fn scale<T>(
    id: &str,
    name_en: &str,
    prefix: &str,
    options: &[(Item, T)],
    meaning: impl Fn(&T) -> String,
) -> pb::AnswerScale {
    pb::AnswerScale {
        id: id.into(),
        name_en: name_en.into(),
        options: options
            .iter()
            .map(|(i, value)| pb::ScaleOption {
                id: format!("{prefix}_{}", i.key.to_uppercase()),
                label: i.label.into(),
                label_en: i.label_en.into(),
                meaning: meaning(value),
                provenance: provenance(i.provenance),
            })
            .collect(),
    }
}

fn categorical(
    id: &str,
    name: &str,
    name_en: &str,
    prefix: &str,
    items: &[Item],
    rule: &str,
    p: Provenance,
) -> pb::Categorical {
    pb::Categorical {
        id: format!("{}/{id}", m::ID),
        name: name.into(),
        name_en: name_en.into(),
        categories: items.iter().map(|i| item(i, prefix)).collect(),
        rule: rule.into(),
        provenance: provenance(p),
    }
}

fn rule(id: &str, rule: String, p: Provenance) -> pb::MethodRule {
    pb::MethodRule { id: id.into(), rule, provenance: provenance(p) }
}

/// `ssb-2018`'s rules beyond its tables: relative calibration (docs/method.md §1.5),
/// missing answers (§1.4) and the comparison base (§5).
fn ssb_2018_rules() -> Vec<pb::MethodRule> {
    use indikator_core::methodology::bands::{MIN_DISTINCT, MIN_NONZERO};
    vec![
        rule(
            "relative_calibration.cuts",
            "Relative calibration (a round may ask for it instead of the published bands): over the non-zero \
             counts X of the base and the indicator's maximum M, three thresholds 1 ≤ t1 < t2 < t3 < M \
             (band 1 = 1..t1, band 2 = t1+1..t2, band 3 = t2+1..t3, band 4 = t3+1..M, so every band is a \
             non-empty range). t2 in [2, M−2] minimises |#{x ≤ t2} − #{x > t2}|; then t1 in [1, t2−1] \
             minimises the same imbalance within {x ≤ t2}, and t3 in [t2+1, M−1] within {x > t2}. Ties go to \
             the lower threshold; an empty half takes the middle of its range, rounded down. Cut points are \
             reported as the lowest count of bands 2, 3 and 4 (t1+1, t2+1, t3+1). The source states the \
             idea (about half score 1 or 2, half 3 or 4, cut around the median), not this rule."
                .into(),
            Provenance::Reconstructed,
        ),
        rule(
            "relative_calibration.guard",
            format!(
                "Where the base has fewer than {MIN_NONZERO} respondents with a non-zero count, or fewer than \
                 {MIN_DISTINCT} distinct non-zero counts, the indicator keeps its published cuts and the round \
                 report says so and why: a round with no spread cannot define half."
            ),
            Provenance::Reconstructed,
        ),
        rule(
            "relative_calibration.base",
            "The base is the round's municipalities, the kind the published bands were cut on; county \
             municipalities and state agencies are scored with the cuts derived from municipalities. Each \
             indicator's median is reported with its base: strategy among those with a strategy, projects \
             among those with projects, cloud among those using cloud; internal capacity, procurement and \
             service offer over everyone scored."
                .into(),
            Provenance::Reconstructed,
        ),
        rule(
            "missing_answers",
            "An absent answer block leaves the indicators that need it unscored, never zero. A sourcing, \
             procurement or service offer block that is present but holds no answer is unscored too and \
             flagged FLAG_CODE_EMPTY_BLOCK. A strategy, project portfolio or cloud use answered yes with no \
             area scores 0 and is flagged."
                .into(),
            Provenance::Reconstructed,
        ),
        comparing_rounds(),
        rule(
            "grade_robustness",
            "A composite grade is fragile when moving one count indicator across its nearest cut (one area \
             more or fewer) would change it. Score cards list each fragile grade with the indicator and the \
             direction; a round summary gives, per composite, the share of fragile grades and how many grades \
             differ between the published and the relative calibration of the same round."
                .into(),
            Provenance::Reconstructed,
        ),
        rule(
            "comparison_base",
            "The published 2018 tables (Tabell 3.1, 5.1, 5.2) and medians count municipalities only: a round is \
             compared with them through its municipalities' tables. Every table is also given per respondent \
             kind, so municipalities and state agencies can be compared item by item."
                .into(),
            Provenance::Published,
        ),
    ]
}

/// Comparing rounds (docs/method.md §7), the same for every methodology.
fn comparing_rounds() -> pb::MethodRule {
    rule(
        "comparing_rounds",
        "CompareRounds compares two rounds of the same calibration respondent by respondent, matched by \
         organisation number or, for municipalities, by municipality number through a correspondence table \
         (old number → new number, many-to-one for mergers), and group by group in the current county \
         structure: per composite the transition table (grade then × grade now) with the shares that rose, \
         stayed and fell; per simple score, item answer and KS area the change in percentage points or \
         points; for the Auditor General's figures the change in pair share and in municipalities with none. \
         A respondent present in one round only is counted as entered or left, never dropped. The source \
         wishes for this («følge endringer i svarfordelingene fremover»), it does not define it."
            .into(),
        Provenance::Reconstructed,
    )
}

/// The rules of a catalogue-driven methodology (docs/method.md §2, §3).
fn catalogue_rules(id: &str) -> Vec<pb::MethodRule> {
    match id {
        KS_2018 => vec![
            rule(
                "area_score",
                "An area's score is the mean of its answered items' values on 0–5 («Samlet sum innen hver \
                 kategori er dividert med antall spørsmål»), unscored below the minimum coverage. It is exact \
                 wherever it appears: a round's score card gives the same number Score gives, and every mean \
                 (county, region, nation, group) is the mean of exact scores."
                    .into(),
                Provenance::Published,
            ),
            rule(
                "score_card.region_and_rank",
                "The score card's region («landsdel») mean and national rank (1 = highest; ties share a rank) are \
                 our reading of «i fylkeskommunen, regionen eller på nasjonalt nivå»."
                    .into(),
                Provenance::Reconstructed,
            ),
            comparing_rounds(),
        ],
        RIKSREVISJONEN_2015 => vec![
            rule(
                "service_levels",
                "Digitalisation level per service: 0 not offered online; 1 online self-service («digitalt \
                 førstevalg»); 2 and received data goes electronically into the case system; 3 and the \
                 municipality can answer electronically after processing. Read from the report's wording; the \
                 report does not list levels."
                    .into(),
                Provenance::Reconstructed,
            ),
            rule(
                "base",
                "Only municipalities count: the base of every figure is the round's municipalities that \
                 answered this block (reported at least one service)."
                    .into(),
                Provenance::Published,
            ),
            comparing_rounds(),
        ],
        _ => Vec::new(),
    }
}

/// Who a methodology covers (docs/method.md §5).
fn respondent_kinds(id: &str) -> Vec<i32> {
    use pb::RespondentKind as K;
    let kinds: &[K] = match id {
        m::ID => &[K::Municipality, K::CountyMunicipality, K::StateAgency],
        KS_2018 => &[K::Municipality, K::CountyMunicipality],
        RIKSREVISJONEN_2015 => &[K::Municipality],
        _ => &[],
    };
    kinds.iter().map(|&k| k as i32).collect()
}

fn grade_labels(labels: &[GradeLabel; 5], published: Option<&[u32; 5]>) -> Vec<pb::GradeLabel> {
    labels
        .iter()
        .enumerate()
        .map(|(g, l)| pb::GradeLabel {
            grade: g as u32,
            code: l.code.into(),
            label: l.label.into(),
            label_en: l.label_en.into(),
            published_count: published.map_or(0, |p| p[g]),
        })
        .collect()
}

/// `ssb-2018` as data.
pub fn ssb_2018() -> pb::Methodology {
    let tier = |t: &Option<usize>| match t {
        Some(0) => "0 points".to_owned(),
        Some(1) => "1 point (simple mode) or 2 (complex mode)".to_owned(),
        Some(_) => "3 points (simple mode) or 4 (complex mode)".to_owned(),
        None => "0 points; counted as unknown in round reports".to_owned(),
    };
    pb::Methodology {
        id: m::ID.into(),
        name: m::NAME.into(),
        name_en: m::NAME_EN.into(),
        source: m::SOURCE.into(),
        item_lists: m::ITEM_LISTS.into_iter().map(item_list).collect(),
        answer_scales: vec![
            scale("sourcing", "Who performs the function", "SOURCING", &m::SOURCING, |&internal| {
                if internal { "counts as internal" } else { "does not count as internal" }.into()
            }),
            scale(
                "hindrance_degree",
                "Lack of competence hinders digital services",
                "HINDRANCE_DEGREE",
                &m::HINDRANCE,
                |g| format!("hindrance group {}", format!("{g:?}").to_uppercase()),
            ),
            scale(
                "procurement_answer",
                "Is the activity digital",
                "PROCUREMENT_ANSWER",
                &m::PROCUREMENT_ANSWERS,
                |&d| if d { "counts as digital" } else { "does not count" }.into(),
            ),
            scale(
                "service_extent",
                "Share of services offered in the mode",
                "SERVICE_EXTENT",
                &m::SERVICE_EXTENTS,
                tier,
            ),
        ],
        count_indicators: m::COUNT_INDICATORS
            .iter()
            .map(|i| pb::CountIndicator {
                id: format!("{}/{}", m::ID, i.id),
                name: i.name.into(),
                name_en: i.name_en.into(),
                counts: i.counts.into(),
                max_count: i.max_count,
                bands: i
                    .published
                    .bands(i.max_count)
                    .iter()
                    .map(|b| {
                        let l = &m::SCORE_LABELS[usize::from(b.score)];
                        pb::Band {
                            score: u32::from(b.score),
                            min_count: b.min_count,
                            max_count: b.max_count,
                            label: l.label.into(),
                            label_en: l.label_en.into(),
                        }
                    })
                    .collect(),
                published_median: i.published_median.unwrap_or(0.0),
                provenance: provenance(Provenance::Published),
                median_base: i.median_base.into(),
            })
            .collect(),
        composites: m::COMPOSITES
            .iter()
            .map(|c| pb::Composite {
                id: format!("{}/{}", m::ID, c.id),
                name: c.name.into(),
                name_en: c.name_en.into(),
                row_indicator: format!("{}/{}", m::ID, c.rows),
                column_indicator: format!("{}/{}", m::ID, c.columns),
                rule: c.rule.into(),
                cells: c
                    .table
                    .cells()
                    .map(|(r, col, g)| pb::CompositeCell {
                        row_score: u32::from(r),
                        column_score: u32::from(col),
                        grade: u32::from(g),
                    })
                    .collect(),
                grades: grade_labels(&c.grades, Some(&c.published_counts)),
                published_table: c.published_table.into(),
            })
            .collect(),
        categoricals: vec![
            categorical(
                "recruitment_status",
                "Rekruttering av IKT-spesialister",
                "Recruitment of ICT specialists",
                "RECRUITMENT_STATUS",
                &m::RECRUITMENT_STATUS,
                "NOT_TRIED unless tried_to_recruit; STRUGGLED when any difficulty was reported; else RECRUITED_WITHOUT_PROBLEMS",
                Provenance::Published,
            ),
            categorical(
                "hindrance_group",
                "Mangel på kompetanse hindrer digitale tjenester",
                "Lack of competence hinders digital services",
                "HINDRANCE_GROUP",
                &m::HINDRANCE_GROUPS,
                "LOW: svært/ganske liten grad; NEITHER; HIGH: ganske/svært stor grad; UNKNOWN: vet ikke",
                Provenance::Published,
            ),
            categorical(
                "competence_profile",
                "Kompetanseprofil",
                "Competence profile",
                "SOURCING_GROUP",
                &m::SOURCING_GROUPS,
                "sourcing group (INTERNAL when the internal-capacity score is ≥ 3, else EXTERNAL) × recruitment status: six categories",
                Provenance::Reconstructed,
            ),
        ],
        catalogue: None,
        rules: ssb_2018_rules(),
        respondent_kinds: respondent_kinds(m::ID),
        published_figures: published_figures(m::ID),
    }
}

/// A catalogue-driven methodology (`ks-2018`, `riksrevisjonen-2015`) as data.
pub fn catalogue(c: &Catalogue) -> pb::Methodology {
    let area_id = |i: usize| c.areas[i].id.clone();
    pb::Methodology {
        id: c.id.clone(),
        name: c.name_nb.clone(),
        name_en: c.name_en.clone(),
        source: c.source.clone(),
        catalogue: Some(pb::CatalogueDescription {
            areas: c
                .areas
                .iter()
                .enumerate()
                .map(|(i, a)| pb::CatalogueArea {
                    id: a.id.clone(),
                    name: a.name_nb.clone(),
                    name_en: a.name_en.clone(),
                    provenance: provenance(a.provenance),
                    items: c.area_size(i) as u32,
                    published_national_mean: a.published_national_mean.unwrap_or(0.0),
                })
                .collect(),
            items: c
                .items
                .iter()
                .map(|i| pb::CatalogueItem {
                    id: i.id.clone(),
                    area_id: match c.kind {
                        CatalogueKind::Questionnaire => area_id(i.area),
                        CatalogueKind::Services => String::new(),
                    },
                    question: i.question_nb.clone(),
                    question_en: i.question_en.clone(),
                    answer_type: i.answer.name().into(),
                    options: i
                        .options
                        .iter()
                        .map(|o| pb::CatalogueOption {
                            id: o.id.clone(),
                            label: o.label_nb.clone(),
                            label_en: o.label_en.clone(),
                            value: o.value,
                        })
                        .collect(),
                    provenance: provenance(i.provenance),
                    max_count: match i.answer {
                        AnswerType::MultiChoice { max_count } => max_count,
                        _ => 0,
                    },
                })
                .collect(),
            services: c
                .services
                .iter()
                .map(|s| pb::CatalogueService {
                    id: s.id.clone(),
                    area_id: area_id(s.area),
                    name: s.name_nb.clone(),
                    name_en: s.name_en.clone(),
                    provenance: provenance(s.provenance),
                })
                .collect(),
            min_coverage: c.min_coverage,
            provenance: provenance(c.provenance),
        }),
        rules: catalogue_rules(&c.id),
        respondent_kinds: respondent_kinds(&c.id),
        published_figures: published_figures(&c.id),
        ..Default::default()
    }
}

/// The figures a methodology's publications state, as data (docs/method.md §6).
fn published_figures(methodology: &str) -> Vec<pb::PublishedFigure> {
    indikator_core::methodology::figures::PUBLISHED_FIGURES
        .iter()
        .filter(|f| f.methodology == methodology)
        .map(|f| pb::PublishedFigure {
            id: f.id.into(),
            source: f.source.into(),
            phrase: f.phrase.into(),
            statement: f.statement.into(),
            published: f.published.into(),
            value: f.value,
            comparison: f.comparison.describe(),
            group: super::round_report::figure_group(f.over),
            impossible: f.impossible.unwrap_or_default().into(),
        })
        .collect()
}

/// Every methodology the service scores, with the catalogues in use.
pub fn all(catalogues: &Catalogues) -> Vec<pb::Methodology> {
    vec![ssb_2018(), catalogue(&catalogues.ks_2018), catalogue(&catalogues.riksrevisjonen_2015)]
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The tables and the proto enums must name the same values in the same order.
    #[test]
    fn item_ids_are_the_proto_enum_value_names() {
        let d = ssb_2018();
        let check = |list_id: &str, name_of: &dyn Fn(i32) -> Option<&'static str>| {
            let list = d.item_lists.iter().find(|l| l.id == list_id).unwrap();
            for (i, item) in list.items.iter().enumerate() {
                assert_eq!(Some(item.id.as_str()), name_of(i as i32 + 1), "{list_id}[{i}]");
            }
            assert_eq!(name_of(list.items.len() as i32 + 1), None, "{list_id} has every enum value");
        };
        check("strategy_areas", &|v| pb::StrategyArea::try_from(v).ok().map(|e| e.as_str_name()));
        check("project_effect_areas", &|v| pb::ProjectEffectArea::try_from(v).ok().map(|e| e.as_str_name()));
        check("ict_functions", &|v| pb::IctFunction::try_from(v).ok().map(|e| e.as_str_name()));
        check("recruitment_difficulties", &|v| pb::RecruitmentDifficulty::try_from(v).ok().map(|e| e.as_str_name()));
        check("cloud_areas", &|v| pb::CloudArea::try_from(v).ok().map(|e| e.as_str_name()));
        check("procurement_activities", &|v| pb::ProcurementActivity::try_from(v).ok().map(|e| e.as_str_name()));
        check("service_modes", &|v| pb::ServiceMode::try_from(v).ok().map(|e| e.as_str_name()));

        let scale = |id: &str, name_of: &dyn Fn(i32) -> Option<&'static str>| {
            let s = d.answer_scales.iter().find(|s| s.id == id).unwrap();
            for (i, o) in s.options.iter().enumerate() {
                assert_eq!(Some(o.id.as_str()), name_of(i as i32 + 1), "{id}[{i}]");
            }
            assert_eq!(name_of(s.options.len() as i32 + 1), None);
        };
        scale("sourcing", &|v| pb::Sourcing::try_from(v).ok().map(|e| e.as_str_name()));
        scale("hindrance_degree", &|v| pb::HindranceDegree::try_from(v).ok().map(|e| e.as_str_name()));
        scale("procurement_answer", &|v| pb::ProcurementAnswer::try_from(v).ok().map(|e| e.as_str_name()));
        scale("service_extent", &|v| pb::ServiceExtent::try_from(v).ok().map(|e| e.as_str_name()));
    }

    #[test]
    fn list_sizes_match_the_method() {
        let sizes: Vec<(String, usize)> = ssb_2018().item_lists.iter().map(|l| (l.id.clone(), l.items.len())).collect();
        let expected = [
            ("strategy_areas", 13),
            ("project_effect_areas", 10),
            ("ict_functions", 12),
            ("recruitment_difficulties", 2),
            ("cloud_areas", 15),
            ("procurement_activities", 8),
            ("service_modes", 4),
        ];
        assert_eq!(sizes, expected.map(|(id, n)| (id.to_owned(), n)));
    }

    #[test]
    fn published_composite_tables_each_total_377() {
        for c in m::COMPOSITES {
            assert_eq!(c.published_counts.iter().sum::<u32>(), 377, "{}", c.id);
        }
    }
}
