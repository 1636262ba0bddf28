//! The figures the three publications state (docs/method.md §6), as data beside the
//! bands: each with its source reference, the value as published, how a round's
//! value is held against it, and what in a round it is computed from. A round's
//! summary sets each beside the round's own value (the round's `figures` module).

use crate::domain::SizeClass;

/// How a round's value is held against the published one.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Comparison {
    /// A share, equal once both are rounded to this many decimals of a percent.
    Percent(u8),
    /// A value (a mean on 0–5), equal once rounded to this many decimals.
    Value(u8),
    /// A share within this many percentage points («about», «rundt»).
    Within(f64),
    /// A share below the published one («under ti prosent»).
    Below,
    /// A share above the published one («et flertall»).
    Above,
    /// A count, exactly; and its base, where one is given («37 av 261»).
    Count(Option<u64>),
}

/// Which respondents a figure is computed over.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Over {
    /// The round's municipalities (every published 2018 and 2015 table, docs/method.md §5).
    Municipalities,
    /// Every respondent of the round, where the publication counts every kind
    /// (KS: «215 svarte på minst én del»).
    Everyone,
}

/// What a share by size class counts (a round table's `SizeShares`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BySize {
    HasProjects,
    UsesCloud,
    TriedToRecruit,
}

/// What in a round a figure is computed from.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Measure {
    /// The share of an item's base that gave one of `answers`
    /// (item ids as the round's `items` module lays them out).
    Item {
        methodology: &'static str,
        item: &'static str,
        answers: &'static [&'static str],
    },
    /// A share by size class, over the classes given.
    BySize(BySize, &'static [SizeClass]),
    /// NOT_TRIED among those with a large hindrance who answered recruitment.
    NotTriedAmongLargeHindrance,
    /// Among those without a strategy, the share with project score ≥ 3.
    ProjectsWithoutStrategy,
    /// The share of a composite's scored respondents at a grade (0 = priority,
    /// 1 = use, 2 = activity).
    Grade(usize, usize),
    /// Service pairs at level ≥ 1.
    PairsAtLeast1,
    /// Municipalities with no service offered online (a count, of those that answered).
    WithNone,
    /// The same under 5,000 inhabitants.
    WithNoneUnder5000,
    /// Municipalities with a service at level ≥ 2 / at level 3.
    WithLevel2,
    WithLevel3,
    /// A KS area's mean.
    AreaMean(&'static str),
    /// Respondents that answered some part / every part of the KS survey.
    KsSomePart,
    KsAllParts,
}

/// One published figure.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PublishedFigure {
    pub id: &'static str,
    pub methodology: &'static str,
    pub source: &'static str,
    pub statement: &'static str,
    /// As published.
    pub published: &'static str,
    /// A share (0–1), a mean or a count.
    pub value: f64,
    pub comparison: Comparison,
    pub over: Over,
    pub measure: Measure,
}

const SSB: &str = "ssb-2018";
const KS: &str = "ks-2018";
const RR: &str = "riksrevisjonen-2015";
const KS_SOURCE: &str = "KS / Rambøll 2018";
const RR_SOURCE: &str = "Riksrevisjonen, Dokument 3:6 (2015–2016)";

const TICKED: &[&str] = &["TICKED"];
const YES: &[&str] = &["YES"];
const DIGITAL: &[&str] = &["PROCUREMENT_ANSWER_YES_FULLY", "PROCUREMENT_ANSWER_YES_PARTLY"];
const NOT_DIGITAL: &[&str] = &["PROCUREMENT_ANSWER_NO"];
const UNKNOWN_OR_NOT_RELEVANT: &[&str] = &["SERVICE_EXTENT_DONT_KNOW", "SERVICE_EXTENT_NOT_RELEVANT"];
const OVER_30000: &[SizeClass] = &[SizeClass::From30000To49999, SizeClass::From50000];
const UNDER_2000: &[SizeClass] = &[SizeClass::Under2000];
const UNDER_5000: &[SizeClass] = &[SizeClass::Under2000, SizeClass::From2000To4999];
const FROM_50000: &[SizeClass] = &[SizeClass::From50000];

