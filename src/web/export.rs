//! Taking things out of the page: a file download (a Blob and an object URL, or a canvas's
//! PNG data URL, clicked through a temporary `<a download>`), a chart as SVG drawn again by
//! its own function through plotters' SVG backend, text put on the clipboard (with a fallback
//! where `navigator.clipboard` is missing or refused), and the "Save PNG / Save SVG" buttons
//! every chart gets.

use super::text_canvas::PageBackend;
use crate::chart::figure::{slide_theme, Figures, SLIDE_SIZE};
use gloo_events::EventListener;
use plotters::prelude::IntoDrawingArea;
use std::cell::RefCell;
use std::rc::Rc;
use wasm_bindgen::prelude::*;
use web_sys::{Document, Element, HtmlAnchorElement, HtmlCanvasElement, HtmlTextAreaElement};

/// A file the page offered for download: what scripts and tests can check.
#[derive(Clone, Debug, PartialEq)]
pub struct Download {
    pub name: String,
    pub mime: String,
    /// The `<a download>`'s href: a `blob:` URL, or a `data:` URL for a PNG.
    pub href: String,
    /// The file's text (text files only).
    pub text: Option<String>,
}

/// How a copy reached the clipboard.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CopyPath {
    /// `navigator.clipboard.writeText`.
    Clipboard,
    /// A selected `<textarea>` and `document.execCommand("copy")`.
    Fallback,
    /// Neither worked: the text is shown instead.
    Failed,
}

/// The last downloads and copies kept (older ones are dropped).
const KEEP: usize = 16;

thread_local! {
    static DOWNLOADS: RefCell<Vec<Download>> = const { RefCell::new(Vec::new()) };
    static COPIES: RefCell<Vec<(String, CopyPath)>> = const { RefCell::new(Vec::new()) };
}

fn keep<T>(list: &mut Vec<T>, item: T) {
    list.push(item);
    if list.len() > KEEP {
        list.remove(0);
    }
}

/// The latest downloads, oldest first.
pub fn downloads() -> Vec<Download> {
    DOWNLOADS.with(|d| d.borrow().clone())
}

/// The latest copies (text, how), oldest first.
pub fn copies() -> Vec<(String, CopyPath)> {
    COPIES.with(|c| c.borrow().clone())
}

fn document() -> Result<Document, JsValue> {
    super::dom::document()
}

/// Clicks a temporary `<a download=name href=href>`: the browser saves the file.
fn click_link(name: &str, href: &str) -> Result<(), JsValue> {
    let doc = document()?;
    let a: HtmlAnchorElement = doc.create_element("a")?.dyn_into()?;
    a.set_download(name);
    a.set_href(href);
    a.set_hidden(true);
    let body = doc.body().ok_or_else(|| JsValue::from_str("no <body>"))?;
    body.append_child(&a)?;
    a.click();
    a.remove();
    Ok(())
}

/// Offers `text` as a file called `name` of type `mime`.
pub fn download_text(name: &str, mime: &str, text: &str) -> Result<(), JsValue> {
    let parts = js_sys::Array::of1(&JsValue::from_str(text));
    let options = web_sys::BlobPropertyBag::new();
    options.set_type(mime);
    let blob = web_sys::Blob::new_with_str_sequence_and_options(&parts, &options)?;
    let url = web_sys::Url::create_object_url_with_blob(&blob)?;
    DOWNLOADS.with(|d| {
        keep(
            &mut d.borrow_mut(),
            Download {
                name: name.into(),
                mime: mime.into(),
                href: url.clone(),
                text: Some(text.into()),
            },
        )
    });
    click_link(name, &url)?;
    // The download has started; the URL is freed a minute later (a slow save dialog may
    // still read it).
    let revoke = Closure::once_into_js(move || {
        let _ = web_sys::Url::revoke_object_url(&url);
    });
    if let Some(w) = web_sys::window() {
        w.set_timeout_with_callback_and_timeout_and_arguments_0(revoke.unchecked_ref(), 60_000)?;
    }
    Ok(())
}

/// Offers the canvas as a PNG at its backing store's size (CSS size × devicePixelRatio).
pub fn download_png(name: &str, canvas: &HtmlCanvasElement) -> Result<(), JsValue> {
    let url = canvas.to_data_url_with_type("image/png")?;
    DOWNLOADS.with(|d| {
        keep(
            &mut d.borrow_mut(),
            Download {
                name: name.into(),
                mime: "image/png".into(),
                href: url.clone(),
                text: None,
            },
        )
    });
    click_link(name, &url)
}

/// Chart `index` of `figures` as an SVG document at [`SLIDE_SIZE`], light theme, text
/// measured by the browser (no element added to the page, no inline style).
pub fn svg_of<F: Figures>(figures: &F, index: usize) -> Result<String, JsValue> {
    let mut out = String::new();
    {
        let backend = PageBackend::svg(&mut out, SLIDE_SIZE)
            .ok_or_else(|| JsValue::from_str("no canvas to measure text with"))?;
        let root = backend.into_drawing_area();
        let fail = |e: String| JsValue::from_str(&format!("SVG export failed: {e}"));
        figures
            .draw(index, &root, &slide_theme())
            .map_err(|e| fail(e.to_string()))?;
        root.present().map_err(|e| fail(e.to_string()))?;
    }
    Ok(out)
}

