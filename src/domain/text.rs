//! Folding text for comparison: what a person types against what is
//! stored, the same way for the lookup (`rapport find`, `/` in the
//! cockpit) and for names given on the command line (`rapport log ACME`).

use nucleo_matcher::chars;

/// One char in lower case without its accents: 'Ä' → 'a', 'Ł' → 'l'.
/// Always one char for one, so positions carry over (see `fold_origins`).
pub fn fold_char(c: char) -> char {
    if c.is_ascii() {
        c.to_ascii_lowercase()
    } else {
        // Lower case first: the accent table holds 'ł' but not 'Ł'.
        chars::normalize(chars::to_lower_case(c))
    }
}

/// The chars of `fold(s)`, each with the index of the char of `s` it
/// comes from: every char folded, runs of white space one space, none at
/// either end.
fn folded(s: &str) -> impl Iterator<Item = (usize, char)> + '_ {
    let mut space: Option<usize> = None;
    let mut started = false;
    s.chars()
        .enumerate()
        .flat_map(move |(i, c)| {
            if c.is_whitespace() {
                space = space.or(Some(i));
                return [None, None];
            }
            let before = space.take().filter(|_| started).map(|at| (at, ' '));
            started = true;
            [before, Some((i, fold_char(c)))]
        })
        .flatten()
}

/// Case-, accent- and spacing-insensitive form of a name, for matching
/// and for telling whether two names are the same:
/// "  Hämäläinen   OY " → "hamalainen oy".
pub fn fold(s: &str) -> String {
    folded(s).map(|(_, c)| c).collect()
}

/// For each char of `fold(s)`, the index of the char of `s` it comes
/// from: where a match found in the folded text shows in the original.
pub fn fold_origins(s: &str) -> Vec<u32> {
    folded(s).map(|(i, _)| i as u32).collect()
}

/// Lower-case ASCII spelling, for made-up e-mail addresses and web
/// domains: "Søren Müller" → "soren mueller". Unlike `fold`, German
/// umlauts and ligatures become two letters, as in addresses, and what has
/// no ASCII spelling is left out.
pub fn transliterate(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for ch in s.chars().flat_map(char::to_lowercase) {
        match ch {
            'ä' | 'æ' => out.push_str("ae"),
            'ö' | 'œ' => out.push_str("oe"),
            'ü' => out.push_str("ue"),
            'ß' => out.push_str("ss"),
            c => {
                let f = fold_char(c);
                if f.is_ascii() {
                    out.push(f);
                }
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_fold_whatever_their_case_accents_and_spacing() {
        assert_eq!(fold("  Hämäläinen   OY "), "hamalainen oy");
        assert_eq!(fold("ACME\tLogistics"), "acme logistics");
        assert_eq!(fold("Zoë Núñez"), fold("zoe nunez"));
        assert_eq!(fold("Łódź"), "lodz");
        // Scripts without accents to drop keep their letters, in lower case.
        assert_eq!(fold("ΑΘΗΝΑ"), fold("αθηνα"));
        assert_eq!(fold("東京"), "東京");
        assert_eq!(fold(" \t "), "");
    }

    #[test]
    fn each_folded_char_knows_where_it_came_from() {
        let s = " Zoë  Núñez";
        let folded: Vec<char> = fold(s).chars().collect();
        let origins = fold_origins(s);
        assert_eq!(origins, [1, 2, 3, 4, 6, 7, 8, 9, 10]);
        let chars: Vec<char> = s.chars().collect();
        for (f, &o) in folded.iter().zip(&origins) {
            assert_eq!(*f, fold(&chars[o as usize].to_string()).chars().next().unwrap_or(' '));
        }
        // Without runs of spaces, folding keeps every position.
        let t = "Åsa Öberg-Ñúñez";
        assert_eq!(fold_origins(t), (0..t.chars().count() as u32).collect::<Vec<_>>());
    }

    #[test]
    fn transliteration_spells_names_in_plain_ascii_for_addresses() {
        assert_eq!(transliterate("Søren Müller"), "soren mueller");
        assert_eq!(transliterate("Ærø Œuvre Straße"), "aero oeuvre strasse");
        assert_eq!(transliterate("Nordwind Köln"), "nordwind koeln");
        assert_eq!(transliterate("東京 Tōkyō"), " tokyo");
        // Every letter the demo's names hold, as the demo spelled it before.
        let letters = "áàâãåąéèêëęěíìîïıóòôõøőúùûűůýÿçčćñńłřšśşžźżğđ";
        assert_eq!(transliterate(letters), "aaaaaaeeeeeeiiiiioooooouuuuuyycccnnlrssszzzgd");
    }
}
