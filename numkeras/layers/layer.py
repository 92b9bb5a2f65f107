"""`Layer`: the base class. A layer's life, as in Keras 3:

`__init__` validates and stores config -> `build(input_shape)` creates weights on
first use -> `call(inputs, training=...)` computes. `compute_output_shape` sits
beside `call`; an `InputSpec` is checked before every call. For training, a
layer also has `forward` (returns outputs and a cache) and `backward` (takes the
cache and the output gradient, returns the input gradient and adds weight
gradients to its variables), written next to each other.

>>> import numpy as np
>>> from numkeras.layers import Dense
>>> layer = Dense(3)
>>> layer(np.ones((2, 4))).shape
(2, 3)
"""

from __future__ import annotations

import contextlib
import functools
import inspect
import warnings
import weakref

import numpy as np

from numkeras import backend, constraints, initializers, regularizers, shapes, tree
from numkeras.backend import stateless_scope
from numkeras.errors import (
    ArgumentTypeError,
    ConfigError,
    InputTypeError,
    NotBuiltError,
    NotQuantizableError,
    ShapeError,
    UnknownNameError,
    format_shape,
    user_stacklevel,
    warn_deprecated,
)
from numkeras.layers import autocast
from numkeras.layers.input_spec import InputSpec, check_input
from numkeras.layers.integer_inputs import convert as _convert_integers
from numkeras.layers.integer_inputs import value_dtype as integer_value_dtype
from numkeras.layers.keras_tensor import KerasTensor
from numkeras.utils.checks import is_int
from numkeras.utils.naming import auto_name, to_snake_case
from numkeras.variables import Variable

# the weights built-in layers create in build(): asked of an unbuilt layer, they say why
_WEIGHT_NAMES = frozenset(
    {"kernel", "bias", "gamma", "beta", "moving_mean", "moving_variance", "alpha"}
)


def _validate_shape(arg: str, shape) -> tuple:
    if is_int(shape):
        shape = (shape,)
    try:
        shape = tuple(shape)
    except TypeError:
        raise ConfigError(
            f"`{arg}` must be a tuple of positive integers or None, received {shape!r}."
        ) from None
    for d in shape:
        if d is not None and (not is_int(d) or d <= 0):
            raise ConfigError(
                f"`{arg}` must be a tuple of positive integers or None, received {shape!r}."
            )
    return tuple(None if d is None else int(d) for d in shape)


def is_symbolic(x) -> bool:
    from numkeras.layers.keras_tensor import KerasTensor

    if isinstance(x, (list, tuple)):
        return any(isinstance(t, KerasTensor) for t in x)
    if isinstance(x, dict):  # (a model of named inputs called on a dict of tensors)
        return any(isinstance(t, KerasTensor) for t in x.values())
    return isinstance(x, KerasTensor)


def shape_of(x):
    if isinstance(x, dict):  # (named inputs: the shapes by name, as `_trace_call` reads them)
        return {key: tuple(value.shape) for key, value in x.items()}
    if isinstance(x, (list, tuple)):
        return [tuple(t.shape) for t in x]
    return tuple(x.shape)


