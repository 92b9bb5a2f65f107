"""`Discretization`: bucket continuous values into bins, as Keras 3.

With `bin_boundaries=[0.0, 1.0, 2.0]`, a value `x` goes to bin `i` where
`boundaries[i-1] <= x < boundaries[i]` (bins 0 .. 3; `np.digitize` on float32). With
`num_bins=n` instead, `adapt(data)` picks `n - 1` boundaries at the data's quantiles,
computed as Keras computes them: each batch is sorted and summarized by about
`1 / epsilon` weighted points, the summaries are merged and compressed batch by batch,
then interpolated at `1/n, 2/n, ...` (so the boundaries are approximate quantiles, and
identical to Keras's for the same batches). The boundaries live in the config (the layer
has no weights), so they are saved with the model.

`output_mode`: `"int"` (the bin indices, int32 as Keras's), or
`"one_hot"`, `"multi_hot"`, `"count"` (float32 vectors of length
`len(bin_boundaries) + 1`, shaped as `CategoryEncoding`'s).
The layer passes no gradient: layers before it cannot be trained through it.

>>> import numpy as np
>>> Discretization(bin_boundaries=[0.0, 1.0, 2.0])(np.array([[-1.5, 1.0, 0.5, 9.0]]))
array([[0, 2, 1, 3]], dtype=int32)
"""

from __future__ import annotations

import numpy as np

from numkeras import backend
from numkeras.errors import ConfigError, InputTypeError, NotBuiltError
from numkeras.layers.category_encoding import encode_categorical, encoded_shape
from numkeras.layers.layer import Layer
from numkeras.utils.checks import is_int

OUTPUT_MODES = ("int", "one_hot", "multi_hot", "count")


def _integer_name(dtype) -> str | None:
    """The name of an integer `dtype` argument (a name, a policy or its config), else None."""
    if isinstance(dtype, dict):
        dtype = dtype.get("config", {}).get("name")
    name = str(getattr(dtype, "name", dtype))
    try:
        return name if dtype is not None and np.dtype(name).kind in "iu" else None
    except TypeError:  # (a policy name: "mixed_float16")
        return None


def hold_integer_dtype(layer, name: str) -> None:
    """`layer` takes the integer dtype `name` as Keras's does: its `dtype`, policy and
    compute dtype, which a global "mixed_float16" policy does not replace."""
    layer.dtype = name
    layer._policy = name
    layer._mixed = False


