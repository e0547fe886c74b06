//! `rapport export KIND`: records out as CSV, XLSX or JSON, with the
//! import's field names so that the file imports back unchanged.

use super::list::{self, Filters};
use super::out;
use crate::domain::scope::Resolved;
use crate::interop::export::{self, What};
use crate::interop::{csv_out, ics, vcard, write_file, xlsx};
use crate::store::{ContactCard, ListQuery, OpenFollowUp, Store};
use anyhow::Result;
use clap::{Args, ValueEnum};
use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ExportFormat {
    Csv,
    Xlsx,
    Json,
    /// vCard 3.0, for contacts
    Vcf,
    /// iCalendar to-dos, for follow-ups
    Ics,
}

impl ExportFormat {
    fn ext(self) -> &'static str {
        match self {
            ExportFormat::Csv => "csv",
            ExportFormat::Xlsx => "xlsx",
            ExportFormat::Json => "json",
            ExportFormat::Vcf => "vcf",
            ExportFormat::Ics => "ics",
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
    match (args.format, args.kind) {
        (ExportFormat::Vcf, k) if k != What::Contacts => {
            return Err(super::hinted(
                anyhow::anyhow!("--format vcf is for contacts, not {}", k.as_str()),
                "rapport export contacts --format vcf -o contacts.vcf",
            ))
        }
        (ExportFormat::Ics, k) if k != What::FollowUps => {
            return Err(super::hinted(
                anyhow::anyhow!("--format ics is for follow-ups, not {}", k.as_str()),
                "rapport export follow-ups --format ics -o follow-ups.ics",
            ))
        }
        _ => {}
    }
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
    if matches!(args.format, ExportFormat::Vcf | ExportFormat::Ics) {
        return calendar_or_cards(store, &args, &q, output);
    }
    let table = export::table(store, args.kind, &q, false)?;
    let Some(path) = output else {
        match args.format {
            ExportFormat::Json => {
                super::print_json(&super::money_document(store, args.kind.as_str(), &table.json_rows())?)?
            }
            _ => list::write_csv(&table)?,
        }
        return Ok(ExitCode::SUCCESS);
    };
    let bytes = match args.format {
        ExportFormat::Csv => csv_out::to_string(&table)?.into_bytes(),
        ExportFormat::Vcf | ExportFormat::Ics => unreachable!("vCard and iCalendar are written by calendar_or_cards"),
        ExportFormat::Json => {
            let doc = super::money_document(store, args.kind.as_str(), &table.json_rows())?;
            let mut text = serde_json::to_string_pretty(&doc)?;
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

/// Contacts as vCards or follow-ups as to-dos: the records the filters
/// pick (matched by their `ref`), in the list's order.
fn calendar_or_cards(store: &Store, args: &ExportArgs, q: &ListQuery, output: Option<PathBuf>) -> Result<ExitCode> {
    let refs: Vec<String> = export::refs(store, args.kind, q)?;
    let at = |r: &str| refs.iter().position(|x| x == r);
    let everyone = Resolved { label: "everyone".into(), root: None, reps: None };
    let (text, n) = if args.format == ExportFormat::Vcf {
        let mut cards: Vec<(usize, ContactCard)> = store
            .contact_cards(&everyone)?
            .into_iter()
            .filter_map(|c| at(c.external_ref.as_deref().unwrap_or(&c.contact.meta.uid)).map(|i| (i, c)))
            .collect();
        cards.sort_by_key(|(i, _)| *i);
        let cards: Vec<ContactCard> = cards.into_iter().map(|(_, c)| c).collect();
        (vcard::write(&cards), cards.len())
    } else {
        let mut todos: Vec<(usize, OpenFollowUp)> =
            store.open_follow_ups(&everyone)?.into_iter().filter_map(|f| at(&f.uid).map(|i| (i, f))).collect();
        todos.sort_by_key(|(i, _)| *i);
        let todos: Vec<OpenFollowUp> = todos.into_iter().map(|(_, f)| f).collect();
        (ics::write(&todos, store.clock().now()), todos.len())
    };
    let Some(path) = output else {
        // Byte for byte into a pipe or file; through the sanitiser on a terminal.
        if std::io::stdout().is_terminal() {
            out::data(&text)?;
        } else {
            out::generated(text.as_bytes())?;
        }
        return Ok(ExitCode::SUCCESS);
    };
    write_file(&path, text.as_bytes(), args.force)
        .map_err(|e| super::hinted(e, "pass --force to replace it, or choose another file with -o"))?;
    let what = if args.format == ExportFormat::Vcf { "contact" } else { "follow-up" };
    out::say(&format!(
        "wrote {n} {what}{} to {} ({})",
        if n == 1 { "" } else { "s" },
        path.display(),
        args.format.ext()
    ))?;
    Ok(ExitCode::SUCCESS)
}
