"""Is my model dying? A dead-unit probe for Keras 3 (any backend; needs only keras and numpy).

    from keras_probe import dead_unit_report, save
    report = dead_unit_report(model, batches)   # batches: an iterable of input arrays/tensors
    save(report, "model.dead.json")             # open it in the Dying ReLU Explorer

During training, every K steps (a callback for model.fit, or call w.step() yourself)::

    w = watch(model, batches, every=100)
    model.fit(x, y, callbacks=[w.callback()])
    save(w, "model.dead.json")                  # the report and its snapshots

Most Keras layers apply their activation inside (Dense(8, activation="relu")), so the probe
swaps each Dense/Conv layer's activation for a recorder that sees the pre-activation z, applies
the real activation and sees its output h; activation layers (Activation, ReLU, LeakyReLU,
PReLU, ELU) are wrapped to see their input and output, and named after the Dense/Conv layer
that feeds them (through batch norm or dropout, if any). It calls the model eagerly with
training=False (batch norm uses its moving statistics, dropout is off) and puts every layer
back as it was. Per unit (a conv channel is a unit, reduced over the batch and every position):

- ``fires``: samples on which z > 0 (f' != 0 for ReLU); 0 is dead on these samples;
- ``fire_fraction``: the share of the unit's values with z > 0;
- ``max_pre_activation``: the largest z;
- ``mean_abs_output``: mean |h| (Sokar et al.'s E|h|), and ``tau_score`` = m_i / mean_k m_k
  (0 when the layer's mean is 0; tau-dormant is tau_score <= tau, tau = 0.025 by default);
- ``zero_fraction``: the share of h exactly 0 (sparsity, not death: about one half in a
  healthy ReLU layer) and ``near_zero_fraction``: the share with |h| <= 0.05 (fastai).

What it cannot measure it lists in ``report["not_hooked"]`` with the reason: a Dense/Conv with
a linear activation that no activation layer follows (a functional keras.ops.relu or
tf.nn.relu in a subclassed model's call(), or the model's output layer), one that never ran, a
layer type it does not know. The format is docs/report-schema.json ("format":
"dying-relu-report", "version": 1).
"""

import datetime
import json
import math
import platform

import keras
import numpy as np

__all__ = ["dead_unit_report", "save", "watch", "Watcher", "dead_units", "summary"]

PROBE_VERSION = "1"
NEAR_ZERO = 0.05
DEFAULT_TAU = 0.025


def _classes(*names):
    return tuple(c for c in (getattr(keras.layers, n, None) for n in names) if isinstance(c, type))


_DENSE = _classes("Dense", "EinsumDense")
_CONV = _classes(
    "Conv1D", "Conv2D", "Conv3D", "Conv1DTranspose", "Conv2DTranspose", "Conv3DTranspose",
    "DepthwiseConv1D", "DepthwiseConv2D", "SeparableConv1D", "SeparableConv2D",
)
_ACT_LAYERS = _classes("Activation", "ReLU", "LeakyReLU", "PReLU", "ELU")
_THROUGH = _classes(
    "BatchNormalization", "LayerNormalization", "GroupNormalization", "RMSNormalization",
    "UnitNormalization", "Dropout", "SpatialDropout1D", "SpatialDropout2D", "SpatialDropout3D",
    "GaussianDropout", "GaussianNoise", "AlphaDropout", "Identity",
)
_BATCH_NORM = _classes("BatchNormalization")
_DROPOUT = _classes(
    "Dropout", "SpatialDropout1D", "SpatialDropout2D", "SpatialDropout3D", "GaussianDropout",
    "AlphaDropout",
)
_KNOWN_OTHER = _classes(
    "InputLayer", "Flatten", "Reshape", "Permute", "RepeatVector", "Embedding", "Softmax",
    "MaxPooling1D", "MaxPooling2D", "MaxPooling3D", "AveragePooling1D", "AveragePooling2D",
    "AveragePooling3D", "GlobalAveragePooling1D", "GlobalAveragePooling2D",
    "GlobalAveragePooling3D", "GlobalMaxPooling1D", "GlobalMaxPooling2D", "GlobalMaxPooling3D",
    "Add", "Subtract", "Multiply", "Average", "Maximum", "Minimum", "Concatenate", "Dot",
    "Rescaling", "Normalization", "ZeroPadding1D", "ZeroPadding2D", "ZeroPadding3D",
    "Cropping1D", "Cropping2D", "Cropping3D", "UpSampling1D", "UpSampling2D", "UpSampling3D",
    "Lambda", "Masking",
)


