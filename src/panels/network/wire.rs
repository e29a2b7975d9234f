//! Requests and replies of the training engine ([`super::engine`]) as bytes, the form a
//! `Uint8Array` carries through `postMessage`. Numbers keep their exact bits (an f64 is its
//! eight bytes), so statistics read on the page are bit-identical to the worker's.
//!
//! Every message starts with [`VERSION`]: the worker's files are not hashed by Trunk, so a
//! page may meet a cached worker of another build, which must answer with an error rather
//! than misread. Decoding checks every length against the bytes left, so garbage gives a
//! [`WireError`], never a panic or a huge allocation.

use super::engine::{DataSource, Lane, Reply, Request};
use super::helper::{HelperReply, HelperRequest, LayerParams, Params};
use super::plane::PlaneField;
use super::run::Work;
use crate::sim::activation::{Activation, ActivationKind};
use crate::sim::data::Dataset;
use crate::sim::stats::{
    DeathRecord, Distribution, EpochStats, Histogram, LayerStats, Recycled, UpdateRatio,
};
use crate::sim::train::{Evaluation, OutputSums};
use std::fmt;

/// The format's version, the first byte of every message.
pub const VERSION: u8 = 5;

/// Why bytes could not be read as a message.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WireError(pub String);

impl fmt::Display for WireError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "unreadable engine message: {}", self.0)
    }
}

type Res<T> = Result<T, WireError>;

fn bad<T>(why: impl Into<String>) -> Res<T> {
    Err(WireError(why.into()))
}

/// Appends values to a message, little-endian.
#[derive(Default)]
struct Writer(Vec<u8>);

impl Writer {
    fn u8(&mut self, v: u8) {
        self.0.push(v);
    }
    fn u32(&mut self, v: u32) {
        self.0.extend_from_slice(&v.to_le_bytes());
    }
    fn u64(&mut self, v: u64) {
        self.0.extend_from_slice(&v.to_le_bytes());
    }
    fn usize(&mut self, v: usize) {
        self.u64(v as u64);
    }
    fn f64(&mut self, v: f64) {
        self.u64(v.to_bits());
    }
    fn bool(&mut self, v: bool) {
        self.u8(v as u8);
    }
    fn len(&mut self, n: usize) {
        self.u32(u32::try_from(n).unwrap_or(u32::MAX));
    }
    fn str(&mut self, s: &str) {
        self.len(s.len());
        self.0.extend_from_slice(s.as_bytes());
    }
    fn f32s(&mut self, v: &[f32]) {
        self.len(v.len());
        for x in v {
            self.0.extend_from_slice(&x.to_bits().to_le_bytes());
        }
    }
    fn f64s(&mut self, v: &[f64]) {
        self.len(v.len());
        v.iter().for_each(|x| self.f64(*x));
    }
    fn u64s(&mut self, v: &[u64]) {
        self.len(v.len());
        v.iter().for_each(|x| self.u64(*x));
    }
    fn bools(&mut self, v: &[bool]) {
        self.len(v.len());
        v.iter().for_each(|x| self.bool(*x));
    }
    fn opt_f64(&mut self, v: Option<f64>) {
        self.bool(v.is_some());
        self.f64(v.unwrap_or(0.0));
    }
}

