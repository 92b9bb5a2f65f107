"""`FeatureSpace` (`numkeras.utils.FeatureSpace`): structured data (a dict of columns:
floats, integer ids, strings) preprocessed and encoded into one vector per row, as Keras 3.

Each feature has a preprocessing layer (Normalization, Rescaling, Discretization, the
lookups, Hashing, or one of your own) that `adapt` fits to the data; features whose
preprocessor gives integer ids are one-hot encoded (`CategoryEncoding`, "multi_hot"), and
named pairs of features are crossed (`HashedCrossing` of their ids). The encoded features
come out concatenated in the order of their sorted names, then the crosses' sorted names
("concat"), or as a dict ("dict"). Keras runs all this in TensorFlow; here it is NumPy.

>>> import numpy as np
>>> data = {"price": np.array([1.0, 2.0, 4.0]), "color": np.array(["red", "blue", "red"])}
>>> space = FeatureSpace({"price": "float_normalized", "color": "string_categorical"})
>>> space.adapt(data)
>>> space(data).shape  # color one-hot (3 = the [UNK] slot + 2 colors), then price
(3, 4)
"""

from __future__ import annotations

import numpy as np

from numkeras import backend
from numkeras.errors import ConfigError, FeatureKeyError, InputTypeError
from numkeras.layers.layer import Layer
from numkeras.utils.naming import auto_name

_FEATURE_MODULE = "keras.src.layers.preprocessing.feature_space"  # (Keras's, in files)
_ADAPT_BATCH = 32  # Keras batches a dataset of single values by 32 to adapt on it


class Cross:
    """A cross of features (`FeatureSpace.cross`): their ids hashed together into
    `crossing_dim` bins, one-hot encoded ("one_hot") or kept as ids ("int")."""

    def __init__(self, feature_names, crossing_dim: int, output_mode: str = "one_hot"):
        _check_mode(output_mode, ("int", "one_hot"))
        self.feature_names = tuple(feature_names)
        self.crossing_dim = crossing_dim
        self.output_mode = output_mode

    @property
    def name(self) -> str:
        return "_X_".join(self.feature_names)

    def get_config(self) -> dict:
        return {
            "feature_names": self.feature_names,
            "crossing_dim": self.crossing_dim,
            "output_mode": self.output_mode,
        }

    @classmethod
    def from_config(cls, config: dict) -> Cross:
        return cls(**config)

    def __repr__(self) -> str:
        return f"Cross({self.name!r}, crossing_dim={self.crossing_dim}, {self.output_mode!r})"


class Feature:
    """One feature (`FeatureSpace.feature` and the named kinds): its input dtype, its
    preprocessing layer, and how the layer's output is encoded ("int", "one_hot" or
    "float")."""

    def __init__(self, dtype: str, preprocessor, output_mode: str):
        _check_mode(output_mode, ("int", "one_hot", "float"))
        self.dtype = dtype
        if isinstance(preprocessor, dict):
            from numkeras.saving.serialization_lib import deserialize_keras_object

            preprocessor = deserialize_keras_object(preprocessor)
        self.preprocessor = preprocessor
        self.output_mode = output_mode

    def get_config(self) -> dict:
        from numkeras.saving.serialization_lib import serialize_keras_object

        return {
            "dtype": self.dtype,
            "preprocessor": serialize_keras_object(self.preprocessor),
            "output_mode": self.output_mode,
        }

    @classmethod
    def from_config(cls, config: dict) -> Feature:
        return cls(**config)

    def __repr__(self) -> str:
        kind = type(self.preprocessor).__name__
        return f"Feature({self.dtype!r}, {kind}, {self.output_mode!r})"


class TFDIdentity(Layer):
    """The "float" feature's preprocessor: its input, as floats of the layer's dtype
    (Keras's class name, which its files hold)."""

    keras_module = _FEATURE_MODULE
    built_at_init = True

    def call(self, inputs):
        return inputs

    def compute_output_shape(self, input_shape):
        return input_shape


