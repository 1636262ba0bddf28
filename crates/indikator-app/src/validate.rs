//! Request validation: every problem in a request is collected, each as a field
//! violation (field path + description), before anything is scored.

use crate::proto::v1::{self as pb, FieldViolation};
use indikator_core::catalogue::{Catalogue, Catalogues, ChosenAnswers, TypedAnswer};
use indikator_core::domain::{CountyNumber, MunicipalityNumber, OrganisationNumber, Respondent, RespondentKind};
use indikator_core::methodology::{ItemList, ssb2018 as m};
use indikator_core::scoring::ssb2018::{Answers, Portfolio, Recruitment};

/// Survey years the service accepts.
pub const SURVEY_YEARS: std::ops::RangeInclusive<u32> = 2000..=2100;

/// The field violations found so far. Field paths use proto field names,
/// dots between messages and `[i]` for list elements, e.g.
/// `response.ssb_2018.strategy.areas[2]`.
///
/// At most [`MAX_VIOLATIONS`] are kept; later ones are only counted, without
/// formatting their path or description, so the work and memory of refusing a
/// request do not grow with the number of bad values in it.
#[derive(Debug, Default)]
pub struct Violations {
    kept: Vec<FieldViolation>,
    /// Violations found beyond [`MAX_VIOLATIONS`].
    more: usize,
}

/// Field violations kept (and sent in a status's `BadRequest` details); the
/// rest are counted in the message, so the error headers stay far below
/// clients' header limits.
pub const MAX_VIOLATIONS: usize = 50;

/// Longest description kept: a description may quote the bad value, and
/// neither the error headers nor a round's rejections may grow with it.
pub const MAX_DESCRIPTION_BYTES: usize = crate::safe_text::MAX_EXCERPT_BYTES;

/// Longest name a respondent may have.
pub const MAX_NAME_CHARS: usize = 200;

pub use crate::safe_text::clip;

impl Violations {
    /// Records a violation. Past [`MAX_VIOLATIONS`], only counts it: `field`
    /// and `description` are then neither formatted nor stored.
    pub fn add(&mut self, field: impl std::fmt::Display, description: impl std::fmt::Display) {
        if self.kept.len() >= MAX_VIOLATIONS {
            self.more += 1;
            return;
        }
        let description = description.to_string();
        self.kept
            .push(FieldViolation { field: field.to_string(), description: clip(&description, MAX_DESCRIPTION_BYTES) });
    }

    /// Whether more violations would only be counted.
    pub fn is_full(&self) -> bool {
        self.kept.len() >= MAX_VIOLATIONS
    }

    pub fn is_empty(&self) -> bool {
        self.kept.is_empty()
    }

    /// Every violation found, kept or only counted.
    pub fn len(&self) -> usize {
        self.kept.len() + self.more
    }

    /// The kept violations (at most [`MAX_VIOLATIONS`]).
    pub fn into_vec(self) -> Vec<FieldViolation> {
        self.kept
    }

    /// The kept violations as (field, description).
    pub fn into_pairs(self) -> Vec<(String, String)> {
        self.kept.into_iter().map(|v| (v.field, v.description)).collect()
    }

    /// The kept violations.
    pub fn iter(&self) -> impl Iterator<Item = &FieldViolation> {
        self.kept.iter()
    }

    /// The status message: the first violation, and how many there were.
    pub fn message(&self) -> String {
        let first = self.kept.first().map(|v| format!("{}: {}", v.field, v.description)).unwrap_or_default();
        match self.len() {
            1 => first,
            n if self.more > 0 => {
                format!("{n} invalid fields; first: {first} (the first {MAX_VIOLATIONS} are in the details)")
            }
            n => format!("{n} invalid fields; first: {first}"),
        }
    }

    /// `Ok(value)` when nothing was found, else every violation.
    pub fn finish<T>(self, value: impl FnOnce() -> T) -> Result<T, Violations> {
        if self.is_empty() { Ok(value()) } else { Err(self) }
    }
}

/// One violation for a list with more elements than it can validly hold
/// (`max`); its elements are then not looked at one by one.
fn too_long(v: &mut Violations, field: impl std::fmt::Display, len: usize, max: usize, what: &str) -> bool {
    if len <= max {
        return false;
    }
    v.add(field, format!("has {len} elements; there are only {max} {what}"));
    true
}

/// A survey response that passed validation.
#[derive(Debug, Clone, PartialEq)]
pub struct Validated {
    pub respondent: Respondent,
    /// `None` when the `ssb_2018` block is absent.
    pub ssb_2018: Option<Answers>,
    /// Value (0–5) per `ks-2018` catalogue item, `None` = unanswered;
    /// `None` as a whole when the `ks_2018` block is absent.
    pub ks_2018: Option<Vec<Option<f64>>>,
    /// The `ks-2018` answers themselves (option, level, «vet ikke»), for the
    /// round's item tables; `None` when the block is absent.
    pub ks_2018_chosen: Option<ChosenAnswers>,
    /// Level (0–3) per `riksrevisjonen-2015` service, `None` = not reported;
    /// `None` as a whole when the block is absent.
    pub riksrevisjonen_2015: Option<Vec<Option<u8>>>,
    /// The answers to the `riksrevisjonen-2015` catalogue's questions, for the
    /// round's item tables; `None` when the block is absent (boxed: a validated
    /// record travels in every round item, and few carry the block).
    pub riksrevisjonen_2015_chosen: Option<Box<ChosenAnswers>>,
}

