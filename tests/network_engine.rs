#![cfg(not(target_arch = "wasm32"))]
//! The network panel's training engine (issue 29), natively: requests encoded as the page
//! sends them, answered by the worker's handler, replies decoded as the page reads them. A
//! seeded run gives bit-identical epoch statistics to the panel's own run; Pause, Reset and
//! Compare work through the protocol; garbage gets an error reply, never a panic.

use dying_relu::panels::network::engine::{place, place_trace, DataSource, Lane, Reply, Request};
use dying_relu::panels::network::plane::PlaneField;
use dying_relu::panels::network::run::{Run, Work};
use dying_relu::panels::network::settings::{Output, Preset, Settings};
use dying_relu::panels::network::wire::{self, decode_reply, encode_reply, encode_request};
use dying_relu::panels::network::worker::Handler;
use dying_relu::sim::csv::{self, SAMPLE};
use dying_relu::sim::stats::EpochStats;
use dying_relu::spec::query_pairs;
use proptest::prelude::*;
use std::rc::Rc;

mod native_support;
use native_support::{clock, decode_all, small, start};

/// Sends one request as bytes; the replies as the page decodes them.
fn send(h: &mut Handler, r: &Request) -> Vec<Reply> {
    decode_all(h.handle_bytes(&encode_request(r)))
}

/// One slice of `budget_ms` (1 ms per clock read), its replies through the wire.
fn slice(h: &mut Handler, budget_ms: f64, c: &mut dyn FnMut() -> f64) -> Vec<Reply> {
    let replies = h.slice(budget_ms, c);
    decode_all(replies.iter().map(encode_reply).collect())
}

/// Slices until the handler is idle; every reply.
fn run_out(h: &mut Handler) -> Vec<Reply> {
    let mut c = clock();
    let mut out = Vec::new();
    let mut n = 0;
    while h.busy() {
        out.extend(slice(h, 5.0, &mut c));
        n += 1;
        assert!(n < 1_000_000, "the engine never went idle");
    }
    out
}

/// The history a page builds from the replies of `lane`.
fn history(replies: &[Reply], lane: Lane) -> Vec<EpochStats> {
    let mut h = Vec::new();
    for r in replies {
        if let Reply::Epoch { lane: l, stats, .. } = r {
            if *l == lane {
                place(&mut h, (**stats).clone());
            }
        }
    }
    h
}

/// Statistics compared by their exact bits (a NaN percentile is not equal to itself).
fn bits(h: &[EpochStats]) -> Vec<Vec<u8>> {
    h.iter()
        .map(|s| {
            encode_reply(&Reply::Epoch {
                gen: 0,
                lane: Lane::Main,
                stats: Box::new(s.clone()),
            })
        })
        .collect()
}

fn direct(settings: &Settings) -> Vec<EpochStats> {
    let mut run = Run::new(settings.clone(), None);
    run.run_to_end(&mut clock());
    assert!(run.failure().is_none(), "{:?}", run.failure());
    run.history
}

#[test]
fn a_seeded_run_through_the_engine_has_the_direct_runs_statistics_to_the_bit() {
    // Plain, ReDo (recycled units), clipping (clipped steps), a linear output, batch norm:
    // every field of the statistics.
    let linear = Settings {
        output: Output::Linear,
        preset: None,
        ..small(Preset::DeepRelu, 3)
    };
    for s in [
        small(Preset::DeepRelu, 3),
        small(Preset::Redo, 3),
        small(Preset::Clipping, 3),
        linear,
        small(Preset::BatchNorm, 3),
    ] {
        let preset = s.preset;
        let link = s.to_query();
        assert_eq!(
            Settings::from_pairs(&query_pairs(&link)).0,
            s,
            "the link carries the settings"
        );
        let mut h = Handler::new();
        assert!(send(&mut h, &start(7, &s)).is_empty());
        assert!(!h.busy(), "nothing trains before Train");
        send(
            &mut h,
            &Request::Train {
                gen: 7,
                until_epoch: 3,
            },
        );
        let replies = run_out(&mut h);
        let got = history(&replies, Lane::Main);
        let want = direct(&s);
        assert_eq!(got.len(), 4, "{preset:?}: epochs 0 to 3");
        assert_eq!(bits(&got), bits(&want), "{preset:?}");
        assert!(replies.iter().all(|r| r_gen(r) == Some(7)));
        assert!(matches!(
            replies.last(),
            Some(Reply::Finished {
                lane: Lane::Main,
                epochs: 3,
                ..
            })
        ));
        let trained: u64 = replies
            .iter()
            .filter_map(|r| match r {
                Reply::Progress { steps, .. } => Some(*steps),
                _ => None,
            })
            .max()
            .unwrap();
        assert_eq!(trained, want[3].step, "steps reported");
    }
}

