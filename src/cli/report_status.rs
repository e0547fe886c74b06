//! `rapport report status`: the account status report an account manager
//! sends upwards, as Markdown, one HTML file or an XLSX workbook. The store
//! is only read; the model is built by `domain::status` and laid out by
//! `interop::status`. A file is written aside and moved into place whole,
//! never over an existing one unless `--force` says so.

use super::out;
use super::report::{bad, resolve_scope, ReportArgs};
use crate::domain::metrics::Span;
use crate::domain::scope::{Scope, TargetRow, SCOPE_EXAMPLES};
use crate::domain::status::{self, period_name, StatusInputs, StatusReport};
use crate::domain::{sanitize, FiscalCalendar, Period};
use crate::store::Store;
use anyhow::Result;
use chrono::NaiveDate;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Format {
    Md,
    Html,
    Xlsx,
}

impl Format {
    fn ext(self) -> &'static str {
        match self {
            Format::Md => "md",
            Format::Html => "html",
            Format::Xlsx => "xlsx",
        }
    }

    fn parse(text: &str) -> Option<Format> {
        match text.trim().to_ascii_lowercase().as_str() {
            "md" | "markdown" => Some(Format::Md),
            "html" | "htm" => Some(Format::Html),
            "xlsx" | "excel" => Some(Format::Xlsx),
            _ => None,
        }
    }
}

/// A period as typed: a fixed one, or one named from today.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum PeriodArg {
    Fixed(Period),
    ThisQuarter,
    LastQuarter,
    ThisYear,
    LastYear,
}

impl PeriodArg {
    fn parse(text: &str) -> Result<PeriodArg> {
        let words = text.trim().to_ascii_lowercase().replace([' ', '_'], "-");
        Ok(match words.as_str() {
            "this-quarter" | "quarter" => PeriodArg::ThisQuarter,
            "last-quarter" | "previous-quarter" => PeriodArg::LastQuarter,
            "this-year" | "year" => PeriodArg::ThisYear,
            "last-year" | "previous-year" => PeriodArg::LastYear,
            _ => PeriodArg::Fixed(Period::parse(text).map_err(|e| {
                bad(
                    "--period",
                    format!("{}, or this-quarter, last-quarter, this-year or last-year", sanitize::line(&e)),
                    "e.g. --period 2026Q3, --period FY2026 or --period last-quarter",
                )
            })?),
        })
    }

    fn resolve(self, cal: FiscalCalendar, today: NaiveDate) -> Period {
        match self {
            PeriodArg::Fixed(p) => p,
            PeriodArg::ThisQuarter => Period::quarter_of(cal, today),
            PeriodArg::LastQuarter => Period::quarter_of(cal, today).prev(),
            PeriodArg::ThisYear => Period::year_of(cal, today),
            PeriodArg::LastYear => Period::year_of(cal, today).prev(),
        }
    }
}

/// Everything the user typed, checked.
struct Plan {
    format: Format,
    period: PeriodArg,
    scope: Option<Scope>,
}

fn parse(args: &ReportArgs) -> Result<Plan> {
    if let Some(by) = &args.by {
        return Err(bad(
            "--by",
            format!("'{}': the status report has no grouping", sanitize::line(by)),
            "leave --by out, or use `rapport report forecast --by rep`",
        ));
    }
    let from_name =
        args.output.as_deref().and_then(|p| p.extension()).and_then(|e| Format::parse(&e.to_string_lossy()));
    let format = match &args.format {
        Some(f) => Format::parse(f).ok_or_else(|| {
            bad(
                "--format",
                format!("'{}' is not a format of the status report; expected md, html or xlsx", sanitize::line(f)),
                "e.g. --format html to print or send, --format xlsx for Excel",
            )
        })?,
        None => from_name.unwrap_or(Format::Md),
    };
    let period = match &args.period {
        Some(p) => PeriodArg::parse(p)?,
        None => PeriodArg::ThisQuarter,
    };
    let scope = match &args.scope {
        Some(s) => Some(
            Scope::parse(s)
                .map_err(|e| bad("--scope", sanitize::line(&e), &format!("e.g. --scope {SCOPE_EXAMPLES}")))?,
        ),
        None => None,
    };
    Ok(Plan { format, period, scope })
}