/// A survey response as validation reads it, borrowed from a decoded message
/// ([`ResponseView::of`]) or straight from a request's wire bytes
/// (`super::decode`), so both give the same [`Validated`] or violations.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ResponseView<'a> {
    pub respondent: Option<RespondentView<'a>>,
    pub ssb_2018: Option<SsbView<'a>>,
    pub ks_2018: Option<Vec<AnswerView<'a>>>,
    /// Boxed: most records have no such block, and a view travels in every record.
    pub riksrevisjonen_2015: Option<Box<ServicesView<'a>>>,
}

/// A [`pb::Riksrevisjonen2015Answers`], borrowed: the service levels and the answers to
/// the catalogue's questions.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ServicesView<'a> {
    pub services: Vec<ServiceView<'a>>,
    pub answers: Vec<AnswerView<'a>>,
}

/// [`pb::Ssb2018Answers`]: each part present or not, its lists as slices.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct SsbView<'a> {
    pub strategy: Option<PortfolioView<'a>>,
    pub projects: Option<PortfolioView<'a>>,
    /// (function, sourcing) pairs.
    pub sourcing: Option<List<'a, (i32, i32)>>,
    /// `tried_to_recruit` and the difficulties.
    pub recruitment: Option<PortfolioView<'a>>,
    pub hindrance: Option<i32>,
    pub cloud: Option<PortfolioView<'a>>,
    /// (activity, answer) pairs.
    pub procurement: Option<List<'a, (i32, i32)>>,
    /// (mode, extent) pairs.
    pub service_offer: Option<List<'a, (i32, i32)>>,
}

/// A yes/no question and the enum values listed under it (strategy areas,
/// project effects, recruitment difficulties, cloud areas).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct PortfolioView<'a> {
    pub exists: bool,
    pub values: List<'a, i32>,
}

/// Most elements a [`List`] keeps inline; no valid list is longer.
pub const INLINE_LIST: usize = 16;

/// A list as validation reads it: borrowed from a decoded message, built
/// from one, or read from wire bytes into a short inline array.
#[derive(Debug, Clone)]
pub enum List<'a, T> {
    Borrowed(&'a [T]),
    Owned(Vec<T>),
    Inline { items: [T; INLINE_LIST], len: u8 },
}

impl<T: Copy + Default> Default for List<'_, T> {
    fn default() -> Self {
        Self::Inline { items: [T::default(); INLINE_LIST], len: 0 }
    }
}

impl<T: Copy + Default> List<'_, T> {
    pub fn as_slice(&self) -> &[T] {
        match self {
            Self::Borrowed(items) => items,
            Self::Owned(items) => items,
            Self::Inline { items, len } => &items[..usize::from(*len)],
        }
    }

    /// Adds to an inline list; `None` when it is full (or not inline).
    pub fn push(&mut self, item: T) -> Option<()> {
        let Self::Inline { items, len } = self else { return None };
        *items.get_mut(usize::from(*len))? = item;
        *len += 1;
        Some(())
    }

    /// Adds to the list, inline while it fits, moved to the heap when not.
    pub fn push_spilling(&mut self, item: T) {
        if self.push(item).is_none() {
            let mut owned = std::mem::replace(self, Self::Owned(Vec::new())).as_slice().to_vec();
            owned.push(item);
            *self = Self::Owned(owned);
        }
    }
}

impl<T: Copy + Default + PartialEq> PartialEq for List<'_, T> {
    fn eq(&self, other: &Self) -> bool {
        self.as_slice() == other.as_slice()
    }
}

impl<'a> SsbView<'a> {
    /// The view of a decoded block.
    pub fn of(block: &'a pb::Ssb2018Answers) -> Self {
        // Inline when short enough (every valid list is): no allocation.
        fn pairs<'a, T>(list: &[T], pair: impl Fn(&T) -> (i32, i32)) -> List<'a, (i32, i32)> {
            let mut pairs = List::default();
            for x in list {
                pairs.push_spilling(pair(x));
            }
            pairs
        }
        Self {
            strategy: block
                .strategy
                .as_ref()
                .map(|s| PortfolioView { exists: s.has_strategy, values: List::Borrowed(&s.areas) }),
            projects: block
                .projects
                .as_ref()
                .map(|p| PortfolioView { exists: p.has_projects, values: List::Borrowed(&p.areas) }),
            sourcing: block.sourcing.as_ref().map(|s| pairs(&s.functions, |f| (f.function, f.sourcing))),
            recruitment: block
                .recruitment
                .as_ref()
                .map(|r| PortfolioView { exists: r.tried_to_recruit, values: List::Borrowed(&r.difficulties) }),
            hindrance: block.hindrance.as_ref().map(|h| h.degree),
            cloud: block
                .cloud
                .as_ref()
                .map(|c| PortfolioView { exists: c.uses_cloud, values: List::Borrowed(&c.areas) }),
            procurement: block.procurement.as_ref().map(|p| pairs(&p.activities, |a| (a.activity, a.answer))),
            service_offer: block.service_offer.as_ref().map(|s| pairs(&s.modes, |m| (m.mode, m.extent))),
        }
    }
}

/// [`pb::Respondent`]'s fields, borrowed.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct RespondentView<'a> {
    pub organisation_number: &'a str,
    pub kind: i32,
    pub municipality_number: &'a str,
    pub county_number: &'a str,
    pub name: &'a str,
    pub inhabitants: u32,
    pub survey_year: u32,
}

