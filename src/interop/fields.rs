//! The field table: for each kind of record, the fields an import (and
//! later an export) speaks of, their value types and the column names other
//! systems use for them; the presets for real CRM exports; value synonyms.

use std::fmt;

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    Accounts,
    Contacts,
    Deals,
    Activities,
    Conflicts,
    Reps,
    Targets,
}

impl Kind {
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Accounts => "accounts",
            Kind::Contacts => "contacts",
            Kind::Deals => "deals",
            Kind::Activities => "activities",
            Kind::Conflicts => "conflicts",
            Kind::Reps => "reps",
            Kind::Targets => "targets",
        }
    }

    /// The entity names a Pipedrive `Entity - Field` header gives this kind.
    fn own_entities(self) -> &'static [&'static str] {
        match self {
            Kind::Accounts => &["organization", "organisation", "account", "company"],
            Kind::Contacts => &["person", "contact"],
            Kind::Deals => &["deal", "opportunity"],
            Kind::Activities => &["activity", "task"],
            Kind::Conflicts => &["case", "ticket", "conflict"],
            Kind::Reps => &["user", "rep"],
            Kind::Targets => &["target", "goal"],
        }
    }
}

impl fmt::Display for Kind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What a field's cells hold.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ty {
    Text,
    LongText,
    Money,
    Date,
    DateTime,
    Bool,
    Percent,
    /// A record named by its source id or its name.
    Ref,
    /// One of a closed set of values (with synonyms).
    Choice,
    /// Free text read by the kind itself (a target's scope, period, metric, amount).
    Raw,
}

impl Ty {
    pub fn label(self) -> &'static str {
        match self {
            Ty::Text | Ty::Raw => "text",
            Ty::LongText => "long text",
            Ty::Money => "money",
            Ty::Date => "date",
            Ty::DateTime => "date and time",
            Ty::Bool => "yes/no",
            Ty::Percent => "percentage",
            Ty::Ref => "id or name",
            Ty::Choice => "choice",
        }
    }
}

#[derive(Debug, Clone, Copy)]
pub struct Field {
    pub name: &'static str,
    pub ty: Ty,
    /// Column names that mean this field (matched case- and punctuation-insensitively).
    pub synonyms: &'static [&'static str],
    /// Read from exports but not one of the documented fields (`IsWon`, a deal's `Status`).
    pub hidden: bool,
}

