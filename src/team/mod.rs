//! Team mode: a team shares one book through PostgreSQL. This module is the
//! client of the server (its SQL lives here and in `server_migrations/`);
//! the local file's side is `store::sync`, the clock rules `domain::hlc`.
//!
//! Sync is push then pull: the changes made here since the last push go up
//! as per-field ops in one call of `rapport.push` (one server transaction,
//! a retried call a no-op), then every record the server changed after this
//! laptop's cursor comes down and is applied field by field.

pub mod connect;
pub mod schema;

use crate::domain::hlc;
use crate::store::sync::{self as local, RemoteRecord, SyncConflict};
use crate::store::{OpenMode, Store};
use anyhow::{anyhow, bail, Context, Result};
use connect::{Secrets, Server};
use serde_json::{Map, Value as Json};

use std::path::Path;

/// Records read per round trip when pulling.
const PAGE: i64 = 5_000;

/// Ops per call of the server's push: a long offline backlog goes in several
/// calls, each its own transaction, so none holds the push lock for long.
pub const PUSH_LIMIT: usize = 5_000;

/// How one sync runs; `Default` is what `rapport sync` does.
#[derive(Debug, Clone)]
pub struct SyncOptions {
    /// Ops per call of the server's push.
    pub push_limit: usize,
    /// For tests: the answer to this call of the push (0: the first of this
    /// sync) never comes back, as when the connection drops after the
    /// server committed; the sync stops there with an error.
    pub lose_answer_of: Option<usize>,
}

impl Default for SyncOptions {
    fn default() -> Self {
        SyncOptions { push_limit: PUSH_LIMIT, lose_answer_of: None }
    }
}

/// A run of pushes under way, kept in the local settings before its first
/// call: the backlog up to change-log row `upto`, cut into calls of at most
/// `limit` ops numbered from `first`, `done` of them acknowledged. A run
/// cut short goes on with its next call; a call whose answer was lost is
/// sent again with the same number and token, and the server knows it.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
struct Run {
    token: String,
    upto: i64,
    first: i64,
    limit: usize,
    done: usize,
}

/// What `team init` did.
#[derive(Debug)]
pub struct InitReport {
    pub place: String,
    pub login: String,
    pub records: usize,
    pub member_role: String,
}

/// What `team join` did.
#[derive(Debug)]
pub struct JoinReport {
    pub place: String,
    pub login: String,
    pub records: usize,
}

/// What one sync did.
#[derive(Debug, Default)]
pub struct SyncReport {
    /// Changes of this laptop sent (its change-log entries, as `team status` counts them waiting).
    pub changes: usize,
    /// Field values those changes came to (ops pushed).
    pub pushed: usize,
    /// Ops of this push the server kept.
    pub kept: usize,
    /// Ops of this push that lost to a later write of the same field (the
    /// rest of those not kept were refused, and are named in `refused`).
    pub lost: usize,
    /// Records pulled that brought something this laptop did not have (its
    /// own changes coming back are not counted).
    pub pulled: usize,
    pub conflicts: usize,
    /// The push had already been applied (its acknowledgement was lost before).
    pub duplicate: bool,
    /// Records pulled that could not be applied here yet: kept, and tried
    /// again at every sync (see `store::sync::Applied`).
    pub held: usize,
    /// Records pulled whose merged fields broke a rule of their table, set right by `domain::repair`.
    pub repaired: usize,
    /// Calls of the server's push this sync made (a big backlog goes in several).
    pub pushes: usize,
    /// This file sent push numbers the server had already seen from this
    /// device (restored from a backup): it numbered its pushes after the server's and sent them again.
    pub rebased: bool,
    /// This laptop had been away longer than the server keeps deleted
    /// records, and downloaded the team's book again (after pushing its changes).
    pub resynced: bool,
    /// Live records of this laptop that the team had deleted and purged meanwhile, tombstoned by the resync.
    pub gone: usize,
    /// Changes the server refused, each named with its record and the rule; put back here.
    pub refused: Vec<String>,
    /// This laptop's clock ran ahead of the server's by this many minutes and was clamped.
    pub clamped_minutes: Option<i64>,
    /// The manager's weekly purge of the team's deleted records, when this sync ran it.
    pub purged: Option<PurgeReport>,
}

/// A value of a conflict as a person reads it.
pub fn shown(value: Option<&str>) -> String {
    match value.map(serde_json::from_str::<Json>) {
        Some(Ok(Json::String(s))) => s,
        Some(Ok(Json::Null)) | None => "(empty)".into(),
        Some(Ok(v)) => v.to_string(),
        Some(Err(_)) => value.unwrap_or_default().to_string(),
    }
}

/// Which side of a sync conflict to keep.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Keep {
    Mine,
    Theirs,
}

