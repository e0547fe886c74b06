//! The optional config file (TOML, in the platform config folder, or where
//! `$RAPPORT_CONFIG` points), read by the cockpit and the command line alike.
//! It says who the user is, when the fiscal year starts, the user's time
//! zone, the region phone numbers are read in when their account has no
//! country, and rebinds keys:
//!
//! ```toml
//! me = "Jonathan Williams"
//! fiscal_year_start = 4
//! timezone = "Europe/Berlin"
//! default_region = "GB"   # phones of accounts without a country
//!
//! [business_hours]          # conflict SLAs count these hours only
//! days = ["mon", "tue", "wed", "thu", "fri"]
//! start = "09:00"
//! end = "17:00"
//! time_zone = "Europe/Berlin"
//!
//! [health]                  # account health; these are the defaults
//! healthy = 70              # a score at or above is healthy,
//! watch = 40                # at or above watch, below at risk
//! stuck_days = 45           # an open deal this long in one stage is stuck
//! breach_warning_hours = 24 # a conflict due this soon is about to breach
//! win_back_after_days = 180 # a churned account is worth a call again after
//! [health.cadence]          # days without a call, e-mail or meeting, by tier
//! strategic = 14
//! key = 30
//! standard = 90
//! [health.weights]          # points a signal takes off at most, 0 to 100
//! cadence = 25
//! conflict_critical = 20    # also conflict_low, _normal, _high, _breached, _recent
//! renewal_lapsed = 35       # also renewal_no_meeting, stuck_deal, recent_loss,
//!                           # no_pipeline, activity_drop, role_coverage
//! [keys.global]
//! quit = ["q", "ctrl-c"]
//! [keys.portfolio]
//! sort = "o"
//! ```

use super::keymap::{Action, Context, Key, Keymap};
use crate::domain::health::HealthConfig;
use crate::domain::phone::{self, Region};
use crate::domain::sla::BusinessHours;
use crate::domain::time::{self, Zone};
use crate::store::Prefs;
use anyhow::{anyhow, bail, Context as _, Result};
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use toml::Spanned;

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct File {
    /// An IANA zone name; without it `TZ`, then the system's zone.
    #[serde(default)]
    timezone: Option<Spanned<String>>,
    #[serde(default)]
    me: Option<Spanned<String>>,
    #[serde(default)]
    fiscal_year_start: Option<Spanned<i64>>,
    #[serde(default)]
    default_region: Option<Spanned<String>>,
    business_hours: Option<Spanned<HoursFile>>,
    health: Option<HealthFile>,
    #[serde(default)]
    keys: BTreeMap<Spanned<String>, BTreeMap<Spanned<String>, Spanned<KeyList>>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct HoursFile {
    days: Vec<String>,
    start: String,
    end: String,
    time_zone: String,
}

/// The `[business_hours]` table, checked.
fn business_hours(h: &HoursFile) -> Result<BusinessHours> {
    let days = h
        .days
        .iter()
        .map(|d| {
            d.trim().parse::<chrono::Weekday>().map_err(|_| {
                anyhow!("business_hours: '{d}' is not a day; expected mon, tue, wed, thu, fri, sat or sun")
            })
        })
        .collect::<Result<Vec<_>>>()?;
    let time = |what: &str, t: &str| {
        chrono::NaiveTime::parse_from_str(t.trim(), "%H:%M")
            .map_err(|_| anyhow!("business_hours: {what} = '{t}' is not a time; expected HH:MM, e.g. \"09:00\""))
    };
    let zone = h.time_zone.trim().parse::<chrono_tz::Tz>().map_err(|_| {
        anyhow!(
            "business_hours: time_zone = '{}' is not a time zone; expected a name like \"Europe/Berlin\" or \"UTC\"",
            h.time_zone
        )
    })?;
    BusinessHours::new(days, time("start", &h.start)?, time("end", &h.end)?, zone)
        .map_err(|e| anyhow!("business_hours: {e}"))
}

/// The `[health]` table as written, every value with its place for messages.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct HealthFile {
    healthy: Option<Spanned<i64>>,
    watch: Option<Spanned<i64>>,
    stuck_days: Option<Spanned<i64>>,
    breach_warning_hours: Option<Spanned<i64>>,
    win_back_after_days: Option<Spanned<i64>>,
    #[serde(default)]
    cadence: BTreeMap<Spanned<String>, Spanned<i64>>,
    #[serde(default)]
    weights: BTreeMap<Spanned<String>, Spanned<i64>>,
}

