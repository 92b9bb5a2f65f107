"""numkeras benchmarks: `python -m bench --help`.

W1 (the GAN step), W2 (predict throughput) and W3 (classifier fit), each timed against its
floor, the matrix products alone, measured in the same process (see bench/run.py).
"""