/// Reads values back, each checked against the bytes left.
struct Reader<'a> {
    bytes: &'a [u8],
    pos: usize,
}

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize) -> Res<&'a [u8]> {
        let end = self.pos.checked_add(n).filter(|&e| e <= self.bytes.len());
        let Some(end) = end else {
            return bad(format!(
                "it ends early (byte {} of {})",
                self.pos,
                self.bytes.len()
            ));
        };
        let s = &self.bytes[self.pos..end];
        self.pos = end;
        Ok(s)
    }
    fn array<const N: usize>(&mut self) -> Res<[u8; N]> {
        let mut a = [0u8; N];
        a.copy_from_slice(self.take(N)?);
        Ok(a)
    }
    fn u8(&mut self) -> Res<u8> {
        Ok(self.take(1)?[0])
    }
    fn u32(&mut self) -> Res<u32> {
        Ok(u32::from_le_bytes(self.array()?))
    }
    fn u64(&mut self) -> Res<u64> {
        Ok(u64::from_le_bytes(self.array()?))
    }
    fn usize(&mut self) -> Res<usize> {
        let v = self.u64()?;
        usize::try_from(v).or_else(|_| bad(format!("{v} is too large a count")))
    }
    fn f64(&mut self) -> Res<f64> {
        Ok(f64::from_bits(self.u64()?))
    }
    fn bool(&mut self) -> Res<bool> {
        match self.u8()? {
            0 => Ok(false),
            1 => Ok(true),
            b => bad(format!("{b} is not a yes/no byte")),
        }
    }
    /// A length whose items take `item` bytes each, refused when the message cannot hold them.
    fn len(&mut self, item: usize) -> Res<usize> {
        let n = self.u32()? as usize;
        if n.saturating_mul(item) > self.bytes.len() - self.pos {
            return bad(format!("a list of {n} items is longer than the message"));
        }
        Ok(n)
    }
    fn str(&mut self) -> Res<String> {
        let n = self.len(1)?;
        String::from_utf8(self.take(n)?.to_vec()).or_else(|_| bad("a text is not UTF-8"))
    }
    /// `n` items of `N` bytes, taken at once (plain loops rather than collecting Results:
    /// each collect was a function of its own in the page's wasm).
    fn items<const N: usize, T>(&mut self, f: fn([u8; N]) -> T) -> Res<Vec<T>> {
        let n = self.len(N)?;
        let bytes = self.take(n * N)?;
        let mut out = Vec::with_capacity(n);
        for c in bytes.chunks_exact(N) {
            let mut a = [0u8; N];
            a.copy_from_slice(c);
            out.push(f(a));
        }
        Ok(out)
    }
    fn f32s(&mut self) -> Res<Vec<f32>> {
        self.items(|a| f32::from_bits(u32::from_le_bytes(a)))
    }
    fn f64s(&mut self) -> Res<Vec<f64>> {
        self.items(|a| f64::from_bits(u64::from_le_bytes(a)))
    }
    fn u64s(&mut self) -> Res<Vec<u64>> {
        self.items(u64::from_le_bytes)
    }
    fn bools(&mut self) -> Res<Vec<bool>> {
        let v: Vec<u8> = self.items(|[b]: [u8; 1]| b)?;
        if v.iter().any(|&b| b > 1) {
            return bad("a yes/no byte is neither");
        }
        Ok(v.into_iter().map(|b| b == 1).collect())
    }
    fn opt_f64(&mut self) -> Res<Option<f64>> {
        let some = self.bool()?;
        let v = self.f64()?;
        Ok(some.then_some(v))
    }
    fn list<T>(&mut self, item: usize, f: impl Fn(&mut Self) -> Res<T>) -> Res<Vec<T>> {
        let n = self.len(item)?;
        // `item` is a lower bound of an item's bytes: a bounded guess, not a promise.
        let mut out = Vec::with_capacity(n.min(1024));
        for _ in 0..n {
            out.push(f(self)?);
        }
        Ok(out)
    }
    fn header(&mut self) -> Res<u8> {
        match self.u8() {
            Ok(VERSION) => self.u8(),
            Ok(v) => bad(format!(
                "format {v}, this build reads format {VERSION} (a cached worker of another build?)"
            )),
            Err(_) => bad("it is empty"),
        }
    }
    fn end(&self) -> Res<()> {
        if self.pos == self.bytes.len() {
            Ok(())
        } else {
            bad(format!("{} bytes left over", self.bytes.len() - self.pos))
        }
    }
}

const START: u8 = 1;
const TRAIN: u8 = 2;
const PAUSE: u8 = 3;
const COMPARE: u8 = 4;
const VIEW: u8 = 5;

/// A request's bytes.
pub fn encode_request(r: &Request) -> Vec<u8> {
    let mut w = Writer::default();
    w.u8(VERSION);
    match r {
        Request::Start { gen, link, data } => {
            w.u8(START);
            w.u32(*gen);
            w.str(link);
            write_data(&mut w, data);
        }
        Request::Train { gen, until_epoch } => {
            w.u8(TRAIN);
            w.u32(*gen);
            w.usize(*until_epoch);
        }
        Request::Pause { gen } => {
            w.u8(PAUSE);
            w.u32(*gen);
        }
        Request::Compare { gen, links } => {
            w.u8(COMPARE);
            w.u32(*gen);
            w.len(links.len());
            links.iter().for_each(|l| w.str(l));
        }
        Request::View { gen, plane } => {
            w.u8(VIEW);
            w.u32(*gen);
            w.usize(plane.0);
            w.usize(plane.1);
        }
    }
    w.0
}

