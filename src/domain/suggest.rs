//! Suggested next actions across the book: pure rules over facts the store
//! reads, ranked by the value at stake. Each suggestion has a stable key (so
//! a snooze or dismissal sticks to it), one line of why with its numbers,
//! and the value it is ranked by. Acting on one makes its rule stop firing:
//! a logged call resets the cadence, a moved deal is no longer stuck, an
//! escalated conflict is no longer "breached and not escalated".

use super::health::{past_cadence, AccountSignals, HealthConfig};
use super::{AccountStatus, ContactRole, Money, Severity, Tier};
use chrono::{NaiveDate, NaiveDateTime};
use serde::Serialize;
use std::collections::{BTreeMap, HashMap};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SuggestionKind {
    KeepWarm,
    Renewal,
    Conflict,
    StuckDeal,
    Coach,
    CrossSell,
    WinBack,
    Network,
}

impl SuggestionKind {
    pub const ALL: [SuggestionKind; 8] = [
        SuggestionKind::KeepWarm,
        SuggestionKind::Renewal,
        SuggestionKind::Conflict,
        SuggestionKind::StuckDeal,
        SuggestionKind::Coach,
        SuggestionKind::CrossSell,
        SuggestionKind::WinBack,
        SuggestionKind::Network,
    ];

    pub fn label(self) -> &'static str {
        match self {
            SuggestionKind::KeepWarm => "keep warm",
            SuggestionKind::Renewal => "renewal",
            SuggestionKind::Conflict => "conflict",
            SuggestionKind::StuckDeal => "stuck deal",
            SuggestionKind::Coach => "coach",
            SuggestionKind::CrossSell => "cross-sell",
            SuggestionKind::WinBack => "win-back",
            SuggestionKind::Network => "network",
        }
    }

    /// The first part of its keys: "keep-warm", "stuck-deal".
    pub fn key_prefix(self) -> &'static str {
        match self {
            SuggestionKind::KeepWarm => "keep-warm",
            SuggestionKind::Renewal => "renewal",
            SuggestionKind::Conflict => "conflict",
            SuggestionKind::StuckDeal => "stuck-deal",
            SuggestionKind::Coach => "coach",
            SuggestionKind::CrossSell => "cross-sell",
            SuggestionKind::WinBack => "win-back",
            SuggestionKind::Network => "network",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Suggestion {
    /// Stable across runs while the situation lasts: "keep-warm:<account uid>:<last touch>".
    pub key: String,
    pub kind: SuggestionKind,
    /// The account it is about (for `coach`, 0: it is about a rep).
    pub account_id: i64,
    /// The account's name (for `coach`, the rep's).
    pub account: String,
    /// What to do, in a few words: "Call Jane Roe (champion)".
    pub action: String,
    /// Why, in one line with its numbers.
    pub reason: String,
    /// The value at stake, which ranks it (for other programs in major units).
    #[serde(serialize_with = "crate::domain::money::serialize_major")]
    pub value: Money,
    /// Whom to call, when there is someone.
    pub contact_id: Option<i64>,
    pub deal_id: Option<i64>,
    pub conflict_id: Option<i64>,
    /// The rep a `coach` suggestion is about.
    pub rep_id: Option<i64>,
}

/// An account as the rules read it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccountFacts {
    pub id: i64,
    pub uid: String,
    pub name: String,
    pub sector: Option<String>,
    pub annual_value: Money,
    pub parent_id: Option<i64>,
    /// Whether suggestions are made for it (peers and relatives count either way).
    pub in_scope: bool,
    /// Tier, status, touches, renewal, conflicts and open deals: what health reads.
    pub signals: AccountSignals,
    /// Whom to call: (contact id, name, role), a decision maker or champion first.
    pub contact: Option<(i64, String, ContactRole)>,
    /// Products of the deals it won, each once.
    pub won_products: Vec<String>,
    /// Products of its open deals.
    pub open_products: Vec<String>,
    /// Won in all, and how many deals.
    pub won_total: Money,
    pub won_count: u32,
    /// For a churned account, when it was lost: its last renewal date or last closed deal.
    pub churned_on: Option<NaiveDate>,
}

