#![cfg(not(target_arch = "wasm32"))]
//! The training worker and its helper (issue 29), natively: two engines joined as the page's
//! two workers are, every message through the wire. The helper makes each epoch's
//! statistics while the trainer trains on; whenever its answers arrive, and whether it is
//! ready from the start, late, or lost mid-run, the page gets the statistics and planes of the
//! run made in one thread, to the bit, and the run finishes only once the last are in.

use dying_relu::panels::network::engine::{place, Lane, Reply, Request};
use dying_relu::panels::network::helper::{HelperReply, HelperRequest, Params};
use dying_relu::panels::network::run::Work;
use dying_relu::panels::network::settings::{Preset, Settings};
use dying_relu::panels::network::wire::{self, encode_reply, encode_request};
use dying_relu::panels::network::worker::{Handler, HelperLink};
use dying_relu::sim::stats::EpochStats;
use std::collections::VecDeque;

mod native_support;
use native_support::{clock, decode_all, small, start};

/// How the helper behaves in a run.
#[derive(Clone, Copy, Debug)]
struct Helper {
    /// Slices of the trainer before the helper says it is ready (None: never).
    ready_after: Option<usize>,
    /// Slices an answer takes to come back.
    delay: usize,
    /// The helper is lost (its worker failed) after this many slices: its answers never come.
    lost_after: Option<usize>,
}

/// The page's view of a run: every reply the trainer sent, in order, with the slice it came in.
struct Log {
    replies: Vec<(usize, Reply)>,
    /// Evaluations the helper made.
    evaluated: usize,
}

/// Joins trainer and helper engines: Start, Train until `epochs`, and slices until the
/// trainer is idle and nothing is on its way.
fn run_pair(s: &Settings, epochs: usize, how: Helper) -> Log {
    let mut trainer = Handler::new();
    let mut helper = Handler::new();
    let mut replies = Vec::new();
    let page = |t: &mut Handler, r: &Request, k: usize, out: &mut Vec<(usize, Reply)>| {
        out.extend(
            decode_all(t.handle_bytes(&encode_request(r)))
                .into_iter()
                .map(|r| (k, r)),
        );
    };
    page(&mut trainer, &start(3, s), 0, &mut replies);
    // The worker starts its helper when training begins.
    trainer.attach_helper();
    page(
        &mut trainer,
        &Request::Train {
            gen: 3,
            until_epoch: epochs,
        },
        0,
        &mut replies,
    );
    let mut c = clock();
    let mut to_helper: VecDeque<Vec<u8>> = VecDeque::new();
    let mut answers: VecDeque<(usize, Vec<u8>)> = VecDeque::new();
    let mut evaluated = 0;
    let mut k = 0;
    loop {
        k += 1;
        assert!(k < 1_000_000, "the pair never went idle");
        if how.ready_after == Some(k) {
            trainer.helper_ready();
        }
        if how.lost_after == Some(k) {
            trainer.helper_lost();
            to_helper.clear();
            answers.clear();
        }
        if trainer.busy() {
            let out = trainer.slice(5.0, &mut c);
            replies.extend(
                decode_all(out.iter().map(encode_reply).collect())
                    .into_iter()
                    .map(|r| (k, r)),
            );
        }
        let lost = how.lost_after.is_some_and(|n| k >= n);
        if !lost {
            to_helper.extend(trainer.take_for_helper());
        }
        // The helper works through what it got, in order, answering the evaluations.
        while let Some(m) = to_helper.pop_front() {
            if wire::is_helper_request(&m) {
                answers.push_back((k + how.delay, helper.evaluate_for_trainer(&m)));
                evaluated += 1;
            } else {
                assert!(helper.handle_bytes(&m).is_empty(), "a Start has no reply");
            }
        }
        while answers.front().is_some_and(|(due, _)| *due <= k) {
            let (_, a) = answers.pop_front().unwrap();
            replies.extend(
                decode_all(trainer.helper_answered(&a))
                    .into_iter()
                    .map(|r| (k, r)),
            );
        }
        if !trainer.busy() && answers.is_empty() && to_helper.is_empty() {
            break;
        }
    }
    Log { replies, evaluated }
}

/// The same run in one engine, no helper.
fn run_alone(s: &Settings, epochs: usize) -> Vec<Reply> {
    let mut h = Handler::new();
    let mut out = decode_all(h.handle_bytes(&encode_request(&start(3, s))));
    out.extend(decode_all(h.handle_bytes(&encode_request(
        &Request::Train {
            gen: 3,
            until_epoch: epochs,
        },
    ))));
    let mut c = clock();
    while h.busy() {
        out.extend(h.slice(5.0, &mut c));
    }
    out
}

