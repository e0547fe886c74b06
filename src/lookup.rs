//! Fuzzy lookup over the whole book: account names, contacts' names and
//! e-mails, and phone numbers by their E.164 digits (or typed digits, for
//! numbers libphonenumber does not know; see `domain::phone`). The text lives packed in one
//! buffer, with a lower-case, accent-free key beside each name, so 100,000
//! accounts and 300,000 contacts stay small in memory and every keystroke is
//! answered by plain byte scans without touching the database.
//!
//! It is the one ranking of accounts and contacts: `rapport find`, the
//! account `rapport log` names and the cockpit's `/` all go through
//! `Lookup::query` (short lists of names through `rank_names`). The index is
//! kept in a file beside the database (`NAME-lookup`), stamped with the
//! book's search log (schema 9), so a process reads it instead of the book
//! and then only the rows changed since it was written. The cockpit and
//! commands that write keep that file; `find` only reads it.

use crate::domain::phone::{Dialled, Region};
use crate::domain::text::{fold, fold_origins};
use crate::store::{Contact, SearchRow, Store};
use anyhow::Result;
use memchr::memmem;
use nucleo_matcher::pattern::{AtomKind, CaseMatching, Normalization, Pattern};
use nucleo_matcher::{Config, Matcher, Utf32Str};
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

/// An account: its name (and folded key) at `start` in the packed text.
#[derive(Debug, Clone, Copy)]
struct AccountEntry {
    id: i64,
    start: u32,
    /// Bytes of the name as shown.
    name: u16,
    /// Bytes of the folded key right after it; 0 when the name is its own key.
    key: u16,
    /// The bytes the key holds (`Letters`): a query needing others cannot match.
    letters: u64,
}

/// A contact: name, key and e-mail one after the other at `start`, phone
/// digits at `phone`. Lengths in bytes; 40 bytes a contact.
#[derive(Debug, Clone, Copy)]
struct ContactEntry {
    id: i64,
    /// Index into `accounts`.
    account: u32,
    start: u32,
    name: u16,
    key: u16,
    /// Lower case: addresses do not care.
    email: u16,
    /// The phone's match key: E.164 digits, else the typed ones.
    digits: u16,
    /// Where those digits are: apart from the rest, with every other
    /// contact's in the index file, so that a number dialled reads them alone.
    phone: u32,
    /// The bytes the key and the e-mail hold, together (`Letters`).
    letters: u64,
}

/// Which bytes a text holds, as a bit each (letters, digits, and the rest
/// shared out over the other bits): an entry whose key lacks one of the
/// query's bytes is passed over without reading its text. Keys that do not
/// fold to ASCII are matched by the full matcher, and hold every bit.
struct Letters;

impl Letters {
    const ALL: u64 = u64::MAX;

    fn bit(b: u8) -> u64 {
        1 << match b {
            b'a'..=b'z' => b - b'a',
            b'0'..=b'9' => 26 + b - b'0',
            _ => 36 + b % 28,
        }
    }

    fn of(s: &str) -> u64 {
        s.bytes().fold(0, |m, b| m | Letters::bit(b))
    }

    fn of_key(key: &str) -> u64 {
        if key.is_ascii() {
            Letters::of(key)
        } else {
            Letters::ALL
        }
    }
}

/// The packed text: the index file's, mapped and read in place, then what
/// was added since (names added or changed after the file was written).
#[derive(Default)]
struct Text {
    /// Not copied: the page cache holds it once for every process, and a
    /// query reads only the pages it touches.
    file: Option<FileText>,
    /// Offsets past the file's text land here.
    added: String,
}

struct FileText {
    map: memmap2::Mmap,
    /// Where the text starts in the file, and its length.
    at: usize,
    len: usize,
}

impl Text {
    #[inline]
    fn base(&self) -> usize {
        self.file.as_ref().map_or(0, |f| f.len)
    }

    fn len(&self) -> usize {
        self.base() + self.added.len()
    }

    fn push_str(&mut self, s: &str) {
        self.added.push_str(s);
    }

    /// The text at `start`, `len` bytes; "" when that is not whole chars. The
    /// file's text is checked here, where it is read, not all at once when
    /// opened: a damaged slice reads as empty and matches nothing.
    #[inline]
    fn get(&self, start: u32, len: u16) -> &str {
        let (start, end) = (start as usize, start as usize + len as usize);
        let base = self.base();
        match &self.file {
            Some(f) if start < base => {
                if end > base {
                    return "";
                }
                let bytes = &f.map[f.at + start..f.at + end];
                if bytes.is_ascii() {
                    // SAFETY: ASCII is UTF-8; checked just above, cheaper than the general check.
                    unsafe { std::str::from_utf8_unchecked(bytes) }
                } else {
                    std::str::from_utf8(bytes).unwrap_or("")
                }
            }
            _ => self.added.get(start - base..end - base).unwrap_or(""),
        }
    }

    /// Bytes held on the heap (the mapped file is the page cache's).
    fn heap_bytes(&self) -> usize {
        self.added.capacity()
    }

    fn shrink_to_fit(&mut self) {
        self.added.shrink_to_fit();
    }

    /// Lets the mapped pages go from this process (they stay in the page
    /// cache, and come back on the next read): for a long-lived holder between searches.
    fn release(&self) {
        if let Some(f) = &self.file {
            // SAFETY: the map is read-only and shared with the file, which is
            // only ever replaced whole (never written in place): dropping its
            // pages loses nothing, the next read faults them back from the file.
            let _ = unsafe { f.map.unchecked_advise(memmap2::UncheckedAdvice::DontNeed) };
        }
    }
}