/// An unresolved conflict.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConflictFacts {
    pub id: i64,
    pub uid: String,
    pub account_id: i64,
    pub title: String,
    pub severity: Severity,
    pub sla_due_at: NaiveDateTime,
    pub breached: bool,
    /// Waiting on the customer: the clock stands still.
    pub paused: bool,
    pub escalation_level: u8,
}

/// A contact, for the network rule: only those whose e-mail or name is
/// found at more than one account need be passed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PersonFacts {
    pub id: i64,
    pub uid: String,
    pub account_id: i64,
    pub name: String,
    pub email: Option<String>,
    pub role: ContactRole,
    /// Someone logged a call, e-mail or meeting with them in the last 90 days.
    pub touched_90d: bool,
}

/// A rep's current quarter, for coaching.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RepFacts {
    pub id: i64,
    pub uid: String,
    pub name: String,
    /// "2026Q1".
    pub period: String,
    pub target: Money,
    pub won: Money,
    pub expected_by_today: Money,
    pub pipeline: Money,
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct SuggestInputs {
    /// The moment conflicts' SLAs are measured at (UTC).
    pub now: NaiveDateTime,
    pub accounts: Vec<AccountFacts>,
    pub conflicts: Vec<ConflictFacts>,
    pub people: Vec<PersonFacts>,
    /// Reps to coach: those below a manager in the scope.
    pub reps: Vec<RepFacts>,
    /// Cross-sell's peer groups, when the store has counted them over the
    /// whole book; `None` counts them from `accounts` (all of them then).
    pub peers: Option<Vec<PeerGroup>>,
    /// The network rule's groups of `people`, when the store has formed
    /// them; `None` forms them from `people` (all of them then).
    pub people_groups: Option<Vec<PeopleGroup>>,
}

/// Customers with something won, of one sector and size band: what they
/// usually buy.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct PeerGroup {
    pub sector: String,
    pub size: &'static str,
    /// How many customers.
    pub peers: usize,
    /// How many of them won each product.
    pub counts: BTreeMap<String, usize>,
    /// The median number of products a peer won (the upper one of an even count).
    pub median: usize,
}

/// People who may be one person: the same e-mail, or the same name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PeopleGroup {
    pub by_email: bool,
    /// Indexes into `SuggestInputs::people`, in id order.
    pub members: Vec<usize>,
}

/// Peers need this many customers in a sector and size before they say what is usual.
pub const MIN_PEERS: usize = 5;
/// A name found more often than this says nothing about any one person.
pub const NAME_GROUP_MAX: usize = 3;
/// Size bands by annual value in whole units: small below the first, large from the second.
pub const SIZE_BANDS: (i64, i64) = (50_000, 250_000);
/// A rep is coached when the pipeline covers less than this share of the gap (×10).
const COACH_COVERAGE_X10: i64 = 15;

/// A size band by annual value, so that a corner shop is not compared with a bank.
pub fn size_band(v: Money) -> &'static str {
    let units = v.cents() / 100;
    if units < SIZE_BANDS.0 {
        "small"
    } else if units < SIZE_BANDS.1 {
        "mid-size"
    } else {
        "large"
    }
}

fn role_text(role: ContactRole) -> String {
    role.label().to_lowercase()
}

fn call_action(a: &AccountFacts) -> (String, Option<i64>) {
    match &a.contact {
        Some((id, name, role)) => (format!("Call {name} ({})", role_text(*role)), Some(*id)),
        None => (format!("Call {}", a.name), None),
    }
}

/// Names compared as a person would: case, accents aside not, spacing aside.
fn same_person_name(a: &str) -> String {
    a.split_whitespace().map(|w| w.to_lowercase()).collect::<Vec<_>>().join(" ")
}

/// What the network rule groups a contact by e-mail with; `None` for no address.
pub fn email_key(email: &str) -> Option<String> {
    Some(email.trim().to_lowercase()).filter(|e| e.contains('@'))
}

/// What it groups a contact by name with; `None` for a single word, which
/// is not enough to tell two people apart.
pub fn name_key(name: &str) -> Option<String> {
    Some(same_person_name(name)).filter(|n| n.split(' ').count() >= 2)
}

fn sponsor(r: ContactRole) -> bool {
    matches!(r, ContactRole::Champion | ContactRole::DecisionMaker)
}