class Discretization(Layer):
    def __init__(
        self,
        bin_boundaries=None,
        num_bins=None,
        epsilon=0.01,
        output_mode="int",
        sparse=False,
        dtype=None,
        name=None,
        **kwargs,
    ):
        if sparse:
            raise ConfigError("Discretization(sparse=True) is not supported by numkeras.")
        if output_mode not in OUTPUT_MODES:
            raise ConfigError(
                f"Discretization's `output_mode` must be one of {OUTPUT_MODES}, received "
                f"{output_mode!r}."
            )
        if num_bins is not None and (not is_int(num_bins) or num_bins < 0):
            raise ConfigError(
                f"`num_bins` must be greater than or equal to 0. Received: `num_bins={num_bins}`"
            )
        if num_bins is not None and bin_boundaries is not None:
            raise ConfigError(
                "Both `num_bins` and `bin_boundaries` should not be set. Received: "
                f"`num_bins={num_bins}` and `bin_boundaries={bin_boundaries}`"
            )
        if num_bins is None and bin_boundaries is None:
            raise ConfigError("You need to set either `num_bins` or `bin_boundaries`.")
        if isinstance(epsilon, bool) or not isinstance(epsilon, (int, float)) or epsilon <= 0:
            raise ConfigError(f"`epsilon` must be a positive number, received {epsilon!r}.")
        if bin_boundaries is not None:
            bin_boundaries = _check_boundaries(bin_boundaries)
        # (Keras takes an integer dtype, tf_keras's files say "int64": on JAX, without x64,
        # its outputs are int32 then; the layer computes in float32 all the same)
        self._integer_dtype = _integer_name(dtype)
        super().__init__(dtype=None if self._integer_dtype else dtype, name=name, **kwargs)
        if self._integer_dtype:  # (Keras's `dtype`, `compute_dtype` and `variable_dtype`)
            hold_integer_dtype(self, self._integer_dtype)
        self.bin_boundaries = bin_boundaries
        self.num_bins = None if num_bins is None else int(num_bins)
        self.epsilon = epsilon
        self.output_mode = output_mode
        self.sparse = False
        self.summary = None if bin_boundaries else np.array([[], []], dtype="float32")

    @property
    def input_dtype(self) -> str:
        """Keras's: the inputs are floats whatever the layer's dtype."""
        return backend.floatx()

    @property
    def output_dtype(self) -> str:
        """Keras's: the bin indices' int32, else the compute dtype (the symbolic dtype)."""
        return self.compute_dtype if self.output_mode != "int" else "int32"

    # -- adapt ----------------------------------------------------------------------------
    def adapt(self, data, steps=None, batch_size=None) -> None:
        """Compute `num_bins - 1` boundaries from `data`: an array (one batch, or batches
        of `batch_size`), or an iterable of batches (a list, a generator, a PyDataset;
        `(x, y)` tuples give x), of which at most `steps` are read."""
        if self.num_bins is None:
            raise ConfigError(
                "Cannot adapt a Discretization layer that has been initialized with "
                "`bin_boundaries`, use `num_bins` instead."
            )
        self.reset_state()
        for batch in _batches(data, steps, batch_size):
            self.update_state(batch)
        self.finalize_state()

    def update_state(self, data) -> None:
        try:
            data = np.array(backend.to_numpy(data)).astype("float32")
        except (TypeError, ValueError):
            raise InputTypeError(
                f"Discretization.adapt expects numeric batches, received {type(data).__name__}."
            ) from None
        self.summary = _merge_summaries(_summarize(data, self.epsilon), self.summary, self.epsilon)

    def finalize_state(self) -> None:
        if self.num_bins is None:
            return
        summary = _compress_summary(self.summary, 1.0 / self.num_bins)
        self.bin_boundaries = summary[0, :-1].tolist()

    def reset_state(self) -> None:
        if self.num_bins is None:
            return
        self.summary = np.array([[], []], dtype="float32")

    # -- call -----------------------------------------------------------------------------
    @property
    def _depth(self) -> int:
        if self.bin_boundaries is not None:
            return len(self.bin_boundaries) + 1
        return self.num_bins

    def compute_output_shape(self, input_shape):
        return encoded_shape(input_shape, self.output_mode, self._depth)

    def call(self, inputs):
        if self.bin_boundaries is None:
            raise NotBuiltError(
                "You need to either pass the `bin_boundaries` argument at construction time or "
                "call `adapt(dataset)` before you can start using the `Discretization` layer."
            )
        xp = backend.xp
        bins = xp.asarray(np.asarray(self.bin_boundaries, "float32"))
        ids = xp.digitize(xp.asarray(inputs, "float32"), bins)
        if self.output_mode == "int":
            return ids.astype("int32")
        dtype = "int32" if self._integer_dtype else self.dtype
        return encode_categorical(ids, self.output_mode, len(self.bin_boundaries) + 1, dtype)

    def _call_symbolic(self, inputs, training=None, **kwargs):
        outputs = super()._call_symbolic(inputs, training=training, **kwargs)
        if self.output_mode == "int":  # (the bin indices are int32, as Keras's)
            outputs.dtype = "int32"
        elif self._integer_dtype:  # (Keras's symbolic dtype; its JAX computes int32)
            outputs.dtype = self._integer_dtype
            outputs.value_dtype = "int32"
        return outputs

    def forward(self, inputs, training: bool = True):
        return self.call(inputs), None

    def backward(self, cache, grad_output, need_input_grad: bool = True):
        # (no gradient crosses the integer bins: layers before it train on the other losses
        # alone, as in Keras, where the gradient there is zero)
        return None

    # -- config ---------------------------------------------------------------------------
    def get_config(self) -> dict:
        return {  # Keras's keys, in its order (no `trainable`; `dtype` a plain name)
            "bin_boundaries": self.bin_boundaries,
            "num_bins": self.num_bins,
            "epsilon": self.epsilon,
            "output_mode": self.output_mode,
            "sparse": self.sparse,
            "name": self.name,
            "dtype": self._integer_dtype or self.dtype,
        }

    @classmethod
    def from_config(cls, config: dict, custom_objects: dict | None = None):
        # (`custom_objects`: Keras's signature; a discretization's config holds none)
        config = dict(config)
        if isinstance(config.get("dtype"), dict):
            config["dtype"] = config["dtype"].get("config", {}).get("name")
        if config.get("bin_boundaries") is not None and config.get("num_bins") is not None:
            # an adapted layer: both are set, which __init__ refuses
            boundaries = config.pop("bin_boundaries")
            layer = cls(**config)
            layer.bin_boundaries = _check_boundaries(boundaries)
            return layer
        return cls(**config)

    def _repr_args(self) -> str:
        if self.num_bins is not None:
            return f"num_bins={self.num_bins}"
        return f"bin_boundaries={self.bin_boundaries!r}"


