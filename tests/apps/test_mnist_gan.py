"""The MNIST GAN application: the tutorial's training semantics, exact resumption from its
checkpoint, atomic checkpoints, image grids, the quality score's formulas, and (slow) the
command line on real MNIST."""

import csv
import os

import numpy as np
import pytest
import scipy.linalg

from numkeras.apps.mnist_gan import __main__ as cli
from numkeras.apps.mnist_gan import checkpoint, images, quality, training
from numkeras.apps.mnist_gan.models import build
from numkeras.apps.mnist_gan.training import Settings, train
from numkeras.errors import ConfigError

ROWS = np.random.default_rng(5).uniform(-1, 1, (512, 784)).astype(np.float32)


def _settings(epochs, **overrides):
    base = dict(epochs=epochs, batch_size=16, steps_per_epoch=3, grid_every=0, score_every=0)
    base.update(overrides)
    return Settings(**base)


def _state(out_dir):
    state, arrays = checkpoint.load(out_dir)
    for record in state["history"]:
        record.pop("seconds")
    return state, arrays


def test_each_step_trains_what_the_tutorial_compiled():
    """D's step moves only D's weights; the combined step only G's (D frozen at compile)."""
    generator, discriminator, gan, _ = build()
    g0, d0 = generator.get_weights(), discriminator.get_weights()
    x = np.concatenate([ROWS[:8], generator.predict(np.zeros((8, 100), np.float32), verbose=0)])
    discriminator.trainable = True
    discriminator.train_on_batch(x, np.ones((16, 1), np.float32))
    g1, d1 = generator.get_weights(), discriminator.get_weights()
    assert all(np.array_equal(a, b) for a, b in zip(g0, g1))
    assert all(not np.array_equal(a, b) for a, b in zip(d0, d1))
    discriminator.trainable = False
    gan.train_on_batch(np.ones((8, 100), np.float32), np.ones((8, 1), np.float32))
    g2, d2 = generator.get_weights(), discriminator.get_weights()
    assert all(np.array_equal(a, b) for a, b in zip(d1, d2))
    assert all(not np.array_equal(a, b) for a, b in zip(g1, g2))


def test_a_resumed_run_equals_one_that_never_stopped(tmp_path):
    straight, split = str(tmp_path / "straight"), str(tmp_path / "split")
    train(ROWS, straight, _settings(2), verbose=0)
    first = train(ROWS, split, _settings(1), verbose=0)
    assert [r["epoch"] for r in first] == [1]
    history = train(ROWS, split, _settings(2), verbose=0)
    assert [r["epoch"] for r in history] == [1, 2]
    (state_a, arrays_a), (state_b, arrays_b) = _state(straight), _state(split)
    assert state_a == state_b  # losses, random generators' states, settings
    for group in ("generator", "discriminator", "optimizer"):
        assert len(arrays_a[group]) == len(arrays_b[group]) > 0
        for a, b in zip(arrays_a[group], arrays_b[group]):
            np.testing.assert_array_equal(a, b)
    assert arrays_a["optimizer"][0] == 2 * 2 * 3  # iterations: two updates per step


def test_rerun_past_the_last_epoch_trains_nothing(tmp_path):
    out = str(tmp_path)
    train(ROWS, out, _settings(1), verbose=0)
    before = _state(out)[1]["generator"]
    history = train(ROWS, out, _settings(1), verbose=0)
    assert len(history) == 1
    for a, b in zip(before, _state(out)[1]["generator"]):
        np.testing.assert_array_equal(a, b)


def test_resume_refuses_other_settings_and_fresh_starts_over(tmp_path):
    out = str(tmp_path)
    train(ROWS, out, _settings(1), verbose=0)
    with pytest.raises(ConfigError, match="batch_size=16"):
        train(ROWS, out, _settings(2, batch_size=8), verbose=0)
    history = train(ROWS, out, _settings(1, batch_size=8), resume=False, verbose=0)
    assert [r["epoch"] for r in history] == [1]
    assert _state(out)[0]["settings"]["batch_size"] == 8


