//! The one way the command line writes to the terminal. Every line, table,
//! error and hint passes through the sanitiser here, and every JSON document
//! through one writer that escapes what could disturb a terminal, so that
//! no stored text or echoed argument reaches stdout or stderr raw, whatever
//! the command. `print!` and friends are refused elsewhere in `cli` by lint.
#![allow(clippy::print_stdout, clippy::print_stderr)]

use crate::domain::{limits, sanitize};
use anyhow::{Context, Result};
use std::io::Write;

/// Lines longer than this (an argument echoed by the parser, say) are cut.
const LINE_MAX: usize = 1000;

/// Writes text to stdout, made safe; line breaks are kept.
pub fn print(text: &str) -> Result<()> {
    let text = safe(text);
    let mut out = std::io::stdout().lock();
    out.write_all(text.as_bytes()).and_then(|_| out.flush()).context("cannot write to standard output")
}

/// Writes text meant for other programs (CSV, a Markdown table) to stdout:
/// made safe like everything else, but never cut, so no row is lost.
pub fn data(text: &str) -> Result<()> {
    let text = sanitize::multiline(text);
    let mut out = std::io::stdout().lock();
    out.write_all(text.as_bytes()).and_then(|_| out.flush()).context("cannot write to standard output")
}

/// Writes text that rapport generates from its own definitions (a completion
/// script, the man page) byte for byte: nothing stored or typed is in it, and
/// a cut line or a dropped tab would break the script.
pub fn generated(bytes: &[u8]) -> Result<()> {
    let mut out = std::io::stdout().lock();
    out.write_all(bytes).and_then(|_| out.flush()).context("cannot write to standard output")
}

/// Writes a line to stdout, made safe.
pub fn say(line: &str) -> Result<()> {
    print(&format!("{line}\n"))
}

/// Writes text to stderr, made safe; line breaks are kept. Errors writing
/// to stderr have nowhere to be reported and are ignored.
pub fn eprint(text: &str) {
    let text = safe(text);
    let mut err = std::io::stderr().lock();
    let _ = err.write_all(text.as_bytes()).and_then(|_| err.flush());
}

/// Writes a line to stderr, made safe.
pub fn warn(line: &str) {
    eprint(&format!("{line}\n"))
}

/// Rewrites the current stderr line (progress on a terminal).
pub fn progress(line: &str) {
    let line = sanitize::line(line);
    let mut err = std::io::stderr().lock();
    let _ = write!(err, "\r{line}").and_then(|_| err.flush());
}

/// Prints panics the same safe way: a panic message may quote stored text.
/// The backtrace, when `RUST_BACKTRACE` asks for one, too.
pub fn panic_hook() {
    std::panic::set_hook(Box::new(|info| {
        warn(&format!("rapport {info}"));
        if std::env::var_os("RUST_BACKTRACE").is_some_and(|v| v != "0") {
            eprint(&std::backtrace::Backtrace::force_capture().to_string());
        } else {
            warn("note: run with `RUST_BACKTRACE=1` to see where it came from");
        }
    }));
}

/// Writes a value as pretty JSON to stdout: the only JSON writer of the
/// command line. Control, C1, bidi and zero-width characters are written as
/// `\uXXXX`, so the bytes hold none of them and parsers read the text back
/// exactly as stored.
pub fn json<T: serde::Serialize>(value: &T) -> Result<()> {
    let text = serde_json::to_string_pretty(value)?;
    // Written as it is when nothing needs escaping: a second copy of a
    // large document (the whole book's brief) is not needed.
    let text = sanitize::escape_json(&text);
    let mut out = std::io::stdout().lock();
    out.write_all(text.as_bytes())
        .and_then(|_| out.write_all(b"\n"))
        .and_then(|_| out.flush())
        .context("cannot write to standard output")
}

/// An error message and its hint lines as printed: `error: …` on one line,
/// with arguments the person typed cut to a preview wherever they are
/// echoed whole.
pub fn error_text(message: &str, args: &[String]) -> String {
    let message = shorten_arguments(message, args);
    sanitize::line(&message).into_owned()
}

/// Replaces every long argument quoted whole in `text` by its preview.
pub fn shorten_arguments(text: &str, args: &[String]) -> String {
    let mut text = text.to_string();
    let mut long: Vec<&str> = args
        .iter()
        .flat_map(|a| [a.as_str(), a.trim(), a.split_once('=').map_or("", |(_, v)| v)])
        .filter(|a| a.chars().count() > limits::PREVIEW_CHARS)
        .collect();
    // Longest first, so that an argument is cut before any part of it.
    long.sort_by_key(|a| std::cmp::Reverse(a.len()));
    long.dedup();
    for a in long {
        if text.contains(a) {
            text = text.replace(a, &limits::preview(a));
        }
    }
    text
}

/// Text made safe to print, line breaks kept, overlong lines cut.
fn safe(text: &str) -> String {
    cut_long_lines(&sanitize::multiline(text)).into_owned()
}

/// Cuts lines longer than [`LINE_MAX`] characters: no message needs more,
/// and a runaway argument should not fill the screen.
fn cut_long_lines(text: &str) -> std::borrow::Cow<'_, str> {
    if text.len() <= LINE_MAX || text.split('\n').all(|l| l.len() <= LINE_MAX || l.chars().count() <= LINE_MAX) {
        return std::borrow::Cow::Borrowed(text);
    }
    let lines: Vec<String> = text
        .split('\n')
        .map(|l| {
            let n = l.chars().count();
            if n <= LINE_MAX {
                l.to_string()
            } else {
                format!("{}… ({n} characters)", l.chars().take(LINE_MAX).collect::<String>())
            }
        })
        .collect();
    std::borrow::Cow::Owned(lines.join("\n"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_arguments_echoed_in_errors_become_previews() {
        let long = "q".repeat(5000);
        let args = vec!["rapport".to_string(), "find".to_string(), long.clone()];
        let text = error_text(&format!("no account matches \"{long}\"\x1b[2J"), &args);
        assert_eq!(text, format!("no account matches \"{}… (5,000 characters)\"", "q".repeat(39)));
        let args = vec![format!("--name={long}")];
        assert!(error_text(&format!("'{long}' is bad"), &args).len() < 100);
    }

    #[test]
    fn long_lines_are_cut() {
        let text = format!("short\n{}\n", "x".repeat(5000));
        let cut = cut_long_lines(&text);
        assert!(cut.starts_with("short\nxxx"));
        assert!(cut.ends_with("… (5000 characters)\n"), "{}", &cut[cut.len() - 40..]);
        assert!(cut.len() < 1100);
    }
}
