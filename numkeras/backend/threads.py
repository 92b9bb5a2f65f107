"""Independent pieces of work on several Python threads, each with a single-threaded BLAS.

`predict` on a model that computes each row on its own (`models/row_chunks.py`) runs its
chunks of rows in any order: `ordered_map` runs them on a small thread pool, one chunk a
thread at a time, while BLAS is limited to one thread, and hands the results back in
order. NumPy, BLAS and the fused kernels (numba, `nogil`) release the GIL, so the whole
chunk, products and element-wise passes alike, runs in parallel, not only the products
that a multithreaded BLAS splits, and no thread waits for another at every product as a
two-thread BLAS's do. On the idle 2-core VMs of this project that is about even (Keras's
MNIST CNN predicted 1.05-1.2x as fast, an LSTM 0.93x); with another process busy on one
core, where a two-thread BLAS waits for its thread that gets no CPU time, 1.6-4x.

The values are the same to float32 rounding: a one-thread BLAS may round a product's
elements differently from a two-thread one (as between any two thread counts).

It runs only where it can pay: NumPy arrays (not CuPy), `threadpoolctl` installed (the
`fast` extra), and more than one thread allowed, by both the CPUs this process may use
and the BLAS's own thread count (`OPENBLAS_NUM_THREADS=1` keeps everything on one
thread); `NUMKERAS_THREADS=1` turns it off. `predict` runs its first chunk alone and
hands the others to the threads only when that took `MIN_CHUNK_SECONDS` or more.

>>> list(ordered_map(lambda v: v * v, [1, 2, 3]))
[1, 4, 9]
"""

from __future__ import annotations

import collections
import contextlib
import itertools
import os
import threading
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor

import numpy as np

from numkeras import backend

# Work items shorter than this stay on the caller's thread: a handful of milliseconds is
# what the hand-over costs, with BLAS's idle threads still spinning after a two-thread
# product (an MLP's predict of 10,000 rows in 1,024-row chunks of ~2 ms was 1.5x slower
# on threads)
MIN_CHUNK_SECONDS = 0.005
_PREFIX = "numkeras-worker"
_lock = threading.Lock()
_pool: tuple | None = None  # (executor, threadpoolctl controller), or () where unavailable
_limit_users = 0  # the ordered_maps running now (several user threads may predict at once)
_limiter = None  # the threadpoolctl limit they share


def threads() -> int:
    """How many threads `ordered_map` runs on now (1: the caller's thread alone): the
    CPUs this process may use, capped by the BLAS's current thread count (a user's
    `threadpool_limits(1)` or `OPENBLAS_NUM_THREADS=1` keeps predict on one thread) and
    by `NUMKERAS_THREADS`."""
    pool = _setup()
    if not pool:
        return 1
    blas = [lib.num_threads for lib in pool[1].lib_controllers if lib.user_api == "blas"]
    count = min(_cpus(), max(blas, default=1))
    wanted = os.environ.get("NUMKERAS_THREADS", "").strip()
    return min(count, int(wanted)) if wanted.isdigit() else count


def ordered_map(fn: Callable, items: Iterable) -> Iterator:
    """`map(fn, items)`, on `threads()` threads with a one-thread BLAS when there are
    several, yielding the results in the order of `items` (an exception in `fn` comes out
    where its result would)."""
    items = list(items)
    nested = worker_name() is not None  # (a map inside a worker's item runs in place)
    count = 1 if nested or len(items) < 2 or backend.xp is not np else threads()
    if count < 2:
        yield from map(fn, items)
        return
    executor, controller = _setup()
    pending = iter(items)
    window = collections.deque()  # (`count` items in flight, taken in order)
    with _one_thread_blas(controller):
        try:
            for item in itertools.islice(pending, count):
                window.append(executor.submit(fn, item))
            while window:
                result = window.popleft().result()
                for item in itertools.islice(pending, 1):
                    window.append(executor.submit(fn, item))
                yield result
        finally:  # (an error, or a caller that stops early: wait for those in flight, as
            for future in window:  # nothing may write after we return)
                future.cancel()
            for future in window:
                if not future.cancelled():
                    future.exception()


@contextlib.contextmanager
def _one_thread_blas(controller):
    """BLAS on one thread while any `ordered_map` runs: the first to start sets the limit,
    the last to end lifts it. (threadpoolctl's limiter restores the count it saw when it
    began: two maps of two threads, each with its own, could leave the other's 1 behind
    for good.)"""
    global _limit_users, _limiter
    with _lock:
        if _limit_users == 0:
            _limiter = controller.limit(limits=1, user_api="blas")
        _limit_users += 1
    try:
        yield
    finally:
        with _lock:
            _limit_users -= 1
            if _limit_users == 0:
                _limiter.restore_original_limits()
                _limiter = None


def worker_name() -> str | None:
    """The name of the pool thread running this code, or None on any other thread."""
    name = threading.current_thread().name
    return name if name.startswith(_PREFIX) else None


def _cpus() -> int:
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


def _setup() -> tuple:
    global _pool
    if _pool is None:
        with _lock:
            if _pool is None:
                try:
                    import threadpoolctl
                except ImportError:
                    _pool = ()
                else:
                    executor = ThreadPoolExecutor(_cpus(), thread_name_prefix=_PREFIX)
                    _pool = (executor, threadpoolctl.ThreadpoolController())
    return _pool
