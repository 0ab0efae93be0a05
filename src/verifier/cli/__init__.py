"""The `verifier` command line: a thin layer over the library."""

from verifier.cli.app import app, main

__all__ = ["app", "main"]
