"""backend/heap.py: with glibc, memory freed between steps stays in the process (counted in
page faults, which do not depend on the machine's speed), and the opt-outs leave malloc as
it is. Each case runs in a fresh interpreter: the tuning lasts for the process."""

import ctypes
import os
import subprocess
import sys

import pytest

try:
    GLIBC = hasattr(ctypes.CDLL("libc.so.6"), "mallopt")
except OSError:
    GLIBC = False

# A step's pattern: blocks of 10 MB allocated, written and all freed, five times over.
# Prints whether the tuning is on, and the page faults of the last three rounds.
CHURN = """
import resource, sys
import numpy as np
from numkeras.backend import heap
tuned = heap.keep_freed_memory() if sys.argv[1] == "tune" else None
def step():
    blocks = [np.ones(10 * 2**20, np.uint8) for _ in range(6)]
    del blocks
step(); step()
before = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
step(); step(); step()
print(tuned, resource.getrusage(resource.RUSAGE_SELF).ru_minflt - before)
"""


def _churn(mode: str, **env) -> tuple[str, int]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("MALLOC_", "GLIBC_"))}
    clean.pop("NUMKERAS_KEEP_FREED_MEMORY", None)
    done = subprocess.run(
        [sys.executable, "-c", CHURN, mode],
        env={**clean, **env},
        capture_output=True,
        text=True,
        check=True,
    )
    tuned, faults = done.stdout.split()
    return tuned, int(faults)


@pytest.mark.skipif(not GLIBC, reason="the tuning is glibc's")
def test_freed_blocks_are_reused_without_page_faults():
    _, untuned = _churn("plain")
    tuned, faults = _churn("tune")
    assert tuned == "True"
    # (fewer faults than pages where transparent huge pages fault 2 MB at a time)
    assert untuned > 1000  # glibc gave the blocks back and faulted them in again
    assert faults < untuned // 20  # kept: the next rounds reused them


@pytest.mark.skipif(not GLIBC, reason="the tuning is glibc's")
@pytest.mark.parametrize(
    "env", [{"NUMKERAS_KEEP_FREED_MEMORY": "0"}, {"MALLOC_TRIM_THRESHOLD_": "131072"}]
)
def test_opting_out_or_own_tuning_leaves_malloc_alone(env):
    tuned, faults = _churn("tune", **env)
    assert tuned == "False"
    assert faults > 1000


def test_fit_and_train_on_batch_apply_it(monkeypatch):
    import numpy as np

    from numkeras import layers, models
    from numkeras.backend import heap

    calls = []
    monkeypatch.setattr(heap, "keep_freed_memory", lambda: calls.append(1) or True)
    model = models.Sequential([layers.Input((3,)), layers.Dense(1)])
    model.compile("sgd", "mse")
    x, y = np.ones((4, 3), "float32"), np.ones((4, 1), "float32")
    model.fit(x, y, verbose=0)
    model.train_on_batch(x, y)
    model.predict(x, verbose=0)
    assert len(calls) == 2
