"""`TensorBoard`: write training logs that TensorBoard shows, as Keras 3's callback does.

The event files are written with `tensorboardX` (an optional extra:
`pip install "numkeras[tensorboard]"`), which needs neither TensorFlow nor TensorBoard.
`log_dir/train` gets `epoch_<name>` scalars (and `epoch_learning_rate`), weight histograms
and images, and the model's config for the graph tab; `log_dir/validation` gets the
`val_` values as `epoch_<name>` and evaluation results as
`evaluation_<name>_vs_iterations`. With `update_freq="batch"` (or every N batches) the
training batches' logs are written as `batch_<name>` too.

>>> import os, tempfile
>>> import numpy as np
>>> from numkeras.layers import Dense, Input
>>> from numkeras.models import Sequential
>>> model = Sequential([Input((3,)), Dense(1)])
>>> model.compile(optimizer="sgd", loss="mse")
>>> log_dir = tempfile.mkdtemp()
>>> history = model.fit(np.ones((8, 3)), np.ones((8, 1)), epochs=2, verbose=0,
...                     callbacks=[TensorBoard(log_dir)])
>>> sorted(os.listdir(log_dir))
['train']
"""

from __future__ import annotations

import itertools
import os
import time

import numpy as np

from numkeras import backend
from numkeras.callbacks.callback import Callback
from numkeras.errors import ConfigError, warn_deprecated
from numkeras.utils.checks import is_int

_WRITER_COUNT = itertools.count()

# Keras 2 (tf.keras) arguments that TF 2 already ignored
_KERAS2_IGNORED = ("write_grads", "batch_size", "embeddings_layer_names", "embeddings_data")


def _tensorboardx():
    try:
        import tensorboardX
    except ImportError as e:
        raise ImportError(
            "The TensorBoard callback writes its event files with tensorboardX, which is not "
            'installed: pip install tensorboardX (or pip install "numkeras[tensorboard]").'
        ) from e
    return tensorboardX


def _model_config_summary(json_string: str):
    """The `graph_keras_model` summary Keras writes, from which TensorBoard's graph tab
    draws the model's conceptual graph."""
    from tensorboardX.proto import summary_pb2, tensor_pb2, tensor_shape_pb2, types_pb2

    metadata = summary_pb2.SummaryMetadata()
    metadata.plugin_data.plugin_name = "graph_keras_model"
    metadata.plugin_data.content = b"1"
    tensor = tensor_pb2.TensorProto(
        dtype=types_pb2.DT_STRING,
        string_val=[json_string.encode("utf-8")],
        tensor_shape=tensor_shape_pb2.TensorShapeProto(),
    )
    value = summary_pb2.Summary.Value(tag="keras", metadata=metadata, tensor=tensor)
    return summary_pb2.Summary(value=[value])


def _weight_image(w: np.ndarray) -> np.ndarray | None:
    """A weight as a batch of images `(n, height, width, 1)`, as Keras lays it out (a bias
    is one row, a kernel is wider than tall, a 3-D kernel is one image per last index);
    None for shapes Keras does not draw."""
    w = np.squeeze(w)
    if w.ndim == 1:
        w = w.reshape(1, w.shape[0], 1, 1)
    elif w.ndim == 2:
        if w.shape[0] > w.shape[1]:
            w = w.T
        w = w.reshape(1, w.shape[0], w.shape[1], 1)
    elif w.ndim == 3:  # channels last: one image per channel
        w = np.transpose(w, (2, 0, 1))
        w = w.reshape(*w.shape, 1)
    return w if w.ndim == 4 and w.shape[-1] in (1, 3, 4) else None


