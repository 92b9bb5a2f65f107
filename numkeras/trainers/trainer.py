"""`Trainer`: compile / fit / evaluate / predict / train_on_batch for `Model`.

The trainable rule is Keras 2's (still documented in the keras.io FAQ): `compile()`
snapshots which layers train; changing `trainable` afterwards takes effect at the
next `compile()`, and numkeras warns once, naming the layers whose flag changed.
So the classic GAN (compile D; `D.trainable = False`; compile GAN) trains D on D's
step and only G on the GAN's step, with or without the script's toggling.

Weights live as views into one flat float32 buffer per model (see `_ensure_flat`),
with gradients in a parallel flat buffer, so an optimizer update over a whole model
is a few large vector operations.
"""

from __future__ import annotations

import collections
import inspect
import itertools
import math
import time
import types
import warnings

import numpy as np

from numkeras import backend, config, shapes, tree
from numkeras.backend import heap, recycle, threads
from numkeras.callbacks.callback_list import check_callbacks
from numkeras.errors import (
    ArgumentTypeError,
    ConfigError,
    IncompatibleShapesError,
    InputTypeError,
    NotBuiltError,
    NotCompiledError,
    NumkerasWarning,
    OutputKeyError,
    ShapeError,
    UnknownNameError,
    did_you_mean,
    format_shape,
    user_stacklevel,
    warn_deprecated,
)
from numkeras.layers import autocast
from numkeras.layers.layer import layer_tree, weights_added
from numkeras.losses.loss import apply_mask, target_mismatch
from numkeras.metrics.reduction import MeanMetricWrapper
from numkeras.models import row_chunks
from numkeras.trainers import data as data_utils
from numkeras.trainers import validation_checks
from numkeras.variables import keeping_trainable_values

# Set by numkeras.autodiff while a GradientTape records (else None: one check per call).
_tape_hook = None


