//! `rapport demo`: build a realistic book of business and open it.

use crate::demo::{self, DemoSpec};
use crate::store::{OpenMode, Store};
use anyhow::{bail, Context, Result};
use clap::Args;
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

#[derive(Args, Debug)]
pub struct DemoArgs {
    /// How many accounts (100000 builds the large set used for benchmarks)
    #[arg(long, default_value_t = 300, value_parser = clap::value_parser!(u32).range(1..=1_000_000))]
    pub accounts: u32,
    /// Seed for the generator: the same seed on the same day gives the same data
    #[arg(long, default_value_t = 42)]
    pub seed: u64,
    /// Replace an existing demo database instead of reusing it
    #[arg(long)]
    pub fresh: bool,
    /// Build the database but do not open the cockpit
    #[arg(long)]
    pub no_open: bool,
}

const DEMO_MARK: &str = "demo";

pub fn run(db: Option<PathBuf>, args: DemoArgs) -> Result<ExitCode> {
    // The demo never falls back to $RAPPORT_DB: that is the user's own data.
    let (path, mode) = match db {
        Some(p) => (p, OpenMode::Create),
        None => (super::data_dir()?.join("demo.db"), OpenMode::CreateWithFolders),
    };
    if path.exists() {
        ensure_demo(&path)?;
        if args.fresh {
            remove_database(&path)?;
        } else {
            eprintln!("rapport: reusing the demo database {} (--fresh rebuilds it)", path.display());
        }
    }
    if !path.exists() {
        build(&path, mode, &args)?;
    }
    let (store, _) = Store::open(&path, OpenMode::Existing)?;
    if args.no_open {
        let info = store.info()?;
        let counts: Vec<String> = info.counts.iter().map(|(k, v)| format!("{v} {k}")).collect();
        println!("demo database {}: {}", path.display(), counts.join(", "));
        return Ok(ExitCode::SUCCESS);
    }
    crate::tui::run(store, false)?;
    Ok(ExitCode::SUCCESS)
}

/// Refuses to reuse or replace a file that is not a demo database.
fn ensure_demo(path: &Path) -> Result<()> {
    let (store, _) = Store::open(path, OpenMode::Existing)?;
    if store.setting(DEMO_MARK)?.as_deref() != Some("1") {
        return Err(super::hinted(
            anyhow::anyhow!("{} is not a demo database; rapport demo never writes over other data", path.display()),
            "pass --db with a new file name, or leave --db out to use the demo database in the data folder",
        ));
    }
    Ok(())
}

fn sidecars(path: &Path) -> [PathBuf; 3] {
    let with = |suffix: &str| {
        let mut s = path.as_os_str().to_owned();
        s.push(suffix);
        PathBuf::from(s)
    };
    [path.to_path_buf(), with("-wal"), with("-shm")]
}

fn remove_database(path: &Path) -> Result<()> {
    for f in sidecars(path) {
        match std::fs::remove_file(&f) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => {
                return Err(e).with_context(|| format!("cannot remove {}", f.display()))
            }
            _ => {}
        }
    }
    Ok(())
}

/// Builds into a side file and renames it into place, so an interrupted
/// build never leaves a half-made demo behind.
fn build(path: &Path, mode: OpenMode, args: &DemoArgs) -> Result<()> {
    let mut partial = path.as_os_str().to_owned();
    partial.push(".partial");
    let partial = PathBuf::from(partial);
    remove_database(&partial)?;
    let started = Instant::now();
    {
        let (store, _) = Store::open(&partial, mode)?;
        let now = store.clock().now();
        let spec = DemoSpec { accounts: args.accounts as usize, seed: args.seed, today: now.date_naive(), now };
        let tty = std::io::stderr().is_terminal();
        let mut last_step = usize::MAX;
        let mut progress = |stage: &str, done: usize, total: usize| {
            let step = (done * 10).checked_div(total).unwrap_or(10);
            if tty {
                eprint!("\rbuilding demo: {stage} {done}/{total}   ");
                let _ = std::io::stderr().flush();
            } else if step != last_step {
                eprintln!("building demo: {stage} {done}/{total}");
            }
            last_step = step;
        };
        let summary = demo::generate(&store, &spec, &mut progress)?;
        if tty {
            eprintln!();
        }
        store.set_setting(DEMO_MARK, "1")?;
        let counts: Vec<String> = summary.counts.iter().map(|(k, v)| format!("{v} {k}")).collect();
        eprintln!("built {} in {:.1}s: {}", path.display(), started.elapsed().as_secs_f64(), counts.join(", "));
    }
    std::fs::rename(&partial, path)
        .with_context(|| format!("cannot move the new demo database to {}", path.display()))?;
    if path.exists() {
        Ok(())
    } else {
        bail!("the demo database did not appear at {}", path.display())
    }
}
