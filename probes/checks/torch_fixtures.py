"""The PyTorch probe's fixtures (issue #28), written in this order by
`python probes/checks/torch_check.py --fixture` (or by this file alone), each validated against
docs/report-schema.json:

- fixtures/torch_constructed.dead.json: constructed.py's 4-16-16-1 MLP, dead by construction
  (fc1 units 2, 5, 11 and fc2 units 0, 7, 13, bias -100), recounted with numpy;
- fixtures/torch_cnn.dead.json: a small CNN (1 -> 6 -> 8 channels, 3x3, ReLU, global average
  pool, linear head) with conv1 channels 1 and 4 and conv2 channel 5 dead by construction
  (bias -100), trained 40 Adam steps under watch (a snapshot every 10); its fires recounted
  with numpy at the end;
- fixtures/torch_high_lr.dead.json: a 4-8-8-1 ReLU MLP (linear output) trained at a high
  learning rate (Adam 0.3, batch 32, 72 steps) under watch, a snapshot every 6 steps: hidden
  units die over the steps.

Needs torch, numpy and jsonschema.
"""

import json
import os
import sys

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
PROBES, ROOT = os.path.dirname(HERE), os.path.dirname(os.path.dirname(HERE))
FIXTURES = os.path.join(PROBES, "fixtures")
sys.path.insert(0, PROBES)
sys.path.insert(0, HERE)

import jsonschema  # noqa: E402
import torch  # noqa: E402
import torch.nn.functional as F  # noqa: E402
from torch import nn  # noqa: E402

import constructed  # noqa: E402
from torch_probe import dead_units, save, summary, watch  # noqa: E402

CNN_DEAD = {"conv1": [1, 4], "conv2": [5]}
MAX_BYTES = 60_000


