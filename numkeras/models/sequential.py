"""`Sequential`: a plain stack of layers, each with one input and one output.

The input shape comes from an `Input`/`InputLayer`, from the first layer's
`input_shape=` / `input_dim=` / `batch_input_shape=` (Keras 2 spellings), from
`build(input_shape)`, or from the first call on data (deferred build). Once the
input shape is known, the stack is a functional graph and shapes show at once.

>>> from numkeras.layers import Dense, LeakyReLU
>>> g = Sequential()
>>> g.add(Dense(256, input_dim=64))  # doctest: +SKIP
>>> g.add(LeakyReLU(0.2))  # doctest: +SKIP
>>> g.output_shape  # doctest: +SKIP
(None, 256)
"""

from __future__ import annotations

from numkeras import shapes
from numkeras.errors import (
    ConfigError,
    EmptyModelError,
    ShapeError,
    format_shape,
    warn_deprecated,
)
from numkeras.layers.input_layer import InputLayer
from numkeras.layers.keras_tensor import KerasTensor
from numkeras.layers.layer import Layer, is_symbolic, path_scope, shape_of
from numkeras.models.model import Model
from numkeras.utils.naming import auto_name


class Sequential(Model):
    def __init__(self, layers=None, trainable: bool = True, name: str | None = None, **kwargs):
        super().__init__(name=name, trainable=trainable, **kwargs)
        self._stack: list[Layer] = []
        self._input_layer: InputLayer | None = None
        self._declared_input_shape = None
        for layer in layers or []:
            self.add(layer, rebuild=False)
        if self._input_layer is not None and self._stack:
            self._rebuild()  # once, as Keras's `_maybe_rebuild` after adding them all

    # -- building the stack ----------------------------------------------------------
    def add(self, layer, rebuild: bool = True) -> None:
        """Append a layer; if the input shape is known, the graph is rebuilt at once, and a
        layer that does not fit is refused with the stack left as it was."""
        if isinstance(layer, KerasTensor) and isinstance(layer.node.layer, InputLayer):
            layer = layer.node.layer
        if not isinstance(layer, Layer):
            raise ConfigError(
                "Only instances of numkeras.layers.Layer can be added to a Sequential model. "
                f"Received: {layer!r} (of type {type(layer).__name__})"
            )
        if isinstance(layer, InputLayer):
            if self._stack or self._input_layer is not None:
                raise ConfigError(
                    "An InputLayer can only be the first layer of a Sequential model; this "
                    f"model already has {len(self._stack)} layer(s)."
                )
            self._input_layer = layer
            self._declared_input_shape = layer.batch_shape[1:]
            return
        if any(layer is other for other in self._stack):
            raise ConfigError(f"Layer '{layer.name}' is already in model '{self.name}'.")
        if any(layer.name == other.name for other in self._stack):
            raise ConfigError(
                "All layers added to a Sequential model should have unique names. Name "
                f"'{layer.name}' is already the name of a layer in model '{self.name}'. Pass "
                "a unique `name=` to the layer."
            )
        if not self._stack and self._input_layer is None and layer._batch_input_shape is not None:
            self._input_layer = InputLayer(batch_shape=layer._batch_input_shape)
            self._declared_input_shape = layer._batch_input_shape[1:]
        self._stack.append(layer)
        self._adopt_first_model_input()
        if rebuild and self._input_layer is not None:
            try:
                self._rebuild()
            except Exception:
                self._stack.pop()
                self._rebuild_or_reset()
                raise
        else:
            self._graph_ready = False
            self.built = False

    def _adopt_first_model_input(self) -> None:
        """As Keras 3: a stack that starts with a built one-input model, followed by another
        layer, takes that model's input shape (Keras's `_maybe_rebuild`)."""
        if self._input_layer is not None or len(self._stack) < 2:
            return
        first = self._stack[0]
        if isinstance(first, Model) and first._graph_ready and len(first._inputs_list) == 1:
            shape = tuple(first._inputs_list[0].shape)
            self._input_layer = InputLayer(batch_shape=shape)
            self._declared_input_shape = shape[1:]

    def pop(self, rebuild: bool = True) -> Layer:
        """Remove and return the last layer; the model is rebuilt on the remaining layers
        now, or (`rebuild=False`) when next used, as Keras 3's."""
        if not self._stack:
            raise EmptyModelError(f"There are no layers in model '{self.name}' to pop.")
        layer = self._stack.pop()
        if rebuild:
            self._rebuild_or_reset()
        else:
            self._graph_ready = False
            self.built = False
        return layer

    def _rebuild_or_reset(self) -> None:
        if self._input_layer is not None and self._stack:
            self._rebuild()
        else:
            self._graph_ready = False
            self.built = False

    def _rebuild(self) -> None:
        # Keras 3 builds a Sequential by making a Functional model of its stack, which takes
        # the next 'functional' name: a later Model(...) is 'functional_1', as there
        auto_name("functional")
        self._shape_verdicts: dict = {}  # (the layers' verdicts on other sizes: `_refusal`)
        with path_scope(self):  # the layers built here: 'sequential/dense/kernel', as Keras
            x = self._input_layer.output
            for layer in self._stack:
                x = layer(x)
        self._init_graph(self._input_layer.output, x)

    def build(self, input_shape=None) -> None:
        """Build for `input_shape` (batch axis included, e.g. `(None, 64)`)."""
        if self._graph_ready:
            if input_shape is not None and self._input_layer is not None:
                self._check_build_shape(input_shape)
            return
        if input_shape is None:
            if self._input_layer is None:
                return  # nothing to build from yet: Keras 3 returns too (it builds on data)
        else:
            shape = tuple(input_shape)
            if not shape:
                raise ConfigError("build() needs the batch axis first, e.g. (None, 64).")
            if any(isinstance(d, (tuple, list)) for d in shape):  # (data: a list of arrays)
                raise ShapeError(
                    f"Sequential model '{self.name}' takes one input, received a list of "
                    f"{len(shape)} (shapes {', '.join(map(format_shape, shape))}): pass the "
                    "array itself (x, not [x]), or use a functional Model for several inputs."
                )
        # (a declared Input, after `pop(rebuild=False)`, stays: the data are checked on it)
        created = input_shape is not None and self._input_layer is None
        if created:
            # (text data, its first layer a TextVectorization: a string Input, as Keras's)
            dtype = "string" if self.__dict__.pop("_text_data", False) else None
            self._input_layer = InputLayer(batch_shape=shape, dtype=dtype)
        if not self._stack:
            raise ConfigError(f"Sequential model '{self.name}' has no layers to build.")
        try:
            self._rebuild()
        except Exception:
            if created:
                self._input_layer = None
            raise

    def _check_build_shape(self, input_shape) -> None:
        """A built model asked to build for another shape: Keras 3 refuses, as here (a
        shape that only fills in a None, e.g. the batch size, is the same shape)."""
        shape = tuple(input_shape)
        ref = self._input_layer.batch_shape
        if len(shape) != len(ref) or not shapes.compatible(ref, shape):
            raise ConfigError(
                f"Sequential model '{self.name}' has already been configured to use input "
                f"shape {ref}. You cannot build it with input_shape {shape}."
            )

    # -- inputs of other shapes ----------------------------------------------------------
    def _accepted_shape(self, shape: tuple, layer: InputLayer, index: int) -> tuple:
        """Keras 3 checks only the rank of a Sequential model's input (squeezing or adding a
        last axis of 1, as for any model): its layers decide the sizes, so an LSTM stack
        built on 10 steps runs on 20, and a Dense stack on any middle axis. numkeras asks
        the layers' shape rules once per shape; an input they refuse gets the model's
        error, which names only the axes the layers pin."""
        rank = len(layer.batch_shape)
        if len(shape) == rank + 1 and shape[-1] == 1:
            adjusted = shape[:-1]
        elif len(shape) == rank - 1 and layer.batch_shape[-1] == 1:
            adjusted = (*shape, 1)
        elif len(shape) == rank:
            adjusted = shape
        else:
            raise self._input_error(layer, index, shape)
        self._check_sizes(shape, adjusted)
        return adjusted

    def _maybe_build(self, input_shape) -> None:
        # a symbolic call on other sizes: the layers decide, as for arrays (Keras 3 runs
        # a Sequential model's symbolic call through its layers' own shape rules); only
        # `compute_output_shape` holds the declared sizes, as Keras's
        if not self._graph_ready or isinstance(input_shape, list):
            return super()._maybe_build(input_shape)
        shape = tuple(input_shape)
        if len(shape) != len(self._input_layer.batch_shape):
            return super()._maybe_build(input_shape)
        self._check_sizes(shape, shape)

    def _symbolic_output_shape(self, input_shape, call_kwargs, masks):
        if not self._graph_ready:
            return super()._symbolic_output_shape(input_shape, call_kwargs, masks)
        self._maybe_build(input_shape)  # (checked once per shape)
        return self._output_shapes(tuple(input_shape))

    def _check_sizes(self, shape: tuple, adjusted: tuple) -> None:
        """Raise the model's shape error if its layers refuse inputs of shape `adjusted`
        (`shape` made the declared rank); `shape` is what the user passed."""
        sample = adjusted[1:]
        refusal = self._refusal(sample)
        if refusal is None:
            return
        layer = self._input_layer
        if len(shape) != len(adjusted):
            raise self._input_error(layer, 0, shape, refusal=refusal)
        # the axes that alone make the layers refuse; the others may take any size
        declared = layer.batch_shape[1:]
        pinned = [None] * len(shape)
        for i, (want, got) in enumerate(zip(declared, sample), start=1):
            alone = (*declared[: i - 1], got, *declared[i:])
            if want is not None and (want == got or self._refusal(alone) is not None):
                pinned[i] = want
        ref = tuple(pinned) if not shapes.compatible(pinned, shape) else None
        raise self._input_error(layer, 0, shape, ref=ref, refusal=refusal)

    def _refusal(self, sample_shape: tuple):
        """None if the layers take inputs of this sample shape, else the first refusal."""
        verdicts = self.__dict__.setdefault("_shape_verdicts", {})
        if sample_shape not in verdicts:
            try:
                self._output_shapes((None, *sample_shape), check_layers=True)
                verdicts[sample_shape] = None
            except Exception as e:  # (a layer's input spec or shape rule refuses it)
                verdicts[sample_shape] = e
        return verdicts[sample_shape]

    def _deferred_call(self, inputs, training=None, **kwargs):
        # First call: build for the input's shape, as Keras 3 does (an array's batch size
        # included; a symbolic tensor's, from Input, is None), then call.
        from numkeras.layers.layer import _convert

        if not is_symbolic(inputs):
            text = text_array(inputs)
            self._text_data = text is not None
            inputs = text if text is not None else _convert(inputs, self.dtype)
        self.build(shape_of(inputs))
        return Model.__call__(self, inputs, training=training)

    def _deferred_output_shape(self, input_shape):
        # Keras 3 chains the layers' own shape rules when there is no graph yet
        shape = input_shape
        for layer in self._stack:
            shape = layer.compute_output_shape(shape)
        return shape

    def get_build_config(self) -> dict | None:
        # the shape the stack was built for (its Input's, or build()'s), as Keras 3 writes
        # it; a functional model writes none
        return Layer.get_build_config(self)

    # -- structure ---------------------------------------------------------------------
    @property
    def layers(self) -> list[Layer]:
        """The stacked layers (Keras 3 leaves the InputLayer out)."""
        return list(self._stack)

    def _sublayers(self) -> list[Layer]:
        return list(self._stack)

    # -- Keras 2's Sequential-only prediction helpers (removed in tf.keras 2.6) -------------
    def predict_classes(self, x, batch_size: int = 32, verbose=0):
        """Keras 2's class predictions: the argmax of the last axis, or for one output
        column `(probability > 0.5)` as int32 (one deprecation note).

        >>> import numpy as np
        >>> from numkeras.layers import Dense, Input
        >>> model = Sequential([Input((2,)), Dense(1, activation="sigmoid", use_bias=False,
        ...                                        kernel_initializer="ones")])
        >>> model.predict_classes(np.array([[1.0, 1.0], [-1.0, -1.0]])).ravel().tolist()
        [1, 0]
        """
        warn_deprecated(
            "`model.predict_classes()` is a Keras 2 method; use `np.argmax(model.predict(x), "
            "axis=-1)` (softmax) or `(model.predict(x) > 0.5).astype('int32')` (sigmoid)."
        )
        proba = self.predict(x, batch_size=batch_size, verbose=verbose)
        if proba.shape[-1] > 1:
            return proba.argmax(axis=-1)
        return (proba > 0.5).astype("int32")

    def predict_proba(self, x, batch_size: int = 32, verbose=0):
        """Keras 2's name for `predict` on a model with probability outputs."""
        warn_deprecated("`model.predict_proba()` is a Keras 2 method; use `model.predict()`.")
        return self.predict(x, batch_size=batch_size, verbose=verbose)

    def get_config(self) -> dict:
        from numkeras.models.config import sequential_config

        return sequential_config(self)

    @classmethod
    def from_config(cls, config: dict, custom_objects=None):
        from numkeras.models.config import sequential_from_config

        return sequential_from_config(config, custom_objects)


def text_array(x):
    """`x` as a NumPy array when it holds text (str or bytes: a fixed-width array, an
    object array of them, a list of them), else None: data a deferred Sequential whose
    first layer is a TextVectorization builds a string Input for."""
    import numpy as np

    if isinstance(x, (list, tuple)):
        if not x or not all(isinstance(v, (str, bytes)) for v in x):
            return None
        return np.array(x, dtype=object)
    if not isinstance(x, np.ndarray) or x.dtype.kind not in "USO" or x.size == 0:
        return None
    if x.dtype.kind == "O" and not isinstance(x.flat[0], (str, bytes)):
        return None
    return x
