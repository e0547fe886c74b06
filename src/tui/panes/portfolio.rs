//! Portfolio: every account as a table, sorted and filtered in memory and
//! drawn one screenful at a time, so 100,000 accounts scroll smoothly.

use super::{fit, frame};
use crate::domain::health::{Band, Health};
use crate::domain::{time, AccountStatus, Tier};
use crate::store::{AccountFilter, AccountRow, AccountSort, Store};
use crate::tui::app::{sanitize_in_place, App, PaneId};
use crate::tui::widgets::nav::Nav;
use anyhow::Result;
use ratatui::layout::{Constraint, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Cell, Paragraph, Row, Table};
use ratatui::Frame;

#[derive(Default)]
pub struct Portfolio {
    /// All live accounts, kept in the current sort order.
    pub rows: Vec<AccountRow>,
    /// Indices into `rows` that pass the filter.
    pub view: Vec<u32>,
    pub nav: Nav,
    pub sort: AccountSort,
    pub filter: AccountFilter,
    /// While only the first screenful is loaded: the rest, and the count of
    /// all (which reads the whole table), follow behind the first frame.
    pub partial: bool,
    /// Each account's score and band (no reasons), read in the background; empty until then.
    pub health: std::collections::HashMap<i64, Mark>,
    /// Sorted by health, the worst first (`sort` is then the one before it).
    pub by_health: bool,
    /// The book's currency, named over the value column.
    pub currency: crate::domain::Currency,
}

/// An account's health as the portfolio keeps it for 100,000 accounts: the
/// score and band, without the reasons (the card reads its account's when shown).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Mark {
    pub score: u8,
    pub band: Band,
}

impl From<&Health> for Mark {
    fn from(h: &Health) -> Mark {
        Mark { score: h.score, band: h.band }
    }
}

fn sanitize_rows(rows: &mut [AccountRow]) {
    for r in rows {
        sanitize_in_place(&mut r.name);
        // Held once for many rows: replaced (for this row) only when unsafe.
        if let Some(owner) = &mut r.owner {
            if let std::borrow::Cow::Owned(clean) = crate::domain::sanitize::line(owner) {
                *owner = clean.into();
            }
        }
    }
}

impl Portfolio {
    pub fn load(&mut self, store: &Store) -> Result<()> {
        let keep = self.selected_id();
        self.currency = store.currency()?;
        let mut rows = store.account_rows()?;
        sanitize_rows(&mut rows);
        self.partial = false;
        self.rows = rows;
        // The store hands them over by name already.
        if self.sort != AccountSort::Name || self.by_health {
            self.apply_sort();
        }
        self.refilter(keep);
        Ok(())
    }

    /// The first `n` accounts by name and the count of all: enough for the
    /// first frame while the rest loads.
    pub fn load_first(&mut self, store: &Store, n: usize) -> Result<()> {
        self.sort = AccountSort::Name;
        self.by_health = false;
        self.filter = AccountFilter::default();
        self.currency = store.currency()?;
        let mut rows = store.account_rows_first(n)?;
        sanitize_rows(&mut rows);
        self.partial = true;
        self.rows = rows;
        self.refilter(None);
        Ok(())
    }

    /// All accounts, by name, from a background load.
    pub fn set_rows(&mut self, mut rows: Vec<AccountRow>) {
        let keep = self.selected_id();
        let nav = self.nav;
        sanitize_rows(&mut rows);
        self.rows = rows;
        self.partial = false;
        if self.sort != AccountSort::Name || self.by_health {
            self.apply_sort();
        }
        self.refilter(keep);
        self.nav.offset = nav.offset;
    }

    /// Reads one account's row again after a change to it: updated, added or gone.
    pub fn refresh_row(&mut self, store: &Store, id: i64) -> Result<()> {
        let keep = self.selected_id();
        let mut row = store.account_row(id)?;
        if let Some(r) = &mut row {
            sanitize_rows(std::slice::from_mut(r));
        }
        let pos = self.rows.iter().position(|r| r.id == id);
        let resort = match (pos, row) {
            (Some(p), Some(r)) => {
                let renamed = self.rows[p].name != r.name;
                self.rows[p] = r;
                renamed || self.sort != AccountSort::Name || self.by_health
            }
            (None, Some(r)) => {
                self.rows.push(r);
                true
            }
            (Some(p), None) => {
                self.rows.remove(p);
                false
            }
            (None, None) => false,
        };
        if resort {
            self.apply_sort();
        }
        self.refilter(keep);
        Ok(())
    }