/// `rapport team resolve ID --keep mine|theirs`: keeping the value that lost
/// writes it again as a new change (pushed on the next sync); keeping the
/// winner changes nothing. Either way the conflict is settled here, and for
/// the whole team at the next sync.
/// "Mine" is the value written from this login.
pub fn resolve(store: &Store, id: i64, keep: Keep) -> Result<String> {
    use crate::domain::sanitize::line;
    let c = store
        .sync_conflict(id)?
        .ok_or_else(|| anyhow!("no open sync conflict {id}; `rapport team conflicts` lists them"))?;
    let me = store.setting(local::LOGIN_KEY)?.unwrap_or_default();
    let won = c.winner_login.as_deref() == Some(me.as_str());
    let lost = c.loser_login.as_deref() == Some(me.as_str());
    if won == lost {
        bail!(
            "sync conflict {id} is between {} and {}, not {}: expected one of them to resolve it",
            line(c.winner_login.as_deref().unwrap_or("?")),
            line(c.loser_login.as_deref().unwrap_or("?")),
            line(&me)
        );
    }
    let keep_loser = (keep == Keep::Mine) == lost;
    let label = store.sync_label(&c.entity, &c.uid)?;
    if keep_loser {
        let value: Json = match &c.loser_value {
            Some(v) => serde_json::from_str(v)?,
            None => Json::Null,
        };
        store.write(|s| {
            s.sync_set_field(&c.entity, &c.uid, &c.field, &value)?;
            s.sync_resolve_conflict(id)
        })?;
        Ok(format!(
            "{label}: {} is {} again; `rapport sync` shares it",
            c.field,
            line(&shown(c.loser_value.as_deref()))
        ))
    } else {
        store.sync_resolve_conflict(id)?;
        Ok(format!("{label}: {} stays {}", c.field, line(&shown(c.winner_value.as_deref()))))
    }
}

/// Whether a failed sync is one that waiting mends (`None`: the network)
/// or one a person must act on, in a few words for the cockpit's header.
pub fn failure_reason(e: &anyhow::Error) -> Option<String> {
    for cause in e.chain() {
        if cause.is::<connect::Unreachable>() {
            return None;
        }
        // A connection lost after connecting: no answer from the database itself.
        if cause.downcast_ref::<postgres::Error>().is_some_and(|p| p.as_db_error().is_none()) {
            return None;
        }
    }
    let text = format!("{e:#}");
    const KNOWN: &[(&str, &str)] = &[
        ("refused the password", "password refused"),
        ("asks a password", "no password"),
        ("newer rapport schema", "newer server schema"),
        ("older rapport schema", "server schema not upgraded yet"),
        ("is not a member of this team", "not a member"),
        ("does not let", "login refused"),
        ("holds no rapport team", "no rapport team"),
        ("has no such database", "no such database"),
        ("could not prove who it is", "certificate not trusted"),
        ("does not offer TLS", "no TLS on the server"),
        ("has no device id", "no device id"),
    ];
    if let Some((_, short)) = KNOWN.iter().find(|(phrase, _)| text.contains(phrase)) {
        return Some((*short).to_string());
    }
    // Anything else: its first clause, kept short for the header.
    let first = text.split([';', '(', ':']).next().unwrap_or(&text).trim();
    let mut short: String = first.chars().take(40).collect();
    if first.chars().count() > 40 {
        short.push('…');
    }
    Some(crate::domain::sanitize::line(&short).into_owned())
}

/// What `rapport team status` shows.
#[derive(Debug, serde::Serialize)]
pub struct Status {
    pub server: String,
    pub login: Option<String>,
    pub device: Option<String>,
    pub synced_at: Option<String>,
    pub waiting: usize,
    pub conflicts: usize,
    /// Records pulled that could not be applied here yet (tried again at every sync).
    pub held: usize,
}

pub fn status(store: &Store) -> Result<Status> {
    Ok(Status {
        server: server_url(store)?,
        login: store.setting(local::LOGIN_KEY)?,
        device: store.setting(local::DEVICE_KEY)?,
        synced_at: store.setting(local::SYNCED_AT_KEY)?,
        waiting: store.sync_waiting()?,
        conflicts: store.sync_conflict_count()?,
        held: store.sync_held()?.len(),
    })
}

/// The server this database syncs with, from its settings.
pub fn server_url(store: &Store) -> Result<String> {
    store.setting(local::SERVER_KEY)?.ok_or_else(|| {
        crate::error::hinted(
            anyhow!("{} is not part of a team", store.path().display()),
            "a manager starts one with `rapport team init --server URL`; a rep joins with `rapport team join --server URL`",
        )
    })
}

