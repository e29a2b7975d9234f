//! The guided path in the page: a card that moves into the section of the panel each step
//! uses, just above its figure, and sets that panel's state by mounting it again with the
//! step's query (the same path as a link, through the panel's field table). The learner can
//! leave the guide and play, and come back; the step is in the address (`step=N`) and is
//! announced in a live region. The steps and their rules are `crate::story`.

use super::{address, dom, remount_page_panel, report, show_error};
use crate::panels;
use crate::spec::{pairs_for_prefix, query_pairs};
use crate::story::{self, Msg, Step, Tour, STEPS, STEP_KEY};
use gloo_events::EventListener;
use std::cell::RefCell;
use std::rc::Rc;
use wasm_bindgen::{JsCast, JsValue};
use web_sys::{Document, Element, HtmlElement};

/// The card's parts that change from step to step.
struct Card {
    root: Element,
    count: Element,
    title: Element,
    words: Element,
    seed: Element,
    try_this: Element,
    question: Element,
    summary: Element,
    answer: Element,
    previous: Element,
    next: Element,
    list: Vec<Element>,
}

struct Guide {
    tour: Tour,
    card: Card,
    /// The header's button that opens the guide (or brings it back).
    opener: Element,
    live: Element,
    /// The page's address as loaded: its lesson keys, and the first step's panel values.
    page: Vec<(String, String)>,
}

type Shared = Rc<RefCell<Guide>>;

thread_local! {
    static GUIDE: RefCell<Option<(Shared, Vec<EventListener>)>> = const { RefCell::new(None) };
}

/// Sets up the guide in the page's `[data-story]` element, if it has one, and opens the step
/// the address names (`?step=N`).
pub fn start(doc: &Document, page: &[(String, String)]) {
    let Ok(Some(slot)) = doc.query_selector("[data-story]") else {
        return;
    };
    match build(doc, &slot, page) {
        Ok(shared) => {
            let (at, warning) = story::step_from_pairs(page);
            if let Some(w) = warning {
                super::show_notice(&w);
            }
            if let Some(i) = at {
                go(&shared, Msg::Go(i), true, false);
            }
            let listeners = listen(&shared);
            GUIDE.with(|g| *g.borrow_mut() = Some((shared, listeners)));
        }
        Err(e) => show_error(&format!(
            "The guided path could not start: {}",
            super::errors::describe(&e)
        )),
    }
}

fn build(doc: &Document, slot: &Element, page: &[(String, String)]) -> Result<Shared, JsValue> {
    slot.set_text_content(None);
    let opener = dom::button(doc, "")?;
    opener.set_class_name("primary");
    let live = dom::el(doc, "p", "visually-hidden", "")?;
    live.set_attribute("aria-live", "polite")?;
    live.set_attribute("role", "status")?;
    slot.append_child(&opener)?;
    slot.append_child(&live)?;
    let guide = Guide {
        tour: Tour::default(),
        card: card(doc)?,
        opener,
        live,
        page: page.to_vec(),
    };
    guide.render_opener();
    Ok(Rc::new(RefCell::new(guide)))
}

fn card(doc: &Document) -> Result<Card, JsValue> {
    let root = dom::el(doc, "aside", "guide", "")?;
    root.set_attribute("aria-labelledby", "guide-title")?;
    root.set_attribute("hidden", "")?;
    let count = dom::el(doc, "p", "guide-count", "")?;
    let title = dom::el(doc, "h3", "", "")?;
    title.set_id("guide-title");
    title.set_attribute("tabindex", "-1")?;
    let words = dom::el(doc, "p", "", "")?;
    let seed = dom::el(doc, "p", "guide-seed", "")?;
    let try_this = dom::el(doc, "p", "guide-try", "")?;
    let question = dom::el(doc, "details", "guide-question", "")?;
    let summary = dom::el(doc, "summary", "", "")?;
    let answer = dom::el(doc, "p", "", "")?;
    question.append_child(&summary)?;
    question.append_child(&answer)?;
    let buttons = dom::el(doc, "div", "buttons", "")?;
    let previous = dom::button(doc, "Previous")?;
    let next = dom::button(doc, "Next")?;
    next.set_class_name("primary");
    let leave = dom::button(doc, "Leave the guide")?;
    leave.set_attribute("data-guide", "leave")?;
    for b in [&previous, &next, &leave] {
        buttons.append_child(b)?;
    }
    let (steps, list) = step_list(doc)?;
    for e in [
        &count, &title, &words, &seed, &try_this, &question, &buttons, &steps,
    ] {
        root.append_child(e)?;
    }
    Ok(Card {
        root,
        count,
        title,
        words,
        seed,
        try_this,
        question,
        summary,
        answer,
        previous,
        next,
        list,
    })
}

/// Every step's title as a button, in a list the learner can open.
fn step_list(doc: &Document) -> Result<(Element, Vec<Element>), JsValue> {
    let details = dom::el(doc, "details", "guide-steps", "")?;
    let summary = dom::el(doc, "summary", "", "All steps")?;
    details.append_child(&summary)?;
    let ol = dom::el(doc, "ol", "", "")?;
    let mut buttons = Vec::new();
    for step in &STEPS {
        let li = dom::el(doc, "li", "", "")?;
        let b = dom::button(doc, step.title)?;
        b.set_class_name("link");
        li.append_child(&b)?;
        ol.append_child(&li)?;
        buttons.push(b);
    }
    details.append_child(&ol)?;
    Ok((details, buttons))
}