class Layer:
    """Base class of all layers (see the module docstring for the life cycle)."""

    # Built-in layers accept `workspace=` (a dict of reusable buffers, see backend.scratch)
    # in call/forward; user layers never receive it.
    uses_workspace = False
    # The workspace key of the buffer that `call` returns when given a workspace (None: a
    # new array or the input itself). predict places each batch's slice of its result
    # there, so the last layer writes straight into the result instead of a copy.
    output_buffer: str | None = None
    # The keywords of a built-in layer's call that a graph keeps with the call, passes to
    # its forward / call and writes in configs (`ReversibleEmbedding()(h, reverse=True)`);
    # a user layer's graph keeps all of its own.
    graph_call_keywords: tuple[str, ...] = ()
    # a layer whose Keras `call` takes `mask` though numkeras's does not (it passes on none)
    keras_call_takes_mask = False
    # Whether a call on a list of inputs is given their masks as `mask` when none is given
    # (Keras 3 fills `mask` for a call on one tensor argument, a list included). False for
    # the recurrent layers, whose list is the sequences and the initial states: two
    # arguments to Keras, so only a `mask=` given to the call reaches them.
    list_inputs_take_masks = True
    # Keras 3's symbolic output dtype for Identity, Reshape, Flatten and Permute: the
    # input's integer or bool dtype (other layers that keep integers in their arrays,
    # `integer_inputs = "keep"`, say their float dtype symbolically, as Keras's do)
    symbolic_keeps_input_dtype = False
    # What the call does with integer and bool inputs (layers/integer_inputs.py):
    # "float" casts them to the layer's dtype (it computes in floats), "keep" passes them
    # on (it only moves, selects or compares values), "own" leaves them to the layer
    integer_inputs = "float"
    # with "keep": what a bool input becomes ("bool", "int32" or "float"), as Keras's ops
    bool_inputs = "bool"
    # Keras 3 marks a layer without weights built when it is made (ReLU, Dropout, the
    # pooling layers, Reshape, ...): `layer.built` is True before any call
    built_at_init = False
    # Keras 3's masking: a layer that supports masking gives its outputs the mask
    # `compute_mask` returns (by default the input's, unchanged); one that does not drops
    # a mask it receives, with Keras's warning. A class with its own `compute_mask`
    # supports masking (as in Keras); an instance may also set `supports_masking = True`.
    supports_masking = False
    # How many tensors a user call takes positionally (`call(self, targets, logits)`: 2);
    # a call on several is packed into a list the call gets back as its arguments.
    _positional_inputs = 1
    _positional_names: list[str] = []

    def __init_subclass__(cls, **kwargs):
        # As Keras's build_wrapper: a direct `layer.build(shape)` also marks it built.
        super().__init_subclass__(**kwargs)
        if "compute_mask" in cls.__dict__ and "supports_masking" not in cls.__dict__:
            cls.supports_masking = True
        if "build" in cls.__dict__:
            original = cls.__dict__["build"]

            def build(self, *args, **kw):
                if self.built and args and _already_built_for(self, args[0]):
                    return  # already built for this shape: building again would re-initialize
                # (a user's build running: its `super().build(shape)` only marks it built,
                # as Keras's, see Model.build)
                depth = self.__dict__.get("_own_build_depth", 0)
                self.__dict__["_own_build_depth"] = depth + 1
                try:
                    original(self, *args, **kw)
                finally:
                    self.__dict__["_own_build_depth"] = depth
                if not self.built and args:
                    self._build_input_shape = args[0]
                self.built = True

            build.__doc__ = original.__doc__
            build.__wrapped__ = original
            cls.build = build
        if "__call__" in cls.__dict__ and not getattr(cls, "is_operation", False):
            cls.__call__ = _tape_aware_call(cls.__dict__["__call__"])  # (GradientTape hook)
        if "call" in cls.__dict__:
            if "forward" in cls.__dict__:
                cls.call = _inheritable_call(cls, cls.__dict__["call"])
            _own_call(cls)

    def __new__(cls, *args, **kwargs):
        obj = super().__new__(cls)
        if not cls.__module__.startswith("numkeras."):  # (built-in layers write their own)
            obj.__dict__["_auto_config"] = _auto_config(cls, args, kwargs)
        return obj

    def __init__(
        self,
        *,
        trainable: bool = True,
        dtype=None,
        name: str | None = None,
        activity_regularizer=None,
        autocast: bool = True,
        **kwargs,
    ):
        input_dim = kwargs.pop("input_dim", None)
        input_shape = kwargs.pop("input_shape", None)
        batch_size = kwargs.pop("batch_size", None)
        batch_input_shape = kwargs.pop("batch_input_shape", None)
        # Keras 2's initial values (`Dense(4, weights=[w, b])`), set once built; Keras 3
        # refuses the argument (Embedding's own is Keras 3's too)
        initial_weights = kwargs.pop("weights", None)
        self._autocast_inputs = bool(autocast)
        if kwargs:  # (also a TypeError: Keras's from_config raises one for these)
            raise UnknownNameError(
                f"Unrecognized keyword arguments passed to {type(self).__name__}: {kwargs}"
            )
        if name is not None and (not isinstance(name, str) or not name or "/" in name):
            raise ConfigError(f"A layer name must be a non-empty string without '/', got {name!r}.")
        self.name = name or auto_name(self._default_name())
        # a penalty on the outputs, added to the loss in training and evaluation (Keras 3
        # divides it by the batch size); see Model._run
        self.activity_regularizer = regularizers.get(activity_regularizer)
        self._trainable = bool(trainable)
        self._policy = _policy_name(dtype)
        self.dtype = _dtype_name(dtype)
        # (models do not autocast: their layers do, each by its own policy)
        self._mixed = self._policy == "mixed_float16" and type(self)._autocasts_calls
        self.built = type(self).built_at_init
        self.input_spec: InputSpec | list | None = None
        self._own_variables: list[Variable] = []
        self._build_input_shape = None
        self._inbound_nodes: list = []
        self._batch_input_shape = _legacy_input_shape(
            type(self).__name__, input_dim, input_shape, batch_size, batch_input_shape
        )
        if initial_weights is not None:
            warn_deprecated(
                f"`{type(self).__name__}(weights=...)` is a Keras 2 argument (Keras 3 refuses "
                "it); numkeras sets the weights when the layer is built. Use "
                "`layer.set_weights(...)` after building it."
            )
            self._initial_weights = list(initial_weights)

    @classmethod
    def _default_name(cls) -> str:
        return to_snake_case(cls.__name__)

    # -- weights ------------------------------------------------------------
    def add_weight(
        self,
        shape=None,
        initializer=None,
        dtype=None,
        trainable: bool = True,
        name: str | None = None,
        *,
        regularizer=None,
        constraint=None,
        autocast: bool = True,
        aggregation: str = "none",
        overwrite_with_gradient: bool = False,
    ) -> Variable:
        """Create a weight of this layer (called from `build`). A `regularizer` adds its
        penalty to the training loss; a `constraint` projects the weight after every
        optimizer update (both as Keras's `add_weight`). Without a `shape` the weight is a
        scalar; without an `initializer`, Keras's default: "glorot_uniform" for a float
        dtype, "zeros" for another (int, bool). `autocast=False` keeps the weight in float32
        inside a `mixed_float16` layer's call (`layers/autocast.py`); `aggregation` and
        `overwrite_with_gradient` are kept as Keras keeps them."""
        shape = () if shape is None else tuple(int(d) for d in shape)
        if initializer is None:
            floating = np.dtype(backend.standardize_dtype(dtype or self.dtype)).kind == "f"
            initializer = "glorot_uniform" if floating else "zeros"
        init = initializers.get(initializer)
        value = init(shape, dtype=dtype or self.dtype)
        name = name or auto_name("variable")  # Keras 3: 'variable', 'variable_1', ...
        var = Variable(
            backend.xp.asarray(value, dtype=dtype or self.dtype),
            name=name,
            trainable=trainable,
            # (a path scope puts the models' names in front later; a built layer's new
            # weight, LoRA's factors, takes the path the layer has now, as in Keras)
            path=f"{self.path if self.built else self.name}/{name}",
            autocast=autocast,
            aggregation=aggregation,
            overwrite_with_gradient=overwrite_with_gradient,
        )
        var.regularizer = regularizers.get(regularizer)
        var.constraint = constraints.get(constraint)
        self._track_variable(var)
        return var

    def _track_variable(self, var: Variable) -> None:
        """Make `var` one of this layer's own weights, in Keras's order: the trainable ones
        (in creation order), then the others; `weights`, `get_weights` and the files
        list them so."""
        global _WEIGHTS_ADDED
        _WEIGHTS_ADDED += 1
        var._layer_frozen = not self.trainable
        own = self._own_variables
        at = len(own)
        if var._trainable:
            at = next((i for i, v in enumerate(own) if not v._trainable), len(own))
        own.insert(at, var)

    def __setattr__(self, name: str, value) -> None:
        # Keras tracks a Variable a user layer holds as an attribute as one of its weights
        # (`self.v = keras.Variable(...)` in `__init__`)
        if (
            isinstance(value, Variable)
            and "_own_variables" in self.__dict__
            and not _is_builtin(self)
            and all(value is not v for v in self._own_variables)
        ):
            self._track_variable(value)
        elif not _METRICS_HELD and isinstance(value, (list, tuple, _metric_class())):
            if isinstance(value, _metric_class()) or not _is_builtin(self):
                _note_held_metrics()  # (until then, no model needs to look for them)
        object.__setattr__(self, name, value)

    def add_variable(
        self,
        shape,
        initializer,
        dtype=None,
        trainable: bool = True,
        autocast: bool = True,
        regularizer=None,
        constraint=None,
        name: str | None = None,
    ) -> Variable:
        """Keras 3's `add_variable`: `add_weight` with its own argument order."""
        return self.add_weight(
            shape,
            initializer,
            dtype,
            trainable,
            name,
            regularizer=regularizer,
            constraint=constraint,
            autocast=autocast,
        )

    # -- Keras 3's dtype and path attributes ----------------------------------------------
    # (`dtype` is the weights' float type; a "mixed_float16" layer computes in float16)
    _mixed = False  # this layer's calls autocast (see layers/autocast.py)
    _autocasts_calls = True

    @property
    def dtype_policy(self):
        from numkeras.dtype_policies import DTypePolicy

        return DTypePolicy(self._policy_name)

    @dtype_policy.setter
    def dtype_policy(self, value) -> None:
        """Keras 3's setter: a policy, its name (None: the global one) or config. The
        layer's existing weights keep their dtype; its calls take the new policy's. A
        quantized policy (`"int8_from_float32"`) quantizes a built quantizable layer (see
        `numkeras.layers.quantization.Quantizable`)."""
        from numkeras import dtype_policies

        self._set_dtype_policy(dtype_policies.get(value))

    @property
    def quantization_mode(self) -> str | None:
        """Keras's `Layer.quantization_mode`: the mode of the layer's dtype policy, None
        unless the layer is quantized (a model's is its own policy's: None)."""
        return self.dtype_policy.quantization_mode

    def _set_dtype_policy(self, policy) -> None:
        if policy.quantization_mode is not None:  # (Keras: the layer's quantize() raises)
            raise NotQuantizableError(
                f"Layer {type(self).__name__} does not have a `quantize` method implemented."
            )
        name = policy.name
        dtype = _dtype_name(name)  # (before any change: an unsupported dtype raises)
        self._policy, self.dtype = name, dtype
        self._mixed = name == "mixed_float16" and type(self)._autocasts_calls

    @property
    def _policy_name(self) -> str:
        # (`dtype` otherwise: some layers set it after init, e.g. Hashing's "int64")
        mixed = self.__dict__.get("_policy") == "mixed_float16"
        return "mixed_float16" if mixed else self.dtype

    @property
    def compute_dtype(self) -> str:
        return "float16" if self._policy_name == "mixed_float16" else self.dtype

    @property
    def variable_dtype(self) -> str:
        return self.dtype

    @property
    def input_dtype(self) -> str:
        return self.compute_dtype

    @property
    def _float_input_dtype(self) -> str:
        """What an eager call casts float inputs to (a mixed_float16 layer then rounds them
        to float16 values): the layer's dtype, or floatx for a layer whose dtype is an
        integer one (Discretization(dtype="int64") buckets its float inputs)."""
        return backend.floatx() if self.dtype.startswith(("int", "uint")) else self.dtype

    @property
    def autocast(self) -> bool:
        return self.__dict__.get("_autocast_inputs", True)

    @property
    def path(self) -> str | None:
        """The layer's path, as Keras 3's: None until built; then its name, after the names
        of the models (and user layers) it was built inside, e.g. `'sequential/dense'`. Its
        variables' paths continue it (`'sequential/dense/kernel'`); see `path_scope`."""
        if not self.built:
            return None
        return self.__dict__.get("_path") or self.name

    def compute_output_spec(self, *args, **kwargs):
        """A symbolic tensor with the output's shape and dtype (Keras 3's method)."""
        from numkeras.layers.keras_tensor import KerasTensor

        shape = self.compute_output_shape(shape_of(args[0]) if args else None)
        if isinstance(shape, list):
            return [KerasTensor(s, self.dtype) for s in shape]
        return KerasTensor(shape, self.dtype)

    def build_from_config(self, config: dict) -> None:
        """Build from `get_build_config()`'s `{"input_shape": ...}`, as Keras loads it."""
        shape = self._build_config_shape(config)
        if shape is not None:
            self._maybe_build(shape)

    def _build_config_shape(self, config: dict | None):
        """The input shape a build config holds (JSON lists as tuples; a list of them for
        several inputs, a call on several tensors' `shapes_dict` included), or None."""
        config = config or {}
        shape = config.get("input_shape")
        if shape is None and config.get("shapes_dict") and self._positional_inputs > 1:
            # a user call on several tensors (built-in layers read their own shapes dict)
            shape = [config["shapes_dict"][f"{n}_shape"] for n in self._positional_names]
        if shape is None:
            return None
        multi = shape and isinstance(shape[0], (list, tuple))
        return [tuple(s) for s in shape] if multi else tuple(shape)

    def _saved_variables(self) -> list[Variable]:
        """The variables `save_own_variables` writes, in order: all this layer's own (a
        few built-in layers name theirs, as Keras's do: a subclass's extra variables are
        then its own to save)."""
        return self._own_variables

    def _named_variables(self, *names: str) -> list[Variable]:
        """This layer's variables held in the attributes `names` (None or unset: left out),
        for a `_saved_variables` that names them as Keras's layer does."""
        found = (self.__dict__.get(n) for n in names)
        return [v for v in found if isinstance(v, Variable)]

    def save_own_variables(self, store) -> None:
        """Write this layer's own variables into `store` under "0", "1", ... (Keras's
        layout; a layer may override it, as Keras lets it)."""
        for i, v in enumerate(self._saved_variables()):
            store[str(i)] = v.numpy()

    def load_own_variables(self, store) -> None:
        """Set this layer's own variables from `store` (the inverse of
        `save_own_variables`); every count and shape is checked before any assignment."""
        variables = self._saved_variables()
        if len(store) != len(variables):
            raise ShapeError(
                f"Layer '{self.name}' expected {len(variables)} variables, but received "
                f"{len(store)} variables during loading."
            )
        arrays = [backend.xp.asarray(store[str(i)]) for i in range(len(variables))]
        for v, a in zip(variables, arrays):
            if tuple(a.shape) != v.shape:
                raise ShapeError(
                    f"Layer '{self.name}' weight '{v.name}' has shape {format_shape(v.shape)}, "
                    f"but received shape {format_shape(a.shape)}."
                )
        for v, a in zip(variables, arrays):
            v.assign(a)

    def _sublayers(self) -> list[Layer]:
        """Layers that own weights on this layer's behalf (models override). A user's
        layer tracks the layers it holds as attributes (or in lists), as Keras does."""
        if _is_builtin(self):
            return []
        return attribute_layers(self)

    @property
    def trainable(self) -> bool:
        return self._trainable

    @trainable.setter
    def trainable(self, value: bool) -> None:
        self._trainable = bool(value)
        for v in self.__dict__.get("_own_variables", ()):  # (Keras 3 mirrors it on them)
            v._layer_frozen = not value
        for layer in self._sublayers():
            layer.trainable = value

    @property
    def weights(self) -> list[Variable]:
        out = list(self._own_variables)
        for layer in self._sublayers():
            out.extend(v for v in layer.weights if not any(v is w for w in out))
        return out

    @property
    def trainable_weights(self) -> list[Variable]:
        if not self.trainable:
            return []
        out = [v for v in self._own_variables if v.trainable]
        for layer in self._sublayers():
            out.extend(v for v in layer.trainable_weights if not any(v is w for w in out))
        return out

    @property
    def non_trainable_weights(self) -> list[Variable]:
        trainable = {id(v) for v in self.trainable_weights}
        return [v for v in self.weights if id(v) not in trainable]

    # Keras 3 aliases
    variables = weights
    trainable_variables = trainable_weights
    non_trainable_variables = non_trainable_weights

    def get_weights(self) -> list:
        """Copies of the weights as NumPy arrays, in `weights` order."""
        return [v.numpy() for v in self.weights]

    def set_weights(self, weights) -> None:
        """Set all weights from a list of arrays (count and shapes checked before any change)."""
        params = self.weights
        weights = list(weights)
        if len(weights) != len(params):
            raise ShapeError(
                f"Layer '{self.name}' has {len(params)} weight(s) "
                f"({', '.join(v.name for v in params) or 'none'}), but set_weights received "
                f"a list of {len(weights)} array(s)."
            )
        for v, w in zip(params, weights):
            if w is None:  # (Keras 3 crashes on it with an AttributeError)
                raise InputTypeError(
                    f"Layer '{self.name}' weight '{v.name}' (shape {format_shape(v.shape)}) "
                    "got None from set_weights: pass an array for every weight."
                )
        arrays = [backend.xp.asarray(w) for w in weights]
        for v, a in zip(params, arrays):
            if tuple(a.shape) != v.shape:
                raise ShapeError(
                    f"Layer '{self.name}' weight '{v.name}' has shape {format_shape(v.shape)}, "
                    f"but set_weights received shape {format_shape(a.shape)}."
                )
        for v, a in zip(params, arrays):
            v.assign(a)

    def quantize(self, mode: str | None = None, type_check: bool = True, config=None) -> None:
        """Quantize the layer's weights (`"int8"`): Dense, EinsumDense, Embedding and
        ReversibleEmbedding implement it; other layers raise NotImplementedError, as Keras
        3's (`model.quantize` warns and skips them)."""
        raise NotImplementedError(
            f"Layer {type(self).__name__} does not have a `quantize` method implemented."
        )

    def count_params(self) -> int:
        if not self.built and not self._sublayers() and not _builds_weights(type(self)):
            return 0  # a layer without weights of any kind (Dropout): 0, as Keras counts
        if not self.built:
            raise NotBuiltError(
                f"You called `count_params` on layer '{self.name}', but the layer isn't built. "
                "You can build it manually via: `layer.build(input_shape)`."
            )
        return int(sum(v.size for v in self.weights))

    # -- life cycle -----------------------------------------------------------
    def build(self, input_shape) -> None:
        """Create the layer's weights for `input_shape` (batch axis included)."""
        self.built = True

    def compute_output_shape(self, input_shape):
        return input_shape

    def compute_mask(self, inputs, previous_mask):
        """The mask of this layer's output(s) (boolean, `(batch, timesteps)` for sequences;
        True marks a real step), given its inputs and their mask(s): by default the input
        mask, unchanged, as Keras 3. A model calls it only if the layer `supports_masking`.

        >>> import numpy as np
        >>> Layer().compute_mask(np.zeros((1, 2, 3)), np.array([[True, False]]))
        array([[ True, False]])
        """
        return previous_mask

    def call(self, inputs, training: bool = False):
        raise NotImplementedError(f"Layer {type(self).__name__} does not implement call().")

    def forward(self, inputs, training: bool = True):
        """Forward pass for training: returns `(outputs, cache)` for `backward`."""
        raise NotImplementedError(
            f"Layer '{self.name}' ({type(self).__name__}) has no backward pass; it can be used "
            "for inference, not trained through."
        )

    def backward(self, cache, grad_output, need_input_grad: bool = True):
        """Given `cache` from `forward` and dL/d(outputs), add weight gradients to this
        layer's variables (`Variable.add_grad`) and return dL/d(inputs)."""
        raise NotImplementedError(f"Layer '{self.name}' has no backward pass.")

    def _backward_for_added_losses(self, cache) -> bool:
        """Whether this call's backward pass must run even when nothing uses its outputs:
        the losses it added (`add_loss` in a traced call) have gradients of their own."""
        return False

    def _maybe_build(self, input_shape) -> None:
        """Check the spec, build on first use, and undo a failed build completely."""
        check_input_all(self.input_spec, input_shape, self.name)
        if self.built:
            return
        before = list(self._own_variables)
        try:
            if self._positional_inputs > 1 and isinstance(input_shape, list):
                # Keras 3: `build(a_shape=..., b_shape=...)`, a shape per call argument;
                # a build of one parameter gets the first argument's shape
                if len(inspect.signature(self.build).parameters) > 1:
                    names = self._positional_names
                    self.build(**{f"{n}_shape": sh for n, sh in zip(names, input_shape)})
                else:
                    self.build(input_shape[0])
            else:
                self.build(input_shape)
            self.built = True
            check_input_all(self.input_spec, input_shape, self.name)
            initial = self.__dict__.get("_initial_weights")
            if initial is not None:  # (Keras 2's `weights=`: a mismatch undoes the build)
                self.set_weights(initial)
                del self._initial_weights
        except Exception:
            self._own_variables[:] = before
            self.built = False
            self._reset_build_state()
            raise
        self._build_input_shape = input_shape

    def _reset_build_state(self) -> None:
        """Forget what a failed `build` set up (layers with a tightened spec override)."""

    def __call__(self, inputs, *more, training=None, **kwargs):
        if more:  # several positional tensors: a user call(self, a, b) takes each (Keras 3)
            if type(self)._positional_inputs > 1:
                inputs = [inputs, *more]
            elif len(more) == 1 and _is_mask_argument(self, more[0]):
                if "mask" in kwargs:
                    raise TypeError(
                        f"{type(self).__name__}.call() got multiple values for argument 'mask'"
                    )
                kwargs["mask"] = more[0]  # (Keras 3's `GlobalAveragePooling1D()(x, mask)`)
            elif len(more) == 1 and training is None:
                training = more[0]  # (Keras 2's `layer(x, True)`)
            else:
                raise TypeError(
                    f"{type(self).__name__} was called with {1 + len(more)} positional "
                    "arguments, but its call() takes one input (pass several as a list)."
                )
        if _tape_hook is not None:  # a GradientTape records this call (numkeras.autodiff)
            recorded = _tape_hook(self, (inputs,), dict(kwargs, training=training), True)
            if recorded is not NotImplemented:
                return recorded
        if not self.built and not _is_builtin(self):
            # a user layer's first call builds the layers it holds: inside its name scope
            with path_scope(self):
                return self._call_unscoped(inputs, training, **kwargs)
        return self._call_unscoped(inputs, training, **kwargs)

    def _call_unscoped(self, inputs, training=None, **kwargs):
        if is_symbolic(inputs):
            return self._call_symbolic(inputs, training=training, **kwargs)
        constant = traced_constant(inputs)
        if constant is not None:  # an array given to a layer inside a traced call
            return self._call_symbolic(constant, training=training, **kwargs)
        previous = _given_mask(self, inputs, kwargs)  # (before the inputs are converted)
        inputs = _convert(inputs, self._float_input_dtype, self)
        if self._mixed:
            inputs = tree.map_structure(autocast.round_half, inputs)
        self._maybe_build(shape_of(inputs))
        if call_accepts_training(self):
            # not given: the default of `call`'s own `training` argument, as Keras 3 falls
            # back to it (the augmentation layers' is True: called directly, they augment)
            kwargs["training"] = training_default(self) if training is None else bool(training)
        self._added_losses = []  # (`add_loss` in this call; `losses` lists them, as Keras)
        with autocast.half_weights(self):
            outputs = as_call_result(self, self.call(inputs, **kwargs))
        if self._mixed:
            outputs = tree.map_structure(autocast.to_half, outputs)
        if self.activity_regularizer is not None:
            self._record_activity(outputs if isinstance(outputs, (list, tuple)) else [outputs])
        if previous is not None or self._makes_mask():
            outputs = _record_masks(self, inputs, outputs, previous)
        return outputs

    def _makes_mask(self) -> bool:
        """Whether this layer may give its outputs a mask of its own, not only pass one on
        (`Embedding(mask_zero=True)`, `Masking`, a user layer with its own `compute_mask`)."""
        own = type(self).compute_mask is not Layer.compute_mask
        return own and self.supports_masking and not _is_builtin(self)

    def add_loss(self, loss) -> None:
        """Keras's `add_loss`, called in `call`: `loss` (summed to a scalar) is added to the
        training and evaluation loss, and listed in `losses` after a direct call. Computed
        with `numkeras.ops`, it trains: while a trace runs (see `numkeras.ops.trace`) it is
        a symbolic tensor, recorded as an extra output whose gradient is 1.

        >>> from numkeras import ops
        >>> class Penalized(Layer):
        ...     def call(self, x):
        ...         self.add_loss(0.5 * ops.sum(x))
        ...         return x
        >>> layer = Penalized()
        >>> _ = layer(np.ones((2, 2), "float32"))
        >>> [float(v) for v in layer.losses]
        [2.0]
        """
        if is_symbolic(loss):
            from numkeras.ops.trace import record_loss

            record_loss(self, loss)
            return
        from numkeras.autodiff import recorder

        if recorder.RECORDING and _is_tape_tensor(loss):  # a GradientTape's: it keeps the
            from numkeras import ops  # loss's gradient (`tape.gradient(sum(model.losses))`)

            value = ops.sum(loss)
        else:
            value = np.float32(float(backend.xp.sum(backend.xp.asarray(loss))))
        scope = stateless_scope.active
        if scope is not None:  # (Keras: the scope's to collect, or dropped; not the layer's)
            if scope.collect_losses:
                scope.add_loss(value, self)
            return
        if _loss_sinks:  # a model's run: its loss (and its `losses`, for a direct call)
            _loss_sinks[-1].append(value)
        else:
            self.__dict__.setdefault("_added_losses", []).append(value)

    def _record_activity(self, outputs: list) -> None:
        """Keep the activity penalties of this direct call, for `losses` (as Keras)."""
        penalty = regularizers.activity_penalty
        self._activity_losses = [
            np.float32(float(penalty(self.activity_regularizer, o, False)[0])) for o in outputs
        ]
        if stateless_scope.active is not None:  # (added as `add_loss` values, as Keras 3's)
            losses, self._activity_losses = self._activity_losses, []
            for value in losses:
                self.add_loss(value)

    def _sublayer_losses_are_own(self) -> bool:
        """Whether `losses` lists the sublayers' losses of the last call, as Keras's: a
        layer's sublayers ran in its call (a model's run collects them itself)."""
        return True

    def _own_losses(self) -> list:
        """The activity penalties and `add_loss` values of this layer's last direct call."""
        return list(self.__dict__.get("_activity_losses", ())) + list(
            self.__dict__.get("_added_losses", ())
        )

    @property
    def losses(self) -> list:
        """Keras's `layer.losses`: the activity penalties and `add_loss` values of the last
        direct call (this layer's, then its sublayers'), then the penalties of the
        trainable weights (float32 scalars). Training and evaluation add
        both to the loss themselves; read while a GradientTape records, the weights'
        penalties are recorded (their gradients reach the weights)."""
        from numkeras.autodiff import recorder

        if stateless_scope.active is not None:  # inside one: the losses it collected
            out = stateless_scope.active.losses_of([self, *_nested_layers(self)])
        else:
            out = self._own_losses()
            if self._sublayer_losses_are_own():
                for layer in _nested_layers(self):
                    out += layer._own_losses()
        for v in self.trainable_weights:
            if v.regularizer is None:
                continue
            if recorder.RECORDING:  # a GradientTape differentiates the weight penalties
                out.append(recorder.record_weight_penalty(v))
            else:
                out.append(np.float32(float(v.regularizer(v.value))))  # (a CuPy scalar too)
        return out

    # -- metrics a user's layer holds (Keras 3 tracks them as it tracks variables) -----------
    @property
    def metrics(self) -> list:
        """The `Metric`s this layer holds as attributes (or in list attributes), in
        assignment order, then its sublayers' (Keras 3's `layer.metrics`).

        >>> import numkeras
        >>> class Counted(numkeras.layers.Layer):
        ...     def __init__(self):
        ...         super().__init__()
        ...         self.seen = numkeras.metrics.Sum(name="seen")
        >>> [m.name for m in Counted().metrics]
        ['seen']
        """
        if not _METRICS_HELD:
            return []
        return held_metrics(self) + [m for layer in self._sublayers() for m in layer.metrics]

    @property
    def metrics_variables(self) -> list:
        """The state variables of `metrics` (not in `weights` or `variables`, as Keras's)."""
        return [v for m in self.metrics for v in m.variables]

    def add_metric(self, *args, **kwargs):
        """Keras 3 removed it (as here): make the metric in `__init__` or `build` and
        update it in `call`, or pass it to `compile(metrics=...)`."""
        raise NotImplementedError(
            "Layer `add_metric()` method is deprecated. Add your metric in "
            "`Model.compile(metrics=[...])`, or create metric trackers in init() or build() "
            "when subclassing the layer or model, then call `metric.update_state()` "
            "whenever necessary."
        )

    # -- calls with other variable values, and on specs (Keras 3's API) ---------------------
    def stateless_call(
        self, trainable_variables, non_trainable_variables, *args, return_losses=False, **kwargs
    ):
        """Call the layer with these values for its `trainable_variables` and
        `non_trainable_variables` (in those lists' order), leaving its own unchanged:
        returns `(outputs, non_trainable_variables)`, the second the values the call left
        (a training-mode BatchNormalization's moving statistics), and with
        `return_losses=True` also the call's `losses`. Assign the returned values to keep
        them, as Keras 3's JAX-style loops do.

        >>> import numpy as np
        >>> from numkeras import layers
        >>> layer = layers.Dense(2, kernel_initializer="ones")
        >>> _ = layer(np.ones((1, 3)))
        >>> out, _ = layer.stateless_call([np.zeros((3, 2)), np.ones(2)], [], np.ones((1, 3)))
        >>> out, layer(np.ones((1, 3)))
        (array([[1., 1.]], dtype=float32), array([[3., 3.]], dtype=float32))
        """
        name = type(self).__name__
        if not self.built:
            raise ConfigError(
                f"To call stateless_call, {name} must be built (i.e. its variables must have "
                "been already created). You can build it by calling it on some data."
            )
        variables = []
        for given, own, label in (
            (trainable_variables, self.trainable_variables, "trainable_variables"),
            (non_trainable_variables, self.non_trainable_variables, "non_trainable_variables"),
        ):
            if len(given) != len(own):
                raise ConfigError(
                    f"Argument `{label}` must be a list of tensors corresponding 1:1 to "
                    f"{name}().{label}. Received list with length {len(given)}, but expected "
                    f"{len(own)} variables."
                )
            variables += zip(own, given)
        taped = _TapedStatelessCall.open(self, variables, args, kwargs)
        # (an open StatelessScope sees none of this, as Keras's call runs in its own scope)
        outer, stateless_scope.active = stateless_scope.active, None
        try:
            with _holding(variables), taped.recording():
                outputs = self(*args, **kwargs)
                losses = self.losses if return_losses else None
                updated = [v.value.copy() for v in self.non_trainable_variables]
        finally:
            stateless_scope.active = outer
        taped.record(outputs, losses)
        return (outputs, updated, losses) if return_losses else (outputs, updated)

    def symbolic_call(self, *args, **kwargs):
        """The output spec (`KerasTensor`s: shape and dtype) of a call on these
        arguments, without running it or recording a node (Keras 3's)."""
        return self.compute_output_spec(*args, **kwargs)

    @property
    def call_signature_parameters(self) -> list[str]:
        """The names of `call`'s parameters (Keras 3's), e.g. `['inputs', 'training']`
        (not the ones numkeras's executor passes its own layers)."""
        names = inspect.signature(self.call).parameters
        return [p for p in names if p not in ("self", "workspace", "defer_bias", "penalties")]

    def _call_symbolic(self, inputs, training=None, **kwargs):
        from numkeras.layers.keras_tensor import Node

        if _assigned_hook is not None:  # inside a trace, a weight assigned earlier in it
            substituted = _assigned_hook(self, inputs, training, kwargs)
            if substituted is not None:
                return substituted
        extra = _own_call_keywords(self, kwargs)
        if "mask" in extra:  # (a constant: the executor hands it back as `mask=`, see
            # `_traced_forward`, which tells it from the inputs' masks by identity)
            constants = self.__dict__.setdefault("_constant_call_masks", [])
            if not any(extra["mask"] is m for m in constants):
                constants.append(extra["mask"])
        mask = explicit_mask(self, inputs, None if "mask" in extra else kwargs.get("mask"))
        in_shape = shape_of(inputs)
        self._maybe_build(in_shape)
        masks = symbolic_masks(self, inputs) if mask is None else mask
        out_shape = self._symbolic_output_shape(in_shape, extra, masks)
        dtype = None
        if getattr(inputs, "dtype", None) == "string":  # (text layers take it before here)
            raise _text_into_numbers(self, inputs)
        in_dtype = np.dtype(getattr(inputs, "dtype", "float32"))
        if self.symbolic_keeps_input_dtype and in_dtype.kind in "iub":
            dtype = inputs.dtype
        node = Node(self, inputs, out_shape, training=training, dtype=dtype, mask=mask)
        own = self.__dict__.get("_outputs_list") or ()  # (a nested model's outputs: their
        if len(own) == len(node.outputs):  # own dtypes, a mixed layer's float16 say, as Keras)
            for t, inner in zip(node.outputs, own):
                t.dtype = inner.dtype
        kept = integer_value_dtype(self, inputs)
        if kept is not None:  # (integer arrays under a float symbolic dtype, as Keras's)
            for t in node.outputs:
                t.value_dtype = kept
        if extra:  # run with the call (`_Step.call_kwargs`), written in configs, cloned
            node.call_kwargs = extra
        if extra or mask is not None or self._positional_inputs > 1:
            # (a call on several positional tensors is written with each as an argument)
            args = list(inputs) if self._positional_inputs > 1 else [inputs]
            node.call_arguments = (args, {**extra, **({} if mask is None else {"mask": mask})})
        return as_call_result(self, node.outputs_structure)

    def _symbolic_output_shape(self, input_shape, call_kwargs, masks):
        """The output shape of a symbolic call, its input shape checked by `_maybe_build`."""
        return call_output_shape(self, input_shape, call_kwargs, masks)

    def __getattr__(self, name: str):
        # only reached for a missing attribute: a weight asked of an unbuilt layer says why
        if name in _WEIGHT_NAMES and not self.__dict__.get("built", True):
            raise AttributeError(
                f"Layer '{self.__dict__.get('name', '?')}' is not built yet, so it has no "
                f"`{name}`: you must build the layer before accessing it (call it on data or "
                "an Input, or `layer.build(input_shape)`)."
            )
        if any(name in klass.__dict__ for klass in type(self).__mro__):
            # a property that raised AttributeError (Python then tries here): its own message
            return object.__getattribute__(self, name)
        raise AttributeError(f"'{type(self).__name__}' object has no attribute '{name}'")

    # -- the symbolic tensors of its first call (functional API) --------------------------
    @property
    def input(self):
        """The symbolic input(s) of this layer's first call on `KerasTensor`s, as Keras 3's
        `layer.input`: with `output`, it cuts a sub-model out of a graph, e.g.
        `Model(model.input, model.get_layer("hidden").output)`."""
        return self._first_node("input").inputs_structure

    @property
    def output(self):
        """The symbolic output(s) of this layer's first call on `KerasTensor`s."""
        return self._first_node("output").outputs_structure

    def _first_node(self, what: str):
        if not self._inbound_nodes:
            # AttributeError, as Keras: `hasattr(layer, "output")` is False before a call
            raise AttributeError(
                f"The layer {self.name} has never been called and thus has no defined {what}."
            )
        return self._inbound_nodes[0]

    # -- config ---------------------------------------------------------------
    def get_config(self) -> dict:
        """Keras 3's config. A user's class that does not write its own `get_config` gets
        Keras's automatic one: the arguments its constructor was given (defaults filled in,
        `name` left out), when they are all plain values (str, numbers, bool, None, and
        lists / dicts of them), so `from_config` rebuilds it with them. (A subclassed Model's
        automatic config in Keras 3.15 holds the constructor's defaults, not the values it
        was given, which a reload then silently uses; numkeras records the values given.)

        >>> class Scale(Layer):
        ...     __module__ = "__main__"  # (a user's class: doctests run in numkeras's module)
        ...     def __init__(self, k=2.0, **kwargs):
        ...         super().__init__(**kwargs)
        ...         self.k = k
        >>> Scale(k=3.0).get_config()["k"]
        3.0
        """
        # Keras 3's keys only: a declared input shape lives in the model's InputLayer, and
        # Keras 3 refuses `batch_input_shape` in a layer config
        auto = self.__dict__.get("_auto_config")
        if auto is not None and _uses_default_get_config(type(self)):
            config = dict(auto)
            if "name" in config:
                config["name"] = self.name
            config["trainable"] = self.trainable
            config["dtype"] = _dtype_policy_config(self._policy_name)
        else:
            config = {
                "name": self.name,
                "trainable": self.trainable,
                "dtype": _dtype_policy_config(self._policy_name),
            }
        if self.activity_regularizer is not None:  # as Keras 3: only when set
            config["activity_regularizer"] = regularizers.serialize(self.activity_regularizer)
        return config

    @classmethod
    def from_config(cls, config: dict):
        config = dict(config)
        if isinstance(config.get("dtype"), dict):
            config["dtype"] = config["dtype"].get("config", {}).get("name")
        return cls(**config)

    def get_build_config(self) -> dict | None:
        # as Keras: a layer built by its first call records that call's shape, with or
        # without a `build` of its own (a layer built at init, `built_at_init`, never does)
        if self._build_input_shape is None:
            return None
        shape = self._build_input_shape
        if self._positional_inputs > 1 and isinstance(shape, list):
            names = self._positional_names
            return {"shapes_dict": {f"{n}_shape": _jsonable_shape(s) for n, s in zip(names, shape)}}
        return {"input_shape": _jsonable_shape(shape)}

    def _repr_args(self) -> str:
        return ""

    def __repr__(self) -> str:
        args = self._repr_args()
        sep = ", " if args else ""
        return f"{type(self).__name__}({args}{sep}name='{self.name}')"