/// The `[health]` table over the defaults; a mistake names its line.
fn health_config(text: &str, h: &HealthFile) -> Result<HealthConfig> {
    let mut cfg = HealthConfig::default();
    let at = |span: std::ops::Range<usize>| line_of(text, span.start);
    let ranged = |name: &str, v: &Spanned<i64>, lo: i64, hi: i64| -> Result<u32> {
        let n = *v.get_ref();
        if n < lo || n > hi {
            bail!("line {}: health.{name} = {n} is out of range; expected {lo} to {hi}", at(v.span()));
        }
        Ok(n as u32)
    };
    if let Some(v) = &h.healthy {
        cfg.healthy_from = ranged("healthy", v, 1, 100)? as u8;
    }
    if let Some(v) = &h.watch {
        cfg.watch_from = ranged("watch", v, 0, 99)? as u8;
    }
    if cfg.watch_from >= cfg.healthy_from {
        let line = h.watch.as_ref().or(h.healthy.as_ref()).map(|v| at(v.span())).unwrap_or(0);
        bail!(
            "line {line}: health.watch = {} is not below health.healthy = {}; expected watch < healthy",
            cfg.watch_from,
            cfg.healthy_from
        );
    }
    if let Some(v) = &h.stuck_days {
        cfg.stuck_days = ranged("stuck_days", v, 1, 3650)?;
    }
    if let Some(v) = &h.breach_warning_hours {
        cfg.breach_warning_hours = ranged("breach_warning_hours", v, 1, 24 * 30)?;
    }
    if let Some(v) = &h.win_back_after_days {
        cfg.win_back_after_days = ranged("win_back_after_days", v, 1, 3650)?;
    }
    for (tier, days) in &h.cadence {
        let t: crate::domain::Tier =
            tier.get_ref().parse().map_err(|e| anyhow!("line {}: [health.cadence] {e}", at(tier.span())))?;
        cfg.cadence.set(t, ranged(&format!("cadence.{}", tier.get_ref()), days, 1, 3650)?);
    }
    for (name, w) in &h.weights {
        let value = ranged(&format!("weights.{}", name.get_ref()), w, 0, 100)?;
        if !cfg.weights.set(name.get_ref(), value as i32) {
            let names: Vec<&str> = cfg.weights.named().iter().map(|n| n.0).collect();
            bail!(
                "line {}: '{}' is not a health weight; expected one of: {}",
                at(name.span()),
                name.get_ref(),
                names.join(", ")
            );
        }
    }
    cfg.check().map_err(|e| anyhow!("health: {e}"))?;
    Ok(cfg)
}

#[derive(Deserialize)]
#[serde(untagged)]
enum KeyList {
    One(String),
    Many(Vec<String>),
}

/// Where the config file lives: `$RAPPORT_CONFIG`, else the platform config folder.
pub fn path() -> Result<PathBuf> {
    if let Some(p) = std::env::var_os("RAPPORT_CONFIG").filter(|p| !p.is_empty()) {
        return Ok(PathBuf::from(p));
    }
    directories::ProjectDirs::from("", "", "rapport")
        .map(|d| d.config_dir().join("config.toml"))
        .ok_or_else(|| anyhow!("cannot find a home folder for rapport's config"))
}

/// The keymap from the config file at `path`, or the defaults without one.
pub fn load_keymap(path: &Path) -> Result<Keymap> {
    match std::fs::read_to_string(path) {
        Ok(text) => parse_keymap(&text).with_context(|| format!("in {}", path.display())),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Keymap::default()),
        Err(e) => Err(e).with_context(|| format!("cannot read {}", path.display())),
    }
}

