"""losses.get / serialize / deserialize, configs, reprs, and 'crossentropy' resolution."""

import json
import pathlib

import numpy as np
import pytest

from numkeras import losses
from numkeras.errors import ConfigError, DeprecatedArgumentWarning

RESOLVE = json.loads(
    (pathlib.Path(__file__).resolve().parents[1] / "goldens" / "metrics_resolve.json").read_text()
)


@pytest.mark.parametrize(
    "name,cls",
    [
        ("binary_crossentropy", losses.BinaryCrossentropy),
        ("bce", losses.BinaryCrossentropy),
        ("BCE", losses.BinaryCrossentropy),
        ("mse", losses.MeanSquaredError),
        ("MSE", losses.MeanSquaredError),
        ("mean_squared_error", losses.MeanSquaredError),
        ("mae", losses.MeanAbsoluteError),
        ("mape", losses.MeanAbsolutePercentageError),
        ("msle", losses.MeanSquaredLogarithmicError),
        ("categorical_crossentropy", losses.CategoricalCrossentropy),
        ("sparse_categorical_crossentropy", losses.SparseCategoricalCrossentropy),
        ("huber", losses.Huber),
        ("hinge", losses.Hinge),
        ("squared_hinge", losses.SquaredHinge),
        ("categorical_hinge", losses.CategoricalHinge),
        ("kl_divergence", losses.KLDivergence),
        ("kld", losses.KLDivergence),
        ("KLD", losses.KLDivergence),
        ("poisson", losses.Poisson),
        ("log_cosh", losses.LogCosh),
        ("cosine_similarity", losses.CosineSimilarity),
        ("BinaryCrossentropy", losses.BinaryCrossentropy),
        ("Huber", losses.Huber),
    ],
)
def test_get_by_name(name, cls):
    loss = losses.to_loss(name)
    assert type(loss) is cls
    # a function name keeps the user's spelling (Keras's compile does the same)
    assert loss.name == (name if name[0].islower() or name.isupper() else cls().name)


def test_get_keras2_names_with_a_note():
    with pytest.warns(DeprecatedArgumentWarning, match="kl_divergence"):
        assert type(losses.to_loss("kullback_leibler_divergence")) is losses.KLDivergence
    with pytest.warns(DeprecatedArgumentWarning, match="log_cosh"):
        assert type(losses.to_loss("logcosh")) is losses.LogCosh


def test_get_other_identifiers():
    bce = losses.BinaryCrossentropy(from_logits=True)
    assert losses.to_loss(bce) is bce
    assert losses.to_loss(None) is None
    assert type(losses.to_loss(losses.Poisson)) is losses.Poisson
    from_fn = losses.to_loss(losses.mean_squared_error)
    assert type(from_fn) is losses.MeanSquaredError and from_fn.name == "mean_squared_error"
    from_dict = losses.to_loss({"class_name": "Huber", "config": {"delta": 2.0, "name": "h"}})
    assert from_dict.delta == 2.0 and from_dict.name == "h"


def test_unknown_name_lists_names_and_closest():
    with pytest.raises(ConfigError) as info:
        losses.to_loss("binary_crosentropy")
    msg = str(info.value)
    assert "Did you mean 'binary_crossentropy'?" in msg and "mse" in msg
    with pytest.raises(ConfigError, match="Could not interpret loss identifier"):
        losses.to_loss(42)


def test_custom_function_evaluates_but_has_no_gradient():
    def my_loss(y_true, y_pred):
        return np.abs(y_true - y_pred).sum(axis=-1)

    loss = losses.to_loss(my_loss)
    assert isinstance(loss, losses.LossFunctionWrapper) and loss.name == "my_loss"
    assert not loss.differentiable
    assert float(loss([[1.0, 2.0]], [[0.0, 0.0]])) == 3.0
    with pytest.raises(NotImplementedError, match="forward"):
        loss.value_and_grad([[1.0]], [[0.0]])
    wrapped = losses.LossFunctionWrapper(losses.huber, delta=0.5)
    assert wrapped.differentiable
    value, grad = wrapped.value_and_grad([[0.0]], [[2.0]])
    assert float(value) == pytest.approx(0.875) and float(grad[0, 0]) == pytest.approx(0.5)


