"""keras.applications: each architecture against Keras 3 built alike (goldens from
scripts/goldens/make_applications.py), and what Keras cannot be asked here: loading a
weights file by path and the published ImageNet files (their names, URLs and hashes)."""

import json

import numpy as np
import pytest

import numkeras
from numkeras import applications
from numkeras.applications import application

from ..differential import assert_json_close, goldens, scenario_script

GOLD = goldens("applications")
SCRIPT = scenario_script("make_applications")
# the deepest ones take seconds to build and run
SLOW = {"resnet152_notop", "resnet152v2_notop_max", "densenet201_notop_avg", "resnet101_notop_avg"}


@pytest.mark.parametrize(
    "name",
    [pytest.param(n, marks=pytest.mark.slow) if n in SLOW else n for n in sorted(SCRIPT.SCENARIOS)],
)
def test_application_matches_keras(name):
    numkeras.utils.clear_session(free_memory=False)
    got = json.loads(json.dumps(SCRIPT.SCENARIOS[name](numkeras)))  # (as the goldens)
    assert_json_close(got, GOLD[name], rtol=1e-3, atol=1e-4, where=name)


def _small_mobilenet(**kwargs):
    return applications.MobileNet(
        input_shape=(32, 32, 3), alpha=0.25, classes=4, weights=None, **kwargs
    )


@pytest.mark.parametrize("suffix", [".weights.h5", ".h5"])
def test_weights_given_as_a_path_are_loaded(tmp_path, suffix):
    """`weights="file"` loads a file of the same architecture (Keras 3's and the legacy
    `.h5` layout that Keras's published files have)."""
    source = _small_mobilenet()
    SCRIPT.fill_weights(source)
    path = tmp_path / f"w{suffix}"
    source.save_weights(path)
    model = applications.MobileNet(
        input_shape=(32, 32, 3), alpha=0.25, classes=4, weights=str(path)
    )
    x = SCRIPT.images((32, 32, 3))
    np.testing.assert_array_equal(model.predict(x, verbose=0), source.predict(x, verbose=0))


class _Fetched(Exception):
    """Stops an application once it has asked for its file (no need to load it)."""


# application -> the published file asked for with the top, and its md5 (Keras's sources)
_STEM = "_weights_tf_dim_ordering_tf_kernels.h5"
PUBLISHED = {
    "VGG16": (f"vgg16/vgg16{_STEM}", "64373286793e3c8b2b4e3219cbf3544b"),
    "ResNet50": (f"resnet/resnet50{_STEM}", "2cb95161c43110f7111970584f804107"),
    "ResNet50V2": (f"resnet/resnet50v2{_STEM}", "3ef43a0b657b3be2300d5770ece849e0"),
    "DenseNet121": (f"densenet/densenet121{_STEM}", "9d60b8095a5708f2dcce2bca79d332c7"),
    "Xception": (f"xception/xception{_STEM}", "0a58e3b7378bc2990ea3b43d5981f1f6"),
    "InceptionV3": (f"inception_v3/inception_v3{_STEM}", "9a0d58056eeedaa3f26cb7ebd46da564"),
    "MobileNet": ("mobilenet/mobilenet_1_0_224_tf.h5", None),
    "MobileNetV2": (f"mobilenet_v2/mobilenet_v2{_STEM[:-3]}_1.0_224.h5", None),
}


@pytest.mark.parametrize("name", sorted(PUBLISHED))
def test_imagenet_weights_are_keras_published_files(monkeypatch, tmp_path, name):
    """weights="imagenet" asks `get_file` for Keras's published file (name, URL, md5, in
    ~/.keras/models/) and loads it: here a stand-in file of the right layout."""
    asked = []

    def fake_get_file(fname, origin, cache_subdir="datasets", file_hash=None, **kwargs):
        asked.append((fname, origin, cache_subdir, file_hash))
        raise _Fetched

    monkeypatch.setattr("numkeras.utils.file_utils.get_file", fake_get_file)
    with pytest.raises(_Fetched):
        getattr(applications, name)(weights="imagenet")
    path, md5 = PUBLISHED[name]
    base = "https://storage.googleapis.com/tensorflow/keras-applications/"
    assert asked == [(path.split("/")[-1], base + path, "models", md5)]


def test_imagenet_weights_load_the_fetched_file(monkeypatch, tmp_path):
    """The fetched file is loaded into the model, without its top when include_top=False."""
    source = applications.MobileNet(
        input_shape=(128, 128, 3), alpha=0.25, include_top=False, weights=None
    )
    SCRIPT.fill_weights(source)
    path = tmp_path / "mobilenet_2_5_128_tf_no_top.h5"
    source.save_weights(path)
    asked = []

    def fake_get_file(fname, origin, **kwargs):
        asked.append(fname)
        return str(path)

    monkeypatch.setattr("numkeras.utils.file_utils.get_file", fake_get_file)
    model = applications.MobileNet(input_shape=(128, 128, 3), alpha=0.25, include_top=False)
    assert asked == ["mobilenet_2_5_128_tf_no_top.h5"]
    for got, want in zip(model.get_weights(), source.get_weights()):
        np.testing.assert_array_equal(got, want)


