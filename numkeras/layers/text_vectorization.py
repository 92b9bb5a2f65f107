"""`TextVectorization`: strings to token indices or token vectors, as Keras 3.

Each string goes through:

1. `standardize`: "lower_and_strip_punctuation" (default), "lower", "strip_punctuation",
   None, or a callable. As TensorFlow's `tf.strings.lower` (no encoding given) it
   lowercases ASCII letters only ("École" stays "École"); punctuation is removed with
   Keras's regex `[!"#$%&()\\*\\+,-\\./:;<=>?@\\[\\\\\\]^_`{|}~\\']`, i.e. the 32 ASCII
   punctuation marks (curly quotes, dashes and other non-ASCII marks stay). A callable
   receives a NumPy str array and returns one of the same shape (as Keras passes NumPy
   arrays to it on its non-TensorFlow backends).
2. `split`: "whitespace" (default: ASCII whitespace, as `tf.strings.split`; a
   no-break space does not split), "character" (Unicode code points), None (each string
   is one token), or a callable taking a 1-D NumPy str array and returning one list of
   tokens per string.
3. `ngrams`: None, `n` (widths 1..n) or a tuple of widths; the n-grams of each width
   follow one another, joined with " ", as `tf.strings.ngrams`.
4. a `StringLookup` (mask token "" at index 0, OOV "[UNK]" at 1) in `output_mode`:
   "int" (int64 `(batch, length)`, padded with 0 to the longest text or cut/padded to
   `output_sequence_length`), "multi_hot", "count", "tf_idf" (float32
   `(batch, vocabulary_size)`), "one_hot" (only with `split=None`).

Inputs: a list or 1-D array of strings, or a `(batch, 1)` array. `sparse=True` and
`ragged=True` are refused (numkeras has no sparse or ragged arrays).

>>> layer = TextVectorization(output_sequence_length=4)
>>> layer.adapt(["The cat sat.", "The dog!"])
>>> layer.get_vocabulary()
['', '[UNK]', 'the', 'sat', 'dog', 'cat']
>>> layer(["the CAT ran"])
array([[2, 5, 1, 0]])
"""

from __future__ import annotations

import re

import numpy as np

from numkeras import backend
from numkeras.errors import ConfigError, InputTypeError, NotBuiltError, ShapeError
from numkeras.layers.category_encoding import no_input_gradient
from numkeras.layers.index_lookup import (
    _DROPPED,
    OUTPUT_MODES,
    check_choice,
    listify,
    to_backend,
)
from numkeras.layers.layer import Layer, is_symbolic, shape_of
from numkeras.layers.string_lookup import StringLookup
from numkeras.utils.checks import is_int

STANDARDIZE = ("lower_and_strip_punctuation", "lower", "strip_punctuation")
SPLIT = ("whitespace", "character")
# Keras's DEFAULT_STRIP_REGEX (RE2 and Python's `re` read it the same: `,-\.` is ',' to '.')
STRIP_REGEX = re.compile(r'[!"#$%&()\*\+,-\./:;<=>?@\[\\\]^_`{|}~\']')
_ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")
_ASCII_SPACE = re.compile(r"[ \t\n\v\f\r]+")


