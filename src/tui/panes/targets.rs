//! Target tracker: for one period (a quarter or a fiscal year) and one scope
//! (mine, my team, everyone), a gauge per row (the scope, each team, each
//! rep) with attainment, expected by today, gap, commit, forecast and
//! coverage; whether the targets add up; the supervision table; and won
//! revenue over eight quarters (for a year, cumulative by month); and how
//! the forecast moved week by week (`domain::history`, as the report has it).
//!
//! Every figure comes from `domain::metrics` and `domain::scope`, the same
//! functions `rapport report` uses, and is computed in `load`, never in `draw`.

use super::frame;
use crate::domain::history::{weekly, WeekLine};
use crate::domain::metrics::{deal_metrics, pace, team_of, ConflictFact, Coverage, DealFact, DealMetrics, Pace};
use crate::domain::metrics::{PeriodState, Span as Days};
use crate::domain::scope::{self, Member, Resolved, TargetRow};
use crate::domain::{FiscalCalendar, Money, Period, TargetMetric, TargetScope};
use crate::store::{RepRow, Store};
use crate::tui::app::{App, PaneId};
use anyhow::Result;
use chrono::NaiveDate;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::symbols::Marker;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Axis, Chart, Dataset, GraphType, Paragraph};
use ratatui::Frame;
use std::collections::BTreeMap;

/// `FY2026`, `2026Q4`, `2026-11`.
pub fn period_name(p: Period) -> String {
    match p {
        Period::Year(y) => format!("FY{y}"),
        other => other.to_string(),
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RowKind {
    /// The whole scope: the company, or my team.
    Scope,
    Team,
    Rep,
}

/// One gauge: a target and the deals measured against it.
#[derive(Debug, Clone, PartialEq)]
pub struct GaugeRow {
    pub kind: RowKind,
    pub label: String,
    pub metrics: DealMetrics,
    pub pace: Pace,
}

/// One row of the supervision table, as `rapport report reps` has it.
#[derive(Debug, Clone, PartialEq)]
pub struct RepLine {
    pub rep_id: i64,
    pub name: String,
    pub metrics: DealMetrics,
    pub pace: Pace,
    pub activities: i64,
    pub stale: i64,
    pub open_conflicts: i64,
    pub breached: i64,
}

/// Whether a target is the sum of the ones below it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Alignment {
    /// "Company" or "Team Lee Okafor".
    pub label: String,
    /// "teams" or "reps".
    pub below_word: &'static str,
    pub target: Option<Money>,
    pub below: Option<Money>,
}

impl Alignment {
    pub fn aligned(&self) -> bool {
        self.target == self.below
    }

    pub fn text(&self) -> String {
        let show = |m: Option<Money>| m.map_or_else(|| "none".to_string(), Money::compact);
        let head = format!("{} {} · {} add up to {}", self.label, show(self.target), self.below_word, show(self.below));
        match (self.target, self.below) {
            (Some(t), Some(b)) if t == b => format!("{head} ✓"),
            (Some(t), Some(b)) if b < t => format!("{head}: {} short", (t - b).compact()),
            (Some(t), Some(b)) => format!("{head}: {} over", (b - t).compact()),
            _ => format!("{head}: not set"),
        }
    }
}

/// A target of a count (new deals, activities) and what was done.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CountLine {
    pub label: String,
    pub metric: TargetMetric,
    pub target: i64,
    pub actual: i64,
}

/// Won in one quarter against its target.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QuarterBar {
    pub period: Period,
    pub won: Money,
    pub target: Option<Money>,
}

/// The year's chart: cumulative won by month against the target line,
/// with where commit and forecast would take it. Points are (month, units).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct YearChart {
    pub months: Vec<String>,
    pub won: Vec<(f64, f64)>,
    pub target: Vec<(f64, f64)>,
    pub commit: Vec<(f64, f64)>,
    pub forecast: Vec<(f64, f64)>,
    pub top: f64,
}

/// What the tracker shows when there is no room for all of it at once.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum View {
    Gauges,
    Reps,
    Chart,
    /// How the forecast moved week by week.
    History,
}

impl View {
    fn name(self) -> &'static str {
        match self {
            View::Gauges => "gauges",
            View::Reps => "reps",
            View::Chart => "chart",
            View::History => "history",
        }
    }
}

/// The supervision table's columns, in order; `s` sorts by each in turn.
pub const COLUMNS: [&str; 13] = [
    "Rep",
    "Target",
    "Won",
    "Attain.",
    "Gap",
    "Pipeline",
    "Weighted",
    "Cover.",
    "Win %",
    "Activ.",
    "Stale",
    "Conflicts",
    "Breached",
];

/// The column sorted by default: attainment, furthest behind first.
const ATTAINMENT: usize = 3;

pub struct Targets {
    pub calendar: FiscalCalendar,
    pub today: NaiveDate,
    pub period: Period,
    /// "Morgan Avery's team", "everyone".
    pub scope_label: String,
    pub rows: Vec<GaugeRow>,
    pub alignment: Vec<Alignment>,
    pub counts: Vec<CountLine>,
    pub reps: Vec<RepLine>,
    /// Won revenue for the eight quarters up to the selected one.
    pub quarters: Vec<QuarterBar>,
    /// For a year: cumulative won by month.
    pub year: Option<YearChart>,
    /// The scope's forecast, each week's last snapshot (as `rapport report forecast` lists it).
    pub history: Vec<WeekLine>,
    /// Days of the period gone and in all.
    pub elapsed: (i64, i64),
    pub view: View,
    /// Column of `COLUMNS` the table is sorted by.
    pub sort: usize,
    /// Selected row of the table.
    pub selected: usize,
    /// First data column shown after the name (the table scrolls sideways).
    pub column: usize,
    /// First line of the gauges shown.
    pub scroll: usize,
    /// The figures shown are being recomputed (for another period or scope).
    pub loading: bool,
    /// The period the figures are for, once computed.
    pub figures_for: Option<Period>,
}

/// The team a rep is in: the rep just below the top of the tree that holds
/// them (`None` for the top itself), as `rapport report --by team` counts it.
fn team_lead(reps: &[RepRow], id: i64) -> Option<i64> {
    let manager = |i: i64| reps.iter().find(|r| r.id == i).and_then(|r| r.manager_id);
    let mut cur = id;
    for _ in 0..=reps.len() {
        match manager(cur) {
            None => return None,
            Some(m) if manager(m).is_none() || m == cur => return Some(cur),
            Some(m) => cur = m,
        }
    }
    None
}

