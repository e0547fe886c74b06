//! What the command line prints is safe for a terminal: hostile text stored
//! in every kind of record, or given to every flag, never reaches stdout or
//! stderr raw; JSON escapes what could disturb a terminal and still reads
//! back exactly; absurd lengths are refused with short messages; and the
//! messages use the words of the field.

mod common;

use clap::CommandFactory;
use rapport::domain::{ActivityKind, ConflictStatus, Severity};
use rapport::store::{Account, Activity, Conflict, OpenMode, Store};
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

/// A title that retitles the window and clears the screen, then C1 controls,
/// bidi overrides and isolates, a zero-width space and a BEL.
const HOSTILE: &str = "T\x1b]0;owned\x07\x1b[2J\u{9b}31m\u{85}\u{202e}\u{2066}\u{200b}\u{7}\u{90}x";

/// What must never be printed: controls other than a line break (ESC and
/// BEL among them), C1 controls, bidi controls and zero-width characters.
fn forbidden(c: char) -> bool {
    (c.is_control() && c != '\n')
        || matches!(c, '\u{200b}'..='\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' | '\u{061c}' | '\u{feff}')
}

/// The same check on raw bytes, for output that is not UTF-8.
fn check_clean(what: &str, bytes: &[u8]) {
    let text = std::str::from_utf8(bytes).unwrap_or_else(|e| panic!("{what}: output is not UTF-8 ({e})"));
    if let Some(c) = text.chars().find(|&c| forbidden(c)) {
        panic!("{what}: {c:?} reached the terminal in:\n{text:?}");
    }
}

struct Env {
    dir: tempfile::TempDir,
    db: PathBuf,
}

impl Env {
    fn new() -> Env {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("book.db");
        let (store, _) = Store::open(&db, OpenMode::Create).unwrap();
        common::seed(&store.with_clock(common::clock()));
        for sub in ["home", "data", "config"] {
            std::fs::create_dir_all(dir.path().join(sub)).unwrap();
        }
        Env { dir, db }
    }

    fn store(&self) -> Store {
        Store::open(&self.db, OpenMode::Existing).unwrap().0
    }

    fn command(&self) -> Command {
        let mut c = Command::new(env!("CARGO_BIN_EXE_rapport"));
        // Nothing may reach the real home: `demo` and `config` use these folders.
        c.env_remove("RAPPORT_DB")
            .env("HOME", self.dir.path().join("home"))
            .env("XDG_DATA_HOME", self.dir.path().join("data"))
            .env("XDG_CONFIG_HOME", self.dir.path().join("config"))
            .current_dir(self.dir.path())
            .stdin(Stdio::null());
        c
    }

    /// Runs `rapport --db BOOK ARGS…` and checks that both streams are clean.
    fn run(&self, args: &[&str]) -> Output {
        let out = self.command().arg("--db").arg(&self.db).args(args).output().unwrap();
        check_output(args, &out);
        out
    }

    /// Like `run`, and it must succeed.
    fn ok(&self, args: &[&str]) -> String {
        let out = self.run(args);
        assert!(out.status.success(), "{args:?} failed: {}", String::from_utf8_lossy(&out.stderr));
        String::from_utf8(out.stdout).unwrap()
    }
}