def test_imagenet_weights_for_an_unpublished_size_warn_and_take_224():
    with pytest.warns(UserWarning, match="Weights for input shape \\(224, 224\\)"):
        with pytest.raises(_Fetched):
            with pytest.MonkeyPatch.context() as m:
                m.setattr(
                    "numkeras.utils.file_utils.get_file",
                    lambda fname, *a, **k: (_ for _ in ()).throw(_Fetched(fname)),
                )
                applications.MobileNetV2(input_shape=(100, 100, 3), include_top=False)


def test_argument_errors_explain_themselves():
    with pytest.raises(ValueError, match="`classes` should be 1000.  Received classes=10"):
        applications.ResNet50(weights="imagenet", classes=10)
    with pytest.raises(ValueError, match="Input size must be at least 71x71"):
        applications.Xception(weights=None, include_top=False, input_shape=(64, 64, 3))
    with pytest.raises(ValueError, match="alpha can be one of"):
        applications.MobileNet(weights="imagenet", alpha=0.3)
    with pytest.raises(ValueError, match="should specify a static `input_shape`"):
        applications.ResNet50(weights=None, input_shape=(None, None, 3))


def test_input_tensor_of_another_model_is_built_on():
    """`input_tensor` may be any Keras tensor: the application's inputs are its source."""
    inputs = numkeras.Input((32, 32, 3))
    scaled = numkeras.layers.Rescaling(1 / 127.5, offset=-1)(inputs)
    model = applications.MobileNetV2(
        weights=None, include_top=False, input_tensor=scaled, alpha=0.35, pooling="avg"
    )
    assert model.inputs[0] is inputs
    assert model.output_shape == (None, 1280)


def test_a_saved_application_reloads(tmp_path):
    model = _small_mobilenet()
    SCRIPT.fill_weights(model)
    model.save(tmp_path / "m.keras")
    loaded = numkeras.models.load_model(tmp_path / "m.keras")
    x = SCRIPT.images((32, 32, 3))
    np.testing.assert_allclose(loaded.predict(x, verbose=0), model.predict(x, verbose=0))


def test_decode_predictions_fetches_the_class_index_once(monkeypatch, tmp_path):
    index = {str(i): [f"n{i:08d}", f"class_{i}"] for i in range(1000)}
    path = tmp_path / "imagenet_class_index.json"
    path.write_text(json.dumps(index))
    asked = []

    def fake_get_file(fname, origin, cache_subdir="datasets", file_hash=None, **kwargs):
        asked.append((fname, origin, cache_subdir, file_hash))
        return str(path)

    monkeypatch.setattr("numkeras.utils.file_utils.get_file", fake_get_file)
    monkeypatch.setattr(applications.imagenet_utils, "CLASS_INDEX", None)
    preds = np.zeros((1, 1000), "float32")
    preds[0, 7] = 0.9
    preds[0, 3] = 0.1
    decoded = applications.resnet50.decode_predictions(preds, top=2)
    applications.vgg16.decode_predictions(preds, top=2)
    assert decoded == [
        [("n00000007", "class_7", np.float32(0.9)), ("n00000003", "class_3", np.float32(0.1))]
    ]
    assert asked == [
        (
            "imagenet_class_index.json",
            "https://storage.googleapis.com/download.tensorflow.org/data/imagenet_class_index.json",
            "models",
            "c2c37ea517e94d9795004a39431a14cb",
        )
    ]


def test_preprocess_input_changes_a_float_array_in_place_as_keras():
    x = np.full((1, 1, 1, 3), 255.0, "float32")
    out = applications.mobilenet.preprocess_input(x)
    assert out is x and np.all(x == 1.0)
    ints = np.full((1, 1, 1, 3), 255, "uint8")
    assert applications.mobilenet.preprocess_input(ints).dtype == np.float32
    assert np.all(ints == 255)


def test_weight_files_know_both_tops():
    files = application.WeightFiles("https://x/", ("a.h5", "1"), None)
    assert files.path(include_top=False) is None


def test_fine_tuning_keeps_the_base_batch_norms_in_inference_mode():
    """After `base.trainable = True`, a base called with training=False keeps its batch
    norms in inference mode (their moving statistics unchanged) while its kernels train, as
    keras.io's guide and Keras 2 say; Keras 3.15 moves them (README: where numkeras differs)."""
    model, base = SCRIPT.transfer_learning_model(numkeras)
    data, labels = SCRIPT.TRANSFER_DATA
    model.compile(numkeras.optimizers.SGD(0.1), "sparse_categorical_crossentropy")
    model.fit(data, labels, batch_size=4, epochs=1, verbose=0)
    base.trainable = True
    model.compile(numkeras.optimizers.SGD(0.1), "sparse_categorical_crossentropy")
    moving = [w for w in base.weights if "moving" in w.path]
    last = base.get_layer("Conv_1_bn")  # (the earlier layers' gradients are tiny here)
    before = [np.array(w) for w in moving] + [np.array(last.gamma)]
    history = model.fit(data, labels, batch_size=4, epochs=1, verbose=0)
    assert np.isfinite(history.history["loss"][0])
    for w, old in zip(moving, before):
        np.testing.assert_array_equal(np.asarray(w), old)
    assert not np.array_equal(np.asarray(last.gamma), before[-1])
