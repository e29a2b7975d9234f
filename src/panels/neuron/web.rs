//! The neuron panel in the page: controls and buttons send messages to [`State`], and every
//! message ends in a render. Training runs on a [`FrameLoop`] while `State::training` holds.

use super::state::{self, Msg, Settings, State, BIAS, FIELDS};
use super::words;
use crate::chart::figure::Figures;
use crate::web::address::Address;
use crate::web::animation::{FrameLoop, WARM_UP_FRAMES};
use crate::web::canvas::ChartCanvas;
use crate::web::controls::FieldControls;
use crate::web::{dom, export, frames_per_redraw, on_resize, report, Panel};
use gloo_events::EventListener;
use gloo_timers::callback::Timeout;
use std::cell::RefCell;
use std::rc::Rc;
use wasm_bindgen::JsValue;
use web_sys::Element;

/// The gate histogram, the flow diagram and the timelines.
const CHARTS: usize = 4;

struct Buttons {
    large: Element,
    train: Element,
    step: Element,
    reset: Element,
}

struct View {
    host: Element,
    state: State,
    controls: FieldControls,
    buttons: Buttons,
    gate_chart: ChartCanvas,
    flow_chart: ChartCanvas,
    timeline_chart: ChartCanvas,
    /// R's line in the plane of (x1, x2), with its inputs as a cloud.
    plane_chart: ChartCanvas,
    status: Element,
    problem: Element,
    /// The last step's update-to-data ratio, in words, under the flow diagram.
    step_ratio: Element,
    link: dom::Permalink,
    address: Option<Address>,
    running: Option<FrameLoop>,
    /// The charts a change did not draw at once (see [`draw_rest`]).
    later: Option<Timeout>,
}

type Shared = Rc<RefCell<View>>;

impl View {
    fn render(&self) -> Result<(), JsValue> {
        for chart in 0..CHARTS {
            self.render_chart(chart)?;
        }
        self.render_controls()?;
        self.render_after_charts()
    }

    /// The main chart and the words; the other charts are left to later tasks.
    fn render_first(&self) -> Result<(), JsValue> {
        self.render_chart(0)?;
        self.render_controls()?;
        self.render_after_charts()
    }

    /// A training frame: the words and one chart, the next chart in the next frame. Drawing
    /// all three at 2x in one frame (and rasterising them) took 60–150 ms in headless
    /// Chromium; one a frame keeps every frame inside its budget, and each chart still moves
    /// 20 times a second.
    fn render_training_frame(&self, frame: u32) -> Result<(), JsValue> {
        // Layout is read (the canvas's width) before anything is written, so the frame never
        // forces the browser to lay out the page twice.
        self.render_chart(frame as usize % CHARTS)?;
        self.render_controls()?;
        self.render_after_charts()
    }

    fn render_after_charts(&self) -> Result<(), JsValue> {
        let stats = self.state.neuron.stats();
        self.gate_chart
            .canvas
            .set_attribute("aria-label", &words::gate_chart_label(&stats))?;
        let (open, shut) = self.state.plane().sides();
        self.plane_chart
            .canvas
            .set_attribute("aria-label", &words::plane_chart_label(open, shut))?;
        self.render_words()?;
        self.mark_host()?;
        if let Some(a) = &self.address {
            a.publish(&FIELDS, &self.state.settings, &Settings::default());
        }
        self.link
            .update(&crate::spec::write_query(&FIELDS, &self.state.settings))
    }

    fn render_controls(&self) -> Result<(), JsValue> {
        let s = &self.state;
        self.controls.write(&FIELDS, &s.settings)?;
        self.controls
            .set_disabled(crate::spec::ALPHA.key, !s.settings.kind.uses_alpha());
        // b moves as R learns; the slider follows it (clamped to its range), its text is exact.
        self.controls.show_number(BIAS.key, s.neuron.b)?;
        let b = &self.buttons;
        b.train
            .set_text_content(Some(if s.training { "Pause" } else { "Train" }));
        b.train
            .set_attribute("aria-pressed", if s.training { "true" } else { "false" })
    }

    /// Draws chart `i` (0 the gate histogram, 1 the flow diagram, 2 the timelines, 3 the plane) through
    /// the panel's figures, as Save SVG does.
    fn render_chart(&self, i: usize) -> Result<(), JsValue> {
        let s = &self.state;
        let canvas = match i {
            0 => &self.gate_chart,
            1 => &self.flow_chart,
            2 => &self.timeline_chart,
            _ => &self.plane_chart,
        };
        canvas.draw(|area, theme| s.draw(i, area, theme))
    }

    fn render_words(&self) -> Result<(), JsValue> {
        let s = &self.state;
        let stats = s.neuron.stats();
        let summary = words::summary(
            s.neuron.f,
            &stats,
            &s.gradient_now(),
            s.was_shut,
            s.settings.lr,
        );
        let step = s.neuron.last_step();
        dom::set_text(&self.status, &words::status(summary, step));
        dom::set_text(
            &self.step_ratio,
            &words::step_note(s.last_step_ratio(), step),
        );
        let problem = s.problem.as_deref().unwrap_or("");
        dom::set_text(&self.problem, problem);
        self.problem
            .toggle_attribute_with_force("hidden", problem.is_empty())?;
        Ok(())
    }

