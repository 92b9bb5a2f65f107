"""Distillation losses: how a `Distiller` compares the teacher's outputs with the student's
(Keras 3.12+'s `keras.distillation.DistillationLoss`, `LogitsDistillation`,
`FeatureDistillation`).

Each is a plain object (not a `Loss`): `compute_loss(teacher_outputs, student_outputs)`
returns one scalar, summed over the loss structure. Its `loss` may be a name, a Loss, a
function, or a nested structure of them (`None` skips that output), as in Keras.

>>> import numpy as np
>>> teacher = np.array([[2.0, 0.0]], "float32")
>>> student = np.array([[1.0, 1.0]], "float32")
>>> float(FeatureDistillation(loss="mse").compute_loss(teacher, student))
1.0
"""

from __future__ import annotations

from typing import Any

from numkeras import losses, ops, tree
from numkeras.errors import ConfigError


def _as_loss(item):
    """A loss name becomes what `losses.get` gives (for a function's name, the function:
    "kl_divergence" is not the `KLDivergence` class); anything else stays as it is."""
    if item is None or not isinstance(item, str):
        return item
    return losses.get(item)


def _structure(value):
    """`value`'s nesting with each leaf shown as `*` (for error messages)."""
    return tree.map_structure(lambda _: "*", value)


def _sum_losses(values: list):
    return ops.sum(ops.stack(values))


class DistillationLoss:
    """Base class: subclass it and override `compute_loss(teacher_outputs,
    student_outputs)` (a scalar) for your own distillation.

    >>> import numpy as np
    >>> class Gap(DistillationLoss):
    ...     def compute_loss(self, teacher_outputs, student_outputs, **kwargs):
    ...         return ops.mean(ops.abs(teacher_outputs - student_outputs))
    >>> float(Gap().compute_loss(np.ones((2, 3)), np.zeros((2, 3))))
    1.0
    """

    def compute_loss(self, teacher_outputs, student_outputs, **kwargs):
        raise NotImplementedError("Subclasses must implement compute_loss")

    def validate_outputs(self, teacher_outputs, student_outputs) -> None:
        """Raise a ValueError unless the two outputs have the same structure."""
        tree.assert_same_structure(teacher_outputs, student_outputs)

    def validate_model_compatibility(self, teacher, student) -> None:
        """Raise a ValueError if this loss cannot work on these two models (none here)."""

    def __repr__(self) -> str:
        config = self.get_config() if hasattr(self, "get_config") else {}
        args = ", ".join(f"{k}={v!r}" for k, v in config.items() if k != "loss")
        return f"{type(self).__name__}({args})"


def _check_some_loss(loss, message: str) -> None:
    if all(item is None for item in tree.flatten(loss)):
        raise ConfigError(message)


