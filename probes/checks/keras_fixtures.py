"""The Keras probe's fixtures (issue #28), written in this order by
`python probes/checks/keras_check.py --fixture` (or by this file alone), each validated against
docs/report-schema.json:

- fixtures/keras_constructed.dead.json: constructed.py's 4-16-16-1 MLP with the same numpy
  weights as the PyTorch one, dead by construction (fc1 units 2, 5, 11 and fc2 units 0, 7, 13,
  bias -100), recounted with numpy; its counts equal torch_constructed's;
- fixtures/keras_cnn.dead.json: a small CNN (1 -> 6 -> 8 channels, 3x3; conv1 followed by a
  ReLU layer, conv2 with activation="relu"; global average pool, a linear head) with conv1
  channels 1 and 4 and conv2 channel 5 dead by construction (bias -100), trained 40 Adam steps
  under watch (a snapshot every 10); its fires recounted with numpy at the end;
- fixtures/keras_high_lr.dead.json: a 4-8-8-1 ReLU MLP (linear output) trained at a high
  learning rate (Adam 0.2, batch 32, 60 steps) under watch, a snapshot every 6 steps: hidden
  units die over the steps.

Needs keras (TensorFlow), numpy and jsonschema.
"""

import json
import os
import sys

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import numpy as np  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
PROBES, ROOT = os.path.dirname(HERE), os.path.dirname(os.path.dirname(HERE))
FIXTURES = os.path.join(PROBES, "fixtures")
sys.path.insert(0, PROBES)
sys.path.insert(0, HERE)

import jsonschema  # noqa: E402
import keras  # noqa: E402
from keras import layers  # noqa: E402

import constructed  # noqa: E402
from keras_probe import dead_units, save, summary, watch  # noqa: E402

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
    print("== keras_constructed: constructed.py's MLP, dead by construction", constructed.DEAD)
    path = os.path.join(FIXTURES, "keras_constructed.dead.json")
    torch_path = os.path.join(FIXTURES, "torch_constructed.dead.json")
    args = ["constructed.py", "keras", "--write", path]
    if os.path.exists(torch_path):
        args += ["--compare", torch_path]  # the same numbers in both frameworks
    assert constructed.main(args) == 0
    valid(path)


def conv_by_hand(x, w, b):
    """A valid 2-D convolution in numpy, float64, channels last: x (n, h, w, c), w (k, k, c,
    o), b (o,) -> (n, h-k+1, w-k+1, o)."""
    k = w.shape[0]
    win = np.lib.stride_tricks.sliding_window_view(x, (k, k), axis=(1, 2))  # n, h', w', c, k, k
    return np.einsum("nhwcij,ijco->nhwo", win, w) + b


def images(rng, n):
    """n 12x12 grey images (channels last) and their labels: 1 when the left half is brighter."""
    x = rng.uniform(0.0, 1.0, size=(n, 12, 12, 1)).astype(np.float32)
    y = (x[:, :, :6, 0].mean(axis=(1, 2)) > x[:, :, 6:, 0].mean(axis=(1, 2))).astype(np.int64)
    return x, y


