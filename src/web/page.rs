//! The page's own address and its notices: the query read in one place, the embed choice
//! (`panel=`), and messages at the top of the page that are not errors.

use super::dom;
use crate::panels::{self, PanelId};
use crate::spec::{echo, limit_query, lookup, query_pairs};

/// The query pairs of the page's address, read up to [`crate::spec::MAX_QUERY_BYTES`], and
/// the query's whole length in bytes when it was cut there.
pub(crate) fn address_pairs() -> (Vec<(String, String)>, Option<usize>) {
    let search = web_sys::window()
        .and_then(|w| w.location().search().ok())
        .unwrap_or_default();
    let (read, cut) = limit_query(&search);
    (query_pairs(read), cut.then_some(search.len()))
}

/// The panel named by `panel=` in the query, if it is one of the explorer's (held by this
/// part of the page or not). An unknown name is reported (by the part that leads) and the
/// whole page shown.
pub(crate) fn embed_choice(pairs: &[(String, String)]) -> Option<PanelId> {
    let name = lookup(pairs, "panel")?;
    let found = PanelId::from_name(name);
    if found.is_none() && super::LEADS {
        show_notice(&format!(
            "There is no panel called “{}”, so the whole page is shown. The panels are: {}.",
            echo(name),
            panels::names()
        ));
    }
    found
}

/// A non-fatal message at the top of the page (not an error: the page works).
pub(crate) fn show_notice(message: &str) {
    let Ok(doc) = dom::document() else { return };
    let (Some(body), Ok(note)) = (doc.body(), dom::el(&doc, "p", "notice", message)) else {
        return;
    };
    let _ = note.set_attribute("role", "status");
    let _ = body.prepend_with_node_1(&note);
}
