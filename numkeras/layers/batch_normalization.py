"""`BatchNormalization`: normalize each feature (along `axis`) to zero mean and unit
variance, then scale by `gamma` and shift by `beta`, as Keras 3.

- **Training** (a training step that trains this layer, or `layer(x, training=True)`):
  the batch's mean and (biased) variance over every axis but `axis` normalize it, and the
  moving statistics move toward them:
  `moving = moving * momentum + batch_statistic * (1 - momentum)`.
- **Inference** (`predict`, `evaluate`, `training=False`), and **frozen**: the moving
  statistics normalize, and nothing changes. As in Keras 3 (and tf.keras 2), a frozen
  BatchNormalization runs in inference mode. Under numkeras's compile-time trainable rule,
  "frozen" means frozen in the compile snapshot of the model being trained: the classic
  GAN's discriminator normalizes with batch statistics in its own steps and with its
  moving statistics inside the stacked GAN's steps.
- In a training step, the moving statistics change only once the whole step has succeeded
  (with the weights), so an error never leaves them half-updated.
- With a mask (`(batch, timesteps)` from `Embedding(mask_zero=True)` or `Masking`), the
  batch statistics in training come from the real steps only (Keras 3's weighted moments,
  `sum / (count + epsilon)`); every step is normalized, and the mask is passed on.

The output is `x * inv + (beta - mean * inv)`, `inv = gamma / sqrt(variance + epsilon)`:
Keras's `ops.batch_normalization`, operation for operation.

>>> import numpy as np
>>> bn = BatchNormalization()
>>> bn(np.array([[1.0, 10.0], [3.0, 30.0]]), training=True).round(4)
array([[-0.9995, -1.    ],
       [ 0.9995,  1.    ]], dtype=float32)
>>> bn.moving_mean.numpy().round(3)  # moved 1% toward the batch means (2, 20)
array([0.02, 0.2 ], dtype=float32)
"""

from __future__ import annotations

from numkeras import backend, constraints, initializers, regularizers
from numkeras.backend import fused
from numkeras.errors import (
    ArgumentTypeError,
    AxisBoundsError,
    ConfigError,
    ShapeError,
    format_shape,
)
from numkeras.layers.input_spec import InputSpec
from numkeras.layers.layer import Layer
from numkeras.layers.layer_normalization import add_scale_and_center
from numkeras.utils.checks import is_int