fn r_gen(r: &Reply) -> Option<u32> {
    r.gen()
}

#[test]
fn the_loss_trace_arrives_whole_and_in_order() {
    let s = small(Preset::DeepRelu, 2);
    let mut h = Handler::new();
    send(&mut h, &start(1, &s));
    send(
        &mut h,
        &Request::Train {
            gen: 1,
            until_epoch: 2,
        },
    );
    // The engine and a run driven by the same slices and clock reads. (A budget of 1 tick
    // would never start an evaluation piece: the clock is read twice before it.)
    let (mut c, mut trace) = (clock(), Vec::new());
    while h.busy() {
        for r in slice(&mut h, 2.5, &mut c) {
            if let Reply::Progress {
                trace: t,
                trace_from,
                ..
            } = r
            {
                assert_eq!(trace_from, trace.len(), "each piece follows the last");
                // Placed twice, as after a replay: the same trace.
                place_trace(&mut trace, trace_from, &t);
                place_trace(&mut trace, trace_from, &t);
            }
        }
    }
    let mut run = Run::new(s, None);
    let mut c = clock();
    while !run.is_finished() {
        run.work(2.5, &mut c);
    }
    // 44 steps an epoch, 16 a slice: three points an epoch.
    assert_eq!(trace.len(), 6, "{trace:?}");
    assert!(trace.windows(2).all(|w| w[0].0 < w[1].0), "in order");
    let bits = |t: &[(f64, f64)]| -> Vec<(u64, u64)> {
        t.iter().map(|(x, y)| (x.to_bits(), y.to_bits())).collect()
    };
    assert_eq!(bits(&trace), bits(&run.trace));
}

#[test]
fn pause_stops_at_once_and_train_goes_on_to_the_same_numbers() {
    let s = small(Preset::DeepRelu, 3);
    let mut h = Handler::new();
    send(&mut h, &start(2, &s));
    send(
        &mut h,
        &Request::Train {
            gen: 2,
            until_epoch: 3,
        },
    );
    let mut c = clock();
    let mut replies = Vec::new();
    while !replies
        .iter()
        .any(|r| matches!(r, Reply::Epoch { stats, .. } if stats.epoch == 1))
    {
        replies.extend(slice(&mut h, 2.0, &mut c));
    }
    let paused = send(&mut h, &Request::Pause { gen: 2 });
    assert_eq!(paused[0], Reply::Paused { gen: 2, epochs: 1 });
    // With the network as it is now over the plane: the paused run is drawn whole.
    assert!(
        matches!(&paused[1..], [Reply::Field { gen: 2, .. }]),
        "{paused:?}"
    );
    assert!(!h.busy());
    assert!(
        slice(&mut h, 5.0, &mut c).is_empty(),
        "no work while paused"
    );
    // One epoch, as the panel's "One epoch" asks: exactly one more.
    send(
        &mut h,
        &Request::Train {
            gen: 2,
            until_epoch: 2,
        },
    );
    replies.extend(run_out(&mut h));
    assert_eq!(history(&replies, Lane::Main).len(), 3);
    send(
        &mut h,
        &Request::Train {
            gen: 2,
            until_epoch: 3,
        },
    );
    replies.extend(run_out(&mut h));
    assert_eq!(
        bits(&history(&replies, Lane::Main)),
        bits(&direct(&s)),
        "pausing changes no number"
    );
}

#[test]
fn reset_starts_a_fresh_run_and_requests_for_the_old_one_are_ignored() {
    let s = small(Preset::DeepRelu, 1);
    let mut h = Handler::new();
    send(&mut h, &start(1, &s));
    send(
        &mut h,
        &Request::Train {
            gen: 1,
            until_epoch: 1,
        },
    );
    let mut c = clock();
    slice(&mut h, 2.0, &mut c);
    let other = small(Preset::SeluLecun, 1);
    send(&mut h, &start(2, &other));
    assert!(!h.busy(), "a fresh run waits for Train");
    let stale = Request::Train {
        gen: 1,
        until_epoch: 1,
    };
    assert!(send(&mut h, &stale).is_empty());
    assert!(!h.busy(), "a request for the old run does nothing");
    send(
        &mut h,
        &Request::Train {
            gen: 2,
            until_epoch: 1,
        },
    );
    let replies = run_out(&mut h);
    assert!(replies.iter().all(|r| r_gen(r) == Some(2)));
    assert_eq!(bits(&history(&replies, Lane::Main)), bits(&direct(&other)));
}

