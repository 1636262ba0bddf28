//! Item distributions (docs/method.md §6): for every item of every methodology, per
//! group, its base (the respondents asked) and the count of each answer, and how
//! many respondents answered each part of each survey.
//!
//! Tallied as records arrive, since a record's groups are known then: a group
//! holds one counter per item base, per answer and per survey part, never a copy
//! of an answer, so the tallies grow with the catalogues and the number of
//! groups, not with the round. A record's answers are turned into the list of
//! counters it adds to once ([`Hits`]), then added to each of its groups.

use crate::catalogue::{AnswerType, Catalogues, KS_2018, LEVELS, RIKSREVISJONEN_2015};
use crate::methodology::{ItemList, ssb2018 as m};

use super::RecordAnswers;
use crate::scoring::ssb2018::Portfolio;

/// `PREFIX_KEY` ids of a scale's answers, as GetMethodology names them.
fn names<T>(prefix: &str, scale: &[(crate::methodology::Item, T)]) -> Vec<String> {
    scale.iter().map(|(i, _)| format!("{prefix}_{}", i.key.to_uppercase())).collect()
}

/// Who an item was asked of: the respondents its shares are of.
#[derive(Debug, PartialEq, Eq)]
pub struct Base {
    pub id: &'static str,
    pub description: &'static str,
}

pub const ANSWERED_STRATEGY: Base =
    Base { id: "answered_strategy", description: "respondents who answered whether they have an ICT strategy" };
pub const WITH_STRATEGY: Base = Base { id: "with_strategy", description: "respondents with an ICT strategy" };
pub const ANSWERED_PROJECTS: Base =
    Base { id: "answered_projects", description: "respondents who answered whether they have ICT projects" };
pub const WITH_PROJECTS: Base =
    Base { id: "with_projects", description: "respondents with ICT projects started or planned" };
pub const ANSWERED_FUNCTION: Base =
    Base { id: "answered_function", description: "respondents who answered who performs the function" };
pub const ANSWERED_RECRUITMENT: Base = Base {
    id: "answered_recruitment",
    description: "respondents who answered whether they tried to recruit ICT specialists",
};
pub const TRIED_TO_RECRUIT: Base =
    Base { id: "tried_to_recruit", description: "respondents who tried to recruit ICT specialists" };
pub const ANSWERED_HINDRANCE: Base = Base {
    id: "answered_hindrance",
    description: "respondents who answered whether lack of competence hinders digital services",
};
pub const ANSWERED_CLOUD: Base =
    Base { id: "answered_cloud", description: "respondents who answered whether they use cloud services" };
pub const USING_CLOUD: Base = Base { id: "using_cloud", description: "respondents using cloud services" };
pub const USING_DIGITAL_PROCUREMENT: Base = Base {
    id: "using_digital_procurement",
    description: "respondents using digital procurement (at least one activity «ja, helt» or «ja, delvis») \
                  who answered the activity",
};
pub const ANSWERED_MODE: Base =
    Base { id: "answered_mode", description: "respondents who answered how much they offer in the mode" };
pub const ANSWERED_ITEM: Base =
    Base { id: "answered_item", description: "respondents who answered the item («vet ikke» included)" };
pub const ANSWERED_WITH_SELECTION: Base = Base {
    id: "answered_with_selection",
    description: "respondents who answered the item with a selection (an empty one included, «vet ikke» not)",
};
pub const REPORTED_SERVICE: Base =
    Base { id: "reported_service", description: "municipalities that reported the service's level" };

/// Answer ids of a yes/no question and of an area of a list.
pub const YES_NO: [&str; 2] = ["YES", "NO"];
pub const TICKED: [&str; 2] = ["TICKED", "NOT_TICKED"];
/// Answer ids of one option of a multiple choice.
pub const CHOSEN: [&str; 2] = ["valgt", "ikke-valgt"];

/// The `ssb-2018` yes/no questions and the `riksrevisjonen-2015` catalogue's questions, as
/// `questions` items.
pub const QUESTIONS: &str = "questions";

