//! Makes untrusted text safe to draw in a terminal.
//!
//! Names, notes and subjects come from files, users and the database; drawn
//! as they are, an embedded escape sequence could retitle the window, clear
//! the screen, plant a hyperlink or talk to the clipboard, and bidi controls
//! can make text read differently from what it contains. The functions here
//! remove whole escape sequences (7-bit `ESC …` and 8-bit C1 forms), show any
//! other control character as `�`, and drop bidi and zero-width format
//! characters. Text that needs none of this is returned borrowed.

use std::borrow::Cow;

/// Shown in place of a control character that is not part of a sequence.
const REPLACEMENT: char = '\u{FFFD}';
const ESC: char = '\x1b';
const BEL: char = '\x07';
/// 8-bit String Terminator.
const ST: char = '\u{9c}';

#[derive(Clone, Copy, PartialEq, Eq)]
enum Mode {
    /// Everything on one line: line breaks and tabs become spaces.
    Line,
    /// Line breaks kept as `\n`, carriage returns dropped.
    Multiline,
}

/// One line of text with escape sequences removed and control characters,
/// bidi overrides and newlines made harmless.
///
/// `\t`, `\n` and `\r` each become one space (a `\r\n` pair counts as one);
/// other control characters become `�`; bidi controls and zero-width
/// characters (U+200B–U+200D, U+FEFF) are removed, which also splits emoji
/// joined with U+200D into their parts.
pub fn line(s: &str) -> Cow<'_, str> {
    clean(s, Mode::Line)
}

/// Like [`line`] but keeps line breaks: `\n` stays, `\r` is dropped (so
/// `\r\n` becomes `\n`), and `\t` becomes a space.
pub fn multiline(s: &str) -> Cow<'_, str> {
    clean(s, Mode::Multiline)
}

/// Bidi controls and zero-width characters, which are removed.
fn is_invisible(c: char) -> bool {
    matches!(
        c,
        '\u{061C}' | '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{FEFF}'
    )
}

/// C0 controls, DEL and C1 controls.
fn is_control(c: char) -> bool {
    matches!(c, '\0'..='\x1f' | '\x7f'..='\u{9f}')
}

fn is_untouched(c: char, mode: Mode) -> bool {
    if is_control(c) {
        mode == Mode::Multiline && c == '\n'
    } else {
        !is_invisible(c)
    }
}

fn clean(s: &str, mode: Mode) -> Cow<'_, str> {
    // Fast path: printable ASCII needs no work, so only look at characters
    // from the first byte that is anything else.
    let keep_newline = mode == Mode::Multiline;
    let first_other = s.bytes().position(|b| !((0x20..0x7f).contains(&b) || (keep_newline && b == b'\n')));
    let Some(first_other) = first_other else {
        return Cow::Borrowed(s);
    };
    let rest = &s[first_other..];
    let Some((offset, _)) = rest.char_indices().find(|&(_, c)| !is_untouched(c, mode)) else {
        return Cow::Borrowed(s);
    };
    let clean_prefix = first_other + offset;
    let mut out = String::with_capacity(s.len());
    out.push_str(&s[..clean_prefix]);
    rewrite(&s[clean_prefix..], mode, &mut out);
    Cow::Owned(out)
}

