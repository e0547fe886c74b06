//! Reaching the team's PostgreSQL server: the URL, libpq's password
//! conventions (never stored), TLS as `sslmode` asks, and errors a person
//! can act on.

use anyhow::{anyhow, bail, Result};
use postgres::config::{Host, SslMode};
use postgres::{Client, Config};
use std::io::IsTerminal;
use std::path::PathBuf;
use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;

/// Where the password may come from besides the URL, for tests and embedding.
#[derive(Debug, Clone, Default)]
pub struct Secrets {
    /// `$PGPASSWORD`.
    pub env_password: Option<String>,
    /// `$PGPASSFILE`, else `~/.pgpass`.
    pub passfile: Option<PathBuf>,
    /// Whether a person may be asked on the terminal.
    pub prompt: bool,
}

impl Secrets {
    /// libpq's places, read from the environment.
    pub fn from_env() -> Secrets {
        let passfile = std::env::var_os("PGPASSFILE")
            .map(PathBuf::from)
            .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".pgpass")));
        Secrets {
            env_password: std::env::var("PGPASSWORD").ok().filter(|p| !p.is_empty()),
            passfile,
            prompt: std::io::stdin().is_terminal() && std::io::stderr().is_terminal(),
        }
    }
}

/// The server address as stored in local settings: the URL without any password.
pub fn public_url(url: &str) -> String {
    let (scheme, rest) = match url.split_once("://") {
        Some((s, r)) => (Some(s), r),
        // libpq's other form, `host=… password=…`, which the driver reads too.
        None => return without_password_keyword(url),
    };
    let (authority, tail) = match rest.find(['/', '?']) {
        Some(i) => rest.split_at(i),
        None => (rest, ""),
    };
    let authority = match authority.rsplit_once('@') {
        Some((user, host)) => format!("{}@{host}", user.split(':').next().unwrap_or_default()),
        None => authority.to_string(),
    };
    let tail = match tail.split_once('?') {
        Some((path, query)) => {
            let kept: Vec<&str> = query.split('&').filter(|kv| !kv.starts_with("password=")).collect();
            if kept.is_empty() {
                path.to_string()
            } else {
                format!("{path}?{}", kept.join("&"))
            }
        }
        None => tail.to_string(),
    };
    match scheme {
        Some(s) => format!("{s}://{authority}{tail}"),
        None => format!("{authority}{tail}"),
    }
}

/// A `key=value` connection string without its `password` pair. Values may
/// be quoted ('…') with `\'` and `\\` escaped inside, as libpq reads them.
fn without_password_keyword(conn: &str) -> String {
    let mut kept = Vec::new();
    let mut rest = conn.trim_start();
    while !rest.is_empty() {
        let key_end = rest.find(|c: char| c == '=' || c.is_whitespace()).unwrap_or(rest.len());
        let key = &rest[..key_end];
        let after = rest[key_end..].trim_start();
        let after = after.strip_prefix('=').unwrap_or(after).trim_start();
        let quoted = after.starts_with('\'');
        let mut end = after.len();
        let mut escaped = false;
        for (i, c) in after.char_indices().skip(usize::from(quoted)) {
            match c {
                _ if escaped => escaped = false,
                '\\' => escaped = true,
                '\'' if quoted => {
                    end = i + 1;
                    break;
                }
                c if !quoted && c.is_whitespace() => {
                    end = i;
                    break;
                }
                _ => {}
            }
        }
        if !key.is_empty() && key != "password" {
            kept.push(format!("{key}={}", &after[..end]));
        }
        rest = after[end..].trim_start();
    }
    kept.join(" ")
}

/// The same server address for another login (what a new rep joins with).
pub fn with_user(url: &str, user: &str) -> String {
    let public = public_url(url);
    match public.split_once("://") {
        Some((scheme, rest)) => {
            let host = match rest.find(['/', '?']).map(|i| rest.split_at(i)) {
                Some((authority, tail)) => {
                    format!("{}{tail}", authority.rsplit_once('@').map_or(authority, |(_, h)| h))
                }
                None => rest.rsplit_once('@').map_or(rest, |(_, h)| h).to_string(),
            };
            format!("{scheme}://{user}@{host}")
        }
        None => public,
    }
}

/// A connected server and who we are on it.
pub struct Server {
    pub client: Client,
    pub login: String,
    /// `host:port/dbname`, for messages.
    pub place: String,
}

