//! Typed tables as an Excel workbook, one sheet per table: money as numbers
//! in a currency format, dates as dates, a bold frozen header with an
//! autofilter, columns as wide as their content. Text is guarded against
//! formula evaluation as in CSV.

use super::table::{Cell, ColType, Table};
use super::values::guard;
use anyhow::{anyhow, Result};
use rust_xlsxwriter::{ExcelDateTime, Format, Workbook, Worksheet, XlsxError};
use std::path::Path;

/// Money: a number with two decimals and the currency symbol (one currency per book).
const MONEY_FORMAT: &str = "\"$\"#,##0.00;-\"$\"#,##0.00";
const DATE_FORMAT: &str = "yyyy-mm-dd";
const DATETIME_FORMAT: &str = "yyyy-mm-dd hh:mm:ss";
/// Whole percentages stay the numbers they are (25, not 0.25), shown with a `%`.
const PERCENT_FORMAT: &str = "0\"%\"";
/// Excel refuses longer text in a cell.
const CELL_MAX_CHARS: usize = 32_767;
/// Columns fitted to their content stop at this width, in pixels.
const MAX_COLUMN_PIXELS: u32 = 480;

/// Writes a workbook with one sheet per `(name, table)` to `path`, through a
/// temporary file beside it that is renamed into place (an existing file is
/// replaced; callers decide whether that is allowed).
pub fn write(path: &Path, sheets: &[(&str, &Table)]) -> Result<()> {
    let bytes = to_bytes(sheets)?;
    super::write_file(path, &bytes, true)
}

/// The workbook as bytes.
pub fn to_bytes(sheets: &[(&str, &Table)]) -> Result<Vec<u8>> {
    let mut book = Workbook::new();
    let mut used: Vec<String> = Vec::new();
    for (name, table) in sheets {
        let name = sheet_name(name, &used);
        used.push(name.to_lowercase());
        let sheet = book.add_worksheet();
        sheet.set_name(&name).map_err(xl)?;
        fill(sheet, table).map_err(|e| anyhow!("sheet '{name}': {e}"))?;
    }
    if sheets.is_empty() {
        book.add_worksheet();
    }
    book.save_to_buffer().map_err(xl)
}

fn xl(e: XlsxError) -> anyhow::Error {
    anyhow!("cannot write the spreadsheet: {e}")
}

fn fill(sheet: &mut Worksheet, table: &Table) -> Result<()> {
    let bold = Format::new().set_bold();
    let money = Format::new().set_num_format(MONEY_FORMAT);
    let date = Format::new().set_num_format(DATE_FORMAT);
    let datetime = Format::new().set_num_format(DATETIME_FORMAT);
    let percent = Format::new().set_num_format(PERCENT_FORMAT);
    for (c, col) in table.columns.iter().enumerate() {
        sheet.write_string_with_format(0, c as u16, guard(&col.name), &bold).map_err(xl)?;
    }
    for (r, row) in table.rows.iter().enumerate() {
        let r = r as u32 + 1;
        for (c, cell) in row.iter().enumerate() {
            let c = c as u16;
            match cell {
                Cell::Empty => {}
                Cell::Text(s) => {
                    let s = guard(s);
                    if s.chars().count() > CELL_MAX_CHARS {
                        anyhow::bail!(
                            "row {}, column '{}': the text is longer than the {CELL_MAX_CHARS} characters a cell holds",
                            r + 1,
                            table.columns[c as usize].name
                        );
                    }
                    sheet.write_string(r, c, s).map_err(xl)?;
                }
                Cell::Money(m) => {
                    sheet.write_number_with_format(r, c, m.cents() as f64 / 100.0, &money).map_err(xl)?;
                }
                Cell::Date(d) => {
                    sheet.write_datetime_with_format(r, c, excel_date(*d)?, &date).map_err(xl)?;
                }
                Cell::DateTime(t) => {
                    use chrono::Timelike;
                    let x = excel_date(t.date())?
                        .and_hms(t.hour() as u16, t.minute() as u8, t.second() as f64)
                        .map_err(xl)?;
                    sheet.write_datetime_with_format(r, c, x, &datetime).map_err(xl)?;
                }
                Cell::Int(n) => {
                    sheet.write_number(r, c, *n as f64).map_err(xl)?;
                }
                Cell::Percent(p) => {
                    sheet.write_number_with_format(r, c, *p, &percent).map_err(xl)?;
                }
                Cell::Bool(b) => {
                    sheet.write_boolean(r, c, *b).map_err(xl)?;
                }
            }
        }
    }
    if !table.columns.is_empty() {
        let last_col = table.columns.len() as u16 - 1;
        sheet.autofilter(0, 0, table.rows.len() as u32, last_col).map_err(xl)?;
        sheet.set_freeze_panes(1, 0).map_err(xl)?;
        sheet.set_autofit_max_width(MAX_COLUMN_PIXELS).autofit();
        // Dates and money columns fit their formatted width, not their serial number's.
        for (c, col) in table.columns.iter().enumerate() {
            let min = match col.ty {
                ColType::Date => 11.0,
                ColType::DateTime => 19.0,
                ColType::Money => 13.0,
                _ => 0.0,
            };
            if min > 0.0 {
                let header = col.name.chars().count() as f64 + 2.0;
                sheet.set_column_width(c as u16, f64::max(min, header)).map_err(xl)?;
            }
        }
    }
    Ok(())
}

