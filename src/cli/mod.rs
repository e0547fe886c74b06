//! The command line: argument parsing, database selection, and the
//! `error: … / hint: …` convention. One file per subcommand.
//!
//! Nothing here prints directly: all output goes through `out`, which makes
//! it safe for a terminal.
#![deny(clippy::print_stdout, clippy::print_stderr)]

mod add;
mod agenda;
mod brief;
mod completions;
mod config;
mod db;
mod delete;
mod demo;
mod done;
mod edit;
mod escalate;
mod export;
mod fields;
mod find;
mod import;
mod list;
mod log;
mod man;
pub mod out;
mod report;
mod report_status;
mod resolve;
mod suggest;
mod sync;
pub mod table;
mod target;
mod team;
mod undo;

use crate::store::{OpenMode, Store};
use anyhow::Result;
use clap::parser::ValueSource;
use clap::{CommandFactory, FromArgMatches, Parser, Subcommand};
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Parser, Debug)]
#[command(name = "rapport", version, about = "A terminal cockpit for sales account managers", long_about = None)]
pub struct Cli {
    /// The database file [default: rapport.db in the data folder]
    // Read as OS text: an empty RAPPORT_DB means unset, as it always has (see `run`).
    #[arg(long, global = true, value_name = "PATH", env = "RAPPORT_DB",
          value_parser = clap::builder::TypedValueParser::map(clap::builder::OsStringValueParser::new(), PathBuf::from))]
    pub db: Option<PathBuf>,

    /// Use the demo database that `rapport demo` builds (demo.db in the data folder)
    #[arg(long, global = true)]
    pub demo: bool,

    /// `db` came from RAPPORT_DB, the user's own data, which `rapport demo` never writes to.
    #[arg(skip)]
    pub db_from_env: bool,

    /// Open the cockpit with the default panes, sorts and filters instead of where it was left
    #[arg(long)]
    pub fresh_view: bool,

    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Build a realistic demo database and open the cockpit on it
    Demo(demo::DemoArgs),
    /// Look up accounts by name, or by a contact's name, e-mail or phone
    Find(find::FindArgs),
    /// Log a call, e-mail, meeting or note on an account, with an optional follow-up
    Log(log::LogArgs),
    /// Create an account, contact, deal, conflict, target or rep
    #[command(subcommand)]
    Add(add::AddCommand),
    /// Change fields of a record; --clear FIELD (or an empty value) clears an optional one
    #[command(subcommand)]
    Edit(edit::EditCommand),
    /// Delete a record (rapport undo brings it back)
    Delete(delete::DeleteArgs),
    /// Mark a follow-up done
    Done(done::DoneArgs),
    /// Take back the last change made from the command line
    Undo,
    /// Do again the change undone last
    Redo,
    /// Follow-ups overdue and due today (and the next N days with --days)
    Agenda(agenda::AgendaArgs),
    /// Today in a screenful: follow-ups, conflicts about to breach, renewals, suggested actions, the quarter
    Brief(brief::BriefArgs),
    /// Suggested next actions: list them, snooze or dismiss one
    #[command(subcommand)]
    Suggest(suggest::SuggestCommand),
    /// Database file tools: info, check, backup
    #[command(subcommand)]
    Db(db::DbCommand),
    /// The config file (who you are, the fiscal year, key bindings)
    #[command(subcommand)]
    Config(ConfigCommand),
    /// Quarterly results, forecast, pipeline, reps, conflicts, targets and the account status report
    Report(report::ReportArgs),
    /// Import accounts, contacts, deals, activities, conflicts, reps or targets from CSV or a spreadsheet (contacts from vCards too)
    Import(import::ImportArgs),
    /// List accounts, contacts, deals, activities, follow-ups, conflicts, reps or targets, filtered and sorted
    List(list::ListArgs),
    /// Export records as CSV, XLSX or JSON with the import's field names (they import back unchanged)
    Export(export::ExportArgs),
    /// Escalate a conflict to the owner's manager or a chosen rep, with a reason
    Escalate(escalate::EscalateArgs),
    /// Set and list targets
    #[command(subcommand)]
    Target(target::TargetCommand),
    /// Share the book with a team through PostgreSQL: init (the manager), join (a rep)
    #[command(subcommand)]
    Team(team::TeamCommand),
    /// Push this laptop's changes to the team's server and pull everyone else's
    Sync,
    /// Print a shell completion script, e.g. `rapport completions bash > ~/.local/share/bash-completion/completions/rapport`
    Completions {
        #[arg(value_enum)]
        shell: completions::Shell,
    },
    /// Print the manual page (roff), e.g. `rapport man > ~/.local/share/man/man1/rapport.1`
    Man,
}

