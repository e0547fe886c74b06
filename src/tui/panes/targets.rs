//! Target tracker: for one period, company and team targets against won
//! revenue with pace, each rep's attainment, and eight quarters of results.

use super::frame;
use crate::domain::{FiscalCalendar, Money, Period, RepRole, TargetMetric, TargetScope};
use crate::store::{RepRow, Store};
use crate::tui::app::{App, PaneId};
use anyhow::Result;
use chrono::NaiveDate;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Bar, BarChart, BarGroup, Cell, LineGauge, Paragraph, Row, Table};
use ratatui::Frame;
use std::collections::HashMap;

/// A target and what was won against it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attainment {
    pub label: String,
    pub target: Option<Money>,
    pub won: Money,
}

impl Attainment {
    /// Won as a percentage of the target.
    pub fn percent(&self) -> Option<u32> {
        let t = self.target?.cents();
        (t > 0).then(|| (self.won.cents().max(0) as i128 * 100 / t as i128) as u32)
    }
}

pub struct Targets {
    pub calendar: FiscalCalendar,
    pub today: NaiveDate,
    pub period: Period,
    pub company: Attainment,
    pub teams: Vec<Attainment>,
    pub reps: Vec<Attainment>,
    /// Won revenue for the eight quarters up to the selected one.
    pub quarters: Vec<(String, Money)>,
    /// Days of the period gone and in all.
    pub elapsed: (i64, i64),
    pub scroll: usize,
}

impl Targets {
    pub fn new(calendar: FiscalCalendar, today: NaiveDate) -> Targets {
        Targets {
            calendar,
            today,
            period: Period::quarter_of(calendar, today),
            company: Attainment { label: "Company".into(), target: None, won: Money::ZERO },
            teams: Vec::new(),
            reps: Vec::new(),
            quarters: Vec::new(),
            elapsed: (0, 0),
            scroll: 0,
        }
    }

    pub fn load(&mut self, store: &Store, reps: &[RepRow]) -> Result<()> {
        let cal = self.calendar;
        let (start, end) = (self.period.start(cal), self.period.end(cal));
        let total = (end - start).num_days().max(1);
        let gone = (self.today - start).num_days().clamp(0, total);
        self.elapsed = (gone, total);

        let targets = store.targets_for(self.period)?;
        let revenue: Vec<_> = targets.iter().filter(|t| t.metric == TargetMetric::WonRevenue).collect();
        let target_of = |scope: TargetScope, rep: Option<i64>| {
            revenue.iter().filter(|t| t.scope == scope && t.rep_id == rep).map(|t| Money(t.amount)).reduce(|a, b| a + b)
        };
        let won: HashMap<i64, Money> = store.won_by_rep(start, end)?.into_iter().collect();
        let won_of = |id: i64| won.get(&id).copied().unwrap_or_default();

        self.company = Attainment {
            label: "Company".into(),
            target: target_of(TargetScope::Company, None),
            won: store.won_total(start, end)?,
        };
        self.teams = reps
            .iter()
            .filter(|r| r.role == RepRole::Lead)
            .map(|lead| {
                let members = reps.iter().filter(|r| r.id == lead.id || r.manager_id == Some(lead.id));
                Attainment {
                    label: format!("Team {}", lead.name),
                    target: target_of(TargetScope::Team, Some(lead.id)),
                    won: members.map(|m| won_of(m.id)).sum(),
                }
            })
            .collect();
        let mut rep_lines: Vec<Attainment> = reps
            .iter()
            .filter(|r| r.role != RepRole::Manager || won.contains_key(&r.id))
            .map(|r| Attainment {
                label: r.name.clone(),
                target: target_of(TargetScope::Rep, Some(r.id)),
                won: won_of(r.id),
            })
            .filter(|a| a.target.is_some() || a.won.cents() != 0)
            .collect();
        // Furthest behind first: that is who the manager talks to on Monday.
        rep_lines.sort_by(|a, b| {
            a.percent().unwrap_or(u32::MAX).cmp(&b.percent().unwrap_or(u32::MAX)).then(a.label.cmp(&b.label))
        });
        self.reps = rep_lines;

        let last = match self.period {
            Period::Quarter(..) => self.period,
            _ => Period::quarter_of(cal, end.pred_opt().unwrap_or(end)),
        };
        let mut quarters = Vec::with_capacity(8);
        let mut q = last;
        for _ in 0..8 {
            quarters.push((q.to_string(), store.won_total(q.start(cal), q.end(cal))?));
            q = q.prev();
        }
        quarters.reverse();
        self.quarters = quarters;
        Ok(())
    }

    /// Steps the period back or forward by one of its own length.
    pub fn shift(&mut self, delta: i32, store: &Store, reps: &[RepRow]) -> Result<()> {
        self.period = if delta < 0 { self.period.prev() } else { self.period.next() };
        self.scroll = 0;
        self.load(store, reps)
    }

    pub fn scroll(&mut self, delta: isize) {
        self.scroll = self.scroll.saturating_add_signed(delta).min(self.reps.len().saturating_sub(1));
    }

