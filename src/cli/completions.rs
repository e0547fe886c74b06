//! `rapport completions bash|zsh|fish`: a completion script generated from
//! the command-line definitions, so it never falls behind them.

use super::{out, Cli};
use anyhow::Result;
use clap::{CommandFactory, ValueEnum};
use std::process::ExitCode;

#[derive(Clone, Copy, Debug, ValueEnum)]
pub enum Shell {
    Bash,
    Zsh,
    Fish,
}

pub fn run(shell: Shell) -> Result<ExitCode> {
    let shell = match shell {
        Shell::Bash => clap_complete::Shell::Bash,
        Shell::Zsh => clap_complete::Shell::Zsh,
        Shell::Fish => clap_complete::Shell::Fish,
    };
    let mut script = Vec::new();
    clap_complete::generate(shell, &mut Cli::command(), "rapport", &mut script);
    out::generated(&script)?;
    Ok(ExitCode::SUCCESS)
}
