"""`ConvLSTMCell` and `ConvLSTM`, the base of `ConvLSTM1D`, `ConvLSTM2D` and `ConvLSTM3D`
(Shi et al. 2015), as Keras 3's `keras/src/layers/rnn/conv_lstm.py`.

An LSTM whose input and recurrent transformations are convolutions. Gates in Keras's order
i, f, c, o: `z = conv(x_t, kernel) + bias + conv(h_{t-1}, recurrent_kernel)`, split into
four blocks of `filters` channels; `c_t = f * c_{t-1} + i * a(z_c)`, `h_t = o * a(c_t)`.
The input convolution takes the layer's `strides`, `padding` and `dilation_rate`; the
recurrent one is always "same" with strides and dilation 1 (as Keras). Weights (owned by the
cell): `kernel` `(*kernel_size, channels, 4 filters)`, `recurrent_kernel`
`(*kernel_size, filters, 4 filters)`, `bias` `(4 filters,)` (`unit_forget_bias=True` starts
the forget block at 1). States `[h, c]`, each `(batch, *out_spatial, filters)` (channels
last) or `(batch, filters, *out_spatial)` (channels first).

How it reuses the rest of numkeras: the convolutions are `base_conv.conv_forward` /
`conv_backward` (im2col and one matmul; the input convolution of all timesteps in one go;
the recurrent one's windows are made again in the backward pass rather than kept for every
step, as they are kernel-size times larger than the states), and the time loop, masks,
`go_backwards`, `return_state`, `initial_state`, `stateful` and the backward pass through
time are `RNN`'s. RNN runs on `(batch, time, features)`, so the layer hands it each frame
flattened to one vector and the cell reshapes (views, no copies for channels_last); the
layer gives back arrays of Keras's shapes.

Dropout as Keras's ConvLSTMCell: in training, four input masks and four recurrent masks
(one per gate, each of the frame's full shape), drawn once per call and fixed over time;
a rate of exactly 1 drops nothing (Keras applies dropout only for `0 < rate < 1`).

A time mask (`mask=`, or from the layers before) works as for LSTM: a padded step keeps
the states. (Keras 3.15 on JAX fails on a masked ConvLSTM; its TensorFlow backend gives
these results.)

Deviations: Keras's `cell.state_size` is -1; here it is the flattened size of each state
(positions x filters) once built, `[filters, filters]` before (numkeras's RNN wants sizes).
Keras 3 allows a zero stride (`allow_zero=True`), which cannot make sense; it is refused.

>>> import numpy as np
>>> from numkeras.layers.conv_lstm2d import ConvLSTM2D
>>> layer = ConvLSTM2D(2, 3, padding="same", return_sequences=True)
>>> layer(np.zeros((1, 4, 5, 5, 1))).shape, layer.cell.kernel.shape
((1, 4, 5, 5, 2), (3, 3, 1, 8))
"""

from __future__ import annotations

import math

from numkeras import activations, backend, constraints, initializers, regularizers
from numkeras.backend import random
from numkeras.errors import ConfigError, NotBuiltError, ShapeError, format_shape
from numkeras.layers import conv_utils as cu
from numkeras.layers.base_conv import conv_backward, conv_forward
from numkeras.layers.layer import Layer
from numkeras.layers.lstm import _ForgetBiasInitializer
from numkeras.layers.rnn import RecurrentLayer, RNNCellBase, dropout_mask

_AXES = {1: "steps", 2: "rows, cols", 3: "depth, rows, cols"}


def _gate_convs(inputs: list, kernel, strides, dilation, padding, outs):
    """`(z, caches)`: the four gates' convolutions `(rows, 4 filters)`. With one input, one
    convolution by the whole kernel; with four (the per-gate dropout masks of Keras), one
    convolution per gate by its block of the kernel."""
    if len(inputs) == 1:
        z, cache = conv_forward(inputs[0], kernel, 1, strides, dilation, padding, outs)
        return z, [cache]
    f = kernel.shape[-1] // 4
    parts = [
        conv_forward(x, kernel[..., k * f : (k + 1) * f], 1, strides, dilation, padding, outs)
        for k, x in enumerate(inputs)
    ]
    return backend.xp.concatenate([z for z, _ in parts], axis=-1), [c for _, c in parts]


