"""The constructed model of issue #28, for either probe: python constructed.py torch|keras
[--write PATH] [--compare PATH].

A 4-16-16-1 ReLU MLP whose weights are drawn with numpy (the same numbers in both frameworks)
and whose chosen units are dead by construction: bias -100 on DEAD's units, +0.5 on every
other hidden unit. It is run by the probe on 1,000 of seed 002's inputs (uniform in (-1, 0),
numpy seed 28) and every count is recounted here with plain numpy (float64): the samples on
which each unit's pre-activation is > 0, its largest pre-activation, mean |h|, the tau-score,
the zero and near-zero shares. Checks:

- the probe's `fires` equal numpy's, unit for unit, and the other numbers agree;
- the units that never fire are exactly DEAD (every other unit fires on some sample; fc2's
  unit 5 on 1 sample only), and no pre-activation is within 1e-5 of 0, so float32 rounding
  cannot change a count;
- with --compare PATH, the counts equal those of the committed fixture PATH (a report this
  script wrote, in either framework: the weights and inputs are the same numbers).

It prints `constructed (FRAMEWORK) result: N passed; M failed`, the line `cargo xtask test`
counts, and exits 1 when a check fails. Needs only the framework and numpy; takes seconds.
"""

import json
import os
import sys
import tempfile

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
PROBES = os.path.dirname(HERE)
sys.path.insert(0, PROBES)

SIZES = [4, 16, 16, 1]
# The units made dead by construction (bias -100), per hidden layer.
DEAD = {"fc1": [2, 5, 11], "fc2": [0, 7, 13]}
DEAD_BIAS, LIVE_BIAS = -100.0, 0.5
SAMPLES, BATCH, SEED = 1000, 250, 28
NAME = "constructed-4-16-16-1"


def weights():
    """[(W, b)] per layer, W of shape (out, in), glorot-uniform from numpy's seed 28."""
    rng = np.random.default_rng(SEED)
    out = []
    for i, (n_in, n_out) in enumerate(zip(SIZES, SIZES[1:])):
        limit = np.sqrt(6.0 / (n_in + n_out))
        w = rng.uniform(-limit, limit, size=(n_out, n_in)).astype(np.float32)
        b = np.zeros(n_out, np.float32)
        name = f"fc{i + 1}"
        if name in DEAD:
            b[:] = LIVE_BIAS
            b[DEAD[name]] = DEAD_BIAS
        out.append((w, b))
    return out


def inputs():
    """Seed 002's inputs: 4 uniform in (-1, 0), from a generator of their own (seed 29)."""
    rng = np.random.default_rng(SEED + 1)
    return rng.uniform(-1.0, 0.0, size=(SAMPLES, SIZES[0])).astype(np.float32)


def torch_model(params):
    import torch
    from torch import nn

    class MLP(nn.Module):
        def __init__(self):
            super().__init__()
            self.fc1, self.fc2, self.out = nn.Linear(4, 16), nn.Linear(16, 16), nn.Linear(16, 1)
            self.act1, self.act2 = nn.ReLU(), nn.ReLU()

        def forward(self, x):
            return self.out(self.act2(self.fc2(self.act1(self.fc1(x)))))

    m = MLP()
    with torch.no_grad():
        for layer, (w, b) in zip([m.fc1, m.fc2, m.out], params):
            layer.weight.copy_(torch.from_numpy(w))
            layer.bias.copy_(torch.from_numpy(b))
    return m


def keras_model(params):
    import keras
    from keras import layers

    m = keras.Sequential([keras.Input((4,)), layers.Dense(16, activation="relu", name="fc1"),
                          layers.Dense(16, activation="relu", name="fc2"), layers.Dense(1, name="out")],
                         name="constructed")
    for name, (w, b) in zip(["fc1", "fc2", "out"], params):
        m.get_layer(name).set_weights([w.T, b])  # Keras' kernel is (in, out)
    return m


def report_for(framework):
    """(the probe's report, the probe module) for the constructed model."""
    params, x = weights(), inputs()
    batches = [x[i:i + BATCH] for i in range(0, SAMPLES, BATCH)]
    if framework == "torch":
        import torch_probe as probe
        model = torch_model(params)
    else:
        import keras_probe as probe
        model = keras_model(params)
    r = probe.dead_unit_report(model, batches, name=NAME)
    r["notes"] = [
        "Constructed by probes/checks/constructed.py: a 4-16-16-1 ReLU MLP, glorot-uniform "
        "weights drawn with numpy (seed 28), the same numbers in PyTorch and Keras.",
        f"Dead by construction (bias {DEAD_BIAS:g}; every other hidden bias {LIVE_BIAS:g}): "
        + "; ".join(f"{k} units {v}" for k, v in DEAD.items()) + ".",
        f"Inputs: {SAMPLES} samples of seed 002's inputs (4 uniform in (-1, 0), numpy seed "
        f"{SEED + 1}), {SAMPLES // BATCH} batches of {BATCH}.",
    ]
    return r, probe


