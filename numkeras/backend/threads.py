"""Independent pieces of work on several Python threads, each with a single-threaded BLAS.

`predict` on a model that computes each row on its own (`models/row_chunks.py`) runs its
chunks of rows in any order: `ordered_map` runs them on a small thread pool, one chunk a
thread at a time, while BLAS is limited to one thread, and hands the results back in
order. NumPy, BLAS and the fused kernels (numba, `nogil`) release the GIL, so the whole
chunk, products and element-wise passes alike, runs in parallel, not only the products
that a multithreaded BLAS splits. That beats a two-thread BLAS on its own ground, because
its threads wait for each other at every product and spin between products: on the
2-core VMs of this project, Keras's MNIST CNN predicted 1.8x as fast, and on a busy
machine (where BLAS's threads wait for CPU time) far more.

The values are the same to float32 rounding: a one-thread BLAS may round a product's
elements differently from a two-thread one (as between any two thread counts).

It runs only where it can pay: NumPy arrays (not CuPy), `threadpoolctl` installed (the
`fast` extra), and more than one thread allowed, by both the CPUs this process may use
and the BLAS's own thread count (`OPENBLAS_NUM_THREADS=1` keeps everything on one
thread); `NUMKERAS_THREADS=1` turns it off.

>>> list(ordered_map(lambda v: v * v, [1, 2, 3]))
[1, 4, 9]
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor

import numpy as np

from numkeras import backend

_PREFIX = "numkeras-worker"
_lock = threading.Lock()
_state: tuple | None = None  # (threads, executor or None, threadpoolctl controller or None)


def threads() -> int:
    """How many threads `ordered_map` runs on (1: the caller's thread alone)."""
    return _setup()[0]


def ordered_map(fn: Callable, items: Iterable) -> Iterator:
    """`map(fn, items)`, on `threads()` threads with a one-thread BLAS when there are
    several, yielding the results in the order of `items` (an exception in `fn` comes out
    where its result would)."""
    count, executor, controller = _setup()
    items = list(items)
    nested = worker_name() is not None  # (a map inside a worker's item runs in place)
    if count < 2 or len(items) < 2 or nested or backend.xp is not np:
        yield from map(fn, items)
        return
    with controller.limit(limits=1, user_api="blas"):
        futures = [executor.submit(fn, item) for item in items]
        try:
            for future in futures:
                yield future.result()
        finally:  # (an error, or a caller that stops early: the rest must not run on)
            for future in futures:
                future.cancel()
            for future in futures:
                if not future.cancelled():
                    future.exception()  # wait: nothing may write after we return


def worker_name() -> str | None:
    """The name of the pool thread running this code, or None on any other thread."""
    name = threading.current_thread().name
    return name if name.startswith(_PREFIX) else None


def _setup() -> tuple:
    global _state
    if _state is None:
        with _lock:
            if _state is None:
                _state = _make_state()
    return _state


def _make_state() -> tuple:
    wanted = os.environ.get("NUMKERAS_THREADS", "").strip()
    try:
        import threadpoolctl
    except ImportError:
        return (1, None, None)
    controller = threadpoolctl.ThreadpoolController()
    blas = [lib.num_threads for lib in controller.lib_controllers if lib.user_api == "blas"]
    cpus = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    count = min(cpus or 1, max(blas, default=1))
    if wanted.isdigit():
        count = min(count, int(wanted))
    if count < 2:
        return (1, None, None)
    return (count, ThreadPoolExecutor(count, thread_name_prefix=_PREFIX), controller)
