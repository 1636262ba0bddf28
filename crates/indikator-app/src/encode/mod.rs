//! Answers written as protobuf bytes straight from the core's results: the
//! score results of Score, ScoreStream and a round's score cards, without
//! building their messages first. The static label fields are encoded once
//! (`labels.rs`) and copied in as a slice; ids and catalogue texts are the
//! tables' own strings, copied once into the answer; field numbers come from
//! [`crate::proto::fields`], generated from the descriptor set.
//!
//! The bytes are those prost writes for the message that
//! `convert::indicator_results` builds from the same results (fields in
//! declaration order, proto3 defaults left off): the tests hold the two to
//! the same bytes on every example round and on random responses.
//!
//! Each answer is written into a buffer the caller keeps for a stream, and
//! split off it: the buffer's memory is reused once the answers sent before
//! are dropped.

mod labels;
mod writer;

use bytes::{Bytes, BytesMut};
use prost::Message;

use crate::convert::{self, Scored, flag_parts, fragile_moves, unscored};
use crate::proto::fields as f;
use indikator_core::catalogue::Catalogue;
use indikator_core::domain::Respondent;
use indikator_core::methodology::ssb2018 as m;
use indikator_core::round::AreaCard;
use indikator_core::scoring::maturity::{ServiceCoverage, ServiceResults};
use indikator_core::scoring::ssb2018::{Count, Results};
use writer::Writer;

/// Room reserved for an answer before it is written (a full score card is
/// about 1.8 KB); the buffer grows beyond it when an answer needs more.
const ANSWER_ROOM: usize = 4 * 1024;

