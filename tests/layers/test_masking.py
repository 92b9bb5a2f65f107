"""Masking (Keras 3's masks for padded sequences): `Embedding(mask_zero=True)`, `Masking`,
their propagation through a graph, the recurrent layers, pooling, merges and
BatchNormalization that use them, and the loss and metrics that leave the padding out.

Checked against real Keras 3.15 (goldens from scripts/goldens/make_masking.py: predictions,
output masks, losses, metrics and weights after two training steps, configs, a Keras
file), backward passes against finite differences in float64, and the padding's values
against everything unmasked (property tests)."""

import json
import pathlib
import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import numkeras
from numkeras import layers
from numkeras.errors import ConfigError, ShapeError
from numkeras.layers.layer import call_accepts_training
from numkeras.models import Model, Sequential
from numkeras.utils.gradcheck import numeric_gradient
from tests.layers.masking_models import CASES, IDS, MASK, T

GOLDENS = pathlib.Path(__file__).resolve().parents[1] / "goldens"
GOLDEN = json.loads((GOLDENS / "masking.json").read_text())["cases"]
MULTI_INPUT = ("maximum", "minimum_partial", "seq2seq")


def _case(name):
    golden = GOLDEN[name]
    build, loss, metrics, (opt, lr) = CASES[name]
    numkeras.backend.clear_session(free_memory=False)  # (layer names as the golden's)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # (nested: Keras's mask warnings are not the point)
        model = build(numkeras)
    model.set_weights([np.asarray(w, "float32") for w in golden["weights"]])
    x = golden["x"]
    x = [np.asarray(a) for a in x] if name in MULTI_INPUT else np.asarray(x)
    y = np.asarray(golden["y"])
    sw = golden["sample_weight"]
    sw = None if sw is None else np.asarray(sw)
    optimizer = numkeras.optimizers.Adam(lr) if opt == "adam" else numkeras.optimizers.SGD(lr)
    return model, x, y, sw, (optimizer, loss, metrics), golden


def _output_masks(model, x):
    xs = model._standardize_inputs(x)
    masks: list = []
    model._run(xs, training=False, out_masks=masks)
    return masks


def _close_logs(ours: dict, ref: dict, keys=None):
    for k in keys or ref:
        assert ours[k] == pytest.approx(ref[k], rel=2e-6, abs=2e-6), k


@pytest.mark.parametrize("name", list(CASES))
def test_against_keras(name):
    model, x, y, sw, (optimizer, loss, metrics), golden = _case(name)
    assert model._masked
    np.testing.assert_allclose(model.predict(x, verbose=0), golden["prediction"], atol=2e-6)
    for ours, ref in zip(_output_masks(model, x), golden["output_masks"]):
        assert (ours is None) == (ref is None)
        if ref is not None:
            np.testing.assert_array_equal(ours, ref)
    model.compile(optimizer=optimizer, loss=loss, metrics=metrics)
    # evaluate: the loss and the metrics leave the padding out, as Keras's
    _close_logs(
        model.evaluate(x, y, sample_weight=sw, verbose=0, return_dict=True),
        golden["evaluate_before"],
    )
    for step, ref in enumerate(golden["train_steps"]):
        logs = model.train_on_batch(x, y, sample_weight=sw, return_dict=True)
        _close_logs(logs, ref, ["loss"])
        if step == 0 and name != "batch_norm":
            # the step's metrics are masked as evaluate's are (Keras on JAX loses the
            # mask in its training step's metrics; its torch backend keeps it, as here)
            _close_logs(logs, golden["evaluate_before"], [k for k in ref if k != "loss"])
    for ours, ref in zip(model.get_weights(), golden["trained"]):
        np.testing.assert_allclose(ours, ref, rtol=1e-5, atol=2e-6)
    np.testing.assert_allclose(model.predict(x, verbose=0), golden["prediction_after"], atol=3e-6)
    _close_logs(
        model.evaluate(x, y, sample_weight=sw, verbose=0, return_dict=True),
        golden["evaluate_after"],
    )