#[derive(Subcommand, Debug)]
pub enum ConfigCommand {
    /// Print where the config file lives
    Path,
    /// Set `me` (your rep's name) or `fiscal_year_start` (1-12) in the config file, or the book's `currency` (an ISO 4217 code) or `fiscal_start_month` (1-12) in the database
    Set {
        /// me, fiscal_year_start, currency or fiscal_start_month
        key: String,
        value: String,
    },
    /// Print a setting: `currency` or `fiscal_start_month` (the book's), `me` or `fiscal_year_start`
    Get {
        /// currency, fiscal_start_month, me or fiscal_year_start
        key: String,
    },
}

pub use crate::error::{hinted, UserError};

pub fn main() -> ExitCode {
    // Output piped into `head` or `grep -q` ends quietly, as shell tools do.
    // SAFETY: restoring the default disposition of one signal at start-up, before any thread exists.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
    out::panic_hook();
    let args: Vec<String> = std::env::args_os().map(|a| a.to_string_lossy().into_owned()).collect();
    let cli = match parse() {
        Ok(cli) => cli,
        Err(e) => {
            // The parser's own messages echo arguments too: print them the same safe way.
            let mut text = out::shorten_arguments(&e.render().to_string(), &args);
            if !text.ends_with('\n') {
                text.push('\n');
            }
            if e.use_stderr() {
                out::eprint(&text);
            } else if out::print(&text).is_err() {
                return ExitCode::FAILURE;
            }
            return ExitCode::from(u8::try_from(e.exit_code()).unwrap_or(2));
        }
    };
    match run(cli) {
        Ok(code) => code,
        Err(err) => {
            // The one place errors are printed: the whole chain and its hint, made safe.
            out::warn(&format!("error: {}", out::error_text(&format!("{err:#}"), &args)));
            if let Some(choose) = err.downcast_ref::<resolve::Ambiguous>() {
                // Which one was meant is the person's call: list them, change nothing.
                out::eprint(&choose.list);
                out::warn(&format!("hint: {}", out::error_text(&choose.hint, &args)));
                return ExitCode::from(2);
            }
            if let Some(user) = err.downcast_ref::<UserError>() {
                out::warn(&format!("hint: {}", out::error_text(&user.hint, &args)));
            }
            ExitCode::FAILURE
        }
    }
}

/// Parses the arguments, noting whether `--db` came from `RAPPORT_DB`.
fn parse() -> Result<Cli, clap::Error> {
    let matches = Cli::command().try_get_matches()?;
    let mut cli = Cli::from_arg_matches(&matches).map_err(|e| e.format(&mut Cli::command()))?;
    cli.db_from_env = matches.value_source("db") == Some(ValueSource::EnvVariable);
    Ok(cli)
}

