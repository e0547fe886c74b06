//! The account status report as a model: every section of `rapport report
//! status` built once from what the store read, as typed tables that the
//! Markdown, HTML and XLSX writers only lay out. No I/O here; `today` and
//! `now` come in with the inputs.

use super::metrics::{conflict_metrics, deal_metrics, pace, team_of, ConflictFact, Coverage, DealFact, Span};
use super::scope::{target_for, Member, Resolved, TargetRow};
use super::{AccountStatus, DealStage, FiscalCalendar, Money, Period, TargetScope, Tier};
use chrono::{NaiveDate, NaiveDateTime};

/// An account as the report reads it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccountFact {
    pub id: i64,
    pub name: String,
    pub tier: Tier,
    pub status: AccountStatus,
    pub owner_id: Option<i64>,
    pub annual_value: Money,
    pub renewal_date: Option<NaiveDate>,
}

/// One status move of an account, from the change log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatusChange {
    pub account_id: i64,
    /// When it was logged (UTC).
    pub at: NaiveDateTime,
    pub from: AccountStatus,
    pub to: AccountStatus,
}

/// A conflict with the names a reader needs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConflictEntry {
    pub fact: ConflictFact,
    pub account: String,
    pub title: String,
}

/// Renewals due from today to this many days ahead are listed.
pub const RENEWAL_DAYS: u64 = 90;

/// Everything the report is built from, as the store read it.
pub struct StatusInputs<'a> {
    pub period: Period,
    pub cal: FiscalCalendar,
    pub today: NaiveDate,
    /// UTC, like the stored times.
    pub now: NaiveDateTime,
    pub scope: &'a Resolved,
    pub members: &'a [Member],
    /// Every live account.
    pub accounts: &'a [AccountFact],
    /// Status moves in the period, oldest first.
    pub changes: &'a [StatusChange],
    /// Conflicts of the period and every open one.
    pub conflicts: &'a [ConflictEntry],
    /// Every deal that counts in the period (all owners).
    pub deals: &'a [DealFact],
    /// Won revenue per owner in each quarter of the fiscal year the period starts in, Q1 first.
    pub quarter_won: &'a [Vec<(Option<i64>, Money)>; 4],
    /// Revenue targets of the period.
    pub targets: &'a [TargetRow],
    /// Revenue targets of each quarter of that fiscal year, Q1 first.
    pub quarter_targets: &'a [Vec<TargetRow>; 4],
}

/// How a column's values are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Text,
    Money,
    Int,
    Pct,
    Hours,
    Date,
    DateTime,
}

impl Kind {
    pub fn is_number(self) -> bool {
        matches!(self, Kind::Money | Kind::Int | Kind::Pct | Kind::Hours)
    }
}

/// One typed value; `Empty` where there is nothing to show (no target,
/// nothing resolved yet).
#[derive(Debug, Clone, PartialEq)]
pub enum Val {
    Text(String),
    Money(Money),
    Int(i64),
    /// Percent, 0–100 (and beyond).
    Pct(f64),
    Hours(f64),
    Date(NaiveDate),
    DateTime(NaiveDateTime),
    Empty,
}

impl Val {
    fn text(s: impl Into<String>) -> Val {
        Val::Text(s.into())
    }

    fn money(m: Option<Money>) -> Val {
        m.map_or(Val::Empty, Val::Money)
    }

    fn pct(p: Option<f64>) -> Val {
        p.map_or(Val::Empty, Val::Pct)
    }

    fn hours(h: Option<f64>) -> Val {
        h.map_or(Val::Empty, Val::Hours)
    }

    fn yes_no(b: bool) -> Val {
        Val::text(if b { "yes" } else { "no" })
    }