@pytest.mark.parametrize("name", ["emb_lstm", "masking_gru_td", "concat_branches"])
def test_configs_as_keras(name):
    from numkeras.models.config import serialize_layer

    model = _case(name)[0]
    ours = {la.name: serialize_layer(la) for la in model.layers}
    for layer_name, ref in GOLDEN[name]["configs"].items():
        mine = json.loads(json.dumps(ours[layer_name]))
        assert mine["class_name"] == ref["class_name"]
        assert mine["config"] == ref["config"]


def test_keras_file_loads_and_round_trips(tmp_path):
    model = numkeras.models.load_model(GOLDENS / "saving" / "keras_masking.keras")
    golden = GOLDEN["masking_gru_td"]
    x = np.asarray(golden["x"])
    np.testing.assert_allclose(model.predict(x, verbose=0), golden["prediction"], atol=2e-6)
    (masking,) = [la for la in model.layers if isinstance(la, layers.Masking)]
    assert masking.mask_value == 0.0 and model._masked
    path = tmp_path / "m.keras"
    emb = _case("emb_lstm")[0]
    emb.save(path)
    again = numkeras.models.load_model(path)
    assert again.get_layer(index=1).mask_zero and again._masked
    ids = np.asarray(GOLDEN["emb_lstm"]["x"])
    np.testing.assert_allclose(again.predict(ids, verbose=0), emb.predict(ids, verbose=0))


# -- masks: which layers make, pass on, use or drop them --------------------------------------
def test_mask_producers():
    ids = np.array([[4, 0, 2], [0, 0, 1]])
    np.testing.assert_array_equal(
        layers.Embedding(5, 2, mask_zero=True).compute_mask(ids), ids != 0
    )
    assert layers.Embedding(5, 2).compute_mask(ids) is None
    assert layers.Embedding(5, 2, mask_zero=True).supports_masking
    assert not layers.Embedding(5, 2).supports_masking
    x = np.array([[[1.0, 0.0], [0.0, 0.0]], [[-1.0, -1.0], [0.0, 2.0]]], "float32")
    masking = layers.Masking(mask_value=-1.0)
    np.testing.assert_array_equal(masking.compute_mask(x, None), [[True, True], [False, True]])
    out = masking(x)
    np.testing.assert_array_equal(out[1, 0], [0.0, 0.0])  # masked steps are zeroed
    np.testing.assert_array_equal(out[0], x[0])
    assert masking.get_config()["mask_value"] == -1.0
    with pytest.raises(ConfigError, match="mask_value"):
        layers.Masking(mask_value="pad")


SUPPORTS = [  # Keras 3.15's supports_masking
    (layers.Dense(2), True),
    (layers.Activation("relu"), True),
    (layers.Dropout(0.5), True),
    (layers.SpatialDropout1D(0.5), True),
    (layers.LayerNormalization(), True),
    (layers.BatchNormalization(), True),
    (layers.TimeDistributed(layers.Dense(2)), True),
    (layers.Add(), True),
    (layers.Concatenate(), True),
    (layers.Dot(axes=1), True),
    (layers.Softmax(), True),
    (layers.LSTM(2), True),
    (layers.Bidirectional(layers.GRU(2)), True),
    (layers.GlobalAveragePooling1D(), True),
    (layers.GlobalMaxPooling1D(), False),
    (layers.Flatten(), False),
    (layers.Reshape((4,)), False),
    (layers.Conv1D(2, 2), False),
    (layers.Lambda(lambda t: t), False),
]


@pytest.mark.parametrize("layer, expected", SUPPORTS, ids=lambda v: type(v).__name__)
def test_supports_masking_as_keras(layer, expected):
    assert layer.supports_masking is expected


def test_a_user_layer_with_compute_mask_supports_masking():
    class Keep(layers.Layer):
        def call(self, x):
            return x

        def compute_mask(self, inputs, previous_mask):
            return previous_mask

    assert Keep().supports_masking and not layers.Layer().supports_masking


def _masked_input(t=4, features=3):
    x = layers.Input((t,), dtype="int32")
    return x, layers.Embedding(6, features, mask_zero=True)(x)