pub fn run(mut cli: Cli) -> Result<ExitCode> {
    if cli.db.as_ref().is_some_and(|p| p.as_os_str().is_empty()) {
        if !cli.db_from_env {
            return Err(hinted(anyhow::anyhow!("--db: expected a file path, got an empty value"), "pass --db PATH"));
        }
        cli.db = None;
    }
    if cli.demo && cli.db.is_some() && !cli.db_from_env {
        return Err(hinted(
            anyhow::anyhow!("--demo and --db both name a database; expected one of them"),
            "leave out --db to use the demo database, or --demo to use the file given",
        ));
    }
    if let Some(Command::Demo(args)) = cli.command {
        // The demo never falls back to $RAPPORT_DB: that is the user's own data.
        let db = if cli.db_from_env { None } else { cli.db };
        return demo::run(db, args);
    }
    if cli.demo {
        cli.db = Some(demo_database()?);
    }
    match cli.command {
        Some(Command::Demo(_)) => unreachable!("handled above"),
        Some(Command::Completions { shell }) => completions::run(shell),
        Some(Command::Man) => man::run(),
        Some(Command::Find(args)) => find::run(&open_for_reading(cli.db)?, args),
        Some(Command::Log(args)) => log::run(&open_for_changes(cli.db)?, args),
        Some(Command::Add(cmd)) => add::run(&open_for_changes(cli.db)?, cmd),
        Some(Command::Edit(cmd)) => edit::run(&open_for_changes(cli.db)?, cmd),
        Some(Command::Delete(args)) => delete::run(&open_for_changes(cli.db)?, args),
        Some(Command::Done(args)) => done::run(&open_for_changes(cli.db)?, args),
        Some(Command::Undo) => undo::run(&open_for_changes(cli.db)?, false),
        Some(Command::Redo) => undo::run(&open_for_changes(cli.db)?, true),
        Some(Command::Agenda(args)) => agenda::run(&open_for_reading(cli.db)?, args),
        Some(Command::Brief(args)) => brief::run(&open_for_reading(cli.db)?, args),
        Some(Command::Suggest(cmd @ suggest::SuggestCommand::List(_))) => suggest::run(&open_for_reading(cli.db)?, cmd),
        Some(Command::Suggest(cmd)) => suggest::run(&open_for_changes(cli.db)?, cmd),
        Some(Command::Db(cmd)) => db::run(cli.db, cmd),
        Some(Command::Config(ConfigCommand::Path)) => {
            out::say(&crate::tui::config::path()?.display().to_string())?;
            Ok(ExitCode::SUCCESS)
        }
        Some(Command::Config(ConfigCommand::Set { key, value })) => config::set(cli.db, &key, &value),
        Some(Command::Config(ConfigCommand::Get { key })) => config::get(cli.db, &key),
        Some(Command::Report(args)) => {
            // A report that will be refused writes nothing, not even the day's snapshot.
            report::check(&open_for_reading(cli.db.clone())?, &args)?;
            daily_snapshot(cli.db.clone());
            report::run(&open_for_reading(cli.db)?, args)
        }
        Some(Command::Escalate(args)) => escalate::run(&open_for_changes(cli.db)?, args),
        Some(Command::Target(cmd)) => target::run(&open_for_changes(cli.db)?, cmd),
        Some(Command::Import(args)) if args.help => import::help(&args),
        Some(Command::Import(args)) => import::run(cli.db, args),
        Some(Command::List(args)) => list::run(&open_for_reading(cli.db)?, args),
        Some(Command::Export(args)) => export::run(&open_for_reading(cli.db)?, args),
        Some(Command::Team(cmd)) => team::run(cli.db, cmd),
        Some(Command::Sync) => sync::run(&open_for_changes(cli.db)?),
        None => {
            let (path, mode) = database_path(cli.db)?;
            let store = open(&path, mode)?;
            crate::tui::run(store, cli.fresh_view)?;
            Ok(ExitCode::SUCCESS)
        }
    }
}

/// The platform data folder for rapport (created on first use, mode 0700).
pub fn data_dir() -> Result<PathBuf> {
    directories::ProjectDirs::from("", "", "rapport")
        .map(|d| d.data_dir().to_path_buf())
        .ok_or_else(|| hinted(anyhow::anyhow!("cannot find a home folder for rapport's data"), "pass --db PATH"))
}

/// `--db` (or `$RAPPORT_DB`, which clap reads into it), else the data
/// folder's `rapport.db`. A path the user names must have its folder
/// already; the default folder is created.
pub fn database_path(flag: Option<PathBuf>) -> Result<(PathBuf, OpenMode)> {
    if let Some(p) = flag {
        return Ok((p, OpenMode::Create));
    }
    Ok((data_dir()?.join("rapport.db"), OpenMode::CreateWithFolders))
}

/// The demo database that `rapport demo` builds, for `--demo`.
fn demo_database() -> Result<PathBuf> {
    let path = data_dir()?.join("demo.db");
    if std::fs::symlink_metadata(&path).is_err() {
        return Err(hinted(
            anyhow::anyhow!("--demo: no demo database at {} yet", path.display()),
            "build it with `rapport demo` (or `rapport demo --no-open` to build it without opening the cockpit)",
        ));
    }
    Ok(path)
}

/// A path as one shell word, quoted only when it needs to be, so that a
/// printed `export` line can be pasted as it is.
pub(crate) fn shell_word(path: &std::path::Path) -> String {
    let text = path.display().to_string();
    if !text.is_empty() && text.chars().all(|c| c.is_ascii_alphanumeric() || "/._-+:@%,=".contains(c)) {
        return text;
    }
    format!("'{}'", text.replace('\'', "'\\''"))
}