/// One item's distribution as laid out in a group's counters.
#[derive(Debug)]
pub struct ItemSpec {
    pub methodology: &'static str,
    /// Its item list (as GetMethodology names it), catalogue area or `questions`.
    pub list: String,
    /// Its id as GetMethodology gives it: an enum value name, a catalogue item or
    /// service id (`item/option` for one option of a multiple choice), or a
    /// question's name.
    pub item: String,
    pub base: &'static Base,
    /// Answer ids, in the source's order.
    pub answers: Vec<String>,
    /// Its first answer counter.
    offset: usize,
}

/// One part of a survey, whose respondents are counted.
#[derive(Debug)]
pub struct PartSpec {
    pub methodology: &'static str,
    /// An `ssb_2018` block, or a catalogue area.
    pub id: String,
}

/// The methodologies in [`ItemTallies::blocks`] order.
pub const METHODOLOGIES: [&str; 3] = [m::ID, KS_2018, RIKSREVISJONEN_2015];

/// The `ssb_2018` blocks, in the order of their parts.
pub const SSB_PARTS: [&str; 8] =
    ["strategy", "projects", "sourcing", "recruitment", "hindrance", "cloud", "procurement", "service_offer"];

/// Where each methodology's items start among the layout's items.
#[derive(Debug, Default)]
struct Starts {
    has_strategy: usize,
    strategy_areas: usize,
    has_projects: usize,
    project_areas: usize,
    functions: usize,
    tried: usize,
    difficulties: usize,
    hindrance: usize,
    uses_cloud: usize,
    cloud_areas: usize,
    procurement: usize,
    modes: usize,
    /// Per KS catalogue item: its item, the item of its first option and how
    /// many options it has (multi choice; 0 options otherwise).
    ks: Vec<(usize, usize, usize)>,
    services: usize,
    /// The first `riksrevisjonen-2015` question.
    questions: usize,
}

/// Every item's distribution and every survey part, for a set of catalogues.
#[derive(Debug, Default)]
pub struct Layout {
    pub items: Vec<ItemSpec>,
    pub parts: Vec<PartSpec>,
    /// Answer counters per group.
    slots: usize,
    starts: Starts,
    /// Per KS item and per service: its area.
    ks_area: Vec<usize>,
    service_area: Vec<usize>,
    ks_areas: usize,
    service_areas: usize,
}

