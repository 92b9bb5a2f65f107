"""`Model`: a graph of layers, built with the functional API.

`Model(inputs, outputs)` walks the nodes that calling layers on `Input` tensors
recorded. It is itself a `Layer`, so a model can be called on tensors inside
another model (`x = generator(gan_input)`). Training lives in `Trainer`.

>>> import numpy as np
>>> from numkeras.layers import Input, Dense
>>> x = Input(shape=(64,))
>>> model = Model(x, Dense(8)(x))
>>> model.predict(np.zeros((128, 64)), verbose=0).shape
(128, 8)
"""

from __future__ import annotations

import itertools
import warnings
from dataclasses import dataclass, field

import numpy as np

from numkeras import backend, regularizers, shapes, tree
from numkeras.backend import stateless_scope
from numkeras.errors import (
    ConfigError,
    IncompatibleShapesError,
    InputTypeError,
    MissingCallError,
    ShapeError,
    format_shape,
    warn_deprecated,
)
from numkeras.layers import autocast
from numkeras.layers.input_layer import InputLayer
from numkeras.layers.integer_inputs import has_integers
from numkeras.layers.keras_tensor import KerasTensor, Node
from numkeras.layers.layer import (
    Layer,
    _convert,
    _loss_sinks,
    accepts,
    attribute_layers,
    call_accepts_training,
    check_input_all,
    collecting_losses,
    get_array_mask,
    is_symbolic,
    path_scope,
    set_array_mask,
    shape_of,
    symbolic_masks,
    training_default,
    warn_mask,
)
from numkeras.trainers.trainer import Trainer
from numkeras.utils.checks import is_int


class _ActivityCache:
    """A step's cache plus the gradients of its activity penalties (one per output)."""

    __slots__ = ("cache", "grads")

    def __init__(self, cache, grads: list):
        self.cache, self.grads = cache, grads


def _from_intermediate_inputs(inputs, outputs, losses):
    """`(inputs, outputs, losses)`, where an input that is a layer's output (not an
    `Input`) is replaced by a new `Input` of its shape and dtype, and the layers between
    it and the outputs are called again on that (the same layers, so the weights are
    shared), as Keras 3 does: `Model(encoder_output, decoder_output)` is the model from
    that tensor on. Inputs that are all `Input`s (or not tensors) come back as given."""
    from numkeras.layers.input_layer import Input
    from numkeras.models.cloning import replay_node

    flat = tree.flatten(inputs)

    def is_input(t) -> bool:  # (a bare `KerasTensor(shape)` has no node: it gets an Input
        # too, as `keras.Function` takes it; Keras's Model crashes on one)
        return t.node is not None and isinstance(t.node.layer, InputLayer)

    if not all(isinstance(t, KerasTensor) for t in flat) or all(is_input(t) for t in flat):
        return inputs, outputs, losses  # (the checks in `_init_graph` say what is wrong)
    tensors = {id(t): t if is_input(t) else Input(batch_shape=t.shape, dtype=t.dtype) for t in flat}
    order, seen = [], set()

    def visit(t: KerasTensor) -> None:
        if id(t) in tensors or id(t.node) in seen:
            return
        seen.add(id(t.node))
        for parent in t.node.inputs:
            visit(parent)
        order.append(t.node)

    ends = [t for t in tree.flatten(outputs) + list(losses or []) if isinstance(t, KerasTensor)]
    for t in ends:
        visit(t)
    for node in order:
        # an Input the model does not take stays (the graph check in `_init_graph` says so)
        if isinstance(node.layer, InputLayer):
            tensors.update((id(t), t) for t in node.outputs)
        else:
            replay_node(node, tensors)

    def swap(t):
        return tensors.get(id(t), t)

    return (
        tree.map_structure(swap, inputs),
        tree.map_structure(swap, outputs),
        None if losses is None else [swap(t) for t in losses],
    )


def _shapes_of(inputs):
    """The shape, list of shapes or dict of shapes of symbolic `inputs` (as `build` takes)."""
    if isinstance(inputs, dict):
        return {k: tuple(t.shape) for k, t in inputs.items()}
    return shape_of(inputs)


@dataclass
class _Step:
    """One node of the graph, in execution order, with the value slots it reads and writes."""

    layer: Layer
    in_slots: list[int]
    out_slots: list[int]
    multi_in: bool
    multi_out: bool
    training_override: bool | None
    pass_training: bool
    # A Dense whose output only feeds an activation layer leaves its bias add to that
    # layer, which adds it in the same pass as the activation (see `_fuse_bias_adds`).
    defer_bias: bool = False
    bias_from: Layer | None = None
    # (masked graphs only) whether the layer's call and forward take the input mask
    takes_mask: bool = False
    # a user layer's own call keywords in the graph (`MyLayer()(x, reverse=True)`)
    call_kwargs: dict = field(default_factory=dict)
    # a user layer's call that takes a mask: its inputs' symbolic masks (for its shapes)
    symbolic_masks: object = None
    # the slots of a symbolic `mask=` given to the call (the call's mask, not propagated:
    # one tensor, or a list with None for unmasked inputs, rebuilt by `node.call_mask`)
    mask_slots: list = field(default_factory=list)
    node: Node | None = None
    # a mixed_float16 graph only (`Model._autocasting`): the layer computes in float16
    # (`layers/autocast.py`), or, a float32 layer, takes its float16 inputs as float32
    half: bool = False
    upcasts: bool = False
    # a layer that casts (or narrows) integer and bool inputs by its `integer_inputs`
    # (not a model or an operation, which take them as they are)
    converts_integers: bool = True
    # a model called as a layer: it takes each input as its Input's dtype (as Keras's)
    nested: bool = False


def _as_input_dtypes(model, args):
    """A nested model's inputs, each as its Input's dtype where an integer or bool is
    involved, as Keras's Functional converts them (floats pass as they are)."""
    several = isinstance(args, list)
    out = []
    for a, layer in zip(args if several else [args], getattr(model, "_input_layers", ())):
        want = layer.dtype
        kind = getattr(a, "dtype", np.dtype("O")).kind
        if want != "string" and kind in "fiub" and a.dtype != want:
            if kind in "iub" or np.dtype(want).kind in "iub":
                a = a.astype(want)
        out.append(a)
    if not out:  # (a model without a graph yet: its call converts)
        return args
    return out if several else out[0]


def _autocast_inputs(step: _Step, args):
    """A step's inputs as Keras's call autocasts them, in a mixed_float16 graph: rounded
    to float16 values for a float16 layer; float16 arrays made float32 for a float32 one."""
    if step.half:
        return tree.map_structure(autocast.round_half, args)
    if step.upcasts:
        dtype = step.layer.dtype
        return tree.map_structure(lambda a: a.astype(dtype) if autocast.is_half(a) else a, args)
    return args


def _fuse_bias_adds(steps: list[_Step], output_slots: list[int]) -> None:
    """Pair each Dense (no activation, with bias) whose output goes only to one layer that
    `adds_bias` (LeakyReLU), so the executor runs `Dense(defer_bias=True)` then
    `LeakyReLU(bias=dense.bias)`: the bias add and the activation become one pass.
    The Dense's output must not be a model output (it stays unbiased until the next step)."""
    readers: dict[int, list[_Step]] = {}
    for step in steps:
        for s in step.in_slots:
            readers.setdefault(s, []).append(step)
    for step in steps:
        if step.multi_out or not getattr(step.layer, "defers_bias", False):
            continue
        out = step.out_slots[0]
        nxt = readers.get(out, [])
        if out in output_slots or len(nxt) != 1:
            continue
        (consumer,) = nxt
        if consumer.multi_in or not getattr(consumer.layer, "adds_bias", False):
            continue
        if not (_takes(step, "defer_bias") and _takes(consumer, "bias")):
            continue  # e.g. a subclass whose call() does not take the argument
        step.defer_bias = True
        consumer.bias_from = step.layer


def _loss_sinks_hold(sink: list) -> bool:
    """Whether `sink` already collects the `add_loss` values (a nested model's run)."""
    return bool(_loss_sinks) and _loss_sinks[-1] is sink


def _recorded(outputs, losses=()) -> list:
    """What a traced call recorded, in order: each layer, or each operation's type."""
    flat = list(outputs.values()) if isinstance(outputs, dict) else outputs
    flat = (list(flat) if isinstance(flat, (list, tuple)) else [flat]) + list(losses)
    seen, order = set(), []

    def visit(t):
        node = t.node
        if id(node) in seen:
            return
        seen.add(id(node))
        for parent in node.inputs:
            visit(parent)
        layer = node.layer
        order.append(type(layer) if getattr(layer, "is_operation", False) else id(layer))

    for t in flat:
        visit(t)
    return order


def _output_count_error(model, step: _Step, args, out) -> ShapeError:
    """A layer whose number of outputs follows its data (`ops.unstack`) gave another count
    than the graph was built with: the model's outputs would go missing or be dropped."""
    shapes_ = [format_shape(np.shape(a)) for a in (args if step.multi_in else [args])]
    return IncompatibleShapesError(
        f"Layer '{step.layer.name}' of model '{model.name}' gave {len(out)} outputs on inputs "
        f"of shape {', '.join(shapes_)}, but the model was built with {len(step.out_slots)} "
        "from it (its output count follows the data, as unstack's does along an axis). "
        "Call the model on data of the size it was built for, or build it with that size "
        "known (`Input(batch_shape=...)`, unstack's `num`)."
    )


