//! The CSV round file of `indikator batch` (`docs/batch-formats.md`): one header row,
//! then one row per respondent.
//!
//! Reading only checks syntax: known columns, known value keys, whole numbers,
//! `yes`/`no`. Whether the answers make sense together (check digits, areas listed
//! while «no strategy», duplicates, …) is the server's validation, so a row is read
//! as faithfully as the protobuf messages can hold it.
//!
//! Value keys are derived from the generated enums: the proto value name without the
//! enum's prefix, in lower case (`STRATEGY_AREA_GREEN_ICT` → `green_ict`). The
//! per-item columns (`sourcing_…`, `procurement_…`, `service_…`) are derived the same
//! way, so a value added to a proto enum shows up here without a code change.

use std::collections::HashMap;

use crate::proto::v1 as pb;
use crate::validate::{List, PortfolioView, RespondentView, ResponseView, SsbView};

pub const RECORD_ID: &str = "record_id";
pub const ORGANISATION_NUMBER: &str = "organisation_number";
const KIND: &str = "kind";
pub const MUNICIPALITY_NUMBER: &str = "municipality_number";
pub const COUNTY_NUMBER: &str = "county_number";
const NAME: &str = "name";
pub const INHABITANTS: &str = "inhabitants";
pub const SURVEY_YEAR: &str = "survey_year";
/// The identity columns: every header must have them (the cells may be empty).
const IDENTITY: [&str; 7] =
    [ORGANISATION_NUMBER, KIND, MUNICIPALITY_NUMBER, COUNTY_NUMBER, NAME, INHABITANTS, SURVEY_YEAR];

pub const HAS_STRATEGY: &str = "has_strategy";
pub const STRATEGY_AREAS: &str = "strategy_areas";
pub const HAS_PROJECTS: &str = "has_projects";
pub const PROJECT_AREAS: &str = "project_areas";
const SOURCING_PREFIX: &str = "sourcing_";
pub const TRIED_TO_RECRUIT: &str = "tried_to_recruit";
pub const RECRUITMENT_DIFFICULTIES: &str = "recruitment_difficulties";
const HINDRANCE: &str = "hindrance";
pub const USES_CLOUD: &str = "uses_cloud";
pub const CLOUD_AREAS: &str = "cloud_areas";
const PROCUREMENT_PREFIX: &str = "procurement_";
const SERVICE_PREFIX: &str = "service_";

/// Separates the keys in a list cell (`information_security;green_ict`).
pub const LIST_SEPARATOR: char = ';';
pub const YES: &str = "yes";
pub const NO: &str = "no";

/// Why a header or a row could not be read. Every message names the column and, for
/// a bad cell, the value.
#[derive(Debug, thiserror::Error, PartialEq)]
pub enum CsvError {
    #[error("unknown column `{column}` (docs/batch-formats.md lists the columns)")]
    UnknownColumn { column: String },
    #[error("column `{column}` appears more than once in the header")]
    DuplicateColumn { column: String },
    #[error("the header lacks the required column `{column}`")]
    MissingColumn { column: String },
    #[error("{}", cell_count(*.expected, *.found))]
    CellCount { expected: usize, found: usize },
    #[error("column `{column}`: unknown value {value:?} (expected one of: {})", .expected.join(", "))]
    UnknownValue { column: String, value: String, expected: Vec<String> },
    #[error("column `{column}`: {value:?} is not a whole number from 0 to {}", u32::MAX)]
    NotANumber { column: String, value: String },
    #[error("column `{column}`: values given while `{answer_column}` is empty")]
    ListWithoutAnswer { column: String, answer_column: String },
}

/// The column names in canonical order.
pub fn columns() -> Vec<String> {
    let mut all: Vec<String> = [RECORD_ID]
        .into_iter()
        .chain(IDENTITY)
        .chain([HAS_STRATEGY, STRATEGY_AREAS, HAS_PROJECTS, PROJECT_AREAS])
        .map(String::from)
        .collect();
    all.extend(item_columns::<pb::IctFunction>(SOURCING_PREFIX));
    all.extend([TRIED_TO_RECRUIT, RECRUITMENT_DIFFICULTIES, HINDRANCE, USES_CLOUD, CLOUD_AREAS].map(String::from));
    all.extend(item_columns::<pb::ProcurementActivity>(PROCUREMENT_PREFIX));
    all.extend(item_columns::<pb::ServiceMode>(SERVICE_PREFIX));
    all
}

/// Maps header names to positions; errors on unknown, duplicate or missing required columns.
///
/// Names are matched exactly after trimming surrounding whitespace (and a leading
/// byte-order mark, as spreadsheets write one). Columns other than the identity
/// columns may be left out: their cells read as empty.
///
/// The header is resolved once: every field a row is read into keeps the position of
/// its cell (or `None` when the header lacks the column), so reading a row looks
/// nothing up by name.
#[derive(Debug, Clone)]
pub struct CsvHeader {
    len: usize,
    record_id: Option<usize>,
    organisation_number: Option<usize>,
    kind: Option<usize>,
    municipality_number: Option<usize>,
    county_number: Option<usize>,
    name: Option<usize>,
    inhabitants: Option<usize>,
    survey_year: Option<usize>,
    has_strategy: Option<usize>,
    strategy_areas: Option<usize>,
    has_projects: Option<usize>,
    project_areas: Option<usize>,
    sourcing: Vec<ItemColumn>,
    tried_to_recruit: Option<usize>,
    recruitment_difficulties: Option<usize>,
    hindrance: Option<usize>,
    uses_cloud: Option<usize>,
    cloud_areas: Option<usize>,
    procurement: Vec<ItemColumn>,
    service: Vec<ItemColumn>,
}

/// One per-item column of the header: the item, its cell's position, its name.
#[derive(Debug, Clone)]
struct ItemColumn {
    item: i32,
    position: Option<usize>,
    column: &'static str,
}

/// The column names in canonical order, made once.
static COLUMNS: std::sync::LazyLock<Vec<String>> = std::sync::LazyLock::new(columns);

