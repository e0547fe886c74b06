//! `rapport import`: a file's rows mapped to fields, checked, matched to
//! existing records and written as one transaction (one undo step).
//!
//! Values are read and checked for every row before the transaction starts;
//! references and the store's rules are checked inside it, row by row, and
//! any refusal rolls the whole import back (unless rows may be skipped).

use super::fields::{self, choice, choices, Field, Kind, Preset, Ty, Use};
use super::read::{self, Place, Row, Table, Unit};
use super::values::{self, DateOrder};
use crate::domain::{
    kinds::one_of, limits, rules, AccountStatus, ActivityKind, ConflictStatus, ContactRole, DealStage,
    ForecastCategory, Money, Period, Severity, TargetMetric, TargetScope, Tier,
};
use crate::store::imports::Created;
use crate::store::{Account, Activity, Conflict, Contact, Deal, Entity, Record, Rep, Store, Target};
use anyhow::{anyhow, bail, Result};
use chrono::{NaiveDate, NaiveDateTime};
use std::collections::{BTreeMap, HashMap};
use std::path::PathBuf;

/// What a person asked for on the command line.
#[derive(Debug, Clone, Default)]
pub struct Options {
    pub file: PathBuf,
    pub from: Option<Preset>,
    pub sheet: Option<String>,
    pub mapping: SavedMapping,
    pub create_missing: bool,
    pub decimal_comma: bool,
    pub date_format: Option<String>,
    pub fraction: bool,
    pub skip_invalid: bool,
    pub dry_run: bool,
}

/// The choices of a mapping, as `--save-mapping` keeps them.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct SavedMapping {
    #[serde(default)]
    pub from: Option<Preset>,
    /// Column → field (`custom` keeps it as a custom field).
    #[serde(default)]
    pub map: Vec<(String, String)>,
    /// (field, from, to).
    #[serde(default)]
    pub map_value: Vec<(String, String, String)>,
    #[serde(default)]
    pub ignore: Vec<String>,
    /// How values are written in the file.
    #[serde(default)]
    pub decimal_comma: bool,
    #[serde(default)]
    pub date_format: Option<String>,
    #[serde(default)]
    pub fraction: bool,
}

impl SavedMapping {
    /// `other`'s choices over these.
    pub fn merged(mut self, other: &SavedMapping) -> SavedMapping {
        if other.from.is_some() {
            self.from = other.from;
        }
        self.map.extend(other.map.iter().cloned());
        self.map_value.extend(other.map_value.iter().cloned());
        self.ignore.extend(other.ignore.iter().cloned());
        self.decimal_comma |= other.decimal_comma;
        self.fraction |= other.fraction;
        if other.date_format.is_some() {
            self.date_format = other.date_format.clone();
        }
        self
    }
}

/// A file read and its columns mapped: what is printed before anything is written.
#[derive(Debug, Clone)]
pub struct Prepared {
    pub kind: Kind,
    pub shown: String,
    pub table: Table,
    pub preset: Preset,
    pub uses: Vec<Use>,
    pub warnings: Vec<String>,
}

impl Prepared {
    /// The mapping as a person reads it.
    pub fn describe(&self) -> String {
        let width = self.table.headers.iter().map(|h| h.chars().count()).max().unwrap_or(0).min(40);
        let source = match self.table.unit {
            Unit::Card => "vCard".to_string(),
            Unit::Line => format!("{} preset", self.preset.as_str()),
        };
        let mut out = format!("mapping ({source}) for {} {}:\n", self.shown, self.kind);
        for (h, u) in self.table.headers.iter().zip(&self.uses) {
            let target = match u {
                Use::Field(f) => f.clone(),
                Use::Custom(c) => format!("custom field '{c}'"),
                Use::Ignored => "ignored".into(),
            };
            out.push_str(&format!("  {:<width$}  -> {target}\n", limits::truncate(h, 40)));
        }
        out
    }
}

/// What an import did (or, on a dry run, would do).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Report {
    pub rows: usize,
    pub created: usize,
    pub updated: usize,
    pub unchanged: usize,
    /// Rows skipped with `--skip-invalid`: the row and why.
    pub rejected: Vec<(Row, String)>,
    /// Records made for references (`--create-missing`, or managers named only as managers).
    pub made: Vec<String>,
    pub warnings: Vec<String>,
}

/// Every invalid row, when nothing was imported.
#[derive(Debug)]
pub struct Invalid {
    pub shown: String,
    pub errors: Vec<String>,
}

impl std::fmt::Display for Invalid {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let n = self.errors.len();
        write!(
            f,
            "{}: {n} {} invalid; nothing was imported",
            self.shown,
            if n == 1 { "value is" } else { "values are" }
        )
    }
}

impl std::error::Error for Invalid {}

/// Reads the file and maps its columns.
pub fn prepare(kind: Kind, opts: &Options) -> Result<Prepared> {
    let shown = opts.file.display().to_string();
    let table = read::read_file(&opts.file, opts.sheet.as_deref())?;
    let cards = table.unit == Unit::Card;
    if cards && kind != Kind::Contacts {
        bail!("{shown}: a vCard file holds contacts; expected `rapport import contacts {shown}`");
    }
    let preset = opts.mapping.from.unwrap_or_else(|| fields::detect(&table.headers));
    let m = &opts.mapping;
    let find_column = |name: &str| -> Result<usize> {
        table
            .headers
            .iter()
            .position(|h| h.trim() == name.trim())
            .or_else(|| table.headers.iter().position(|h| fields::norm(h) == fields::norm(name)))
            .ok_or_else(|| {
                anyhow!(
                    "{shown}: there is no column '{}'; the columns are {}",
                    limits::preview(name),
                    table.headers.iter().map(|h| format!("'{}'", limits::preview(h))).collect::<Vec<_>>().join(", ")
                )
            })
    };
    let mut uses: Vec<Use> = table
        .headers
        .iter()
        .enumerate()
        .map(|(i, h)| match super::vcard::COLUMNS.get(i) {
            // A card's columns are known by place: a custom field may be called `FN` too.
            Some((_, f)) if cards => Use::Field(f.to_string()),
            _ if cards => Use::Custom(h.trim().to_string()),
            _ => match fields::match_header(kind, preset, h) {
                Some(f) => Use::Field(f.to_string()),
                None if h.trim().is_empty() => Use::Ignored,
                // A header our export guarded (`'=x`) names the custom field `=x`.
                None => Use::Custom(values::unguard(h.trim()).to_string()),
            },
        })
        .collect();
    for (col, target) in &m.map {
        let i = find_column(col)?;
        let t = target.trim();
        uses[i] = match t {
            "custom" => Use::Custom(values::unguard(table.headers[i].trim()).to_string()),
            "ignore" | "ignored" => Use::Ignored,
            _ => {
                let f = fields::field(kind, t).ok_or_else(|| unknown_field(kind, t))?;
                Use::Field(f.name.to_string())
            }
        };
    }
    for col in &m.ignore {
        uses[find_column(col)?] = Use::Ignored;
    }
    let mut warnings = Vec::new();
    for (field, from, _) in &m.map_value {
        let f = fields::field(kind, field).ok_or_else(|| unknown_field(kind, field))?;
        if f.ty != Ty::Choice && f.ty != Ty::Raw {
            bail!("--map-value {field}:…: {field} is not a field with named values");
        }
        let occurs = table.rows.iter().any(|r| {
            r.cells
                .iter()
                .zip(&uses)
                .any(|(c, u)| *u == Use::Field(f.name.into()) && fields::norm(c) == fields::norm(from))
        });
        if !occurs {
            warnings
                .push(format!("--map-value {field}:{from}=…: the value '{from}' never occurs in the {field} column"));
        }
    }
    Ok(Prepared { kind, shown, table, preset, uses, warnings })
}

