//! The web layer: wires DOM events to the core and the charts.