fn sum_targets(targets: &[TargetRow], scope: TargetScope, rep: Option<i64>) -> Option<Money> {
    targets.iter().filter(|t| t.0 == scope && t.1 == rep).map(|t| t.2).reduce(|a, b| a + b)
}

fn units(m: Money) -> f64 {
    m.cents() as f64 / 100.0
}

impl Targets {
    pub fn new(calendar: FiscalCalendar, today: NaiveDate) -> Targets {
        Targets {
            calendar,
            today,
            period: Period::quarter_of(calendar, today),
            scope_label: "everyone".into(),
            rows: Vec::new(),
            alignment: Vec::new(),
            counts: Vec::new(),
            reps: Vec::new(),
            quarters: Vec::new(),
            year: None,
            history: Vec::new(),
            elapsed: (0, 0),
            view: View::Gauges,
            sort: ATTAINMENT,
            selected: 0,
            column: 0,
            scroll: 0,
            loading: false,
            figures_for: None,
        }
    }

    /// An empty tracker for the same period, day and order, to compute elsewhere.
    pub fn request(&self) -> Targets {
        let mut t = Targets::new(self.calendar, self.today);
        t.period = self.period;
        t.sort = self.sort;
        t
    }

    /// The figures of a tracker computed elsewhere, keeping what the user
    /// chose since (view, order, selection), when it is still for this period.
    pub fn take(&mut self, loaded: Targets) {
        if loaded.period != self.period || loaded.today != self.today {
            return;
        }
        let keep = self.selected_rep();
        self.scope_label = loaded.scope_label;
        self.rows = loaded.rows;
        self.alignment = loaded.alignment;
        self.counts = loaded.counts;
        self.reps = loaded.reps;
        self.quarters = loaded.quarters;
        self.year = loaded.year;
        self.history = loaded.history;
        self.elapsed = loaded.elapsed;
        self.sort_reps();
        self.selected = keep.and_then(|id| self.reps.iter().position(|r| r.rep_id == id)).unwrap_or(0);
        self.loading = false;
        self.figures_for = Some(self.period);
    }