def _gate_convs_backward(caches: list, dz, want_kernel: bool, want_input: bool):
    """`(d kernel or None, [d input per input] or None)` of `_gate_convs` for `dz`
    `(batch, *outs, 4 filters)`."""
    if len(caches) == 1:
        dw, dx = conv_backward(caches[0], dz, want_kernel, want_input)
        return dw, None if dx is None else [dx]
    f = dz.shape[-1] // 4
    parts = [
        conv_backward(c, dz[..., k * f : (k + 1) * f], want_kernel, want_input)
        for k, c in enumerate(caches)
    ]
    dw = backend.xp.concatenate([w for w, _ in parts], axis=-1) if want_kernel else None
    return dw, [x for _, x in parts] if want_input else None


class ConvLSTMCell(RNNCellBase):
    """The cell of the ConvLSTM layers (Keras's `ConvLSTMCell(rank, filters, kernel_size,
    ...)`): the weights and one step, `call(inputs, states)` on a frame
    `(batch, *spatial, channels)` and states `[h, c]`.

    >>> import numpy as np
    >>> cell = ConvLSTMCell(2, 3, 3, padding="same")
    >>> h, (h2, c) = cell(np.ones((1, 5, 5, 2)), [np.zeros((1, 5, 5, 3))] * 2)
    >>> h.shape, c.shape
    ((1, 5, 5, 3), (1, 5, 5, 3))
    """

    n_gates = 4

    def __init__(
        self,
        rank: int,
        filters: int,
        kernel_size,
        strides=1,
        padding: str = "valid",
        data_format: str | None = None,
        dilation_rate=1,
        activation="tanh",
        recurrent_activation="sigmoid",
        use_bias: bool = True,
        kernel_initializer="glorot_uniform",
        recurrent_initializer="orthogonal",
        bias_initializer="zeros",
        unit_forget_bias: bool = True,
        kernel_regularizer=None,
        recurrent_regularizer=None,
        bias_regularizer=None,
        kernel_constraint=None,
        recurrent_constraint=None,
        bias_constraint=None,
        dropout=0.0,
        recurrent_dropout=0.0,
        seed=None,
        **kwargs,
    ):
        if rank not in (1, 2, 3):
            raise ConfigError(
                f"Rank {rank!r} convolutions are not currently implemented. Received: "
                f"rank={rank!r} (ConvLSTM1D/2D/3D take 1, 2, 3)."
            )
        filters = cu.positive_int(filters, "filters")
        kernel_size = cu.standardize_tuple(kernel_size, rank, "kernel_size")
        strides = cu.standardize_tuple(strides, rank, "strides")
        dilation_rate = cu.standardize_tuple(dilation_rate, rank, "dilation_rate")
        padding = cu.standardize_padding(padding)
        data_format = cu.standardize_data_format(data_format)
        if max(strides) > 1 and max(dilation_rate) > 1:
            raise ConfigError(
                "Specifying `strides > 1` is not compatible with `dilation_rate > 1`. Please "
                f"provide `strides=1` or `dilation_rate=1`. Received: strides={strides} and "
                f"dilation_rate={dilation_rate}"
            )
        super().__init__(
            filters,
            activation=activation,
            recurrent_activation=recurrent_activation,
            use_bias=use_bias,
            kernel_initializer=kernel_initializer,
            recurrent_initializer=recurrent_initializer,
            bias_initializer=bias_initializer,
            kernel_regularizer=kernel_regularizer,
            recurrent_regularizer=recurrent_regularizer,
            bias_regularizer=bias_regularizer,
            kernel_constraint=kernel_constraint,
            recurrent_constraint=recurrent_constraint,
            bias_constraint=bias_constraint,
            dropout=dropout,
            recurrent_dropout=recurrent_dropout,
            seed=seed,
            **kwargs,
        )
        self.rank = rank
        self.filters = filters
        self.kernel_size = kernel_size
        self.strides = strides
        self.padding = padding
        self.data_format = data_format
        self.dilation_rate = dilation_rate
        self.unit_forget_bias = bool(unit_forget_bias)
        self._step_shape = None  # one frame's shape (no batch), the data_format's layout

    # -- shapes -------------------------------------------------------------------------------
    def _layout(self, spatial, channels) -> tuple:
        if self.data_format == "channels_last":
            return (*spatial, channels)
        return (channels, *spatial)

    def _split(self, step_shape) -> tuple:
        """`(spatial, channels)` of a frame's shape (no batch axis)."""
        step_shape = tuple(step_shape)
        if self.data_format == "channels_last":
            return step_shape[:-1], step_shape[-1]
        return step_shape[1:], step_shape[0]

    def output_step_shape(self, step_shape) -> tuple:
        """The shape of `h` (no batch axis) for frames of `step_shape` (no batch axis)."""
        spatial, _ = self._split(step_shape)
        outs = tuple(
            cu.out_size(n, k, d, s, self.padding)
            for n, k, d, s in zip(spatial, self.kernel_size, self.dilation_rate, self.strides)
        )
        if any(o is not None and o <= 0 for o in outs):
            raise cu.window_too_big(
                self,
                (None, *step_shape),
                self.kernel_size,
                self.dilation_rate,
                self.strides,
                self.padding,
                "kernel",
            )
        return self._layout(outs, self.filters)

    @property
    def _outs(self) -> tuple:
        return self._split(self.output_step_shape(self._step_shape))[0]

    @property
    def state_size(self):
        if self._step_shape is None:
            return [self.filters, self.filters]
        size = math.prod(self.output_step_shape(self._step_shape))
        return [size, size]

    @property
    def output_size(self) -> int:
        return self.state_size[0]

    def initial_states(self, batch: int, dtype) -> list:
        if self._step_shape is None:
            raise NotBuiltError(
                f"Cell '{self.name}' has no state shape before it is built (its states have "
                "the frame size); build it, or call it on a frame first."
            )
        shape = (batch, *self.output_step_shape(self._step_shape))
        return [backend.xp.zeros(shape, dtype) for _ in range(2)]

    def get_initial_state(self, batch_size=None):
        return self.initial_states(batch_size, self.dtype)

    # -- weights ------------------------------------------------------------------------------
    def build(self, input_shape) -> None:
        shape = tuple(input_shape)
        if len(shape) != self.rank + 2:
            raise ShapeError(
                f"Cell '{self.name}' expects frames of rank {self.rank + 2} (batch, "
                f"{_AXES[self.rank]}, channels), received shape {format_shape(shape)}."
            )
        spatial, channels = self._split(shape[1:])
        if None in spatial:
            raise ShapeError(
                "ConvLSTM layers only support static input shapes for the spatial dimensions; "
                f"received input shape {format_shape(shape)}. Give the Input its frame size, "
                "e.g. Input((None, 64, 64, 1)) (the time axis may stay None)."
            )
        channels = cu.check_channels(self, shape, self.data_format)
        self.output_step_shape(shape[1:])  # a window that does not fit: a clear error
        f4 = 4 * self.filters
        self.kernel = self.add_weight(
            (*self.kernel_size, channels, f4),
            initializer=self.kernel_initializer,
            name="kernel",
            regularizer=self.kernel_regularizer,
            constraint=self.kernel_constraint,
        )
        self.recurrent_kernel = self.add_weight(
            (*self.kernel_size, self.filters, f4),
            initializer=self.recurrent_initializer,
            name="recurrent_kernel",
            regularizer=self.recurrent_regularizer,
            constraint=self.recurrent_constraint,
        )
        self.bias = None
        if self.use_bias:
            init = self.bias_initializer
            if self.unit_forget_bias:
                init = _ForgetBiasInitializer(init, self.filters)
            self.bias = self.add_weight(
                (f4,),
                initializer=init,
                name="bias",
                regularizer=self.bias_regularizer,
                constraint=self.bias_constraint,
            )
        self._step_shape = shape[1:]

    def _reset_build_state(self) -> None:
        super()._reset_build_state()
        self._step_shape = None

    # -- dropout ------------------------------------------------------------------------------
    def _masks(self, batch: int, input_dim: int, dtype, training: bool):
        """`(input masks (4, batch, *spatial, channels), recurrent masks
        (4, batch, *out_spatial, filters))`, each None when not used; channels last."""
        if not training:
            return None, None
        gen = self._rng if self._rng is not None else random.global_generator()
        spatial, channels = self._split(self._step_shape)
        dp = rdp = None
        if 0.0 < self.dropout < 1.0:
            dp = dropout_mask(gen, (4, batch, *spatial, channels), self.dropout, dtype)
        if 0.0 < self.recurrent_dropout < 1.0:
            shape = (4, batch, *self._outs, self.filters)
            rdp = dropout_mask(gen, shape, self.recurrent_dropout, dtype)
        return dp, rdp

    # -- layout between the data_format and the channels-last arrays computed on ------------
    def _to_last(self, a, batch: int, out: bool):
        """Flattened frames (or states) in the data_format's layout -> channels-last arrays
        `(batch, *spatial, channels)`."""
        step = self.output_step_shape(self._step_shape) if out else self._step_shape
        return cu.to_last(a.reshape(batch, *step), self.data_format)

    def _from_last(self, a):
        """Channels-last `(batch, *spatial, channels)` -> the data_format's layout."""
        return cu.from_last(a, self.data_format)

    # -- the sequence ---------------------------------------------------------------------------
    def _sequence(self, xs, states, masks, keep: bool, steps=None):
        """`(outs (T, B, size), final states, cache)` for `xs` `(T, B, features)` (frames
        flattened; `(T, B, *frame)` from a direct cell call, and `outs` then has the frame
        shape too)."""
        xp = backend.xp
        T, B = xs.shape[:2]
        F, rank = self.filters, self.rank
        outs_sp = self._outs
        P = math.prod(outs_sp)
        U = P * F
        dp, rdp = masks
        ra, act = self.recurrent_activation, self.activation
        x = self._to_last(xs, T * B, out=False)  # (T * B, *spatial, channels)
        if dp is None:
            xin = [x]
        else:  # Keras's four input masks (one per gate), fixed over time
            xt = x.reshape(T, B, *x.shape[1:])
            xin = [(xt * dp[k]).reshape(x.shape) for k in range(4)]
        zx, xcache = _gate_convs(
            xin, self.kernel.value, self.strides, self.dilation_rate, self.padding, outs_sp
        )
        z = zx.reshape(T, B, P, 4 * F)  # pre-activations, filled in place
        if self.bias is not None:
            z += self.bias.value
        R = self.recurrent_kernel.value
        ones = (1,) * rank
        # the states: channels-last, flattened (batch, positions * filters)
        h = self._to_last(xp.asarray(states[0], xs.dtype), B, out=True).reshape(B, U)
        c = self._to_last(xp.asarray(states[1], xs.dtype), B, out=True).reshape(B, U)
        outs = xp.empty((T, B, U), xs.dtype)
        if keep:
            gates = xp.empty_like(z)  # i, f, g (= a(z_c)), o
            cs = xp.empty((T + 1, B, U), xs.dtype)  # c_{t-1} at t, c_T at T
            acs = xp.empty((T, B, P, F), xs.dtype)
            cnews = xp.empty((T, B, U), xs.dtype) if steps is not None else None
            hs = xp.empty((T, B, U), xs.dtype)  # h_{t-1} at t
            cs[0] = c
        for t in range(T):
            h4 = h.reshape(B, *outs_sp, F)
            hin = [h4] if rdp is None else [h4 * rdp[k] for k in range(4)]
            zr, _ = _gate_convs(hin, R, ones, ones, "same", outs_sp)
            zt = z[t]
            zt += zr.reshape(B, P, 4 * F)
            i = ra(zt[..., :F])
            f = ra(zt[..., F : 2 * F])
            g = act(zt[..., 2 * F : 3 * F])
            o = ra(zt[..., 3 * F :])
            cnew = f * c.reshape(B, P, F) + i * g
            ac = act(cnew)
            new = (o * ac).reshape(B, U)
            cnew = cnew.reshape(B, U)
            if steps is None:
                c, h = cnew, new
                out = h
            else:  # a padded step keeps both states (its output: h, or zeros)
                h = steps.carry(t, new, h)
                c = steps.carry(t, cnew, c)
                out = steps.output(t, new, h)
                if keep:
                    cnews[t] = cnew
            if self.data_format == "channels_last":
                outs[t] = out
            else:
                outs[t] = self._from_last(out.reshape(B, *outs_sp, F)).reshape(B, U)
            if keep:
                gates[t, ..., :F] = i
                gates[t, ..., F : 2 * F] = f
                gates[t, ..., 2 * F : 3 * F] = g
                gates[t, ..., 3 * F :] = o
                cs[t + 1] = c
                acs[t] = ac
                hs[t] = h4.reshape(B, U)
        finals = [self._from_last(s.reshape(B, *outs_sp, F)).copy() for s in (h, c)]
        if xs.ndim > 3:  # a direct call on frames: outputs shaped as frames
            outs = outs.reshape(T, B, *self.output_step_shape(self._step_shape))
        cache = None
        if keep:
            cache = {"xcache": xcache, "z": z, "gates": gates, "cs": cs, "acs": acs}
            cache.update(hs=hs, masks=masks, steps=steps, cnews=cnews, nd=xs.ndim > 3)
        return outs, finals, cache

    def _sequence_backward(self, cache, d_seq, d_states, need_input_grad: bool):
        xp = backend.xp
        z, gates, cs, acs = (cache[k] for k in ("z", "gates", "cs", "acs"))
        hs, steps, cnews = cache["hs"], cache["steps"], cache["cnews"]
        dp, rdp = cache["masks"]
        ra, act = self.recurrent_activation, self.activation
        T, B, P, F4 = z.shape
        F, U = F4 // 4, P * (F4 // 4)
        outs_sp = self._outs
        R, ones = self.recurrent_kernel.value, (1,) * self.rank
        want_rk = self.recurrent_kernel.wants_grad
        d_rk = 0
        if d_seq is not None:  # to channels last, flattened
            d_seq = self._to_last(d_seq, T * B, out=True).reshape(T, B, U)
        dh = self._to_last(d_states[0], B, out=True).reshape(B, U)
        dc = self._to_last(d_states[1], B, out=True).reshape(B, U).copy()
        dZ = xp.empty_like(z)
        for t in range(T - 1, -1, -1):
            if steps is None:
                gh, passed, cnew = (dh + d_seq[t] if d_seq is not None else dh), None, cs[t + 1]
            else:  # a padded step's states come straight from the previous ones
                gh, passed = steps.split(t, dh, None if d_seq is None else d_seq[t])
                dc, c_passed = steps.split_state(t, dc)
                cnew = cnews[t]
            gh, dc3 = gh.reshape(B, P, F), dc.reshape(B, P, F)
            zt, gt = z[t], gates[t]
            i, f, g, o = gt[..., :F], gt[..., F : 2 * F], gt[..., 2 * F : 3 * F], gt[..., 3 * F :]
            dc3 += act.grad(cnew.reshape(B, P, F), acs[t], gh * o)
            dZ[t, ..., 3 * F :] = ra.grad(zt[..., 3 * F :], o, gh * acs[t])
            dZ[t, ..., :F] = ra.grad(zt[..., :F], i, dc3 * g)
            dZ[t, ..., F : 2 * F] = ra.grad(zt[..., F : 2 * F], f, dc3 * cs[t].reshape(B, P, F))
            dZ[t, ..., 2 * F : 3 * F] = act.grad(zt[..., 2 * F : 3 * F], g, dc3 * i)
            dc = (dc3 * f).reshape(B, U)
            # the recurrent convolution's windows, made again rather than kept for every
            # step (they are kernel-size times the states)
            h4 = hs[t].reshape(B, *outs_sp, F)
            hin = [h4] if rdp is None else [h4 * rdp[k] for k in range(4)]
            _, rcache = _gate_convs(hin, R, ones, ones, "same", outs_sp)
            dzt = dZ[t].reshape(B, *outs_sp, F4)
            dw, dhs = _gate_convs_backward(rcache, dzt, want_rk, True)
            if dw is not None:
                d_rk = d_rk + dw
            if rdp is None:
                dh = dhs[0].reshape(B, U)
            else:
                dh = sum(d * rdp[k] for k, d in enumerate(dhs)).reshape(B, U)
            if passed is not None:
                dh += passed
                dc += c_passed
        dz_all = dZ.reshape(T * B, *outs_sp, F4)
        if want_rk and T:
            self.recurrent_kernel.add_grad(d_rk)
        if self.bias is not None and self.bias.wants_grad:
            self.bias.add_sum_grad(dZ.reshape(-1, F4))
        dw, dxs = _gate_convs_backward(
            cache["xcache"], dz_all, self.kernel.wants_grad, need_input_grad
        )
        if dw is not None:
            self.kernel.add_grad(dw)
        d_states0 = [self._from_last(s.reshape(B, *outs_sp, F)) for s in (dh, dc)]
        if not need_input_grad:
            return None, d_states0
        if dp is None:
            dx = dxs[0]
        else:
            dx = sum((d.reshape(T, B, *d.shape[1:]) * dp[k]) for k, d in enumerate(dxs))
            dx = dx.reshape(T * B, *dx.shape[2:])
        dx = self._from_last(dx)
        shape = (T, B, *self._step_shape) if cache["nd"] else (T, B, -1)
        return dx.reshape(shape), d_states0

    # -- config -------------------------------------------------------------------------------
    def get_config(self) -> dict:
        return {
            **Layer.get_config(self),
            "filters": self.filters,
            "kernel_size": self.kernel_size,
            "strides": self.strides,
            "padding": self.padding,
            "data_format": self.data_format,
            "dilation_rate": self.dilation_rate,
            "activation": activations.serialize(self.activation),
            "recurrent_activation": activations.serialize(self.recurrent_activation),
            "use_bias": self.use_bias,
            "kernel_initializer": initializers.serialize(self.kernel_initializer),
            "recurrent_initializer": initializers.serialize(self.recurrent_initializer),
            "bias_initializer": initializers.serialize(self.bias_initializer),
            "unit_forget_bias": self.unit_forget_bias,
            "kernel_regularizer": regularizers.serialize(self.kernel_regularizer),
            "recurrent_regularizer": regularizers.serialize(self.recurrent_regularizer),
            "bias_regularizer": regularizers.serialize(self.bias_regularizer),
            "kernel_constraint": constraints.serialize(self.kernel_constraint),
            "recurrent_constraint": constraints.serialize(self.recurrent_constraint),
            "bias_constraint": constraints.serialize(self.bias_constraint),
            "dropout": self.dropout,
            "recurrent_dropout": self.recurrent_dropout,
            "seed": self.seed,
        }

    @classmethod
    def from_config(cls, config: dict):
        config = dict(config)
        if isinstance(config.get("dtype"), dict):
            config["dtype"] = config["dtype"].get("config", {}).get("name")
        # (Keras's config has no `rank`: the length of `kernel_size` tells it)
        ks = config.get("kernel_size")
        rank = config.pop("rank", None) or (len(ks) if isinstance(ks, (list, tuple)) else 2)
        return cls(rank, **config)

    def _repr_args(self) -> str:
        k = self.kernel_size[0] if len(set(self.kernel_size)) == 1 else self.kernel_size
        return f"{self.rank}, {self.filters}, {k}"


