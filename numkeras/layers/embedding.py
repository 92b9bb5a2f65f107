"""`Embedding(input_dim, output_dim)`: integer indices -> rows of a trainable
`(input_dim, output_dim)` table, as Keras 3: input `(batch, ...)` gives
`(batch, ..., output_dim)`.

Indices arrive as integers (a direct call on an integer array) or, inside a model, as the
float32 values numkeras feeds an `Input(dtype="int32")` to its layers: as Keras, they are
cast to integers (toward zero). An index outside `[0, input_dim)` raises a
`LabelRangeError` (a ValueError and an IndexError) naming it, where Keras's JAX backend
would silently return NaN (too large) or wrap around (negative). Float32 holds integers
exactly only up to 2**24, so larger indices must come as an integer array (a direct call).

The backward pass scatter-adds the output gradient into the table's gradient (an index
used several times sums its gradients); indices have no gradient.

With `mask_zero=True`, index 0 is padding: the output carries the mask `ids != 0`
(`compute_mask`), which the layers after it use or pass on (recurrent layers skip the
padded steps; the loss and the mean metrics leave them out), as Keras 3.

LoRA, as Keras 3's (`enable_lora(rank)` or `lora_rank=`, `layers/lora.py`): the table
frozen, factors `lora_embeddings_a` `(input_dim, rank)` and `lora_embeddings_b`
`(rank, output_dim)` trained; `layer.embeddings` and the files hold the merged table.

int8 quantization, as Keras 3's (`quantize("int8")`, `layers/quantization.py`): the
table becomes a frozen int8 `embeddings` and a per-row `embeddings_scale`.

>>> import numpy as np
>>> Embedding(1000, 64)(np.array([[4, 20, 7]])).shape
(1, 3, 64)
>>> Embedding(10, 2, mask_zero=True).compute_mask(np.array([[4, 2, 0, 0]]))
array([[ True,  True, False, False]])
"""

from __future__ import annotations

import numpy as np

from numkeras import backend, constraints, initializers, regularizers
from numkeras.backend import fused
from numkeras.errors import ConfigError, InputTypeError, LabelRangeError, warn_deprecated
from numkeras.layers import autocast, lora, quantization
from numkeras.layers.layer import (
    Layer,
    _traced_backward,
    is_symbolic,
    set_array_mask,
    traced_constant,
)
from numkeras.utils.checks import is_int

_EXACT_FLOAT32 = 2**24  # float32 represents every integer up to this


