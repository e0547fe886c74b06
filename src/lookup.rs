//! Fuzzy lookup over the whole book: account names, contacts' names and
//! e-mails, and phone numbers by their E.164 digits (or typed digits, for
//! numbers libphonenumber does not know; see `domain::phone`). The text lives packed in one
//! buffer, with a lower-case, accent-free key beside each name, so 100,000
//! accounts and 300,000 contacts stay small in memory and every keystroke is
//! answered by plain byte scans without touching the database.

use crate::domain::phone::{Dialled, Region};
use crate::store::{Contact, SearchRow, Store};
use anyhow::Result;
use memchr::memmem;
use nucleo_matcher::pattern::{AtomKind, CaseMatching, Normalization, Pattern};
use nucleo_matcher::{chars, Config, Matcher, Utf32Str};
use serde::Serialize;

/// What part of a record matched.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Field {
    Account,
    Contact,
    Email,
    Phone,
}

/// One account found, with the best reason it was found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Hit {
    pub account_id: i64,
    pub account: String,
    pub field: Field,
    /// The text that matched: the account name, a contact's name, e-mail or phone.
    pub text: String,
    /// The contact that matched, when it was not the account's own name.
    pub contact_id: Option<i64>,
    /// Why this account is here when it was not its own name: "contact: Jane Roe, CFO".
    pub reason: Option<String>,
    pub score: u32,
    /// Char positions in `text` that matched, for highlighting.
    #[serde(skip)]
    pub indices: Vec<u32>,
}

/// A slice of the packed text.
#[derive(Debug, Clone, Copy, Default)]
struct Text {
    start: u32,
    len: u32,
}

/// A name as shown, and its key: lower case with accents folded away, one
/// char for one char, so positions in the key are positions in the name.
#[derive(Debug, Clone, Copy, Default)]
struct Keyed {
    shown: Text,
    key: Text,
}

struct AccountEntry {
    id: i64,
    name: Keyed,
}

struct ContactEntry {
    id: i64,
    /// Index into `accounts`.
    account: u32,
    name: Keyed,
    /// Lower case: addresses do not care.
    email: Text,
    /// The phone's match key: E.164 digits, else the typed ones.
    digits: Text,
}

#[derive(Default)]
pub struct Lookup {
    text: String,
    accounts: Vec<AccountEntry>,
    contacts: Vec<ContactEntry>,
    matcher: Option<Matcher>,
    /// The last query and the entries it matched: a query that extends it
    /// can only match a subset, so typing narrows instead of rescanning.
    last: Option<Narrow>,
    /// Where a dialled national number is read (the config's default region).
    region: Option<Region>,
}

/// What a query left to look at for the next, longer one.
struct Narrow {
    query: String,
    /// It was read as a phone number.
    phone: bool,
    accounts: Vec<u32>,
    /// None: every contact is still a candidate (they were not scanned).
    contacts: Option<Vec<u32>>,
}

/// Lower case without accents, char for char: "Hämäläinen" → "hamalainen".
fn fold(s: &str) -> String {
    s.chars()
        .map(|c| if c.is_ascii() { c.to_ascii_lowercase() } else { chars::to_lower_case(chars::normalize(c)) })
        .collect()
}

impl Lookup {
    /// Everything searchable in the store.
    pub fn build(store: &Store) -> Result<Lookup> {
        let mut lookup = Lookup { region: store.default_region(), ..Lookup::default() };
        store.scan_search(&mut |row| lookup.push(row))?;
        lookup.text.shrink_to_fit();
        lookup.accounts.shrink_to_fit();
        lookup.contacts.shrink_to_fit();
        Ok(lookup)
    }

    fn intern(&mut self, s: &str) -> Text {
        let t = Text { start: self.text.len() as u32, len: s.len() as u32 };
        self.text.push_str(s);
        t
    }

    fn keyed(&mut self, s: &str) -> Keyed {
        let shown = self.intern(s);
        let folded = fold(s);
        let key = if folded == s { shown } else { self.intern(&folded) };
        Keyed { shown, key }
    }

    fn get(&self, t: Text) -> &str {
        &self.text[t.start as usize..(t.start + t.len) as usize]
    }

