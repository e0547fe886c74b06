//! End to end: the real binary in a real terminal (tmux), driven by keys the
//! way a person would, read back with capture-pane.

use rapport::store::{Account, OpenMode, Store};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

/// The binary under test: the release build when CI names it, else this build's.
fn binary() -> PathBuf {
    std::env::var_os("RAPPORT_E2E_BIN")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_BIN_EXE_rapport")))
}

struct Tmux {
    socket: PathBuf,
}

impl Tmux {
    fn start(dir: &Path, cols: u16, rows: u16) -> Option<Tmux> {
        if Command::new("tmux").arg("-V").output().is_err() {
            // Missing tmux fails the test: only an explicit choice skips it.
            assert!(
                std::env::var_os("RAPPORT_SKIP_E2E").is_some_and(|v| v == "1"),
                "tmux is not installed; install it (`.ci/run` does) or set RAPPORT_SKIP_E2E=1 to skip the end-to-end tests"
            );
            eprintln!("SKIPPED (RAPPORT_SKIP_E2E=1): tmux is not installed");
            return None;
        }
        let t = Tmux { socket: dir.join("tmux.sock") };
        let size = [cols.to_string(), rows.to_string()];
        t.cmd(&["new-session", "-d", "-x", &size[0], "-y", &size[1], "bash --norc --noprofile"]);
        Some(t)
    }

    fn cmd(&self, args: &[&str]) -> String {
        let out = Command::new("tmux").arg("-S").arg(&self.socket).args(args).output().unwrap();
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    fn keys(&self, keys: &[&str]) {
        let mut args = vec!["send-keys"];
        args.extend_from_slice(keys);
        self.cmd(&args);
    }

    fn text(&self, text: &str) {
        self.cmd(&["send-keys", "-l", text]);
    }

    fn screen(&self) -> String {
        self.cmd(&["capture-pane", "-p"])
    }

    fn show(&self, what: &str) -> String {
        self.cmd(&["display", "-p", what]).trim().to_string()
    }

    /// Waits until the screen shows `want`, or fails with what it shows.
    fn wait_for(&self, want: &str) -> String {
        self.wait_until(&format!("{want:?}"), |screen| screen.contains(want))
    }

    /// The screen once `ready` holds for it: a capture may fall between two
    /// frames, so a test waits for the whole of what it reads.
    fn wait_until(&self, what: &str, ready: impl Fn(&str) -> bool) -> String {
        let start = Instant::now();
        loop {
            let screen = self.screen();
            if ready(&screen) {
                return screen;
            }
            assert!(start.elapsed() < Duration::from_secs(20), "waited for {what}; the screen shows:\n{screen}");
            std::thread::sleep(Duration::from_millis(100));
        }
    }
}

impl Drop for Tmux {
    fn drop(&mut self) {
        self.cmd(&["kill-server"]);
    }
}

#[test]
fn lookup_open_and_quit_in_a_real_terminal() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("demo.db");
    let out = Command::new(binary())
        .args(["--db", db.to_str().unwrap(), "demo", "--no-open", "--accounts", "200", "--seed", "7"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));

    // A contact whose name no one else has, to look up by name, and a
    // hostile account name to draw.
    let (contact, account) = {
        let (store, _) = Store::open(&db, OpenMode::Existing).unwrap();
        let rows = store.account_rows().unwrap();
        let mut all = Vec::new();
        for r in &rows {
            for c in store.contacts_of(r.id).unwrap() {
                all.push((c.name.clone(), r.name.clone()));
            }
        }
        let unique = all
            .iter()
            .find(|(name, _)| all.iter().filter(|(n, _)| n == name).count() == 1 && name.is_ascii())
            .cloned()
            .expect("a contact with a unique name");
        let mut evil = Account { name: "\x1b]0;owned\x07Zz Evil\x1b[2J".into(), ..Default::default() };
        store.insert(&mut evil).unwrap();
        unique
    };
    let surname = contact.split_whitespace().last().unwrap().to_string();

    let Some(t) = Tmux::start(dir.path(), 120, 40) else { return };
    let config = dir.path().join("config");
    let command = format!("XDG_CONFIG_HOME={} {} --db {}", config.display(), binary().display(), db.display());
    t.text(&command);
    t.keys(&["Enter"]);
    let first = t.wait_for("1 Portfolio");
    // The queue's pane takes the tab's short name when its counts need the room.
    let queue = first.contains("3 Conflict queue") || first.contains("3 Queue");
    assert!(queue && first.contains("Target tracker"), "{first}");
    assert_eq!(t.show("#{alternate_on}"), "1");

