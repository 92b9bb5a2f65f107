"""backend/threads.py and predict's chunks on several threads: results in order, errors
where they belong, the same predictions to float32 rounding, progress reported per batch,
and the switches that keep everything on one thread."""

import os
import subprocess
import sys
import threading

import numpy as np
import pytest

from numkeras import layers, models
from numkeras.backend import threads

SEVERAL = pytest.mark.skipif(threads.threads() < 2, reason="one CPU or one BLAS thread here")


def test_ordered_map_keeps_the_order_and_runs_in_place_when_nested():
    def square_and_nested(v):
        inner = list(threads.ordered_map(lambda u: (u, threads.worker_name()), [v, v]))
        return v * v, inner[0][1] == threads.worker_name()

    got = list(threads.ordered_map(square_and_nested, range(20)))
    assert [g[0] for g in got] == [v * v for v in range(20)]
    assert all(g[1] for g in got)  # (a map inside a worker ran on that worker)


def test_ordered_map_raises_where_the_failing_item_is():
    def fail_on_three(v):
        if v == 3:
            raise KeyError(v)
        return v

    got = []
    with pytest.raises(KeyError):
        for value in threads.ordered_map(fail_on_three, range(8)):
            got.append(value)
    assert got == [0, 1, 2]


def _cnn():
    model = models.Sequential(
        [
            layers.Input((12, 12, 1)),
            layers.Conv2D(4, 3, activation="relu"),
            layers.MaxPooling2D(),
            layers.Flatten(),
            layers.Dense(3, activation="softmax"),
        ]
    )
    return model


def _threads_seen(model, monkeypatch) -> set:
    seen = set()
    run = model._run

    def spy(*args, **kwargs):
        seen.add(threading.current_thread().name)
        return run(*args, **kwargs)

    monkeypatch.setattr(model, "_run", spy)
    return seen


@SEVERAL
def test_predict_runs_chunks_on_worker_threads_with_the_same_values(monkeypatch):
    monkeypatch.setattr(threads, "MIN_CHUNK_SECONDS", 0.0)  # (however fast the chunks)
    model = _cnn()
    x = np.random.default_rng(0).random((3000, 12, 12, 1), dtype=np.float32)
    whole = np.concatenate([model(x[i : i + 32]) for i in range(0, len(x), 32)])
    seen = _threads_seen(model, monkeypatch)
    got = model.predict(x, verbose=0)
    assert got.shape == whole.shape and got.dtype == whole.dtype
    np.testing.assert_allclose(got, whole, rtol=1e-5, atol=1e-7)
    assert any(name.startswith("numkeras-worker") for name in seen)
    assert model.predict(x[:5], verbose=0).shape == (5, 3)  # (one chunk: this thread)


def test_chunks_faster_than_the_threads_hand_over_stay_on_this_thread(monkeypatch):
    monkeypatch.setattr(threads, "MIN_CHUNK_SECONDS", 3600.0)
    model = _cnn()
    seen = _threads_seen(model, monkeypatch)
    model.predict(np.zeros((3000, 12, 12, 1), "float32"), verbose=0)
    assert seen == {threading.current_thread().name}


@SEVERAL
def test_progress_counts_every_batch_when_chunks_run_in_parallel(capsys, monkeypatch):
    monkeypatch.setattr(threads, "MIN_CHUNK_SECONDS", 0.0)
    model = _cnn()
    x = np.zeros((2100, 12, 12, 1), "float32")
    model.predict(x, batch_size=100, verbose=1)
    assert "21/21" in capsys.readouterr().out


def test_numkeras_threads_1_keeps_predict_on_one_thread():
    code = "from numkeras.backend import threads; print(threads.threads())"
    env = {**os.environ, "NUMKERAS_THREADS": "1"}
    done = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True)
    assert done.stdout.strip() == "1"


class _Hold(layers.Layer):
    """Passes its input through; on the thread named "held" it first signals `paused` and
    waits for `resume` (between the two Dense layers of `_held_model`)."""

    def __init__(self, paused: threading.Event, resume: threading.Event, **kwargs):
        super().__init__(**kwargs)
        self.paused, self.resume = paused, resume

    def call(self, x):
        if threading.current_thread().name == "held":
            self.paused.set()
            self.resume.wait(10)
        return x


def test_two_threads_predicting_with_one_model_each_get_their_own_rows():
    # Thread "held" stops inside its predict, its first layer's output in the model's
    # reused buffers; another predict runs meanwhile. Sharing those buffers, the held one
    # went on with the other's rows (off by ~2).
    paused, resume = threading.Event(), threading.Event()
    model = models.Sequential(
        [
            layers.Input((8,)),
            layers.Dense(16, activation="relu"),
            _Hold(paused, resume),
            layers.Dense(4),
        ]
    )
    rng = np.random.default_rng(1)
    xa, xb = rng.standard_normal((2, 6, 8), dtype=np.float32)
    want_a, want_b = model.predict(xa, verbose=0), model.predict(xb, verbose=0)
    got = {}
    held = threading.Thread(
        target=lambda: got.setdefault("a", model.predict(xa, verbose=0)), name="held"
    )
    held.start()
    assert paused.wait(10)
    got["b"] = model.predict(xb, verbose=0)
    resume.set()
    held.join(10)
    np.testing.assert_array_equal(got["b"], want_b)
    np.testing.assert_array_equal(got["a"], want_a)


def test_the_blas_limit_is_lifted_when_the_last_of_overlapping_maps_ends():
    # Two predicts on two user threads: the first map to start may end first. Each with
    # threadpoolctl's own limiter, the second restored the 1 it saw on entry, for good.
    threadpoolctl = pytest.importorskip("threadpoolctl")
    controller = threadpoolctl.ThreadpoolController()

    def blas_threads() -> list:
        return [lib.num_threads for lib in controller.lib_controllers if lib.user_api == "blas"]

    before = blas_threads()
    if max(before, default=1) < 2:
        pytest.skip("one BLAS thread here")
    first, second = threads._one_thread_blas(controller), threads._one_thread_blas(controller)
    first.__enter__()
    second.__enter__()
    first.__exit__(None, None, None)
    assert max(blas_threads()) == 1  # (the second still runs)
    second.__exit__(None, None, None)
    assert blas_threads() == before
