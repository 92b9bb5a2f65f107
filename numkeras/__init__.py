"""numkeras: the Keras model API on NumPy.

Keras's batch and shape semantics exactly, training with hand-written backward
passes, and errors that explain themselves.

>>> import numpy as np
>>> import numkeras
>>> from numkeras.models import Sequential
>>> from numkeras.layers import Input, Dense
>>> model = Sequential([Input(shape=(64,)), Dense(256)])
>>> model.predict(np.zeros((128, 64)), verbose=0).shape
(128, 256)
"""

from numkeras import (
    activations,
    backend,
    callbacks,
    constraints,
    datasets,
    initializers,
    layers,
    losses,
    metrics,
    models,
    ops,
    optimizers,
    random,
    regularizers,
    saving,
    utils,
)
from numkeras.errors import ShapeError
from numkeras.explain import explain
from numkeras.layers import Input
from numkeras.layers.keras_tensor import KerasTensor
from numkeras.models import Model, Sequential
from numkeras.variables import Variable

__version__ = "0.1.0"

__all__ = [
    "Input",
    "KerasTensor",
    "Model",
    "Sequential",
    "ShapeError",
    "Variable",
    "activations",
    "backend",
    "callbacks",
    "constraints",
    "datasets",
    "explain",
    "initializers",
    "layers",
    "losses",
    "metrics",
    "models",
    "ops",
    "optimizers",
    "random",
    "regularizers",
    "saving",
    "utils",
]
