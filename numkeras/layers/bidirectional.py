"""`Bidirectional(layer)`: run a recurrent layer forwards and a copy of it backwards over
the sequence and merge the two outputs, as Keras 3.

`merge_mode` is "concat" (default), "sum", "mul", "ave" or None (a list of both outputs).
The backward copy is `layer`'s config with `go_backwards=True` (named `backward_<name>`),
or your own `backward_layer`; with `return_sequences` its output is flipped back to the
forward time order before merging. With `return_state`, the states of the forward layer
follow the output(s), then those of the backward layer; `initial_state=` takes them in the
same order. The config nests both layers' configs (`"layer"`, `"backward_layer"`).
A mask reaches both layers (each leaves the padded steps out, and with
`return_sequences` outputs zeros there, as Keras sets `zero_output_for_mask`), and is
passed on with `return_sequences` (once per output with `merge_mode=None`). Given
`initial_state`, as an RNN, only a `mask=` given to the call reaches them (Keras 3 fills
none from the layers before).

>>> import numpy as np
>>> from numkeras.layers import LSTM
>>> Bidirectional(LSTM(3))(np.ones((2, 4, 5))).shape
(2, 6)
"""

from __future__ import annotations

from numkeras import backend
from numkeras.errors import ArgumentTypeError, ConfigError
from numkeras.layers.inner_activity import inner_activity, plus_activity
from numkeras.layers.layer import Layer
from numkeras.layers.rnn import RNN, call_with_states

_MODES = ("sum", "mul", "ave", "concat", None)


def _renamed_copy(layer, name: str, **changes):
    from numkeras.models.config import deserialize_layer, serialize_layer

    config = serialize_layer(layer)
    config.pop("build_config", None)
    config["config"] = {**config["config"], "name": name, **changes}
    return deserialize_layer(config)


def _outputs(out) -> list:
    """A recurrent layer's outputs as a list (with `return_state`, the states too)."""
    return list(out) if isinstance(out, (list, tuple)) else [out]


def _strip(name: str, prefix: str) -> str:
    return name[len(prefix) :] if name.startswith(prefix) else name