/// Reads a request's bytes.
pub fn decode_request(bytes: &[u8]) -> Result<Request, WireError> {
    let mut r = Reader { bytes, pos: 0 };
    let kind = r.header()?;
    let gen = r.u32()?;
    let req = match kind {
        START => Request::Start {
            gen,
            link: r.str()?,
            data: read_data(&mut r)?,
        },
        TRAIN => Request::Train {
            gen,
            until_epoch: r.usize()?,
        },
        PAUSE => Request::Pause { gen },
        COMPARE => Request::Compare {
            gen,
            links: r.list(4, |r| r.str())?,
        },
        VIEW => Request::View {
            gen,
            plane: (r.usize()?, r.usize()?),
        },
        k => return bad(format!("{k} is not a request")),
    };
    r.end()?;
    Ok(req)
}

fn write_data(w: &mut Writer, d: &DataSource) {
    match d {
        DataSource::Seed002 => w.u8(0),
        DataSource::Numbers(d) => {
            w.u8(2);
            w.usize(d.n_features);
            for v in [&d.train_x, &d.train_y, &d.val_x, &d.val_y] {
                w.f32s(v);
            }
        }
    }
}

fn read_data(r: &mut Reader) -> Res<DataSource> {
    Ok(match r.u8()? {
        0 => DataSource::Seed002,
        2 => {
            let d = Dataset {
                n_features: r.usize()?,
                train_x: r.f32s()?,
                train_y: r.f32s()?,
                val_x: r.f32s()?,
                val_y: r.f32s()?,
            };
            check_shape(&d)?;
            DataSource::Numbers(d)
        }
        k => return bad(format!("{k} is not a kind of data")),
    })
}

/// The trainer reads rows of `n_features` inputs: the lengths must agree.
fn check_shape(d: &Dataset) -> Res<()> {
    let fits = |x: &[f32], y: &[f32]| Some(x.len()) == y.len().checked_mul(d.n_features);
    if d.n_features == 0 || !fits(&d.train_x, &d.train_y) || !fits(&d.val_x, &d.val_y) {
        return bad("the data's inputs and targets do not have matching lengths");
    }
    Ok(())
}

const PROGRESS: u8 = 1;
const EPOCH: u8 = 2;
const FINISHED: u8 = 3;
const PAUSED: u8 = 4;
const FAILED: u8 = 5;
const COMPARE_DONE: u8 = 6;
const ERROR: u8 = 7;
// 8 was the network's weights (version 3), which the page never drew.
const FIELD: u8 = 9;

/// A reply's bytes.
pub fn encode_reply(r: &Reply) -> Vec<u8> {
    let mut w = Writer::default();
    w.u8(VERSION);
    match r {
        Reply::Progress {
            gen,
            lane,
            work,
            steps,
            progress,
            trace_from,
            trace,
        } => {
            w.u8(PROGRESS);
            w.u32(*gen);
            write_lane(&mut w, *lane);
            write_work(&mut w, *work);
            w.u64(*steps);
            w.bool(progress.is_some());
            let (pos, n) = progress.unwrap_or((0, 0));
            w.usize(pos);
            w.usize(n);
            w.usize(*trace_from);
            w.len(trace.len());
            for (x, y) in trace {
                w.f64(*x);
                w.f64(*y);
            }
        }
        Reply::Epoch { gen, lane, stats } => {
            w.u8(EPOCH);
            w.u32(*gen);
            write_lane(&mut w, *lane);
            write_stats(&mut w, stats);
        }
        Reply::Field { gen, field } => {
            w.u8(FIELD);
            w.u32(*gen);
            write_field(&mut w, field);
        }
        Reply::Finished { gen, lane, epochs } => {
            w.u8(FINISHED);
            w.u32(*gen);
            write_lane(&mut w, *lane);
            w.usize(*epochs);
        }
        Reply::Paused { gen, epochs } => {
            w.u8(PAUSED);
            w.u32(*gen);
            w.usize(*epochs);
        }
        Reply::Failed { gen, lane, message } => {
            w.u8(FAILED);
            w.u32(*gen);
            write_lane(&mut w, *lane);
            w.str(message);
        }
        Reply::CompareDone { gen } => {
            w.u8(COMPARE_DONE);
            w.u32(*gen);
        }
        Reply::Error { message } => {
            w.u8(ERROR);
            w.str(message);
        }
    }
    w.0
}

