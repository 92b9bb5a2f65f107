"""Goldens for the lookup / text preprocessing layers from real Keras 3 (TensorFlow backend).

Run: KERAS_BACKEND=tensorflow /work/tfenv/bin/python scripts/goldens/make_lookup.py
Writes tests/goldens/lookup.json: for each case the layer, its arguments, the adapt
data, the inputs, and what Keras gives (outputs, vocabulary, config, or the error).
"""

import json
import os

import numpy as np

os.environ.setdefault("KERAS_BACKEND", "tensorflow")
import keras  # noqa: E402
import tensorflow as tf  # noqa: E402

OUT = os.path.join(os.path.dirname(__file__), "..", "..", "tests", "goldens", "lookup.json")

WORDS = ["a", "b", "c", "d"]
S2 = [["a", "z"], ["c", "c"], ["", "b"]]

CASES = [
    # (name, class, kwargs, adapt data or None, inputs)
    ("str_int", "StringLookup", {"vocabulary": WORDS}, None, S2),
    ("str_1d", "StringLookup", {"vocabulary": WORDS}, None, ["d", "q", "a"]),
    ("str_scalar", "StringLookup", {"vocabulary": WORDS}, None, "c"),
    ("str_mask", "StringLookup", {"vocabulary": WORDS, "mask_token": ""}, None, S2),
    (
        "str_special_given",
        "StringLookup",
        {"vocabulary": ["", "[UNK]", "x", "y"], "mask_token": ""},
        None,
        [["x", "", "q"]],
    ),
    ("str_oov0", "StringLookup", {"vocabulary": WORDS, "num_oov_indices": 0}, None, [["a", "d"]]),
    (
        "str_oov3",
        "StringLookup",
        {"vocabulary": WORDS, "num_oov_indices": 3},
        None,
        [["a", "zz", "yy", "ww"], ["vv", "uu", "tt", "b"]],
    ),
    (
        "str_oov3_salt",
        "StringLookup",
        {"vocabulary": WORDS, "num_oov_indices": 3, "salt": [7, 9]},
        None,
        [["a", "zz", "yy", "ww"], ["vv", "uu", "tt", "b"]],
    ),
    ("str_one_hot", "StringLookup", {"vocabulary": WORDS, "output_mode": "one_hot"}, None, S2),
    (
        "str_one_hot_col",
        "StringLookup",
        {"vocabulary": WORDS, "output_mode": "one_hot"},
        None,
        [["a"], ["q"]],
    ),
    (
        "str_one_hot_scalar",
        "StringLookup",
        {"vocabulary": WORDS, "output_mode": "one_hot"},
        None,
        "b",
    ),
    ("str_multi_hot", "StringLookup", {"vocabulary": WORDS, "output_mode": "multi_hot"}, None, S2),
    (
        "str_multi_hot_1d",
        "StringLookup",
        {"vocabulary": WORDS, "output_mode": "multi_hot"},
        None,
        ["a", "b", "a"],
    ),
    (
        "str_multi_hot_mask",
        "StringLookup",
        {"vocabulary": WORDS, "output_mode": "multi_hot", "mask_token": ""},
        None,
        S2,
    ),
    ("str_count", "StringLookup", {"vocabulary": WORDS, "output_mode": "count"}, None, S2),
    (
        "str_count_pad",
        "StringLookup",
        {"vocabulary": WORDS, "output_mode": "count", "max_tokens": 8, "pad_to_max_tokens": True},
        None,
        S2,
    ),
    (
        "str_tfidf",
        "StringLookup",
        {"vocabulary": WORDS, "output_mode": "tf_idf", "idf_weights": [0.5, 1.0, 1.5, 2.0]},
        None,
        S2,
    ),
    (
        "str_tfidf_pad",
        "StringLookup",
        {
            "vocabulary": WORDS,
            "output_mode": "tf_idf",
            "idf_weights": [0.5, 1.0, 1.5, 2.0],
            "max_tokens": 7,
            "pad_to_max_tokens": True,
        },
        None,
        S2,
    ),
    (
        "str_invert",
        "StringLookup",
        {"vocabulary": WORDS, "invert": True},
        None,
        [[0, 1, 4], [5, 2, 3]],
    ),
    (
        "str_invert_mask",
        "StringLookup",
        {"vocabulary": WORDS, "invert": True, "mask_token": "[M]"},
        None,
        [[0, 1, 5], [6, 2, 3]],
    ),
    (
        "str_adapt",
        "StringLookup",
        {},
        ["b", "a", "c", "a", "b", "d", "e", "e", "e"],
        ["a", "e", "x"],
    ),
    (
        "str_adapt_max",
        "StringLookup",
        {"max_tokens": 4, "mask_token": "", "oov_token": "[O]"},
        [["b", "a", "c"], ["a", "b", "d"], ["", "", ""], ["[O]", "[O]", "c"]],
        [["a", "c", ""]],
    ),
    (
        "str_adapt_unicode",
        "StringLookup",
        {},
        ["é", "e", "ü", "Z", "z", "日本", "ab", "aB", "é"],
        ["é", "日本"],
    ),
    (
        "str_adapt_tfidf",
        "StringLookup",
        {"output_mode": "tf_idf"},
        [["a", "b", "a"], ["b", "c", "c"], ["a", "d", "d"], ["e", "e", "a"]],
        [["a", "b", "q"]],
    ),
    (
        "str_adapt_tfidf_2d",
        "StringLookup",
        {"output_mode": "tf_idf", "max_tokens": 4},
        [["a", "b", "a"], ["b", "c", "c"], ["a", "d", "d"], ["e", "e", "a"]],
        [["a", "b", "q"], ["e", "d", "d"]],
    ),
    (
        "int_int",
        "IntegerLookup",
        {"vocabulary": [12, 36, 1138, 42]},
        None,
        [[12, 1138, 42], [42, 1000, 36]],
    ),
    (
        "int_mask",
        "IntegerLookup",
        {"vocabulary": [12, 36, 1138, 42], "mask_token": 0},
        None,
        [[12, 0, 42], [7, 1000, 36]],
    ),
    (
        "int_oov3_floormod",
        "IntegerLookup",
        {"vocabulary": [12, 36], "num_oov_indices": 3},
        None,
        [[12, 5, 7, -4, 36, 100]],
    ),
    (
        "int_oov3_farmhash",
        "IntegerLookup",
        {"vocabulary": [12, 36], "num_oov_indices": 3, "oov_method": "farmhash"},
        None,
        [[12, 5, 7, -4, 36, 100]],
    ),
    (
        "int_oov3_salt",
        "IntegerLookup",
        {"vocabulary": [12, 36], "num_oov_indices": 3, "oov_method": "farmhash", "salt": 5},
        None,
        [[12, 5, 7, -4, 36, 100]],
    ),
    (
        "int_multi_hot",
        "IntegerLookup",
        {"vocabulary": [12, 36, 1138, 42], "output_mode": "multi_hot"},
        None,
        [[12, 1, 12], [42, 36, 2]],
    ),
    (
        "int_invert",
        "IntegerLookup",
        {"vocabulary": [12, 36, 1138, 42], "invert": True},
        None,
        [[0, 1, 4], [5, 2, 3]],
    ),
    ("int_adapt", "IntegerLookup", {}, [3, 1, 2, 1, 3, 7, 7, 7, 5, -1], [1, 7, 9, -1]),
    (
        "int_adapt_max",
        "IntegerLookup",
        {"max_tokens": 3, "mask_token": 0},
        [[3, 1, 2], [1, 0, 0], [9, 9, 2]],
        [[9, 0, 2]],
    ),
    (
        "str_3d_count",
        "StringLookup",
        {"vocabulary": ["a", "b"], "output_mode": "count"},
        None,
        [[["a", "b"], ["b", "b"]]],
    ),
    (
        "int_invert_mask_oov2",
        "IntegerLookup",
        {"vocabulary": [3, 4], "invert": True, "mask_token": 0, "num_oov_indices": 2},
        None,
        [0, 1, 2, 3, 4, 5, -1],
    ),
    (
        "str_adapt_1d_tfidf",
        "StringLookup",
        {"output_mode": "tf_idf"},
        ["a", "b", "a"],
        [["a", "b"]],
    ),
]