fn unknown_field(kind: Kind, name: &str) -> anyhow::Error {
    let names: Vec<&str> = fields::fields(kind).iter().filter(|f| !f.hidden).map(|f| f.name).collect();
    anyhow!(
        "--map: '{}' is not a field of {kind}; expected {}, custom or ignore",
        limits::preview(name),
        one_of(&names)
    )
}

/// A typed cell.
#[derive(Debug, Clone, PartialEq)]
enum V {
    Text(String),
    Money(Money),
    Date(NaiveDate),
    Time(NaiveDateTime),
    Bool(bool),
    Pct(u8),
    Choice(&'static str),
    /// Candidates, each an id or a name, tried in order.
    Refs(Vec<String>),
}

/// A row's typed values by field: a few entries, searched in order
/// (cheaper than hashing for a dozen fields on 100,000 rows).
#[derive(Debug, Clone, Default)]
struct Vals(Vec<(&'static str, V)>);

impl Vals {
    fn get(&self, f: &str) -> Option<&V> {
        self.0.iter().find(|(n, _)| *n == f).map(|(_, v)| v)
    }
    fn get_mut(&mut self, f: &str) -> Option<&mut V> {
        self.0.iter_mut().find(|(n, _)| *n == f).map(|(_, v)| v)
    }
    fn contains_key(&self, f: &str) -> bool {
        self.get(f).is_some()
    }
    fn insert(&mut self, f: &'static str, v: V) {
        match self.get_mut(f) {
            Some(old) => *old = v,
            None => self.0.push((f, v)),
        }
    }
}

/// One row's values by field, its custom fields, and which column each came from.
#[derive(Debug, Clone)]
struct Parsed {
    index: usize,
    line: Place,
    vals: Vals,
    /// The column each field came from, by index into the header.
    columns: Vec<(&'static str, usize)>,
    custom: BTreeMap<String, String>,
    /// `custom` as the JSON a new record stores, made while reading, off
    /// the thread that writes.
    custom_json: Option<String>,
    /// The uid the row's record gets if it is new, also made while reading.
    uid: String,
}

impl Parsed {
    fn text(&self, f: &str) -> Option<&str> {
        match self.vals.get(f) {
            Some(V::Text(t)) => Some(t),
            _ => None,
        }
    }
    fn choice(&self, f: &str) -> Option<&'static str> {
        match self.vals.get(f) {
            Some(V::Choice(c)) => Some(c),
            _ => None,
        }
    }
    fn date(&self, f: &str) -> Option<NaiveDate> {
        match self.vals.get(f) {
            Some(V::Date(d)) => Some(*d),
            Some(V::Time(t)) => Some(t.date()),
            _ => None,
        }
    }
    fn time(&self, f: &str) -> Option<String> {
        match self.vals.get(f) {
            Some(V::Time(t)) => Some(t.format("%Y-%m-%dT%H:%M:%SZ").to_string()),
            Some(V::Date(d)) => Some(format!("{d}T00:00:00Z")),
            _ => None,
        }
    }
    fn money(&self, f: &str) -> Option<Money> {
        match self.vals.get(f) {
            Some(V::Money(m)) => Some(*m),
            _ => None,
        }
    }
    fn boolean(&self, f: &str) -> Option<bool> {
        match self.vals.get(f) {
            Some(V::Bool(b)) => Some(*b),
            _ => None,
        }
    }
    fn refs(&self, f: &str) -> &[String] {
        match self.vals.get(f) {
            Some(V::Refs(r)) => r,
            _ => &[],
        }
    }
    fn column<'s>(&self, f: &'s str, headers: &'s [String]) -> &'s str {
        self.columns.iter().find(|(n, _)| *n == f).and_then(|(_, i)| headers.get(*i)).map_or(f, |h| h.trim())
    }
}

/// Reads every row's values; errors as `FILE:ROW:COLUMN: value 'x': expected …`.
/// Errors by the index of their row, to keep them in file order.
type RowErrors = Vec<(usize, String)>;

/// How a file's values are read: its date order and its `--map-value`s.
struct Reading {
    order: DateOrder,
    value_map: HashMap<(String, String), String>,
}

impl Reading {
    fn of(p: &Prepared, opts: &Options) -> Result<Reading> {
        let kind = p.kind;
        let order = match &opts.date_format {
            Some(f) => DateOrder::Format(f.clone()),
            None => {
                let dated: Vec<usize> = p
                    .uses
                    .iter()
                    .enumerate()
                    .filter(|(_, u)| matches!(u, Use::Field(f) if matches!(fields::field(kind, f).map(|f| f.ty), Some(Ty::Date | Ty::DateTime))))
                    .map(|(i, _)| i)
                    .collect();
                let values =
                    p.table.rows.iter().flat_map(|r| dated.iter().filter_map(|&i| r.cells.get(i).map(String::as_str)));
                values::detect_order(values).map_err(|e| anyhow!("{}: {e}", p.shown))?
            }
        };
        let value_map =
            opts.mapping.map_value.iter().map(|(f, from, to)| ((f.clone(), fields::norm(from)), to.clone())).collect();
        Ok(Reading { order, value_map })
    }

    fn rows(&self, p: &Prepared, opts: &Options, range: std::ops::Range<usize>) -> (Vec<Parsed>, RowErrors) {
        parse_range(p, opts, &self.order, &self.value_map, range)
    }
}

fn parse_rows(p: &Prepared, opts: &Options) -> Result<(Vec<Parsed>, RowErrors)> {
    let reading = Reading::of(p, opts)?;
    let rows = p.table.rows.len();
    // Rows are read independently of each other: a large file is read in
    // two halves at once, then put back in file order.
    if rows < PARALLEL_ROWS {
        return Ok(reading.rows(p, opts, 0..rows));
    }
    let half = rows / 2;
    let reading = &reading;
    let (mut parsed, mut errors, (rest, rest_errors)) = std::thread::scope(|scope| {
        let second = scope.spawn(|| reading.rows(p, opts, half..rows));
        let (parsed, errors) = reading.rows(p, opts, 0..half);
        (parsed, errors, second.join().expect("reading rows panicked"))
    });
    parsed.extend(rest);
    errors.extend(rest_errors);
    Ok((parsed, errors))
}

/// Files with fewer rows are read on one thread.
const PARALLEL_ROWS: usize = 20_000;

fn parse_range(
    p: &Prepared,
    opts: &Options,
    order: &DateOrder,
    value_map: &HashMap<(String, String), String>,
    range: std::ops::Range<usize>,
) -> (Vec<Parsed>, RowErrors) {
    let kind = p.kind;
    let mut parsed = Vec::with_capacity(range.len());
    let mut errors = Vec::new();
    for (index, row) in p.table.rows[range.clone()].iter().enumerate() {
        let index = index + range.start;
        let mut out = Parsed {
            index,
            line: place(&p.table, row),
            vals: Vals(Vec::with_capacity(p.uses.len())),
            columns: Vec::with_capacity(p.uses.len()),
            custom: BTreeMap::new(),
            custom_json: None,
            uid: String::new(),
        };
        let mut bad = false;
        for (col, ((cell, use_), header)) in row.cells.iter().zip(&p.uses).zip(&p.table.headers).enumerate() {
            let cell = values::unguard(cell.trim());
            match use_ {
                Use::Ignored => {}
                Use::Custom(name) => {
                    if !cell.is_empty() {
                        out.custom.insert(name.clone(), cell.to_string());
                    }
                }
                Use::Field(name) => {
                    let Some(field) = fields::field(kind, name) else { continue };
                    if cell.is_empty() {
                        continue;
                    }
                    // Most files have no --map-value: no key is built for them.
                    let mapped = if value_map.is_empty() {
                        None
                    } else {
                        value_map.get(&(field.name.to_string(), fields::norm(cell))).map(String::as_str)
                    };
                    match typed(kind, field, mapped.unwrap_or(cell), order, opts) {
                        Ok(v) => {
                            if let (V::Refs(new), Some(V::Refs(old))) = (&v, out.vals.get_mut(field.name)) {
                                // A reference given twice (Zoho's `.id` twin): the id first.
                                if header.trim().to_ascii_lowercase().ends_with(".id") {
                                    let mut both = new.clone();
                                    both.append(old);
                                    *old = both;
                                } else {
                                    old.extend(new.iter().cloned());
                                }
                                continue;
                            }
                            if out.vals.contains_key(field.name) {
                                continue;
                            }
                            // A case's status "Escalated" is in progress, escalated once.
                            if kind == Kind::Conflicts && field.name == "status" && fields::norm(cell) == "escalated" {
                                out.vals.insert("escalated", V::Bool(true));
                            }
                            out.columns.push((field.name, col));
                            out.vals.insert(field.name, v);
                        }
                        Err(expected) => {
                            bad = true;
                            errors.push((
                                index,
                                format!(
                                    "{}:{}:{}: value '{}': expected {expected}",
                                    p.shown,
                                    out.line,
                                    header.trim(),
                                    limits::preview(cell)
                                ),
                            ));
                        }
                    }
                }
            }
        }
        if !bad {
            if !out.custom.is_empty() {
                out.custom_json = serde_json::to_string(&out.custom).ok();
            }
            out.uid = crate::store::new_uid();
            parsed.push(out);
        }
    }
    (parsed, errors)
}

/// Where a row is, as errors name it.
fn place(table: &Table, row: &Row) -> Place {
    Place { n: row.line, unit: table.unit }
}

fn typed(kind: Kind, field: &Field, cell: &str, order: &DateOrder, opts: &Options) -> Result<V, String> {
    let max = limits::max_chars(match field.ty {
        Ty::LongText => "notes",
        _ => "name",
    });
    Ok(match field.ty {
        Ty::Text | Ty::Raw | Ty::LongText => {
            limits::check(field.name, cell, max).map_err(|e| format!("at most {max} characters ({e})"))?;
            V::Text(cell.to_string())
        }
        Ty::Money => {
            let m = values::money(cell, opts.decimal_comma)?;
            if m.is_negative() {
                return Err("an amount of zero or more".into());
            }
            V::Money(m)
        }
        Ty::Date => V::Date(values::date(cell, order)?),
        Ty::DateTime => V::Time(values::datetime(cell, order)?),
        Ty::Bool => V::Bool(values::boolean(cell)?),
        Ty::Percent => V::Pct(values::percent(cell, opts.fraction)?),
        Ty::Choice => V::Choice(choice(kind, field.name, cell).ok_or_else(|| {
            format!(
                "{} {}; or map it with --map-value {}:'{}'=VALUE",
                a_field(field.name),
                one_of(choices(kind, field.name)),
                field.name,
                limits::preview(cell)
            )
        })?),
        Ty::Ref => {
            V::Refs(cell.split(';').map(str::trim).filter(|s| !s.is_empty()).take(1).map(str::to_string).collect())
        }
    })
}

fn a_field(name: &str) -> String {
    format!("a {} such as", name.replace('_', " "))
}

/// Names compared as the store compares them: case and spacing aside.
/// Names match as the store's duplicate rule matches them.
fn name_key(s: &str) -> String {
    crate::domain::rules::name_key(s)
}

/// Record ids by a key. Looked up and filled once or twice per row, so a
/// fast hash (still seeded per map) rather than SipHash.
type Keys = HashMap<String, i64, foldhash::fast::RandomState>;

/// Existing records by source id, by name (or another key) and by e-mail.
#[derive(Default)]
struct Index {
    by_ref: Keys,
    by_key: Keys,
    by_email: Keys,
    /// How many live rows the store held when the index was read.
    stored: usize,
}

impl Index {
    fn load(store: &Store, entity: Entity) -> Result<Index> {
        let mut ix = Index::default();
        let keys = store.import_keys(entity)?;
        ix.stored = keys.len();
        for k in keys {
            ix.add(entity, k.id, k.external_ref.as_deref(), &k.key, k.key2.as_deref(), k.account_id);
        }
        Ok(ix)
    }

    fn add(&mut self, entity: Entity, id: i64, ext: Option<&str>, key: &str, key2: Option<&str>, account: Option<i64>) {
        if let Some(r) = ext.filter(|r| !r.is_empty()) {
            self.by_ref.insert(r.to_string(), id);
        }
        let key = match entity {
            Entity::Contact | Entity::Deal => format!("{}|{}", account.unwrap_or(0), name_key(key)),
            Entity::Activity | Entity::Conflict => {
                format!("{}|{}|{}", account.unwrap_or(0), key2.unwrap_or(""), name_key(key))
            }
            Entity::Target => key.to_string(),
            _ => name_key(key),
        };
        self.by_key.entry(key).or_insert(id);
        if matches!(entity, Entity::Contact | Entity::Rep) {
            if let Some(e) = key2.filter(|e| !e.is_empty()) {
                self.by_email.entry(e.to_lowercase()).or_insert(id);
            }
        }
    }

    /// A record named by a reference cell: its source id, else its name.
    fn find(&self, candidate: &str) -> Option<i64> {
        self.by_ref.get(candidate.trim()).or_else(|| self.by_key.get(&name_key(candidate))).copied()
    }
}

/// The live records of the import's own entity and their import columns,
/// read in two queries when the file is large next to the table: reading
/// each matched record on its own made a re-import of 100,000 unchanged
/// rows take seconds. A record is taken out when a row first matches it,
/// so one written since is read from the store again.
#[derive(Default)]
struct Prefetched {
    /// A `HashMap<i64, T>` of the entity's record type.
    records: Option<Box<dyn std::any::Any>>,
    extras: HashMap<i64, crate::store::imports::Extras>,
}

/// A file with at least this share (1/N) of the table's rows reads the
/// table at once rather than row by row.
const PREFETCH_SHARE: usize = 10;

impl Prefetched {
    fn load<T: Record + 'static>(store: &Store) -> Result<Prefetched> {
        Ok(Prefetched {
            records: Some(Box::new(store.live_records::<T>()?)),
            extras: store.all_import_extras(T::ENTITY)?,
        })
    }

    fn record<T: Record + 'static>(&mut self, id: i64) -> Option<T> {
        self.records.as_mut()?.downcast_mut::<HashMap<i64, T>>()?.remove(&id)
    }
}

/// The state of one import while it writes.
struct Ctx<'a> {
    store: &'a Store,
    kind: Kind,
    shown: &'a str,
    headers: &'a [String],
    opts: &'a Options,
    reps: Index,
    accounts: Index,
    contacts: Index,
    own: Index,
    prefetched: Prefetched,
    made: Vec<String>,
    /// The rows created so far, logged at the end as one entry per entity.
    created: Created,
    /// Reps named only as a manager in a team list: created, not an error.
    create_managers: bool,
}

