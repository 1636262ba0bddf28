//! Client-supplied strings as logs may show them.

/// Longest client-supplied value written to the log, in bytes.
pub const MAX_LOGGED_BYTES: usize = 256;

/// A client-supplied string as the log may show it: control characters
/// (newlines, ANSI and OSC escapes) escaped, so a value cannot forge log lines
/// or drive a terminal, and at most [`MAX_LOGGED_BYTES`] of it.
#[derive(Debug, Clone, Copy)]
pub struct LogSafe<'a>(pub &'a str);

impl std::fmt::Display for LogSafe<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        use std::fmt::Write;
        let mut written = 0;
        for c in self.0.chars() {
            if written + c.len_utf8() > MAX_LOGGED_BYTES {
                return f.write_char('…');
            }
            written += c.len_utf8();
            if c.is_control()
                || matches!(c, '\u{2028}' | '\u{2029}' | '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}')
            {
                write!(f, "{}", c.escape_unicode())?;
            } else {
                f.write_char(c)?;
            }
        }
        Ok(())
    }
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
        assert_eq!(LogSafe(&long).to_string().len(), MAX_LOGGED_BYTES + '…'.len_utf8());
        assert_eq!(LogSafe("Bærum").to_string(), "Bærum");
    }
}