/// Reads a reply's bytes.
pub fn decode_reply(bytes: &[u8]) -> Result<Reply, WireError> {
    let mut r = Reader { bytes, pos: 0 };
    let kind = r.header()?;
    if kind == ERROR {
        let message = r.str()?;
        r.end()?;
        return Ok(Reply::Error { message });
    }
    let gen = r.u32()?;
    let reply = match kind {
        PROGRESS => Reply::Progress {
            gen,
            lane: read_lane(&mut r)?,
            work: read_work(&mut r)?,
            steps: r.u64()?,
            progress: {
                let some = r.bool()?;
                let p = (r.usize()?, r.usize()?);
                some.then_some(p)
            },
            trace_from: r.usize()?,
            trace: r.list(16, |r| Ok((r.f64()?, r.f64()?)))?,
        },
        EPOCH => Reply::Epoch {
            gen,
            lane: read_lane(&mut r)?,
            stats: Box::new(read_stats(&mut r)?),
        },
        FIELD => Reply::Field {
            gen,
            field: Box::new(read_field(&mut r)?),
        },
        FINISHED => Reply::Finished {
            gen,
            lane: read_lane(&mut r)?,
            epochs: r.usize()?,
        },
        PAUSED => Reply::Paused {
            gen,
            epochs: r.usize()?,
        },
        FAILED => Reply::Failed {
            gen,
            lane: read_lane(&mut r)?,
            message: r.str()?,
        },
        COMPARE_DONE => Reply::CompareDone { gen },
        k => return bad(format!("{k} is not a reply")),
    };
    r.end()?;
    Ok(reply)
}

fn write_lane(w: &mut Writer, lane: Lane) {
    match lane {
        Lane::Main => w.u64(0),
        Lane::Compare(k) => w.u64(k as u64 + 1),
    }
}

fn read_lane(r: &mut Reader) -> Res<Lane> {
    Ok(match r.usize()? {
        0 => Lane::Main,
        k => Lane::Compare(k - 1),
    })
}

fn write_work(w: &mut Writer, work: Work) {
    let (kind, n) = match work {
        Work::GeneratedData => (0, 0),
        Work::BuiltNetwork => (1, 0),
        Work::Initial => (2, 0),
        Work::Trained(n) => (3, n),
        Work::Evaluating(n) => (4, n),
        Work::Epoch(n) => (5, n),
        Work::Done => (6, 0),
        Work::Failed => (7, 0),
        Work::Closed(n) => (8, n),
        Work::Waiting => (9, 0),
    };
    w.u8(kind);
    w.usize(n);
}

fn read_work(r: &mut Reader) -> Res<Work> {
    let (kind, n) = (r.u8()?, r.usize()?);
    Ok(match kind {
        0 => Work::GeneratedData,
        1 => Work::BuiltNetwork,
        2 => Work::Initial,
        3 => Work::Trained(n),
        4 => Work::Evaluating(n),
        5 => Work::Epoch(n),
        6 => Work::Done,
        7 => Work::Failed,
        8 => Work::Closed(n),
        9 => Work::Waiting,
        k => return bad(format!("{k} is not a kind of work")),
    })
}

/// Every field, destructured: a field added to the statistics fails to compile here rather
/// than go missing on the way.
fn write_stats(w: &mut Writer, s: &EpochStats) {
    let EpochStats {
        epoch,
        step,
        train_loss,
        val_loss,
        layers,
        update_ratios,
        recycled,
        clipped_steps,
        val_accuracy,
    } = s;
    w.usize(*epoch);
    w.u64(*step);
    w.f64(*train_loss);
    w.f64(*val_loss);
    w.len(layers.len());
    layers.iter().for_each(|l| write_layer(w, l));
    w.len(update_ratios.len());
    for u in update_ratios {
        w.u64(u.step);
        w.f64s(&u.log10);
    }
    w.len(recycled.len());
    for c in recycled {
        w.u64(c.step);
        w.usize(c.layer);
        w.usize(c.unit);
    }
    w.u64(*clipped_steps);
    w.opt_f64(*val_accuracy);
}