# Keras 3's masks on arrays (its `_keras_mask` attribute, which JAX arrays keep in a table
# by id as these do): a direct call of a layer on arrays reads its inputs' masks and records
# its outputs', so `lstm(embedding(ids))` skips the padding as in Keras. Each entry goes
# with its array. (A model's own runs keep their masks beside their values: Model._run.)
_array_masks: dict[int, object] = {}


def get_array_mask(x):
    """The mask a direct layer call recorded for the array `x` (None: none).

    >>> import numpy as np
    >>> from numkeras.layers import Embedding
    >>> get_array_mask(Embedding(5, 2, mask_zero=True)(np.array([[3, 0]])))
    array([[ True, False]])
    """
    if not _array_masks:
        return None
    return _array_masks.get(id(x))


class MaskedOutput(np.ndarray):
    """A direct call's output with a mask: a NumPy array whose `_keras_mask` is that mask,
    as Keras 3's arrays carry theirs (`embedding(ids)._keras_mask`, in keras.io's masking
    guide). Arrays computed from it have no mask (AttributeError, as Keras's)."""

    def __repr__(self) -> str:
        return repr(self.view(np.ndarray))  # (it prints as the array it is)

    @property
    def _keras_mask(self):
        mask = get_array_mask(self)
        if mask is None:
            raise AttributeError("This array has no `_keras_mask`: no layer call gave it one.")
        return mask


