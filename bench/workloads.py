"""The three benchmark workloads, their data, and the numkeras implementation.

The model-building code is written once, against the Keras 3 public API, and takes the
library (numkeras or keras) as an argument: numkeras promises that API, so the very same
user code runs on both.

- W1, the GAN step of the canonical MNIST GAN (keras-facts.md section 7): one
  `generator.predict` on 128 noise rows, one `discriminator.train_on_batch` on 256 rows
  (128 real, 128 generated) and one `gan.train_on_batch` on 128 noise rows. As in the
  tutorial, `predict` gets no batch_size, so Keras semantics run it as 4 batches of 32
  (the floor counts one 128-row forward; numkeras runs the 4 batches of this row-independent
  model as one product, `numkeras/models/row_chunks.py`, where Keras runs 4).
- W2, predict throughput: the generator's `predict` on many noise rows, at batch sizes
  32 and 1024.
- W3, classifier fit: Dense 784-512-512-10, one epoch of `fit`, batch 128.

>>> cfg = Config.quick()
>>> data = make_data(cfg)
>>> data.w1_real.shape, data.w3_x.dtype
((128, 784), dtype('float32'))
"""

from __future__ import annotations

import dataclasses
import types
from collections.abc import Callable
from typing import Any

import numpy as np

# Layer widths, input first (the Dense layers of each model).
G_DIMS = (100, 256, 512, 1024, 784)
D_DIMS = (784, 1024, 512, 256, 1)
C_DIMS = (784, 512, 512, 10)

WORKLOADS = ("W1", "W2", "W3")
UNITS = {"W1": "ms/step", "W2": "rows/s", "W3": "s/epoch"}


@dataclasses.dataclass
class Config:
    """Sizes of one benchmark run (the defaults are the issue's full sizes)."""

    rounds: int = 3
    w1_steps: int = 20  # timed GAN steps per round
    w1_warmup: int = 2  # untimed GAN steps at setup
    w1_batch: int = 128
    w2_rows: int = 65_536
    w2_batch_sizes: tuple[int, ...] = (32, 1024)
    w3_rows: int = 60_000
    w3_batch: int = 128
    only: tuple[str, ...] = WORKLOADS
    seed: int = 0
    # Idle time before each measurement, so the previous runner's BLAS/OpenMP threads stop
    # spinning (OpenBLAS spins ~0.1 s after a call) and do not steal cores from the next.
    pause_s: float = 0.2
    # "wall" (time.perf_counter) or "cpu" (time.process_time: CPU seconds of all the
    # process's threads). "cpu" shrugs off other processes on a shared machine, but only
    # means "work" with one thread per pool (--threads 1): spinning BLAS threads count too.
    clock: str = "wall"
    # "cpu", or "gpu": numkeras on CuPy, PyTorch on CUDA, the floor's products on the device
    device: str = "cpu"

    @classmethod
    def quick(cls, **overrides: Any) -> Config:
        """Small sizes for a fast check (numbers are indicative only)."""
        base = dict(rounds=1, w1_steps=3, w1_warmup=1, w2_rows=4096, w3_rows=6016)
        base.update(overrides)
        return cls(**base)

    def keys(self) -> list[str]:
        """The result rows this config produces, e.g. ['W1', 'W2_bs32', 'W2_bs1024', 'W3']."""
        out: list[str] = []
        for w in self.only:
            if w == "W2":
                out.extend(f"W2_bs{bs}" for bs in self.w2_batch_sizes)
            else:
                out.append(w)
        return out


@dataclasses.dataclass
class Data:
    """Inputs shared by every implementation (the same arrays, so nobody gets easier data)."""

    w1_noise_a: np.ndarray  # (128, 100) for generator.predict
    w1_noise_b: np.ndarray  # (128, 100) for gan.train_on_batch
    w1_real: np.ndarray  # (128, 784) "real images" in [-1, 1]
    w1_y_dis: np.ndarray  # (256, 1): 0.9 for real (label smoothing), 0 for fake
    w1_y_gen: np.ndarray  # (128, 1): ones
    w2_x: np.ndarray  # (w2_rows, 100)
    w3_x: np.ndarray  # (w3_rows, 784) in [0, 1]
    w3_y: np.ndarray  # (w3_rows,) uint8 labels 0..9, as keras.datasets.mnist returns


