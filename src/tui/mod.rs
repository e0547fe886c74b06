//! The cockpit.
use crate::store::Store;

pub fn run(store: Store) -> anyhow::Result<()> {
    println!(
        "the cockpit is not built yet; {} is ready for `rapport find` and `rapport db info`",
        store.path().display()
    );
    Ok(())
}
