//! Request records read straight from their wire bytes into the view that
//! validation reads ([`ResponseView`]), borrowing every id and text from the
//! message buffer: a valid record allocates its KS answer and service lists
//! and nothing per answer (the `ssb_2018` lists are kept inline, see
//! [`List`]), where decoding it into protobuf messages first builds a
//! `String` per item id and option and a `Vec` per list.
//!
//! The reader takes the encoding every protobuf library writes: each field
//! once, known field numbers and wire types, UTF-8 text, values in range,
//! lists within [`MAX_LIST`] / [`MAX_ELEMENTS`] (`ssb_2018` lists within
//! [`INLINE_LIST`](validate::INLINE_LIST)). Anything else (a repeated
//! singular field, an unknown field, malformed bytes, …) is left to the
//! general path: the bounded prost decode of [`decode_bounded`] and the same
//! validation, which gives the same results and the same errors for every
//! message, so the reader never needs to explain a refusal itself. A test
//! and a fuzz target hold the two paths to the same view.

use crate::proto::v1 as pb;
use crate::proto::wire::{Decoded, MAX_ELEMENTS, MAX_LIST, Undecodable, decode_bounded};
use crate::validate::{
    self, AnswerValue, AnswerView, List, PortfolioView, RespondentView, ResponseView, ServiceView, ServicesView,
    SsbView, Validated,
};
use crate::{MAX_RECORD_ID_BYTES, Violations};
use indikator_core::catalogue::Catalogues;

/// One streamed record, decoded and validated.
#[derive(Debug)]
pub struct Record {
    pub record_id: String,
    pub outcome: Result<Validated, Rejected>,
}

/// Why a record was not scored.
#[derive(Debug)]
pub enum Rejected {
    /// It decoded, and validation found these.
    Invalid(Violations),
    /// Its bytes could not be decoded as a record.
    Undecodable(Undecodable),
}

/// One ScoreRound message, decoded (and its record validated).
#[derive(Debug)]
pub enum RoundItem {
    Header(pb::RoundHeader),
    Record(Record),
    /// A message with neither a header nor a record.
    Empty,
}

impl Record {
    fn validated(record_id: String, response: Option<&ResponseView<'_>>, catalogues: &Catalogues) -> Self {
        let outcome = validate::survey_response_view(response, "response", catalogues).map_err(Rejected::Invalid);
        Self { record_id, outcome }
    }

    /// A record another reader read into a view (a CSV row).
    pub fn from_view(record_id: String, response: &ResponseView<'_>, catalogues: &Catalogues) -> Self {
        Self::validated(record_id, Some(response), catalogues)
    }

    /// A ScoreStream request's record.
    pub fn from_stream_bytes(bytes: &[u8], catalogues: &Catalogues) -> Self {
        if let Some((record_id, response)) = stream_request(bytes) {
            return Self::validated(record_id.to_owned(), response.as_ref(), catalogues);
        }
        Self::from_stream_decoded(decode_bounded(bytes), catalogues)
    }

    /// A ScoreStream request's record as the general path decoded it.
    pub fn from_stream_decoded(decoded: Decoded<pb::ScoreStreamRequest>, catalogues: &Catalogues) -> Self {
        match decoded {
            Ok(message) => Self::from_stream_message(message, catalogues),
            Err((placeholder, problem)) => Self {
                record_id: placeholder.map(|p| p.record_id).unwrap_or_default(),
                outcome: Err(Rejected::Undecodable(problem)),
            },
        }
    }

    /// A decoded ScoreStream request's record.
    pub fn from_stream_message(message: pb::ScoreStreamRequest, catalogues: &Catalogues) -> Self {
        let view = message.response.as_ref().map(ResponseView::of);
        Self::validated(message.record_id, view.as_ref(), catalogues)
    }
}

impl RoundItem {
    /// A ScoreRound request message.
    pub fn from_bytes(bytes: &[u8], catalogues: &Catalogues) -> Self {
        if let Some((record_id, response)) = round_record(bytes) {
            return Self::Record(Record::validated(record_id.to_owned(), response.as_ref(), catalogues));
        }
        Self::from_decoded(decode_bounded(bytes), catalogues)
    }