    /// Adds one row. Contacts must come after their account.
    pub fn push(&mut self, row: SearchRow<'_>) {
        match row {
            SearchRow::Account { id, name } => {
                let name = self.keyed(name);
                self.accounts.push(AccountEntry { id, name });
            }
            SearchRow::Contact { id, account_id, name, email, phone_key } => {
                // Accounts arrive in id order, so their index is a binary search away.
                let Ok(account) = self.accounts.binary_search_by_key(&account_id, |a| a.id) else { return };
                let name = self.keyed(name);
                let email = self.intern(&email.unwrap_or("").to_lowercase());
                let digits = self.intern(phone_key.unwrap_or(""));
                self.contacts.push(ContactEntry { id, account: account as u32, name, email, digits });
            }
        }
    }

    /// Accounts and contacts held.
    pub fn len(&self) -> usize {
        self.accounts.len() + self.contacts.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Bytes held, roughly: for the memory budget.
    pub fn heap_bytes(&self) -> usize {
        self.text.capacity()
            + self.accounts.capacity() * std::mem::size_of::<AccountEntry>()
            + self.contacts.capacity() * std::mem::size_of::<ContactEntry>()
    }

    fn account_of(&self, i: u32) -> usize {
        let i = i as usize;
        if i < self.accounts.len() {
            i
        } else {
            self.contacts[i - self.accounts.len()].account as usize
        }
    }

    /// How entry `i` matches: its best field and how strongly, or None.
    fn classify(&self, i: u32, q: &Query, m: &mut Matcher, buf: &mut Vec<char>) -> Option<(Class, Field)> {
        let i = i as usize;
        if i < self.accounts.len() {
            let name = self.accounts[i].name;
            return self
                .matches(name, q, m, buf)
                .then(|| (q.class(self.get(name.key), Class::AccountText), Field::Account));
        }
        let c = &self.contacts[i - self.accounts.len()];
        if let Some(dialled) = &q.phone {
            if dialled.matches(self.get(c.digits)) {
                return Some((Class::Phone, Field::Phone));
            }
        }
        if self.matches(c.name, q, m, buf) {
            return Some((q.class(self.get(c.name.key), Class::ContactText), Field::Contact));
        }
        let email = self.get(c.email);
        (!email.is_empty() && q.matches_key(email)).then_some((Class::Fuzzy, Field::Email))
    }

    /// A name matches when its key holds every part of the query in order;
    /// the full matcher decides for scripts that do not fold to ASCII.
    fn matches(&self, name: Keyed, q: &Query, m: &mut Matcher, buf: &mut Vec<char>) -> bool {
        let key = self.get(name.key);
        if key.is_ascii() && q.ascii {
            q.matches_key(key)
        } else {
            q.pattern.score(Utf32Str::new(self.get(name.shown), buf), m).is_some()
        }
    }

    /// The entries of `candidates` that match, with how; on both cores when
    /// there are many.
    fn scan(&self, candidates: &[u32], q: &Query) -> Vec<(u32, Class, Field)> {
        let run = |part: &[u32]| {
            let mut m = Matcher::new(Config::DEFAULT);
            let mut buf = Vec::new();
            part.iter()
                .filter_map(|&i| self.classify(i, q, &mut m, &mut buf).map(|(c, f)| (i, c, f)))
                .collect::<Vec<_>>()
        };
        if candidates.len() < 20_000 {
            return run(candidates);
        }
        let (a, b) = candidates.split_at(candidates.len() / 2);
        std::thread::scope(|s| {
            let other = s.spawn(|| run(b));
            let mut found = run(a);
            found.extend(other.join().expect("the scan does not panic"));
            found
        })
    }

    /// The shown text of entry `i`'s field, and its key.
    fn entry_text(&self, i: u32, field: Field) -> (&str, &str) {
        let i = i as usize;
        if i < self.accounts.len() {
            let n = self.accounts[i].name;
            return (self.get(n.shown), self.get(n.key));
        }
        let c = &self.contacts[i - self.accounts.len()];
        match field {
            Field::Email => (self.get(c.email), self.get(c.email)),
            Field::Phone => (self.get(c.digits), self.get(c.digits)),
            _ => (self.get(c.name.shown), self.get(c.name.key)),
        }
    }

    /// The best `limit` accounts for `query`, best first; each account once.
    ///
    /// A first pass only decides whether each entry matches and in which
    /// class (a phone, the text together in an account name, together in a
    /// contact's name, or its letters scattered); finer ranking is spent on
    /// the few accounts that can make the list. When enough account names
    /// hold the text, contacts are not scanned at all, since none of them
    /// could outrank those.
    pub fn query(&mut self, query: &str, limit: usize) -> Vec<Hit> {
        let query = query.trim();
        // Past the limit a query only costs time (a paste into the cockpit's
        // search, say): look up its first part. The command line refuses it.
        let query = match query.char_indices().nth(crate::domain::limits::QUERY_MAX) {
            Some((end, _)) => &query[..end],
            None => query,
        };
        if query.is_empty() || limit == 0 {
            self.last = None;
            return Vec::new();
        }
        let q = Query::new(query, self.region);
        // Narrowing holds for text only: phone matching has other rules.
        let narrows = matches!(&self.last, Some(n)
            if query.starts_with(n.query.as_str()) && q.phone.is_none() && !n.phone);
        let narrowed = if narrows { self.last.take() } else { None };
        let mut matcher = self.matcher.take().unwrap_or_else(|| Matcher::new(Config::DEFAULT));
        let mut buf = Vec::new();
        // Best (class, field, entry) per account index.
        let mut best: Vec<Option<(Class, Field, u32)>> = vec![None; self.accounts.len()];
        let mut keep = |found: Vec<(u32, Class, Field)>| -> (Vec<u32>, usize) {
            let mut in_name = 0;
            let matched = found
                .into_iter()
                .map(|(i, class, field)| {
                    in_name += (class == Class::AccountText) as usize;
                    let slot = &mut best[self.account_of(i)];
                    if slot.is_none_or(|(c, _, _)| class > c) {
                        *slot = Some((class, field, i));
                    }
                    i
                })
                .collect();
            (matched, in_name)
        };
        let all_accounts: Vec<u32>;
        let account_candidates = match narrowed.as_ref() {
            Some(n) => &n.accounts,
            None => {
                all_accounts = (0..self.accounts.len() as u32).collect();
                &all_accounts
            }
        };
        let (accounts, in_name) = keep(self.scan(account_candidates, &q));
        // Enough accounts hold the text in their own name to fill the list,
        // and no contact outranks those: contacts wait for a longer query.
        let contacts = if q.phone.is_none() && in_name >= limit {
            narrowed.and_then(|n| n.contacts)
        } else {
            let list = narrowed
                .and_then(|n| n.contacts)
                .unwrap_or_else(|| (self.accounts.len() as u32..self.len() as u32).collect());
            Some(keep(self.scan(&list, &q)).0)
        };
        self.last = Some(Narrow { query: query.to_string(), phone: q.phone.is_some(), accounts, contacts });

        // The weakest class that still reaches `limit` accounts; nothing below it can make the list.
        let mut per_class = [0usize; 4];
        for (c, _, _) in best.iter().flatten() {
            per_class[*c as usize] += 1;
        }
        let mut floor = Class::Fuzzy;
        let mut seen = 0;
        for c in [Class::Phone, Class::AccountText, Class::ContactText] {
            seen += per_class[c as usize];
            if seen >= limit {
                floor = c;
                break;
            }
        }
        let mut ranked: Vec<(Rank, usize, Class, Field, u32)> = best
            .iter()
            .enumerate()
            .filter_map(|(a, b)| b.filter(|(c, _, _)| *c >= floor).map(|(c, f, i)| (a, c, f, i)))
            .map(|(a, c, f, i)| {
                let (shown, key) = self.entry_text(i, f);
                let rank = match c {
                    Class::Fuzzy => {
                        Rank::fuzzy(q.pattern.score(Utf32Str::new(shown, &mut buf), &mut matcher).unwrap_or(0))
                    }
                    _ => Rank::substring(key, &q.key),
                };
                (rank, a, c, f, i)
            })
            .collect();
        let order = |x: &(Rank, usize, Class, Field, u32), y: &(Rank, usize, Class, Field, u32)| {
            y.2.cmp(&x.2)
                .then(x.0.cmp(&y.0))
                .then_with(|| self.get(self.accounts[x.1].name.key).cmp(self.get(self.accounts[y.1].name.key)))
                .then(x.4.cmp(&y.4))
        };
        if ranked.len() > limit {
            ranked.select_nth_unstable_by(limit - 1, order);
            ranked.truncate(limit);
        }
        ranked.sort_unstable_by(order);
        let hits = ranked
            .into_iter()
            .map(|(rank, a, class, field, i)| {
                let account = &self.accounts[a];
                let (shown, key) = self.entry_text(i, field);
                let text = shown.to_string();
                let contact_id =
                    ((i as usize) >= self.accounts.len()).then(|| self.contacts[i as usize - self.accounts.len()].id);
                let indices = match (class, &q.phone) {
                    (Class::Phone, Some(dialled)) => dialled.positions(&text),
                    (Class::AccountText | Class::ContactText, _) => {
                        let start = key[..rank.position as usize].chars().count() as u32;
                        (start..start + q.key.chars().count() as u32).collect()
                    }
                    _ => {
                        let mut idx = Vec::new();
                        q.pattern.indices(Utf32Str::new(&text, &mut buf), &mut matcher, &mut idx);
                        idx.sort_unstable();
                        idx.dedup();
                        idx
                    }
                };
                Hit {
                    account_id: account.id,
                    account: self.get(account.name.shown).to_string(),
                    field,
                    text,
                    contact_id,
                    reason: None,
                    score: rank.score(class),
                    indices,
                }
            })
            .collect();
        self.matcher = Some(matcher);
        hits
    }
}

/// How strongly an entry matched; higher is better.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Class {
    /// The letters appear, in order, somewhere (or in an e-mail).
    Fuzzy = 0,
    /// The typed text stands as it is in a contact's name.
    ContactText = 1,
    /// The typed text stands as it is in an account's name.
    AccountText = 2,
    /// The digits of a phone number.
    Phone = 3,
}