fn history<'a>(replies: impl Iterator<Item = &'a Reply>) -> Vec<EpochStats> {
    let mut h = Vec::new();
    for r in replies {
        if let Reply::Epoch {
            lane: Lane::Main,
            stats,
            ..
        } = r
        {
            place(&mut h, (**stats).clone());
        }
    }
    h
}

/// Statistics and planes by their exact bits, in the order they came.
fn results<'a>(replies: impl Iterator<Item = &'a Reply>) -> Vec<Vec<u8>> {
    replies
        .filter(|r| matches!(r, Reply::Epoch { .. } | Reply::Field { .. }))
        .map(encode_reply)
        .collect()
}

fn steps_when_epoch(log: &Log, epoch: usize) -> (usize, u64) {
    let at = log
        .replies
        .iter()
        .position(|(_, r)| matches!(r, Reply::Epoch { stats, .. } if stats.epoch == epoch))
        .expect("the epoch's statistics came");
    let steps = log.replies[..at]
        .iter()
        .filter_map(|(_, r)| match r {
            Reply::Progress { steps, .. } => Some(*steps),
            _ => None,
        })
        .max()
        .unwrap_or(0);
    (at, steps)
}

#[test]
fn statistics_made_by_the_helper_equal_those_made_in_one_thread_to_the_bit() {
    let ready = Helper {
        ready_after: Some(1),
        delay: 3,
        lost_after: None,
    };
    // Plain, ReDo, clipping, batch norm (its running statistics travel) and Leaky ReLU.
    for preset in [
        Preset::DeepRelu,
        Preset::Redo,
        Preset::Clipping,
        Preset::BatchNorm,
        Preset::LeakyRelu,
    ] {
        let s = small(preset, 3);
        let alone = run_alone(&s, 3);
        let log = run_pair(&s, 3, ready);
        let got = log.replies.iter().map(|(_, r)| r);
        assert_eq!(history(got.clone()).len(), 4, "{preset:?}: epochs 0 to 3");
        assert_eq!(results(got), results(alone.iter()), "{preset:?}");
        assert_eq!(
            log.evaluated, 4,
            "{preset:?}: every statistic was the helper's"
        );
        assert!(
            matches!(
                log.replies.last(),
                Some((_, Reply::Finished { epochs: 3, .. }))
            ),
            "{preset:?}: Finished comes after the last statistics"
        );
        // Training went on while the helper evaluated: when epoch 1's statistics reached the
        // page, steps of epoch 2 had been taken.
        let per_epoch = history(alone.iter())[1].step;
        let (_, steps) = steps_when_epoch(&log, 1);
        assert!(
            steps > per_epoch,
            "{preset:?}: {steps} steps, {per_epoch} per epoch"
        );
    }
}

#[test]
fn a_helper_ready_late_or_lost_mid_run_changes_no_number() {
    let s = small(Preset::DeepRelu, 4);
    let want = results(run_alone(&s, 4).iter());
    for how in [
        // Never ready: everything is made in the trainer.
        Helper {
            ready_after: None,
            delay: 0,
            lost_after: None,
        },
        // Ready after the first statistics were made in the trainer.
        Helper {
            ready_after: Some(6),
            delay: 2,
            lost_after: None,
        },
        // Lost with answers on their way: the trainer makes those statistics again.
        Helper {
            ready_after: Some(1),
            delay: 50,
            lost_after: Some(120),
        },
        // Answers so slow the trainer finishes first and waits.
        Helper {
            ready_after: Some(1),
            delay: 400,
            lost_after: None,
        },
    ] {
        let log = run_pair(&s, 4, how);
        assert_eq!(results(log.replies.iter().map(|(_, r)| r)), want, "{how:?}");
        assert!(
            matches!(
                log.replies.last(),
                Some((_, Reply::Finished { epochs: 4, .. }))
            ),
            "{how:?}"
        );
        match how.ready_after {
            None => assert_eq!(log.evaluated, 0),
            // Some made here, the others by the helper.
            Some(6) => assert!((1..5).contains(&log.evaluated), "{}", log.evaluated),
            Some(_) => assert!(log.evaluated > 0, "{how:?}: the helper took part"),
        }
    }
}

