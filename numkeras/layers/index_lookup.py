"""`IndexLookup`: the shared base of `StringLookup` and `IntegerLookup` (as Keras 3's
`keras.src.layers.preprocessing.index_lookup.IndexLookup`, which is not exported either).

It maps tokens to indices in a vocabulary, laid out as Keras lays it out:

    [mask_token]          index 0, only when `mask_token` is set and output_mode="int"
    [oov_token] * n       the `num_oov_indices` out-of-vocabulary indices
    tokens...             the vocabulary proper

The vocabulary comes from `vocabulary=` (a list, tuple, 1-D array, or the path of a text
file with one token per line), `set_vocabulary()`, or `adapt(data)`: tokens sorted by
count, ties broken by the tokens themselves, both high to low (Keras's
`np.lexsort((tokens, counts))[::-1]`), cut to `max_tokens`.

Unknown tokens: with `num_oov_indices=1` they go to the OOV index; with 0 they raise;
with more than 1, strings are hashed (FarmHash Fingerprint64, or SipHash-2-4 with
`salt`, as TensorFlow's `to_hash_bucket_fast` / `_strong`) and integers take
`token % num_oov_indices` (or the hash of their decimal string with
`oov_method="farmhash"`).

`output_mode`: "int" (int64 indices, shaped as the input), "one_hot", "multi_hot",
"count", "tf_idf" (float32 vectors; the mask token is dropped). Keras's eager TensorFlow
path gives int64 vectors for one_hot/multi_hot/count while its declared output spec is
floatx; numkeras follows the spec (float32), which is what a following Dense needs.

The layers pass no gradient: they are input preprocessing.
"""

from __future__ import annotations

import collections
import os

import numpy as np

from numkeras import backend
from numkeras.errors import (
    ConfigError,
    InputTypeError,
    LabelRangeError,
    NotBuiltError,
    did_you_mean,
)
from numkeras.layers.category_encoding import no_input_gradient
from numkeras.layers.farmhash import hash_bucket_fast, hash_bucket_strong
from numkeras.layers.layer import Layer, is_symbolic, shape_of
from numkeras.utils.checks import is_int

OUTPUT_MODES = ("int", "one_hot", "multi_hot", "count", "tf_idf")
OOV_METHODS = ("floormod", "farmhash")
_DROPPED = np.iinfo("int64").max  # the mask's index outside "int" mode: no output slot


def check_choice(value, allowed, arg: str, caller: str) -> None:
    """Raise ConfigError naming the valid choices (and the closest one) for a bad string."""
    if value in allowed:
        return
    hint = did_you_mean(value, [str(a) for a in allowed])
    raise ConfigError(
        f"{caller}: unknown `{arg}`={value!r}. Expected one of {list(allowed)}.{hint}"
    )


def listify(x):
    """Arrays to lists, for configs (Keras's `listify_tensors`)."""
    if isinstance(x, np.ndarray):
        return x.tolist()
    return x


def read_vocabulary_file(path: str) -> list[str]:
    """The lines of a vocabulary file, one token each (a trailing newline ends the last one;
    a trailing '\\r' is dropped, as TensorFlow's line reader does)."""
    if not os.path.exists(path):
        raise ConfigError(
            f"Vocabulary file {path} does not exist. Pass a list of tokens or the path of an "
            "existing text file with one token per line."
        )
    with open(path, encoding="utf-8") as f:
        text = f.read()
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    return [line[:-1] if line.endswith("\r") else line for line in lines]


