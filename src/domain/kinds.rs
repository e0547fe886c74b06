//! The enumerated values of the data model. Each enum stores as its snake_case
//! name, which is also what the CHECK constraints in the schema list.

use std::fmt;

/// Declares a closed set of named values with their storage name and a label.
macro_rules! named_enum {
    ($(#[$meta:meta])* $name:ident $what:literal { $($variant:ident => $text:literal, $label:literal;)+ }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
        #[serde(rename_all = "snake_case")]
        pub enum $name { $($variant),+ }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The name stored in the database and accepted on the command line.
            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $text),+ }
            }

            /// A short human label for tables and forms.
            pub fn label(self) -> &'static str {
                match self { $($name::$variant => $label),+ }
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl std::str::FromStr for $name {
            type Err = String;
            fn from_str(s: &str) -> Result<Self, String> {
                let wanted = s.trim().to_ascii_lowercase().replace(['-', ' '], "_");
                $name::ALL
                    .iter()
                    .copied()
                    .find(|v| v.as_str() == wanted)
                    .ok_or_else(|| {
                        let names: Vec<&str> = $name::ALL.iter().map(|v| v.as_str()).collect();
                        format!("'{}' is not {}; expected {}", crate::domain::limits::preview(s), a_or_an($what), one_of(&names))
                    })
            }
        }
    };
}

/// "an account status", "a tier".
fn a_or_an(what: &str) -> String {
    let article = if what.starts_with(['a', 'e', 'i', 'o', 'u']) { "an" } else { "a" };
    format!("{article} {what}")
}

/// "prospect, customer or churned".
pub fn one_of(names: &[&str]) -> String {
    match names {
        [] => String::new(),
        [one] => one.to_string(),
        [init @ .., last] => format!("{} or {last}", init.join(", ")),
    }
}

named_enum!(
    /// How much an account matters to the book.
    Tier "tier" {
        Strategic => "strategic", "Strategic";
        Key => "key", "Key";
        Standard => "standard", "Standard";
    }
);

named_enum!(
    /// Where an account stands commercially.
    AccountStatus "account status" {
        Prospect => "prospect", "Prospect";
        Customer => "customer", "Customer";
        Churned => "churned", "Churned";
    }
);

named_enum!(
    /// The pipeline stage of a deal.
    DealStage "deal stage" {
        Prospecting => "prospecting", "Prospecting";
        Qualified => "qualified", "Qualified";
        Proposal => "proposal", "Proposal";
        Negotiation => "negotiation", "Negotiation";
        Won => "won", "Won";
        Lost => "lost", "Lost";
    }
);

impl DealStage {
    /// The win probability (percent) a deal gets on entering this stage.
    pub fn default_probability(self) -> u8 {
        match self {
            DealStage::Prospecting => 10,
            DealStage::Qualified => 25,
            DealStage::Proposal => 50,
            DealStage::Negotiation => 75,
            DealStage::Won => 100,
            DealStage::Lost => 0,
        }
    }

    pub fn is_closed(self) -> bool {
        matches!(self, DealStage::Won | DealStage::Lost)
    }
}

named_enum!(
    /// Where a deal counts in the forecast, as Salesforce and HubSpot name it.
    ForecastCategory "forecast category" {
        Pipeline => "pipeline", "Pipeline";
        BestCase => "best_case", "Best case";
        Commit => "commit", "Commit";
        Closed => "closed", "Closed";
        Omitted => "omitted", "Omitted";
    }
);

impl ForecastCategory {
    /// The category a stage gives a deal when nobody chose one.
    pub fn of_stage(stage: DealStage) -> ForecastCategory {
        match stage {
            DealStage::Prospecting | DealStage::Qualified => ForecastCategory::Pipeline,
            DealStage::Proposal => ForecastCategory::BestCase,
            DealStage::Negotiation => ForecastCategory::Commit,
            DealStage::Won => ForecastCategory::Closed,
            DealStage::Lost => ForecastCategory::Omitted,
        }
    }