class BatchNormalization(Layer):
    supports_masking = True  # (passes the mask on, as Keras 3)

    def __init__(
        self,
        axis: int = -1,
        momentum: float = 0.99,
        epsilon: float = 1e-3,
        center: bool = True,
        scale: bool = True,
        beta_initializer="zeros",
        gamma_initializer="ones",
        moving_mean_initializer="zeros",
        moving_variance_initializer="ones",
        beta_regularizer=None,
        gamma_regularizer=None,
        beta_constraint=None,
        gamma_constraint=None,
        renorm: bool = False,
        renorm_clipping=None,
        renorm_momentum: float = 0.99,
        synchronized: bool = False,
        **kwargs,
    ):
        if not is_int(axis):  # (a TypeError, as Keras's `int(axis)`; still a ValueError)
            raise ArgumentTypeError(
                f"BatchNormalization's `axis` must be one integer, received {axis!r}; pass "
                "one axis (e.g. axis=-1), or normalize over several with LayerNormalization."
            )
        if renorm_clipping is not None:
            raise ConfigError(
                "BatchNormalization(`renorm_clipping`=...) is not supported by numkeras yet; "
                "pass None."
            )
        if renorm:
            raise ConfigError("BatchNormalization(renorm=True) is not supported by numkeras yet.")
        if synchronized:
            raise ConfigError(
                "BatchNormalization(synchronized=True) needs several devices (Keras supports it "
                "on TensorFlow only); numkeras runs on one."
            )
        for name, value in (("momentum", momentum), ("epsilon", epsilon)):
            if isinstance(value, bool) or not isinstance(value, (int, float)):
                raise ConfigError(
                    f"BatchNormalization's `{name}` must be a number, received {value!r}."
                )
        super().__init__(**kwargs)
        self.axis = int(axis)
        self.momentum = float(momentum)
        self.epsilon = float(epsilon)
        self.center = bool(center)
        self.scale = bool(scale)
        self.beta_initializer = initializers.get(beta_initializer)
        self.gamma_initializer = initializers.get(gamma_initializer)
        self.moving_mean_initializer = initializers.get(moving_mean_initializer)
        self.moving_variance_initializer = initializers.get(moving_variance_initializer)
        self.beta_regularizer = regularizers.get(beta_regularizer)
        self.gamma_regularizer = regularizers.get(gamma_regularizer)
        self.beta_constraint = constraints.get(beta_constraint)
        self.gamma_constraint = constraints.get(gamma_constraint)
        self.renorm_momentum = float(renorm_momentum)
        self.gamma = self.beta = self.moving_mean = self.moving_variance = None
        self._pending: list = []  # (mean, variance) of this step's calls, applied on commit

    # -- build ----------------------------------------------------------------------------
    def _axis_of(self, input_shape) -> int:
        ndim = len(input_shape)
        if not -ndim <= self.axis < ndim:
            raise AxisBoundsError(
                f"Layer '{self.name}' (BatchNormalization over axis {self.axis}) received an "
                f"input of shape {format_shape(tuple(input_shape))}, which has no axis "
                f"{self.axis} (rank {ndim}; axis 0 is the batch). Use an axis in "
                f"[{-ndim}, {ndim})."
            )
        return self.axis % ndim

    def build(self, input_shape) -> None:
        input_shape = tuple(input_shape)
        axis = self._axis_of(input_shape)
        size = input_shape[axis]
        if size is None:
            raise ShapeError(
                f"Layer '{self.name}': the normalized axis {self.axis} of its inputs must be "
                f"known to create its weights; received shape {format_shape(input_shape)}."
            )
        add_scale_and_center(self, (size,), self.scale, self.center)
        self.moving_mean = self.add_weight(
            (size,),
            initializer=self.moving_mean_initializer,
            trainable=False,
            name="moving_mean",
            autocast=False,
        )
        self.moving_variance = self.add_weight(
            (size,),
            initializer=self.moving_variance_initializer,
            trainable=False,
            name="moving_variance",
            autocast=False,
        )
        self.input_spec = InputSpec(ndim=len(input_shape), axes={self.axis: size})
        self._reduce = tuple(i for i in range(len(input_shape)) if i != axis)
        self._shape = tuple(size if i == axis else 1 for i in range(len(input_shape)))

    def _reset_build_state(self) -> None:
        self.input_spec = None
        self.gamma = self.beta = self.moving_mean = self.moving_variance = None

    def compute_output_shape(self, input_shape):
        self._axis_of(input_shape)
        return input_shape

    # -- forward --------------------------------------------------------------------------
    def _trained_now(self) -> bool:
        """Whether a training step trains this layer: its weights get gradients this step
        (the model's compile snapshot decides); without trainable weights, the flag."""
        if self.gamma is None and self.beta is None:
            return self.trainable
        return self._wants_any_grad()

    def _stats(self, x):
        xp = backend.xp
        rows = self._channel_rows(x)
        if rows is not None:  # one fused pass for each statistic, NumPy's order (bit for bit)
            mean, variance = xp.empty(self._shape, x.dtype), xp.empty(self._shape, x.dtype)
            if fused.run("bn_stats", rows, mean.reshape(-1), variance.reshape(-1)) is not None:
                return mean, variance
        mean = xp.mean(x, axis=self._reduce, keepdims=True)
        variance = xp.var(x, axis=self._reduce, keepdims=True)
        return mean, variance

    def _normalize(self, x, mean, variance):
        """`(y, rstd)` with `rstd = 1 / sqrt(variance + epsilon)` (before gamma)."""
        xp = backend.xp
        t = x.dtype.type
        rstd = t(1) / xp.sqrt(variance + t(self.epsilon))
        inv = rstd * self.gamma.value.reshape(self._shape) if self.gamma is not None else rstd
        res = -mean * inv
        if self.beta is not None:
            res = res + self.beta.value.reshape(self._shape)
        rows = self._channel_rows(x)
        if rows is not None:
            y = xp.empty_like(rows)
            if fused.run("bn_apply", rows, inv.reshape(-1), res.reshape(-1), y) is not None:
                return y.reshape(x.shape), rstd
        return x * inv + res, rstd

    def _channel_rows(self, x):
        """`x` as the fused kernels' 2-D rows `(positions, channels)` (a view) when its
        channels are the last axis and every other one is normalized over, else None.
        NumPy reduces a contiguous array over its leading axes as over this view's rows,
        so the kernels keep the NumPy code's order (bit for bit) at any rank."""
        if self._reduce != tuple(range(x.ndim - 1)) or not x.flags.c_contiguous:
            return None
        return x.reshape(-1, x.shape[-1])

    def _moving(self, dtype):
        m = self.moving_mean.value.reshape(self._shape).astype(dtype, copy=False)
        v = self.moving_variance.value.reshape(self._shape).astype(dtype, copy=False)
        return m, v

    def call(self, inputs, training: bool = False, mask=None):
        self._check_mask(inputs, mask)
        if training and self.trainable:
            if mask is not None:
                mean, variance, _ = self._masked_stats(inputs, mask)
            else:
                mean, variance = self._stats(inputs)
            y, _ = self._normalize(inputs, mean, variance)
            self._update_moving(mean, variance)  # a direct call: at once, as Keras
            return y
        return self._normalize(inputs, *self._moving(inputs.dtype))[0]

    def forward(self, inputs, training: bool = True, mask=None):
        self._check_mask(inputs, mask)
        weights = None
        if training and self._trained_now():
            if mask is not None:
                mean, variance, weights = self._masked_stats(inputs, mask)
            else:
                mean, variance = self._stats(inputs)
            self._pending.append((mean, variance))  # applied when the step succeeds
        else:
            mean, variance = self._moving(inputs.dtype)
            training = False
        y, rstd = self._normalize(inputs, mean, variance)
        if weights is not None:
            return y, (inputs, mean, rstd, training, weights)
        return y, (inputs, mean, rstd, training)

    def _check_mask(self, x, mask) -> None:
        """A mask has one axis less than the inputs, in inference too (Keras 3 checks it
        before it looks at `training`: a ValueError)."""
        if mask is not None and backend.xp.ndim(mask) != x.ndim - 1:
            raise ShapeError(
                f"Layer '{self.name}': the mask must have one axis less than the inputs; "
                f"received mask shape {format_shape(backend.xp.shape(mask))} for inputs of "
                f"shape {format_shape(x.shape)}."
            )

    def _masked_stats(self, x, mask):
        """Keras 3's masked moments: the mean and variance of the real steps, each a sum
        over `count + epsilon`; also `(weights, count + epsilon)` for the backward pass."""
        xp = backend.xp
        mask = xp.asarray(mask)
        t, axes = x.dtype.type, self._reduce
        keep = xp.broadcast_to(mask.astype(bool)[..., None], x.shape)
        w = keep.astype(x.dtype)
        count = w.sum(axis=axes, keepdims=True) + t(backend.epsilon())
        mean = xp.where(keep, x, t(0)).sum(axis=axes, keepdims=True) / count
        diff = xp.where(keep, x - mean, t(0))
        variance = (diff * diff).sum(axis=axes, keepdims=True) / count
        return mean, variance, (w, count)

    def _masked_backward(self, cache, dy, need_input_grad: bool):
        """The backward pass through `_masked_stats`'s weighted moments."""
        x, mean, rstd, _, (w, count) = cache
        axes, t = self._reduce, x.dtype.type
        centered = x - mean
        xhat = centered * rstd
        if self.beta is not None and self.beta.wants_grad:
            self.beta.add_grad(dy.sum(axis=axes))
        if self.gamma is not None and self.gamma.wants_grad:
            self.gamma.add_grad((dy * xhat).sum(axis=axes))
        if not need_input_grad:
            return None
        g = dy * self.gamma.value.reshape(self._shape) if self.gamma is not None else dy
        d_var = (g * centered).sum(axis=axes, keepdims=True) * (t(-0.5) * rstd**3)
        d_mean = -(g * rstd).sum(axis=axes, keepdims=True)
        # (the variance depends on the mean too: its epsilon keeps that term from vanishing)
        d_mean += d_var * (t(-2) * (w * centered).sum(axis=axes, keepdims=True) / count)
        return g * rstd + w * ((d_mean + t(2) * d_var * centered) / count)

    # -- moving statistics -----------------------------------------------------------------
    def _update_moving(self, mean, variance) -> None:
        t = mean.dtype.type
        keep, new = t(self.momentum), t(1.0 - self.momentum)
        for var, stat in ((self.moving_mean, mean), (self.moving_variance, variance)):
            value = var.value
            if value.dtype == stat.dtype:  # in place: the same two products and sum
                value *= keep
                value += stat.reshape(-1) * new
            else:
                value[...] = value.astype(stat.dtype) * keep + stat.reshape(-1) * new

    def discard_updates(self) -> None:
        """Forget the moving-statistic updates of a training step that did not finish."""
        self._pending.clear()

    def commit_updates(self) -> None:
        """Apply this training step's moving-statistic updates, in call order."""
        for mean, variance in self._pending:
            self._update_moving(mean, variance)
        self._pending.clear()

    # -- backward -------------------------------------------------------------------------
    def backward(self, cache, grad_output, need_input_grad: bool = True):
        if len(cache) == 5:  # batch statistics of the real (unmasked) steps
            return self._masked_backward(cache, grad_output, need_input_grad)
        x, mean, rstd, batch_stats = cache
        axes, dy = self._reduce, grad_output
        rows = self._channel_rows(x) if batch_stats else None
        # (a strided dy keeps the NumPy code: its sums run in another order than a copy's)
        fusable = rows is not None and dy.shape == x.shape and dy.flags.c_contiguous
        if fusable and (need_input_grad or self._wants_any_grad()):
            dx = self._fused_backward(rows, dy.reshape(rows.shape), mean, rstd)
            if dx is not None:
                return dx.reshape(x.shape) if need_input_grad else None
        xhat = (x - mean) * rstd
        if self.beta is not None and self.beta.wants_grad:
            self.beta.add_grad(dy.sum(axis=axes))
        if self.gamma is not None and self.gamma.wants_grad:
            self.gamma.add_grad((dy * xhat).sum(axis=axes))
        if not need_input_grad:
            return None
        g = dy * self.gamma.value.reshape(self._shape) if self.gamma is not None else dy
        if not batch_stats:  # moving statistics are constants
            return g * rstd
        # through the batch mean and variance: rstd * (g - mean(g) - xhat * mean(g * xhat))
        n = x.dtype.type(x.size // rstd.size)
        g_mean = g.sum(axis=axes, keepdims=True) / n
        gx_mean = (g * xhat).sum(axis=axes, keepdims=True) / n
        return (g - g_mean - xhat * gx_mean) * rstd

    def _wants_any_grad(self) -> bool:
        return any(v is not None and v.wants_grad for v in (self.gamma, self.beta))

    def _fused_backward(self, x, dy, mean, rstd):
        """The batch-statistics backward in two fused passes (the NumPy code's operations
        in its order); None where the kernel does not run."""
        xp = backend.xp
        cols = x.shape[1]
        gamma = self.gamma.value if self.gamma is not None else xp.ones(cols, x.dtype)
        sums, dx = xp.empty((4, cols), x.dtype), xp.empty_like(x)
        args = (x, dy, mean.reshape(-1), rstd.reshape(-1), gamma, sums, dx)
        if fused.run("bn_grad", *args) is None:
            return None
        if self.beta is not None and self.beta.wants_grad:
            self.beta.add_grad(sums[0])
        if self.gamma is not None and self.gamma.wants_grad:
            self.gamma.add_grad(sums[1])
        return dx

    # -- config ---------------------------------------------------------------------------
    def get_config(self) -> dict:
        return {
            **super().get_config(),
            "axis": self.axis,
            "momentum": self.momentum,
            "epsilon": self.epsilon,
            "center": self.center,
            "scale": self.scale,
            "beta_initializer": initializers.serialize(self.beta_initializer),
            "gamma_initializer": initializers.serialize(self.gamma_initializer),
            "moving_mean_initializer": initializers.serialize(self.moving_mean_initializer),
            "moving_variance_initializer": initializers.serialize(self.moving_variance_initializer),
            "beta_regularizer": regularizers.serialize(self.beta_regularizer),
            "gamma_regularizer": regularizers.serialize(self.gamma_regularizer),
            "beta_constraint": constraints.serialize(self.beta_constraint),
            "gamma_constraint": constraints.serialize(self.gamma_constraint),
            "synchronized": False,
            "renorm": False,
            "renorm_clipping": None,
            "renorm_momentum": self.renorm_momentum,
        }

    def _repr_args(self) -> str:
        parts = [] if self.axis == -1 else [f"axis={self.axis}"]
        if self.momentum != 0.99:
            parts.append(f"momentum={self.momentum:g}")
        return ", ".join(parts)
