"""The seed question, answered by running it.

A GAN tutorial builds this generator (only the imports differ from Keras) and calls
`generator.predict(noise)` on noise shaped (128, 64). Why is that allowed, which axis
is the batch, and what do (64, 128), (64, 256, 256), (256, 256, 64) and a single
(64,) sample do? What do predict's `batch_size` and `steps` really do?

Run: python examples/seed_shapes.py
"""

import math
import warnings

import numpy as np

import numkeras
from numkeras import initializers
from numkeras.layers import Dense, LeakyReLU
from numkeras.models import Sequential
from numkeras.optimizers import Adam

warnings.simplefilter("ignore", UserWarning)  # the Keras 2 `input_dim=` note, shown once below
numkeras.utils.set_random_seed(0)

# The tutorial's generator, verbatim but for the imports.
input_dim = 64
optimizer = Adam(learning_rate=0.0002, beta_1=0.5)
generator = Sequential()
generator.add(Dense(256, input_dim=64, kernel_initializer=initializers.RandomNormal(stddev=0.02)))
generator.add(LeakyReLU(0.2))
generator.add(Dense(512))
generator.add(LeakyReLU(0.2))
generator.add(Dense(1024))
generator.add(LeakyReLU(0.2))
# last layer output a 28x28 image
generator.add(Dense(784, activation="tanh"))
generator.compile(loss="binary_crossentropy", optimizer=optimizer)


def rule(title: str) -> None:
    print("\n" + "=" * 78 + f"\n{title}\n" + "=" * 78)


rule("The model: input_dim=64 declares ONE SAMPLE's shape, (64,); the batch axis is extra")
print(f"generator.input_shape  = {generator.input_shape}   (None = the batch axis, any size)")
print(f"generator.output_shape = {generator.output_shape}")
generator.summary()

cases = {
    "(128, 64): 128 samples of 64 features": (128, 64),
    "(64, 128): 64 samples of 128 features": (64, 128),
    "(64, 256, 256): samples of shape (256, 256)": (64, 256, 256),
    "(256, 256, 64): samples of shape (256, 64)": (256, 256, 64),
    "(64,): one sample without the batch axis": (64,),
}
for title, shape in cases.items():
    rule(title)
    numkeras.explain(generator, shape)
    noise = np.random.normal(0, 1, size=shape)
    try:
        out = generator.predict(noise, verbose=0)
        print(
            f"-> predict returned {out.shape}: row i of the output belongs to row i of the input."
        )
    except numkeras.ShapeError as err:
        first = str(err).splitlines()[0]
        print(
            f"-> predict raised {type(err).__name__} (a ValueError), as explained above:"
            f"\n   {first}"
        )

rule("predict(x, batch_size, steps): batching only splits the work; results are identical")
noise = np.random.normal(0, 1, size=(100, 64)).astype("float32")
full = generator.predict(noise, verbose=0)
for kwargs in ({}, {"batch_size": 64}, {"steps": 2}, {"batch_size": 10, "steps": 3}):
    out = generator.predict(noise, verbose=0, **kwargs)
    bs = kwargs.get("batch_size") or (math.ceil(100 / kwargs["steps"]) if "steps" in kwargs else 32)
    n_batches = (
        math.ceil(100 / bs) if "steps" not in kwargs else min(math.ceil(100 / bs), kwargs["steps"])
    )
    same = np.allclose(out, full[: len(out)], atol=1e-6)
    print(
        f"predict(noise, {', '.join(f'{k}={v}' for k, v in kwargs.items()) or 'defaults'}): "
        f"{n_batches} batch(es) of {bs} -> output {out.shape}, equal to the unbatched rows: {same}"
    )
print(
    "Without batch_size, predict uses 32 (or ceil(n/steps) when only steps is given); the last\n"
    "partial batch is kept; steps caps how many batches run. predict of 0 rows returns (0, 784)."
)
print(f"predict on 0 rows -> {generator.predict(np.zeros((0, 64)), verbose=0).shape}")
