"""Keras 2's module paths that classic scripts import from resolve to the same classes."""

import importlib

import pytest

import numkeras.layers as layers
import numkeras.models as models

PATHS = {
    "numkeras.layers.convolutional": ["Conv2D", "UpSampling2D", "ZeroPadding2D", "Convolution2D"],
    "numkeras.layers.merge": ["Concatenate", "concatenate", "add", "Multiply"],
    "numkeras.layers.pooling": ["MaxPooling2D", "GlobalAveragePooling1D"],
    "numkeras.layers.recurrent": ["LSTM", "GRU", "SimpleRNN", "StackedRNNCells"],
    "numkeras.layers.embeddings": ["Embedding"],
    "numkeras.layers.wrappers": ["TimeDistributed", "Bidirectional"],
    "numkeras.layers.noise": ["GaussianNoise"],
    "numkeras.layers.experimental.preprocessing": ["Rescaling", "RandomFlip", "StringLookup"],
    "numkeras.engine.topology": ["Layer", "Input", "InputSpec"],
    "numkeras.engine": ["Layer", "InputSpec"],
    "numkeras.engine.base_layer": ["Layer"],
}


@pytest.mark.parametrize("path", list(PATHS))
def test_keras2_paths_alias_the_keras3_names(path):
    module = importlib.import_module(path)
    for name in PATHS[path]:
        assert getattr(module, name) is getattr(layers, name), (path, name)


def test_engine_models():
    from numkeras.engine.sequential import Sequential
    from numkeras.engine.training import Model

    assert Model is models.Model and Sequential is models.Sequential


def test_legacy_optimizers():
    import numkeras.optimizers as optimizers
    from numkeras.optimizers.legacy import SGD, Adam

    assert Adam is optimizers.Adam and SGD is optimizers.SGD