/// `rapport team init`: makes this book the team's, on an empty database.
pub fn init(store: &Store, url: &str, secrets: &Secrets) -> Result<InitReport> {
    if let Some(s) = store.setting(local::SERVER_KEY)? {
        bail!("{} already syncs with {s}; nothing was changed", store.path().display());
    }
    let mut server = connect::connect(url, secrets)?;
    if schema::inspect(&mut server)? != schema::Found::Empty {
        bail!(
            "the database at {} already holds a rapport team; nothing was changed — join it with `rapport team join`",
            server.place
        );
    }
    schema::migrate(&mut server)?;
    let device = uuid::Uuid::now_v7().to_string();
    let me_uid = match store.me()? {
        Some(name) => store.rep_uid_by_name(&name)?,
        None => None,
    };
    let login = server.login.clone();
    let mut tx = server.client.transaction()?;
    // Role names are the cluster's, not the database's: one group per team
    // database, unique to its exact name (server migration 0002).
    let role: String = tx.query_one("SELECT rapport.group_role_for(current_database())", &[])?.get(0);
    tx.batch_execute(&format!(
        "DO $$ BEGIN
             IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = {lit}) THEN
                 EXECUTE format('CREATE ROLE %I NOLOGIN', {lit});
             END IF;
             EXECUTE format('GRANT USAGE ON SCHEMA rapport TO %I', {lit});
             EXECUTE format('GRANT SELECT ON rapport.meta, rapport.members, rapport.records, rapport.conflicts TO %I', {lit});
             EXECUTE format('GRANT EXECUTE ON FUNCTION rapport.push(text, bigint, jsonb), rapport.pulled(text, bigint), rapport.resolve(bigint[]) TO %I', {lit});
             EXECUTE format('GRANT EXECUTE ON FUNCTION rapport.push_run(text, text, bigint, jsonb), rapport.purge(int) TO %I', {lit});
             EXECUTE format('GRANT EXECUTE ON FUNCTION rapport.add_member(text, text, text, text) TO %I', {lit});
         END $$;",
        lit = quote_literal(&role)
    ))
    .context("cannot create the team's group role (the manager's login needs CREATEROLE)")?;
    tx.execute(
        "INSERT INTO rapport.meta (key, value) VALUES ('member_role', $1), ('owner_login', $2)",
        &[&role, &login],
    )?;
    tx.execute("INSERT INTO rapport.members (login, rep_uid, is_manager) VALUES ($1, $2, true)", &[&login, &me_uid])?;
    tx.execute("INSERT INTO rapport.devices (device_id, login) VALUES ($1, $2)", &[&device, &login])?;
    let seq: i64 = tx.query_one("SELECT nextval('rapport.seq')", &[])?.get(0);
    let mut n = 0;
    {
        let mut writer =
            tx.copy_in("COPY rapport.records (entity, uid, data, deleted, seq) FROM STDIN WITH (FORMAT csv)")?;
        let mut csv = csv::WriterBuilder::new().has_headers(false).buffer_capacity(1 << 20).from_writer(&mut writer);
        store.sync_dump(&mut |entity, uid, data| {
            let deleted = !data.get("deleted_at").unwrap_or(&Json::Null).is_null();
            csv.write_record([
                entity,
                uid,
                &serde_json::to_string(data)?,
                if deleted { "t" } else { "f" },
                &seq.to_string(),
            ])?;
            n += 1;
            Ok(())
        })?;
        csv.flush()?;
        drop(csv);
        writer.finish()?;
    }
    tx.commit()?;
    store.write(|s| {
        s.set_setting(local::SERVER_KEY, &connect::public_url(url))?;
        s.set_setting(local::DEVICE_KEY, &device)?;
        s.set_setting(local::LOGIN_KEY, &login)?;
        s.set_setting(local::CURSOR_KEY, &seq.to_string())?;
        // The upload is the book's first sync: status says so, not "never synced".
        first_sync(s)?;
        s.sync_mark_all_pushed()
    })?;
    Ok(InitReport { place: server.place, login, records: n, member_role: role })
}

/// `init` and `join` count as a laptop's first sync, and start the weekly
/// purge's count (nothing to purge in the first week).
fn first_sync(s: &Store) -> Result<()> {
    let now = crate::store::timestamp(s.clock().now());
    s.set_setting(local::SYNCED_AT_KEY, &now)?;
    s.set_setting(local::PURGED_AT_KEY, &now)
}

/// Whether this session's login is a manager of the team.
fn is_manager(server: &mut Server) -> Result<bool> {
    let row = server.client.query_opt("SELECT is_manager FROM rapport.members WHERE login = session_user", &[])?;
    Ok(row.is_some_and(|r| r.get(0)))
}

fn quote_literal(s: &str) -> String {
    format!("'{}'", s.replace('\'', "''"))
}

/// Checks the server holds rapport's schema this build can work with.
fn require_rapport(server: &mut Server) -> Result<()> {
    match schema::inspect(server)? {
        schema::Found::Empty => bail!(
            "the database at {} holds no rapport team yet; nothing was changed — the manager starts one with `rapport team init`",
            server.place
        ),
        schema::Found::Rapport(v) if v < schema::SERVER_LATEST => {
            // Only the schema's owner (the manager who made the team) may
            // change it; anyone else would fail half-way on rights.
            let row = server.client.query_one(
                "SELECT pg_get_userbyid(nspowner), pg_has_role(session_user, nspowner, 'USAGE')
                 FROM pg_namespace WHERE nspname = 'rapport'",
                &[],
            )?;
            let (owner, may): (String, bool) = (row.get(0), row.get(1));
            if !may {
                bail!(
                    "the server at {} holds an older rapport schema (version {v}; this build needs {}), and only its owner \
                     {owner} can bring it up to date: their next `rapport sync` does; nothing was changed, and your \
                     changes wait here until then",
                    server.place,
                    schema::SERVER_LATEST
                );
            }
            schema::migrate(server).with_context(|| {
                format!("the server's rapport schema ({v}) is older than this build's ({})", schema::SERVER_LATEST)
            })?;
            Ok(())
        }
        schema::Found::Rapport(_) => Ok(()),
    }
}

