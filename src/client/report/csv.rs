//! The CSV exports: one row per scored respondent (`--csv`), and every summary
//! table as a tidy CSV of its own (`--tables-csv`), in the column style of the
//! CSV round file (`docs/batch-formats.md`): snake_case names, enum values as
//! their proto name without the enum's prefix in lower case, `yes`/`no`, lists
//! joined by `;`, an empty cell where a figure is absent.

use crate::catalogue::Catalogues;
use crate::methodology::ssb2018 as m;
use crate::proto::v1 as pb;

/// The proto enum name without its prefix, in lower case
/// (`RESPONDENT_KIND_MUNICIPALITY` → `municipality`).
pub fn key(proto_name: &str, prefix: &str) -> String {
    proto_name.strip_prefix(prefix).unwrap_or(proto_name).to_ascii_lowercase()
}

/// A catalogue id as a column-name part (`brukeren-i-sentrum` → `brukeren_i_sentrum`).
fn snake(id: &str) -> String {
    id.replace(['-', '.', '/'], "_")
}

fn yes_no(b: bool) -> String {
    (if b { "yes" } else { "no" }).into()
}

fn number(x: f64) -> String {
    format!("{x}")
}

const SIMPLE: [&str; 6] = ["strategy", "projects", "internal_capacity", "cloud", "procurement", "service_offer"];
const COMPOSITE: [&str; 3] = ["digital_priority", "digital_use", "digital_activity"];
const FLAGS: [pb::FlagCode; 5] = [
    pb::FlagCode::StrategyWithoutAreas,
    pb::FlagCode::ProjectsWithoutAreas,
    pb::FlagCode::CloudWithoutAreas,
    pb::FlagCode::ServiceModesUnknown,
    pb::FlagCode::EmptyBlock,
];
const KS_FIGURES: [&str; 7] =
    ["score", "answered", "total", "county_mean", "region_mean", "national_mean", "national_rank"];
const SERVICE_FIGURES: [&str; 5] = ["reported", "total", "share_at_least_1", "share_at_least_2", "share_at_3"];

/// The respondent columns: fixed, then one group per KS area and service area of
/// the catalogues (so every row has every column, whatever it answered).
#[derive(Debug, Clone)]
pub struct CardColumns {
    ks_areas: Vec<String>,
    service_areas: Vec<String>,
}

impl CardColumns {
    pub fn new(catalogues: &Catalogues) -> Self {
        Self {
            ks_areas: catalogues.ks_2018.areas.iter().map(|a| a.id.clone()).collect(),
            service_areas: catalogues.riksrevisjonen_2015.areas.iter().map(|a| a.id.clone()).collect(),
        }
    }

    /// The header row.
    pub fn header(&self) -> Vec<String> {
        let mut h: Vec<String> = [
            "record_id",
            "sequence",
            "organisation_number",
            "kind",
            "municipality_number",
            "county_number",
            "county_name",
            "region",
            "size_class",
            "name",
            "survey_year",
        ]
        .map(String::from)
        .into();
        for s in SIMPLE {
            for f in ["score", "count", "label", "label_en"] {
                h.push(format!("{s}_{f}"));
            }
        }
        for c in COMPOSITE {
            for f in ["grade", "code", "label", "label_en"] {
                h.push(format!("{c}_{f}"));
            }
        }
        h.extend(
            [
                "recruitment_status",
                "hindrance_group",
                "sourcing_group",
                "competence_profile_code",
                "competence_profile_label",
                "competence_profile_label_en",
                "service_modes_unknown",
            ]
            .map(String::from),
        );
        for f in FLAGS {
            h.push(format!("flag_{}", key(f.as_str_name(), "FLAG_CODE_")));
        }
        h.push("unscored".into());
        for a in &self.ks_areas {
            for f in KS_FIGURES {
                h.push(format!("ks_{}_{f}", snake(a)));
            }
        }
        for f in SERVICE_FIGURES {
            h.push(format!("services_{f}"));
        }
        h.push("services_none_offered".into());
        for a in &self.service_areas {
            for f in SERVICE_FIGURES {
                h.push(format!("services_{}_{f}", snake(a)));
            }
        }
        h
    }