    /// Where the won revenue would be if it grew evenly through the period.
    pub fn pace_target(&self, target: Money) -> Money {
        let (gone, total) = self.elapsed;
        Money((target.cents() as i128 * gone as i128 / total.max(1) as i128) as i64)
    }
}

fn gauge_line<'a>(a: &Attainment, t: &Targets, app: &App) -> LineGauge<'a> {
    let theme = app.theme;
    let pct = a.percent();
    let ratio = pct.map_or(0.0, |p| (p as f64 / 100.0).min(1.0));
    let pace = a.target.map(|tg| t.pace_target(tg));
    let style = match (a.target, pace) {
        (Some(tg), _) if a.won >= tg => theme.good(),
        (Some(_), Some(p)) if a.won < p => theme.warn(),
        _ => theme.accent(),
    };
    let label = match a.target {
        Some(tg) => format!(
            "{:<14} {:>7} of {:>7} {:>4}%",
            super::fit(&a.label, 14),
            a.won.compact(),
            tg.compact(),
            pct.unwrap_or(0)
        ),
        None => format!("{:<14} {:>7} (no target)", super::fit(&a.label, 14), a.won.compact()),
    };
    LineGauge::default().ratio(ratio).label(label).filled_style(style).unfilled_style(theme.dim())
}

pub fn draw(f: &mut Frame, area: Rect, app: &App) {
    let t = &app.targets;
    let theme = app.theme;
    let focused = app.focus == PaneId::Targets;
    let block = frame(3, format!("Target tracker · {}", t.period), focused, theme);
    let inner = block.inner(area);
    f.render_widget(block, area);

    let gauges = 1 + t.teams.len() as u16;
    let chart = if inner.height >= 14 + gauges { 6 } else { 0 };
    let [head, gauge_area, table_area, chart_area] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Length(gauges),
        Constraint::Min(2),
        Constraint::Length(chart),
    ])
    .areas(inner);

    let (gone, total) = t.elapsed;
    let pace_text = match t.company.target {
        Some(tg) => {
            let due = t.pace_target(tg);
            let (word, style) =
                if t.company.won >= due { ("ahead of", theme.good()) } else { ("behind", theme.warn()) };
            Span::styled(format!(" · {word} pace ({} due by today)", due.compact()), style)
        }
        None => Span::raw(""),
    };
    let head_line = Line::from(vec![
        Span::styled(format!("{} ", t.period), theme.title()),
        Span::styled(format!("day {gone} of {total}"), theme.dim()),
        pace_text,
        Span::styled("  [ ] change period", theme.dim()),
    ]);
    f.render_widget(Paragraph::new(head_line), head);

    let rows = Layout::vertical(vec![Constraint::Length(1); gauges as usize]).split(gauge_area);
    for (a, r) in std::iter::once(&t.company).chain(t.teams.iter()).zip(rows.iter()) {
        f.render_widget(gauge_line(a, t, app), *r);
    }

    let header = Row::new(["Rep", "Target", "Won", "Attain.", "Pace"]).style(theme.header_row());
    let visible = table_area.height.saturating_sub(1) as usize;
    let start = t.scroll.min(t.reps.len().saturating_sub(visible));
    let body = t.reps.iter().skip(start).take(visible).map(|a| {
        let pct = a.percent();
        let pace = a.target.map(|tg| t.pace_target(tg));
        let pct_style = match (pct, pace) {
            (Some(p), _) if p >= 100 => theme.good(),
            (Some(_), Some(p)) if a.won < p => theme.warn(),
            _ => theme.text(),
        };
        Row::new(vec![
            Cell::from(a.label.clone()),
            Cell::from(Line::from(a.target.map_or("—".into(), |m| m.compact())).right_aligned()),
            Cell::from(Line::from(a.won.compact()).right_aligned()),
            Cell::from(
                Line::from(Span::styled(pct.map_or("—".into(), |p| format!("{p}%")), pct_style)).right_aligned(),
            ),
            Cell::from(Line::from(pace.map_or("—".into(), |m| m.compact())).right_aligned()),
        ])
    });
    let widths = [
        Constraint::Length(22),
        Constraint::Length(8),
        Constraint::Length(8),
        Constraint::Length(7),
        Constraint::Length(8),
    ];
    f.render_widget(Table::new(body, widths).header(header).column_spacing(1), table_area);

    if chart > 0 && !t.quarters.is_empty() {
        let bars: Vec<Bar> = t
            .quarters
            .iter()
            .map(|(q, m)| {
                Bar::default()
                    .value((m.cents().max(0) / 100) as u64)
                    .label(Line::from(q.get(2..).unwrap_or(q).to_string()))
                    .text_value(m.compact())
            })
            .collect();
        let n = bars.len() as u16;
        let width = (chart_area.width.saturating_sub(n.saturating_sub(1)) / n.max(1)).max(1);
        let chart_widget = BarChart::default()
            .data(BarGroup::default().bars(&bars))
            .bar_width(width)
            .bar_gap(1)
            .bar_style(theme.accent())
            .value_style(theme.title());
        f.render_widget(chart_widget, chart_area);
    }
}
