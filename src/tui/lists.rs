//! Record lists that open over the panes: an account's contacts and deals,
//! the reps, the period's targets, and the agenda of follow-ups. Each row
//! can be added, edited or deleted from here.

use super::app::{App, PaneId};
use super::forms;
use super::keymap::{Action, Context};
use super::overlays::Overlay;
use super::widgets::nav::Nav;
use crate::domain::rules::step_stage;
use crate::domain::{sanitize, DealStage, Period, TargetScope};
use crate::store::{Account, Activity, Contact, Deal, Store, Target};
use anyhow::Result;
use chrono::NaiveDate;
use ratatui::crossterm::event::KeyEvent;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ListKind {
    Contacts(i64),
    Deals(i64),
    Reps,
    Targets(Period),
    Agenda,
    /// The team book's open sync conflicts (ids of `sync_conflicts`).
    SyncConflicts,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListRow {
    pub id: i64,
    pub account_id: Option<i64>,
    pub cells: Vec<String>,
    /// Drawn as needing attention (overdue, lost).
    pub alert: bool,
}

#[derive(Debug, Clone)]
pub struct RecordList {
    pub kind: ListKind,
    pub title: String,
    pub header: Vec<&'static str>,
    pub rows: Vec<ListRow>,
    pub nav: Nav,
    /// What this list offers, with the word its footer line gives each; the
    /// keys come from the keymap, so a rebound key shows as bound.
    pub keys: &'static [(Action, &'static str)],
    /// The amount column's header names the book's currency.
    pub currency: crate::domain::Currency,
    /// Columns of numbers: drawn right-aligned and never cut.
    pub numbers: &'static [usize],
    /// The reps whose follow-ups the agenda shows; `None` for everyone's.
    pub scope: Option<Vec<i64>>,
}

/// A list's actions with their footer words.
type Keys = &'static [(Action, &'static str)];

/// What the contact, rep and target lists offer.
const RECORD_KEYS: Keys =
    &[(Action::Add, "add"), (Action::Edit, "edit"), (Action::Delete, "delete"), (Action::Back, "close")];

fn clean(s: &str) -> String {
    sanitize::line(s).into_owned()
}

impl RecordList {
    pub fn load(kind: ListKind, store: &Store, today: NaiveDate) -> Result<RecordList> {
        RecordList::load_scoped(kind, store, today, None)
    }