impl CsvHeader {
    pub fn parse(header: &csv::StringRecord) -> Result<CsvHeader, CsvError> {
        let known: &'static [String] = &COLUMNS;
        let mut positions = HashMap::with_capacity(header.len());
        for (i, raw) in header.iter().enumerate() {
            let name = if i == 0 { raw.trim_start_matches('\u{feff}') } else { raw }.trim();
            if !known.iter().any(|k| k == name) {
                return Err(CsvError::UnknownColumn { column: name.to_owned() });
            }
            if positions.insert(name.to_owned(), i).is_some() {
                return Err(CsvError::DuplicateColumn { column: name.to_owned() });
            }
        }
        if let Some(missing) = IDENTITY.into_iter().find(|c| !positions.contains_key(*c)) {
            return Err(CsvError::MissingColumn { column: missing.to_owned() });
        }
        let at = |name: &str| positions.get(name).copied();
        fn items<I: Keyed>(prefix: &str, at: &dyn Fn(&str) -> Option<usize>) -> Vec<ItemColumn> {
            values::<I>()
                .into_iter()
                .map(|item| {
                    let name = format!("{prefix}{}", key(item));
                    let column = COLUMNS.iter().find(|c| **c == name).expect("a canonical column").as_str();
                    ItemColumn { item: item.into(), position: at(column), column }
                })
                .collect()
        }
        Ok(CsvHeader {
            len: header.len(),
            record_id: at(RECORD_ID),
            organisation_number: at(ORGANISATION_NUMBER),
            kind: at(KIND),
            municipality_number: at(MUNICIPALITY_NUMBER),
            county_number: at(COUNTY_NUMBER),
            name: at(NAME),
            inhabitants: at(INHABITANTS),
            survey_year: at(SURVEY_YEAR),
            has_strategy: at(HAS_STRATEGY),
            strategy_areas: at(STRATEGY_AREAS),
            has_projects: at(HAS_PROJECTS),
            project_areas: at(PROJECT_AREAS),
            sourcing: items::<pb::IctFunction>(SOURCING_PREFIX, &at),
            tried_to_recruit: at(TRIED_TO_RECRUIT),
            recruitment_difficulties: at(RECRUITMENT_DIFFICULTIES),
            hindrance: at(HINDRANCE),
            uses_cloud: at(USES_CLOUD),
            cloud_areas: at(CLOUD_AREAS),
            procurement: items::<pb::ProcurementActivity>(PROCUREMENT_PREFIX, &at),
            service: items::<pb::ServiceMode>(SERVICE_PREFIX, &at),
        })
    }
}

/// One data row → a `RoundRecord`. Lenient on surrounding whitespace; strict on values.
///
/// The respondent is always present; `ssb_2018` is absent when every one of its
/// blocks is. Keys and `yes`/`no` are read case-insensitively; empty items in a list
/// (`a;;b`, a trailing `;`) are skipped.
///
/// A valid row allocates only what the message holds (its strings and lists): keys
/// are matched byte-wise against tables made once per enum, and messages naming a
/// column are made only for a bad cell.
pub fn parse_row(header: &CsvHeader, row: &csv::StringRecord) -> Result<pb::RoundRecord, CsvError> {
    let (record_id, response) = parse_row_view(header, row)?;
    Ok(pb::RoundRecord { record_id: record_id.to_owned(), response: Some(response_message(&response)) })
}

/// A row read straight into the view validation reads: its record id and its
/// response, every text borrowed from the row and every list inline, so a
/// valid row allocates nothing. [`parse_row`] is this view as a message: the
/// two read every row alike.
pub fn parse_row_view<'r>(
    header: &CsvHeader,
    row: &'r csv::StringRecord,
) -> Result<(&'r str, ResponseView<'r>), CsvError> {
    if row.len() != header.len {
        return Err(CsvError::CellCount { expected: header.len, found: row.len() });
    }
    let cell = |position: Option<usize>| position.and_then(|i| row.get(i)).map_or("", trim);

    let respondent = RespondentView {
        organisation_number: cell(header.organisation_number),
        kind: optional_key::<pb::RespondentKind>(KIND, cell(header.kind))?.unwrap_or(0),
        municipality_number: cell(header.municipality_number),
        county_number: cell(header.county_number),
        name: cell(header.name),
        inhabitants: number(INHABITANTS, cell(header.inhabitants))?,
        survey_year: number(SURVEY_YEAR, cell(header.survey_year))?,
    };
    let portfolio = |(exists, values)| PortfolioView { exists, values };
    let answers = SsbView {
        strategy: answered_list::<pb::StrategyArea>(
            (HAS_STRATEGY, cell(header.has_strategy)),
            (STRATEGY_AREAS, cell(header.strategy_areas)),
        )?
        .map(portfolio),
        projects: answered_list::<pb::ProjectEffectArea>(
            (HAS_PROJECTS, cell(header.has_projects)),
            (PROJECT_AREAS, cell(header.project_areas)),
        )?
        .map(portfolio),
        sourcing: per_item::<pb::Sourcing>(&header.sourcing, &cell)?,
        recruitment: answered_list::<pb::RecruitmentDifficulty>(
            (TRIED_TO_RECRUIT, cell(header.tried_to_recruit)),
            (RECRUITMENT_DIFFICULTIES, cell(header.recruitment_difficulties)),
        )?
        .map(portfolio),
        hindrance: optional_key::<pb::HindranceDegree>(HINDRANCE, cell(header.hindrance))?,
        cloud: answered_list::<pb::CloudArea>(
            (USES_CLOUD, cell(header.uses_cloud)),
            (CLOUD_AREAS, cell(header.cloud_areas)),
        )?
        .map(portfolio),
        procurement: per_item::<pb::ProcurementAnswer>(&header.procurement, &cell)?,
        service_offer: per_item::<pb::ServiceExtent>(&header.service, &cell)?,
    };
    let response = ResponseView {
        respondent: Some(respondent),
        // Every part absent: no block.
        ssb_2018: (answers != SsbView::default()).then_some(answers),
        ks_2018: None,
        riksrevisjonen_2015: None,
    };
    Ok((cell(header.record_id), response))
}

