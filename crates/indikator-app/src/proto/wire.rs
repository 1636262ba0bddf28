//! What a request message may make the server allocate, checked on the wire
//! before it is decoded ([`decode_bounded`]; the server's codecs and byte
//! handlers call it).
//!
//! A protobuf list element can be two bytes on the wire and fifty in memory
//! once decoded (an empty `MaturityAnswer` is a `String` and an enum), so a
//! message at the size limit could decode to many times its size before
//! validation sees it. [`decode_bounded`] walks a request's bytes with the
//! schema from the descriptor set and refuses a list longer than
//! [`MAX_LIST`] elements, or more than [`MAX_ELEMENTS`] in one message, before
//! anything is decoded. No valid request comes near either bound: the longest
//! list of the methodologies is a catalogue's items.
//!
//! A streamed record that cannot be decoded (bytes that are not a message,
//! text that is not UTF-8, a list over the bounds) must not end the stream:
//! [`decode_bounded`] gives a placeholder record with the id it could read,
//! beside the problem, and the caller turns both into that record's rejection.

use std::any::TypeId;
use std::collections::HashMap;
use std::sync::OnceLock;

use prost::Message;
use prost_types::field_descriptor_proto::{Label, Type};

use super::v1 as pb;

/// Most elements one repeated field of a request message may have.
pub const MAX_LIST: usize = 1024;

/// Most list elements one request message may have, all lists together.
pub const MAX_ELEMENTS: usize = 4096;

/// Deepest nesting walked (the schema is far shallower).
const MAX_DEPTH: usize = 16;

/// Longest record id recovered from an undecodable record.
const MAX_RECOVERED_ID_BYTES: usize = 256;

/// Why a request message was not decoded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Undecodable {
    /// The field at fault (proto field names, e.g. `response.ks_2018.answers`),
    /// relative to the record for streamed records; empty when the bytes are
    /// not a message at all.
    pub field: String,
    pub description: String,
}

/// One message type of the schema.
#[derive(Debug, Default)]
struct Shape {
    fields: Vec<FieldShape>,
}

#[derive(Debug)]
struct FieldShape {
    number: u32,
    name: String,
    repeated: bool,
    kind: Kind,
}

#[derive(Debug, Clone, Copy)]
enum Kind {
    /// A nested message (index into the schema).
    Message(usize),
    /// Varint scalars: enums, ints, bools (packed: one element per varint).
    Varint,
    /// Fixed-width scalars of this many bytes.
    Fixed(usize),
    /// Strings and bytes.
    Bytes,
}

#[derive(Debug, Default)]
struct Schema {
    shapes: Vec<Shape>,
    by_name: HashMap<String, usize>,
}

fn schema() -> &'static Schema {
    static SCHEMA: OnceLock<Schema> = OnceLock::new();
    SCHEMA.get_or_init(|| {
        let set = prost_types::FileDescriptorSet::decode(super::FILE_DESCRIPTOR_SET)
            .expect("the embedded descriptor set decodes");
        Schema::from(&set)
    })
}

