//! vCards: address books in (2.1, 3.0 and 4.0 as Google, Apple and Outlook
//! write them, parsed by `calcard`) as a table of contact fields for the
//! import, and contacts out as vCard 3.0, the version every address book reads.
//!
//! A card becomes one row. Its first e-mail and phone (the preferred one,
//! else a work one) fill the contact's fields; the others, a department, a
//! job role that is not one of rapport's and a few more are kept as custom
//! fields named after the property and its label (`EMAIL (home)`), which the
//! writer turns back into the same properties, so an export reads back as it was.

use super::fields::{self, Kind};
use super::read::{Row, Table, Unit, CELL_MAX_BYTES};
use crate::domain::ContactRole;
use crate::store::{ContactCard, Store};
use calcard::common::IanaString;
use calcard::vcard::{VCard, VCardEntry, VCardParameterName, VCardParameterValue, VCardProperty, VCardValue};
use calcard::{Entry, Parser};
use std::collections::{HashMap, HashSet};

/// The columns every card table starts with (named by their vCard property,
/// as errors name them), and the contact fields they are read as.
pub const COLUMNS: [(&str, &str); 8] = [
    ("UID", "ref"),
    ("FN", "name"),
    ("ORG", "account"),
    ("TITLE", "title"),
    ("EMAIL", "email"),
    ("TEL", "phone"),
    ("ROLE", "role"),
    ("NOTE", "notes"),
];

/// The column of a contact field in a card table: `FN` for `name`.
pub fn column_of(field: &str) -> &str {
    COLUMNS.iter().find(|(_, f)| *f == field).map_or(field, |(c, _)| c)
}

/// `ORG`'s second part, kept as a custom field.
const DEPARTMENT: &str = "department";
/// vCard's own `ROLE` (a job function, "Purchasing"), when it is not one of rapport's roles.
const JOB_ROLE: &str = "job role";
/// rapport's role of a contact in its account.
const RAPPORT_ROLE: &str = "X-RAPPORT-ROLE";
/// A custom field; its name is the `X-ABLabel` of the property's group.
const RAPPORT_CUSTOM: &str = "X-RAPPORT-CUSTOM";
/// Properties written once per value, with a label: `EMAIL (home)`.
const LABELLED: [&str; 3] = ["EMAIL", "TEL", "URL"];

/// A vCard file as a table of contact fields, one row per card (numbered from 1).
/// Errors start with the place (`card 3: …`, `line 7: …`) or a space.
pub fn read(bytes: &[u8]) -> Result<Table, String> {
    let text = super::read::decode(bytes).map_err(|_| {
        " this is not a vCard file (it holds binary data); expected text cards from BEGIN:VCARD to END:VCARD"
            .to_string()
    })?;
    if text.trim().is_empty() {
        return Err(" the file is empty; expected vCards from BEGIN:VCARD to END:VCARD".into());
    }
    let count = check_shape(&text)?;
    let mut parser = Parser::new(&text);
    let mut cards = Vec::with_capacity(count);
    loop {
        match parser.entry() {
            Entry::VCard(card) => cards.push(card),
            Entry::Eof => break,
            Entry::TooManyComponents => {
                return Err(format!(" the file has too many parts to read; expected at most {count} cards"))
            }
            // Lines between cards, and calendar parts, are not contacts.
            _ => {}
        }
    }
    if cards.len() != count {
        return Err(format!(
            "card {}: cannot read this card; expected one property a line, such as FN:Jane Doe",
            cards.len().min(count) + 1
        ));
    }
    let mut headers: Vec<String> = COLUMNS.iter().map(|(c, _)| c.to_string()).collect();
    let mut extra_at: HashMap<String, usize> = HashMap::new();
    let mut rows = Vec::with_capacity(cards.len());
    for (i, card) in cards.iter().enumerate() {
        let n = i as u64 + 1;
        let (standard, extras) = card_values(card);
        let mut cells: Vec<String> = standard.into_iter().collect();
        for (name, value) in extras {
            let at = *extra_at.entry(name.clone()).or_insert_with(|| {
                headers.push(name);
                headers.len() - 1
            });
            cells.resize(headers.len(), String::new());
            cells[at] = value;
        }
        if let Some((at, cell)) = cells.iter().enumerate().find(|(_, c)| c.len() > CELL_MAX_BYTES) {
            return Err(format!(
                "card {n}:{}: the value is {} KB long; at most {} KB fit in a field",
                headers[at],
                cell.len() >> 10,
                CELL_MAX_BYTES >> 10
            ));
        }
        rows.push(Row { line: n, cells });
    }
    for row in &mut rows {
        row.cells.resize(headers.len(), String::new());
    }
    Ok(Table { headers, rows, unit: Unit::Card })
}

