"""Keras 2's `keras.preprocessing.text`: `Tokenizer`, `text_to_word_sequence`, `one_hot`,
`hashing_trick` and `tokenizer_from_json`, as classic text scripts use them (IMDB and
Reuters tutorials: `Tokenizer(num_words=...)`, `fit_on_texts`, `texts_to_sequences`, then
`pad_sequences`). Keras 3 dropped them for `TextVectorization` (which numkeras also has);
they behave here as in Keras 2 (tf_keras 2.21), number for number, including its word
order (by count, ties in first-seen order), `num_words` cut-off (indices below it are
kept) and matrices (float64, as Keras 2 returns them).

>>> tokenizer = Tokenizer(num_words=5, oov_token="<unk>")
>>> tokenizer.fit_on_texts(["The cat sat.", "The cat ran!", "A dog"])
>>> tokenizer.word_index["the"], tokenizer.texts_to_sequences(["the dog sat"])
(2, [[2, 1, 4]])
>>> tokenizer.sequences_to_texts([[2, 3]])
['the cat']
"""

from __future__ import annotations

import hashlib
import json
from collections import OrderedDict, defaultdict

import numpy as np

from numkeras.errors import ConfigError

FILTERS = '!"#$%&()*+,-./:;<=>?@[\\]^_`{|}~\t\n'


def text_to_word_sequence(text: str, filters: str = FILTERS, lower: bool = True, split=" "):
    """The words of `text`: lowercased, each character of `filters` made a separator.

    >>> text_to_word_sequence("Hello, World!  Again")
    ['hello', 'world', 'again']
    """
    if lower:
        text = text.lower()
    text = text.translate(str.maketrans({c: split for c in filters}))
    return [word for word in text.split(split) if word]


def hashing_trick(
    text: str, n: int, hash_function=None, filters=FILTERS, lower=True, split=" ", analyzer=None
) -> list[int]:
    """Each word hashed into `1..n-1` (0 is left for padding). `hash_function` None uses
    Python's `hash` (randomized per process for strings unless PYTHONHASHSEED is set, as
    in Keras); `"md5"` is stable across runs."""
    if hash_function is None:
        hash_function = hash
    elif hash_function == "md5":

        def hash_function(word):
            return int(hashlib.md5(word.encode()).hexdigest(), 16)

    if analyzer is None:
        words = text_to_word_sequence(text, filters=filters, lower=lower, split=split)
    else:
        words = analyzer(text)
    return [hash_function(w) % (n - 1) + 1 for w in words]


def one_hot(text: str, n: int, filters=FILTERS, lower=True, split=" ", analyzer=None) -> list[int]:
    """`hashing_trick` with Python's `hash` (Keras 2's name; not a one-hot encoding)."""
    return hashing_trick(text, n, hash, filters, lower, split, analyzer)


