//! `rapport report quarterly|forecast|pipeline|reps|conflicts|targets`: the
//! numbers of `domain::metrics` for a period and a scope, as an aligned
//! table, CSV, JSON or a Markdown table. Reports only read.

use super::hinted;
use super::table::{Align, Table};
use crate::domain::history::weekly;
use crate::domain::metrics::{
    conflict_metrics, deal_metrics, pace, ConflictFact, Coverage, DealFact, Pace, PeriodState, Span,
};
use crate::domain::scope::{self, Member, Resolved, Scope, TargetRow, SCOPE_EXAMPLES};
use crate::domain::{sanitize, FiscalCalendar, ForecastCategory, Money, Period, TargetScope};
use crate::store::{RepRow, Store};
use anyhow::{anyhow, Result};
use chrono::{NaiveDate, NaiveDateTime};
use std::collections::BTreeMap;
use std::process::ExitCode;

#[derive(clap::Args, Debug)]
pub struct ReportArgs {
    /// status, quarterly, forecast, pipeline, reps, conflicts or targets
    pub report: String,
    /// A fiscal year (FY2026), quarter (2026Q3) or month (2026-11); status also this-quarter, last-quarter, this-year, last-year [default: this quarter; quarterly: this year]
    #[arg(long, value_name = "PERIOD")]
    pub period: Option<String>,
    /// me, team, all or rep:NAME [default: me when the config or database names you, else all]
    #[arg(long, value_name = "SCOPE")]
    pub scope: Option<String>,
    /// Group rows by rep, team, account, sector, product or stage
    #[arg(long, value_name = "GROUP")]
    pub by: Option<String>,
    /// table, csv, json or md; status: md, html or xlsx [default: table; status: md]
    #[arg(long, value_name = "FORMAT")]
    pub format: Option<String>,
    /// status: the file to write [default: md to stdout, html and xlsx to status-PERIOD.html|xlsx here]
    #[arg(short = 'o', long = "output", value_name = "FILE")]
    pub output: Option<std::path::PathBuf>,
    /// status: replace the file if it exists
    #[arg(long)]
    pub force: bool,
}

const REPORTS: &[&str] = &["quarterly", "forecast", "pipeline", "reps", "conflicts", "targets", "status"];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Format {
    Table,
    Csv,
    Json,
    Md,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum By {
    Rep,
    Team,
    Account,
    Sector,
    Product,
    Stage,
}

impl By {
    fn parse(s: &str) -> Result<By> {
        Ok(match s.trim().to_ascii_lowercase().as_str() {
            "rep" => By::Rep,
            "team" => By::Team,
            "account" => By::Account,
            "sector" => By::Sector,
            "product" => By::Product,
            "stage" => By::Stage,
            _ => {
                return Err(hinted(
                    anyhow!(
                        "--by: '{}' is not a grouping; expected rep, team, account, sector, product or stage",
                        sanitize::line(s)
                    ),
                    "e.g. --by rep or --by product",
                ))
            }
        })
    }

    fn name(self) -> &'static str {
        match self {
            By::Rep => "rep",
            By::Team => "team",
            By::Account => "account",
            By::Sector => "sector",
            By::Product => "product",
            By::Stage => "stage",
        }
    }
}

/// One value of a report, kept typed until it is written in a format.
#[derive(Debug, Clone, PartialEq)]
enum Cell {
    Text(String),
    Money(Money),
    /// Money that may be missing: "no target" in a table, null in JSON.
    Target(Option<Money>),
    /// Money that may be missing for want of deals: "-" in a table, null in JSON.
    MaybeMoney(Option<Money>),
    Count(i64),
    /// A percentage, one decimal in a table.
    Pct(Option<f64>),
    /// A number of days or hours, one decimal in a table.
    Num(Option<f64>),
    Coverage(Coverage),
    Flag(Option<bool>),
}

impl Cell {
    fn text(s: impl Into<String>) -> Cell {
        Cell::Text(s.into())
    }

    fn is_number(&self) -> bool {
        !matches!(self, Cell::Text(_) | Cell::Flag(_))
    }

    /// For the terminal and Markdown.
    fn shown(&self) -> String {
        match self {
            Cell::Text(s) => s.clone(),
            Cell::Money(m) => m.to_string(),
            Cell::Target(Some(m)) => m.to_string(),
            Cell::Target(None) => "no target".into(),
            Cell::MaybeMoney(Some(m)) => m.to_string(),
            Cell::MaybeMoney(None) => "-".into(),
            Cell::Count(n) => n.to_string(),
            Cell::Pct(Some(p)) => format!("{p:.1}%"),
            Cell::Num(Some(n)) => format!("{n:.1}"),
            Cell::Pct(None) | Cell::Num(None) | Cell::Flag(None) => "-".into(),
            Cell::Coverage(c) => c.text(),
            Cell::Flag(Some(b)) => if *b { "yes" } else { "no" }.into(),
        }
    }

