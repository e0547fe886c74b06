//! A book of business in a temp folder, driven through the built binary:
//! run commands, read rows back with SQL, hash the file to show that a
//! refused command changed nothing.

use sha2::{Digest, Sha256};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

pub struct Book {
    pub dir: tempfile::TempDir,
    pub db: PathBuf,
    pub config: PathBuf,
}

pub fn book() -> Book {
    let dir = tempfile::tempdir().unwrap();
    Book { db: dir.path().join("book.db"), config: dir.path().join("config.toml"), dir }
}

impl Book {
    pub fn run(&self, args: &[&str]) -> Output {
        Command::new(env!("CARGO_BIN_EXE_rapport"))
            .env_remove("RAPPORT_DB")
            .env("RAPPORT_CONFIG", &self.config)
            .env("RAPPORT_NOW", "2026-11-26T14:00:00Z")
            .env("TZ", "UTC")
            .current_dir(self.dir.path())
            .arg("--db")
            .arg(&self.db)
            .args(args)
            .output()
            .unwrap()
    }

    pub fn ok(&self, args: &[&str]) -> String {
        let out = self.run(args);
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(out.status.success(), "{args:?} failed: {err}");
        String::from_utf8(out.stdout).unwrap()
    }

    /// Runs a command that must fail; returns its stderr.
    pub fn fails(&self, args: &[&str]) -> String {
        let out = self.run(args);
        assert!(!out.status.success(), "{args:?} succeeded: {}", String::from_utf8_lossy(&out.stdout));
        String::from_utf8(out.stderr).unwrap()
    }

    pub fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    pub fn file(&self, name: &str, bytes: impl AsRef<[u8]>) -> String {
        let p = self.path(name);
        std::fs::write(&p, bytes).unwrap();
        p.display().to_string()
    }

    pub fn rows(&self, sql: &str) -> Vec<Vec<String>> {
        let conn = rusqlite::Connection::open_with_flags(&self.db, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY).unwrap();
        let mut stmt = conn.prepare(sql).unwrap();
        let n = stmt.column_count();
        let rows = stmt
            .query_map([], |r| {
                (0..n)
                    .map(|i| {
                        Ok(match r.get_ref(i)? {
                            rusqlite::types::ValueRef::Null => "NULL".to_string(),
                            rusqlite::types::ValueRef::Integer(v) => v.to_string(),
                            rusqlite::types::ValueRef::Real(v) => v.to_string(),
                            rusqlite::types::ValueRef::Text(t) => String::from_utf8_lossy(t).into_owned(),
                            rusqlite::types::ValueRef::Blob(_) => "BLOB".to_string(),
                        })
                    })
                    .collect::<rusqlite::Result<Vec<String>>>()
            })
            .unwrap();
        rows.collect::<rusqlite::Result<_>>().unwrap()
    }

    /// The first column of the first row, as a number.
    pub fn count(&self, sql: &str) -> i64 {
        self.rows(sql)[0][0].parse().unwrap()
    }

    /// A fixture from `tests/fixtures/FOLDER/`, copied into this book's
    /// folder (rejected rows are written next to it).
    pub fn fixture_in(&self, folder: &str, name: &str) -> String {
        let from = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures").join(folder).join(name);
        let to = self.path(name);
        std::fs::copy(from, &to).unwrap();
        to.display().to_string()
    }

    /// The database file and its WAL, hashed.
    pub fn sha(&self) -> String {
        sha_of(&self.db)
    }
}

/// A database file and its WAL, hashed.
pub fn sha_of(db: &Path) -> String {
    let mut h = Sha256::new();
    for suffix in ["", "-wal"] {
        let p = PathBuf::from(format!("{}{suffix}", db.display()));
        if let Ok(bytes) = std::fs::read(&p) {
            h.update(&bytes);
        }
    }
    format!("{:x}", h.finalize())
}
