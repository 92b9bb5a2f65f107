"""`Optimizer`: the base class of every numkeras optimizer (Keras 3 semantics, NumPy speed).

What a subclass writes (see `adam.py`): `slot_groups()` (slot names, in Keras creation
order), `step_coefficients(lr, step, dtype)` (the scalars of one update, as `dtype`
scalars) and `update_step(param, grad, slots, coeffs, scratch)`: the update on plain
same-shape arrays, in place, with ufuncs writing into `out=`/scratch so nothing is
allocated and nothing is upcast to float64. An update that needs a whole variable at once
(Lamb's norms, Adafactor's factored moments) sets `whole_variable_update = True`; slots
not shaped like their variable come from `slot_array` (see `adafactor.py`).

How an `apply` runs:

1. Gradients are matched to variables (None gradients are skipped with a warning).
2. The variables are split into *segments*: runs whose values are consecutive views into
   one flat buffer (how numkeras models store weights), whose slots are consecutive views
   into one flat slot array per slot name, and whose gradients are consecutive views into
   one flat gradient buffer. A segment is updated by ONE `update_step` over the flat
   memory instead of one call per variable. The segmentation is cached per tuple of
   variables and re-checked cheaply (array identity) every step.
3. Each segment is processed in cache-sized chunks, so the ~10 element-wise passes of an
   Adam update hit L2 cache instead of main memory (about 2.5x faster on 3M parameters).
   Loss-scale unscaling, clipping and decoupled weight decay are folded into the same
   chunk loop.

Slots are keyed per variable, so one optimizer instance can serve several models (the
classic Keras 2 GAN compiles the generator, the discriminator and the combined model with
one `Adam`; Keras 3 raises there). A variable seen for the first time gets fresh slots.
`iterations` counts `apply` calls, and every update's step (Adam's bias corrections, the
schedules) is `iterations + 1` (divided by `gradient_accumulation_steps` where set), as in
Keras 2 and 3: with a shared optimizer the generator's first update is step 2, exactly as
the classic GAN trained under Keras 2.

A subclass may instead follow Keras 3's documented protocol (`build` with
`add_variable_from_reference`, `update_step(gradient, variable, learning_rate)`); the
`update_step` signature tells them apart, and such a class runs per variable through
`keras3_protocol.py`, with numkeras's fast path untouched.

>>> import numpy as np
>>> from numkeras.variables import Variable
>>> from numkeras.optimizers import SGD
>>> w = Variable(np.ones(3, "float32"), name="w")
>>> opt = SGD(learning_rate=0.1)
>>> opt.apply([np.ones(3, "float32")], [w])
>>> w.numpy(), opt.iterations
(array([0.9, 0.9, 0.9], dtype=float32), 1)
"""

from __future__ import annotations

import difflib
import inspect
import numbers
import re
import warnings

import numpy as np

from numkeras import backend
from numkeras.backend import fused, scopes, stateless_scope
from numkeras.errors import (
    ArgumentTypeError,
    ConfigError,
    IncompatibleShapesError,
    NumkerasWarning,
    ScheduledRateError,
    did_you_mean,
    format_shape,
    warn_deprecated,
)
from numkeras.optimizers import schedules as schedules_module
from numkeras.optimizers.keras3_protocol import KERAS3, NUMKERAS, Keras3Protocol, protocol_of
from numkeras.utils.naming import auto_name as _auto_name  # `RMSprop` -> `rm_sprop`, as Keras
from numkeras.variables import Variable

# Keys Keras 2 / tf.keras wrote into optimizer configs that carry no meaning here.
_IGNORED_LEGACY_CONFIG_KEYS = ("is_legacy_optimizer", "jit_compile")


def _is_number(x) -> bool:
    return isinstance(x, numbers.Real) and not isinstance(x, bool)


def _data_ptr(a) -> int:
    if isinstance(a, np.ndarray):
        return a.__array_interface__["data"][0]
    return a.data.ptr  # CuPy


def _owner(a):
    """What owns `a`'s memory: NumPy's base array; CuPy's allocation (a view's `.base` is
    the array it was taken from, but every view shares its allocation's `data.mem`)."""
    if isinstance(a, np.ndarray):
        return a if a.base is None else a.base
    return a.data.mem


def flat_span(arrays):
    """A 1-D view covering `arrays` if they are consecutive C-contiguous views, in order,
    into one C-contiguous buffer of one dtype; otherwise None."""
    xp = backend.xp
    a0 = arrays[0]
    owner = _owner(a0)
    dtype = a0.dtype
    start = expected = _data_ptr(a0)
    for a in arrays:
        if not isinstance(a, xp.ndarray) or a.dtype != dtype or not a.flags.c_contiguous:
            return None
        if _owner(a) is not owner or _data_ptr(a) != expected:
            return None
        expected += a.nbytes
    count = (expected - start) // dtype.itemsize
    if not isinstance(a0, np.ndarray):  # CuPy: a view of `count` elements from a0's start
        return xp.ndarray((count,), dtype, memptr=a0.data)
    if not isinstance(owner, np.ndarray) or owner.dtype != dtype or not owner.flags.c_contiguous:
        return None
    offset, rem = divmod(start - _data_ptr(owner), dtype.itemsize)
    if rem:
        return None
    return owner.reshape(-1)[offset : offset + count]


class _StateNumber:
    """Keras 3 returns `optimizer.learning_rate` and `optimizer.iterations` as variables;
    numkeras returns the number itself (a float or an int, so arithmetic, formatting and
    `float()` work as before), and these methods take Keras's variable calls on it,
    writing through to the optimizer's attribute.

    >>> from numkeras.optimizers import SGD
    >>> opt = SGD(learning_rate=0.1)
    >>> opt.learning_rate.assign(0.05)
    >>> round(opt.learning_rate, 6), opt.learning_rate.numpy().dtype.name
    (0.05, 'float32')
    """

    python_type: type
    numpy_type: type

    @classmethod
    def of(cls, value, optimizer, attr: str):
        number = cls(value)
        number._optimizer, number._attr = optimizer, attr
        return number

    def assign(self, value) -> None:
        setattr(self._optimizer, self._attr, value)

    def assign_add(self, value) -> None:
        setattr(self._optimizer, self._attr, getattr(self._optimizer, self._attr) + value)

    def assign_sub(self, value) -> None:
        setattr(self._optimizer, self._attr, getattr(self._optimizer, self._attr) - value)

    def numpy(self):
        return self.numpy_type(self)

    def __reduce__(self):  # copies and pickles are the plain number, not the optimizer
        return (self.python_type, (self.python_type(self),))


class _LearningRate(_StateNumber, float):
    python_type, numpy_type = float, np.float32


class _ScheduledLearningRate(_LearningRate):
    """A schedule's current rate: Keras 3 gives a tensor without `assign` there."""

    def assign(self, value) -> None:
        raise ScheduledRateError(
            "This optimizer was created with a `LearningRateSchedule` (or callable) as its "
            "`learning_rate`: its `learning_rate` is the schedule's current value, which "
            "cannot be assigned. Create the optimizer with a float `learning_rate`."
        )

    assign_add = assign_sub = assign