    /// For CSV: plain numbers with a dot (money to the cent), empty when missing.
    fn csv(&self) -> String {
        match self {
            Cell::Text(s) => spreadsheet_safe(&sanitize::line(s)),
            Cell::Money(m) | Cell::Target(Some(m)) | Cell::MaybeMoney(Some(m)) => major_units_text(*m),
            Cell::Target(None) | Cell::MaybeMoney(None) | Cell::Pct(None) | Cell::Num(None) | Cell::Flag(None) => {
                String::new()
            }
            Cell::Count(n) => n.to_string(),
            Cell::Pct(Some(p)) | Cell::Num(Some(p)) => format!("{p:.1}"),
            Cell::Coverage(Coverage::Ratio(r)) => format!("{r:.2}"),
            Cell::Coverage(c) => c.text(),
            Cell::Flag(Some(b)) => b.to_string(),
        }
    }

    /// For JSON: money as a number in major units (1054.5), missing as null.
    fn json(&self) -> serde_json::Value {
        use serde_json::Value;
        let number = |f: f64| serde_json::Number::from_f64(f).map_or(Value::Null, Value::Number);
        match self {
            Cell::Text(s) => Value::String(sanitize::line(s).into_owned()),
            Cell::Money(m) | Cell::Target(Some(m)) | Cell::MaybeMoney(Some(m)) => number(m.cents() as f64 / 100.0),
            Cell::Count(n) => Value::from(*n),
            Cell::Pct(Some(p)) | Cell::Num(Some(p)) => number((p * 10.0).round() / 10.0),
            Cell::Coverage(Coverage::Ratio(r)) => number((r * 100.0).round() / 100.0),
            Cell::Coverage(Coverage::Covered) => Value::String("covered".into()),
            Cell::Flag(Some(b)) => Value::Bool(*b),
            Cell::Target(None)
            | Cell::MaybeMoney(None)
            | Cell::Pct(None)
            | Cell::Num(None)
            | Cell::Flag(None)
            | Cell::Coverage(Coverage::NoTarget) => Value::Null,
        }
    }
}

/// `1054.50`: exact, from the cents.
fn major_units_text(m: Money) -> String {
    let c = m.cents();
    let sign = if c < 0 { "-" } else { "" };
    format!("{sign}{}.{:02}", c.unsigned_abs() / 100, c.unsigned_abs() % 100)
}

/// A cell a spreadsheet would run as a formula is kept as text.
fn spreadsheet_safe(s: &str) -> String {
    if s.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{s}")
    } else {
        s.to_string()
    }
}

/// One table of a report.
struct Section {
    name: &'static str,
    title: String,
    columns: Vec<&'static str>,
    rows: Vec<Vec<Cell>>,
}

impl Section {
    fn new(name: &'static str, title: String, columns: &[&'static str]) -> Section {
        Section { name, title, columns: columns.to_vec(), rows: Vec::new() }
    }
}

/// `FY2026`, `2026Q3`, `2026-11`.
fn period_name(p: Period) -> String {
    match p {
        Period::Year(y) => format!("FY{y}"),
        other => other.to_string(),
    }
}

pub(super) fn bad(flag: &str, e: impl std::fmt::Display, hint: &str) -> anyhow::Error {
    hinted(anyhow!("{flag}: {e}"), hint)
}

/// What every report reads: the calendar, today, the team and the scope.
struct Ctx<'a> {
    store: &'a Store,
    cal: FiscalCalendar,
    today: NaiveDate,
    now: NaiveDateTime,
    reps: Vec<RepRow>,
    members: Vec<Member>,
    scope: Resolved,
    by: Option<By>,
}

