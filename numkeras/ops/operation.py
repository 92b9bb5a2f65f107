"""`Operation`: one `numkeras.ops` function as a graph node, as Keras 3's `Operation`.

Called on arrays, an operation computes (`ops.add(a, 2.0)`); called on symbolic tensors
it records a `Node` whose arguments mix tensors with constants (`x * 2.0` is
`Multiply()(x, 2.0)`). Inside a model it runs as a step of the executor, like a layer, but
it is not one: `model.layers`, `get_layer` and the weights leave it out, while
`model.summary()` and the config list it, as Keras does.

Each operation writes its math once, on the positional arguments with tensors filled in:
`_forward(*args) -> (output, cache)` and `_backward(cache, grad, need) -> one gradient per
positional argument` (a list for a list argument, None where `need` is False). The
executor's flat list of tensor values is mapped onto those arguments by the node's
template (its arguments with each tensor replaced by a `_Slot`).

A `SymbolicDim` (what `ops.shape(x)` gives for an unknown axis of a symbolic tensor) is an
argument too: its tensor becomes an input of the node, and its place in the template a
`_DimSlot`, which `fill` resolves to that axis's size in the actual array at run time (so
`random.normal(shape=(batch, dim))` draws as many rows as the batch has). It carries no
gradient.

>>> import numpy as np
>>> from numkeras import ops
>>> ops.multiply(np.ones((2, 2), "float32"), 3.0).tolist()
[[3.0, 3.0], [3.0, 3.0]]
"""

from __future__ import annotations

import functools
import importlib
import inspect

import numpy as np

from numkeras import backend
from numkeras.errors import ConfigError, ShapeError
from numkeras.layers.keras_tensor import KerasTensor, Node
from numkeras.layers.layer import Layer
from numkeras.utils.naming import operation_name
from numkeras.variables import Variable

# the module itself (the package's attribute `trace` is `ops.trace`, the matrix trace)
trace = importlib.import_module("numkeras.ops.trace")

# Set by numkeras.autodiff while a GradientTape records (else None: one check per call).
_tape_hook = None


class _Slot:
    """The place of the i-th tensor input in an operation's arguments."""

    __slots__ = ("index",)

    def __init__(self, index: int):
        self.index = index

    def __eq__(self, other):
        return isinstance(other, _Slot) and other.index == self.index

    def __hash__(self):
        return hash(("slot", self.index))

    def __repr__(self) -> str:
        return f"<tensor {self.index}>"


