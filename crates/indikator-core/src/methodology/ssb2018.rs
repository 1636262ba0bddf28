//! `ssb-2018`: Statistics Norway's digitalisation indicators (docs/method.md §1), as
//! tables. The order of every list is the order of its proto enum.

use super::{GradeLabel, Item, ItemList, published, reconstructed};
use crate::methodology::bands::Calibration;
use crate::methodology::composite::CompositeTable;

pub const ID: &str = "ssb-2018";
pub const NAME: &str = "Digitalisering i kommunene";
pub const NAME_EN: &str = "Digitalisation in the municipalities";
pub const SOURCE: &str = "Statistisk sentralbyrå, «Digitalisering i kommunene», Rapporter 2019/14";

pub static STRATEGY_AREAS: ItemList = ItemList {
    id: "strategy_areas",
    name: "Områder omtalt i IKT-strategien",
    name_en: "Areas covered by the ICT strategy",
    enum_prefix: "STRATEGY_AREA",
    items: &[
        published(
            "digital_services_for_citizens",
            "Digitale tjenester for innbyggere",
            "Digital services for citizens",
        ),
        published("information_security", "Informasjonssikkerhet", "Information security"),
        published("ict_infrastructure", "IKT-infrastruktur", "ICT infrastructure"),
        published("welfare_technology", "Velferdsteknologi", "Welfare technology"),
        published("robotisation", "Robotisering", "Robotisation"),
        published("green_ict", "Bruk av grønn IKT", "Use of green ICT"),
        published("reuse_and_sharing_of_data", "Økt gjenbruk og deling av data", "More reuse and sharing of data"),
        published(
            "data_from_other_agencies",
            "Bruk av data fra andre kommuner, fylkeskommuner eller statlige virksomheter",
            "Use of data from other municipalities, counties or state agencies",
        ),
        reconstructed("cloud_services", "Bruk av skytjenester", "Use of cloud services"),
        reconstructed("common_solutions", "Bruk av felles løsninger", "Use of common solutions"),
        reconstructed(
            "digital_services_for_businesses",
            "Digitale tjenester for næringslivet",
            "Digital services for businesses",
        ),
        reconstructed("employee_digital_competence", "Digital kompetanse hos ansatte", "Employees' digital competence"),
        reconstructed(
            "collaboration_with_other_agencies",
            "Samhandling med andre virksomheter",
            "Collaboration with other agencies",
        ),
    ],
};

pub static PROJECT_EFFECT_AREAS: ItemList = ItemList {
    id: "project_effect_areas",
    name: "Områder IKT-prosjektene forventes å påvirke",
    name_en: "Areas the ICT projects are expected to affect",
    enum_prefix: "PROJECT_EFFECT_AREA",
    items: &[
        published(
            "quality_of_external_services",
            "Økt kvalitet på tjenester til eksterne brukere",
            "Better quality of services to external users",
        ),
        published(
            "simpler_work_routines",
            "Omlegginger og forenklinger av arbeidsrutiner",
            "Reorganised and simplified work routines",
        ),
        published("reduced_staffing", "Reduksjon i bemanning", "Reduced staffing"),
        reconstructed("new_digital_services", "Nye digitale tjenester", "New digital services"),
        reconstructed("faster_case_handling", "Raskere saksbehandling", "Faster case handling"),
        reconstructed("reduced_costs", "Reduserte kostnader", "Reduced costs"),
        reconstructed(
            "more_collaboration",
            "Økt samhandling med andre virksomheter",
            "More collaboration with other agencies",
        ),
        reconstructed("better_information_security", "Bedre informasjonssikkerhet", "Better information security"),
        reconstructed(
            "changed_competence_needs",
            "Endret kompetansebehov hos ansatte",
            "Changed competence needs among employees",
        ),
        reconstructed("better_management_information", "Bedre styringsinformasjon", "Better management information"),
    ],
};