impl Ctx<'_> {
    fn rep_name(&self, id: Option<i64>) -> String {
        id.and_then(|id| self.reps.iter().find(|r| r.id == id)).map_or_else(|| "(no owner)".into(), |r| r.name.clone())
    }

    fn manager_of(&self, id: i64) -> Option<i64> {
        self.reps.iter().find(|r| r.id == id).and_then(|r| r.manager_id)
    }

    /// The team a rep is in: the one just below the top of the tree that holds them.
    fn team_of(&self, id: Option<i64>) -> Option<i64> {
        let mut cur = id?;
        for _ in 0..self.reps.len() + 1 {
            match self.manager_of(cur) {
                None => return Some(cur),
                Some(m) if self.manager_of(m).is_none() || m == cur => return Some(cur),
                Some(m) => cur = m,
            }
        }
        Some(cur)
    }

    fn group_key(&self, by: By, d: &DealFact) -> String {
        match by {
            By::Rep => self.rep_name(d.owner_id),
            By::Team => match self.team_of(d.owner_id) {
                Some(lead) => format!("Team {}", self.rep_name(Some(lead))),
                None => "(no team)".into(),
            },
            By::Account => d.account.clone(),
            By::Sector => d.sector.clone().unwrap_or_else(|| "(no sector)".into()),
            By::Product => d.product.clone().unwrap_or_else(|| "(no product)".into()),
            By::Stage => d.stage.as_str().to_string(),
        }
    }

    fn deals(&self, period: Period) -> Result<Vec<DealFact>> {
        let span = Span::of(period, self.cal);
        let mut deals = self.store.deal_facts(span.start, span.end)?;
        deals.retain(|d| self.scope.includes(d.owner_id));
        Ok(deals)
    }

    fn targets(&self, period: Period) -> Result<Vec<TargetRow>> {
        self.store.revenue_targets(period)
    }

    /// The target of a group of rows: only reps and teams have one.
    fn group_target(&self, by: By, key: &str, targets: &[TargetRow]) -> Option<Money> {
        let rep = self.reps.iter().find(|r| match by {
            By::Rep => r.name == key,
            By::Team => format!("Team {}", r.name) == key,
            _ => false,
        })?;
        let resolved = match by {
            By::Rep => Resolved { label: rep.name.clone(), root: Some(rep.id), reps: Some(vec![rep.id]) },
            _ => {
                let links: Vec<(i64, Option<i64>)> = self.members.iter().map(|m| (m.0, m.2)).collect();
                let team = crate::domain::metrics::team_of(&links, rep.id);
                Resolved { label: key.to_string(), root: Some(rep.id), reps: Some(team) }
            }
        };
        scope::target_for(&resolved, targets, &self.members)
    }

    /// Rows of deals by group, or all of them as one group named by the scope.
    fn grouped<'d>(&self, deals: &'d [DealFact]) -> BTreeMap<String, Vec<&'d DealFact>> {
        let mut groups: BTreeMap<String, Vec<&DealFact>> = BTreeMap::new();
        match self.by {
            Some(by) => {
                for d in deals {
                    groups.entry(self.group_key(by, d)).or_default().push(d);
                }
            }
            None => {
                groups.insert(self.scope.label.clone(), deals.iter().collect());
            }
        }
        groups
    }
}

/// What the user typed, checked.
type Parsed = (String, Format, Option<Period>, Option<Scope>, Option<By>);

/// Checks everything the user typed (the scope against the reps too),
/// before anything is written.
pub fn check(store: &Store, args: &ReportArgs) -> Result<()> {
    if is_status(args) {
        return super::report_status::check(store, args);
    }
    let (.., chosen_scope, _) = parse(args)?;
    resolve_scope(store, chosen_scope.as_ref()).map(drop)
}

fn is_status(args: &ReportArgs) -> bool {
    args.report.trim().eq_ignore_ascii_case("status")
}

/// The scope asked for, else `me` from the config, else everyone.
pub(super) fn resolve_scope(
    store: &Store,
    chosen_scope: Option<&Scope>,
) -> Result<(Vec<RepRow>, Vec<Member>, Resolved)> {
    let reps = store.reps()?;
    let members: Vec<Member> = reps.iter().map(|r| (r.id, r.name.clone(), r.manager_id)).collect();
    let me = store.me()?;
    let scope_hint = |e: &str| {
        let example = members.first().map_or("Jane Doe".to_string(), |m| m.1.clone());
        let hint = if e.contains("`me`") || e.starts_with("me =") {
            format!("set it with `rapport config set me \"{example}\"`, or use --scope all")
        } else {
            format!("e.g. --scope rep:\"{example}\", or --scope {SCOPE_EXAMPLES}")
        };
        bad("--scope", sanitize::line(e), &hint)
    };
    let scope = match (chosen_scope, &me) {
        (Some(s), _) => scope::resolve(s, &members, me.as_deref()).map_err(|e| scope_hint(&e))?,
        (None, Some(_)) => scope::resolve(&Scope::Me, &members, me.as_deref()).map_err(|e| scope_hint(&e))?,
        (None, None) => scope::resolve(&Scope::All, &members, None).map_err(|e| scope_hint(&e))?,
    };
    Ok((reps, members, scope))
}

fn parse(args: &ReportArgs) -> Result<Parsed> {
    let report = args.report.trim().to_ascii_lowercase();
    if !REPORTS.contains(&report.as_str()) {
        return Err(hinted(
            anyhow!("'{}' is not a report; expected one of: {}", sanitize::line(&args.report), REPORTS.join(", ")),
            "e.g. `rapport report quarterly --period FY2026` or `rapport report forecast --scope team`",
        ));
    }
    if args.output.is_some() || args.force {
        return Err(hinted(
            anyhow!("-o and --force are for `report status`; the other reports write to standard output"),
            "e.g. `rapport report status --format html -o status.html`, or redirect: > report.md",
        ));
    }
    let format_text = args.format.as_deref().unwrap_or("table");
    let format = match format_text.trim().to_ascii_lowercase().as_str() {
        "table" => Format::Table,
        "csv" => Format::Csv,
        "json" => Format::Json,
        "md" | "markdown" => Format::Md,
        _ => {
            return Err(bad(
                "--format",
                format!("'{}' is not a format; expected table, csv, json or md", sanitize::line(format_text)),
                "e.g. --format json, or --format md to paste into an e-mail",
            ))
        }
    };
    let period = match &args.period {
        Some(p) => Some(Period::parse(p).map_err(|e| {
            bad("--period", sanitize::line(&e), "e.g. --period 2026Q3, --period FY2026 or --period 2026-11")
        })?),
        None => None,
    };
    let chosen_scope = match &args.scope {
        Some(s) => Some(
            Scope::parse(s)
                .map_err(|e| bad("--scope", sanitize::line(&e), &format!("e.g. --scope {SCOPE_EXAMPLES}")))?,
        ),
        None => None,
    };
    let by = args.by.as_deref().map(By::parse).transpose()?;
    Ok((report, format, period, chosen_scope, by))
}

