//! The command line: argument parsing, database selection, and the
//! `error: … / hint: …` convention. One file per subcommand.

mod add;
mod agenda;
mod db;
mod delete;
mod demo;
mod done;
mod edit;
mod fields;
mod find;
mod log;
mod resolve;
pub mod table;
mod undo;

use crate::store::{OpenMode, Store};
use anyhow::Result;
use clap::{Parser, Subcommand};
use std::fmt;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Parser, Debug)]
#[command(name = "rapport", version, about = "A terminal cockpit for sales account managers", long_about = None)]
pub struct Cli {
    /// The database file [default: $RAPPORT_DB, else rapport.db in the data folder]
    #[arg(long, global = true, value_name = "PATH")]
    pub db: Option<PathBuf>,

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
    /// Database file tools: info, check, backup
    #[command(subcommand)]
    Db(db::DbCommand),
    /// The config file (key bindings)
    #[command(subcommand)]
    Config(ConfigCommand),
}

#[derive(Subcommand, Debug)]
pub enum ConfigCommand {
    /// Print where the config file lives
    Path,
}

/// An error with a suggestion of what to do next.
#[derive(Debug)]
pub struct UserError {
    pub message: String,
    pub hint: String,
}

impl fmt::Display for UserError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for UserError {}

/// Wraps any error with a hint line.
pub fn hinted(err: anyhow::Error, hint: impl Into<String>) -> anyhow::Error {
    anyhow::Error::new(UserError { message: format!("{err:#}"), hint: hint.into() })
}

pub fn main() -> ExitCode {
    // Output piped into `head` or `grep -q` ends quietly, as shell tools do.
    // SAFETY: restoring the default disposition of one signal at start-up, before any thread exists.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
    let cli = Cli::parse();
    match run(cli) {
        Ok(code) => code,
        Err(err) => {
            eprintln!("error: {err:#}");
            if let Some(choose) = err.downcast_ref::<resolve::Ambiguous>() {
                // Which one was meant is the person's call: list them, change nothing.
                eprint!("{}", choose.list);
                eprintln!("hint: {}", choose.hint);
                return ExitCode::from(2);
            }
            if let Some(user) = err.downcast_ref::<UserError>() {
                eprintln!("hint: {}", user.hint);
            }
            ExitCode::FAILURE
        }
    }
}

pub fn run(cli: Cli) -> Result<ExitCode> {
    match cli.command {
        Some(Command::Demo(args)) => demo::run(cli.db, args),
        Some(Command::Find(args)) => find::run(&open_existing(cli.db)?, args),
        Some(Command::Log(args)) => log::run(&open_for_changes(cli.db)?, args),
        Some(Command::Add(cmd)) => add::run(&open_for_changes(cli.db)?, cmd),
        Some(Command::Edit(cmd)) => edit::run(&open_for_changes(cli.db)?, cmd),
        Some(Command::Delete(args)) => delete::run(&open_for_changes(cli.db)?, args),
        Some(Command::Done(args)) => done::run(&open_for_changes(cli.db)?, args),
        Some(Command::Undo) => undo::run(&open_for_changes(cli.db)?, false),
        Some(Command::Redo) => undo::run(&open_for_changes(cli.db)?, true),
        Some(Command::Agenda(args)) => agenda::run(&open_existing(cli.db)?, args),
        Some(Command::Db(cmd)) => db::run(cli.db, cmd),
        Some(Command::Config(ConfigCommand::Path)) => {
            println!("{}", crate::tui::config::path()?.display());
            Ok(ExitCode::SUCCESS)
        }
        None => {
            let (path, mode) = database_path(cli.db)?;
            let store = open(&path, mode)?;
            crate::tui::run(store)?;
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

/// `--db`, else `$RAPPORT_DB`, else the data folder's `rapport.db`. A path the
/// user names must have its folder already; the default folder is created.
pub fn database_path(flag: Option<PathBuf>) -> Result<(PathBuf, OpenMode)> {
    if let Some(p) = flag {
        return Ok((p, OpenMode::Create));
    }
    if let Some(p) = std::env::var_os("RAPPORT_DB").filter(|p| !p.is_empty()) {
        return Ok((PathBuf::from(p), OpenMode::Create));
    }
    Ok((data_dir()?.join("rapport.db"), OpenMode::CreateWithFolders))
}

fn open(path: &std::path::Path, mode: OpenMode) -> Result<Store> {
    let (store, report) = Store::open(path, mode)
        .map_err(|e| hinted(e, "choose a database with --db PATH or the RAPPORT_DB variable"))?;
    if let Some(backup) = &report.backup {
        eprintln!(
            "rapport: upgraded {} from schema {}; the previous file is saved as {}",
            path.display(),
            report.migrated_from.unwrap_or_default(),
            backup.display()
        );
    }
    // Reading commands change nothing: numbers read with another region
    // are brought in line by the next command that writes.
    store.set_default_region(crate::tui::config::default_region()?);
    Ok(store)
}

/// Opens a database that must already exist (commands that only read).
pub fn open_existing(flag: Option<PathBuf>) -> Result<Store> {
    let (path, _) = database_path(flag)?;
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

/// Prints a value as pretty JSON.
pub fn print_json<T: serde::Serialize>(value: &T) -> Result<()> {
    println!("{}", serde_json::to_string_pretty(value)?);
    Ok(())
}