const fn f(name: &'static str, ty: Ty, synonyms: &'static [&'static str]) -> Field {
    Field { name, ty, synonyms, hidden: false }
}

const fn hidden(name: &'static str, ty: Ty, synonyms: &'static [&'static str]) -> Field {
    Field { name, ty, synonyms, hidden: true }
}

use Ty::*;

const ACCOUNTS: &[Field] = &[
    f(
        "ref",
        Text,
        &["id", "record id", "account id", "company id", "organization id", "org id", "external ref", "external id"],
    ),
    f(
        "name",
        Text,
        &[
            "account name",
            "company name",
            "company",
            "organization name",
            "organization",
            "organisation",
            "org name",
            "account",
        ],
    ),
    f("sector", Text, &["industry", "vertical"]),
    f("tier", Choice, &["account tier", "segment", "rating"]),
    f("status", Choice, &["account status", "type", "account type", "lifecycle stage", "customer status"]),
    f(
        "owner",
        Ref,
        &[
            "account owner",
            "owner id",
            "owner name",
            "company owner",
            "organization owner",
            "account manager",
            "sales rep",
            "user",
        ],
    ),
    f("parent", Ref, &["parent account", "parent id", "parent account id", "parent company", "parent name"]),
    f("location", Text, &["city", "billing city", "address", "billing address", "address city"]),
    f("website", Text, &["web site", "url", "domain", "company domain name", "website url"]),
    f("annual_value", Money, &["annual revenue", "arr", "acv", "contract value", "annual contract value", "value"]),
    f("renewal_on", Date, &["renewal date", "renewal", "contract end date", "next renewal", "renewal on"]),
    f("notes", LongText, &["description", "note", "about"]),
];

const CONTACTS: &[Field] = &[
    f("ref", Text, &["id", "record id", "contact id", "person id", "external ref", "external id"]),
    f(
        "account",
        Ref,
        &[
            "account name",
            "account id",
            "company",
            "company name",
            "organization",
            "organization name",
            "org name",
            "associated company",
            "associated company ids",
            "associated company id",
        ],
    ),
    f("name", Text, &["full name", "contact name", "person name", "contact", "display name"]),
    f("first_name", Text, &["firstname", "given name"]),
    f("last_name", Text, &["lastname", "surname", "family name"]),
    f("title", Text, &["job title", "position", "job"]),
    f("email", Text, &["e-mail", "email address", "email work", "work email", "primary email", "e-mail address"]),
    f(
        "phone",
        Text,
        &["phone work", "business phone", "work phone", "phone number", "mobile", "mobile phone", "phone mobile"],
    ),
    f("role", Choice, &["contact role", "buying role"]),
    f("notes", LongText, &["description", "note"]),
];

const DEALS: &[Field] = &[
    f("ref", Text, &["id", "record id", "opportunity id", "deal id", "external ref", "external id"]),
    f(
        "account",
        Ref,
        &[
            "account name",
            "account id",
            "company",
            "company name",
            "organization",
            "organization name",
            "org name",
            "associated company",
            "associated company ids",
            "associated company id",
            "organization id",
        ],
    ),
    f("owner", Ref, &["opportunity owner", "deal owner", "owner id", "owner name", "sales rep", "user", "assigned to"]),
    f("title", Text, &["name", "opportunity name", "deal name", "deal title", "subject"]),
    f("product", Text, &["product name", "products", "product family"]),
    f("stage", Choice, &["stage name", "deal stage", "sales stage", "pipeline stage", "opportunity stage"]),
    f("forecast_category", Choice, &["forecast category", "forecast category name"]),
    f("amount", Money, &["value", "deal value", "deal amount", "opportunity amount", "total"]),
    f("probability", Percent, &["probability %", "win probability", "deal probability", "probability percent"]),
    f(
        "opened_on",
        Date,
        &[
            "created date",
            "created",
            "create date",
            "opened",
            "deal created",
            "created time",
            "add time",
            "deal created on",
            "created on",
        ],
    ),
    f(
        "expected_close_on",
        Date,
        &["close date", "expected close date", "expected close", "closing date", "expected close on"],
    ),
    f(
        "closed_on",
        Date,
        &["closed date", "won time", "lost time", "date closed", "actual close date", "close time", "closed"],
    ),
    hidden("won", Bool, &["is won", "won"]),
    hidden("closed", Bool, &["is closed"]),
    hidden("status", Choice, &["deal status"]),
];

const ACTIVITIES: &[Field] = &[
    f("ref", Text, &["id", "record id", "activity id", "task id", "external ref", "external id"]),
    f(
        "account",
        Ref,
        &[
            "account name",
            "what id",
            "related to",
            "company",
            "company name",
            "organization",
            "organization name",
            "regarding",
            "account id",
        ],
    ),
    f("contact", Ref, &["who id", "contact name", "person", "person name", "name", "contact id"]),
    f("owner", Ref, &["assigned to", "owner id", "assigned", "user", "rep", "owner name"]),
    f("kind", Choice, &["type", "activity type", "task subtype", "channel"]),
    f(
        "occurred_at",
        DateTime,
        &["date", "activity date", "created date", "when", "start", "start date", "time", "occurred"],
    ),
    f("summary", Text, &["subject", "title"]),
    f("body", LongText, &["description", "comments", "notes", "details", "note"]),
    f("due_on", Date, &["due date", "due"]),
    f("done", Bool, &["completed", "is closed", "status", "done time"]),
];

const CONFLICTS: &[Field] = &[
    f("ref", Text, &["id", "record id", "case id", "case number", "ticket id", "external ref", "external id"]),
    f("account", Ref, &["account name", "account id", "company", "company name", "organization"]),
    f("contact", Ref, &["contact name", "contact id"]),
    f("owner", Ref, &["case owner", "owner id", "assigned to", "owner name"]),
    f("title", Text, &["subject", "case subject", "summary"]),
    f("detail", LongText, &["description", "details", "body"]),
    f("severity", Choice, &["priority"]),
    f("status", Choice, &["case status"]),
    f("opened_at", DateTime, &["opened", "created date", "date opened", "created", "date/time opened"]),
    f("resolved_at", DateTime, &["closed date", "date closed", "resolved", "date/time closed"]),
    f("resolution", LongText, &["resolution notes", "closing comment", "solution"]),
    hidden("escalated", Bool, &["is escalated"]),
];

const REPS: &[Field] = &[
    f("ref", Text, &["id", "record id", "user id", "employee id", "external ref", "external id"]),
    f("name", Text, &["full name", "rep", "user", "sales rep", "employee", "rep name"]),
    f("email", Text, &["e-mail", "email address"]),
    f("manager", Ref, &["reports to", "manager name", "manager id", "team lead", "reports to id"]),
    f("region", Text, &["territory", "team", "area"]),
];

const TARGETS: &[Field] = &[
    f("scope", Raw, &["for", "rep", "owner", "who"]),
    f("period", Raw, &["quarter", "month", "year"]),
    f("metric", Raw, &["measure", "kpi"]),
    f("amount", Raw, &["target", "quota", "goal", "value"]),
];

pub fn fields(kind: Kind) -> &'static [Field] {
    match kind {
        Kind::Accounts => ACCOUNTS,
        Kind::Contacts => CONTACTS,
        Kind::Deals => DEALS,
        Kind::Activities => ACTIVITIES,
        Kind::Conflicts => CONFLICTS,
        Kind::Reps => REPS,
        Kind::Targets => TARGETS,
    }
}

pub fn field(kind: Kind, name: &str) -> Option<&'static Field> {
    fields(kind).iter().find(|f| f.name == name)
}

