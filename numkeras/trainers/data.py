"""Data for fit / evaluate / predict: cardinality checks, splits, batches.

Arrays are cut into batches here: batches of unshuffled data are views (no copies);
shuffled batches gather rows. A batch stream (a generator, an iterator, or a Keras
`PyDataset` / `Sequence`-like object with `__len__` and `__getitem__`) yields whole
batches, each `x`, `(x,)`, `(x, y)` or `(x, y, sample_weight)`, as in Keras.
"""

from __future__ import annotations

import collections.abc
import itertools
import math
import numbers
import random
import warnings

import numpy as np

from numkeras import backend

# (a TypeError, as Keras raises for a float batch_size, and a ValueError, as numkeras's
# other argument checks)
from numkeras.errors import (
    ArgumentTypeError,
    IncompatibleShapesError,
    NumkerasWarning,
    ShapeError,
    format_shape,
    user_stacklevel,
)
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


def check_same_length(x_rows: int, other_rows: int, other: str, shape: tuple | None = None) -> None:
    """x and `other` (y, a sample_weight) have the same number of rows. (Keras's fit
    raises ValueError here, its `train_on_batch` JAX's TypeError, so the error is both.)
    `shape`, `other`'s shape where known, names the fix for a transposed array."""
    if x_rows != other_rows:
        raise IncompatibleShapesError(
            f"Data cardinality is ambiguous: x has {x_rows} samples but {other} has "
            f"{other_rows} (axis 0 is the batch axis of both). Make sure they contain the "
            "same number of samples." + _transposed_fix(x_rows, other, shape)
        )


def _transposed_fix(x_rows: int, other: str, shape: tuple | None) -> str:
    """The fix for a 2-D `other` whose samples lie along its last axis (a (1, n) row of
    targets or weights, or (k, n) for (n, k)): empty when it does not look so (nor for
    one sample: a last axis of size 1 is as likely a column of targets)."""
    if shape is None or len(shape) != 2 or shape[1] != x_rows or x_rows < 2:
        return ""
    name = other.split("[")[0]  # (y['out'] -> y: the array the user holds)
    if shape[0] == 1:
        fix = f"{name}.reshape(-1), shape ({x_rows},)"
    else:
        fix = f"{name}.T, shape ({x_rows}, {shape[0]})"
    return (
        f" {other} has shape {format_shape(shape)}: its last axis holds the {x_rows} samples,"
        f" so it looks transposed; use {fix}."
    )


def check_epochs(epochs, initial_epoch) -> None:
    """fit's `epochs` and `initial_epoch` are integers, else `ArgumentTypeError` (a
    TypeError, as Keras's `range()` raises, but one that names the argument). A bool
    counts, as in Keras; 0 or fewer epochs, or an `initial_epoch` past `epochs`, train
    nothing, as in Keras.

    >>> check_epochs(3, 0)
    """
    for name, value in (("epochs", epochs), ("initial_epoch", initial_epoch)):
        if isinstance(value, numbers.Integral):
            continue
        fix = " Pass the number of passes over the data, e.g. epochs=10."
        if name == "initial_epoch":
            fix = " Pass the epoch to resume at, e.g. initial_epoch=0 (the first)."
        text = str(value).strip()
        if isinstance(value, float) and value.is_integer():
            fix = f" Use {name}={int(value)}."
        elif isinstance(value, str) and text.lstrip("-").isdigit():
            fix = f" Use {name}={int(text)} (a number, not text)."
        raise ArgumentTypeError(
            f"fit() `{name}` must be an integer, received {value!r} (of type "
            f"{type(value).__name__}).{fix}"
        )