/// Writes one answer with `body` and splits it off `buf`.
fn answer(buf: &mut BytesMut, body: impl FnOnce(&mut Writer<'_>)) -> Bytes {
    buf.reserve(ANSWER_ROOM);
    body(&mut Writer::new(buf));
    buf.split().freeze()
}

/// Any other message, encoded by prost into `buf` and split off it.
pub fn message(buf: &mut BytesMut, message: &impl Message) -> Bytes {
    answer(buf, |w| message.encode_raw(w.buf()))
}

/// `ScoreResponse { results }`.
pub(crate) fn score_response(buf: &mut BytesMut, s: &Scored<'_>) -> Bytes {
    answer(buf, |w| w.long_message(f::score_response::RESULTS, |w| results(w, s)))
}

/// `ScoreStreamResponse { record_id, sequence, results }`.
pub(crate) fn stream_results(buf: &mut BytesMut, sequence: u64, record_id: &str, s: &Scored<'_>) -> Bytes {
    answer(buf, |w| {
        w.string(f::score_stream_response::RECORD_ID, record_id);
        w.uint64(f::score_stream_response::SEQUENCE, sequence);
        w.long_message(f::score_stream_response::RESULTS, |w| results(w, s));
    })
}

/// `ScoreRoundResponse { score_card: ScoreCard { record_id, results, sequence, ks_2018 } }`.
pub(crate) fn score_card(
    buf: &mut BytesMut,
    record_id: &str,
    sequence: u64,
    s: &Scored<'_>,
    ks_2018: Option<&[AreaCard]>,
) -> Bytes {
    answer(buf, |w| {
        w.long_message(f::score_round_response::SCORE_CARD, |w| {
            w.string(f::score_card::RECORD_ID, record_id);
            w.long_message(f::score_card::RESULTS, |w| results(w, s));
            w.uint64(f::score_card::SEQUENCE, sequence);
            for (area, card) in s.catalogues.ks_2018.areas.iter().zip(ks_2018.unwrap_or_default()) {
                w.message(f::score_card::KS_2018, |w| {
                    use f::area_score_card as a;
                    w.string(a::AREA_ID, &area.id);
                    w.optional_double(a::SCORE, card.score.mean);
                    w.double(a::COUNTY_MEAN, card.county_mean);
                    w.double(a::REGION_MEAN, card.region_mean);
                    w.double(a::NATIONAL_MEAN, card.national_mean);
                    w.uint32(a::NATIONAL_RANK, card.national_rank);
                    w.uint32(a::RANKED, card.ranked);
                });
            }
        });
    })
}

/// `IndicatorResults`.
fn results(w: &mut Writer<'_>, s: &Scored<'_>) {
    use f::indicator_results as i;
    w.message(i::RESPONDENT, |w| profile(w, s.respondent));
    if let Some(r) = s.ssb_2018 {
        w.long_message(i::SSB_2018, |w| ssb_2018(w, r, s));
    }
    if let Some(scores) = s.ks_2018 {
        w.long_message(i::KS_2018, |w| {
            for (area, score) in s.catalogues.ks_2018.areas.iter().zip(scores) {
                w.message(f::ks2018_results::AREAS, |w| {
                    use f::area_result as a;
                    w.string(a::AREA_ID, &area.id);
                    if s.labels.included() {
                        w.string(a::NAME, &area.name_nb);
                    }
                    w.uint32(a::ANSWERED, score.answered);
                    w.uint32(a::TOTAL, score.total);
                    w.optional_double(a::SCORE, score.mean);
                });
            }
        });
    }
    if let Some(scored) = s.riksrevisjonen_2015 {
        w.long_message(i::RIKSREVISJONEN_2015, |w| services(w, &s.catalogues.riksrevisjonen_2015, scored));
    }
    if let Some(r) = s.ssb_2018 {
        for flag in r.flags.iter() {
            let (code, field, description) = flag_parts(flag, r);
            w.message(i::FLAGS, |w| {
                w.int32(f::flag::CODE, code as i32);
                w.string(f::flag::FIELD, field);
                w.display(f::flag::DESCRIPTION, description);
            });
        }
    }
    for (indicator, reason) in unscored(s) {
        w.message(i::UNSCORED, |w| {
            w.string(f::unscored::INDICATOR, &indicator);
            w.string(f::unscored::REASON, &reason);
        });
    }
}

/// `RespondentProfile`.
fn profile(w: &mut Writer<'_>, r: &Respondent) {
    use f::respondent_profile as p;
    let county = r.county.map(|c| c.county());
    w.display(p::ORGANISATION_NUMBER, r.organisation_number);
    w.int32(p::KIND, convert::respondent_kind(r.kind) as i32);
    if let Some(number) = r.municipality {
        w.display(p::MUNICIPALITY_NUMBER, number);
    }
    if let Some(number) = r.county {
        w.display(p::COUNTY_NUMBER, number);
    }
    if let Some(county) = county {
        w.string(p::COUNTY_NAME, &county.name);
        w.string(p::REGION, &county.region);
    }
    w.int32(p::SIZE_CLASS, r.size_class().map_or(0, |c| convert::size_class(c) as i32));
    w.string(p::NAME, &r.name);
    w.uint32(p::SURVEY_YEAR, u32::from(r.survey_year));
}

/// `Ssb2018Results`.
fn ssb_2018(w: &mut Writer<'_>, r: &Results, s: &Scored<'_>) {
    use f::ssb2018_results as x;
    let encoded = &*labels::ENCODED;
    let labels = if s.labels.included() { labels::WITH_LABELS } else { labels::CODES_ONLY };
    let simple = |w: &mut Writer<'_>, field: u32, count: Count| {
        if let Some(score) = r.simple(count) {
            w.message(field, |w| {
                w.uint32(f::simple_score::SCORE, u32::from(score.score));
                w.uint32(f::simple_score::COUNT, u32::from(score.count));
                if labels == labels::WITH_LABELS {
                    w.raw(&encoded.simple[usize::from(score.score)]);
                }
            });
        }
    };
    let composite = |w: &mut Writer<'_>, field: u32, k: usize, grade: Option<u8>| {
        if let Some(g) = grade {
            w.message(field, |w| {
                w.uint32(f::composite_grade::GRADE, u32::from(g));
                w.raw(&encoded.composite[k][usize::from(g)][labels]);
            });
        }
    };
    simple(w, x::STRATEGY, Count::Strategy);
    simple(w, x::PROJECTS, Count::Projects);
    composite(w, x::DIGITAL_PRIORITY, 0, r.digital_priority);
    simple(w, x::INTERNAL_CAPACITY, Count::InternalCapacity);
    w.int32(x::RECRUITMENT_STATUS, r.recruitment.map_or(0, |s| convert::recruitment_status(s) as i32));
    w.int32(x::HINDRANCE_GROUP, r.hindrance.map_or(0, |h| convert::hindrance_group(h) as i32));
    if let Some((group, status)) = r.competence_profile() {
        use f::competence_profile as c;
        w.message(x::COMPETENCE_PROFILE, |w| {
            w.int32(c::SOURCING_GROUP, convert::sourcing_group(group) as i32);
            w.int32(c::RECRUITMENT_STATUS, convert::recruitment_status(status) as i32);
            w.raw(&encoded.competence[group as usize][status as usize][labels]);
        });
    }
    simple(w, x::CLOUD, Count::Cloud);
    simple(w, x::PROCUREMENT, Count::Procurement);
    simple(w, x::SERVICE_OFFER, Count::ServiceOffer);
    composite(w, x::DIGITAL_USE, 1, r.digital_use);
    composite(w, x::DIGITAL_ACTIVITY, 2, r.digital_activity);
    w.uint32(x::SERVICE_MODES_UNKNOWN, u32::from(r.service_modes_unknown));
    for (composite, indicator, change) in fragile_moves(r) {
        w.message(x::FRAGILE_GRADES, |w| {
            w.string_parts(f::fragile_grade::COMPOSITE, &[m::ID, "/", composite]);
            w.string_parts(f::fragile_grade::INDICATOR, &[m::ID, "/", indicator]);
            w.int32(f::fragile_grade::COUNT_CHANGE, change);
        });
    }
}

/// `ServiceCoverageResult`.
fn services(w: &mut Writer<'_>, catalogue: &Catalogue, scored: &ServiceResults) {
    use f::service_coverage_result as c;
    w.message(c::OVERALL, |w| shares(w, &scored.overall));
    for (area, coverage) in catalogue.areas.iter().zip(&scored.by_area) {
        w.message(c::BY_AREA, |w| {
            w.string(f::area_service_shares::AREA_ID, &area.id);
            w.message(f::area_service_shares::SHARES, |w| shares(w, coverage));
        });
    }
    w.boolean(c::NONE_OFFERED, scored.overall.none_offered);
}

/// `ServiceShares`.
fn shares(w: &mut Writer<'_>, c: &ServiceCoverage) {
    use f::service_shares as s;
    w.uint32(s::REPORTED, c.reported);
    w.uint32(s::TOTAL, c.total);
    w.double(s::SHARE_AT_LEAST_1, c.share_at_least_1);
    w.double(s::SHARE_AT_LEAST_2, c.share_at_least_2);
    w.double(s::SHARE_AT_3, c.share_at_3);
}

#[cfg(test)]
mod tests;
