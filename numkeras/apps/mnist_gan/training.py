"""The MNIST GAN's training run: the 2017 tutorial's loop, with progress, a checkpoint after
every epoch (a rerun continues from it, exactly), image grids and quality scores.

Each step is the tutorial's: the generator's `predict` on 128 noise rows, the
discriminator's `train_on_batch` on those and 128 real images (real labels smoothed to
0.9), then the combined model's `train_on_batch` on fresh noise labelled real. The noise,
the batches and the Dropout masks all come from generators seeded by `seed`, and the
checkpoint holds their states, so a run stopped after any epoch and continued gives the
same weights as one that never stopped.

>>> import tempfile
>>> x = np.random.default_rng(0).uniform(-1, 1, (256, 784)).astype("float32")
>>> settings = Settings(epochs=1, steps_per_epoch=2, grid_every=0, score_every=0)
>>> history = train(x, tempfile.mkdtemp(), settings, verbose=0)
>>> sorted(history[0])
['d_loss', 'epoch', 'g_loss', 'seconds']
"""

from __future__ import annotations

import csv
import dataclasses
import os
import time
from collections.abc import Callable

import numpy as np

from numkeras import utils
from numkeras.apps.mnist_gan import checkpoint
from numkeras.apps.mnist_gan.images import image_grid, save_grid, save_loss_plot
from numkeras.apps.mnist_gan.models import build, build_generator
from numkeras.backend import random as nk_random
from numkeras.errors import ConfigError
from numkeras.utils.progbar import Progbar

REAL_LABEL = 0.9  # one-sided label smoothing, as the tutorial
GRID_SAMPLES = 100  # a 10 x 10 grid


@dataclasses.dataclass
class Settings:
    """One run's settings; those in `SAME_ON_RESUME` must match a checkpoint's."""

    epochs: int = 20
    batch_size: int = 128
    steps_per_epoch: int | None = None  # None: training rows // batch_size (468 on MNIST)
    latent_dim: int = 100
    learning_rate: float = 2e-4
    beta_1: float = 0.5
    seed: int = 1000
    grid_every: int = 10  # 0: no grids; else epoch 1, every N-th and the last
    score_every: int = 10  # 0: no scores; else every N-th epoch and the last
    score_samples: int = 10_000

    SAME_ON_RESUME = ("batch_size", "steps_per_epoch", "latent_dim", "learning_rate", "beta_1")

    def check(self) -> None:
        for name in ("epochs", "batch_size", "latent_dim", "score_samples"):
            if getattr(self, name) < 1:
                raise ConfigError(f"{name} must be at least 1, got {getattr(self, name)}.")
        if self.steps_per_epoch is not None and self.steps_per_epoch < 1:
            raise ConfigError(f"steps_per_epoch must be at least 1, got {self.steps_per_epoch}.")
        for name in ("grid_every", "score_every"):
            if getattr(self, name) < 0:
                raise ConfigError(f"{name} must be 0 (never) or more, got {getattr(self, name)}.")


def _due(every: int, epoch: int, last: int, first: bool = False) -> bool:
    return every > 0 and (epoch % every == 0 or epoch == last or (first and epoch == 1))


class _Run:
    """The models, generators and history of one run (fresh, or restored from `out_dir`)."""

    def __init__(self, settings: Settings, out_dir: str, resume: bool) -> None:
        self.settings = settings
        self.out_dir = out_dir
        # the generator alone, uncompiled, for `generator.keras` (the compiled one would
        # carry the shared optimizer's state for both models); built before seeding, so its
        # initializers move none of the training's random streams
        self.export = build_generator(settings.latent_dim) if _has_h5py() else None
        utils.set_random_seed(settings.seed)  # the initial weights and the Dropout masks
        self.generator, self.discriminator, self.gan, self.optimizer = build(
            settings.latent_dim, settings.learning_rate, settings.beta_1
        )
        self.rng = np.random.default_rng(settings.seed)  # noise and batches
        self.grid_noise = np.random.default_rng(settings.seed + 1).standard_normal(
            (GRID_SAMPLES, settings.latent_dim), dtype=np.float32
        )
        self.history: list[dict] = []
        if resume and checkpoint.exists(out_dir):
            self._restore()

    @property
    def epoch(self) -> int:
        return len(self.history)

    def _restore(self) -> None:
        state, arrays = checkpoint.load(self.out_dir)
        saved = state["settings"]
        for name in Settings.SAME_ON_RESUME:
            if saved.get(name) != getattr(self.settings, name):
                raise ConfigError(
                    f"The checkpoint in {self.out_dir} was trained with {name}="
                    f"{saved.get(name)!r}, this run asks for {getattr(self.settings, name)!r}. "
                    "Use the same settings to continue it, or --fresh (or another --out) to "
                    "start over."
                )
        self.generator.set_weights(arrays["generator"])
        self.discriminator.set_weights(arrays["discriminator"])
        for variable, value in zip(self.optimizer.variables, arrays["optimizer"]):
            variable.assign(value)
        self.rng.bit_generator.state = state["rng"]
        nk_random.global_generator().bit_generator.state = state["numkeras_rng"]
        self.history = state["history"]

    def save(self) -> None:
        state = {
            "settings": {k: v for k, v in dataclasses.asdict(self.settings).items()},
            "history": self.history,
            "rng": self.rng.bit_generator.state,
            "numkeras_rng": nk_random.global_generator().bit_generator.state,
        }
        arrays = {
            "generator": self.generator.get_weights(),
            "discriminator": self.discriminator.get_weights(),
            "optimizer": [np.array(v.numpy()) for v in self.optimizer.variables],
        }
        checkpoint.save(self.out_dir, state, arrays)
        _write_history_csv(os.path.join(self.out_dir, "history.csv"), self.history)

    def save_generator(self) -> None:
        """Write `generator.keras` (Keras 3 loads it too), when h5py is installed."""
        if self.export is not None:
            self.export.set_weights(self.generator.get_weights())
            self.export.save(os.path.join(self.out_dir, "generator.keras"))

    def step(self, x_train: np.ndarray) -> tuple[float, float]:
        """One tutorial step; returns the discriminator's and the combined model's loss."""
        bs, latent = self.settings.batch_size, self.settings.latent_dim
        noise = self.rng.standard_normal((bs, latent), dtype=np.float32)
        real = x_train[self.rng.integers(0, len(x_train), size=bs)]
        generated = self.generator.predict(noise, verbose=0)
        y_dis = np.zeros((2 * bs, 1), np.float32)
        y_dis[:bs] = REAL_LABEL
        self.discriminator.trainable = True  # (a no-op under the compile-time rule)
        d_loss = self.discriminator.train_on_batch(np.concatenate([real, generated]), y_dis)
        noise = self.rng.standard_normal((bs, latent), dtype=np.float32)
        self.discriminator.trainable = False
        g_loss = self.gan.train_on_batch(noise, np.ones((bs, 1), np.float32))
        return float(d_loss), float(g_loss)


