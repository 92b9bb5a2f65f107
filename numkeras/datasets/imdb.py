"""IMDB movie-review sentiment: `load_data()` and `get_word_index()` as
`keras.datasets.imdb`."""

from __future__ import annotations

import json
import os

import numpy as np

from numkeras.datasets.cifar import load_npz
from numkeras.errors import did_you_mean, warn_deprecated
from numkeras.utils.file_utils import get_file

ORIGIN_FOLDER = "https://storage.googleapis.com/tensorflow/tf-keras-datasets/"
FILE_HASH = "69664113be75683a8fe16e3ed0ab59fda8886cb3cd7ada244f7d9544e4676b9f"  # sha256
WORD_INDEX_HASH = "bfafd718b763782e994055a2d397834f"  # md5, as Keras pins it

_ARGS = (
    "path",
    "num_words",
    "skip_top",
    "maxlen",
    "seed",
    "start_char",
    "oov_char",
    "index_from",
    "cache_dir",
)


def remove_long_seq(maxlen: int, seq, label):
    """The sequences (and their labels) *shorter* than `maxlen` (Keras's helper: a sequence
    of exactly `maxlen` items is dropped too)."""
    new_seq, new_label = [], []
    for x, y in zip(seq, label):
        if len(x) < maxlen:
            new_seq.append(x)
            new_label.append(y)
    return new_seq, new_label


def check_kwargs(kwargs: dict, num_words, valid=_ARGS):
    """`num_words`, or Keras 2's `nb_words` alias from `kwargs`; any other keyword is a
    `TypeError` (as in Keras 2; Keras 3's imdb silently ignores it, hiding typos)."""
    if "nb_words" in kwargs:
        warn_deprecated("The `nb_words` argument in `load_data` has been renamed `num_words`.")
        num_words = kwargs.pop("nb_words")
    if kwargs:
        bad = sorted(kwargs)
        hint = did_you_mean(bad[0], valid)
        raise TypeError(
            f"Unrecognized keyword arguments: {bad}. Valid arguments: {', '.join(valid)}.{hint}"
        )
    return num_words


def shuffled(rng: np.random.RandomState, xs, labels) -> tuple:
    """`xs` and `labels` in the order of one `rng.shuffle` of their indices (Keras's)."""
    indices = np.arange(len(xs))
    rng.shuffle(indices)
    return xs[indices], labels[indices]


def marked(xs, start_char: int | None, index_from: int) -> list[list[int]]:
    """Each sequence as a list, its indices shifted by `index_from`, after `start_char`."""
    if start_char is not None:
        return [[start_char] + [w + index_from for w in x] for x in xs]
    if index_from:
        return [[w + index_from for w in x] for x in xs]
    return [list(x) for x in xs]


def cut(xs, num_words: int | None, skip_top: int, oov_char: int | None) -> list[list[int]]:
    """The indices outside `[skip_top, num_words)` replaced by `oov_char`, or dropped when
    it is None; `num_words` None or 0: the largest index present (Keras's quirk: that index
    itself is then cut too)."""
    if not num_words:
        num_words = max(max(x) for x in xs)
    # by convention 0 is padding, 1 the start and 2 out-of-vocabulary (index_from=3)
    if oov_char is not None:
        return [[w if skip_top <= w < num_words else oov_char for w in x] for x in xs]
    return [[w for w in x if skip_top <= w < num_words] for x in xs]