class SymbolicDim:
    """The size of axis `axis` of the symbolic tensor `tensor`, known only at run time:
    what `ops.shape(x)` gives for an unknown (None) axis, as Keras's TensorFlow backend
    gives a scalar tensor there. Operations take it wherever they take a number or a
    shape entry (`random.normal(shape=(batch, 3))`, `ops.reshape(x, (batch, -1))`,
    `x / batch`): the operation reads the size from the actual array each time it runs.
    Integer arithmetic (`batch * 2`, `batch + 1`, `batch // 2`, `2 - batch`, `-batch`)
    gives another SymbolicDim; with a float or a tensor (`batch / 2`, `batch * 0.5`) it is
    an operation giving a scalar tensor; `int(batch)` is refused (the size is not known
    yet).

    >>> from numkeras.layers import Input
    >>> batch = SymbolicDim(Input(shape=(3,)), 0)
    >>> batch * 2 + 1
    <SymbolicDim axis 0 of keras_tensor... * 2 + 1>
    >>> (batch * 2 + 1).resolve(5)
    11
    """

    __slots__ = ("axis", "tensor", "terms")

    def __init__(self, tensor, axis: int, terms: tuple = ()):
        self.tensor = tensor
        self.axis = int(axis)
        self.terms = tuple(terms)  # (operator, int) pairs, applied in order

    def resolve(self, size: int) -> int:
        """The value for an axis of `size`."""
        return _apply_terms(int(size), self.terms)

    def _with(self, op: str, other, fn: str, reflected: bool = False):
        if isinstance(other, (int, np.integer)) and not isinstance(other, bool):
            return SymbolicDim(self.tensor, self.axis, (*self.terms, (op, int(other))))
        if isinstance(other, float) or hasattr(other, "shape"):  # a scalar tensor (an op)
            from numkeras import ops

            return getattr(ops, fn)(other, self) if reflected else getattr(ops, fn)(self, other)
        return NotImplemented

    def __add__(self, other):
        return self._with("+", other, "add")

    def __radd__(self, other):
        return self._with("+", other, "add", reflected=True)

    def __sub__(self, other):
        return self._with("-", other, "subtract")

    def __rsub__(self, other):
        return self._with("r-", other, "subtract", reflected=True)

    def __mul__(self, other):
        return self._with("*", other, "multiply")

    def __rmul__(self, other):
        return self._with("*", other, "multiply", reflected=True)

    def __floordiv__(self, other):
        return self._with("//", other, "floor_divide")

    def __truediv__(self, other):
        from numkeras import ops

        return ops.true_divide(self, other)

    def __rtruediv__(self, other):
        from numkeras import ops

        return ops.true_divide(other, self)

    def __neg__(self):
        return SymbolicDim(self.tensor, self.axis, (*self.terms, ("*", -1)))

    def _refuse(self, *_):
        raise TypeError(
            f"{self!r} is the size of an axis that is unknown until the model runs (the "
            "batch, usually), so it has no Python value here. Pass it to numkeras.ops / "
            "numkeras.random functions as it is (random.normal(shape=(batch, dim)), "
            "ops.reshape(x, (batch, -1)), x / batch): they read the size at run time."
        )

    __int__ = __index__ = __float__ = _refuse

    def __repr__(self) -> str:
        name = getattr(self.tensor, "name", None) or "a tensor"
        text = f"axis {self.axis} of {name}"
        for op, v in self.terms:
            text = f"{v} - {text}" if op == "r-" else f"{text} {op} {v}"
        return f"<SymbolicDim {text}>"


def _apply_terms(size: int, terms) -> int:
    for op, v in terms:
        if op == "+":
            size += v
        elif op == "-":
            size -= v
        elif op == "r-":
            size = v - size
        elif op == "*":
            size *= v
        else:
            size //= v
    return size


class _DimSlot:
    """The place of a `SymbolicDim` in an operation's arguments: the size of axis `axis`
    of the i-th tensor input (then `terms`), read when the operation runs."""

    __slots__ = ("axis", "index", "terms")

    def __init__(self, index: int, axis: int, terms: tuple = ()):
        self.index, self.axis, self.terms = index, axis, tuple(terms)

    def __eq__(self, other):
        return isinstance(other, _DimSlot) and (other.index, other.axis, other.terms) == (
            self.index,
            self.axis,
            self.terms,
        )

    def __hash__(self):
        return hash(("dim", self.index, self.axis, self.terms))

    def __repr__(self) -> str:
        return f"<axis {self.axis} of tensor {self.index}>"


def static_dim(d):
    """A shape entry as an int, or None where it is only known at run time (None or a
    `SymbolicDim`)."""
    return None if d is None or isinstance(d, SymbolicDim) else int(d)


def has_symbolic_dim(value) -> bool:
    """Whether `value` (a shape, or nested arguments) holds a `SymbolicDim`."""
    if isinstance(value, SymbolicDim):
        return True
    if isinstance(value, (list, tuple)):
        return any(has_symbolic_dim(v) for v in value)
    return False


class _Spec:
    """A tensor known by its shape alone (for `compute_output_shape`)."""

    def __init__(self, shape):
        self.shape = tuple(shape)

    def __repr__(self) -> str:
        return f"<shape {self.shape}>"


