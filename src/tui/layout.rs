//! Where everything goes for a terminal size. Pure, so drawing and mouse
//! hit-testing agree on the same rectangles.

use super::app::PaneId;
use ratatui::layout::{Constraint, Layout, Rect};

/// At this width and above, the four panes share the screen as a 2×2 grid.
pub const GRID_MIN_WIDTH: u16 = 120;

/// At this width and above, Today is a fifth pane beside the grid; below
/// it, `t` opens Today over the panes.
pub const TODAY_MIN_WIDTH: u16 = 160;

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Areas {
    pub header: Rect,
    pub footer: Rect,
    /// The tab bar in single-pane mode.
    pub tab_bar: Option<Rect>,
    /// Click targets of the tabs, in pane order.
    pub tabs: Vec<Rect>,
    /// Each pane's rectangle, when it is shown, in `PaneId::EVERY` order.
    pub panes: [Option<Rect>; 5],
    /// Everything between the header and the footer.
    pub body: Rect,
}

impl Areas {
    pub fn pane(&self, pane: PaneId) -> Option<Rect> {
        self.panes[pane.index()]
    }
}

/// Whether a screen this wide shows Today as a pane of its own.
pub fn today_pane_fits(size: Rect) -> bool {
    size.width >= TODAY_MIN_WIDTH
}

/// The tab labels, also used to size their click targets: the panes' short
/// names when the full ones would not all fit in a bar `width` wide.
pub fn tab_label(i: usize, pane: PaneId, width: u16) -> String {
    let full: usize = PaneId::ALL.iter().map(|p| p.title().chars().count() + 4).sum::<usize>() + PaneId::ALL.len();
    let title = if full > width as usize {
        match pane {
            PaneId::Timeline => "Timeline",
            PaneId::Conflicts => "Queue",
            PaneId::Targets => "Targets",
            _ => pane.title(),
        }
    } else {
        pane.title()
    };
    format!(" {} {title} ", i + 1)
}

pub fn areas(size: Rect, focus: PaneId, zoom: bool) -> Areas {
    let [header, body, footer] =
        Layout::vertical([Constraint::Length(1), Constraint::Min(0), Constraint::Length(1)]).areas(size);
    let mut out = Areas { header, footer, body, ..Areas::default() };
    let focus_index = focus.index();
    if zoom {
        out.panes[focus_index] = Some(body);
    } else if size.width >= GRID_MIN_WIDTH {
        let mut grid = body;
        if today_pane_fits(size) {
            // A column on the right: a quarter of the screen, at least 40 wide.
            let width = (size.width / 4).max(40);
            let [left, right] = Layout::horizontal([Constraint::Min(0), Constraint::Length(width)]).areas(body);
            grid = left;
            out.panes[PaneId::Today.index()] = Some(right);
        }
        let body = grid;
        let [top, bottom] = Layout::vertical([Constraint::Percentage(58), Constraint::Percentage(42)]).areas(body);
        let [tl, tr] = Layout::horizontal([Constraint::Percentage(50), Constraint::Percentage(50)]).areas(top);
        let [bl, br] = Layout::horizontal([Constraint::Percentage(50), Constraint::Percentage(50)]).areas(bottom);
        out.panes[..4].copy_from_slice(&[Some(tl), Some(tr), Some(bl), Some(br)]);
    } else {
        let [bar, pane] = Layout::vertical([Constraint::Length(1), Constraint::Min(0)]).areas(body);
        out.tab_bar = Some(bar);
        let mut x = bar.x;
        for (i, p) in PaneId::ALL.iter().enumerate() {
            let w = (tab_label(i, *p, bar.width).chars().count() as u16).min(bar.right().saturating_sub(x));
            out.tabs.push(Rect::new(x, bar.y, w, 1));
            x = x.saturating_add(w + 1);
        }
        out.panes[focus_index] = Some(pane);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wide_screens_get_a_grid_narrow_ones_get_tabs() {
        let wide = areas(Rect::new(0, 0, 200, 60), PaneId::Timeline, false);
        assert!(wide.panes.iter().all(Option::is_some));
        assert!(wide.tab_bar.is_none());
        let narrow = areas(Rect::new(0, 0, 80, 24), PaneId::Conflicts, false);
        assert_eq!(narrow.panes.iter().filter(|p| p.is_some()).count(), 1);
        assert_eq!(narrow.pane(PaneId::Conflicts), Some(Rect::new(0, 2, 80, 21)));
        assert_eq!(narrow.tabs.len(), 4);
        assert_eq!(tab_label(3, PaneId::Targets, 80), " 4 Target tracker ");
        assert_eq!(tab_label(3, PaneId::Targets, 60), " 4 Targets ", "every tab whole at 60 columns");
        let small = areas(Rect::new(0, 0, 60, 20), PaneId::Conflicts, false);
        assert!(small.tabs.iter().all(|t| t.right() <= 60) && small.tabs[3].width == 11, "{:?}", small.tabs);
        assert!(wide.pane(PaneId::Today).is_some(), "200 columns have room for Today");
        let grid = areas(Rect::new(0, 0, 150, 40), PaneId::Timeline, false);
        assert!(grid.pane(PaneId::Today).is_none() && grid.pane(PaneId::Targets).is_some());
        assert!(narrow.pane(PaneId::Today).is_none());
        let zoomed = areas(Rect::new(0, 0, 200, 60), PaneId::Targets, true);
        assert_eq!(zoomed.pane(PaneId::Targets), Some(Rect::new(0, 1, 200, 58)));
        assert!(zoomed.pane(PaneId::Portfolio).is_none());
    }
}
