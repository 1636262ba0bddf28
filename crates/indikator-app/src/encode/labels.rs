//! The static label fields of score results, encoded once: a simple score's
//! `label` and `label_en`, a composite grade's `code`, `label` and
//! `label_en`, a competence profile's `code`, `label` and `label_en`. Each
//! is the methodology table's text written by the same [`Writer`] with the
//! field numbers of [`crate::proto::fields`], so an answer copies one slice
//! where it would write three fields.

use std::sync::LazyLock;

use bytes::BytesMut;

use super::writer::Writer;
use crate::proto::fields as f;
use indikator_core::methodology::{GradeLabel, ssb2018 as m};

/// The encoded label fields, with and without the label texts.
pub(super) struct Encoded {
    /// Per score 0–4: `label`, `label_en` of `SimpleScore`.
    pub(super) simple: Vec<Vec<u8>>,
    /// Per composite (priority, use, activity), per grade 0–4, with labels or
    /// codes only: `code` (`label`, `label_en`) of `CompositeGrade`.
    pub(super) composite: [Vec<[Vec<u8>; 2]>; 3],
    /// Per sourcing group, per recruitment status, with labels or codes
    /// only: `code` (`label`, `label_en`) of `CompetenceProfile`.
    pub(super) competence: Vec<Vec<[Vec<u8>; 2]>>,
}

/// Index of the encoding with the label texts.
pub(super) const WITH_LABELS: usize = 0;
/// Index of the code-only encoding.
pub(super) const CODES_ONLY: usize = 1;

pub(super) static ENCODED: LazyLock<Encoded> = LazyLock::new(|| Encoded {
    simple: m::SCORE_LABELS
        .iter()
        .map(|l| {
            written(|w| {
                w.string(f::simple_score::LABEL, l.label);
                w.string(f::simple_score::LABEL_EN, l.label_en);
            })
        })
        .collect(),
    composite: [&m::DIGITAL_PRIORITY.grades, &m::DIGITAL_USE.grades, &m::DIGITAL_ACTIVITY.grades]
        .map(|grades: &[GradeLabel; 5]| grades.iter().map(composite).collect()),
    competence: m::COMPETENCE_PROFILES
        .iter()
        .map(|by_status| by_status.iter().map(|[code, label, label_en]| competence(code, label, label_en)).collect())
        .collect(),
});

fn composite(l: &GradeLabel) -> [Vec<u8>; 2] {
    use f::composite_grade as c;
    [
        written(|w| {
            w.string(c::CODE, l.code);
            w.string(c::LABEL, l.label);
            w.string(c::LABEL_EN, l.label_en);
        }),
        written(|w| w.string(c::CODE, l.code)),
    ]
}

fn competence(code: &str, label: &str, label_en: &str) -> [Vec<u8>; 2] {
    use f::competence_profile as c;
    [
        written(|w| {
            w.string(c::CODE, code);
            w.string(c::LABEL, label);
            w.string(c::LABEL_EN, label_en);
        }),
        written(|w| w.string(c::CODE, code)),
    ]
}

fn written(body: impl FnOnce(&mut Writer<'_>)) -> Vec<u8> {
    let mut buf = BytesMut::new();
    body(&mut Writer::new(&mut buf));
    buf.to_vec()
}
