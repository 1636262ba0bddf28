//! Core results → `indikator.v1` messages, with the labels from the tables.

use std::borrow::Cow;

use crate::proto::v1 as pb;
use indikator_core::catalogue::{Catalogue, Catalogues, KS_2018, RIKSREVISJONEN_2015};
use indikator_core::domain::{Respondent, RespondentKind, SizeClass};
use indikator_core::methodology::{GradeLabel, ssb2018 as m};
use indikator_core::scoring::maturity::{AreaScore, ServiceCoverage, ServiceResults};
use indikator_core::scoring::ssb2018::{COMPOSITES, Count, Flag, RecruitmentStatus, Results, SourcingGroup};

/// Indicators of `ssb-2018` and the answer blocks each needs.
pub(crate) const SSB_2018_NEEDS: [(&str, &[&str]); 12] = [
    ("strategy", &["strategy"]),
    ("projects", &["projects"]),
    ("digital_priority", &["strategy", "projects"]),
    ("internal_capacity", &["sourcing"]),
    ("recruitment_status", &["recruitment"]),
    ("hindrance_group", &["hindrance"]),
    ("competence_profile", &["sourcing", "recruitment"]),
    ("cloud", &["cloud"]),
    ("procurement", &["procurement"]),
    ("service_offer", &["service_offer"]),
    ("digital_use", &["cloud", "procurement"]),
    ("digital_activity", &["cloud", "procurement", "service_offer"]),
];

/// Whether results carry the label texts GetMethodology also gives (the
/// `label`/`label_en` of scores, grades and the competence profile, a KS
/// area's `name`). A round header's `codes_only` leaves them out: they are
/// then never built, and proto3 leaves the empty strings off the wire.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(crate) enum Labels {
    #[default]
    Included,
    Omitted,
}

impl Labels {
    /// [`Labels::Omitted`] for a round header's `codes_only`.
    pub(crate) fn codes_only(codes_only: bool) -> Self {
        if codes_only { Labels::Omitted } else { Labels::Included }
    }

    /// Whether label texts are sent.
    pub(crate) fn included(self) -> bool {
        self == Labels::Included
    }

    /// `text` as an owned label, or an empty string (no allocation) when omitted.
    fn text(self, text: &str) -> String {
        match self {
            Labels::Included => text.to_owned(),
            Labels::Omitted => String::new(),
        }
    }
}

/// One respondent's results as the core scored them, with what labels them:
/// what [`indicator_results`] converts into a message and `encode` writes
/// as that message's bytes. Each methodology's part is `None` when its answer
/// block was absent (and is then listed in `unscored`).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Scored<'a> {
    pub(crate) respondent: &'a Respondent,
    pub(crate) ssb_2018: Option<&'a Results>,
    /// One per area of the `ks-2018` catalogue, in its order.
    pub(crate) ks_2018: Option<&'a [AreaScore]>,
    pub(crate) riksrevisjonen_2015: Option<&'a ServiceResults>,
    pub(crate) catalogues: &'a Catalogues,
    pub(crate) labels: Labels,
}

/// Full results of a respondent.
pub(crate) fn indicator_results(s: &Scored<'_>) -> pb::IndicatorResults {
    let unscored = unscored(s)
        .into_iter()
        .map(|(indicator, reason)| pb::Unscored { indicator: indicator.into_owned(), reason })
        .collect();
    pb::IndicatorResults {
        respondent: Some(profile(s.respondent)),
        ssb_2018: s.ssb_2018.map(|r| ssb_2018_results(r, s.labels)),
        ks_2018: s.ks_2018.map(|scores| ks_results(&s.catalogues.ks_2018, scores, s.labels)),
        riksrevisjonen_2015: s.riksrevisjonen_2015.map(|r| service_results(&s.catalogues.riksrevisjonen_2015, r)),
        flags: s.ssb_2018.map(flags).unwrap_or_default(),
        unscored,
    }
}

