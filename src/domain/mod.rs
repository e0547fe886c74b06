//! Plain types and pure rules. Nothing here does I/O or reads the clock:
//! `today` and `now` are always passed in.

pub mod currency;
pub mod health;
pub mod history;
pub mod hlc;
pub mod kinds;
pub mod limits;
pub mod metrics;
pub mod money;
pub mod period;
pub mod repair;
pub mod rules;
pub mod sanitize;
pub mod scope;
pub mod sla;
pub mod status;
pub mod suggest;
pub mod text;
pub mod time;

pub use currency::Currency;
pub use kinds::*;
pub use money::Money;
pub use period::{FiscalCalendar, Period};
pub mod phone;