impl Layout {
    pub fn of(catalogues: &Catalogues) -> Self {
        let mut layout = Self::default();
        let mut starts = Starts::default();
        let yes_no = || YES_NO.map(String::from).to_vec();
        starts.has_strategy = layout.push(m::ID, QUESTIONS, "HAS_STRATEGY", &ANSWERED_STRATEGY, yes_no());
        starts.strategy_areas = layout.list(&m::STRATEGY_AREAS, &WITH_STRATEGY, &TICKED);
        starts.has_projects = layout.push(m::ID, QUESTIONS, "HAS_PROJECTS", &ANSWERED_PROJECTS, yes_no());
        starts.project_areas = layout.list(&m::PROJECT_EFFECT_AREAS, &WITH_PROJECTS, &TICKED);
        let sourcing = names("SOURCING", &m::SOURCING);
        starts.functions = layout.len();
        for item in m::ICT_FUNCTIONS.items {
            let id = format!("{}_{}", m::ICT_FUNCTIONS.enum_prefix, item.key.to_uppercase());
            layout.push(m::ID, m::ICT_FUNCTIONS.id, &id, &ANSWERED_FUNCTION, sourcing.clone());
        }
        starts.tried = layout.push(m::ID, QUESTIONS, "TRIED_TO_RECRUIT", &ANSWERED_RECRUITMENT, yes_no());
        starts.difficulties = layout.push(m::ID, QUESTIONS, "RECRUITMENT_DIFFICULTIES", &TRIED_TO_RECRUIT, yes_no());
        let hindrance = names("HINDRANCE_DEGREE", &m::HINDRANCE);
        starts.hindrance = layout.push(m::ID, QUESTIONS, "HINDRANCE_DEGREE", &ANSWERED_HINDRANCE, hindrance);
        starts.uses_cloud = layout.push(m::ID, QUESTIONS, "USES_CLOUD", &ANSWERED_CLOUD, yes_no());
        starts.cloud_areas = layout.list(&m::CLOUD_AREAS, &USING_CLOUD, &TICKED);
        let procurement = names("PROCUREMENT_ANSWER", &m::PROCUREMENT_ANSWERS);
        starts.procurement = layout.len();
        for item in m::PROCUREMENT_ACTIVITIES.items {
            let id = format!("{}_{}", m::PROCUREMENT_ACTIVITIES.enum_prefix, item.key.to_uppercase());
            layout.push(m::ID, m::PROCUREMENT_ACTIVITIES.id, &id, &USING_DIGITAL_PROCUREMENT, procurement.clone());
        }
        let extents = names("SERVICE_EXTENT", &m::SERVICE_EXTENTS);
        starts.modes = layout.len();
        for item in m::SERVICE_MODES.items {
            let id = format!("{}_{}", m::SERVICE_MODES.enum_prefix, item.key.to_uppercase());
            layout.push(m::ID, m::SERVICE_MODES.id, &id, &ANSWERED_MODE, extents.clone());
        }

        let ks = &catalogues.ks_2018;
        for item in &ks.items {
            let area = &ks.areas[item.area].id;
            let at = layout.push(KS_2018, area, &item.id, &ANSWERED_ITEM, item.answer_slots());
            let options = layout.len();
            if let AnswerType::MultiChoice { .. } = item.answer {
                for option in &item.options {
                    let id = format!("{}/{}", item.id, option.id);
                    layout.push(KS_2018, area, &id, &ANSWERED_WITH_SELECTION, CHOSEN.map(String::from).to_vec());
                }
            }
            starts.ks.push((at, options, layout.len() - options));
            layout.ks_area.push(item.area);
        }
        let services = &catalogues.riksrevisjonen_2015;
        starts.services = layout.len();
        for service in &services.services {
            let area = &services.areas[service.area].id;
            let levels = LEVELS.iter().map(|&l| l.to_owned()).collect();
            layout.push(RIKSREVISJONEN_2015, area, &service.id, &REPORTED_SERVICE, levels);
            layout.service_area.push(service.area);
        }
        starts.questions = layout.len();
        for question in &services.items {
            layout.push(RIKSREVISJONEN_2015, QUESTIONS, &question.id, &ANSWERED_ITEM, question.answer_slots());
        }
        layout.ks_areas = ks.areas.len();
        layout.service_areas = services.areas.len();
        layout.parts.extend(SSB_PARTS.iter().map(|&p| PartSpec { methodology: m::ID, id: p.into() }));
        layout.parts.extend(ks.areas.iter().map(|a| PartSpec { methodology: KS_2018, id: a.id.clone() }));
        layout
            .parts
            .extend(services.areas.iter().map(|a| PartSpec { methodology: RIKSREVISJONEN_2015, id: a.id.clone() }));
        layout.starts = starts;
        layout
    }

    fn len(&self) -> usize {
        self.items.len()
    }

    /// One record's answer `answer` to item `item`.
    fn hit(&self, hits: &mut Hits, item: usize, answer: usize) {
        hits.items.push(item as u32);
        hits.slots.push((self.items[item].offset + answer) as u32);
    }

    /// A yes/no question with a list of areas, asked of those who answered yes.
    fn portfolio(&self, hits: &mut Hits, question: usize, areas: usize, n: usize, p: Option<Portfolio>) {
        let Some(Portfolio { exists, areas: ticked }) = p else { return };
        self.hit(hits, question, usize::from(!exists));
        if exists {
            for area in 0..n {
                self.hit(hits, areas + area, usize::from(ticked & (1 << area) == 0));
            }
        }
    }

    fn push(
        &mut self,
        methodology: &'static str,
        list: &str,
        item: &str,
        base: &'static Base,
        answers: Vec<String>,
    ) -> usize {
        let offset = self.slots;
        self.slots += answers.len();
        self.items.push(ItemSpec { methodology, list: list.into(), item: item.into(), base, answers, offset });
        self.items.len() - 1
    }

