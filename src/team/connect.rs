//! Reaching the team's PostgreSQL server: the URL, libpq's password
//! conventions (never stored), TLS as `sslmode` asks (verify-ca and
//! verify-full against the root certificate file, as libpq finds it), and
//! errors a person can act on.

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

/// A `key=value` connection string without its `password` pair.
fn without_password_keyword(conn: &str) -> String {
    split_keywords(conn, &["password"]).0
}

/// A `key=value` connection string without the pairs named in `take`, and
/// those pairs (values unquoted). Values may be quoted ('…') with `\'` and
/// `\\` escaped inside, as libpq reads them.
fn split_keywords(conn: &str, take: &[&str]) -> (String, Vec<(String, String)>) {
    let mut taken = Vec::new();
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
        if take.contains(&key) {
            taken.push((key.to_string(), unquote(&after[..end])));
        } else if !key.is_empty() {
            kept.push(format!("{key}={}", &after[..end]));
        }
        rest = after[end..].trim_start();
    }
    (kept.join(" "), taken)
}

fn unquote(value: &str) -> String {
    let inner = match value.strip_prefix('\'').and_then(|v| v.strip_suffix('\'')) {
        Some(v) => v,
        None => value,
    };
    let mut out = String::new();
    let mut chars = inner.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => out.extend(chars.next()),
            c => out.push(c),
        }
    }
    out
}

fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = bytes.get(i + 1..i + 3).and_then(|h| std::str::from_utf8(h).ok());
        match (bytes[i], hex.and_then(|h| u8::from_str_radix(h, 16).ok())) {
            (b'%', Some(b)) => {
                out.push(b);
                i += 3;
            }
            (b, _) => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// The address without `sslmode` and `sslrootcert` (the driver knows
/// neither verify-ca/verify-full nor root certificates), and their values.
fn take_tls_options(url: &str) -> (String, Option<String>, Option<String>) {
    let (rest, pairs) = match url.split_once("://") {
        Some(_) => match url.split_once('?') {
            Some((base, query)) => {
                let mut pairs = Vec::new();
                let mut kept = Vec::new();
                for kv in query.split('&') {
                    match kv.split_once('=') {
                        Some((k @ ("sslmode" | "sslrootcert"), v)) => pairs.push((k.to_string(), percent_decode(v))),
                        _ => kept.push(kv),
                    }
                }
                (if kept.is_empty() { base.to_string() } else { format!("{base}?{}", kept.join("&")) }, pairs)
            }
            None => (url.to_string(), Vec::new()),
        },
        None => split_keywords(url, &["sslmode", "sslrootcert"]),
    };
    let value = |k: &str| pairs.iter().rev().find(|(key, _)| key == k).map(|(_, v)| v.clone());
    (rest, value("sslmode"), value("sslrootcert"))
}

/// libpq's `sslmode`, as this client honours it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tls {
    Disable,
    /// TLS when the server offers it (libpq's `allow` is taken as this too).
    Prefer,
    /// Encrypted; the certificate is checked only when a root certificate file exists, as libpq does.
    Require,
    /// Encrypted, and the certificate signed by a CA of the root certificate file.
    VerifyCa,
    /// As verify-ca, and the certificate made out to the host connected to.
    VerifyFull,
}

impl Tls {
    fn parse(text: &str) -> Result<Tls> {
        Ok(match text {
            "disable" => Tls::Disable,
            "allow" | "prefer" => Tls::Prefer,
            "require" => Tls::Require,
            "verify-ca" => Tls::VerifyCa,
            "verify-full" => Tls::VerifyFull,
            other => bail!(
                "--server: sslmode={other} is not a TLS mode; expected disable, allow, prefer, require, verify-ca or verify-full"
            ),
        })
    }

    fn name(self) -> &'static str {
        match self {
            Tls::Disable => "disable",
            Tls::Prefer => "prefer",
            Tls::Require => "require",
            Tls::VerifyCa => "verify-ca",
            Tls::VerifyFull => "verify-full",
        }
    }
}