class Bidirectional(Layer):
    supports_masking = True
    tuple_outputs = True  # several outputs come back as a tuple, as in Keras
    list_inputs_take_masks = False  # (its list is [sequences, *initial states])
    replayed_call_kwargs = ("initial_state",)  # (a Keras config's node may give them)

    def __init__(self, layer, merge_mode="concat", weights=None, backward_layer=None, **kwargs):
        if not isinstance(layer, RNN):
            raise ArgumentTypeError(
                "Please initialize `Bidirectional` layer with a recurrent layer (SimpleRNN, "
                f"LSTM, GRU or RNN). Received: {layer!r}"
            )
        if backward_layer is not None and not isinstance(backward_layer, RNN):
            raise ArgumentTypeError(
                "`backward_layer` need to be a recurrent layer instance. Received: "
                f"{backward_layer!r}"
            )
        if merge_mode not in _MODES:
            raise ConfigError(
                f"Invalid merge mode. Received: {merge_mode}. Merge mode should be one of "
                '{"sum", "mul", "ave", "concat", None}'
            )
        super().__init__(**kwargs)
        self.forward_layer = _renamed_copy(layer, f"forward_{_strip(layer.name, 'forward_')}")
        if backward_layer is None:
            self.backward_layer = _renamed_copy(
                layer, f"backward_{_strip(layer.name, 'backward_')}", go_backwards=True
            )
        else:
            self.backward_layer = backward_layer
        fwd, bwd = self.forward_layer, self.backward_layer
        if fwd.go_backwards == bwd.go_backwards:
            raise ConfigError(
                "Forward layer and backward layer should have different `go_backwards` value. "
                f"Received: forward_layer.go_backwards {fwd.go_backwards}, "
                f"backward_layer.go_backwards={bwd.go_backwards}"
            )
        for a in ("stateful", "return_sequences", "return_state"):
            if getattr(fwd, a) != getattr(bwd, a):
                raise ConfigError(
                    "Forward layer and backward layer are expected to have the same value for "
                    f'attribute "{a}", got "{getattr(fwd, a)}" for forward layer and '
                    f'"{getattr(bwd, a)}" for backward layer'
                )
        for sub in (fwd, bwd):  # as Keras
            sub.zero_output_for_mask = sub.return_sequences
        self.merge_mode = merge_mode
        self.stateful = layer.stateful
        self.return_sequences = layer.return_sequences
        self.return_state = layer.return_state
        if weights:
            n = len(weights)
            self.build_weights = (weights[: n // 2], weights[n // 2 :])
        else:
            self.build_weights = None

    def _sublayers(self) -> list[Layer]:
        return [self.forward_layer, self.backward_layer]

    def _saved_children(self) -> list:
        return [("forward_layer", self.forward_layer), ("backward_layer", self.backward_layer)]

    # -- calling ----------------------------------------------------------------------------
    def __call__(
        self, inputs=None, initial_state=None, mask=None, training=None, sequences=None, **kwargs
    ):
        if inputs is None:  # (Keras 3's name for it; numkeras also takes `inputs=`)
            if sequences is None:
                raise TypeError("missing a required argument: 'sequences'")
            inputs = sequences
        if mask is not None:
            kwargs["mask"] = mask  # (symbolic: the graph keeps it as the call's mask)
        if initial_state is None:
            return self._nested_result(super().__call__(inputs, training=training, **kwargs))
        call = super().__call__
        out = call_with_states(self, call, inputs, initial_state, mask, training, kwargs)
        return self._nested_result(out)

    @property
    def call_signature_parameters(self) -> list[str]:
        """Keras 3's names of the call's parameters (those of the RNN it wraps)."""
        if type(self).call is not Bidirectional.call:  # (a subclass's own call: its parameters)
            return super().call_signature_parameters
        return ["sequences", "initial_state", "mask", "training"]

    def _nested_result(self, out):
        """Each direction's states nested as its RNN's (`out, [h1, c1], h2, [h1, c1], h2`
        for stacked cells), as Keras."""
        if not self.return_state or not isinstance(out, (list, tuple)):
            return out
        n = 2 if self.merge_mode is None else 1
        states = list(out[n:])
        half = len(states) // 2
        fwd = self.forward_layer._nest_states(states[:half])
        bwd = self.backward_layer._nest_states(states[half:])
        return (*out[:n], *fwd, *bwd)

    def _symbolic_output_shape(self, input_shape, call_kwargs, masks):
        # (a node's outputs are flat; the call nests them, see `_nested_result`)
        shape = self.compute_output_shape(input_shape)
        if not self.return_state:
            return list(shape) if self.merge_mode is None else shape
        return [tuple(t) for s in shape for t in (s if isinstance(s, list) else [s])]

    def _split(self, inputs):
        """(forward inputs, backward inputs): the initial states split in halves."""
        if not isinstance(inputs, list):
            return inputs, inputs
        x, states = inputs[0], list(inputs[1:])
        half = len(states) // 2
        if len(states) % 2 or not states:
            raise ConfigError(
                f"Layer '{self.name}' needs as many initial states for the backward layer as "
                f"for the forward one; received {len(states)}."
            )
        return [x, *states[:half]], [x, *states[half:]]

    def build(self, input_shape) -> None:
        fshape, bshape = self._split(input_shape)
        self.forward_layer._maybe_build(fshape)
        self.backward_layer._maybe_build(bshape)
        if self.build_weights is not None:
            self.forward_layer.set_weights(self.build_weights[0])
            self.backward_layer.set_weights(self.build_weights[1])
            self.build_weights = None
        for v in self.weights:  # Keras's paths: "bidirectional/forward_lstm/lstm_cell/kernel"
            if not v.path.startswith(f"{self.name}/"):
                v.path = f"{self.name}/{v.path}"

    def compute_output_shape(self, input_shape):
        fshape, bshape = self._split(input_shape)
        out = self.forward_layer._flat_output_shape(fshape)  # (the states flat)
        bout = self.backward_layer._flat_output_shape(bshape)
        states, bstates = [], []
        if self.return_state:
            out, states = out[0], list(out[1:])
            bout, bstates = bout[0], list(bout[1:])
        out = tuple(out)
        if self.merge_mode == "concat":
            out = (*out[:-1], out[-1] + tuple(bout)[-1])
        if self.merge_mode is None:
            outs = [out, tuple(bout)]
        else:
            outs = [out]
        if self.return_state:  # a tuple, each direction's states nested as its RNN's
            fwd = self.forward_layer._nest_states([tuple(s) for s in states])
            bwd = self.backward_layer._nest_states([tuple(s) for s in bstates])
            return (*outs, *fwd, *bwd)
        if self.merge_mode is None:
            return tuple(outs)
        return out

    def compute_mask(self, inputs, mask=None):
        """With `return_sequences`, the input mask (per output with `merge_mode=None`);
        None for the states."""
        mask = mask[0] if isinstance(mask, (list, tuple)) else mask
        if not self.return_sequences:
            mask = None
        out = [mask, mask] if self.merge_mode is None else [mask]
        if self.return_state:
            return out + [None] * (2 * len(self.forward_layer._flat_state_sizes()))
        return out if self.merge_mode is None else mask

    def call(self, inputs, training: bool = False, mask=None):
        return self._run(inputs, training, keep=False, mask=mask)[0]

    def forward(self, inputs, training: bool = True, mask=None):
        return self._run(inputs, training, keep=True, mask=mask)

    def _run(self, inputs, training: bool, keep: bool, mask=None):
        xp = backend.xp
        fin, bin_ = self._split(inputs)
        # (given initial states, only a mask given to the call arrives: Keras 3 fills none)
        kw = {"mask": mask} if mask is not None else {}
        if keep:
            y, fcache = self.forward_layer.forward(fin, training=training, **kw)
            y_rev, bcache = self.backward_layer.forward(bin_, training=training, **kw)
        else:
            y = self.forward_layer.call(fin, training=training, **kw)
            y_rev = self.backward_layer.call(bin_, training=training, **kw)
            fcache = bcache = None
        # (as Keras, which calls both layers through __call__: their activity penalties,
        # the backward layer's first, as Keras's `losses` lists them)
        bact = inner_activity(self.backward_layer, _outputs(y_rev), keep)
        fact = inner_activity(self.forward_layer, _outputs(y), keep)
        states = []
        if self.return_state:
            states = list(y[1:]) + list(y_rev[1:])
            y, y_rev = y[0], y_rev[0]
        if self.return_sequences:
            y_rev = y_rev[:, ::-1]
        mode = self.merge_mode
        if mode == "concat":
            out = [xp.concatenate([y, y_rev], axis=-1)]
        elif mode == "sum":
            out = [y + y_rev]
        elif mode == "ave":
            out = [(y + y_rev) / y.dtype.type(2)]
        elif mode == "mul":
            out = [y * y_rev]
        else:
            out = [y, xp.ascontiguousarray(y_rev)]
        result = out + states if (self.return_state or mode is None) else out[0]
        return result, (fcache, bcache, y, y_rev, isinstance(inputs, list), fact, bact)

    def backward(self, cache, grad_output, need_input_grad: bool = True):
        fcache, bcache, y, y_rev, given, fact, bact = cache
        multi = self.return_state or self.merge_mode is None
        grads = list(grad_output) if multi else [grad_output]
        mode = self.merge_mode
        if mode is None:
            gy, gy_rev = grads[0], grads[1]
            gstates = grads[2:]
        else:
            g = grads[0]
            gstates = grads[1:]
            if mode == "concat":
                u = y.shape[-1]
                gy, gy_rev = g[..., :u], g[..., u:]
            elif mode == "sum":
                gy, gy_rev = g, g
            elif mode == "ave":
                gy = g / g.dtype.type(2)
                gy_rev = gy
            else:  # mul
                gy, gy_rev = g * y_rev, g * y
        if self.return_sequences:
            gy_rev = gy_rev[:, ::-1]
        gy = backend.xp.ascontiguousarray(gy)
        gy_rev = backend.xp.ascontiguousarray(gy_rev)
        if self.return_state:
            n = len(gstates) // 2
            gf = [gy, *gstates[:n]]
            gb = [gy_rev, *gstates[n:]]
        else:
            gf, gb = gy, gy_rev
        gf, gb = plus_activity(gf, fact), plus_activity(gb, bact)
        dxf = self.forward_layer.backward(fcache, gf, need_input_grad)
        dxb = self.backward_layer.backward(bcache, gb, need_input_grad)
        if not need_input_grad:
            return None
        if not given:
            return dxf + dxb
        return [dxf[0] + dxb[0], *dxf[1:], *dxb[1:]]

    # -- config -----------------------------------------------------------------------------
    def get_config(self) -> dict:
        from numkeras.models.config import serialize_layer

        return {
            **super().get_config(),
            "merge_mode": self.merge_mode,
            "layer": serialize_layer(self.forward_layer),
            "backward_layer": serialize_layer(self.backward_layer),
        }

    @classmethod
    def from_config(cls, config: dict, custom_objects: dict | None = None):
        from numkeras.models.config import deserialize_layer

        config = dict(config)
        built_for = (config["layer"].get("build_config") or {}).get("input_shape")
        config["layer"] = deserialize_layer(config["layer"], custom_objects)
        if config.get("backward_layer") is not None:
            config["backward_layer"] = deserialize_layer(config["backward_layer"], custom_objects)
        if isinstance(config.get("dtype"), dict):
            config["dtype"] = config["dtype"].get("config", {}).get("name")
        layer = cls(**config)
        if built_for is not None:
            # as Keras, whose deserialized inner layers come built from their build_config
            # (so the config reads back as it was written)
            for sub in (layer.forward_layer, layer.backward_layer):
                if not sub.built:
                    sub._maybe_build(tuple(built_for))
        return layer

    def _repr_args(self) -> str:
        return repr(self.forward_layer)