def by_hand(params, x):
    """{layer: (z, h)} with numpy in float64."""
    h = x.astype(np.float64)
    out = {}
    for i, (w, b) in enumerate(params[:-1]):
        z = h @ w.astype(np.float64).T + b.astype(np.float64)
        h = np.maximum(z, 0.0)
        out[f"fc{i + 1}"] = (z, h)
    return out


def checks(r, compare=None):
    """[(what, passed, detail)]."""
    params, x = weights(), inputs()
    hand = by_hand(params, x)
    layers = {l["name"]: l for l in r["layers"]}
    out = [("layers measured are fc1 and fc2", sorted(layers) == ["fc1", "fc2"], sorted(layers))]
    for name, (z, h) in hand.items():
        L = layers.get(name)
        if L is None:
            out.append((f"{name} measured", False, "missing"))
            continue
        fires = (z > 0).sum(axis=0).tolist()
        # float32 rounding (about 1e-7 here) cannot move a count: no z is that close to 0
        out.append((f"{name}: every |z| > 1e-5", bool(np.abs(z).min() > 1e-5), float(np.abs(z).min())))
        m = np.abs(h).mean(axis=0)
        out.append((f"{name}: fires equal numpy's count", L["fires"] == fires,
                    f"probe {L['fires']} numpy {fires}"))
        never = [i for i, f in enumerate(fires) if f == 0]
        out.append((f"{name}: the units that never fire are {DEAD[name]}", never == DEAD[name], never))
        out.append((f"{name}: probe's dead flags", [i for i, d in enumerate(L["dead"]) if d] == DEAD[name],
                    L["dead"]))
        out.append((f"{name}: samples", L["samples"] == SAMPLES, L["samples"]))
        out.append((f"{name}: max pre-activation", np.allclose(z.max(0), L["max_pre_activation"], atol=1e-4), ""))
        out.append((f"{name}: mean |h|", np.allclose(m, L["mean_abs_output"], rtol=1e-5, atol=1e-7), ""))
        out.append((f"{name}: zero fraction", np.allclose((h == 0).mean(0), L["zero_fraction"]), ""))
        out.append((f"{name}: near-zero fraction",
                    np.allclose((h <= 0.05).mean(0), L["near_zero_fraction"], atol=2.0 / SAMPLES), ""))
        if compare is not None:
            C = {l["name"]: l for l in compare["layers"]}.get(name, {})
            out.append((f"{name}: fires equal the fixture's", C.get("fires") == L["fires"],
                        f"fixture {C.get('fires')}"))
    return out


def main(argv):
    framework = argv[1] if len(argv) > 1 else ""
    if framework not in ("torch", "keras"):
        print(__doc__)
        return 2
    args = dict(zip(argv[2::2], argv[3::2]))
    r, probe = report_for(framework)
    path = args.get("--write") or os.path.join(tempfile.mkdtemp(prefix="dead-json-"), "constructed.dead.json")
    probe.save(r, path)  # save computes the tau scores
    saved = json.load(open(path, encoding="utf-8"))
    compare = json.load(open(args["--compare"], encoding="utf-8")) if "--compare" in args else None
    results = checks(saved, compare)
    # tau scores: recount after save
    hand = by_hand(weights(), inputs())
    for name, (_, h) in hand.items():
        m = np.abs(h).mean(axis=0)
        L = next(l for l in saved["layers"] if l["name"] == name)
        results.append((f"{name}: tau score", np.allclose(m / m.mean(), L["tau_score"], rtol=1e-4, atol=1e-7), ""))
    versions = saved["model"]["versions"]
    print(f"constructed model ({framework}: {', '.join(f'{k} {v}' for k, v in versions.items())}), "
          f"dead by construction {DEAD}")
    for what, ok, detail in results:
        print(f"  {'ok  ' if ok else 'FAIL'} {what}" + ("" if ok or detail == "" else f": {detail}"))
    failed = sum(1 for _, ok, _ in results if not ok)
    print(f"constructed ({framework}) result: {len(results) - failed} passed; {failed} failed")
    if "--write" in args:
        print("wrote", path)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
