//! Protobuf's wire format as prost writes it: proto3 scalars left off when
//! they hold their default, `optional` fields and sub-messages written when
//! present, lengths as the shortest varint.

use bytes::{BufMut, BytesMut};

/// Writes fields into a buffer. A sub-message is written in place: a byte
/// (two for the large ones) is kept for its length and the body moved in
/// the rare case that its length takes another number of bytes, so nothing
/// is measured twice.
pub(crate) struct Writer<'b> {
    buf: &'b mut BytesMut,
}

const VARINT: u32 = 0;
const FIXED64: u32 = 1;
const LEN: u32 = 2;

impl<'b> Writer<'b> {
    pub(crate) fn new(buf: &'b mut BytesMut) -> Self {
        Self { buf }
    }

    pub(crate) fn buf(&mut self) -> &mut BytesMut {
        self.buf
    }

    #[inline]
    fn varint(&mut self, mut v: u64) {
        while v >= 0x80 {
            self.buf.put_u8(v as u8 | 0x80);
            v >>= 7;
        }
        self.buf.put_u8(v as u8);
    }

    fn key(&mut self, field: u32, wire_type: u32) {
        self.varint(u64::from(field << 3 | wire_type));
    }

    pub(crate) fn uint32(&mut self, field: u32, v: u32) {
        self.uint64(field, u64::from(v));
    }

    pub(crate) fn uint64(&mut self, field: u32, v: u64) {
        if v != 0 {
            self.key(field, VARINT);
            self.varint(v);
        }
    }

    /// An `int32` or an enum: negative values take ten bytes, as prost writes them.
    pub(crate) fn int32(&mut self, field: u32, v: i32) {
        if v != 0 {
            self.key(field, VARINT);
            self.varint(i64::from(v) as u64);
        }
    }

    pub(crate) fn boolean(&mut self, field: u32, v: bool) {
        if v {
            self.key(field, VARINT);
            self.buf.put_u8(1);
        }
    }

    /// A proto3 `double`: left off when it compares equal to 0 (as prost does, so -0.0 too).
    pub(crate) fn double(&mut self, field: u32, v: f64) {
        if v != 0.0 {
            self.optional_double(field, Some(v));
        }
    }

    /// An `optional double`: written whenever present.
    pub(crate) fn optional_double(&mut self, field: u32, v: Option<f64>) {
        if let Some(v) = v {
            self.key(field, FIXED64);
            self.buf.put_f64_le(v);
        }
    }

    pub(crate) fn string(&mut self, field: u32, s: &str) {
        if !s.is_empty() {
            self.key(field, LEN);
            self.varint(s.len() as u64);
            self.buf.put_slice(s.as_bytes());
        }
    }

    /// Fields encoded beforehand, copied as they are.
    pub(crate) fn raw(&mut self, fields: &[u8]) {
        self.buf.put_slice(fields);
    }

    /// A string written as the concatenation of `parts` (left off when empty).
    pub(crate) fn string_parts(&mut self, field: u32, parts: &[&str]) {
        let len: usize = parts.iter().map(|p| p.len()).sum();
        if len != 0 {
            self.key(field, LEN);
            self.varint(len as u64);
            for part in parts {
                self.buf.put_slice(part.as_bytes());
            }
        }
    }

    /// A string as `text` displays it (left off when empty).
    pub(crate) fn display(&mut self, field: u32, text: impl std::fmt::Display) {
        let start = self.buf.len();
        self.key(field, LEN);
        let at = self.buf.len();
        self.buf.put_u8(0);
        std::fmt::Write::write_fmt(&mut Text(self.buf), format_args!("{text}")).expect("BytesMut grows");
        if self.buf.len() == at + 1 {
            self.buf.truncate(start);
        } else {
            self.patch_length(at, 1);
        }
    }

    /// A sub-message (written even when `body` writes nothing, as a present
    /// message is).
    pub(crate) fn message(&mut self, field: u32, body: impl FnOnce(&mut Self)) {
        self.sized_message(field, 1, body);
    }

    /// A sub-message that usually takes 128 bytes to 16 KiB (two bytes of
    /// length), such as a response's results.
    pub(crate) fn long_message(&mut self, field: u32, body: impl FnOnce(&mut Self)) {
        self.sized_message(field, 2, body);
    }

    /// A sub-message with `room` bytes kept for its length; the body is moved
    /// when its length takes another number of bytes.
    fn sized_message(&mut self, field: u32, room: usize, body: impl FnOnce(&mut Self)) {
        self.key(field, LEN);
        let at = self.buf.len();
        self.buf.put_bytes(0, room);
        body(self);
        self.patch_length(at, room);
    }

    /// Writes the length of the body after the `room` bytes at `at` into
    /// them, moving the body when its length takes another number of bytes.
    fn patch_length(&mut self, at: usize, room: usize) {
        let end = self.buf.len();
        let len = end - at - room;
        if len < 0x80 && room == 1 {
            self.buf[at] = len as u8;
            return;
        }
        let mut length = [0u8; 10];
        let mut n = 0;
        let mut v = len as u64;
        while v >= 0x80 {
            length[n] = v as u8 | 0x80;
            v >>= 7;
            n += 1;
        }
        length[n] = v as u8;
        n += 1;
        if n > room {
            self.buf.resize(end + n - room, 0);
            self.buf.copy_within(at + room..end, at + n);
        } else if n < room {
            self.buf.copy_within(at + room..end, at + n);
            self.buf.truncate(end - (room - n));
        }
        self.buf[at..at + n].copy_from_slice(&length[..n]);
    }
}

/// `fmt::Write` into the buffer.
struct Text<'a>(&'a mut BytesMut);

impl std::fmt::Write for Text<'_> {
    fn write_str(&mut self, s: &str) -> std::fmt::Result {
        self.0.put_slice(s.as_bytes());
        Ok(())
    }
}