def extract_tensors(args, tensors: list):
    """`args` with each KerasTensor replaced by a `_Slot`, appending it to `tensors`.
    Inside a trace (`numkeras.ops.trace`) a variable is a tensor too, so its gradient
    reaches it."""
    if isinstance(args, Variable) and trace.tracing():
        args = trace.variable_tensor(args)
    if isinstance(args, KerasTensor):
        tensors.append(args)
        return _Slot(len(tensors) - 1)
    if isinstance(args, SymbolicDim):
        tensors.append(args.tensor)
        return _DimSlot(len(tensors) - 1, args.axis, args.terms)
    if isinstance(args, (list, tuple)):
        return type(args)(extract_tensors(a, tensors) for a in args)
    if isinstance(args, dict):
        return {k: extract_tensors(v, tensors) for k, v in args.items()}
    return args


def fill(template, values):
    """The arguments, with `values[i]` in place of each `_Slot(i)`, and the size of the
    axis in place of each `_DimSlot` (a `SymbolicDim` where `values[i]` is a symbolic
    tensor with that axis unknown, None for a shape alone)."""
    if isinstance(template, _Slot):
        return values[template.index]
    if isinstance(template, _DimSlot):
        value = values[template.index]
        size = tuple(value.shape)[template.axis]
        if size is None:
            if isinstance(value, KerasTensor):
                return SymbolicDim(value, template.axis, template.terms)
            return None
        return _apply_terms(int(size), template.terms)
    if isinstance(template, (list, tuple)):
        return type(template)(fill(a, values) for a in template)
    if isinstance(template, dict):
        return {k: fill(v, values) for k, v in template.items()}
    return template


def has_slot(template) -> bool:
    """Whether `template` holds a tensor that can take a gradient (a `_DimSlot`, the size
    of an axis, takes none)."""
    if isinstance(template, _Slot):
        return True
    if isinstance(template, (list, tuple)):
        return any(has_slot(a) for a in template)
    if isinstance(template, dict):
        return any(has_slot(v) for v in template.values())
    return False


def _gather(template, grads, out: list) -> None:
    """Add the gradient found at each `_Slot(i)`'s place in `grads` to `out[i]` (a
    `_DimSlot` takes none: `out[i]` stays None)."""
    if grads is None:
        return
    if isinstance(template, _Slot):
        i = template.index
        out[i] = grads if out[i] is None else out[i] + grads
    elif isinstance(template, (list, tuple)):
        for t, g in zip(template, grads):
            _gather(t, g, out)


def shape_of(x) -> tuple:
    return tuple(getattr(x, "shape", ()))


def arr(x):
    """An eager tensor argument as a backend array; Python numbers stay numbers (they take
    the dtype of the array they meet, as Keras's weak types), Python lists become arrays
    as `convert_to_tensor` makes them (floats in the default float dtype, integers in
    int32)."""
    if isinstance(x, (bool, int, float)) or x is None:
        return x
    if isinstance(x, Variable):
        return x.value
    xp = backend.xp
    if isinstance(x, (list, tuple)):
        a = xp.asarray(x)
        if a.dtype.kind == "f":
            return a.astype(backend.floatx())
        return a.astype("int32") if a.dtype == np.int64 and not _has_arrays(x) else a
    return xp.asarray(x)


def _has_arrays(x) -> bool:
    """Whether a list holds arrays (their dtype counts) rather than only Python numbers."""
    return any(hasattr(v, "dtype") or (isinstance(v, (list, tuple)) and _has_arrays(v)) for v in x)


def _contains_tensor(args) -> bool:
    if isinstance(args, (KerasTensor, SymbolicDim)):
        return True
    if isinstance(args, Variable):
        return trace.tracing()
    if isinstance(args, (list, tuple)):
        return any(_contains_tensor(a) for a in args)
    return False


