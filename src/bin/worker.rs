//! The page's Web Worker: Trunk builds this bin beside the page (index.html links it with
//! `data-type="worker"`), and the "Where neurons die" panel runs its map cells and born-dead
//! trials in one instance per core. All the work is in the library
//! (`panels::dying::{jobs, worker}`), so it is the same code the page and the tests run.
//!
//! Trunk's loader only calls the wasm-bindgen `init()`, which runs the module's start
//! functions and not `main`: the worker starts from a `#[wasm_bindgen(start)]` function. (The
//! library's own start function also runs here; it finds no window and returns.)

#[cfg(target_arch = "wasm32")]
#[wasm_bindgen::prelude::wasm_bindgen(start)]
pub fn worker_start() {
    dying_relu::panels::dying::worker::run();
}

fn main() {
    #[cfg(not(target_arch = "wasm32"))]
    eprintln!("the worker runs in a browser: build the site with `trunk build` (see README)");
}
