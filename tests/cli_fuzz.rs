//! Random command lines against the built binary: random subcommands, flags
//! and values (dates, amounts, ids, names, hostile text, long text, bytes
//! that are not UTF-8), several processes at a time on small databases.
//! Every run must end by itself without a panic and print nothing a
//! terminal would act on; every database must pass `db check` throughout.
//! The seed is fixed, so a failure can be replayed.

mod common;

use clap::CommandFactory;
use rapport::store::{OpenMode, Store};
use std::ffi::OsString;
use std::os::unix::ffi::OsStringExt;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitStatus, Stdio};
use std::time::{Duration, Instant};

const SEED: u64 = 0x7261_7070_6f72_7421;
const WORKERS: usize = 4;
const RUNS_PER_WORKER: usize = 750;
/// `db check` after this many runs of a worker, and at its end.
const CHECK_EVERY: usize = 50;
/// A run taking longer than this is a hang.
const TIMEOUT: Duration = Duration::from_secs(60);

const HOSTILE: &str = "T\x1b]0;owned\x07\x1b[2J\u{9b}31m\u{85}\u{202e}\u{2066}\u{200b}\u{90}x";

/// splitmix64: small, fast and the same everywhere.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    fn chance(&mut self, percent: usize) -> bool {
        self.below(100) < percent
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

/// Values that mean something to some flag, and some that mean nothing.
const VALUES: &[&str] = &[
    "1",
    "2",
    "3",
    "#4",
    "12",
    "0",
    "-1",
    "-0",
    "101",
    "99999999999999999999",
    "1e9",
    "acme",
    "Acme Logistics",
    "bor",
    "Jane Roe",
    "roe",
    "Rae Lindqvist",
    "Sam Moreau",
    "",
    " ",
    "today",
    "tomorrow",
    "yesterday",
    "fri",
    "+3d",
    "-2d",
    "+2w",
    "+1m",
    "2026-12-01",
    "2026-02-30",
    "14:03",
    "2026-11-26T14:03",
    "now",
    "2026Q4",
    "2026",
    "2026-11",
    "FY2027Q1",
    "2026Q5",
    "12,500",
    "12.5k",
    "-50",
    "$1,234.50",
    "1.234",
    "3m",
    "yes",
    "no",
    "call",
    "email",
    "note",
    "meeting",
    "won",
    "lost",
    "proposal",
    "open",
    "resolved",
    "in_progress",
    "critical",
    "low",
    "strategic",
    "key",
    "prospect",
    "churned",
    "rep",
    "lead",
    "manager",
    "company",
    "team",
    "account",
    "won_revenue",
    "new_deals",
    "finance",
    "champion",
    "+1 555 010 2030",
    "020 7946 0123",
    "jane@acme.example",
    "not an email",
    "name",
    "notes",
    "city",
    "--",
    "-",
    "--json",
    "-h",
    "%",
    "'",
    "\"",
    "\\",
    "€",
    "東京",
    "👨\u{200d}👩",
    "\u{202e}evil",
    "a\nb",
    "\t",
];

const WORDS: &[&str] = &[
    "find", "log", "add", "edit", "delete", "done", "undo", "redo", "agenda", "db", "config", "help", "--help", "-V",
    "account", "deal", "backup", "info", "check", "bogus", "",
];

/// A leaf command: the words that name it, its positionals, and its flags
/// with whether each takes a value.
#[derive(Clone)]
struct Leaf {
    path: Vec<String>,
    positionals: Vec<String>,
    flags: Vec<(String, bool)>,
}

fn leaves(cmd: &clap::Command, path: Vec<String>, out: &mut Vec<Leaf>) {
    if cmd.get_subcommands().next().is_none() {
        let positionals = cmd.get_positionals().map(|a| a.get_id().to_string()).collect();
        let flags = cmd
            .get_arguments()
            .filter_map(|a| a.get_long().map(|l| (l.to_string(), a.get_action().takes_values())))
            .filter(|(l, _)| !matches!(l.as_str(), "help" | "version"))
            .collect();
        out.push(Leaf { path, positionals, flags });
        return;
    }
    for sub in cmd.get_subcommands() {
        let mut p = path.clone();
        p.push(sub.get_name().to_string());
        leaves(sub, p, out);
    }
}

