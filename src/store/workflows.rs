//! Changes that are more than one row: logging a call with its follow-up,
//! moving a deal or a conflict and recording it on the timeline. Each is one
//! transaction, so one undo step.

use super::{timestamp, Account, Activity, Conflict, Deal, Record, Rep, Store};
use crate::domain::rules::{self, closed_on_after_move, needs_resolution, probability_after_move, Refusal, Rule};
use crate::domain::{ActivityKind, ConflictStatus, DealStage};
use anyhow::{bail, Result};
use chrono::NaiveDate;

/// An interaction to log on an account.
#[derive(Debug, Clone, Default)]
pub struct LogEntry {
    pub account_id: i64,
    pub kind: ActivityKind,
    pub contact_id: Option<i64>,
    pub rep_id: Option<i64>,
    pub summary: String,
    pub body: Option<String>,
    /// When it happened; now when empty.
    pub occurred_at: Option<String>,
    pub follow_up: Option<NaiveDate>,
    /// The follow-up's own text; "Follow up: <summary>" when empty.
    pub follow_up_text: Option<String>,
}

/// What a follow-up says unless the person wrote otherwise.
pub fn default_follow_up_text(summary: &str) -> String {
    format!("Follow up: {}", summary.trim())
}

impl Store {
    /// Logs an interaction and, when asked, its follow-up: one undo step.
    pub fn log_interaction(&self, entry: &LogEntry) -> Result<(Activity, Option<Activity>)> {
        if entry.kind == ActivityKind::FollowUp || entry.kind == ActivityKind::Event {
            bail!("log a call, e-mail, meeting or note; follow-ups come with --follow-up");
        }
        if let Some(due) = entry.follow_up {
            rules::check_due(due, self.clock().today()).map_err(|e| Refusal::new("follow-up", Rule::Past, e))?;
        }
        let follow_text = match entry.follow_up_text.as_deref().map(str::trim).filter(|t| !t.is_empty()) {
            Some(text) => text.to_string(),
            None => default_follow_up_text(&entry.summary),
        };
        self.write(|s| {
            let account = s.require::<Account>(entry.account_id)?;
            let rep_id = entry.rep_id.or(account.owner_id);
            let at = entry.occurred_at.clone().unwrap_or_else(|| s.now_text());
            let mut act = Activity {
                account_id: account.meta.id,
                contact_id: entry.contact_id,
                rep_id,
                kind: entry.kind,
                occurred_at: at.clone(),
                summary: entry.summary.clone(),
                body: entry.body.clone().filter(|b| !b.trim().is_empty()),
                ..Default::default()
            };
            s.insert(&mut act)?;
            let follow = match entry.follow_up {
                Some(due) => {
                    let mut f = Activity {
                        account_id: account.meta.id,
                        contact_id: entry.contact_id,
                        rep_id,
                        kind: ActivityKind::FollowUp,
                        occurred_at: at,
                        summary: follow_text,
                        due_on: Some(due),
                        ..Default::default()
                    };
                    s.insert(&mut f)?;
                    Some(f)
                }
                None => None,
            };
            Ok((act, follow))
        })
    }

    /// A follow-up on an account, owned by the account's owner, due today or later.
    pub fn add_follow_up(&self, account_id: i64, due: NaiveDate, summary: &str) -> Result<Activity> {
        rules::check_due(due, self.clock().today()).map_err(|e| Refusal::new("due", Rule::Past, e))?;
        self.write(|s| {
            let mut a = Activity {
                account_id,
                rep_id: s.require::<Account>(account_id)?.owner_id,
                kind: ActivityKind::FollowUp,
                occurred_at: s.now_text(),
                summary: summary.to_string(),
                due_on: Some(due),
                ..Default::default()
            };
            s.insert(&mut a)?;
            Ok(a)
        })
    }

    /// An event on an account's timeline, written by rapport itself.
    fn record_event(&self, account_id: i64, summary: String, deal: Option<i64>, conflict: Option<i64>) -> Result<()> {
        let mut ev = Activity {
            account_id,
            kind: ActivityKind::Event,
            occurred_at: self.now_text(),
            // Quoting a title or summary of the longest allowed may not make the event too long.
            summary: crate::domain::limits::truncate(&summary, crate::domain::limits::LINE_MAX),
            deal_id: deal,
            conflict_id: conflict,
            ..Default::default()
        };
        self.insert(&mut ev)?;
        Ok(())
    }

    /// Moves a deal to `to`: the probability follows the stage unless set by
    /// hand, won and lost stamp the close date, and the move goes on the timeline.
    pub fn move_deal(&self, id: i64, to: DealStage) -> Result<Deal> {
        self.write(|s| {
            let mut deal = s.require::<Deal>(id)?;
            let from = deal.stage;
            if from == to {
                return Ok(deal);
            }
            deal.probability = probability_after_move(to, deal.probability, deal.probability_manual);
            deal.closed_on = closed_on_after_move(to, None, s.clock().today());
            deal.stage = to;
            s.update(&mut deal)?;
            let text = format!(
                "Deal \"{}\" moved from {} to {}",
                deal.name,
                from.label().to_lowercase(),
                to.label().to_lowercase()
            );
            s.record_event(deal.account_id, text, Some(id), None)?;
            Ok(deal)
        })
    }

