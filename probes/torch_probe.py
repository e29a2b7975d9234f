"""Is my model dying? A dead-unit probe for PyTorch (needs only torch and numpy).

    from torch_probe import dead_unit_report, save
    report = dead_unit_report(model, batches)   # batches: an iterable of input tensors/arrays
    save(report, "model.dead.json")             # open it in the Dying ReLU Explorer

During training, every K steps::

    w = watch(model, batches, every=100)
    for x, y in loader:
        ...; opt.step(); w.step()
    save(w, "model.dead.json")                  # the report and its snapshots

The probe hooks every activation module (nn.ReLU, nn.LeakyReLU, nn.GELU, ...), whose input is
the pre-activation z of the Linear/Conv layer before it (through batch norm or dropout, if
any) and whose output is h. It runs the batches in evaluation mode without gradients (the
model's mode is put back afterwards) and counts per unit (a conv channel is a unit, reduced
over the batch and every position):

- ``fires``: samples on which z > 0 (f' != 0 for ReLU); 0 is dead on these samples;
- ``fire_fraction``: the share of the unit's values with z > 0;
- ``max_pre_activation``: the largest z;
- ``mean_abs_output``: mean |h| (Sokar et al.'s E|h|), and ``tau_score`` = m_i / mean_k m_k
  (0 when the layer's mean is 0; tau-dormant is tau_score <= tau, tau = 0.025 by default);
- ``zero_fraction``: the share of h exactly 0 (sparsity, not death: about one half in a
  healthy ReLU layer) and ``near_zero_fraction``: the share with |h| <= 0.05 (fastai).

What it cannot measure it lists in ``report["not_hooked"]`` with the reason: a Linear/Conv
whose output goes to a functional call (F.relu, torch.relu, x.relu()), one no activation
module follows (the model's output layer), one that never ran, a layer type it does not know.
The format is docs/report-schema.json ("format": "dying-relu-report", "version": 1).
"""

import contextlib
import datetime
import json
import math
import platform

import numpy as np
import torch
from torch import nn

__all__ = ["dead_unit_report", "save", "watch", "Watcher", "dead_units", "summary"]

PROBE_VERSION = "1"
NEAR_ZERO = 0.05
DEFAULT_TAU = 0.025

# Activation modules: their input is z, their output h.
_ACTIVATIONS = {
    nn.ReLU: "relu",
    nn.ReLU6: "relu6",
    nn.LeakyReLU: "leaky_relu",
    nn.PReLU: "prelu",
    nn.RReLU: "rrelu",
    nn.ELU: "elu",
    nn.CELU: "celu",
    nn.SELU: "selu",
    nn.GELU: "gelu",
    nn.SiLU: "silu",
    nn.Mish: "mish",
    nn.Softplus: "softplus",
    nn.Hardtanh: "hardtanh",
    nn.Hardswish: "hardswish",
    nn.Hardsigmoid: "hardsigmoid",
    nn.Threshold: "threshold",
    nn.Tanh: "tanh",
    nn.Sigmoid: "sigmoid",
}
# Layers whose units the report counts (kind, axis of the units).
_DENSE = (nn.Linear, nn.Bilinear)
_CONV = (nn.Conv1d, nn.Conv2d, nn.Conv3d, nn.ConvTranspose1d, nn.ConvTranspose2d, nn.ConvTranspose3d)
# Layers between a producer and its activation: z is their output.
_THROUGH = (
    nn.modules.batchnorm._BatchNorm,
    nn.LayerNorm,
    nn.GroupNorm,
    nn.modules.instancenorm._InstanceNorm,
    nn.modules.dropout._DropoutNd,
    nn.AlphaDropout,
    nn.Identity,
)
# Layers the probe knows and that have no units of their own to count.
_KNOWN_OTHER = (
    nn.Embedding,
    nn.EmbeddingBag,
    nn.Flatten,
    nn.Unflatten,
    nn.modules.pooling._MaxPoolNd,
    nn.modules.pooling._AvgPoolNd,
    nn.modules.pooling._AdaptiveAvgPoolNd,
    nn.modules.pooling._AdaptiveMaxPoolNd,
    nn.Softmax,
    nn.LogSoftmax,
)
# Functional calls that are activations: seen (not measured) through a TorchFunctionMode.
_FUNCTIONAL = {
    "relu", "relu_", "relu6", "leaky_relu", "leaky_relu_", "elu", "elu_", "selu", "selu_",
    "celu", "gelu", "silu", "mish", "softplus", "hardtanh", "hardtanh_", "hardswish",
    "hardsigmoid", "tanh", "tanh_", "sigmoid", "sigmoid_", "prelu", "rrelu", "threshold",
    "clamp", "clamp_", "clamp_min", "clamp_min_", "clip", "clip_",
}


