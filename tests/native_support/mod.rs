//! Helpers shared by the native tests of the network panel's state (the browser tests have
//! `tests/support`): a clock that ticks by itself, a state run until it wants no frames, small
//! runs and the engine's messages for them, and readers of a dead-unit report's JSON.
#![allow(dead_code)] // each test file uses its own subset

use dying_relu::panels::network::engine::{DataSource, Reply, Request};
use dying_relu::panels::network::run::Run;
use dying_relu::panels::network::settings::{Preset, Settings};
use dying_relu::panels::network::state::State;
use dying_relu::panels::network::wire::decode_reply;

/// A clock that advances 1 ms each time it is read: frame slicing without real time.
pub fn clock() -> impl FnMut() -> f64 {
    let mut t = 0.0;
    move || {
        t += 1.0;
        t
    }
}

/// Frames until the state stops wanting them (at least two, as the page gives).
pub fn run_frames(state: &mut State) {
    let mut c = clock();
    let mut frames = 0;
    while state.wants_frames() || frames < 2 {
        state.frame(f64::INFINITY, &mut c, 1);
        frames += 1;
        assert!(frames < 100_000, "never finished");
    }
}

/// A trained page run of `settings` on 2,000 samples for 2 epochs (it must not fail).
pub fn trained(settings: Settings) -> Run {
    let mut run = Run::new(
        Settings {
            samples: 2_000,
            epochs: 2,
            ..settings
        },
        None,
    );
    run.run_to_end(&mut clock());
    assert!(run.failure().is_none(), "{:?}", run.failure());
    run
}

/// The layer named `name` in a dead-unit report's `layers`.
pub fn layer<'a>(layers: &'a serde_json::Value, name: &str) -> &'a serde_json::Value {
    layers
        .as_array()
        .expect("layers")
        .iter()
        .find(|l| l["name"] == name)
        .unwrap_or_else(|| panic!("no layer {name}"))
}

/// A report layer's `fires`: per unit, the samples on which it fired.
pub fn fires(l: &serde_json::Value) -> Vec<u64> {
    l["fires"]
        .as_array()
        .expect("fires")
        .iter()
        .map(|f| f.as_u64().expect("a count"))
        .collect()
}

/// `preset` on 2,000 samples of seed 002 for `epochs` epochs: a run of a few milliseconds.
pub fn small(preset: Preset, epochs: usize) -> Settings {
    preset.apply(&Settings {
        samples: 2_000,
        epochs,
        ..Settings::default()
    })
}

/// The engine's Start for a fresh run `gen` of `s` on seed 002's data.
pub fn start(gen: u32, s: &Settings) -> Request {
    Request::Start {
        gen,
        link: s.to_query(),
        data: DataSource::Seed002,
    }
}

/// Replies' bytes as the page decodes them.
pub fn decode_all(bytes: Vec<Vec<u8>>) -> Vec<Reply> {
    bytes
        .iter()
        .map(|b| decode_reply(b).expect("the engine's replies decode"))
        .collect()
}