    /// Exact state for scripts and tests (Rust's shortest round-trip form of each f64).
    fn mark_host(&self) -> Result<(), JsValue> {
        let n = &self.state.neuron;
        let open = n.stats().open_fraction;
        for (k, v) in [("w1", n.w[0]), ("w2", n.w[1]), ("b", n.b), ("open", open)] {
            self.host
                .set_attribute(&format!("data-{k}"), &v.to_string())?;
        }
        self.host
            .set_attribute("data-steps", &n.steps().to_string())
    }
}

/// Sends a message, keeps the frame loop in step with `training`, and renders.
fn send(view: &Shared, msg: Msg) {
    let mut v = view.borrow_mut();
    // Train and Pause change no chart (the frames that train draw them): only the words.
    let charts_change = msg != Msg::ToggleTrain;
    let was_training = v.state.training;
    if !was_training {
        // A catch-up loop after a pause gives way to whatever comes now.
        v.running = None;
    }
    v.state.update(msg);
    if !v.state.training {
        v.running = None;
    } else if v.running.is_none() {
        v.running = Some(train_loop(view));
    }
    if charts_change {
        // The main chart now, the other two in the next tasks: all three at 2x in one task
        // took 50-90 ms in headless Chromium. A training loop draws them anyway.
        report("Drawing “One neuron”", v.render_first());
        v.later = (!v.state.training).then(|| draw_rest(view, 1));
    } else {
        report(
            "Drawing “One neuron”",
            v.render_controls().and_then(|_| v.render_after_charts()),
        );
        if was_training && !v.state.training {
            // Paused: the charts the last frames did not reach are drawn, one per frame.
            v.running = Some(catch_up_loop(view));
        }
    }
}

/// Draws chart `i` in a task of its own, then the charts after it. Tasks, not animation
/// frames: when frame after frame commits, Chromium (software compositing, as in headless
/// tests) gives every canvas on the page a new buffer in the first two (6-20 ms each at 2x,
/// 80 ms for nine), which a change of one chart must not set off.
fn draw_rest(view: &Shared, i: usize) -> Timeout {
    let weak = Rc::downgrade(view);
    Timeout::new(0, move || {
        let Some(view) = weak.upgrade() else { return };
        let Ok(mut v) = view.try_borrow_mut() else {
            return;
        };
        report("Drawing “One neuron”", v.render_chart(i));
        v.later = (i + 1 < CHARTS).then(|| draw_rest(&view, i + 1));
    })
}

/// Draws each chart once, one per animation frame, then stops.
fn catch_up_loop(view: &Shared) -> FrameLoop {
    let weak = Rc::downgrade(view);
    let mut next = 0;
    FrameLoop::start(move |_| {
        let Some(view) = weak.upgrade() else {
            return false;
        };
        let Ok(v) = view.try_borrow() else {
            return true;
        };
        report("Drawing “One neuron”", v.render_chart(next));
        next += 1;
        next < CHARTS
    })
}

/// One Tick per animation frame; the loop holds the view weakly, so removing the panel ends it.
fn train_loop(view: &Shared) -> FrameLoop {
    let weak = Rc::downgrade(view);
    let every = frames_per_redraw();
    let mut frame = 0u32;
    FrameLoop::start(move |_| {
        let Some(view) = weak.upgrade() else {
            return false;
        };
        let Ok(mut v) = view.try_borrow_mut() else {
            return true;
        };
        v.state.update(Msg::Tick);
        frame = frame.wrapping_add(1);
        let go = v.state.training;
        if !go {
            // Stopped by itself (training failed): the rest is drawn in the next tasks.
            v.running = None;
            report("Drawing “One neuron”", v.render_first());
            v.later = Some(draw_rest(&view, 1));
        } else if frame <= WARM_UP_FRAMES {
            // The words move from the first frame; the charts wait (see WARM_UP_FRAMES).
            report(
                "Drawing “One neuron”",
                v.render_controls().and_then(|_| v.render_after_charts()),
            );
        } else if frame.is_multiple_of(every) {
            report(
                "Drawing “One neuron”",
                v.render_training_frame(frame / every),
            );
        }
        go
    })
}