fn check_output(args: &[&str], out: &Output) {
    assert_ne!(out.status.code(), Some(101), "{args:?} panicked: {}", String::from_utf8_lossy(&out.stderr));
    check_clean(&format!("stdout of {args:?}"), &out.stdout);
    check_clean(&format!("stderr of {args:?}"), &out.stderr);
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn id_in(json: &str) -> String {
    let v: serde_json::Value = serde_json::from_str(json).unwrap_or_else(|e| panic!("{e}: {json}"));
    v["id"].as_i64().or_else(|| v["activity"]["id"].as_i64()).unwrap().to_string()
}

fn evil(what: &str) -> String {
    format!("Evil {what} {HOSTILE}")
}

/// Ids of the records made with hostile text.
struct Hostile {
    rep: String,
    account: String,
    contact: String,
    deal: String,
    conflict: String,
    target: String,
    follow_up: String,
}

/// Puts hostile text into every text field of every kind of record.
fn inject(env: &Env) -> Hostile {
    let rep = id_in(&env.ok(&["add", "rep", "--name", &evil("rep"), "--json"]));
    env.ok(&["add", "rep", "--name", &evil("junior"), "--manager", &rep, "--json"]);
    let account = id_in(&env.ok(&[
        "add",
        "account",
        "--name",
        &evil("account"),
        "--sector",
        HOSTILE,
        "--city",
        HOSTILE,
        "--country",
        HOSTILE,
        "--website",
        HOSTILE,
        "--notes",
        HOSTILE,
        "--owner",
        &rep,
        "--json",
    ]));
    let contact = id_in(&env.ok(&[
        "add",
        "contact",
        "--account",
        &account,
        "--name",
        &evil("contact one"),
        "--title",
        HOSTILE,
        "--notes",
        HOSTILE,
        "--json",
    ]));
    env.ok(&["add", "contact", "--account", &account, "--name", &evil("contact two"), "--json"]);
    let deal = id_in(&env.ok(&[
        "add",
        "deal",
        "--account",
        &account,
        "--name",
        &evil("deal"),
        "--amount",
        "5k",
        "--product",
        HOSTILE,
        "--json",
    ]));
    let conflict = id_in(&env.ok(&[
        "add",
        "conflict",
        "--account",
        &account,
        "--title",
        &evil("conflict"),
        "--description",
        HOSTILE,
        "--json",
    ]));
    let target = id_in(&env.ok(&[
        "add",
        "target",
        "--scope",
        "account",
        "--account",
        &account,
        "--period",
        "2026Q4",
        "--amount",
        "5k",
        "--json",
    ]));
    let logged = env.ok(&[
        "log",
        &account,
        &evil("call"),
        "--body",
        HOSTILE,
        "--contact",
        &contact,
        "--follow-up",
        "tomorrow",
        "--json",
    ]);
    let v: serde_json::Value = serde_json::from_str(&logged).unwrap();
    let follow_up = v["follow_up"]["id"].as_i64().unwrap().to_string();
    Hostile { rep, account, contact, deal, conflict, target, follow_up }
}

#[test]
fn hostile_text_in_records_never_reaches_the_terminal() {
    let env = Env::new();
    let h = inject(&env);
    // Lists and lookups.
    env.ok(&["find", "evil"]);
    env.ok(&["find", "evil", "--json"]);
    env.ok(&["agenda", "--days", "30"]);
    env.ok(&["agenda", "--days", "30", "--json"]);
    env.ok(&["db", "info"]);
    env.ok(&["db", "check"]);
    // `done` on every timeline entry: events ("is not a follow-up"), the
    // follow-up, then the same follow-up again ("already done").
    let ids: Vec<i64> = {
        let store = env.store();
        let mut ids: Vec<i64> =
            store.timeline(h.account.parse().unwrap(), None, 100).unwrap().iter().map(|a| a.id).collect();
        ids.sort();
        ids
    };
    assert!(ids.len() >= 3, "{ids:?}");
    for id in &ids {
        env.run(&["done", &id.to_string()]);
    }
    let again = env.run(&["done", &h.follow_up]);
    assert!(stderr(&again).contains("already done"), "{}", stderr(&again));
    // A manager cycle names the rep.
    let junior = env.store().reps().unwrap().into_iter().find(|r| r.name.starts_with("Evil junior")).unwrap().id;
    let cycle = env.run(&["edit", "rep", &h.rep, "--manager", &junior.to_string()]);
    assert!(stderr(&cycle).contains("cannot report to themselves"), "{}", stderr(&cycle));
    // Ambiguous names list the candidates.
    let several = env.run(&["log", &h.account, "x", "--contact", "evil contact"]);
    assert_eq!(several.status.code(), Some(2), "{}", stderr(&several));
    env.run(&["add", "account", "--name", "Z", "--owner", "evil"]);
    env.run(&["log", "evil", "x"]);
    // Edits tell what changed, deletes what went; undo and redo say what they did.
    for (kind, id, flag) in [
        ("account", &h.account, "--city"),
        ("contact", &h.contact, "--title"),
        ("deal", &h.deal, "--product"),
        ("conflict", &h.conflict, "--description"),
        ("rep", &h.rep, "--phone"),
        ("activity", &h.follow_up, "--body"),
    ] {
        let value = if flag == "--phone" { "+1 555 010 9999" } else { "plain" };
        env.ok(&["edit", kind, id, flag, value]);
        env.ok(&["undo"]);
        env.ok(&["redo"]);
    }
    env.ok(&["edit", "account", &h.account, "--name", &evil("renamed")]);
    env.ok(&["edit", "account", &h.account, "--name", &evil("renamed")]);
    for (kind, id) in [
        ("target", &h.target),
        ("deal", &h.deal),
        ("conflict", &h.conflict),
        ("contact", &h.contact),
        ("activity", &h.follow_up),
    ] {
        env.ok(&["delete", kind, id]);
        env.ok(&["undo"]);
    }
    // Asked first (the refusal names what hangs off it), then with --yes.
    let refused = env.run(&["delete", "account", &h.account]);
    assert!(!refused.status.success());
    env.ok(&["delete", "account", &h.account, "--yes"]);
    env.ok(&["undo"]);
    // A refused redo names the record that changed since.
    env.ok(&["edit", "account", &h.account, "--city", "Delft"]);
    env.ok(&["undo"]);
    {
        let mut store = env.store();
        store.set_session("cockpit");
        let mut a: Account = store.require(h.account.parse().unwrap()).unwrap();
        a.city = Some("Leiden".into());
        store.update(&mut a).unwrap();
    }
    let refused = env.run(&["redo"]);
    assert!(stderr(&refused).contains("cannot redo"), "{}", stderr(&refused));
    env.ok(&["db", "check"]);
}

/// Every leaf subcommand with the words that name it.
fn leaves(cmd: &clap::Command, path: Vec<String>, out: &mut Vec<(Vec<String>, clap::Command)>) {
    if cmd.get_subcommands().next().is_none() {
        out.push((path, cmd.clone()));
        return;
    }
    for sub in cmd.get_subcommands() {
        let mut p = path.clone();
        p.push(sub.get_name().to_string());
        leaves(sub, p, out);
    }
}

/// Valid arguments for a command, so that a hostile value in one flag gets
/// as far as the check of that flag.
fn baseline(path: &str, dir: &Path) -> Vec<(Option<&'static str>, String)> {
    let s = |v: &str| v.to_string();
    match path {
        "demo" => vec![(Some("no-open"), s("")), (Some("accounts"), s("2"))],
        "find" => vec![(None, s("acme"))],
        "log" => vec![(None, s("1")), (None, s("called"))],
        "add account" | "add rep" => vec![(Some("name"), s("New"))],
        "add contact" => vec![(Some("account"), s("1")), (Some("name"), s("New"))],
        "add deal" => vec![(Some("account"), s("1")), (Some("name"), s("New")), (Some("amount"), s("5"))],
        "add conflict" => vec![(Some("account"), s("1")), (Some("title"), s("New"))],
        "add target" => vec![(Some("period"), s("2026Q4")), (Some("amount"), s("5"))],
        "edit account" => vec![(None, s("1")), (Some("city"), s("Delft"))],
        "edit contact" => vec![(None, s("1")), (Some("title"), s("CEO"))],
        "edit deal" => vec![(None, s("1")), (Some("product"), s("P"))],
        "edit conflict" => vec![(None, s("1")), (Some("description"), s("D"))],
        "edit target" => vec![(None, s("1")), (Some("amount"), s("5k"))],
        "edit rep" => vec![(None, s("4")), (Some("phone"), s("+1 555 010 0000"))],
        "edit activity" => vec![(None, s("1")), (Some("summary"), s("S"))],
        "delete" => vec![(None, s("deal")), (None, s("999"))],
        "done" => vec![(None, s("999"))],
        "db backup" => vec![(None, dir.join("copy.db").display().to_string())],
        _ => vec![],
    }
}

fn command_line(path: &[String], args: &[(Option<&str>, String)]) -> Vec<String> {
    let mut line = path.to_vec();
    // Positionals in order, then flags (a flag without a value is a switch).
    line.extend(args.iter().filter(|(f, _)| f.is_none()).map(|(_, v)| v.clone()));
    for (flag, v) in args {
        if let Some(f) = flag {
            line.push(format!("--{f}"));
            if !v.is_empty() || *f != "no-open" {
                line.push(v.clone());
            }
        }
    }
    line
}

#[test]
fn hostile_text_in_every_flag_never_reaches_the_terminal() {
    let env = Env::new();
    inject(&env);
    let mut all = Vec::new();
    leaves(&rapport::cli::Cli::command(), Vec::new(), &mut all);
    assert!(all.len() >= 20, "{} commands", all.len());
    let mut runs = 0;
    for (path, cmd) in &all {
        let name = path.join(" ");
        let base = baseline(&name, env.dir.path());
        let positionals: Vec<&clap::Arg> = cmd.get_positionals().collect();
        for arg in cmd.get_arguments() {
            let id = arg.get_id().as_str();
            if !arg.get_action().takes_values() || matches!(id, "help" | "version" | "db") {
                continue;
            }
            let mut args = base.clone();
            if arg.is_positional() {
                let index = positionals.iter().position(|p| p.get_id() == arg.get_id()).unwrap();
                match args.iter_mut().filter(|a| a.0.is_none()).nth(index) {
                    Some(a) => a.1 = HOSTILE.to_string(),
                    None => args.push((None, HOSTILE.to_string())),
                }
            } else {
                let long = arg.get_long().unwrap();
                args.retain(|a| a.0 != Some(long));
                args.push((Some(long), HOSTILE.to_string()));
                // The value alone, and the value after a plausible start.
                let mut prefixed = args.clone();
                prefixed.last_mut().unwrap().1 = format!("1{HOSTILE}");
                let line = command_line(path, &prefixed);
                let line: Vec<&str> = line.iter().map(String::as_str).collect();
                env.run(&line);
                runs += 1;
            }
            let line = command_line(path, &args);
            let line: Vec<&str> = line.iter().map(String::as_str).collect();
            env.run(&line);
            runs += 1;
        }
        // The database path itself, for every command.
        let db = env.dir.path().join(format!("{HOSTILE}.db"));
        let line = command_line(path, &base);
        let out = env.command().arg("--db").arg(&db).args(&line).output().unwrap();
        check_output(&[&name, "--db", "HOSTILE"], &out);
        runs += 1;
    }
    assert!(runs >= 100, "{runs} runs");
    // Unknown flags and subcommands are echoed by the parser.
    env.run(&[&format!("--{HOSTILE}")]);
    env.run(&[HOSTILE]);
    env.run(&["find", "acme", &format!("--{HOSTILE}=1")]);
    // Where the config folder is, printed.
    let config = env.dir.path().join(format!("config {HOSTILE}"));
    std::fs::create_dir_all(&config).unwrap();
    let out = env.command().env("XDG_CONFIG_HOME", &config).args(["config", "path"]).output().unwrap();
    check_output(&["config", "path"], &out);
    assert!(out.status.success());
    // A backup to a hostile file name says where it went.
    let out = env.run(&["db", "backup", &format!("{HOSTILE}.bak")]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(String::from_utf8_lossy(&out.stdout).starts_with("backed up"));
    env.ok(&["db", "check"]);
}

/// What python3's json module reads from `text`, written back as JSON.
fn python_reads(text: &str) -> serde_json::Value {
    use std::io::Write;
    let mut child = Command::new("python3")
        .args(["-c", "import json, sys; print(json.dumps(json.load(sys.stdin), ensure_ascii=True))"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("python3 is needed by this test: install it (apt-get install python3)");
    child.stdin.take().unwrap().write_all(text.as_bytes()).unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success(), "python3 could not read the JSON: {}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice(&out.stdout).unwrap()
}

#[test]
fn json_output_escapes_controls_and_bidi_and_reads_back_exactly() {
    let env = Env::new();
    let h = inject(&env);
    let outputs = [
        env.ok(&["find", "evil", "--json"]),
        env.ok(&["agenda", "--days", "30", "--json"]),
        env.ok(&["db", "info", "--json"]),
        env.ok(&["db", "check", "--json"]),
        env.ok(&["edit", "account", &h.account, "--notes", &format!("{HOSTILE}\nline two"), "--json"]),
        env.ok(&["add", "conflict", "--account", &h.account, "--title", &evil("json"), "--json"]),
        env.ok(&["log", &h.account, &evil("logged"), "--body", HOSTILE, "--json"]),
    ];
    for text in &outputs {
        // `ok` checked the bytes hold no such character; both parsers agree.
        let ours: serde_json::Value = serde_json::from_str(text).unwrap();
        assert_eq!(python_reads(text), ours, "{text}");
        assert!(text.contains("\\u001b") || text.contains("\"ok\"") || text.contains("\"path\""), "{text}");
    }
    // The stored text comes back whole, escapes and all.
    let account: serde_json::Value = serde_json::from_str(&outputs[4]).unwrap();
    assert_eq!(account["name"], evil("account"));
    assert_eq!(account["notes"], format!("{HOSTILE}\nline two"));
    assert!(outputs[4].contains("\\u202e") && outputs[4].contains("\\u0085") && outputs[4].contains("\\u2066"));
    let conflict: serde_json::Value = serde_json::from_str(&outputs[5]).unwrap();
    assert_eq!(conflict["title"], evil("json"));
    let logged: serde_json::Value = serde_json::from_str(&outputs[6]).unwrap();
    assert_eq!(logged["activity"]["body"], HOSTILE);
    let found: serde_json::Value = serde_json::from_str(&outputs[0]).unwrap();
    assert_eq!(found["accounts"][0]["name"], evil("account"));
}

fn long(n: usize) -> String {
    "q".repeat(n)
}

#[test]
fn absurd_lengths_are_refused_with_short_messages_and_change_nothing() {
    let env = Env::new();
    let activities = |env: &Env| env.store().timeline_len(1).unwrap();
    let before = activities(&env);

    let out = env.run(&["find", &long(100 * 1024)]);
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(err.starts_with("error: the query is 102,400 characters long; at most 200 are allowed"), "{err}");
    assert!(err.len() < 400, "{} bytes on stderr", err.len());

    let out = env.run(&["log", "1", &long(100 * 1024)]);
    assert!(!out.status.success());
    let err = stderr(&out);
    assert!(err.contains("the text of what happened is 102,400 characters long; at most 500"), "{err}");
    assert!(err.len() < 400, "{} bytes on stderr", err.len());
    let out = env.run(&["log", "1", "Call", "--body", &long(70_000)]);
    assert!(stderr(&out).contains("--body is 70,000 characters long; at most 65,536"), "{}", stderr(&out));
    assert_eq!(activities(&env), before, "nothing was logged");
    env.ok(&["log", "1", &long(500), "--body", &long(65_536)]);
    assert_eq!(activities(&env), before + 1);

    let out = env.run(&["add", "account", "--name", &long(501)]);
    assert!(stderr(&out).contains("--name is 501 characters long; at most 500 are allowed"), "{}", stderr(&out));
    let out = env.run(&["edit", "account", "1", "--notes", &long(65_537)]);
    assert!(stderr(&out).contains("--notes is 65,537 characters long"), "{}", stderr(&out));
    assert_eq!(env.store().require::<Account>(1).unwrap().notes, None);
    env.ok(&["add", "account", "--name", &long(500)]);

    // Arguments echoed in errors are cut to a preview.
    for args in [
        vec!["add", "account", "--name", "X", "--tier", &long(300)],
        vec!["add", "deal", "--account", "1", "--name", "X", "--amount", &long(300)],
        vec!["add", "account", "--name", "X", "--renewal", &long(300)],
        vec!["add", "deal", "--account", "1", "--name", "X", "--amount", "1", "--probability", &long(300)],
        vec!["add", "account", "--name", "X", "--owner", &long(300)],
        vec!["log", "1", "x", "--kind", &long(5000)],
        vec!["log", "1", "x", "--at", &long(300)],
        vec!["log", &"z".repeat(150), "x"],
        vec!["find", &"z".repeat(150)],
        vec!["done", &long(5000)],
        vec![&long(5000)],
    ] {
        let out = env.run(&args);
        assert!(!out.status.success(), "{args:?}");
        let err = stderr(&out);
        assert!(err.len() < 600, "{} bytes on stderr for {:?}: {err}", err.len(), &args[..args.len() - 1]);
        assert!(err.contains("… ("), "{err}");
    }

    // An empty query is a mistake, not a search.
    for q in ["", "   "] {
        let out = env.run(&["find", q]);
        assert_eq!(out.status.code(), Some(1));
        let err = stderr(&out);
        assert!(err.starts_with("error: the query is empty"), "{err}");
        assert!(err.contains("\nhint: "), "{err}");
        assert!(!err.contains("no account matches"), "{err}");
    }
}

#[test]
fn the_store_refuses_overlong_text_whoever_writes_it() {
    // The cockpit writes through the store: the same limits hold there.
    let (store, ids) = common::store();
    let mut a = Account { name: long(501), ..Default::default() };
    let err = store.insert(&mut a).unwrap_err().to_string();
    assert_eq!(err, "account name is 501 characters long; at most 500 are allowed");
    let mut acme: Account = store.require(ids.acme).unwrap();
    acme.notes = Some("n".repeat(65_537));
    let err = store.update(&mut acme).unwrap_err().to_string();
    assert!(err.starts_with("account notes is 65,537 characters long"), "{err}");
    assert_eq!(store.require::<Account>(ids.acme).unwrap().notes, None);
    let mut act = Activity {
        account_id: ids.acme,
        kind: ActivityKind::Note,
        occurred_at: "2026-11-26T10:00:00Z".into(),
        summary: "ok".into(),
        body: Some("b".repeat(65_536)),
        ..Default::default()
    };
    store.insert(&mut act).unwrap();
    // Events quoting a title of the longest allowed are cut to fit.
    let c = store
        .open_conflict(Conflict {
            account_id: ids.acme,
            title: "t".repeat(500),
            severity: Severity::Low,
            status: ConflictStatus::Open,
            ..Default::default()
        })
        .unwrap();
    store.escalate_conflict(c.meta.id).unwrap();
    let events = store.timeline(ids.acme, None, 10).unwrap();
    assert!(events.iter().any(|e| e.summary.chars().count() == 500 && e.summary.ends_with('…')), "{events:?}");
}

#[test]
fn messages_use_the_fields_words_and_take_negative_numbers_as_values() {
    let env = Env::new();
    let refused = |args: &[&str], want: &str| {
        let out = env.run(args);
        assert_eq!(out.status.code(), Some(1), "{args:?}: {}", stderr(&out));
        let err = stderr(&out);
        assert!(err.contains(want), "{args:?}: wanted {want:?} in:\n{err}");
        err
    };
    refused(
        &["add", "account", "--name", "X", "--status", "lead"],
        "error: --status: 'lead' is not an account status; expected prospect, customer or churned",
    );
    refused(
        &["add", "account", "--name", "X", "--tier", "gold"],
        "'gold' is not a tier; expected strategic, key or standard",
    );
    refused(&["edit", "deal", "1", "--stage", "closed"], "'closed' is not a deal stage; expected prospecting, ");
    refused(&["add", "contact", "--account", "1", "--name", "X", "--role", "boss"], "'boss' is not a contact role");
    // Where negatives are refused, no example offers one.
    for amount in ["-5", "abc", "1.234"] {
        let err = refused(&["add", "deal", "--account", "1", "--name", "X", "--amount", amount], "--amount: ");
        assert!(!err.contains("-50"), "{err}");
        assert!(err.contains("expected an amount of zero or more"), "{err}");
    }
    let err = refused(&["edit", "account", "1", "--value", "-1k"], "'-1k' is negative");
    assert!(!err.contains("-50"), "{err}");
    // A negative probability is a value out of range, not an unknown flag.
    for p in ["-1", "101"] {
        refused(
            &["add", "deal", "--account", "1", "--name", "X", "--amount", "1", "--probability", p],
            &format!("--probability: '{p}' is out of range; expected a whole number from 0 to 100"),
        );
    }
    refused(&["edit", "deal", "1", "--probability", "-5"], "'-5' is out of range");
}

#[test]
fn without_a_terminal_the_cockpit_says_what_to_do() {
    let env = Env::new();
    let out = env.run(&[]);
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(
        err.starts_with("error: the cockpit needs a terminal; use a command such as `rapport find`\nhint: "),
        "{err}"
    );
    assert!(!err.contains("os error"), "{err}");
    // The demo says so before building anything.
    let demo = env.dir.path().join("demo.db");
    let out = env.command().arg("--db").arg(&demo).args(["demo", "--accounts", "2"]).output().unwrap();
    check_output(&["demo"], &out);
    assert!(stderr(&out).starts_with("error: the cockpit needs a terminal"), "{}", stderr(&out));
    assert!(!demo.exists());
}
