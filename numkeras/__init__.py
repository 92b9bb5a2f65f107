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
    applications,
    backend,
    callbacks,
    config,
    constraints,
    datasets,
    distillation,
    dtype_policies,
    initializers,
    layers,
    legacy,
    losses,
    metrics,
    mixed_precision,
    models,
    ops,
    optimizers,
    preprocessing,
    quantizers,
    random,
    regularizers,
    saving,
    tree,
    utils,
    wrappers,
)
from numkeras.autodiff.tape import GradientTape
from numkeras.backend.remat import RematScope, remat
from numkeras.backend.scopes import device, name_scope
from numkeras.backend.stateless_scope import StatelessScope
from numkeras.backend.symbolic_scope import SymbolicScope
from numkeras.dtype_policies import DTypePolicy, FloatDTypePolicy
from numkeras.errors import ShapeError
from numkeras.explain import explain
from numkeras.initializers import Initializer
from numkeras.layers import Input, InputSpec, Layer
from numkeras.layers.keras_tensor import KerasTensor
from numkeras.losses import Loss
from numkeras.metrics import Metric
from numkeras.models import Model, Sequential
from numkeras.ops.function import Function
from numkeras.ops.operation import Operation
from numkeras.optimizers import Optimizer
from numkeras.quantizers import Quantizer
from numkeras.regularizers import Regularizer
from numkeras.variables import Variable

__version__ = "0.1.0"


def version() -> str:
    """numkeras's version (Keras's `keras.version()`)."""
    return __version__


__all__ = [
    "DTypePolicy",
    "FloatDTypePolicy",
    "Function",
    "GradientTape",
    "Initializer",
    "Input",
    "InputSpec",
    "KerasTensor",
    "Layer",
    "Loss",
    "Metric",
    "Model",
    "Operation",
    "Optimizer",
    "Quantizer",
    "Regularizer",
    "RematScope",
    "Sequential",
    "ShapeError",
    "StatelessScope",
    "SymbolicScope",
    "Variable",
    "activations",
    "applications",
    "backend",
    "callbacks",
    "config",
    "constraints",
    "datasets",
    "device",
    "distillation",
    "dtype_policies",
    "explain",
    "initializers",
    "layers",
    "legacy",
    "losses",
    "metrics",
    "mixed_precision",
    "models",
    "name_scope",
    "ops",
    "optimizers",
    "preprocessing",
    "quantizers",
    "random",
    "regularizers",
    "remat",
    "saving",
    "tree",
    "utils",
    "wrappers",
    "version",
]
