//! Reports of a scored round for people and for statistics packages: the CSV
//! exports ([`csv`]) and the self-contained HTML report ([`html`]). Pure
//! rendering from the `indikator.v1` messages (score cards and the round
//! summary) into text; where the files go, and that they appear only when a
//! run succeeded, is the batch client's (`client::batch`).
//!
//! May import [`crate::proto`], [`crate::methodology`], [`crate::catalogue`] and
//! the names of the round's item layout ([`crate::round::items`]); nothing of
//! the batch client or the server.
//!
//! A code-only round (the header's `codes_only`) gives score cards without
//! their labels; both reports then take them from the methodology, so they
//! read the same either way.

mod chart;
pub mod csv;
pub mod format;
pub mod html;
pub(crate) mod labels;
pub mod parquet;
pub mod xlsx;

/// Groups with fewer respondents than this are shown as «få svar» (few
/// respondents), not as shares, unless the caller asks for another size.
pub const SMALL_GROUP: u64 = 5;

/// Text for HTML and SVG: `&`, `<`, `>` and `"` escaped.
fn escape(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

use crate::methodology::ssb2018 as m;
use crate::proto::v1 as pb;

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