class Tokenizer:
    """Keras 2's word (or character) index: `fit_on_texts`, then `texts_to_sequences` /
    `texts_to_matrix` ("binary", "count", "tfidf", "freq"); `num_words` keeps only the
    words with index below it; `oov_token` gets index 1 and stands in for unknown words."""

    def __init__(
        self,
        num_words: int | None = None,
        filters: str = FILTERS,
        lower: bool = True,
        split: str = " ",
        char_level: bool = False,
        oov_token: str | None = None,
        analyzer=None,
        document_count: int = 0,
        **kwargs,
    ):
        if "nb_words" in kwargs:  # Keras 1's name
            num_words = kwargs.pop("nb_words")
        if kwargs:
            raise ConfigError(f"Unrecognized keyword arguments: {sorted(kwargs)}")
        self.word_counts: OrderedDict = OrderedDict()
        self.word_docs: defaultdict = defaultdict(int)
        self.filters, self.split, self.lower = filters, split, lower
        self.num_words = num_words
        self.document_count = document_count
        self.char_level = char_level
        self.oov_token = oov_token
        self.index_docs: defaultdict = defaultdict(int)
        self.word_index: dict = {}
        self.index_word: dict = {}
        self.analyzer = analyzer

    def _words(self, text) -> list:
        if self.char_level or isinstance(text, list):
            if self.lower:
                text = [t.lower() for t in text] if isinstance(text, list) else text.lower()
            return text
        if self.analyzer is not None:
            return self.analyzer(text)
        return text_to_word_sequence(text, self.filters, self.lower, self.split)

    def fit_on_texts(self, texts) -> None:
        """Count the words of `texts` (strings, or lists of words) and rebuild the index."""
        for text in texts:
            self.document_count += 1
            words = self._words(text)
            for w in words:
                self.word_counts[w] = self.word_counts.get(w, 0) + 1
            for w in set(words):
                self.word_docs[w] += 1
        counts = sorted(self.word_counts.items(), key=lambda kv: kv[1], reverse=True)
        vocabulary = ([] if self.oov_token is None else [self.oov_token]) + [w for w, _ in counts]
        self.word_index = dict(zip(vocabulary, range(1, len(vocabulary) + 1)))
        self.index_word = {i: w for w, i in self.word_index.items()}
        for w, c in list(self.word_docs.items()):
            self.index_docs[self.word_index[w]] = c

    def fit_on_sequences(self, sequences) -> None:
        """Count documents per index (for "tfidf") from already-indexed sequences."""
        self.document_count += len(sequences)
        for seq in sequences:
            for i in set(seq):
                self.index_docs[i] += 1

    def texts_to_sequences_generator(self, texts):
        oov = self.word_index.get(self.oov_token)
        for text in texts:
            out = []
            for w in self._words(text):
                i = self.word_index.get(w)
                if i is not None:
                    if self.num_words and i >= self.num_words:
                        if oov is not None:
                            out.append(oov)
                    else:
                        out.append(i)
                elif self.oov_token is not None:
                    out.append(oov)
            yield out

    def texts_to_sequences(self, texts) -> list[list[int]]:
        """Each text as its words' indices (unknown words dropped, or `oov_token`'s index)."""
        return list(self.texts_to_sequences_generator(texts))

    def sequences_to_texts_generator(self, sequences):
        oov = self.word_index.get(self.oov_token)
        for seq in sequences:
            words = []
            for num in seq:
                word = self.index_word.get(num)
                if word is not None:
                    if self.num_words and num >= self.num_words:
                        if oov is not None:
                            words.append(self.index_word[oov])
                    else:
                        words.append(word)
                elif self.oov_token is not None:
                    words.append(self.index_word[oov])
            yield " ".join(words)

    def sequences_to_texts(self, sequences) -> list[str]:
        return list(self.sequences_to_texts_generator(sequences))

    def texts_to_matrix(self, texts, mode: str = "binary") -> np.ndarray:
        return self.sequences_to_matrix(self.texts_to_sequences(texts), mode=mode)

    def sequences_to_matrix(self, sequences, mode: str = "binary") -> np.ndarray:
        """A `(len(sequences), num_words)` matrix: "binary", "count", "freq" or "tfidf"."""
        if self.num_words:
            num_words = self.num_words
        elif self.word_index:
            num_words = len(self.word_index) + 1
        else:
            raise ConfigError(
                "Specify a dimension (`num_words` argument), or fit on some text data first."
            )
        if mode not in ("binary", "count", "freq", "tfidf"):
            raise ConfigError(
                f"Unknown vectorization mode: {mode!r}; use 'binary', 'count', 'freq' or 'tfidf'."
            )
        if mode == "tfidf" and not self.document_count:
            raise ConfigError("Fit the Tokenizer on some data before using tfidf mode.")
        x = np.zeros((len(sequences), num_words))
        for i, seq in enumerate(sequences):
            counts: dict = defaultdict(int)
            for j in seq:
                if j < num_words:
                    counts[j] += 1
            for j, c in counts.items():
                if mode == "count":
                    x[i][j] = c
                elif mode == "freq":
                    x[i][j] = c / len(seq)
                elif mode == "binary":
                    x[i][j] = 1
                else:
                    tf = 1 + np.log(c)
                    idf = np.log(1 + self.document_count / (1 + self.index_docs.get(j, 0)))
                    x[i][j] = tf * idf
        return x

    def get_config(self) -> dict:
        """Keras 2's config: the settings, with the counts and indices as JSON strings."""
        return {
            "num_words": self.num_words,
            "filters": self.filters,
            "lower": self.lower,
            "split": self.split,
            "char_level": self.char_level,
            "oov_token": self.oov_token,
            "document_count": self.document_count,
            "word_counts": json.dumps(self.word_counts),
            "word_docs": json.dumps(self.word_docs),
            "index_docs": json.dumps(self.index_docs),
            "index_word": json.dumps(self.index_word),
            "word_index": json.dumps(self.word_index),
        }

    def to_json(self, **kwargs) -> str:
        return json.dumps(
            {"class_name": type(self).__name__, "config": self.get_config()}, **kwargs
        )

    def __repr__(self) -> str:
        return f"<Tokenizer num_words={self.num_words}, words={len(self.word_index)}>"


def tokenizer_from_json(json_string: str) -> Tokenizer:
    """A `Tokenizer` from `tokenizer.to_json()`."""
    config = dict(json.loads(json_string).get("config"))
    word_counts = json.loads(config.pop("word_counts"))
    word_docs = json.loads(config.pop("word_docs"))
    index_docs = {int(k): v for k, v in json.loads(config.pop("index_docs")).items()}
    index_word = {int(k): v for k, v in json.loads(config.pop("index_word")).items()}
    word_index = json.loads(config.pop("word_index"))
    tokenizer = Tokenizer(**config)
    tokenizer.word_counts = OrderedDict(word_counts)
    tokenizer.word_docs = defaultdict(int, word_docs)
    tokenizer.index_docs = defaultdict(int, index_docs)
    tokenizer.word_index, tokenizer.index_word = word_index, index_word
    return tokenizer


__all__ = [
    "Tokenizer",
    "hashing_trick",
    "one_hot",
    "text_to_word_sequence",
    "tokenizer_from_json",
]