/// Any value: one of the list, hostile text, long text, bytes that need not
/// be UTF-8, random characters, or a file name.
fn value(rng: &mut Rng, dir: &Path) -> OsString {
    match rng.below(20) {
        0 => OsString::from(HOSTILE),
        1 => OsString::from(format!("{}{HOSTILE}", rng.pick(VALUES))),
        2 => OsString::from("x".repeat(*rng.pick(&[199, 201, 499, 501, 5000, 70_000]))),
        3 => {
            // Never a NUL (which no argument can hold) nor a slash (so that
            // paths stay in the worker's folder).
            let n = rng.below(12);
            let bytes = (0..n).map(|_| (rng.below(254) + 1) as u8).map(|b| if b == b'/' { b'_' } else { b }).collect();
            OsString::from_vec(bytes)
        }
        4 => {
            let n = rng.below(8);
            (0..n).map(|_| char::from_u32(rng.below(0x3000) as u32).unwrap_or('?')).collect::<String>().into()
        }
        5 => dir.join(format!("file{}.db", rng.below(4))).into_os_string(),
        _ => OsString::from(*rng.pick(VALUES)),
    }
}

/// Values of the right shape for a flag or positional, by its name.
fn plausible(name: &str) -> &'static [&'static str] {
    match name {
        "account" | "parent" | "owner" | "rep" | "manager" | "contact" => {
            &["1", "2", "3", "#4", "acme", "Acme Logistics", "Borealis Systems", "Rae Lindqvist", "Sam Moreau", "roe"]
        }
        "id" => &["1", "2", "3", "4", "5", "6", "7", "8", "9", "10", "12", "20", "#3"],
        "query" => &["acme", "bor", "roe", "555", "jane@", "cobalt mining", "+44 20 7946 0123"],
        "amount" | "value" => &["12,500", "12.5k", "0", "1", "-50", "3m", "1.234", "$99.99"],
        "renewal" | "expected-close" | "due" | "follow-up" | "at" => {
            &["today", "tomorrow", "yesterday", "fri", "+3d", "-2d", "+1m", "2026-12-01", "2027-02-30", "14:03", "now"]
        }
        "tier" => &["strategic", "key", "standard", "gold"],
        "status" => &["prospect", "customer", "churned", "open", "in_progress", "waiting", "resolved"],
        "stage" => &["prospecting", "qualified", "proposal", "negotiation", "won", "lost", "closed"],
        "severity" => &["low", "normal", "high", "critical"],
        "role" => &["decision_maker", "champion", "finance", "other", "manager", "lead", "rep"],
        "scope" => &["company", "team", "rep", "account"],
        "metric" => &["won_revenue", "new_deals", "activities"],
        "kind" => &["call", "email", "meeting", "note", "account", "deal", "conflict", "activity", "target", "rep"],
        "period" => &["2026Q4", "2026", "2026-11", "FY2027Q1", "2026Q5"],
        "probability" => &["0", "35", "35%", "100", "-1", "101"],
        "email" => &["jane@acme.example", "x@y.z", "not an email"],
        "phone" => &["+1 555 010 2030", "020 7946 0123", "call me"],
        "primary" => &["yes", "no", "maybe"],
        "clear" => &["notes", "city", "phone", "owner", "name", "due", "bogus"],
        "limit" | "days" | "accounts" | "seed" => &["1", "3", "7", "0", "-1"],
        "path" => &["copy.db", "copy2.db", "book.db", "missing/copy.db"],
        _ => &["Called about the renewal", "New name", "Rotterdam", "plain text", "a\nb"],
    }
}

fn value_for(rng: &mut Rng, name: &str, dir: &Path) -> OsString {
    if rng.chance(75) {
        OsString::from(*rng.pick(plausible(name)))
    } else {
        value(rng, dir)
    }
}

