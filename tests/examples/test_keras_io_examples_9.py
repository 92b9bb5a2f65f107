"""A ninth set of keras.io code examples against Keras 3 (the model and training code as
written), vision ones: the Swin transformer (keras.io's Keras 3 version: windows moved by
`ops.roll`, a relative position bias taken from a table by a `keras.Variable` of indices, an
attention-mask `keras.Variable` made in `build` and handed to the attention layer's call as
`mask=`, patch merging by strided slices, AdamW with label smoothing), Zero-DCE low-light
enhancement (a subclassed model wrapping a functional one, its own `compile` setting the
optimizer, a train_step logging five loss tensors, an unreduced `Loss` subclass of fixed
`conv2d` kernels, `avg_pool2d`), ShiftViT (a subclassed model whose train_step uses tf.keras's
deprecated `compiled_loss` / `compiled_metrics` and takes gradients of a nested list of
layers' variables, channel shifts by split / crop / pad, stages built in `build`, a
`LearningRateSchedule` subclass of `where` / `cos` for AdamW, EarlyStopping) and the
Perceiver (a subclassed model whose build ends with `super().build(input_shape)`, a latent
weight of batch 1 fed beside a batch of data arrays to a functional model of dict inputs,
Attention broadcasting its query, both sub-models called twice with shared weights,
ReduceLROnPlateau and EarlyStopping restoring the best weights), ViViT (Conv3D tubelets
reshaped to tokens, positions of a `tf.range` made in `build`, float labels for the sparse
cross-entropy); and two focused cases of what they needed.

The scenarios live in scripts/goldens/make_keras_io_examples_9.py (functions of the
`keras` module, the examples' code at a reduced size on synthetic data, weights from a fixed
RNG); the goldens (tests/goldens/keras_io_examples_9.json) are what Keras 3.15 returned:
on TensorFlow for the examples written with TensorFlow, on torch for the Swin transformer,
on JAX for the others. Numbers are compared to float32 noise.
"""

import json

import numpy as np
import pytest

import numkeras

from ..differential import (
    assert_json_close,
    goldens,
    run_scenario,
    scenario_params,
    scenario_script,
)

GOLD = goldens("keras_io_examples_9")
SCRIPT = scenario_script("make_keras_io_examples_9")

SLOW: set[str] = set()


@pytest.mark.parametrize("name", scenario_params(sorted(SCRIPT.SCENARIOS), SLOW))
def test_keras_io_example_matches_keras(name):
    got, want = run_scenario(SCRIPT, name), json.loads(json.dumps(GOLD[name]))
    assert_json_close(got, want, rtol=2e-3, atol=2e-4, where=name)


def test_a_variable_of_dtype_int_is_int32():
    # keras.io's Swin keeps its relative position index in
    # `keras.Variable(initializer=index, shape=..., dtype="int", trainable=False)`: Keras
    # (JAX and torch, and numkeras's own `standardize_dtype`) makes "int" int32; numkeras's
    # Variable gave NumPy's "int", int64 (the summary's bytes doubled)
    v = numkeras.Variable(initializer=np.arange(4).reshape(2, 2), shape=(2, 2), dtype="int")
    assert v.dtype == np.int32
    assert numkeras.Variable(np.zeros(2), dtype=float).dtype == np.float32
    assert numkeras.Variable(np.zeros(2), dtype="float16").dtype == np.float16


def test_super_build_at_the_end_of_a_subclassed_models_build():
    # keras.io's Perceiver ends its build with `super().build(input_shape)`: Keras marks
    # the model built; numkeras's Model.build ran the model's own build again, which
    # called it again (a RecursionError)
    numkeras.utils.clear_session(free_memory=False)

    class Head(numkeras.Model):
        def build(self, input_shape):
            self.scale = self.add_weight(shape=(3,), initializer="ones")
            self.dense = numkeras.layers.Dense(2)
            super().build(input_shape)

        def call(self, x):
            return self.dense(x * self.scale)

    model = Head()
    model.build((None, 3))
    assert model.built and len(model.weights) == 1  # (the Dense: built by the first call)
    x = np.ones((4, 3), "float32")
    assert model(x).shape == (4, 2)
    model.compile(optimizer="sgd", loss="mse")
    model.fit(x, np.zeros((4, 2), "float32"), epochs=1, verbose=0)
    assert len(model.trainable_weights) == 3
    assert not np.allclose(np.asarray(model.scale), 1.0)  # (trained: its gradient flowed)


def test_a_direct_call_takes_an_input_of_one_sample_beside_a_batch():
    # keras.io's Perceiver calls its cross-attention model on a latent array of batch 1
    # and a batch of data arrays; Keras's call lets the layers broadcast them, numkeras
    # refused "all inputs must have the same number of samples" (fit's data still must)
    numkeras.utils.clear_session(free_memory=False)
    a, b = numkeras.Input((2,)), numkeras.Input((2,))
    model = numkeras.Model([a, b], numkeras.layers.Add()([a, b]))
    one, batch = np.array([[1.0, 2.0]], "float32"), np.arange(6, dtype="float32").reshape(3, 2)
    np.testing.assert_allclose(model([one, batch]), batch + one)
    with pytest.raises(ValueError, match="same number of samples"):
        model([batch[:2], batch])
    with pytest.raises(ValueError, match="same number of samples"):
        model.predict([one, batch], verbose=0)


def test_a_model_of_dict_inputs_called_on_a_dict_of_tensors():
    # Keras's functional API: a model of named inputs, called in a graph on a dict of
    # symbolic tensors (keras.io's Perceiver, in its traced call); numkeras took the dict
    # for arrays ("expects 2 input(s), received 1")
    numkeras.utils.clear_session(free_memory=False)
    a, b = numkeras.Input((3,), name="a"), numkeras.Input((3,), name="b")
    inner = numkeras.Model({"a": a, "b": b}, numkeras.layers.Subtract()([a, b]))
    x, y = numkeras.Input((3,)), numkeras.Input((3,))
    out = inner({"b": y, "a": x})
    assert tuple(out.shape) == (None, 3)
    outer = numkeras.Model([x, y], out)
    got = outer.predict([np.ones((2, 3)), np.zeros((2, 3))], verbose=0)
    np.testing.assert_allclose(got, np.ones((2, 3)))


def test_attention_gradient_of_a_query_broadcast_over_the_batch():
    # Attention's query of batch 1 beside keys of batch 4 (keras.io's Perceiver): in a
    # graph, its gradient is the sum over the batch; numkeras's came back batch-sized, and
    # the Dense before it failed. The same as for the query tiled to the batch
    numkeras.utils.clear_session(free_memory=False)
    rng = np.random.default_rng(0)
    query = rng.normal(size=(1, 2, 3)).astype("float32")
    keys = rng.normal(size=(4, 5, 3)).astype("float32")
    q_in, k_in = numkeras.Input((2, 3)), numkeras.Input((5, 3))
    projected = numkeras.layers.Dense(3)(q_in)
    model = numkeras.Model(
        [q_in, k_in], numkeras.layers.Attention(use_scale=True)([projected, k_in])
    )

    def grads_of(q):
        with numkeras.GradientTape() as tape:
            loss = numkeras.ops.sum(numkeras.ops.square(model([q, keys])))
        return [np.asarray(g) for g in tape.gradient(loss, model.trainable_weights)]

    for got, want in zip(grads_of(query), grads_of(np.repeat(query, 4, axis=0))):
        np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-6)