    /// Reads the period's rows and computes every figure the tracker shows.
    pub fn load(&mut self, store: &Store, reps: &[RepRow], scope: &Resolved) -> Result<()> {
        let cal = self.calendar;
        let period = self.period;
        let span = Days::of(period, cal);
        self.elapsed = period.fraction_elapsed(cal, self.today);
        self.scope_label = scope.label.clone();
        let members: Vec<Member> = reps.iter().map(|r| (r.id, r.name.clone(), r.manager_id)).collect();
        let links: Vec<(i64, Option<i64>)> = reps.iter().map(|r| (r.id, r.manager_id)).collect();

        let all_targets = store.targets_for(period)?;
        let targets: Vec<TargetRow> = store.revenue_targets(period)?;
        let deals = store.deal_facts(span.start, span.end)?;
        let of = |ids: &[i64]| -> Vec<&DealFact> {
            deals.iter().filter(|d| d.owner_id.is_some_and(|o| ids.contains(&o))).collect()
        };
        let gauge = |kind, label: String, target: Option<Money>, m: DealMetrics| {
            let p = pace(target, m.won, m.pipeline, period, cal, self.today);
            GaugeRow { kind, label, metrics: m, pace: p }
        };

        // The whole scope, measured as `rapport report forecast` measures it.
        let mut rows = Vec::new();
        let scoped: Vec<&DealFact> = deals.iter().filter(|d| scope.includes(d.owner_id)).collect();
        let headline = if scope.root.is_none() { "Company".to_string() } else { scope.label.clone() };
        rows.push(gauge(
            RowKind::Scope,
            headline,
            scope::target_for(scope, &targets, &members),
            deal_metrics(scoped.iter().copied(), span),
        ));

        // Teams, each followed by its reps; then the reps in no team.
        let in_scope: Vec<&RepRow> = reps.iter().filter(|r| scope.includes(Some(r.id))).collect();
        let mut groups: BTreeMap<Option<i64>, Vec<&RepRow>> = BTreeMap::new();
        for r in &in_scope {
            groups.entry(team_lead(reps, r.id)).or_default().push(r);
        }
        let rep_target = |id: i64| sum_targets(&targets, TargetScope::Rep, Some(id));
        let mut loners = Vec::new();
        for (lead, group) in &groups {
            let team = lead.map(|l| team_of(&links, l)).unwrap_or_default();
            let Some(lead) = lead.filter(|_| team.len() > 1) else {
                loners.extend(group.iter().copied());
                continue;
            };
            if scope.root != Some(lead) {
                let name = reps.iter().find(|r| r.id == lead).map_or("?", |r| r.name.as_str());
                let resolved = Resolved { label: name.to_string(), root: Some(lead), reps: Some(team.clone()) };
                rows.push(gauge(
                    RowKind::Team,
                    format!("Team {name}"),
                    scope::target_for(&resolved, &targets, &members),
                    deal_metrics(of(&team), span),
                ));
            }
            for r in group {
                rows.push(gauge(RowKind::Rep, r.name.clone(), rep_target(r.id), deal_metrics(of(&[r.id]), span)));
            }
        }
        for r in loners {
            rows.push(gauge(RowKind::Rep, r.name.clone(), rep_target(r.id), deal_metrics(of(&[r.id]), span)));
        }
        // A rep with no target and nothing won or in play is noise on a gauge.
        rows.retain(|g| {
            g.kind != RowKind::Rep
                || g.pace.target.is_some()
                || g.metrics.won.cents() != 0
                || g.metrics.pipeline_count > 0
        });
        self.rows = rows;

        // The supervision table, as `rapport report reps` computes it.
        let activities: BTreeMap<i64, i64> = store.activities_by_rep(span.start, span.end)?.into_iter().collect();
        // Stale: no call, e-mail or meeting in the last 30 days.
        let stale: BTreeMap<i64, i64> =
            store.stale_accounts_by_rep(self.today - chrono::Days::new(30))?.into_iter().collect();
        let now = store.clock().now().naive_utc();
        let conflicts: Vec<ConflictFact> = store.conflict_facts(span.start, span.end)?;
        self.reps = in_scope
            .iter()
            .map(|r| {
                let m = deal_metrics(of(&[r.id]), span);
                let p = pace(rep_target(r.id), m.won, m.pipeline, period, cal, self.today);
                let open: Vec<&ConflictFact> =
                    conflicts.iter().filter(|c| c.owner_id == Some(r.id) && c.resolved_at.is_none()).collect();
                RepLine {
                    rep_id: r.id,
                    name: r.name.clone(),
                    metrics: m,
                    pace: p,
                    activities: activities.get(&r.id).copied().unwrap_or(0),
                    stale: stale.get(&r.id).copied().unwrap_or(0),
                    open_conflicts: open.len() as i64,
                    breached: open.iter().filter(|c| c.sla_due_at < now).count() as i64,
                }
            })
            .collect();
        self.sort_reps();

        // Do the targets add up?
        let mut alignment = Vec::new();
        let leads: Vec<i64> = targets
            .iter()
            .filter(|t| t.0 == TargetScope::Team)
            .filter_map(|t| t.1)
            .collect::<std::collections::BTreeSet<_>>()
            .into_iter()
            .collect();
        let company = sum_targets(&targets, TargetScope::Company, None);
        let tops = scope.root.is_none_or(|r| reps.iter().any(|x| x.id == r && x.manager_id.is_none()));
        if tops && (company.is_some() || !leads.is_empty()) {
            let below =
                leads.iter().filter_map(|l| sum_targets(&targets, TargetScope::Team, Some(*l))).reduce(|a, b| a + b);
            alignment.push(Alignment { label: "Company".into(), below_word: "teams", target: company, below });
        }
        for lead in leads.iter().filter(|l| scope.includes(Some(**l))) {
            let team = team_of(&links, *lead);
            let below =
                team.iter().filter_map(|r| sum_targets(&targets, TargetScope::Rep, Some(*r))).reduce(|a, b| a + b);
            let name = reps.iter().find(|r| r.id == *lead).map_or("?", |r| r.name.as_str());
            alignment.push(Alignment {
                label: format!("Team {name}"),
                below_word: "reps",
                target: sum_targets(&targets, TargetScope::Team, Some(*lead)),
                below,
            });
        }
        self.alignment = alignment;

        // Targets of counts, each in its unit.
        let opened: Vec<(Option<i64>, i64)> = store.deals_opened_by_rep(span.start, span.end)?;
        let mut counts = Vec::new();
        for t in all_targets.iter().filter(|t| t.metric != TargetMetric::WonRevenue) {
            let who: Option<Vec<i64>> = match t.scope {
                TargetScope::Company => None,
                TargetScope::Team => t.rep_id.map(|l| team_of(&links, l)),
                TargetScope::Rep => t.rep_id.map(|r| vec![r]),
                TargetScope::Account => continue,
            };
            if let (Some(ids), Some(root)) = (&who, t.rep_id) {
                if !scope.includes(Some(root)) || ids.is_empty() {
                    continue;
                }
            }
            let counted = |o: Option<i64>| who.as_ref().is_none_or(|ids| o.is_some_and(|o| ids.contains(&o)));
            let actual = match t.metric {
                TargetMetric::Activities => activities.iter().filter(|(r, _)| counted(Some(**r))).map(|(_, n)| n).sum(),
                _ => opened.iter().filter(|(r, _)| counted(*r)).map(|(_, n)| n).sum(),
            };
            let name = t.rep_id.and_then(|i| reps.iter().find(|r| r.id == i)).map_or("", |r| r.name.as_str());
            let label = match t.scope {
                TargetScope::Company => "Company".to_string(),
                TargetScope::Team => format!("Team {name}"),
                _ => name.to_string(),
            };
            counts.push(CountLine { label, metric: t.metric, target: t.amount, actual });
        }
        self.counts = counts;

        // Eight quarters up to the selected one (a year's last), from one read.
        let last = match period {
            Period::Quarter(..) => period,
            _ => Period::quarter_of(cal, span.end.pred_opt().unwrap_or(span.end)),
        };
        let mut qs = vec![last];
        for _ in 1..8 {
            let prev = qs[qs.len() - 1].prev();
            qs.push(prev);
        }
        qs.reverse();
        let mut quarters = Vec::with_capacity(8);
        for q in qs {
            let q_targets = store.revenue_targets(q)?;
            // Won as `deal_metrics` counts it (won, closed in the quarter), summed
            // by the store from its covering index: reading two years of deals
            // row by row takes seconds on a large book.
            let (start, end) = (q.start(cal), q.end(cal));
            let by_rep = store.won_by_rep(start, end)?;
            let won = match &scope.reps {
                None => store.won_total(start, end)?,
                Some(_) => by_rep.iter().filter(|(r, _)| scope.includes(Some(*r))).map(|(_, m)| *m).sum(),
            };
            quarters.push(QuarterBar { period: q, won, target: scope::target_for(scope, &q_targets, &members) });
        }
        self.quarters = quarters;

        self.year = match period {
            Period::Year(_) => Some(self.year_chart(&scoped, &rows_headline(&self.rows))),
            _ => None,
        };
        // How the forecast moved, and for a closed period against what was won.
        let days: Vec<_> = store.forecast_history(period, scope.reps.as_deref())?.iter().map(|s| s.figures()).collect();
        let closed = PeriodState::of(span, self.today) == PeriodState::Closed;
        let won = rows_headline(&self.rows).metrics.won;
        self.history = weekly(&days, closed.then_some(won));

        self.selected = self.selected.min(self.reps.len().saturating_sub(1));
        self.loading = false;
        self.figures_for = Some(period);
        Ok(())
    }

    fn year_chart(&self, deals: &[&DealFact], head: &GaugeRow) -> YearChart {
        let cal = self.calendar;
        let months = self.period.months(cal);
        let n = months.len() as f64;
        let mut won = vec![(0.0, 0.0)];
        let mut total = Money::ZERO;
        for (i, m) in months.iter().enumerate() {
            if m.start(cal) > self.today {
                break;
            }
            total += deal_metrics(deals.iter().copied(), Days::of(*m, cal)).won;
            won.push(((i + 1) as f64, units(total)));
        }
        let target = head.pace.target.map_or_else(Vec::new, |t| vec![(0.0, 0.0), (n, units(t))]);
        let (x, y) = won.last().copied().unwrap_or((0.0, 0.0));
        let ahead = |m: Money| if x < n { vec![(x, y), (n, units(m))] } else { Vec::new() };
        let commit = ahead(head.metrics.commit());
        let forecast = ahead(head.metrics.forecast());
        let top = won.iter().chain(&target).chain(&commit).chain(&forecast).map(|p| p.1).fold(1.0_f64, f64::max);
        let label = |m: &Period| {
            let d = m.start(cal);
            d.format("%b").to_string()
        };
        YearChart { months: months.iter().map(label).collect(), won, target, commit, forecast, top }
    }

