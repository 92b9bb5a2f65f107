"""`LSTM` and `LSTMCell` (Hochreiter 1997), as Keras 3.

Gates in Keras's order i, f, c, o: `z = x_t @ kernel + h_{t-1} @ recurrent_kernel + bias`
split into four blocks of `units`; `i = ra(z_i)`, `f = ra(z_f)`,
`c_t = f * c_{t-1} + i * a(z_c)`, `o = ra(z_o)`, `h_t = o * a(c_t)` (`a` = activation,
`ra` = recurrent_activation). States `[h, c]`. Weights (owned by the cell): `kernel`
`(features, 4 units)`, `recurrent_kernel` `(units, 4 units)`, `bias` `(4 units,)`;
`unit_forget_bias=True` starts the forget block of the bias at 1.

>>> import numpy as np
>>> out, h, c = LSTM(3, return_state=True)(np.ones((2, 4, 5)))
>>> out.shape, h.shape, c.shape
((2, 3), (2, 3), (2, 3))
"""

from __future__ import annotations

from numkeras import activations, backend, initializers
from numkeras.backend import fused
from numkeras.layers.rnn import RecurrentLayer, RNNCellBase


class _ForgetBiasInitializer:
    """Keras's bias initializer with `unit_forget_bias`: [init(u), ones(u), init(2u)]."""

    def __init__(self, base, units: int):
        self.base, self.units = base, units

    def __call__(self, shape, dtype=None):
        xp = backend.xp
        u = self.units
        parts = [
            self.base((u,), dtype=dtype),
            initializers.get("ones")((u,), dtype=dtype),
            self.base((2 * u,), dtype=dtype),
        ]
        return xp.concatenate([xp.asarray(p) for p in parts])


