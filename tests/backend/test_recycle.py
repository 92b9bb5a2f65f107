"""Recycled result memory: reused only once nothing can see it, never above fresh peaks."""

from __future__ import annotations

import gc
import time

import numpy as np
import pytest

from numkeras import backend
from numkeras.backend import recycle

BIG = (1024, 2048)  # 8 MiB of float32: above recycle.MIN_BYTES


@pytest.fixture(autouse=True)
def no_spare():
    recycle.release()
    yield
    recycle.release()


def test_a_dropped_array_s_memory_serves_the_next_request_of_its_size():
    a = recycle.empty(BIG, "float32")
    pointer = a.ctypes.data
    del a
    b = recycle.empty((2048, 1024), np.float32)
    assert b.ctypes.data == pointer
    assert b.shape == (2048, 1024) and b.dtype == np.float32
    assert b.flags.c_contiguous and b.flags.writeable and b.flags.aligned


def test_memory_is_never_shared_while_any_view_is_alive():
    a = recycle.empty(BIG, "float32")
    a[:] = 7.0
    view = a[3:5]
    del a
    b = recycle.empty(BIG, "float32")
    assert not np.shares_memory(view, b)
    b[:] = -1.0
    assert (view == 7.0).all()
    del view
    gc.collect()  # nothing depends on the cycle collector, but it must not break either
    c = recycle.empty(BIG, "float32")
    assert not np.shares_memory(b, c)


def test_a_much_larger_spare_is_freed_not_lent_to_a_small_request():
    big = recycle.empty((4096, 2048), "float32")  # 32 MiB
    del big
    small = recycle.empty(BIG, "float32")  # 8 MiB: would pin 4x its size
    # (its own block, sized for it: the freed 32 MiB may come back from malloc at the same
    # address, so the pointer alone cannot tell a fresh block from the lent spare)
    assert small.base.raw.nbytes == small.nbytes < 4096 * 2048 * 4
    assert recycle._spare is None  # the misfit was freed before allocating


def test_small_arrays_and_release_use_plain_memory():
    assert recycle.empty((3, 4), "float64").base is None
    a = recycle.empty(BIG, "float32")
    del a
    assert recycle._spare is not None
    backend.clear_session(free_memory=False)  # Keras users free memory this way
    assert recycle._spare is None


def test_an_unused_spare_is_freed_after_keep_s(monkeypatch):
    monkeypatch.setattr(recycle, "KEEP_S", 0.05)
    a = recycle.empty(BIG, "float32")
    del a
    assert recycle._spare is not None
    deadline = time.monotonic() + 5.0
    while recycle._spare is not None and time.monotonic() < deadline:
        time.sleep(0.01)
    assert recycle._spare is None


@pytest.mark.skipif(not hasattr(__import__("os"), "fork"), reason="needs os.fork")
def test_a_forked_child_starts_without_a_spare():
    import os

    a = recycle.empty(BIG, "float32")
    del a
    pid = os.fork()
    if pid == 0:  # the child: exit status 0 only if it starts clean and still recycles
        ok = recycle._spare is None and recycle._timer is None
        b = recycle.empty(BIG, "float32")
        del b
        os._exit(0 if ok and recycle._spare is not None else 1)
    _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0
    assert recycle._spare is not None  # the parent keeps its own
