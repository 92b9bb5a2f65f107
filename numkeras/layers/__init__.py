"""Layers: `from numkeras.layers import Dense` as `from keras.layers import Dense`."""

from numkeras.layers.activation import Activation
from numkeras.layers.batch_normalization import BatchNormalization
from numkeras.layers.dense import Dense
from numkeras.layers.dropout import Dropout
from numkeras.layers.elu import ELU
from numkeras.layers.flatten import Flatten
from numkeras.layers.input_layer import Input, InputLayer
from numkeras.layers.input_spec import InputSpec
from numkeras.layers.keras_tensor import KerasTensor
from numkeras.layers.layer import Layer
from numkeras.layers.leaky_relu import LeakyReLU
from numkeras.layers.merging import (
    Add,
    Average,
    Concatenate,
    Dot,
    Maximum,
    Minimum,
    Multiply,
    Subtract,
    add,
    average,
    concatenate,
    dot,
    maximum,
    minimum,
    multiply,
    subtract,
)
from numkeras.layers.prelu import PReLU
from numkeras.layers.relu import ReLU
from numkeras.layers.reshape import Reshape
from numkeras.layers.softmax import Softmax

__all__ = [
    "Activation",
    "Add",
    "BatchNormalization",
    "Average",
    "Concatenate",
    "Dot",
    "Maximum",
    "Minimum",
    "Multiply",
    "Subtract",
    "Dense",
    "Dropout",
    "ELU",
    "Flatten",
    "Input",
    "InputLayer",
    "InputSpec",
    "KerasTensor",
    "Layer",
    "LeakyReLU",
    "PReLU",
    "ReLU",
    "Reshape",
    "Softmax",
    "add",
    "average",
    "concatenate",
    "dot",
    "maximum",
    "minimum",
    "multiply",
    "subtract",
]
