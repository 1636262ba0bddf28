//! The catalogue file as written (serde, unknown keys refused) and its validation
//! into a [`Catalogue`]. Text fields are read as optional so that a missing one is
//! reported with the entry it belongs to, not as a bare serde error.

use std::collections::HashMap;

use serde::Deserialize;

use super::{
    AnswerType, Area, Catalogue, CatalogueError, CatalogueKind, DEFAULT_MIN_COVERAGE, Entry, EntryKind, ItemDef,
    OptionDef, Problem, ServiceDef,
};
use crate::methodology::Provenance;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCatalogue {
    id: Option<String>,
    name_nb: Option<String>,
    name_en: Option<String>,
    source: Option<String>,
    provenance: Option<String>,
    min_coverage: Option<f64>,
    #[serde(default)]
    areas: Vec<RawArea>,
    #[serde(default)]
    items: Vec<RawItem>,
    #[serde(default)]
    services: Vec<RawService>,
    #[serde(default)]
    questions: Vec<RawItem>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawArea {
    id: Option<String>,
    name_nb: Option<String>,
    name_en: Option<String>,
    provenance: Option<String>,
    published_item_count: Option<u32>,
    published_national_mean: Option<f64>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawItem {
    id: Option<String>,
    area: Option<String>,
    question_nb: Option<String>,
    question_en: Option<String>,
    answer: Option<String>,
    provenance: Option<String>,
    #[serde(default)]
    options: Vec<RawOption>,
    max_count: Option<u32>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawOption {
    id: Option<String>,
    label_nb: Option<String>,
    label_en: Option<String>,
    value: Option<f64>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawService {
    id: Option<String>,
    area: Option<String>,
    name_nb: Option<String>,
    name_en: Option<String>,
    provenance: Option<String>,
}

/// Answer types by their name in files, with the option rules each needs.
const ANSWER_TYPES: [(&str, OptionRule); 5] = [
    ("degree", OptionRule::Degree),
    ("yes_no", OptionRule::YesNo),
    ("single_choice", OptionRule::Valued),
    ("multi_choice", OptionRule::Counted),
    ("level", OptionRule::None),
];

/// How an answer type constrains its options.
#[derive(Clone, Copy)]
enum OptionRule {
    /// Exactly five valued options: degrees 1–5.
    Degree,
    /// Valued options `ja` and `nei`, no other valued option.
    YesNo,
    /// At least one valued option.
    Valued,
    /// At least one option, none valued; `max_count` in 1..=options.
    Counted,
    /// No options at all.
    None,
}

/// Provenances by their name in files.
const PROVENANCES: [(&str, Provenance); 2] =
    [("published", Provenance::Published), ("reconstructed", Provenance::Reconstructed)];

/// Values are on the 0–5 maturity scale.
const VALUE_RANGE: std::ops::RangeInclusive<f64> = 0.0..=5.0;

pub(super) fn parse(file: &str, text: &str) -> Result<Catalogue, CatalogueError> {
    let raw: RawCatalogue =
        toml::from_str(text).map_err(|source| CatalogueError::Toml { file: file.to_owned(), source })?;
    let whole = |problem| CatalogueError::Invalid { file: file.to_owned(), problem };
    let at = |entry: Entry| move |problem| CatalogueError::InvalidEntry { file: file.to_owned(), entry, problem };

    let id = required(raw.id, "id").map_err(whole)?;
    let name_nb = required(raw.name_nb, "name_nb").map_err(whole)?;
    let name_en = required(raw.name_en, "name_en").map_err(whole)?;
    let source = required(raw.source, "source").map_err(whole)?;
    let provenance = provenance(raw.provenance).map_err(whole)?;
    let min_coverage = raw.min_coverage.unwrap_or(DEFAULT_MIN_COVERAGE);
    // Written so that NaN fails too.
    if !(min_coverage > 0.0 && min_coverage <= 1.0) {
        return Err(whole(Problem::MinCoverage(min_coverage)));
    }
    if !raw.questions.is_empty() && raw.services.is_empty() {
        return Err(whole(Problem::QuestionsWithoutServices));
    }
    let kind = match (raw.items.is_empty(), raw.services.is_empty()) {
        (false, false) => return Err(whole(Problem::ItemsAndServices)),
        (true, true) => return Err(whole(Problem::NoEntries)),
        (false, true) => CatalogueKind::Questionnaire,
        (true, false) => CatalogueKind::Services,
    };
    let entry_kind = match kind {
        CatalogueKind::Questionnaire => EntryKind::Item,
        CatalogueKind::Services => EntryKind::Service,
    };

    let mut areas = Vec::with_capacity(raw.areas.len());
    let mut area_ids = Ids::new(EntryKind::Area);
    for (i, raw) in raw.areas.into_iter().enumerate() {
        let entry = entry_of(EntryKind::Area, &raw.id, i);
        let area = area_ids.check(raw.id.as_deref(), i).and_then(|()| area(raw)).map_err(at(entry))?;
        areas.push(area);
    }
    let area_index: HashMap<&str, usize> = areas.iter().enumerate().map(|(i, a)| (a.id.as_str(), i)).collect();

    let mut items = Vec::with_capacity(raw.items.len());
    let mut item_ids = Ids::new(EntryKind::Item);
    for (i, raw) in raw.items.into_iter().enumerate() {
        let entry = entry_of(EntryKind::Item, &raw.id, i);
        let item =
            item_ids.check(raw.id.as_deref(), i).and_then(|()| item(raw, Some(&area_index))).map_err(at(entry))?;
        items.push(item);
    }
    // A service list's questions are kept as its items: answered and tallied like a
    // questionnaire's, never scored.
    let mut question_ids = Ids::new(EntryKind::Question);
    for (i, raw) in raw.questions.into_iter().enumerate() {
        let entry = entry_of(EntryKind::Question, &raw.id, i);
        let question = question_ids.check(raw.id.as_deref(), i).and_then(|()| item(raw, None)).map_err(at(entry))?;
        items.push(question);
    }

    let mut services = Vec::with_capacity(raw.services.len());
    let mut service_ids = Ids::new(EntryKind::Service);
    for (i, raw) in raw.services.into_iter().enumerate() {
        let entry = entry_of(EntryKind::Service, &raw.id, i);
        let service =
            service_ids.check(raw.id.as_deref(), i).and_then(|()| service(raw, &area_index)).map_err(at(entry))?;
        services.push(service);
    }

    let value_denominator = value_denominator(&items, areas.len()).map_err(whole)?;
    let catalogue = Catalogue {
        id,
        name_nb,
        name_en,
        source,
        provenance,
        kind,
        areas,
        items,
        services,
        min_coverage,
        value_denominator,
    };
    for (i, area) in catalogue.areas.iter().enumerate() {
        let actual = catalogue.area_size(i);
        let entry = Entry { kind: EntryKind::Area, id: Some(area.id.clone()), position: i + 1 };
        match area.published_item_count {
            Some(published) if published as usize != actual => {
                return Err(at(entry)(Problem::ItemCount { kind: entry_kind, published, actual }));
            }
            _ if actual == 0 => return Err(at(entry)(Problem::EmptyArea(entry_kind))),
            _ => {}
        }
    }
    Ok(catalogue)
}

/// The largest denominator an option value may have: values are read as
/// fractions with at most this denominator (0.1 is 1/10, 1.25 is 5/4).
pub(super) const MAX_VALUE_DENOMINATOR: u64 = 1_000;

/// The smallest `q` ≤ [`MAX_VALUE_DENOMINATOR`] with `value × q` a whole number.
fn denominator_of(value: f64) -> Option<u64> {
    (1..=MAX_VALUE_DENOMINATOR).find(|&q| {
        let scaled = value * q as f64;
        (scaled - scaled.round()).abs() <= 1e-9
    })
}

fn gcd(a: u64, b: u64) -> u64 {
    if b == 0 { a } else { gcd(b, a % b) }
}

/// The catalogue's value unit: the least common denominator of every value an
/// answer can take (option values, `5k / max_count`, the levels' `5k / 3`), so
/// an area's sum of values is a whole number of units and its mean one exact
/// division (docs/method.md §2: a score is the same number everywhere). Refused when
/// an area's largest sum would not fit 32 bits.
fn value_denominator(items: &[ItemDef], areas: usize) -> Result<u64, Problem> {
    let mut lcm: u64 = 1;
    for item in items {
        let denominators: Vec<u64> = match item.answer {
            AnswerType::Level => vec![3],
            AnswerType::MultiChoice { max_count } => vec![u64::from(max_count)],
            _ => item.options.iter().filter_map(|o| o.value).filter_map(denominator_of).collect(),
        };
        for q in denominators {
            lcm = lcm / gcd(lcm, q) * q;
            if lcm > u64::from(u32::MAX) {
                return Err(Problem::ValueDenominator { denominator: lcm });
            }
        }
    }
    let mut sizes = vec![0u64; areas];
    for item in items {
        sizes[item.area] += 1;
    }
    let largest = sizes.into_iter().max().unwrap_or(0);
    if 5 * lcm * largest >= u64::from(u32::MAX) {
        return Err(Problem::ValueDenominator { denominator: lcm });
    }
    Ok(lcm)
}

/// Names an entry by its id when it has one, else by its position.
fn entry_of(kind: EntryKind, id: &Option<String>, index: usize) -> Entry {
    Entry { kind, id: id.as_ref().filter(|id| !id.trim().is_empty()).cloned(), position: index + 1 }
}

/// The ids seen so far among entries of one kind, to refuse a missing or repeated id.
struct Ids {
    /// Which kind of entry, for the message.
    kind: EntryKind,
    /// Each id with the index of the entry that first used it.
    first: HashMap<String, usize>,
}

impl Ids {
    fn new(kind: EntryKind) -> Self {
        Self { kind, first: HashMap::new() }
    }

    fn check(&mut self, id: Option<&str>, index: usize) -> Result<(), Problem> {
        let id = id.filter(|id| !id.trim().is_empty()).ok_or(Problem::Missing("id"))?;
        match self.first.get(id) {
            Some(&first) => Err(Problem::DuplicateId { kind: self.kind, first: first + 1, second: index + 1 }),
            None => {
                self.first.insert(id.to_owned(), index);
                Ok(())
            }
        }
    }
}

fn required(value: Option<String>, field: &'static str) -> Result<String, Problem> {
    value.filter(|v| !v.trim().is_empty()).ok_or(Problem::Missing(field))
}

fn provenance(value: Option<String>) -> Result<Provenance, Problem> {
    let name = required(value, "provenance")?;
    PROVENANCES.iter().find(|(n, _)| *n == name).map(|&(_, p)| p).ok_or(Problem::UnknownProvenance(name))
}

fn area_ref(value: Option<String>, areas: &HashMap<&str, usize>) -> Result<usize, Problem> {
    let id = required(value, "area")?;
    areas.get(id.as_str()).copied().ok_or(Problem::UnknownArea(id))
}

fn area(raw: RawArea) -> Result<Area, Problem> {
    let area = Area {
        id: required(raw.id, "id")?,
        name_nb: required(raw.name_nb, "name_nb")?,
        name_en: required(raw.name_en, "name_en")?,
        provenance: provenance(raw.provenance)?,
        published_item_count: raw.published_item_count,
        published_national_mean: raw.published_national_mean,
    };
    if let Some(mean) = area.published_national_mean.filter(|m| !VALUE_RANGE.contains(m)) {
        return Err(Problem::NationalMean(mean));
    }
    Ok(area)
}

fn service(raw: RawService, areas: &HashMap<&str, usize>) -> Result<ServiceDef, Problem> {
    Ok(ServiceDef {
        id: required(raw.id, "id")?,
        area: area_ref(raw.area, areas)?,
        name_nb: required(raw.name_nb, "name_nb")?,
        name_en: required(raw.name_en, "name_en")?,
        provenance: provenance(raw.provenance)?,
    })
}

/// An item of a questionnaire (`areas`: the catalogue's), or a question of a
/// service list (`None`: it takes no area, and [`ItemDef::area`] is 0).
fn item(raw: RawItem, areas: Option<&HashMap<&str, usize>>) -> Result<ItemDef, Problem> {
    let id = required(raw.id, "id")?;
    let area = match areas {
        Some(areas) => area_ref(raw.area, areas)?,
        None if raw.area.is_some() => return Err(Problem::AreaOnQuestion),
        None => 0,
    };
    let question_nb = required(raw.question_nb, "question_nb")?;
    let question_en = required(raw.question_en, "question_en")?;
    let provenance = provenance(raw.provenance)?;
    let answer_name = required(raw.answer, "answer")?;
    let &(name, rule) =
        ANSWER_TYPES.iter().find(|(n, _)| *n == answer_name).ok_or(Problem::UnknownAnswerType(answer_name))?;
    let options = options(raw.options)?;
    if raw.max_count.is_some() && !matches!(rule, OptionRule::Counted) {
        return Err(Problem::MaxCountNotMultiChoice);
    }
    let valued: Vec<&OptionDef> = options.iter().filter(|o| o.value.is_some()).collect();
    let needs_options = || if options.is_empty() { Err(Problem::NoOptions(name)) } else { Ok(()) };
    let needs_valued = || if valued.is_empty() { Err(Problem::NoValuedOption(name)) } else { Ok(()) };
    let answer = match rule {
        OptionRule::Degree => {
            needs_options()?;
            needs_valued()?;
            if valued.len() != 5 {
                return Err(Problem::DegreeScale(valued.len()));
            }
            AnswerType::Degree
        }
        OptionRule::YesNo => {
            needs_options()?;
            needs_valued()?;
            for required in ["ja", "nei"] {
                if !valued.iter().any(|o| o.id == required) {
                    return Err(Problem::YesNoOption(required));
                }
            }
            if let Some(extra) = valued.iter().find(|o| o.id != "ja" && o.id != "nei") {
                return Err(Problem::YesNoExtraValue(extra.id.clone()));
            }
            AnswerType::YesNo
        }
        OptionRule::Valued => {
            needs_options()?;
            needs_valued()?;
            AnswerType::SingleChoice
        }
        OptionRule::Counted => {
            needs_options()?;
            if let Some(option) = valued.first() {
                return Err(Problem::ValueOnMultiChoice(option.id.clone()));
            }
            // Without max_count, selecting every option is worth the full 5.
            let max_count = raw.max_count.unwrap_or(options.len() as u32);
            if max_count == 0 {
                return Err(Problem::MaxCountZero);
            }
            if max_count as usize > options.len() {
                return Err(Problem::MaxCountAboveOptions { max_count, options: options.len() });
            }
            AnswerType::MultiChoice { max_count }
        }
        OptionRule::None => {
            if !options.is_empty() {
                return Err(Problem::LevelWithOptions);
            }
            AnswerType::Level
        }
    };
    Ok(ItemDef { id, area, question_nb, question_en, answer, options, provenance })
}

/// Checks what every option needs whatever the answer type: id, label, unique id,
/// value on 0–5.
fn options(raw: Vec<RawOption>) -> Result<Vec<OptionDef>, Problem> {
    let mut options: Vec<OptionDef> = Vec::with_capacity(raw.len());
    for (i, raw) in raw.into_iter().enumerate() {
        let id = required(raw.id, "id")
            .map_err(|_| Problem::OptionMissing { option: format!("#{}", i + 1), field: "id" })?;
        let label_nb = required(raw.label_nb, "label_nb")
            .map_err(|_| Problem::OptionMissing { option: format!("`{id}`"), field: "label_nb" })?;
        if options.iter().any(|o| o.id == id) {
            return Err(Problem::DuplicateOption(id));
        }
        if let Some(value) = raw.value.filter(|v| !VALUE_RANGE.contains(v)) {
            return Err(Problem::ValueOutOfRange { option: id, value });
        }
        if let Some(value) = raw.value.filter(|&v| denominator_of(v).is_none()) {
            return Err(Problem::InexactValue { option: id, value });
        }
        options.push(OptionDef { id, label_nb, label_en: raw.label_en.unwrap_or_default(), value: raw.value });
    }
    Ok(options)
}
