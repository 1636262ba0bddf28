//! Which answer a questionnaire item got, as a round's item tables count it
//! (docs/method.md §6): not its value on 0–5 but the answer itself, «vet ikke» included.

use super::{AnswerType, ItemDef, TypedAnswer};

/// Slot ids of a multi-choice item beside «vet ikke»: an empty selection, or at
/// least one option chosen (each option's count is its own distribution).
pub const MULTI_NONE: &str = "ingen-valgt";
pub const MULTI_SOME: &str = "valgt";
/// The «vet ikke» slot of an item that lists no «vet ikke» option.
pub const DONT_KNOW: &str = "vet-ikke";
/// Slot ids of a level item.
pub const LEVELS: [&str; 4] = ["nivaa-0", "nivaa-1", "nivaa-2", "nivaa-3"];

/// The answers of one `ks_2018` block, per catalogue item.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ChosenAnswers {
    /// Per item: its answer slot ([`ItemDef::answer_slots`]); `None` = not answered.
    pub slots: Vec<Option<u16>>,
    /// Every option chosen in a multi-choice answer, as (item, option) indices.
    pub choices: Vec<(u16, u16)>,
}

impl ChosenAnswers {
    pub fn new(items: usize) -> Self {
        Self { slots: vec![None; items], choices: Vec::new() }
    }
}

impl ItemDef {
    /// The ids of the item's answer slots, in the order its distribution lists
    /// them: its options (degree, yes/no, single choice), the levels 0–3 (level),
    /// or [`MULTI_NONE`] and [`MULTI_SOME`] (multi choice); then [`DONT_KNOW`]
    /// unless an option already is the «vet ikke» one.
    pub fn answer_slots(&self) -> Vec<String> {
        let mut slots: Vec<String> = match self.answer {
            AnswerType::Degree | AnswerType::YesNo | AnswerType::SingleChoice => {
                self.options.iter().map(|o| o.id.clone()).collect()
            }
            AnswerType::MultiChoice { .. } => vec![MULTI_NONE.into(), MULTI_SOME.into()],
            AnswerType::Level => LEVELS.iter().map(|&l| l.to_owned()).collect(),
        };
        if self.dont_know_option().is_none() {
            slots.push(DONT_KNOW.into());
        }
        slots
    }

    /// The option that is the «vet ikke» answer: the first one without a value
    /// (never one of a multi-choice item, whose options carry no value).
    fn dont_know_option(&self) -> Option<usize> {
        match self.answer {
            AnswerType::MultiChoice { .. } | AnswerType::Level => None,
            _ => self.options.iter().position(|o| o.value.is_none()),
        }
    }

    /// The slot of an answer this item allows ([`ItemDef::value`] is `Ok`), and
    /// for a multiple choice the options chosen.
    pub fn chosen(&self, answer: &TypedAnswer) -> Option<(u16, Vec<u16>)> {
        let slots = match self.answer {
            AnswerType::MultiChoice { .. } => 2,
            AnswerType::Level => LEVELS.len(),
            _ => self.options.len(),
        };
        let option = |id: &str| self.options.iter().position(|o| o.id == id);
        let slot = match (self.answer, answer) {
            (_, TypedAnswer::DontKnow) => self.dont_know_option().unwrap_or(slots),
            (AnswerType::Degree, &TypedAnswer::Degree(k)) => {
                self.options
                    .iter()
                    .enumerate()
                    .filter(|(_, o)| o.value.is_some())
                    .nth(usize::from(k).checked_sub(1)?)?
                    .0
            }
            (AnswerType::YesNo, &TypedAnswer::YesNo(yes)) => option(if yes { "ja" } else { "nei" })?,
            (AnswerType::SingleChoice, TypedAnswer::Choice(id)) => option(id)?,
            (AnswerType::MultiChoice { .. }, TypedAnswer::Choices(ids)) => {
                let chosen = ids.iter().map(|id| option(id).map(|i| i as u16)).collect::<Option<Vec<u16>>>()?;
                return Some((u16::from(!chosen.is_empty()), chosen));
            }
            (AnswerType::Level, &TypedAnswer::Level(level)) if level <= 3 => level as usize,
            _ => return None,
        };
        Some((slot as u16, Vec::new()))
    }
}

#[cfg(test)]
mod tests {
    use crate::catalogue::{Catalogues, TypedAnswer};

    #[test]
    fn every_answer_has_a_slot_and_vet_ikke_is_listed_once() {
        let ks = &Catalogues::shipped().ks_2018;
        for item in &ks.items {
            let slots = item.answer_slots();
            assert_eq!(slots.iter().filter(|s| s.contains("vet-ikke")).count(), 1, "{}", item.id);
            let (dont_know, _) = item.chosen(&TypedAnswer::DontKnow).unwrap();
            assert!(slots[usize::from(dont_know)].contains("vet-ikke"), "{}", item.id);
        }
        let bis_2 = &ks.items[ks.item_index("bis-2").unwrap()];
        assert_eq!(bis_2.answer_slots(), ["ja", "nei", "vet-ikke"]);
        assert_eq!(bis_2.chosen(&TypedAnswer::YesNo(false)), Some((1, vec![])));
        let bis_1 = &ks.items[ks.item_index("bis-1").unwrap()];
        assert_eq!(bis_1.answer_slots(), ["ingen-valgt", "valgt", "vet-ikke"]);
        let two = TypedAnswer::Choices(vec!["henvendelser", "andre"]);
        assert_eq!(bis_1.chosen(&two), Some((1, vec![1, 5])));
        assert_eq!(bis_1.chosen(&TypedAnswer::Choices(vec![])), Some((0, vec![])));
        let degree = &ks.items[ks.item_index("ikt-1").unwrap()];
        assert_eq!(degree.chosen(&TypedAnswer::Degree(5)), Some((4, vec![])));
        assert_eq!(degree.chosen(&TypedAnswer::Level(1)), None);
    }
}