/// The systems whose exports are recognised from their header row.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Preset {
    Salesforce,
    Hubspot,
    Pipedrive,
    Zoho,
    Generic,
}

impl Preset {
    pub fn as_str(self) -> &'static str {
        match self {
            Preset::Salesforce => "salesforce",
            Preset::Hubspot => "hubspot",
            Preset::Pipedrive => "pipedrive",
            Preset::Zoho => "zoho",
            Preset::Generic => "generic",
        }
    }
}

/// Lower-case letters and digits only: `Probability (%)` and `probability` match.
pub fn norm(header: &str) -> String {
    header
        .trim_start_matches('\u{feff}')
        .trim()
        .trim_end_matches('*')
        .chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect()
}

/// Splits a Pipedrive `Entity - Field` header.
fn entity_prefix(header: &str) -> Option<(&str, &str)> {
    let (entity, rest) = header.split_once(" - ")?;
    let entity = entity.trim().trim_start_matches('\u{feff}');
    (!entity.is_empty() && entity.len() <= 20 && entity.chars().all(|c| c.is_alphabetic() || c == ' '))
        .then_some((entity, rest))
}

/// Which system wrote a header row.
pub fn detect(headers: &[String]) -> Preset {
    let set: Vec<String> = headers.iter().map(|h| norm(h)).collect();
    let has = |n: &str| set.iter().any(|h| h == n);
    let prefixed = headers.iter().filter(|h| entity_prefix(h).is_some()).count();
    if prefixed * 2 > headers.len() {
        return Preset::Pipedrive;
    }
    if headers.iter().any(|h| h.trim().to_ascii_lowercase().ends_with(".id")) || has("closingdate") {
        return Preset::Zoho;
    }
    if has("recordid") && (set.iter().any(|h| h.starts_with("associated")) || has("dealstage") || has("companyname")) {
        return Preset::Hubspot;
    }
    const SALESFORCE: &[&str] = &[
        "stagename",
        "accountid",
        "ownerid",
        "closedate",
        "forecastcategoryname",
        "iswon",
        "isclosed",
        "casenumber",
        "whatid",
        "whoid",
        "opportunityname",
        "probability",
        "activitydate",
        "parentid",
    ];
    if set.iter().filter(|h| SALESFORCE.contains(&h.as_str())).count() >= 2
        || (has("id") && set.iter().any(|h| SALESFORCE.contains(&h.as_str())))
    {
        return Preset::Salesforce;
    }
    if has("recordid") {
        return Preset::Hubspot;
    }
    Preset::Generic
}