/// A [`pb::MaturityAnswer`], borrowed.
#[derive(Debug, Clone, PartialEq)]
pub struct AnswerView<'a> {
    pub item_id: &'a str,
    pub answer: Option<AnswerValue<'a>>,
}

/// The `answer` oneof of a [`pb::MaturityAnswer`], borrowed.
#[derive(Debug, Clone, PartialEq)]
pub enum AnswerValue<'a> {
    Degree(i32),
    Yes(bool),
    Choice(&'a str),
    Choices(Vec<&'a str>),
    Level(u32),
    DontKnow(bool),
}

/// A [`pb::ServiceLevel`], borrowed.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ServiceView<'a> {
    pub service_id: &'a str,
    pub level: u32,
}

impl<'a> ResponseView<'a> {
    /// The view of a decoded message.
    pub fn of(response: &'a pb::SurveyResponse) -> Self {
        Self {
            respondent: response.respondent.as_ref().map(|r| RespondentView {
                organisation_number: &r.organisation_number,
                kind: r.kind,
                municipality_number: &r.municipality_number,
                county_number: &r.county_number,
                name: &r.name,
                inhabitants: r.inhabitants,
                survey_year: r.survey_year,
            }),
            ssb_2018: response.ssb_2018.as_ref().map(SsbView::of),
            ks_2018: response.ks_2018.as_ref().map(|block| AnswerView::all(&block.answers)),
            riksrevisjonen_2015: response.riksrevisjonen_2015.as_ref().map(|block| {
                Box::new(ServicesView {
                    services: block
                        .services
                        .iter()
                        .map(|s| ServiceView { service_id: &s.service_id, level: s.level })
                        .collect(),
                    answers: AnswerView::all(&block.answers),
                })
            }),
        }
    }
}

impl<'a> AnswerView<'a> {
    /// Every answer of a block, borrowed.
    fn all(answers: &'a [pb::MaturityAnswer]) -> Vec<Self> {
        use pb::maturity_answer::Answer;
        answers
            .iter()
            .map(|a| AnswerView {
                item_id: &a.item_id,
                answer: a.answer.as_ref().map(|answer| match answer {
                    Answer::Degree(d) => AnswerValue::Degree(*d),
                    Answer::Yes(yes) => AnswerValue::Yes(*yes),
                    Answer::Choice(id) => AnswerValue::Choice(id),
                    Answer::Choices(list) => AnswerValue::Choices(list.option_ids.iter().map(String::as_str).collect()),
                    Answer::Level(level) => AnswerValue::Level(*level),
                    Answer::DontKnow(d) => AnswerValue::DontKnow(*d),
                }),
            })
            .collect()
    }
}

/// Validates a survey response found at `path` (e.g. `response`) against `catalogues`.
pub fn survey_response(
    response: Option<&pb::SurveyResponse>,
    path: &str,
    catalogues: &Catalogues,
) -> Result<Validated, Violations> {
    survey_response_view(response.map(ResponseView::of).as_ref(), path, catalogues)
}

/// [`survey_response`] on a view.
pub fn survey_response_view(
    response: Option<&ResponseView<'_>>,
    path: &str,
    catalogues: &Catalogues,
) -> Result<Validated, Violations> {
    let mut v = Violations::default();
    let Some(response) = response else {
        v.add(path, "is required");
        return Err(v);
    };
    // Field paths are only formatted when a violation is found: validating a
    // valid response formats none.
    let respondent = respondent(response.respondent.as_ref(), Field(path, "respondent"), &mut v);
    let ssb_2018 = response.ssb_2018.as_ref().map(|block| ssb_2018(block, Field(path, "ssb_2018"), &mut v));
    let (ks_2018, ks_2018_chosen) = response
        .ks_2018
        .as_ref()
        .map(|answers| catalogue_answers(answers, &catalogues.ks_2018, Field(path, "ks_2018"), &mut v))
        .unzip();
    let block = Field(path, "riksrevisjonen_2015");
    let (riksrevisjonen_2015, riksrevisjonen_2015_chosen) = response
        .riksrevisjonen_2015
        .as_deref()
        .map(|view| {
            let levels = services(&view.services, &catalogues.riksrevisjonen_2015, block, &mut v);
            let (_, chosen) = catalogue_answers(&view.answers, &catalogues.riksrevisjonen_2015, block, &mut v);
            (levels, Box::new(chosen))
        })
        .unzip();
    covered_kind(response, path, &mut v);
    v.finish(|| Validated {
        respondent: respondent.expect("no violations means a respondent"),
        ssb_2018,
        ks_2018,
        ks_2018_chosen,
        riksrevisjonen_2015,
        riksrevisjonen_2015_chosen,
    })
}

/// A block from a kind of respondent its methodology does not cover (docs/method.md
/// §5): `ks_2018` covers municipalities and county municipalities,
/// `riksrevisjonen_2015` municipalities only. Read off the request's kind, so an
/// unspecified or unknown kind is reported once, by the respondent check.
fn covered_kind(response: &ResponseView<'_>, path: &str, v: &mut Violations) {
    let Some(kind) = response.respondent.as_ref().and_then(|r| pb::RespondentKind::try_from(r.kind).ok()) else {
        return;
    };
    let named = match kind {
        pb::RespondentKind::Unspecified => return,
        pb::RespondentKind::Municipality => "a municipality",
        pb::RespondentKind::CountyMunicipality => "a county municipality",
        pb::RespondentKind::StateAgency => "a state agency",
    };
    if response.ks_2018.is_some() && kind == pb::RespondentKind::StateAgency {
        v.add(
            format!("{path}.ks_2018"),
            format!("ks-2018 covers municipalities and county municipalities; the respondent is {named}"),
        );
    }
    if response.riksrevisjonen_2015.is_some() && kind != pb::RespondentKind::Municipality {
        v.add(
            format!("{path}.riksrevisjonen_2015"),
            format!("riksrevisjonen-2015 covers municipalities only; the respondent is {named}"),
        );
    }
}

