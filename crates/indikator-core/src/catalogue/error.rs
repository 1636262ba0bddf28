//! Why a catalogue was refused: always the file, and where there is one the area,
//! item or service, then the problem.

use std::fmt;
use std::path::PathBuf;

/// A catalogue file or directory that cannot be used. The service refuses to start
/// on any of these, so each names what to fix.
#[derive(Debug, thiserror::Error)]
pub enum CatalogueError {
    /// The directory given for custom catalogues is missing or unreadable.
    #[error("{}: cannot read the catalogue directory: {source}", dir.display())]
    ReadDir { dir: PathBuf, source: std::io::Error },
    /// The directory holds no `*.toml` file: almost certainly the wrong directory.
    #[error("{}: no catalogue (*.toml) in the directory", dir.display())]
    EmptyDir { dir: PathBuf },
    /// A catalogue file that cannot be read (permissions, not UTF-8).
    #[error("{}: {source}", path.display())]
    ReadFile { path: PathBuf, source: std::io::Error },
    /// Not TOML, or TOML that does not have the catalogue's shape (unknown key,
    /// wrong type); the message carries the line and column.
    #[error("{file}: {source}")]
    Toml { file: String, source: toml::de::Error },
    /// A problem with the catalogue as a whole (its own fields, items vs services).
    #[error("{file}: {problem}")]
    Invalid { file: String, problem: Problem },
    /// A problem with one area, item or service.
    #[error("{file}: {entry}: {problem}")]
    InvalidEntry { file: String, entry: Entry, problem: Problem },
    /// Two files of one directory declare the same catalogue id.
    #[error("{file}: catalogue id `{id}` is already used by {first}")]
    DuplicateCatalogue { file: String, id: String, first: String },
}

/// What kind of catalogue entry a problem is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EntryKind {
    Area,
    Item,
    Service,
    Question,
}

impl EntryKind {
    /// The word used in messages and in the TOML table name (`[[items]]` …).
    pub const fn noun(self) -> &'static str {
        match self {
            Self::Area => "area",
            Self::Item => "item",
            Self::Service => "service",
            Self::Question => "question",
        }
    }
}

impl fmt::Display for EntryKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.noun())
    }
}

/// The area, item or service a problem is about.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    /// Which table of the file to look in.
    pub kind: EntryKind,
    /// Its id as written; `None` when the id itself is missing or blank.
    pub id: Option<String>,
    /// 1-based position among the entries of its kind in file order, so an entry
    /// without an id can still be found.
    pub position: usize,
}

impl fmt::Display for Entry {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.id {
            Some(id) => write!(f, "{} `{id}`", self.kind),
            None => write!(f, "{} #{}", self.kind, self.position),
        }
    }
}