/// Counts the cards, and refuses a card without its END (a file cut short)
/// or an END without its card, before anything is read from them.
fn check_shape(text: &str) -> Result<usize, String> {
    let mut open: Option<(usize, usize)> = None;
    let mut count = 0;
    for (i, line) in text.split('\n').enumerate() {
        // A folded line goes on the one before it: never a BEGIN or an END.
        if line.starts_with([' ', '\t']) {
            continue;
        }
        let line = line.trim_start_matches('\u{feff}').trim_end();
        if line.eq_ignore_ascii_case("BEGIN:VCARD") {
            if let Some((card, at)) = open {
                return Err(format!(
                    "card {card}: BEGIN:VCARD on line {at} has no END:VCARD before the next card on line {}; \
                     expected END:VCARD",
                    i + 1
                ));
            }
            count += 1;
            open = Some((count, i + 1));
        } else if line.eq_ignore_ascii_case("END:VCARD") && open.take().is_none() {
            return Err(format!("line {}: END:VCARD without a BEGIN:VCARD before it", i + 1));
        }
    }
    if let Some((card, at)) = open {
        return Err(format!(
            "card {card}: BEGIN:VCARD on line {at} has no END:VCARD; expected END:VCARD (is the file cut short?)"
        ));
    }
    if count == 0 {
        return Err(" no vCard in the file; expected cards from BEGIN:VCARD to END:VCARD".into());
    }
    Ok(count)
}

/// An e-mail, phone or web address of a card.
struct Item {
    value: String,
    label: String,
    /// Lower is chosen first as the contact's own: preferred, then work, …
    rank: u8,
}