/// Values per catalogue item from typed answers keyed by item id (`ks-2018`'s
/// items, `riksrevisjonen-2015`'s questions).
fn catalogue_answers(
    answers: &[AnswerView<'_>],
    catalogue: &Catalogue,
    path: Field<'_>,
    v: &mut Violations,
) -> (Vec<Option<f64>>, ChosenAnswers) {
    let mut values = vec![None; catalogue.items.len()];
    let mut chosen = ChosenAnswers::new(catalogue.items.len());
    if too_long(v, Field(path, "answers"), answers.len(), catalogue.items.len(), "items in the catalogue") {
        return (values, chosen);
    }
    let mut first_at = FirstAt::new(catalogue.items.len());
    // Where the next answer's item is looked for first: after the last one found.
    let mut next = 0;
    for (i, answer) in answers.iter().enumerate() {
        let element = Element(path, "answers", i);
        let found = catalogue.item_index_near(answer.item_id, next);
        next = found.map_or(next, |f| f + 1);
        let Some(index) =
            first_answer(found, answer.item_id, ("item_id", "an item"), &catalogue.id, element, first_at.as_mut(), v)
        else {
            continue;
        };
        let (field, typed) = match &answer.answer {
            None => {
                v.add(element.to_string(), "needs an answer: degree, yes, choice, choices, level or dont_know");
                continue;
            }
            Some(AnswerValue::Degree(d)) => match pb::DegreeAnswer::try_from(*d) {
                Ok(pb::DegreeAnswer::Unspecified) => {
                    v.add(format_args!("{element}.degree"), "must be specified");
                    continue;
                }
                Ok(degree) => ("degree", TypedAnswer::Degree(degree as u8)),
                Err(_) => {
                    v.add(format_args!("{element}.degree"), format_args!("unknown value {d}"));
                    continue;
                }
            },
            Some(AnswerValue::Yes(yes)) => ("yes", TypedAnswer::YesNo(*yes)),
            Some(AnswerValue::Choice(id)) => ("choice", TypedAnswer::Choice(id)),
            Some(AnswerValue::Choices(ids)) => {
                let options = catalogue.items[index].options.len();
                if too_long(v, format_args!("{element}.choices.option_ids"), ids.len(), options, "options") {
                    continue;
                }
                ("choices", TypedAnswer::Choices(ids.clone()))
            }
            Some(AnswerValue::Level(level)) => ("level", TypedAnswer::Level(*level)),
            Some(AnswerValue::DontKnow(true)) => ("dont_know", TypedAnswer::DontKnow),
            Some(AnswerValue::DontKnow(false)) => {
                v.add(format_args!("{element}.dont_know"), "set it only to true («vet ikke»)");
                continue;
            }
        };
        let item = &catalogue.items[index];
        match item.value(&typed) {
            Ok(value) => {
                values[index] = value;
                if let Some((slot, options)) = item.chosen(&typed) {
                    chosen.slots[index] = Some(slot);
                    chosen.choices.extend(options.into_iter().map(|o| (index as u16, o)));
                }
            }
            Err(description) => v.add(format_args!("{element}.{field}"), description),
        }
    }
    (values, chosen)
}

/// The catalogue index of the entry an answer at `element` names by id, the
/// first time it is answered; a violation for an unknown id or a repeat.
fn first_answer(
    found: Option<usize>,
    id: &str,
    (id_field, noun): (&str, &str),
    catalogue: &str,
    element: Element<'_, Field<'_>>,
    first_at: &mut [usize],
    v: &mut Violations,
) -> Option<usize> {
    let Some(index) = found else {
        v.add(format_args!("{element}.{id_field}"), format_args!("{id:?} is not {noun} of catalogue {catalogue}"));
        return None;
    };
    if first_at[index] != usize::MAX {
        let Element(path, list, _) = element;
        v.add(format_args!("{element}.{id_field}"), format_args!("duplicate of {path}.{list}[{}]", first_at[index]));
        return None;
    }
    first_at[index] = element.2;
    Some(index)
}

/// Where in a list each catalogue entry was first answered (`usize::MAX`:
/// not yet): on the stack for catalogues of up to [`FirstAt::INLINE`]
/// entries, so that validating a block allocates nothing for it.
#[allow(clippy::large_enum_variant, reason = "a local on the stack, never moved: the point is not to allocate")]
enum FirstAt {
    Inline([usize; FirstAt::INLINE]),
    Heap(Vec<usize>),
}

impl FirstAt {
    const INLINE: usize = 128;

    fn new(entries: usize) -> Self {
        if entries <= Self::INLINE {
            Self::Inline([usize::MAX; Self::INLINE])
        } else {
            Self::Heap(vec![usize::MAX; entries])
        }
    }

    fn as_mut(&mut self) -> &mut [usize] {
        match self {
            Self::Inline(positions) => positions,
            Self::Heap(positions) => positions,
        }
    }
}

/// Levels per catalogue service.
fn services(
    services: &[ServiceView<'_>],
    catalogue: &Catalogue,
    path: Field<'_>,
    v: &mut Violations,
) -> Vec<Option<u8>> {
    let mut levels = vec![None; catalogue.services.len()];
    if too_long(v, Field(path, "services"), services.len(), catalogue.services.len(), "services in the catalogue") {
        return levels;
    }
    let mut first_at = FirstAt::new(catalogue.services.len());
    let mut next = 0;
    for (i, service) in services.iter().enumerate() {
        let element = Element(path, "services", i);
        let found = catalogue.service_index_near(service.service_id, next);
        next = found.map_or(next, |f| f + 1);
        let Some(index) = first_answer(
            found,
            service.service_id,
            ("service_id", "a service"),
            &catalogue.id,
            element,
            first_at.as_mut(),
            v,
        ) else {
            continue;
        };
        if service.level > 3 {
            v.add(format_args!("{element}.level"), format_args!("{} is not a level 0–3", service.level));
            continue;
        }
        levels[index] = Some(service.level as u8);
    }
    levels
}

fn respondent(r: Option<&RespondentView<'_>>, path: Field<'_>, v: &mut Violations) -> Option<Respondent> {
    let Some(r) = r else {
        v.add(path, "is required");
        return None;
    };
    let before = v.len();
    let organisation_number = OrganisationNumber::parse(r.organisation_number)
        .map_err(|e| v.add(format_args!("{path}.organisation_number"), format_args!("{:?} {e}", r.organisation_number)))
        .ok();
    let kind = match pb::RespondentKind::try_from(r.kind) {
        Ok(pb::RespondentKind::Municipality) => Some(RespondentKind::Municipality),
        Ok(pb::RespondentKind::CountyMunicipality) => Some(RespondentKind::CountyMunicipality),
        Ok(pb::RespondentKind::StateAgency) => Some(RespondentKind::StateAgency),
        Ok(pb::RespondentKind::Unspecified) => {
            v.add(format_args!("{path}.kind"), "must be specified");
            None
        }
        Err(_) => {
            v.add(format_args!("{path}.kind"), format_args!("unknown value {}", r.kind));
            None
        }
    };

    let mut municipality = None;
    let mut county = None;
    let number_field = |name: &str| format!("{path}.{name}");
    match kind {
        Some(RespondentKind::Municipality) => {
            match MunicipalityNumber::parse(r.municipality_number) {
                Ok(n) => {
                    municipality = Some(n);
                    county = Some(n.county());
                }
                Err(e) => v.add(number_field("municipality_number"), format!("{:?} {e}", r.municipality_number)),
            }
            if !r.county_number.is_empty() && county.is_some_and(|c| !displays_as(c, r.county_number)) {
                v.add(number_field("county_number"), "must be empty or the municipality number's first two digits");
            }
            if r.inhabitants == 0 {
                v.add(number_field("inhabitants"), "is required for municipalities (decides the size class)");
            }
        }
        Some(RespondentKind::CountyMunicipality) => {
            if !r.municipality_number.is_empty() {
                v.add(number_field("municipality_number"), "must be empty for a county municipality");
            }
            match CountyNumber::parse(r.county_number) {
                Ok(n) => county = Some(n),
                Err(e) => v.add(number_field("county_number"), format!("{:?} {e}", r.county_number)),
            }
        }
        Some(RespondentKind::StateAgency) => {
            if !r.municipality_number.is_empty() {
                v.add(number_field("municipality_number"), "must be empty for a state agency");
            }
            if !r.county_number.is_empty() {
                v.add(number_field("county_number"), "must be empty for a state agency");
            }
        }
        None => {}
    }
    if r.name.trim().is_empty() {
        v.add(format_args!("{path}.name"), "is required");
    } else if r.name.chars().count() > MAX_NAME_CHARS {
        v.add(format_args!("{path}.name"), format_args!("is longer than {MAX_NAME_CHARS} characters"));
    }
    if !SURVEY_YEARS.contains(&r.survey_year) {
        v.add(
            format!("{path}.survey_year"),
            format!("{} is outside {}–{}", r.survey_year, SURVEY_YEARS.start(), SURVEY_YEARS.end()),
        );
    }
    if v.len() > before {
        return None;
    }
    Some(Respondent {
        organisation_number: organisation_number?,
        kind: kind?,
        municipality,
        county,
        name: r.name.trim().to_owned(),
        inhabitants: (r.inhabitants > 0).then_some(r.inhabitants),
        survey_year: r.survey_year as u16,
    })
}

fn ssb_2018(block: &SsbView<'_>, path: Field<'_>, v: &mut Violations) -> Answers {
    let portfolio = |p: &PortfolioView<'_>, list: &ItemList, exists_field: &str, sub: &str, v: &mut Violations| {
        let areas = p.values.as_slice();
        let set = area_set(areas, list, Field(path, sub), v);
        if !p.exists && !areas.is_empty() {
            v.add(format_args!("{path}.{sub}"), format_args!("must be empty when {exists_field} is false"));
        }
        Portfolio { exists: p.exists, areas: set }
    };
    Answers {
        strategy: block
            .strategy
            .as_ref()
            .map(|s| portfolio(s, &m::STRATEGY_AREAS, "has_strategy", "strategy.areas", v)),
        projects: block
            .projects
            .as_ref()
            .map(|p| portfolio(p, &m::PROJECT_EFFECT_AREAS, "has_projects", "projects.areas", v)),
        sourcing: block.sourcing.as_ref().map(|s| {
            keyed(
                s.as_slice().iter().copied(),
                (&m::ICT_FUNCTIONS, "function"),
                ("sourcing", m::SOURCING.len()),
                Field(path, "sourcing.functions"),
                v,
            )
        }),
        recruitment: block.recruitment.as_ref().map(|r| {
            let field = Field(path, "recruitment.difficulties");
            let listed = r.values.as_slice();
            let difficulties = area_set(listed, &m::RECRUITMENT_DIFFICULTIES, field, v);
            if !r.exists && !listed.is_empty() {
                v.add(field.to_string(), "must be empty when tried_to_recruit is false");
            }
            Recruitment { tried: r.exists, difficulties: difficulties != 0 }
        }),
        hindrance: block.hindrance.and_then(|degree| match enum_index(degree, m::HINDRANCE.len()) {
            Ok(index) => Some(index),
            Err(problem) => {
                v.add(format_args!("{path}.hindrance.degree"), problem);
                None
            }
        }),
        cloud: block.cloud.as_ref().map(|c| portfolio(c, &m::CLOUD_AREAS, "uses_cloud", "cloud.areas", v)),
        procurement: block.procurement.as_ref().map(|p| {
            keyed(
                p.as_slice().iter().copied(),
                (&m::PROCUREMENT_ACTIVITIES, "activity"),
                ("answer", m::PROCUREMENT_ANSWERS.len()),
                Field(path, "procurement.activities"),
                v,
            )
        }),
        service_offer: block.service_offer.as_ref().map(|s| {
            keyed(
                s.as_slice().iter().copied(),
                (&m::SERVICE_MODES, "mode"),
                ("extent", m::SERVICE_EXTENTS.len()),
                Field(path, "service_offer.modes"),
                v,
            )
        }),
    }
}

/// A list element's path (`{path}.{list}[{i}]`), formatted only when displayed.
#[derive(Clone, Copy)]
struct Element<'a, P = &'a str>(P, &'a str, usize);

impl<P: std::fmt::Display> std::fmt::Display for Element<'_, P> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}.{}[{}]", self.0, self.1, self.2)
    }
}