pub static ICT_FUNCTIONS: ItemList = ItemList {
    id: "ict_functions",
    name: "IKT-funksjoner",
    name_en: "ICT functions",
    enum_prefix: "ICT_FUNCTION",
    items: &[
        published("security_testing", "Sikkerhetstesting", "Security testing"),
        published("web_development", "Utvikling av internettløsninger", "Development of web solutions"),
        published("operate_line_of_business_systems", "Drifte fagsystemer", "Operating line-of-business systems"),
        published("manage_line_of_business_systems", "Forvalte fagsystemer", "Managing line-of-business systems"),
        published(
            "security_monitoring",
            "Sikkerhetsovervåking av IKT-infrastruktur",
            "Security monitoring of ICT infrastructure",
        ),
        published(
            "digitalisation_project_management",
            "Prosjektledelse for digitalisering",
            "Project management for digitalisation",
        ),
        published("operate_servers", "Drifte servere", "Operating servers"),
        published("user_training", "IT-opplæring av interne brukere", "IT training of internal users"),
        // The label's end is reconstructed (docs/method.md §1.2).
        reconstructed(
            "procurement_project_management",
            "Prosjektledelse i forbindelse med IKT-anskaffelser",
            "Project management of ICT procurements",
        ),
        published("user_support", "Brukerstøtte", "User support"),
        published(
            "strategy_development",
            "Utvikling av IKT-/digitaliseringsstrategi",
            "Developing the ICT/digitalisation strategy",
        ),
        published("operate_pc_environment", "Drifte PC-miljøer", "Operating PC environments"),
    ],
};

pub static CLOUD_AREAS: ItemList = ItemList {
    id: "cloud_areas",
    name: "Områder tilrettelagt for bruk av skytjenester",
    name_en: "Areas made ready for cloud services",
    enum_prefix: "CLOUD_AREA",
    items: &[
        published("communication", "Kommunikasjon (tale, chat, e-post)", "Communication (voice, chat, e-mail)"),
        published("web_platform", "Webplattform", "Web platform"),
        published("storage", "Lagring", "Storage"),
        published("virtual_meeting_rooms", "Virtuelle møterom", "Virtual meeting rooms"),
        published("development_platform", "Utviklingsplattform", "Development platform"),
        published("operations_platform", "Driftsplattform", "Operations platform"),
        published("backup", "Back-up", "Back-up"),
        reconstructed("office_tools", "Kontorstøtteverktøy", "Office tools"),
        reconstructed("finance_and_accounting", "Økonomi og regnskap", "Finance and accounting"),
        reconstructed("payroll_and_hr", "Lønn og personal", "Payroll and HR"),
        reconstructed("case_and_archive", "Sak og arkiv", "Case handling and archive"),
        reconstructed("specialist_systems", "Fagsystemer", "Specialist systems"),
        reconstructed("citizen_dialogue", "Innbyggerdialog (CRM)", "Citizen dialogue (CRM)"),
        reconstructed("databases", "Databaser", "Databases"),
        reconstructed("compute", "Regnekraft", "Compute"),
    ],
};

pub static PROCUREMENT_ACTIVITIES: ItemList = ItemList {
    id: "procurement_activities",
    name: "Digitale innkjøpsaktiviteter",
    name_en: "Digital procurement activities",
    enum_prefix: "PROCUREMENT_ACTIVITY",
    items: &[
        // Only four activities are named in the source (docs/method.md §1.3); the
        // others are reconstructed.
        reconstructed("planning", "Planlegging av innkjøp", "Planning of purchases"),
        reconstructed("receiving_tenders", "Mottak av tilbud", "Receiving tenders"),
        published("evaluation_and_award", "Evaluering og tildeling av kontrakt", "Evaluation and award of contract"),
        reconstructed(
            "order_handling",
            "Ordrehåndtering i digitalt bestillingssystem",
            "Order handling in a digital ordering system",
        ),
        reconstructed(
            "structured_orders",
            "Oversendelse av ordre til leverandør i strukturert format",
            "Orders sent to the supplier in a structured format",
        ),
        published("receiving_invoices", "Mottak av faktura", "Receiving invoices"),
        published(
            "invoice_validation",
            "Kontroll og validering av innhold i mottatt faktura",
            "Checking and validating received invoices",
        ),
        published("contract_follow_up", "Oppfølging av inngåtte avtaler", "Follow-up of contracts"),
    ],
};