def _versions():
    v = {
        "keras": keras.__version__,
        "numpy": np.__version__,
        "python": platform.python_version(),
        "probe": PROBE_VERSION,
    }
    try:
        backend = keras.backend.backend()
        v["backend"] = backend
        if backend == "tensorflow":
            import tensorflow as tf  # only to name its version

            v["tensorflow"] = tf.__version__
        elif backend == "jax":
            import jax

            v["jax"] = jax.__version__
        elif backend == "torch":
            import torch

            v["torch"] = torch.__version__
    except Exception:  # a version we cannot read is no reason to fail
        pass
    return v


def _input_of(batch):
    """The model's input in a batch: a (x, y) or (x, y, weights) tuple gives x."""
    if isinstance(batch, tuple) and batch:
        return batch[0]
    return batch


def _batch_size(x):
    while isinstance(x, (tuple, list)) and x:
        x = x[0]
    if isinstance(x, dict) and x:
        return _batch_size(next(iter(x.values())))
    shape = getattr(x, "shape", None)
    if shape is not None and len(shape) > 0:
        return int(shape[0])
    return 1


def _numpy(t):
    return np.asarray(keras.ops.convert_to_numpy(t), dtype=np.float64)


def _act_name(fn):
    if fn is None:
        return "linear"
    name = getattr(fn, "__name__", None) or type(fn).__name__
    return name.lower()


def _layer_activation(layer):
    """The activation an activation layer applies, by name."""
    t = type(layer).__name__
    if t == "Activation":
        return _act_name(layer.activation)
    if t == "ReLU":
        slope = float(getattr(layer, "negative_slope", 0.0) or 0.0)
        return "leaky_relu" if slope else "relu"
    return {"LeakyReLU": "leaky_relu", "PReLU": "prelu", "ELU": "elu"}.get(t, t.lower())


class _Acc:
    """One measured layer's running sums, per unit (float64)."""

    def __init__(self, name, kind, type_name, activation, module, through, axis):
        self.name, self.kind, self.type, self.activation = name, kind, type_name, activation
        self.module, self.through, self.axis = module, list(through), axis
        self.units = None
        self.samples = 0
        self.values = 0
        self.note = None

    def _units_last(self, t):
        a = _numpy(t)
        if self.axis != -1 and a.ndim > 2:
            a = np.moveaxis(a, self.axis, -1)
        if a.ndim == 1:
            a = a[None, :]
        return a.reshape(a.shape[0], -1, a.shape[-1])

    def add_pre(self, z):
        z = self._units_last(z)
        b, p, u = z.shape
        if self.units is None:
            self.units = u
            self.fires = np.zeros(u)
            self.fire_values = np.zeros(u)
            self.max_z = np.full(u, -np.inf)
            self.abs_sum = np.zeros(u)
            self.zeros = np.zeros(u)
            self.near = np.zeros(u)
        elif u != self.units:
            raise ValueError(f"{self.name}: {u} units in one batch, {self.units} in another")
        on = z > 0
        self.fires += on.any(axis=1).sum(axis=0)
        self.fire_values += on.sum(axis=(0, 1))
        if b * p:
            self.max_z = np.maximum(self.max_z, z.max(axis=(0, 1)))
        self.samples += b
        self.values += b * p

    def add_out(self, h):
        h = np.abs(self._units_last(h))
        self.abs_sum += h.sum(axis=(0, 1))
        self.zeros += (h == 0).sum(axis=(0, 1))
        self.near += (h <= NEAR_ZERO).sum(axis=(0, 1))

    def finish(self):
        def numbers(a):
            return [float(v) if math.isfinite(v) else None for v in a]

        n = max(self.values, 1)
        mean_abs = self.abs_sum / n
        fires = [int(round(v)) for v in self.fires]
        layer = {
            "name": self.name,
            "kind": self.kind,
            "type": self.type,
            "activation": self.activation,
            "activation_module": self.module,
            "through": self.through,
            "units": int(self.units),
            "unit_axis": self.axis,
            "samples": self.samples,
            "values": self.values,
            "fire_test": "pre_activation > 0",
            "fires": fires,
            "fire_fraction": numbers(self.fire_values / n),
            "max_pre_activation": numbers(self.max_z),
            "mean_abs_output": [float(v) for v in mean_abs],
            "tau_score": _tau_scores(mean_abs),
            "zero_fraction": numbers(self.zeros / n),
            "near_zero_fraction": numbers(self.near / n),
            "dead": [f == 0 for f in fires],
        }
        if self.note:
            layer["note"] = self.note
        return layer


