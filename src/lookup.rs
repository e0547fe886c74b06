//! Fuzzy lookup over the whole book: account names, contacts' names and
//! e-mails, and phone numbers by their digits. The text lives packed in one
//! buffer, so 100,000 accounts and 300,000 contacts stay small in memory,
//! and every keystroke is answered without touching the database.

use crate::store::{Contact, SearchRow, Store};
use anyhow::Result;
use nucleo_matcher::pattern::{AtomKind, CaseMatching, Normalization, Pattern};
use nucleo_matcher::{Config, Matcher, Utf32Str};
use serde::Serialize;
use std::collections::HashMap;

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

struct AccountEntry {
    id: i64,
    name: Text,
}

struct ContactEntry {
    id: i64,
    /// Index into `accounts`.
    account: u32,
    name: Text,
    email: Text,
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
    last: Option<(String, Vec<u32>)>,
}

/// Phone-like queries: at least three digits and nothing but digits and
/// the punctuation people type in numbers.
fn phone_query(q: &str) -> Option<String> {
    let digits: String = q.chars().filter(|c| c.is_ascii_digit()).collect();
    let phoney = q.chars().all(|c| c.is_ascii_digit() || " +-().".contains(c));
    (digits.len() >= 3 && phoney).then_some(digits)
}

/// Whether a stored number answers a dialled one: either holds the other, or
/// a caller ID with a country code ends with the stored national number.
fn phone_matches(stored: &str, query: &str) -> bool {
    !stored.is_empty() && (stored.contains(query) || (stored.len() >= 7 && query.ends_with(stored)))
}