def _step_input_masks(step: _Step, mask_of: list, kw: dict, explicit=None):
    """A masked run: the step's input mask(s) (a list for a multi-input step; `explicit`,
    the call's own symbolic `mask=`, when given), handed in `kw` to a layer that takes
    them (Keras 3 fills a call's `mask` argument)."""
    layer = step.layer
    if explicit is not None:
        in_mask, has = explicit, True
    elif step.multi_in:
        in_mask = [mask_of[s] for s in step.in_slots]
        has = any(m is not None for m in in_mask)
    else:
        in_mask = mask_of[step.in_slots[0]]
        has = in_mask is not None
    if isinstance(layer, Model):  # a nested model runs its own masks, and returns them
        kw["out_masks"] = []
        if has:
            kw["masks"] = in_mask if step.multi_in else [in_mask]
    elif has and step.takes_mask:
        # (an RNN's inputs' masks pass on, not in: its states are another argument to Keras)
        if explicit is not None or not step.multi_in or layer.list_inputs_take_masks:
            kw["mask"] = in_mask
    elif has and accepts(layer, "mask") and not getattr(layer, "is_operation", False):
        warn_mask(layer, "forward")
    return in_mask


def _step_output_masks(step: _Step, args, in_mask, kw: dict, mask_of: list) -> None:
    """A masked run: the masks of the step's outputs, as Keras 3's `Layer.__call__` sets
    them: `compute_mask` for a layer that supports masking, none for an operation, and
    none (with Keras's warning) for a layer that does not support masking."""
    layer = step.layer
    if isinstance(layer, Model):
        flat = kw["out_masks"]
    elif getattr(layer, "is_operation", False):
        flat = []
    elif layer.supports_masking:
        out = layer.compute_mask(args, in_mask)
        flat = list(out) if isinstance(out, (list, tuple)) else [out]
    else:
        given = in_mask if step.multi_in else [in_mask]
        if any(m is not None for m in given):
            warn_mask(layer, "drops")
        flat = []
    for k, s in enumerate(step.out_slots):
        mask_of[s] = flat[k] if k < len(flat) else None


def _paths_of(nested: dict, prefix: str = "") -> dict:
    """`{"a/b/c": value}` for the leaves of a nested dict (a state tree's group)."""
    flat: dict = {}
    for key, value in nested.items():
        if isinstance(value, dict):
            flat.update(_paths_of(value, f"{prefix}{key}/"))
        else:
            flat[f"{prefix}{key}"] = value
    return flat


def _forget_nodes(outputs) -> None:
    """Take the nodes that led to `outputs` (a discarded trace's) off their layers' calls,
    so `summary` and `layer.output` see only the graph kept."""
    stack = [t for t in tree.flatten(outputs) if isinstance(t, KerasTensor)]
    seen: set[int] = set()
    while stack:
        node = stack.pop().node
        if node is None or id(node) in seen or isinstance(node.layer, InputLayer):
            continue
        seen.add(id(node))
        node.layer._inbound_nodes[:] = [n for n in node.layer._inbound_nodes if n is not node]
        stack.extend(node.inputs)


def _takes(step: _Step, argument: str) -> bool:
    """Whether the step's layer call() and forward() both take `argument` (and training)."""
    layer = step.layer
    return step.pass_training and accepts(layer, argument) and accepts(layer, argument, "forward")