/// The root certificate file as libpq finds it: `sslrootcert`, else
/// `$PGSSLROOTCERT`, else `~/.postgresql/root.crt`. Whether it was named.
fn root_cert_file(named: Option<String>) -> (Option<PathBuf>, bool) {
    if let Some(p) = named.filter(|p| !p.is_empty()) {
        return (Some(PathBuf::from(p)), true);
    }
    if let Some(p) = std::env::var_os("PGSSLROOTCERT").filter(|p| !p.is_empty()) {
        return (Some(PathBuf::from(p)), true);
    }
    (std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".postgresql").join("root.crt")), false)
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

/// The checks libpq makes short of verify-full: with `chain`, the chain
/// must lead to a CA of the root file (verify-ca) but the host name is not
/// checked; without, nothing is (`prefer` and `require`: encrypted, the
/// certificate not checked against a CA). Signatures are always checked.
#[derive(Debug)]
struct Lenient {
    provider: Arc<rustls::crypto::CryptoProvider>,
    chain: Option<Arc<rustls::client::WebPkiServerVerifier>>,
}

impl rustls::client::danger::ServerCertVerifier for Lenient {
    fn verify_server_cert(
        &self,
        end_entity: &rustls::pki_types::CertificateDer<'_>,
        intermediates: &[rustls::pki_types::CertificateDer<'_>],
        server_name: &rustls::pki_types::ServerName<'_>,
        ocsp_response: &[u8],
        now: rustls::pki_types::UnixTime,
    ) -> Result<rustls::client::danger::ServerCertVerified, rustls::Error> {
        use rustls::CertificateError::{NotValidForName, NotValidForNameContext};
        let Some(chain) = &self.chain else {
            return Ok(rustls::client::danger::ServerCertVerified::assertion());
        };
        // The name is checked after the chain: this error means the chain held.
        match chain.verify_server_cert(end_entity, intermediates, server_name, ocsp_response, now) {
            Err(rustls::Error::InvalidCertificate(NotValidForName | NotValidForNameContext { .. })) => {
                Ok(rustls::client::danger::ServerCertVerified::assertion())
            }
            other => other,
        }
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &rustls::pki_types::CertificateDer<'_>,
        dss: &rustls::DigitallySignedStruct,
    ) -> Result<rustls::client::danger::HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls12_signature(message, cert, dss, &self.provider.signature_verification_algorithms)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &rustls::pki_types::CertificateDer<'_>,
        dss: &rustls::DigitallySignedStruct,
    ) -> Result<rustls::client::danger::HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls13_signature(message, cert, dss, &self.provider.signature_verification_algorithms)
    }

    fn supported_verify_schemes(&self) -> Vec<rustls::SignatureScheme> {
        self.provider.signature_verification_algorithms.supported_schemes()
    }
}

/// The TLS connector for `mode`; `roots` is the root certificate file for verify-ca/verify-full.
fn tls(mode: Tls, roots: Option<&std::path::Path>) -> Result<tokio_postgres_rustls::MakeRustlsConnect> {
    use rustls::pki_types::{pem::PemObject, CertificateDer};
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let builder = rustls::ClientConfig::builder_with_provider(provider.clone())
        .with_safe_default_protocol_versions()?
        .dangerous();
    let verifier: Arc<dyn rustls::client::danger::ServerCertVerifier> = match (mode, roots) {
        (Tls::VerifyCa | Tls::VerifyFull, Some(path)) => {
            let shown = path.display();
            let mut store = rustls::RootCertStore::empty();
            let certs = CertificateDer::pem_file_iter(path).map_err(|e| {
                anyhow!("cannot read the root certificate file {shown} ({e}); expected PEM certificates")
            })?;
            for cert in certs {
                let cert = cert.map_err(|e| anyhow!("the root certificate file {shown} is not PEM ({e})"))?;
                store
                    .add(cert)
                    .map_err(|e| anyhow!("the root certificate file {shown} holds a bad certificate ({e})"))?;
            }
            if store.is_empty() {
                bail!("the root certificate file {shown} holds no certificate; expected the CA's, in PEM");
            }
            let webpki = rustls::client::WebPkiServerVerifier::builder_with_provider(Arc::new(store), provider.clone())
                .build()?;
            match mode {
                Tls::VerifyFull => webpki,
                _ => Arc::new(Lenient { provider, chain: Some(webpki) }),
            }
        }
        _ => Arc::new(Lenient { provider, chain: None }),
    };
    let config = builder.with_custom_certificate_verifier(verifier).with_no_client_auth();
    Ok(tokio_postgres_rustls::MakeRustlsConnect::new(config))
}

