"""`Distiller`: train a small student model from labels and a frozen teacher's outputs
(Keras 3.12+'s `keras.distillation.Distiller`).

The training loss is `w * student_loss + (1 - w) * distillation_loss`, where
`student_loss` is the compiled `loss` on the labels, `distillation_loss` the weighted sum of
the distillation losses (teacher against student), and `w` is `student_loss_weight`. The
three are also logged (`student_loss`, `distillation_loss`, `total_loss`: means of the
batches' values, while `loss` weighs each batch by its rows, as Keras's trackers do).

>>> import numpy as np
>>> from numkeras import layers, models
>>> from numkeras.distillation import LogitsDistillation
>>> def mlp(units):
...     return models.Sequential([layers.Input((4,)), layers.Dense(units, activation="relu"),
...                               layers.Dense(3)])
>>> distiller = Distiller(teacher=mlp(16), student=mlp(4),
...                       distillation_losses=LogitsDistillation(temperature=2.0))
>>> distiller.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
>>> x, y = np.random.rand(8, 4).astype("float32"), np.arange(8) % 3
>>> sorted(distiller.fit(x, y, epochs=1, verbose=0).history)
['distillation_loss', 'loss', 'student_loss', 'total_loss']
>>> distiller.student.predict(x, verbose=0).shape   # the trained student, on its own
(8, 3)
"""

from __future__ import annotations

import functools
from typing import Any

from numkeras import metrics, ops, tree
from numkeras.distillation.distillation_loss import _as_loss
from numkeras.errors import ConfigError, ShapeError
from numkeras.models.model import Model
from numkeras.models.sequential import Sequential

FINAL = "final_output"  # the key of a model's own output among the extracted features


def _symbolic(model, attribute: str):
    return getattr(model, attribute, None)