/// The user's time zone: `timezone` in the config file at `path`, else a
/// zone name in `tz` (the `TZ` variable, `:` prefix allowed), else the
/// system's zone, else UTC. A config naming no real zone is an error; a `TZ`
/// in another form (POSIX rules such as `CET-1CEST`) is passed over.
pub fn load_zone(path: &Path, tz: Option<&str>) -> Result<Zone> {
    let text = match std::fs::read_to_string(path) {
        Ok(text) => Some(text),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
        Err(e) => return Err(e).with_context(|| format!("cannot read {}", path.display())),
    };
    if let Some(text) = text {
        if let Some(zone) = parse_zone_setting(&text).with_context(|| format!("in {}", path.display()))? {
            return Ok(zone);
        }
    }
    if let Some(zone) = tz.map(|t| t.trim_start_matches(':')).and_then(|t| time::parse_zone(t).ok()) {
        return Ok(zone);
    }
    Ok(iana_time_zone::get_timezone().ok().and_then(|name| time::parse_zone(&name).ok()).unwrap_or(chrono_tz::UTC))
}

/// The `timezone` a config file names, if it names one.
pub fn parse_zone_setting(text: &str) -> Result<Option<Zone>> {
    let file = parse_file(text)?;
    let Some(name) = file.timezone else { return Ok(None) };
    let zone = time::parse_zone(name.get_ref())
        .map_err(|e| anyhow!("line {}: timezone: {e}", line_of(text, name.span().start)))?;
    Ok(Some(zone))
}

/// The `default_region` of the config file at `path`; None without one.
pub fn load_default_region(path: &Path) -> Result<Option<Region>> {
    match std::fs::read_to_string(path) {
        Ok(text) => parse_default_region(&text).with_context(|| format!("in {}", path.display())),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(e).with_context(|| format!("cannot read {}", path.display())),
    }
}

/// The `default_region` of the platform's config file, with a hint when it is wrong.
pub fn default_region() -> Result<Option<Region>> {
    load_default_region(&path()?).map_err(|e| {
        crate::error::hinted(e, "fix default_region in the config file (`rapport config path` shows where it is)")
    })
}

fn parse_file(text: &str) -> Result<File> {
    toml::from_str(text).map_err(|e| {
        let line = e.span().map(|s| line_of(text, s.start)).unwrap_or(0);
        anyhow!("line {line}: {}", e.message())
    })
}

pub fn parse_default_region(text: &str) -> Result<Option<Region>> {
    let Some(region) = parse_file(text)?.default_region else { return Ok(None) };
    phone::parse_region(region.get_ref())
        .map(Some)
        .map_err(|e| anyhow!("line {}: default_region: {e}", line_of(text, region.span().start)))
}

fn line_of(text: &str, offset: usize) -> usize {
    text[..offset.min(text.len())].matches('\n').count() + 1
}

/// The settings of the config file at `path` (none without a file).
pub fn load_prefs(path: &Path) -> Result<Prefs> {
    match std::fs::read_to_string(path) {
        Ok(text) => parse_prefs(&text).with_context(|| format!("in {}", path.display())),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Prefs::default()),
        Err(e) => Err(e).with_context(|| format!("cannot read {}", path.display())),
    }
}

pub fn parse_prefs(text: &str) -> Result<Prefs> {
    let file = parse_file(text)?;
    let me = match file.me {
        Some(me) if me.get_ref().trim().is_empty() => {
            bail!(
                "line {}: me is empty; expected the name of a rep, e.g. me = \"Jonathan Williams\"",
                line_of(text, me.span().start)
            )
        }
        Some(me) => Some(me.into_inner().trim().to_string()),
        None => None,
    };
    let fiscal_year_start = match file.fiscal_year_start {
        Some(m) => {
            Some(fiscal_month(*m.get_ref()).map_err(|e| anyhow!("line {}: {e}", line_of(text, m.span().start)))?)
        }
        None => None,
    };
    let business_hours = match &file.business_hours {
        Some(h) => {
            Some(business_hours(h.get_ref()).map_err(|e| anyhow!("line {}: {e}", line_of(text, h.span().start)))?)
        }
        None => None,
    };
    let health = match &file.health {
        Some(h) => health_config(text, h)?,
        None => HealthConfig::default(),
    };
    Ok(Prefs { me, fiscal_year_start, business_hours, health })
}

/// A fiscal year's first month, 1 to 12.
pub fn fiscal_month(m: i64) -> Result<u32> {
    match u32::try_from(m) {
        Ok(m @ 1..=12) => Ok(m),
        _ => bail!("fiscal_year_start = {m} is not a month; expected 1 (January) to 12 (December)"),
    }
}

/// The config keys `rapport config set` writes.
pub const SETTABLE: &[&str] = &["me", "fiscal_year_start"];