    /// A ScoreRound request message as the general path decoded it.
    pub fn from_decoded(decoded: Decoded<pb::ScoreRoundRequest>, catalogues: &Catalogues) -> Self {
        match decoded {
            Ok(message) => Self::from_message(message, catalogues),
            Err((placeholder, problem)) => Self::Record(Record {
                record_id: match placeholder.and_then(|p| p.item) {
                    Some(pb::score_round_request::Item::Record(r)) => r.record_id,
                    _ => String::new(),
                },
                outcome: Err(Rejected::Undecodable(problem)),
            }),
        }
    }

    /// A decoded ScoreRound request message.
    pub fn from_message(message: pb::ScoreRoundRequest, catalogues: &Catalogues) -> Self {
        match message.item {
            Some(pb::score_round_request::Item::Header(header)) => Self::Header(header),
            Some(pb::score_round_request::Item::Record(record)) => {
                let view = record.response.as_ref().map(ResponseView::of);
                Self::Record(Record::validated(record.record_id, view.as_ref(), catalogues))
            }
            None => Self::Empty,
        }
    }
}

/// One CompareRounds request message: a round's header, or one of its
/// records (or a message with neither, which the fold refuses).
#[derive(Debug)]
pub enum CompareItem {
    Header(pb::CompareRoundHeader),
    Round(RoundItem),
}

impl CompareItem {
    /// A CompareRounds request message read from its bytes: a record (field 2,
    /// as in a ScoreRound request) straight into validation's view, anything
    /// else through the bounded decode.
    pub fn from_bytes(bytes: &[u8], catalogues: &Catalogues) -> Self {
        if let Some((record_id, response)) = round_record(bytes) {
            return Self::Round(RoundItem::Record(Record::validated(
                record_id.to_owned(),
                response.as_ref(),
                catalogues,
            )));
        }
        match decode_bounded::<pb::CompareRoundsRequest>(bytes) {
            Ok(message) => Self::from_message(message, catalogues),
            Err((placeholder, problem)) => Self::Round(RoundItem::Record(Record {
                record_id: match placeholder.and_then(|p| p.item) {
                    Some(pb::compare_rounds_request::Item::Record(r)) => r.record_id,
                    _ => String::new(),
                },
                outcome: Err(Rejected::Undecodable(problem)),
            })),
        }
    }

    /// A decoded CompareRounds request message.
    pub fn from_message(message: pb::CompareRoundsRequest, catalogues: &Catalogues) -> Self {
        match message.item {
            Some(pb::compare_rounds_request::Item::Header(header)) => Self::Header(header),
            Some(pb::compare_rounds_request::Item::Record(record)) => {
                let view = record.response.as_ref().map(ResponseView::of);
                Self::Round(RoundItem::Record(Record::validated(record.record_id, view.as_ref(), catalogues)))
            }
            None => Self::Round(RoundItem::Empty),
        }
    }
}

/// A ScoreRequest's response, read by the fast path; `None`: take the general path.
pub fn score_request(bytes: &[u8]) -> Option<Option<ResponseView<'_>>> {
    let mut response = None;
    let mut r = Reader::new(bytes);
    while let Some((field, value)) = r.field()? {
        match (field, value) {
            (1, Value::Bytes(b)) if response.is_none() => response = Some(survey_response(b)?),
            _ => return None,
        }
    }
    Some(response)
}

/// A ScoreStreamRequest's record id and response.
fn stream_request(bytes: &[u8]) -> Option<(&str, Option<ResponseView<'_>>)> {
    record_fields(bytes)
}

/// A ScoreRoundRequest holding a record: its id and response.
fn round_record(bytes: &[u8]) -> Option<(&str, Option<ResponseView<'_>>)> {
    let mut r = Reader::new(bytes);
    let Some((2, Value::Bytes(record))) = r.field()? else { return None };
    if !r.is_empty() {
        return None;
    }
    record_fields(record)
}

