//! Turning what a person types (an id, a name, a few letters) into a record,
//! without ever guessing between two close matches.

use super::table::{Align, Table};
use crate::domain::phone::Dialled;
use crate::domain::text::fold;
use crate::domain::{rules, sanitize};
use crate::lookup::{Field, Hit, Lookup};
use crate::store::{Account, Contact, Record, Store};
use anyhow::{anyhow, Result};
use std::fmt;

/// At most this many candidates are listed when a name is ambiguous.
const MAX_LISTED: usize = 10;

/// A name that fits several records: the command changes nothing and exits 2.
#[derive(Debug)]
pub struct Ambiguous {
    pub message: String,
    /// The candidates, one per line, ready for stderr.
    pub list: String,
    pub hint: String,
}

impl fmt::Display for Ambiguous {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Ambiguous {}

/// The outcome of matching typed text against names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Choice {
    One(usize),
    /// Indices of the close candidates, best first.
    Several(Vec<usize>),
    NoMatch,
}

/// Picks the name `query` means: an exact name first (case, accents and
/// spacing aside); else the lookup's best match, when the runner-up matched
/// in a weaker way (the text together against letters scattered, say).
pub fn choose(query: &str, names: &[&str]) -> Choice {
    if fold(query).is_empty() {
        return Choice::NoMatch;
    }
    let exact = exact(query, names.iter().copied());
    match exact.len() {
        0 => {}
        1 => return Choice::One(exact[0]),
        _ => return Choice::Several(exact),
    }
    let ranked: Vec<(usize, u32)> =
        rank(query, names).into_iter().map(|(i, score)| (i, score / crate::lookup::CLASS)).collect();
    clear_winner(&ranked)
}

/// One when the best candidate matched in a stronger class than the
/// runner-up; else the candidates of the best class. Candidates as (index, class), best first.
fn clear_winner(ranked: &[(usize, u32)]) -> Choice {
    match ranked {
        [] => Choice::NoMatch,
        [(only, _)] => Choice::One(*only),
        [(best, top), (_, second), ..] if top > second => Choice::One(*best),
        [(_, top), ..] => Choice::Several(ranked.iter().take_while(|(_, c)| c == top).map(|(i, _)| *i).collect()),
    }
}

/// The lookup's ranking of `names` for `query`: those that match, best
/// first, with their scores.
pub fn rank(query: &str, names: &[&str]) -> Vec<(usize, u32)> {
    crate::lookup::rank_names(query, names)
}

/// The positions of the names `text` gives exactly: the same once folded
/// (so "hameenlinna" names "Hämeenlinna"); of several, the one spelt with
/// the same accents when there is one, as no two live names are
/// (`rules::same_name`), so that "Café" and "Cafe" can both be named.
fn exact<'a>(text: &str, names: impl Iterator<Item = &'a str>) -> Vec<usize> {
    let wanted = fold(text);
    let found: Vec<(usize, &str)> = names.enumerate().filter(|(_, n)| fold(n) == wanted).collect();
    let spelt: Vec<usize> = found.iter().filter(|(_, n)| rules::same_name(n, text)).map(|(i, _)| *i).collect();
    if found.len() > 1 && spelt.len() == 1 {
        return spelt;
    }
    found.into_iter().map(|(i, _)| i).collect()
}

/// Accounts looked at for an exact name: more of one name than this, and
/// the list says "and more".
const EXACT_MAX: usize = 50;

/// Where ids come from, for hints.
pub const ID_HINT: &str =
    "ids show as #12 in what add, log, agenda and find print, and as \"id\" in their --json output; \
     `rapport list` shows each record's ref, which names it too";

/// `12` or `#12`.
pub fn parse_id(s: &str) -> Option<i64> {
    let t = s.trim();
    let t = t.strip_prefix('#').unwrap_or(t);
    if t.is_empty() || !t.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    t.parse().ok().filter(|id| *id > 0)
}