def _versions():
    return {
        "torch": torch.__version__,
        "numpy": np.__version__,
        "python": platform.python_version(),
        "probe": PROBE_VERSION,
    }


def _input_of(batch):
    """The model's input in a batch: a (x, y) pair from a DataLoader gives x."""
    if isinstance(batch, (tuple, list)) and batch and not isinstance(batch[0], (int, float)):
        return batch[0]
    return batch


def _to_device(x, device):
    if isinstance(x, np.ndarray):
        x = torch.from_numpy(x)
        if x.dtype == torch.float64:
            x = x.float()
    if isinstance(x, torch.Tensor):
        return x.to(device)
    if isinstance(x, dict):
        return {k: _to_device(v, device) for k, v in x.items()}
    if isinstance(x, (tuple, list)):
        return type(x)(_to_device(v, device) for v in x)
    return x


def _batch_size(x):
    while isinstance(x, (tuple, list)) and x:
        x = x[0]
    if isinstance(x, dict) and x:
        return _batch_size(next(iter(x.values())))
    if isinstance(x, (torch.Tensor, np.ndarray)) and x.ndim > 0:
        return int(x.shape[0])
    return 1


def _device_of(model):
    for p in model.parameters():
        return p.device
    for b in model.buffers():
        return b.device
    return torch.device("cpu")


