//! `:export` in the cockpit: the focused pane's rows, with its filter and
//! sort, to a CSV (or XLSX) file in the current folder.

use super::app::{App, PaneId};
use crate::interop::table::{Cell, ColType, Column, Table};
use crate::interop::{csv_out, write_file, xlsx};
use crate::store::Store;
use anyhow::{bail, Result};
use std::path::{Path, PathBuf};

/// The file formats `:export` writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Csv,
    Xlsx,
}

impl Format {
    /// `export`, `export csv`, `export xlsx` as typed in the palette.
    pub fn parse(command: &str) -> Option<Result<Format>> {
        let mut words = command.split_whitespace();
        if words.next() != Some("export") {
            return None;
        }
        Some(match (words.next().map(str::to_ascii_lowercase).as_deref(), words.next()) {
            (None | Some("csv"), None) => Ok(Format::Csv),
            (Some("xlsx" | "excel"), None) => Ok(Format::Xlsx),
            _ => Err(anyhow::anyhow!("export takes csv or xlsx, e.g. :export xlsx")),
        })
    }

    fn ext(self) -> &'static str {
        match self {
            Format::Csv => "csv",
            Format::Xlsx => "xlsx",
        }
    }
}

fn col(name: &str, ty: ColType) -> Column {
    Column::new(name, ty)
}

/// The pane's rows as they are shown: its filter, its sort.
pub fn pane_table(app: &App, pane: PaneId) -> Result<(&'static str, Table)> {
    Ok(match pane {
        PaneId::Portfolio => {
            let mut t = Table::new(vec![
                col("account", ColType::Text),
                col("tier", ColType::Text),
                col("status", ColType::Text),
                col("sector", ColType::Text),
                col("owner", ColType::Text),
                col("annual_value", ColType::Money),
                col("last_touch_at", ColType::DateTime),
                col("renewal_on", ColType::Date),
                col("open_conflicts", ColType::Int),
            ]);
            for &i in &app.portfolio.view {
                let r = &app.portfolio.rows[i as usize];
                t.push(vec![
                    Cell::text(&r.name),
                    Cell::text(r.tier.as_str()),
                    Cell::text(r.status.as_str()),
                    Cell::opt_text(r.sector.as_deref().map(str::to_string)),
                    Cell::opt_text(r.owner.as_deref().map(str::to_string)),
                    Cell::Money(r.annual_value),
                    Cell::opt_stamp(r.last_touch_at.as_deref()),
                    Cell::opt_date(r.renewal_date),
                    Cell::Int(r.open_conflicts),
                ]);
            }
            ("portfolio", t)
        }
        PaneId::Timeline => {
            let mut t = Table::new(vec![
                col("account", ColType::Text),
                col("occurred_at", ColType::DateTime),
                col("kind", ColType::Text),
                col("summary", ColType::Text),
                col("contact", ColType::Text),
                col("owner", ColType::Text),
                col("due_on", ColType::Date),
                col("done", ColType::Bool),
            ]);
            let Some(card) = &app.timeline.card else { bail!("no account is selected, so there is no timeline") };
            // The whole timeline, not only the pages the pane has read so far.
            for item in whole_timeline(&app.store, card.id)? {
                let follow_up = item.due_on.is_some();
                t.push(vec![
                    Cell::text(&card.name),
                    Cell::stamp(&item.occurred_at),
                    Cell::text(item.kind.as_str()),
                    Cell::text(&item.summary),
                    Cell::opt_text(item.contact.clone()),
                    Cell::opt_text(item.rep.clone()),
                    Cell::opt_date(item.due_on),
                    if follow_up { Cell::Bool(item.done_at.is_some()) } else { Cell::Empty },
                ]);
            }
            ("timeline", t)
        }
        PaneId::Conflicts => {
            let mut t = Table::new(vec![
                col("account", ColType::Text),
                col("title", ColType::Text),
                col("severity", ColType::Text),
                col("status", ColType::Text),
                col("owner", ColType::Text),
                col("opened_at", ColType::DateTime),
                col("sla_due_at", ColType::DateTime),
                col("breached", ColType::Bool),
                col("escalation_level", ColType::Int),
                col("escalated_to", ColType::Text),
            ]);
            let now = crate::store::timestamp(app.now);
            for &i in &app.conflicts.view {
                let r = &app.conflicts.rows[i as usize];
                t.push(vec![
                    Cell::text(&r.account),
                    Cell::text(&r.title),
                    Cell::text(r.severity.as_str()),
                    Cell::text(r.status.as_str()),
                    Cell::opt_text(r.owner.clone()),
                    Cell::stamp(&r.opened_at),
                    Cell::stamp(&r.sla_due_at),
                    Cell::Bool(r.breached(&now)),
                    Cell::Int(i64::from(r.escalation_level)),
                    Cell::opt_text(r.escalated_to.clone()),
                ]);
            }
            ("queue", t)
        }
        PaneId::Targets => {
            let mut t = Table::new(vec![
                col("rep", ColType::Text),
                col("period", ColType::Text),
                col("target", ColType::Money),
                col("won", ColType::Money),
                col("attainment", ColType::Percent),
                col("gap", ColType::Money),
                col("pipeline", ColType::Money),
                col("weighted", ColType::Money),
                col("coverage", ColType::Text),
                col("win_rate", ColType::Percent),
                col("activities", ColType::Int),
                col("stale_accounts", ColType::Int),
                col("open_conflicts", ColType::Int),
                col("breached", ColType::Int),
            ]);
            let period = app.targets.period.to_string();
            let pct = |p: Option<f64>| p.map_or(Cell::Empty, |p| Cell::Percent((p * 10.0).round() / 10.0));
            let money = |m: Option<crate::domain::Money>| m.map_or(Cell::Empty, Cell::Money);
            for r in &app.targets.reps {
                t.push(vec![
                    Cell::text(&r.name),
                    Cell::text(&period),
                    money(r.pace.target),
                    Cell::Money(r.metrics.won),
                    pct(r.pace.attainment),
                    money(r.pace.gap),
                    Cell::Money(r.metrics.pipeline),
                    Cell::Money(r.metrics.weighted),
                    Cell::text(r.pace.coverage.text()),
                    pct(r.metrics.win_rate_count()),
                    Cell::Int(r.activities),
                    Cell::Int(r.stale),
                    Cell::Int(r.open_conflicts),
                    Cell::Int(r.breached),
                ]);
            }
            ("tracker", t)
        }
        PaneId::Today => {
            let mut t = Table::new(vec![
                col("section", ColType::Text),
                col("account", ColType::Text),
                col("when", ColType::Text),
                col("what", ColType::Text),
                col("who", ColType::Text),
                col("why", ColType::Text),
                col("value", ColType::Money),
            ]);
            for r in &app.today_view.rows.items {
                t.push(vec![
                    Cell::text(r.section.title()),
                    Cell::text(&r.account),
                    Cell::text(&r.when),
                    Cell::text(&r.text),
                    Cell::opt_text(r.who.clone()),
                    Cell::opt_text(r.why.clone()),
                    r.value.map_or(Cell::Empty, Cell::Money),
                ]);
            }
            ("today", t)
        }
    })
}

