//! The status report as one self-contained HTML file: inline CSS, no
//! script, no font, image or link that leaves the file, laid out for A4
//! paper (headers repeat on each page, rows are never cut in two), with the
//! quarterly chart as inline SVG. Every piece of text is escaped.

use super::compact;
use crate::domain::sanitize;
use crate::domain::status::{Kind, QuarterBar, Section, StatusReport, Val};
use crate::domain::Money;

/// Text made safe for HTML content and attribute values alike.
pub(crate) fn esc(s: &str) -> String {
    let clean = sanitize::line(s);
    let mut out = String::with_capacity(clean.len());
    for c in clean.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

const STYLE: &str = r#"
@page { size: A4; margin: 14mm 12mm 16mm 12mm; }
* { box-sizing: border-box; }
html { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
body { margin: 0 auto; max-width: 186mm; padding: 8mm 0; color: #1d2430; background: #fff;
  font: 9.5pt/1.35 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; }
h1 { font-size: 16pt; margin: 0 0 2pt; }
h2 { font-size: 11.5pt; margin: 16pt 0 2pt; padding-bottom: 2pt; border-bottom: 1.5pt solid #2f5d8a;
  break-after: avoid; page-break-after: avoid; }
p.meta { margin: 0 0 10pt; color: #555; }
p.note { margin: 2pt 0 5pt; color: #555; font-size: 8.5pt; break-after: avoid; page-break-after: avoid; }
p.none { margin: 2pt 0; color: #777; font-style: italic; }
section { break-inside: auto; }
section.small { break-inside: avoid; page-break-inside: avoid; }
.kpis { display: flex; flex-wrap: wrap; gap: 6pt; margin: 0 0 8pt; break-inside: avoid; page-break-inside: avoid; }
.kpi { flex: 1 1 0; min-width: 28mm; border: 0.75pt solid #c9d3de; border-radius: 3pt; padding: 4pt 6pt; }
.kpi .label { font-size: 7.5pt; text-transform: uppercase; letter-spacing: 0.04em; color: #5a6878; }
.kpi .value { font-size: 12pt; font-weight: 600; font-variant-numeric: tabular-nums; }
.kpi .sub { font-size: 7.5pt; color: #5a6878; }
figure { margin: 4pt 0 0; break-inside: avoid; page-break-inside: avoid; }
figcaption { font-size: 8.5pt; color: #555; margin-top: 2pt; }
svg { display: block; width: 100%; height: auto; }
table { width: 100%; border-collapse: collapse; font-size: 8.5pt; }
thead { display: table-header-group; }
tfoot { display: table-row-group; }
tr, th, td { break-inside: avoid; page-break-inside: avoid; }
th { text-align: left; font-weight: 600; color: #1d2430; border-bottom: 1pt solid #1d2430; padding: 3pt 4pt; }
td { padding: 2.5pt 4pt; border-bottom: 0.5pt solid #dde3ea; vertical-align: top; }
tbody tr:nth-child(even) td { background: #f5f7fa; }
tfoot td { font-weight: 600; border-bottom: none; }
tfoot tr:first-child td { border-top: 1pt solid #1d2430; }
table.wide { font-size: 7.5pt; }
table.figures { width: auto; min-width: 90mm; }
table.figures td { text-align: right; }
table.figures th { border-bottom: 0.5pt solid #dde3ea; font-weight: 400; color: #5a6878; padding-right: 16pt; }
table.wide th, table.wide td { padding: 2pt 2.5pt; }
.n { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
.d { white-space: nowrap; }
footer { margin-top: 14pt; font-size: 7.5pt; color: #777; }
"#;

fn cell(v: &Val, kind: Kind, tag: &str) -> String {
    let class = match kind {
        k if k.is_number() => " class=\"n\"",
        Kind::Date | Kind::DateTime => " class=\"d\"",
        _ => "",
    };
    let text = match v {
        Val::Empty => "–".to_string(),
        Val::Text(t) if t.is_empty() => String::new(),
        other => esc(&other.shown()),
    };
    format!("<{tag}{class}>{text}</{tag}>")
}

fn table(out: &mut String, s: &Section) {
    // A short table moves whole to the next page rather than leave a line or two behind.
    let small = s.rows.len() + s.totals.len() <= 6;
    out.push_str(&format!(
        "<section{}>\n<h2>{}</h2>\n<p class=\"note\">{}</p>\n",
        if small { " class=\"small\"" } else { "" },
        esc(&s.title),
        esc(&s.note)
    ));
    if s.rows.is_empty() && s.totals.is_empty() {
        out.push_str("<p class=\"none\">None.</p>\n</section>\n");
        return;
    }
    // One line of many figures reads better, and fits the page, as a list of them.
    if let ([row], true) = (s.rows.as_slice(), s.totals.is_empty() && s.columns.len() > 6) {
        out.push_str("<table class=\"figures\">\n<tbody>\n");
        for (v, c) in row.iter().zip(&s.columns) {
            out.push_str(&format!("<tr><th>{}</th>{}</tr>\n", esc(&c.name.replace('_', " ")), cell(v, c.kind, "td")));
        }
        out.push_str("</tbody>\n</table>\n</section>\n");
        return;
    }
    // Many money columns side by side fit the page's width in a smaller type.
    let wide = s.columns.iter().filter(|c| c.kind.is_number()).count() >= 7;
    out.push_str(if wide { "<table class=\"wide\">\n<thead><tr>" } else { "<table>\n<thead><tr>" });
    for c in &s.columns {
        let class = if c.kind.is_number() { " class=\"n\"" } else { "" };
        out.push_str(&format!("<th{class}>{}</th>", esc(&c.name.replace('_', " "))));
    }
    out.push_str("</tr></thead>\n");
    out.push_str("<tbody>\n");
    for r in &s.rows {
        out.push_str("<tr>");
        for (v, c) in r.iter().zip(&s.columns) {
            out.push_str(&cell(v, c.kind, "td"));
        }
        out.push_str("</tr>\n");
    }
    out.push_str("</tbody>\n");
    // After the rows, and not repeated on each printed page as a footer group would be.
    if !s.totals.is_empty() {
        out.push_str("<tfoot>\n");
        for t in &s.totals {
            out.push_str("<tr>");
            for (v, c) in t.iter().zip(&s.columns) {
                out.push_str(&cell(v, c.kind, "td"));
            }
            out.push_str("</tr>\n");
        }
        out.push_str("</tfoot>\n");
    }
    out.push_str("</table>\n</section>\n");
}

fn kpi(out: &mut String, label: &str, value: Money, sub: &str) {
    out.push_str(&format!(
        "<div class=\"kpi\"><div class=\"label\">{}</div><div class=\"value\">{}</div><div class=\"sub\">{}</div></div>\n",
        esc(label),
        esc(&value.to_string()),
        esc(sub)
    ));
}

/// Won per quarter as bars, each quarter's target as a dashed line across
/// its bar, values written on the chart so it reads without the table.
fn chart(out: &mut String, year: &str, bars: &[QuarterBar]) {
    const W: f64 = 640.0;
    const H: f64 = 230.0;
    const LEFT: f64 = 56.0;
    const TOP: f64 = 24.0;
    const BOTTOM: f64 = 34.0;
    let plot_h = H - TOP - BOTTOM;
    let plot_w = W - LEFT - 12.0;
    let max = bars.iter().flat_map(|b| [b.won.cents(), b.target.map_or(0, |t| t.cents())]).max().unwrap_or(0).max(1);
    // A round top for the axis: 1, 2 or 5 times a power of ten.
    let step = {
        let raw = max as f64 / 4.0;
        let pow = 10f64.powf(raw.log10().floor());
        let unit = [1.0, 2.0, 5.0, 10.0].into_iter().find(|m| m * pow >= raw).unwrap_or(10.0);
        unit * pow
    };
    let top = step * 4.0;
    let y = |cents: i64| TOP + plot_h - (cents as f64 / top * plot_h);
    let title = format!("Won per quarter, {year}, against each quarter's target");
    out.push_str(&format!(
        "<figure>\n<svg viewBox=\"0 0 {W} {H}\" role=\"img\" aria-label=\"{t}\" font-family=\"system-ui, Arial, sans-serif\" font-size=\"10\">\n<title>{t}</title>\n",
        t = esc(&title)
    ));
    for k in 0..=4 {
        let v = step * f64::from(k);
        let yy = y(v as i64);
        out.push_str(&format!(
            "<line x1=\"{LEFT}\" y1=\"{yy:.1}\" x2=\"{:.1}\" y2=\"{yy:.1}\" stroke=\"#dde3ea\" stroke-width=\"1\"/>\n\
             <text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"end\" fill=\"#5a6878\">{}</text>\n",
            LEFT + plot_w,
            LEFT - 6.0,
            yy + 3.5,
            esc(&compact(Money(v as i64)))
        ));
    }
    let slot = plot_w / bars.len().max(1) as f64;
    let bar_w = slot * 0.46;
    for (k, b) in bars.iter().enumerate() {
        let x = LEFT + slot * k as f64 + (slot - bar_w) / 2.0;
        let yw = y(b.won.cents());
        let hit = b.target.is_some_and(|t| t.cents() > 0 && b.won >= t);
        let fill = if hit { "#2e8b57" } else { "#2f5d8a" };
        out.push_str(&format!(
            "<rect x=\"{x:.1}\" y=\"{yw:.1}\" width=\"{bar_w:.1}\" height=\"{:.1}\" fill=\"{fill}\"><title>{}</title></rect>\n",
            (TOP + plot_h - yw).max(0.0),
            esc(&format!("{} won {}", b.label, b.won))
        ));
        out.push_str(&format!(
            "<text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"middle\" fill=\"#1d2430\" font-weight=\"600\">{}</text>\n",
            x + bar_w / 2.0,
            (yw - 4.0).max(TOP - 6.0),
            esc(&compact(b.won))
        ));
        if let Some(t) = b.target.filter(|t| t.cents() > 0) {
            let yt = y(t.cents());
            out.push_str(&format!(
                "<line x1=\"{:.1}\" y1=\"{yt:.1}\" x2=\"{:.1}\" y2=\"{yt:.1}\" stroke=\"#c0392b\" stroke-width=\"2\" stroke-dasharray=\"5 3\"><title>{}</title></line>\n\
                 <text x=\"{:.1}\" y=\"{:.1}\" fill=\"#c0392b\" font-size=\"9\">{}</text>\n",
                x - 6.0,
                x + bar_w + 6.0,
                esc(&format!("{} target {t}", b.label)),
                x + bar_w + 8.0,
                yt + 3.0,
                esc(&format!("target {}", compact(t)))
            ));
        }
        out.push_str(&format!(
            "<text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"middle\" fill=\"#1d2430\">{}</text>\n",
            x + bar_w / 2.0,
            H - BOTTOM + 14.0,
            esc(&b.label)
        ));
    }
    out.push_str(&format!(
        "<line x1=\"{LEFT}\" y1=\"{b:.1}\" x2=\"{:.1}\" y2=\"{b:.1}\" stroke=\"#1d2430\" stroke-width=\"1\"/>\n",
        LEFT + plot_w,
        b = TOP + plot_h
    ));
    // Legend.
    let ly = H - 8.0;
    out.push_str(&format!(
        "<rect x=\"{LEFT}\" y=\"{:.1}\" width=\"10\" height=\"8\" fill=\"#2f5d8a\"/><text x=\"{:.1}\" y=\"{ly:.1}\" fill=\"#5a6878\">won</text>\n\
         <rect x=\"{:.1}\" y=\"{:.1}\" width=\"10\" height=\"8\" fill=\"#2e8b57\"/><text x=\"{:.1}\" y=\"{ly:.1}\" fill=\"#5a6878\">won, target reached</text>\n\
         <line x1=\"{:.1}\" y1=\"{:.1}\" x2=\"{:.1}\" y2=\"{:.1}\" stroke=\"#c0392b\" stroke-width=\"2\" stroke-dasharray=\"5 3\"/><text x=\"{:.1}\" y=\"{ly:.1}\" fill=\"#5a6878\">quarter's target</text>\n",
        ly - 8.0,
        LEFT + 14.0,
        LEFT + 60.0,
        ly - 8.0,
        LEFT + 74.0,
        LEFT + 190.0,
        ly - 4.0,
        LEFT + 210.0,
        ly - 4.0,
        LEFT + 214.0,
    ));
    out.push_str(&format!("</svg>\n<figcaption>{}</figcaption>\n</figure>\n", esc(&title)));
}

pub fn render_html(r: &StatusReport) -> String {
    let h = &r.headline;
    let mut out = String::with_capacity(32 * 1024);
    out.push_str("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n");
    out.push_str("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
    out.push_str(&format!("<title>{}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n", esc(&r.title())));
    out.push_str(&format!(
        "<header>\n<h1>Account status</h1>\n<p class=\"meta\">{} · {} · as of {}</p>\n</header>\n",
        esc(&r.period_label),
        esc(&r.scope_label),
        r.today
    ));
    out.push_str("<div class=\"kpis\">\n");
    let won_sub = match (h.target, h.attainment) {
        (Some(t), Some(a)) => format!("{a:.1}% of {t}"),
        (Some(t), None) => format!("target {t}"),
        _ => "no target".into(),
    };
    kpi(&mut out, "Won", h.won, &won_sub);
    kpi(&mut out, "Commit", h.commit, "closed + commit");
    kpi(&mut out, "Best case", h.best_case, "commit + best case");
    kpi(&mut out, "Forecast", h.forecast, "closed + weighted pipeline");
    kpi(&mut out, "Open pipeline", h.pipeline, "expected to close in the period");
    out.push_str("</div>\n");
    chart(&mut out, &r.chart_year, &r.chart);
    for s in &r.sections {
        table(&mut out, s);
    }
    out.push_str(&format!("<footer>{}</footer>\n</body>\n</html>\n", esc(&format!("rapport · {}", r.title()))));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup_quotes_and_terminal_sequences() {
        assert_eq!(
            esc("<script>alert('x')</script> & \"q\""),
            "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;q&quot;"
        );
        assert_eq!(esc("a\x1b]0;title\x07b"), "ab");
    }
}
