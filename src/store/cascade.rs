//! Deletes that take care of what hangs off a record: an account goes with
//! its contacts, timeline, deals, conflicts and targets; a rep hands what
//! they own to someone else. Each is one write, so one undo step.

use super::{Account, Activity, Conflict, Contact, Deal, Rep, Store, Target};
use anyhow::{anyhow, bail, Result};
use serde::Serialize;

/// What hangs off an account, counted before it is deleted.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Hanging {
    pub contacts: i64,
    pub timeline_entries: i64,
    pub open_deals: i64,
    pub closed_deals: i64,
    pub open_conflicts: i64,
    pub resolved_conflicts: i64,
    pub targets: i64,
    /// Accounts that name it as their parent: they stay, without a parent.
    pub subsidiaries: i64,
}

impl Hanging {
    pub fn is_empty(&self) -> bool {
        *self == Hanging::default()
    }

    /// "3 contacts, 41 timeline entries, 2 open deals, 1 open conflict".
    pub fn describe(&self) -> String {
        let parts = [
            (self.contacts, "contact", "contacts"),
            (self.timeline_entries, "timeline entry", "timeline entries"),
            (self.open_deals, "open deal", "open deals"),
            (self.closed_deals, "closed deal", "closed deals"),
            (self.open_conflicts, "open conflict", "open conflicts"),
            (self.resolved_conflicts, "resolved conflict", "resolved conflicts"),
            (self.targets, "target", "targets"),
            (self.subsidiaries, "subsidiary (kept, without a parent)", "subsidiaries (kept, without a parent)"),
        ];
        counted(&parts)
    }
}

/// What a rep owns that needs a new owner before they go.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Holdings {
    pub accounts: i64,
    pub open_deals: i64,
    pub open_conflicts: i64,
    /// Reps they manage: these report to the rep's own manager afterwards.
    pub reports: i64,
    /// Their own targets, deleted with them.
    pub targets: i64,
}

impl Holdings {
    /// Whether someone must take over: accounts or open deals would be left without an owner.
    pub fn needs_successor(&self) -> bool {
        self.accounts > 0 || self.open_deals > 0
    }

    pub fn describe(&self) -> String {
        counted(&[
            (self.accounts, "account", "accounts"),
            (self.open_deals, "open deal", "open deals"),
            (self.open_conflicts, "open conflict", "open conflicts"),
            (self.reports, "report", "reports"),
            (self.targets, "target", "targets"),
        ])
    }
}

fn counted(parts: &[(i64, &str, &str)]) -> String {
    let list: Vec<String> = parts
        .iter()
        .filter(|(n, ..)| *n > 0)
        .map(|&(n, one, many)| format!("{n} {}", if n == 1 { one } else { many }))
        .collect();
    if list.is_empty() {
        "nothing else".into()
    } else {
        list.join(", ")
    }
}

const OPEN_DEAL: &str = "stage NOT IN ('won', 'lost')";
const OPEN_CONFLICT: &str = "status <> 'resolved'";

impl Store {
    fn count(&self, sql: &str, id: i64) -> Result<i64> {
        Ok(self.conn().prepare_cached(sql)?.query_row([id], |r| r.get(0))?)
    }

