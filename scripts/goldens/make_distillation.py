"""Goldens for tests/distillation/test_distillation.py: `keras.distillation` (Keras 3.12+)
as Keras 3 runs it. A Distiller trains a student from labels and a frozen teacher; its
logs, evaluate results, metrics, weights after training, config and errors.

Each scenario is a function of the `keras` module (real Keras 3 here, numkeras in the test)
returning JSON-able values. Run with Keras 3 and JAX installed (writes
tests/goldens/distillation.json):
    KERAS_BACKEND=jax /work/kenv/bin/python scripts/goldens/make_distillation.py
"""

from __future__ import annotations

import pathlib
import sys

import numpy as np

ROOT = pathlib.Path(__file__).parents[2]
sys.path.insert(0, str(ROOT))
from tests.differential import Scenarios, builtin_error  # noqa: E402

OUT = ROOT / "tests" / "goldens" / "distillation.json"
SCENARIOS = Scenarios()
scenario = SCENARIOS.scenario

_rng = np.random.default_rng(7)
X = _rng.standard_normal((40, 6)).astype("float32")
Y = _rng.integers(0, 4, 40)
WEIGHTS = {
    units: [_rng.standard_normal(s).astype("float32") * 0.5 for s in shapes]
    for units, shapes in (
        (8, [(6, 8), (8,), (8, 4), (4,)]),
        (5, [(6, 5), (5,), (5, 4), (4,)]),
    )
}