/// The values of one card: the standard columns, then custom fields in card order.
fn card_values(card: &VCard) -> ([String; 8], Vec<(String, String)>) {
    // Apple and Google name a property by a label in the same group: item1.EMAIL + item1.X-ABLabel.
    let labels: HashMap<&str, String> = card
        .entries
        .iter()
        .filter(|e| is_other(e, "X-ABLABEL"))
        .filter_map(|e| Some((e.group.as_deref()?, clean_label(&text(e)))))
        .collect();
    let label_of = |e: &VCardEntry| e.group.as_deref().and_then(|g| labels.get(g)).cloned();
    let mut std: [String; 8] = Default::default();
    let (mut full_name, mut n_name) = (String::new(), String::new());
    let (mut emails, mut tels, mut urls) = (Vec::new(), Vec::new(), Vec::new());
    let (mut notes, mut vcard_role, mut our_role) = (Vec::new(), String::new(), String::new());
    let mut extras: Vec<(String, String)> = Vec::new();
    let mut later: Vec<(String, String)> = Vec::new();
    for e in &card.entries {
        match &e.name {
            VCardProperty::Uid => std[0] = text(e).trim().to_string(),
            VCardProperty::Fn => full_name = text(e).trim().to_string(),
            VCardProperty::N => {
                // family;given;additional;prefix;suffix
                let p = parts(e);
                let get = |i: usize| p.get(i).map(|s| s.trim()).unwrap_or("");
                n_name = [get(3), get(1), get(2), get(0), get(4)]
                    .into_iter()
                    .filter(|s| !s.is_empty())
                    .collect::<Vec<_>>()
                    .join(" ");
            }
            VCardProperty::Org => {
                let p = parts(e);
                std[2] = p.first().map(|s| s.trim().to_string()).unwrap_or_default();
                let unit: Vec<&str> = p.iter().skip(1).map(|s| s.trim()).filter(|s| !s.is_empty()).collect();
                if !unit.is_empty() {
                    extras.push((DEPARTMENT.into(), unit.join(" / ")));
                }
            }
            VCardProperty::Title => std[3] = text(e).trim().to_string(),
            VCardProperty::Email => push_item(&mut emails, e, text(e), label_of(e), &[("work", 1)]),
            VCardProperty::Tel => {
                let v = text(e);
                let v = v.trim().strip_prefix("tel:").unwrap_or(v.trim()).to_string();
                push_item(&mut tels, e, v, label_of(e), &[("work", 1), ("mobile", 2)]);
            }
            VCardProperty::Url => push_item(&mut urls, e, text(e), label_of(e), &[]),
            VCardProperty::Role => vcard_role = text(e).trim().to_string(),
            VCardProperty::Note => notes.push(text(e)),
            VCardProperty::Nickname => later.push(("NICKNAME".into(), parts(e).join(", "))),
            VCardProperty::Adr => {
                let p = parts(e);
                let address: Vec<&str> = p.iter().map(|s| s.trim()).filter(|s| !s.is_empty()).collect();
                let label = label_of(e).unwrap_or_else(|| type_label(e)).to_string();
                let name = if label.is_empty() { "ADR".to_string() } else { format!("ADR ({label})") };
                later.push((name, address.join(", ")));
            }
            _ if is_other(e, RAPPORT_ROLE) => our_role = text(e).trim().to_string(),
            _ if is_other(e, RAPPORT_CUSTOM) => {
                later.push((label_of(e).filter(|l| !l.is_empty()).unwrap_or_else(|| "custom".into()), text(e)))
            }
            // PHOTO, LOGO, SOUND and KEY are pictures and keys; VERSION, PRODID,
            // REV and vendors' X- properties are bookkeeping: none is a contact field.
            _ => {}
        }
    }
    std[1] = if full_name.is_empty() { n_name } else { full_name };
    let known = |r: &str| !r.is_empty() && fields::choice(Kind::Contacts, "role", r).is_some();
    if !our_role.is_empty() {
        // Ours, as a rapport export wrote it: an unknown one is an error that names it.
        std[6] = our_role;
    } else if known(&vcard_role) {
        std[6] = vcard_role.clone();
        vcard_role.clear();
    }
    if !vcard_role.is_empty() {
        extras.push((JOB_ROLE.into(), vcard_role));
    }
    std[7] = notes.iter().map(|n| n.trim()).filter(|n| !n.is_empty()).collect::<Vec<_>>().join("\n\n");
    let mut taken: HashSet<String> = extras.iter().map(|(k, _)| k.clone()).collect();
    let mut add = |extras: &mut Vec<(String, String)>, name: String, value: String| {
        let mut unique = name.clone();
        let mut n = 2;
        while !taken.insert(unique.clone()) {
            unique = format!("{name} {n}");
            n += 1;
        }
        extras.push((unique, value));
    };
    for (col, items) in [(4, emails), (5, tels)] {
        let prop = COLUMNS[col].0;
        let best = items.iter().enumerate().min_by_key(|(i, it)| (it.rank, *i)).map(|(i, _)| i);
        for (i, it) in items.into_iter().enumerate() {
            if Some(i) == best {
                std[col] = it.value;
            } else {
                let label = if it.label.is_empty() { "other" } else { &it.label };
                add(&mut extras, format!("{prop} ({label})"), it.value);
            }
        }
    }
    for it in urls {
        let name = if it.label.is_empty() { "URL".to_string() } else { format!("URL ({})", it.label) };
        add(&mut extras, name, it.value);
    }
    for (name, value) in later {
        add(&mut extras, name, value);
    }
    extras.retain(|(_, v)| !v.trim().is_empty());
    (std, extras)
}

