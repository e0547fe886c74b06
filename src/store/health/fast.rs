//! The suggestion pass over a whole book, one set-based query per rule:
//! each finds the few accounts its rule could fire for (a superset, so the
//! pure rule still decides), cross-sell's peers and the network's groups are
//! counted in the passes themselves, and facts are then read for those
//! accounts alone. At 100,000 accounts reading every account's facts, and
//! every contact who shares a common name, took most of half a minute.

use super::{date_text, person_facts, Which};
use crate::domain::health::HealthConfig;
use crate::domain::scope::Resolved;
use crate::domain::suggest::{
    email_key, name_key, size_band, ConflictFacts, PeerGroup, PeopleGroup, PersonFacts, SuggestInputs, MIN_PEERS,
    NAME_GROUP_MAX, SIZE_BANDS,
};
use crate::domain::time::parse_timestamp;
use crate::domain::Money;
use crate::store::Store;
use anyhow::{anyhow, Result};
use chrono::{Days, NaiveDate};
use rusqlite::params;
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::hash::{BuildHasher, Hasher};

/// A 128-bit digest of a key, so that counting 300,000 contacts' e-mails
/// does not keep 300,000 strings: two keys sharing one is beyond chance.
fn digest(parts: impl Fn(&mut foldhash::quality::FoldHasher<'static>)) -> u128 {
    // Two seeds, two independent halves; foldhash, as SipHash was a third of the pass.
    const SEEDS: [foldhash::quality::FixedState; 2] = [
        foldhash::quality::FixedState::with_seed(0x5851_f42d_4c95_7f2d),
        foldhash::quality::FixedState::with_seed(0x1405_7b7e_f767_814f),
    ];
    let mut a = SEEDS[0].build_hasher();
    let mut b = SEEDS[1].build_hasher();
    parts(&mut a);
    parts(&mut b);
    (u128::from(a.finish()) << 64) | u128::from(b.finish())
}

/// SQLite's `lower(trim(x))` (ASCII case, spaces only), digested: the key
/// the whole-book pass finds people at more than one account by. `buf`
/// is reused from row to row.
fn sql_key(text: &str, buf: &mut Vec<u8>) -> u128 {
    buf.clear();
    buf.extend(text.trim_matches(' ').bytes().map(|b| b.to_ascii_lowercase()));
    digest(|h| h.write(buf))
}

fn rule_key(text: &str) -> u128 {
    digest(|h| h.write(text.as_bytes()))
}

/// Which keys were seen at least twice, in two bitsets: never wrong about
/// a key seen twice, now and then wrong about a key seen once.
struct Twice {
    once: Vec<u64>,
    twice: Vec<u64>,
}

impl Twice {
    const BITS: u32 = 22;

    fn new() -> Twice {
        let words = (1usize << Self::BITS) / 64;
        Twice { once: vec![0; words], twice: vec![0; words] }
    }

    fn at(key: u128) -> (usize, u64) {
        let bit = (key as usize) & ((1 << Self::BITS) - 1);
        (bit / 64, 1 << (bit % 64))
    }

    fn add(&mut self, key: u128) {
        let (w, b) = Self::at(key);
        if self.once[w] & b != 0 {
            self.twice[w] |= b;
        }
        self.once[w] |= b;
    }

    fn maybe(&self, key: u128) -> bool {
        let (w, b) = Self::at(key);
        self.twice[w] & b != 0
    }
}

fn sponsor(role: &str) -> bool {
    matches!(role, "decision_maker" | "champion")
}

impl Store {
    /// Everything the suggestion rules read for the accounts of `scope`,
    /// with the facts of only the accounts some rule could fire for or
    /// refers to (a conflict's, a relative's, a moved person's two).
    /// Gives the same suggestions as reading the whole book.
    pub fn suggest_inputs(&self, scope: &Resolved, today: NaiveDate) -> Result<SuggestInputs> {
        let cfg = *self.health_config();
        let now_text = self.now_text();
        let now = parse_timestamp(&now_text).ok_or_else(|| anyhow!("the clock reads {now_text}"))?;

        let mut ids = self.rule_candidates(scope, &cfg, today)?;
        let conflicts = self.conflict_candidates(&now_text, &cfg)?;
        ids.extend(conflicts.iter().map(|c| c.account_id));
        let (peers, below) = self.peer_counts(scope)?;
        ids.extend(below);
        let (people, people_groups) = self.people_to_match(today)?;
        ids.extend(people.iter().map(|p| p.account_id));

        let ids: Vec<i64> = ids.into_iter().collect();
        let mut book = self.read_book(Which::Ids(&ids), today, true, false)?;
        for (a, owner) in book.accounts.iter_mut().zip(&book.owners) {
            a.in_scope = scope.includes(*owner);
        }
        Ok(SuggestInputs {
            now,
            accounts: book.accounts,
            conflicts,
            people,
            reps: self.coach_facts(scope, today)?,
            peers: Some(peers),
            people_groups: Some(people_groups),
        })
    }

    /// The accounts of `scope` that keep warm, renewal, stuck deal,
    /// win-back or the family rule could fire for, and the relatives the
    /// family rule compares a prospect with.
    fn rule_candidates(&self, scope: &Resolved, cfg: &HealthConfig, today: NaiveDate) -> Result<BTreeSet<i64>> {
        // Stored times are UTC and the rules count local days, a day apart
        // at most: each bound keeps a day to spare.
        let before = |days: u32| {
            date_text(today.checked_sub_days(Days::new(u64::from(days))).unwrap_or(NaiveDate::MIN) + Days::new(1))
        };
        let strategic = before(cfg.cadence.strategic);
        let key = before(cfg.cadence.key);
        let stuck = before(cfg.stuck_days);
        let renewal_window = date_text(today + Days::new(90));
        // One pass over the accounts for the rules read from the account
        // (each branch one rule), one over the open deals, and the relatives
        // of prospects through the parent index.
        let mut stmt = self.conn().prepare_cached(
            "SELECT a.id, a.owner_id, 1 FROM accounts a
             WHERE a.deleted_at IS NULL AND (
               -- keep warm: a strategic or key account past its cadence (or never touched)
               (a.status <> 'churned' AND a.tier = 'strategic'
                AND (a.last_touch_at IS NULL OR a.last_touch_at < ?2 OR julianday(a.last_touch_at) IS NULL))
               OR (a.status <> 'churned' AND a.tier = 'key'
                   AND (a.last_touch_at IS NULL OR a.last_touch_at < ?3 OR julianday(a.last_touch_at) IS NULL))
               -- renewal: within 90 days, or lapsed with the renewal deal still open
               OR (a.status <> 'churned' AND a.renewal_date BETWEEN ?1 AND ?5)
               OR (a.status <> 'churned' AND a.renewal_date < ?1
                   AND EXISTS (SELECT 1 FROM deals d WHERE d.account_id = a.id AND d.deleted_at IS NULL
                               AND d.stage NOT IN ('won', 'lost') AND d.name LIKE '%renewal%'))
               -- win-back: churned after buying at least once
               OR (a.status = 'churned'
                   AND EXISTS (SELECT 1 FROM deals d WHERE d.account_id = a.id AND d.deleted_at IS NULL AND d.stage = 'won'))
               -- family: a prospect whose parent or subsidiary is a customer
               OR (a.status = 'prospect'
                   AND (EXISTS (SELECT 1 FROM accounts p WHERE p.id = a.parent_id AND p.deleted_at IS NULL AND p.status = 'customer')
                        OR EXISTS (SELECT 1 FROM accounts c WHERE c.parent_id = a.id AND c.deleted_at IS NULL AND c.status = 'customer'))))
             UNION ALL
             -- stuck deal: in its stage too long, or past its expected close (read in
             -- table order: the planner's index walk jumps about the table)
             SELECT a.id, a.owner_id, 1 FROM deals d NOT INDEXED JOIN accounts a ON a.id = d.account_id
             WHERE d.deleted_at IS NULL AND a.deleted_at IS NULL AND d.stage NOT IN ('won', 'lost')
               AND (d.expected_close < ?1
                    OR coalesce((SELECT max(e.occurred_at) FROM activities e
                                 WHERE e.deal_id = d.id AND e.kind = 'event' AND e.deleted_at IS NULL),
                                d.opened_on, d.created_at) < ?4)
             UNION ALL
             -- the family rule's relatives: a prospect's customer parent and subsidiaries
             SELECT p.id, p.owner_id, 0 FROM accounts a JOIN accounts p ON p.id = a.parent_id
             WHERE a.deleted_at IS NULL AND a.status = 'prospect' AND p.deleted_at IS NULL AND p.status = 'customer'
             UNION ALL
             SELECT c.id, c.owner_id, 0 FROM accounts c JOIN accounts a ON a.id = c.parent_id
             WHERE a.deleted_at IS NULL AND a.status = 'prospect' AND c.deleted_at IS NULL AND c.status = 'customer'",
        )?;
        let mut rows = stmt.query(params![date_text(today), strategic, key, stuck, renewal_window])?;
        let mut ids = BTreeSet::new();
        while let Some(r) = rows.next()? {
            // A rule fires only in scope; a relative counts wherever it is.
            let fires: bool = r.get(2)?;
            if !fires || scope.includes(r.get(1)?) {
                ids.insert(r.get(0)?);
            }
        }
        Ok(ids)
    }

    /// Unresolved conflicts the conflict rule could fire for: breached and
    /// not escalated, or due within the warning (with a day to spare).
    fn conflict_candidates(&self, now_text: &str, cfg: &HealthConfig) -> Result<Vec<ConflictFacts>> {
        let now = parse_timestamp(now_text).ok_or_else(|| anyhow!("the clock reads {now_text}"))?;
        let soon = crate::domain::time::timestamp(
            (now + chrono::TimeDelta::hours(i64::from(cfg.breach_warning_hours)) + chrono::TimeDelta::days(1))
                .and_utc(),
        );
        let sql = format!(
            "SELECT c.id, c.uid, c.account_id, c.title, c.severity, c.sla_due_at, {breached}, c.status = 'waiting',
                    c.escalation_level
             FROM conflicts c JOIN accounts a ON a.id = c.account_id
             WHERE c.status <> 'resolved' AND c.deleted_at IS NULL AND a.deleted_at IS NULL
               AND (c.sla_due_at <= ?2 OR julianday(c.sla_due_at) IS NULL OR ({breached} AND c.escalation_level = 0))
             ORDER BY c.id",
            breached = crate::store::conflicts::BREACHED
        );
        let mut stmt = self.conn().prepare_cached(&sql)?;
        let rows = stmt.query_map(params![now_text, soon], |r| super::conflict_facts(r, now))?;
        Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
    }

    /// Cross-sell's peer groups over the whole book (customers with
    /// something won, by sector and size band: how many, what each product
    /// counts, the median number of products), and the customers of
    /// `scope` in a large enough group that buy fewer than its median.
    fn peer_counts(&self, scope: &Resolved) -> Result<(Vec<PeerGroup>, Vec<i64>)> {
        // The won deals are read in one sequential pass: the stage index
        // would send 200,000 lookups into the table for the product.
        // The accounts are walked in table order, each looking up its wins
        // in a list built from one sequential pass over the deals: the other
        // way round sends 200,000 lookups at random into the accounts.
        let mut stmt = self.conn().prepare_cached(
            "WITH won AS MATERIALIZED (
                 SELECT DISTINCT account_id, trim(product) AS product FROM deals NOT INDEXED
                 WHERE deleted_at IS NULL AND stage = 'won' AND product IS NOT NULL AND trim(product) <> '')
             SELECT a.sector,
                    CASE WHEN a.annual_value / 100 < ?1 THEN 0 WHEN a.annual_value / 100 < ?2 THEN 1 ELSE 2 END,
                    a.id, a.owner_id, a.annual_value, w.product
             FROM accounts a CROSS JOIN won w ON w.account_id = a.id
             WHERE a.deleted_at IS NULL AND a.status = 'customer' AND a.sector IS NOT NULL
             ORDER BY 1, 2, 3",
        )?;
        let mut rows = stmt.query(params![SIZE_BANDS.0, SIZE_BANDS.1])?;
        let mut groups = Vec::new();
        let mut below = Vec::new();
        // One group at a time: its key, its peers (id, in scope, products), its counts.
        let mut current: Option<(String, i64)> = None;
        let mut members: Vec<(i64, bool, usize)> = Vec::new();
        let mut counts: BTreeMap<String, usize> = BTreeMap::new();
        let mut size = size_band(Money::ZERO);
        let mut close = |sector: String,
                         size: &'static str,
                         members: &mut Vec<(i64, bool, usize)>,
                         counts: &mut BTreeMap<String, usize>| {
            let mut sizes: Vec<usize> = members.iter().map(|m| m.2).collect();
            sizes.sort_unstable();
            let median = sizes[sizes.len() / 2];
            if members.len() >= MIN_PEERS {
                below.extend(members.iter().filter(|m| m.1 && m.2 < median).map(|m| m.0));
            }
            groups.push(PeerGroup { sector, size, peers: members.len(), counts: std::mem::take(counts), median });
            members.clear();
        };
        while let Some(r) = rows.next()? {
            let sector: String = r.get(0)?;
            let band: i64 = r.get(1)?;
            if current.as_ref().is_some_and(|(s, b)| *s != sector || *b != band) {
                let (s, _) = current.take().expect("a group is open");
                close(s, size, &mut members, &mut counts);
            }
            if current.is_none() {
                size = size_band(Money::from_cents(r.get(4)?));
                current = Some((sector, band));
            }
            // Each account's products come together: count them as they pass.
            let id: i64 = r.get(2)?;
            match members.last_mut() {
                Some(m) if m.0 == id => m.2 += 1,
                _ => members.push((id, scope.includes(r.get(3)?), 1)),
            }
            *counts.entry(r.get(5)?).or_default() += 1;
        }
        if let Some((s, _)) = current {
            close(s, size, &mut members, &mut counts);
        }
        Ok((groups, below))
    }

    /// The contacts the network rule could match, and its groups of them:
    /// of the contacts whose e-mail or name (as SQLite compares them) is
    /// found at more than one account, those sharing an e-mail, or a name
    /// at most three of them carry, with a champion or decision maker
    /// among them. Three passes over the contacts keep digests of the few
    /// keys found twice, not every name and e-mail; only the people matched
    /// are read in full.
    fn people_to_match(&self, today: NaiveDate) -> Result<(Vec<PersonFacts>, Vec<PeopleGroup>)> {
        // Keys: SQLite's e-mail and name, the rule's e-mail and name.
        let keys = |name: &str, email: Option<&str>, buf: &mut Vec<u8>| -> [Option<u128>; 4] {
            [
                email.filter(|e| e.contains('@')).map(|e| sql_key(e, buf)),
                Some(sql_key(name, buf)),
                email.and_then(email_key).map(|k| rule_key(&k)),
                name_key(name).map(|k| rule_key(&k)),
            ]
        };
        // First, which keys are found at least twice among all contacts
        // (a key found once neither joins accounts nor forms a group); a
        // few found once pass as well, which only costs a little counting.
        let mut twice: [Twice; 4] = std::array::from_fn(|_| Twice::new());
        let mut stmt = self.conn().prepare_cached("SELECT name, email FROM contacts WHERE deleted_at IS NULL")?;
        let mut rows = stmt.query([])?;
        let mut buf = Vec::new();
        while let Some(r) = rows.next()? {
            let found = keys(r.get_ref(0)?.as_str()?, r.get_ref(1)?.as_str_or_null()?, &mut buf);
            for (t, k) in twice.iter_mut().zip(found) {
                if let Some(k) = k {
                    t.add(k);
                }
            }
        }
        // Which e-mails and names SQLite finds at more than one account.
        let shared = {
            let mut spans: [HashMap<u128, (i64, i64)>; 2] = [HashMap::new(), HashMap::new()];
            let mut stmt =
                self.conn().prepare_cached("SELECT account_id, name, email FROM contacts WHERE deleted_at IS NULL")?;
            let mut rows = stmt.query([])?;
            while let Some(r) = rows.next()? {
                let account: i64 = r.get(0)?;
                let email = r.get_ref(2)?.as_str_or_null()?.filter(|e| e.contains('@'));
                let found = [email.map(|e| sql_key(e, &mut buf)), Some(sql_key(r.get_ref(1)?.as_str()?, &mut buf))];
                for i in 0..2 {
                    if let Some(k) = found[i].filter(|k| twice[i].maybe(*k)) {
                        let e = spans[i].entry(k).or_insert((account, account));
                        e.0 = e.0.min(account);
                        e.1 = e.1.max(account);
                    }
                }
            }
            spans.map(|m| m.into_iter().filter(|(_, (lo, hi))| lo != hi).map(|(k, _)| k).collect::<HashSet<u128>>())
        };
        // Of those contacts (at live accounts), the rule's groups: how many
        // share each e-mail and each name as the rule compares them, and
        // whether a sponsor is among them. Each group is a slot.
        const NONE: u32 = u32::MAX;
        let mut slots: [HashMap<u128, u32>; 2] = [HashMap::new(), HashMap::new()];
        let mut tally: [Vec<(usize, bool)>; 2] = [Vec::new(), Vec::new()];
        let mut matched: Vec<(i64, [u32; 2])> = Vec::new();
        {
            // Contacts of deleted accounts are left out by a short list, not
            // a lookup of each contact's account.
            let gone: HashSet<i64> = {
                let mut stmt = self.conn().prepare_cached("SELECT id FROM accounts WHERE deleted_at IS NOT NULL")?;
                let ids = stmt.query_map([], |r| r.get(0))?;
                ids.collect::<rusqlite::Result<_>>()?
            };
            let mut stmt = self.conn().prepare_cached(
                "SELECT c.id, c.role, c.name, c.email, c.account_id FROM contacts c WHERE c.deleted_at IS NULL",
            )?;
            let mut rows = stmt.query([])?;
            while let Some(r) = rows.next()? {
                if gone.contains(&r.get(4)?) {
                    continue;
                }
                let [se, sn, ek, nk] = keys(r.get_ref(2)?.as_str()?, r.get_ref(3)?.as_str_or_null()?, &mut buf);
                if !se.is_some_and(|k| shared[0].contains(&k)) && !sn.is_some_and(|k| shared[1].contains(&k)) {
                    continue;
                }
                let is_sponsor = sponsor(r.get_ref(1)?.as_str()?);
                let mut at = [NONE; 2];
                for (i, key) in [ek, nk].into_iter().enumerate() {
                    let Some(key) = key.filter(|k| twice[i + 2].maybe(*k)) else { continue };
                    let next = tally[i].len() as u32;
                    let slot = *slots[i].entry(key).or_insert(next);
                    if slot == next {
                        tally[i].push((0, false));
                    }
                    let t = &mut tally[i][slot as usize];
                    t.0 += 1;
                    t.1 |= is_sponsor;
                    at[i] = slot;
                }
                if at != [NONE; 2] {
                    matched.push((r.get(0)?, at));
                }
            }
        }
        drop(slots);
        let useful = |i: usize, slot: u32| {
            let Some(&(n, sponsored)) = tally[i].get(slot as usize) else { return false };
            sponsored && n >= 2 && (i == 0 || n <= NAME_GROUP_MAX)
        };
        let wanted: Vec<(i64, bool, bool)> =
            matched.iter().map(|(id, at)| (*id, useful(0, at[0]), useful(1, at[1]))).filter(|w| w.1 || w.2).collect();
        drop(matched);
        let ids: Vec<i64> = wanted.iter().map(|w| w.0).collect();
        let list = serde_json::to_string(&ids)?;

        // The matched people in full, and whether anyone spoke with them lately.
        let mut stmt = self.conn().prepare_cached(
            "SELECT c.id, c.uid, c.account_id, c.name, c.email, c.role,
                    EXISTS (SELECT 1 FROM activities t WHERE t.contact_id = c.id AND t.deleted_at IS NULL
                            AND t.kind IN ('call', 'email', 'meeting') AND t.occurred_at >= ?2)
             FROM contacts c WHERE c.id IN (SELECT value FROM json_each(?1)) ORDER BY c.id",
        )?;
        let people = stmt
            .query_map(params![list, date_text(today - Days::new(90))], person_facts)?
            .collect::<rusqlite::Result<Vec<_>>>()?;

        // The groups, by the rule's own keys, each only of those matched that way.
        let flags: HashMap<i64, (bool, bool)> = wanted.iter().map(|w| (w.0, (w.1, w.2))).collect();
        let mut emails: BTreeMap<String, Vec<usize>> = BTreeMap::new();
        let mut names: BTreeMap<String, Vec<usize>> = BTreeMap::new();
        for (i, p) in people.iter().enumerate() {
            let (e, n) = flags.get(&p.id).copied().unwrap_or_default();
            if let Some(k) = p.email.as_deref().and_then(email_key).filter(|_| e) {
                emails.entry(k).or_default().push(i);
            }
            if let Some(k) = name_key(&p.name).filter(|_| n) {
                names.entry(k).or_default().push(i);
            }
        }
        let groups = emails
            .into_values()
            .map(|members| PeopleGroup { by_email: true, members })
            .chain(names.into_values().map(|members| PeopleGroup { by_email: false, members }))
            .collect();
        Ok((people, groups))
    }
}