pub fn run(store: &Store, args: ReportArgs) -> Result<ExitCode> {
    if is_status(&args) {
        return super::report_status::run(store, &args);
    }
    // Everything the user typed is checked before anything is read.
    let (report, format, period, chosen_scope, by) = parse(&args)?;

    let cal = store.fiscal_calendar()?;
    let now = store.clock().now();
    let (reps, members, scope) = resolve_scope(store, chosen_scope.as_ref())?;
    let today = now.date_naive();
    let ctx = Ctx { store, cal, today, now: now.naive_utc(), reps, members, scope, by };
    let quarter = Period::quarter_of(cal, today);
    let sections = match report.as_str() {
        "quarterly" => vec![quarterly(&ctx, period.unwrap_or_else(|| Period::year_of(cal, today)))?],
        "forecast" => {
            let period = period.unwrap_or(quarter);
            let mut sections = vec![forecast(&ctx, period)?];
            // The history is of the whole scope; a breakdown by group has none.
            if ctx.by.is_none() {
                sections.push(forecast_history(&ctx, period)?);
            }
            sections
        }
        "pipeline" => pipeline(&ctx, period.unwrap_or(quarter))?,
        "reps" => vec![reps_report(&ctx, period.unwrap_or(quarter))?],
        "conflicts" => conflicts(&ctx, period.unwrap_or(quarter))?,
        _ => vec![targets(&ctx, period.unwrap_or(quarter))?],
    };
    super::out::data(&render(&sections, format, store.currency()?.code())?)?;
    Ok(ExitCode::SUCCESS)
}

fn render(sections: &[Section], format: Format, currency: &str) -> Result<String> {
    let mut out = String::new();
    match format {
        Format::Table => {
            for (i, s) in sections.iter().enumerate() {
                if i > 0 {
                    out.push('\n');
                }
                out.push_str(&sanitize::line(&s.title));
                out.push('\n');
                let mut columns = Vec::new();
                for (c, name) in s.columns.iter().enumerate() {
                    let right = s.rows.first().is_some_and(|r| r[c].is_number());
                    columns.push((*name, if right { Align::Right } else { Align::Left }));
                }
                let mut t = Table::new(&columns);
                for row in &s.rows {
                    t.row(row.iter().map(Cell::shown).collect());
                }
                out.push_str(&t.render());
            }
        }
        Format::Md => {
            for (i, s) in sections.iter().enumerate() {
                if i > 0 {
                    out.push('\n');
                }
                out.push_str(&format!("**{}**\n\n", md_escape(&s.title)));
                out.push_str(&format!("| {} |\n", s.columns.join(" | ")));
                let rule: Vec<&str> = s
                    .columns
                    .iter()
                    .enumerate()
                    .map(|(c, _)| if s.rows.first().is_some_and(|r| r[c].is_number()) { "---:" } else { "---" })
                    .collect();
                out.push_str(&format!("| {} |\n", rule.join(" | ")));
                for row in &s.rows {
                    let cells: Vec<String> = row.iter().map(|c| md_escape(&c.shown())).collect();
                    out.push_str(&format!("| {} |\n", cells.join(" | ")));
                }
            }
        }
        Format::Csv => {
            // Several tables follow each other, a blank line and a header row apart.
            for (i, s) in sections.iter().enumerate() {
                if i > 0 {
                    out.push('\n');
                }
                let mut w = csv::Writer::from_writer(Vec::new());
                w.write_record(&s.columns)?;
                for row in &s.rows {
                    w.write_record(row.iter().map(Cell::csv))?;
                }
                out.push_str(&String::from_utf8(w.into_inner().map_err(|e| anyhow!("{e}"))?)?);
            }
        }
        Format::Json => {
            let rows = |s: &Section| -> serde_json::Value {
                s.rows
                    .iter()
                    .map(|row| {
                        let obj: serde_json::Map<String, serde_json::Value> =
                            s.columns.iter().zip(row).map(|(k, c)| (k.to_string(), c.json())).collect();
                        serde_json::Value::Object(obj)
                    })
                    .collect()
            };
            // Each table under its name, and the book's currency once at the top, as in every document.
            let mut doc: serde_json::Map<String, serde_json::Value> =
                sections.iter().map(|s| (s.name.to_string(), rows(s))).collect();
            doc.insert("currency".into(), currency.into());
            let value = serde_json::Value::Object(doc);
            out.push_str(&crate::domain::sanitize::escape_json(&serde_json::to_string_pretty(&value)?));
            out.push('\n');
        }
    }
    Ok(out)
}