/// Builds the panel inside `host` from query pairs.
pub fn mount(
    host: &Element,
    pairs: &[(String, String)],
    address: Option<Address>,
) -> Result<Panel, JsValue> {
    let doc = dom::document()?;
    let (settings, warnings) = state::from_pairs(pairs);
    let prefix = dom::unique_prefix("neuron");
    let controls = FieldControls::new(&doc, &prefix, &FIELDS, &settings)?;
    let buttons = Buttons {
        large: dom::button(&doc, "Large gradient step")?,
        train: dom::button(&doc, "Train")?,
        step: dom::button(&doc, "Step")?,
        reset: dom::button(&doc, "Reset")?,
    };
    buttons.large.set_class_name("primary");
    let link = dom::Permalink::new(&doc, super::PANEL)?;
    let controls_el = controls_column(&doc, &controls, &buttons, &link)?;

    let gate_chart =
        ChartCanvas::new(&doc, "Histogram of the pre-activation a", 0.6)?.with_narrow_aspect(1.3);
    let flow_chart = ChartCanvas::new(&doc, "Gradient flow through R", 0.42)?;
    flow_chart.canvas.set_attribute("aria-label", "Gradient flow diagram: x1, x2 and b feed a, which passes the gate to y; edge widths are gradient sizes")?;
    let timeline_chart = ChartCanvas::new(
        &doc,
        "Timelines of w1, w2, b, the loss and the open-gate fraction",
        0.75,
    )?;
    let plane_chart = ChartCanvas::new(
        &doc,
        "R's line w1·x1 + w2·x2 + b = 0 in the plane of its inputs",
        0.6,
    )?
    .with_narrow_aspect(1.2);
    let status = dom::live_status(&doc)?;
    let problem = dom::el(&doc, "p", "notice", "")?;
    problem.set_attribute("role", "alert")?;
    problem.set_attribute("hidden", "")?;
    let figure = dom::el(&doc, "div", "figure", "")?;
    for e in [&status, &problem] {
        figure.append_child(e)?;
    }
    let step_ratio = dom::el(&doc, "p", "hint step-ratio", "")?;
    figure.append_child(&gate_chart.canvas)?;
    figure.append_child(&plane_chart.canvas)?;
    figure.append_child(&flow_chart.canvas)?;
    figure.append_child(&step_ratio)?;
    figure.append_child(&timeline_chart.canvas)?;
    dom::lay_out(&doc, host, &controls_el, &figure, &warnings)?;

    let view = Rc::new(RefCell::new(View {
        host: host.clone(),
        state: State::new(settings),
        controls,
        buttons,
        gate_chart,
        flow_chart,
        timeline_chart,
        plane_chart,
        status,
        problem,
        step_ratio,
        link,
        address,
        running: None,
        later: None,
    }));
    // The main chart in the mounting task, the other two in tasks of their own: the page
    // mounts its panels one per task (web::boot), and three charts in one held it 90-120 ms.
    crate::web::boot::first_draw(&view, |view| {
        report("Drawing “One neuron”", view.borrow().render_first());
        let rest = draw_rest(view, 1);
        view.borrow_mut().later = Some(rest);
    });
    let mut listeners = listen(&view)?;
    listeners.extend(figure_buttons(&doc, &view)?);
    Ok(Panel::new(listeners, Box::new(view)))
}

/// "Save PNG" and "Save SVG" under each chart.
fn figure_buttons(doc: &web_sys::Document, view: &Shared) -> Result<Vec<EventListener>, JsValue> {
    type Pick = fn(&View) -> (&State, &web_sys::HtmlCanvasElement);
    let charts: [(Pick, &str); 4] = [
        (
            |v| (&v.state, &v.gate_chart.canvas),
            "histogram of the pre-activation",
        ),
        (
            |v| (&v.state, &v.flow_chart.canvas),
            "gradient-flow diagram",
        ),
        (|v| (&v.state, &v.timeline_chart.canvas), "timelines"),
        (
            |v| (&v.state, &v.plane_chart.canvas),
            "R's line in the plane of its inputs",
        ),
    ];
    let mut listeners = Vec::new();
    for (index, (pick, title)) in charts.into_iter().enumerate() {
        let (tools, saves) = export::figure_buttons(doc, view, pick, index, title)?;
        pick(&view.borrow()).1.after_with_node_1(&tools)?;
        listeners.extend(saves);
    }
    Ok(listeners)
}

fn controls_column(
    doc: &web_sys::Document,
    controls: &FieldControls,
    buttons: &Buttons,
    link: &dom::Permalink,
) -> Result<Element, JsValue> {
    let row = dom::el(doc, "div", "buttons", "")?;
    for b in [
        &buttons.large,
        &buttons.train,
        &buttons.step,
        &buttons.reset,
    ] {
        row.append_child(b)?;
    }
    let column = dom::el(doc, "div", "controls", "")?;
    controls.append_rows(&column, &[])?;
    column.append_child(&row)?;
    let task = dom::el(doc, "p", "hint", words::TASK)?;
    column.append_child(&task)?;
    column.append_child(&link.link)?;
    Ok(column)
}

/// Every control and button sends its message.
fn listen(view: &Shared) -> Result<Vec<EventListener>, JsValue> {
    let v = view.borrow();
    let mut listeners = v.controls.listen("input", {
        let view = view.clone();
        move |key, value| send(&view, Msg::Set(key, value))
    });
    let b = &v.buttons;
    for (el, msg) in [
        (&b.large, Msg::LargeStep),
        (&b.step, Msg::Step),
        (&b.reset, Msg::Reset),
        (&b.train, Msg::ToggleTrain),
    ] {
        let view = view.clone();
        listeners.push(EventListener::new(el, "click", move |_| {
            send(&view, msg.clone())
        }));
    }
    listeners.push(on_resize({
        let view = view.clone();
        move || report("Drawing “One neuron”", view.borrow().render())
    })?);
    Ok(listeners)
}
