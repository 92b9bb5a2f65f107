"""Probes of what numkeras's functional loader (`numkeras/models/config.py`) does with
operation nodes, for the tests that need it: whether it keeps the list of outputs of an
operation with several (split, top_k, moments), and whether it passes the keyword arguments
Keras writes in a node (`Average`'s `weights`, attention's `mask`)."""

import numpy as np

from numkeras import ops
from numkeras.layers import Input
from numkeras.models import Model


def loader_keeps_lists() -> bool:
    """Does a config with the second output of `split` load?"""
    x = Input(shape=(4,))
    _, second = ops.split(x, 2, axis=-1)
    try:
        again = Model.from_config(Model(x, second).get_config())
    except Exception:  # noqa: BLE001 - any failure: it does not
        return False
    return again.outputs[0].shape == (None, 2)


def loader_passes_keywords() -> bool:
    """Does a config whose `average` node gives `weights` as a keyword, as Keras writes it,
    load with the weights?"""
    x = Input(shape=(2,))
    config = Model(x, ops.average(x, axis=1, weights=np.array([1.0, 0.0]))).get_config()
    for layer in config["layers"]:
        if layer["class_name"] == "Average":
            node = layer["inbound_nodes"][0]
            node["kwargs"] = {"weights": node["args"].pop()}
    try:
        again = Model.from_config(config)
    except Exception:  # noqa: BLE001 - any failure: it does not
        return False
    got = again.predict(np.array([[1.0, 3.0]], "float32"), verbose=0)
    return bool(np.allclose(got, [1.0]))
