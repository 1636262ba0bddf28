//! Norwegian and English labels of what the round's item tables count: item
//! lists, items, answers and bases, from the methodology and the catalogues,
//! so that no report shows an enum code or an option id as text.

use indikator_core::catalogue::{Catalogue, Catalogues};
use indikator_core::methodology::ssb2018 as m;
use indikator_core::methodology::{Item, ItemList};
use indikator_core::round::items::QUESTIONS;

/// A label in bokmål and its English gloss.
pub type Labels = (String, String);

fn pair(nb: &str, en: &str) -> Labels {
    (nb.to_owned(), en.to_owned())
}

/// The `ssb-2018` item lists charted item by item.
static SSB_LISTS: &[&ItemList; 7] = &m::ITEM_LISTS;

/// The single questions of `ssb-2018` the round counts (the `questions` list).
const SSB_QUESTIONS: [(&str, &str, &str); 6] = [
    ("HAS_STRATEGY", "Har IKT-strategi", "Has an ICT strategy"),
    ("HAS_PROJECTS", "Har IKT-prosjekter", "Has ICT projects"),
    ("TRIED_TO_RECRUIT", "Har forsøkt å rekruttere IKT-spesialister", "Tried to recruit ICT specialists"),
    ("RECRUITMENT_DIFFICULTIES", "Hadde vansker med å rekruttere", "Had difficulties recruiting"),
    (
        "HINDRANCE_DEGREE",
        "Mangel på kompetanse hindrer digitale tjenester",
        "Lack of competence hinders digital services",
    ),
    ("USES_CLOUD", "Bruker skytjenester", "Uses cloud services"),
];

/// The bases of the round's item tables in bokmål (their English description
/// comes with the round's layout).
const BASES: [(&str, &str); 15] = [
    ("answered_strategy", "de som svarte på om de har IKT-strategi"),
    ("with_strategy", "de med IKT-strategi"),
    ("answered_projects", "de som svarte på om de har IKT-prosjekter"),
    ("with_projects", "de med IKT-prosjekter startet eller planlagt"),
    ("answered_function", "de som svarte på hvem som utfører funksjonen"),
    ("answered_recruitment", "de som svarte på om de har forsøkt å rekruttere IKT-spesialister"),
    ("tried_to_recruit", "de som har forsøkt å rekruttere IKT-spesialister"),
    ("answered_hindrance", "de som svarte på om mangel på kompetanse hindrer digitale tjenester"),
    ("answered_cloud", "de som svarte på om de bruker skytjenester"),
    ("using_cloud", "de som bruker skytjenester"),
    (
        "using_digital_procurement",
        "de som bruker digitale innkjøp («ja, helt» eller «ja, delvis» på minst én aktivitet)",
    ),
    ("answered_mode", "de som svarte på hvor mye de tilbyr i tjenestetypen"),
    ("answered_item", "de som svarte på spørsmålet («vet ikke» medregnet)"),
    ("answered_with_selection", "de som svarte med et utvalg (også et tomt, ikke «vet ikke»)"),
    ("reported_service", "kommunene som rapporterte tjenestens nivå"),
];

/// A base's description in bokmål, or the English one where none is known.
pub fn base(id: &str, description_en: &str) -> String {
    BASES.iter().find(|(b, _)| *b == id).map_or_else(|| description_en.to_owned(), |(_, nb)| (*nb).to_owned())
}

fn catalogue<'a>(catalogues: &'a Catalogues, id: &str) -> Option<&'a Catalogue> {
    [&catalogues.ks_2018, &catalogues.riksrevisjonen_2015].into_iter().map(AsRef::as_ref).find(|c| c.id == id)
}

fn ssb_list(list: &str) -> Option<&'static ItemList> {
    SSB_LISTS.iter().copied().find(|l| l.id == list)
}

/// The name of an item list (an `ssb-2018` list, a catalogue's area).
pub fn list(methodology: &str, list: &str, catalogues: &Catalogues) -> Labels {
    if methodology == m::ID {
        if list == QUESTIONS {
            return pair("Enkeltspørsmål", "single questions");
        }
        return ssb_list(list).map_or_else(|| pair(list, list), |l| pair(l.name, l.name_en));
    }
    catalogue(catalogues, methodology)
        .and_then(|c| c.areas.iter().find(|a| a.id == list))
        .map_or_else(|| pair(list, list), |a| pair(&a.name_nb, &a.name_en))
}

/// A category of the round's cross-tables by its code: a recruitment status
/// (`NOT_TRIED`), a hindrance group (`HIGH`) or a sourcing group (`INTERNAL`).
pub fn category(code: &str) -> Labels {
    let key = code.to_ascii_lowercase();
    m::RECRUITMENT_STATUS
        .iter()
        .chain(&m::HINDRANCE_GROUPS)
        .chain(&m::SOURCING_GROUPS)
        .find(|i| i.key == key)
        .map_or_else(|| pair(code, code), |i| pair(i.label, i.label_en))
}