class FeatureSpace(Layer):
    """One-stop preprocessing and encoding of structured data, as Keras 3's.

    Args:
        features: feature name -> its kind: a name (`"float"`, `"float_rescaled"`,
            `"float_normalized"`, `"float_discretized"`, `"integer_categorical"`,
            `"string_categorical"`, `"integer_hashed"`, `"string_hashed"`), or a `Feature`
            (`FeatureSpace.float_normalized()`, `FeatureSpace.feature(dtype,
            preprocessor, output_mode)`, ...).
        output_mode: "concat" (one float32 vector a row) or "dict" (each encoded feature
            and cross by name).
        crosses: tuples of feature names (hashed into `crossing_dim` bins and one-hot
            encoded), or `FeatureSpace.cross(...)`.
        crossing_dim, hashing_dim, num_discretization_bins: the sizes the named kinds and
            plain crosses take (32 each).

    Call `adapt(data)` (a dict of columns, or an iterable of such dicts: batches) before
    using it; then `space(data)` encodes a dict of columns (a batch, or one row of
    scalars), and `get_inputs()` / `get_encoded_features()` give the symbolic inputs and
    encodings to build a functional model on.

    >>> import numpy as np
    >>> space = FeatureSpace({"age": "float", "city": "integer_categorical"},
    ...                      output_mode="dict")
    >>> space.adapt({"age": np.array([30.0, 40.0]), "city": np.array([7, 9])})
    >>> {k: v.shape for k, v in space({"age": [35.0], "city": [9]}).items()}
    {'age': (1, 1), 'city': (1, 3)}
    """

    keras_module = "keras.utils"

    @classmethod
    def cross(cls, feature_names, crossing_dim: int, output_mode: str = "one_hot") -> Cross:
        return Cross(feature_names, crossing_dim, output_mode=output_mode)

    @classmethod
    def feature(cls, dtype: str, preprocessor, output_mode: str) -> Feature:
        return Feature(dtype, preprocessor, output_mode)

    @classmethod
    def float(cls, name: str | None = None) -> Feature:
        name = name or auto_name("float")
        preprocessor = TFDIdentity(dtype="float32", name=f"{name}_preprocessor")
        return Feature("float32", preprocessor, "float")

    @classmethod
    def float_rescaled(cls, scale=1.0, offset=0.0, name: str | None = None) -> Feature:
        from numkeras.layers.rescaling import Rescaling

        name = name or auto_name("float_rescaled")
        preprocessor = Rescaling(scale=scale, offset=offset, name=f"{name}_preprocessor")
        return Feature("float32", preprocessor, "float")

    @classmethod
    def float_normalized(cls, name: str | None = None) -> Feature:
        from numkeras.layers.preprocessing_normalization import Normalization

        name = name or auto_name("float_normalized")
        return Feature("float32", Normalization(axis=-1, name=f"{name}_preprocessor"), "float")

    @classmethod
    def float_discretized(
        cls, num_bins, bin_boundaries=None, output_mode: str = "one_hot", name=None
    ) -> Feature:
        from numkeras.layers.discretization import Discretization

        name = name or auto_name("float_discretized")
        preprocessor = Discretization(
            num_bins=num_bins, bin_boundaries=bin_boundaries, name=f"{name}_preprocessor"
        )
        return Feature("float32", preprocessor, output_mode)

    @classmethod
    def integer_categorical(
        cls, max_tokens=None, num_oov_indices=1, output_mode: str = "one_hot", name=None
    ) -> Feature:
        from numkeras.layers.integer_lookup import IntegerLookup

        name = name or auto_name("integer_categorical")
        return _lookup(IntegerLookup, "int32", max_tokens, num_oov_indices, output_mode, name)

    @classmethod
    def string_categorical(
        cls, max_tokens=None, num_oov_indices=1, output_mode: str = "one_hot", name=None
    ) -> Feature:
        from numkeras.layers.string_lookup import StringLookup

        name = name or auto_name("string_categorical")
        return _lookup(StringLookup, "string", max_tokens, num_oov_indices, output_mode, name)

    @classmethod
    def string_hashed(cls, num_bins, output_mode: str = "one_hot", name=None) -> Feature:
        return _hashed("string", num_bins, output_mode, name or auto_name("string_hashed"))

    @classmethod
    def integer_hashed(cls, num_bins, output_mode: str = "one_hot", name=None) -> Feature:
        return _hashed("int32", num_bins, output_mode, name or auto_name("integer_hashed"))

    # -- life: __init__ (the features and crosses), adapt (fit and build), __call__ ------
    def __init__(
        self,
        features: dict,
        output_mode: str = "concat",
        crosses=None,
        crossing_dim: int = 32,
        hashing_dim: int = 32,
        num_discretization_bins: int = 32,
        name: str | None = None,
    ):
        super().__init__(name=name)
        if not features:
            raise ConfigError("The `features` argument cannot be None or empty.")
        self.crossing_dim = crossing_dim
        self.hashing_dim = hashing_dim
        self.num_discretization_bins = num_discretization_bins
        self.features = {key: self._standardize_feature(key, v) for key, v in features.items()}
        self.crosses = [self._standardize_cross(c, features) for c in crosses or ()]
        self.crosses_by_name = {cross.name: cross for cross in self.crosses}
        _check_mode(output_mode, ("dict", "concat"))
        self.output_mode = output_mode
        self.preprocessors = {key: f.preprocessor for key, f in self.features.items()}
        self.crossers = {c.name: self._crosser(c) for c in self.crosses}
        self.one_hot_encoders: dict = {}
        self.concat = None
        self.encoded_features = None
        self._feature_inputs = None
        self._is_adapted = False
        self._sublayers_built = False

    def _standardize_feature(self, name: str, feature) -> Feature:
        if isinstance(feature, Feature):
            return feature
        if isinstance(feature, dict):  # (a saved config)
            return Feature.from_config(_own_config(feature, "Feature"))
        kinds = {
            "float": lambda: self.float(name=name),
            "float_normalized": lambda: self.float_normalized(name=name),
            "float_rescaled": lambda: self.float_rescaled(name=name),
            "float_discretized": lambda: self.float_discretized(
                name=name, num_bins=self.num_discretization_bins
            ),
            "integer_categorical": lambda: self.integer_categorical(name=name),
            "string_categorical": lambda: self.string_categorical(name=name),
            "integer_hashed": lambda: self.integer_hashed(self.hashing_dim, name=name),
            "string_hashed": lambda: self.string_hashed(self.hashing_dim, name=name),
        }
        if not isinstance(feature, str) or feature not in kinds:
            raise ConfigError(
                f"Invalid feature type: {feature!r} (feature {name!r}). Use one of "
                f"{sorted(kinds)}, or a Feature (FeatureSpace.feature(dtype, preprocessor, "
                "output_mode))."
            )
        return kinds[feature]()

    def _standardize_cross(self, cross, features: dict) -> Cross:
        if isinstance(cross, dict):  # (a saved config)
            cross = Cross.from_config(_own_config(cross, "Cross"))
        if isinstance(cross, Cross):
            return cross
        if not self.crossing_dim:
            raise ConfigError(
                "When specifying `crosses`, the argument `crossing_dim` (dimensionality of "
                "the crossing space) should be specified as well."
            )
        unknown = [key for key in cross if key not in features]
        if unknown:
            raise ConfigError(
                "All features referenced in the `crosses` argument should be present in the "
                f"`features` dict. Received unknown features: {tuple(cross)} ({unknown} not "
                f"in {list(features)})."
            )
        return Cross(cross, crossing_dim=self.crossing_dim)

    @staticmethod
    def _crosser(cross: Cross):
        from numkeras.layers.hashed_crossing import HashedCrossing

        return HashedCrossing(cross.crossing_dim, name=cross.name)

    def _adaptable(self) -> list:
        """The features whose preprocessor learns from data (not a Normalization given its
        mean and variance, nor a TextVectorization given its vocabulary)."""
        from numkeras.layers.preprocessing_normalization import Normalization
        from numkeras.layers.text_vectorization import TextVectorization

        names = []
        for name, layer in self.preprocessors.items():
            if isinstance(layer, Normalization) and layer.input_mean is not None:
                continue
            if isinstance(layer, TextVectorization) and layer._has_input_vocabulary:
                continue
            if hasattr(layer, "adapt"):
                names.append(name)
        return names

    def adapt(self, dataset) -> None:
        """Fit each adaptable preprocessor to its column of `dataset`: a dict of columns
        (arrays or lists, one value a row, as Keras slices them), or an iterable of such
        dicts (batches; `(features, labels)` tuples give the features)."""
        if isinstance(dataset, dict):
            columns = {k: _as_column(v, k) for k, v in dataset.items()}
            self._check_keys(columns, "adapt")
            batches = {k: _element_batches(columns[k]) for k in self._adaptable()}
        elif hasattr(dataset, "__iter__") and not isinstance(dataset, (str, bytes, np.ndarray)):
            batches = {k: [] for k in self._adaptable()}
            for batch in dataset:
                batch = batch[0] if isinstance(batch, tuple) else batch
                if not isinstance(batch, dict):
                    raise InputTypeError(
                        "FeatureSpace.adapt() takes a dict of columns or an iterable of such "
                        f"dicts; the iterable gave a {type(batch).__name__}."
                    )
                self._check_keys(batch, "adapt")
                for key in batches:
                    column = _as_column(batch[key], key)
                    batches[key].append(column[..., None] if column.ndim < 2 else column)
        else:
            raise InputTypeError(
                "`adapt()` can only be called on a dict of arrays/lists (one value a row) or "
                f"an iterable of such dicts (batches). Received instead: {type(dataset).__name__}."
            )
        for key, feature_batches in batches.items():  # (an iterator: a list is one batch)
            self.preprocessors[key].adapt(iter(feature_batches))
        self._is_adapted = True
        self.get_encoded_features()  # (builds the encoders, as Keras)
        self.built = True
        self._sublayers_built = True

    def get_inputs(self) -> dict:
        """The symbolic `Input`s, one `(batch, 1)` column per feature, by name."""
        self._check_if_built()
        return self._symbolic_inputs()

    def get_encoded_features(self):
        """The symbolic encoded features of `get_inputs()` (a tensor, or a dict in "dict"
        mode), to build a functional model on."""
        self._check_if_adapted()
        if self.encoded_features is None:
            inputs = self._symbolic_inputs()
            preprocessed = self._preprocess(inputs)
            self.encoded_features = self._merge(preprocessed, self._cross(preprocessed))
        return self.encoded_features

    def _symbolic_inputs(self) -> dict:
        if self._feature_inputs is None:
            from numkeras.layers.input_layer import Input

            self._feature_inputs = {
                key: Input(shape=(1,), dtype=f.dtype, name=key) for key, f in self.features.items()
            }
        return self._feature_inputs

    def __call__(self, data):
        """Encode `data`: a dict of columns (a batch: arrays or lists, shaped `(batch,)` or
        `(batch, 1)`), or of scalars (one row, whose result has no batch axis)."""
        self._check_if_built()
        if not isinstance(data, dict):
            raise InputTypeError(
                f"A FeatureSpace can only be called with a dict. Received: data of type "
                f"{type(data).__name__}."
            )
        columns = {key: _as_column(value, key) for key, value in data.items()}
        self._check_keys(columns, "call")
        one_row = any(c.ndim == 0 for c in columns.values())
        columns = {
            key: c.reshape(1, 1) if c.ndim == 0 else c[:, None] if c.ndim == 1 else c
            for key, c in columns.items()
        }
        preprocessed = self._preprocess(columns)
        merged = self._merge(preprocessed, self._cross(preprocessed))
        if one_row:  # (scalars in: the one row's values, without the batch axis)
            if self.output_mode == "concat":
                return merged[0]
            return {k: v[0] if v.ndim == 2 and v.shape[0] == 1 else v for k, v in merged.items()}
        return merged

    # -- the steps ----------------------------------------------------------------------
    def _preprocess(self, columns: dict) -> dict:
        return {key: self.preprocessors[key](columns[key]) for key in self.features}

    def _cross(self, preprocessed: dict) -> dict:
        return {
            c.name: self.crossers[c.name]([preprocessed[key] for key in c.feature_names])
            for c in self.crosses
        }

    def _merge(self, preprocessed: dict, crossed: dict):
        """Encode each preprocessed feature and cross as its `output_mode` says, in sorted
        order (features, then crosses), and concatenate them ("concat")."""
        named = [(k, preprocessed[k], self.features[k]) for k in sorted(preprocessed)]
        named += [(k, crossed[k], self.crosses_by_name[k]) for k in sorted(crossed)]
        if not self._sublayers_built:
            self._build_encoders(named)
        out = {}
        for key, value, _ in named:
            encoder = self.one_hot_encoders.get(key)
            out[key] = value if encoder is None else encoder(value)
        if self.output_mode == "dict":
            return out
        return self.concat(list(out.values()))

    def _build_encoders(self, named: list) -> None:
        """The one-hot encoders (sized by each preprocessor's output space) and the
        concatenation, checked on the first (symbolic) pass."""
        from numkeras.layers.category_encoding import CategoryEncoding
        from numkeras.layers.merging import Concatenate

        for key, value, spec in named:
            dtype = backend.standardize_dtype(value.dtype)
            if spec.output_mode == "one_hot":
                if not dtype.startswith("int"):
                    raise ConfigError(
                        f"Feature '{key}' has `output_mode='one_hot'`. Thus its preprocessor "
                        f"should return an integer dtype. Instead it returns a {dtype} dtype."
                    )
                size = _cardinality(self.preprocessors.get(key) or self.crossers.get(key))
                if size is None:
                    raise ConfigError(
                        f"Feature '{key}' has `output_mode='one_hot'`. However it isn't a "
                        "standard feature and the dimensionality of its output space is not "
                        "known, thus it cannot be one-hot encoded. Try using `output_mode='int'`."
                    )
                self.one_hot_encoders[key] = CategoryEncoding(
                    num_tokens=size, output_mode="multi_hot"
                )
                dtype = "float32"
            if self.output_mode == "concat" and (dtype.startswith("int") or dtype == "string"):
                raise ConfigError(
                    f"Cannot concatenate features because feature '{key}' has not been "
                    f"encoded (it has dtype {dtype}). Consider using `output_mode='dict'`."
                )
        if self.output_mode == "concat":
            self.concat = Concatenate(axis=-1)

    def _check_if_adapted(self) -> None:
        if not self._is_adapted:
            if self._adaptable():
                raise ConfigError(
                    "You need to call `.adapt(dataset)` on the FeatureSpace before you can "
                    f"start using it (features {self._adaptable()} learn from the data)."
                )
            self._is_adapted = True

    def _check_if_built(self) -> None:
        if not self._sublayers_built:
            self._check_if_adapted()
            self.get_encoded_features()
            self._sublayers_built = True

    def _check_keys(self, columns: dict, where: str) -> None:
        missing = [key for key in self.features if key not in columns]
        unknown = [key for key in columns if key not in self.features]
        if missing or (unknown and where == "call"):
            raise FeatureKeyError(
                f"The FeatureSpace's features are {list(self.features)}; the data given to "
                f"{where} has {list(columns)}"
                + (f" (missing {missing})" if missing else "")
                + (f" (unknown {unknown}: pass the features, not the labels)" if unknown else "")
                + "."
            )

    # -- saving: Keras's config and file layout ----------------------------------------
    def get_config(self) -> dict:
        return {
            "features": {key: _saved_object(f) for key, f in self.features.items()},
            "output_mode": self.output_mode,
            "crosses": [_saved_object(c) for c in self.crosses],
            "crossing_dim": self.crossing_dim,
            "hashing_dim": self.hashing_dim,
            "num_discretization_bins": self.num_discretization_bins,
        }

    @classmethod
    def from_config(cls, config: dict) -> FeatureSpace:
        return cls(**config)

    def get_build_config(self) -> dict:
        return {key: f.preprocessor.get_build_config() for key, f in self.features.items()}

    def build_from_config(self, config: dict) -> None:
        for key, build in config.items():
            preprocessor = self.features[key].preprocessor
            if not preprocessor.built and build:
                preprocessor.build_from_config(build)
        self._is_adapted = True  # (the file holds what adapt learnt)

    def _saved_children(self) -> list:
        """The layers Keras's `.keras` file holds, under its attribute paths."""
        from numkeras.saving.weights_h5 import _keyed

        out = [("concat", self.concat)] if self.concat is not None else []
        for attr in ("crossers", "one_hot_encoders", "preprocessors"):
            out += [(f"{attr}/{key}", la) for key, la in _keyed(getattr(self, attr).values())]
        return out

    def save(self, filepath) -> None:
        """Write a `.keras` file (`numkeras.models.load_model` reads it back, as Keras's)."""
        from numkeras.saving.saving_api import save_model

        save_model(self, filepath)

    def save_own_variables(self, store) -> None:
        return

    def load_own_variables(self, store) -> None:
        return

    def __repr__(self) -> str:
        crosses = f", crosses={[c.name for c in self.crosses]}" if self.crosses else ""
        return f"<FeatureSpace {list(self.features)}{crosses}, output_mode={self.output_mode!r}>"