/// How this connection checks the server: the mode and the root file it uses.
struct TlsPlan {
    mode: Tls,
    roots: Option<PathBuf>,
}

/// libpq's rules: verify-ca/verify-full need the root file; `require` with
/// a root file present checks like verify-ca.
fn tls_plan(mode: Option<String>, rootcert: Option<String>) -> Result<TlsPlan> {
    let mode = match mode.or_else(|| std::env::var("PGSSLMODE").ok().filter(|m| !m.is_empty())) {
        Some(m) => Tls::parse(&m)?,
        None => Tls::Prefer,
    };
    let (file, named) = root_cert_file(rootcert);
    if file.as_deref().is_some_and(|f| f.as_os_str() == "system") {
        bail!("--server: sslrootcert=system is not supported here; expected the path of the CA's certificate (PEM)");
    }
    let exists = file.as_deref().is_some_and(|f| f.exists());
    match mode {
        Tls::VerifyCa | Tls::VerifyFull if !exists => bail!(
            "--server: sslmode={} needs the CA's certificate, and {} does not exist; expected sslrootcert=FILE in the address, \
             PGSSLROOTCERT, or ~/.postgresql/root.crt",
            mode.name(),
            file.map_or_else(|| "~/.postgresql/root.crt".to_string(), |f| f.display().to_string())
        ),
        Tls::Require if exists => Ok(TlsPlan { mode: Tls::VerifyCa, roots: file }),
        Tls::Require if named => bail!(
            "--server: the root certificate file {} does not exist; expected the CA's certificate (PEM)",
            file.map(|f| f.display().to_string()).unwrap_or_default()
        ),
        _ => Ok(TlsPlan { mode, roots: file.filter(|_| exists) }),
    }
}