#[test]
fn the_trainer_says_it_waits_and_stays_idle_meanwhile() {
    let s = small(Preset::DeepRelu, 1);
    let mut t = Handler::new();
    t.handle_bytes(&encode_request(&start(9, &s)));
    t.attach_helper();
    assert_eq!(t.helper(), HelperLink::Starting);
    let forwarded = t.take_for_helper();
    assert_eq!(forwarded.len(), 1, "the run's Start, for the helper");
    assert!(matches!(
        wire::decode_request(&forwarded[0]),
        Ok(Request::Start { gen: 9, .. })
    ));
    t.helper_ready();
    t.handle_bytes(&encode_request(&Request::Train {
        gen: 9,
        until_epoch: 1,
    }));
    let mut c = clock();
    let mut works = Vec::new();
    while t.busy() {
        for r in t.slice(5.0, &mut c) {
            if let Reply::Progress { work, .. } = r {
                works.push(work);
            }
        }
    }
    // Both statistics went out; training ended; the trainer idles until they come back.
    assert!(works.contains(&Work::Closed(0)) && works.contains(&Work::Closed(1)));
    let sent = t.take_for_helper();
    assert_eq!(sent.len(), 2);
    assert!(!t.busy(), "nothing to do but wait: no busy loop");
    // A helper on another run refuses: the trainer makes the statistics itself.
    let refusal = wire::encode_helper_reply(&HelperReply::Refused {
        gen: 9,
        message: "no such run".into(),
    });
    assert!(t.helper_answered(&refusal).is_empty());
    assert_eq!(t.helper(), HelperLink::Absent);
    assert!(t.busy(), "the statistics are made here now");
    let mut epochs = Vec::new();
    while t.busy() {
        for r in t.slice(5.0, &mut c) {
            if let Reply::Epoch { stats, .. } = r {
                epochs.push(stats.epoch);
            }
        }
    }
    assert_eq!(epochs, vec![0, 1]);
}

#[test]
fn the_helper_refuses_what_does_not_fit_and_garbage_never_panics() {
    let s = small(Preset::DeepRelu, 1);
    let mut helper = Handler::new();
    helper.handle_bytes(&encode_request(&start(2, &s)));
    let ask = |gen, params: Params| {
        wire::encode_helper_request(&HelperRequest::Evaluate {
            gen,
            epoch: 0,
            params,
        })
    };
    let mut run = dying_relu::panels::network::run::Run::new(s.clone(), None);
    while run.net().is_none() {
        run.work(f64::INFINITY, &mut clock());
    }
    let mut params = Params::of(run.net().unwrap());
    let answer = wire::decode_helper_reply(&helper.evaluate_for_trainer(&ask(2, params.clone())));
    assert!(matches!(
        answer,
        Ok(HelperReply::Evaluated {
            gen: 2,
            epoch: 0,
            ..
        })
    ));
    // Another run's generation.
    let answer = wire::decode_helper_reply(&helper.evaluate_for_trainer(&ask(5, params.clone())));
    assert!(matches!(answer, Ok(HelperReply::Refused { gen: 5, .. })));
    // A network of another shape (one layer short).
    params.0.pop();
    let answer = wire::decode_helper_reply(&helper.evaluate_for_trainer(&ask(2, params.clone())));
    assert!(
        matches!(answer, Ok(HelperReply::Refused { gen: 2, .. })),
        "{answer:?}"
    );
    // Every cut of a request and of an answer is an error, never a panic.
    let bytes = ask(2, Params::of(run.net().unwrap()));
    assert!(wire::is_helper_request(&bytes));
    assert!(!wire::is_helper_request(&encode_request(&start(2, &s))));
    for n in 0..bytes.len() {
        assert!(
            wire::decode_helper_request(&bytes[..n]).is_err(),
            "cut at {n}"
        );
        let _ = helper.evaluate_for_trainer(&bytes[..n]);
    }
    let answer = helper.evaluate_for_trainer(&bytes);
    for n in (0..answer.len()).step_by(7) {
        assert!(
            wire::decode_helper_reply(&answer[..n]).is_err(),
            "cut at {n}"
        );
    }
    // The trainer takes a cut answer as a lost helper.
    let mut t = Handler::new();
    t.handle_bytes(&encode_request(&start(2, &s)));
    t.attach_helper();
    t.helper_ready();
    assert!(t.helper_answered(&answer[..answer.len() / 2]).is_empty());
    assert_eq!(t.helper(), HelperLink::Absent);
}