impl Schema {
    fn from(set: &prost_types::FileDescriptorSet) -> Self {
        fn collect<'a>(
            prefix: &str,
            messages: &'a [prost_types::DescriptorProto],
            out: &mut Vec<(String, &'a prost_types::DescriptorProto)>,
        ) {
            for m in messages {
                let name = format!("{prefix}.{}", m.name());
                collect(&name, &m.nested_type, out);
                out.push((name, m));
            }
        }
        let mut all = Vec::new();
        for file in &set.file {
            collect(&format!(".{}", file.package()), &file.message_type, &mut all);
        }
        let by_name: HashMap<String, usize> = all.iter().enumerate().map(|(i, (n, _))| (n.clone(), i)).collect();
        let shapes = all
            .iter()
            .map(|(_, m)| Shape {
                fields: m
                    .field
                    .iter()
                    .map(|f| FieldShape {
                        number: f.number() as u32,
                        name: f.name().to_owned(),
                        repeated: f.label() == Label::Repeated,
                        kind: match f.r#type() {
                            Type::Message | Type::Group => {
                                by_name.get(f.type_name()).map_or(Kind::Bytes, |&i| Kind::Message(i))
                            }
                            Type::String | Type::Bytes => Kind::Bytes,
                            Type::Fixed32 | Type::Sfixed32 | Type::Float => Kind::Fixed(4),
                            Type::Fixed64 | Type::Sfixed64 | Type::Double => Kind::Fixed(8),
                            _ => Kind::Varint,
                        },
                    })
                    .collect(),
            })
            .collect();
        Self { shapes, by_name }
    }

    fn index(&self, name: &str) -> Option<usize> {
        self.by_name.get(name).copied()
    }

    /// Walks `bytes` as message `shape`; `Err` names the first list over the
    /// bounds. Malformed bytes end the walk quietly: decoding reports them.
    fn check(&self, shape: usize, bytes: &[u8]) -> Result<(), Undecodable> {
        let mut total = 0;
        let mut path = Path::default();
        self.walk(shape, bytes, &mut path, &mut total).map_err(|too_many| {
            let field = path.display(self);
            let description = match too_many {
                TooMany::List => format!("has more than {MAX_LIST} elements; no valid request has that many"),
                TooMany::Message => {
                    format!("the message has more than {MAX_ELEMENTS} list elements; no valid request has that many")
                }
            };
            Undecodable { field, description }
        })
    }

    /// Walks one message instance. Allocates nothing: the path is indices,
    /// turned into names only for a refusal, and the counts live on the stack.
    fn walk(&self, shape: usize, mut bytes: &[u8], path: &mut Path, total: &mut usize) -> Result<(), TooMany> {
        if path.len >= MAX_DEPTH {
            return Ok(());
        }
        // Elements per repeated field of this message instance (by field
        // position); the schema's messages have far fewer than 32 fields, and
        // a field past them is still bounded by the message's total.
        let mut counts = [0u32; 32];
        let fields = &self.shapes[shape].fields;
        while !bytes.is_empty() {
            let Some(key) = varint(&mut bytes) else { return Ok(()) };
            let (number, wire) = ((key >> 3) as u32, key & 7);
            let payload = match wire {
                0 => {
                    if varint(&mut bytes).is_none() {
                        return Ok(());
                    }
                    None
                }
                1 | 5 => {
                    let width = if wire == 1 { 8 } else { 4 };
                    if bytes.len() < width {
                        return Ok(());
                    }
                    bytes = &bytes[width..];
                    None
                }
                2 => {
                    let Some(len) = varint(&mut bytes).and_then(|l| usize::try_from(l).ok()) else { return Ok(()) };
                    if bytes.len() < len {
                        return Ok(());
                    }
                    let (payload, rest) = bytes.split_at(len);
                    bytes = rest;
                    Some(payload)
                }
                _ => return Ok(()),
            };
            let Some(at) = fields.iter().position(|f| f.number == number) else { continue };
            let field = &fields[at];
            let elements = match (field.kind, payload) {
                (_, _) if !field.repeated => 0,
                // Packed scalars: one element per value in the payload.
                (Kind::Varint, Some(p)) => p.iter().filter(|&&b| b < 0x80).count(),
                (Kind::Fixed(width), Some(p)) => p.len() / width,
                _ => 1,
            };
            let mut index = 0;
            if elements > 0 {
                *total += elements;
                if let Some(count) = counts.get_mut(at) {
                    index = *count as usize;
                    *count = count.saturating_add(u32::try_from(elements).unwrap_or(u32::MAX));
                    if *count as usize > MAX_LIST {
                        path.push(shape, at, None);
                        return Err(TooMany::List);
                    }
                }
                if *total > MAX_ELEMENTS {
                    path.push(shape, at, None);
                    return Err(TooMany::Message);
                }
            }
            if let (Kind::Message(inner), Some(p)) = (field.kind, payload) {
                path.push(shape, at, field.repeated.then_some(index));
                self.walk(inner, p, path, total)?;
                path.len -= 1;
            }
        }
        Ok(())
    }
}

/// Where the walk is: (message, field position, list index) per level.
#[derive(Default)]
struct Path {
    steps: [(usize, usize, Option<usize>); MAX_DEPTH + 1],
    len: usize,
}

impl Path {
    fn push(&mut self, shape: usize, field: usize, index: Option<usize>) {
        self.steps[self.len] = (shape, field, index);
        self.len += 1;
    }

    /// `response.ks_2018.answers[3].choices.option_ids`.
    fn display(&self, schema: &Schema) -> String {
        let mut out = String::new();
        for &(shape, field, index) in &self.steps[..self.len] {
            if !out.is_empty() {
                out.push('.');
            }
            out.push_str(&schema.shapes[shape].fields[field].name);
            if let Some(i) = index {
                out.push_str(&format!("[{i}]"));
            }
        }
        out
    }
}