class ConvLSTM(RecurrentLayer):
    """The N-D convolutional LSTM layer (Keras's `ConvLSTM(rank, filters, kernel_size,
    ...)`); use `ConvLSTM1D`, `ConvLSTM2D` or `ConvLSTM3D`. Inputs
    `(batch, time, *spatial, channels)` (or `(batch, time, channels, *spatial)`), the
    spatial sizes fixed once built, the time axis free.

    >>> import numpy as np
    >>> layer = ConvLSTM(1, 3, 2, return_state=True)
    >>> [a.shape for a in layer(np.ones((2, 4, 6, 1)))]
    [(2, 5, 3), (2, 5, 3), (2, 5, 3)]
    """

    cell_name = "conv_lstm_cell"
    cell_keys = (
        "filters",
        "kernel_size",
        "strides",
        "padding",
        "data_format",
        "dilation_rate",
        "activation",
        "recurrent_activation",
        "use_bias",
        "kernel_initializer",
        "recurrent_initializer",
        "bias_initializer",
        "unit_forget_bias",
        "kernel_regularizer",
        "recurrent_regularizer",
        "bias_regularizer",
        "kernel_constraint",
        "recurrent_constraint",
        "bias_constraint",
        "dropout",
        "recurrent_dropout",
        "seed",
    )

    positional_keys = (  # (after `filters, kernel_size`, as Keras orders them)
        *("strides", "padding", "data_format", "dilation_rate", "activation"),
        *("recurrent_activation", "use_bias", "kernel_initializer", "recurrent_initializer"),
        *("bias_initializer", "unit_forget_bias", "kernel_regularizer"),
        *("recurrent_regularizer", "bias_regularizer", "activity_regularizer"),
        *("kernel_constraint", "recurrent_constraint", "bias_constraint", "dropout"),
        *("recurrent_dropout", "seed", "return_sequences", "return_state", "go_backwards"),
        "stateful",
    )

    def __init__(self, rank: int, filters: int, kernel_size, *args, **kwargs):
        self._rank = rank  # (read by `cell_class`, called from RecurrentLayer.__init__)
        super().__init__(filters, *args, kernel_size=kernel_size, **kwargs)

    def cell_class(self, filters, **kwargs) -> ConvLSTMCell:
        """The cell RecurrentLayer makes from this layer's cell arguments."""
        return ConvLSTMCell(self._rank, filters, **kwargs)

    @property
    def rank(self) -> int:
        return self._rank

    # -- shapes -------------------------------------------------------------------------------
    def _check(self, input_shape) -> None:
        if self.__dict__.get("_flat_pass"):
            return  # (RNN's own check of the flattened frames: checked before, in _forward)
        shapes_ = input_shape if isinstance(input_shape, list) else [input_shape]
        seq = tuple(shapes_[0])
        want = self._rank + 3
        cell = self.cell
        frame = cell._layout((_AXES[self._rank],), "channels")
        axes = f"(batch, time, {', '.join(frame)})"
        if len(seq) != want:
            raise ShapeError(
                f"Input 0 of layer '{self.name}' is incompatible with the layer: expected "
                f"ndim={want} {axes}, found ndim={len(seq)}. Full shape received: "
                f"{format_shape(seq)}"
            )
        built = cell._step_shape
        if built is not None and any(a is not None and a != b for a, b in zip(seq[2:], built)):
            raise ShapeError(
                f"Layer '{self.name}' was built for frames of shape {format_shape(built)} "
                f"and received frames of shape {format_shape(seq[2:])} (full shape "
                f"{format_shape(seq)}). ConvLSTM layers need a fixed frame size; only the "
                "time axis may vary."
            )
        if len(shapes_) > 1:
            if len(shapes_) != 3:
                raise ShapeError(
                    f"Layer '{self.name}' expects 2 initial states [h, c], received "
                    f"{len(shapes_) - 1}."
                )
            state = (seq[0], *cell.output_step_shape(seq[2:]))
            for s in shapes_[1:]:
                s = tuple(s)
                if len(s) != len(state) or any(
                    a is not None and b is not None and a != b for a, b in zip(s, state)
                ):
                    raise ShapeError(
                        f"Layer '{self.name}': an initial state must have shape "
                        f"{format_shape(state)}, received {format_shape(s)}."
                    )

    def compute_output_shape(self, input_shape):
        self._check(input_shape)
        seq = tuple(input_shape[0] if isinstance(input_shape, list) else input_shape)
        batch, steps = seq[:2]
        state = self.cell.output_step_shape(seq[2:])
        out = (batch, steps, *state) if self.return_sequences else (batch, *state)
        if self.return_state:  # (a tuple, as Keras's)
            return (out, (batch, *state), (batch, *state))
        return out

    # -- forward / backward: RNN's, on frames flattened to vectors ---------------------------
    def _forward(self, inputs, training: bool, keep: bool, mask=None):
        listed = isinstance(inputs, list)
        x = inputs[0] if listed else inputs
        self._check([tuple(t.shape) for t in inputs] if listed else tuple(x.shape))
        B, T = x.shape[:2]
        flat = x.reshape(B, T, math.prod(x.shape[2:]))
        self._flat_pass = True
        try:
            result, cache = super()._forward(
                [flat, *inputs[1:]] if listed else flat, training, keep, mask
            )
        finally:
            self._flat_pass = False
        state = self.cell.output_step_shape(self.cell._step_shape)
        outputs = result if self.return_state else [result]
        y = outputs[0]
        y = y.reshape(B, T, *state) if self.return_sequences else y.reshape(B, *state)
        outputs = [y, *outputs[1:]]
        return (outputs if self.return_state else y), cache

    def backward(self, cache, grad_output, need_input_grad: bool = True):
        grads = list(grad_output) if self.return_state else [grad_output]
        g = grads[0]
        if g is not None:
            lead = g.shape[:2] if self.return_sequences else g.shape[:1]
            g = g.reshape(*lead, -1)
        rest = [None if s is None else s.reshape(s.shape[0], -1) for s in grads[1:]]
        result = super().backward(cache, [g, *rest] if self.return_state else g, need_input_grad)
        if result is None:
            return None
        dx = result[0] if isinstance(result, list) else result
        dx = dx.reshape(*dx.shape[:2], *self.cell._step_shape)
        return [dx, *result[1:]] if isinstance(result, list) else dx

    def _repr_args(self) -> str:
        return self.cell._repr_args().split(", ", 1)[1]
