"""`plot_model` / `model_to_dot`: a model's layer graph as a pydot graph or an image file, as
Keras's `keras.utils.plot_model` (which needs the `pydot` package, and the Graphviz `dot`
program to render an image).

Without them both raise Keras's ImportError (a notebook gets Keras's message printed
instead), so `try: plot_model(...) except ImportError: ...` scripts run as under Keras.
For a text view that needs nothing, use `model.summary()` or `numkeras.explain(model, x)`.

>>> from numkeras.models import Sequential
>>> from numkeras.layers import Input, Dense
>>> model = Sequential([Input((4,)), Dense(2)])
>>> try:
...     plot_model(model, to_file="/tmp/model.png")
... except ImportError as e:
...     print(str(e).startswith("You must install"))
True
"""

from __future__ import annotations

import os
import sys

from numkeras.errors import format_shape

try:
    import pydot
except ImportError:  # (Keras also tries pydot_ng and pydotplus)
    try:
        import pydot_ng as pydot
    except ImportError:
        try:
            import pydotplus as pydot
        except ImportError:
            pydot = None


def check_pydot() -> bool:
    """True if pydot is importable."""
    return pydot is not None


def check_graphviz() -> bool:
    """True if pydot can run Graphviz (to render an image)."""
    if not check_pydot():
        return False
    try:
        pydot.Dot.create(pydot.Dot())
        return True
    except (OSError, getattr(pydot, "PydotException", OSError)):
        return False


def _in_notebook() -> bool:
    return "IPython.core.magics.namespace" in sys.modules


def _check_built(model) -> None:
    if not model.built:
        raise ValueError(
            "This model has not yet been built. Build the model first by calling `build()` "
            "or by calling the model on a batch of data."
        )


def _check_kwargs(kwargs: dict) -> None:
    if kwargs.pop("layer_range", None) is not None:
        raise ValueError("Argument `layer_range` is no longer supported.")
    if kwargs:
        raise ValueError(f"Unrecognized keyword arguments: {kwargs}")


def _label(layer, show_shapes, show_dtype, show_layer_names, show_activations, show_trainable):
    title = f"{layer.name} ({type(layer).__name__})" if show_layer_names else type(layer).__name__
    rows = [title]
    if show_activations and getattr(layer, "activation", None) is not None:
        act = layer.activation
        rows.append(f"Activation: {getattr(act, '__name__', type(act).__name__)}")
    if show_dtype:
        rows.append(f"dtype: {getattr(layer, 'dtype', None)}")
    if show_shapes:
        try:
            shape = layer.output.shape
            rows.append(f"Output shape: {format_shape(shape)}")
        except Exception:  # noqa: BLE001 (a layer without one symbolic output)
            pass
    if show_trainable:
        rows.append(f"Trainable: {bool(layer.trainable)}")
    # (record-shape labels treat these as field separators)
    return "\\n".join(r.replace("{", "\\{").replace("}", "\\}") for r in rows)


def model_to_dot(
    model,
    show_shapes: bool = False,
    show_dtype: bool = False,
    show_layer_names: bool = True,
    rankdir: str = "TB",
    expand_nested: bool = False,
    dpi: int = 200,
    subgraph: bool = False,
    show_layer_activations: bool = False,
    show_trainable: bool = False,
    splines: str = "ortho",
    **kwargs,
):
    """The model's layers as a `pydot.Dot` (a `pydot.Cluster` with `subgraph=True`): one
    node per layer, one edge per connection. Raises ImportError without pydot, as Keras.
    (`expand_nested` is accepted; nested models are drawn as one node.)"""
    _check_built(model)
    if not check_pydot():
        raise ImportError("You must install pydot (`pip install pydot`) for model_to_dot to work.")
    if subgraph:
        dot = pydot.Cluster(style="dashed", graph_name=model.name)
        dot.set("label", model.name)
        dot.set("labeljust", "l")
    else:
        dot = pydot.Dot()
        dot.set("rankdir", rankdir)
        dot.set("concentrate", True)
        dot.set("dpi", dpi)
        dot.set("splines", splines)
        dot.set_node_defaults(shape="record")
    _check_kwargs(kwargs)
    flags = (show_shapes, show_dtype, show_layer_names, show_layer_activations, show_trainable)
    if getattr(model, "_graph_ready", False):
        nodes, layers = model._topological_nodes()
        edges = [
            (parent.layer, node.layer)
            for node in nodes
            for parent in node.parent_nodes
            if parent is not None
        ]
    else:  # a subclassed model: its layers, unconnected (as Keras draws them)
        layers, edges = list(model.layers), []
    for layer in layers:
        dot.add_node(pydot.Node(str(id(layer)), label=_label(layer, *flags)))
    seen = set()
    for src, dst in edges:
        if (id(src), id(dst)) not in seen:
            seen.add((id(src), id(dst)))
            dot.add_edge(pydot.Edge(str(id(src)), str(id(dst))))
    return dot


def plot_model(
    model,
    to_file: str = "model.png",
    show_shapes: bool = False,
    show_dtype: bool = False,
    show_layer_names: bool = False,
    rankdir: str = "TB",
    expand_nested: bool = False,
    dpi: int = 200,
    show_layer_activations: bool = False,
    show_trainable: bool = False,
    splines: str = "ortho",
    **kwargs,
):
    """Draw the model's layer graph into `to_file` (its extension picks the format), as
    Keras's `plot_model`. Needs pydot and Graphviz: without them it raises ImportError
    (in a notebook it prints Keras's message and returns None instead)."""
    _check_built(model)
    for available, message in (
        (check_pydot, "You must install pydot (`pip install pydot`) for `plot_model` to work."),
        (
            check_graphviz,
            "You must install graphviz (see instructions at "
            "https://graphviz.gitlab.io/download/) for `plot_model` to work.",
        ),
    ):
        if not available():
            if _in_notebook():  # (as Keras: no exception that would stop a notebook)
                print(message)
                return None
            raise ImportError(message)
    _check_kwargs(kwargs)
    dot = model_to_dot(
        model,
        show_shapes=show_shapes,
        show_dtype=show_dtype,
        show_layer_names=show_layer_names,
        rankdir=rankdir,
        expand_nested=expand_nested,
        dpi=dpi,
        show_layer_activations=show_layer_activations,
        show_trainable=show_trainable,
        splines=splines,
    )
    from numkeras.saving.saving_api import write_atomically

    to_file = os.fspath(to_file)
    extension = os.path.splitext(to_file)[1][1:] or "png"
    # (as every file numkeras writes: a failed render leaves no half-written image)
    write_atomically(to_file, True, lambda tmp: dot.write(tmp, format=extension))
    if extension != "pdf":  # an inline image in a notebook, as Keras
        try:
            from IPython import display

            return display.Image(filename=to_file)
        except ImportError:
            pass
    return None
