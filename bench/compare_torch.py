"""The workloads as idiomatic eager PyTorch, for `python -m bench --compare`.

Equivalent work to the Keras-API versions:

- W1: `G.eval()` + `torch.inference_mode()` for the predict; D trains on the 256-row
  concatenation with `nn.BCELoss`; for the GAN step D's parameters get
  `requires_grad_(False)` (so no D weight grads, as with Keras's frozen D) and only G's
  Adam steps. Dropout is active in both D passes, as in Keras. Adam(lr=2e-4,
  betas=(0.5, 0.999), eps=1e-7) per model (Keras's epsilon).
- W2: `inference_mode` forward per batch, each batch's output copied into one (rows, 784)
  NumPy array (what `predict` returns).
- W3: a shuffled epoch (Keras's `fit` shuffles by default) of batches of 128; the model
  ends in logits and uses `F.cross_entropy`, which is how PyTorch users write the
  softmax + sparse categorical cross-entropy pair (same math, fused).

Weights use PyTorch's default init apart from the N(0, 0.02) first layers; the init does
not change the timing.

With torch installed:

>>> impl = TorchImpl()  # doctest: +SKIP
>>> impl.name  # doctest: +SKIP
'torch'
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from bench.workloads import C_DIMS, D_DIMS, G_DIMS, WORKLOADS, Config, Data


class TorchImpl:
    """Eager PyTorch on the CPU, with its own default thread count, or on `device="cuda"`
    (data uploaded once where the Keras API would upload it; each task ends with a
    synchronize; TF32 stays off, PyTorch's default, so products are full float32)."""

    name = "torch"

    def __init__(self, device: str = "cpu") -> None:
        import torch

        self.torch = torch
        self.device = torch.device(device)
        self.version = torch.__version__
        self.notes: list[str] = []
        if self.device.type == "cuda":
            torch.backends.cuda.matmul.allow_tf32 = False

    def _tensor(self, array: np.ndarray):
        return self.torch.from_numpy(array).to(self.device)

    def _sync(self) -> None:
        if self.device.type == "cuda":
            self.torch.cuda.synchronize()

    # -- models ---------------------------------------------------------------------------

    def _generator(self):
        nn = self.torch.nn
        g = nn.Sequential(
            nn.Linear(G_DIMS[0], G_DIMS[1]),
            nn.LeakyReLU(0.2),
            nn.Linear(G_DIMS[1], G_DIMS[2]),
            nn.LeakyReLU(0.2),
            nn.Linear(G_DIMS[2], G_DIMS[3]),
            nn.LeakyReLU(0.2),
            nn.Linear(G_DIMS[3], G_DIMS[4]),
            nn.Tanh(),
        )
        nn.init.normal_(g[0].weight, std=0.02)
        return g.to(self.device)

    def _discriminator(self):
        nn = self.torch.nn
        d = nn.Sequential(
            nn.Linear(D_DIMS[0], D_DIMS[1]),
            nn.LeakyReLU(0.2),
            nn.Dropout(0.3),
            nn.Linear(D_DIMS[1], D_DIMS[2]),
            nn.LeakyReLU(0.2),
            nn.Dropout(0.3),
            nn.Linear(D_DIMS[2], D_DIMS[3]),
            nn.LeakyReLU(0.2),
            nn.Dropout(0.3),
            nn.Linear(D_DIMS[3], D_DIMS[4]),
            nn.Sigmoid(),
        )
        nn.init.normal_(d[0].weight, std=0.02)
        return d.to(self.device)

    def _adam(self, params, lr: float, beta_1: float):
        return self.torch.optim.Adam(params, lr=lr, betas=(beta_1, 0.999), eps=1e-7)

    # -- workloads ------------------------------------------------------------------------

    def setup(self, workload: str, data: Data, cfg: Config, **kw) -> Callable[[], None]:
        torch = self.torch
        if workload == "W1":
            return self._setup_w1(data, cfg)
        if workload == "W2":
            bs = kw["batch_size"]
            g = self._generator().eval()

            def predict(n: int = len(data.w2_x)) -> None:
                x = self._tensor(data.w2_x[:n])  # predict's input, as NumPy
                out = np.empty((n, G_DIMS[-1]), np.float32)
                with torch.inference_mode():
                    for start in range(0, n, bs):
                        y = g(x[start : min(n, start + bs)])
                        out[start : start + bs] = y.cpu().numpy()

            predict(min(len(data.w2_x), 2 * bs))  # warm up
            return predict
        if workload == "W3":
            return self._setup_w3(data, cfg)
        raise ValueError(f"Unknown workload {workload!r}; expected one of {WORKLOADS}.")

    def _setup_w1(self, data: Data, cfg: Config) -> Callable[[], None]:
        torch = self.torch
        bce = torch.nn.functional.binary_cross_entropy
        g, d = self._generator(), self._discriminator()
        opt_d = self._adam(d.parameters(), 0.0002, 0.5)
        opt_g = self._adam(g.parameters(), 0.0002, 0.5)
        real = data.w1_real
        y_dis = self._tensor(data.w1_y_dis)
        y_gen = self._tensor(data.w1_y_gen)

        def step() -> None:
            # generator.predict (NumPy noise in, NumPy images out, as the tutorial has it)
            g.eval()
            with torch.inference_mode():
                generated = g(self._tensor(data.w1_noise_a)).cpu().numpy()
            x = self._tensor(np.concatenate([real, generated]))
            # discriminator.train_on_batch
            g.train()  # (G has no dropout; kept for symmetry with the Keras training flag)
            d.requires_grad_(True)
            opt_d.zero_grad(set_to_none=True)
            bce(d(x), y_dis).backward()
            opt_d.step()
            # gan.train_on_batch (D frozen)
            d.requires_grad_(False)
            opt_g.zero_grad(set_to_none=True)
            bce(d(g(self._tensor(data.w1_noise_b))), y_gen).backward()
            opt_g.step()
            self._sync()

        for _ in range(cfg.w1_warmup):
            step()
        return step

    def _setup_w3(self, data: Data, cfg: Config) -> Callable[[], None]:
        torch = self.torch
        nn = torch.nn
        model = nn.Sequential(
            nn.Linear(C_DIMS[0], C_DIMS[1]),
            nn.ReLU(),
            nn.Linear(C_DIMS[1], C_DIMS[2]),
            nn.ReLU(),
            nn.Linear(C_DIMS[2], C_DIMS[3]),
        ).to(self.device)
        opt = self._adam(model.parameters(), 0.001, 0.9)
        bs = cfg.w3_batch
        ce = torch.nn.functional.cross_entropy

        def epoch(n: int = len(data.w3_x)) -> None:
            x = self._tensor(data.w3_x[:n])  # fit's input, as NumPy
            y = self._tensor(data.w3_y[:n].astype(np.int64))
            perm = torch.randperm(n, device=self.device)
            for start in range(0, n, bs):
                idx = perm[start : start + bs]
                opt.zero_grad(set_to_none=True)
                ce(model(x[idx]), y[idx]).backward()
                opt.step()
            self._sync()

        epoch(min(len(data.w3_x), 3 * bs))  # warm up
        return epoch