/// Writes one setting into the config file at `path`, keeping the rest of
/// the file (comments and key bindings included) as it was.
pub fn set(path: &Path, key: &str, value: &str) -> Result<()> {
    let text = match std::fs::read_to_string(path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => String::new(),
        Err(e) => return Err(e).with_context(|| format!("cannot read {}", path.display())),
    };
    // The file must be valid before and after, so a typo is never written.
    parse_file(&text).with_context(|| format!("in {}", path.display()))?;
    let mut doc: toml_edit::DocumentMut = text.parse().with_context(|| format!("in {}", path.display()))?;
    match key {
        "me" => {
            let name = value.trim();
            if name.is_empty() {
                bail!("me needs a rep's name, e.g. \"Jonathan Williams\"");
            }
            doc["me"] = toml_edit::value(name);
        }
        "fiscal_year_start" => {
            let m = value.trim().parse::<i64>().map_err(|_| {
                anyhow!("fiscal_year_start = '{value}' is not a month; expected 1 (January) to 12 (December)")
            })?;
            doc["fiscal_year_start"] = toml_edit::value(i64::from(fiscal_month(m)?));
        }
        _ => bail!("'{key}' is not a setting; expected one of: {}", SETTABLE.join(", ")),
    }
    let out = doc.to_string();
    parse_prefs(&out)?;
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    }
    std::fs::write(path, out).with_context(|| format!("cannot write {}", path.display()))
}

pub fn parse_keymap(text: &str) -> Result<Keymap> {
    let file = parse_file(text)?;
    let mut keymap = Keymap::default();
    for (ctx_name, actions) in file.keys {
        let Some(ctx) = Context::ALL.iter().copied().find(|c| c.name() == ctx_name.get_ref()) else {
            let names: Vec<&str> = Context::ALL.iter().map(|c| c.name()).collect();
            bail!(
                "line {}: [keys.{}] is not a pane; expected one of: {}",
                line_of(text, ctx_name.span().start),
                ctx_name.get_ref(),
                names.join(", ")
            );
        };
        for (action_name, keys) in actions {
            let line = line_of(text, action_name.span().start);
            let action = Action::from_name(action_name.get_ref()).ok_or_else(|| {
                anyhow!("line {line}: '{}' is not an action; `:` in the cockpit lists them all", action_name.get_ref())
            })?;
            let list = match keys.get_ref() {
                KeyList::One(k) => vec![k.clone()],
                KeyList::Many(ks) => ks.clone(),
            };
            let parsed = list
                .iter()
                .map(|k| {
                    Key::parse(k).map_err(|e| {
                        anyhow!("line {}: {}: {e}", line_of(text, keys.span().start), action_name.get_ref())
                    })
                })
                .collect::<Result<Vec<_>>>()?;
            keymap.rebind(ctx, action, &parsed);
        }
    }
    Ok(keymap)
}