/// The enum value name of an item of a list: `PREFIX_KEY`.
fn enum_name(prefix: &str, item: &Item) -> String {
    format!("{prefix}_{}", item.key.to_uppercase())
}

/// An item's label: an `ssb-2018` list item or question, a catalogue item
/// (its question), one of its options (`item/option`) or a service.
pub fn item(methodology: &str, id: &str, catalogues: &Catalogues) -> Labels {
    if methodology == m::ID {
        if let Some((_, nb, en)) = SSB_QUESTIONS.iter().find(|(q, _, _)| *q == id) {
            return pair(nb, en);
        }
        for l in SSB_LISTS {
            if let Some(i) = l.items.iter().find(|i| enum_name(l.enum_prefix, i) == id) {
                return pair(i.label, i.label_en);
            }
        }
        return pair(id, id);
    }
    let Some(c) = catalogue(catalogues, methodology) else { return pair(id, id) };
    let (head, option) = id.split_once('/').map_or((id, None), |(h, o)| (h, Some(o)));
    if let Some(i) = c.items.iter().find(|i| i.id == head) {
        return match option.and_then(|o| i.options.iter().find(|x| x.id == o)) {
            Some(o) => pair(&o.label_nb, &o.label_en),
            None => pair(&format!("{} {}", i.id, i.question_nb), &format!("{} {}", i.id, i.question_en)),
        };
    }
    c.services.iter().find(|s| s.id == id).map_or_else(|| pair(id, id), |s| pair(&s.name_nb, &s.name_en))
}

/// An answer's label: `ssb-2018`'s yes / no, ticked and answer scales, a
/// catalogue item's option, a selection, a service level.
pub fn answer(methodology: &str, item: &str, code: &str, catalogues: &Catalogues) -> Labels {
    if methodology == m::ID {
        let fixed = [
            ("YES", "Ja", "yes"),
            ("NO", "Nei", "no"),
            ("TICKED", "Krysset av", "ticked"),
            ("NOT_TICKED", "Ikke krysset av", "not ticked"),
        ];
        if let Some((_, nb, en)) = fixed.iter().find(|(c, _, _)| *c == code) {
            return pair(nb, en);
        }
        let scales: [(&str, Vec<&Item>); 4] = [
            ("SOURCING", m::SOURCING.iter().map(|(i, _)| i).collect()),
            ("HINDRANCE_DEGREE", m::HINDRANCE.iter().map(|(i, _)| i).collect()),
            ("PROCUREMENT_ANSWER", m::PROCUREMENT_ANSWERS.iter().map(|(i, _)| i).collect()),
            ("SERVICE_EXTENT", m::SERVICE_EXTENTS.iter().map(|(i, _)| i).collect()),
        ];
        for (prefix, items) in &scales {
            if let Some(i) = items.iter().find(|i| enum_name(prefix, i) == code) {
                return pair(i.label, i.label_en);
            }
        }
        return pair(code, code);
    }
    match code {
        "valgt" => return pair("Valgt", "selected"),
        "ikke-valgt" => return pair("Ikke valgt", "not selected"),
        "ingen-valgt" => return pair("Ingen valgt", "none selected"),
        "vet-ikke" => return pair("Vet ikke", "don't know"),
        _ => {}
    }
    if let Some(level) = code.strip_prefix("nivaa-") {
        return (format!("Nivå {level}"), format!("level {level}"));
    }
    let head = item.split('/').next().unwrap_or(item);
    catalogue(catalogues, methodology)
        .and_then(|c| c.items.iter().find(|i| i.id == head))
        .and_then(|i| i.options.iter().find(|o| o.id == code))
        .map_or_else(|| pair(code, code), |o| pair(&o.label_nb, &o.label_en))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_item_and_answer_of_the_ssb_lists_has_a_label_that_is_not_its_code() {
        let c = Catalogues::shipped();
        for l in SSB_LISTS {
            for i in l.items {
                let id = enum_name(l.enum_prefix, i);
                assert_ne!(item(m::ID, &id, c).0, id);
            }
        }
        assert_eq!(answer(m::ID, "X", "PROCUREMENT_ANSWER_YES_PARTLY", c), pair("Ja, delvis", "Yes, partly"));
        assert_eq!(answer(m::ID, "X", "SERVICE_EXTENT_NOT_RELEVANT", c).0, "Ikke relevant");
        assert_eq!(item(m::ID, "HINDRANCE_DEGREE", c).0, "Mangel på kompetanse hindrer digitale tjenester");
        assert_eq!(category("NOT_TRIED").0, "Har ikke forsøkt å rekruttere");
        assert_eq!(category("HIGH").0, "Stor grad");
        assert_eq!(category("EXTERNAL").1, "Mainly external ICT capacity");
    }
}