impl Lookup {
    /// Everything searchable in the store.
    pub fn build(store: &Store) -> Result<Lookup> {
        let mut lookup = Lookup::default();
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

    fn get(&self, t: Text) -> &str {
        &self.text[t.start as usize..(t.start + t.len) as usize]
    }

    /// Adds one row. Contacts must come after their account.
    pub fn push(&mut self, row: SearchRow<'_>) {
        match row {
            SearchRow::Account { id, name } => {
                let name = self.intern(name);
                self.accounts.push(AccountEntry { id, name });
            }
            SearchRow::Contact { id, account_id, name, email, phone_digits } => {
                // Accounts arrive in id order, so their index is a binary search away.
                let Ok(account) = self.accounts.binary_search_by_key(&account_id, |a| a.id) else { return };
                let name = self.intern(name);
                let email = self.intern(email.unwrap_or(""));
                let digits = self.intern(phone_digits.unwrap_or(""));
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

    /// Entry `i`: accounts first, then contacts.
    fn score_entry(
        &self,
        i: u32,
        query: &str,
        pattern: &Pattern,
        phone: Option<&str>,
        m: &mut Matcher,
        buf: &mut Vec<char>,
    ) -> Option<(u32, Field)> {
        let i = i as usize;
        if i < self.accounts.len() {
            let name = self.get(self.accounts[i].name);
            return pattern
                .score(Utf32Str::new(name, buf), m)
                .map(|s| (s + substring_bonus(name, query, 2000), Field::Account));
        }
        let c = &self.contacts[i - self.accounts.len()];
        let mut best: Option<(u32, Field)> = None;
        let mut consider = |s: Option<u32>, f: Field| {
            if let Some(s) = s {
                if best.is_none_or(|(b, _)| s > b) {
                    best = Some((s, f));
                }
            }
        };
        if let Some(q) = phone {
            if phone_matches(self.get(c.digits), q) {
                // A phone hit is exact and beats any fuzzy one.
                consider(Some(10_000 + q.len() as u32), Field::Phone);
            }
        }
        let name = self.get(c.name);
        consider(
            pattern.score(Utf32Str::new(name, buf), m).map(|s| s + substring_bonus(name, query, 1000)),
            Field::Contact,
        );
        if c.email.len > 0 {
            consider(pattern.score(Utf32Str::new(self.get(c.email), buf), m), Field::Email);
        }
        best
    }

    fn account_of(&self, i: u32) -> usize {
        let i = i as usize;
        if i < self.accounts.len() {
            i
        } else {
            self.contacts[i - self.accounts.len()].account as usize
        }
    }

    /// The best `limit` accounts for `query`, best first; each account once.
    pub fn query(&mut self, query: &str, limit: usize) -> Vec<Hit> {
        let query = query.trim();
        if query.is_empty() {
            self.last = None;
            return Vec::new();
        }
        let phone = phone_query(query);
        // Narrowing holds for fuzzy text only: phone matching has other rules.
        let narrows = matches!(&self.last, Some((prev, _))
            if query.starts_with(prev.as_str()) && phone.is_none() && phone_query(prev).is_none());
        let narrowed = if narrows { self.last.take().map(|l| l.1) } else { None };
        let pattern = Pattern::new(query, CaseMatching::Ignore, Normalization::Smart, AtomKind::Fuzzy);
        let mut matcher = self.matcher.take().unwrap_or_else(|| Matcher::new(Config::DEFAULT));
        let mut buf = Vec::new();
        let mut matched = Vec::new();
        // Best (score, field, entry) per account index.
        let mut best: HashMap<usize, (u32, Field, u32)> = HashMap::new();
        let mut visit = |i: u32, matched: &mut Vec<u32>| {
            if let Some((score, field)) = self.score_entry(i, query, &pattern, phone.as_deref(), &mut matcher, &mut buf)
            {
                matched.push(i);
                let slot = best.entry(self.account_of(i)).or_insert((score, field, i));
                if score > slot.0 || (score == slot.0 && field == Field::Account && slot.1 != Field::Account) {
                    *slot = (score, field, i);
                }
            }
        };
        match &narrowed {
            Some(candidates) => candidates.iter().for_each(|&i| visit(i, &mut matched)),
            None => (0..self.len() as u32).for_each(|i| visit(i, &mut matched)),
        }
        self.last = Some((query.to_string(), matched));

        let mut ranked: Vec<(u32, Field, u32, usize)> = best.into_iter().map(|(a, (s, f, i))| (s, f, i, a)).collect();
        ranked.sort_by(|a, b| {
            b.0.cmp(&a.0)
                .then_with(|| self.get(self.accounts[a.3].name).cmp(self.get(self.accounts[b.3].name)))
                .then_with(|| a.2.cmp(&b.2))
        });
        ranked.truncate(limit);
        let hits = ranked
            .into_iter()
            .map(|(score, field, i, a)| {
                let account = &self.accounts[a];
                let (text, contact_id) = if (i as usize) < self.accounts.len() {
                    (self.get(account.name).to_string(), None)
                } else {
                    let c = &self.contacts[i as usize - self.accounts.len()];
                    let t = match field {
                        Field::Email => c.email,
                        Field::Phone => c.digits,
                        _ => c.name,
                    };
                    (self.get(t).to_string(), Some(c.id))
                };
                let mut indices = Vec::new();
                match (field, phone.as_deref()) {
                    (Field::Phone, Some(q)) => indices = phone_indices(&text, q),
                    _ => {
                        pattern.indices(Utf32Str::new(&text, &mut buf), &mut matcher, &mut indices);
                        indices.sort_unstable();
                        indices.dedup();
                    }
                }
                Hit {
                    account_id: account.id,
                    account: self.get(account.name).to_string(),
                    field,
                    text,
                    contact_id,
                    reason: None,
                    score,
                    indices,
                }
            })
            .collect();
        self.matcher = Some(matcher);
        hits
    }
}

/// Typed letters that stand together in a name beat letters scattered
/// through another: "akh" finds Oakhurst before Aino Korhonen.
fn substring_bonus(haystack: &str, query: &str, bonus: u32) -> u32 {
    let (h, q) = (haystack.as_bytes(), query.as_bytes());
    let found = !q.is_empty() && h.len() >= q.len() && h.windows(q.len()).any(|w| w.eq_ignore_ascii_case(q));
    if found {
        bonus
    } else {
        0
    }
}

/// Positions in a formatted phone number of the digits that matched.
fn phone_indices(text: &str, query: &str) -> Vec<u32> {
    let digit_pos: Vec<u32> =
        text.chars().enumerate().filter(|(_, c)| c.is_ascii_digit()).map(|(i, _)| i as u32).collect();
    let digits: String = text.chars().filter(|c| c.is_ascii_digit()).collect();
    if let Some(start) = digits.find(query) {
        return digit_pos[start..start + query.len()].to_vec();
    }
    // Caller ID longer than the stored number: all of it matched.
    digit_pos
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
    for hit in hits.iter_mut() {
        let Some(id) = hit.contact_id else { continue };
        let Some(c) = store.get::<Contact>(id)? else { continue };
        hit.reason = Some(reason(&c, hit.field));
        if hit.field == Field::Phone {
            if let (Some(phone), Some(q)) = (&c.phone, phone_query(query.trim())) {
                hit.indices = phone_indices(phone, &q);
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
            phone_digits: Some("15550102030"),
        });
        l.push(SearchRow::Contact {
            id: 30,
            account_id: 3,
            name: "Acmed Ali",
            email: Some("a.ali@cobalt.example"),
            phone_digits: Some("442079460123"),
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
        l.push(SearchRow::Contact { id: 10, account_id: 1, name: "Aino Korhonen", email: None, phone_digits: None });
        assert_eq!(ids(&l.query("akh", 10)), vec![2, 1]);
    }

    #[test]
    fn nothing_matches_nonsense_and_empty_is_empty() {
        let mut l = sample();
        assert!(l.query("zzzq", 10).is_empty());
        assert!(l.query("   ", 10).is_empty());
    }

    #[test]
    fn phone_digits_are_marked_in_the_written_number() {
        assert_eq!(phone_indices("+1 (555) 010", "555"), vec![4, 5, 6]);
        assert_eq!(phone_indices("555 0102", "4455501020"), vec![0, 1, 2, 4, 5, 6, 7]);
    }
}
