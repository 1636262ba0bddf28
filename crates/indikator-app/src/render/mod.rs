//! A scored round rendered for statistics packages and people, from the
//! `indikator.v1` messages (score cards and the round summary): score cards as
//! proto3 JSON written directly ([`card_json`]), the CSV exports ([`csv`]),
//! the Norwegian and English labels of everything a table counts
//! ([`labels`]) and the one number style per language ([`format`]). The batch
//! client, its HTML report and the Python package all render through here.
//!
//! A code-only round (the header's `codes_only`) gives score cards without
//! their labels; renderings then take them from the methodology, so they
//! read the same either way.

pub mod card_json;
pub mod csv;
pub mod format;
pub mod labels;

use indikator_core::methodology::ssb2018 as m;

use crate::proto::v1 as pb;

/// Groups with fewer respondents than this are shown as «få svar» (few
/// respondents), not as shares, unless the caller asks for another size.
pub const SMALL_GROUP: u64 = 5;

/// A card's labels, or, where a code-only card (the round header's
/// `codes_only`) left both out, the methodology's for the same code.
fn labels<'a>(
    card: (&'a str, &'a str),
    methodology: impl FnOnce() -> Option<(&'a str, &'a str)>,
) -> (&'a str, &'a str) {
    if card.0.is_empty() && card.1.is_empty() { methodology().unwrap_or(card) } else { card }
}

/// The labels (bokmål, English) of a simple score: «veldig høy», «very high».
pub fn score_labels(s: &pb::SimpleScore) -> (&str, &str) {
    labels((&s.label, &s.label_en), || {
        let l = m::SCORE_LABELS.get(usize::try_from(s.score).ok()?)?;
        Some((l.label, l.label_en))
    })
}

/// The labels of a grade of `composite`.
pub fn grade_labels<'a>(composite: &m::Composite, g: &'a pb::CompositeGrade) -> (&'a str, &'a str) {
    labels((&g.label, &g.label_en), || {
        let l = composite.grades.get(usize::try_from(g.grade).ok()?)?;
        Some((l.label, l.label_en))
    })
}

/// The labels of a competence profile (by its code).
pub fn competence_profile_labels(c: &pb::CompetenceProfile) -> (&str, &str) {
    labels((&c.label, &c.label_en), || m::competence_profile_labels(&c.code))
}
