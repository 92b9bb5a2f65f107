"""Data for fit / evaluate / predict: cardinality checks, splits, batches.

Arrays are cut into batches here: batches of unshuffled data are views (no copies);
shuffled batches gather rows. A batch stream (a generator, an iterator, or a Keras
`PyDataset` / `Sequence`-like object with `__len__` and `__getitem__`) yields whole
batches, each `x`, `(x,)`, `(x, y)` or `(x, y, sample_weight)`, as in Keras.
"""

from __future__ import annotations

import itertools
import math
import warnings

import numpy as np

from numkeras import backend
from numkeras.errors import NumkerasWarning, ShapeError, format_shape, user_stacklevel
from numkeras.utils.checks import is_int


def num_samples(arrays: list, what: str = "x") -> int:
    sizes = {len(a) for a in arrays if a is not None}
    if len(sizes) > 1:
        raise ShapeError(
            f"Data cardinality is ambiguous: the arrays in {what} have different numbers of "
            f"samples (axis 0): {[format_shape(a.shape) for a in arrays if a is not None]}. "
            "Make sure all arrays contain the same number of samples."
        )
    return sizes.pop() if sizes else 0


def check_same_length(x_rows: int, other_rows: int, other: str) -> None:
    if x_rows != other_rows:
        raise ShapeError(
            f"Data cardinality is ambiguous: x has {x_rows} samples but {other} has "
            f"{other_rows} (axis 0 is the batch axis of both). Make sure they contain the "
            "same number of samples."
        )


def check_batch_size(batch_size) -> int:
    """`batch_size` as an int, 32 when None (Keras's default); anything but a positive
    integer raises ValueError."""
    if batch_size is None:
        return 32
    if not is_int(batch_size) or batch_size <= 0:
        raise ValueError(f"`batch_size` must be a positive integer, received {batch_size!r}.")
    return int(batch_size)


def batch_size_for(n: int, batch_size: int | None, steps: int | None) -> int:
    """Keras 3's batch size for `n` rows of array data: `batch_size`, else `ceil(n / steps)`
    when only `steps` is given (so that many steps cover the data once), else 32. The same
    rule serves `fit` (`steps_per_epoch`), `evaluate` and `predict` (`steps`) and `fit`'s
    validation (`validation_steps`).

    >>> batch_size_for(320, None, 3), batch_size_for(320, None, None), batch_size_for(320, 16, 3)
    (107, 32, 16)
    """
    if batch_size is None and steps is not None:
        if not is_int(steps) or steps <= 0:
            raise ValueError(f"`steps` must be a positive integer, received {steps!r}.")
        return max(1, math.ceil(n / steps))
    return check_batch_size(batch_size)


def predict_batches(n: int, batch_size: int | None, steps: int | None) -> tuple[int, int]:
    """Keras 3's predict batching for `n` rows: `(batch_size, number of batches)`.

    The batch size is `batch_size`, else `ceil(n / steps)` when only `steps` is given, else
    32; the last partial batch is kept; `steps` caps the number of batches.

    >>> predict_batches(100, None, None), predict_batches(100, None, 2), predict_batches(100, 10, 3)
    ((32, 4), (50, 2), (10, 3))
    """
    if steps is not None and (not is_int(steps) or steps <= 0):
        raise ValueError(f"`steps` must be a positive integer, received {steps!r}.")
    batch_size = batch_size_for(n, batch_size, steps)
    batches = math.ceil(n / batch_size)
    if steps is not None:
        batches = min(batches, steps)
    return batch_size, batches


def take(arrays: list, index) -> list:
    """Rows `index` (a slice gives views; an index array gathers) of each array."""
    if isinstance(index, slice):
        return [None if a is None else a[index] for a in arrays]
    return [None if a is None else _gather_rows(a, index) for a in arrays]


def _gather_rows(a, index):
    # `take` gathers whole rows of a C-contiguous array ~15% faster than fancy indexing
    # (a shuffled fit, per batch), but on any other layout (a column slice `x[:, :32]`,
    # pandas' F-ordered `.values`) NumPy's take copies the *whole* array first: 99 us
    # instead of 3 for 32 rows of a (10000, 32) view. Fancy indexing reads only the rows.
    return a.take(index, axis=0) if a.flags.c_contiguous else a[index]


def split_validation(arrays_groups: list[list], fraction: float):
    """Keras's `validation_split`: the *last* `fraction` of the samples, before shuffling."""
    if not 0.0 < fraction < 1.0:
        raise ValueError(
            f"validation_split must be a float between 0 and 1, received {fraction!r}."
        )
    n = len(arrays_groups[0][0])
    cut = int(math.floor(n * (1.0 - fraction)))
    if cut == 0 or cut == n:
        raise ValueError(
            f"validation_split={fraction} leaves {'no training' if cut == 0 else 'no validation'} "
            f"samples out of {n}."
        )
    train = [take(g, slice(0, cut)) if g is not None else None for g in arrays_groups]
    val = [take(g, slice(cut, n)) if g is not None else None for g in arrays_groups]
    return train, val