    /// Steps the period back or forward by one of its own length.
    pub fn shift(&mut self, delta: i32) {
        self.period = if delta < 0 { self.period.prev() } else { self.period.next() };
        self.scroll = 0;
    }

    /// Quarter to its fiscal year, and a year to its quarter holding today
    /// (or its first quarter when today lies elsewhere).
    pub fn toggle_year(&mut self) {
        let cal = self.calendar;
        self.period = match self.period {
            Period::Year(_) => {
                let span = Days::of(self.period, cal);
                Period::quarter_of(cal, if span.contains(self.today) { self.today } else { span.start })
            }
            p => Period::year_of(cal, p.start(cal)),
        };
        self.scroll = 0;
    }

    pub fn next_view(&mut self) {
        self.view = match self.view {
            View::Gauges => View::Reps,
            View::Reps => View::Chart,
            View::Chart => View::History,
            View::History => View::Gauges,
        };
        self.scroll = 0;
    }

    /// The next column to sort the table by.
    pub fn cycle_sort(&mut self) {
        let keep = self.selected_rep();
        self.sort = (self.sort + 1) % COLUMNS.len();
        // Scrolled so the sorted column shows at 80 columns (draw scrolls further if needed).
        self.column = self.sort.saturating_sub(7);
        self.sort_reps();
        self.selected = keep.and_then(|id| self.reps.iter().position(|r| r.rep_id == id)).unwrap_or(0);
    }

    pub fn scroll_columns(&mut self, delta: isize) {
        self.column = self.column.saturating_add_signed(delta).min(COLUMNS.len() - 2);
    }

    /// Moves the selection in the table, or scrolls the gauges.
    pub fn step(&mut self, delta: isize, rows: usize) {
        if self.view == View::Gauges && !shows_all(rows + 1) {
            self.scroll = self.scroll.saturating_add_signed(delta).min(self.gauge_lines_max());
        } else if self.view == View::History && !shows_all(rows + 1) {
            // The latest week shows first; up goes back in time.
            self.scroll = self.scroll.saturating_add_signed(-delta).min(self.history.len());
        } else {
            self.selected = self.selected.saturating_add_signed(delta).min(self.reps.len().saturating_sub(1));
        }
    }

    fn gauge_lines_max(&self) -> usize {
        (self.rows.len() * 3 + self.alignment.len() + self.counts.len() + 2).saturating_sub(1)
    }

    pub fn selected_rep(&self) -> Option<i64> {
        self.reps.get(self.selected).map(|r| r.rep_id)
    }

    fn sort_reps(&mut self) {
        let col = self.sort;
        if col == 0 {
            self.reps.sort_by(|a, b| a.name.cmp(&b.name));
            return;
        }
        // Attainment: furthest behind first (who the manager talks to on
        // Monday), as `rapport report reps` orders it; others largest first.
        // Rows with nothing to compare go last.
        let asc = col == ATTAINMENT;
        self.reps.sort_by(|a, b| match (sort_key(a, col), sort_key(b, col)) {
            (Some(x), Some(y)) if asc => x.total_cmp(&y),
            (Some(x), Some(y)) => y.total_cmp(&x),
            (Some(_), None) => std::cmp::Ordering::Less,
            (None, Some(_)) => std::cmp::Ordering::Greater,
            (None, None) => std::cmp::Ordering::Equal,
        });
    }
}

fn rows_headline(rows: &[GaugeRow]) -> GaugeRow {
    rows[0].clone()
}

fn sort_key(r: &RepLine, col: usize) -> Option<f64> {
    let money = |m: Money| Some(m.cents() as f64);
    match col {
        1 => r.pace.target.and_then(money),
        2 => money(r.metrics.won),
        3 => r.pace.attainment,
        4 => r.pace.gap.and_then(money),
        5 => money(r.metrics.pipeline),
        6 => money(r.metrics.weighted),
        7 => match r.pace.coverage {
            Coverage::NoTarget => None,
            Coverage::Covered => Some(f64::INFINITY),
            Coverage::Ratio(x) => Some(x),
        },
        8 => r.metrics.win_rate_count(),
        9 => Some(r.activities as f64),
        10 => Some(r.stale as f64),
        11 => Some(r.open_conflicts as f64),
        _ => Some(r.breached as f64),
    }
}

/// Whether the pane is tall enough to show gauges, table and chart at once.
pub fn shows_all(inner_height: usize) -> bool {
    inner_height >= 34
}

/// Whole percent, rounded down: 99.6% of a target is not yet "100%".
fn pct(p: Option<f64>) -> String {
    p.map_or_else(|| "—".into(), |p| format!("{}%", p.floor()))
}

fn money_or_dash(m: Option<Money>) -> String {
    m.map_or_else(|| "—".into(), Money::compact)
}

/// The cells of a table row, in `COLUMNS` order.
pub fn rep_cells(r: &RepLine) -> [String; 13] {
    [
        r.name.clone(),
        r.pace.target.map_or_else(|| "no target".into(), Money::compact),
        r.metrics.won.compact(),
        pct(r.pace.attainment),
        money_or_dash(r.pace.gap),
        r.metrics.pipeline.compact(),
        r.metrics.weighted.compact(),
        r.pace.coverage.text(),
        pct(r.metrics.win_rate_count()),
        r.activities.to_string(),
        r.stale.to_string(),
        r.open_conflicts.to_string(),
        r.breached.to_string(),
    ]
}

/// The figures of a gauge as separate parts, so a narrow pane can wrap
/// them between parts instead of cutting a number.
fn gauge_parts(g: &GaugeRow) -> Vec<String> {
    let p = &g.pace;
    let m = &g.metrics;
    let mut parts = Vec::new();
    match p.target {
        Some(t) if t.cents() > 0 => {
            let att = pct(p.attainment);
            match p.state {
                PeriodState::Closed => parts.push(format!("closed: {att} of {}", t.compact())),
                _ => parts.push(format!("{} won, {att} of {}", m.won.compact(), t.compact())),
            }
            if p.state == PeriodState::Current {
                if let Some(e) = p.expected_by_today {
                    parts.push(format!("expected by today {}", e.compact()));
                }
            }
            if let Some(gap) = p.gap {
                if gap.cents() > 0 {
                    parts.push(format!("gap {}", gap.compact()));
                } else {
                    parts.push(format!("over by {}", (Money::ZERO - gap).compact()));
                }
            }
        }
        _ => parts.push(format!("{} won, no target", m.won.compact())),
    }
    if p.state != PeriodState::Closed {
        parts.push(format!("commit {}", m.commit().compact()));
        parts.push(format!("forecast {}", m.forecast().compact()));
        if p.coverage != Coverage::NoTarget {
            parts.push(format!("coverage {}", p.coverage.text()));
        }
    }
    parts
}