/// The database a command that needs one will open. When there is none at
/// the default path (a newcomer, most likely), points to the demo: never by
/// building the demo into that path, which is for the user's own data.
fn existing_path(flag: Option<PathBuf>) -> Result<PathBuf> {
    let default = flag.is_none();
    let (path, _) = database_path(flag)?;
    if !default || std::fs::symlink_metadata(&path).is_ok() {
        return Ok(path);
    }
    let demo = data_dir()?.join("demo.db");
    let hint = if std::fs::symlink_metadata(&demo).is_ok() {
        format!(
            "export RAPPORT_DB={} uses the demo database from this shell (or add --demo to a command); \
             `rapport` alone starts an empty database of your own",
            shell_word(&demo)
        )
    } else {
        "`rapport demo` builds a demo database, then add --demo to a command to use it; \
         `rapport` alone starts an empty database of your own"
            .to_string()
    };
    Err(hinted(anyhow::anyhow!("no database at {} yet", path.display()), hint))
}

/// The config file's settings, which every command reads the data with.
pub fn prefs() -> Result<crate::store::Prefs> {
    let path = crate::tui::config::path()?;
    crate::tui::config::load_prefs(&path)
        .map_err(|e| hinted(e, format!("fix {} (e.g. `rapport config set fiscal_year_start 4`)", path.display())))
}

pub use crate::tui::config::user_zone;

/// `RAPPORT_NOW` (RFC 3339) fixes the clock: for tests, and to see the book
/// as it stood or will stand at another moment.
fn fixed_now() -> Result<Option<chrono::DateTime<chrono::Utc>>> {
    let Some(text) = std::env::var("RAPPORT_NOW").ok().filter(|t| !t.is_empty()) else { return Ok(None) };
    let t = chrono::DateTime::parse_from_rfc3339(&text).map_err(|e| {
        hinted(
            anyhow::anyhow!(
                "RAPPORT_NOW: '{text}' is not a time ({e}); expected RFC 3339 such as 2026-11-26T14:03:00Z"
            ),
            "unset RAPPORT_NOW to use the system clock",
        )
    })?;
    Ok(Some(t.with_timezone(&chrono::Utc)))
}

/// The user's own settings over an opened store: the config file's choices,
/// the time zone, and `RAPPORT_NOW` when it fixes the clock.
fn with_user_settings(store: Store) -> Result<Store> {
    let mut store = store.with_prefs(prefs()?);
    store.set_zone(user_zone()?);
    // Reading commands change nothing: numbers read with another region
    // are brought in line by the next command that writes.
    store.set_default_region(crate::tui::config::default_region()?);
    if let Some(now) = fixed_now()? {
        store.set_clock(crate::store::Clock::Fixed(now));
    }
    Ok(store)
}

fn open(path: &std::path::Path, mode: OpenMode) -> Result<Store> {
    let (store, report) = Store::open(path, mode)
        .map_err(|e| hinted(e, "choose a database with --db PATH or the RAPPORT_DB variable"))?;
    warn_exposed(path, &report);
    if let Some(backup) = &report.backup {
        out::warn(&format!(
            "rapport: upgraded {} from schema {}; the previous file is saved as {}",
            path.display(),
            report.migrated_from.unwrap_or_default(),
            backup.display()
        ));
    }
    with_user_settings(store)
}

/// Takes the day's forecast snapshot before a report reads, when it is the
/// first of the day. A file that cannot be written (read-only, a bad config)
/// is reported on without one: the report is what was asked for.
fn daily_snapshot(flag: Option<PathBuf>) {
    // Opened like any writing command: the same upgrade notice, settings and clock.
    if let Ok(store) = open_existing(flag) {
        let _ = store.take_forecast_snapshots();
    }
}

/// Opens a database that must already exist (commands that only read).
pub fn open_existing(flag: Option<PathBuf>) -> Result<Store> {
    let path = existing_path(flag)?;
    open(&path, OpenMode::Existing)
}

/// Warns, without changing anything, when others may read the file.
fn warn_exposed(path: &std::path::Path, report: &crate::store::OpenReport) {
    if let Some(mode) = report.exposed_mode {
        out::warn(&format!(
            "rapport: warning: {} can be read or changed by other users (mode {mode:04o}); \
             it holds customers' personal data — `chmod 600` makes it private",
            path.display()
        ));
    }
}