enum Done {
    Created,
    Updated,
    Unchanged,
}

/// Every invalid value of a file, checked without a database.
pub fn value_errors(p: &Prepared, opts: &Options) -> Result<Vec<String>> {
    Ok(parse_rows(p, opts)?.1.into_iter().map(|(_, e)| e).collect())
}

/// Imports a prepared file. With `dry_run` everything is done and then
/// rolled back, so the counts are exactly what a real run would give.
pub fn run(store: &Store, p: &Prepared, opts: &Options, tick: &mut dyn FnMut(usize)) -> Result<Report> {
    let rows = p.table.rows.len();
    let report = Report { rows, warnings: p.warnings.clone(), ..Report::default() };
    let entity = entity_of(p.kind);
    // Dropping the table's indexes and building them again pays when the
    // file brings more rows than the table holds; a re-import of a table's
    // own rows, mostly unchanged, would only rebuild them for nothing.
    let large = (rows >= 20_000 && store.table_rows(entity)? < rows).then_some(entity);
    // Accounts and reps are written parents first, which needs every row
    // read before the first is written.
    if rows < PIPELINE_ROWS || matches!(p.kind, Kind::Accounts | Kind::Reps) {
        let (parsed, errors) = parse_rows(p, opts)?;
        let chunks = std::iter::once((order_rows(p.kind, parsed), errors));
        return write(store, p, opts, large, report, chunks, || Ok(()), tick);
    }
    // Other kinds are read a chunk at a time on a second thread while the
    // chunks before are written: the connection's thread only writes.
    let reading = Reading::of(p, opts)?;
    let reading = &reading;
    std::thread::scope(|scope| {
        let (tx, rx) = std::sync::mpsc::sync_channel::<Chunk>(CHUNKS_AHEAD);
        let reader = scope.spawn(move || {
            for start in (0..rows).step_by(CHUNK_ROWS) {
                if tx.send(reading.rows(p, opts, start..(start + CHUNK_ROWS).min(rows))).is_err() {
                    break; // the writer stopped early and rolls back
                }
            }
        });
        // Every row must have been read before the import may commit.
        let finished = move || reader.join().map_err(|_| anyhow!("{}: reading the rows failed", p.shown));
        write(store, p, opts, large, report, rx.into_iter(), finished, tick)
    })
}

