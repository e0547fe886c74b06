//! The word lists under `assets/demo/`, embedded in the binary and parsed
//! once per run into plain slices.

use crate::domain::{ContactRole, Tier};
use std::collections::HashMap;

const PEOPLE: &str = include_str!("../../assets/demo/people.txt");
const COMPANY_WORDS: &str = include_str!("../../assets/demo/company_words.txt");
const SECTORS: &str = include_str!("../../assets/demo/sectors.txt");
const PLACES: &str = include_str!("../../assets/demo/places.txt");
const PRODUCTS: &str = include_str!("../../assets/demo/products.txt");
const TITLES: &str = include_str!("../../assets/demo/titles.txt");
const TEMPLATES: &str = include_str!("../../assets/demo/templates.txt");

pub struct Sector {
    pub name: &'static str,
    pub words: Vec<&'static str>,
}

pub struct City {
    pub name: &'static str,
    /// The area code without a trunk zero, possibly with the exchange
    /// (`20 7946` for London's range reserved for drama); may be empty.
    pub area: &'static str,
}

/// Given and family names that belong together.
pub struct Origin {
    pub name: &'static str,
    pub first: Vec<&'static str>,
    pub last: Vec<&'static str>,
}

pub struct Country {
    pub code: &'static str,
    pub name: &'static str,
    pub weight: u32,
    pub dial: &'static str,
    pub suffixes: Vec<&'static str>,
    pub region: &'static str,
    /// Indices into `Words::origins`, and how common each is here.
    pub origins: Vec<usize>,
    pub origin_weights: Vec<u32>,
    pub cities: Vec<City>,
}