class _Iterations(_StateNumber, int):
    python_type, numpy_type = int, np.int64


class _Decay(_StateNumber, float):
    """Keras 2's `optimizer.decay` (a float32 variable there): `K.set_value(opt.decay, x)`
    / `.assign(x)` change the decay the next steps use."""

    python_type, numpy_type = float, np.float32


class _VarState:
    """What the optimizer keeps for one model variable."""

    __slots__ = ("var", "slots", "acc", "average", "use_wd", "slot_vars", "scope")

    def __init__(self, var, slots: dict, acc, average=None):
        self.var = var
        self.slots = slots  # slot name -> array shaped like the variable
        self.acc = acc  # gradient accumulator (gradient_accumulation_steps) or None
        self.average = average  # the weights' moving average (use_ema) or None
        self.use_wd = True
        self.slot_vars: dict = {}
        # the name scope open when the slots were made: their variables' paths start with
        # it, as Keras creates them then (numkeras wraps the arrays in variables on demand)
        self.scope = scopes.current_path()


class _Segment:
    """Consecutive variables updated together (one flat view each for param and slots)."""

    __slots__ = ("states", "values", "param", "slots", "acc", "offsets", "grads", "gflat")

    def __init__(self, states, param, slots, acc, offsets):
        self.states = states
        self.values = tuple(st.var.value for st in states)  # to detect rebinding
        self.param = param  # 1-D flat view, or None for a lone non-contiguous variable
        self.slots = slots  # list of 1-D flat views, in kernel slot order
        self.acc = acc
        self.offsets = offsets  # element offsets of each variable within the segment
        self.grads: tuple = ()  # last gradient arrays seen (identity cache for gflat)
        self.gflat = None


def root_with_epsilon(value, eps, out, epsilon_outside: bool = False):
    """`sqrt(value + eps)` into `out` (Keras 3's RMSprop / Adagrad denominator), or with
    `epsilon_outside`, `sqrt(value) + eps` (Keras 2's legacy ones); returns `out`."""
    xp = backend.xp
    if epsilon_outside:
        xp.sqrt(value, out=out)
        out += eps
    else:
        xp.add(value, eps, out=out)
        xp.sqrt(out, out=out)
    return out


def drop_missing_gradients(grads: list, variables: list, stacklevel: int = 3):
    """`(grads, variables)` without the pairs whose gradient is None, with Keras's warning
    naming those variables; no gradient at all is an error, as in Keras."""
    missing = [getattr(v, "path", "?") for g, v in zip(grads, variables) if g is None]
    pairs = [(g, v) for g, v in zip(grads, variables) if g is not None]
    if not pairs:
        raise ConfigError("No gradients provided for any variable.")
    if missing:
        warnings.warn(
            f"Gradients do not exist for variables {missing} when minimizing the loss. "
            "If using `model.compile()`, did you forget to provide a `loss` argument?",
            NumkerasWarning,
            stacklevel=stacklevel,
        )
    return [g for g, _ in pairs], [v for _, v in pairs]