def set_array_mask(x, mask):
    """`x` with `mask` recorded for it (for the next direct layer call, and as its
    `_keras_mask`): a `MaskedOutput` view of a NumPy array; `x` itself when `mask` is None
    or `x` cannot hold one."""
    if mask is None or not hasattr(x, "shape"):
        return x
    if type(x) is np.ndarray:
        x = x.view(MaskedOutput)
    key = id(x)
    if key not in _array_masks:
        try:
            weakref.finalize(x, _array_masks.pop, key, None)
        except TypeError:  # (not weak-referenceable: no mask)
            return x
    _array_masks[key] = mask
    return x


def _given_mask(layer: Layer, inputs, kwargs: dict):
    """A direct call's previous mask: `mask=` if given, else its inputs' recorded masks
    (a list for a list of inputs), handed to a call that takes them, as Keras 3 does."""
    given = kwargs.get("mask")
    if given is not None:
        return given
    if not _array_masks:
        return None
    if isinstance(inputs, (list, tuple)) and inputs and hasattr(inputs[0], "shape"):
        previous = [get_array_mask(x) for x in inputs]
        if all(m is None for m in previous):
            return None
    else:
        previous = get_array_mask(inputs)
        if previous is None:
            return None
    several = isinstance(inputs, (list, tuple))
    if accepts(layer, "mask") and (layer.list_inputs_take_masks or not several):
        kwargs["mask"] = previous
    return previous


