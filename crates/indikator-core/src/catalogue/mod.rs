//! Catalogues: the areas, items, services and answer→value maps of the `ks-2018`
//! and `riksrevisjonen-2015` methodologies (docs/method.md §2, §3), kept as data files
//! rather than code so a user can supply their own (same format) instead.
//!
//! Imports [`crate::methodology`] (provenance) only.
//!
//! The format is described in the header comments of the shipped files,
//! `catalogues/ks-2018.toml` (a [`CatalogueKind::Questionnaire`]: `[[areas]]` and
//! `[[items]]`) and `catalogues/riksrevisjonen-2015.toml` (a
//! [`CatalogueKind::Services`]: `[[areas]]` and `[[services]]`). Both are embedded in
//! the binary ([`shipped`]); [`load`] adds or replaces catalogues from a directory.
//!
//! ## Format
//!
//! Top level: `id`, `name_nb`, `name_en`, `source`, `provenance` (all required),
//! optional `min_coverage` in (0, 1] (default 0.5), then `[[areas]]` and either
//! `[[items]]` or `[[services]]`, never both. Every `provenance` is `published` or
//! `reconstructed`; every id is unique among its kind; unknown keys are refused.
//!
//! * `[[areas]]`: `id`, `name_nb`, `name_en`, `provenance`; optional
//!   `published_item_count` (must equal the number of items or services in the
//!   area) and `published_national_mean` (0–5). Every area needs an entry.
//! * `[[items]]`: `id`, `area` (an area id), `question_nb`, `question_en`, `answer`,
//!   `provenance`, `options` (inline tables `{ id, label_nb, label_en?, value? }`,
//!   values on 0–5, each a fraction with a denominator up to 1000 such as 2.5 or
//!   0.125, no value = «vet ikke»), and for `multi_choice` `max_count`. Every
//!   value an answer can take must be a whole number of one common unit
//!   ([`Catalogue::value_denominator`]) small enough that an area's sum fits 32
//!   bits: that is what makes area scores exact.
//!   By `answer`:
//!   - `degree`: exactly five valued options, lowest degree first (others unvalued);
//!   - `yes_no`: valued options `ja` and `nei`; any other option unvalued;
//!   - `single_choice`: at least one valued option;
//!   - `multi_choice`: options without values; `max_count` in 1..=options
//!     (default: the number of options);
//!   - `level`: no options (levels 0–3 are worth 0, 5/3, 10/3, 5).
//! * `[[services]]`: `id`, `area`, `name_nb`, `name_en`, `provenance`.
//!
//! [`Catalogue::parse`] validates everything a scorer relies on, so scoring never
//! meets a catalogue it cannot use: unique ids, every reference resolved, every
//! option value on 0–5, every answer type's options shaped as its value map needs,
//! published item counts met. Each refusal names the file, the area, item or service,
//! and the problem ([`CatalogueError`]).
//!
//! Pure apart from [`load`], which reads a directory: no async, no protobuf.

mod chosen;
mod error;
mod parse;
#[cfg(test)]
mod tests;

use std::path::Path;
use std::sync::{Arc, LazyLock};

pub use chosen::{ChosenAnswers, DONT_KNOW, LEVELS, MULTI_NONE, MULTI_SOME};
pub use error::{CatalogueError, Entry, EntryKind, Problem};

use crate::methodology::Provenance;

/// Id of the KS / Rambøll digital maturity questionnaire (docs/method.md §2).
pub const KS_2018: &str = "ks-2018";
/// Id of the Auditor General's service list (docs/method.md §3).
pub const RIKSREVISJONEN_2015: &str = "riksrevisjonen-2015";

/// Minimum share of an area's items that must be answered for it to be scored,
/// when the catalogue does not say (docs/method.md §2: "default: half").
pub const DEFAULT_MIN_COVERAGE: f64 = 0.5;