class Distiller(Model):
    """Knowledge distillation from `teacher` (frozen: `trainable = False`) into `student`.

    Args:
        teacher: a trained Model, the knowledge source.
        student: the Model to train (`distiller.student` afterwards).
        distillation_losses: one `DistillationLoss` or a list of them.
        distillation_loss_weights: one weight per distillation loss (default all 1.0).
        student_loss_weight: the labels' share of the loss, in [0, 1] (default 0.5).

    `compile(optimizer, loss, metrics)` takes the student's supervised loss (required) and
    metrics (a list); calling the distiller runs the student.
    """

    def __init__(
        self,
        teacher,
        student,
        distillation_losses,
        distillation_loss_weights: list | None = None,
        student_loss_weight: float = 0.5,
        name: str = "distiller",
        **kwargs,
    ) -> None:
        super().__init__(name=name, **kwargs)
        self._validate_models(teacher, student)
        self.teacher = teacher
        self.student = student
        if not isinstance(student_loss_weight, (int, float)):
            raise ConfigError(
                f"student_loss_weight must be a number, got {type(student_loss_weight)}"
            )
        if not 0.0 <= student_loss_weight <= 1.0:
            raise ConfigError(
                f"student_loss_weight must be between 0.0 and 1.0, got {student_loss_weight}"
            )
        self.student_loss_weight = student_loss_weight
        if distillation_losses is None:
            raise ConfigError(
                "'distillation_losses' cannot be `None`. Provide a distillation loss (e.g., "
                "LogitsDistillation or FeatureDistillation) or a list of distillation losses."
            )
        if not isinstance(distillation_losses, (list, tuple)):
            distillation_losses, weights = [distillation_losses], [1.0]
        elif distillation_loss_weights is None:
            weights = [1.0] * len(distillation_losses)
        elif len(distillation_loss_weights) != len(distillation_losses):
            raise ConfigError(
                f"Number of distillation_loss_weights ({len(distillation_loss_weights)}) "
                f"must match number of distillation_losses ({len(distillation_losses)})"
            )
        else:
            weights = distillation_loss_weights
        self.distillation_losses = distillation_losses
        self.distillation_loss_weights = weights
        for loss in self.distillation_losses:
            loss.validate_model_compatibility(teacher, student)
        self._teacher_features = self._feature_extractor(teacher, "teacher_layer_name")
        self._student_features = self._feature_extractor(student, "student_layer_name")
        self.teacher.trainable = False
        self.student_loss_tracker = metrics.Mean(name="student_loss")
        self.distillation_loss_tracker = metrics.Mean(name="distillation_loss")
        self.total_loss_tracker = metrics.Mean(name="total_loss")

    # -- checks -------------------------------------------------------------------------
    def _validate_models(self, teacher, student) -> None:
        for role, model in (("Teacher", teacher), ("Student", student)):
            if not isinstance(model, Model):
                raise ConfigError(f"{role} must be a keras.Model, got {type(model)}")
        # (Keras's order: both shapes, then both dtypes; a subclassed model has neither)
        pairs = [
            (_symbolic(teacher, attribute), _symbolic(student, attribute), context)
            for attribute, context in (("inputs", "input"), ("outputs", "output"))
        ]
        for t, s, context in pairs:
            if t is not None and s is not None:
                tree.map_structure(functools.partial(_same_shapes, context=context), t, s)
        for t, s, context in pairs:
            if t is None or s is None:
                return
            tree.map_structure(functools.partial(_same_dtypes, context=context), t, s)

    def _feature_extractor(self, model, attribute: str):
        """A functional model giving `model`'s output and each named layer's, in one pass
        (None when no distillation loss names a layer of it)."""
        names: list[str] = []
        for loss in self.distillation_losses:
            name = getattr(loss, attribute, None)
            if name and name not in names:
                names.append(name)
        if not names:
            return None
        if _symbolic(model, "inputs") is None:
            raise ConfigError(
                f"Cannot create feature extractor for {model.name}. The model has no symbolic "
                "inputs attribute."
            )
        final = model.layers[-1].output if isinstance(model, Sequential) else model.output
        outputs = {FINAL: final}
        for name in names:
            outputs[name] = model.get_layer(name=name).output
        return Model(
            inputs=model.inputs, outputs=outputs, name=f"{model.name}_multi_feature_extractor"
        )

    # -- training -----------------------------------------------------------------------
    def compile(self, optimizer: Any = "adam", loss: Any = None, metrics=None, **kwargs) -> None:
        """Compile with the student's supervised `loss` (required) and `metrics` (a list)."""
        if loss is None:
            raise ConfigError("'loss' cannot be `None`.")
        self._student_loss = tree.map_structure(_as_loss, loss)
        self._student_loss_for_serialization = loss
        if metrics is not None and not isinstance(metrics, (list, tuple)):
            raise ConfigError(f"metrics must be a list or tuple, got {type(metrics)}")
        super().compile(optimizer=optimizer, loss=None, metrics=metrics, **kwargs)

    def call(self, inputs, training=None, **kwargs):
        return self.student(inputs, training=training, **kwargs)

    def compute_loss(self, x=None, y=None, y_pred=None, sample_weight=None, training=True):
        """The combined loss of one batch (sample weights are not used, as in Keras)."""
        if y_pred is None:
            y_pred = self(x, training=training)
        student_loss = 0.0
        if self.student_loss_weight > 0.0 and y is not None:
            values = tree.flatten(
                tree.map_structure(lambda fn, t, p: fn(t, p), self._student_loss, y, y_pred)
            )
            student_loss = ops.sum(ops.stack(values)) if len(values) > 1 else values[0]
            if len(ops.shape(student_loss)) > 0:  # a loss function's per-sample values
                student_loss = ops.mean(student_loss)
        distillation_loss = 0.0
        if self.student_loss_weight < 1.0:
            distillation_loss = self._distillation_loss(x, y_pred)
        w = self.student_loss_weight
        total_loss = ops.add(
            ops.multiply(w, student_loss),
            ops.multiply(ops.subtract(1.0, w), distillation_loss),
        )
        self.student_loss_tracker.update_state(student_loss)
        self.distillation_loss_tracker.update_state(distillation_loss)
        self.total_loss_tracker.update_state(total_loss)
        return total_loss

    def _distillation_loss(self, x, y_pred):
        if self._teacher_features is not None:
            teacher = self._teacher_features(x, training=False)
        else:
            teacher = {FINAL: self.teacher(x, training=False)}
        if self._student_features is not None:  # (the student runs again, to its layers)
            student = self._student_features(x, training=True)
        else:
            student = {FINAL: y_pred}
        total = 0.0
        for loss, weight in zip(self.distillation_losses, self.distillation_loss_weights):
            if getattr(loss, "teacher_layer_name", None) is not None:
                try:
                    t = _feature(loss.teacher_layer_name, teacher)
                    s = _feature(loss.student_layer_name, student)
                except ValueError as e:
                    raise RuntimeError(
                        f"Failed to extract features for {type(loss).__name__} targeting "
                        f"teacher layer '{loss.teacher_layer_name}' and student layer "
                        f"'{loss.student_layer_name}'. Original error: {e}"
                    ) from e
            else:
                t, s = teacher[FINAL], y_pred
            loss.validate_outputs(t, s)
            value = loss.compute_loss(t, s)
            if len(ops.shape(value)) > 0:
                raise ShapeError(
                    f"Distillation loss {type(loss).__name__} returned a non-scalar loss with "
                    f"shape {tuple(ops.shape(value))}. The compute_loss method must return a "
                    "scalar tensor."
                )
            total = ops.add(total, ops.multiply(weight, value))
        return total

    def reset_metrics(self) -> None:
        super().reset_metrics()
        self.student_loss_tracker.reset_state()
        self.distillation_loss_tracker.reset_state()
        self.total_loss_tracker.reset_state()

    # -- config -------------------------------------------------------------------------
    def get_config(self) -> dict:
        from numkeras.saving.serialization_lib import serialize_keras_object

        config = super().get_config()
        config.update(
            {
                "teacher": serialize_keras_object(self.teacher),
                "student": serialize_keras_object(self.student),
                "distillation_losses": [
                    serialize_keras_object(loss) for loss in self.distillation_losses
                ],
                "distillation_loss_weights": self.distillation_loss_weights,
                "student_loss_weight": self.student_loss_weight,
            }
        )
        return config

    @classmethod
    def from_config(cls, config: dict, custom_objects: dict | None = None) -> Distiller:
        from numkeras.saving.serialization_lib import deserialize_keras_object

        config = dict(config)
        for key in ("teacher", "student"):
            config[key] = deserialize_keras_object(config[key], custom_objects)
        config["distillation_losses"] = [
            deserialize_keras_object(c, custom_objects) for c in config["distillation_losses"]
        ]
        return cls(**config)


def _same_shapes(teacher, student, context: str) -> None:
    shape1, shape2 = teacher.shape, student.shape
    if len(shape1) != len(shape2):
        raise ShapeError(
            f"Teacher and student {context} shapes have different dimensions. "
            f"Teacher: {shape1}, Student: {shape2}."
        )
    for a, b in zip(shape1, shape2):
        if a is not None and b is not None and a != b:
            raise ShapeError(
                f"Teacher and student {context} shapes are incompatible. Teacher: {shape1}, "
                f"Student: {shape2}. All dimensions must match."
            )


def _same_dtypes(teacher, student, context: str) -> None:
    teacher_dtype, student_dtype = teacher.dtype, student.dtype
    if teacher_dtype != student_dtype:
        raise ConfigError(
            f"Teacher and student {context} dtypes must match. Teacher: {teacher_dtype}, "
            f"Student: {student_dtype}."
        )


def _feature(name: str | None, features: dict):
    key = name or FINAL
    if key not in features:
        raise ConfigError(
            f"Layer '{key}' not found in extracted features. Available: {list(features)}"
        )
    return features[key]
