//! `rapport demo`: build a realistic book of business and open it.

use super::out;
use crate::demo::{self, DemoSpec};
use crate::store::{OpenMode, Store};
use anyhow::{anyhow, bail, Context, Result};
use clap::Args;
use std::io::IsTerminal;
use std::os::unix::fs::MetadataExt;
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

/// Which file a check saw (device, inode), so a replace touches that file only.
type FileId = (u64, u64);

pub fn run(db: Option<PathBuf>, args: DemoArgs) -> Result<ExitCode> {
    if !args.no_open {
        // Check before building, not after a minute of work.
        crate::tui::terminal::require_terminal()?;
    }
    // The demo never falls back to $RAPPORT_DB: that is the user's own data.
    let (path, mode) = match db {
        Some(p) => (p, OpenMode::Create),
        None => (super::data_dir()?.join("demo.db"), OpenMode::CreateWithFolders),
    };
    let existing = match std::fs::symlink_metadata(&path) {
        Ok(_) => Some(ensure_demo(&path)?),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
        Err(e) => return Err(anyhow!(e).context(format!("cannot read {}", path.display()))),
    };
    match existing {
        Some(_) if !args.fresh => {
            out::warn(&format!("rapport: reusing the demo database {} (--fresh rebuilds it)", path.display()))
        }
        Some(id) => build(&path, mode, &args, Some(id))?,
        None => {
            refuse_orphans(&path)?;
            build(&path, mode, &args, None)?
        }
    }
    let (store, _) = Store::open(&path, OpenMode::Existing)?;
    if args.no_open {
        let info = store.info()?;
        let counts: Vec<String> = info.counts.iter().map(|(k, v)| format!("{v} {k}")).collect();
        out::say(&format!("demo database {}: {}", path.display(), counts.join(", ")))?;
        return Ok(ExitCode::SUCCESS);
    }
    crate::tui::run(store, false)?;
    Ok(ExitCode::SUCCESS)
}

/// Refuses to reuse or replace a file that is not a demo database. It looks
/// read-only, so a user's database (even of an older schema) is left exactly
/// as it was.
fn ensure_demo(path: &Path) -> Result<FileId> {
    let (store, _) = Store::open(path, OpenMode::ReadOnly)?;
    if store.setting(DEMO_MARK)?.as_deref() != Some("1") {
        return Err(super::hinted(
            anyhow!("{} is not a demo database; rapport demo never writes over other data", path.display()),
            "pass --db with a new file name, or leave --db out to use the demo database in the data folder",
        ));
    }
    let meta = std::fs::metadata(path)?;
    Ok((meta.dev(), meta.ino()))
}

/// A `-wal`, `-shm` or `-journal` with no database beside it belongs to some
/// earlier file; SQLite would apply it to a new file of that name.
fn refuse_orphans(path: &Path) -> Result<()> {
    for side in ["-wal", "-shm", "-journal"] {
        let mut name = path.as_os_str().to_owned();
        name.push(side);
        let orphan = PathBuf::from(name);
        if std::fs::symlink_metadata(&orphan).is_ok() {
            return Err(super::hinted(
                anyhow!(
                    "{} is left from an earlier database at {}; a new database there would take it as its own",
                    orphan.display(),
                    path.display()
                ),
                "move that file away (or pass --db with another file name) and run rapport demo again",
            ));
        }
    }
    Ok(())
}

/// Builds into a new side file and moves it into place when complete, so an
/// interrupted build never leaves a half-made demo behind. With `replace`,
/// the checked demo file is settled and swapped; otherwise the new file only
/// goes where still no file is.
fn build(path: &Path, mode: OpenMode, args: &DemoArgs, replace: Option<FileId>) -> Result<()> {
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    // A fresh name every time: nothing of an earlier build, or of anyone else, is removed.
    let partial = path.with_file_name(format!(".{name}.{}.partial", uuid::Uuid::now_v7().simple()));
    let started = Instant::now();
    // Removed again on every way out but success; declared first, so dropped after the store.
    let partial = tempfile::TempPath::try_from_path(partial)?;
    let (store, _) = Store::open(&partial, mode)?;
    {
        let now = store.clock().now();
        let spec = DemoSpec { accounts: args.accounts as usize, seed: args.seed, today: now.date_naive(), now };
        let tty = std::io::stderr().is_terminal();
        let mut last_step = usize::MAX;
        let mut progress = |stage: &str, done: usize, total: usize| {
            let step = (done * 10).checked_div(total).unwrap_or(10);
            if tty {
                out::progress(&format!("building demo: {stage} {done}/{total}   "));
            } else if step != last_step {
                out::warn(&format!("building demo: {stage} {done}/{total}"));
            }
            last_step = step;
        };
        let summary = demo::generate(&store, &spec, &mut progress)?;
        if tty {
            out::warn("");
        }
        store.set_setting(DEMO_MARK, "1")?;
        // Closing merges the new file's log, so it moves as one file.
        drop(store);
        let counts: Vec<String> = summary.counts.iter().map(|(k, v)| format!("{v} {k}")).collect();
        out::warn(&format!(
            "built {} in {:.1}s: {}",
            path.display(),
            started.elapsed().as_secs_f64(),
            counts.join(", ")
        ));
    }
    if let Some(id) = replace {
        // The old demo's log goes into it (or the replace stops, when it is
        // open elsewhere), so no stale -wal is left for the new file.
        Store::settle(path)?;
        let meta = std::fs::metadata(path).with_context(|| format!("cannot read {}", path.display()))?;
        if (meta.dev(), meta.ino()) != id {
            bail!("{} changed while the demo was being built; it was left as it is", path.display());
        }
        std::fs::remove_file(path).with_context(|| format!("cannot replace {}", path.display()))?;
    }
    partial.persist_noclobber(path).map_err(|e| {
        if e.error.kind() == std::io::ErrorKind::AlreadyExists {
            anyhow!("{} appeared while the demo was being built; it was left as it is", path.display())
        } else {
            anyhow!(e.error).context(format!("cannot move the new demo database to {}", path.display()))
        }
    })?;
    let folder = path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    std::fs::File::open(folder)?.sync_all()?;
    Ok(())
}
