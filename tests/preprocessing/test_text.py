"""Keras 2's `Tokenizer` and text helpers against tf_keras 2.21 (goldens:
scripts/goldens/make_keras2_text.py)."""

import json
from pathlib import Path

import numpy as np
import pytest

from numkeras.preprocessing.sequence import pad_sequences
from numkeras.preprocessing.text import (
    Tokenizer,
    hashing_trick,
    text_to_word_sequence,
    tokenizer_from_json,
)

GOLDEN = json.loads((Path(__file__).parents[1] / "goldens" / "keras2_text.json").read_text())
TEXTS = [
    "The cat sat on the mat.",
    "The dog ate my homework!",
    "A cat, a dog, and THE bird...",
    "Tabs\tand\nnewlines -- and dashes",
    "",
    "the the the end",
]
QUERIES = ["the cat ate the bird", "unknown words only", "mat, homework; end"]
SETTINGS = {
    "plain": {},
    "num_words_oov": dict(num_words=6, oov_token="<oov>"),
    "char_level": dict(char_level=True, num_words=12),
    "no_lower_filters": dict(lower=False, filters=".!"),
}


@pytest.mark.parametrize("key", list(SETTINGS))
def test_tokenizer_matches_keras2(key):
    want = GOLDEN[key]
    t = Tokenizer(**SETTINGS[key])
    t.fit_on_texts(TEXTS)
    assert t.word_index == want["word_index"]
    assert list(t.word_index) == want["word_order"]  # (same order, ties included)
    assert dict(t.word_counts) == want["word_counts"]
    assert t.document_count == want["document_count"]
    sequences = t.texts_to_sequences(QUERIES)
    assert sequences == want["sequences"]
    assert t.sequences_to_texts(sequences) == want["texts"]
    for mode in ("binary", "count", "freq", "tfidf"):
        np.testing.assert_allclose(t.texts_to_matrix(QUERIES, mode=mode), want[mode], atol=1e-6)
    assert tokenizer_from_json(t.to_json()).texts_to_sequences(QUERIES) == want["from_json"]


def test_word_sequence_and_md5_hashing_match_keras2():
    assert [text_to_word_sequence(t) for t in TEXTS] == GOLDEN["words"]
    assert [hashing_trick(t, 17, hash_function="md5") for t in TEXTS] == GOLDEN["hashing_md5"]


def test_the_classic_pipeline_feeds_a_model():
    from numkeras.layers import Dense, Embedding, GlobalAveragePooling1D, Input
    from numkeras.models import Sequential

    t = Tokenizer(num_words=20)
    t.fit_on_texts(TEXTS)
    x = pad_sequences(t.texts_to_sequences(TEXTS), maxlen=5)
    model = Sequential([Input((5,)), Embedding(20, 4), GlobalAveragePooling1D(), Dense(1)])
    model.compile("adam", "mse")
    assert model.predict(x, verbose=0).shape == (len(TEXTS), 1)


def test_errors():
    with pytest.raises(ValueError, match="num_words"):
        Tokenizer().texts_to_matrix(["a"])
    t = Tokenizer()
    t.fit_on_texts(["a b"])
    with pytest.raises(ValueError, match="mode"):
        t.texts_to_matrix(["a"], mode="bogus")
