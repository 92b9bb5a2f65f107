"""Goldens for tests/models/test_fuzz_found_5.py: what the model, saving and interop fuzzers
(scripts/fuzz/fuzz_models.py, fuzz_saving.py, fuzz_interop.py, seeds 521-535 and
2011-2020, with their newest draws) found numkeras doing differently from Keras 3.

- `summary(expand_nested=True)` of a functional model holding a nested model whose layer is
  also called in the outer graph (a shared layer): Keras's nested row of that layer lists
  its calls in the outer graph under "Connected to"; numkeras wrote "-" for every nested row.
- An `InputLayer`'s `dtype_policy` (and `compute_dtype`): Keras gives it the global policy
  whatever its data's dtype (`float32` for int32 token ids, `mixed_float16` under that global
  policy); numkeras named the policy after the data's dtype (`int32`, `float32`).
- A nested model (functional or Sequential) called in an outer graph: its symbolic outputs
  took the model's own dtype (float32), not its outputs' (float16 out of a mixed_float16
  layer, int32 out of a Discretization), so the outer model's predictions were cast to
  float32 and its config's node arguments said float32.
- `Sequential([Input(...)])` (no other layer) is never built in Keras, so its config has no
  `build_input_shape`; numkeras wrote one (`.keras` files included).
- A legacy `.h5` of a model with an `IntegerLookup` or a `StringLookup`: numkeras wrote
  Keras 3.15's `oov_method` and `salt` into their configs, which tf_keras (Keras 2) refuses
  (`TypeError` on load); now left out at their defaults, as other Keras-3-only arguments.
  Its goldens are the config keys tf_keras writes for these layers (`--keras2`, below).

Each scenario takes the Keras-like module. Run with Keras 3 and JAX installed (writes
tests/goldens/fuzz_found_5.json):
    cd /tmp && KERAS_BACKEND=jax /work/kenv/bin/python \\
        /work/main/scripts/goldens/make_fuzz_found_5.py
and for the Keras 2 goldens (adds `keras2_lookup_config_keys` and `keras2_lookup_dtypes` to
the same JSON):
    cd /tmp && TF_USE_LEGACY_KERAS=1 /work/tfenv/bin/python \
        /work/main/scripts/goldens/make_fuzz_found_5.py --keras2
"""

from __future__ import annotations

import pathlib
import sys

import numpy as np

ROOT = pathlib.Path(__file__).parents[2]
sys.path.insert(0, str(ROOT))
from tests.differential import Scenarios  # noqa: E402

OUT = ROOT / "tests" / "goldens" / "fuzz_found_5.json"

SCENARIOS = Scenarios()


def _summary(model, **kwargs) -> list[str]:
    lines = []
    model.summary(print_fn=lambda s, **k: lines.append(s), **kwargs)
    return "\n".join(lines).split("\n")


@SCENARIOS.scenario
def nested_summary_shared_layer(K) -> dict:
    """A layer shared by a nested model and the outer graph (called there once or twice),
    and a nested model of its own layers: the nested rows' "Connected to"."""
    L = K.layers
    shared = L.Dense(3, name="sh")
    a = K.Input((4,), name="a")
    inner = K.Model(a, L.Dense(3, name="own")(shared(a)), name="inner")
    b = K.Input((4,), name="b")
    outs = [L.Add(name="add")([inner(b), shared(b)]), L.Dense(3, name="d")(shared(b))]
    model = K.Model(b, L.Concatenate(name="cat")(outs), name="outer")
    model.layers[1].trainable = False
    return {
        "expanded": _summary(model, expand_nested=True, show_trainable=True),
        "plain": _summary(model),
    }


@SCENARIOS.scenario
def input_layer_policy(K) -> dict:
    """Each layer's dtype_policy, dtype and compute_dtype, a float and an int32 Input, under
    the float32 and the mixed_float16 global policy."""
    results = {}
    for policy in ("float32", "mixed_float16"):
        K.mixed_precision.set_global_policy(policy)
        try:
            ids, feats = K.Input((3,), dtype="int32"), K.Input((3,))
            h = K.layers.Embedding(5, 2)(ids)
            out = K.layers.Concatenate()([K.layers.Flatten()(h), K.layers.Dense(2)(feats)])
            model = K.Model([ids, feats], out)
        finally:
            K.mixed_precision.set_global_policy("float32")
        results[policy] = [
            [layer.dtype_policy.name, layer.dtype, layer.compute_dtype] for layer in model.layers
        ]
    return results