/// The message of a view [`parse_row_view`] read (respondent and `ssb_2018`).
fn response_message(view: &ResponseView<'_>) -> pb::SurveyResponse {
    let respondent = view.respondent.map(|r| pb::Respondent {
        organisation_number: r.organisation_number.to_owned(),
        kind: r.kind,
        municipality_number: r.municipality_number.to_owned(),
        county_number: r.county_number.to_owned(),
        name: r.name.to_owned(),
        inhabitants: r.inhabitants,
        survey_year: r.survey_year,
    });
    let ssb_2018 = view.ssb_2018.as_ref().map(|s| {
        let values = |p: &PortfolioView<'_>| (p.exists, p.values.as_slice().to_vec());
        let pairs = |l: &List<'_, (i32, i32)>| l.as_slice().to_vec();
        pb::Ssb2018Answers {
            strategy: s
                .strategy
                .as_ref()
                .map(values)
                .map(|(has_strategy, areas)| pb::Ssb2018Strategy { has_strategy, areas }),
            projects: s
                .projects
                .as_ref()
                .map(values)
                .map(|(has_projects, areas)| pb::Ssb2018Projects { has_projects, areas }),
            sourcing: s.sourcing.as_ref().map(pairs).map(|p| pb::Ssb2018Sourcing {
                functions: p
                    .into_iter()
                    .map(|(function, sourcing)| pb::IctFunctionAnswer { function, sourcing })
                    .collect(),
            }),
            recruitment: s
                .recruitment
                .as_ref()
                .map(values)
                .map(|(tried_to_recruit, difficulties)| pb::Ssb2018Recruitment { tried_to_recruit, difficulties }),
            hindrance: s.hindrance.map(|degree| pb::Ssb2018Hindrance { degree }),
            cloud: s.cloud.as_ref().map(values).map(|(uses_cloud, areas)| pb::Ssb2018Cloud { uses_cloud, areas }),
            procurement: s.procurement.as_ref().map(pairs).map(|p| pb::Ssb2018Procurement {
                activities: p
                    .into_iter()
                    .map(|(activity, answer)| pb::ProcurementActivityAnswer { activity, answer })
                    .collect(),
            }),
            service_offer: s.service_offer.as_ref().map(pairs).map(|p| pb::Ssb2018ServiceOffer {
                modes: p.into_iter().map(|(mode, extent)| pb::ServiceModeAnswer { mode, extent }).collect(),
            }),
        }
    });
    pb::SurveyResponse { respondent, ssb_2018, ..Default::default() }
}

/// A `RoundRecord` → cells in `columns()` order (the inverse of `parse_row`).
///
/// It is the exact inverse on every record `parse_row` produces. A record it could not
/// have produced is written as closely as CSV allows: an unspecified enum value is
/// written `unspecified` and one outside the enum as its number (both of which
/// `parse_row` refuses), a per-item answer for an unknown item or repeating an item is
/// dropped, and a present block with nothing in it reads back as absent.
pub fn write_row(record: &pb::RoundRecord) -> Vec<String> {
    let mut cells: HashMap<String, String> = HashMap::new();
    let mut put = |column: &str, value: String| {
        cells.insert(column.to_owned(), value);
    };
    put(RECORD_ID, record.record_id.clone());

    let response = record.response.as_ref();
    if let Some(r) = response.and_then(|r| r.respondent.as_ref()) {
        put(ORGANISATION_NUMBER, r.organisation_number.clone());
        put(KIND, if r.kind == 0 { String::new() } else { key_of::<pb::RespondentKind>(r.kind) });
        put(MUNICIPALITY_NUMBER, r.municipality_number.clone());
        put(COUNTY_NUMBER, r.county_number.clone());
        put(NAME, r.name.clone());
        put(INHABITANTS, number_cell(r.inhabitants));
        put(SURVEY_YEAR, number_cell(r.survey_year));
    }

    let none = pb::Ssb2018Answers::default();
    let answers = response.and_then(|r| r.ssb_2018.as_ref()).unwrap_or(&none);
    if let Some(s) = &answers.strategy {
        put(HAS_STRATEGY, yes_no_cell(s.has_strategy));
        put(STRATEGY_AREAS, list_cell::<pb::StrategyArea>(&s.areas));
    }
    if let Some(p) = &answers.projects {
        put(HAS_PROJECTS, yes_no_cell(p.has_projects));
        put(PROJECT_AREAS, list_cell::<pb::ProjectEffectArea>(&p.areas));
    }
    if let Some(s) = &answers.sourcing {
        let pairs = s.functions.iter().map(|a| (a.function, a.sourcing));
        for (column, value) in per_item_cells::<pb::IctFunction, pb::Sourcing>(SOURCING_PREFIX, pairs) {
            put(&column, value);
        }
    }
    if let Some(r) = &answers.recruitment {
        put(TRIED_TO_RECRUIT, yes_no_cell(r.tried_to_recruit));
        put(RECRUITMENT_DIFFICULTIES, list_cell::<pb::RecruitmentDifficulty>(&r.difficulties));
    }
    if let Some(h) = &answers.hindrance {
        put(HINDRANCE, key_of::<pb::HindranceDegree>(h.degree));
    }
    if let Some(c) = &answers.cloud {
        put(USES_CLOUD, yes_no_cell(c.uses_cloud));
        put(CLOUD_AREAS, list_cell::<pb::CloudArea>(&c.areas));
    }
    if let Some(p) = &answers.procurement {
        let pairs = p.activities.iter().map(|a| (a.activity, a.answer));
        for (column, value) in
            per_item_cells::<pb::ProcurementActivity, pb::ProcurementAnswer>(PROCUREMENT_PREFIX, pairs)
        {
            put(&column, value);
        }
    }
    if let Some(s) = &answers.service_offer {
        let pairs = s.modes.iter().map(|m| (m.mode, m.extent));
        for (column, value) in per_item_cells::<pb::ServiceMode, pb::ServiceExtent>(SERVICE_PREFIX, pairs) {
            put(&column, value);
        }
    }

    columns().into_iter().map(|c| cells.remove(&c).unwrap_or_default()).collect()
}

/// [`CsvError::CellCount`]'s message: a row of `found` cells under a header
/// of `expected` columns.
fn cell_count(expected: usize, found: usize) -> String {
    let cells = if found == 1 { "1 cell".to_owned() } else { format!("{found} cells") };
    let hint = if found < expected {
        "; if a cell opens a quote `\"` that is never closed, the quote runs the rows after it into that cell"
    } else {
        ""
    };
    format!("the row has {cells} but the header has {expected} columns{hint}")
}

/// A generated protobuf enum, seen through its value names.
trait Keyed: Copy + TryFrom<i32> + Into<i32> {
    fn proto_name(self) -> &'static str;
    /// Every specified value's key (lower case) and number, made once.
    fn key_table() -> &'static [(Box<str>, i32)];
}

macro_rules! keyed {
    ($($enum:ty),* $(,)?) => {
        $(impl Keyed for $enum {
            fn proto_name(self) -> &'static str {
                self.as_str_name()
            }
            fn key_table() -> &'static [(Box<str>, i32)] {
                static TABLE: std::sync::LazyLock<Vec<(Box<str>, i32)>> = std::sync::LazyLock::new(key_table::<$enum>);
                &TABLE
            }
        })*
    };
}

keyed!(
    pb::RespondentKind,
    pb::StrategyArea,
    pb::ProjectEffectArea,
    pb::IctFunction,
    pb::Sourcing,
    pb::RecruitmentDifficulty,
    pb::HindranceDegree,
    pb::CloudArea,
    pb::ProcurementActivity,
    pb::ProcurementAnswer,
    pb::ServiceMode,
    pb::ServiceExtent,
);

