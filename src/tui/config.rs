//! The optional config file (TOML, in the platform config folder), read by
//! the cockpit and the command line alike. It names the user's time zone and
//! rebinds keys:
//!
//! ```toml
//! timezone = "Europe/Berlin"
//! [keys.global]
//! quit = ["q", "ctrl-c"]
//! [keys.portfolio]
//! sort = "o"
//! ```

use super::keymap::{Action, Context, Key, Keymap};
use crate::domain::time::{self, Zone};
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
    keys: BTreeMap<Spanned<String>, BTreeMap<Spanned<String>, Spanned<KeyList>>>,
}

#[derive(Deserialize)]
#[serde(untagged)]
enum KeyList {
    One(String),
    Many(Vec<String>),
}

/// Where the config file lives.
pub fn path() -> Result<PathBuf> {
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

fn parse_file(text: &str) -> Result<File> {
    toml::from_str(text).map_err(|e| {
        let line = e.span().map(|s| line_of(text, s.start)).unwrap_or(0);
        anyhow!("line {line}: {}", e.message())
    })
}

fn line_of(text: &str, offset: usize) -> usize {
    text[..offset.min(text.len())].matches('\n').count() + 1
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
    fn no_file_means_defaults() {
        let km = load_keymap(Path::new("/nonexistent/rapport/config.toml")).unwrap();
        let q = KeyEvent::new(KeyCode::Char('q'), KeyModifiers::NONE);
        assert_eq!(km.resolve(Context::Global, &q), Some(Action::Quit));
    }
}
