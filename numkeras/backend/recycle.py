"""Recycled memory for large results: the memory of a dropped `predict` output is reused.

Memory that the kernel hands a process costs a page fault and a page of zeroing when it is
first written. Under a hypervisor that takes back memory a guest has freed (free-page
reporting, as on this project's 2-core VMs), freed memory that sits idle for ~2 s is
returned to the host, and touching it again costs ~1.5 ms per MB: 0.25-0.4 s for the 205 MB
that `predict` returns on 65,536 rows of 784 floats, more than a tenth of the whole call.
glibc gives every such large block back to the kernel the moment it is freed, so each call
pays again. (jemalloc and tcmalloc keep freed blocks for a while for the same reason.)

So `empty` hands out large arrays whose memory, once the array and every view of it are
garbage, is kept as one spare block, and the next `empty` of a size it fits reuses it. At
most one spare is held, for at most `KEEP_S` seconds (a timer thread frees it then, as
jemalloc's decay does); a request it does not fit frees it before allocating, so peak
memory never exceeds what fresh allocation would use. `release()` (also run by
`numkeras.backend.clear_session()`) frees the spare now. The arrays are ordinary
C-contiguous, writeable NumPy arrays; only `.base` (the holder of the block) and
`.flags.owndata` (False) show the difference.

>>> a = empty((2048, 1024), "float32")
>>> pointer = a.ctypes.data
>>> del a                                   # the spare now holds a's memory
>>> b = empty((1024, 2048), "float32")      # same size: the same memory, reused
>>> b.ctypes.data == pointer, b.shape, b.dtype.name
(True, (1024, 2048), 'float32')
>>> release()
"""

from __future__ import annotations

import math
import os
import threading
import time

import numpy as np

MIN_BYTES = 4 * 2**20  # smaller blocks are malloc's business: it keeps them on its heap
_SLACK = 1.25  # reuse a spare at most this much larger than the request
KEEP_S = 30.0  # a spare unused this long is freed

_lock = threading.RLock()  # reentrant: a cyclic GC pass may run a __del__ while held
_spare: np.ndarray | None = None  # uint8 memory of a dropped result, waiting for reuse
_dropped_at = 0.0  # time.monotonic() when the spare was dropped
_timer: threading.Timer | None = None  # pending expiry check (at most one)


class _Block:
    """Owns one raw block while an array uses it; gives it back when that array is gone."""

    __slots__ = ("raw", "__array_interface__")

    def __init__(self, raw: np.ndarray, shape: tuple[int, ...], dtype: np.dtype) -> None:
        self.raw = raw
        self.__array_interface__ = {
            "shape": shape,
            "typestr": dtype.str,
            "data": (raw.ctypes.data, False),
            "version": 3,
        }

    def __del__(self) -> None:
        if _lock is None:  # interpreter shutdown: module globals are gone
            return
        _keep(self.raw)


def _keep(raw: np.ndarray) -> None:
    global _spare, _dropped_at
    with _lock:
        _spare = raw  # the newest drop replaces (frees) an older spare
        _dropped_at = time.monotonic()
        if _timer is None:
            _schedule(KEEP_S)


def _schedule(delay: float) -> None:
    global _timer
    try:
        timer = threading.Timer(delay, _expire)
        timer.daemon = True
        timer.start()
    except RuntimeError:  # no new threads at interpreter shutdown: the spare dies with us
        timer = None
    _timer = timer


def _expire() -> None:
    global _spare, _timer
    with _lock:
        age = time.monotonic() - _dropped_at
        if _spare is None or age >= KEEP_S:
            _spare, _timer = None, None
        else:  # dropped again since: check again when this one is due
            _schedule(KEEP_S - age)


def empty(shape: tuple[int, ...], dtype) -> np.ndarray:
    """`np.empty(shape, dtype)`, in recycled memory when the array is large.

    >>> empty((3, 4), "float32").shape      # small: a plain np.empty
    (3, 4)
    """
    global _spare
    dtype = np.dtype(dtype)
    shape = tuple(int(s) for s in shape)
    nbytes = math.prod(shape) * dtype.itemsize
    if nbytes < MIN_BYTES or dtype.hasobject:
        return np.empty(shape, dtype)
    with _lock:
        raw, _spare = _spare, None
    if raw is None or not nbytes <= raw.nbytes <= nbytes * _SLACK:
        raw = None  # free a misfit spare before allocating: no peak above a fresh allocation
        raw = np.empty(nbytes, np.uint8)
    return np.asarray(_Block(raw, shape, dtype))


def release() -> None:
    """Free the spare block now (if any)."""
    global _spare, _timer
    with _lock:
        if _timer is not None:
            _timer.cancel()
        _spare, _timer = None, None


def _reset_in_child() -> None:
    # a forked child has no timer thread, and the lock may have been held at the fork
    global _lock, _spare, _timer
    _lock, _spare, _timer = threading.RLock(), None, None


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_reset_in_child)
