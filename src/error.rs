//! An error that carries a suggestion of what to do next. The command line
//! prints the hint on its own line; the cockpit shows it too, so the type
//! lives beside both rather than in either.

use std::fmt;

/// An error with a suggestion of what to do next.
#[derive(Debug)]
pub struct UserError {
    pub message: String,
    pub hint: String,
}

impl fmt::Display for UserError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for UserError {}

/// Wraps any error with a hint line.
pub fn hinted(err: anyhow::Error, hint: impl Into<String>) -> anyhow::Error {
    anyhow::Error::new(UserError { message: format!("{err:#}"), hint: hint.into() })
}