/// The user's time zone, as the config file, `TZ` or the system name it.
pub fn user_zone() -> Result<crate::domain::time::Zone> {
    let tz = std::env::var("TZ").ok();
    load_zone(&path()?, tz.as_deref()).map_err(|e| {
        crate::error::hinted(e, "fix the timezone line in the config file (rapport config path shows where it is)")
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

    #[test]
    fn a_config_rebinds_keys() {
        let km = parse_keymap("[keys.portfolio]\nsort = \"o\"\n[keys.global]\nquit = [\"x\", \"ctrl-q\"]\n").unwrap();
        let key = |c| KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE);
        assert_eq!(km.resolve(Context::Portfolio, &key('o')), Some(Action::CycleSort));
        assert_eq!(km.resolve(Context::Portfolio, &key('s')), None);
        assert_eq!(km.resolve(Context::Portfolio, &key('x')), Some(Action::Quit));
        assert_eq!(km.resolve(Context::Timeline, &key('q')), None);
    }

    #[test]
    fn bad_files_name_the_line_and_the_key() {
        let err = parse_keymap("[keys.global]\n\nfly = \"f\"\n").unwrap_err().to_string();
        assert_eq!(err, "line 3: 'fly' is not an action; `:` in the cockpit lists them all");
        let err = parse_keymap("[keys.global]\nquit = \"ctrl-\"\n").unwrap_err().to_string();
        assert!(err.starts_with("line 2: quit: 'ctrl-' is not a key"), "{err}");
        let err = parse_keymap("[keys.sidebar]\nquit = \"x\"\n").unwrap_err().to_string();
        assert!(err.starts_with("line 1: [keys.sidebar] is not a pane"), "{err}");
        let err = parse_keymap("[keys.global]\nquit = \n").unwrap_err().to_string();
        assert!(err.starts_with("line 2:"), "{err}");
    }

    #[test]
    fn me_and_the_fiscal_year_are_read_and_checked() {
        let prefs =
            parse_prefs("me = \"Jonathan Williams\"\nfiscal_year_start = 4\n[keys.portfolio]\nsort = \"o\"\n").unwrap();
        assert_eq!(
            prefs,
            Prefs { me: Some("Jonathan Williams".into()), fiscal_year_start: Some(4), ..Prefs::default() }
        );
        assert_eq!(parse_prefs("").unwrap(), Prefs::default());
        let err = parse_prefs("\nfiscal_year_start = 13\n").unwrap_err().to_string();
        assert_eq!(err, "line 2: fiscal_year_start = 13 is not a month; expected 1 (January) to 12 (December)");
        assert!(parse_prefs("fiscal_year_start = 0").is_err());
        assert!(parse_prefs("me = \" \"").unwrap_err().to_string().starts_with("line 1: me is empty"));
        // The keymap reader accepts the same file.
        assert!(parse_keymap("me = \"Ann\"\nfiscal_year_start = 7\n").is_ok());
    }

    #[test]
    fn business_hours_are_read_and_checked() {
        let text = "me = \"Ann\"\n[business_hours]\ndays = [\"mon\", \"tue\", \"wed\", \"thu\", \"fri\"]\nstart = \"09:00\"\nend = \"17:30\"\ntime_zone = \"Europe/Berlin\"\n";
        let h = parse_prefs(text).unwrap().business_hours.unwrap();
        assert_eq!(h.days.len(), 5);
        assert_eq!(h.end, chrono::NaiveTime::from_hms_opt(17, 30, 0).unwrap());
        assert_eq!(h.zone, chrono_tz::Europe::Berlin);
        assert_eq!(parse_prefs("").unwrap().business_hours, None, "calendar hours by default");
        let bad = |t: &str| parse_prefs(&text.replace(t, "xx")).unwrap_err().to_string();
        assert!(bad("Europe/Berlin").contains("time_zone = 'xx' is not a time zone"), "{}", bad("Europe/Berlin"));
        assert!(bad("17:30").contains("end = 'xx' is not a time; expected HH:MM"));
        assert!(bad("wed").starts_with("line 2: business_hours: 'xx' is not a day"), "{}", bad("wed"));
        let late = parse_prefs(&text.replace("09:00", "18:00")).unwrap_err().to_string();
        assert!(late.contains("expected the start before the end"), "{late}");
        assert!(parse_keymap(text).is_ok(), "the keymap reader accepts the same file");
    }

    #[test]
    fn set_writes_one_key_and_keeps_the_rest() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("sub/config.toml");
        set(&path, "me", "Ann Lee").unwrap();
        std::fs::write(
            &path,
            format!("# mine\n{}[keys.global]\nquit = \"x\"\n", std::fs::read_to_string(&path).unwrap()),
        )
        .unwrap();
        set(&path, "fiscal_year_start", "4").unwrap();
        set(&path, "me", "Bo Chen").unwrap();
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(text.starts_with("# mine\n"), "{text}");
        assert!(text.contains("quit = \"x\""), "{text}");
        assert_eq!(
            parse_prefs(&text).unwrap(),
            Prefs { me: Some("Bo Chen".into()), fiscal_year_start: Some(4), ..Prefs::default() }
        );
        let before = text.clone();
        assert!(set(&path, "fiscal_year_start", "13").unwrap_err().to_string().contains("expected 1 (January) to 12"));
        assert!(set(&path, "colour", "red")
            .unwrap_err()
            .to_string()
            .contains("expected one of: me, fiscal_year_start"));
        assert_eq!(std::fs::read_to_string(&path).unwrap(), before, "a refused value writes nothing");
    }

    #[test]
    fn the_zone_comes_from_the_config_then_tz_then_the_system() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("config.toml");
        std::fs::write(&path, "timezone = \"Europe/Berlin\"\n[keys.global]\nquit = \"q\"\n").unwrap();
        assert_eq!(load_zone(&path, Some("America/Los_Angeles")).unwrap(), chrono_tz::Europe::Berlin);
        let none = dir.path().join("none.toml");
        assert_eq!(load_zone(&none, Some("America/Los_Angeles")).unwrap(), chrono_tz::America::Los_Angeles);
        assert_eq!(load_zone(&none, Some(":Asia/Tokyo")).unwrap(), chrono_tz::Asia::Tokyo);
        // A POSIX TZ string is not a zone name: the system's zone (or UTC) is used, never an error.
        assert!(load_zone(&none, Some("CET-1CEST")).is_ok());
        std::fs::write(&path, "\ntimezone = \"Mars/Olympus\"\n").unwrap();
        let err = format!("{:#}", load_zone(&path, None).unwrap_err());
        assert!(err.contains("line 2: timezone: 'Mars/Olympus' is not a time zone"), "{err}");
        assert!(parse_keymap("timezone = \"UTC\"\n").is_ok(), "the keymap reader accepts the zone line");
    }

    #[test]
    fn a_default_region_is_a_country_code_or_name() {
        let text = "default_region = \"GB\"\n[keys.global]\nquit = \"x\"\n";
        assert_eq!(parse_default_region(text).unwrap(), Some(Region::GB));
        assert!(parse_keymap(text).is_ok(), "the keys still read");
        assert_eq!(parse_default_region("default_region = \"Netherlands\"").unwrap(), Some(Region::NL));
        assert_eq!(parse_default_region("[keys.global]\nquit = \"x\"\n").unwrap(), None);
        let err = parse_default_region("\ndefault_region = \"Atlantis\"\n").unwrap_err().to_string();
        assert!(err.starts_with("line 2: default_region: 'Atlantis' is not a country; expected an ISO code"), "{err}");
        assert_eq!(load_default_region(Path::new("/nonexistent/rapport/config.toml")).unwrap(), None);
    }

    #[test]
    fn health_settings_are_read_and_a_mistake_names_its_line() {
        let text = "me = \"Ann\"\n[health]\nhealthy = 80\nwatch = 50\nstuck_days = 30\n[health.cadence]\nstrategic = 7\n[health.weights]\ncadence = 40\nrole_coverage = 0\n";
        let h = parse_prefs(text).unwrap().health;
        assert_eq!((h.healthy_from, h.watch_from, h.stuck_days), (80, 50, 30));
        assert_eq!((h.cadence.strategic, h.cadence.key, h.cadence.standard), (7, 30, 90));
        assert_eq!((h.weights.cadence, h.weights.role_coverage, h.weights.renewal_lapsed), (40, 0, 35));
        assert_eq!(parse_prefs("").unwrap().health, HealthConfig::default());
        assert!(parse_keymap(text).is_ok(), "the keymap reader accepts the same file");
        let err = |t: &str| parse_prefs(t).unwrap_err().to_string();
        assert_eq!(
            err("[health.weights]\ncadence = 10\nrenewal_lapsed = 130\n"),
            "line 3: health.weights.renewal_lapsed = 130 is out of range; expected 0 to 100"
        );
        assert_eq!(
            err("\n[health.cadence]\nplatinum = 7\n"),
            "line 3: [health.cadence] 'platinum' is not a tier; expected strategic, key or standard"
        );
        assert!(err("[health.weights]\ncharm = 5\n")
            .starts_with("line 2: 'charm' is not a health weight; expected one of: cadence,"));
        assert_eq!(
            err("[health]\nhealthy = 50\nwatch = 60\n"),
            "line 3: health.watch = 60 is not below health.healthy = 50; expected watch < healthy"
        );
        assert!(err("[health]\n\nstuck = 5\n").starts_with("line 3:"), "{}", err("[health]\n\nstuck = 5\n"));
        assert!(err("[health.cadence]\nkey = 0\n").starts_with("line 2: health.cadence.key = 0 is out of range"));
    }

    #[test]
    fn no_file_means_defaults() {
        let km = load_keymap(Path::new("/nonexistent/rapport/config.toml")).unwrap();
        let q = KeyEvent::new(KeyCode::Char('q'), KeyModifiers::NONE);
        assert_eq!(km.resolve(Context::Global, &q), Some(Action::Quit));
    }
}