/// The shipped catalogues: (file name used in messages, text).
const SHIPPED_FILES: [(&str, &str); 2] = [
    ("catalogues/ks-2018.toml", include_str!("../../../../catalogues/ks-2018.toml")),
    ("catalogues/riksrevisjonen-2015.toml", include_str!("../../../../catalogues/riksrevisjonen-2015.toml")),
];

static SHIPPED: LazyLock<Vec<Catalogue>> = LazyLock::new(|| {
    SHIPPED_FILES
        .iter()
        .map(|(file, text)| Catalogue::parse(file, text).expect("shipped catalogues are valid (tested)"))
        .collect()
});

/// What a catalogue lists, and so which methodology shape it has.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CatalogueKind {
    /// Questionnaire items valued 0–5 and averaged per area (`[[items]]`, ks-2018).
    Questionnaire,
    /// Services reported at digitalisation level 0–3 (`[[services]]`, riksrevisjonen-2015).
    Services,
}

/// One methodology's catalogue, validated.
#[derive(Debug, Clone, PartialEq)]
pub struct Catalogue {
    /// The methodology id (`ks-2018`); a custom catalogue with a shipped id replaces it.
    pub id: String,
    /// Norwegian (bokmål) name, as published.
    pub name_nb: String,
    /// English name beside it.
    pub name_en: String,
    /// The publication the catalogue is drawn from, for the methodology description.
    pub source: String,
    /// Whether the catalogue as a whole is published or our reconstruction.
    pub provenance: Provenance,
    /// Whether it holds items or services; the other list is empty.
    pub kind: CatalogueKind,
    /// Scoring and tabulating are per area, in this order.
    pub areas: Vec<Area>,
    /// Questionnaire items, in file order; for a service list, the questions asked
    /// beside it (`[[questions]]`: answered and tallied like items, never scored).
    pub items: Vec<ItemDef>,
    /// Services, in file order (empty for a questionnaire).
    pub services: Vec<ServiceDef>,
    /// Share of an area's items that must be answered for it to be scored, in (0, 1];
    /// [`DEFAULT_MIN_COVERAGE`] when the file does not say.
    pub min_coverage: f64,
    /// Every value an answer can take is a whole multiple of `1 / value_denominator`
    /// (168 for the shipped `ks-2018`): an area's sum is kept as whole units, so
    /// its mean is exact and the same wherever it is computed. 1 for a service list.
    pub value_denominator: u64,
}

/// An area («kategori», «tjenesteområde») whose items or services are scored together.
#[derive(Debug, Clone, PartialEq)]
pub struct Area {
    /// Stable key, referred to by items and services and in results.
    pub id: String,
    /// Norwegian (bokmål) name, as published.
    pub name_nb: String,
    /// English name beside it.
    pub name_en: String,
    /// Whether the area itself is stated in a source.
    pub provenance: Provenance,
    /// The number of items (or services) the source says the area has; validated
    /// against the catalogue's own count, so a reconstruction cannot drift from it.
    pub published_item_count: Option<u32>,
    /// The source's national value for the area (0–5), shown beside a round's mean.
    pub published_national_mean: Option<f64>,
}

/// One questionnaire item.
#[derive(Debug, Clone, PartialEq)]
pub struct ItemDef {
    /// Stable key: answers name their item by it.
    pub id: String,
    /// Index into [`Catalogue::areas`] of the area it counts towards; 0 for a
    /// service list's question, which counts towards none.
    pub area: usize,
    /// The question in Norwegian (bokmål), verbatim where published.
    pub question_nb: String,
    /// The question in English.
    pub question_en: String,
    /// Which answers it takes and how they map to 0–5.
    pub answer: AnswerType,
    /// Its answer options in file order (empty for [`AnswerType::Level`]).
    pub options: Vec<OptionDef>,
    /// Whether its wording and area are stated in a source.
    pub provenance: Provenance,
}

