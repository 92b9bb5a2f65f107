"""`explain(model, x)`: the per-layer shape trace for an input, and why it fails if it does.

Works on shapes alone (`explain(model, (128, 64))`) without running the math, so it
answers "what would happen if I passed this?" for any shape.

>>> from numkeras.models import Sequential
>>> from numkeras.layers import Input, Dense
>>> model = Sequential([Input(shape=(64,)), Dense(256)], name="g")
>>> text = explain(model, (64, 128), print_fn=lambda s: None)
>>> "use x.T" in text
True
"""

from __future__ import annotations

from numkeras import shapes
from numkeras.errors import ShapeError, format_shape
from numkeras.layers.layer import check_input_all
from numkeras.trainers.data import predict_batches
from numkeras.utils.checks import is_int


def _as_shapes(x):
    """Shapes (with batch) of `x`: an array, a shape tuple, or a list of either."""
    if isinstance(x, tuple) and all(is_int(d) or d is None for d in x):
        return [tuple(None if d is None else int(d) for d in x)]
    if hasattr(x, "shape"):
        return [tuple(x.shape)]
    if isinstance(x, dict):
        return [s for v in x.values() for s in _as_shapes(v)]
    if isinstance(x, list) and x and all(hasattr(v, "shape") or isinstance(v, tuple) for v in x):
        return [s for v in x for s in _as_shapes(v)]
    import numpy as np

    return [tuple(np.asarray(x).shape)]


def _trace_layers(model, shapes_in):
    """Rows (name, shape or None, note) for each step; stops at the first failure."""
    rows = []
    if model._graph_ready:
        values = [None] * model._n_slots
        for s, sh in zip(model._input_slots, shapes_in):
            values[s] = sh
        steps = [
            (st.layer, st.in_slots, st.out_slots, st.multi_in, st.multi_out) for st in model._steps
        ]
    else:  # an unbuilt Sequential: walk the stack with each layer's own spec
        values = [shapes_in[0]] + [None] * len(model.layers)
        steps = [(la, [i], [i + 1], False, False) for i, la in enumerate(model.layers)]
    for layer, ins, outs, multi_in, multi_out in steps:
        arg = [values[s] for s in ins] if multi_in else values[ins[0]]
        label = f"{layer.name} ({type(layer).__name__})"
        try:
            if not model._graph_ready or layer.built:
                check_input_all(layer.input_spec, arg, layer.name)
            out = layer._symbolic_output_shape(arg, None, None)  # (flat, as the graph's)
        except ShapeError as e:
            rows.append((label, None, str(e)))
            return rows, None
        outs_list = out if multi_out else [out]
        for s, o in zip(outs, outs_list):
            values[s] = tuple(o)
        note = ""
        if type(layer).__name__ == "Dense" and not multi_in and len(arg) > 2:
            note = f"Dense acts on the last axis only: {arg[-1]} -> {layer.units}"
        rows.append((label, outs_list[0] if not multi_out else outs_list, note))
    if model._graph_ready:
        final = [values[s] for s in model._output_slots]
    else:
        final = [values[-1]]
    return rows, final


def explain(
    model, x, batch_size: int | None = None, steps: int | None = None, print_fn=None
) -> str:
    """Print and return how `model` treats input `x` (an array, a shape, a list of them, or
    a dict of them by input name, as `predict` takes it)."""
    if isinstance(x, dict) and model._graph_ready:
        # by name, in the model's input order, as predict reads a dict (extra keys unused)
        names = model._input_names or [layer.name for layer in model._input_layers]
        missing = [k for k in names if k not in x]
        if missing:
            text = (
                f"Model '{model.name}' takes inputs named {names}; the dict has no {missing} "
                f"(its keys: {list(x)}), so predict() would fail before any layer runs."
            )
            (print_fn or print)(text)
            return text
        x = [x[k] for k in names]
    shapes_in = _as_shapes(x)
    lines = [
        f"Shape trace for model '{model.name}' on input "
        + ", ".join(format_shape(s) for s in shapes_in)
        + ":"
    ]
    failed = None
    if model._graph_ready:
        adjusted = []
        for i, (sh, layer) in enumerate(zip(shapes_in, model._input_layers)):
            ref = (None, *layer.batch_shape[1:])
            if len(sh) == len(ref) and shapes.compatible(ref, sh):
                note = (
                    f"matches {shapes.template(ref)}: {sh[0]} sample(s) of shape "
                    f"{format_shape(sh[1:])}"
                )
            elif len(sh) == len(ref) + 1 and sh[-1] == 1 and shapes.compatible(ref, sh[:-1]):
                note = f"trailing axis of size 1 squeezed to match {shapes.template(ref)}"
                sh = sh[:-1]
            elif len(sh) == len(ref) - 1 and ref[-1] == 1 and shapes.compatible(ref[:-1], sh):
                note = f"axis of size 1 added to match {shapes.template(ref)}"
                sh = (*sh, 1)
            else:
                try:  # (a Sequential model takes the sizes its layers take, as Keras 3's)
                    sh = model._accepted_shape(sh, layer, i)
                    note = f"other sizes than {shapes.template(ref)}, which its layers take"
                except ShapeError as e:
                    failed = e
                    lines.append(f"  {'input ' + layer.name:<32} {format_shape(sh):<20} FAILS here")
                    lines.extend("    " + ln for ln in str(failed).splitlines())
                    break
            if layer.batch_shape[0] is not None and sh[0] != layer.batch_shape[0]:
                note += (
                    f" (the declared batch size {layer.batch_shape[0]} is not enforced, "
                    "as in Keras)"
                )
            lines.append(f"  {'input ' + layer.name:<32} {format_shape(sh):<20} {note}")
            adjusted.append(sh)
        if failed is None:
            shapes_in = adjusted
    if failed is None:
        rows, final = _trace_layers(model, shapes_in)
        for label, shape, note in rows:
            if shape is None:
                lines.append(f"  {label:<32} {'':<20} FAILS here")
                lines.extend("    " + ln for ln in note.splitlines())
                failed = True
                break
            shape_s = format_shape(shape) if isinstance(shape, tuple) else str(shape)
            lines.append(f"  {label:<32} {shape_s:<20} {note}".rstrip())
        if not failed:
            out = ", ".join(format_shape(s) for s in final)
            lines.append(
                f"Result: {out}. Axis 0 is the batch: {shapes_in[0][0]} sample(s) in, "
                f"{final[0][0]} out."
            )
            n = shapes_in[0][0]
            if n is not None:
                bs, nb = predict_batches(n, batch_size, steps)
                if batch_size is not None:
                    how = f"batch_size={batch_size}"
                else:
                    how = f"ceil({n}/{steps})" if steps else "the default 32"
                last = min(n, nb * bs) - (nb - 1) * bs if nb else 0
                lines.append(
                    f"predict() would run {nb} batch(es) of {bs} rows ({how})"
                    + (f", the last one partial ({last} rows)" if nb and last != bs else "")
                    + "."
                )
    text = "\n".join(lines)
    (print_fn or print)(text)
    return text