/// Rows read and mapped, with the errors of those that were not.
type Chunk = (Vec<Parsed>, RowErrors);

/// Files with fewer rows are read whole before the first row is written.
const PIPELINE_ROWS: usize = 5_000;
/// Rows per chunk handed from the reading thread to the writing one.
const CHUNK_ROWS: usize = 2_000;
/// Chunks read ahead of the writer at most (bounds the memory they hold).
const CHUNKS_AHEAD: usize = 8;

/// Writes the rows as one transaction; `finished` says whether every chunk
/// came, and is asked before anything is committed.
#[allow(clippy::too_many_arguments)]
fn write(
    store: &Store,
    p: &Prepared,
    opts: &Options,
    large: Option<Entity>,
    mut report: Report,
    chunks: impl Iterator<Item = Chunk>,
    finished: impl FnOnce() -> Result<()>,
    tick: &mut dyn FnMut(usize),
) -> Result<Report> {
    let entity = entity_of(p.kind);
    let rows = p.table.rows.len();
    let mut errors: RowErrors = Vec::new();
    let outcome = store.import_write(large, |s| {
        let mut ctx = Ctx {
            store: s,
            kind: p.kind,
            shown: &p.shown,
            headers: &p.table.headers,
            opts,
            reps: Index::load(s, Entity::Rep)?,
            accounts: Index::load(s, Entity::Account)?,
            contacts: Index::load(s, Entity::Contact)?,
            own: if matches!(entity, Entity::Rep | Entity::Account | Entity::Contact) {
                Index::default()
            } else {
                Index::load(s, entity)?
            },
            prefetched: Prefetched::default(),
            made: Vec::new(),
            created: Created::default(),
            create_managers: p.kind == Kind::Reps,
        };
        let stored = match entity {
            Entity::Rep => ctx.reps.stored,
            Entity::Account => ctx.accounts.stored,
            Entity::Contact => ctx.contacts.stored,
            _ => ctx.own.stored,
        };
        if stored > 0 && rows * PREFETCH_SHARE >= stored {
            ctx.prefetched = match entity {
                Entity::Rep => Prefetched::load::<Rep>(s)?,
                Entity::Account => Prefetched::load::<Account>(s)?,
                Entity::Contact => Prefetched::load::<Contact>(s)?,
                Entity::Deal => Prefetched::load::<Deal>(s)?,
                Entity::Activity => Prefetched::load::<Activity>(s)?,
                Entity::Conflict => Prefetched::load::<Conflict>(s)?,
                Entity::Target => Prefetched::load::<Target>(s)?,
                Entity::Snapshot | Entity::Suggestion => Prefetched::default(),
            };
        }
        // Rows of the file itself, by their keys, so that a reference to a
        // row further down (a parent, a manager) waits for it.
        let mut n = 0;
        for (chunk, chunk_errors) in chunks {
            errors.extend(chunk_errors);
            for row in &chunk {
                // With --skip-invalid each row is a savepoint, so a refused row
                // leaves nothing behind; otherwise any refusal rolls back all.
                let mark = ctx.created.mark();
                let result = if opts.skip_invalid {
                    s.write(|_| ctx.write_row(row).map_err(|e| anyhow!(e)))
                } else {
                    ctx.write_row(row).map_err(|e| anyhow!(e))
                };
                if result.is_err() {
                    ctx.created.back_to(mark);
                }
                match result {
                    Ok(Done::Created) => report.created += 1,
                    Ok(Done::Updated) => report.updated += 1,
                    Ok(Done::Unchanged) => report.unchanged += 1,
                    Err(e) => errors.push((row.index, e.to_string())),
                }
                n += 1;
                tick(n);
            }
        }
        finished()?;
        report.made = std::mem::take(&mut ctx.made);
        if !errors.is_empty() && !opts.skip_invalid {
            errors.sort_by_key(|(i, _)| *i);
            return Err(
                Invalid { shown: p.shown.clone(), errors: errors.iter().map(|(_, e)| e.clone()).collect() }.into()
            );
        }
        s.log_created(&ctx.created)?;
        if opts.dry_run {
            return Err(anyhow!(DryRun));
        }
        Ok(())
    });
    match outcome {
        Ok(()) => {}
        Err(e) if e.is::<DryRun>() => {}
        Err(e) => return Err(e),
    }
    errors.sort_by_key(|(i, _)| *i);
    report.rejected = errors.into_iter().map(|(i, e)| (p.table.rows[i].clone(), e)).collect();
    Ok(report)
}

/// The rollback at the end of a dry run.
#[derive(Debug)]
struct DryRun;