class Model(Trainer, Layer):
    """A functional model; subclass `Sequential` for a plain stack of layers."""

    _autocasts_calls = False  # (under a mixed policy its layers autocast, each its own)
    integer_inputs = "own"  # (each input is cast to its Input's dtype: _standardize_inputs)
    _autocasting = False  # a layer of its graph computes in float16 (see `_init_graph`)

    def __new__(cls, *args, **kwargs):
        # As Keras 3: `Model(inputs, outputs)` makes a `Functional` (its type name shows in
        # `summary()` rows and configs); subclasses stay what they are
        if cls is Model and (args or {"inputs", "outputs", "input", "output"} & set(kwargs)):
            cls = Functional
        return super().__new__(cls, *args, **kwargs)

    def __init__(self, inputs=None, outputs=None, name: str | None = None, **kwargs):
        trainable = kwargs.pop("trainable", True)
        if "input" in kwargs or "output" in kwargs:  # Keras 1's spelling (2017 scripts)
            inputs = kwargs.pop("input", inputs)
            outputs = kwargs.pop("output", outputs)
            warn_deprecated(
                "`Model(input=..., output=...)` is a Keras 1 spelling; use "
                "`Model(inputs=..., outputs=...)`."
            )
        if inputs is None or outputs is None:
            if inputs is not None or outputs is not None:
                raise ConfigError("Model(...) needs both `inputs` and `outputs`.")
            if type(self) in (Model, Functional):
                raise ConfigError(
                    "Model() needs `inputs` and `outputs` (functional API), e.g. "
                    "Model(inputs=x, outputs=y) with x = Input(shape=(64,)); or subclass "
                    "Sequential."
                )
        Layer.__init__(self, name=name, trainable=trainable, **kwargs)
        Trainer.__init__(self)
        self._graph_ready = False
        self._masked = False  # (see `_init_graph`)
        if inputs is not None:
            self._init_graph(inputs, outputs)

    @classmethod
    def _default_name(cls) -> str:
        # Keras 3 names functional models 'functional', 'functional_1', ...
        return "functional" if cls in (Model, Functional) else super()._default_name()

    # -- graph construction -----------------------------------------------------
    def _init_graph(self, inputs, outputs, losses=None) -> None:
        # `losses`: scalar tensors the training and evaluation loss include (`add_loss`)
        inputs, outputs, losses = _from_intermediate_inputs(inputs, outputs, losses)
        self._loss_tensors = list(losses or [])
        # nested lists and dicts (a stacked RNN's states, `out, [h1, c1], h2`; inputs
        # `[a, [b, c]]`): the graph takes them flat, outputs come back in the structure
        # and inputs are read in it (as Keras packs and flattens them)
        self._output_nested = _nests(outputs)
        self._input_nested = _nests(inputs)
        self._input_struct = inputs
        self._output_struct = outputs
        self._input_names = None
        # dicts are flattened in sorted key order, as Keras 3's tree.flatten: that order
        # fixes `inputs`, `outputs`, the layers' order and so `get_weights()`
        if isinstance(inputs, dict) and not self._input_nested:
            self._input_names = sorted(inputs)
            inputs = [inputs[k] for k in self._input_names]
        if isinstance(outputs, dict) and not self._output_nested:
            self._output_names = sorted(outputs)
            outputs = [outputs[k] for k in self._output_names]
        else:
            self._output_names = None
        self._inputs_list = list(inputs) if isinstance(inputs, (list, tuple)) else [inputs]
        self._outputs_list = list(outputs) if isinstance(outputs, (list, tuple)) else [outputs]
        if self._output_nested:  # (dicts in it flatten in sorted key order, as Keras's)
            self._outputs_list = tree.flatten(outputs)
        if self._input_nested:
            self._inputs_list = tree.flatten(inputs)
        self._single_input = not isinstance(self._input_struct, (list, tuple, dict))
        # Keras 3 unpacks a one-element output list: Model(x, [y]) returns arrays, not lists
        self._single_output = (
            not isinstance(self._output_struct, dict) and len(self._outputs_list) == 1
        )
        for t in self._inputs_list + self._outputs_list:
            if not isinstance(t, KerasTensor):
                raise ConfigError(
                    f"Model inputs and outputs must be symbolic tensors (from Input(...) and "
                    f"layer calls), received {type(t).__name__}."
                )
        nodes, layers = self._topological_nodes()
        names = [la.name for la in layers]
        for name in names:
            if names.count(name) > 1:
                raise ConfigError(
                    f'The name "{name}" is used {names.count(name)} times in the model. All '
                    "layer names should be unique: pass a unique `name=` to each layer."
                )
        slots: dict[int, int] = {}

        def slot(t: KerasTensor) -> int:
            return slots.setdefault(id(t), len(slots))

        self._input_slots = [slot(t) for t in self._inputs_list]
        self._input_layers = [t.node.layer for t in self._inputs_list]
        steps = []
        for node in nodes:
            if isinstance(node.layer, InputLayer):
                continue
            steps.append(
                _Step(
                    layer=node.layer,
                    in_slots=[slot(t) for t in node.layer_inputs],
                    mask_slots=[slot(t) for t in node.mask_inputs],
                    node=node,
                    out_slots=[slot(t) for t in node.outputs],
                    multi_in=node.is_multi_input,
                    multi_out=node.is_multi_output,
                    training_override=node.training,
                    pass_training=call_accepts_training(node.layer),
                    converts_integers=not getattr(node.layer, "is_operation", False)
                    and node.layer.integer_inputs != "own",
                    nested=isinstance(node.layer, Model),
                    call_kwargs=node.call_kwargs,
                    symbolic_masks=node.call_mask(node.mask_inputs)
                    if node.has_mask_input
                    else symbolic_masks(node.layer, node.inputs_structure),
                )
            )
        self._steps = steps
        self._nodes = [n for n in nodes if not isinstance(n.layer, InputLayer)]
        # Keras 3: operations (numkeras.ops, `x * 2.0`) are graph nodes but not layers; the
        # summary and the config list them, `layers` and the weights do not
        self._graph_operations = layers
        self._graph_layers = [la for la in layers if not getattr(la, "is_operation", False)]
        self._output_slots = [slot(t) for t in self._outputs_list]
        self._loss_slots = [slot(t) for t in self._loss_tensors]
        self._n_slots = len(slots)
        # Under a mixed_float16 policy the layers autocast their inputs as Keras's calls do
        for step in steps:
            layer = step.layer
            step.half = layer._mixed
            step.upcasts = type(layer)._autocasts_calls and layer.dtype in ("float32", "float64")
        self._autocasting = any(
            step.half or getattr(step.layer, "_autocasting", False) for step in steps
        )
        if not self._autocasting:
            _fuse_bias_adds(steps, self._output_slots)
        # Keras 3's masks are followed only in a graph with a layer that makes one, or a
        # call given a symbolic `mask=` (or when masks are given): decided here, so a graph
        # without one runs as before
        self._masked = any(step.layer._makes_mask() or step.mask_slots for step in steps)
        for step in steps:
            step.takes_mask = accepts(step.layer, "mask") and accepts(step.layer, "mask", "forward")
        self.built = True
        self._graph_ready = True
        self._build_input_shape = (
            self._inputs_list[0].shape
            if self._single_input
            else [t.shape for t in self._inputs_list]
        )
        self._after_graph_built()

    def _after_graph_built(self) -> None:
        """Hook for subclasses (Sequential) and the trainer: the variables may have changed."""
        self._flat_ready = False
        self._train_vars_cache = None
        self._stateful_cache = None
        self._loss_fns = None
        self._workspaces: dict = {}  # "train" / "eval" / "predict" -> buffers by step

    def _topological_nodes(self) -> tuple[list[Node], list[Layer]]:
        """Nodes in execution order, and layers in Keras 3's order (`ops/function.py`
        `map_graph`: by decreasing depth, ties broken by first DFS visit)."""
        order: list[Node] = []
        finished: set[int] = set()
        in_progress: set[int] = set()
        first_seen: dict[int, int] = {}
        allowed_inputs = {id(t) for t in self._inputs_list}

        def visit(t: KerasTensor):
            node = t.node
            if id(node) in finished:
                return
            if isinstance(node.layer, InputLayer) and id(t) not in allowed_inputs:
                raise ConfigError(
                    f"Graph disconnected: cannot obtain value for tensor {t!r} (input layer "
                    f"'{node.layer.name}'), which is not among the model's inputs. Pass it in "
                    "Model(inputs=[...])."
                )
            if id(node) in in_progress:
                raise ConfigError(
                    f"Tensor {t!r} from layer '{node.layer.name}' is part of a cycle."
                )
            first_seen.setdefault(id(node.layer), len(first_seen))
            in_progress.add(id(node))
            for parent in node.inputs:
                visit(parent)
            finished.add(id(node))
            in_progress.discard(id(node))
            order.append(node)

        for t in self._outputs_list + self._loss_tensors:
            visit(t)
        node_depth: dict[int, int] = {}
        layer_depth: dict[int, int] = {}
        layer_of: dict[int, Layer] = {}
        in_graph = {id(n) for n in order}
        for node in reversed(order):
            depth = max(node_depth.setdefault(id(node), 0), layer_depth.get(id(node.layer), 0))
            layer_depth[id(node.layer)] = depth
            layer_of[id(node.layer)] = node.layer
            node_depth[id(node)] = depth
            for parent in node.parent_nodes:
                if id(parent) in in_graph:
                    node_depth[id(parent)] = max(depth + 1, node_depth.get(id(parent), 0))
        for t in self._inputs_list:  # inputs that no output uses
            if id(t.node.layer) not in layer_depth:
                layer_depth[id(t.node.layer)] = 0
                first_seen[id(t.node.layer)] = -1
                layer_of[id(t.node.layer)] = t.node.layer
                order.insert(0, t.node)
        layers = sorted(
            layer_of.values(), key=lambda la: (-layer_depth[id(la)], first_seen[id(la)])
        )
        return order, layers

    # -- structure ----------------------------------------------------------------
    @property
    def layers(self) -> list[Layer]:
        if self._graph_ready and not self._has_own_call():
            return list(self._graph_layers)
        # a subclassed model: the layers it holds as attributes (or in lists), in order
        return attribute_layers(self)

    @property
    def operations(self) -> list:
        """The layers and operations of the graph, in Keras 3's order (as `layers`, plus the
        `numkeras.ops` operations, which `layers` leaves out)."""
        if self._graph_ready:
            return list(self._graph_operations)
        return self.layers

    def _sublayers(self) -> list[Layer]:
        return self.layers

    def quantize(self, mode: str | None = None, config=None, filters=None, **kwargs) -> None:
        """Quantize the model's layers' weights, Keras 3's post-training quantization: each
        `Dense` (matching `filters`, a name regex, a list of them, or a predicate of the
        layer) gets an int8 kernel. Only `mode="int8"` is computed in numkeras."""
        from numkeras.layers import quantization

        quantization.quantize_model(self, mode, config, filters, **kwargs)

    def get_layer(self, name: str | None = None, index: int | None = None) -> Layer:
        """The layer called `name`, or at position `index` of `layers` (give one of them)."""
        if (name is None) == (index is None):
            given = "neither" if name is None else f"both (name={name!r}, index={index!r})"
            raise ConfigError(
                f"get_layer() takes a layer name or a layer index; received {given}. Pass "
                f"one, e.g. get_layer({self.layers[0].name if self.layers else 'name'!r}) "
                "or get_layer(index=0)."
            )
        if index is not None and not is_int(index):
            # a TypeError, as Keras's `self.layers[index]` (also a ValueError, as before)
            raise InputTypeError(f"A layer index must be an integer, received {index!r}.")
        layers = self.layers
        if index is not None:
            if not -len(layers) <= index < len(layers):
                raise ConfigError(
                    f"Was asked to retrieve layer at index {index} but model only has "
                    f"{len(layers)} layers."
                )
            return layers[index]
        for layer in layers:
            if layer.name == name:
                return layer
        raise ConfigError(
            f"No such layer: {name}. Existing layers are: {[la.name for la in layers]}."
        )

    @property
    def inputs(self) -> list[KerasTensor]:
        self._require_graph("inputs")
        return list(self._inputs_list)

    @property
    def outputs(self) -> list[KerasTensor]:
        self._require_graph("outputs")
        return list(self._outputs_list)

    @property
    def input(self):
        self._require_graph("input")
        return self._input_struct

    @property
    def output(self):
        self._require_graph("output")
        return self._output_struct

    # (one shape, not a list of one, whatever the structure: as Keras 3's unpack_singleton)
    @property
    def input_shape(self):
        self._require_graph("input_shape")
        shapes_ = [t.shape for t in self._inputs_list]
        return shapes_[0] if len(shapes_) == 1 else shapes_

    @property
    def output_shape(self):
        self._require_graph("output_shape")
        shapes_ = [t.shape for t in self._outputs_list]
        return shapes_[0] if len(shapes_) == 1 else shapes_

    @property
    def output_names(self) -> list[str]:
        """The names of the layers that make the outputs, in `outputs`' order (Keras 3's;
        a dict of outputs is addressed by its keys: `_output_keys`)."""
        self._require_graph("output_names")
        return [t.node.layer.name for t in self._outputs_list]

    def _output_keys(self) -> list[str]:
        """How compile, targets and logs address each output: a dict's keys (sorted), else
        the output layers' names."""
        if not self._graph_ready and self.__dict__.get("_raw_steps"):
            # a subclassed model whose steps run its call eagerly, never traced (see
            # Trainer._raw_steps_for): its compiled loss and metrics take one prediction
            return ["output_0"]
        self._require_graph("output_names")
        if self._output_names is not None:
            return list(self._output_names)
        return self.output_names

    def _flat_in_output_nesting(self, value):
        """`value` (targets, losses, loss weights, sample weights) written in the nesting
        of nested outputs (`Model(x, [y1, {"q": y2}])`) as one entry per output, in
        `outputs`' order (dicts by sorted key, as Keras flattens them); else as given."""
        if not self.__dict__.get("_output_nested") or not isinstance(value, (list, tuple, dict)):
            return value
        if not _nests(value):
            return value  # already flat
        try:
            return _flat_up_to(self._output_struct, value)
        except ValueError:
            return value  # (the caller's own check says what does not fit)

    def _output_user_order(self, value) -> list[int] | None:
        """The outputs' indices in the order `value` (written in the nesting of nested
        outputs) lists them, its dicts in their own key order; None when it is not so
        written. (Keras 3 tracks a nested `loss`'s outputs in that order.)"""
        if self._flat_in_output_nesting(value) is value:
            return None
        sorted_paths = [path for path, _ in tree.flatten_with_path(self._output_struct)]

        def walk(node, path):
            if isinstance(node, dict):
                return [p for k, v in node.items() for p in walk(v, (*path, k))]
            if isinstance(node, (list, tuple)):
                return [p for k, v in enumerate(node) for p in walk(v, (*path, k))]
            return [path]

        return [sorted_paths.index(p) for p in walk(value, ())]

    def _output_log_names(self) -> list[str]:
        """Each output's name in the logs (`<name>_loss`). An output nested in a list or
        dict of the outputs is named by its path, as Keras 3 names it: `[y1, {"q": y2}]`
        logs `a_loss` and `1/q_loss`, `{"k": y1, "n": [y2, y3]}` logs `k_loss` and
        `n/b_loss` (a list's place is named by its output layer)."""
        names = self._output_keys()
        if self._outputs_unnamed():
            # (Keras 3 names each output's loss by its loss function there)
            return [_loss_log_name(fn) for fn in self._loss_fns or [None] * len(names)]
        if not self.__dict__.get("_output_nested"):
            return names
        paths = [path for path, _ in tree.flatten_with_path(self._output_struct)]
        return [_path_name(path, name) for path, name in zip(paths, names)]

    def _outputs_unnamed(self) -> bool:
        """Whether Keras 3 knows no names for the outputs: a subclassed model whose call
        returns several in a list or tuple (Keras's `output_names` is a functional model's;
        it names a dict's outputs by its keys). Its logs then say `accuracy`, not
        `dense_2_accuracy`, and `mean_squared_error_loss`, not `dense_1_loss` (Deep Learning
        with Python's CustomerTicketModel)."""
        return (
            self._has_own_call()
            and self._graph_ready
            and self._output_names is None
            and len(self._outputs_list) > 1
        )

    def _require_graph(self, what: str) -> None:
        if not self._graph_ready:
            from numkeras.errors import NotBuiltAttributeError

            raise NotBuiltAttributeError(
                f"Model '{self.name}' has no `{what}` yet: it is not built. Give its first "
                "layer an input shape (Input(shape=...)), call model.build(input_shape), or "
                "call it on data first."
            )

    # -- input checking -------------------------------------------------------------
    def _standardize_inputs(self, x, broadcast_batch: bool = False) -> list:
        """Convert `x` to one array per model input and check each against its Input, as
        Keras 3's Functional does (batch size free; trailing-1 squeeze/expand only).
        `broadcast_batch` (a direct call): inputs of one sample beside a batch pass, for
        the layers to broadcast, as Keras's call runs them (keras.io's Perceiver calls its
        cross-attention model on a latent array of batch 1 and a batch of data arrays).
        Raises a ShapeError that names the model and layer; changes nothing."""
        n = len(self._inputs_list)
        if self.__dict__.get("_input_nested"):  # (read in its nesting: `[a, [b, c]]`)
            x = self._flat_inputs(x)
        if isinstance(x, dict):
            arrays = self._by_input_name(x, "inputs")
        elif n == 1:
            if isinstance(x, (list, tuple)) and x and all(hasattr(a, "shape") for a in x):
                if len(x) > 1:  # (a nested list of numbers is one array; these are several)
                    raise ShapeError(
                        f"Model '{self.name}' has 1 input ({self._input_layers[0].name}), but "
                        f"received a list of {len(x)} arrays "
                        f"{[format_shape(a.shape) for a in x]}. Pass the one array itself."
                    )
                arrays = [x[0]]
            else:
                arrays = [x]
        else:
            if self._input_names is not None and isinstance(x, (list, tuple)):
                # as Keras: a list would silently depend on the order of the names
                raise ShapeError(
                    f"Model '{self.name}' takes its inputs by name ({self._input_names}): pass "
                    "a dict {name: array}, not a list."
                )
            if isinstance(x, (list, tuple)) and len(x) != n and _nests(x):
                leaves = tree.flatten(x)
                if len(leaves) == n and all(hasattr(a, "shape") for a in leaves):
                    # (keras.io's Siamese network calls its 3-input model on `(x,)`, a
                    # batch's structure: Keras 3 flattens it, with this warning)
                    warnings.warn(
                        f"Model '{self.name}': the structure of `inputs` does not match the "
                        f"expected structure {self._input_structure_names()}; taking its "
                        f"{n} arrays in order.",
                        stacklevel=3,
                    )
                    x = leaves
            if not isinstance(x, (list, tuple)) or len(x) != n:
                got = len(x) if isinstance(x, (list, tuple)) else 1
                raise ShapeError(
                    f"Model '{self.name}' has {n} inputs "
                    f"({', '.join(la.name for la in self._input_layers)}), but received {got} "
                    "array(s). Pass a list with one array per input, in order."
                )
            arrays = list(x)
        out = []
        for i, (a, layer) in enumerate(zip(arrays, self._input_layers)):
            if layer.dtype == "string":  # text, kept as NumPy strings for the text layers
                out.append(self._adjust_rank(_string_array(a, layer, self.name), layer, i))
                continue
            # each input as its Input's dtype, as Keras's Functional converts it (integer
            # data stay integers: each layer casts them, or not, by its `integer_inputs`)
            dtype = layer.dtype
            a = _convert(a, dtype) if not hasattr(a, "dtype") else backend.cast_input(a, dtype)
            try:
                out.append(self._adjust_rank(a, layer, i))
            except ShapeError as e:
                order = _input_order(arrays, self._input_layers) if n > 1 else None
                if order is None or isinstance(x, dict):
                    raise
                # (Keras-JAX's trainer checks only ranks: it runs swapped inputs of one rank
                # when the layers take them, as a Concatenate does)
                given = ", ".join(f"x[{j}]" for j in order)
                raise IncompatibleShapesError(
                    f"{e}\n  The arrays look given in another order: they fit the inputs "
                    f"({', '.join(la.name for la in self._input_layers)}) as [{given}]; pass "
                    "them in the inputs' order (or a dict by input name)."
                ) from None
        if n > 1:
            rows = {len(a) for a in out}
            if broadcast_batch:
                rows.discard(1)
            if len(rows) > 1:  # (Keras: ValueError from fit's data, TypeError from a call)
                raise IncompatibleShapesError(
                    f"Model '{self.name}': all inputs must have the same number of samples "
                    f"(axis 0); received shapes {[format_shape(a.shape) for a in out]}."
                )
        return out

    def _flat_inputs(self, x) -> list:
        """Inputs given in the nesting of the model's (`[a, [b, c]]`) as the flat list;
        a flat list of as many is taken as it is, with Keras 3's warning."""
        try:
            return _flat_up_to(self._input_struct, x)
        except ValueError:
            if isinstance(x, (list, tuple)) and len(x) == len(self._inputs_list):
                if not _nests(x):
                    warnings.warn(
                        f"Model '{self.name}': the structure of `inputs` does not match the "
                        f"expected structure {self._input_structure_names()}; taking them "
                        "in order.",
                        stacklevel=3,
                    )
                    return list(x)
            raise ShapeError(
                f"Model '{self.name}' takes its inputs nested as "
                f"{self._input_structure_names()}; pass the arrays in that nesting."
            ) from None

    def _input_structure_names(self):
        return tree.map_structure(lambda t: t.name, self._input_struct)

    def _adjust_rank(self, a, layer: InputLayer, index: int):
        ref = (None, *layer.batch_shape[1:])
        shape = tuple(a.shape)
        if len(shape) == len(ref) and shapes.compatible(ref, shape):
            return a
        if len(shape) == len(ref) + 1 and shape[-1] == 1 and shapes.compatible(ref, shape[:-1]):
            return a.reshape(shape[:-1])
        if len(shape) == len(ref) - 1 and ref[-1] == 1 and shapes.compatible(ref[:-1], shape):
            return a.reshape(*shape, 1)
        return self._other_input_shape(a, layer, index)

    def _other_input_shape(self, a, layer: InputLayer, index: int):
        return a.reshape(self._accepted_shape(tuple(a.shape), layer, index))

    def _accepted_shape(self, shape: tuple, layer: InputLayer, index: int) -> tuple:
        """For an input shape other than the declared one: the shape the model takes it
        as (made the declared rank), or its shape error. A functional model takes none, as
        Keras 3's input spec (`Sequential` asks its layers)."""
        raise self._input_error(layer, index, shape)

    def _input_error(
        self, layer: InputLayer, index: int, shape, ref=None, refusal: Exception | None = None
    ) -> ShapeError:
        """The model-level shape error; `ref` (default: the declared batch shape) is what
        the model needs, `refusal` the error of the layer that refused the input."""
        ref = (None, *layer.batch_shape[1:]) if ref is None else ref
        consumers = [s.layer.name for s in self._steps if self._input_slots[index] in s.in_slots]
        declared = getattr(self, "_declared_input_shape", None)
        d = shapes.diagnose(ref, shape, declared)
        which = f"input '{layer.name}'" if len(self._inputs_list) > 1 else "its input"
        by = f" (first used by layer '{consumers[0]}')" if consumers else ""
        lines = d.lines()
        if refusal is not None:
            lines.insert(1, f"(The layers refuse it: {str(refusal).splitlines()[0]})")
        msg = (
            f"Model '{self.name}' cannot take an input of shape {format_shape(shape)}: "
            f"{which}{by} expects {shapes.template(ref)}.\n  " + "\n  ".join(lines)
        )
        # (both types: Keras raises ValueError from its input checks, and TypeError when
        # the arrays reach its computation, as the seed's (256, 256, 64) does)
        return IncompatibleShapesError(msg)

    # -- execution --------------------------------------------------------------------
    def _run(
        self,
        inputs: list,
        training: bool = False,
        caches: list | None = None,
        workspace: dict | None = None,
        penalties: list | None = None,
        masks: list | None = None,
        out_masks: list | None = None,
    ):
        """Run the graph on checked arrays; with `caches`, record each step's cache.

        With `penalties` (a list the caller owns), the layers' activity penalties are
        appended to it (Keras adds them to the training and evaluation loss); with
        `caches` too, their gradients are recorded for `_backward`.

        With a `workspace` (a dict the caller owns), built-in layers write into buffers
        reused from one call to the next, keyed by step, so a nested model or a shared
        layer called twice gets separate buffers. Only callers that do not let the
        outputs escape (predict copies them; training steps consume them) pass one.

        Masks, as Keras 3 runs them: in a graph with a layer that makes one (`_masked`) or
        given `masks` (one per input, or None), each step's output masks are computed
        beside its values (`_step_masks`); `out_masks` (a list the caller owns) receives
        one per output (None: no mask).
        """
        if penalties is not None and not _loss_sinks_hold(penalties):
            with collecting_losses(penalties):  # (layers' `add_loss` values join the loss)
                return self._run(inputs, training, caches, workspace, penalties, masks, out_masks)
        values = [None] * self._n_slots
        for s, a in zip(self._input_slots, inputs):
            values[s] = a
        mask_of = None  # each slot's mask, in a masked run
        if self._masked or (masks is not None and any(m is not None for m in masks)):
            mask_of = [None] * self._n_slots
            for s, m in zip(self._input_slots, masks or ()):
                mask_of[s] = m
        for i, step in enumerate(self._steps):
            args = [values[s] for s in step.in_slots] if step.multi_in else values[step.in_slots[0]]
            if step.converts_integers and has_integers(args):  # (layers/integer_inputs.py)
                args = _convert(args, step.layer.dtype, step.layer)
            elif step.nested:
                args = _as_input_dtypes(step.layer, args)
            train = training if step.training_override is None else bool(step.training_override)
            if train is None:  # a direct call without `training`: each layer's own default
                train = training_default(step.layer)
            kw = {}
            if workspace is not None and step.layer.uses_workspace:
                kw["workspace"] = workspace.setdefault(i, {})
            # (re-checked here: a Dense's activation may have been swapped since)
            if step.defer_bias and step.layer.defers_bias:
                kw["defer_bias"] = True
            elif step.bias_from is not None and step.bias_from.defers_bias:
                kw["bias"] = step.bias_from.bias.value
            if penalties is not None and isinstance(step.layer, Model):
                kw["penalties"] = penalties
            explicit = None
            if step.mask_slots:
                explicit = step.node.call_mask([values[s] for s in step.mask_slots])
            if mask_of is not None:
                in_mask = _step_input_masks(step, mask_of, kw, explicit)
            elif explicit is not None and step.takes_mask:
                kw["mask"] = explicit
            if self._autocasting:
                args = _autocast_inputs(step, args)
            with autocast.half_weights(step.layer):
                out = self._run_step(step, i, args, train, kw, caches)
            if step.half:
                out = tree.map_structure(autocast.to_half, out)
            regularizer = step.layer.activity_regularizer
            if penalties is not None and regularizer is not None:
                outs = list(out) if step.multi_out else [out]
                act_grads = []
                for o in outs:
                    value, g = regularizers.activity_penalty(regularizer, o, caches is not None)
                    penalties.append(value)
                    act_grads.append(g)
                if caches is not None:
                    caches[i] = _ActivityCache(caches[i], act_grads)
            if step.multi_out:
                if len(out) != len(step.out_slots):  # (unstack's count follows the data)
                    raise _output_count_error(self, step, args, out)
                for s, o in zip(step.out_slots, out):
                    values[s] = o
            else:
                values[step.out_slots[0]] = out
            if mask_of is not None:
                _step_output_masks(step, args, in_mask, kw, mask_of)
        if penalties is not None:
            penalties.extend(np.float32(float(values[s])) for s in self._loss_slots)
        if out_masks is not None:
            out_masks[:] = [None if mask_of is None else mask_of[s] for s in self._output_slots]
        return [values[s] for s in self._output_slots]

    @staticmethod
    def _run_step(step: _Step, i: int, args, train: bool, kw: dict, caches: list | None):
        """One step's outputs (recording its cache in `caches`, when given)."""
        extra = step.call_kwargs
        if caches is not None:
            out, cache = step.layer.forward(args, training=train, **kw, **extra)
            # multi-output steps keep output shapes, to zero-fill unused outputs' grads
            caches[i] = (cache, [o.shape for o in out]) if step.multi_out else cache
            return out
        if isinstance(step.layer, Model):
            return step.layer._call_flat(args, train, **kw)
        if step.pass_training:
            return step.layer.call(args, training=train, **kw, **extra)
        if "mask" not in kw:
            return step.layer.call(args, **extra)
        # (a layer without `training` that takes the mask: Softmax)
        return step.layer.call(args, mask=kw["mask"], **extra)

    def _output_targets(self, workspace: dict) -> list:
        """Per model output, `(step workspace, key)` of the buffer its last layer returns
        (`Layer.output_buffer`), or None where the output is not such a buffer."""
        producer = {}
        for i, step in enumerate(self._steps):
            for s in step.out_slots:
                producer[s] = (i, step)
        targets = []
        for s in self._output_slots:
            i, step = producer.get(s, (None, None))
            key = None
            if step is not None and not step.multi_out and step.layer.uses_workspace:
                key = step.layer.output_buffer
            targets.append(None if key is None else (workspace.setdefault(i, {}), key))
        return targets

    def _backward(self, caches: list, output_grads: list, need_input_grads, keep=None) -> list:
        """Backpropagate `output_grads` through the graph recorded in `caches`.

        `need_input_grads` is a bool for all inputs, or a list of one per input. `keep`:
        a dict whose keys are value slots, given the total gradient reaching each (a copy,
        taken before the step that made it runs).

        Layers may overwrite the gradient arrays they receive (in-place activation
        gradients), `output_grads` included: callers pass arrays they own.
        """
        grads = [None] * self._n_slots
        for s, g in zip(self._output_slots, output_grads):
            grads[s] = g if grads[s] is None else grads[s] + g
        for s, t in zip(self._loss_slots, self._loss_tensors):  # each added loss: 1
            one = backend.xp.ones((), t.dtype)
            grads[s] = one if grads[s] is None else grads[s] + one
        requires = self._requires_grad(need_input_grads)
        for i in range(len(self._steps) - 1, -1, -1):
            step = self._steps[i]
            if keep is not None:  # (before its backward pass may write into them)
                for s in step.out_slots:
                    if s in keep and grads[s] is not None:
                        keep[s] = backend.xp.array(grads[s])
            gout = [grads[s] for s in step.out_slots]
            cache = caches[i]
            if isinstance(cache, _ActivityCache):  # the activity penalty's gradient joins
                cache, extra = cache.cache, cache.grads
                gout = [e if g is None else g + e for g, e in zip(gout, extra)]
            own = cache[0] if step.multi_out else cache  # (multi-output: with the shapes)
            if all(g is None for g in gout) and not step.layer._backward_for_added_losses(own):
                continue
            if step.multi_out:
                cache, out_shapes = cache
                gout = [
                    g if g is not None else backend.xp.zeros(shape, backend.floatx())
                    for g, shape in zip(gout, out_shapes)
                ]
            else:
                gout = gout[0]
            need = any(requires[s] for s in step.in_slots)
            if step.half:  # (as float16: a scaled gradient beyond its range is inf)
                gout = tree.map_structure(autocast.round_half, gout)
            with autocast.half_weights(step.layer):
                gin = step.layer.backward(cache, gout, need_input_grad=need)
            if step.half:
                autocast.round_weight_grads(step.layer)
                gin = tree.map_structure(autocast.round_half, gin)
            if not need or gin is None:
                continue
            if not step.multi_in and isinstance(gin, list):
                gin = gin[0]  # (a nested Model([x], ...) called on one tensor: one input)
            gins = gin if step.multi_in else [gin]
            for s, g in zip(step.in_slots, gins):
                if g is None or not requires[s]:
                    continue
                grads[s] = g if grads[s] is None else grads[s] + g
        return [grads[s] for s in self._input_slots]

    def _requires_grad(self, need_input_grads) -> list[bool]:
        """For each value slot: does any trained weight (or a needed input) lie upstream?"""
        req = [False] * self._n_slots
        needs = need_input_grads
        if isinstance(needs, bool):
            needs = [needs] * len(self._input_slots)
        for s, need in zip(self._input_slots, needs):
            req[s] = req[s] or bool(need)
        for step in self._steps:
            upstream = any(req[s] for s in step.in_slots) or any(
                v.grad is not None for v in step.layer.weights
            )
            for s in step.out_slots:
                req[s] = upstream
        return req

    def _call_checked(
        self, inputs, training: bool = False, workspace=None, penalties=None, **masking
    ):
        out = self._call_flat(inputs, training, workspace, penalties, **masking)
        return out if self._single_output else self._structure_outputs(out)

    def _call_flat(self, inputs, training: bool = False, workspace=None, penalties=None, **masking):
        """The output, or the flat list of them in `outputs`' order (the form the graph of
        a model holding this one takes, as from `forward`)."""
        # (`masking`: `masks` and `out_masks`, from a masked run of the model holding it)
        ins = inputs if isinstance(inputs, list) and not self._single_input else [inputs]
        outs = self._run(ins, training, None, workspace, penalties, **masking)
        return outs[0] if self._single_output else outs

    def _declared_output_dtypes(self, n: int) -> list:
        # the dtypes the outputs' arrays have: an integer input through a layer that keeps
        # it (Dropout, Cropping1D) stays integer under a float32 symbolic dtype, as in
        # Keras (layers/integer_inputs.py)
        declared = super()._declared_output_dtypes(n)
        floatx = np.dtype(backend.floatx())
        for i, t in enumerate(getattr(self, "_outputs_list", None) or ()):
            kept = getattr(t, "value_dtype", None)
            if kept is not None:
                declared[i] = None if np.dtype(kept) == floatx else np.dtype(kept)
        return declared

    def _as_declared(self, outs: list) -> list:
        # (an output that keeps an integer input's dtype holds it already, or, where its
        # layers computed in training (an augmentation layer's default), their floats)
        cast = super()._as_declared(outs)
        outputs = getattr(self, "_outputs_list", None) or [None] * len(outs)
        kept = [getattr(t, "value_dtype", None) is not None for t in outputs]
        return [o if k else c for o, c, k in zip(outs, cast, kept)]

    def _structure_outputs(self, outs: list, user_order: bool = False, nest: bool = False):
        """The outputs in the structure the model was built with, as Keras 3 packs them: a
        tuple stays a tuple; a dict comes back in sorted key order from `predict`, and in
        the order the user wrote it from a direct call (`user_order`). `nest`: exactly the
        structure, as Keras's shape rules give it (`Model(x, [y])` -> `[shape]`; its calls
        unpack the one output) and a dict in the user's order."""
        if self._single_output and not (nest and isinstance(self._output_struct, (list, tuple))):
            return outs[0]
        if self._output_names is not None:
            by_name = dict(zip(self._output_names, outs))
            keys = list(self._output_struct) if user_order or nest else self._output_names
            return {k: by_name[k] for k in keys}
        if self.__dict__.get("_output_nested"):
            return _packed(self._output_struct, iter(outs), user_order or nest)
        return tuple(outs) if isinstance(self._output_struct, tuple) else list(outs)

    # -- Layer protocol (a model used as a layer) ----------------------------------------
    def __call__(self, inputs, training=None, mask=None, **kwargs):
        if not self._graph_ready:
            if mask is not None:
                kwargs["mask"] = mask
            return self._deferred_call(inputs, training=training, **kwargs)
        if mask is not None and (is_symbolic(inputs) or is_symbolic(mask)):
            raise ConfigError(
                f"Model '{self.name}': numkeras takes `mask=` for a call on arrays, not in a "
                "functional graph (there, masks come from Embedding(mask_zero=True) or "
                "Masking)."
            )
        if is_symbolic(inputs):
            return self._call_symbolic(inputs, training=training)
        # (the `add_loss` values of an earlier call run eagerly, before the graph was
        # traced: `losses` lists this call's only, as Keras resets them each call)
        self._added_losses = []
        if mask is None and not isinstance(inputs, dict):  # the arrays' recorded masks
            flat = inputs if isinstance(inputs, (list, tuple)) else [inputs]
            mask = (
                [get_array_mask(x) for x in flat] if len(flat) == len(self._inputs_list) else None
            )
        masks = None
        if mask is not None:  # Keras's Functional.call(mask=): one per input
            masks = list(mask) if isinstance(mask, (list, tuple)) else [mask]
            masks = [None if m is None else backend.xp.asarray(m) for m in masks]
            masks = masks if any(m is not None for m in masks) else None
        arrays = self._standardize_inputs(inputs, broadcast_batch=True)
        activity: list = []
        out_masks = [] if self._masked or masks else None
        outs = self._run(  # (training None: each layer's default, as Keras's direct call)
            arrays,
            None if training is None else bool(training),
            penalties=activity,
            masks=masks,
            out_masks=out_masks,
        )
        outs = self._as_declared(outs)  # (an integer output comes back so, as from predict)
        for k, m in enumerate(out_masks or ()):
            outs[k] = set_array_mask(outs[k], m)  # (for the next direct call, as Keras's)
        self._activity_losses = [np.float32(float(v)) for v in activity]
        if stateless_scope.active is not None:  # (`add_loss` values there, as Keras 3's)
            penalties, self._activity_losses = self._activity_losses, []
            for value in penalties:
                self.add_loss(value)
        return self._structure_outputs(outs, user_order=True)

    def _call_symbolic(self, inputs, training=None, **kwargs):
        if self.__dict__.get("_input_nested"):
            inputs = self._flat_inputs(inputs)
        elif isinstance(inputs, dict):  # (tensors by input name, as Keras's Functional)
            inputs = self._by_input_name(inputs, "inputs")
            inputs = inputs[0] if len(inputs) == 1 else inputs
        # the outputs in the structure the model was built with (a tuple, a dict in the
        # user's key order), as Keras 3 packs a functional model's symbolic outputs
        out = Layer._call_symbolic(self, inputs, training=training, **kwargs)
        for t, inner in zip([out] if self._single_output else out, self._outputs_list):
            kept = getattr(inner, "value_dtype", None)  # (layers/integer_inputs.py)
            if kept is not None:
                t.value_dtype = kept
        # (`Model(x, [y])` gives `[tensor]`, as Keras's; its calls on arrays unpack it)
        return self._structure_outputs([out] if self._single_output else list(out), nest=True)

    def _makes_mask(self) -> bool:
        return self._masked

    def _sublayer_losses_are_own(self) -> bool:
        # (a graph run collects its layers' `add_loss` values as the model's own; a
        # subclassed model's direct call leaves them on its layers, as Keras's)
        return self._is_subclassed()

    def _has_own_call(self) -> bool:
        """A subclassed model (Keras's subclassing API): its `call` is its computation."""
        return type(self).call is not Model.call

    def _is_subclassed(self) -> bool:
        """A subclassed model not yet traced into a graph (see `_trace_call`)."""
        return self._has_own_call() and not self._graph_ready

    def _ensure_built_for_loading(self) -> None:
        # a subclassed model called on arrays has its weights (not yet a graph): Keras's
        # serialization guide loads weights into one built so; so does one without `call`
        # (keras.io's diffusion model: its own train_step, marked built) whose sublayers
        # hold the weights
        if not (self.built and (self._is_subclassed() or not self._has_own_call())):
            super()._ensure_built_for_loading()

    def _deferred_call(self, inputs, training=None, **kwargs):
        if not self._is_subclassed():
            raise MissingCallError(
                f"Model '{self.name}' has no graph to call: a subclass of Model computes with "
                "its `call(self, inputs)` method, which this one does not define (or build "
                "a functional model, Model(inputs, outputs))."
            )
        if is_symbolic(inputs) and not kwargs:
            # a layer of a functional model (keras.io's neural decision forest): its call
            # traced into its graph, which the outer graph then calls
            self._build_subclassed(_shapes_of(inputs))
            self.built = True
            return self._call_symbolic(inputs, training=training)
        # a subclassed model: run the user's call() eagerly (inference; see `build`); its
        # integer inputs reach it as they are, as Keras 3 casts only floating ones
        inputs = _convert(inputs, self.dtype, self)
        self._added_losses = []  # (`losses` lists this call's `add_loss` values, as Keras)
        if call_accepts_training(self):
            kwargs["training"] = training_default(self) if training is None else bool(training)
        if self.built:
            return self.call(inputs, **kwargs)
        with path_scope(self):  # its layers' weights: 'my_model/dense/kernel', as Keras
            self._run_own_build(shape_of(inputs))
            self.built = True
            # (Keras writes the shape of this first call as the model's build_config)
            self._first_call_shape = shape_of(inputs)
            return self.call(inputs, **kwargs)

    def _maybe_build(self, input_shape) -> None:
        # (a symbolic call's check; `Sequential` lets its layers judge other sizes)
        self._check_input_shapes(input_shape)

    def _check_input_shapes(self, input_shape) -> None:
        """Refuse input shapes other than the declared ones, as Keras 3's input spec."""
        shapes_ = input_shape if isinstance(input_shape, list) else [input_shape]
        if len(shapes_) != len(self._inputs_list):
            raise ShapeError(
                f"Model '{self.name}' expects {len(self._inputs_list)} input(s), received "
                f"{len(shapes_)}."
            )
        for i, (shape, layer) in enumerate(zip(shapes_, self._input_layers)):
            ref = (None, *layer.batch_shape[1:])
            if not shapes.compatible(ref, shape):
                raise self._input_error(layer, i, shape)

    def compute_output_shape(self, input_shape):
        """The output shape(s) for `input_shape`, in the structure of the model's outputs as
        Keras 3 gives them: a dict (in the order it was written), a tuple, nested lists, a
        one-element list for `Model(x, [y])`, a bare shape for `Model(x, y)`. A dict of
        input shapes is read by input name.

        >>> from numkeras import Input, layers
        >>> x = Input((4,))
        >>> Model(x, {"b": layers.Dense(3)(x), "a": layers.Dense(2)(x)}).compute_output_shape(
        ...     (None, 4))
        {'b': (None, 3), 'a': (None, 2)}
        """
        if not self._graph_ready:
            return self._deferred_output_shape(input_shape)
        flat = self._flat_output_shapes(self._input_shapes_by_position(input_shape))
        return self._structure_outputs(flat if isinstance(flat, list) else [flat], nest=True)

    def compute_output_spec(self, inputs, training=None, mask=None):
        """Symbolic tensors with the outputs' shapes and dtypes, structured as
        `compute_output_shape`'s (Keras 3's method)."""
        from numkeras.layers.keras_tensor import KerasTensor

        shape = tree.map_structure(lambda t: tuple(t.shape), inputs)  # (nested as given)
        if isinstance(inputs, tuple):
            shape = list(shape)  # (several inputs, as `shape_of` gives them)
        if not self._graph_ready:
            return super().compute_output_spec(inputs)
        flat = self._flat_output_shapes(self._input_shapes_by_position(shape))
        flat = flat if isinstance(flat, list) else [flat]
        specs = [KerasTensor(s, t.dtype) for s, t in zip(flat, self._outputs_list)]
        return self._structure_outputs(specs, nest=True)

    def _input_shapes_by_position(self, input_shape):
        """Input shapes given by input name (a dict), or nested as the inputs, as the
        positional list."""
        if self.__dict__.get("_input_nested"):
            try:
                return _flat_up_to(self._input_struct, input_shape)
            except ValueError:
                return input_shape  # (the shape check says what does not fit)
        if not isinstance(input_shape, dict):
            return input_shape
        shapes_ = [tuple(s) for s in self._by_input_name(input_shape, "input shapes")]
        return shapes_[0] if self._single_input else shapes_

    def _by_input_name(self, values: dict, what: str) -> list:
        """`values` given by input name, in the inputs' order; ShapeError if one lacks."""
        names = self._input_names or [la.name for la in self._input_layers]
        missing = [k for k in names if k not in values]
        if missing:
            raise ShapeError(
                f"Model '{self.name}' expects {what} named {names}; missing {missing} "
                f"(received keys {list(values)})."
            )
        return [values[k] for k in names]

    def _flat_output_shapes(self, input_shape):
        """The output shape (one output) or the flat list of them (several): the form the
        graph and the summary read."""
        self._check_input_shapes(input_shape)  # other sizes raise, as in Keras 3
        return self._output_shapes(input_shape)

    def _symbolic_output_shape(self, input_shape, call_kwargs, masks):
        if not self._graph_ready:
            return super()._symbolic_output_shape(input_shape, call_kwargs, masks)
        return self._flat_output_shapes(input_shape)

    def _output_shapes(self, input_shape, check_layers: bool = False):
        """The graph's output shape(s) for input shapes already checked (predict's); with
        `check_layers`, each layer's input spec checks the shape it gets, and the first
        layer to refuse raises (`Sequential` asks them about shapes it was not built on)."""
        shapes_ = input_shape if isinstance(input_shape, list) else [input_shape]
        values: list = [None] * self._n_slots
        for s, sh in zip(self._input_slots, shapes_):
            values[s] = tuple(sh)
        for step in self._steps:
            args = [values[s] for s in step.in_slots] if step.multi_in else values[step.in_slots[0]]
            if check_layers:
                check_input_all(step.layer.input_spec, args, step.layer.name)
            # (as in a symbolic call: a nested Sequential model takes other sizes)
            out = step.layer._symbolic_output_shape(args, step.call_kwargs, step.symbolic_masks)
            if step.multi_out:
                for s, o in zip(step.out_slots, out):
                    values[s] = tuple(o)
            else:
                values[step.out_slots[0]] = tuple(out)
        outs = [values[s] for s in self._output_slots]
        return outs[0] if self._single_output else outs

    def _deferred_output_shape(self, input_shape):
        raise ConfigError(
            f"Model '{self.name}' has no graph yet, so it cannot compute an output shape."
        )

    uses_workspace = True

    def call(self, inputs, training: bool = False, mask=None, workspace=None):
        if mask is not None:  # (Keras 3's `call(inputs, training, mask)`: one per input)
            return self(inputs, training=training, mask=mask)
        return self._call_checked(inputs, training, workspace)

    def forward(self, inputs, training: bool = True, workspace=None, penalties=None, **masking):
        # (`masking`: `masks` and `out_masks`, from a masked run of the model holding it)
        ins = inputs if isinstance(inputs, list) and not self._single_input else [inputs]
        caches: list = [None] * len(self._steps)
        outs = self._run(ins, training, caches, workspace, penalties, **masking)
        return (outs[0] if self._single_output else outs), caches

    def backward(self, cache, grad_output, need_input_grad: bool = True):
        gouts = [grad_output] if self._single_output else list(grad_output)
        gins = self._backward(cache, gouts, need_input_grad)
        if not need_input_grad:
            return None
        return gins[0] if self._single_input else gins

    # -- the state as one tree (Keras 3's get_state_tree / set_state_tree) -------------
    @property
    def metrics_variables(self) -> list:
        """The variables of `metrics` (the loss tracker's `total` and `count`, then the
        compiled metrics'), as Keras 3 lists them."""
        return [v for m in self.metrics for v in m.variables]

    def get_state_tree(self, value_format: str = "backend_tensor") -> dict:
        """Every variable's value, nested by its path under `"trainable_variables"`,
        `"non_trainable_variables"`, `"optimizer_variables"` and `"metrics_variables"`,
        as Keras 3 gives them (`value_format="numpy_array"`: copies; the default, the
        arrays themselves). An uncompiled model has empty optimizer and metrics trees
        (Keras raises an AttributeError there).

        >>> import numkeras
        >>> layers = [numkeras.Input((2,)), numkeras.layers.Dense(1, name="out")]
        >>> tree = numkeras.Sequential(layers, name="net").get_state_tree()
        >>> sorted(tree["trainable_variables"]["net"]["out"])
        ['bias', 'kernel']
        """
        if value_format not in ("backend_tensor", "numpy_array"):
            raise ConfigError(
                "Invalid `value_format` argument. Expected one of {'numpy_array', "
                f"'backend_tensor'}}. Received: value_format={value_format}"
            )
        state: dict = {}
        for group, variables in self._state_groups().items():
            nested = state[group] = {}
            seen = set()
            for v in variables:
                if v.path in seen:
                    raise ConfigError(
                        f"The following variable path is found twice in the model: '{v.path}'. "
                        "`get_state_tree()` can only be called when all variable paths are "
                        "unique. Make sure to give unique names to your layers (and other "
                        "objects)."
                    )
                seen.add(v.path)
                *parents, leaf = v.path.split("/")
                node = nested
                for part in parents:
                    node = node.setdefault(part, {})
                node[leaf] = v.numpy() if value_format == "numpy_array" else v.value
        return state

    def set_state_tree(self, state_tree: dict) -> None:
        """Assign the values of a `get_state_tree()` tree (or part of one) to the variables
        with those paths, as Keras 3 does."""
        groups = self._state_groups()
        for group, nested in state_tree.items():
            if group not in groups:
                raise ConfigError(f"Unknown variable name: {group}")
            flat = _paths_of(nested)
            for v in groups[group]:
                if v.path in flat:
                    v.assign(flat[v.path])

    def _state_groups(self) -> dict:
        """The variables of each group of a state tree (an uncompiled model has no
        optimizer variables)."""
        optimizer = getattr(self, "optimizer", None)
        return {
            "trainable_variables": self.trainable_variables,
            "non_trainable_variables": self.non_trainable_variables,
            "optimizer_variables": optimizer.variables if optimizer is not None else [],
            "metrics_variables": self.metrics_variables,
        }

    def get_build_config(self) -> dict | None:
        if not self._has_own_call():
            # a functional model: Keras 3 builds it with `build(None)` when it is made
            return {"input_shape": None} if self._graph_ready else None
        # a subclassed model: the shape it was first built on, as Keras writes it (a
        # direct call's, or fit / predict's first batch; `build(shape)`'s own)
        from numkeras.models.config import as_json_types

        shape = self.__dict__.get("_first_call_shape")
        if shape is None and self._graph_ready:
            shape = self._build_input_shape
        return None if shape is None else {"input_shape": as_json_types(shape)}

    def build_from_config(self, config: dict) -> None:
        """Build from `get_build_config()`'s `{"input_shape": ...}` through `build`, as
        Keras does (a Sequential without an Input, a subclassed model); a model with its
        graph checks that it takes that shape."""
        shape = self._build_config_shape(config)
        if shape is None:
            return
        if self._graph_ready:
            self._maybe_build(shape)
        else:
            self.build(shape)

    def build(self, input_shape=None) -> None:
        if self._graph_ready:
            return
        if self._is_subclassed() and self.__dict__.get("_own_build_depth", 0) > 1:
            # `super().build(input_shape)` at the end of a subclassed model's own build
            # (keras.io's Perceiver): it marks the model built, as Keras's; its call is
            # traced after that build, as for any model with a build of its own
            return
        if self._is_subclassed():
            if input_shape is None:
                raise ConfigError(
                    f"Model '{self.name}' is a subclassed model: build it for an input shape "
                    "(model.build((None, 64))) or call it on data."
                )
            self._build_subclassed(input_shape)
            return
        raise MissingCallError(
            f"Model '{self.name}' cannot be built without a graph: a subclass of Model "
            "computes with its `call(self, inputs)` method, which this one does not define."
        )

    def _build_subclassed(self, input_shape, sample=None) -> None:
        """`build` for a subclassed model: its call traced (checked on `sample`, a first
        batch of arrays, when given); a call that cannot be traced says why."""
        from numkeras.ops.trace import TraceError

        failed = self.__dict__.get("_trace_failure")
        try:
            if failed is not None:
                raise failed
            with path_scope(self):  # (as a first call: the layers' paths start with its name)
                self._run_own_build(input_shape)
                self._trace_call(input_shape, sample)
        except TraceError as e:
            self._trace_failure = e
            raise NotImplementedError(
                f"numkeras cannot train subclassed model '{self.name}': it runs a "
                "subclassed model's call() once on symbolic tensors and trains the layers "
                f"and operations it records, and this call() could not be recorded ({e}). "
                "Compute it with layers and numkeras.ops (the Keras 3 ops). Calling it "
                "(model(x), predict) still works."
            ) from e

    def _run_own_build(self, input_shape) -> None:
        """A subclassed model's own `build` (its weights), once, before its first call."""
        if type(self).build is not Model.build and not self.built:
            self.build(input_shape)

    def _trace_call(self, input_shape, sample=None) -> None:
        """Trace a subclassed model's `call` on symbolic inputs into its graph (Keras's
        subclassing API): the layers it calls and the operations it runs become the steps
        `fit`, `evaluate` and `predict` run, each with its own backward pass. `training`
        reaches the layers at run time; a call that branches on it in Python is refused,
        since one graph cannot hold both branches. Raises `TraceError` (nothing changed)."""
        from numkeras.layers.input_layer import Input
        from numkeras.ops.trace import TraceError, capturing_losses, reading_variables

        if isinstance(input_shape, dict):  # named inputs: call() receives a dict
            names = sorted(input_shape)
            inputs = [Input(batch_shape=(None, *input_shape[k][1:]), name=k) for k in names]
            struct = dict(zip(names, inputs))
        else:
            several = isinstance(input_shape, list)
            shapes_ = [tuple(s) for s in (input_shape if several else [input_shape])]
            inputs = [
                Input(batch_shape=(None, *s[1:]), name=f"{self.name}_input_{i}")
                for i, s in enumerate(shapes_)
            ]
            struct = inputs if several else inputs[0]

        losses: list = []

        def traced(training):
            kwargs = {"training": training} if call_accepts_training(self) else {}
            try:
                with capturing_losses() as added, reading_variables(inputs[0]):
                    out = self.call(struct, **kwargs)
            except TraceError:
                raise
            except Exception as e:  # noqa: BLE001 - any failure: not traceable, say why
                raise TraceError(f"{type(e).__name__}: {e}") from e
            losses[:] = added
            flat = list(out.values()) if isinstance(out, dict) else out
            flat = flat if isinstance(flat, (list, tuple)) else [flat]
            if not all(isinstance(t, KerasTensor) for t in flat):
                raise TraceError(
                    "it did not return symbolic tensors computed from its inputs with layers "
                    "and numkeras.ops (NumPy functions and Python values carry no gradient)"
                )
            return out

        if call_accepts_training(self):
            probe = traced(True)
            branch = _recorded(probe, losses)
            _forget_nodes([probe, list(losses)])  # (only compared: its layers keep no trace of it)
        outputs = traced(None)  # the layers then take the flag given at run time
        if call_accepts_training(self) and branch != _recorded(outputs, losses):
            raise TraceError(
                "its call() branches on `training` in Python, which one graph cannot hold; "
                "pass `training=training` to the layers instead"
            )
        if sample is not None:
            self._check_trace(struct, outputs, sample)
        self._init_graph(struct, outputs, losses)

    def _check_trace(self, inputs, outputs, sample) -> None:
        """Refuse a traced call whose values on the first batch differ from the call's
        own (NumPy on values, Python branches on values): it would train something else.
        `sample`: a list of arrays, or a dict of them when `inputs` is a dict."""
        from numkeras.layers.traced_call import copies
        from numkeras.ops.trace import TraceError, values_match

        probe = Model(inputs, outputs, name=f"{self.name}_trace")
        kwargs = {"training": False} if call_accepts_training(self) else {}
        if isinstance(inputs, dict):
            given, ordered = sample, [sample[k] for k in sorted(sample)]
        else:
            given, ordered = (sample if isinstance(inputs, list) else sample[0]), sample

        def eager():
            with collecting_losses([]):  # (the losses this check adds are not the model's)
                # (on copies: a call updating its inputs in place must not change the data)
                out = self.call(copies(given), **kwargs)
            return [out[k] for k in sorted(out)] if isinstance(out, dict) else out

        first = eager()
        if not values_match(eager(), first):  # it draws random numbers: nothing to compare
            return
        if not values_match(probe._run(ordered, training=False), first):
            raise TraceError(
                "it gives other values when traced into layers and operations than when "
                "run on arrays, so it computes something the trace cannot see (NumPy "
                "functions on values, Python branches on values)"
            )

    def add_loss(self, loss) -> None:
        """`add_loss` in a subclassed model's `call` (as any layer's); on a functional
        model, also Keras 2's form: a symbolic tensor computed from the model's graph (the
        2018 VAE's `vae.add_loss(vae_loss)`) joins its training and evaluation loss."""
        from numkeras.ops.trace import tracing_losses

        if not is_symbolic(loss) or tracing_losses() or not self._graph_ready:
            Layer.add_loss(self, loss)
            return
        if hasattr(self, "_stack"):
            raise ConfigError(
                f"Sequential model '{self.name}' cannot take a symbolic loss; build a "
                "functional Model(inputs, outputs) and add it there."
            )
        from numkeras import ops

        loss = loss if not loss.shape else ops.sum(loss)
        self._init_graph(self._input_struct, self._output_struct, self._loss_tensors + [loss])

    # -- display --------------------------------------------------------------------------
    def summary(
        self,
        line_length=None,
        positions=None,
        print_fn=None,
        expand_nested=False,
        show_trainable=False,
        layer_range=None,
    ) -> None:
        """Print Keras's summary table: output shapes, parameter counts, totals with bytes."""
        from numkeras.models.summary import print_summary

        print_summary(
            self,
            line_length=line_length,
            positions=positions,
            print_fn=print_fn,
            expand_nested=expand_nested,
            show_trainable=show_trainable,
            layer_range=layer_range,
        )

    def explain(self, x, print_fn=None) -> str:
        """Print (and return) the per-layer shape trace for `x` (an array or a shape)."""
        from numkeras.explain import explain

        return explain(self, x, print_fn=print_fn)

    def get_config(self) -> dict:
        if self._has_own_call():  # a subclassed model: its constructor's config, as Keras
            # (with `name` when the class writes its own get_config; the automatic config
            # leaves it out, as Keras's, so a reloaded model takes a new name)
            return Layer.get_config(self)
        from numkeras.models.config import functional_config

        return functional_config(self)

    def to_json(self, **kwargs) -> str:
        """The model's Keras-format config as JSON (`keras.models.model_from_json` reads it)."""
        import json

        from numkeras.models.config import serialize_layer

        return json.dumps(serialize_layer(self), **kwargs)

    @classmethod
    def from_config(cls, config: dict, custom_objects=None):
        if cls.call is not Model.call:  # a subclassed model: its constructor takes the config
            return Layer.from_config.__func__(cls, config)
        from numkeras.models.config import functional_from_config

        own = cls if cls not in (Model, Functional) else None  # (a subclass keeps its class)
        return functional_from_config(config, custom_objects, cls=own)

    def __repr__(self) -> str:
        state = "" if self._graph_ready else ", unbuilt"
        return f"<{type(self).__name__} name='{self.name}', {len(self.layers)} layers{state}>"