fn excel_date(d: chrono::NaiveDate) -> Result<ExcelDateTime> {
    use chrono::Datelike;
    let year = u16::try_from(d.year()).map_err(|_| anyhow!("the date {d} is before the year 0"))?;
    ExcelDateTime::from_ymd(year, d.month() as u8, d.day() as u8)
        .map_err(|e| anyhow!("the date {d} cannot be written in a spreadsheet ({e})"))
}

/// A sheet name Excel takes: at most 31 characters, none of `[]:*?/\`, unique.
fn sheet_name(name: &str, used: &[String]) -> String {
    let clean: String = name
        .chars()
        .map(|c| if "[]:*?/\\".contains(c) || c.is_control() { ' ' } else { c })
        .collect::<String>()
        .trim()
        .trim_matches('\'')
        .chars()
        .take(31)
        .collect();
    let base = if clean.is_empty() { "Sheet".to_string() } else { clean };
    let mut candidate = base.clone();
    let mut n = 2;
    while used.contains(&candidate.to_lowercase()) {
        let suffix = format!(" ({n})");
        candidate = format!("{}{suffix}", base.chars().take(31 - suffix.len()).collect::<String>());
        n += 1;
    }
    candidate
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::Money;
    use crate::interop::table::Column;

    #[test]
    fn sheet_names_are_made_acceptable_and_unique() {
        assert_eq!(sheet_name("Q3/2026: deals", &[]), "Q3 2026  deals");
        assert_eq!(sheet_name("deals", &["deals".into()]), "deals (2)");
        assert_eq!(sheet_name(&"x".repeat(40), &[]).chars().count(), 31);
        assert_eq!(sheet_name("", &[]), "Sheet");
    }

    #[test]
    fn a_workbook_with_two_sheets_is_read_back_typed() {
        use calamine::{Data, Reader};
        let mut t = Table::new(vec![
            Column::new("name", ColType::Text),
            Column::new("amount", ColType::Money),
            Column::new("on", ColType::Date),
        ]);
        t.push(vec![
            Cell::text("=cmd"),
            Cell::Money(Money(123_450)),
            Cell::Date(chrono::NaiveDate::from_ymd_opt(2026, 3, 31).unwrap()),
        ]);
        let bytes = to_bytes(&[("deals", &t), ("deals", &t)]).unwrap();
        let mut book = calamine::Xlsx::new(std::io::Cursor::new(bytes)).unwrap();
        assert_eq!(book.sheet_names(), vec!["deals".to_string(), "deals (2)".to_string()]);
        let range = book.worksheet_range("deals").unwrap();
        assert_eq!(range.get((0, 0)), Some(&Data::String("name".into())));
        assert_eq!(range.get((1, 0)), Some(&Data::String("'=cmd".into())));
        assert_eq!(range.get((1, 1)), Some(&Data::Float(1234.5)));
        assert!(matches!(range.get((1, 2)), Some(Data::DateTime(_))));
    }
}