/// The indicators a response leaves unscored and why, in the order results
/// list them (nothing is allocated when every block is present).
pub(crate) fn unscored(s: &Scored<'_>) -> Vec<(Cow<'static, str>, String)> {
    let mut unscored = Vec::new();
    match s.ssb_2018 {
        Some(r) => {
            for (indicator, needs) in SSB_2018_NEEDS {
                let missing: Vec<&str> = needs.iter().copied().filter(|b| !block_present(r, b)).collect();
                if !missing.is_empty() {
                    let (empty, absent): (Vec<&str>, Vec<&str>) =
                        missing.into_iter().partition(|b| empty_block(r, b).is_some());
                    let mut reasons = Vec::new();
                    if !absent.is_empty() {
                        reasons.push(format!("absent answer block(s): ssb_2018.{}", absent.join(", ssb_2018.")));
                    }
                    if !empty.is_empty() {
                        reasons.push(format!("empty answer block(s): ssb_2018.{}", empty.join(", ssb_2018.")));
                    }
                    unscored.push((Cow::Owned(format!("{}/{indicator}", m::ID)), reasons.join("; ")));
                }
            }
        }
        None => unscored.push((Cow::Borrowed(m::ID), "absent answer block: ssb_2018".into())),
    }
    if s.ks_2018.is_none() {
        unscored.push((Cow::Borrowed(KS_2018), "absent answer block: ks_2018".into()));
    }
    if s.riksrevisjonen_2015.is_none() {
        unscored.push((Cow::Borrowed(RIKSREVISJONEN_2015), "absent answer block: riksrevisjonen_2015".into()));
    }
    unscored
}

/// KS area results of one respondent (the area names as `labels` says).
pub(crate) fn ks_results(catalogue: &Catalogue, scores: &[AreaScore], labels: Labels) -> pb::Ks2018Results {
    pb::Ks2018Results {
        areas: catalogue
            .areas
            .iter()
            .zip(scores)
            .map(|(area, s)| pb::AreaResult {
                area_id: area.id.clone(),
                name: labels.text(&area.name_nb),
                answered: s.answered,
                total: s.total,
                score: s.mean,
            })
            .collect(),
    }
}

fn shares(c: &ServiceCoverage) -> pb::ServiceShares {
    pb::ServiceShares {
        reported: c.reported,
        total: c.total,
        share_at_least_1: c.share_at_least_1,
        share_at_least_2: c.share_at_least_2,
        share_at_3: c.share_at_3,
    }
}

/// Service coverage of one municipality.
pub(crate) fn service_results(catalogue: &Catalogue, scored: &ServiceResults) -> pb::ServiceCoverageResult {
    pb::ServiceCoverageResult {
        overall: Some(shares(&scored.overall)),
        by_area: catalogue
            .areas
            .iter()
            .zip(&scored.by_area)
            .map(|(area, c)| pb::AreaServiceShares { area_id: area.id.clone(), shares: Some(shares(c)) })
            .collect(),
        none_offered: scored.overall.none_offered,
    }
}

/// The flag of a block that was present but held no answer.
fn empty_block(r: &Results, block: &str) -> Option<Flag> {
    let flag = match block {
        "sourcing" => Flag::EmptySourcing,
        "procurement" => Flag::EmptyProcurement,
        "service_offer" => Flag::EmptyServiceOffer,
        _ => return None,
    };
    r.flags.contains(flag).then_some(flag)
}

/// Whether an answer block was present and scored, read off what it produced.
fn block_present(r: &Results, block: &str) -> bool {
    match block {
        "strategy" => r.simple(Count::Strategy).is_some(),
        "projects" => r.simple(Count::Projects).is_some(),
        "sourcing" => r.simple(Count::InternalCapacity).is_some(),
        "recruitment" => r.recruitment.is_some(),
        "hindrance" => r.hindrance.is_some(),
        "cloud" => r.simple(Count::Cloud).is_some(),
        "procurement" => r.simple(Count::Procurement).is_some(),
        "service_offer" => r.simple(Count::ServiceOffer).is_some(),
        other => unreachable!("unknown block {other}"),
    }
}

