"""The probe's check by hand (not part of the test command): needs torch, numpy and
jsonschema. Run it from anywhere: python probes/checks/torch_check.py [--fixture]. It prints what
the probe found on hand-made models and validates every report against docs/report-schema.json;
--fixture also writes probes/fixtures/torch_small.dead.json, then torch_fixtures.py's three (the
constructed MLP, a small CNN, a run at a high learning rate)."""
import os, tempfile
HERE = os.path.dirname(os.path.abspath(__file__))
PROBES, ROOT = os.path.dirname(HERE), os.path.dirname(os.path.dirname(HERE))
OUT = tempfile.mkdtemp(prefix="dead-json-")
import json, sys
sys.path.insert(0, PROBES)
import numpy as np, torch
from torch import nn
import torch.nn.functional as F
import jsonschema
from torch_probe import dead_unit_report, save, watch, summary, dead_units

schema = json.load(open(os.path.join(ROOT, "docs", "report-schema.json")))
def valid(path):
    jsonschema.Draft202012Validator.check_schema(schema)
    jsonschema.validate(json.load(open(path)), schema, cls=jsonschema.Draft202012Validator)
    print("  valid against docs/report-schema.json:", path)

torch.manual_seed(2)
rng = np.random.default_rng(2)
X = rng.uniform(-1, 0, size=(2000, 4)).astype(np.float32)
Y = X.sum(axis=1, keepdims=True)
batches = [X[i:i + 250] for i in range(0, 2000, 250)]