fn read_stats(r: &mut Reader) -> Res<EpochStats> {
    Ok(EpochStats {
        epoch: r.usize()?,
        step: r.u64()?,
        train_loss: r.f64()?,
        val_loss: r.f64()?,
        layers: r.list(1, read_layer)?,
        update_ratios: r.list(12, |r| {
            Ok(UpdateRatio {
                step: r.u64()?,
                log10: r.f64s()?,
            })
        })?,
        recycled: r.list(24, |r| {
            Ok(Recycled {
                step: r.u64()?,
                layer: r.usize()?,
                unit: r.usize()?,
            })
        })?,
        clipped_steps: r.u64()?,
        val_accuracy: r.opt_f64()?,
    })
}

fn write_layer(w: &mut Writer, l: &LayerStats) {
    let LayerStats {
        units,
        pre_activation,
        output,
        weight_grad,
        bias_grad,
        grad_norm_last,
        grad_norm_mean,
        alive,
        mostly_off,
        off_fraction,
        max_pre_activation,
        dead_fraction,
        deaths,
        mean_abs_output,
        zero_fraction,
        near_zero_fraction,
        fired_in_training,
        provably_dead,
    } = l;
    w.usize(*units);
    for d in [pre_activation, output, weight_grad, bias_grad] {
        write_distribution(w, d);
    }
    w.f64(*grad_norm_last);
    w.f64(*grad_norm_mean);
    w.bools(alive);
    w.bools(mostly_off);
    w.f64s(off_fraction);
    w.f64s(max_pre_activation);
    w.f64(*dead_fraction);
    w.len(deaths.len());
    for d in deaths {
        w.bool(d.is_some());
        let d = d.unwrap_or(DeathRecord {
            found_dead_epoch: 0,
            last_active_step: None,
            max_pre_activation: 0.0,
            last_update_norm: 0.0,
        });
        w.usize(d.found_dead_epoch);
        w.bool(d.last_active_step.is_some());
        w.u64(d.last_active_step.unwrap_or(0));
        w.f64(d.max_pre_activation);
        w.f64(d.last_update_norm);
    }
    w.f64s(mean_abs_output);
    w.f64s(zero_fraction);
    w.f64s(near_zero_fraction);
    w.bools(fired_in_training);
    w.bools(provably_dead);
}

fn read_layer(r: &mut Reader) -> Res<LayerStats> {
    Ok(LayerStats {
        units: r.usize()?,
        pre_activation: read_distribution(r)?,
        output: read_distribution(r)?,
        weight_grad: read_distribution(r)?,
        bias_grad: read_distribution(r)?,
        grad_norm_last: r.f64()?,
        grad_norm_mean: r.f64()?,
        alive: r.bools()?,
        mostly_off: r.bools()?,
        off_fraction: r.f64s()?,
        max_pre_activation: r.f64s()?,
        dead_fraction: r.f64()?,
        deaths: r.list(34, read_death)?,
        mean_abs_output: r.f64s()?,
        zero_fraction: r.f64s()?,
        near_zero_fraction: r.f64s()?,
        fired_in_training: r.bools()?,
        provably_dead: r.bools()?,
    })
}

fn read_death(r: &mut Reader) -> Res<Option<DeathRecord>> {
    let some = r.bool()?;
    let found_dead_epoch = r.usize()?;
    let active = r.bool()?;
    let step = r.u64()?;
    let d = DeathRecord {
        found_dead_epoch,
        last_active_step: active.then_some(step),
        max_pre_activation: r.f64()?,
        last_update_norm: r.f64()?,
    };
    Ok(some.then_some(d))
}

fn write_distribution(w: &mut Writer, d: &Distribution) {
    let Distribution {
        histogram,
        percentiles,
        count,
        mean,
    } = d;
    let Histogram {
        lo,
        hi,
        counts,
        zeros,
        nonfinite,
    } = histogram;
    w.f64(*lo);
    w.f64(*hi);
    w.u64s(counts);
    w.u64(*zeros);
    w.u64(*nonfinite);
    percentiles.iter().for_each(|p| w.f64(*p));
    w.u64(*count);
    w.f64(*mean);
}