    /// A list, the agenda keeping only the follow-ups of the reps in `scope`.
    pub fn load_scoped(kind: ListKind, store: &Store, today: NaiveDate, scope: Option<Vec<i64>>) -> Result<RecordList> {
        let account_name = |id: i64| -> Result<String> { Ok(clean(&store.require::<Account>(id)?.name)) };
        let (title, header, rows, keys, numbers): (_, _, _, Keys, &'static [usize]) = match kind {
            ListKind::Contacts(account) => {
                let mut header = vec!["Name", "Title", "Role", "E-mail", "Phone"];
                let mut rows = Vec::new();
                for c in store.contacts_of(account)? {
                    let (_, custom) = store.import_extras(crate::store::Entity::Contact, c.meta.id)?;
                    let mut cells = vec![
                        format!("{}{}", clean(&c.name), if c.is_primary { " ★" } else { "" }),
                        clean(c.title.as_deref().unwrap_or("")),
                        c.role.label().into(),
                        clean(c.email.as_deref().unwrap_or("")),
                        clean(c.phone.as_deref().unwrap_or("")),
                    ];
                    cells.push(clean(&crate::interop::export::custom_line(custom.as_deref())));
                    rows.push(ListRow { id: c.meta.id, account_id: Some(account), cells, alert: false });
                }
                // Fields kept from an import get a column when any contact has one.
                if rows.iter().any(|r: &ListRow| !r.cells[5].is_empty()) {
                    header.push("More");
                } else {
                    rows.iter_mut().for_each(|r| {
                        r.cells.pop();
                    });
                }
                (format!("Contacts of {}", account_name(account)?), header, rows, RECORD_KEYS, &[])
            }
            ListKind::Deals(account) => (
                format!("Deals of {}", account_name(account)?),
                vec!["Deal", "Stage", "Amount", "Prob.", "Close"],
                store
                    .deals_of(account)?
                    .into_iter()
                    .map(|d| ListRow {
                        id: d.meta.id,
                        account_id: Some(account),
                        cells: vec![
                            clean(&d.name),
                            d.stage.label().into(),
                            d.amount.to_string(),
                            format!("{}%{}", d.probability, if d.probability_manual { "*" } else { "" }),
                            d.closed_on.or(d.expected_close).map(|x| x.to_string()).unwrap_or_default(),
                        ],
                        alert: d.stage == DealStage::Lost,
                    })
                    .collect(),
                &[
                    (Action::NextStage, "next"),
                    (Action::PrevStage, "back"),
                    (Action::Won, "won"),
                    (Action::Lost, "lost"),
                    (Action::Add, "add"),
                    (Action::Edit, "edit"),
                    (Action::Delete, "delete"),
                    (Action::Back, "close"),
                ],
                &[2, 3],
            ),
            ListKind::Reps => {
                let reps = store.reps()?;
                let name_of = |id: Option<i64>| {
                    id.and_then(|i| reps.iter().find(|r| r.id == i)).map(|r| clean(&r.name)).unwrap_or_default()
                };
                (
                    "Reps".to_string(),
                    vec!["Name", "Role", "Reports to"],
                    reps.iter()
                        .map(|r| ListRow {
                            id: r.id,
                            account_id: None,
                            cells: vec![clean(&r.name), r.role.label().into(), name_of(r.manager_id)],
                            alert: false,
                        })
                        .collect(),
                    RECORD_KEYS,
                    &[],
                )
            }
            ListKind::Targets(period) => {
                let reps = store.reps()?;
                (
                    format!("Targets for {period}"),
                    vec!["Scope", "Who", "Metric", "Amount"],
                    store
                        .targets_for(period)?
                        .into_iter()
                        .map(|t| ListRow {
                            id: t.meta.id,
                            account_id: None,
                            cells: vec![
                                t.scope.label().into(),
                                match t.scope {
                                    TargetScope::Company => "—".into(),
                                    TargetScope::Account => t
                                        .account_id
                                        .and_then(|i| store.get::<crate::store::Account>(i).ok().flatten())
                                        .map(|a| clean(&a.name))
                                        .unwrap_or_default(),
                                    _ => t
                                        .rep_id
                                        .and_then(|i| reps.iter().find(|r| r.id == i))
                                        .map(|r| clean(&r.name))
                                        .unwrap_or_default(),
                                },
                                t.metric.label().into(),
                                t.metric.format_amount(t.amount),
                            ],
                            alert: false,
                        })
                        .collect(),
                    RECORD_KEYS,
                    &[3],
                )
            }
            ListKind::Agenda => (
                "Agenda: follow-ups due".to_string(),
                vec!["Due", "Account", "Follow-up", "Rep"],
                store
                    .follow_ups_due(today)?
                    .into_iter()
                    .filter(|f| scope.as_ref().is_none_or(|ids| f.rep_id.is_some_and(|r| ids.contains(&r))))
                    .map(|f| ListRow {
                        id: f.id,
                        account_id: Some(f.account_id),
                        cells: vec![
                            if f.due_on < today { format!("{} overdue", f.due_on) } else { "today".into() },
                            clean(&f.account),
                            clean(&f.summary),
                            clean(f.rep.as_deref().unwrap_or("")),
                        ],
                        alert: f.due_on < today,
                    })
                    .collect(),
                &[(Action::Open, "open account"), (Action::Complete, "done"), (Action::Back, "close")],
                &[],
            ),
            ListKind::SyncConflicts => {
                let zone = store.clock().zone();
                let who = |login: Option<&str>| clean(login.unwrap_or("?"));
                let mut rows = Vec::new();
                for c in store.sync_conflicts()? {
                    rows.push(ListRow {
                        id: c.id,
                        account_id: None,
                        cells: vec![
                            // The name alone: its kind would crowd it out at 80 columns.
                            clean(&store.sync_name(&c.entity, &c.uid)?),
                            clean(&c.field),
                            format!(
                                "{} ({})",
                                clean(&crate::team::shown(c.winner_value.as_deref())),
                                who(c.winner_login.as_deref())
                            ),
                            format!(
                                "{} ({})",
                                clean(&crate::team::shown(c.loser_value.as_deref())),
                                who(c.loser_login.as_deref())
                            ),
                            crate::domain::time::local_minute(&c.at, zone),
                        ],
                        alert: false,
                    });
                }
                (
                    "Sync conflicts".to_string(),
                    vec!["Record", "Field", "Kept", "Overwritten", "When"],
                    rows,
                    &[(Action::KeepMine, "keep mine"), (Action::KeepTheirs, "keep theirs"), (Action::Back, "close")],
                    &[],
                )
            }
        };
        Ok(RecordList {
            kind,
            title,
            header,
            rows,
            nav: Nav::default(),
            keys,
            currency: store.currency()?,
            numbers,
            scope,
        })
    }