/// Connects to the server named by `url` (`postgres://user@host:port/db?sslmode=…`).
pub fn connect(url: &str, secrets: &Secrets) -> Result<Server> {
    // An empty address would reach libpq's defaults (a local socket, the
    // login's own database): never the server anybody meant.
    if url.trim().is_empty() {
        bail!("--server: the address is empty; expected postgres://USER@HOST:PORT/DATABASE");
    }
    let (rest, sslmode, rootcert) = take_tls_options(url);
    let plan = tls_plan(sslmode, rootcert)?;
    let mut config = Config::from_str(&rest).map_err(|e| {
        // Neither form of address (no `://`, no `key=value`): nothing to hide, shown as typed.
        let shown = if url.contains("://") || url.contains('=') { public_url(url) } else { url.trim().to_string() };
        anyhow!("--server: '{shown}' is not a PostgreSQL address ({e}); expected postgres://USER@HOST:PORT/DATABASE")
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
    config.ssl_mode(match plan.mode {
        Tls::Disable => SslMode::Disable,
        Tls::Prefer => SslMode::Prefer,
        _ => SslMode::Require,
    });
    let explain = |e: anyhow::Error, place: &str, user: &str| explain(e, place, user, &plan);
    let client = match connect_with(&config, &plan) {
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
            connect_with(&config, &plan).map_err(|e| explain(e, &place, &user))?
        }
        Err(e) => return Err(explain(e, &place, &user)),
    };
    Ok(Server { client, login: user, place })
}

fn connect_with(config: &Config, plan: &TlsPlan) -> Result<Client> {
    Ok(match plan.mode {
        Tls::Disable => config.connect(postgres::NoTls)?,
        Tls::Prefer => match tls(plan.mode, None) {
            Ok(t) => config.connect(t)?,
            // The built-in provider always builds; without it, plain `prefer` still connects.
            Err(_) => config.connect(postgres::NoTls)?,
        },
        _ => config.connect(tls(plan.mode, plan.roots.as_deref())?)?,
    })
}

fn is_password_missing(e: &anyhow::Error) -> bool {
    // The crate says "invalid configuration" with the reason as its source.
    format!("{e:?}").contains("password missing")
}

/// A connection error as a sentence about the server.
fn explain(e: anyhow::Error, place: &str, user: &str, plan: &TlsPlan) -> anyhow::Error {
    let Some(e) = e.downcast_ref::<postgres::Error>() else {
        return e;
    };
    let debug = format!("{e:?}");
    let mode = plan.mode.name();
    let roots = plan.roots.as_deref().map(|p| p.display().to_string()).unwrap_or_default();
    if debug.contains("UnknownIssuer") || debug.contains("BadSignature") {
        return anyhow!(
            "the server at {place} could not prove who it is: its certificate is not signed by a CA in {roots} \
             (sslmode={mode}); nothing was changed — check sslrootcert names the team's CA"
        );
    }
    if debug.contains("NotValidForName") {
        return anyhow!(
            "the server at {place} could not prove who it is: its certificate is not made out to that host name \
             (sslmode={mode}); nothing was changed — connect by the name on its certificate"
        );
    }
    if debug.contains("InvalidCertificate") {
        return anyhow!(
            "the server at {place} sent a certificate that does not hold (sslmode={mode}: {e}); nothing was changed"
        );
    }
    if debug.contains("server does not support TLS") {
        return anyhow!(
            "the server at {place} does not offer TLS, and sslmode={mode} asks for it; nothing was changed"
        );
    }
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
    Unreachable(format!("cannot reach the server at {place} ({e}); nothing was changed")).into()
}

/// The network failed (no route, refused, timed out, cut mid-way): waiting
/// mends it, so the cockpit reads it as offline rather than as an error.
#[derive(Debug)]
pub struct Unreachable(pub String);

impl std::fmt::Display for Unreachable {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Unreachable {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_address_that_is_not_one_is_shown_as_typed_and_never_with_its_password() {
        let err = |url: &str| connect(url, &Secrets::default()).err().map(|e| e.to_string()).unwrap_or_default();
        assert_eq!(
            err("db.example.com team"),
            "--server: 'db.example.com team' is not a PostgreSQL address (invalid connection string); \
             expected postgres://USER@HOST:PORT/DATABASE"
        );
        let e = err("host=db password=hunter2 junk");
        assert!(e.starts_with("--server: 'host=db"), "{e}");
        assert!(!e.contains("hunter2"), "{e}");
    }

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
    fn tls_options_are_taken_out_of_either_form_of_address() {
        assert_eq!(
            take_tls_options("postgres://ann@h/team?sslmode=verify-full&connect_timeout=5&sslrootcert=%2Fetc%2Fca.crt"),
            ("postgres://ann@h/team?connect_timeout=5".into(), Some("verify-full".into()), Some("/etc/ca.crt".into()))
        );
        assert_eq!(
            take_tls_options("postgres://ann@h/team?sslmode=require"),
            ("postgres://ann@h/team".into(), Some("require".into()), None)
        );
        assert_eq!(take_tls_options("postgres://h/team"), ("postgres://h/team".into(), None, None));
        assert_eq!(
            take_tls_options("host=h sslrootcert='/my certs/ca.crt' sslmode=verify-ca user=ann"),
            ("host=h user=ann".into(), Some("verify-ca".into()), Some("/my certs/ca.crt".into()))
        );
        assert_eq!(Tls::parse("verify-ca").unwrap(), Tls::VerifyCa);
        assert!(Tls::parse("verify").unwrap_err().to_string().contains("expected disable, allow, prefer"));
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
