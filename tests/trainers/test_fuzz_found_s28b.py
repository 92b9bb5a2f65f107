"""Class weights beside several outputs (fuzz_training seeds 580 and 582, session 28):
numkeras refuses them in `train_on_batch` and in a `fit` from a PyDataset with the
ValueError Keras 3's `fit` gives for arrays, where Keras crashes converting the list of
targets (TypeError, IndexError: README, "Misuse gets Keras 3's exception type")."""

import numpy as np
import pytest

import numkeras as K


def _two_outputs():
    inp = K.Input((3,))
    model = K.Model(inp, [K.layers.Dense(2, activation="softmax")(inp) for _ in range(2)])
    model.compile("sgd", ["categorical_crossentropy"] * 2)
    return model


class _Batches(K.utils.PyDataset):
    def __init__(self, x, y):
        super().__init__()
        self.x, self.y = x, y

    def __len__(self):
        return 1

    def __getitem__(self, i):
        return self.x, self.y


@pytest.mark.parametrize("how", ["train_on_batch", "fit_arrays", "fit_pydataset"])
def test_class_weight_beside_several_outputs_is_refused(how):
    model = _two_outputs()
    x = np.ones((4, 3), "float32")
    y = [np.eye(2, dtype="float32")[[0, 1, 0, 1]]] * 2
    before = [w.copy() for w in model.get_weights()]
    with pytest.raises(ValueError, match="class_weight"):
        if how == "train_on_batch":
            model.train_on_batch(x, y, class_weight={0: 2.0, 1: 0.5})
        elif how == "fit_arrays":
            model.fit(x, y, class_weight={0: 2.0, 1: 0.5}, verbose=0)
        else:
            model.fit(_Batches(x, y), class_weight={0: 2.0, 1: 0.5}, verbose=0)
    for a, b in zip(before, model.get_weights()):  # (nothing trained)
        np.testing.assert_array_equal(a, b)
