//! Fuzzy lookup over the whole book: account names, contacts' names and
//! e-mails, and phone numbers by their digits. Pure and in memory, so the
//! cockpit can answer every keystroke without touching the database.

use crate::store::SearchRecord;
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
    /// The text that matched (the account name, a contact's name, e-mail or phone).
    pub text: String,
    /// Why this account is here when it was not its own name: "contact: Jane Roe, CFO".
    pub reason: Option<String>,
    pub score: u32,
    /// Char positions in `text` that matched, for highlighting.
    #[serde(skip)]
    pub indices: Vec<u32>,
    #[serde(skip)]
    record: u32,
}

pub struct Lookup {
    records: Vec<SearchRecord>,
    matcher: Matcher,
    /// The last query and the records it matched: a query that extends it
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
    stored.contains(query) || (stored.len() >= 7 && query.ends_with(stored))
}

impl Lookup {
    pub fn new(records: Vec<SearchRecord>) -> Lookup {
        Lookup { records, matcher: Matcher::new(Config::DEFAULT), last: None }
    }

    pub fn len(&self) -> usize {
        self.records.len()
    }

    pub fn is_empty(&self) -> bool {
        self.records.is_empty()
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
        let candidates: Vec<u32> = match &self.last {
            Some((prev, matched))
                if query.starts_with(prev.as_str()) && phone.is_none() && phone_query(prev).is_none() =>
            {
                matched.clone()
            }
            _ => (0..self.records.len() as u32).collect(),
        };
        let pattern = Pattern::new(query, CaseMatching::Ignore, Normalization::Smart, AtomKind::Fuzzy);
        let mut buf = Vec::new();
        let mut matched = Vec::new();
        let mut best: HashMap<i64, (u32, Field, u32)> = HashMap::new();
        for idx in candidates {
            let rec = &self.records[idx as usize];
            let Some((score, field)) = score_record(rec, &pattern, phone.as_deref(), &mut self.matcher, &mut buf)
            else {
                continue;
            };
            matched.push(idx);
            let slot = best.entry(rec.account_id).or_insert((score, field, idx));
            if score > slot.0 || (score == slot.0 && field == Field::Account && slot.1 != Field::Account) {
                *slot = (score, field, idx);
            }
        }
        self.last = Some((query.to_string(), matched));

        let mut ranked: Vec<(u32, Field, u32)> = best.into_values().collect();
        ranked.sort_by(|a, b| {
            b.0.cmp(&a.0)
                .then_with(|| self.records[a.2 as usize].account.cmp(&self.records[b.2 as usize].account))
                .then_with(|| a.2.cmp(&b.2))
        });
        ranked.truncate(limit);
        ranked
            .into_iter()
            .map(|(score, field, idx)| self.hit(idx, field, score, &pattern, phone.as_deref(), &mut buf))
            .collect()
    }

    fn hit(
        &mut self,
        idx: u32,
        field: Field,
        score: u32,
        pattern: &Pattern,
        phone: Option<&str>,
        buf: &mut Vec<char>,
    ) -> Hit {
        let rec = &self.records[idx as usize];
        let contact = rec.contact.as_ref();
        let text = match field {
            Field::Account => rec.account.clone(),
            Field::Contact => contact.map(|c| c.name.clone()).unwrap_or_default(),
            Field::Email => contact.and_then(|c| c.email.clone()).unwrap_or_default(),
            Field::Phone => contact.and_then(|c| c.phone.clone()).unwrap_or_default(),
        };
        let mut indices = Vec::new();
        match (field, phone) {
            (Field::Phone, Some(q)) => indices = phone_indices(&text, q),
            _ => {
                pattern.indices(Utf32Str::new(&text, buf), &mut self.matcher, &mut indices);
                indices.sort_unstable();
                indices.dedup();
            }
        }
        let reason = contact.map(|c| {
            let who = match (&c.title, field) {
                (Some(t), _) if !t.is_empty() => format!("{}, {}", c.name, t),
                _ => format!("{}, {}", c.name, c.role.label()),
            };
            match field {
                Field::Email => format!("e-mail of {who}"),
                Field::Phone => format!("phone of {who}"),
                _ => format!("contact: {who}"),
            }
        });
        Hit {
            account_id: rec.account_id,
            account: rec.account.clone(),
            field,
            text,
            reason,
            score,
            indices,
            record: idx,
        }
    }
}

