//! Names, addresses and numbers: companies, people, e-mail addresses,
//! phone numbers, and the placeholders in text templates.

use super::rng::Rng;
use super::words::{City, Country, Origin, Sector, Words};
use crate::domain::text::transliterate;
use std::collections::HashSet;

/// A company's name with and without its legal form, and its web domain.
#[derive(Debug, Clone)]
pub struct CompanyName {
    /// "Blue Harbor Foods": unique among the generated accounts.
    pub short: String,
    /// "Blue Harbor Foods Ltd".
    pub full: String,
    /// "blue-harbor-foods.example": the reserved example domain, so no
    /// demo address ever belongs to a real company.
    pub domain: String,
}

/// Hands out company names that are never repeated (ignoring case and
/// legal form), however many are asked for.
#[derive(Default)]
pub struct CompanyNames {
    used: HashSet<String>,
}

impl CompanyNames {
    pub fn new() -> CompanyNames {
        CompanyNames::default()
    }

    fn claim(&mut self, short: &str) -> bool {
        self.used.insert(short.to_lowercase())
    }

    /// A new company in `sector`, based in `city` of `country`.
    pub fn company(
        &mut self,
        w: &Words,
        rng: &mut Rng,
        sector: &Sector,
        country: &Country,
        city: &City,
    ) -> CompanyName {
        let mut short = String::new();
        let mut found = false;
        // Plain names first; most fit at the default size.
        for _ in 0..12 {
            short = plain_name(w, rng, sector, country);
            if self.claim(&short) {
                found = true;
                break;
            }
        }
        // Then tell namesakes apart by their home town, as real ones are.
        if !found {
            for _ in 0..24 {
                short = format!("{} {}", plain_name(w, rng, sector, country), city.name);
                if self.claim(&short) {
                    found = true;
                    break;
                }
            }
        }
        // A name made longer until it is new always ends the search.
        while !found {
            short = format!("{short} {}", rng.pick(&w.brands));
            found = self.claim(&short);
        }
        let full = if rng.chance(0.65) || (short.contains(" & ") && rng.chance(0.6)) {
            format!("{short} {}", rng.pick(&country.suffixes))
        } else {
            short.clone()
        };
        let domain = domain_of(&short);
        CompanyName { short, full, domain }
    }

    /// A subsidiary of `parent` (a short name) in `country`: "Veritas
    /// Systems Iberia S.L.".
    pub fn subsidiary(
        &mut self,
        w: &Words,
        rng: &mut Rng,
        parent: &str,
        country: &Country,
        city: &City,
    ) -> CompanyName {
        let mut short = format!("{parent} {}", country.region);
        if !self.claim(&short) {
            short = format!("{parent} {}", city.name);
            while !self.claim(&short) {
                short = format!("{short} {}", rng.pick(&w.nouns));
            }
        }
        let full = format!("{short} {}", rng.pick(&country.suffixes));
        let domain = domain_of(&short);
        CompanyName { short, full, domain }
    }
}

/// One of the usual shapes of a company name, without a legal form.
fn plain_name(w: &Words, rng: &mut Rng, sector: &Sector, country: &Country) -> String {
    let word = rng.pick(&sector.words);
    match rng.weighted(&[34, 18, 14, 10, 12, 12]) {
        0 => format!("{} {word}", rng.pick(&w.brands)),
        1 => format!("{} {} {word}", rng.pick(&w.adjectives), rng.pick(&w.nouns)),
        2 => {
            let noun = if rng.chance(0.5) { rng.pick(&w.tails).to_string() } else { rng.pick(&w.nouns).to_lowercase() };
            let prefix = *rng.pick(&w.prefixes);
            if prefix.eq_ignore_ascii_case(&noun) {
                format!("{prefix}field {word}")
            } else {
                format!("{prefix}{noun} {word}")
            }
        }
        3 => format!("{} {word}", rng.pick(&w.nouns)),
        4 => format!("{} {word}", Person::random(w, rng, country).last),
        _ => {
            let a = Person::random(w, rng, country).last;
            let mut b = Person::random(w, rng, country).last;
            while b == a {
                b = Person::random(w, rng, country).last;
            }
            if rng.chance(0.4) {
                format!("{a} & {b} {word}")
            } else {
                format!("{a} & {b}")
            }
        }
    }
}

/// "Blue Harbor & Sons" → "blue-harbor-sons.example".
pub fn domain_of(short: &str) -> String {
    let mut out = String::with_capacity(short.len() + 8);
    for ch in transliterate(short).chars() {
        if ch.is_ascii_alphanumeric() {
            out.push(ch);
        } else if !out.is_empty() && !out.ends_with('-') && !matches!(ch, '\'' | '.') {
            out.push('-');
        }
    }
    while out.ends_with('-') {
        out.pop();
    }
    out.push_str(".example");
    out
}

/// A person's name.
#[derive(Debug, Clone)]
pub struct Person {
    pub first: &'static str,
    pub last: &'static str,
}