/// The four modes of digital service; `complex` modes earn 2/4 points, simple 1/3.
pub static SERVICE_MODES: ItemList = ItemList {
    id: "service_modes",
    name: "Typer digitale tjenester",
    name_en: "Modes of digital service",
    enum_prefix: "SERVICE_MODE",
    items: &[
        published("open_access", "Åpen innsynstjeneste", "Open access service (no log-in)"),
        published("simple_individual", "Enkel individuell tjeneste", "Simple individual service (log-in)"),
        published("complex_individual", "Kompleks, individuell tjeneste", "Complex individual service"),
        published("self_activated", "Selvaktivert tjeneste", "Self-activated service"),
    ],
};

/// Whether each service mode (same order as [`SERVICE_MODES`]) is complex.
pub const SERVICE_MODE_IS_COMPLEX: [bool; 4] = [false, false, true, true];

/// Points per mode by extent tier (none, some, about half or more), simple and complex.
pub const SERVICE_POINTS_SIMPLE: [u32; 3] = [0, 1, 3];
pub const SERVICE_POINTS_COMPLEX: [u32; 3] = [0, 2, 4];

/// Answers to "who performs this function"; the flag says whether it counts as internal.
pub static SOURCING: [(Item, bool); 7] = [
    (published("exclusively_internal", "Utelukkende interne", "Exclusively internal"), true),
    (published("mainly_internal", "Overveiende interne", "Mainly internal"), true),
    (published("evenly_split", "Noenlunde likt fordelt", "About evenly split"), false),
    (published("mainly_external", "Overveiende eksterne", "Mainly external"), false),
    (published("exclusively_external", "Utelukkende eksterne", "Exclusively external"), false),
    (published("not_relevant", "Ikke relevant", "Not relevant"), false),
    (published("dont_know", "Vet ikke", "Don't know"), false),
];

/// Every item list of the questionnaire, in the order of its parts.
pub static ITEM_LISTS: [&ItemList; 7] = [
    &STRATEGY_AREAS,
    &PROJECT_EFFECT_AREAS,
    &ICT_FUNCTIONS,
    &RECRUITMENT_DIFFICULTIES,
    &CLOUD_AREAS,
    &PROCUREMENT_ACTIVITIES,
    &SERVICE_MODES,
];

pub static RECRUITMENT_DIFFICULTIES: ItemList = ItemList {
    id: "recruitment_difficulties",
    name: "Vansker med å rekruttere IKT-spesialister",
    name_en: "Difficulties recruiting ICT specialists",
    enum_prefix: "RECRUITMENT_DIFFICULTY",
    items: &[
        published("took_over_three_months", "Tok over tre måneder", "Took more than three months"),
        published(
            "other_qualifications",
            "Måtte ansette noen med annen formell kompetanse enn ønsket",
            "Had to hire someone with other formal qualifications than sought",
        ),
    ],
};

/// Hindrance group of each degree answer (same order as the proto enum).
pub static HINDRANCE: [(Item, Hindrance); 6] = [
    (published("very_small", "I svært liten grad", "To a very small degree"), Hindrance::Low),
    (published("fairly_small", "I ganske liten grad", "To a fairly small degree"), Hindrance::Low),
    (published("neither", "I hverken stor eller liten grad", "Neither large nor small"), Hindrance::Neither),
    (published("fairly_large", "I ganske stor grad", "To a fairly large degree"), Hindrance::High),
    (published("very_large", "I svært stor grad", "To a very large degree"), Hindrance::High),
    (published("dont_know", "Vet ikke", "Don't know"), Hindrance::Unknown),
];

/// Procurement answers; the flag says whether the activity counts as digital.
pub static PROCUREMENT_ANSWERS: [(Item, bool); 4] = [
    (published("yes_fully", "Ja, helt", "Yes, fully"), true),
    (published("yes_partly", "Ja, delvis", "Yes, partly"), true),
    (published("no", "Nei", "No"), false),
    (published("dont_know", "Vet ikke", "Don't know"), false),
];

/// How much of the services a mode covers; `None` tier = don't know / not relevant.
pub static SERVICE_EXTENTS: [(Item, Option<usize>); 7] = [
    (published("none", "Ingen tjenester", "No services"), Some(0)),
    (published("some", "Noen tjenester", "Some services"), Some(1)),
    (published("about_half", "Omtrent halvparten av tjenestene", "About half of the services"), Some(2)),
    (published("most", "De fleste tjenestene", "Most services"), Some(2)),
    (published("all", "Alle tjenestene", "All services"), Some(2)),
    (published("dont_know", "Vet ikke", "Don't know"), None),
    (published("not_relevant", "Ikke relevant", "Not relevant"), None),
];

