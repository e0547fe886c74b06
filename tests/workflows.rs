//! Changes that span rows: each is one transaction and one undo step, and
//! leaves its trace on the timeline.

mod common;

use rapport::domain::*;
use rapport::store::*;

#[test]
fn logging_a_call_with_a_follow_up_is_one_step_and_touches_the_account() {
    let (store, ids) = common::store();
    let entry = LogEntry {
        account_id: ids.borealis,
        kind: ActivityKind::Call,
        contact_id: None,
        summary: "Talked pricing".into(),
        follow_up: Some(common::date(2026, 11, 30)),
        ..Default::default()
    };
    let (call, follow) = store.log_interaction(&entry).unwrap();
    assert_eq!(call.occurred_at, "2026-11-26T14:00:00Z");
    assert_eq!(call.rep_id, Some(ids.sam), "the owner is the rep by default");
    let follow = follow.unwrap();
    assert_eq!(follow.due_on, Some(common::date(2026, 11, 30)));
    let row = store.account_row(ids.borealis).unwrap().unwrap();
    assert_eq!(row.last_touch_at.as_deref(), Some("2026-11-26T14:00:00Z"));
    let top = store.timeline(ids.borealis, None, 2).unwrap();
    assert_eq!(top.len(), 2);
    assert!(top.iter().any(|i| i.summary == "Talked pricing"));

    let undone = store.undo().unwrap().unwrap();
    assert_eq!(undone.summary, "add activity Talked pricing (+1 more changes)");
    assert_eq!(store.timeline_len(ids.borealis).unwrap(), 2, "both entries went");
    let row = store.account_row(ids.borealis).unwrap().unwrap();
    assert_eq!(row.last_touch_at.as_deref(), Some("2026-10-15T10:00:00Z"));
}

#[test]
fn moving_a_deal_sets_probability_and_close_date_and_records_it() {
    let (store, ids) = common::store();
    let open = store.open_deals_of(ids.acme).unwrap().remove(0);
    assert_eq!(open.stage, DealStage::Negotiation);
    let won = store.move_deal(open.meta.id, DealStage::Won).unwrap();
    assert_eq!((won.probability, won.closed_on), (100, Some(common::date(2026, 11, 26))));
    let top = &store.timeline(ids.acme, None, 1).unwrap()[0];
    assert_eq!(top.kind, ActivityKind::Event);
    assert_eq!(top.summary, "Deal \"Renewal 2027\" moved from negotiation to won");
    assert!(store.open_deals_of(ids.acme).unwrap().is_empty());

    // A probability set by hand survives an open move.
    let mut pilot = store.open_deals_of(ids.cobalt).unwrap().remove(0);
    pilot.probability = 35;
    pilot.probability_manual = true;
    store.update(&mut pilot).unwrap();
    assert_eq!(store.move_deal(pilot.meta.id, DealStage::Negotiation).unwrap().probability, 35);

    store.undo().unwrap();
    store.undo().unwrap();
    store.undo().unwrap();
    let back = store.require::<Deal>(open.meta.id).unwrap();
    assert_eq!((back.stage, back.closed_on, back.probability), (DealStage::Negotiation, None, 75));
}

#[test]
fn resolving_a_conflict_needs_a_resolution_and_is_recorded() {
    let (store, ids) = common::store();
    let c = store.open_conflicts_of(ids.acme).unwrap().remove(0);
    let err = store.set_conflict_status(c.id, ConflictStatus::Resolved, Some("  ")).unwrap_err().to_string();
    assert!(err.contains("needs a resolution text"), "{err}");
    let done = store.set_conflict_status(c.id, ConflictStatus::Resolved, Some("Credit note sent")).unwrap();
    assert_eq!(done.resolved_at.as_deref(), Some("2026-11-26T14:00:00Z"));
    assert!(store.open_conflicts_of(ids.acme).unwrap().is_empty());
    let top = &store.timeline(ids.acme, None, 1).unwrap()[0];
    assert_eq!(top.summary, "Conflict \"Invoice dispute\" resolved: Credit note sent");
    let reopened = store.set_conflict_status(c.id, ConflictStatus::InProgress, None).unwrap();
    assert!(reopened.resolved_at.is_none());
    let up = store.escalate_conflict(c.id).unwrap();
    assert_eq!(up.escalation_level, 1);
}

#[test]
fn completing_a_follow_up_records_it_once() {
    let (store, ids) = common::store();
    let due = store.follow_ups_due(common::date(2026, 11, 26)).unwrap();
    let acme_follow = due.iter().find(|f| f.account_id == ids.acme).unwrap();
    let done = store.complete_follow_up(acme_follow.id).unwrap();
    assert_eq!(done.done_at.as_deref(), Some("2026-11-26T14:00:00Z"));
    assert!(store.complete_follow_up(acme_follow.id).unwrap_err().to_string().contains("already done"));
    assert_eq!(store.follow_ups_due(common::date(2026, 11, 26)).unwrap().len(), 1);
}

#[test]
fn a_new_conflict_gets_its_sla_from_its_severity() {
    let (store, ids) = common::store();
    let c = store
        .open_conflict(Conflict {
            account_id: ids.cobalt,
            title: "Outage".into(),
            severity: Severity::Critical,
            ..Default::default()
        })
        .unwrap();
    assert_eq!(c.opened_at, "2026-11-26T14:00:00Z");
    assert_eq!(c.sla_due_at, "2026-11-26T22:00:00Z");
}