def test_a_failed_checkpoint_save_keeps_the_previous_one(tmp_path, monkeypatch):
    out = str(tmp_path)
    train(ROWS, out, _settings(1), verbose=0)

    def broken(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(checkpoint.np, "savez", broken)
    with pytest.raises(OSError, match="disk full"):
        train(ROWS, out, _settings(2), verbose=0)
    monkeypatch.undo()
    assert _state(out)[0]["history"][-1]["epoch"] == 1
    assert sorted(os.listdir(out)) == ["checkpoint", "generator.keras", "history.csv"]


def test_outputs_grids_history_and_generator(tmp_path):
    out = str(tmp_path)
    history = train(ROWS, out, _settings(2, grid_every=1), verbose=0)
    assert os.path.exists(os.path.join(out, "grid_epoch_001.png"))
    assert os.path.exists(os.path.join(out, "grid_epoch_002.png"))
    assert os.path.exists(os.path.join(out, "losses.png"))
    with open(os.path.join(out, "history.csv")) as f:
        rows = list(csv.DictReader(f))
    assert [int(r["epoch"]) for r in rows] == [1, 2]
    assert float(rows[1]["g_loss"]) == pytest.approx(history[1]["g_loss"])
    from numkeras.saving import load_model

    path = os.path.join(out, "generator.keras")
    generator = load_model(path)
    # the generator alone: no optimizer (the shared one's state is 24 MB)
    assert generator.optimizer is None
    assert os.path.getsize(path) < 1.1 * 4 * generator.count_params()
    weights = _state(out)[1]["generator"]
    for a, b in zip(generator.get_weights(), weights):
        np.testing.assert_array_equal(a, b)


def test_bad_settings_are_refused(tmp_path):
    with pytest.raises(ConfigError, match="epochs"):
        train(ROWS, str(tmp_path), _settings(0), verbose=0)
    with pytest.raises(ConfigError, match="784"):
        train(ROWS[:, :100], str(tmp_path), _settings(1), verbose=0)
    with pytest.raises(ConfigError, match="no batch"):
        train(ROWS[:10], str(tmp_path), Settings(epochs=1, batch_size=16), verbose=0)


def test_image_grid_is_dark_digits_on_white():
    image = -np.ones((1, 784), np.float32)
    image[0, 0] = 1.0  # the top-left pixel at full ink
    grid = images.image_grid(image, columns=1, pad=2)
    assert grid.shape == (32, 32)
    assert grid[2, 2] == 0 and grid[2, 3] == 255 and grid[0, 0] == 255


def test_grid_falls_back_to_pgm_without_pillow(tmp_path, monkeypatch):
    import builtins

    real_import = builtins.__import__

    def no_pillow(name, *args, **kwargs):
        if name == "PIL" or name.startswith("PIL."):
            raise ImportError("no Pillow here")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_pillow)
    grid = np.arange(6, dtype=np.uint8).reshape(2, 3)
    path = images.save_grid(str(tmp_path / "g"), grid)
    assert path.endswith(".pgm")
    with open(path, "rb") as f:
        assert f.read() == b"P5\n3 2\n255\n" + grid.tobytes()


def test_classifier_score_bounds():
    confident = np.eye(10)[np.arange(100) % 10]
    assert quality.classifier_score(confident) == pytest.approx(10.0, rel=1e-6)
    one_class = np.eye(10)[np.zeros(100, int)]
    assert quality.classifier_score(one_class) == pytest.approx(1.0, rel=1e-6)