def write_cnn():
    print("== keras_cnn: a small CNN, channels dead by construction", CNN_DEAD)
    keras.utils.set_random_seed(28)
    rng = np.random.default_rng(28)
    cnn = keras.Sequential([keras.Input((12, 12, 1)), layers.Conv2D(6, 3, name="conv1"), layers.ReLU(name="relu1"),
                            layers.Conv2D(8, 3, activation="relu", name="conv2"),
                            layers.GlobalAveragePooling2D(name="pool"), layers.Dense(2, name="head")], name="cnn_1_6_8")
    for name, dead in CNN_DEAD.items():
        b = np.full(cnn.get_layer(name).bias.shape, 0.1, np.float32)
        b[dead] = -100.0
        cnn.get_layer(name).bias.assign(b)
    probe_x, _ = images(rng, 64)
    train_x, train_y = images(rng, 640)
    cnn.compile(optimizer=keras.optimizers.Adam(0.01),
                loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True))
    w = watch(cnn, [probe_x[:32], probe_x[32:]], every=10, name="cnn-1-6-8")
    cnn.fit(train_x, train_y, batch_size=16, epochs=1, shuffle=False, verbose=0, callbacks=[w.callback()])
    r = w.report()
    r["notes"] = [
        "Written by probes/checks/keras_fixtures.py: conv1 (1->6, 3x3) then a ReLU layer, conv2 "
        "(6->8, 3x3, activation='relu'), global average pool and a linear head of 2 classes (is "
        "the left half of a 12x12 uniform image brighter).",
        "Dead by construction (bias -100, every other conv bias 0.1): conv1 channels 1 and 4, "
        "conv2 channel 5. Trained 40 Adam steps (lr 0.01, batch 16), a snapshot every 10; "
        "measured on 64 images.",
    ]
    print(summary(r))
    assert dead_units(r) == CNN_DEAD, dead_units(r)
    w1, b1 = [np.asarray(v, np.float64) for v in cnn.get_layer("conv1").get_weights()]
    w2, b2 = [np.asarray(v, np.float64) for v in cnn.get_layer("conv2").get_weights()]
    z1 = conv_by_hand(probe_x.astype(np.float64), w1, b1)
    z2 = conv_by_hand(np.maximum(z1, 0), w2, b2)
    for name, z in [("conv1", z1), ("conv2", z2)]:
        hand = (z > 0).any(axis=(1, 2)).sum(axis=0).tolist()
        layer = next(l for l in r["layers"] if l["name"] == name)
        assert layer["fires"] == hand, (name, layer["fires"], hand)
        assert np.allclose(z.max(axis=(0, 1, 2)), layer["max_pre_activation"], atol=1e-4)
        print(f"  {name}: fires {hand} (numpy's recount equals the probe's)")
    path = os.path.join(FIXTURES, "keras_cnn.dead.json")
    save(r, path)
    valid(path)


def high_lr_data(seed):
    """2,000 samples of 4 standard-normal inputs, target sin(2 x1) + x2 x3."""
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(2000, 4)).astype(np.float32)
    y = (np.sin(2 * x[:, :1]) + x[:, 1:2] * x[:, 2:3]).astype(np.float32)
    return x, y


def dead_per_snapshot(r):
    return [(s["step"], [sum(f == 0 for f in l["fires"]) for l in s["layers"]]) for s in r["snapshots"]]


def write_high_lr(lr=0.2, seed=3, steps=60, every=6):
    print(f"== keras_high_lr: a 4-8-8-1 MLP trained at Adam {lr} under watch")
    keras.utils.set_random_seed(seed)
    x, y = high_lr_data(seed)
    mlp = keras.Sequential([keras.Input((4,)), layers.Dense(8, activation="relu", name="fc1"),
                            layers.Dense(8, activation="relu", name="fc2"), layers.Dense(1, name="out")],
                           name=f"mlp_4_8_8_1_adam_{lr}")
    mlp.compile(optimizer=keras.optimizers.Adam(lr), loss="mse")
    w = watch(mlp, [x[:500]], every=every, name=f"mlp-4-8-8-1-adam-{lr}")
    mlp.fit(x[:steps * 32], y[:steps * 32], batch_size=32, epochs=1, shuffle=False, verbose=0,
            callbacks=[w.callback()])
    r = w.report()
    per = dead_per_snapshot(r)
    r["notes"] = [
        "Written by probes/checks/keras_fixtures.py: a 4-8-8-1 MLP (Dense with activation='relu', "
        "a linear output, Keras' glorot_uniform, keras.utils.set_random_seed(3)) on 2,000 samples of "
        "4 standard-normal inputs (numpy seed 3), target sin(2 x1) + x2 x3, mean squared error.",
        f"Trained at a high learning rate: Adam {lr}, batch 32, {steps} steps (one pass over the "
        f"first {steps * 32} samples); a snapshot every {every} steps on the first 500 samples. Units "
        "that never fire, per snapshot (fc1, fc2): " + ", ".join(f"step {s}: {d}" for s, d in per) + ".",
    ]
    print(summary(r))
    print("  never fire per snapshot (fc1, fc2):", per)
    first, last = per[0][1], per[-1][1]
    assert sum(last) > sum(first) + 2, per  # units died over the steps
    path = os.path.join(FIXTURES, "keras_high_lr.dead.json")
    save(r, path)
    valid(path)


def main():
    write_constructed()
    write_cnn()
    write_high_lr()
    import tensorflow as tf

    print("keras", keras.__version__, "backend", keras.backend.backend(), "tensorflow", tf.__version__,
          "numpy", np.__version__)


if __name__ == "__main__":
    main()
