"""`loss_scale_factor`: the built-in step scales the loss (its gradients) and `apply`
divides them back, so training is unchanged, as in Keras 3 (0.6 after one SGD step here,
as Keras 3 on JAX gives with and without the factor)."""

import numpy as np

import numkeras as keras


def _one_step(**kwargs):
    model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1, kernel_initializer="ones")])
    model.compile(keras.optimizers.SGD(0.1, **kwargs), "mse")
    model.train_on_batch(np.ones((4, 2)), np.zeros((4, 1)))
    return model.get_weights()[0].ravel()


def test_loss_scale_factor_leaves_training_unchanged():
    np.testing.assert_allclose(_one_step(), [0.6, 0.6], rtol=1e-6)
    np.testing.assert_allclose(_one_step(loss_scale_factor=128.0), [0.6, 0.6], rtol=1e-6)