def check_count(value, name: str) -> int:
    """`value` as a positive int, named `name` in the error: a non-integer (a float, a str,
    a bool) raises `ArgumentTypeError` (a TypeError, as Keras's), zero or a negative
    ValueError. (Keras reads 0 as "not given", so `batch_size=0` becomes 32 and `steps=0`
    a whole pass, and crashes on a negative one; numkeras refuses both.)

    >>> check_count(3, "steps")
    3
    """
    if getattr(value, "ndim", 0):  # (an array's repr would print all its values)
        raise ArgumentTypeError(
            f"`{name}` must be a positive integer, received an array of shape "
            f"{format_shape(value.shape)}."
            + " Was an array passed by position? Pass arrays such as sample_weight by name."
        )
    if not is_int(value):
        raise ArgumentTypeError(
            f"`{name}` must be a positive integer, received {value!r} "
            f"(of type {type(value).__name__})."
            + (
                f" Use {name}={int(value)}."
                if isinstance(value, float) and value.is_integer() and value > 0
                else ""
            )
        )
    if value <= 0:
        raise ValueError(f"`{name}` must be a positive integer, received {value!r}.")
    return int(value)


def check_batch_size(batch_size, name: str = "batch_size") -> int:
    """`batch_size` as an int, 32 when None (Keras's default); anything but a positive
    integer raises (see `check_count`)."""
    if batch_size is None:
        return 32
    return check_count(batch_size, name)


def batch_size_for(
    n: int, batch_size: int | None, steps: int | None, steps_name: str = "steps"
) -> int:
    """Keras 3's batch size for `n` rows of array data: `batch_size`, else `ceil(n / steps)`
    when only `steps` is given (so that many steps cover the data once), else 32. The same
    rule serves `fit` (`steps_per_epoch`), `evaluate` and `predict` (`steps`) and `fit`'s
    validation (`validation_steps`).

    >>> batch_size_for(320, None, 3), batch_size_for(320, None, None), batch_size_for(320, 16, 3)
    (107, 32, 16)
    """
    if steps is not None:  # (checked with a batch_size too: evaluate(steps=-2, batch_size=2))
        steps = check_count(steps, steps_name)
    if batch_size is None and steps is not None:
        return max(1, math.ceil(n / steps))
    return check_batch_size(batch_size)


def predict_batches(
    n: int, batch_size: int | None, steps: int | None, steps_per_execution: int = 1
) -> tuple[int, int]:
    """Keras 3's predict batching for `n` rows: `(batch_size, number of batches)`.

    The batch size is `batch_size`, else `ceil(n / steps)` when only `steps` is given, else
    32; the last partial batch is kept; `steps` (rounded up to whole executions of
    `steps_per_execution`, as Keras 3 runs them) caps the number of batches.

    >>> predict_batches(100, None, None), predict_batches(100, None, 2), predict_batches(100, 10, 3)
    ((32, 4), (50, 2), (10, 3))
    """
    if steps is not None:
        steps = check_count(steps, "steps")
    batch_size = batch_size_for(n, batch_size, steps)
    batches = math.ceil(n / batch_size)
    if steps is not None:
        batches = min(batches, executed_steps(steps, steps_per_execution))
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
    if not isinstance(a, np.ndarray):  # on the GPU (CuPy): a device index, uploaded if need be
        return a[index if isinstance(index, type(a)) else backend.xp.asarray(index)]
    if not isinstance(index, np.ndarray):  # host data (a step-driven model's) on a GPU run
        index = backend.to_numpy(index)
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
    if not isinstance(class_weight, collections.abc.Mapping):
        # (Keras 2 crashed on the 2017 SGAN's `class_weight=[cw1, cw2]` with
        # AttributeError: 'list' object has no attribute 'keys')
        raise ArgumentTypeError(
            f"class_weight must be a dict {{class index: weight}}; received a "
            f"{type(class_weight).__name__}. A list of dicts, one per output, is not "
            "supported (class_weight weighs a single-output model's classes); pass the one "
            "dict, or per-sample weights as sample_weight (one array per output)."
        )
    bad = [
        k
        for k in class_weight
        if not (is_int(k) or (isinstance(k, (float, np.floating)) and float(k).is_integer()))
    ]
    if bad:  # (Keras looks classes up by int, so a "0" key silently weighs nothing)
        raise ArgumentTypeError(
            f"class_weight keys must be integer class indices; received {bad[0]!r} (of type "
            f"{type(bad[0]).__name__}). Use {{int(k): w for k, w in class_weight.items()}}."
        )
    y = xp.asarray(y)
    labels = y.argmax(axis=-1) if y.ndim > 1 and y.shape[-1] > 1 else y.reshape(len(y), -1)[:, 0]
    # (rounded as Keras's; bool labels too become indices, not a mask)
    labels = (xp.rint(labels) if labels.dtype.kind == "f" else labels).astype("int64")
    # a class the dict does not name weighs 1.0, as in Keras 3 (`class_weight.get(c, 1.0)`)
    top = int(labels.max()) if labels.size else 0
    size = max(top, int(max(class_weight, default=0))) + 1
    table = xp.ones(size, "float32")
    for k, w in class_weight.items():
        if int(k) >= 0:
            table[int(k)] = w
    out = table[xp.clip(labels, 0, None)]
    if class_weight and (labels < 0).any():  # (a negative label: a key of its own)
        out[labels < 0] = [class_weight.get(int(c), 1.0) for c in labels[labels < 0]]
    return out


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
    return (
        hasattr(x, "__next__")
        or (hasattr(x, "__getitem__") and hasattr(x, "__len__"))
        or _is_reiterable(x)
    )