/// A "Save PNG" and a "Save SVG" button for chart `index`; `pick` finds the figures and the
/// canvas in the panel's shared state when a button is pressed.
pub fn figure_buttons<V: 'static, F: Figures + 'static>(
    doc: &Document,
    shared: &Rc<RefCell<V>>,
    pick: fn(&V) -> (&F, &HtmlCanvasElement),
    index: usize,
    title: &str,
) -> Result<(Element, Vec<EventListener>), JsValue> {
    let row = super::dom::el(doc, "div", "figure-tools", "")?;
    let png = super::dom::button(doc, "Save PNG")?;
    png.set_attribute("aria-label", &format!("Save PNG of the {title}"))?;
    let svg = super::dom::button(doc, "Save SVG")?;
    svg.set_attribute("aria-label", &format!("Save SVG of the {title}"))?;
    row.append_child(&png)?;
    row.append_child(&svg)?;
    let on_png = {
        let shared = shared.clone();
        EventListener::new(&png, "click", move |_| {
            let v = shared.borrow();
            let (figures, canvas) = pick(&v);
            super::report(
                "Saving the PNG",
                download_png(&figures.file_name(index, "png"), canvas),
            );
        })
    };
    let on_svg = {
        let shared = shared.clone();
        EventListener::new(&svg, "click", move |_| {
            let v = shared.borrow();
            let (figures, _) = pick(&v);
            let name = figures.file_name(index, "svg");
            super::report(
                "Saving the SVG",
                svg_of(figures, index).and_then(|s| download_text(&name, "image/svg+xml", &s)),
            );
        })
    };
    Ok((row, vec![on_png, on_svg]))
}

/// Puts `text` on the clipboard, then calls `done` with how it went (always later, in a
/// microtask: the caller may still hold what `done` borrows). The clipboard's promise is
/// awaited through `Promise.allSettled`, which always resolves, so one callback that runs
/// exactly once does it (no async executor in the page's first part).
pub fn copy_text(text: String, done: impl FnOnce(CopyPath) + 'static) {
    let promise = clipboard_write(&text).unwrap_or_else(|| js_sys::Promise::reject(&JsValue::NULL));
    let settled = js_sys::Promise::all_settled(&js_sys::Array::of1(&promise));
    let then = Closure::once_into_js(move |results: JsValue| {
        let first = js_sys::Array::from(&results).get(0);
        let status = js_sys::Reflect::get(&first, &"status".into()).ok();
        let path = match status.and_then(|s| s.as_string()).as_deref() {
            Some("fulfilled") => CopyPath::Clipboard,
            _ => fallback_copy(&text),
        };
        COPIES.with(|c| keep(&mut c.borrow_mut(), (text, path)));
        done(path);
    });
    // `then` through Reflect: js-sys's binding wants a borrowed Closure that something must
    // keep alive, where this one frees itself when called.
    if let Ok(f) = js_sys::Reflect::get(&settled, &"then".into()) {
        let _ = f
            .unchecked_into::<js_sys::Function>()
            .call1(&settled, &then);
    }
}

/// `navigator.clipboard.writeText(text)`, where the browser has it (secure pages only).
fn clipboard_write(text: &str) -> Option<js_sys::Promise> {
    let navigator = web_sys::window()?.navigator();
    let clipboard = js_sys::Reflect::get(&navigator, &"clipboard".into()).ok()?;
    if !clipboard.is_object() {
        return None;
    }
    let write: js_sys::Function = js_sys::Reflect::get(&clipboard, &"writeText".into())
        .ok()?
        .dyn_into()
        .ok()?;
    write
        .call1(&clipboard, &text.into())
        .ok()?
        .dyn_into::<js_sys::Promise>()
        .ok()
}

/// The old way: select the text in an off-screen `<textarea>` and ask for a copy. Positioned
/// through the CSSOM, which a strict `style-src` allows (unlike a `style` attribute).
fn fallback_copy(text: &str) -> CopyPath {
    let attempt = || -> Result<bool, JsValue> {
        let doc = document()?;
        let area: HtmlTextAreaElement = doc.create_element("textarea")?.dyn_into()?;
        area.set_value(text);
        area.set_read_only(true);
        let style = area.style();
        style.set_property("position", "fixed")?;
        style.set_property("top", "-1000px")?;
        style.set_property("opacity", "0")?;
        let body = doc.body().ok_or_else(|| JsValue::from_str("no <body>"))?;
        body.append_child(&area)?;
        area.select();
        let exec: js_sys::Function =
            js_sys::Reflect::get(&doc, &"execCommand".into())?.dyn_into()?;
        let ok = exec.call1(&doc, &"copy".into())?.as_bool().unwrap_or(false);
        area.remove();
        Ok(ok)
    };
    match attempt() {
        Ok(true) => CopyPath::Fallback,
        _ => CopyPath::Failed,
    }
}

/// The words a live region says after a copy of `what`.
pub fn copied_words(path: CopyPath, what: &str, text: &str) -> String {
    match path {
        CopyPath::Clipboard | CopyPath::Fallback => format!("Copied the {what}."),
        CopyPath::Failed => {
            format!("Could not reach the clipboard here; select and copy the {what}: {text}")
        }
    }
}
