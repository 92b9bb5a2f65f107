"""`SpectralNormalization(layer, power_iterations=1)`: divide a layer's kernel by its
largest singular value (Miyato et al., 2018), as Keras 3.

The wrapped layer must have a `kernel` (Dense, Conv...) or `embeddings` (Embedding). The
kernel, reshaped to `(-1, kernel.shape[-1])` = `W`, has its spectral norm estimated by
`power_iterations` steps of power iteration from the non-trainable `vector_u` (shape
`(1, kernel.shape[-1])`, drawn from `TruncatedNormal(stddev=0.02)`):

    v = normalize(u @ W.T);  u = normalize(v @ W);  sigma = v @ W @ u.T

In training, `vector_u` keeps the new `u` and the layer runs with `kernel / sigma` (an
all-zero kernel is left as it is). What happens to the kernel itself follows Keras:

- a direct call `layer(x, training=True)` overwrites the kernel with `kernel / sigma` (and
  inference then uses the stored kernel), as Keras does in every backend;
- in `fit` (`forward`/`backward`), numkeras does what Keras's JAX backend does: a trained
  kernel variable keeps its raw value, the forward pass uses `kernel / sigma`, and the gradient
  reaches the raw kernel through the division, `sigma` included (`u` and `v` are
  `stop_gradient`ed, so `d sigma / d W = v.T @ u`):
  `dL/dW = G / sigma - sum(G * W) / sigma**2 * v.T @ u` with `G = dL/d(kernel / sigma)`.
  (Keras's TensorFlow backend instead stores `kernel / sigma` each step and takes the
  gradient at it without the `sigma` term: the backends disagree; numkeras follows the
  JAX goldens.) A kernel the step does not train (a frozen wrapper, or a frozen model
  around it) is non-trainable state there, so it keeps `kernel / sigma`, as in a direct
  call. Inference (`training=False`) uses the stored kernel as it is, as Keras.

Weights are `[kernel, vector_u, *other weights of the layer]`, saved as Keras saves them.
The output keeps the mask the wrapped layer gives (a Dense passes its input's on), as
Keras's call, which runs the layer by `__call__`, returns it.

>>> import numpy as np
>>> from numkeras.layers import Dense
>>> sn = SpectralNormalization(Dense(2), power_iterations=30)
>>> _ = sn(np.ones((1, 3)), training=True)
>>> round(float(np.linalg.svd(sn.layer.kernel.numpy(), compute_uv=False)[0]), 2)
1.0
"""

from __future__ import annotations

import numpy as np

from numkeras import backend, initializers
from numkeras.errors import ConfigError
from numkeras.layers.inner_activity import inner_activity, plus_activity
from numkeras.layers.input_spec import InputSpec
from numkeras.layers.layer import Layer, call_accepts_training
from numkeras.layers.wrapper import Wrapper

_EPSILON = 1e-7  # Keras's normalize(): the inverse norm is at most 1 / backend.epsilon()


def _normalize(x):
    """`x / ||x||` over all entries, the inverse norm capped at 1e7 (Keras's normalize)."""
    xp = backend.xp
    t = x.dtype.type
    square_sum = xp.sum(xp.square(x))
    with np.errstate(divide="ignore"):
        inv = t(1) / xp.sqrt(square_sum)
    return x * xp.minimum(inv, t(1.0 / _EPSILON))


def _like(out, inputs):
    """The inner layer's output in its float inputs' dtype, as Keras casts it (a float16
    wrapper over a float32 layer returns float16). Keras casts to any input dtype, so its
    wrapped Embedding returns integers: numkeras keeps those floats."""
    dtype = getattr(inputs, "dtype", None)
    if dtype is None or dtype.kind != "f" or out.dtype.kind != "f" or out.dtype == dtype:
        return out
    return out.astype(dtype)


def _with(cache, spectral, activity) -> tuple:
    """The cache: the layer's, the step's spectral values, and the inner layer's activity
    penalties' gradients where it has a regularizer."""
    return (cache, spectral) if activity is None else (cache, spectral, activity)