def _tau_scores(mean_abs):
    """Sokar et al.'s s_i = m_i / mean_k m_k; 0 everywhere when the layer's mean is 0."""
    m = [float(v) if v is not None else 0.0 for v in mean_abs]
    layer = sum(m) / max(len(m), 1)
    if layer > 0 and math.isfinite(layer):
        return [v / layer for v in m]
    return [0.0 for _ in m]


def _sublayers(layer):
    f = getattr(layer, "_flatten_layers", None)
    if f is not None:
        return [l for l in f(include_self=False, recursive=False)]
    return list(getattr(layer, "layers", []))


def _leaves(model):
    """(qualified name, layer) of every leaf layer, depth first."""
    out, seen = [], set()

    def walk(layer, prefix):
        for sub in _sublayers(layer):
            if id(sub) in seen:
                continue
            seen.add(id(sub))
            name = f"{prefix}{sub.name}"
            if _sublayers(sub):
                walk(sub, name + "/")
            else:
                out.append((name, sub))

    walk(model, "")
    return out


def _unit_axis(layer):
    return 1 if getattr(layer, "data_format", "channels_last") == "channels_first" else -1


class _Probe:
    """The wrappers of one measurement over some batches."""

    def __init__(self, model):
        self.model = model
        self.leaves = _leaves(model)
        self.names = {id(l): n for n, l in self.leaves}
        self.accs = {}
        self.ran = set()
        self.measured = set()
        self.produced = {}  # id(tensor) -> (tensor, producer layer, through names)
        self.calls = {}
        self.undo = []

    def _set(self, layer, attr, value):
        had = attr in layer.__dict__
        old = layer.__dict__.get(attr)
        object.__setattr__(layer, attr, value)
        self.undo.append((layer, attr, had, old))

    def install(self):
        for name, layer in self.leaves:
            if isinstance(layer, _DENSE + _CONV):
                act = getattr(layer, "activation", None)
                if act is not None and _act_name(act) != "linear":
                    self._set(layer, "activation", self._recorder(layer, act))
                    self._set(layer, "call", self._wrap_call(layer, measured_inside=True))
                else:
                    self._set(layer, "call", self._wrap_call(layer))
            elif isinstance(layer, _ACT_LAYERS):
                self._set(layer, "call", self._wrap_activation(layer))
            else:
                self._set(layer, "call", self._wrap_call(layer))

    def remove(self):
        for layer, attr, had, old in reversed(self.undo):
            if had:
                object.__setattr__(layer, attr, old)
            else:
                object.__delattr__(layer, attr)
        self.undo = []

    def new_forward(self):
        self.produced = {}
        self.calls = {}

    def _origin(self, t):
        hit = self.produced.get(id(t))
        if hit is None or hit[0] is not t:
            return None, []
        return hit[1], hit[2]

    def _acc(self, name, kind, type_name, activation, module, through, axis):
        acc = self.accs.get(name)
        if acc is None:
            acc = _Acc(name, kind, type_name, activation, module, through, axis)
            self.accs[name] = acc
        return acc

    def _recorder(self, layer, act):
        """Stands in for a Dense/Conv layer's own activation: sees z, applies it, sees h."""
        name = self.names[id(layer)]
        kind = "conv" if isinstance(layer, _CONV) else "dense"

        def record(z, *args, **kwargs):
            h = act(z, *args, **kwargs)
            acc = self._acc(name, kind, type(layer).__name__, _act_name(act), name, [], _unit_axis(layer))
            acc.add_pre(z)
            acc.add_out(h)
            self.measured.add(id(layer))
            return h

        return record

    def _wrap_call(self, layer, measured_inside=False):
        call = layer.call
        through = isinstance(layer, _THROUGH)
        name = self.names[id(layer)]

        def wrapped(*args, **kwargs):
            out = call(*args, **kwargs)
            self.ran.add(id(layer))
            if through and args:
                producer, path = self._origin(args[0])
                if producer is not None:
                    self.produced[id(out)] = (out, producer, path + [name])
                    return out
            # A layer that applied its own activation made h, not a pre-activation.
            self.produced[id(out)] = (out, None if measured_inside else layer, [])
            return out

        return wrapped

    def _wrap_activation(self, layer):
        call = layer.call
        act_name = self.names[id(layer)]

        def wrapped(inputs, *args, **kwargs):
            out = call(inputs, *args, **kwargs)
            self.ran.add(id(layer))
            producer, path = self._origin(inputs)
            k = self.calls.get(id(layer), 0)
            self.calls[id(layer)] = k + 1
            if producer is not None and isinstance(producer, _DENSE + _CONV):
                name, kind = self.names[id(producer)], ("conv" if isinstance(producer, _CONV) else "dense")
                type_name, axis = type(producer).__name__, _unit_axis(producer)
                self.measured.add(id(producer))
                note = None
            else:
                ndim = len(getattr(inputs, "shape", ()))
                name = act_name if k == 0 else f"{act_name}#{k + 1}"
                kind, axis = ("conv" if ndim > 2 else "dense"), -1
                type_name = type(producer).__name__ if producer is not None else None
                if producer is not None:
                    self.measured.add(id(producer))
                    note = f"input made by {self.names[id(producer)]} ({type_name}), not a Dense/Conv"
                else:
                    note = "input not made by a layer the probe saw (a functional op or the model's input)"
            acc = self._acc(name, kind, type_name, _layer_activation(layer), act_name, path, axis)
            if note and not acc.note:
                acc.note = note
            acc.add_pre(inputs)
            acc.add_out(out)
            self.produced[id(out)] = (out, layer, [])
            return out

        return wrapped


