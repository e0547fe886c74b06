//! The status report as a workbook through the shared XLSX writer: a
//! summary sheet, then one sheet per section with the same typed cells as
//! `rapport export` (money as numbers in the currency format, dates as
//! dates, a bold frozen header with an autofilter). Total lines follow
//! their section's rows.

use crate::domain::status::{Kind, Section, StatusReport, Val};
use crate::interop::table::{Cell, ColType, Column, Table};
use anyhow::Result;

fn col_type(kind: Kind) -> ColType {
    match kind {
        Kind::Text => ColType::Text,
        Kind::Money => ColType::Money,
        // The shared table has whole numbers only: hours are rounded there.
        Kind::Int | Kind::Hours => ColType::Int,
        Kind::Pct => ColType::Percent,
        Kind::Date => ColType::Date,
        Kind::DateTime => ColType::DateTime,
    }
}

fn cell(v: &Val) -> Cell {
    match v {
        Val::Text(s) if s.is_empty() => Cell::Empty,
        Val::Text(s) => Cell::Text(crate::domain::sanitize::line(s).into_owned()),
        Val::Money(m) => Cell::Money(*m),
        Val::Int(n) => Cell::Int(*n),
        Val::Pct(p) => Cell::Percent(*p),
        Val::Hours(h) => Cell::Int(h.round() as i64),
        Val::Date(d) => Cell::Date(*d),
        Val::DateTime(t) => Cell::DateTime(*t),
        Val::Empty => Cell::Empty,
    }
}

fn table(s: &Section) -> Table {
    let mut t = Table::new(s.columns.iter().map(|c| Column::new(c.name, col_type(c.kind))).collect());
    for row in s.rows.iter().chain(&s.totals) {
        t.push(row.iter().map(cell).collect());
    }
    t
}

fn summary(r: &StatusReport) -> Table {
    let h = &r.headline;
    let mut t = Table::new(vec![
        Column::new("period", ColType::Text),
        Column::new("scope", ColType::Text),
        Column::new("as_of", ColType::Date),
        Column::new("won", ColType::Money),
        Column::new("target", ColType::Money),
        Column::new("attainment", ColType::Percent),
        Column::new("commit", ColType::Money),
        Column::new("best_case", ColType::Money),
        Column::new("forecast", ColType::Money),
        Column::new("open_pipeline", ColType::Money),
    ]);
    t.push(vec![
        Cell::text(crate::domain::sanitize::line(&r.period_label).into_owned()),
        Cell::text(crate::domain::sanitize::line(&r.scope_label).into_owned()),
        Cell::Date(r.today),
        Cell::Money(h.won),
        h.target.map_or(Cell::Empty, Cell::Money),
        h.attainment.map_or(Cell::Empty, Cell::Percent),
        Cell::Money(h.commit),
        Cell::Money(h.best_case),
        Cell::Money(h.forecast),
        Cell::Money(h.pipeline),
    ]);
    t
}

/// The workbook as bytes.
pub fn render_xlsx(r: &StatusReport) -> Result<Vec<u8>> {
    let mut tables = vec![("Summary", summary(r))];
    tables.extend(r.sections.iter().map(|s| (s.sheet, table(s))));
    let sheets: Vec<(&str, &Table)> = tables.iter().map(|(n, t)| (*n, t)).collect();
    crate::interop::xlsx::to_bytes(&sheets)
}