const fn figure(
    id: &'static str,
    (methodology, source): (&'static str, &'static str),
    statement: &'static str,
    published: &'static str,
    value: f64,
    comparison: Comparison,
    measure: Measure,
) -> PublishedFigure {
    PublishedFigure {
        id,
        methodology,
        source,
        statement,
        published,
        value,
        comparison,
        over: Over::Municipalities,
        measure,
    }
}

const fn ssb(figure: &'static str) -> (&'static str, &'static str) {
    (SSB, figure)
}

const fn item(item: &'static str, answers: &'static [&'static str]) -> Measure {
    Measure::Item { methodology: SSB, item, answers }
}

const fn area_mean(
    id: &'static str,
    area: &'static str,
    statement: &'static str,
    value: f64,
    published: &'static str,
) -> PublishedFigure {
    figure(id, (KS, KS_SOURCE), statement, published, value, Comparison::Value(1), Measure::AreaMean(area))
}

/// Every figure the example rounds reproduce, in the publications' order.
pub static PUBLISHED_FIGURES: &[PublishedFigure] = &[
    figure(
        "ssb-2018/fig-3.1/digital_services_for_citizens",
        ssb("SSB Rapporter 2019/14, Figur 3.1"),
        "«Digitale tjenester for innbyggere» in the ICT strategy, of those with a strategy",
        "94,5 %",
        0.945,
        Comparison::Percent(1),
        item("STRATEGY_AREA_DIGITAL_SERVICES_FOR_CITIZENS", TICKED),
    ),
    figure(
        "ssb-2018/fig-3.1/information_security",
        ssb("SSB Rapporter 2019/14, Figur 3.1"),
        "«Informasjonssikkerhet» in the ICT strategy, of those with a strategy",
        "93,8 %",
        0.938,
        Comparison::Percent(1),
        item("STRATEGY_AREA_INFORMATION_SECURITY", TICKED),
    ),
    figure(
        "ssb-2018/fig-3.1/reuse_and_sharing_of_data",
        ssb("SSB Rapporter 2019/14, Figur 3.1"),
        "«Økt gjenbruk og deling av data» in the ICT strategy, of those with a strategy",
        "rundt to av tre",
        2.0 / 3.0,
        Comparison::Within(0.05),
        item("STRATEGY_AREA_REUSE_AND_SHARING_OF_DATA", TICKED),
    ),
    figure(
        "ssb-2018/tabell-3.1/grade-0",
        ssb("SSB Rapporter 2019/14, Tabell 3.1"),
        "Neither an ICT strategy nor ICT projects (digital priority grade 0)",
        "rundt 10 %",
        0.10,
        Comparison::Within(0.015),
        Measure::Grade(0, 0),
    ),
    figure(
        "ssb-2018/tabell-3.1/grade-1",
        ssb("SSB Rapporter 2019/14, Tabell 3.1"),
        "Digital priority grade 1",
        "28 %",
        0.28,
        Comparison::Percent(0),
        Measure::Grade(0, 1),
    ),
    figure(
        "ssb-2018/strategy-by-projects/without_strategy",
        ssb("SSB Rapporter 2019/14, kapittel 3"),
        "Relatively comprehensive ICT projects (project score ≥ 3), of those without a strategy",
        "en tredjedel",
        1.0 / 3.0,
        Comparison::Within(0.02),
        Measure::ProjectsWithoutStrategy,
    ),
    figure(
        "ssb-2018/fig-3.2/has_projects",
        ssb("SSB Rapporter 2019/14, Figur 3.2"),
        "Have ICT projects started or planned",
        "87,8 %",
        0.878,
        Comparison::Percent(1),
        item("HAS_PROJECTS", YES),
    ),
    figure(
        "ssb-2018/fig-3.2/has_projects_over_30000",
        ssb("SSB Rapporter 2019/14, Figur 3.2"),
        "Have ICT projects, of those with 30,000 inhabitants or more",
        "alle",
        1.0,
        Comparison::Percent(1),
        Measure::BySize(BySize::HasProjects, OVER_30000),
    ),
    figure(
        "ssb-2018/fig-3.2/has_projects_under_2000",
        ssb("SSB Rapporter 2019/14, Figur 3.2"),
        "Have ICT projects, of those under 2,000 inhabitants",
        "74,7 %",
        0.747,
        Comparison::Percent(1),
        Measure::BySize(BySize::HasProjects, UNDER_2000),
    ),
    figure(
        "ssb-2018/fig-3.3/quality_of_external_services",
        ssb("SSB Rapporter 2019/14, Figur 3.3"),
        "Projects expected to affect «Økt kvalitet på tjenester til eksterne brukere», of those with projects",
        "94,9 %",
        0.949,
        Comparison::Percent(1),
        item("PROJECT_EFFECT_AREA_QUALITY_OF_EXTERNAL_SERVICES", TICKED),
    ),
    figure(
        "ssb-2018/fig-3.3/simpler_work_routines",
        ssb("SSB Rapporter 2019/14, Figur 3.3"),
        "Projects expected to affect «Omlegginger og forenklinger av arbeidsrutiner», of those with projects",
        "94,0 %",
        0.940,
        Comparison::Percent(1),
        item("PROJECT_EFFECT_AREA_SIMPLER_WORK_ROUTINES", TICKED),
    ),
    figure(
        "ssb-2018/fig-3.3/reduced_staffing",
        ssb("SSB Rapporter 2019/14, Figur 3.3"),
        "Projects expected to affect «Reduksjon i bemanning», of those with projects",
        "19,6 %",
        0.196,
        Comparison::Percent(1),
        item("PROJECT_EFFECT_AREA_REDUCED_STAFFING", TICKED),
    ),
    figure(
        "ssb-2018/fig-4.2/large_hindrance",
        ssb("SSB Rapporter 2019/14, Figur 4.2"),
        "Lack of competence hinders digital services to a fairly or very large degree",
        "41,9 %",
        0.419,
        Comparison::Percent(1),
        item("HINDRANCE_DEGREE", &["HINDRANCE_DEGREE_FAIRLY_LARGE", "HINDRANCE_DEGREE_VERY_LARGE"]),
    ),
    figure(
        "ssb-2018/fig-4.2/small_hindrance",
        ssb("SSB Rapporter 2019/14, Figur 4.2"),
        "Lack of competence hinders digital services to a fairly or very small degree",
        "20,2 %",
        0.202,
        Comparison::Percent(1),
        item("HINDRANCE_DEGREE", &["HINDRANCE_DEGREE_VERY_SMALL", "HINDRANCE_DEGREE_FAIRLY_SMALL"]),
    ),
    figure(
        "ssb-2018/fig-4.2/not_tried_among_large_hindrance",
        ssb("SSB Rapporter 2019/14, kapittel 4"),
        "Did not try to recruit, of those reporting a large hindrance",
        "rundt 70 %",
        0.70,
        Comparison::Within(0.02),
        Measure::NotTriedAmongLargeHindrance,
    ),
    figure(
        "ssb-2018/fig-4.3/tried_to_recruit",
        ssb("SSB Rapporter 2019/14, Figur 4.3"),
        "Tried to recruit ICT specialists in the last 12 months",
        "29,2 %",
        0.292,
        Comparison::Percent(1),
        item("TRIED_TO_RECRUIT", YES),
    ),
    figure(
        "ssb-2018/fig-4.3/tried_under_2000",
        ssb("SSB Rapporter 2019/14, Figur 4.3"),
        "Tried to recruit, of those under 2,000 inhabitants",
        "10,8 %",
        0.108,
        Comparison::Percent(1),
        Measure::BySize(BySize::TriedToRecruit, UNDER_2000),
    ),
    figure(
        "ssb-2018/fig-4.3/tried_from_50000",
        ssb("SSB Rapporter 2019/14, Figur 4.3"),
        "Tried to recruit, of those with 50,000 inhabitants or more",
        "86,7 %",
        0.867,
        Comparison::Percent(1),
        Measure::BySize(BySize::TriedToRecruit, FROM_50000),
    ),
    figure(
        "ssb-2018/fig-5.1/uses_cloud",
        ssb("SSB Rapporter 2019/14, Figur 5.1"),
        "Use cloud services",
        "85,4 %",
        0.854,
        Comparison::Percent(1),
        item("USES_CLOUD", YES),
    ),
    figure(
        "ssb-2018/fig-5.1/uses_cloud_over_30000",
        ssb("SSB Rapporter 2019/14, Figur 5.1"),
        "Use cloud services, of those with 30,000 inhabitants or more",
        "alle",
        1.0,
        Comparison::Percent(1),
        Measure::BySize(BySize::UsesCloud, OVER_30000),
    ),
    figure(
        "ssb-2018/fig-5.1/uses_cloud_under_5000",
        ssb("SSB Rapporter 2019/14, Figur 5.1"),
        "Use cloud services, of those under 5,000 inhabitants",
        "75,4 %",
        0.754,
        Comparison::Percent(1),
        Measure::BySize(BySize::UsesCloud, UNDER_5000),
    ),
    figure(
        "ssb-2018/fig-5.1/communication",
        ssb("SSB Rapporter 2019/14, Figur 5.1"),
        "Communication (voice, chat, e-mail) made ready for cloud, of those using cloud",
        "69,3 %",
        0.693,
        Comparison::Percent(1),
        item("CLOUD_AREA_COMMUNICATION", TICKED),
    ),
    figure(
        "ssb-2018/fig-5.1/development_platform",
        ssb("SSB Rapporter 2019/14, Figur 5.1"),
        "Development platform made ready for cloud, of those using cloud",
        "13 %",
        0.13,
        Comparison::Percent(0),
        item("CLOUD_AREA_DEVELOPMENT_PLATFORM", TICKED),
    ),
    figure(
        "ssb-2018/fig-5.2/receiving_invoices",
        ssb("SSB Rapporter 2019/14, Figur 5.2"),
        "Invoice reception digital («ja, helt» or «ja, delvis»), of those using digital procurement",
        "93,4 %",
        0.934,
        Comparison::Percent(1),
        item("PROCUREMENT_ACTIVITY_RECEIVING_INVOICES", DIGITAL),
    ),
    figure(
        "ssb-2018/fig-5.2/evaluation_and_award",
        ssb("SSB Rapporter 2019/14, Figur 5.2"),
        "Evaluation and award of contracts not digital («nei»), of those using digital procurement",
        "36,9 %",
        0.369,
        Comparison::Percent(1),
        item("PROCUREMENT_ACTIVITY_EVALUATION_AND_AWARD", NOT_DIGITAL),
    ),
    figure(
        "ssb-2018/fig-5.2/contract_follow_up",
        ssb("SSB Rapporter 2019/14, Figur 5.2"),
        "Follow-up of contracts not digital («nei»), of those using digital procurement",
        "34 %",
        0.34,
        Comparison::Percent(0),
        item("PROCUREMENT_ACTIVITY_CONTRACT_FOLLOW_UP", NOT_DIGITAL),
    ),
    figure(
        "ssb-2018/fig-5.3/open_access",
        ssb("SSB Rapporter 2019/14, Figur 5.3"),
        "«Vet ikke» or «ikke relevant» for open access services",
        "under 5 %",
        0.05,
        Comparison::Below,
        item("SERVICE_MODE_OPEN_ACCESS", UNKNOWN_OR_NOT_RELEVANT),
    ),
    figure(
        "ssb-2018/fig-5.3/simple_individual",
        ssb("SSB Rapporter 2019/14, Figur 5.3"),
        "«Vet ikke» or «ikke relevant» for simple individual services",
        "under 5 %",
        0.05,
        Comparison::Below,
        item("SERVICE_MODE_SIMPLE_INDIVIDUAL", UNKNOWN_OR_NOT_RELEVANT),
    ),
    figure(
        "ssb-2018/fig-5.3/complex_individual",
        ssb("SSB Rapporter 2019/14, Figur 5.3"),
        "«Vet ikke» or «ikke relevant» for complex individual services",
        "11 %",
        0.11,
        Comparison::Percent(0),
        item("SERVICE_MODE_COMPLEX_INDIVIDUAL", UNKNOWN_OR_NOT_RELEVANT),
    ),
    figure(
        "ssb-2018/fig-5.3/self_activated",
        ssb("SSB Rapporter 2019/14, Figur 5.3"),
        "«Vet ikke» or «ikke relevant» for self-activated services",
        "21 %",
        0.21,
        Comparison::Percent(0),
        item("SERVICE_MODE_SELF_ACTIVATED", UNKNOWN_OR_NOT_RELEVANT),
    ),
    area_mean("ks-2018/area/brukeren-i-sentrum", "brukeren-i-sentrum", "Mean of «Brukeren i sentrum»", 1.9, "1,9"),
    area_mean(
        "ks-2018/area/ikt-som-innsatsfaktor",
        "ikt-som-innsatsfaktor",
        "Mean of «IKT som innsatsfaktor for innovasjon og økt produktivitet»",
        2.1,
        "2,1",
    ),
    area_mean(
        "ks-2018/area/digital-kompetanse-og-deltakelse",
        "digital-kompetanse-og-deltakelse",
        "Mean of «Styrket digital kompetanse og deltakelse»",
        2.6,
        "2,6",
    ),
    area_mean(
        "ks-2018/area/effektiv-digitalisering",
        "effektiv-digitalisering",
        "Mean of «Effektiv digitalisering av offentlig sektor»",
        2.9,
        "2,9",
    ),
    area_mean(
        "ks-2018/area/informasjonssikkerhet-og-personvern",
        "informasjonssikkerhet-og-personvern",
        "Mean of «Informasjonssikkerhet, personvern og dokumentasjonsforvaltning»",
        3.2,
        "3,2",
    ),
    area_mean("ks-2018/area/helse-og-velferd", "helse-og-velferd", "Mean of «Helse og velferd»", 2.7, "2,7"),
    area_mean(
        "ks-2018/area/utdanning-og-oppvekst",
        "utdanning-og-oppvekst",
        "Mean of «Utdanning og oppvekst»",
        3.0,
        "3,0",
    ),
    area_mean(
        "ks-2018/area/plan-bygg-og-geodata",
        "plan-bygg-og-geodata",
        "Mean of «Plan, bygg og geodata»",
        3.0,
        "3,0",
    ),
    figure(
        "ks-2018/item/sik-1",
        (KS, KS_SOURCE),
        "Covered by a strategy or guidelines for information security (any answer but «ingen»), of those who answered",
        "to tredjedeler",
        2.0 / 3.0,
        Comparison::Within(0.05),
        Measure::Item { methodology: KS, item: "sik-1", answers: &["under-halvparten", "over-halvparten", "samtlige"] },
    ),
    figure(
        "ks-2018/item/sik-5",
        (KS, KS_SOURCE),
        "Have a strategy/plan for cloud services («Ja, strategi/plan er utarbeidet»), of those who answered",
        "49 %",
        0.49,
        Comparison::Percent(0),
        Measure::Item { methodology: KS, item: "sik-5", answers: &["strategi-plan"] },
    ),
    PublishedFigure {
        id: "ks-2018/accounting/some_part",
        methodology: KS,
        source: KS_SOURCE,
        statement: "Respondents that answered some part of the survey",
        published: "215",
        value: 215.0,
        comparison: Comparison::Count(None),
        over: Over::Everyone,
        measure: Measure::KsSomePart,
    },
    PublishedFigure {
        id: "ks-2018/accounting/all_parts",
        methodology: KS,
        source: KS_SOURCE,
        statement: "Respondents that answered every part of the survey",
        published: "141",
        value: 141.0,
        comparison: Comparison::Count(None),
        over: Over::Everyone,
        measure: Measure::KsAllParts,
    },
    figure(
        "riksrevisjonen-2015/pairs_at_least_1",
        (RR, RR_SOURCE),
        "(Municipality, service) pairs offered as online self-service (level ≥ 1)",
        "27 %",
        0.27,
        Comparison::Percent(0),
        Measure::PairsAtLeast1,
    ),
    figure(
        "riksrevisjonen-2015/with_none",
        (RR, RR_SOURCE),
        "Municipalities offering none of the services online",
        "37 av 261",
        37.0,
        Comparison::Count(Some(261)),
        Measure::WithNone,
    ),
    figure(
        "riksrevisjonen-2015/with_none_share",
        (RR, RR_SOURCE),
        "Share of municipalities offering none of the services online",
        "14 %",
        0.14,
        Comparison::Percent(0),
        Measure::WithNone,
    ),
    figure(
        "riksrevisjonen-2015/with_none_under_5000",
        (RR, RR_SOURCE),
        "Municipalities under 5,000 inhabitants offering none of the services online",
        "29 av 128",
        29.0,
        Comparison::Count(Some(128)),
        Measure::WithNoneUnder5000,
    ),
    figure(
        "riksrevisjonen-2015/with_none_under_5000_share",
        (RR, RR_SOURCE),
        "Share of municipalities under 5,000 inhabitants offering none of the services online",
        "23 %",
        0.23,
        Comparison::Percent(0),
        Measure::WithNoneUnder5000,
    ),
    figure(
        "riksrevisjonen-2015/with_level_2",
        (RR, RR_SOURCE),
        "Municipalities that transfer received data electronically for at least one service (level ≥ 2)",
        "rundt halvparten",
        0.5,
        Comparison::Within(0.05),
        Measure::WithLevel2,
    ),
    figure(
        "riksrevisjonen-2015/with_level_3",
        (RR, RR_SOURCE),
        "Municipalities that can answer electronically for at least one service (level 3)",
        "under ti prosent",
        0.10,
        Comparison::Below,
        Measure::WithLevel3,
    ),
];

impl Comparison {
    /// Whether `round` agrees with `published` (and, for a count, `base` with its base).
    pub fn agrees(self, published: f64, round: f64, base: u64) -> bool {
        let rounded = |x: f64, decimals: u8| (x * 10f64.powi(i32::from(decimals))).round();
        match self {
            Self::Percent(d) => rounded(100.0 * round, d) == rounded(100.0 * published, d),
            Self::Value(d) => rounded(round, d) == rounded(published, d),
            Self::Within(points) => (round - published).abs() <= points + 1e-12,
            Self::Below => round < published,
            Self::Above => round > published,
            Self::Count(of) => round == published && of.is_none_or(|of| of == base),
        }
    }

    /// In words.
    pub fn describe(self) -> String {
        match self {
            Self::Percent(0) => "equal as a whole percent".into(),
            Self::Percent(d) => format!("equal as a percent with {d} decimal{}", if d == 1 { "" } else { "s" }),
            Self::Value(d) => format!("equal rounded to {d} decimal{}", if d == 1 { "" } else { "s" }),
            Self::Within(p) => format!("within {} percentage points", 100.0 * p),
            Self::Below => "below".into(),
            Self::Above => "above".into(),
            Self::Count(None) => "the same count".into(),
            Self::Count(Some(of)) => format!("the same count, of {of}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn figure_ids_are_unique_and_shares_are_shares() {
        let mut ids: Vec<&str> = PUBLISHED_FIGURES.iter().map(|f| f.id).collect();
        ids.sort_unstable();
        ids.dedup();
        assert_eq!(ids.len(), PUBLISHED_FIGURES.len());
        for f in PUBLISHED_FIGURES {
            if matches!(f.comparison, Comparison::Percent(_) | Comparison::Within(_) | Comparison::Below) {
                assert!((0.0..=1.0).contains(&f.value), "{}", f.id);
            }
        }
    }

    #[test]
    fn comparisons_hold_at_the_published_precision() {
        assert!(Comparison::Percent(1).agrees(0.945, 239.0 / 253.0, 253));
        assert!(!Comparison::Percent(1).agrees(0.945, 0.9435, 0));
        assert!(Comparison::Percent(0).agrees(0.13, 0.1349, 0));
        assert!(Comparison::Value(1).agrees(1.9, 1.94, 0) && !Comparison::Value(1).agrees(1.9, 1.96, 0));
        assert!(Comparison::Count(Some(261)).agrees(37.0, 37.0, 261));
        assert!(!Comparison::Count(Some(261)).agrees(37.0, 37.0, 260));
        assert!(Comparison::Below.agrees(0.1, 0.099, 0) && !Comparison::Below.agrees(0.1, 0.1, 0));
    }
}
