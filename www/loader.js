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

/** The page's second part (`lab.js`, see index.html), started: loaded when the first part
 * asks for it (the `dying-relu:rest` event), once the first screen has drawn. */
export async function loadRest() {
  const base = document.baseURI;
  const bindings = await import(new URL('lab.js', base).href);
  await bindings.default({ module_or_path: new URL('lab_bg.wasm', base).href });
  return bindings;
}

/** Both parts of the explorer, found through the site's index.html (for other pages of the
 * site): `{ mount, parts }`, where `mount(element, panel, query)` mounts any panel through
 * the part that holds it (the npm package's one module holds them all). */
export async function loadExplorerFromSite() {
  const response = await fetch(new URL('index.html', document.baseURI));
  if (!response.ok) throw new Error(`index.html: HTTP ${response.status}`);
  const html = new DOMParser().parseFromString(await response.text(), 'text/html');
  const parts = [await loadExplorer(html), await loadRest()];
  const mount = (element, panel, query) => {
    const holder = parts.find((b) => b.panels().some((p) => p.name === panel)) ?? parts[0];
    return holder.mount(element, panel, query);
  };
  return { mount, parts };
}

/** Says in words, in place of the loading messages, that the explorer (or, with `rest`, its
 * second part) could not start. */
export function cannotStart(error, rest = false) {
  const why = error && error.message ? error.message : String(error);
  const note = document.getElementById('cannot-start');
  const what = rest ? 'The rest of the explorer (one neuron, the network, the phase map, your model and the guided path)' : 'The explorer';
  const text = `${what} could not start: ${why}. It needs JavaScript and WebAssembly; ` +
    'a browser extension, the site’s security policy or a lost connection may block them.';
  if (note) {
    note.textContent = text;
    note.classList.add('failed');
  }
  for (const p of document.querySelectorAll('.loading')) p.textContent = 'This interactive part could not start.';
  console.error(text);
}