/// "a deal", "an account".
pub fn a(kind: &str) -> String {
    let article = if kind.starts_with(['a', 'e', 'i', 'o', 'u']) { "an" } else { "a" };
    format!("{article} {kind}")
}

/// The record of kind `T` named on the command line for `KIND ID`: its id
/// (`12`, `#12`), or its ref as `rapport list` and `export` show it (the
/// source system's id, else its uid) — the name a record has on every
/// laptop of a team, where ids are each laptop's own.
pub fn record_id<T: Record>(store: &Store, kind: &str, s: &str) -> Result<i64> {
    if let Some(id) = parse_id(s) {
        // A source system's ids may be numbers too: one that is no id here
        // but the ref of exactly one record names that record.
        if store.get::<T>(id)?.is_none() {
            if let [one] = store.ids_by_ref::<T>(s)?.as_slice() {
                return Ok(*one);
            }
        }
        return Ok(id);
    }
    let shown = crate::domain::limits::preview(s);
    match store.ids_by_ref::<T>(s)?.as_slice() {
        [one] => Ok(*one),
        [] => Err(super::hinted(
            anyhow!("'{shown}' names no {kind}; expected {}'s id, such as 12 or #12, or its ref", a(kind)),
            ID_HINT,
        )),
        several => Err(super::hinted(
            anyhow!(
                "'{shown}' is the ref of {} {kind}s: {}",
                several.len(),
                several.iter().map(|id| format!("#{id}")).collect::<Vec<_>>().join(", ")
            ),
            "name one by its id",
        )),
    }
}

fn quoted(s: &str) -> String {
    format!("\"{}\"", crate::domain::limits::preview(s.trim()))
}

/// The account `text` names, for `rapport log`: `#12` or `12` (an id), a
/// contact's phone number in any form (then that contact comes too), an
/// exact name, or a few letters that fit one account clearly better than
/// any other.
pub fn account_or_caller(store: &Store, text: &str) -> Result<(Account, Option<Contact>)> {
    if let Some(id) = parse_id(text) {
        if let Some(a) = store.get::<Account>(id)? {
            return Ok((a, None));
        }
    }
    if let Some((a, c)) = caller(store, text)? {
        return Ok((a, Some(c)));
    }
    Ok((account(store, text)?, None))
}

/// Digits a number must have to name a caller: fewer fit too many.
const CALLER_DIGITS: usize = 6;

/// The contact whose phone number `text` is, written in any form (national,
/// international, with or without the trunk 0, or its last six or more
/// digits), with the lookup's rules. None when `text` is not such a number or
/// no contact has it; an error listing them when contacts of several accounts do.
pub fn caller(store: &Store, text: &str) -> Result<Option<(Account, Contact)>> {
    match Dialled::parse(text, store.default_region()) {
        Some(d) if d.typed.len() >= CALLER_DIGITS => {}
        _ => return Ok(None),
    }
    let hits: Vec<Hit> = Lookup::open_and_keep(store)?
        .query(text, MAX_LISTED + 1)
        .into_iter()
        .filter(|h| h.field == Field::Phone && h.contact_id.is_some())
        .collect();
    let contact_of = |h: &Hit| store.require::<Contact>(h.contact_id.unwrap_or_default());
    match hits.as_slice() {
        [] => Ok(None),
        [one] => Ok(Some((store.require::<Account>(one.account_id)?, contact_of(one)?))),
        several => {
            let mut t = Table::new(&[
                ("id", Align::Right),
                ("account", Align::Left),
                ("contact", Align::Left),
                ("phone", Align::Left),
            ]);
            for h in several.iter().take(MAX_LISTED) {
                let c = contact_of(h)?;
                t.row(vec![format!("#{}", h.account_id), h.account.clone(), c.name, c.phone.unwrap_or_default()]);
            }
            let mut list: String = t.render().lines().map(|l| format!("  {l}\n")).collect();
            if several.len() > MAX_LISTED {
                list.push_str("  … and more\n");
            }
            Err(anyhow::Error::new(Ambiguous {
                message: format!(
                    "{} is a phone number of contacts of several accounts; name one of them:",
                    quoted(text)
                ),
                list,
                hint: "name the account by its id (12 or '#12'), or give more of the number".into(),
            }))
        }
    }
}