def test_propagation_rules():
    ids = np.array([[1, 2, 0, 0], [3, 0, 4, 0]])
    mask = ids != 0
    x, e = _masked_input()
    x2, e2 = _masked_input()
    plain = layers.Input((4, 3))
    outs = {
        "dense": layers.Dense(2)(e),
        "lstm_last": layers.LSTM(2)(e),
        "lstm_seq": layers.LSTM(2, return_sequences=True)(e),
        "gap": layers.GlobalAveragePooling1D()(e),
        "add": layers.Add()([e, e2]),
        "add_plain": layers.Add()([e, plain]),
        "concat_time": layers.Concatenate(axis=1)([e, e2]),
        "concat_plain": layers.Concatenate()([e, plain]),
        "dot": layers.Dot(axes=2)([e, e2]),
        "op": e * 2.0,
    }
    model = Model([x, x2, plain], list(outs.values()))
    ids2 = np.array([[0, 1, 1, 1], [1, 1, 1, 1]])
    got = dict(zip(outs, _output_masks(model, [ids, ids2, np.ones((2, 4, 3))])))
    np.testing.assert_array_equal(got["dense"], mask)
    assert got["lstm_last"] is None and got["gap"] is None and got["dot"] is None
    np.testing.assert_array_equal(got["lstm_seq"], mask)
    np.testing.assert_array_equal(got["add"], mask | (ids2 != 0))  # Keras joins with OR
    assert got["add_plain"] is None  # (only when every input has a mask)
    np.testing.assert_array_equal(got["concat_time"], np.concatenate([mask, ids2 != 0], 1))
    np.testing.assert_array_equal(got["concat_plain"], np.ones((2, 4), bool))
    assert got["op"] is None  # operations drop masks silently, as Keras's


def test_a_layer_without_masking_drops_it_with_keras_warning():
    x, e = _masked_input()
    model = Model(x, layers.LSTM(2)(layers.Reshape((4, 3))(e)))
    with pytest.warns(UserWarning, match="does not support masking"):
        model.predict(np.array([[1, 0, 0, 0]]), verbose=0)
    ids = np.array([[1, 2, 0, 0]])
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # once per layer
        out = model.predict(ids, verbose=0)
    # the LSTM got no mask: it ran over the padding too
    emb, lstm = model.get_layer(index=1), model.get_layer(index=3)
    plain = np.array(emb(ids))  # (a copy: no mask recorded)
    np.testing.assert_allclose(out, lstm(plain), rtol=1e-6)
    assert not np.allclose(out, lstm(plain, mask=ids != 0))


def test_graph_without_masks_is_not_masked():
    x = layers.Input((4,), dtype="int32")
    model = Model(x, layers.LSTM(2)(layers.Embedding(6, 3)(x)))
    assert not model._masked
    assert _output_masks(model, np.ones((2, 4))) == [None]


def test_an_explicit_mask_in_a_graph_is_the_calls_mask():
    """A symbolic `mask=` replaces the propagated one for that call (as Keras); a list of
    inputs with one, or an array where a tensor is needed, says why not."""
    x, e = _masked_input()
    keep = layers.Input((4,), dtype="bool")
    model = Model([x, keep], layers.SimpleRNN(2, return_sequences=True)(e, mask=keep))
    ids = np.array([[1, 2, 3, 4]])
    last_two_off = model.predict([ids, np.array([[True, True, False, False]])], verbose=0)
    short = Model(x, layers.SimpleRNN(2, return_sequences=True)(e))
    short.set_weights(model.get_weights())
    np.testing.assert_allclose(last_two_off[0, 2:], last_two_off[:, 1].repeat(2, axis=0))
    np.testing.assert_allclose(
        last_two_off[0, :2], short.predict(np.array([[1, 2, 0, 0]]), verbose=0)[0, :2]
    )
    with pytest.raises(TypeError, match="unexpected keyword argument 'mask'"):  # (Keras's)
        layers.Add()([e, e], mask=[keep, keep])


