//! Records as `rapport list` and `rapport export` read them: one row per
//! record with the import's field names, references given as the record's
//! source id (its `external_ref`, else its uid) so that an export imports
//! back, filters and sorts in typed form.
//!
//! The SQL is assembled only from the static column table below; every
//! value a person typed is a bound parameter. A reference to a deleted
//! record (a contact deleted since the call was logged) is left blank, and
//! records of a deleted account are left out: the file must import back.

use super::Store;
use anyhow::{anyhow, Result};
use rusqlite::types::Value;

/// The kinds of record listed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ListKind {
    Accounts,
    Contacts,
    Deals,
    Activities,
    /// Open follow-ups: activities of kind follow_up not done.
    FollowUps,
    Conflicts,
    Reps,
    Targets,
}

/// One field of a kind: its import name and SQL.
#[derive(Debug, Clone, Copy)]
pub struct ListColumn {
    pub field: &'static str,
    /// The value (a reference: the record's source id).
    expr: &'static str,
    /// For a reference, the name of the record pointed at (shown, sorted
    /// on, and matched by a filter as well as the id).
    name_expr: Option<&'static str>,
}

const fn c(field: &'static str, expr: &'static str) -> ListColumn {
    ListColumn { field, expr, name_expr: None }
}

const fn r(field: &'static str, expr: &'static str, name_expr: &'static str) -> ListColumn {
    ListColumn { field, expr, name_expr: Some(name_expr) }
}

impl ListColumn {
    pub fn is_ref(&self) -> bool {
        self.name_expr.is_some()
    }
}

/// (FROM and JOINs, the live-row condition, the owner column, the default order, columns).
struct Spec {
    from: &'static str,
    live: &'static str,
    owner: &'static str,
    order: &'static str,
    columns: &'static [ListColumn],
}

const ACCOUNTS: Spec = Spec {
    from: "accounts t LEFT JOIN reps o ON o.id = t.owner_id AND o.deleted_at IS NULL LEFT JOIN accounts p ON p.id = t.parent_id AND p.deleted_at IS NULL",
    live: "t.deleted_at IS NULL",
    owner: "t.owner_id",
    order: "coalesce(t.external_ref, t.uid)",
    columns: &[
        c("ref", "coalesce(t.external_ref, t.uid)"),
        c("name", "t.name"),
        c("sector", "t.sector"),
        c("tier", "t.tier"),
        c("status", "t.status"),
        r("owner", "coalesce(o.external_ref, o.uid)", "o.name"),
        r("parent", "coalesce(p.external_ref, p.uid)", "p.name"),
        c("location", "t.city"),
        c("website", "t.website"),
        c("annual_value", "t.annual_value"),
        c("renewal_on", "t.renewal_date"),
        c("notes", "t.notes"),
    ],
};

const CONTACTS: Spec = Spec {
    from: "contacts t JOIN accounts a ON a.id = t.account_id",
    live: "t.deleted_at IS NULL AND a.deleted_at IS NULL",
    owner: "a.owner_id",
    order: "coalesce(t.external_ref, t.uid)",
    columns: &[
        c("ref", "coalesce(t.external_ref, t.uid)"),
        r("account", "coalesce(a.external_ref, a.uid)", "a.name"),
        c("name", "t.name"),
        c("title", "t.title"),
        c("email", "t.email"),
        c("phone", "t.phone"),
        c("role", "t.role"),
        c("notes", "t.notes"),
    ],
};

const DEALS: Spec = Spec {
    from:
        "deals t JOIN accounts a ON a.id = t.account_id LEFT JOIN reps o ON o.id = t.owner_id AND o.deleted_at IS NULL",
    live: "t.deleted_at IS NULL AND a.deleted_at IS NULL",
    owner: "t.owner_id",
    order: "coalesce(t.external_ref, t.uid)",
    columns: &[
        c("ref", "coalesce(t.external_ref, t.uid)"),
        r("account", "coalesce(a.external_ref, a.uid)", "a.name"),
        r("owner", "coalesce(o.external_ref, o.uid)", "o.name"),
        c("title", "t.name"),
        c("product", "t.product"),
        c("stage", "t.stage"),
        c("forecast_category", "t.forecast_category"),
        c("amount", "t.amount"),
        c("probability", "t.probability"),
        c("opened_on", "t.opened_on"),
        c("expected_close_on", "t.expected_close"),
        c("closed_on", "t.closed_on"),
    ],
};