/// A bar drawn in characters, so it shows without colour: `█` won, `░`
/// still to win, `│` where today's expectation stands.
fn bar(g: &GaugeRow, width: usize) -> String {
    let fill = |r: f64| ((r.clamp(0.0, 1.0) * width as f64).round() as usize).min(width);
    let filled = g.pace.attainment.map_or(0, |a| fill(a / 100.0));
    let marker = match (g.pace.state, g.pace.expected_by_today, g.pace.target) {
        (PeriodState::Current, Some(e), Some(t)) if t.cents() > 0 => {
            Some(fill(e.cents() as f64 / t.cents() as f64).min(width.saturating_sub(1)))
        }
        _ => None,
    };
    (0..width)
        .map(|i| match (Some(i) == marker, i < filled) {
            (true, _) => '│',
            (false, true) => '█',
            (false, false) => '░',
        })
        .collect()
}

fn gauge_style(g: &GaugeRow, app: &App) -> Style {
    let theme = app.theme;
    match (g.pace.attainment, g.pace.on_pace) {
        (Some(a), _) if a >= 100.0 => theme.good(),
        (_, Some(false)) if g.pace.state != PeriodState::Future => theme.warn(),
        _ => theme.accent(),
    }
}

/// Greedily joins `parts` with " · " into lines of at most `width` columns;
/// a part longer than a line gets a line of its own.
fn wrap_parts(parts: &[String], first: usize, width: usize) -> Vec<String> {
    let mut lines: Vec<String> = vec![String::new()];
    let mut room = first;
    for p in parts {
        let cur = lines.last_mut().expect("one line at least");
        let need = if cur.is_empty() { p.chars().count() } else { p.chars().count() + 3 };
        if need <= room || cur.is_empty() {
            if !cur.is_empty() {
                cur.push_str(" · ");
            }
            cur.push_str(p);
            room = room.saturating_sub(need);
        } else {
            lines.push(p.clone());
            room = width.saturating_sub(p.chars().count());
        }
    }
    lines
}

/// The gauges, the alignment and the count targets as lines.
fn gauge_lines<'a>(t: &Targets, app: &App, width: usize) -> Vec<Line<'a>> {
    let theme = app.theme;
    let name_w = t
        .rows
        .iter()
        .map(|g| g.label.chars().count() + if g.kind == RowKind::Rep { 2 } else { 0 })
        .max()
        .unwrap_or(8)
        .min(width / 3)
        .max(8);
    let bar_w = (width / 5).clamp(8, 30);
    let mut out = Vec::new();
    for g in &t.rows {
        let indent = if g.kind == RowKind::Rep { "  " } else { "" };
        let label = super::fit(&format!("{indent}{}", g.label), name_w);
        let pad = name_w.saturating_sub(unicode_width::UnicodeWidthStr::width(label.as_str()));
        let label_style = if g.kind == RowKind::Rep { theme.text() } else { theme.title() };
        let first = width.saturating_sub(name_w + bar_w + 2);
        let indent_w = 4;
        let lines = wrap_parts(&gauge_parts(g), first, width.saturating_sub(indent_w));
        let mut spans = vec![
            Span::styled(format!("{label}{} ", " ".repeat(pad)), label_style),
            Span::styled(bar(g, bar_w), gauge_style(g, app)),
            Span::raw(" "),
        ];
        let mut rest = lines.into_iter();
        if let Some(l) = rest.next() {
            spans.push(Span::raw(l));
        }
        out.push(Line::from(spans));
        for l in rest {
            out.push(Line::from(Span::styled(format!("{}{l}", " ".repeat(indent_w)), theme.dim())));
        }
    }
    if !t.alignment.is_empty() {
        let ok = t.alignment.iter().filter(|a| a.aligned()).count();
        out.push(Line::from(Span::styled(format!("Alignment: {ok} of {} add up", t.alignment.len()), theme.title())));
        for a in &t.alignment {
            let style = if a.aligned() { theme.dim() } else { theme.warn() };
            for l in wrap_parts(&[a.text()], width.saturating_sub(2), width.saturating_sub(2)) {
                out.push(Line::from(Span::styled(format!("  {l}"), style)));
            }
        }
    }
    if !t.counts.is_empty() {
        out.push(Line::from(Span::styled("Other targets", theme.title())));
        for c in &t.counts {
            let text = format!("  {}: {} {} of {}", c.label, c.actual, c.metric.unit(), c.target);
            out.push(Line::from(Span::raw(text)));
        }
    }
    out
}

/// The head: the period, how far through it is, and the headline, wrapped
/// between parts so a narrow pane never cuts a number.
fn head_lines<'a>(t: &Targets, app: &App, width: usize) -> Vec<Line<'a>> {
    let theme = app.theme;
    let (gone, total) = t.elapsed;
    let mut parts: Vec<(String, Style)> = Vec::new();
    if let Some(g) = t.rows.first() {
        let p = &g.pace;
        let target = p.target.filter(|t| t.cents() > 0);
        match (p.state, target) {
            (PeriodState::Closed, Some(tg)) => {
                parts.push((format!("closed: {} of {}", pct(p.attainment), tg.compact()), theme.title()))
            }
            (PeriodState::Closed, None) => {
                parts.push((format!("closed: {} won, no target", g.metrics.won.compact()), theme.text()))
            }
            (PeriodState::Future, _) => {
                parts.push((format!("starts {}", t.period.start(t.calendar)), theme.dim()));
                parts.push((format!("target {}", money_or_dash(target)), theme.dim()));
            }
            (PeriodState::Current, Some(tg)) => {
                let due = p.expected_by_today.unwrap_or_default();
                let (word, style) =
                    if p.on_pace == Some(true) { ("ahead", theme.good()) } else { ("behind", theme.warn()) };
                let by = if g.metrics.won >= due { g.metrics.won - due } else { due - g.metrics.won };
                parts.push((format!("day {gone} of {total}"), theme.dim()));
                parts.push((format!("{} of {}", g.metrics.won.compact(), tg.compact()), style));
                parts.push((format!("expected by today {}", due.compact()), style));
                parts.push((format!("{word} by {}", by.compact()), style));
            }
            (PeriodState::Current, None) => {
                parts.push((format!("day {gone} of {total}"), theme.dim()));
                parts.push(("no target".into(), theme.dim()));
            }
        }
    }
    if t.loading {
        parts.push(("updating…".into(), theme.dim()));
    }
    let first = format!("{} ", period_name(t.period));
    let mut used = first.chars().count();
    let mut lines = vec![vec![Span::styled(first, theme.title())]];
    for (i, (text, style)) in parts.into_iter().enumerate() {
        let sep = if i == 0 { "" } else { " · " };
        let w = sep.chars().count() + text.chars().count();
        if used + w > width && i > 0 {
            used = 2 + text.chars().count();
            lines.push(vec![Span::raw("  "), Span::styled(text, style)]);
        } else {
            used += w;
            let line = lines.last_mut().expect("one line at least");
            line.push(Span::styled(sep, theme.dim()));
            line.push(Span::styled(text, style));
        }
    }
    lines.into_iter().map(Line::from).collect()
}