def class_weight_to_sample_weight(y, class_weight: dict):
    """Per-sample weights from a {class: weight} dict (labels or one-hot targets)."""
    xp = backend.xp
    y = xp.asarray(y)
    labels = y.argmax(axis=-1) if y.ndim > 1 and y.shape[-1] > 1 else y.reshape(len(y), -1)[:, 0]
    labels = xp.rint(labels).astype("int64") if labels.dtype.kind == "f" else labels
    present = set(int(c) for c in xp.unique(labels).tolist())
    missing = sorted(present - set(int(k) for k in class_weight))
    if missing:
        raise ValueError(
            f"class_weight has no weight for class(es) {missing} present in y; give every "
            "class a weight."
        )
    table = xp.ones(max(max(present, default=0), max(class_weight, default=0)) + 1, "float32")
    for k, w in class_weight.items():
        table[int(k)] = w
    return table[labels]


# -- batch streams -------------------------------------------------------------------------
def is_batch_stream(x) -> bool:
    """A generator / iterator / PyDataset-like object of batches (not array data).

    >>> is_batch_stream(iter([])), is_batch_stream([[1.0, 2.0]]), is_batch_stream(None)
    (True, False, False)
    """
    from numkeras.utils.py_dataset import PyDataset

    if x is None or isinstance(x, (list, tuple, dict, str, bytes)) or hasattr(x, "shape"):
        return False
    if isinstance(x, PyDataset):
        return True
    return hasattr(x, "__next__") or (hasattr(x, "__getitem__") and hasattr(x, "__len__"))


def stream_length(x) -> int | None:
    """Batches in one pass of a PyDataset-like stream (its `num_batches`, else `len`); None
    for a generator or an endless PyDataset (unknown)."""
    if hasattr(x, "__next__"):
        return None
    n = getattr(x, "num_batches", None) if hasattr(type(x), "num_batches") else len(x)
    return None if n is None else int(n)


def _stream_pass(x, rng=None):
    # a PyDataset is indexed afresh for each pass (in a shuffled batch order when given a
    # generator, as Keras's shuffle=True does); a generator is consumed once
    if hasattr(x, "__next__"):
        return x
    n = stream_length(x)
    if n is None:  # endless: indexed 0, 1, 2, ... until steps_per_epoch stops it
        return (x[i] for i in itertools.count())
    order = range(n) if rng is None else rng.permutation(n).tolist()
    return (x[i] for i in order)


def unpack_batch(batch) -> tuple:
    """`(x, y, sample_weight)` of one yielded batch: a tuple is `(x,)`, `(x, y)` or
    `(x, y, sample_weight)`; anything else (an array, a list of arrays, a dict) is `x`.

    >>> unpack_batch(([1.0], [0.0]))
    ([1.0], [0.0], None)
    """
    if not isinstance(batch, tuple):
        return batch, None, None
    if not 1 <= len(batch) <= 3:
        raise ValueError(
            "A batch stream must yield x, (x,), (x, y) or (x, y, sample_weight); received a "
            f"tuple of {len(batch)} items."
        )
    return (*batch, None, None)[:3]


def unpack_x_y_sample_weight(data) -> tuple:
    """Keras's `keras.utils.unpack_x_y_sample_weight`: `(x, y, sample_weight)` of `x`,
    `(x,)`, `(x, y)` or `(x, y, sample_weight)`; a list counts as a tuple here (Keras's rule;
    a yielded batch keeps a list as multi-input `x`, see `unpack_batch`).

    >>> unpack_x_y_sample_weight([1, 2]), unpack_x_y_sample_weight(5)
    ((1, 2, None), (5, None, None))
    """
    data = tuple(data) if isinstance(data, list) else data
    if isinstance(data, tuple) and not 1 <= len(data) <= 3:
        raise ValueError(
            "Data is expected to be in format `x`, `(x,)`, `(x, y)`, or "
            f"`(x, y, sample_weight)`, found a tuple of {len(data)} items."
        )
    return unpack_batch(data)


def pack_x_y_sample_weight(x, y=None, sample_weight=None):
    """Keras's `keras.utils.pack_x_y_sample_weight`: the tuple `fit` takes (`x` alone stays
    as is, unless it is a tuple or list, which becomes `(x,)`).

    >>> pack_x_y_sample_weight(1), pack_x_y_sample_weight(1, 2), pack_x_y_sample_weight([1])
    (1, (1, 2), ([1],))
    """
    if y is None:
        return (x,) if isinstance(x, (tuple, list)) else x
    return (x, y) if sample_weight is None else (x, y, sample_weight)