impl std::fmt::Display for DryRun {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("dry run")
    }
}

impl std::error::Error for DryRun {}

fn entity_of(kind: Kind) -> Entity {
    match kind {
        Kind::Accounts => Entity::Account,
        Kind::Contacts => Entity::Contact,
        Kind::Deals => Entity::Deal,
        Kind::Activities => Entity::Activity,
        Kind::Conflicts => Entity::Conflict,
        Kind::Reps => Entity::Rep,
        Kind::Targets => Entity::Target,
    }
}

/// Puts a row after the rows it names as parent or manager (a subsidiary
/// may come before its parent in the file). A cycle keeps file order; the
/// store refuses it.
fn order_rows(kind: Kind, rows: Vec<Parsed>) -> Vec<Parsed> {
    let (own_name, link) = match kind {
        Kind::Accounts => ("name", "parent"),
        Kind::Reps => ("name", "manager"),
        _ => return rows,
    };
    let mut by_key: HashMap<String, usize> = HashMap::new();
    for (i, r) in rows.iter().enumerate() {
        if let Some(x) = r.text("ref") {
            by_key.insert(x.to_string(), i);
        }
        if let Some(n) = r.text(own_name) {
            by_key.entry(name_key(n)).or_insert(i);
        }
    }
    let parent_of = |r: &Parsed| -> Option<usize> {
        r.refs(link).iter().find_map(|c| by_key.get(c.trim()).or_else(|| by_key.get(&name_key(c))).copied())
    };
    let parents: Vec<Option<usize>> = rows.iter().map(parent_of).collect();
    let mut state = vec![0u8; rows.len()]; // 0 new, 1 on the path, 2 placed
    let mut order = Vec::with_capacity(rows.len());
    for start in 0..rows.len() {
        let mut path = Vec::new();
        let mut at = Some(start);
        while let Some(i) = at {
            if state[i] != 0 {
                break;
            }
            state[i] = 1;
            path.push(i);
            at = parents[i].filter(|&p| p != i);
        }
        for &i in path.iter().rev() {
            state[i] = 2;
            order.push(i);
        }
    }
    let mut slots: Vec<Option<Parsed>> = rows.into_iter().map(Some).collect();
    order.into_iter().filter_map(|i| slots[i].take()).collect()
}

