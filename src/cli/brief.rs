//! `rapport brief`: the morning in a screenful — follow-ups due, conflicts
//! about to breach, renewals in the next 30 days, the top suggested actions
//! and how the quarter stands against target. Short enough for a shell
//! login (at most about 25 lines; `--all` for everything), plain enough for
//! cron and for pasting into a chat (`--format md`), and `--json` for scripts.

use super::report::{bad, resolve_scope};
use crate::domain::metrics::{deal_metrics, pace, Span};
use crate::domain::scope::{self, Scope, SCOPE_EXAMPLES};
use crate::domain::suggest::Suggestion;
use crate::domain::{sanitize, time, Money, Period};
use crate::store::{ConflictRow, FollowUp, Store};
use anyhow::Result;
use chrono::{Days, NaiveDate};
use clap::Args;
use serde::Serialize;
use std::process::ExitCode;

#[derive(Args, Debug)]
pub struct BriefArgs {
    /// me, team, all or rep:NAME [default: me when the config or database names you, else all]
    #[arg(long, value_name = "SCOPE")]
    pub scope: Option<String>,
    /// Print JSON (everything, not only the top of each list)
    #[arg(long)]
    pub json: bool,
    /// text or md (Markdown, for a chat or a note)
    #[arg(long, value_name = "FORMAT", default_value = "text")]
    pub format: String,
    /// Every item of every list, not only the top ones
    #[arg(long)]
    pub all: bool,
}

/// How many of each list the short brief shows: with the header, the
/// quarter and one "more" line per list, 25 lines at most.
const FOLLOW_UPS: usize = 4;
const CONFLICTS: usize = 3;
const RENEWALS: usize = 3;
const SUGGESTIONS: usize = 5;

#[derive(Serialize)]
struct Quarter {
    period: String,
    #[serde(serialize_with = "crate::domain::money::serialize_major")]
    won: Money,
    #[serde(serialize_with = "crate::domain::money::serialize_major_opt")]
    target: Option<Money>,
    attainment: Option<f64>,
    #[serde(serialize_with = "crate::domain::money::serialize_major_opt")]
    expected_by_today: Option<Money>,
    on_pace: Option<bool>,
    #[serde(serialize_with = "crate::domain::money::serialize_major")]
    forecast: Money,
    #[serde(serialize_with = "crate::domain::money::serialize_major")]
    pipeline: Money,
}

#[derive(Serialize)]
struct Renewal {
    account_id: i64,
    account: String,
    renewal_date: NaiveDate,
    #[serde(serialize_with = "crate::domain::money::serialize_major")]
    annual_value: Money,
    owner: Option<String>,
}

#[derive(Serialize)]
struct Conflict {
    id: i64,
    account_id: i64,
    account: String,
    title: String,
    severity: crate::domain::Severity,
    sla_due_at: String,
    sla: String,
    breached: bool,
    escalation_level: u8,
}