def test_model_call_with_mask():
    x = layers.Input((4, 2))
    model = Model(x, layers.SimpleRNN(3)(x))
    data = np.random.default_rng(0).normal(0, 1, (2, 4, 2)).astype("float32")
    mask = np.array([[True, True, False, False], [True, True, True, True]])
    masked = model(data, mask=mask)
    np.testing.assert_allclose(masked, model.layers[1](data, mask=mask))
    np.testing.assert_allclose(masked[0], model.layers[1](data[:, :2])[0], rtol=1e-6)


def test_softmax_takes_the_graph_mask():
    x = layers.Input((3,), dtype="int32")
    e = layers.Embedding(6, 3, mask_zero=True)(x)  # (batch, 3, 3): the mask fits the last axes
    model = Model(x, layers.Softmax()(e))
    ids = np.array([[2, 0, 1]])
    out = model.predict(ids, verbose=0)
    direct = layers.Softmax()(model.layers[1](ids), mask=ids != 0)
    np.testing.assert_allclose(out, direct)
    assert (out[..., 1] == 0).all()


# -- recurrent layers ----------------------------------------------------------------------
RNN_CASES = [
    ("SimpleRNN", {"return_sequences": True}),
    ("SimpleRNN", {"go_backwards": True, "return_state": True}),
    ("SimpleRNN", {"return_sequences": True, "zero_output_for_mask": True}),
    ("LSTM", {"return_sequences": True, "return_state": True}),
    ("LSTM", {"go_backwards": True, "zero_output_for_mask": True}),
    ("LSTM", {"recurrent_dropout": 0.3, "dropout": 0.2, "return_sequences": True}),
    ("GRU", {"return_sequences": True, "go_backwards": True}),
    ("GRU", {"reset_after": False, "return_state": True, "zero_output_for_mask": True}),
    ("GRU", {"reset_after": False, "return_sequences": True, "recurrent_dropout": 0.4}),
]
FD_MASK = np.array([[True, True, False, True, False], [False, True, True, False, False]])


def _fd_check(layer, inputs, mask, rng, call_kwargs=None):
    """The layer's masked backward pass against central differences in float64."""
    call_kwargs = dict(call_kwargs or {})
    if call_accepts_training(layer):
        call_kwargs["training"] = True
    if mask is not None:
        call_kwargs["mask"] = mask
    cell = getattr(layer, "cell", None)
    if cell is not None:  # dropout: replay the masks forward/backward drew
        drawn = {}
        orig = cell._masks

        def fixed(batch, input_dim, dtype, training):
            if "m" not in drawn:
                drawn["m"] = orig(batch, input_dim, dtype, True)
            return drawn["m"]

        cell._masks = fixed
    out = layer.call(inputs, **call_kwargs)
    outs = out if isinstance(out, list) else [out]
    rs = [rng.normal(0, 1, o.shape) for o in outs]
    for v in layer.trainable_weights:
        v.start_grad(np.zeros(v.shape, v.dtype))
    _, cache = layer.forward(inputs, **call_kwargs)
    g = [r.copy() for r in rs] if isinstance(out, list) else rs[0].copy()
    gx = layer.backward(cache, g)
    gw = [v.grad.copy() for v in layer.trainable_weights]
    for v in layer.trainable_weights:
        v.start_grad(None)

    def f():
        o = layer.call(inputs, **call_kwargs)
        o = o if isinstance(o, list) else [o]
        return float(sum((a * r).sum() for a, r in zip(o, rs)))

    arrays = inputs if isinstance(inputs, list) else [inputs]
    gxs = gx if isinstance(inputs, list) else [gx]
    for a, gr in zip(arrays, gxs):
        np.testing.assert_allclose(gr, numeric_gradient(f, a), rtol=1e-6, atol=1e-8)
    for v, gr in zip(layer.trainable_weights, gw):
        np.testing.assert_allclose(gr, numeric_gradient(f, v.value), rtol=1e-6, atol=1e-8)
    return outs


