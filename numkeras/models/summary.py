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

import numpy as np

from numkeras import errors


def format_shape(shape) -> str:
    """A shape as Keras's summary writes it: `(None, 64)`, and `(None)` for one axis (no
    tuple comma)."""
    return errors.format_shape(shape).replace(",)", ")")


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


def _shape_text(layer, skip: frozenset = frozenset()) -> str:
    """Keras's `format_layer_shape`: the output shape(s) of the layer's last call on symbolic
    tensors; without one, of its build shape (a layer a subclassed model called on arrays);
    else '?'. `skip`: the ids of the nodes of a subclassed model's traced call."""
    nodes = [n for n in layer._inbound_nodes if id(n) not in skip and not _in_trace(n)]
    if nodes:
        outs = [t.shape for t in nodes[-1].outputs]
    elif layer.built and layer._build_input_shape is not None:
        if _no_shape_rule(layer):  # Keras's default compute_output_shape raises there
            return "?"
        try:
            out = layer.compute_output_shape(layer._build_input_shape)
        except Exception:  # noqa: BLE001 - no shape rule: Keras prints '?' too
            return "?"
        # (several shapes: as Keras writes their structure, `((2, 4), [(2, 4)], (2, 3))`)
        return format_shape(out) if _is_shape(out) else _structure_text(out)
    else:
        return "?"
    if len(outs) == 1:
        return format_shape(outs[0])
    return "[" + ", ".join(format_shape(o) for o in outs) + "]"


def _is_shape(value) -> bool:
    return isinstance(value, (list, tuple)) and all(
        d is None or isinstance(d, (int, np.integer)) for d in value
    )


def _structure_text(value) -> str:
    """Shapes nested in lists and tuples, written as Keras's summary writes them."""
    if _is_shape(value):
        return format_shape(value)
    if isinstance(value, dict):
        value = list(value.values())
    inner = ", ".join(_structure_text(v) for v in value)
    return f"[{inner}]" if isinstance(value, list) else f"({inner})"


def _no_shape_rule(layer) -> bool:
    """A user layer without a `compute_output_shape` of its own (numkeras traces its call
    for the shape; Keras's summary prints '?' for it when it has no node)."""
    from numkeras.layers.layer import _traced_output_shape

    return type(layer).compute_output_shape is _traced_output_shape


def _in_trace(node, seen=None) -> bool:
    """Whether `node` belongs to a trace numkeras made of a subclassed model's or layer's
    `call` (numkeras.ops.trace): Keras runs such calls on arrays and records no node, so
    its summary shows the layer's build shape there."""
    from numkeras.ops.trace import _Placeholder

    seen = set() if seen is None else seen
    if isinstance(node.layer, _Placeholder):
        return True
    seen.add(id(node))
    return any(
        _in_trace(t.node, seen)
        for t in node.inputs
        if t.node is not None and id(t.node) not in seen
    )


def _call_tensors(node) -> list:
    """The symbolic tensors the call passed, in Keras's order (the positional arguments,
    then the keyword ones sorted by name, flattened), where the call was recorded (a
    layer called with keywords: MultiHeadAttention's node holds the value as its key
    when none was given, Keras lists only what was passed); else the node's inputs."""
    recorded = getattr(node, "call_arguments", None)
    if recorded is None:
        return node.inputs
    inputs = {id(t) for t in node.inputs}
    found: list = []

    def walk(value) -> None:
        if isinstance(value, dict):
            for key in sorted(value):
                walk(value[key])
        elif isinstance(value, (list, tuple)):
            for item in value:
                walk(item)
        elif id(value) in inputs:
            found.append(value)

    walk(list(recorded))
    return found


def _graph_nodes(model) -> list:
    """The nodes of a functional model's graph, its Inputs' included (Keras's
    `_nodes_by_depth`), with their depth (0: an output's)."""
    depth: dict[int, int] = {}
    node_of: dict[int, object] = {}
    order = [t.node for t in model._inputs_list] + list(model._nodes)
    for node in order:
        node_of[id(node)] = node
    for node in reversed(order):
        d = depth.setdefault(id(node), 0)
        for t in node.inputs:
            if id(t.node) in node_of:
                depth[id(t.node)] = max(depth.get(id(t.node), 0), d + 1)
    return [(node, depth.get(id(node), 0)) for node in order]


def _sequential_like(model, nodes) -> bool:
    """Keras's test for the three-column table: each depth of the graph holds one node with
    at most one input tensor, and no layer is called twice in it."""
    by_depth: dict[int, list] = {}
    for node, d in nodes:
        by_depth.setdefault(d, []).append(node)
    if any(len(v) > 1 or len(v[0].inputs) > 1 for v in by_depth.values()):
        return False
    layers = [node.layer for node, _ in nodes]
    return len({id(la) for la in layers}) == len(layers)


def _connections(layer, relevant: set) -> str:
    """Keras's 'Connected to': `name[node_index][tensor_index]` for each input of each call of
    `layer` in the model (a shared layer lists all of its calls)."""
    parts = []
    for node in layer._inbound_nodes:
        if relevant and id(node) not in relevant:
            continue
        for t in _call_tensors(node):
            source = t.node.layer
            index = next((i for i, n in enumerate(source._inbound_nodes) if n is t.node), 0)
            parts.append(f"{source.name}[{index}][{t.index}]")
    return ", ".join(parts) or "-"


