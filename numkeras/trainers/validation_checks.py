"""`fit`'s validation arguments checked before the first training step, so that a fit
refused for its validation data leaves the model as it was (Keras 3 trains a whole epoch
before it validates, and finds the fault then)."""

from __future__ import annotations

import numpy as np

from numkeras import backend
from numkeras.errors import ConfigError, IncompatibleShapesError, ValidationFreqError
from numkeras.losses.loss import _align_sample_weight
from numkeras.trainers import data as data_utils


def check_validation_freq(validation_freq) -> None:
    """An int or a list of (1-based) epochs (a tuple, set or range too); 0 refused."""
    if isinstance(validation_freq, (bool, np.bool_)) or not isinstance(
        validation_freq, (int, np.integer, list, tuple, set, frozenset, range)
    ):
        raise ConfigError(
            "Expected `validation_freq` to be a list or int. Received: "
            f"validation_freq={validation_freq!r} of the type {type(validation_freq)}."
        )
    if isinstance(validation_freq, (int, np.integer)) and validation_freq == 0:
        raise ValidationFreqError(
            "`validation_freq` must be a positive int (validate every that many epochs) or "
            "a list of the epochs to validate on (1-based); received 0."
        )


def check_validation_counts(validation_steps, validation_batch_size, arrays: bool) -> None:
    """validation_steps a positive int (or None); with array validation data,
    validation_batch_size too (0 and None: fit's batch size, as in Keras)."""
    if validation_steps is not None:
        data_utils.check_count(validation_steps, "validation_steps")
    if arrays and validation_batch_size:
        data_utils.check_count(validation_batch_size, "validation_batch_size")


def check_sample_weights(model, xs: list, ys: list, sws: list, rows: int) -> None:
    """Each output's validation sample weights against its loss's per-sample values, on
    the first `rows` rows (the first validation batch), with predictions of the output's
    shape: the error validation would raise after the first epoch, raised now."""
    if all(sw is None for sw in sws):
        return
    shapes = model._output_shapes_for(xs) or [t.shape for t in model._outputs_list]
    names = model._output_keys()
    for fn, y, sw, shape, name in zip(model._loss_fns, ys, sws, shapes, names):
        if fn is None or y is None or sw is None or None in tuple(shape[1:]):
            continue
        y = y[:rows]
        y_pred = np.full((len(y), *shape[1:]), 0.5, "float32")
        try:
            with np.errstate(all="ignore"):
                if fn._has_forward():
                    values = fn.call(y, y_pred)
                else:  # (a user's `call`: as `Loss.__call__` gives it the targets)
                    values = fn.call(backend.cast_input(y, fn.dtype), y_pred)
            values = backend.xp.asarray(values)
        except Exception:  # noqa: BLE001 - the loss says what is wrong when it runs
            continue
        try:
            _align_sample_weight(values, backend.cast_input(sw[:rows], "float32"))
        except IncompatibleShapesError as err:
            where = "" if len(names) == 1 else f" for output '{name}'"
            raise IncompatibleShapesError(
                f"validation_data's sample_weight{where} cannot weigh the validation loss: "
                f"{err} (Received shape {tuple(np.shape(sw))} for {len(y)} validation samples "
                "in the first batch.)"
            ) from None


def check_before_fit(
    model, val: tuple, validation_freq, validation_steps, validation_batch_size, batch_size
) -> None:
    """All of fit's validation checks: `val` is fit's `(x, y, sample_weight, checked)`
    (arrays through `model._prepare`, or a batch stream as x, whose batches are checked as
    validation reads them)."""
    check_validation_freq(validation_freq)
    stream = data_utils.is_batch_stream(val[0])
    check_validation_counts(validation_steps, validation_batch_size, not stream)
    if not stream:  # (a stream is not read ahead of Keras: a PyDataset may log or draw)
        xs, ys, sws = val[:3]
        rows = len(xs[0])
        size = data_utils.batch_size_for(
            rows, validation_batch_size or batch_size, validation_steps
        )
        check_sample_weights(model, xs, ys, sws, min(rows, size))
