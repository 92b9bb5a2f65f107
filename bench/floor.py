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

On a GPU (`python -m bench --gpu`, CuPy) the same products run on the device, plus the
copies between host and device that the public API implies (NumPy in, NumPy out): W1
uploads the two noise batches and D's 256-row input and downloads the 128 generated rows;
W2 uploads the input rows and downloads the (rows, 784) output; W3 uploads the epoch's
`x` once. The task ends with a device synchronize, so its time is the GPU's.

>>> floor = FloorImpl()
>>> from bench.workloads import Config, make_data
>>> cfg = Config.quick(w3_rows=300)
>>> epoch = floor.setup("W3", make_data(cfg), cfg)
>>> epoch()
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from bench.workloads import C_DIMS, D_DIMS, G_DIMS, WORKLOADS, Config, Data

Op = tuple[np.ndarray, np.ndarray, np.ndarray]  # (a, b, out): out = a @ b


class _Net:
    """Preallocated buffers for a dense stack at one batch size (in `xp`'s memory)."""

    def __init__(
        self, dims: tuple[int, ...], batch: int, rng: np.random.Generator, xp: Any = np
    ) -> None:
        f32 = np.float32
        self.dims = dims
        # Weights scaled like glorot so chained products stay finite (no inf/denormal slow paths).
        self.w = [
            xp.asarray(rng.standard_normal((i, o), dtype=f32) / np.float32(np.sqrt(i)))
            for i, o in zip(dims[:-1], dims[1:])
        ]
        # acts[0] is the input, acts[k] the output of layer k.
        self.acts = [xp.asarray(rng.standard_normal((batch, d), dtype=f32)) for d in dims]
        # dz[k] is the gradient at layer k's output (pre-activation), shape (batch, dims[k+1]);
        # dx[k] the gradient at layer k's input, shape (batch, dims[k]).
        self.dz = [xp.asarray(rng.standard_normal((batch, d), dtype=f32)) for d in dims[1:]]
        self.dx = [xp.empty((batch, d), f32) for d in dims[:-1]]
        self.gw = [xp.empty_like(w) for w in self.w]

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


def _run(ops: list[Op], xp: Any = np) -> None:
    matmul = xp.matmul
    for a, b, out in ops:
        matmul(a, b, out=out)


def w1_ops(batch: int, rng: np.random.Generator, xp: Any = np) -> tuple[list[Op], dict]:
    """The products of one GAN step (see the module docstring), and the step's data buffers
    by name: `noise_a`, `generated` (predict), `d_input` (D's batch), `noise_b` (GAN)."""
    g_pred = _Net(G_DIMS, batch, rng, xp)  # generator.predict on 128
    d_train = _Net(D_DIMS, 2 * batch, rng, xp)  # discriminator.train_on_batch on 256
    g_gan = _Net(G_DIMS, batch, rng, xp)  # gan.train_on_batch on 128: G part
    d_gan = _Net(D_DIMS, batch, rng, xp)  # ... and D part
    d_gan.acts[0] = g_gan.acts[-1]  # D reads G's output
    ops = g_pred.forward()
    ops += d_train.forward() + d_train.backward(weight_grads=True, first_input_grad=False)
    ops += g_gan.forward() + d_gan.forward()
    ops += d_gan.backward(weight_grads=False, first_input_grad=True)
    g_gan.dz[-1] = d_gan.dx[0]  # the gradient flows from D's input into G's output
    ops += g_gan.backward(weight_grads=True, first_input_grad=False)
    buffers = {
        "noise_a": g_pred.acts[0],
        "generated": g_pred.acts[-1],
        "d_input": d_train.acts[0],
        "noise_b": g_gan.acts[0],
    }
    return ops, buffers


def _batched(
    dims: tuple[int, ...],
    rows: int,
    batch: int,
    rng: np.random.Generator,
    make_ops: Callable[[_Net, int, int], list[Op]],
    xp: Any = np,
) -> list[Op]:
    """Ops for every batch of `rows`, full batches sharing one net, the partial one its own."""
    full = _Net(dims, batch, rng, xp)
    ops: list[Op] = []
    for start in range(0, rows - rows % batch, batch):
        ops += make_ops(full, start, batch)
    rem = rows % batch
    if rem:
        ops += make_ops(_Net(dims, rem, rng, xp), rows - rem, rem)
    return ops


class FloorImpl:
    """The matmul-only floor, run in the same process as the libraries it bounds.

    `xp` is the array module: NumPy, or CuPy for the GPU floor (products plus the
    host-device copies the API implies; see the module docstring).
    """

    name = "floor"
    notes: list[str] = []

    def __init__(self, xp: Any = np) -> None:
        self.xp = xp
        self.version = xp.__version__
        self.on_device = xp is not np

    def setup(self, workload: str, data: Data, cfg: Config, **kw) -> Callable[[], None]:
        xp = self.xp
        rng = np.random.default_rng(cfg.seed + 1)
        # (host array, device buffer) uploads and (device buffer, host array) downloads
        uploads: list[tuple[np.ndarray, Any]] = []
        downloads: list[tuple[Any, np.ndarray]] = []

        def upload(host: np.ndarray) -> Any:
            if not self.on_device:
                return host
            dev = xp.empty(host.shape, host.dtype)
            uploads.append((host, dev))
            return dev

        if workload == "W1":
            ops, buf = w1_ops(cfg.w1_batch, rng, xp)
            if self.on_device:
                d_batch = np.empty(buf["d_input"].shape, np.float32)
                uploads.append((data.w1_noise_a, buf["noise_a"]))
                uploads.append((d_batch, buf["d_input"]))
                uploads.append((data.w1_noise_b, buf["noise_b"]))
                downloads.append((buf["generated"], np.empty(buf["generated"].shape, np.float32)))
        elif workload == "W2":
            x = upload(data.w2_x)
            out = xp.empty((len(x), G_DIMS[-1]), np.float32)
            if self.on_device:
                downloads.append((out, np.empty(out.shape, np.float32)))

            def predict_ops(net: _Net, start: int, n: int) -> list[Op]:
                # Read the real input rows and write straight into the output array.
                return net.forward(x=x[start : start + n], out=out[start : start + n])

            ops = _batched(G_DIMS, len(x), kw["batch_size"], rng, predict_ops, xp)
        elif workload == "W3":
            x = upload(data.w3_x)

            def train_ops(net: _Net, start: int, n: int) -> list[Op]:
                # The first layer reads the data batch, forward and in its weight grad.
                xb = x[start : start + n]
                return net.forward(x=xb) + net.backward(True, first_input_grad=False, x=xb)

            ops = _batched(C_DIMS, len(x), cfg.w3_batch, rng, train_ops, xp)
        else:
            raise ValueError(f"Unknown workload {workload!r}; expected one of {WORKLOADS}.")

        def task() -> None:
            for host, dev in uploads:
                dev.set(host)
            _run(ops, xp)
            for dev, host in downloads:
                dev.get(out=host)
            if self.on_device:
                xp.cuda.Stream.null.synchronize()

        task()  # warm up (page in the buffers, spin up the BLAS threads)
        return task


def flops(ops: list[Op]) -> int:
    """Floating-point operations of a list of products (2 * m * k * n each)."""
    return sum(2 * a.shape[0] * a.shape[1] * b.shape[1] for a, b, _ in ops)