def _lookup(lookup, dtype: str, max_tokens, num_oov_indices, output_mode, name) -> Feature:
    """A categorical feature: its values indexed by a lookup layer of class `lookup`."""
    layer = lookup(
        name=f"{name}_preprocessor", max_tokens=max_tokens, num_oov_indices=num_oov_indices
    )
    return Feature(dtype, layer, output_mode)


def _hashed(dtype: str, num_bins, output_mode: str, name: str) -> Feature:
    """A hashed feature: its values hashed into `num_bins` bins."""
    from numkeras.layers.hashing import Hashing

    return Feature(dtype, Hashing(name=f"{name}_preprocessor", num_bins=num_bins), output_mode)


def _check_mode(mode: str, allowed: tuple) -> None:
    if mode not in allowed:
        raise ConfigError(
            f"Invalid value for argument `output_mode`. Expected one of {set(allowed)}. "
            f"Received: output_mode={mode!r}"
        )


def _cardinality(layer) -> int | None:
    """The size of the id space `layer` maps into (None: not a layer of known size)."""
    from numkeras.layers.category_encoding import CategoryEncoding
    from numkeras.layers.discretization import Discretization
    from numkeras.layers.hashed_crossing import HashedCrossing
    from numkeras.layers.hashing import Hashing
    from numkeras.layers.index_lookup import IndexLookup

    if isinstance(layer, IndexLookup):
        return layer.vocabulary_size()
    if isinstance(layer, CategoryEncoding):
        return layer.num_tokens
    if isinstance(layer, (Discretization, HashedCrossing, Hashing)):
        return layer.num_bins
    return None