def make_data(cfg: Config) -> Data:
    """Random float32 data of the workloads' shapes (deterministic for a seed)."""
    rng = np.random.default_rng(cfg.seed)
    b = cfg.w1_batch
    f32 = np.float32
    need_w2 = "W2" in cfg.only
    need_w3 = "W3" in cfg.only
    return Data(
        w1_noise_a=rng.standard_normal((b, G_DIMS[0]), dtype=f32),
        w1_noise_b=rng.standard_normal((b, G_DIMS[0]), dtype=f32),
        w1_real=rng.uniform(-1, 1, (b, G_DIMS[-1])).astype(f32),
        w1_y_dis=np.concatenate([np.full((b, 1), 0.9, f32), np.zeros((b, 1), f32)]),
        w1_y_gen=np.ones((b, 1), f32),
        w2_x=rng.standard_normal((cfg.w2_rows if need_w2 else 1, G_DIMS[0]), dtype=f32),
        w3_x=rng.random((cfg.w3_rows if need_w3 else 1, C_DIMS[0]), dtype=f32),
        w3_y=rng.integers(0, 10, cfg.w3_rows if need_w3 else 1).astype(np.uint8),
    )


# ----------------------------------------------------------------------------------------
# Model builders, written once against the Keras 3 API (`lib` is numkeras or keras).


def build_generator(lib: types.SimpleNamespace):
    """The tutorial generator: 100 -> 256 -> 512 -> 1024 -> 784 (tanh)."""
    Dense, LeakyReLU = lib.Dense, lib.LeakyReLU
    return lib.Sequential(
        [
            lib.Input(shape=(100,)),
            Dense(256, kernel_initializer=lib.RandomNormal(stddev=0.02)),
            LeakyReLU(0.2),
            Dense(512),
            LeakyReLU(0.2),
            Dense(1024),
            LeakyReLU(0.2),
            Dense(784, activation="tanh"),
        ]
    )


def build_discriminator(lib: types.SimpleNamespace):
    """The tutorial discriminator: 784 -> 1024 -> 512 -> 256 -> 1 (sigmoid), Dropout(0.3)."""
    Dense, LeakyReLU, Dropout = lib.Dense, lib.LeakyReLU, lib.Dropout
    return lib.Sequential(
        [
            lib.Input(shape=(784,)),
            Dense(1024, kernel_initializer=lib.RandomNormal(stddev=0.02)),
            LeakyReLU(0.2),
            Dropout(0.3),
            Dense(512),
            LeakyReLU(0.2),
            Dropout(0.3),
            Dense(256),
            LeakyReLU(0.2),
            Dropout(0.3),
            Dense(1, activation="sigmoid"),
        ]
    )


def build_gan(lib: types.SimpleNamespace, share_optimizer: bool):
    """Generator, discriminator and the stacked GAN, compiled as in the tutorial.

    `share_optimizer=True` passes one Adam to every compile, as the canonical script does
    (Keras 2 allowed it); Keras 3 cannot share one (keras-facts.md section 4), so its
    runner passes False and gets one Adam per model.
    """

    def adam():
        return lib.Adam(learning_rate=0.0002, beta_1=0.5)

    shared = adam() if share_optimizer else None
    generator = build_generator(lib)
    discriminator = build_discriminator(lib)
    generator.compile(loss="binary_crossentropy", optimizer=shared or adam())
    discriminator.compile(loss="binary_crossentropy", optimizer=shared or adam())
    discriminator.trainable = False
    gan_input = lib.Input(shape=(100,))
    gan = lib.Model(gan_input, discriminator(generator(gan_input)))
    gan.compile(loss="binary_crossentropy", optimizer=shared or adam())
    return generator, discriminator, gan