impl Person {
    /// Someone living in `country`: mostly with names common there, now
    /// and then from anywhere, and once in a while with a family name from
    /// elsewhere.
    pub fn random(w: &Words, rng: &mut Rng, country: &Country) -> Person {
        let origin = |rng: &mut Rng| -> &Origin {
            if rng.chance(0.88) && !country.origins.is_empty() {
                &w.origins[country.origins[rng.weighted(&country.origin_weights)]]
            } else {
                &w.origins[rng.index(w.origins.len())]
            }
        };
        let o = origin(rng);
        let first = *rng.pick(&o.first);
        let last = if rng.chance(0.05) {
            let other = origin(rng);
            *rng.pick(&other.last)
        } else {
            *rng.pick(&o.last)
        };
        Person { first, last }
    }

    pub fn name(&self) -> String {
        format!("{} {}", self.first, self.last)
    }

    /// `first.last@domain`, folded to plain ASCII.
    pub fn email(&self, domain: &str) -> String {
        let part = |s: &str| -> String {
            transliterate(s).chars().filter(|c| c.is_ascii_alphanumeric() || *c == '-').collect()
        };
        format!("{}.{}@{domain}", part(self.first), part(self.last))
    }
}

fn digits(rng: &mut Rng, n: usize) -> String {
    (0..n).map(|_| char::from(b'0' + rng.below(10) as u8)).collect()
}

/// Splits `s` into groups of `size` separated by spaces.
fn grouped(s: &str, size: usize) -> String {
    let mut out = String::with_capacity(s.len() + s.len() / size);
    for (i, ch) in s.chars().enumerate() {
        if i > 0 && i.is_multiple_of(size) {
            out.push(' ');
        }
        out.push(ch);
    }
    out
}

/// The first `len` of `drawn` as a subscriber number. It begins with 2, 3
/// or 4, which every area of the demo's countries gives out (0 and 1 lead
/// to other services, or to no number at all).
fn subscriber(drawn: &str, len: usize) -> String {
    let mut n: String = drawn.chars().take(len).collect();
    if let Some(first) = n.bytes().next() {
        let lead = char::from(b'2' + (first - b'0') % 3);
        n.replace_range(..1, lead.encode_utf8(&mut [0; 4]));
    }
    n
}

/// A made-up phone number in `city`, written the way people there (or
/// people who type carelessly) write it. North American numbers use the
/// 555 exchange, British and Australian ones the ranges set aside for
/// fiction.
pub fn phone(rng: &mut Rng, country: &Country, city: &City, formal: bool) -> String {
    let style = if formal { 0 } else { rng.below(4) };
    let cc = country.dial;
    match country.code {
        "US" | "CA" => {
            let area = if city.area.is_empty() { "555" } else { city.area };
            let line = digits(rng, 4);
            match style {
                0 => format!("+1 ({area}) 555-{line}"),
                1 => format!("{area}.555.{line}"),
                2 => format!("({area}) 555-{line}"),
                _ => format!("+1 {area} 555 {line}"),
            }
        }
        "GB" => {
            let line = format!("0{}", digits(rng, 3));
            match style {
                0 | 3 => format!("+44 {} {line}", city.area),
                1 => format!("0{} {line}", city.area),
                _ => format!("+44 (0){} {line}", city.area),
            }
        }
        "AU" => {
            let line = digits(rng, 4);
            let (state, rest) = city.area.split_once(' ').unwrap_or((city.area, "5550"));
            match style {
                0 | 3 => format!("+61 {state} {rest} {line}"),
                _ => format!("(0{state}) {rest} {line}"),
            }
        }
        "FR" => {
            let n = format!("{}{}", city.area, subscriber(&digits(rng, 8), 8));
            match style {
                0 | 3 => format!("+33 {} {}", &n[..1], grouped(&n[1..], 2)),
                _ => format!("0{} {}", &n[..1], grouped(&n[1..], 2)),
            }
        }
        "IT" => {
            let n = digits(rng, 7);
            match style {
                0 | 3 => format!("+39 {} {}", city.area, grouped(&n, 4)),
                _ => format!("{} {}", city.area, grouped(&n, 4)),
            }
        }
        _ if city.area.is_empty() => {
            // Numbers of these plans begin with a block in use: Danish 37,
            // Oslo's 22, Singapore's fixed lines' 6x.
            let lead = match country.code {
                "DK" => "37",
                "NO" => "22",
                "SG" => "61",
                _ => "",
            };
            let drawn = digits(rng, 8);
            let n = format!("{lead}{}", &drawn[lead.len()..]);
            match style {
                0 | 3 => format!("+{cc} {}", grouped(&n, 2)),
                _ => grouped(&n, 4),
            }
        }
        _ => {
            let len = if city.area.len() >= 3 { 7 } else { 8 };
            // Where a fixed-line number has a set length, the subscriber part
            // is what is left after the area code.
            let total = match country.code {
                "NL" | "ES" | "PL" | "CH" | "SE" | "FI" | "JP" => 9,
                "BE" => 8,
                _ => city.area.len() + len,
            };
            let n = subscriber(&digits(rng, len), total.saturating_sub(city.area.len()).min(len));
            // Spain and Poland dial the area code without a trunk 0.
            let trunk = if matches!(country.code, "ES" | "PL") { "" } else { "0" };
            match style {
                0 => format!("+{cc} {} {}", city.area, grouped(&n, 4)),
                1 => format!("{trunk}{} {n}", city.area),
                2 if trunk.is_empty() => format!("+{cc} {} {n}", city.area),
                2 => format!("+{cc} (0){} {n}", city.area),
                _ => format!("{trunk}{}-{}", city.area, grouped(&n, 4)),
            }
        }
    }
}

