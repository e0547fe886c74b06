//! Realistic demo data, made up from the word lists in `assets/demo/`.

mod calendar;
mod names;
mod rng;
mod words;