/// The account `text` names by its id, exact name or a few letters: the
/// lookup of `rapport find` and the cockpit, ranked the same way; taken
/// when one account matches more strongly than any other.
pub fn account(store: &Store, text: &str) -> Result<Account> {
    if let Some(id) = parse_id(text) {
        if let Some(a) = store.get::<Account>(id)? {
            return Ok(a);
        }
    }
    // An exact name ranks first (its whole text, from the start, nothing
    // more), so the exact ones are at the head of the list when there are any.
    // Phone numbers name a caller (`caller`, with its own rule on how many digits it takes), not an account.
    let hits: Vec<Hit> = if fold(text).is_empty() {
        Vec::new()
    } else {
        let mut lookup = Lookup::open_and_keep(store)?;
        lookup.query(text, EXACT_MAX).into_iter().filter(|h| h.field != Field::Phone).collect()
    };
    let exact = exact(text, hits.iter().map(|h| h.account.as_str()));
    let choice = match exact.len() {
        0 => {
            clear_winner(&hits.iter().take(MAX_LISTED + 1).enumerate().map(|(i, h)| (i, h.class())).collect::<Vec<_>>())
        }
        1 => Choice::One(exact[0]),
        _ => Choice::Several(exact),
    };
    let listed = |close: &[usize]| -> Result<Vec<(i64, String, Option<String>)>> {
        let ids: Vec<i64> = close.iter().map(|&i| hits[i].account_id).collect();
        Ok(store
            .found_rows(&ids)?
            .into_iter()
            .map(|r| (r.id, r.name, r.owner.as_deref().map(str::to_string)))
            .collect())
    };
    match choice {
        Choice::One(i) => store.require::<Account>(hits[i].account_id),
        Choice::Several(close) => {
            let all = listed(&close[..close.len().min(MAX_LISTED)])?;
            let mut list = account_list(&all, &(0..all.len()).collect::<Vec<_>>());
            if close.len() > MAX_LISTED {
                list.push_str("  … and more\n");
            }
            Err(anyhow::Error::new(Ambiguous {
                message: format!("{} matches several accounts; name one of them:", quoted(text)),
                list,
                hint: "name the account by its id (12 or '#12') or by its exact name".into(),
            }))
        }
        Choice::NoMatch => Err(super::hinted(
            match parse_id(text) {
                Some(id) => anyhow!("no account with id {id}"),
                None => anyhow!("no account matches {}", quoted(text)),
            },
            "`rapport find TEXT` looks accounts up by name, contact, e-mail or phone",
        )),
    }
}

fn account_list(all: &[(i64, String, Option<String>)], close: &[usize]) -> String {
    let mut t = Table::new(&[("id", Align::Right), ("account", Align::Left), ("owner", Align::Left)]);
    for &i in close.iter().take(MAX_LISTED) {
        let (id, name, owner) = &all[i];
        t.row(vec![format!("#{id}"), name.clone(), owner.clone().unwrap_or_else(|| "—".into())]);
    }
    let mut out: String = t.render().lines().map(|l| format!("  {l}\n")).collect();
    if close.len() > MAX_LISTED {
        out.push_str(&format!("  … and {} more\n", close.len() - MAX_LISTED));
    }
    out
}