/// The values a text template may refer to.
#[derive(Debug, Default, Clone, Copy)]
pub struct Vars<'a> {
    pub contact: &'a str,
    pub first: &'a str,
    pub company: &'a str,
    pub product: &'a str,
    pub competitor: &'a str,
    pub quarter: &'a str,
    pub year: &'a str,
    pub invoice: &'a str,
}

/// Replaces `{name}` placeholders; unknown ones are kept as written.
pub fn fill(template: &str, v: &Vars<'_>) -> String {
    let mut out = String::with_capacity(template.len() + 24);
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        let Some(close) = after.find('}') else {
            out.push_str(&rest[open..]);
            return out;
        };
        let value = match &after[..close] {
            "contact" => v.contact,
            "first" => v.first,
            "company" => v.company,
            "product" => v.product,
            "competitor" => v.competitor,
            "quarter" => v.quarter,
            "year" => v.year,
            "invoice" => v.invoice,
            _ => &rest[open..open + close + 2],
        };
        out.push_str(value);
        rest = &after[close + 1..];
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folding_makes_plain_addresses() {
        let p = Person { first: "Søren", last: "Müller" };
        assert_eq!(p.email("x.example"), "soren.mueller@x.example");
        let p = Person { first: "Min-jun", last: "O'Brien" };
        assert_eq!(p.email("x.example"), "min-jun.obrien@x.example");
        let p = Person { first: "Zoë", last: "van den Berg" };
        assert_eq!(p.email("x.example"), "zoe.vandenberg@x.example");
        assert_eq!(domain_of("Hartmann & Cole"), "hartmann-cole.example");
        assert_eq!(domain_of("Nordwind Logistics Köln"), "nordwind-logistics-koeln.example");
    }

    #[test]
    fn templates_fill_known_placeholders() {
        let v = Vars { contact: "Ana Silva", first: "Ana", product: "Premium support", ..Vars::default() };
        assert_eq!(fill("Called {contact} about {product}", &v), "Called Ana Silva about Premium support");
        assert_eq!(fill("{first}'s {odd} {", &v), "Ana's {odd} {");
    }

    #[test]
    fn a_hundred_thousand_company_names_are_unique_and_wordy() {
        let w = Words::load();
        let mut rng = Rng::new(9);
        let mut names = CompanyNames::new();
        let mut seen = HashSet::new();
        let mut with_city = 0;
        for _ in 0..100_000 {
            let sector = rng.pick(&w.sectors);
            let country = &w.countries[rng.weighted(&w.country_weights)];
            let city = rng.pick(&country.cities);
            let n = names.company(&w, &mut rng, sector, country, city);
            assert!(!n.full.chars().any(|c| c.is_ascii_digit()), "{}", n.full);
            assert!(seen.insert(n.short.to_lowercase()), "{}", n.short);
            if n.short.ends_with(city.name) {
                with_city += 1;
            }
        }
        // Most names stay plain even at this size.
        assert!(with_city < 50_000, "{with_city}");
    }

    #[test]
    fn phones_have_enough_digits_in_every_country() {
        let w = Words::load();
        let mut rng = Rng::new(3);
        for c in &w.countries {
            for city in &c.cities {
                for formal in [true, false, false, false] {
                    let p = phone(&mut rng, c, city, formal);
                    let n = p.chars().filter(char::is_ascii_digit).count();
                    assert!((8..=14).contains(&n), "{} {p}", c.code);
                }
            }
        }
    }

    #[test]
    fn phones_are_valid_numbers_of_their_country_in_every_style() {
        let w = Words::load();
        let mut rng = Rng::new(11);
        for c in &w.countries {
            let region = crate::domain::phone::region_of(c.code);
            assert!(region.is_some(), "{}", c.code);
            for city in &c.cities {
                for formal in [true, false, false, false, false, false, false, false] {
                    let p = phone(&mut rng, c, city, formal);
                    assert!(crate::domain::phone::e164(&p, region).is_some(), "{} {p}", c.code);
                }
            }
        }
    }
}
