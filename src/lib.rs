//! rapport: a terminal cockpit for sales account managers.
//!
//! The library holds everything; the binary only parses arguments and
//! dispatches, so tests and benchmarks run the same code as users do.

pub mod cli;
pub mod demo;
pub mod domain;
pub mod error;
pub mod interop;
pub mod lookup;
pub mod store;
pub mod team;
pub mod tui;