fn table_lines<'a>(t: &Targets, app: &App, width: usize, height: usize, focused: bool) -> Vec<Line<'a>> {
    let theme = app.theme;
    let cells: Vec<[String; 13]> = t.reps.iter().map(rep_cells).collect();
    let mut widths = [0usize; 13];
    for (i, c) in COLUMNS.iter().enumerate() {
        widths[i] = c.chars().count() + 1;
    }
    for row in &cells {
        for (i, c) in row.iter().enumerate() {
            widths[i] = widths[i].max(unicode_width::UnicodeWidthStr::width(c.as_str()) + usize::from(i == t.sort));
        }
    }
    widths[0] = widths[0].min(width / 2).max(4);
    // The name stays; the other columns scroll sideways from `column`, and
    // further when the sorted column would be out of sight.
    let fit_from = |first: usize| {
        let mut shown = vec![0usize];
        let mut used = widths[0];
        for (i, w) in widths.iter().enumerate().skip(first) {
            if used + 1 + w > width {
                break;
            }
            used += 1 + w;
            shown.push(i);
        }
        shown
    };
    let mut first = (1 + t.column).min(COLUMNS.len() - 1);
    let mut shown = fit_from(first);
    while t.sort > 0 && !shown.contains(&t.sort) && first < t.sort {
        first += 1;
        shown = fit_from(first);
    }
    let more_left = first > 1;
    let more_right = shown.last().is_some_and(|l| *l < COLUMNS.len() - 1);
    let cell = |i: usize, text: &str| {
        let w = widths[i];
        if i == 0 {
            let cut = super::fit(text, w);
            let pad = w.saturating_sub(unicode_width::UnicodeWidthStr::width(cut.as_str()));
            format!("{cut}{}", " ".repeat(pad))
        } else {
            format!(" {text:>w$}")
        }
    };
    let mut out = Vec::new();
    let mut head = String::new();
    for &i in &shown {
        let name = if i == t.sort {
            format!("{}{}", COLUMNS[i], if i == ATTAINMENT { "▲" } else { "▼" })
        } else {
            COLUMNS[i].to_string()
        };
        head.push_str(&cell(i, &name));
    }
    out.push(Line::from(Span::styled(head, theme.header_row())));
    let body = height.saturating_sub(2).max(1);
    let start = t.selected.saturating_sub(body.saturating_sub(1));
    for (n, row) in cells.iter().enumerate().skip(start).take(body) {
        let mut text = String::new();
        for &i in &shown {
            text.push_str(&cell(i, &row[i]));
        }
        let style = if n == t.selected { theme.selected(focused) } else { theme.text() };
        out.push(Line::from(Span::styled(text, style)));
    }
    let mut note = vec![format!("{} reps · s sort · Enter: their accounts", t.reps.len())];
    if more_left || more_right {
        let arrows = match (more_left, more_right) {
            (true, true) => "←/→",
            (true, false) => "←",
            _ => "→",
        };
        note.push(format!("{arrows} more columns"));
    }
    out.push(Line::from(Span::styled(note.join(" · "), theme.dim())));
    out
}

/// The forecast week by week, latest at the bottom: the latest weeks that
/// fit in `height` lines, `scroll` weeks back from the last.
fn history_lines<'a>(t: &Targets, app: &App, height: usize, scroll: usize) -> Vec<Line<'a>> {
    let theme = app.theme;
    let closed = t.rows.first().is_some_and(|g| g.pace.state == PeriodState::Closed);
    let mut title = format!("Forecast history {}, week by week", period_name(t.period));
    if let (true, Some(g)) = (closed, t.rows.first()) {
        title.push_str(&format!(" · accuracy = forecast ÷ won {}", g.metrics.won.compact()));
    }
    let mut out = vec![Line::from(Span::styled(title, theme.title()))];
    if t.history.is_empty() {
        out.push(Line::from(Span::styled(
            "no snapshots yet: one is taken each day the cockpit or a report runs",
            theme.dim(),
        )));
        return out;
    }
    let mut head = vec!["Week", "Taken on", "Forecast", "Change", "Commit", "Best case"];
    if closed {
        head.push("Accuracy");
    }
    let widths = [8, 10, 8, 8, 8, 9, 8];
    let row = |cells: &[String]| {
        let mut text = String::new();
        for (i, c) in cells.iter().enumerate() {
            // Text columns to the left, figures to the right.
            if i < 2 {
                text.push_str(&format!("{c:<w$}  ", w = widths[i]));
            } else {
                text.push_str(&format!("{c:>w$}  ", w = widths[i]));
            }
        }
        text.trim_end().to_string()
    };
    out.push(Line::from(Span::styled(row(&head.iter().map(|h| h.to_string()).collect::<Vec<_>>()), theme.dim())));
    let room = height.saturating_sub(2).max(1);
    let n = t.history.len();
    let (start, end) = if n <= room {
        (0, n)
    } else {
        let fit = room.saturating_sub(1).max(1);
        let end = n - scroll.min(n - fit);
        (end - fit, end)
    };
    for line in &t.history[start..end] {
        let f = line.figures;
        let change = line
            .change
            .map_or_else(|| "—".to_string(), |c| if c.cents() > 0 { format!("+{}", c.compact()) } else { c.compact() });
        let mut cells = vec![
            line.week.clone(),
            f.taken_on.to_string(),
            f.forecast.compact(),
            change,
            f.commit.compact(),
            f.best_case.compact(),
        ];
        if closed {
            cells.push(line.accuracy.map_or_else(|| "—".to_string(), |a| format!("{a:.1}%")));
        }
        out.push(Line::from(Span::styled(row(&cells), theme.text())));
    }
    if start > 0 || end < n {
        out.push(Line::from(Span::styled(
            format!("{start} earlier, {} later weeks: j/k scroll", n - end),
            theme.dim(),
        )));
    }
    out
}