#[test]
fn compare_trains_every_preset_in_turn_with_each_presets_own_numbers() {
    let s = small(Preset::DeepRelu, 1);
    let mut h = Handler::new();
    send(&mut h, &start(3, &s));
    send(
        &mut h,
        &Request::Train {
            gen: 3,
            until_epoch: 1,
        },
    );
    let mut c = clock();
    slice(&mut h, 2.0, &mut c);
    let first = send(&mut h, &Request::compare_presets(3, &s));
    assert_eq!(
        first,
        vec![Reply::Paused { gen: 3, epochs: 0 }],
        "Compare pauses the run"
    );
    let replies = run_out(&mut h);
    assert_eq!(replies.last(), Some(&Reply::CompareDone { gen: 3 }));
    assert!(
        history(&replies, Lane::Main).is_empty(),
        "the run stays paused"
    );
    let finished: Vec<usize> = replies
        .iter()
        .filter_map(|r| match r {
            Reply::Finished {
                lane: Lane::Compare(k),
                ..
            } => Some(*k),
            _ => None,
        })
        .collect();
    assert_eq!(
        finished,
        (0..Preset::ALL.len()).collect::<Vec<_>>(),
        "in turn"
    );
    for (k, p) in Preset::ALL.iter().enumerate() {
        let want = direct(&p.apply(&s));
        assert_eq!(
            bits(&history(&replies, Lane::Compare(k))),
            bits(&want),
            "{p:?}"
        );
    }
}

#[test]
fn pause_or_train_stops_a_comparison() {
    let s = small(Preset::DeepRelu, 1);
    let mut h = Handler::new();
    send(&mut h, &start(4, &s));
    send(&mut h, &Request::compare_presets(4, &s));
    let mut c = clock();
    slice(&mut h, 2.0, &mut c);
    assert!(h.busy());
    assert_eq!(
        send(&mut h, &Request::Pause { gen: 4 }),
        vec![
            Reply::CompareDone { gen: 4 },
            Reply::Paused { gen: 4, epochs: 0 }
        ]
    );
    assert!(!h.busy());
    send(&mut h, &Request::compare_presets(4, &s));
    let train = Request::Train {
        gen: 4,
        until_epoch: 1,
    };
    assert_eq!(send(&mut h, &train), vec![Reply::CompareDone { gen: 4 }]);
    let replies = run_out(&mut h);
    assert!(replies.iter().all(|r| !matches!(
        r,
        Reply::Progress {
            lane: Lane::Compare(_),
            ..
        }
    )));
    assert_eq!(history(&replies, Lane::Main).len(), 2);
}

/// The learner's data, as the numbers the page read from the file.
#[test]
fn own_data_trains_as_the_page_would() {
    let table = csv::parse(SAMPLE).unwrap();
    let data = table.dataset(1, true);
    let s = Settings {
        epochs: 2,
        ..Settings::default()
    };
    let mut run = Run::on_data(s.clone(), Rc::new(data.clone()));
    run.run_to_end(&mut clock());
    let mut h = Handler::new();
    let req = Request::Start {
        gen: 5,
        link: s.to_query(),
        data: DataSource::Numbers(data),
    };
    assert!(send(&mut h, &req).is_empty());
    send(
        &mut h,
        &Request::Train {
            gen: 5,
            until_epoch: 2,
        },
    );
    let got = history(&run_out(&mut h), Lane::Main);
    assert_eq!(got.len(), 3);
    assert_eq!(bits(&got), bits(&run.history));
}

fn is_error(replies: &[Reply]) -> bool {
    matches!(replies, [Reply::Error { message }] if !message.is_empty())
}

#[test]
fn data_of_the_wrong_shape_and_bad_messages_get_an_error_reply() {
    let mut h = Handler::new();
    // Numbers whose lengths disagree are refused on the way in.
    let mut d = csv::parse(SAMPLE).unwrap().dataset(1, false);
    d.train_x.pop();
    let numbers = Request::Start {
        gen: 1,
        link: String::new(),
        data: DataSource::Numbers(d),
    };
    assert!(is_error(&decode_all(
        h.handle_bytes(&encode_request(&numbers))
    )));
    for garbage in [&b""[..], b"\x00", b"\x01", b"\x01\x09\0\0\0\0", b"hello"] {
        assert!(
            is_error(&decode_all(h.handle_bytes(garbage))),
            "{garbage:?}"
        );
    }
    let mut other_version = encode_request(&Request::Pause { gen: 1 });
    other_version[0] = wire::VERSION + 1;
    let r = decode_all(h.handle_bytes(&other_version));
    assert!(format!("{r:?}").contains("another build"), "{r:?}");
    assert!(!h.busy());
}