fn host_text(config: &Config) -> String {
    match config.get_hosts().first() {
        Some(Host::Tcp(h)) => h.clone(),
        Some(Host::Unix(p)) => p.display().to_string(),
        None => "localhost".into(),
    }
}

/// Reads `~/.pgpass` the way libpq does: `host:port:db:user:password`, `*`
/// matching anything, `\:` and `\\` escaped, ignored when others may read it.
pub fn pgpass_lookup(path: &std::path::Path, host: &str, port: u16, db: &str, user: &str) -> Option<String> {
    use std::os::unix::fs::PermissionsExt;
    let meta = std::fs::metadata(path).ok()?;
    if meta.permissions().mode() & 0o077 != 0 {
        return None;
    }
    let text = std::fs::read_to_string(path).ok()?;
    let wanted = [host.to_string(), port.to_string(), db.to_string(), user.to_string()];
    for line in text.lines() {
        if line.starts_with('#') || line.trim().is_empty() {
            continue;
        }
        let mut fields = Vec::new();
        let mut cur = String::new();
        let mut chars = line.chars();
        while let Some(c) = chars.next() {
            match c {
                '\\' => cur.extend(chars.next()),
                ':' if fields.len() < 4 => fields.push(std::mem::take(&mut cur)),
                c => cur.push(c),
            }
        }
        fields.push(cur);
        if fields.len() != 5 {
            continue;
        }
        let host_ok = |f: &str, w: &str| f == "*" || f == w || (f == "localhost" && (w == "127.0.0.1" || w == "::1"));
        if fields[..4].iter().zip(&wanted).all(|(f, w)| host_ok(f, w)) {
            return Some(fields[4].clone());
        }
    }
    None
}

/// TLS as libpq's `prefer` and `require` do it: encrypted, the certificate
/// not checked against a CA (libpq checks only with verify-ca/verify-full).
#[derive(Debug)]
struct AnyCert(Arc<rustls::crypto::CryptoProvider>);

impl rustls::client::danger::ServerCertVerifier for AnyCert {
    fn verify_server_cert(
        &self,
        _end_entity: &rustls::pki_types::CertificateDer<'_>,
        _intermediates: &[rustls::pki_types::CertificateDer<'_>],
        _server_name: &rustls::pki_types::ServerName<'_>,
        _ocsp_response: &[u8],
        _now: rustls::pki_types::UnixTime,
    ) -> Result<rustls::client::danger::ServerCertVerified, rustls::Error> {
        Ok(rustls::client::danger::ServerCertVerified::assertion())
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &rustls::pki_types::CertificateDer<'_>,
        dss: &rustls::DigitallySignedStruct,
    ) -> Result<rustls::client::danger::HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls12_signature(message, cert, dss, &self.0.signature_verification_algorithms)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &rustls::pki_types::CertificateDer<'_>,
        dss: &rustls::DigitallySignedStruct,
    ) -> Result<rustls::client::danger::HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls13_signature(message, cert, dss, &self.0.signature_verification_algorithms)
    }

    fn supported_verify_schemes(&self) -> Vec<rustls::SignatureScheme> {
        self.0.signature_verification_algorithms.supported_schemes()
    }
}

fn tls() -> Result<tokio_postgres_rustls::MakeRustlsConnect> {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = rustls::ClientConfig::builder_with_provider(provider.clone())
        .with_safe_default_protocol_versions()?
        .dangerous()
        .with_custom_certificate_verifier(Arc::new(AnyCert(provider)))
        .with_no_client_auth();
    Ok(tokio_postgres_rustls::MakeRustlsConnect::new(config))
}

