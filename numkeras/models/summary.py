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


def _rows(model, expand_nested: bool = False, depth: int = 0):
    """(name-and-type, output shape, params, connected-to, trainable) for each layer; with
    `expand_nested`, a nested model's layers follow its row, indented as Keras does."""
    from numkeras.layers.input_layer import InputLayer
    from numkeras.models.model import Model

    rows = []
    show_inputs = depth == 0 and not hasattr(model, "_stack")  # Sequential hides its Input
    functional = (
        getattr(model, "_graph_ready", False)
        and not hasattr(model, "_stack")
        and not model._has_own_call()  # a subclassed model lists its layers, as Keras
    )
    for layer in model.operations if functional else model.layers:  # ops too, as Keras
        if isinstance(layer, InputLayer) and not show_inputs:
            continue
        node = _node_in(model, layer)
        params = f"{layer.count_params():,}" if layer.built else "0 (unbuilt)"
        connected = ""
        if node is not None and node.inputs:
            connected = ", ".join(f"{t.node.layer.name}[0][{t.index}]" for t in node.inputs)
        elif node is not None:
            connected = "-"
        trainable = "-" if not layer.weights else ("Y" if layer.trainable else "N")
        name = f"{'   ' * depth}{'└ ' if depth else ''}{layer.name} ({type(layer).__name__})"
        rows.append((name, _shape_text(layer, node), params, connected, trainable))
        if expand_nested and isinstance(layer, Model) and layer._graph_ready:
            rows.extend(_rows(layer, expand_nested, depth + 1))
    return rows


def _in_range(rows: list, layer_range) -> list:
    """Keras's `layer_range=[first, last]`: the rows from the first layer whose name matches
    `first` to the first after it matching `last` (regular expressions, both inclusive)."""
    import re

    if layer_range is None:
        return rows
    if len(layer_range) != 2:
        raise ValueError(
            f"layer_range must be a list or tuple of 2 strings, received {layer_range!r}."
        )
    names = [row[0].split(" (")[0] for row in rows]
    first = next((i for i, n in enumerate(names) if re.match(layer_range[0], n)), None)
    if first is None:
        raise ValueError(f"No layer name matches layer_range[0]={layer_range[0]!r}: {names}.")
    last = next((i for i in range(first, len(names)) if re.match(layer_range[1], names[i])), None)
    if last is None:
        raise ValueError(f"No layer name matches layer_range[1]={layer_range[1]!r}: {names}.")
    return rows[first : last + 1]


def _wrap(text: str, width: int) -> list[str]:
    """Rich's word wrap, as Keras's table prints cells: words fill lines of `width`; a word
    too long for a line is cut with an ellipsis."""
    lines: list[str] = []
    for word in text.split(" "):
        if len(word) > width:
            word = word[: width - 1] + "…"
        if lines and len(lines[-1]) + 1 + len(word) <= width:
            lines[-1] += " " + word
        else:
            lines.append(word)
    return lines or [""]


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
    if not model._graph_ready or model._has_own_call():
        return True

    def one_input(s) -> bool:  # an operation counts its tensors, as Keras
        return len(s.in_slots) == 1 if getattr(s.layer, "is_operation", False) else not s.multi_in

    return all(one_input(s) and not s.multi_out for s in model._steps) and (
        len(model._inputs_list) == 1 and len(model._outputs_list) == 1
    )


# Keras's column widths as they print on an 80-column console (rich shrinks the table to
# fit): (a plain chain of layers?, a Trainable column?) -> widths, padding included
_WIDTHS = {
    (True, False): [33, 24, 15],
    (False, False): [31, 22, 13, 22],
    (True, True): [29, 23, 12, 7],
    (False, True): [19, 17, 11, 16, 7],
}


def print_summary(
    model,
    line_length=None,
    print_fn=None,
    expand_nested=False,
    show_trainable=False,
    layer_range=None,
) -> None:
    print_fn = print_fn or print
    chain = _is_chain(model)
    headers = ["Layer (type)", "Output Shape", "Param #"] + ([] if chain else ["Connected to"])
    keep = [0, 1, 2] if chain else [0, 1, 2, 3]
    if show_trainable:
        headers.append("Trainable")
        keep.append(4)
    widths = list(_WIDTHS[(chain, bool(show_trainable))])
    if line_length:
        scale = line_length / (sum(widths) + len(widths) + 1)
        widths = [max(8, int(w * scale)) for w in widths]
    rows = [[row[k] for k in keep] for row in _in_range(_rows(model, expand_nested), layer_range)]
    right = {2}  # Param # is right-aligned, Trainable centred
    center = {len(headers) - 1} if show_trainable else set()

    def line(left, mid, right_end, fill):
        return left + mid.join(fill * w for w in widths) + right_end

    def cells(values, sep):
        wrapped = [_wrap(str(v), w - 2) for v, w in zip(values, widths)]
        out = []
        for k in range(max(len(c) for c in wrapped)):
            parts = []
            for i, (c, w) in enumerate(zip(wrapped, widths)):
                text = c[k] if k < len(c) else ""
                if i in right:
                    parts.append(f" {text} ".rjust(w))
                elif i in center:
                    parts.append(f" {text.center(w - 2)} ")
                else:
                    parts.append(f" {text} ".ljust(w))
            out.append(sep + sep.join(parts) + sep)
        return out

    lines = [
        f'Model: "{model.name}"',
        line("┏", "┳", "┓", "━"),
        *cells(headers, "┃"),
        line("┡", "╇", "┩", "━"),
    ]
    for i, row in enumerate(rows):
        lines.extend(cells(row, "│"))
        lines.append(line("├", "┼", "┤", "─") if i < len(rows) - 1 else line("└", "┴", "┘", "─"))
    if not rows:
        lines.append(line("└", "┴", "┘", "─"))
    total, total_b = _count(model.weights)
    trainable, trainable_b = _count(model.trainable_weights)
    non_t, non_t_b = total - trainable, total_b - trainable_b
    opt_vars = []
    optimizer = getattr(model, "optimizer", None)
    if optimizer is not None and getattr(optimizer, "built", True):  # Keras: once built
        opt_vars = [v for v in getattr(optimizer, "variables", []) if hasattr(v, "size")]
    opt, opt_b = _count(opt_vars) if opt_vars else (0, 0)
    unbuilt = "" if model.built else " (unbuilt)"
    lines.append(f" Total params: {total + opt:,}{unbuilt} ({readable_size(total_b + opt_b)})")
    lines.append(f" Trainable params: {trainable:,} ({readable_size(trainable_b)})")
    lines.append(f" Non-trainable params: {non_t:,} ({readable_size(non_t_b)})")
    if opt_vars:
        lines.append(f" Optimizer params: {opt:,} ({readable_size(opt_b)})")
    for ln in lines:
        print_fn(ln)