fn push_item(items: &mut Vec<Item>, e: &VCardEntry, value: String, label: Option<String>, ranks: &[(&str, u8)]) {
    let value = value.trim().to_string();
    if value.is_empty() {
        return;
    }
    let types = types(e);
    let rank = if types.iter().any(|t| t == "pref") {
        0
    } else {
        ranks.iter().find(|(t, _)| types.iter().any(|x| x == t)).map_or(9, |(_, r)| *r)
    };
    let label = label.unwrap_or_else(|| type_label(e));
    items.push(Item { value, label, rank });
}

/// A property's kinds, lower case: `TYPE=WORK,pref`, 2.1's bare `;WORK;PREF`, 4.0's `PREF=1`.
fn types(e: &VCardEntry) -> Vec<String> {
    let mut out = Vec::new();
    for p in &e.params {
        match (&p.name, &p.value) {
            (VCardParameterName::Pref, _) => out.push("pref".to_string()),
            (VCardParameterName::Type, VCardParameterValue::Type(t)) => out.push(t.as_str().to_ascii_lowercase()),
            (VCardParameterName::Type, VCardParameterValue::Text(t)) => {
                out.extend(t.split(',').map(|s| s.trim().to_ascii_lowercase()).filter(|s| !s.is_empty()))
            }
            (VCardParameterName::Other(name), VCardParameterValue::Null) => out.push(name.to_ascii_lowercase()),
            _ => {}
        }
    }
    for t in &mut out {
        if t == "cell" {
            *t = "mobile".into();
        }
    }
    out
}

/// The kinds a person would call a value by: `work`, `home fax`; not `pref` or `internet`.
fn type_label(e: &VCardEntry) -> String {
    let mut seen = Vec::new();
    for t in types(e) {
        if !matches!(t.as_str(), "pref" | "internet" | "voice" | "x400" | "charset" | "encoding") && !seen.contains(&t)
        {
            seen.push(t);
        }
    }
    seen.join(" ")
}

/// Apple's built-in labels are written `_$!<Mobile>!$_`.
fn clean_label(label: &str) -> String {
    let l = label.trim();
    l.strip_prefix("_$!<").and_then(|l| l.strip_suffix(">!$_")).unwrap_or(l).trim().to_string()
}

fn is_other(e: &VCardEntry, name: &str) -> bool {
    matches!(&e.name, VCardProperty::Other(n) if n.eq_ignore_ascii_case(name))
}

/// A property's components: `N`'s family, given, …; a list inside one is joined by commas.
fn parts(e: &VCardEntry) -> Vec<String> {
    e.values
        .iter()
        .map(|v| match v {
            // Quoted-printable notes carry Windows line ends (=0D=0A).
            VCardValue::Text(s) => s.replace("\r\n", "\n"),
            VCardValue::Component(list) => list.join(",").replace("\r\n", "\n"),
            VCardValue::Integer(n) => n.to_string(),
            VCardValue::Float(f) => f.to_string(),
            VCardValue::Boolean(b) => b.to_string(),
            // Pictures and other data are not text.
            _ => String::new(),
        })
        .collect()
}

/// A property's value as one text.
fn text(e: &VCardEntry) -> String {
    parts(e).join(",")
}

/// The contacts in scope, as a vCard 3.0 file.
pub fn export(store: &Store, scope: &crate::domain::scope::Resolved) -> anyhow::Result<String> {
    Ok(write(&store.contact_cards(scope)?))
}