/// How a column is read.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum Use {
    Field(String),
    Custom(String),
    Ignored,
}

/// The field a column header means for a kind, if any.
pub fn match_header(kind: Kind, preset: Preset, header: &str) -> Option<&'static str> {
    let mut header = header.trim();
    // Zoho writes a reference twice: `Account Name` and its id in `Account Name.id`.
    if preset != Preset::Generic {
        if let Some(base) = header.strip_suffix(".id").or_else(|| header.strip_suffix(".ID")) {
            let f = match_header(kind, preset, base)?;
            return (field(kind, f)?.ty == Ty::Ref).then_some(f);
        }
    }
    let joined: String;
    if let Some((entity, rest)) = entity_prefix(header) {
        if kind.own_entities().contains(&entity.to_ascii_lowercase().as_str()) {
            header = rest;
        } else {
            // `Organization - Name` in a deals file names the deal's account.
            joined = format!("{entity} {rest}");
            header = &joined;
        }
    }
    let n = norm(header);
    let extra: &[(&str, &str)] = match (preset, kind) {
        (Preset::Salesforce, Kind::Activities) => &[("type", "kind")],
        (Preset::Pipedrive, Kind::Deals) => {
            &[("status", "status"), ("organizationname", "account"), ("ownername", "owner")]
        }
        (Preset::Pipedrive, Kind::Contacts) => &[("organizationname", "account"), ("emailwork", "email")],
        (Preset::Hubspot, Kind::Deals) => &[("associatedcompanyids", "account"), ("associatedcompany", "account")],
        _ => &[],
    };
    if let Some((_, f)) = extra.iter().find(|(h, _)| *h == n) {
        return Some(f);
    }
    fields(kind).iter().find(|f| norm(f.name) == n || f.synonyms.iter().any(|s| norm(s) == n)).map(|f| f.name)
}

