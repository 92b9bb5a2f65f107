"""`python -m numkeras.apps.mnist_gan`: train the classic MNIST GAN from the command line.

    python -m numkeras.apps.mnist_gan --epochs 20 --out runs/mnist_gan
    python -m numkeras.apps.mnist_gan --epochs 40 --out runs/mnist_gan   # continues to 40

See `python -m numkeras.apps.mnist_gan --help`, and `training.py` for what a run writes.
"""

from __future__ import annotations

import argparse
import sys

import numpy as np

from numkeras.apps.mnist_gan.training import Settings, train


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    defaults = Settings()
    p = argparse.ArgumentParser(
        prog="python -m numkeras.apps.mnist_gan",
        description="Train the 2017 MNIST GAN tutorial's model with numkeras: progress, a "
        "checkpoint after every epoch (rerun to continue), 10x10 image grids and a "
        "classifier-based quality score.",
    )
    p.add_argument("--epochs", type=int, default=defaults.epochs, help="train up to this epoch")
    p.add_argument("--out", default="runs/mnist_gan", help="output folder (and checkpoint)")
    p.add_argument("--fresh", action="store_true", help="ignore the checkpoint in --out")
    p.add_argument("--batch-size", type=int, default=defaults.batch_size)
    p.add_argument(
        "--steps-per-epoch", type=int, default=None, help="default: training rows // batch size"
    )
    p.add_argument("--latent-dim", type=int, default=defaults.latent_dim)
    p.add_argument("--learning-rate", type=float, default=defaults.learning_rate)
    p.add_argument("--beta-1", type=float, default=defaults.beta_1)
    p.add_argument("--seed", type=int, default=defaults.seed)
    p.add_argument("--grid-every", type=int, default=defaults.grid_every, help="0: no image grids")
    p.add_argument("--score-every", type=int, default=defaults.score_every, help="0: no scores")
    p.add_argument("--score-samples", type=int, default=defaults.score_samples)
    p.add_argument("--limit", type=int, default=None, help="train on the first N images only")
    p.add_argument("--data", default=None, help="MNIST file or folder (default: the cache)")
    p.add_argument("--verbose", type=int, choices=(0, 1, 2), default=1)
    return p.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    from numkeras.datasets import mnist

    (x_train, y_train), (x_test, y_test) = mnist.load_data(args.data)
    if args.limit is not None:
        x_train, y_train = x_train[: args.limit], y_train[: args.limit]
    scale = np.float32(127.5)
    x_train = (x_train.reshape(len(x_train), 784).astype(np.float32) - scale) / scale
    x_test = (x_test.reshape(len(x_test), 784).astype(np.float32) - scale) / scale
    settings = Settings(
        epochs=args.epochs,
        batch_size=args.batch_size,
        steps_per_epoch=args.steps_per_epoch,
        latent_dim=args.latent_dim,
        learning_rate=args.learning_rate,
        beta_1=args.beta_1,
        seed=args.seed,
        grid_every=args.grid_every,
        score_every=args.score_every,
        score_samples=args.score_samples,
    )
    scorer = None
    if settings.score_every:
        from numkeras.apps.mnist_gan.quality import Scorer

        scorer = Scorer.trained(x_train, y_train, x_test, y_test, cache_dir=args.out)
        real = scorer.score(x_train[: settings.score_samples])
        if args.verbose:
            print(
                f"Quality classifier: {scorer.test_accuracy:.2%} test accuracy. Real training "
                f"images score {real['classifier_score']:.3f}, Fréchet distance "
                f"{real['frechet_distance']:.3f} (the targets)."
            )
    try:
        history = train(
            x_train, args.out, settings, scorer, resume=not args.fresh, verbose=args.verbose
        )
    except KeyboardInterrupt:
        print("\nStopped. Run the same command again to continue from the last checkpoint.")
        return 130
    if args.verbose and history:
        last = history[-1]
        print(
            f"Done: epoch {last['epoch']}, d_loss {last['d_loss']:.4f}, g_loss "
            f"{last['g_loss']:.4f}. Outputs in {args.out}/ (history.csv, grids, checkpoint/)."
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