class FeatureDistillation(DistillationLoss):
    """Match a student layer's output to a teacher layer's (each model's final output when
    no layer is named): `mean(loss(teacher_features, student_features))`, summed over a
    structure of losses.

    Naming layers needs functional or Sequential models (their layers' symbolic outputs).

    >>> loss = FeatureDistillation(loss="mae", teacher_layer_name="hidden")
    >>> loss.get_config()["teacher_layer_name"]
    'hidden'
    """

    def __init__(
        self,
        loss: Any = "mse",
        teacher_layer_name: str | None = None,
        student_layer_name: str | None = None,
    ) -> None:
        self.teacher_layer_name = teacher_layer_name
        self.student_layer_name = student_layer_name
        self.loss = tree.map_structure(_as_loss, loss)
        _check_some_loss(
            self.loss,
            "The `loss` argument in `FeatureDistillation` must contain at least one "
            "non-`None` value.",
        )

    def validate_model_compatibility(self, teacher, student) -> None:
        if self.teacher_layer_name is not None or self.student_layer_name is not None:
            subclassed = [
                role
                for role, model in (("teacher", teacher), ("student", student))
                if getattr(model, "inputs", None) is None
            ]
            if subclassed:
                raise ConfigError(
                    "FeatureDistillation with specific layer names requires Functional or "
                    f"Sequential models. The {' and '.join(subclassed)} model(s) appear to be "
                    "subclassed (no symbolic inputs/outputs). Either use Functional/Sequential "
                    "models, or use FeatureDistillation without layer names (to distill "
                    "final outputs only), or use LogitsDistillation instead."
                )
        for role, model, name in (
            ("teacher", teacher, self.teacher_layer_name),
            ("student", student, self.student_layer_name),
        ):
            if name is not None:
                try:
                    model.get_layer(name=name)
                except ValueError as e:
                    raise ConfigError(f"In {role} model: {e}") from e

    def validate_outputs(self, teacher_outputs, student_outputs) -> None:
        super().validate_outputs(teacher_outputs, student_outputs)
        try:
            tree.assert_same_structure(self.loss, teacher_outputs)
        except ValueError as e:
            raise ConfigError(
                f"Loss structure mismatch. Loss structure: {_structure(self.loss)}, "
                f"Output structure: {_structure(teacher_outputs)}. Error: {e}"
            ) from e

    def compute_loss(self, teacher_outputs, student_outputs, **kwargs):
        def one(loss_fn, teacher, student):
            return 0.0 if loss_fn is None else ops.mean(loss_fn(teacher, student))

        values = tree.map_structure(one, self.loss, teacher_outputs, student_outputs)
        return _sum_losses(tree.flatten(values))

    def get_config(self) -> dict:
        from numkeras.saving.serialization_lib import serialize_keras_object

        return {
            "loss": serialize_keras_object(self.loss),
            "teacher_layer_name": self.teacher_layer_name,
            "student_layer_name": self.student_layer_name,
        }

    @classmethod
    def from_config(cls, config: dict) -> FeatureDistillation:
        from numkeras.saving.serialization_lib import deserialize_keras_object

        config = dict(config)
        config["loss"] = deserialize_keras_object(config["loss"])
        return cls(**config)


class LogitsDistillation(DistillationLoss):
    """Compare the two models' final outputs divided by `temperature`.

    With a `KLDivergence` instance the scaled logits become softmax probabilities and the
    loss is multiplied by `temperature ** 2` (Hinton et al.). Any other loss compares the
    scaled outputs directly, and so does the default: as in Keras 3.15, the name
    `"kl_divergence"` gives the `kl_divergence` *function*, which clips the scaled logits
    to [1e-7, 1] instead of taking their softmax. Pass `loss=losses.KLDivergence()` for
    the classic form.

    >>> LogitsDistillation(temperature=4.0).get_config()["temperature"]
    4.0
    """

    def __init__(self, temperature: float = 3.0, loss: Any = "kl_divergence") -> None:
        self.temperature = temperature
        self.loss = tree.map_structure(_as_loss, loss)
        _check_some_loss(self.loss, "At least one loss must be non-`None`.")
        if not isinstance(temperature, (int, float)) or isinstance(temperature, bool):
            raise ConfigError(f"temperature must be a number, got {type(temperature)}")
        if temperature <= 0.0:
            raise ConfigError("temperature must be positive.")

    def compute_loss(self, teacher_outputs, student_outputs, **kwargs):
        t = self.temperature
        teacher = tree.map_structure(lambda v: ops.divide(v, t), teacher_outputs)
        student = tree.map_structure(lambda v: ops.divide(v, t), student_outputs)

        def one(loss_fn, teacher_logits, student_logits):
            if loss_fn is None:
                return 0.0
            if isinstance(loss_fn, losses.KLDivergence):
                teacher_probs = ops.softmax(teacher_logits, axis=-1)
                student_probs = ops.softmax(student_logits, axis=-1)
                return ops.mean(loss_fn(teacher_probs, student_probs)) * (t**2)
            return ops.mean(loss_fn(teacher_logits, student_logits))

        values = tree.map_structure(one, self.loss, teacher, student)
        return _sum_losses(tree.flatten(values))

    def get_config(self) -> dict:
        from numkeras.saving.serialization_lib import serialize_keras_object

        return {"temperature": self.temperature, "loss": serialize_keras_object(self.loss)}

    @classmethod
    def from_config(cls, config: dict) -> LogitsDistillation:
        from numkeras.saving.serialization_lib import deserialize_keras_object

        config = dict(config)
        config["loss"] = deserialize_keras_object(config["loss"])
        return cls(**config)