def _warn_ran_out(steps_done: int, steps, what: str, steps_name="steps_per_epoch") -> None:
    warnings.warn(
        f"Your input ran out of data; interrupting after {steps_done} step(s)"
        + (f" of {steps_name}={steps}" if steps else "")
        + f". {what}",
        NumkerasWarning,
        stacklevel=user_stacklevel(),
    )


class ArrayEpochs:
    """fit's batches over arrays, epoch by epoch, as Keras 3's EpochIterator: a fresh
    (shuffled) pass whenever the previous one is used up. With `steps_per_epoch` an epoch
    may end mid-pass and the next one continues it; one that asks for more batches than
    the pass has left ends early, with a warning."""

    def __init__(self, groups: list, batch_size: int, shuffle: bool, steps_per_epoch, rng):
        self.groups, self.batch_size, self.shuffle, self.rng = groups, batch_size, shuffle, rng
        self.rows = len(groups[0][0])
        self.batches = math.ceil(self.rows / batch_size)
        self.steps_per_epoch = steps_per_epoch
        self.steps = steps_per_epoch or self.batches
        self.cursor = self.batches  # the first epoch starts a fresh pass
        self.order = None

    def epoch(self):
        """Yield `[xs, ys, sample_weights]` for each step of one epoch."""
        if self.cursor >= self.batches:
            self.cursor = 0
            if self.shuffle:
                order = self.rng.permutation(self.rows)
                # the data may live on the device (CuPy)
                self.order = order if backend.xp is np else backend.xp.asarray(order)
        for step in range(self.steps):
            if self.cursor >= self.batches:
                _warn_ran_out(
                    step,
                    self.steps_per_epoch,
                    f"The data have {self.batches} batch(es) of {self.batch_size}; the next "
                    "epoch starts a fresh pass.",
                )
                return
            a = self.cursor * self.batch_size
            b = min(self.rows, a + self.batch_size)
            self.cursor += 1
            index = slice(a, b) if self.order is None else self.order[a:b]
            yield [take(g, index) for g in self.groups]


class StreamEpochs:
    """Batches from a batch stream, epoch by epoch: `steps` batches (named `steps_name` in
    messages), or one pass when it is None (a PyDataset starts a fresh pass each epoch,
    its batch order shuffled when given an `rng`; a generator is used up after one).
    `prepare(x, y, sample_weight)` checks and converts each batch."""

    def __init__(self, stream, prepare, steps, steps_name="steps_per_epoch", rng=None):
        self.stream, self.prepare, self.steps = stream, prepare, steps
        self.steps_name, self.rng = steps_name, rng
        self._iterator = None
        self._peeked = None
        # a PyDataset's on_epoch_begin / on_epoch_end hooks (a generator has none)
        self._hooks = not hasattr(stream, "__next__")
        self._begun = False
        warn_super = getattr(stream, "_warn_if_super_not_called", None)
        if warn_super is not None:
            warn_super()

    def _begin_epoch(self) -> None:
        if self._hooks and not self._begun and hasattr(self.stream, "on_epoch_begin"):
            self.stream.on_epoch_begin()
        self._begun = True

    def peek(self):
        """The first batch's x (to build a model from), kept for the first epoch."""
        if self._peeked is None:
            self._begin_epoch()
            self._iterator = iter(_stream_pass(self.stream, self.rng))
            try:
                self._peeked = next(self._iterator)
            except StopIteration:
                raise ValueError("The batch stream yielded no batch.") from None
        return unpack_batch(self._peeked)[0]

    def _next(self):
        if self._peeked is not None:
            batch, self._peeked = self._peeked, None
            return batch
        if self._iterator is None:
            self._iterator = iter(_stream_pass(self.stream, self.rng))
        try:
            return next(self._iterator)
        except StopIteration:
            self._iterator = None
            return None

    def epoch(self):
        """Yield `[xs, ys, sample_weights]` for each step of one epoch; a PyDataset's
        `on_epoch_begin` / `on_epoch_end` run around it, as in Keras."""
        self._begin_epoch()
        yield from self._epoch_batches()
        self._begun = False
        if self._hooks and hasattr(self.stream, "on_epoch_end"):
            self.stream.on_epoch_end()

    def _epoch_batches(self):
        step = 0
        while self.steps is None or step < self.steps:
            batch = self._next()
            if batch is None:
                if step == 0 or self.steps is not None:
                    length = stream_length(self.stream)
                    what = (
                        f"A generator is used up after one pass: make it repeat and pass "
                        f"{self.steps_name}, or use a PyDataset."
                        if length is None
                        else f"The dataset has {length} batch(es); the next epoch starts a "
                        "fresh pass."
                    )
                    _warn_ran_out(step, self.steps, what, self.steps_name)
                return
            yield list(self.prepare(*unpack_batch(batch)))
            step += 1
