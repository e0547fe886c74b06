//! Team mode over TLS: the test cluster with ssl=on and a certificate from a
//! CA made here (openssl), checked as libpq's sslmode asks. A binary of its
//! own, since turning TLS on restarts its cluster.

mod common;
#[path = "common/pg.rs"]
mod pg;

use rapport::store::*;
use rapport::team;
use std::path::Path;
use std::process::Command;

fn openssl(dir: &Path, args: &[&str]) {
    let out = Command::new("openssl")
        .args(args)
        .current_dir(dir)
        .output()
        .unwrap_or_else(|e| panic!("the TLS test needs the openssl command (.ci/run installs it): {e}"));
    assert!(out.status.success(), "openssl {args:?}: {}", String::from_utf8_lossy(&out.stderr));
}

/// A CA (`NAME.crt`, `NAME.key`), P-256 keys.
fn make_ca(dir: &Path, name: &str) {
    let (crt, key) = (format!("{name}.crt"), format!("{name}.key"));
    openssl(
        dir,
        &[
            "req",
            "-x509",
            "-newkey",
            "ec",
            "-pkeyopt",
            "ec_paramgen_curve:prime256v1",
            "-nodes",
            "-days",
            "2",
            "-keyout",
            &key,
            "-out",
            &crt,
            "-subj",
            &format!("/CN={name}"),
            "-addext",
            "basicConstraints=critical,CA:TRUE",
            "-addext",
            "keyUsage=critical,keyCertSign,cRLSign",
        ],
    );
}

/// The server's certificate, signed by CA `ca`, made out to db.rapport.test and 127.0.0.1.
fn make_server_cert(dir: &Path, ca: &str) -> (String, String) {
    std::fs::write(
        dir.join("server.ext"),
        "basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=serverAuth\n\
         subjectAltName=DNS:db.rapport.test,IP:127.0.0.1\n",
    )
    .unwrap();
    openssl(
        dir,
        &[
            "req",
            "-newkey",
            "ec",
            "-pkeyopt",
            "ec_paramgen_curve:prime256v1",
            "-nodes",
            "-keyout",
            "server.key",
            "-out",
            "server.csr",
            "-subj",
            "/CN=db.rapport.test",
        ],
    );
    openssl(
        dir,
        &[
            "x509",
            "-req",
            "-in",
            "server.csr",
            "-CA",
            &format!("{ca}.crt"),
            "-CAkey",
            &format!("{ca}.key"),
            "-CAcreateserial",
            "-days",
            "2",
            "-out",
            "server.crt",
            "-extfile",
            "server.ext",
        ],
    );
    (std::fs::read_to_string(dir.join("server.crt")).unwrap(), std::fs::read_to_string(dir.join("server.key")).unwrap())
}

#[test]
fn tls_require_and_verify_full_with_the_right_ca_connect_and_a_wrong_host_or_ca_is_refused_clearly() {
    let c = pg::cluster();
    let certs = tempfile::tempdir().unwrap();
    make_ca(certs.path(), "team-ca");
    make_ca(certs.path(), "other-ca");
    let (crt, key) = make_server_cert(certs.path(), "team-ca");
    c.enable_tls(&crt, &key);
    let db = c.fresh_db();
    let ca = certs.path().join("team-ca.crt");
    let other = certs.path().join("other-ca.crt");
    let at = |host: &str, query: &str| format!("postgres://postgres@{host}:{}/{db}?{query}", c.port);
    let ssl = |url: &str| -> bool {
        let mut s = team::connect::connect(url, &pg::secrets()).unwrap_or_else(|e| panic!("{url}: {e:#}"));
        s.client.query_one("SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()", &[]).unwrap().get(0)
    };
    let refused = |url: &str| format!("{:#}", team::connect::connect(url, &pg::secrets()).err().expect(url));

    // require encrypts without a CA to check against, as libpq does.
    assert!(ssl(&at("127.0.0.1", "sslmode=require")));
    assert!(!ssl(&at("127.0.0.1", "sslmode=disable")));
    // verify-full: the team's CA, the host by its address and by its name.
    let ca_q = format!("sslrootcert={}", ca.display());
    assert!(ssl(&at("127.0.0.1", &format!("sslmode=verify-full&{ca_q}"))));
    assert!(ssl(&at("db.rapport.test", &format!("hostaddr=127.0.0.1&sslmode=verify-full&{ca_q}"))));
    // A host name the certificate is not made out to: verify-full refuses, verify-ca does not check names.
    let wrong_host = at("wrong.rapport.test", &format!("hostaddr=127.0.0.1&sslmode=verify-full&{ca_q}"));
    let err = refused(&wrong_host);
    assert!(err.contains("could not prove who it is: its certificate is not made out to that host name"), "{err}");
    assert!(err.contains("sslmode=verify-full"), "{err}");
    assert!(ssl(&at("wrong.rapport.test", &format!("hostaddr=127.0.0.1&sslmode=verify-ca&{ca_q}"))));
    // Another CA: refused by verify-ca and verify-full, and by require once a root file is named (libpq's rule).
    for mode in ["verify-full", "verify-ca", "require"] {
        let err = refused(&at("127.0.0.1", &format!("sslmode={mode}&sslrootcert={}", other.display())));
        assert!(err.contains("its certificate is not signed by a CA in"), "{mode}: {err}");
        assert!(err.contains("other-ca.crt"), "{mode}: {err}");
    }
    // No root file at all.
    let missing = certs.path().join("none.crt");
    let err = refused(&at("127.0.0.1", &format!("sslmode=verify-full&sslrootcert={}", missing.display())));
    assert!(err.contains("sslmode=verify-full needs the CA's certificate") && err.contains("none.crt"), "{err}");
    let err = refused(&at("127.0.0.1", "sslmode=verify-everything"));
    assert!(err.contains("sslmode=verify-everything is not a TLS mode"), "{err}");

    // A team over verify-full end to end: init, join, sync; the address kept with its TLS settings.
    let dir = tempfile::tempdir().unwrap();
    let url = at("db.rapport.test", &format!("hostaddr=127.0.0.1&sslmode=verify-full&{ca_q}"));
    let (manager, _) = Store::open(&dir.path().join("m.db"), OpenMode::Create).unwrap();
    common::seed(&manager);
    team::init(&manager, &url, &pg::secrets()).unwrap();
    let joined = dir.path().join("rae.db");
    team::join(&joined, &url, &pg::secrets()).unwrap();
    let (rae, _) = Store::open(&joined, OpenMode::Existing).unwrap();
    assert_eq!(rae.setting("team_server").unwrap().as_deref(), Some(url.as_str()));
    assert_eq!(rae.account_count().unwrap(), manager.account_count().unwrap());
    team::sync(&rae, &pg::secrets()).unwrap();
}