@pytest.mark.parametrize("cls, kwargs", RNN_CASES)
def test_recurrent_finite_differences_float64(cls, kwargs):
    rng = np.random.default_rng(4)
    layer = getattr(layers, cls)(3, dtype="float64", seed=2, **kwargs)
    x = rng.normal(0, 1, (2, 5, 3))
    layer(x)
    layer.set_weights([rng.normal(0, 0.6, w.shape) for w in layer.get_weights()])
    outs = _fd_check(layer, x, FD_MASK, rng)
    if kwargs.get("return_sequences"):
        seq = outs[0]
        steps = FD_MASK[:, ::-1] if kwargs.get("go_backwards") else FD_MASK
        for b, t in zip(*np.nonzero(~steps)):
            if kwargs.get("zero_output_for_mask"):
                assert (seq[b, t] == 0).all()
            else:  # the previous output (the unchanged state), or the initial state
                prev = seq[b, t - 1] if t else np.zeros(3)
                np.testing.assert_array_equal(seq[b, t], prev)


def test_bidirectional_and_time_distributed_finite_differences():
    rng = np.random.default_rng(5)
    x = rng.normal(0, 1, (2, 5, 3))
    for layer in (
        layers.Bidirectional(layers.LSTM(2, return_sequences=True), dtype="float64"),
        layers.Bidirectional(layers.GRU(2), merge_mode="mul", dtype="float64"),
        layers.Bidirectional(layers.SimpleRNN(2, return_state=True), dtype="float64"),
    ):
        for sub in (layer.forward_layer, layer.backward_layer):
            sub.cell.dtype = sub.dtype = "float64"
        layer(x)
        layer.set_weights([rng.normal(0, 0.6, w.shape) for w in layer.get_weights()])
        _fd_check(layer, x, FD_MASK, rng)
    td = layers.TimeDistributed(layers.Softmax(), dtype="float64")
    td(x)
    _fd_check(td, x, np.ones((2, 5, 3), bool) & (rng.uniform(size=(2, 5, 3)) > 0.3), rng)


def test_bidirectional_sets_zero_outputs_for_sequences():
    layer = layers.Bidirectional(layers.LSTM(2, return_sequences=True))
    x = np.random.default_rng(0).normal(0, 1, (2, 5, 3)).astype("float32")
    out = layer(x, mask=FD_MASK)
    assert (out[~FD_MASK] == 0).all()
    assert layer.compute_mask(x, FD_MASK) is FD_MASK
    assert layers.Bidirectional(layers.LSTM(2)).compute_mask(x, FD_MASK) is None


def test_initial_state_uses_only_a_given_mask_as_keras():
    """Beside `initial_state`, Keras 3 uses a `mask=` given to the call, not the mask the
    inputs carry (tests/layers/test_layer_args_s29.py has its goldens)."""
    layer = layers.LSTM(2, return_sequences=True)
    x = np.random.default_rng(0).normal(0, 1, (2, 5, 3)).astype("float32")
    states = [np.zeros((2, 2), "float32")] * 2
    np.testing.assert_array_equal(
        layer(x, initial_state=states, mask=FD_MASK), layer(x, mask=FD_MASK)
    )
    carried = layers.Masking(mask_value=9.0)(np.where(FD_MASK[..., None], x, 9.0))
    np.testing.assert_array_equal(
        layer(carried, initial_state=states), layer(np.asarray(carried), initial_state=states)
    )
    assert not np.array_equal(layer(x, mask=FD_MASK), layer(x))