#[derive(Serialize)]
struct Brief {
    today: NaiveDate,
    scope: String,
    quarter: Quarter,
    follow_ups: Vec<FollowUp>,
    conflicts: Vec<Conflict>,
    renewals: Vec<Renewal>,
    suggestions: Vec<Suggestion>,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Format {
    Text,
    Md,
}

pub fn run(store: &Store, args: BriefArgs) -> Result<ExitCode> {
    let format = match args.format.trim().to_ascii_lowercase().as_str() {
        "text" | "table" => Format::Text,
        "md" | "markdown" => Format::Md,
        "json" => return run(store, BriefArgs { json: true, format: "text".into(), ..args }),
        other => {
            return Err(bad(
                "--format",
                format!("'{}' is not a format; expected text or md", sanitize::line(other)),
                "e.g. --format md, or --json",
            ))
        }
    };
    let chosen = match &args.scope {
        Some(s) => Some(
            Scope::parse(s)
                .map_err(|e| bad("--scope", sanitize::line(&e), &format!("e.g. --scope {SCOPE_EXAMPLES}")))?,
        ),
        None => None,
    };
    let (_, members, resolved) = resolve_scope(store, chosen.as_ref())?;
    let today = store.clock().today();
    let now = store.clock().now();
    let now_text = time::timestamp(now);
    let warn = chrono::TimeDelta::hours(i64::from(store.health_config().breach_warning_hours));

    let follow_ups: Vec<FollowUp> =
        store.follow_ups_due(today)?.into_iter().filter(|f| resolved.includes(f.rep_id)).collect();
    let conflicts: Vec<Conflict> = store
        .open_conflicts()?
        .into_iter()
        .filter(|c| resolved.includes(c.owner_id))
        .filter(|c| {
            let due = time::parse_timestamp(&c.sla_due_at).map(|d| d.and_utc());
            c.breached(&now_text) || (c.paused_left.is_none() && due.is_some_and(|d| d - now <= warn))
        })
        .map(|c| conflict(&c, now))
        .collect();
    let soon = today + Days::new(30);
    // Through the renewal index, not every account's row: at 100,000
    // accounts the whole portfolio alone took 120 MB.
    let mut due = store.renewals_between(today, soon)?;
    // By name first, so that ties in date and value keep the portfolio's order.
    crate::store::AccountSort::Name.apply(&mut due);
    let mut renewals: Vec<Renewal> = due
        .into_iter()
        .filter(|a| resolved.includes(a.owner_id))
        .filter_map(|a| {
            let d = a.renewal_date?;
            Some(Renewal {
                account_id: a.id,
                account: a.name,
                renewal_date: d,
                annual_value: a.annual_value,
                owner: a.owner.as_deref().map(str::to_string),
            })
        })
        .collect();
    renewals.sort_by(|a, b| a.renewal_date.cmp(&b.renewal_date).then(b.annual_value.cmp(&a.annual_value)));
    let suggestions = store.suggestions(&resolved, today)?;

    let cal = store.fiscal_calendar()?;
    let period = Period::quarter_of(cal, today);
    let span = Span::of(period, cal);
    let deals: Vec<_> =
        store.deal_facts(span.start, span.end)?.into_iter().filter(|d| resolved.includes(d.owner_id)).collect();
    let m = deal_metrics(&deals, span);
    let target = scope::target_for(&resolved, &store.revenue_targets(period)?, &members);
    let p = pace(target, m.won, m.pipeline, period, cal, today);
    let quarter = Quarter {
        period: period.to_string(),
        won: m.won,
        target,
        attainment: p.attainment,
        expected_by_today: p.expected_by_today,
        on_pace: p.on_pace,
        forecast: m.forecast(),
        pipeline: m.pipeline,
    };
    let brief = Brief { today, scope: resolved.label.clone(), quarter, follow_ups, conflicts, renewals, suggestions };
    if args.json {
        // The brief's amounts are in the book's currency, named once at the top.
        let mut doc = serde_json::to_value(&brief)?;
        if let Some(map) = doc.as_object_mut() {
            map.insert("currency".into(), store.currency()?.code().into());
        }
        super::print_json(&doc)?;
    } else {
        super::out::print(&render(&brief, format, args.all))?;
    }
    Ok(ExitCode::SUCCESS)
}

fn conflict(c: &ConflictRow, now: chrono::DateTime<chrono::Utc>) -> Conflict {
    let due = time::parse_timestamp(&c.sla_due_at);
    let sla = match (c.paused_left, due) {
        (Some(left), _) if left > 0 => {
            format!("paused, {} left", time::duration_span(chrono::TimeDelta::seconds(left)))
        }
        (_, Some(due)) => time::sla_left(now.naive_utc(), due),
        _ => String::new(),
    };
    Conflict {
        id: c.id,
        account_id: c.account_id,
        account: c.account.clone(),
        title: c.title.clone(),
        severity: c.severity,
        sla_due_at: c.sla_due_at.clone(),
        breached: c.breached(&time::timestamp(now)),
        sla,
        escalation_level: c.escalation_level,
    }
}

/// The brief as lines of text or Markdown.
fn render(b: &Brief, format: Format, all: bool) -> String {
    let md = format == Format::Md;
    let mut out: Vec<String> = Vec::new();
    let title = format!("Brief for {} — {}", b.scope, b.today.format("%a %Y-%m-%d"));
    out.push(if md { format!("## {title}") } else { title });
    let q = &b.quarter;
    let mut quarter = format!("Quarter {}: won {}", q.period, q.won.compact());
    match (q.target, q.attainment) {
        (Some(t), Some(a)) => quarter.push_str(&format!(" of {} target ({a:.0}%)", t.compact())),
        _ => quarter.push_str(" (no target)"),
    }
    quarter.push_str(&format!(", forecast {}", q.forecast.compact()));
    if let (Some(e), Some(on)) = (q.expected_by_today, q.on_pace) {
        quarter.push_str(&format!(", {} by today: {}", e.compact(), if on { "on pace" } else { "behind pace" }));
    }
    out.push(if md { format!("**{quarter}**") } else { quarter });

    let overdue = b.follow_ups.iter().filter(|f| f.due_on < b.today).count();
    let head = format!("Follow-ups due ({}, {overdue} overdue)", b.follow_ups.len());
    section(&mut out, md, &head, &b.follow_ups, if all { usize::MAX } else { FOLLOW_UPS }, |f| {
        let when = if f.due_on < b.today { format!("due {}", time::ago(b.today, f.due_on)) } else { "today".into() };
        format!("{} · {} · {when}", f.account, f.summary)
    });
    section(
        &mut out,
        md,
        &format!("Conflicts about to breach or breached ({})", b.conflicts.len()),
        &b.conflicts,
        if all { usize::MAX } else { CONFLICTS },
        |c| {
            let esc =
                if c.escalation_level > 0 { format!(", escalated {}", c.escalation_level) } else { String::new() };
            format!("{} · \"{}\" · {} {}{esc}", c.account, c.title, c.severity.as_str(), c.sla)
        },
    );
    section(
        &mut out,
        md,
        &format!("Renewals in the next 30 days ({})", b.renewals.len()),
        &b.renewals,
        if all { usize::MAX } else { RENEWALS },
        |r| {
            format!(
                "{} · {} ({}) · {} a year",
                r.account,
                r.renewal_date,
                time::ago(b.today, r.renewal_date),
                r.annual_value.compact()
            )
        },
    );
    section(
        &mut out,
        md,
        &format!("Suggested ({})", b.suggestions.len()),
        &b.suggestions,
        if all { usize::MAX } else { SUGGESTIONS },
        |s| {
            let key = if all { format!(" [{}]", s.key) } else { String::new() };
            format!("{} · {}: {} — {} · {}{key}", s.kind.label(), s.account, s.action, s.reason, s.value.compact())
        },
    );
    let mut text = out.join("\n");
    text.push('\n');
    text
}

/// A heading, up to `limit` items, and how many more there are.
fn section<T>(out: &mut Vec<String>, md: bool, head: &str, items: &[T], limit: usize, line: impl Fn(&T) -> String) {
    if items.is_empty() {
        return;
    }
    out.push(if md { format!("\n### {head}") } else { format!("{head}:") });
    for item in items.iter().take(limit) {
        let text = sanitize::line(&line(item)).into_owned();
        out.push(if md { format!("- {}", md_escape(&text)) } else { format!("  {text}") });
    }
    if items.len() > limit {
        let more = format!("… and {} more (--all shows them)", items.len() - limit);
        out.push(if md { format!("- {more}") } else { format!("  {more}") });
    }
}

/// Keeps a chat from reading names as Markdown.
fn md_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if matches!(c, '*' | '_' | '`' | '[' | ']' | '<' | '>' | '#' | '|' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}
