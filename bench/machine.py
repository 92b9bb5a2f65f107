"""Facts about the machine a benchmark ran on (cores, CPU, NumPy, BLAS and its threads).

>>> facts = machine_facts()
>>> sorted(facts)[:3]
['blas', 'cores_logical', 'cores_usable']
"""

from __future__ import annotations

import os
import platform
import sys
from typing import Any

import numpy as np

# Environment variables that change BLAS behaviour; printed, never changed.
BLAS_ENV = (
    "OPENBLAS_CORETYPE",
    "OPENBLAS_L2_SIZE",
    "OPENBLAS_NUM_THREADS",
    "OMP_NUM_THREADS",
    "MKL_NUM_THREADS",
    "XLA_FLAGS",
    "KERAS_BACKEND",
)


def cpu_model() -> str:
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def cpu_flags() -> list[str]:
    """The SIMD flags that matter for float32 GEMM speed."""
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("flags"):
                    flags = set(line.split(":", 1)[1].split())
                    wanted = ("avx", "avx2", "fma", "avx512f", "avx512_bf16", "amx_tile")
                    return [x for x in wanted if x in flags]
    except OSError:
        pass
    return []


def blas_info() -> list[dict[str, Any]]:
    """Every BLAS/OpenMP pool loaded in this process (via threadpoolctl), or NumPy's config."""
    try:
        from threadpoolctl import threadpool_info
    except ImportError:
        info = _numpy_blas_config()
        return [info] if info else []
    out = []
    for pool in threadpool_info():
        path = pool.get("filepath", "")
        out.append(
            {
                "api": pool.get("internal_api"),
                "version": pool.get("version"),
                "threads": pool.get("num_threads"),
                "architecture": pool.get("architecture"),
                "owner": "numpy" if "numpy" in path else os.path.basename(os.path.dirname(path)),
                "file": os.path.basename(path),
            }
        )
    return out


def _numpy_blas_config() -> dict[str, Any]:
    try:
        cfg = np.show_config(mode="dicts")  # NumPy >= 1.25
        blas = cfg["Build Dependencies"]["blas"]
        return {
            "api": blas.get("name"),
            "version": blas.get("version"),
            "threads": None,
            "owner": "numpy",
            "note": "threadpoolctl not installed: thread count unknown",
        }
    except Exception:  # older NumPy: no dict form; not worth failing a benchmark over
        return {}


def machine_facts() -> dict[str, Any]:
    try:
        usable = len(os.sched_getaffinity(0))
    except AttributeError:
        usable = os.cpu_count()
    return {
        "cpu": cpu_model(),
        "cpu_flags": cpu_flags(),
        "cores_logical": os.cpu_count(),
        "cores_usable": usable,
        "load_average": _loadavg(),
        "python": sys.version.split()[0],
        "numpy": np.__version__,
        "blas": blas_info(),
        "fused_kernels": fused_info(),
        "env": {k: os.environ.get(k) for k in BLAS_ENV},
        "platform": platform.platform(),
        "gpu": gpu_info(),
    }


def gpu_info() -> dict[str, Any] | None:
    """The GPU numkeras runs on, when its array module is CuPy (else None)."""
    from numkeras import backend

    if not backend.on_cupy():
        return None
    cuda = backend.xp.cuda
    props = cuda.runtime.getDeviceProperties(cuda.Device().id)
    name = props["name"]
    return {
        "name": name.decode() if isinstance(name, bytes) else str(name),
        "memory_gib": round(props["totalGlobalMem"] / 2**30, 1),
        "cuda_runtime": cuda.runtime.runtimeGetVersion(),
        "cupy": backend.xp.__version__,
        "tf32": os.environ.get("CUPY_TF32", "0"),
    }


def fused_info() -> str:
    """Whether numkeras's fused element-wise kernels run (numba installed and enabled)."""
    from numkeras import backend
    from numkeras.backend import fused

    if backend.on_cupy():
        return "CUDA kernels on CuPy (numkeras/backend/cuda.py)" if fused.is_enabled() else "off"
    if not fused.available():
        return "off (NumPy element-wise code; `pip install numkeras[fast]` adds numba)"
    import numba

    return f"on (numba {numba.__version__})"


def _loadavg() -> list[float] | None:
    try:
        return [round(x, 2) for x in os.getloadavg()]
    except OSError:
        return None


def format_facts(facts: dict[str, Any]) -> str:
    """A few human lines."""
    lines = [
        f"CPU: {facts['cpu']} ({', '.join(facts['cpu_flags']) or 'no SIMD flags read'}); "
        f"cores: {facts['cores_usable']} usable of {facts['cores_logical']}; "
        f"load average: {facts['load_average']}",
        f"Python {facts['python']}, NumPy {facts['numpy']}; {facts['platform']}",
        f"numkeras fused kernels: {facts['fused_kernels']}",
    ]
    for b in facts["blas"]:
        lines.append(
            f"BLAS/threads ({b.get('owner')}): {b.get('api')} {b.get('version')}, "
            f"{b.get('threads')} threads"
            + (f", arch {b['architecture']}" if b.get("architecture") else "")
            + (f" [{b['note']}]" if b.get("note") else "")
        )
    if not facts["blas"]:
        lines.append("BLAS: unknown (install threadpoolctl: pip install 'numkeras[bench]')")
    gpu = facts.get("gpu")
    if gpu:
        lines.append(
            f"GPU: {gpu['name']}, {gpu['memory_gib']} GiB, CUDA runtime {gpu['cuda_runtime']}, "
            f"CuPy {gpu['cupy']} (numkeras's array module; CUPY_TF32={gpu['tf32']})"
        )
    env = ", ".join(f"{k}={v}" for k, v in facts["env"].items() if v is not None)
    lines.append(f"Env: {env or '(no BLAS/XLA variables set)'}")
    return "\n".join(lines)
