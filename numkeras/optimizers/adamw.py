"""`AdamW`: Adam with decoupled weight decay (Keras 3: Adam with `weight_decay=0.004`)."""

from __future__ import annotations

from numkeras.errors import ConfigError
from numkeras.optimizers.adam import Adam

# Keras's AdamW parameters after `amsgrad`, in order (the base optimizer's)
_BASE_ARGUMENTS = (
    "clipnorm",
    "clipvalue",
    "global_clipnorm",
    "use_ema",
    "ema_momentum",
    "ema_overwrite_frequency",
    "loss_scale_factor",
    "gradient_accumulation_steps",
    "name",
)


class AdamW(Adam):
    """Adam plus decoupled weight decay, applied before each update as
    `w -= w * weight_decay * learning_rate` (Loshchilov & Hutter), as Keras 3.

    Args:
        learning_rate: float or schedule; defaults to 0.001.
        weight_decay: defaults to 0.004; must be a number.
        beta_1, beta_2, epsilon, amsgrad: as `Adam`.
        **kwargs: the other `Optimizer` arguments.

    Use `exclude_from_weight_decay(var_names=["bias"])` to leave biases undecayed.

    >>> import numpy as np
    >>> from numkeras.variables import Variable
    >>> w = Variable(np.ones(2, "float32"), name="w")
    >>> AdamW(learning_rate=0.1, weight_decay=0.5).apply([np.zeros(2, "float32")], [w])
    >>> w.numpy()  # zero gradient: only the decay 1 - 0.5 * 0.1
    array([0.95, 0.95], dtype=float32)
    """

    def __init__(
        self,
        learning_rate=0.001,
        weight_decay: float = 0.004,
        beta_1: float = 0.9,
        beta_2: float = 0.999,
        epsilon: float = 1e-7,
        amsgrad: bool = False,
        *args,  # (clipnorm, clipvalue, ...: by position too, as in Keras)
        **kwargs,
    ):
        if len(args) > len(_BASE_ARGUMENTS):
            raise TypeError(
                f"AdamW() takes at most {7 + len(_BASE_ARGUMENTS)} positional arguments, but "
                f"{6 + len(args)} were given"
            )
        for key, value in zip(_BASE_ARGUMENTS, args):
            if key in kwargs:
                raise TypeError(f"AdamW() got multiple values for argument '{key}'")
            kwargs[key] = value
        super().__init__(
            learning_rate=learning_rate,
            beta_1=beta_1,
            beta_2=beta_2,
            epsilon=epsilon,
            amsgrad=amsgrad,
            weight_decay=weight_decay,
            **kwargs,
        )
        if self.weight_decay is None:
            raise ConfigError(
                "Argument `weight_decay` must be a float. Received: weight_decay=None "
                "(use `Adam` for no weight decay)."
            )
