// embed.html's third panel, mounted from JavaScript with mount(element, panel, query).
import { cannotStart, loadExplorerFromSite } from './loader.js';

try {
  const { mount } = await loadExplorerFromSite();
  window.neuronPanel = mount(document.getElementById('mounted-neuron'), 'neuron', 'f=leaky_relu&alpha=0.05&b=-0.3');
} catch (error) {
  cannotStart(error);
}