/// What a joining laptop takes besides the records, from the same snapshot.
struct Snapshot {
    conflicts: Vec<SyncConflict>,
    cursor: i64,
    rep_uid: Option<String>,
}

fn parse_map(text: &str) -> Result<Map<String, Json>> {
    Ok(serde_json::from_str(text)?)
}

/// Records per batch while streaming the initial copy.
pub const BATCH: usize = 20_000;

/// Streams the team's book from one consistent snapshot (COPY, in reference
/// order) to `apply` in batches; returns the rest of the snapshot.
fn stream_snapshot(
    server: &mut Server,
    size: usize,
    apply: &mut dyn FnMut(&mut [RemoteRecord]) -> Result<()>,
) -> Result<Snapshot> {
    let login = server.login.clone();
    let mut tx = server
        .client
        .build_transaction()
        .isolation_level(postgres::IsolationLevel::RepeatableRead)
        .read_only(true)
        .start()?;
    // Past every purge too: a cursor below the purge horizon would ask for a resync again.
    let cursor: i64 = tx
        .query_one(
            "SELECT greatest(coalesce(max(seq), 0),
                             coalesce((SELECT value::bigint FROM rapport.meta WHERE key = 'purged_through'), 0))
             FROM rapport.records",
            &[],
        )?
        .get(0);
    let conflicts = read_conflicts(&mut tx, 0)?;
    let rep_uid: Option<String> =
        tx.query_opt("SELECT rep_uid FROM rapport.members WHERE login = $1", &[&login])?.and_then(|r| r.get(0));
    let size = size.max(1);
    let mut batch = Vec::with_capacity(size);
    // One entity after another, in the order their links need (reps,
    // accounts, contacts, …). A COPY each, read through the primary key's
    // leading column: one ordered COPY of the whole book made the server
    // sort all of it (13 GB of temporary files for a million accounts).
    for spec in local::SYNCED {
        let copy = format!(
            "COPY (SELECT uid, data::text, clocks::text FROM rapport.records WHERE entity = {}) TO STDOUT WITH (FORMAT csv)",
            quote_literal(spec.entity)
        );
        let reader = tx.copy_out(copy.as_str())?;
        for row in csv::ReaderBuilder::new().has_headers(false).from_reader(std::io::BufReader::new(reader)).records() {
            let row = row?;
            batch.push(RemoteRecord {
                entity: spec.entity.to_string(),
                uid: row[0].to_string(),
                data: parse_map(&row[1])?,
                clocks: parse_map(&row[2])?,
            });
            if batch.len() == size {
                apply(&mut batch)?;
                batch.clear();
            }
        }
    }
    apply(&mut batch)?;
    tx.commit()?;
    Ok(Snapshot { conflicts, cursor, rep_uid })
}