TEXTS = [
    "The quick brown fox, jumped over THE lazy dog!",
    "Hello, world... it's a   test\twith\ttabs\nand newlines",
    "Ünïcödé ÉCOLE café naïve — “quotes” and ‘apostrophes’",
    "numbers 3.14 and 1,000 and email a.b@c.d #hashtag $5 (paren) [brack] {brace}",
    "hyphen-ated words_with_underscores slash/path back\\slash ~tilde `tick`",
    "日本語 テキスト 中文\u00a0nbsp\u3000ideographic space",
    "",
    "   leading and trailing spaces   ",
]
TV_CASES = [
    ("tv_int", {}, TEXTS, TEXTS),
    ("tv_int_len", {"output_sequence_length": 5}, TEXTS, TEXTS),
    ("tv_int_len_long", {"output_sequence_length": 14, "max_tokens": 12}, TEXTS, TEXTS),
    ("tv_lower", {"standardize": "lower"}, TEXTS, TEXTS[:3]),
    ("tv_strip", {"standardize": "strip_punctuation"}, TEXTS, TEXTS[:5]),
    ("tv_none", {"standardize": None, "split": None}, TEXTS, TEXTS),
    ("tv_char", {"split": "character", "max_tokens": 30}, TEXTS, TEXTS[:3]),
    ("tv_ngrams2", {"ngrams": 2}, TEXTS[:3], TEXTS[:3]),
    ("tv_ngrams13", {"ngrams": (1, 3), "max_tokens": 25}, TEXTS[:3], TEXTS[:3]),
    ("tv_multi_hot", {"output_mode": "multi_hot", "max_tokens": 20}, TEXTS, TEXTS),
    ("tv_count", {"output_mode": "count"}, TEXTS, TEXTS[:4]),
    (
        "tv_count_pad",
        {"output_mode": "count", "max_tokens": 60, "pad_to_max_tokens": True},
        TEXTS[:2],
        TEXTS[:2],
    ),
    (
        "tv_one_hot_nosplit",
        {"output_mode": "one_hot", "split": None},
        ["a b", "c", "a b", "d"],
        [["a b"], ["d"], ["zz"]],
    ),
    ("tv_tfidf", {"output_mode": "tf_idf"}, TEXTS, TEXTS[:4]),
    ("tv_tfidf_ngrams", {"output_mode": "tf_idf", "ngrams": 2, "max_tokens": 15}, TEXTS, TEXTS),
    ("tv_vocab", {"vocabulary": ["the", "fox", "dog", "quick"]}, None, TEXTS[:2]),
    (
        "tv_vocab_tfidf",
        {
            "vocabulary": ["the", "fox", "dog"],
            "output_mode": "tf_idf",
            "idf_weights": [1.0, 2.0, 3.0],
        },
        None,
        TEXTS[:2],
    ),
    ("tv_scalar", {"vocabulary": ["a", "b"], "output_sequence_length": 4}, None, "a b c"),
    ("tv_scalar_count", {"vocabulary": ["a", "b"], "output_mode": "count"}, None, "a b a"),
    ("tv_ngrams_nosplit", {"vocabulary": ["a", "b"], "split": None, "ngrams": 2}, None, ["a", "b"]),
    ("tv_empty_rows", {"vocabulary": ["a", "b"]}, None, ["", "  "]),
    ("tv_2d_input", {"output_sequence_length": 4}, TEXTS, [[t] for t in TEXTS[:3]]),
]


