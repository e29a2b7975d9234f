//! The page's second part: Trunk builds this bin with the features "page,lab" (index.html),
//! and www/loader.js loads it once the first part asks for it. Everything is in the library:
//! the start function below runs the library's (`web::start`), which finds the panels this
//! part holds on the page, mounts them, and starts the guided path.

#[cfg(all(target_arch = "wasm32", feature = "page"))]
#[wasm_bindgen::prelude::wasm_bindgen(start)]
pub fn lab_start() {
    dying_relu::web::start();
}

fn main() {
    #[cfg(not(target_arch = "wasm32"))]
    eprintln!(
        "the page's second part runs in a browser: build the site with `trunk build` (see README)"
    );
}