    /// Takes in every account's health; sorted by it, the order follows.
    pub fn set_health(&mut self, health: Vec<(i64, Health)>) {
        // Score and band only: the reasons of 100,000 accounts would cost tens
        // of megabytes; the card reads its account's when they are shown.
        self.health = health.iter().map(|(id, h)| (*id, Mark::from(h))).collect();
        if self.by_health {
            let keep = self.selected_id();
            self.apply_sort();
            self.refilter(keep);
        }
    }

    /// One account's health, after a change to it.
    pub fn set_one_health(&mut self, id: i64, health: Health) {
        self.health.insert(id, Mark::from(&health));
        if self.by_health {
            let keep = self.selected_id();
            self.apply_sort();
            self.refilter(keep);
        }
    }

    fn apply_sort(&mut self) {
        if !self.by_health {
            self.sort.apply(&mut self.rows);
            return;
        }
        // The worst first; accounts whose health is not read yet go last.
        let health = &self.health;
        self.rows.sort_by_cached_key(|r| {
            let score = health.get(&r.id).map(|h| h.score);
            (score.is_none(), score, r.name.to_ascii_lowercase(), r.id)
        });
    }

    /// "name", "value", …, "health": what the title and the saved view say.
    pub fn sort_label(&self) -> &'static str {
        if self.by_health {
            "health"
        } else {
            self.sort.label()
        }
    }

    /// How many accounts the title counts; none while only the first screenful is in.
    pub fn count(&self) -> Option<usize> {
        (!self.partial).then_some(self.view.len())
    }

    fn refilter(&mut self, keep: Option<i64>) {
        self.view = (0..self.rows.len() as u32).filter(|&i| self.filter.matches(&self.rows[i as usize])).collect();
        self.nav.selected = keep.and_then(|id| self.position(id)).unwrap_or(0);
    }

    fn position(&self, id: i64) -> Option<usize> {
        self.view.iter().position(|&i| self.rows[i as usize].id == id)
    }

    pub fn selected(&self) -> Option<&AccountRow> {
        self.view.get(self.nav.selected).map(|&i| &self.rows[i as usize])
    }

    pub fn selected_id(&self) -> Option<i64> {
        self.selected().map(|r| r.id)
    }

    /// Selects `id` if the filter shows it.
    pub fn reveal(&mut self, id: i64, height: usize) {
        if let Some(pos) = self.position(id) {
            self.nav.select(pos, self.view.len(), height);
        }
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

    pub fn cycle_sort(&mut self, height: usize) {
        let keep = self.selected_id();
        // Name → … → conflicts → health → name.
        let i = AccountSort::ALL.iter().position(|s| *s == self.sort).unwrap_or(0);
        if self.by_health {
            self.by_health = false;
            self.sort = AccountSort::ALL[0];
        } else if i + 1 == AccountSort::ALL.len() {
            self.by_health = true;
        } else {
            self.sort = AccountSort::ALL[i + 1];
        }
        self.apply_sort();
        self.refilter(keep);
        self.nav.follow(self.view.len(), height);
    }

    pub fn set_filter(&mut self, filter: AccountFilter, height: usize) {
        let keep = self.selected_id();
        self.filter = filter;
        self.refilter(keep);
        self.nav.follow(self.view.len(), height);
    }

    /// "tier: strategic, owner: Rae" for the title.
    pub fn filter_label(&self, reps: &[crate::store::RepRow]) -> Option<String> {
        let mut parts = Vec::new();
        if let Some(o) = self.filter.owner_id {
            let name = reps.iter().find(|r| r.id == o).map_or("?", |r| r.name.as_str());
            parts.push(format!("owner {name}"));
        }
        if self.filter.owners.is_some() {
            parts.push("owner my team".to_string());
        }
        if let Some(t) = self.filter.tier {
            parts.push(format!("tier {}", t.as_str()));
        }
        if let Some(s) = self.filter.status {
            parts.push(format!("status {}", s.as_str()));
        }
        (!parts.is_empty()).then(|| parts.join(", "))
    }
}

/// A band's colour: green, yellow, red.
pub fn band_style(theme: crate::tui::theme::Theme, band: Band) -> ratatui::style::Style {
    match band {
        Band::Healthy => theme.good(),
        Band::Watch => theme.warn(),
        Band::AtRisk => theme.bad(),
    }
}

fn tier_short(t: Tier) -> &'static str {
    match t {
        Tier::Strategic => "Strat",
        Tier::Key => "Key",
        Tier::Standard => "Std",
    }
}

