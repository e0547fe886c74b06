//! Conflict queue: every unresolved conflict, least SLA time left first
//! (resolved ones too, when the status filter asks for them).

use super::frame;
use crate::domain::{time, ConflictStatus, Severity};
use crate::store::{ConflictRow, Store};
use crate::tui::app::{sanitize_in_place, App, PaneId};
use crate::tui::widgets::nav::Nav;
use anyhow::Result;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::Span;
use ratatui::widgets::{Cell, Paragraph, Row, Table, Wrap};
use ratatui::Frame;

#[derive(Default)]
pub struct Conflicts {
    pub rows: Vec<ConflictRow>,
    pub view: Vec<u32>,
    pub nav: Nav,
    pub owner_filter: Option<i64>,
    pub severity_filter: Option<Severity>,
    pub status_filter: StatusFilter,
    /// While only the first screenful is loaded: how many are open in all.
    pub total: Option<usize>,
}

/// Which statuses the queue shows: unresolved ones by default.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum StatusFilter {
    #[default]
    Unresolved,
    Only(ConflictStatus),
    All,
}

impl StatusFilter {
    pub const ALL: [StatusFilter; 6] = [
        StatusFilter::Unresolved,
        StatusFilter::Only(ConflictStatus::Open),
        StatusFilter::Only(ConflictStatus::InProgress),
        StatusFilter::Only(ConflictStatus::Waiting),
        StatusFilter::Only(ConflictStatus::Resolved),
        StatusFilter::All,
    ];

    pub fn label(self) -> &'static str {
        match self {
            StatusFilter::Unresolved => "not resolved",
            StatusFilter::Only(s) => s.label(),
            StatusFilter::All => "all, resolved too",
        }
    }

    /// Whether resolved conflicts must be read as well.
    pub fn needs_resolved(self) -> bool {
        matches!(self, StatusFilter::All | StatusFilter::Only(ConflictStatus::Resolved))
    }

    fn passes(self, status: ConflictStatus) -> bool {
        match self {
            StatusFilter::Unresolved => status != ConflictStatus::Resolved,
            StatusFilter::Only(s) => s == status,
            StatusFilter::All => true,
        }
    }
}

fn sanitize_rows(rows: &mut [ConflictRow]) {
    for r in rows {
        sanitize_in_place(&mut r.account);
        sanitize_in_place(&mut r.title);
        if let Some(o) = &mut r.owner {
            sanitize_in_place(o);
        }
        if let Some(e) = &mut r.escalated_to {
            sanitize_in_place(e);
        }
    }
}

impl Conflicts {
    pub fn load(&mut self, store: &Store) -> Result<()> {
        let rows = if self.status_filter.needs_resolved() { store.all_conflicts()? } else { store.open_conflicts()? };
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
                    && self.status_filter.passes(r.status)
            })
            .collect();
        self.nav.selected =
            keep.and_then(|id| self.view.iter().position(|&i| self.rows[i as usize].id == id)).unwrap_or(0);
    }

    /// Selects the conflict `id` if the filter shows it.
    pub fn reveal(&mut self, id: i64, height: usize) {
        if let Some(pos) = self.view.iter().position(|&i| self.rows[i as usize].id == id) {
            self.nav.select(pos, self.view.len(), height);
        }
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

    /// Shows the statuses asked for, reading resolved conflicts only when they are wanted.
    pub fn set_status_filter(&mut self, status: StatusFilter, store: &Store) -> Result<()> {
        let reload = status.needs_resolved() != self.status_filter.needs_resolved();
        self.status_filter = status;
        if reload {
            self.load(store)?;
        }
        Ok(())
    }

    pub fn set_filter(&mut self, owner: Option<i64>, severity: Option<Severity>, height: usize) {
        let keep = self.selected().map(|c| c.id);
        self.owner_filter = owner;
        self.severity_filter = severity;
        self.refilter(keep);
        self.nav.follow(self.view.len(), height);
    }
}