/// Where the report goes: standard output (Markdown only) or a file.
fn destination(args: &ReportArgs, format: Format, period: Period) -> Result<Option<PathBuf>> {
    let path = match (&args.output, format) {
        (Some(p), _) => p.clone(),
        (None, Format::Md) => return Ok(None),
        (None, f) => PathBuf::from(format!("status-{}.{}", period_name(period), f.ext())),
    };
    let shown = sanitize::line(&path.display().to_string()).into_owned();
    // Named as the user sees it: the flag they gave, or the file chosen for them.
    let flag = if args.output.is_some() { "-o" } else { "report status" };
    if path.is_dir() {
        return Err(bad(flag, format!("'{shown}' is a folder; expected a file name"), "e.g. -o status.html"));
    }
    if path.exists() && !args.force {
        return Err(bad(
            flag,
            format!("'{shown}' exists; it was left as it is"),
            "add --force to replace it, or choose another name with -o FILE",
        ));
    }
    let dir = folder_of(&path);
    if !dir.is_dir() {
        return Err(bad(
            flag,
            format!("the folder '{}' does not exist", sanitize::line(&dir.display().to_string())),
            "create it first, or choose another place with -o FILE",
        ));
    }
    Ok(Some(path))
}

fn folder_of(path: &Path) -> &Path {
    path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."))
}

/// Checks everything the user typed (the scope against the reps, the file
/// against what exists) before anything is written.
pub fn check(store: &Store, args: &ReportArgs) -> Result<()> {
    let plan = parse(args)?;
    resolve_scope(store, plan.scope.as_ref())?;
    let today = store.clock().now().date_naive();
    destination(args, plan.format, plan.period.resolve(store.fiscal_calendar()?, today))?;
    Ok(())
}

/// Reads what the report needs and builds it.
pub fn build(store: &Store, period: Period, scope: Option<&Scope>) -> Result<StatusReport> {
    let cal = store.fiscal_calendar()?;
    let now = store.clock().now();
    let today = now.date_naive();
    let (_, members, resolved) = resolve_scope(store, scope)?;
    let span = Span::of(period, cal);
    let year = Period::year_of(cal, span.start);
    let Period::Year(y) = year else { unreachable!("year_of gives a year") };
    let mut quarter_targets: [Vec<TargetRow>; 4] = Default::default();
    let mut quarter_won: [Vec<(Option<i64>, crate::domain::Money)>; 4] = Default::default();
    for (q, (targets, won)) in (1..=4).zip(quarter_targets.iter_mut().zip(quarter_won.iter_mut())) {
        let quarter = Period::Quarter(y, q);
        *targets = store.revenue_targets(quarter)?;
        *won = store.won_by_owner(quarter.start(cal), quarter.end(cal))?;
    }
    let accounts = store.status_accounts()?;
    let changes = store.account_status_changes(span.start, span.end)?;
    let conflicts = store.conflict_entries(span.start, span.end)?;
    let deals = store.deal_facts(span.start, span.end)?;
    let targets = store.revenue_targets(period)?;
    Ok(status::build(&StatusInputs {
        period,
        cal,
        today,
        now: now.naive_utc(),
        scope: &resolved,
        members: &members,
        accounts: &accounts,
        changes: &changes,
        conflicts: &conflicts,
        deals: &deals,
        quarter_won: &quarter_won,
        targets: &targets,
        quarter_targets: &quarter_targets,
    }))
}

pub fn run(store: &Store, args: &ReportArgs) -> Result<ExitCode> {
    let plan = parse(args)?;
    let today = store.clock().now().date_naive();
    let period = plan.period.resolve(store.fiscal_calendar()?, today);
    let dest = destination(args, plan.format, period)?;
    let report = build(store, period, plan.scope.as_ref())?;
    let Some(path) = dest else {
        out::data(&crate::interop::status::render_md(&report))?;
        return Ok(ExitCode::SUCCESS);
    };
    let bytes = match plan.format {
        Format::Md => crate::interop::status::render_md(&report).into_bytes(),
        Format::Html => crate::interop::status::render_html(&report).into_bytes(),
        Format::Xlsx => crate::interop::status::render_xlsx(&report)?,
    };
    // Aside and moved into place whole; without --force, never over a file that appeared meanwhile.
    crate::interop::write_file(&path, &bytes, args.force)?;
    out::say(&format!("wrote {}", path.display()))?;
    Ok(ExitCode::SUCCESS)
}