def _check_boundaries(bins) -> list:
    try:
        arr = np.asarray(bins, dtype="float64")
    except (TypeError, ValueError):
        arr = None
    if arr is None or arr.ndim != 1:
        raise ConfigError(f"`bin_boundaries` must be a list of numbers, received {bins!r}.")
    if arr.size > 1 and np.any(np.diff(arr) < 0):
        raise ConfigError(
            f"`bin_boundaries` must be sorted in increasing order, received {bins!r}."
        )
    return [float(b) for b in arr]


def _batches(data, steps, batch_size):
    """The batches `adapt` reads: an array is one batch (or batches of `batch_size`); any
    other iterable yields batches; `(x, y, ...)` tuples give x."""
    if isinstance(data, (np.ndarray, backend.xp.ndarray)):
        if batch_size is None:
            yield data
            return
        batches = (data[i : i + batch_size] for i in range(0, len(data), batch_size))
    elif hasattr(data, "__iter__"):
        batches = iter(data)
    else:
        raise InputTypeError(
            f"Unsupported data type: {type(data).__name__}. `adapt` supports NumPy arrays and "
            "iterables of batches (a list of arrays, a generator, a PyDataset)."
        )
    for i, batch in enumerate(batches):
        if steps is not None and i >= steps:
            break
        yield batch[0] if isinstance(batch, tuple) else batch


# -- Keras's approximate quantiles (keras.src.layers.preprocessing.discretization) -------------
def _summarize(values, epsilon):
    """About `1 / epsilon` evenly spaced points of the sorted values, each weighted by the
    number of values it stands for: a (2, n) array of points and weights."""
    values = np.sort(values.reshape(-1))
    step = max(values.size / (1.0 / epsilon), 1)  # Keras's arithmetic, for the same points
    points = values[int(step - 1) :: int(step)]
    return np.stack([points, np.ones_like(points) * step])


def _merge_summaries(prev, new, epsilon):
    merged = np.concatenate((prev, new), axis=1)
    merged = merged[:, np.argsort(merged[0])]
    return _compress_summary(merged, epsilon)


def _compress_summary(summary, epsilon):
    """Interpolate the summary at the cumulative weights `epsilon, 2 epsilon, ..., 1`."""
    if summary.shape[1] * epsilon < 1:
        return summary
    percents = epsilon + np.arange(0.0, 1.0, epsilon)
    cum_weights = summary[1].cumsum()
    cum_percents = cum_weights / cum_weights[-1]
    points = np.interp(percents, cum_percents, summary[0])
    cum_new = np.interp(percents, cum_percents, cum_weights)
    weights = cum_new - np.concatenate((np.array([0]), cum_new[:-1]))
    return np.stack((points, weights)).astype("float32")
