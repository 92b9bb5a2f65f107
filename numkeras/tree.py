"""`numkeras.tree`: Keras 3's `keras.tree`, utilities for nested structures of lists, tuples,
namedtuples, deques and dicts.

The rules are Keras's (its optree backend): a dict's values are visited in sorted key
order (an `OrderedDict`'s in its own order) and rebuilt with the original key order;
`None` is a leaf; anything that is not a list, tuple, namedtuple, deque or mapping
(arrays, strings, tensors) is a leaf.

>>> flatten({"b": 1, "a": [2, (3, None)]})
[2, 3, None, 1]
>>> map_structure(lambda v: v * 2, {"b": 1, "a": [2, (3,)]})
{'b': 2, 'a': [4, (6,)]}
>>> pack_sequence_as({"key3": 0, "key1": 0, "key2": 0}, ["v1", "v2", "v3"])
{'key3': 'v3', 'key1': 'v1', 'key2': 'v2'}
"""

from __future__ import annotations

import collections
from collections.abc import Callable, Mapping


class MAP_TO_NONE:  # noqa: N801 (Keras's name)
    """Returned by a `traverse` function to replace a sub-tree with None."""


def _is_namedtuple(x) -> bool:
    return isinstance(x, tuple) and hasattr(type(x), "_fields")


def is_nested(structure) -> bool:
    """Whether `structure` is a list, tuple, namedtuple, deque or mapping.

    >>> is_nested(42), is_nested({"foo": 42}), is_nested(None)
    (False, True, False)
    """
    return isinstance(structure, (list, tuple, collections.deque, Mapping))


def _keys(mapping) -> list:
    if isinstance(mapping, collections.OrderedDict):
        return list(mapping)
    try:
        return sorted(mapping)
    except TypeError as e:
        raise TypeError(
            f"A dict's keys must be sortable to flatten it; got {list(mapping)}."
        ) from e


def _children(node) -> list:
    """`(path key, child)` pairs of a nested node, in flattening order."""
    if isinstance(node, Mapping):
        return [(k, node[k]) for k in _keys(node)]
    return list(enumerate(node))


def _rebuild(node, values: list):
    """A node of `node`'s type holding `values` (given in flattening order)."""
    if isinstance(node, Mapping):
        by_key = dict(zip(_keys(node), values))
        items = [(k, by_key[k]) for k in node]
        if isinstance(node, collections.defaultdict):
            return collections.defaultdict(node.default_factory, items)
        return type(node)(items) if type(node) is not dict else dict(items)
    if _is_namedtuple(node):
        return type(node)(*values)
    if isinstance(node, collections.deque):
        return collections.deque(values, maxlen=node.maxlen)
    return type(node)(values)


def flatten(structure) -> list:
    """The leaves of `structure`, in order.

    >>> flatten([(1, 2), {"b": 4, "a": 3}])
    [1, 2, 3, 4]
    """
    if not is_nested(structure):
        return [structure]
    out = []
    for _, child in _children(structure):
        out.extend(flatten(child))
    return out


def flatten_sequences(structure) -> list:
    """The leaves of nested lists and tuples, in order; anything else (a dict included) is
    one leaf. (A layer's call outputs: a stacked RNN's `out, [h1, c1], h2`.)

    >>> flatten_sequences([1, [2, (3,)], {"a": 4}])
    [1, 2, 3, {'a': 4}]
    """
    if not isinstance(structure, (list, tuple)):
        return [structure]
    return [leaf for item in structure for leaf in flatten_sequences(item)]


def flatten_with_path(structure) -> list:
    """`(path, leaf)` pairs; a path is the tuple of indices and keys leading to the leaf.

    >>> flatten_with_path([{"foo": 42}])
    [((0, 'foo'), 42)]
    """

    def walk(node, path):
        if not is_nested(node):
            return [(path, node)]
        out = []
        for key, child in _children(node):
            out.extend(walk(child, (*path, key)))
        return out

    return walk(structure, ())


def _describe(node) -> str:
    if _is_namedtuple(node):
        return f"namedtuple {type(node).__name__}"
    return type(node).__name__


