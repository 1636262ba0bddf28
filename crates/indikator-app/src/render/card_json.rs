//! Score cards as proto3 JSON, written directly: the same bytes as
//! `serde_json::to_writer` on the message (pbjson's mapping: camelCase names,
//! fields at their default left out, enums by name, 64-bit integers as
//! strings), several times faster, for the report of a large round. A string
//! is copied as it is unless it holds a character JSON must escape, and then
//! escaped as serde_json escapes it.
//!
//! It covers the cards of `ssb-2018` answers, every card a CSV round gives,
//! with their labels or code-only (the round header's `codes_only`: the labels
//! are empty, and an empty string is left out like any field at its default).
//! [`write`] leaves a card holding anything else (`ks-2018` or
//! `riksrevisjonen-2015` results, an enum value without a name) to serde and says
//! so. Every message is taken apart field by field without `..`, so a field
//! added to one of them fails to compile here until it is written too.

use crate::proto::v1 as pb;

/// Appends `card` as JSON to `out`; `false` (with `out` as it was) when the
/// card holds something this writer leaves to serde.
pub fn write(out: &mut Vec<u8>, card: &pb::ScoreCard) -> bool {
    let start = out.len();
    let written = score_card(&mut Object::open(out), card).is_some();
    if !written {
        out.truncate(start);
    }
    written
}

/// A JSON object being written: `{`, then `"name":value` pairs separated by commas.
struct Object<'a> {
    out: &'a mut Vec<u8>,
    first: bool,
}

impl<'a> Object<'a> {
    fn open(out: &'a mut Vec<u8>) -> Self {
        out.push(b'{');
        Object { out, first: true }
    }

    /// Writes `"name":` (after a comma unless it is the first field).
    fn name(&mut self, name: &str) -> &mut Vec<u8> {
        if !self.first {
            self.out.push(b',');
        }
        self.first = false;
        self.out.push(b'"');
        self.out.extend_from_slice(name.as_bytes());
        self.out.extend_from_slice(b"\":");
        self.out
    }

    fn string(&mut self, name: &str, value: &str) {
        if !value.is_empty() {
            let out = self.name(name);
            string(out, value);
        }
    }

    fn number(&mut self, name: &str, value: u32) {
        if value != 0 {
            let out = self.name(name);
            number(out, u64::from(value));
        }
    }

    fn signed(&mut self, name: &str, value: i32) {
        if value != 0 {
            let out = self.name(name);
            if value < 0 {
                out.push(b'-');
            }
            number(out, u64::from(value.unsigned_abs()));
        }
    }

    /// An enum field by its value's name; `None` for a value without one.
    fn enumeration(&mut self, name: &str, value: i32, as_str: impl Fn(i32) -> Option<&'static str>) -> Option<()> {
        if value != 0 {
            let text = as_str(value)?;
            let out = self.name(name);
            string(out, text);
        }
        Some(())
    }

    fn message<T>(
        &mut self,
        name: &str,
        value: Option<&T>,
        write: impl Fn(&mut Object, &T) -> Option<()>,
    ) -> Option<()> {
        if let Some(value) = value {
            let out = self.name(name);
            write(&mut Object::open(out), value)?;
        }
        Some(())
    }

    fn list<T>(&mut self, name: &str, values: &[T], write: impl Fn(&mut Object, &T) -> Option<()>) -> Option<()> {
        if !values.is_empty() {
            let out = self.name(name);
            out.push(b'[');
            for (i, value) in values.iter().enumerate() {
                if i > 0 {
                    out.push(b',');
                }
                write(&mut Object::open(out), value)?;
            }
            out.push(b']');
        }
        Some(())
    }
}

impl Drop for Object<'_> {
    fn drop(&mut self) {
        self.out.push(b'}');
    }
}

