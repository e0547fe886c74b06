//! Plain-text tables for the terminal: columns sized to their content, text
//! made safe to print, numbers aligned right.

use crate::domain::sanitize;
use unicode_width::UnicodeWidthStr;

#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Align {
    Left,
    Right,
}

pub struct Table {
    headers: Vec<String>,
    aligns: Vec<Align>,
    rows: Vec<Vec<String>>,
}

impl Table {
    pub fn new(columns: &[(&'static str, Align)]) -> Table {
        Table {
            headers: columns.iter().map(|c| c.0.to_string()).collect(),
            aligns: columns.iter().map(|c| c.1).collect(),
            rows: Vec::new(),
        }
    }

    /// Columns named at run time (custom fields, say); names are made safe.
    pub fn with_columns(columns: Vec<(String, Align)>) -> Table {
        Table {
            headers: columns.iter().map(|c| sanitize::line(&c.0).into_owned()).collect(),
            aligns: columns.iter().map(|c| c.1).collect(),
            rows: Vec::new(),
        }
    }

    pub fn row(&mut self, cells: Vec<String>) {
        self.rows.push(cells.into_iter().map(|c| sanitize::line(&c).into_owned()).collect());
    }

    pub fn render(&self) -> String {
        let mut widths: Vec<usize> = self.headers.iter().map(|h| h.width()).collect();
        for row in &self.rows {
            for (w, cell) in widths.iter_mut().zip(row) {
                *w = (*w).max(cell.width());
            }
        }
        let mut out = String::new();
        let mut line = |cells: &mut dyn Iterator<Item = &str>| {
            let mut parts = Vec::new();
            for ((cell, w), align) in cells.zip(&widths).zip(&self.aligns) {
                let pad = " ".repeat(w.saturating_sub(cell.width()));
                parts.push(match align {
                    Align::Left => format!("{cell}{pad}"),
                    Align::Right => format!("{pad}{cell}"),
                });
            }
            out.push_str(parts.join("  ").trim_end());
            out.push('\n');
        };
        line(&mut self.headers.iter().map(String::as_str));
        for row in &self.rows {
            line(&mut row.iter().map(String::as_str));
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_line_up_and_escapes_are_neutralised() {
        let mut t = Table::new(&[("name", Align::Left), ("value", Align::Right)]);
        t.row(vec!["Acme".into(), "1,000.00".into()]);
        t.row(vec!["\x1b[2JEvil".into(), "5.00".into()]);
        assert_eq!(t.render(), "name     value\nAcme  1,000.00\nEvil      5.00\n");
    }
}
