"""`model.summary()`: Keras 3's table (layer, output shape, parameter count; totals in bytes).

>>> from numkeras.models import Sequential
>>> from numkeras.layers import Input, Dense
>>> Sequential([Input(shape=(4,)), Dense(3)], name="m").summary()  # doctest: +ELLIPSIS
Model: "m"
...
 Total params: 15 (60.00 B)
...
"""

from __future__ import annotations

from numkeras.errors import format_shape


def readable_size(n_bytes: float) -> str:
    """Keras's `readable_memory_size`: 1024-based units with two decimals."""
    for unit in ("B", "KB", "MB", "GB", "TB"):
        if n_bytes < 1024 or unit == "TB":
            return f"{n_bytes:.2f} {unit}"
        n_bytes /= 1024


def _count(variables) -> tuple[int, int]:
    params = sum(v.size for v in variables)
    size = sum(v.size * v.dtype.itemsize for v in variables)
    return params, size


def _shape_text(layer, node) -> str:
    if node is None:
        return "?"
    outs = [t.shape for t in node.outputs]
    return format_shape(outs[0]) if len(outs) == 1 else ", ".join(map(format_shape, outs))


def _rows(model):
    """(name-and-type, output shape, params, connected-to) for each layer."""
    from numkeras.layers.input_layer import InputLayer

    rows = []
    show_inputs = type(model).__name__ != "Sequential" and not hasattr(model, "_stack")
    for layer in model.layers:
        if isinstance(layer, InputLayer) and not show_inputs:
            continue
        node = _node_in(model, layer)
        params = str(layer.count_params()) if layer.built else "0 (unbuilt)"
        if layer.built:
            params = f"{int(params):,}"
        connected = ""
        if node is not None and node.inputs:
            connected = ", ".join(f"{t.node.layer.name}[0][{t.index}]" for t in node.inputs)
        elif node is not None:
            connected = "-"
        rows.append(
            (f"{layer.name} ({type(layer).__name__})", _shape_text(layer, node), params, connected)
        )
    return rows


def _node_in(model, layer):
    """The node of `layer` in `model`'s graph (a shared layer has several; the first)."""
    if not model._graph_ready:
        return None
    seen, stack = set(), [t.node for t in model._outputs_list]
    while stack:
        node = stack.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        if node.layer is layer:
            return node
        stack.extend(t.node for t in node.inputs)
    return None


def _is_chain(model) -> bool:
    if not model._graph_ready:
        return True
    return all(not s.multi_in and not s.multi_out for s in model._steps) and (
        len(model._inputs_list) == 1 and len(model._outputs_list) == 1
    )


def print_summary(
    model, line_length=None, print_fn=None, expand_nested=False, show_trainable=False
) -> None:
    print_fn = print_fn or print
    chain = _is_chain(model)
    headers = ["Layer (type)", "Output Shape", "Param #"] + ([] if chain else ["Connected to"])
    widths = [33, 24, 15] if chain else [31, 22, 13, 22]
    if line_length:
        scale = line_length / (sum(widths) + len(widths) + 1)
        widths = [max(8, int(w * scale)) for w in widths]
    rows = _rows(model)

    def line(left, mid, right, fill):
        return left + mid.join(fill * w for w in widths) + right

    def cells(values, sep, align_right=(2,)):
        out = []
        for i, (v, w) in enumerate(zip(values, widths)):
            text = f" {v} "
            out.append(text.rjust(w) if i in align_right else text.ljust(w))
        return sep + sep.join(out) + sep

    lines = [
        f'Model: "{model.name}"',
        line("┏", "┳", "┓", "━"),
        cells(headers, "┃"),
        line("┡", "╇", "┩", "━"),
    ]
    for i, row in enumerate(rows):
        lines.append(cells(row[: len(widths)], "│"))
        lines.append(line("├", "┼", "┤", "─") if i < len(rows) - 1 else line("└", "┴", "┘", "─"))
    if not rows:
        lines.append(line("└", "┴", "┘", "─"))
    total, total_b = _count(model.weights)
    trainable, trainable_b = _count(model.trainable_weights)
    non_t, non_t_b = total - trainable, total_b - trainable_b
    opt_vars = []
    if getattr(model, "optimizer", None) is not None:
        opt_vars = [v for v in getattr(model.optimizer, "variables", []) if hasattr(v, "size")]
    opt, opt_b = _count(opt_vars) if opt_vars else (0, 0)
    unbuilt = "" if model.built else " (unbuilt)"
    lines.append(f" Total params: {total + opt:,}{unbuilt} ({readable_size(total_b + opt_b)})")
    lines.append(f" Trainable params: {trainable:,} ({readable_size(trainable_b)})")
    lines.append(f" Non-trainable params: {non_t:,} ({readable_size(non_t_b)})")
    if opt_vars:
        lines.append(f" Optimizer params: {opt:,} ({readable_size(opt_b)})")
    for ln in lines:
        print_fn(ln)
