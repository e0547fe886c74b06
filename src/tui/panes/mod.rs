//! The panes (four, and Today where there is room): each holds its view state, loads it from the store, and
//! draws it from that state alone.

pub mod conflicts;
pub mod portfolio;
pub mod targets;
pub mod timeline;
pub mod today;

use super::theme::Theme;
use ratatui::layout::Rect;
use ratatui::widgets::{Block, BorderType, Borders};

/// The frame around a pane, its number and title on the border.
pub fn frame<'a>(index: usize, title: String, focused: bool, theme: Theme) -> Block<'a> {
    Block::default()
        .borders(Borders::ALL)
        .border_type(if focused { BorderType::Thick } else { BorderType::Plain })
        .border_style(theme.border(focused))
        .title(format!(" {} {} ", index + 1, title))
        .title_style(theme.title())
}

/// Text cut to `width` columns with an ellipsis, so cut names are visibly cut.
pub fn fit(text: &str, width: usize) -> String {
    use unicode_width::UnicodeWidthChar;
    let mut out = String::new();
    let mut used = 0;
    let total: usize = text.chars().map(|c| c.width().unwrap_or(0)).sum();
    if total <= width {
        return text.to_string();
    }
    for c in text.chars() {
        let w = c.width().unwrap_or(0);
        if used + w + 1 > width {
            break;
        }
        out.push(c);
        used += w;
    }
    if width > 0 {
        out.push('…');
    }
    out
}

/// The inner rectangle of a bordered pane.
pub fn inner(area: Rect) -> Rect {
    Block::default().borders(Borders::ALL).inner(area)
}

#[cfg(test)]
mod tests {
    #[test]
    fn fit_marks_what_it_cuts() {
        assert_eq!(super::fit("Acme", 10), "Acme");
        assert_eq!(super::fit("Acme Logistics", 6), "Acme …");
        assert_eq!(super::fit("日本語テキスト", 5), "日本…");
    }
}