/// `string record_id = 1; SurveyResponse response = 2;` (ScoreStreamRequest, RoundRecord).
fn record_fields(bytes: &[u8]) -> Option<(&str, Option<ResponseView<'_>>)> {
    let (mut record_id, mut response) = (None, None);
    let mut r = Reader::new(bytes);
    while let Some((field, value)) = r.field()? {
        match (field, value) {
            (1, Value::Bytes(b)) if record_id.is_none() && b.len() <= MAX_RECORD_ID_BYTES => record_id = Some(text(b)?),
            (2, Value::Bytes(b)) if response.is_none() => response = Some(survey_response(b)?),
            _ => return None,
        }
    }
    Some((record_id.unwrap_or_default(), response))
}

/// Counts list elements against the wire bounds.
struct Elements(usize);

impl Elements {
    fn one_more(&mut self, in_list: usize) -> Option<()> {
        self.0 += 1;
        (in_list < MAX_LIST && self.0 <= MAX_ELEMENTS).then_some(())
    }
}

fn survey_response(bytes: &[u8]) -> Option<ResponseView<'_>> {
    let mut view = ResponseView::default();
    let mut elements = Elements(0);
    let mut r = Reader::new(bytes);
    while let Some((field, value)) = r.field()? {
        let Value::Bytes(b) = value else { return None };
        match field {
            1 if view.respondent.is_none() => view.respondent = Some(respondent(b)?),
            2 if view.ssb_2018.is_none() => view.ssb_2018 = Some(ssb_2018(b, &mut elements)?),
            3 if view.ks_2018.is_none() => view.ks_2018 = Some(maturity_answers(b, &mut elements)?),
            4 if view.riksrevisjonen_2015.is_none() => view.riksrevisjonen_2015 = Some(services(b, &mut elements)?),
            _ => return None,
        }
    }
    Some(view)
}

/// `Ssb2018Answers`: eight parts, each a message of its own.
fn ssb_2018<'a>(bytes: &'a [u8], elements: &mut Elements) -> Option<SsbView<'a>> {
    let mut view = SsbView::default();
    let mut seen = 0u16;
    let mut r = Reader::new(bytes);
    while let Some((field, value)) = r.field()? {
        let bit = 1u16.checked_shl(field)?;
        let (false, Value::Bytes(b)) = (seen & bit != 0, value) else { return None };
        seen |= bit;
        match field {
            1 => view.strategy = Some(portfolio(b, elements)?),
            2 => view.projects = Some(portfolio(b, elements)?),
            3 => view.sourcing = Some(pairs(b, elements)?),
            4 => view.recruitment = Some(portfolio(b, elements)?),
            5 => {
                let mut degree = None;
                let mut h = Reader::new(b);
                while let Some((field, value)) = h.field()? {
                    let (1, Value::Varint(v), None) = (field, value, degree) else { return None };
                    degree = Some(enum_value(v)?);
                }
                view.hindrance = Some(degree.unwrap_or_default());
            }
            6 => view.cloud = Some(portfolio(b, elements)?),
            7 => view.procurement = Some(pairs(b, elements)?),
            8 => view.service_offer = Some(pairs(b, elements)?),
            _ => return None,
        }
    }
    Some(view)
}

/// `bool … = 1; repeated SomeEnum … = 2;` (packed or not).
fn portfolio<'a>(bytes: &[u8], elements: &mut Elements) -> Option<PortfolioView<'a>> {
    let mut p = PortfolioView::default();
    let mut exists = None;
    let mut r = Reader::new(bytes);
    while let Some((field, value)) = r.field()? {
        match (field, value) {
            (1, Value::Varint(v)) if exists.is_none() => exists = Some(boolean(v)?),
            (2, Value::Varint(v)) => {
                elements.one_more(p.values.as_slice().len())?;
                p.values.push(enum_value(v)?)?;
            }
            (2, Value::Bytes(mut packed)) => {
                while !packed.is_empty() {
                    let mut one = Reader::new(packed);
                    let v = one.varint()?;
                    packed = one.bytes;
                    elements.one_more(p.values.as_slice().len())?;
                    p.values.push(enum_value(v)?)?;
                }
            }
            _ => return None,
        }
    }
    p.exists = exists.unwrap_or_default();
    Some(p)
}