/// The groups the network rule looks at: people sharing an e-mail, and
/// people sharing a name found at most `NAME_GROUP_MAX` times; only those
/// with a champion or decision maker among them, who could have moved.
pub fn people_groups(people: &[PersonFacts]) -> Vec<PeopleGroup> {
    let mut by_email: BTreeMap<String, Vec<usize>> = BTreeMap::new();
    let mut by_name: BTreeMap<String, Vec<usize>> = BTreeMap::new();
    for (i, p) in people.iter().enumerate() {
        if let Some(e) = p.email.as_deref().and_then(email_key) {
            by_email.entry(e).or_default().push(i);
        }
        if let Some(n) = name_key(&p.name) {
            by_name.entry(n).or_default().push(i);
        }
    }
    let useful = |m: &Vec<usize>| m.len() >= 2 && m.iter().any(|&i| sponsor(people[i].role));
    let email = by_email.into_values().filter(useful).map(|members| PeopleGroup { by_email: true, members });
    let name = by_name
        .into_values()
        .filter(|m| m.len() <= NAME_GROUP_MAX && useful(m))
        .map(|members| PeopleGroup { by_email: false, members });
    email.chain(name).collect()
}

/// Cross-sell's peer groups, counted over `accounts`: customers with
/// something won, by sector and size band.
pub fn peer_groups(accounts: &[AccountFacts]) -> Vec<PeerGroup> {
    let mut groups: BTreeMap<(&str, &str), Vec<&AccountFacts>> = BTreeMap::new();
    for a in accounts {
        if a.signals.status != AccountStatus::Customer || a.won_products.is_empty() {
            continue;
        }
        let Some(sector) = a.sector.as_deref() else { continue };
        groups.entry((sector, size_band(a.annual_value))).or_default().push(a);
    }
    groups
        .into_iter()
        .map(|((sector, size), peers)| {
            let mut counts: BTreeMap<String, usize> = BTreeMap::new();
            for p in &peers {
                for prod in &p.won_products {
                    *counts.entry(prod.clone()).or_default() += 1;
                }
            }
            let mut sizes: Vec<usize> = peers.iter().map(|p| p.won_products.len()).collect();
            sizes.sort_unstable();
            PeerGroup { sector: sector.to_string(), size, peers: peers.len(), counts, median: sizes[sizes.len() / 2] }
        })
        .collect()
}

/// Every suggestion for the accounts in scope, ranked: value at stake
/// first, then key, so the order never depends on the order rows came in.
pub fn suggest(book: &SuggestInputs, cfg: &HealthConfig, today: NaiveDate) -> Vec<Suggestion> {
    let mut out = Vec::new();
    let by_id: HashMap<i64, &AccountFacts> = book.accounts.iter().map(|a| (a.id, a)).collect();
    let mut children: HashMap<i64, Vec<&AccountFacts>> = HashMap::new();
    for a in &book.accounts {
        if let Some(p) = a.parent_id {
            children.entry(p).or_default().push(a);
        }
    }
    for a in book.accounts.iter().filter(|a| a.in_scope) {
        keep_warm(a, cfg, today, &mut out);
        renewal(a, today, &mut out);
        stuck_deals(a, cfg, today, &mut out);
        win_back(a, cfg, today, &mut out);
        family(a, &by_id, &children, &mut out);
    }
    conflicts(book, &by_id, cfg, &mut out);
    cross_sell(book, &mut out);
    network(book, &by_id, &mut out);
    coach(book, &mut out);
    rank(&mut out);
    out
}

/// Value at stake, highest first; then the key.
pub fn rank(list: &mut [Suggestion]) {
    list.sort_by(|a, b| b.value.cmp(&a.value).then_with(|| a.key.cmp(&b.key)));
}

fn base(kind: SuggestionKind, key: String, a: &AccountFacts) -> Suggestion {
    Suggestion {
        key,
        kind,
        account_id: a.id,
        account: a.name.clone(),
        action: String::new(),
        reason: String::new(),
        value: a.annual_value,
        contact_id: None,
        deal_id: None,
        conflict_id: None,
        rep_id: None,
    }
}