def _flatten(y):
    if isinstance(y, dict):
        return [v for x in y.values() for v in _flatten(x)]
    if isinstance(y, (tuple, list)):
        return [v for x in y for v in _flatten(x)]
    return [y]


def _not_hooked(model, probe, finals):
    # Sequential and functional models are Keras' own classes; a subclassed model's call()
    # is the user's code, where a functional relu may hide.
    subclassed = not type(model).__module__.startswith("keras")
    out = []
    for name, layer in probe.leaves:
        t = type(layer).__name__
        if isinstance(layer, _DENSE + _CONV):
            if id(layer) in probe.measured:
                continue
            if id(layer) not in probe.ran:
                reason = "never ran during the batches (unused, or called in a way the probe did not see)"
            elif id(layer) in finals:
                reason = ("the model's output layer, with a linear activation and no activation layer "
                          "after it (a linear output has no dead units to count)")
            else:
                reason = ("its activation is linear and no activation layer the probe knows takes its "
                          "output" + (": a functional keras.ops.relu or tf.nn.relu in the model's "
                                      "call() is invisible to the probe; use activation='relu' or "
                                      "a keras.layers.ReLU() layer to have its units counted"
                                      if subclassed else
                                      " (it feeds a residual sum, a custom activation or a Lambda)"))
            out.append({"layer": name, "type": t, "reason": reason})
        elif isinstance(layer, _ACT_LAYERS):
            if id(layer) not in probe.ran:
                out.append({"layer": name, "type": t, "reason": "activation layer never ran during the batches"})
        elif isinstance(layer, _THROUGH + _KNOWN_OTHER):
            continue
        elif getattr(layer, "weights", None):
            if id(layer) in probe.measured:
                continue
            out.append({"layer": name, "type": t,
                        "reason": f"layer type {t} is not one the probe knows (it counts the units of "
                                  "Dense and Conv layers and of whatever feeds an activation layer)"})
    return out


def _mode(probe):
    bn = [n for n, l in probe.leaves if isinstance(l, _BATCH_NORM)]
    drop = [n for n, l in probe.leaves if isinstance(l, _DROPOUT)]
    notes = ["Keras has no train/eval mode to switch: the probe called the model with "
             "training=False and put every layer's call and activation back afterwards"]
    if bn:
        notes.append(f"{len(bn)} batch-norm layer(s): measured with their moving statistics "
                     "(training=False), as the model predicts, not the batch's")
    if drop:
        notes.append(f"{len(drop)} dropout layer(s): off while measuring")
    return {"probed_in": "eval", "was_training": None, "restored": True, "batch_norm": bn,
            "dropout": drop, "notes": notes}


def _one_batch(batches):
    """Whether `batches` is one array (a batch), not an iterable of batches."""
    return isinstance(batches, (np.ndarray, dict)) or keras.ops.is_tensor(batches)


def _measure(model, batches):
    if _one_batch(batches):
        batches = [batches]  # one array is one batch, not a batch per row
    probe = _Probe(model)
    samples = n_batches = 0
    finals = set()
    probe.install()
    try:
        for batch in batches:
            x = _input_of(batch)
            probe.new_forward()
            y = model(x, training=False)
            for t in _flatten(y):
                producer, _ = probe._origin(t)
                if producer is not None:
                    finals.add(id(producer))
            samples += _batch_size(x)
            n_batches += 1
    finally:
        probe.remove()
    if n_batches == 0:
        raise ValueError("dead_unit_report: no batches")
    layers = [acc.finish() for acc in probe.accs.values() if acc.units is not None]
    return layers, samples, n_batches, _not_hooked(model, probe, finals), _mode(probe)