impl Guide {
    fn render_opener(&self) {
        let text = if self.tour.open {
            "Guided path: open below".to_string()
        } else if self.tour.at > 0 {
            format!("Back to the guided path (step {})", self.tour.at + 1)
        } else {
            format!("Follow the guided path ({} steps)", STEPS.len())
        };
        self.opener.set_text_content(Some(&text));
        let _ = self
            .opener
            .set_attribute("aria-expanded", &self.tour.open.to_string());
    }

    fn render_card(&self) -> Result<(), JsValue> {
        let (i, step, c) = (self.tour.at, &STEPS[self.tour.at], &self.card);
        dom::set_text(&c.count, &story::counter(i));
        dom::set_text(&c.title, step.title);
        dom::set_text(&c.words, step.words);
        let seed = step.seed_differs.unwrap_or("");
        dom::set_text(&c.seed, seed);
        c.seed
            .toggle_attribute_with_force("hidden", seed.is_empty())?;
        dom::set_text(&c.try_this, &format!("Try: {}", step.try_this.text));
        dom::set_text(&c.summary, step.question);
        dom::set_text(&c.answer, step.answer);
        c.question.remove_attribute("open")?;
        c.previous.toggle_attribute_with_force("disabled", i == 0)?;
        c.next
            .toggle_attribute_with_force("disabled", i + 1 == STEPS.len())?;
        for (j, b) in c.list.iter().enumerate() {
            if j == i {
                b.set_attribute("aria-current", "step")?;
            } else {
                b.remove_attribute("aria-current")?;
            }
        }
        c.root.set_attribute("data-step", &(i + 1).to_string())?;
        c.root
            .toggle_attribute_with_force("hidden", !self.tour.open)?;
        Ok(())
    }

    /// Sets the step's panels through their field tables and moves the card above the first.
    fn set_panels(&self, step: &Step, first_load: bool) -> Result<(), JsValue> {
        let doc = dom::document()?;
        for &(id, query) in step.set {
            let Some(host) = page_host(&doc, id) else {
                continue;
            };
            let mut pairs = query_pairs(query);
            if first_load {
                // A reloaded `?step=N&neuron.b=0.3` keeps what the learner changed.
                pairs.extend(pairs_for_prefix(&self.page, id.prefix()));
            }
            match panels::info(id) {
                Some(info) => remount_page_panel(&host, info, &pairs, &self.page)?,
                // The other part of the page holds it: it mounts it from the same pairs.
                None => {
                    let mut query = form_urlencoded::Serializer::new(String::new());
                    query.extend_pairs(&pairs);
                    super::parts::remount(id, &query.finish())?;
                }
            }
        }
        if let Some(host) = page_host(&doc, step.panel()) {
            host.before_with_node_1(&self.card.root)?;
        }
        Ok(())
    }
}

/// The page's own host of a panel (not one mounted by script elsewhere).
fn page_host(doc: &Document, id: panels::PanelId) -> Option<Element> {
    let name = id.name();
    doc.query_selector(&format!("[data-panel='{name}']"))
        .ok()
        .flatten()
}

/// Applies a message: a step that opens sets its panels, shows the card, writes the address
/// and is announced; `focus` moves the keyboard to the card's title.
fn go(shared: &Shared, msg: Msg, first_load: bool, focus: bool) {
    let mut g = shared.borrow_mut();
    let opens = g.tour.update(msg);
    if opens {
        let step = &STEPS[g.tour.at];
        report("Setting the step’s panels", g.set_panels(step, first_load));
        dom::set_text(&g.live, &story::announcement(g.tour.at));
    } else if !g.tour.open {
        dom::set_text(&g.live, "Guide closed: the panels are yours to play with.");
    }
    report("Showing the guide’s card", g.render_card());
    g.render_opener();
    address::set_fixed(STEP_KEY, g.tour.address_value().as_deref());
    if g.tour.open && !first_load {
        g.card.root.scroll_into_view_with_bool(true);
    }
    if focus {
        if let Some(t) = g.card.title.dyn_ref::<HtmlElement>() {
            let _ = t.focus();
        }
    } else if !g.tour.open && !first_load {
        if let Some(o) = g.opener.dyn_ref::<HtmlElement>() {
            let _ = o.focus();
        }
    }
}

fn listen(shared: &Shared) -> Vec<EventListener> {
    let g = shared.borrow();
    let c = &g.card;
    let leave = c.root.query_selector("[data-guide=leave]").ok().flatten();
    let mut wired: Vec<(Element, Msg)> = vec![
        (c.previous.clone(), Msg::Previous),
        (c.next.clone(), Msg::Next),
        (g.opener.clone(), Msg::Resume),
    ];
    wired.extend(leave.map(|l| (l, Msg::Leave)));
    wired.extend(
        c.list
            .iter()
            .enumerate()
            .map(|(i, b)| (b.clone(), Msg::Go(i))),
    );
    wired
        .into_iter()
        .map(|(el, msg)| {
            let shared = shared.clone();
            EventListener::new(&el, "click", move |_| {
                let focus = msg != Msg::Leave;
                go(&shared, msg, false, focus)
            })
        })
        .collect()
}
