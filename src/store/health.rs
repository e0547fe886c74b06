//! What health and suggestions read, in set-based queries (one pass per
//! signal over the book, never one query per account), and the snoozes and
//! dismissals of suggestions, written through the change log like any record.

use super::record::{columns, Meta, Record};
use super::{Entity, Store};
use crate::domain::health::{self, AccountSignals, ConflictSignal, DealSignal, Health};
use crate::domain::metrics::{deal_metrics, pace, Span};
use crate::domain::scope::Resolved;
use crate::domain::suggest::{self, AccountFacts, RepFacts, Suggestion};
use crate::domain::time;
use crate::domain::{AccountStatus, Money, Period, TargetScope};
use anyhow::{anyhow, bail, Result};
use chrono::{Days, NaiveDate};
use rusqlite::params;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap};

/// A snooze (until a day) or a dismissal of one suggestion, by its key.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct SuggestionMark {
    #[serde(flatten)]
    pub meta: Meta,
    pub key: String,
    /// "snooze" or "dismiss".
    pub action: String,
    pub until_on: Option<NaiveDate>,
    pub reason: Option<String>,
}

impl Record for SuggestionMark {
    const ENTITY: Entity = Entity::Suggestion;
    const TABLE: &'static str = "suggestion_marks";
    columns! {
        key,
        action,
        until_on,
        reason,
    }
    fn describe(&self) -> String {
        match self.until_on {
            Some(d) => format!("snooze of {} until {d}", self.key),
            None => format!("dismissal of {}", self.key),
        }
    }
}

/// Which accounts a pass reads: all live ones, or a list of ids.
#[derive(Clone, Copy)]
enum Which<'a> {
    All,
    Ids(&'a [i64]),
}

impl Which<'_> {
    /// The SQL condition on `col` (an account id) and its bound value: the
    /// list goes in as `?1`, one JSON array, so the statement text never varies.
    fn filter(self, col: &str) -> (String, String) {
        // A list is read through the account indexes; the whole book is read
        // table by table (see `scan`).
        match self {
            Which::All => ("?1 IS NOT NULL".into(), "[]".into()),
            Which::Ids(ids) => (
                format!("{col} IN (SELECT value FROM json_each(?1))"),
                serde_json::to_string(ids).unwrap_or_else(|_| "[]".into()),
            ),
        }
    }

    /// How the activities and closed deals are read: the whole book in one
    /// sequential pass (an index walk would jump about a million rows;
    /// statistics can tempt the planner into one), a list through the
    /// account index.
    fn scan(self) -> &'static str {
        match self {
            Which::All => "NOT INDEXED",
            Which::Ids(_) => "",
        }
    }
}

/// What a pass over the book gives, per account id.
struct Book {
    accounts: Vec<AccountFacts>,
    owners: Vec<Option<i64>>,
}

fn date_text(d: NaiveDate) -> String {
    d.to_string()
}

/// A contact matched by the people rules, from a row of its id, uid,
/// account, name, e-mail, role and whether anyone spoke with it lately.
fn person_facts(r: &rusqlite::Row<'_>) -> rusqlite::Result<suggest::PersonFacts> {
    Ok(suggest::PersonFacts {
        id: r.get(0)?,
        uid: r.get(1)?,
        account_id: r.get(2)?,
        name: r.get(3)?,
        email: r.get(4)?,
        role: r.get(5)?,
        touched_90d: r.get(6)?,
    })
}