class LSTMCell(RNNCellBase):
    n_gates = 4

    def __init__(
        self,
        units,
        activation="tanh",
        recurrent_activation="sigmoid",
        use_bias=True,
        kernel_initializer="glorot_uniform",
        recurrent_initializer="orthogonal",
        bias_initializer="zeros",
        unit_forget_bias=True,
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
        self.unit_forget_bias = bool(unit_forget_bias)

    @property
    def state_size(self):
        return [self.units, self.units]

    def _bias_initializer(self):
        if self.unit_forget_bias:
            return _ForgetBiasInitializer(self.bias_initializer, self.units)
        return self.bias_initializer

    def _sequence(self, xs, states, masks, keep: bool, steps=None):
        xp = backend.xp
        T, B, _ = xs.shape
        U = self.units
        dp, rdp = masks
        ra, act = self.recurrent_activation, self.activation
        xin, z = self._project(xs, dp)  # (T, B, 4U) pre-activations, filled in place
        R = self.recurrent_kernel.value
        outs = xp.empty((T, B, U), xs.dtype)
        if keep:
            gates = xp.empty_like(z)  # i, f, g (= a(z_c)), o
            cs = xp.empty((T + 1, B, U), xs.dtype)  # c_{t-1} at t, c_T at T
            acs = xp.empty((T, B, U), xs.dtype)
            hms = xp.empty((T, B, U), xs.dtype)
            # with padding, the new cells (the states `cs` then keep the old at a padded step)
            cnews = xp.empty((T, B, U), xs.dtype) if steps is not None else None
        h, c = states
        if keep:
            cs[0] = c
        fused_states = None
        if steps is None and self._fused_steps(xs):
            kept = (gates, cs, acs, hms) if keep else None
            fused_states = self._fused_steps_loop(z, h, c, rdp, outs, kept)
        if fused_states is not None:
            h, c = fused_states
        else:
            for t in range(T):
                hm = h * rdp if rdp is not None else h
                zt = z[t]
                zt += hm @ R
                i = ra(zt[:, :U])
                f = ra(zt[:, U : 2 * U])
                g = act(zt[:, 2 * U : 3 * U])
                o = ra(zt[:, 3 * U :])
                cnew = f * c + i * g
                ac = act(cnew)
                if steps is None:
                    c = cnew
                    outs[t] = o * ac
                    h = outs[t]
                else:  # a padded step keeps both states (its output: h, or zeros)
                    new = o * ac
                    h = steps.carry(t, new, h)
                    c = steps.carry(t, cnew, c)
                    outs[t] = steps.output(t, new, h)
                    if keep:
                        cnews[t] = cnew
                if keep:
                    gates[t, :, :U] = i
                    gates[t, :, U : 2 * U] = f
                    gates[t, :, 2 * U : 3 * U] = g
                    gates[t, :, 3 * U :] = o
                    cs[t + 1] = c
                    acs[t] = ac
                    hms[t] = hm
        cache = None
        if keep:
            cache = {"xin": xin, "z": z, "gates": gates, "cs": cs, "acs": acs, "hms": hms}
            cache.update(masks=masks, batch=B, dtype=xs.dtype, steps=steps, cnews=cnews)
        return outs, [h.copy(), c.copy() if c is states[1] else c], cache

    def _fused_steps(self, xs) -> bool:
        """Whether the steps can run as `backend.fused`'s LSTM kernels: the default
        activations (sigmoid, tanh) on float32, and the kernels available."""
        return (
            xs.dtype == "float32"
            and self.recurrent_activation is activations.sigmoid
            and self.activation is activations.tanh
            and fused.available()
        )

    def _fused_steps_loop(self, z, h, c, rdp, outs, kept):
        """`_sequence`'s steps without padding, each step's gates and states in one fused
        pass (`backend.fused`'s lstm_step), writing `outs` and, in training, the buffers
        `kept` = (gates, cs, acs, hms); returns the final `(h, c)`, or None when the kernel
        does not run (then nothing is written). The same results as the NumPy steps up to
        the activations' last bits (the fused sigmoid and tanh, as everywhere else)."""
        xp = backend.xp
        T, B, U4 = z.shape
        R = self.recurrent_kernel.value
        coef = fused.tanh_coefficients(z.dtype)
        c = xp.ascontiguousarray(c)
        if kept is None:  # one step's scratch, and two cell buffers taking turns
            gate, a_t = xp.empty((B, U4), z.dtype), xp.empty((B, U4 // 4), z.dtype)
            cells = (xp.empty_like(a_t), xp.empty_like(a_t))
        else:
            gates, cs, acs, hms = kept
        product = xp.empty((B, U4), z.dtype)
        # every array is this method's own, C-contiguous float32: checked once, here (by
        # `run` on the first step), then the kernel is called directly (`run`'s checks cost
        # as much as a small step)
        step = None
        for t in range(T):
            hm = h * rdp if rdp is not None else h
            xp.matmul(hm, R, out=product)
            if kept is None:
                args = (z[t], product, c, coef, gate, cells[t % 2], a_t, outs[t])
            else:
                args = (z[t], product, c, coef, gates[t], cs[t + 1], acs[t], outs[t])
            if step is not None:
                step(*args)
            elif fused.run("lstm_step", *args) is not None:
                step = fused.kernel("lstm_step")
            else:
                return None  # (failed to compile: nothing written) the NumPy steps run
            if kept is not None:
                hms[t] = hm
            h, c = outs[t], args[5]
        return h, c.copy()

    def _sequence_backward(self, cache, d_seq, d_states, need_input_grad: bool):
        xp = backend.xp
        z, gates, cs, acs, hms = (cache[k] for k in ("z", "gates", "cs", "acs", "hms"))
        dp, rdp = cache["masks"]
        ra, act = self.recurrent_activation, self.activation
        T = z.shape[0]
        U = self.units
        Rt = self.recurrent_kernel.value.T
        steps, cnews = cache["steps"], cache["cnews"]
        dZ = xp.empty_like(z)
        dh, dc = d_states
        dc = xp.array(dc, copy=True, order="C")
        # the fused step needs exactly the sigmoid / tanh gradients (any float dtype: the
        # backward pass calls no transcendental function)
        fused_grads = ra is activations.sigmoid and act is activations.tanh and fused.available()
        one = z.dtype.type(1)
        grad_step = None  # the kernel, called directly once `run` has checked the arrays
        for t in range(T - 1, -1, -1):
            if steps is None:
                gh, passed, cnew = (dh + d_seq[t] if d_seq is not None else dh), None, cs[t + 1]
            else:  # a padded step's states come straight from the previous ones
                gh, passed = steps.split(t, dh, None if d_seq is None else d_seq[t])
                dc, c_passed = steps.split_state(t, dc)
                cnew = cnews[t]
            zt, gt = z[t], gates[t]
            if steps is None and fused_grads:
                args = (gt, cs[t], acs[t], xp.ascontiguousarray(gh), dc, one, dZ[t])
                if grad_step is not None:
                    grad_step(*args)
                elif fused.run("lstm_step_grad", *args) is not None:
                    grad_step = fused.kernel("lstm_step_grad")
                else:  # (failed to compile: nothing written) the NumPy steps run
                    fused_grads = False
                if fused_grads:
                    dh = dZ[t] @ Rt
                    if rdp is not None:
                        dh *= rdp
                    continue
            i, f, g, o = gt[:, :U], gt[:, U : 2 * U], gt[:, 2 * U : 3 * U], gt[:, 3 * U :]
            dc += act.grad(cnew, acs[t], gh * o)
            dZ[t, :, 3 * U :] = ra.grad(zt[:, 3 * U :], o, gh * acs[t])
            dZ[t, :, :U] = ra.grad(zt[:, :U], i, dc * g)
            dZ[t, :, U : 2 * U] = ra.grad(zt[:, U : 2 * U], f, dc * cs[t])
            dZ[t, :, 2 * U : 3 * U] = act.grad(zt[:, 2 * U : 3 * U], g, dc * i)
            dc *= f
            dh = dZ[t] @ Rt
            if rdp is not None:
                dh *= rdp
            if passed is not None:
                dh += passed
                dc += c_passed
        d2 = dZ.reshape(-1, 4 * U)
        if self.recurrent_kernel.wants_grad:
            self.recurrent_kernel.add_matmul_grad(hms.reshape(-1, U).T, d2)
        if self.bias is not None and self.bias.wants_grad:
            self.bias.add_sum_grad(d2)
        dxs = self._input_grads(cache["xin"], dZ, dp, need_input_grad)
        return dxs, [dh, dc]

    def get_config(self) -> dict:
        config = super().get_config()
        out = {}
        for k, v in config.items():  # Keras's order: unit_forget_bias after use_bias
            out[k] = v
            if k == "use_bias":
                out["unit_forget_bias"] = self.unit_forget_bias
        return out


class LSTM(RecurrentLayer):
    cell_class = LSTMCell
    cell_name = "lstm_cell"
    positional_keys = (  # (after `units`, as Keras orders them)
        *("activation", "recurrent_activation", "use_bias", "kernel_initializer"),
        *("recurrent_initializer", "bias_initializer", "unit_forget_bias"),
        *("kernel_regularizer", "recurrent_regularizer", "bias_regularizer"),
        *("activity_regularizer", "kernel_constraint", "recurrent_constraint"),
        *("bias_constraint", "dropout", "recurrent_dropout", "seed", "return_sequences"),
        *("return_state", "go_backwards", "stateful", "unroll", "use_cudnn"),
    )
    cell_keys = (
        "units",
        "activation",
        "recurrent_activation",
        "use_bias",
        "unit_forget_bias",
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
