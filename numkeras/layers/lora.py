"""LoRA (low-rank adaptation) as Keras 3's `Dense`, `EinsumDense`, `Embedding` (and
`ReversibleEmbedding`) and `Conv1D/2D/3D` have it: the layer's weight `w` (last axis
`units`) is frozen and two trainable factors, `a` `(*w.shape[:-1], rank)` and `b`
`(rank, units)`, learn an update; the layer computes with `w + (lora_alpha / rank) * a @ b`
(the matmul over `a`'s last axis), which `layer.kernel` (`layer.embeddings`) returns and
saving writes as the weight.

The helpers here are what the layers share: the checks `enable_lora` makes, the factors'
dtype, the merged value, the factors' gradients from the merged weight's, and the stand-in
saving sees for the weight.
"""

from __future__ import annotations

from numkeras import backend, initializers
from numkeras.errors import ConfigError
from numkeras.utils.checks import is_int


def check_rank(rank, name: str = "lora_rank") -> None:
    """`lora_rank=` may be None or 0 (no LoRA, as Keras's `if self.lora_rank`); `rank`
    for `enable_lora` must be positive (Keras would divide by zero)."""
    if rank is None or (rank == 0 and name == "lora_rank" and is_int(rank)):
        return
    if not is_int(rank) or rank <= 0:
        raise ConfigError(f"`{name}` must be a positive integer, received {rank!r}.")


def check_enable(layer, constraint, what: str = "kernel", built: bool | None = None) -> None:
    """Keras's `enable_lora` checks (its messages): no constraint on the weight, a built
    layer, LoRA not enabled yet. `built` overrides `layer.built` (a layer's own `build`,
    before the layer counts as built)."""
    if constraint:
        arg = "embeddings_constraint" if what == "embeddings" else "kernel_constraint"
        kind = "embedding" if what == "embeddings" else "kernel"
        raise ConfigError(
            f"Lora is incompatible with {kind} constraints. In order to enable lora on this "
            f"layer, remove the `{arg}` argument."
        )
    if not (layer.built if built is None else built):
        raise ConfigError("Cannot enable lora on a layer that isn't yet built.")
    if layer.lora_enabled:
        raise ConfigError("lora is already enabled. This can only be done once per layer.")


def freeze(layer, variable, rank: int, alpha: float | None) -> None:
    """The end of enabling LoRA: `variable` frozen, the layer's LoRA attributes set, and
    its traced calls (a subclass's own `call`) traced again, now with the factors."""
    variable.trainable = False
    layer.__dict__.pop("_traces", None)
    layer.lora_enabled = True
    layer.lora_rank = int(rank)
    layer.lora_alpha = alpha if alpha is not None else rank


def factor_dtype(layer) -> str:
    # (float32 for a float16 layer, as Keras: small updates must not underflow; float64
    # stays float64, where Keras would round the update to float32)
    return "float64" if layer.dtype == "float64" else "float32"


def merged(weight, a, b, alpha: float, rank: int):
    """`weight + (alpha / rank) * a @ b` in `weight`'s dtype (arrays)."""
    product = backend.xp.matmul(a, b)
    scale = product.dtype.type(alpha / rank)
    return (weight + scale * product).astype(weight.dtype, copy=False)


def merged_tensor(weight, a, b, alpha: float, rank: int, dtype):
    """What `layer.kernel` returns with LoRA: `merged` through `numkeras.ops`, in `dtype`
    (the compute dtype, as Keras's), so that a user's traced `call` reading it trains
    the factors; called eagerly, the same values as an array."""
    from numkeras import ops

    update = ops.matmul(a, b) * (alpha / rank)
    return ops.cast(ops.add(weight, ops.cast(update, weight.dtype)), dtype)


def add_factor_grads(a, b, merged_grad, alpha: float, rank: int) -> None:
    """Accumulate the factors' gradients (Variables `a`, `b`) from `merged_grad`, the
    merged weight's: with `G` its `(-1, units)` rows and `s = alpha / rank`,
    `s * G @ b.T` for `a` and `s * a.T @ G` for `b`."""
    if not a.wants_grad and not b.wants_grad:
        return
    xp = backend.xp
    dtype = a.value.dtype
    grad = merged_grad.reshape(-1, b.shape[-1]).astype(dtype, copy=False) * dtype.type(alpha / rank)
    a.add_grad(xp.matmul(grad, b.value.T).reshape(a.shape))
    b.add_grad(xp.matmul(a.value.reshape(-1, rank).T, grad))