pub(crate) fn profile(r: &Respondent) -> pb::RespondentProfile {
    let county = r.county.map(|c| c.county());
    pb::RespondentProfile {
        organisation_number: r.organisation_number.to_string(),
        kind: respondent_kind(r.kind) as i32,
        municipality_number: r.municipality.map(|n| n.to_string()).unwrap_or_default(),
        county_number: r.county.map(|c| c.to_string()).unwrap_or_default(),
        county_name: county.map(|c| c.name.clone()).unwrap_or_default(),
        region: county.map(|c| c.region.clone()).unwrap_or_default(),
        size_class: r.size_class().map_or(pb::SizeClass::Unspecified, size_class) as i32,
        name: r.name.clone(),
        survey_year: u32::from(r.survey_year),
    }
}

pub(crate) fn respondent_kind(kind: RespondentKind) -> pb::RespondentKind {
    match kind {
        RespondentKind::Municipality => pb::RespondentKind::Municipality,
        RespondentKind::CountyMunicipality => pb::RespondentKind::CountyMunicipality,
        RespondentKind::StateAgency => pb::RespondentKind::StateAgency,
    }
}

/// Proto value of a size class: the proto enum lists them in the same order.
pub(crate) fn size_class(class: SizeClass) -> pb::SizeClass {
    pb::SizeClass::try_from(class as i32 + 1).expect("SizeClass and pb::SizeClass list the same classes")
}

fn simple(r: &Results, count: Count, labels: Labels) -> Option<pb::SimpleScore> {
    r.simple(count).map(|s| {
        let label = &m::SCORE_LABELS[usize::from(s.score)];
        pb::SimpleScore {
            score: u32::from(s.score),
            count: u32::from(s.count),
            label: labels.text(label.label),
            label_en: labels.text(label.label_en),
        }
    })
}

fn composite(grade: Option<u8>, grades: &[GradeLabel; 5], labels: Labels) -> Option<pb::CompositeGrade> {
    grade.map(|g| {
        let l = &grades[usize::from(g)];
        pb::CompositeGrade {
            grade: u32::from(g),
            code: l.code.into(),
            label: labels.text(l.label),
            label_en: labels.text(l.label_en),
        }
    })
}

pub(crate) fn recruitment_status(s: RecruitmentStatus) -> pb::RecruitmentStatus {
    match s {
        RecruitmentStatus::NotTried => pb::RecruitmentStatus::NotTried,
        RecruitmentStatus::RecruitedWithoutProblems => pb::RecruitmentStatus::RecruitedWithoutProblems,
        RecruitmentStatus::Struggled => pb::RecruitmentStatus::Struggled,
    }
}

pub(crate) fn hindrance_group(h: m::Hindrance) -> pb::HindranceGroup {
    match h {
        m::Hindrance::Low => pb::HindranceGroup::Low,
        m::Hindrance::Neither => pb::HindranceGroup::Neither,
        m::Hindrance::High => pb::HindranceGroup::High,
        m::Hindrance::Unknown => pb::HindranceGroup::Unknown,
    }
}

pub(crate) fn sourcing_group(g: SourcingGroup) -> pb::SourcingGroup {
    match g {
        SourcingGroup::Internal => pb::SourcingGroup::Internal,
        SourcingGroup::External => pb::SourcingGroup::External,
    }
}

fn competence_profile(group: SourcingGroup, status: RecruitmentStatus, labels: Labels) -> pb::CompetenceProfile {
    let [code, label, label_en] = &m::COMPETENCE_PROFILES[group as usize][status as usize];
    pb::CompetenceProfile {
        sourcing_group: sourcing_group(group) as i32,
        recruitment_status: recruitment_status(status) as i32,
        code: code.clone(),
        label: labels.text(label),
        label_en: labels.text(label_en),
    }
}

/// The `ssb-2018` results of one respondent (labels as `labels` says).
pub(crate) fn ssb_2018_results(r: &Results, labels: Labels) -> pb::Ssb2018Results {
    pb::Ssb2018Results {
        strategy: simple(r, Count::Strategy, labels),
        projects: simple(r, Count::Projects, labels),
        digital_priority: composite(r.digital_priority, &m::DIGITAL_PRIORITY.grades, labels),
        internal_capacity: simple(r, Count::InternalCapacity, labels),
        recruitment_status: r.recruitment.map_or(pb::RecruitmentStatus::Unspecified, recruitment_status) as i32,
        hindrance_group: r.hindrance.map_or(pb::HindranceGroup::Unspecified, hindrance_group) as i32,
        competence_profile: r.competence_profile().map(|(g, s)| competence_profile(g, s, labels)),
        cloud: simple(r, Count::Cloud, labels),
        procurement: simple(r, Count::Procurement, labels),
        service_offer: simple(r, Count::ServiceOffer, labels),
        digital_use: composite(r.digital_use, &m::DIGITAL_USE.grades, labels),
        digital_activity: composite(r.digital_activity, &m::DIGITAL_ACTIVITY.grades, labels),
        service_modes_unknown: u32::from(r.service_modes_unknown),
        fragile_grades: fragile_grades(r),
    }
}

