//! A newcomer's first commands: `--demo`, what a missing database says,
//! `RAPPORT_DB` through the parser, shell completions and the man page. The
//! built binary on temp data and config folders, never the real home.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// A home of one's own: data, config and HOME all in a temp folder (with a
/// space and an apostrophe in the data folder's name, so printed shell lines
/// must quote it).
struct Home {
    dir: tempfile::TempDir,
}

impl Home {
    fn new() -> Home {
        Home { dir: tempfile::tempdir().unwrap() }
    }

    fn data(&self) -> PathBuf {
        self.dir.path().join("data home's")
    }

    fn default_db(&self) -> PathBuf {
        self.data().join("rapport").join("rapport.db")
    }

    fn demo_db(&self) -> PathBuf {
        self.data().join("rapport").join("demo.db")
    }

    fn bin(&self) -> Command {
        self.command(env!("CARGO_BIN_EXE_rapport"))
    }

    /// A program run in this home.
    fn command(&self, program: &str) -> Command {
        let mut c = Command::new(program);
        c.env_remove("RAPPORT_DB")
            .env_remove("RAPPORT_NOW")
            .env("HOME", self.dir.path())
            .env("XDG_DATA_HOME", self.data())
            .env("XDG_CONFIG_HOME", self.dir.path().join("config"))
            .env("TZ", "UTC");
        c
    }

    fn run(&self, args: &[&str]) -> Output {
        self.bin().args(args).output().unwrap()
    }

    /// Builds a small demo database the way the README says, without the cockpit.
    fn build_demo(&self) -> Output {
        let out = self.run(&["demo", "--no-open", "--accounts", "20"]);
        assert!(out.status.success(), "{}", stderr(&out));
        out
    }
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// The value of the `hint:` line.
fn hint(o: &Output) -> String {
    let err = stderr(o);
    err.lines().find_map(|l| l.strip_prefix("hint: ")).unwrap_or_else(|| panic!("no hint in: {err}")).to_string()
}

/// Runs a shell line with `sh`, as a person pasting it would.
fn sh(home: &Home, line: &str) -> Output {
    home.command("sh")
        .args(["-c", line])
        .env("RAPPORT", env!("CARGO_BIN_EXE_rapport"))
        .output()
        .unwrap_or_else(|e| panic!("sh is needed by this test: {e}"))
}

#[test]
fn a_missing_default_database_points_to_the_demo_and_never_to_filling_it() {
    let home = Home::new();
    // Before any demo: build one, then --demo.
    let out = home.run(&["find", "acme"]);
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(err.starts_with(&format!("error: no database at {} yet\n", home.default_db().display())), "{err}");
    let h = hint(&out);
    assert!(h.contains("`rapport demo` builds a demo database") && h.contains("--demo"), "{h}");
    assert!(!err.contains("--db"), "never suggests writing the demo into the default path: {err}");
    assert!(stdout(&out).is_empty());
    assert!(!home.default_db().exists() && !home.demo_db().exists());

    // `rapport demo` says how to use it from the shell.
    let built = home.build_demo();
    let said = stderr(&built);
    let export = format!("export RAPPORT_DB='{}'", home.demo_db().display().to_string().replace('\'', "'\\''"));
    assert!(
        said.contains(&format!("from the shell: `rapport --demo find NAME` (any command takes --demo), or `{export}`")),
        "{said}"
    );

    // After it, every command that needs a database prints the exact export line.
    for args in [&["find", "a"][..], &["agenda"], &["log", "acme", "called"], &["db", "info"], &["undo"]] {
        let out = home.run(args);
        assert!(!out.status.success(), "{args:?}");
        let err = stderr(&out);
        assert!(err.contains("no database at"), "{args:?}: {err}");
        assert!(hint(&out).starts_with(&format!("{export} uses the demo database")), "{args:?}: {err}");
        assert!(!err.contains("--db"), "{args:?}: {err}");
    }
    assert!(!home.default_db().exists(), "nothing was created at the default path");

    // The export line, pasted into a shell, reaches the demo; so does --demo.
    let with_demo = home.run(&["--demo", "find", "a", "--limit", "5"]);
    assert!(with_demo.status.success(), "{}", stderr(&with_demo));
    assert!(stdout(&with_demo).lines().count() > 1, "{}", stdout(&with_demo));
    let pasted = sh(&home, &format!("{export} && \"$RAPPORT\" find a --limit 5"));
    assert!(pasted.status.success(), "{}", stderr(&pasted));
    assert_eq!(stdout(&pasted), stdout(&with_demo));
    // --demo after the subcommand too, as with --db.
    let info = home.run(&["db", "info", "--demo"]);
    assert!(stdout(&info).contains(&home.demo_db().display().to_string()), "{}", stdout(&info));
}

#[test]
fn demo_without_a_demo_database_says_how_to_build_one_and_creates_nothing() {
    let home = Home::new();
    for args in [&["--demo", "find", "acme"][..], &["--demo", "agenda"], &["--demo", "log", "acme", "x"]] {
        let out = home.run(args);
        assert_eq!(out.status.code(), Some(1), "{args:?}");
        let err = stderr(&out);
        assert!(
            err.starts_with(&format!("error: --demo: no demo database at {} yet\n", home.demo_db().display())),
            "{err}"
        );
        assert!(hint(&out).starts_with("build it with `rapport demo`"), "{err}");
    }
    assert!(!home.data().exists(), "no folder, no file was made");
}

#[test]
fn demo_and_db_together_are_refused_but_demo_wins_over_rapport_db() {
    let home = Home::new();
    home.build_demo();
    let other = home.dir.path().join("mine.db");
    let out = home.bin().arg("--demo").arg("--db").arg(&other).args(["find", "a"]).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).starts_with("error: --demo and --db both name a database"), "{}", stderr(&out));
    assert!(!other.exists());

    // A RAPPORT_DB set for the shell does not stand in the way of --demo.
    let out = home.bin().env("RAPPORT_DB", &other).args(["--demo", "db", "info"]).output().unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stdout(&out).contains(&home.demo_db().display().to_string()));
    assert!(!other.exists());
}

