//! `rapport list` and `rapport export`: the records a person asks about, as
//! a typed table with the import's field names (so that an export imports
//! back unchanged), custom fields after the standard ones.
//!
//! Filters are read here into the store's typed conditions: a value is
//! parsed as its field's type (money, a date, a choice) before any query;
//! `FIELD=` with no value finds the records where the field is blank.
//!
//! Dates in filters take ISO days and these relative forms (from the
//! store's clock, quarters and years by the fiscal calendar):
//! `today`, `yesterday`, `tomorrow`, `+90d`, `-2w`, `+3m`, `+1y`,
//! `start-of-month`, `end-of-month`, `start-of-quarter`, `end-of-quarter`,
//! `start-of-year`, `end-of-year`; and, as a whole period, `this-month`,
//! `this-quarter`, `next-quarter`, `last-quarter`, `this-year`
//! (`=` is within it, `<` before it, `>` after it).

use super::fields::{self, Kind, Ty};
use super::table::{Cell, ColType, Column, Table};
use super::values::{self, DateOrder};
use crate::domain::{kinds::one_of, scope, FiscalCalendar, Period};
use crate::store::{list_columns, Cmp, Condition, ListKind, ListQuery, Store};
use anyhow::{anyhow, bail, Result};
use chrono::{Datelike, Months, NaiveDate};
use rusqlite::types::Value;
use std::collections::BTreeSet;

/// The kinds as the command line names them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum What {
    Accounts,
    Contacts,
    Deals,
    Activities,
    Conflicts,
    Reps,
    Targets,
    FollowUps,
}

impl What {
    pub fn list_kind(self) -> ListKind {
        match self {
            What::Accounts => ListKind::Accounts,
            What::Contacts => ListKind::Contacts,
            What::Deals => ListKind::Deals,
            What::Activities => ListKind::Activities,
            What::Conflicts => ListKind::Conflicts,
            What::Reps => ListKind::Reps,
            What::Targets => ListKind::Targets,
            What::FollowUps => ListKind::FollowUps,
        }
    }

    /// The field table the kind speaks (follow-ups are activities).
    pub fn kind(self) -> Kind {
        match self {
            What::Accounts => Kind::Accounts,
            What::Contacts => Kind::Contacts,
            What::Deals => Kind::Deals,
            What::Activities | What::FollowUps => Kind::Activities,
            What::Conflicts => Kind::Conflicts,
            What::Reps => Kind::Reps,
            What::Targets => Kind::Targets,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            What::FollowUps => "follow-ups",
            other => other.kind().as_str(),
        }
    }
}

/// A field's value type for filters and cells.
fn ty(kind: Kind, field: &str) -> Ty {
    fields::field(kind, field).map_or(Ty::Text, |f| f.ty)
}

fn col_type(kind: Kind, field: &str) -> ColType {
    if kind == Kind::Targets && field == "amount" {
        return ColType::Money;
    }
    match ty(kind, field) {
        Ty::Money => ColType::Money,
        Ty::Date => ColType::Date,
        Ty::DateTime => ColType::DateTime,
        Ty::Bool => ColType::Bool,
        Ty::Percent => ColType::Percent,
        _ => ColType::Text,
    }
}

/// The field names of a kind, for messages.
pub fn field_names(what: What) -> Vec<&'static str> {
    list_columns(what.list_kind()).iter().map(|c| c.field).collect()
}

fn field_of(what: What, name: &str, flag: &str) -> Result<&'static str> {
    let name = name.trim();
    list_columns(what.list_kind()).iter().map(|c| c.field).find(|f| f.eq_ignore_ascii_case(name)).ok_or_else(|| {
        anyhow!(
            "{flag}: '{}' is not a field of {}; expected {}",
            crate::domain::limits::preview(name),
            what.as_str(),
            one_of(&field_names(what))
        )
    })
}