CONFIG_CASES = {
    "str_int",
    "str_mask",
    "str_tfidf_pad",
    "str_invert",
    "str_adapt_max",
    "int_int",
    "int_oov3_salt",
    "int_adapt",
    "tv_int",
    "tv_ngrams13",
    "tv_vocab_tfidf",
    "tv_none",
    "tv_char",
}


def short(x):
    """Float outputs to 7 significant digits (float32 precision), for a small file."""
    if isinstance(x, list):
        return [short(v) for v in x]
    return float(f"{x:.7g}") if isinstance(x, float) else x


def texts_ref(x):
    """TEXTS (or a prefix of it) as the marker "TEXTS[:k]", which the test expands."""
    if isinstance(x, list) and x and x == TEXTS[: len(x)]:
        return f"TEXTS[:{len(x)}]"
    return x


def tolist(x):
    x = np.asarray(x)
    if x.dtype.kind in "SO":
        return np.vectorize(
            lambda b: b.decode("utf-8") if isinstance(b, bytes) else b, otypes=[object]
        )(x).tolist()
    return x.tolist()


def run_case(cls, kwargs, adapt, inputs):
    rec = {}
    try:
        layer = cls(**kwargs)
        if adapt is not None:
            layer.adapt(adapt)
        out = layer(inputs)
        rec["output"] = short(tolist(out))
        rec["dtype"] = str(np.asarray(out).dtype)
        rec["vocabulary"] = [v if isinstance(v, str) else int(v) for v in layer.get_vocabulary()]
        rec["vocabulary_size"] = int(layer.vocabulary_size())
        cfg = layer.get_config()
        rec["config"] = json.loads(json.dumps(cfg, default=lambda o: list(o)))
        idf = getattr(layer, "idf_weights", None)
        if idf is None and hasattr(layer, "_lookup_layer"):
            idf = getattr(layer._lookup_layer, "idf_weights", None)
        if idf is not None:
            rec["idf_weights"] = short(np.asarray(idf).astype(float).tolist())
    except Exception as e:  # noqa: BLE001
        rec["error"] = f"{type(e).__name__}: {str(e)[:200]}"
    return rec


