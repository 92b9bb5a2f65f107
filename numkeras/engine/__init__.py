"""Keras 2's `keras.engine` import paths (`from keras.engine.topology import Layer`,
`from keras.engine import InputSpec`), kept so classic custom-layer scripts run with only
their imports changed."""

from numkeras.engine import base_layer, input_layer, sequential, topology, training
from numkeras.layers import Input, InputLayer, InputSpec, Layer

__all__ = [
    "Input",
    "InputLayer",
    "InputSpec",
    "Layer",
    "base_layer",
    "input_layer",
    "sequential",
    "topology",
    "training",
]