/// `FIELD=VALUE`, `FIELD<VALUE`, `FIELD>VALUE` (and `<=`, `>=`) as conditions.
pub fn parse_where(what: What, text: &str, today: NaiveDate, cal: FiscalCalendar) -> Result<Vec<Condition>> {
    let at = text.find(['=', '<', '>']).ok_or_else(|| {
        anyhow!(
            "--where '{}': expected FIELD=VALUE, FIELD<VALUE or FIELD>VALUE, e.g. stage=proposal or renewal_on<+90d",
            crate::domain::limits::preview(text)
        )
    })?;
    let (name, rest) = text.split_at(at);
    let (cmp, value) = if let Some(v) = rest.strip_prefix("<=") {
        (Cmp::Le, v)
    } else if let Some(v) = rest.strip_prefix(">=") {
        (Cmp::Ge, v)
    } else if let Some(v) = rest.strip_prefix('<') {
        (Cmp::Lt, v)
    } else if let Some(v) = rest.strip_prefix('>') {
        (Cmp::Gt, v)
    } else {
        (Cmp::Eq, &rest[1..])
    };
    let field = field_of(what, name, "--where")?;
    let kind = what.kind();
    let value = value.trim();
    let bad = |expected: &str| {
        anyhow!("--where {field}: value '{}': expected {expected}", crate::domain::limits::preview(value))
    };
    let one = |v: Value| Ok(vec![Condition { field, cmp, value: v, day_only: false }]);
    // `FIELD=` asks for the records where the field is blank.
    if value.is_empty() {
        return match cmp {
            Cmp::Eq => one(Value::Null),
            _ => Err(bad("a value to compare with (FIELD= alone finds blanks)")),
        };
    }
    let t = if kind == Kind::Targets && field == "amount" { Ty::Money } else { ty(kind, field) };
    match t {
        Ty::Money => one(Value::Integer(values::money(value, false).map_err(|e| bad(&e))?.cents())),
        Ty::Percent => one(Value::Integer(i64::from(values::percent(value, false).map_err(|e| bad(&e))?))),
        Ty::Bool => one(Value::Integer(i64::from(values::boolean(value).map_err(|e| bad(&e))?))),
        Ty::Choice => {
            let c = fields::choice(kind, field, value)
                .ok_or_else(|| bad(&format!("one of {}", one_of(fields::choices(kind, field)))))?;
            one(Value::Text(c.to_string()))
        }
        Ty::Date | Ty::DateTime => {
            let day_only = t == Ty::DateTime;
            let day = |d: NaiveDate, cmp| Condition { field, cmp, value: Value::Text(d.to_string()), day_only };
            match period_of(value, today, cal) {
                Some((start, end)) => Ok(match cmp {
                    Cmp::Eq => vec![day(start, Cmp::Ge), day(end, Cmp::Le)],
                    Cmp::Lt => vec![day(start, Cmp::Lt)],
                    Cmp::Le => vec![day(end, Cmp::Le)],
                    Cmp::Gt => vec![day(end, Cmp::Gt)],
                    Cmp::Ge => vec![day(start, Cmp::Ge)],
                }),
                None => {
                    let d = relative_date(value, today, cal).ok_or_else(|| {
                        bad("a date such as 2026-03-31, today, +90d, -2w, end-of-quarter or this-quarter")
                    })?;
                    Ok(vec![day(d, cmp)])
                }
            }
        }
        _ => one(Value::Text(value.to_string())),
    }
}

/// A day named relatively to today, or written as a date.
pub fn relative_date(s: &str, today: NaiveDate, cal: FiscalCalendar) -> Option<NaiveDate> {
    let t = s.trim().to_ascii_lowercase();
    let quarter = Period::quarter_of(cal, today);
    let year = Period::year_of(cal, today);
    let month = Period::month_of(today);
    match t.as_str() {
        "today" => return Some(today),
        "yesterday" => return today.pred_opt(),
        "tomorrow" => return today.succ_opt(),
        "start-of-month" => return Some(month.start(cal)),
        // A period's end is the first day after it.
        "end-of-month" => return month.end(cal).pred_opt(),
        "start-of-quarter" => return Some(quarter.start(cal)),
        "end-of-quarter" => return quarter.end(cal).pred_opt(),
        "start-of-year" => return Some(year.start(cal)),
        "end-of-year" => return year.end(cal).pred_opt(),
        _ => {}
    }
    if let Some(sign) = t.chars().next().filter(|c| *c == '+' || *c == '-') {
        let body = &t[1..];
        let unit = body.chars().last()?;
        let n: u32 = body[..body.len() - 1].parse().ok()?;
        let forward = sign == '+';
        let days = |d: u64| {
            if forward {
                today.checked_add_days(chrono::Days::new(d))
            } else {
                today.checked_sub_days(chrono::Days::new(d))
            }
        };
        let months = |m: u32| {
            if forward {
                today.checked_add_months(Months::new(m))
            } else {
                today.checked_sub_months(Months::new(m))
            }
        };
        return match unit {
            'd' => days(u64::from(n)),
            'w' => days(u64::from(n) * 7),
            'm' => months(n),
            'y' => months(n.checked_mul(12)?),
            _ => None,
        };
    }
    values::date(s, &DateOrder::Unknown).ok()
}

