//! `rapport man`: the manual page (roff), generated from the command-line
//! definitions. `rapport man > rapport.1` installs it anywhere `man` looks.

use super::{out, Cli};
use anyhow::Result;
use clap::CommandFactory;
use std::process::ExitCode;

pub fn run() -> Result<ExitCode> {
    out::generated(page()?.as_bytes())?;
    Ok(ExitCode::SUCCESS)
}

/// The page, its `.TH` title line first as man pages have it: the renderer
/// puts its definition of the apostrophe string (`\*(Aq`) above it, which
/// works as well below it.
fn page() -> Result<String> {
    let mut bytes = Vec::new();
    clap_mangen::Man::new(Cli::command()).render(&mut bytes)?;
    let text = String::from_utf8(bytes)?;
    let mut lines: Vec<&str> = text.lines().collect();
    if let Some(at) = lines.iter().position(|l| l.starts_with(".TH ")) {
        let title = lines.remove(at);
        lines.insert(0, title);
    }
    let mut page = lines.join("\n");
    page.push('\n');
    Ok(page)
}
