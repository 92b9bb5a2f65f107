"""The three workloads hand-written in NumPy, no framework: `python -m bench --handwritten`.

This is the issue's "hand-written NumPy" row, rebuilt so it runs in the same process and
rounds as the floor and numkeras: what a careful NumPy program reaches on this machine,
and so how much of numkeras's distance to the floor is its own (dispatch, checks, the
Keras semantics) and how much any NumPy program pays. It does the same products as the
floor, plus what no NumPy program can skip:

- one flat parameter buffer per model (weights and biases are views into it), one flat
  gradient buffer and flat Adam moments, so each update is one pass over all of them;
- buffers allocated once per batch shape and written in place (`out=`), no copies;
- numkeras's fused element-wise kernels where numba is installed (bias + activation in one
  pass, in-place activation gradients, Adam in one pass, dropout's mask from a hash), the
  same kernels numkeras runs, else NumPy's in-place ufuncs;
- the shortcuts a hand-writer takes and Keras's semantics do not allow: softmax plus sparse
  cross-entropy (and sigmoid plus binary cross-entropy) differentiated in one formula,
  `p - y`, without Keras's clipping of the probabilities.

Same work as the Keras-API runners: W1 predicts 128 noise rows, trains D on 256 rows
(dropout on) and trains G through the frozen D; W2 predicts in batches into one output
array; W3 runs a shuffled epoch of batches of 128 (the rows gathered per batch, as `fit`
does). Adam(2e-4, beta_1=0.5) for the GAN, Adam(1e-3) for W3, epsilon 1e-7 (Keras's).

>>> from bench.workloads import Config, make_data
>>> cfg = Config.quick(w3_rows=300)
>>> epoch = HandwrittenImpl().setup("W3", make_data(cfg), cfg)
>>> epoch()  # one shuffled epoch of 3 batches
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np

from bench.workloads import C_DIMS, D_DIMS, G_DIMS, WORKLOADS, Config, Data
from numkeras.backend import fused, random

F32 = np.float32
SLOPE = F32(0.2)  # LeakyReLU(0.2), the tutorial's
DROP = 0.3  # Dropout(0.3) in D


def _kernel(name: str):
    """numkeras's compiled kernel `name`, or None (no numba, or kernels switched off)."""
    return fused.kernel(name) if fused.available() else None


class Dense:
    """Weights and biases as views into a model's flat buffers; forward and backward with
    the batch-shaped buffers of `Net`."""

    def __init__(self, w: np.ndarray, b: np.ndarray, dw: np.ndarray, db: np.ndarray, act: str):
        self.w, self.b, self.dw, self.db, self.act = w, b, dw, db, act

    def forward(self, x: np.ndarray, z: np.ndarray, y: np.ndarray, k: dict) -> np.ndarray:
        """y = act(x @ w + b); `z` keeps the pre-activation where the gradient needs it."""
        np.matmul(x, self.w, out=z)
        if self.act == "leaky":
            if k["bias_leaky_relu"]:
                k["bias_leaky_relu"](z, self.b, SLOPE, True, y)
            else:
                z += self.b
                np.multiply(z, SLOPE, out=y)
                np.maximum(y, z, out=y)
            return y
        if self.act == "relu" and k["bias_relu"]:
            k["bias_relu"](z, self.b, F32(0))
            return z
        if self.act == "tanh" and k["bias_tanh"]:
            k["bias_tanh"](z, self.b, fused.tanh_coefficients(np.dtype(F32)))
            return z
        z += self.b
        if self.act == "relu":
            np.maximum(z, 0, out=z)
        elif self.act == "tanh":
            np.tanh(z, out=z)
        elif self.act == "sigmoid":
            if k["sigmoid"]:
                k["sigmoid"](z, z)
            else:
                np.negative(z, out=z)
                np.exp(z, out=z)
                z += 1
                np.reciprocal(z, out=z)
        return z

    def backward(self, x, z, y, dy, dx, k: dict, weights: bool = True):
        """From dL/dy (overwritten with dL/dz): the weight gradients (unless `weights` is
        False: a frozen layer) and, into `dx` when given, dL/dx."""
        if self.act == "leaky":
            if k["leaky_relu_grad"]:
                k["leaky_relu_grad"](z, dy, F32(1), SLOPE)
            else:
                dy *= np.where(z >= 0, F32(1), SLOPE)
        elif self.act == "relu":
            if k["relu_grad"]:
                k["relu_grad"](y, dy, F32(1), F32(0))
            else:
                dy *= y > 0
        elif self.act == "tanh":
            if k["tanh_grad"]:
                k["tanh_grad"](y, dy, F32(1))
            else:
                dy *= 1 - y * y
        if weights:
            np.matmul(x.T, dy, out=self.dw)
            np.add.reduce(dy, axis=0, out=self.db)
        if dx is not None:
            if self.w.shape[1] == 1:  # (an outer product: BLAS is slow at those)
                np.multiply(dy, self.w.reshape(-1), out=dx)
            else:
                np.matmul(dy, self.w.T, out=dx)


