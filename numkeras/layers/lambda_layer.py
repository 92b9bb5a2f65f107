"""`Lambda(function)`: wrap an expression on arrays as a layer, as Keras 3.

`function(inputs, **arguments)` runs on NumPy arrays (CuPy under that backend) in
`layer(x)`, `predict` and `evaluate`; it also gets `training=` if it takes that
argument. Its output shape comes from `output_shape` (a shape without the batch axis, a
list of such shapes for several outputs, or a function of the input shape), else from
running `function` on small dummy arrays (twice, with different sizes for the unknown
axes, so an axis that follows the batch size stays unknown).

**Training.** A function written with `numkeras.ops` (or Python operators, or Keras 2's
`K.*` functions) is traced into operations (`numkeras.ops.trace`), and gradients flow back
through it as in Keras. One that computes with NumPy cannot be traced: it still trains
where no gradient must cross it (a Lambda right after the `Input`, for preprocessing),
and elsewhere training raises an error that says why.

**Saving.** The config is Keras's: a named function is written by name, a Python
`lambda` as its marshalled bytecode (`"__lambda__"`), so real Keras can load the file
with `safe_mode=False`. numkeras never runs code from a file: loading a `lambda` raises an
error naming `safe_mode` (as Keras 3 does by default, but also with `safe_mode=False`),
and a named function loads only where the program supplies it (`custom_objects=` or
`register_keras_serializable`).

>>> import numpy as np
>>> Lambda(lambda x: x ** 2)(np.array([[1.0, 2.0, 3.0]]))
array([[1., 4., 9.]], dtype=float32)
"""

from __future__ import annotations

import base64
import inspect
import marshal
import types

import numpy as np

from numkeras import backend
from numkeras.errors import ArgumentTypeError, ConfigError, UnknownObjectError
from numkeras.layers.layer import Layer
from numkeras.layers.traced_call import layer_trace, run_trace, traced_backward
from numkeras.ops.trace import TraceError, infer_output_shape
from numkeras.utils.checks import is_int
from numkeras.utils.serialization import function_config


def _takes(fn, name: str) -> bool:
    try:
        return name in inspect.signature(fn).parameters
    except (TypeError, ValueError):
        return False


def _is_python_lambda(fn) -> bool:
    return isinstance(fn, types.LambdaType) and fn.__name__ == "<lambda>"


def _jsonable(value):
    if isinstance(value, (tuple, list)):
        return [_jsonable(v) for v in value]
    if isinstance(value, np.ndarray):
        return value.tolist()
    if isinstance(value, np.generic):
        return value.item()
    return value


def _serialize_function(fn):
    if _is_python_lambda(fn):  # Keras's python_utils.func_dump
        code = base64.b64encode(marshal.dumps(fn.__code__)).decode("ascii")
        # (base64 with a newline every 76 characters, as Python's codecs writes it)
        code = "\n".join(code[i : i + 76] for i in range(0, len(code), 76)) + "\n"
        closure = tuple(c.cell_contents for c in fn.__closure__) if fn.__closure__ else None
        return {
            "class_name": "__lambda__",
            "config": {
                "code": code,
                "defaults": _jsonable(fn.__defaults__),
                "closure": _jsonable(closure),
            },
        }
    if callable(fn):
        from numkeras.saving import object_registration

        return function_config(fn, name=object_registration.get_registered_name(fn))
    raise ConfigError(f"Invalid input type for serialization. Received: {fn!r} of type {type(fn)}.")


def _lambda_refused(layer_name, what: str = "function") -> ConfigError:
    return ConfigError(
        f"Requested the deserialization of a `Lambda` layer{layer_name} whose `{what}` is a "
        "Python lambda, stored in the file as bytecode. Keras 3 refuses this by default "
        "(`safe_mode=True`) because it would run arbitrary code from the file; numkeras "
        "never runs code from a file, so it refuses it even with `safe_mode=False`. Re-create "
        "the Lambda layer in your program (and copy the weights with `load_weights`), or use "
        "a named function and pass it as custom_objects={'name': function}."
    )


def _deserialize_function(spec, layer_name: str, what: str):
    """A function from its saved form: a registered or supplied named function; never code."""
    from numkeras.saving import object_registration

    if callable(spec):
        return spec
    if isinstance(spec, dict) and spec.get("class_name") == "__lambda__":
        raise _lambda_refused(layer_name, what)
    if isinstance(spec, dict) and spec.get("class_name") == "function":
        names = [spec.get("config"), spec.get("registered_name")]
    elif isinstance(spec, str):
        names = [spec]
    else:
        raise ConfigError(f"Could not read the `{what}` of Lambda layer{layer_name}: {spec!r}.")
    names = [n for n in names if isinstance(n, str) and n != "function"]
    found = object_registration.find(None, *names, function=True)
    if found is None:
        name = names[0] if names else spec
        raise UnknownObjectError(  # a TypeError, as Keras 3's
            f"Could not locate function {name!r} (the `{what}` of Lambda layer{layer_name}). "
            "numkeras loads no code from files: the program must supply it."
            + object_registration.supply_hint(name)
        )
    return found


