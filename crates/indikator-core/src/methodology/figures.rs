//! The figures the three publications state (docs/method.md §6), as data beside the
//! bands: each with its exact source reference (document, then chapter, figure,
//! table, footnote or slide), the Norwegian words it rests on, the value as
//! published, how a round's value is held against it, and what in a round it is
//! computed from. A round's summary sets each beside the round's own value (the
//! round's `figures` module).
//!
//! A figure's phrase is quoted from its seed text (`../shared/seeds/<seed>_*.txt`)
//! word for word, up to line breaks: a test holds every phrase against its seed, so
//! no figure can drift from what its source says.

use crate::domain::SizeClass;

/// How a round's value is held against the published one.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Comparison {
    /// A share, equal once both are rounded to this many decimals of a percent.
    Percent(u8),
    /// A value (a mean on 0–5, a median), equal once rounded to this many decimals.
    Value(u8),
    /// A share within this many percentage points («rundt», «ca.», «omkring», «3 av 4»).
    Within(f64),
    /// A share at most this many percentage points below the published one, and not
    /// above it («nesten 40 prosent»).
    Nearly(f64),
    /// A share below the published one («under ti prosent»).
    Below,
    /// A share above the published one («et flertall», «over 60 prosent»).
    Above,
    /// A value no higher than the published one («ingen … høyere verdi enn 12»).
    AtMost,
    /// A count, exactly; and its base, where one is given («37 av 261»).
    Count(Option<u64>),
    /// A rank among an item list, no lower than the published one («flest», «i
    /// størst grad»: 1; «… og …» of two: 2).
    Ranked,
    /// A count at most this many below the published one, and not above it
    /// («nærmere 60 kommuner», «nesten 100»).
    NearlyCount(u64),
}

/// Which respondents a figure is computed over.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Over {
    /// The round's municipalities (every published 2018 and 2015 table, docs/method.md §5).
    Municipalities,
    /// Every respondent of the round. For `ks-2018`, whose blocks only municipalities
    /// and county municipalities may carry (docs/method.md §5), that is KS's
    /// «kommunesektoren»: every KS figure counts both kinds, as KS counts its
    /// respondents («215 svarte på minst én del»).
    Everyone,
}

/// What a share by size class counts (a round table's `SizeShares`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BySize {
    HasProjects,
    UsesCloud,
    TriedToRecruit,
    /// Had difficulties, of those who tried.
    RecruitmentDifficulties,
}

/// The `ssb-2018` count indicators, as the round's tables index them
/// (`scoring::ssb2018::Count`).
pub mod count {
    pub const STRATEGY: usize = 0;
    pub const PROJECTS: usize = 1;
    pub const INTERNAL_CAPACITY: usize = 2;
    pub const CLOUD: usize = 3;
    pub const PROCUREMENT: usize = 4;
    pub const SERVICE_OFFER: usize = 5;
}

/// The `ssb-2018` composites, as the round's tables index them.
pub mod composite {
    pub const PRIORITY: usize = 0;
    pub const USE: usize = 1;
    pub const ACTIVITY: usize = 2;
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
    /// The same share for each of `items`, summed («under 5 prosent til sammen»
    /// for two items); the count and base are the items' summed counts and bases.
    ItemsSum {
        methodology: &'static str,
        items: &'static [&'static str],
        answers: &'static [&'static str],
    },
    /// The same share for each of `items`, averaged («i snitt 65 %»).
    ItemsMean {
        methodology: &'static str,
        items: &'static [&'static str],
        answers: &'static [&'static str],
    },
    /// The rank of an item's share of `answers` among the items of its list (1: the
    /// largest; with `least`, 1: the smallest); its count and base are the item's.
    Rank {
        methodology: &'static str,
        item: &'static str,
        answers: &'static [&'static str],
        least: bool,
    },
    /// The share with a large hindrance among the internally sourced, less the same
    /// among the externally sourced (chapter 6); count and base are the internal ones.
    LargeHindranceInternalLessExternal,
    /// A share by size class, over the classes given.
    BySize(BySize, &'static [SizeClass]),
    /// A share by size class over the `middle` classes, less the larger of the same
    /// over the classes below and over the classes above (Fig. 4.4: the middle «i noe
    /// større grad» than both); count and base are the middle's.
    MiddleAbove(BySize, &'static [SizeClass]),
    /// NOT_TRIED among those with a large hindrance who answered recruitment.
    NotTriedAmongLargeHindrance,
    /// Among those without a strategy, the share with project score ≥ 3.
    ProjectsWithoutStrategy,
    /// The share of a composite's scored respondents at one of the grades (0 =
    /// priority, 1 = use, 2 = activity); a count where the comparison is one.
    Grades(usize, &'static [usize]),
    /// The share of a count indicator's scored respondents at a score.
    Score(usize, usize),
    /// Respondents whose count of a count indicator is in `from..=to`, of those
    /// whose count is at least `base_from` (1: of those with any, 0: of all).
    Histogram {
        count: usize,
        from: usize,
        to: usize,
        base_from: usize,
    },
    /// The median of a count indicator over its median base (docs/method.md §1.5).
    Median(usize),
    /// The highest count of a count indicator in the round.
    Highest(usize),
    /// Service pairs at level ≥ 1.
    PairsAtLeast1,
    /// Municipalities that reported their services (a count).
    Municipalities,
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
    /// Respondents that answered a part of the KS survey: one or more catalogue
    /// areas. KS's parts are «Digitalisering generelt» (five areas), then one area
    /// each; a round counts respondents per area, so a part of several areas is
    /// counted on its most answered area (every respondent who answered that area
    /// answered the part; one who answered only another of its areas is not seen).
    KsPart(&'static [&'static str]),
}

/// One published figure.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PublishedFigure {
    pub id: &'static str,
    pub methodology: &'static str,
    /// Where it is published: the document, then the chapter, figure, table,
    /// footnote or slide, e.g. «SSB Rapporter 2019/14, Figur 5.1 fotnote 5».
    pub source: &'static str,
    /// The seed file holding the source text (`../shared/seeds/<seed>_*.txt`).
    pub seed: &'static str,
    /// The Norwegian words the figure rests on, verbatim up to line breaks.
    pub phrase: &'static str,
    pub statement: &'static str,
    /// As published.
    pub published: &'static str,
    /// A share (0–1), a mean, a median or a count.
    pub value: f64,
    pub comparison: Comparison,
    pub over: Over,
    pub measure: Measure,
    /// Why no round consistent with the other published figures can agree with
    /// this one, where that is proven; such a figure is shown as impossible, not as
    /// a disagreement.
    pub impossible: Option<&'static str>,
}

const SSB: &str = "ssb-2018";
const KS: &str = "ks-2018";
const RR: &str = "riksrevisjonen-2015";

const TICKED: &[&str] = &["TICKED"];
const YES: &[&str] = &["YES"];
const NO: &[&str] = &["NO"];
const DIGITAL: &[&str] = &["PROCUREMENT_ANSWER_YES_FULLY", "PROCUREMENT_ANSWER_YES_PARTLY"];
const NOT_DIGITAL: &[&str] = &["PROCUREMENT_ANSWER_NO"];
const INTERNAL: &[&str] = &["SOURCING_EXCLUSIVELY_INTERNAL", "SOURCING_MAINLY_INTERNAL"];
const UNKNOWN_OR_NOT_RELEVANT: &[&str] = &["SERVICE_EXTENT_DONT_KNOW", "SERVICE_EXTENT_NOT_RELEVANT"];
const OVER_30000: &[SizeClass] = &[SizeClass::From30000To49999, SizeClass::From50000];
const UNDER_2000: &[SizeClass] = &[SizeClass::Under2000];
const UNDER_5000: &[SizeClass] = &[SizeClass::Under2000, SizeClass::From2000To4999];
const FROM_50000: &[SizeClass] = &[SizeClass::From50000];
/// «Mellomstore kommuner» (our reading: 5,000–19,999 inhabitants; SSB's Fig. 4.4 has
/// the size classes, the text only «mellomstore», «store» and «små»).
const MEDIUM: &[SizeClass] = &[SizeClass::From5000To9999, SizeClass::From10000To19999];

/// KS answers: a degree «i høy grad» or «i svært høy grad»; «i noen grad» or more;
/// a digitisation level; a yes.
const HIGH: &[&str] = &["hoy", "svaert-hoy"];
const SOME_OR_MORE: &[&str] = &["noen", "hoy", "svaert-hoy"];
const LOW: &[&str] = &["svaert-liten", "liten"];
const LEVEL_1: &[&str] = &["nivaa-1"];
const LEVEL_2: &[&str] = &["nivaa-2"];
const LEVEL_3: &[&str] = &["nivaa-3"];
const JA: &[&str] = &["ja"];
/// The Auditor General's agreement scale: «Helt uenig» or «Delvis uenig».
const DISAGREE: &[&str] = &["helt-uenig", "delvis-uenig"];
const CHOSEN: &[&str] = &["valgt"];

/// The seven reconstructed plan-and-building application processes (ks-2018) and
/// the six health-and-welfare ones.
const PBG_LEVELS: &[&str] = &["pbg-1", "pbg-2", "pbg-3", "pbg-4", "pbg-5", "pbg-6", "pbg-7"];
const HV_LEVELS: &[&str] = &["hv-1", "hv-2", "hv-3", "hv-4", "hv-5", "hv-6"];

