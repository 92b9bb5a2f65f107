"""Goldens for Keras 2's `keras.preprocessing.text` (tests/preprocessing/test_text.py),
from tf_keras 2.21:

    /work/tfenv/bin/python scripts/goldens/make_keras2_text.py
"""

import json
import os

from tf_keras.preprocessing.text import (
    Tokenizer,
    hashing_trick,
    text_to_word_sequence,
    tokenizer_from_json,
)

OUT = os.path.join(os.path.dirname(__file__), "..", "..", "tests", "goldens", "keras2_text.json")
TEXTS = [
    "The cat sat on the mat.",
    "The dog ate my homework!",
    "A cat, a dog, and THE bird...",
    "Tabs\tand\nnewlines -- and dashes",
    "",
    "the the the end",
]
QUERIES = ["the cat ate the bird", "unknown words only", "mat, homework; end"]


def run(**kwargs):
    t = Tokenizer(**kwargs)
    t.fit_on_texts(TEXTS)
    out = {
        "word_index": t.word_index,
        "word_order": list(t.word_index),
        "word_counts": dict(t.word_counts),
        "document_count": t.document_count,
        "sequences": t.texts_to_sequences(QUERIES),
        "texts": t.sequences_to_texts(t.texts_to_sequences(QUERIES)),
    }
    for mode in ("binary", "count", "freq", "tfidf"):
        out[mode] = t.texts_to_matrix(QUERIES, mode=mode).round(6).tolist()
    out["from_json"] = tokenizer_from_json(t.to_json()).texts_to_sequences(QUERIES)
    return out


def main():
    out = {
        "plain": run(),
        "num_words_oov": run(num_words=6, oov_token="<oov>"),
        "char_level": run(char_level=True, num_words=12),
        "no_lower_filters": run(lower=False, filters=".!"),
        "words": [text_to_word_sequence(t) for t in TEXTS],
        "hashing_md5": [hashing_trick(t, 17, hash_function="md5") for t in TEXTS],
    }
    with open(OUT, "w") as f:
        json.dump(out, f, indent=1, sort_keys=True)


if __name__ == "__main__":
    main()
