"""Reuters newswire topics: `load_data()`, `get_word_index()` and `get_label_names()` as
`keras.datasets.reuters`."""

from __future__ import annotations

import json
import os

import numpy as np

from numkeras.datasets.cifar import load_npz
from numkeras.datasets.imdb import check_kwargs, cut, marked, remove_long_seq, shuffled
from numkeras.utils.file_utils import get_file

ORIGIN_FOLDER = "https://storage.googleapis.com/tensorflow/tf-keras-datasets/"
FILE_HASH = "d6586e694ee56d7a4e65172e12b3e987c03096cb01eab99753921ef915959916"  # sha256
WORD_INDEX_HASH = "4d44cc38712099c9e383dc6e5f11a921"  # md5, as Keras pins it

_ARGS = (
    "path",
    "num_words",
    "skip_top",
    "maxlen",
    "test_split",
    "seed",
    "start_char",
    "oov_char",
    "index_from",
    "cache_dir",
)

LABEL_NAMES = (
    "cocoa",
    "grain",
    "veg-oil",
    "earn",
    "acq",
    "wheat",
    "copper",
    "housing",
    "money-supply",
    "coffee",
    "sugar",
    "trade",
    "reserves",
    "ship",
    "cotton",
    "carcass",
    "crude",
    "nat-gas",
    "cpi",
    "money-fx",
    "interest",
    "gnp",
    "meal-feed",
    "alum",
    "oilseed",
    "gold",
    "tin",
    "strategic-metal",
    "livestock",
    "retail",
    "ipi",
    "iron-steel",
    "rubber",
    "heat",
    "jobs",
    "lei",
    "bop",
    "zinc",
    "orange",
    "pet-chem",
    "dlr",
    "gas",
    "silver",
    "wpi",
    "hog",
    "lead",
)


def load_data(
    path: str | os.PathLike = "reuters.npz",
    num_words: int | None = None,
    skip_top: int = 0,
    maxlen: int | None = None,
    test_split: float = 0.2,
    seed: int = 113,
    start_char: int | None = 1,
    oov_char: int | None = 2,
    index_from: int = 3,
    cache_dir: str | None = None,
    **kwargs,
):
    """Load the Reuters newswire dataset: 11,228 newswires labelled over 46 topics
    (`get_label_names()`), each a list of word indexes.

    Words are indexed by overall frequency, offset by `index_from`; 0 is never a word,
    `start_char` marks each newswire's start and `oov_char` replaces cut words.

    Args:
        path: the file name in Keras's cache (`~/.keras/datasets/`, shared with Keras).
        num_words: keep only the `num_words` most frequent words (the others become
            `oov_char`, or are dropped when `oov_char` is None). None keeps them all (but as
            in Keras, the largest index itself then counts as cut).
        skip_top: also cut the `skip_top` most frequent words (any index below `skip_top`).
        maxlen: drop the newswires with `maxlen` or more items (counting `start_char`);
            None or 0 keeps all.
        test_split: the fraction of newswires kept for the test set (not checked, as in
            Keras: the split index is `int(len(xs) * (1 - test_split))`).
        seed: the seed of the shuffle (`np.random.RandomState(seed)`) done first.
        start_char: the index put at the start of each newswire (None: no marker).
        oov_char: the index of cut words (None: cut words are removed).
        index_from: added to every word index.
        cache_dir: where to cache instead of `~/.keras` (an argument of Keras 2's
            loaders, not of Keras 3's; accepted so tf.keras scripts run).
        **kwargs: only Keras 2's `nb_words` (renamed `num_words`, with a deprecation
            warning); anything else raises `TypeError`, as in Keras.

    Returns `((x_train, y_train), (x_test, y_test))`, exactly as Keras 3.15 (8982 / 2246
    newswires by default): `x_*` are object arrays of Python lists of ints, `y_*` int64
    arrays of topic indexes 0-45.

    The file `reuters.npz` is downloaded once from Keras's mirror,
    https://storage.googleapis.com/tensorflow/tf-keras-datasets/, and checked against its
    sha256 before it is read (a file that does not match is downloaded afresh, never
    parsed). Its ragged arrays are pickles, read with a restricted unpickler that can only
    build lists, ints and NumPy arrays (as Keras 3.15 does; see `numkeras.datasets.cifar`).

    Example (downloads 2 MB on first use, so not run as a doctest):

    >>> from numkeras.datasets import reuters
    >>> (x_train, y_train), (x_test, y_test) = reuters.load_data(num_words=10000)  # doctest: +SKIP
    >>> len(x_train), len(x_test)  # doctest: +SKIP
    (8982, 2246)
    >>> reuters.get_label_names()[3]
    'earn'
    """
    num_words = check_kwargs(kwargs, num_words, _ARGS)
    path = get_file(
        fname=path, origin=f"{ORIGIN_FOLDER}reuters.npz", file_hash=FILE_HASH, cache_dir=cache_dir
    )
    f = load_npz(path)
    xs, labels = f["x"], f["y"]

    xs, labels = shuffled(np.random.RandomState(seed), xs, labels)
    xs = marked(xs, start_char, index_from)
    if maxlen:
        xs, labels = remove_long_seq(maxlen, xs, labels)
    xs = cut(xs, num_words, skip_top, oov_char)

    idx = int(len(xs) * (1 - test_split))
    x_train, y_train = np.array(xs[:idx], dtype="object"), np.array(labels[:idx])
    x_test, y_test = np.array(xs[idx:], dtype="object"), np.array(labels[idx:])
    return (x_train, y_train), (x_test, y_test)


def get_word_index(path: str | os.PathLike = "reuters_word_index.json") -> dict[str, int]:
    """The dict word -> index of the Reuters dataset (before `index_from` is added: the
    index of "the" is 1 here and 1 + 3 = 4 in `load_data`'s sequences).

    Downloaded once from Keras's mirror into Keras's cache, checked against Keras's md5.

    Example (downloads the file on first use, so not run as a doctest):

    >>> from numkeras.datasets import reuters
    >>> reuters.get_word_index()["the"]  # doctest: +SKIP
    1
    """
    path = get_file(
        path, origin=f"{ORIGIN_FOLDER}reuters_word_index.json", file_hash=WORD_INDEX_HASH
    )
    with open(path) as f:
        return json.load(f)


def get_label_names() -> tuple[str, ...]:
    """The 46 topic names, in label order (a tuple, as Keras).

    >>> from numkeras.datasets import reuters
    >>> len(reuters.get_label_names()), reuters.get_label_names()[:3]
    (46, ('cocoa', 'grain', 'veg-oil'))
    """
    return LABEL_NAMES


__all__ = ["LABEL_NAMES", "get_label_names", "get_word_index", "load_data"]