# -- pooling, merges, BatchNormalization, Masking, Softmax ----------------------------------------
def test_other_masked_layers_finite_differences():
    rng = np.random.default_rng(6)
    x = rng.normal(0, 1, (2, 5, 3))
    _fd_check(layers.GlobalAveragePooling1D(dtype="float64"), x, FD_MASK, rng)
    gap = layers.GlobalAveragePooling1D(data_format="channels_first", keepdims=True)
    _fd_check(gap, x.transpose(0, 2, 1).copy(), FD_MASK, rng)
    bn = layers.BatchNormalization(dtype="float64")
    bn(x)
    bn.set_weights([rng.normal(0, 0.5, (3,)), rng.normal(0, 0.5, (3,)), np.zeros(3), np.ones(3)])
    _fd_check(bn, x, FD_MASK, rng)
    _fd_check(layers.Softmax(dtype="float64"), x, rng.uniform(size=(2, 5, 3)) > 0.4, rng)
    masking = layers.Masking(mask_value=0.5, dtype="float64")
    padded = x.copy()
    padded[~FD_MASK] = 0.5
    out, cache = masking.forward(padded)
    assert (out[~FD_MASK] == 0).all() and (out[FD_MASK] == x[FD_MASK]).all()
    g = rng.normal(0, 1, x.shape)
    # (finite differences cannot tell: a padded step moved by eps is no longer padding)
    np.testing.assert_array_equal(masking.backward(cache, g), g * FD_MASK[..., None])
    for cls in (layers.Maximum, layers.Minimum):
        merge = cls(dtype="float64")
        parts = [rng.normal(0, 1, (2, 5, 3)) for _ in range(3)]
        masks = [FD_MASK, None, rng.uniform(size=(2, 5)) > 0.5]
        out = _fd_check(merge, parts, masks, rng)[0]
        # (the values against Keras: the `maximum` and `minimum_partial` goldens)
        op = np.maximum if cls is layers.Maximum else np.minimum
        two = merge.call(parts[:2], mask=[FD_MASK, None])
        np.testing.assert_array_equal(
            two, op(np.where(FD_MASK[..., None], parts[0], parts[1]), parts[1])
        )
        assert out.shape == (2, 5, 3) and merge.compute_mask(parts, masks) is None
        np.testing.assert_array_equal(
            merge.compute_mask(parts, [FD_MASK, masks[2]]), FD_MASK | masks[2]
        )