/// The enum's value-name prefix, from its zero value (`STRATEGY_AREA_UNSPECIFIED` → `STRATEGY_AREA_`).
fn prefix<E: Keyed>() -> &'static str {
    E::try_from(0).ok().and_then(|zero| zero.proto_name().strip_suffix("UNSPECIFIED")).unwrap_or("")
}

/// `STRATEGY_AREA_GREEN_ICT` → `green_ict`.
fn key<E: Keyed>(value: E) -> String {
    let name = value.proto_name();
    name.strip_prefix(prefix::<E>()).unwrap_or(name).to_ascii_lowercase()
}

/// The key of a raw enum field; its number where the enum has no such value.
fn key_of<E: Keyed>(value: i32) -> String {
    E::try_from(value).map_or_else(|_| value.to_string(), key)
}

/// Every specified value of the enum, in number order (1, 2, … up to the first gap).
fn values<E: Keyed>() -> Vec<E> {
    (1..).map_while(|n| E::try_from(n).ok()).collect()
}

/// The keys a cell of this enum accepts.
fn keys<E: Keyed>() -> Vec<String> {
    values::<E>().into_iter().map(key).collect()
}

/// `prefix` + each item's key: `sourcing_security_testing`, ….
fn item_columns<E: Keyed>(prefix: &str) -> impl Iterator<Item = String> {
    values::<E>().into_iter().map(move |item| format!("{prefix}{}", key(item)))
}

/// Every specified value's key and number (all values from 1 up, gaps skipped).
fn key_table<E: Keyed>() -> Vec<(Box<str>, i32)> {
    (1..=i32::from(u8::MAX)).filter_map(|n| E::try_from(n).ok()).map(|v| (key(v).into_boxed_str(), v.into())).collect()
}

/// A non-empty key → its number, matched case-insensitively byte by byte against the
/// enum's keys; `unspecified` is no answer, so it is refused too.
fn parse_key<E: Keyed>(column: &str, raw: &str) -> Result<i32, CsvError> {
    let table = E::key_table();
    // Keys are mostly written as they are listed: an exact match first.
    table
        .iter()
        .find(|(key, _)| {
            let (key, raw) = (key.as_bytes(), raw.as_bytes());
            key.len() == raw.len() && key.first() == raw.first() && key.last() == raw.last() && key == raw
        })
        .or_else(|| table.iter().find(|(key, _)| key.as_bytes().eq_ignore_ascii_case(raw.as_bytes())))
        .map(|&(_, value)| value)
        .ok_or_else(|| CsvError::UnknownValue {
            column: column.to_owned(),
            value: raw.to_owned(),
            expected: keys::<E>(),
        })
}

/// An empty cell → `None`, else its key's number.
fn optional_key<E: Keyed>(column: &str, raw: &str) -> Result<Option<i32>, CsvError> {
    if raw.is_empty() { Ok(None) } else { parse_key::<E>(column, raw).map(Some) }
}

/// `;`-separated keys → their numbers, in the order given (duplicates kept).
fn list<E: Keyed>(column: &str, raw: &str) -> Result<List<'static, i32>, CsvError> {
    let mut values = List::default();
    if raw.is_empty() {
        return Ok(values);
    }
    let mut from = 0;
    for end in memchr::memchr_iter(LIST_SEPARATOR as u8, raw.as_bytes()).chain([raw.len()]) {
        let item = trim(&raw[from..end]);
        from = end + 1;
        if !item.is_empty() {
            values.push_spilling(parse_key::<E>(column, item)?);
        }
    }
    Ok(values)
}

/// `str::trim`, without looking further when the ends are visible ASCII.
fn trim(s: &str) -> &str {
    match (s.as_bytes().first(), s.as_bytes().last()) {
        (Some(first), Some(last)) if first.is_ascii_graphic() && last.is_ascii_graphic() => s,
        _ => s.trim(),
    }
}

/// An empty cell → `None`, else `yes` or `no`.
fn yes_no(column: &str, raw: &str) -> Result<Option<bool>, CsvError> {
    if raw.is_empty() {
        Ok(None)
    } else if raw.eq_ignore_ascii_case(YES) {
        Ok(Some(true))
    } else if raw.eq_ignore_ascii_case(NO) {
        Ok(Some(false))
    } else {
        Err(CsvError::UnknownValue {
            column: column.to_owned(),
            value: raw.to_owned(),
            expected: vec![YES.to_owned(), NO.to_owned()],
        })
    }
}

/// A yes/no question with its list of keys, each as (column, cell): absent when the
/// answer cell is empty, which the list cell must then be too.
fn answered_list<E: Keyed>(
    (answer, answer_cell): (&str, &str),
    (column, list_cell): (&str, &str),
) -> Result<Option<(bool, List<'static, i32>)>, CsvError> {
    let items = list::<E>(column, list_cell)?;
    match yes_no(answer, answer_cell)? {
        Some(yes) => Ok(Some((yes, items))),
        None if items.as_slice().is_empty() => Ok(None),
        None => Err(CsvError::ListWithoutAnswer { column: column.to_owned(), answer_column: answer.to_owned() }),
    }
}

/// One column per item with a key of `V`: the answered items in item order, as
/// (item, value) pairs, or `None` when every cell is empty.
fn per_item<'a, V: Keyed>(
    columns: &[ItemColumn],
    cell: &dyn Fn(Option<usize>) -> &'a str,
) -> Result<Option<List<'static, (i32, i32)>>, CsvError> {
    let mut answers = List::default();
    let mut any = false;
    for c in columns {
        if let Some(value) = optional_key::<V>(c.column, cell(c.position))? {
            any = true;
            answers.push_spilling((c.item, value));
        }
    }
    Ok(any.then_some(answers))
}

/// Whole number, no sign or separators; empty → 0.
fn number(column: &str, raw: &str) -> Result<u32, CsvError> {
    if raw.is_empty() {
        return Ok(0);
    }
    raw.bytes()
        .all(|b| b.is_ascii_digit())
        .then(|| raw.parse().ok())
        .flatten()
        .ok_or_else(|| CsvError::NotANumber { column: column.to_owned(), value: raw.to_owned() })
}

fn number_cell(n: u32) -> String {
    if n == 0 { String::new() } else { n.to_string() }
}

fn yes_no_cell(yes: bool) -> String {
    (if yes { YES } else { NO }).to_owned()
}

