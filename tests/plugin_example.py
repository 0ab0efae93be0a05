"""A third-party plugin in one file: a model provider, an extraction strategy, a metric, a suite.

`tests/test_plugins.py` exposes this module through the four entry-point groups
(`verifier.providers`, `verifier.strategies`, `verifier.metrics`, `verifier.suites`) of a
small installed distribution, exactly as a package on PyPI would, and checks that each entry
shows up in `models`, `strategies`, `suites`, `eval`, the leaderboard and the report.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from verifier.metrics import METRICS, DocumentAlignment, Metric
from verifier.models.local import LOCAL_MODELS, local_model
from verifier.models.providers import PROVIDERS, Provider
from verifier.schemas import Claim, Document, DocumentClaims
from verifier.strategies import STRATEGIES
from verifier.suites import SUITES, SuiteSource
from verifier.text.sentences import sentence_spans

PROVIDERS.register(
    Provider(
        name="example-vendor",
        description="an OpenAI-compatible vendor added by a plugin",
        prefixes=("example-vendor",),
        mode="JSON",
        key_env="EXAMPLE_VENDOR_API_KEY",
        base_env=("EXAMPLE_VENDOR_API_BASE",),
        default_base="http://127.0.0.1:9/v1",
        litellm_prefix="openai",
    )
)


@dataclass
class FirstSentence:
    """Baseline: the first sentence of each article as its only claim (no model)."""

    name: str = "example-first-sentence"
    needs_model: bool = False
    description: str = "plugin baseline: each article's first sentence as one claim"

    def params(self) -> dict[str, Any]:
        return {}

    def prompt_versions(self) -> dict[str, str]:
        return {}

    def extract_document(self, gateway: object, doc: Document) -> DocumentClaims:
        start, end = sentence_spans(doc.text)[0]
        text = doc.text[start:end].strip()
        start = doc.text.index(text, start)
        claim = Claim(
            id=f"{doc.id}:first",
            doc_id=doc.id,
            text=text,
            quote=text,
            start=start,
            end=start + len(text),
            attributed_to=doc.outlet or "the article",
        )
        return DocumentClaims(doc_id=doc.id, model=self.name, claims=[claim])


STRATEGIES.register(FirstSentence())


def _yield(doc: DocumentAlignment) -> tuple[float, float]:
    return float(len(doc.pred)), float(len(doc.gold))


METRICS.register(
    Metric(
        name="example_claim_yield",
        label="Claims per gold claim",
        description="predicted claims over gold claims (a plugin metric)",
        unit="gold claims",
        family="claims",
        order=99,
        count=_yield,
    )
)

SUITES.register(
    SuiteSource(
        name="example-suite",
        path=Path(__file__).with_name("plugin_suite.yaml"),
        description="the seed articles and gold, registered by a plugin",
    )
)

# A new embedded model is a data entry: the same fields as src/verifier/data/local_models.yaml.
LOCAL_MODELS.register(
    local_model(
        "local:example-tiny",
        {
            "package": "example_weights",
            "pip": "example-weights",
            "file": "*.gguf",
            "served_name": "example-tiny",
            "port_offset": 7,
            "description": "an example GGUF package (plugin)",
        },
        {},
    )
)
