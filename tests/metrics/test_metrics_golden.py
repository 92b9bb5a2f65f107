"""Metric accumulation over three batches against real Keras 3.15 (with and without weights)."""

import json
import pathlib

import numpy as np
import pytest

from numkeras import metrics

GOLDENS = pathlib.Path(__file__).resolve().parents[1] / "goldens"
METRICS = json.loads((GOLDENS / "metrics.json").read_text())
INT_LABELS = {"sparse", "sparse_col"}


def _id(case):
    kwargs = ",".join(f"{k}={v}" for k, v in case["kwargs"].items())
    return f"{case['metric']}({kwargs})-{case['data']}"


@pytest.mark.parametrize("case", METRICS["cases"], ids=_id)
def test_accumulated_results_match_keras(case):
    batches = METRICS["data"][case["data"]]
    for weighted, expected_run in zip((False, True), case["results"]):
        m = getattr(metrics, case["metric"])(**case["kwargs"])
        for batch, expected in zip(batches, expected_run):
            y_pred = np.array(batch["y_pred"], dtype="float32")
            sw = np.array(batch["sample_weight"], "float32") if weighted else None
            if batch["y_true"] is None:
                m.update_state(y_pred, sample_weight=sw)
            else:
                y_true = np.array(batch["y_true"])
                y_true = y_true.astype("int64" if case["data"] in INT_LABELS else "float32")
                m.update_state(y_true, y_pred, sample_weight=sw)
            np.testing.assert_allclose(m.result(), expected, rtol=1e-5, atol=1e-6)
        m.reset_state()
        assert np.all(np.asarray(m.result()) == 0)


@pytest.mark.parametrize("case", METRICS["cases"], ids=_id)
def test_config_matches_keras(case):
    m = getattr(metrics, case["metric"])(**case["kwargs"])
    config = m.get_config()
    expected = dict(case["config"])
    config.pop("name"), expected.pop("name")  # auto names get a counter suffix
    assert config == expected