pub fn draw(f: &mut Frame, area: Rect, app: &App) {
    let p = &app.portfolio;
    let theme = app.theme;
    let focused = app.focus == PaneId::Portfolio;
    let count = p.count().map_or_else(|| "…".to_string(), |n| n.to_string());
    let mut title = format!("Portfolio · {count} accounts · by {}", p.sort_label());
    if let Some(label) = p.filter_label(&app.reps) {
        title.push_str(&format!(" · {label}"));
    }
    let block = frame(0, title, focused, theme);
    let inner = block.inner(area);
    f.render_widget(block, area);
    if p.view.is_empty() {
        let text = if p.rows.is_empty() {
            "No accounts yet. Run `rapport demo` for a sample book."
        } else {
            "No account passes the filter (F clears it)."
        };
        f.render_widget(Paragraph::new(text).style(theme.dim()), inner);
        return;
    }
    let wide = inner.width >= 90;
    // Beside Today (160 to 200 columns) the owner gives way, so dates and counts stay whole.
    let compact = inner.width < 72;
    let mut widths = if wide {
        vec![
            Constraint::Min(20),
            Constraint::Length(6),
            Constraint::Length(9),
            Constraint::Length(18),
            Constraint::Length(14),
            Constraint::Length(9),
            Constraint::Length(10),
            Constraint::Length(3),
        ]
    } else {
        vec![
            Constraint::Min(14),
            Constraint::Length(6),
            Constraint::Length(5),
            Constraint::Length(13),
            Constraint::Length(6),
            Constraint::Length(9),
            Constraint::Length(10),
            Constraint::Length(2),
        ]
    };
    if compact {
        widths.remove(3);
    }
    // The name's column is what the others leave; a name cut to it keeps its end.
    let fixed: u16 = widths.iter().map(|c| if let Constraint::Length(n) = c { *n } else { 0 }).sum();
    let name_w = inner.width.saturating_sub(fixed + widths.len() as u16 - 1) as usize;
    let height = inner.height.saturating_sub(1) as usize;
    let window = p.nav.window(p.view.len(), height);
    let today = app.today;
    let zone = app.store.clock().zone();
    let rows = window.clone().map(|vi| {
        let r = &p.rows[p.view[vi] as usize];
        let touched = r.last_touch_at.as_deref().and_then(|t| time::local_date(t, zone));
        let touch_style = match touched {
            Some(d) if (today - d).num_days() > 90 => theme.warn(),
            None => theme.warn(),
            _ => theme.text(),
        };
        let renewal_style = match r.renewal_date {
            Some(d) if d < today => theme.bad(),
            Some(d) if (d - today).num_days() <= 30 => theme.warn(),
            _ => theme.text(),
        };
        let status_mark = match r.status {
            AccountStatus::Prospect => " (prospect)",
            AccountStatus::Churned => " (churned)",
            AccountStatus::Customer => "",
        };
        let health = match p.health.get(&r.id) {
            // The mark reads without colour; the colour helps where there is some.
            Some(h) => Span::styled(format!("{} {:>3}", h.band.symbol(), h.score), band_style(theme, h.band)),
            None => Span::styled("…", theme.dim()),
        };
        let mut cells = vec![
            Cell::from(super::fit_middle(&format!("{}{}", r.name, status_mark), name_w)),
            Cell::from(Line::from(health).right_aligned()),
            Cell::from(if wide { r.tier.label() } else { tier_short(r.tier) }),
            Cell::from(fit(r.owner.as_deref().unwrap_or("—"), if wide { 18 } else { 13 })),
            Cell::from(
                Line::from(if wide { r.annual_value.to_string() } else { r.annual_value.compact() }).right_aligned(),
            ),
            Cell::from(Span::styled(touched.map_or_else(|| "never".into(), |d| time::ago(today, d)), touch_style)),
            Cell::from(Span::styled(r.renewal_date.map_or_else(|| "—".into(), |d| d.to_string()), renewal_style)),
            Cell::from(
                Line::from(match r.open_conflicts {
                    0 => Span::styled("·", theme.dim()),
                    n => Span::styled(n.to_string(), theme.bad()),
                })
                .right_aligned(),
            ),
        ];
        if compact {
            cells.remove(3);
        }
        let row = Row::new(cells);
        if vi == p.nav.selected {
            row.style(theme.selected(focused))
        } else {
            row
        }
    });
    let mut header = vec![
        Cell::from("Account"),
        Cell::from(Line::from("Health").right_aligned()),
        Cell::from("Tier"),
        Cell::from("Owner"),
        // The currency's sign or code: "Value €", or over the narrow column "EUR" alone.
        Cell::from(
            Line::from(if wide { format!("Value {}", p.currency.mark()) } else { p.currency.mark().to_string() })
                .right_aligned(),
        ),
        Cell::from("Touched"),
        Cell::from("Renewal"),
        Cell::from("⚑"),
    ];
    if compact {
        header.remove(3);
    }
    let header = Row::new(header).style(theme.header_row());
    let table = Table::new(rows, widths).header(header).column_spacing(1);
    f.render_widget(table, inner);
}