    // Look the account up by its contact's name.
    t.text("/");
    t.wait_for("Look up");
    t.text(&contact.to_lowercase());
    let results = t.wait_for(&account);
    assert!(results.contains("contact:"), "the reason is shown:\n{results}");
    t.keys(&["Enter"]);
    let card = t.wait_for("Contacts");
    assert!(card.contains(&format!("2 {account}")), "the timeline shows the account:\n{card}");
    assert!(card.contains(&surname), "the card lists the contact:\n{card}");

    // The hostile name is plain text, and the window title is untouched.
    t.text("/");
    t.text("zz evil");
    let evil = t.wait_for("Zz Evil");
    assert!(!evil.contains("owned"), "{evil}");
    assert_ne!(t.show("#{pane_title}"), "owned");
    t.keys(&["Escape"]);
    // A lone Esc is told apart from an escape sequence by a pause, as in any terminal program.
    let start = Instant::now();
    while t.screen().contains("Look up") {
        assert!(start.elapsed() < Duration::from_secs(10), "Esc did not close the lookup:\n{}", t.screen());
        std::thread::sleep(Duration::from_millis(100));
    }

    t.text("q");
    let start = Instant::now();
    while t.show("#{pane_current_command}") != "bash" {
        assert!(start.elapsed() < Duration::from_secs(10), "rapport did not quit:\n{}", t.screen());
        std::thread::sleep(Duration::from_millis(100));
    }
    assert_eq!(t.show("#{alternate_on}"), "0", "the normal screen is back");
    t.text("stty -a | head -1; echo shell-ok");
    t.keys(&["Enter"]);
    let shell = t.wait_for("shell-ok\n");
    assert!(!shell.contains("-icanon") && !shell.contains("-echo "), "the terminal is out of raw mode:\n{shell}");
}

