"""Micro-averaged ratios and their percentile-bootstrap intervals, over resampled documents.

Its own module so that every scorer (claims, detection, groups) states a metric the same way:
as a `Ratio` of summed counts over units whose weights follow the documents drawn, and gets
its interval from one seeded set of draws. The thresholds and defaults are in metrics.py.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from verifier.metrics import Metric
from verifier.schemas import MetricValue


@dataclass
class Ratio:
    """A metric as Σ w·num / Σ w·den over units (documents, claim pairs or groups).

    `weights` maps a (resamples × documents) matrix of document draw counts to unit weights,
    so one definition gives both the point estimate (all counts 1) and the bootstrap. When the
    denominator is 0 the value is 0.0 if Σ w·alt > 0 (e.g. no predictions but gold exists),
    else undefined.
    """

    num: np.ndarray
    den: np.ndarray
    weights: Callable[[np.ndarray], np.ndarray]
    alt: np.ndarray | None = None

    def values(self, draws: np.ndarray) -> np.ndarray:
        w = self.weights(draws)
        num, den = w @ self.num, w @ self.den
        with np.errstate(invalid="ignore", divide="ignore"):
            out = np.where(den > 0, num / np.where(den > 0, den, 1), np.nan)
        if self.alt is not None:
            out = np.where((den == 0) & (w @ self.alt > 0), 0.0, out)
        return out


def distinct_resamples(n_docs: int) -> int:
    """How many different bootstrap samples `n_docs` documents allow: C(2n − 1, n)."""
    return math.comb(2 * n_docs - 1, n_docs) if n_docs > 0 else 0


def interval_note(n_docs: int, resamples: int) -> str | None:
    """Why an interval is missing (one document) or coarse (few distinct resamples), so a
    reader does not take a narrow interval from five documents at face value."""
    if n_docs < 2:
        return f"{n_docs} document: no interval (resampling needs two or more documents)"
    distinct = distinct_resamples(n_docs)
    if distinct < resamples:
        return f"{n_docs} documents allow only {distinct} distinct resamples: a coarse interval"
    return None


def metric_value(
    ratio: Ratio | None,
    n_docs: int,
    draws: np.ndarray,
    confidence: float,
    definition: Metric,
    resamples: int,
) -> MetricValue:
    """A metric's point value (every document once), n, and percentile interval over `draws`;
    None where the ratio is undefined (nothing to divide by), never a made-up 0."""
    base = {"unit": definition.unit, "documents": n_docs}
    if ratio is None or n_docs == 0:
        return MetricValue(value=None, n=0, **base)
    n = int(ratio.den.sum())
    point = float(ratio.values(np.ones((1, n_docs)))[0])
    if math.isnan(point):
        return MetricValue(value=None, n=n, **base)
    note = interval_note(n_docs, resamples)
    if n_docs < 2 or draws.shape[0] == 0:
        return MetricValue(value=point, n=n, interval_note=note, **base)
    boot = ratio.values(draws)
    boot = boot[~np.isnan(boot)]
    if boot.size == 0:
        return MetricValue(value=point, n=n, interval_note=note, **base)
    tail = (1 - confidence) / 2 * 100
    lo, hi = np.percentile(boot, [tail, 100 - tail])
    return MetricValue(
        value=point, ci_low=float(lo), ci_high=float(hi), n=n, interval_note=note, **base
    )


def per_doc(draws: np.ndarray) -> np.ndarray:
    """Document-scoped units weigh as often as their document is drawn."""
    return draws


def resample_draws(n_docs: int, resamples: int, seed: int) -> np.ndarray:
    """Bootstrap draw counts (resamples × documents), seeded so intervals are reproducible;
    none when one document (or no resampling) leaves nothing to resample."""
    rng = np.random.default_rng(seed)
    return (
        rng.multinomial(n_docs, np.full(n_docs, 1 / n_docs), size=resamples).astype(float)
        if n_docs > 1 and resamples > 0
        else np.zeros((0, n_docs))
    )
