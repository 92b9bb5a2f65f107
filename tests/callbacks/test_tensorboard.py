"""The TensorBoard callback: the event files hold the tags, steps and values Keras 3's
callback writes (read back here with tensorboardX's protobuf classes)."""

import glob
import json
import os
import struct

import numpy as np
import pytest

from numkeras.callbacks import TensorBoard
from numkeras.errors import ConfigError
from numkeras.layers import Dense, Input
from numkeras.models import Sequential
from numkeras.optimizers import SGD

event_pb2 = pytest.importorskip("tensorboardX.proto.event_pb2")


def read_events(directory: str) -> list:
    """Every Event in the TFRecord files of `directory` (length, crc, data, crc)."""
    events = []
    for path in sorted(glob.glob(os.path.join(directory, "events.out.tfevents.*"))):
        with open(path, "rb") as f:
            data = f.read()
        offset = 0
        while offset < len(data):
            (length,) = struct.unpack("<Q", data[offset : offset + 8])
            offset += 12
            event = event_pb2.Event()
            event.ParseFromString(data[offset : offset + length])
            events.append(event)
            offset += length + 4
    return events


def scalars(directory: str) -> dict:
    """`{tag: [(step, value), ...]}` of the scalar summaries in `directory`."""
    out: dict = {}
    for event in read_events(directory):
        for value in event.summary.value:
            if value.HasField("simple_value"):
                out.setdefault(value.tag, []).append((event.step, value.simple_value))
    return out


def _fit(tmp_path, **kwargs):
    rng = np.random.default_rng(0)
    x, y = rng.normal(size=(40, 3)), rng.normal(size=(40, 1))
    model = Sequential([Input((3,)), Dense(4, activation="relu"), Dense(1)])
    model.compile(optimizer=SGD(0.05), loss="mse", metrics=["mae"])
    callback = TensorBoard(tmp_path / "logs", **kwargs)
    history = model.fit(
        x, y, batch_size=10, epochs=3, validation_split=0.25, verbose=0, callbacks=[callback]
    )
    return model, history.history


def test_epoch_scalars_in_train_and_validation(tmp_path):
    _, history = _fit(tmp_path)
    train = scalars(tmp_path / "logs" / "train")
    val = scalars(tmp_path / "logs" / "validation")
    for name in ("loss", "mae"):
        assert [s for s, _ in train[f"epoch_{name}"]] == [0, 1, 2]
        np.testing.assert_allclose([v for _, v in train[f"epoch_{name}"]], history[name], 1e-6)
        np.testing.assert_allclose(
            [v for _, v in val[f"epoch_{name}"]], history[f"val_{name}"], 1e-6
        )
    assert [v for _, v in train["epoch_learning_rate"]] == pytest.approx([0.05] * 3)
    # each epoch's validation pass, at the optimizer's step count (3 batches an epoch)
    assert [s for s, _ in val["evaluation_loss_vs_iterations"]] == [3, 6, 9]
    assert not any(tag.startswith("batch_") for tag in train)


def test_batch_scalars_histograms_images_and_the_graph(tmp_path):
    model, _ = _fit(tmp_path, update_freq=2, histogram_freq=1, write_images=True)
    train_dir = tmp_path / "logs" / "train"
    train = scalars(train_dir)
    assert [s for s, _ in train["batch_loss"]] == [2, 4, 6, 8]
    events = read_events(train_dir)
    histograms = {v.tag for e in events for v in e.summary.value if v.HasField("histo")}
    assert histograms == {f"{w.path}/histogram" for w in model.weights}
    images = {v.tag for e in events for v in e.summary.value if v.HasField("image")}
    first = model.layers[0]
    # (the last bias has one value: Keras draws no image of it either)
    assert {f"{first.kernel.path}/image", f"{first.bias.path}/image"} <= images
    graph = [v for e in events for v in e.summary.value if v.tag == "keras"]
    assert graph and graph[0].metadata.plugin_data.plugin_name == "graph_keras_model"
    assert json.loads(graph[0].tensor.string_val[0]) == json.loads(model.to_json())


def test_evaluate_writes_its_results_and_bad_arguments_are_refused(tmp_path):
    model, _ = _fit(tmp_path)
    x = np.zeros((5, 3))
    model.evaluate(x, np.zeros((5, 1)), verbose=0, callbacks=[TensorBoard(tmp_path / "eval")])
    val = scalars(tmp_path / "eval" / "validation")
    assert [s for s, _ in val["evaluation_loss_vs_iterations"]] == [9]
    with pytest.raises(ConfigError, match="update_freq"):
        TensorBoard(update_freq="step")
    with pytest.raises(ConfigError, match="profile"):
        TensorBoard(profile_batch=2)
