// The page's bootstrap: starts the explorer's first part (its Rust start function mounts the
// first screen's panels and sets <body data-ready>), then exposes the bindings as Trunk did.
// When the first part asks for the rest (once its panels have drawn), the second part is
// loaded: it mounts the other panels and the guided path and sets <body data-complete>.
import { cannotStart, loadExplorer, loadRest } from './loader.js';

addEventListener('dying-relu:rest', () => {
  loadRest().then(
    (bindings) => {
      window.wasmLab = bindings;
      dispatchEvent(new CustomEvent('dying-relu:lab-started', { detail: { bindings } }));
    },
    (error) => cannotStart(error, true),
  );
}, { once: true });

try {
  const bindings = await loadExplorer();
  window.wasmBindings = bindings;
  dispatchEvent(new CustomEvent('TrunkApplicationStarted', { detail: { bindings } }));
} catch (error) {
  cannotStart(error);
}
