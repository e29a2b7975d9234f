//! Lesson links for teachers: `hide=lr,alpha` leaves chosen controls of a panel out, and
//! `lock=f` shows a control's value but fixes it for the lesson. In an embed the keys are
//! plain (`?panel=neuron&hide=lr&lock=f`); on the full page they carry the panel's prefix
//! (`neuron.hide=lr`), so a lesson for one panel never touches another.
//!
//! Pure: the web layer's `FieldControls` asks a [`Lesson`] which rows to leave out and which
//! to lock; the names come from the panel's field table.

use crate::spec::{echo, lookup};

/// The key naming controls to hide.
pub const HIDE: &str = "hide";
/// The key naming controls to lock.
pub const LOCK: &str = "lock";

/// What a lesson link asks of one panel's controls.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Lesson {
    /// Keys of controls left out of the panel.
    pub hidden: Vec<&'static str>,
    /// Keys of controls shown with their value but disabled.
    pub locked: Vec<&'static str>,
    /// Names the link gave that are not controls of this panel, as given.
    pub unknown: Vec<String>,
}

impl Lesson {
    /// Reads `hide` and `lock` from a panel's (unprefixed) pairs; `keys` are its field table's
    /// keys. Names are comma-separated and trimmed; a name both hidden and locked is hidden.
    pub fn read(pairs: &[(String, String)], keys: &[&'static str]) -> Lesson {
        let mut lesson = Lesson::default();
        let names = |key: &str, into: &mut Vec<&'static str>, unknown: &mut Vec<String>| {
            for name in lookup(pairs, key).unwrap_or("").split(',') {
                let name = name.trim();
                if name.is_empty() {
                    continue;
                }
                match keys.iter().find(|k| **k == name) {
                    Some(k) if !into.contains(k) => into.push(k),
                    Some(_) => {}
                    None if !unknown.iter().any(|u| u == name) => unknown.push(name.to_string()),
                    None => {}
                }
            }
        };
        let (mut hidden, mut locked, mut unknown) = (Vec::new(), Vec::new(), Vec::new());
        names(HIDE, &mut hidden, &mut unknown);
        names(LOCK, &mut locked, &mut unknown);
        locked.retain(|k| !hidden.contains(k));
        lesson.hidden = hidden;
        lesson.locked = locked;
        lesson.unknown = unknown;
        lesson
    }

    pub fn is_hidden(&self, key: &str) -> bool {
        self.hidden.contains(&key)
    }

    pub fn is_locked(&self, key: &str) -> bool {
        self.locked.contains(&key)
    }

    /// The notice for names that are not this panel's controls, each echoed safely.
    pub fn notice(&self, panel_title: &str, keys: &[&'static str]) -> Option<String> {
        if self.unknown.is_empty() {
            return None;
        }
        let given: Vec<String> = self
            .unknown
            .iter()
            .take(5)
            .map(|u| format!("“{}”", echo(u)))
            .collect();
        Some(format!(
            "This lesson link names {} that “{panel_title}” does not have: {}. Its controls are: {}.",
            if self.unknown.len() == 1 { "a control" } else { "controls" },
            given.join(", "),
            keys.join(", ")
        ))
    }
}

/// The lesson keys of the page's address to keep in it as the controls rewrite it: `hide`
/// and `lock` (in an embed) or `PREFIX.hide` and `PREFIX.lock` (on the full page), as given.
pub fn keep_in_address(pairs: &[(String, String)], embed: bool) -> Vec<(String, String)> {
    pairs
        .iter()
        .filter(|(k, _)| {
            let name = if embed {
                Some(k.as_str())
            } else {
                k.split_once('.').map(|(_, n)| n)
            };
            matches!(name, Some(HIDE | LOCK))
        })
        .cloned()
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::spec::query_pairs;

    const KEYS: [&str; 4] = ["f", "lr", "b", "alpha"];

    #[test]
    fn hide_and_lock_name_controls_of_the_table() {
        let l = Lesson::read(&query_pairs("hide=lr,alpha&lock=f"), &KEYS);
        assert_eq!(l.hidden, vec!["lr", "alpha"]);
        assert_eq!(l.locked, vec!["f"]);
        assert!(l.unknown.is_empty());
        assert!(l.is_hidden("lr") && l.is_locked("f") && !l.is_locked("b"));
        assert_eq!(l.notice("One neuron", &KEYS), None);
    }

    #[test]
    fn unknown_names_get_a_safe_notice_and_hidden_wins_over_locked() {
        let l = Lesson::read(
            &query_pairs("hide=%20lr%20,,zzz,lr&lock=lr,b,%E2%80%AEx"),
            &KEYS,
        );
        assert_eq!(l.hidden, vec!["lr"]);
        assert_eq!(l.locked, vec!["b"]);
        assert_eq!(l.unknown, vec!["zzz".to_string(), "\u{202E}x".to_string()]);
        let n = l.notice("One neuron", &KEYS).unwrap();
        assert!(n.contains("“\u{2068}zzz\u{2069}”"), "{n}");
        assert!(n.contains("[U+202E]x") && !n.contains('\u{202E}'), "{n}");
        assert!(n.ends_with("Its controls are: f, lr, b, alpha."), "{n}");
    }

    #[test]
    fn the_address_keeps_the_lesson_keys_of_its_mode() {
        let pairs = query_pairs("hide=lr&neuron.lock=f&net.hide=seed&b=1&x.y=2");
        assert_eq!(
            keep_in_address(&pairs, true),
            vec![("hide".to_string(), "lr".to_string())]
        );
        assert_eq!(
            keep_in_address(&pairs, false),
            vec![
                ("neuron.lock".to_string(), "f".to_string()),
                ("net.hide".to_string(), "seed".to_string())
            ]
        );
    }
}