fn read_conflicts(tx: &mut postgres::Transaction<'_>, after: i64) -> Result<Vec<SyncConflict>> {
    let rows = tx.query(
        "SELECT id, entity, uid, field, winner_value, loser_value, winner_hlc, loser_hlc, winner_device, loser_device,
                winner_login, loser_login, to_char(at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'),
                to_char(resolved_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')
         FROM rapport.conflicts WHERE seq > $1 ORDER BY id",
        &[&after],
    )?;
    Ok(rows
        .iter()
        .map(|r| SyncConflict {
            id: r.get(0),
            entity: r.get(1),
            uid: r.get(2),
            field: r.get(3),
            // Kept as JSON text, so types survive for `resolve`.
            winner_value: r.get::<_, Option<Json>>(4).map(|v| v.to_string()),
            loser_value: r.get::<_, Option<Json>>(5).map(|v| v.to_string()),
            winner_hlc: r.get(6),
            loser_hlc: r.get(7),
            winner_device: r.get(8),
            loser_device: r.get(9),
            winner_login: r.get(10),
            loser_login: r.get(11),
            at: r.get(12),
            resolved_at: r.get(13),
        })
        .collect())
}

/// `rapport team join`: the team's book into a new (or empty) local file.
/// Every check on the server comes before the file is touched.
pub fn join(path: &Path, url: &str, secrets: &Secrets) -> Result<JoinReport> {
    join_in_batches(path, url, secrets, BATCH)
}

/// `join`, applying the team's book `batch` records at a time.
pub fn join_in_batches(path: &Path, url: &str, secrets: &Secrets, batch: usize) -> Result<JoinReport> {
    let mut server = connect::connect(url, secrets)?;
    require_rapport(&mut server)?;
    let exists = std::fs::symlink_metadata(path).is_ok();
    if exists {
        // Read-only first: a file that is not empty is left exactly as it was.
        let (store, _) = Store::open(path, OpenMode::ReadOnly)?;
        if store.setting(local::SERVER_KEY).ok().flatten().is_some() || !store.sync_is_empty().unwrap_or(false) {
            bail!("{} already holds a book; nothing was changed — join into a new file (--db NEW.db)", path.display());
        }
    }
    let device = uuid::Uuid::now_v7().to_string();
    let login = server.login.clone();
    let fill = |store: &Store, server: &mut Server| -> Result<(usize, i64)> {
        store.write(|s| {
            let schema = s.sync_load_begin()?;
            let mut n = 0;
            // A link to a record of a later batch is set once every batch is in.
            let mut links = local::Links::default();
            let snap = stream_snapshot(server, batch, &mut |part| {
                n += part.len();
                s.sync_apply_part(part, &device, &mut links).map(drop)
            })?;
            s.sync_link(links)?;
            s.sync_load_end(&schema)?;
            s.sync_save_conflicts(&snap.conflicts)?;
            s.set_setting(local::SERVER_KEY, &connect::public_url(url))?;
            s.set_setting(local::DEVICE_KEY, &device)?;
            s.set_setting(local::LOGIN_KEY, &login)?;
            s.set_setting(local::CURSOR_KEY, &snap.cursor.to_string())?;
            first_sync(s)?;
            if let Some(name) = match &snap.rep_uid {
                Some(uid) => s.rep_name_by_uid(uid)?,
                None => None,
            } {
                s.set_setting("me", &name)?;
            }
            s.sync_mark_all_pushed()?;
            Ok((n, snap.cursor))
        })
    };
    let (n, cursor) = if exists {
        let (store, _) = Store::open(path, OpenMode::Existing)?;
        fill(&store, &mut server)?
    } else {
        // Built aside and moved into place whole: a failed join leaves no file.
        let parent = path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
        let tmp = tempfile::Builder::new().prefix(".rapport-join-").tempdir_in(parent)?;
        let aside = tmp.path().join("book.db");
        let done = {
            let (store, _) = Store::open(&aside, OpenMode::Create)?;
            fill(&store, &mut server)?
        };
        if std::fs::symlink_metadata(path).is_ok() {
            bail!("{} appeared while joining; nothing was changed", path.display());
        }
        std::fs::rename(&aside, path).with_context(|| format!("cannot move the new book to {}", path.display()))?;
        done
    };
    server.client.execute("SELECT rapport.pulled($1, $2)", &[&device, &cursor])?;
    Ok(JoinReport { place: server.place, login, records: n })
}
/// One call of the server's push: ops of a run, numbered `mutation`.
fn push_call(server: &mut Server, device: &str, token: &str, mutation: i64, ops: &[local::Op]) -> Result<Json> {
    let ops = serde_json::to_value(ops)?;
    let row = server
        .client
        .query_one("SELECT rapport.push_run($1, $2, $3, $4)", &[&device, &token, &mutation, &ops])
        .map_err(|e| match e.as_db_error() {
        Some(db) => anyhow!("the server refused the push: {}", db.message()),
        None => connect::Unreachable(format!("the push did not complete ({e}); it is sent again next time")).into(),
    })?;
    Ok(row.get(0))
}

/// Pushes everything waiting here, as a run of calls of at most
/// `opts.push_limit` ops. Returns the refusals the server gave.
fn push_backlog(
    store: &Store,
    server: &mut Server,
    device: &str,
    opts: &SyncOptions,
    report: &mut SyncReport,
) -> Result<Vec<Json>> {
    let mut refused = Vec::new();
    let mut calls = 0usize;
    // A run cut short before goes on first; what was written since follows
    // as a new run. Numbered past the server's once at most.
    let mut rebased = false;
    loop {
        let (run, resumed): (Run, bool) = match store.setting(local::RUN_KEY)?.map(|t| serde_json::from_str(&t)) {
            Some(Ok(run)) => (run, true),
            _ => {
                let pending = store.sync_pending()?;
                if pending.ops.is_empty() {
                    // Changes of what the team does not share: nothing to send.
                    store.sync_end_run(pending.last_change)?;
                    return Ok(refused);
                }
                let n = pending.chunks(opts.push_limit).len() as i64;
                let first = store.sync_mutation()? + 1;
                let run = Run {
                    token: uuid::Uuid::new_v4().to_string(),
                    upto: pending.last_change,
                    first,
                    limit: opts.push_limit,
                    done: 0,
                };
                store.write(|s| {
                    s.set_setting(local::RUN_KEY, &serde_json::to_string(&run)?)?;
                    s.set_setting(local::MUTATION_KEY, &(first + n - 1).to_string())
                })?;
                (run, false)
            }
        };
        // The same ops as when the run began: the change log up to `upto` does not change.
        let pending = store.sync_pending_upto(run.upto)?;
        let chunks = pending.chunks(run.limit);
        let mut behind = None;
        for (i, range) in chunks.iter().enumerate().skip(run.done) {
            let ops = &pending.ops[range.clone()];
            let mutation = run.first + i as i64;
            let answer = push_call(server, device, &run.token, mutation, ops)?;
            if opts.lose_answer_of == Some(calls) {
                return Err(connect::Unreachable(
                    "the push did not complete (its answer was lost); it is sent again next time".into(),
                )
                .into());
            }
            calls += 1;
            report.pushes += 1;
            if answer.get("behind").and_then(Json::as_bool) == Some(true) {
                behind = Some(answer.get("last_mutation").and_then(Json::as_i64).unwrap_or(mutation));
                break;
            }
            report.pushed += ops.len();
            report.kept += answer.get("kept").and_then(Json::as_u64).unwrap_or(0) as usize;
            report.lost += answer.get("lost").and_then(Json::as_u64).unwrap_or(0) as usize;
            report.duplicate |= answer.get("duplicate").and_then(Json::as_bool).unwrap_or(false);
            refused.extend(answer.get("refused").and_then(Json::as_array).cloned().unwrap_or_default());
            let next = Run { done: i + 1, ..run.clone() };
            store.write(|s| {
                s.sync_mark_clocks(ops, device)?;
                let top = s.sync_mutation()?.max(mutation);
                s.set_setting(local::MUTATION_KEY, &top.to_string())?;
                s.set_setting(local::RUN_KEY, &serde_json::to_string(&next)?)
            })?;
        }
        match behind {
            None => {
                store.sync_end_run(run.upto)?;
                if !resumed {
                    return Ok(refused);
                }
            }
            Some(_) if rebased => {
                bail!(
                    "the server kept refusing this laptop's push numbers; nothing was lost — try `rapport sync` again"
                )
            }
            // The server has had pushes numbered this high from this device
            // with another token: this file is older than the device's last
            // push (restored from a backup). Sent as already seen, its changes
            // would be lost; it numbers after the server's and sends them all.
            Some(last) => {
                store.sync_rebase(last)?;
                report.rebased = true;
                rebased = true;
            }
        }
    }
}

/// `rapport sync`: push what waits here, pull what others did.
pub fn sync(store: &Store, secrets: &Secrets) -> Result<SyncReport> {
    sync_with(store, secrets, &SyncOptions::default())
}

/// The first seq the server has not purged tombstones up to.
fn purged_through(server: &mut Server) -> Result<i64> {
    let row = server.client.query_opt("SELECT value FROM rapport.meta WHERE key = 'purged_through'", &[])?;
    Ok(row.and_then(|r| r.get::<_, String>(0).parse().ok()).unwrap_or(0))
}

/// `sync` with its knobs (see `SyncOptions`).
pub fn sync_with(store: &Store, secrets: &Secrets, opts: &SyncOptions) -> Result<SyncReport> {
    let url = server_url(store)?;
    let device =
        store.setting(local::DEVICE_KEY)?.ok_or_else(|| anyhow!("this database has no device id; join again"))?;
    let mut server = connect::connect(&url, secrets)?;
    require_rapport(&mut server)?;
    one_sync_at_a_time(&mut server, &device)?;
    let mut report = SyncReport::default();

    // A clock far ahead of the server's would win every edit for as long as it is ahead.
    let server_ms: i64 =
        server.client.query_one("SELECT (extract(epoch FROM clock_timestamp()) * 1000)::bigint", &[])?.get(0);
    let last = store.sync_clock()?;
    let (clamped, was) = hlc::clamp(last, server_ms);
    if was {
        store.sync_clamp(clamped)?;
        report.clamped_minutes = Some((hlc::millis(last) - server_ms) / 60_000);
    }

    let cursor: i64 = store.setting(local::CURSOR_KEY)?.and_then(|c| c.parse().ok()).unwrap_or(0);
    // Deleted records the server purged may be missing from what a pull
    // after this cursor brings: this laptop downloads the book again, after
    // its own changes are safely on the server.
    let resync = cursor < purged_through(&mut server)?;
    report.changes = store.sync_waiting()?;
    let refused = match push_backlog(store, &mut server, &device, opts, &mut report) {
        Ok(r) => r,
        Err(e) if resync => {
            let waiting = store.sync_waiting()?;
            return Err(e.context(format!(
                "this laptop has been away longer than the server keeps deleted records and must download the team's book \
                 again, but its {waiting} change(s) could not be pushed first; they are kept here, and nothing was downloaded"
            )));
        }
        Err(e) => return Err(e),
    };
    // Conflicts settled here are settled for the team (after the push that
    // carries a kept value, so nobody sees it settled before the value).
    let resolved = store.sync_resolutions()?;
    if !resolved.is_empty() {
        server.client.execute("SELECT rapport.resolve($1)", &[&resolved])?;
        store.sync_resolutions_sent(&resolved)?;
    }

    let top = if resync {
        let mut kept = std::collections::HashSet::new();
        let mut n = 0;
        let snap = store.write(|s| {
            let mut links = local::Links::default();
            let snap = stream_snapshot(&mut server, BATCH, &mut |part| {
                n += part.len();
                kept.extend(part.iter().map(|r| (r.entity.clone(), r.uid.clone())));
                let applied = s.sync_apply_part(part, &device, &mut links)?.0;
                report.held += applied.held;
                report.repaired += applied.repaired;
                Ok(())
            })?;
            s.sync_link(links)?;
            report.gone = s.sync_tombstone_missing(&kept)?;
            s.sync_save_conflicts(&snap.conflicts)?;
            s.set_setting(local::CURSOR_KEY, &snap.cursor.to_string())?;
            s.set_setting(local::SYNCED_AT_KEY, &crate::store::timestamp(s.clock().now()))?;
            Ok(snap)
        })?;
        report.pulled = n;
        report.resynced = true;
        snap.cursor
    } else {
        let (mut records, conflicts, top) = pull_after(&mut server, cursor)?;
        report.pulled = records.len();
        // New ones: a conflict settled meanwhile comes down again, settled.
        report.conflicts = conflicts.iter().filter(|c| c.resolved_at.is_none()).count();
        store.write(|s| {
            let applied = s.sync_apply(&mut records, &device)?.0;
            // This laptop's own changes come back with the pull: not news.
            report.pulled = report.pulled.saturating_sub(applied.echoed);
            report.held = applied.held;
            report.repaired = applied.repaired;
            s.sync_save_conflicts(&conflicts)?;
            s.set_setting(local::CURSOR_KEY, &top.to_string())?;
            s.set_setting(local::SYNCED_AT_KEY, &crate::store::timestamp(s.clock().now()))
        })?;
        top
    };
    server.client.execute("SELECT rapport.pulled($1, $2)", &[&device, &top])?;
    // Refused edits of the team's records came back with the pull; refused
    // new records are taken back here. One line per record and rule.
    let mut told = std::collections::BTreeMap::<(String, String, String), Vec<String>>::new();
    for r in &refused {
        let (Some(e), Some(u), Some(f), Some(why)) =
            (r["e"].as_str(), r["u"].as_str(), r["f"].as_str(), r["why"].as_str())
        else {
            continue;
        };
        if r["new"].as_bool() == Some(true) {
            store.sync_discard(e, u)?;
        }
        if f != "updated_at" {
            told.entry((e.to_string(), u.to_string(), why.to_string())).or_default().push(f.to_string());
        }
    }
    for ((e, u, why), fields) in told {
        report.refused.push(format!(
            "the server refused your change to {} ({}): {why}; it was put back",
            store.sync_label(&e, &u)?,
            fields.join(", ")
        ));
    }
    report.purged = weekly_purge(store, &mut server);
    Ok(report)
}

/// How long a second sync of the same laptop waits for the first.
const SYNC_WAIT: &str = "60s";

/// One sync at a time per laptop: the cockpit's thread and a `rapport sync`
/// (or two of them) would otherwise push the same changes twice, the second
/// told its values were lost. The second waits for the first, then finds its
/// work done. A lock of the server session, so a killed sync never holds it.
fn one_sync_at_a_time(server: &mut Server, device: &str) -> Result<()> {
    server.client.batch_execute(&format!("SET lock_timeout = '{SYNC_WAIT}'"))?;
    let locked = server.client.execute("SELECT pg_advisory_lock(7274617, hashtext($1))", &[&device]);
    server.client.batch_execute("RESET lock_timeout")?;
    match locked {
        Ok(_) => Ok(()),
        Err(e) if e.code() == Some(&postgres::error::SqlState::LOCK_NOT_AVAILABLE) => bail!(
            "another sync of this laptop has been running for over {SYNC_WAIT}; nothing was changed — try again when it ends"
        ),
        Err(e) => Err(e.into()),
    }
}

/// How long a manager's syncs leave between purges of the team's deleted records.
const PURGE_EVERY_DAYS: i64 = 7;

/// Once a week a manager's sync purges the deleted records every device has
/// pulled past (as `rapport team purge` does), so tombstones do not pile up
/// on the server for want of someone remembering. Upkeep, never a reason
/// for a sync to fail: a purge the server refuses waits for next week.
fn weekly_purge(store: &Store, server: &mut Server) -> Option<PurgeReport> {
    let now = store.clock().now();
    let last = store.setting(local::PURGED_AT_KEY).ok()?.and_then(|t| crate::domain::time::parse_timestamp(&t));
    if last.is_some_and(|t| (now.naive_utc() - t).num_days() < PURGE_EVERY_DAYS) {
        return None;
    }
    store.set_setting(local::PURGED_AT_KEY, &crate::store::timestamp(now)).ok()?;
    if !is_manager(server).unwrap_or(false) {
        return None;
    }
    let row = server.client.query_one("SELECT rapport.purge(NULL)", &[]).ok()?;
    serde_json::from_value(row.get::<_, Json>(0)).ok()
}

/// What `rapport team purge` did on the server.
#[derive(Debug, serde::Deserialize)]
pub struct PurgeReport {
    /// Deleted records removed, and the ops that wrote them.
    pub records: i64,
    pub ops: i64,
    /// Every deleted record with a seq up to here is gone.
    pub horizon: i64,
    /// A device not seen for this many days no longer holds purging back.
    pub idle_days: i64,
    /// Devices that have not pulled up to the horizon: each downloads the
    /// book again when it next syncs.
    pub left_behind: Vec<String>,
}

/// `rapport team purge [--idle-days N]` (the manager's): removes from the
/// server the deleted records every device has pulled past, devices not
/// seen for the idle days (a setting of the team, changed with `idle_days`) aside.
pub fn purge(store: &Store, idle_days: Option<i32>, secrets: &Secrets) -> Result<PurgeReport> {
    let url = server_url(store)?;
    let mut server = connect::connect(&url, secrets)?;
    require_rapport(&mut server)?;
    let row =
        server.client.query_one("SELECT rapport.purge($1)", &[&idle_days]).map_err(|e| match e.as_db_error() {
            Some(db) => anyhow!("{}; nothing was purged", db.message()),
            None => anyhow!("the purge did not complete ({e}); nothing was purged"),
        })?;
    Ok(serde_json::from_value(row.get::<_, Json>(0))?)
}

/// The records changed after `cursor`, in pages from one snapshot, with the
/// conflicts recorded meanwhile and the new cursor.
pub fn pull_after(server: &mut Server, cursor: i64) -> Result<(Vec<RemoteRecord>, Vec<SyncConflict>, i64)> {
    let mut tx = server
        .client
        .build_transaction()
        .isolation_level(postgres::IsolationLevel::RepeatableRead)
        .read_only(true)
        .start()?;
    let mut records = Vec::new();
    let mut top = cursor;
    // Keyset pages: the first takes everything after the cursor, the next
    // ones what follows the last row read (a push's records share one seq).
    let (mut k_seq, mut k_entity, mut k_uid) = (cursor, String::new(), String::new());
    let mut first = true;
    loop {
        let rows = tx.query(
            "SELECT entity, uid, data::text, clocks::text, seq FROM rapport.records
             WHERE seq > $1 OR (NOT $5 AND seq = $1 AND (entity, uid) > ($2, $3))
             ORDER BY seq, entity, uid LIMIT $4",
            &[&k_seq, &k_entity, &k_uid, &PAGE, &first],
        )?;
        for r in &rows {
            let seq: i64 = r.get(4);
            top = top.max(seq);
            records.push(RemoteRecord {
                entity: r.get(0),
                uid: r.get(1),
                data: parse_map(r.get(2))?,
                clocks: parse_map(r.get(3))?,
            });
        }
        match rows.last() {
            Some(last) if rows.len() as i64 == PAGE => {
                k_seq = last.get(4);
                k_entity = last.get(0);
                k_uid = last.get(1);
                first = false;
            }
            _ => break,
        }
    }
    let conflicts = read_conflicts(&mut tx, cursor)?;
    // A conflict settled since takes a number of its own.
    let settled: i64 =
        tx.query_one("SELECT coalesce(max(seq), $1) FROM rapport.conflicts WHERE seq > $1", &[&cursor])?.get(0);
    tx.commit()?;
    Ok((records, conflicts, top.max(settled)))
}

/// `rapport team add-rep`: a database role for a person, member of the
/// team's group, tied to their rep in the book (added here when new).
/// Only the team's manager may.
pub fn add_rep(
    store: &Store,
    name: &str,
    login: &str,
    manager: Option<&str>,
    password: &str,
    secrets: &Secrets,
) -> Result<()> {
    use crate::domain::sanitize::line;
    if login.trim().is_empty() || password.is_empty() {
        bail!("add-rep: expected a login and a password");
    }
    // PostgreSQL takes nearly any role name once quoted; a login is typed
    // in connection addresses and .pgpass, so it keeps to what types well.
    let typable = |c: char| c.is_ascii_alphanumeric() || "._-@".contains(c);
    if login.len() > 63 || !login.chars().all(typable) {
        bail!(
            "--login: '{}' is not a login name; expected letters, digits and . _ - @, at most 63 characters; nothing was changed",
            line(&login.chars().take(80).collect::<String>())
        );
    }
    let url = server_url(store)?;
    let mut server = connect::connect(&url, secrets)?;
    require_rapport(&mut server)?;
    let me = server.login.clone();
    if !is_manager(&mut server)? {
        bail!("only the team's managers add reps ({} is not one); nothing was changed", line(&me));
    }
    let taken: bool =
        server.client.query_one("SELECT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = $1)", &[&login])?.get(0);
    if taken {
        bail!("the server already has a role named {}; nothing was changed — choose another --login", line(login));
    }
    // The team's latest first: a rep added on another laptop is found by
    // name here rather than made a second time.
    sync(store, secrets)?;
    let boss_name = match manager {
        Some(m) => Some(m.to_string()),
        None => store.me()?,
    };
    let boss_uid = match &boss_name {
        Some(m) => {
            Some(store.rep_uid_by_name(m)?.ok_or_else(|| anyhow!("--manager: no rep named {} in the book", line(m)))?)
        }
        None => None,
    };
    // The rep record first, so the member row names a record the team has.
    let rep_uid = match store.rep_uid_by_name(name)? {
        Some(uid) => uid,
        None => {
            let manager_id = match &boss_uid {
                Some(uid) => store.sync_local_id("rep", uid)?,
                None => None,
            };
            let mut rep = crate::store::Rep { name: name.to_string(), manager_id, ..Default::default() };
            store.insert(&mut rep)?;
            sync(store, secrets)?;
            rep.meta.uid
        }
    };
    let boss_login: Option<String> = match &boss_uid {
        Some(uid) => {
            server.client.query_opt("SELECT login FROM rapport.members WHERE rep_uid = $1", &[uid])?.map(|r| r.get(0))
        }
        None => None,
    };
    // Only a SCRAM verifier leaves this laptop: the server stores it as it
    // is, and no statement log or parameter dump there ever holds the password.
    let verifier = postgres_protocol::password::scram_sha_256(password.as_bytes());
    // The server's function checks who may (server migration 0004) and
    // makes the role with the owner's rights.
    server
        .client
        .execute("SELECT rapport.add_member($1, $2, $3, $4)", &[&login, &verifier, &rep_uid, &boss_login])
        .map_err(|e| match e.as_db_error() {
            Some(db) => anyhow!("{}; no login was made", db.message()),
            None => anyhow::Error::new(e).context("cannot give the rep a login"),
        })?;
    Ok(())
}