/// The entry tables of a mapped index file: offsets and counts.
#[derive(Debug, Clone, Copy)]
struct FileEntries {
    accounts: usize,
    n_accounts: usize,
    contacts: usize,
    n_contacts: usize,
}

#[inline]
fn account_at(b: &[u8]) -> (AccountEntry, bool) {
    let a = AccountEntry {
        id: le64(b, 0) as i64,
        start: le32(b, 8),
        name: le16(b, 12),
        key: le16(b, 14),
        letters: le64(b, 16),
    };
    (a, b[24] != 0)
}

#[inline]
fn contact_at(b: &[u8]) -> (ContactEntry, bool) {
    let c = ContactEntry {
        id: le64(b, 0) as i64,
        account: le32(b, 8),
        start: le32(b, 12),
        name: le16(b, 16),
        key: le16(b, 18),
        email: le16(b, 20),
        digits: le16(b, 22),
        letters: le64(b, 24),
        phone: le32(b, 32),
    };
    (c, b[36] != 0)
}

/// Where `id` is among `n` entries in id order, as `slice::binary_search` says.
fn search_ids(n: usize, id: i64, id_at: impl Fn(usize) -> i64) -> Result<usize, usize> {
    let (mut lo, mut hi) = (0, n);
    while lo < hi {
        let mid = lo + (hi - lo) / 2;
        match id_at(mid).cmp(&id) {
            std::cmp::Ordering::Less => lo = mid + 1,
            std::cmp::Ordering::Greater => hi = mid,
            std::cmp::Ordering::Equal => return Ok(mid),
        }
    }
    Err(lo)
}

#[derive(Default)]
pub struct Lookup {
    text: Text,
    accounts: Vec<AccountEntry>,
    contacts: Vec<ContactEntry>,
    /// Deleted records stay in the index, so that an undo or a restore is a
    /// change of flag; they never match. A contact of a deleted account does not either.
    dead_accounts: Vec<bool>,
    dead_contacts: Vec<bool>,
    /// Where the entries are in the mapped index file when they are read
    /// there in place (the vectors above are then empty until a change
    /// needs them on the heap).
    in_file: Option<FileEntries>,
    /// Bytes of `text` no entry points to any more (names changed since it was packed).
    garbage: usize,
    /// The search log's token and the last change this index holds; None
    /// for an index of a database without a search log (schema < 9) or of names alone.
    stamp: Option<(String, i64)>,
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
    /// How it was read as a phone number, if it was.
    phone: Option<Dialled>,
    accounts: Vec<u32>,
    /// None: every contact is still a candidate (they were not scanned).
    contacts: Option<Vec<u32>>,
}

/// At most `max` bytes of `s`, cut at a char boundary: the index keeps
/// lengths in 16 bits, far beyond any name the forms accept.
fn clip(s: &str, max: usize) -> &str {
    if s.len() <= max {
        return s;
    }
    let mut end = max;
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    &s[..end]
}

const MAX_FIELD: usize = u16::MAX as usize;

/// Past this many changed rows, catching up costs more than building anew.
const CATCH_UP_MAX: usize = 20_000;

/// An index file that had to catch up on more rows than this is written
/// again, so the next process starts from where this one got to.
const SAVE_AFTER: usize = 200;

impl Lookup {
    /// Everything searchable in the store, read from its tables.
    pub fn build(store: &Store) -> Result<Lookup> {
        let mut lookup = Lookup { region: store.default_region(), ..Lookup::default() };
        let stamp = store.scan_search(&mut |row| {
            lookup.apply(row);
        })?;
        lookup.stamp = stamp.map(|s| (s.token, s.seq));
        lookup.text.shrink_to_fit();
        lookup.accounts.shrink_to_fit();
        lookup.contacts.shrink_to_fit();
        lookup.dead_accounts.shrink_to_fit();
        lookup.dead_contacts.shrink_to_fit();
        Ok(lookup)
    }

    /// The index of the store's book, from the file kept beside the
    /// database when there is one that this book wrote, caught up on the
    /// changes made since; else read from the tables. Writes nothing: reading
    /// commands (`rapport find`) leave the folder as it was.
    pub fn open(store: &Store) -> Result<Lookup> {
        Lookup::load(store, false)
    }

    /// `open`, writing the index file again when it was missing, stale or
    /// far behind, so that the next process starts from here: for the
    /// cockpit and commands that write.
    pub fn open_and_keep(store: &Store) -> Result<Lookup> {
        Lookup::load(store, true)
    }

    fn load(store: &Store, keep: bool) -> Result<Lookup> {
        let Some(path) = snapshot_path(store) else { return Lookup::build(store) };
        let Some(stamp) = store.search_stamp()? else { return Lookup::build(store) };
        let loaded = std::fs::File::open(&path).ok().and_then(|f| Lookup::decode(&f, &stamp.token));
        let mut lookup = match loaded {
            Some(mut l) if stamp.reaches_back_to(l.seq()) => {
                l.region = store.default_region();
                match l.catch_up(store)? {
                    CaughtUp::Rows(n) if n <= SAVE_AFTER => return Ok(l),
                    _ => l,
                }
            }
            _ => Lookup::build(store)?,
        };
        if keep {
            // A cache: when it cannot be written (a read-only folder), the next process builds again.
            if lookup.save(&path).is_ok() {
                // Then read in place from the file just written rather than
                // holding all of its text on the heap.
                if let Some(mut mapped) = std::fs::File::open(&path).ok().and_then(|f| Lookup::decode(&f, &stamp.token))
                {
                    mapped.region = lookup.region;
                    lookup = mapped;
                }
            }
        }
        lookup.last = None;
        Ok(lookup)
    }