    /// As people read it: money as the command line writes it
    /// (`1,054.50`), one decimal for percentages and hours, ISO dates, times
    /// to the minute. Not yet escaped for any format.
    pub fn shown(&self) -> String {
        match self {
            Val::Text(s) => s.clone(),
            Val::Money(m) => m.to_string(),
            Val::Int(n) => n.to_string(),
            Val::Pct(p) => format!("{p:.1}%"),
            Val::Hours(h) => format!("{h:.1}"),
            Val::Date(d) => d.to_string(),
            Val::DateTime(t) => t.format("%Y-%m-%d %H:%M").to_string(),
            Val::Empty => "-".into(),
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Column {
    /// Also the header written in every format.
    pub name: &'static str,
    pub kind: Kind,
}

/// One section of the report: one table (one sheet in XLSX).
#[derive(Debug, Clone, PartialEq)]
pub struct Section {
    /// Short name: the XLSX sheet (at most 31 characters).
    pub sheet: &'static str,
    pub title: String,
    /// A sentence under the title: what is counted and how.
    pub note: String,
    pub columns: Vec<Column>,
    pub rows: Vec<Vec<Val>>,
    /// Total lines under the rows, laid out like them.
    pub totals: Vec<Vec<Val>>,
}

impl Section {
    fn new(
        sheet: &'static str,
        title: impl Into<String>,
        note: impl Into<String>,
        columns: &[(&'static str, Kind)],
    ) -> Section {
        Section {
            sheet,
            title: title.into(),
            note: note.into(),
            columns: columns.iter().map(|&(name, kind)| Column { name, kind }).collect(),
            rows: Vec::new(),
            totals: Vec::new(),
        }
    }
}

/// One bar of the quarterly chart.
#[derive(Debug, Clone, PartialEq)]
pub struct QuarterBar {
    /// `Q1`.
    pub label: String,
    pub won: Money,
    pub target: Option<Money>,
}

/// The headline figures of the period for the scope.
#[derive(Debug, Clone, PartialEq)]
pub struct Headline {
    pub won: Money,
    pub target: Option<Money>,
    pub attainment: Option<f64>,
    pub commit: Money,
    pub best_case: Money,
    pub forecast: Money,
    pub pipeline: Money,
}

#[derive(Debug, Clone, PartialEq)]
pub struct StatusReport {
    /// `2026Q4`, `FY2026`, `2026-11`: also the default file name's part.
    pub period_name: String,
    /// `Q4 FY2026 (Oct–Dec 2026)`.
    pub period_label: String,
    /// "everyone", "Lee Okafor's team".
    pub scope_label: String,
    pub today: NaiveDate,
    pub headline: Headline,
    /// The fiscal year of the chart: `FY2026`.
    pub chart_year: String,
    pub chart: Vec<QuarterBar>,
    pub sections: Vec<Section>,
}

impl StatusReport {
    /// "Account status — Q4 FY2026 (Oct–Dec 2026) — everyone".
    pub fn title(&self) -> String {
        format!("Account status — {} — {}", self.period_label, self.scope_label)
    }
}

/// `FY2026`, `2026Q3`, `2026-11`.
pub fn period_name(p: Period) -> String {
    match p {
        Period::Year(y) => format!("FY{y}"),
        other => other.to_string(),
    }
}

/// Builds the whole report. Pure: the same inputs give the same report.
pub fn build(i: &StatusInputs<'_>) -> StatusReport {
    let span = Span::of(i.period, i.cal);
    let name_of = |id: Option<i64>| -> String {
        id.and_then(|id| i.members.iter().find(|m| m.0 == id)).map_or_else(|| "(no owner)".into(), |m| m.1.clone())
    };
    let mine: Vec<&AccountFact> = i.accounts.iter().filter(|a| i.scope.includes(a.owner_id)).collect();
    let scope_deals: Vec<&DealFact> = i.deals.iter().filter(|d| i.scope.includes(d.owner_id)).collect();
    let m = deal_metrics(scope_deals.iter().copied(), span);
    let target = target_for(i.scope, i.targets, i.members);
    let p = pace(target, m.won, m.pipeline, i.period, i.cal, i.today);
    let headline = Headline {
        won: m.won,
        target,
        attainment: p.attainment,
        commit: m.commit(),
        best_case: m.best_case(),
        forecast: m.forecast(),
        pipeline: m.pipeline,
    };

    let mut sections = vec![portfolio(&mine), status_changes(i, &mine, &name_of), renewals(i, &mine, &name_of)];
    sections.extend(conflicts(i, span, &name_of));
    sections.push(deals(&scope_deals, span, &name_of));
    sections.push(targets(i, span));
    sections.push(forecast(i, &m, &p));
    let (chart_year, chart) = chart(i);
    let mut quarters = Section::new(
        "Quarters",
        format!("Won per quarter, {chart_year}"),
        "Won revenue by the quarter it closed in, against that quarter's target.",
        &[("quarter", Kind::Text), ("won", Kind::Money), ("target", Kind::Money), ("attainment", Kind::Pct)],
    );
    for bar in &chart {
        let att = bar.target.filter(|t| t.cents() > 0).map(|t| bar.won.cents() as f64 * 100.0 / t.cents() as f64);
        quarters.rows.push(vec![
            Val::text(bar.label.clone()),
            Val::Money(bar.won),
            Val::money(bar.target),
            Val::pct(att),
        ]);
    }
    sections.push(quarters);

    StatusReport {
        period_name: period_name(i.period),
        period_label: i.period.label(i.cal),
        scope_label: i.scope.label.clone(),
        today: i.today,
        headline,
        chart_year,
        chart,
        sections,
    }
}

/// Counts and annual value by tier and status, every pair shown.
fn portfolio(mine: &[&AccountFact]) -> Section {
    let mut s = Section::new(
        "Portfolio",
        "Portfolio by tier and status",
        "Live accounts of the scope today, by their owner.",
        &[("tier", Kind::Text), ("status", Kind::Text), ("accounts", Kind::Int), ("annual_value", Kind::Money)],
    );
    for &tier in Tier::ALL {
        for &status in AccountStatus::ALL {
            let of: Vec<&&AccountFact> = mine.iter().filter(|a| a.tier == tier && a.status == status).collect();
            if of.is_empty() {
                continue;
            }
            let value = of.iter().map(|a| a.annual_value).fold(Money::ZERO, |a, b| a + b);
            s.rows.push(vec![
                Val::text(tier.label()),
                Val::text(status.label()),
                Val::Int(of.len() as i64),
                Val::Money(value),
            ]);
        }
    }
    let value = mine.iter().map(|a| a.annual_value).fold(Money::ZERO, |a, b| a + b);
    s.totals.push(vec![Val::text("Total"), Val::text(""), Val::Int(mine.len() as i64), Val::Money(value)]);
    s
}

fn status_changes(i: &StatusInputs<'_>, mine: &[&AccountFact], name_of: &dyn Fn(Option<i64>) -> String) -> Section {
    let mut s = Section::new(
        "Status changes",
        "Accounts that changed status",
        "Each status move in the period that stands (undone moves left out), oldest first.",
        &[
            ("changed_at", Kind::DateTime),
            ("account", Kind::Text),
            ("owner", Kind::Text),
            ("from", Kind::Text),
            ("to", Kind::Text),
        ],
    );
    for c in i.changes {
        let Some(a) = mine.iter().find(|a| a.id == c.account_id) else { continue };
        s.rows.push(vec![
            Val::DateTime(c.at),
            Val::text(a.name.clone()),
            Val::text(name_of(a.owner_id)),
            Val::text(c.from.label()),
            Val::text(c.to.label()),
        ]);
    }
    s
}

fn renewals(i: &StatusInputs<'_>, mine: &[&AccountFact], name_of: &dyn Fn(Option<i64>) -> String) -> Section {
    let last = i.today + chrono::Days::new(RENEWAL_DAYS);
    let mut s = Section::new(
        "Renewals",
        format!("Renewals due in the next {RENEWAL_DAYS} days"),
        format!("Renewal dates from {} to {last}; churned accounts left out.", i.today),
        &[
            ("renewal_on", Kind::Date),
            ("days_left", Kind::Int),
            ("account", Kind::Text),
            ("tier", Kind::Text),
            ("owner", Kind::Text),
            ("annual_value", Kind::Money),
        ],
    );
    let mut due: Vec<(NaiveDate, &AccountFact)> = mine
        .iter()
        .filter(|a| a.status != AccountStatus::Churned)
        .filter_map(|a| a.renewal_date.filter(|d| i.today <= *d && *d <= last).map(|d| (d, *a)))
        .collect();
    due.sort_by(|a, b| (a.0, &a.1.name).cmp(&(b.0, &b.1.name)));
    for (d, a) in &due {
        s.rows.push(vec![
            Val::Date(*d),
            Val::Int((*d - i.today).num_days()),
            Val::text(a.name.clone()),
            Val::text(a.tier.label()),
            Val::text(name_of(a.owner_id)),
            Val::Money(a.annual_value),
        ]);
    }
    let value = due.iter().map(|(_, a)| a.annual_value).fold(Money::ZERO, |a, b| a + b);
    s.totals.push(vec![
        Val::text("Total"),
        Val::text(""),
        Val::text(format!("{} accounts", due.len())),
        Val::text(""),
        Val::text(""),
        Val::Money(value),
    ]);
    s
}

/// SLA performance, the open queue and what was resolved.
fn conflicts(i: &StatusInputs<'_>, span: Span, name_of: &dyn Fn(Option<i64>) -> String) -> Vec<Section> {
    let entries: Vec<&ConflictEntry> = i.conflicts.iter().filter(|c| i.scope.includes(c.fact.owner_id)).collect();
    let facts: Vec<ConflictFact> = entries.iter().map(|c| c.fact.clone()).collect();
    let m = conflict_metrics(&facts, span, i.now);
    let open: Vec<&&ConflictEntry> = entries.iter().filter(|c| c.fact.resolved_at.is_none()).collect();
    let mut sla = Section::new(
        "SLA",
        "Conflicts and SLA performance",
        "Opened and resolved in the period; within SLA = resolved by the deadline, of those resolved; \
         breaches = deadlines in the period that were missed; times in hours (UTC).",
        &[
            ("opened", Kind::Int),
            ("resolved", Kind::Int),
            ("within_sla", Kind::Pct),
            ("breaches", Kind::Int),
            ("median_hours_to_resolve", Kind::Hours),
            ("open_now", Kind::Int),
            ("breached_now", Kind::Int),
        ],
    );
    sla.rows.push(vec![
        Val::Int(i64::from(m.opened)),
        Val::Int(i64::from(m.resolved)),
        Val::pct(m.sla_met()),
        Val::Int(i64::from(m.breached)),
        Val::hours(m.median_hours_to_resolve),
        Val::Int(open.len() as i64),
        Val::Int(open.iter().filter(|c| c.fact.breached(i.now)).count() as i64),
    ]);

    let mut queue = Section::new(
        "Open conflicts",
        "Open conflicts",
        "Unresolved today, earliest deadline first (UTC).",
        &[
            ("account", Kind::Text),
            ("conflict", Kind::Text),
            ("owner", Kind::Text),
            ("severity", Kind::Text),
            ("status", Kind::Text),
            ("opened_at", Kind::DateTime),
            ("sla_due_at", Kind::DateTime),
            ("breached", Kind::Text),
        ],
    );
    let mut open = open;
    open.sort_by_key(|c| (c.fact.sla_due_at, c.fact.id));
    for c in open {
        let f = &c.fact;
        queue.rows.push(vec![
            Val::text(c.account.clone()),
            Val::text(c.title.clone()),
            Val::text(name_of(f.owner_id)),
            Val::text(f.severity.label()),
            Val::text(f.status.label()),
            Val::DateTime(f.opened_at),
            Val::DateTime(f.sla_due_at),
            Val::yes_no(f.breached(i.now)),
        ]);
    }

    let mut done = Section::new(
        "Resolved conflicts",
        "Conflicts resolved in the period",
        "Oldest resolution first (UTC).",
        &[
            ("account", Kind::Text),
            ("conflict", Kind::Text),
            ("owner", Kind::Text),
            ("severity", Kind::Text),
            ("opened_at", Kind::DateTime),
            ("resolved_at", Kind::DateTime),
            ("hours_to_resolve", Kind::Hours),
            ("within_sla", Kind::Text),
        ],
    );
    let mut resolved: Vec<(NaiveDateTime, &ConflictEntry)> = entries
        .iter()
        .filter_map(|c| c.fact.resolved_at.filter(|r| span.contains(r.date())).map(|r| (r, *c)))
        .collect();
    resolved.sort_by_key(|(r, c)| (*r, c.fact.id));
    for (r, c) in resolved {
        let f = &c.fact;
        done.rows.push(vec![
            Val::text(c.account.clone()),
            Val::text(c.title.clone()),
            Val::text(name_of(f.owner_id)),
            Val::text(f.severity.label()),
            Val::DateTime(f.opened_at),
            Val::DateTime(r),
            Val::Hours((r - f.opened_at).num_minutes().max(0) as f64 / 60.0),
            Val::yes_no(r <= f.sla_due_at),
        ]);
    }
    vec![sla, queue, done]
}

/// The transactions: each deal won or lost in the period.
fn deals(scope_deals: &[&DealFact], span: Span, name_of: &dyn Fn(Option<i64>) -> String) -> Section {
    let mut s = Section::new(
        "Deals",
        "Deals won and lost",
        "Deals closed in the period, by closing day.",
        &[
            ("closed_on", Kind::Date),
            ("outcome", Kind::Text),
            ("account", Kind::Text),
            ("deal", Kind::Text),
            ("owner", Kind::Text),
            ("amount", Kind::Money),
        ],
    );
    let mut closed: Vec<(NaiveDate, &DealFact)> = scope_deals
        .iter()
        .filter(|d| d.stage.is_closed())
        .filter_map(|d| d.closed_on.filter(|c| span.contains(*c)).map(|c| (c, *d)))
        .collect();
    closed.sort_by_key(|(c, d)| (*c, d.id));
    for (c, d) in &closed {
        s.rows.push(vec![
            Val::Date(*c),
            Val::text(if d.stage == DealStage::Won { "won" } else { "lost" }),
            Val::text(d.account.clone()),
            Val::text(d.name.clone()),
            Val::text(name_of(d.owner_id)),
            Val::Money(d.amount),
        ]);
    }
    let m = deal_metrics(scope_deals.iter().copied(), span);
    let total = |what: &str, n: u32, amount: Money| {
        vec![
            Val::text(""),
            Val::text(what),
            Val::text(format!("{n} deals")),
            Val::text(""),
            Val::text(""),
            Val::Money(amount),
        ]
    };
    s.totals.push(total("won", m.won_count, m.won));
    s.totals.push(total("lost", m.lost_count, m.lost));
    let rate = m.win_rate_count().map_or_else(|| "-".into(), |r| format!("{r:.1}% by count"));
    s.totals.push(vec![
        Val::text(""),
        Val::text("win rate"),
        Val::text(rate),
        Val::text(""),
        Val::text(""),
        Val::text(""),
    ]);
    s
}

/// Targets against won: the company (when the scope reaches the top), each
/// team with a target, each rep with a target or a win.
fn targets(i: &StatusInputs<'_>, span: Span) -> Section {
    let mut s = Section::new(
        "Targets",
        "Targets against actuals",
        "Won revenue against the won-revenue target; expected by today = target × share of the period elapsed.",
        &[
            ("level", Kind::Text),
            ("name", Kind::Text),
            ("target", Kind::Money),
            ("won", Kind::Money),
            ("attainment", Kind::Pct),
            ("expected_by_today", Kind::Money),
            ("gap", Kind::Money),
            ("on_pace", Kind::Text),
        ],
    );
    let links: Vec<(i64, Option<i64>)> = i.members.iter().map(|m| (m.0, m.2)).collect();
    let won_of = |ids: Option<&[i64]>| {
        deal_metrics(
            i.deals.iter().filter(|d| ids.is_none_or(|ids| d.owner_id.is_some_and(|o| ids.contains(&o)))),
            span,
        )
        .won
    };
    let sum = |scope: TargetScope, rep: Option<i64>| {
        i.targets.iter().filter(|t| t.0 == scope && t.1 == rep).map(|t| t.2).reduce(|a, b| a + b)
    };
    let name_of = |id: i64| i.members.iter().find(|m| m.0 == id).map_or_else(String::new, |m| m.1.clone());
    let mut push = |level: &str, name: String, target: Option<Money>, won: Money| {
        let p = pace(target, won, Money::ZERO, i.period, i.cal, i.today);
        s.rows.push(vec![
            Val::text(level),
            Val::text(name),
            Val::money(target),
            Val::Money(won),
            Val::pct(p.attainment),
            Val::money(p.expected_by_today),
            Val::money(p.gap),
            p.on_pace.map_or(Val::Empty, Val::yes_no),
        ]);
    };
    let top = |id: i64| i.members.iter().find(|m| m.0 == id).is_some_and(|m| m.2.is_none());
    if i.scope.reps.is_none() || i.scope.root.is_some_and(top) {
        push("company", "Company".into(), sum(TargetScope::Company, None), won_of(None));
    }
    let mut leads: Vec<i64> = i.targets.iter().filter(|t| t.0 == TargetScope::Team).filter_map(|t| t.1).collect();
    leads.sort_unstable();
    leads.dedup();
    for lead in leads.into_iter().filter(|l| i.scope.includes(Some(*l))) {
        let team = team_of(&links, lead);
        push("team", format!("Team {}", name_of(lead)), sum(TargetScope::Team, Some(lead)), won_of(Some(&team)));
    }
    for m in i.members.iter().filter(|m| i.scope.includes(Some(m.0))) {
        let target = sum(TargetScope::Rep, Some(m.0));
        let won = won_of(Some(&[m.0]));
        if target.is_some() || won.cents() != 0 {
            push("rep", m.1.clone(), target, won);
        }
    }
    s
}

fn forecast(i: &StatusInputs<'_>, m: &super::metrics::DealMetrics, p: &super::metrics::Pace) -> Section {
    let mut s = Section::new(
        "Forecast",
        "Forecast",
        "Closed = won; commit = closed + commit; best case = commit + best case; \
         forecast = closed + weighted open pipeline; pipeline = open deals expected to close in the period.",
        &[
            ("period", Kind::Text),
            ("closed", Kind::Money),
            ("commit", Kind::Money),
            ("best_case", Kind::Money),
            ("forecast", Kind::Money),
            ("pipeline", Kind::Money),
            ("weighted", Kind::Money),
            ("target", Kind::Money),
            ("attainment", Kind::Pct),
            ("gap", Kind::Money),
            ("coverage", Kind::Text),
        ],
    );
    s.rows.push(vec![
        Val::text(period_name(i.period)),
        Val::Money(m.closed()),
        Val::Money(m.commit()),
        Val::Money(m.best_case()),
        Val::Money(m.forecast()),
        Val::Money(m.pipeline),
        Val::Money(m.weighted),
        Val::money(p.target),
        Val::pct(p.attainment),
        Val::money(p.gap),
        Val::text(match p.coverage {
            Coverage::NoTarget => "no target".to_string(),
            c => c.text(),
        }),
    ]);
    s
}

/// Won per quarter of the fiscal year the period starts in, with each
/// quarter's target for the scope.
fn chart(i: &StatusInputs<'_>) -> (String, Vec<QuarterBar>) {
    let year = match Period::year_of(i.cal, i.period.start(i.cal)) {
        Period::Year(y) => y,
        _ => unreachable!("year_of gives a year"),
    };
    let bars = (1..=4u8)
        .map(|q| {
            let won = i.quarter_won[usize::from(q - 1)]
                .iter()
                .filter(|(owner, _)| i.scope.includes(*owner))
                .fold(Money::ZERO, |sum, (_, m)| sum + *m);
            let target = target_for(i.scope, &i.quarter_targets[usize::from(q - 1)], i.members);
            QuarterBar { label: format!("Q{q}"), won, target }
        })
        .collect();
    (format!("FY{year}"), bars)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    fn account(id: i64, owner: i64, status: AccountStatus, renewal: Option<NaiveDate>) -> AccountFact {
        AccountFact {
            id,
            name: format!("A{id}"),
            tier: Tier::Standard,
            status,
            owner_id: Some(owner),
            annual_value: Money::from_units(1_000 * id),
            renewal_date: renewal,
        }
    }

    /// Builds the report of 2026Q4 at 2026-11-26 for `scope`.
    fn report(scope: &Resolved, accounts: &[AccountFact], changes: &[StatusChange]) -> StatusReport {
        let members: Vec<Member> = vec![(1, "Ann".into(), None), (2, "Bo".into(), Some(1))];
        let quarters: [Vec<TargetRow>; 4] = Default::default();
        build(&StatusInputs {
            period: Period::Quarter(2026, 4),
            cal: FiscalCalendar::default(),
            today: d(2026, 11, 26),
            now: d(2026, 11, 26).and_hms_opt(14, 0, 0).unwrap(),
            scope,
            members: &members,
            accounts,
            changes,
            conflicts: &[],
            deals: &[],
            quarter_won: &Default::default(),
            targets: &[],
            quarter_targets: &quarters,
        })
    }

    fn rows<'a>(r: &'a StatusReport, sheet: &str) -> &'a [Vec<Val>] {
        &r.sections.iter().find(|s| s.sheet == sheet).unwrap().rows
    }

    #[test]
    fn renewals_run_from_today_to_the_ninetieth_day_without_churned_accounts() {
        let all = Resolved { label: "everyone".into(), root: None, reps: None };
        let accounts = [
            account(1, 1, AccountStatus::Customer, Some(d(2026, 11, 25))),
            account(2, 1, AccountStatus::Customer, Some(d(2026, 11, 26))),
            account(3, 2, AccountStatus::Customer, Some(d(2027, 2, 24))),
            account(4, 2, AccountStatus::Customer, Some(d(2027, 2, 25))),
            account(5, 2, AccountStatus::Churned, Some(d(2026, 12, 1))),
            account(6, 2, AccountStatus::Prospect, None),
        ];
        let r = report(&all, &accounts, &[]);
        let due: Vec<(Val, Val)> = rows(&r, "Renewals").iter().map(|row| (row[1].clone(), row[2].clone())).collect();
        assert_eq!(due, [(Val::Int(0), Val::text("A2")), (Val::Int(90), Val::text("A3"))]);
        let total = &r.sections.iter().find(|s| s.sheet == "Renewals").unwrap().totals[0];
        assert_eq!(total[5], Val::Money(Money::from_units(5_000)));
        // The portfolio counts every live account, churned ones too, by tier and status.
        let portfolio = &r.sections[0];
        assert_eq!(portfolio.totals[0][2], Val::Int(6));
        assert_eq!(portfolio.rows.len(), 3, "standard × prospect, customer, churned");
    }

    #[test]
    fn a_rep_scope_keeps_their_accounts_and_their_accounts_moves() {
        let bo = Resolved { label: "Bo".into(), root: Some(2), reps: Some(vec![2]) };
        let accounts = [account(1, 1, AccountStatus::Customer, None), account(2, 2, AccountStatus::Churned, None)];
        let at = d(2026, 11, 2).and_hms_opt(9, 0, 0).unwrap();
        let changes = [
            StatusChange { account_id: 1, at, from: AccountStatus::Prospect, to: AccountStatus::Customer },
            StatusChange { account_id: 2, at, from: AccountStatus::Customer, to: AccountStatus::Churned },
            // An account deleted since: not listed.
            StatusChange { account_id: 9, at, from: AccountStatus::Customer, to: AccountStatus::Churned },
        ];
        let r = report(&bo, &accounts, &changes);
        assert_eq!(
            rows(&r, "Status changes"),
            [vec![Val::DateTime(at), Val::text("A2"), Val::text("Bo"), Val::text("Customer"), Val::text("Churned")]]
        );
        assert_eq!(r.sections[0].totals[0][2], Val::Int(1));
        assert_eq!(r.title(), "Account status — Q4 FY2026 (Oct–Dec 2026) — Bo");
        // No target anywhere: the chart's bars have none, and the forecast says so.
        assert!(r.chart.iter().all(|b| b.target.is_none() && b.won == Money::ZERO));
        assert_eq!(rows(&r, "Forecast")[0][10], Val::text("no target"));
    }
}