class _Acc:
    """One measured layer's running sums, per unit (float64)."""

    def __init__(self, name, kind, type_name, activation, module, through, axis):
        self.name, self.kind, self.type, self.activation = name, kind, type_name, activation
        self.module, self.through, self.axis = module, list(through), axis
        self.units = None
        self.samples = 0
        self.values = 0

    def _units_last(self, t):
        """(samples, positions, units) view of t, in float64."""
        t = t.detach()
        if self.axis != -1 and t.ndim > 2:
            t = t.movedim(self.axis, -1)
        if t.ndim == 1:
            t = t.unsqueeze(0)
        b, u = t.shape[0], t.shape[-1]
        return t.reshape(b, -1, u).double()

    def add_pre(self, z):
        z = self._units_last(z)
        b, p, u = z.shape
        if self.units is None:
            self.units = u
            dev = z.device
            self.fires = torch.zeros(u, dtype=torch.float64, device=dev)
            self.fire_values = torch.zeros(u, dtype=torch.float64, device=dev)
            self.max_z = torch.full((u,), -math.inf, dtype=torch.float64, device=dev)
            self.abs_sum = torch.zeros(u, dtype=torch.float64, device=dev)
            self.zeros = torch.zeros(u, dtype=torch.float64, device=dev)
            self.near = torch.zeros(u, dtype=torch.float64, device=dev)
        elif u != self.units:
            raise ValueError(f"{self.name}: {u} units in one batch, {self.units} in another")
        on = z > 0
        self.fires += on.any(dim=1).sum(dim=0)
        self.fire_values += on.sum(dim=(0, 1))
        self.max_z = torch.maximum(self.max_z, z.amax(dim=(0, 1)))
        self.samples += b
        self.values += b * p

    def add_out(self, h):
        h = self._units_last(h).abs()
        self.abs_sum += h.sum(dim=(0, 1))
        self.zeros += (h == 0).sum(dim=(0, 1))
        self.near += (h <= NEAR_ZERO).sum(dim=(0, 1))

    def finish(self):
        def numbers(t):
            return [float(v) if math.isfinite(v) else None for v in t.cpu().tolist()]

        n = max(self.values, 1)
        mean_abs = (self.abs_sum / n).cpu().numpy()
        fires = [int(round(v)) for v in self.fires.cpu().tolist()]
        return {
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


def _tau_scores(mean_abs):
    """Sokar et al.'s s_i = m_i / mean_k m_k; 0 everywhere when the layer's mean is 0."""
    m = [float(v) if v is not None else 0.0 for v in mean_abs]
    layer = sum(m) / max(len(m), 1)
    if layer > 0 and math.isfinite(layer):
        return [v / layer for v in m]
    return [0.0 for _ in m]


if hasattr(torch.overrides, "TorchFunctionMode"):

    class _Mode(torch.overrides.TorchFunctionMode):
        """Sees functional activation calls (F.relu, torch.relu, x.relu()) and what they take."""

        def __init__(self, probe):
            super().__init__()
            self.probe = probe

        def __torch_function__(self, func, types, args=(), kwargs=None):
            kwargs = kwargs or {}
            name = getattr(func, "__name__", "")
            if name in _FUNCTIONAL and args and isinstance(args[0], torch.Tensor):
                self.probe._functional(args[0], name)
            return func(*args, **kwargs)

else:  # torch before 1.13: functional calls go unseen (the layers are still listed)

    def _Mode(probe):
        return contextlib.nullcontext()


class _Probe:
    """The hooks of one measurement over some batches."""

    def __init__(self, model):
        self.model = model
        self.names = {m: n or type(model).__name__ for n, m in model.named_modules()}
        self.accs = {}  # layer name -> _Acc, in the order first reached
        self.ran = set()  # modules that ran
        self.measured = set()  # producers whose output reached a hooked activation
        self.functional = {}  # producer name -> functional call names
        self.calls = {}  # activation module -> calls in this forward
        self.produced = {}  # id(tensor) -> (tensor, producer module or None, through names)
        self.pending = {}  # id(activation module) -> stack of accumulators awaiting the output
        self.handles = []

    def install(self):
        for m in self.model.modules():
            if any(True for _ in m.children()):
                continue
            if type(m) in _ACTIVATIONS or isinstance(m, tuple(_ACTIVATIONS)):
                self.handles.append(m.register_forward_pre_hook(self._act_pre))
                self.handles.append(m.register_forward_hook(self._act_post))
            else:
                self.handles.append(m.register_forward_hook(self._leaf_post))

    def remove(self):
        for h in self.handles:
            h.remove()
        self.handles = []

    def new_forward(self):
        self.produced = {}
        self.calls = {}

    def _origin(self, t):
        """(producer module, layers between) of tensor t, as this forward made it."""
        hit = self.produced.get(id(t))
        if hit is None or hit[0] is not t:
            return None, []
        return hit[1], hit[2]

    def _leaf_post(self, module, inputs, output):
        self.ran.add(module)
        if not isinstance(output, torch.Tensor):
            return
        if isinstance(module, _THROUGH) and inputs and isinstance(inputs[0], torch.Tensor):
            producer, through = self._origin(inputs[0])
            if producer is not None:
                self.produced[id(output)] = (output, producer, through + [self.names[module]])
                return
        self.produced[id(output)] = (output, module, [])

    def _functional(self, t, name):
        producer, _ = self._origin(t)
        if producer is not None:
            self.functional.setdefault(self.names[producer], set()).add(name)

    def _act_pre(self, module, inputs):
        self.ran.add(module)
        if not inputs or not isinstance(inputs[0], torch.Tensor):
            return
        z = inputs[0]
        producer, through = self._origin(z)
        act_name = self.names[module]
        k = self.calls.get(module, 0)
        self.calls[module] = k + 1
        if producer is not None and isinstance(producer, _DENSE + _CONV):
            name = self.names[producer]
            kind = "conv" if isinstance(producer, _CONV) else "dense"
            type_name = type(producer).__name__
            self.measured.add(producer)
        else:
            # A producer the probe does not know (or none): name it by the activation.
            name = act_name if k == 0 else f"{act_name}#{k + 1}"
            kind = "conv" if z.ndim > 2 else "dense"
            type_name = type(producer).__name__ if producer is not None else None
            if producer is not None:
                self.measured.add(producer)
        axis = 1 if kind == "conv" else -1
        acc = self.accs.get(name)
        if acc is None:
            acc = _Acc(name, kind, type_name, _ACTIVATIONS.get(type(module), type(module).__name__.lower()),
                       act_name, through, axis)
            if producer is not None and not isinstance(producer, _DENSE + _CONV):
                acc.note = f"input made by {self.names[producer]} ({type(producer).__name__}), not a Linear/Conv"
            elif producer is None:
                acc.note = "input not made by a module the probe saw (a functional op or the model's input)"
            self.accs[name] = acc
        acc.add_pre(z)
        self.pending.setdefault(id(module), []).append(acc)

    def _act_post(self, module, inputs, output):
        stack = self.pending.get(id(module))
        if not stack:
            return
        acc = stack.pop()
        if isinstance(output, torch.Tensor):
            acc.add_out(output)
            self.produced[id(output)] = (output, module, [])


def _not_hooked(model, probe, finals):
    """What the probe saw and could not measure, with reasons (`finals`: the modules that
    made the model's outputs)."""
    out = []
    for name, m in model.named_modules():
        if any(True for _ in m.children()):
            continue
        label = name or type(model).__name__
        t = type(m).__name__
        if isinstance(m, _DENSE + _CONV):
            if m in probe.measured:
                continue
            if m not in probe.ran:
                reason = ("never ran as a module during the batches (unused, or its weights are "
                          "used by a functional call or a fused kernel, as nn.MultiheadAttention "
                          "uses its out_proj's)")
            elif label in probe.functional:
                calls = ", ".join(sorted(probe.functional[label]))
                reason = (f"its output goes to a functional call ({calls}: F.relu, torch.relu or "
                          "x.relu()), which has no module to hook; use an activation module such "
                          "as nn.ReLU() to have its units counted")
            elif m in finals:
                reason = ("the model's output layer: no activation module follows it (a linear "
                          "output has no dead units to count)")
            else:
                reason = ("its output is not followed by an activation module the probe knows "
                          "(it feeds a residual sum, a custom activation, or a call the probe "
                          "could not see)")
            out.append({"layer": label, "type": t, "reason": reason})
        elif type(m) in _ACTIVATIONS or isinstance(m, tuple(_ACTIVATIONS)):
            if m not in probe.ran:
                out.append({"layer": label, "type": t, "reason": "activation module never ran during the batches"})
        elif isinstance(m, _THROUGH + _KNOWN_OTHER):
            continue
        elif any(True for _ in m.parameters(recurse=False)):
            if m in probe.measured:
                continue
            out.append({"layer": label, "type": t,
                        "reason": f"layer type {t} is not one the probe knows (it counts the units "
                                  "of Linear and Conv layers and of whatever feeds an activation module)"})
    return out


def _mode_notes(model, was_training):
    bn = [n for n, m in model.named_modules() if isinstance(m, nn.modules.batchnorm._BatchNorm)]
    drop = [n for n, m in model.named_modules()
            if isinstance(m, (nn.modules.dropout._DropoutNd, nn.AlphaDropout))]
    notes = [
        f"the model was in {'training' if was_training else 'evaluation'} mode; the probe ran it "
        f"in evaluation mode (model.eval(), torch.no_grad()) and put it back in "
        f"{'training' if was_training else 'evaluation'} mode"
    ]
    if bn:
        notes.append(f"{len(bn)} batch-norm layer(s): measured with their running statistics, "
                     "as the model predicts, not the batch's")
    if drop:
        notes.append(f"{len(drop)} dropout layer(s): off while measuring")
    return {"probed_in": "eval", "was_training": bool(was_training), "restored": True,
            "batch_norm": bn, "dropout": drop, "notes": notes}


def _measure(model, batches):
    """(layers, samples, batches, not_hooked, mode) over the batches."""
    if isinstance(batches, (torch.Tensor, np.ndarray, dict)):
        batches = [batches]  # one array is one batch, not a batch per row
    was_training = model.training
    modes = [(m, m.training) for m in model.modules()]  # each module's own, put back after
    probe = _Probe(model)
    device = _device_of(model)
    samples = n_batches = 0
    finals = []
    probe.install()
    try:
        model.eval()
        with torch.no_grad(), _Mode(probe):
            for batch in batches:
                x = _to_device(_input_of(batch), device)
                probe.new_forward()
                y = model(**x) if isinstance(x, dict) else model(x)
                ys = y if isinstance(y, (tuple, list)) else [y]
                for t in ys:
                    producer, _ = probe._origin(t) if isinstance(t, torch.Tensor) else (None, [])
                    if producer is not None and producer not in finals:
                        finals.append(producer)
                samples += _batch_size(x)
                n_batches += 1
        if n_batches == 0:
            raise ValueError("dead_unit_report: no batches")
    finally:
        probe.remove()
        for m, training in modes:
            m.training = training
    not_hooked = _not_hooked(model, probe, finals)
    accs = [acc for acc in probe.accs.values() if acc.units is not None]
    layers = []
    for acc in accs:
        layer = acc.finish()
        if getattr(acc, "note", None):
            layer["note"] = acc.note
        layers.append(layer)
    return layers, samples, n_batches, not_hooked, _mode_notes(model, was_training)


def dead_unit_report(model, batches, name=None):
    """The per-unit numbers of `model` over `batches` (an iterable of inputs, or of (x, y)
    pairs: x is taken; a single tensor or array is one batch), as a JSON-ready dict in the
    dying-relu-report format."""
    layers, samples, n_batches, not_hooked, mode = _measure(model, batches)
    return {
        "format": "dying-relu-report",
        "version": 1,
        "created": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
        "model": {"name": name or type(model).__name__, "framework": "pytorch", "versions": _versions()},
        "samples": samples,
        "batches": n_batches,
        "mode": mode,
        "thresholds": {"near_zero": NEAR_ZERO, "tau": DEFAULT_TAU},
        "layers": layers,
        "snapshots": [],
        "not_hooked": not_hooked,
    }


class Watcher:
    """Snapshots during training: call `.step()` after each optimizer step; every `every`
    steps it measures the model on the batches (in eval mode, then back)."""

    def __init__(self, model, batches, every=100, name=None):
        self.model, self.every, self.name = model, max(int(every), 1), name
        one = isinstance(batches, (torch.Tensor, np.ndarray, dict))
        self.batches = [batches] if one else list(batches)
        self.steps = 0
        self.snapshots = []

    def snapshot(self):
        layers, samples, _, _, _ = _measure(self.model, self.batches)
        self.snapshots.append({"step": self.steps, "samples": samples, "layers": layers})

    def step(self):
        self.steps += 1
        if self.steps % self.every == 0:
            self.snapshot()

    def report(self):
        """The report now, with every snapshot so far."""
        r = dead_unit_report(self.model, self.batches, name=self.name)
        r["snapshots"] = list(self.snapshots)
        return r


def watch(model, batches, every=100, name=None):
    """A Watcher that takes a snapshot every `every` calls of its `.step()` (and one now, at
    step 0)."""
    w = Watcher(model, batches, every=every, name=name)
    w.snapshot()
    return w


def _finish_layer(layer):
    layer["tau_score"] = _tau_scores(layer["mean_abs_output"])


def _clean(v):
    if isinstance(v, float) and not math.isfinite(v):
        return None
    if isinstance(v, dict):
        return {k: _clean(x) for k, x in v.items()}
    if isinstance(v, (list, tuple)):
        return [_clean(x) for x in v]
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
    for layer in report["layers"]:
        _finish_layer(layer)
    for snap in report.get("snapshots", []):
        for layer in snap["layers"]:
            _finish_layer(layer)
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