/// A whole period named relatively to today: its first and last day.
fn period_of(s: &str, today: NaiveDate, cal: FiscalCalendar) -> Option<(NaiveDate, NaiveDate)> {
    let quarter = Period::quarter_of(cal, today);
    let p = match s.trim().to_ascii_lowercase().as_str() {
        "this-month" => Period::month_of(today),
        "this-quarter" => quarter,
        "next-quarter" => quarter.next(),
        "last-quarter" => quarter.prev(),
        "this-year" => Period::year_of(cal, today),
        _ => return None,
    };
    Some((p.start(cal), p.end(cal).pred_opt()?))
}

/// `--sort FIELD` or `FIELD:desc` (`:asc` too).
pub fn parse_sort(what: What, text: &str) -> Result<(&'static str, bool)> {
    let (name, dir) = text.rsplit_once(':').unwrap_or((text, "asc"));
    let desc = match dir.trim().to_ascii_lowercase().as_str() {
        "asc" => false,
        "desc" => true,
        other => bail!("--sort '{}': '{other}' is not a direction; expected FIELD, FIELD:asc or FIELD:desc", text),
    };
    Ok((field_of(what, name, "--sort")?, desc))
}

/// `--owner me|team|all|NAME`: the reps whose records are listed.
pub fn owners(store: &Store, text: &str) -> Result<Option<Vec<i64>>> {
    let reps = store.reps()?;
    let members: Vec<scope::Member> = reps.iter().map(|r| (r.id, r.name.clone(), r.manager_id)).collect();
    let chosen = match text.trim().to_ascii_lowercase().as_str() {
        "me" | "mine" => scope::Scope::Me,
        "team" => scope::Scope::Team,
        "all" | "everyone" => scope::Scope::All,
        _ => scope::Scope::Rep(text.trim().trim_start_matches("rep:").to_string()),
    };
    let me = store.me()?;
    let resolved = scope::resolve(&chosen, &members, me.as_deref()).map_err(|e| anyhow!("--owner: {e}"))?;
    Ok(resolved.reps)
}

/// The asked-for records as a table. With `names`, references show the
/// name of the record they point at (for a person); without, its source
/// id (for a file that imports back).
pub fn table(store: &Store, what: What, q: &ListQuery, names: bool) -> Result<Table> {
    let kind = what.kind();
    let cols = list_columns(what.list_kind());
    let rows = store.list_records(what.list_kind(), q)?;
    let customs: Vec<serde_json::Map<String, serde_json::Value>> = rows
        .iter()
        .map(|r| r.custom.as_deref().and_then(|c| serde_json::from_str(c).ok()).unwrap_or_default())
        .collect();
    // Reps keep their region among the custom fields; it has its own column.
    let own: Vec<&str> = cols.iter().map(|c| c.field).collect();
    let keys: BTreeSet<&String> =
        customs.iter().flat_map(|m| m.keys()).filter(|k| !own.contains(&k.as_str())).collect();
    let mut columns: Vec<Column> = cols.iter().map(|c| Column::new(c.field, col_type(kind, c.field))).collect();
    columns.extend(keys.iter().map(|k| Column { name: (*k).clone(), ty: ColType::Text, custom: true }));
    let mut t = Table::new(columns);
    let metric = cols.iter().position(|c| c.field == "metric");
    for (row, custom) in rows.iter().zip(&customs) {
        let money_metric = metric.is_none_or(|i| matches!(&row.values[i], Value::Text(m) if m == "won_revenue"));
        let mut cells: Vec<Cell> = cols
            .iter()
            .enumerate()
            .map(|(i, c)| {
                if names && c.is_ref() {
                    return Cell::opt_text(row.names[i].clone());
                }
                let ty = if c.field == "amount" && !money_metric { ColType::Int } else { col_type(kind, c.field) };
                cell(&row.values[i], ty)
            })
            .collect();
        cells.extend(keys.iter().map(|k| match custom.get(*k) {
            None | Some(serde_json::Value::Null) => Cell::Empty,
            Some(serde_json::Value::String(s)) => Cell::Text(s.clone()),
            Some(v) => Cell::Text(v.to_string()),
        }));
        t.push(cells);
    }
    Ok(t)
}

fn cell(v: &Value, ty: ColType) -> Cell {
    match (v, ty) {
        (Value::Null, _) => Cell::Empty,
        (Value::Integer(n), ColType::Money) => Cell::Money(crate::domain::Money(*n)),
        (Value::Integer(n), ColType::Bool) => Cell::Bool(*n != 0),
        (Value::Integer(n), ColType::Percent) => Cell::Percent(*n as f64),
        (Value::Integer(n), _) => Cell::Int(*n),
        (Value::Real(f), _) => Cell::Text(f.to_string()),
        (Value::Text(s), ColType::Date) => match NaiveDate::parse_from_str(s, "%Y-%m-%d") {
            Ok(d) => Cell::Date(d),
            Err(_) => Cell::Text(s.clone()),
        },
        (Value::Text(s), ColType::DateTime) => Cell::stamp(s),
        (Value::Text(s), _) => Cell::Text(s.clone()),
        (Value::Blob(_), _) => Cell::Empty,
    }
}