/// Contacts as vCard 3.0: CRLF line ends, lines folded at 75 octets, text
/// escaped. `UID` is the id the contact came with, else its rapport uid, so
/// an address book that had it updates it instead of adding it twice.
pub fn write(cards: &[ContactCard]) -> String {
    let mut out = String::new();
    for card in cards {
        write_card(&mut out, card);
    }
    out
}

fn write_card(out: &mut String, card: &ContactCard) {
    let c = &card.contact;
    let mut line = |l: String| fold(out, &l);
    line("BEGIN:VCARD".into());
    line("VERSION:3.0".into());
    line("PRODID:-//rapport//rapport//EN".into());
    let uid = card.external_ref.as_deref().filter(|r| !r.trim().is_empty()).unwrap_or(&c.meta.uid);
    line(format!("UID:{}", escape(uid)));
    line(format!("FN:{}", escape(&c.name)));
    // The last word as the family name: good enough for sorting in an address book.
    let words: Vec<&str> = c.name.split_whitespace().collect();
    let (given, family) = match words.split_last() {
        Some((last, rest)) if !rest.is_empty() => (rest.join(" "), last.to_string()),
        Some((last, _)) => (String::new(), last.to_string()),
        None => (String::new(), String::new()),
    };
    line(format!("N:{};{};;;", escape(&family), escape(&given)));
    let mut org = escape(&card.account);
    if let Some(unit) = card.custom.get(DEPARTMENT) {
        org = format!("{org};{}", escape(unit));
    }
    line(format!("ORG:{org}"));
    if let Some(t) = c.title.as_deref().filter(|t| !t.is_empty()) {
        line(format!("TITLE:{}", escape(t)));
    }
    if let Some(r) = card.custom.get(JOB_ROLE) {
        line(format!("ROLE:{}", escape(r)));
    }
    if let Some(e) = c.email.as_deref().filter(|e| !e.is_empty()) {
        line(format!("EMAIL;TYPE=INTERNET,PREF:{}", escape(e)));
    }
    if let Some(p) = c.phone.as_deref().filter(|p| !p.is_empty()) {
        line(format!("TEL;TYPE=PREF:{}", escape(p)));
    }
    let mut group = 0;
    for (name, value) in &card.custom {
        if name == DEPARTMENT || name == JOB_ROLE {
            continue;
        }
        if name == "URL" {
            line(format!("URL:{}", uri(value)));
            continue;
        }
        if name == "NICKNAME" {
            line(format!("NICKNAME:{}", escape(value)));
            continue;
        }
        group += 1;
        let labelled = name
            .strip_suffix(')')
            .and_then(|n| n.split_once(" ("))
            .filter(|(prop, label)| LABELLED.contains(prop) && !label.is_empty());
        match labelled {
            Some(("EMAIL", label)) => {
                line(format!("item{group}.EMAIL;TYPE=INTERNET:{}", escape(value)));
                line(format!("item{group}.X-ABLabel:{}", escape(label)));
            }
            Some((prop, label)) => {
                let v = if prop == "URL" { uri(value) } else { escape(value) };
                line(format!("item{group}.{prop}:{v}"));
                line(format!("item{group}.X-ABLabel:{}", escape(label)));
            }
            None => {
                line(format!("item{group}.{RAPPORT_CUSTOM}:{}", escape(value)));
                line(format!("item{group}.X-ABLabel:{}", escape(name)));
            }
        }
    }
    if let Some(n) = c.notes.as_deref().filter(|n| !n.is_empty()) {
        line(format!("NOTE:{}", escape(n)));
    }
    if c.role != ContactRole::Other {
        line(format!("{RAPPORT_ROLE}:{}", c.role.as_str()));
    }
    line("END:VCARD".into());
}