/// Hindrance groups (docs/method.md §1.2).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Hindrance {
    Low,
    Neither,
    High,
    Unknown,
}

/// Labels of the simple scores 0–4 (the source's «null» … «veldig høy»).
pub static SCORE_LABELS: [GradeLabel; 5] = [
    GradeLabel { code: "0", label: "null", label_en: "none" },
    GradeLabel { code: "1", label: "veldig lav", label_en: "very low" },
    GradeLabel { code: "2", label: "lav", label_en: "low" },
    GradeLabel { code: "3", label: "høy", label_en: "high" },
    GradeLabel { code: "4", label: "veldig høy", label_en: "very high" },
];

/// A count indicator and its published 2018 calibration.
#[derive(Debug)]
pub struct CountIndicator {
    /// Short id; the full id is `ssb-2018/<id>`.
    pub id: &'static str,
    pub name: &'static str,
    pub name_en: &'static str,
    /// What is counted, in words.
    pub counts: &'static str,
    /// The highest possible count.
    pub max_count: u32,
    /// The published 2018 bands.
    pub published: Calibration,
    /// Published median, where one was published.
    pub published_median: Option<f64>,
    /// The respondents the median is reported over (docs/method.md §1.5).
    pub median_base: &'static str,
}

pub static STRATEGY: CountIndicator = CountIndicator {
    id: "strategy",
    name: "IKT-strategi",
    name_en: "ICT strategy",
    counts: "distinct strategy areas covered (no strategy counts 0)",
    max_count: 13,
    published: Calibration::new([6, 10, 12]),
    published_median: Some(9.0),
    median_base: "those with a strategy (no strategy is left out; a strategy with no area counts 0)",
};

pub static PROJECTS: CountIndicator = CountIndicator {
    id: "projects",
    name: "IKT-prosjekter",
    name_en: "ICT projects",
    counts: "distinct areas the projects affect (no projects counts 0)",
    max_count: 10,
    published: Calibration::new([5, 7, 9]),
    published_median: Some(7.0),
    median_base: "those with projects (no projects is left out; projects with no area count 0)",
};

pub static INTERNAL_CAPACITY: CountIndicator = CountIndicator {
    id: "internal_capacity",
    name: "Intern IKT-kapasitet",
    name_en: "Internal ICT capacity",
    counts: "ICT functions performed exclusively or mainly internally",
    max_count: 12,
    published: Calibration::new([5, 8, 11]),
    published_median: Some(8.0),
    median_base: "everyone scored",
};

pub static CLOUD: CountIndicator = CountIndicator {
    id: "cloud",
    name: "Bruk av skytjenester",
    name_en: "Use of cloud services",
    counts: "areas made ready for cloud services (not using cloud counts 0)",
    max_count: 15,
    published: Calibration::new([4, 7, 10]),
    published_median: Some(6.0),
    median_base: "those using cloud (not using cloud is left out; cloud use with no area counts 0)",
};

pub static PROCUREMENT: CountIndicator = CountIndicator {
    id: "procurement",
    name: "Digitale innkjøp",
    name_en: "Digital procurement",
    counts: "procurement activities answered «Ja, helt» or «Ja, delvis»",
    max_count: 8,
    published: Calibration::new([4, 6, 8]),
    published_median: Some(6.0),
    median_base: "everyone scored",
};

pub static SERVICE_OFFER: CountIndicator = CountIndicator {
    id: "service_offer",
    name: "Tilbud av digitale tjenester",
    name_en: "Digital services offered",
    counts: "service-offer points over the four modes (0–14)",
    max_count: 14,
    published: Calibration::new([2, 4, 7]),
    published_median: Some(2.0),
    median_base: "everyone scored",
};

/// Every count indicator, in the order results and reports list them.
pub static COUNT_INDICATORS: [&CountIndicator; 6] =
    [&STRATEGY, &PROJECTS, &INTERNAL_CAPACITY, &CLOUD, &PROCUREMENT, &SERVICE_OFFER];

