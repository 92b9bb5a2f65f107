"""Keep freed memory in the process between training steps (glibc's malloc only).

A training step of a convolutional or recurrent model allocates and frees some 100 MB of
temporaries: im2col windows, activations, their gradients. glibc gives the free memory at
the top of its heap back to the kernel as soon as it exceeds the trim threshold (twice the
largest block freed so far, 64 MB at most), so the next step takes a page fault, and a
page of zeroing, for every page it touches again. On this project's 2-core VMs that was
about 4 us a page: 150-250 ms of system time in an epoch of Keras's MNIST CNN on 1,024
images (700 ms in all), 140 ms in the IMDB LSTM's. Dense models allocate little and do
not notice.

`keep_freed_memory()` raises the trim threshold to `TRIM_BYTES` and fixes the threshold
above which blocks get their own mapping at `MMAP_BYTES` (glibc's own largest dynamic
value), so freed blocks stay in the heap for the next step, as a framework's caching
allocator keeps them: the process keeps up to `TRIM_BYTES` of free memory instead of
returning it. `fit`, `train_on_batch` and `GradientTape` (a custom training loop) call
it; it acts once per process. It changes nothing where the C library is not glibc
(macOS, Windows, musl), where the user has tuned malloc already
(`MALLOC_TRIM_THRESHOLD_`, `MALLOC_MMAP_THRESHOLD_`, `GLIBC_TUNABLES`), or with
`NUMKERAS_KEEP_FREED_MEMORY=0` in the environment.

>>> TRIM_BYTES // 2**20, MMAP_BYTES // 2**20
(128, 32)
>>> isinstance(keep_freed_memory(), bool)  # True where glibc now keeps freed memory
True
"""

from __future__ import annotations

import ctypes
import os

TRIM_BYTES = 128 * 2**20
MMAP_BYTES = 32 * 2**20
_M_TRIM_THRESHOLD, _M_MMAP_THRESHOLD = -1, -3  # glibc's mallopt parameter numbers
_USER_TUNING = ("MALLOC_TRIM_THRESHOLD_", "MALLOC_MMAP_THRESHOLD_", "GLIBC_TUNABLES")

_applied: bool | None = None  # None: not tried yet


def keep_freed_memory() -> bool:
    """Tune glibc's malloc to keep freed memory (see the module docstring), once per
    process; whether the tuning is in effect."""
    global _applied
    if _applied is None:
        _applied = _tune()
    return _applied


def _tune() -> bool:
    if os.environ.get("NUMKERAS_KEEP_FREED_MEMORY", "1").strip().lower() in ("0", "false", "no"):
        return False
    if any(name in os.environ for name in _USER_TUNING):
        return False
    try:
        mallopt = ctypes.CDLL("libc.so.6").mallopt
    except (OSError, AttributeError):  # not glibc
        return False
    mallopt.argtypes = (ctypes.c_int, ctypes.c_int)
    # (mmap first: setting either one turns glibc's dynamic thresholds off)
    return bool(mallopt(_M_MMAP_THRESHOLD, MMAP_BYTES)) and bool(
        mallopt(_M_TRIM_THRESHOLD, TRIM_BYTES)
    )
