//! An account's conflicts: now and then one from the past, resolved (late,
//! sometimes, and escalated), and on the accounts chosen for it one still
//! open — past its SLA, with hours left, or in good time.

use super::account::{Book, Facts};
use super::calendar::{days, office_moment};
use super::plan::feature;
use super::rng::Rng;
use super::timeline::Timeline;
use crate::domain::{AccountStatus, ActivityKind, ConflictStatus, Severity};
use crate::store::{timestamp, Conflict};
use anyhow::Result;
use chrono::{DateTime, Duration, Utc};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Shape {
    Resolved,
    /// Open and past its SLA.
    Breached,
    /// Open with only hours left.
    Close,
    /// Open, in good time.
    Open,
}

fn minutes(n: i64) -> Duration {
    Duration::minutes(n)
}

impl Book<'_> {
    pub fn conflicts(&mut self, rng: &mut Rng, f: &Facts<'_>, tl: &mut Timeline) -> Result<()> {
        let now = self.now;
        let mut shapes = Vec::new();
        for (feature, shape) in [
            (feature::CONFLICT_BREACHED, Shape::Breached),
            (feature::CONFLICT_CLOSE, Shape::Close),
            (feature::CONFLICT_OPEN, Shape::Open),
        ] {
            if f.p.has(feature) {
                shapes.push(shape);
            }
        }
        if f.p.status != AccountStatus::Prospect && rng.chance(0.12) {
            for _ in 0..=rng.weighted(&[70, 20, 10]) {
                shapes.push(Shape::Resolved);
            }
        }
        for shape in shapes {
            let severity = Severity::ALL[if shape == Shape::Breached {
                rng.weighted(&[15, 35, 30, 20])
            } else {
                rng.weighted(&[30, 40, 20, 10])
            }];
            let sla = severity.sla_hours() * 60;
            let (opened, resolved, level) = match shape {
                Shape::Resolved => {
                    // Long enough ago to be settled, even if late.
                    let lo = f.hist_start.max(self.first_q.start());
                    let span = (f.hist_end - days(31) - lo).num_days();
                    if span <= 0 {
                        continue;
                    }
                    let day = lo + days(rng.range(0, span));
                    let opened = office_moment(rng, day, now);
                    let late = rng.chance(0.2);
                    let took =
                        if late { sla as f64 * rng.uniform(1.05, 3.0) } else { sla as f64 * rng.uniform(0.1, 0.9) };
                    let level = if late { rng.weighted(&[20, 55, 25]) as u8 } else { u8::from(rng.chance(0.1)) };
                    (opened, Some(opened + minutes(took as i64)), level)
                }
                Shape::Breached => {
                    let opened = now - minutes(sla + rng.range(60, 60 * 60));
                    let level = if rng.chance(0.7) { 1 + u8::from(rng.chance(0.35)) } else { 0 };
                    (opened, None, level)
                }
                Shape::Close => (now - minutes(sla - rng.range(60, 360)), None, 0),
                Shape::Open => {
                    let opened = now - minutes((sla as f64 * rng.uniform(0.05, 0.6)) as i64);
                    (opened, None, u8::from(rng.chance(0.15)))
                }
            };
            let escalated = (level > 0).then(|| {
                let until = resolved.unwrap_or(now);
                (opened + minutes(sla * 3 / 4)).min(opened + (until - opened) / 2)
            });
            let who = f.anyone(rng);
            let line = rng.word(self.w.templates("conflict"));
            let mut parts = line.split('|').map(str::trim);
            let title = parts.next().unwrap_or(line);
            let fixes: Vec<&str> = parts.collect();
            let title = f.speaker.fill(rng, title, who, opened.date_naive(), None);
            let description =
                rng.chance(0.7).then(|| f.speaker.say(rng, "conflict_description", who, opened.date_naive()));
            let resolution = resolved.map(|r| {
                let fix = if fixes.is_empty() { "Resolved with the customer." } else { rng.word(&fixes) };
                f.speaker.fill(rng, fix, who, r.date_naive(), None)
            });
            let status = if resolved.is_some() {
                ConflictStatus::Resolved
            } else {
                [ConflictStatus::Open, ConflictStatus::InProgress, ConflictStatus::Waiting][rng.weighted(&[40, 40, 20])]
            };
            // The SLA clock stood still from when it started waiting (halfway to
            // now, for the demo) or was resolved.
            let paused_from = match status {
                ConflictStatus::Waiting => Some(opened + (now - opened) / 2),
                ConflictStatus::Resolved => resolved,
                _ => None,
            };
            let sla_pauses = match paused_from {
                Some(from) => serde_json::to_string(&[crate::domain::sla::Pause { from: timestamp(from), to: None }])?,
                None => "[]".into(),
            };
            let mut c = Conflict {
                account_id: f.account_id,
                contact_id: Some(who.id),
                owner_id: Some(f.owner.id),
                title: title.clone(),
                description,
                severity,
                status,
                opened_at: timestamp(opened),
                sla_due_at: timestamp(opened + minutes(sla)),
                escalation_level: level,
                escalated_at: escalated.map(timestamp),
                resolved_at: resolved.map(timestamp),
                resolution: resolution.clone(),
                sla_pauses,
                ..Conflict::default()
            };
            let conflict_id = self.store.insert_unlogged(&mut c)?;
            self.tally.conflicts += 1;

            let event = |tl: &mut Timeline, t: DateTime<Utc>, s: String, body: Option<String>| {
                if let Some(a) = tl.add(t, ActivityKind::Event, s) {
                    a.conflict_id = Some(conflict_id);
                    a.rep_id = Some(f.owner.id);
                    a.body = body;
                }
            };
            event(tl, opened, format!("Conflict opened: {title}"), None);
            if let Some(t) = escalated {
                let s = format!("Conflict escalated to level {level}: {title}");
                event(tl, t, s, None);
            }
            if let Some(t) = resolved {
                event(tl, t, format!("Conflict resolved: {title}"), resolution);
            }
            // Getting back to the customer within hours.
            if rng.chance(0.6) {
                let t = opened + minutes(rng.range(30, 600));
                if resolved.is_none_or(|r| t < r) {
                    let kind = if rng.chance(0.7) { ActivityKind::Call } else { ActivityKind::Email };
                    let s = f.speaker.say(rng, "conflict_touch", who, t.date_naive());
                    if let Some(a) = tl.add(t, kind, s) {
                        a.conflict_id = Some(conflict_id);
                        a.contact_id = Some(who.id);
                        a.rep_id = Some(f.owner.id);
                    }
                }
            }
        }
        Ok(())
    }
}