def broadcast_shapes(shape1, shape2) -> tuple:
    """Keras's `broadcast_shapes` for shapes with unknown (None) axes."""
    s1, s2 = list(shape1), list(shape2)
    if len(s1) > len(s2):
        s2 = [1] * (len(s1) - len(s2)) + s2
    if len(s1) < len(s2):
        s1 = [1] * (len(s2) - len(s1)) + s1
    out = list(s1)
    for i, (a, b) in enumerate(zip(s1, s2)):
        if a == 1:
            out[i] = b
        elif a is None:
            out[i] = None if b == 1 else b
        elif b == 1 or b is None or b == a:
            out[i] = a
        else:
            raise ShapeError(
                f"Cannot broadcast shape, the failure dim has value {a}, which cannot be "
                f"broadcasted to {b}. Input shapes are: {tuple(shape1)} and {tuple(shape2)}."
            )
    return tuple(out)


def result_dtype(*args) -> str:
    """The float dtype of an operation on `args` (tensors' and arrays' dtypes; numbers are
    weak and follow them)."""
    dtypes = []
    for a in args:
        if isinstance(a, (list, tuple)):
            dtypes.append(result_dtype(*a))
        elif isinstance(a, KerasTensor):
            dtypes.append(str(a.dtype))
        elif hasattr(a, "dtype"):
            dtypes.append(str(a.dtype))
    floats = [d for d in dtypes if d.startswith(("float", "bfloat"))]
    if not floats:
        return backend.floatx()
    order = ["bfloat16", "float16", "float32", "float64"]
    return max(floats, key=lambda d: order.index(d) if d in order else 2)


# Keras 3's type promotion lattice (keras.src.backend.common.dtypes, adapted from JAX): each
# dtype and its next higher ones; "int" and "float" are the weak types of Python numbers.
_LATTICE = {
    "bool": ["int"],
    "uint8": ["int16", "uint16"],
    "uint16": ["int32", "uint32"],
    "uint32": ["int64", "uint64"],
    "uint64": ["float"],
    "int": ["uint8", "int8", "complex64"],
    "int8": ["int16"],
    "int16": ["int32"],
    "int32": ["int64"],
    "int64": ["float"],
    "float": ["bfloat16", "float16"],
    "bfloat16": ["float32"],
    "float16": ["float32"],
    "float32": ["float64", "complex64"],
    "float64": ["complex128"],
    "complex64": ["complex128"],
    "complex128": [],
}


def _upper_bounds() -> dict:
    bounds = {n: {n} for n in _LATTICE}
    for n in _LATTICE:
        while True:
            more = set().union(*(_LATTICE[b] for b in bounds[n]))
            if more <= bounds[n]:
                break
            bounds[n] |= more
    return bounds


_BOUNDS = _upper_bounds()


def _least_upper_bound(nodes) -> str:
    common = set.intersection(*(_BOUNDS[n] for n in nodes))
    # the least bound is the one every other common bound lies above
    return next(c for c in common if all(d in _BOUNDS[c] for d in common))


_NAMES: dict = {}  # NumPy dtype -> its name (`dtype.name` is slow in NumPy 2)


def _name(dtype) -> str:
    name = _NAMES.get(dtype)
    if name is None:
        name = _NAMES[dtype] = np.dtype(dtype).name
    return name


def _dtype_and_weak(value):
    """(dtype name, weak) of one argument: Python numbers are weak ("int", "float"),
    Python lists count as the tensor `convert_to_tensor` makes of them (None: floatx)."""
    dtype = getattr(value, "dtype", None)
    if dtype is not None and not isinstance(value, type):  # arrays, tensors, variables
        return (dtype if isinstance(dtype, str) else _name(dtype)), False
    if value is None:
        return backend.floatx(), False
    if isinstance(value, bool):
        return "bool", False
    if isinstance(value, int):
        return "int", True
    if isinstance(value, float):
        return "float", True
    if isinstance(value, type) and value in (int, float):
        return value.__name__, True
    if isinstance(value, str):
        return value, False
    if isinstance(value, (list, tuple)):
        kinds = {k for k, _ in (_dtype_and_weak(v) for v in value)}
        if not kinds:
            return backend.floatx(), False
        if len(kinds) == 1 and kinds <= {"bool", "int", "float"}:
            return {"bool": "bool", "int": "int32", "float": backend.floatx()}[kinds.pop()], False
        return keras_result_type(*value), False
    return backend.floatx(), False