fn md_escape(s: &str) -> String {
    sanitize::line(s).replace('|', "\\|")
}

/// "this quarter so far", "closed", "not started".
fn state_word(state: PeriodState) -> &'static str {
    match state {
        PeriodState::Future => "not started",
        PeriodState::Current => "open",
        PeriodState::Closed => "closed",
    }
}

fn scope_title(ctx: &Ctx<'_>, what: &str, period: Period) -> String {
    format!("{what}, {} — {}", period.label(ctx.cal), ctx.scope.label)
}

/// Per quarter of the period: won, count, average, win rate, cycle, target, attainment.
fn quarterly(ctx: &Ctx<'_>, period: Period) -> Result<Section> {
    let quarters: Vec<Period> = match period {
        Period::Year(y) => (1..=4).map(|q| Period::Quarter(y, q)).collect(),
        other => vec![other],
    };
    let mut columns = vec!["period"];
    if let Some(by) = ctx.by {
        columns.push(by.name());
    }
    columns.extend(["won", "deals", "average", "win_rate", "win_rate_value", "cycle_days", "target", "attainment"]);
    let mut s = Section::new("quarterly", scope_title(ctx, "Results", period), &columns);
    let mut periods = quarters.clone();
    if quarters.len() > 1 {
        periods.push(period);
    }
    for p in periods {
        let deals = ctx.deals(p)?;
        let targets = ctx.targets(p)?;
        let span = Span::of(p, ctx.cal);
        for (key, group) in ctx.grouped(&deals) {
            let m = deal_metrics(group, span);
            let target = match ctx.by {
                Some(by) => ctx.group_target(by, &key, &targets),
                None => scope::target_for(&ctx.scope, &targets, &ctx.members),
            };
            let paced = pace(target, m.won, m.pipeline, p, ctx.cal, ctx.today);
            let mut row = vec![Cell::text(period_name(p))];
            if ctx.by.is_some() {
                row.push(Cell::text(key));
            }
            row.extend([
                Cell::Money(m.won),
                Cell::Count(i64::from(m.won_count)),
                Cell::MaybeMoney(m.average()),
                Cell::Pct(m.win_rate_count()),
                Cell::Pct(m.win_rate_value()),
                Cell::Num(m.cycle_days),
                Cell::Target(target),
                Cell::Pct(paced.attainment),
            ]);
            s.rows.push(row);
        }
    }
    Ok(s)
}

fn pace_cells(p: &Pace) -> Vec<Cell> {
    vec![
        Cell::Target(p.target),
        Cell::Target(p.expected_by_today),
        Cell::Pct(p.attainment),
        Cell::Target(p.gap),
        Cell::Coverage(p.coverage),
        Cell::Flag(p.on_pace),
        Cell::text(state_word(p.state)),
    ]
}

/// Closed, commit, best case, forecast against target, gap and coverage.
fn forecast(ctx: &Ctx<'_>, period: Period) -> Result<Section> {
    let mut columns = vec!["period"];
    if let Some(by) = ctx.by {
        columns.push(by.name());
    }
    columns.extend([
        "closed",
        "commit",
        "best_case",
        "forecast",
        "pipeline",
        "weighted",
        "target",
        "expected_by_today",
        "attainment",
        "gap",
        "coverage",
        "on_pace",
        "status",
    ]);
    let mut s = Section::new("forecast", scope_title(ctx, "Forecast", period), &columns);
    let deals = ctx.deals(period)?;
    let targets = ctx.targets(period)?;
    let span = Span::of(period, ctx.cal);
    for (key, group) in ctx.grouped(&deals) {
        let m = deal_metrics(group, span);
        let target = match ctx.by {
            Some(by) => ctx.group_target(by, &key, &targets),
            None => scope::target_for(&ctx.scope, &targets, &ctx.members),
        };
        let p = pace(target, m.won, m.pipeline, period, ctx.cal, ctx.today);
        let mut row = vec![Cell::text(period_name(period))];
        if ctx.by.is_some() {
            row.push(Cell::text(key));
        }
        row.extend([
            Cell::Money(m.closed()),
            Cell::Money(m.commit()),
            Cell::Money(m.best_case()),
            Cell::Money(m.forecast()),
            Cell::Money(m.pipeline),
            Cell::Money(m.weighted),
        ]);
        row.extend(pace_cells(&p));
        s.rows.push(row);
    }
    Ok(s)
}

