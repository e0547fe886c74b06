//! `rapport list KIND`: the records a person asks about, filtered, sorted
//! and cut, as a table, CSV or JSON. The filters are shared with `export`.

use super::out;
use super::table::{Align, Table as TextTable};
use crate::domain::limits;
use crate::interop::csv_out;
use crate::interop::export::{self, What};
use crate::interop::table::{Cell, ColType, Column, Table};
use crate::store::{ListQuery, Store};
use anyhow::Result;
use clap::{Args, ValueEnum};
use std::io::IsTerminal;
use std::process::ExitCode;

/// Text cells longer than this are cut in a terminal table (not in CSV or JSON).
const CELL_CHARS: usize = 40;

/// Which records: the same flags for `list` and `export`.
#[derive(Args, Debug, Clone, Default)]
pub struct Filters {
    /// FIELD=VALUE, FIELD<VALUE or FIELD>VALUE (also <=, >=), e.g. stage=proposal,
    /// renewal_on<+90d, expected_close_on=this-quarter; repeatable, all must hold
    #[arg(long = "where", value_name = "FIELD=VALUE")]
    pub wheres: Vec<String>,
    /// Whose records: me, team, all, or a rep's name
    #[arg(long, value_name = "WHO")]
    pub owner: Option<String>,
    /// Order by a field; FIELD:desc for the largest (latest) first
    #[arg(long, value_name = "FIELD[:desc]")]
    pub sort: Option<String>,
    /// At most N records
    #[arg(long, value_name = "N")]
    pub limit: Option<usize>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ListFormat {
    Table,
    Csv,
    Json,
}

#[derive(Args, Debug)]
pub struct ListArgs {
    /// What to list
    #[arg(value_enum)]
    pub kind: What,
    #[command(flatten)]
    pub filters: Filters,
    /// How to print the records
    #[arg(long, value_enum, default_value = "table")]
    pub format: ListFormat,
}

/// The flags read into a query, every value checked before the store is asked.
pub fn query(store: &Store, what: What, f: &Filters) -> Result<ListQuery> {
    let today = store.clock().today();
    let cal = store.fiscal_calendar()?;
    let mut q = ListQuery { limit: f.limit, ..ListQuery::default() };
    for w in &f.wheres {
        q.conditions.extend(export::parse_where(what, w, today, cal).map_err(|e| hint(e, what))?);
    }
    if let Some(s) = &f.sort {
        q.sort = Some(export::parse_sort(what, s).map_err(|e| hint(e, what))?);
    }
    if let Some(o) = &f.owner {
        q.owners = export::owners(store, o).map_err(|e| {
            super::hinted(
                e,
                "use --owner me, team, all or a rep's name (`me` is set with `rapport config set me NAME`)",
            )
        })?;
    }
    Ok(q)
}

fn hint(e: anyhow::Error, what: What) -> anyhow::Error {
    super::hinted(
        e,
        format!("the fields of {} are {}; e.g. --where stage=proposal --sort amount:desc", what.as_str(), {
            export::field_names(what).join(", ")
        }),
    )
}

pub fn run(store: &Store, args: ListArgs) -> Result<ExitCode> {
    let q = query(store, args.kind, &args.filters)?;
    let table = |names: bool| -> Result<Table> {
        let mut t = export::table(store, args.kind, &q, names)?;
        if args.kind == What::Accounts {
            with_health(store, &mut t, &export::ids(store, args.kind, &q)?)?;
        }
        Ok(t)
    };
    match args.format {
        ListFormat::Table => {
            let mut t = table(true)?;
            if t.rows.is_empty() {
                out::say(&format!("no {} match", args.kind.as_str()))?;
            } else {
                // Amounts are in the book's one currency; their headers name it.
                let code = store.currency()?.code();
                for c in t.columns.iter_mut().filter(|c| c.ty == ColType::Money) {
                    c.name = format!("{} ({code})", c.name);
                }
                out::print(&terminal_table(&t))?;
            }
        }
        ListFormat::Csv => write_csv(&table(false)?)?,
        ListFormat::Json => {
            super::print_json(&super::money_document(store, args.kind.as_str(), &table(false)?.json_rows())?)?
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// Accounts listed with their health (computed, so never exported): the
/// score, and the band with its symbol, which reads without colour.
fn with_health(store: &Store, t: &mut Table, ids: &[i64]) -> Result<()> {
    let health: std::collections::HashMap<i64, crate::domain::health::Health> =
        store.account_health(Some(ids), store.clock().today())?.into_iter().collect();
    t.columns.push(Column::new("health", ColType::Int));
    t.columns.push(Column::new("band", ColType::Text));
    for (row, id) in t.rows.iter_mut().zip(ids) {
        match health.get(id) {
            Some(h) => {
                row.push(Cell::Int(i64::from(h.score)));
                row.push(Cell::Text(format!("{} {}", h.band.symbol(), h.band.label())));
            }
            None => row.extend([Cell::Empty, Cell::Empty]),
        }
    }
    Ok(())
}

/// CSV to stdout: made safe on a terminal; byte for byte into a pipe or a
/// file, so that `rapport export deals > deals.csv` imports back exactly.
pub fn write_csv(t: &Table) -> Result<()> {
    let text = csv_out::to_string(t)?;
    if std::io::stdout().is_terminal() {
        out::data(&text)
    } else {
        out::generated(text.as_bytes())
    }
}

/// The standard columns for a person to read (custom fields are in CSV and JSON).
fn terminal_table(t: &Table) -> String {
    let shown: Vec<usize> = (0..t.columns.len()).filter(|&i| !t.columns[i].custom).collect();
    let mut out = TextTable::with_columns(
        shown
            .iter()
            .map(|&i| {
                let c = &t.columns[i];
                (c.name.clone(), if c.ty.is_numeric() { Align::Right } else { Align::Left })
            })
            .collect(),
    );
    for row in &t.rows {
        out.row(
            shown
                .iter()
                .map(|&i| match &row[i] {
                    Cell::Text(s) => limits::truncate(s.lines().next().unwrap_or(""), CELL_CHARS),
                    c => c.shown(),
                })
                .collect(),
        );
    }
    out.render()
}
