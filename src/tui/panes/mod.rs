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

/// Legal forms at the end of company names: the same across a family of
/// names, so a cut name spends no room on them.
const LEGAL_FORMS: [&str; 34] = [
    "GmbH & Co. KG",
    "Sp. z o.o.",
    "Pty Ltd",
    "Pte. Ltd.",
    "Inc.",
    "Inc",
    "LLC",
    "Corp.",
    "Ltd.",
    "Ltd",
    "PLC",
    "LLP",
    "DAC",
    "GmbH",
    "AG",
    "SA",
    "SAS",
    "SARL",
    "B.V.",
    "N.V.",
    "NV",
    "SRL",
    "S.L.",
    "S.A.",
    "S.p.A.",
    "S.r.l.",
    "AB",
    "A/S",
    "ApS",
    "AS",
    "ASA",
    "Oy",
    "Oyj",
    "K.K.",
];

/// A name cut to `width` columns in the middle, keeping its end: names of
/// one family differ there ("Ardent Systems North America Inc.", "… Europe
/// GmbH"), so two cut names still tell their records apart. A legal form is
/// left out first; the end kept is whole words.
pub fn fit_middle(text: &str, width: usize) -> String {
    use unicode_width::UnicodeWidthStr;
    if text.width() <= width {
        return text.to_string();
    }
    let base = LEGAL_FORMS
        .iter()
        .find_map(|form| text.strip_suffix(form).filter(|rest| rest.ends_with(' ')))
        .map_or(text, |rest| rest.trim_end_matches([' ', ',']));
    if base.width() < width {
        return format!("{base}…");
    }
    // A short name, or one that loses only a few letters of its end, reads
    // best cut at the end ("Borealis Syste…").
    if width < 12 || base.width() + 1 - width <= 3 {
        return fit(base, width);
    }
    // At least six columns of the start stay, to say which family it is.
    let budget = width - 7;
    let tail = base
        .char_indices()
        .filter(|(_, c)| *c == ' ')
        .map(|(i, _)| &base[i..])
        .filter(|t| t.width() <= budget && t.trim().width() >= 2)
        .max_by_key(|t| t.width());
    let Some(tail) = tail else { return fit(base, width) };
    let head = fit(base, width - tail.width());
    let head = head.trim_end_matches('…').trim_end();
    format!("{head}…{tail}")
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
        let widest =
            (1..widths.len()).filter(|i| !keep.contains(i) && widths[*i] > OTHER_MIN).max_by_key(|i| widths[*i]);
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
    fn names_cut_in_the_middle_keep_what_tells_them_apart() {
        use super::fit_middle;
        assert_eq!(fit_middle("Acme", 10), "Acme");
        assert_eq!(fit_middle("Ardent Systems North America Inc.", 20), "Ardent Syst… America");
        assert_eq!(fit_middle("Ardent Systems North Europe GmbH", 20), "Ardent… North Europe");
        assert_eq!(fit_middle("Ardent Systems Nord GmbH & Co. KG", 20), "Ardent Systems Nord…");
        assert_eq!(fit_middle("Altura Insurance - Renewal 2026", 16), "Altura Ins… 2026");
        assert_eq!(fit_middle("Bridge Mutual Canada Ltd.", 15), "Bridge… Canada");
        assert_eq!(fit_middle("Bridge Mutual Inc.", 15), "Bridge Mutual…");
        for (text, w) in [("Ardent Systems North America", 15), ("日本語テキストの会社名", 9), ("Ab", 1)] {
            let cut = fit_middle(text, w);
            assert!(unicode_width::UnicodeWidthStr::width(cut.as_str()) <= w, "{cut}");
        }
    }

    #[test]
    fn the_first_column_gives_way_and_kept_columns_stay_whole() {
        assert_eq!(super::share_widths(&[30, 12, 14], 60, &[2]), vec![30, 12, 14]);
        assert_eq!(super::share_widths(&[30, 12, 14], 40, &[2]), vec![14, 12, 14]);
        assert_eq!(super::share_widths(&[30, 12, 14], 30, &[2]), vec![10, 6, 14]);
        assert_eq!(super::share_widths(&[30, 12, 14], 10, &[2]), vec![10, 4, 14], "kept columns never shrink");
    }
}