    /// One respondent's row, cell for cell under [`CardColumns::header`].
    pub fn row(&self, card: &pb::ScoreCard) -> Vec<String> {
        let empty = pb::IndicatorResults::default();
        let r = card.results.as_ref().unwrap_or(&empty);
        let p = r.respondent.clone().unwrap_or_default();
        let mut row = vec![
            card.record_id.clone(),
            card.sequence.to_string(),
            p.organisation_number.clone(),
            key(p.kind().as_str_name(), "RESPONDENT_KIND_"),
            p.municipality_number.clone(),
            p.county_number.clone(),
            p.county_name.clone(),
            p.region.clone(),
            key(p.size_class().as_str_name(), "SIZE_CLASS_"),
            p.name.clone(),
            p.survey_year.to_string(),
        ];
        let ssb = r.ssb_2018.as_ref();
        let simple =
            ssb.map(|s| [&s.strategy, &s.projects, &s.internal_capacity, &s.cloud, &s.procurement, &s.service_offer]);
        for i in 0..SIMPLE.len() {
            match simple.and_then(|s| s[i].as_ref()) {
                Some(s) => {
                    let (label, label_en) = super::score_labels(s);
                    row.extend([s.score.to_string(), s.count.to_string(), label.to_owned(), label_en.to_owned()]);
                }
                None => row.extend(std::iter::repeat_n(String::new(), 4)),
            }
        }
        let composite = ssb.map(|s| [&s.digital_priority, &s.digital_use, &s.digital_activity]);
        for i in 0..COMPOSITE.len() {
            match composite.and_then(|s| s[i].as_ref()) {
                Some(g) => {
                    let (label, label_en) = super::grade_labels(m::COMPOSITES[i], g);
                    row.extend([g.grade.to_string(), g.code.clone(), label.to_owned(), label_en.to_owned()]);
                }
                None => row.extend(std::iter::repeat_n(String::new(), 4)),
            }
        }
        match ssb {
            Some(s) => {
                let unspecified = |k: String| if k == "unspecified" { String::new() } else { k };
                row.push(unspecified(key(s.recruitment_status().as_str_name(), "RECRUITMENT_STATUS_")));
                row.push(unspecified(key(s.hindrance_group().as_str_name(), "HINDRANCE_GROUP_")));
                match &s.competence_profile {
                    Some(c) => {
                        let (label, label_en) = super::competence_profile_labels(c);
                        row.extend([
                            unspecified(key(c.sourcing_group().as_str_name(), "SOURCING_GROUP_")),
                            c.code.clone(),
                            label.to_owned(),
                            label_en.to_owned(),
                        ]);
                    }
                    None => row.extend(std::iter::repeat_n(String::new(), 4)),
                }
                row.push(s.service_modes_unknown.to_string());
            }
            None => row.extend(std::iter::repeat_n(String::new(), 7)),
        }
        for f in FLAGS {
            row.push(yes_no(r.flags.iter().any(|x| x.code() == f)));
        }
        row.push(r.unscored.iter().map(|u| u.indicator.as_str()).collect::<Vec<_>>().join(";"));
        for a in &self.ks_areas {
            let result = r.ks_2018.as_ref().and_then(|k| k.areas.iter().find(|x| &x.area_id == a));
            let card_area = card.ks_2018.iter().find(|x| &x.area_id == a);
            row.push(result.and_then(|x| x.score).map(number).unwrap_or_default());
            row.push(result.map(|x| x.answered.to_string()).unwrap_or_default());
            row.push(result.map(|x| x.total.to_string()).unwrap_or_default());
            match card_area {
                Some(c) => row.extend([
                    number(c.county_mean),
                    number(c.region_mean),
                    number(c.national_mean),
                    if c.national_rank == 0 { String::new() } else { c.national_rank.to_string() },
                ]),
                None => row.extend(std::iter::repeat_n(String::new(), 4)),
            }
        }
        let services = r.riksrevisjonen_2015.as_ref();
        let shares = |s: Option<&pb::ServiceShares>| match s {
            Some(s) => vec![
                s.reported.to_string(),
                s.total.to_string(),
                number(s.share_at_least_1),
                number(s.share_at_least_2),
                number(s.share_at_3),
            ],
            None => vec![String::new(); SERVICE_FIGURES.len()],
        };
        row.extend(shares(services.and_then(|s| s.overall.as_ref())));
        row.push(services.map(|s| yes_no(s.none_offered)).unwrap_or_default());
        for a in &self.service_areas {
            let area = services.and_then(|s| s.by_area.iter().find(|x| &x.area_id == a));
            row.extend(shares(area.and_then(|x| x.shares.as_ref())));
        }
        row
    }
}

/// The columns of every tidy count table.
pub const TABLE_HEADER: [&str; 7] = ["dimension", "group", "group_label", "item", "answer", "n", "share"];
const KS_HEADER: [&str; 7] = ["dimension", "group", "group_label", "item", "n", "mean", "published_national_mean"];
const CALIBRATION_HEADER: [&str; 9] = [
    "item",
    "median",
    "median_base",
    "published_median",
    "published_cut_points",
    "derived_cut_points",
    "used_cut_points",
    "nonzero",
    "not_derived_reason",
];

/// One summary table as a CSV file.
#[derive(Debug, Clone, PartialEq)]
pub struct Table {
    /// The file name, e.g. `composite_grades.csv`.
    pub name: &'static str,
    pub header: Vec<&'static str>,
    pub rows: Vec<Vec<String>>,
}

