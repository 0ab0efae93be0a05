"""A metric added from one file shows up in scores, the leaderboard, the report and gates."""

from __future__ import annotations

import importlib.util
from collections.abc import Iterator
from pathlib import Path

import pytest

from verifier.errors import GateFailed
from verifier.evaluation.metrics import score
from verifier.evaluation.suites import check_gates
from verifier.metrics import METRICS, metric_names
from verifier.render.report import leaderboard_rows, report_html
from verifier.schemas import Claim, DocumentClaims, RunRecord

PLUGIN = '''
from verifier.metrics import METRICS, Metric

METRICS.register(Metric(
    name="claims_per_document", label="Claims/doc", unit="documents", family="claims",
    order=9, higher_is_better=False, description="predicted claims per document",
    count=lambda doc: (len(doc.pred), 1),
))
'''


@pytest.fixture
def plugin(tmp_path: Path) -> Iterator[None]:
    path = tmp_path / "claims_per_document.py"
    path.write_text(PLUGIN)
    spec = importlib.util.spec_from_file_location("claims_per_document_plugin", path)
    assert spec and spec.loader
    spec.loader.exec_module(importlib.util.module_from_spec(spec))
    yield
    METRICS.unregister("claims_per_document")


def _docs() -> dict[str, DocumentClaims]:
    text = "Officials said 40 people were hurt."
    claim = Claim(id="c1", doc_id="a", text=text, quote=text, attributed_to="officials")
    return {"a": DocumentClaims(doc_id="a", claims=[claim]),
            "b": DocumentClaims(doc_id="b", claims=[claim.model_copy(update={"doc_id": "b"})] * 1)}


def test_a_metric_from_one_file_is_scored_shown_and_gated(plugin: None) -> None:
    assert "claims_per_document" in metric_names()
    docs = _docs()
    texts = {k: d.claims[0].text for k, d in docs.items()}
    report = score(docs, docs, texts)
    m = report.metrics["claims_per_document"]
    # 1 claim in each of 2 documents: (1 + 1) / (1 + 1)
    assert m.value == 1.0 and m.n == 2 and m.unit == "documents"
    run = RunRecord(run_id="r", suite="s", model="m", started_at="2026-11-22T08:00:00",
                    wall_seconds=1.0, metrics=report.metrics)
    assert "claims_per_document" in leaderboard_rows([run])[0]
    assert "Claims/doc" in report_html([run])
    # lower is better, from the definition: at most 1.0 passes, at most 0.5 fails
    check_gates(report.metrics, {"claims_per_document": 1.0}, "run")
    with pytest.raises(GateFailed, match=r"claims_per_document=1\.0 > 0\.5"):
        check_gates(report.metrics, {"claims_per_document": 0.5}, "run")