class Optimizer(Keras3Protocol):
    """Base class of numkeras optimizers; the Keras 3 constructor arguments and behaviour.

    Args:
        learning_rate: a float, a `numkeras.optimizers.schedules.LearningRateSchedule`, or a
            zero-argument callable returning the rate.
        weight_decay: if set, decoupled weight decay as Keras 3 applies it before each
            update: `w -= w * weight_decay * learning_rate`.
        clipnorm: clip each gradient to this L2 norm (`g * c / max(||g||, c)`).
        clipvalue: clip each gradient element to `[-clipvalue, clipvalue]`.
        global_clipnorm: clip all gradients together to this global L2 norm.
        use_ema, ema_momentum, ema_overwrite_frequency: keep an exponential moving average
            of the weights (`average = ema_momentum * average + (1 - ema_momentum) * w`
            after every step), copied into the weights every `ema_overwrite_frequency`
            steps and when `fit` ends (see `callbacks.SwapEMAWeights`).
        loss_scale_factor: gradients are divided by it before anything else.
        gradient_accumulation_steps: update only every N calls, with the mean gradient.
        name: defaults to the snake-cased class name, uniquified (`adam`, `adam_1`, ...).

    Keras 2 spellings: `lr=` is accepted for `learning_rate=` (with one deprecation note);
    `decay=` is Keras 2's inverse-time decay `lr / (1 + decay * iterations)` and is
    implemented (Keras 3 ignores it with a warning), and written to `get_config` when set.

    Deviations from Keras 3, on purpose: one instance may update any variables (slots are
    per variable; see the module docstring); `learning_rate` may be an int; the
    `learning_rate` property returns a Python float, not a variable.

    Subclass it with numkeras's fast protocol (see `adam.py`) or Keras 3's documented one
    (`build` + `update_step(gradient, variable, learning_rate)`; see `keras3_protocol.py`).

    >>> from numkeras.optimizers import Adam
    >>> opt = Adam(learning_rate=1e-3)
    >>> opt.learning_rate = 5e-4      # what ReduceLROnPlateau does
    >>> round(opt.learning_rate, 6)
    0.0005
    """

    _CHUNK = 1 << 16  # elements per chunk: the working set of one update stays in L2

    def __init__(
        self,
        learning_rate=0.001,
        weight_decay: float | None = None,
        clipnorm: float | None = None,
        clipvalue: float | None = None,
        global_clipnorm: float | None = None,
        use_ema: bool = False,
        ema_momentum: float = 0.99,
        ema_overwrite_frequency: int | None = None,
        loss_scale_factor: float | None = None,
        gradient_accumulation_steps: int | None = None,
        name: str | None = None,
        **kwargs,
    ):
        cls_name = type(self).__name__
        if "lr" in kwargs:
            warn_deprecated(
                f"`{cls_name}(lr=...)` is the Keras 2 spelling; use `learning_rate=...` "
                "(Keras 3 rejects `lr`)."
            )
            learning_rate = kwargs.pop("lr")
        decay = kwargs.pop("decay", None)
        if kwargs:
            valid = self._valid_arguments()
            hints = []
            for k in kwargs:
                close = difflib.get_close_matches(k, valid, n=1)
                if close:
                    hints.append(f" Did you mean `{close[0]}` instead of `{k}`?")
            raise ConfigError(
                f"Argument(s) not recognized: {kwargs}. Valid arguments for {cls_name}: "
                f"{', '.join(valid)}.{''.join(hints)}"
            )
        if decay is not None and decay != 0:
            if not _is_number(decay) or decay < 0:
                raise ConfigError(f"`decay` must be a number >= 0; received decay={decay!r}.")
            warn_deprecated(
                "`decay=` is the Keras 2 inverse-time decay; numkeras applies it as "
                "lr / (1 + decay * iterations). In Keras 3 write `learning_rate="
                "keras.optimizers.schedules.InverseTimeDecay(lr, decay_steps=1, "
                "decay_rate=decay)` (Keras 3 silently ignores `decay`)."
            )
        self._decay = float(decay) if decay else 0.0

        for arg, value in (
            ("weight_decay", weight_decay),
            ("clipnorm", clipnorm),
            ("clipvalue", clipvalue),
            ("global_clipnorm", global_clipnorm),
            ("loss_scale_factor", loss_scale_factor),
        ):
            if value is not None and not _is_number(value):
                raise ConfigError(
                    f"`{arg}` must be a number or None; received {arg}={value!r} "
                    f"({type(value).__name__})."
                )
        clip_args = [a is not None for a in (clipnorm, clipvalue, global_clipnorm)]
        if sum(clip_args) > 1:
            raise ConfigError(
                "Only one of `clipnorm`, `clipvalue` and `global_clipnorm` can be set. "
                f"Received: clipnorm={clipnorm}, clipvalue={clipvalue}, "
                f"global_clipnorm={global_clipnorm}"
            )
        if use_ema:  # (checked only when used, as Keras)
            if not _is_number(ema_momentum) or not 0 <= ema_momentum <= 1:
                raise ConfigError(
                    "`ema_momentum` must be in the range [0, 1]. "
                    f"Received: ema_momentum={ema_momentum!r}"
                )
            if ema_overwrite_frequency and (
                not isinstance(ema_overwrite_frequency, numbers.Integral)
                or ema_overwrite_frequency < 1
            ):
                raise ConfigError(
                    "`ema_overwrite_frequency` must be an integer >= 1 or None. Received: "
                    f"ema_overwrite_frequency={ema_overwrite_frequency!r}"
                )
        if gradient_accumulation_steps is not None and (
            not isinstance(gradient_accumulation_steps, numbers.Integral)
            or gradient_accumulation_steps < 2
        ):
            raise ConfigError(
                "`gradient_accumulation_steps` must be an integer >= 2. "
                f"Received: gradient_accumulation_steps={gradient_accumulation_steps!r}"
            )
        if loss_scale_factor is not None and loss_scale_factor == 0:
            raise ConfigError("`loss_scale_factor` must be nonzero (gradients are divided by it).")

        self.name = name if name is not None else _auto_name(cls_name)
        self.weight_decay = weight_decay
        self.clipnorm = clipnorm
        self.clipvalue = clipvalue
        self.global_clipnorm = global_clipnorm
        self.use_ema = use_ema
        self.ema_momentum = ema_momentum
        self.ema_overwrite_frequency = ema_overwrite_frequency
        self.loss_scale_factor = loss_scale_factor
        self.gradient_accumulation_steps = gradient_accumulation_steps

        xp = backend.xp
        # int32 and float32 scalars, as Keras (JAX) stores and saves them.
        self._iterations = Variable(
            xp.zeros((), dtype="int32"),
            name="iteration",
            trainable=False,
            path=f"{self.name}/iteration",
        )
        self._lr_var = Variable(
            xp.zeros((), dtype=backend.floatx()),
            name="learning_rate",
            trainable=False,
            path=f"{self.name}/learning_rate",
        )
        self._learning_rate = None
        self._set_learning_rate(learning_rate, initial=True)

        self._states: dict[int, _VarState] = {}
        self._order: list[_VarState] = []  # first-seen order (Keras `.variables` order)
        self._built_vars: list | None = None
        self._plans: dict[tuple, list[_Segment]] = {}
        self._scratch: dict = {}
        self._checked: tuple = ((), ())  # (variable ids, gradient arrays) last validated
        self._wd_exclude_ids: set[int] = set()
        self._wd_exclude_pattern = None
        # Which protocol the subclass writes (see keras3_protocol.py), and Keras 3's state
        # for it: `add_variable` results, the built variables and their indices.
        self._protocol = protocol_of(type(self), Optimizer.update_step)
        self._keras3 = self._protocol != NUMKERAS
        self._k3_vars: list[Variable] = []
        self._trainable_variables: list = []
        self._trainable_variables_indices: dict[int, int] = {}

    # -- subclass interface -------------------------------------------------------
    def slot_groups(self) -> tuple[tuple[str, ...], ...]:
        """Slot names, grouped as Keras creates them (`add_optimizer_variables` calls).

        Keras interleaves names within a group per variable (m(k1), v(k1), m(b1), ...)
        and concatenates groups; `variables` reproduces that order for saving.
        """
        return ()

    def slot_initial_value(self, slot_name: str) -> float:
        return 0.0

    # True for updates that need a whole variable at once (Lamb's norms, Adafactor's
    # factored moments): then every variable gets its own unchunked `update_step`, with
    # param, grad, slots and scratch in the variable's shape.
    whole_variable_update: bool = False

    def slot_array(self, slot_name: str, value):
        """A new array for a slot whose shape or dtype differs from its variable's `value`
        (Adafactor's factored moments); None (the default) for a slot shaped like the
        variable, kept in the optimizer's flat per-name arrays."""
        return None

    def slot_variable_name(self, variable, slot_name: str) -> str:
        """The name Keras gives the slot variable (`{variable path}_{slot name}`)."""
        ref = getattr(variable, "path", None) or variable.name
        return f"{ref.replace('/', '_')}_{slot_name}"

    def step_coefficients(self, learning_rate: float, step: int, dtype) -> tuple:
        """Scalars for one update at 1-based `step`, as `dtype` scalars."""
        return (dtype.type(learning_rate),)

    def fused_step(self, param, grad, slots, coeffs, decay) -> bool:
        """Run the whole update, with the weight `decay` (None, or its two factors) before
        it, as one fused kernel (`backend.fused`) and return True; or return False to have
        `update_step` run over chunks. Results must be identical."""
        return False

    @staticmethod
    def _fused(name: str, param, grad, slots, coeffs, decay) -> bool:
        """Run optimizer kernel `name` on `(param, grad, *slots, *coeffs)` and the decay's
        three arguments; True if it ran."""
        if decay is None:
            zero = param.dtype.type(0)
            decay_args = (zero, zero, False)
        else:
            decay_args = (*decay, True)
        return fused.run(name, param, grad, *slots, *coeffs, *decay_args) is not None

    def update_step(self, param, grad, slots, coeffs, scratch) -> None:
        """Update `param` and `slots` in place from `grad` (all same shape)."""
        raise NotImplementedError(f"{type(self).__name__} must implement `update_step`.")

    # -- construction helpers -----------------------------------------------------
    @classmethod
    def _valid_arguments(cls) -> list[str]:
        names: list[str] = []
        for klass in (cls, Optimizer):
            for p in inspect.signature(klass.__init__).parameters.values():
                if p.kind in (p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY) and p.name != "self":
                    if p.name not in names:
                        names.append(p.name)
        return names

    def _slot_names(self) -> list[str]:
        return [n for group in self.slot_groups() for n in group]

    # -- learning rate ------------------------------------------------------------
    def _set_learning_rate(self, value, initial: bool = False) -> None:
        if isinstance(value, schedules_module.LearningRateSchedule) or (
            callable(value) and not _is_number(value)
        ):
            self._learning_rate = value
            return
        if not _is_number(value):
            raise ConfigError(
                "Argument `learning_rate` should be a float, an instance of "
                "LearningRateSchedule, or a callable (that takes no arguments and returns "
                f"the learning rate value). Received instead: learning_rate={value!r}"
            )
        if not initial and self._learning_rate is not self._lr_var:
            # (Keras 3: TypeError for a schedule; for a rate function, AttributeError from
            # the function's missing `assign`: this is both there)
            scheduled = isinstance(self._learning_rate, schedules_module.LearningRateSchedule)
            raise (TypeError if scheduled else ScheduledRateError)(
                "This optimizer was created with a `LearningRateSchedule` (or callable) as "
                "its `learning_rate`, hence its learning rate is not settable. Create the "
                "optimizer with a float `learning_rate` to make it settable."
            )
        self._lr_var.value[...] = value
        self._learning_rate = self._lr_var

    @property
    def learning_rate(self) -> float:
        """The current learning rate (a schedule is evaluated at `iterations`, as Keras).

        A Python float that also answers the calls Keras 3 code makes on the variable
        Keras returns: `.assign(x)`, `.numpy()`. With Keras 2 `decay=` this is the base
        rate; the decayed rate is used internally.
        """
        scheduled = self._learning_rate is not self._lr_var
        cls = _ScheduledLearningRate if scheduled else _LearningRate
        return cls.of(float(self._base_learning_rate()), self, "learning_rate")

    @learning_rate.setter
    def learning_rate(self, value) -> None:
        self._set_learning_rate(value)

    # Keras 2's name, which classic scripts read and write (K.set_value(opt.lr, 1e-4))
    @property
    def lr(self) -> float:
        """Keras 2's name for `learning_rate` (one deprecation note)."""
        warn_deprecated("`optimizer.lr` is a Keras 2 spelling; use `optimizer.learning_rate`.")
        return self.learning_rate

    @lr.setter
    def lr(self, value) -> None:
        warn_deprecated("`optimizer.lr` is a Keras 2 spelling; use `optimizer.learning_rate`.")
        self._set_learning_rate(value)

    def _base_learning_rate(self):
        lr = self._learning_rate
        if lr is self._lr_var:
            return lr.value[()]
        if isinstance(lr, schedules_module.LearningRateSchedule):
            return lr(int(self._iterations.value[()]))  # every apply call, as Keras
        return lr()

    def _current_learning_rate(self) -> float:
        lr = float(self._base_learning_rate())
        if self._decay:  # (Keras 2's decay: every apply call)
            lr = lr / (1.0 + self._decay * int(self._iterations.value[()]))
        return lr

    @property
    def decay(self) -> float:
        """Keras 2's inverse-time decay `lr / (1 + decay * iterations)`: a float that also
        takes `K.set_value(opt.decay, x)` / `.assign(x)`, as Keras 2's variable did; the
        next steps use the new value (tf_keras 2's legacy optimizers read it back but keep
        decaying by the constructor's; Keras 2.0-2.3 used it, as numkeras)."""
        return _Decay.of(self._decay, self, "decay")

    @decay.setter
    def decay(self, value) -> None:
        array = np.asarray(value.numpy() if hasattr(value, "numpy") else value)
        number = float(array) if array.size == 1 and array.dtype.kind in "iuf" else None
        if number is None or not number >= 0:  # (NaN too)
            raise ConfigError(
                f"`decay` must be a number >= 0; received {value!r}. Pass e.g. "
                "K.set_value(optimizer.decay, 1e-4), or 0 for no decay."
            )
        self._decay = number

    # -- iterations -----------------------------------------------------------------
    @property
    def iterations(self) -> int:
        """How many updates have run (Keras `optimizer.iterations`): the `apply` calls, or
        with `gradient_accumulation_steps` the calls divided by it, as Keras counts; an int
        that also takes `.assign(n)` (the calls), `.assign_add(n)` and `.numpy()`."""
        n = int(self._iterations.value[()])
        if self.gradient_accumulation_steps:
            n //= self.gradient_accumulation_steps
        return _Iterations.of(n, self, "iterations")

    @iterations.setter
    def iterations(self, value: int) -> None:
        self._iterations.value[...] = int(value) * (self.gradient_accumulation_steps or 1)

    # -- variables and slots ------------------------------------------------------
    @property
    def built(self) -> bool:
        return bool(self._order)

    @built.setter
    def built(self, value) -> None:
        pass  # (Keras code sets it after `build`; here it follows the state itself)

    def __getattr__(self, name: str):
        # Only reached for missing attributes: the state `__init__` makes is missing when a
        # subclass forgot `super().__init__()`; say so instead of an AttributeError.
        if name in _INIT_STATE and "_iterations" not in self.__dict__:
            self._check_super_called()
        raise AttributeError(f"'{type(self).__name__}' object has no attribute '{name}'")

    def build(self, variables=None, *, var_list=None) -> None:
        """Create slots for `variables` (one flat array per slot name), as Keras `build`
        (`var_list=`: the name Keras's Adam, AdamW, RMSprop, ... give the argument)."""
        if variables is None:
            variables = var_list
        if variables is None:
            raise ArgumentTypeError("Optimizer.build() needs the variables to build slots for.")
        if self._protocol == KERAS3:
            self._k3_build(variables)
            return
        variables = list(variables)
        self._ensure_states(variables)
        if self._built_vars is None:
            self._built_vars = variables

    def _check_var(self, v) -> None:
        if not isinstance(getattr(v, "value", None), backend.xp.ndarray):
            raise ConfigError(
                f"Optimizers update numkeras Variables; received {type(v).__name__}. "
                "Pass `model.trainable_variables` (or `layer.trainable_weights`)."
            )
        if v.value.dtype.kind != "f":
            raise ConfigError(
                f"Cannot optimize variable '{getattr(v, 'path', '?')}' of dtype "
                f"{v.value.dtype}: only float variables are trainable."
            )

    def _ensure_states(self, variables) -> None:
        """Give every new variable zero (or initial-value) slots; consecutive new
        variables of one dtype share one flat array per slot name."""
        xp = backend.xp
        names = self._slot_names()
        acc = self.gradient_accumulation_steps is not None
        run: list = []

        def flush():
            if not run:
                return
            dtype = run[0].value.dtype
            sizes = [v.value.size for v in run]
            total = sum(sizes)
            own = [{n: self.slot_array(n, v.value) for n in names} for v in run]
            flats = {
                n: xp.full(
                    sum(size for size, o in zip(sizes, own) if o[n] is None),
                    self.slot_initial_value(n),
                    dtype=dtype,
                )
                for n in names
            }
            acc_flat = xp.zeros(total, dtype=dtype) if acc else None
            ema_flat = xp.zeros(total, dtype=dtype) if self.use_ema else None
            off = 0
            slot_off = dict.fromkeys(names, 0)
            for v, size, o in zip(run, sizes, own):
                shape = v.value.shape
                slots = {}
                for n in names:
                    if o[n] is None:
                        a = slot_off[n]
                        slots[n] = flats[n][a : a + size].reshape(shape)
                        slot_off[n] = a + size
                    else:
                        slots[n] = o[n]
                acc_view = acc_flat[off : off + size].reshape(shape) if acc else None
                ema_view = None if ema_flat is None else ema_flat[off : off + size].reshape(shape)
                st = _VarState(v, slots, acc_view, ema_view)
                st.use_wd = self._decide_weight_decay(v)
                self._states[id(v)] = st
                self._order.append(st)
                off += size
            run.clear()

        for v in variables:
            if id(v) in self._states:
                flush()
                continue
            self._check_var(v)
            if run and v.value.dtype != run[0].value.dtype:
                flush()
            run.append(v)
        flush()

    def get_slot(self, variable, slot_name: str):
        """The live slot array (e.g. `"momentum"`, `"velocity"`) kept for `variable`."""
        st = self._states.get(id(variable))
        if st is None:
            raise ConfigError(
                f"Optimizer '{self.name}' has no slots for variable "
                f"'{getattr(variable, 'path', variable)}': it has not been applied to it yet."
            )
        if slot_name not in st.slots:
            valid = list(st.slots)
            hint = did_you_mean(slot_name, valid)
            raise ConfigError(
                f"{type(self).__name__} has no slot '{slot_name}'. Its slots: "
                f"{valid or 'none'}.{hint}"
            )
        return st.slots[slot_name]

    def slot_names(self) -> list[str]:
        """The names of the per-variable slots this optimizer keeps."""
        return self._slot_names()

    def _slot_variable(self, st: _VarState, slot_name: str, array) -> Variable:
        sv = st.slot_vars.get(slot_name)
        if sv is None or sv.value is not array:
            vname = self.slot_variable_name(st.var, slot_name)
            sv = Variable(array, name=vname, trainable=False)
            sv._value = array  # (the slot itself, which the updates write in place)
            sv._scope_path = f"{st.scope}/" if st.scope else ""
            sv.path = f"{sv._scope_path}{self.name}/{vname}"
            st.slot_vars[slot_name] = sv
        return sv

    @property
    def variables(self) -> list[Variable]:
        """State in Keras order: iteration, learning_rate (unless a schedule), the weights'
        moving averages (`use_ema`), the gradient accumulators, then slots.

        Slots follow Keras: per slot group, per variable (first-seen order), per name.
        Nadam appends its `u_product` scalar, as Keras does.
        """
        if self._protocol == KERAS3:
            return self._k3_variable_list()
        out = [self._iterations]
        if self._learning_rate is self._lr_var:
            out.append(self._lr_var)
        if self.use_ema:
            out.extend(self._slot_variable(st, "average", st.average) for st in self._order)
        if self.gradient_accumulation_steps is not None:
            out.extend(
                self._slot_variable(st, "gradient_accumulator", st.acc) for st in self._order
            )
        for group in self.slot_groups():
            for st in self._order:
                for n in group:
                    out.append(self._slot_variable(st, n, st.slots[n]))
        return out + self._extra_variables() + self._k3_vars

    def _extra_variables(self) -> list[Variable]:
        return []

    def _sub_optimizers(self) -> list[tuple[str, Optimizer]]:
        """`(attribute path, optimizer)` of the optimizers this one wraps, which Keras's
        files also hold in groups of their own (none for a plain optimizer)."""
        return []

    def get_weights(self) -> list:
        return [v.numpy() for v in self.variables]

    def set_weights(self, weights) -> None:
        """Assign state from arrays in `variables` order (build the optimizer first)."""
        variables = self.variables
        weights = list(weights)
        if not self.built:
            raise ConfigError(
                "You are calling `set_weights()` on an optimizer that has not yet been built. "
                "Call `optimizer.build(model.trainable_variables)` first."
            )
        if len(weights) != len(variables):
            raise ConfigError(
                f"Optimizer '{self.name}' has {len(variables)} variables but "
                f"{len(weights)} weights were given."
            )
        for var, w in zip(variables, weights):
            var.assign(backend.xp.asarray(w).astype(var.dtype, copy=False))

    def save_own_variables(self, store) -> None:
        for i, v in enumerate(self.variables):
            store[str(i)] = v.numpy()

    def load_own_variables(self, store) -> None:
        variables = self.variables
        if len(store.keys()) != len(variables):
            msg = (
                f"Skipping variable loading for optimizer '{self.name}', because it has "
                f"{len(variables)} variables whereas the saved optimizer has "
                f"{len(store.keys())} variables. "
            )
            if not self.built:
                msg += "This is likely because the optimizer has not been called/built yet."
            warnings.warn(msg, NumkerasWarning, stacklevel=2)
            return
        for i, v in enumerate(variables):
            v.assign(backend.xp.asarray(store[str(i)]).astype(v.dtype, copy=False))

    # -- weight decay ---------------------------------------------------------------
    def exclude_from_weight_decay(self, var_list=None, var_names=None) -> None:
        """Skip weight decay for these variables, or those whose name matches any of
        `var_names` (regular expressions searched in `variable.name`, as Keras)."""
        self._wd_exclude_ids = {id(v) for v in (var_list or [])}
        self._wd_exclude_pattern = re.compile("|".join(set(var_names))) if var_names else None
        for st in self._order:
            st.use_wd = self._decide_weight_decay(st.var)

    def _decide_weight_decay(self, v) -> bool:
        if id(v) in self._wd_exclude_ids:
            return False
        pat = self._wd_exclude_pattern
        return not (pat is not None and pat.search(str(getattr(v, "name", ""))))

    # -- applying gradients ---------------------------------------------------------
    def apply_gradients(self, grads_and_vars) -> int:
        """`apply` on `(gradient, variable)` pairs; returns `iterations` (tf.keras habit)."""
        pairs = list(grads_and_vars)
        if not pairs:
            return self.iterations
        grads, variables = zip(*pairs)
        self.apply(list(grads), list(variables))
        return self.iterations

    def apply(self, grads, trainable_variables=None) -> None:
        """Update `trainable_variables` in place from `grads` (one array per variable, same
        shapes). Without them, the variables of the first `build`/`apply` are used.
        """
        variables = trainable_variables
        if self._keras3:  # a Keras-3-style subclass (keras3_protocol.py)
            self._k3_apply(grads, variables)
            return
        grads, variables = self._paired(grads, variables)
        if not grads:
            return
        if any(g is None for g in grads):
            grads, variables = drop_missing_gradients(grads, variables)
        key = tuple(map(id, variables))
        last_key, last_grads = self._checked
        if not (
            key == last_key
            and len(grads) == len(last_grads)
            and all(a is b for a, b in zip(grads, last_grads))
        ):  # a training loop passes the same gradient views every step: check them once
            self._check_grads(grads, variables)
            self._checked = (key, tuple(grads))

        segments = self._plan(variables, key)
        if self._built_vars is None:
            self._built_vars = variables
        scope = stateless_scope.active
        if scope is not None:  # (the slots, as Variables from here on, are undone on its exit)
            for v in self.variables:
                scope.keep(v)
        lr = self._current_learning_rate()
        pre_scale = None if self.loss_scale_factor is None else 1.0 / self.loss_scale_factor

        accum = self.gradient_accumulation_steps
        if accum is not None:
            if not self._accumulate(segments, grads, accum, pre_scale):
                self._update_averages(segments)  # (every call, as Keras)
                # constraints too, as Keras: weights set outside one are projected at once
                self._apply_constraints(segments)
                self._iterations.value[...] += 1
                return
            pre_scale = None  # the accumulator already holds the unscaled mean gradient

        step = int(self._iterations.value[()])  # 0-based, as Keras's `iterations`
        if accum is not None:
            step //= accum
        items = self._work_items(segments, grads, accum is not None)
        self._clip(items, pre_scale)
        wd = self.weight_decay
        coeff_cache: dict = {}  # items usually share a dtype: compute the scalars once
        for seg_states, p, g, slots, g_scale in items:
            coeffs = coeff_cache.get(p.dtype)
            if coeffs is None:
                coeffs = coeff_cache[p.dtype] = self.step_coefficients(lr, step + 1, p.dtype)
            decay = None
            if wd:
                decay = (p.dtype.type(wd), p.dtype.type(lr))
            if decay is not None and not all(st.use_wd for st in seg_states):
                for st in seg_states:  # exclusions: decay per variable, then no fused decay
                    if st.use_wd:
                        value = st.var.value
                        value -= value * decay[0] * decay[1]
                decay = None
            self._run(p, g, slots, coeffs, g_scale, decay)
        self._update_averages(segments)
        self._apply_constraints(segments)
        if accum is not None:
            for seg in segments:
                seg.acc[...] = 0
        self._iterations.value[...] += 1

    def stateless_apply(self, optimizer_variables, grads, trainable_variables) -> tuple:
        """Keras 3's `apply` on values, for a JAX-style loop: `optimizer_variables` (one per
        `variables`) and `trainable_variables` (one per variable the optimizer was built
        on) are values; returns `(new trainable values, new optimizer values)` and changes
        no variable.

        >>> import numpy as np
        >>> from numkeras.optimizers import SGD
        >>> from numkeras.variables import Variable
        >>> w = Variable(np.zeros(2, "float32"))
        >>> sgd = SGD(0.5)
        >>> sgd.build([w])
        >>> new_w, _ = sgd.stateless_apply(
        ...     [v.numpy() for v in sgd.variables], [np.ones(2, "float32")], [w.numpy()]
        ... )
        >>> new_w[0].tolist(), w.numpy().tolist()
        ([-0.5, -0.5], [0.0, 0.0])
        """
        from numkeras.backend.stateless_scope import StatelessScope

        name = type(self).__name__
        if self._built_vars is None:
            raise ConfigError(
                f"To call `stateless_apply`, {name} must be built (i.e. its variables must "
                "have been created). You can build it via `optimizer.build(trainable_variables)`."
            )
        own = self.variables
        if len(optimizer_variables) != len(own):
            raise ConfigError(
                "Argument `optimizer_variables` must be a list of tensors corresponding 1:1 to "
                f"{name}().variables. Received list with length {len(optimizer_variables)}, "
                f"but expected {len(own)} variables."
            )
        if len(trainable_variables) != len(self._built_vars):
            raise ConfigError(
                "Argument `trainable_variables` must be a list of tensors corresponding 1:1 "
                "to the trainable variables list that the optimizer was built with. Received "
                f"{len(trainable_variables)} whereas the optimizer was built with "
                f"{len(self._built_vars)} variables."
            )
        mapping = [*zip(self._built_vars, trainable_variables), *zip(own, optimizer_variables)]
        with StatelessScope(state_mapping=mapping) as scope:
            self.apply(grads)
        return (
            [scope.get_current_value(v) for v in self._built_vars],
            [scope.get_current_value(v) for v in own],
        )

    def _paired(self, grads, variables) -> tuple[list, list]:
        """`apply`'s gradients and variables as lists of one length (`variables` None: the
        ones the optimizer was built on)."""
        grads = list(grads)
        if variables is None:
            if self._built_vars is None:
                raise ConfigError(
                    "When passing `grads` without `variables`, the optimizer must already be "
                    "built on a list of variables. Call `optimizer.build(variables)` first."
                )
            variables = self._built_vars
        variables = list(variables)
        if len(grads) != len(variables):
            raise ConfigError(
                f"Received {len(grads)} gradients for {len(variables)} variables; pass one "
                "gradient per variable, in the same order."
            )
        return grads, variables

    @staticmethod
    def _apply_constraints(segments) -> None:
        """As Keras, after each call: each variable's `constraint` projects it."""
        for seg in segments:
            for st in seg.states:
                constraint = getattr(st.var, "constraint", None)
                if constraint is not None:
                    st.var.assign(constraint(st.var.value))

    # -- moving average of the weights (use_ema) ------------------------------------------
    def _update_averages(self, segments) -> None:
        """As Keras, after each update (before constraints): average = m * average +
        (1 - m) * weight, with m = 0 on the optimizer's first step (the average starts as
        the weights); every `ema_overwrite_frequency` steps the weights become it."""
        if not self.use_ema:
            return
        step = int(self.iterations)  # (divided by gradient_accumulation_steps, as Keras)
        overwrite = bool(self.ema_overwrite_frequency) and (
            (step + 1) % self.ema_overwrite_frequency == 0
        )
        for seg in segments:
            for st in seg.states:
                value, average = st.var.value, st.average
                m = value.dtype.type(self.ema_momentum if step else 0.0)
                average *= m
                average += (value.dtype.type(1) - m) * value
                if overwrite:
                    value[...] = average

    def finalize_variable_values(self, var_list) -> None:
        """With `use_ema`, set the variables to their moving averages (`fit` does this when
        it ends, as Keras does); otherwise nothing."""
        if not self.use_ema:
            return
        for v in var_list:
            st = self._states.get(id(v))
            if st is not None:
                v.assign(st.average)

    def _ema_pairs(self) -> list:
        """`(variable, moving average array)` for every variable updated so far."""
        return [(st.var, st.average) for st in self._order] if self.use_ema else []

    def _check_grads(self, grads, variables) -> None:
        """Cast gradients to their variable's dtype (in the list) and check shapes."""
        xp = backend.xp
        for i, (g, v) in enumerate(zip(grads, variables)):
            value = getattr(v, "value", None)
            if not isinstance(value, xp.ndarray):
                self._check_var(v)
            if not isinstance(g, xp.ndarray) or g.dtype != value.dtype:
                g = grads[i] = xp.asarray(g, dtype=value.dtype)
            if g.shape != value.shape:  # (JAX: TypeError; TF: ValueError)
                raise IncompatibleShapesError(
                    f"Gradient {i} has shape {format_shape(g.shape)} but variable "
                    f"'{getattr(v, 'path', '?')}' has shape {format_shape(value.shape)}."
                )

    # -- planning ---------------------------------------------------------------------
    def _plan(self, variables, key) -> list[_Segment]:
        plan = self._plans.get(key)
        if plan is not None:
            ok = all(
                a is b
                for seg in plan
                for a, b in zip(seg.values, (s.var.value for s in seg.states))
            )
            if ok:
                return plan
        if len(set(key)) != len(key):
            dup = next(v for v in variables if key.count(id(v)) > 1)
            raise ConfigError(
                f"Variable '{getattr(dup, 'path', '?')}' appears more than once in one "
                "`apply` call; pass each variable once (sum its gradients)."
            )
        self._ensure_states(variables)
        states = [self._states[k] for k in key]
        plan = self._segment(states)
        if len(self._plans) > 64:  # models are few; stale keys come from rebuilt models
            self._plans.clear()
        self._plans[key] = plan
        return plan

    def _segment(self, states) -> list[_Segment]:
        names = self._slot_names()
        segs: list[_Segment] = []
        i = 0
        while i < len(states):
            j = i + 1
            while j < len(states) and self._contiguous(states[j - 1], states[j], names):
                j += 1
            group = states[i:j]
            if len(group) == 1:
                segs.append(self._single_segment(group[0], names))
            else:
                values = [st.var.value for st in group]
                param = flat_span(values)
                slots = [flat_span([st.slots[n] for st in group]) for n in names]
                acc = flat_span([st.acc for st in group]) if group[0].acc is not None else None
                offsets = [0]
                for v in values:
                    offsets.append(offsets[-1] + v.size)
                segs.append(_Segment(group, param, slots, acc, offsets))
            i = j
        return segs

    @staticmethod
    def _single_segment(st: _VarState, names) -> _Segment:
        value = st.var.value
        if value.flags.c_contiguous:
            param = value.reshape(-1)
            slots = [st.slots[n].reshape(-1) for n in names]
            acc = st.acc.reshape(-1) if st.acc is not None else None
        else:  # a strided view: update it N-D, unchunked
            param, slots, acc = None, [st.slots[n] for n in names], st.acc
        return _Segment([st], param, slots, acc, [0, value.size])

    @staticmethod
    def _contiguous(a: _VarState, b: _VarState, names) -> bool:
        pairs = [(a.var.value, b.var.value)] + [(a.slots[n], b.slots[n]) for n in names]
        if a.acc is not None:
            pairs.append((a.acc, b.acc))
        for x, y in pairs:
            if (
                x.dtype != y.dtype
                or not x.flags.c_contiguous
                or not y.flags.c_contiguous
                or _owner(x) is not _owner(y)
                or _data_ptr(x) + x.nbytes != _data_ptr(y)
            ):
                return False
        return True

    def _segment_grad(self, seg: _Segment, grads):
        """The segment's gradients as one 1-D array (a view when they are consecutive)."""
        if (
            seg.grads
            and len(seg.grads) == len(grads)
            and all(a is b for a, b in zip(seg.grads, grads))
        ):
            return seg.gflat
        if len(grads) == 1:
            g = grads[0]
            gflat = g.reshape(-1) if g.flags.c_contiguous else None
        else:
            gflat = flat_span(grads)
        seg.grads, seg.gflat = tuple(grads), gflat
        return gflat

    def _accumulate(self, segments, grads, steps: int, pre_scale) -> bool:
        """Add this call's gradients into the accumulators; on the update call, turn the
        accumulators into the mean gradient and return True."""
        pos = 0
        is_update = (int(self._iterations.value[()]) + 1) % steps == 0  # (the calls)
        for seg in segments:
            n = len(seg.states)
            for st, g in zip(seg.states, grads[pos : pos + n]):
                if pre_scale is not None:
                    g = g * g.dtype.type(pre_scale)
                st.acc += g
                if is_update:
                    st.acc *= st.acc.dtype.type(1.0 / steps)
            pos += n
        return is_update

    def _work_items(self, segments, grads, use_acc: bool) -> list:
        """(states, param, grad, slots, g_scale) items: whole segments where the gradients
        are flat (and norms are not clipped per variable), else one per variable."""
        items = []
        pos = 0
        per_var_clip = bool(self.clipnorm and self.clipnorm > 0)
        names = self._slot_names() if self.whole_variable_update else ()
        for seg in segments:
            n = len(seg.states)
            seg_grads = grads[pos : pos + n]
            pos += n
            if self.whole_variable_update:  # one N-D item per variable
                for st, g in zip(seg.states, seg_grads):
                    slots = [st.slots[name] for name in names]
                    items.append([[st], st.var.value, st.acc if use_acc else g, slots, None])
                continue
            if use_acc:
                gflat = seg.acc
            else:
                gflat = self._segment_grad(seg, seg_grads) if seg.param is not None else None
            if seg.param is None:  # lone strided variable
                st = seg.states[0]
                g = st.acc if use_acc else seg_grads[0]
                items.append([seg.states, st.var.value, g, seg.slots, None])
                continue
            if gflat is not None and not per_var_clip:
                items.append([seg.states, seg.param, gflat, seg.slots, None])
                continue
            for k, st in enumerate(seg.states):
                a, b = seg.offsets[k], seg.offsets[k + 1]
                if gflat is not None:
                    g = gflat[a:b]
                else:
                    g = seg_grads[k]
                    g = g.reshape(-1) if g.flags.c_contiguous else backend.xp.ravel(g)
                slots = [s[a:b] for s in seg.slots]
                items.append([[st], seg.param[a:b], g, slots, None])
        return items

    def _clip(self, items, pre_scale) -> None:
        """Fold loss-scale unscaling and norm clipping into a per-item gradient factor."""
        xp = backend.xp
        scale = 1.0 if pre_scale is None else pre_scale

        def sqnorm(g):
            g = g.reshape(-1)
            return float(xp.dot(g, g))

        if self.clipnorm and self.clipnorm > 0:
            c = float(self.clipnorm)
            for item in items:
                norm = abs(scale) * np.sqrt(sqnorm(item[2]))
                item[4] = scale * c / max(norm, c) if norm == norm else float("nan")
        elif self.global_clipnorm and self.global_clipnorm > 0:
            c = float(self.global_clipnorm)
            norm = abs(scale) * np.sqrt(sum(sqnorm(item[2]) for item in items))
            factor = c * min(1.0 / norm if norm else float("inf"), 1.0 / c)
            factor += norm - norm  # NaN for inf/NaN norms, as Keras
            for item in items:
                item[4] = scale * factor
        elif pre_scale is not None:
            for item in items:
                item[4] = scale

    def _buffers(self, dtype, n: int, shape=None):
        if shape is not None:  # strided N-D variable: unshared buffers of its shape
            xp = backend.xp
            return tuple(xp.empty(shape, dtype=dtype) for _ in range(3))
        bufs = self._scratch.get(dtype)
        if bufs is None or bufs[0].size < n:
            xp = backend.xp
            size = max(n, min(self._CHUNK, 1 << 12))
            bufs = tuple(xp.empty(size, dtype=dtype) for _ in range(3))
            self._scratch[dtype] = bufs
        return bufs

    def _run(self, p, g, slots, coeffs, g_scale, decay) -> None:
        """Run `update_step` over `p` in chunks, with the gradient transform and weight
        decay applied to each chunk while it is in cache."""
        xp = backend.xp
        clipvalue = self.clipvalue if (self.clipvalue and self.clipvalue > 0) else None
        transform = g_scale is not None or clipvalue is not None
        n = p.size
        whole = p.ndim != 1 or self.whole_variable_update
        if not transform and not whole and self.fused_step(p, g, slots, coeffs, decay):
            return
        if self.whole_variable_update:  # the shared scratch, in the variable's shape
            bufs = tuple(b[:n].reshape(p.shape) for b in self._buffers(p.dtype, n))
            chunk = max(n, 1)
        elif p.ndim != 1:  # strided N-D variable
            bufs = self._buffers(p.dtype, n, p.shape)
            chunk = max(n, 1)
        else:
            chunk = n if (xp is not np or n <= self._CHUNK) else self._CHUNK
            bufs = self._buffers(p.dtype, min(n, chunk))
        t1, t2, gbuf = bufs
        for s in range(0, n, chunk):
            e = min(s + chunk, n)
            k = e - s
            if whole:
                pc, gc, sc, scratch, gb = p, g, slots, (t1, t2), gbuf
            elif s == 0 and e == n:
                pc, gc, sc = p, g, slots
                scratch, gb = (t1[:k], t2[:k]), gbuf[:k]
            else:
                pc, gc, sc = p[s:e], g[s:e], [x[s:e] for x in slots]
                scratch, gb = (t1[:k], t2[:k]), gbuf[:k]
            if transform:
                gc = self._transformed(gc, gb, g_scale, clipvalue)
                # the transformed chunk is in cache: the fused update (and decay) runs on it
                if not whole and self.fused_step(pc, gc, sc, coeffs, decay):
                    continue
            if decay is not None:  # Keras: w - w * weight_decay * lr, same op order
                wd_term = xp.multiply(pc, decay[0], out=scratch[0])
                wd_term *= decay[1]
                pc -= wd_term
            self.update_step(pc, gc, sc, coeffs, scratch)

    @staticmethod
    def _transformed(g, out, g_scale, clipvalue):
        """`g` scaled by `g_scale` (loss-scale unscaling, norm clipping) and clipped to
        `[-clipvalue, clipvalue]`, each where given, into `out` (one fused pass, or NumPy's)."""
        dt = g.dtype.type
        scale, bound = dt(1 if g_scale is None else g_scale), dt(clipvalue or 0)
        flags = (g_scale is not None, clipvalue is not None)
        if fused.run("grad_transform", g, scale, -bound, bound, *flags, out) is not None:
            return out
        xp = backend.xp
        if g_scale is not None:
            g = xp.multiply(g, scale, out=out)
        if clipvalue is not None:
            g = xp.clip(g, -bound, bound, out=out)
        return g

    # -- misc Keras API -----------------------------------------------------------------
    def scale_loss(self, loss):
        """Multiply `loss` by `loss_scale_factor` when it is set (Keras)."""
        if self.loss_scale_factor is None:
            return loss
        return loss * self.loss_scale_factor

    # -- config -----------------------------------------------------------------------
    def _learning_rate_config(self):
        lr = self._learning_rate
        if lr is self._lr_var:
            return float(lr.value[()])
        if isinstance(lr, schedules_module.LearningRateSchedule):
            return schedules_module.serialize(lr)
        # A plain callable is not serializable; record its current value.
        return float(lr())

    def get_config(self) -> dict:
        """Keras 3 config keys, in Keras order (plus `decay` when Keras 2 decay is set)."""
        config = {
            "name": self.name,
            "learning_rate": self._learning_rate_config(),
            "weight_decay": self.weight_decay,
            "clipnorm": self.clipnorm,
            "global_clipnorm": self.global_clipnorm,
            "clipvalue": self.clipvalue,
            "use_ema": self.use_ema,
            "ema_momentum": self.ema_momentum,
            "ema_overwrite_frequency": self.ema_overwrite_frequency,
            "loss_scale_factor": self.loss_scale_factor,
            "gradient_accumulation_steps": self.gradient_accumulation_steps,
        }
        if self._decay:
            config["decay"] = self._decay
        return config

    @classmethod
    def from_config(cls, config: dict, custom_objects: dict | None = None):
        """Rebuild from `get_config()`; also reads Keras 2 configs (`lr`, `decay`, ...)."""
        config = dict(config)
        for k in _IGNORED_LEGACY_CONFIG_KEYS:
            config.pop(k, None)
        if "lr" in config and "learning_rate" not in config:  # a Keras 2 file, not user code
            config["learning_rate"] = config.pop("lr")
        if isinstance(config.get("learning_rate"), dict):
            config["learning_rate"] = schedules_module.deserialize(
                config["learning_rate"], custom_objects
            )
        return cls(**config)

    def _repr_hyperparameters(self) -> dict:
        return {k: v for k, v in self.get_config().items() if k not in _BASE_KEYS}

    def __repr__(self) -> str:
        lr = self._learning_rate
        lr_text = f"{self.learning_rate:.6g}" if lr is self._lr_var else repr(lr)
        parts = [f"name='{self.name}'", f"learning_rate={lr_text}"]
        parts += [f"{k}={v!r}" for k, v in self._repr_hyperparameters().items()]
        cfg = self.get_config()
        for k in ("weight_decay", "clipnorm", "clipvalue", "global_clipnorm"):
            if cfg[k] is not None and k not in self._repr_hyperparameters():
                parts.append(f"{k}={cfg[k]!r}")
        if self._decay:
            parts.append(f"decay={self._decay!r}")
        parts.append(f"iterations={self.iterations}")
        return f"<{type(self).__name__} {', '.join(parts)}>"


_INIT_STATE = frozenset(
    {"_order", "_states", "_protocol", "_keras3", "_k3_vars", "_learning_rate", "_lr_var"}
)

_BASE_KEYS = {
    "name",
    "learning_rate",
    "weight_decay",
    "clipnorm",
    "global_clipnorm",
    "clipvalue",
    "use_ema",
    "ema_momentum",
    "ema_overwrite_frequency",
    "loss_scale_factor",
    "gradient_accumulation_steps",
    "decay",
}
