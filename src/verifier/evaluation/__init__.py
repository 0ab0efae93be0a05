"""Evaluation: gold labels, metrics, suites and run records."""
