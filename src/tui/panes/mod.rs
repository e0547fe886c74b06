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

/// Column widths for `room` columns of text (gaps between columns already
/// taken out): each column as wide as `natural` says, and when they do not
/// fit, the first column (a record's name or title) gives way first, down to
/// `FIRST_MIN`, then the widest of the other columns not in `keep`. Columns in
/// `keep` (amounts, dates) stay whole, so a number is never cut.
pub fn share_widths(natural: &[usize], room: usize, keep: &[usize]) -> Vec<usize> {
    const FIRST_MIN: usize = 10;
    const OTHER_MIN: usize = 4;
    let mut widths = natural.to_vec();
    let mut over = widths.iter().sum::<usize>().saturating_sub(room);
    if over > 0 && !widths.is_empty() && !keep.contains(&0) {
        let give = over.min(widths[0].saturating_sub(FIRST_MIN));
        widths[0] -= give;
        over -= give;
    }
    while over > 0 {
        let widest = (1..widths.len()).filter(|i| !keep.contains(i) && widths[*i] > OTHER_MIN).max_by_key(|i| widths[*i]);
        let Some(i) = widest else { break };
        widths[i] -= 1;
        over -= 1;
    }
    widths
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

    #[test]
    fn the_first_column_gives_way_and_kept_columns_stay_whole() {
        assert_eq!(super::share_widths(&[30, 12, 14], 60, &[2]), vec![30, 12, 14]);
        assert_eq!(super::share_widths(&[30, 12, 14], 40, &[2]), vec![14, 12, 14]);
        assert_eq!(super::share_widths(&[30, 12, 14], 30, &[2]), vec![10, 6, 14]);
        assert_eq!(super::share_widths(&[30, 12, 14], 10, &[2]), vec![10, 4, 14], "kept columns never shrink");
    }
}