def test_custom_subclass_with_forward_trains():
    class L1(losses.Loss):
        def forward(self, y_true, y_pred):
            d = y_pred - y_true
            return np.abs(d).sum(-1), lambda g: g[..., None] * np.sign(d)

    value, grad = L1(reduction="sum").value_and_grad([[0.0, 0.0]], [[1.0, -2.0]])
    assert float(value) == 3.0 and grad.tolist() == [[1.0, -1.0]]


def test_configs_use_keras_keys_and_round_trip():
    assert losses.BinaryCrossentropy().get_config() == {
        "name": "binary_crossentropy",
        "reduction": "sum_over_batch_size",
        "from_logits": False,
        "label_smoothing": 0.0,
        "axis": -1,
    }
    assert losses.SparseCategoricalCrossentropy().get_config() == {
        "name": "sparse_categorical_crossentropy",
        "reduction": "sum_over_batch_size",
        "from_logits": False,
        "ignore_class": None,
    }
    assert losses.MeanSquaredError().get_config() == {
        "name": "mean_squared_error",
        "reduction": "sum_over_batch_size",
    }
    # Keras drops these two; we keep them so a reloaded loss is the same loss
    assert losses.Huber(delta=2.0).get_config()["delta"] == 2.0
    assert losses.CosineSimilarity(axis=0).get_config()["axis"] == 0
    for loss in (
        losses.CategoricalCrossentropy(from_logits=True, label_smoothing=0.1, reduction="sum"),
        losses.Huber(delta=3.0, name="h"),
        losses.SparseCategoricalCrossentropy(ignore_class=-1),
    ):
        again = type(loss).from_config(loss.get_config())
        assert again.get_config() == loss.get_config()


def test_serialize_matches_keras_format_and_round_trips():
    config = losses.serialize(losses.BinaryCrossentropy())
    assert config == {
        "module": "keras.losses",
        "class_name": "BinaryCrossentropy",
        "config": {
            "name": "binary_crossentropy",
            "reduction": "sum_over_batch_size",
            "from_logits": False,
            "label_smoothing": 0.0,
            "axis": -1,
        },
        "registered_name": None,
    }
    assert type(losses.deserialize(config)) is losses.BinaryCrossentropy
    fn_config = losses.serialize(losses.mean_squared_error)
    assert fn_config == {
        "module": "builtins",
        "class_name": "function",
        "config": "mean_squared_error",
        "registered_name": "function",
    }
    assert type(losses.deserialize(fn_config)) is losses.MeanSquaredError
    wrapper = losses.LossFunctionWrapper(losses.huber, name="hub", delta=2.0)
    again = losses.deserialize(losses.serialize(wrapper))
    assert again.fn is losses.huber and float(again([[0.0]], [[3.0]])) == 4.0


def test_repr_shows_non_default_arguments():
    assert repr(losses.BinaryCrossentropy()) == "BinaryCrossentropy()"
    assert repr(losses.to_loss("bce")) == "BinaryCrossentropy(name='bce')"
    assert (
        repr(losses.CategoricalCrossentropy(from_logits=True, reduction="sum"))
        == "CategoricalCrossentropy(reduction='sum', from_logits=True)"
    )


def test_invalid_arguments():
    with pytest.raises(ConfigError, match="reduction"):
        losses.MeanSquaredError(reduction="avg")
    with pytest.raises(ConfigError, match="label_smoothing"):
        losses.BinaryCrossentropy(label_smoothing=1.5)
    with pytest.raises(ConfigError, match="axis"):
        losses.CategoricalCrossentropy(axis=True)