/// vCard text: backslash, semicolon, comma and line breaks escaped; other
/// control characters, which no address book shows, left out.
fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars().peekable();
    while let Some(ch) = chars.next() {
        match ch {
            '\\' => out.push_str("\\\\"),
            ';' => out.push_str("\\;"),
            ',' => out.push_str("\\,"),
            '\r' => {
                if chars.peek() != Some(&'\n') {
                    out.push_str("\\n");
                }
            }
            '\n' => out.push_str("\\n"),
            c if c.is_control() && c != '\t' => {}
            c => out.push(c),
        }
    }
    out
}

/// A web address as written: not escaped, but on one line.
fn uri(s: &str) -> String {
    s.chars().filter(|c| !c.is_control()).collect()
}

/// Writes a content line folded at 75 octets (a line break and a space
/// before each continuation), never inside a UTF-8 character.
fn fold(out: &mut String, line: &str) {
    let mut width = 0;
    for ch in line.chars() {
        let n = ch.len_utf8();
        if width + n > 75 {
            out.push_str("\r\n ");
            width = 1;
        }
        out.push(ch);
        width += n;
    }
    out.push_str("\r\n");
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    fn table(text: &str) -> Table {
        read(text.as_bytes()).unwrap()
    }

    fn cell<'t>(t: &'t Table, row: usize, col: &str) -> &'t str {
        let i = t.headers.iter().position(|h| h == col).unwrap_or_else(|| panic!("no column {col}: {:?}", t.headers));
        &t.rows[row].cells[i]
    }

    #[test]
    fn outlook_2_1_quoted_printable_with_soft_breaks_and_charset() {
        let t = table(
            "BEGIN:VCARD\r\nVERSION:2.1\r\nN;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:M=C3=BCller;J=C3=BCrgen\r\n\
             FN;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:J=C3=BCrgen M=C3=BCller\r\n\
             NOTE;ENCODING=QUOTED-PRINTABLE;CHARSET=UTF-8:First=0D=0Asecond line, long and =\r\ncontinued\r\n\
             TEL;HOME;VOICE:+49 30 7654321\r\nTEL;WORK;VOICE:+49 30 1234567\r\nEMAIL;PREF;INTERNET:j@x.de\r\n\
             ORG:Acme GmbH;Einkauf\r\nEND:VCARD\r\n",
        );
        assert_eq!(cell(&t, 0, "FN"), "Jürgen Müller");
        assert_eq!(cell(&t, 0, "NOTE"), "First\nsecond line, long and continued");
        assert_eq!(cell(&t, 0, "TEL"), "+49 30 1234567");
        assert_eq!(cell(&t, 0, "TEL (home)"), "+49 30 7654321");
        assert_eq!(cell(&t, 0, "EMAIL"), "j@x.de");
        assert_eq!(cell(&t, 0, "ORG"), "Acme GmbH");
        assert_eq!(cell(&t, 0, "department"), "Einkauf");
        assert_eq!(t.unit, Unit::Card);
    }

    #[test]
    fn apple_item_groups_labels_and_photo() {
        let photo = "A".repeat(200_000);
        let t = table(&format!(
            "BEGIN:VCARD\r\nVERSION:3.0\r\nN:Doe;Jane;;;\r\nFN:Jane Doe\r\n\
             item1.EMAIL;type=INTERNET;type=pref:jane@acme.com\r\nitem1.X-ABLabel:_$!<Work>!$_\r\n\
             item2.EMAIL;type=INTERNET:jd@home.org\r\nitem2.X-ABLabel:_$!<Home>!$_\r\n\
             TEL;type=CELL;type=VOICE:+1 555 0100\r\nPHOTO;ENCODING=b;TYPE=JPEG:{photo}\r\n\
             ROLE:Office Manager\r\nEND:VCARD\r\n"
        ));
        assert_eq!(cell(&t, 0, "EMAIL"), "jane@acme.com");
        assert_eq!(cell(&t, 0, "EMAIL (Home)"), "jd@home.org");
        assert_eq!(cell(&t, 0, "TEL"), "+1 555 0100");
        assert_eq!(cell(&t, 0, "ROLE"), "");
        assert_eq!(cell(&t, 0, "job role"), "Office Manager");
        assert!(!t.headers.iter().any(|h| h.contains("PHOTO")));
    }

    #[test]
    fn bad_shapes_name_the_card_or_line() {
        let e = read(b"BEGIN:VCARD\r\nVERSION:3.0\r\nFN:A\r\nEND:VCARD\r\nBEGIN:VCARD\r\nFN:B\r\n").unwrap_err();
        assert!(e.starts_with("card 2: BEGIN:VCARD on line 5 has no END:VCARD"), "{e}");
        let e = read(b"BEGIN:VCARD\nFN:A\nBEGIN:VCARD\nFN:B\nEND:VCARD\n").unwrap_err();
        assert!(e.starts_with("card 1:"), "{e}");
        assert!(read(b"FN:A\nEND:VCARD\n").unwrap_err().starts_with("line 2: END:VCARD without"));
        assert!(read(b"").unwrap_err().contains("empty"));
        assert!(read(b"name,email\nA,a@b.c\n").unwrap_err().contains("no vCard"));
        assert!(read(b"\x00\x01\x02\x03garbage\xff\xfe").unwrap_err().contains("binary"));
    }

    fn sample() -> ContactCard {
        let mut custom = BTreeMap::new();
        custom.insert("EMAIL (home)".to_string(), "j@home.org".to_string());
        custom.insert("TEL (mobile)".to_string(), "+1 555 0101".to_string());
        custom.insert("Lead Source; 2024, Q1".to_string(), "Web\\form\nline two".to_string());
        custom.insert(DEPARTMENT.to_string(), "Einkauf".to_string());
        custom.insert(JOB_ROLE.to_string(), "Office Manager".to_string());
        custom.insert("URL".to_string(), "https://acme.example/a,b;c".to_string());
        ContactCard {
            contact: crate::store::Contact {
                name: "Jürgen Müller-Lüdenscheidt".into(),
                title: Some("Head of Procurement, EMEA".into()),
                email: Some("j@acme.com".into()),
                phone: Some("+49 30 1234567".into()),
                role: ContactRole::DecisionMaker,
                notes: Some(format!("Met at the fair; {}", "long ".repeat(30))),
                meta: crate::store::Meta { uid: "0190-uid".into(), ..Default::default() },
                ..Default::default()
            },
            account: "Acme, Inc.".into(),
            owner_id: None,
            external_ref: None,
            custom,
        }
    }

    #[test]
    fn written_cards_are_folded_escaped_and_read_back_the_same() {
        let text = write(&[sample()]);
        for l in text.split("\r\n") {
            assert!(l.len() <= 75, "{l:?} is {} octets", l.len());
        }
        assert!(!text.replace("\r\n", "").contains('\n'));
        assert!(text.contains("ORG:Acme\\, Inc.;Einkauf\r\n"), "{text}");
        assert!(text.contains("X-RAPPORT-ROLE:decision_maker\r\n"));
        let t = table(&text);
        let row = |c: &str| cell(&t, 0, c).to_string();
        assert_eq!(row("UID"), "0190-uid");
        assert_eq!(row("FN"), "Jürgen Müller-Lüdenscheidt");
        assert_eq!(row("ORG"), "Acme, Inc.");
        assert_eq!(row("TITLE"), "Head of Procurement, EMEA");
        assert_eq!(row("EMAIL"), "j@acme.com");
        assert_eq!(row("TEL"), "+49 30 1234567");
        assert_eq!(row("ROLE"), "decision_maker");
        assert_eq!(row("NOTE"), sample().contact.notes.unwrap().trim());
        for (k, v) in &sample().custom {
            assert_eq!(&row(k), v, "custom {k}");
        }
    }
}

