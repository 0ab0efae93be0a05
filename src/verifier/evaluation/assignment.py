"""One optimal-assignment function, without importing all of `scipy.optimize`.

`import scipy.optimize` takes ~0.45 s (it pulls in scipy.linalg and every solver) for the one
function the metrics need. scipy's compiled `_lsap` extension has no Python dependencies, so
it is loaded on its own; if that ever fails (another scipy layout), the public import is used.
"""

from __future__ import annotations

import importlib.machinery
import importlib.util
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np

_MODULE = "scipy.optimize._lsap"


@cache
def _solver() -> Callable[..., tuple[np.ndarray, np.ndarray]]:
    try:
        spec = importlib.util.find_spec("scipy")
        folder = Path(spec.origin).parent / "optimize"  # type: ignore[union-attr,arg-type]
        suffixes = tuple(importlib.machinery.EXTENSION_SUFFIXES)
        path = next(p for p in folder.glob("_lsap.*") if p.name.endswith(suffixes))
        loader = importlib.machinery.ExtensionFileLoader(_MODULE, str(path))
        module = importlib.util.module_from_spec(importlib.util.spec_from_loader(_MODULE, loader))  # type: ignore[arg-type]
        loader.exec_module(module)
        return module.linear_sum_assignment  # type: ignore[no-any-return]
    except Exception:  # any other layout: the documented import, slower but always right
        from scipy.optimize import linear_sum_assignment

        return linear_sum_assignment


def linear_sum_assignment(cost: Any, maximize: bool = False) -> tuple[np.ndarray, np.ndarray]:
    """`scipy.optimize.linear_sum_assignment`: rows and columns of an optimal assignment."""
    return _solver()(np.asarray(cost, dtype=float), maximize=maximize)