def dead_unit_report(model, batches, name=None):
    """The per-unit numbers of `model` over `batches` (an iterable of inputs, or of (x, y)
    tuples: x is taken; a single array or tensor is one batch), as a JSON-ready dict in the
    dying-relu-report format."""
    layers, samples, n_batches, not_hooked, mode = _measure(model, batches)
    versions = _versions()
    return {
        "format": "dying-relu-report",
        "version": 1,
        "created": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
        "model": {"name": name or model.name, "framework": "keras", "versions": versions,
                  "backend": versions.get("backend", "unknown")},
        "samples": samples,
        "batches": n_batches,
        "mode": mode,
        "thresholds": {"near_zero": NEAR_ZERO, "tau": DEFAULT_TAU},
        "layers": layers,
        "snapshots": [],
        "not_hooked": not_hooked,
    }


class Watcher:
    """Snapshots during training: call `.step()` after each training step (or pass
    `.callback()` to model.fit); every `every` steps it measures the model on the batches."""

    def __init__(self, model, batches, every=100, name=None):
        self.model, self.every, self.name = model, max(int(every), 1), name
        self.batches = [batches] if _one_batch(batches) else list(batches)
        self.steps = 0
        self.snapshots = []

    def snapshot(self):
        layers, samples, _, _, _ = _measure(self.model, self.batches)
        self.snapshots.append({"step": self.steps, "samples": samples, "layers": layers})

    def step(self):
        self.steps += 1
        if self.steps % self.every == 0:
            self.snapshot()

    def callback(self):
        """A keras.callbacks.Callback that calls `.step()` after every training batch."""
        watcher = self

        class _Step(keras.callbacks.Callback):
            def on_train_batch_end(self, batch, logs=None):
                watcher.step()

        return _Step()

    def report(self):
        r = dead_unit_report(self.model, self.batches, name=self.name)
        r["snapshots"] = list(self.snapshots)
        return r


def watch(model, batches, every=100, name=None):
    """A Watcher that takes a snapshot every `every` calls of its `.step()` (and one now, at
    step 0)."""
    w = Watcher(model, batches, every=every, name=name)
    w.snapshot()
    return w


def _clean(v):
    if isinstance(v, float) and not math.isfinite(v):
        return None
    if isinstance(v, dict):
        return {k: _clean(x) for k, x in v.items()}
    if isinstance(v, (list, tuple)):
        return [_clean(x) for x in v]
    if isinstance(v, (np.bool_,)):
        return bool(v)
    if isinstance(v, (np.integer,)):
        return int(v)
    if isinstance(v, (np.floating,)):
        return _clean(float(v))
    return v


def save(report, path):
    """Writes `report` (or a Watcher's report, snapshots included) as JSON; the tau scores
    are computed here from the means."""
    if isinstance(report, Watcher):
        report = report.report()
    for layer in report["layers"] + [l for s in report.get("snapshots", []) for l in s["layers"]]:
        layer["tau_score"] = _tau_scores(layer["mean_abs_output"])
    with open(path, "w", encoding="utf-8") as f:
        json.dump(_clean(report), f, indent=1, allow_nan=False)
        f.write("\n")
    return path


def dead_units(report, tau=None):
    """{layer name: [unit indices]} of units that never fired (or, with tau, are tau-dormant)."""
    out = {}
    for layer in report["layers"]:
        if tau is None:
            out[layer["name"]] = [i for i, f in enumerate(layer["fires"]) if f == 0]
        else:
            out[layer["name"]] = [i for i, s in enumerate(_tau_scores(layer["mean_abs_output"])) if s <= tau]
    return out


def summary(report, tau=DEFAULT_TAU):
    """A few lines in words: per layer, the units that never fired and the tau-dormant ones."""
    lines = [f"{report['model']['name']} ({report['model']['framework']}), {report['samples']} samples"]
    never, dormant = dead_units(report), dead_units(report, tau)
    for layer in report["layers"]:
        n = layer["name"]
        lines.append(f"  {n} ({layer['kind']}, {layer['activation']}, {layer['units']} units): "
                     f"{len(never[n])} never fire {never[n]}, {len(dormant[n])} tau-dormant (tau {tau})")
    for e in report["not_hooked"]:
        lines.append(f"  not hooked: {e['layer']}: {e['reason']}")
    return "\n".join(lines)