    /// A deal's category: a closed deal's comes from its stage (won is
    /// closed, lost omitted); an open one takes the override when there is
    /// one, except that money not yet won cannot be "closed", so that
    /// override counts as commit.
    pub fn effective(stage: DealStage, chosen: Option<ForecastCategory>) -> ForecastCategory {
        match (stage.is_closed(), chosen) {
            (true, _) | (false, None) => ForecastCategory::of_stage(stage),
            (false, Some(ForecastCategory::Closed)) => ForecastCategory::Commit,
            (false, Some(c)) => c,
        }
    }
}

named_enum!(
    /// How bad a customer conflict is; drives its SLA.
    Severity "severity" {
        Low => "low", "Low";
        Normal => "normal", "Normal";
        High => "high", "High";
        Critical => "critical", "Critical";
    }
);

impl Severity {
    /// Hours allowed from opening to resolution before the SLA is breached.
    pub fn sla_hours(self) -> i64 {
        match self {
            Severity::Low => 24 * 10,
            Severity::Normal => 24 * 5,
            Severity::High => 48,
            Severity::Critical => 8,
        }
    }
}

named_enum!(
    /// The life of a customer conflict.
    ConflictStatus "conflict status" {
        Open => "open", "Open";
        InProgress => "in_progress", "In progress";
        Waiting => "waiting", "Waiting";
        Resolved => "resolved", "Resolved";
    }
);

named_enum!(
    /// What an entry on the timeline records. `Event` is written by rapport
    /// itself (a deal changed stage, a conflict was opened or resolved).
    ActivityKind "kind of activity" {
        Call => "call", "Call";
        Email => "email", "Email";
        Meeting => "meeting", "Meeting";
        Note => "note", "Note";
        FollowUp => "follow_up", "Follow-up";
        Event => "event", "Event";
    }
);

named_enum!(
    /// A contact's part in the buying relationship.
    ContactRole "contact role" {
        DecisionMaker => "decision_maker", "Decision maker";
        Champion => "champion", "Champion";
        Influencer => "influencer", "Influencer";
        User => "user", "User";
        Finance => "finance", "Finance";
        Technical => "technical", "Technical";
        Other => "other", "Other";
    }
);

named_enum!(
    /// A rep's place in the team.
    RepRole "rep role" {
        Manager => "manager", "Manager";
        Lead => "lead", "Team lead";
        Rep => "rep", "Account rep";
    }
);

named_enum!(
    /// Whose number a target is.
    TargetScope "target scope" {
        Company => "company", "Company";
        Team => "team", "Team";
        Rep => "rep", "Rep";
        Account => "account", "Account";
    }
);

named_enum!(
    /// What a target measures.
    TargetMetric "target metric" {
        WonRevenue => "won_revenue", "Won revenue";
        NewDeals => "new_deals", "New deals";
        Activities => "activities", "Activities";
    }
);

impl ActivityKind {
    /// Kinds that count as contact with the customer ("last touch").
    pub fn is_touch(self) -> bool {
        matches!(self, ActivityKind::Call | ActivityKind::Email | ActivityKind::Meeting)
    }
}

impl TargetMetric {
    /// Whether the metric's amount is money (minor units) rather than a count.
    pub fn is_money(self) -> bool {
        self == TargetMetric::WonRevenue
    }

    /// A target's stored amount as a person reads it: money for revenue
    /// (`250,000.00`), a plain whole number for counts (`4`).
    pub fn format_amount(self, amount: i64) -> String {
        if self.is_money() {
            super::Money(amount).to_string()
        } else {
            amount.to_string()
        }
    }

    /// The stored amount for what a person typed, in the metric's unit: an
    /// amount of money for revenue, a whole number (`12`, `1,200`) for counts.
    /// Negative targets are refused.
    pub fn parse_amount(self, text: &str) -> Result<i64, String> {
        let t = text.trim();
        if self.is_money() {
            let m = super::Money::parse(t)?;
            if m.is_negative() {
                return Err(format!("'{t}' is negative; expected an amount of zero or more"));
            }
            return Ok(m.cents());
        }
        let digits: String = t.chars().filter(|c| *c != ',' && *c != '_').collect();
        if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return Err(format!("'{t}' is not a count; expected a whole number of {}, like 12", self.unit()));
        }
        digits.parse::<i64>().map_err(|_| format!("'{t}' is too large a count"))
    }

    /// What the metric counts, for messages.
    pub fn unit(self) -> &'static str {
        match self {
            TargetMetric::WonRevenue => "money",
            TargetMetric::NewDeals => "deals",
            TargetMetric::Activities => "activities",
        }
    }
}

