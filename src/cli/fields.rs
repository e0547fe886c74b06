//! The fields of every record as command-line flags, shared by `add` and
//! `edit`, and how a flag's text is checked and written into a record the
//! way the cockpit's forms check it. A flag left out keeps the record's
//! value; an empty value (or `--clear FIELD` on `edit`) clears an optional
//! field.

use super::resolve;
use crate::domain::rules::{check_email, check_phone};
use crate::domain::{limits, time, Money, Period};
use crate::store::{Account, Activity, Conflict, Contact, Deal, Rep, Store, Target};
use anyhow::{anyhow, bail, Result};
use chrono::NaiveDate;
use std::str::FromStr;

/// A set of field flags.
pub trait FieldSet {
    /// The flag names, which are also what `--clear` takes.
    const NAMES: &'static [&'static str];
    /// The value of one flag, by name.
    fn slot(&mut self, flag: &str) -> Option<&mut Option<String>>;
    /// Whether no flag was given.
    fn is_empty(&self) -> bool;

    /// Refuses a flag whose text is longer than its field may hold.
    fn check_lengths(&mut self) -> Result<()> {
        for name in Self::NAMES {
            if let Some(Some(v)) = self.slot(name) {
                let max = limits::max_chars(&name.replace('-', "_"));
                limits::check(&format!("--{name}"), v.trim(), max)
                    .map_err(|e| super::hinted(anyhow!(e), format!("limits: {LIMITS_HINT}")))?;
            }
        }
        Ok(())
    }
}

/// The limits, as a hint.
pub const LIMITS_HINT: &str = "names, titles and summaries up to 500 characters; \
                               notes, bodies and descriptions up to 65,536";