impl Store {
    /// Reads the facts of the accounts `which`: with `health` every signal
    /// of health (else only those the suggestion rules read: the last
    /// meeting, open conflicts and deals, wins), and with `extras` what the
    /// suggestion rules need besides.
    fn read_book(&self, which: Which<'_>, today: NaiveDate, extras: bool, health: bool) -> Result<Book> {
        let zone = self.clock().zone();
        let d90 = date_text(today - Days::new(90));
        let d180 = date_text(today - Days::new(180));
        let d365 = date_text(today - Days::new(365));
        let now = self.now_text();
        let local_day = |ts: &str| time::local_date(ts, zone);

        // Accounts.
        let (cond, list) = which.filter("id");
        let sql = format!(
            "SELECT id, uid, name, sector, tier, status, owner_id, parent_id, annual_value, renewal_date, last_touch_at
             FROM accounts WHERE deleted_at IS NULL AND {cond} ORDER BY id"
        );
        // A list's length is known: no vector twice the size while it grows.
        let expected = match which {
            Which::All => 0,
            Which::Ids(ids) => ids.len(),
        };
        let mut accounts: Vec<AccountFacts> = Vec::with_capacity(expected);
        let mut owners = Vec::with_capacity(expected);
        {
            let mut stmt = self.conn().prepare_cached(&sql)?;
            let mut rows = stmt.query(params![list])?;
            while let Some(r) = rows.next()? {
                let id: i64 = r.get(0)?;
                let mut signals = AccountSignals::new(id, r.get(4)?, r.get(5)?);
                signals.renewal_date = r.get(9)?;
                signals.last_touch = r.get::<_, Option<String>>(10)?.as_deref().and_then(local_day);
                owners.push(r.get(6)?);
                accounts.push(AccountFacts {
                    id,
                    uid: r.get(1)?,
                    name: r.get(2)?,
                    sector: r.get(3)?,
                    annual_value: r.get(8)?,
                    parent_id: r.get(7)?,
                    in_scope: true,
                    signals,
                    contact: None,
                    won_products: Vec::new(),
                    open_products: Vec::new(),
                    won_total: Money::ZERO,
                    won_count: 0,
                    churned_on: None,
                });
            }
        }
        let index: HashMap<i64, usize> = accounts.iter().enumerate().map(|(i, a)| (a.id, i)).collect();
        let at = |id: i64| index.get(&id).copied();

        // Activity in the last two quarters, and the last meeting: one pass.
        // Without health only the meetings, the part the renewal rule reads.
        let (cond, list) = which.filter("account_id");
        let kinds = if health { "'call', 'email', 'meeting', 'note'" } else { "'meeting'" };
        let sql = format!(
            "SELECT account_id, sum(occurred_at >= ?2), sum(occurred_at < ?2),
                    max(CASE WHEN kind = 'meeting' THEN occurred_at END)
             FROM activities {scan}
             WHERE deleted_at IS NULL AND kind IN ({kinds})
               AND occurred_at >= ?3 AND occurred_at <= ?4 AND {cond}
             GROUP BY account_id",
            scan = which.scan()
        );
        {
            let mut stmt = self.conn().prepare_cached(&sql)?;
            let mut rows = stmt.query(params![list, d90, d180, now])?;
            while let Some(r) = rows.next()? {
                let Some(i) = at(r.get(0)?) else { continue };
                let s = &mut accounts[i].signals;
                s.activities_recent = r.get::<_, i64>(1)? as u32;
                s.activities_before = r.get::<_, i64>(2)? as u32;
                s.last_meeting = r.get::<_, Option<String>>(3)?.as_deref().and_then(local_day);
            }
        }

        // Conflicts: the unresolved ones, and how many were opened in 90 days.
        let (cond, list) = which.filter("c.account_id");
        let sql = format!(
            "SELECT c.account_id, c.severity, c.status <> 'resolved', {breached}, c.opened_at >= ?3
             FROM conflicts c
             WHERE c.deleted_at IS NULL AND (c.status <> 'resolved' OR c.opened_at >= ?3) AND {cond}",
            // The shared test reads "now" from ?1, which is the id list here.
            breached = super::conflicts::BREACHED.replace("?1", "?2")
        );
        {
            let mut stmt = self.conn().prepare_cached(&sql)?;
            let mut rows = stmt.query(params![list, now, d90])?;
            while let Some(r) = rows.next()? {
                let Some(i) = at(r.get(0)?) else { continue };
                let s = &mut accounts[i].signals;
                if r.get::<_, bool>(2)? {
                    s.open_conflicts.push(ConflictSignal { severity: r.get(1)?, breached: r.get(3)? });
                }
                if r.get::<_, bool>(4)? {
                    s.conflicts_90d += 1;
                }
            }
        }

        // Open deals, with the day each entered its stage (its last move on the timeline).
        let (cond, list) = which.filter("d.account_id");
        let sql = format!(
            "SELECT d.account_id, d.id, d.name, d.stage, d.amount, d.opened_on, d.expected_close, d.product, d.created_at,
                    (SELECT max(e.occurred_at) FROM activities e
                     WHERE e.deal_id = d.id AND e.kind = 'event' AND e.deleted_at IS NULL)
             FROM deals d
             WHERE d.deleted_at IS NULL AND d.stage NOT IN ('won', 'lost') AND {cond}
             ORDER BY d.id"
        );
        {
            let mut stmt = self.conn().prepare_cached(&sql)?;
            let mut rows = stmt.query(params![list])?;
            while let Some(r) = rows.next()? {
                let Some(i) = at(r.get(0)?) else { continue };
                let name: String = r.get(2)?;
                let opened: Option<NaiveDate> = r.get(5)?;
                let created: String = r.get(8)?;
                let moved = r.get::<_, Option<String>>(9)?.as_deref().and_then(local_day);
                let stage_since = moved.or(opened).or_else(|| local_day(&created)).unwrap_or(today);
                let a = &mut accounts[i];
                if name.to_lowercase().contains("renewal") {
                    a.signals.renewal_deal_open = true;
                }
                if let Some(p) = r.get::<_, Option<String>>(7)? {
                    a.open_products.push(p);
                }
                a.signals.open_deals.push(DealSignal {
                    id: r.get(1)?,
                    name,
                    stage: r.get(3)?,
                    amount: r.get(4)?,
                    stage_since,
                    expected_close: r.get(6)?,
                });
            }
        }

        // Closed deals: losses in 90 days, wins in a year and in all, the last close.
        let (cond, list) = which.filter("account_id");
        let sql = format!(
            "SELECT account_id,
                    sum(stage = 'lost' AND closed_on >= ?2), coalesce(sum(CASE WHEN stage = 'lost' AND closed_on >= ?2 THEN amount END), 0),
                    sum(stage = 'won' AND closed_on >= ?3), sum(stage = 'won'),
                    coalesce(sum(CASE WHEN stage = 'won' THEN amount END), 0), max(closed_on)
             FROM deals {scan}
             WHERE deleted_at IS NULL AND stage IN ('won', 'lost') AND {cond}
             GROUP BY account_id",
            scan = which.scan()
        );
        {
            let mut stmt = self.conn().prepare_cached(&sql)?;
            let mut rows = stmt.query(params![list, d90, d365])?;
            while let Some(r) = rows.next()? {
                let Some(i) = at(r.get(0)?) else { continue };
                let a = &mut accounts[i];
                a.signals.lost_90d = (r.get::<_, i64>(1)? as u32, r.get(2)?);
                a.signals.won_365d = r.get::<_, i64>(3)? as u32;
                a.won_count = r.get::<_, i64>(4)? as u32;
                a.won_total = r.get(5)?;
                if a.signals.status == AccountStatus::Churned {
                    let last_close: Option<NaiveDate> = r.get(6)?;
                    let renewal = a.signals.renewal_date.filter(|d| *d <= today);
                    a.churned_on = renewal.max(last_close);
                }
            }
        }

        // Contacts: how many, and whether a decision maker or champion is among them.
        let (cond, list) = which.filter("account_id");
        let sql = format!(
            "SELECT account_id, count(*), max(role IN ('decision_maker', 'champion'))
             FROM contacts WHERE deleted_at IS NULL AND {cond} GROUP BY account_id"
        );
        if health {
            let mut stmt = self.conn().prepare_cached(&sql)?;
            let mut rows = stmt.query(params![list])?;
            while let Some(r) = rows.next()? {
                let Some(i) = at(r.get(0)?) else { continue };
                let s = &mut accounts[i].signals;
                s.contacts = r.get::<_, i64>(1)? as u32;
                s.has_sponsor = r.get(2)?;
            }
        }

        if extras {
            // Whom to call: a decision maker or champion, else the primary contact.
            let (cond, list) = which.filter("account_id");
            let mut stmt = self.conn().prepare_cached(&format!(
                "SELECT account_id, id, name, role, role IN ('decision_maker', 'champion'), is_primary FROM contacts
                 WHERE deleted_at IS NULL AND (is_primary = 1 OR role IN ('decision_maker', 'champion')) AND {cond}
                 ORDER BY account_id, 5 DESC, is_primary DESC, id"
            ))?;
            let mut rows = stmt.query(params![list])?;
            while let Some(r) = rows.next()? {
                let Some(i) = at(r.get(0)?) else { continue };
                let a = &mut accounts[i];
                if a.contact.is_none() {
                    a.contact = Some((r.get(1)?, r.get(2)?, r.get(3)?));
                }
            }
            // Products won, each once per account.
            let mut stmt = self.conn().prepare_cached(&format!(
                "SELECT DISTINCT account_id, trim(product) FROM deals
                 WHERE deleted_at IS NULL AND stage = 'won' AND product IS NOT NULL AND trim(product) <> '' AND {cond}
                 ORDER BY account_id, product"
            ))?;
            let mut rows = stmt.query(params![list])?;
            while let Some(r) = rows.next()? {
                let Some(i) = at(r.get(0)?) else { continue };
                accounts[i].won_products.push(r.get(1)?);
            }
            // A churned account without closed deals was lost when last touched.
            for a in
                accounts.iter_mut().filter(|a| a.signals.status == AccountStatus::Churned && a.churned_on.is_none())
            {
                a.churned_on = a.signals.renewal_date.filter(|d| *d <= today).or(a.signals.last_touch);
            }
        }
        Ok(Book { accounts, owners })
    }