def _is_reiterable(x) -> bool:
    """An iterable that starts afresh at each `iter()` and is not indexed (a torch
    DataLoader, which Keras 3 takes on every backend): each pass iterates it anew, and
    `len` (where it has one) counts its batches."""
    return (
        hasattr(x, "__iter__")
        and not hasattr(x, "__next__")
        and not hasattr(x, "__getitem__")
        and not isinstance(x, (set, frozenset))
    )


def _is_generator(x) -> bool:
    """A stream consumed once (a generator, an iterator), not indexed afresh each pass: a
    PyDataset that also has `__next__` (Keras 2's ImageDataGenerator iterators) is indexed,
    as Keras runs `len(it)` batches of it each epoch."""
    from numkeras.utils.py_dataset import PyDataset

    return hasattr(x, "__next__") and not isinstance(x, PyDataset)


def stream_length(x) -> int | None:
    """Batches in one pass of a PyDataset-like stream (its `num_batches`, else `len`); None
    for a generator or an endless PyDataset (unknown)."""
    if _is_generator(x):
        return None
    if hasattr(type(x), "num_batches"):
        n = x.num_batches
    elif _is_reiterable(x):
        try:
            n = len(x)
        except TypeError:  # (no len, or a tf.data.Dataset repeated forever / of unknown length)
            return None
    else:
        n = len(x)
    return None if n is None else int(n)


def _stream_pass(x, shuffle: bool = False):
    # a PyDataset is indexed afresh for each pass (in a shuffled batch order when given a
    # generator, as Keras's shuffle=True does); a generator is consumed once
    if _is_generator(x):
        return x
    if _is_reiterable(x):  # (its own order: a DataLoader shuffles itself)
        return (_indexed_batch(batch) for batch in x)
    n = stream_length(x)
    if n is None:  # endless: indexed 0, 1, 2, ... until steps_per_epoch stops it
        return (_indexed_batch(x[i]) for i in itertools.count())
    # (a Keras dataset made unshuffled keeps its order, as a tf.data.Dataset does in fit)
    shuffle = shuffle and not getattr(x, "fixed_order", False)
    return (_indexed_batch(x[i]) for i in _pass_order(n, shuffle))


def _pass_order(n: int, shuffle: bool):
    # Keras's PyDatasetAdapter shuffles with Python's `random.shuffle` (seeded by
    # set_random_seed), when the pass starts
    order = list(range(n))
    if shuffle:
        random.shuffle(order)
    yield from order


def _indexed_batch(batch):
    # a PyDataset's `[x, y]` is `(x, y)`, as Keras's PyDataset adapter reads it (a
    # generator's list stays one multi-input `x`: Keras wants a tuple there)
    return tuple(batch) if isinstance(batch, list) else batch


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


def executed_steps(steps: int, steps_per_execution: int = 1) -> int:
    """The batches Keras 3 draws for `steps` steps: whole executions of
    `steps_per_execution` (its epoch loop is `range(0, steps, steps_per_execution)`), so
    `steps` rounded up to a multiple of it.

    >>> executed_steps(4, 3), executed_steps(6, 3), executed_steps(4)
    (6, 6, 4)
    """
    return math.ceil(steps / steps_per_execution) * steps_per_execution