def build_classifier(lib: types.SimpleNamespace):
    """W3's classifier: 784 -> 512 (relu) -> 512 (relu) -> 10 (softmax), Adam."""
    Dense = lib.Dense
    model = lib.Sequential(
        [
            lib.Input(shape=(784,)),
            Dense(512, activation="relu"),
            Dense(512, activation="relu"),
            Dense(10, activation="softmax"),
        ]
    )
    model.compile(optimizer=lib.Adam(), loss="sparse_categorical_crossentropy")
    return model


def gan_step_fn(generator, discriminator, gan, data: Data) -> Callable[[], None]:
    """One GAN training step, as the tutorial writes it (with the trainable toggle).

    The toggle is what makes D train under Keras 3 (which reads the current flags); under
    the Keras 2 compile-time semantics it is a no-op, so the same code is right for both.
    """
    noise_a, noise_b, real = data.w1_noise_a, data.w1_noise_b, data.w1_real
    y_dis, y_gen = data.w1_y_dis, data.w1_y_gen

    def step() -> None:
        generated = generator.predict(noise_a, verbose=0)
        x = np.concatenate([real, np.asarray(generated)])
        discriminator.trainable = True
        discriminator.train_on_batch(x, y_dis)
        discriminator.trainable = False
        gan.train_on_batch(noise_b, y_gen)

    return step


def setup_keras_api(lib: types.SimpleNamespace, workload: str, data: Data, cfg: Config, **kw):
    """Build and warm up one workload for a Keras-API library; return the timed callable.

    W1: the callable runs one GAN step. W2 (`batch_size` in kw): one full predict.
    W3: one epoch of fit.
    """
    if workload == "W1":
        generator, discriminator, gan = build_gan(lib, kw.get("share_optimizer", True))
        step = gan_step_fn(generator, discriminator, gan, data)
        for _ in range(cfg.w1_warmup):
            step()
        return step
    if workload == "W2":
        bs = kw["batch_size"]
        generator = build_generator(lib)
        x = data.w2_x
        generator.predict(x[: min(len(x), 2 * bs)], batch_size=bs, verbose=0)

        def predict() -> None:
            generator.predict(x, batch_size=bs, verbose=0)

        return predict
    if workload == "W3":
        model = build_classifier(lib)
        x, y, bs = data.w3_x, data.w3_y, cfg.w3_batch
        # Warm up on one full batch plus the epoch's partial one (JIT'd backends compile
        # once per batch shape).
        rem = len(x) % bs
        n_warm = min(len(x), bs + (rem or bs))
        model.fit(x[:n_warm], y[:n_warm], batch_size=bs, epochs=1, verbose=0)

        def epoch() -> None:
            model.fit(x, y, batch_size=bs, epochs=1, verbose=0)

        return epoch
    raise ValueError(f"Unknown workload {workload!r}; expected one of {WORKLOADS}.")


# ----------------------------------------------------------------------------------------
# numkeras


def numkeras_lib() -> types.SimpleNamespace:
    """The Keras-API names, imported from numkeras exactly as a Keras user would."""
    from numkeras.layers import Dense, Dropout, Input, LeakyReLU
    from numkeras.models import Model, Sequential
    from numkeras.optimizers import Adam

    notes = []
    try:
        from numkeras.initializers import RandomNormal
    except ImportError as e:  # the initializer does not change any timing; say so and go on
        notes.append(f"numkeras.initializers.RandomNormal missing ({e}); used the default init")

        def RandomNormal(stddev: float = 0.05):  # noqa: N802 (stands in for the class)
            return "glorot_uniform"

    return types.SimpleNamespace(
        notes=notes,
        Sequential=Sequential,
        Model=Model,
        Dense=Dense,
        LeakyReLU=LeakyReLU,
        Dropout=Dropout,
        Input=Input,
        Adam=Adam,
        RandomNormal=RandomNormal,
    )


class NumkerasImpl:
    """numkeras, driven through its public Keras-style API."""

    name = "numkeras"

    def __init__(self) -> None:
        self.lib = numkeras_lib()
        self.notes = list(self.lib.notes)
        import numkeras

        self.version = getattr(numkeras, "__version__", "?")

    def setup(self, workload: str, data: Data, cfg: Config, **kw) -> Callable[[], None]:
        return setup_keras_api(self.lib, workload, data, cfg, share_optimizer=True, **kw)
