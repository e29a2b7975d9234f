//! Lines in a plane, for charts that draw a unit's line w1·x1 + w2·x2 + b = 0 over a view
//! (the neuron's plane and the network's input plane).

/// A rectangle of the plane: x1 over `x`, x2 over `y`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct View {
    pub x: (f64, f64),
    pub y: (f64, f64),
}

impl View {
    pub fn contains(&self, p: (f64, f64)) -> bool {
        (self.x.0..=self.x.1).contains(&p.0) && (self.y.0..=self.y.1).contains(&p.1)
    }

    pub fn corners(&self) -> [(f64, f64); 4] {
        let (x, y) = (self.x, self.y);
        [(x.0, y.0), (x.1, y.0), (x.1, y.1), (x.0, y.1)]
    }
}

/// The part of the line a = 0 inside `view`, if any: where it crosses the view's edges.
pub fn segment(line: [f64; 3], view: &View) -> Option<((f64, f64), (f64, f64))> {
    let [w1, w2, b] = line;
    let mut hits: Vec<(f64, f64)> = Vec::with_capacity(4);
    if w2 != 0.0 {
        for x in [view.x.0, view.x.1] {
            hits.push((x, -(w1 * x + b) / w2));
        }
    }
    if w1 != 0.0 {
        for y in [view.y.0, view.y.1] {
            hits.push((-(w2 * y + b) / w1, y));
        }
    }
    // A hair of slack for the corners, where rounding puts a hit just outside.
    let slack = 1e-9 * (view.x.1 - view.x.0).max(view.y.1 - view.y.0);
    let wide = View {
        x: (view.x.0 - slack, view.x.1 + slack),
        y: (view.y.0 - slack, view.y.1 + slack),
    };
    hits.retain(|p| p.0.is_finite() && p.1.is_finite() && wide.contains(*p));
    let first = *hits.first()?;
    let far = |p: &&(f64, f64)| (p.0 - first.0).hypot(p.1 - first.1);
    let last = *hits
        .iter()
        .max_by(|p, q| far(p).total_cmp(&far(q)))
        .unwrap_or(&first);
    (far(&&last) > slack).then_some((first, last))
}
