import warnings

import pytest

from numkeras.utils import set_random_seed


@pytest.fixture(autouse=True)
def _seed_and_quiet(monkeypatch):
    from numkeras import errors

    # deprecation notes show once per process; give every test a fresh "seen" set
    monkeypatch.setattr(errors, "_warned", set())
    set_random_seed(1234)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        yield