/// `repeated { SomeEnum … = 1; OtherEnum … = 2; } … = 1;`
fn pairs<'a>(bytes: &[u8], elements: &mut Elements) -> Option<List<'a, (i32, i32)>> {
    let mut list = List::default();
    let mut r = Reader::new(bytes);
    while let Some((field, value)) = r.field()? {
        let (1, Value::Bytes(b)) = (field, value) else { return None };
        elements.one_more(list.as_slice().len())?;
        let (mut key, mut answer) = (None, None);
        let mut e = Reader::new(b);
        while let Some((field, value)) = e.field()? {
            match (field, value) {
                (1, Value::Varint(v)) if key.is_none() => key = Some(enum_value(v)?),
                (2, Value::Varint(v)) if answer.is_none() => answer = Some(enum_value(v)?),
                _ => return None,
            }
        }
        list.push((key.unwrap_or_default(), answer.unwrap_or_default()))?;
    }
    Some(list)
}

fn respondent(bytes: &[u8]) -> Option<RespondentView<'_>> {
    let mut view = RespondentView::default();
    let mut seen = 0u8;
    let mut r = Reader::new(bytes);
    while let Some((field, value)) = r.field()? {
        let bit = 1u8.checked_shl(field)?;
        if seen & bit != 0 {
            return None;
        }
        seen |= bit;
        match (field, value) {
            (1, Value::Bytes(b)) => view.organisation_number = text(b)?,
            (2, Value::Varint(v)) => view.kind = enum_value(v)?,
            (3, Value::Bytes(b)) => view.municipality_number = text(b)?,
            (4, Value::Bytes(b)) => view.county_number = text(b)?,
            (5, Value::Bytes(b)) => view.name = text(b)?,
            (6, Value::Varint(v)) => view.inhabitants = u32::try_from(v).ok()?,
            (7, Value::Varint(v)) => view.survey_year = u32::try_from(v).ok()?,
            _ => return None,
        }
    }
    Some(view)
}

/// `repeated MaturityAnswer answers = 1;`
fn maturity_answers<'a>(bytes: &'a [u8], elements: &mut Elements) -> Option<Vec<AnswerView<'a>>> {
    let mut answers = Vec::with_capacity(fields_in(bytes));
    let mut r = Reader::new(bytes);
    while let Some((field, value)) = r.field()? {
        let (1, Value::Bytes(b)) = (field, value) else { return None };
        elements.one_more(answers.len())?;
        answers.push(maturity_answer(b, elements)?);
    }
    Some(answers)
}

fn maturity_answer<'a>(bytes: &'a [u8], elements: &mut Elements) -> Option<AnswerView<'a>> {
    let (mut item_id, mut answer) = (None, None);
    let mut r = Reader::new(bytes);
    while let Some((field, value)) = r.field()? {
        if field == 1 {
            let (None, Value::Bytes(b)) = (item_id, value) else { return None };
            item_id = Some(text(b)?);
            continue;
        }
        if answer.is_some() {
            return None;
        }
        answer = Some(match (field, value) {
            (2, Value::Varint(v)) => AnswerValue::Degree(enum_value(v)?),
            (3, Value::Varint(v)) => AnswerValue::Yes(boolean(v)?),
            (4, Value::Bytes(b)) => AnswerValue::Choice(text(b)?),
            (5, Value::Bytes(b)) => AnswerValue::Choices(option_ids(b, elements)?),
            (6, Value::Varint(v)) => AnswerValue::Level(u32::try_from(v).ok()?),
            (7, Value::Varint(v)) => AnswerValue::DontKnow(boolean(v)?),
            _ => return None,
        });
    }
    Some(AnswerView { item_id: item_id.unwrap_or_default(), answer })
}

/// `ChoiceList { repeated string option_ids = 1; }`
fn option_ids<'a>(bytes: &'a [u8], elements: &mut Elements) -> Option<Vec<&'a str>> {
    let mut ids = Vec::new();
    let mut r = Reader::new(bytes);
    while let Some((field, value)) = r.field()? {
        let (1, Value::Bytes(b)) = (field, value) else { return None };
        elements.one_more(ids.len())?;
        ids.push(text(b)?);
    }
    Some(ids)
}