/// How an item is answered, and so how an answer becomes a value on 0–5 (docs/method.md §2).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AnswerType {
    /// «I svært liten grad» … «I svært høy grad»: degree k is the k-th valued option.
    Degree,
    /// Ja / nei: the value of option `ja` or `nei`.
    YesNo,
    /// One of several ordered statements, each with its value.
    SingleChoice,
    /// Any number of options: 5 × min(selected, max_count) / max_count.
    MultiChoice {
        /// The number of selections worth the full 5.
        max_count: u32,
    },
    /// Digitisation level 0–3 of an application process: 0, 5/3, 10/3, 5.
    Level,
}

impl AnswerType {
    /// The name used in catalogue files.
    pub const fn name(self) -> &'static str {
        match self {
            Self::Degree => "degree",
            Self::YesNo => "yes_no",
            Self::SingleChoice => "single_choice",
            Self::MultiChoice { .. } => "multi_choice",
            Self::Level => "level",
        }
    }
}

/// One answer option of an item.
#[derive(Debug, Clone, PartialEq)]
pub struct OptionDef {
    /// Stable key: choice answers name their option by it.
    pub id: String,
    /// Norwegian (bokmål) label, as asked.
    pub label_nb: String,
    /// English label; may be empty (the shipped questionnaire gives only bokmål).
    pub label_en: String,
    /// Its value on 0–5; `None` for «Vet ikke», which leaves the item unanswered.
    /// Always `None` for multi-choice options (the count is what is valued).
    pub value: Option<f64>,
}

/// One municipal service of a service list.
#[derive(Debug, Clone, PartialEq)]
pub struct ServiceDef {
    /// Stable key: reported levels name their service by it.
    pub id: String,
    /// Index into [`Catalogue::areas`].
    pub area: usize,
    /// Norwegian (bokmål) name.
    pub name_nb: String,
    /// English name beside it.
    pub name_en: String,
    /// Whether the service is listed in a source.
    pub provenance: Provenance,
}

/// A typed answer to one questionnaire item (what the gRPC layer hands over),
/// its option ids borrowed from the request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TypedAnswer<'a> {
    /// 1..=5: «i svært liten grad» … «i svært høy grad».
    Degree(u8),
    /// Ja (`true`) or nei.
    YesNo(bool),
    /// The id of the one option chosen.
    Choice(&'a str),
    /// The ids of every option chosen; empty is a valid answer worth 0.
    Choices(Vec<&'a str>),
    /// Digitisation level 0..=3.
    Level(u32),
    /// «Vet ikke»: the item stays unanswered, whatever its type.
    DontKnow,
}

impl TypedAnswer<'_> {
    /// What kind of answer this is, for messages.
    fn describe(&self) -> &'static str {
        match self {
            Self::Degree(_) => "a degree answer",
            Self::YesNo(_) => "a yes/no answer",
            Self::Choice(_) => "a single choice",
            Self::Choices(_) => "a multiple choice",
            Self::Level(_) => "a level answer",
            Self::DontKnow => "«vet ikke»",
        }
    }
}

impl ItemDef {
    /// The item's value on 0–5 for an answer; `Ok(None)` = unanswered ("don't know").
    /// `Err(description)` when the item does not allow that answer: the wrong kind of
    /// answer for its type, an unknown option id, an option chosen twice, more choices
    /// than options, a level above 3, a degree outside 1–5.
    pub fn value(&self, answer: &TypedAnswer) -> Result<Option<f64>, String> {
        match (self.answer, answer) {
            (_, TypedAnswer::DontKnow) => Ok(None),
            (AnswerType::Degree, &TypedAnswer::Degree(k)) => {
                if !(1..=5).contains(&k) {
                    return Err(format!("degree {k} is outside 1–5"));
                }
                // Validation guarantees exactly five valued options.
                Ok(self.options.iter().filter_map(|o| o.value).nth(usize::from(k) - 1))
            }
            (AnswerType::YesNo, &TypedAnswer::YesNo(yes)) => {
                Ok(self.option(if yes { "ja" } else { "nei" }).and_then(|o| o.value))
            }
            (AnswerType::SingleChoice, TypedAnswer::Choice(id)) => {
                self.option(id).map(|o| o.value).ok_or_else(|| self.not_an_option(id))
            }
            (AnswerType::MultiChoice { max_count }, TypedAnswer::Choices(ids)) => {
                if ids.len() > self.options.len() {
                    return Err(format!(
                        "{} choices, but item `{}` has only {} options",
                        ids.len(),
                        self.id,
                        self.options.len()
                    ));
                }
                for (i, id) in ids.iter().enumerate() {
                    if self.option(id).is_none() {
                        return Err(self.not_an_option(id));
                    }
                    if ids[..i].contains(id) {
                        return Err(format!("option `{id}` is chosen twice"));
                    }
                }
                let selected = (ids.len() as u32).min(max_count);
                Ok(Some(5.0 * f64::from(selected) / f64::from(max_count)))
            }
            (AnswerType::Level, &TypedAnswer::Level(level)) => {
                if level > 3 {
                    return Err(format!("level {level} is outside 0–3"));
                }
                Ok(Some(5.0 * f64::from(level) / 3.0))
            }
            (expected, got) => {
                Err(format!("item `{}` is a `{}` item; {} does not fit it", self.id, expected.name(), got.describe()))
            }
        }
    }

