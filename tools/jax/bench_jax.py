#!/usr/bin/env python3
"""The scaling benchmark's epochs in JAX, the peer `examples/bench_native.rs` is compared with.

Same work as `sim::bench::bench_width`: seed 002's data (four inputs uniform in [-1, 0),
target their sum; 140,000 training samples of 200,000), 4 hidden SELU layers of width W and
a SELU output, lecun_normal kernels, zero biases, mean squared error, Keras' Adam (lr 0.001,
beta1 0.9, beta2 0.999, eps 1e-7), batch 32, a fresh shuffle per epoch, f32.

Written the way one writes fast JAX: the whole epoch (shuffle, 4375 steps of forward,
backward and Adam) is ONE jitted function, a `lax.scan` over the batches with the parameters
and optimizer state as its carry, so Python never runs per step. The first call compiles; the
figures are the calls after it (`block_until_ready` before the clock stops).

Install (never in a test command):
    python3 -m venv /tmp/jaxvenv && /tmp/jaxvenv/bin/pip install jax
Run:
    /tmp/jaxvenv/bin/python tools/jax/bench_jax.py [--widths 8,16,32,64] [--epochs 3]
        [--one-thread]
Prints one JSON line. FLOPs are counted as in `sim::bench::matmul_flops_per_sample`:
2*in*out per sample per layer for the forward product, as many for the weight gradient and
for the deltas, which the first layer does not need.
"""

import argparse
import json
import os
import sys
import time


def parse_args():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--widths", default="8,16,32,64")
    p.add_argument("--epochs", type=int, default=3, help="calls per width; the first compiles")
    p.add_argument("--samples", type=int, default=200_000)
    p.add_argument("--no-seed002", action="store_true",
                   help="skip seed 002's own net (4-8-8-8-1 ReLU, glorot_uniform)")
    p.add_argument("--one-thread", action="store_true",
                   help="ask XLA for one thread, like the single-threaded Rust trainer")
    return p.parse_args()


ARGS = parse_args()
if ARGS.one_thread:
    # Must be set before jax is imported.
    os.environ["XLA_FLAGS"] = (os.environ.get("XLA_FLAGS", "") +
                               " --xla_cpu_multi_thread_eigen=false"
                               " intra_op_parallelism_threads=1").strip()

import jax  # noqa: E402
import jax.numpy as jnp  # noqa: E402
from jax import lax  # noqa: E402

BATCH = 32
LR, B1, B2, EPS = 1e-3, 0.9, 0.999, 1e-7


def seed002(n, key):
    x = jax.random.uniform(key, (n, 4), jnp.float32, minval=-1.0, maxval=0.0)
    y = jnp.sum(x, axis=1, keepdims=True)
    n_train = round(n * 0.7)
    return x[:n_train], y[:n_train]


def init_params(key, widths, init="lecun_normal"):
    params = []
    for n_in, n_out in zip(widths[:-1], widths[1:]):
        key, sub = jax.random.split(key)
        if init == "glorot_uniform":
            # Keras' default: uniform in +-sqrt(6 / (fan_in + fan_out)).
            lim = (6.0 / (n_in + n_out)) ** 0.5
            w = jax.random.uniform(sub, (n_in, n_out), jnp.float32, -lim, lim)
        else:
            # lecun_normal: a normal truncated at 2 sigma, scaled so its variance is 1/fan_in.
            std = (1.0 / n_in) ** 0.5 / 0.87962566103423978
            w = std * jax.random.truncated_normal(sub, -2.0, 2.0, (n_in, n_out), jnp.float32)
        params.append((w, jnp.zeros((n_out,), jnp.float32)))
    return params


def forward(params, x, act):
    for w, b in params:
        x = act(x @ w + b)
    return x


def make_loss(act):
    def loss_fn(params, x, y):
        return jnp.mean((forward(params, x, act) - y) ** 2)
    return loss_fn


def adam_step(params, m, v, g, t):
    # Keras' form: m += (g - m)(1 - b1), v += (g^2 - v)(1 - b2), bias correction in lr_t.
    lr_t = LR * jnp.sqrt(1.0 - B2 ** t) / (1.0 - B1 ** t)
    m = jax.tree_util.tree_map(lambda m, g: m + (g - m) * (1.0 - B1), m, g)
    v = jax.tree_util.tree_map(lambda v, g: v + (g * g - v) * (1.0 - B2), v, g)
    params = jax.tree_util.tree_map(
        lambda p, m, v: p - lr_t * m / (jnp.sqrt(v) + EPS), params, m, v)
    return params, m, v


def make_epoch(act):
    return jax.jit(lambda state, x, y, key: train_epoch(state, x, y, key, make_loss(act)))


def train_epoch(state, x, y, key, loss_fn):
    steps = x.shape[0] // BATCH
    perm = jax.random.permutation(key, x.shape[0])[: steps * BATCH]
    xb = x[perm].reshape(steps, BATCH, x.shape[1])
    yb = y[perm].reshape(steps, BATCH, 1)

    def step(carry, batch):
        params, m, v, t = carry
        loss, g = jax.value_and_grad(loss_fn)(params, *batch)
        t = t + 1.0
        params, m, v = adam_step(params, m, v, g, t)
        return (params, m, v, t), loss

    state, losses = lax.scan(step, state, (xb, yb))
    return state, jnp.mean(losses)


def flops_per_sample(widths):
    return sum((2 if l == 0 else 3) * 2 * a * b
               for l, (a, b) in enumerate(zip(widths[:-1], widths[1:])))


def bench_width(width, x, y, epochs, hidden=4, act=jax.nn.selu, init="lecun_normal"):
    widths = [4] + [width] * hidden + [1]
    train_epoch = make_epoch(act)
    params = init_params(jax.random.PRNGKey(2), widths, init)
    zeros = jax.tree_util.tree_map(jnp.zeros_like, params)
    state = (params, zeros, zeros, jnp.float32(0.0))
    key = jax.random.PRNGKey(0x9E37)
    times = []
    loss = float("nan")
    for _ in range(max(epochs, 2)):
        key, sub = jax.random.split(key)
        t0 = time.perf_counter()
        state, loss = train_epoch(state, x, y, sub)
        jax.block_until_ready(state)
        times.append((time.perf_counter() - t0) * 1e3)
    later = times[1:]
    ms = sum(later) / len(later)
    gflop = flops_per_sample(widths) * x.shape[0] * 1e-9
    return {
        "width": width,
        "ms_per_epoch": round(ms, 3),
        "first_call_ms": round(times[0], 3),
        "later_ms": [round(t, 3) for t in later],
        "gflop_per_epoch": round(gflop, 3),
        "gflops": round(gflop / (ms * 1e-3), 3),
        "train_loss": round(float(loss), 4),
    }


def main():
    widths = [int(w) for w in ARGS.widths.split(",") if w.strip()]
    x, y = seed002(ARGS.samples, jax.random.PRNGKey(2))
    results = [bench_width(w, x, y, ARGS.epochs) for w in widths]
    seed = None if ARGS.no_seed002 else bench_width(
        8, x, y, ARGS.epochs, hidden=3, act=jax.nn.relu, init="glorot_uniform")
    print(json.dumps({
        "seed002": seed,
        "jax_version": jax.__version__,
        "backend": jax.default_backend(),
        "one_thread": ARGS.one_thread,
        "samples": int(x.shape[0]),
        "batch": BATCH,
        "jax": results,
    }))
    return 0


if __name__ == "__main__":
    sys.exit(main())
