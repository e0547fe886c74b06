//! `rapport db info|check|backup`.

use super::out::{self, say};
use super::table::{Align, Table};
use anyhow::Result;
use clap::{Args, Subcommand};
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Subcommand, Debug)]
pub enum DbCommand {
    /// Path, schema version, size and the number of records of each kind
    Info(InfoArgs),
    /// Integrity and foreign-key checks; exits non-zero on any problem
    Check(InfoArgs),
    /// Write a consistent copy of the database to a new file
    Backup {
        /// Where to write the copy (must not exist)
        path: PathBuf,
    },
}

#[derive(Args, Debug)]
pub struct InfoArgs {
    /// Print JSON instead of text
    #[arg(long)]
    pub json: bool,
}

pub fn run(db: Option<PathBuf>, cmd: DbCommand) -> Result<ExitCode> {
    // Reading the file never changes it, not even its mode or side files.
    let store = super::open_read_only(db)?;
    match cmd {
        DbCommand::Info(args) => {
            let info = store.info()?;
            if args.json {
                let counts: serde_json::Map<String, serde_json::Value> =
                    info.counts.iter().map(|(k, v)| (k.clone(), (*v).into())).collect();
                super::print_json(&serde_json::json!({
                    "path": info.path,
                    "schema_version": info.schema_version,
                    "size_bytes": info.size_bytes,
                    "counts": counts,
                    "changes_logged": info.changes_logged,
                }))?;
            } else {
                say(&format!("path        {}", crate::domain::sanitize::line(&info.path)))?;
                say(&format!("schema      {}", info.schema_version))?;
                say(&format!("size        {:.1} MB ({} bytes)", info.size_bytes as f64 / 1e6, info.size_bytes))?;
                say(&format!("changes     {} logged", info.changes_logged))?;
                let mut t = Table::new(&[("records", Align::Left), ("count", Align::Right)]);
                for (k, v) in &info.counts {
                    t.row(vec![k.clone(), v.to_string()]);
                }
                out::print(&t.render())?;
            }
            Ok(ExitCode::SUCCESS)
        }
        DbCommand::Check(args) => {
            let problems = store.check()?;
            if args.json {
                super::print_json(&serde_json::json!({ "ok": problems.is_empty(), "problems": problems }))?;
            } else if problems.is_empty() {
                say(&format!("ok: {} passed integrity, foreign-key and consistency checks", store.path().display()))?;
            } else {
                for p in &problems {
                    out::warn(&format!("problem: {}: {}", p.check, p.detail));
                }
                out::warn(&format!("error: {} problems found in {}", problems.len(), store.path().display()));
            }
            Ok(if problems.is_empty() { ExitCode::SUCCESS } else { ExitCode::FAILURE })
        }
        DbCommand::Backup { path } => {
            store.backup(&path)?;
            say(&format!("backed up {} to {}", store.path().display(), path.display()))?;
            Ok(ExitCode::SUCCESS)
        }
    }
}