    fn list(&mut self, list: &ItemList, base: &'static Base, answers: &[&str; 2]) -> usize {
        let first = self.len();
        for item in list.items {
            let id = format!("{}_{}", list.enum_prefix, item.key.to_uppercase());
            self.push(m::ID, list.id, &id, base, answers.map(String::from).to_vec());
        }
        first
    }

    /// Empty tallies for one group.
    pub fn tallies(&self) -> ItemTallies {
        ItemTallies {
            bases: vec![0; self.items.len()],
            answers: vec![0; self.slots],
            parts: vec![0; self.parts.len()],
            blocks: [[0; 3]; 3],
        }
    }

    /// Heap bytes of one group's tallies.
    pub fn tallies_bytes(&self) -> usize {
        (self.items.len() + self.slots + self.parts.len()) * std::mem::size_of::<u64>()
            + std::mem::size_of::<ItemTallies>()
    }

    /// The counters one record adds to, into `hits` (cleared first).
    pub fn hits(&self, answers: &RecordAnswers<'_>, hits: &mut Hits) {
        hits.clear();
        let s = &self.starts;
        let hit = |hits: &mut Hits, item: usize, answer: usize| self.hit(hits, item, answer);
        if let Some(a) = answers.ssb_2018 {
            self.portfolio(hits, s.has_strategy, s.strategy_areas, m::STRATEGY_AREAS.items.len(), a.strategy);
            self.portfolio(hits, s.has_projects, s.project_areas, m::PROJECT_EFFECT_AREAS.items.len(), a.projects);
            for (f, answer) in a.sourcing.iter().flatten().enumerate() {
                if let Some(answer) = answer {
                    hit(hits, s.functions + f, usize::from(*answer));
                }
            }
            if let Some(r) = a.recruitment {
                hit(hits, s.tried, usize::from(!r.tried));
                if r.tried {
                    hit(hits, s.difficulties, usize::from(!r.difficulties));
                }
            }
            if let Some(h) = a.hindrance {
                hit(hits, s.hindrance, usize::from(h));
            }
            self.portfolio(hits, s.uses_cloud, s.cloud_areas, m::CLOUD_AREAS.items.len(), a.cloud);
            if let Some(activities) = &a.procurement {
                let digital = |x: &Option<u8>| x.is_some_and(|x| m::PROCUREMENT_ANSWERS[usize::from(x)].1);
                if activities.iter().any(digital) {
                    for (i, answer) in activities.iter().enumerate() {
                        if let Some(answer) = answer {
                            hit(hits, s.procurement + i, usize::from(*answer));
                        }
                    }
                }
            }
            for (mode, extent) in a.service_offer.iter().flatten().enumerate() {
                if let Some(extent) = extent {
                    hit(hits, s.modes + mode, usize::from(*extent));
                }
            }
            let parts = [
                a.strategy.is_some(),
                a.projects.is_some(),
                a.sourcing.is_some_and(|f| f.iter().any(Option::is_some)),
                a.recruitment.is_some(),
                a.hindrance.is_some(),
                a.cloud.is_some(),
                a.procurement.is_some_and(|x| x.iter().any(Option::is_some)),
                a.service_offer.is_some_and(|x| x.iter().any(Option::is_some)),
            ];
            hits.block(0, 0, &parts);
        }
        if let Some(chosen) = answers.ks_2018_chosen {
            let mut areas = vec![false; self.ks_areas];
            for (i, slot) in chosen.slots.iter().enumerate() {
                let (Some(slot), Some(&(item, options, n))) = (slot, s.ks.get(i)) else { continue };
                hit(hits, item, usize::from(*slot));
                areas[self.ks_area[i]] = true;
                // A multiple choice answered with a selection (slot 0 or 1; 2 is «vet ikke»).
                if n > 0 && *slot < 2 {
                    for o in 0..n {
                        let picked = chosen.choices.contains(&(i as u16, o as u16));
                        hit(hits, options + o, usize::from(!picked));
                    }
                }
            }
            hits.block(1, SSB_PARTS.len(), &areas);
        }
        if let Some(chosen) = answers.riksrevisjonen_2015_chosen {
            for (i, slot) in chosen.slots.iter().enumerate() {
                if let Some(slot) = slot {
                    hit(hits, s.questions + i, usize::from(*slot));
                }
            }
        }
        if let Some(levels) = answers.riksrevisjonen_2015 {
            let mut areas = vec![false; self.service_areas];
            for (service, level) in levels.iter().enumerate() {
                if let Some(level) = level {
                    hit(hits, s.services + service, usize::from(*level).min(3));
                    areas[self.service_area[service]] = true;
                }
            }
            hits.block(2, SSB_PARTS.len() + self.ks_areas, &areas);
        }
    }
}