/// Grade robustness (docs/method.md §7): each composite and the moves that change it.
pub(crate) fn fragile_grades(r: &Results) -> Vec<pb::FragileGrade> {
    fragile_moves(r)
        .map(|(composite, indicator, count_change)| pb::FragileGrade {
            composite: format!("{}/{composite}", m::ID),
            indicator: format!("{}/{indicator}", m::ID),
            count_change,
        })
        .collect()
}

/// Each fragile grade: the composite's and the indicator's short ids (the
/// full ids are `ssb-2018/<id>`) and the move in counts.
pub(crate) fn fragile_moves(r: &Results) -> impl Iterator<Item = (&'static str, &'static str, i32)> + '_ {
    COMPOSITES.iter().enumerate().flat_map(|(k, composite)| {
        r.robustness.moves(k).map(move |(count, step)| (composite.id, count.indicator().id, i32::from(step)))
    })
}

fn flags(r: &Results) -> Vec<pb::Flag> {
    r.flags
        .iter()
        .map(|flag| {
            let (code, field, description) = flag_parts(flag, r);
            pb::Flag { code: code as i32, field: field.into(), description: description.to_string() }
        })
        .collect()
}

/// A flag's code, field path and description.
pub(crate) fn flag_parts(flag: Flag, r: &Results) -> (pb::FlagCode, &'static str, FlagDescription) {
    use FlagDescription::Fixed;
    match flag {
        Flag::StrategyWithoutAreas => (
            pb::FlagCode::StrategyWithoutAreas,
            "ssb_2018.strategy.areas",
            Fixed("a strategy was reported with no areas; it scores 0"),
        ),
        Flag::ProjectsWithoutAreas => (
            pb::FlagCode::ProjectsWithoutAreas,
            "ssb_2018.projects.areas",
            Fixed("projects were reported with no areas; they score 0"),
        ),
        Flag::CloudWithoutAreas => (
            pb::FlagCode::CloudWithoutAreas,
            "ssb_2018.cloud.areas",
            Fixed("cloud use was reported with no areas; it scores 0"),
        ),
        Flag::EmptySourcing => (
            pb::FlagCode::EmptyBlock,
            "ssb_2018.sourcing",
            Fixed("the sourcing block holds no function: internal capacity is unscored"),
        ),
        Flag::EmptyProcurement => (
            pb::FlagCode::EmptyBlock,
            "ssb_2018.procurement",
            Fixed("the procurement block holds no activity: procurement is unscored"),
        ),
        Flag::EmptyServiceOffer => (
            pb::FlagCode::EmptyBlock,
            "ssb_2018.service_offer",
            Fixed("the service offer block holds no mode: the service offer is unscored"),
        ),
        Flag::ServiceModesUnknown => (
            pb::FlagCode::ServiceModesUnknown,
            "ssb_2018.service_offer.modes",
            FlagDescription::ServiceModesUnknown(r.service_modes_unknown),
        ),
    }
}

/// A flag's description, written out only where it is sent.
#[derive(Debug, Clone, Copy)]
pub(crate) enum FlagDescription {
    Fixed(&'static str),
    /// How many service modes were answered «Vet ikke» or «Ikke relevant».
    ServiceModesUnknown(u8),
}

impl std::fmt::Display for FlagDescription {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            FlagDescription::Fixed(text) => f.write_str(text),
            FlagDescription::ServiceModesUnknown(n) => {
                write!(f, "{n} service mode(s) answered «Vet ikke» or «Ikke relevant» (0 points)")
            }
        }
    }
}
