"""Classic Keras 2 scripts, differentially against tf_keras 2.21 (real Keras 2): the same
scenarios (scripts/goldens/make_diff_keras2.py, loaded here and run with numkeras) give
the golden values: Keras 2 backend functions (`K.function`, `K.variable`,
`K.count_params`, ...), `ImageDataGenerator` (flow with a seed, flow_from_directory, fit,
ZCA, the random_* helpers), `keras.preprocessing.sequence` (`TimeseriesGenerator`,
`skipgrams`) and the `optimizers.legacy` formulas that differ from Keras 3's."""

import contextlib
import io

import numpy as np
import pytest

import numkeras
from numkeras import backend as K
from numkeras import layers
from numkeras.errors import DeprecatedArgumentWarning
from numkeras.models import Sequential

from .differential import goldens, scenario_script

pytest.importorskip("scipy")  # Keras 2's image transformations need SciPy, as here
pytest.importorskip("PIL")

GOLDEN = goldens("diff_keras2")


@pytest.fixture(scope="module")
def ours():
    with pytest.MonkeyPatch.context() as mp, contextlib.redirect_stdout(io.StringIO()):
        mp.setattr("warnings.simplefilter", lambda *a, **k: None)  # keep pytest's filters
        return scenario_script("make_diff_keras2").scenarios(numkeras)


def _close(got, want, where: str) -> None:
    if isinstance(want, dict):
        assert isinstance(got, dict) and sorted(got) == sorted(want), where
        for key in want:
            _close(got[key], want[key], f"{where}/{key}")
    elif isinstance(want, list) and want and all(isinstance(w, (int, float)) for w in want):
        np.testing.assert_allclose(np.asarray(got, dtype="float64"), want, rtol=1e-5, atol=2e-4)
    elif isinstance(want, list):
        assert isinstance(got, list) and len(got) == len(want), where
        for i, (g, w) in enumerate(zip(got, want)):
            _close(g, w, f"{where}[{i}]")
    elif isinstance(want, float):
        assert got == pytest.approx(want, rel=1e-5, abs=2e-4), where
    else:
        assert got == want, where


CASES = [(group, key) for group, values in GOLDEN.items() for key in values]


@pytest.mark.parametrize("group,key", CASES, ids=[f"{g}-{k}" for g, k in CASES])
def test_matches_keras2(ours, group, key):
    _close(ours[group][key], GOLDEN[group][key], f"{group}/{key}")


# -- what tf_keras 2.21 cannot show (graph-mode Keras 2 behaviour, numkeras's choices) ----
def test_k_function_takes_the_learning_phase_as_keras2_graph_mode_did():
    model = Sequential([layers.Input((50,)), layers.Dropout(0.5)])
    x = np.ones((4, 50), "float32")
    with pytest.warns(DeprecatedArgumentWarning, match="K.function"):
        f = K.function([model.input, K.learning_phase()], [model.output])
    assert K.learning_phase() == 0 and repr(K.learning_phase()) == "0"
    np.testing.assert_array_equal(f([x, 0])[0], x)  # test phase: no dropout
    dropped = f([x, 1])[0]
    assert (dropped == 0).any() and set(np.unique(dropped)) <= {0.0, 2.0}
    with pytest.raises(ValueError, match="takes 2 input"):
        f([x])


def test_k_gradients_raises_as_keras2_under_eager_and_names_the_tape():
    with pytest.raises(RuntimeError, match="GradientTape"):
        K.gradients(K.variable([1.0]), [K.variable([2.0])])


def test_k_update_functions_change_the_variable_in_place():
    v = K.variable([1.0, 2.0])
    assert K.update_add(v, [1.0, 1.0]) is v
    K.update_sub(v, np.array([0.5, 0.5]))
    np.testing.assert_allclose(K.eval(v), [1.5, 2.5])
    K.update(v, [0.0, 0.0])
    np.testing.assert_allclose(K.get_value(v), [0.0, 0.0])
    with pytest.raises(TypeError, match="needs a variable"):
        K.update(np.zeros(2), [1.0, 1.0])
    assert K.placeholder(shape=(None, 3)).shape == (None, 3)
    assert K.is_sparse(v) is False and K.to_dense(v) is v
    with K.name_scope("block1") as scope:
        assert scope == "block1"