class IndexLookup(Layer):
    """Shared logic of `StringLookup` and `IntegerLookup` (not meant to be used directly).

    >>> import numpy as np
    >>> from numkeras.layers.string_lookup import StringLookup
    >>> StringLookup(vocabulary=["a", "b"])(np.array(["b", "z", "a"]))
    array([2, 0, 1])
    """

    integer_inputs = "own"  # (reads integer ids itself)

    _string_tokens = True  # StringLookup: str tokens; IntegerLookup: int tokens

    def __init__(
        self,
        max_tokens,
        num_oov_indices,
        mask_token,
        oov_token,
        vocabulary_dtype,
        vocabulary=None,
        idf_weights=None,
        invert=False,
        output_mode="int",
        sparse=False,
        pad_to_max_tokens=False,
        oov_method="floormod",
        name=None,
        salt=None,
        **kwargs,
    ):
        caller = type(self).__name__
        if max_tokens is not None and (not is_int(max_tokens) or max_tokens <= 1):
            raise ConfigError(
                f"If set, `max_tokens` must be an integer greater than 1. Received: "
                f"max_tokens={max_tokens!r}"
            )
        if pad_to_max_tokens and max_tokens is None:
            raise ConfigError(
                "If pad_to_max_tokens is True, must set `max_tokens`. Received: max_tokens=None"
            )
        if not is_int(num_oov_indices) or num_oov_indices < 0:
            raise ConfigError(
                "`num_oov_indices` must be an integer greater than or equal to 0. Received: "
                f"num_oov_indices={num_oov_indices!r}"
            )
        check_choice(oov_method, OOV_METHODS, "oov_method", caller)
        if salt is not None:
            if vocabulary_dtype != "string" and oov_method != "farmhash":
                raise ConfigError(
                    "`salt` can only be used when `oov_method='farmhash'`. "
                    f"Received: oov_method={oov_method}"
                )
            salt = _check_salt(salt, caller)
        if output_mode == "binary":
            output_mode = "multi_hot"
        if output_mode == "tf-idf":
            output_mode = "tf_idf"
        check_choice(output_mode, OUTPUT_MODES, "output_mode", caller)
        if invert and output_mode != "int":
            raise ConfigError(
                "`output_mode` must be `'int'` when `invert` is true. "
                f"Received: output_mode={output_mode}"
            )
        if sparse:
            raise ConfigError(
                f"{caller}(sparse=True) is not supported by numkeras (it has no sparse arrays); "
                "use sparse=False for dense outputs."
            )
        if idf_weights is not None and output_mode != "tf_idf":
            raise ConfigError(
                "`idf_weights` should only be set if `output_mode` is `'tf_idf'`. Received: "
                f"output_mode={output_mode}"
            )
        frozen = kwargs.pop("vocabulary_size", None)
        has_input_vocabulary = kwargs.pop("has_input_vocabulary", vocabulary is not None)
        kwargs.pop("dtype", None)  # (Keras ignores it: outputs are int64 or float32)
        trainable = kwargs.pop("trainable", True)
        super().__init__(name=name, trainable=trainable, **kwargs)
        self.invert = bool(invert)
        self.max_tokens = max_tokens
        self.num_oov_indices = int(num_oov_indices)
        self.mask_token = mask_token
        self.oov_token = oov_token
        self.output_mode = output_mode
        self.sparse = False
        self.pad_to_max_tokens = bool(pad_to_max_tokens)
        self.vocabulary_dtype = vocabulary_dtype
        self.oov_method = oov_method
        self.salt = salt
        self._frozen_vocab_size = frozen
        # as Keras: a list vocabulary goes in the config, a file path does not
        self.input_vocabulary = vocabulary if not isinstance(vocabulary, str) else None
        self.input_idf_weights = idf_weights
        self._has_input_vocabulary = bool(has_input_vocabulary)
        self._tokens: list = []
        self._set_lookup(self._tokens)
        self.idf_weights = None
        if output_mode == "tf_idf":
            if self._has_input_vocabulary and idf_weights is None:
                raise ConfigError(
                    "When specifying the `vocabulary` argument, in TF-IDF output mode, the "
                    "`idf_weights` argument must also be provided."
                )
            if idf_weights is not None:
                self.idf_weights = np.asarray(idf_weights, dtype=backend.floatx())
        if vocabulary is not None:
            self.set_vocabulary(vocabulary, idf_weights)
        self._reset_counts()
        self.built = True

    # -- indices ----------------------------------------------------------------------------
    def _oov_start_index(self) -> int:
        return 1 if self.mask_token is not None and self.output_mode == "int" else 0

    def _token_start_index(self) -> int:
        return self._oov_start_index() + self.num_oov_indices

    def vocabulary_size(self) -> int:
        """The number of indices the layer uses: tokens plus mask and OOV indices."""
        return len(self._tokens) + self._token_start_index()

    def get_vocabulary(self, include_special_tokens: bool = True) -> list:
        """The vocabulary, a token's position being its index when `include_special_tokens`
        (the mask and OOV tokens first); without them, the learned tokens only."""
        if not include_special_tokens:
            return list(self._tokens)
        special = [self.mask_token] * self._oov_start_index()
        return special + [self.oov_token] * self.num_oov_indices + list(self._tokens)

    # -- vocabulary -------------------------------------------------------------------------
    def _normalize_tokens(self, values) -> list:
        """Vocabulary entries as Python tokens (str or int)."""
        raise NotImplementedError

    def set_vocabulary(self, vocabulary, idf_weights=None) -> None:
        """Set the vocabulary (a list, tuple, 1-D array, or the path of a text file with one
        token per line) and, for output_mode="tf_idf", the matching `idf_weights`."""
        if self.output_mode == "tf_idf":
            if idf_weights is None:
                raise ConfigError("`idf_weights` must be set if output_mode is 'tf_idf'.")
        elif idf_weights is not None:
            raise ConfigError(
                "`idf_weights` should only be set if output_mode is `'tf_idf'`. Received: "
                f"output_mode={self.output_mode} and idf_weights={idf_weights}"
            )
        if isinstance(vocabulary, (str, os.PathLike)):
            if self.output_mode == "tf_idf":
                raise ConfigError(
                    "output_mode `'tf_idf'` does not support loading a vocabulary from file; "
                    "pass the vocabulary as a list."
                )
            # (as Keras: the file's lines are the tokens; no special tokens are looked for)
            tokens = self._normalize_tokens(read_vocabulary_file(os.fspath(vocabulary)))
            self._set_lookup(tokens)
            self._record_vocabulary_size()
            return
        vocabulary = self._normalize_tokens(vocabulary)
        if len(vocabulary) == 0:
            raise ConfigError(f"Cannot set an empty vocabulary. Received: vocabulary={vocabulary}")
        token_start = self._token_start_index()
        special = [self.mask_token] * self._oov_start_index()
        special += [self.oov_token] * self.num_oov_indices
        found_special = list(vocabulary[:token_start]) == special
        tokens = vocabulary[token_start:] if found_special else vocabulary
        repeated = [t for t, c in collections.Counter(tokens).items() if c > 1]
        if repeated:
            raise ConfigError(
                "The passed vocabulary has at least one repeated term. Please uniquify your "
                f"dataset. The repeated terms are: {repeated}"
            )
        for token, what, label in (
            (self.mask_token, "mask_token", "mask"),
            (self.oov_token, "oov_token", "OOV"),
        ):
            if token is None or token not in tokens:
                continue
            if what == "oov_token" and not self.invert:
                continue  # (as Keras: the OOV token is only reserved when inverting)
            index = len(vocabulary) - 1 - vocabulary[::-1].index(token)
            raise ConfigError(
                f"Found reserved {label} token at unexpected location in "
                "`vocabulary`. Note that passed `vocabulary` does not need to include the OOV "
                "and mask tokens. Either remove all mask and OOV tokens, or include them only "
                f"at the start of the vocabulary in precisely this order: {special}. "
                f"Received: {what}={token!r} at vocabulary index {index}"
            )
        if self.max_tokens is not None and token_start + len(tokens) > self.max_tokens:
            raise ConfigError(
                "Attempted to set a vocabulary larger than the maximum vocab size. Received "
                f"vocabulary size is {token_start + len(tokens)}; `max_tokens` is "
                f"{self.max_tokens}."
            )
        self._set_lookup(tokens)
        self._record_vocabulary_size()
        if self.output_mode == "tf_idf":
            weights = np.asarray(idf_weights, dtype="float64")
            if weights.ndim != 1:
                raise ConfigError(
                    f"TF-IDF data must be a 1-index array. Received shape {weights.shape}."
                )
            if len(vocabulary) != len(weights):
                raise ConfigError(
                    "`idf_weights` must be the same length as vocabulary. len(idf_weights) is "
                    f"{len(weights)}; len(vocabulary) is {len(vocabulary)}"
                )
            # special tokens have no document frequency: they get the average weight
            front = 0 if found_special else token_start
            front_value = 0.0 if found_special else float(np.average(weights))
            back = 0
            if self.pad_to_max_tokens and self.max_tokens is not None:
                back = self.max_tokens - front - len(weights)
            weights = np.pad(weights, (front, back), constant_values=(front_value, 0.0))
            self.idf_weights = weights.astype(backend.floatx())

    def _set_lookup(self, tokens: list) -> None:
        """Store the tokens and a sorted index of them for vectorized lookups."""
        self._tokens = list(tokens)
        start = self._token_start_index()
        if self._string_tokens:
            keys = np.array(self._tokens, dtype=str) if self._tokens else np.array([], dtype=str)
        else:
            keys = np.array(self._tokens, dtype="int64")
        order = np.argsort(keys, kind="stable")
        self._keys = keys[order]
        self._values = (order + start).astype("int64")

    def _record_vocabulary_size(self) -> None:
        new_size = self.vocabulary_size()
        if (
            self.output_mode != "int"
            and not self.pad_to_max_tokens
            and self._frozen_vocab_size is not None
            and new_size != self._frozen_vocab_size
        ):
            raise ConfigError(
                f"When using `output_mode={self.output_mode}` and `pad_to_max_tokens=False`, "
                "the vocabulary size cannot be changed after it is set (the output width "
                f"depends on it). Old vocab size is {self._frozen_vocab_size}, new vocab size "
                f"is {new_size}. Create a new layer, or use pad_to_max_tokens=True."
            )
        self._frozen_vocab_size = new_size

    # -- adapt ------------------------------------------------------------------------------
    def _reset_counts(self) -> None:
        self._token_counts: collections.Counter = collections.Counter()
        self._document_counts: collections.Counter = collections.Counter()
        self._num_documents = 0

    def reset_state(self) -> None:
        if self._has_input_vocabulary:
            return
        self._reset_counts()

    def adapt(self, data, steps=None) -> None:
        """Learn the vocabulary from `data`: an array or list (one batch; a 1-D one holds
        one token per document), or an iterable of batches (at most `steps` of them)."""
        self.reset_state()
        if isinstance(data, (list, tuple, np.ndarray, str, bytes)) or hasattr(data, "shape"):
            data = self._to_tokens(data)
            if data.ndim == 1:
                data = data[:, None]
            self.update_state(data)
        elif hasattr(data, "__iter__"):
            for i, batch in enumerate(data):
                if steps is not None and i >= steps:
                    break
                self.update_state(batch[0] if isinstance(batch, tuple) else batch)
        else:
            raise InputTypeError(
                f"`adapt` expects an array, a list of tokens, or an iterable of batches; "
                f"received {type(data).__name__}."
            )
        self.finalize_state()

    def update_state(self, data) -> None:
        """Count the tokens of one batch (rows are documents, for tf_idf)."""
        if self._has_input_vocabulary:
            raise ConfigError(
                f"Cannot adapt layer '{self.name}' after setting a static vocabulary via "
                "`vocabulary` argument or `set_vocabulary()` method. Create the layer without "
                "a vocabulary to adapt it."
            )
        self._update_rows(self._token_rows(data))

    def _update_rows(self, rows: list[list]) -> None:
        """Count the tokens of documents given as lists of Python tokens."""
        if self._has_input_vocabulary:
            raise ConfigError(
                f"Cannot adapt layer '{self.name}' after setting a static vocabulary via "
                "`vocabulary` argument or `set_vocabulary()` method. Create the layer without "
                "a vocabulary to adapt it."
            )
        for row in rows:
            self._token_counts.update(row)
        if self.output_mode == "tf_idf":
            for row in rows:
                self._document_counts.update(set(row))
            self._num_documents += len(rows)

    def _token_rows(self, data) -> list[list]:
        """A batch as a list of documents (lists of Python tokens); ragged lists allowed."""
        if isinstance(data, (list, tuple)) and data and isinstance(data[0], (list, tuple)):
            lengths = {len(r) for r in data}
            if len(lengths) > 1:  # ragged documents (Keras: a RaggedTensor)
                return [self._to_tokens(list(r)).reshape(-1).tolist() for r in data]
        arr = self._to_tokens(data)
        if arr.ndim <= 1:
            arr = arr.reshape(1, -1)  # as Keras: a rank-1 batch is one document
        return [row.reshape(-1).tolist() for row in arr]

    def finalize_state(self) -> None:
        if self._has_input_vocabulary or not self._token_counts:
            self._record_vocabulary_size()
            return
        counts = self._token_counts
        for special in (self.mask_token, self.oov_token):
            if special is not None:
                counts.pop(special, None)
        # count high to low, ties: token high to low (Keras: np.lexsort(...)[::-1])
        tokens = sorted(counts, key=lambda t: (counts[t], t), reverse=True)
        if self.max_tokens:
            tokens = tokens[: self.max_tokens - self._token_start_index()]
        self._set_lookup(tokens)
        if self.output_mode == "tf_idf":
            df = np.array([self._document_counts[t] for t in tokens], dtype="float64")
            idf = np.log(1.0 + self._num_documents / (1.0 + df)).astype(backend.floatx())
            idf = np.pad(idf, (self._token_start_index(), 0), constant_values=idf.mean())
            if self.pad_to_max_tokens and self.max_tokens is not None:
                idf = np.pad(idf, (0, self.max_tokens - idf.size))
            self.idf_weights = idf.astype(backend.floatx())
        self.reset_state()
        self._record_vocabulary_size()

    # -- call -------------------------------------------------------------------------------
    def _to_tokens(self, inputs) -> np.ndarray:
        """Inputs as an array of tokens (str or int64)."""
        raise NotImplementedError

    def _to_indices(self, inputs) -> np.ndarray:
        """Inputs of an inverting layer: int64 indices (whole floats accepted)."""
        arr = _as_array(inputs, type(self).__name__)
        if arr.dtype.kind == "f":
            if not np.all(np.isfinite(arr)) or not np.all(arr == np.floor(arr)):
                raise InputTypeError(
                    f"Layer '{self.name}' (invert=True) expects integer indices, but received "
                    "non-integer values."
                )
        elif arr.dtype.kind not in "iu":
            raise InputTypeError(
                f"Layer '{self.name}' (invert=True) expects integer indices, received dtype "
                f"{arr.dtype}."
            )
        return arr.astype("int64")

    def __call__(self, inputs, training=None, **kwargs):
        if is_symbolic(inputs):
            return self._call_symbolic(inputs, training=training, **kwargs)
        return self.call(inputs)

    def _call_symbolic(self, inputs, training=None, **kwargs):
        from numkeras.layers.keras_tensor import Node

        in_shape = shape_of(inputs)
        self._build_input_shape = in_shape
        out_shape = self.compute_output_shape(in_shape)
        node = Node(self, inputs, out_shape, training=training, dtype=self._output_dtype())
        return node.outputs_structure

    def _output_dtype(self) -> str:
        if self.output_mode != "int":
            return backend.floatx()
        if self.invert:
            return "string" if self._string_tokens else "int64"
        return "int64"

    def _ensure_known_vocab_size(self) -> None:
        if self.output_mode == "int" or self.pad_to_max_tokens:
            return
        if self._frozen_vocab_size is None:
            raise NotBuiltError(
                f"When using `output_mode={self.output_mode}` and `pad_to_max_tokens=False`, "
                "you must set the layer's vocabulary before calling it. Either pass a "
                "`vocabulary` argument to the layer, or call `adapt` with some sample data."
            )

    def call(self, inputs, training: bool = False):
        return to_backend(self._call_numpy(inputs))

    def _call_numpy(self, inputs) -> np.ndarray:
        self._ensure_known_vocab_size()
        if self.invert:
            return self._invert(self._to_indices(inputs))
        tokens = self._to_tokens(inputs)
        scalar = tokens.ndim == 0
        if scalar:
            tokens = tokens.reshape(1)
        ids = self._lookup(tokens)
        if self.output_mode == "int":
            return ids.reshape(()) if scalar else ids
        depth = self.max_tokens if self.pad_to_max_tokens else self._frozen_vocab_size
        return self._encode(ids, depth)

    def _lookup(self, tokens: np.ndarray) -> np.ndarray:
        # (NumPy, not backend.xp: string arrays live on the host)
        # 0 or 2+ OOV indices: -1 marks the unknown, handled below
        default = self._oov_start_index() if self.num_oov_indices == 1 else -1
        ids = np.full(tokens.shape, default, dtype="int64")
        if self._keys.size:
            pos = np.minimum(np.searchsorted(self._keys, tokens), self._keys.size - 1)
            found = self._keys[pos] == tokens
            ids = np.where(found, self._values[pos], ids)
        if self.mask_token is not None:
            mask_id = 0 if self.output_mode == "int" else _DROPPED
            ids = np.where(tokens == self.mask_token, mask_id, ids)
        if self.num_oov_indices == 0:
            unknown = ids == -1
            if unknown.any():
                bad = tokens[unknown][:5].tolist()
                raise LabelRangeError(
                    f"Layer '{self.name}': when `num_oov_indices=0` all inputs should be in "
                    f"vocabulary, found OOV values {bad}; consider setting "
                    "`num_oov_indices=1` (or add them to the vocabulary)."
                )
        elif self.num_oov_indices > 1:
            unknown = ids == -1
            if unknown.any():
                ids[unknown] = self._oov_bucket(tokens[unknown]) + self._oov_start_index()
        return ids

    def _oov_bucket(self, tokens: np.ndarray) -> np.ndarray:
        n = self.num_oov_indices
        if not self._string_tokens and self.oov_method != "farmhash":
            return np.mod(tokens, n)  # floormod, as tf.math.floormod
        values = tokens.tolist() if self._string_tokens else [str(t) for t in tokens.tolist()]
        if self.salt is not None:
            return hash_bucket_strong(values, n, self.salt)
        return hash_bucket_fast(values, n)

    def _invert(self, ids: np.ndarray) -> np.ndarray:
        vocab = self.get_vocabulary() + [self.oov_token]
        if any(v is None for v in vocab):
            table = np.array(vocab, dtype=object)
        else:
            table = np.array(vocab, dtype=str if self._string_tokens else "int64")
        # indices out of range give the OOV token, as Keras's table default
        valid = (ids >= 0) & (ids < len(vocab) - 1)
        return table[np.where(valid, ids, len(vocab) - 1)]

    def _encode(self, ids: np.ndarray, depth: int) -> np.ndarray:
        """Keras's `encode_categorical_inputs` for looked-up ids (the mask's id, out of
        range, gives no slot)."""
        dtype = backend.floatx()
        if self.output_mode == "one_hot":
            if ids.ndim > 1 and ids.shape[-1] == 1:
                ids = ids.reshape(ids.shape[:-1])
            return (ids[..., None] == np.arange(depth)).astype(dtype)
        hot = ids[..., None] == np.arange(depth)
        if self.output_mode == "multi_hot":
            out = hot.any(axis=-2).astype(dtype)
        else:
            out = hot.sum(axis=-2).astype(dtype)
        if self.output_mode == "tf_idf":
            if self.idf_weights is None:
                raise NotBuiltError(
                    "When `output_mode` is `'tf_idf'`, `idf_weights` must be provided: pass "
                    "`idf_weights=` with the vocabulary, or call `adapt`."
                )
            if self.idf_weights.shape[0] != depth:
                raise ConfigError(
                    f"Layer '{self.name}': `idf_weights` has {self.idf_weights.shape[0]} "
                    f"entries but the output has {depth} slots (one per vocabulary index)."
                )
            out = out * self.idf_weights
        return out

    def compute_output_shape(self, input_shape):
        input_shape = tuple(input_shape)
        if self.output_mode == "int":
            return input_shape
        depth = self.max_tokens if self.pad_to_max_tokens else self._frozen_vocab_size
        if self.output_mode == "one_hot":
            if len(input_shape) > 1 and input_shape[-1] == 1:
                return input_shape[:-1] + (depth,)
            return input_shape + (depth,)
        return input_shape[:-1] + (depth,)

    def forward(self, inputs, training: bool = True):
        return self.call(inputs), None

    def backward(self, cache, grad_output, need_input_grad: bool = True):
        if need_input_grad:
            no_input_gradient(self)
        return None

    # -- saving -----------------------------------------------------------------------------
    def get_config(self) -> dict:
        config = {
            "invert": self.invert,
            "max_tokens": self.max_tokens,
            "num_oov_indices": self.num_oov_indices,
            "oov_token": self.oov_token,
            "mask_token": self.mask_token,
            "output_mode": self.output_mode,
            "sparse": self.sparse,
            "pad_to_max_tokens": self.pad_to_max_tokens,
            "vocabulary_dtype": self.vocabulary_dtype,
            "idf_weights": listify(self.input_idf_weights),
            "vocabulary": listify(self.input_vocabulary),
            "vocabulary_size": self._frozen_vocab_size,
            "oov_method": self.oov_method,
            "salt": self.salt,
        }
        return {**super().get_config(), **config}

    def get_build_config(self):
        return {}

    def save_own_variables(self, store) -> None:
        """As Keras: the tf_idf weights are the layer's one saved variable."""
        if self.output_mode == "tf_idf":
            store["idf_weights"] = np.asarray(self.idf_weights)

    def load_own_variables(self, store) -> None:
        if self.output_mode == "tf_idf":
            self.idf_weights = np.asarray(store["idf_weights"], dtype=backend.floatx())

    def save_assets(self, dir_path: str) -> None:
        """As Keras: an adapted (or file-given) vocabulary is written to
        `dir_path/vocabulary.txt`, one token a line (a list vocabulary is in the config)."""
        if self.input_vocabulary is not None:
            return
        with open(os.path.join(dir_path, "vocabulary.txt"), "w", encoding="utf-8") as f:
            f.write("\n".join(str(w) for w in self.get_vocabulary(include_special_tokens=True)))

    def load_assets(self, dir_path: str) -> None:
        if self.input_vocabulary is not None:
            return
        with open(os.path.join(dir_path, "vocabulary.txt"), encoding="utf-8") as f:
            lines = f.read().splitlines()
        while lines and lines[-1] == "":
            lines.pop()
        values = lines if self._string_tokens else [int(v) for v in lines]
        if self.output_mode == "tf_idf":  # (the weights, loaded first, cover every index)
            self.set_vocabulary(values, idf_weights=self.idf_weights)
        else:
            self.set_vocabulary(values)

    def _repr_args(self) -> str:
        args = f"vocabulary_size={self.vocabulary_size()}"
        if self.output_mode != "int":
            args += f", output_mode={self.output_mode!r}"
        if self.invert:
            args += ", invert=True"
        return args


