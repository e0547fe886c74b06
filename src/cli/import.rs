//! `rapport import KIND FILE`: records in from CRM exports and spreadsheets.

use super::out;
use crate::interop::fields::{self, Kind, Preset};
use crate::interop::import::{self, Invalid, Options, SavedMapping};
use crate::store::Store;
use anyhow::{anyhow, Result};
use clap::{ArgAction, Args, CommandFactory};
use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;

/// Errors listed one by one before the count of the rest.
const ERRORS_SHOWN: usize = 20;
/// Files with more rows than this get a progress bar on a terminal.
const PROGRESS_ROWS: usize = 5_000;

#[derive(Args, Debug)]
#[command(disable_help_flag = true)]
pub struct ImportArgs {
    /// What the rows are
    #[arg(value_enum)]
    pub kind: Kind,
    /// A .csv, .tsv, .txt, .xlsx, .xls or .ods file, or a .vcf address book for contacts
    pub file: Option<PathBuf>,
    /// The system that wrote the file [default: detected from the header row]
    #[arg(long, value_enum)]
    pub from: Option<Preset>,
    /// The sheet of a workbook to read [default: the first]
    #[arg(long, value_name = "NAME")]
    pub sheet: Option<String>,
    /// Read a column as a field (FIELD may be `custom` or `ignore`); repeatable
    #[arg(long = "map", value_name = "COLUMN=FIELD")]
    pub map: Vec<String>,
    /// Read a value of a field as another, e.g. stage:Haggling=negotiation; repeatable
    #[arg(long = "map-value", value_name = "FIELD:FROM=TO")]
    pub map_value: Vec<String>,
    /// Leave a column out; repeatable
    #[arg(long, value_name = "COLUMN")]
    pub ignore: Vec<String>,
    /// Save this mapping under a name, for --mapping
    #[arg(long, value_name = "NAME")]
    pub save_mapping: Option<String>,
    /// Use a mapping saved with --save-mapping (flags given here override it)
    #[arg(long, value_name = "NAME")]
    pub mapping: Option<String>,
    /// Create a rep or account that a row names but that does not exist
    #[arg(long)]
    pub create_missing: bool,
    /// Amounts are written 1.234,50
    #[arg(long)]
    pub decimal_comma: bool,
    /// How dates are written, e.g. '%m/%d/%Y' [default: detected from the values]
    #[arg(long, value_name = "FORMAT")]
    pub date_format: Option<String>,
    /// Percentages are fractions: 0.25 is 25%
    #[arg(long)]
    pub fraction: bool,
    /// Import the valid rows; write the others to FILE.rejected.csv with the reason
    #[arg(long)]
    pub skip_invalid: bool,
    /// Show what would be created, updated and rejected; write nothing
    #[arg(long)]
    pub dry_run: bool,
    /// Print help, and with a KIND its fields and the column names they take
    #[arg(short = 'h', long = "help", action = ArgAction::SetTrue)]
    pub help: bool,
}

/// Prints the help and field list without touching any database.
pub fn help(args: &ImportArgs) -> Result<ExitCode> {
    let mut cmd = super::Cli::command();
    let text = cmd.find_subcommand_mut("import").map(|c| c.render_help().to_string()).unwrap_or_default();
    out::print(&format!("{text}\n{}", fields::help(args.kind)))?;
    Ok(ExitCode::SUCCESS)
}

fn split_pair<'a>(text: &'a str, flag: &str, sep: char, shape: &str) -> Result<(&'a str, &'a str)> {
    text.split_once(sep)
        .filter(|(a, b)| !a.trim().is_empty() && !b.trim().is_empty())
        .ok_or_else(|| anyhow!("{flag} '{text}': expected {shape}"))
}

fn mapping_of(args: &ImportArgs) -> Result<SavedMapping> {
    let mut m = SavedMapping {
        from: args.from,
        ignore: args.ignore.clone(),
        decimal_comma: args.decimal_comma,
        date_format: args.date_format.clone(),
        fraction: args.fraction,
        ..SavedMapping::default()
    };
    for item in &args.map {
        let (col, field) = split_pair(item, "--map", '=', "COLUMN=FIELD")?;
        m.map.push((col.trim().to_string(), field.trim().to_string()));
    }
    for item in &args.map_value {
        let (field, rest) = split_pair(item, "--map-value", ':', "FIELD:FROM=TO")?;
        let (from, to) = split_pair(rest, "--map-value", '=', "FIELD:FROM=TO")?;
        m.map_value.push((field.trim().to_string(), from.trim().to_string(), to.trim().to_string()));
    }
    Ok(m)
}

/// Lists the first errors, then says how many more, and why nothing was imported.
fn refused(invalid: Invalid) -> anyhow::Error {
    for line in invalid.errors.iter().take(ERRORS_SHOWN) {
        out::warn(line);
    }
    if invalid.errors.len() > ERRORS_SHOWN {
        out::warn(&format!("… and {} more errors", invalid.errors.len() - ERRORS_SHOWN));
    }
    super::hinted(
        anyhow::Error::new(invalid),
        "fix the values above, map them (--map, --map-value), or pass --skip-invalid to import the other rows",
    )
}