def _same_kind(a, b) -> bool:
    if isinstance(a, Mapping) or isinstance(b, Mapping):
        return isinstance(a, Mapping) and isinstance(b, Mapping)
    if _is_namedtuple(a) or _is_namedtuple(b):
        return type(a) is type(b)
    return type(a) is type(b) or (isinstance(a, type(b)) or isinstance(b, type(a)))


def _check_same(a, b, path=()) -> None:
    if is_nested(a) != is_nested(b):
        raise ValueError(
            "The two structures don't have the same nested structure: at path "
            f"{path} one is {_describe(a)} ({a!r:.80}) and the other {_describe(b)} ({b!r:.80})."
        )
    if not is_nested(a):
        return
    if not _same_kind(a, b):
        raise ValueError(
            f"The two structures don't have the same nested structure: at path {path}, "
            f"expected an instance of {_describe(a)}, got {_describe(b)} ({b!r:.80})."
        )
    if isinstance(a, Mapping) and set(a) != set(b):
        raise ValueError(
            f"The two structures don't have the same nested structure: at path {path} the "
            f"dict keys differ: {sorted(map(str, a))} and {sorted(map(str, b))}."
        )
    if len(a) != len(b):
        raise ValueError(
            f"The two structures don't have the same nested structure: at path {path}, "
            f"{_describe(a)} of length {len(a)} against length {len(b)}."
        )
    for (key, ca), (_, cb) in zip(_children(a), _children(b)):
        _check_same(ca, cb, (*path, key))


def assert_same_structure(a, b, check_types=None) -> None:
    """Raise ValueError unless `a` and `b` nest the same way, with the same container types
    (any mappings with the same keys match; list, tuple, namedtuple and deque differ).
    `check_types` is accepted and ignored, as in Keras 3.

    >>> assert_same_structure([(0, 1)], [(2, 3)])
    >>> assert_same_structure([0, 1], (0, 1))
    Traceback (most recent call last):
    ValueError: The two structures don't have the same nested structure: at path (), ...
    """
    _check_same(a, b)


def assert_same_paths(a, b) -> None:
    """Raise ValueError unless `a` and `b` have the same leaf paths (container types aside).

    >>> assert_same_paths([0, 1], (2, 3))
    """
    pa = {p for p, _ in flatten_with_path(a)}
    pb = {p for p, _ in flatten_with_path(b)}
    if pa != pb:
        raise ValueError(
            "The two structures don't have the same paths: only in the first "
            f"{sorted(pa - pb, key=str)}, only in the second {sorted(pb - pa, key=str)}."
        )


def pack_sequence_as(structure, flat_sequence, sequence_fn=None):
    """The leaves `flat_sequence` put back into `structure`'s nesting.

    >>> pack_sequence_as((("a", "b"), "c"), [1.0, 2.0, 3.0])
    ((1.0, 2.0), 3.0)
    """
    flat_sequence = list(flat_sequence)
    count = len(flatten(structure))
    if count != len(flat_sequence):
        raise ValueError(
            f"The structure has {count} leaves but the flat sequence has {len(flat_sequence)} "
            "items."
        )
    it = iter(flat_sequence)

    def build(node):
        if not is_nested(node):
            return next(it)
        values = [build(child) for _, child in _children(node)]
        return sequence_fn(node, values) if sequence_fn else _rebuild(node, values)

    return build(structure)


def map_structure(func: Callable, *structures, none_is_leaf: bool = True):
    """`func` applied to the leaves of `structures` (same nesting), in that nesting.

    >>> map_structure(lambda x, y: x * y, [[1], [2]], [[3], [4]])
    [[3], [8]]
    """
    if not callable(func):
        raise TypeError(f"`func` must be callable, received {func!r}.")
    if not structures:
        raise TypeError("map_structure needs at least one structure.")
    for other in structures[1:]:
        _check_same(structures[0], other)
    columns = [flatten(s) for s in structures]

    def apply(*leaves):
        if not none_is_leaf and leaves[0] is None:
            return None
        return func(*leaves)

    return pack_sequence_as(structures[0], [apply(*leaves) for leaves in zip(*columns)])


