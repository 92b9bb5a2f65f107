"""The floor: only the matrix products each workload must do, nothing else.

Every product is a float32 `np.matmul(a, b, out=c)` on preallocated arrays, with the
shapes that the forward and backward passes need. No activations, losses, optimizer
updates, bias adds, copies or Python framework code: a library cannot do the work in
less time than this on the same BLAS, so "time / floor time" is the library's overhead.

Products counted (B is the batch, a layer maps `in -> out`):

- forward: `x(B, in) @ W(in, out)`
- weight grad: `x.T(in, B) @ dz(B, out)`
- input grad: `dz(B, out) @ W.T(out, in)` (never for a model's first layer, whose input
  is data)

W1 (one GAN step): G forward on 128; D forward + weight grads + input grads (not the first
layer's) on 256; GAN on 128: G forward, D forward, D input grads (all four D layers, no D
weight grads, D is frozen), G weight grads, G input grads (not the first layer's).
W2: the G forward products for every batch (the last product writes straight into the
(rows, 784) output). W3: the classifier's forward + backward products for every batch of
128, including the last partial batch.

>>> floor = FloorImpl()
>>> from bench.workloads import Config, make_data
>>> cfg = Config.quick(w3_rows=300)
>>> epoch = floor.setup("W3", make_data(cfg), cfg)
>>> epoch()
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from bench.workloads import C_DIMS, D_DIMS, G_DIMS, WORKLOADS, Config, Data

Op = tuple[np.ndarray, np.ndarray, np.ndarray]  # (a, b, out): out = a @ b


class _Net:
    """Preallocated buffers for a dense stack at one batch size."""

    def __init__(self, dims: tuple[int, ...], batch: int, rng: np.random.Generator) -> None:
        f32 = np.float32
        self.dims = dims
        # Weights scaled like glorot so chained products stay finite (no inf/denormal slow paths).
        self.w = [
            (rng.standard_normal((i, o), dtype=f32) / np.float32(np.sqrt(i)))
            for i, o in zip(dims[:-1], dims[1:])
        ]
        # acts[0] is the input, acts[k] the output of layer k.
        self.acts = [rng.standard_normal((batch, d), dtype=f32) for d in dims]
        # dz[k] is the gradient at layer k's output (pre-activation), shape (batch, dims[k+1]);
        # dx[k] the gradient at layer k's input, shape (batch, dims[k]).
        self.dz = [rng.standard_normal((batch, d), dtype=f32) for d in dims[1:]]
        self.dx = [np.empty((batch, d), f32) for d in dims[:-1]]
        self.gw = [np.empty_like(w) for w in self.w]

    def forward(self, x: np.ndarray | None = None, out: np.ndarray | None = None) -> list[Op]:
        """Forward products; `x` replaces the input buffer, `out` the last output buffer."""
        acts = list(self.acts)
        if x is not None:
            acts[0] = x
        if out is not None:
            acts[-1] = out
        return [(acts[k], self.w[k], acts[k + 1]) for k in range(len(self.w))]

    def backward(
        self, weight_grads: bool, first_input_grad: bool, x: np.ndarray | None = None
    ) -> list[Op]:
        """Layers last to first; input grads chain into the previous layer's dz."""
        acts = list(self.acts)
        if x is not None:
            acts[0] = x
        ops: list[Op] = []
        for k in reversed(range(len(self.w))):
            if weight_grads:
                ops.append((acts[k].T, self.dz[k], self.gw[k]))
            if k > 0:
                ops.append((self.dz[k], self.w[k].T, self.dz[k - 1]))
            elif first_input_grad:
                ops.append((self.dz[k], self.w[k].T, self.dx[k]))
        return ops


def _run(ops: list[Op]) -> None:
    matmul = np.matmul
    for a, b, out in ops:
        matmul(a, b, out=out)


def w1_ops(batch: int, rng: np.random.Generator) -> list[Op]:
    """The products of one GAN step (see the module docstring)."""
    g_pred = _Net(G_DIMS, batch, rng)  # generator.predict on 128
    d_train = _Net(D_DIMS, 2 * batch, rng)  # discriminator.train_on_batch on 256
    g_gan = _Net(G_DIMS, batch, rng)  # gan.train_on_batch on 128: G part
    d_gan = _Net(D_DIMS, batch, rng)  # ... and D part
    d_gan.acts[0] = g_gan.acts[-1]  # D reads G's output
    ops = g_pred.forward()
    ops += d_train.forward() + d_train.backward(weight_grads=True, first_input_grad=False)
    ops += g_gan.forward() + d_gan.forward()
    ops += d_gan.backward(weight_grads=False, first_input_grad=True)
    g_gan.dz[-1] = d_gan.dx[0]  # the gradient flows from D's input into G's output
    ops += g_gan.backward(weight_grads=True, first_input_grad=False)
    return ops


def _batched(
    dims: tuple[int, ...],
    rows: int,
    batch: int,
    rng: np.random.Generator,
    make_ops: Callable[[_Net, int, int], list[Op]],
) -> list[Op]:
    """Ops for every batch of `rows`, full batches sharing one net, the partial one its own."""
    full = _Net(dims, batch, rng)
    ops: list[Op] = []
    for start in range(0, rows - rows % batch, batch):
        ops += make_ops(full, start, batch)
    rem = rows % batch
    if rem:
        ops += make_ops(_Net(dims, rem, rng), rows - rem, rem)
    return ops


class FloorImpl:
    """The matmul-only floor, run in the same process as the libraries it bounds."""

    name = "floor"
    version = np.__version__
    notes: list[str] = []

    def setup(self, workload: str, data: Data, cfg: Config, **kw) -> Callable[[], None]:
        rng = np.random.default_rng(cfg.seed + 1)
        if workload == "W1":
            ops = w1_ops(cfg.w1_batch, rng)
        elif workload == "W2":
            x = data.w2_x
            out = np.empty((len(x), G_DIMS[-1]), np.float32)

            def predict_ops(net: _Net, start: int, n: int) -> list[Op]:
                # Read the real input rows and write straight into the output array.
                return net.forward(x=x[start : start + n], out=out[start : start + n])

            ops = _batched(G_DIMS, len(x), kw["batch_size"], rng, predict_ops)
        elif workload == "W3":
            x = data.w3_x

            def train_ops(net: _Net, start: int, n: int) -> list[Op]:
                # The first layer reads the data batch, forward and in its weight grad.
                xb = x[start : start + n]
                return net.forward(x=xb) + net.backward(True, first_input_grad=False, x=xb)

            ops = _batched(C_DIMS, len(x), cfg.w3_batch, rng, train_ops)
        else:
            raise ValueError(f"Unknown workload {workload!r}; expected one of {WORKLOADS}.")

        def task() -> None:
            _run(ops)

        task()  # warm up (page in the buffers, spin up the BLAS threads)
        return task


def flops(ops: list[Op]) -> int:
    """Floating-point operations of a list of products (2 * m * k * n each)."""
    return sum(2 * a.shape[0] * a.shape[1] * b.shape[1] for a, b, _ in ops)
