"""`RNN(cell)`: run a recurrent cell over the time axis of `(batch, timesteps, features)`
inputs, as Keras 3's `keras.layers.RNN`; the base of SimpleRNN, LSTM and GRU.

The cell (`SimpleRNNCell`, `LSTMCell`, `GRUCell`) owns the weights, laid out as Keras's
(`kernel` `(features, k * units)`, `recurrent_kernel` `(units, k * units)`, `bias`), so
`.keras` files and `set_weights` interoperate. A whole sequence is computed by the cell's
`_sequence` (vectorized over the batch, a Python loop over time, the input projection
`x @ kernel` of all timesteps in one matmul) and backpropagated through time by its
`_sequence_backward`, written next to it.

The cell may also be a list of cells (wrapped in `StackedRNNCells`, as Keras: the states
come back nested per cell as Keras's symbolic call gives them, `output, [h1, c1], h2`;
`initial_state=` takes that form or the states flat), or a cell written the Keras way (a
layer with `state_size` and `call(inputs, states)` returning `(output, new_states)`),
which trains by tracing one step (`numkeras.layers.traced_cell`). The call's sequence
argument is Keras 3's `sequences=` (numkeras also takes `inputs=`).

`return_sequences`, `return_state`, `go_backwards` (the outputs come back in the
reversed order, as Keras), `initial_state=[...]` in the call, and `dropout` /
`recurrent_dropout` (training only; one mask per call, fixed over the timesteps, as
Keras) are supported, and `stateful=True` (states carried from batch to batch until
`reset_states()`; the batch size must be fixed). `unroll` is accepted and
has no effect.

A mask (`(batch, timesteps)`, True for real steps: from `Embedding(mask_zero=True)` or
`Masking` before the layer, or `mask=` in a direct call) makes a padded step leave the
states unchanged; its output is the previous output (the state), or zeros with
`zero_output_for_mask=True` (as Keras 3's JAX backend, `Bidirectional` sets it for
sequences). No gradient flows through a padded step's update. With `return_sequences`
the layer passes the mask on. As in Keras 3, a layer given `initial_state` leaves out the
mask its inputs carry (from the layers before: it still passes it on), and uses a `mask=`
given to the call.

>>> import numpy as np
>>> from numkeras.layers import LSTM
>>> LSTM(4, return_sequences=True)(np.ones((2, 5, 3))).shape
(2, 5, 4)
>>> from numkeras.layers import SimpleRNN
>>> layer = SimpleRNN(2, return_sequences=True, kernel_initializer="ones")
>>> x = np.ones((1, 3, 1))
>>> y = layer(x, mask=np.array([[True, False, True]]))
>>> bool((y[0, 1] == y[0, 0]).all())  # the padded step repeats the previous output
True
"""

from __future__ import annotations

import numpy as np

from numkeras import activations, backend, constraints, initializers, regularizers
from numkeras.backend import random
from numkeras.errors import (
    ArgumentTypeError,
    ConfigError,
    IncompatibleShapesError,
    ShapeError,
    format_shape,
)
from numkeras.layers.layer import Layer, _convert, is_symbolic
from numkeras.utils.checks import is_int, named_positionals
from numkeras.variables import Variable