def _execution_left(step: int, limit: int, steps_per_execution: int) -> bool:
    # Keras 3 notices the data ran out (and warns) only when one more execution would
    # start: an execution cut short at the end of the epoch ends silently
    return math.ceil(step / steps_per_execution) * steps_per_execution < limit


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
    the pass has left ends early, with a warning.

    `shuffle=True` shuffles all the rows each pass; `shuffle="batch"` (Keras's other
    setting) keeps the batches' row ranges and shuffles the rows within each batch.

    The shuffles draw from NumPy's global generator, as Keras 3's do, so after
    `set_random_seed(s)` the batches come in Keras's order. `peeked=True` first draws the
    permutation that Keras's build-time peek uses up: Keras 3 takes one batch of a fresh
    pass before the first epoch of a `fit` that follows `compile()` with no fit / evaluate
    / train_on_batch / test_on_batch in between, then starts the first epoch on a new pass.

    With `steps_per_execution` (compile's), an epoch runs whole executions, as Keras 3's:
    `steps_per_epoch` rounded up to a multiple of it (an execution stops early, silently,
    when the pass runs out inside it).

    >>> x = np.arange(10.0)[:, None]
    >>> epochs = ArrayEpochs([[x]], 2, False, 4, steps_per_execution=3)
    >>> [len(list(epochs.epoch())) for _ in range(3)]  # 5 batches a pass
    [5, 5, 5]
    """

    def __init__(
        self,
        groups: list,
        batch_size: int,
        shuffle,
        steps_per_epoch,
        steps_per_execution: int = 1,
        peeked: bool = False,
    ):
        self.groups, self.batch_size, self.shuffle = groups, batch_size, shuffle
        self.rows = len(groups[0][0])
        self.batches = math.ceil(self.rows / batch_size)
        self.steps_per_epoch = steps_per_epoch
        self.steps = steps_per_epoch or self.batches
        self.limit = executed_steps(self.steps, steps_per_execution)
        self.steps_per_execution = steps_per_execution
        self.cursor = self.batches  # the first epoch starts a fresh pass
        self.order = None
        if peeked and self.shuffle and self.rows:  # the permutation of Keras's peek
            np.random.permutation(min(self.rows, batch_size) if shuffle == "batch" else self.rows)

    @staticmethod
    def _device(index):
        # the data may live on the device (CuPy)
        return index if backend.xp is np else backend.xp.asarray(index)

    def epoch(self):
        """Yield `[xs, ys, sample_weights]` for each step of one epoch."""
        if self.cursor >= self.batches:
            self.cursor = 0
            if self.shuffle and self.shuffle != "batch":
                self.order = self._device(np.random.permutation(self.rows))
        for step in range(self.limit):
            if self.cursor >= self.batches:
                if _execution_left(step, self.limit, self.steps_per_execution):
                    _warn_ran_out(
                        step,
                        self.steps_per_epoch,
                        f"The data have {self.batches} batch(es) of {self.batch_size}; the "
                        "next epoch starts a fresh pass.",
                    )
                return
            a = self.cursor * self.batch_size
            b = min(self.rows, a + self.batch_size)
            self.cursor += 1
            if self.shuffle == "batch":
                index = self._device(a + np.random.permutation(b - a))
            else:
                index = slice(a, b) if self.order is None else self.order[a:b]
            yield [take(g, index) for g in self.groups]


class StreamEpochs:
    """Batches from a batch stream, epoch by epoch: `steps` batches (named `steps_name` in
    messages), or one pass when it is None (a PyDataset starts a fresh pass each epoch,
    its batch order shuffled with `shuffle=True`, by Python's `random.shuffle` as Keras's;
    a generator is used up after one). `prepare(x, y, sample_weight)` checks and converts
    each batch.

    As Keras 3's EpochIterator: a PyDataset whose pass ends exactly with an epoch starts
    the next epoch afresh, and with `steps_per_execution` an epoch runs whole executions
    (`steps` rounded up to a multiple of it; see `ArrayEpochs`). A PyDataset's hooks run
    where Keras 3 runs them, since user code often reshuffles in `on_epoch_end`:
    `on_epoch_begin` / `on_epoch_end` around each epoch, and before the first epoch
    `reset_first=True` (fit and evaluate: Keras resets its iterator) calls `on_epoch_end`
    once, while `peeked=True` (Keras's build-time peek, see `ArrayEpochs`) runs a peek
    pass instead: `on_epoch_begin`, one batch of a fresh (shuffled) pass, `on_epoch_end`,
    and the first epoch starts another pass. (A generator's peeked batch is kept, as
    Keras restores it.)"""

    def __init__(
        self,
        stream,
        prepare,
        steps,
        steps_name="steps_per_epoch",
        shuffle: bool = False,
        steps_per_execution: int = 1,
        reset_first: bool = False,
        peeked: bool = False,
    ):
        self.stream, self.prepare, self.steps = stream, prepare, steps
        self.steps_name, self.shuffle = steps_name, bool(shuffle)
        self.steps_per_execution = steps_per_execution
        self.limit = None if steps is None else executed_steps(steps, steps_per_execution)
        self._iterator = None
        self._seen = 0  # batches drawn from the current pass
        self._peeked = None
        # a PyDataset's on_epoch_begin / on_epoch_end hooks (a generator has none)
        self._hooks = not _is_generator(stream)
        self._begun = False
        self._reset_first, self._peek_pass = reset_first, peeked
        self._before_first = True  # Keras's steps before the first epoch are still to run
        if self.shuffle and _is_reiterable(stream):
            warnings.warn(  # (as Keras 3 warns for a torch DataLoader)
                f"`shuffle=True` is ignored for a {type(stream).__name__}: it yields its "
                "batches in its own order. Shuffle at the source: `DataLoader(..., "
                "shuffle=True)`, `dataset.shuffle(n)`.",
                stacklevel=4,
            )
        warn_super = getattr(stream, "_warn_if_super_not_called", None)
        if warn_super is not None:
            warn_super()

    def _begin_epoch(self) -> None:
        if self._hooks and not self._begun and hasattr(self.stream, "on_epoch_begin"):
            self.stream.on_epoch_begin()
        self._begun = True

    def _end_epoch(self) -> None:
        self._begun = False
        if self._hooks and hasattr(self.stream, "on_epoch_end"):
            self.stream.on_epoch_end()

    def _fresh_pass(self) -> None:
        self._iterator = iter(_stream_pass(self.stream, self.shuffle))
        self._seen = 0

    def peek(self):
        """The first batch's x (to build a model from), kept for the first epoch (unless
        `peeked`: then it is Keras's peek pass)."""
        if self._peeked is None:
            if self._reset_first and not self._peek_pass and self._before_first:
                self._end_epoch()  # Keras's reset, before anything is read
                self._before_first = False
            self._begin_epoch()
            self._fresh_pass()
            try:
                self._peeked = next(self._iterator)
            except StopIteration:
                raise ValueError("The batch stream yielded no batch.") from None
        return unpack_batch(self._peeked)[0]

    def _next(self):
        if self._peeked is not None:
            batch, self._peeked = self._peeked, None
        else:
            if self._iterator is None:
                self._fresh_pass()
            try:
                batch = next(self._iterator)
            except StopIteration:
                self._iterator = None
                return None
        self._seen += 1
        return batch

    def _run_before_first(self) -> None:
        self._before_first = False
        if self._peek_pass and self._hooks:
            if self._peeked is None:  # the peek pass, not yet run by `peek`
                self.peek()
            self._end_epoch()
            self._peeked = self._iterator = None  # the first epoch starts another pass
        elif self._reset_first:
            self._end_epoch()

    def epoch(self):
        """Yield `[xs, ys, sample_weights]` for each step of one epoch; a PyDataset's
        `on_epoch_begin` / `on_epoch_end` run around it, as in Keras."""
        if self._before_first:
            self._run_before_first()
        self._begin_epoch()
        yield from self._epoch_batches()
        self._end_epoch()

    def _epoch_batches(self):
        step = 0
        while self.limit is None or step < self.limit:
            batch = self._next()
            if batch is None:
                if (step == 0 and self.limit is None) or (
                    self.limit is not None
                    and _execution_left(step, self.limit, self.steps_per_execution)
                ):
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
        length = stream_length(self.stream)
        if length is not None and self._seen >= length:  # the pass ended with the epoch
            self._iterator = None
