//! Writers killed at random points (SIGKILL) lose nothing they reported:
//! `rapport log`, `add`, `edit`, `undo` and `db backup` run one after
//! another on one file and are killed after a random delay, 300 times
//! times in all. Every write that exited 0 with its output is there
//! afterwards, every backup under its requested name is complete, and
//! `db check` passes on the book and on every backup, throughout.

mod common;

use rapport::store::{OpenMode, Store};
use std::collections::BTreeMap;
use std::os::unix::process::ExitStatusExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::thread::sleep;
use std::time::{Duration, Instant};

/// Kills wanted in total; the run goes on until it has them.
const KILLS: usize = 300;
/// A bound on processes, so a machine where nothing gets killed still ends.
const MAX_RUNS: usize = 2_000;

/// SplitMix64: the same seed gives the same commands and delays.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

fn rapport(db: &Path) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_rapport"));
    c.env_remove("RAPPORT_DB").arg("--db").arg(db).stdin(Stdio::null()).stdout(Stdio::piped()).stderr(Stdio::piped());
    c
}

/// How a run ended.
enum End {
    /// Exited 0 and printed what it did.
    Reported,
    Killed,
}

/// Runs `args`, killing it after `delay` unless it has ended by then
/// (with no delay, it runs to its end).
fn run_and_kill(db: &Path, args: &[String], delay: Option<Duration>) -> (End, Output) {
    let mut child = rapport(db).args(args).spawn().unwrap();
    if let Some(delay) = delay {
        sleep(delay);
        let _ = child.kill();
    }
    let out = child.wait_with_output().unwrap();
    if out.status.signal() == Some(libc::SIGKILL) {
        return (End::Killed, out);
    }
    assert!(
        out.status.success() && !out.stdout.is_empty(),
        "{args:?} failed without being killed: {:?}\n{}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    (End::Reported, out)
}

fn run_to_end(db: &Path, args: &[&str]) -> Output {
    let out = rapport(db).args(args).output().unwrap();
    assert!(out.status.success(), "{args:?}: {}", String::from_utf8_lossy(&out.stderr));
    out
}

fn db_check(db: &Path) {
    let out = rapport(db).args(["db", "check"]).output().unwrap();
    assert!(
        out.status.success(),
        "db check on {}: {}{}",
        db.display(),
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

/// What reported success and so must be found.
#[derive(Default)]
struct Expected {
    logs: Vec<String>,
    adds: Vec<String>,
    /// Per account: every edit that reported, and the last of them.
    edits: BTreeMap<i64, Vec<usize>>,
    /// Accounts that a reported `undo` took back.
    undone: Vec<String>,
    backups: Vec<PathBuf>,
}

#[test]
fn killed_writers_never_lose_a_reported_write_or_damage_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("book.db");
    {
        let (store, _) = Store::open(&db, OpenMode::Create).unwrap();
        common::seed(&store.with_clock(common::clock()));
    }
    let backups = dir.path().join("backups");
    std::fs::create_dir(&backups).unwrap();

    // Delays span a whole run of a writer on this machine, so kills land
    // before, during and after its transaction.
    let mut times: Vec<Duration> = (0..5)
        .map(|i| {
            let started = Instant::now();
            run_to_end(&db, &["log", "#1", &format!("warm-up {i}"), "--kind", "note"]);
            started.elapsed()
        })
        .collect();
    times.sort();
    let span = times[2].as_micros() as u64 * 6 / 5;

    let mut rng = Rng(0x5EED_0007);
    let mut expected = Expected::default();
    let mut possible_backups = Vec::new();
    let mut kills: BTreeMap<&str, usize> = BTreeMap::new();
    let mut runs: BTreeMap<&str, usize> = BTreeMap::new();
    let started = Instant::now();
    let mut n = 0;
    while kills.values().sum::<usize>() < KILLS && n < MAX_RUNS {
        n += 1;
        // One run in four is left to finish, so every command also reports
        // success however slow the machine is.
        let delay = (rng.below(4) != 0).then(|| Duration::from_micros(rng.below(span + 1)));
        let (what, args): (&str, Vec<String>) = match rng.below(100) {
            0..=34 => {
                let account = 1 + rng.below(4);
                (
                    "log",
                    vec!["log".into(), format!("#{account}"), format!("kill log {n}"), "--kind".into(), "note".into()],
                )
            }
            35..=54 => ("add", vec!["add".into(), "account".into(), "--name".into(), format!("Kill Add {n}")]),
            55..=74 => {
                let account = 1 + rng.below(4);
                (
                    "edit",
                    vec!["edit".into(), "account".into(), account.to_string(), "--notes".into(), format!("edit {n}")],
                )
            }
            75..=86 => {
                // The change undo takes back is this one, made to completion first.
                run_to_end(&db, &["add", "account", "--name", &format!("Undo Target {n}")]);
                ("undo", vec!["undo".into()])
            }
            _ => {
                let dest = backups.join(format!("b{n}.db"));
                possible_backups.push(dest.clone());
                ("backup", vec!["db".into(), "backup".into(), dest.display().to_string()])
            }
        };
        *runs.entry(what).or_default() += 1;
        match run_and_kill(&db, &args, delay) {
            (End::Killed, _) => *kills.entry(what).or_default() += 1,
            (End::Reported, _) => match what {
                "log" => expected.logs.push(format!("kill log {n}")),
                "add" => expected.adds.push(format!("Kill Add {n}")),
                "edit" => expected.edits.entry(args[2].parse().unwrap()).or_default().push(n),
                "undo" => expected.undone.push(format!("Undo Target {n}")),
                _ => expected.backups.push(possible_backups.last().unwrap().clone()),
            },
        }
        if n % 50 == 0 {
            db_check(&db);
        }
    }
    let total_kills: usize = kills.values().sum();
    eprintln!(
        "{n} writers in {:.1}s, {total_kills} killed (delays 0–{span} µs): runs {runs:?}, kills {kills:?}",
        started.elapsed().as_secs_f64()
    );
    assert!(total_kills >= KILLS, "only {total_kills} kills in {n} runs");
    for what in ["log", "add", "edit", "undo", "backup"] {
        assert!(kills.get(what).copied().unwrap_or(0) > 0, "no {what} was killed: {kills:?}");
        assert!(runs[what] > kills.get(what).copied().unwrap_or(0), "no {what} ever finished: {kills:?}");
    }

    db_check(&db);
    let conn = rusqlite::Connection::open_with_flags(&db, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY).unwrap();
    let count = |sql: &str, value: &str| -> i64 { conn.query_row(sql, [value], |r| r.get(0)).unwrap() };
    for summary in &expected.logs {
        let found = count("SELECT count(*) FROM activities WHERE summary = ?1 AND deleted_at IS NULL", summary);
        assert_eq!(found, 1, "reported log {summary:?}");
    }
    for name in &expected.adds {
        assert_eq!(count("SELECT count(*) FROM accounts WHERE name = ?1 AND deleted_at IS NULL", name), 1, "{name}");
    }
    for name in &expected.undone {
        assert_eq!(count("SELECT count(*) FROM accounts WHERE name = ?1 AND deleted_at IS NULL", name), 0, "{name}");
    }
    for (account, edits) in &expected.edits {
        for n in edits {
            let logged = count(
                "SELECT count(*) FROM change_log WHERE entity = 'account' AND instr(after, ?1)",
                &format!("\"edit {n}\""),
            );
            assert!(logged >= 1, "reported edit {n} of account {account} is in the change log");
        }
        let notes: String =
            conn.query_row("SELECT notes FROM accounts WHERE id = ?1", [account], |r| r.get(0)).unwrap();
        let now: usize = notes.strip_prefix("edit ").and_then(|n| n.parse().ok()).unwrap();
        assert!(now >= *edits.last().unwrap(), "account {account} holds {notes:?}, older than a reported edit");
    }
    // A backup under its requested name is always whole; a reported one is there.
    for b in &expected.backups {
        assert!(b.exists(), "reported backup {} exists", b.display());
    }
    let mut whole = 0;
    for b in possible_backups.iter().filter(|b| b.exists()) {
        db_check(b);
        let copy = rusqlite::Connection::open_with_flags(b, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY).unwrap();
        let accounts: i64 = copy.query_row("SELECT count(*) FROM accounts", [], |r| r.get(0)).unwrap();
        assert!(accounts >= 4, "{} holds the book", b.display());
        whole += 1;
    }
    eprintln!(
        "{} logs, {} adds, {} edits, {} undos, {} backups reported; {whole} backups on disk, all whole",
        expected.logs.len(),
        expected.adds.len(),
        expected.edits.values().map(Vec::len).sum::<usize>(),
        expected.undone.len(),
        expected.backups.len()
    );
}
