"""Golden values for the numeric preprocessing layers, produced by real Keras 3 (JAX).

Run with Keras installed, e.g.:
    KERAS_BACKEND=jax python scripts/goldens/make_preprocessing.py
Writes tests/goldens/preprocessing.json and tests/goldens/preprocessing_normalization.keras:
- normalization: `adapt` on arrays (float32, float64, several axes), on a list of batches
  and on a PyDataset (Keras's running update per batch), re-adapting after build, the
  weights after (mean, variance, count), outputs (invert too), configs; mean/variance
  passed directly (scalars, lists, broadcasting);
- discretization: outputs for bin_boundaries and every output_mode, `adapt` (quantiles) on
  arrays and batches, configs;
- category_encoding: outputs for every output_mode (count_weights too), configs;
- tabular: Input -> Normalization (adapted) -> Dense(8, relu) -> Dense(1) trained 2 SGD
  steps from fixed weights (losses and weights after), and a `.keras` file of it.

Keras's `adapt` looks for `tf.data.Dataset` before iterating a list of batches; without
TensorFlow installed, a stand-in lets that check answer "no".
"""

import json
import pathlib

import numpy as np

ROOT = pathlib.Path(__file__).resolve().parents[2] / "tests" / "goldens"
OUT = ROOT / "preprocessing.json"
KERAS_FILE = ROOT / "preprocessing_normalization.keras"


def _r(a, decimals=4):
    return np.asarray(a, "float64").round(decimals)


def _list(a):
    a = np.asarray(a)
    return a.tolist() if a.dtype.kind in "iub" else a.astype("float64").tolist()


class _NoTF:
    """Stands in for the `tensorflow` module in Keras's preprocessing code."""

    class data:
        class Dataset:
            pass

    @staticmethod
    def is_tensor(x):
        return False