fn score_record(
    rec: &SearchRecord,
    pattern: &Pattern,
    phone: Option<&str>,
    matcher: &mut Matcher,
    buf: &mut Vec<char>,
) -> Option<(u32, Field)> {
    let Some(c) = &rec.contact else {
        return pattern.score(Utf32Str::new(&rec.account, buf), matcher).map(|s| (s, Field::Account));
    };
    let mut best: Option<(u32, Field)> = None;
    let mut consider = |s: Option<u32>, f: Field| {
        if let Some(s) = s {
            if best.is_none_or(|(b, _)| s > b) {
                best = Some((s, f));
            }
        }
    };
    if let (Some(q), Some(digits)) = (phone, c.phone_digits.as_deref()) {
        if phone_matches(digits, q) {
            // A phone hit is exact and beats any fuzzy one.
            consider(Some(10_000 + q.len() as u32), Field::Phone);
        }
    }
    consider(pattern.score(Utf32Str::new(&c.name, buf), matcher), Field::Contact);
    if let Some(email) = &c.email {
        consider(pattern.score(Utf32Str::new(email, buf), matcher), Field::Email);
    }
    best
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

impl Hit {
    /// The index of the record in the lookup, for callers that keep extra data.
    pub fn record(&self) -> usize {
        self.record as usize
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::ContactRole;
    use crate::store::ContactHit;

    fn account(id: i64, name: &str) -> SearchRecord {
        SearchRecord { account_id: id, account: name.into(), contact: None }
    }

    fn contact(account_id: i64, account: &str, name: &str, email: &str, phone: &str) -> SearchRecord {
        SearchRecord {
            account_id,
            account: account.into(),
            contact: Some(ContactHit {
                id: account_id * 10,
                name: name.into(),
                title: Some("CFO".into()),
                role: ContactRole::Finance,
                email: Some(email.into()),
                phone: Some(phone.into()),
                phone_digits: Some(phone.chars().filter(|c| c.is_ascii_digit()).collect()),
            }),
        }
    }

    fn sample() -> Lookup {
        Lookup::new(vec![
            account(1, "Acme Logistics"),
            account(2, "Borealis Systems"),
            account(3, "Cobalt Mining"),
            contact(2, "Borealis Systems", "Jane Roe", "jane.roe@borealis.example", "+1 (555) 010-2030"),
            contact(3, "Cobalt Mining", "Acmed Ali", "a.ali@cobalt.example", "+44 20 7946 0123"),
        ])
    }

    #[test]
    fn account_name_match_ranks_first_and_each_account_appears_once() {
        let mut l = sample();
        let hits = l.query("acm", 10);
        let ids: Vec<i64> = hits.iter().map(|h| h.account_id).collect();
        assert_eq!(ids[0], 1);
        assert!(ids.contains(&3), "contact Acmed finds Cobalt: {ids:?}");
        let mut unique = ids.clone();
        unique.dedup();
        assert_eq!(unique.len(), ids.len());
        assert_eq!(hits[0].indices, vec![0, 1, 2]);
    }

    #[test]
    fn contact_match_says_why() {
        let mut l = sample();
        let hits = l.query("roe", 10);
        assert_eq!(hits[0].account_id, 2);
        assert_eq!(hits[0].reason.as_deref(), Some("contact: Jane Roe, CFO"));
    }

    #[test]
    fn phone_matches_on_digits_whatever_the_format() {
        let mut l = sample();
        for q in ["555-010-2030", "5550102030", "+1 555 010 2030", "0102030", "(555) 010"] {
            let hits = l.query(q, 10);
            assert_eq!(hits.first().map(|h| h.account_id), Some(2), "query {q}");
            assert_eq!(hits[0].field, Field::Phone);
        }
        let hits = l.query("+44 20 7946 0123", 5);
        assert_eq!(hits[0].account_id, 3);
        assert_eq!(hits[0].reason.as_deref(), Some("phone of Acmed Ali, CFO"));
    }

    #[test]
    fn narrowing_gives_the_same_answer_as_a_fresh_search() {
        let mut typed = sample();
        for q in ["b", "bo", "bor", "bore"] {
            typed.query(q, 10);
        }
        let narrowed = typed.query("borea", 10);
        let fresh = sample().query("borea", 10);
        assert_eq!(narrowed, fresh);
        // Deleting back widens again.
        assert_eq!(typed.query("c", 10), sample().query("c", 10));
        // A number typed key by key passes through non-phone queries first.
        let mut dialled = sample();
        let mut last = Vec::new();
        for end in 1..="+44 20 7946 0123".len() {
            last = dialled.query(&"+44 20 7946 0123"[..end], 10);
        }
        assert_eq!(last.first().map(|h| h.account_id), Some(3));
    }

    #[test]
    fn nothing_matches_nonsense_and_empty_is_empty() {
        let mut l = sample();
        assert!(l.query("zzzq", 10).is_empty());
        assert!(l.query("   ", 10).is_empty());
    }
}
