//! The page's Web Worker: Trunk builds this bin beside the page (index.html links it with
//! `data-type="worker"`), and the "Where neurons die" panel runs its map cells and born-dead
//! trials in one instance per core. All the work is in the library
//! (`panels::dying::{jobs, worker}`), so it is the same code the page and the tests run.

#[cfg(target_arch = "wasm32")]
fn main() {
    dying_relu::panels::dying::worker::run();
}

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    eprintln!("the worker runs in a browser: build the site with `trunk build` (see README)");
}