/// JSON text with every control, C1, bidi and zero-width character written
/// as a `\uXXXX` escape, so that JSON shown in a terminal cannot reorder or
/// corrupt it while a parser still reads back exactly the stored text.
///
/// `json` must be what a JSON serialiser wrote: outside strings such text
/// holds only ASCII punctuation, digits, letters and whitespace, so every
/// character replaced here lies inside a string, where `\uXXXX` is valid.
/// Line and paragraph separators (U+2028, U+2029) are escaped too.
pub fn escape_json(json: &str) -> Cow<'_, str> {
    // Raw `\n`, `\r` and `\t` can only be whitespace between tokens.
    let needs = |c: char| {
        (is_control(c) && !matches!(c, '\n' | '\r' | '\t')) || is_invisible(c) || matches!(c, '\u{2028}' | '\u{2029}')
    };
    if !json.chars().any(needs) {
        return Cow::Borrowed(json);
    }
    let mut out = String::with_capacity(json.len() + 16);
    for c in json.chars() {
        if needs(c) {
            // Every such character lies in the Basic Multilingual Plane.
            out.push_str(&format!("\\u{:04x}", c as u32));
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

fn rewrite(s: &str, mode: Mode, out: &mut String) {
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        match c {
            ESC => skip_escape(&mut chars),
            // 8-bit CSI.
            '\u{9b}' => skip_control_sequence(&mut chars),
            // 8-bit DCS, SOS, OSC, PM and APC: strings running to a terminator.
            '\u{90}' | '\u{98}' | '\u{9d}' | '\u{9e}' | '\u{9f}' => skip_string(&mut chars),
            '\n' => out.push(if mode == Mode::Line { ' ' } else { '\n' }),
            '\r' => {
                if mode == Mode::Line {
                    if chars.as_str().starts_with('\n') {
                        chars.next();
                    }
                    out.push(' ');
                }
            }
            '\t' => out.push(' '),
            c if is_control(c) => out.push(REPLACEMENT),
            c if is_invisible(c) => {}
            c => out.push(c),
        }
    }
}

fn peek(chars: &std::str::Chars<'_>) -> Option<char> {
    chars.as_str().chars().next()
}

/// Skips what follows an ESC. A lone ESC, or one followed by something that
/// cannot continue a sequence, is dropped by itself.
fn skip_escape(chars: &mut std::str::Chars<'_>) {
    match peek(chars) {
        Some('[') => {
            chars.next();
            skip_control_sequence(chars);
        }
        Some(']' | 'P' | 'X' | '^' | '_') => {
            chars.next();
            skip_string(chars);
        }
        // Intermediate bytes then a final byte: `ESC ( B`, `ESC 7`, `ESC c`.
        Some('\x20'..='\x7e') => {
            while let Some('\x20'..='\x2f') = peek(chars) {
                chars.next();
            }
            if let Some('\x30'..='\x7e') = peek(chars) {
                chars.next();
            }
        }
        _ => {}
    }
}

/// Skips the rest of a CSI sequence: parameter and intermediate bytes
/// (0x20–0x3F) and the final byte (0x40–0x7E). Anything else ends the
/// sequence early and is left to be read as text.
fn skip_control_sequence(chars: &mut std::str::Chars<'_>) {
    while let Some('\x20'..='\x3f') = peek(chars) {
        chars.next();
    }
    if let Some('\x40'..='\x7e') = peek(chars) {
        chars.next();
    }
}

/// Skips the body of an OSC, DCS, SOS, PM or APC string up to and including
/// its terminator: BEL, `ESC \` or the 8-bit ST. An ESC followed by anything
/// else ends the string and starts a new sequence. Unterminated, the string
/// runs to the end of the text.
fn skip_string(chars: &mut std::str::Chars<'_>) {
    while let Some(c) = peek(chars) {
        match c {
            BEL | ST => {
                chars.next();
                return;
            }
            ESC => {
                if chars.as_str()[1..].starts_with('\\') {
                    chars.next();
                    chars.next();
                }
                return;
            }
            _ => {
                chars.next();
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn is_borrowed(c: Cow<'_, str>) -> bool {
        matches!(c, Cow::Borrowed(_))
    }

    #[test]
    fn removes_title_and_clear_screen_sequences() {
        assert_eq!(line("\x1b]0;owned\x07Acme\x1b[2J"), "Acme");
        assert_eq!(multiline("\x1b]0;owned\x07Acme\x1b[2J"), "Acme");
    }

    #[test]
    fn removes_control_sequences() {
        let cases: &[(&str, &str)] = &[
            ("\x1b[1;31mRed\x1b[0m", "Red"),
            ("\x1b[38;2;255;0;0mrgb\x1b[m", "rgb"),
            ("a\x1b[?1049hb", "ab"),
            ("a\x1b[ qb", "ab"),
            ("\x1b[6n", ""),
            ("\u{9b}31mRed\u{9b}0m", "Red"),
            // A byte that cannot belong to the sequence ends it and stays.
            ("\x1b[31€x", "€x"),
            ("\x1b[31\nx", " x"),
        ];
        for &(input, want) in cases {
            assert_eq!(line(input), want, "{input:?}");
        }
    }

    #[test]
    fn removes_string_sequences() {
        let cases: &[(&str, &str)] = &[
            // OSC 8 hyperlink, terminated by ESC \.
            ("\x1b]8;;https://evil.example\x1b\\link\x1b]8;;\x1b\\", "link"),
            // OSC 52 clipboard write.
            ("x\x1b]52;c;cm0gLXJmIH4=\x07y", "xy"),
            ("\x1bPq#0;2;0;0;0\x1b\\after", "after"),
            ("\x1bX sos \x1b\\a", "a"),
            ("\x1b^ pm \x1b\\a", "a"),
            ("\x1b_ apc \x1b\\a", "a"),
            ("\u{9d}0;title\u{9c}Acme", "Acme"),
            ("\u{9d}0;title\x07Acme", "Acme"),
            ("\u{90}q\u{9c}x", "x"),
            ("\u{98}s\u{9c}\u{9e}p\u{9c}\u{9f}a\u{9c}x", "x"),
            // A new ESC ends the string and begins its own sequence.
            ("\x1b]0;t\x1b[31mX", "X"),
            // The body may hold anything, line breaks included.
            ("\x1b]0;a\nb\u{202e}\x07ok", "ok"),
        ];
        for &(input, want) in cases {
            assert_eq!(line(input), want, "{input:?}");
        }
    }

    #[test]
    fn removes_short_escape_sequences() {
        let cases: &[(&str, &str)] = &[
            ("\x1b7saved\x1b8", "saved"),
            ("\x1b(Bx", "x"),
            ("\x1bcReset", "Reset"),
            ("\x1b#8x", "x"),
            ("\x1bMup", "up"),
            ("\x1b\x1b[31mX", "X"),
            ("\x1bé", "é"),
            ("\x1b\x00x", "�x"),
        ];
        for &(input, want) in cases {
            assert_eq!(line(input), want, "{input:?}");
        }
    }

    #[test]
    fn drops_unterminated_sequences_at_the_end() {
        for input in [
            "Acme\x1b",
            "Acme\x1b[",
            "Acme\x1b[12;3",
            "Acme\x1b]",
            "Acme\x1b]0;title",
            "Acme\x1b]0;title\x1b",
            "Acme\x1bP",
            "Acme\x1bPq#0;2",
            "Acme\x1b(",
            "Acme\x1b_apc",
            "Acme\u{9b}",
            "Acme\u{9b}12",
            "Acme\u{9d}0;title",
            "Acme\u{90}",
        ] {
            assert_eq!(line(input), "Acme", "{input:?}");
            assert_eq!(multiline(input), "Acme", "{input:?}");
        }
    }

    #[test]
    fn shows_other_controls_as_replacement_characters() {
        assert_eq!(line("a\x00b\x07c\x7fd"), "a�b�c�d");
        assert_eq!(line("\x08\x0b\x0c\x1f"), "����");
        assert_eq!(line("next\u{85}line"), "next�line");
        assert_eq!(line("lone\u{9c}st"), "lone�st");
        assert_eq!(line("\u{80}\u{9a}"), "��");
        assert_eq!(multiline("a\x00b"), "a�b");
    }

    #[test]
    fn line_flattens_breaks_and_tabs() {
        assert_eq!(line("a\nb"), "a b");
        assert_eq!(line("a\r\nb"), "a b");
        assert_eq!(line("a\rb"), "a b");
        assert_eq!(line("a\tb"), "a b");
        assert_eq!(line("a\n\nb"), "a  b");
        assert_eq!(line("a\r\r\nb"), "a  b");
    }

    #[test]
    fn multiline_keeps_newlines_and_drops_carriage_returns() {
        assert_eq!(multiline("a\r\nb\tc\rd"), "a\nb cd");
        assert_eq!(multiline("one\ntwo\n"), "one\ntwo\n");
        assert_eq!(multiline("\x1b[1mTitle\x1b[0m\nbody"), "Title\nbody");
    }

    #[test]
    fn removes_bidi_and_zero_width_characters() {
        assert_eq!(line("\u{202e}evil\u{202c}"), "evil");
        assert_eq!(line("a\u{202a}b\u{202b}c\u{202d}d"), "abcd");
        assert_eq!(line("\u{2066}x\u{2067}y\u{2068}z\u{2069}"), "xyz");
        assert_eq!(line("\u{200e}l\u{200f}r\u{061c}"), "lr");
        assert_eq!(line("in\u{200b}voi\u{200c}ce"), "invoice");
        assert_eq!(line("\u{feff}Acme"), "Acme");
        assert_eq!(line("👨\u{200d}👩"), "👨👩");
        assert_eq!(multiline("\u{202e}x\ny"), "x\ny");
    }

    #[test]
    fn borrows_when_nothing_changes() {
        for s in ["", "Acme Corp", "Acme Corp — Zürich 東京 🚀", "ab\u{00ad}c", "\u{2028}", "price: $5 (approx.) ~"]
        {
            let cleaned = line(s);
            assert_eq!(cleaned, s);
            assert!(is_borrowed(cleaned), "{s:?}");
        }
        assert!(is_borrowed(multiline("one\ntwo")));
        assert!(!is_borrowed(line("one\ntwo")));
        assert!(!is_borrowed(multiline("one\r\ntwo")));
        assert!(!is_borrowed(line("Zürich\u{200b}")));
    }

    #[test]
    fn json_escapes_controls_bidi_and_zero_width_characters() {
        let json =
            serde_json::to_string(&"a\u{202e}b\u{85}c\u{9b}d\u{7f}e\u{2066}f\u{200b}g\u{2028}h\x1b[2Ji").unwrap();
        let escaped = escape_json(&json);
        assert_eq!(escaped, r#""a\u202eb\u0085c\u009bd\u007fe\u2066f\u200bg\u2028h\u001b[2Ji""#);
        let back: String = serde_json::from_str(&escaped).unwrap();
        assert_eq!(back, "a\u{202e}b\u{85}c\u{9b}d\u{7f}e\u{2066}f\u{200b}g\u{2028}h\x1b[2Ji");
        let plain = "{\n  \"name\": \"Zürich 東京 🚀\"\n}";
        assert!(is_borrowed(escape_json(plain)));
    }

    /// Characters that may not survive: `line` also forbids `\n`.
    fn forbidden(c: char) -> bool {
        is_control(c) || is_invisible(c)
    }

    /// Text full of escape introducers, terminators and awkward characters.
    fn escape_soup() -> impl Strategy<Value = String> {
        let pieces = prop::sample::select(vec![
            "\x1b", "[", "]", "P", "X", "^", "_", "(", "#", "\x07", "\\", "\u{9b}", "\u{9c}", "\u{9d}", "\u{90}",
            "\u{98}", "\u{9e}", "\u{9f}", "\u{85}", "0", ";", "?", "m", "J", "A", " ", "é", "東", "\n", "\r", "\t",
            "\x00", "\x7f", "\u{202e}", "\u{2066}", "\u{200b}", "\u{feff}", "\u{061c}", "\u{200d}",
        ]);
        prop::collection::vec(pieces, 0..40).prop_map(|v| v.concat())
    }

    fn check_output(input: &str) -> Result<(), TestCaseError> {
        let one = line(input);
        prop_assert!(!one.chars().any(forbidden), "line({:?}) = {:?}", input, one);
        let many = multiline(input);
        prop_assert!(!many.chars().any(|c| c != '\n' && forbidden(c)), "multiline({:?}) = {:?}", input, many);
        // Cleaning is idempotent: clean text comes back borrowed.
        prop_assert!(is_borrowed(line(&one)));
        prop_assert!(is_borrowed(multiline(&many)));
        Ok(())
    }

    proptest! {
        #[test]
        fn output_holds_no_controls_or_bidi(s in any::<String>()) {
            check_output(&s)?;
        }

        #[test]
        fn output_holds_no_controls_or_bidi_for_escape_soup(s in escape_soup()) {
            check_output(&s)?;
        }

        #[test]
        fn json_output_round_trips_and_holds_no_controls_or_bidi(s in any::<String>()) {
            let json = serde_json::to_string_pretty(&serde_json::json!({ "text": s })).unwrap();
            let escaped = escape_json(&json);
            prop_assert!(!escaped.chars().any(|c| c != '\n' && forbidden(c)), "{:?}", escaped);
            let back: serde_json::Value = serde_json::from_str(&escaped).unwrap();
            prop_assert_eq!(back["text"].as_str(), Some(s.as_str()));
        }

        #[test]
        fn text_without_controls_or_format_characters_is_borrowed(s in "[^\\p{Cc}\\p{Cf}]*") {
            let cleaned = line(&s);
            prop_assert_eq!(&cleaned, s.as_str());
            prop_assert!(is_borrowed(cleaned));
        }

        #[test]
        fn text_around_sequences_survives(
            a in "[^\\p{Cc}\\p{Cf}]*",
            b in "[^\\p{Cc}\\p{Cf}]*",
            params in "[0-9;?]{0,12}",
            final_byte in "[@-~]",
            payload in "[^\\x07\\x1b\\x{9c}]*",
        ) {
            let csi = format!("{a}\x1b[{params}{final_byte}{b}");
            prop_assert_eq!(line(&csi), format!("{a}{b}"));
            let osc = format!("{a}\x1b]{payload}\x07{b}");
            prop_assert_eq!(line(&osc), format!("{a}{b}"));
            let osc_st = format!("{a}\x1b]{payload}\x1b\\{b}");
            prop_assert_eq!(line(&osc_st), format!("{a}{b}"));
        }
    }
}