fn keep_warm(a: &AccountFacts, cfg: &HealthConfig, today: NaiveDate, out: &mut Vec<Suggestion>) {
    let s = &a.signals;
    if !matches!(s.tier, Tier::Strategic | Tier::Key) || s.status == AccountStatus::Churned {
        return;
    }
    let Some((days, cadence)) = past_cadence(s, cfg, today) else { return };
    let touched = s.last_touch.map_or_else(|| "never".to_string(), |d| d.to_string());
    let mut sug = base(SuggestionKind::KeepWarm, format!("keep-warm:{}:{touched}", a.uid), a);
    let (action, contact) = call_action(a);
    sug.action = action;
    sug.contact_id = contact;
    let since = match days {
        Some(d) => format!("no touch in {d} days"),
        None => "never touched".into(),
    };
    sug.reason =
        format!("{since}; cadence for {} is {cadence} days; {} a year", s.tier.as_str(), a.annual_value.compact());
    out.push(sug);
}

fn renewal(a: &AccountFacts, today: NaiveDate, out: &mut Vec<Suggestion>) {
    let s = &a.signals;
    if s.status == AccountStatus::Churned {
        return;
    }
    let Some(date) = s.renewal_date else { return };
    let days = (date - today).num_days();
    let key = format!("renewal:{}:{date}", a.uid);
    let (action, reason) = if days < 0 {
        if !s.renewal_deal_open {
            return;
        }
        (
            "Close the lapsed renewal".to_string(),
            format!("renewal date {date} passed {} days ago; the renewal deal is still open", -days),
        )
    } else if days <= 90 {
        let conflicts = s.open_conflicts.len();
        let met = s.last_meeting.is_some_and(|m| (today - m).num_days() <= 30);
        if conflicts > 0 {
            (
                "Settle the open conflicts before the renewal".to_string(),
                format!(
                    "renewal in {days} days ({date}) with {conflicts} open conflict{}",
                    if conflicts == 1 { "" } else { "s" }
                ),
            )
        } else if !met {
            let last = match s.last_meeting {
                Some(m) => format!("last meeting {} days ago", (today - m).num_days()),
                None => "no meeting in 180 days".to_string(),
            };
            ("Book a renewal meeting".to_string(), format!("renewal in {days} days ({date}); {last}"))
        } else {
            return;
        }
    } else {
        return;
    };
    let mut sug = base(SuggestionKind::Renewal, key, a);
    sug.action = action;
    sug.reason = format!("{reason}; {} a year", a.annual_value.compact());
    sug.contact_id = a.contact.as_ref().map(|c| c.0);
    out.push(sug);
}

fn stuck_deals(a: &AccountFacts, cfg: &HealthConfig, today: NaiveDate, out: &mut Vec<Suggestion>) {
    for d in &a.signals.open_deals {
        let Some(why) = d.stuck(cfg.stuck_days, today) else { continue };
        let mut sug = base(SuggestionKind::StuckDeal, format!("stuck-deal:{}:{}:{}", a.uid, d.id, d.stage.as_str()), a);
        sug.action = format!("Move or close \"{}\"", d.name);
        sug.reason = format!("\"{}\" ({}) {why}", d.name, d.amount.compact());
        sug.value = d.amount;
        sug.deal_id = Some(d.id);
        sug.contact_id = a.contact.as_ref().map(|c| c.0);
        out.push(sug);
    }
}

fn win_back(a: &AccountFacts, cfg: &HealthConfig, today: NaiveDate, out: &mut Vec<Suggestion>) {
    let s = &a.signals;
    // A good history: it bought from us at least once.
    if s.status != AccountStatus::Churned || a.won_count == 0 {
        return;
    }
    let Some(churned) = a.churned_on else { return };
    let ago = (today - churned).num_days();
    // Long enough for the reasons to have faded, not so long that nobody remembers.
    if ago < i64::from(cfg.win_back_after_days) || ago > 3 * 365 {
        return;
    }
    // A call since is the attempt already made.
    if s.last_touch.is_some_and(|t| (today - t).num_days() <= 90) {
        return;
    }
    let mut sug = base(SuggestionKind::WinBack, format!("win-back:{}:{churned}", a.uid), a);
    let (action, contact) = call_action(a);
    sug.action = format!("{action} to win it back");
    sug.contact_id = contact;
    sug.value = a.won_total;
    let deals = if a.won_count == 1 { "1 won deal".to_string() } else { format!("{} won deals", a.won_count) };
    sug.reason = format!("churned {ago} days ago ({churned}) after {deals} worth {}", a.won_total.compact());
    out.push(sug);
}

