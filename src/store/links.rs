//! Which live rows may not point at a deleted one: the pairs `db check`
//! reports as orphans and a restore refuses to create. What only records
//! history (a closed deal's owner, the rep or contact on a timeline entry)
//! may name a deleted record.

pub(super) struct Link {
    /// The row that points, and its column.
    pub table: &'static str,
    pub column: &'static str,
    /// The table pointed at (accounts or reps: both have a `name`).
    pub parent: &'static str,
    /// What the parent is to the row, for a refused restore: "its account".
    pub role: &'static str,
    /// The rows that count, in SQL over `x` (the pointing row).
    pub bound: &'static str,
    /// What `db check` calls rows that break it.
    pub orphans: &'static str,
}

const fn link(
    table: &'static str,
    column: &'static str,
    parent: &'static str,
    role: &'static str,
    bound: &'static str,
    orphans: &'static str,
) -> Link {
    Link { table, column, parent, role, bound, orphans }
}

pub(super) const LINKS: &[Link] = &[
    link("contacts", "account_id", "accounts", "its account", "1", "live contacts of a deleted account"),
    link("activities", "account_id", "accounts", "its account", "1", "live timeline entries of a deleted account"),
    link("deals", "account_id", "accounts", "its account", "1", "live deals of a deleted account"),
    link("conflicts", "account_id", "accounts", "its account", "1", "live conflicts of a deleted account"),
    link("targets", "account_id", "accounts", "its account", "1", "live targets of a deleted account"),
    link(
        "accounts",
        "parent_id",
        "accounts",
        "its parent account",
        "1",
        "live accounts whose parent account is deleted",
    ),
    link("accounts", "owner_id", "reps", "its owner", "1", "live accounts owned by a deleted rep"),
    link(
        "deals",
        "owner_id",
        "reps",
        "its owner",
        "x.stage NOT IN ('won', 'lost')",
        "open deals owned by a deleted rep",
    ),
    link(
        "conflicts",
        "owner_id",
        "reps",
        "its owner",
        "x.status <> 'resolved'",
        "open conflicts owned by a deleted rep",
    ),
    link("reps", "manager_id", "reps", "its manager", "1", "live reps whose manager is deleted"),
    link("targets", "rep_id", "reps", "its rep", "1", "live targets of a deleted rep"),
];

impl Link {
    /// Live rows that point at a deleted parent (with `?1`, only that row),
    /// and the parent's name. Names come from the table above, never input.
    pub fn broken_sql(&self, one_row: bool) -> String {
        let Link { table, column, parent, bound, .. } = self;
        let which = if one_row { "x.id = ?1" } else { "x.deleted_at IS NULL" };
        format!(
            "SELECT p.name FROM {table} x JOIN {parent} p ON p.id = x.{column}
             WHERE {which} AND p.deleted_at IS NOT NULL AND ({bound})"
        )
    }
}
