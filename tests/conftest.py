import warnings

import pytest

from numkeras.utils import set_random_seed


@pytest.fixture(autouse=True)
def _seed_and_quiet(monkeypatch):
    from numkeras import config, errors

    # deprecation notes show once per process; give every test a fresh "seen" set
    monkeypatch.setattr(errors, "_warned", set())
    # no global dtype policy set: once set (even "float32"), it outlives set_floatx, as
    # Keras's does, so a test that set one would decide the next tests' layer dtypes
    monkeypatch.setattr(config, "_POLICY", None)
    set_random_seed(1234)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        yield


@pytest.fixture
def float64():
    """Layers built during the test default to float64 (finite differences need its
    precision); the previous default comes back after."""
    from numkeras import backend

    previous = backend.floatx()
    backend.set_floatx("float64")
    yield
    backend.set_floatx(previous)