#[test]
fn resize_and_sigterm_leave_a_clean_terminal() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("demo.db");
    let out = Command::new(binary())
        .args(["--db", db.to_str().unwrap(), "demo", "--no-open", "--accounts", "40", "--seed", "3"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let Some(t) = Tmux::start(dir.path(), 200, 60) else { return };
    let config = dir.path().join("config");
    t.text(&format!("XDG_CONFIG_HOME={} {} --db {}", config.display(), binary().display(), db.display()));
    t.keys(&["Enter"]);
    let wide = t.wait_for("4 Target tracker");
    assert!(wide.contains("1 Portfolio") && wide.contains("3 Conflict queue"), "{wide}");
    assert!(!wide.contains(" 1 Portfolio   2 Client timeline "), "a grid, not tabs, at 200 columns:\n{wide}");

    t.cmd(&["resize-window", "-x", "80", "-y", "24"]);
    let narrow = t.wait_until("the 80x24 screen with its footer", |s| {
        let rows: Vec<&str> = s.lines().collect();
        s.contains(" 1 Portfolio   2 Client timeline ") && rows.len() == 24 && rows[23].contains("quit")
    });
    // Redrawn for 24 rows: the tab bar near the top, the focused pane's
    // title under it, and the footer's keys on the last row.
    let rows: Vec<&str> = narrow.lines().collect();
    let tabs = rows.iter().position(|l| l.contains(" 1 Portfolio   2 Client timeline ")).unwrap();
    assert!(tabs <= 2, "the tab bar is at the top:\n{narrow}");
    assert!(rows[tabs + 1..].iter().take(2).any(|l| l.contains("Portfolio")), "the pane's title:\n{narrow}");
    assert!(rows.len() == 24 && rows[23].contains("quit"), "the footer is on row 24:\n{narrow}");

    let shell_pid = t.show("#{pane_pid}");
    let pid = String::from_utf8(Command::new("pgrep").args(["-P", &shell_pid]).output().unwrap().stdout).unwrap();
    let pid = pid.trim();
    pid.parse::<u32>().unwrap_or_else(|_| panic!("rapport runs under the shell; pgrep said {pid:?}"));
    assert!(Command::new("kill").args(["-TERM", pid]).status().unwrap().success());
    let start = Instant::now();
    while t.show("#{pane_current_command}") != "bash" {
        assert!(start.elapsed() < Duration::from_secs(10), "rapport ignored SIGTERM:\n{}", t.screen());
        std::thread::sleep(Duration::from_millis(100));
    }
    assert_eq!(t.show("#{alternate_on}"), "0", "the normal screen is back after SIGTERM");
}

#[test]
fn a_closed_terminal_ends_rapport() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("demo.db");
    let out = Command::new(binary())
        .args(["--db", db.to_str().unwrap(), "demo", "--no-open", "--accounts", "20"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let Some(t) = Tmux::start(dir.path(), 100, 30) else { return };
    t.text(&format!("XDG_CONFIG_HOME={} {} --db {}", dir.path().display(), binary().display(), db.display()));
    t.keys(&["Enter"]);
    t.wait_for("1 Portfolio");
    let shell_pid = t.show("#{pane_pid}");
    let pid = String::from_utf8(Command::new("pgrep").args(["-P", &shell_pid]).output().unwrap().stdout).unwrap();
    let pid = pid.trim().to_string();
    pid.parse::<u32>().unwrap_or_else(|_| panic!("rapport runs under the shell; pgrep said {pid:?}"));
    t.cmd(&["kill-server"]);
    wait_gone(&pid);
}

/// Waits until process `pid` has ended (or is a zombie), for at most 10 s.
fn wait_gone(pid: &str) {
    let start = Instant::now();
    while Path::new(&format!("/proc/{pid}")).exists() {
        let state = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
        if state.split_whitespace().nth(2) == Some("Z") {
            break;
        }
        assert!(start.elapsed() < Duration::from_secs(10), "rapport still runs after its terminal closed");
        std::thread::sleep(Duration::from_millis(100));
    }
}

#[test]
fn a_note_typed_when_the_terminal_closes_comes_back_on_the_next_start() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("demo.db");
    let out = Command::new(binary())
        .args(["--db", db.to_str().unwrap(), "demo", "--no-open", "--accounts", "20"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let drafts = dir.path().join("demo.db.drafts.json");
    let launch = format!("XDG_CONFIG_HOME={} {} --db {}", dir.path().display(), binary().display(), db.display());

    let t = Tmux::start(dir.path(), 100, 30).expect("this test needs tmux");
    t.text(&launch);
    t.keys(&["Enter"]);
    t.wait_for("1 Portfolio");
    t.keys(&["l", "c"]);
    t.text("Customer asked for a callback about the renewal");
    t.wait_for("callback about the renewal");
    let shell_pid = t.show("#{pane_pid}");
    let pid = String::from_utf8(Command::new("pgrep").args(["-P", &shell_pid]).output().unwrap().stdout).unwrap();
    let pid = pid.trim().to_string();
    pid.parse::<u32>().unwrap_or_else(|_| panic!("rapport runs under the shell; pgrep said {pid:?}"));
    // Closing the session hangs up the terminal: SIGHUP.
    t.cmd(&["kill-server"]);
    wait_gone(&pid);
    let kept = std::fs::read_to_string(&drafts).expect("the draft is kept beside the database");
    assert!(kept.contains("Customer asked for a callback about the renewal"), "{kept}");
    drop(t);

    let t = Tmux::start(dir.path(), 100, 30).expect("this test needs tmux");
    t.text(&launch);
    t.keys(&["Enter"]);
    t.wait_for("A kept draft");
    t.keys(&["r"]);
    t.wait_for("draft restored");
    t.keys(&["Enter"]);
    t.wait_for("logged call");
    t.keys(&["q"]);
    let start = Instant::now();
    while t.show("#{alternate_on}") != "0" {
        assert!(start.elapsed() < Duration::from_secs(10), "rapport did not quit:\n{}", t.screen());
        std::thread::sleep(Duration::from_millis(100));
    }
    assert!(!drafts.exists(), "a restored draft is not offered again");
    let (store, _) = Store::open(&db, OpenMode::Existing).unwrap();
    let found = store.account_rows().unwrap().iter().any(|a| {
        store
            .timeline(a.id, None, 50)
            .unwrap()
            .iter()
            .any(|i| i.summary == "Customer asked for a callback about the renewal")
    });
    assert!(found, "the restored note was saved");
}