def main():
    import keras
    from keras import layers
    from keras.src.layers.preprocessing import discretization, normalization

    assert keras.backend.backend() == "jax", "run with KERAS_BACKEND=jax"
    normalization.tf = _NoTF
    discretization.tf = _NoTF
    rng = np.random.default_rng(7)
    out = {"keras_version": keras.__version__}

    # -- Normalization --------------------------------------------------------------------
    class Batches(keras.utils.PyDataset):
        def __init__(self, x, batch_size):
            super().__init__()
            self.x, self.batch_size = x, batch_size

        def __len__(self):
            return int(np.ceil(len(self.x) / self.batch_size))

        def __getitem__(self, i):
            return self.x[i * self.batch_size : (i + 1) * self.batch_size]

    norm = []

    def norm_case(name, kwargs, data, x, source="array", batch_size=None, readapt=None):
        layer = layers.Normalization(**kwargs)
        if source == "array":
            layer.adapt(data)
        elif source == "list":
            layer.adapt([data[i : i + batch_size] for i in range(0, len(data), batch_size)])
        elif source == "tuples":  # (x, y) batches: Keras takes x
            layer.adapt(
                [
                    (data[i : i + batch_size], np.zeros(len(data[i : i + batch_size])))
                    for i in range(0, len(data), batch_size)
                ]
            )
        elif source == "pydataset":
            layer.adapt(Batches(data, batch_size))
        if readapt is not None:
            layer.adapt(readapt)
        y = layer(x)
        case = {
            "name": name,
            "kwargs": kwargs,
            "source": source,
            "batch_size": batch_size,
            "data": _list(data),
            "data_dtype": str(data.dtype),
            "x": _list(x),
            "y": _list(y),
            "weights": [_list(w) for w in layer.get_weights()],
            "weight_names": [w.name for w in layer.weights],
            "weight_dtypes": [str(w.dtype) for w in layer.weights],
            "config": layer.get_config(),
        }
        if readapt is not None:
            case["readapt"] = _list(readapt)
        inv = layers.Normalization(**{**kwargs, "invert": True})
        inv.build(data.shape)
        inv.set_weights(layer.get_weights())
        inv.finalize_state()  # Keras's call uses the statistics of the last finalize_state
        case["y_invert"] = _list(inv(x))
        norm.append(case)

    d2 = _r(rng.normal(3.0, 2.0, (37, 4))).astype("float32")
    x2 = _r(rng.normal(3.0, 2.0, (5, 4))).astype("float32")
    d3 = _r(rng.normal(-1.0, 3.0, (10, 3, 2))).astype("float32")
    x3 = _r(rng.normal(-1.0, 3.0, (2, 3, 2))).astype("float32")
    norm_case("last_axis", {}, d2, x2)
    norm_case("float64_data", {}, d2.astype("float64") + 1e-3, x2)
    norm_case("axis_none", {"axis": None}, d2, x2)
    norm_case("axis_0_3d", {"axis": 1}, d3, x3)
    norm_case("axis_tuple", {"axis": (1, 2)}, d3, x3)
    norm_case("axis_neg2", {"axis": -2}, d3, x3)
    const = d2.copy()
    const[:, 2] = 5.0  # zero variance: the divisor is clamped to epsilon
    norm_case("constant_feature", {}, const, x2)
    norm_case("list_of_batches", {}, d2, x2, source="list", batch_size=8)
    norm_case("tuples_of_batches", {}, d2, x2, source="tuples", batch_size=10)
    norm_case("pydataset", {}, d2, x2, source="pydataset", batch_size=16)
    norm_case("list_axis_none", {"axis": None}, d3, x3, source="list", batch_size=3)
    norm_case("readapt", {}, d2, x2, readapt=d2[:9] * 2.0)
    norm_case("int_data", {}, rng.integers(0, 20, (15, 4)).astype("int32"), x2)
    out["normalization"] = norm

    given = []
    for name, kwargs, x in [
        ("scalar", {"mean": 3.0, "variance": 2.0}, x2),
        ("lists", {"mean": [1.0, 2.0, 3.0, 4.0], "variance": [1.0, 4.0, 9.0, 0.25]}, x2),
        (
            "invert",
            {"mean": [1.0, 2.0, 3.0, 4.0], "variance": [1.0, 4.0, 9.0, 0.25], "invert": True},
            x2,
        ),
        (
            "axis_tuple",
            {"axis": (1, 2), "mean": [[1.0, 2.0]] * 3, "variance": [[2.0, 3.0]] * 3},
            x3,
        ),
        ("broadcast", {"axis": (1, 2), "mean": [1.0, 2.0], "variance": [2.0, 3.0]}, x3),
        ("axis_none", {"axis": None, "mean": 1.5, "variance": 4.0}, x3),
    ]:
        layer = layers.Normalization(**kwargs)
        given.append(
            {
                "name": name,
                "kwargs": kwargs,
                "x": _list(x),
                "y": _list(layer(x)),
                "n_weights": len(layer.weights),
                "config": layer.get_config(),
            }
        )
    out["normalization_given"] = given
    fresh = layers.Normalization()
    out["normalization_unadapted"] = {"x": _list(x2), "y": _list(fresh(x2))}

    # -- Discretization -------------------------------------------------------------------
    disc = []
    xs = {
        "1d": _r(rng.normal(0.0, 2.0, (9,))).astype("float32"),
        "2d": _r(rng.normal(0.0, 2.0, (4, 3))).astype("float32"),
        "col": _r(rng.normal(0.0, 2.0, (5, 1))).astype("float32"),
    }
    xs["2d"][0, 0] = 1.0  # exactly on a boundary: the bin above
    for mode in ("int", "one_hot", "multi_hot", "count"):
        for key, x in xs.items():
            if mode == "one_hot" and key == "2d":
                pass
            layer = layers.Discretization(bin_boundaries=[-1.0, 0.0, 1.0, 2.5], output_mode=mode)
            y = layer(x)
            disc.append(
                {
                    "name": f"{mode}_{key}",
                    "kwargs": {"bin_boundaries": [-1.0, 0.0, 1.0, 2.5], "output_mode": mode},
                    "x": _list(x),
                    "y": _list(y),
                    "dtype": str(y.dtype),
                    "config": layer.get_config(),
                }
            )
    out["discretization"] = disc

    dadapt = []
    data = _r(rng.normal(1.0, 3.0, (200,))).astype("float32")
    data2 = _r(rng.exponential(2.0, (30, 4))).astype("float32")
    for name, kwargs, d, batches in [
        ("bins4", {"num_bins": 4}, data, None),
        ("bins3_small", {"num_bins": 3}, data[:11], None),
        ("bins5_eps", {"num_bins": 5, "epsilon": 0.05}, data, None),
        ("bins4_2d", {"num_bins": 4}, data2, None),
        ("bins4_batches", {"num_bins": 4}, data, 50),
        ("bins6_batches_2d", {"num_bins": 6, "epsilon": 0.001}, data2, 7),
        ("one_hot", {"num_bins": 3, "output_mode": "one_hot"}, data, None),
    ]:
        layer = layers.Discretization(**kwargs)
        if batches is None:
            layer.adapt(d)
        else:
            layer.adapt([d[i : i + batches] for i in range(0, len(d), batches)])
        x = xs["2d"] if kwargs.get("output_mode", "int") == "int" else xs["1d"]
        dadapt.append(
            {
                "name": name,
                "kwargs": kwargs,
                "data": _list(d),
                "batch_size": batches,
                "bin_boundaries": [float(b) for b in layer.bin_boundaries],
                "x": _list(x),
                "y": _list(layer(x)),
                "config": layer.get_config(),
            }
        )
    # steps: only the first batches
    layer = layers.Discretization(num_bins=4)
    layer.adapt([data[i : i + 40] for i in range(0, 200, 40)], steps=2)
    dadapt.append(
        {
            "name": "steps2",
            "kwargs": {"num_bins": 4},
            "data": _list(data),
            "batch_size": 40,
            "steps": 2,
            "bin_boundaries": [float(b) for b in layer.bin_boundaries],
            "x": _list(xs["2d"]),
            "y": _list(layer(xs["2d"])),
            "config": layer.get_config(),
        }
    )
    out["discretization_adapt"] = dadapt

    # -- CategoryEncoding -----------------------------------------------------------------
    cat = []
    ints = {
        "1d": np.array([0, 3, 1, 3, 2], "int32"),
        "2d": np.array([[0, 1, 1], [3, 3, 2], [2, 0, 0]], "int32"),
        "col": np.array([[1], [0], [3]], "int32"),
        "scalar": np.array(2, "int32"),
    }
    for mode in ("one_hot", "multi_hot", "count"):
        for key, x in ints.items():
            layer = layers.CategoryEncoding(num_tokens=4, output_mode=mode)
            y = layer(x)
            cat.append(
                {
                    "name": f"{mode}_{key}",
                    "kwargs": {"num_tokens": 4, "output_mode": mode},
                    "x": _list(x),
                    "y": _list(y),
                    "dtype": str(y.dtype),
                    "config": layer.get_config(),
                }
            )
    layer = layers.CategoryEncoding(num_tokens=4, output_mode="count")
    w = np.array([[0.5, 1.0, 2.0], [1.0, 1.0, 3.0], [0.25, 1.0, 1.0]], "float32")
    out["category_encoding_weights"] = {
        "x": _list(ints["2d"]),
        "count_weights": _list(w),
        "y": _list(layer(ints["2d"], count_weights=w)),
    }
    cat.append(
        {
            "name": "binary_alias",
            "kwargs": {"num_tokens": 5, "output_mode": "binary"},
            "x": _list(ints["2d"]),
            "y": _list(layers.CategoryEncoding(num_tokens=5, output_mode="binary")(ints["2d"])),
            "dtype": "float32",
            "config": layers.CategoryEncoding(num_tokens=5, output_mode="binary").get_config(),
        }
    )
    out["category_encoding"] = cat

    # -- a keras.io-style tabular model ---------------------------------------------------
    keras.utils.set_random_seed(0)
    feats = _r(rng.normal([10.0, -3.0, 0.5, 100.0], [2.0, 1.0, 0.1, 30.0], (24, 4)))
    feats = feats.astype("float32")
    target = _r(feats[:, :1] * 0.1 - feats[:, 3:] * 0.01 + rng.normal(0, 0.1, (24, 1)))
    target = target.astype("float32")
    norm_layer = layers.Normalization(name="norm")
    norm_layer.adapt([feats[i : i + 10] for i in range(0, 24, 10)])
    inputs = keras.Input(shape=(4,))
    h = norm_layer(inputs)
    h = layers.Dense(8, activation="relu")(h)
    outputs = layers.Dense(1)(h)
    model = keras.Model(inputs, outputs)
    ws = []
    for w in model.weights:
        if w.path.startswith("norm/"):
            ws.append(np.asarray(w))
        else:
            ws.append(_r(rng.normal(0, 0.5, w.shape)).astype("float32"))
    model.set_weights(ws)
    before = [_list(w) for w in model.get_weights()]
    predict_before = model.predict(feats[:6], verbose=0)
    model.compile(optimizer=keras.optimizers.SGD(0.05), loss="mse")
    hist = model.fit(feats, target, batch_size=12, epochs=1, shuffle=False, verbose=0)
    after = [_list(w) for w in model.get_weights()]
    model.save(KERAS_FILE)
    loaded = keras.saving.load_model(KERAS_FILE)
    out["tabular"] = {
        "x": _list(feats),
        "y": _list(target),
        "adapt_batch_size": 10,
        "weights": before,
        "predict_before": _list(predict_before),
        "loss": float(hist.history["loss"][0]),
        "weights_after": after,
        "predict_after": _list(model.predict(feats[:6], verbose=0)),
        "predict_loaded": _list(loaded.predict(feats[:6], verbose=0)),
        "weight_paths": [w.path for w in model.weights],
    }
    OUT.write_text(json.dumps(out, indent=None, separators=(",", ":")) + "\n")
    print(f"wrote {OUT} ({OUT.stat().st_size} bytes) and {KERAS_FILE}")


if __name__ == "__main__":
    main()
