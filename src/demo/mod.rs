//! Placeholder until the generator lands.
use crate::store::Store;
use chrono::{DateTime, NaiveDate, Utc};

pub struct DemoSpec {
    pub accounts: usize,
    pub seed: u64,
    pub today: NaiveDate,
    pub now: DateTime<Utc>,
}

#[derive(Debug, Default)]
pub struct DemoSummary {
    pub counts: Vec<(&'static str, usize)>,
}

pub fn generate(
    store: &Store,
    spec: &DemoSpec,
    progress: &mut dyn FnMut(&str, usize, usize),
) -> anyhow::Result<DemoSummary> {
    let _ = (store, spec, progress);
    anyhow::bail!("not yet")
}