/// A field path as a parent path and a suffix, joined only when displayed.
#[derive(Clone, Copy)]
struct Field<'a, P = &'a str>(P, &'a str);

impl<P: std::fmt::Display> std::fmt::Display for Field<'_, P> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}.{}", self.0, self.1)
    }
}

/// Whether `value` displays as `text`, compared as it is written out
/// (nothing is formatted into a string).
fn displays_as(value: impl std::fmt::Display, text: &str) -> bool {
    struct Rest<'a>(&'a str);
    impl std::fmt::Write for Rest<'_> {
        fn write_str(&mut self, s: &str) -> std::fmt::Result {
            self.0 = self.0.strip_prefix(s).ok_or(std::fmt::Error)?;
            Ok(())
        }
    }
    let mut rest = Rest(text);
    std::fmt::write(&mut rest, format_args!("{value}")).is_ok() && rest.0.is_empty()
}

/// Index (0-based) of a proto enum value with `len` defined values after
/// `*_UNSPECIFIED`; the problem with unspecified or unknown values.
fn enum_index(value: i32, len: usize) -> Result<u8, String> {
    match value {
        0 => Err("must be specified".into()),
        n if n < 0 || n as usize > len => Err(format!("unknown value {n}")),
        n => Ok((n - 1) as u8),
    }
}