def main():
    goldens = {"texts": TEXTS, "lookup": [], "text_vectorization": [], "hashing": {}}
    for name, cls, kwargs, adapt, inputs in CASES:
        layer_cls = getattr(keras.layers, cls)
        rec = run_case(layer_cls, kwargs, adapt, inputs)
        if name not in CONFIG_CASES:
            rec.pop("config", None)
        goldens["lookup"].append(
            {"name": name, "class": cls, "kwargs": kwargs, "adapt": adapt, "inputs": inputs, **rec}
        )
    for name, kwargs, adapt, inputs in TV_CASES:
        kw = dict(kwargs)
        rec = run_case(keras.layers.TextVectorization, kw, adapt, inputs)
        if isinstance(kwargs.get("ngrams"), tuple):
            kwargs = {**kwargs, "ngrams": list(kwargs["ngrams"])}
        if name not in CONFIG_CASES:
            rec.pop("config", None)
        for prev in goldens["text_vectorization"]:  # (a repeated vocabulary: "=case name")
            if prev.get("vocabulary") == rec.get("vocabulary"):
                rec["vocabulary"] = "=" + prev["name"]
                break
        goldens["text_vectorization"].append(
            {
                "name": name,
                "kwargs": kwargs,
                "adapt": texts_ref(adapt),
                "inputs": texts_ref(inputs),
                **rec,
            }
        )
    # hashes: strings of every length 0..100 (farmhash's 0-16 / 17-32 / 33-64 / 64+ paths)
    rng = np.random.default_rng(0)
    alphabet = list("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 .,é日")
    base = "".join(rng.choice(alphabet, 100))
    extra = ["hello", "[UNK]", "-1", "0", "12345678901234567890"]
    extra.append(base * 3)  # (over 128 bytes: farmhash's 64-byte loop runs more than once)
    strings = [base[:n] for n in range(101)] + extra
    goldens["hashing"]["base"] = base  # the strings: base[:n] for n in 0..100, then extra
    goldens["hashing"]["extra"] = extra
    big = 2**61 - 1  # (the largest bucket count is int64; a prime keeps all the bits)
    goldens["hashing"]["fast_mod_2p61m1"] = (
        tf.strings.to_hash_bucket_fast(strings, big).numpy().tolist()
    )
    goldens["hashing"]["strong_7_9_mod_2p61m1"] = (
        tf.strings.to_hash_bucket_strong(strings, big, key=[7, 9]).numpy().tolist()
    )
    hcases = [
        ("h_str", {"num_bins": 10}, [["a", "b"], ["hello", ""]]),
        ("h_str_mask", {"num_bins": 5, "mask_value": ""}, [["a", "b"], ["hello", ""]]),
        ("h_str_salt", {"num_bins": 7, "salt": 133}, [["a", "b"], ["hello", ""]]),
        ("h_str_salt2", {"num_bins": 7, "salt": [1, 2]}, [["a", "b"], ["hello", ""]]),
        ("h_int", {"num_bins": 9}, [[1, 2, -3], [1000, 0, 7]]),
        ("h_int_mask", {"num_bins": 9, "mask_value": 0}, [[1, 2, -3], [1000, 0, 7]]),
        ("h_float", {"num_bins": 9}, [[1.0, 2.7, -3.5]]),
        ("h_one_hot", {"num_bins": 4, "output_mode": "one_hot"}, [["a"], ["b"], ["c"]]),
        ("h_multi_hot", {"num_bins": 4, "output_mode": "multi_hot"}, [["a", "b"], ["c", "c"]]),
        ("h_count", {"num_bins": 4, "output_mode": "count"}, [["a", "b"], ["c", "c"]]),
        ("h_scalar", {"num_bins": 10}, "hello"),
    ]
    goldens["hashing"]["layers"] = []
    for name, kwargs, inputs in hcases:
        rec = {}
        try:
            layer = keras.layers.Hashing(**kwargs)
            out = layer(inputs)
            rec["output"] = tolist(out)
            rec["dtype"] = str(np.asarray(out).dtype)
            rec["config"] = json.loads(json.dumps(layer.get_config()))
        except Exception as e:  # noqa: BLE001
            rec["error"] = f"{type(e).__name__}: {str(e)[:200]}"
        goldens["hashing"]["layers"].append(
            {"name": name, "kwargs": kwargs, "inputs": inputs, **rec}
        )
    xcases = [
        ("x_str_int", {"num_bins": 10}, [["a", "b", "c"], ["d", "e", "f"]]),
        ("x_int", {"num_bins": 7}, [[1, 2, 30], [4, 5, 6]]),
        ("x_mixed", {"num_bins": 100}, [["a", "b", "a"], [1, 2, 1]]),
        ("x_col", {"num_bins": 10}, [[["a"], ["b"]], [["c"], ["d"]]]),
        ("x_three", {"num_bins": 50}, [["a", "b"], ["c", "d"], ["e", "f"]]),
        ("x_one_hot", {"num_bins": 4, "output_mode": "one_hot"}, [["a", "b"], ["c", "d"]]),
        ("x_scalar", {"num_bins": 10}, ["a", "b"]),
    ]
    goldens["hashed_crossing"] = []
    for name, kwargs, inputs in xcases:
        rec = {}
        try:
            layer = keras.layers.HashedCrossing(**kwargs)
            out = layer([np.array(x) for x in inputs])
            rec["output"] = tolist(out)
            rec["config"] = json.loads(json.dumps(layer.get_config()))
        except Exception as e:  # noqa: BLE001
            rec["error"] = f"{type(e).__name__}: {str(e)[:200]}"
        goldens["hashed_crossing"].append({"name": name, "kwargs": kwargs, "inputs": inputs, **rec})
    with open(OUT, "w") as f:
        json.dump(goldens, f, ensure_ascii=False, separators=(",", ":"))
    print("wrote", OUT, os.path.getsize(OUT), "bytes")


if __name__ == "__main__":
    main()
