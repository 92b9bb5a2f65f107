"""`OrbaxCheckpoint`: Keras 3's Orbax-based checkpointing, which numkeras cannot offer."""

from __future__ import annotations

from numkeras.callbacks.monitor_callback import MonitorCallback


class OrbaxCheckpoint(MonitorCallback):
    """Keras 3's `OrbaxCheckpoint` (checkpoints written by the JAX-based Orbax library).

    Orbax saves JAX arrays, so numkeras cannot write its checkpoints: creating one raises
    `ImportError`, as Keras does when `orbax-checkpoint` is not installed. Use
    `ModelCheckpoint` (with the same `monitor`, `save_best_only`, `mode`, `save_freq` and
    `initial_value_threshold` arguments) instead.

    >>> try:
    ...     OrbaxCheckpoint("/tmp/ckpt")
    ... except ImportError as e:
    ...     print(str(e).split(".")[0])
    OrbaxCheckpoint is not available in numkeras
    """

    def __init__(self, directory, *args, **kwargs) -> None:
        raise ImportError(
            "OrbaxCheckpoint is not available in numkeras. Keras 3's OrbaxCheckpoint "
            "requires the 'orbax-checkpoint' package and writes JAX arrays; use "
            f"numkeras.callbacks.ModelCheckpoint instead (e.g. ModelCheckpoint("
            f"'{directory}/ckpt.weights.h5', save_weights_only=True))."
        )