fn read_distribution(r: &mut Reader) -> Res<Distribution> {
    let histogram = Histogram {
        lo: r.f64()?,
        hi: r.f64()?,
        counts: r.u64s()?,
        zeros: r.u64()?,
        nonfinite: r.u64()?,
    };
    let mut percentiles = [0.0; 9];
    for p in percentiles.iter_mut() {
        *p = r.f64()?;
    }
    Ok(Distribution {
        histogram,
        percentiles,
        count: r.u64()?,
        mean: r.f64()?,
    })
}

fn write_field(w: &mut Writer, f: &PlaneField) {
    let PlaneField {
        res,
        axes,
        x,
        y,
        output,
        units,
        lines,
        dead_on_data,
        points,
        output_range,
        slice,
    } = f;
    w.usize(*res);
    w.usize(axes.0);
    w.usize(axes.1);
    w.f64s(&[x.0, x.1, y.0, y.1]);
    w.f32s(output);
    w.len(units.len());
    for layer in units {
        w.len(layer.len());
        layer.iter().for_each(|u| w.f32s(u));
    }
    w.len(lines.len());
    lines.iter().for_each(|l| w.f64s(l));
    w.len(dead_on_data.len());
    dead_on_data.iter().for_each(|l| w.bools(l));
    w.len(points.len());
    for (a, b, t) in points {
        w.f64(*a);
        w.f64(*b);
        w.f32s(&[*t]);
    }
    w.f32s(&[output_range.0, output_range.1]);
    w.bool(*slice);
}

fn read_field(r: &mut Reader) -> Res<PlaneField> {
    let res = r.usize()?;
    let axes = (r.usize()?, r.usize()?);
    let [x0, x1, y0, y1] = fixed::<4, f64>(r.f64s()?)?;
    let output = r.f32s()?;
    let units = r.list(4, |r| r.list(4, |r| r.f32s()))?;
    let lines = r.list(8, |r| fixed::<3, f64>(r.f64s()?))?;
    let dead_on_data = r.list(4, |r| r.bools())?;
    let points = r.list(24, |r| {
        let (a, b) = (r.f64()?, r.f64()?);
        let [t] = fixed::<1, f32>(r.f32s()?)?;
        Ok((a, b, t))
    })?;
    let [lo, hi] = fixed::<2, f32>(r.f32s()?)?;
    let slice = r.bool()?;
    // The page draws every grid point of every unit: the sizes must agree.
    let cells = res.checked_mul(res);
    let grid_ok = |v: &Vec<f32>| Some(v.len()) == cells;
    if res == 0 || !grid_ok(&output) || !units.iter().flatten().all(grid_ok) {
        return bad("the plane's grid does not match its size");
    }
    Ok(PlaneField {
        res,
        axes,
        x: (x0, x1),
        y: (y0, y1),
        output,
        units,
        lines,
        dead_on_data,
        points,
        output_range: (lo, hi),
        slice,
    })
}

/// A list of exactly `N` items.
fn fixed<const N: usize, T>(v: Vec<T>) -> Res<[T; N]> {
    let n = v.len();
    v.try_into()
        .or_else(|_| bad(format!("{n} numbers where {N} belong")))
}

// The training worker and its helper (`super::helper`): kinds of their own, so that the helper
// tells them from the page's requests (which it also gets: the run's Start, forwarded).
const EVALUATE: u8 = 16;
const EVALUATED: u8 = 16;
const REFUSED: u8 = 17;

/// Whether `bytes` are a [`HelperRequest`] rather than a page's [`Request`].
pub fn is_helper_request(bytes: &[u8]) -> bool {
    bytes.len() >= 2 && bytes[0] == VERSION && bytes[1] == EVALUATE
}

pub fn encode_helper_request(r: &HelperRequest) -> Vec<u8> {
    let mut w = Writer::default();
    w.u8(VERSION);
    let HelperRequest::Evaluate { gen, epoch, params } = r;
    w.u8(EVALUATE);
    w.u32(*gen);
    w.usize(*epoch);
    w.len(params.0.len());
    for l in &params.0 {
        w.f32s(&l.w);
        w.f32s(&l.b);
        w.bool(l.norm.is_some());
        for v in l.norm.iter().flatten() {
            w.f32s(v);
        }
    }
    w.0
}