    /// The health of the live accounts `ids` (all of them with `None`), in
    /// id order; ids of no live account are left out. A list is read through
    /// the indexes; the whole book in one pass per signal.
    pub fn account_health(&self, ids: Option<&[i64]>, today: NaiveDate) -> Result<Vec<(i64, Health)>> {
        let which = match ids {
            Some(ids) => Which::Ids(ids),
            None => Which::All,
        };
        let book = self.read_book(which, today, false, true)?;
        let cfg = self.health_config();
        Ok(book.accounts.iter().map(|a| (a.id, health::score(&a.signals, cfg, today))).collect())
    }

    /// One account's health; `None` for no live account of that id.
    pub fn health_of(&self, id: i64, today: NaiveDate) -> Result<Option<Health>> {
        Ok(self.account_health(Some(&[id]), today)?.into_iter().next().map(|(_, h)| h))
    }

    /// Everything the suggestion rules read, for the accounts of `scope`,
    /// the straightforward way: every account's facts, every unresolved
    /// conflict, every contact whose e-mail or name is found at more than
    /// one account. What `suggest_inputs` must give the same suggestions as.
    #[cfg(test)]
    pub(crate) fn suggest_inputs_whole_book(
        &self,
        scope: &Resolved,
        today: NaiveDate,
    ) -> Result<suggest::SuggestInputs> {
        use crate::domain::suggest::SuggestInputs;
        use crate::domain::time::parse_timestamp;
        let mut book = self.read_book(Which::All, today, true, true)?;
        for (a, owner) in book.accounts.iter_mut().zip(&book.owners) {
            a.in_scope = scope.includes(*owner);
        }
        let now_text = self.now_text();
        let now = parse_timestamp(&now_text).ok_or_else(|| anyhow!("the clock reads {now_text}"))?;

        // Unresolved conflicts.
        let sql = format!(
            "SELECT c.id, c.uid, c.account_id, c.title, c.severity, c.sla_due_at, {breached}, c.status = 'waiting',
                    c.escalation_level
             FROM conflicts c JOIN accounts a ON a.id = c.account_id
             WHERE c.status <> 'resolved' AND c.deleted_at IS NULL AND a.deleted_at IS NULL ORDER BY c.id",
            breached = super::conflicts::BREACHED
        );
        let mut stmt = self.conn().prepare_cached(&sql)?;
        let conflicts =
            stmt.query_map([&now_text], |r| conflict_facts(r, now))?.collect::<rusqlite::Result<Vec<_>>>()?;

        // People found at more than one account, by e-mail or by name.
        let d90 = date_text(today - Days::new(90));
        let mut stmt = self.conn().prepare_cached(
            "WITH e AS (SELECT lower(trim(email)) AS k FROM contacts
                        WHERE deleted_at IS NULL AND email LIKE '%@%'
                        GROUP BY k HAVING count(DISTINCT account_id) > 1),
                  n AS (SELECT lower(trim(name)) AS k FROM contacts WHERE deleted_at IS NULL
                        GROUP BY k HAVING count(DISTINCT account_id) > 1)
             SELECT c.id, c.uid, c.account_id, c.name, c.email, c.role,
                    EXISTS (SELECT 1 FROM activities t WHERE t.contact_id = c.id AND t.deleted_at IS NULL
                            AND t.kind IN ('call', 'email', 'meeting') AND t.occurred_at >= ?1)
             FROM contacts c JOIN accounts a ON a.id = c.account_id
             WHERE c.deleted_at IS NULL AND a.deleted_at IS NULL
               AND (lower(trim(c.email)) IN e OR lower(trim(c.name)) IN n)
             ORDER BY c.id",
        )?;
        let people = stmt.query_map([&d90], person_facts)?.collect::<rusqlite::Result<Vec<_>>>()?;