/// A record's custom fields (the JSON an import keeps) as (name, value)
/// pairs in name order, blank values left out; a value that is not text is
/// shown as JSON.
pub fn custom_fields(json: Option<&str>) -> Vec<(String, String)> {
    let map: serde_json::Map<String, serde_json::Value> =
        json.and_then(|j| serde_json::from_str(j).ok()).unwrap_or_default();
    let mut out: Vec<(String, String)> = map
        .into_iter()
        .map(|(k, v)| match v {
            serde_json::Value::String(s) => (k, s),
            other => (k, other.to_string()),
        })
        .filter(|(_, v)| !v.trim().is_empty() && v != "null")
        .collect();
    out.sort();
    out
}

/// Custom fields on one line for a person: "Region: EMEA · Segment: SMB".
pub fn custom_line(json: Option<&str>) -> String {
    custom_fields(json).iter().map(|(k, v)| format!("{k}: {v}")).collect::<Vec<_>>().join(" · ")
}

/// `KIND-YYYY-MM-DD.EXT`, the default name of a file written in the current folder.
pub fn default_name(what: &str, today: NaiveDate, ext: &str) -> String {
    format!("{what}-{:04}-{:02}-{:02}.{ext}", today.year(), today.month(), today.day())
}

/// The id of each record the query picks, in its order.
pub fn ids(store: &Store, what: What, q: &ListQuery) -> Result<Vec<i64>> {
    Ok(store.list_records(what.list_kind(), q)?.into_iter().map(|r| r.id).collect())
}

/// The `ref` of each record the query picks, in its order: how records
/// written in another shape (vCard, iCalendar) honour the same filters.
pub fn refs(store: &Store, what: What, q: &ListQuery) -> Result<Vec<String>> {
    let cols = list_columns(what.list_kind());
    let Some(i) = cols.iter().position(|c| c.field == "ref") else { return Ok(Vec::new()) };
    Ok(store
        .list_records(what.list_kind(), q)?
        .into_iter()
        .filter_map(|r| match &r.values[i] {
            Value::Text(t) => Some(t.clone()),
            _ => None,
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 26).unwrap()
    }

    #[test]
    fn relative_dates() {
        let cal = FiscalCalendar::new(1).unwrap();
        let d = |s| relative_date(s, today(), cal).map(|d| d.to_string());
        assert_eq!(d("today").as_deref(), Some("2026-11-26"));
        assert_eq!(d("+90d").as_deref(), Some("2027-02-24"));
        assert_eq!(d("-2w").as_deref(), Some("2026-11-12"));
        assert_eq!(d("+1m").as_deref(), Some("2026-12-26"));
        assert_eq!(d("end-of-quarter").as_deref(), Some("2026-12-31"));
        assert_eq!(d("2026-03-31").as_deref(), Some("2026-03-31"));
        assert_eq!(d("soon"), None);
        assert_eq!(d("+d"), None);
        let fiscal = FiscalCalendar::new(4).unwrap();
        assert_eq!(relative_date("start-of-quarter", today(), fiscal).unwrap().to_string(), "2026-10-01");
    }

    #[test]
    fn where_clauses_are_typed() {
        let cal = FiscalCalendar::new(1).unwrap();
        let w = |s| parse_where(What::Deals, s, today(), cal);
        let c = w("amount>1.5k").unwrap();
        assert_eq!((c[0].cmp, &c[0].value), (Cmp::Gt, &Value::Integer(150_000)));
        assert_eq!(w("stage=Closed Won").unwrap()[0].value, Value::Text("won".into()));
        let q = w("expected_close_on=this-quarter").unwrap();
        assert_eq!(q.len(), 2);
        assert_eq!(q[1].value, Value::Text("2026-12-31".into()));
        let e = w("colour=red").unwrap_err().to_string();
        assert!(e.contains("'colour' is not a field of deals; expected ref, account"), "{e}");
        assert!(w("stage=haggling").unwrap_err().to_string().contains("one of prospecting"));
        assert!(w("amount").unwrap_err().to_string().contains("expected FIELD=VALUE"));
        let at = parse_where(What::Activities, "occurred_at>=2026-01-01", today(), cal).unwrap();
        assert!(at[0].day_only);
        assert_eq!(parse_sort(What::Deals, "amount:desc").unwrap(), ("amount", true));
        assert!(parse_sort(What::Deals, "amount:sideways").is_err());
    }
}