pub fn run(db: Option<PathBuf>, args: ImportArgs) -> Result<ExitCode> {
    let file = args.file.clone().ok_or_else(|| {
        super::hinted(
            anyhow!("import needs a FILE"),
            format!("rapport import {} FILE; --help lists the fields", args.kind),
        )
    })?;
    let mut mapping = mapping_of(&args)?;
    // The file is read and mapped before the database is opened, so that a
    // bad file never creates or upgrades one; a saved mapping needs it first.
    let mut store: Option<Store> = None;
    if let Some(name) = &args.mapping {
        let s = store.insert(super::open_for_changes(db.clone())?);
        let saved = s.saved_mapping(name)?.ok_or_else(|| {
            super::hinted(anyhow!("there is no saved mapping '{name}'"), "save one with --save-mapping NAME")
        })?;
        let saved: SavedMapping =
            serde_json::from_str(&saved).map_err(|e| anyhow!("the saved mapping '{name}' is damaged: {e}"))?;
        mapping = saved.merged(&mapping);
    }
    let opts = Options {
        file,
        from: mapping.from,
        sheet: args.sheet.clone(),
        mapping: mapping.clone(),
        create_missing: args.create_missing,
        decimal_comma: mapping.decimal_comma,
        date_format: mapping.date_format.clone(),
        fraction: mapping.fraction,
        skip_invalid: args.skip_invalid,
        dry_run: args.dry_run,
    };
    let prepared = import::prepare(args.kind, &opts)?;
    out::print(&prepared.describe())?;
    for w in &prepared.warnings {
        out::warn(&format!("warning: {w}"));
    }
    let store = match store {
        Some(s) => s,
        None => {
            // A file with invalid values does not create a database either.
            let (path, _) = super::database_path(db.clone())?;
            if !path.exists() && !args.skip_invalid {
                let errors = import::value_errors(&prepared, &opts)?;
                if !errors.is_empty() {
                    let invalid = Invalid { shown: prepared.shown.clone(), errors };
                    return Err(refused(invalid));
                }
            }
            if !path.exists() && args.dry_run {
                // A dry run into a database that does not exist yet runs
                // against an empty one in memory, and creates no file.
                Store::in_memory(crate::store::Clock::System)?
            } else {
                super::open_or_create_for_changes(db)?
            }
        }
    };
    let store = &store;
    let rows = prepared.table.rows.len();
    let bar = (rows > PROGRESS_ROWS && std::io::stderr().is_terminal()).then(|| {
        let bar = indicatif::ProgressBar::new(rows as u64);
        bar.set_style(
            indicatif::ProgressStyle::with_template("importing {bar:40} {pos}/{len} rows")
                .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
        );
        bar
    });
    let mut tick = |n: usize| {
        if let Some(b) = &bar {
            if n.is_multiple_of(500) || n == rows {
                b.set_position(n as u64);
            }
        }
    };
    let result = import::run(store, &prepared, &opts, &mut tick);
    if let Some(b) = bar {
        b.finish_and_clear();
    }
    let report = match result {
        Ok(r) => r,
        Err(e) => {
            return Err(match e.downcast::<Invalid>() {
                Ok(invalid) => refused(invalid),
                Err(e) => e,
            });
        }
    };
    if !args.dry_run {
        if let Some(name) = &args.save_mapping {
            store.save_mapping(name, &serde_json::to_string(&mapping)?)?;
        }
    }
    let shown = prepared.shown.clone();
    let rejected = report.rejected.len();
    if args.dry_run {
        out::say(&format!(
            "dry run of {shown}: would create {}, update {}, leave {} unchanged, reject {rejected}; nothing was written",
            report.created, report.updated, report.unchanged
        ))?;
    } else {
        out::say(&format!(
            "imported {shown}: {} created, {} updated, {} unchanged{}",
            report.created,
            report.updated,
            report.unchanged,
            if rejected > 0 { format!(", {rejected} rejected") } else { String::new() }
        ))?;
    }
    if !report.made.is_empty() {
        out::say(&format!("created for references: {}", report.made.join(", ")))?;
    }
    if rejected > 0 {
        for (_, reason) in report.rejected.iter().take(ERRORS_SHOWN) {
            out::warn(reason);
        }
        if !args.dry_run {
            let path = PathBuf::from(format!("{}.rejected.csv", opts.file.display()));
            import::write_rejected(&prepared, &path, &report.rejected)?;
            out::say(&format!("rejected rows, with the reason, are in {}", path.display()))?;
        }
    }
    if !args.dry_run && report.created + report.updated > 0 {
        out::say("`rapport undo` takes this whole import back")?;
    }
    // A large file's cells are a million small strings: freeing them one by
    // one would hold the exit up, so it happens beside it.
    std::thread::spawn(move || drop((prepared, report)));
    Ok(ExitCode::SUCCESS)
}