fn command_line(rng: &mut Rng, leaves: &[Leaf], all_flags: &[String], dir: &Path) -> Vec<OsString> {
    let mut line: Vec<OsString> = Vec::new();
    if rng.chance(10) {
        line.push("--db".into());
        line.push(if rng.chance(50) { dir.join("book.db").into() } else { value(rng, dir) });
    }
    if rng.chance(5) {
        // Words that need not name a command at all.
        for _ in 0..rng.below(4) + 1 {
            line.push(if rng.chance(50) { OsString::from(*rng.pick(WORDS)) } else { value(rng, dir) });
        }
        return line;
    }
    let leaf = rng.pick(leaves);
    let demo = leaf.path[0] == "demo";
    line.extend(leaf.path.iter().map(OsString::from));
    if demo {
        // Never the cockpit, and a small book: the fuzz is about the command line, not the generator.
        line.extend(["--no-open".into(), "--accounts".into(), OsString::from((rng.below(3) + 1).to_string())]);
    }
    for p in &leaf.positionals {
        if rng.chance(95) {
            line.push(value_for(rng, p, dir));
        }
    }
    let mut used = Vec::new();
    for _ in 0..rng.below(5) {
        if leaf.flags.is_empty() || rng.chance(3) {
            // A flag of another command, or none at all.
            line.push(OsString::from(rng.pick(all_flags)));
            continue;
        }
        let (flag, takes) = rng.pick(&leaf.flags).clone();
        // Mostly each flag once (twice is the parser's business, and a quick one).
        if (demo && (flag == "accounts" || flag == "no-open")) || (used.contains(&flag) && rng.chance(90)) {
            continue;
        }
        used.push(flag.clone());
        if takes && rng.chance(10) {
            line.push(format!("--{flag}={}", value_for(rng, &flag, dir).to_string_lossy()).into());
            continue;
        }
        line.push(format!("--{flag}").into());
        if takes || rng.chance(5) {
            line.push(value_for(rng, &flag, dir));
        }
    }
    if rng.chance(5) {
        line.push(value(rng, dir));
    }
    line
}

/// What must never be printed: controls other than a line break, C1,
/// bidi controls and zero-width characters.
fn forbidden(c: char) -> bool {
    (c.is_control() && c != '\n')
        || matches!(c, '\u{200b}'..='\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' | '\u{061c}' | '\u{feff}')
}

struct Run {
    status: ExitStatus,
    stdout: Vec<u8>,
    stderr: Vec<u8>,
}

/// Runs the binary with `args`, its output in files (no pipe can fill up
/// and stall it), killing it after `TIMEOUT`.
fn run(dir: &Path, args: &[OsString]) -> Result<Run, String> {
    let out_path = dir.join("stdout");
    let err_path = dir.join("stderr");
    let mut child = Command::new(env!("CARGO_BIN_EXE_rapport"))
        .args(args)
        .current_dir(dir)
        .env("RAPPORT_DB", dir.join("book.db"))
        .env("HOME", dir.join("home"))
        .env("XDG_DATA_HOME", dir.join("home/data"))
        .env("XDG_CONFIG_HOME", dir.join("home/config"))
        .stdin(Stdio::null())
        .stdout(std::fs::File::create(&out_path).unwrap())
        .stderr(std::fs::File::create(&err_path).unwrap())
        .spawn()
        .map_err(|e| format!("cannot start: {e}"))?;
    let started = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if started.elapsed() > TIMEOUT {
            let _ = child.kill();
            let _ = child.wait();
            return Err(format!("no exit after {TIMEOUT:?}"));
        }
        std::thread::sleep(Duration::from_millis(5));
    };
    Ok(Run { status, stdout: std::fs::read(&out_path).unwrap(), stderr: std::fs::read(&err_path).unwrap() })
}

/// What is wrong with a run, if anything.
fn fault(run: &Run) -> Option<String> {
    let stderr = String::from_utf8_lossy(&run.stderr);
    if run.status.code() == Some(101) || stderr.contains("panicked") {
        return Some(format!("panic: {stderr}"));
    }
    if run.status.code().is_none() {
        return Some(format!("killed by a signal: {:?}", run.status));
    }
    for (name, bytes) in [("stdout", &run.stdout), ("stderr", &run.stderr)] {
        match std::str::from_utf8(bytes) {
            Err(e) => return Some(format!("{name} is not UTF-8 ({e})")),
            Ok(text) => {
                if let Some(c) = text.chars().find(|&c| forbidden(c)) {
                    return Some(format!("{c:?} on {name}: {text:?}"));
                }
            }
        }
    }
    None
}

