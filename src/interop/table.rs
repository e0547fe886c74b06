//! A typed table: what every writer (CSV, XLSX, JSON, the terminal) takes.
//! Columns carry a type so that a spreadsheet gets numbers and dates, not
//! text that looks like them; cells carry their value, not its rendering.

use crate::domain::Money;
use chrono::{NaiveDate, NaiveDateTime};

/// What a column holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ColType {
    Text,
    Money,
    Date,
    DateTime,
    Int,
    /// Whole percentages: 25 is 25%.
    Percent,
    Bool,
}

impl ColType {
    /// Numbers line up on the right in a terminal table.
    pub fn is_numeric(self) -> bool {
        matches!(self, ColType::Money | ColType::Int | ColType::Percent)
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Column {
    pub name: String,
    pub ty: ColType,
    /// A custom field kept from an import (JSON groups them under `custom`).
    pub custom: bool,
}

impl Column {
    pub fn new(name: impl Into<String>, ty: ColType) -> Column {
        Column { name: name.into(), ty, custom: false }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Empty,
    Text(String),
    Money(Money),
    Date(NaiveDate),
    /// UTC.
    DateTime(NaiveDateTime),
    Int(i64),
    /// Percent units: 25.0 is 25%.
    Percent(f64),
    Bool(bool),
}

impl Cell {
    pub fn text(s: impl Into<String>) -> Cell {
        Cell::Text(s.into())
    }

    /// Text, or empty when there is none.
    pub fn opt_text(s: Option<impl Into<String>>) -> Cell {
        s.map_or(Cell::Empty, |s| Cell::Text(s.into()))
    }

    pub fn opt_date(d: Option<NaiveDate>) -> Cell {
        d.map_or(Cell::Empty, Cell::Date)
    }

    /// A stored instant (`2026-11-26T14:03:00Z`); text that is not one stays text.
    pub fn stamp(s: &str) -> Cell {
        let t = s.strip_suffix('Z').unwrap_or(s);
        ["%Y-%m-%dT%H:%M:%S%.f", "%Y-%m-%dT%H:%M"]
            .iter()
            .find_map(|f| NaiveDateTime::parse_from_str(t, f).ok())
            .map_or_else(|| Cell::Text(s.to_string()), Cell::DateTime)
    }

    pub fn opt_stamp(s: Option<&str>) -> Cell {
        s.map_or(Cell::Empty, Cell::stamp)
    }

    /// The cell as plain text, in the forms import reads back: money as
    /// `1234.50` (no separators, no symbol), ISO dates, `true`/`false`.
    /// No formula guard here: that belongs to the spreadsheet writers.
    pub fn plain(&self) -> String {
        match self {
            Cell::Empty => String::new(),
            Cell::Text(s) => s.clone(),
            Cell::Money(m) => plain_money(*m),
            Cell::Date(d) => d.format("%Y-%m-%d").to_string(),
            Cell::DateTime(t) => t.format("%Y-%m-%dT%H:%M:%SZ").to_string(),
            Cell::Int(n) => n.to_string(),
            Cell::Percent(p) => number(*p),
            Cell::Bool(b) => b.to_string(),
        }
    }

    /// The cell for a person at a terminal: money grouped (`1,234.50`), `yes`/`no`.
    pub fn shown(&self) -> String {
        match self {
            Cell::Money(m) => m.to_string(),
            Cell::Percent(p) => format!("{}%", number(*p)),
            Cell::Bool(b) => if *b { "yes" } else { "no" }.to_string(),
            Cell::DateTime(t) => t.format("%Y-%m-%d %H:%M").to_string(),
            other => other.plain(),
        }
    }

    /// The cell as JSON: money in major units as a number, dates as ISO text.
    pub fn json(&self) -> serde_json::Value {
        use serde_json::Value;
        match self {
            Cell::Empty => Value::Null,
            Cell::Money(m) => {
                // Major units: cents / 100, exact for any realistic amount (below 2^53 cents).
                serde_json::Number::from_f64(m.cents() as f64 / 100.0).map_or(Value::Null, Value::Number)
            }
            Cell::Int(n) => Value::from(*n),
            Cell::Percent(p) if p.fract() == 0.0 && p.abs() < 1e15 => Value::from(*p as i64),
            Cell::Percent(p) => serde_json::Number::from_f64(*p).map_or(Value::Null, Value::Number),
            Cell::Bool(b) => Value::Bool(*b),
            other => Value::String(other.plain()),
        }
    }
}

/// `1234.50`, `-5.00`.
pub fn plain_money(m: Money) -> String {
    let c = m.cents();
    let sign = if c < 0 { "-" } else { "" };
    format!("{sign}{}.{:02}", c.unsigned_abs() / 100, c.unsigned_abs() % 100)
}

/// `25`, `12.5`: no trailing `.0`.
fn number(f: f64) -> String {
    if f.fract() == 0.0 && f.abs() < 1e15 {
        format!("{}", f as i64)
    } else {
        format!("{f}")
    }
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Table {
    pub columns: Vec<Column>,
    pub rows: Vec<Vec<Cell>>,
}

impl Table {
    pub fn new(columns: Vec<Column>) -> Table {
        Table { columns, rows: Vec::new() }
    }

    /// Adds a row; a short one is filled with empty cells.
    pub fn push(&mut self, mut row: Vec<Cell>) {
        row.resize(self.columns.len(), Cell::Empty);
        self.rows.push(row);
    }

    pub fn column(&self, name: &str) -> Option<usize> {
        self.columns.iter().position(|c| c.name == name)
    }

    /// The rows as JSON objects by column name, keys in column order;
    /// custom columns go in a `custom` object, without their empty cells.
    pub fn json_rows(&self) -> JsonRows<'_> {
        JsonRows(self)
    }

    /// The same as a JSON value (keys sorted, as `serde_json` maps are).
    pub fn to_json(&self) -> serde_json::Value {
        serde_json::to_value(self.json_rows()).unwrap_or_default()
    }
}

/// See [`Table::json_rows`].
pub struct JsonRows<'a>(&'a Table);

struct JsonRow<'a>(&'a [Column], &'a [Cell]);

struct JsonCustom<'a>(&'a [Column], &'a [Cell]);

impl serde::Serialize for JsonRows<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(self.0.rows.iter().map(|r| JsonRow(&self.0.columns, r)))
    }
}

