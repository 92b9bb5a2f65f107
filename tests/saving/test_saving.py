"""Saving and loading in Keras's formats: files written by real Keras 3.15 load into
numkeras, numkeras still writes the files Keras was shown to load
(scripts/goldens/make_saving.py), round trips, atomic writes and clear errors."""

import importlib.util
import json
import os
import pathlib
import zipfile

import h5py
import numpy as np
import pytest

import numkeras
from numkeras import layers, models, optimizers
from numkeras.callbacks import ModelCheckpoint
from numkeras.errors import ConfigError, ShapeError
from numkeras.saving import saving_api

GOLD = pathlib.Path(__file__).parents[1] / "goldens" / "saving"
CASES = json.loads((GOLD / "saving.json").read_text())["cases"]


def _golden_script():
    """scripts/goldens/make_saving.py, whose builders made the goldens (Keras not needed)."""
    path = pathlib.Path(__file__).parents[2] / "scripts" / "goldens" / "make_saving.py"
    spec = importlib.util.spec_from_file_location("make_saving", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


_SCRIPT = _golden_script()


def sequential():
    return _SCRIPT.sequential(numkeras)


def functional():
    return _SCRIPT.functional(numkeras)


BUILD = {"seq": sequential, "func": functional}


def _x(case):
    x = case["x"]
    return (
        [np.array(a, "float32") for a in x] if isinstance(x[0][0], list) else np.array(x, "float32")
    )


# -- files Keras wrote ----------------------------------------------------------------------
@pytest.mark.parametrize("name", ["seq", "func"])
@pytest.mark.parametrize("ext", [".keras", ".h5"])
def test_load_model_reads_keras_files(name, ext):
    case = CASES[name]
    model = models.load_model(GOLD / f"keras_{name}{ext}")
    for got, want in zip(model.get_weights(), case["keras_weights"]):
        np.testing.assert_array_equal(got, np.array(want, "float32"))
    np.testing.assert_allclose(
        model.predict(_x(case), verbose=0), case["keras_predict"], rtol=1e-5, atol=1e-6
    )
    assert model.compiled
    if name == "seq":
        assert isinstance(model.optimizer, optimizers.Adam)
        assert model.optimizer.get_config()["learning_rate"] == pytest.approx(0.01)
        model.fit(_x(case), np.array([0, 1, 0, 1, 1]), verbose=0)  # and it trains


@pytest.mark.parametrize("name", ["seq", "func"])
@pytest.mark.parametrize("ext", [".weights.h5", ".keras", ".h5"])
def test_load_weights_reads_keras_files(name, ext):
    case = CASES[name]
    model = BUILD[name]()
    model.load_weights(GOLD / f"keras_{name}{ext}")
    for got, want in zip(model.get_weights(), case["keras_weights"]):
        np.testing.assert_array_equal(got, np.array(want, "float32"))


def test_load_model_without_compiling():
    model = models.load_model(GOLD / "keras_seq.keras", compile=False)
    assert not model.compiled


# -- files numkeras writes, which Keras loaded -----------------------------------------------
def _tree(h5) -> dict:
    out = {}

    def visit(name, obj):
        attrs = {k: (v.tolist() if hasattr(v, "tolist") else v) for k, v in obj.attrs.items()}
        for k in ("model_config", "training_config"):
            if k in attrs:
                attrs[k] = json.loads(attrs[k])
        value = obj[()].tolist() if isinstance(obj, h5py.Dataset) else None
        out[name] = (attrs, value)

    visit("/", h5)
    h5.visititems(visit)
    return out


def _written_like_the_goldens(tmp_path, name):
    # as scripts/goldens/make_saving.py: numkeras loads Keras's file and writes its own
    model = models.load_model(GOLD / f"keras_{name}.keras")
    model.save(tmp_path / f"{name}.keras")
    model.save(tmp_path / f"{name}.h5")
    model.save_weights(tmp_path / f"{name}.weights.h5")


@pytest.mark.parametrize("name", ["seq", "func"])
def test_numkeras_writes_what_keras_was_shown_to_load(tmp_path, name):
    case = CASES[name]
    for key in (
        "keras_reads_numkeras_keras",
        "keras_reads_numkeras_h5",
        "keras_reads_numkeras_weights",
    ):
        np.testing.assert_allclose(case[key], case["keras_predict"], rtol=0, atol=0)
    assert case["keras_compiled_numkeras_keras"]
    _written_like_the_goldens(tmp_path, name)
    for ext in (".weights.h5", ".h5"):
        with (
            h5py.File(tmp_path / f"{name}{ext}") as now,
            h5py.File(GOLD / f"numkeras_{name}{ext}") as then,
        ):
            now_tree, then_tree = _tree(now), _tree(then)
            if ext == ".h5":
                # The `.h5` config is no longer Keras 3's form (which the golden has): numkeras
                # writes Keras 2's form, which tf_keras 2 reads too and Keras 3's legacy loader
                # reads as well (scripts/check_h5_interop.py). The weights, the optimizer state
                # and every other attribute are unchanged; the configs name the same layers.
                now_cfg = now_tree["/"][0].pop("model_config")
                then_cfg = then_tree["/"][0].pop("model_config")
                assert _layer_names(now_cfg) == _layer_names(then_cfg)
                now_tree["/"][0].pop("training_config")
                then_tree["/"][0].pop("training_config")
            assert now_tree == then_tree
    loaded = models.load_model(tmp_path / f"{name}.h5")
    np.testing.assert_allclose(loaded.predict(_x(case)), case["keras_predict"], rtol=1e-6)
    with (
        zipfile.ZipFile(tmp_path / f"{name}.keras") as now,
        zipfile.ZipFile(GOLD / f"numkeras_{name}.keras") as then,
    ):
        assert [i.filename for i in now.infolist()] == [i.filename for i in then.infolist()]
        assert all(i.compress_type == zipfile.ZIP_STORED for i in now.infolist())
        now_config, then_config = (json.loads(z.read("config.json")) for z in (now, then))
        # the compile config now keeps the loaded file's jit_compile (Keras-JAX's True), as
        # Keras's compile_from_config does; the golden was written when numkeras wrote False
        assert now_config["compile_config"].pop("jit_compile") is True
        then_config["compile_config"].pop("jit_compile")
        assert now_config == then_config
        meta = json.loads(now.read("metadata.json"))
        assert meta["keras_version"] == json.loads(then.read("metadata.json"))["keras_version"]
        for member in ("model.weights.h5",):
            (tmp_path / "a.h5").write_bytes(now.read(member))
            (tmp_path / "b.h5").write_bytes(then.read(member))
            with h5py.File(tmp_path / "a.h5") as a, h5py.File(tmp_path / "b.h5") as b:
                assert _tree(a) == _tree(b)


def _layer_names(config: dict) -> list:
    layers = config["config"]["layers"]
    return [la["config"]["name"] for la in layers if la["class_name"] != "InputLayer"]


# -- optimizer state: training resumes where it stopped -------------------------------------
def _assert_weights(model, want, **tol):
    for got, w in zip(model.get_weights(), want):
        np.testing.assert_allclose(got, np.array(w, "float32"), **tol)


@pytest.mark.parametrize("name", ["seq", "func"])
@pytest.mark.parametrize("source", ["keras_{}.keras", "numkeras_{}.keras", "numkeras_{}.h5"])
def test_a_loaded_model_resumes_training_as_keras_does(name, source):
    case = CASES[name]
    model = models.load_model(GOLD / source.format(name))
    assert model.optimizer.iterations == case["keras_optimizer_iterations"]
    model.train_on_batch(_x(case), np.array(case["y"]))
    _assert_weights(model, case["keras_resumed_weights"], rtol=1e-5, atol=1e-6)
    if source.startswith("numkeras") and source.endswith(".keras"):  # Keras resumed from it too
        _assert_weights(model, case["keras_resumes_numkeras.keras"], rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("ext", [".keras", ".h5", ".weights.h5"])
def test_save_then_load_resumes_training_bit_for_bit(tmp_path, ext):
    rng = np.random.default_rng(5)
    x, y = rng.normal(size=(16, 4)).astype("float32"), rng.integers(0, 2, 16)
    model = sequential()
    for _ in range(3):
        model.train_on_batch(x, y)
    path = tmp_path / f"m{ext}"
    model.save_weights(path) if ext == ".weights.h5" else model.save(path)
    if ext == ".weights.h5":
        again = sequential()
        # compiled and its optimizer built: the optimizer state comes too, as in Keras
        again.optimizer.build(again.trainable_variables)
        again.load_weights(path)
    else:
        again = models.load_model(path)
    assert again.optimizer.iterations == 3
    model.train_on_batch(x, y)
    again.train_on_batch(x, y)
    for a, b in zip(again.get_weights(), model.get_weights()):
        np.testing.assert_array_equal(a, b)


def test_load_weights_skips_the_state_of_an_optimizer_not_built_yet(tmp_path):
    """As Keras 3: `load_weights` into a compiled model whose optimizer was never built
    leaves the optimizer fresh (with Keras's warning) rather than building it for the saved
    state, so the next step is a first step (found by scripts/fuzz/fuzz_saving.py)."""
    rng = np.random.default_rng(5)
    x, y = rng.normal(size=(16, 4)).astype("float32"), rng.integers(0, 2, 16)
    model = sequential()
    for _ in range(3):
        model.train_on_batch(x, y)
    model.save_weights(tmp_path / "m.weights.h5")
    again = sequential()
    with pytest.warns(UserWarning, match="has not been called/built yet"):
        again.load_weights(tmp_path / "m.weights.h5")
    assert int(again.optimizer.iterations) == 0 and len(again.optimizer.variables) == 2
    for a, b in zip(again.get_weights(), model.get_weights()):
        np.testing.assert_array_equal(a, b)
    again.train_on_batch(x, y)
    assert int(again.optimizer.iterations) == 1


# -- round trips --------------------------------------------------------------------------
def _gan():
    g = models.Sequential(
        [layers.Input((3,)), layers.Dense(4), layers.BatchNormalization(), layers.LeakyReLU(0.2)]
        + [layers.Dense(4, activation="tanh")],
        name="g",
    )
    d = models.Sequential(
        [
            layers.Input((4,)),
            layers.Dense(5),
            layers.Dropout(0.3),
            layers.Dense(1, activation="sigmoid"),
        ],
        name="d",
    )
    d.compile(optimizers.Adam(learning_rate=0.0002, beta_1=0.5), "binary_crossentropy")
    d.trainable = False
    z = layers.Input((3,))
    gan = models.Model(z, d(g(z)))
    gan.compile(optimizers.Adam(learning_rate=0.0002, beta_1=0.5), "binary_crossentropy")
    gan.train_on_batch(np.random.default_rng(0).normal(size=(8, 3)), np.ones((8, 1)))
    return gan


@pytest.mark.parametrize("ext", [".keras", ".h5"])
def test_round_trip_of_a_gan_keeps_weights_compile_and_the_frozen_discriminator(tmp_path, ext):
    gan = _gan()
    path = tmp_path / f"gan{ext}"
    gan.save(path)
    again = models.load_model(path)
    for a, b in zip(again.get_weights(), gan.get_weights()):
        np.testing.assert_array_equal(a, b)
    x = np.random.default_rng(1).normal(size=(6, 3)).astype("float32")
    np.testing.assert_array_equal(again.predict(x, verbose=0), gan.predict(x, verbose=0))
    assert again.optimizer.get_config()["beta_1"] == 0.5
    d_weights = [w.copy() for w in again.layers[2].get_weights()]
    again.train_on_batch(x, np.ones((6, 1)))  # D is still frozen inside the loaded GAN
    for a, b in zip(again.layers[2].get_weights(), d_weights):
        np.testing.assert_array_equal(a, b)


def test_weights_round_trip_and_loading_is_all_or_nothing(tmp_path):
    gan = _gan()
    gan.save_weights(tmp_path / "gan.weights.h5")
    other = _gan()
    other.load_weights(tmp_path / "gan.weights.h5")
    for a, b in zip(other.get_weights(), gan.get_weights()):
        np.testing.assert_array_equal(a, b)
    wider = models.Sequential([layers.Input((3,)), layers.Dense(4), layers.Dense(7)])
    before = [w.copy() for w in wider.get_weights()]
    path = tmp_path / "w.weights.h5"
    models.Sequential([layers.Input((3,)), layers.Dense(4), layers.Dense(2)]).save_weights(path)
    with pytest.raises(ShapeError, match=r"has shape \(4, 7\).*\(4, 2\)"):
        wider.load_weights(path)
    for a, b in zip(wider.get_weights(), before):  # the first layer fit, but nothing changed
        np.testing.assert_array_equal(a, b)
    with pytest.raises(ShapeError, match="expected 4 variables .* received 0"):
        models.Sequential(
            [layers.Input((3,)), layers.Dense(4), layers.BatchNormalization()]
        ).load_weights(path)


# -- files: atomic, no silent overwrite, clear errors ------------------------------------------
def test_a_failed_save_leaves_the_old_file_and_no_temporary(tmp_path, monkeypatch):
    model = sequential()
    path = tmp_path / "m.keras"
    model.save(path)
    before = path.read_bytes()

    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(saving_api.weights_h5, "write_model", broken)
    with pytest.raises(RuntimeError, match="disk full"):
        model.save(path)
    assert path.read_bytes() == before
    assert os.listdir(tmp_path) == ["m.keras"]


def test_overwrite_false_refuses_and_keeps_the_file(tmp_path):
    path = tmp_path / "w.weights.h5"
    model = sequential()
    model.save_weights(path)
    before = path.read_bytes()
    with pytest.raises(FileExistsError, match="overwrite=True"):
        model.save_weights(path, overwrite=False)
    assert path.read_bytes() == before


def test_file_name_and_content_errors(tmp_path):
    model = sequential()
    with pytest.raises(ValueError, match=r"must end in `\.weights\.h5`"):
        model.save_weights(tmp_path / "w.pkl")
    with pytest.raises(ValueError, match="Invalid filepath extension"):
        model.save(tmp_path / "m.pkl")
    with pytest.raises(FileNotFoundError):
        models.load_model(tmp_path / "missing.keras")
    (tmp_path / "bad.keras").write_text("not a zip")
    with pytest.raises(ConfigError, match="not a zip"):
        models.load_model(tmp_path / "bad.keras")


def test_loading_never_builds_unknown_classes(tmp_path):
    path = tmp_path / "m.keras"
    sequential().save(path)
    with zipfile.ZipFile(path) as zf:
        members = {n: zf.read(n) for n in zf.namelist()}
    config = json.loads(members["config.json"])
    config["config"]["layers"][1]["class_name"] = "Lambda"  # Keras's code-running layer
    members["config.json"] = json.dumps(config).encode()
    with zipfile.ZipFile(path, "w") as zf:
        for n, data in members.items():
            zf.writestr(n, data)
    with pytest.raises(ConfigError, match="Lambda"):  # it has no function it may load
        models.load_model(path)


def test_without_h5py_the_error_says_what_to_install(tmp_path, monkeypatch):
    import builtins

    real_import = builtins.__import__

    def no_h5py(name, *args, **kwargs):
        if name == "h5py":
            raise ImportError("No module named 'h5py'")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_h5py)
    with pytest.raises(ImportError, match=r"numkeras\[h5\]"):
        sequential().save_weights(tmp_path / "w.weights.h5")


@pytest.mark.parametrize("weights_only", [True, False])
def test_model_checkpoint_saves_during_fit(tmp_path, weights_only):
    model = sequential()
    ext = ".weights.h5" if weights_only else ".keras"
    pattern = str(tmp_path / ("ckpt.{epoch:02d}" + ext))
    x = np.random.default_rng(0).normal(size=(20, 4))
    y = np.random.default_rng(1).integers(0, 2, 20)
    model.fit(
        x,
        y,
        epochs=2,
        verbose=0,
        callbacks=[ModelCheckpoint(pattern, save_weights_only=weights_only)],
    )
    assert sorted(os.listdir(tmp_path)) == [f"ckpt.01{ext}", f"ckpt.02{ext}"]
    last = tmp_path / f"ckpt.02{ext}"
    loaded = sequential()
    loaded.load_weights(last)
    for a, b in zip(loaded.get_weights(), model.get_weights()):
        np.testing.assert_array_equal(a, b)


def test_frozen_layers_stay_frozen_through_a_config():
    inner = models.Sequential([layers.Input((3,)), layers.Dense(2), layers.Dense(2)], name="inner")
    inner.layers[0].trainable = False
    z = layers.Input((3,))
    outer = models.Model(z, inner(z))
    again = models.model_from_json(outer.to_json())
    flags = [la.trainable for la in again.layers[1].layers]
    assert flags == [False, True] and again.trainable and again.layers[1].trainable


def test_saved_files_get_the_usual_permissions(tmp_path):
    old = os.umask(0o022)
    try:
        sequential().save(tmp_path / "m.keras")
        sequential().save_weights(tmp_path / "w.weights.h5")
    finally:
        os.umask(old)
    for name in ("m.keras", "w.weights.h5"):
        assert (tmp_path / name).stat().st_mode & 0o777 == 0o644


def test_a_compile_config_with_an_unknown_loss_loads_and_fails_at_fit_as_in_keras(tmp_path):
    path = tmp_path / "m.keras"
    saved = sequential()
    saved.save(path)
    with zipfile.ZipFile(path) as zf:
        members = {n: zf.read(n) for n in zf.namelist()}
    config = json.loads(members["config.json"])
    config["compile_config"]["loss"] = "no_such_loss"
    members["config.json"] = json.dumps(config).encode()
    with zipfile.ZipFile(path, "w") as zf:
        for n, data in members.items():
            zf.writestr(n, data)
    model = models.load_model(path)  # Keras 3 looks the loss up when training starts
    assert model.compiled and model.loss == "no_such_loss"
    for a, b in zip(model.get_weights(), saved.get_weights()):  # the weights loaded
        np.testing.assert_array_equal(a, b)
    with pytest.raises(ValueError, match="no_such_loss"):
        model.fit(np.zeros((2, 4)), np.zeros((2, 3)), verbose=0)


@pytest.mark.parametrize("ext", [".keras", ".h5"])
def test_a_compiled_untrained_model_loads_without_optimizer_warnings(tmp_path, ext):
    import warnings

    path = tmp_path / f"m{ext}"
    sequential().save(path)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        model = models.load_model(path)
    assert model.compiled and model.optimizer.iterations == 0
    model.train_on_batch(np.ones((4, 4)), np.zeros(4))
    assert model.optimizer.iterations == 1


def test_keras_2_weights_only_h5_round_trips_as_classic_scripts_use_it(tmp_path):
    # Keras 2's model.save_weights("model.h5") + model_from_json / load_weights idiom
    model = sequential()
    model.save_weights(tmp_path / "model.h5")
    with h5py.File(tmp_path / "model.h5", "r") as h5:  # Keras 2's layout, at the root
        assert "model_weights" not in h5 and len(h5.attrs["layer_names"]) == len(model.layers)
    twin = models.model_from_json(model.to_json())
    twin.load_weights(tmp_path / "model.h5")
    for a, b in zip(model.get_weights(), twin.get_weights()):
        np.testing.assert_array_equal(a, b)


def test_model_checkpoint_takes_the_names_save_takes(tmp_path):
    from numkeras.callbacks import ModelCheckpoint

    x = np.random.default_rng(0).standard_normal((8, 3)).astype("float32")
    model = models.Sequential([layers.Input((3,)), layers.Dense(1)])
    model.compile(optimizer="sgd", loss="mse")
    best = str(tmp_path / "weights.{epoch:02d}-{loss:.2f}.hdf5")
    only = str(tmp_path / "best_weights.h5")
    model.fit(
        x,
        x[:, :1],
        epochs=2,
        verbose=0,
        callbacks=[
            ModelCheckpoint(best, monitor="loss", save_best_only=True),
            ModelCheckpoint(only, save_weights_only=True),
        ],
    )
    assert sorted(p.name for p in tmp_path.glob("weights.*.hdf5"))[0].startswith("weights.01-")
    twin = models.Sequential([layers.Input((3,)), layers.Dense(1)])
    twin.load_weights(only)
    np.testing.assert_array_equal(twin.get_weights()[0], model.get_weights()[0])
