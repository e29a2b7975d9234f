//! The page's address when more than one part of the page writes it. The page loads in two
//! wasm modules (see `panels::PanelId::held`), and each keeps its own book of what its panels
//! changed; a part that rewrote the whole address from its book alone would erase the other's
//! settings. So a part writes the pairs it owns (its fixed pairs, its panels' keys) and keeps,
//! from the address as it is now, the pairs another part owns: the prefixed keys of panels it
//! does not hold, and `step=` when it does not hold the guided path. Anything else in the
//! address (a key of its own panels, an unknown one) it drops, as a single module always did.
//!
//! The order is fixed whatever part writes last: the fixed pairs (`panel=`, the lesson keys,
//! `step=`), then each panel's pairs in the page's order.

use crate::panels::PanelId;

/// Where a pair of the address belongs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Slot {
    /// Among the pairs every address keeps (`step=4`).
    Fixed,
    /// Among that panel's settings.
    Panel(PanelId),
}

/// What one part of the page knows of the address it writes.
#[derive(Debug, Default)]
pub struct Book {
    /// The pairs every address keeps, as this part has them (`panel=`, lesson keys, `step=`).
    pub fixed: Vec<(String, String)>,
    /// Each of this part's panels' settings (keys already prefixed).
    pub parts: Vec<(PanelId, Vec<(String, String)>)>,
}

/// Whether a pair of the page's address belongs to another part: the keys of a panel this
/// part does not hold (by its prefix), and the guided path's `step` when this part has no
/// guided path. None for a pair this part owns or drops.
pub fn foreign(key: &str, held: impl Fn(PanelId) -> bool, holds_story: bool) -> Option<Slot> {
    if key == crate::story::STEP_KEY {
        return (!holds_story).then_some(Slot::Fixed);
    }
    PanelId::ALL
        .into_iter()
        .find(|id| !held(*id) && key.starts_with(id.prefix()))
        .map(Slot::Panel)
}

/// The query this part writes: its own pairs from `book`, and the pairs of `current` (the
/// address now) for which `foreign` names a slot, unless the book has that key among its
/// fixed pairs. "" when there is nothing to write.
pub fn compose(
    book: &Book,
    current: &[(String, String)],
    foreign: impl Fn(&str) -> Option<Slot>,
) -> String {
    let own_fixed = |k: &str| book.fixed.iter().any(|(f, _)| f == k);
    let kept: Vec<(Slot, &(String, String))> = current
        .iter()
        .filter(|(k, _)| !own_fixed(k))
        .filter_map(|pair| foreign(&pair.0).map(|slot| (slot, pair)))
        .collect();
    let mut out = form_urlencoded::Serializer::new(String::new());
    let kept_in = |slot: Slot| {
        kept.iter()
            .filter(move |(s, _)| *s == slot)
            .map(|(_, p)| *p)
    };
    for (k, v) in book.fixed.iter().chain(kept_in(Slot::Fixed)) {
        out.append_pair(k, v);
    }
    for id in PanelId::ALL {
        let own = book.parts.iter().filter(|(p, _)| *p == id);
        for (k, v) in own
            .flat_map(|(_, pairs)| pairs)
            .chain(kept_in(Slot::Panel(id)))
        {
            out.append_pair(k, v);
        }
    }
    out.finish()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::spec::query_pairs;

    fn pairs(q: &str) -> Vec<(String, String)> {
        query_pairs(q)
    }

    /// The intro part of the page: the activation panel, no guided path.
    fn intro(key: &str) -> Option<Slot> {
        foreign(key, |id| id == PanelId::Activation, false)
    }

    /// The lab part: the other panels and the guided path.
    fn lab(key: &str) -> Option<Slot> {
        foreign(key, |id| id != PanelId::Activation, true)
    }

    #[test]
    fn each_part_keeps_the_others_settings_and_writes_its_own() {
        let intro_book = Book {
            fixed: vec![],
            parts: vec![(PanelId::Activation, pairs("act.f=elu"))],
        };
        let now = pairs("step=4&act.f=relu&net.lr=0.1&neuron.b=0.3&dying.axis=clip");
        assert_eq!(
            compose(&intro_book, &now, intro),
            "step=4&act.f=elu&neuron.b=0.3&net.lr=0.1&dying.axis=clip"
        );
        // The lab, writing next, keeps what the intro wrote and replaces its own.
        let lab_book = Book {
            fixed: pairs("step=5"),
            parts: vec![(PanelId::Network, pairs("net.lr=0.01"))],
        };
        let now = pairs("step=4&act.f=elu&neuron.b=0.3&net.lr=0.1&dying.axis=clip");
        assert_eq!(
            compose(&lab_book, &now, lab),
            "step=5&act.f=elu&net.lr=0.01"
        );
    }

    #[test]
    fn the_order_is_the_page_order_whoever_writes_last() {
        let a = Book {
            fixed: pairs("hide=lr"),
            parts: vec![
                (PanelId::Network, pairs("net.lr=0.1")),
                (PanelId::Activation, pairs("act.f=elu")),
            ],
        };
        let whole = |_: &str| None;
        assert_eq!(compose(&a, &[], whole), "hide=lr&act.f=elu&net.lr=0.1");
    }

    #[test]
    fn a_part_drops_its_own_stale_keys_and_unknown_ones() {
        let book = Book {
            fixed: vec![],
            parts: vec![(PanelId::Activation, vec![])],
        };
        let now = pairs("act.f=elu&junk=1&neuron.b=0.2");
        assert_eq!(compose(&book, &now, intro), "neuron.b=0.2");
        // A single module (it holds everything) keeps nothing it did not write.
        let all = |key: &str| foreign(key, |_| true, true);
        assert_eq!(compose(&book, &now, all), "");
    }

    #[test]
    fn a_fixed_pair_of_the_book_wins_over_the_same_key_in_the_address() {
        let book = Book {
            fixed: pairs("panel=network&net.hide=lr"),
            parts: vec![],
        };
        let now = pairs("panel=network&net.hide=lr&net.lr=0.2");
        assert_eq!(
            compose(&book, &now, intro),
            "panel=network&net.hide=lr&net.lr=0.2"
        );
    }

    #[test]
    fn the_step_belongs_to_whichever_part_holds_the_guided_path() {
        assert_eq!(intro("step"), Some(Slot::Fixed));
        assert_eq!(lab("step"), None);
        assert_eq!(intro("net.lr"), Some(Slot::Panel(PanelId::Network)));
        assert_eq!(lab("act.alpha"), Some(Slot::Panel(PanelId::Activation)));
        assert_eq!(intro("neuron.b"), Some(Slot::Panel(PanelId::Neuron)));
        assert_eq!(lab("neuron.b"), None);
        assert_eq!(lab("net.lr"), None);
    }
}