/// "2 open: 1 high, 1 normal · 1 breached, 1 not escalated", short when narrow.
fn title(app: &App, wide: bool) -> String {
    let c = &app.conflicts;
    let now_text = crate::store::timestamp(app.now);
    let shown: Vec<&ConflictRow> = c.view.iter().map(|&i| &c.rows[i as usize]).collect();
    let unresolved: Vec<&&ConflictRow> = shown.iter().filter(|r| r.status != ConflictStatus::Resolved).collect();
    // While only the first screenful is loaded, the counts come from the store.
    // The breached count comes with the rest, behind the first frame: "…" until then.
    let (open, breached) = match c.total {
        Some(total) if app.loading() => (total, "…".to_string()),
        Some(total) => (total, app.badges.breached.to_string()),
        None => (unresolved.len(), unresolved.iter().filter(|r| r.breached(&now_text)).count().to_string()),
    };
    let unescalated = unresolved.iter().filter(|r| r.needs_escalation(&now_text)).count();
    let mut title = format!("Conflict queue · {open} open");
    let by_severity: Vec<String> = Severity::ALL
        .iter()
        .rev()
        .filter_map(|s| {
            let n = unresolved.iter().filter(|r| r.severity == *s).count();
            // Narrow: "C1 H2", the initials of what the severity column spells out.
            let initial = s.label().chars().next().unwrap_or('?');
            (n > 0).then(|| if wide { format!("{n} {}", s.label().to_lowercase()) } else { format!("{initial}{n}") })
        })
        .collect();
    if c.total.is_none() && !by_severity.is_empty() {
        if wide {
            title.push_str(&format!(": {}", by_severity.join(", ")));
        } else {
            title.push_str(&format!(" ({})", by_severity.join(" ")));
        }
    }
    title.push_str(&format!(" · {breached} breached"));
    if unescalated > 0 {
        title.push_str(&format!(", {unescalated} {}", if wide { "not escalated" } else { "to escalate" }));
    }
    let resolved = shown.len() - unresolved.len();
    if resolved > 0 {
        title.push_str(&format!(" · {resolved} resolved"));
    }
    let mut filters = Vec::new();
    if let Some(o) = c.owner_filter {
        filters.push(app.reps.iter().find(|r| r.id == o).map_or("?".into(), |r| format!("owner {}", r.name)));
    }
    if let Some(s) = c.severity_filter {
        filters.push(format!("severity {}", s.as_str()));
    }
    if c.status_filter != StatusFilter::Unresolved {
        filters.push(format!("status {}", c.status_filter.label().to_lowercase()));
    }
    if !filters.is_empty() {
        title.push_str(&format!(" · {}", filters.join(", ")));
    }
    title
}

/// The SLA cell: time left or past, a clock standing still, or how it ended.
fn sla_text(r: &ConflictRow, now: chrono::NaiveDateTime) -> String {
    if r.status == ConflictStatus::Resolved {
        return "resolved".into();
    }
    if let Some(left) = r.paused_left {
        return format!("paused {} left", time::duration_span(chrono::TimeDelta::seconds(left.max(0))));
    }
    time::parse_timestamp(&r.sla_due_at).map_or_else(|| "?".into(), |d| time::sla_left(now, d))
}

/// The status in at most eight columns, for a narrow queue.
fn short_status(s: ConflictStatus) -> &'static str {
    match s {
        ConflictStatus::InProgress => "In prog.",
        other => other.label(),
    }
}