def load_data(
    path: str | os.PathLike = "imdb.npz",
    num_words: int | None = None,
    skip_top: int = 0,
    maxlen: int | None = None,
    seed: int = 113,
    start_char: int | None = 1,
    oov_char: int | None = 2,
    index_from: int = 3,
    cache_dir: str | None = None,
    **kwargs,
):
    """Load the IMDB dataset: 25,000 training and 25,000 test movie reviews labelled by
    sentiment (1 positive, 0 negative), each a list of word indexes.

    Words are indexed by overall frequency (3 is the 3rd most frequent word), offset by
    `index_from`; 0 is never a word (padding), `start_char` marks each review's start and
    `oov_char` replaces cut words.

    Args:
        path: the file name in Keras's cache (`~/.keras/datasets/`, shared with Keras).
        num_words: keep only the `num_words` most frequent words (the others become
            `oov_char`, or are dropped when `oov_char` is None). None keeps them all (but as
            in Keras, the largest index itself then counts as cut: see below).
        skip_top: also cut the `skip_top` most frequent words (and any index below
            `skip_top`, including `start_char`, as in Keras).
        maxlen: drop the reviews with `maxlen` or more items (counting `start_char`);
            None or 0 keeps all. Keras's docs say "truncated", but it drops them.
        seed: the seed of the shuffle (`np.random.RandomState(seed)`: training set first,
            then the test set with the same generator).
        start_char: the index put at the start of each review (None: no marker).
        oov_char: the index of cut words (None: cut words are removed).
        index_from: added to every word index.
        cache_dir: where to cache instead of `~/.keras` (an argument of Keras 2's
            loaders, not of Keras 3's; accepted so tf.keras scripts run).
        **kwargs: only Keras 2's `nb_words` (renamed `num_words`, with a deprecation
            warning); anything else raises `TypeError` (Keras 3 silently ignores it).

    Returns `((x_train, y_train), (x_test, y_test))`, exactly as Keras 3.15: `x_*` are 1-D
    object arrays of Python lists of ints, `y_*` int64 arrays. The same steps in the same
    order: shuffle, `start_char`/`index_from`, `maxlen` filter, then `num_words`/`skip_top`.
    Two Keras quirks are kept so results match Keras (and every published tutorial):
    with `num_words=None` the largest word index (the single rarest word) is replaced by
    `oov_char`; and if every kept review has the same length, `x_*` is a 2-D object array.

    The file `imdb.npz` is downloaded once from Keras's mirror,
    https://storage.googleapis.com/tensorflow/tf-keras-datasets/, and checked against its
    sha256 before it is read (a file that does not match is downloaded afresh, never
    parsed). Its ragged arrays are pickles: they are read with a restricted unpickler that
    can only build lists, ints and NumPy arrays (Keras 3.15 does the same; a plain
    `np.load(allow_pickle=True)` would run any code a tampered file names).

    Example (downloads 17 MB on first use, so not run as a doctest):

    >>> from numkeras.datasets import imdb
    >>> from numkeras.utils import pad_sequences
    >>> (x_train, y_train), (x_test, y_test) = imdb.load_data(num_words=10000)  # doctest: +SKIP
    >>> x_train.shape, y_train.shape  # doctest: +SKIP
    ((25000,), (25000,))
    >>> x = pad_sequences(x_train, maxlen=200)  # doctest: +SKIP
    """
    num_words = check_kwargs(kwargs, num_words)
    path = get_file(
        fname=path, origin=f"{ORIGIN_FOLDER}imdb.npz", file_hash=FILE_HASH, cache_dir=cache_dir
    )
    f = load_npz(path)
    x_train, labels_train = f["x_train"], f["y_train"]
    x_test, labels_test = f["x_test"], f["y_test"]

    rng = np.random.RandomState(seed)
    x_train, labels_train = shuffled(rng, x_train, labels_train)
    x_test, labels_test = shuffled(rng, x_test, labels_test)
    x_train = marked(x_train, start_char, index_from)
    x_test = marked(x_test, start_char, index_from)

    if maxlen:
        x_train, labels_train = remove_long_seq(maxlen, x_train, labels_train)
        x_test, labels_test = remove_long_seq(maxlen, x_test, labels_test)
        if not x_train or not x_test:
            raise ValueError(
                "After filtering for sequences shorter than maxlen="
                f"{maxlen}, no sequence was kept. Increase maxlen."
            )

    xs = x_train + x_test
    labels = np.concatenate([labels_train, labels_test])

    xs = cut(xs, num_words, skip_top, oov_char)
    idx = len(x_train)
    x_train, y_train = np.array(xs[:idx], dtype="object"), labels[:idx]
    x_test, y_test = np.array(xs[idx:], dtype="object"), labels[idx:]
    return (x_train, y_train), (x_test, y_test)


def get_word_index(path: str | os.PathLike = "imdb_word_index.json") -> dict[str, int]:
    """The dict word -> index of the IMDB dataset (before `index_from` is added).

    Downloaded once from Keras's mirror into Keras's cache, checked against Keras's md5.

    Example (downloads the file on first use, so not run as a doctest):

    >>> from numkeras.datasets import imdb
    >>> index_from = 3
    >>> (x_train, _), _ = imdb.load_data(index_from=index_from)  # doctest: +SKIP
    >>> inverted = {i + index_from: w for w, i in imdb.get_word_index().items()}  # doctest: +SKIP
    >>> inverted[1], inverted[2] = "[START]", "[OOV]"  # doctest: +SKIP
    >>> " ".join(inverted[i] for i in x_train[0][:4])  # doctest: +SKIP
    '[START] this film was just'
    """
    path = get_file(
        fname=path, origin=f"{ORIGIN_FOLDER}imdb_word_index.json", file_hash=WORD_INDEX_HASH
    )
    with open(path) as f:
        return json.load(f)


__all__ = ["get_word_index", "load_data"]