class Functional(Model):
    """What `Model(inputs, outputs)` returns, as in Keras 3 (`type(model).__name__` is
    'Functional'); it is a `Model` in every other respect.

    >>> from numkeras.layers import Dense, Input
    >>> x = Input(shape=(3,))
    >>> type(Model(x, Dense(2)(x))).__name__
    'Functional'
    """

    def __getattr__(self, name: str):
        # only reached for a missing attribute: Sequential's editing methods say why
        if name in ("add", "pop"):
            raise AttributeError(
                f"'{type(self).__name__}' object has no attribute '{name}': add() and pop() "
                "are Sequential's; a functional model is fixed by its inputs and outputs. "
                "Build a new one on it instead, e.g. "
                "Model(model.inputs, new_layer(model.outputs[0]))."
            )
        return super().__getattr__(name)


def _string_array(a, layer, model_name: str) -> np.ndarray:
    """Text data for a `dtype="string"` Input: a NumPy array of str (or bytes / objects)."""
    arr = np.asarray(a)
    if arr.dtype.kind not in "USO":
        raise InputTypeError(
            f"Model '{model_name}' input '{layer.name}' takes text (dtype='string'), received "
            f"an array of {arr.dtype}. Pass strings, e.g. np.array(['a text', ...])."
        )
    return arr