class Embedding(quantization.Quantizable, Layer):
    integer_inputs = "own"  # (reads integer ids itself)

    def __init__(
        self,
        input_dim: int,
        output_dim: int,
        embeddings_initializer="uniform",
        embeddings_regularizer=None,
        embeddings_constraint=None,
        mask_zero: bool = False,
        weights=None,
        lora_rank=None,
        lora_alpha=None,
        quantization_config=None,
        **kwargs,
    ):
        for name, value in (("input_dim", input_dim), ("output_dim", output_dim)):
            if not is_int(value) or value <= 0:
                raise ConfigError(
                    f"`{name}` must be a positive integer. Received: {name}={value!r} "
                    f"(of type {type(value).__name__})."
                )
        lora.check_rank(lora_rank)
        if lora_rank:
            self._check_lora_supported()
        quantization.check_config(quantization_config)
        # (a quantized policy, from a quantized layer's config: build makes int8 weights)
        quantization_mode, kwargs["dtype"] = quantization.split_dtype(kwargs.get("dtype"))
        input_length = kwargs.pop("input_length", None)
        if input_length is not None:
            warn_deprecated("Embedding's argument `input_length` is deprecated. Just remove it.")
            # Keras 2 made it the input shape of a first layer (`Sequential([Embedding(
            # 1000, 32, input_length=80), Flatten(), ...])` is built at once); Keras 3
            # ignores it, leaving such a model unbuilt
            if not {"input_shape", "batch_input_shape", "input_dim"} & set(kwargs):
                length = input_length if isinstance(input_length, (list, tuple)) else [input_length]
                kwargs["input_shape"] = tuple(length)
        super().__init__(**kwargs)
        self.input_dim = int(input_dim)
        self.output_dim = int(output_dim)
        self.embeddings_initializer = initializers.get(embeddings_initializer)
        self.embeddings_regularizer = regularizers.get(embeddings_regularizer)
        self.embeddings_constraint = constraints.get(embeddings_constraint)
        self.mask_zero = bool(mask_zero)
        self.supports_masking = self.mask_zero  # (Keras: only a masking Embedding)
        self._embeddings = None
        self.lora_rank = lora_rank
        self.lora_alpha = lora_alpha if lora_alpha is not None else lora_rank
        self.lora_enabled = False
        self._quantization_mode = quantization_mode  # ("int8" once quantized)
        if weights is not None:  # Keras's initial table (one array, or a list of one)
            self.build()
            if not (isinstance(weights, list) and len(weights) == 1):
                weights = [weights]
            self.set_weights(weights)

    @property
    def embeddings(self):
        """The table `Variable`; with LoRA enabled, the table the layer computes with (an
        array in the compute dtype: the frozen table plus the scaled factors' product)."""
        if self._embeddings is None:  # as Keras: AttributeError, so hasattr() is False
            raise AttributeError(
                f"Layer '{self.name}' is not built yet, so it has no `embeddings`: you must "
                "build the layer before accessing it (call it on data or an Input, or "
                "`layer.build(input_shape)`)."
            )
        if not self.lora_enabled:
            return self._embeddings
        a, b = self.lora_embeddings_a, self.lora_embeddings_b
        table = self._embeddings
        if self.quantization_mode is not None:  # (Keras's: the int8 values plus the update)
            table = table.value.astype(self.compute_dtype)
        return lora.merged_tensor(table, a, b, self.lora_alpha, self.lora_rank, self.compute_dtype)

    def _embeddings_value(self):
        """The table's values as the layer uses them (LoRA's update merged in)."""
        table = self._embeddings.value
        if self.quantization_mode is not None:  # (taking rows, then dividing: the same)
            scale = self.embeddings_scale.value[:, None]
            table = quantization.dequantized(table, scale, self.embeddings_scale.dtype)
        if not self.lora_enabled:
            return table
        a, b = self.lora_embeddings_a.value, self.lora_embeddings_b.value
        return lora.merged(table, a, b, self.lora_alpha, self.lora_rank)

    def enable_lora(
        self, rank: int, lora_alpha: float | None = None, a_initializer="he_uniform",
        b_initializer="zeros",
    ) -> None:  # fmt: skip
        """Freeze the table and train a rank-`rank` update of it instead (LoRA): the
        factors `lora_embeddings_a` `(input_dim, rank)` (drawn from `a_initializer`) and
        `lora_embeddings_b` `(rank, output_dim)` (zeros, so the layer starts unchanged),
        scaled by `lora_alpha / rank` (`lora_alpha` defaults to `rank`).

        >>> layer = Embedding(10, 3)
        >>> layer.build()
        >>> layer.enable_lora(2)
        >>> [w.name for w in layer.trainable_weights]
        ['lora_embeddings_a', 'lora_embeddings_b']
        """
        self._check_lora_supported()
        lora.check_enable(self, self.embeddings_constraint, "embeddings")
        self._add_lora_factors(rank, lora_alpha, a_initializer, b_initializer)

    def _check_lora_supported(self) -> None:
        # a subclass with gradients of its own would leave the factors out of them: no
        # LoRA there, unless its backward feeds them (names itself `_lora_backward`) or
        # traces its `call` (which reads the merged `embeddings` through numkeras.ops)
        backward = type(self).backward
        if backward is not type(self)._lora_backward and backward is not _traced_backward:
            raise ConfigError(f"numkeras's {type(self).__name__} has no LoRA (lora_rank).")

    def _add_lora_factors(self, rank, lora_alpha, a_initializer, b_initializer) -> None:
        lora.check_rank(rank, "rank")
        dtype = lora.factor_dtype(self)
        self.lora_embeddings_a = self.add_weight(
            (self.input_dim, rank), initializer=initializers.get(a_initializer),
            name="lora_embeddings_a", dtype=dtype, regularizer=self.embeddings_regularizer,
        )  # fmt: skip
        self.lora_embeddings_b = self.add_weight(
            (rank, self.output_dim), initializer=initializers.get(b_initializer),
            name="lora_embeddings_b", dtype=dtype, regularizer=self.embeddings_regularizer,
        )  # fmt: skip
        lora.freeze(self, self._embeddings, rank, lora_alpha)

    def _saved_variables(self) -> list:
        # (Keras's layer saves these by name: a subclass's extra variables are its own;
        # with LoRA, Keras saves the merged table and no factors)
        variables = self._named_variables("_embeddings", "embeddings_scale")
        if self.lora_enabled and variables:
            factors = (self.lora_embeddings_a, self.lora_embeddings_b)
            if self.quantization_mode is None:
                value = self._embeddings_value
                variables[0] = lora.MergedWeight(self._embeddings, value, factors)
            else:  # (int8: Keras saves the merged table quantized again, with its scale)
                table = lora.MergedWeight(variables[0], lambda: self._requantized()[0], factors)
                scale = lora.MergedWeight(variables[1], lambda: self._requantized()[1], factors)
                variables[:2] = [table, scale]
        return variables

    def _requantized(self):
        """An int8 LoRA layer's merged table (dequantized table plus the update),
        quantized again per row: `(int8 table, scale)`, as Keras saves them."""
        table_q, scale = quantization.abs_max_quantize(self._embeddings_value(), axis=-1)
        return table_q, scale[:, 0]

    def build(self, input_shape=None) -> None:
        self._add_weights()
        if self.lora_rank:  # (Keras's build enables it with the rank only: see README)
            lora.check_enable(self, self.embeddings_constraint, "embeddings", built=True)
            self._add_lora_factors(self.lora_rank, self.lora_alpha, "he_uniform", "zeros")

    def _add_weights(self) -> None:
        """The layer's own weights (a subclass adds its own after the table, so that
        LoRA's factors come last, as `enable_lora` on the built layer adds them)."""
        if self.quantization_mode is not None:
            self._int8_build()
            return
        self._embeddings = self.add_weight(
            (self.input_dim, self.output_dim),
            initializer=self.embeddings_initializer,
            name="embeddings",
            regularizer=self.embeddings_regularizer,
            constraint=self.embeddings_constraint,
        )

    def quantize(self, mode: str | None = None, type_check: bool = True, config=None) -> None:
        """Quantize the table to int8, Keras 3's post-training quantization: abs-max per
        row (over `output_dim`), `embeddings` a frozen int8 weight and `embeddings_scale`
        its frozen per-row scale; the policy becomes `"int8_from_<policy>"`. Only "int8"
        is computed here.

        >>> layer = Embedding(10, 3)
        >>> layer.build()
        >>> layer.quantize("int8")
        >>> [(w.name, str(w.dtype), w.trainable) for w in layer.weights]
        [('embeddings', 'int8', False), ('embeddings_scale', 'float32', False)]
        """
        quantization.check_quantize(self, mode, type_check, Embedding, config)
        # (with LoRA, as Keras: the frozen table is quantized, the factors stay)
        table_q, scale = quantization.abs_max_quantize(self._embeddings.value, axis=-1)
        quantization.untrack(self, self._embeddings)
        self._int8_build()
        self._embeddings.assign(table_q)
        self.embeddings_scale.assign(scale[:, 0])
        self._quantization_mode = mode

    def _int8_build(self) -> None:
        self._embeddings = self.add_weight(
            (self.input_dim, self.output_dim), initializer="zeros", dtype="int8",
            trainable=False, name="embeddings",
        )  # fmt: skip
        self.embeddings_scale = self.add_weight(
            (self.input_dim,), initializer="ones", trainable=False, name="embeddings_scale"
        )

    def _reset_build_state(self) -> None:
        self._embeddings = None
        self.lora_enabled = False

    def compute_output_shape(self, input_shape):
        return (*tuple(input_shape), self.output_dim)

    def _makes_mask(self) -> bool:
        return self.mask_zero

    def compute_mask(self, inputs, mask=None):
        """`inputs != 0` with `mask_zero=True` (index 0 is padding), else None."""
        if not self.mask_zero:
            return None
        return backend.xp.asarray(inputs) != 0

    def __call__(self, inputs, training=None, **kwargs):
        constant = traced_constant(inputs)
        if constant is not None:  # ids given inside a traced call (a position embedding)
            return super().__call__(constant, training=training, **kwargs)
        # integer arrays stay integers (the base class would cast them to float32)
        one_list = isinstance(inputs, (list, tuple)) and inputs and not hasattr(inputs[0], "shape")
        if not is_symbolic(inputs) and (hasattr(inputs, "dtype") or one_list):
            arr = backend.xp.asarray(inputs)
            if arr.dtype.kind in "iub":
                self._maybe_build(tuple(arr.shape))
                with autocast.half_weights(self):
                    out = self.call(arr)
                if self._mixed:
                    out = autocast.to_half(out)
                if self.activity_regularizer is not None:
                    self._record_activity([out])
                if self.mask_zero:  # (for the next direct call, as Keras's masks)
                    out = set_array_mask(out, self.compute_mask(arr))
                return out
        return super().__call__(inputs, training=training, **kwargs)

    def _indices(self, inputs):
        """The inputs as int64 indices (floats truncated toward zero, as Keras's cast),
        checked against `[0, input_dim)`."""
        xp = backend.xp
        if inputs.dtype.kind == "f":
            if inputs.size and not bool(xp.isfinite(inputs).all()):
                raise InputTypeError(
                    f"Layer '{self.name}' (Embedding) received NaN or infinite indices."
                )
            if inputs.dtype.itemsize <= 4 and inputs.size:
                big = float(xp.abs(inputs).max())
                if big > _EXACT_FLOAT32:
                    raise LabelRangeError(
                        f"Layer '{self.name}' (Embedding) received index {big:.0f} as a "
                        f"{inputs.dtype} value, which cannot hold integers above 2**24 "
                        "exactly. Call the layer on an integer array instead."
                    )
        elif inputs.dtype.kind not in "iub":
            raise InputTypeError(
                f"Layer '{self.name}' (Embedding) needs integer indices; got dtype {inputs.dtype}."
            )
        idx = inputs.astype(xp.int64)
        if idx.size:
            low, high = int(idx.min()), int(idx.max())
            if low < 0 or high >= self.input_dim:
                bad = low if low < 0 else high
                raise LabelRangeError(
                    f"Layer '{self.name}' (Embedding) received index {bad}, outside its "
                    f"vocabulary [0, {self.input_dim}) (input_dim={self.input_dim}). Indices "
                    f"must be integers from 0 to {self.input_dim - 1}; enlarge input_dim or "
                    "map unknown tokens to a reserved index."
                )
        return idx

    def call(self, inputs, training: bool = False):
        return backend.xp.take(self._embeddings_value(), self._indices(inputs), axis=0)

    def forward(self, inputs, training: bool = True):
        idx = self._indices(inputs)
        return backend.xp.take(self._embeddings_value(), idx, axis=0), idx

    def backward(self, cache, grad_output, need_input_grad: bool = True):
        if self.lora_enabled:  # (the frozen table gets no gradient: the factors do)
            a, b = self.lora_embeddings_a, self.lora_embeddings_b
            if a.wants_grad or b.wants_grad:
                table = self._table_grad(cache, grad_output)
                lora.add_factor_grads(a, b, table, self.lora_alpha, self.lora_rank)
        elif self._embeddings.wants_grad:
            self._embeddings.add_grad(self._table_grad(cache, grad_output))
        return None  # indices have no gradient

    _lora_backward = backward  # (this backward feeds LoRA's factors)

    def _table_grad(self, idx, grad_output):
        """The table's gradient: each output row's gradient added into its index's row."""
        table = backend.xp.zeros(self._embeddings.shape, grad_output.dtype)
        _scatter_add(table, idx.reshape(-1), grad_output.reshape(-1, self.output_dim))
        return table

    def get_config(self) -> dict:
        config = {
            **super().get_config(),
            "input_dim": self.input_dim,
            "output_dim": self.output_dim,
            "embeddings_initializer": initializers.serialize(self.embeddings_initializer),
            "embeddings_regularizer": regularizers.serialize(self.embeddings_regularizer),
            "activity_regularizer": regularizers.serialize(self.activity_regularizer),
            "embeddings_constraint": constraints.serialize(self.embeddings_constraint),
            "mask_zero": self.mask_zero,
            "quantization_config": self._quantization_config(),
        }
        if self.lora_rank:
            config.update(lora_rank=self.lora_rank, lora_alpha=self.lora_alpha)
        return config

    def _repr_args(self) -> str:
        return f"{self.input_dim}, {self.output_dim}"


def _scatter_add(table, index, rows) -> None:
    """`table[index[i]] += rows[i]` for every i, repeated indices summed."""
    xp = backend.xp
    if xp is np:
        if fused.run("scatter_add_rows", table, index, rows) != 0:  # (0: all added)
            np.add.at(table, index, rows)
        return
    import cupyx  # CuPy: its scatter_add is the same operation

    cupyx.scatter_add(table, index, rows)