    /// What an empty list says: "yet" only where more may come.
    pub fn empty_text(&self) -> &'static str {
        match self.kind {
            ListKind::Agenda => "No follow-ups due.",
            ListKind::SyncConflicts => "No sync conflicts: this laptop agrees with the team.",
            _ => "Nothing here yet.",
        }
    }

    pub fn selected(&self) -> Option<&ListRow> {
        self.rows.get(self.nav.selected)
    }

    /// Reloads after a change, keeping the selection on the same row if it is still there.
    pub fn reload(&mut self, store: &Store, today: NaiveDate) -> Result<()> {
        let keep = self.selected().map(|r| r.id);
        let nav = self.nav;
        *self = RecordList::load_scoped(self.kind, store, today, self.scope.clone())?;
        self.nav = nav;
        if let Some(i) = keep.and_then(|id| self.rows.iter().position(|r| r.id == id)) {
            self.nav.selected = i;
        }
        self.nav.follow(self.rows.len(), 15);
        Ok(())
    }
}

impl App {
    pub(super) fn open_list(&mut self, kind: ListKind) {
        let scope = if kind == ListKind::Agenda { self.resolved.reps.clone() } else { None };
        match RecordList::load_scoped(kind, &self.store, self.today, scope) {
            Ok(l) => self.overlay = Overlay::List(l),
            Err(e) => self.message = Some(format!("{e:#}")),
        }
    }

