//! A PostgreSQL server for the team tests. With `RAPPORT_TEST_PG` set (a
//! superuser URL) that server is used; else one throwaway cluster per test
//! binary is started here (initdb as the `postgres` user when running as
//! root, since initdb refuses root), and a detached watchdog stops it and
//! removes its folder when the test process ends. Every test gets a fresh
//! database. A missing PostgreSQL fails the tests, never skips them.
#![allow(dead_code)]

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::OnceLock;

pub const PASSWORD: &str = "rapport-test-superuser";

pub struct Cluster {
    /// Superuser URL without a database.
    host: String,
    pub port: u16,
    pub user: String,
    pub password: String,
    /// Our own cluster's folder and binaries (none for RAPPORT_TEST_PG).
    own: Option<(PathBuf, PathBuf)>,
}

static CLUSTER: OnceLock<Cluster> = OnceLock::new();
static NEXT_DB: AtomicU32 = AtomicU32::new(0);

fn bin_dir() -> PathBuf {
    if let Ok(out) = Command::new("pg_config").arg("--bindir").output() {
        let dir = PathBuf::from(String::from_utf8_lossy(&out.stdout).trim());
        if dir.join("initdb").exists() {
            return dir;
        }
    }
    for v in ["17", "16", "15"] {
        let dir = PathBuf::from(format!("/usr/lib/postgresql/{v}/bin"));
        if dir.join("initdb").exists() {
            return dir;
        }
    }
    panic!(
        "the team tests need PostgreSQL 15 or later: no initdb in /usr/lib/postgresql/*/bin or from pg_config; \
         install the `postgresql` package (.ci/run does) or set RAPPORT_TEST_PG to a superuser URL"
    );
}

fn is_root() -> bool {
    // SAFETY: geteuid has no preconditions.
    unsafe { libc::geteuid() == 0 }
}

/// A command run as the cluster's owner.
fn as_owner(program: &Path) -> Command {
    if is_root() {
        let mut c = Command::new("runuser");
        c.args(["-u", "postgres", "--"]).arg(program);
        c
    } else {
        Command::new(program)
    }
}