/// Opens an existing database without changing it in any way: `db info`,
/// `db check`, `db backup`. An older schema is read as it is.
pub fn open_read_only(flag: Option<PathBuf>) -> Result<Store> {
    let path = existing_path(flag)?;
    let (store, report) = Store::open(&path, OpenMode::ReadOnly)
        .map_err(|e| hinted(e, "choose a database with --db PATH or the RAPPORT_DB variable"))?;
    warn_exposed(&path, &report);
    Ok(store)
}

/// Opens an existing database for a command that only reads (`find`,
/// `agenda`, `report`): read-only, unless its schema is older than this build, which
/// the queries need; then it is upgraded as any command would (backed up first).
pub fn open_for_reading(flag: Option<PathBuf>) -> Result<Store> {
    let path = existing_path(flag)?;
    let (store, report) = Store::open(&path, OpenMode::ReadOnly)
        .map_err(|e| hinted(e, "choose a database with --db PATH or the RAPPORT_DB variable"))?;
    if report.outdated.is_none() {
        warn_exposed(&path, &report);
        return with_user_settings(store);
    }
    drop(store);
    open(&path, OpenMode::Existing)
}

/// The session every command-line change is logged under, so that
/// `rapport undo` takes back the last change made from the shell.
pub const CLI_SESSION: &str = "cli";

/// Opens an existing database for a command that changes it.
pub fn open_for_changes(flag: Option<PathBuf>) -> Result<Store> {
    let mut store = open_existing(flag)?;
    store.set_session(CLI_SESSION);
    store.use_default_region(store.default_region())?;
    Ok(store)
}

/// Opens a database for a command that changes it, creating it when it
/// does not exist yet (an import is how a new book of business starts).
pub fn open_or_create_for_changes(flag: Option<PathBuf>) -> Result<Store> {
    let (path, mode) = database_path(flag)?;
    let mut store = open(&path, mode)?;
    store.set_session(CLI_SESSION);
    Ok(store)
}

/// A JSON document that carries money: the book's currency once at the top,
/// beside what the document is about (`{"currency": "EUR", "accounts": […]}`),
/// so amounts stay plain numbers in major units.
pub fn money_document<T: serde::Serialize>(store: &Store, key: &str, value: &T) -> Result<serde_json::Value> {
    let mut doc = serde_json::Map::new();
    doc.insert("currency".into(), store.currency()?.code().into());
    doc.insert(key.into(), serde_json::to_value(value)?);
    Ok(serde_json::Value::Object(doc))
}

/// A record as `add`, `edit` and `target` print it: its fields, money in
/// major units as in every other document, and the book's currency at the
/// top beside them (`{"currency": "EUR", "annual_value": 5200.0, …}`).
pub fn record_document<T: serde::Serialize>(store: &Store, rec: &T) -> Result<serde_json::Value> {
    let mut doc = in_major_units(rec)?;
    if let serde_json::Value::Object(map) = &mut doc {
        map.insert("currency".into(), store.currency()?.code().into());
    }
    Ok(doc)
}

/// Records under `key`, each as `record_document` gives it, the currency once at the top.
pub fn records_document<T: serde::Serialize>(store: &Store, key: &str, recs: &[T]) -> Result<serde_json::Value> {
    let list = recs.iter().map(in_major_units).collect::<Result<Vec<_>>>()?;
    money_document(store, key, &list)
}

/// A record as JSON with its money fields, stored in cents, in major units:
/// an account's `annual_value`, a deal's `amount`, and a target's `amount`
/// when it counts revenue (not deals).
fn in_major_units<T: serde::Serialize>(rec: &T) -> Result<serde_json::Value> {
    let mut doc = serde_json::to_value(rec)?;
    let serde_json::Value::Object(map) = &mut doc else { return Ok(doc) };
    let money_amount = map.get("metric").is_none_or(|m| m == "won_revenue");
    for key in ["annual_value", "amount"] {
        if key == "amount" && !money_amount {
            continue;
        }
        if let Some(v) = map.get_mut(key) {
            if let Some(cents) = v.as_i64() {
                *v = (cents as f64 / 100.0).into();
            }
        }
    }
    Ok(doc)
}

/// Prints a value as pretty JSON, escaped for the terminal.
pub fn print_json<T: serde::Serialize>(value: &T) -> Result<()> {
    out::json(value)
}