const fn ssb_item(item: &'static str, answers: &'static [&'static str]) -> Measure {
    Measure::Item { methodology: SSB, item, answers }
}

const fn ssb_rank(item: &'static str, answers: &'static [&'static str], least: bool) -> Measure {
    Measure::Rank { methodology: SSB, item, answers, least }
}

const fn ks_item(item: &'static str, answers: &'static [&'static str]) -> Measure {
    Measure::Item { methodology: KS, item, answers }
}

const fn rr_item(item: &'static str, answers: &'static [&'static str]) -> Measure {
    Measure::Item { methodology: RR, item, answers }
}

/// A figure of SSB Rapporter 2019/14 (seed 002), over the municipalities.
macro_rules! ssb {
    ($id:literal, $locator:literal, $phrase:literal, $statement:literal, $published:literal, $value:expr,
     $comparison:expr, $measure:expr $(, impossible: $why:literal)? $(,)?) => {
        PublishedFigure {
            id: concat!("ssb-2018/", $id),
            methodology: SSB,
            source: concat!("SSB Rapporter 2019/14, ", $locator),
            seed: "002",
            phrase: $phrase,
            statement: $statement,
            published: $published,
            value: $value,
            comparison: $comparison,
            over: Over::Municipalities,
            measure: $measure,
            impossible: ssb!(@why $($why)?),
        }
    };
    (@why) => { None };
    (@why $why:literal) => { Some($why) };
}

/// A figure of KS / Rambøll's presentation (`slides`, seed 004) or KS's news item
/// (`news`, seed 003), over the sector.
macro_rules! ks {
    ($document:ident, $id:literal, $locator:literal, $phrase:literal, $statement:literal, $published:literal,
     $value:expr, $comparison:expr, $measure:expr $(,)?) => {
        PublishedFigure {
            id: concat!("ks-2018/", $id),
            methodology: KS,
            source: concat!(ks!(@document $document), $locator),
            seed: ks!(@seed $document),
            phrase: $phrase,
            statement: $statement,
            published: $published,
            value: $value,
            comparison: $comparison,
            over: Over::Everyone,
            measure: $measure,
            impossible: None,
        }
    };
    (@document news) => { "KS, nyhetssak om rapporten 2018, " };
    (@document slides) => { "KS / Rambøll 2018, Kartlegging av digital modenhet, " };
    (@seed news) => { "003" };
    (@seed slides) => { "004" };
}

/// A figure of the Auditor General's findings (`findings`, seed 000) or press
/// release (`press`, seed 001), over the municipalities.
macro_rules! rr {
    ($document:ident, $id:literal, $phrase:literal, $statement:literal, $published:literal, $value:expr,
     $comparison:expr, $measure:expr $(,)?) => {
        PublishedFigure {
            id: concat!("riksrevisjonen-2015/", $id),
            methodology: RR,
            source: rr!(@document $document),
            seed: rr!(@seed $document),
            phrase: $phrase,
            statement: $statement,
            published: $published,
            value: $value,
            comparison: $comparison,
            over: Over::Municipalities,
            measure: $measure,
            impossible: None,
        }
    };
    (@document findings) => { "Riksrevisjonen, Dokument 3:6 (2015–2016), Funn og anbefalinger" };
    (@document press) => { "Riksrevisjonen, Dokument 3:6 (2015–2016), pressemelding 12.01.2016" };
    (@seed findings) => { "000" };
    (@seed press) => { "001" };
}

/// Every figure the three publications state that a round of the methodology
/// determines, in the publications' order (docs/method.md §6). What is left out,
/// and why, is listed in docs/published-figures.md.
pub static PUBLISHED_FIGURES: &[PublishedFigure] = &[
    // ---- SSB Rapporter 2019/14 ----
    ssb!(
        "fig-3.1/digital_services_for_citizens",
        "Figur 3.1",
        "«Digitale tjenester for innbyggere» og «Informasjonssikkerhet» som er områdene som flest av kommunene \
         har omtalt i sine IKT-strategier, med henholdsvis 94,5 og 93,8 prosent",
        "«Digitale tjenester for innbyggere» in the ICT strategy, of those with a strategy",
        "94,5 %",
        0.945,
        Comparison::Percent(1),
        ssb_item("STRATEGY_AREA_DIGITAL_SERVICES_FOR_CITIZENS", TICKED),
    ),
    ssb!(
        "fig-3.1/information_security",
        "Figur 3.1",
        "«Digitale tjenester for innbyggere» og «Informasjonssikkerhet» som er områdene som flest av kommunene \
         har omtalt i sine IKT-strategier, med henholdsvis 94,5 og 93,8 prosent",
        "«Informasjonssikkerhet» in the ICT strategy, of those with a strategy",
        "93,8 %",
        0.938,
        Comparison::Percent(1),
        ssb_item("STRATEGY_AREA_INFORMATION_SECURITY", TICKED),
        impossible: "93,8 % of the 253 with a strategy is no whole count: 237 / 253 = 93,68 % and \
                     238 / 253 = 94,07 %",
    ),
    ssb!(
        "fig-3.1/reuse_and_sharing_of_data",
        "Figur 3.1",
        "kun to av tre av kommunene har omtalt dette i sine IKT-strategier",
        "«Økt gjenbruk og deling av data» in the ICT strategy, of those with a strategy",
        "kun to av tre",
        2.0 / 3.0,
        Comparison::Within(0.05),
        ssb_item("STRATEGY_AREA_REUSE_AND_SHARING_OF_DATA", TICKED),
    ),
    ssb!(
        "fig-3.1/digital_services_for_citizens_most",
        "Figur 3.1",
        "som er områdene som flest av kommunene har omtalt i sine IKT-strategier",
        "«Digitale tjenester for innbyggere» the area most often in the ICT strategies",
        "flest",
        1.0,
        Comparison::Ranked,
        ssb_rank("STRATEGY_AREA_DIGITAL_SERVICES_FOR_CITIZENS", TICKED, false),
    ),
    ssb!(
        "fig-3.1/information_security_second",
        "Figur 3.1",
        "som er områdene som flest av kommunene har omtalt i sine IKT-strategier",
        "«Informasjonssikkerhet» among the two areas most often in the ICT strategies",
        "flest",
        2.0,
        Comparison::Ranked,
        ssb_rank("STRATEGY_AREA_INFORMATION_SECURITY", TICKED, false),
    ),
    ssb!(
        "fig-3.1/robotisation_little",
        "Figur 3.1",
        "ser vi at «Robotisering» og «Bruk av grønn IKT» er områder som er relativt lite omtalt i IKT-strategiene",
        "«Robotisering» among the two areas least often in the ICT strategies",
        "relativt lite omtalt",
        2.0,
        Comparison::Ranked,
        ssb_rank("STRATEGY_AREA_ROBOTISATION", TICKED, true),
    ),
    ssb!(
        "fig-3.1/green_ict_little",
        "Figur 3.1",
        "ser vi at «Robotisering» og «Bruk av grønn IKT» er områder som er relativt lite omtalt i IKT-strategiene",
        "«Bruk av grønn IKT» among the two areas least often in the ICT strategies",
        "relativt lite omtalt",
        2.0,
        Comparison::Ranked,
        ssb_rank("STRATEGY_AREA_GREEN_ICT", TICKED, true),
    ),
    ssb!(
        "fig-3.2/has_projects",
        "Figur 3.2",
        "Figur 3.2 viser at 87,8 prosent av alle kommunene svarte at de hadde planlagt å starte IKT-prosjekter i 2018",
        "Have ICT projects started or planned",
        "87,8 %",
        0.878,
        Comparison::Percent(1),
        ssb_item("HAS_PROJECTS", YES),
    ),
    ssb!(
        "fig-3.2/has_projects_over_30000",
        "Figur 3.2",
        "For kommuner med flere enn 30.000 innbyggere hadde samtlige planlagt IKT-prosjekter",
        "Have ICT projects, of those with more than 30,000 inhabitants",
        "samtlige",
        1.0,
        Comparison::Percent(1),
        Measure::BySize(BySize::HasProjects, OVER_30000),
    ),
    ssb!(
        "fig-3.2/has_projects_under_2000",
        "Figur 3.2",
        "Kommunene med færre enn 2.000 innbyggere hadde i minst grad planlagt IKT-prosjekter, med en andel på \
         74,7 prosent",
        "Have ICT projects, of those under 2,000 inhabitants",
        "74,7 %",
        0.747,
        Comparison::Percent(1),
        Measure::BySize(BySize::HasProjects, UNDER_2000),
    ),
    ssb!(
        "fig-3.3/quality_of_external_services",
        "Figur 3.3",
        "Figur 3.3 viser at 94,9 prosent av kommunene forventer at IKT-prosjektene vil sørge for økt kvalitet på \
         kommunenes tjenester til eksterne brukere",
        "Projects expected to affect «Økt kvalitet på tjenester til eksterne brukere», of those with projects",
        "94,9 %",
        0.949,
        Comparison::Percent(1),
        ssb_item("PROJECT_EFFECT_AREA_QUALITY_OF_EXTERNAL_SERVICES", TICKED),
    ),
    ssb!(
        "fig-3.3/simpler_work_routines",
        "Figur 3.3",
        "«Omlegginger og forenklinger av arbeidsrutiner» ligger også høyt, med 94 prosent",
        "Projects expected to affect «Omlegginger og forenklinger av arbeidsrutiner», of those with projects",
        "94 %",
        0.94,
        Comparison::Percent(0),
        ssb_item("PROJECT_EFFECT_AREA_SIMPLER_WORK_ROUTINES", TICKED),
    ),
    ssb!(
        "fig-3.3/reduced_staffing",
        "Figur 3.3",
        "Her forventet 19,6 prosent av kommunene at IKT-prosjektene ville ha påvirkning",
        "Projects expected to affect «Reduksjon i bemanning», of those with projects",
        "19,6 %",
        0.196,
        Comparison::Percent(1),
        ssb_item("PROJECT_EFFECT_AREA_REDUCED_STAFFING", TICKED),
    ),
    ssb!(
        "fig-3.3/reduced_staffing_fewest",
        "Figur 3.3",
        "Reduksjon i bemanning var det området færrest av kommunene trodde ville påvirkes av IKT-prosjektene",
        "«Reduksjon i bemanning» the effect fewest expect",
        "færrest",
        1.0,
        Comparison::Ranked,
        ssb_rank("PROJECT_EFFECT_AREA_REDUCED_STAFFING", TICKED, true),
    ),
    ssb!(
        "fig-3.4/without_strategy",
        "Figur 3.4",
        "de 124 kommunene som ikke hadde en eksisterende strategi på rapporteringstidspunktet",
        "Municipalities without an ICT strategy",
        "124",
        124.0,
        Comparison::Count(Some(377)),
        ssb_item("HAS_STRATEGY", NO),
    ),
    ssb!(
        "fig-3.5/eight_or_more_project_areas",
        "Figur 3.5",
        "Nesten 40 prosent av kommunene med IKT-prosjekter har minst 8 områder disse prosjektene forventes å påvirke",
        "At least 8 areas affected by ICT projects, of those with projects",
        "nesten 40 prosent",
        0.40,
        Comparison::Nearly(0.05),
        Measure::Histogram { count: count::PROJECTS, from: 8, to: 10, base_from: 1 },
    ),
    ssb!(
        "median/strategy",
        "kapittel 3.2",
        "For strategier er medianverdien 9",
        "Median number of strategy areas, of those with a strategy",
        "9",
        9.0,
        Comparison::Value(0),
        Measure::Median(count::STRATEGY),
        impossible: "Tabell 3.1 puts 29 + 99 = 128 of the 253 with a strategy at strategy score 3 or 4 \
                     (10 areas or more), so the 127th of their sorted counts is at least 10",
    ),
    ssb!(
        "median/projects",
        "kapittel 3.2",
        "prosjekter, er medianverdien 7",
        "Median number of areas affected by ICT projects, of those with projects",
        "7",
        7.0,
        Comparison::Value(0),
        Measure::Median(count::PROJECTS),
    ),
    ssb!(
        "tabell-3.1/grade-0",
        "Tabell 3.1",
        "0: Har verken IKT-strategi på plass eller IKT-prosjekter i gang 34",
        "Digital priority grade 0 (neither an ICT strategy nor ICT projects)",
        "34",
        34.0,
        Comparison::Count(Some(377)),
        Measure::Grades(composite::PRIORITY, &[0]),
    ),
    ssb!(
        "tabell-3.1/grade-1",
        "Tabell 3.1",
        "1: Har enten strategi eller IKT-prosjekter i gang, men relativt få områder er berørt 105",
        "Digital priority grade 1",
        "105",
        105.0,
        Comparison::Count(Some(377)),
        Measure::Grades(composite::PRIORITY, &[1]),
    ),
    ssb!(
        "tabell-3.1/grade-2",
        "Tabell 3.1",
        "2: Omfattende IKT-strategi, men relativt få områder er berørt av IKT-prosjekter 29",
        "Digital priority grade 2",
        "29",
        29.0,
        Comparison::Count(Some(377)),
        Measure::Grades(composite::PRIORITY, &[2]),
    ),
    ssb!(
        "tabell-3.1/grade-3",
        "Tabell 3.1",
        "3: Omfattende IKT-prosjekter, men begrenset IKT-strategi 110",
        "Digital priority grade 3",
        "110",
        110.0,
        Comparison::Count(Some(377)),
        Measure::Grades(composite::PRIORITY, &[3]),
    ),
    ssb!(
        "tabell-3.1/grade-4",
        "Tabell 3.1",
        "4: Både omfattende IKT-strategi og IKT-prosjekter 99",
        "Digital priority grade 4",
        "99",
        99.0,
        Comparison::Count(Some(377)),
        Measure::Grades(composite::PRIORITY, &[4]),
    ),
    ssb!(
        "tabell-3.1/grade-0-share",
        "Tabell 3.1",
        "ca. 10 prosent av kommunene har «null»",
        "Share at digital priority grade 0",
        "ca. 10 prosent",
        0.10,
        Comparison::Within(0.015),
        Measure::Grades(composite::PRIORITY, &[0]),
    ),
    ssb!(
        "tabell-3.1/grade-1-share",
        "Tabell 3.1",
        "ca. 28 prosent har «veldig lav» grad for digital prioritering",
        "Share at digital priority grade 1",
        "ca. 28 prosent",
        0.28,
        Comparison::Percent(0),
        Measure::Grades(composite::PRIORITY, &[1]),
    ),
    ssb!(
        "fig-4.1/pc_environment_internal",
        "Figur 4.1",
        "77,7 prosent av kommunene oppgir at dette utføres utelukkende eller overveiende av interne medarbeidere",
        "Operating PC environments performed exclusively or mainly internally",
        "77,7 %",
        0.777,
        Comparison::Percent(1),
        ssb_item("ICT_FUNCTION_OPERATE_PC_ENVIRONMENT", INTERNAL),
    ),
    ssb!(
        "fig-4.1/security_testing_internal",
        "Figur 4.1",
        "I kun 25,5 prosent av kommunene utføres sikkerhetstesting utelukkende eller overveiende av interne \
         medarbeidere",
        "Security testing performed exclusively or mainly internally",
        "25,5 %",
        0.255,
        Comparison::Percent(1),
        ssb_item("ICT_FUNCTION_SECURITY_TESTING", INTERNAL),
    ),
    ssb!(
        "fig-4.1/web_development_internal",
        "Figur 4.1",
        "Det tilsvarende tallet for utvikling av internettløsninger er 31,3 prosent",
        "Web development performed exclusively or mainly internally",
        "31,3 %",
        0.313,
        Comparison::Percent(1),
        ssb_item("ICT_FUNCTION_WEB_DEVELOPMENT", INTERNAL),
    ),
    ssb!(
        "fig-4.1/pc_environment_most_internal",
        "Figur 4.1",
        "Det er drift av PC-miljøer som i størst grad utføres ved hjelp av interne",
        "Operating PC environments the function most often performed internally",
        "i størst grad",
        1.0,
        Comparison::Ranked,
        ssb_rank("ICT_FUNCTION_OPERATE_PC_ENVIRONMENT", INTERNAL, false),
    ),
    ssb!(
        "fig-4.1/security_testing_least_internal",
        "Figur 4.1",
        "er de IKT-funksjonene som i lavest grad blir utført av interne",
        "Security testing among the two functions least often performed internally",
        "i lavest grad",
        2.0,
        Comparison::Ranked,
        ssb_rank("ICT_FUNCTION_SECURITY_TESTING", INTERNAL, true),
    ),
    ssb!(
        "fig-4.1/web_development_least_internal",
        "Figur 4.1",
        "er de IKT-funksjonene som i lavest grad blir utført av interne",
        "Web development among the two functions least often performed internally",
        "i lavest grad",
        2.0,
        Comparison::Ranked,
        ssb_rank("ICT_FUNCTION_WEB_DEVELOPMENT", INTERNAL, true),
    ),
    ssb!(
        "fig-4.2/large_hindrance",
        "Figur 4.2",
        "41,9 prosent av kommunene oppgir at nettopp manglende kompetanse i kommunen i svært stor eller ganske stor \
         grad er til hinder",
        "Lack of competence hinders digital services to a fairly or very large degree",
        "41,9 %",
        0.419,
        Comparison::Percent(1),
        ssb_item("HINDRANCE_DEGREE", &["HINDRANCE_DEGREE_FAIRLY_LARGE", "HINDRANCE_DEGREE_VERY_LARGE"]),
    ),
    ssb!(
        "fig-4.2/small_hindrance",
        "Figur 4.2",
        "Kun 20,2 prosent av kommunene mener at manglende kompetanse i kommunen i svært liten eller ganske liten grad \
         er til hinder",
        "Lack of competence hinders digital services to a fairly or very small degree",
        "20,2 %",
        0.202,
        Comparison::Percent(1),
        ssb_item("HINDRANCE_DEGREE", &["HINDRANCE_DEGREE_VERY_SMALL", "HINDRANCE_DEGREE_FAIRLY_SMALL"]),
    ),
    ssb!(
        "fig-4.3/tried_to_recruit",
        "Figur 4.3",
        "29,2 prosent av kommunene hadde gjort et forsøk på dette",
        "Tried to recruit ICT specialists in the last 12 months",
        "29,2 %",
        0.292,
        Comparison::Percent(1),
        ssb_item("TRIED_TO_RECRUIT", YES),
    ),
    ssb!(
        "fig-4.3/tried_under_2000",
        "Figur 4.3",
        "For kommuner med færre enn 2.000 innbyggere gjorde 10,8 prosent forsøk på å rekruttere",
        "Tried to recruit, of those under 2,000 inhabitants",
        "10,8 %",
        0.108,
        Comparison::Percent(1),
        Measure::BySize(BySize::TriedToRecruit, UNDER_2000),
    ),
    ssb!(
        "fig-4.3/tried_from_50000",
        "Figur 4.3",
        "kommuner med minst 50.000 innbyggere hvor 86,7 prosent forsøkte å rekruttere",
        "Tried to recruit, of those with 50,000 inhabitants or more",
        "86,7 %",
        0.867,
        Comparison::Percent(1),
        Measure::BySize(BySize::TriedToRecruit, FROM_50000),
    ),
    ssb!(
        "fig-4.4/medium_struggle_most",
        "Figur 4.4",
        "mellomstore kommuner i noe større grad enn store og små kommuner hadde problemer med å rekruttere",
        "Difficulties recruiting among those who tried, medium municipalities (5,000–19,999, our reading) less the \
         larger of small and large ones",
        "i noe større grad",
        0.0,
        Comparison::Above,
        Measure::MiddleAbove(BySize::RecruitmentDifficulties, MEDIUM),
    ),
    ssb!(
        "median/internal_capacity",
        "kapittel 4.3",
        "Medianen i denne fordelingen er 8",
        "Median number of ICT functions performed mainly internally",
        "8",
        8.0,
        Comparison::Value(0),
        Measure::Median(count::INTERNAL_CAPACITY),
    ),
    ssb!(
        "fig-5.1/uses_cloud",
        "Figur 5.1",
        "Hele 85,4 prosent av kommunene har svart at de benytter seg av nettskytjenester",
        "Use cloud services",
        "85,4 %",
        0.854,
        Comparison::Percent(1),
        ssb_item("USES_CLOUD", YES),
    ),
    ssb!(
        "fig-5.1/uses_cloud_over_30000",
        "Figur 5.1 fotnote 5",
        "Samtlige kommuner med mer enn 30.000 innbyggere benytter en eller flere nettskytjenester",
        "Use cloud services, of those with more than 30,000 inhabitants",
        "samtlige",
        1.0,
        Comparison::Percent(1),
        Measure::BySize(BySize::UsesCloud, OVER_30000),
    ),
    ssb!(
        "fig-5.1/uses_cloud_under_5000",
        "Figur 5.1 fotnote 5",
        "For kommunene med færre enn 5.000 innbyggere bruker 75,4 prosent skytjenester",
        "Use cloud services, of those under 5,000 inhabitants",
        "75,4 %",
        0.754,
        Comparison::Percent(1),
        Measure::BySize(BySize::UsesCloud, UNDER_5000),
    ),
    ssb!(
        "fig-5.1/communication",
        "Figur 5.1",
        "69,3 prosent av kommunene som bruker skytjenester har tilrettelagt for denne tjenesten",
        "Communication (voice, chat, e-mail) made ready for cloud, of those using cloud",
        "69,3 %",
        0.693,
        Comparison::Percent(1),
        ssb_item("CLOUD_AREA_COMMUNICATION", TICKED),
    ),
    ssb!(
        "fig-5.1/communication_most_used",
        "Figur 5.1",
        "kommunikasjon gjennom tale, chat og/eller e-post som er de mest brukte skytjenestene",
        "Communication the area most often made ready for cloud",
        "de mest brukte",
        1.0,
        Comparison::Ranked,
        ssb_rank("CLOUD_AREA_COMMUNICATION", TICKED, false),
    ),
    ssb!(
        "fig-5.1/development_platform",
        "Figur 5.1",
        "Kun 13 prosent av kommunene som bruker skytjenester har tilrettelagt for dette",
        "Development platform made ready for cloud, of those using cloud",
        "13 %",
        0.13,
        Comparison::Percent(0),
        ssb_item("CLOUD_AREA_DEVELOPMENT_PLATFORM", TICKED),
    ),
    ssb!(
        "fig-5.2/receiving_invoices",
        "Figur 5.2",
        "93,4 prosent av kommunene har svart «ja, helt» eller «ja, delvis» på om de mottar faktura",
        "Invoice reception digital («ja, helt» or «ja, delvis»), of those using digital procurement",
        "93,4 %",
        0.934,
        Comparison::Percent(1),
        ssb_item("PROCUREMENT_ACTIVITY_RECEIVING_INVOICES", DIGITAL),
    ),
    ssb!(
        "fig-5.2/evaluation_and_award",
        "Figur 5.2",
        "Evaluering og tildeling av kontrakt sier 36,9 prosent at de ikke gjennomfører digitalt",
        "Evaluation and award of contracts not digital («nei»), of those using digital procurement",
        "36,9 %",
        0.369,
        Comparison::Percent(1),
        ssb_item("PROCUREMENT_ACTIVITY_EVALUATION_AND_AWARD", NOT_DIGITAL),
    ),
    ssb!(
        "fig-5.2/contract_follow_up",
        "Figur 5.2",
        "34 prosent av kommunene sier de ikke gjennomfører oppfølging av inngåtte avtaler digitalt",
        "Follow-up of contracts not digital («nei»), of those using digital procurement",
        "34 %",
        0.34,
        Comparison::Percent(0),
        ssb_item("PROCUREMENT_ACTIVITY_CONTRACT_FOLLOW_UP", NOT_DIGITAL),
    ),
    ssb!(
        "fig-5.3/simple_modes_unknown",
        "Figur 5.3",
        "Det er blitt gjort i lav utstrekning for de to enkle måtene, med under 5 prosent til sammen",
        "«Vet ikke» or «ikke relevant» for the two simple modes (open access, simple individual), their shares summed",
        "under 5 prosent til sammen",
        0.05,
        Comparison::Below,
        Measure::ItemsSum {
            methodology: SSB,
            items: &["SERVICE_MODE_OPEN_ACCESS", "SERVICE_MODE_SIMPLE_INDIVIDUAL"],
            answers: UNKNOWN_OR_NOT_RELEVANT,
        },
    ),
    ssb!(
        "fig-5.3/open_access_some",
        "Figur 5.3",
        "Over 60 prosent av kommunene har svart at noen av tjenestene deres tilbys på denne måten",
        "Open access: «Noen tjenester»",
        "over 60 prosent",
        0.60,
        Comparison::Above,
        ssb_item("SERVICE_MODE_OPEN_ACCESS", &["SERVICE_EXTENT_SOME"]),
    ),
    ssb!(
        "fig-5.3/open_access_most",
        "Figur 5.3",
        "10,1 prosent sier at de fleste tjenestene deres tilbys på denne måten",
        "Open access: «De fleste tjenestene»",
        "10,1 %",
        0.101,
        Comparison::Percent(1),
        ssb_item("SERVICE_MODE_OPEN_ACCESS", &["SERVICE_EXTENT_MOST"]),
    ),
    ssb!(
        "fig-5.3/open_access_none",
        "Figur 5.3",
        "14,1 prosent av kommunene tilbyr ingen tjenester gjennom åpen innsynstjeneste",
        "Open access: «Ingen tjenester»",
        "14,1 %",
        0.141,
        Comparison::Percent(1),
        ssb_item("SERVICE_MODE_OPEN_ACCESS", &["SERVICE_EXTENT_NONE"]),
    ),
    ssb!(
        "fig-5.3/open_access_all",
        "Figur 5.3 fotnote 7",
        "kun 0,8 prosent som har svart «Alle tjenestene» på «Åpen innsynstjeneste»",
        "Open access: «Alle tjenestene»",
        "0,8 %",
        0.008,
        Comparison::Percent(1),
        ssb_item("SERVICE_MODE_OPEN_ACCESS", &["SERVICE_EXTENT_ALL"]),
    ),
    ssb!(
        "fig-5.3/other_modes_all",
        "Figur 5.3 fotnote 7",
        "mens ingen har svart dette på de tre andre alternativene",
        "«Alle tjenestene» in the three other modes (a count over the three)",
        "ingen",
        0.0,
        Comparison::Count(None),
        Measure::ItemsSum {
            methodology: SSB,
            items: &[
                "SERVICE_MODE_SIMPLE_INDIVIDUAL",
                "SERVICE_MODE_COMPLEX_INDIVIDUAL",
                "SERVICE_MODE_SELF_ACTIVATED"
            ],
            answers: &["SERVICE_EXTENT_ALL"],
        },
    ),
    ssb!(
        "fig-5.3/simple_individual_some",
        "Figur 5.3",
        "68,7 prosent av kommunene har noen tjenester som er tilrettelagt på denne måten",
        "Simple individual: «Noen tjenester»",
        "68,7 %",
        0.687,
        Comparison::Percent(1),
        ssb_item("SERVICE_MODE_SIMPLE_INDIVIDUAL", &["SERVICE_EXTENT_SOME"]),
    ),
    ssb!(
        "fig-5.3/simple_individual_none",
        "Figur 5.3",
        "mens 20,4 prosent har ingen tjenester tilbudt på denne måten",
        "Simple individual: «Ingen tjenester»",
        "20,4 %",
        0.204,
        Comparison::Percent(1),
        ssb_item("SERVICE_MODE_SIMPLE_INDIVIDUAL", &["SERVICE_EXTENT_NONE"]),
    ),
    ssb!(
        "fig-5.3/complex_individual_none",
        "Figur 5.3",
        "53,6 prosent av kommunene har ingen tjenester tilbudt på denne måten",
        "Complex individual: «Ingen tjenester»",
        "53,6 %",
        0.536,
        Comparison::Percent(1),
        ssb_item("SERVICE_MODE_COMPLEX_INDIVIDUAL", &["SERVICE_EXTENT_NONE"]),
    ),
    ssb!(
        "fig-5.3/complex_individual_some",
        "Figur 5.3",
        "mens 31,8 prosent har noen slike tjenester",
        "Complex individual: «Noen tjenester»",
        "31,8 %",
        31.8 / 100.0,
        Comparison::Percent(1),
        ssb_item("SERVICE_MODE_COMPLEX_INDIVIDUAL", &["SERVICE_EXTENT_SOME"]),
    ),
    ssb!(
        "fig-5.3/self_activated_none",
        "Figur 5.3",
        "58,9 prosent av kommunene har ingen slike tjenester",
        "Self-activated: «Ingen tjenester»",
        "58,9 %",
        0.589,
        Comparison::Percent(1),
        ssb_item("SERVICE_MODE_SELF_ACTIVATED", &["SERVICE_EXTENT_NONE"]),
    ),
    ssb!(
        "fig-5.3/self_activated_some",
        "Figur 5.3",
        "mens 17,8 tilbyr noen slike tjenester",
        "Self-activated: «Noen tjenester»",
        "17,8 %",
        0.178,
        Comparison::Percent(1),
        ssb_item("SERVICE_MODE_SELF_ACTIVATED", &["SERVICE_EXTENT_SOME"]),
    ),
    ssb!(
        "fig-5.3/complex_individual_unknown",
        "Figur 5.3",
        "For førstnevnte har 11 prosent av kommunene svart én av disse",
        "«Vet ikke» or «ikke relevant» for complex individual services",
        "11 %",
        0.11,
        Comparison::Percent(0),
        ssb_item("SERVICE_MODE_COMPLEX_INDIVIDUAL", UNKNOWN_OR_NOT_RELEVANT),
    ),
    ssb!(
        "fig-5.3/self_activated_unknown",
        "Figur 5.3",
        "mens det for sistnevnte er hele 21 prosent som har svart dette",
        "«Vet ikke» or «ikke relevant» for self-activated services",
        "21 %",
        0.21,
        Comparison::Percent(0),
        ssb_item("SERVICE_MODE_SELF_ACTIVATED", UNKNOWN_OR_NOT_RELEVANT),
    ),
    ssb!(
        "median/cloud",
        "kapittel 5.2",
        "Her er medianverdien 6",
        "Median number of areas made ready for cloud, of those using cloud",
        "6",
        6.0,
        Comparison::Value(0),
        Measure::Median(count::CLOUD),
    ),
    ssb!(
        "fig-5.4/without_cloud",
        "Figur 5.4",
        "nærmere 60 kommuner ikke benytter seg av noen skytjenester",
        "Municipalities not using cloud services",
        "nærmere 60",
        60.0,
        Comparison::NearlyCount(6),
        ssb_item("USES_CLOUD", NO),
    ),
    ssb!(
        "fig-5.4/ten_or_more_cloud_areas",
        "Figur 5.4",
        "under 20 prosent av de som bruker skytjenester, har 10 eller flere områder som er tilrettelagt",
        "Ten or more areas made ready for cloud, of those using cloud",
        "under 20 prosent",
        0.20,
        Comparison::Below,
        Measure::Histogram { count: count::CLOUD, from: 10, to: 15, base_from: 1 },
    ),
    ssb!(
        "median/procurement",
        "kapittel 5.2",
        "Medianen her er 6",
        "Median number of procurement activities done digitally",
        "6",
        6.0,
        Comparison::Value(0),
        Measure::Median(count::PROCUREMENT),
    ),
    ssb!(
        "fig-5.5/no_procurement_activity",
        "Figur 5.5",
        "Figur 5.5 viser at kun 20 kommuner som har svart på undersøkelsen",
        "Municipalities doing none of the procurement activities digitally",
        "kun 20",
        20.0,
        Comparison::Count(None),
        Measure::Histogram { count: count::PROCUREMENT, from: 0, to: 0, base_from: 0 },
        impossible: "20 without any activity leave 357 users of digital procurement (every municipality answering), \
                     and Figur 5.2's 93,4 % and 36,9 % are no counts of 357: 333 / 357 = 93,28 %, 334 / 357 = \
                     93,56 %; 131 / 357 = 36,69 %, 132 / 357 = 36,97 %",
    ),
    ssb!(
        "fig-5.5/every_procurement_activity",
        "Figur 5.5",
        "mens nesten 100 gjennomfører samtlige",
        "Municipalities doing all eight procurement activities digitally",
        "nesten 100",
        100.0,
        Comparison::NearlyCount(10),
        Measure::Histogram { count: count::PROCUREMENT, from: 8, to: 8, base_from: 0 },
    ),
    ssb!(
        "median/service_offer",
        "kapittel 5.2",
        "medianverdien 2 av de 14 mulige",
        "Median service-offer points",
        "2",
        2.0,
        Comparison::Value(0),
        Measure::Median(count::SERVICE_OFFER),
    ),
    ssb!(
        "fig-5.6/highest_service_offer",
        "Figur 5.6",
        "ingen kommuner har fått høyere verdi enn 12",
        "The highest service-offer points of any municipality",
        "12",
        12.0,
        Comparison::AtMost,
        Measure::Highest(count::SERVICE_OFFER),
    ),
    ssb!(
        "tabell-5.1/grade-0",
        "Tabell 5.1",
        "0: Svært liten bruk av begge 28",
        "Use of digital services grade 0",
        "28",
        28.0,
        Comparison::Count(Some(377)),
        Measure::Grades(composite::USE, &[0]),
    ),
    ssb!(
        "tabell-5.1/grade-1",
        "Tabell 5.1",
        "1: Relativt liten bruk av begge 101",
        "Use of digital services grade 1",
        "101",
        101.0,
        Comparison::Count(Some(377)),
        Measure::Grades(composite::USE, &[1]),
    ),
    ssb!(
        "tabell-5.1/grade-2",
        "Tabell 5.1",
        "2: Mye bruk av skytjenester, men lite av digitale innkjøp 51",
        "Use of digital services grade 2",
        "51",
        51.0,
        Comparison::Count(Some(377)),
        Measure::Grades(composite::USE, &[2]),
    ),
    ssb!(
        "tabell-5.1/grade-3",
        "Tabell 5.1",
        "3: Mye bruk av digitale innkjøp, men lite av skytjenester 107",
        "Use of digital services grade 3",
        "107",
        107.0,
        Comparison::Count(Some(377)),
        Measure::Grades(composite::USE, &[3]),
    ),
    ssb!(
        "tabell-5.1/grade-4",
        "Tabell 5.1",
        "4: Mye bruk av begge 90",
        "Use of digital services grade 4",
        "90",
        90.0,
        Comparison::Count(Some(377)),
        Measure::Grades(composite::USE, &[4]),
    ),
    ssb!(
        "tabell-5.1/grade-0-share",
        "Tabell 5.1",
        "ca. 7 prosent av kommunene har grad «null»",
        "Share at use-of-digital-services grade 0",
        "ca. 7 prosent",
        0.07,
        Comparison::Percent(0),
        Measure::Grades(composite::USE, &[0]),
    ),
    ssb!(
        "tabell-5.1/grade-1-share",
        "Tabell 5.1",
        "ca. 27 prosent har «veldig lav» grad for bruk av digitale tjenester",
        "Share at use-of-digital-services grade 1",
        "ca. 27 prosent",
        0.27,
        Comparison::Percent(0),
        Measure::Grades(composite::USE, &[1]),
    ),
    ssb!(
        "tabell-5.2/grade-0",
        "Tabell 5.2",
        "0: Svært lite av digital aktivitet 31",
        "Digital activity grade 0",
        "31",
        31.0,
        Comparison::Count(Some(377)),
        Measure::Grades(composite::ACTIVITY, &[0]),
    ),
    ssb!(
        "tabell-5.2/grade-1",
        "Tabell 5.2",
        "1: Relativt lite av digital aktivitet 112",
        "Digital activity grade 1",
        "112",
        112.0,
        Comparison::Count(Some(377)),
        Measure::Grades(composite::ACTIVITY, &[1]),
    ),
    ssb!(
        "tabell-5.2/grade-2",
        "Tabell 5.2",
        "2: Bruker mye av digitale tjenester, men tilbyr lite selv 111",
        "Digital activity grade 2",
        "111",
        111.0,
        Comparison::Count(Some(377)),
        Measure::Grades(composite::ACTIVITY, &[2]),
    ),
    ssb!(
        "tabell-5.2/grade-3",
        "Tabell 5.2",
        "3: Tilbyr mye av digitale tjenester, men bruker lite selv 37",
        "Digital activity grade 3",
        "37",
        37.0,
        Comparison::Count(Some(377)),
        Measure::Grades(composite::ACTIVITY, &[3]),
    ),
    ssb!(
        "tabell-5.2/grade-4",
        "Tabell 5.2",
        "4: Både bruker og tilbyr mye av digitale tjenester 86",
        "Digital activity grade 4",
        "86",
        86.0,
        Comparison::Count(Some(377)),
        Measure::Grades(composite::ACTIVITY, &[4]),
    ),
    ssb!(
        "tabell-5.2/grades-0-1-share",
        "Tabell 5.2",
        "Fordelingen viser at hele 38 prosent av kommunene oppnår «ingen» eller «lite» digital aktivitet",
        "Share at digital activity grade 0 or 1",
        "hele 38 prosent",
        0.38,
        Comparison::Percent(0),
        Measure::Grades(composite::ACTIVITY, &[0, 1]),
    ),
    ssb!(
        "ch-6/without_strategy_share",
        "kapittel 6",
        "en tredjedel av kommunene ikke har en IKT-/digitaliseringsstrategi",
        "Share without an ICT strategy",
        "en tredjedel",
        1.0 / 3.0,
        Comparison::Within(0.02),
        ssb_item("HAS_STRATEGY", NO),
    ),
    ssb!(
        "ch-6/projects_without_strategy",
        "kapittel 6",
        "samtidig som en tredjedel av disse har relativt omfattende IKT-prosjekter",
        "Relatively comprehensive ICT projects (project score ≥ 3), of those without a strategy",
        "en tredjedel",
        1.0 / 3.0,
        Comparison::Within(0.02),
        Measure::ProjectsWithoutStrategy,
    ),
    ssb!(
        "ch-6/large_hindrance",
        "kapittel 6",
        "Hele 42 prosent av kommunene oppgir at nettopp manglende kompetanse i kommunen i svært stor eller ganske \
         stor grad er til hinder",
        "Lack of competence hinders digital services to a fairly or very large degree",
        "hele 42 prosent",
        0.42,
        Comparison::Percent(0),
        ssb_item("HINDRANCE_DEGREE", &["HINDRANCE_DEGREE_FAIRLY_LARGE", "HINDRANCE_DEGREE_VERY_LARGE"]),
    ),
    ssb!(
        "ch-6/large_hindrance_more_among_internal",
        "kapittel 6",
        "Dette gjelder i større grad de kommunene som bruker mye interne ressurser",
        "A large hindrance more often among the internally sourced than the externally sourced (difference of shares)",
        "i større grad",
        0.0,
        Comparison::Above,
        Measure::LargeHindranceInternalLessExternal,
    ),
    ssb!(
        "ch-6/not_tried_among_large_hindrance",
        "kapittel 6",
        "hele 70 prosent av dem som opplever at mangelen på kompetanse er en stor hindring for deres digitale \
         utvikling at de ikke har prøvd å rekruttere IT-spesialister",
        "Did not try to recruit, of those reporting a large hindrance",
        "hele 70 prosent",
        0.70,
        Comparison::Percent(0),
        Measure::NotTriedAmongLargeHindrance,
    ),
    ssb!(
        "ch-6/some_procurement_activity",
        "kapittel 6",
        "95 prosent har noen aktiviteter som gjennomføres digitalt når det gjelder innkjøp av varer og tjenester",
        "Some procurement activity done digitally",
        "95 %",
        0.95,
        Comparison::Percent(0),
        Measure::Histogram { count: count::PROCUREMENT, from: 1, to: 8, base_from: 0 },
        impossible: "95 % of 377 is 357 to 360 users of digital procurement, and Figur 5.2's 93,4 % is no count of \
                     any of them (of 357: 333 is 93,28 %, 334 is 93,56 %; of 360: 336 is 93,33 %, 337 is 93,61 %)",
    ),
    ssb!(
        "ch-6/cloud_score_very_low",
        "kapittel 6",
        "Også bruk av skytjenester, hvor en tredjedel av kommunene scorer «veldig lav»",
        "Cloud score 1 («veldig lav»)",
        "en tredjedel",
        1.0 / 3.0,
        Comparison::Within(0.03),
        Measure::Score(count::CLOUD, 1),
    ),
    // ---- KS / Rambøll 2018 ----
    ks!(
        slides,
        "accounting/some_part",
        "Kort om kartleggingene",
        "Til sammen har 48 % av alle kommuner og fylkeskommuner besvart deler av undersøkelsen (antall svar 215)",
        "Respondents that answered some part of the survey",
        "215",
        215.0,
        Comparison::Count(None),
        Measure::KsSomePart,
    ),
    ks!(
        slides,
        "accounting/all_parts",
        "Kort om kartleggingene",
        "32 % har besvart hele undersøkelsen (antall svar 141)",
        "Respondents that answered every part of the survey",
        "141",
        141.0,
        Comparison::Count(None),
        Measure::KsAllParts,
    ),
    ks!(
        slides,
        "accounting/digitalisering-generelt",
        "Kort om kartleggingene",
        "45 % har besvart digitalisering generelt (antall svar 200)",
        "Respondents that answered «Digitalisering generelt» (its five areas)",
        "200",
        200.0,
        Comparison::Count(None),
        Measure::KsPart(&[
            "brukeren-i-sentrum",
            "ikt-som-innsatsfaktor",
            "digital-kompetanse-og-deltakelse",
            "effektiv-digitalisering",
            "informasjonssikkerhet-og-personvern",
        ]),
    ),
    ks!(
        slides,
        "accounting/helse-og-velferd",
        "Kort om kartleggingene",
        "38 % har besvart helse og velferd (antall svar 169)",
        "Respondents that answered «Helse og velferd»",
        "169",
        169.0,
        Comparison::Count(None),
        Measure::KsPart(&["helse-og-velferd"]),
    ),
    ks!(
        slides,
        "accounting/utdanning-og-oppvekst",
        "Kort om kartleggingene",
        "38 % har besvart utdanning og oppvekst (antall svar 168)",
        "Respondents that answered «Utdanning og oppvekst»",
        "168",
        168.0,
        Comparison::Count(None),
        Measure::KsPart(&["utdanning-og-oppvekst"]),
    ),
    ks!(
        slides,
        "accounting/plan-bygg-og-geodata",
        "Kort om kartleggingene",
        "35 % har besvart plan, bygg og geodata (antall svar 158)",
        "Respondents that answered «Plan, bygg og geodata»",
        "158",
        158.0,
        Comparison::Count(None),
        Measure::KsPart(&["plan-bygg-og-geodata"]),
    ),
    ks!(
        slides,
        "area/brukeren-i-sentrum",
        "Overordnet modenhet Brukeren i sentrum",
        "Verdien på forrige slide, 1,9 av 5, representerer den overordnede modenheten i kommunesektoren",
        "Mean of «Brukeren i sentrum»",
        "1,9 av 5",
        1.9,
        Comparison::Value(1),
        Measure::AreaMean("brukeren-i-sentrum"),
    ),
    ks!(
        slides,
        "item/bis-1/involves_no_users",
        "Brukeren i sentrum",
        "Kun 15 % oppgir at de ikke involverer brukerne i det hele tatt i utviklingen av digitale tjenester",
        "Involve no users («Involverer ikke brukerne»: an empty selection), of those who answered",
        "15 %",
        0.15,
        Comparison::Percent(0),
        ks_item("bis-1", &["ingen-valgt"]),
    ),
    ks!(
        slides,
        "item/bis-2/plain_language",
        "Brukeren i sentrum",
        "Over halvparten (53 %) oppgir at de driver et systematisk arbeid med klarspråk",
        "Work systematically with plain language («Ja»), of those who answered",
        "53 %",
        0.53,
        Comparison::Percent(0),
        ks_item("bis-2", JA),
    ),
    ks!(
        slides,
        "area/ikt-som-innsatsfaktor",
        "Overordnet modenhet IKT som innsatsfaktor",
        "Verdien på forrige slide, 2,1 av 5, representerer den overordnede modenheten i kommunesektoren",
        "Mean of «IKT som innsatsfaktor for innovasjon og økt produktivitet»",
        "2,1 av 5",
        2.1,
        Comparison::Value(1),
        Measure::AreaMean("ikt-som-innsatsfaktor"),
    ),
    ks!(
        slides,
        "item/ikt-1/supplier_dialogue",
        "IKT som innsatsfaktor",
        "65 % oppgir at de i svært høy eller høy grad er i dialog med leverandørmarkedet",
        "ICT procurements with dialogue with the supplier market to a high or very high degree",
        "65 %",
        0.65,
        Comparison::Percent(0),
        ks_item("ikt-1", HIGH),
    ),
    ks!(
        slides,
        "item/ikt-10/immature_open_data",
        "IKT som innsatsfaktor",
        "49 % er relativt umodne når det gjelder deling og bruk av åpne data",
        "Relatively immature on open data (no conscious approach, or conscious but neither shared nor used)",
        "49 %",
        0.49,
        Comparison::Percent(0),
        ks_item("ikt-10", &["ikke-bevisst", "bevisst-ikke-delt"]),
    ),
    ks!(
        slides,
        "item/ikt-10/no_conscious_approach",
        "IKT som innsatsfaktor",
        "17 % har ikke et bevisst forhold til det",
        "No conscious approach to open public data",
        "17 %",
        0.17,
        Comparison::Percent(0),
        ks_item("ikt-10", &["ikke-bevisst"]),
    ),
    ks!(
        slides,
        "item/ikt-10/share_and_use",
        "IKT som innsatsfaktor",
        "32 % av kommuner og fylkeskommuner oppgir at de er opptatt av å både å dele og ta i bruk åpne, offentlige data",
        "Intent on both sharing and using open public data",
        "32 %",
        0.32,
        Comparison::Percent(0),
        ks_item("ikt-10", &["dele-og-ta-i-bruk"]),
    ),
    ks!(
        slides,
        "item/ikt-11/data_catalogue",
        "IKT som innsatsfaktor",
        "Svært få kommuner, kun 6 %, oppgir å ha lagt ut sine åpne, offentlige data i Difis datakatalog",
        "Have published open data in Difi's data catalogue («Ja»)",
        "6 %",
        0.06,
        Comparison::Percent(0),
        ks_item("ikt-11", JA),
    ),
    ks!(
        slides,
        "item/ikt-12/big_data",
        "IKT som innsatsfaktor",
        "Omkring 1 av 5 kommuner og fylkeskommuner (18 %) oppgir å ha initiativer eller prosesser som involverer \
         bruk av stordata",
        "Have ongoing big-data initiatives («Ja»)",
        "18 %",
        0.18,
        Comparison::Percent(0),
        ks_item("ikt-12", JA),
    ),
    ks!(
        slides,
        "area/digital-kompetanse-og-deltakelse",
        "Overordnet modenhet Styrket digital kompetanse og deltakelse",
        "Verdien på forrige slide, 2,6 av 5, representerer den overordnede modenheten i kommunesektoren",
        "Mean of «Styrket digital kompetanse og deltakelse»",
        "2,6 av 5",
        2.6,
        Comparison::Value(1),
        Measure::AreaMean("digital-kompetanse-og-deltakelse"),
    ),
    ks!(
        slides,
        "area/effektiv-digitalisering",
        "Overordnet modenhet Effektiv digitalisering av offentlig sektor",
        "Verdien på forrige slide, 2,9 av 5, representerer den overordnede modenheten i kommunesektoren",
        "Mean of «Effektiv digitalisering av offentlig sektor»",
        "2,9 av 5",
        2.9,
        Comparison::Value(1),
        Measure::AreaMean("effektiv-digitalisering"),
    ),
    ks!(
        slides,
        "item/eff-1/state_cooperation_possible",
        "Effektiv digitalisering av offentlig sektor",
        "Hele 76 % har svart at det i svært høy eller høy grad er muligheter for samarbeid",
        "See opportunities for cooperation with the state to a high or very high degree",
        "76 %",
        0.76,
        Comparison::Percent(0),
        ks_item("eff-1", HIGH),
    ),
    ks!(
        slides,
        "item/eff-4/shares_experience",
        "Effektiv digitalisering av offentlig sektor",
        "3 av 4 kommuner oppgir at de deler erfaringer fra digitaliseringsarbeid enten gjennom jevnlig kontakt med \
         nærliggende kommuner eller ved deltakelse i formaliserte nettverk",
        "Share experience through regular contact with neighbours or formalised networks",
        "3 av 4",
        0.75,
        Comparison::Within(0.05),
        ks_item("eff-4", &["jevnlig-kontakt", "formaliserte-nettverk"]),
    ),
    ks!(
        slides,
        "item/eff-5/no_uniform_method",
        "Effektiv digitalisering av offentlig sektor",
        "Nesten halvparten (45 %) av kommuner og fylkeskommuner opplever at kommunesektoren i svært liten eller \
         liten grad har en enhetlig metodikk",
        "The sector has a uniform method for shared solutions to a small or very small degree",
        "45 %",
        0.45,
        Comparison::Percent(0),
        ks_item("eff-5", LOW),
    ),
    ks!(
        slides,
        "item/eff-5/uniform_method",
        "Effektiv digitalisering av offentlig sektor",
        "Kun 12 % opplever at det forekommer i svært høy eller høy grad",
        "The sector has a uniform method for shared solutions to a high or very high degree",
        "12 %",
        0.12,
        Comparison::Percent(0),
        ks_item("eff-5", HIGH),
    ),
    ks!(
        slides,
        "area/informasjonssikkerhet-og-personvern",
        "Overordnet modenhet Informasjonssikkerhet, personvern og dokumentasjonsforvaltning",
        "Verdien på forrige slide, 3,2 av 5, representerer den overordnede modenheten i kommunesektoren",
        "Mean of «Informasjonssikkerhet, personvern og dokumentasjonsforvaltning»",
        "3,2 av 5",
        3.2,
        Comparison::Value(1),
        Measure::AreaMean("informasjonssikkerhet-og-personvern"),
    ),
    ks!(
        slides,
        "item/sik-1/every_unit",
        "Informasjonssikkerhet",
        "Omkring to tredjedeler av kommuner og fylkeskommuner oppgir at de er omfattet av en strategi eller veileder \
         for håndtering av informasjonssikkerhet i samtlige virksomheter i kommunen",
        "An information-security strategy or guidelines in every unit («Samtlige …»), of those who answered",
        "68 %",
        0.68,
        Comparison::Percent(0),
        ks_item("sik-1", &["samtlige"]),
    ),
    ks!(
        news,
        "item/sik-1/every_unit_two_thirds",
        "Scorer best på personvern og sikkerhet",
        "To tredjedeler av kommunene og fylkeskommunene i undersøkelsen svarer at har en strategi for \
         informasjonssikkerhet i samtlige virksomheter i kommunen",
        "An information-security strategy in every unit («Samtlige …»), of those who answered",
        "to tredjedeler",
        2.0 / 3.0,
        Comparison::Within(0.05),
        ks_item("sik-1", &["samtlige"]),
    ),
    ks!(
        slides,
        "item/sik-2/reports_to_chief_executive",
        "Informasjonssikkerhet",
        "54 % oppgir at de har en dedikert sikkerhetsfunksjon som rapporterer til rådmann/fylkesrådmann",
        "A dedicated security function reporting to the chief executive",
        "54 %",
        0.54,
        Comparison::Percent(0),
        ks_item("sik-2", &["radmann"]),
    ),
    ks!(
        slides,
        "item/sik-2/no_dedicated_function",
        "Informasjonssikkerhet",
        "15 % oppgir at de ikke har en dedikert funksjon med ansvar for informasjonssikkerhet",
        "No dedicated function responsible for information security",
        "15 %",
        0.15,
        Comparison::Percent(0),
        ks_item("sik-2", &["ingen-dedikert"]),
    ),
    ks!(
        slides,
        "item/sik-3/some_units_or_sporadic",
        "Informasjonssikkerhet",
        "De fleste (81 %) oppgir at noen enheter har arbeidet systematisk med forberedelser til krav om innebygget \
         personvern i tjenestene, eller at det har blitt gjort sporadiske aktiviteter i enkelte enheter",
        "Privacy by design prepared systematically in some units, or sporadically",
        "81 %",
        0.81,
        Comparison::Percent(0),
        ks_item("sik-3", &["noen-enheter", "sporadiske"]),
    ),
    ks!(
        slides,
        "item/sik-3/every_unit",
        "Informasjonssikkerhet",
        "Kun 9 % oppgir at alle enheter har jobbet systematisk med dette",
        "Privacy by design prepared systematically in every unit",
        "9 %",
        0.09,
        Comparison::Percent(0),
        ks_item("sik-3", &["alle-enheter"]),
    ),
    ks!(
        slides,
        "item/sik-4/has_a_plan",
        "Informasjonssikkerhet",
        "Hele 83 % har en plan for hvordan kravet skal innfris",
        "A plan for the data protection officer",
        "83 %",
        0.83,
        Comparison::Percent(0),
        ks_item("sik-4", &["samarbeid", "dedikert", "fordelt-til-medarbeider"]),
    ),
    ks!(
        slides,
        "item/sik-4/unresolved",
        "Informasjonssikkerhet",
        "Hos kun 17 % av kommuner og fylkeskommuner er det fortsatt uavklart hvordan de skal innfri kravet",
        "Still unresolved how to meet the data-protection-officer requirement",
        "17 %",
        0.17,
        Comparison::Percent(0),
        ks_item("sik-4", &["uavklart"]),
    ),
    ks!(
        slides,
        "item/sik-5/cloud_plan_or_mapped",
        "Informasjonssikkerhet",
        "Til sammen 49 % oppgir at de har en strategi eller plan for hvorfor skytjenester tas i bruk, hvordan det \
         tas i bruk og hvilke skytjenester som skal tas i bruk, eller at formål og behov er kartlagt",
        "A cloud strategy or plan, a requirement specification, or purposes and needs mapped (every «Ja»)",
        "til sammen 49 %",
        0.49,
        Comparison::Percent(0),
        ks_item("sik-5", &["formal-og-behov", "kravspesifikasjon", "strategi-plan"]),
    ),
    ks!(
        slides,
        "item/sik-5/not_started",
        "Informasjonssikkerhet",
        "Den største andelen (51 %) oppgir at utarbeidelse av en slik strategi eller plan ikke er påbegynt",
        "No cloud strategy or plan begun («Nei, dette er ikke påbegynt»)",
        "51 %",
        0.51,
        Comparison::Percent(0),
        ks_item("sik-5", &["ikke-paabegynt"]),
    ),
    ks!(
        slides,
        "area/helse-og-velferd",
        "Overordnet modenhet Helse og velferd",
        "Verdien på forrige slide, 2,7 av 5, representerer den overordnede modenheten i kommunesektoren",
        "Mean of «Helse og velferd»",
        "2,7 av 5",
        2.7,
        Comparison::Value(1),
        Measure::AreaMean("helse-og-velferd"),
    ),
    ks!(
        slides,
        "item/hv/level_1_mean",
        "Helse og velferd",
        "I snitt er det hele 65 % av kommunene som oppgir dette",
        "Application processes at level 1, averaged over the six health-and-welfare services",
        "i snitt 65 %",
        0.65,
        Comparison::Percent(0),
        Measure::ItemsMean { methodology: KS, items: HV_LEVELS, answers: LEVEL_1 },
    ),
    ks!(
        slides,
        "item/hv-6/alcohol_licence_level_2",
        "Helse og velferd",
        "skjenkebevilgning den tjenesten hvor digitalisering av søknadsprosesser er kommet lengst, med 24 % på nivå 2",
        "Alcohol licence applications at level 2",
        "24 %",
        0.24,
        Comparison::Percent(0),
        ks_item("hv-6", LEVEL_2),
    ),
    ks!(
        slides,
        "item/hv-7/epr_respite_homes",
        "Helse og velferd",
        "Ved avlastningsboliger og barneboliger er det henholdsvis 70 % og 51 % av kommunene som har tatt i bruk EPJ",
        "Electronic patient records in respite-care homes",
        "70 %",
        0.70,
        Comparison::Percent(0),
        ks_item("hv-7", JA),
    ),
    ks!(
        slides,
        "item/hv-8/epr_children_homes",
        "Helse og velferd",
        "Ved avlastningsboliger og barneboliger er det henholdsvis 70 % og 51 % av kommunene som har tatt i bruk EPJ",
        "Electronic patient records in residential homes for children",
        "51 %",
        0.51,
        Comparison::Percent(0),
        ks_item("hv-8", JA),
    ),
    ks!(
        slides,
        "item/hv-9/lab_results_care",
        "Helse og velferd",
        "Elektroniske laboratoriesvar til EPJ kan mottas i 59 % av kommunene i pleie- og omsorgstjenesten",
        "Electronic laboratory results in the care services, of those who answered with a selection",
        "59 %",
        0.59,
        Comparison::Percent(0),
        ks_item("hv-9/pleie-og-omsorg", CHOSEN),
    ),
    ks!(
        slides,
        "item/hv-9/lab_results_health_centres",
        "Helse og velferd",
        "mens 45 % av dem oppgir tilsvarende for helsestasjonstjenesten",
        "Electronic laboratory results in the health-centre service, of those who answered with a selection",
        "45 %",
        0.45,
        Comparison::Percent(0),
        ks_item("hv-9/helsestasjon", CHOSEN),
    ),
    ks!(
        slides,
        "item/hv-10/e_referral",
        "Helse og velferd",
        "75 % av kommuner/fylkeskommuner sender elektronisk henvisning til spesialisthelsetjenesten",
        "Send electronic referrals to the specialist health service",
        "75 %",
        0.75,
        Comparison::Percent(0),
        ks_item("hv-10", JA),
    ),
    ks!(
        slides,
        "item/hv-11/e_messages",
        "Helse og velferd",
        "90 % av dem sender/mottar elektroniske meldinger til fastleger og/eller spesialisthelsetjenesten",
        "Send or receive electronic messages with GPs or the specialist health service",
        "90 %",
        0.90,
        Comparison::Percent(0),
        ks_item("hv-11", JA),
    ),
    ks!(
        slides,
        "item/hv-12/e_prescription",
        "Helse og velferd",
        "50 % oppgir at sykehjemslegene sender",
        "Nursing-home doctors send e-prescriptions",
        "50 %",
        0.50,
        Comparison::Percent(0),
        ks_item("hv-12", JA),
    ),
    ks!(
        slides,
        "area/utdanning-og-oppvekst",
        "Overordnet modenhet Utdanning og oppvekst",
        "Verdien på forrige slide, 3 av 5, representerer den overordnede modenheten i kommunesektoren",
        "Mean of «Utdanning og oppvekst»",
        "3 av 5",
        3.0,
        Comparison::Value(0),
        Measure::AreaMean("utdanning-og-oppvekst"),
    ),
    ks!(
        slides,
        "item/uo-4/school_home_level_2",
        "Utdanning og oppvekst",
        "Dialog skole-hjem skiller seg ut med hele 60 % av kommunene/ fylkeskommunene som oppgir at de er på nivå 2",
        "School–home dialogue at level 2",
        "60 %",
        0.60,
        Comparison::Percent(0),
        ks_item("uo-4", LEVEL_2),
    ),
    ks!(
        slides,
        "item/uo-4/school_home_level_3",
        "Utdanning og oppvekst",
        "oppgir at de er på nivå 2 og 10 % på nivå 3",
        "School–home dialogue at level 3",
        "10 %",
        0.10,
        Comparison::Percent(0),
        ks_item("uo-4", LEVEL_3),
    ),
    ks!(
        slides,
        "item/uo-1/kindergarten_level_2",
        "Utdanning og oppvekst",
        "søknad om barnehageplass med 59 % av kommuner/fylkeskommuner på nivå 2",
        "Kindergarten place applications at level 2",
        "59 %",
        0.59,
        Comparison::Percent(0),
        ks_item("uo-1", LEVEL_2),
    ),
    ks!(
        slides,
        "item/uo-9/ict_in_teaching",
        "Utdanning og oppvekst",
        "95 % av kommuner og fylkeskommuner oppgir at de i noen eller høy grad oppfyller kravene til IKT i \
         undervisningen",
        "Meet the curricula's requirements for ICT in teaching to some degree or more",
        "95 %",
        0.95,
        Comparison::Percent(0),
        ks_item("uo-9", SOME_OR_MORE),
    ),
    ks!(
        slides,
        "item/uo-10/kindergarten_ict_some",
        "Utdanning og oppvekst",
        "54 % av dem oppgir at de bruker det i noen grad og 18 % bruker det i liten grad",
        "ICT in the kindergartens' pedagogical programme to some degree",
        "54 %",
        0.54,
        Comparison::Percent(0),
        ks_item("uo-10", &["noen"]),
    ),
    ks!(
        slides,
        "item/uo-10/kindergarten_ict_little",
        "Utdanning og oppvekst",
        "54 % av dem oppgir at de bruker det i noen grad og 18 % bruker det i liten grad",
        "ICT in the kindergartens' pedagogical programme to a small degree",
        "18 %",
        0.18,
        Comparison::Percent(0),
        ks_item("uo-10", &["liten"]),
    ),
    ks!(
        slides,
        "item/uo-11/digital_assessment",
        "Utdanning og oppvekst",
        "Hele 3 av 4 kommuner/fylkeskommuner har i høy grad eller noen grad tatt i bruk løsninger for digital vurdering",
        "Digital assessment adopted to some degree or more",
        "3 av 4",
        0.75,
        Comparison::Within(0.05),
        ks_item("uo-11", SOME_OR_MORE),
    ),
    ks!(
        slides,
        "item/uo-12/statutory_guidelines",
        "Utdanning og oppvekst",
        "Omkring 3 av 4 kommuner har i høy grad eller noen grad innarbeidet lovpålagte føringer",
        "Statutory digital-competence guidelines in the overall plans to some degree or more",
        "omkring 3 av 4",
        0.75,
        Comparison::Within(0.05),
        ks_item("uo-12", SOME_OR_MORE),
    ),
    ks!(
        slides,
        "area/plan-bygg-og-geodata",
        "Overordnet modenhet Plan, bygg og geodata",
        "Verdien på forrige slide, 3 av 5, representerer den overordnede modenheten i kommunesektoren",
        "Mean of «Plan, bygg og geodata»",
        "3 av 5",
        3.0,
        Comparison::Value(0),
        Measure::AreaMean("plan-bygg-og-geodata"),
    ),
    ks!(
        slides,
        "item/pbg/level_1_mean",
        "Plan, bygg og geodata",
        "Rundt tre av fire kommuner/fylkeskommuner er på nivå 1, og en av fire er på nivå 2",
        "Application processes at level 1, averaged over the seven planning and building services",
        "rundt tre av fire",
        0.75,
        Comparison::Within(0.05),
        Measure::ItemsMean { methodology: KS, items: PBG_LEVELS, answers: LEVEL_1 },
    ),
    ks!(
        slides,
        "item/pbg/level_2_mean",
        "Plan, bygg og geodata",
        "Rundt tre av fire kommuner/fylkeskommuner er på nivå 1, og en av fire er på nivå 2",
        "Application processes at level 2, averaged over the seven planning and building services",
        "en av fire",
        0.25,
        Comparison::Within(0.05),
        Measure::ItemsMean { methodology: KS, items: PBG_LEVELS, answers: LEVEL_2 },
    ),
    ks!(
        slides,
        "item/pbg-4/excavation_level_3",
        "Plan, bygg og geodata",
        "Søknad om gravetillatelse er tjenesten som i størst grad (6 %) er digitalisert på nivå 3",
        "Excavation permit applications at level 3",
        "6 %",
        0.06,
        Comparison::Percent(0),
        ks_item("pbg-4", LEVEL_3),
    ),
    ks!(
        slides,
        "item/pbg-8/data_reuse",
        "Plan, bygg og geodata",
        "Over halvparten oppgir at de i høy grad eller noen grad har digitalisert sine plan- og byggesaksprosesser",
        "Planning and building processes digitised for data reuse to some degree or more",
        "over halvparten",
        0.5,
        Comparison::Above,
        ks_item("pbg-8", SOME_OR_MORE),
    ),
    ks!(
        slides,
        "item/pbg-9/geodata_services",
        "Plan, bygg og geodata",
        "Geografisk informasjon er, i følge mer enn 70 % av kommuner/fylkeskommuner, i høy grad eller svært høy grad \
         tilrettelagt",
        "Geographic information available as up-to-date services to a high or very high degree",
        "mer enn 70 %",
        0.70,
        Comparison::Above,
        ks_item("pbg-9", HIGH),
    ),
    ks!(
        slides,
        "item/pbg-10/national_standards",
        "Plan, bygg og geodata",
        "3 av 4 kommuner oppgir at deres kommunaltekniske fagløsninger i svært høy grad eller høy grad baserer seg på \
         nasjonale standarder og krav",
        "Municipal engineering systems based on national standards to a high or very high degree",
        "3 av 4",
        0.75,
        Comparison::Within(0.05),
        ks_item("pbg-10", HIGH),
    ),
    ks!(
        slides,
        "item/pbg-11/byggsok",
        "Plan, bygg og geodata",
        "56 % av kommunene oppgir at de benytter ByggSøk for mottak av byggesøknader på nett",
        "Use ByggSøk for online building applications",
        "56 %",
        0.56,
        Comparison::Percent(0),
        ks_item("pbg-11", JA),
    ),
    ks!(
        slides,
        "item/pbg-12/ebyggesak",
        "Plan, bygg og geodata",
        "3 av 4 kommuner har planer om å ta i bruk eByggeSak når ByggSøk fases ut",
        "Plan to adopt eByggeSak when ByggSøk is phased out",
        "3 av 4",
        0.75,
        Comparison::Within(0.05),
        ks_item("pbg-12", JA),
    ),
    // ---- Riksrevisjonen, Dokument 3:6 (2015–2016) ----
    rr!(
        findings,
        "municipalities",
        "Kartlegging av 19 tjenester i 261 kommuner",
        "Municipalities whose services were mapped",
        "261",
        261.0,
        Comparison::Count(None),
        Measure::Municipalities,
    ),
    rr!(
        findings,
        "pairs_at_least_1",
        "det tilbys digitalt førstevalg for 27 prosent av tjenestene",
        "(Municipality, service) pairs offered as online self-service (level ≥ 1)",
        "27 %",
        0.27,
        Comparison::Percent(0),
        Measure::PairsAtLeast1,
    ),
    rr!(
        press,
        "with_none",
        "37 av kommunene tilbyr ikke nettbasert tilgang til noen av de 19 tjenestene",
        "Municipalities offering none of the services online",
        "37 av 261",
        37.0,
        Comparison::Count(Some(261)),
        Measure::WithNone,
    ),
    rr!(
        findings,
        "with_none_share",
        "14 prosent av kommunene har ikke et digitalt førstevalg for noen av disse tjenestene",
        "Share of municipalities offering none of the services online",
        "14 %",
        0.14,
        Comparison::Percent(0),
        Measure::WithNone,
    ),
    rr!(
        press,
        "with_none_under_5000",
        "29 av 128 kommuner med under 5000 innbyggere har ikke digitale tjenester på noen av områdene",
        "Municipalities under 5,000 inhabitants offering none of the services online",
        "29 av 128",
        29.0,
        Comparison::Count(Some(128)),
        Measure::WithNoneUnder5000,
    ),
    rr!(
        findings,
        "with_none_under_5000_share",
        "23 prosent av de små har ingen digitale tjenester på de undersøkte områdene",
        "Share of municipalities under 5,000 inhabitants offering none of the services online",
        "23 %",
        0.23,
        Comparison::Percent(0),
        Measure::WithNoneUnder5000,
    ),
    rr!(
        press,
        "with_level_2",
        "Rundt halvparten av kommunene overfører mottatt informasjon elektronisk til interne fagsystemer",
        "Municipalities that transfer received data electronically for at least one service (level ≥ 2)",
        "rundt halvparten",
        0.5,
        Comparison::Within(0.05),
        Measure::WithLevel2,
    ),
    rr!(
        press,
        "with_level_3",
        "under ti prosent har mulighet for å sende svar elektronisk etter endt saksbehandling",
        "Municipalities that can answer electronically for at least one service (level 3)",
        "under ti prosent",
        0.10,
        Comparison::Below,
        Measure::WithLevel3,
    ),
    rr!(
        press,
        "opinion/cooperation_not_good_enough",
        "et flertall av kommunene vurderer at samarbeidet mellom stat og kommune om å skape helhetlige digitale \
         tjenester ikke er godt nok",
        "Disagree («helt» or «delvis uenig») that state and municipality cooperate well on seamless digital services",
        "et flertall",
        0.5,
        Comparison::Above,
        rr_item("godt-samarbeid", DISAGREE),
    ),
    rr!(
        press,
        "opinion/requirements_not_coordinated",
        "61 prosent av kommunene mener at kravene til digitalisering ikke er nok koordinert mellom de ansvarlige \
         departementene",
        "Disagree («helt» or «delvis uenig») that the requirements for digitalisation are well coordinated",
        "61 %",
        0.61,
        Comparison::Percent(0),
        rr_item("kravene-koordinert", DISAGREE),
    ),
    rr!(
        findings,
        "barrier/no_systematic_benefit_realisation",
        "Et flertall av kommunene oppgir at de ikke arbeider systematisk med å realisere gevinster av digitalisering",
        "Do not work systematically to realise the benefits of digitalisation («nei»)",
        "et flertall",
        0.5,
        Comparison::Above,
        rr_item("gevinstrealisering", &["nei"]),
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
            Self::Nearly(points) => round <= published && published - round <= points + 1e-12,
            Self::Below => round < published,
            Self::Above => round > published,
            Self::AtMost => round <= published,
            Self::Count(of) => round == published && of.is_none_or(|of| of == base),
            Self::NearlyCount(by) => round <= published && published - round <= by as f64,
            Self::Ranked => round <= published,
        }
    }

    /// In words.
    pub fn describe(self) -> String {
        match self {
            Self::Percent(0) => "equal as a whole percent".into(),
            Self::Percent(d) => format!("equal as a percent with {d} decimal{}", if d == 1 { "" } else { "s" }),
            Self::Value(d) => format!("equal rounded to {d} decimal{}", if d == 1 { "" } else { "s" }),
            Self::Within(p) => format!("within {} percentage points", 100.0 * p),
            Self::Nearly(p) => format!("at most {} percentage points below", 100.0 * p),
            Self::Below => "below".into(),
            Self::Above => "above".into(),
            Self::AtMost => "at most".into(),
            Self::Count(None) => "the same count".into(),
            Self::Count(Some(of)) => format!("the same count, of {of}"),
            Self::NearlyCount(by) => format!("a count at most {by} below"),
            Self::Ranked => "ranked at least as high".into(),
        }
    }

    /// Whether the figure is a count of respondents (not a share or a value).
    pub fn is_count(self) -> bool {
        matches!(self, Self::Count(_) | Self::NearlyCount(_))
    }

    /// Whether the figure is a share (0–1) of a base.
    pub fn is_share(self) -> bool {
        matches!(self, Self::Percent(_) | Self::Within(_) | Self::Nearly(_) | Self::Below | Self::Above)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Runs of whitespace as one space: the seeds keep the PDFs' line breaks.
    fn normalised(text: &str) -> String {
        text.split_whitespace().collect::<Vec<_>>().join(" ")
    }

    /// Every figure's phrase is in its source text, word for word up to line breaks,
    /// so no figure can drift from what its source says. The seeds are outside the
    /// crate (`../shared/seeds`); without them the check is skipped, loudly.
    #[test]
    fn every_figure_s_phrase_occurs_in_its_source_text() {
        let seeds = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/seeds");
        let Ok(entries) = std::fs::read_dir(&seeds) else {
            let rule = "=".repeat(78);
            eprintln!(
                "\n{rule}\nSKIPPED every_figure_s_phrase_occurs_in_its_source_text: {} is absent, so no \
                 published figure's phrase is checked against its source\n{rule}\n",
                seeds.display()
            );
            return;
        };
        let files: Vec<(String, String)> = entries
            .map(|e| e.expect("a seed entry").path())
            .map(|p| {
                let name = p.file_name().expect("a name").to_string_lossy().into_owned();
                (name, normalised(&std::fs::read_to_string(&p).expect("a seed text")))
            })
            .collect();
        let mut missing = Vec::new();
        for f in PUBLISHED_FIGURES {
            let text = files
                .iter()
                .find(|(name, _)| name.starts_with(&format!("{}_", f.seed)))
                .map(|(_, text)| text)
                .unwrap_or_else(|| panic!("{}: no seed {}", f.id, f.seed));
            if !text.contains(&normalised(f.phrase)) {
                missing.push(format!("{} (seed {}): «{}»", f.id, f.seed, f.phrase));
            }
        }
        assert!(missing.is_empty(), "phrases not in their source:\n{}", missing.join("\n"));
    }

    #[test]
    fn every_figure_names_its_document_and_a_place_in_it() {
        for f in PUBLISHED_FIGURES {
            let (document, place) = f.source.rsplit_once(", ").unwrap_or_else(|| panic!("{}: {}", f.id, f.source));
            assert!(!document.is_empty() && !place.is_empty(), "{}", f.id);
            assert!(f.id.starts_with(&format!("{}/", f.methodology)), "{}", f.id);
            assert!(!f.phrase.trim().is_empty() && !f.published.trim().is_empty(), "{}", f.id);
        }
    }

    #[test]
    fn figure_ids_are_unique_and_shares_are_shares() {
        let mut ids: Vec<&str> = PUBLISHED_FIGURES.iter().map(|f| f.id).collect();
        ids.sort_unstable();
        ids.dedup();
        assert_eq!(ids.len(), PUBLISHED_FIGURES.len());
        for f in PUBLISHED_FIGURES {
            if f.comparison.is_share() {
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
        // «nesten 40 prosent»: close below, never above.
        assert!(Comparison::Nearly(0.05).agrees(0.40, 0.37, 0));
        assert!(!Comparison::Nearly(0.05).agrees(0.40, 0.41, 0) && !Comparison::Nearly(0.05).agrees(0.40, 0.34, 0));
        // «nærmere 60 kommuner».
        assert!(Comparison::NearlyCount(6).agrees(60.0, 55.0, 0));
        assert!(!Comparison::NearlyCount(6).agrees(60.0, 61.0, 0) && !Comparison::NearlyCount(6).agrees(60.0, 53.0, 0));
        assert!(Comparison::AtMost.agrees(12.0, 12.0, 0) && !Comparison::AtMost.agrees(12.0, 13.0, 0));
    }
}