class TensorBoard(Callback):
    """Write logs for TensorBoard (`tensorboard --logdir log_dir`), as Keras 3 does.

    Args:
        log_dir: Where to write; `train/` and `validation/` are made below it.
        histogram_freq: Every how many epochs to write the weights' histograms (0: never).
        write_graph: Write the model's config, which TensorBoard draws as a graph.
        write_images: With `histogram_freq`, also write the weights as images.
        write_steps_per_second: Also write training steps per second.
        update_freq: `"epoch"`, `"batch"` or N: also write the training batches' logs
            (`batch_<name>`), every N batches.
        profile_batch: Must be 0: numkeras has no profiler trace to write.
        embeddings_freq: Every how many epochs to save the weights for the projector
            (as Keras: `train/keras_embedding.ckpt-<epoch>.weights.h5`; 0: never).
        embeddings_metadata: Accepted for Keras compatibility (the projector's labels).

    Keras 2's `write_grads`, `batch_size`, `embeddings_layer_names` and `embeddings_data`
    are accepted for old scripts and ignored with a note, as tf.keras does (Keras 3
    raises `TypeError`).
    """

    def __init__(
        self,
        log_dir="logs",
        histogram_freq: int = 0,
        write_graph: bool = True,
        write_images: bool = False,
        write_steps_per_second: bool = False,
        update_freq="epoch",
        profile_batch=0,
        embeddings_freq: int = 0,
        embeddings_metadata=None,
        **kwargs,
    ):
        super().__init__()
        for name in kwargs:
            if name not in _KERAS2_IGNORED:
                raise TypeError(
                    f"TensorBoard.__init__() got an unexpected keyword argument {name!r}"
                )
            warn_deprecated(f"TensorBoard({name}=...) is a Keras 2 argument; it is ignored.")
        if update_freq not in ("epoch", "batch") and not (is_int(update_freq) and update_freq > 0):
            raise ConfigError(
                "`update_freq` must be 'epoch', 'batch' or a positive number of batches; "
                f"received {update_freq!r}."
            )
        for name, value in (
            ("histogram_freq", histogram_freq),
            ("embeddings_freq", embeddings_freq),
        ):
            if not is_int(value) or value < 0:
                raise ConfigError(f"`{name}` must be a non-negative integer; received {value!r}.")
        if profile_batch:
            raise ConfigError(
                "Profiling is not available in numkeras (Keras profiles through the "
                f"TensorFlow or JAX profiler). Received: profile_batch={profile_batch!r} "
                "(must be 0)."
            )
        _tensorboardx()  # missing: say so now, not after the first epoch
        self.log_dir = os.fspath(log_dir)
        self.histogram_freq = int(histogram_freq)
        self.write_graph = bool(write_graph)
        self.write_images = bool(write_images)
        self.write_steps_per_second = bool(write_steps_per_second)
        self.update_freq = 1 if update_freq == "batch" else update_freq
        self.embeddings_freq = int(embeddings_freq)
        self.embeddings_metadata = embeddings_metadata
        self._writers: dict = {}
        self._in_fit = False
        self._global_train_batch = 0
        self._epoch_start = 0.0
        self._epoch_start_iterations = 0
        self._batch_start = 0.0

    def __repr__(self) -> str:
        return (
            f"TensorBoard(log_dir={self.log_dir!r}, histogram_freq={self.histogram_freq}, "
            f"update_freq={self.update_freq!r})"
        )

    # -- writers --------------------------------------------------------------------------
    def _writer(self, which: str):
        if which not in self._writers:
            subdir = "train" if which == "train" else "validation"
            # tensorboardX names a file by the second and the host only, so a writer
            # reopened within the same second (`evaluate` after `fit`) would overwrite the
            # first file; a process-wide counter keeps the names apart, as TensorFlow's
            # `.<pid>.<n>.v2` suffix does.
            writer = _tensorboardx().SummaryWriter(
                os.path.join(self.log_dir, subdir),
                filename_suffix=f".{os.getpid()}.{next(_WRITER_COUNT)}.v2",
            )
            self._writers[which] = writer
        return self._writers[which]

    def _close_writers(self) -> None:
        for writer in self._writers.values():
            writer.close()
        self._writers = {}

    def set_model(self, model) -> None:
        super().set_model(model)
        self._close_writers()
        if self.write_graph and getattr(model, "_graph_ready", False):
            try:
                json_string = model.to_json()
            except Exception as e:  # noqa: BLE001 - as Keras: a model that cannot serialize
                import warnings

                warnings.warn(f"Model failed to serialize as JSON. Ignoring... {e}", stacklevel=2)
            else:
                writer = self._writer("train")
                writer._get_file_writer().add_summary(_model_config_summary(json_string), 0)

    # -- training -------------------------------------------------------------------------
    def on_train_begin(self, logs=None) -> None:
        self._global_train_batch = 0
        self._in_fit = True

    def on_train_end(self, logs=None) -> None:
        self._in_fit = False
        self._close_writers()

    def on_epoch_begin(self, epoch, logs=None) -> None:
        if self.write_steps_per_second:
            self._epoch_start = time.time()
            self._epoch_start_iterations = self._iterations()

    def on_train_batch_begin(self, batch, logs=None) -> None:
        self._global_train_batch += 1
        if self.write_steps_per_second:
            self._batch_start = time.time()

    def on_train_batch_end(self, batch, logs=None) -> None:
        if self.update_freq == "epoch" or self._global_train_batch % self.update_freq:
            return
        writer, step = self._writer("train"), self._global_train_batch
        if self.write_steps_per_second:
            elapsed = max(time.time() - self._batch_start, 1e-9)
            writer.add_scalar("batch_steps_per_second", 1.0 / elapsed, step)
        for name, value in (logs or {}).items():
            writer.add_scalar(f"batch_{name}", float(value), step)

    def on_epoch_end(self, epoch, logs=None) -> None:
        self._log_epoch_metrics(epoch, logs or {})
        if self.histogram_freq and epoch % self.histogram_freq == 0:
            self._log_weights(epoch)
        if self.embeddings_freq and epoch % self.embeddings_freq == 0:
            path = os.path.join(self.log_dir, "train", f"keras_embedding.ckpt-{epoch}.weights.h5")
            self.model.save_weights(path)

    def on_test_end(self, logs=None) -> None:
        optimizer = getattr(self.model, "optimizer", None)
        if optimizer is None or not logs:
            return
        writer = self._writer("val")
        for name, value in logs.items():
            writer.add_scalar(f"evaluation_{name}_vs_iterations", float(value), self._iterations())
        if self._in_fit:
            writer.flush()
        else:  # a plain `evaluate`: nothing follows to close the files
            self._close_writers()

    # -- what is written ------------------------------------------------------------------
    def _iterations(self) -> int:
        optimizer = getattr(self.model, "optimizer", None)
        return int(getattr(optimizer, "iterations", 0)) if optimizer is not None else 0

    def _log_epoch_metrics(self, epoch: int, logs: dict) -> None:
        if not logs:
            return
        train = {k: v for k, v in logs.items() if not k.startswith("val_")}
        val = {k[4:]: v for k, v in logs.items() if k.startswith("val_")}
        optimizer = getattr(self.model, "optimizer", None)
        if optimizer is not None:
            train["learning_rate"] = float(optimizer.learning_rate)
        if self.write_steps_per_second:
            elapsed = max(time.time() - self._epoch_start, 1e-9)
            train["steps_per_second"] = (
                self._iterations() - self._epoch_start_iterations
            ) / elapsed
        for which, values in (("train", train), ("val", val)):
            if values:
                writer = self._writer(which)
                for name, value in values.items():
                    writer.add_scalar(f"epoch_{name}", float(value), epoch)
                writer.flush()

    def _log_weights(self, epoch: int) -> None:
        writer = self._writer("train")
        for layer in self.model.layers:
            for weight in layer.weights:
                name = weight.path.replace(":", "_")
                values = backend.to_numpy(weight.value)
                writer.add_histogram(f"{name}/histogram", values, epoch)
                if self.write_images:
                    image = _weight_image(values)
                    if image is not None:
                        writer.add_images(f"{name}/image", image, epoch, dataformats="NHWC")
        writer.flush()