const ACTIVITY_COLUMNS: &[ListColumn] = &[
    c("ref", "coalesce(t.external_ref, t.uid)"),
    r("account", "coalesce(a.external_ref, a.uid)", "a.name"),
    r("contact", "coalesce(k.external_ref, k.uid)", "k.name"),
    r("owner", "coalesce(o.external_ref, o.uid)", "o.name"),
    c("kind", "t.kind"),
    c("occurred_at", "t.occurred_at"),
    c("summary", "t.summary"),
    c("body", "t.body"),
    c("due_on", "t.due_on"),
    c("done", "CASE WHEN t.kind = 'follow_up' THEN t.done_at IS NOT NULL END"),
];

const ACTIVITY_FROM: &str = "activities t JOIN accounts a ON a.id = t.account_id \
     LEFT JOIN contacts k ON k.id = t.contact_id AND k.deleted_at IS NULL LEFT JOIN reps o ON o.id = t.rep_id AND o.deleted_at IS NULL";

const ACTIVITIES: Spec = Spec {
    from: ACTIVITY_FROM,
    live: "t.deleted_at IS NULL AND a.deleted_at IS NULL",
    owner: "t.rep_id",
    order: "coalesce(t.external_ref, t.uid)",
    columns: ACTIVITY_COLUMNS,
};

const FOLLOW_UPS: Spec = Spec {
    from: ACTIVITY_FROM,
    live: "t.deleted_at IS NULL AND a.deleted_at IS NULL AND t.kind = 'follow_up' AND t.done_at IS NULL",
    owner: "t.rep_id",
    order: "t.due_on, coalesce(t.external_ref, t.uid)",
    columns: ACTIVITY_COLUMNS,
};

const CONFLICTS: Spec = Spec {
    from: "conflicts t JOIN accounts a ON a.id = t.account_id \
           LEFT JOIN contacts k ON k.id = t.contact_id AND k.deleted_at IS NULL LEFT JOIN reps o ON o.id = t.owner_id AND o.deleted_at IS NULL",
    live: "t.deleted_at IS NULL AND a.deleted_at IS NULL",
    owner: "t.owner_id",
    order: "coalesce(t.external_ref, t.uid)",
    columns: &[
        c("ref", "coalesce(t.external_ref, t.uid)"),
        r("account", "coalesce(a.external_ref, a.uid)", "a.name"),
        r("contact", "coalesce(k.external_ref, k.uid)", "k.name"),
        r("owner", "coalesce(o.external_ref, o.uid)", "o.name"),
        c("title", "t.title"),
        c("detail", "t.description"),
        c("severity", "t.severity"),
        c("status", "t.status"),
        c("opened_at", "t.opened_at"),
        c("resolved_at", "t.resolved_at"),
        c("resolution", "t.resolution"),
    ],
};

const REPS: Spec = Spec {
    from: "reps t LEFT JOIN reps m ON m.id = t.manager_id AND m.deleted_at IS NULL",
    live: "t.deleted_at IS NULL",
    owner: "t.id",
    order: "coalesce(t.external_ref, t.uid)",
    columns: &[
        c("ref", "coalesce(t.external_ref, t.uid)"),
        c("name", "t.name"),
        c("email", "t.email"),
        r("manager", "coalesce(m.external_ref, m.uid)", "m.name"),
        // An import keeps a rep's region among the custom fields.
        c("region", "json_extract(t.custom, '$.region')"),
    ],
};

const TARGETS: Spec = Spec {
    from: "targets t LEFT JOIN reps o ON o.id = t.rep_id AND o.deleted_at IS NULL LEFT JOIN accounts a ON a.id = t.account_id AND a.deleted_at IS NULL",
    // A target whose rep or account is gone measures nothing that imports.
    live: "t.deleted_at IS NULL AND (t.scope = 'company' OR o.id IS NOT NULL OR a.id IS NOT NULL)",
    owner: "t.rep_id",
    order: "t.period, t.scope, coalesce(o.external_ref, o.uid, a.external_ref, a.uid), t.metric",
    columns: &[
        r(
            "scope",
            "CASE t.scope WHEN 'company' THEN 'company' \
                 WHEN 'account' THEN 'account:' || coalesce(a.external_ref, a.uid) \
                 ELSE t.scope || ':' || coalesce(o.external_ref, o.uid) END",
            "CASE t.scope WHEN 'company' THEN 'company' \
                 WHEN 'account' THEN 'account:' || a.name ELSE t.scope || ':' || o.name END",
        ),
        c("period", "t.period"),
        c("metric", "t.metric"),
        c("amount", "t.amount"),
    ],
};

