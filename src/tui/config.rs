//! The optional config file (TOML, in the platform config folder). Today it
//! rebinds keys:
//!
//! ```toml
//! [keys.global]
//! quit = ["q", "ctrl-c"]
//! [keys.portfolio]
//! sort = "o"
//! ```

use super::keymap::{Action, Context, Key, Keymap};
use anyhow::{anyhow, bail, Context as _, Result};
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use toml::Spanned;

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct File {
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

fn line_of(text: &str, offset: usize) -> usize {
    text[..offset.min(text.len())].matches('\n').count() + 1
}

pub fn parse_keymap(text: &str) -> Result<Keymap> {
    let file: File = toml::from_str(text).map_err(|e| {
        let line = e.span().map(|s| line_of(text, s.start)).unwrap_or(0);
        anyhow!("line {line}: {}", e.message())
    })?;
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
    fn no_file_means_defaults() {
        let km = load_keymap(Path::new("/nonexistent/rapport/config.toml")).unwrap();
        let q = KeyEvent::new(KeyCode::Char('q'), KeyModifiers::NONE);
        assert_eq!(km.resolve(Context::Global, &q), Some(Action::Quit));
    }
}