fn db_check(dir: &Path) -> Option<String> {
    let args: Vec<OsString> = vec!["--db".into(), dir.join("book.db").into(), "db".into(), "check".into()];
    match run(dir, &args) {
        Err(e) => Some(format!("db check: {e}")),
        Ok(r) if !r.status.success() => Some(format!(
            "db check failed: {}{}",
            String::from_utf8_lossy(&r.stdout),
            String::from_utf8_lossy(&r.stderr)
        )),
        Ok(_) => None,
    }
}

/// What a worker found, and how many runs ended with each exit code.
struct Report {
    faults: Vec<String>,
    codes: std::collections::BTreeMap<i32, usize>,
}

fn worker(index: usize, dir: PathBuf, leaves: Vec<Leaf>, all_flags: Vec<String>) -> Report {
    std::fs::create_dir_all(dir.join("home")).unwrap();
    let (store, _) = Store::open(&dir.join("book.db"), OpenMode::Create).unwrap();
    common::seed(&store.with_clock(common::clock()));
    let mut rng = Rng(SEED ^ (index as u64).wrapping_mul(0x1000_0000_01b3));
    let mut faults = Vec::new();
    let mut codes = std::collections::BTreeMap::new();
    for i in 1..=RUNS_PER_WORKER {
        let args = command_line(&mut rng, &leaves, &all_flags, &dir);
        match run(&dir, &args) {
            Err(e) => faults.push(format!("{args:?}: {e}")),
            Ok(r) => {
                *codes.entry(r.status.code().unwrap_or(-1)).or_insert(0) += 1;
                if let Some(f) = fault(&r) {
                    faults.push(format!("{args:?}: {f}"));
                }
            }
        }
        if i % CHECK_EVERY == 0 || i == RUNS_PER_WORKER {
            if let Some(f) = db_check(&dir) {
                faults.push(format!("after run {i} of worker {index}: {f}"));
                break;
            }
        }
        if faults.len() >= 5 {
            break;
        }
    }
    Report { faults, codes }
}

#[test]
fn random_command_lines_never_panic_hang_print_raw_escapes_or_break_the_database() {
    let mut all = Vec::new();
    leaves(&rapport::cli::Cli::command(), Vec::new(), &mut all);
    let mut all_flags: Vec<String> = all.iter().flat_map(|l| l.flags.iter().map(|f| format!("--{}", f.0))).collect();
    all_flags.sort();
    all_flags.dedup();
    all_flags.extend(["--clear", "--db", "--bogus", "-x", "--"].map(String::from));
    let root = tempfile::tempdir().unwrap();
    let handles: Vec<_> = (0..WORKERS)
        .map(|i| {
            let dir = root.path().join(format!("worker{i}"));
            let (leaves, flags) = (all.clone(), all_flags.clone());
            std::thread::spawn(move || worker(i, dir, leaves, flags))
        })
        .collect();
    let reports: Vec<Report> = handles.into_iter().map(|h| h.join().unwrap()).collect();
    let faults: Vec<&String> = reports.iter().flat_map(|r| &r.faults).collect();
    let faults: Vec<&str> = faults.iter().map(|f| f.as_str()).collect();
    assert!(faults.is_empty(), "{} faults, first ones:\n{}", faults.len(), faults.join("\n\n"));
    let mut codes = std::collections::BTreeMap::new();
    for r in &reports {
        for (code, n) in &r.codes {
            *codes.entry(*code).or_insert(0) += n;
        }
    }
    let runs: usize = codes.values().sum();
    assert!(runs >= 2000, "{runs} runs");
    // The fuzz reaches past the parser: many runs succeed, many are refused by the commands themselves.
    let (ok, refused) = (codes.get(&0).copied().unwrap_or(0), codes.get(&1).copied().unwrap_or(0));
    assert!(ok >= runs / 10 && refused >= runs / 10, "exit codes: {codes:?}");
    eprintln!("{runs} runs; exit codes: {codes:?}");
}