/// Won per quarter as bars, each quarter's target marked `─` across its bar.
fn draw_quarters(f: &mut Frame, area: Rect, t: &Targets, app: &App) {
    let theme = app.theme;
    let n = t.quarters.len().max(1) as u16;
    if area.height < 5 || area.width < n * 5 {
        return;
    }
    let cw = area.width / n;
    let bw = cw.saturating_sub(1).max(1);
    let h = area.height - 3;
    let top = t.quarters.iter().map(|q| q.won.cents().max(q.target.map_or(0, |m| m.cents()))).max().unwrap_or(0).max(1)
        as f64;
    let rows_of = |m: Money| ((m.cents().max(0) as f64 / top) * f64::from(h)).round() as u16;
    let buf = f.buffer_mut();
    for (i, q) in t.quarters.iter().enumerate() {
        let x = area.x + i as u16 * cw;
        let filled = rows_of(q.won);
        let mark = q.target.map(|tg| rows_of(tg).clamp(1, h));
        for level in 1..=h {
            let y = area.y + h - level;
            let glyph = if mark == Some(level) {
                "─"
            } else if level <= filled {
                "█"
            } else {
                " "
            };
            let style = if mark == Some(level) { theme.title() } else { theme.accent() };
            for dx in 0..bw {
                buf[(x + dx, y)].set_symbol(glyph).set_style(style);
            }
        }
        let mut label = |row: u16, text: String, style: Style| {
            let text = super::fit(&text, cw as usize);
            buf.set_string(x, area.y + h + row, text, style);
        };
        let name = period_name(q.period);
        label(0, name.get(2..).unwrap_or(&name).to_string(), theme.dim());
        label(1, q.won.compact(), theme.title());
        label(2, format!("t {}", money_or_dash(q.target)), theme.dim());
    }
}

/// Cumulative won by month against the straight target line; commit and
/// forecast drawn from today to the year's end.
fn draw_year(f: &mut Frame, area: Rect, t: &Targets, y: &YearChart, app: &App) {
    let theme = app.theme;
    let head = t.rows.first();
    let figures = head.map_or_else(String::new, |g| {
        format!(
            "█ won {} · • target {} · ▄ commit {} · ⠤ forecast {}",
            g.metrics.won.compact(),
            money_or_dash(g.pace.target),
            g.metrics.commit().compact(),
            g.metrics.forecast().compact()
        )
    });
    let [chart_area, text_area] = Layout::vertical([Constraint::Min(3), Constraint::Length(1)]).areas(area);
    f.render_widget(Paragraph::new(Span::styled(figures, theme.dim())), text_area);
    let mut sets = vec![Dataset::default()
        .name("won")
        .marker(Marker::Block)
        .graph_type(GraphType::Line)
        .style(theme.good())
        .data(&y.won)];
    if !y.target.is_empty() {
        sets.push(
            Dataset::default()
                .name("target")
                .marker(Marker::Dot)
                .graph_type(GraphType::Line)
                .style(theme.title())
                .data(&y.target),
        );
    }
    if !y.commit.is_empty() {
        sets.push(
            Dataset::default()
                .name("commit")
                .marker(Marker::Bar)
                .graph_type(GraphType::Line)
                .style(theme.accent())
                .data(&y.commit),
        );
        sets.push(
            Dataset::default()
                .name("forecast")
                .marker(Marker::Braille)
                .graph_type(GraphType::Line)
                .style(theme.warn())
                .data(&y.forecast),
        );
    }
    let n = y.months.len() as f64;
    let month = |i: usize| Span::raw(y.months.get(i).cloned().unwrap_or_default());
    let x_labels = vec![month(0), month(y.months.len() / 2), month(y.months.len().saturating_sub(1))];
    let top = Money((y.top * 100.0) as i64);
    let chart = Chart::new(sets)
        .x_axis(Axis::default().bounds([0.0, n]).labels(x_labels).style(theme.dim()))
        .y_axis(
            Axis::default()
                .bounds([0.0, y.top])
                .labels(vec![Span::raw("0"), Span::raw(top.compact())])
                .style(theme.dim()),
        )
        // The line under the chart names each mark with its figure.
        .legend_position(None);
    f.render_widget(chart, chart_area);
}

fn draw_chart(f: &mut Frame, area: Rect, t: &Targets, app: &App) {
    match &t.year {
        Some(y) if area.height >= 16 => {
            let [a, b] = Layout::vertical([Constraint::Percentage(55), Constraint::Percentage(45)]).areas(area);
            draw_year(f, a, t, y, app);
            draw_quarters(f, b, t, app);
        }
        Some(y) => draw_year(f, area, t, y, app),
        None => draw_quarters(f, area, t, app),
    }
}

