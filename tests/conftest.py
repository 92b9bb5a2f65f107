import warnings

import pytest

from numkeras.utils import set_random_seed


@pytest.fixture(autouse=True)
def _seed_and_quiet():
    set_random_seed(1234)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        yield