def _input_order(arrays: list, layers: list) -> tuple | None:
    """The order (other than the given one) in which `arrays` fit the model's inputs, as
    `_adjust_rank` takes them (declared sizes, or a trailing axis of 1 more or less)."""

    def fits(shape: tuple, layer) -> bool:
        ref = (None, *layer.batch_shape[1:])
        if len(shape) == len(ref) + 1 and shape[-1] == 1:
            shape = shape[:-1]
        elif len(shape) == len(ref) - 1 and ref[-1] == 1:
            ref = ref[:-1]
        return len(shape) == len(ref) and shapes.compatible(ref, shape)

    if len(arrays) > 4:  # (24 orders at most)
        return None
    got = [tuple(np.shape(a)) if not hasattr(a, "shape") else tuple(a.shape) for a in arrays]
    for order in itertools.permutations(range(len(arrays))):
        if list(order) != sorted(order) and all(
            fits(got[j], layer) for j, layer in zip(order, layers)
        ):
            return order
    return None


def _nests(struct) -> bool:
    """Whether a model's inputs or outputs nest lists or dicts in a list or dict."""
    if not isinstance(struct, (list, tuple, dict)):
        return False
    items = struct.values() if isinstance(struct, dict) else struct
    return any(isinstance(v, (list, tuple, dict)) for v in items)


