//! How long text may be, and how much of a person's input is echoed back.
//!
//! A name or a summary is a line someone reads in a list; notes and bodies
//! are pages. Limits keep a pasted file or a runaway script from becoming a
//! "one-line" summary of 128 KiB that every list then has to carry. Lengths
//! count characters (Unicode scalar values), not bytes. The store checks
//! every text column with [`max_chars`], so the command line and the
//! cockpit obey the same limits; the command line checks its arguments
//! earlier, to name the flag.

use crate::domain::sanitize;

/// Names, titles, summaries and every other one-line field.
pub const LINE_MAX: usize = 500;
/// Notes, bodies, descriptions and resolutions.
pub const TEXT_MAX: usize = 65_536;
/// A lookup query (`rapport find`, the cockpit's search).
pub const QUERY_MAX: usize = 200;
/// Characters of a person's input quoted back in a message.
pub const PREVIEW_CHARS: usize = 40;

/// The columns that hold running text rather than one line.
// `sla_pauses` is rapport's own list of spans, which grows with every wait on the customer.
const LONG_FIELDS: [&str; 5] = ["notes", "body", "description", "resolution", "sla_pauses"];

/// The most characters a text field (named by its column) may hold.
pub fn max_chars(field: &str) -> usize {
    if LONG_FIELDS.contains(&field) {
        TEXT_MAX
    } else {
        LINE_MAX
    }
}

/// Refuses text longer than `max` characters: "the summary is 131,072
/// characters long; at most 500 are allowed".
pub fn check(what: &str, text: &str, max: usize) -> Result<(), String> {
    // A text of at most `max` bytes cannot hold more characters than that.
    if text.len() <= max {
        return Ok(());
    }
    let n = text.chars().count();
    if n <= max {
        return Ok(());
    }
    Err(format!("{what} is {} characters long; at most {} are allowed", thousands(n), thousands(max)))
}

/// Refuses a text field longer than its column allows.
pub fn check_field(field: &str, text: &str) -> Result<(), String> {
    check(&field.replace('_', " "), text, max_chars(field))
}

/// `text` cut to at most `max` characters, the last one an ellipsis when
/// anything was cut.
pub fn truncate(text: &str, max: usize) -> String {
    if text.len() <= max || text.chars().count() <= max {
        return text.to_string();
    }
    let mut out: String = text.chars().take(max.saturating_sub(1)).collect();
    out.push('…');
    out
}

/// A person's input as it may be quoted in a message: made safe to print
/// and cut to a short preview that says how long the whole was.
pub fn preview(text: &str) -> String {
    let clean = sanitize::line(text);
    let n = clean.chars().count();
    if n <= PREVIEW_CHARS {
        return clean.into_owned();
    }
    let head: String = clean.chars().take(PREVIEW_CHARS - 1).collect();
    format!("{head}… ({} characters)", thousands(n))
}

/// `131072` as `131,072`.
fn thousands(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_line_fields_and_running_text_have_their_own_limits() {
        assert_eq!(max_chars("name"), LINE_MAX);
        assert_eq!(max_chars("summary"), LINE_MAX);
        assert_eq!(max_chars("notes"), TEXT_MAX);
        assert_eq!(max_chars("body"), TEXT_MAX);
        assert!(check_field("name", &"é".repeat(500)).is_ok());
        let err = check_field("name", &"é".repeat(501)).unwrap_err();
        assert_eq!(err, "name is 501 characters long; at most 500 are allowed");
        let err = check_field("body", &"x".repeat(128 * 1024)).unwrap_err();
        assert_eq!(err, "body is 131,072 characters long; at most 65,536 are allowed");
        // Multi-byte text is measured in characters, not bytes.
        assert!(check("query", &"東".repeat(200), QUERY_MAX).is_ok());
    }

    #[test]
    fn previews_are_short_safe_and_say_how_long_the_whole_was() {
        assert_eq!(preview("gold"), "gold");
        assert_eq!(preview("\x1b]0;owned\x07gold\u{202e}"), "gold");
        let p = preview(&"a".repeat(128 * 1024));
        assert_eq!(p, format!("{}… (131,072 characters)", "a".repeat(39)));
    }

    #[test]
    fn truncation_keeps_short_text_and_marks_a_cut() {
        assert_eq!(truncate("short", 10), "short");
        assert_eq!(truncate("abcdefghij", 10), "abcdefghij");
        assert_eq!(truncate("abcdefghijk", 10), "abcdefghi…");
        assert_eq!(truncate(&"東".repeat(20), 5).chars().count(), 5);
    }

    #[test]
    fn thousands_are_grouped() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(1000), "1,000");
        assert_eq!(thousands(65_536), "65,536");
        assert_eq!(thousands(1_234_567), "1,234,567");
    }
}
