//! Human phrasing of times relative to now: "3d ago", "4h left", "breached 2d".

use chrono::NaiveDate;

pub fn ago(today: NaiveDate, date: NaiveDate) -> String {
    format!("{}d ago", (today - date).num_days())
}

pub fn sla_left(now: chrono::NaiveDateTime, due: chrono::NaiveDateTime) -> String {
    format!("{}h", (due - now).num_hours())
}