    pub(super) fn on_list_key(&mut self, mut list: RecordList, key: KeyEvent) -> Result<()> {
        let today = self.today;
        let selected = list.selected().cloned();
        let len = list.rows.len();
        let mut keep = true;
        // The list's keys come from the keymap (context `list`, then global).
        let Some(action) = self.keymap.resolve(Context::List, &key) else { return self.keep_list(list) };
        match action {
            Action::Back => keep = false,
            Action::Quit => self.quit = true,
            Action::Down => list.nav.step(1, len, 15),
            Action::Up => list.nav.step(-1, len, 15),
            Action::Add => {
                keep = false;
                let form = match list.kind {
                    ListKind::Contacts(a) => forms::contact_form(&self.store, a, None, today),
                    ListKind::Deals(a) => forms::deal_form(&self.store, a, None, today),
                    ListKind::Reps => forms::rep_form(&self.store, None, today),
                    ListKind::Targets(p) => forms::target_form(&self.store, None, p, today),
                    ListKind::Agenda | ListKind::SyncConflicts => return self.keep_list(list),
                };
                self.open_form(form);
            }
            Action::Edit | Action::Open => {
                if let Some(row) = &selected {
                    keep = false;
                    let form = match list.kind {
                        ListKind::Contacts(a) => forms::contact_form(&self.store, a, Some(row.id), today),
                        ListKind::Deals(a) => forms::deal_form(&self.store, a, Some(row.id), today),
                        ListKind::Reps => forms::rep_form(&self.store, Some(row.id), today),
                        ListKind::Targets(p) => forms::target_form(&self.store, Some(row.id), p, today),
                        ListKind::SyncConflicts => return self.keep_list(list),
                        ListKind::Agenda => {
                            if let Some(a) = row.account_id {
                                self.set_current(a)?;
                                self.focus = PaneId::Timeline;
                            }
                            return Ok(());
                        }
                    };
                    self.open_form(form);
                }
            }
            Action::Delete => {
                if let Some(row) = &selected {
                    keep = false;
                    let back = Some(list.clone());
                    match list.kind {
                        ListKind::Contacts(_) => self.confirm::<Contact>(row.id, back)?,
                        ListKind::Deals(_) => self.confirm::<Deal>(row.id, back)?,
                        ListKind::Reps => self.confirm_rep(row.id, back)?,
                        ListKind::Targets(_) => self.confirm::<Target>(row.id, back)?,
                        ListKind::Agenda => self.confirm::<Activity>(row.id, back)?,
                        ListKind::SyncConflicts => keep = true,
                    }
                }
            }
            Action::Complete if list.kind == ListKind::Agenda => {
                if let Some(row) = &selected {
                    let id = row.id;
                    self.write(|s| s.complete_follow_up(id).map(|f| format!("done: {}", f.summary)), row.account_id)?;
                    list.reload(&self.store, today)?;
                }
            }
            a @ (Action::KeepMine | Action::KeepTheirs) if list.kind == ListKind::SyncConflicts => {
                if let Some(row) = &selected {
                    let keep = if a == Action::KeepMine { crate::team::Keep::Mine } else { crate::team::Keep::Theirs };
                    self.resolve_sync_conflict(row.id, keep)?;
                    list.reload(&self.store, today)?;
                }
            }
            a @ (Action::NextStage | Action::PrevStage | Action::Won | Action::Lost)
                if matches!(list.kind, ListKind::Deals(_)) =>
            {
                if let Some(row) = &selected {
                    let id = row.id;
                    let deal = self.store.require::<Deal>(id)?;
                    let to = match a {
                        Action::NextStage => step_stage(deal.stage, true),
                        Action::PrevStage => step_stage(deal.stage, false),
                        Action::Won => DealStage::Won,
                        _ => DealStage::Lost,
                    };
                    self.write(
                        |s| {
                            s.move_deal(id, to).map(|d| format!("{} is now {}", d.name, d.stage.label().to_lowercase()))
                        },
                        row.account_id,
                    )?;
                    list.reload(&self.store, today)?;
                }
            }
            _ => {}
        }
        if keep && matches!(self.overlay, Overlay::None) {
            self.overlay = Overlay::List(list);
        }
        Ok(())
    }

    /// `S`: the open sync conflicts, in a team book only.
    pub(super) fn open_sync_conflicts(&mut self) -> Result<()> {
        if self.store.setting(crate::store::sync::SERVER_KEY)?.is_none() {
            self.message = Some("not a team book: sync conflicts come with `rapport team join`".into());
            return Ok(());
        }
        self.open_list(ListKind::SyncConflicts);
        Ok(())
    }

    /// Keep mine / keep theirs, as `rapport team resolve ID --keep` does:
    /// a kept value of mine is written again as a new change, which the
    /// background sync is asked to share now; the header counts one fewer.
    fn resolve_sync_conflict(&mut self, id: i64, keep: crate::team::Keep) -> Result<()> {
        match crate::team::resolve(&self.store, id, keep) {
            Ok(msg) => {
                self.message = Some(sanitize::line(&msg).into_owned());
                self.after_write(None)?;
                if let Some(team) = &self.team {
                    team.recount(&self.store);
                    team.request();
                }
                self.refresh_team_line();
            }
            Err(e) => self.message = Some(sanitize::line(&format!("not resolved: {e:#}")).into_owned()),
        }
        Ok(())
    }

    fn keep_list(&mut self, list: RecordList) -> Result<()> {
        self.overlay = Overlay::List(list);
        Ok(())
    }
}
