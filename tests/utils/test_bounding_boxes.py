"""`numkeras.utils.bounding_boxes` against Keras 3's `keras.utils.bounding_boxes`: every
format pair, batched / unbatched / dict inputs, IoU and CIoU, clip / crop / pad / affine,
box deltas, and the exceptions of bad arguments (goldens from
scripts/goldens/make_scopes_legacy_boxes.py)."""

import json

import numpy as np
import pytest

import numkeras
from numkeras.utils import bounding_boxes as bb

from ..differential import assert_json_close, goldens, scenario_script

GOLD = goldens("scopes_legacy_boxes")
SCRIPT = scenario_script("make_scopes_legacy_boxes")
NAMES = sorted(n for n in SCRIPT.SCENARIOS if n.startswith("boxes_"))


@pytest.mark.parametrize("name", NAMES)
def test_bounding_boxes_match_keras(name):
    got = json.loads(json.dumps(SCRIPT.SCENARIOS[name](numkeras)))
    assert_json_close(got, GOLD[name], rtol=1e-5, atol=1e-5, where=name)


def test_masking_with_one_batched_set_broadcasts():
    """Keras raises (its mask transposes a rank-3 array with a rank-2 permutation) when
    only one of the sets is batched; numkeras masks as for two batched sets."""
    a = np.array([[[0, 0, 10, 10], [-1, -1, -2, -2]]], "float32")
    b = np.array([[0, 0, 10, 10]], "float32")
    want = [[[1.0], [-1.0]]]
    assert bb.compute_iou(a, b, "xyxy", use_masking=True).tolist() == want
    assert bb.compute_iou(b, a, "xyxy", use_masking=True).tolist() == [[[1.0, -1.0]]]


def test_lists_are_taken():
    """Keras's `convert_format` needs an array (a list raises AttributeError there)."""
    got = bb.convert_format([[1.0, 2.0, 3.0, 4.0]], "xywh", "xyxy")
    assert got.tolist() == [[1.0, 2.0, 4.0, 6.0]] and got.dtype == np.float32


def test_affine_takes_python_numbers_in_float32():
    """Keras needs arrays there (a float raises AttributeError): numkeras takes numbers,
    one transform for the batch."""
    boxes = np.array([[[10.0, 20.0, 50.0, 80.0]]], "float32")
    got = bb.affine_transform(boxes, 0.0, 0.0, 0.0, 1.0, 0.0, 0.0, 100, 100)
    assert got.dtype == np.float32
    np.testing.assert_allclose(got, boxes, atol=1e-4)


def test_the_namespace():
    assert numkeras.utils.bounding_boxes is bb
    assert "bounding_boxes" in dir(numkeras.utils)