def _params_text(layer) -> str:
    if getattr(layer, "is_operation", False):
        return "0"
    return f"{layer.count_params():,}" if layer.built else "0 (unbuilt)"


def _rows(model, expand_nested: bool = False, depth: int = 0, relevant=None, top=None):
    """(name-and-type, output shape, params, connected-to, trainable) for each layer of
    Keras's listing (a functional model's operations, Inputs included; otherwise `layers`);
    with `expand_nested`, a layer's own `layers` follow its row, indented as Keras does."""
    rows = []
    listed = top if top is not None else model.layers
    # (numkeras traces a subclassed model's call into nodes; Keras runs it on arrays)
    own_call = getattr(model, "_has_own_call", lambda: False)()
    skip = frozenset(id(n) for n in getattr(model, "_nodes", ())) if own_call else frozenset()
    for layer in listed:
        name = f"{'   ' * depth}{'└ ' if depth else ''}{layer.name} ({type(layer).__name__})"
        # (a nested model's layers have no call in this graph, so Keras writes "-", but for
        # a layer shared with the outer graph, whose calls there it lists)
        connected = _connections(layer, relevant or set()) if depth == 0 or relevant else "-"
        weights = layer.weights if not getattr(layer, "is_operation", False) else []
        trainable = "-" if not weights else ("Y" if layer.trainable else "N")
        rows.append((name, _shape_text(layer, skip), _params_text(layer), connected, trainable))
        sub = getattr(layer, "layers", None) if expand_nested else None
        if sub and not getattr(layer, "is_operation", False):
            rows.extend(_rows(layer, expand_nested, depth + 1, relevant))
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


def _ratio_reduce(total: int, ratios: list, maximums: list, values: list) -> list:
    """rich's `ratio_reduce`: take `total` from `values`, shared by `ratios`."""
    ratios = [r if m else 0 for r, m in zip(ratios, maximums)]
    total_ratio = sum(ratios)
    if not total_ratio:
        return list(values)
    out = []
    for ratio, maximum, value in zip(ratios, maximums, values):
        if ratio and total_ratio > 0:
            cut = min(maximum, round(ratio * total / total_ratio))
            out.append(value - cut)
            total -= cut
            total_ratio -= ratio
        else:
            out.append(value)
    return out


def _column_widths(line_length: int, positions) -> list[int]:
    """The widths (padding included, borders not) Keras's rich table prints: Keras asks for
    columns of `int(pos * line_length)` characters in a table `line_length` wide, and rich
    shrinks the padded columns evenly until the table fits."""
    widths, current = [], 0
    for pos in positions:
        width = int(pos * line_length) - current
        if width < 4:
            raise ValueError("Insufficient console width to print summary.")
        widths.append(width)
        current += width
    padded = [w + 2 for w in widths]
    room = line_length - (len(widths) + 1)
    if sum(padded) > room:
        padded = _ratio_reduce(sum(padded) - room, [1] * len(padded), padded, padded)
    return padded


def print_summary(
    model,
    line_length=None,
    positions=None,
    print_fn=None,
    expand_nested=False,
    show_trainable=False,
    layer_range=None,
) -> None:
    """Keras 3's `print_summary`, as its rich table prints on a console of
    `shutil.get_terminal_size()` columns (80 when not a terminal). As Keras 3, a given
    `print_fn` is called once, with the whole text (ending in a newline)."""
    import shutil

    functional = (
        getattr(model, "_graph_ready", False)
        and not hasattr(model, "_stack")
        and not model._has_own_call()
    )
    relevant: set = set()
    if functional:
        nodes = _graph_nodes(model)
        relevant = {id(node) for node, _ in nodes}
        chain = _sequential_like(model, nodes)
        listed = model.operations  # Inputs and operations too, as Keras's `_operations`
    else:
        chain = True
        listed = model.layers
    if chain:
        default_length, positions = 88, positions or [0.45, 0.80, 1.0]
        headers = ["Layer (type)", "Output Shape", "Param #"]
        keep = [0, 1, 2]
    else:
        default_length, positions = 108, positions or [0.3, 0.56, 0.74, 1.0]
        headers = ["Layer (type)", "Output Shape", "Param #", "Connected to"]
        keep = [0, 1, 2, 3]
    if show_trainable:
        default_length += 12
        positions = [p * 0.90 for p in positions] + [1.0]
        headers.append("Trainable")
        keep.append(4)
    default_length = min(default_length, shutil.get_terminal_size().columns - 4)
    widths = _column_widths(line_length or default_length, positions)
    rows = _rows(model, expand_nested, relevant=relevant, top=listed)
    rows = [[row[k] for k in keep] for row in _in_range(rows, layer_range)]
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
                elif i in center:  # (rich puts the odd space on the right)
                    left = (w - 2 - len(text)) // 2
                    parts.append(" " + " " * left + text.ljust(w - 2 - left) + " ")
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
    lines.append(f" Total params: {total + opt:,} ({readable_size(total_b + opt_b)})")
    lines.append(f" Trainable params: {trainable:,} ({readable_size(trainable_b)})")
    lines.append(f" Non-trainable params: {non_t:,} ({readable_size(non_t_b)})")
    if opt_vars:
        lines.append(f" Optimizer params: {opt:,} ({readable_size(opt_b)})")
    text = "\n".join(lines) + "\n"
    if print_fn is None:
        import sys

        sys.stdout.write(text)
    else:
        print_fn(text)
