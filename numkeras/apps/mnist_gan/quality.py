"""How good the generated digits are, measured with an MNIST classifier numkeras trains.

TF-GAN scores MNIST GANs with a pretrained MNIST classifier (`mnist_score`,
`mnist_frechet_distance`); with no weights to download, numkeras trains its own small
classifier on the real training images (784-512-256-10, three epochs, ~98% test
accuracy) and caches its weights. Its numbers are therefore comparable between runs of
this app, not with published Inception-based FIDs.

- `classifier_score`: the Inception score's formula with the classifier's probabilities,
  `exp(mean_x KL(p(y|x) || p(y)))`: 1 for images no class claims, 10 for confident
  predictions spread evenly over the ten digits. Real test images score about 9.8.
- `frechet_distance`: the Fréchet distance between Gaussians fitted to the classifier's
  256 hidden features of generated and of real test images (0 for identical statistics).
- the predicted-class histogram, to see mode collapse (one digit taking over).

>>> p = np.full((4, 10), 0.1)
>>> round(classifier_score(p), 6)   # no class claims any image
1.0
>>> f = np.random.default_rng(0).standard_normal((500, 3))
>>> round(frechet_distance(f, f), 6)
0.0
"""

from __future__ import annotations

import os

import numpy as np

from numkeras.layers import Dense, Input
from numkeras.models import Model, Sequential

CLASSIFIER_FILE = "classifier.npz"
FEATURES_LAYER = "features"


def build_classifier() -> Sequential:
    return Sequential(
        [
            Input(shape=(784,)),
            Dense(512, activation="relu"),
            Dense(256, activation="relu", name=FEATURES_LAYER),
            Dense(10, activation="softmax"),
        ],
        name="mnist_classifier",
    )


class Scorer:
    """Scores generated images `(n, 784)` in [-1, 1] against the real test images.

    `Scorer.trained(x_train, y_train, x_test, y_test, cache_dir)` trains the classifier
    (or loads it from `cache_dir`), then `score(images)` returns a dict with
    `classifier_score`, `frechet_distance` and `class_counts`.
    """

    def __init__(self, classifier: Sequential, x_test: np.ndarray, test_accuracy: float) -> None:
        self.classifier = classifier
        self.features = Model(
            classifier.inputs,
            [classifier.get_layer(FEATURES_LAYER).output, classifier.outputs[0]],
        )
        self.test_accuracy = test_accuracy
        self._real_features, self.real_probabilities = self._features_and_probabilities(x_test)

    @classmethod
    def trained(cls, x_train, y_train, x_test, y_test, cache_dir: str | None = None, **fit):
        """Train the classifier on `(x_train, y_train)` (images in [-1, 1], labels 0-9), or
        load the weights cached in `cache_dir`; `fit`: overrides of `epochs`, `verbose`."""
        classifier = build_classifier()
        cached = os.path.join(cache_dir, CLASSIFIER_FILE) if cache_dir else None
        if cached and os.path.exists(cached):
            with np.load(cached) as data:
                classifier.set_weights([data[f"w{i}"] for i in range(len(data.files))])
        else:
            classifier.compile(
                optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"]
            )
            options = {"epochs": 3, "batch_size": 128, "verbose": 0, **fit}
            classifier.fit(x_train, y_train, **options)
            if cached:
                os.makedirs(cache_dir, exist_ok=True)
                tmp = f"{cached}.tmp.npz"
                np.savez(tmp, **{f"w{i}": w for i, w in enumerate(classifier.get_weights())})
                os.replace(tmp, cached)
        predicted = classifier.predict(x_test, batch_size=1024, verbose=0).argmax(axis=1)
        return cls(classifier, x_test, float(np.mean(predicted == y_test)))

    def _features_and_probabilities(self, images):
        features, probabilities = self.features.predict(images, batch_size=1024, verbose=0)
        return features.astype(np.float64), probabilities.astype(np.float64)

    def score(self, images: np.ndarray) -> dict:
        features, probabilities = self._features_and_probabilities(images)
        return {
            "classifier_score": classifier_score(probabilities),
            "frechet_distance": frechet_distance(features, self._real_features),
            "class_counts": np.bincount(probabilities.argmax(axis=1), minlength=10).tolist(),
        }


def classifier_score(probabilities: np.ndarray) -> float:
    """`exp(mean_x KL(p(y|x) || p(y)))` of class probabilities `(n, classes)`."""
    p = np.clip(np.asarray(probabilities, np.float64), 1e-12, 1.0)
    marginal = p.mean(axis=0, keepdims=True)
    kl = np.sum(p * (np.log(p) - np.log(marginal)), axis=1)
    return float(np.exp(kl.mean()))


def frechet_distance(a: np.ndarray, b: np.ndarray) -> float:
    """The Fréchet distance between Gaussians fitted to feature rows `a` and `b`:
    `|mu_a - mu_b|^2 + tr(S_a) + tr(S_b) - 2 tr((S_a^1/2 S_b S_a^1/2)^1/2)`."""
    a, b = np.asarray(a, np.float64), np.asarray(b, np.float64)
    mu_a, mu_b = a.mean(axis=0), b.mean(axis=0)
    cov_a, cov_b = np.cov(a, rowvar=False), np.cov(b, rowvar=False)
    root_a = _psd_sqrt(cov_a)
    # tr(sqrtm(S_a S_b)) = tr(sqrtm(S_a^1/2 S_b S_a^1/2)), the latter symmetric: eigh
    cross = np.linalg.eigvalsh(root_a @ cov_b @ root_a)
    trace_cross = np.sqrt(np.clip(cross, 0.0, None)).sum()
    value = np.sum((mu_a - mu_b) ** 2) + np.trace(cov_a) + np.trace(cov_b) - 2 * trace_cross
    return float(max(value, 0.0))


def _psd_sqrt(matrix: np.ndarray) -> np.ndarray:
    values, vectors = np.linalg.eigh(matrix)
    return (vectors * np.sqrt(np.clip(values, 0.0, None))) @ vectors.T
