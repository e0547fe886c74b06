//! Repairs of a record merged field by field. Last-writer-wins per field can
//! combine two writers' fields into a row that breaks a rule tying fields
//! together (a won deal without its close date, a resolved conflict without
//! its time). Every laptop applies the same repair to the same merged row, so
//! they stay alike; the field that says what the record is (a deal's stage, a
//! conflict's status, an activity's kind) decides, and the fields that go
//! with it follow, dated by that field's clock. Pure: the clock is passed in.

use serde_json::{Map, Value as Json};

/// What a resolved conflict says when its resolution came apart from it.
pub const RESOLVED_ELSEWHERE: &str = "resolved on another laptop";

fn is_null(row: &Map<String, Json>, field: &str) -> bool {
    row.get(field).is_none_or(Json::is_null)
}

fn text<'a>(row: &'a Map<String, Json>, field: &str) -> &'a str {
    row.get(field).and_then(Json::as_str).unwrap_or("")
}

/// The fields to set so `row` keeps the rules of its table, or none.
/// `decided_ms`: when the deciding field was written (milliseconds since the epoch).
pub fn repair(entity: &str, row: &Map<String, Json>, decided_ms: i64) -> Vec<(String, Json)> {
    let at = chrono::DateTime::from_timestamp_millis(decided_ms).unwrap_or_default();
    let day = at.date_naive().to_string();
    let mut fix = Vec::new();
    match entity {
        "deal" => {
            let closed = matches!(text(row, "stage"), "won" | "lost");
            if closed && is_null(row, "closed_on") {
                // Never before it opened: the rule every deal keeps.
                let opened = text(row, "opened_on");
                let on = if !opened.is_empty() && opened > day.as_str() { opened.to_string() } else { day };
                fix.push(("closed_on".into(), Json::from(on)));
            } else if !closed && !is_null(row, "closed_on") {
                fix.push(("closed_on".into(), Json::Null));
            }
        }
        "conflict" => {
            let resolved = text(row, "status") == "resolved";
            if resolved && is_null(row, "resolved_at") {
                fix.push(("resolved_at".into(), Json::from(super::time::timestamp(at))));
            }
            if resolved && text(row, "resolution").trim().is_empty() {
                fix.push(("resolution".into(), Json::from(RESOLVED_ELSEWHERE)));
            }
            if !resolved && !is_null(row, "resolved_at") {
                fix.push(("resolved_at".into(), Json::Null));
            }
        }
        "activity" => {
            let follow_up = text(row, "kind") == "follow_up";
            if follow_up && is_null(row, "due_on") {
                fix.push(("due_on".into(), Json::from(day)));
            } else if !follow_up {
                for f in ["due_on", "done_at"] {
                    if !is_null(row, f) {
                        fix.push((f.into(), Json::Null));
                    }
                }
            }
        }
        _ => {}
    }
    fix
}

/// The field whose clock dates a repair of this entity.
pub fn deciding_field(entity: &str) -> Option<&'static str> {
    match entity {
        "deal" => Some("stage"),
        "conflict" => Some("status"),
        "activity" => Some("kind"),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn row(v: Json) -> Map<String, Json> {
        v.as_object().unwrap().clone()
    }

    // 2026-11-25T10:00:00Z
    const MS: i64 = 1_795_600_800_000;

    #[test]
    fn a_closed_deal_without_a_date_is_dated_by_its_stage_and_never_before_it_opened() {
        let r = row(json!({"stage": "lost", "closed_on": null, "opened_on": "2026-01-02"}));
        assert_eq!(repair("deal", &r, MS), vec![("closed_on".to_string(), json!("2026-11-25"))]);
        let r = row(json!({"stage": "won", "closed_on": null, "opened_on": "2026-12-01"}));
        assert_eq!(repair("deal", &r, MS), vec![("closed_on".to_string(), json!("2026-12-01"))]);
        let r = row(json!({"stage": "negotiation", "closed_on": "2026-10-20"}));
        assert_eq!(repair("deal", &r, MS), vec![("closed_on".to_string(), Json::Null)]);
        let r = row(json!({"stage": "won", "closed_on": "2026-10-20"}));
        assert!(repair("deal", &r, MS).is_empty(), "a row that keeps the rules is left alone");
    }

    #[test]
    fn a_resolved_conflict_gets_its_time_and_a_reopened_one_loses_it() {
        let r = row(json!({"status": "resolved", "resolved_at": null, "resolution": ""}));
        assert_eq!(
            repair("conflict", &r, MS),
            vec![
                ("resolved_at".to_string(), json!("2026-11-25T10:00:00Z")),
                ("resolution".to_string(), json!(RESOLVED_ELSEWHERE))
            ]
        );
        let r = row(json!({"status": "open", "resolved_at": "2026-11-25T10:00:00Z"}));
        assert_eq!(repair("conflict", &r, MS), vec![("resolved_at".to_string(), Json::Null)]);
    }

    #[test]
    fn an_activity_follows_its_kind() {
        let r = row(json!({"kind": "follow_up", "due_on": null}));
        assert_eq!(repair("activity", &r, MS), vec![("due_on".to_string(), json!("2026-11-25"))]);
        let r = row(json!({"kind": "call", "due_on": "2026-11-30", "done_at": null}));
        assert_eq!(repair("activity", &r, MS), vec![("due_on".to_string(), Json::Null)]);
        assert!(repair("account", &row(json!({"name": "x"})), MS).is_empty());
    }
}