fn whole_timeline(store: &Store, account: i64) -> Result<Vec<crate::store::TimelineItem>> {
    const PAGE: usize = 500;
    let mut items: Vec<crate::store::TimelineItem> = Vec::new();
    loop {
        let after = items.last().map(|i| (i.occurred_at.clone(), i.id));
        let page = store.timeline(account, after.as_ref().map(|(t, id)| (t.as_str(), *id)), PAGE)?;
        let done = page.len() < PAGE;
        items.extend(page);
        if done {
            return Ok(items);
        }
    }
}

/// `NAME-YYYY-MM-DD.EXT` in `dir`, or with `-2`, `-3`… when that exists:
/// an export from the cockpit never replaces a file.
fn free_path(dir: &Path, stem: &str, ext: &str) -> PathBuf {
    let first = dir.join(format!("{stem}.{ext}"));
    if std::fs::symlink_metadata(&first).is_err() {
        return first;
    }
    (2..)
        .map(|n| dir.join(format!("{stem}-{n}.{ext}")))
        .find(|p| std::fs::symlink_metadata(p).is_err())
        .unwrap_or(first)
}

/// Writes the focused pane to a new file in `dir`; returns its path and the row count.
pub fn write(app: &App, format: Format, dir: &Path) -> Result<(PathBuf, usize)> {
    let (name, table) = pane_table(app, app.focus)?;
    let stem = crate::interop::export::default_name(name, app.today, "");
    let path = free_path(dir, stem.trim_end_matches('.'), format.ext());
    let bytes = match format {
        Format::Csv => csv_out::to_string(&table)?.into_bytes(),
        Format::Xlsx => xlsx::to_bytes(&[(name, &table)])?,
    };
    write_file(&path, &bytes, false)?;
    Ok((path, table.rows.len()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn commands_are_read() {
        assert_eq!(Format::parse("export").unwrap().unwrap(), Format::Csv);
        assert_eq!(Format::parse(" export  xlsx ").unwrap().unwrap(), Format::Xlsx);
        assert!(Format::parse("export pdf").unwrap().is_err());
        assert!(Format::parse("undo").is_none());
    }
}