def to_backend(out: np.ndarray):
    """Numeric outputs as `backend.xp` arrays (CuPy when swapped in), so the layers after
    get their array type; strings stay NumPy (they live on the host)."""
    return backend.xp.asarray(out) if out.dtype.kind in "iuf" else out


def _check_salt(salt, caller: str) -> list:
    if isinstance(salt, (tuple, list)) and len(salt) == 2 and all(is_int(s) for s in salt):
        return [int(s) for s in salt]
    if is_int(salt):
        return [int(salt), int(salt)]
    raise ConfigError(
        f"The `salt` argument for `{caller}` can only be a tuple of 2 integers, or a single "
        f"integer. Received: salt={salt!r}."
    )


def _as_array(inputs, caller: str) -> np.ndarray:
    """Any array-like (NumPy, CuPy, list) as a NumPy array; ragged lists refused."""
    if hasattr(inputs, "get") and not isinstance(inputs, (np.ndarray, dict)):
        inputs = backend.to_numpy(inputs)  # (a CuPy array)
    try:
        arr = np.asarray(inputs)
    except ValueError:
        arr = None
    if arr is None or (arr.dtype.kind == "O" and _is_ragged(inputs)):
        raise InputTypeError(
            f"{caller} received ragged lists (rows of different lengths), which a dense array "
            "cannot hold (Keras refuses them too without tf.ragged). Pad the rows to one "
            "length (e.g. with the mask token) or call the layer on each row."
        )
    return arr


def _is_ragged(x) -> bool:
    return isinstance(x, (list, tuple)) and any(isinstance(r, (list, tuple)) for r in x)
