"""plot_model / model_to_dot: Keras's checks and errors without pydot / Graphviz, and the
graph they build (checked with a stand-in pydot that records what it is given)."""

import os
import sys
import types

import pytest

import numkeras
from numkeras.utils import model_visualization as mv


def two_inputs():
    a, b = numkeras.Input((3,), name="a"), numkeras.Input((2,), name="b")
    h = numkeras.layers.Concatenate(name="cat")([a, b])
    out = numkeras.layers.Dense(1, activation="relu", name="o")(h)
    return numkeras.Model([a, b], [out, numkeras.layers.Dense(2, name="p")(h)])


def test_exported_from_utils_as_in_keras():
    assert numkeras.utils.plot_model is mv.plot_model
    assert numkeras.utils.model_to_dot is mv.model_to_dot


def test_without_pydot_both_raise_keras_import_error(monkeypatch):
    monkeypatch.setattr(mv, "pydot", None)
    with pytest.raises(ImportError, match=r"You must install pydot \(`pip install pydot`\)"):
        mv.plot_model(two_inputs(), to_file="unused.png")
    with pytest.raises(ImportError, match="for model_to_dot to work"):
        mv.model_to_dot(two_inputs())


def test_an_unbuilt_model_is_refused_first_as_in_keras(monkeypatch):
    monkeypatch.setattr(mv, "pydot", None)
    with pytest.raises(ValueError, match="This model has not yet been built"):
        mv.plot_model(numkeras.Sequential([numkeras.layers.Dense(2)]))


def test_in_a_notebook_the_message_is_printed_instead(monkeypatch, capsys):
    monkeypatch.setattr(mv, "pydot", None)
    monkeypatch.setattr(mv, "_in_notebook", lambda: True)
    assert mv.plot_model(two_inputs()) is None
    assert "You must install pydot" in capsys.readouterr().out


class _Graph:
    def __init__(self, **kwargs):
        self.attrs, self.nodes, self.edges = dict(kwargs), [], []

    def set(self, key, value):
        self.attrs[key] = value

    def set_node_defaults(self, **kwargs):
        self.attrs["node"] = kwargs

    def add_node(self, node):
        self.nodes.append(node)

    def add_edge(self, edge):
        self.edges.append(edge)


def test_plot_model_writes_the_image_atomically(monkeypatch, tmp_path):
    written = []

    class Written(_Graph):
        def write(self, path, format):
            written.append((os.path.dirname(path), os.path.basename(path), format))
            with open(path, "w") as f:
                f.write("image")

    monkeypatch.setattr(
        mv, "pydot", types.SimpleNamespace(**{**vars(_fake_pydot()), "Dot": Written})
    )
    monkeypatch.setattr(mv, "check_graphviz", lambda: True)
    monkeypatch.setitem(sys.modules, "IPython", None)  # (no notebook display here)
    mv.plot_model(two_inputs(), to_file=tmp_path / "model.png")
    # rendered into another file beside the target, then renamed onto it
    [(folder, name, fmt)] = written
    assert folder == str(tmp_path) and name != "model.png" and fmt == "png"
    assert [p.name for p in tmp_path.iterdir()] == ["model.png"]


def _fake_pydot():
    return types.SimpleNamespace(
        Dot=_Graph,
        Cluster=_Graph,
        Node=lambda name, label: (name, label),
        Edge=lambda src, dst: (src, dst),
    )


def test_model_to_dot_draws_one_node_per_layer_and_one_edge_per_connection(monkeypatch):
    monkeypatch.setattr(mv, "pydot", _fake_pydot())
    model = two_inputs()
    dot = mv.model_to_dot(model, show_shapes=True, show_layer_activations=True, rankdir="LR")
    labels = {name: label for name, label in dot.nodes}
    names = {str(id(layer)): layer.name for layer in model.layers}
    assert sorted(names[n] for n in labels) == ["a", "b", "cat", "o", "p"]
    assert sorted((names[s], names[d]) for s, d in dot.edges) == [
        ("a", "cat"), ("b", "cat"), ("cat", "o"), ("cat", "p"),
    ]  # fmt: skip
    o = labels[str(id(model.get_layer("o")))]
    assert o.startswith("o (Dense)") and "Activation: relu" in o and "(None, 1)" in o
    assert dot.attrs["rankdir"] == "LR" and dot.attrs["node"] == {"shape": "record"}
    with pytest.raises(ValueError, match="Unrecognized keyword arguments"):
        mv.model_to_dot(model, foo=1)
    with pytest.raises(ValueError, match="layer_range"):
        mv.model_to_dot(model, layer_range=["a", "o"])