def _record_masks(layer: Layer, inputs, outputs, previous):
    """Keras 3's `_set_mask_metadata` for a direct call: `compute_mask` gives the outputs'
    masks if the layer supports masking; one that does not drops them, with the warning.
    Returns the outputs, those with a mask as `MaskedOutput`s (`set_array_mask`)."""
    if getattr(layer, "is_operation", False):
        return outputs
    if not layer.supports_masking:
        given = previous if isinstance(previous, (list, tuple)) else [previous]
        if any(m is not None for m in given):
            warn_mask(layer, "drops")
        return outputs
    masks = layer.compute_mask(inputs, previous)
    flat = list(masks) if isinstance(masks, (list, tuple)) else [masks]
    if not isinstance(outputs, (list, tuple)):
        return set_array_mask(outputs, flat[0])
    marked = [set_array_mask(out, mask) for out, mask in zip(outputs, flat)]
    return type(outputs)(marked + list(outputs[len(marked) :]))


def warn_mask(layer: Layer, why: str) -> None:
    """Keras 3's warning for a layer that loses a mask (once per layer): `why` is "drops"
    (it does not support masking) or "forward" (its call takes the mask, its forward pass,
    which a model runs, does not)."""
    if layer.__dict__.get("_mask_warned"):
        return
    layer.__dict__["_mask_warned"] = True
    if why == "drops":
        message = (
            f"Layer '{layer.name}' (of type {type(layer).__name__}) was passed an input with "
            "a mask attached to it. However, this layer does not support masking and will "
            "therefore destroy the mask information. Downstream layers will not see the mask."
        )
    else:
        message = (
            f"Layer '{layer.name}' (of type {type(layer).__name__}) takes a `mask` in its "
            "call, but its forward(), which a model runs, does not: it runs as if unmasked. "
            "Give forward() a `mask` argument too."
        )
    warnings.warn(message, UserWarning, stacklevel=user_stacklevel())


# Set by numkeras.autodiff while a GradientTape records (else None: one check per call):
# `_tape_hook(layer, args, kwargs, base)` records the call, or returns NotImplemented to let it
# run (`base`: from `Layer.__call__` itself, with the arguments a subclass's own call made).
_tape_hook = None


def _tape_aware_call(call):
    """A subclass's own `__call__` (Model's, Embedding's, ...) with `Layer.__call__`'s
    GradientTape hook in front (numkeras.autodiff)."""

    @functools.wraps(call)
    def tape_aware_call(self, *args, **kwargs):
        if _tape_hook is not None:
            recorded = _tape_hook(self, args, kwargs, False)
            if recorded is not NotImplemented:
                return recorded
        return call(self, *args, **kwargs)

    return tape_aware_call


# Set by numkeras.ops.trace: inside a trace, an array given to a layer becomes a graph
# tensor (a constant step), so the layer is recorded and its weights train.
_constant_hook = None


# Set by numkeras.ops.trace: inside a trace, a layer whose weight the traced call assigned
# (`self.conv.kernel.assign(self.conv.kernel * mask)`) is recorded computing with the
# assigned value, so the gradient reaches the weight through it (as on Keras's JAX backend).
_assigned_hook = None


def traced_constant(inputs):
    """Inside a traced call, an array given to a layer as a graph tensor; else None."""
    return None if _constant_hook is None else _constant_hook(inputs)


# Where `add_loss` values of a running model go: its list of penalties (Model._run).
_loss_sinks: list[list] = []


@contextlib.contextmanager
def collecting_losses(sink: list | None):
    """Inside the block, `add_loss` values (and traced layers' added losses) are appended
    to `sink` (a model run's penalties), as Keras adds them to the loss; None: nowhere."""
    if sink is None:
        yield
        return
    _loss_sinks.append(sink)
    try:
        yield
    finally:
        _loss_sinks.pop()