def test_batch_norm_masked_statistics():
    x = np.random.default_rng(1).normal(0, 1, (2, 5, 3)).astype("float32")
    bn = layers.BatchNormalization(momentum=0.0)
    bn(x, training=True, mask=FD_MASK)
    real = x[FD_MASK]
    np.testing.assert_allclose(bn.moving_mean.numpy(), real.mean(0), rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(bn.moving_variance.numpy(), real.var(0), rtol=1e-5, atol=1e-6)
    with pytest.raises(ShapeError, match="one axis less"):
        bn(x, training=True, mask=np.ones((2, 5, 3), bool))


# -- the loss and the metrics ---------------------------------------------------------------------
def _seq_model(loss="mse", metrics=("mae",)):
    x = layers.Input((T,), dtype="int32")
    h = layers.Embedding(7, 3, mask_zero=True)(x)
    model = Model(
        x, layers.TimeDistributed(layers.Dense(2))(layers.GRU(3, return_sequences=True)(h))
    )
    model.compile("sgd", loss, metrics=list(metrics))
    return model


def test_loss_and_metrics_leave_the_padding_out():
    model = _seq_model()
    y = np.random.default_rng(2).normal(0, 1, (len(IDS), T, 2))
    p = model.predict(IDS, verbose=0)
    per_step = ((p - y) ** 2).mean(-1)
    mae = np.abs(p - y).mean(-1)
    loss, metric = model.evaluate(IDS, y, verbose=0)
    assert loss == pytest.approx(per_step[MASK].mean(), rel=1e-5)
    assert metric == pytest.approx(mae[MASK].mean(), rel=1e-5)
    # per-sample weights with the per-step mask (Keras 3 raises there): each sample's steps
    sw = np.array([1.0, 2.0, 0.5, 0.0, 3.0])
    w = np.broadcast_to(sw[:, None], MASK.shape)
    loss = model.evaluate(IDS, y, sample_weight=sw, verbose=0)[0]
    assert loss == pytest.approx((per_step * w)[MASK].sum() / MASK.sum(), rel=1e-5)


def test_loss_mask_joins_ignore_class():
    loss = numkeras.losses.SparseCategoricalCrossentropy(ignore_class=2)
    y_true = np.array([[0, 2, 1], [1, 1, 0]])
    y_pred = np.random.default_rng(0).dirichlet(np.ones(3), (2, 3)).astype("float32")
    mask = np.array([[True, True, False], [True, False, True]])
    values = -np.log(np.take_along_axis(y_pred, y_true[..., None], -1)[..., 0])
    valid = mask & (y_true != 2)
    assert float(loss(y_true, y_pred, mask=mask)) == pytest.approx(values[valid].mean(), rel=1e-6)
    value, grad = loss.value_and_grad(y_true, y_pred, mask=mask)
    assert float(value) == pytest.approx(values[valid].mean(), rel=1e-6)
    assert (grad[~valid] == 0).all()


@settings(max_examples=25, deadline=None)
@given(
    cls=st.sampled_from(["SimpleRNN", "LSTM", "GRU"]),
    backwards=st.booleans(),
    zero_output=st.booleans(),
    bits=st.lists(st.booleans(), min_size=12, max_size=12),
    seed=st.integers(0, 2**16),
)
def test_padding_values_change_nothing_real(cls, backwards, zero_output, bits, seed):
    """Whatever the padded steps hold, the outputs at the real steps, the final states and
    the gradients of the weights stay the same."""
    rng = np.random.default_rng(seed)
    mask = np.array(bits).reshape(2, 6)
    layer = getattr(layers, cls)(
        2,
        return_sequences=True,
        return_state=True,
        go_backwards=backwards,
        zero_output_for_mask=zero_output,
        dtype="float64",
    )
    x = rng.normal(0, 1, (2, 6, 3))
    layer(x)
    other = x.copy()
    other[~mask] = rng.normal(0, 5, other[~mask].shape)
    rs = [rng.normal(0, 1, (2, 6, 2))] + [rng.normal(0, 1, (2, 2)) for _ in layer.state_size]
    steps = mask[:, ::-1] if backwards else mask
    results = []
    for data in (x, other):
        out = layer.call(data, mask=mask)
        for v in layer.trainable_weights:
            v.start_grad(np.zeros(v.shape, v.dtype))
        _, cache = layer.forward(data, mask=mask)
        gx = layer.backward(
            cache, [r * steps[..., None] if i == 0 else r for i, r in enumerate(rs)]
        )
        results.append((out, gx, [v.grad.copy() for v in layer.trainable_weights]))
        for v in layer.trainable_weights:
            v.start_grad(None)
    (out_a, gx_a, gw_a), (out_b, gx_b, gw_b) = results
    np.testing.assert_allclose(out_a[0][steps], out_b[0][steps], rtol=1e-12)
    for sa, sb in zip(out_a[1:], out_b[1:]):
        np.testing.assert_allclose(sa, sb, rtol=1e-12)
    np.testing.assert_allclose(gx_a[mask], gx_b[mask], rtol=1e-10, atol=1e-12)
    assert (gx_a[~mask] == 0).all() and (gx_b[~mask] == 0).all()
    for a, b in zip(gw_a, gw_b):
        np.testing.assert_allclose(a, b, rtol=1e-10, atol=1e-12)


@settings(max_examples=15, deadline=None)
@given(seed=st.integers(0, 2**16), extra=st.integers(1, 4))
def test_more_padding_changes_no_prediction_or_loss(seed, extra):
    """Padding a batch further (ids 0, targets anything) changes neither the real steps'
    predictions nor the loss and metrics, before or after a training step."""
    rng = np.random.default_rng(seed)
    ids = IDS
    longer = np.concatenate([ids, np.zeros((len(ids), extra), int)], axis=1)

    def build(t):
        numkeras.utils.set_random_seed(3)
        x = layers.Input((t,), dtype="int32")
        h = layers.Embedding(7, 3, mask_zero=True)(x)
        h = layers.LSTM(3, return_sequences=True)(h)
        model = Model(x, layers.Dense(2)(h))
        model.compile("sgd", "mse", metrics=["mae"])
        return model

    a, b = build(T), build(T + extra)
    b.set_weights(a.get_weights())
    y = rng.normal(0, 1, (len(ids), T, 2))
    y_long = np.concatenate([y, rng.normal(0, 9, (len(ids), extra, 2))], axis=1)
    np.testing.assert_allclose(
        a.predict(ids, verbose=0)[MASK], b.predict(longer, verbose=0)[:, :T][MASK], rtol=1e-6
    )
    la, lb = a.train_on_batch(ids, y), b.train_on_batch(longer, y_long)
    np.testing.assert_allclose(la, lb, rtol=2e-6)
    for wa, wb in zip(a.get_weights(), b.get_weights()):
        np.testing.assert_allclose(wa, wb, rtol=1e-5, atol=1e-7)


def test_nested_model_passes_masks_both_ways():
    inner = Sequential([layers.Input((4, 3)), layers.Dense(3)])
    x, e = _masked_input()
    model = Model(x, layers.LSTM(2, return_sequences=True)(inner(e)))
    ids = np.array([[1, 2, 0, 0]])
    np.testing.assert_array_equal(_output_masks(model, ids)[0], ids != 0)
    assert model._masked and not inner._masked


def test_direct_calls_carry_masks_as_keras_arrays_do():
    """Keras 3 keeps a mask on the arrays a direct call returns (`_keras_mask`), so the
    next direct call uses it: `lstm(embedding(ids))` skips the padding, as in a model."""
    from numkeras.layers.layer import get_array_mask

    x, e = _masked_input()
    lstm = layers.LSTM(2, return_sequences=True)
    model = Model(x, lstm(e))
    emb = model.get_layer(index=1)
    ids = np.array([[1, 2, 0, 0], [0, 3, 4, 0]])
    h = emb(ids)
    np.testing.assert_array_equal(get_array_mask(h), ids != 0)
    out = lstm(h)
    np.testing.assert_allclose(out, model.predict(ids, verbose=0), rtol=1e-6)
    np.testing.assert_array_equal(get_array_mask(out), ids != 0)
    np.testing.assert_array_equal(get_array_mask(model(ids)), ids != 0)
    assert get_array_mask(layers.LSTM(2)(h)) is None  # the last output: no mask
    assert get_array_mask(np.array(h)) is None  # a copy is a new array, without one


def test_subclassed_model_with_masks_trains():
    class Tagger(Model):
        def __init__(self):
            super().__init__()
            self.emb = layers.Embedding(7, 3, mask_zero=True)
            self.rnn = layers.GRU(2, return_sequences=True)
            self.out = layers.Dense(1)

        def call(self, x):
            return self.out(self.rnn(self.emb(x)))

    model = Tagger()
    model.compile("sgd", "mse")
    y = np.random.default_rng(0).normal(0, 1, (len(IDS), T, 1))
    model.train_on_batch(IDS, y)  # (its trace matches its masked eager call)
    assert model._masked
    p = model.predict(IDS, verbose=0)
    per_step = ((p - y) ** 2)[..., 0]
    assert model.evaluate(IDS, y, verbose=0) == pytest.approx(per_step[MASK].mean(), rel=1e-5)


def test_compute_loss_and_metrics_read_the_prediction_mask():
    model = _seq_model()
    y = np.random.default_rng(3).normal(0, 1, (len(IDS), T, 2))
    expected = model.evaluate(IDS, y, verbose=0, return_dict=True)
    y_pred = model(IDS)  # carries its mask, as Keras's y_pred._keras_mask
    assert float(model.compute_loss(y=y, y_pred=y_pred)) == pytest.approx(expected["loss"])
    assert float(model.compute_loss(x=IDS, y=y)) == pytest.approx(expected["loss"])
    model.reset_metrics()
    logs = model.compute_metrics(IDS, y, y_pred)
    assert logs["mae"] == pytest.approx(expected["mae"], rel=1e-6)
    unmasked = np.array(y_pred)  # (a copy: no mask)
    assert float(model.compute_loss(y=y, y_pred=unmasked)) != pytest.approx(expected["loss"])


def test_sequential_with_masking_as_functional():
    numkeras.utils.set_random_seed(0)
    seq = Sequential(
        [layers.Input((T, 3)), layers.Masking(), layers.LSTM(2, return_sequences=True)]
    )
    x = np.random.default_rng(1).normal(0, 1, (len(IDS), T, 3)).astype("float32")
    x[~MASK] = 0.0
    assert seq._masked
    out = seq.predict(x, verbose=0)
    np.testing.assert_allclose(out, seq.layers[1](x, mask=MASK), rtol=1e-6)
    np.testing.assert_array_equal(_output_masks(seq, x)[0], MASK)