/// The canonical value of a choice field for a value as systems write it.
/// `None` when the value is not known (the caller lists what is).
pub fn choice(kind: Kind, field: &str, value: &str) -> Option<&'static str> {
    let v = norm(value);
    let table: &[(&str, &[&str])] = match (kind, field) {
        (_, "tier") => &[
            ("strategic", &["strategic", "a", "tier1", "platinum", "enterprise", "1"]),
            ("key", &["key", "b", "tier2", "gold", "keyaccount", "2"]),
            ("standard", &["standard", "c", "tier3", "silver", "bronze", "smb", "3"]),
        ],
        (Kind::Accounts, "status") => &[
            (
                "prospect",
                &[
                    "prospect",
                    "lead",
                    "potential",
                    "new",
                    "opportunity",
                    "marketingqualifiedlead",
                    "salesqualifiedlead",
                ],
            ),
            (
                "customer",
                &[
                    "customer",
                    "active",
                    "client",
                    "customerdirect",
                    "customerchannel",
                    "partner",
                    "installationpartner",
                    "reseller",
                ],
            ),
            ("churned", &["churned", "formercustomer", "inactive", "lost", "closed", "cancelled", "canceled"]),
        ],
        (Kind::Deals, "stage") => &[
            (
                "prospecting",
                &["prospecting", "prospect", "lead", "new", "appointmentscheduled", "leadin", "contactmade", "open"],
            ),
            (
                "qualified",
                &[
                    "qualified",
                    "qualification",
                    "needsanalysis",
                    "valueproposition",
                    "iddecisionmakers",
                    "perceptionanalysis",
                    "qualifiedtobuy",
                    "demoscheduled",
                    "discovery",
                ],
            ),
            (
                "proposal",
                &[
                    "proposal",
                    "proposalquote",
                    "proposalpricequote",
                    "presentationscheduled",
                    "decisionmakerboughtin",
                    "proposalmade",
                    "quote",
                ],
            ),
            ("negotiation", &["negotiation", "negotiationreview", "contractsent", "negotiationsstarted", "commit"]),
            ("won", &["won", "closedwon", "closedwonwon"]),
            ("lost", &["lost", "closedlost", "closedlostlost", "closedlosttocompetition"]),
        ],
        (Kind::Deals, "status") => &[("open", &["open"]), ("won", &["won"]), ("lost", &["lost", "deleted"])],
        (Kind::Deals, "forecast_category") => &[
            ("pipeline", &["pipeline"]),
            ("best_case", &["bestcase", "upside"]),
            ("commit", &["commit", "mostlikely"]),
            ("closed", &["closed", "won", "closedwon"]),
            ("omitted", &["omitted", "omit", "lost"]),
        ],
        (_, "severity") => &[
            ("low", &["low", "minor", "p4", "trivial", "lowest"]),
            ("normal", &["normal", "medium", "moderate", "p3", "standard"]),
            ("high", &["high", "major", "p2", "important"]),
            ("critical", &["critical", "urgent", "blocker", "p1", "highest", "severe"]),
        ],
        (Kind::Conflicts, "status") => &[
            ("open", &["open", "new", "notstarted", "reopened"]),
            ("in_progress", &["inprogress", "working", "escalated", "assigned", "investigating"]),
            ("waiting", &["waiting", "onhold", "waitingoncustomer", "pending", "waitingonsomeoneelse", "deferred"]),
            ("resolved", &["resolved", "closed", "done", "solved", "fixed"]),
        ],
        (_, "role") => &[
            ("decision_maker", &["decisionmaker", "economicbuyer", "executivesponsor", "economicdecisionmaker"]),
            ("champion", &["champion", "evaluator"]),
            ("influencer", &["influencer", "businessuser"]),
            ("user", &["user", "enduser"]),
            ("finance", &["finance", "procurement", "purchasing"]),
            ("technical", &["technical", "technicalbuyer", "technicalevaluator", "it"]),
            ("other", &["other", ""]),
        ],
        (Kind::Activities, "kind") => &[
            ("call", &["call", "phone", "phonecall", "calllog", "loggedcall"]),
            ("email", &["email", "mail", "emailmessage", "sentemail"]),
            ("meeting", &["meeting", "lunch", "visit", "demo", "appointment"]),
            ("note", &["note", "comment", "other", ""]),
            ("follow_up", &["followup", "task", "todo", "deadline", "reminder"]),
            ("event", &["event"]),
        ],
        _ => &[],
    };
    table.iter().find(|(_, syns)| syns.contains(&v.as_str())).map(|(c, _)| *c)
}