/// A customer's parent or subsidiary that is not a customer yet.
fn family(
    a: &AccountFacts,
    by_id: &HashMap<i64, &AccountFacts>,
    children: &HashMap<i64, Vec<&AccountFacts>>,
    out: &mut Vec<Suggestion>,
) {
    if a.signals.status != AccountStatus::Prospect || !a.signals.open_deals.is_empty() {
        return;
    }
    let parent = a.parent_id.and_then(|p| by_id.get(&p)).filter(|p| p.signals.status == AccountStatus::Customer);
    let (relative, relation) = match parent {
        Some(p) => (*p, "its parent"),
        None => {
            let child = children
                .get(&a.id)
                .into_iter()
                .flatten()
                .filter(|c| c.signals.status == AccountStatus::Customer)
                .max_by(|x, y| x.annual_value.cmp(&y.annual_value).then(y.id.cmp(&x.id)));
            match child {
                Some(c) => (*c, "its subsidiary"),
                None => return,
            }
        }
    };
    let mut sug = base(SuggestionKind::Network, format!("network:{}:family", a.uid), a);
    sug.action = format!("Open a deal with {}", a.name);
    sug.value = relative.annual_value.max(a.annual_value);
    sug.reason = format!(
        "{relation} {} is a customer ({} a year); {} is not yet",
        relative.name,
        relative.annual_value.compact(),
        a.name
    );
    sug.contact_id = a.contact.as_ref().map(|c| c.0);
    out.push(sug);
}

fn conflicts(book: &SuggestInputs, by_id: &HashMap<i64, &AccountFacts>, cfg: &HealthConfig, out: &mut Vec<Suggestion>) {
    for c in &book.conflicts {
        let Some(a) = by_id.get(&c.account_id).filter(|a| a.in_scope) else { continue };
        let left = c.sla_due_at - book.now;
        let (key, action, reason) = if c.breached {
            if c.escalation_level > 0 {
                continue;
            }
            (
                format!("conflict:{}:breached", c.uid),
                format!("Escalate \"{}\"", c.title),
                format!(
                    "{} conflict breached its SLA {} ago and is not escalated",
                    c.severity.as_str(),
                    super::time::duration_span(-left)
                ),
            )
        } else if !c.paused && left <= chrono::TimeDelta::hours(i64::from(cfg.breach_warning_hours)) {
            (
                format!("conflict:{}:due", c.uid),
                format!("Resolve \"{}\"", c.title),
                format!(
                    "{} conflict breaches its SLA in {} (due {})",
                    c.severity.as_str(),
                    super::time::duration_span(left),
                    c.sla_due_at.format("%Y-%m-%d %H:%M UTC")
                ),
            )
        } else {
            continue;
        };
        let mut sug = base(SuggestionKind::Conflict, key, a);
        sug.action = action;
        sug.reason = format!("{reason}; {} a year at stake", a.annual_value.compact());
        sug.conflict_id = Some(c.id);
        out.push(sug);
    }
}

fn cross_sell(book: &SuggestInputs, out: &mut Vec<Suggestion>) {
    let counted;
    let groups = match &book.peers {
        Some(g) => g,
        None => {
            counted = peer_groups(&book.accounts);
            &counted
        }
    };
    let by_key: HashMap<(&str, &str), &PeerGroup> =
        groups.iter().filter(|g| g.peers >= MIN_PEERS).map(|g| ((g.sector.as_str(), g.size), g)).collect();
    for a in &book.accounts {
        if !a.in_scope || a.signals.status != AccountStatus::Customer || a.won_products.is_empty() {
            continue;
        }
        let Some(sector) = a.sector.as_deref() else { continue };
        let Some(g) = by_key.get(&(sector, size_band(a.annual_value))) else { continue };
        let (size, median) = (g.size, g.median);
        if a.won_products.len() >= median {
            continue;
        }
        // The product most peers bought that this one has not, nor has in the pipeline.
        let best = g
            .counts
            .iter()
            .filter(|(prod, _)| {
                !a.won_products.iter().any(|w| w == *prod) && !a.open_products.iter().any(|o| o == *prod)
            })
            .max_by(|x, y| x.1.cmp(y.1).then(y.0.cmp(x.0)));
        let Some((product, &n)) = best else { continue };
        // "Usually": at least half of the peers.
        if n * 2 < g.peers {
            continue;
        }
        let mut sug = base(SuggestionKind::CrossSell, format!("cross-sell:{}:{product}", a.uid), a);
        sug.action = format!("Offer {product}");
        sug.reason = format!(
            "buys {} product{}; {n} of {} {size} {sector} customers bought {product} (they buy {median})",
            a.won_products.len(),
            if a.won_products.len() == 1 { "" } else { "s" },
            g.peers
        );
        sug.contact_id = a.contact.as_ref().map(|c| c.0);
        out.push(sug);
    }
}

