"""A small `.keras` file with an adapted TextVectorization and a tf-idf StringLookup, and
its predictions, written by Keras 3 on TensorFlow (tests/saving/test_assets.py):

    KERAS_BACKEND=tensorflow /work/tfenv/bin/python scripts/goldens/make_lookup_files.py
"""

import json
import os

import keras
import numpy as np
import tensorflow as tf

HERE = os.path.join(os.path.dirname(__file__), "..", "..", "tests", "goldens")
TEXTS = ["the cat sat", "a dog ran fast", "the dog sat", "cat ran", "a cat"]
QUERY = ["the cat", "dog", "unknown words here"]


def main():
    keras.utils.set_random_seed(0)
    vec = keras.layers.TextVectorization(max_tokens=20, output_sequence_length=4)
    vec.adapt(np.array(TEXTS))
    tfidf = keras.layers.StringLookup(output_mode="tf_idf")
    tfidf.adapt(np.array(["a", "b", "a", "c", "a", "b"]))
    text = keras.Input(shape=(1,), dtype="string", name="text")
    token = keras.Input(shape=(1,), dtype="string", name="token")
    x = keras.layers.Embedding(20, 3)(vec(text))
    x = keras.layers.GlobalAveragePooling1D()(x)
    x = keras.layers.Concatenate()([x, tfidf(token)])
    out = keras.layers.Dense(2)(x)
    model = keras.Model([text, token], out)
    path = os.path.join(HERE, "keras_text_model.keras")
    model.save(path)
    pred = model.predict(
        [tf.constant([[q] for q in QUERY]), tf.constant([["a"], ["b"], ["zz"]])], verbose=0
    )
    with open(os.path.join(HERE, "keras_text_model.json"), "w") as f:
        json.dump(
            {
                "query": QUERY,
                "tokens": ["a", "b", "zz"],
                "prediction": pred.tolist(),
                "vocabulary": vec.get_vocabulary(),
                "idf_weights": np.asarray(tfidf.idf_weights).tolist(),
            },
            f,
            indent=1,
        )


if __name__ == "__main__":
    main()