_PLAIN = (str, int, float, bool, type(None))


def _plain(value) -> bool:
    if isinstance(value, (list, tuple)):
        return all(_plain(v) for v in value)
    if isinstance(value, dict):
        return all(isinstance(k, str) and _plain(v) for k, v in value.items())
    return isinstance(value, _PLAIN) and not (
        hasattr(value, "dtype") and not isinstance(value, (bool, int, float))
    )


def _auto_config(cls, args, kwargs) -> dict | None:
    """Keras 3's automatic config of a user's class: the constructor's arguments (defaults
    filled in, `**kwargs` spread, `name` first or left out, as Keras) when all are plain
    values; else None (numkeras then writes name / trainable / dtype, where Keras raises
    NotImplementedError from get_config)."""
    try:
        signature = inspect.signature(cls.__init__)
        bound = signature.bind(None, *args, **kwargs)
    except (TypeError, ValueError):
        return None
    bound.apply_defaults()
    config: dict = {}
    for i, (key, value) in enumerate(bound.arguments.items()):
        kind = signature.parameters[key].kind
        if i == 0:  # self
            continue
        if kind is inspect.Parameter.VAR_POSITIONAL:
            if value:
                return None
        elif kind is inspect.Parameter.VAR_KEYWORD:
            config.update(value)
        else:
            config[key] = value
    config.pop("name", None)
    # Keras keeps `name` (first) when the constructor can take it back: a `name` argument,
    # or variadic keywords spelled `**kwargs` (Keras checks that spelling)
    takes_kwargs = any(
        p.kind is inspect.Parameter.VAR_KEYWORD and p.name == "kwargs"
        for p in signature.parameters.values()
    )
    if "name" in signature.parameters or takes_kwargs:
        config = {"name": None, **config}
    dtype = config.get("dtype")
    if dtype is not None and not isinstance(dtype, (str, dict)):  # np.float32, a policy
        config["dtype"] = str(getattr(dtype, "name", dtype))
    return config if _plain(config) else None


def _uses_default_get_config(cls) -> bool:
    """Whether `cls` (a user's class) leaves `get_config` to Layer / Model."""
    defaults = {Layer.get_config}
    from numkeras.models.model import Model

    defaults.add(Model.get_config)
    return cls.get_config in defaults and not cls.__module__.startswith("numkeras.")


def layer_tree(layer: Layer) -> list[Layer]:
    """`layer` and the layers it holds, recursively (each once, depth first in the order
    they are held)."""
    found: list[Layer] = []
    seen: set[int] = set()
    stack = [layer]
    while stack:
        item = stack.pop()
        if id(item) in seen:
            continue
        seen.add(id(item))
        found.append(item)
        stack.extend(reversed(item._sublayers()))
    return found


@contextlib.contextmanager
def path_scope(layer: Layer):
    """Keras 3's name scope of a model (or user layer) while it builds the layers it holds:
    the variables created inside get `layer.name` in front of their path, and the layers
    built inside in front of theirs, so a Sequential's Dense weights are
    `'sequential/dense/kernel'` while a Dense built on an `Input` outside any model keeps
    `'dense/kernel'` (Keras fixes a path when the variable is created, as here)."""
    tree_before = layer_tree(layer)
    built_before = {id(la) for la in tree_before if la.built}
    vars_before = {id(v) for v in layer.weights}
    try:
        yield
    finally:
        prefix = f"{layer.name}/"
        for v in layer.weights:
            scope = v.__dict__.get("_scope_path", "")  # (a user's name scope stays in front)
            rest = v.path[len(scope) :]
            if id(v) not in vars_before and not rest.startswith(prefix):
                v.path = scope + prefix + rest
        for item in layer_tree(layer)[1:]:
            if item.built and id(item) not in built_before:
                item._path = prefix + (item.__dict__.get("_path") or item.name)


def _is_builtin(layer) -> bool:
    """A numkeras layer (not a user's class, nor a user's subclass of one)."""
    return type(layer).__module__.startswith("numkeras.")


def _is_user_layer(layer) -> bool:
    """A user's subclass of `Layer` itself (not of a numkeras layer such as Dense, whose
    call computes in floats)."""
    for cls in type(layer).__mro__:
        if cls.__module__.startswith("numkeras."):
            return cls is Layer
    return False


def _is_tape_tensor(x) -> bool:
    from numkeras.autodiff.tensor import TapeTensor

    return isinstance(x, TapeTensor)


def _nested_layers(layer) -> list[Layer]:
    """`layer`'s sublayers, theirs after each, depth first, each once."""
    found: list[Layer] = []
    for sub in layer._sublayers():
        if all(sub is not f for f in found):
            found.append(sub)
            found += [n for n in _nested_layers(sub) if all(n is not f for f in found)]
    return found


def attribute_layers(owner) -> list[Layer]:
    """The layers `owner` holds as attributes or in list attributes, in assignment order."""
    return _held_items(owner, lambda item: is_tracked_layer(item, owner))


def _held_items(owner, wanted) -> list:
    """The values `owner` holds as attributes or in list attributes for which
    `wanted(value)`, in assignment order, each once."""
    found: list = []
    for value in tracked_attributes(owner).values():
        for item in value if isinstance(value, (list, tuple)) else (value,):
            if wanted(item) and all(item is not f for f in found):
                found.append(item)
    return found


# numkeras's own attributes that hold layers (a traced model's graph, the trainer's lists)
_INTERNAL_ATTRIBUTES = frozenset(
    {
        "_graph_layers",
        "_graph_operations",
        "_input_layer",
        "_input_layers",
        "_stateful_cache",
        "_compiled_flags",
        "_stack",
    }
)


# How many weights layers have created: a model compiled before a layer added one (LoRA's
# factors) sees the count change, and gives the new weights their buffers.
_WEIGHTS_ADDED = 0


def weights_added() -> int:
    return _WEIGHTS_ADDED


# Whether a user's layer or model ever held a Metric (or a list, which may hold some) as
# an attribute: until one does, `model.metrics` and each training call skip the search.
_METRICS_HELD = False


def _note_held_metrics() -> None:
    global _METRICS_HELD
    _METRICS_HELD = True


def metrics_may_be_held() -> bool:
    return _METRICS_HELD


@functools.cache
def _metric_class() -> type:
    from numkeras.metrics.metric import Metric

    return Metric


def held_metrics(owner) -> list:
    """The `Metric`s `owner` holds as attributes or in list attributes, in assignment
    order (each once)."""
    return _held_items(owner, lambda item: isinstance(item, _metric_class()))


def tracked_attributes(owner) -> dict:
    """`owner`'s attributes as Keras tracks them: the user's, in assignment order."""
    return {k: v for k, v in vars(owner).items() if k not in _INTERNAL_ATTRIBUTES}


def is_tracked_layer(item, owner) -> bool:
    """Whether attribute value `item` is a layer `owner` tracks: not the operations and
    inputs of a subclassed model's traced graph (`Model._trace_call`)."""
    from numkeras.layers.input_layer import InputLayer

    return (
        isinstance(item, Layer)
        and item is not owner
        and not getattr(item, "is_operation", False)
        and not isinstance(item, InputLayer)
    )


def _already_built_for(layer, shape) -> bool:
    """For a built layer's `build(shape)`: True when `shape` is the one it was built for
    (nothing to do); a ShapeError when it differs, since new weights would silently
    replace the ones its model uses (Keras refuses to add state to a built layer too)."""
    built_for = layer._build_input_shape
    if built_for is None or hasattr(layer, "_graph_ready"):  # models rebuild their graph
        return False
    pairs = (
        list(zip(built_for, shape))
        if isinstance(built_for, list) and isinstance(shape, list) and len(built_for) == len(shape)
        else [(built_for, shape)]
    )
    if all(not isinstance(b, list) and shapes.compatible(tuple(a), tuple(b)) for a, b in pairs):
        return True
    raise ShapeError(
        f"Layer '{layer.name}' is already built for input shape {built_for}; it cannot be built "
        f"again for {shape}. Create a new layer for inputs of the new shape."
    )


def check_input_all(spec, shape, layer_name: str) -> None:
    if isinstance(spec, (list, tuple)):
        if not isinstance(shape, list) or len(shape) != len(spec):
            n = len(shape) if isinstance(shape, list) else 1
            raise ShapeError(
                f"Layer '{layer_name}' expects {len(spec)} input(s), but it received {n} input "
                "tensor(s)."
            )
        for i, (s, sh) in enumerate(zip(spec, shape)):
            check_input(s, sh, layer_name, i)
    elif spec is not None:
        if isinstance(shape, list):
            fix = " Pass the tensor itself: `x[0]`." if len(shape) == 1 else ""
            raise ShapeError(
                f"Layer '{layer_name}' expects 1 input, but it received a list of "
                f"{len(shape)} input tensor(s).{fix}"
            )
        check_input(spec, shape, layer_name)


def _convert(inputs, dtype, layer: Layer | None = None):
    """The inputs of a call as arrays: floats cast to `dtype`; integers and bools too,
    or as `layer.integer_inputs` says (layers/integer_inputs.py)."""
    if layer is not None and layer.integer_inputs != "float":
        return _convert_integers(inputs, dtype, layer)
    if layer is not None and _is_user_layer(layer):
        # Keras 3 casts a call's floating inputs only: a user's layer gets its integer
        # ones (a graph's edge indices, token ids) as they are
        return _convert_integers(inputs, dtype, layer, mode="own")
    if isinstance(inputs, (list, tuple)) and inputs and _is_array_like_list(inputs) is False:
        return [backend.cast_input(t, dtype) for t in inputs]
    return backend.cast_input(inputs, dtype)


def _is_array_like_list(x) -> bool:
    """A nested list of numbers (one array), as opposed to a list of arrays (several inputs)."""
    first = x[0]
    return not hasattr(first, "shape")


