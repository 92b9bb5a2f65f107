"""What fit / evaluate / predict / the *_on_batch methods take and give back, against real
Keras 3: each scenario of scripts/goldens/make_diff_data.py runs here on numkeras and must
give Keras's values, dtypes, shapes and container types (list / tuple / dict, in order), or
raise an exception of the built-in class Keras raised (goldens in tests/goldens/diff_data.json).
"""

import warnings

import numpy as np
import pytest

import numkeras
from numkeras.trainers import data as data_utils

from ..differential import goldens, scenario_script

GOLD = goldens("diff_data")["cases"]
SCEN = scenario_script("make_diff_data")


def assert_same(got, want, where="result"):
    if isinstance(want, dict) and "array" in want:
        assert isinstance(got, dict) and "array" in got, f"{where}: {got!r} is not an array"
        assert (got["array"], got["shape"]) == (want["array"], want["shape"]), where
        assert got["values"] == pytest.approx(want["values"], rel=1e-4, abs=1e-5), where
    elif isinstance(want, dict):
        (kind,) = want
        assert isinstance(got, dict) and list(got) == [kind], f"{where}: {got!r} is not a {kind}"
        if kind == "dict":
            assert [k for k, _ in got[kind]] == [k for k, _ in want[kind]], f"{where}: keys"
            pairs = zip([v for _, v in got[kind]], [v for _, v in want[kind]])
        else:
            assert len(got[kind]) == len(want[kind]), where
            pairs = zip(got[kind], want[kind])
        for i, (g, w) in enumerate(pairs):
            assert_same(g, w, f"{where}.{kind}[{i}]")
    elif isinstance(want, list):
        assert isinstance(got, list) and len(got) == len(want), f"{where}: {got!r} vs {want!r}"
        for i, (g, w) in enumerate(zip(got, want)):
            assert_same(g, w, f"{where}[{i}]")
    elif isinstance(want, (str, bool)) or want is None:
        assert got == want, where
    else:
        assert got == pytest.approx(want, rel=1e-4, abs=1e-5), where


# Keras 3 rounds `steps` up to whole executions of steps_per_execution, and peeks at a
# batch before the first fit after compile; data.py does both, but the trainer must pass
# the compiled value and say when Keras peeks (/work/notes/repros_data.md #11, #12).
# Delete these names once it does.
PENDING_TRAINER_WIRING: set = set()  # (all wired in trainer.py)


