//! `rapport team init|join`: share this book with a team through a
//! PostgreSQL server, or bring the team's book to this laptop.

use super::out;
use crate::domain::sanitize::line;
use crate::team::{self, connect::Secrets};
use anyhow::Result;
use clap::{Args, Subcommand};
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Subcommand, Debug)]
pub enum TeamCommand {
    /// Make this book the team's: create rapport's schema on an empty PostgreSQL database and upload the book (the manager, once)
    Init(ServerArgs),
    /// Bring the team's book into a new (or empty) local file
    Join(ServerArgs),
}

#[derive(Args, Debug)]
pub struct ServerArgs {
    /// The server: postgres://USER@HOST:PORT/DATABASE[?sslmode=require]; the password comes from PGPASSWORD, ~/.pgpass or a prompt, and is never stored
    #[arg(long, value_name = "URL")]
    pub server: String,
}

pub fn run(db: Option<PathBuf>, cmd: TeamCommand) -> Result<ExitCode> {
    let secrets = Secrets::from_env();
    match cmd {
        TeamCommand::Init(args) => {
            let store = super::open_for_changes(db)?;
            let done = team::init(&store, &args.server, &secrets).map_err(|e| {
                super::hinted(e, "name an empty PostgreSQL database your login may create roles in (createdb TEAM)")
            })?;
            out::say(&format!(
                "shared {} records with the team at {} as {}; reps join with `rapport team join --server {}`",
                done.records,
                line(&done.place),
                line(&done.login),
                line(&team::connect::public_url(&args.server))
            ))?;
        }
        TeamCommand::Join(args) => {
            let (path, mode) = super::database_path(db)?;
            if mode == crate::store::OpenMode::CreateWithFolders {
                if let Some(parent) = path.parent() {
                    use std::os::unix::fs::DirBuilderExt;
                    std::fs::DirBuilder::new().recursive(true).mode(0o700).create(parent)?;
                }
            }
            let done = team::join(&path, &args.server, &secrets)?;
            out::say(&format!(
                "joined the team at {} as {}: {} records in {}; `rapport sync` keeps it in step",
                line(&done.place),
                line(&done.login),
                done.records,
                line(&path.display().to_string())
            ))?;
        }
    }
    Ok(ExitCode::SUCCESS)
}
