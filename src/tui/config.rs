//! The optional config file (TOML, in the platform config folder). It names
//! the region phone numbers are read in when their account has no country
//! (the command line reads that too), and rebinds keys:
//!
//! ```toml
//! default_region = "GB"   # an ISO code or a country's English name
//!
//! [keys.global]
//! quit = ["q", "ctrl-c"]
//! [keys.portfolio]
//! sort = "o"
//! ```

use super::keymap::{Action, Context, Key, Keymap};
use crate::domain::phone::{self, Region};
use anyhow::{anyhow, bail, Context as _, Result};
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use toml::Spanned;

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct File {
    #[serde(default)]
    default_region: Option<Spanned<String>>,
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
        crate::cli::hinted(e, "fix default_region in the config file (`rapport config path` shows where it is)")
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
    fn no_file_means_defaults() {
        let km = load_keymap(Path::new("/nonexistent/rapport/config.toml")).unwrap();
        let q = KeyEvent::new(KeyCode::Char('q'), KeyModifiers::NONE);
        assert_eq!(km.resolve(Context::Global, &q), Some(Action::Quit));
    }
}
