// The page's bootstrap: starts the explorer (its Rust start function mounts every
// [data-panel] and sets <body data-ready>), then exposes the bindings as Trunk did.
import { cannotStart, loadExplorer } from './loader.js';

try {
  const bindings = await loadExplorer();
  window.wasmBindings = bindings;
  dispatchEvent(new CustomEvent('TrunkApplicationStarted', { detail: { bindings } }));
} catch (error) {
  cannotStart(error);
}
