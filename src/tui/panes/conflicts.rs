//! Conflict queue: every unresolved conflict, least SLA time left first.

use super::frame;
use crate::domain::{time, Severity};
use crate::store::{ConflictRow, Store};
use crate::tui::app::{sanitize_in_place, App, PaneId};
use crate::tui::nav::Nav;
use anyhow::Result;
use ratatui::layout::{Constraint, Rect};
use ratatui::text::Span;
use ratatui::widgets::{Cell, Paragraph, Row, Table};
use ratatui::Frame;

#[derive(Default)]
pub struct Conflicts {
    pub rows: Vec<ConflictRow>,
    pub view: Vec<u32>,
    pub nav: Nav,
    pub owner_filter: Option<i64>,
    pub severity_filter: Option<Severity>,
    /// While only the first screenful is loaded: how many are open in all.
    pub total: Option<usize>,
}

fn sanitize_rows(rows: &mut [ConflictRow]) {
    for r in rows {
        sanitize_in_place(&mut r.account);
        sanitize_in_place(&mut r.title);
        if let Some(o) = &mut r.owner {
            sanitize_in_place(o);
        }
    }
}

impl Conflicts {
    pub fn load(&mut self, store: &Store) -> Result<()> {
        let rows = store.open_conflicts()?;
        self.set_rows(rows);
        Ok(())
    }

    /// The first `n` by SLA and the count of all, while the rest loads.
    pub fn load_first(&mut self, store: &Store, n: usize) -> Result<()> {
        let (mut rows, total) = store.open_conflicts_first(n)?;
        sanitize_rows(&mut rows);
        self.rows = rows;
        self.total = Some(total);
        self.refilter(None);
        Ok(())
    }

    pub fn set_rows(&mut self, mut rows: Vec<ConflictRow>) {
        let keep = self.selected().map(|c| c.id);
        sanitize_rows(&mut rows);
        self.rows = rows;
        self.total = None;
        self.refilter(keep);
    }

    fn refilter(&mut self, keep: Option<i64>) {
        self.view = (0..self.rows.len() as u32)
            .filter(|&i| {
                let r = &self.rows[i as usize];
                self.owner_filter.is_none_or(|o| r.owner_id == Some(o))
                    && self.severity_filter.is_none_or(|s| r.severity == s)
            })
            .collect();
        self.nav.selected =
            keep.and_then(|id| self.view.iter().position(|&i| self.rows[i as usize].id == id)).unwrap_or(0);
    }

    pub fn selected(&self) -> Option<&ConflictRow> {
        self.view.get(self.nav.selected).map(|&i| &self.rows[i as usize])
    }

    pub fn selected_account(&self) -> Option<i64> {
        self.selected().map(|c| c.account_id)
    }

    pub fn step(&mut self, delta: isize, height: usize) {
        self.nav.step(delta, self.view.len(), height);
    }

    pub fn follow(&mut self, height: usize) {
        self.nav.follow(self.view.len(), height);
    }

    pub fn click(&mut self, row: usize, height: usize) {
        self.nav.click(row, self.view.len(), height);
    }

    pub fn set_filter(&mut self, owner: Option<i64>, severity: Option<Severity>, height: usize) {
        let keep = self.selected().map(|c| c.id);
        self.owner_filter = owner;
        self.severity_filter = severity;
        self.refilter(keep);
        self.nav.follow(self.view.len(), height);
    }
}

pub fn draw(f: &mut Frame, area: Rect, app: &App) {
    let c = &app.conflicts;
    let theme = app.theme;
    let focused = app.focus == PaneId::Conflicts;
    let now = app.now.naive_utc();
    // ISO timestamps order as text: no parsing across the whole queue per frame.
    let now_text = crate::store::timestamp(app.now);
    let breached = c.view.iter().filter(|&&i| c.rows[i as usize].sla_due_at < now_text).count();
    let open = c.total.unwrap_or(c.view.len());
    let breached = if c.total.is_some() { app.badges.breached as usize } else { breached };
    let mut title = format!("Conflict queue · {open} open · {breached} breached");
    let mut filters = Vec::new();
    if let Some(o) = c.owner_filter {
        filters.push(app.reps.iter().find(|r| r.id == o).map_or("?".into(), |r| format!("owner {}", r.name)));
    }
    if let Some(s) = c.severity_filter {
        filters.push(format!("severity {}", s.as_str()));
    }
    if !filters.is_empty() {
        title.push_str(&format!(" · {}", filters.join(", ")));
    }
    let block = frame(2, title, focused, theme);
    let inner = block.inner(area);
    f.render_widget(block, area);
    if c.view.is_empty() {
        let text =
            if c.rows.is_empty() { "No open conflicts." } else { "No conflict passes the filter (F clears it)." };
        f.render_widget(Paragraph::new(text).style(theme.dim()), inner);
        return;
    }
    let height = inner.height.saturating_sub(1) as usize;
    let wide = inner.width >= 90;
    let rows = c.nav.window(c.view.len(), height).map(|vi| {
        let r = &c.rows[c.view[vi] as usize];
        let due = time::parse_timestamp(&r.sla_due_at);
        let late = due.is_some_and(|d| d < now);
        let sla = due.map_or_else(|| "?".into(), |d| time::sla_left(now, d));
        let sev_style = match r.severity {
            Severity::Critical => theme.bad(),
            Severity::High => theme.warn(),
            _ => theme.text(),
        };
        let age = time::parse_timestamp(&r.opened_at).map_or_else(String::new, |o| {
            time::ago(app.today, o.and_utc().with_timezone(&app.store.clock().zone()).date_naive())
        });
        let escalated = if r.escalation_level > 0 { format!(" ↑{}", r.escalation_level) } else { String::new() };
        let mut cells = vec![
            Cell::from(Span::styled(sla, if late { theme.bad() } else { theme.text() })),
            Cell::from(Span::styled(format!("{}{escalated}", r.severity.label()), sev_style)),
            Cell::from(r.account.clone()),
        ];
        if wide {
            cells.push(Cell::from(r.title.clone()));
        }
        cells.push(Cell::from(r.owner.clone().unwrap_or_else(|| "—".into())));
        cells.push(Cell::from(age));
        let row = Row::new(cells);
        if vi == c.nav.selected {
            row.style(theme.selected(focused))
        } else if late {
            row.style(theme.bad())
        } else {
            row
        }
    });
    let (widths, header): (Vec<Constraint>, Vec<&str>) = if wide {
        (
            vec![
                Constraint::Length(13),
                Constraint::Length(11),
                Constraint::Min(16),
                Constraint::Min(16),
                Constraint::Length(16),
                Constraint::Length(9),
            ],
            vec!["SLA", "Severity", "Account", "Issue", "Owner", "Opened"],
        )
    } else {
        (
            vec![
                Constraint::Length(13),
                Constraint::Length(9),
                Constraint::Min(14),
                Constraint::Length(14),
                Constraint::Length(9),
            ],
            vec!["SLA", "Severity", "Account", "Owner", "Opened"],
        )
    };
    let table = Table::new(rows, widths).header(Row::new(header).style(theme.header_row())).column_spacing(1);
    f.render_widget(table, inner);
}