/// Every summary table. The count tables are tidy under [`TABLE_HEADER`]: one
/// row per group × item × answer, `share` being `n` over the table's base (the
/// group's respondents with the item scored; empty with an empty base); the KS
/// means and the calibration have columns of their own.
pub fn tables(summary: &pb::RoundSummary) -> Vec<Table> {
    let mut composites = Vec::new();
    let mut scores = Vec::new();
    let mut counts = Vec::new();
    let mut competence = Vec::new();
    let mut ks = Vec::new();
    let mut services = Vec::new();
    for g in &summary.groups {
        let cell = |item: &str, answer: String, n: u64, base: u64| {
            vec![
                key(g.dimension().as_str_name(), "GROUP_DIMENSION_"),
                g.key.clone(),
                g.label.clone(),
                item.to_owned(),
                answer,
                n.to_string(),
                if base == 0 { String::new() } else { number(n as f64 / base as f64) },
            ]
        };
        for (c, composite) in g.composites.iter().zip(m::COMPOSITES.iter()) {
            for (grade, n) in c.per_grade.iter().enumerate() {
                let code = composite.grades.get(grade).map_or(grade.to_string(), |l| l.code.to_owned());
                composites.push(cell(&c.indicator, code, *n, c.n));
            }
        }
        for d in &g.scores {
            for (score, n) in d.per_score.iter().enumerate() {
                scores.push(cell(&d.indicator, score.to_string(), *n, d.n));
            }
            for (count, n) in d.per_count.iter().enumerate() {
                counts.push(cell(&d.indicator, count.to_string(), *n, d.n));
            }
        }
        if let Some(c) = &g.competence {
            let statuses = ["not_tried", "recruited_without_problems", "struggled"];
            let total: u64 = c.recruitment.iter().sum();
            for (s, n) in statuses.iter().zip(&c.recruitment) {
                competence.push(cell("recruitment", (*s).into(), *n, total));
            }
            let groups = ["low", "neither", "high", "unknown"];
            let total: u64 = c.hindrance.iter().sum();
            for (s, n) in groups.iter().zip(&c.hindrance) {
                competence.push(cell("hindrance", (*s).into(), *n, total));
            }
            for (name, t) in [
                ("hindrance_by_recruitment", &c.hindrance_by_recruitment),
                ("hindrance_by_sourcing", &c.hindrance_by_sourcing),
            ] {
                let Some(t) = t else { continue };
                for (r, row) in t.rows.iter().enumerate() {
                    for (col, column) in t.columns.iter().enumerate() {
                        let n = t.cells.get(r * t.columns.len() + col).copied().unwrap_or(0);
                        competence.push(cell(
                            name,
                            format!("{}.{}", row.to_lowercase(), column.to_lowercase()),
                            n,
                            t.n,
                        ));
                    }
                }
            }
        }
        for a in &g.ks_2018 {
            ks.push(vec![
                key(g.dimension().as_str_name(), "GROUP_DIMENSION_"),
                g.key.clone(),
                g.label.clone(),
                format!("ks-2018/{}", a.area_id),
                a.n.to_string(),
                number(a.mean),
                if a.published_national_mean == 0.0 { String::new() } else { number(a.published_national_mean) },
            ]);
        }
        if let Some(s) = &g.riksrevisjonen_2015 {
            services.push(cell(
                "riksrevisjonen-2015/municipalities",
                "none_offered".into(),
                s.with_none,
                s.municipalities,
            ));
            services.push(cell(
                "riksrevisjonen-2015/municipalities_under_5000",
                "none_offered".into(),
                s.with_none_under_5000,
                s.municipalities_under_5000,
            ));
            services.push(cell("riksrevisjonen-2015/pairs", "at_least_1".into(), s.pairs_at_least_1, s.pairs));
            for p in &s.by_area {
                services.push(cell(
                    &format!("riksrevisjonen-2015/area/{}", p.id),
                    "at_least_1".into(),
                    p.pairs_at_least_1,
                    p.pairs,
                ));
            }
            for p in &s.by_service {
                services.push(cell(
                    &format!("riksrevisjonen-2015/service/{}", p.id),
                    "at_least_1".into(),
                    p.pairs_at_least_1,
                    p.pairs,
                ));
            }
        }
    }
    let mut calibration = Vec::new();
    if let Some(c) = &summary.calibration {
        let cuts = |c: &[u32]| c.iter().map(u32::to_string).collect::<Vec<_>>().join(";");
        for i in &c.indicators {
            calibration.push(vec![
                i.indicator.clone(),
                number(i.median),
                i.median_base.to_string(),
                number(i.published_median),
                cuts(&i.published_cut_points),
                cuts(&i.derived_cut_points),
                cuts(&i.used_cut_points),
                i.nonzero.to_string(),
                i.not_derived_reason.clone(),
            ]);
        }
    }
    let tidy = |name, rows| Table { name, header: TABLE_HEADER.into(), rows };
    vec![
        tidy("composite_grades.csv", composites),
        tidy("simple_scores.csv", scores),
        tidy("counts.csv", counts),
        tidy("competence.csv", competence),
        Table { name: "ks_2018_means.csv", header: KS_HEADER.into(), rows: ks },
        tidy("riksrevisjonen_2015_coverage.csv", services),
        Table { name: "calibration.csv", header: CALIBRATION_HEADER.into(), rows: calibration },
    ]
}