/// One precise reason a catalogue is refused.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum Problem {
    /// A required text field is absent or blank.
    #[error("`{0}` is missing or empty")]
    Missing(&'static str),
    /// Provenance must say whether an entry is official (docs/method.md, introduction).
    #[error("provenance `{0}` is neither `published` nor `reconstructed`")]
    UnknownProvenance(String),
    /// A coverage of 0 would score an area from nothing; above 1 it could never be met.
    #[error("min_coverage {0} is outside (0, 1]")]
    MinCoverage(f64),
    /// A catalogue is one methodology's data: a questionnaire or a service list.
    #[error("has both [[items]] and [[services]]; a catalogue is a questionnaire or a service list, not both")]
    ItemsAndServices,
    /// Nothing to score.
    #[error("has neither [[items]] (a questionnaire) nor [[services]] (a service list)")]
    NoEntries,
    /// Questions are asked beside a service list, never scored.
    #[error("has [[questions]] but no [[services]]; questions are asked beside a service list")]
    QuestionsWithoutServices,
    /// A service list's question counts towards no area.
    #[error("has an area; a service list's questions are tallied, not scored by area")]
    AreaOnQuestion,
    /// Ids are how answers and results refer to entries, so they must be unique.
    #[error("duplicate id: {kind}s #{first} and #{second} both use it")]
    DuplicateId { kind: EntryKind, first: usize, second: usize },
    /// An item or service in an area the catalogue does not define.
    #[error("area `{0}` is not one of the catalogue's [[areas]]")]
    UnknownArea(String),
    /// An area that nothing belongs to could never be scored.
    #[error("no {0}s belong to this area")]
    EmptyArea(EntryKind),
    /// The published item count is the check that the reconstruction is complete.
    #[error("published_item_count is {published} but the area has {}", count(*actual, *kind))]
    ItemCount { kind: EntryKind, published: u32, actual: usize },
    /// National means are on the same 0–5 scale as area scores.
    #[error("published_national_mean {0} is outside 0–5")]
    NationalMean(f64),
    /// A shipped methodology id used for the other shape of catalogue.
    #[error("catalogue `{id}` must be a {expected}")]
    WrongKind { id: String, expected: &'static str },
    #[error("answer type `{0}` is not one of degree, yes_no, single_choice, multi_choice, level")]
    UnknownAnswerType(String),
    /// Degree, yes/no, single- and multi-choice answers are option ids.
    #[error("a `{0}` item needs options")]
    NoOptions(&'static str),
    /// An item whose every answer is "don't know" could never be answered.
    #[error("a `{0}` item needs at least one option with a value")]
    NoValuedOption(&'static str),
    /// Degree answers are 1–5 and pick the k-th valued option.
    #[error(
        "a `degree` item needs exactly 5 options with a value (i svært liten grad … i svært høy grad), \
         it has {0}"
    )]
    DegreeScale(usize),
    /// Yes/no answers pick the option `ja` or `nei`.
    #[error("a `yes_no` item needs an option `{0}` with a value")]
    YesNoOption(&'static str),
    /// No yes/no answer can reach a third valued option.
    #[error("option `{0}` has a value, but in a `yes_no` item only `ja` and `nei` carry one")]
    YesNoExtraValue(String),
    /// Values are on the 0–5 maturity scale.
    #[error("option `{option}` has value {value}, outside 0–5")]
    ValueOutOfRange { option: String, value: f64 },
    /// Values are fractions (docs/method.md §2: scores are exact), e.g. 2.5 or 0.125.
    #[error("option `{option}` has value {value}, not a fraction with a denominator up to 1000")]
    InexactValue { option: String, value: f64 },
    /// Every value must be a whole number of one common unit, and an area's sum fit 32 bits.
    #[error(
        "the values' common denominator ({denominator}) is too large to score areas exactly; \
         use simpler fractions or fewer distinct max_count values"
    )]
    ValueDenominator { denominator: u64 },
    /// An option without an id (`#n`) or label cannot be answered or shown.
    #[error("option {option}: `{field}` is missing or empty")]
    OptionMissing { option: String, field: &'static str },
    /// Option ids are the answers, so they must be unique within an item.
    #[error("option `{0}` is listed twice")]
    DuplicateOption(String),
    /// Levels 0–3 have a fixed value map.
    #[error("a `level` item takes no options (levels 0–3 are worth 0, 5/3, 10/3, 5)")]
    LevelWithOptions,
    #[error("`max_count` applies only to `multi_choice` items")]
    MaxCountNotMultiChoice,
    #[error("max_count must be at least 1")]
    MaxCountZero,
    /// More selections than options could never reach full value.
    #[error("max_count {max_count} is more than the item's {options} options")]
    MaxCountAboveOptions { max_count: u32, options: usize },
    /// A multi-choice item's value comes from how many options are selected.
    #[error("option `{0}` has a value, but `multi_choice` options carry none (value = 5 × selected / max_count)")]
    ValueOnMultiChoice(String),
}

/// "1 item", "5 items".
fn count(n: usize, kind: EntryKind) -> String {
    format!("{n} {kind}{}", if n == 1 { "" } else { "s" })
}