def test_embedding_input_length_and_recurrent_input_dim_give_the_input_shape():
    # Keras 2: `Embedding(1000, 8, input_length=10)` as a first layer builds the model;
    # `LSTM(4, input_dim=3, input_length=5)` is input_shape=(5, 3)
    with pytest.warns(DeprecatedArgumentWarning, match="input_length"):
        model = Sequential([layers.Embedding(1000, 8, input_length=10), layers.Flatten()])
    assert model.output_shape == (None, 80)
    model = Sequential([layers.SimpleRNN(4, input_dim=3, input_length=5)])
    assert model.input_shape == (None, 5, 3)
    assert Sequential([layers.LSTM(4, input_dim=3)]).input_shape == (None, None, 3)


def test_keras2_core_module_path_holds_what_keras2s_did():
    from numkeras.layers import core

    for name in ("Lambda", "Permute", "RepeatVector", "SpatialDropout2D", "Dense", "Flatten"):
        assert getattr(core, name) is getattr(layers, name)


def test_flow_iterators_are_pydatasets_and_train_through_fit_generator():
    from numkeras.preprocessing.image import ImageDataGenerator
    from numkeras.utils import PyDataset

    x = np.random.default_rng(0).uniform(0, 255, size=(10, 4, 4, 1)).astype("float32")
    y = np.eye(2)[np.arange(10) % 2]
    it = ImageDataGenerator(rescale=1 / 255.0).flow(x, y, batch_size=4, shuffle=False)
    assert isinstance(it, PyDataset) and len(it) == 3
    np.testing.assert_allclose(it[2][0], x[8:] / 255.0, rtol=1e-6)
    model = Sequential([layers.Input((4, 4, 1)), layers.Flatten(), layers.Dense(2, "softmax")])
    model.compile("sgd", "categorical_crossentropy")
    with pytest.warns(DeprecatedArgumentWarning, match="fit_generator"):
        history = model.fit_generator(it, steps_per_epoch=len(x) // 4, epochs=2, verbose=0)
    assert len(history.history["loss"]) == 2


def test_keras2_load_img_grayscale_and_save_to_dir(tmp_path):
    from PIL import Image

    from numkeras.preprocessing.image import ImageDataGenerator, img_to_array, load_img

    path = tmp_path / "a.png"
    pixels = np.random.default_rng(0).integers(0, 255, (6, 5, 3)).astype("uint8")
    Image.fromarray(pixels).save(path)
    with pytest.warns(DeprecatedArgumentWarning, match="grayscale"):
        gray = img_to_array(load_img(path, grayscale=True, target_size=(3, 4)))
    want = img_to_array(load_img(path, color_mode="grayscale", target_size=(3, 4)))
    assert gray.shape == (3, 4, 1)
    np.testing.assert_array_equal(gray, want)
    out = tmp_path / "augmented"
    out.mkdir()
    x = pixels[None].astype("float32").repeat(3, axis=0)
    it = ImageDataGenerator(horizontal_flip=True).flow(
        x, batch_size=2, shuffle=False, save_to_dir=str(out), save_prefix="aug", save_format="png"
    )
    next(it)
    names = sorted(p.name for p in out.iterdir())
    assert len(names) == 2 and all(n.startswith("aug_") and n.endswith(".png") for n in names)


def test_image_data_generator_errors():
    from numkeras.preprocessing.image import ImageDataGenerator

    with pytest.raises(ValueError, match="rank 4"):
        ImageDataGenerator().flow(np.zeros((2, 3, 3)))
    with pytest.raises(ValueError, match="same length"):
        ImageDataGenerator().flow(np.zeros((2, 3, 3, 1)), [1])
    with pytest.raises(ValueError, match="zoom_range"):
        ImageDataGenerator(zoom_range=[1, 2, 3])
    with pytest.raises(ValueError, match="fill_mode"):
        ImageDataGenerator(fill_mode="mirrored")
    with pytest.raises(ValueError, match="length 1"):
        ImageDataGenerator().flow(np.zeros((2, 3, 3, 1)), batch_size=2)[1]
    with pytest.raises(NotImplementedError, match="flow_from_directory"):
        ImageDataGenerator().flow_from_dataframe(None)


def test_legacy_optimizers_keep_their_config_and_keras2_arguments():
    from numkeras.optimizers import legacy

    nadam = legacy.Nadam(lr=0.002, schedule_decay=0.01)
    assert nadam.schedule_decay == 0.01 and nadam.get_config()["schedule_decay"] == 0.01
    assert nadam.learning_rate == pytest.approx(0.002)
    assert isinstance(legacy.RMSprop(), numkeras.optimizers.RMSprop)
    assert legacy.Adam is numkeras.optimizers.Adam
