//! The page's Web Worker: Trunk builds this bin beside the page (index.html links it with
//! `data-type="worker"`). One worker answers two kinds of message: text jobs of the "Where
//! neurons die" map (its cells and born-dead trials, one instance per core) and the bytes of
//! "A small network"'s training engine (its own instance). All the work is in the library
//! (`panels::dying::{jobs, worker}`, `panels::network::{worker, wire}`), so it is the same
//! code the page and the tests run.
//!
//! Trunk's loader only calls the wasm-bindgen `init()`, which runs the module's start
//! functions and not `main`: the worker starts from a `#[wasm_bindgen(start)]` function. (The
//! library's own start function also runs here; it finds no window and returns.)

#[cfg(target_arch = "wasm32")]
#[wasm_bindgen::prelude::wasm_bindgen(start)]
pub fn worker_start() {
    // The engine listens for bytes and leaves text to the map's handler, which is installed
    // last because it posts "ready": both must be in place before the page's first message.
    dying_relu::panels::network::worker::listen();
    dying_relu::panels::dying::worker::run();
}

fn main() {
    #[cfg(not(target_arch = "wasm32"))]
    eprintln!("the worker runs in a browser: build the site with `trunk build` (see README)");
}