/// The counters one record adds to (reused from record to record).
#[derive(Debug, Default)]
pub struct Hits {
    items: Vec<u32>,
    slots: Vec<u32>,
    parts: Vec<u32>,
    /// Per methodology: (with the block, some part, all parts).
    blocks: [[bool; 3]; 3],
}

impl Hits {
    fn clear(&mut self) {
        self.items.clear();
        self.slots.clear();
        self.parts.clear();
        self.blocks = [[false; 3]; 3];
    }

    /// A methodology's block, with which of its parts (numbered from `first`) were answered.
    fn block(&mut self, methodology: usize, first: usize, answered: &[bool]) {
        for (i, _) in answered.iter().enumerate().filter(|(_, a)| **a) {
            self.parts.push((first + i) as u32);
        }
        let some = answered.iter().any(|&a| a);
        self.blocks[methodology] = [true, some, some && answered.iter().all(|&a| a)];
    }

    /// Heap bytes held.
    pub fn bytes(&self) -> usize {
        4 * (self.items.capacity() + self.slots.capacity() + self.parts.capacity())
    }
}

/// One group's item counters.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ItemTallies {
    /// Per item ([`Layout::items`]): respondents in its base.
    pub bases: Vec<u64>,
    /// Per answer of every item, back to back.
    pub answers: Vec<u64>,
    /// Per survey part ([`Layout::parts`]): respondents who answered it.
    pub parts: Vec<u64>,
    /// Per methodology ([`METHODOLOGIES`]): respondents with its block, who
    /// answered some part, who answered every part.
    pub blocks: [[u64; 3]; 3],
}

impl ItemTallies {
    /// Adds one record's hits.
    pub fn add(&mut self, hits: &Hits) {
        for &i in &hits.items {
            self.bases[i as usize] += 1;
        }
        for &s in &hits.slots {
            self.answers[s as usize] += 1;
        }
        for &p in &hits.parts {
            self.parts[p as usize] += 1;
        }
        for (counts, flags) in self.blocks.iter_mut().zip(hits.blocks) {
            for (count, flag) in counts.iter_mut().zip(flags) {
                *count += u64::from(flag);
            }
        }
    }

    /// Adds another group's (or cell's) counters.
    pub fn merge(&mut self, other: &ItemTallies) {
        let add = |to: &mut [u64], from: &[u64]| to.iter_mut().zip(from).for_each(|(t, f)| *t += f);
        add(&mut self.bases, &other.bases);
        add(&mut self.answers, &other.answers);
        add(&mut self.parts, &other.parts);
        for (to, from) in self.blocks.iter_mut().zip(&other.blocks) {
            add(to, from);
        }
    }

    /// The base n and the answer counts of item `i`.
    pub fn item(&self, layout: &Layout, i: usize) -> (u64, &[u64]) {
        let spec = &layout.items[i];
        (self.bases[i], &self.answers[spec.offset..spec.offset + spec.answers.len()])
    }

    /// The item with this methodology and id, if the layout has it.
    pub fn find<'a>(&'a self, layout: &Layout, methodology: &str, item: &str) -> Option<(u64, &'a [u64])> {
        let i = layout.items.iter().position(|s| s.methodology == methodology && s.item == item)?;
        Some(self.item(layout, i))
    }
}