class SpectralNormalization(Wrapper):
    def __init__(self, layer, power_iterations: int = 1, **kwargs):
        if not isinstance(layer, Layer):
            raise ConfigError(
                f"Layer {layer!r} supplied to Wrapper isn't a supported layer type. Please "
                "ensure wrapped layer is a valid Keras layer."
            )
        if isinstance(power_iterations, bool) or not isinstance(power_iterations, int):
            raise ConfigError(
                f"`power_iterations` must be a positive integer, received {power_iterations!r}."
            )
        if power_iterations <= 0:
            raise ConfigError(
                "`power_iterations` should be greater than zero. Received: "
                f"`power_iterations={power_iterations}`"
            )
        super().__init__(layer, **kwargs)
        self.power_iterations = power_iterations
        # Keras's call runs the wrapped layer by `__call__`, whose output (the wrapper's)
        # keeps the mask the layer gives it: a masked sequence stays masked past a wrapped
        # Dense, and a wrapped Embedding(mask_zero=True) makes its mask
        self.supports_masking = layer.supports_masking

    def _makes_mask(self) -> bool:
        return self.layer._makes_mask()

    def compute_mask(self, inputs, mask=None):
        """The wrapped layer's mask (Dense: the input's, passed on)."""
        return self.layer.compute_mask(inputs, mask)

    def _sublayers(self) -> list[Layer]:
        return [self.layer]

    def _saved_children(self) -> list:
        return [("layer", self.layer)]

    def build(self, input_shape) -> None:
        input_shape = tuple(input_shape)
        if not self.layer.built:
            self.layer._maybe_build(input_shape)
        if hasattr(self.layer, "kernel"):
            kernel = self.layer.kernel
        elif hasattr(self.layer, "embeddings"):
            kernel = self.layer.embeddings
        else:
            raise ConfigError(
                f"{type(self.layer).__name__} object has no attribute 'kernel' nor 'embeddings'"
            )
        self.kernel = kernel
        # as Keras, which tracks the kernel as the wrapper's own variable too: weights
        # (and the saved file) read [kernel, vector_u, ...the layer's other weights]
        self._own_variables.append(kernel)
        self.vector_u = self.add_weight(
            (1, kernel.shape[-1]),
            initializer=initializers.TruncatedNormal(stddev=0.02),
            trainable=False,
            name="vector_u",
            dtype=kernel.dtype,
        )
        for v in self.layer.weights:  # Keras's paths: "spectral_normalization/dense/kernel"
            if not v.path.startswith(f"{self.name}/"):
                v.path = f"{self.name}/{v.path}"
        self.input_spec = InputSpec(min_ndim=1, axes={-1: input_shape[-1]})

    def compute_output_shape(self, input_shape):
        return self.layer.compute_output_shape(input_shape)

    # -- the spectral norm --------------------------------------------------------------
    def _power_iteration(self):
        """`(u, v, sigma)` from `vector_u` and the kernel; None for an all-zero kernel."""
        w = self.kernel.value
        if not backend.xp.any(w != 0):
            return None  # Keras's cond: the kernel and u are left alone
        w = w.reshape(-1, w.shape[-1])
        u = self.vector_u.value.astype(w.dtype, copy=False)
        for _ in range(self.power_iterations):
            v = _normalize(u @ w.T)
            u = _normalize(v @ w)
        sigma = (v @ w @ u.T)[0, 0]
        return u, v, sigma

    def normalized_weights(self):
        """`(new vector_u, kernel / sigma)`, as Keras's method of the same name."""
        found = self._power_iteration()
        if found is None:
            return self.vector_u.numpy(), self.kernel.numpy()
        u, _, sigma = found
        return u.astype(self.vector_u.dtype), (self.kernel.value / sigma).astype(self.kernel.dtype)

    # -- calls ----------------------------------------------------------------------------
    def _inner_call(self, inputs, training):
        if call_accepts_training(self.layer):
            out = self.layer.call(inputs, training=training)
        else:
            out = self.layer.call(inputs)
        inner_activity(self.layer, [out], False)  # (as Keras, which calls it by __call__)
        return _like(out, inputs)

    def call(self, inputs, training: bool = False):
        if training:  # as Keras: store the new u and the normalized kernel
            u, kernel = self.normalized_weights()
            self.vector_u.assign(u)  # (not `.value`: a mixed_float16 call reads a copy)
            self.kernel.assign(kernel)
        return self._inner_call(inputs, training)

    def forward(self, inputs, training: bool = True):
        found = self._power_iteration() if training else None
        if found is None:
            out, cache = self.layer.forward(inputs, training=training)
            return out, _with(cache, None, inner_activity(self.layer, [out], True))
        u, v, sigma = found
        self.vector_u.assign(u)  # (not `.value`: a mixed_float16 call reads a copy)
        raw = self.kernel.value.copy()
        normalized = (raw / sigma).astype(raw.dtype, copy=False)
        self.kernel.value[...] = normalized  # the layer runs with kernel / sigma...
        if not (self.kernel.wants_grad or self.kernel.trainable):
            # ...which a kernel no step trains (a frozen wrapper) keeps, as Keras's JAX
            # step keeps the non-trainable state a call assigns
            out, cache = self.layer.forward(inputs, training=training)
            return out, _with(cache, None, inner_activity(self.layer, [out], True))
        try:
            out, cache = self.layer.forward(inputs, training=training)
        finally:
            self.kernel.value[...] = raw  # ...and a trained one keeps its raw value
        activity = inner_activity(self.layer, [out], True)  # (as Keras: by __call__)
        return out, _with(cache, (u, v, sigma, normalized), activity)

    def backward(self, cache, grad_output, need_input_grad: bool = True):
        cache, spectral, *activity = cache
        activity = activity[0] if activity else None
        grad_output = plus_activity(grad_output, activity)
        if spectral is None:
            return self.layer.backward(cache, grad_output, need_input_grad=need_input_grad)
        u, v, sigma, normalized = spectral
        kernel = self.kernel
        raw = kernel.value.copy()
        buffer, fresh = kernel.grad, getattr(kernel, "_grad_fresh", False)
        if buffer is not None:  # collect dL/d(kernel / sigma) apart, then chain it
            kernel.start_grad(backend.xp.zeros(kernel.shape, dtype=buffer.dtype))
        kernel.value[...] = normalized
        try:
            grad_in = self.layer.backward(cache, grad_output, need_input_grad=need_input_grad)
        finally:
            kernel.value[...] = raw
            g = kernel.grad
            kernel.grad, kernel._grad_fresh = buffer, fresh
        if buffer is not None:
            w = raw.reshape(-1, raw.shape[-1])
            g2 = g.reshape(w.shape)
            sigma = backend.xp.asarray(sigma, dtype=g.dtype)  # (0-d: a CuPy value stays there)
            d_sigma = (v.T @ u).astype(g.dtype, copy=False)  # u, v: stop_gradient
            grad = g2 / sigma - ((g2 * w).sum().astype(g.dtype) / (sigma * sigma)) * d_sigma
            kernel.add_grad(grad.reshape(kernel.shape))
        return grad_in

    def get_config(self) -> dict:
        from numkeras.models.config import serialize_layer

        return {
            **super().get_config(),
            "layer": serialize_layer(self.layer),
            "power_iterations": self.power_iterations,
        }

    @classmethod
    def from_config(cls, config: dict, custom_objects: dict | None = None):
        from numkeras.models.config import deserialize_layer

        config = dict(config)
        config["layer"] = deserialize_layer(config["layer"], custom_objects)
        if isinstance(config.get("dtype"), dict):
            config["dtype"] = config["dtype"].get("config", {}).get("name")
        return cls(**config)

    def _repr_args(self) -> str:
        extra = "" if self.power_iterations == 1 else f", power_iterations={self.power_iterations}"
        return repr(self.layer) + extra
