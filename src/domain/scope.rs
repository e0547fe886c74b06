//! Whose numbers: `me`, `team`, `all` or `rep:NAME`, resolved against the
//! team (reps and their managers) and the user's own name.

use super::metrics::team_of;
use super::{Money, TargetScope};

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Scope {
    /// The user, and for a manager or lead everyone below them.
    Me,
    /// The team the user is in: their own when they lead one, else their manager's.
    Team,
    /// Everyone, unowned deals included.
    All,
    /// One rep alone.
    Rep(String),
}

/// What `--scope` accepts, for messages.
pub const SCOPE_EXAMPLES: &str = "me, team, all, rep:\"Jane Doe\"";

impl Scope {
    pub fn parse(s: &str) -> Result<Scope, String> {
        let t = s.trim();
        match t.to_ascii_lowercase().as_str() {
            "me" | "mine" => Ok(Scope::Me),
            "team" => Ok(Scope::Team),
            "all" | "everyone" | "company" => Ok(Scope::All),
            _ => match t.split_once(':') {
                Some((kind, name)) if kind.trim().eq_ignore_ascii_case("rep") && !name.trim().is_empty() => {
                    Ok(Scope::Rep(name.trim().to_string()))
                }
                _ => Err(format!("'{t}' is not a scope; expected me, team, all or rep:NAME")),
            },
        }
    }
}

/// A rep as scopes see them: (id, name, manager).
pub type Member = (i64, String, Option<i64>);

/// A scope made concrete.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Resolved {
    /// "Jane Doe's team", "Jane Doe", "everyone".
    pub label: String,
    /// The rep the scope hangs from; `None` for everyone.
    pub root: Option<i64>,
    /// The reps whose deals count; `None` for everyone, unowned deals included.
    pub reps: Option<Vec<i64>>,
}

impl Resolved {
    pub fn includes(&self, owner: Option<i64>) -> bool {
        match (&self.reps, owner) {
            (None, _) => true,
            (Some(reps), Some(o)) => reps.contains(&o),
            (Some(_), None) => false,
        }
    }
}

/// The rep named `name` (case and surrounding spaces aside).
pub fn find_rep<'a>(members: &'a [Member], name: &str) -> Result<&'a Member, String> {
    let wanted = name.trim();
    let found: Vec<&Member> = members.iter().filter(|m| m.1.trim().eq_ignore_ascii_case(wanted)).collect();
    match found.as_slice() {
        [one] => Ok(one),
        [] => Err(format!("'{wanted}' names no rep")),
        _ => Err(format!("'{wanted}' names {} reps; rename one so each name is unique", found.len())),
    }
}

pub fn resolve(scope: &Scope, members: &[Member], me: Option<&str>) -> Result<Resolved, String> {
    let links: Vec<(i64, Option<i64>)> = members.iter().map(|m| (m.0, m.2)).collect();
    let subtree = |root: &Member| {
        let team = team_of(&links, root.0);
        let label = if team.len() > 1 { format!("{}'s team", root.1) } else { root.1.clone() };
        Resolved { label, root: Some(root.0), reps: Some(team) }
    };
    let me = || -> Result<&Member, String> {
        let name = me.ok_or("no `me` is set, so there is no scope of mine")?;
        find_rep(members, name).map_err(|e| format!("me = \"{name}\" in the config: {e}"))
    };
    match scope {
        Scope::All => Ok(Resolved { label: "everyone".into(), root: None, reps: None }),
        Scope::Rep(name) => {
            let rep = find_rep(members, name)?;
            Ok(Resolved { label: rep.1.clone(), root: Some(rep.0), reps: Some(vec![rep.0]) })
        }
        Scope::Me => Ok(subtree(me()?)),
        Scope::Team => {
            let me = me()?;
            let leads = links.iter().any(|l| l.1 == Some(me.0) && l.0 != me.0);
            match (leads, me.2.and_then(|m| members.iter().find(|r| r.0 == m))) {
                (false, Some(manager)) => Ok(subtree(manager)),
                _ => Ok(subtree(me)),
            }
        }
    }
}

/// A won-revenue target as scopes see it: (scope, rep, amount).
pub type TargetRow = (TargetScope, Option<i64>, Money);

/// A fiscal year's revenue targets: those set for the year itself, and for
/// each company, team or rep target set only quarter by quarter, the sum of
/// its quarters (a quarter without one adds nothing), so a rep measured by
/// the quarter is measured for the year too.
pub fn year_targets(year: Vec<TargetRow>, quarters: &[TargetRow]) -> Vec<TargetRow> {
    let mut out = year;
    let set_for_year: Vec<(TargetScope, Option<i64>)> = out.iter().map(|t| (t.0, t.1)).collect();
    for q in quarters.iter().filter(|q| q.0 != TargetScope::Account) {
        if set_for_year.contains(&(q.0, q.1)) {
            continue;
        }
        match out.iter_mut().find(|t| (t.0, t.1) == (q.0, q.1)) {
            Some(t) => t.2 += q.2,
            None => out.push(*q),
        }
    }
    out
}

