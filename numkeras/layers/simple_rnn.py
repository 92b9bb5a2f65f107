"""`SimpleRNN` and `SimpleRNNCell`: `h_t = activation(x_t @ kernel + h_{t-1} @ recurrent_kernel
+ bias)`, as Keras 3 (the output is the state).

Weights (owned by the cell, as Keras): `kernel` `(features, units)`, `recurrent_kernel`
`(units, units)`, `bias` `(units,)`. With `recurrent_dropout`, `h_{t-1}` is multiplied by
its mask before the recurrent matmul.

>>> import numpy as np
>>> SimpleRNN(3)(np.ones((2, 4, 5))).shape
(2, 3)
"""

from __future__ import annotations

from numkeras import backend
from numkeras.layers.rnn import RecurrentLayer, RNNCellBase


class SimpleRNNCell(RNNCellBase):
    n_gates = 1
    has_recurrent_activation = False

    def __init__(
        self,
        units,
        activation="tanh",
        use_bias=True,
        kernel_initializer="glorot_uniform",
        recurrent_initializer="orthogonal",
        bias_initializer="zeros",
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
        super().__init__(
            units,
            activation=activation,
            recurrent_activation=None,
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

    def _sequence(self, xs, states, masks, keep: bool, steps=None):
        """Outputs `(T, B, units)` for time-major inputs `xs` `(T, B, features)`; `steps`:
        a `StepMask` (the padded steps keep the state, see `rnn.StepMask`) or None."""
        xp = backend.xp
        T, B, _ = xs.shape
        U = self.units
        dp, rdp = masks
        xin, z = self._project(xs, dp)  # z: the pre-activations, filled in place
        R = self.recurrent_kernel.value
        outs = xp.empty((T, B, U), xs.dtype)
        hms = xp.empty((T, B, U), xs.dtype) if keep else None
        news = xp.empty((T, B, U), xs.dtype) if keep and steps is not None else outs
        h = states[0]
        for t in range(T):
            hm = h * rdp if rdp is not None else h
            if keep:
                hms[t] = hm
            zt = z[t]
            zt += hm @ R
            if steps is None:
                outs[t] = self.activation(zt)
                h = outs[t]
            else:  # a padded step keeps the state (its output: the state, or zeros)
                new = self.activation(zt)
                if keep:
                    news[t] = new
                h = steps.carry(t, new, h)
                outs[t] = steps.output(t, new, h)
        cache = None
        if keep:
            cache = {"xin": xin, "z": z, "outs": news, "hms": hms, "masks": masks}
            cache.update(batch=B, dtype=xs.dtype, steps=steps)
        return outs, [h.copy()], cache

    def _sequence_backward(self, cache, d_seq, d_states, need_input_grad: bool):
        xp = backend.xp
        z, outs, hms = cache["z"], cache["outs"], cache["hms"]
        dp, rdp = cache["masks"]
        T = z.shape[0]
        U = self.units
        Rt = self.recurrent_kernel.value.T
        steps = cache["steps"]
        dZ = xp.empty_like(z)
        dh = d_states[0]
        for t in range(T - 1, -1, -1):
            if steps is None:
                g, passed = (dh + d_seq[t] if d_seq is not None else dh), None
            else:
                g, passed = steps.split(t, dh, None if d_seq is None else d_seq[t])
            dZ[t] = self.activation.grad(z[t], outs[t], g)
            dh = dZ[t] @ Rt
            if rdp is not None:
                dh *= rdp
            if passed is not None:
                dh += passed
        d2 = dZ.reshape(-1, U)
        if self.recurrent_kernel.wants_grad:
            self.recurrent_kernel.add_matmul_grad(hms.reshape(-1, U).T, d2)
        if self.bias is not None and self.bias.wants_grad:
            self.bias.add_sum_grad(d2)
        dxs = self._input_grads(cache["xin"], dZ, dp, need_input_grad)
        return dxs, [dh]


class SimpleRNN(RecurrentLayer):
    cell_class = SimpleRNNCell
    cell_name = "simple_rnn_cell"
    positional_keys = (  # (after `units`, as Keras orders them)
        *("activation", "use_bias", "kernel_initializer", "recurrent_initializer"),
        *("bias_initializer", "kernel_regularizer", "recurrent_regularizer"),
        *("bias_regularizer", "activity_regularizer", "kernel_constraint"),
        *("recurrent_constraint", "bias_constraint", "dropout", "recurrent_dropout"),
        *("return_sequences", "return_state", "go_backwards", "stateful", "unroll", "seed"),
    )
    config_omits = ("seed",)  # as Keras 3.15's SimpleRNN.get_config
    cell_keys = (
        "units",
        "activation",
        "use_bias",
        "kernel_initializer",
        "recurrent_initializer",
        "bias_initializer",
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