def dtype_name(dtype) -> str:
    """A dtype argument as Keras's `standardize_dtype` names it: None is floatx, the
    Python types `int` / `float` / `bool` are int32 / float32 / bool, NumPy dtypes and
    scalar types (`np.int32`, `np.dtype("float16")`) their names; a string stays itself.

    >>> import numpy as np
    >>> dtype_name(np.int32), dtype_name(float), dtype_name(None)
    ('int32', 'float32', 'float32')
    """
    if dtype is None:
        return backend.floatx()
    if dtype is bool:
        return "bool"
    if dtype is int or dtype == "int":
        return "int32"
    if dtype is float:
        return "float32"
    if isinstance(dtype, str):
        return dtype
    name = getattr(dtype, "name", None)
    if isinstance(name, str):
        return name
    try:
        return np.dtype(dtype).name
    except TypeError:
        return str(dtype)


def keras_result_type(*args) -> str:
    """Keras 3's `backend.result_type` of arguments (arrays, symbolic tensors, dtype names,
    Python numbers, which are weak and follow the tensors, or the types `int` / `float`):
    `int8` with `float16` gives `float16`, `int32` with `float32` gives `float32` (NumPy
    gives float64), `uint8` with `int8` gives `int16`, `bool` with a Python int gives
    `int32`, two Python ints `int32`. Unlike Keras on JAX (which runs without 64-bit
    types), 64-bit types stay 64-bit, as on Keras's TensorFlow backend.

    >>> import numpy as np
    >>> keras_result_type(np.zeros(2, "int32"), np.zeros(2, "float32"))
    'float32'
    >>> keras_result_type(np.zeros(2, "bool"), 1)
    'int32'
    """
    if not args:
        return backend.floatx()
    return _promote(tuple(_dtype_and_weak(a) for a in args), backend.floatx())


@functools.lru_cache(maxsize=512)
def _promote(pairs: tuple, floatx: str) -> str:
    dtypes = [d for d, _ in pairs]
    weak = [w for _, w in pairs]
    if len(set(dtypes)) == 1 and not all(weak):
        return dtypes[0]
    if any(d not in _BOUNDS for d in dtypes):  # strings, float8: no implicit promotion
        return next(d for d, w in pairs if not w)
    if len(pairs) == 1 or all(weak):
        out, out_weak = _least_upper_bound(set(dtypes)), True
    else:
        out = _least_upper_bound(set(dtypes))
        out_weak = out in ("int", "float")
    if out_weak and out != "bool":
        out = {"int": "int32", "float": floatx}.get(out, out)
    return out