class Lambda(Layer):
    keras_call_takes_mask = True  # (Keras's call has `mask`; a given one is not used)

    def __init__(self, function, output_shape=None, mask=None, arguments=None, **kwargs):
        if not callable(function):
            raise ArgumentTypeError(  # (a TypeError, as Keras 3 raises)
                f"Lambda's `function` must be callable, received {function!r} "
                f"(of type {type(function).__name__})."
            )
        if mask is not None:
            raise ConfigError(
                "Lambda(mask=...) is not supported by numkeras: its graphs do not carry masks."
            )
        if arguments is not None and not isinstance(arguments, dict):
            raise ConfigError(f"Lambda's `arguments` must be a dict, received {arguments!r}.")
        if output_shape is not None and not callable(output_shape):
            output_shape = self._check_output_shape(output_shape)
        super().__init__(**kwargs)
        self.function = function
        self.arguments = dict(arguments or {})
        self.mask = None
        self._output_shape = output_shape
        self._fn_expects_training_arg = _takes(function, "training")
        self._fn_expects_mask_arg = _takes(function, "mask")

    @staticmethod
    def _check_output_shape(shape):
        def one(s):
            s = tuple(s)
            if not all(d is None or (is_int(d) and d >= 0) for d in s):
                raise ValueError
            return tuple(None if d is None else int(d) for d in s)

        try:
            if isinstance(shape, (list, tuple)) and shape and isinstance(shape[0], (list, tuple)):
                return [one(s) for s in shape]  # one shape per output
            return one(shape)
        except (TypeError, ValueError):
            raise ConfigError(
                "Lambda's `output_shape` must be a shape without the batch axis (a tuple of "
                f"integers or None), a list of such shapes, or a function; received {shape!r}."
            ) from None

    # -- shapes -----------------------------------------------------------------------------
    def compute_output_shape(self, input_shape):
        if self._output_shape is None:
            return self._infer_output_shape(input_shape)
        if callable(self._output_shape):
            out = self._output_shape(input_shape)
            if isinstance(out, list) and out and isinstance(out[0], (list, tuple)):
                return [tuple(s) for s in out]
            return tuple(out)
        first = input_shape[0] if isinstance(input_shape, list) else input_shape
        batch = first[0] if len(first) else None
        if isinstance(self._output_shape, list):
            return [(batch, *s) for s in self._output_shape]
        return (batch, *self._output_shape)

    def _infer_output_shape(self, input_shape):
        return infer_output_shape(
            lambda arrays: self._run(arrays, False),
            input_shape,
            self.dtype,
            f"the Lambda layer '{self.name}'",
            "Please specify the `output_shape` argument for this Lambda layer.",
        )

    # -- forward --------------------------------------------------------------------------
    def _apply(self, inputs, training):
        """The function on `inputs` (arrays, or symbolic tensors in a trace)."""
        kwargs = dict(self.arguments)
        if self._fn_expects_mask_arg:
            kwargs["mask"] = None
        if self._fn_expects_training_arg:
            kwargs["training"] = training
        return self.function(inputs, **kwargs)

    def _run(self, inputs, training):
        out = self._apply(inputs, training)
        xp = backend.xp
        if isinstance(out, (list, tuple)):
            return [xp.asarray(o) for o in out]
        return xp.asarray(out)

    def call(self, inputs, training: bool = False):
        return self._run(inputs, training)

    def forward(self, inputs, training: bool = True):
        # traced into operations when it can be (then it trains through); else it runs
        # as is, and only a Lambda that no gradient must cross can train
        try:
            trace = layer_trace(self, inputs, bool(training), run=Lambda._apply)
        except TraceError as e:
            return self._run(inputs, training), e
        return run_trace(trace, inputs, bool(training))

    def backward(self, cache, grad_output, need_input_grad: bool = True):
        if not isinstance(cache, TraceError):
            return traced_backward(self, cache, grad_output, need_input_grad)
        if not need_input_grad:
            return None  # nothing trained lies before it: no gradient to pass back
        raise NotImplementedError(
            f"Layer '{self.name}' (Lambda) cannot be trained through: numkeras differentiates "
            "a Lambda's function by running it on symbolic tensors and recording its "
            f"operations, and this function could not be recorded ({cache}). Write it with "
            "numkeras.ops (the Keras 3 ops) or Keras 2's `K.*` functions, or replace it with "
            "built-in layers. (A Lambda that no gradient must cross, e.g. preprocessing right "
            "after the Input, trains as it is.)"
        ) from cache

    # -- config ---------------------------------------------------------------------------
    def get_config(self) -> dict:
        config = {**super().get_config(), "function": _serialize_function(self.function)}
        if self._output_shape is not None:
            if callable(self._output_shape):
                config["output_shape"] = _serialize_function(self._output_shape)
            else:
                config["output_shape"] = self._output_shape
        config["arguments"] = dict(self.arguments)
        return config

    @classmethod
    def from_config(cls, config: dict, custom_objects=None, safe_mode=None):
        config = dict(config)
        from numkeras.saving import object_registration

        name = f" '{config['name']}'" if isinstance(config.get("name"), str) else ""
        with object_registration.supplying(custom_objects):
            # Keras 2 wrote `function` as [code, defaults, closure] (a lambda) or a name
            kind = config.pop("function_type", None)
            if kind == "lambda":
                raise _lambda_refused(name)
            config["function"] = _deserialize_function(config.get("function"), name, "function")
            out_kind = config.pop("output_shape_type", None)
            config.pop("module", None)
            config.pop("output_shape_module", None)
            if "output_shape" in config and config["output_shape"] is not None:
                spec = config["output_shape"]
                if out_kind == "lambda":
                    raise _lambda_refused(name, "output_shape")
                if isinstance(spec, dict) or (out_kind == "function" and isinstance(spec, str)):
                    config["output_shape"] = _deserialize_function(spec, name, "output_shape")
        return super().from_config(config)

    def _repr_args(self) -> str:
        return getattr(self.function, "__name__", type(self.function).__name__)