fn spec(kind: ListKind) -> &'static Spec {
    match kind {
        ListKind::Accounts => &ACCOUNTS,
        ListKind::Contacts => &CONTACTS,
        ListKind::Deals => &DEALS,
        ListKind::Activities => &ACTIVITIES,
        ListKind::FollowUps => &FOLLOW_UPS,
        ListKind::Conflicts => &CONFLICTS,
        ListKind::Reps => &REPS,
        ListKind::Targets => &TARGETS,
    }
}

/// The fields a kind lists, in order.
pub fn list_columns(kind: ListKind) -> &'static [ListColumn] {
    spec(kind).columns
}

/// How a filter compares.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cmp {
    Eq,
    Lt,
    Le,
    Gt,
    Ge,
}

impl Cmp {
    fn sql(self) -> &'static str {
        match self {
            Cmp::Eq => "=",
            Cmp::Lt => "<",
            Cmp::Le => "<=",
            Cmp::Gt => ">",
            Cmp::Ge => ">=",
        }
    }
}

/// One `--where`, its value already in the stored form (cents, ISO dates, 0/1); `Null` finds blanks.
#[derive(Debug, Clone, PartialEq)]
pub struct Condition {
    pub field: &'static str,
    pub cmp: Cmp,
    pub value: Value,
    /// Compare the date part only (a stored instant against a day).
    pub day_only: bool,
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct ListQuery {
    pub conditions: Vec<Condition>,
    /// Only records owned by these reps (`None`: everyone's).
    pub owners: Option<Vec<i64>>,
    /// A field, and whether descending.
    pub sort: Option<(&'static str, bool)>,
    pub limit: Option<usize>,
}

/// A listed record: its values in the order of `list_columns`, the names
/// of the records its references point at, and its custom fields (JSON).
#[derive(Debug, Clone, PartialEq)]
pub struct ListRow {
    /// The record's own id.
    pub id: i64,
    pub values: Vec<Value>,
    pub names: Vec<Option<String>>,
    pub custom: Option<String>,
}

impl Store {
    /// The live records of a kind that a query asks for.
    pub fn list_records(&self, kind: ListKind, q: &ListQuery) -> Result<Vec<ListRow>> {
        let s = spec(kind);
        let col = |field: &str| {
            s.columns.iter().find(|c| c.field == field).ok_or_else(|| anyhow!("{field} is not a field of this kind"))
        };
        let mut select: Vec<String> = s.columns.iter().map(|c| c.expr.to_string()).collect();
        select.extend(s.columns.iter().map(|c| c.name_expr.unwrap_or("NULL").to_string()));
        let custom = if kind == ListKind::Targets { "NULL" } else { "t.custom" };
        select.push(custom.to_string());
        select.push("t.id".to_string());
        let mut sql = format!("SELECT {} FROM {} WHERE {}", select.join(", "), s.from, s.live);
        let mut params: Vec<Value> = Vec::new();
        for cond in &q.conditions {
            let c = col(cond.field)?;
            if cond.value == Value::Null {
                sql.push_str(&format!(" AND ({}) IS NULL", c.expr));
                continue;
            }
            params.push(cond.value.clone());
            let n = params.len();
            let op = cond.cmp.sql();
            let expr = if cond.day_only { format!("substr({}, 1, 10)", c.expr) } else { c.expr.to_string() };
            let text = matches!(cond.value, Value::Text(_));
            sql.push_str(&match (c.name_expr, cond.cmp, text) {
                (Some(name), Cmp::Eq, _) => {
                    format!(" AND ({expr} = ?{n} OR {name} = ?{n} COLLATE NOCASE)")
                }
                (None, Cmp::Eq, true) => format!(" AND {expr} = ?{n} COLLATE NOCASE"),
                (Some(name), _, _) => format!(" AND {name} {op} ?{n} COLLATE NOCASE"),
                _ => format!(" AND {expr} {op} ?{n}"),
            });
        }
        if let Some(owners) = &q.owners {
            params.push(Value::Text(serde_json::to_string(owners)?));
            sql.push_str(&format!(" AND {} IN (SELECT value FROM json_each(?{}))", s.owner, params.len()));
        }
        match q.sort {
            Some((field, desc)) => {
                let c = col(field)?;
                let dir = if desc { "DESC" } else { "ASC" };
                let key = c.name_expr.unwrap_or(c.expr);
                // Blanks last either way: they are what a sort is least about.
                sql.push_str(&format!(" ORDER BY ({key}) IS NULL, {key} {dir}, {}", s.order));
            }
            None => sql.push_str(&format!(" ORDER BY {}", s.order)),
        }
        if let Some(limit) = q.limit {
            params.push(Value::Integer(i64::try_from(limit).unwrap_or(i64::MAX)));
            sql.push_str(&format!(" LIMIT ?{}", params.len()));
        }
        let n = s.columns.len();
        let mut stmt = self.conn().prepare(&sql)?;
        let rows = stmt.query_map(rusqlite::params_from_iter(params.iter()), |row| {
            let mut values = Vec::with_capacity(n);
            let mut names = Vec::with_capacity(n);
            for i in 0..n {
                values.push(row.get::<_, Value>(i)?);
                names.push(row.get::<_, Option<String>>(n + i)?);
            }
            Ok(ListRow { id: row.get(2 * n + 1)?, values, names, custom: row.get(2 * n)? })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::{Account, Clock, Deal, Rep};

    #[test]
    fn filters_sort_limit_and_owners_are_bound_not_spliced() {
        let s = Store::in_memory(Clock::System).unwrap();
        let mut jane = Rep { name: "Jane".into(), ..Rep::default() };
        let jane = s.insert(&mut jane).unwrap();
        let mut acme = Account { name: "Acme".into(), owner_id: Some(jane), ..Account::default() };
        s.insert(&mut acme).unwrap();
        let mut beta = Account { name: "Beta'; DROP TABLE accounts; --".into(), ..Account::default() };
        s.insert(&mut beta).unwrap();
        for (name, cents) in [("small", 100), ("big", 900_000)] {
            let mut d = Deal {
                name: name.into(),
                account_id: acme.meta.id,
                amount: crate::domain::Money(cents),
                ..Deal::default()
            };
            s.insert(&mut d).unwrap();
        }
        let names = |kind, q: &ListQuery| -> Vec<String> {
            let i = if kind == ListKind::Deals { 3 } else { 1 };
            s.list_records(kind, q)
                .unwrap()
                .into_iter()
                .map(|r| match &r.values[i] {
                    Value::Text(t) => t.clone(),
                    v => format!("{v:?}"),
                })
                .collect()
        };
        let cond = |field, cmp, value| Condition { field, cmp, value, day_only: false };
        let q =
            ListQuery { conditions: vec![cond("owner", Cmp::Eq, Value::Text("JANE".into()))], ..Default::default() };
        assert_eq!(names(ListKind::Accounts, &q), vec!["Acme"]);
        let q = ListQuery {
            conditions: vec![cond("name", Cmp::Eq, Value::Text("beta'; drop table accounts; --".into()))],
            ..Default::default()
        };
        assert_eq!(names(ListKind::Accounts, &q).len(), 1);
        let q = ListQuery { conditions: vec![cond("amount", Cmp::Gt, Value::Integer(1000))], ..Default::default() };
        assert_eq!(names(ListKind::Deals, &q), vec!["big"]);
        let q = ListQuery { sort: Some(("amount", true)), limit: Some(1), ..Default::default() };
        assert_eq!(names(ListKind::Deals, &q), vec!["big"]);
        let q = ListQuery { owners: Some(vec![jane]), ..Default::default() };
        assert_eq!(names(ListKind::Accounts, &q), vec!["Acme"]);
        assert_eq!(names(ListKind::Accounts, &ListQuery::default()).len(), 2);
    }
}
