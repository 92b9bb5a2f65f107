#!/usr/bin/env bash
# The GPU checks, in one run, on a machine with CUDA, CuPy, PyTorch and pytest (+ xdist,
# timeout): `bash scripts/gpu_check.sh OUTDIR`. CI never runs this (it has no GPU).
#   1. scripts/gpu_smoke.py: predict, fit and train_on_batch on CuPy against the CPU;
#   2. `python -m bench --gpu --compare`: numkeras on CuPy, PyTorch on CUDA, the GPU floor;
#   3. tests/backend/test_cupy.py (CPU against GPU), then the whole test suite with
#      NUMKERAS_ARRAY_MODULE=cupy (doctests off: their reprs are NumPy's), every failure
#      listed (tests that compare eager results with NumPy fail on CuPy by design);
#   4. scripts/gpu_profile.py: where a W1 / W3 step's time goes.
# GPU_CHECK_PARTS picks parts (default "smoke bench tests suite profile"); PYTEST_S caps
# the suite's time.
set -u
out=${1:-gpu_out}
mkdir -p "$out"
export PYTHONUNBUFFERED=1 PYTHONPATH=$PWD${PYTHONPATH:+:$PYTHONPATH}
parts=${GPU_CHECK_PARTS:-smoke bench tests suite profile}
nvidia-smi -L
python3 -c "import cupy, numpy, torch; print('cupy', cupy.__version__, 'numpy', numpy.__version__, 'torch', torch.__version__)"
if [[ $parts == *smoke* ]]; then
  echo "== smoke"
  timeout 120 python3 scripts/gpu_smoke.py 2>&1 | tee "$out/smoke.log"
fi
if [[ $parts == *bench* ]]; then
  echo "== bench --gpu --compare"
  timeout 240 python3 -m bench --gpu --compare --json >"$out/bench_gpu.json" 2>"$out/bench_gpu.log"
  echo "rc $?"
  tail -28 "$out/bench_gpu.log"
fi
if [[ $parts == *tests* ]]; then
  echo "== tests/backend/test_cupy.py"
  timeout 120 python3 -m pytest tests/backend/test_cupy.py -q -p no:cacheprovider -rfEs --tb=short 2>&1 | tee "$out/test_cupy.log" | tail -40
fi
if [[ $parts == *suite* ]]; then
  echo "== the test suite on CuPy"
  NUMKERAS_ARRAY_MODULE=cupy timeout "${PYTEST_S:-240}" python3 -m pytest tests -q -m "not slow" \
    -p no:cacheprovider -o addopts=--import-mode=importlib -n "${PYTEST_WORKERS:-8}" \
    --timeout 120 -rfE --tb=short >"$out/pytest_cupy.log" 2>&1
  echo "rc $?"
  grep -E "^(FAILED|ERROR) " "$out/pytest_cupy.log" | cut -c1-240 | head -120
  tail -3 "$out/pytest_cupy.log"
fi
if [[ $parts == *profile* ]]; then
  echo "== profile"
  timeout 120 python3 scripts/gpu_profile.py 50 >"$out/profile.log" 2>&1
  grep -E "ms a step|function calls| us a call" "$out/profile.log"
fi