#[test]
fn every_cut_of_a_valid_message_is_an_error() {
    let s = small(Preset::Redo, 1);
    let stats = direct(&s).pop().unwrap();
    let reply = encode_reply(&Reply::Epoch {
        gen: 1,
        lane: Lane::Compare(3),
        stats: Box::new(stats),
    });
    for n in 0..reply.len() {
        assert!(decode_reply(&reply[..n]).is_err(), "cut at {n}");
    }
    let mut longer = reply.clone();
    longer.push(0);
    assert!(decode_reply(&longer).is_err(), "a byte too many");
    let request = encode_request(&Request::compare_presets(1, &s));
    let mut h = Handler::new();
    for n in 0..request.len() {
        assert!(is_error(&decode_all(h.handle_bytes(&request[..n]))), "{n}");
    }
}

/// The plane is computed where the run trains and travels whole: after each of the main
/// run's epochs, and for other inputs when the page asks (View), equal to the field of the
/// direct run's network; a grid of the wrong size and every cut of the message are refused.
#[test]
fn the_input_plane_arrives_with_each_epoch_and_on_request() {
    let s = small(Preset::DeepRelu, 2);
    let mut h = Handler::new();
    send(&mut h, &start(5, &s));
    send(
        &mut h,
        &Request::Train {
            gen: 5,
            until_epoch: 2,
        },
    );
    let fields: Vec<PlaneField> = run_out(&mut h)
        .into_iter()
        .filter_map(|r| match r {
            Reply::Field { field, .. } => Some(*field),
            _ => None,
        })
        .collect();
    assert_eq!(fields.len(), 3, "epochs 0, 1 and 2");
    let mut run = Run::new(s.clone(), None);
    run.run_to_end(&mut clock());
    let (net, data) = (run.net().unwrap(), run.trained_data().unwrap());
    let want = PlaneField::compute(net, data, (0, 1)).unwrap();
    let text = |f: &PlaneField| format!("{f:?}");
    assert_eq!(text(&fields[2]), text(&want));
    // Inputs 3 and 1 of seed 002's four (1-based): the same network, another slice.
    let view = send(
        &mut h,
        &Request::View {
            gen: 5,
            plane: (3, 1),
        },
    );
    let [Reply::Field { gen: 5, field }] = &view[..] else {
        panic!("{view:?}");
    };
    assert_eq!(field.axes, (2, 0));
    let want = PlaneField::compute(net, data, (2, 0)).unwrap();
    assert_eq!(text(field), text(&want));
    assert!(
        field.slice && field.dead_on_data.is_empty(),
        "a slice counts no dead points"
    );
    assert!(!h.busy(), "looking trains nothing");
    // A View for an old run is ignored.
    assert!(send(
        &mut h,
        &Request::View {
            gen: 4,
            plane: (1, 2)
        }
    )
    .is_empty());
    let bytes = encode_reply(&view[0]);
    for n in (0..bytes.len()).step_by(97) {
        assert!(decode_reply(&bytes[..n]).is_err(), "cut at {n}");
    }
    let mut small_grid = (**field).clone();
    small_grid.output.pop();
    let bad = encode_reply(&Reply::Field {
        gen: 5,
        field: Box::new(small_grid),
    });
    assert!(decode_reply(&bad).is_err(), "a grid one point short");
}

#[test]
fn numbers_keep_their_bits_on_the_wire() {
    let odd = [
        f64::NAN,
        f64::from_bits(0x7ff8_dead_beef_0001),
        -0.0,
        f64::INFINITY,
        f64::NEG_INFINITY,
        f64::MIN_POSITIVE / 3.0,
        0.1 + 0.2,
    ];
    let reply = Reply::Progress {
        gen: u32::MAX,
        lane: Lane::Main,
        work: Work::Trained(12),
        steps: u64::MAX,
        progress: Some((3, 1_400)),
        trace_from: 17,
        trace: odd.iter().map(|&x| (x, -x)).collect(),
    };
    let Reply::Progress { trace, steps, .. } = decode_reply(&encode_reply(&reply)).unwrap() else {
        panic!("not progress");
    };
    assert_eq!(steps, u64::MAX);
    for ((x, y), want) in trace.iter().zip(odd) {
        assert_eq!(
            (x.to_bits(), y.to_bits()),
            (want.to_bits(), (-want).to_bits())
        );
    }
    let req = start(9, &small(Preset::HeNormal, 4));
    assert_eq!(wire::decode_request(&encode_request(&req)).unwrap(), req);
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2_000))]

    /// Any bytes at all: one error reply (or, by chance, a request), never a panic.
    #[test]
    fn random_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..64),
                                version in any::<bool>()) {
        let mut bytes = bytes;
        if version && !bytes.is_empty() {
            bytes[0] = wire::VERSION;
        }
        let mut h = Handler::new();
        let replies = h.handle_bytes(&bytes);
        prop_assert!(replies.len() <= 1);
        let _ = decode_reply(&bytes);
        let _ = h.slice(1.0, &mut clock());
    }
}
