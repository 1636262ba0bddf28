//! Client-supplied text as logs and answers may show it: control characters
//! and Unicode bidirectional and line-separator controls escaped, so a value
//! cannot forge log lines, drive a terminal or reorder what a reader sees, and
//! at most [`MAX_EXCERPT_BYTES`] of it. A leaf: it imports nothing of the crate.

/// Longest excerpt of a client-supplied value that a log line or an answer
/// (an error message, a field violation) shows, in bytes.
pub const MAX_EXCERPT_BYTES: usize = 200;

/// Longest error message an answer carries, in bytes: a few excerpts and the
/// text around them.
pub const MAX_MESSAGE_BYTES: usize = 1024;

/// Whether `c` must be escaped: C0/C1 controls, the Unicode line and paragraph
/// separators, and every bidirectional formatting character (marks, embeddings,
/// overrides, isolates).
pub fn needs_escape(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{061c}' | '\u{200e}' | '\u{200f}' | '\u{2028}' | '\u{2029}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}'
        )
}

/// A client-supplied string as a log or an answer may show it: escaped
/// ([`needs_escape`]) and cut after [`MAX_EXCERPT_BYTES`] with `…`.
#[derive(Debug, Clone, Copy)]
pub struct LogSafe<'a>(pub &'a str);

impl std::fmt::Display for LogSafe<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write_escaped(f, self.0, MAX_EXCERPT_BYTES)
    }
}

fn write_escaped(f: &mut impl std::fmt::Write, text: &str, max: usize) -> std::fmt::Result {
    let mut written = 0;
    for c in text.chars() {
        if written + c.len_utf8() > max {
            return f.write_char('…');
        }
        written += c.len_utf8();
        if needs_escape(c) {
            write!(f, "{}", c.escape_unicode())?;
        } else {
            f.write_char(c)?;
        }
    }
    Ok(())
}

/// `s` cut to at most `max` bytes on a char boundary, marked with `…` when cut.
pub fn clip(s: &str, max: usize) -> String {
    if s.len() <= max {
        return s.to_owned();
    }
    let mut end = max;
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}…", &s[..end])
}

/// A message that may quote client input (a parser's error, say), made safe
/// to answer with: every quoted span (`"…"` or `` `…` ``) longer than
/// [`MAX_EXCERPT_BYTES`] cut to an excerpt, everything escaped
/// ([`needs_escape`]), and the whole at most [`MAX_MESSAGE_BYTES`].
pub fn bounded_message(message: &str) -> String {
    let mut out = String::with_capacity(message.len().min(MAX_MESSAGE_BYTES + 8));
    let mut rest = message;
    while !rest.is_empty() && out.len() < MAX_MESSAGE_BYTES {
        let Some(open) = rest.find(['"', '`']) else {
            let room = MAX_MESSAGE_BYTES - out.len();
            let _ = write_escaped(&mut out, rest, room);
            break;
        };
        let quote = rest.as_bytes()[open] as char;
        let room = MAX_MESSAGE_BYTES.saturating_sub(out.len());
        let _ = write_escaped(&mut out, &rest[..=open], room);
        let inside = &rest[open + 1..];
        let (quoted, after) = match inside.find(quote) {
            Some(close) => (&inside[..close], &inside[close..]),
            None => (inside, ""),
        };
        let room = MAX_EXCERPT_BYTES.min(MAX_MESSAGE_BYTES.saturating_sub(out.len()));
        let _ = write_escaped(&mut out, quoted, room);
        rest = after;
        if let Some(stripped) = rest.strip_prefix(quote) {
            out.push(quote);
            rest = stripped;
        }
    }
    if out.len() > MAX_MESSAGE_BYTES + '…'.len_utf8() {
        out = clip(&out, MAX_MESSAGE_BYTES);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn client_values_in_the_log_have_control_characters_escaped_and_are_bounded() {
        let forged = "r1\n2026-01-01T00:00:00Z  INFO shut down cleanly\r\u{1b}[31mred\u{1b}]0;title\u{7}";
        let shown = LogSafe(forged).to_string();
        assert!(!shown.chars().any(char::is_control), "{shown}");
        assert!(shown.starts_with("r1\\u{a}2026"), "{shown}");
        let long = "x".repeat(4 * 1024 * 1024);
        assert_eq!(LogSafe(&long).to_string().len(), MAX_EXCERPT_BYTES + '…'.len_utf8());
        assert_eq!(LogSafe("Bærum").to_string(), "Bærum");
    }

    #[test]
    fn every_bidirectional_control_is_escaped() {
        for c in ['\u{202e}', '\u{2066}', '\u{2067}', '\u{2068}', '\u{2069}', '\u{200f}', '\u{061c}', '\u{2028}'] {
            let shown = LogSafe(&format!("a{c}b")).to_string();
            assert!(!shown.contains(c), "{c:?} shown raw: {shown}");
            assert!(shown.contains("\\u{"), "{shown}");
        }
    }

    #[test]
    fn a_parser_message_quoting_megabytes_is_cut_to_short_escaped_excerpts() {
        let value = "A".repeat(4 * 1024 * 1024);
        let message = format!("invalid type: string \"{value}\", expected i32 at line 1 column 9");
        let bounded = bounded_message(&message);
        assert!(bounded.len() < MAX_EXCERPT_BYTES + 100, "{}", bounded.len());
        assert!(bounded.starts_with("invalid type: string \"AAAA"), "{bounded}");
        assert!(bounded.ends_with("…\", expected i32 at line 1 column 9"), "{bounded}");
        let tricky = bounded_message("unknown variant `\u{202e}evil\n`, expected one of `A`, `B`");
        assert_eq!(tricky, "unknown variant `\\u{202e}evil\\u{a}`, expected one of `A`, `B`");
        // Many quoted spans: the whole is bounded too.
        let many = "`x` ".repeat(100_000);
        assert!(bounded_message(&many).len() <= MAX_MESSAGE_BYTES + '…'.len_utf8());
        assert_eq!(bounded_message("plain"), "plain");
        assert_eq!(bounded_message("unterminated \"abc"), "unterminated \"abc");
    }
}
