//! What validating a request allocates, measured with a counting allocator:
//! bounded by a constant plus a small multiple of the message's size, however
//! many of its values are wrong. Its own test binary, because the counting
//! allocator is global.

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;

use indikator_app::proto::v1 as pb;
use indikator_app::validate::survey_response as survey_response_with;
use indikator_core::catalogue::Catalogues;
use proptest::prelude::*;
use proptest::test_runner::RngSeed;
use prost::Message;

/// Counts the bytes live on this thread and their peak while enabled.
struct Counting;

thread_local! {
    static LIVE: Cell<isize> = const { Cell::new(0) };
    static PEAK: Cell<isize> = const { Cell::new(0) };
}

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        note(layout.size() as isize);
        unsafe { System.alloc(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        note(-(layout.size() as isize));
        unsafe { System.dealloc(ptr, layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        note(new_size as isize - layout.size() as isize);
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

fn note(delta: isize) {
    // `try_with`: thread-local storage may be gone while a thread exits.
    let _ = LIVE.try_with(|live| {
        let now = live.get() + delta;
        live.set(now);
        let _ = PEAK.try_with(|peak| peak.set(peak.get().max(now)));
    });
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

/// Peak bytes allocated (beyond what was live before) while `f` runs.
fn peak_allocated<T>(f: impl FnOnce() -> T) -> (T, usize) {
    let base = LIVE.with(Cell::get);
    PEAK.with(|p| p.set(base));
    let out = f();
    let peak = PEAK.with(Cell::get) - base;
    (out, peak.max(0) as usize)
}

/// The bound the server relies on: a constant plus a small multiple of the
/// message's size.
const CONSTANT: usize = 64 * 1024;
const PER_MESSAGE_BYTE: usize = 4;

/// Any i32, with unspecified and out-of-range values common.
fn value() -> impl Strategy<Value = i32> {
    prop_oneof![Just(0), -3..20i32, any::<i32>()]
}

/// Lists up to the wire bound (longer ones never reach validation).
fn list() -> impl Strategy<Value = Vec<i32>> {
    prop_oneof![proptest::collection::vec(value(), 0..20), proptest::collection::vec(value(), 0..=1024)]
}

fn pairs() -> impl Strategy<Value = Vec<(i32, i32)>> {
    proptest::collection::vec((value(), value()), 0..=1024)
}

fn text() -> impl Strategy<Value = String> {
    prop_oneof![".{0,20}", "[a-z]{0,200}"]
}

prop_compose! {
    fn hostile_request()(
        strategy in list(), projects in list(), cloud in list(), difficulties in list(),
        functions in pairs(), activities in pairs(), modes in pairs(),
        item_ids in proptest::collection::vec(text(), 0..=300),
        service_ids in proptest::collection::vec(text(), 0..=300),
        name in text(), organisation_number in text(), municipality_number in text(),
        kind in value(), has in any::<bool>(),
    ) -> pb::ScoreRequest {
        pb::ScoreRequest {
            response: Some(pb::SurveyResponse {
                respondent: Some(pb::Respondent {
                    organisation_number,
                    kind,
                    municipality_number,
                    county_number: String::new(),
                    name,
                    inhabitants: 0,
                    survey_year: 1,
                }),
                ssb_2018: Some(pb::Ssb2018Answers {
                    strategy: Some(pb::Ssb2018Strategy { has_strategy: has, areas: strategy }),
                    projects: Some(pb::Ssb2018Projects { has_projects: !has, areas: projects }),
                    sourcing: Some(pb::Ssb2018Sourcing {
                        functions: functions.into_iter().map(|(function, sourcing)| pb::IctFunctionAnswer { function, sourcing }).collect(),
                    }),
                    recruitment: Some(pb::Ssb2018Recruitment { tried_to_recruit: has, difficulties }),
                    hindrance: Some(pb::Ssb2018Hindrance { degree: kind }),
                    cloud: Some(pb::Ssb2018Cloud { uses_cloud: has, areas: cloud }),
                    procurement: Some(pb::Ssb2018Procurement {
                        activities: activities.into_iter().map(|(activity, answer)| pb::ProcurementActivityAnswer { activity, answer }).collect(),
                    }),
                    service_offer: Some(pb::Ssb2018ServiceOffer {
                        modes: modes.into_iter().map(|(mode, extent)| pb::ServiceModeAnswer { mode, extent }).collect(),
                    }),
                }),
                ks_2018: Some(pb::Ks2018Answers {
                    answers: item_ids.into_iter().map(|item_id| pb::MaturityAnswer { item_id, answer: None }).collect(),
                }),
                riksrevisjonen_2015: Some(pb::Riksrevisjonen2015Answers {
                    services: service_ids.into_iter().map(|service_id| pb::ServiceLevel { service_id, level: 9 }).collect(),
                    ..Default::default()
                }),
            }),
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: 48,
        rng_seed: RngSeed::Fixed(20_261_128),
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    #[test]
    fn validation_allocates_at_most_a_constant_plus_four_times_the_message_whatever_is_wrong(
        request in hostile_request()
    ) {
        let catalogues = Catalogues::shipped();
        let size = request.encoded_len();
        let (result, peak) =
            peak_allocated(|| survey_response_with(request.response.as_ref(), "response", catalogues).map(|_| ()));
        let violations = result.expect_err("every hostile request is refused");
        prop_assert!(!violations.is_empty());
        prop_assert!(violations.iter().count() <= indikator_app::validate::MAX_VIOLATIONS);
        prop_assert!(
            peak <= CONSTANT + PER_MESSAGE_BYTE * size,
            "validating a {size}-byte request with {} violations allocated {peak} bytes",
            violations.len()
        );
    }
}

#[test]
fn a_request_with_every_list_at_the_wire_bound_allocates_no_more_than_one_with_a_single_bad_value() {
    let catalogues = Catalogues::shipped();
    let response = |areas: Vec<i32>| pb::SurveyResponse {
        ssb_2018: Some(pb::Ssb2018Answers {
            strategy: Some(pb::Ssb2018Strategy { has_strategy: true, areas }),
            ..Default::default()
        }),
        ..Default::default()
    };
    let one = response(vec![0]);
    let many = response(vec![0; 1024]);
    let (_, small) = peak_allocated(|| survey_response_with(Some(&one), "response", catalogues).map(|_| ()));
    let (_, large) = peak_allocated(|| survey_response_with(Some(&many), "response", catalogues).map(|_| ()));
    assert!(large <= small + 1024, "one bad value: {small} bytes; 1,024 of them: {large} bytes");
}