    /// The option with this id.
    pub fn option(&self, id: &str) -> Option<&OptionDef> {
        self.options.iter().find(|o| o.id == id)
    }

    fn not_an_option(&self, id: &str) -> String {
        format!("`{id}` is not an option of item `{}`", self.id)
    }
}

/// The position of the element `is` holds for (ids are unique in a
/// catalogue, so at most one), trying `hint` first.
fn position<T>(list: &[T], is: impl Fn(&T) -> bool, hint: usize) -> Option<usize> {
    match list.get(hint) {
        Some(x) if is(x) => Some(hint),
        _ => list.iter().position(is),
    }
}

impl Catalogue {
    /// Parses and validates one catalogue file; `file_name` is only for messages.
    pub fn parse(file_name: &str, toml_text: &str) -> Result<Catalogue, CatalogueError> {
        parse::parse(file_name, toml_text)
    }

    /// Index into [`Catalogue::areas`] of the area with this id.
    pub fn area_index(&self, id: &str) -> Option<usize> {
        self.areas.iter().position(|a| a.id == id)
    }

    /// Index into [`Catalogue::items`] of the item with this id.
    pub fn item_index(&self, id: &str) -> Option<usize> {
        self.item_index_near(id, 0)
    }

    /// [`Catalogue::item_index`], looking at `hint` first: answers usually
    /// come in catalogue order, so a response's item ids are found without
    /// a scan.
    pub fn item_index_near(&self, id: &str, hint: usize) -> Option<usize> {
        position(&self.items, |i| i.id == id, hint)
    }

    /// Index into [`Catalogue::services`] of the service with this id.
    pub fn service_index(&self, id: &str) -> Option<usize> {
        self.service_index_near(id, 0)
    }

    /// [`Catalogue::service_index`], looking at `hint` first.
    pub fn service_index_near(&self, id: &str, hint: usize) -> Option<usize> {
        position(&self.services, |s| s.id == id, hint)
    }

    /// A value on 0–5 (as [`ItemDef::value`] gives it) in whole units of
    /// `1 / value_denominator`.
    pub fn units(&self, value: f64) -> u64 {
        (value * self.value_denominator as f64).round() as u64
    }

    /// How many items (questionnaire) or services (service list) belong to an area.
    pub fn area_size(&self, area: usize) -> usize {
        match self.kind {
            CatalogueKind::Questionnaire => self.items.iter().filter(|i| i.area == area).count(),
            CatalogueKind::Services => self.services.iter().filter(|s| s.area == area).count(),
        }
    }
}

/// The two shipped catalogues (`catalogues/*.toml`, embedded in the binary).
pub fn shipped() -> Vec<Catalogue> {
    SHIPPED.clone()
}

