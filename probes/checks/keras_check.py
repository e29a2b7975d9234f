"""The probe's check by hand (not part of the test command): needs keras (TensorFlow), numpy and
jsonschema. Run it from anywhere: python probes/checks/keras_check.py [--fixture]. It prints what
the probe found on hand-made models and validates every report against docs/report-schema.json;
--fixture also writes probes/fixtures/keras_small.dead.json, then keras_fixtures.py's three (the
constructed MLP, a small CNN, a run at a high learning rate)."""
import os, tempfile
HERE = os.path.dirname(os.path.abspath(__file__))
PROBES, ROOT = os.path.dirname(HERE), os.path.dirname(os.path.dirname(HERE))
OUT = tempfile.mkdtemp(prefix="dead-json-")
import json, sys
sys.path.insert(0, PROBES)
import numpy as np, keras, jsonschema
from keras import layers
from keras_probe import dead_unit_report, save, watch, summary, dead_units

schema = json.load(open(os.path.join(ROOT, "docs", "report-schema.json")))
def valid(path):
    jsonschema.Draft202012Validator.check_schema(schema)
    jsonschema.validate(json.load(open(path)), schema, cls=jsonschema.Draft202012Validator)
    print("  valid against docs/report-schema.json:", path)

keras.utils.set_random_seed(2)
rng = np.random.default_rng(2)
X = rng.uniform(-1, 0, size=(2000, 4)).astype(np.float32)
Y = X.sum(axis=1, keepdims=True)
batches = [X[i:i + 250] for i in range(0, 2000, 250)]

print("== (a) MLP 4-8-8-1 (Dense with activation='relu'), fc1 unit 3 bias -10")
mlp = keras.Sequential([keras.Input((4,)), layers.Dense(8, activation="relu", name="fc1"),
                        layers.Dense(8, activation="relu", name="fc2"), layers.Dense(1, name="out")], name="seed002_mlp")
b = mlp.get_layer("fc1").bias.numpy(); b[:] = 0.5; b[3] = -10.0; mlp.get_layer("fc1").bias.assign(b)
mlp.get_layer("fc2").bias.assign(np.full(8, 0.5, np.float32))
y0 = mlp(X[:5], training=False).numpy(); r0 = dead_unit_report(mlp, batches); print("  output unchanged by the probe:", np.array_equal(y0, mlp(X[:5], training=False).numpy()))
mlp.compile(optimizer=keras.optimizers.Adam(1e-3), loss="mse")
w = watch(mlp, batches, every=50)
# 2000/32 = 63 steps per epoch: 4 epochs are 252 steps, a snapshot every 50
mlp.fit(X, Y, batch_size=32, epochs=4, verbose=0, callbacks=[w.callback()])
r = w.report()
print(summary(r))
for l in r["layers"]:
    print("  ", l["name"], "fires", l["fires"], "of", l["samples"])
print("  snapshots at steps", [s["step"] for s in r["snapshots"]], "fc1[3] fires", [s["layers"][0]["fires"][3] for s in r["snapshots"]])
save(r, os.path.join(OUT, "keras_small.dead.json")); valid(os.path.join(OUT, "keras_small.dead.json"))
assert dead_units(r)["fc1"] == [3]
print("  activation restored:", mlp.get_layer("fc1").activation.__name__, "; 'call' in __dict__:", "call" in mlp.get_layer("fc1").__dict__)

print("== conv net (Conv2D then a ReLU layer), conv1 channel 2 bias -10")
cn = keras.Sequential([keras.Input((10, 10, 1)), layers.Conv2D(4, 3, name="conv1"), layers.ReLU(name="relu1"),
                       layers.Conv2D(6, 3, activation="relu", name="conv2"), layers.GlobalAveragePooling2D(),
                       layers.Dense(2, name="head")], name="convnet")
cb = cn.get_layer("conv1").bias.numpy(); cb[:] = 0.5; cb[2] = -10.0; cn.get_layer("conv1").bias.assign(cb)
imgs = [rng.uniform(0, 1, size=(16, 10, 10, 1)).astype(np.float32) for _ in range(4)]
rc = dead_unit_report(cn, imgs)
print(summary(rc))
for l in rc["layers"]:
    print("  ", l["name"], l["kind"], "via", l["activation_module"], "fires", l["fires"], "of", l["samples"], "values", l["values"])
save(rc, os.path.join(OUT, "keras_conv.dead.json")); valid(os.path.join(OUT, "keras_conv.dead.json"))
assert dead_units(rc)["conv1"] == [2]