def _policy_name(dtype) -> str:
    """The policy name a layer's `dtype` argument gives (None: the global policy's)."""
    if dtype is None:
        from numkeras import config

        return config.dtype_policy().name
    if isinstance(dtype, dict):
        dtype = dtype.get("config", {}).get("name", backend.floatx())
    return str(getattr(dtype, "name", dtype))


def _dtype_name(dtype) -> str:
    """The float type of the weights a layer's `dtype` argument gives."""
    name = _policy_name(dtype)
    if name == "mixed_float16":
        return "float32"
    if name not in ("float16", "float32", "float64"):
        hint = " (NumPy has no bfloat16)" if name == "mixed_bfloat16" else ""
        raise ConfigError(
            f"Unsupported layer dtype {dtype!r}{hint}; use 'float32', 'float16', 'float64' "
            "or 'mixed_float16'."
        )
    return name


def _dtype_policy_config(name: str) -> dict:
    return {
        "module": "keras",
        "class_name": "DTypePolicy",
        "config": {"name": name},
        "registered_name": None,
    }


def _jsonable_shape(shape):
    """A build shape with plain ints, in the container it came in (Keras keeps a tuple a
    tuple and a list a list); a list of shapes (several inputs) shape by shape."""
    if isinstance(shape, list) and any(isinstance(s, (list, tuple)) for s in shape):
        return [_jsonable_shape(s) for s in shape]
    dims = [None if d is None else int(d) for d in shape]
    return dims if isinstance(shape, list) else tuple(dims)


def keras1_arguments(cls_name: str, kwargs: dict, renames: dict) -> dict:
    """`kwargs` with Keras 1's argument names (`init`, `W_regularizer`, ...) renamed to
    Keras 2/3's, each with one deprecation note, as Keras 2 still accepted them (the 2016
    tutorials use them).

    >>> keras1_arguments("Dense", {"init": "uniform"}, {"init": "kernel_initializer"})
    {'kernel_initializer': 'uniform'}
    """
    out = dict(kwargs)
    for old, new in renames.items():
        if old not in out:
            continue
        value = out.pop(old)
        if old == "bias":  # Keras 1's `bias=False` is `use_bias=False`
            value = bool(value)
        out[new] = value
        warn_deprecated(f"`{cls_name}({old}=...)` is a Keras 1 spelling; use `{new}=`.")
    return out


def _legacy_input_shape(cls_name, input_dim, input_shape, batch_size, batch_input_shape):
    """Turn Keras 2's input_dim / input_shape / batch_size / batch_input_shape into one
    batch shape (batch axis first), with one deprecation note naming `Input(shape=...)`."""
    if batch_input_shape is not None:
        if input_shape is not None or input_dim is not None:
            raise ConfigError(
                "Pass either `batch_input_shape` or `input_shape`/`input_dim`, not both."
            )
        shape = _validate_shape("batch_input_shape", batch_input_shape)
        if len(shape) < 1:
            raise ConfigError("`batch_input_shape` needs the batch axis and at least one more.")
        warn_deprecated(
            f"`batch_input_shape={format_shape(shape)}` is a Keras 2 spelling; prefer "
            f"`Input(batch_shape={format_shape(shape)})` as the model's first layer."
        )
        return shape
    if input_dim is not None:
        if input_shape is not None:
            raise ConfigError("Pass either `input_dim` or `input_shape`, not both.")
        if not is_int(input_dim) or input_dim <= 0:
            raise ConfigError(
                f"`input_dim` must be a positive integer (the size of one sample's last axis, "
                f"without the batch), received input_dim={input_dim!r}."
            )
        input_shape = (int(input_dim),)
        spelled = f"input_dim={input_dim}"
    elif input_shape is not None:
        input_shape = _validate_shape("input_shape", input_shape)
        spelled = f"input_shape={format_shape(input_shape)}"
    else:
        if batch_size is not None:
            raise ConfigError("`batch_size` needs `input_shape` (or `input_dim`) beside it.")
        return None
    if batch_size is not None and (not is_int(batch_size) or batch_size <= 0):
        raise ConfigError(f"`batch_size` must be a positive integer, received {batch_size!r}.")
    batch_size = None if batch_size is None else int(batch_size)
    warn_deprecated(
        f"`{spelled}` on a layer is a Keras 2 spelling; prefer "
        f"`Input(shape={format_shape(input_shape)})` as the model's first layer "
        "(shapes exclude the batch axis)."
    )
    return (batch_size, *input_shape)


def _own_call(cls) -> None:
    """A subclass that redefines `call`.

    It gets `workspace=` only if its call takes it. One that redefines neither `forward`
    nor `backward` (a layer written the Keras way) trains through its `call` by tracing
    it (`numkeras.layers.traced_call`), as Keras differentiates it; with no
    `compute_output_shape` of its own, the trace gives its output shape too.
    """
    cls.uses_workspace = cls.uses_workspace and accepts(cls, "workspace")
    names = _required_positional(cls.__dict__["call"])
    if len(names) > 1 and not cls.__module__.startswith("numkeras."):
        cls._positional_inputs = len(names)
        cls._positional_names = names
        cls.call = _unpacking_call(cls.__dict__["call"], len(names))
    if "forward" in cls.__dict__ or "backward" in cls.__dict__:
        return
    cls.forward = _traced_forward
    cls.backward = _traced_backward
    cls._backward_for_added_losses = _traced_adds_losses
    if cls.compute_output_shape is Layer.compute_output_shape:
        cls.compute_output_shape = _traced_output_shape


def _required_positional(fn) -> list[str]:
    """The inputs `call(self, a, b, ...)` requires positionally (not `training`, `mask`
    or parameters with defaults)."""
    try:
        params = list(inspect.signature(fn).parameters.values())[1:]
    except (TypeError, ValueError):
        return []
    return [
        p.name
        for p in params
        if p.kind is p.POSITIONAL_OR_KEYWORD
        and p.default is p.empty
        and p.name not in ("training", "mask")
    ]


def _unpacking_call(call, required: int):
    """A user call on several positional tensors, given them as one list (the packed
    inputs every model, trace and graph passes around), or as separate arguments."""

    @functools.wraps(call)
    def unpacking_call(self, inputs, *args, **kwargs):
        if not args and isinstance(inputs, (list, tuple)) and len(inputs) >= required:
            return call(self, *inputs, **kwargs)
        return call(self, inputs, *args, **kwargs)

    return unpacking_call


def _inheritable_call(cls, call):
    """`call` of a class with its own backward pass, made usable from a subclass's traced
    call: reached through `super().call(x)` on a symbolic tensor (which only a trace
    passes to `call`), it records this class's forward and backward on the subclass's
    layer, so `class MyDense(Dense)` with `super().call(x) * 2` trains."""

    @functools.wraps(call)
    def inheritable_call(self, inputs, *args, **kwargs):
        if isinstance(inputs, KerasTensor) or (
            isinstance(inputs, list) and inputs and isinstance(inputs[0], KerasTensor)
        ):
            from numkeras.layers.traced_call import inherited_call

            return inherited_call(self, cls, inputs, kwargs.get("training"))
        return call(self, inputs, *args, **kwargs)

    return inheritable_call


def _builds_weights(cls) -> bool:
    """Whether a layer class has a `build` of its own (so may create weights)."""
    return any("build" in k.__dict__ for k in cls.__mro__ if k is not Layer and k is not object)


def _own_call_keywords(layer, kwargs: dict) -> dict:
    """The keywords of a user layer's call in a graph beyond `mask` (`MyLayer()(x,
    reverse=True)`): constants, kept with the call as Keras keeps them. A symbolic tensor
    there would be an input the graph cannot see: refused, with the way to pass it."""
    if _is_builtin(layer):  # a built-in: the keywords it names
        return {k: v for k, v in kwargs.items() if k in layer.graph_call_keywords}
    extra = {k: v for k, v in kwargs.items() if k != "mask" or _constant_mask(v)}
    for key, value in extra.items():
        if is_symbolic(value):
            raise NotImplementedError(
                f"Layer '{layer.name}' was called with the tensor `{key}=` as a keyword: "
                "numkeras takes tensors as the call's inputs only. Pass them together, "
                f"e.g. layer([x, {key}]), and unpack the list in call()."
            )
        if not accepts(layer, key) and not _takes_var_keywords(type(layer).call):
            raise TypeError(f"{type(layer).__name__}.call() got an unexpected keyword '{key}'.")
    return extra


def _text_into_numbers(layer, inputs) -> Exception:
    """The error for text (a 'string' tensor: an Input of dtype 'string', or a model
    without an Input built on text data) reaching a layer that computes with numbers.
    (Keras 3 builds such a graph and fails on the data: ValueError "Invalid dtype".)"""
    from numkeras.errors import InputTypeError

    return InputTypeError(
        f"Layer '{layer.name}' ({type(layer).__name__}) computes with numbers, but its input "
        f"is text (dtype 'string', shape {tuple(inputs.shape)}). Turn the text into numbers "
        "before it (a TextVectorization or StringLookup layer), or pass numeric data."
    )


def _constant_mask(mask) -> bool:
    """Whether a `mask=` given to a user layer's symbolic call is a constant (an array or
    a Variable, keras.io's Swin attention mask held by the calling layer): its call takes
    it as it takes any constant keyword, as Keras passes it on; a symbolic mask is the
    graph's mask of the call (`explicit_mask`)."""
    leaves = [m for m in (mask if isinstance(mask, (list, tuple)) else [mask]) if m is not None]
    return bool(leaves) and not any(is_symbolic(m) for m in leaves)