class Trainer:
    def __init__(self):
        self.optimizer = None
        self.loss = None  # (compile's `loss`, as given)
        self.compiled = False
        self.stop_training = False
        self.history = None
        self._run_eagerly = False
        self._jit_compile = False
        self._steps_per_execution = 1
        # Keras 3's compiled step functions; here `make_*_function` sets them (one batch each)
        self.train_function = self.test_function = self.predict_function = None
        self._flat_ready = False
        self._train_vars_cache = None
        self._stateful_cache = None
        self._loss_fns = None
        self._compiled_metrics = None
        self._loss_sum, self._loss_count, self._output_loss_sums = 0.0, 0, None
        self._workspaces: dict = {}

    # -- how compile runs the steps (Keras 3's attributes) -----------------------------------
    @property
    def run_eagerly(self) -> bool:
        """compile's `run_eagerly` (numkeras always runs eagerly; Keras's flag is kept as
        set, for code and configs that read it)."""
        return self._run_eagerly

    @run_eagerly.setter
    def run_eagerly(self, value: bool) -> None:
        self._run_eagerly = bool(value)

    @property
    def jit_compile(self) -> bool:
        """compile's `jit_compile`: False for `"auto"` (numkeras compiles nothing, as Keras
        resolves "auto" on torch or a CPU-only TensorFlow), else as given; always False with
        `run_eagerly`, as in Keras."""
        return self._jit_compile

    @jit_compile.setter
    def jit_compile(self, value) -> None:
        self._jit_compile = value is True or (value != "auto" and bool(value))

    @property
    def steps_per_execution(self) -> int:
        """compile's `steps_per_execution`: the batch callbacks see one call per that many
        batches; settable between calls, as in Keras."""
        return self._steps_per_execution

    @steps_per_execution.setter
    def steps_per_execution(self, value: int) -> None:
        self._steps_per_execution = _check_steps_per_execution(value)

    def make_train_function(self, force: bool = False):
        """`train_function`: one `train_step` on one batch `data` (`x`, `(x, y)` or
        `(x, y, sample_weight)`), returning its logs. Keras 3 compiles its step here;
        numkeras has nothing to compile, so this only sets and returns the function."""
        if self.train_function is None or force:
            self.train_function = self.train_step
        return self.train_function

    def make_test_function(self, force: bool = False):
        """`test_function`: one `test_step` on one batch (see `make_train_function`)."""
        if self.test_function is None or force:
            self.test_function = self.test_step
        return self.test_function

    def make_predict_function(self, force: bool = False):
        """`predict_function`: one `predict_step` on one batch (see `make_train_function`)."""
        if self.predict_function is None or force:
            self.predict_function = self.predict_step
        return self.predict_function

    # -- compile ------------------------------------------------------------------
    def compile(
        self,
        optimizer="rmsprop",
        loss=None,
        loss_weights=None,
        metrics=None,
        weighted_metrics=None,
        run_eagerly: bool = False,
        steps_per_execution: int = 1,
        jit_compile="auto",
        auto_scale_loss: bool = True,
        **kwargs,
    ) -> None:
        """Configure training; snapshot which layers are trainable (Keras 2's rule)."""
        from numkeras import optimizers

        _keras2_compile_arguments(kwargs)
        if metrics is None and _metrics_like(loss_weights):
            # Keras 2's third positional argument is `metrics` (`compile("adam", "mse",
            # ["mae"])`, as tf_keras takes it); Keras 3's is `loss_weights`, numbers only
            metrics, loss_weights = loss_weights, None
            warn_deprecated(
                "`compile(optimizer, loss, [metrics])`: the third positional argument is "
                "`loss_weights` in Keras 3; pass `metrics=` by keyword."
            )
        if kwargs:
            raise TypeError(f"compile() got unexpected keyword arguments: {sorted(kwargs)}")
        # the optimizer and the form of `metrics` are checked now, as Keras 3 does; a bad
        # loss or metric name, or a loss for an output the model lacks, is found when
        # training or evaluation starts (Keras 3 looks them up then), with the same error
        if isinstance(optimizer, type):
            raise ConfigError(
                f"`optimizer` must be an optimizer instance or name, received the class "
                f"{optimizer.__name__}; pass an instance, e.g. optimizer={optimizer.__name__}()."
            )
        opt = optimizers.get(optimizer)
        spe = _check_steps_per_execution(steps_per_execution)
        # Keras 3 keeps an earlier compile's metrics when neither metrics nor
        # weighted_metrics are given (the compile config records the arguments as given).
        # It keeps its loss too when no loss is given; numkeras does not: a second
        # compile(optimizer=...) trains on the added losses alone, as the keras.io
        # subclassing guide says (tests/examples/test_keras_io_guides.py)
        given = {"loss": loss, "loss_weights": loss_weights, "metrics": metrics}
        given["weighted_metrics"] = weighted_metrics
        keep = getattr(self, "compiled", False) and metrics is None and weighted_metrics is None
        if keep:
            metrics, weighted_metrics = self._metric_spec, self._weighted_metric_spec
        for key, value in (("metrics", metrics), ("weighted_metrics", weighted_metrics)):
            if value is not None and not isinstance(value, (list, tuple, dict)):
                raise ConfigError(
                    f"`{key}` must be a list (or a dict by output), received {value!r}; e.g. "
                    f"{key}=['accuracy']."
                )
        if not (
            loss_weights is None
            or isinstance(loss_weights, (list, tuple, dict))
            or (
                isinstance(loss_weights, (int, float, np.number))
                and not isinstance(loss_weights, bool)
            )
        ):
            raise ConfigError(
                "`loss_weights` must be a number, a list with one weight per output or a dict "
                f"by output name, received {loss_weights!r}."
            )
        deferred = None
        try:
            resolved = _resolve_loss_names(loss)
            _check_metric_names(metrics, weighted_metrics)
        except ConfigError as err:
            resolved, deferred = None, err
        per_output = None
        if self._graph_ready and deferred is None:
            try:
                per_output = self._resolve_losses(resolved, loss_weights)
                self._check_metric_outputs(metrics, weighted_metrics)
            except ConfigError:
                per_output = None  # raised again when training starts, as in Keras
        # (as Keras 3; its compile config keeps the optimizer given: `_scaled_by_compile`)
        self._scaled_by_compile = (
            auto_scale_loss
            and self._policy_name == "mixed_float16"
            and opt is not None
            and not isinstance(opt, optimizers.LossScaleOptimizer)
        )
        if self._scaled_by_compile:
            opt = optimizers.LossScaleOptimizer(opt, name="loss_scale_optimizer")
        self.optimizer = opt
        self.loss = loss
        self._compile_args = given
        self._resolved_loss = resolved
        self._loss_weights_spec = loss_weights
        self._metric_spec = metrics
        self._weighted_metric_spec = weighted_metrics
        self._compile_error = deferred
        if not keep:  # (kept ones keep their state; new ones resolve on the first batch)
            self._compiled_metrics = None
        # a fresh loss tracker, per-output trackers built by the next step (as Keras 3's)
        self._loss_sum, self._loss_count, self._output_loss_sums = 0.0, 0, None
        self._output_losses_built = False
        self._steps_per_execution = spe
        if run_eagerly and jit_compile is True:
            warnings.warn(
                "If `run_eagerly` is True, then `jit_compile` cannot also be True. "
                "Disabling `jit_compile`.",
                stacklevel=2,
            )
        self.jit_compile = False if run_eagerly else jit_compile
        self.run_eagerly = run_eagerly
        self.stop_training = False  # (as Keras 3's compile)
        # (the compile config records these as compiled, whatever is set later, as Keras's)
        self._compiled_run_flags = {
            "run_eagerly": self.run_eagerly,
            "steps_per_execution": spe,
            "jit_compile": self.jit_compile,
        }
        self.train_function = self.test_function = self.predict_function = None
        self._keras_peeks = True  # Keras 3 peeks at a batch before the next fit / evaluate
        self._compiled_flags = {id(layer): (layer, layer.trainable) for layer in layer_tree(self)}
        self._train_vars_cache = None
        self._warned_drift = set()
        self._warned_nothing = False
        self.compiled = True
        self._loss_fns, self._loss_weights = per_output or (None, None)

    def _take_peek(self) -> bool:
        """Whether this fit / evaluate is the first since compile() (or since a batch
        method): Keras 3 then takes one batch of a fresh pass to build its step, which uses
        up one shuffle (and runs a PyDataset's epoch hooks); the data sources repeat that
        (`data.ArrayEpochs` / `StreamEpochs` `peeked=`), so shuffled runs match Keras's."""
        peek = getattr(self, "_keras_peeks", True)
        self._keras_peeks = False
        return peek

    def _refuse_uncompiled(self, method: str) -> None:
        """Raise NotCompiledError unless compiled, or the error compile() deferred: before
        a deferred model is built for the data, so that the failed call leaves it unbuilt
        (as Keras 3 checks first)."""
        if not self.compiled:
            raise NotCompiledError(
                f"You must call `compile()` before using the model in `{method}()`, e.g. "
                "model.compile(optimizer='adam', loss='mse')."
            )
        if getattr(self, "_compile_error", None) is not None:  # (an unknown name given to
            # compile, which Keras 3 meets at the first step: raised before any building)
            raise self._compile_error.with_traceback(None)

    def _assert_compiled(self, method: str, build_optimizer: bool = True) -> None:
        """Raise unless compiled and built; set up the losses, and (`build_optimizer`)
        the optimizer. fit / evaluate / *_on_batch build it only once their data are
        checked (`_build_optimizer`), so that a refused call leaves it unbuilt, as Keras."""
        self._refuse_uncompiled(method)
        if not self._graph_ready:
            raise NotCompiledError(f"Model '{self.name}' is not built yet; call it on data first.")
        if getattr(self, "_compile_error", None) is not None:  # (found at compile)
            raise self._compile_error.with_traceback(None)
        if getattr(self, "_loss_fns", None) is None:
            self._setup_losses()
        if build_optimizer:
            self._build_optimizer()

    def _check_before_build(
        self, x, y=None, sample_weight=None, batch_size=None, steps=None, name="steps"
    ) -> None:
        """The checks a deferred model needs no graph for, made before it is built on `x`
        (as Keras's data adapter makes them first), so that a refused call leaves it
        unbuilt: the batch size and steps, the dtypes of y and sample_weight, and the rows
        of x, y and sample_weight."""
        if self._graph_ready:
            return
        data_utils.batch_size_for(1, batch_size, steps, name)

        def rows(v) -> list:
            return [len(a) for a in tree.flatten(v) if getattr(a, "ndim", 0) >= 1]

        def arrays(v) -> list:
            return [a for a in tree.flatten(v) if getattr(a, "ndim", 0) >= 1]

        for a in tree.flatten([y, sample_weight]):  # (text targets: InputTypeError)
            if getattr(a, "dtype", None) is not None and a.dtype.kind not in "fiub":
                backend.cast_input(a)
        x_rows = rows(x)
        if len(set(x_rows)) == 1:
            for other, v in (("y", y), ("sample_weight", sample_weight)):
                for a in arrays(v):
                    data_utils.check_same_length(x_rows[0], len(a), other, a.shape)

    def _build_optimizer(self) -> None:
        if self.optimizer is not None and not self.optimizer.built:
            # Keras 3 builds the optimizer before the first fit / evaluate / *_on_batch
            # (its slots exist after an evaluate, and are saved with the model)
            self.optimizer.build(self._trained_variables())

    def _setup_losses(self) -> None:
        self._loss_fns, self._loss_weights = self._resolve_losses(
            self._resolved_loss, self._loss_weights_spec
        )
        self._check_metric_outputs(self._metric_spec, self._weighted_metric_spec)

    def _check_metric_outputs(self, *specs) -> None:
        """compile's metric dicts name only outputs the model has (Keras 3: ValueError
        when training starts; numkeras would silently compute nothing for them)."""
        for spec in map(self._flat_in_output_nesting, specs):
            keys = self._output_keys()
            unknown = [k for k in spec if k not in keys] if isinstance(spec, dict) else []
            if unknown:
                raise ConfigError(
                    f"compile(metrics={{...}}) names output(s) {unknown} that model "
                    f"'{self.name}' does not have; its outputs are {self._output_keys()}."
                )

    def _resolve_losses(self, resolved, lw) -> tuple[list, list]:
        """One loss (or None) and one weight per output, from compile's arguments."""
        names = self._output_keys()
        n = len(names)
        resolved, lw = self._flat_in_output_nesting(resolved), self._flat_in_output_nesting(lw)
        if resolved is None:
            fns = [None] * n
        elif isinstance(resolved, dict):
            unknown = [k for k in resolved if k not in names]
            if unknown:
                # (Keras 3: KeyError for a model with dict outputs, ValueError otherwise)
                error = OutputKeyError if self._output_names is not None else ConfigError
                raise error(
                    f"compile(loss=...) names output(s) {unknown} that model '{self.name}' "
                    f"does not have; its outputs are {names}."
                )
            fns = [resolved.get(k) for k in names]
        elif isinstance(resolved, list):
            if len(resolved) != n:
                # (Keras 3: KeyError for a list too long; one too short trains only the
                # first outputs, silently, where numkeras refuses)
                error = OutputKeyError if len(resolved) > n else ConfigError
                raise error(
                    f"compile(loss=[...]) has {len(resolved)} entries, but model '{self.name}' "
                    f"has {n} output(s): {names}. Pass one loss per output (None for an "
                    "output that should not train), or a dict by output name."
                )
            fns = list(resolved)
        else:
            fns = [resolved] * n
        nested = [f for f in fns if isinstance(f, (list, tuple, dict))]
        if nested:
            raise ConfigError(
                f"compile(loss=...) nests {nested[0]!r} where model '{self.name}' has one "
                f"output; its outputs are {names}."
            )
        if lw is None:
            weights = [1.0] * n
        elif isinstance(lw, (int, float, np.number)) and not isinstance(lw, bool):
            # one number weighs every output's loss (Keras 3 takes a float; an int too here)
            weights = [float(lw)] * n
        else:
            weights = self._weights_by_loss(resolved, lw, names)
        # (a None weight counts as 1.0, as in Keras 3)
        return fns, [1.0 if w is None else float(w) for w in weights]

    def _weights_by_loss(self, resolved, lw, names: list) -> list:
        """A list or dict of loss weights as one weight per output. Keras 3 pairs them with
        the losses as given (a dict of losses: its keys, None values too; a list: each
        entry), so there must be as many (ValueError); a list then weighs the dict's
        outputs in order, the outputs without a loss weigh 1.0. A dict naming an output
        the model lacks, or one without a loss, is refused (Keras pairs such a dict's
        values with the losses by sorted key, silently)."""
        given = [k for k in names if k in resolved] if isinstance(resolved, dict) else names
        if isinstance(lw, dict):
            if any(k not in given for k in lw) or len(lw) != len(given):
                raise ConfigError(
                    f"compile(loss_weights={{...}}) names {list(lw)}, but the losses are for "
                    f"{given}: give one weight per loss, by the same output names (Keras 3 "
                    "wants as many weights as losses)."
                )
            by_name = lw
        else:
            if len(lw) != len(given):
                raise ConfigError(
                    f"compile(loss_weights=[...]) has {len(lw)} entries, but there are "
                    f"{len(given)} losses (for {given}): give one weight per loss."
                )
            by_name = dict(zip(given, lw))
        return [by_name.get(k, 1.0) for k in names]

    # -- the trainable snapshot ------------------------------------------------------------
    def _trained_variables(self) -> list:
        """The variables this model's compile snapshot trains (Keras 2's rule)."""
        if self._train_vars_cache is None:
            flags = self._compiled_flags
            out, seen = [], set()

            def walk(layer, on: bool):
                on = on and (flags[id(layer)][1] if id(layer) in flags else layer.trainable)
                for v in layer._own_variables:
                    # (the variable's own flag: its layer's, mirrored on it, may have
                    # changed since compile, which the snapshot's `on` already decides)
                    if on and v._trainable and id(v) not in seen:
                        seen.add(id(v))
                        out.append(v)
                for sub in layer._sublayers():
                    walk(sub, on)

            walk(self, True)
            self._train_vars_cache = out
        return self._train_vars_cache

    def _check_trainable_drift(self) -> None:
        changed = []
        for layer, flag in self._compiled_flags.values():
            if layer.trainable != flag:
                changed.append((layer, flag))
        if not changed:
            return
        key = tuple(sorted((la.name, f) for la, f in changed))
        if key in self._warned_drift:
            return
        self._warned_drift.add(key)
        shown = [la for la, _ in changed if not _has_changed_ancestor(la, changed)]
        desc = ", ".join(
            f"'{la.name}' (trainable={flag} at compile, now {la.trainable})"
            for la, flag in ((la, self._compiled_flags[id(la)][1]) for la in shown)
        )
        warnings.warn(
            f"Model '{self.name}': the trainable flag of layer(s) {desc} changed after "
            "compile(). numkeras keeps the trainable state of compile time (Keras 2's rule, "
            "documented in the keras.io FAQ), so this training step ignores the change; "
            "call compile() again to apply it.",
            NumkerasWarning,
            stacklevel=user_stacklevel(),
        )

    # -- flat weight and gradient buffers -------------------------------------------------
    def _ensure_flat(self) -> None:
        """Move this model's weights into one flat buffer (views), once; weights already
        in another model's buffer (a shared sub-model) stay where they are. Weights a
        layer added since (LoRA's factors) get buffers of their own, and are trained."""
        added = weights_added()
        if self._flat_ready and self.__dict__.get("_weights_seen") == added:
            return
        if self._flat_ready:  # (a new weight: which ones train is worked out again)
            self._train_vars_cache = None
        self._weights_seen = added
        xp = backend.xp
        for layer in self._sublayers():  # nested models first: one buffer each
            if isinstance(layer, Trainer) and layer._graph_ready:
                layer._ensure_flat()
        fresh = [v for v in self.weights if getattr(v, "_flat", None) is None]
        by_dtype: dict = {}
        for v in fresh:
            by_dtype.setdefault(str(v.dtype), []).append(v)
        for dtype, group in by_dtype.items():
            total = sum(v.size for v in group)
            params = xp.empty(total, dtype)
            grads = xp.zeros(total, dtype)
            offset = 0
            for v in group:
                n = v.size
                v._rebind(params[offset : offset + n].reshape(v.shape))
                v._flat = (params, offset, n)
                v._grad_view = grads[offset : offset + n].reshape(v.shape)
                offset += n
        self._all_vars = self.weights
        self._flat_ready = True

    def _start_grads(self, train_vars: list) -> None:
        for v in self._all_vars:
            v.start_grad(None)
        for v in train_vars:
            v.start_grad(v._grad_view)

    # -- one training step ---------------------------------------------------------------
    def _train_step(self, xs: list, ys: list, sws: list, record) -> None:
        """Forward, loss, backward, update. Inputs are already checked. Layer state that
        a step changes besides the weights (BatchNormalization's moving statistics) is
        committed only once the update is done, so a failed step changes nothing.
        `record(total, per_output, outs, masks)` (the loss tracker and the metrics) runs
        before the update: a metric that fails on the batch fails it with the weights
        unchanged, as in Keras (its predictions are the same before the update)."""
        train_vars = self._trained_variables()
        stateful = self._stateful_layers()
        for layer in stateful:
            layer.discard_updates()
        self._start_grads(train_vars)
        activity: list = []
        masks = [] if self._masked else None  # the outputs' masks (Keras 3's _keras_mask)
        outs, caches = self._forward_all(xs, training=True, penalties=activity, out_masks=masks)
        total, per_output, gouts = self._losses_and_grads(ys, outs, sws, True, masks)
        total += sum(activity)
        if train_vars:
            scale = self.optimizer.loss_scale_factor
            # Keras's step scales the loss, which `apply` undoes. Scaled after the backward
            # pass (the same products), except where float16 gradients must see the scale
            # to overflow as Keras's do (a mixed_float16 graph)
            scale_first = scale is not None and self._autocasting
            if scale_first:
                gouts = [None if g is None else g * g.dtype.type(scale) for g in gouts]
            self._backward(caches, gouts, need_input_grads=False)
            for v in train_vars:
                if v._grad_fresh:  # not reached by backward: zero gradient
                    v.grad[...] = 0
                    v._grad_fresh = False
            total += _penalties(train_vars, with_grads=True, scale=scale if scale_first else 1)
            if scale is not None and not scale_first:
                for v in train_vars:
                    v.grad *= v.grad.dtype.type(scale)
        record(total, per_output, outs, masks)
        if train_vars:
            self.optimizer.apply([v.grad for v in train_vars], train_vars)
        for v in train_vars:
            v.grad = None
        for layer in stateful:
            layer.commit_updates()

    def _recorder(self, xs: list, ys: list, sws: list, rows: int, reset: bool = False):
        """The `record` of `_train_step` for one batch: the metrics built for its outputs
        (first batch), reset with `reset` (train_on_batch's `reset_metrics`), then the loss
        tracker and the metrics updated."""

        def record(total, per_output, outs, masks) -> None:
            self._ensure_metrics(ys, outs)
            if reset:
                self.reset_metrics()
            self._track_loss(total, per_output, rows)
            self._record_metrics(xs, ys, sws, outs, masks)

        return record

    def _penalty(self) -> float:
        """The trainable weights' penalties, which Keras adds to the loss evaluation reports
        as to the one training minimises (`model.losses`); the weights do not change while
        evaluating, so once per evaluation."""
        return _penalties(self.trainable_weights, with_grads=False)

    def _stateful_layers(self) -> list:
        """The layers (this model's, nested ones' included) with per-step state updates."""
        if self._stateful_cache is None:
            held = layer_tree(self)[1:]
            self._stateful_cache = [la for la in held if hasattr(la, "commit_updates")]
        return self._stateful_cache

    def _forward_all(self, xs: list, training: bool, penalties: list | None = None, out_masks=None):
        caches: list = [None] * len(self._steps)
        workspace = self._workspace("train")
        outs = self._run(xs, training, caches, workspace, penalties, out_masks=out_masks)
        return self._for_losses(outs), caches

    def _for_losses(self, outs: list) -> list:
        """The outputs as the losses and metrics take them: float16 ones (a mixed_float16
        model's) as float32, as Keras's losses cast them."""
        if not self._autocasting:
            return outs
        return [o.astype(np.float32) if autocast.is_half(o) else o for o in outs]

    def _workspace(self, purpose: str) -> dict:
        """Reusable buffers for one purpose; the outputs of such runs never escape."""
        return self._workspaces.setdefault(purpose, {})

    def _borrow_workspace(self, purpose: str) -> dict:
        """`_workspace(purpose)` taken out of the model until the caller puts it back
        (`self._workspaces[purpose] = workspace`): a second thread predicting with this
        model at the same time, or a callback's nested call, gets fresh buffers instead of
        writing into the ones in use (`dict.pop` is atomic)."""
        return self._workspaces.pop(purpose, None) or {}

    def _losses_and_grads(self, ys, outs, sws, with_grads: bool, masks=None):
        """The weighted total loss, each output's loss, and (`with_grads`) each output's
        gradient; `masks`: the outputs' masks (None: none), left out of the losses."""
        total = 0.0
        per_output = []
        gouts = []
        for k, (fn, w, y, out, sw) in enumerate(
            zip(self._loss_fns, self._loss_weights, ys, outs, sws)
        ):
            if fn is None or y is None:
                per_output.append(None)
                gouts.append(None)
                continue
            masked = {"mask": masks[k]} if masks and masks[k] is not None else {}
            if with_grads:
                value, g = fn.value_and_grad(y, out, sample_weight=sw, **masked)
                if w != 1.0:
                    g = g * backend.xp.float32(w)
                gouts.append(g)
            else:
                value = fn(y, out, sample_weight=sw, **masked)
                if getattr(value, "ndim", 0):  # reduction=None: Keras's loss tracker averages
                    value = value.mean(dtype=np.float64)
            value = float(value)
            per_output.append(value)
            total += w * value
        return total, per_output, gouts

    # -- standardizing data -------------------------------------------------------------
    def _standardize_targets(self, y, n_rows: int | None, out_shapes: list | None = None) -> list:
        """`y` as a list with one checked target array per output (None: no target),
        checked against `out_shapes` (default: the graph's output shapes)."""
        names = self._output_keys()
        n = len(names)
        y = self._flat_in_output_nesting(y)
        if y is None:
            if any(fn is not None for fn in self._loss_fns):
                raise ValueError(
                    f"Model '{self.name}' was compiled with a loss, so it needs targets `y`."
                )
            return [None] * n
        if isinstance(y, dict):
            unknown = [k for k in y if k not in names]
            if unknown:
                raise ShapeError(
                    f"Targets name output(s) {unknown} that model '{self.name}' does not have; "
                    f"its outputs are {names}."
                )
            ys = [y.get(k) for k in names]
            missing = [k for k, t, fn in zip(names, ys, self._loss_fns) if t is None and fn]
            if missing:  # (Keras: ValueError) training would silently skip those losses
                raise ShapeError(
                    f"Targets for output(s) {missing} of model '{self.name}' are missing, but "
                    f"it was compiled with a loss for them; the targets given are {list(y)}."
                )
        elif n == 1:
            ys = (
                [y[0]]
                if isinstance(y, (list, tuple)) and len(y) == 1 and hasattr(y[0], "shape")
                else [y]
            )
        elif (only_with_losses := self._targets_of_losses(y, n)) is not None:
            ys = only_with_losses
        else:
            if not isinstance(y, (list, tuple)) or len(y) != n:
                # (Keras 3: KeyError for a list too short, ValueError otherwise)
                short = isinstance(y, (list, tuple)) and len(y) < n
                raise (OutputKeyError if short else ShapeError)(
                    f"Model '{self.name}' has {n} outputs ({names}); pass one target array per "
                    "output, as a list in that order or a dict by output name."
                )
            ys = list(y)
        if out_shapes is None:
            out_shapes = [t.shape for t in self._outputs_list]
        checked = []
        for fn, yy, shape, name in zip(self._loss_fns, ys, out_shapes, names):
            if yy is None:
                checked.append(None)
                continue
            if fn is None:
                checked.append(backend.xp.asarray(yy))
                continue
            if n_rows is not None:
                rows = len(yy) if hasattr(yy, "__len__") else None
                if rows is not None:
                    data_utils.check_same_length(
                        n_rows, rows, "y" if n == 1 else f"y['{name}']", getattr(yy, "shape", None)
                    )
            if getattr(yy, "ndim", None) == 0:  # (a loss function broadcasts one number;
                # the targets of fit and *_on_batch are one a sample)
                pred_shape = (n_rows, *shape[1:])
                message = fn._mismatch_message((), pred_shape)
                raise target_mismatch(message, (), pred_shape)
            try:
                yy = fn.check_targets(yy, (n_rows, *shape[1:]))
            except ShapeError as err:
                raise _same_rank_mismatch(err, yy, shape) from None
            checked.append(yy)
        return checked

    def _targets_of_losses(self, y, n: int) -> list | None:
        """Keras 3's targets for only the outputs compiled with a loss (`loss=[fn, None]`
        and one `y` array, keras.io's miniature GPT), in order, as one target per output
        (None for the others); None where `y` is not that."""
        given = list(y) if isinstance(y, (list, tuple)) else [y]
        with_loss = [i for i, fn in enumerate((self._loss_fns or [])[:n]) if fn is not None]
        if len(given) == n or not 0 < len(with_loss) == len(given):
            return None
        ys = [None] * n
        for i, target in zip(with_loss, given):
            ys[i] = target
        return ys

    def _output_shapes_for(self, xs: list) -> list | None:
        """The outputs' shapes for the checked inputs `xs` when their sizes differ from the
        declared ones (a `Sequential` model runs on other sizes), else None."""
        declared = [(None, *t.shape[1:]) for t in self._inputs_list]
        if all(shapes.compatible(d, a.shape) for d, a in zip(declared, xs)):
            return None
        out = self._output_shapes([tuple(a.shape) for a in xs])
        return out if isinstance(out, list) else [out]

    def _standardize_sample_weights(self, sample_weight, n_rows: int) -> list:
        n = len(self._outputs_list)
        sample_weight = self._flat_in_output_nesting(sample_weight)
        if sample_weight is None:
            return [None] * n
        if isinstance(sample_weight, dict):
            keys = list(self._output_keys())
            unknown = [k for k in sample_weight if k not in keys]
            if unknown:  # (their weights would be ignored silently)
                raise OutputKeyError(
                    f"sample_weight names output(s) {unknown} that model '{self.name}' does "
                    f"not have; its outputs are {keys}."
                )
            sws = [sample_weight.get(k) for k in keys]
        elif isinstance(sample_weight, (list, tuple)) and n > 1:
            sws = list(sample_weight)
            if len(sws) != n:  # (zip would drop the extra ones silently; Keras: ValueError)
                raise ShapeError(
                    f"Model '{self.name}' has {n} outputs ({self._output_keys()}); pass one "
                    f"`sample_weight` array per output, not a list of {len(sws)}."
                )
        elif (
            isinstance(sample_weight, (list, tuple))
            and len(sample_weight) == 1
            and np.ndim(sample_weight[0]) >= 1
        ):  # one output's weights in a list, unwrapped as Keras unwraps `y=[y]`
            sws = [sample_weight[0]]
        else:
            sws = [sample_weight] * n
        out = []
        for sw in sws:
            if sw is None:
                out.append(None)
                continue
            dtype = sw.dtype if hasattr(sw, "dtype") else np.asarray(sw).dtype
            if dtype.kind not in "fiub":  # (NumPy would parse '0.5' text)
                raise InputTypeError(f"sample_weight must be numbers; got dtype {dtype}.")
            sw = backend.xp.asarray(sw, dtype="float32")
            if sw.ndim == 0:  # (Keras refuses a scalar too)
                raise ShapeError(
                    f"sample_weight needs one weight per sample, shape ({n_rows},); received "
                    f"the scalar {float(sw)!r}. For one weight everywhere, pass "
                    f"np.full({n_rows}, {float(sw)!r}), or scale the loss instead."
                )
            data_utils.check_same_length(n_rows, len(sw), "sample_weight", sw.shape)
            out.append(sw)
        return out

    def _prepare_for_fit(self, x, y, sample_weight=None, class_weight=None):
        """`_prepare` for fit's batches; for a subclass's own `train_step` the arrays as
        given (floats as float32), unchecked, as Keras hands that step its batches
        (keras.io's metric learning feeds `(2, classes, h, w, c)` anchor / positive pairs
        to an image model and calls it on each half)."""
        own_step = type(self).train_step is not Trainer.train_step
        if not own_step or class_weight is not None or isinstance(x, dict) or isinstance(y, dict):
            return self._prepare(x, y, sample_weight, class_weight)

        def given(structure) -> list:
            if structure is None:
                return []
            flat = list(structure) if isinstance(structure, (list, tuple)) else [structure]
            out = []
            for a in flat:
                a = a if isinstance(a, backend.xp.ndarray) else np.asarray(a)
                out.append(a.astype("float32") if a.dtype == np.float64 else a)
            return out

        xs = given(x)
        n = data_utils.num_samples(xs)
        return xs, given(y), given(sample_weight), n

    def _prepare(self, x, y, sample_weight=None, class_weight=None):
        try:
            xs = self._standardize_inputs(x)
        except ShapeError as e:
            if not self._swapped(x, y):
                raise
            given = [
                format_shape(np.shape(a)) for a in (y if isinstance(y, (list, tuple)) else [y])
            ]
            raise type(e)(
                f"{e}\n  Fix: x and y look swapped: y (shapes {', '.join(given)}) fits the "
                "model's inputs, and x its outputs; pass the inputs first (x, then y)."
            ) from None
        n = data_utils.num_samples(xs)
        ys = self._standardize_targets(y, n, self._output_shapes_for(xs))
        if class_weight is not None:
            if sample_weight is not None:
                raise ValueError(
                    "Arguments `sample_weight` and `class_weight` cannot be specified at the "
                    "same time."
                )
            if len(ys) != 1:
                raise ValueError("`class_weight` is only supported for single-output models.")
            sample_weight = data_utils.class_weight_to_sample_weight(ys[0], class_weight)
        sws = self._standardize_sample_weights(sample_weight, n)
        return xs, ys, sws, n

    def _swapped(self, x, y) -> bool:
        """Whether `x` and `y` would pass as the model's targets and inputs (given swapped;
        an autoencoder's wrong `x` does not fit its outputs)."""
        if y is None or isinstance(y, dict):
            return False
        try:
            ys = self._standardize_inputs(y)
            n = data_utils.num_samples(ys)
            self._standardize_targets(x, n, self._output_shapes_for(ys))
        except Exception:  # noqa: BLE001 - (any refusal: not a swap)
            return False
        return True

    # -- metrics ---------------------------------------------------------------------------
    def _ensure_metrics(self, ys, outs) -> None:
        if self._compiled_metrics is not None:
            return
        from numkeras import metrics as metrics_module

        names = self._output_keys()
        multi = len(names) > 1
        built = []
        seen: dict[str, int] = {}  # label -> uses so far (Keras's unique_name_counters)
        for weighted, spec in ((False, self._metric_spec), (True, self._weighted_metric_spec)):
            if spec is None:
                continue
            spec = self._flat_in_output_nesting(spec)
            for i, name in enumerate(names):
                specs = _metric_specs_for_output(spec, name, i, len(names))
                for s in specs:
                    m = metrics_module.resolve(
                        s,
                        self._loss_fns[i],
                        tuple(ys[i].shape) if ys[i] is not None else None,
                        tuple(outs[i].shape),
                    )
                    # (outputs Keras knows no names for: the metrics' own names)
                    prefix = f"{name}_" if multi and not self._outputs_unnamed() else ""
                    label = _unique_label(prefix, m.name, weighted, seen)
                    built.append((i, weighted, label, m))
        self._compiled_metrics = built

    def _record_metrics(self, xs, ys, sws, outs, masks=None) -> None:
        """Update the metrics with one batch: the compiled ones, or through a subclass's
        own `compute_metrics` (keras.io's pattern), whose returned logs `_logs` reports,
        as Keras 3's built-in steps return them."""
        if type(self).compute_metrics is Trainer.compute_metrics:
            self._update_metrics(ys, outs, sws, masks)
            return
        x, y, sw = data_utils.unpack_x_y_sample_weight(self._user_batch(xs, ys, sws))
        y_pred = self._structure_outputs(list(outs))
        self._custom_logs = _pythonify_logs(self.compute_metrics(x, y, y_pred, sw))

    def _update_metrics(self, ys, outs, sws, masks=None) -> None:
        for i, weighted, _, m in self._compiled_metrics:
            if ys[i] is None:
                continue
            sw = sws[i] if weighted else None
            if masks and masks[i] is not None and isinstance(m, MeanMetricWrapper):
                # as Keras 3's MeanMetricWrapper: the output's mask joins the weights
                sw = apply_mask(sw, masks[i], m.dtype, "sum")
            m.update_state(ys[i], outs[i], sample_weight=sw)

    def reset_metrics(self) -> None:
        self._loss_sum = 0.0
        self._loss_count = 0
        self._output_loss_sums = None
        self._custom_logs = None
        for _, _, _, m in self._compiled_metrics or []:
            m.reset_state()
        # (the metrics it holds as attributes, found once per fit / evaluate / batch call)
        self._held_metrics_found = self._held_metrics()
        for m in self._held_metrics_found:
            m.reset_state()
        if type(self).metrics is not Trainer.metrics:  # a subclass lists its own (keras.io)
            for m in self.metrics:
                m.reset_state()

    def _track_loss(self, total: float, per_output: list, rows: int) -> None:
        self._loss_sum += total * rows
        self._loss_count += rows
        # per-output losses are logged when more than one output has a loss (Keras 3)
        if sum(v is not None for v in per_output) > 1:
            self._output_losses_built = True  # (their trackers exist from now on: Keras's)
            if self._output_loss_sums is None:
                self._output_loss_sums = [None if v is None else 0.0 for v in per_output]
            for i, v in enumerate(per_output):
                if v is not None:
                    self._output_loss_sums[i] += v * rows

    def _logs(self) -> dict:
        """The logs of the batches so far, sorted by name (as Keras 3's): what a subclass's
        own `compute_metrics` last returned, else the loss and every metric's value."""
        custom = self.__dict__.get("_custom_logs")
        return dict(sorted(custom.items())) if custom is not None else self._metric_logs()

    def _metric_logs(self) -> dict:
        rounded = _log_value
        logs = {}
        if self._loss_count:
            logs["loss"] = rounded(self._loss_sum / self._loss_count)
            if self._output_loss_sums is not None:
                for key, s in zip(self._output_loss_keys(), self._output_loss_sums):
                    if s is not None:
                        logs[key] = rounded(s / self._loss_count)
        for _, _, label, m in self._compiled_metrics or []:
            result = m.result()
            if isinstance(result, dict):  # a metric may report several values (Keras)
                logs.update({k: rounded(v) for k, v in result.items()})
            else:
                logs[label] = rounded(result)
        for m in self.__dict__.get("_held_metrics_found", ()):
            result = m.result()
            if isinstance(result, dict):
                logs.update({k: rounded(v) for k, v in result.items()})
            else:
                logs[m.name] = rounded(result)
        return dict(sorted(logs.items()))

    @property
    def metrics(self) -> list:
        """Keras 3's `model.metrics`: once compiled, the loss tracker, the compiled metrics
        as one `compile_metrics` container (when there are any) and, for a model with
        several losses, one tracker per output loss (`numkeras/trainers/metric_views.py`);
        then, compiled or not, the metrics the model and its layers hold as attributes
        (not those of nested models, which are trainers of their own)."""
        if not self.compiled:
            return self._held_metrics()
        from numkeras.trainers.metric_views import CompileMetrics, LossTracker

        views = [LossTracker(self)]
        if self._metric_spec is not None or self._weighted_metric_spec is not None:
            views.append(CompileMetrics(self))
        # (a model never traced has set up no per-output losses: `_eager_compute_loss`)
        if sum(fn is not None for fn in self._loss_fns or ()) > 1:
            keys = self._output_loss_keys()
            views += [
                LossTracker(self, keys[i], i)
                for i in self._loss_output_order()
                if self._loss_fns[i] is not None
            ]
        return views + self._held_metrics()

    # -- Keras 3's TensorFlow-backend shims for tf.keras code (keras.io's metric learning) --
    @property
    def compiled_metrics(self):
        """Deprecated (as in Keras 3 on TensorFlow, where it is a shim): an object whose
        `update_state(y, y_pred, sample_weight=None)` updates every metric in `metrics`,
        the loss tracker and other `Mean`s with `y_pred` itself, as that shim does."""
        model = self

        class DeprecatedCompiledMetric:
            def update_state(_, y, y_pred, sample_weight=None):
                return model._compiled_metrics_update_state(y, y_pred, sample_weight)

        return DeprecatedCompiledMetric()

    def _compiled_metrics_update_state(self, y, y_pred, sample_weight=None) -> None:
        from numkeras.metrics import Mean
        from numkeras.trainers.metric_views import LossTracker

        warnings.warn(
            "`model.compiled_metrics()` is deprecated. Instead, use e.g.:\n```\n"
            "for metric in self.metrics:\n    metric.update_state(y, y_pred)\n```\n",
            stacklevel=2,
        )
        for metric in self.metrics:
            if isinstance(metric, LossTracker):  # (Keras's is a Mean: a weight per row)
                values = backend.to_numpy(y_pred)
                weight = sample_weight
                if weight is None and values.ndim:
                    weight = np.ones(len(values), "float32")
                metric.update_state(values, sample_weight=weight)
            elif isinstance(metric, Mean):
                metric.update_state(y_pred, sample_weight=sample_weight)
            else:
                metric.update_state(y, y_pred, sample_weight=sample_weight)

    def compiled_loss(self, y, y_pred, sample_weight=None, regularization_losses=None):
        """Deprecated (a Keras 3 shim on TensorFlow): `compute_loss(None, y, y_pred,
        sample_weight)`."""
        warnings.warn(
            "`model.compiled_loss()` is deprecated. Instead, use "
            "`model.compute_loss(x, y, y_pred, sample_weight, training)`.",
            stacklevel=2,
        )
        return self.compute_loss(x=None, y=y, y_pred=y_pred, sample_weight=sample_weight)

    def _held_metrics(self) -> list:
        """The metrics this model holds as attributes, then, for each layer nested in it
        (not nested models), in Keras 3's order, that layer's `metrics`, less the compiled
        ones. As in Keras, a layer inside a layer lists its metrics twice, once through its
        holder's `metrics` (the logs show each once)."""
        from numkeras.layers.layer import held_metrics, metrics_may_be_held

        if not metrics_may_be_held():
            return []
        # (numkeras's own models hold none, but for the Distiller's loss trackers)
        own = type(self).__module__.startswith("numkeras.models")
        found = [] if own else held_metrics(self)
        queue, seen = collections.deque(self._sublayers()), set()
        while queue:  # (Keras's `_flatten_layers`: each layer's sublayers next, reversed)
            layer = queue.popleft()
            if id(layer) in seen:
                continue
            seen.add(id(layer))
            if not isinstance(layer, Trainer):
                found += layer.metrics
            queue.extendleft(layer._sublayers())
        compiled = {id(m) for _, _, _, m in self.__dict__.get("_compiled_metrics") or ()}
        # (and those given to compile, before a first batch builds them: compile's metric
        # list is an attribute too; keras.io's GAT lists `metrics` in its first step)
        for spec in (self.__dict__.get("_metric_spec"), self.__dict__.get("_weighted_metric_spec")):
            if isinstance(spec, (list, tuple, dict)):
                compiled.update(id(m) for m in tree.flatten(spec))
        return [m for m in found if id(m) not in compiled]

    @property
    def metrics_names(self) -> list[str]:
        """The names of what `evaluate` / `train_on_batch` return, in that order (the
        Keras 2 meaning, so `dict(zip(model.metrics_names, scores))` works; Keras 3 says
        `["loss", "compile_metrics"]` here). Empty before `compile`, as in Keras."""
        if not self.compiled:
            return []
        sums = getattr(self, "_output_loss_sums", None)
        keys = ["loss"]
        if sums is not None:
            keys += [k for k, s in zip(self._output_loss_keys(), sums) if s is not None]
        keys += [label for _, _, label, _ in self._compiled_metrics or []]
        keys += [m.name for m in self._held_metrics()]
        return self._keras_order(keys)

    def _loss_output_order(self) -> list[int]:
        """The outputs' indices in the order Keras 3 tracks their losses: a `loss` dict's
        own key order (`compile(loss={"c": ..., "a": ...})` logs `c_loss` before `a_loss`
        in `evaluate`'s list), else the outputs' order."""
        names = list(self._output_keys())
        given = (
            [names.index(k) for k in self.loss if k in names] if isinstance(self.loss, dict) else []
        )
        given = self._output_user_order(self.loss) or given
        return given + [i for i in range(len(names)) if i not in given]

    def _output_loss_keys(self) -> list[str]:
        """Each output's loss log key, `<output name>_loss`. Two outputs of one nested
        model share its name: the second is `<name>_1_loss` (Keras 3 logs one
        `<name>_loss` for both, whose value appears twice in `evaluate`'s list; Keras 2
        named them apart), so each output's loss is logged and returned."""
        counts: dict[str, int] = {}
        keys = []
        for name in self._output_log_names():
            n = counts[name] = counts.get(name, -1) + 1
            keys.append(f"{name}_loss" if n == 0 else f"{name}_{n}_loss")
        return keys

    def _metrics_for_every_output(self) -> bool:
        """Whether the compiled metrics are Keras 2's one list for every output of a
        multi-output model (`metrics=["accuracy"]`), not Keras 3's per-output spelling."""
        n, given = len(self._output_keys()), False
        for spec in (self._metric_spec, self._weighted_metric_spec):
            if spec is None:
                continue
            spec = self._flat_in_output_nesting(spec)
            if not isinstance(spec, (list, tuple)) or len(spec) == n:
                return False
            given = True
        return given

    def _keras_order(self, keys) -> list[str]:
        """`keys` (log names) in the order of Keras 3's `_flatten_metrics_in_order`: the
        loss, each compiled metric whose own name is its log key (a single output's
        metrics, in compile order), the per-output losses, then the rest sorted (so a
        multi-output model's `a_mae`, `b_AUC`, `b_accuracy` come sorted, after the
        losses). Keras lists a name twice when two metrics share it (`["mae", "mae"]`
        returns `mae`'s value twice and `mae_1` last); numkeras lists each key once."""
        keys = set(keys)
        order = ["loss"]
        order += [m.name for _, _, _, m in self._compiled_metrics or []]
        if len(self._output_keys()) > 1:
            loss_keys = self._output_loss_keys()
            order += [loss_keys[i] for i in self._loss_output_order()]
            if self._metrics_for_every_output():
                # Keras 2's spelling, which Keras 3 refuses, in Keras 2's order: each
                # output's metrics, then its weighted metrics, output by output (the
                # 2017 ACGAN reads `d_loss[3]` as the validity's accuracy, where sorting
                # puts `dense_10_accuracy` before `dense_9_accuracy`)
                built = self._compiled_metrics or []
                order += [label for _, _, label, _ in sorted(built, key=lambda t: t[:2])]
        order += [m.name for m in self._held_metrics()]
        names = []
        for k in order:
            if k in keys and k not in names:
                names.append(k)
        return names + sorted(k for k in keys if k not in names)

    def _ordered(self, logs: dict, return_dict: bool):
        if return_dict:
            return logs
        if not self._compiled_metrics and len(self._loss_fns or ()) == 1 and set(logs) <= {"loss"}:
            return logs.get("loss", 0.0)
        if type(self).metrics is not Trainer.metrics:  # a subclass's own list (keras.io)
            names = [m.name for m in self.metrics]
            values = [logs[k] for k in names if k in logs]
            values += [logs[k] for k in sorted(logs) if k not in names]  # e.g. a dict result's
        else:
            values = [logs[k] for k in self._keras_order(logs)]
        return values[0] if len(values) == 1 else values  # one value alone is a scalar

    def _callback_list(self, callbacks, verbose, steps, epochs: int = 1, **kwargs):
        """The callbacks of one fit / evaluate / predict, with a progress bar if verbose;
        their `params["verbose"]` is `verbose` as given ("auto" stays "auto", as in Keras)."""
        from numkeras.callbacks import CallbackList

        return CallbackList(
            callbacks,
            add_progbar=_verbose(verbose) != 0,
            model=self,
            verbose=verbose,
            epochs=epochs,
            steps=steps,
            **kwargs,
        )

    def reset_states(self) -> None:
        """Keras 2's `model.reset_states()`: every stateful recurrent layer's states back
        to zeros (Keras 3 spells it per layer, `layer.reset_states()`)."""
        for layer in layer_tree(self)[1:]:
            if getattr(layer, "stateful", False):
                layer.reset_state()

    def compute_loss(self, x=None, y=None, y_pred=None, sample_weight=None, training=True):
        """Keras 3's `compute_loss`: the compiled loss of `y_pred` against `y` plus
        `model.losses` (the weight penalties, and the activity penalties of the last direct
        call), as a float32 scalar. Without `y_pred`, the model is called on `x` first.
        Inside a `numkeras.GradientTape` it is recorded, so a custom `train_step` can take
        its gradient (`tape.gradient(loss, self.trainable_variables)`), as in Keras.

        >>> import numpy as np
        >>> from numkeras.layers import Dense, Input
        >>> from numkeras.models import Sequential
        >>> model = Sequential([Input((2,)), Dense(1, kernel_initializer="ones")])
        >>> model.compile(optimizer="sgd", loss="mse")
        >>> float(model.compute_loss(y=np.zeros((2, 1)), y_pred=np.array([[1.0], [3.0]])))
        5.0
        """
        if y_pred is not None and not self._graph_ready and self.compiled:
            eager = self._eager_compute_loss(y, y_pred, sample_weight)
            if eager is not None:
                return eager
        if _tape_hook is not None:  # a GradientTape records the loss (numkeras.autodiff)
            recorded = _tape_hook(self, x, y, y_pred, sample_weight, training)
            if recorded is not NotImplemented:
                return recorded
        self._assert_compiled("compute_loss")
        if y_pred is None:
            if x is None:
                raise ValueError("`compute_loss` needs `y_pred`, or `x` to compute it from.")
            y_pred = self(x, training=training)
        masks = self._prediction_masks(y_pred)
        outs = self._prediction_list(y_pred)
        ys = self._standardize_targets(y, len(outs[0]))
        sws = self._standardize_sample_weights(sample_weight, len(outs[0]))
        total, _, _ = self._losses_and_grads(ys, outs, sws, False, masks)
        return np.float32(total + sum(float(v) for v in self.losses))

    def _eager_compute_loss(self, y, y_pred, sample_weight):
        """`compute_loss` of a model never traced into a graph (a subclassed model whose
        own steps run its call eagerly, keras.io's graph attention network): compile's one
        loss on the one prediction given, plus `model.losses`, as Keras's compiled loss
        builds itself on the first `y_pred` it sees; with ops, so a tape records it. None
        where compile named several losses or `y_pred` is a structure (not supported)."""
        from numkeras import losses, ops

        resolved = self._resolved_loss
        if resolved is None or isinstance(resolved, (list, tuple, dict)):
            return None
        if isinstance(y_pred, (list, tuple, dict)):
            return None
        loss = losses.get(resolved)
        if not isinstance(loss, losses.Loss):
            loss = losses.LossFunctionWrapper(loss)
        total = loss(y, y_pred, sample_weight=sample_weight)
        for value in self.losses:
            total = total + ops.cast(value, total.dtype)
        return total

    def stateless_compute_loss(
        self,
        trainable_variables,
        non_trainable_variables,
        metrics_variables,
        x=None,
        y=None,
        y_pred=None,
        sample_weight=None,
        training=True,
    ) -> tuple:
        """Keras 3's `compute_loss` on values, for a JAX-style loop: the model's variables
        read as the values given (one per `trainable_variables`, `non_trainable_variables`,
        `metrics_variables`); returns `(loss, (trainable, non_trainable, metrics values))`,
        the last two as the computation left them, and changes no variable."""
        from numkeras.backend.stateless_scope import StatelessScope

        own_metrics = self.metrics_variables  # (read once: the loss tracker's are views)
        mapping = [
            *zip(self.trainable_variables, trainable_variables),
            *zip(self.non_trainable_variables, non_trainable_variables),
            *zip(own_metrics, metrics_variables),
        ]
        with StatelessScope(state_mapping=mapping) as scope:
            loss = self.compute_loss(x, y, y_pred, sample_weight=sample_weight, training=training)
        return loss, (
            trainable_variables,
            [scope.get_current_value(v) for v in self.non_trainable_variables],
            [scope.get_current_value(v) for v in own_metrics],
        )

    def compute_metrics(self, x, y, y_pred, sample_weight=None) -> dict:
        """Keras 3's `compute_metrics`: update the compiled metrics with this batch and
        return every current value by name (the loss too, once a step has tracked it)."""
        self._assert_compiled("compute_metrics")
        masks = self._prediction_masks(y_pred)
        outs = self._prediction_list(y_pred)
        ys = self._standardize_targets(y, len(outs[0]))
        sws = self._standardize_sample_weights(sample_weight, len(outs[0]))
        self._ensure_metrics(ys, outs)
        self._update_metrics(ys, outs, sws, masks)
        return self.get_metrics_result()

    def _prediction_masks(self, y_pred) -> list | None:
        """The masks of `y_pred`'s arrays that a direct call recorded (`model(x)` of a
        masked model), one per output, as Keras reads `y_pred._keras_mask`; None if none."""
        from numkeras.layers.layer import get_array_mask

        masks = [get_array_mask(p) for p in self._per_output(y_pred)]
        return masks if any(m is not None for m in masks) else None

    def _per_output(self, y_pred) -> list:
        """`y_pred` (an array, a list, or a dict by output name) as one entry per output,
        in `output_names` order (None for an output a dict lacks)."""
        names = self._output_keys()
        if isinstance(y_pred, dict):
            return [y_pred.get(k) for k in names]
        if not isinstance(y_pred, (list, tuple)) or len(names) == 1:
            return [y_pred]
        return list(y_pred)

    def _prediction_list(self, y_pred) -> list:
        """`y_pred` (an array, a list, or a dict by output name) as one float array per
        output, in `output_names` order."""
        names = self._output_keys()
        if isinstance(y_pred, dict):
            missing = [k for k in names if k not in y_pred]
            if missing:
                raise ShapeError(f"`y_pred` lacks output(s) {missing} of model '{self.name}'.")
            y_pred = [y_pred[k] for k in names]
        elif not isinstance(y_pred, (list, tuple)) or len(names) == 1:
            y_pred = [y_pred]
        if len(y_pred) != len(names):
            raise ShapeError(
                f"Model '{self.name}' has {len(names)} output(s) but `y_pred` holds {len(y_pred)}."
            )
        return [backend.xp.asarray(p, dtype=backend.floatx()) for p in y_pred]

    def get_metrics_result(self) -> dict:
        """The current loss and metric values by name (Keras 3's `get_metrics_result`), in
        the order of `model.metrics`: the loss, the compiled metrics as compiled, then the
        per-output losses (fit's and evaluate's logs come sorted by name instead). A
        subclass with its own `metrics` list gets those metrics' results, as in Keras."""
        if type(self).metrics is not Trainer.metrics:
            found: dict = {}
            for m in self.metrics:
                result = m.result()
                found.update(result if isinstance(result, dict) else {m.name: result})
            return found
        if (
            self.compiled
            and self._compiled_metrics is None
            and (self._metric_spec is not None or self._weighted_metric_spec is not None)
        ):  # (Keras 3's compiled metrics are built by the first step that runs them)
            raise NotBuiltError("Cannot get result() since the metric has not yet been built.")
        logs = self._metric_logs()
        order = ["loss"]
        for _, _, label, m in self._compiled_metrics or []:
            result = m.result()
            order += list(result) if isinstance(result, dict) else [label]
        keys = self._output_loss_keys()
        order += [keys[i] for i in self._loss_output_order()]
        if self.compiled:  # reset trackers read 0.0, as Keras's Mean metrics do
            logs.setdefault("loss", 0.0)
            if self.__dict__.get("_output_losses_built"):
                for i in self._loss_output_order():
                    if self._loss_fns[i] is not None:
                        logs.setdefault(keys[i], 0.0)
        ordered = {k: logs[k] for k in order if k in logs}
        ordered.update((k, v) for k, v in logs.items() if k not in ordered)
        return ordered

    def get_compile_config(self) -> dict:
        """What `compile` was given, serialized as Keras saves it; `{}` if not compiled (as
        Keras 3's)."""
        from numkeras.models.config import compile_config

        return compile_config(self)

    def compile_from_config(self, config: dict) -> None:
        """`compile` with the arguments of a `get_compile_config()` (Keras 3's method); a
        built model's optimizer variables are created at once, as Keras does (a compiled
        model's `clone_model` shows them in its summary)."""
        from numkeras import optimizers
        from numkeras.models.config import compile_args_from_config

        args = compile_args_from_config(config)
        # (no optimizer saved: compile's default, as Keras's `self.compile(**config)`)
        self.compile(optimizer=optimizers.get(config.get("optimizer", "rmsprop")), **args)
        if self.built and self.optimizer is not None:
            self.optimizer.build(self.trainable_weights)

    # -- the per-batch steps a subclass may override (Keras 3's) --------------------------
    def train_step(self, data) -> dict:
        """One training step on one batch, as `fit` runs it: `data` is `x`, `(x, y)` or
        `(x, y, sample_weight)`; returns the logs (the running loss and metrics).

        A subclass may override it, as in Keras 3; `fit` then calls the override on each
        batch and logs what it returns (nested dicts flattened, values as floats). An
        override can call `super().train_step(data)`, sub-models' `train_on_batch`,
        `self(x, training=True)`, `self.compute_loss(...)` and the `self.metrics`, and take
        gradients with `numkeras.GradientTape` where Keras's backends use `tf.GradientTape`,
        `jax.grad` or `loss.backward()`: `grads = tape.gradient(loss, weights)`, then
        `self.optimizer.apply_gradients(zip(grads, weights))`. A model with such a step and
        no `call` (keras.io's GAN) needs no graph: `fit` hands it the batches as given.
        """
        if self._overrides_compute_loss():
            return self._own_loss_step(data, training=True)
        x, y, sample_weight = data_utils.unpack_x_y_sample_weight(data)
        xs, ys, sws, n = self._prepare(x, y, sample_weight)
        self._ensure_flat()  # (fit has; a direct call, or `train_function`'s, may not have)
        self._train_step(xs, ys, sws, self._recorder(xs, ys, sws, n))
        return self._logs()

    def test_step(self, data) -> dict:
        """One evaluation step on one batch (`evaluate`, and `fit`'s validation); returns
        the logs. Overridable as `train_step` is."""
        if self._overrides_compute_loss():
            return self._own_loss_step(data, training=False)
        x, y, sample_weight = data_utils.unpack_x_y_sample_weight(data)
        xs, ys, sws, n = self._prepare(x, y, sample_weight)
        self._test_batch(xs, ys, sws, self._penalty())
        return self._logs()

    def predict_step(self, data):
        """The outputs for one batch (`predict`); overridable as `train_step` is."""
        x, _, _ = data_utils.unpack_x_y_sample_weight(data)
        return self._structure_outputs(
            [backend.to_numpy(o) for o in self._run(self._standardize_inputs(x), training=False)]
        )

    def _execution_steps(self) -> int:
        """compile's `steps_per_execution`: the batch callbacks of fit and evaluate see one
        call per that many batches, as in Keras (the batches still train one by one)."""
        return getattr(self, "_steps_per_execution", 1)

    def _step_driven(self) -> bool:
        """A model whose own `train_step` drives `fit` and that has nothing to build: no
        graph and no `call` (keras.io's GAN, holding its sub-models as attributes), or a
        `call` that cannot take the data fit is given (see `_raw_steps_for`)."""
        if self._graph_ready:
            return False
        if self.__dict__.get("_raw_steps"):
            return True
        return self._overrides("train_step") and not self._has_own_call()

    def _raw_steps_for(self, x, batch_size, step: str) -> bool:
        """Whether a subclassed model's own `step` (`train_step` / `test_step`) takes `x`'s
        batches as they are because its `call` cannot be traced on them: keras.io's graph
        attention network fits on node indices while its call takes the whole graph.
        Keras hands its steps the batches unchecked; numkeras traces a subclassed model's
        call on the first batch, and where that fails runs the steps eagerly on the raw
        batches instead (each `self(...)` inside runs the call as it is)."""
        if self.__dict__.get("_raw_steps") and not self._graph_ready:
            return True
        if not (self._is_subclassed() and self._overrides(step)):
            return False
        if data_utils.is_batch_stream(x):
            return False
        try:
            self._require_graph_or_build(x, batch_size or 32)
        except NotImplementedError:
            self.__dict__["_raw_steps"] = True
            return True
        return False

    def _raw_epochs(self, x, y, sample_weight, batch_size, shuffle, steps):
        """`(source, steps, pack)`: batches of `x` / `y` / `sample_weight` as given (any
        nesting of arrays, or a batch stream), for a step-driven model, whose data nothing
        checks; `pack(batch)` gives what `train_step` receives."""
        if data_utils.is_batch_stream(x):
            if y is not None or sample_weight is not None:
                raise ValueError("A batch stream yields its own targets: do not pass `y`.")
            source = data_utils.StreamEpochs(x, lambda *b: b, steps, shuffle=bool(shuffle))
            count = steps or data_utils.stream_length(x)
            return source, count, lambda b: data_utils.pack_x_y_sample_weight(*b)
        structures = [x, y, sample_weight]

        def array(a):  # (arrays already on the GPU, CuPy's, stay there)
            return a if isinstance(a, backend.xp.ndarray) else np.asarray(a)

        parts = [[] if s is None else [array(a) for a in tree.flatten(s)] for s in structures]
        flat = [a for part in parts for a in part]
        rows = data_utils.num_samples(flat)
        if rows == 0:
            raise ShapeError("fit() received 0 samples; there is nothing to train on.")
        size = data_utils.batch_size_for(rows, batch_size, steps)
        source = data_utils.ArrayEpochs([flat], size, shuffle, steps)

        def pack(batch):
            (arrays,) = batch
            packed, start = [], 0
            for structure, part in zip(structures, parts):
                chunk = arrays[start : start + len(part)]
                packed.append(
                    None if structure is None else tree.pack_sequence_as(structure, chunk)
                )
                start += len(part)
            return data_utils.pack_x_y_sample_weight(*packed)

        return source, source.steps, pack

    def _fit_step_driven(
        self,
        x,
        y,
        sample_weight,
        batch_size,
        epochs,
        verbose,
        callbacks,
        shuffle,
        initial_epoch,
        steps_per_epoch,
        validation_data,
        validation_freq,
    ):
        """`fit` for a step-driven model: its `train_step` on each raw batch, the logs it
        returns logged; validation through its own `test_step`."""
        if not self.compiled:
            raise NotCompiledError(
                f"You must call `compile()` before using model '{self.name}' in `fit()`."
            )
        source, steps, pack = self._raw_epochs(
            x, y, sample_weight, batch_size, shuffle, steps_per_epoch
        )
        if validation_data is not None:  # (before the first step: a refused fit changes nothing)
            vx, vy, vs = _unpack_validation(validation_data)[:3]
            validation_checks.check_validation_freq(validation_freq)
            self._refuse_without_test_step("validate", "pass `validation_data`")
        callback_list = self._callback_list(callbacks, verbose, steps, epochs, add_history=True)

        def validate() -> dict:
            return self._evaluate_step_driven(vx, vy, vs, batch_size, callback_list)

        epoch_logs = self._run_epochs(
            source,
            lambda batch: _pythonify_logs(self.train_step(pack(batch))),
            callback_list, initial_epoch, epochs, validation_freq,
            None if validation_data is None else validate,
        )  # fmt: skip
        callback_list.on_train_end(epoch_logs)
        return self.history

    def _refuse_without_test_step(self, purpose: str, fix: str) -> None:
        """A step-driven model (no `call`) evaluates only through its own `test_step`."""
        if not self._overrides("test_step"):
            raise NotImplementedError(
                f"Model '{self.name}' has no `call` to {purpose} with: override `test_step` "
                f"(as its `train_step`) to {fix}."
            )

    def _evaluate_step_driven(self, x, y, sample_weight, batch_size, callback_list, steps=None):
        """Evaluation of a step-driven model: its own `test_step` on each raw batch."""
        self._refuse_without_test_step("evaluate", "evaluate it")
        source, _, pack = self._raw_epochs(x, y, sample_weight, batch_size, False, steps)
        self.reset_metrics()
        logs: dict = {}
        callback_list.on_test_begin()
        self.stop_evaluating = False
        for step, batch in enumerate(source.epoch()):
            callback_list.on_test_batch_begin(step)
            logs = _pythonify_logs(self.test_step(pack(batch)))
            callback_list.on_test_batch_end(step, logs)
            if self.stop_evaluating:
                break
        callback_list.on_test_end(logs)
        return logs

    def _overrides(self, step: str) -> bool:
        """Whether this model's class overrides `train_step` / `test_step` / `predict_step`
        (an own `compute_loss` counts for the first two: the built-in steps must call it)."""
        if step != "predict_step" and self._overrides_compute_loss():
            return True
        return getattr(type(self), step) is not getattr(Trainer, step)

    def _overrides_compute_loss(self) -> bool:
        return type(self).compute_loss is not Trainer.compute_loss

    def _own_loss_step(self, data, training: bool) -> dict:
        """Keras 3's built-in train / test step around a subclass's own `compute_loss`
        (keras.io's knowledge distillation): the loss it returns is differentiated with
        respect to every trainable weight (a `GradientTape`), then tracked as `loss`, and
        the compiled metrics see `y_pred`."""
        import inspect

        from numkeras.autodiff.tape import GradientTape

        x, y, sample_weight = data_utils.unpack_x_y_sample_weight(data)
        # (as Keras, `training` is passed only to an override that takes it)
        takes_training = "training" in inspect.signature(self.compute_loss).parameters
        extra = {"training": training} if takes_training else {}
        if training:
            weights = self.trainable_weights
            with GradientTape() as tape:
                y_pred = self(x, training=True)
                loss = self.compute_loss(x, y, y_pred, sample_weight, **extra)
            grads = tape.gradient(loss, weights)
            pairs = [(g, w) for g, w in zip(grads, weights) if g is not None]
            if pairs:
                self.optimizer.apply_gradients(pairs)
        else:
            y_pred = self(x, training=False)
            loss = self.compute_loss(x, y, y_pred, sample_weight, **extra)
        rows = data_utils.num_samples([np.asarray(a) for a in tree.flatten(x)])
        self._track_loss(float(np.asarray(loss)), [], rows)
        return self.compute_metrics(x, y, y_pred, sample_weight)

    def _user_batch(self, bx: list, by=None, bs=None):
        """A prepared batch in the form a step receives it: one array per input (a list for
        several), packed as `x`, `(x, y)` or `(x, y, sample_weight)`."""

        def user(arrays):
            if arrays is None or all(a is None for a in arrays):
                return None
            return arrays[0] if len(arrays) == 1 else list(arrays)

        return data_utils.pack_x_y_sample_weight(user(bx), user(by), user(bs))

    def _test_batch(self, bx, by, bs, penalty: float, outs=None) -> None:
        """Evaluate one prepared batch into the running loss and metrics; `outs`: its
        outputs, already computed (`_ahead_outputs`), else the model runs on `bx`."""
        activity: list = []
        masks = [] if self._masked else None
        if outs is None:
            outs = self._run(
                bx, False, workspace=self._workspace("eval"), penalties=activity, out_masks=masks
            )
        outs = self._for_losses(outs)
        total, per_output, _ = self._losses_and_grads(by, outs, bs, False, masks)
        total += penalty + sum(activity)
        self._ensure_metrics(by, outs)
        self._track_loss(total, per_output, len(bx[0]))
        self._record_metrics(bx, by, bs, outs, masks)

    # -- public training API ---------------------------------------------------------------
    def train_on_batch(
        self,
        x,
        y=None,
        sample_weight=None,
        class_weight=None,
        return_dict: bool = False,
        *,
        reset_metrics: bool = True,
    ):
        """One gradient update on one batch; returns the loss (and metrics) of that batch,
        or, with Keras 2's `reset_metrics=False`, of it and the batches since the last
        reset (tf_keras's running values)."""
        self._refuse_uncompiled("train_on_batch")
        sample_weight = _weight_per_row(x, sample_weight)
        self._check_before_build(x, y, sample_weight)
        self._require_graph_or_build(x, batch_size=None)  # x is the batch
        self._assert_compiled("train_on_batch", build_optimizer=False)
        self._ensure_flat()
        heap.keep_freed_memory()  # (steps free and reallocate their temporaries)
        xs, ys, sws, n = self._prepare(x, y, sample_weight, class_weight)
        self._build_optimizer()
        self._keras_peeks = False
        self._check_trainable_drift()
        self._warn_if_nothing_to_train()
        if self._overrides("train_step"):  # the subclass's own step, as Keras runs it
            if reset_metrics:
                self.reset_metrics()
            logs = _pythonify_logs(self.train_step(self._user_batch(xs, ys, sws)))
            return self._ordered(logs, return_dict)
        self._train_step(xs, ys, sws, self._recorder(xs, ys, sws, n, reset_metrics))
        return self._ordered(self._logs(), return_dict)

    @keeping_trainable_values
    def test_on_batch(
        self,
        x,
        y=None,
        sample_weight=None,
        return_dict: bool = False,
        *,
        reset_metrics: bool = True,
    ):
        """The loss (and metrics) on one batch, without updating weights (with Keras 2's
        `reset_metrics=False`, running on from the batches before, as tf_keras)."""
        self._refuse_uncompiled("test_on_batch")
        sample_weight = _weight_per_row(x, sample_weight)
        self._check_before_build(x, y, sample_weight)
        self._require_graph_or_build(x, batch_size=None)  # x is the batch
        self._assert_compiled("test_on_batch", build_optimizer=False)
        xs, ys, sws, _ = self._prepare(x, y, sample_weight)
        self._build_optimizer()
        self._keras_peeks = False
        if reset_metrics:  # (metrics not built yet are built fresh by the batch)
            self.reset_metrics()
        if self._overrides("test_step"):
            logs = _pythonify_logs(self.test_step(self._user_batch(xs, ys, sws)))
            return self._ordered(logs, return_dict)
        self._test_batch(xs, ys, sws, self._penalty())
        return self._ordered(self._logs(), return_dict)

    # -- saving (numkeras/saving) ----------------------------------------------------------
    def save(self, filepath, overwrite: bool = True, zipped: bool | None = None, **kwargs) -> None:
        """Save the architecture, weights and compile arguments: `.keras` (Keras 3's format;
        `zipped=False`: its entries in a folder) or `.h5` (Keras 2's). Written atomically.
        Needs h5py. Keras 2's `include_optimizer` / `save_format` are taken as Keras 3
        takes them; another keyword is refused (see `numkeras.saving.save_model`)."""
        from numkeras.saving import save_model

        save_model(self, filepath, overwrite=overwrite, zipped=zipped, **kwargs)

    def save_weights(self, filepath, overwrite: bool = True, max_shard_size=None) -> None:
        """Save the weights to a `.weights.h5` file (Keras 3's layout), with a compiled
        model's optimizer state as Keras does; with `max_shard_size` (gigabytes), into
        shard files indexed by a `.weights.json` file, as Keras 3. Needs h5py."""
        from numkeras.saving import save_weights

        save_weights(self, filepath, overwrite=overwrite, max_shard_size=max_shard_size)

    def load_weights(self, filepath, skip_mismatch: bool = False, **kwargs) -> None:
        """Load weights from a `.weights.h5`, `.weights.json` (sharded), `.keras` or Keras 2
        `.h5` file; all or nothing (a file that does not fit the model raises before any
        weight changes) unless `skip_mismatch=True`; `by_name=True` for Keras 2 `.h5` files (see
        `numkeras.saving.load_weights`)."""
        from numkeras.saving import load_weights

        self._ensure_built_for_loading()
        load_weights(self, filepath, skip_mismatch=skip_mismatch, **kwargs)

    def _ensure_built_for_loading(self) -> None:
        if not self._graph_ready:
            raise NotCompiledError(
                f"Model '{self.name}' has no weights yet: build it (give it an Input, or call "
                "it on data) before loading weights."
            )

    # -- Keras 2's generator methods (removed in Keras 3, where fit / evaluate / predict take
    # generators): kept so 2017-2019 scripts run. The generator runs in this process:
    # max_queue_size, workers and use_multiprocessing have nothing to set.
    def fit_generator(
        self,
        generator,
        steps_per_epoch: int | None = None,
        epochs: int = 1,
        verbose=1,
        callbacks=None,
        validation_data=None,
        validation_steps: int | None = None,
        validation_freq: int | list[int] = 1,
        class_weight=None,
        max_queue_size: int = 10,
        workers: int = 1,
        use_multiprocessing: bool = False,
        shuffle: bool = True,
        initial_epoch: int = 0,
    ):
        """Keras 2's `fit_generator`: `fit(generator, ...)`, with one deprecation note."""
        warn_deprecated(
            "`model.fit_generator(...)` is a Keras 2 spelling; use `model.fit(generator, ...)`, "
            "which takes generators."
        )
        if class_weight is not None and isinstance(generator, types.GeneratorType):
            # Keras 2 weighed a generator's batches by class (Keras 3's fit refuses a
            # generator with class_weight): an iterator of its batches is weighed
            generator = iter(generator.__next__, object())
        return self.fit(
            generator,
            steps_per_epoch=steps_per_epoch,
            epochs=epochs,
            verbose=verbose,
            callbacks=callbacks,
            validation_data=validation_data,
            validation_steps=validation_steps,
            validation_freq=validation_freq,
            class_weight=class_weight,
            shuffle=shuffle,
            initial_epoch=initial_epoch,
        )

    def evaluate_generator(
        self,
        generator,
        steps: int | None = None,
        callbacks=None,
        max_queue_size: int = 10,
        workers: int = 1,
        use_multiprocessing: bool = False,
        verbose=0,
    ):
        """Keras 2's `evaluate_generator`: `evaluate(generator, ...)`, with one note."""
        warn_deprecated(
            "`model.evaluate_generator(...)` is a Keras 2 spelling; use "
            "`model.evaluate(generator, ...)`."
        )
        return self.evaluate(generator, steps=steps, callbacks=callbacks, verbose=verbose)

    def predict_generator(
        self,
        generator,
        steps: int | None = None,
        callbacks=None,
        max_queue_size: int = 10,
        workers: int = 1,
        use_multiprocessing: bool = False,
        verbose=0,
    ):
        """Keras 2's `predict_generator`: `predict(generator, ...)`, with one note."""
        warn_deprecated(
            "`model.predict_generator(...)` is a Keras 2 spelling; use "
            "`model.predict(generator, ...)`."
        )
        return self.predict(generator, steps=steps, callbacks=callbacks, verbose=verbose)

    @keeping_trainable_values
    def predict_on_batch(self, x):
        """Outputs for one batch (no batching, no callbacks)."""
        self._require_graph_or_build(x, batch_size=None)  # x is the batch
        xs = self._standardize_inputs(x)
        if self._overrides("predict_step"):
            out = self.predict_step(self._user_batch(xs))
            return tree.map_structure(backend.to_numpy, out)
        outs = self._run(xs, training=False)
        return self._structure_outputs(self._as_declared([backend.to_numpy(o) for o in outs]))

    def _warn_if_nothing_to_train(self) -> None:
        if self._trained_variables() or self._warned_nothing:
            return
        self._warned_nothing = True
        warnings.warn(
            f"Model '{self.name}' has no trainable weights in its compile() snapshot, so "
            "train_on_batch/fit compute the loss but change no weight. If you meant to train "
            "it, set `trainable = True` on its layers and call compile() again.",
            NumkerasWarning,
            stacklevel=user_stacklevel(),
        )

    def fit(
        self,
        x=None,
        y=None,
        batch_size: int | None = None,
        epochs: int = 1,
        verbose="auto",
        callbacks=None,
        validation_split: float = 0.0,
        validation_data=None,
        shuffle=True,
        class_weight=None,
        sample_weight=None,
        initial_epoch: int = 0,
        steps_per_epoch: int | None = None,
        validation_steps: int | None = None,
        validation_batch_size: int | None = None,
        validation_freq: int | list[int] = 1,
        *,
        nb_epoch: int | None = None,
        **loader,
    ):
        """Train for `epochs` epochs; returns a `History`.

        `x` is array data (with `y`), or a batch stream (a generator, an iterator, or a
        PyDataset-like object) yielding `(x, y)` / `(x, y, sample_weight)` batches; a
        stream's batches are used as they come (no `batch_size`, no shuffling).
        `nb_epoch` is Keras 1's name for `epochs` (one deprecation note); Keras 2's
        `max_queue_size`, `workers` and `use_multiprocessing` are taken (one note).
        """
        _keras2_loader_arguments("fit", loader)
        check_callbacks(callbacks)  # (before any building)
        if nb_epoch is not None:  # the 2016 tutorials' `fit(X, Y, nb_epoch=150)`
            epochs = nb_epoch
            warn_deprecated("`fit(nb_epoch=...)` is a Keras 1 spelling; use `epochs=`.")
        data_utils.check_epochs(epochs, initial_epoch)  # (before any work: a TypeError)
        epochs = _capped(epochs, config.max_epochs(), "epochs", none_means_all=False)
        steps_per_epoch = _capped(steps_per_epoch, config.max_steps_per_epoch(), "steps_per_epoch")
        if self._step_driven() or self._raw_steps_for(x, batch_size, "train_step"):
            if validation_split and validation_data is None and not data_utils.is_batch_stream(x):
                # (Keras splits array data before any step sees it: the last fraction)
                (x, y, sample_weight), validation_data = _split_raw(
                    [x, y, sample_weight], validation_split
                )
                validation_split = None
            unused = {
                "class_weight": class_weight,
                "validation_split": validation_split or None,
                "validation_steps": validation_steps,
                "validation_batch_size": validation_batch_size,
            }
            given = sorted(k for k, v in unused.items() if v is not None)
            if given:  # (refused rather than silently ignored)
                raise ConfigError(
                    f"Model '{self.name}' trains through its own `train_step` on the batches "
                    f"as given, so fit() cannot apply {', '.join(given)} to them. Weigh or "
                    "split the data yourself (e.g. pass `validation_data=`)."
                )
            return self._fit_step_driven(
                x,
                y,
                sample_weight,
                batch_size,
                epochs,
                verbose,
                callbacks,
                shuffle,
                initial_epoch,
                steps_per_epoch,
                validation_data,
                validation_freq,
            )
        self._refuse_uncompiled("fit")
        if class_weight is not None and sample_weight is not None:  # (before any building)
            raise ConfigError(
                "Arguments `sample_weight` and `class_weight` cannot be specified at the same time."
            )
        if class_weight is not None and _per_output_targets(y):
            # (Keras 3's fit, and Keras 2's, refuse nested targets here, even one array in a
            # list for a one-output model; Keras 3's train_on_batch takes that one)
            raise ConfigError(
                "`class_weight` is only supported for models with a single output, and fit() "
                f"takes their targets as one array; received y as a {type(y).__name__} of "
                f"{len(y)} target(s). For a one-output model pass its array itself, not in a "
                "list or dict; for several outputs weigh each one's rows with sample_weight=."
            )
        if validation_data is not None or validation_split:  # (its arguments, before any
            # building: a fit refused for them leaves a model without an Input unbuilt)
            validation_checks.check_validation_freq(validation_freq)
            validation_checks.check_validation_counts(
                validation_steps,
                validation_batch_size,
                not data_utils.is_batch_stream(validation_data),
            )
        stream = data_utils.is_batch_stream(x)
        if stream:
            _refuse_beside_stream(y, sample_weight, batch_size)
            if class_weight is not None and isinstance(x, types.GeneratorType):
                raise ConfigError(  # (as Keras 3; a PyDataset's batches take class weights)
                    "Argument `class_weight` is not supported for Python generator inputs. "
                    f"Received: class_weight={class_weight}"
                )
            batch_size = None
            if validation_split:
                raise ValueError("`validation_split` needs array data, not a batch stream.")
            source = data_utils.StreamEpochs(
                x,
                lambda bx, by, bs: self._prepare_for_fit(bx, by, bs, class_weight)[:3],
                steps_per_epoch,
                shuffle=bool(shuffle),
                steps_per_execution=self._execution_steps(),
                reset_first=True,
                peeked=self._take_peek(),
            )
            self._require_graph_or_build(source.peek(), batch_size=None)
        given_batch_size = batch_size  # None: Keras derives it from steps_per_epoch
        batch_size = data_utils.check_batch_size(batch_size)
        if not stream:
            self._check_before_build(x, y, sample_weight, given_batch_size, steps_per_epoch,
                                     "steps_per_epoch")  # fmt: skip
            self._require_graph_or_build(x, batch_size)
        self._assert_compiled("fit", build_optimizer=False)
        self._ensure_flat()
        heap.keep_freed_memory()  # (steps free and reallocate their temporaries)
        val = None
        if validation_data is not None:
            val = _unpack_validation(validation_data)
            if not data_utils.is_batch_stream(val[0]):  # checked now, not after an epoch
                val = (*self._prepare(*val[:3])[:3], True)
        if not stream:
            xs, ys, sws, n = self._prepare_for_fit(x, y, sample_weight, class_weight)
            if validation_split and validation_data is None:
                (xs, ys, sws), (vx, vy, vs) = data_utils.split_validation(
                    [xs, ys, sws], validation_split
                )
                if class_weight is not None:  # as Keras: class weights weigh training only
                    vs = [None] * len(vs)
                n = len(xs[0])
                val = (vx, vy, vs, True)
            if n == 0:
                raise ShapeError("fit() received 0 samples; there is nothing to train on.")
            source = data_utils.ArrayEpochs(
                [xs, ys, sws],
                data_utils.batch_size_for(n, given_batch_size, steps_per_epoch, "steps_per_epoch"),
                shuffle,
                steps_per_epoch,
                steps_per_execution=self._execution_steps(),
                peeked=self._take_peek(),
            )
        if val is not None:  # (before the first step: a refused fit changes nothing)
            validation_checks.check_before_fit(
                self,
                val,
                validation_freq,
                validation_steps,
                validation_batch_size,
                batch_size=given_batch_size,
            )
        self._build_optimizer()  # (the data checked: a refused fit leaves it unbuilt)
        steps = source.steps if not stream else steps_per_epoch or data_utils.stream_length(x)
        self._check_trainable_drift()
        self._warn_if_nothing_to_train()
        callback_list = self._callback_list(callbacks, verbose, steps, epochs, add_history=True)
        custom_step = self._overrides("train_step")

        def train_batch(batch) -> dict:
            bx, by, bs = batch
            if custom_step:
                return _pythonify_logs(self.train_step(self._user_batch(bx, by, bs)))
            self._train_step(bx, by, bs, self._recorder(bx, by, bs, len(bx[0])))
            return self._logs()

        peeked: dict = {}  # a validation generator's first batches and the rest of it

        def rest(generator):
            yield from generator
            peeked["used_up"] = True

        def validate() -> dict:
            data = val
            if isinstance(val[0], types.GeneratorType):
                # Keras 3 peeks at a validation generator's first two batches when it first
                # validates, and yields them again at the start of every validation run
                # (once it is used up, numkeras warns and stops instead: README)
                if not peeked:
                    peeked.update(first=list(itertools.islice(val[0], 2)), rest=rest(val[0]))
                stream = itertools.chain(peeked["first"], peeked["rest"])
                data = (iter(()) if peeked.get("used_up") else stream, *val[1:])
            callback_list.on_test_begin()
            val_logs = self._evaluate_prepared(
                *data,
                batch_size=validation_batch_size or given_batch_size,
                steps=validation_steps,
                callback_list=callback_list,
            )
            callback_list.on_test_end(val_logs)
            return val_logs

        epoch_logs = self._run_epochs(
            source, train_batch, callback_list, initial_epoch, epochs, validation_freq,
            None if val is None else validate,
        )  # fmt: skip
        if epochs > 0:  # with use_ema, the weights become their moving averages (Keras)
            self.optimizer.finalize_variable_values(self._trained_variables())
        callback_list.on_train_end(epoch_logs)
        return self.history

    def _run_epochs(
        self, source, train_batch, callback_list, initial_epoch, epochs, validation_freq,
        validate=None,
    ) -> dict:  # fmt: skip
        """`fit`'s epochs: `train_batch(batch) -> logs` on each batch of `source.epoch()`,
        the callbacks around them, and `validate() -> logs` every `validation_freq`
        epochs; returns the last epoch's logs (`on_train_end` is the caller's)."""
        self.stop_training = False
        callback_list.on_train_begin()
        # a callback that restored a backup (BackupAndRestore) says where to continue
        restored, self._initial_epoch = getattr(self, "_initial_epoch", None), None
        initial_epoch = restored or initial_epoch
        epoch_logs: dict = {}
        spe = self._execution_steps()
        for epoch in range(initial_epoch, epochs):
            self.reset_metrics()
            callback_list.on_epoch_begin(epoch)
            logs: dict = {}
            for begin, batches in _executions(source.epoch(), spe):
                callback_list.on_train_batch_begin(begin)
                for batch in batches:
                    with _quiet_float_errors():  # a NaN/inf loss is TerminateOnNaN's job
                        logs = train_batch(batch)
                callback_list.on_train_batch_end(begin + spe - 1, logs)
                if self.stop_training:
                    break
            if not logs:  # the stream had nothing left for this epoch: stop here
                break
            epoch_logs = dict(logs)
            if validate is not None and _should_eval(epoch, validation_freq):
                epoch_logs.update({"val_" + k: v for k, v in validate().items()})
            callback_list.on_epoch_end(epoch, epoch_logs)
            if self.stop_training:
                break
        return epoch_logs

    @keeping_trainable_values  # (a call's `assign` to a weight: not kept, as Keras's JAX)
    def _evaluate_prepared(
        self, xs, ys, sws, checked: bool, batch_size=None, steps=None, callback_list=None
    ):
        """Loss and metrics over arrays (`checked`: already through `_prepare`), or over the
        batch stream `xs` (`ys` and `sws` None)."""
        if isinstance(xs, data_utils.StreamEpochs):
            source = xs
        elif data_utils.is_batch_stream(xs):  # fit's validation_data
            source = data_utils.StreamEpochs(
                xs,
                lambda *b: self._prepare(*b)[:3],
                steps,
                "validation_steps",
                steps_per_execution=self._execution_steps(),
                reset_first=True,
            )
        else:
            if not checked:
                xs, ys, sws, _ = self._prepare(xs, ys, sws)
            batch_size = data_utils.batch_size_for(len(xs[0]), batch_size, steps)
            batches = math.ceil(len(xs[0]) / batch_size)
            source = data_utils.ArrayEpochs(
                [xs, ys, sws],
                batch_size,
                False,
                min(batches, steps or batches),
                steps_per_execution=self._execution_steps(),
            )
        self.reset_metrics()
        penalty = self._penalty()
        custom_step = self._overrides("test_step")
        ahead = None
        if isinstance(source, data_utils.ArrayEpochs) and not custom_step:
            ahead = self._ahead_outputs(xs, batch_size, callback_list)
        logs = None
        spe = self._execution_steps()
        self.stop_evaluating = False  # (a callback sets it to end evaluation, as in Keras 3)
        for begin, batches in _executions(source.epoch(), spe):
            if callback_list is not None:
                callback_list.on_test_batch_begin(begin)
            for bx, by, bs in batches:
                with _quiet_float_errors():
                    if custom_step:
                        logs = _pythonify_logs(self.test_step(self._user_batch(bx, by, bs)))
                    else:
                        self._test_batch(bx, by, bs, penalty, ahead and ahead(len(bx[0])))
            if callback_list is not None:
                callback_list.on_test_batch_end(
                    begin + spe - 1, logs if custom_step else self._logs()
                )
            if self.stop_evaluating:
                break
        if custom_step:
            return logs or {}
        # a used-up stream gives no batch (and so no values, not a stale 0.0 accuracy)
        return self._logs() if self._loss_count else {}

    def _ahead_outputs(self, xs: list, batch_size: int, callback_list):
        """For an evaluation of arrays in order: `next_outputs(rows)`, the outputs of the
        next `rows` rows, computed several batches per call, as `predict` does
        (`models/row_chunks.py`: a model that computes each row on its own, in inference,
        gives the same values to float32 rounding, faster); None where that does not hold,
        where a layer's activity penalty (a batch sum) or a mask must see each batch, or
        where a callback acts between batches."""
        chunk = row_chunks.chunk_rows(self, batch_size)
        if chunk <= batch_size or self._masked:
            return None
        if any(getattr(la, "activity_regularizer", None) is not None for la in layer_tree(self)):
            return None
        if callback_list is not None and callback_list.watches_test_batches():
            return None
        workspace = self._workspace("eval_ahead")
        state = {"pos": 0, "first": 0, "end": 0, "outs": []}

        def next_outputs(rows: int) -> list:
            a = state["pos"]
            if a + rows > state["end"]:  # past the rows computed: the next chunk from here
                b = min(len(xs[0]), a + max(chunk, rows))
                state["outs"] = self._run([t[a:b] for t in xs], False, workspace=workspace)
                state["first"], state["end"] = a, b
            state["pos"] = a + rows
            at = a - state["first"]
            return [o[at : at + rows] for o in state["outs"]]

        return next_outputs

    def evaluate(
        self,
        x=None,
        y=None,
        batch_size: int | None = None,
        verbose="auto",
        sample_weight=None,
        steps: int | None = None,
        callbacks=None,
        return_dict: bool = False,
        **kwargs,
    ):
        """Loss (and metrics) over `x`, in batches of `batch_size` (default 32); or over the
        batches a stream yields (a generator or a PyDataset: `(x, y)` / `(x, y, w)`), up to
        `steps` of them."""
        _keras2_loader_arguments("evaluate", kwargs)
        if kwargs:  # Keras 3 takes **kwargs here and refuses unknown ones (ValueError)
            raise UnknownNameError(
                f"evaluate() got unexpected keyword argument(s) {sorted(kwargs)}; it takes x, "
                "y, batch_size, verbose, sample_weight, steps, callbacks and return_dict."
            )
        check_callbacks(callbacks)  # (before any building)
        steps = _capped(steps, config.max_steps_per_epoch(), "steps_per_epoch")
        if self._step_driven() or self._raw_steps_for(x, batch_size, "test_step"):
            callback_list = self._callback_list(callbacks, verbose, steps)
            logs = self._evaluate_step_driven(x, y, sample_weight, batch_size, callback_list, steps)
            return logs if return_dict else self._ordered(logs, False)
        if data_utils.is_batch_stream(x):
            _refuse_beside_stream(y, sample_weight, batch_size)
            batch_size = None
            xs = data_utils.StreamEpochs(
                x,
                lambda *b: self._prepare(*b)[:3],
                steps,
                "steps",
                steps_per_execution=self._execution_steps(),
                reset_first=True,
                peeked=self._take_peek(),
            )
            self._refuse_uncompiled("evaluate")
            self._require_graph_or_build(xs.peek(), batch_size=None)
            self._assert_compiled("evaluate")  # (also resolves the losses _prepare needs)
            ys = sws = None
            total_steps = steps or data_utils.stream_length(x)
        else:
            self._refuse_uncompiled("evaluate")
            self._check_before_build(x, y, sample_weight, batch_size, steps)
            self._require_graph_or_build(x, data_utils.check_batch_size(batch_size))
            self._assert_compiled("evaluate", build_optimizer=False)
            xs, ys, sws, n = self._prepare(x, y, sample_weight)
            self._keras_peeks = False
            if n == 0:  # (Keras crashes; a loss of 0.0 over no data would be a wrong number)
                raise ShapeError("evaluate() received 0 samples; there is nothing to evaluate.")
            batch_size = data_utils.batch_size_for(n, batch_size, steps)
            self._build_optimizer()
            batches = math.ceil(n / batch_size)
            total_steps = batches if steps is None else min(steps, batches)
        callback_list = self._callback_list(callbacks, verbose, total_steps)
        callback_list.on_test_begin()
        logs = self._evaluate_prepared(
            xs, ys, sws, True, batch_size=batch_size, steps=steps, callback_list=callback_list
        )
        if not logs and ys is None:
            raise ValueError("evaluate() received a batch stream that yielded no batch.")
        callback_list.on_test_end(logs)
        return self._ordered(logs, return_dict)

    @keeping_trainable_values
    def predict(
        self,
        x,
        batch_size: int | None = None,
        verbose="auto",
        steps: int | None = None,
        callbacks=None,
        **loader,
    ):
        """Outputs for `x`, computed in batches.

        The batch size is `batch_size`, else `ceil(len(x) / steps)` when only `steps` is
        given, else 32 (Keras 3's rule). The last partial batch is kept. `steps` caps the
        number of batches. 0 rows give an empty `(0, ...)` result (Keras crashes there).
        The output is allocated once and filled batch by batch; a large one reuses the
        memory of an earlier result that is no longer referenced (`backend/recycle.py`).
        Keras 2's `max_queue_size`, `workers` and `use_multiprocessing` are taken (one note).
        """
        _keras2_loader_arguments("predict", loader)
        check_callbacks(callbacks)  # (before any building)
        steps = _capped(steps, config.max_steps_per_epoch(), "steps_per_epoch")
        if getattr(batch_size, "ndim", 0):  # predict(x, y): y lands in batch_size
            raise ArgumentTypeError(
                f"`batch_size` must be a positive integer, received an array of shape "
                f"{format_shape(batch_size.shape)}. predict() takes no targets: its second "
                "argument is batch_size; call predict(x)."
            )
        if batch_size is not None:  # (before `batch_size or 32`)
            data_utils.check_batch_size(batch_size)
        if self._is_subclassed() and not data_utils.is_batch_stream(x):
            try:  # traced into a graph, it predicts as any model; else its call runs as is
                self._require_graph_or_build(x, batch_size or 32)
            except NotImplementedError:
                return self._predict_subclassed(x, batch_size, steps, verbose, callbacks)
        if data_utils.is_batch_stream(x):
            return self._predict_stream(x, steps, verbose, callbacks)
        if not self._graph_ready:  # (a refused call leaves a deferred model unbuilt)
            data_utils.predict_batches(1, batch_size, steps)
        self._require_graph_or_build(x, batch_size or 32)
        xs = self._standardize_inputs(x)
        n = data_utils.num_samples(xs)
        batch_size, batches = data_utils.predict_batches(
            n, batch_size, steps, self._execution_steps()
        )
        rows = min(n, batches * batch_size)
        if self._overrides("predict_step"):  # the subclass's step, batch by batch
            cut = (lambda a, b: [t[a:b] for t in xs]) if len(xs) > 1 else (lambda a, b: xs[0][a:b])
            stream = (cut(i * batch_size, (i + 1) * batch_size) for i in range(batches))
            return self._predict_stream(stream, batches, verbose, callbacks)
        out_shapes = self._output_shapes(  # (xs were checked by _standardize_inputs)
            [(rows, *a.shape[1:]) for a in xs]
            if not self._single_input
            else (rows, *xs[0].shape[1:])
        )
        out_shapes = [out_shapes] if self._single_output else out_shapes
        if any(s[0] != rows or None in tuple(s)[1:] for s in out_shapes):
            # a graph that mixes rows (Concatenate(axis=0)), or an output whose length
            # each batch sets (TextVectorization's padded token ids): batch outputs stacked
            cut = (lambda a, b: [t[a:b] for t in xs]) if len(xs) > 1 else (lambda a, b: xs[0][a:b])
            stream = (cut(i * batch_size, (i + 1) * batch_size) for i in range(batches))
            return self._predict_stream(stream, batches, verbose, callbacks)
        callback_list = None
        if verbose or callbacks:
            callback_list = self._callback_list(callbacks, verbose, batches)
            callback_list.on_predict_begin()
        # large outputs reuse the memory of a dropped earlier result (backend/recycle.py)
        new = recycle.empty if backend.xp is np else backend.xp.empty
        exact = self._declared_output_dtypes(len(out_shapes))
        results = [
            np.empty(tuple(s), d) if d is _OBJECT else new(tuple(s), d or backend.floatx())
            for s, d in zip(out_shapes, exact)
        ]
        spe = self._execution_steps()
        # Nothing watches the batches' outputs: a model that computes each row on its own
        # runs several batches per call (models/row_chunks.py), the same values faster;
        # (one batch: nothing to merge, and the ~50 us graph walk stays off small calls)
        merge = not callbacks and rows > batch_size
        chunk = row_chunks.chunk_rows(self, batch_size) if merge else batch_size
        # and its chunks may run on several threads at once (backend/threads.py)
        parallel = merge and threads.threads() > 1 and row_chunks.rows_independent(self)

        def run_chunk(a: int) -> int:
            """Compute rows a .. a + chunk into `results` (on buffers of this call's own)."""
            b = min(rows, a + chunk)
            purpose = _thread_purpose("predict")
            workspace = self._borrow_workspace(purpose)
            targets = self._output_targets(workspace)
            # each output's last layer writes into its slice of the result, where it can
            views = [r[a:b] for r in results]
            try:
                for target, view in zip(targets, views):
                    if target is not None:
                        target[0][target[1]] = view
                outs = self._run([t[a:b] for t in xs], training=False, workspace=workspace)
                if a == 0:  # the symbolic shapes and dtypes are Keras's, the arrays may differ
                    results[:] = [_refit(r, o, new) for r, o in zip(results, outs)]
                    views = [r[a:b] for r in results]
                for r, o, view in zip(results, outs, views):
                    if o is not view:
                        r[a:b] = o
            finally:
                for target in targets:  # the workspace must not keep the result alive
                    if target is not None:
                        target[0].pop(target[1], None)
                self._workspaces[purpose] = workspace  # (only once its outputs are copied)
            return a

        def before(a: int) -> int:
            if callback_list is not None and chunk == batch_size and not parallel:
                step = a // batch_size
                if step % spe == 0:  # the first step of an execution (Keras)
                    callback_list.on_predict_batch_begin(step)
            return a

        starts = range(0, rows, chunk)
        # (the first chunk fixes the results' shapes and types, before any other writes,
        # and says whether the others are worth threads: backend/threads.py)
        start = time.perf_counter()
        first = [run_chunk(before(0))] if rows else []
        parallel = parallel and time.perf_counter() - start >= threads.MIN_CHUNK_SECONDS
        rest = threads.ordered_map if parallel else map
        done = itertools.chain(first, rest(run_chunk, map(before, starts[1:])))
        self.stop_predicting = False  # (a callback sets it to end prediction, as in Keras 3)
        kept = rows  # (the rows of the batches run, when a callback stopped them)
        for a in done:
            if callback_list is None:
                continue
            b = min(rows, a + chunk)
            for step in range(a // batch_size, (b - 1) // batch_size + 1):
                begin = step - step % spe  # the first step of this execution (Keras)
                if (chunk != batch_size or parallel) and step == begin:
                    callback_list.on_predict_batch_begin(step)
                if step - begin == spe - 1 or step == batches - 1:
                    logs = {}
                    if callbacks:  # the rows of the whole execution, as Keras (copies)
                        end = min(rows, (step + 1) * batch_size)
                        copies = [r[begin * batch_size : end].copy() for r in results]
                        logs = {"outputs": self._structure_outputs(copies)}
                    callback_list.on_predict_batch_end(begin + spe - 1, logs)
                    if self.stop_predicting:
                        kept = min(rows, (step + 1) * batch_size)
                        break
            if kept < rows:  # (before the next chunk runs: a stateful layer would see it)
                break
        if callback_list is not None:
            callback_list.on_predict_end()
        if kept < rows:
            results = [r[:kept].copy() for r in results]
        return self._structure_outputs([backend.to_numpy(r) for r in results])

    def _as_declared(self, outs: list) -> list:
        """`outs`, each output the graph declares integer, bool or float16 cast to that
        dtype (the layers compute in floats; predictions keep the declared dtype, as
        Keras's do)."""
        exact = self._declared_output_dtypes(len(outs))
        return [o if d is None else o.astype(d, copy=False) for o, d in zip(outs, exact)]

    def _declared_output_dtypes(self, n: int) -> list:
        """For each of the `n` outputs, the dtype the graph declares for it where that is
        not `floatx()` (`ops.argmax`, a cast, an integer Input passed through, a
        mixed_float16 or float64 layer), which predictions keep, as Keras returns them;
        None for a float output of `floatx()`."""
        outputs = getattr(self, "_outputs_list", None) or [None] * n
        floatx = np.dtype(backend.floatx())
        dtypes = [None if t is None else _numpy_dtype(t.dtype) for t in outputs]
        return [d if d is not None and d != floatx else None for d in dtypes]

    def _predict_stream(self, x, steps, verbose, callbacks):
        """predict over a batch stream: each yielded batch (`x` or a tuple starting with
        it) whole, up to `steps` batches; the outputs stacked."""
        source = data_utils.StreamEpochs(
            x,
            lambda bx, by, bs: (self._standardize_inputs(bx), None, None),
            steps,
            "steps",
            steps_per_execution=self._execution_steps(),
        )
        self._require_graph_or_build(source.peek(), batch_size=None)
        callback_list = self._callback_list(
            callbacks, verbose, steps or data_utils.stream_length(x)
        )
        callback_list.on_predict_begin()
        self.stop_predicting = False
        parts = []
        custom_step = self._overrides("predict_step")
        structure = None
        spe = self._execution_steps()
        for begin, batches in _executions(source.epoch(), spe):
            callback_list.on_predict_batch_begin(begin)
            group = []
            for bxs, _, _ in batches:
                if custom_step:  # any structure of arrays, stacked leaf by leaf
                    structure = self.predict_step(self._user_batch(bxs))
                    outs = [backend.to_numpy(o) for o in tree.flatten(structure)]
                    batch_outputs = structure
                else:
                    # no workspace: these outputs are kept, not overwritten by the next batch
                    outs = [backend.to_numpy(o) for o in self._run(bxs, training=False)]
                    batch_outputs = self._structure_outputs(outs)
                parts.append(outs)
                group.append(outs)
            if len(group) > 1:  # one execution's batches together, as Keras passes them
                joined = [np.concatenate(col) for col in zip(*group)]
                batch_outputs = (
                    tree.pack_sequence_as(structure, joined)
                    if custom_step
                    else self._structure_outputs(joined)
                )
            callback_list.on_predict_batch_end(begin + spe - 1, {"outputs": batch_outputs})
            if self.stop_predicting:
                break
        callback_list.on_predict_end()
        if not parts:
            raise ValueError("predict() received a batch stream that yielded no batch.")
        stacked = [np.concatenate(col) for col in zip(*parts)]
        if custom_step:
            return tree.pack_sequence_as(structure, stacked)
        return self._structure_outputs(stacked)

    def _predict_subclassed(self, x, batch_size, steps, verbose, callbacks):
        """predict for a model with its own call() that cannot be traced: the same batching
        rules and callbacks, `call` run on each batch, the outputs (any structure of
        arrays) stacked leaf by leaf."""
        arrays = _convert_structure(x, self.dtype, self)  # (integers as they are, as Keras)
        n = len(tree.flatten(arrays)[0])
        batch_size, batches = data_utils.predict_batches(
            n, batch_size, steps, self._execution_steps()
        )
        if not batches:
            raise ValueError("predict() of a subclassed model needs at least one sample.")
        callback_list = self._callback_list(callbacks, verbose, batches)
        callback_list.on_predict_begin()
        self.stop_predicting = False
        parts = []
        for step in range(batches):
            callback_list.on_predict_batch_begin(step)
            index = slice(step * batch_size, (step + 1) * batch_size)
            batch = tree.map_structure(lambda a, i=index: a[i], arrays)
            if self._overrides("predict_step"):  # (keras.io's GAT: softmax of gathered rows)
                structure = self.predict_step(batch)
            else:
                structure = self(batch, training=False)
            outs = [backend.to_numpy(o) for o in tree.flatten(structure)]
            parts.append(outs)
            batch_outputs = tree.pack_sequence_as(structure, outs)
            callback_list.on_predict_batch_end(step, {"outputs": batch_outputs})
            if self.stop_predicting:
                break
        callback_list.on_predict_end()
        return tree.pack_sequence_as(structure, [np.concatenate(col) for col in zip(*parts)])

    def _require_graph_or_build(self, x, batch_size: int | None = 32) -> None:
        """Build a deferred model for `x`, as Keras 3 does: on the shape of its first batch
        of `batch_size` rows (None: `x` is that batch, e.g. a stream's first)."""
        if not self._graph_ready:
            from numkeras.layers.layer import shape_of
            from numkeras.models.sequential import text_array

            text = text_array(x) if hasattr(self, "_stack") else None  # (a Sequential's)
            if text is not None:
                self._text_data = True  # (its Input takes text: Sequential.build)
            arrays = text if text is not None else _convert_structure(x, self.dtype)
            if isinstance(arrays, dict):  # named inputs (a subclassed model's call takes them)
                first = {k: tuple(a.shape) for k, a in arrays.items()}
            else:
                first = shape_of(arrays)
            if isinstance(first, tuple) and first and batch_size:
                first = (min(first[0], batch_size), *first[1:])
            if self._is_subclassed():  # its call, traced and checked on a first batch
                self.__dict__.setdefault("_first_call_shape", first)  # (its build config)
                rows = batch_size or 32
                if isinstance(arrays, dict):
                    sample = {k: a[:rows] for k, a in arrays.items()}
                else:
                    sample = [a[:rows] for a in (arrays if isinstance(arrays, list) else [arrays])]
                self._build_subclassed(first, sample)
            else:
                self.build(first)


_OBJECT = np.dtype(object)


def _weight_per_row(x, sample_weight):
    """A number given as `sample_weight` to `train_on_batch` / `test_on_batch` as that
    weight for every row of the batch `x`, as Keras 3 broadcasts it there (its fit and
    evaluate refuse one, as numkeras's do)."""
    scalar = isinstance(sample_weight, (int, float, np.number)) and not isinstance(
        sample_weight, bool
    )
    if not scalar and not (isinstance(sample_weight, np.ndarray) and sample_weight.ndim == 0):
        return sample_weight
    rows = [len(a) for a in tree.flatten(x) if getattr(a, "ndim", 0) >= 1]
    return np.full(rows[0], float(sample_weight), "float32") if rows else sample_weight


def _numpy_dtype(dtype) -> np.dtype:
    """A symbolic tensor's dtype as NumPy's (Keras's "string": Python strings, object)."""
    return _OBJECT if dtype == "string" else np.dtype(dtype)


def _convert_structure(x, dtype, layer=None):
    """`x` as arrays of `dtype`: one array, a list of them, or a dict of them by name
    (integers too, unless `layer`'s rule keeps them: layers/integer_inputs.py)."""
    from numkeras.layers.layer import _convert

    if isinstance(x, dict):
        return {k: _convert(v, dtype, layer) for k, v in x.items()}
    return _convert(x, dtype, layer)


def _split_raw(structures: list, fraction: float):
    """`validation_split` for a step-driven model's data (`[x, y, sample_weight]`, any
    nesting of arrays): the training part as such a list, the last `fraction` of the rows
    as a `validation_data` tuple, as Keras splits arrays before its steps see them."""
    flats = [None if s is None else [np.asarray(a) for a in tree.flatten(s)] for s in structures]
    groups = [a for f in flats if f is not None for a in f]
    train, val = data_utils.split_validation([groups], fraction)
    parts = []
    for rows in (train[0], val[0]):
        out, start = [], 0
        for s, f in zip(structures, flats):
            if s is None:
                out.append(None)
                continue
            out.append(tree.pack_sequence_as(s, rows[start : start + len(f)]))
            start += len(f)
        parts.append(out)
    return parts[0], tuple(parts[1])


def _log_value(x):
    """A logged value as Keras logs its float32 metric results: 0.699999988, not 0.7
    (float() first: a CuPy result converts only that way); an array result (per-class
    F1Score) as a float array."""
    floatx = np.dtype(backend.floatx()).type
    if getattr(x, "ndim", 0):
        return backend.to_numpy(x).astype(floatx)
    return float(floatx(float(x)))


def _thread_purpose(purpose: str) -> str:
    """A workspace name of this thread's own (`_workspace`): `purpose`, or
    `purpose@<worker>` on a worker thread of backend/threads.py."""
    worker = threads.worker_name()
    return purpose if worker is None else f"{purpose}@{worker}"


def _refit(result, first, new):
    """`predict`'s preallocated `result`, or a new one shaped and typed as the first
    batch's output `first` where that differs: a layer whose symbolic shape is Keras's
    rather than its output's (`Activation("glu")` halves the last axis), or integers kept
    through layers whose symbolic dtype says float (as Keras's arrays keep them)."""
    same_shape = first.shape[1:] == result.shape[1:]
    if same_shape and not (first.dtype.kind in "iub" and result.dtype.kind == "f"):
        return result
    return new((result.shape[0], *first.shape[1:]), first.dtype)


def _pythonify_logs(logs) -> dict:
    """A custom step's logs as Keras 3 logs them: keys sorted at each level, nested dicts
    flattened in their place (a `compile_metrics` result), values as `_log_value` gives
    them."""
    out: dict = {}
    for key, value in sorted((logs or {}).items()):
        if isinstance(value, dict):
            out.update(_pythonify_logs(value))
        else:
            out[key] = _log_value(value)
    return out


def _metrics_like(value) -> bool:
    """Whether a `loss_weights` value is a metrics list (names, functions, lists of them)
    rather than numbers: Keras 2 scripts pass metrics third, by position."""
    if isinstance(value, dict):
        value = list(value.values())
    if not isinstance(value, (list, tuple)):
        return False
    return any(isinstance(v, (str, list, tuple)) or callable(v) for v in value)


def _keras2_compile_arguments(kwargs: dict) -> None:
    """Take Keras 2's `compile` arguments out of `kwargs`, as tf_keras takes them, with one
    note: `sample_weight_mode` (the seq2seq scripts' "temporal"; the mode follows the
    weights' shape, as in tf_keras and Keras 3), TF 2.0-2.2's `experimental_run_tf_function`
    and `cloning` (no effect there either), and `target_tensors` / `distribute` when None
    (tf_keras refuses any other value with a ValueError, as numkeras does)."""
    given = [k for k in ("sample_weight_mode", "experimental_run_tf_function", "cloning",
                         "target_tensors", "distribute") if k in kwargs]  # fmt: skip
    for name in ("target_tensors", "distribute"):
        if kwargs.get(name) is not None:
            raise ConfigError(
                f"`compile({name}=...)` was Keras 2's graph-mode argument, which tf_keras "
                f"refuses too when executing eagerly; received {kwargs[name]!r}. Pass the "
                "targets to fit() / train_on_batch() instead."
                if name == "target_tensors"
                else f"`compile(distribute=...)` is not available (received "
                f"{kwargs[name]!r}); numkeras runs on one device."
            )
    for name in given:
        kwargs.pop(name)
    if given:
        warn_deprecated(
            f"`compile({'=..., '.join(given)}=...)`: Keras 2 arguments that change nothing "
            "here (Keras 3 drops them; per-timestep sample weights `(batch, timesteps)` "
            "are taken as they are)."
        )


_LOADER_ARGUMENTS = ("max_queue_size", "workers", "use_multiprocessing")


def _keras2_loader_arguments(method: str, kwargs: dict) -> None:
    """Take Keras 2's data-loading arguments out of `kwargs` (`fit(seq, workers=4,
    use_multiprocessing=True)`, as 2019-2020 scripts wrote; tf_keras takes them) with one
    note: numkeras reads the batches in this process. Anything else is left to the caller
    (fit and predict refuse it with a TypeError, as Keras 3 does)."""
    given = [k for k in _LOADER_ARGUMENTS if k in kwargs]
    for k in given:
        kwargs.pop(k)
    if given:
        warn_deprecated(
            f"`{method}({'=..., '.join(given)}=...)`: Keras 2's data-loading arguments; "
            "numkeras reads the batches in this process (Keras 3 sets them on a `PyDataset`)."
        )
    if kwargs and method != "evaluate":
        raise TypeError(
            f"{method}() got unexpected keyword arguments: {sorted(kwargs)}"
            + _keywords_taken(method, kwargs)
        )


def _keywords_taken(method: str, unknown) -> str:
    """The keywords `Trainer.<method>` takes, for an error about `unknown` ones: the close
    spellings first ("did you mean"), then the whole list."""
    params = inspect.signature(getattr(Trainer, method)).parameters.values()
    names = [p.name for p in params if p.name != "self" and p.kind is p.POSITIONAL_OR_KEYWORD]
    hint = "".join(did_you_mean(k, names) for k in unknown)
    return f".{hint} {method}() takes {', '.join(names)}."


def _refuse_beside_stream(y, sample_weight, batch_size) -> None:
    """A batch stream yields its own targets and weights, in its own batches: `y` or
    `sample_weight` beside it is an error (as in Keras); `batch_size` is ignored with a
    warning (Keras 3 and Keras 2 ignore it silently; classic scripts pass it)."""
    if y is not None or sample_weight is not None:
        raise ValueError(
            "When x is a batch stream (a generator or a PyDataset), it yields the targets "
            "and sample weights itself, in batches: do not pass `y` or `sample_weight`."
        )
    if batch_size is not None:
        warnings.warn(
            f"batch_size={batch_size!r} is ignored: a batch stream (a generator or a "
            "PyDataset) yields whole batches of its own size.",
            NumkerasWarning,
            stacklevel=user_stacklevel(),
        )


def _capped(value, cap, what: str, none_means_all: bool = True):
    """`value` limited by a `numkeras.config` cap (`set_max_epochs`,
    `set_max_steps_per_epoch`), with Keras's warning when it bites. A step count of None
    (all the data) is capped too."""
    if cap and ((none_means_all and not value) or (value is not None and cap < value)):
        warnings.warn(f"Limiting {what} to {cap}", stacklevel=3)
        return cap
    return value


def _verbose(verbose) -> int:
    if verbose == "auto":
        return 1
    if verbose not in (0, 1, 2, True, False):
        raise ValueError(f"`verbose` must be 'auto', 0, 1 or 2, received {verbose!r}.")
    return int(verbose)


def _unpack_validation(validation_data):
    if data_utils.is_batch_stream(validation_data):
        return (validation_data, None, None, False)
    if not isinstance(validation_data, (list, tuple)):
        # inputs alone (an array, a dict of arrays), as Keras unpacks them: the
        # diffusion example validates its own test_step on images without targets
        return (validation_data, None, None, False)
    if len(validation_data) not in (1, 2, 3):
        raise ValueError(
            "validation_data must be x_val, a tuple (x_val, y_val), (x_val, y_val, "
            f"sample_weight) or (x_val,); received a {type(validation_data).__name__} of "
            f"{len(validation_data)} items."
        )
    if len(validation_data) == 1:  # (x_val,): inputs only, as Keras unpacks it
        return (validation_data[0], None, None, False)
    vx, vy = validation_data[0], validation_data[1]
    vs = validation_data[2] if len(validation_data) == 3 else None
    return (vx, vy, vs, False)


def _has_changed_ancestor(layer, changed) -> bool:
    """True if `layer` sits inside another changed layer (report the outermost only)."""
    return any(layer is not other and layer in layer_tree(other) for other, _ in changed)


def _same_rank_mismatch(err: ShapeError, y_true, pred_shape) -> ShapeError:
    """`err` (from a loss's `check_targets`) as `losses.loss.target_mismatch` classes it."""
    if isinstance(err, IncompatibleShapesError):
        return err
    mismatch = target_mismatch(str(err), np.shape(y_true), tuple(pred_shape))
    return mismatch if isinstance(mismatch, IncompatibleShapesError) else err


def _resolve_loss_names(loss):
    """compile's `loss` with each name or config resolved to a loss (None stays None)."""
    from numkeras import losses

    if loss is None:
        return None
    if isinstance(loss, dict):  # (nested in a list: a model's nested outputs)
        return {k: _resolve_loss_names(v) for k, v in loss.items()}
    if isinstance(loss, (list, tuple)):
        return [_resolve_loss_names(v) for v in loss]
    return losses.to_loss(loss)


def _check_metric_names(metrics, weighted_metrics) -> None:
    """Look every metric name up (an unknown one raises ConfigError)."""
    from numkeras import metrics as metrics_module
    from numkeras.metrics.resolve import SHAPE_RESOLVED_NAMES

    for spec in _flat_metric_specs(metrics) + _flat_metric_specs(weighted_metrics):
        if isinstance(spec, str) and spec not in SHAPE_RESOLVED_NAMES:
            metrics_module.get(spec)


def _flat_metric_specs(spec) -> list:
    """Every metric in compile's `metrics` (lists and dicts, nested as the outputs may be)."""
    if isinstance(spec, dict):
        spec = list(spec.values())
    if not isinstance(spec, (list, tuple)):
        return [] if spec is None else [spec]
    return [m for v in spec for m in _flat_metric_specs(v)]


def _penalties(variables, with_grads: bool, scale=1) -> float:
    """The sum of the weight penalties (`numkeras.regularizers`) on `variables`; with
    `with_grads`, each penalty's gradient (times the loss `scale`) is added to its
    variable's gradient too."""
    total = 0.0
    for v in variables:
        reg = v.regularizer
        if reg is not None:
            total += float(reg(v.value))
            if with_grads:
                g = reg.grad(v.value)
                v.grad += g if scale == 1 else g * g.dtype.type(scale)
    return total


def _unique_label(prefix: str, name: str, weighted: bool, seen: dict[str, int]) -> str:
    """A metric's log key, made unique as Keras 3's CompileMetrics.result does: a repeated
    name gets `_1`, `_2`, ...; a weighted metric gets `weighted_` only when its plain name
    is taken (so `weighted_metrics=["mae"]` alone logs `mae`, as in Keras).

    >>> seen = {}
    >>> [_unique_label("", n, w, seen) for n, w in [("mae", 0), ("mae", 0), ("mae", 1), ("acc", 1)]]
    ['mae', 'mae_1', 'weighted_mae', 'acc']
    """
    label = prefix + name
    if label not in seen:
        seen[label] = 1
        return label
    if weighted:
        label = f"{prefix}weighted_{name}"
        if label not in seen:
            seen[label] = 1
            return label
    index = seen[label]
    seen[label] += 1
    return f"{label}_{index}"


# NumPy's "invalid value encountered in matmul" and kin, off around each batch of fit /
# evaluate: Keras (XLA) computes NaN and inf silently and leaves them to the logs
# (TerminateOnNaN), and a warning per batch would flood a diverging run.
def _quiet_float_errors():
    return np.errstate(over="ignore", invalid="ignore", divide="ignore")


def _check_steps_per_execution(value) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 1:
        raise ConfigError(
            f"`steps_per_execution` must be a positive integer, received {value!r}; e.g. "
            "steps_per_execution=1 (the default)."
        )
    return int(value)


def _executions(batches, size: int):
    """`(first step index, batches)` for each run of `size` batches, as Keras 3 calls the
    batch callbacks around each execution of `steps_per_execution` steps. Batches are
    drawn only as they are trained, so stopping early leaves a generator where it was."""
    it = iter(batches)
    step = 0
    for first in it:
        begin = step

        def run(first=first, begin=begin):
            nonlocal step
            yield first
            step += 1
            while step - begin < size:
                nxt = next(it, _END)
                if nxt is _END:
                    return
                yield nxt
                step += 1

        yield begin, run()


_END = object()


def _should_eval(epoch: int, validation_freq) -> bool:
    """Keras 3's rule: an int validates every `validation_freq` epochs; a list names the
    (1-based) epochs to validate on (a tuple or set too, which Keras 3 refuses)."""
    if isinstance(validation_freq, (bool, np.bool_)) or not isinstance(
        validation_freq, (int, np.integer, list, tuple, set, frozenset, range)
    ):
        raise ValueError(
            "Expected `validation_freq` to be a list or int. Received: "
            f"validation_freq={validation_freq!r} of the type {type(validation_freq)}."
        )
    if isinstance(validation_freq, (int, np.integer)):
        return (epoch + 1) % validation_freq == 0
    return epoch + 1 in validation_freq


def _per_output_targets(y) -> bool:
    """Whether `y` is targets per output (a dict, or a list / tuple of arrays), not one
    target array (a Python list of labels is one)."""
    if isinstance(y, dict):
        return True
    return isinstance(y, (list, tuple)) and any(len(getattr(v, "shape", ())) > 0 for v in y)


def _metric_specs_for_output(spec, name: str, index: int, n_outputs: int) -> list:
    if isinstance(spec, dict):
        v = spec.get(name, [])
        return list(v) if isinstance(v, (list, tuple)) else [v]
    if n_outputs > 1 and len(spec) == n_outputs:
        # Keras 3: a list with one entry per output maps entry i to output i
        v = spec[index]
        if v is None:
            return []
        return list(v) if isinstance(v, (list, tuple)) else [v]
    if n_outputs == 1 and len(spec) == 1 and isinstance(spec[0], (list, tuple)):
        return list(spec[0])  # Keras 3 takes a one-output model's metrics as [[...]] too
    # Any other list applies to every output, as in Keras 2 (Keras 3 raises "tuple arity
    # mismatch" when its length is not the number of outputs).
    return list(spec)
