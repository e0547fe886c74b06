//! A typed table as CSV: a header row of column names, cells in the plain
//! forms import reads back, text guarded against formula evaluation.

use super::table::{Cell, Table};
use super::values::guard;
use anyhow::Result;
use std::io::Write;

/// Writes the table as CSV (comma, `\n` line ends, quoted where needed).
pub fn write(w: impl Write, table: &Table) -> Result<()> {
    let mut out = csv::WriterBuilder::new().terminator(csv::Terminator::Any(b'\n')).from_writer(w);
    out.write_record(table.columns.iter().map(|c| guard(&c.name).into_owned()))?;
    for row in &table.rows {
        out.write_record(row.iter().map(|cell| match cell {
            Cell::Text(s) => guard(s).into_owned(),
            other => other.plain(),
        }))?;
    }
    out.flush()?;
    Ok(())
}

/// The table as CSV text.
pub fn to_string(table: &Table) -> Result<String> {
    let mut buf = Vec::new();
    write(&mut buf, table)?;
    Ok(String::from_utf8(buf)?)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::Money;
    use crate::interop::table::{ColType, Column};

    #[test]
    fn text_that_looks_like_a_formula_is_guarded_and_numbers_are_not() {
        let mut t = Table::new(vec![Column::new("name", ColType::Text), Column::new("amount", ColType::Money)]);
        t.push(vec![Cell::text("=HYPERLINK(\"x\")"), Cell::Money(Money(-500))]);
        t.push(vec![Cell::text("'quoted"), Cell::Empty]);
        t.push(vec![Cell::text("line\nbreak"), Cell::Money(Money(123_456))]);
        assert_eq!(
            to_string(&t).unwrap(),
            "name,amount\n\"'=HYPERLINK(\"\"x\"\")\",-5.00\n''quoted,\n\"line\nbreak\",1234.56\n"
        );
    }
}
