"""What the saving and model fuzzers (scripts/fuzz/) found on new seeds, as minimal
scenarios (goldens from scripts/goldens/make_fuzz_found_3.py, written with real Keras 3)."""

import numpy as np
import pytest

from numkeras.models import load_model

from ..differential import goldens, scenario_script

GOLD = goldens("fuzz_found_3")
SCRIPT = scenario_script("make_fuzz_found_3")


@pytest.mark.parametrize("name", sorted(SCRIPT.MODELS))
def test_h5_with_cells_or_wrapped_layers_is_one_keras_3_loads(name, tmp_path):
    """An `.h5` of an RNN over cells, a SpectralNormalization or a Bidirectional RNN keeps the
    `module` of its nested layers (Keras 3 finds their classes by it), and Keras 3 predicted
    from numkeras's file what numkeras predicts."""
    want = GOLD[name]
    model = SCRIPT.numkeras_model(name)
    path = tmp_path / "m.h5"
    model.save(path)
    assert SCRIPT.nested_modules(SCRIPT.h5_config(path)) == want["modules"]
    x = SCRIPT.data()
    np.testing.assert_allclose(
        model.predict(x, verbose=0), want["keras_predict"], rtol=1e-5, atol=1e-6
    )
    again = load_model(path)
    np.testing.assert_allclose(
        again.predict(x, verbose=0), want["keras_predict"], rtol=1e-5, atol=1e-6
    )


@pytest.mark.parametrize("kind", SCRIPT.MASKED_KINDS)
def test_keras_model_with_a_nested_model_on_a_masked_tensor_loads(kind):
    """Keras writes the nested model's call with the mask it auto-filled (`mask=` a
    NotEqual tensor); numkeras rebuilds it (the nested model gets its input's mask, as in
    a graph numkeras builds) and predicts as Keras did."""
    import numkeras

    want = GOLD["masked_nested_models"][kind]
    assert '"mask"' in want["json"]  # (the scenario: Keras wrote the mask keyword)
    model = numkeras.models.model_from_json(want["json"])
    model.set_weights([np.asarray(w, "float32") for w in want["weights"]])
    got = model.predict(SCRIPT.masked_tokens(), verbose=0)
    np.testing.assert_allclose(got, want["predict"], rtol=1e-5, atol=1e-6)


def test_h5_with_resizing_is_one_tf_keras_loads(tmp_path):
    """Resizing / CenterCrop in a `.h5` leave out Keras 3's arguments at their defaults
    (tf_keras refused them); tf_keras predicted from numkeras's file what numkeras does."""
    want = GOLD["keras2_resizing"]
    model = SCRIPT.numkeras_resizing_model()
    path = tmp_path / "m.h5"
    model.save(path)
    assert SCRIPT.layer_config_keys(SCRIPT.h5_config(path)) == want["keys"]
    x = SCRIPT.image()
    np.testing.assert_allclose(model.predict(x, verbose=0), want["predict"], rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(
        load_model(path).predict(x, verbose=0), want["predict"], rtol=1e-5, atol=1e-6
    )
