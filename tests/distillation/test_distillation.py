"""`numkeras.distillation` trains, logs, evaluates, serializes and refuses bad arguments as
Keras 3's `keras.distillation` (goldens from scripts/goldens/make_distillation.py)."""

import json

import numpy as np
import pytest

import numkeras
from numkeras import distillation

from ..differential import assert_json_close, goldens, scenario_script

GOLD = goldens("distillation")
SCRIPT = scenario_script("make_distillation")


@pytest.mark.parametrize("name", sorted(SCRIPT.SCENARIOS))
def test_distillation_matches_keras(name):
    numkeras.utils.clear_session(free_memory=False)
    got = json.loads(json.dumps(SCRIPT.SCENARIOS[name](numkeras)))  # (as the goldens)
    assert_json_close(got, GOLD[name], rtol=1e-4, atol=1e-5, where=name)
    for key in ("evaluate", "history", "first", "test"):  # (Keras sorts a step's logs)
        if key in got:
            assert list(got[key]) == list(GOLD[name][key]), key


def _pair():
    def mlp(units):
        return numkeras.Sequential(
            [
                numkeras.Input((3,)),
                numkeras.layers.Dense(units, activation="tanh"),
                numkeras.layers.Dense(2),
            ]
        )

    return mlp(5), mlp(3)


def test_distiller_gradient_matches_finite_differences(float64):
    """The combined loss's gradient with respect to a student weight, as `fit` applies it
    (SGD, one step), against a central difference of `compute_loss`."""
    rng = np.random.default_rng(0)
    x = rng.standard_normal((6, 3)).astype("float64")
    y = rng.integers(0, 2, 6)
    teacher, student = _pair()
    distiller = distillation.Distiller(
        teacher,
        student,
        [
            distillation.LogitsDistillation(2.0, loss=numkeras.losses.KLDivergence()),
            distillation.FeatureDistillation("mse"),
        ],
        [1.0, 0.5],
        student_loss_weight=0.4,
    )
    distiller.compile(
        optimizer=numkeras.optimizers.SGD(1.0),
        loss=numkeras.losses.SparseCategoricalCrossentropy(from_logits=True),
    )
    kernel = student.layers[0].kernel
    before = kernel.numpy().copy()

    def loss_at(value):
        kernel.assign(value)
        return float(distiller.compute_loss(x, y, student(x)))

    h = 1e-6
    numeric = np.zeros_like(before)
    for i in np.ndindex(before.shape):
        up, down = before.copy(), before.copy()
        up[i] += h
        down[i] -= h
        numeric[i] = (loss_at(up) - loss_at(down)) / (2 * h)
    kernel.assign(before)
    distiller.train_on_batch(x, y)
    np.testing.assert_allclose(before - kernel.numpy(), numeric, rtol=1e-6, atol=1e-9)


def test_keras_written_distiller_config_loads():
    teacher, student = _pair()
    distiller = distillation.Distiller(teacher, student, distillation.LogitsDistillation())
    config = numkeras.saving.serialize_keras_object(distiller)
    assert config["module"] == "keras.distillation"
    assert config["config"]["distillation_losses"][0]["module"] == "keras.distillation"
    again = numkeras.saving.deserialize_keras_object(config)
    assert isinstance(again, distillation.Distiller)
    assert again.teacher.trainable is False


def test_saved_distiller_reloads_its_student(tmp_path):
    teacher, student = _pair()
    distiller = distillation.Distiller(teacher, student, distillation.LogitsDistillation())
    distiller.compile(optimizer="adam", loss="mse")
    x = np.ones((4, 3), "float32")
    distiller.fit(x, np.zeros((4, 2), "float32"), verbose=0)
    path = tmp_path / "d.keras"
    distiller.save(path)
    with pytest.warns(UserWarning, match="compile"):  # (its compile needs its own loss)
        loaded = numkeras.saving.load_model(path)
    np.testing.assert_allclose(loaded.predict(x, verbose=0), distiller.predict(x, verbose=0))