@pytest.mark.parametrize(
    "scenario",
    [
        pytest.param(s, marks=pytest.mark.xfail(reason="trainer wiring pending"))
        if s.__name__ in PENDING_TRAINER_WIRING
        else s
        for s in SCEN.SCENARIOS
    ],
    ids=lambda f: f.__name__,
)
def test_matches_keras(scenario):
    want = GOLD[scenario.__name__]
    numkeras.utils.set_random_seed(0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        if isinstance(want, dict) and "raises" in want:
            with pytest.raises(Exception) as err:
                scenario(numkeras)
            builtin = getattr(__builtins__, want["raises"], None) or __builtins__[want["raises"]]
            assert isinstance(err.value, builtin), f"{err.value!r} is not a {want['raises']}"
            return
        got = SCEN.run(numkeras, scenario)
    assert_same(got, want, scenario.__name__)


def test_every_scenario_has_a_golden():
    assert sorted(GOLD) == sorted(s.__name__ for s in SCEN.SCENARIOS)


# -- numkeras's own rules where Keras crashes or silently reads a bad value ---------------
@pytest.mark.parametrize("bad", [2.0, "2", True, np.float32(2)])
def test_a_non_integer_batch_size_or_steps_is_a_type_error_that_names_the_argument(bad):
    model = SCEN.dense(numkeras)
    with pytest.raises(TypeError, match="`batch_size` must be a positive integer") as err:
        model.predict(SCEN.X(), batch_size=bad, verbose=0)
    assert isinstance(err.value, ValueError)  # what numkeras raised before, still caught
    with pytest.raises(TypeError, match="`steps` must be a positive integer"):
        model.predict(SCEN.X(), steps=bad, verbose=0)


def test_a_whole_float_batch_size_names_the_int_to_use():
    with pytest.raises(TypeError, match="Use batch_size=2"):
        data_utils.check_batch_size(2.0)


@pytest.mark.parametrize("bad", [0, -2])
def test_zero_or_negative_batch_size_and_steps_are_value_errors(bad):
    # Keras reads 0 as "not given" (32 rows, a whole pass) and crashes on a negative value
    model = SCEN.dense(numkeras)
    for kw in ({"batch_size": bad}, {"steps": bad}):
        with pytest.raises(ValueError, match="must be a positive integer") as err:
            model.predict(SCEN.X(), verbose=0, **kw)
        assert not isinstance(err.value, TypeError)


def test_shuffle_batch_permutes_rows_only_within_each_batch():
    x = np.arange(10, dtype="float32")[:, None]
    epochs = data_utils.ArrayEpochs([[x]], 4, "batch", None)
    seen = [sorted(b[0][0].ravel().tolist()) for _ in range(3) for b in epochs.epoch()]
    assert seen == [[0, 1, 2, 3], [4, 5, 6, 7], [8, 9]] * 3
    order = [b[0][0].ravel().tolist() for _ in range(5) for b in epochs.epoch()]
    assert any(o != sorted(o) for o in order)  # shuffled within the batch


def test_a_pydataset_list_batch_is_x_y_but_a_generator_list_is_one_multi_input_x():
    x, y = SCEN.X(4), SCEN.X(4, 3)

    class ListBatches(numkeras.utils.PyDataset):
        def __len__(self):
            return 1

        def __getitem__(self, i):
            return [x, y]

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # (super().__init__ not called)
        stream = data_utils.StreamEpochs(ListBatches(), lambda *b: b, None)
        (batch,) = list(stream.epoch())
    assert batch[0] is x and batch[1] is y
    stream = data_utils.StreamEpochs(iter([[x, y]]), lambda *b: b, None)
    (batch,) = list(stream.epoch())
    assert batch[0] == [x, y] and batch[1] is None


def test_class_weight_on_bool_labels_indexes_the_table():
    weights = data_utils.class_weight_to_sample_weight(np.array([True, False]), {0: 1, 1: 3})
    np.testing.assert_array_equal(weights, [3.0, 1.0])


def test_class_weight_with_string_keys_is_refused_instead_of_weighing_nothing():
    # Keras looks classes up by int, so {"0": ...} silently leaves every weight at 1
    with pytest.raises(TypeError, match=r"class_weight keys must be integer class indices"):
        data_utils.class_weight_to_sample_weight(np.array([0, 1]), {"0": 1.0, "1": 2.0})
    weights = data_utils.class_weight_to_sample_weight(np.array([0, 1]), {0.0: 1.0, 1.0: 2.0})
    np.testing.assert_array_equal(weights, [1.0, 2.0])


def test_explain_reads_a_dict_by_input_name_as_predict_does():
    a, b = numkeras.Input((3,), name="a"), numkeras.Input((2,), name="b")
    joined = numkeras.layers.Concatenate()([a, b])
    model = numkeras.Model({"a": a, "b": b}, numkeras.layers.Dense(1)(joined))
    data = {"b": np.zeros((2, 2)), "unused": np.zeros(3), "a": np.zeros((2, 3))}
    assert model.predict(data, verbose=0).shape == (2, 1)
    text = numkeras.explain(model, data, print_fn=lambda s: None)
    assert "FAILS" not in text and "Result: (2, 1)" in text
    text = numkeras.explain(model, {"b": np.zeros((2, 2))}, print_fn=lambda s: None)
    assert "the dict has no ['a']" in text


@pytest.mark.parametrize(
    "shape, fix",
    [
        ((64, 256, 256), "np.moveaxis(x, 0, -1).reshape(-1, 64), shape (65536, 64)"),
        ((1, 64, 128), "np.moveaxis(x, 1, -1).reshape(-1, 64), shape (128, 64)"),
    ],
)
def test_the_seed_shapes_with_the_features_on_another_axis_get_a_fix(shape, fix):
    # Keras: "Expected shape (None, 64), but input has incompatible shape (32, 256, 256)"
    model = SCEN.dense(numkeras, in_dim=64)
    with pytest.raises(ValueError, match="expected rank 2") as err:
        model.predict(np.zeros(shape), verbose=0)
    assert fix in str(err.value)


class _Numbered(numkeras.utils.PyDataset):
    def __init__(self, n=5):
        super().__init__()
        self.n = n

    def __len__(self):
        return self.n

    def __getitem__(self, i):
        return np.full((1, 1), i), np.zeros((1, 1))


def _epochs(source, count=3):
    return [[int(b[0][0, 0]) for b in source.epoch()] for _ in range(count)]


def test_a_pydataset_as_long_as_steps_per_epoch_starts_each_epoch_afresh():
    # (numkeras found the pass used up at epoch 2, warned and trained nothing)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        source = data_utils.StreamEpochs(_Numbered(), lambda *b: b, 5)
        assert _epochs(source) == [[0, 1, 2, 3, 4]] * 3


@pytest.mark.parametrize(
    "steps, execution, epochs, warned",
    [
        (3, 1, [[0, 1, 2], [3, 4], [0, 1, 2]], 1),  # the pass runs out at a step: a warning
        (4, 3, [[0, 1, 2, 3, 4]] * 3, 0),  # 4 -> 6 steps, cut short silently at the pass end
        (2, 3, [[0, 1, 2], [3, 4], [0, 1, 2]], 0),  # 2 -> one execution of 3
    ],
)
def test_stream_epochs_run_whole_executions_as_keras_3(steps, execution, epochs, warned):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        source = data_utils.StreamEpochs(
            _Numbered(), lambda *b: b, steps, steps_per_execution=execution
        )
        assert _epochs(source) == epochs
    assert len(caught) == warned


def test_array_epochs_and_predict_batches_run_whole_executions_as_keras_3():
    x = np.arange(20.0)[:, None]
    epochs = data_utils.ArrayEpochs([[x]], 2, False, 4, steps_per_execution=3)
    sizes = [len(list(epochs.epoch())) for _ in range(3)]
    assert sizes == [6, 4, 6]  # 10 batches a pass: 6, the 4 left, a fresh pass
    assert data_utils.predict_batches(20, 2, 4, 3) == (2, 6)
    assert data_utils.predict_batches(20, 2, 4) == (2, 4)


def test_array_shuffles_draw_numpy_s_global_generator_after_keras_s_peek():
    x = np.arange(10.0)[:, None]
    for peeked, skip in ((False, 0), (True, 1)):
        numkeras.utils.set_random_seed(0)
        epochs = data_utils.ArrayEpochs([[x]], 4, True, None, peeked=peeked)
        got = [np.concatenate([b[0][0] for b in epochs.epoch()]).ravel() for _ in range(2)]
        np.random.seed(0)
        want = [np.random.permutation(10) for _ in range(skip + 2)][skip:]
        np.testing.assert_array_equal(np.array(got), np.array(want, dtype="float64"))


class _Hooked(numkeras.utils.PyDataset):
    def __init__(self, log):
        super().__init__()
        self.log = log

    def __len__(self):
        return 3

    def __getitem__(self, i):
        self.log.append(i)
        return np.full((1, 1), i), np.zeros((1, 1))

    def on_epoch_begin(self):
        self.log.append("b")

    def on_epoch_end(self):
        self.log.append("e")


@pytest.mark.parametrize(
    "reset_first, peeked, want",
    [
        (False, False, ["b", 0, 1, 2, "e", "b", 0, 1, 2, "e"]),  # predict
        (True, False, ["e", "b", 0, 1, 2, "e", "b", 0, 1, 2, "e"]),  # fit, Keras built
        (True, True, ["b", 0, "e", "b", 0, 1, 2, "e", "b", 0, 1, 2, "e"]),  # first fit
    ],
)
def test_pydataset_hooks_run_where_keras_3_runs_them(reset_first, peeked, want):
    log = []
    source = data_utils.StreamEpochs(
        _Hooked(log), lambda *b: b, None, reset_first=reset_first, peeked=peeked
    )
    source.peek()  # (fit and evaluate peek to build)
    for _ in range(2):
        list(source.epoch())
    assert log == want


def test_pydataset_shuffles_with_python_s_random_after_keras_s_peek():
    import random

    log = []
    numkeras.utils.set_random_seed(0)
    source = data_utils.StreamEpochs(_Hooked(log), lambda *b: b, None, shuffle=True, peeked=True)
    source.peek()
    order = [[int(b[0][0, 0]) for b in source.epoch()] for _ in range(2)]
    random.seed(0)
    shuffles = []
    for _ in range(3):
        indices = [0, 1, 2]
        random.shuffle(indices)
        shuffles.append(indices)
    assert order == shuffles[1:] and log[1] == shuffles[0][0]  # the peek pass's first batch