/// How the forecast moved: the last snapshot of each week, and for a closed
/// period how accurate each was (forecast ÷ actual won).
fn forecast_history(ctx: &Ctx<'_>, period: Period) -> Result<Section> {
    let span = Span::of(period, ctx.cal);
    let closed = PeriodState::of(span, ctx.today) == PeriodState::Closed;
    let title = if closed {
        format!("Forecast history, {}: each week's last snapshot against the actual", period_name(period))
    } else {
        format!("Forecast history, {}: each week's last snapshot", period_name(period))
    };
    let mut s = Section::new(
        "history",
        title,
        &["taken_on", "week", "closed", "commit", "best_case", "forecast", "change", "accuracy"],
    );
    let snaps = ctx.store.forecast_history(period, ctx.scope.reps.as_deref())?;
    let actual = if closed {
        let deals = ctx.deals(period)?;
        Some(deal_metrics(deals.iter(), span).won)
    } else {
        None
    };
    let days: Vec<_> = snaps.iter().map(|snap| snap.figures()).collect();
    for line in weekly(&days, actual) {
        let f = line.figures;
        s.rows.push(vec![
            Cell::text(f.taken_on.to_string()),
            Cell::text(line.week),
            Cell::Money(f.closed),
            Cell::Money(f.commit),
            Cell::Money(f.best_case),
            Cell::Money(f.forecast),
            Cell::MaybeMoney(line.change),
            Cell::Pct(line.accuracy),
        ]);
    }
    Ok(s)
}

/// Open deals closing in the period by stage (or another grouping) and
/// forecast category, then the deals themselves.
fn pipeline(ctx: &Ctx<'_>, period: Period) -> Result<Vec<Section>> {
    let by = ctx.by.unwrap_or(By::Stage);
    let deals: Vec<DealFact> = ctx.deals(period)?.into_iter().filter(|d| !d.stage.is_closed()).collect();
    let mut summary = Section::new(
        "summary",
        scope_title(ctx, "Pipeline", period),
        &[by.name(), "category", "deals", "amount", "weighted"],
    );
    let mut groups: BTreeMap<(String, ForecastCategory), (i64, Money, i128)> = BTreeMap::new();
    for d in &deals {
        let e = groups.entry((ctx.group_key(by, d), d.category())).or_default();
        e.0 += 1;
        e.1 += d.amount;
        e.2 += i128::from(d.amount.cents()) * i128::from(d.probability);
    }
    // Stages in pipeline order rather than by name.
    let mut keys: Vec<_> = groups.keys().cloned().collect();
    if by == By::Stage {
        let rank = |s: &str| crate::domain::DealStage::ALL.iter().position(|x| x.as_str() == s);
        keys.sort_by_key(|(s, c)| (rank(s), *c));
    }
    for key in keys {
        let (n, amount, w) = groups[&key];
        summary.rows.push(vec![
            Cell::text(key.0.clone()),
            Cell::text(key.1.as_str()),
            Cell::Count(n),
            Cell::Money(amount),
            Cell::Money(Money(i64::try_from(w / 100).unwrap_or(i64::MAX))),
        ]);
    }
    let m = deal_metrics(&deals, Span::of(period, ctx.cal));
    summary.rows.push(vec![
        Cell::text("total"),
        Cell::text("pipeline, omitted aside"),
        Cell::Count(i64::from(m.pipeline_count)),
        Cell::Money(m.pipeline),
        Cell::Money(m.weighted),
    ]);
    let mut list = Section::new(
        "deals",
        format!("Deals closing in {}", period_name(period)),
        &["id", "expected_close", "account", "deal", "owner", "stage", "category", "probability", "amount", "weighted"],
    );
    let mut sorted: Vec<&DealFact> = deals.iter().collect();
    sorted.sort_by_key(|d| (d.expected_close, d.id));
    for d in sorted {
        list.rows.push(vec![
            Cell::Count(d.id),
            Cell::text(d.expected_close.map(|e| e.to_string()).unwrap_or_default()),
            Cell::text(d.account.clone()),
            Cell::text(d.name.clone()),
            Cell::text(ctx.rep_name(d.owner_id)),
            Cell::text(d.stage.as_str()),
            Cell::text(d.category().as_str()),
            Cell::Pct(Some(f64::from(d.probability))),
            Cell::Money(d.amount),
            Cell::Money(d.amount.checked_mul_div(i64::from(d.probability), 100).unwrap_or_default()),
        ]);
    }
    Ok(vec![summary, list])
}