def _as_column(value, name: str) -> np.ndarray:
    """A feature's values as an array (lists of numbers or strings, pandas columns)."""
    try:
        return np.asarray(backend.to_numpy(value) if hasattr(value, "shape") else value)
    except (TypeError, ValueError) as e:
        raise InputTypeError(
            f"Feature {name!r}: cannot read its values as an array ({e})."
        ) from None


def _element_batches(column: np.ndarray) -> list:
    """Keras's adapt of a dict of columns: each row an element; single values batched by
    32, and a 0-D or 1-D element given a last axis."""
    if column.ndim == 1:
        return [column[i : i + _ADAPT_BATCH, None] for i in range(0, len(column), _ADAPT_BATCH)]
    return [row[..., None] if row.ndim == 1 else row for row in column]


def _saved_object(obj) -> dict:
    """A Feature's or Cross's config, as Keras's `serialize_keras_object` writes it."""
    name = type(obj).__name__
    return {
        "module": _FEATURE_MODULE,
        "class_name": name,
        "config": obj.get_config(),
        "registered_name": name,
    }


def _own_config(config: dict, class_name: str) -> dict:
    """The inner config of a saved Feature or Cross (the only classes read here)."""
    if config.get("class_name") != class_name or not isinstance(config.get("config"), dict):
        raise ConfigError(
            f"Expected a saved {class_name} ({{'class_name': {class_name!r}, 'config': ...}}), "
            f"received {config!r}."
        )
    return dict(config["config"])