/// Ordering within a class: lower is better.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
struct Rank {
    /// 0 at the start of a word, 1 inside one.
    inside_word: u8,
    /// Byte position of the match in the key (for the substring classes).
    position: u32,
    /// Shorter texts first: the typed part is more of them.
    len: u32,
    /// Better fuzzy scores first.
    fuzzy: u32,
}

impl Rank {
    fn substring(key: &str, typed: &str) -> Rank {
        let position = memmem::find(key.as_bytes(), typed.as_bytes()).unwrap_or(0);
        let inside_word = key[..position].chars().last().is_some_and(|c| c.is_alphanumeric()) as u8;
        Rank { inside_word, position: position as u32, len: key.len() as u32, fuzzy: 0 }
    }

    fn fuzzy(score: u32) -> Rank {
        Rank { inside_word: 0, position: 0, len: 0, fuzzy: u32::MAX - score }
    }

    /// A single number for callers that show or compare scores.
    fn score(self, class: Class) -> u32 {
        let within = match class {
            Class::Fuzzy => (u32::MAX - self.fuzzy).min(999),
            _ => 999u32.saturating_sub(self.position * 4 + self.inside_word as u32 * 200 + self.len),
        };
        class as u32 * 1000 + within
    }
}

/// The typed text, prepared once per keystroke.
struct Query {
    /// Folded like the keys.
    key: String,
    /// Whitespace-separated parts, each to be found in order.
    atoms: Vec<Vec<u8>>,
    ascii: bool,
    finder: memmem::Finder<'static>,
    pattern: Pattern,
    /// The query read as a phone number, parsed once.
    phone: Option<Dialled>,
}

