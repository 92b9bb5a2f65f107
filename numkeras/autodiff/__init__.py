"""Gradients of eager code: `GradientTape`, modelled on `tf.GradientTape` (see
`numkeras.autodiff.tape`). Imported lazily: the hooks it installs live in modules that
import this package's `recorder` first.

>>> from numkeras.autodiff import GradientTape
>>> GradientTape()
<GradientTape stopped, persistent=False, 0 recorded call(s)>
"""

from __future__ import annotations


def __getattr__(name: str):
    if name in ("GradientTape", "TapeError", "TapeTensor"):
        from numkeras.autodiff import tape

        return getattr(tape, name)
    raise AttributeError(f"module 'numkeras.autodiff' has no attribute {name!r}")