def _flat_up_to(struct, value) -> list:
    """The parts of `value` at the leaves of `struct` (a leaf of `struct` takes whatever
    `value` holds there: an array, a list of metrics), dicts in sorted key order; raise
    ValueError where `value` is not nested as `struct`."""
    if isinstance(struct, dict):
        if not isinstance(value, dict) or set(value) != set(struct):
            raise ValueError("not nested as the model's inputs or outputs")
        return [leaf for k in sorted(struct) for leaf in _flat_up_to(struct[k], value[k])]
    if isinstance(struct, (list, tuple)):
        if not isinstance(value, (list, tuple)) or len(value) != len(struct):
            raise ValueError("not nested as the model's inputs or outputs")
        return [leaf for s, v in zip(struct, value) for leaf in _flat_up_to(s, v)]
    return [value]


def _loss_log_name(fn) -> str:
    """The name Keras 3 logs an unnamed output's loss under (`<loss name>`, before
    `_loss`): a Loss object's `name`, a function's own name."""
    if fn is None:
        return "output"
    return getattr(fn, "name", None) or getattr(fn, "__name__", type(fn).__name__)


def _path_name(path: tuple, name: str) -> str:
    last = name if isinstance(path[-1], int) else str(path[-1])
    return "/".join([*map(str, path[:-1]), last])


def _packed(struct, values, user_order: bool = True):
    """The next items of the iterator `values` in the nesting of `struct`. A dict takes
    them in sorted key order and keeps its own order, or the sorted one (`user_order`
    False: `predict`'s, as Keras's)."""
    if isinstance(struct, dict):
        packed = {k: _packed(struct[k], values, user_order) for k in sorted(struct)}
        return {k: packed[k] for k in struct} if user_order else packed
    if isinstance(struct, (list, tuple)):
        return type(struct)(_packed(s, values, user_order) for s in struct)
    return next(values)
