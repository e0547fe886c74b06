//! Writers of the account status report (`domain::status::StatusReport`):
//! Markdown for a message, one self-contained HTML file to print or send,
//! and an XLSX workbook with a sheet per section. They lay the model out
//! and compute nothing.

mod html;
mod md;
mod xlsx;

pub use html::render_html;
pub use md::render_md;
pub use xlsx::render_xlsx;

use crate::domain::Money;

/// `1.2M`, `150k`, `900`: short amounts for the chart's labels.
pub(crate) fn compact(m: Money) -> String {
    let units = m.cents() as f64 / 100.0;
    let abs = units.abs();
    let (value, suffix) = if abs >= 1e9 {
        (units / 1e9, "B")
    } else if abs >= 1e6 {
        (units / 1e6, "M")
    } else if abs >= 1e3 {
        (units / 1e3, "k")
    } else {
        return format!("{units:.0}");
    };
    let text = if value.abs() >= 100.0 { format!("{value:.0}") } else { format!("{value:.1}") };
    format!("{}{suffix}", text.strip_suffix(".0").unwrap_or(&text))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn compact_amounts() {
        let u = Money::from_units;
        assert_eq!(compact(u(0)), "0");
        assert_eq!(compact(u(950)), "950");
        assert_eq!(compact(u(150_000)), "150k");
        assert_eq!(compact(u(1_260)), "1.3k");
        assert_eq!(compact(u(1_200_000)), "1.2M");
        assert_eq!(compact(u(2_000_000_000)), "2B");
    }
}
