"""`Config`: Keras's `keras.utils.Config`, a dict of settings also read and written as
attributes, that can be frozen.

>>> config = Config(learning_rate=0.1)
>>> config.epochs = 3
>>> config.learning_rate, config["epochs"], config.to_json()
(0.1, 3, '{"learning_rate": 0.1, "epochs": 3}')
>>> config.freeze()
>>> config.epochs = 4
Traceback (most recent call last):
ValueError: Cannot mutate attribute(s) because the config is frozen.
"""

from __future__ import annotations

import json


class Config:
    def __init__(self, **kwargs):
        object.__setattr__(self, "_config", dict(kwargs))
        object.__setattr__(self, "_frozen", False)

    @property
    def frozen(self) -> bool:
        return self._frozen

    def freeze(self) -> None:
        """Refuse every change from now on (until `unfreeze`)."""
        object.__setattr__(self, "_frozen", True)

    def unfreeze(self) -> None:
        object.__setattr__(self, "_frozen", False)

    def _raise_if_frozen(self) -> None:
        if self._frozen:
            raise ValueError("Cannot mutate attribute(s) because the config is frozen.")

    def as_dict(self) -> dict:
        return dict(self._config)

    def to_json(self) -> str:
        return json.dumps(self._config)

    def keys(self):
        return self._config.keys()

    def values(self):
        return self._config.values()

    def items(self):
        return self._config.items()

    def get(self, keyname, value=None):  # (Keras's parameter names)
        return self._config.get(keyname, value)

    def pop(self, *args):
        self._raise_if_frozen()
        return self._config.pop(*args)

    def update(self, *args, **kwargs) -> None:
        self._raise_if_frozen()
        self._config.update(*args, **kwargs)

    def __getattr__(self, name):
        config = object.__getattribute__(self, "_config")
        if name in config:
            return config[name]
        raise AttributeError(f"Unknown attribute: '{name}'.")

    def __setattr__(self, name, value) -> None:
        self._raise_if_frozen()
        self._config[name] = value

    def __delattr__(self, name) -> None:
        self._raise_if_frozen()
        if name not in self._config:
            raise AttributeError(f"Unknown attribute: '{name}'.")
        del self._config[name]

    def __getitem__(self, key):
        return self._config[key]

    def __setitem__(self, key, value) -> None:
        self._raise_if_frozen()
        self._config[key] = value

    def __delitem__(self, key) -> None:
        self._raise_if_frozen()
        del self._config[key]

    def __contains__(self, key) -> bool:
        return key in self._config

    def __len__(self) -> int:
        return len(self._config)

    def __iter__(self):
        return iter(self._config)

    def __repr__(self) -> str:
        return f"<Config {self._config}>"