    /// Moves a conflict to `to`; resolving needs a resolution text.
    pub fn set_conflict_status(&self, id: i64, to: ConflictStatus, resolution: Option<&str>) -> Result<Conflict> {
        self.write(|s| {
            let mut c = s.require::<Conflict>(id)?;
            let from = c.status;
            if from == to {
                return Ok(c);
            }
            if needs_resolution(to) {
                match resolution.map(str::trim).filter(|r| !r.is_empty()) {
                    Some(r) => c.resolution = Some(r.to_string()),
                    None => bail!("resolving conflict \"{}\" needs a resolution text", c.title),
                }
                c.resolved_at = Some(s.now_text());
            } else {
                c.resolved_at = None;
            }
            c.status = to;
            s.update(&mut c)?;
            let text = match to {
                ConflictStatus::Resolved => {
                    format!("Conflict \"{}\" resolved: {}", c.title, c.resolution.as_deref().unwrap_or(""))
                }
                _ => format!(
                    "Conflict \"{}\" moved from {} to {}",
                    c.title,
                    from.label().to_lowercase(),
                    to.label().to_lowercase()
                ),
            };
            s.record_event(c.account_id, text, None, Some(id))?;
            Ok(c)
        })
    }

    /// Raises a conflict's escalation level to the owner's manager and records it.
    pub fn escalate_conflict(&self, id: i64) -> Result<Conflict> {
        self.escalate_conflict_to(id, None, None)
    }

    /// Raises a conflict's escalation level and records to whom (`to`, else
    /// the owner's manager, else no one in particular) and why.
    pub fn escalate_conflict_to(&self, id: i64, to: Option<i64>, why: Option<&str>) -> Result<Conflict> {
        self.write(|s| {
            let mut c = s.require::<Conflict>(id)?;
            if c.status == ConflictStatus::Resolved {
                bail!("conflict \"{}\" is resolved; reopen it before escalating", c.title);
            }
            if c.escalation_level >= 3 {
                bail!("conflict \"{}\" is already at the highest escalation level", c.title);
            }
            let to = match to {
                Some(rep) => Some(s.require::<Rep>(rep)?),
                None => match c.owner_id {
                    Some(owner) => s.require::<Rep>(owner)?.manager_id.map(|m| s.require::<Rep>(m)).transpose()?,
                    None => None,
                },
            };
            let why = why.map(str::trim).filter(|w| !w.is_empty()).map(str::to_string);
            c.escalation_level += 1;
            c.escalated_at = Some(s.now_text());
            c.escalated_to = to.as_ref().map(|r| r.meta.id);
            c.escalation_reason = why.clone();
            s.update(&mut c)?;
            let mut text = format!("Conflict \"{}\" escalated to level {}", c.title, c.escalation_level);
            match (&to, &why) {
                (Some(r), Some(w)) => text.push_str(&format!(" (to {}: {w})", r.name)),
                (Some(r), None) => text.push_str(&format!(" (to {})", r.name)),
                (None, Some(w)) => text.push_str(&format!(" ({w})")),
                (None, None) => {}
            }
            s.record_event(c.account_id, text, None, Some(id))?;
            Ok(c)
        })
    }

    /// Marks a follow-up done now and records it on the timeline.
    pub fn complete_follow_up(&self, id: i64) -> Result<Activity> {
        self.write(|s| {
            let mut f = s.require::<Activity>(id)?;
            if f.kind != ActivityKind::FollowUp {
                bail!("{} is not a follow-up", crate::domain::sanitize::line(&f.describe()));
            }
            if f.done_at.is_some() {
                bail!("follow-up \"{}\" is already done", crate::domain::sanitize::line(&f.summary));
            }
            f.done_at = Some(s.now_text());
            s.update(&mut f)?;
            s.record_event(f.account_id, format!("Done: {}", f.summary), None, None)?;
            Ok(f)
        })
    }

    /// A new conflict with its SLA deadline from its severity.
    pub fn open_conflict(&self, mut c: Conflict) -> Result<Conflict> {
        self.write(|s| {
            let now = s.clock().now();
            if c.opened_at.is_empty() {
                c.opened_at = timestamp(now);
            }
            if c.sla_due_at.is_empty() {
                c.reset_sla(s.business_hours());
            }
            if c.sla_due_at.is_empty() {
                // An opening time that does not parse: count from now.
                c.sla_due_at = timestamp(now + chrono::Duration::hours(c.severity.sla_hours()));
            }
            s.insert(&mut c)?;
            s.record_event(c.account_id, format!("Conflict opened: {}", c.title), None, Some(c.meta.id))?;
            Ok(c)
        })
    }
}