/// A JSON string, escaped as serde_json escapes it.
fn string(out: &mut Vec<u8>, s: &str) {
    out.push(b'"');
    let bytes = s.as_bytes();
    if !needs_escape(bytes) {
        out.extend_from_slice(bytes);
    } else {
        let mut from = 0;
        for (i, &b) in bytes.iter().enumerate() {
            let escape: &[u8] = match b {
                b'"' => b"\\\"",
                b'\\' => b"\\\\",
                b'\x08' => b"\\b",
                b'\x0c' => b"\\f",
                b'\n' => b"\\n",
                b'\r' => b"\\r",
                b'\t' => b"\\t",
                0..0x20 => b"",
                _ => continue,
            };
            out.extend_from_slice(&bytes[from..i]);
            if escape.is_empty() {
                const HEX: &[u8; 16] = b"0123456789abcdef";
                out.extend_from_slice(&[b'\\', b'u', b'0', b'0', HEX[usize::from(b >> 4)], HEX[usize::from(b & 0xf)]]);
            } else {
                out.extend_from_slice(escape);
            }
            from = i + 1;
        }
        out.extend_from_slice(&bytes[from..]);
    }
    out.push(b'"');
}

/// Whether any byte is one JSON escapes (a control character, `"` or `\`),
/// eight bytes at a time. A word's test can be true for a word without one (it
/// never misses one); the escaping loop then finds nothing to escape.
fn needs_escape(bytes: &[u8]) -> bool {
    const ONES: u64 = u64::from_ne_bytes([1; 8]);
    const HIGHS: u64 = ONES << 7;
    // A byte of `x` below `n` (n ≤ 128) or equal to `v` leaves its high bit set.
    let below = |x: u64, n: u8| x.wrapping_sub(ONES * u64::from(n)) & !x & HIGHS;
    let equal = |x: u64, v: u8| below(x ^ (ONES * u64::from(v)), 1);
    let mut words = bytes.chunks_exact(8);
    for word in &mut words {
        let x = u64::from_ne_bytes(word.try_into().expect("eight bytes"));
        if (below(x, 0x20) | equal(x, b'"') | equal(x, b'\\')) != 0 {
            return true;
        }
    }
    words.remainder().iter().any(|&b| b < 0x20 || b == b'"' || b == b'\\')
}

fn number(out: &mut Vec<u8>, mut n: u64) {
    let mut digits = [0u8; 20];
    let mut at = digits.len();
    loop {
        at -= 1;
        digits[at] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    out.extend_from_slice(&digits[at..]);
}

fn score_card(o: &mut Object, card: &pb::ScoreCard) -> Option<()> {
    let pb::ScoreCard { record_id, results, sequence, ks_2018 } = card;
    if !ks_2018.is_empty() {
        return None;
    }
    o.string("recordId", record_id);
    o.message("results", results.as_ref(), indicator_results)?;
    if *sequence != 0 {
        // 64-bit integers are strings in proto3 JSON.
        let out = o.name("sequence");
        out.push(b'"');
        number(out, *sequence);
        out.push(b'"');
    }
    Some(())
}

fn indicator_results(o: &mut Object, r: &pb::IndicatorResults) -> Option<()> {
    let pb::IndicatorResults { respondent, ssb_2018, ks_2018, riksrevisjonen_2015, flags, unscored } = r;
    if ks_2018.is_some() || riksrevisjonen_2015.is_some() {
        return None;
    }
    o.message("respondent", respondent.as_ref(), respondent_profile)?;
    o.message("ssb2018", ssb_2018.as_ref(), ssb_2018_results)?;
    o.list("flags", flags, flag)?;
    o.list("unscored", unscored, |o, u| {
        let pb::Unscored { indicator, reason } = u;
        o.string("indicator", indicator);
        o.string("reason", reason);
        Some(())
    })
}

fn respondent_profile(o: &mut Object, r: &pb::RespondentProfile) -> Option<()> {
    let pb::RespondentProfile {
        organisation_number,
        kind,
        municipality_number,
        county_number,
        county_name,
        region,
        size_class,
        name,
        survey_year,
    } = r;
    o.string("organisationNumber", organisation_number);
    o.enumeration("kind", *kind, |v| pb::RespondentKind::try_from(v).ok().map(|e| e.as_str_name()))?;
    o.string("municipalityNumber", municipality_number);
    o.string("countyNumber", county_number);
    o.string("countyName", county_name);
    o.string("region", region);
    o.enumeration("sizeClass", *size_class, |v| pb::SizeClass::try_from(v).ok().map(|e| e.as_str_name()))?;
    o.string("name", name);
    o.number("surveyYear", *survey_year);
    Some(())
}

fn ssb_2018_results(o: &mut Object, r: &pb::Ssb2018Results) -> Option<()> {
    let pb::Ssb2018Results {
        strategy,
        projects,
        digital_priority,
        internal_capacity,
        recruitment_status,
        hindrance_group,
        competence_profile,
        cloud,
        procurement,
        service_offer,
        digital_use,
        digital_activity,
        service_modes_unknown,
        fragile_grades,
    } = r;
    o.message("strategy", strategy.as_ref(), simple_score)?;
    o.message("projects", projects.as_ref(), simple_score)?;
    o.message("digitalPriority", digital_priority.as_ref(), composite_grade)?;
    o.message("internalCapacity", internal_capacity.as_ref(), simple_score)?;
    o.enumeration("recruitmentStatus", *recruitment_status, recruitment_status_name)?;
    o.enumeration("hindranceGroup", *hindrance_group, |v| {
        pb::HindranceGroup::try_from(v).ok().map(|e| e.as_str_name())
    })?;
    o.message("competenceProfile", competence_profile.as_ref(), |o, c| {
        let pb::CompetenceProfile { sourcing_group, recruitment_status, code, label, label_en } = c;
        o.enumeration("sourcingGroup", *sourcing_group, |v| {
            pb::SourcingGroup::try_from(v).ok().map(|e| e.as_str_name())
        })?;
        o.enumeration("recruitmentStatus", *recruitment_status, recruitment_status_name)?;
        o.string("code", code);
        o.string("label", label);
        o.string("labelEn", label_en);
        Some(())
    })?;
    o.message("cloud", cloud.as_ref(), simple_score)?;
    o.message("procurement", procurement.as_ref(), simple_score)?;
    o.message("serviceOffer", service_offer.as_ref(), simple_score)?;
    o.message("digitalUse", digital_use.as_ref(), composite_grade)?;
    o.message("digitalActivity", digital_activity.as_ref(), composite_grade)?;
    o.number("serviceModesUnknown", *service_modes_unknown);
    o.list("fragileGrades", fragile_grades, |o, f| {
        let pb::FragileGrade { composite, indicator, count_change } = f;
        o.string("composite", composite);
        o.string("indicator", indicator);
        o.signed("countChange", *count_change);
        Some(())
    })?;
    Some(())
}

fn recruitment_status_name(v: i32) -> Option<&'static str> {
    pb::RecruitmentStatus::try_from(v).ok().map(|e| e.as_str_name())
}