/// The catalogues to serve: the shipped ones when `dir` is `None`; otherwise every
/// `*.toml` in `dir` (sorted by file name) on top of them. A catalogue from the
/// directory replaces the shipped one with the same id; shipped ones with other ids
/// stay. Any broken file, two files with the same id, an empty or missing directory
/// is an error.
pub fn load(dir: Option<&Path>) -> Result<Vec<Catalogue>, CatalogueError> {
    let mut catalogues = shipped();
    let Some(dir) = dir else {
        return Ok(catalogues);
    };
    let read_dir = |source| CatalogueError::ReadDir { dir: dir.to_owned(), source };
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir).map_err(read_dir)? {
        let path = entry.map_err(read_dir)?.path();
        if path.extension().is_some_and(|e| e == "toml") && path.is_file() {
            files.push(path);
        }
    }
    if files.is_empty() {
        return Err(CatalogueError::EmptyDir { dir: dir.to_owned() });
    }
    files.sort_by(|a, b| a.file_name().cmp(&b.file_name()));

    let mut from_dir: Vec<(String, Catalogue)> = Vec::with_capacity(files.len());
    for path in files {
        let text =
            std::fs::read_to_string(&path).map_err(|source| CatalogueError::ReadFile { path: path.clone(), source })?;
        let file = path.display().to_string();
        let catalogue = Catalogue::parse(&file, &text)?;
        if let Some((first, _)) = from_dir.iter().find(|(_, c)| c.id == catalogue.id) {
            return Err(CatalogueError::DuplicateCatalogue { file, id: catalogue.id, first: first.clone() });
        }
        from_dir.push((file, catalogue));
    }
    for (_, catalogue) in from_dir {
        match catalogues.iter_mut().find(|c| c.id == catalogue.id) {
            Some(shipped) => *shipped = catalogue,
            None => catalogues.push(catalogue),
        }
    }
    Ok(catalogues)
}

/// The catalogue of each catalogue-driven methodology a server scores with.
#[derive(Debug, Clone)]
pub struct Catalogues {
    /// `ks-2018`: the maturity questionnaire.
    pub ks_2018: Arc<Catalogue>,
    /// `riksrevisjonen-2015`: the service list.
    pub riksrevisjonen_2015: Arc<Catalogue>,
}

static SHIPPED_SET: LazyLock<Catalogues> =
    LazyLock::new(|| Catalogues::from_list(shipped()).expect("shipped catalogues cover both methodologies"));

impl Catalogues {
    /// Picks each methodology's catalogue from a loaded list (see [`load`]).
    pub fn from_list(list: Vec<Catalogue>) -> Result<Self, CatalogueError> {
        let mut ks = None;
        let mut services = None;
        for catalogue in list {
            match (catalogue.id.as_str(), catalogue.kind) {
                (KS_2018, CatalogueKind::Questionnaire) => ks = Some(Arc::new(catalogue)),
                (RIKSREVISJONEN_2015, CatalogueKind::Services) => services = Some(Arc::new(catalogue)),
                (id @ (KS_2018 | RIKSREVISJONEN_2015), _) => {
                    let expected =
                        if id == KS_2018 { "questionnaire ([[items]])" } else { "service list ([[services]])" };
                    return Err(CatalogueError::Invalid {
                        file: id.to_owned(),
                        problem: Problem::WrongKind { id: id.to_owned(), expected },
                    });
                }
                (other, _) => tracing::warn!(catalogue = other, "catalogue id matches no methodology; ignored"),
            }
        }
        let pick = |found: Option<Arc<Catalogue>>, id: &str| {
            found.unwrap_or_else(|| Arc::new(shipped().into_iter().find(|c| c.id == id).expect("shipped")))
        };
        Ok(Self { ks_2018: pick(ks, KS_2018), riksrevisjonen_2015: pick(services, RIKSREVISJONEN_2015) })
    }

    /// The shipped catalogues.
    pub fn shipped() -> &'static Catalogues {
        &SHIPPED_SET
    }

    /// Loads (see [`load`]) and picks.
    pub fn load(dir: Option<&Path>) -> Result<Self, CatalogueError> {
        Self::from_list(load(dir)?)
    }
}