/// A champion or decision maker at one account who now appears at another.
fn network(book: &SuggestInputs, by_id: &HashMap<i64, &AccountFacts>, out: &mut Vec<Suggestion>) {
    let formed;
    let groups = match &book.people_groups {
        Some(g) => g,
        None => {
            formed = people_groups(&book.people);
            &formed
        }
    };
    let mut seen: std::collections::HashSet<i64> = std::collections::HashSet::new();
    // E-mail first: a person matched both ways is told as matched by e-mail.
    for by_email in [true, false] {
        let how = if by_email { "e-mail" } else { "name" };
        for group in groups.iter().filter(|g| g.by_email == by_email) {
            let group: Vec<&PersonFacts> = group.members.iter().map(|&i| &book.people[i]).collect();
            // Sponsors oldest first: the first one at another account, made
            // before this record, is where the person came from.
            let mut sponsors: Vec<&PersonFacts> = group.iter().copied().filter(|o| sponsor(o.role)).collect();
            if sponsors.is_empty() {
                continue;
            }
            sponsors.sort_by_key(|o| o.id);
            for new in group.iter() {
                let Some(old) = sponsors.iter().take_while(|o| o.id < new.id).find(|o| o.account_id != new.account_id)
                else {
                    continue;
                };
                if new.touched_90d || !seen.insert(new.id) {
                    continue;
                }
                let (Some(now_at), Some(was_at)) = (by_id.get(&new.account_id), by_id.get(&old.account_id)) else {
                    continue;
                };
                if !now_at.in_scope {
                    continue;
                }
                let mut sug = base(SuggestionKind::Network, format!("network:{}", new.uid), now_at);
                sug.action = format!("Call {} at {}", new.name, now_at.name);
                sug.value = if now_at.annual_value > Money::ZERO { now_at.annual_value } else { was_at.annual_value };
                sug.reason = format!(
                    "{} was {} at {} ({} a year) and is now at {} (same {how})",
                    new.name,
                    role_text(old.role),
                    was_at.name,
                    was_at.annual_value.compact(),
                    now_at.name
                );
                sug.contact_id = Some(new.id);
                out.push(sug);
            }
        }
    }
}

fn coach(book: &SuggestInputs, out: &mut Vec<Suggestion>) {
    for r in &book.reps {
        if r.target <= Money::ZERO || r.won >= r.expected_by_today {
            continue;
        }
        let gap = r.target - r.won;
        if gap <= Money::ZERO || r.pipeline.cents() * 10 >= gap.cents() * COACH_COVERAGE_X10 {
            continue;
        }
        let coverage = r.pipeline.cents() as f64 / gap.cents() as f64;
        out.push(Suggestion {
            key: format!("coach:{}:{}", r.uid, r.period),
            kind: SuggestionKind::Coach,
            account_id: 0,
            account: r.name.clone(),
            action: format!("Review the pipeline with {}", r.name),
            reason: format!(
                "{}: won {} of {} (expected {} by today); pipeline {} covers {coverage:.1}x of the {} gap",
                r.period,
                r.won.compact(),
                r.target.compact(),
                r.expected_by_today.compact(),
                r.pipeline.compact(),
                gap.compact()
            ),
            value: gap,
            contact_id: None,
            deal_id: None,
            conflict_id: None,
            rep_id: Some(r.id),
        });
    }
}

#[cfg(test)]
mod tests;