/// The supervision table: one row per rep of the scope (or per team).
fn reps_report(ctx: &Ctx<'_>, period: Period) -> Result<Section> {
    let span = Span::of(period, ctx.cal);
    let by_team = ctx.by == Some(By::Team);
    let first = if by_team { "team" } else { "rep" };
    let mut s = Section::new(
        "reps",
        scope_title(ctx, "Reps", period),
        &[
            first,
            "target",
            "won",
            "attainment",
            "gap",
            "pipeline",
            "weighted",
            "coverage",
            "win_rate",
            "activities",
            "stale_accounts",
            "open_conflicts",
            "breached_conflicts",
        ],
    );
    let deals = ctx.deals(period)?;
    let targets = ctx.targets(period)?;
    let activities: BTreeMap<i64, i64> = ctx.store.activities_by_rep(span.start, span.end)?.into_iter().collect();
    // Stale: no call, e-mail or meeting in the last 30 days.
    let stale: BTreeMap<i64, i64> =
        ctx.store.stale_accounts_by_rep(ctx.today - chrono::Days::new(30))?.into_iter().collect();
    let conflicts = ctx.store.conflict_facts(span.start, span.end)?;
    let in_scope: Vec<&RepRow> = ctx.reps.iter().filter(|r| ctx.scope.includes(Some(r.id))).collect();
    // Rows: each rep, or each team (a lead and the reps below them).
    let mut units: Vec<(String, Vec<i64>, Option<Money>)> = Vec::new();
    if by_team {
        let mut teams: BTreeMap<i64, Vec<i64>> = BTreeMap::new();
        for r in &in_scope {
            if let Some(t) = ctx.team_of(Some(r.id)) {
                teams.entry(t).or_default().push(r.id);
            }
        }
        for (lead, ids) in teams {
            let key = format!("Team {}", ctx.rep_name(Some(lead)));
            let target = ctx.group_target(By::Team, &key, &targets);
            units.push((key, ids, target));
        }
    } else {
        for r in &in_scope {
            let t = targets
                .iter()
                .filter(|t| t.0 == TargetScope::Rep && t.1 == Some(r.id))
                .map(|t| t.2)
                .reduce(|a, b| a + b);
            units.push((r.name.clone(), vec![r.id], t));
        }
    }
    let mut rows = Vec::new();
    for (name, ids, target) in units {
        let mine = |o: Option<i64>| o.is_some_and(|o| ids.contains(&o));
        let m = deal_metrics(deals.iter().filter(|d| mine(d.owner_id)), span);
        let p = pace(target, m.won, m.pipeline, period, ctx.cal, ctx.today);
        let count = |map: &BTreeMap<i64, i64>| ids.iter().map(|i| map.get(i).copied().unwrap_or(0)).sum::<i64>();
        let open: Vec<&ConflictFact> =
            conflicts.iter().filter(|c| mine(c.owner_id) && c.resolved_at.is_none()).collect();
        let breached = open.iter().filter(|c| c.breached(ctx.now)).count();
        rows.push((
            p.attainment,
            vec![
                Cell::text(name),
                Cell::Target(target),
                Cell::Money(m.won),
                Cell::Pct(p.attainment),
                Cell::Target(p.gap),
                Cell::Money(m.pipeline),
                Cell::Money(m.weighted),
                Cell::Coverage(p.coverage),
                Cell::Pct(m.win_rate_count()),
                Cell::Count(count(&activities)),
                Cell::Count(count(&stale)),
                Cell::Count(open.len() as i64),
                Cell::Count(breached as i64),
            ],
        ));
    }
    // Furthest behind first: who the manager talks to on Monday; no target last.
    rows.sort_by(|a, b| match (a.0, b.0) {
        (Some(x), Some(y)) => x.total_cmp(&y),
        (Some(_), None) => std::cmp::Ordering::Less,
        (None, Some(_)) => std::cmp::Ordering::Greater,
        (None, None) => std::cmp::Ordering::Equal,
    });
    s.rows = rows.into_iter().map(|r| r.1).collect();
    Ok(s)
}

/// SLA figures for the period, then the open queue by time left.
fn conflicts(ctx: &Ctx<'_>, period: Period) -> Result<Vec<Section>> {
    let span = Span::of(period, ctx.cal);
    let facts: Vec<ConflictFact> = ctx
        .store
        .conflict_facts(span.start, span.end)?
        .into_iter()
        .filter(|c| ctx.scope.includes(c.owner_id))
        .collect();
    let m = conflict_metrics(&facts, span, ctx.now);
    let open: Vec<&ConflictFact> = facts.iter().filter(|c| c.resolved_at.is_none()).collect();
    let mut sla = Section::new(
        "sla",
        scope_title(ctx, "Conflicts", period),
        &["period", "opened", "resolved", "sla_met", "median_hours_to_resolve", "breached", "open_now", "breached_now"],
    );
    sla.rows.push(vec![
        Cell::text(period_name(period)),
        Cell::Count(i64::from(m.opened)),
        Cell::Count(i64::from(m.resolved)),
        Cell::Pct(m.sla_met()),
        Cell::Num(m.median_hours_to_resolve),
        Cell::Count(i64::from(m.breached)),
        Cell::Count(open.len() as i64),
        Cell::Count(open.iter().filter(|c| c.breached(ctx.now)).count() as i64),
    ]);
    let mut queue = Section::new(
        "queue",
        "Open conflicts, least SLA time left first".into(),
        &["id", "account", "title", "owner", "severity", "status", "sla_due_at", "hours_left"],
    );
    let rows = ctx.store.open_conflicts()?;
    for r in rows.iter().filter(|r| ctx.scope.includes(r.owner_id)) {
        // A clock standing still has working time left, not time to a deadline.
        let left = match r.paused_left {
            Some(secs) => Some(secs as f64 / 3600.0),
            None => crate::domain::time::parse_timestamp(&r.sla_due_at)
                .map(|due| (due - ctx.now).num_minutes() as f64 / 60.0),
        };
        queue.rows.push(vec![
            Cell::Count(r.id),
            Cell::text(r.account.clone()),
            Cell::text(r.title.clone()),
            Cell::text(r.owner.clone().unwrap_or_default()),
            Cell::text(r.severity.as_str()),
            Cell::text(r.status.as_str()),
            Cell::text(r.sla_due_at.clone()),
            Cell::Num(left),
        ]);
    }
    Ok(vec![sla, queue])
}