/// A set of distinct items from `list`, as a bitmask.
fn area_set(values: &[i32], list: &ItemList, field: impl std::fmt::Display + Copy, v: &mut Violations) -> u16 {
    let mut set = 0u16;
    if too_long(v, field, values.len(), list.len(), "values to choose from") {
        return set;
    }
    let mut first_at = [usize::MAX; 16];
    for (i, &value) in values.iter().enumerate() {
        let index = match enum_index(value, list.len()) {
            Ok(index) => index,
            Err(problem) => {
                v.add(format_args!("{field}[{i}]"), problem);
                continue;
            }
        };
        let bit = 1u16 << index;
        if set & bit != 0 {
            v.add(format_args!("{field}[{i}]"), format_args!("duplicate of {field}[{}]", first_at[usize::from(index)]));
        } else {
            set |= bit;
            first_at[usize::from(index)] = i;
        }
    }
    set
}

/// Answers keyed by item (function → sourcing, activity → answer, mode → extent):
/// one answer index per item of `keys`, `None` where not answered.
fn keyed<const N: usize>(
    entries: impl ExactSizeIterator<Item = (i32, i32)>,
    (keys, key_name): (&ItemList, &str),
    (answer_name, answers): (&str, usize),
    field: impl std::fmt::Display + Copy,
    v: &mut Violations,
) -> [Option<u8>; N] {
    debug_assert_eq!(keys.len(), N);
    let mut out = [None; N];
    if too_long(v, field, entries.len(), N, "distinct keys") {
        return out;
    }
    let mut first_at = [usize::MAX; N];
    for (i, (key, answer)) in entries.enumerate() {
        let key = enum_index(key, N).map_err(|problem| v.add(format_args!("{field}[{i}].{key_name}"), problem)).ok();
        let answer = enum_index(answer, answers)
            .map_err(|problem| v.add(format_args!("{field}[{i}].{answer_name}"), problem))
            .ok();
        let Some(key) = key else { continue };
        let slot = usize::from(key);
        if first_at[slot] != usize::MAX {
            v.add(format_args!("{field}[{i}].{key_name}"), format_args!("duplicate of {field}[{}]", first_at[slot]));
            continue;
        }
        first_at[slot] = i;
        out[slot] = answer;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn municipality() -> pb::Respondent {
        pb::Respondent {
            organisation_number: "958935420".into(),
            kind: pb::RespondentKind::Municipality as i32,
            municipality_number: "0301".into(),
            county_number: String::new(),
            name: "Oslo kommune".into(),
            inhabitants: 673_469,
            survey_year: 2018,
        }
    }

    fn fields(result: Result<Validated, Violations>) -> Vec<(String, String)> {
        result.unwrap_err().into_vec().into_iter().map(|f| (f.field, f.description)).collect()
    }

    #[test]
    fn a_missing_response_and_respondent_are_named() {
        assert_eq!(
            fields(survey_response(None, "response", Catalogues::shipped())),
            [("response".into(), "is required".into())]
        );
        let empty = pb::SurveyResponse::default();
        assert_eq!(
            fields(survey_response(Some(&empty), "response", Catalogues::shipped()))[0].0,
            "response.respondent"
        );
    }

    #[test]
    fn every_identity_problem_is_reported_at_once() {
        let r = pb::Respondent {
            organisation_number: "123".into(),
            municipality_number: "9901".into(),
            inhabitants: 0,
            name: " ".into(),
            survey_year: 1999,
            ..municipality()
        };
        let response = pb::SurveyResponse { respondent: Some(r), ..Default::default() };
        let got: Vec<String> = fields(survey_response(Some(&response), "response", Catalogues::shipped()))
            .into_iter()
            .map(|f| f.0)
            .collect();
        assert_eq!(
            got,
            [
                "response.respondent.organisation_number",
                "response.respondent.municipality_number",
                "response.respondent.inhabitants",
                "response.respondent.name",
                "response.respondent.survey_year",
            ]
        );
    }

    #[test]
    fn areas_while_no_strategy_duplicates_and_unspecified_values_are_violations() {
        let block = pb::Ssb2018Answers {
            strategy: Some(pb::Ssb2018Strategy { has_strategy: false, areas: vec![1, 1, 0, 99] }),
            recruitment: Some(pb::Ssb2018Recruitment { tried_to_recruit: false, difficulties: vec![1] }),
            ..Default::default()
        };
        let response =
            pb::SurveyResponse { respondent: Some(municipality()), ssb_2018: Some(block), ..Default::default() };
        let got = fields(survey_response(Some(&response), "response", Catalogues::shipped()));
        let p = "response.ssb_2018";
        assert_eq!(
            got,
            [
                (format!("{p}.strategy.areas[1]"), format!("duplicate of {p}.strategy.areas[0]")),
                (format!("{p}.strategy.areas[2]"), "must be specified".into()),
                (format!("{p}.strategy.areas[3]"), "unknown value 99".into()),
                (format!("{p}.strategy.areas"), "must be empty when has_strategy is false".into()),
                (format!("{p}.recruitment.difficulties"), "must be empty when tried_to_recruit is false".into()),
            ]
        );
    }

    #[test]
    fn keyed_answers_report_duplicate_keys_and_bad_answers() {
        let block = pb::Ssb2018Answers {
            service_offer: Some(pb::Ssb2018ServiceOffer {
                modes: vec![
                    pb::ServiceModeAnswer { mode: 1, extent: 2 },
                    pb::ServiceModeAnswer { mode: 1, extent: 3 },
                    pb::ServiceModeAnswer { mode: 2, extent: 0 },
                ],
            }),
            ..Default::default()
        };
        let response =
            pb::SurveyResponse { respondent: Some(municipality()), ssb_2018: Some(block), ..Default::default() };
        let got: Vec<String> =
            fields(survey_response(Some(&response), "r", Catalogues::shipped())).into_iter().map(|f| f.0).collect();
        assert_eq!(got, ["r.ssb_2018.service_offer.modes[1].mode", "r.ssb_2018.service_offer.modes[2].extent"]);
    }

    #[test]
    fn county_municipalities_and_state_agencies_have_their_own_identity_rules() {
        let county = pb::Respondent {
            organisation_number: "974761076".into(),
            kind: pb::RespondentKind::CountyMunicipality as i32,
            municipality_number: String::new(),
            county_number: "46".into(),
            name: "Vestland fylkeskommune".into(),
            inhabitants: 0,
            survey_year: 2024,
        };
        let ok = survey_response(
            Some(&pb::SurveyResponse { respondent: Some(county.clone()), ..Default::default() }),
            "r",
            Catalogues::shipped(),
        );
        assert_eq!(ok.unwrap().respondent.county.unwrap().to_string(), "46");

        let agency = pb::Respondent { kind: pb::RespondentKind::StateAgency as i32, ..county };
        let got = fields(survey_response(
            Some(&pb::SurveyResponse { respondent: Some(agency), ..Default::default() }),
            "r",
            Catalogues::shipped(),
        ));
        assert_eq!(got, [("r.respondent.county_number".into(), "must be empty for a state agency".into())]);
    }

    #[test]
    fn maturity_answers_report_unknown_items_disallowed_answers_and_duplicates() {
        use pb::maturity_answer::Answer;
        let ks = &Catalogues::shipped().ks_2018;
        let degree_item = ks.items.iter().find(|i| i.answer == indikator_core::catalogue::AnswerType::Degree).unwrap();
        let level_item = ks.items.iter().find(|i| i.answer == indikator_core::catalogue::AnswerType::Level).unwrap();
        let answer = |item: &str, a: Answer| pb::MaturityAnswer { item_id: item.into(), answer: Some(a) };
        let block = pb::Ks2018Answers {
            answers: vec![
                answer("no-such-item", Answer::Yes(true)),
                answer(&degree_item.id, Answer::Degree(pb::DegreeAnswer::High as i32)),
                answer(&degree_item.id, Answer::Degree(pb::DegreeAnswer::Some as i32)),
                answer(&level_item.id, Answer::Level(4)),
                answer(&level_item.id, Answer::DontKnow(true)),
            ],
        };
        let services = pb::Riksrevisjonen2015Answers {
            services: vec![
                pb::ServiceLevel { service_id: "nope".into(), level: 1 },
                pb::ServiceLevel {
                    service_id: Catalogues::shipped().riksrevisjonen_2015.services[0].id.clone(),
                    level: 9,
                },
            ],
            // The catalogue's questions: a good answer, an unknown question, an
            // option the question does not have, a service answered as a question.
            answers: vec![
                answer("kravene-koordinert", Answer::Choice("helt-uenig".into())),
                answer("no-such-question", Answer::Yes(true)),
                answer("godt-samarbeid", Answer::Choice("kanskje".into())),
                answer("barnehageplass", Answer::Level(1)),
            ],
        };
        let response = pb::SurveyResponse {
            respondent: Some(municipality()),
            ks_2018: Some(block),
            riksrevisjonen_2015: Some(services),
            ..Default::default()
        };
        let got: Vec<String> =
            fields(survey_response(Some(&response), "r", Catalogues::shipped())).into_iter().map(|f| f.0).collect();
        assert_eq!(
            got,
            [
                "r.ks_2018.answers[0].item_id",
                "r.ks_2018.answers[2].item_id",
                "r.ks_2018.answers[3].level",
                "r.ks_2018.answers[4].item_id",
                "r.riksrevisjonen_2015.services[0].service_id",
                "r.riksrevisjonen_2015.services[1].level",
                "r.riksrevisjonen_2015.answers[1].item_id",
                "r.riksrevisjonen_2015.answers[2].choice",
                "r.riksrevisjonen_2015.answers[3].item_id",
            ]
        );
    }

    #[test]
    fn a_ks_block_from_a_state_agency_and_a_service_block_from_anything_but_a_municipality_are_field_violations() {
        let agency = pb::Respondent {
            organisation_number: "974761076".into(),
            kind: pb::RespondentKind::StateAgency as i32,
            municipality_number: String::new(),
            county_number: String::new(),
            name: "Direktoratet".into(),
            inhabitants: 0,
            survey_year: 2018,
        };
        let county = pb::Respondent {
            kind: pb::RespondentKind::CountyMunicipality as i32,
            county_number: "46".into(),
            name: "Vestland fylkeskommune".into(),
            ..agency.clone()
        };
        let both = |respondent: pb::Respondent| pb::SurveyResponse {
            respondent: Some(respondent),
            ks_2018: Some(pb::Ks2018Answers::default()),
            riksrevisjonen_2015: Some(pb::Riksrevisjonen2015Answers::default()),
            ..Default::default()
        };
        let paths = |r: Result<Validated, Violations>| -> Vec<String> { fields(r).into_iter().map(|f| f.0).collect() };
        assert_eq!(
            paths(survey_response(Some(&both(agency)), "r", Catalogues::shipped())),
            ["r.ks_2018", "r.riksrevisjonen_2015"]
        );
        assert_eq!(paths(survey_response(Some(&both(county)), "r", Catalogues::shipped())), ["r.riksrevisjonen_2015"]);
        assert!(survey_response(Some(&both(municipality())), "r", Catalogues::shipped()).is_ok());
    }

    #[test]
    fn maturity_answers_become_item_values() {
        use pb::maturity_answer::Answer;
        let ks = &Catalogues::shipped().ks_2018;
        let level_item =
            ks.items.iter().position(|i| i.answer == indikator_core::catalogue::AnswerType::Level).unwrap();
        let block = pb::Ks2018Answers {
            answers: vec![pb::MaturityAnswer {
                item_id: ks.items[level_item].id.clone(),
                answer: Some(Answer::Level(3)),
            }],
        };
        let response =
            pb::SurveyResponse { respondent: Some(municipality()), ks_2018: Some(block), ..Default::default() };
        let values = survey_response(Some(&response), "r", Catalogues::shipped()).unwrap().ks_2018.unwrap();
        assert_eq!(values[level_item], Some(5.0));
        assert_eq!(values.iter().flatten().count(), 1);
    }

    #[test]
    fn a_valid_response_becomes_answers() {
        let block = pb::Ssb2018Answers {
            strategy: Some(pb::Ssb2018Strategy { has_strategy: true, areas: vec![3, 1] }),
            sourcing: Some(pb::Ssb2018Sourcing {
                functions: vec![pb::IctFunctionAnswer { function: 12, sourcing: 1 }],
            }),
            ..Default::default()
        };
        let v = survey_response(
            Some(&pb::SurveyResponse { respondent: Some(municipality()), ssb_2018: Some(block), ..Default::default() }),
            "r",
            Catalogues::shipped(),
        )
        .unwrap();
        let a = v.ssb_2018.unwrap();
        assert_eq!(a.strategy, Some(Portfolio { exists: true, areas: 0b101 }));
        let mut functions = [None; 12];
        functions[11] = Some(0);
        assert_eq!(a.sourcing, Some(functions));
        assert_eq!(a.projects, None);
    }
}
