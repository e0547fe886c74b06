//! A cockpit that remembers: where the user was when they quit (focused
//! pane, selected account, each pane's sort and filter, the tracker's
//! period), kept in `<db>.view.json` next to the database, mode 0600, and
//! put back on the next start. Nothing from a form is ever kept here.

use super::app::{App, PaneId};
use crate::domain::{AccountStatus, Period, Severity, Tier};
use crate::store::{Account, AccountFilter, AccountSort};
use anyhow::{Context, Result};
use serde::{Deserialize, Serialize};
use std::io::Write;
use std::os::unix::fs::OpenOptionsExt;
use std::path::{Path, PathBuf};

/// What is kept, in words rather than internal numbers where a word exists,
/// so a file from an older or newer rapport reads back as far as it makes sense.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct SavedView {
    pub focus: Option<String>,
    pub zoom: bool,
    pub account: Option<i64>,
    pub portfolio_sort: Option<String>,
    pub portfolio_owner: Option<i64>,
    pub portfolio_tier: Option<String>,
    pub portfolio_status: Option<String>,
    pub conflicts_owner: Option<i64>,
    pub conflicts_severity: Option<String>,
    pub period: Option<String>,
}

/// `<db>.view.json`; none for a database in memory.
pub fn path_for(db: &Path) -> Option<PathBuf> {
    if db.as_os_str() == ":memory:" {
        return None;
    }
    let mut name = db.file_name()?.to_os_string();
    name.push(".view.json");
    Some(db.with_file_name(name))
}

/// The view kept for `db`: `Ok(None)` without a file; an unreadable or
/// garbled file is an error for the caller to mention and pass over.
pub fn load(db: &Path) -> Result<Option<SavedView>> {
    let Some(path) = path_for(db) else { return Ok(None) };
    let text = match std::fs::read_to_string(&path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(e).with_context(|| format!("cannot read {}", path.display())),
    };
    let view = serde_json::from_str(&text).with_context(|| format!("{} is not a saved view", path.display()))?;
    Ok(Some(view))
}

/// Writes the view for `db` whole (a temporary file renamed over the old
/// one), readable by the user only.
pub fn save(db: &Path, view: &SavedView) -> Result<()> {
    let Some(path) = path_for(db) else { return Ok(()) };
    let tmp = path.with_extension("json.tmp");
    let write = || -> Result<()> {
        // A leftover from a crash may have other permissions; start afresh.
        let _ = std::fs::remove_file(&tmp);
        let mut f = std::fs::OpenOptions::new().write(true).create(true).truncate(true).mode(0o600).open(&tmp)?;
        f.write_all(serde_json::to_string_pretty(view)?.as_bytes())?;
        f.sync_all()?;
        std::fs::rename(&tmp, &path)?;
        Ok(())
    };
    write().with_context(|| format!("cannot keep the view in {}", path.display()))
}

fn pane_name(p: PaneId) -> &'static str {
    p.context().name()
}

impl App {
    /// Where the user is now, as kept on quit.
    pub fn saved_view(&self) -> SavedView {
        let f = &self.portfolio.filter;
        SavedView {
            focus: Some(pane_name(self.focus).to_string()),
            zoom: self.zoom,
            account: self.current,
            portfolio_sort: Some(self.portfolio.sort_label().to_string()),
            portfolio_owner: f.owner_id,
            portfolio_tier: f.tier.map(|t| t.as_str().to_string()),
            portfolio_status: f.status.map(|s| s.as_str().to_string()),
            conflicts_owner: self.conflicts.owner_filter,
            conflicts_severity: self.conflicts.severity_filter.map(|s| s.as_str().to_string()),
            period: Some(self.targets.period.to_string()),
        }
    }

    /// Puts a kept view back. Whatever no longer applies (a deleted rep or
    /// account, a word this version does not know) is left out quietly.
    pub fn restore_view(&mut self, v: &SavedView) -> Result<()> {
        let live_rep = |id: Option<i64>| id.filter(|id| self.reps.iter().any(|r| r.id == *id));
        let sort = v.portfolio_sort.as_deref().and_then(|s| AccountSort::ALL.into_iter().find(|x| x.label() == s));
        let filter = AccountFilter {
            owner_id: live_rep(v.portfolio_owner),
            tier: v.portfolio_tier.as_deref().and_then(|t| t.parse::<Tier>().ok()),
            status: v.portfolio_status.as_deref().and_then(|s| s.parse::<AccountStatus>().ok()),
            ..AccountFilter::default()
        };
        let conflicts_owner = live_rep(v.conflicts_owner);
        let severity = v.conflicts_severity.as_deref().and_then(|s| s.parse::<Severity>().ok());
        let by_health = v.portfolio_sort.as_deref() == Some("health");
        let sorted = by_health || sort.is_some_and(|s| s != AccountSort::default());
        if sorted || !filter.is_empty() || conflicts_owner.is_some() || severity.is_some() {
            // A sort or filter over the first screenful alone would be wrong: take in the whole book first.
            self.poll_loading(true)?;
        }
        let height = self.pane_rows(PaneId::Portfolio);
        if sorted {
            while Some(self.portfolio.sort) != sort && !(by_health && self.portfolio.by_health) {
                self.portfolio.cycle_sort(height);
            }
        }
        if !filter.is_empty() {
            self.portfolio.set_filter(filter, height);
        }
        if conflicts_owner.is_some() || severity.is_some() {
            let h = self.pane_rows(PaneId::Conflicts);
            self.conflicts.set_filter(conflicts_owner, severity, h);
        }
        if let Some(period) = v.period.as_deref().and_then(|p| Period::parse(p).ok()) {
            if period != self.targets.period {
                self.targets.period = period;
                self.load_tracker()?;
            }
        }
        if let Some(id) = v.account {
            if self.store.get::<Account>(id)?.is_some() {
                self.set_current(id)?;
            }
        }
        if let Some(pane) = v.focus.as_deref().and_then(|f| PaneId::EVERY.into_iter().find(|p| pane_name(*p) == f)) {
            // Today's pane only where the screen has room for it now.
            if pane != PaneId::Today || super::layout::today_pane_fits(self.size) {
                self.focus = pane;
            }
        }
        self.zoom = v.zoom;
        self.relayout();
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_file_sits_next_to_the_database() {
        assert_eq!(path_for(Path::new("/data/rapport.db")), Some(PathBuf::from("/data/rapport.db.view.json")));
        assert_eq!(path_for(Path::new(":memory:")), None);
    }

    #[test]
    fn a_saved_view_reads_back_and_is_private() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("book.db");
        assert_eq!(load(&db).unwrap(), None);
        let view = SavedView { focus: Some("conflicts".into()), account: Some(7), ..Default::default() };
        save(&db, &view).unwrap();
        assert_eq!(load(&db).unwrap(), Some(view));
        let mode = std::fs::metadata(path_for(&db).unwrap()).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600);
        std::fs::write(path_for(&db).unwrap(), "{not json").unwrap();
        assert!(format!("{:#}", load(&db).unwrap_err()).contains("is not a saved view"));
        // Unknown fields from another version are passed over.
        std::fs::write(path_for(&db).unwrap(), r#"{"focus":"targets","future":1}"#).unwrap();
        assert_eq!(load(&db).unwrap().unwrap().focus.as_deref(), Some("targets"));
    }
}