def explicit_mask(layer, inputs, mask):
    """A symbolic `mask=` given to a call on symbolic tensors (`lstm(x, mask=m)`, as a user
    layer's call hands its mask on; for a list of inputs, a list with one mask or None per
    input): the graph keeps it as the call's mask. None when none is given; an array there
    is refused (it would be a constant of the graph)."""
    if mask is None:
        return None
    takes = accepts(layer, "mask") or _takes_var_keywords(type(layer).call)
    if not (takes or type(layer).keras_call_takes_mask):
        raise ArgumentTypeError(  # (Keras's TypeError: its call has no `mask`)
            f"{type(layer).__name__}.call() got an unexpected keyword argument 'mask': "
            f"layer '{layer.name}' takes no mask."
        )
    several = isinstance(inputs, (list, tuple))
    if isinstance(mask, (list, tuple)) != several or (several and len(mask) != len(inputs)):
        raise ConfigError(
            f"Layer '{layer.name}': `mask=` must match the inputs: one mask for one input, "
            f"a list with one mask (or None) per input for a list of {len(inputs)} inputs; "
            f"received {_mask_text(mask)}."
            if several
            else f"Layer '{layer.name}': a call on one tensor takes one mask, received "
            f"{_mask_text(mask)}."
        )
    given = [m for m in (mask if several else [mask]) if m is not None]
    if not given:
        return None  # (mask=[None, None]: no mask)
    if not all(is_symbolic(m) for m in given):
        raise ConfigError(
            f"Layer '{layer.name}': a call on symbolic tensors (a functional graph, or a "
            "traced call) takes a symbolic `mask=`, not an array; compute the mask from the "
            "inputs (e.g. ops.not_equal(ids, 0)), or let Embedding(mask_zero=True) or "
            "Masking give it."
        )
    return list(mask) if several else mask


def _mask_text(mask) -> str:
    if isinstance(mask, (list, tuple)):
        return f"a list of {len(mask)}"
    return type(mask).__name__


def call_output_shape(layer, input_shape, call_kwargs=None, masks=None):
    """The output shape of a call of `layer` with the constant keywords `call_kwargs` and
    the inputs' symbolic `masks` (see `symbolic_masks`): a user layer's call is traced with
    them; any other layer gives its `compute_output_shape`."""
    if (call_kwargs or masks is not None) and type(
        layer
    ).compute_output_shape is _traced_output_shape:
        from numkeras.layers.traced_call import traced_output_shape

        return traced_output_shape(layer, input_shape, call_kwargs, masks)
    if call_kwargs and layer.graph_call_keywords:  # a built-in's own (`reverse=True`)
        return layer.compute_output_shape(input_shape, **call_kwargs)
    return layer.compute_output_shape(input_shape)


def symbolic_masks(layer, inputs):
    """The masks of symbolic `inputs` that a user layer's call takes (as Keras 3 fills its
    `mask` argument in a symbolic call): one, or a list with None for an unmasked input;
    None when the call takes no mask or no input has one."""
    if not accepts(layer, "mask") or _is_builtin(layer):
        return None
    if isinstance(inputs, (list, tuple)):
        masks = [t.__dict__.get("_keras_mask") for t in inputs]
        return masks if any(m is not None for m in masks) else None
    return inputs.__dict__.get("_keras_mask")


def _takes_var_keywords(fn) -> bool:
    try:
        params = inspect.signature(fn).parameters.values()
    except (TypeError, ValueError):
        return False
    return any(p.kind is inspect.Parameter.VAR_KEYWORD for p in params)


# The model passes these to `forward` itself; any other keyword is the call's own.
_RUN_KEYWORDS = frozenset({"mask", "workspace", "defer_bias", "bias", "penalties"})


# (imported when first used: traced_call needs the layers package loaded)
def _traced_forward(self, inputs, training: bool = True, mask=None, **kwargs):
    from numkeras.layers.traced_call import traced_forward

    call_kwargs = {k: v for k, v in kwargs.items() if k not in _RUN_KEYWORDS}
    if mask is not None and any(mask is m for m in self.__dict__.get("_constant_call_masks", ())):
        call_kwargs["mask"], mask = mask, None  # (a constant `mask=` of its graph call)
    mask = mask if accepts(self, "mask") else None  # (Keras fills only a call's own `mask`)
    return traced_forward(self, inputs, training, call_kwargs or None, mask)


def _traced_adds_losses(self, cache) -> bool:
    from numkeras.layers.traced_call import adds_losses

    return adds_losses(cache)


def _traced_backward(self, cache, grad_output, need_input_grad: bool = True):
    from numkeras.layers.traced_call import traced_backward

    return traced_backward(self, cache, grad_output, need_input_grad)


def _traced_output_shape(self, input_shape):
    from numkeras.layers.traced_call import traced_output_shape

    return traced_output_shape(self, input_shape)


_accepts: dict[tuple[type, str, str], bool] = {}


def _is_mask_argument(layer, value) -> bool:
    """Whether a second positional argument is a mask: an array (not a flag) for a layer
    whose Keras `call(inputs, mask=None)` takes the mask second (pooling over steps)."""
    is_array = getattr(value, "ndim", 0) > 0 or isinstance(value, (list, tuple))
    return is_array and accepts(layer, "mask")


def accepts(layer, argument: str, method: str = "call") -> bool:
    """Whether `method` of `layer` (an instance or a class) takes `argument`; user layers
    may not take `training`, `workspace`, ... Cached per function (not per class: a
    method replaced at run time, e.g. by a test's spy, gets its own answer)."""
    cls = layer if isinstance(layer, type) else type(layer)
    fn = getattr(cls, method)
    key = (fn, argument)
    if key not in _accepts:
        try:
            _accepts[key] = argument in inspect.signature(fn).parameters
        except (TypeError, ValueError):
            _accepts[key] = False
    return _accepts[key]


_training_defaults: dict = {}


def training_default(layer):
    """The default of `layer.call`'s `training` argument (True, False or None; False when
    it has none): what Keras 3 passes to a call given no `training` (directly, or inside
    a model called without it)."""
    fn = type(layer).call
    if fn not in _training_defaults:
        try:
            default = inspect.signature(fn).parameters["training"].default
        except (KeyError, TypeError, ValueError):
            default = False
        _training_defaults[fn] = False if default is inspect.Parameter.empty else default
    return _training_defaults[fn]


def call_accepts_training(layer) -> bool:
    """Whether `layer.call` takes `training` (user layers may not)."""
    return accepts(layer, "training")


def as_call_result(layer, outputs):
    """A layer call's result: the several outputs of a built-in layer that returns a tuple
    in Keras (`tuple_outputs`: the recurrent layers' `return_state`, Bidirectional, the
    attention layers' scores) as a tuple, arrays and symbolic tensors alike."""
    if type(outputs) is list and getattr(layer, "tuple_outputs", False):
        return tuple(outputs)
    return outputs


@contextlib.contextmanager
def _holding(pairs):
    """Inside the block each variable of the `(variable, value)` pairs holds its value
    (`assign`: shape-checked, cast); its own comes back after, whatever the block did."""
    kept = [v.value.copy() for v, _ in pairs]
    try:
        for v, value in pairs:
            v.assign(value)
        yield
    finally:
        for (v, _), value in zip(pairs, kept):
            v.assign(value)


class _TapedStatelessCall:
    """`stateless_call` under a recording `GradientTape`, with recorded values given for
    the trainable variables (a JAX-style loop's `value_and_grad` written with a tape, as a
    TensorFlow tape differentiates Keras's stateless call): the call is recorded on a
    tape of its own, and the recording tapes get one step from the given values (and
    the call's recorded inputs) to its outputs and losses, whose backward pass runs that
    tape's with the given values assigned again."""

    def __init__(self, layer=None, variables=(), leaves=()):
        self.layer = layer
        self.variables = list(variables)  # (variable, given value) pairs
        self.leaves = list(leaves)  # the call's recorded inputs
        self.tape = None

    @classmethod
    def open(cls, layer, variables, args, kwargs) -> _TapedStatelessCall:
        from numkeras.autodiff import recorder

        if not recorder.RECORDING:
            return cls()
        trainable = len(layer.trainable_variables)
        given = [
            value
            for _, value in variables[:trainable]
            if not isinstance(value, Variable) and recorder.key_of(value) is not None
        ]
        if not given:
            return cls()
        leaves = [
            x
            for x in tree.flatten((args, kwargs))
            if isinstance(x, np.ndarray) and recorder.key_of(x) is not None
        ]
        return cls(layer, variables[:trainable], leaves)

    @contextlib.contextmanager
    def recording(self):
        if self.layer is None:
            yield
            return
        from numkeras.autodiff import recorder
        from numkeras.autodiff.tape import GradientTape

        self.keys = [recorder.key_of(value) for _, value in self.variables]
        self.keys += [recorder.key_of(x) for x in self.leaves]
        self.tape = GradientTape(persistent=True)
        with recorder.isolated(), self.tape:
            for x in self.leaves:
                self.tape.watch(x)
            yield

    def record(self, outputs, losses) -> None:
        if self.tape is None:
            return
        from numkeras.autodiff import recorder

        results = [
            t
            for t in tree.flatten(outputs) + list(losses or [])
            if isinstance(t, np.ndarray) and recorder.key_of(t) is not None
        ]
        if not results:
            return
        tape, pairs, leaves = self.tape, self.variables, self.leaves
        sources = [v for v, _ in pairs] + leaves

        def backward(gouts, need):
            seeds = [
                np.zeros(np.shape(t), t.dtype) if g is None else g for t, g in zip(results, gouts)
            ]
            with _holding(pairs):  # (the backward passes read the weights the call ran with)
                grads = tape.gradient(results, sources, output_gradients=seeds)
            return [g if n else None for g, n in zip(grads, need)]

        inputs = [value for _, value in pairs] + leaves
        recorder._add(
            recorder.Node(
                f"{self.layer.name}.stateless_call",
                self.keys,
                [recorder._meta(x) for x in inputs],
                [recorder.key_of(t) for t in results],
                backward,
            )
        )