impl Ctx<'_> {
    fn err(&self, row: &Parsed, field: &str, value: &str, expected: &str) -> String {
        format!(
            "{}:{}:{}: value '{}': expected {expected}",
            self.shown,
            row.line,
            row.column(field, self.headers),
            limits::preview(value)
        )
    }

    fn row_err(&self, row: &Parsed, e: impl std::fmt::Display) -> String {
        format!("{}:{}: {e:#}", self.shown, row.line)
    }

    fn write_row(&mut self, row: &Parsed) -> Result<Done, String> {
        match self.kind {
            Kind::Accounts => self.account(row),
            Kind::Contacts => self.contact(row),
            Kind::Deals => self.deal(row),
            Kind::Activities => self.activity(row),
            Kind::Conflicts => self.conflict(row),
            Kind::Reps => self.rep(row),
            Kind::Targets => self.target(row),
        }
    }

    /// A rep named by a reference cell, created when allowed.
    fn rep_ref(&mut self, row: &Parsed, field: &str, create: bool) -> Result<Option<i64>, String> {
        let cands = row.refs(field);
        if cands.is_empty() {
            return Ok(None);
        }
        if let Some(id) = cands.iter().find_map(|c| self.reps.find(c)) {
            return Ok(Some(id));
        }
        if create || self.opts.create_missing {
            let name = cands.last().cloned().unwrap_or_default();
            let mut rep = Rep { name: name.clone(), ..Rep::default() };
            if field == "manager" {
                rep.role = crate::domain::RepRole::Manager;
            }
            let id =
                self.store.import_insert(&mut rep, None, None, &mut self.created).map_err(|e| self.row_err(row, e))?;
            self.reps.add(Entity::Rep, id, None, &name, None, None);
            self.made.push(format!("rep {name}"));
            return Ok(Some(id));
        }
        Err(self.err(row, field, &cands[0], "an existing rep (its id or name); pass --create-missing to create it"))
    }

    /// An account named by a reference cell, created from a name when allowed.
    fn account_ref(&mut self, row: &Parsed, field: &str) -> Result<Option<i64>, String> {
        let cands = row.refs(field);
        if cands.is_empty() {
            return Ok(None);
        }
        if let Some(id) = cands.iter().find_map(|c| self.accounts.find(c)) {
            return Ok(Some(id));
        }
        if self.opts.create_missing {
            let name = cands.last().cloned().unwrap_or_default();
            let mut a = Account { name: name.clone(), ..Account::default() };
            let id =
                self.store.import_insert(&mut a, None, None, &mut self.created).map_err(|e| self.row_err(row, e))?;
            self.accounts.add(Entity::Account, id, None, &name, None, None);
            self.made.push(format!("account {name}"));
            return Ok(Some(id));
        }
        Err(self.err(row, field, &cands[0], "an existing account (its id or name); pass --create-missing to create it"))
    }

    fn contact_ref(&mut self, row: &Parsed, account: Option<i64>) -> Result<Option<i64>, String> {
        let cands = row.refs("contact");
        for c in cands {
            if let Some(id) =
                self.contacts.by_ref.get(c.trim()).or_else(|| self.contacts.by_email.get(&c.trim().to_lowercase()))
            {
                return Ok(Some(*id));
            }
            if let Some(a) = account {
                if let Some(id) = self.contacts.by_key.get(&format!("{a}|{}", name_key(c))) {
                    return Ok(Some(*id));
                }
            }
        }
        match cands.first() {
            None => Ok(None),
            Some(c) => Err(self.err(row, "contact", c, "an existing contact of the account (its id, e-mail or name)")),
        }
    }

    fn require_text<'r>(&self, row: &'r Parsed, field: &str, what: &str) -> Result<&'r str, String> {
        row.text(field).ok_or_else(|| format!("{}:{}:{field}: value '': expected {what}", self.shown, row.line))
    }

    /// Custom fields: the row's over what the record had.
    fn custom(&self, row: &Parsed, old: Option<&str>, extra: &[(&str, &str)]) -> Option<String> {
        // A re-import of the same custom fields (the usual case) merges to
        // what the record holds.
        if extra.is_empty() && old.is_some() && old == row.custom_json.as_deref() {
            return old.map(str::to_string);
        }
        let mut map: BTreeMap<String, String> = old.and_then(|o| serde_json::from_str(o).ok()).unwrap_or_default();
        map.extend(row.custom.iter().map(|(k, v)| (k.clone(), v.clone())));
        for (k, v) in extra {
            map.insert(k.to_string(), v.to_string());
        }
        (!map.is_empty()).then(|| serde_json::to_string(&map).unwrap_or_default())
    }

    /// Inserts or updates a record and its source id and custom fields.
    fn save<T: Record + PartialEq + Clone>(
        &mut self,
        row: &Parsed,
        before: Option<T>,
        mut rec: T,
        ext: Option<&str>,
        extra: &[(&str, &str)],
    ) -> Result<(Done, i64), String> {
        let entity = T::ENTITY;
        rec.prepare().map_err(|e| self.row_err(row, e))?;
        match before {
            Some(old) => {
                let id = old.meta().id;
                let (old_ref, old_custom) = match self.prefetched.extras.remove(&id) {
                    Some(extras) => extras,
                    None => self.store.import_extras(entity, id).map_err(|e| self.row_err(row, e))?,
                };
                let ext = ext.map(str::to_string).or(old_ref.clone());
                let custom = self.custom(row, old_custom.as_deref(), extra);
                let same_extras = ext == old_ref && custom == old_custom;
                if rec == old && same_extras {
                    return Ok((Done::Unchanged, id));
                }
                if rec != old {
                    self.store.update(&mut rec).map_err(|e| self.row_err(row, e))?;
                }
                if !same_extras {
                    self.store
                        .set_import_extras(entity, id, ext.as_deref(), custom.as_deref())
                        .map_err(|e| self.row_err(row, e))?;
                }
                Ok((Done::Updated, id))
            }
            None => {
                // A row whose name an account or rep already has updates that
                // one (the index above holds the file's and the book's names),
                // so the store's own name check, a scan of the table for
                // each row, would only repeat it.
                let by_name = matches!(entity, Entity::Account | Entity::Rep);
                let built;
                let custom = if extra.is_empty() {
                    row.custom_json.as_deref()
                } else {
                    built = self.custom(row, None, extra);
                    built.as_deref()
                };
                if rec.meta().uid.is_empty() {
                    rec.meta_mut().uid = row.uid.clone();
                }
                let created = &mut self.created;
                let id = self
                    .store
                    .allowing_duplicates(by_name, |s| s.import_insert(&mut rec, ext, custom, created))
                    .map_err(|e| self.row_err(row, e))?;
                Ok((Done::Created, id))
            }
        }
    }

    fn get<T: Record + 'static>(&mut self, row: &Parsed, id: Option<i64>) -> Result<Option<T>, String> {
        let Some(id) = id else { return Ok(None) };
        if let Some(rec) = self.prefetched.record::<T>(id) {
            return Ok(Some(rec));
        }
        self.store.require::<T>(id).map(Some).map_err(|e| self.row_err(row, e))
    }

    fn account(&mut self, row: &Parsed) -> Result<Done, String> {
        let ext = row.text("ref");
        let id = ext
            .and_then(|r| self.accounts.by_ref.get(r).copied())
            .or_else(|| row.text("name").and_then(|n| self.accounts.by_key.get(&name_key(n)).copied()));
        let before: Option<Account> = self.get(row, id)?;
        let mut a = before.clone().unwrap_or_default();
        if before.is_none() {
            a.name = self.require_text(row, "name", "the account's name")?.to_string();
        } else if let Some(n) = row.text("name") {
            a.name = n.to_string();
        }
        if let Some(v) = row.text("sector") {
            a.sector = Some(v.to_string());
        }
        if let Some(v) = row.choice("tier") {
            a.tier = v.parse::<Tier>().map_err(|e| self.row_err(row, e))?;
        }
        if let Some(v) = row.choice("status") {
            a.status = v.parse::<AccountStatus>().map_err(|e| self.row_err(row, e))?;
        }
        if let Some(owner) = self.rep_ref(row, "owner", false)? {
            a.owner_id = Some(owner);
        }
        if let Some(parent) = self.account_ref(row, "parent")? {
            a.parent_id = Some(parent);
        }
        if let Some(v) = row.text("location") {
            a.city = Some(v.to_string());
        }
        if let Some(v) = row.text("website") {
            a.website = Some(v.to_string());
        }
        if let Some(v) = row.money("annual_value") {
            a.annual_value = v;
        }
        if let Some(v) = row.date("renewal_on") {
            a.renewal_date = Some(v);
        }
        if let Some(v) = row.text("notes") {
            a.notes = Some(v.to_string());
        }
        let name = a.name.clone();
        let (done, id) = self.save(row, before, a, ext, &[])?;
        self.accounts.add(Entity::Account, id, ext, &name, None, None);
        Ok(done)
    }

    fn rep(&mut self, row: &Parsed) -> Result<Done, String> {
        let ext = row.text("ref");
        let email = row.text("email");
        if let Some(e) = email {
            rules::check_email(e)
                .map_err(|_| self.err(row, "email", e, "an e-mail address such as name@example.com"))?;
        }
        let id = ext
            .and_then(|r| self.reps.by_ref.get(r).copied())
            .or_else(|| row.text("name").and_then(|n| self.reps.by_key.get(&name_key(n)).copied()))
            .or_else(|| email.and_then(|e| self.reps.by_email.get(&e.to_lowercase()).copied()));
        let before: Option<Rep> = self.get(row, id)?;
        let mut r = before.clone().unwrap_or_default();
        if before.is_none() {
            r.name = self.require_text(row, "name", "the rep's name")?.to_string();
        } else if let Some(n) = row.text("name") {
            r.name = n.to_string();
        }
        if let Some(e) = email {
            r.email = Some(e.to_string());
        }
        let create = self.create_managers;
        if let Some(m) = self.rep_ref(row, "manager", create)? {
            r.manager_id = Some(m);
        }
        let region = row.text("region").map(|v| [("region", v)]);
        let name = r.name.clone();
        let (done, id) = self.save(row, before, r, ext, region.as_ref().map_or(&[][..], |r| &r[..]))?;
        self.reps.add(Entity::Rep, id, ext, &name, email, None);
        Ok(done)
    }

    fn contact(&mut self, row: &Parsed) -> Result<Done, String> {
        let ext = row.text("ref");
        let email = row.text("email");
        if let Some(e) = email {
            rules::check_email(e)
                .map_err(|_| self.err(row, "email", e, "an e-mail address such as name@example.com"))?;
        }
        if let Some(p) = row.text("phone") {
            rules::check_phone(p).map_err(|_| self.err(row, "phone", p, "a phone number with at least five digits"))?;
        }
        let name = row.text("name").map(str::to_string).or_else(|| {
            let parts: Vec<&str> = [row.text("first_name"), row.text("last_name")].into_iter().flatten().collect();
            (!parts.is_empty()).then(|| parts.join(" "))
        });
        let account = self.account_ref(row, "account")?;
        let cards = row.line.unit == Unit::Card;
        // A card rapport wrote carries the contact's own uid when it had no source id.
        let own_uid = match ext {
            Some(r) if cards && !self.contacts.by_ref.contains_key(r) => {
                self.store.contact_by_uid(r).map_err(|e| self.row_err(row, e))?
            }
            _ => None,
        };
        let id = ext
            .and_then(|r| self.contacts.by_ref.get(r).copied())
            .or(own_uid)
            .or_else(|| email.and_then(|e| self.contacts.by_email.get(&e.to_lowercase()).copied()))
            .or_else(|| {
                let (a, n) = (account?, name.as_deref()?);
                self.contacts.by_key.get(&format!("{a}|{}", name_key(n))).copied()
            });
        let ext = if own_uid.is_some() { None } else { ext };
        let before: Option<Contact> = self.get(row, id)?;
        let mut c = before.clone().unwrap_or_default();
        // A card's missing value is named by its property (ORG, FN).
        let label = |f: &'static str| if cards { super::vcard::column_of(f) } else { f };
        match (&before, account) {
            (_, Some(a)) => c.account_id = a,
            (None, None) => {
                return Err(format!(
                    "{}:{}:{}: value '': expected the contact's account (its id or name)",
                    self.shown,
                    row.line,
                    label("account")
                ))
            }
            _ => {}
        }
        match (&before, name) {
            (_, Some(n)) => c.name = n,
            (None, None) => {
                return Err(format!(
                    "{}:{}:{}: value '': expected the contact's name",
                    self.shown,
                    row.line,
                    label("name")
                ))
            }
            _ => {}
        }
        for (f, slot) in
            [("title", &mut c.title), ("email", &mut c.email), ("phone", &mut c.phone), ("notes", &mut c.notes)]
        {
            if let Some(v) = row.text(f) {
                *slot = Some(v.to_string());
            }
        }
        if let Some(v) = row.choice("role") {
            c.role = v.parse::<ContactRole>().map_err(|e| self.row_err(row, e))?;
        }
        let (account_id, cname) = (c.account_id, c.name.clone());
        let (done, id) = self.save(row, before, c, ext, &[])?;
        self.contacts.add(Entity::Contact, id, ext, &cname, email, Some(account_id));
        Ok(done)
    }

    fn deal(&mut self, row: &Parsed) -> Result<Done, String> {
        let ext = row.text("ref");
        let account = self.account_ref(row, "account")?;
        let id = ext.and_then(|r| self.own.by_ref.get(r).copied()).or_else(|| {
            let (a, t) = (account?, row.text("title")?);
            self.own.by_key.get(&format!("{a}|{}", name_key(t))).copied()
        });
        let before: Option<Deal> = self.get(row, id)?;
        let mut d = before.clone().unwrap_or_default();
        match (&before, account) {
            (_, Some(a)) => d.account_id = a,
            (None, None) => {
                return Err(format!(
                    "{}:{}:account: value '': expected the deal's account (its id or name)",
                    self.shown, row.line
                ))
            }
            _ => {}
        }
        if before.is_none() {
            d.name = self.require_text(row, "title", "the deal's title")?.to_string();
        } else if let Some(t) = row.text("title") {
            d.name = t.to_string();
        }
        match self.rep_ref(row, "owner", false)? {
            Some(o) => d.owner_id = Some(o),
            None if before.is_none() => {
                d.owner_id = self.store.get::<Account>(d.account_id).ok().flatten().and_then(|a| a.owner_id);
            }
            None => {}
        }
        if let Some(v) = row.text("product") {
            d.product = Some(v.to_string());
        }
        // The stage: a named stage, a won/lost status over it, or the IsWon/IsClosed flags.
        let stage = match (row.choice("status"), row.choice("stage")) {
            (Some("won"), _) => Some(DealStage::Won),
            (Some("lost"), _) => Some(DealStage::Lost),
            (_, Some(s)) => Some(s.parse::<DealStage>().map_err(|e| self.row_err(row, e))?),
            _ => match (row.boolean("won"), row.boolean("closed")) {
                (Some(true), _) => Some(DealStage::Won),
                (_, Some(true)) => Some(DealStage::Lost),
                _ => None,
            },
        };
        let old_stage = d.stage;
        if let Some(s) = stage {
            d.stage = s;
        }
        if let Some(m) = row.money("amount") {
            d.amount = m;
        }
        match row.vals.get("probability") {
            Some(V::Pct(p)) => {
                d.probability = *p;
                d.probability_manual = *p != d.stage.default_probability();
            }
            _ if before.is_none() || (old_stage != d.stage && !d.probability_manual) => {
                d.probability = d.stage.default_probability();
            }
            _ => {}
        }
        if let Some(v) = row.choice("forecast_category") {
            d.forecast_category = Some(v.parse::<ForecastCategory>().map_err(|e| self.row_err(row, e))?);
        }
        if let Some(v) = row.date("opened_on") {
            d.opened_on = Some(v);
        }
        if let Some(v) = row.date("expected_close_on") {
            d.expected_close = Some(v);
        }
        if d.stage.is_closed() {
            // Exports give a closed deal's close date as its close date.
            let closed = row.date("closed_on").or(d.closed_on).or(row.date("expected_close_on")).or(d.expected_close);
            d.closed_on = Some(closed.ok_or_else(|| {
                format!(
                    "{}:{}: a {} deal needs a close date; expected a closed_on or expected_close_on column",
                    self.shown, row.line, d.stage
                )
            })?);
        } else {
            d.closed_on = None;
        }
        // History entered after the fact: a deal opened, as far as anyone
        // knows, no later than it closed (as migration 0005 reads it too).
        if let (Some(o), Some(c)) = (d.opened_on, d.closed_on) {
            if o > c {
                d.opened_on = Some(c);
            }
        }
        if let Some(r) = ext {
            d.external_ref = Some(r.to_string());
        }
        let (account_id, name) = (d.account_id, d.name.clone());
        let (done, id) = self.save(row, before, d, ext, &[])?;
        self.own.add(Entity::Deal, id, ext, &name, None, Some(account_id));
        Ok(done)
    }

    fn activity(&mut self, row: &Parsed) -> Result<Done, String> {
        let ext = row.text("ref");
        let account = self.account_ref(row, "account")?;
        let occurred = row.time("occurred_at");
        let summary = row.text("summary").map(str::to_string);
        let id = ext.and_then(|r| self.own.by_ref.get(r).copied()).or_else(|| {
            let key = format!("{}|{}|{}", account?, occurred.as_deref()?, name_key(summary.as_deref()?));
            self.own.by_key.get(&key).copied()
        });
        let before: Option<Activity> = self.get(row, id)?;
        let mut a = before.clone().unwrap_or_default();
        match (&before, account) {
            (_, Some(x)) => a.account_id = x,
            (None, None) => {
                return Err(format!(
                    "{}:{}:account: value '': expected the activity's account (its id or name)",
                    self.shown, row.line
                ))
            }
            _ => {}
        }
        match (&before, occurred) {
            (_, Some(t)) => a.occurred_at = t,
            (None, None) => {
                return Err(format!(
                    "{}:{}:occurred_at: value '': expected when it happened, such as 2026-03-31",
                    self.shown, row.line
                ))
            }
            _ => {}
        }
        if let Some(c) = self.contact_ref(row, Some(a.account_id))? {
            a.contact_id = Some(c);
        }
        if let Some(r) = self.rep_ref(row, "owner", false)? {
            a.rep_id = Some(r);
        }
        if let Some(k) = row.choice("kind") {
            a.kind = k.parse::<ActivityKind>().map_err(|e| self.row_err(row, e))?;
        } else if before.is_none() {
            a.kind = ActivityKind::Note;
        }
        if let Some(b) = row.text("body") {
            a.body = Some(b.to_string());
        }
        match (&before, summary) {
            (_, Some(s)) => a.summary = s,
            (None, None) => {
                a.summary = a
                    .body
                    .as_deref()
                    .and_then(|b| b.lines().next())
                    .map(str::to_string)
                    .unwrap_or_else(|| a.kind.label().to_string())
            }
            _ => {}
        }
        if a.kind == ActivityKind::FollowUp {
            a.due_on = row.date("due_on").or(a.due_on).or_else(|| crate::domain::time::date_of(&a.occurred_at));
            match row.boolean("done") {
                Some(true) if a.done_at.is_none() => a.done_at = Some(a.occurred_at.clone()),
                Some(false) => a.done_at = None,
                _ => {}
            }
        } else {
            a.due_on = None;
            a.done_at = None;
        }
        let (account_id, occurred, summary) = (a.account_id, a.occurred_at.clone(), a.summary.clone());
        let (done, id) = self.save(row, before, a, ext, &[])?;
        self.own.add(Entity::Activity, id, ext, &summary, Some(&occurred), Some(account_id));
        Ok(done)
    }

    fn conflict(&mut self, row: &Parsed) -> Result<Done, String> {
        let ext = row.text("ref");
        let account = self.account_ref(row, "account")?;
        let opened = row.time("opened_at");
        let title = row.text("title").map(str::to_string);
        let id = ext.and_then(|r| self.own.by_ref.get(r).copied()).or_else(|| {
            let key = format!("{}|{}|{}", account?, opened.as_deref()?, name_key(title.as_deref()?));
            self.own.by_key.get(&key).copied()
        });
        let before: Option<Conflict> = self.get(row, id)?;
        let mut c = before.clone().unwrap_or_default();
        match (&before, account) {
            (_, Some(x)) => c.account_id = x,
            (None, None) => {
                return Err(format!(
                    "{}:{}:account: value '': expected the conflict's account (its id or name)",
                    self.shown, row.line
                ))
            }
            _ => {}
        }
        match (&before, title) {
            (_, Some(t)) => c.title = t,
            (None, None) => {
                return Err(format!("{}:{}:title: value '': expected the conflict's title", self.shown, row.line))
            }
            _ => {}
        }
        match (&before, opened) {
            (_, Some(t)) => c.opened_at = t,
            (None, None) => c.opened_at = self.store.now_text(),
            _ => {}
        }
        if let Some(x) = self.contact_ref(row, Some(c.account_id))? {
            c.contact_id = Some(x);
        }
        if let Some(o) = self.rep_ref(row, "owner", false)? {
            c.owner_id = Some(o);
        }
        if let Some(v) = row.text("detail") {
            c.description = Some(v.to_string());
        }
        if let Some(v) = row.choice("severity") {
            c.severity = v.parse::<Severity>().map_err(|e| self.row_err(row, e))?;
        }
        let escalated = row.boolean("escalated") == Some(true);
        if let Some(v) = row.choice("status") {
            c.status = v.parse::<ConflictStatus>().map_err(|e| self.row_err(row, e))?;
        } else if row.time("resolved_at").is_some() {
            c.status = ConflictStatus::Resolved;
        }
        if escalated && c.escalation_level == 0 {
            c.escalation_level = 1;
            c.escalated_at = Some(c.opened_at.clone());
        }
        if c.status == ConflictStatus::Resolved {
            c.resolved_at = row.time("resolved_at").or(c.resolved_at).or_else(|| Some(c.opened_at.clone()));
            if let Some(r) = row.text("resolution") {
                c.resolution = Some(r.to_string());
            }
            if c.resolution.as_deref().is_none_or(|r| r.trim().is_empty()) {
                c.resolution = Some("resolved before the import".into());
            }
        } else {
            c.resolved_at = None;
            if let Some(r) = row.text("resolution") {
                c.resolution = Some(r.to_string());
            }
        }
        c.reset_sla(self.store.business_hours());
        let (account_id, opened, title) = (c.account_id, c.opened_at.clone(), c.title.clone());
        let (done, id) = self.save(row, before, c, ext, &[])?;
        self.own.add(Entity::Conflict, id, ext, &title, Some(&opened), Some(account_id));
        Ok(done)
    }

    fn target(&mut self, row: &Parsed) -> Result<Done, String> {
        let scope_text = row.text("scope").unwrap_or("company").to_string();
        let (scope, rep_id, account_id) = self.target_scope(row, &scope_text)?;
        let period_text = self.require_text(row, "period", "a period such as 2026Q3, 2026 or 2026-11")?;
        let period = Period::parse(period_text)
            .map_err(|_| self.err(row, "period", period_text, "a period such as 2026Q3, 2026 or 2026-11"))?;
        let metric = match row.text("metric") {
            None => TargetMetric::WonRevenue,
            Some(m) => match fields::norm(m).as_str() {
                "wonrevenue" | "revenue" | "won" | "bookings" | "sales" => TargetMetric::WonRevenue,
                "newdeals" | "deals" | "newbusiness" => TargetMetric::NewDeals,
                "activities" | "activity" | "calls" | "touches" => TargetMetric::Activities,
                _ => return Err(self.err(row, "metric", m, "won_revenue, new_deals or activities")),
            },
        };
        let amount_text = self.require_text(row, "amount", "the target amount")?;
        let amount = if metric.is_money() {
            values::money(amount_text, self.opts.decimal_comma)
                .ok()
                .filter(|m| !m.is_negative())
                .map(Money::cents)
                .ok_or_else(|| self.err(row, "amount", amount_text, "an amount such as 250,000 or 250k"))?
        } else {
            values::count(amount_text).map_err(|e| self.err(row, "amount", amount_text, &e))?
        };
        let key = format!(
            "{}|{}|{}|{}|{}",
            scope.as_str(),
            rep_id.map(|r| r.to_string()).unwrap_or_default(),
            account_id.map(|r| r.to_string()).unwrap_or_default(),
            period,
            metric.as_str()
        );
        let id = self.own.by_key.get(&key).copied();
        let before: Option<Target> = self.get(row, id)?;
        let meta = before.as_ref().map(|b| b.meta.clone()).unwrap_or_default();
        let t = Target { meta, scope, rep_id, account_id, period, metric, amount };
        let (done, id) = self.save(row, before, t, None, &[])?;
        self.own.by_key.insert(key, id);
        Ok(done)
    }

    fn target_scope(&mut self, row: &Parsed, text: &str) -> Result<(TargetScope, Option<i64>, Option<i64>), String> {
        let lower = text.trim().to_lowercase();
        if lower == "company" || lower == "all" || lower.is_empty() {
            return Ok((TargetScope::Company, None, None));
        }
        let (scope, name) = match text.split_once(':') {
            Some((s, n)) => match fields::norm(s).as_str() {
                "rep" => (TargetScope::Rep, n.trim()),
                "team" => (TargetScope::Team, n.trim()),
                "account" => (TargetScope::Account, n.trim()),
                _ => return Err(self.err(row, "scope", text, "company, rep:NAME, team:NAME or account:NAME")),
            },
            None => (TargetScope::Rep, text.trim()),
        };
        if scope == TargetScope::Account {
            let id = self
                .accounts
                .find(name)
                .ok_or_else(|| self.err(row, "scope", text, "an existing account after account:"))?;
            return Ok((scope, None, Some(id)));
        }
        let id =
            self.reps.find(name).ok_or_else(|| self.err(row, "scope", text, "company, or an existing rep's name"))?;
        Ok((scope, Some(id), None))
    }
}

/// Writes rejected rows next to the file, the header first, with a reason column.
pub fn write_rejected(p: &Prepared, path: &std::path::Path, rejected: &[(Row, String)]) -> Result<()> {
    let mut w =
        csv::Writer::from_path(path).map_err(|e| anyhow!("{}: cannot write the rejected rows: {e}", path.display()))?;
    let mut header = p.table.headers.clone();
    header.push("reason".into());
    w.write_record(&header)?;
    for (row, reason) in rejected {
        let mut cells = row.cells.clone();
        cells.push(reason.clone());
        w.write_record(&cells)?;
    }
    w.flush()?;
    Ok(())
}