def _loss_class(function_name):
    return {
        "binary_crossentropy": losses.BinaryCrossentropy,
        "categorical_crossentropy": losses.CategoricalCrossentropy,
        "sparse_categorical_crossentropy": losses.SparseCategoricalCrossentropy,
    }[function_name]


@pytest.mark.parametrize(
    "row", [r for r in RESOLVE["rows"] if r["kind"] == "loss"], ids=lambda r: str(r)[:80]
)
def test_crossentropy_resolution_matches_keras(row):
    loss = losses.resolve(row["identifier"], row["y_true_shape"], row["y_pred_shape"])
    assert type(loss) is _loss_class(row["function"]) and loss.name == row["name"]
    # the compile-time placeholder resolves to the same loss on first use
    deferred = losses.to_loss(row["identifier"])
    assert isinstance(deferred, losses.ShapeDependentCrossentropy)
    deferred.check_targets(np.zeros(row["y_true_shape"]), tuple(row["y_pred_shape"]))
    assert type(deferred.resolved) is _loss_class(row["function"])


def test_deferred_crossentropy_trains():
    loss = losses.to_loss("crossentropy")
    value, grad = loss.value_and_grad(np.array([[1.0], [0.0]]), np.array([[0.8], [0.3]], "f4"))
    expected = losses.BinaryCrossentropy().value_and_grad([[1.0], [0.0]], [[0.8], [0.3]])
    assert float(value) == float(expected[0])
    np.testing.assert_array_equal(grad, expected[1])


def test_one_crossentropy_instance_serves_outputs_of_different_kinds():
    loss = losses.to_loss("ce")
    loss(np.array([[1.0], [0.0]]), np.array([[0.8], [0.3]]))
    assert type(loss.resolved) is losses.BinaryCrossentropy
    loss(np.array([1, 0]), np.array([[0.2, 0.8], [0.6, 0.4]]))
    assert type(loss.resolved) is losses.SparseCategoricalCrossentropy
    assert losses.serialize(loss) == "ce"


def test_keras_style_subclass_with_only_call():
    class Cubed(losses.Loss):
        def call(self, y_true, y_pred):
            return ((y_pred - y_true) ** 3).mean(axis=-1)

    loss = Cubed(reduction="sum")
    assert float(loss([[0.0], [0.0]], [[1.0], [2.0]])) == 9.0
    assert loss.name == "cubed"
    with pytest.raises(NotImplementedError, match="forward"):
        loss.value_and_grad([[0.0]], [[1.0]])


def test_overriding_call_on_a_builtin_loss_is_respected():
    class Doubled(losses.MeanSquaredError):
        def call(self, y_true, y_pred):
            return 2 * losses.mean_squared_error(y_true, y_pred)

    assert float(Doubled()([[0.0]], [[1.0]])) == 2.0


def test_users_losses_serialize_as_keras_names_them_and_load_only_when_supplied():
    class Cubed(losses.Loss):
        def call(self, y_true, y_pred):
            return ((y_pred - y_true) ** 3).mean(axis=-1)

    def cubed_error(y_true, y_pred):
        return ((y_pred - y_true) ** 3).mean(axis=-1)

    Cubed.__module__ = "__main__"  # a user's script: Keras writes no module for it
    config = losses.serialize(Cubed(reduction="sum"))
    assert [config[k] for k in ("module", "class_name", "registered_name")] == [
        None,
        "Cubed",
        "Cubed",
    ]
    # Keras 3 writes every function so, its module included: the name is all a loader uses
    assert losses.serialize(cubed_error) == {
        "module": "builtins",
        "class_name": "function",
        "config": "cubed_error",
        "registered_name": "function",
    }
    again = losses.deserialize(config, custom_objects={"Cubed": Cubed})
    assert type(again) is Cubed and again.reduction == "sum"
    fn_config = losses.serialize(cubed_error)
    assert losses.deserialize(fn_config, {"cubed_error": cubed_error}, as_function=True) is (
        cubed_error
    )
    with pytest.raises(ConfigError, match="custom_objects"):
        losses.deserialize(config)