pub struct Words {
    pub origins: Vec<Origin>,
    pub brands: Vec<&'static str>,
    pub adjectives: Vec<&'static str>,
    pub nouns: Vec<&'static str>,
    /// Word beginnings and endings that make one word together.
    pub prefixes: Vec<&'static str>,
    pub tails: Vec<&'static str>,
    pub sectors: Vec<Sector>,
    pub countries: Vec<Country>,
    pub country_weights: Vec<u32>,
    /// The subscription plan per tier: strategic, key, standard.
    plans: Vec<(&'static str, &'static str)>,
    pub addons: Vec<&'static str>,
    titles: Vec<(ContactRole, Vec<&'static str>)>,
    templates: HashMap<&'static str, Vec<&'static str>>,
}

/// Non-empty lines without comments.
fn lines(text: &'static str) -> impl Iterator<Item = &'static str> {
    text.lines().map(str::trim).filter(|l| !l.is_empty() && !l.starts_with('#'))
}

/// `[name]` headed groups of lines.
fn sections(text: &'static str) -> Vec<(&'static str, Vec<&'static str>)> {
    let mut out: Vec<(&'static str, Vec<&'static str>)> = Vec::new();
    for line in lines(text) {
        if let Some(name) = line.strip_prefix('[').and_then(|l| l.strip_suffix(']')) {
            out.push((name, Vec::new()));
        } else if let Some((_, items)) = out.last_mut() {
            items.push(line);
        }
    }
    out
}

fn section(text: &'static str, name: &str) -> Vec<&'static str> {
    sections(text).into_iter().find(|(n, _)| *n == name).map(|(_, items)| items).unwrap_or_default()
}

fn key_value(line: &'static str) -> (&'static str, &'static str) {
    let (k, v) = line.split_once(':').unwrap_or((line, ""));
    (k.trim(), v.trim())
}

fn list(value: &'static str) -> Vec<&'static str> {
    value.split(',').map(str::trim).filter(|s| !s.is_empty()).collect()
}

impl Words {
    pub fn load() -> Words {
        let origins: Vec<Origin> = sections(PEOPLE)
            .into_iter()
            .map(|(name, items)| {
                let mut o = Origin { name, first: Vec::new(), last: Vec::new() };
                for item in items {
                    match key_value(item) {
                        ("first", v) => o.first = list(v),
                        ("last", v) => o.last = list(v),
                        _ => {}
                    }
                }
                o
            })
            .collect();
        let sectors = lines(SECTORS)
            .map(|l| {
                let (name, words) = key_value(l);
                Sector { name, words: list(words) }
            })
            .collect();
        let countries: Vec<Country> = sections(PLACES)
            .into_iter()
            .map(|(code, items)| {
                let mut c = Country {
                    code,
                    name: code,
                    weight: 1,
                    dial: "",
                    suffixes: Vec::new(),
                    region: code,
                    origins: Vec::new(),
                    origin_weights: Vec::new(),
                    cities: Vec::new(),
                };
                for item in items {
                    match key_value(item) {
                        ("country", v) => c.name = v,
                        ("weight", v) => c.weight = v.parse().unwrap_or(1),
                        ("dial", v) => c.dial = v,
                        ("suffix", v) => c.suffixes = list(v),
                        ("region", v) => c.region = v,
                        ("people", v) => {
                            for part in list(v) {
                                let (name, weight) = part.rsplit_once(' ').unwrap_or((part, "1"));
                                let idx = origins
                                    .iter()
                                    .position(|o| o.name == name.trim())
                                    .unwrap_or_else(|| panic!("places.txt: {code} names an unknown origin {name}"));
                                c.origins.push(idx);
                                c.origin_weights.push(weight.parse().unwrap_or(1));
                            }
                        }
                        ("city", v) => {
                            let (name, area) = v.split_once('|').unwrap_or((v, ""));
                            c.cities.push(City { name: name.trim(), area: area.trim() });
                        }
                        _ => {}
                    }
                }
                c
            })
            .collect();
        let country_weights = countries.iter().map(|c| c.weight).collect();
        let plans = section(PRODUCTS, "plan").into_iter().map(key_value).collect();
        let titles = lines(TITLES)
            .filter_map(|l| {
                let (role, titles) = key_value(l);
                Some((role.parse().ok()?, list(titles)))
            })
            .collect();
        Words {
            origins,
            brands: section(COMPANY_WORDS, "brand"),
            adjectives: section(COMPANY_WORDS, "adjective"),
            nouns: section(COMPANY_WORDS, "noun"),
            prefixes: section(COMPANY_WORDS, "prefix"),
            tails: section(COMPANY_WORDS, "tail"),
            sectors,
            countries,
            country_weights,
            plans,
            addons: section(PRODUCTS, "addon"),
            titles,
            templates: sections(TEMPLATES).into_iter().collect(),
        }
    }

    /// The templates of one section of `templates.txt`.
    pub fn templates(&self, name: &str) -> &[&'static str] {
        self.templates
            .get(name)
            .map(Vec::as_slice)
            .unwrap_or_else(|| panic!("assets/demo/templates.txt has no [{name}] section"))
    }

    pub fn plan(&self, tier: Tier) -> &'static str {
        self.plans.iter().find(|(t, _)| *t == tier.as_str()).map(|(_, p)| *p).unwrap_or("Platform subscription")
    }

    pub fn titles(&self, role: ContactRole) -> &[&'static str] {
        self.titles.iter().find(|(r, _)| *r == role).map(|(_, t)| t.as_slice()).unwrap_or(&["Manager"])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_conflict_comes_with_a_way_to_resolve_it() {
        let w = Words::load();
        for line in w.templates("conflict") {
            let parts: Vec<&str> = line.split('|').map(str::trim).collect();
            assert!(parts.len() >= 2 && parts.iter().all(|p| !p.is_empty()), "{line}");
        }
    }

    #[test]
    fn every_list_is_filled() {
        let w = Words::load();
        assert!(w.origins.len() >= 15);
        for o in &w.origins {
            assert!(o.first.len() >= 8 && o.last.len() >= 8, "{}", o.name);
        }
        let given: usize = w.origins.iter().map(|o| o.first.len()).sum();
        let family: usize = w.origins.iter().map(|o| o.last.len()).sum();
        assert!(given >= 250 && family >= 300, "{given} {family}");
        assert!(w.brands.len() >= 100 && w.adjectives.len() >= 40 && w.nouns.len() >= 40);
        assert!(w.prefixes.len() >= 30 && w.tails.len() >= 15);
        assert!(w.sectors.len() >= 15 && w.sectors.iter().all(|s| s.words.len() >= 3));
        assert!(w.countries.len() >= 15);
        for c in &w.countries {
            assert!(!c.dial.is_empty() && !c.suffixes.is_empty(), "{}", c.code);
            assert!(!c.cities.is_empty(), "{}", c.code);
            assert!(!c.origins.is_empty(), "{}", c.code);
        }
        for t in Tier::ALL {
            assert_ne!(w.plan(*t), "Platform subscription");
        }
        assert!(w.addons.len() >= 10);
        for r in ContactRole::ALL {
            assert!(w.titles(*r).len() >= 3, "{r}");
        }
        for s in [
            "call",
            "email",
            "meeting",
            "note",
            "follow_up",
            "body",
            "deal_touch",
            "conflict",
            "conflict_description",
            "conflict_touch",
            "account_note",
            "prospect_note",
            "competitor",
        ] {
            assert!(w.templates(s).len() >= 4, "[{s}]");
        }
    }
}
