//! `rapport export KIND`: records out as CSV, XLSX or JSON, with the
//! import's field names so that the file imports back unchanged.

use super::list::{self, Filters};
use super::out;
use crate::interop::export::{self, What};
use crate::interop::{csv_out, write_file, xlsx};
use crate::store::Store;
use anyhow::Result;
use clap::{Args, ValueEnum};
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ExportFormat {
    Csv,
    Xlsx,
    Json,
}

impl ExportFormat {
    fn ext(self) -> &'static str {
        match self {
            ExportFormat::Csv => "csv",
            ExportFormat::Xlsx => "xlsx",
            ExportFormat::Json => "json",
        }
    }
}

#[derive(Args, Debug)]
pub struct ExportArgs {
    /// What to export
    #[arg(value_enum)]
    pub kind: What,
    #[command(flatten)]
    pub filters: Filters,
    /// The file format
    #[arg(long, value_enum, default_value = "csv")]
    pub format: ExportFormat,
    /// The file to write [default: standard output for csv and json; KIND-YYYY-MM-DD.xlsx here for xlsx]
    #[arg(short = 'o', long = "output", value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Replace the file if it exists
    #[arg(long)]
    pub force: bool,
}

pub fn run(store: &Store, args: ExportArgs) -> Result<ExitCode> {
    let q = list::query(store, args.kind, &args.filters)?;
    let output = args.output.clone().or_else(|| {
        (args.format == ExportFormat::Xlsx)
            .then(|| PathBuf::from(export::default_name(args.kind.as_str(), store.clock().today(), "xlsx")))
    });
    // Refused before anything is read: the person learns about the file first.
    if let Some(path) = &output {
        if !args.force && std::fs::symlink_metadata(path).is_ok() {
            return Err(super::hinted(
                anyhow::anyhow!("{} exists already; nothing was written", path.display()),
                "pass --force to replace it, or choose another file with -o",
            ));
        }
    }
    let table = export::table(store, args.kind, &q, false)?;
    let Some(path) = output else {
        match args.format {
            ExportFormat::Json => super::print_json(&table.json_rows())?,
            _ => list::write_csv(&table)?,
        }
        return Ok(ExitCode::SUCCESS);
    };
    let bytes = match args.format {
        ExportFormat::Csv => csv_out::to_string(&table)?.into_bytes(),
        ExportFormat::Json => {
            let mut text = serde_json::to_string_pretty(&table.json_rows())?;
            text.push('\n');
            text.into_bytes()
        }
        ExportFormat::Xlsx => xlsx::to_bytes(&[(args.kind.as_str(), &table)])?,
    };
    write_file(&path, &bytes, args.force)
        .map_err(|e| super::hinted(e, "pass --force to replace it, or choose another file with -o"))?;
    let n = table.rows.len();
    out::say(&format!(
        "wrote {n} {} to {} ({})",
        if n == 1 { "record" } else { "records" },
        path.display(),
        args.format.ext()
    ))?;
    Ok(ExitCode::SUCCESS)
}