class MergedWeight:
    """A LoRA layer's weight as saving sees it: written with the update merged in
    (`value()`); read back into the frozen `variable`, the `factors` restarting from zeros
    (as Keras loads it). Name, path, shape and dtype are the variable's, so loading checks
    the file against them."""

    def __init__(self, variable, value, factors):
        self.variable, self.value, self.factors = variable, value, factors
        self.name, self.path = variable.name, variable.path
        self.shape, self.dtype = variable.shape, variable.dtype

    def numpy(self):
        return backend.to_numpy(self.value())

    def assign(self, value) -> None:
        self.variable.assign(value)
        for factor in self.factors:
            factor.assign(backend.xp.zeros(factor.shape, factor.dtype))


# -- what Dense, EinsumDense and Conv1D/2D/3D share: their kernel is a `_kernel` Variable ---
def _get_kernel(layer):
    kernel = layer.__dict__.get("_kernel")
    if kernel is None:  # (unbuilt: Layer.__getattr__ says so)
        raise AttributeError("kernel")
    if not layer.lora_enabled:
        return kernel
    if getattr(layer, "quantization_mode", None) is not None:  # (Keras's: int8 plus update)
        kernel = kernel.value.astype(layer.compute_dtype)
    a, b = layer.lora_kernel_a, layer.lora_kernel_b
    return merged_tensor(kernel, a, b, layer.lora_alpha, layer.lora_rank, layer.compute_dtype)


def _set_kernel(layer, value) -> None:
    layer._kernel = value


kernel_property = property(
    _get_kernel,
    _set_kernel,
    doc="""The kernel `Variable`; with LoRA enabled, the kernel the layer computes with (the
    frozen kernel plus the scaled product of the factors, in the compute dtype, through
    `numkeras.ops`: a subclass's traced `call` reading it trains them).""",
)


def kernel_value(layer):
    """The kernel's values as `layer` uses them (LoRA's update merged in)."""
    kernel = layer._kernel.value
    if not layer.lora_enabled:
        return kernel
    a, b = layer.lora_kernel_a.value, layer.lora_kernel_b.value
    return merged(kernel, a, b, layer.lora_alpha, layer.lora_rank)


class LoraFactors:
    """`enable_lora` for a layer whose kernel is `_kernel` (Dense, EinsumDense, Conv1D/2D/3D:
    `class Dense(LoraFactors, ..., Layer)`), a mixin: Keras's depthwise and separable
    convolutions have no `enable_lora`, so `hasattr` is False for them."""

    def enable_lora(
        self, rank: int, lora_alpha: float | None = None, a_initializer="he_uniform",
        b_initializer="zeros",
    ) -> None:  # fmt: skip
        """Freeze the kernel and train a rank-`rank` update of it instead (LoRA): the
        factors `lora_kernel_a` `(*kernel.shape[:-1], rank)` (drawn from `a_initializer`)
        and `lora_kernel_b` `(rank, kernel.shape[-1])` (zeros, so the layer starts
        unchanged), scaled by `lora_alpha / rank` (`lora_alpha` defaults to `rank`). A
        model compiled before trains them in its next `fit`.

        >>> from numkeras.layers import Conv2D, Dense
        >>> layer = Dense(3)
        >>> layer.build((None, 4))
        >>> layer.enable_lora(2)
        >>> [w.name for w in layer.trainable_weights]
        ['bias', 'lora_kernel_a', 'lora_kernel_b']
        >>> conv = Conv2D(4, 3)
        >>> conv.build((None, 8, 8, 3))
        >>> conv.enable_lora(2)
        >>> [tuple(w.shape) for w in conv.trainable_weights]
        [(4,), (3, 3, 3, 2), (2, 4)]
        """
        check_enable(self, self.kernel_constraint)
        self._add_lora_factors(rank, lora_alpha, a_initializer, b_initializer)

    def _add_lora_factors(self, rank, lora_alpha, a_initializer, b_initializer) -> None:
        check_rank(rank, "rank")
        shape, dtype = self._kernel.shape, factor_dtype(self)
        self.lora_kernel_a = self.add_weight(
            (*shape[:-1], rank), initializer=initializers.get(a_initializer),
            name="lora_kernel_a", dtype=dtype, regularizer=self.kernel_regularizer,
        )  # fmt: skip
        self.lora_kernel_b = self.add_weight(
            (rank, shape[-1]), initializer=initializers.get(b_initializer),
            name="lora_kernel_b", dtype=dtype, regularizer=self.kernel_regularizer,
        )  # fmt: skip
        freeze(self, self._kernel, rank, lora_alpha)