    /// Lets the pages of the index file go from this process until the next
    /// query: a long-lived holder (the cockpit) between searches. They stay
    /// in the page cache, so the next query reads them back cheaply.
    pub fn release_pages(&self) {
        self.text.release();
    }

    fn seq(&self) -> i64 {
        self.stamp.as_ref().map_or(0, |s| s.1)
    }

    /// Brings the index up to the store's search log: reads the rows changed
    /// since it was made (by this process or any other), or the whole book
    /// when the log no longer reaches back that far.
    pub fn catch_up(&mut self, store: &Store) -> Result<CaughtUp> {
        let Some((token, seq)) = self.stamp.clone() else { return Ok(CaughtUp::Rows(0)) };
        let Some(now) = store.search_stamp()? else { return Ok(CaughtUp::Rows(0)) };
        if now.seq == seq && now.token == token {
            return Ok(CaughtUp::Rows(0));
        }
        if now.token != token || !now.reaches_back_to(seq) {
            return self.rebuild(store);
        }
        let Some((now, accounts, contacts)) = store.search_changes(seq)? else { return self.rebuild(store) };
        let rows = accounts.len() + contacts.len();
        if rows > CATCH_UP_MAX {
            return self.rebuild(store);
        }
        let mut in_place = true;
        store.search_rows(&accounts, &contacts, &mut |row| in_place &= self.apply(row))?;
        if !in_place {
            return self.rebuild(store);
        }
        self.stamp = Some((now.token, now.seq));
        self.last = None;
        Ok(CaughtUp::Rows(rows))
    }

    fn rebuild(&mut self, store: &Store) -> Result<CaughtUp> {
        let matcher = self.matcher.take();
        *self = Lookup::build(store)?;
        self.matcher = matcher;
        Ok(CaughtUp::Rebuilt)
    }

    fn intern(&mut self, s: &str) -> u16 {
        let s = clip(s, MAX_FIELD);
        self.text.push_str(s);
        s.len() as u16
    }

    /// Packs a name and, when folding changes it, its key; returns where
    /// they start and their lengths.
    fn keyed(&mut self, s: &str) -> (u32, u16, u16) {
        let start = self.text.len() as u32;
        let s = clip(s, MAX_FIELD);
        let name = self.intern(s);
        let folded = fold(s);
        let key = if folded == s { 0 } else { self.intern(&folded) };
        (start, name, key)
    }

    fn slice(&self, start: u32, len: u16) -> &str {
        self.text.get(start, len)
    }

    #[inline]
    fn n_accounts(&self) -> usize {
        self.in_file.map_or(self.accounts.len(), |f| f.n_accounts)
    }

    #[inline]
    fn n_contacts(&self) -> usize {
        self.in_file.map_or(self.contacts.len(), |f| f.n_contacts)
    }

    /// The mapped index file; only called when entries are read there.
    #[inline]
    fn file(&self) -> &[u8] {
        self.text.file.as_ref().map_or(&[], |f| &f.map[..])
    }

    /// Account `i` and whether it is deleted.
    #[inline]
    fn account(&self, i: usize) -> (AccountEntry, bool) {
        match self.in_file {
            Some(f) => account_at(&self.file()[f.accounts + i * ACCOUNT_BYTES..]),
            None => (self.accounts[i], self.dead_accounts[i]),
        }
    }

    /// Contact `j` and whether it is deleted.
    #[inline]
    fn contact(&self, j: usize) -> (ContactEntry, bool) {
        match self.in_file {
            Some(f) => contact_at(&self.file()[f.contacts + j * CONTACT_BYTES..]),
            None => (self.contacts[j], self.dead_contacts[j]),
        }
    }

    fn find_account(&self, id: i64) -> Result<usize, usize> {
        search_ids(self.n_accounts(), id, |i| self.account(i).0.id)
    }

    fn find_contact(&self, id: i64) -> Result<usize, usize> {
        search_ids(self.n_contacts(), id, |j| self.contact(j).0.id)
    }

    /// Reads the entries out of the mapped file onto the heap, to change them.
    fn own_entries(&mut self) {
        let Some(f) = self.in_file else { return };
        let (accounts, dead_accounts) = (0..f.n_accounts).map(|i| self.account(i)).unzip();
        let (contacts, dead_contacts) = (0..f.n_contacts).map(|j| self.contact(j)).unzip();
        (self.accounts, self.dead_accounts, self.contacts, self.dead_contacts) =
            (accounts, dead_accounts, contacts, dead_contacts);
        self.in_file = None;
    }

    fn account_name(&self, a: &AccountEntry) -> (&str, &str) {
        let shown = self.slice(a.start, a.name);
        let key = if a.key == 0 { shown } else { self.slice(a.start + a.name as u32, a.key) };
        (shown, key)
    }