pub fn draw(f: &mut Frame, area: Rect, app: &App) {
    let c = &app.conflicts;
    let theme = app.theme;
    let focused = app.focus == PaneId::Conflicts;
    let now = app.now.naive_utc();
    // ISO timestamps order as text: no parsing across the whole queue per frame.
    let now_text = crate::store::timestamp(app.now);
    let mut heading = title(app, area.width >= 100);
    if heading.chars().count() + 6 > area.width as usize {
        // The tab's short name, so the counts after it stay on the border.
        heading = heading.replacen("Conflict queue", "Queue", 1);
    }
    let block = frame(2, heading, focused, theme);
    let inner = block.inner(area);
    f.render_widget(block, area);
    if c.view.is_empty() {
        let text =
            if c.rows.is_empty() { "No open conflicts." } else { "No conflict passes the filter (F clears it)." };
        f.render_widget(Paragraph::new(text).style(theme.dim()), inner);
        return;
    }
    // Zoomed: the selected conflict's whole issue under the table, however long.
    let detail = (app.zoom && focused).then(|| c.selected()).flatten().map(|r| {
        let mut text = format!("#{} {}: {}", r.id, r.account, r.title);
        if let Some(to) = &r.escalated_to {
            text.push_str(&format!(" · escalated to {to} (level {})", r.escalation_level));
        } else if r.escalation_level > 0 {
            text.push_str(&format!(" · escalated (level {})", r.escalation_level));
        }
        text
    });
    let detail_height = detail.as_ref().map_or(0, |t| {
        let width = inner.width.max(1) as usize;
        (unicode_width::UnicodeWidthStr::width(t.as_str()).div_ceil(width) as u16).clamp(1, 4) + 1
    });
    let [table_area, detail_area] =
        Layout::vertical([Constraint::Min(1), Constraint::Length(detail_height)]).areas(inner);
    let height = table_area.height.saturating_sub(1) as usize;
    // Columns are added as room allows, never squeezed: a cut SLA ("breach")
    // hides how long, which is the point of the queue.
    let wide = inner.width >= 92;
    let full = inner.width >= 130;
    let compact = inner.width < 76;
    // Below this even the short status would squeeze the account out.
    let tiny = inner.width < 57;
    let (widths, header): (Vec<Constraint>, Vec<&str>) = if full {
        (
            vec![
                Constraint::Length(17),
                Constraint::Length(8),
                Constraint::Length(11),
                Constraint::Min(16),
                Constraint::Min(16),
                Constraint::Length(16),
                Constraint::Length(18),
                Constraint::Length(9),
            ],
            vec!["  SLA", "Severity", "Status", "Account", "Issue", "Owner", "Escalated to", "Opened"],
        )
    } else if wide {
        (
            vec![
                Constraint::Length(17),
                Constraint::Length(8),
                Constraint::Length(11),
                Constraint::Min(14),
                Constraint::Min(14),
                Constraint::Length(14),
                Constraint::Length(9),
            ],
            vec!["  SLA", "Severity", "Status", "Account", "Issue", "Owner", "Opened"],
        )
    } else if compact && !tiny {
        // The owner is on the timeline's card; the status, shortened, stays.
        (
            vec![
                Constraint::Length(17),
                Constraint::Length(8),
                Constraint::Length(8),
                Constraint::Min(10),
                Constraint::Length(9),
            ],
            vec!["  SLA", "Severity", "Status", "Account", "Opened"],
        )
    } else if compact {
        (
            vec![Constraint::Length(17), Constraint::Length(8), Constraint::Min(10), Constraint::Length(9)],
            vec!["  SLA", "Severity", "Account", "Opened"],
        )
    } else {
        (
            vec![
                Constraint::Length(17),
                Constraint::Length(8),
                Constraint::Length(11),
                Constraint::Min(12),
                Constraint::Length(13),
                Constraint::Length(9),
            ],
            vec!["  SLA", "Severity", "Status", "Account", "Owner", "Opened"],
        )
    };
    // The account's column is a share of what the others leave; a name cut
    // to it keeps its end, where names of one family differ.
    let fixed: u16 = widths.iter().map(|c| if let Constraint::Length(n) = c { *n } else { 0 }).sum();
    let shares = widths.iter().filter(|c| matches!(c, Constraint::Min(_))).count().max(1) as u16;
    let account_w = (inner.width.saturating_sub(fixed + widths.len() as u16 - 1) / shares) as usize;
    let rows = c.nav.window(c.view.len(), height).map(|vi| {
        let r = &c.rows[c.view[vi] as usize];
        let late = r.status != ConflictStatus::Resolved && r.breached(&now_text);
        let flag = if r.needs_escalation(&now_text) {
            "⚑ "
        } else if r.escalation_level > 0 {
            "↑ "
        } else {
            "  "
        };
        let sla = format!("{flag}{}", sla_text(r, now));
        let sev_style = match r.severity {
            Severity::Critical => theme.bad(),
            Severity::High => theme.warn(),
            _ => theme.text(),
        };
        let age = time::parse_timestamp(&r.opened_at).map_or_else(String::new, |o| {
            time::ago(app.today, o.and_utc().with_timezone(&app.store.clock().zone()).date_naive())
        });
        let mut cells = vec![
            Cell::from(Span::styled(sla, if late { theme.bad() } else { theme.text() })),
            Cell::from(Span::styled(r.severity.label(), sev_style)),
        ];
        if !compact {
            cells.push(Cell::from(r.status.label()));
        } else if !tiny {
            cells.push(Cell::from(short_status(r.status)));
        }
        cells.push(Cell::from(super::fit_middle(&r.account, account_w)));
        if wide {
            cells.push(Cell::from(r.title.clone()));
        }
        if !compact {
            cells.push(Cell::from(r.owner.clone().unwrap_or_else(|| "—".into())));
        }
        if full {
            cells.push(Cell::from(
                r.escalated_to.clone().map_or_else(String::new, |e| format!("↑{} {e}", r.escalation_level)),
            ));
        }
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
    let table = Table::new(rows, widths).header(Row::new(header).style(theme.header_row())).column_spacing(1);
    f.render_widget(table, table_area);
    if let Some(text) = detail {
        let [_, text_area] = Layout::vertical([Constraint::Length(1), Constraint::Min(1)]).areas(detail_area);
        f.render_widget(Paragraph::new(text).wrap(Wrap { trim: false }), text_area);
    }
}