class TextVectorization(Layer):
    def __init__(
        self,
        max_tokens: int | None = None,
        standardize="lower_and_strip_punctuation",
        split="whitespace",
        ngrams=None,
        output_mode: str = "int",
        output_sequence_length: int | None = None,
        pad_to_max_tokens: bool = False,
        vocabulary=None,
        idf_weights=None,
        sparse: bool = False,
        ragged: bool = False,
        encoding: str = "utf-8",
        name: str | None = None,
        **kwargs,
    ):
        if sparse:
            raise ConfigError(
                "TextVectorization(sparse=True) is not supported by numkeras (it has no sparse "
                "arrays); use sparse=False."
            )
        if ragged:
            raise ConfigError(
                "TextVectorization(ragged=True) is not supported by numkeras (it has no ragged "
                "arrays); use output_sequence_length=N for fixed-length rows, or leave it None "
                "to pad each batch to its longest text."
            )
        if standardize is not None and not callable(standardize):
            check_choice(standardize, STANDARDIZE, "standardize", "TextVectorization")
        if split is not None and not callable(split):
            check_choice(split, SPLIT, "split", "TextVectorization")
        if output_mode == "binary":
            output_mode = "multi_hot"
        if output_mode == "tf-idf":
            output_mode = "tf_idf"
        check_choice(output_mode, OUTPUT_MODES, "output_mode", "TextVectorization")
        if not (
            ngrams is None
            or is_int(ngrams)
            or isinstance(ngrams, tuple)
            and all(is_int(item) for item in ngrams)
        ):
            raise ConfigError(
                f"`ngrams` must be None, an integer, or a tuple of integers. Received: "
                f"ngrams={ngrams!r}"
            )
        if output_mode == "int" and not (
            output_sequence_length is None or is_int(output_sequence_length)
        ):
            raise ConfigError(
                "`output_sequence_length` must be either None or an integer when `output_mode` "
                f"is 'int'. Received: output_sequence_length={output_sequence_length!r}"
            )
        if output_mode != "int" and output_sequence_length is not None:
            raise ConfigError(
                "`output_sequence_length` must not be set if `output_mode` is not 'int'. "
                f"Received output_sequence_length={output_sequence_length}."
            )
        if output_mode == "one_hot" and split is not None:
            raise ConfigError(
                "TextVectorization(output_mode='one_hot') needs split=None (one token per "
                "string) in numkeras; for split text use 'multi_hot' or 'count', or 'int' "
                "followed by CategoryEncoding."
            )
        has_input_vocabulary = kwargs.pop("has_input_vocabulary", vocabulary is not None)
        vocabulary_size = kwargs.pop("vocabulary_size", None)
        kwargs.pop("dtype", None)
        super().__init__(name=name, **kwargs)
        self._standardize = standardize
        self._split = split
        self._ngrams_arg = ngrams
        self._ngrams = tuple(range(1, ngrams + 1)) if is_int(ngrams) else ngrams
        self._ragged = False
        self._output_mode = output_mode
        self._output_sequence_length = output_sequence_length
        self._encoding = encoding
        self._has_input_vocabulary = has_input_vocabulary
        self._lookup_layer = StringLookup(
            max_tokens=max_tokens,
            vocabulary=vocabulary,
            idf_weights=idf_weights,
            pad_to_max_tokens=pad_to_max_tokens,
            mask_token="",
            output_mode=output_mode,
            has_input_vocabulary=has_input_vocabulary,
            encoding=encoding,
            vocabulary_size=vocabulary_size,
        )
        self.built = True

    # -- vocabulary -------------------------------------------------------------------------
    def get_vocabulary(self, include_special_tokens: bool = True) -> list:
        """The vocabulary: "" (padding) and "[UNK]" first unless `include_special_tokens`
        is False; a token's position is its index."""
        return self._lookup_layer.get_vocabulary(include_special_tokens)

    def vocabulary_size(self) -> int:
        return self._lookup_layer.vocabulary_size()

    def set_vocabulary(self, vocabulary, idf_weights=None) -> None:
        self._lookup_layer.set_vocabulary(vocabulary, idf_weights=idf_weights)

    def adapt(self, data, batch_size=None, steps=None) -> None:
        """Learn the vocabulary (and, for tf_idf, document frequencies) from texts: a list
        or array of strings (each string one document), or an iterable of batches."""
        self.reset_state()
        if isinstance(data, (list, tuple, np.ndarray, str)) or hasattr(data, "shape"):
            texts = self._to_texts(data)
            if texts.ndim == 0:
                texts = texts.reshape(1)
            if batch_size is None:
                self.update_state(texts)
            else:
                for i in range(0, len(texts), batch_size):
                    self.update_state(texts[i : i + batch_size])
        elif hasattr(data, "__iter__"):
            for i, batch in enumerate(data):
                if steps is not None and i >= steps:
                    break
                self.update_state(batch[0] if isinstance(batch, tuple) else batch)
        else:
            raise InputTypeError(
                "TextVectorization.adapt expects strings (a list or array) or an iterable of "
                f"batches of strings; received {type(data).__name__}."
            )
        self.finalize_state()

    def update_state(self, data) -> None:
        rows, _ = self._preprocess(data)
        if isinstance(rows, np.ndarray):  # split=None: one token per string
            rows = rows.reshape(rows.shape[0], -1) if rows.ndim else rows.reshape(1, 1)
            rows = rows.tolist()
        self._lookup_layer._update_rows(rows)

    def finalize_state(self) -> None:
        self._lookup_layer.finalize_state()

    def reset_state(self) -> None:
        self._lookup_layer.reset_state()

    # -- preprocessing ----------------------------------------------------------------------
    def _to_texts(self, inputs) -> np.ndarray:
        return self._lookup_layer._to_tokens(inputs)

    def _standardize_texts(self, texts: np.ndarray) -> np.ndarray:
        mode = self._standardize
        if callable(mode):
            result = np.asarray(mode(texts))
            if result.dtype.kind not in "UO":
                raise InputTypeError(
                    f"TextVectorization's `standardize` callable must return strings, "
                    f"returned dtype {result.dtype}."
                )
            return result.astype(str)
        if mode is None:
            return texts
        flat = texts.reshape(-1).tolist()
        if mode in ("lower", "lower_and_strip_punctuation"):
            flat = [t.translate(_ASCII_LOWER) for t in flat]  # ASCII only, as TF
        if mode in ("strip_punctuation", "lower_and_strip_punctuation"):
            flat = [STRIP_REGEX.sub("", t) for t in flat]
        return np.array(flat, dtype=str).reshape(texts.shape)

    def _preprocess(self, inputs):
        """Standardized, split, n-grammed texts: `(rows, single)`, `rows` a list of token
        lists (or, with split=None and no ngrams, an array of tokens shaped as the input);
        `single` when the input was one sequence (a scalar string to split, or a 1-D array
        of tokens to n-gram with split=None), whose output, as Keras's, has no batch axis."""
        texts = self._standardize_texts(self._to_texts(inputs))
        single = False
        if self._split is None:
            if self._ngrams is None:
                return texts, False
            if texts.ndim > 2:
                raise ShapeError(
                    "TextVectorization(split=None, ngrams=...) takes tokens of shape "
                    f"(batch, tokens) or (tokens,); received shape {tuple(texts.shape)}."
                )
            single = texts.ndim <= 1
            rows = texts.reshape(-1, texts.shape[-1] if texts.ndim else 1).tolist()
        else:
            if texts.ndim > 1:
                if texts.shape[-1] != 1:
                    raise ShapeError(
                        "When using `TextVectorization` to tokenize strings, the input rank "
                        "must be 1 or the last shape dimension must be 1. Received: "
                        f"inputs.shape={tuple(texts.shape)} with rank={texts.ndim}. Pass one "
                        "string per sample."
                    )
                texts = texts.reshape(texts.shape[:-1])
            if texts.ndim == 0:
                single = True
                texts = texts.reshape(1)
            if self._split == "whitespace":
                rows = [[t for t in _ASCII_SPACE.split(s) if t] for s in texts.tolist()]
            elif self._split == "character":
                rows = [list(s) for s in texts.tolist()]
            else:
                rows = [[str(t) for t in r] for r in self._split(texts)]
        if self._ngrams is not None:
            rows = [_ngrams(r, self._ngrams) for r in rows]
        return rows, single

    # -- call -------------------------------------------------------------------------------
    def __call__(self, inputs, training=None, **kwargs):
        if is_symbolic(inputs):
            return self._call_symbolic(inputs, training=training, **kwargs)
        return self.call(inputs)

    def _call_symbolic(self, inputs, training=None, **kwargs):
        from numkeras.layers.keras_tensor import Node

        in_shape = shape_of(inputs)
        self._build_input_shape = in_shape
        out_shape = self.compute_output_shape(in_shape)
        dtype = "int64" if self._output_mode == "int" else backend.floatx()
        node = Node(self, inputs, out_shape, training=training, dtype=dtype)
        return node.outputs_structure

    def call(self, inputs, training: bool = False):
        lookup = self._lookup_layer
        lookup._ensure_known_vocab_size()
        rows, single = self._preprocess(inputs)
        if isinstance(rows, np.ndarray):  # one token per string: shaped as the input
            return lookup.call(rows)
        out = self._vectorize(rows)
        return to_backend(out[0] if single else out)

    def _vectorize(self, rows: list) -> np.ndarray:
        """Token lists to the output: padded ids, or one vector per row."""
        lookup = self._lookup_layer
        lengths = [len(r) for r in rows]
        flat = np.array([t for r in rows for t in r], dtype=str)
        ids = lookup._lookup(flat) if flat.size else np.zeros(0, "int64")
        row_of = np.repeat(np.arange(len(rows)), lengths)
        if self._output_mode == "int":
            width = max(lengths, default=0)
            if self._output_sequence_length is not None:
                width = self._output_sequence_length
            out = np.zeros((len(rows), width), dtype="int64")
            pos = np.arange(flat.size) - np.repeat(np.cumsum(lengths) - lengths, lengths)
            keep = pos < width
            out[row_of[keep], pos[keep]] = ids[keep]
            return out
        depth = lookup.max_tokens if lookup.pad_to_max_tokens else lookup._frozen_vocab_size
        counts = np.zeros((len(rows), depth), dtype=backend.floatx())
        keep = ids != _DROPPED
        np.add.at(counts, (row_of[keep], ids[keep]), 1)
        if self._output_mode == "multi_hot":
            return np.minimum(counts, 1)
        if self._output_mode == "tf_idf":
            if lookup.idf_weights is None or lookup.idf_weights.shape[0] != depth:
                raise NotBuiltError(
                    "When `output_mode` is `'tf_idf'`, `idf_weights` (one per vocabulary index) "
                    "must be provided: pass `idf_weights=` with the vocabulary, or call `adapt`."
                )
            return counts * lookup.idf_weights
        return counts

    def compute_output_shape(self, input_shape):
        input_shape = tuple(input_shape)
        if self._output_mode == "int":
            return (input_shape[0], self._output_sequence_length)
        if self._split is None:
            if len(input_shape) <= 1:
                input_shape = input_shape + (1,)
        else:
            input_shape = input_shape + (None,)
        return self._lookup_layer.compute_output_shape(input_shape)

    def forward(self, inputs, training: bool = True):
        return self.call(inputs), None

    def backward(self, cache, grad_output, need_input_grad: bool = True):
        if need_input_grad:
            no_input_gradient(self)
        return None

    # -- saving -----------------------------------------------------------------------------
    def get_config(self) -> dict:
        lookup = self._lookup_layer
        config = {
            "max_tokens": lookup.max_tokens,
            "standardize": self._standardize,
            "split": self._split,
            "ngrams": self._ngrams_arg,
            "output_mode": self._output_mode,
            "output_sequence_length": self._output_sequence_length,
            "pad_to_max_tokens": lookup.pad_to_max_tokens,
            "sparse": False,
            "ragged": self._ragged,
            "vocabulary": listify(lookup.input_vocabulary),
            "idf_weights": listify(lookup.input_idf_weights),
            "encoding": self._encoding,
            "vocabulary_size": self.vocabulary_size(),
        }
        return {**super().get_config(), **config}

    @classmethod
    def from_config(cls, config: dict):
        config = dict(config)
        if isinstance(config.get("ngrams"), list):
            config["ngrams"] = tuple(config["ngrams"])
        return super().from_config(config)

    def get_build_config(self):
        return {}

    def _saved_children(self) -> list:
        """Keras saves the inner lookup too, as `<path>/_lookup_layer` (its vocabulary twice)."""
        return [("_lookup_layer", self._lookup_layer)]

    def save_own_variables(self, store) -> None:
        self._lookup_layer.save_own_variables(store)

    def load_own_variables(self, store) -> None:
        self._lookup_layer.load_own_variables(store)

    def save_assets(self, dir_path: str) -> None:
        self._lookup_layer.save_assets(dir_path)

    def load_assets(self, dir_path: str) -> None:
        self._lookup_layer.load_assets(dir_path)

    def _repr_args(self) -> str:
        args = f"vocabulary_size={self.vocabulary_size()}"
        if self._output_mode != "int":
            args += f", output_mode={self._output_mode!r}"
        return args


def _ngrams(tokens: list, widths) -> list:
    """All n-grams of each width in turn, joined with " " (widths longer than the row give
    none), as `tf.strings.ngrams(..., separator=" ")`."""
    out = []
    for n in widths:
        out += [" ".join(tokens[i : i + n]) for i in range(len(tokens) - n + 1)]
    return out


TextVectorization.__doc__ = __doc__  # (the module docstring: help(TextVectorization) shows it)