pub fn draw(f: &mut Frame, area: Rect, app: &App) {
    let t = &app.targets;
    let theme = app.theme;
    let focused = app.focus == PaneId::Targets;
    let block = frame(3, format!("Target tracker · {} · {}", period_name(t.period), t.scope_label), focused, theme);
    let inner = block.inner(area);
    f.render_widget(block, area);
    let width = inner.width as usize;
    let all = shows_all(inner.height as usize);

    let head_text = head_lines(t, app, width);
    let head_h = if t.figures_for == Some(t.period) { head_text.len().min(3) as u16 } else { 1 };
    let [head, body] = Layout::vertical([Constraint::Length(head_h), Constraint::Min(0)]).areas(inner);
    if t.figures_for != Some(t.period) {
        // Figures of another period are never shown under this one's name.
        let text = format!("{} · computing the figures…", period_name(t.period));
        f.render_widget(Paragraph::new(Span::styled(text, theme.dim())), head);
        return;
    }
    f.render_widget(Paragraph::new(head_text), head);
    let gauges = gauge_lines(t, app, width);

    if all {
        let table_h = (t.reps.len() + 2).clamp(4, 14) as u16;
        let chart_h: u16 = if t.year.is_some() { 22 } else { 9 };
        let gauge_h = body.height.saturating_sub(table_h + chart_h + 2).min(gauges.len() as u16);
        let [g, _, tb, _, c] = Layout::vertical([
            Constraint::Length(gauge_h),
            Constraint::Length(1),
            Constraint::Length(table_h),
            Constraint::Length(1),
            Constraint::Min(chart_h),
        ])
        .areas(body);
        let mut lines = gauges;
        if lines.len() > g.height as usize && g.height > 0 {
            let keep = g.height as usize - 1;
            let hidden = lines.len() - keep;
            lines.truncate(keep);
            lines.push(Line::from(Span::styled(
                format!("… {hidden} more lines: v shows the gauges alone"),
                theme.dim(),
            )));
        }
        f.render_widget(Paragraph::new(lines), g);
        f.render_widget(Paragraph::new(table_lines(t, app, width, tb.height as usize, focused)), tb);
        // The forecast history beside the chart when wide, else under it.
        let [c, h] = if c.width >= 122 {
            let [c, _, h] =
                Layout::horizontal([Constraint::Min(40), Constraint::Length(2), Constraint::Length(72)]).areas(c);
            [c, h]
        } else {
            let lines = (t.history.len() + 2) as u16;
            let [c, _, h] =
                Layout::vertical([Constraint::Min(chart_h), Constraint::Length(1), Constraint::Max(lines)]).areas(c);
            [c, h]
        };
        draw_chart(f, c, t, app);
        f.render_widget(Paragraph::new(history_lines(t, app, h.height as usize, 0)), h);
        return;
    }

    let [tabs, rest] = Layout::vertical([Constraint::Length(1), Constraint::Min(0)]).areas(body);
    let mut tab_spans = vec![Span::styled("v: ", theme.dim())];
    for v in [View::Gauges, View::Reps, View::Chart, View::History] {
        let style = if v == t.view { theme.selected(focused) } else { theme.dim() };
        tab_spans.push(Span::styled(format!(" {} ", v.name()), style));
    }
    tab_spans.push(Span::styled("  y year/quarter · [ ] period · m scope", theme.dim()));
    f.render_widget(Paragraph::new(Line::from(tab_spans)), tabs);
    match t.view {
        View::Gauges => {
            let h = rest.height as usize;
            let start = t.scroll.min(gauges.len().saturating_sub(h));
            let more = gauges.len().saturating_sub(start + h);
            let mut lines: Vec<Line> = gauges.into_iter().skip(start).take(h).collect();
            if more > 0 && h > 0 {
                lines.truncate(h - 1);
                lines.push(Line::from(Span::styled(format!("… {} more below: j/k scroll", more + 1), theme.dim())));
            }
            f.render_widget(Paragraph::new(lines), rest);
        }
        View::Reps => {
            f.render_widget(Paragraph::new(table_lines(t, app, width, rest.height as usize, focused)), rest);
        }
        View::Chart => draw_chart(f, rest, t, app),
        View::History => {
            let lines = history_lines(t, app, rest.height as usize, t.scroll);
            f.render_widget(Paragraph::new(lines), rest);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn gauge(target: i64, won: i64, period: Period, today: NaiveDate) -> GaugeRow {
        let cal = FiscalCalendar::new(1).unwrap();
        let m = DealMetrics { won: Money::from_units(won), ..DealMetrics::default() };
        let p = pace(Some(Money::from_units(target)), m.won, m.pipeline, period, cal, today);
        GaugeRow { kind: RowKind::Rep, label: "Ann".into(), metrics: m, pace: p }
    }

    #[test]
    fn a_bar_shows_won_still_to_win_and_todays_expectation_without_colour() {
        let mid = NaiveDate::from_ymd_opt(2026, 11, 15).unwrap();
        // 25% won (2.5 cells, rounded); half the quarter gone (46 of 92 days).
        assert_eq!(bar(&gauge(400, 100, Period::Quarter(2026, 4), mid), 10), "███░░│░░░░");
        // Over the target: full, and the marker still shows where today stands.
        assert_eq!(bar(&gauge(100, 150, Period::Quarter(2026, 4), mid), 10), "█████│████");
        // A closed quarter has no "expected by today".
        let later = NaiveDate::from_ymd_opt(2027, 2, 1).unwrap();
        assert_eq!(bar(&gauge(400, 100, Period::Quarter(2026, 4), later), 8), "██░░░░░░");
    }

    #[test]
    fn a_closed_gauge_speaks_in_the_past_and_a_current_one_of_today() {
        let later = NaiveDate::from_ymd_opt(2027, 2, 1).unwrap();
        let parts = gauge_parts(&gauge(9_200_000, 9_568_000, Period::Quarter(2026, 4), later));
        assert_eq!(parts, vec!["closed: 104% of 9.2M".to_string(), "over by 368k".to_string()]);
        let mid = NaiveDate::from_ymd_opt(2026, 11, 15).unwrap();
        let parts = gauge_parts(&gauge(400, 100, Period::Quarter(2026, 4), mid));
        assert_eq!(parts[..3], ["100 won, 25% of 400", "expected by today 200", "gap 300"]);
    }

    #[test]
    fn parts_wrap_between_figures_never_inside_one() {
        let parts: Vec<String> = ["won 150k", "expected by today 309k", "gap 350k"].map(String::from).to_vec();
        assert_eq!(wrap_parts(&parts, 40, 40), vec!["won 150k · expected by today 309k", "gap 350k"]);
        assert_eq!(wrap_parts(&parts, 5, 80), vec!["won 150k", "expected by today 309k · gap 350k"]);
    }

    #[test]
    fn alignment_says_by_how_much_targets_do_not_add_up() {
        let m = |n| Some(Money::from_units(n));
        let a = |target, below| Alignment { label: "Company".into(), below_word: "teams", target, below };
        assert_eq!(a(m(500_000), m(400_000)).text(), "Company 500k · teams add up to 400k: 100k short");
        assert_eq!(a(m(500_000), m(520_000)).text(), "Company 500k · teams add up to 520k: 20k over");
        assert_eq!(a(m(500_000), m(500_000)).text(), "Company 500k · teams add up to 500k ✓");
        assert_eq!(a(m(500_000), None).text(), "Company 500k · teams add up to none: not set");
        assert!(a(m(1), m(1)).aligned() && !a(m(1), None).aligned());
    }
}