/// A composite grade: a 5×5 table over two 0–4 scores.
#[derive(Debug)]
pub struct Composite {
    /// Short id; the full id is `ssb-2018/<id>`.
    pub id: &'static str,
    pub name: &'static str,
    pub name_en: &'static str,
    /// Indicator ids along the rows and columns.
    pub rows: &'static str,
    pub columns: &'static str,
    /// The rule in words (docs/method.md).
    pub rule: &'static str,
    pub table: CompositeTable,
    pub grades: [GradeLabel; 5],
    /// The published 2018 table and its counts per grade 0–4 (377 municipalities).
    pub published_table: &'static str,
    pub published_counts: [u32; 5],
}

pub static DIGITAL_PRIORITY: Composite = Composite {
    id: "digital_priority",
    name: "Digital prioritering",
    name_en: "Digital priority",
    rows: "strategy",
    columns: "projects",
    rule: "0: S = 0 and P = 0; 4: S ≥ 3 and P ≥ 3; 2: S ≥ 3, P ≤ 2; 3: P ≥ 3, S ≤ 2; 1: all else",
    //                        P = 0  1  2  3  4
    table: CompositeTable::new([
        [0, 1, 1, 3, 3], // S = 0
        [1, 1, 1, 3, 3], // S = 1
        [1, 1, 1, 3, 3], // S = 2
        [2, 2, 2, 4, 4], // S = 3
        [2, 2, 2, 4, 4], // S = 4
    ]),
    grades: [
        GradeLabel {
            code: "digital_priority.0",
            label: "Har verken IKT-strategi på plass eller IKT-prosjekter i gang",
            label_en: "Neither an ICT strategy nor ICT projects",
        },
        GradeLabel {
            code: "digital_priority.1",
            label: "Har enten strategi eller IKT-prosjekter i gang, men relativt få områder er berørt",
            label_en: "A strategy or projects, but few areas affected",
        },
        GradeLabel {
            code: "digital_priority.2",
            label: "Omfattende IKT-strategi, men relativt få områder er berørt av IKT-prosjekter",
            label_en: "Comprehensive strategy, few areas affected by projects",
        },
        GradeLabel {
            code: "digital_priority.3",
            label: "Omfattende IKT-prosjekter, men begrenset IKT-strategi",
            label_en: "Comprehensive projects, limited strategy",
        },
        GradeLabel {
            code: "digital_priority.4",
            label: "Både omfattende IKT-strategi og IKT-prosjekter",
            label_en: "Both a comprehensive strategy and comprehensive projects",
        },
    ],
    published_table: "Tabell 3.1",
    published_counts: [34, 105, 29, 110, 99],
};

/// The activity composites' shared table (rows: first score, columns: second).
/// Unlike digital priority, (0, 1) and (1, 0) are grade 0 here.
const ACTIVITY_TABLE: CompositeTable = CompositeTable::new([
    [0, 0, 1, 3, 3], // row 0
    [0, 1, 1, 3, 3], // row 1
    [1, 1, 1, 3, 3], // row 2
    [2, 2, 2, 4, 4], // row 3
    [2, 2, 2, 4, 4], // row 4
]);

const ACTIVITY_RULE: &str = "0: both 0, or one 0 and the other 1; 1: both in 1–2, or one 0 and the other 2; \
     2: row ≥ 3 and column ≤ 2; 3: column ≥ 3 and row ≤ 2; 4: both ≥ 3";

pub static DIGITAL_USE: Composite = Composite {
    id: "digital_use",
    name: "Bruk av digitale tjenester",
    name_en: "Use of digital services",
    rows: "cloud",
    columns: "procurement",
    rule: ACTIVITY_RULE,
    table: ACTIVITY_TABLE,
    grades: [
        GradeLabel { code: "digital_use.0", label: "Svært liten bruk av begge", label_en: "Very little use of both" },
        GradeLabel {
            code: "digital_use.1",
            label: "Relativt liten bruk av begge",
            label_en: "Relatively little use of both",
        },
        GradeLabel {
            code: "digital_use.2",
            label: "Mye bruk av skytjenester, men lite av digitale innkjøp",
            label_en: "Much cloud use, little digital procurement",
        },
        GradeLabel {
            code: "digital_use.3",
            label: "Mye bruk av digitale innkjøp, men lite av skytjenester",
            label_en: "Much digital procurement, little cloud use",
        },
        GradeLabel { code: "digital_use.4", label: "Mye bruk av begge", label_en: "Much use of both" },
    ],
    published_table: "Tabell 5.1",
    published_counts: [28, 101, 51, 107, 90],
};