fn run(mut c: Command, what: &str) {
    let out = c.stdin(Stdio::null()).output().unwrap_or_else(|e| panic!("{what}: {e}"));
    assert!(
        out.status.success(),
        "{what} failed: {}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

fn start_own() -> Cluster {
    let bin = bin_dir();
    let dir = tempfile::Builder::new().prefix("rapport-pg-").tempdir().unwrap().keep();
    let data = dir.join("data");
    let pwfile = dir.join("pw");
    std::fs::write(&pwfile, PASSWORD).unwrap();
    if is_root() {
        run(
            {
                let mut c = Command::new("chown");
                c.args(["-R", "postgres:postgres"]).arg(&dir);
                c
            },
            "chown the cluster folder to postgres",
        );
    }
    let mut init = as_owner(&bin.join("initdb"));
    init.arg("-D").arg(&data).args([
        "-U",
        "postgres",
        "--auth-host=scram-sha-256",
        "--auth-local=trust",
        "-E",
        "UTF8",
        "--no-sync",
    ]);
    init.arg(format!("--pwfile={}", pwfile.display()));
    run(init, "initdb");
    let port = free_port();
    let mut start = as_owner(&bin.join("pg_ctl"));
    start.arg("-D").arg(&data).arg("-l").arg(dir.join("log")).args(["-w", "start", "-o"]).arg(format!(
        "-c fsync=off -c synchronous_commit=off -c full_page_writes=off -c listen_addresses=127.0.0.1 -p {port} -k {}",
        dir.display()
    ));
    run(start, "pg_ctl start");
    // Stops the cluster and removes its folder once this test process is gone, however it ends.
    let stop = format!(
        "while kill -0 {pid} 2>/dev/null; do sleep 1; done; {runuser}'{pg_ctl}' -D '{data}' -m immediate stop >/dev/null 2>&1; rm -rf '{dir}'",
        pid = std::process::id(),
        runuser = if is_root() { "runuser -u postgres -- " } else { "" },
        pg_ctl = bin.join("pg_ctl").display(),
        data = data.display(),
        dir = dir.display(),
    );
    // Never waited for: it must outlive this process to clean up after it.
    #[allow(clippy::zombie_processes)]
    Command::new("setsid")
        .args(["sh", "-c", &stop])
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("start the cluster's watchdog (setsid, sh)");
    Cluster {
        host: "127.0.0.1".into(),
        port,
        user: "postgres".into(),
        password: PASSWORD.into(),
        own: Some((dir, bin)),
    }
}

fn from_env(url: &str) -> Cluster {
    let config: postgres::Config = url.parse().expect("RAPPORT_TEST_PG: a postgres:// URL");
    let host = match config.get_hosts().first() {
        Some(postgres::config::Host::Tcp(h)) => h.clone(),
        _ => "127.0.0.1".into(),
    };
    Cluster {
        host,
        port: config.get_ports().first().copied().unwrap_or(5432),
        user: config.get_user().unwrap_or("postgres").into(),
        password: config.get_password().map(|p| String::from_utf8_lossy(p).into_owned()).unwrap_or_default(),
        own: None,
    }
}

pub fn cluster() -> &'static Cluster {
    CLUSTER.get_or_init(|| match std::env::var("RAPPORT_TEST_PG") {
        Ok(url) if !url.is_empty() => from_env(&url),
        _ => start_own(),
    })
}

impl Cluster {
    /// A URL for `user` on database `db`, without a password.
    pub fn url_for(&self, user: &str, db: &str) -> String {
        format!("postgres://{user}@{}:{}/{db}", self.host, self.port)
    }

    pub fn superuser(&self, db: &str) -> postgres::Client {
        postgres::Config::new()
            .host(&self.host)
            .port(self.port)
            .user(&self.user)
            .password(&self.password)
            .dbname(db)
            .connect(postgres::NoTls)
            .expect("connect to the test server as its superuser")
    }

    /// A new, empty database; returns its name.
    pub fn fresh_db(&self) -> String {
        let name = format!("t{}_{}", std::process::id(), NEXT_DB.fetch_add(1, Ordering::SeqCst));
        self.superuser("postgres").batch_execute(&format!("CREATE DATABASE {name}")).unwrap();
        name
    }

    /// Restarts the server (our own cluster only).
    pub fn restart(&self) {
        let (dir, bin) = self.own.as_ref().expect("restart needs the tests' own cluster, not RAPPORT_TEST_PG");
        let mut c = as_owner(&bin.join("pg_ctl"));
        // With its log file: without one the new server would hold our output pipe open.
        c.arg("-D").arg(dir.join("data")).arg("-l").arg(dir.join("log")).args(["-w", "-m", "fast", "restart"]);
        run(c, "pg_ctl restart");
    }
}

impl Cluster {
    /// Turns TLS on with this certificate and key (PEM, in the data folder
    /// as server.crt and server.key) and restarts the server (our own cluster only).
    pub fn enable_tls(&self, cert_pem: &str, key_pem: &str) {
        use std::os::unix::fs::PermissionsExt;
        let (dir, _) = self.own.as_ref().expect("TLS needs the tests' own cluster, not RAPPORT_TEST_PG");
        let data = dir.join("data");
        std::fs::write(data.join("server.crt"), cert_pem).unwrap();
        std::fs::write(data.join("server.key"), key_pem).unwrap();
        std::fs::set_permissions(data.join("server.key"), std::fs::Permissions::from_mode(0o600)).unwrap();
        if is_root() {
            let mut c = Command::new("chown");
            c.arg("postgres:postgres").arg(data.join("server.crt")).arg(data.join("server.key"));
            run(c, "chown the server's certificate to postgres");
        }
        self.superuser("postgres").batch_execute("ALTER SYSTEM SET ssl = on").unwrap();
        self.restart();
    }
}

/// The password of the superuser, as libpq's PGPASSWORD would give it.
pub fn secrets() -> rapport::team::connect::Secrets {
    rapport::team::connect::Secrets { env_password: Some(cluster().password.clone()), passfile: None, prompt: false }
}
