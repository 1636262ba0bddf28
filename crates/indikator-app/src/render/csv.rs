//! The CSV exports: one row per scored respondent (`--csv`), and every summary
//! table as a tidy CSV of its own (`--tables-csv`), in the column style of the
//! CSV round file (`docs/batch-formats.md`): snake_case names, enum values as
//! their proto name without the enum's prefix in lower case, `yes`/`no`, lists
//! joined by `;`, an empty cell where a figure is absent.

use crate::proto::v1 as pb;
use indikator_core::catalogue::Catalogues;
use indikator_core::methodology::ssb2018 as m;

/// The proto enum name without its prefix, in lower case
/// (`RESPONDENT_KIND_MUNICIPALITY` → `municipality`).
pub fn key(proto_name: &str, prefix: &str) -> String {
    proto_name.strip_prefix(prefix).unwrap_or(proto_name).to_ascii_lowercase()
}

/// A catalogue id as a column-name part (`brukeren-i-sentrum` → `brukeren_i_sentrum`).
fn snake(id: &str) -> String {
    id.replace(['-', '.', '/'], "_")
}

fn yes_no(b: bool) -> &'static str {
    if b { "yes" } else { "no" }
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
            for f in ["grade", "code", "label", "label_en", "fragile"] {
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

    /// One respondent's row, cell for cell under [`CardColumns::header`], each
    /// cell handed to `emit` in turn (no cell is allocated).
    pub fn write_row(&self, card: &pb::ScoreCard, emit: &mut dyn FnMut(&str)) {
        let mut cells = Cells { emit, scratch: String::new() };
        let empty = pb::IndicatorResults::default();
        let r = card.results.as_ref().unwrap_or(&empty);
        let no_respondent;
        let p = match &r.respondent {
            Some(p) => p,
            None => {
                no_respondent = Default::default();
                &no_respondent
            }
        };
        cells.text(&card.record_id);
        cells.display(card.sequence);
        cells.text(&p.organisation_number);
        cells.key(p.kind().as_str_name(), "RESPONDENT_KIND_");
        cells.text(&p.municipality_number);
        cells.text(&p.county_number);
        cells.text(&p.county_name);
        cells.text(&p.region);
        cells.key(p.size_class().as_str_name(), "SIZE_CLASS_");
        cells.text(&p.name);
        cells.display(p.survey_year);
        let ssb = r.ssb_2018.as_ref();
        let simple =
            ssb.map(|s| [&s.strategy, &s.projects, &s.internal_capacity, &s.cloud, &s.procurement, &s.service_offer]);
        for i in 0..SIMPLE.len() {
            match simple.and_then(|s| s[i].as_ref()) {
                Some(s) => {
                    let (label, label_en) = super::score_labels(s);
                    cells.display(s.score);
                    cells.display(s.count);
                    cells.text(label);
                    cells.text(label_en);
                }
                None => cells.empty(4),
            }
        }
        let composite = ssb.map(|s| [&s.digital_priority, &s.digital_use, &s.digital_activity]);
        for i in 0..COMPOSITE.len() {
            match composite.and_then(|s| s[i].as_ref()) {
                Some(g) => {
                    let (label, label_en) = super::grade_labels(m::COMPOSITES[i], g);
                    cells.display(g.grade);
                    cells.text(&g.code);
                    cells.text(label);
                    cells.text(label_en);
                    let id = format!("{}/{}", m::ID, m::COMPOSITES[i].id);
                    cells.scratch.clear();
                    for f in ssb.iter().flat_map(|s| &s.fragile_grades).filter(|f| f.composite == id) {
                        if !cells.scratch.is_empty() {
                            cells.scratch.push(';');
                        }
                        cells.scratch.push_str(f.indicator.rsplit('/').next().unwrap_or(&f.indicator));
                        cells.scratch.push_str(if f.count_change > 0 { "+1" } else { "-1" });
                    }
                    cells.scratch_cell();
                }
                None => cells.empty(5),
            }
        }
        match ssb {
            Some(s) => {
                cells.key_or_empty(s.recruitment_status().as_str_name(), "RECRUITMENT_STATUS_");
                cells.key_or_empty(s.hindrance_group().as_str_name(), "HINDRANCE_GROUP_");
                match &s.competence_profile {
                    Some(c) => {
                        let (label, label_en) = super::competence_profile_labels(c);
                        cells.key_or_empty(c.sourcing_group().as_str_name(), "SOURCING_GROUP_");
                        cells.text(&c.code);
                        cells.text(label);
                        cells.text(label_en);
                    }
                    None => cells.empty(4),
                }
                cells.display(s.service_modes_unknown);
            }
            None => cells.empty(7),
        }
        for f in FLAGS {
            cells.text(yes_no(r.flags.iter().any(|x| x.code() == f)));
        }
        cells.scratch.clear();
        for (i, u) in r.unscored.iter().enumerate() {
            if i > 0 {
                cells.scratch.push(';');
            }
            cells.scratch.push_str(&u.indicator);
        }
        cells.scratch_cell();
        for a in &self.ks_areas {
            let result = r.ks_2018.as_ref().and_then(|k| k.areas.iter().find(|x| &x.area_id == a));
            let card_area = card.ks_2018.iter().find(|x| &x.area_id == a);
            match result.and_then(|x| x.score) {
                Some(score) => cells.display(score),
                None => cells.empty(1),
            }
            match result {
                Some(x) => {
                    cells.display(x.answered);
                    cells.display(x.total);
                }
                None => cells.empty(2),
            }
            match card_area {
                Some(c) => {
                    cells.display(c.county_mean);
                    cells.display(c.region_mean);
                    cells.display(c.national_mean);
                    if c.national_rank == 0 {
                        cells.empty(1);
                    } else {
                        cells.display(c.national_rank);
                    }
                }
                None => cells.empty(4),
            }
        }
        let services = r.riksrevisjonen_2015.as_ref();
        let shares = |cells: &mut Cells<'_>, s: Option<&pb::ServiceShares>| match s {
            Some(s) => {
                cells.display(s.reported);
                cells.display(s.total);
                cells.display(s.share_at_least_1);
                cells.display(s.share_at_least_2);
                cells.display(s.share_at_3);
            }
            None => cells.empty(SERVICE_FIGURES.len()),
        };
        shares(&mut cells, services.and_then(|s| s.overall.as_ref()));
        match services {
            Some(s) => cells.text(yes_no(s.none_offered)),
            None => cells.empty(1),
        }
        for a in &self.service_areas {
            let area = services.and_then(|s| s.by_area.iter().find(|x| &x.area_id == a));
            shares(&mut cells, area.and_then(|x| x.shares.as_ref()));
        }
    }
}