/// The target that measures a scope: everyone → the company's; a team →
/// its lead's team target (the company's when the lead is at the top and
/// has none), else the sum of its members' rep targets; one rep → theirs.
pub fn target_for(resolved: &Resolved, targets: &[TargetRow], members: &[Member]) -> Option<Money> {
    let sum = |scope: TargetScope, rep: Option<i64>| {
        targets.iter().filter(|t| t.0 == scope && t.1 == rep).map(|t| t.2).reduce(|a, b| a + b)
    };
    let Some(root) = resolved.root else {
        return sum(TargetScope::Company, None);
    };
    let reps = resolved.reps.as_deref().unwrap_or(&[]);
    if reps.len() <= 1 {
        return sum(TargetScope::Rep, Some(root));
    }
    let top = members.iter().find(|m| m.0 == root).is_some_and(|m| m.2.is_none());
    sum(TargetScope::Team, Some(root))
        .or_else(|| if top { sum(TargetScope::Company, None) } else { None })
        .or_else(|| reps.iter().filter_map(|r| sum(TargetScope::Rep, Some(*r))).reduce(|a, b| a + b))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Maria manages leads Lee and Kim; Lee leads Ann and Bo, Kim leads Cy.
    fn team() -> Vec<Member> {
        [
            (1, "Maria Lopez", None),
            (2, "Lee Park", Some(1)),
            (3, "Kim Ode", Some(1)),
            (4, "Ann Lee", Some(2)),
            (5, "Bo Chen", Some(2)),
            (6, "Cy Dunn", Some(3)),
        ]
        .into_iter()
        .map(|(id, n, m)| (id, n.to_string(), m))
        .collect()
    }

    fn reps(r: &Resolved) -> Vec<i64> {
        let mut v = r.reps.clone().unwrap();
        v.sort();
        v
    }

    #[test]
    fn scopes_parse_and_refuse_with_a_reason() {
        assert_eq!(Scope::parse(" ME "), Ok(Scope::Me));
        assert_eq!(Scope::parse("rep: Ann Lee"), Ok(Scope::Rep("Ann Lee".into())));
        assert_eq!(Scope::parse("all"), Ok(Scope::All));
        assert_eq!(Scope::parse("boss").unwrap_err(), "'boss' is not a scope; expected me, team, all or rep:NAME");
        assert!(Scope::parse("rep:").is_err());
    }

    #[test]
    fn a_managers_scope_is_their_whole_team() {
        let t = team();
        let me = resolve(&Scope::Me, &t, Some("maria lopez")).unwrap();
        assert_eq!((reps(&me), me.label.as_str()), (vec![1, 2, 3, 4, 5, 6], "Maria Lopez's team"));
        assert_eq!(reps(&resolve(&Scope::Team, &t, Some("Maria Lopez")).unwrap()), vec![1, 2, 3, 4, 5, 6]);
        let lead = resolve(&Scope::Me, &t, Some("Lee Park")).unwrap();
        assert_eq!(reps(&lead), vec![2, 4, 5]);
        // A rep's own scope is themselves; their team is their lead's.
        let ann = resolve(&Scope::Me, &t, Some("Ann Lee")).unwrap();
        assert_eq!((reps(&ann), ann.label.as_str()), (vec![4], "Ann Lee"));
        assert_eq!(reps(&resolve(&Scope::Team, &t, Some("Ann Lee")).unwrap()), vec![2, 4, 5]);
        assert_eq!(reps(&resolve(&Scope::Rep("lee park".into()), &t, None).unwrap()), vec![2]);
        let all = resolve(&Scope::All, &t, None).unwrap();
        assert!(all.includes(None) && all.includes(Some(99)));
        assert!(!lead.includes(None) && !lead.includes(Some(3)));
    }

    #[test]
    fn a_me_that_names_nobody_is_an_error() {
        let t = team();
        assert_eq!(
            resolve(&Scope::Me, &t, Some("Nobody")).unwrap_err(),
            "me = \"Nobody\" in the config: 'Nobody' names no rep"
        );
        assert!(resolve(&Scope::Team, &t, None).unwrap_err().contains("no `me` is set"));
        assert_eq!(resolve(&Scope::Rep("Zed".into()), &t, None).unwrap_err(), "'Zed' names no rep");
    }

    #[test]
    fn a_year_without_its_own_target_sums_its_quarters() {
        let m = Money::from_units;
        let year = vec![(TargetScope::Company, None, m(1000))];
        let quarters = vec![
            (TargetScope::Company, None, m(200)),
            (TargetScope::Rep, Some(4), m(100)),
            (TargetScope::Rep, Some(4), m(150)),
            (TargetScope::Team, Some(2), m(300)),
        ];
        let mut got = year_targets(year, &quarters);
        got.sort_by_key(|t| (t.0 as u8, t.1));
        let mut want = vec![
            (TargetScope::Company, None, m(1000)),
            (TargetScope::Rep, Some(4), m(250)),
            (TargetScope::Team, Some(2), m(300)),
        ];
        want.sort_by_key(|t| (t.0 as u8, t.1));
        assert_eq!(got, want, "the year's own company target wins over its quarters");
    }

    #[test]
    fn each_scope_finds_its_target() {
        let t = team();
        let m = Money::from_units;
        let targets: Vec<TargetRow> = vec![
            (TargetScope::Company, None, m(1000)),
            (TargetScope::Team, Some(2), m(400)),
            (TargetScope::Rep, Some(4), m(150)),
            (TargetScope::Rep, Some(5), m(200)),
            (TargetScope::Rep, Some(6), m(90)),
        ];
        let of = |s: Scope, me: &str| target_for(&resolve(&s, &t, Some(me)).unwrap(), &targets, &t);
        assert_eq!(of(Scope::All, "Ann Lee"), Some(m(1000)));
        assert_eq!(of(Scope::Me, "Maria Lopez"), Some(m(1000)), "the top manager's team is the company");
        assert_eq!(of(Scope::Me, "Lee Park"), Some(m(400)));
        assert_eq!(of(Scope::Me, "Kim Ode"), Some(m(90)), "no team target: the members' rep targets");
        assert_eq!(of(Scope::Me, "Ann Lee"), Some(m(150)));
        assert_eq!(of(Scope::Rep("Lee Park".into()), "Ann Lee"), None, "a rep with no target");
    }
}