        Ok(SuggestInputs {
            now,
            accounts: book.accounts,
            conflicts,
            people,
            reps: self.coach_facts(scope, today)?,
            peers: None,
            people_groups: None,
        })
    }

    /// The current quarter of each rep below the scope's root, for a
    /// manager: none for a single rep or everyone.
    fn coach_facts(&self, scope: &Resolved, today: NaiveDate) -> Result<Vec<RepFacts>> {
        let (Some(root), Some(reps)) = (scope.root, scope.reps.as_ref()) else { return Ok(Vec::new()) };
        if reps.len() <= 1 {
            return Ok(Vec::new());
        }
        let cal = self.fiscal_calendar()?;
        let period = Period::quarter_of(cal, today);
        let span = Span::of(period, cal);
        let deals = self.deal_facts(span.start, span.end)?;
        let targets = self.revenue_targets(period)?;
        let mut names: BTreeMap<i64, (String, String)> = BTreeMap::new();
        let mut stmt = self.conn().prepare_cached("SELECT id, uid, name FROM reps WHERE deleted_at IS NULL")?;
        let mut rows = stmt.query([])?;
        while let Some(r) = rows.next()? {
            names.insert(r.get(0)?, (r.get(1)?, r.get(2)?));
        }
        let mut out = Vec::new();
        for &rep in reps.iter().filter(|&&r| r != root) {
            let Some((uid, name)) = names.get(&rep) else { continue };
            let target = targets
                .iter()
                .filter(|t| t.0 == TargetScope::Rep && t.1 == Some(rep))
                .map(|t| t.2)
                .reduce(|a, b| a + b);
            let Some(target) = target else { continue };
            let m = deal_metrics(deals.iter().filter(|d| d.owner_id == Some(rep)), span);
            let p = pace(Some(target), m.won, m.pipeline, period, cal, today);
            out.push(RepFacts {
                id: rep,
                uid: uid.clone(),
                name: name.clone(),
                period: period.to_string(),
                target,
                won: m.won,
                expected_by_today: p.expected_by_today.unwrap_or(Money::ZERO),
                pipeline: m.pipeline,
            });
        }
        Ok(out)
    }

    /// Every suggestion for `scope`, ranked, marks not applied.
    pub fn all_suggestions(&self, scope: &Resolved, today: NaiveDate) -> Result<Vec<Suggestion>> {
        let inputs = self.suggest_inputs(scope, today)?;
        Ok(suggest::suggest(&inputs, self.health_config(), today))
    }

    /// The suggestions for the accounts of `scope`, ranked, without those
    /// dismissed or snoozed past `today`.
    pub fn suggestions(&self, scope: &Resolved, today: NaiveDate) -> Result<Vec<Suggestion>> {
        let hidden = self.hidden_suggestions(today)?;
        let mut list = self.all_suggestions(scope, today)?;
        list.retain(|s| !hidden.contains_key(&s.key));
        Ok(list)
    }

    /// Keys hidden on `today`: dismissed, or snoozed until a later day.
    pub fn hidden_suggestions(&self, today: NaiveDate) -> Result<HashMap<String, SuggestionMark>> {
        let mut stmt = self.conn().prepare_cached(
            "SELECT * FROM suggestion_marks
             WHERE deleted_at IS NULL AND (action = 'dismiss' OR until_on > ?1) ORDER BY id",
        )?;
        let rows = stmt.query_map([today], SuggestionMark::from_row)?;
        let mut out = HashMap::new();
        for m in rows {
            let m = m?;
            out.insert(m.key.clone(), m);
        }
        Ok(out)
    }

    /// A current suggestion (anyone's) by key, for snoozing or dismissing.
    fn current_suggestion(&self, key: &str, today: NaiveDate) -> Result<Suggestion> {
        let key = key.trim();
        if key.is_empty() {
            bail!("the suggestion key is empty; expected one like keep-warm:… as `rapport brief --all` lists them");
        }
        let everyone = Resolved { label: "everyone".into(), root: None, reps: None };
        let found = self.all_suggestions(&everyone, today)?.into_iter().find(|s| s.key == key);
        let Some(found) = found else {
            bail!(
                "'{}' is not a current suggestion (acted on already, or never one); `rapport brief --all` lists them",
                crate::domain::limits::preview(key)
            );
        };
        // Snoozing again moves the day, and a snoozed one may be dismissed; a dismissal is final.
        if self.hidden_suggestions(today)?.get(key).is_some_and(|m| m.action == "dismiss") {
            bail!("'{key}' is dismissed already; `rapport undo` takes a dismissal back");
        }
        Ok(found)
    }

    /// Hides a current suggestion until `until` (a day after today): it
    /// shows again on that day. One undo step.
    pub fn snooze_suggestion(&self, key: &str, until: NaiveDate) -> Result<()> {
        let today = self.clock().today();
        if until <= today {
            bail!("cannot snooze until {until}: expected a day after today ({today})");
        }
        self.write(|s| {
            let found = s.current_suggestion(key, today)?;
            let mut mark =
                SuggestionMark { key: found.key, action: "snooze".into(), until_on: Some(until), ..Default::default() };
            s.insert(&mut mark)?;
            Ok(())
        })
    }

    /// Hides a current suggestion for good, with an optional reason. One undo step.
    pub fn dismiss_suggestion(&self, key: &str, reason: Option<&str>) -> Result<()> {
        let today = self.clock().today();
        let reason = reason.map(str::trim).filter(|r| !r.is_empty()).map(str::to_string);
        if let Some(r) = &reason {
            crate::domain::limits::check("the reason", r, crate::domain::limits::LINE_MAX).map_err(|e| anyhow!(e))?;
        }
        self.write(|s| {
            let found = s.current_suggestion(key, today)?;
            let mut mark = SuggestionMark { key: found.key, action: "dismiss".into(), reason, ..Default::default() };
            s.insert(&mut mark)?;
            Ok(())
        })
    }
}

mod fast;
#[cfg(test)]
mod tests;

/// A conflict's facts from a row of `id, uid, account_id, title, severity,
/// sla_due_at, breached, paused, escalation_level`, as both passes select them.
pub(super) fn conflict_facts(
    r: &rusqlite::Row,
    now: chrono::NaiveDateTime,
) -> rusqlite::Result<suggest::ConflictFacts> {
    let due: String = r.get(5)?;
    Ok(suggest::ConflictFacts {
        id: r.get(0)?,
        uid: r.get(1)?,
        account_id: r.get(2)?,
        title: r.get(3)?,
        severity: r.get(4)?,
        sla_due_at: time::parse_timestamp(&due).unwrap_or(now),
        breached: r.get(6)?,
        paused: r.get(7)?,
        escalation_level: r.get(8)?,
    })
}