/// A row's cells on their way out; numbers and keys are written into one
/// reused string.
struct Cells<'a> {
    emit: &'a mut dyn FnMut(&str),
    scratch: String,
}

impl Cells<'_> {
    fn text(&mut self, text: &str) {
        (self.emit)(text);
    }

    fn empty(&mut self, n: usize) {
        for _ in 0..n {
            (self.emit)("");
        }
    }

    /// A number (as `{}` shows it: `f64`s shortest round-trip) or a `bool`.
    fn display(&mut self, value: impl std::fmt::Display) {
        use std::fmt::Write as _;
        self.scratch.clear();
        let _ = write!(self.scratch, "{value}");
        self.scratch_cell();
    }

    /// [`key`], without allocating.
    fn key(&mut self, proto_name: &str, prefix: &str) {
        self.scratch.clear();
        self.scratch.push_str(proto_name.strip_prefix(prefix).unwrap_or(proto_name));
        self.scratch.make_ascii_lowercase();
        self.scratch_cell();
    }

    /// [`Cells::key`], empty for the `UNSPECIFIED` value.
    fn key_or_empty(&mut self, proto_name: &str, prefix: &str) {
        if proto_name.strip_prefix(prefix) == Some("UNSPECIFIED") {
            self.empty(1);
        } else {
            self.key(proto_name, prefix);
        }
    }

    fn scratch_cell(&mut self) {
        (self.emit)(&self.scratch);
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
    /// Each row's base (what `share` is of) in a tidy count table; empty in the others.
    pub bases: Vec<u64>,
}

/// Every summary table. The count tables are tidy under [`TABLE_HEADER`]: one
/// row per group × item × answer, `share` being `n` over the table's base (the
/// group's respondents with the item scored; empty with an empty base); the KS
/// means and the calibration have columns of their own.
pub fn tables(summary: &pb::RoundSummary) -> Vec<Table> {
    let mut composites = Vec::new();
    let mut robustness = Vec::new();
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
                // The base, taken off into `Table::bases`.
                base.to_string(),
            ]
        };
        for (c, composite) in g.composites.iter().zip(m::COMPOSITES.iter()) {
            for (grade, n) in c.per_grade.iter().enumerate() {
                let code = composite.grades.get(grade).map_or(grade.to_string(), |l| l.code.to_owned());
                composites.push(cell(&c.indicator, code, *n, c.n));
            }
        }
        for c in &g.composites {
            robustness.push(cell(&c.indicator, "fragile".into(), c.fragile, c.n));
            robustness.push(cell(
                &c.indicator,
                "differ_between_calibrations".into(),
                c.differ_between_calibrations,
                c.n,
            ));
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
    let tidy = |name, mut rows: Vec<Vec<String>>| {
        let bases = rows.iter_mut().map(|row| row.pop().and_then(|b| b.parse().ok()).unwrap_or(0)).collect();
        Table { name, header: TABLE_HEADER.into(), rows, bases }
    };
    vec![
        tidy("composite_grades.csv", composites),
        tidy("composite_robustness.csv", robustness),
        tidy("simple_scores.csv", scores),
        tidy("counts.csv", counts),
        tidy("competence.csv", competence),
        Table { name: "ks_2018_means.csv", header: KS_HEADER.into(), rows: ks, bases: Vec::new() },
        tidy("riksrevisjonen_2015_coverage.csv", services),
        Table { name: "calibration.csv", header: CALIBRATION_HEADER.into(), rows: calibration, bases: Vec::new() },
    ]
}