    /// A contact's name, key, e-mail and digits.
    fn contact_text(&self, c: &ContactEntry) -> (&str, &str, &str, &str) {
        let shown = self.slice(c.start, c.name);
        let key = if c.key == 0 { shown } else { self.slice(c.start + c.name as u32, c.key) };
        let at = c.start + c.name as u32 + c.key as u32;
        let email = self.slice(at, c.email);
        let digits = self.slice(c.phone, c.digits);
        (shown, key, email, digits)
    }

    /// Adds one row, or replaces the entry it changes. Accounts come before
    /// their contacts.
    pub fn push(&mut self, row: SearchRow<'_>) {
        self.apply(row);
    }

    /// `push`, saying false when the row cannot be placed without
    /// reordering the index (an id below the last one, that it does not hold).
    fn apply(&mut self, row: SearchRow<'_>) -> bool {
        self.own_entries();
        match row {
            SearchRow::Account { id, name, live } => {
                let at = self.find_account(id);
                if let Ok(i) = at {
                    if self.account_name(&self.accounts[i]).0 == clip(name, MAX_FIELD) {
                        self.dead_accounts[i] = !live;
                        return true;
                    }
                }
                if matches!(at, Err(i) if i < self.accounts.len()) {
                    return false;
                }
                let (start, name, key) = self.keyed(name);
                let mut entry = AccountEntry { id, start, name, key, letters: 0 };
                entry.letters = Letters::of_key(self.account_name(&entry).1);
                match at {
                    Ok(i) => {
                        self.garbage += self.accounts[i].name as usize + self.accounts[i].key as usize;
                        self.accounts[i] = entry;
                        self.dead_accounts[i] = !live;
                    }
                    Err(_) => {
                        self.accounts.push(entry);
                        self.dead_accounts.push(!live);
                    }
                }
                true
            }
            SearchRow::Contact { id, account_id, name, email, phone_key, live } => {
                let Ok(account) = self.find_account(account_id) else {
                    // Its account is not in the index: only a build in order can place it.
                    return false;
                };
                let at = self.find_contact(id);
                if matches!(at, Err(i) if i < self.contacts.len()) {
                    return false;
                }
                let (start, name, key) = self.keyed(name);
                let email = self.intern(&email.unwrap_or("").to_lowercase());
                let phone = self.text.len() as u32;
                let digits = self.intern(phone_key.unwrap_or(""));
                let mut entry =
                    ContactEntry { id, account: account as u32, start, name, key, email, digits, phone, letters: 0 };
                let (_, key, email, _) = self.contact_text(&entry);
                entry.letters = Letters::of_key(key) | Letters::of(email);
                match at {
                    Ok(i) => {
                        let old = &self.contacts[i];
                        self.garbage += old.name as usize + old.key as usize + old.email as usize + old.digits as usize;
                        self.contacts[i] = entry;
                        self.dead_contacts[i] = !live;
                    }
                    Err(_) => {
                        self.contacts.push(entry);
                        self.dead_contacts.push(!live);
                    }
                }
                true
            }
            SearchRow::GoneAccount { id } => {
                if let Ok(i) = self.find_account(id) {
                    self.dead_accounts[i] = true;
                }
                true
            }
            SearchRow::GoneContact { id } => {
                if let Ok(i) = self.find_contact(id) {
                    self.dead_contacts[i] = true;
                }
                true
            }
        }
    }