class Net:
    """A stack of Dense layers with flat parameter, gradient and Adam buffers."""

    def __init__(self, dims, acts, rng: np.random.Generator, lr: float, beta_1: float):
        sizes = [(i * o, o) for i, o in zip(dims[:-1], dims[1:])]
        total = sum(a + b for a, b in sizes)
        self.params = np.empty(total, F32)
        self.grads = np.zeros(total, F32)
        self.m, self.v = np.zeros(total, F32), np.zeros(total, F32)
        self.layers: list[Dense] = []
        pos = 0
        for (i, o), act in zip(zip(dims[:-1], dims[1:]), acts):
            views = []
            for shape in ((i, o), (o,)):
                n = math.prod(shape)
                views.append((pos, pos + n, shape))
                pos += n
            (a, b, ws), (c, d, bs) = views
            w, bias = self.params[a:b].reshape(ws), self.params[c:d].reshape(bs)
            w[...] = rng.uniform(-1, 1, ws).astype(F32) * F32(math.sqrt(6 / (i + o)))
            bias[...] = 0
            dw, db = self.grads[a:b].reshape(ws), self.grads[c:d].reshape(bs)
            self.layers.append(Dense(w, bias, dw, db, act))
        self.lr, self.beta_1, self.step = lr, beta_1, 0
        self.buffers: dict = {}
        self.k = {
            name: _kernel(name)
            for name in (
                "bias_leaky_relu",
                "leaky_relu_grad",
                "bias_relu",
                "relu_grad",
                "bias_tanh",
                "tanh_grad",
                "sigmoid",
                "dropout",
                "adam",
            )
        }
        self.scratch = np.empty(total, F32)

    def batch_buffers(self, rows: int) -> list:
        """Per layer (z, y, dy, dx) of `rows` rows, allocated once per row count."""
        bufs = self.buffers.get(rows)
        if bufs is None:
            bufs = []
            for layer in self.layers:
                i, o = layer.w.shape
                z = np.empty((rows, o), F32)
                y = np.empty((rows, o), F32) if layer.act == "leaky" else z
                bufs.append((z, y, np.empty((rows, o), F32), np.empty((rows, i), F32)))
            self.buffers[rows] = bufs
        return bufs

    def forward(self, x: np.ndarray, dropout: Callable | None = None) -> tuple[np.ndarray, list]:
        """The output and each layer's input; `dropout(i, y)` drops after hidden layer i."""
        bufs = self.batch_buffers(len(x))
        inputs = []
        for i, (layer, (z, y, _, _)) in enumerate(zip(self.layers, bufs)):
            inputs.append(x)
            x = layer.forward(x, z, y, self.k)
            if dropout is not None and i < len(self.layers) - 1:
                x = dropout(i, x)
        return x, inputs

    def backward(self, inputs: list, dout: np.ndarray, weights: bool, need_dx: bool, masks=None):
        """Backpropagate dL/d(output) (owned by the caller, overwritten); returns dL/dx."""
        bufs = self.batch_buffers(len(dout))
        g = dout
        for i in range(len(self.layers) - 1, -1, -1):
            z, y, _, dx = bufs[i]
            if masks is not None and i < len(self.layers) - 1:
                g *= masks[i]
            dx = dx if (i > 0 or need_dx) else None
            self.layers[i].backward(inputs[i], z, y, g, dx, self.k, weights)
            g = dx
        return g

    def adam(self) -> None:
        """One Adam update of every parameter, in one pass over the flat buffers."""
        self.step += 1
        t, one = F32(self.step), F32(1)
        alpha = F32(self.lr) * np.sqrt(one - F32(0.999) ** t) / (one - F32(self.beta_1) ** t)
        c1, c2, eps = F32(1 - self.beta_1), F32(1 - 0.999), F32(1e-7)
        p, g, m, v = self.params, self.grads, self.m, self.v
        if self.k["adam"]:
            self.k["adam"](p, g, m, v, F32(alpha), c1, c2, eps, F32(0), F32(0), False)
            return
        tmp = self.scratch
        np.subtract(g, m, out=tmp)
        tmp *= c1
        m += tmp
        np.multiply(g, g, out=tmp)
        tmp -= v
        tmp *= c2
        v += tmp
        np.sqrt(v, out=tmp)
        tmp += eps
        np.divide(m, tmp, out=tmp)
        tmp *= F32(alpha)
        p -= tmp