def _rate(value, what: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        # (a TypeError too, as Keras's comparison with a non-number raises)
        raise ArgumentTypeError(f"`{what}` must be a float between 0 and 1, received {value!r}.")
    return min(1.0, max(0.0, float(value)))  # Keras clips


def _units(units) -> int:
    if isinstance(units, float) and units.is_integer():
        units = int(units)
    if not is_int(units) or units <= 0:
        raise ConfigError(
            "Received an invalid value for argument `units`, expected a positive integer, "
            f"got {units!r}."
        )
    return int(units)


def dropout_mask(generator, shape, rate: float, dtype):
    """A `{0, 1 / (1 - rate)}` mask of `shape` (Keras's `random.dropout` of ones)."""
    xp = backend.xp
    if rate >= 1.0:
        return xp.zeros(shape, dtype)
    bits = random.counter_bits(shape, random.bits_key(generator), xp)
    threshold = np.uint32(min(round(rate * 2.0**32), 2**32 - 1))
    mask = (bits >= threshold).astype(dtype)
    mask *= mask.dtype.type(1.0 / (1.0 - rate))
    return mask


class RNNCellBase(Layer):
    """What SimpleRNNCell, LSTMCell and GRUCell share: the config of the weights, dropout,
    and the one-step `call(inputs, states)` of Keras's cells (built on `_sequence`)."""

    n_gates = 1  # blocks of `units` columns in kernel / recurrent_kernel
    has_recurrent_activation = True
    output_is_state = True  # the output is the first state (the RNN's gradient shortcut)

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
        seed=None,
        **kwargs,
    ):
        kwargs.pop("implementation", None)  # Keras's kernel choice: the same math here
        units = _units(units)
        dropout = _rate(dropout, "dropout")
        recurrent_dropout = _rate(recurrent_dropout, "recurrent_dropout")
        if seed is not None and not is_int(seed):
            raise ConfigError(f"`seed` must be an integer or None, received {seed!r}.")
        super().__init__(**kwargs)
        self.units = units
        self.activation = activations.get(activation)
        self.recurrent_activation = activations.get(recurrent_activation)
        self.use_bias = bool(use_bias)
        self.kernel_initializer = initializers.get(kernel_initializer)
        self.recurrent_initializer = initializers.get(recurrent_initializer)
        self.bias_initializer = initializers.get(bias_initializer)
        self.kernel_regularizer = regularizers.get(kernel_regularizer)
        self.recurrent_regularizer = regularizers.get(recurrent_regularizer)
        self.bias_regularizer = regularizers.get(bias_regularizer)
        self.kernel_constraint = constraints.get(kernel_constraint)
        self.recurrent_constraint = constraints.get(recurrent_constraint)
        self.bias_constraint = constraints.get(bias_constraint)
        self.dropout = dropout
        self.recurrent_dropout = recurrent_dropout
        self.seed = seed
        self._rng = random.make_generator(seed) if seed is not None else None
        self.kernel = self.recurrent_kernel = self.bias = None

    @property
    def state_size(self):
        return self.units

    @property
    def output_size(self) -> int:
        return self.units

    def _state_sizes(self) -> list[int]:
        s = self.state_size
        return list(s) if isinstance(s, (list, tuple)) else [s]

    def initial_states(self, batch: int, dtype) -> list:
        """Zeros, one array per state (what an RNN starts from)."""
        return [backend.xp.zeros((batch, s), dtype) for s in self._state_sizes()]

    # -- weights ----------------------------------------------------------------------------
    def _bias_shape(self) -> tuple:
        return (self.n_gates * self.units,)

    def _bias_initializer(self):
        return self.bias_initializer

    def build(self, input_shape) -> None:
        input_dim = tuple(input_shape)[-1]
        if input_dim is None:
            raise ShapeError(
                f"Layer '{self.name}': the last axis (features) of the inputs must be known "
                f"to create the kernel; received shape {format_shape(tuple(input_shape))}."
            )
        k = self.n_gates * self.units
        self.kernel = self.add_weight(
            (input_dim, k),
            initializer=self.kernel_initializer,
            name="kernel",
            regularizer=self.kernel_regularizer,
            constraint=self.kernel_constraint,
        )
        self.recurrent_kernel = self.add_weight(
            (self.units, k),
            initializer=self.recurrent_initializer,
            name="recurrent_kernel",
            regularizer=self.recurrent_regularizer,
            constraint=self.recurrent_constraint,
        )
        self.bias = None
        if self.use_bias:
            self.bias = self.add_weight(
                self._bias_shape(),
                initializer=self._bias_initializer(),
                name="bias",
                regularizer=self.bias_regularizer,
                constraint=self.bias_constraint,
            )

    def _reset_build_state(self) -> None:
        self.kernel = self.recurrent_kernel = self.bias = None

    # -- dropout ----------------------------------------------------------------------------
    def _masks(self, batch: int, input_dim: int, dtype, training: bool):
        """`(input mask (batch, features) or None, recurrent mask (batch, units) or None)`,
        drawn once per call and applied at every timestep (as Keras's DropoutRNNCell)."""
        if not training:
            return None, None
        gen = self._rng if self._rng is not None else random.global_generator()
        dp = dropout_mask(gen, (batch, input_dim), self.dropout, dtype) if self.dropout else None
        rdp = None
        if self.recurrent_dropout:
            rdp = dropout_mask(gen, (batch, self.units), self.recurrent_dropout, dtype)
        return dp, rdp

    def _project(self, xs, dp):
        """`(masked inputs, x @ kernel (+ input bias))` of all timesteps in one matmul."""
        xp = backend.xp
        T, B, F = xs.shape
        xin = xs * dp if dp is not None else xs
        kernel = self.kernel.value  # (its width, not -1: a batch of 0 rows has no size)
        xk = xp.matmul(xin.reshape(T * B, F), kernel).reshape(T, B, kernel.shape[-1])
        if self.bias is not None:
            b = self.bias.value
            xk += b[0] if b.ndim == 2 else b
        return xin, xk

    def _input_grads(self, xin, dX, dp, need_input_grad: bool):
        """Kernel gradient from the stacked pre-activation gradients `dX` (T, B, k*units),
        and the gradient of the (time-major) inputs."""
        T, B, F = xin.shape
        d2 = dX.reshape(T * B, -1)
        if self.kernel.wants_grad:
            self.kernel.add_matmul_grad(xin.reshape(T * B, F).T, d2)
        if not need_input_grad:
            return None
        dxs = backend.xp.matmul(d2, self.kernel.value.T).reshape(T, B, F)
        if dp is not None:
            dxs *= dp
        return dxs

    # -- Keras's one-step cell API ----------------------------------------------------------
    def __call__(self, inputs, states=None, training=None, **kwargs):
        if is_symbolic(inputs):  # inside a traced cell (a custom cell holding this one)
            self._maybe_build(tuple(inputs.shape))
            if states is None:
                raise ConfigError(
                    f"Cell '{self.name}' called on a symbolic tensor needs its `states`."
                )
            return self.call(inputs, states, training=training)
        inputs = _convert(inputs, self.dtype)
        self._maybe_build(tuple(inputs.shape))
        if states is None:
            states = [
                backend.xp.zeros((inputs.shape[0], s), self.dtype) for s in self._state_sizes()
            ]
        return self.call(inputs, states, training=bool(training))

    def call(self, inputs, states, training: bool = False):
        """One step: `(output, new_states)` for inputs `(batch, features)`. On symbolic
        tensors (a subclass's traced `call` reaching `super().call`) it records the step
        with its own backward pass, so the subclass trains."""
        xp = backend.xp
        if is_symbolic(inputs) or is_symbolic(states):
            states = list(states) if isinstance(states, (list, tuple)) else [states]
            outs = _CellStep(self)._call_symbolic([inputs, *states], training=training)
            return outs[0], list(outs[1:])
        states = list(states) if isinstance(states, (list, tuple)) else [states]
        states = [xp.asarray(s, dtype=inputs.dtype) for s in states]
        masks = self._masks(inputs.shape[0], inputs.shape[1], inputs.dtype, training)
        outs, finals, _ = self._sequence(inputs[None], states, masks, keep=False)
        return outs[0], finals

    def get_initial_state(self, batch_size=None):
        return [backend.xp.zeros((batch_size, s), self.dtype) for s in self._state_sizes()]

    # subclasses: _sequence(xs, states, masks, keep) -> (outs (T,B,U), final states, cache)
    #             _sequence_backward(cache, d_seq or None, d_states, need) -> (dxs, d_states0)

    # -- config -----------------------------------------------------------------------------
    def get_config(self) -> dict:
        config = {
            **super().get_config(),
            "units": self.units,
            "activation": activations.serialize(self.activation),
        }
        if self.has_recurrent_activation:
            config["recurrent_activation"] = activations.serialize(self.recurrent_activation)
        config.update(
            {
                "use_bias": self.use_bias,
                "kernel_initializer": initializers.serialize(self.kernel_initializer),
                "recurrent_initializer": initializers.serialize(self.recurrent_initializer),
                "bias_initializer": initializers.serialize(self.bias_initializer),
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
        )
        return config

    def _repr_args(self) -> str:
        return str(self.units)


class _CellStep(Layer):
    """Inside a trace: one step of a built-in cell (`[inputs, *states]` ->
    `[output, *new_states]`), run and backpropagated by the cell's own passes; the cell's
    weights receive the gradients."""

    def __init__(self, cell: RNNCellBase):
        super().__init__(name=f"{cell.name}_step", dtype=cell.dtype)
        self.cell = cell
        self.built = True

    def _sublayers(self) -> list[Layer]:
        return [self.cell]

    def compute_output_shape(self, input_shape):
        batch = input_shape[0][0]
        sizes = self.cell._state_sizes()
        return [(batch, self.cell.output_size), *[(batch, s) for s in sizes]]

    def call(self, inputs, training: bool = False):
        return self.forward(inputs, training)[0]

    def forward(self, inputs, training: bool = True):
        x, states = inputs[0], list(inputs[1:])
        cell = self.cell
        masks = cell._masks(x.shape[0], x.shape[1], x.dtype, bool(training))
        outs, finals, cache = cell._sequence(x[None], states, masks, keep=True)
        return [outs[0], *finals], cache

    def backward(self, cache, grad_output, need_input_grad: bool = True):
        xp = backend.xp
        g_out, g_states = grad_output[0], list(grad_output[1:])
        sizes = self.cell._state_sizes()
        batch, dtype = cache["batch"], cache["dtype"]
        g_states = [
            xp.zeros((batch, s), dtype) if g is None else g for g, s in zip(g_states, sizes)
        ]
        d_seq = None if g_out is None else g_out[None]
        dxs, d_states = self.cell._sequence_backward(cache, d_seq, g_states, True)
        if not need_input_grad:
            return None
        return [dxs[0], *d_states]


def _seq_shape(input_shape):
    return tuple(input_shape[0] if isinstance(input_shape, list) else input_shape)


class StepMask:
    """The padding of one recurrent pass, time-major in the order the steps run: `keep`
    `(T, B, 1)` is True at a real step. A padded step leaves the states unchanged; its
    output is the (unchanged) state, or zeros with `zero_output` (Keras's JAX `rnn`)."""

    def __init__(self, keep, zero_output: bool):
        self.keep = keep
        self.zero_output = zero_output

    def carry(self, t: int, new, old):
        """A state after step `t`: `new` at real steps, `old` at padded ones."""
        return backend.xp.where(self.keep[t], new, old)

    def output(self, t: int, new, state):
        """Step `t`'s output, given its computed value and the state after it."""
        if self.zero_output:
            return backend.xp.where(self.keep[t], new, new.dtype.type(0))
        return state

    def split(self, t: int, g_state, g_out):
        """From the gradients of step `t`'s output state and output (or None): the
        gradient of its computed value, and the gradient passed straight to the state
        before it (at padded steps)."""
        xp = backend.xp
        keep, zero = self.keep[t], g_state.dtype.type(0)
        total = g_state if g_out is None else g_state + g_out
        passed = g_state if self.zero_output else total  # (a zero output takes none)
        return xp.where(keep, total, zero), xp.where(keep, zero, passed)

    def split_state(self, t: int, g_state):
        """`split` for a state that is not the output (LSTM's cell)."""
        xp = backend.xp
        keep, zero = self.keep[t], g_state.dtype.type(0)
        return xp.where(keep, g_state, zero), xp.where(keep, zero, g_state)


class RNN(Layer):
    """Base recurrent layer: runs `cell` over time (a built-in cell, a list of cells, or
    a custom cell; see the module docstring)."""

    tuple_outputs = True  # several outputs come back as a tuple, as in Keras

    supports_masking = True
    replayed_call_kwargs = ("initial_state",)  # (a Keras config's node may give them)
    list_inputs_take_masks = False  # (its list is [sequences, *initial states])

    def __init__(
        self,
        cell,
        return_sequences: bool = False,
        return_state: bool = False,
        go_backwards: bool = False,
        stateful: bool = False,
        unroll: bool = False,
        zero_output_for_mask: bool = False,
        **kwargs,
    ):
        if isinstance(cell, (list, tuple)):  # as Keras: a list of cells is one stacked cell
            from numkeras.layers.stacked_rnn_cells import StackedRNNCells

            cell = StackedRNNCells(list(cell))
        from numkeras.layers.traced_cell import check_cell

        check_cell(cell)
        super().__init__(**kwargs)
        self.cell = cell
        self.return_sequences = bool(return_sequences)
        self.return_state = bool(return_state)
        self.go_backwards = bool(go_backwards)
        # stateful: each batch starts from the last one's final states (`states`, Keras's
        # non-trainable Variables of the fixed batch size, not weights: Keras neither
        # trains nor saves them) until `reset_states()`; no gradient flows back into the
        # previous batch
        self.stateful = bool(stateful)
        self._pending_states = None
        self.unroll = bool(unroll)  # accepted for Keras's configs; no effect here
        self.zero_output_for_mask = bool(zero_output_for_mask)
        self.states = None

    def compute_mask(self, inputs, mask=None):
        """The input mask for the sequence output (`return_sequences`), else None; None for
        the states (Keras 3's rule)."""
        mask = mask[0] if isinstance(mask, (list, tuple)) else mask
        out = mask if self.return_sequences else None
        if self.return_state:
            return [out] + [None] * len(self._flat_state_sizes())
        return out

    def _sublayers(self) -> list[Layer]:
        return [self.cell]

    def _saved_children(self) -> list:
        """`(key, layer)` of the layers whose weights Keras saves under this one."""
        return [("cell", self.cell)]

    @property
    def state_size(self) -> list:
        """Keras's `RNN.state_size`: the cell's, as a list (nested for stacked cells:
        `[[4, 4], 3]` for an LSTMCell(4) under a SimpleRNNCell(3))."""
        size = self.cell.state_size
        return list(size) if isinstance(size, (list, tuple)) else [size]

    @property
    def _runner(self):
        """What runs the cell over a sequence: the built-in cell itself (its hand-written
        pass), a stacked cell, or a `TracedCell` for a cell written the Keras way."""
        runner = self.__dict__.get("_cell_runner")
        if runner is None or runner.cell is not self.cell:
            from numkeras.layers.traced_cell import runner_for

            runner = _RunnerRef(self.cell, runner_for(self.cell))
            self.__dict__["_cell_runner"] = runner
        return runner.runner

    def _flat_state_sizes(self) -> list[int]:
        """One size per state array, in the order the layer takes and returns them."""
        return self._runner._state_sizes()

    # -- calling ----------------------------------------------------------------------------
    def __call__(
        self, inputs=None, initial_state=None, mask=None, training=None, sequences=None, **kwargs
    ):
        # Keras 3 names the sequence argument `sequences`; numkeras also takes `inputs=`
        if inputs is None:
            if sequences is None:
                raise TypeError("missing a required argument: 'sequences'")
            inputs = sequences
        elif sequences is not None:
            raise TypeError("multiple values for argument 'sequences'")
        if mask is not None:  # (on arrays, or symbolic: the graph keeps it as the call's)
            kwargs["mask"] = mask
        if initial_state is not None:
            if isinstance(inputs, (list, tuple)):
                raise ConfigError(
                    f"Layer '{self.name}': pass the initial states either in the inputs list "
                    "or as `initial_state=`, not both."
                )
            call = super().__call__
            out = call_with_states(self, call, inputs, initial_state, mask, training, kwargs)
            return self._nested_result(out)
        return self._nested_result(super().__call__(inputs, training=training, **kwargs))

    @property
    def call_signature_parameters(self) -> list[str]:
        """Keras 3's names of the call's parameters."""
        if type(self).call is not RNN.call:  # (a subclass's own call: its parameters)
            return super().call_signature_parameters
        return ["sequences", "initial_state", "mask", "training"]

    def _nest_states(self, flat: list) -> list:
        """The states (or their shapes) in Keras's structure: per entry of `state_size`,
        the state itself for a size, a list of states for a list of sizes (a stacked
        LSTMCell's `[h, c]`): `out, [h1, c1], h2` for `RNN([LSTMCell, GRUCell])`."""
        sizes = self.state_size
        if not any(isinstance(s, (list, tuple)) for s in sizes):
            return list(flat)
        out, i = [], 0
        for size in sizes:
            if isinstance(size, (list, tuple)):
                out.append(list(flat[i : i + len(size)]))
                i += len(size)
            else:
                out.append(flat[i])
                i += 1
        return out if i == len(flat) else list(flat)

    def _nested_result(self, out):
        """A call's flat outputs (the graph's node holds them so) in Keras's structure: as
        Keras's symbolic call (an eager Keras call also lists a one-state cell's state)."""
        if not self.return_state or not isinstance(out, (list, tuple)):
            return out
        return (out[0], *self._nest_states(list(out[1:])))

    def _symbolic_output_shape(self, input_shape, call_kwargs, masks):
        # (a node's outputs are flat; the call nests them, see `_nested_result`)
        return self._flat_output_shape(input_shape)

    def _flat_output_shape(self, input_shape):
        """`compute_output_shape` with the states' shapes flat, in a list."""
        shape = self.compute_output_shape(input_shape)
        if not self.return_state:
            return shape
        flat = [tuple(shape[0])]
        for s in shape[1:]:
            flat.extend([tuple(t) for t in s] if isinstance(s, list) else [tuple(s)])
        return flat

    def get_build_config(self) -> dict | None:
        shape = self._build_input_shape
        if isinstance(shape, list):  # with initial states: Keras's form of the shapes
            return {
                "shapes_dict": {
                    "sequences_shape": list(shape[0]),
                    "initial_state_shape": self._nest_states(  # (nested as Keras's)
                        [list(s) for s in shape[1:]]
                    ),
                }
            }
        return super().get_build_config()

    def _check(self, input_shape) -> None:
        shapes_ = input_shape if isinstance(input_shape, list) else [input_shape]
        seq = tuple(shapes_[0])
        if len(seq) != 3:
            raise ShapeError(
                f"Input 0 of layer '{self.name}' is incompatible with the layer: expected "
                f"ndim=3 (batch, timesteps, features), found ndim={len(seq)}. Full shape "
                f"received: {format_shape(seq)}"
            )
        built_for = self._build_input_shape
        if self.built and built_for is not None:
            # a built layer on another feature size: a clear ShapeError (not NumPy's matmul
            # message; Keras's JAX backend fails in its dot_general)
            features = tuple(_seq_shape(built_for))[-1]
            if None not in (features, seq[-1]) and features != seq[-1]:
                raise IncompatibleShapesError(  # (a TypeError too, as JAX's)
                    f"Layer '{self.name}' was built for inputs of shape (batch, timesteps, "
                    f"{features}); it received {format_shape(seq)}. Create a new layer for "
                    "inputs with another number of features."
                )
        if len(shapes_) > 1:
            sizes = self._flat_state_sizes()
            if len(shapes_) - 1 != len(sizes):
                raise ShapeError(
                    f"Layer '{self.name}' expects {len(sizes)} initial state(s), received "
                    f"{len(shapes_) - 1}."
                )
            for s, size in zip(shapes_[1:], sizes):
                if len(s) != 2 or s[-1] not in (None, size):
                    raise ShapeError(
                        f"Layer '{self.name}': an initial state must have shape (batch, "
                        f"{size}), received {format_shape(tuple(s))}."
                    )

    def build(self, input_shape) -> None:
        self._check(input_shape)
        seq = _seq_shape(input_shape)
        if self.stateful:
            if seq[0] is None:
                raise ShapeError(
                    f"Layer '{self.name}': when using `stateful=True` in a RNN, the batch size "
                    f"must be static. Found dynamic batch size: sequence.shape={seq}. Give "
                    "the Input a batch size: Input(batch_shape=(32, timesteps, features)) "
                    "(Keras 2: batch_input_shape=...)."
                )
        if isinstance(self.cell, Layer) and not self.cell.built:
            self.cell.build((seq[0], *seq[2:]))
            self.cell.built = True
        if self.stateful:  # (a custom cell's get_initial_state, as Keras)
            initial = self._runner.initial_states(seq[0], self.dtype)
            self.states = [
                Variable(s, trainable=False, name="rnn_state", path=f"{self.name}/rnn_state")
                for s in initial
            ]
        _set_paths(self.cell, self.name)  # Keras's paths: "lstm/lstm_cell/kernel"

    def compute_output_shape(self, input_shape):
        self._check(input_shape)
        batch, steps = _seq_shape(input_shape)[:2]
        units = self._runner.output_size
        out = (batch, steps, units) if self.return_sequences else (batch, units)
        if self.return_state:  # a tuple, the states nested as Keras's (`_nest_states`)
            return (out, *self._nest_states([(batch, s) for s in self._flat_state_sizes()]))
        return out

    def get_initial_state(self, batch_size):
        """The states a call starts from: a list of arrays, one per state, nested per cell
        for stacked cells (each cell's list, as Keras's `StackedRNNCells`)."""
        from numkeras.layers.stacked_rnn_cells import StackedRNNCells

        if isinstance(self.cell, StackedRNNCells):
            return self.cell.get_initial_state(batch_size)
        return self._runner.initial_states(batch_size, self.dtype)

    def reset_state(self) -> None:
        """A stateful layer's states back to zeros, in place (Keras's `reset_state(s)`)."""
        for state in self.states or ():
            state.assign(backend.xp.zeros(state.shape, state.dtype))
        self._pending_states = None

    reset_states = reset_state

    def discard_updates(self) -> None:
        """Forget the final states of a training step that did not finish."""
        self._pending_states = None

    def commit_updates(self) -> None:
        """A stateful layer keeps a finished training step's final states."""
        if self._pending_states is not None:
            self._carry(self._pending_states)
            self._pending_states = None

    def _carry(self, finals: list) -> None:
        for state, final in zip(self.states, finals):
            state.assign(final)

    def _initial_states(self, batch: int) -> list:
        if not self.stateful:
            return self._runner.initial_states(batch, self.dtype)
        expected = self.states[0].shape[0]
        if batch != expected:
            raise ShapeError(
                f"Layer '{self.name}': if an RNN is stateful, the batch size of the input "
                "sequences must be the same as the batch size of its states.\n"
                f"- Expected batch size: {expected}\n- Received batch size: {batch}\n"
                "Feed batches of that size (fit/predict with batch_size=" + str(expected) + ", "
                "and a sample count divisible by it)."
            )
        return [s.value.copy() for s in self.states]

    def call(self, inputs, training: bool = False, mask=None):
        return self._forward(inputs, training, keep=False, mask=mask)[0]

    def forward(self, inputs, training: bool = True, mask=None):
        return self._forward(inputs, training, keep=True, mask=mask)

    def _step_mask(self, mask, x):
        """The `StepMask` of `mask` `(batch, timesteps)` for inputs `x`, or None."""
        if isinstance(mask, (list, tuple)):
            mask = mask[0]
        if mask is None:
            return None
        keep = backend.xp.asarray(mask)
        if tuple(keep.shape) != tuple(x.shape[:2]):
            raise ShapeError(
                f"Layer '{self.name}': the mask must have shape (batch, timesteps) = "
                f"{format_shape(x.shape[:2])}, received {format_shape(keep.shape)}."
            )
        keep = keep.astype(bool, copy=False).T[:, :, None]
        if self.go_backwards:
            keep = keep[::-1]
        return StepMask(keep, self.zero_output_for_mask)

    def _forward(self, inputs, training: bool, keep: bool, mask=None):
        xp = backend.xp
        if isinstance(inputs, list):
            x, states = inputs[0], [xp.asarray(s, dtype=inputs[0].dtype) for s in inputs[1:]]
            self._check([tuple(t.shape) for t in inputs])
        else:
            x, states = inputs, None
            self._check(tuple(x.shape))
        B = x.shape[0]
        given = states is not None
        # (given initial states, only a mask given to the call arrives: Keras 3 fills none)
        steps = None if mask is None else self._step_mask(mask, x)
        if not given:
            states = [s.astype(x.dtype, copy=False) for s in self._initial_states(B)]
        xs = x.transpose(1, 0, 2)
        if self.go_backwards:
            xs = xs[::-1]
        cell = self._runner
        masks = cell._masks(B, x.shape[2], x.dtype, training)
        if steps is None:  # (a cell of a subclass may not take `steps`)
            outs, finals, ccache = cell._sequence(xs, states, masks, keep=keep)
        else:
            outs, finals, ccache = cell._sequence(xs, states, masks, keep=keep, steps=steps)
        if not self.__dict__.get("_paths_set"):  # (a custom cell's layers build on use)
            _set_paths(self.cell, self.name, only_new=True)
            self._paths_set = True
        if self.return_sequences:
            output = xp.ascontiguousarray(outs.transpose(1, 0, 2))
        else:
            output = outs[-1].copy() if outs.shape[0] else states[0].copy()
        if self.stateful and not given:  # (a training step's, once it has finished)
            carried = [xp.array(f) for f in finals]
            if keep:
                self._pending_states = carried
            else:
                self._carry(carried)
        result = [output, *finals] if self.return_state else output
        # (the last output is a zero, not the state, at a padded step with zero outputs)
        last_apart = steps is not None and steps.zero_output and not self.return_sequences
        last_apart = last_apart and x.shape[1] > 0
        # (a cell whose output is not its first state takes the last output's gradient
        # as that of the last step's output)
        last_apart = last_apart or not getattr(cell, "output_is_state", True)
        return result, (ccache, given, last_apart, xs.shape, x.dtype)

    def backward(self, cache, grad_output, need_input_grad: bool = True):
        xp = backend.xp
        ccache, given, last_apart, (T, B, _), dtype = cache
        sizes = self._flat_state_sizes()
        n = len(sizes)
        if self.return_state:
            g_out, d_states = grad_output[0], list(grad_output[1:])
        else:
            g_out, d_states = grad_output, [None] * n
        d_seq = None
        if self.return_sequences:
            d_seq = g_out.transpose(1, 0, 2)
        elif last_apart:
            d_seq = xp.zeros((T, *g_out.shape), g_out.dtype)
            if T:
                d_seq[-1] = g_out
        else:
            d_states[0] = g_out if d_states[0] is None else d_states[0] + g_out
        d_states = [xp.zeros((B, s), dtype) if d is None else d for d, s in zip(d_states, sizes)]
        dxs, d_states0 = self._runner._sequence_backward(ccache, d_seq, d_states, need_input_grad)
        if not need_input_grad:
            return None
        if self.go_backwards:
            dxs = dxs[::-1]
        dx = xp.ascontiguousarray(dxs.transpose(1, 0, 2))
        return [dx, *d_states0] if given else dx

    # -- config -----------------------------------------------------------------------------
    def get_config(self) -> dict:
        from numkeras.models.config import serialize_layer

        config = {
            **super().get_config(),
            "return_sequences": self.return_sequences,
            "return_state": self.return_state,
            "go_backwards": self.go_backwards,
            "stateful": self.stateful,
            "unroll": self.unroll,
            "zero_output_for_mask": self.zero_output_for_mask,
        }
        if type(self) is RNN:
            config["cell"] = serialize_layer(self.cell)
        return config

    @classmethod
    def from_config(cls, config: dict, custom_objects: dict | None = None):
        config = dict(config)
        if cls is RNN:
            config["cell"] = _deserialize_cell(config["cell"], custom_objects)
        if isinstance(config.get("dtype"), dict):
            config["dtype"] = config["dtype"].get("config", {}).get("name")
        return cls(**config)

    def _repr_args(self) -> str:
        return f"{self.cell.units}" if type(self) is not RNN else type(self.cell).__name__


class _RunnerRef:
    """A layer's cell and the runner made for it (remade if the cell is replaced)."""

    def __init__(self, cell, runner):
        self.cell, self.runner = cell, runner


def call_with_states(layer, call, inputs, initial_state, mask, training, kwargs: dict):
    """`call([inputs, *states])` for a recurrent layer given `initial_state=` (an RNN, a
    Bidirectional): the states flattened (Keras nests a stacked cell's), a symbolic `mask=`
    given one per input, and the graph's node written as the call was made
    (`initial_state=`, `mask=`), as Keras's configs write it."""
    states = _flatten(initial_state)
    if is_symbolic(inputs) and mask is not None and not isinstance(mask, list):
        kwargs["mask"] = [mask] + [None] * len(states)
    out = call([inputs, *states], training=training, **kwargs)
    if is_symbolic(inputs):
        given = initial_state if isinstance(initial_state, (list, tuple)) else states
        written = {"initial_state": given, **({} if mask is None else {"mask": mask})}
        layer._inbound_nodes[-1].call_arguments = ([inputs], written)
    return out


def _flatten(states) -> list:
    """A (possibly nested, as Keras's stacked cells take them) list of states, flat."""
    if not isinstance(states, (list, tuple)):
        return [states]
    out = []
    for s in states:
        out.extend(_flatten(s))
    return out


def _set_paths(layer, prefix: str, only_new: bool = False) -> None:
    """Keras's variable paths under a recurrent layer: `<prefix>/<layer>/<name>`, and the
    same for the layers inside it (`rnn/stacked_rnn_cells/lstm_cell/kernel`). `only_new`:
    only the variables that still have the path `add_weight` gave them (those a custom
    cell's inner layers created on first use, after the layer's build)."""
    if not isinstance(layer, Layer):
        return
    here = f"{prefix}/{layer.name}"
    for v in layer._own_variables:
        if not only_new or v.path == f"{layer.name}/{v.name}":
            v.path = f"{here}/{v.name}"
    for child in layer._sublayers():
        _set_paths(child, here, only_new)


def _deserialize_cell(config, custom_objects: dict | None = None):
    """A cell from its config (`StackedRNNCells` too, before numkeras.layers lists it)."""
    from numkeras.models.config import deserialize_layer

    if isinstance(config, dict) and config.get("class_name") == "StackedRNNCells":
        from numkeras.layers.stacked_rnn_cells import StackedRNNCells

        inner = dict(config.get("config") or {})
        cells = StackedRNNCells.from_config(inner, custom_objects)
        built_for = (config.get("build_config") or {}).get("input_shape")
        if built_for is not None:  # built from its build_config, as Keras deserializes it
            cells._maybe_build(tuple(built_for))
        return cells
    return deserialize_layer(config, custom_objects)


class RecurrentLayer(RNN):
    """SimpleRNN / LSTM / GRU: an RNN that builds its own cell from the cell's arguments
    and exposes them (`layer.units`, `layer.activation`, ...), with Keras's flat config."""

    cell_class: type = RNNCellBase
    cell_name = "cell"
    cell_keys: tuple = ()
    config_omits: tuple = ()  # cell keys Keras leaves out of the layer's config
    positional_keys: tuple = ()  # Keras's order of the arguments after `units`

    def __init__(
        self,
        units,
        *args,
        return_sequences=False,
        return_state=False,
        go_backwards=False,
        stateful=False,
        unroll=False,
        zero_output_for_mask=False,
        activity_regularizer=None,
        **kwargs,
    ):
        if args:  # (positional, in Keras's order: `LSTM(32, "relu")`)
            kwargs = named_positionals(type(self).__name__, self.positional_keys, args, kwargs)
            return_sequences = kwargs.pop("return_sequences", return_sequences)
            return_state = kwargs.pop("return_state", return_state)
            go_backwards = kwargs.pop("go_backwards", go_backwards)
            stateful = kwargs.pop("stateful", stateful)
            unroll = kwargs.pop("unroll", unroll)
            activity_regularizer = kwargs.pop("activity_regularizer", activity_regularizer)
        kwargs.pop("use_cudnn", None)  # Keras's kernel choice (cuDNN): no effect here
        if "input_shape" not in kwargs and ("input_dim" in kwargs or "input_length" in kwargs):
            # Keras 2's recurrent spelling (`LSTM(32, input_dim=8, input_length=10)`):
            # input_shape=(input_length, input_dim), either may be None
            kwargs["input_shape"] = (
                kwargs.pop("input_length", None),
                kwargs.pop("input_dim", None),
            )
        layer_keys = ("name", "trainable", "dtype", "input_shape", "input_dim", "batch_size")
        layer_kwargs = {k: kwargs.pop(k) for k in list(kwargs) if k in layer_keys}
        layer_kwargs.update(
            {k: kwargs.pop(k) for k in ("batch_input_shape", "autocast") if k in kwargs}
        )
        cell = self.cell_class(
            units,
            dtype=layer_kwargs.get("dtype"),
            trainable=layer_kwargs.get("trainable", True),
            name=self.cell_name,
            **kwargs,
        )
        super().__init__(
            cell,
            return_sequences=return_sequences,
            return_state=return_state,
            go_backwards=go_backwards,
            stateful=stateful,
            unroll=unroll,
            zero_output_for_mask=zero_output_for_mask,
            activity_regularizer=activity_regularizer,
            **layer_kwargs,
        )

    def __getattr__(self, name: str):
        if name in type(self).cell_keys or name in ("kernel", "recurrent_kernel", "bias"):
            cell = self.__dict__.get("cell")
            if cell is not None:
                return getattr(cell, name)
        return super().__getattr__(name)

    def get_config(self) -> dict:
        config = super().get_config()
        cell = self.cell.get_config()
        for key in ("name", "trainable", "dtype", *self.config_omits):
            cell.pop(key)
        config.update(cell)
        config["activity_regularizer"] = regularizers.serialize(self.activity_regularizer)
        # Keras's key order: the cell's, with activity_regularizer after bias_regularizer
        ordered = {}
        for k, v in config.items():
            if k == "activity_regularizer":
                continue
            ordered[k] = v
            if k == "bias_regularizer":
                ordered["activity_regularizer"] = config["activity_regularizer"]
        return ordered

    @classmethod
    def from_config(cls, config: dict):
        config = dict(config)
        config.pop("cell", None)
        if isinstance(config.get("dtype"), dict):
            config["dtype"] = config["dtype"].get("config", {}).get("name")
        return cls(**config)
