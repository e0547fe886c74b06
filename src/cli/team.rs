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
    /// Give a rep a login on the team's server (a manager: the owner anyone, another manager reps of their line)
    AddRep(AddRepArgs),
    /// Sync conflicts: values that overwrote one their writer had not seen
    Conflicts {
        #[arg(long)]
        json: bool,
    },
    /// Settle a sync conflict: keep your value (written again as a new change) or theirs
    Resolve {
        /// The conflict's id, from `rapport team conflicts`
        id: i64,
        #[arg(long, value_enum)]
        keep: KeepSide,
    },
    /// The server, the last sync, changes waiting and sync conflicts
    Status {
        #[arg(long)]
        json: bool,
    },
    /// Remove from the server the deleted records every device has pulled past (the manager only)
    Purge {
        /// A device not seen for this many days no longer holds purging back (kept for the team; 30 at first)
        #[arg(long, value_name = "DAYS", value_parser = clap::value_parser!(i32).range(1..=3650))]
        idle_days: Option<i32>,
    },
}

#[derive(clap::ValueEnum, Clone, Copy, Debug)]
pub enum KeepSide {
    Mine,
    Theirs,
}

#[derive(Args, Debug)]
pub struct ServerArgs {
    /// The server: postgres://USER@HOST:PORT/DATABASE[?sslmode=require|verify-full&sslrootcert=CA.crt]; the password comes from PGPASSWORD, ~/.pgpass or a prompt, and is never stored
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
                "shared {} records with the team at {} as {}; give each rep a login with \
                 `rapport team add-rep NAME --login LOGIN`, then they join with `rapport team join --server {}`",
                done.records,
                line(&done.place),
                line(&done.login),
                line(&team::connect::with_user(&args.server, "LOGIN"))
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
        TeamCommand::Conflicts { json } => {
            let store = super::open_for_reading(db)?;
            team::server_url(&store)?;
            let rows = store.sync_conflicts()?;
            if json {
                return super::print_json(&rows).map(|_| ExitCode::SUCCESS);
            }
            if rows.is_empty() {
                out::say("no sync conflicts")?;
            }
            for c in rows {
                out::say(&format!(
                    "#{} {} · {}: kept {} ({}), overwrote {} ({}) · {}",
                    c.id,
                    store.sync_label(&c.entity, &c.uid)?,
                    line(&c.field),
                    line(&team::shown(c.winner_value.as_deref())),
                    line(c.winner_login.as_deref().unwrap_or("?")),
                    line(&team::shown(c.loser_value.as_deref())),
                    line(c.loser_login.as_deref().unwrap_or("?")),
                    line(&c.at)
                ))?;
            }
        }
        TeamCommand::Purge { idle_days } => {
            let store = super::open_for_reading(db)?;
            let done = team::purge(&store, idle_days, &secrets)?;
            out::say(&format!(
                "purged {} deleted record(s) and {} op(s) up to seq {}",
                done.records, done.ops, done.horizon
            ))?;
            if !done.left_behind.is_empty() {
                out::say(&format!(
                    "{} device(s) not seen for {} days or more are behind; each downloads the book again at its next sync",
                    done.left_behind.len(),
                    done.idle_days
                ))?;
            }
        }
        TeamCommand::Resolve { id, keep } => {
            let store = super::open_for_changes(db)?;
            let keep = match keep {
                KeepSide::Mine => team::Keep::Mine,
                KeepSide::Theirs => team::Keep::Theirs,
            };
            out::say(&team::resolve(&store, id, keep)?)?;
        }
        TeamCommand::Status { json } => {
            let store = super::open_for_reading(db)?;
            let st = team::status(&store)?;
            if json {
                return super::print_json(&st).map(|_| ExitCode::SUCCESS);
            }
            let since = st
                .synced_at
                .as_deref()
                .and_then(|t| chrono::DateTime::parse_from_rfc3339(t).ok())
                .map(|t| (store.clock().now() - t.with_timezone(&chrono::Utc)).num_seconds().max(0));
            out::say(&format!("server: {}", line(&st.server)))?;
            out::say(&format!("login:  {}", line(st.login.as_deref().unwrap_or("?"))))?;
            out::say(&crate::domain::hlc::sync_state(
                crate::domain::hlc::Link::Reached(since),
                st.waiting,
                st.conflicts,
            ))?;
            if st.held > 0 {
                out::say(&format!(
                    "{} record(s) from the team cannot be applied here yet; they are tried again at every sync",
                    st.held
                ))?;
            }
        }
        TeamCommand::AddRep(args) => {
            let store = super::open_for_changes(db)?;
            let password = rep_password(args.password_stdin)?;
            team::add_rep(&store, &args.name, &args.login, args.manager.as_deref(), &password, &secrets)?;
            out::say(&format!(
                "{} signs in as {}: `rapport team join --server {}` with that login",
                line(&args.name),
                line(&args.login),
                line(&team::connect::with_user(&team::server_url(&store)?, &args.login))
            ))?;
        }
    }
    Ok(ExitCode::SUCCESS)
}

#[derive(Args, Debug)]
pub struct AddRepArgs {
    /// The rep's name in the book (added when there is none)
    pub name: String,
    /// The database role (login) the rep signs in with
    #[arg(long, value_name = "ROLE")]
    pub login: String,
    /// Their manager's name in the book [default: you]
    #[arg(long, value_name = "NAME")]
    pub manager: Option<String>,
    /// Read the rep's password from the first line of standard input instead of asking
    #[arg(long)]
    pub password_stdin: bool,
}

fn rep_password(from_stdin: bool) -> Result<String> {
    use std::io::IsTerminal;
    if from_stdin {
        let mut line = String::new();
        std::io::stdin().read_line(&mut line)?;
        return Ok(line.trim_end_matches(['\r', '\n']).to_string());
    }
    if !std::io::stdin().is_terminal() {
        return Err(super::hinted(
            anyhow::anyhow!("add-rep: no password given; expected --password-stdin or a terminal to ask on"),
            "echo 'PASSWORD' | rapport team add-rep NAME --login ROLE --password-stdin",
        ));
    }
    let first = rpassword::prompt_password("the rep's password: ")?;
    let again = rpassword::prompt_password("again: ")?;
    if first != again {
        anyhow::bail!("add-rep: the two passwords differ; nothing was changed");
    }
    Ok(first)
}