enum TooMany {
    List,
    Message,
}

/// Reads a varint; `None` when malformed or cut off.
fn varint(bytes: &mut &[u8]) -> Option<u64> {
    let mut value = 0u64;
    for (i, &b) in bytes.iter().enumerate().take(10) {
        value |= u64::from(b & 0x7f) << (7 * i);
        if b < 0x80 {
            *bytes = &bytes[i + 1..];
            return Some(value);
        }
    }
    None
}

/// The request messages the server decodes with bounds, by type.
fn bounded_root<U: 'static>() -> Option<(usize, Streamed)> {
    let id = TypeId::of::<U>();
    let (name, streamed) = if id == TypeId::of::<pb::ScoreRequest>() {
        (".indikator.v1.ScoreRequest", Streamed::No)
    } else if id == TypeId::of::<pb::ScoreStreamRequest>() {
        (".indikator.v1.ScoreStreamRequest", Streamed::Stream)
    } else if id == TypeId::of::<pb::ScoreRoundRequest>() {
        (".indikator.v1.ScoreRoundRequest", Streamed::Round)
    } else if id == TypeId::of::<pb::CompareRoundsRequest>() {
        (".indikator.v1.CompareRoundsRequest", Streamed::Compare)
    } else {
        return None;
    };
    schema().index(name).map(|i| (i, streamed))
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Streamed {
    No,
    Stream,
    Round,
    /// CompareRounds: records as in a round (field 2), headers in field 1.
    Compare,
}

/// The payload of the first length-delimited field `number` of a message, if
/// the bytes before it can be read.
fn length_delimited(mut bytes: &[u8], number: u64) -> Option<&[u8]> {
    while !bytes.is_empty() {
        let key = varint(&mut bytes)?;
        let skip = match key & 7 {
            0 => varint(&mut bytes).map(|_| 0),
            1 => Some(8),
            5 => Some(4),
            2 => varint(&mut bytes).and_then(|l| usize::try_from(l).ok()),
            _ => None,
        }?;
        if skip > bytes.len() {
            return None;
        }
        let (payload, rest) = bytes.split_at(skip);
        if key == (number << 3 | 2) {
            return Some(payload);
        }
        bytes = rest;
    }
    None
}

/// The record id in field 1 of `bytes`, as far as it can be read (bytes that
/// are not UTF-8 replaced), at most [`MAX_RECOVERED_ID_BYTES`].
fn record_id(bytes: &[u8]) -> String {
    let id = length_delimited(bytes, 1).unwrap_or_default();
    String::from_utf8_lossy(&id[..id.len().min(MAX_RECOVERED_ID_BYTES)]).into_owned()
}

/// The placeholder for an undecodable streamed record: its id, no response.
fn placeholder<U: 'static>(streamed: Streamed, bytes: &[u8]) -> Option<U> {
    let boxed: Box<dyn std::any::Any> = match streamed {
        Streamed::No => return None,
        Streamed::Stream => Box::new(pb::ScoreStreamRequest { record_id: record_id(bytes), response: None }),
        Streamed::Round => {
            let record_id = length_delimited(bytes, 2).map(record_id).unwrap_or_default();
            Box::new(pb::ScoreRoundRequest {
                item: Some(pb::score_round_request::Item::Record(pb::RoundRecord { record_id, response: None })),
            })
        }
        Streamed::Compare => {
            let record_id = length_delimited(bytes, 2).map(record_id).unwrap_or_default();
            Box::new(pb::CompareRoundsRequest {
                item: Some(pb::compare_rounds_request::Item::Record(pb::RoundRecord { record_id, response: None })),
            })
        }
    };
    boxed.downcast::<U>().ok().map(|b| *b)
}

/// A request message as the bounded decode gives it: the message, or for a
/// streamed record that cannot be decoded its placeholder (the record id, no
/// response) and the problem, for any other message only the problem.
pub type Decoded<U> = Result<U, (Option<U>, Undecodable)>;

