"""`numkeras.tree` against Keras 3's `keras.tree` (goldens: scripts/goldens/make_api.py)."""

import collections
import json
from pathlib import Path

import numpy as np
import pytest

from numkeras import tree

GOLDEN = json.loads((Path(__file__).parent / "goldens" / "api.json").read_text())["tree"]
P = collections.namedtuple("P", "x y")
NESTED = {"b": 1, "a": [2, (3, None)], "c": collections.OrderedDict([("z", 4), ("y", 5)])}


def test_flatten_sorts_dict_keys_keeps_ordered_dict_order_and_none_leaves():
    assert tree.flatten(NESTED) == GOLDEN["flatten"]
    got = [[list(p), v] for p, v in tree.flatten_with_path(NESTED)]
    assert got == GOLDEN["flatten_with_path"]


def test_pack_and_map_keep_the_original_key_order():
    packed = tree.pack_sequence_as(NESTED, [10, 20, 30, 40, 50, 60])
    assert json.loads(json.dumps(packed)) == GOLDEN["pack"]
    assert list(packed) == GOLDEN["map_keys_order"]
    assert list(packed["c"]) == GOLDEN["ordered_keys"]
    assert isinstance(packed["c"], collections.OrderedDict)


def test_other_functions_match_keras():
    assert repr(tree.lists_to_tuples([1, [2, [3]], {"a": [4]}])) == GOLDEN["lists_to_tuples"]
    assert tree.map_structure_up_to([0, [0, 0]], str, [[1, 1], [2, 2]]) == GOLDEN["up_to"]
    assert repr(tree.map_structure(lambda v: v * 2, P(1, [2]))) == GOLDEN["namedtuple"]
    for top_down, key in ((True, "traverse_top"), (False, "traverse_bottom")):
        seen = []
        tree.traverse(seen.append, [(1, 2), [3], {"a": 4}], top_down=top_down)
        assert repr(seen) == GOLDEN[key]
    values = (1, None, [1], (), {}, "ab", np.zeros(2))
    assert [tree.is_nested(v) for v in values] == GOLDEN["is_nested"]


def test_traverse_replaces_subtrees_and_map_to_none():
    out = tree.traverse(lambda s: tree.MAP_TO_NONE if s == [3] else None, [(1, 2), [3]])
    assert out == [(1, 2), None]
    assert tree.traverse(lambda s: s * 10 if isinstance(s, int) else None, [1, (2,)], False) == [
        10,
        (20,),
    ]


def test_mismatched_structures_raise_value_error_naming_the_path():
    with pytest.raises(ValueError, match="list"):
        tree.assert_same_structure([0, 1], (0, 1))
    with pytest.raises(ValueError, match=r"\('a',\)"):
        tree.map_structure(lambda a, b: a, {"a": [1]}, {"a": [1, 2]})
    with pytest.raises(ValueError, match="leaves"):
        tree.pack_sequence_as([0, 0], [1])
    tree.assert_same_paths([0, 1], (2, 3))  # paths only: list and tuple match
    with pytest.raises(ValueError, match="paths"):
        tree.assert_same_paths([0, 1], [0])


def test_map_structure_none_is_leaf_false_passes_none_through():
    assert tree.map_structure(lambda v: v + 1, [1, None], none_is_leaf=False) == [2, None]


def test_map_shape_structure_treats_int_tuples_as_leaves():
    shapes = {"a": (None, 3), "b": [(1, 2)]}
    assert tree.map_shape_structure(lambda s: s[1:], shapes) == {"a": (3,), "b": [(2,)]}