pub static DIGITAL_ACTIVITY: Composite = Composite {
    id: "digital_activity",
    name: "Digital aktivitet",
    name_en: "Digital activity",
    rows: "digital_use",
    columns: "service_offer",
    rule: ACTIVITY_RULE,
    table: ACTIVITY_TABLE,
    grades: [
        GradeLabel {
            code: "digital_activity.0",
            label: "Svært lite av digital aktivitet",
            label_en: "Very little digital activity",
        },
        GradeLabel {
            code: "digital_activity.1",
            label: "Relativt lite av digital aktivitet",
            label_en: "Relatively little digital activity",
        },
        GradeLabel {
            code: "digital_activity.2",
            label: "Bruker mye av digitale tjenester, men tilbyr lite selv",
            label_en: "Uses many digital services, offers few",
        },
        GradeLabel {
            code: "digital_activity.3",
            label: "Tilbyr mye av digitale tjenester, men bruker lite selv",
            label_en: "Offers many digital services, uses few",
        },
        GradeLabel {
            code: "digital_activity.4",
            label: "Både bruker og tilbyr mye av digitale tjenester",
            label_en: "Both uses and offers many digital services",
        },
    ],
    published_table: "Tabell 5.2",
    published_counts: [31, 112, 111, 37, 86],
};

pub static COMPOSITES: [&Composite; 3] = [&DIGITAL_PRIORITY, &DIGITAL_USE, &DIGITAL_ACTIVITY];

/// Recruitment status labels (NOT_TRIED, RECRUITED_WITHOUT_PROBLEMS, STRUGGLED).
pub static RECRUITMENT_STATUS: [Item; 3] = [
    published("not_tried", "Har ikke forsøkt å rekruttere", "Did not try to recruit"),
    published("recruited_without_problems", "Rekrutterte uten problemer", "Recruited without problems"),
    published("struggled", "Hadde vansker med å rekruttere", "Had difficulties recruiting"),
];

/// Hindrance group labels (LOW, NEITHER, HIGH, UNKNOWN).
pub static HINDRANCE_GROUPS: [Item; 4] = [
    published("low", "Liten grad", "Small hindrance"),
    published("neither", "Hverken stor eller liten grad", "Neither"),
    published("high", "Stor grad", "Large hindrance"),
    published("unknown", "Vet ikke", "Don't know"),
];

/// Sourcing group labels (INTERNAL, EXTERNAL); INTERNAL when internal capacity ≥ 3.
pub static SOURCING_GROUPS: [Item; 2] = [
    reconstructed("internal", "Overveiende intern IKT-kompetanse", "Mainly internal ICT capacity"),
    reconstructed("external", "Overveiende ekstern IKT-kompetanse", "Mainly external ICT capacity"),
];

/// Code and labels of every competence profile, per sourcing group (rows, as
/// [`SOURCING_GROUPS`]) × recruitment status (as [`RECRUITMENT_STATUS`]): the
/// code (`internal.struggled`), and as each label the sourcing group's, a comma
/// and the recruitment status's in lower case («Overveiende intern
/// IKT-kompetanse, hadde vansker med å rekruttere»). Built once: a score card
/// clones them instead of formatting them.
pub static COMPETENCE_PROFILES: std::sync::LazyLock<Vec<Vec<[String; 3]>>> = std::sync::LazyLock::new(|| {
    SOURCING_GROUPS
        .iter()
        .map(|g| {
            RECRUITMENT_STATUS
                .iter()
                .map(|s| {
                    [
                        format!("{}.{}", g.key, s.key),
                        format!("{}, {}", g.label, s.label.to_lowercase()),
                        format!("{}, {}", g.label_en, s.label_en.to_lowercase()),
                    ]
                })
                .collect()
        })
        .collect()
});

/// The labels (bokmål, English) of the competence profile with this code.
pub fn competence_profile_labels(code: &str) -> Option<(&'static str, &'static str)> {
    COMPETENCE_PROFILES
        .iter()
        .flatten()
        .find(|[c, ..]| c == code)
        .map(|[_, label, label_en]| (label.as_str(), label_en.as_str()))
}

/// The internal-capacity score from which a respondent counts as INTERNAL.
pub const INTERNAL_SOURCING_MIN_SCORE: u8 = 3;