def valid(path):
    schema = json.load(open(os.path.join(ROOT, "docs", "report-schema.json"), encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    jsonschema.validate(json.load(open(path, encoding="utf-8")), schema, cls=jsonschema.Draft202012Validator)
    size = os.path.getsize(path)
    assert size < MAX_BYTES, f"{path}: {size} bytes"
    print(f"  valid against docs/report-schema.json, {size} bytes: {os.path.relpath(path, ROOT)}")


def write_constructed():
    print("== torch_constructed: constructed.py's MLP, dead by construction", constructed.DEAD)
    path = os.path.join(FIXTURES, "torch_constructed.dead.json")
    assert constructed.main(["constructed.py", "torch", "--write", path]) == 0
    valid(path)


class CNN(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1, self.act1 = nn.Conv2d(1, 6, 3), nn.ReLU()
        self.conv2, self.act2 = nn.Conv2d(6, 8, 3), nn.ReLU()
        self.pool, self.flat, self.head = nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(8, 2)

    def forward(self, x):
        return self.head(self.flat(self.pool(self.act2(self.conv2(self.act1(self.conv1(x)))))))


def conv_by_hand(x, w, b):
    """A valid 2-D convolution (cross-correlation) in numpy, float64: x (n, c, h, w), w
    (o, c, k, k), b (o,) -> (n, o, h-k+1, w-k+1)."""
    k = w.shape[-1]
    win = np.lib.stride_tricks.sliding_window_view(x, (k, k), axis=(2, 3))  # n, c, h', w', k, k
    return np.einsum("nchwij,ocij->nohw", win, w) + b[None, :, None, None]


def images(rng, n):
    """n 12x12 grey images and their labels: 1 when the left half is brighter."""
    x = rng.uniform(0.0, 1.0, size=(n, 1, 12, 12)).astype(np.float32)
    y = (x[:, 0, :, :6].mean(axis=(1, 2)) > x[:, 0, :, 6:].mean(axis=(1, 2))).astype(np.int64)
    return x, y


def write_cnn():
    print("== torch_cnn: a small CNN, channels dead by construction", CNN_DEAD)
    torch.manual_seed(28)
    rng = np.random.default_rng(28)
    cnn = CNN()
    with torch.no_grad():
        for name, dead in CNN_DEAD.items():
            bias = getattr(cnn, name).bias
            bias[:] = 0.1
            bias[dead] = -100.0
    probe_x, _ = images(rng, 64)
    train_x, train_y = images(rng, 640)
    w = watch(cnn, [probe_x[:32], probe_x[32:]], every=10, name="cnn-1-6-8")
    opt = torch.optim.Adam(cnn.parameters(), 0.01)
    xt, yt = torch.from_numpy(train_x), torch.from_numpy(train_y)
    for step in range(40):
        i = step * 16
        loss = F.cross_entropy(cnn(xt[i:i + 16]), yt[i:i + 16])
        opt.zero_grad()
        loss.backward()
        opt.step()
        w.step()
    r = w.report()
    r["notes"] = [
        "Written by probes/checks/torch_fixtures.py: conv1 (1->6, 3x3) and conv2 (6->8, 3x3), "
        "each followed by nn.ReLU, global average pool and a linear head of 2 classes (is the "
        "left half of a 12x12 uniform image brighter).",
        "Dead by construction (bias -100, every other conv bias 0.1): conv1 channels 1 and 4, "
        "conv2 channel 5. Trained 40 Adam steps (lr 0.01, batch 16), a snapshot every 10; "
        "measured on 64 images.",
    ]
    print(summary(r))
    assert {k: v for k, v in dead_units(r).items()} == CNN_DEAD, dead_units(r)
    # Recount the fires with numpy: a channel fires on an image when z > 0 at some position.
    z1 = conv_by_hand(probe_x.astype(np.float64), cnn.conv1.weight.detach().double().numpy(),
                      cnn.conv1.bias.detach().double().numpy())
    z2 = conv_by_hand(np.maximum(z1, 0), cnn.conv2.weight.detach().double().numpy(),
                      cnn.conv2.bias.detach().double().numpy())
    for name, z in [("conv1", z1), ("conv2", z2)]:
        hand = (z > 0).any(axis=(2, 3)).sum(axis=0).tolist()
        layer = next(l for l in r["layers"] if l["name"] == name)
        assert layer["fires"] == hand, (name, layer["fires"], hand)
        assert np.allclose(z.max(axis=(0, 2, 3)), layer["max_pre_activation"], atol=1e-4)
        print(f"  {name}: fires {hand} (numpy's recount equals the probe's)")
    path = os.path.join(FIXTURES, "torch_cnn.dead.json")
    save(r, path)
    valid(path)


class MLP(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc1, self.fc2, self.out = nn.Linear(4, 8), nn.Linear(8, 8), nn.Linear(8, 1)
        self.act1, self.act2 = nn.ReLU(), nn.ReLU()

    def forward(self, x):
        return self.out(self.act2(self.fc2(self.act1(self.fc1(x)))))


def high_lr_data(seed):
    """2,000 samples of 4 standard-normal inputs, target sin(2 x1) + x2 x3."""
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(2000, 4)).astype(np.float32)
    y = (np.sin(2 * x[:, :1]) + x[:, 1:2] * x[:, 2:3]).astype(np.float32)
    return x, y


def dead_per_snapshot(r):
    return [(s["step"], [sum(f == 0 for f in l["fires"]) for l in s["layers"]]) for s in r["snapshots"]]


def write_high_lr(lr=0.3, seed=3, steps=72, every=6):
    print(f"== torch_high_lr: a 4-8-8-1 MLP trained at Adam {lr} under watch")
    torch.manual_seed(seed)
    x, y = high_lr_data(seed)
    mlp = MLP()
    w = watch(mlp, [x[:500]], every=every, name=f"mlp-4-8-8-1-adam-{lr}")
    opt = torch.optim.Adam(mlp.parameters(), lr)
    xt, yt = torch.from_numpy(x), torch.from_numpy(y)
    for step in range(steps):
        i = (step * 32) % 2000
        loss = F.mse_loss(mlp(xt[i:i + 32]), yt[i:i + 32])
        opt.zero_grad()
        loss.backward()
        opt.step()
        w.step()
    r = w.report()
    per = dead_per_snapshot(r)
    r["notes"] = [
        "Written by probes/checks/torch_fixtures.py: a 4-8-8-1 MLP (nn.ReLU hidden, linear "
        "output, torch's default init, torch.manual_seed(3)) on 2,000 samples of 4 standard-normal "
        "inputs (numpy seed 3), target sin(2 x1) + x2 x3, mean squared error.",
        f"Trained at a high learning rate: Adam {lr}, batch 32, {steps} steps; a snapshot every "
        f"{every} steps on the first 500 samples. Units that never fire, per snapshot (fc1, fc2): "
        + ", ".join(f"step {s}: {d}" for s, d in per) + ".",
    ]
    print(summary(r))
    print("  never fire per snapshot (fc1, fc2):", per)
    first, last = per[0][1], per[-1][1]
    assert sum(last) > sum(first) + 2, per  # units died over the steps
    path = os.path.join(FIXTURES, "torch_high_lr.dead.json")
    save(r, path)
    valid(path)


def main():
    write_constructed()
    write_cnn()
    write_high_lr()
    print("torch", torch.__version__, "numpy", np.__version__)


if __name__ == "__main__":
    main()