pub fn decode_helper_request(bytes: &[u8]) -> Result<HelperRequest, WireError> {
    let mut r = Reader { bytes, pos: 0 };
    if r.header()? != EVALUATE {
        return bad("not a request for the helper");
    }
    let gen = r.u32()?;
    let epoch = r.usize()?;
    let layers = r.list(17, |r| {
        let w = r.f32s()?;
        let b = r.f32s()?;
        let norm = if r.bool()? {
            Some([r.f32s()?, r.f32s()?, r.f32s()?, r.f32s()?])
        } else {
            None
        };
        Ok(LayerParams { w, b, norm })
    })?;
    r.end()?;
    Ok(HelperRequest::Evaluate {
        gen,
        epoch,
        params: Params(layers),
    })
}

pub fn encode_helper_reply(r: &HelperReply) -> Vec<u8> {
    let mut w = Writer::default();
    w.u8(VERSION);
    match r {
        HelperReply::Evaluated { gen, epoch, ev } => {
            w.u8(EVALUATED);
            w.u32(*gen);
            w.usize(*epoch);
            write_evaluation(&mut w, ev);
        }
        HelperReply::Refused { gen, message } => {
            w.u8(REFUSED);
            w.u32(*gen);
            w.str(message);
        }
    }
    w.0
}

pub fn decode_helper_reply(bytes: &[u8]) -> Result<HelperReply, WireError> {
    let mut r = Reader { bytes, pos: 0 };
    let kind = r.header()?;
    let gen = r.u32()?;
    let reply = match kind {
        EVALUATED => HelperReply::Evaluated {
            gen,
            epoch: r.usize()?,
            ev: Box::new(read_evaluation(&mut r)?),
        },
        REFUSED => HelperReply::Refused {
            gen,
            message: r.str()?,
        },
        k => return bad(format!("{k} is not a reply of the helper")),
    };
    r.end()?;
    Ok(reply)
}

fn write_evaluation(w: &mut Writer, ev: &Evaluation) {
    w.len(ev.layers.len());
    for (l, &(units, act)) in ev.layers.iter().enumerate() {
        w.usize(units);
        let kind = ActivationKind::ALL.iter().position(|&k| k == act.kind);
        w.usize(kind.unwrap_or(usize::MAX));
        w.f64(act.alpha);
        w.u64s(&ev.off[l]);
        w.f64s(&ev.maxz[l]);
        w.f32s(&ev.zs[l]);
        w.f32s(&ev.outs[l]);
        let sums = &ev.out_sums[l];
        w.f64s(&sums.iter().map(|s| s.abs).collect::<Vec<_>>());
        w.u64s(&sums.iter().map(|s| s.zeros).collect::<Vec<_>>());
        w.u64s(&sums.iter().map(|s| s.near).collect::<Vec<_>>());
    }
    w.f64(ev.loss_sum);
    w.u64(ev.correct);
    w.usize(ev.next);
}

fn read_evaluation(r: &mut Reader) -> Res<Evaluation> {
    let n = r.len(41)?;
    let mut ev = Evaluation {
        layers: Vec::new(),
        off: Vec::new(),
        maxz: Vec::new(),
        zs: Vec::new(),
        outs: Vec::new(),
        out_sums: Vec::new(),
        loss_sum: 0.0,
        correct: 0,
        next: 0,
    };
    for _ in 0..n {
        let units = r.usize()?;
        let Some(&kind) = ActivationKind::ALL.get(r.usize()?) else {
            return bad("an activation this build does not know");
        };
        ev.layers.push((units, Activation::new(kind, r.f64()?)));
        let (off, maxz) = (r.u64s()?, r.f64s()?);
        ev.zs.push(r.f32s()?);
        ev.outs.push(r.f32s()?);
        let (abs, zeros, near) = (r.f64s()?, r.u64s()?, r.u64s()?);
        if [off.len(), maxz.len(), abs.len(), zeros.len(), near.len()]
            .iter()
            .any(|&k| k != units)
        {
            return bad("a layer's statistics of the wrong length");
        }
        ev.off.push(off);
        ev.maxz.push(maxz);
        ev.out_sums.push(
            (0..units)
                .map(|j| OutputSums {
                    abs: abs[j],
                    zeros: zeros[j],
                    near: near[j],
                })
                .collect(),
        );
    }
    ev.loss_sum = r.f64()?;
    ev.correct = r.u64()?;
    ev.next = r.usize()?;
    Ok(ev)
}