#[test]
fn rapport_db_comes_through_the_parser_and_help_names_it() {
    let home = Home::new();
    home.build_demo();
    let help = stdout(&home.run(&["--help"]));
    assert!(help.contains("--db <PATH>") && help.contains("[env: RAPPORT_DB"), "{help}");
    assert!(help.contains("--demo"), "{help}");

    let demo = home.demo_db();
    let out = home.bin().env("RAPPORT_DB", &demo).args(["db", "info"]).output().unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stdout(&out).contains(&demo.display().to_string()), "{}", stdout(&out));

    // --db wins over the variable.
    let missing = home.dir.path().join("missing.db");
    let out = home.bin().env("RAPPORT_DB", &demo).arg("--db").arg(&missing).args(["db", "info"]).output().unwrap();
    assert!(stderr(&out).contains(&format!("no database at {}", missing.display())), "{}", stderr(&out));

    // An empty variable is as good as unset; an empty --db is refused.
    let out = home.bin().env("RAPPORT_DB", "").args(["find", "a"]).output().unwrap();
    assert!(stderr(&out).contains(&format!("no database at {} yet", home.default_db().display())), "{}", stderr(&out));
    let out = home.run(&["--db", "", "find", "a"]);
    assert!(stderr(&out).starts_with("error: --db: expected a file path, got an empty value"), "{}", stderr(&out));
}

#[test]
fn rapport_demo_never_builds_into_rapport_db() {
    let home = Home::new();
    let mine = home.dir.path().join("mine.db");
    let out = home.bin().env("RAPPORT_DB", &mine).args(["demo", "--no-open", "--accounts", "5"]).output().unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(!mine.exists(), "the user's own database path was left alone");
    assert!(home.demo_db().exists());
    assert!(stdout(&out).starts_with(&format!("demo database {}", home.demo_db().display())), "{}", stdout(&out));
}

/// The subcommands, as the parser knows them.
fn subcommands() -> Vec<String> {
    use clap::CommandFactory;
    rapport::cli::Cli::command().get_subcommands().map(|c| c.get_name().to_string()).collect()
}

#[test]
fn bash_completion_names_the_subcommands_and_is_valid_bash() {
    let home = Home::new();
    let out = home.run(&["completions", "bash"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let script = stdout(&out);
    assert!(script.contains("complete -F _rapport"), "{}", &script[..200.min(script.len())]);
    let names = subcommands();
    assert!(names.len() >= 15 && names.iter().any(|n| n == "completions") && names.iter().any(|n| n == "man"));
    for name in &names {
        assert!(script.contains(&format!("rapport,{name})")), "bash completion lacks {name}");
    }
    assert!(script.contains("--demo") && script.contains("--db"));

    let file = home.dir.path().join("rapport.bash");
    fs::write(&file, &out.stdout).unwrap();
    let check = Command::new("bash")
        .arg("-n")
        .arg(&file)
        .output()
        .expect("bash is needed by this test: install it (apt-get install bash)");
    assert!(check.status.success(), "bash -n refused the script: {}", stderr(&check));
}

#[test]
fn zsh_and_fish_completions_are_generated_and_other_shells_refused() {
    let home = Home::new();
    let zsh = stdout(&home.run(&["completions", "zsh"]));
    assert!(zsh.starts_with("#compdef rapport\n"), "{}", &zsh[..100.min(zsh.len())]);
    let fish = stdout(&home.run(&["completions", "fish"]));
    for name in subcommands() {
        assert!(zsh.contains(&format!("'{name}:")), "zsh completion lacks {name}");
        assert!(fish.contains(&format!("-a \"{name}\"")), "fish completion lacks {name}");
    }
    let out = home.run(&["completions", "tcsh"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("[possible values: bash, zsh, fish]"), "{}", stderr(&out));
    assert!(stdout(&out).is_empty());
}

#[test]
fn man_page_starts_with_its_title_and_names_the_commands() {
    let home = Home::new();
    let out = home.run(&["man"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let page = stdout(&out);
    assert!(page.starts_with(".TH rapport 1 "), "{}", &page[..100.min(page.len())]);
    assert!(page.contains(".SH NAME\nrapport \\- A terminal cockpit"), "{page}");
    assert!(page.contains(".SH SUBCOMMANDS"), "{page}");
    for name in subcommands() {
        assert!(page.contains(&format!("rapport\\-{name}(1)")), "the man page lacks {name}");
    }
    assert!(page.contains("RAPPORT_DB") && page.contains("\\-\\-demo"), "{page}");
    // Exactly as generated: the long description lines are not cut.
    assert!(page.lines().all(|l| !l.ends_with("characters)")));
    // Nothing was opened or created to print it.
    assert!(!Path::new(&home.data()).exists());
}
