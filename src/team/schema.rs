//! rapport's schema on the server: numbered migrations, each in its own
//! transaction with the version bump in `rapport.meta`; a newer server
//! schema is refused, and so is a database that holds someone else's tables.

use super::connect::Server;
use anyhow::{bail, Context, Result};

/// (version, name, SQL), applied in order.
pub const SERVER_MIGRATIONS: &[(u32, &str, &str)] = &[
    (1, "0001_init", include_str!("server_migrations/0001_init.sql")),
    (2, "0002_roles", include_str!("server_migrations/0002_roles.sql")),
    (3, "0003_upkeep", include_str!("server_migrations/0003_upkeep.sql")),
    (4, "0004_members", include_str!("server_migrations/0004_members.sql")),
];

/// The server schema this build writes.
pub const SERVER_LATEST: u32 = SERVER_MIGRATIONS[SERVER_MIGRATIONS.len() - 1].0;

/// What the server holds now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Found {
    /// No tables at all: a new team can start here.
    Empty,
    /// rapport's schema at this version.
    Rapport(u32),
}

/// Looks without changing anything: rapport's version, an empty database,
/// or an error for a database that is someone else's or newer than this build.
pub fn inspect(server: &mut Server) -> Result<Found> {
    let place = server.place.clone();
    let has_meta: bool = server.client.query_one("SELECT to_regclass('rapport.meta') IS NOT NULL", &[])?.get(0);
    if has_meta {
        let row = server.client.query_opt("SELECT value FROM rapport.meta WHERE key = 'schema_version'", &[])?;
        let version: u32 = row.and_then(|r| r.get::<_, String>(0).parse().ok()).unwrap_or(0);
        if version > SERVER_LATEST {
            bail!(
                "the server at {place} holds a newer rapport schema (version {version}; this build knows {SERVER_LATEST}); \
                 nothing was changed — upgrade rapport on this laptop"
            );
        }
        return Ok(Found::Rapport(version));
    }
    let tables: i64 = server
        .client
        .query_one(
            "SELECT count(*) FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
             WHERE c.relkind IN ('r', 'p', 'v', 'm') AND n.nspname NOT IN ('pg_catalog', 'information_schema')
               AND n.nspname NOT LIKE 'pg_toast%' AND n.nspname NOT LIKE 'pg_temp%'",
            &[],
        )?
        .get(0);
    let schema: bool =
        server.client.query_one("SELECT EXISTS (SELECT 1 FROM pg_namespace WHERE nspname = 'rapport')", &[])?.get(0);
    if tables > 0 || schema {
        bail!(
            "the database at {place} is not a rapport server: it holds {tables} other table(s) and no rapport schema; \
             nothing was changed — name an empty database (createdb) or the team's rapport database"
        );
    }
    Ok(Found::Empty)
}

/// Brings the server's schema up to date. Returns the versions applied.
pub fn migrate(server: &mut Server) -> Result<Vec<u32>> {
    let found = match inspect(server)? {
        Found::Empty => 0,
        Found::Rapport(v) => v,
    };
    let mut applied = Vec::new();
    for &(v, name, sql) in SERVER_MIGRATIONS.iter().filter(|m| m.0 > found) {
        let mut tx = server.client.transaction()?;
        tx.batch_execute(sql).with_context(|| format!("server migration {name} failed; the server was not changed"))?;
        tx.execute(
            "INSERT INTO rapport.meta (key, value) VALUES ('schema_version', $1)
             ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            &[&v.to_string()],
        )?;
        tx.commit()?;
        applied.push(v);
    }
    Ok(applied)
}