@SCENARIOS.scenario
def nested_model_output_dtypes(K) -> dict:
    """The dtypes of nested models' outputs in an outer graph: symbolic, predicted, and in
    the outer config's node arguments."""
    L = K.layers
    a = K.Input((3,))
    mixed = K.Model(a, L.Dense(2, dtype="mixed_float16")(a))
    b = K.Input((3,))
    bins = K.Model(b, L.Discretization(bin_boundaries=[0.0])(b))
    seq = K.Sequential([K.Input((3,)), L.Dense(2, dtype="mixed_float16")])
    x = K.Input((3,))
    outs = [mixed(x), bins(x), seq(x)]
    outs.append(L.Dense(1)(L.Concatenate()([outs[0], outs[2]])))
    model = K.Model(x, outs)
    config = model.get_config()
    predicted = model.predict(np.array([[0.5, -1.0, 2.0]], "float32"), verbose=0)
    return {
        "symbolic": [str(t.dtype) for t in outs],
        "predicted": [str(np.asarray(p).dtype) for p in predicted],
        "node_args": [
            [arg["config"]["dtype"] for arg in _keras_tensors(node)]
            for layer in config["layers"]
            for node in layer["inbound_nodes"]
        ],
    }


def _keras_tensors(value) -> list:
    """The `__keras_tensor__` entries of a node's config, in order."""
    if isinstance(value, dict) and value.get("class_name") == "__keras_tensor__":
        return [value]
    items = value.values() if isinstance(value, dict) else value
    if not isinstance(items, (list, tuple)) and not isinstance(value, dict):
        return []
    return [t for v in items for t in _keras_tensors(v)]


@SCENARIOS.scenario
def sequential_of_an_input(K) -> dict:
    """A Sequential of only an Input: its config, its from_config copy's, then with a layer
    added (built: the build shape appears)."""
    model = K.Sequential([K.Input((3,))])
    again = K.Sequential.from_config(model.get_config())
    again.add(K.layers.Dense(2))
    return {
        "config_keys": sorted(model.get_config()),
        "layers": [la["class_name"] for la in model.get_config()["layers"]],
        "again_keys": sorted(again.get_config()),
        "again_build_shape": list(again.get_config()["build_input_shape"]),
    }


def lookup_layers(K) -> list:
    """The lookup layers whose legacy `.h5` configs tf_keras must read."""
    return [
        K.layers.IntegerLookup(vocabulary=[1, 2, 3], num_oov_indices=2),
        K.layers.StringLookup(vocabulary=["a", "b"], output_mode="multi_hot"),
    ]


def keras2_lookup_config_keys() -> dict:
    """The keys of tf_keras's configs of the lookup layers, by class."""
    import tf_keras

    return {type(la).__name__: sorted(la.get_config()) for la in lookup_layers(tf_keras)}


def keras2_lookup_dtypes() -> dict:
    """The `dtype` tf_keras writes in the lookup layers' configs, by class (int64 token ids
    for `output_mode="int"`; its loader refuses a float dtype there)."""
    import tf_keras

    return {type(la).__name__: la.get_config()["dtype"] for la in lookup_layers(tf_keras)}


if __name__ == "__main__":
    if sys.argv[1:] == ["--keras2"]:
        import json

        results = json.loads(OUT.read_text()) if OUT.exists() else {}
        results["keras2_lookup_config_keys"] = keras2_lookup_config_keys()
        results["keras2_lookup_dtypes"] = keras2_lookup_dtypes()
        lines = [
            f"{json.dumps(k)}: {json.dumps(results[k], sort_keys=True)}" for k in sorted(results)
        ]
        OUT.write_text("{\n" + ",\n".join(lines) + "\n}\n")  # (as Scenarios.write)
    else:
        SCENARIOS.write(OUT, sys.argv[1:] or None)