class Operation(Layer):
    """Base class of the graph operations (see the module docstring)."""

    is_operation = True  # the model leaves it out of `layers`, weights and get_layer
    keras_module = "keras.src.ops.numpy"
    # several outputs (split, top_k, moments): `compute_output_spec` gives a list of shapes,
    # `output_dtype` a dtype or one per output, `_forward` a list of arrays, and
    # `_backward` receives a list of gradients (zeros for an output nothing used)
    multi_output = False
    # piecewise constant (sign, round, comparisons, stop_gradient): its gradient is zero
    # everywhere, so nothing reaches its arguments' computation
    zero_gradient = False
    # (stop_gradient: its inputs are not connected to its output for a tape's gradient)
    stops_gradient = False

    _autocasts_calls = False  # (an operation computes in its inputs' dtype, as Keras's)

    def __init__(self, *, name: str | None = None):
        Layer.__init__(self, name=name or operation_name(self._default_name()))
        self.built = True
        self._template = None

    # -- the math (subclasses) -----------------------------------------------------------
    def _forward(self, *args):
        raise NotImplementedError

    def _backward(self, cache, grad, need):
        raise NotImplementedError

    def compute_output_spec(self, *args):
        """The output shape for arguments whose tensors are shapes (tuples)."""
        raise NotImplementedError

    def output_dtype(self, *args) -> str:
        return result_dtype(*args)

    # -- calling -------------------------------------------------------------------------
    def __call__(self, *args, **kwargs):
        if kwargs:
            args = self._positional(args, kwargs)
        if _tape_hook is not None:  # a GradientTape records eager calls (numkeras.autodiff)
            recorded = _tape_hook(self, args)
            if recorded is not NotImplemented:
                return recorded
        if _contains_tensor(args):
            return self._symbolic_call(args)
        try:
            out, _ = self._forward_wrapping(args)
        except ValueError as e:
            raise _shape_error(e) from e
        return self._arrays(out)

    def _forward_wrapping(self, args):
        """`_forward(*args)`, a Python int out of an integer array's range (NumPy 2's
        OverflowError) wrapped into it as Keras's weak ints are: eagerly and in a graph."""
        try:
            return self._forward(*args)
        except OverflowError:
            return self._forward(*_wrapped_ints(args))

    def _positional(self, args, kwargs) -> tuple:
        """Keyword arguments of the call (as Keras writes some in a node: `Pad`'s
        `constant_values`, `Average`'s `weights`, attention's `mask`) in their places among
        `_forward`'s parameters, defaults filling the gaps; an unknown one that is None
        (a Keras default) is dropped."""
        params = [
            p
            for p in inspect.signature(self._forward).parameters.values()
            if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)
        ]
        names = [p.name for p in params]
        unknown = sorted(k for k, v in kwargs.items() if k not in names and v is not None)
        if unknown or any(names.index(k) < len(args) for k in kwargs if k in names):
            raise TypeError(
                f"{type(self).__name__} takes its settings in its constructor; its call "
                f"takes the arguments {names}, received the keyword arguments {sorted(kwargs)} "
                f"after {len(args)} positional ones."
            )
        last = max([len(args) - 1] + [names.index(k) for k in kwargs if k in names])
        out = list(args)
        for p in params[len(args) : last + 1]:
            if p.name in kwargs:
                out.append(kwargs[p.name])
            elif p.default is not p.empty:
                out.append(p.default)
            else:
                raise TypeError(f"{type(self).__name__} misses the argument {p.name!r}.")
        return tuple(out)

    def _arrays(self, out):
        return [_array(o) for o in out] if self.multi_output else _array(out)

    def _symbolic_call(self, args):
        tensors: list = []
        template = extract_tensors(tuple(args), tensors)
        if self._template is not None and template != self._template:
            raise ConfigError(
                f"Operation '{self.name}' was already called on other constant arguments; "
                "call a new operation instead (each numkeras.ops function call creates one)."
            )
        out_shape = self.compute_output_spec(*fill(template, tensors))
        dtype = self.output_dtype(*fill(template, tensors))
        self._template = template
        if self.multi_output:
            shapes = [tuple(s) for s in out_shape]
            dtypes = [dtype] * len(shapes) if isinstance(dtype, str) else list(dtype)
            node = Node(self, list(tensors), shapes, dtype=dtypes[0])
            for t, d in zip(node.outputs, dtypes):
                t.dtype = d
        else:
            node = Node(self, list(tensors), tuple(out_shape), dtype=dtype)
        node.arguments = template
        return node.outputs_structure

    # -- the executor's protocol (flat lists of tensor values) ---------------------------
    def compute_output_shape(self, input_shape):
        specs = [_Spec(s) for s in input_shape]
        out = self.compute_output_spec(*fill(self._template, specs))
        return [tuple(s) for s in out] if self.multi_output else tuple(out)

    def call(self, inputs):
        out, _ = self._forward_wrapping(fill(self._template, list(inputs)))
        return self._arrays(out)

    def forward(self, inputs, training: bool = True):
        out, cache = self._forward_wrapping(fill(self._template, list(inputs)))
        return self._arrays(out), cache

    def backward(self, cache, grad_output, need_input_grad: bool = True):
        template = self._template
        n = _count_slots(template)
        if not need_input_grad:
            return None
        need = tuple(has_slot(t) for t in template)
        grads = self._backward(cache, grad_output, need)
        out: list = [None] * n
        _gather(template, grads, out)
        # two inputs must never share one gradient array (layers may update it in place)
        seen: set = set()
        for i, g in enumerate(out):
            if g is None:
                continue
            if id(g) in seen:
                out[i] = g.copy()
            seen.add(id(out[i]))
        return out

    # -- config --------------------------------------------------------------------------
    def get_config(self) -> dict:
        return {"name": self.name}

    @classmethod
    def from_config(cls, config: dict):
        return cls(**config)

    def get_build_config(self):
        return None

    def count_params(self) -> int:
        return 0

    def __repr__(self) -> str:
        return f"<Operation name={self.name}>"