    /// Accounts and contacts held.
    pub fn len(&self) -> usize {
        self.n_accounts() + self.n_contacts()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Bytes held, roughly: for the memory budget.
    pub fn heap_bytes(&self) -> usize {
        self.text.heap_bytes()
            + self.accounts.capacity() * std::mem::size_of::<AccountEntry>()
            + self.contacts.capacity() * std::mem::size_of::<ContactEntry>()
            + self.dead_accounts.capacity()
            + self.dead_contacts.capacity()
    }

    fn account_of(&self, i: u32) -> usize {
        let i = i as usize;
        let n = self.n_accounts();
        if i < n {
            i
        } else {
            self.contact(i - n).0.account as usize
        }
    }

    /// How entry `i` matches: its best field and how strongly, or None.
    fn classify(&self, i: u32, q: &Query, m: &mut Matcher, buf: &mut Vec<char>) -> Option<(Class, Field)> {
        let i = i as usize;
        let n = self.n_accounts();
        if i < n {
            let (a, dead) = self.account(i);
            if dead || q.ascii && a.letters & q.letters != q.letters {
                return None;
            }
            let (shown, key) = self.account_name(&a);
            return Self::matches(shown, key, q, m, buf).then(|| (q.class(key, Class::AccountText), Field::Account));
        }
        let (c, dead) = self.contact(i - n);
        if dead {
            return None;
        }
        let c = &c;
        let found = match &q.phone {
            Some(dialled) if dialled.matches(self.text.get(c.phone, c.digits)) => Some((Class::Phone, Field::Phone)),
            _ if q.ascii && c.letters & q.letters != q.letters => None,
            _ => {
                let (shown, key, email, _) = self.contact_text(c);
                if Self::matches(shown, key, q, m, buf) {
                    Some((q.class(key, Class::ContactText), Field::Contact))
                } else {
                    (!email.is_empty() && q.matches_key(email)).then_some((Class::Fuzzy, Field::Email))
                }
            }
        };
        // Its account is read last, for the few that match: a deleted one's
        // contacts never match, nor do those of an account out of range (a damaged file).
        found.filter(|_| (c.account as usize) < n && !self.account(c.account as usize).1)
    }

    /// A name matches when its key holds every part of the query in order;
    /// the full matcher decides for scripts that do not fold to ASCII.
    fn matches(shown: &str, key: &str, q: &Query, m: &mut Matcher, buf: &mut Vec<char>) -> bool {
        if key.is_ascii() && q.ascii {
            q.matches_key(key)
        } else {
            q.pattern.score(Utf32Str::new(shown, buf), m).is_some()
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

    /// `list` (entries in order) with every contact whose number the dialled
    /// one ends with, in order: a number stored without its country code
    /// that a shorter number did not end with. Reads the digits alone.
    fn with_short_numbers(&self, list: Vec<u32>, dialled: &Dialled) -> Vec<u32> {
        let first = self.n_accounts() as u32;
        // Only a key of 7 digits or more, no longer than a form, can end one.
        let longest = dialled.forms.iter().map(String::len).max().unwrap_or(0);
        if longest < 7 {
            return list;
        }
        let extra: Vec<u32> = (0..self.n_contacts())
            .map(|j| (j, self.contact(j).0))
            .filter(|(_, c)| (7..=longest).contains(&(c.digits as usize)))
            .filter(|(_, c)| dialled.ends_with(self.text.get(c.phone, c.digits)))
            .map(|(j, _)| first + j as u32)
            .collect();
        if extra.is_empty() {
            return list;
        }
        let mut merged = Vec::with_capacity(list.len() + extra.len());
        let (mut a, mut b) = (list.into_iter().peekable(), extra.into_iter().peekable());
        while let (Some(&x), Some(&y)) = (a.peek(), b.peek()) {
            if x <= y {
                merged.push(x);
                a.next();
                if x == y {
                    b.next();
                }
            } else {
                merged.push(y);
                b.next();
            }
        }
        merged.extend(a);
        merged.extend(b);
        merged
    }

    /// The shown text of entry `i`'s field, and its key.
    fn entry_text(&self, i: u32, field: Field) -> (&str, &str) {
        let i = i as usize;
        let n = self.n_accounts();
        if i < n {
            return self.account_name(&self.account(i).0);
        }
        let (shown, key, email, digits) = self.contact_text(&self.contact(i - n).0);
        match field {
            Field::Email => (email, email),
            Field::Phone => (digits, digits),
            _ => (shown, key),
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
        // A longer text matches a subset. A longer number does as well when
        // each of its forms holds one of the last one's, but for numbers
        // stored short that it ends with: those are looked for again.
        let narrows = matches!(&self.last, Some(n)
        if query.starts_with(n.query.as_str()) && match (&q.phone, &n.phone) {
            (None, None) => true,
            (Some(now), Some(last)) => now.forms.iter().all(|f| last.forms.iter().any(|l| f.contains(l.as_str()))),
            _ => false,
        });
        let narrowed = if narrows { self.last.take() } else { None };
        let phone_narrowed = narrowed.is_some() && q.phone.is_some();
        let mut matcher = self.matcher.take().unwrap_or_else(|| Matcher::new(Config::DEFAULT));
        let mut buf = Vec::new();
        // Best (class, field, entry) per account index.
        let n_accounts = self.n_accounts();
        let mut best: Vec<Option<(Class, Field, u32)>> = vec![None; n_accounts];
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
                all_accounts = (0..n_accounts as u32).collect();
                &all_accounts
            }
        };
        let (accounts, in_name) = keep(self.scan(account_candidates, &q));
        // Enough accounts hold the text in their own name to fill the list,
        // and no contact outranks those: contacts wait for a longer query.
        let contacts = if q.phone.is_none() && in_name >= limit {
            narrowed.and_then(|n| n.contacts)
        } else {
            let mut list =
                narrowed.and_then(|n| n.contacts).unwrap_or_else(|| (n_accounts as u32..self.len() as u32).collect());
            if let (Some(dialled), true) = (&q.phone, phone_narrowed) {
                list = self.with_short_numbers(list, dialled);
            }
            Some(keep(self.scan(&list, &q)).0)
        };
        self.last = Some(Narrow { query: query.to_string(), phone: q.phone.clone(), accounts, contacts });

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
                .then_with(|| self.account_name(&self.account(x.1).0).1.cmp(self.account_name(&self.account(y.1).0).1))
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
                let account = &self.account(a).0;
                let (shown, key) = self.entry_text(i, field);
                let text = shown.to_string();
                let contact_id = ((i as usize) >= n_accounts).then(|| self.contact(i as usize - n_accounts).0.id);
                let indices = match (class, &q.phone) {
                    (Class::Phone, Some(dialled)) => dialled.positions(&text),
                    (Class::AccountText | Class::ContactText, _) => {
                        let start = key[..rank.position as usize].chars().count();
                        let folded = start..start + q.key.chars().count();
                        // The key drops spaces the name has in runs or at its ends.
                        if key == shown || key.chars().count() == shown.chars().count() {
                            folded.map(|i| i as u32).collect()
                        } else {
                            fold_origins(shown).get(folded).map_or_else(Vec::new, <[u32]>::to_vec)
                        }
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
                    account: self.account_name(account).0.to_string(),
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

impl Hit {
    /// How it matched, coarsely: a phone number (3) above the text together
    /// in an account's name (2), in a contact's name (1), then letters
    /// scattered or an e-mail (0). A hit of a higher class is a clear winner.
    pub fn class(&self) -> u32 {
        self.score / CLASS
    }
}

/// The lookup's ranking over a short list of names (an account's contacts,
/// the reps), so that whatever a person types to name something is ranked
/// one way: the matching names best first, as (index in `names`, score).
pub fn rank_names(query: &str, names: &[&str]) -> Vec<(usize, u32)> {
    let mut l = Lookup::default();
    for (i, name) in names.iter().enumerate() {
        l.push(SearchRow::Account { id: i as i64, name, live: true });
    }
    l.query(query, names.len()).into_iter().map(|h| (h.account_id as usize, h.score)).collect()
}

/// Hands memory freed by a large read back to the system: glibc keeps
/// each thread's freed heap otherwise, and the cockpit would carry what its
/// background loads once needed.
pub fn release_free_memory() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: malloc_trim only returns free pages of the allocator's own heaps; it takes no pointers.
    unsafe {
        libc::malloc_trim(0);
    }
}

/// What catching up took.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CaughtUp {
    /// This many changed rows were read (0: the index was current).
    Rows(usize),
    /// The whole book was read again.
    Rebuilt,
}

/// The index file of a database: beside it, named after it. None in memory.
pub fn snapshot_path(store: &Store) -> Option<std::path::PathBuf> {
    let path = store.path();
    if path.as_os_str() == ":memory:" || path.as_os_str().is_empty() {
        return None;
    }
    let mut name = path.file_name()?.to_os_string();
    name.push("-lookup");
    Some(path.with_file_name(name))
}

/// The index file starts with this, then the format's number.
const MAGIC: &[u8; 16] = b"rapport lookup\n\0";
/// 4: keys fold runs of white space to one space (`domain::text::fold`).
const FORMAT: u32 = 4;
/// The search log's token, padded: a fixed header lets the text be read
/// straight into place, with no copy.
const TOKEN_BYTES: usize = 64;
const HEADER_BYTES: usize = MAGIC.len() + 4 + TOKEN_BYTES + 8 + 4 + 4 + 8;
const ACCOUNT_BYTES: usize = 25;
const CONTACT_BYTES: usize = 37;

fn le16(b: &[u8], at: usize) -> u16 {
    u16::from_le_bytes([b[at], b[at + 1]])
}
fn le32(b: &[u8], at: usize) -> u32 {
    u32::from_le_bytes([b[at], b[at + 1], b[at + 2], b[at + 3]])
}
fn le64(b: &[u8], at: usize) -> u64 {
    u64::from_le_bytes(b[at..at + 8].try_into().expect("eight bytes"))
}

impl Lookup {
    /// The index as a file: a header with the stamp, the text (without that
    /// of renamed records), then the entries.
    fn encode(&self) -> Option<Vec<u8>> {
        let (token, seq) = self.stamp.clone().unwrap_or_default();
        if token.len() > TOKEN_BYTES {
            return None;
        }
        let live_text = self.text.len() - self.garbage.min(self.text.len());
        let (n_accounts, n_contacts) = (self.n_accounts(), self.n_contacts());
        let entries = n_accounts * ACCOUNT_BYTES + n_contacts * CONTACT_BYTES;
        let mut text = Vec::with_capacity(HEADER_BYTES + live_text + entries);
        text.resize(HEADER_BYTES, 0);
        // Each field on its own: a slice of a damaged mapped file reads as
        // "", and the file written must then not be.
        let mut whole = true;
        let mut move_text = |start: u32, lens: &[u16]| -> u32 {
            let at = (text.len() - HEADER_BYTES) as u32;
            let mut from = start;
            for &n in lens {
                let s = self.text.get(from, n);
                whole &= s.len() == n as usize;
                text.extend_from_slice(s.as_bytes());
                from += n as u32;
            }
            at
        };
        let mut out = Vec::with_capacity(entries);
        for (a, dead) in (0..n_accounts).map(|i| self.account(i)) {
            let start = move_text(a.start, &[a.name, a.key]);
            out.extend_from_slice(&a.id.to_le_bytes());
            out.extend_from_slice(&start.to_le_bytes());
            out.extend_from_slice(&a.name.to_le_bytes());
            out.extend_from_slice(&a.key.to_le_bytes());
            out.extend_from_slice(&a.letters.to_le_bytes());
            out.push(dead as u8);
        }
        let starts: Vec<u32> =
            (0..n_contacts).map(|j| self.contact(j).0).map(|c| move_text(c.start, &[c.name, c.key, c.email])).collect();
        let phones: Vec<u32> =
            (0..n_contacts).map(|j| self.contact(j).0).map(|c| move_text(c.phone, &[c.digits])).collect();
        for (j, (c, dead)) in (0..n_contacts).map(|j| self.contact(j)).enumerate() {
            let start = starts[j];
            out.extend_from_slice(&c.id.to_le_bytes());
            out.extend_from_slice(&c.account.to_le_bytes());
            out.extend_from_slice(&start.to_le_bytes());
            for n in [c.name, c.key, c.email, c.digits] {
                out.extend_from_slice(&n.to_le_bytes());
            }
            out.extend_from_slice(&c.letters.to_le_bytes());
            out.extend_from_slice(&phones[j].to_le_bytes());
            out.push(dead as u8);
        }
        if !whole {
            return None;
        }
        let text_len = (text.len() - HEADER_BYTES) as u64;
        let mut header = Vec::with_capacity(HEADER_BYTES);
        header.extend_from_slice(MAGIC);
        header.extend_from_slice(&FORMAT.to_le_bytes());
        header.extend_from_slice(token.as_bytes());
        header.resize(MAGIC.len() + 4 + TOKEN_BYTES, 0);
        header.extend_from_slice(&seq.to_le_bytes());
        header.extend_from_slice(&(n_accounts as u32).to_le_bytes());
        header.extend_from_slice(&(n_contacts as u32).to_le_bytes());
        header.extend_from_slice(&text_len.to_le_bytes());
        text[..HEADER_BYTES].copy_from_slice(&header);
        text.extend_from_slice(&out);
        Some(text)
    }

    /// An index file mapped; None when it is not one, is of another book
    /// (`token`) or another format, or its size does not match its header.
    /// Text and entries stay in the file and are read in place, so opening
    /// costs nothing whatever the book's size.
    fn decode(file: &std::fs::File, token: &str) -> Option<Lookup> {
        // SAFETY: index files are only ever replaced whole, by a rename
        // (`save`), never written in place, so the mapped file does not change
        // under the map; a reader keeps the file it mapped.
        let map = unsafe { memmap2::Mmap::map(file) }.ok()?;
        let header = map.get(..HEADER_BYTES)?;
        let mut padded = token.as_bytes().to_vec();
        padded.resize(TOKEN_BYTES, 0);
        let at = MAGIC.len() + 4;
        if &header[..MAGIC.len()] != MAGIC
            || le32(header, MAGIC.len()) != FORMAT
            || header[at..at + TOKEN_BYTES] != padded
        {
            return None;
        }
        let at = at + TOKEN_BYTES;
        let seq = le64(header, at) as i64;
        let n_accounts = le32(header, at + 8) as usize;
        let n_contacts = le32(header, at + 12) as usize;
        let text_len = le64(header, at + 16);
        if text_len > u32::MAX as u64 {
            return None;
        }
        let text_len = text_len as usize;
        let entries = n_accounts.checked_mul(ACCOUNT_BYTES)?.checked_add(n_contacts.checked_mul(CONTACT_BYTES)?)?;
        if map.len() != HEADER_BYTES.checked_add(text_len)?.checked_add(entries)? {
            return None;
        }
        // The entries are read in place as well, unchecked: every read is
        // bounds-checked, and a damaged entry only reads as another name.
        let accounts = HEADER_BYTES + text_len;
        let in_file = FileEntries { accounts, n_accounts, contacts: accounts + n_accounts * ACCOUNT_BYTES, n_contacts };
        let l = Lookup {
            stamp: Some((token.to_string(), seq)),
            in_file: Some(in_file),
            text: Text { file: Some(FileText { map, at: HEADER_BYTES, len: text_len }), added: String::new() },
            ..Lookup::default()
        };
        Some(l)
    }

    /// Writes the index file whole under a temporary name, then moves it
    /// into place: a reader never sees half of one. Private to its owner, as the database is.
    fn save(&self, path: &std::path::Path) -> Result<()> {
        use std::io::Write;
        let dir = path.parent().filter(|d| !d.as_os_str().is_empty()).unwrap_or(std::path::Path::new("."));
        let mut file = tempfile::Builder::new().prefix(".lookup").tempfile_in(dir)?;
        let bytes = self.encode().ok_or_else(|| anyhow::anyhow!("the search log's token is too long"))?;
        file.write_all(&bytes)?;
        file.persist(path)?;
        Ok(())
    }
}

/// Scores of one class lie between `class × CLASS` and the next class's.
pub const CLASS: u32 = 1000;

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
        class as u32 * CLASS + within
    }
}

/// The typed text, prepared once per keystroke.
struct Query {
    /// Folded like the keys.
    key: String,
    /// Whitespace-separated parts, each to be found in order.
    atoms: Vec<Vec<u8>>,
    ascii: bool,
    /// The bytes of its parts (`Letters`).
    letters: u64,
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
            letters: key.split_whitespace().map(Letters::of).fold(0, |m, l| m | l),
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
            l.push(SearchRow::Account { id, name, live: true });
        }
        l.push(SearchRow::Contact {
            id: 20,
            account_id: 2,
            name: "Jane Roe",
            email: Some("jane.roe@borealis.example"),
            phone_key: Some("15550102030"),
            live: true,
        });
        l.push(SearchRow::Contact {
            id: 30,
            account_id: 3,
            name: "Acmed Ali",
            email: Some("a.ali@cobalt.example"),
            phone_key: Some("442079460123"),
            live: true,
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
    fn names_and_queries_match_whatever_their_accents_and_spacing() {
        let mut l = Lookup::default();
        l.push(SearchRow::Account { id: 1, name: " Nordic  Hämeen   Rail", live: true });
        l.push(SearchRow::Account { id: 2, name: "Hamburg Rail", live: true });
        let hits = l.query("  hameen rail ", 10);
        assert_eq!(ids(&hits), vec![1], "{hits:?}");
        // Together, as typed, despite the runs of spaces in the name.
        assert_eq!(hits[0].class(), Class::AccountText as u32);
        // The highlight is on the name's own chars: "Hämeen", the first
        // space of the run, and "Rail".
        let shown: Vec<char> = hits[0].text.chars().collect();
        let lit: String = hits[0].indices.iter().map(|&i| shown[i as usize]).collect();
        assert_eq!(lit, "Hämeen Rail");
        assert_eq!(hits[0].indices.first(), Some(&9));
    }

    #[test]
    fn an_index_file_of_the_format_before_is_not_read() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("book.db-lookup");
        let mut l = sample();
        l.stamp = Some(("token".into(), 1));
        l.save(&path).unwrap();
        let read = || Lookup::decode(&std::fs::File::open(&path).unwrap(), "token");
        assert!(read().is_some());
        // Format 3 held keys with runs of spaces unfolded.
        let mut bytes = std::fs::read(&path).unwrap();
        bytes[MAGIC.len()..MAGIC.len() + 4].copy_from_slice(&3u32.to_le_bytes());
        std::fs::write(&path, bytes).unwrap();
        assert!(read().is_none());
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
    fn a_number_typed_key_by_key_finds_at_every_key_what_a_fresh_search_does() {
        let book = || {
            let mut l = sample();
            l.push(SearchRow::Account { id: 4, name: "Delta 2079 Holdings", live: true });
            // Stored without its country code: found once the caller ID ends with it.
            l.push(SearchRow::Contact {
                id: 40,
                account_id: 4,
                name: "Dee Short",
                email: Some("dee79@delta.example"),
                phone_key: Some("2079460123"),
                live: true,
            });
            l
        };
        let mut typed = book();
        for number in ["+44 20 7946 0123", "0044 (0)20 7946 0123", "+1 555 010 2030", "2079 4601"] {
            for end in 1..=number.len() {
                let q = &number[..end];
                assert_eq!(typed.query(q, 10), book().query(q, 10), "{q}");
            }
        }
        assert_eq!(ids(&typed.query("+44 20 7946 0123", 10)), vec![4, 3], "by name and digits, then by number");
    }

    #[test]
    fn letters_together_in_an_account_name_rank_above_scattered_ones() {
        let mut l = Lookup::default();
        l.push(SearchRow::Account { id: 1, name: "Lumen Life Sciences", live: true });
        l.push(SearchRow::Account { id: 2, name: "Oakhurst Pharma", live: true });
        l.push(SearchRow::Contact {
            id: 10,
            account_id: 1,
            name: "Aino Korhonen",
            email: None,
            phone_key: None,
            live: true,
        });
        assert_eq!(ids(&l.query("akh", 10)), vec![2, 1]);
    }

    #[test]
    fn the_index_file_is_read_in_place_and_answers_as_the_tables_do() {
        let dir = tempfile::tempdir().unwrap();
        let (store, _) = Store::open(&dir.path().join("book.db"), crate::store::OpenMode::Create).unwrap();
        let now = store.clock().now();
        let spec = crate::demo::DemoSpec { accounts: 200, seed: 7, today: now.date_naive(), now };
        crate::demo::generate(&store, &spec, &mut |_, _, _| {}).unwrap();
        let mut built = Lookup::build(&store).unwrap();
        // A keeper writes the file, then reads it in place like everyone else.
        let mut kept = Lookup::open_and_keep(&store).unwrap();
        let mut read = Lookup::open(&store).unwrap();
        assert!(kept.text.file.is_some() && read.text.file.is_some());
        assert_eq!(read.text.heap_bytes(), 0, "no text copied onto the heap");
        assert!(read.heap_bytes() < built.heap_bytes() / 2, "{} of {}", read.heap_bytes(), built.heap_bytes());
        // The letters an entry holds only pass over entries that cannot match.
        let mut unfiltered = Lookup::build(&store).unwrap();
        unfiltered.accounts.iter_mut().for_each(|a| a.letters = Letters::ALL);
        unfiltered.contacts.iter_mut().for_each(|c| c.letters = Letters::ALL);
        let queries = ["a", "ro", "smith", "jo sm", "@", "hämä", "0102", "+44 20", "zzzq", "ae.c", "k 9", "x-y"];
        for q in queries {
            let want = built.query(q, 20);
            assert_eq!(unfiltered.query(q, 20), want, "{q}");
            assert_eq!(read.query(q, 20), want, "{q}");
            assert_eq!(kept.query(q, 20), want, "{q}");
        }
        // A renamed account is held beside the mapped text and found by its new name alone.
        let id = kept.account(3).0.id;
        let old = kept.account_name(&kept.account(3).0).0.to_string();
        kept.push(SearchRow::Account { id, name: "Zyzzyva Quarries", live: true });
        assert_eq!(ids(&kept.query("zyzzyva", 5)), vec![id]);
        assert!(!kept.query(&old, 50).iter().any(|h| h.account_id == id && h.text == old));
        kept.release_pages();
        assert_eq!(ids(&kept.query("zyzzyva", 5)), vec![id], "pages come back after they were let go");
        // Written whole again, it reads back the same.
        let path = dir.path().join("again-lookup");
        kept.save(&path).unwrap();
        let mut again = Lookup::decode(&std::fs::File::open(&path).unwrap(), &kept.stamp.clone().unwrap().0).unwrap();
        for q in queries.iter().chain(&["zyzzyva"]) {
            assert_eq!(again.query(q, 20), kept.query(q, 20), "{q}");
        }
    }

    #[test]
    fn nothing_matches_nonsense_and_empty_is_empty() {
        let mut l = sample();
        assert!(l.query("zzzq", 10).is_empty());
        assert!(l.query("   ", 10).is_empty());
    }
}