print("== subclassed model calling keras.ops.relu")
class ReluInCall(keras.Model):
    def __init__(self):
        super().__init__(name="functional_relu")
        self.fc1, self.fc2, self.out = layers.Dense(8, name="fc1"), layers.Dense(8, activation="relu", name="fc2"), layers.Dense(1, name="out")
    def call(self, x):
        return self.out(self.fc2(keras.ops.relu(self.fc1(x))))
fm = ReluInCall(); fm(X[:2])
rf = dead_unit_report(fm, batches)
print(summary(rf))
save(rf, os.path.join(OUT, "keras_functional.dead.json")); valid(os.path.join(OUT, "keras_functional.dead.json"))
assert any(e["layer"] == "fc1" for e in rf["not_hooked"])

print("== BatchNormalization between Dense and ReLU, functional API")
inp = keras.Input((4,)); h = layers.Dense(8, name="fc1")(inp); h = layers.BatchNormalization(name="bn1")(h)
h = layers.Activation("relu", name="act1")(h); h = layers.Dropout(0.3, name="drop")(h); o = layers.Dense(1, name="out")(h)
bm = keras.Model(inp, o, name="bn_net")
bm.compile("adam", "mse"); bm.fit(X, Y, epochs=1, verbose=0)
mm = bm.get_layer("bn1").moving_mean.numpy().copy()
rb = dead_unit_report(bm, batches)
print(summary(rb))
print("  mode:", json.dumps(rb["mode"]))
print("  layer through:", rb["layers"][0]["through"], "moving mean unchanged:", np.array_equal(mm, bm.get_layer("bn1").moving_mean.numpy()))
save(rb, os.path.join(OUT, "keras_bn.dead.json")); valid(os.path.join(OUT, "keras_bn.dead.json"))

print("== an unknown layer type")
um = keras.Sequential([keras.Input((4,)), layers.Reshape((1, 4)), layers.GRU(8, name="gru"), layers.Dense(8, activation="relu", name="fc"), layers.Dense(1, name="out")], name="odd")
ru = dead_unit_report(um, [(X[:500], Y[:500])])
print(summary(ru))
print("model output unchanged by the probe:", np.array_equal(y0, mlp(X[:5], training=False).numpy()) or "(trained since)")
import tensorflow as tf
print("keras", keras.__version__, "backend", keras.backend.backend(), "tensorflow", tf.__version__, "numpy", np.__version__)
print("== one array as the batches")
r1 = dead_unit_report(mlp, X)
print("  samples", r1["samples"], "batches", r1["batches"], "fc1 fires", r1["layers"][0]["fires"])
print("== independent recount of the MLP's numbers with numpy")
W1, b1 = [np.asarray(v, np.float64) for v in mlp.get_layer("fc1").get_weights()]
W2, b2 = [np.asarray(v, np.float64) for v in mlp.get_layer("fc2").get_weights()]
z1 = X.astype(np.float64) @ W1 + b1; h1 = np.maximum(z1, 0)
z2 = h1 @ W2 + b2; h2 = np.maximum(z2, 0)
for name, z, h in [("fc1", z1, h1), ("fc2", z2, h2)]:
    L = next(l for l in r1["layers"] if l["name"] == name)
    m = np.abs(h).mean(0)
    print("  ", name, {
        "fires": np.array_equal((z > 0).sum(0), L["fires"]),
        "max_z": np.allclose(z.max(0), L["max_pre_activation"], atol=1e-5),
        "mean|h|": np.allclose(m, L["mean_abs_output"], rtol=1e-5, atol=1e-7),
        "tau": np.allclose(m / m.mean(), L["tau_score"], rtol=1e-4, atol=1e-7),
        "zeros": np.allclose((h == 0).mean(0), L["zero_fraction"]),
        "near": np.allclose((np.abs(h) <= 0.05).mean(0), L["near_zero_fraction"], atol=1e-3)})

if "--fixture" in sys.argv:
    import shutil
    shutil.copy(os.path.join(OUT, "keras_small.dead.json"), os.path.join(PROBES, "fixtures", "keras_small.dead.json"))
    print("wrote probes/fixtures/keras_small.dead.json")
    # Issue #28's fixtures: the constructed MLP, a small CNN, a run at a high learning rate.
    sys.path.insert(0, HERE)
    import keras_fixtures
    keras_fixtures.main()