def test_frechet_distance_against_scipy():
    rng = np.random.default_rng(3)
    a = rng.standard_normal((400, 5)) @ rng.standard_normal((5, 5))
    b = rng.standard_normal((300, 5)) @ rng.standard_normal((5, 5)) + 0.5
    ca, cb = np.cov(a, rowvar=False), np.cov(b, rowvar=False)
    root = scipy.linalg.sqrtm(ca @ cb).real
    want = np.sum((a.mean(0) - b.mean(0)) ** 2) + np.trace(ca + cb - 2 * root)
    assert quality.frechet_distance(a, b) == pytest.approx(want, rel=1e-8)
    shifted = a + np.array([1.0, 2.0, 0.0, 0.0, 0.0])  # same covariance: |shift|^2
    assert quality.frechet_distance(a, shifted) == pytest.approx(5.0, rel=1e-8)


def test_progress_lines_and_messages(tmp_path, capsys):
    (record,) = train(ROWS, str(tmp_path), _settings(1, grid_every=1), verbose=1)
    train(ROWS, str(tmp_path), _settings(1), verbose=1)
    out = capsys.readouterr().out
    assert "Epoch 1/1" in out
    # the bar's last line shows the epoch's mean losses, as history.csv has them
    assert f"d_loss: {record['d_loss']:.4f} - g_loss: {record['g_loss']:.4f}" in out
    assert "image grid:" in out
    assert "Continuing the run" in out and "nothing to do" in out


def _small_mnist(path=None):
    rng = np.random.default_rng(0)
    images = rng.integers(0, 256, (300, 28, 28), dtype=np.uint8)
    labels = rng.integers(0, 10, 300).astype(np.uint8)
    return (images[:200], labels[:200]), (images[200:], labels[200:])


def test_command_line_runs_scores_and_stops_cleanly(tmp_path, monkeypatch, capsys):
    from numkeras.datasets import mnist

    monkeypatch.setattr(mnist, "load_data", _small_mnist)
    out = str(tmp_path / "run")
    args = ["--epochs", "1", "--batch-size", "16", "--score-samples", "64", "--out", out]
    assert cli.main(args) == 0
    text = capsys.readouterr().out
    assert "Quality classifier:" in text and "classifier score" in text and "Done: epoch 1" in text
    with open(os.path.join(out, "history.csv")) as f:
        (row,) = list(csv.DictReader(f))
    assert int(row["epoch"]) == 1 and 1.0 <= float(row["classifier_score"]) <= 10.0

    def interrupted(self, x_train):
        raise KeyboardInterrupt

    monkeypatch.setattr(training._Run, "step", interrupted)
    assert cli.main(["--epochs", "2", *args[2:]]) == 130
    assert "Run the same command again" in capsys.readouterr().out
    assert checkpoint.load(out)[0]["history"][-1]["epoch"] == 1  # the last whole epoch


@pytest.mark.slow
def test_command_line_on_real_mnist(tmp_path, capsys):
    """Real MNIST: the quality classifier learns it, real images score near 10, and a
    short run writes its outputs and scores (a GAN this young draws blobs: low score)."""
    out = str(tmp_path / "run")
    args = ["--epochs", "1", "--steps-per-epoch", "20", "--score-every", "1"]
    args += ["--score-samples", "2000", "--out", out, "--verbose", "1"]
    assert cli.main(args) == 0
    text = capsys.readouterr().out
    accuracy = float(text.split("Quality classifier: ")[1].split("%")[0])
    assert accuracy > 96.0
    real_score = float(text.split("Real training images score ")[1].split(",")[0])
    assert 8.5 < real_score <= 10.0
    with open(os.path.join(out, "history.csv")) as f:
        (row,) = list(csv.DictReader(f))
    assert 1.0 <= float(row["classifier_score"]) < real_score
    assert float(row["frechet_distance"]) > 0
    assert os.path.exists(os.path.join(out, quality.CLASSIFIER_FILE))
    assert os.path.exists(os.path.join(out, "grid_epoch_001.png"))
    # a second run reuses the cached classifier and continues the checkpoint
    assert cli.main([*args[:1], "2", *args[2:]]) == 0
    assert "Continuing the run" in capsys.readouterr().out
    assert training.checkpoint.load(out)[0]["history"][-1]["epoch"] == 2