/// Connects to the server named by `url` (`postgres://user@host:port/db?sslmode=…`).
pub fn connect(url: &str, secrets: &Secrets) -> Result<Server> {
    let mut config = Config::from_str(url).map_err(|e| {
        anyhow!(
            "--server: '{}' is not a PostgreSQL address ({e}); expected postgres://USER@HOST:PORT/DATABASE",
            public_url(url)
        )
    })?;
    if config.get_user().is_none() {
        if let Ok(user) = std::env::var("PGUSER").or_else(|_| std::env::var("USER")) {
            config.user(&user);
        }
    }
    if config.get_hosts().is_empty() {
        config.host("localhost");
    }
    if config.get_connect_timeout().is_none() {
        config.connect_timeout(Duration::from_secs(10));
    }
    let user = config.get_user().unwrap_or_default().to_string();
    let host = host_text(&config);
    let port = config.get_ports().first().copied().unwrap_or(5432);
    let db = config.get_dbname().unwrap_or(&user).to_string();
    let place = format!("{host}:{port}/{db}");
    if config.get_password().is_none() {
        let found = secrets
            .env_password
            .clone()
            .or_else(|| secrets.passfile.as_deref().and_then(|p| pgpass_lookup(p, &host, port, &db, &user)));
        if let Some(p) = found {
            config.password(p);
        }
    }
    let mode = config.get_ssl_mode();
    let client = match connect_with(&config, mode) {
        Ok(c) => c,
        Err(e) if config.get_password().is_none() && is_password_missing(&e) => {
            if !secrets.prompt {
                bail!(
                    "the server at {place} asks a password for {user}; expected it in PGPASSWORD or ~/.pgpass \
                     (host:port:database:user:password, mode 0600), or run on a terminal to be asked"
                );
            }
            let p = rpassword::prompt_password(format!("password for {user} at {place}: "))?;
            config.password(p);
            connect_with(&config, mode).map_err(|e| explain(e, &place, &user))?
        }
        Err(e) => return Err(explain(e, &place, &user)),
    };
    Ok(Server { client, login: user, place })
}

fn connect_with(config: &Config, mode: SslMode) -> Result<Client, postgres::Error> {
    match mode {
        SslMode::Disable => config.connect(postgres::NoTls),
        _ => match tls() {
            Ok(t) => config.connect(t),
            // The built-in provider always builds; without it, plain `prefer` still connects.
            Err(_) => config.connect(postgres::NoTls),
        },
    }
}

fn is_password_missing(e: &postgres::Error) -> bool {
    // The crate says "invalid configuration" with the reason as its source.
    format!("{e:?}").contains("password missing")
}

/// A connection error as a sentence about the server.
fn explain(e: postgres::Error, place: &str, user: &str) -> anyhow::Error {
    if let Some(db) = e.as_db_error() {
        use postgres::error::SqlState;
        let code = db.code();
        if *code == SqlState::INVALID_PASSWORD {
            return anyhow!("the server at {place} refused the password for {user}; nothing was changed");
        }
        if *code == SqlState::INVALID_AUTHORIZATION_SPECIFICATION {
            return anyhow!("the server at {place} does not let {user} in ({}); nothing was changed", db.message());
        }
        if *code == SqlState::INVALID_CATALOG_NAME {
            return anyhow!("the server at {place} has no such database ({}); nothing was changed", db.message());
        }
        return anyhow!("the server at {place} said: {}; nothing was changed", db.message());
    }
    anyhow!("cannot reach the server at {place} ({e}); nothing was changed")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn public_url_drops_the_password() {
        assert_eq!(public_url("postgres://ann:s3cret@db.example:5433/team"), "postgres://ann@db.example:5433/team");
        assert_eq!(
            public_url("postgres://ann@h/team?sslmode=require&password=x"),
            "postgres://ann@h/team?sslmode=require"
        );
        assert_eq!(public_url("postgres://h/team"), "postgres://h/team");
        assert_eq!(
            with_user("postgres://ann:pw@h:5/team?sslmode=require", "rae"),
            "postgres://rae@h:5/team?sslmode=require"
        );
        assert_eq!(with_user("postgres://h/team", "rae"), "postgres://rae@h/team");
        assert_eq!(
            public_url("host=h password='p w\\' x' user=ann  password=bare dbname=team"),
            "host=h user=ann dbname=team"
        );
        assert_eq!(public_url("host = h password = s3cret"), "host=h");
    }

    #[test]
    fn pgpass_follows_libpq() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("pgpass");
        std::fs::write(&p, "# comment\nother:5432:*:ann:no\n127.0.0.1:5433:team:ann:pa\\:ss\n*:*:*:bob:b\n").unwrap();
        std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o600)).unwrap();
        assert_eq!(pgpass_lookup(&p, "127.0.0.1", 5433, "team", "ann").as_deref(), Some("pa:ss"));
        assert_eq!(pgpass_lookup(&p, "x", 1, "y", "bob").as_deref(), Some("b"));
        assert_eq!(pgpass_lookup(&p, "x", 1, "y", "carl"), None);
        std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o644)).unwrap();
        assert_eq!(pgpass_lookup(&p, "x", 1, "y", "bob"), None, "a file others can read is ignored, as libpq does");
    }
}