def train(
    x_train: np.ndarray,
    out_dir: str,
    settings: Settings | None = None,
    scorer=None,
    resume: bool = True,
    verbose: int = 1,
    log: Callable[[str], None] = print,
) -> list[dict]:
    """Train the GAN on `x_train` (`(rows, 784)` float32 in [-1, 1]) up to
    `settings.epochs`, continuing the checkpoint in `out_dir` when there is one (and
    `resume`). Writes there: `checkpoint/`, `history.csv`, `grid_epoch_NNN.png`, with
    matplotlib `losses.png`, and with h5py `generator.keras`. `scorer`: a
    `quality.Scorer`, or None for no scores. Returns the history, one dict per epoch."""
    settings = settings or Settings()
    settings.check()
    x_train = np.asarray(x_train, np.float32).reshape(len(x_train), -1)
    if x_train.shape[1] != 784:
        raise ConfigError(f"Expected 28x28 images (784 values each), got {x_train.shape}.")
    steps = settings.steps_per_epoch or len(x_train) // settings.batch_size
    if steps < 1:
        raise ConfigError(
            f"{len(x_train)} training rows make no batch of {settings.batch_size}; pass "
            "--steps-per-epoch or a smaller --batch-size."
        )
    os.makedirs(out_dir, exist_ok=True)
    run = _Run(settings, out_dir, resume)
    if run.epoch and verbose:
        log(f"Continuing the run in {out_dir} after epoch {run.epoch}.")
    if run.epoch >= settings.epochs and verbose:
        log(f"Already trained {run.epoch} epochs (--epochs {settings.epochs}): nothing to do.")
    for epoch in range(run.epoch + 1, settings.epochs + 1):
        if verbose:
            log(f"Epoch {epoch}/{settings.epochs}")
        # (the running means, shown as they are: a bar's last update shows its values as is)
        bar = Progbar(steps, verbose=verbose, stateful_metrics=["d_loss", "g_loss"])
        start = time.perf_counter()
        d_sum = g_sum = 0.0
        for i in range(steps):
            d_loss, g_loss = run.step(x_train)
            d_sum, g_sum = d_sum + d_loss, g_sum + g_loss
            bar.update(i + 1, [("d_loss", d_sum / (i + 1)), ("g_loss", g_sum / (i + 1))])
        record = {
            "epoch": epoch,
            "d_loss": d_sum / steps,
            "g_loss": g_sum / steps,
            "seconds": round(time.perf_counter() - start, 3),
        }
        if _due(settings.grid_every, epoch, settings.epochs, first=True):
            grid = image_grid(run.generator.predict(run.grid_noise, verbose=0))
            saved = save_grid(os.path.join(out_dir, f"grid_epoch_{epoch:03d}"), grid)
            if verbose:
                log(f"  image grid: {saved}")
        if scorer is not None and _due(settings.score_every, epoch, settings.epochs):
            record.update(_scores(run, scorer))
            if verbose:
                log(
                    f"  classifier score {record['classifier_score']:.3f}, "
                    f"Fréchet distance {record['frechet_distance']:.3f}, "
                    f"predicted classes {record['class_counts']}"
                )
        run.history.append(record)
        if _due(settings.grid_every, epoch, settings.epochs, first=True):
            save_loss_plot(os.path.join(out_dir, "losses.png"), run.history)
        run.save()
        run.save_generator()
    return run.history


def _scores(run: _Run, scorer) -> dict:
    # (its own generator: scoring does not move the training's noise stream)
    noise = np.random.default_rng(run.settings.seed + 2).standard_normal(
        (run.settings.score_samples, run.settings.latent_dim), dtype=np.float32
    )
    return scorer.score(run.generator.predict(noise, batch_size=1024, verbose=0))


def _has_h5py() -> bool:
    try:
        import h5py  # noqa: F401 (the .keras format's weights are HDF5)
    except ImportError:
        return False
    return True


def _write_history_csv(path: str, history: list[dict]) -> None:
    columns = ["epoch", "d_loss", "g_loss", "seconds", "classifier_score", "frechet_distance"]
    tmp = f"{path}.tmp"
    with open(tmp, "w", newline="") as f:
        writer = csv.DictWriter(f, columns, extrasaction="ignore")
        writer.writeheader()
        writer.writerows(history)
    os.replace(tmp, path)