/// `repeated ServiceLevel services = 1; repeated MaturityAnswer answers = 2;`
fn services<'a>(bytes: &'a [u8], elements: &mut Elements) -> Option<Box<ServicesView<'a>>> {
    let (mut services, mut answers) = (Vec::with_capacity(fields_in(bytes)), Vec::new());
    let mut r = Reader::new(bytes);
    while let Some((field, value)) = r.field()? {
        let Value::Bytes(b) = value else { return None };
        if field == 2 {
            elements.one_more(answers.len())?;
            answers.push(maturity_answer(b, elements)?);
            continue;
        }
        if field != 1 {
            return None;
        }
        elements.one_more(services.len())?;
        let (mut service_id, mut level) = (None, None);
        let mut s = Reader::new(b);
        while let Some((field, value)) = s.field()? {
            match (field, value) {
                (1, Value::Bytes(b)) if service_id.is_none() => service_id = Some(text(b)?),
                (2, Value::Varint(v)) if level.is_none() => level = Some(u32::try_from(v).ok()?),
                _ => return None,
            }
        }
        services.push(ServiceView { service_id: service_id.unwrap_or_default(), level: level.unwrap_or_default() });
    }
    Some(Box::new(ServicesView { services, answers }))
}

/// How many fields a message holds (its list's length, for a message of one
/// repeated field), counted over their keys and lengths without reading the
/// elements; 0 for malformed bytes (which the reader then refuses).
fn fields_in(bytes: &[u8]) -> usize {
    let mut r = Reader::new(bytes);
    let mut n = 0;
    while let Some(Some(_)) = r.field() {
        n += 1;
    }
    n.min(MAX_LIST)
}

fn text(bytes: &[u8]) -> Option<&str> {
    std::str::from_utf8(bytes).ok()
}

/// An enum value as prost reads it, for values that need no truncation.
fn enum_value(v: u64) -> Option<i32> {
    i32::try_from(v).ok()
}

/// A bool written as 0 or 1.
fn boolean(v: u64) -> Option<bool> {
    match v {
        0 => Some(false),
        1 => Some(true),
        _ => None,
    }
}

/// A field's value: the two wire types request records use.
#[derive(Debug, Clone, Copy)]
enum Value<'a> {
    Varint(u64),
    Bytes(&'a [u8]),
}

/// Reads fields off a message's bytes.
struct Reader<'a> {
    bytes: &'a [u8],
}

impl<'a> Reader<'a> {
    fn new(bytes: &'a [u8]) -> Self {
        Self { bytes }
    }

    fn is_empty(&self) -> bool {
        self.bytes.is_empty()
    }

    /// The next field; `Some(None)` at the end, `None` for bytes the fast
    /// path does not take (malformed, or another wire type).
    #[inline(always)]
    fn field(&mut self) -> Option<Option<(u32, Value<'a>)>> {
        if self.bytes.is_empty() {
            return Some(None);
        }
        let key = self.varint()?;
        let field = u32::try_from(key >> 3).ok().filter(|&f| f > 0)?;
        let value = match key & 7 {
            0 => Value::Varint(self.varint()?),
            2 => {
                let len = usize::try_from(self.varint()?).ok()?;
                if len > self.bytes.len() {
                    return None;
                }
                let (payload, rest) = self.bytes.split_at(len);
                self.bytes = rest;
                Value::Bytes(payload)
            }
            _ => return None,
        };
        Some(Some((field, value)))
    }

    #[inline(always)]
    fn varint(&mut self) -> Option<u64> {
        // Keys, enum values, lengths of short texts: one byte.
        if let Some((&b, rest)) = self.bytes.split_first()
            && b < 0x80
        {
            self.bytes = rest;
            return Some(u64::from(b));
        }
        self.varint_slow()
    }

    fn varint_slow(&mut self) -> Option<u64> {
        let mut value = 0u64;
        for (i, &b) in self.bytes.iter().enumerate().take(10) {
            value |= u64::from(b & 0x7f) << (7 * i);
            if b < 0x80 {
                // A tenth byte may only carry the top bit.
                if i == 9 && b > 1 {
                    return None;
                }
                self.bytes = &self.bytes[i + 1..];
                return Some(value);
            }
        }
        None
    }
}

#[cfg(test)]
mod tests;
