//! The book's one currency, an ISO 4217 code (`USD` unless set with
//! `rapport config set currency EUR`), and how amounts show with it.

use super::Money;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Currency(iso_currency::Currency);

impl Default for Currency {
    fn default() -> Currency {
        Currency(iso_currency::Currency::USD)
    }
}

impl Currency {
    /// A three-letter ISO 4217 code, in any case (`eur`, ` EUR `).
    pub fn parse(text: &str) -> Result<Currency, String> {
        let code = text.trim().to_ascii_uppercase();
        iso_currency::Currency::from_code(&code).map(Currency).ok_or_else(|| {
            format!(
                "'{}' is not an ISO 4217 currency code; expected three letters like EUR, USD, GBP or CHF",
                super::limits::preview(text.trim())
            )
        })
    }

    pub fn code(self) -> &'static str {
        self.0.code()
    }

    pub fn name(&self) -> &str {
        self.0.name()
    }

    /// The sign written before an amount where it names one currency only;
    /// other currencies go by their code, as `$` is also the Canadian dollar's.
    fn sign(self) -> Option<&'static str> {
        use iso_currency::Currency::*;
        match self.0 {
            USD => Some("$"),
            EUR => Some("€"),
            GBP => Some("£"),
            JPY => Some("¥"),
            INR => Some("₹"),
            _ => None,
        }
    }

    /// `€48,500.00`, `-$50.00`, `CHF 48,500.00`.
    pub fn show(self, m: Money) -> String {
        self.with(m.is_negative(), &Money(m.cents().abs()).to_string())
    }

    /// `€48.5k`, `CHF 1.2M`.
    pub fn show_compact(self, m: Money) -> String {
        self.with(m.is_negative(), &Money(m.cents().abs()).compact())
    }

    /// The sign or the code alone, for a column's header.
    pub fn mark(self) -> &'static str {
        self.sign().unwrap_or(self.code())
    }

    fn with(self, negative: bool, amount: &str) -> String {
        let minus = if negative { "-" } else { "" };
        match self.sign() {
            Some(sign) => format!("{minus}{sign}{amount}"),
            None => format!("{minus}{} {amount}", self.code()),
        }
    }
}

impl std::fmt::Display for Currency {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.code())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_checked_and_amounts_show_with_their_currency() {
        let eur = Currency::parse(" eur ").unwrap();
        assert_eq!(eur.code(), "EUR");
        assert_eq!(eur.show(Money::from_units(48_500)), "€48,500.00");
        assert_eq!(eur.show_compact(Money::from_units(48_500)), "€48.5k");
        assert_eq!(Currency::default().show(Money::from_cents(-5000)), "-$50.00");
        let chf = Currency::parse("CHF").unwrap();
        assert_eq!(chf.show(Money::from_units(1_200)), "CHF 1,200.00");
        assert_eq!(chf.mark(), "CHF");
        for bad in ["EURO", "E", "", "XYZ", "€", "usd1"] {
            let e = Currency::parse(bad).unwrap_err();
            assert!(e.contains("not an ISO 4217 currency code"), "{bad}: {e}");
        }
    }
}