def _rounded(value):
    if isinstance(value, dict):
        return {k: _rounded(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_rounded(v) for v in value]
    if isinstance(value, np.ndarray):
        return _rounded(value.tolist())
    return round(float(value), 5)


def _mlp(keras, units: int, name: str, functional: bool = False):
    """6 -> units (relu) -> 4 logits, with fixed weights."""
    Dense = keras.layers.Dense
    if functional:
        inputs = keras.Input((6,))
        hidden = Dense(units, activation="relu", name=f"{name}_h")(inputs)
        model = keras.Model(inputs, Dense(4, name=f"{name}_o")(hidden), name=name)
    else:
        model = keras.Sequential(
            [
                keras.Input((6,)),
                Dense(units, activation="relu", name=f"{name}_h"),
                Dense(4, name=f"{name}_o"),
            ],
            name=name,
        )
    model.set_weights(WEIGHTS[units])
    return model


def _pair(keras, functional: bool = False):
    return _mlp(keras, 8, "teacher", functional), _mlp(keras, 5, "student", functional)


def _trained(keras, distiller, **compile_kwargs):
    compile_kwargs.setdefault("optimizer", keras.optimizers.SGD(0.1))
    compile_kwargs.setdefault("loss", keras.losses.SparseCategoricalCrossentropy(from_logits=True))
    distiller.compile(**compile_kwargs)
    history = distiller.fit(X, Y, epochs=2, batch_size=16, verbose=0, shuffle=False)
    return {
        "history": _rounded(history.history),
        "evaluate": _rounded(distiller.evaluate(X, Y, verbose=0, return_dict=True)),
        "evaluate_list": _rounded(distiller.evaluate(X, Y, verbose=0)),
        "metrics": [m.name for m in distiller.metrics],
        "student_weights": _rounded(distiller.student.get_weights()),
        "teacher_unchanged": all(
            np.array_equal(a, b) for a, b in zip(distiller.teacher.get_weights(), WEIGHTS[8])
        ),
        "predict": _rounded(distiller.predict(X[:3], verbose=0)),
    }


@scenario
def logits_and_features_weighted(keras):
    d = keras.distillation
    teacher, student = _pair(keras)
    distiller = d.Distiller(
        teacher=teacher,
        student=student,
        distillation_losses=[
            d.LogitsDistillation(temperature=2.0),
            d.FeatureDistillation(
                loss="mse", teacher_layer_name="teacher_o", student_layer_name="student_o"
            ),
        ],
        distillation_loss_weights=[1.0, 0.5],
        student_loss_weight=0.3,
    )
    out = _trained(keras, distiller, metrics=["accuracy"])
    out["counts"] = [
        len(distiller.trainable_weights),
        len(distiller.non_trainable_weights),
        teacher.trainable,
    ]
    return out


@scenario
def kl_divergence_instance_softmax_and_temperature_squared(keras):
    d = keras.distillation
    teacher, student = _pair(keras, functional=True)
    distiller = d.Distiller(
        teacher=teacher,
        student=student,
        distillation_losses=d.LogitsDistillation(temperature=3.0, loss=keras.losses.KLDivergence()),
    )
    return _trained(keras, distiller, optimizer=keras.optimizers.Adam(0.01))


@scenario
def hidden_layer_features_with_cosine_and_mae(keras):
    d = keras.distillation
    teacher, student = _pair(keras, functional=True)
    student_h = keras.Sequential(
        [keras.Input((6,)), keras.layers.Dense(8, activation="relu", name="sh")], name="s2"
    )
    student_h.set_weights(WEIGHTS[8][:2])
    top = keras.layers.Dense(4, name="so")
    inputs = keras.Input((6,))
    student = keras.Model(inputs, top(student_h(inputs)), name="student")
    student.get_layer("so").set_weights([w * 0.3 for w in WEIGHTS[8][2:]])
    distiller = d.Distiller(
        teacher=teacher,
        student=student,
        distillation_losses=[
            d.FeatureDistillation(loss="cosine_similarity"),
            d.FeatureDistillation(
                loss=keras.losses.MeanAbsoluteError(),
                teacher_layer_name="teacher_o",
                student_layer_name="so",
            ),
        ],
        student_loss_weight=0.0,
    )
    return _trained(keras, distiller)


@scenario
def student_loss_only(keras):
    d = keras.distillation
    teacher, student = _pair(keras)
    distiller = d.Distiller(
        teacher=teacher,
        student=student,
        distillation_losses=d.LogitsDistillation(),
        student_loss_weight=1.0,
    )
    return _trained(keras, distiller, loss="sparse_categorical_crossentropy")


@scenario
def train_on_batch_and_test_on_batch(keras):
    d = keras.distillation
    teacher, student = _pair(keras)
    distiller = d.Distiller(
        teacher=teacher, student=student, distillation_losses=d.LogitsDistillation(4.0)
    )
    distiller.compile(
        optimizer=keras.optimizers.SGD(0.05),
        loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
        metrics=["sparse_categorical_accuracy"],
    )
    first = distiller.train_on_batch(X[:16], Y[:16], return_dict=True)
    second = distiller.train_on_batch(X[16:], Y[16:])
    return {
        "first": _rounded(first),
        "second": _rounded(second),
        "test": _rounded(distiller.test_on_batch(X, Y, return_dict=True)),
        "weights": _rounded(student.get_weights()[-1]),
    }


@scenario
def configs(keras):
    d = keras.distillation
    teacher, student = _pair(keras)
    losses = [
        d.LogitsDistillation(temperature=2.5, loss=keras.losses.KLDivergence()),
        d.FeatureDistillation(
            loss="mae", teacher_layer_name="teacher_o", student_layer_name="student_o"
        ),
    ]
    distiller = d.Distiller(teacher, student, losses, [0.7, 0.3], student_loss_weight=0.25)
    config = keras.saving.serialize_keras_object(distiller)
    inner = config["config"]
    loss_configs = keras.saving.serialize_keras_object(losses)
    restored = d.Distiller.from_config(distiller.get_config())
    return {
        "module": config["module"],
        "class_name": config["class_name"],
        "keys": sorted(inner),
        "weights": inner["distillation_loss_weights"],
        "student_loss_weight": inner["student_loss_weight"],
        "losses": loss_configs,
        "teacher_class": inner["teacher"]["class_name"],
        "restored": [
            type(restored).__name__,
            restored.student_loss_weight,
            [type(x).__name__ for x in restored.distillation_losses],
            restored.distillation_losses[0].temperature,
            restored.teacher.trainable,
        ],
        "predict_equal": bool(
            np.allclose(restored.predict(X[:4], verbose=0), distiller.predict(X[:4], verbose=0))
        ),
    }


@scenario
def errors(keras):
    d = keras.distillation
    teacher, student = _pair(keras)
    wide = keras.Sequential([keras.Input((6,)), keras.layers.Dense(3)])
    other_input = keras.Sequential([keras.Input((5,)), keras.layers.Dense(4)])
    logits = d.LogitsDistillation()

    def make(**kwargs):
        args = dict(teacher=teacher, student=student, distillation_losses=logits)
        args.update(kwargs)
        return d.Distiller(**args)

    def compile_with(**kwargs):
        make().compile(**kwargs)

    return {
        "not_a_model": builtin_error(lambda: make(teacher=keras.layers.Dense(4))),
        "output_shapes": builtin_error(lambda: make(student=wide)),
        "input_shapes": builtin_error(lambda: make(student=other_input)),
        "weight_range": builtin_error(lambda: make(student_loss_weight=1.5)),
        "weight_type": builtin_error(lambda: make(student_loss_weight="half")),
        "no_losses": builtin_error(lambda: make(distillation_losses=None)),
        "weights_length": builtin_error(
            lambda: make(distillation_losses=[logits], distillation_loss_weights=[1.0, 2.0])
        ),
        "unknown_layer": builtin_error(
            lambda: make(distillation_losses=d.FeatureDistillation(teacher_layer_name="nope"))
        ),
        "temperature": builtin_error(lambda: d.LogitsDistillation(temperature=0)),
        "all_none": builtin_error(lambda: d.FeatureDistillation(loss=[None, None])),
        "compile_no_loss": builtin_error(lambda: compile_with(optimizer="sgd")),
        "compile_metrics_not_list": builtin_error(
            lambda: compile_with(loss="mse", metrics="accuracy")
        ),
    }


def main():
    SCENARIOS.write(OUT, sys.argv[1:])


if __name__ == "__main__":
    main()