impl serde::Serialize for JsonRow<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut map = s.serialize_map(None)?;
        for (c, cell) in self.0.iter().zip(self.1).filter(|(c, _)| !c.custom) {
            map.serialize_entry(&c.name, &cell.json())?;
        }
        if self.0.iter().any(|c| c.custom) {
            map.serialize_entry("custom", &JsonCustom(self.0, self.1))?;
        }
        map.end()
    }
}

impl serde::Serialize for JsonCustom<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_map(
            self.0
                .iter()
                .zip(self.1)
                .filter(|(c, cell)| c.custom && **cell != Cell::Empty)
                .map(|(c, cell)| (&c.name, cell.json())),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_render_as_import_reads_them() {
        assert_eq!(Cell::Money(Money(-123_450)).plain(), "-1234.50");
        assert_eq!(Cell::Money(Money(5)).plain(), "0.05");
        assert_eq!(Cell::Money(Money(123_450)).shown(), "1,234.50");
        assert_eq!(Cell::stamp("2026-11-26T14:03:00Z").plain(), "2026-11-26T14:03:00Z");
        assert_eq!(Cell::stamp("not a time"), Cell::Text("not a time".into()));
        assert_eq!(Cell::Percent(25.0).plain(), "25");
        assert_eq!(Cell::Percent(12.5).shown(), "12.5%");
        assert_eq!(Cell::Money(Money(123_450)).json(), serde_json::json!(1234.5));
    }

    #[test]
    fn json_groups_custom_fields() {
        let mut t = Table::new(vec![
            Column::new("name", ColType::Text),
            Column { name: "Region".into(), ty: ColType::Text, custom: true },
        ]);
        t.push(vec![Cell::text("Acme"), Cell::text("EMEA")]);
        t.push(vec![Cell::text("Beta")]);
        assert_eq!(
            serde_json::to_string(&t.json_rows()).unwrap(),
            r#"[{"name":"Acme","custom":{"Region":"EMEA"}},{"name":"Beta","custom":{}}]"#
        );
        assert_eq!(
            t.to_json(),
            serde_json::json!([{"name": "Acme", "custom": {"Region": "EMEA"}}, {"name": "Beta", "custom": {}}])
        );
    }
}