class MLP(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc1, self.fc2, self.out = nn.Linear(4, 8), nn.Linear(8, 8), nn.Linear(8, 1)
        self.act = nn.ReLU()          # one module, used twice
    def forward(self, x):
        return self.out(self.act(self.fc2(self.act(self.fc1(x)))))

mlp = MLP()
with torch.no_grad():
    mlp.fc1.bias[3] = -10.0           # unit fc1[3] killed by hand
    mlp.fc1.bias[[0, 1, 2, 4, 5, 6, 7]] = 0.5
    mlp.fc2.bias[:] = 0.5
print("== (a) MLP 4-8-8-1 on seed 002's inputs, fc1 unit 3 bias -10")
w = watch(mlp, batches, every=50, name="seed002-mlp-killed-fc1.3")
opt = torch.optim.Adam(mlp.parameters(), 1e-3)
xt, yt = torch.from_numpy(X), torch.from_numpy(Y)
for step in range(200):
    i = (step * 32) % 2000
    loss = F.mse_loss(mlp(xt[i:i + 32]), yt[i:i + 32])
    opt.zero_grad(); loss.backward(); opt.step(); w.step()
r = w.report()
print(summary(r))
for l in r["layers"]:
    print("  ", l["name"], "fires", l["fires"], "of", l["samples"])
print("  snapshots at steps", [s["step"] for s in r["snapshots"]],
      "fc1[3] fires per snapshot", [s["layers"][0]["fires"][3] for s in r["snapshots"]])
save(r, os.path.join(OUT, "torch_small.dead.json")); valid(os.path.join(OUT, "torch_small.dead.json"))
assert dead_units(r)["fc1"] == [3], dead_units(r)

print("== conv net, conv1 channel 2 bias -10")
class ConvNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.body = nn.Sequential(nn.Conv2d(1, 4, 3), nn.ReLU(inplace=True), nn.Conv2d(4, 6, 3), nn.ReLU(),
                                  nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(6, 2))
    def forward(self, x):
        return self.body(x)
cn = ConvNet()
with torch.no_grad():
    cn.body[0].bias[2] = -10.0
    cn.body[0].bias[[0, 1, 3]] = 0.5
imgs = [torch.rand(16, 1, 10, 10) for _ in range(4)]
rc = dead_unit_report(cn, imgs)
print(summary(rc))
for l in rc["layers"]:
    print("  ", l["name"], l["kind"], "fires", l["fires"], "of", l["samples"], "values", l["values"])
save(rc, os.path.join(OUT, "torch_conv.dead.json")); valid(os.path.join(OUT, "torch_conv.dead.json"))
assert dead_units(rc)["body.0"] == [2]

print("== functional F.relu")
class Functional(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc1, self.fc2, self.out = nn.Linear(4, 8), nn.Linear(8, 8), nn.Linear(8, 1)
        self.act = nn.ReLU()
    def forward(self, x):
        return self.out(self.act(self.fc2(F.relu(self.fc1(x)))))
rf = dead_unit_report(Functional(), batches)
print(summary(rf))
save(rf, os.path.join(OUT, "torch_functional.dead.json")); valid(os.path.join(OUT, "torch_functional.dead.json"))
assert any(e["layer"] == "fc1" for e in rf["not_hooked"])

print("== BatchNorm1d, in training mode")
bn = nn.Sequential(nn.Linear(4, 8), nn.BatchNorm1d(8), nn.ReLU(), nn.Linear(8, 1))
bn.train()
before = bn[1].running_mean.clone()
rb = dead_unit_report(bn, batches)
print(summary(rb))
print("  mode:", json.dumps(rb["mode"]))
print("  after: model.training =", bn.training, "; running_mean unchanged:", torch.equal(before, bn[1].running_mean))
print("  layer through:", rb["layers"][0]["through"])
save(rb, os.path.join(OUT, "torch_bn.dead.json")); valid(os.path.join(OUT, "torch_bn.dead.json"))
assert bn.training and rb["mode"]["was_training"] is True

print("== (x, y) pairs from a DataLoader, an unknown layer type")
class Odd(nn.Module):
    def __init__(self):
        super().__init__()
        self.rnn = nn.GRU(4, 8, batch_first=True); self.fc = nn.Linear(8, 8); self.act = nn.ReLU(); self.out = nn.Linear(8, 1)
    def forward(self, x):
        h, _ = self.rnn(x.unsqueeze(1))
        return self.out(self.act(self.fc(h[:, -1])))
loader = torch.utils.data.DataLoader(torch.utils.data.TensorDataset(xt, yt), batch_size=500)
ro = dead_unit_report(Odd(), loader)
print(summary(ro))
save(ro, os.path.join(OUT, "torch_odd.dead.json")); valid(os.path.join(OUT, "torch_odd.dead.json"))
print("torch", torch.__version__, "numpy", np.__version__)
print("== one array as the batches")
r1 = dead_unit_report(mlp, X)
print("  samples", r1["samples"], "batches", r1["batches"], "fc1 fires", r1["layers"][0]["fires"])
print("== independent recount of the MLP's numbers with numpy")
W1, b1 = mlp.fc1.weight.detach().double().numpy(), mlp.fc1.bias.detach().double().numpy()
W2, b2 = mlp.fc2.weight.detach().double().numpy(), mlp.fc2.bias.detach().double().numpy()
z1 = X.astype(np.float64) @ W1.T + b1; h1 = np.maximum(z1, 0)
z2 = h1 @ W2.T + b2; h2 = np.maximum(z2, 0)
for name, z, h in [("fc1", z1, h1), ("fc2", z2, h2)]:
    L = next(l for l in r1["layers"] if l["name"] == name)
    m = np.abs(h).mean(0)
    checks = {
        "fires": np.array_equal((z > 0).sum(0), L["fires"]),
        "max_z": np.allclose(z.max(0), L["max_pre_activation"], atol=1e-5),
        "mean|h|": np.allclose(m, L["mean_abs_output"], rtol=1e-5, atol=1e-7),
        "tau": np.allclose(m / m.mean(), L["tau_score"], rtol=1e-4, atol=1e-7),
        "zeros": np.allclose((h == 0).mean(0), L["zero_fraction"]),
        "near": np.allclose((np.abs(h) <= 0.05).mean(0), L["near_zero_fraction"], atol=1e-3),
    }
    print("  ", name, checks)

if "--fixture" in sys.argv:
    import shutil
    shutil.copy(os.path.join(OUT, "torch_small.dead.json"), os.path.join(PROBES, "fixtures", "torch_small.dead.json"))
    print("wrote probes/fixtures/torch_small.dead.json")
    # Issue #28's fixtures: the constructed MLP, a small CNN, a run at a high learning rate.
    sys.path.insert(0, HERE)
    import torch_fixtures
    torch_fixtures.main()