    fn ids(&self, sql: &str, id: i64) -> Result<Vec<i64>> {
        let mut stmt = self.conn().prepare_cached(sql)?;
        let rows = stmt.query_map([id], |r| r.get(0))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// What deleting the account would take with it.
    pub fn account_hanging(&self, id: i64) -> Result<Hanging> {
        let live = |table: &str, more: &str| {
            self.count(&format!("SELECT count(*) FROM {table} WHERE account_id = ?1 AND deleted_at IS NULL{more}"), id)
        };
        Ok(Hanging {
            contacts: live("contacts", "")?,
            timeline_entries: live("activities", "")?,
            open_deals: live("deals", &format!(" AND {OPEN_DEAL}"))?,
            closed_deals: live("deals", &format!(" AND NOT {OPEN_DEAL}"))?,
            open_conflicts: live("conflicts", &format!(" AND {OPEN_CONFLICT}"))?,
            resolved_conflicts: live("conflicts", &format!(" AND NOT {OPEN_CONFLICT}"))?,
            targets: live("targets", "")?,
            subsidiaries: self
                .count("SELECT count(*) FROM accounts WHERE parent_id = ?1 AND deleted_at IS NULL", id)?,
        })
    }

    /// Deletes an account with everything that hangs off it, in one write
    /// (one undo step): its contacts, timeline, deals, conflicts and targets
    /// are tombstoned with it; its subsidiaries stay, without a parent.
    pub fn delete_account(&self, id: i64) -> Result<(Account, Hanging)> {
        self.write(|s| {
            let hanging = s.account_hanging(id)?;
            // The account goes first, so the step reads "delete account …".
            let account = s.delete::<Account>(id)?;
            let children = |table: &str| {
                s.ids(&format!("SELECT id FROM {table} WHERE account_id = ?1 AND deleted_at IS NULL ORDER BY id"), id)
            };
            for a in children("activities")? {
                s.delete::<Activity>(a)?;
            }
            for c in children("conflicts")? {
                s.delete::<Conflict>(c)?;
            }
            for d in children("deals")? {
                s.delete::<Deal>(d)?;
            }
            for c in children("contacts")? {
                s.delete::<Contact>(c)?;
            }
            for t in children("targets")? {
                s.delete::<Target>(t)?;
            }
            for sub in s.ids("SELECT id FROM accounts WHERE parent_id = ?1 AND deleted_at IS NULL ORDER BY id", id)? {
                let mut a = s.require::<Account>(sub)?;
                a.parent_id = None;
                s.update(&mut a)?;
            }
            Ok((account, hanging))
        })
    }

    /// What a rep owns and leads.
    pub fn rep_holdings(&self, id: i64) -> Result<Holdings> {
        Ok(Holdings {
            accounts: self.count("SELECT count(*) FROM accounts WHERE owner_id = ?1 AND deleted_at IS NULL", id)?,
            open_deals: self.count(
                &format!("SELECT count(*) FROM deals WHERE owner_id = ?1 AND deleted_at IS NULL AND {OPEN_DEAL}"),
                id,
            )?,
            open_conflicts: self.count(
                &format!(
                    "SELECT count(*) FROM conflicts WHERE owner_id = ?1 AND deleted_at IS NULL AND {OPEN_CONFLICT}"
                ),
                id,
            )?,
            reports: self.count("SELECT count(*) FROM reps WHERE manager_id = ?1 AND deleted_at IS NULL", id)?,
            targets: self.count("SELECT count(*) FROM targets WHERE rep_id = ?1 AND deleted_at IS NULL", id)?,
        })
    }

    /// Deletes a rep in one write (one undo step). Their accounts, open
    /// deals and open conflicts go to `successor`; without one a rep who owns
    /// accounts or open deals is refused, and open conflicts lose their
    /// owner. Their reports move up to the rep's own manager; their targets
    /// are deleted. Closed deals and the timeline keep naming them.
    pub fn delete_rep(&self, id: i64, successor: Option<i64>) -> Result<(Rep, Holdings)> {
        self.write(|s| {
            let rep = s.require::<Rep>(id)?;
            let holdings = s.rep_holdings(id)?;
            if let Some(to) = successor {
                if to == id {
                    bail!("{} cannot take over from themselves; name another rep", rep.name);
                }
                s.get::<Rep>(to)?.ok_or_else(|| anyhow!("no rep with id {to} to take over"))?;
            } else if holdings.needs_successor() {
                bail!("{} owns {}; name the rep who takes them over", rep.name, holdings.describe());
            }
            let rep = s.delete::<Rep>(id)?;
            for a in s.ids("SELECT id FROM accounts WHERE owner_id = ?1 AND deleted_at IS NULL ORDER BY id", id)? {
                let mut a = s.require::<Account>(a)?;
                a.owner_id = successor;
                s.update(&mut a)?;
            }
            let open_deals = format!("SELECT id FROM deals WHERE owner_id = ?1 AND deleted_at IS NULL AND {OPEN_DEAL}");
            for d in s.ids(&open_deals, id)? {
                let mut d = s.require::<Deal>(d)?;
                d.owner_id = successor;
                s.update(&mut d)?;
            }
            let open_conflicts =
                format!("SELECT id FROM conflicts WHERE owner_id = ?1 AND deleted_at IS NULL AND {OPEN_CONFLICT}");
            for c in s.ids(&open_conflicts, id)? {
                let mut c = s.require::<Conflict>(c)?;
                c.owner_id = successor;
                s.update(&mut c)?;
            }
            for r in s.ids("SELECT id FROM reps WHERE manager_id = ?1 AND deleted_at IS NULL ORDER BY id", id)? {
                let mut r = s.require::<Rep>(r)?;
                r.manager_id = rep.manager_id;
                s.update(&mut r)?;
            }
            for t in s.ids("SELECT id FROM targets WHERE rep_id = ?1 AND deleted_at IS NULL ORDER BY id", id)? {
                s.delete::<Target>(t)?;
            }
            Ok((rep, holdings))
        })
    }
}
