"""The workloads on real Keras 3, for `python -m bench --compare`.

The backend is whatever `KERAS_BACKEND` says; when it is unset we pick "jax" (the
backend this project compares against) before Keras is first imported. The models are
built by the same code as numkeras's (`bench.workloads`), with two Keras 3 necessities
(keras-facts.md section 4): one Adam per model (Keras 3 cannot share an optimizer across
models), and the `discriminator.trainable` toggle around the two `train_on_batch` calls,
which the shared GAN step always does (it is what makes D train under Keras 3).

With keras installed:

>>> impl = KerasImpl()  # doctest: +SKIP
>>> impl.backend  # doctest: +SKIP
'jax'
"""

from __future__ import annotations

import os
import types
from collections.abc import Callable

from bench.workloads import Config, Data, setup_keras_api


def keras_lib():
    """Import keras (lazily) and return its Keras-API names, plus the module itself."""
    os.environ.setdefault("KERAS_BACKEND", "jax")
    import keras

    lib = types.SimpleNamespace(
        Sequential=keras.Sequential,
        Model=keras.Model,
        Dense=keras.layers.Dense,
        LeakyReLU=keras.layers.LeakyReLU,
        Dropout=keras.layers.Dropout,
        Input=keras.Input,
        Adam=keras.optimizers.Adam,
        RandomNormal=keras.initializers.RandomNormal,
    )
    return keras, lib


class KerasImpl:
    """Keras 3 on its configured backend."""

    name = "keras"

    def __init__(self) -> None:
        keras, self.lib = keras_lib()
        self.backend = keras.backend.backend()
        self.version = f"{keras.__version__} ({self.backend})"
        self.notes: list[str] = []
        if self.backend == "jax":
            import jax

            self.version = f"{keras.__version__} (jax {jax.__version__}, {jax.default_backend()})"

    def setup(self, workload: str, data: Data, cfg: Config, **kw) -> Callable[[], None]:
        return setup_keras_api(self.lib, workload, data, cfg, share_optimizer=False, **kw)