/// Decodes a request message of type `U` after the wire check, as
/// the server's codec does. A streamed record that cannot be decoded gives its
/// placeholder (the record id, no response) with the problem; any other
/// message only the problem. Messages the codec does not check are decoded
/// without it.
pub fn decode_bounded<U: Message + Default + 'static>(bytes: &[u8]) -> Decoded<U> {
    let Some((root, streamed)) = bounded_root::<U>() else {
        return U::decode(bytes)
            .map_err(|e| (None, Undecodable { field: String::new(), description: format!("cannot be decoded: {e}") }));
    };
    let problem = match schema().check(root, bytes) {
        Ok(()) => match U::decode(bytes) {
            Ok(message) => return Ok(message),
            Err(e) => Undecodable { field: String::new(), description: format!("cannot be decoded: {e}") },
        },
        Err(problem) => problem,
    };
    let Some(record) = placeholder::<U>(streamed, bytes) else {
        return Err((None, problem));
    };
    let problem = Undecodable {
        // Paths of records are relative to the record, like validation's.
        field: match streamed {
            Streamed::Round | Streamed::Compare => {
                problem.field.strip_prefix("record.").unwrap_or(&problem.field).to_owned()
            }
            _ => problem.field,
        },
        description: problem.description,
    };
    Err((Some(record), problem))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check<M: Message + 'static>(message: &M) -> Result<(), Undecodable> {
        let (root, _) = bounded_root::<M>().expect("a bounded request type");
        schema().check(root, &message.encode_to_vec())
    }

    fn with_areas(areas: Vec<i32>) -> pb::ScoreRequest {
        pb::ScoreRequest {
            response: Some(pb::SurveyResponse {
                ssb_2018: Some(pb::Ssb2018Answers {
                    strategy: Some(pb::Ssb2018Strategy { has_strategy: true, areas }),
                    ..Default::default()
                }),
                ..Default::default()
            }),
        }
    }

    #[test]
    fn a_list_at_the_bound_passes_and_one_over_it_is_named_by_its_path() {
        assert_eq!(check(&with_areas(vec![0; MAX_LIST])), Ok(()));
        let problem = check(&with_areas(vec![0; MAX_LIST + 1])).unwrap_err();
        assert_eq!(problem.field, "response.ssb_2018.strategy.areas");
        assert!(problem.description.contains("more than 1024"), "{problem:?}");
    }

    #[test]
    fn lists_inside_list_elements_count_towards_the_message_bound() {
        let answer = |i: usize| pb::MaturityAnswer {
            item_id: format!("item-{i}"),
            answer: Some(pb::maturity_answer::Answer::Choices(pb::ChoiceList { option_ids: vec![String::new(); 8] })),
        };
        let request = |answers: usize| pb::ScoreRoundRequest {
            item: Some(pb::score_round_request::Item::Record(pb::RoundRecord {
                record_id: "r".into(),
                response: Some(pb::SurveyResponse {
                    ks_2018: Some(pb::Ks2018Answers { answers: (0..answers).map(answer).collect() }),
                    ..Default::default()
                }),
            })),
        };
        assert_eq!(check(&request(400)), Ok(()), "400 answers with 8 choices: 3,600 elements");
        let problem = check(&request(500)).unwrap_err();
        assert!(problem.field.starts_with("record.response.ks_2018.answers["), "{problem:?}");
        assert!(problem.description.contains("4096"), "{problem:?}");
    }

    #[test]
    fn an_undecodable_streamed_record_becomes_a_placeholder_with_its_id_and_the_problem() {
        let mut bytes = pb::ScoreStreamRequest { record_id: "rec-7".into(), response: None }.encode_to_vec();
        // response: a name that is not UTF-8.
        let respondent = [0x2a, 0x02, 0xe6, 0xff]; // name = 5, length 2, Latin-1 bytes
        bytes.extend([0x12, 6, 0x0a, 4]);
        bytes.extend(respondent);
        let (root, streamed) = bounded_root::<pb::ScoreStreamRequest>().unwrap();
        assert_eq!(streamed, Streamed::Stream);
        assert_eq!(schema().check(root, &bytes), Ok(()));
        assert!(pb::ScoreStreamRequest::decode(bytes.as_slice()).is_err());
        let record: pb::ScoreStreamRequest = placeholder(streamed, &bytes).unwrap();
        assert_eq!(record.record_id, "rec-7");
        assert!(record.response.is_none());
    }

    #[test]
    fn malformed_bytes_end_the_walk_and_are_left_to_the_decoder() {
        let (root, _) = bounded_root::<pb::ScoreRequest>().unwrap();
        for bytes in [&[0xff_u8; 11][..], &[0x0a, 0x80], &[0x0a, 0x05, 0x01]] {
            assert_eq!(schema().check(root, bytes), Ok(()));
        }
    }
}