impl Query {
    fn new(query: &str, region: Option<Region>) -> Query {
        let key = fold(query);
        Query {
            atoms: key.split_whitespace().map(|a| a.as_bytes().to_vec()).collect(),
            ascii: key.is_ascii(),
            finder: memmem::Finder::new(key.as_bytes()).into_owned(),
            pattern: Pattern::new(query, CaseMatching::Ignore, Normalization::Smart, AtomKind::Fuzzy),
            phone: Dialled::parse(query, region),
            key,
        }
    }

    /// Whether every part appears in the key's bytes in order.
    fn matches_key(&self, key: &str) -> bool {
        let t = key.as_bytes();
        self.atoms.iter().all(|atom| {
            // Names are short: one pass beats a vectorised search per letter.
            let mut k = 0;
            for &b in t {
                if b == atom[k] {
                    k += 1;
                    if k == atom.len() {
                        return true;
                    }
                }
            }
            false
        })
    }

    fn class(&self, key: &str, together: Class) -> Class {
        if self.finder.find(key.as_bytes()).is_some() {
            together
        } else {
            Class::Fuzzy
        }
    }
}

/// "contact: Jane Roe, CFO", "e-mail of …", "phone of …".
pub fn reason(contact: &Contact, field: Field) -> String {
    let who = match &contact.title {
        Some(t) if !t.trim().is_empty() => format!("{}, {}", contact.name, t),
        _ => format!("{}, {}", contact.name, contact.role.label()),
    };
    match field {
        Field::Email => format!("e-mail of {who}"),
        Field::Phone => format!("phone of {who}"),
        _ => format!("contact: {who}"),
    }
}