def map_structure_up_to(shallow_structure, func: Callable, *structures):
    """`map_structure`, but only down to `shallow_structure`'s leaves: deeper parts of
    `structures` reach `func` whole.

    >>> map_structure_up_to([None, None], len, [[1, 1], [2, 2]])
    [2, 2]
    >>> map_structure_up_to([None, [None, None]], str, [[1, 1], [2, 2]])
    ['[1, 1]', ['2', '2']]
    """
    if not callable(func):
        raise TypeError(f"`func` must be callable, received {func!r}.")
    if not structures:
        raise TypeError("map_structure_up_to needs at least one structure.")

    def walk(shallow, nodes, path):
        if not is_nested(shallow):
            return func(*nodes)
        children = []
        for node in nodes:
            if not is_nested(node) or not _same_kind(shallow, node) or len(node) != len(shallow):
                raise ValueError(
                    f"A structure is shallower than `shallow_structure` at path {path}: "
                    f"expected {_describe(shallow)} of length {len(shallow)}, got {node!r:.80}."
                )
            if isinstance(shallow, Mapping):
                if set(shallow) != set(node):
                    raise ValueError(f"dict keys differ at path {path}.")
                children.append([node[k] for k in _keys(shallow)])
            else:
                children.append(list(node))
        keys = [k for k, _ in _children(shallow)]
        values = [
            walk(child, [c[i] for c in children], (*path, keys[i]))
            for i, (_, child) in enumerate(_children(shallow))
        ]
        return _rebuild(shallow, values)

    return walk(shallow_structure, structures, ())


def traverse(func: Callable, structure, top_down: bool = True):
    """Apply `func` to every sub-tree (depth first). Top-down, a result other than None
    replaces the sub-tree and stops the descent (`MAP_TO_NONE` gives None); bottom-up, it
    replaces the already traversed sub-tree.

    >>> v = []
    >>> traverse(v.append, [(1, 2), [3]])
    [(1, 2), [3]]
    >>> v
    [[(1, 2), [3]], (1, 2), 1, 2, [3], 3]
    """

    def result(value, default):
        if value is None:
            return default
        return None if value is MAP_TO_NONE else value

    def walk(node):
        if top_down:
            value = func(node)
            if value is not None:
                return result(value, node)
            if not is_nested(node):
                return node
            return _rebuild(node, [walk(child) for _, child in _children(node)])
        if is_nested(node):
            node = _rebuild(node, [walk(child) for _, child in _children(node)])
        return result(func(node), node)

    return walk(structure)


def lists_to_tuples(structure):
    """`structure` with every list turned into a tuple.

    >>> lists_to_tuples([1, [2, [3]]])
    (1, (2, (3,)))
    """
    if isinstance(structure, list):
        return tuple(lists_to_tuples(v) for v in structure)
    if is_nested(structure):
        return _rebuild(structure, [lists_to_tuples(c) for _, c in _children(structure)])
    return structure


def _is_shape(x) -> bool:
    return isinstance(x, (tuple, list)) and all(
        d is None or (isinstance(d, int) and not isinstance(d, bool)) for d in x
    )


def map_shape_structure(func: Callable, structure):
    """`map_structure` where a tuple (or list) of ints and Nones is one leaf: a shape.

    >>> map_shape_structure(lambda s: s[1:], {"a": (None, 3), "b": [(1, 2)]})
    {'a': (3,), 'b': [(2,)]}
    """
    if _is_shape(structure) or not is_nested(structure):
        return func(structure)
    return _rebuild(
        structure, [map_shape_structure(func, child) for _, child in _children(structure)]
    )


__all__ = [
    "MAP_TO_NONE",
    "assert_same_paths",
    "assert_same_structure",
    "flatten",
    "flatten_with_path",
    "is_nested",
    "lists_to_tuples",
    "map_shape_structure",
    "map_structure",
    "map_structure_up_to",
    "pack_sequence_as",
    "traverse",
]