class _Dropout:
    """Training-time dropout after D's hidden layers, its masks kept for the backward pass."""

    def __init__(self, net: Net, rng: np.random.Generator):
        self.net, self.rng = net, rng
        self.threshold = np.uint32(round(DROP * 2.0**32))
        self.scale = F32(1 / (1 - DROP))
        self.masks: dict = {}

    def __call__(self, i: int, x: np.ndarray) -> np.ndarray:
        key = random.bits_key(self.rng)
        mask, out = self._buffers(i, x.shape)
        kernel = self.net.k["dropout"]
        if kernel:
            kernel(x, *key, self.threshold, self.scale, F32(0), mask, out)
        else:
            bits = random.counter_bits(x.shape, key)
            np.greater_equal(bits, self.threshold, out=mask, casting="unsafe")
            mask *= self.scale
            np.multiply(x, mask, out=out)
        return out

    def _buffers(self, i: int, shape) -> tuple[np.ndarray, np.ndarray]:
        pair = self.masks.get((i, shape))
        if pair is None:
            pair = self.masks[(i, shape)] = (np.empty(shape, F32), np.empty(shape, F32))
        return pair

    def mask_list(self, rows: int) -> list:
        return [self.masks[(i, (rows, n))][0] for i, n in enumerate(D_DIMS[1:-1])]


def _sigmoid_bce_grad(p: np.ndarray, y: np.ndarray, out: np.ndarray) -> np.ndarray:
    """d(mean binary cross-entropy of sigmoid(z))/dz = (p - y) / rows."""
    np.subtract(p, y, out=out)
    out *= F32(1 / len(p))
    return out


class HandwrittenImpl:
    """The workloads as one careful NumPy program (see the module docstring)."""

    name = "numpy"
    notes: list[str] = []

    def __init__(self) -> None:
        self.version = np.__version__ + ("+numba kernels" if fused.available() else "")

    def setup(self, workload: str, data: Data, cfg: Config, **kw) -> Callable[[], None]:
        rng = np.random.default_rng(cfg.seed + 2)
        if workload == "W1":
            return self._setup_w1(data, cfg, rng)
        if workload == "W2":
            g = Net(G_DIMS, ["leaky"] * 3 + ["tanh"], rng, 2e-4, 0.5)
            bs = kw["batch_size"]

            def predict(x: np.ndarray = data.w2_x) -> np.ndarray:
                out = np.empty((len(x), G_DIMS[-1]), F32)
                for start in range(0, len(x), bs):
                    out[start : start + bs] = g.forward(x[start : start + bs])[0]
                return out

            predict(data.w2_x[: 2 * bs])  # warm up
            return predict
        if workload == "W3":
            return self._setup_w3(data, cfg, rng)
        raise ValueError(f"Unknown workload {workload!r}; expected one of {WORKLOADS}.")

    def _setup_w1(self, data: Data, cfg: Config, rng: np.random.Generator) -> Callable[[], None]:
        g = Net(G_DIMS, ["leaky"] * 3 + ["tanh"], rng, 2e-4, 0.5)
        d = Net(D_DIMS, ["leaky"] * 3 + ["sigmoid"], rng, 2e-4, 0.5)
        drop = _Dropout(d, rng)
        b = cfg.w1_batch
        x_d = np.empty((2 * b, D_DIMS[0]), F32)
        dp_d, dp_g = np.empty((2 * b, 1), F32), np.empty((b, 1), F32)

        def step() -> None:
            # generator.predict: the images, as a NumPy array the caller may keep
            generated = g.forward(data.w1_noise_a)[0].copy()
            # discriminator.train_on_batch on real + generated rows
            x_d[:b], x_d[b:] = data.w1_real, generated
            p, inputs = d.forward(x_d, drop)
            d.backward(inputs, _sigmoid_bce_grad(p, data.w1_y_dis, dp_d), True, False,
                       drop.mask_list(2 * b))  # fmt: skip
            d.adam()
            # gan.train_on_batch: through the frozen D (no D weight gradients) into G
            fake, g_inputs = g.forward(data.w1_noise_b)
            p, inputs = d.forward(fake, drop)
            dfake = d.backward(inputs, _sigmoid_bce_grad(p, data.w1_y_gen, dp_g), False, True,
                               drop.mask_list(b))  # fmt: skip
            g.backward(g_inputs, dfake, True, False)
            g.adam()

        for _ in range(cfg.w1_warmup):
            step()
        return step

    def _setup_w3(self, data: Data, cfg: Config, rng: np.random.Generator) -> Callable[[], None]:
        net = Net(C_DIMS, ["relu", "relu", "linear"], rng, 1e-3, 0.9)
        bs = cfg.w3_batch
        x_all, y_all = data.w3_x, data.w3_y

        def epoch(n: int = len(x_all)) -> None:
            order = rng.permutation(n)
            for start in range(0, n, bs):
                idx = order[start : start + bs]
                x, y = x_all.take(idx, axis=0), y_all.take(idx)
                logits, inputs = net.forward(x)
                # softmax and sparse cross-entropy, differentiated together: (p - onehot) / n
                logits -= logits.max(axis=1, keepdims=True)
                np.exp(logits, out=logits)
                logits /= logits.sum(axis=1, keepdims=True)
                logits[np.arange(len(y)), y] -= 1
                logits *= F32(1 / len(y))
                net.backward(inputs, logits, True, False)
                net.adam()

        epoch(min(len(x_all), 3 * bs))  # warm up
        return epoch