# NumPy's messages for arrays whose shapes do not fit together, where JAX raises TypeError
_SHAPE_MESSAGES = (
    "could not be broadcast",
    "except for the concatenation axis must match",
    "cannot reshape array",
    "not aligned",
    "Cannot broadcast shape",
)


def _wrapped_ints(args) -> tuple:
    """`args` with each Python int as an array of the integer arrays' dtype, wrapped into
    its range as Keras's (JAX's) weak ints are: `add(uint8 array, -2)` adds 254."""
    arrays = [a for a in args if hasattr(a, "dtype") and np.dtype(a.dtype).kind in "iu"]
    if not arrays:
        raise OverflowError("a Python int out of the range of the arguments' dtype")
    dtype = keras_result_type(*arrays)
    return tuple(
        np.asarray(a).astype(dtype) if isinstance(a, int) and not isinstance(a, bool) else a
        for a in args
    )


def _shape_error(e: ValueError) -> ValueError:
    """NumPy's ValueError for shapes that do not fit together as an
    `IncompatibleShapesError` (also a TypeError, as Keras's on JAX); others unchanged."""
    from numkeras.errors import IncompatibleShapesError

    if isinstance(e, TypeError) or not any(m in str(e) for m in _SHAPE_MESSAGES):
        return e
    return IncompatibleShapesError(str(e))


def _count_slots(template) -> int:
    found: list = []

    def walk(t):
        if isinstance(t, (_Slot, _DimSlot)):
            found.append(t.index)
        elif isinstance(t, (list, tuple)):
            for a in t:
                walk(a)
        elif isinstance(t, dict):
            for a in t.values():
                walk(a)

    walk(template)
    return max(found) + 1 if found else 0


def _array(out):
    """A full reduction's NumPy scalar as a 0-d array, as every op returns arrays."""
    xp = backend.xp
    return out if isinstance(out, xp.ndarray) else xp.asarray(out)


def is_operation(layer) -> bool:
    return getattr(layer, "is_operation", False)


def public_op(module: str, name: str):
    """The public `numkeras.ops` function `name`, for the module `module` (numkeras.ops.nn,
    .numpy, .linalg) that Keras also names as a namespace (`keras.ops.nn.relu`); an
    AttributeError for a private or unknown name."""
    import sys

    ops = sys.modules.get("numkeras.ops")
    value = None if name.startswith("_") or ops is None else ops.__dict__.get(name)
    if value is None or not callable(value) or isinstance(value, type):
        raise AttributeError(f"module {module!r} has no attribute {name!r}")
    return value
