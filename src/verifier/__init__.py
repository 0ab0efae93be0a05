"""verifier: attribution-aware claim extraction, verification, briefs and benchmarks."""

__version__ = "0.1.0"