#[cfg(test)]
mod fuzz {
    use super::*;
    use proptest::prelude::*;
    use std::collections::BTreeMap;

    proptest! {
        #![proptest_config(ProptestConfig { cases: crate::interop::fuzz_cases(300), ..ProptestConfig::default() })]

        /// Any bytes at all: a table or an error, never a panic.
        #[test]
        fn the_vcard_reader_never_panics(bytes in proptest::collection::vec(any::<u8>(), 0..600)) {
            let _ = read(&bytes);
        }

        /// Bytes shaped like vCards (properties, parameters, encodings, folds) reach the deeper paths.
        #[test]
        fn vcard_shaped_bytes_never_panic(parts in proptest::collection::vec(
            prop_oneof![
                Just(b"BEGIN:VCARD\r\n".to_vec()), Just(b"END:VCARD\r\n".to_vec()), Just(b"VERSION:2.1\r\n".to_vec()),
                Just(b"VERSION:4.0\n".to_vec()), Just(b"FN:".to_vec()), Just(b"N:".to_vec()), Just(b"ORG:".to_vec()),
                Just(b"item1.".to_vec()), Just(b"X-ABLabel:".to_vec()), Just(b"EMAIL;TYPE=".to_vec()),
                Just(b"TEL;PREF=1:".to_vec()), Just(b";ENCODING=QUOTED-PRINTABLE".to_vec()),
                Just(b";CHARSET=UTF-8".to_vec()), Just(b";ENCODING=BASE64:".to_vec()), Just(b"PHOTO".to_vec()),
                Just(b"=C3=BC".to_vec()), Just(b"=\r\n".to_vec()), Just(b"\r\n ".to_vec()), Just(b"\\".to_vec()),
                Just(b";".to_vec()), Just(b",".to_vec()), Just(b":".to_vec()), Just(b"\"".to_vec()),
                Just(b"X-RAPPORT-CUSTOM:".to_vec()), Just(b"X-RAPPORT-ROLE:".to_vec()), Just(b"ADR:".to_vec()),
                proptest::collection::vec(any::<u8>(), 0..4),
            ],
            0..80,
        )) {
            let bytes: Vec<u8> = parts.concat();
            if let Ok(t) = read(&bytes) {
                prop_assert!(!t.rows.is_empty());
                prop_assert!(t.rows.iter().all(|r| r.cells.len() == t.headers.len()));
            }
        }

        /// What is written reads back with the same fields, whatever the text.
        #[test]
        fn any_contact_written_reads_back(name in "\\PC{1,40}", account in "\\PC{1,40}", note in "\\PC{0,200}",
                                          key in "[a-zA-Z][\\PC]{0,20}", value in "\\PC{1,60}") {
            let mut card = tests_card();
            card.contact.name = name.trim().to_string();
            card.account = account.trim().to_string();
            card.contact.notes = Some(note.trim().to_string()).filter(|n| !n.is_empty());
            card.custom.insert(format!("x {}", key.trim()), value.trim().to_string());
            prop_assume!(!card.contact.name.is_empty() && !card.account.is_empty() && !value.trim().is_empty());
            let text = write(&[card.clone()]);
            let t = read(text.as_bytes()).map_err(TestCaseError::fail)?;
            let at = |c: &str| t.headers.iter().position(|h| h == c).map(|i| t.rows[0].cells[i].clone());
            prop_assert_eq!(at("FN"), Some(card.contact.name.clone()));
            prop_assert_eq!(at("ORG"), Some(card.account.clone()));
            prop_assert_eq!(at("NOTE").unwrap_or_default(), card.contact.notes.clone().unwrap_or_default());
            prop_assert_eq!(at(&format!("x {}", key.trim())), Some(value.trim().to_string()));
        }
    }

    fn tests_card() -> ContactCard {
        ContactCard {
            contact: crate::store::Contact {
                meta: crate::store::Meta { uid: "u-1".into(), ..Default::default() },
                ..Default::default()
            },
            account: String::new(),
            owner_id: None,
            external_ref: None,
            custom: BTreeMap::new(),
        }
    }
}