/// The values a choice field accepts, for messages.
pub fn choices(kind: Kind, field: &str) -> &'static [&'static str] {
    match (kind, field) {
        (_, "tier") => &["strategic", "key", "standard"],
        (Kind::Accounts, "status") => &["prospect", "customer", "churned"],
        (Kind::Deals, "stage") => &["prospecting", "qualified", "proposal", "negotiation", "won", "lost"],
        (Kind::Deals, "status") => &["open", "won", "lost"],
        (Kind::Deals, "forecast_category") => &["pipeline", "best_case", "commit", "closed", "omitted"],
        (_, "severity") => &["low", "normal", "high", "critical"],
        (Kind::Conflicts, "status") => &["open", "in_progress", "waiting", "resolved"],
        (_, "role") => &["decision_maker", "champion", "influencer", "user", "finance", "technical", "other"],
        (Kind::Activities, "kind") => &["call", "email", "meeting", "note", "follow_up", "event"],
        _ => &[],
    }
}

/// `rapport import KIND --help`: the fields and the column names they take.
pub fn help(kind: Kind) -> String {
    let mut out = format!("Fields of {kind} (a column is matched by the field's name or any of its synonyms,\nignoring case, spaces and punctuation; other columns are kept as custom fields):\n\n");
    for f in fields(kind).iter().filter(|f| !f.hidden) {
        out.push_str(&format!("  {:<18} {:<14} {}\n", f.name, f.ty.label(), f.synonyms.join(", ")));
        let c = choices(kind, f.name);
        if !c.is_empty() {
            out.push_str(&format!("  {:<18} {:<14} one of: {}\n", "", "", c.join(", ")));
        }
    }
    if kind == Kind::Targets {
        out.push_str("\n  scope is company, rep:NAME, team:NAME, account:NAME, or a rep's name;\n  period is 2026Q3, 2026 or 2026-11; metric is won_revenue, new_deals or activities.\n");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn presets_are_detected() {
        let h = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert_eq!(detect(&h(&["Id", "AccountId", "Name", "StageName"])), Preset::Salesforce);
        assert_eq!(detect(&h(&["Opportunity Name", "Account Name", "Stage", "Probability (%)"])), Preset::Salesforce);
        assert_eq!(detect(&h(&["Record ID", "Deal Name", "Deal Stage", "Associated Company IDs"])), Preset::Hubspot);
        assert_eq!(detect(&h(&["Deal - Title", "Deal - Value", "Organization - Name"])), Preset::Pipedrive);
        assert_eq!(detect(&h(&["Record Id", "Deal Name", "Account Name", "Account Name.id"])), Preset::Zoho);
        assert_eq!(detect(&h(&["name", "amount"])), Preset::Generic);
    }

    #[test]
    fn headers_match_fields() {
        let m = |k, p, h| match_header(k, p, h);
        assert_eq!(m(Kind::Deals, Preset::Salesforce, "StageName"), Some("stage"));
        assert_eq!(m(Kind::Deals, Preset::Salesforce, "Probability (%)"), Some("probability"));
        assert_eq!(m(Kind::Deals, Preset::Pipedrive, "Deal - Title"), Some("title"));
        assert_eq!(m(Kind::Deals, Preset::Pipedrive, "Organization - Name"), Some("account"));
        assert_eq!(m(Kind::Deals, Preset::Zoho, "Account Name.id"), Some("account"));
        assert_eq!(m(Kind::Accounts, Preset::Generic, "\u{feff}Account Name*"), Some("name"));
        assert_eq!(m(Kind::Deals, Preset::Generic, "Favourite colour"), None);
    }

    #[test]
    fn value_synonyms() {
        assert_eq!(choice(Kind::Deals, "stage", "Closed Won"), Some("won"));
        assert_eq!(choice(Kind::Deals, "stage", "Proposal/Quote"), Some("proposal"));
        assert_eq!(choice(Kind::Deals, "stage", "Needs Analysis"), Some("qualified"));
        assert_eq!(choice(Kind::Conflicts, "severity", "Medium"), Some("normal"));
        assert_eq!(choice(Kind::Conflicts, "status", "Escalated"), Some("in_progress"));
        assert_eq!(choice(Kind::Deals, "stage", "Haggling"), None);
    }
}