/// Fills in what the packed index leaves out: the reason, and for a phone
/// hit the number as it was written, with its matched digits marked.
pub fn explain(store: &Store, hits: &mut [Hit], query: &str) -> Result<()> {
    let dialled = Dialled::parse(query, store.default_region());
    for hit in hits.iter_mut() {
        let Some(id) = hit.contact_id else { continue };
        let Some(c) = store.get::<Contact>(id)? else { continue };
        hit.reason = Some(reason(&c, hit.field));
        if hit.field == Field::Phone {
            if let (Some(phone), Some(d)) = (&c.phone, &dialled) {
                hit.indices = d.positions(phone);
                hit.text = phone.clone();
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Lookup {
        let mut l = Lookup::default();
        for (id, name) in [(1, "Acme Logistics"), (2, "Borealis Systems"), (3, "Cobalt Mining")] {
            l.push(SearchRow::Account { id, name });
        }
        l.push(SearchRow::Contact {
            id: 20,
            account_id: 2,
            name: "Jane Roe",
            email: Some("jane.roe@borealis.example"),
            phone_key: Some("15550102030"),
        });
        l.push(SearchRow::Contact {
            id: 30,
            account_id: 3,
            name: "Acmed Ali",
            email: Some("a.ali@cobalt.example"),
            phone_key: Some("442079460123"),
        });
        l
    }

    fn ids(hits: &[Hit]) -> Vec<i64> {
        hits.iter().map(|h| h.account_id).collect()
    }

    #[test]
    fn account_name_match_ranks_first_and_each_account_appears_once() {
        let mut l = sample();
        let hits = l.query("acm", 10);
        assert_eq!(ids(&hits), vec![1, 3], "Acme by name, Cobalt through contact Acmed");
        assert_eq!(hits[0].indices, vec![0, 1, 2]);
        assert_eq!(hits[1].field, Field::Contact);
        assert_eq!(hits[1].contact_id, Some(30));
    }

    #[test]
    fn a_query_past_the_limit_is_looked_up_by_its_first_part() {
        let mut l = sample();
        let long = format!("acm{}", " ".repeat(200) + &"z".repeat(100_000));
        assert_eq!(ids(&l.query(&long, 10)), vec![1, 3]);
        let long = format!("acme{}", "z".repeat(100_000));
        assert!(l.query(&long, 10).is_empty());
    }

    #[test]
    fn phone_matches_on_digits_whatever_the_format() {
        let mut l = sample();
        for q in ["555-010-2030", "5550102030", "+1 555 010 2030", "0102030", "(555) 010"] {
            let hits = l.query(q, 10);
            assert_eq!(hits.first().map(|h| h.account_id), Some(2), "query {q}");
            assert_eq!(hits[0].field, Field::Phone);
        }
        assert_eq!(ids(&l.query("+44 20 7946 0123", 5)), vec![3]);
    }

    #[test]
    fn narrowing_gives_the_same_answer_as_a_fresh_search() {
        let mut typed = sample();
        for q in ["b", "bo", "bor", "bore"] {
            typed.query(q, 10);
        }
        assert_eq!(typed.query("borea", 10), sample().query("borea", 10));
        // Deleting back widens again.
        assert_eq!(typed.query("c", 10), sample().query("c", 10));
        // A number typed key by key passes through non-phone queries first.
        let mut dialled = sample();
        let number = "+44 20 7946 0123";
        let mut last = Vec::new();
        for end in 1..=number.len() {
            last = dialled.query(&number[..end], 10);
        }
        assert_eq!(ids(&last), vec![3]);
    }

    #[test]
    fn letters_together_in_an_account_name_rank_above_scattered_ones() {
        let mut l = Lookup::default();
        l.push(SearchRow::Account { id: 1, name: "Lumen Life Sciences" });
        l.push(SearchRow::Account { id: 2, name: "Oakhurst Pharma" });
        l.push(SearchRow::Contact { id: 10, account_id: 1, name: "Aino Korhonen", email: None, phone_key: None });
        assert_eq!(ids(&l.query("akh", 10)), vec![2, 1]);
    }

    #[test]
    fn nothing_matches_nonsense_and_empty_is_empty() {
        let mut l = sample();
        assert!(l.query("zzzq", 10).is_empty());
        assert!(l.query("   ", 10).is_empty());
    }
}