/// Declares a set of flags, each an optional text, with the list of their
/// names (for `--clear`) and a way to reach one by name.
macro_rules! fields {
    ($(#[$meta:meta])* $name:ident { $($(#[$attr:meta])* $field:ident: $flag:literal $value:literal,)+ }) => {
        $(#[$meta])*
        #[derive(clap::Args, Debug, Default, Clone)]
        pub struct $name {
            $(
                $(#[$attr])*
                #[arg(long = $flag, value_name = $value)]
                pub $field: Option<String>,
            )+
        }

        impl FieldSet for $name {
            const NAMES: &'static [&'static str] = &[$($flag),+];

            fn slot(&mut self, flag: &str) -> Option<&mut Option<String>> {
                match flag {
                    $($flag => Some(&mut self.$field),)+
                    _ => None,
                }
            }

            fn is_empty(&self) -> bool {
                true $(&& self.$field.is_none())+
            }
        }
    };
}

fields!(
    /// The fields of an account.
    AccountFields {
        /// The account's name
        name: "name" "NAME",
        /// strategic, key or standard (new ones: standard)
        tier: "tier" "TIER",
        /// prospect, customer or churned (new ones: customer)
        status: "status" "STATUS",
        /// The owning rep: id or exact name
        owner: "owner" "REP",
        /// The parent account: id or exact name
        parent: "parent" "ACCOUNT",
        /// Annual value, e.g. 12,500 or 12.5k
        #[arg(allow_hyphen_values = true)]
        value: "value" "AMOUNT",
        /// Next renewal: 2027-02-01, +3m, …
        #[arg(allow_hyphen_values = true)]
        renewal: "renewal" "DATE",
        sector: "sector" "TEXT",
        city: "city" "TEXT",
        country: "country" "TEXT",
        website: "website" "URL",
        phone: "phone" "PHONE",
        notes: "notes" "TEXT",
    }
);

fields!(
    /// The fields of a contact.
    ContactFields {
        /// The contact's account: id or exact name
        account: "account" "ACCOUNT",
        /// The contact's name
        name: "name" "NAME",
        /// Job title, e.g. CFO
        title: "title" "TEXT",
        /// decision_maker, champion, influencer, user, finance, technical or other (new ones: other)
        role: "role" "ROLE",
        email: "email" "EMAIL",
        phone: "phone" "PHONE",
        /// The account's main contact: yes (the default when given alone) or no
        #[arg(num_args = 0..=1, default_missing_value = "yes")]
        primary: "primary" "YES|NO",
        notes: "notes" "TEXT",
    }
);

fields!(
    /// The fields of a deal.
    DealFields {
        /// The deal's account: id or exact name
        account: "account" "ACCOUNT",
        /// The deal's name
        name: "name" "NAME",
        /// Amount, e.g. 12,500 or 12.5k
        #[arg(allow_hyphen_values = true)]
        amount: "amount" "AMOUNT",
        /// prospecting, qualified, proposal, negotiation, won or lost (new ones: prospecting)
        stage: "stage" "STAGE",
        /// Win probability in percent, set by hand (stage moves keep it)
        #[arg(allow_negative_numbers = true)]
        probability: "probability" "PERCENT",
        /// When it should close: 2027-01-15, +6w, …
        #[arg(allow_hyphen_values = true)]
        expected_close: "expected-close" "DATE",
        product: "product" "TEXT",
        /// The owning rep: id or exact name (new ones: the account's owner)
        owner: "owner" "REP",
        /// Forecast category over the stage's: pipeline, best_case, commit, closed or omitted (empty: by stage)
        forecast: "forecast" "CATEGORY",
        /// When the deal was opened: 2026-09-01, -3w, … (new ones: today)
        #[arg(allow_hyphen_values = true)]
        opened: "opened" "DATE",
        /// Months a won deal runs for, 1 to 120; sets the account's renewal (empty: 12 for renewals and recurring products)
        #[arg(allow_hyphen_values = true)]
        term_months: "term-months" "MONTHS",
    }
);

fields!(
    /// The fields of a conflict.
    ConflictFields {
        /// The conflict's account: id or exact name
        account: "account" "ACCOUNT",
        /// What is wrong, in a line
        title: "title" "TEXT",
        /// low, normal, high or critical: sets the SLA (new ones: normal)
        severity: "severity" "SEVERITY",
        description: "description" "TEXT",
        /// The rep who handles it: id or exact name (new ones: the account's owner)
        owner: "owner" "REP",
        /// The contact who raised it: id or name, among the account's contacts
        contact: "contact" "CONTACT",
    }
);

fields!(
    /// The fields of a target.
    TargetFields {
        /// company, team, rep or account (new ones: company)
        scope: "scope" "SCOPE",
        /// 2026Q4, 2026 or 2026-11
        period: "period" "PERIOD",
        /// Money for won_revenue (e.g. 500k), a count for the other metrics
        #[arg(allow_hyphen_values = true)]
        amount: "amount" "AMOUNT",
        /// The rep (rep target) or team lead (team target): id or exact name
        rep: "rep" "REP",
        /// The account of an account target: id or exact name
        account: "account" "ACCOUNT",
        /// won_revenue, new_deals or activities (new ones: won_revenue)
        metric: "metric" "METRIC",
    }
);

fields!(
    /// The fields of a rep.
    RepFields {
        /// The rep's name
        name: "name" "NAME",
        email: "email" "EMAIL",
        phone: "phone" "PHONE",
        /// manager, lead or rep (new ones: rep)
        role: "role" "ROLE",
        /// Their manager: id or exact name
        manager: "manager" "REP",
    }
);

fields!(
    /// The fields of a timeline entry that can be edited.
    ActivityFields {
        /// The one-line summary
        summary: "summary" "TEXT",
        /// The full text
        body: "body" "TEXT",
        /// A follow-up's due date: 2026-12-01, fri, +3d, …
        #[arg(allow_hyphen_values = true)]
        due: "due" "DATE",
    }
);

/// What a flag asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Val<'a> {
    /// Not given: keep the value.
    Keep,
    /// Given empty, or named by `--clear`.
    Clear,
    Set(&'a str),
}

pub fn val(o: &Option<String>) -> Val<'_> {
    match o.as_deref().map(str::trim) {
        None => Val::Keep,
        Some("") => Val::Clear,
        Some(s) => Val::Set(s),
    }
}

fn flag_error(flag: &str, why: impl std::fmt::Display) -> anyhow::Error {
    anyhow!("--{flag}: {why}")
}

/// Folds `--clear a --clear b` into the fields as empty values.
pub fn apply_clears<F: FieldSet>(kind: &str, fields: &mut F, clears: &[String]) -> Result<()> {
    for name in clears {
        let name = name.trim().trim_start_matches("--");
        let Some(field) = fields.slot(name) else {
            return Err(super::hinted(
                anyhow!("--clear: '{}' is not a field of {}", crate::domain::sanitize::line(name), article(kind)),
                format!("fields of {}: {}", article(kind), F::NAMES.join(", ")),
            ));
        };
        if field.as_deref().is_some_and(|v| !v.trim().is_empty()) {
            bail!("--clear {name} and --{name} both given; choose one");
        }
        *field = Some(String::new());
    }
    Ok(())
}

/// "an account", "a deal".
pub fn article(kind: &str) -> String {
    let a = if kind.starts_with(['a', 'e', 'i', 'o', 'u']) { "an" } else { "a" };
    format!("{a} {kind}")
}

/// A required text: may change, never be emptied.
pub fn required_text(flag: &str, v: Val<'_>, into: &mut String) -> Result<()> {
    match v {
        Val::Keep => Ok(()),
        Val::Clear => Err(flag_error(flag, "cannot be empty")),
        Val::Set(s) => {
            *into = s.to_string();
            Ok(())
        }
    }
}

pub fn text(v: Val<'_>, into: &mut Option<String>) {
    match v {
        Val::Keep => {}
        Val::Clear => *into = None,
        Val::Set(s) => *into = Some(s.to_string()),
    }
}

pub fn email(flag: &str, v: Val<'_>, into: &mut Option<String>) -> Result<()> {
    if let Val::Set(s) = v {
        check_email(s).map_err(|e| flag_error(flag, e))?;
    }
    text(v, into);
    Ok(())
}

pub fn phone(flag: &str, v: Val<'_>, into: &mut Option<String>) -> Result<()> {
    if let Val::Set(s) = v {
        check_phone(s).map_err(|e| flag_error(flag, e))?;
    }
    text(v, into);
    Ok(())
}

/// One of a closed set of names; cannot be cleared.
pub fn choice<T: FromStr<Err = String>>(flag: &str, v: Val<'_>, into: &mut T) -> Result<()> {
    match v {
        Val::Keep => Ok(()),
        Val::Clear => Err(flag_error(flag, "cannot be cleared; give one of its values")),
        Val::Set(s) => {
            *into = s.parse().map_err(|e| flag_error(flag, e))?;
            Ok(())
        }
    }
}

/// A non-negative amount of money; clearing sets it to zero.
pub fn money(flag: &str, v: Val<'_>, into: &mut Money) -> Result<()> {
    match v {
        Val::Keep => {}
        Val::Clear => *into = Money::ZERO,
        Val::Set(s) => *into = Money::parse_non_negative(s).map_err(|e| flag_error(flag, e))?,
    }
    Ok(())
}

/// A date as people say it (see `time::parse_date_in`), in the book's fiscal calendar.
pub fn date(
    flag: &str,
    v: Val<'_>,
    today: NaiveDate,
    cal: crate::domain::FiscalCalendar,
    into: &mut Option<NaiveDate>,
) -> Result<()> {
    match v {
        Val::Keep => {}
        Val::Clear => *into = None,
        Val::Set(s) => *into = Some(time::parse_date_in(s, today, cal).map_err(|e| flag_error(flag, e))?),
    }
    Ok(())
}

/// `yes`/`no` (also `true`/`false`, `y`/`n`, `1`/`0`).
pub fn yes_no(flag: &str, v: Val<'_>, into: &mut bool) -> Result<()> {
    match v {
        Val::Keep => {}
        Val::Clear => *into = false,
        Val::Set(s) => {
            *into = match s.to_ascii_lowercase().as_str() {
                "yes" | "y" | "true" | "1" => true,
                "no" | "n" | "false" | "0" => false,
                _ => return Err(flag_error(flag, format!("'{}' is not yes or no", limits::preview(s)))),
            }
        }
    }
    Ok(())
}

pub fn rep(store: &Store, flag: &str, v: Val<'_>, into: &mut Option<i64>) -> Result<()> {
    match v {
        Val::Keep => {}
        Val::Clear => *into = None,
        Val::Set(s) => *into = Some(resolve::rep_flag(store, flag, s)?),
    }
    Ok(())
}

/// A whole percentage, `60` or `60%`.
pub fn percent(flag: &str, s: &str) -> Result<u8> {
    let t = s.trim().trim_end_matches('%').trim();
    match t.parse::<i64>() {
        Ok(p @ 0..=100) => Ok(p as u8),
        Ok(_) => Err(flag_error(flag, format!("'{t}' is out of range; expected a whole number from 0 to 100"))),
        Err(_) => Err(flag_error(
            flag,
            format!("'{}' is not a percentage; expected a whole number from 0 to 100", limits::preview(s)),
        )),
    }
}

/// A business rule the store refused, said as the command line says things:
/// the flag it concerns, and what to do about it.
pub fn refusal(e: anyhow::Error) -> anyhow::Error {
    use crate::domain::rules::{Refusal, Rule};
    let Some(r) = e.downcast_ref::<Refusal>() else { return e };
    let err = anyhow!("--{}: {}", r.field, r.message);
    match r.rule {
        Rule::Duplicate => super::hinted(
            err,
            "use that one (its id names it everywhere), choose another name, or pass --allow-duplicate",
        ),
        Rule::Past => super::hinted(err, "a follow-up is what to do next: today, tomorrow, fri, +3d, 2026-12-01"),
        Rule::Cycle => err,
    }
}

pub fn apply_account(store: &Store, a: &mut Account, f: &AccountFields, today: NaiveDate) -> Result<()> {
    required_text("name", val(&f.name), &mut a.name)?;
    choice("tier", val(&f.tier), &mut a.tier)?;
    choice("status", val(&f.status), &mut a.status)?;
    rep(store, "owner", val(&f.owner), &mut a.owner_id)?;
    match val(&f.parent) {
        Val::Keep => {}
        Val::Clear => a.parent_id = None,
        // Whether it would put the account above itself is the store's rule.
        Val::Set(s) => a.parent_id = Some(resolve::account_flag(store, "parent", s)?.meta.id),
    }
    money("value", val(&f.value), &mut a.annual_value)?;
    date("renewal", val(&f.renewal), today, store.fiscal_calendar()?, &mut a.renewal_date)?;
    text(val(&f.sector), &mut a.sector);
    text(val(&f.city), &mut a.city);
    text(val(&f.country), &mut a.country);
    text(val(&f.website), &mut a.website);
    phone("phone", val(&f.phone), &mut a.phone)?;
    text(val(&f.notes), &mut a.notes);
    Ok(())
}

pub fn apply_contact(store: &Store, c: &mut Contact, f: &ContactFields) -> Result<()> {
    match val(&f.account) {
        Val::Keep => {}
        Val::Clear => return Err(flag_error("account", "cannot be empty; a contact belongs to an account")),
        Val::Set(s) => c.account_id = resolve::account_flag(store, "account", s)?.meta.id,
    }
    required_text("name", val(&f.name), &mut c.name)?;
    text(val(&f.title), &mut c.title);
    choice("role", val(&f.role), &mut c.role)?;
    email("email", val(&f.email), &mut c.email)?;
    phone("phone", val(&f.phone), &mut c.phone)?;
    yes_no("primary", val(&f.primary), &mut c.is_primary)?;
    text(val(&f.notes), &mut c.notes);
    Ok(())
}

/// Everything but the stage, which `add` sets and `edit` moves.
pub fn apply_deal(store: &Store, d: &mut Deal, f: &DealFields, today: NaiveDate) -> Result<()> {
    match val(&f.account) {
        Val::Keep => {}
        Val::Clear => return Err(flag_error("account", "cannot be empty; a deal belongs to an account")),
        Val::Set(s) => d.account_id = resolve::account_flag(store, "account", s)?.meta.id,
    }
    required_text("name", val(&f.name), &mut d.name)?;
    match val(&f.amount) {
        Val::Clear => return Err(flag_error("amount", "cannot be empty; give 0 for a deal of no value yet")),
        v => money("amount", v, &mut d.amount)?,
    }
    match val(&f.probability) {
        Val::Keep => {}
        Val::Clear => {
            d.probability_manual = false;
            d.probability = d.stage.default_probability();
        }
        Val::Set(s) => {
            d.probability = percent("probability", s)?;
            d.probability_manual = true;
        }
    }
    date("expected-close", val(&f.expected_close), today, store.fiscal_calendar()?, &mut d.expected_close)?;
    text(val(&f.product), &mut d.product);
    rep(store, "owner", val(&f.owner), &mut d.owner_id)?;
    match val(&f.forecast) {
        Val::Keep => {}
        Val::Clear => d.forecast_category = None,
        Val::Set(s) => d.forecast_category = Some(s.parse().map_err(|e| flag_error("forecast", e))?),
    }
    match val(&f.opened) {
        Val::Clear => return Err(flag_error("opened", "cannot be empty; a deal was opened on some day")),
        v => date("opened", v, today, store.fiscal_calendar()?, &mut d.opened_on)?,
    }
    match val(&f.term_months) {
        Val::Keep => {}
        Val::Clear => d.term_months = None,
        Val::Set(s) => {
            d.term_months = Some(s.trim().parse::<u32>().ok().filter(|m| (1..=120).contains(m)).ok_or_else(|| {
                flag_error("term-months", format!("'{}' is not a term; expected 1 to 120 months", limits::preview(s)))
            })?)
        }
    }
    Ok(())
}

/// Everything but the status, which `edit` moves.
pub fn apply_conflict(store: &Store, c: &mut Conflict, f: &ConflictFields) -> Result<()> {
    let moved = match val(&f.account) {
        Val::Keep => false,
        Val::Clear => return Err(flag_error("account", "cannot be empty; a conflict belongs to an account")),
        Val::Set(s) => {
            let id = resolve::account_flag(store, "account", s)?.meta.id;
            let moved = id != c.account_id;
            c.account_id = id;
            moved
        }
    };
    required_text("title", val(&f.title), &mut c.title)?;
    let severity = c.severity;
    choice("severity", val(&f.severity), &mut c.severity)?;
    if c.severity != severity {
        c.reset_sla(store.business_hours());
    }
    text(val(&f.description), &mut c.description);
    rep(store, "owner", val(&f.owner), &mut c.owner_id)?;
    match val(&f.contact) {
        Val::Keep => {
            if moved && c.contact_id.is_some() {
                return Err(super::hinted(
                    anyhow!("--account: the conflict's contact belongs to its old account"),
                    "give --contact with a contact of the new account, or --contact \"\" to clear it",
                ));
            }
        }
        Val::Clear => c.contact_id = None,
        Val::Set(s) => {
            let account = store.require::<Account>(c.account_id)?;
            c.contact_id = Some(resolve::contact(store, &account, s)?.meta.id);
        }
    }
    Ok(())
}

/// Scope, rep and account together; the amount read by the metric.
pub fn apply_target(store: &Store, t: &mut Target, f: &TargetFields) -> Result<()> {
    use crate::domain::{TargetMetric, TargetScope};
    let scope = t.scope;
    choice("scope", val(&f.scope), &mut t.scope)?;
    match val(&f.period) {
        Val::Keep => {}
        Val::Clear => return Err(flag_error("period", "cannot be empty")),
        Val::Set(s) => t.period = Period::parse(s).map_err(|e| flag_error("period", e))?,
    }
    rep(store, "rep", val(&f.rep), &mut t.rep_id)?;
    match val(&f.account) {
        Val::Keep => {}
        Val::Clear => t.account_id = None,
        Val::Set(s) => t.account_id = Some(resolve::account_flag(store, "account", s)?.meta.id),
    }
    let money_metric = |m: TargetMetric| m == TargetMetric::WonRevenue;
    let metric = t.metric;
    choice("metric", val(&f.metric), &mut t.metric)?;
    if money_metric(metric) != money_metric(t.metric) && val(&f.amount) == Val::Keep && t.meta.id != 0 {
        bail!("--metric {} counts in other units than {metric}; give --amount too", t.metric);
    }
    match val(&f.amount) {
        Val::Keep => {}
        Val::Clear => return Err(flag_error("amount", "cannot be empty")),
        Val::Set(s) if money_metric(t.metric) => {
            let mut m = Money::ZERO;
            money("amount", Val::Set(s), &mut m)?;
            t.amount = m.cents();
        }
        Val::Set(s) => {
            t.amount = s.replace(',', "").parse::<u32>().map(i64::from).map_err(|_| {
                flag_error(
                    "amount",
                    format!(
                        "'{}' is not a count; expected a whole number for a {} target",
                        limits::preview(s),
                        t.metric
                    ),
                )
            })?;
        }
    }
    // A scope change drops what the new scope does not use, unless it was given.
    if t.scope != scope {
        if val(&f.rep) == Val::Keep && !matches!(t.scope, TargetScope::Team | TargetScope::Rep) {
            t.rep_id = None;
        }
        if val(&f.account) == Val::Keep && t.scope != TargetScope::Account {
            t.account_id = None;
        }
    }
    let scope = t.scope;
    match scope {
        TargetScope::Company if t.rep_id.is_some() || t.account_id.is_some() => {
            bail!("a company target takes neither --rep nor --account")
        }
        TargetScope::Team | TargetScope::Rep if t.rep_id.is_none() => {
            Err(super::hinted(anyhow!("a {scope} target needs --rep"), "give the rep's id or exact name"))?
        }
        TargetScope::Team | TargetScope::Rep if t.account_id.is_some() => {
            bail!("a {scope} target takes --rep, not --account")
        }
        TargetScope::Account if t.account_id.is_none() => {
            Err(super::hinted(anyhow!("an account target needs --account"), "give the account's id or exact name"))?
        }
        TargetScope::Account if t.rep_id.is_some() => bail!("an account target takes --account, not --rep"),
        _ => Ok(()),
    }
}

pub fn apply_rep(store: &Store, r: &mut Rep, f: &RepFields) -> Result<()> {
    required_text("name", val(&f.name), &mut r.name)?;
    email("email", val(&f.email), &mut r.email)?;
    phone("phone", val(&f.phone), &mut r.phone)?;
    choice("role", val(&f.role), &mut r.role)?;
    rep(store, "manager", val(&f.manager), &mut r.manager_id)?;
    // Whether it would make the rep their own manager is the store's rule.
    Ok(())
}

pub fn apply_activity(
    a: &mut Activity,
    f: &ActivityFields,
    today: NaiveDate,
    cal: crate::domain::FiscalCalendar,
) -> Result<()> {
    use crate::domain::ActivityKind;
    required_text("summary", val(&f.summary), &mut a.summary)?;
    text(val(&f.body), &mut a.body);
    match val(&f.due) {
        Val::Keep => {}
        _ if a.kind != ActivityKind::FollowUp => {
            return Err(flag_error(
                "due",
                format!("only a follow-up has a due date; this is {}", article(&a.kind.label().to_lowercase())),
            ))
        }
        Val::Clear => return Err(flag_error("due", "a follow-up needs a due date")),
        v => date("due", v, today, cal, &mut a.due_on)?,
    }
    Ok(())
}