/// An account named by a flag (`--account`, `--parent`): an id or an exact
/// name, nothing fuzzy, since a record is being attached to it.
pub fn account_flag(store: &Store, flag: &str, text: &str) -> Result<Account> {
    if let Some(id) = parse_id(text) {
        return store.get::<Account>(id)?.ok_or_else(|| {
            super::hinted(anyhow!("--{flag}: no account with id {id}"), "`rapport find TEXT` shows account ids")
        });
    }
    let all = store.account_names()?;
    let exact = exact(text, all.iter().map(|a| a.1.as_str()));
    match exact.as_slice() {
        [i] => store.require::<Account>(all[*i].0),
        [] => {
            let names: Vec<&str> = all.iter().map(|a| a.1.as_str()).collect();
            let hint = match choose(text, &names) {
                Choice::One(i) => format!("did you mean {} (#{})?", quoted(&all[i].1), all[i].0),
                _ => "give the account's id or its exact name; `rapport find TEXT` shows both".into(),
            };
            Err(super::hinted(
                anyhow!("--{flag}: no account named {}; expected an account's id or exact name", quoted(text)),
                hint,
            ))
        }
        several => Err(anyhow::Error::new(Ambiguous {
            message: format!("--{flag}: {} is the name of several accounts; name one of them:", quoted(text)),
            list: account_list(&all, several),
            hint: format!("give --{flag} the account's id"),
        })),
    }
}

/// A contact of `account` named by `--contact`: an id of one of its
/// contacts, an exact name, or a clear fuzzy match among its contacts.
pub fn contact(store: &Store, account: &Account, text: &str) -> Result<Contact> {
    let contacts = store.contacts_of(account.meta.id)?;
    if let Some(id) = parse_id(text) {
        return contacts.into_iter().find(|c| c.meta.id == id).ok_or_else(|| {
            anyhow!("--contact: contact #{id} is not one of the contacts of {}", sanitize::line(&account.name))
        });
    }
    let names: Vec<&str> = contacts.iter().map(|c| c.name.as_str()).collect();
    match choose(text, &names) {
        Choice::One(i) => Ok(contacts[i].clone()),
        Choice::Several(close) => {
            let mut t = Table::new(&[("id", Align::Right), ("contact", Align::Left), ("title", Align::Left)]);
            for &i in close.iter().take(MAX_LISTED) {
                let c = &contacts[i];
                t.row(vec![
                    format!("#{}", c.meta.id),
                    c.name.clone(),
                    c.title.clone().unwrap_or_else(|| c.role.label().into()),
                ]);
            }
            Err(anyhow::Error::new(Ambiguous {
                message: format!(
                    "--contact: {} matches several contacts of {}; name one of them:",
                    quoted(text),
                    sanitize::line(&account.name)
                ),
                list: t.render().lines().map(|l| format!("  {l}\n")).collect(),
                hint: "give --contact the contact's id or exact name".into(),
            }))
        }
        Choice::NoMatch => {
            let known: Vec<String> = contacts.iter().map(|c| sanitize::line(&c.name).into_owned()).collect();
            let hint = if known.is_empty() {
                format!("{} has no contacts yet; add one with `rapport add contact`", sanitize::line(&account.name))
            } else {
                format!("contacts of {}: {}", sanitize::line(&account.name), known.join(", "))
            };
            Err(super::hinted(
                anyhow!("--contact: no contact of {} matches {}", sanitize::line(&account.name), quoted(text)),
                hint,
            ))
        }
    }
}

/// A rep named by a flag (`--owner`, `--rep`, `--manager`): an id or an exact name.
pub fn rep_flag(store: &Store, flag: &str, text: &str) -> Result<i64> {
    let reps = store.reps()?;
    if let Some(id) = parse_id(text) {
        if reps.iter().any(|r| r.id == id) {
            return Ok(id);
        }
        return Err(super::hinted(anyhow!("--{flag}: no rep with id {id}"), rep_hint(&reps, text)));
    }
    let exact: Vec<&crate::store::RepRow> =
        exact(text, reps.iter().map(|r| r.name.as_str())).into_iter().map(|i| &reps[i]).collect();
    match exact.as_slice() {
        [r] => Ok(r.id),
        [] => Err(super::hinted(
            anyhow!("--{flag}: no rep named {}; expected a rep's id or exact name", quoted(text)),
            rep_hint(&reps, text),
        )),
        several => {
            let ids: Vec<String> = several.iter().map(|r| format!("#{}", r.id)).collect();
            Err(super::hinted(
                anyhow!("--{flag}: {} is the name of several reps ({})", quoted(text), ids.join(", ")),
                format!("give --{flag} the rep's id"),
            ))
        }
    }
}