/// Targets against won, with the alignment check: do the reps' targets add
/// up to their team's, and the teams' to the company's.
fn targets(ctx: &Ctx<'_>, period: Period) -> Result<Section> {
    let mut s = Section::new(
        "targets",
        scope_title(ctx, "Targets", period),
        &[
            "scope",
            "name",
            "target",
            "won",
            "attainment",
            "expected_by_today",
            "gap",
            "on_pace",
            "sum_below",
            "difference",
        ],
    );
    let span = Span::of(period, ctx.cal);
    let deals = ctx.store.deal_facts(span.start, span.end)?;
    let targets = ctx.targets(period)?;
    let links: Vec<(i64, Option<i64>)> = ctx.members.iter().map(|m| (m.0, m.2)).collect();
    let won_of = |ids: Option<&[i64]>| {
        deal_metrics(deals.iter().filter(|d| ids.is_none_or(|ids| d.owner_id.is_some_and(|o| ids.contains(&o)))), span)
            .won
    };
    let sum = |scope: TargetScope, rep: Option<i64>| {
        targets.iter().filter(|t| t.0 == scope && t.1 == rep).map(|t| t.2).reduce(|a, b| a + b)
    };
    let mut push = |scope: &str, name: String, target: Option<Money>, won: Money, below: Option<Money>| {
        let p = pace(target, won, Money::ZERO, period, ctx.cal, ctx.today);
        let difference = match (target, below) {
            (Some(t), Some(b)) => Cell::Money(t - b),
            _ => Cell::Target(None),
        };
        s.rows.push(vec![
            Cell::text(scope),
            Cell::text(name),
            Cell::Target(target),
            Cell::Money(won),
            Cell::Pct(p.attainment),
            Cell::Target(p.expected_by_today),
            Cell::Target(p.gap),
            Cell::Flag(p.on_pace),
            Cell::Target(below),
            difference,
        ]);
    };
    let teams: Vec<i64> = targets
        .iter()
        .filter(|t| t.0 == TargetScope::Team)
        .filter_map(|t| t.1)
        .collect::<std::collections::BTreeSet<_>>()
        .into_iter()
        .collect();
    if ctx.scope.reps.is_none() || ctx.scope.root.is_some_and(|r| ctx.manager_of(r).is_none()) {
        let below = teams.iter().filter_map(|t| sum(TargetScope::Team, Some(*t))).reduce(|a, b| a + b);
        push("company", "Company".into(), sum(TargetScope::Company, None), won_of(None), below);
    }
    for lead in teams.iter().filter(|t| ctx.scope.includes(Some(**t))) {
        let team = crate::domain::metrics::team_of(&links, *lead);
        let below = team.iter().filter_map(|r| sum(TargetScope::Rep, Some(*r))).reduce(|a, b| a + b);
        push(
            "team",
            format!("Team {}", ctx.rep_name(Some(*lead))),
            sum(TargetScope::Team, Some(*lead)),
            won_of(Some(&team)),
            below,
        );
    }
    for r in ctx.reps.iter().filter(|r| ctx.scope.includes(Some(r.id))) {
        let target = sum(TargetScope::Rep, Some(r.id));
        let won = won_of(Some(&[r.id]));
        if target.is_some() || won.cents() != 0 {
            push("rep", r.name.clone(), target, won, None);
        }
    }
    Ok(s)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_write_money_exactly_in_each_format() {
        let m = Cell::Money(Money(105_450));
        assert_eq!((m.shown(), m.csv(), m.json().to_string()), ("1,054.50".into(), "1054.50".into(), "1054.5".into()));
        let neg = Cell::Target(Some(Money(-5)));
        assert_eq!((neg.csv(), neg.json().to_string()), ("-0.05".into(), "-0.05".into()));
        assert_eq!(Cell::Target(None).shown(), "no target");
        assert_eq!(Cell::Target(None).json(), serde_json::Value::Null);
        assert_eq!(Cell::Coverage(Coverage::Covered).json(), serde_json::json!("covered"));
        assert_eq!(Cell::Coverage(Coverage::Ratio(1.0 / 3.0)).json(), serde_json::json!(0.33));
        assert_eq!(Cell::text("=HYPERLINK(x)").csv(), "'=HYPERLINK(x)");
        assert_eq!(period_name(Period::Year(2026)), "FY2026");
        assert_eq!(period_name(Period::Quarter(2026, 3)), "2026Q3");
    }
}
