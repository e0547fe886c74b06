//! The status report as GitHub Markdown: a heading, the headline figures
//! and one table per section, money written as the command line writes it.

use crate::domain::sanitize;
use crate::domain::status::{Section, StatusReport, Val};

/// Made safe for a terminal, on one line, with every character Markdown
/// could read as markup escaped, so a name shows as typed.
pub(crate) fn md_text(s: &str) -> String {
    let clean = sanitize::line(s);
    let mut out = String::with_capacity(clean.len());
    for c in clean.chars() {
        if matches!(c, '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '|' | '&' | '~' | '#' | '!') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

fn cell(v: &Val) -> String {
    md_text(&v.shown())
}

fn row(cells: &[Val], bold: bool) -> String {
    let cells: Vec<String> = cells
        .iter()
        .map(|v| {
            let text = cell(v);
            if bold && !text.is_empty() {
                format!("**{text}**")
            } else {
                text
            }
        })
        .collect();
    format!("| {} |\n", cells.join(" | "))
}

fn section(out: &mut String, s: &Section) {
    out.push_str(&format!("\n## {}\n\n{}\n\n", md_text(&s.title), md_text(&s.note)));
    if s.rows.is_empty() && s.totals.is_empty() {
        out.push_str("_None._\n");
        return;
    }
    let names: Vec<&str> = s.columns.iter().map(|c| c.name).collect();
    out.push_str(&format!("| {} |\n", names.join(" | ")));
    let rule: Vec<&str> = s.columns.iter().map(|c| if c.kind.is_number() { "---:" } else { "---" }).collect();
    out.push_str(&format!("| {} |\n", rule.join(" | ")));
    for r in &s.rows {
        out.push_str(&row(r, false));
    }
    for t in &s.totals {
        out.push_str(&row(t, true));
    }
}

pub fn render_md(r: &StatusReport) -> String {
    let h = &r.headline;
    let mut out = format!("# {}\n\nAs of {}.\n\n", md_text(&r.title()), r.today);
    let target = match (h.target, h.attainment) {
        (Some(t), Some(a)) => format!(" of {t} target ({a:.1}%)"),
        (Some(t), None) => format!(" of {t} target"),
        _ => " (no target)".into(),
    };
    out.push_str(&format!(
        "**Won** {}{target} · **Commit** {} · **Best case** {} · **Forecast** {} · **Open pipeline** {}\n",
        h.won, h.commit, h.best_case, h.forecast, h.pipeline
    ));
    for s in &r.sections {
        section(&mut out, s);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markup_and_escapes_are_neutralised() {
        assert_eq!(md_text("A|B *x* <b>"), "A\\|B \\*x\\* \\<b\\>");
        assert_eq!(md_text("a\x1b[31mred\nnext"), "ared next");
        assert_eq!(md_text("Fish & Chips_1"), "Fish \\& Chips\\_1");
    }
}