/// The value a new record starts with, matching the schema's DEFAULTs.
macro_rules! defaults {
    ($($t:ident => $v:ident),+) => {$(
        impl Default for $t {
            fn default() -> Self {
                $t::$v
            }
        }
    )+};
}

defaults!(
    Tier => Standard,
    AccountStatus => Customer,
    DealStage => Prospecting,
    Severity => Normal,
    ConflictStatus => Open,
    ActivityKind => Note,
    ContactRole => Other,
    RepRole => Rep,
    TargetScope => Company,
    TargetMetric => WonRevenue
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn target_amounts_read_and_write_in_their_metrics_unit() {
        assert_eq!(TargetMetric::NewDeals.format_amount(4), "4");
        assert_eq!(TargetMetric::NewDeals.parse_amount("4"), Ok(4));
        assert_eq!(TargetMetric::Activities.parse_amount(" 1,200 "), Ok(1200));
        assert!(TargetMetric::NewDeals.parse_amount("4.5").unwrap_err().contains("whole number of deals"));
        assert!(TargetMetric::NewDeals.parse_amount("-4").is_err());
        assert!(TargetMetric::NewDeals.parse_amount("99999999999999999999").unwrap_err().contains("too large"));
        let cents = TargetMetric::WonRevenue.parse_amount("250k").unwrap();
        assert_eq!(cents, 25_000_000);
        let shown = TargetMetric::WonRevenue.format_amount(cents);
        assert_eq!(TargetMetric::WonRevenue.parse_amount(&shown), Ok(cents), "{shown} reads back");
        assert!(TargetMetric::WonRevenue.parse_amount("-5").unwrap_err().contains("negative"));
    }

    #[test]
    fn names_round_trip_and_unknown_names_are_refused() {
        for s in DealStage::ALL {
            assert_eq!(s.as_str().parse::<DealStage>().unwrap(), *s);
        }
        assert_eq!("In Progress".parse::<ConflictStatus>().unwrap(), ConflictStatus::InProgress);
        assert_eq!("follow-up".parse::<ActivityKind>().unwrap(), ActivityKind::FollowUp);
        let err = "gold".parse::<Tier>().unwrap_err();
        assert_eq!(err, "'gold' is not a tier; expected strategic, key or standard");
        let err = "lead".parse::<AccountStatus>().unwrap_err();
        assert_eq!(err, "'lead' is not an account status; expected prospect, customer or churned");
        let err = "closed".parse::<DealStage>().unwrap_err();
        assert!(err.starts_with("'closed' is not a deal stage; expected prospecting, "), "{err}");
        let err = "x\x1b[2J".parse::<Severity>().unwrap_err();
        assert!(err.starts_with("'x' is not a severity"), "{err}");
    }

    #[test]
    fn forecast_categories_follow_the_stage_unless_overridden() {
        use ForecastCategory as F;
        let by_stage: Vec<F> = DealStage::ALL.iter().map(|s| F::of_stage(*s)).collect();
        assert_eq!(by_stage, vec![F::Pipeline, F::Pipeline, F::BestCase, F::Commit, F::Closed, F::Omitted]);
        assert_eq!(F::effective(DealStage::Qualified, Some(F::Commit)), F::Commit);
        assert_eq!(F::effective(DealStage::Negotiation, Some(F::Omitted)), F::Omitted);
        assert_eq!(F::effective(DealStage::Proposal, Some(F::Closed)), F::Commit);
        assert_eq!(F::effective(DealStage::Won, Some(F::Pipeline)), F::Closed);
        assert_eq!(F::effective(DealStage::Lost, Some(F::Commit)), F::Omitted);
        assert_eq!("best case".parse::<F>().unwrap(), F::BestCase);
    }

    #[test]
    fn stage_probabilities_follow_the_pipeline() {
        let probs: Vec<u8> = DealStage::ALL.iter().map(|s| s.default_probability()).collect();
        assert_eq!(probs, vec![10, 25, 50, 75, 100, 0]);
    }
}
