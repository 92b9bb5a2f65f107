"""`GRU` and `GRUCell` (Cho et al. 2014), as Keras 3.

Gates in Keras's order z (update), r (reset), h (candidate); `m = h_{t-1}` (times the
recurrent dropout mask when there is one). With `reset_after=True` (the default, cuDNN's
form) the bias is `(2, 3 units)`, the input bias `bias[0]` and the recurrent bias
`bias[1]`: `inner = m @ recurrent_kernel + bias[1]`, `z = ra(x_z + inner_z)`,
`r = ra(x_r + inner_r)`, `hh = a(x_h + r * inner_h)`. With `reset_after=False` the bias
is `(3 units,)` (input side only) and `hh = a(x_h + (r * m) @ recurrent_kernel_h)`.
Then `h_t = z * h_{t-1} + (1 - z) * hh`.

>>> import numpy as np
>>> GRU(3, return_sequences=True)(np.ones((2, 4, 5))).shape
(2, 4, 3)
"""

from __future__ import annotations

from numkeras import backend
from numkeras.layers.rnn import RecurrentLayer, RNNCellBase


class GRUCell(RNNCellBase):
    n_gates = 3

    def __init__(
        self,
        units,
        activation="tanh",
        recurrent_activation="sigmoid",
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
        reset_after=True,
        seed=None,
        **kwargs,
    ):
        super().__init__(
            units,
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
        self.reset_after = bool(reset_after)

    def _bias_shape(self) -> tuple:
        return (2, 3 * self.units) if self.reset_after else (3 * self.units,)

    def _sequence(self, xs, states, masks, keep: bool, steps=None):
        xp = backend.xp
        T, B, _ = xs.shape
        U = self.units
        dp, rdp = masks
        ra, act = self.recurrent_activation, self.activation
        xin, z = self._project(xs, dp)  # (T, B, 3U) pre-activations, filled in place
        R = self.recurrent_kernel.value
        Rzr, Rh = R[:, : 2 * U], R[:, 2 * U :]
        rb = self.bias.value[1] if self.bias is not None and self.reset_after else None
        dt = xs.dtype
        outs = xp.empty((T, B, U), dt)
        if keep:
            gates = xp.empty((T, B, 3 * U), dt)  # z, r, hh
            hprev = xp.empty((T, B, U), dt)
            hms = xp.empty((T, B, U), dt)
            inner = xp.empty((T, B, U), dt)  # reset_after: inner_h; else r * m
        h = states[0]
        for t in range(T):
            hm = h * rdp if rdp is not None else h
            zt = z[t]
            if self.reset_after:
                mi = hm @ R
                if rb is not None:
                    mi += rb
                zt[:, : 2 * U] += mi[:, : 2 * U]
            else:
                zt[:, : 2 * U] += hm @ Rzr
            zg = ra(zt[:, :U])
            r = ra(zt[:, U : 2 * U])
            if self.reset_after:
                ih = mi[:, 2 * U :]
                zt[:, 2 * U :] += r * ih
            else:
                ih = r * hm
                zt[:, 2 * U :] += ih @ Rh
            hh = act(zt[:, 2 * U :])
            if keep:
                gates[t, :, :U] = zg
                gates[t, :, U : 2 * U] = r
                gates[t, :, 2 * U :] = hh
                hprev[t] = h
                hms[t] = hm
                inner[t] = ih
            if steps is None:
                outs[t] = zg * h + (1 - zg) * hh
                h = outs[t]
            else:  # a padded step keeps the state (its output: the state, or zeros)
                new = zg * h + (1 - zg) * hh
                h = steps.carry(t, new, h)
                outs[t] = steps.output(t, new, h)
        cache = None
        if keep:
            cache = {"xin": xin, "z": z, "gates": gates, "hprev": hprev, "hms": hms}
            cache.update(inner=inner, masks=masks, batch=B, dtype=dt, steps=steps)
        return outs, [h.copy()], cache

    def _sequence_backward(self, cache, d_seq, d_states, need_input_grad: bool):
        xp = backend.xp
        z, gates, hprev, hms, inner = (cache[k] for k in ("z", "gates", "hprev", "hms", "inner"))
        dp, rdp = cache["masks"]
        ra, act = self.recurrent_activation, self.activation
        T = z.shape[0]
        U = self.units
        R = self.recurrent_kernel.value
        Rt, Rzr_t, Rh_t = R.T, R[:, : 2 * U].T, R[:, 2 * U :].T
        dX = xp.empty_like(z)  # gradients of the input-side pre-activations
        dM = xp.empty_like(z) if self.reset_after else None  # of m @ R (+ bias[1])
        steps = cache["steps"]
        dh = d_states[0]
        for t in range(T - 1, -1, -1):
            if steps is None:
                g, passed = (dh + d_seq[t] if d_seq is not None else dh), None
            else:  # a padded step's state comes straight from the previous one
                g, passed = steps.split(t, dh, None if d_seq is None else d_seq[t])
            zt, gt = z[t], gates[t]
            zg, r, hh = gt[:, :U], gt[:, U : 2 * U], gt[:, 2 * U :]
            dh_direct = g * zg
            dzh = act.grad(zt[:, 2 * U :], hh, g * (1 - zg))
            dX[t, :, 2 * U :] = dzh
            dX[t, :, :U] = ra.grad(zt[:, :U], zg, g * (hprev[t] - hh))
            if self.reset_after:
                dX[t, :, U : 2 * U] = ra.grad(zt[:, U : 2 * U], r, dzh * inner[t])
                dM[t, :, : 2 * U] = dX[t, :, : 2 * U]
                dM[t, :, 2 * U :] = dzh * r
                dhm = dM[t] @ Rt
            else:
                drh = dzh @ Rh_t
                dX[t, :, U : 2 * U] = ra.grad(zt[:, U : 2 * U], r, drh * hms[t])
                dhm = dX[t, :, : 2 * U] @ Rzr_t
                dhm += drh * r
            if rdp is not None:
                dhm *= rdp
            dh = dh_direct + dhm
            if passed is not None:
                dh += passed
        n = z.shape[0] * z.shape[1]
        dX2 = dX.reshape(n, 3 * U)
        hm2 = hms.reshape(n, U)
        if self.recurrent_kernel.wants_grad:
            if self.reset_after:
                self.recurrent_kernel.add_matmul_grad(hm2.T, dM.reshape(n, 3 * U))
            else:
                gr = xp.empty_like(R)
                xp.matmul(hm2.T, dX2[:, : 2 * U], out=gr[:, : 2 * U])
                xp.matmul(inner.reshape(n, U).T, dX2[:, 2 * U :], out=gr[:, 2 * U :])
                self.recurrent_kernel.add_grad(gr)
        if self.bias is not None and self.bias.wants_grad:
            if self.reset_after:
                gb = xp.stack([dX2.sum(axis=0), dM.reshape(n, 3 * U).sum(axis=0)])
                self.bias.add_grad(gb)
            else:
                self.bias.add_sum_grad(dX2)
        dxs = self._input_grads(cache["xin"], dX, dp, need_input_grad)
        return dxs, [dh]

    def get_config(self) -> dict:
        config = super().get_config()
        seed = config.pop("seed")
        config["reset_after"] = self.reset_after
        config["seed"] = seed
        return config


class GRU(RecurrentLayer):
    cell_class = GRUCell
    cell_name = "gru_cell"
    positional_keys = (  # (after `units`, as Keras orders them)
        *("activation", "recurrent_activation", "use_bias", "kernel_initializer"),
        *("recurrent_initializer", "bias_initializer", "kernel_regularizer"),
        *("recurrent_regularizer", "bias_regularizer", "activity_regularizer"),
        *("kernel_constraint", "recurrent_constraint", "bias_constraint", "dropout"),
        *("recurrent_dropout", "seed", "return_sequences", "return_state", "go_backwards"),
        *("stateful", "unroll", "reset_after", "use_cudnn"),
    )
    cell_keys = (
        "units",
        "activation",
        "recurrent_activation",
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
        "reset_after",
        "seed",
    )
