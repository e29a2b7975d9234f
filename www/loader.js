// Loads the explorer's WebAssembly from a page Trunk built, without any inline script, so that
// a strict Content-Security-Policy (script-src 'self' 'wasm-unsafe-eval') lets it run.
//
// Trunk names the JavaScript glue and the .wasm with a content hash; its build writes them
// into the page's <script data-boot data-js=… data-wasm=…> (see `pattern_script` in
// Trunk.toml). URLs are resolved against the page, so the site works from any sub-path.

/** The explorer's module, started: `{ default: init, mount, … }`. */
export async function loadExplorer(page = document) {
  const tag = page.querySelector('script[data-boot]');
  if (!tag) throw new Error('this page names no explorer module (no <script data-boot>)');
  const base = document.baseURI;
  const bindings = await import(new URL(tag.dataset.js, base).href);
  await bindings.default({ module_or_path: new URL(tag.dataset.wasm, base).href });
  return bindings;
}

/** The same module, found through the site's index.html (for other pages of the site). */
export async function loadExplorerFromSite() {
  const response = await fetch(new URL('index.html', document.baseURI));
  if (!response.ok) throw new Error(`index.html: HTTP ${response.status}`);
  const html = new DOMParser().parseFromString(await response.text(), 'text/html');
  return loadExplorer(html);
}

/** Says in words, in place of the loading messages, that the explorer could not start. */
export function cannotStart(error) {
  const why = error && error.message ? error.message : String(error);
  const note = document.getElementById('cannot-start');
  const text = `The explorer could not start: ${why}. It needs JavaScript and WebAssembly; ` +
    'a browser extension or the site’s security policy may block them.';
  if (note) {
    note.textContent = text;
    note.classList.add('failed');
  }
  for (const p of document.querySelectorAll('.loading')) p.textContent = 'This interactive part could not start.';
  console.error(text);
}