fn simple_score(o: &mut Object, s: &pb::SimpleScore) -> Option<()> {
    let pb::SimpleScore { score, count, label, label_en } = s;
    o.number("score", *score);
    o.number("count", *count);
    o.string("label", label);
    o.string("labelEn", label_en);
    Some(())
}

fn composite_grade(o: &mut Object, g: &pb::CompositeGrade) -> Option<()> {
    let pb::CompositeGrade { grade, code, label, label_en } = g;
    o.number("grade", *grade);
    o.string("code", code);
    o.string("label", label);
    o.string("labelEn", label_en);
    Some(())
}

fn flag(o: &mut Object, f: &pb::Flag) -> Option<()> {
    let pb::Flag { code, field, description } = f;
    o.enumeration("code", *code, |v| pb::FlagCode::try_from(v).ok().map(|e| e.as_str_name()))?;
    o.string("field", field);
    o.string("description", description);
    Some(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn same_as_serde(card: &pb::ScoreCard) -> bool {
        let mut ours = Vec::new();
        let written = write(&mut ours, card);
        if written {
            assert_eq!(
                String::from_utf8(ours).unwrap(),
                serde_json::to_string(card).unwrap(),
                "card {}",
                card.record_id
            );
        } else {
            assert!(ours.is_empty(), "nothing is left behind");
        }
        written
    }

    /// The score cards of an example round file, code-only when `codes_only`
    /// (the header's option).
    fn example_cards(text: &str, codes_only: bool) -> Vec<pb::ScoreCard> {
        let messages = text.lines().map(|l| {
            let mut message = serde_json::from_str::<pb::ScoreRoundRequest>(l).expect("a message");
            if let Some(pb::score_round_request::Item::Header(h)) = message.item.as_mut() {
                h.codes_only = codes_only;
            }
            message
        });
        let inbound = futures::stream::iter(messages.map(Ok::<_, std::convert::Infallible>));
        let report = futures::executor::block_on(crate::round_fold::fold_round(
            inbound,
            indikator_core::round::RoundLimits::default(),
            indikator_core::catalogue::Catalogues::shipped(),
        ))
        .expect("the example round folds");
        crate::round_fold::score_cards(&report, Default::default(), usize::MAX).collect()
    }

    const EXAMPLES: [(&str, &str); 3] = [
        ("round-2018", include_str!("../../../../examples/round-2018.jsonl")),
        ("round-2015", include_str!("../../../../examples/round-2015.jsonl")),
        ("round-ks-2018", include_str!("../../../../examples/round-ks-2018.jsonl")),
    ];

    /// Every card of the example rounds: those this writer takes are byte for
    /// byte serde's; the rest it leaves alone.
    #[test]
    fn the_example_rounds_cards_are_written_as_serde_writes_them() {
        for (name, text) in EXAMPLES {
            let (mut taken, mut left) = (0, 0);
            for card in example_cards(text, false) {
                if same_as_serde(&card) { taken += 1 } else { left += 1 }
            }
            assert!(taken + left > 0, "{name}: cards");
            if name == "round-2018" {
                assert_eq!(left, 0, "{name}: every ssb-2018 card is written here");
            }
        }
    }

    /// A code-only round's cards (empty labels, which proto3 JSON leaves out)
    /// are byte for byte serde's too, and hold no label.
    #[test]
    fn code_only_cards_are_written_as_serde_writes_them_without_a_label() {
        for (name, text) in EXAMPLES {
            let (mut taken, mut left) = (0, 0);
            for card in example_cards(text, true) {
                if same_as_serde(&card) {
                    taken += 1
                } else {
                    left += 1
                }
                let json = serde_json::to_string(&card).unwrap();
                assert!(!json.contains("\"label") && !json.contains("\"name\":\"Brukeren"), "{name}: {json}");
            }
            assert!(taken + left > 0, "{name}: cards");
            if name == "round-2018" {
                assert_eq!((taken, left), (377, 0), "{name}: every ssb-2018 card is written here");
            }
        }
    }

    #[test]
    fn strings_are_escaped_as_serde_escapes_them() {
        let card = pb::ScoreCard {
            record_id: "a\"b\\c\n\r\t\u{8}\u{c}\u{1}\u{1f}\u{7f}æø «»".into(),
            results: Some(pb::IndicatorResults {
                respondent: Some(pb::RespondentProfile { name: "x\u{0}y".into(), ..Default::default() }),
                ssb_2018: Some(pb::Ssb2018Results {
                    strategy: Some(pb::SimpleScore::default()),
                    recruitment_status: 2,
                    ..Default::default()
                }),
                unscored: vec![pb::Unscored { indicator: "i".into(), reason: String::new() }],
                ..Default::default()
            }),
            sequence: u64::MAX,
            ks_2018: vec![],
        };
        assert!(same_as_serde(&card));
        assert!(same_as_serde(&pb::ScoreCard::default()));
    }

    #[test]
    fn every_byte_that_needs_escaping_is_found_at_every_offset() {
        for len in 0..20 {
            for at in 0..len {
                for b in (0u8..0x20).chain([b'"', b'\\']) {
                    let mut bytes = vec![b'a'; len];
                    bytes[at] = b;
                    assert!(needs_escape(&bytes), "{b:#x} at {at} of {len}");
                }
                let mut bytes = vec![b'a'; len];
                for b in [0x20, 0x7f, 0x80, 0xff, b'!', b'#', b'[', b']'] {
                    bytes[at] = b;
                    let mut out = Vec::new();
                    string(&mut out, &String::from_utf8_lossy(&bytes));
                    let text = String::from_utf8_lossy(&bytes).into_owned();
                    assert_eq!(out, serde_json::to_vec(&text).unwrap());
                }
            }
        }
        assert!(!needs_escape("Har enten strategi eller IKT-prosjekter i gang, «høy»".as_bytes()));
    }

    #[test]
    fn an_enum_value_without_a_name_is_left_to_serde() {
        let card = pb::ScoreCard {
            results: Some(pb::IndicatorResults {
                respondent: Some(pb::RespondentProfile { kind: 99, ..Default::default() }),
                ..Default::default()
            }),
            ..Default::default()
        };
        let mut out = b"kept".to_vec();
        assert!(!write(&mut out, &card));
        assert_eq!(out, b"kept");
    }
}