fn rep_hint(reps: &[crate::store::RepRow], text: &str) -> String {
    let names: Vec<&str> = reps.iter().map(|r| r.name.as_str()).collect();
    if let Choice::One(i) = choose(text, &names) {
        return format!("did you mean {} (#{})?", quoted(&reps[i].name), reps[i].id);
    }
    if reps.is_empty() {
        return "there are no reps yet; add one with `rapport add rep --name NAME`".into();
    }
    let listed: Vec<String> =
        reps.iter().take(12).map(|r| format!("{} (#{})", sanitize::line(&r.name), r.id)).collect();
    let more = if reps.len() > 12 { format!(", … {} more", reps.len() - 12) } else { String::new() };
    format!("reps: {}{more}", listed.join(", "))
}

#[cfg(test)]
mod tests {
    use super::*;

    const BOOK: [&str; 4] = ["Acme Logistics", "Borealis Systems", "Cobalt Mining", "Acme Logistik GmbH"];

    #[test]
    fn exact_names_win_whatever_the_case_and_spacing() {
        assert_eq!(choose("acme  LOGISTICS", &BOOK), Choice::One(0));
        assert_eq!(choose("Cobalt Mining", &BOOK), Choice::One(2));
        assert_eq!(choose("twin", &["Twin", "twin"]), Choice::Several(vec![0, 1]));
    }

    #[test]
    fn exact_names_win_whatever_the_accents_unless_another_is_spelt_so() {
        let names = ["Hämeenlinna Oy", "Hameenlinna Oy Ab", "Café Nord", "Cafe Nord"];
        assert_eq!(choose("hameenlinna  oy", &names), Choice::One(0));
        assert_eq!(choose("CAFÉ nord", &names), Choice::One(2));
        assert_eq!(choose("cafe nord", &names), Choice::One(3));
        assert_eq!(choose("cafè nord", &names), Choice::Several(vec![2, 3]));
    }

    #[test]
    fn a_clear_fuzzy_winner_is_taken_and_close_ones_are_not() {
        assert_eq!(choose("borea", &BOOK), Choice::One(1));
        assert_eq!(choose("gmbh", &BOOK), Choice::One(3));
        assert_eq!(choose("logistics", &BOOK), Choice::One(0));
        assert_eq!(choose("acme", &BOOK), Choice::Several(vec![0, 3]));
        assert_eq!(choose("acme log", &BOOK), Choice::Several(vec![0, 3]));
        assert_eq!(choose("zzqx", &BOOK), Choice::NoMatch);
        assert_eq!(choose("   ", &BOOK), Choice::NoMatch);
    }

    #[test]
    fn a_contiguous_match_beats_a_scattered_one() {
        // "mining" is whole in one name and scattered in the other.
        let names = ["Cobalt Mining", "Maritime Inland Navigation Group"];
        let ranked = rank("mining", &names);
        assert_eq!(ranked[0].0, 0, "{ranked:?}");
        assert_eq!(choose("mining", &names), Choice::One(0));
    }

    #[test]
    fn ids_are_numbers_with_or_without_a_hash() {
        assert_eq!(parse_id("#12"), Some(12));
        assert_eq!(parse_id(" 7 "), Some(7));
        assert_eq!(parse_id("0"), None);
        assert_eq!(parse_id("3M"), None);
        assert_eq!(parse_id("#"), None);
    }
}