fn list_cell<E: Keyed>(values: &[i32]) -> String {
    values.iter().map(|&v| key_of::<E>(v)).collect::<Vec<_>>().join(&LIST_SEPARATOR.to_string())
}

/// (item, value) pairs → (column, key) cells; the first answer per known item wins.
fn per_item_cells<I: Keyed, V: Keyed>(prefix: &str, pairs: impl Iterator<Item = (i32, i32)>) -> Vec<(String, String)> {
    let mut seen = Vec::new();
    let mut cells = Vec::new();
    for (item, value) in pairs {
        let Ok(known) = I::try_from(item) else { continue };
        if item == 0 || seen.contains(&item) {
            continue;
        }
        seen.push(item);
        cells.push((format!("{prefix}{}", key(known)), key_of::<V>(value)));
    }
    cells
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(cells: &[&str]) -> csv::StringRecord {
        csv::StringRecord::from(cells.to_vec())
    }

    fn canonical_header() -> CsvHeader {
        CsvHeader::parse(&csv::StringRecord::from(columns())).expect("the canonical header parses")
    }

    /// Reads `text` (header and rows) through the csv crate, as a batch client does.
    fn read(text: &str) -> Result<Vec<pb::RoundRecord>, CsvError> {
        let mut reader = csv::ReaderBuilder::new().from_reader(text.as_bytes());
        let header = CsvHeader::parse(reader.headers().expect("header"))?;
        reader.records().map(|row| parse_row(&header, &row.expect("row"))).collect()
    }

    /// Writes a header and each record's row, as a batch client does.
    fn write(records: &[pb::RoundRecord]) -> String {
        let mut writer = csv::Writer::from_writer(Vec::new());
        writer.write_record(columns()).unwrap();
        for r in records {
            writer.write_record(write_row(r)).unwrap();
        }
        String::from_utf8(writer.into_inner().unwrap()).unwrap()
    }

    fn oslo() -> pb::Respondent {
        pb::Respondent {
            organisation_number: "958935420".into(),
            kind: pb::RespondentKind::Municipality.into(),
            municipality_number: "0301".into(),
            county_number: String::new(),
            name: "Oslo kommune".into(),
            inhabitants: 673_469,
            survey_year: 2018,
        }
    }

    /// Every block answered: Oslo's answers in `examples/score-request.json`.
    fn full_record() -> pb::RoundRecord {
        use pb::{CloudArea as C, ProjectEffectArea as Pr, StrategyArea as St};
        use pb::{IctFunction as F, ProcurementActivity as A, ProcurementAnswer as P, ServiceExtent as E};
        use pb::{ServiceMode as M, Sourcing as S};
        let strategy = [
            St::DigitalServicesForCitizens,
            St::InformationSecurity,
            St::IctInfrastructure,
            St::WelfareTechnology,
            St::ReuseAndSharingOfData,
            St::CloudServices,
            St::CommonSolutions,
            St::DataFromOtherAgencies,
            St::EmployeeDigitalCompetence,
            St::Robotisation,
        ];
        let projects = [
            Pr::QualityOfExternalServices,
            Pr::SimplerWorkRoutines,
            Pr::NewDigitalServices,
            Pr::FasterCaseHandling,
            Pr::BetterInformationSecurity,
        ];
        let sourcing = [
            (F::SecurityTesting, S::MainlyExternal),
            (F::WebDevelopment, S::EvenlySplit),
            (F::OperateLineOfBusinessSystems, S::MainlyInternal),
            (F::ManageLineOfBusinessSystems, S::ExclusivelyInternal),
            (F::SecurityMonitoring, S::MainlyExternal),
            (F::DigitalisationProjectManagement, S::MainlyInternal),
            (F::OperateServers, S::MainlyInternal),
            (F::UserTraining, S::ExclusivelyInternal),
            (F::ProcurementProjectManagement, S::MainlyInternal),
            (F::UserSupport, S::ExclusivelyInternal),
            (F::StrategyDevelopment, S::MainlyInternal),
            (F::OperatePcEnvironment, S::ExclusivelyInternal),
        ];
        let cloud = [C::Communication, C::WebPlatform, C::Storage, C::VirtualMeetingRooms, C::OfficeTools];
        let procurement = [
            (A::Planning, P::YesPartly),
            (A::ReceivingTenders, P::YesFully),
            (A::EvaluationAndAward, P::YesFully),
            (A::OrderHandling, P::YesFully),
            (A::StructuredOrders, P::No),
            (A::ReceivingInvoices, P::YesFully),
            (A::InvoiceValidation, P::YesFully),
            (A::ContractFollowUp, P::DontKnow),
        ];
        let modes = [
            (M::OpenAccess, E::Most),
            (M::SimpleIndividual, E::Some),
            (M::ComplexIndividual, E::Some),
            (M::SelfActivated, E::DontKnow),
        ];
        pb::RoundRecord {
            record_id: "oslo-2018".into(),
            response: Some(pb::SurveyResponse {
                respondent: Some(oslo()),
                ssb_2018: Some(pb::Ssb2018Answers {
                    strategy: Some(pb::Ssb2018Strategy {
                        has_strategy: true,
                        areas: strategy.into_iter().map(Into::into).collect(),
                    }),
                    projects: Some(pb::Ssb2018Projects {
                        has_projects: true,
                        areas: projects.into_iter().map(Into::into).collect(),
                    }),
                    sourcing: Some(pb::Ssb2018Sourcing {
                        functions: sourcing
                            .into_iter()
                            .map(|(f, s)| pb::IctFunctionAnswer { function: f.into(), sourcing: s.into() })
                            .collect(),
                    }),
                    recruitment: Some(pb::Ssb2018Recruitment {
                        tried_to_recruit: true,
                        difficulties: vec![pb::RecruitmentDifficulty::TookOverThreeMonths.into()],
                    }),
                    hindrance: Some(pb::Ssb2018Hindrance { degree: pb::HindranceDegree::FairlyLarge.into() }),
                    cloud: Some(pb::Ssb2018Cloud {
                        uses_cloud: true,
                        areas: cloud.into_iter().map(Into::into).collect(),
                    }),
                    procurement: Some(pb::Ssb2018Procurement {
                        activities: procurement
                            .into_iter()
                            .map(|(a, p)| pb::ProcurementActivityAnswer { activity: a.into(), answer: p.into() })
                            .collect(),
                    }),
                    service_offer: Some(pb::Ssb2018ServiceOffer {
                        modes: modes
                            .into_iter()
                            .map(|(m, e)| pb::ServiceModeAnswer { mode: m.into(), extent: e.into() })
                            .collect(),
                    }),
                }),
                ..Default::default()
            }),
        }
    }

    /// Every list holds every key of its enum; the per-item answers cycle through every key.
    fn every_key_record() -> pb::RoundRecord {
        fn all<E: Keyed>() -> Vec<i32> {
            values::<E>().into_iter().map(Into::into).collect()
        }
        fn cycle<I: Keyed, V: Keyed>() -> Vec<(i32, i32)> {
            let v = all::<V>();
            all::<I>().into_iter().enumerate().map(|(n, item)| (item, v[n % v.len()])).collect()
        }
        let mut r = full_record();
        let a = r.response.as_mut().unwrap().ssb_2018.as_mut().unwrap();
        a.strategy.as_mut().unwrap().areas = all::<pb::StrategyArea>();
        a.projects.as_mut().unwrap().areas = all::<pb::ProjectEffectArea>();
        a.recruitment.as_mut().unwrap().difficulties = all::<pb::RecruitmentDifficulty>();
        a.cloud.as_mut().unwrap().areas = all::<pb::CloudArea>();
        a.sourcing.as_mut().unwrap().functions = cycle::<pb::IctFunction, pb::Sourcing>()
            .into_iter()
            .map(|(function, sourcing)| pb::IctFunctionAnswer { function, sourcing })
            .collect();
        a.procurement.as_mut().unwrap().activities = cycle::<pb::ProcurementActivity, pb::ProcurementAnswer>()
            .into_iter()
            .map(|(activity, answer)| pb::ProcurementActivityAnswer { activity, answer })
            .collect();
        a.service_offer.as_mut().unwrap().modes = cycle::<pb::ServiceMode, pb::ServiceExtent>()
            .into_iter()
            .map(|(mode, extent)| pb::ServiceModeAnswer { mode, extent })
            .collect();
        r
    }

    /// A county municipality that answered the strategy, hindrance and one service mode only.
    fn sparse_record() -> pb::RoundRecord {
        pb::RoundRecord {
            record_id: String::new(),
            response: Some(pb::SurveyResponse {
                respondent: Some(pb::Respondent {
                    organisation_number: "938626367".into(),
                    kind: pb::RespondentKind::CountyMunicipality.into(),
                    municipality_number: String::new(),
                    county_number: "12".into(),
                    name: "Hordaland fylkeskommune".into(),
                    inhabitants: 0,
                    survey_year: 2018,
                }),
                ssb_2018: Some(pb::Ssb2018Answers {
                    strategy: Some(pb::Ssb2018Strategy { has_strategy: false, areas: vec![] }),
                    hindrance: Some(pb::Ssb2018Hindrance { degree: pb::HindranceDegree::DontKnow.into() }),
                    service_offer: Some(pb::Ssb2018ServiceOffer {
                        modes: vec![pb::ServiceModeAnswer {
                            mode: pb::ServiceMode::SelfActivated.into(),
                            extent: pb::ServiceExtent::None.into(),
                        }],
                    }),
                    ..Default::default()
                }),
                ..Default::default()
            }),
        }
    }

    fn answers(r: &pb::RoundRecord) -> &pb::Ssb2018Answers {
        r.response.as_ref().unwrap().ssb_2018.as_ref().expect("ssb_2018 present")
    }

    /// A row of the canonical header with the given cells set.
    fn row_with(cells: &[(&str, &str)]) -> csv::StringRecord {
        let mut row = write_row(&pb::RoundRecord {
            record_id: "r1".into(),
            response: Some(pb::SurveyResponse { respondent: Some(oslo()), ssb_2018: None, ..Default::default() }),
        });
        let names = columns();
        for (name, value) in cells {
            let i = names.iter().position(|c| c == name).unwrap_or_else(|| panic!("no column {name}"));
            row[i] = (*value).to_owned();
        }
        csv::StringRecord::from(row)
    }

    #[test]
    fn keys_and_item_columns_are_derived_from_the_enums() {
        assert_eq!(key(pb::StrategyArea::GreenIct), "green_ict");
        assert_eq!(key(pb::RespondentKind::CountyMunicipality), "county_municipality");
        assert_eq!(keys::<pb::ProcurementAnswer>(), ["yes_fully", "yes_partly", "no", "dont_know"]);
        assert_eq!(keys::<pb::StrategyArea>().len(), 13);
        assert_eq!(keys::<pb::CloudArea>().len(), 15);
        let all = columns();
        assert_eq!(all.len(), 1 + 7 + 4 + 12 + 5 + 8 + 4);
        assert_eq!(
            all[..8],
            [RECORD_ID, ORGANISATION_NUMBER, KIND, MUNICIPALITY_NUMBER, COUNTY_NUMBER, NAME, INHABITANTS, SURVEY_YEAR]
        );
        for name in [
            "sourcing_security_testing",
            "sourcing_operate_pc_environment",
            "procurement_contract_follow_up",
            "service_self_activated",
        ] {
            assert!(all.iter().any(|c| c == name), "{name} missing");
        }
        let mut unique = all.clone();
        unique.sort();
        unique.dedup();
        assert_eq!(unique.len(), all.len(), "column names are unique");
    }

    #[test]
    fn a_full_record_reads_back_as_written() {
        let written = full_record();
        let cells = write_row(&written);
        assert_eq!(cells.len(), columns().len());
        assert_eq!(parse_row(&canonical_header(), &csv::StringRecord::from(cells)), Ok(written.clone()));
        assert_eq!(read(&write(std::slice::from_ref(&written))), Ok(vec![written]));
    }

    #[test]
    fn every_key_reads_back_as_written() {
        let written = every_key_record();
        assert_eq!(read(&write(std::slice::from_ref(&written))), Ok(vec![written]));
        // Four modes cannot show seven extents at once.
        for extent in values::<pb::ServiceExtent>() {
            let mut written = every_key_record();
            let a = written.response.as_mut().unwrap().ssb_2018.as_mut().unwrap();
            for m in &mut a.service_offer.as_mut().unwrap().modes {
                m.extent = extent.into();
            }
            assert_eq!(read(&write(std::slice::from_ref(&written))), Ok(vec![written]));
        }
        for kind in values::<pb::RespondentKind>() {
            let mut written = sparse_record();
            written.response.as_mut().unwrap().respondent.as_mut().unwrap().kind = kind.into();
            assert_eq!(read(&write(std::slice::from_ref(&written))), Ok(vec![written]));
        }
    }

    #[test]
    fn absent_blocks_stay_absent_when_read_back() {
        let written = sparse_record();
        let read_back = parse_row(&canonical_header(), &csv::StringRecord::from(write_row(&written))).unwrap();
        assert_eq!(read_back, written);
        let a = answers(&read_back);
        assert_eq!(a.projects, None);
        assert_eq!(a.sourcing, None);
        assert_eq!(a.recruitment, None);
        assert_eq!(a.cloud, None);
        assert_eq!(a.procurement, None);
        assert!(a.strategy.is_some() && a.hindrance.is_some() && a.service_offer.is_some());
    }

    #[test]
    fn a_row_with_no_answers_has_no_ssb_2018_block() {
        let read_back = parse_row(&canonical_header(), &row_with(&[])).unwrap();
        let response = read_back.response.unwrap();
        assert_eq!(response.respondent, Some(oslo()));
        assert_eq!(response.ssb_2018, None);
    }

    #[test]
    fn an_unknown_column_is_refused_by_name() {
        let err = CsvHeader::parse(&record(&[
            "organisation_number",
            "kind",
            "municipality_number",
            "county_number",
            "name",
            "inhabitants",
            "survey_year",
            "hindrances",
        ]))
        .unwrap_err();
        assert_eq!(err, CsvError::UnknownColumn { column: "hindrances".into() });
        assert!(err.to_string().contains("`hindrances`"), "{err}");
    }

    #[test]
    fn a_duplicate_column_is_refused_by_name() {
        let mut names = columns();
        names.push("hindrance".into());
        let err = CsvHeader::parse(&csv::StringRecord::from(names)).unwrap_err();
        assert_eq!(err, CsvError::DuplicateColumn { column: "hindrance".into() });
        assert_eq!(err.to_string(), "column `hindrance` appears more than once in the header");
    }

    #[test]
    fn a_header_without_organisation_number_is_refused() {
        let names: Vec<String> = columns().into_iter().filter(|c| c != ORGANISATION_NUMBER).collect();
        let err = CsvHeader::parse(&csv::StringRecord::from(names)).unwrap_err();
        assert_eq!(err, CsvError::MissingColumn { column: "organisation_number".into() });
        assert_eq!(err.to_string(), "the header lacks the required column `organisation_number`");
    }

    #[test]
    fn columns_may_come_in_any_order_and_answer_columns_may_be_left_out() {
        let text = "survey_year,hindrance,name,inhabitants,county_number,municipality_number,kind,organisation_number\n\
                    2018,very_large,Oslo kommune,673469,,0301,municipality,958935420\n";
        let records = read(text).unwrap();
        let r = &records[0];
        assert_eq!(r.record_id, "");
        assert_eq!(r.response.as_ref().unwrap().respondent, Some(oslo()));
        let a = answers(r);
        assert_eq!(a.hindrance, Some(pb::Ssb2018Hindrance { degree: pb::HindranceDegree::VeryLarge.into() }));
        assert_eq!(pb::Ssb2018Answers { hindrance: None, ..a.clone() }, pb::Ssb2018Answers::default());
    }

    #[test]
    fn an_unknown_value_names_the_column_the_value_and_the_keys() {
        let err = parse_row(&canonical_header(), &row_with(&[("hindrance", "big")])).unwrap_err();
        assert_eq!(
            err.to_string(),
            "column `hindrance`: unknown value \"big\" (expected one of: \
             very_small, fairly_small, neither, fairly_large, very_large, dont_know)"
        );
        let err = parse_row(&canonical_header(), &row_with(&[("sourcing_user_support", "internal")])).unwrap_err();
        assert!(err.to_string().starts_with("column `sourcing_user_support`: unknown value \"internal\""), "{err}");
        let err = parse_row(&canonical_header(), &row_with(&[("kind", "kommune")])).unwrap_err();
        assert!(err.to_string().starts_with("column `kind`: unknown value \"kommune\""), "{err}");
        let err = parse_row(&canonical_header(), &row_with(&[("uses_cloud", "ja")])).unwrap_err();
        assert_eq!(err.to_string(), "column `uses_cloud`: unknown value \"ja\" (expected one of: yes, no)");
    }

    #[test]
    fn an_unknown_key_in_a_list_is_named_alone() {
        let row = row_with(&[("has_strategy", "yes"), ("strategy_areas", "green_ict;gren_ict")]);
        let err = parse_row(&canonical_header(), &row).unwrap_err();
        assert!(
            matches!(&err, CsvError::UnknownValue { column, value, .. } if column == "strategy_areas" && value == "gren_ict"),
            "{err}"
        );
    }

    #[test]
    fn unspecified_and_prefixed_proto_names_are_not_keys() {
        for value in ["unspecified", "HINDRANCE_DEGREE_NEITHER", "3"] {
            let err = parse_row(&canonical_header(), &row_with(&[("hindrance", value)])).unwrap_err();
            assert!(matches!(&err, CsvError::UnknownValue { column, .. } if column == "hindrance"), "{value}: {err}");
        }
    }

    #[test]
    fn a_non_numeric_inhabitants_or_survey_year_names_the_column() {
        for (column, value) in [
            ("inhabitants", "673 469"),
            ("inhabitants", "-5"),
            ("survey_year", "2018a"),
            ("survey_year", "99999999999"),
        ] {
            let err = parse_row(&canonical_header(), &row_with(&[(column, value)])).unwrap_err();
            assert_eq!(err, CsvError::NotANumber { column: column.into(), value: value.into() });
            assert!(err.to_string().starts_with(&format!("column `{column}`: {value:?}")), "{err}");
        }
    }

    #[test]
    fn empty_numbers_and_kind_are_left_to_the_server() {
        let row = row_with(&[("inhabitants", ""), ("survey_year", " "), ("kind", "")]);
        let r = parse_row(&canonical_header(), &row).unwrap().response.unwrap().respondent.unwrap();
        assert_eq!((r.inhabitants, r.survey_year, r.kind), (0, 0, 0));
    }

    #[test]
    fn whitespace_and_case_around_names_and_values_are_tolerated() {
        let text = "\u{feff} organisation_number , kind,municipality_number,county_number,name,inhabitants,survey_year, has_strategy ,strategy_areas,hindrance,sourcing_user_support\n\
                    \" 958935420 \", Municipality ,0301 ,, Oslo kommune , 673469 ,2018 , Yes , Information_Security ; green_ict ; , fairly_large \t, mainly_internal \n";
        let r = &read(text).unwrap()[0];
        assert_eq!(r.response.as_ref().unwrap().respondent, Some(oslo()));
        let a = answers(r);
        assert_eq!(
            a.strategy,
            Some(pb::Ssb2018Strategy {
                has_strategy: true,
                areas: vec![pb::StrategyArea::InformationSecurity.into(), pb::StrategyArea::GreenIct.into()],
            })
        );
        assert_eq!(a.hindrance, Some(pb::Ssb2018Hindrance { degree: pb::HindranceDegree::FairlyLarge.into() }));
        assert_eq!(
            a.sourcing,
            Some(pb::Ssb2018Sourcing {
                functions: vec![pb::IctFunctionAnswer {
                    function: pb::IctFunction::UserSupport.into(),
                    sourcing: pb::Sourcing::MainlyInternal.into(),
                }],
            })
        );
    }

    #[test]
    fn no_strategy_with_areas_is_read_faithfully_for_the_server_to_judge() {
        let row = row_with(&[
            ("has_strategy", "no"),
            ("strategy_areas", "green_ict;green_ict"),
            ("tried_to_recruit", "no"),
            ("recruitment_difficulties", "took_over_three_months"),
        ]);
        let a = parse_row(&canonical_header(), &row).unwrap();
        let a = answers(&a);
        let green: i32 = pb::StrategyArea::GreenIct.into();
        assert_eq!(a.strategy, Some(pb::Ssb2018Strategy { has_strategy: false, areas: vec![green, green] }));
        assert_eq!(
            a.recruitment,
            Some(pb::Ssb2018Recruitment {
                tried_to_recruit: false,
                difficulties: vec![pb::RecruitmentDifficulty::TookOverThreeMonths.into()],
            })
        );
    }

    #[test]
    fn areas_without_a_yes_or_no_are_refused() {
        let err = parse_row(&canonical_header(), &row_with(&[("cloud_areas", "storage")])).unwrap_err();
        assert_eq!(err.to_string(), "column `cloud_areas`: values given while `uses_cloud` is empty");
    }

    #[test]
    fn a_row_with_the_wrong_number_of_cells_is_refused() {
        let mut cells = write_row(&full_record());
        cells.pop();
        let err = parse_row(&canonical_header(), &csv::StringRecord::from(cells)).unwrap_err();
        assert_eq!(err, CsvError::CellCount { expected: columns().len(), found: columns().len() - 1 });
    }

    #[test]
    fn a_record_csv_cannot_hold_is_written_as_closely_as_it_can() {
        let mut r = full_record();
        let a = r.response.as_mut().unwrap().ssb_2018.as_mut().unwrap();
        a.hindrance = Some(pb::Ssb2018Hindrance { degree: 0 });
        a.cloud.as_mut().unwrap().areas = vec![pb::CloudArea::Compute.into(), 99];
        let functions = &mut a.sourcing.as_mut().unwrap().functions;
        functions.push(pb::IctFunctionAnswer { function: 1, sourcing: pb::Sourcing::DontKnow.into() });
        functions.push(pb::IctFunctionAnswer { function: 0, sourcing: 1 });
        let cells = write_row(&r);
        let cell = |name: &str| cells[columns().iter().position(|c| c == name).unwrap()].clone();
        assert_eq!(cell("hindrance"), "unspecified");
        assert_eq!(cell("cloud_areas"), "compute;99");
        assert_eq!(cell("sourcing_security_testing"), "mainly_external");
    }

    const DOC: &str = include_str!("../../../../docs/batch-formats.md");

    /// The CSV examples of docs/batch-formats.md's CSV section, in order.
    fn documented_examples() -> Vec<&'static str> {
        let csv_section = DOC.split("\n## JSON Lines").next().expect("the CSV section");
        csv_section
            .split("```csv\n")
            .skip(1)
            .map(|block| block.split("```").next().expect("the example's end"))
            .collect()
    }

    #[test]
    fn the_documented_examples_read_as_the_test_records() {
        let examples = documented_examples();
        assert_eq!(examples.len(), 2);
        assert_eq!(read(examples[0]), Ok(vec![full_record(), sparse_record()]));
        assert_eq!(write(&[full_record(), sparse_record()]), examples[0], "the full example is as written");
        assert_eq!(read(examples[1]), Ok(vec![sparse_record()]));
    }

    #[test]
    fn the_documented_columns_and_keys_are_those_of_the_protos() {
        assert!(DOC.contains(&format!("```text\n{}\n```", columns().join("\n"))), "the column list");
        fn listed<E: Keyed>() -> String {
            keys::<E>().iter().map(|k| format!("`{k}`")).collect::<Vec<_>>().join(", ")
        }
        for keys in [
            listed::<pb::RespondentKind>(),
            listed::<pb::StrategyArea>(),
            listed::<pb::ProjectEffectArea>(),
            listed::<pb::IctFunction>(),
            listed::<pb::Sourcing>(),
            listed::<pb::RecruitmentDifficulty>(),
            listed::<pb::HindranceDegree>(),
            listed::<pb::CloudArea>(),
            listed::<pb::ProcurementActivity>(),
            listed::<pb::ProcurementAnswer>(),
            listed::<pb::ServiceMode>(),
            listed::<pb::ServiceExtent>(),
        ] {
            assert!(DOC.contains(&format!("| {keys} |")), "{keys}");
        }
    }

    #[test]
    fn validating_a_row_s_view_gives_what_validating_its_message_gives() {
        use crate::validate::survey_response_view;
        let catalogues = indikator_core::catalogue::Catalogues::shipped();
        let header = canonical_header();
        let many = vec!["green_ict"; 20].join(";");
        let mut rows: Vec<csv::StringRecord> = [full_record(), every_key_record(), sparse_record()]
            .iter()
            .map(|r| csv::StringRecord::from(write_row(r)))
            .collect();
        rows.extend([
            row_with(&[]),
            row_with(&[("has_strategy", "yes"), ("strategy_areas", "green_ict;green_ict")]),
            // Longer than any valid list: kept whole, so validation names the repeats.
            row_with(&[("has_strategy", "yes"), ("strategy_areas", &many)]),
            row_with(&[("has_strategy", "no"), ("strategy_areas", "green_ict")]),
            row_with(&[("uses_cloud", "yes")]),
            row_with(&[("organisation_number", "123456789"), ("kind", ""), ("survey_year", "")]),
            row_with(&[("record_id", "")]),
        ]);
        for row in rows {
            let (record_id, view) = parse_row_view(&header, &row).unwrap();
            let record = parse_row(&header, &row).unwrap();
            assert_eq!(record_id, record.record_id);
            let message = ResponseView::of(record.response.as_ref().unwrap());
            assert_eq!(view, message, "{row:?}");
            assert_eq!(
                format!("{:?}", survey_response_view(Some(&view), "response", catalogues)),
                format!("{:?}", survey_response_view(Some(&message), "response", catalogues)),
                "{row:?}"
            );
        }
    }
}
